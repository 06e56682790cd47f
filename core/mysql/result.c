/*
 * MySQL results: OK, ERR, EOF, column count, ColumnDefinition41,
 * COM_STMT_PREPARE_OK, and the streaming text/binary row decoder.
 * See moor/mysql_proto.h.
 */
#include <string.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"
#include "internal.h"

/* ------------------------------------------------------------------ */
/* Classifying a reply. */

int moor_mysql_reply_type(const uint8_t *p, size_t n, int cont, uint32_t caps)
{
	(void)caps;
	if (p == NULL || n == 0)
		return MOOR_ERR_MYSQL_MALFORMED;
	if (cont)
		return MOOR_MYSQL_REPLY_DATA;
	switch (p[0]) {
	case MOOR_MYSQL_OK_HEADER:
		return MOOR_MYSQL_REPLY_OK;
	case MOOR_MYSQL_ERR_HEADER:
		return MOOR_MYSQL_REPLY_ERR;
	case MOOR_MYSQL_LOCAL_INFILE:
		return MOOR_MYSQL_REPLY_INFILE;
	case MOOR_MYSQL_EOF_HEADER:
		return MOOR_MYSQL_REPLY_EOF;
	default:
		return MOOR_MYSQL_REPLY_DATA;
	}
}

int moor_mysql_row_type(const uint8_t *p, size_t n, int cont, uint32_t caps)
{
	if (p == NULL || n == 0)
		return MOOR_ERR_MYSQL_MALFORMED;
	if (cont)
		return MOOR_MYSQL_REPLY_DATA;
	if (p[0] == MOOR_MYSQL_ERR_HEADER)
		return MOOR_MYSQL_REPLY_ERR;
	if (p[0] == MOOR_MYSQL_EOF_HEADER
		&& ((caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) != 0 || n < 9))
		return MOOR_MYSQL_REPLY_EOF;
	return MOOR_MYSQL_REPLY_DATA;
}

/* ------------------------------------------------------------------ */
/* OK, ERR, EOF. */

int moor_mysql_parse_ok(const uint8_t *p, size_t n, uint32_t caps, moor_mysql_ok *ok)
{
	moor_mysql_cursor c;
	uint64_t v;

	if (ok == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	memset(ok, 0, sizeof *ok);
	if (n == 0 || (p[0] != MOOR_MYSQL_OK_HEADER && p[0] != MOOR_MYSQL_EOF_HEADER))
		return MOOR_ERR_MYSQL_MALFORMED;
	ok->header = p[0];
	moor_mysql_cursor_init(&c, p, n);
	c.off = 1;
	if (moor_mysql_get_lenenc(&c, &ok->affected_rows) != MOOR_OK
		|| moor_mysql_get_lenenc(&c, &ok->last_insert_id) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	if ((caps & MOOR_MYSQL_CLIENT_PROTOCOL_41) != 0) {
		if (moor_mysql_get_int(&c, 2, &v) != MOOR_OK)
			return MOOR_ERR_MYSQL_MALFORMED;
		ok->status = (uint16_t)v;
		if (moor_mysql_get_int(&c, 2, &v) != MOOR_OK)
			return MOOR_ERR_MYSQL_MALFORMED;
		ok->warnings = (uint16_t)v;
	} else if ((caps & MOOR_MYSQL_CLIENT_TRANSACTIONS) != 0) {
		if (moor_mysql_get_int(&c, 2, &v) != MOOR_OK)
			return MOOR_ERR_MYSQL_MALFORMED;
		ok->status = (uint16_t)v;
	}
	if ((caps & MOOR_MYSQL_CLIENT_SESSION_TRACK) != 0) {
		if (c.off < n && moor_mysql_get_lenenc_str(&c, &ok->info) != MOOR_OK)
			return MOOR_ERR_MYSQL_MALFORMED;
		if ((ok->status & MOOR_MYSQL_SERVER_SESSION_STATE_CHANGED) != 0
			&& moor_mysql_get_lenenc_str(&c, &ok->session) != MOOR_OK)
			return MOOR_ERR_MYSQL_MALFORMED;
	} else if (c.off < n) {
		/* Servers store the info length-encoded here too (MariaDB and
		 * MySQL alike); the protocol documents the rest of the payload.
		 * Take the length-encoded form when it spans exactly the rest. */
		moor_mysql_cursor t = c;
		moor_mysql_slice s;

		if (moor_mysql_get_lenenc_str(&t, &s) == MOOR_OK && t.off == n)
			ok->info = s;
		else
			moor_mysql_get_rest(&c, &ok->info);
	}
	return MOOR_OK;
}

int moor_mysql_parse_err(const uint8_t *p, size_t n, moor_mysql_err *e)
{
	moor_mysql_cursor c;

	if (e == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	memset(e, 0, sizeof *e);
	if (n < 3 || p[0] != MOOR_MYSQL_ERR_HEADER)
		return MOOR_ERR_MYSQL_MALFORMED;
	e->code = (uint16_t)moor_mysql_le16(p + 1);
	moor_mysql_cursor_init(&c, p, n);
	c.off = 3;
	if (n - c.off >= 6 && p[c.off] == '#') {
		memcpy(e->sqlstate, p + c.off + 1, 5);
		e->sqlstate[5] = 0;
		c.off += 6;
	}
	moor_mysql_get_rest(&c, &e->message);
	return MOOR_OK;
}

int moor_mysql_parse_eof(const uint8_t *p, size_t n, moor_mysql_eof *e)
{
	if (e == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	memset(e, 0, sizeof *e);
	if (n == 0 || p[0] != MOOR_MYSQL_EOF_HEADER || n >= 9 || (n > 1 && n < 5))
		return MOOR_ERR_MYSQL_MALFORMED;
	if (n >= 5) {
		e->warnings = (uint16_t)moor_mysql_le16(p + 1);
		e->status = (uint16_t)moor_mysql_le16(p + 3);
	}
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* Result-set metadata. */

int moor_mysql_parse_column_count(const uint8_t *p, size_t n, uint32_t *count)
{
	moor_mysql_cursor c;
	uint64_t v;

	if (count == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	*count = 0;
	moor_mysql_cursor_init(&c, p, n);
	if (moor_mysql_get_lenenc(&c, &v) != MOOR_OK || c.off != n || v == 0)
		return MOOR_ERR_MYSQL_MALFORMED;
	if (v > 65535)
		return MOOR_ERR_MYSQL_TOO_LARGE;
	*count = (uint32_t)v;
	return MOOR_OK;
}

int moor_mysql_parse_column(const uint8_t *p, size_t n, moor_mysql_column *col)
{
	moor_mysql_cursor c;
	moor_mysql_slice *strs[6];
	moor_mysql_slice fixed;
	uint64_t flen;
	size_t i;

	if (col == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	memset(col, 0, sizeof *col);
	strs[0] = &col->catalog;
	strs[1] = &col->schema;
	strs[2] = &col->table;
	strs[3] = &col->org_table;
	strs[4] = &col->name;
	strs[5] = &col->org_name;
	moor_mysql_cursor_init(&c, p, n);
	for (i = 0; i < 6; i++) {
		if (moor_mysql_get_lenenc_str(&c, strs[i]) != MOOR_OK)
			goto bad;
	}
	if (moor_mysql_get_lenenc(&c, &flen) != MOOR_OK || flen < 10
		|| flen > (uint64_t)(n - c.off))
		goto bad;
	if (moor_mysql_get_bytes(&c, (size_t)flen, &fixed) != MOOR_OK)
		goto bad;
	col->charset = (uint16_t)moor_mysql_le16(fixed.ptr);
	col->length = moor_mysql_le32(fixed.ptr + 2);
	col->type = fixed.ptr[6];
	col->flags = (uint16_t)moor_mysql_le16(fixed.ptr + 7);
	col->decimals = fixed.ptr[9];
	return MOOR_OK;
bad:
	memset(col, 0, sizeof *col);
	return MOOR_ERR_MYSQL_MALFORMED;
}

int moor_mysql_parse_prepare_ok(const uint8_t *p, size_t n, moor_mysql_prepare_ok *po)
{
	if (po == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	memset(po, 0, sizeof *po);
	if (n < 9 || p[0] != MOOR_MYSQL_OK_HEADER)
		return MOOR_ERR_MYSQL_MALFORMED;
	po->stmt_id = moor_mysql_le32(p + 1);
	po->columns = (uint16_t)moor_mysql_le16(p + 5);
	po->params = (uint16_t)moor_mysql_le16(p + 7);
	if (n >= 12)
		po->warnings = (uint16_t)moor_mysql_le16(p + 10);
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* The row decoder. */

enum {
	RW_BIN_HDR = 0,  /* binary: the 0x00 header */
	RW_BITMAP,       /* binary: the NULL bitmap */
	RW_COL,          /* at the start of a column */
	RW_DTLEN,        /* binary date/time: its length byte */
	RW_LEN,          /* a length-encoded length, bytes in scratch */
	RW_FIXED,        /* a fixed-size binary value, bytes in scratch */
	RW_STR,          /* string bytes delivered in chunks */
	RW_DONE
};


int moor_mysql_row_init(moor_mysql_row *d, uint32_t ncols, const uint8_t *types)
{
	if (d == NULL || ncols == 0)
		return MOOR_ERR_INVALID_ARG;
	memset(d, 0, sizeof *d);
	if (types != NULL && ncols > MOOR_CONFIG_MYSQL_MAX_COLUMNS)
		return MOOR_ERR_MYSQL_COLUMNS;
	d->types = types;
	d->ncols = ncols;
	d->state = types != NULL ? RW_BIN_HDR : RW_COL;
	return MOOR_OK;
}

int moor_mysql_row_finish(const moor_mysql_row *d)
{
	if (d == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (d->err != 0)
		return d->err;
	return d->state == RW_DONE ? MOOR_OK : MOOR_ERR_MYSQL_MALFORMED;
}

static int row_fail(moor_mysql_row *d, size_t *consumed, int err)
{
	d->err = err;
	*consumed = 0;
	return err;
}

/* Start an event for the current column. */
static void ev_start(const moor_mysql_row *d, moor_mysql_value *v, uint8_t kind)
{
	memset(v, 0, sizeof *v);
	v->kind = kind;
	v->col = d->col;
	v->type = d->types != NULL ? d->types[d->col] : MOOR_MYSQL_TYPE_VAR_STRING;
}

/* The current column is complete. */
static void next_col(moor_mysql_row *d, moor_mysql_value *v)
{
	d->col++;
	if (d->col == d->ncols) {
		d->state = RW_DONE;
		v->flags |= MOOR_MYSQL_V_ROW_DONE;
	} else {
		d->state = RW_COL;
	}
}

/* An integer of `bits` bits: zero-extended to u, sign-extended to i. */
static void decode_int(moor_mysql_value *v, uint64_t u, unsigned bits)
{
	v->u = u;
	if (bits < 64 && (u >> (bits - 1)) != 0)
		v->i = (int64_t)u - ((int64_t)1 << bits);
	else if (u > (uint64_t)INT64_MAX)
		v->i = -(int64_t)(~u) - 1;
	else
		v->i = (int64_t)u;
}

static void decode_fixed(const moor_mysql_row *d, moor_mysql_value *v)
{
	const uint8_t *s = d->scratch;
	uint64_t bits;
	uint32_t fbits;
	float f;
	double x;

	switch (moor_mysql_bin_layout(d->vtype)) {
	case BV_1:
		decode_int(v, s[0], 8);
		break;
	case BV_2:
		decode_int(v, moor_mysql_le16(s), 16);
		break;
	case BV_4:
		decode_int(v, moor_mysql_le32(s), 32);
		break;
	case BV_8:
		decode_int(v, moor_mysql_le64(s), 64);
		break;
	case BV_FLOAT:
		fbits = moor_mysql_le32(s);
		memcpy(&f, &fbits, 4);
		v->d = (double)f;
		break;
	case BV_DOUBLE:
		bits = moor_mysql_le64(s);
		memcpy(&x, &bits, 8);
		v->d = x;
		break;
	case BV_DATE:
		if (d->need >= 4) {
			v->t.year = (uint16_t)moor_mysql_le16(s);
			v->t.month = s[2];
			v->t.day = s[3];
		}
		if (d->need >= 7) {
			v->t.hour = s[4];
			v->t.minute = s[5];
			v->t.second = s[6];
		}
		if (d->need >= 11)
			v->t.microsecond = moor_mysql_le32(s + 7);
		break;
	default: /* BV_TIME */
		if (d->need >= 8) {
			v->t.neg = s[0] != 0;
			v->t.days = moor_mysql_le32(s + 1);
			v->t.hour = s[5];
			v->t.minute = s[6];
			v->t.second = s[7];
		}
		if (d->need >= 12)
			v->t.microsecond = moor_mysql_le32(s + 8);
		break;
	}
}

/* Collect up to d->need bytes (at most sizeof d->scratch: 9 for a
 * length, 12 for a temporal value) into d->scratch; returns how many of
 * data[0..len) it took. */
static size_t gather(moor_mysql_row *d, const uint8_t *data, size_t len)
{
	size_t k = len;

	if (k > (size_t)(d->need - d->got))
		k = (size_t)(d->need - d->got);
	if (k > 0)
		memcpy(d->scratch + d->got, data, k);
	d->got = (uint8_t)(d->got + k);
	return k;
}

static unsigned fixed_size(int layout)
{
	switch (layout) {
	case BV_1:
		return 1;
	case BV_2:
		return 2;
	case BV_4:
	case BV_FLOAT:
		return 4;
	default:
		return 8;
	}
}

int moor_mysql_row_next(moor_mysql_row *d, const uint8_t *data, size_t len,
	size_t *consumed, moor_mysql_value *v)
{
	size_t used = 0, k;
	size_t bm_len;
	uint64_t vl;
	uint8_t b;
	int lay;

	if (d == NULL || consumed == NULL || v == NULL || (data == NULL && len > 0))
		return MOOR_ERR_INVALID_ARG;
	*consumed = 0;
	if (d->err != 0)
		return d->err;
	bm_len = ((size_t)d->ncols + 9) / 8;
	for (;;) {
		switch (d->state) {
		case RW_BIN_HDR:
			if (used == len) {
				*consumed = used;
				return 0;
			}
			if (data[used] != 0x00)
				return row_fail(d, consumed, MOOR_ERR_MYSQL_MALFORMED);
			used++;
			d->bm_got = 0;
			d->state = RW_BITMAP;
			break;

		case RW_BITMAP:
			k = len - used;
			if (k > bm_len - d->bm_got)
				k = bm_len - d->bm_got;
			if (k > 0)
				memcpy(d->bitmap + d->bm_got, data + used, k);
			d->bm_got += (uint32_t)k;
			used += k;
			if (d->bm_got < bm_len) {
				*consumed = used;
				return 0;
			}
			d->state = RW_COL;
			break;

		case RW_COL:
			d->got = 0;
			if (d->types == NULL) {
				d->vtype = MOOR_MYSQL_TYPE_VAR_STRING;
				d->state = RW_LEN;
				break;
			}
			d->vtype = d->types[d->col];
			lay = moor_mysql_bin_layout(d->vtype);
			if ((d->bitmap[(d->col + 2) / 8] >> ((d->col + 2) % 8)) & 1
				|| lay == BV_NULL) {
				ev_start(d, v, MOOR_MYSQL_EV_VALUE);
				v->flags = MOOR_MYSQL_V_NULL;
				next_col(d, v);
				*consumed = used;
				return 1;
			}
			switch (lay) {
			case BV_BAD:
				return row_fail(d, consumed, MOOR_ERR_MYSQL_BAD_VALUE);
			case BV_STR:
				d->state = RW_LEN;
				break;
			case BV_DATE:
			case BV_TIME:
				d->state = RW_DTLEN;
				break;
			default:
				d->need = (uint8_t)fixed_size(lay);
				d->state = RW_FIXED;
				break;
			}
			break;

		case RW_DTLEN:
			if (used == len) {
				*consumed = used;
				return 0;
			}
			b = data[used++];
			lay = moor_mysql_bin_layout(d->vtype);
			if (lay == BV_DATE ? (b != 0 && b != 4 && b != 7 && b != 11)
				: (b != 0 && b != 8 && b != 12))
				return row_fail(d, consumed, MOOR_ERR_MYSQL_BAD_VALUE);
			d->need = b;
			d->got = 0;
			d->state = RW_FIXED;
			break;

		case RW_FIXED:
			used += gather(d, data + used, len - used);
			if (d->got < d->need) {
				*consumed = used;
				return 0;
			}
			ev_start(d, v, MOOR_MYSQL_EV_VALUE);
			decode_fixed(d, v);
			next_col(d, v);
			*consumed = used;
			return 1;

		case RW_LEN:
			if (d->got == 0) {
				if (used == len) {
					*consumed = used;
					return 0;
				}
				b = data[used];
				if (b == 0xfb && d->types == NULL) {
					used++;
					ev_start(d, v, MOOR_MYSQL_EV_VALUE);
					v->flags = MOOR_MYSQL_V_NULL;
					next_col(d, v);
					*consumed = used;
					return 1;
				}
				if (b == 0xfb || b == 0xff)
					return row_fail(d, consumed, MOOR_ERR_MYSQL_MALFORMED);
				used++;
				d->scratch[0] = b;
				d->got = 1;
				d->need = b < 0xfb ? 1 : b == 0xfc ? 3 : b == 0xfd ? 4 : 9;
			}
			used += gather(d, data + used, len - used);
			if (d->got < d->need) {
				*consumed = used;
				return 0;
			}
			if (d->need == 1) {
				vl = d->scratch[0];
			} else {
				unsigned i;

				vl = 0;
				for (i = 1; i < d->need; i++)
					vl |= (uint64_t)d->scratch[i] << (8 * (i - 1));
			}
			if (vl > (uint64_t)MOOR_CONFIG_MYSQL_MAX_PAYLOAD)
				return row_fail(d, consumed, MOOR_ERR_MYSQL_TOO_LARGE);
			if (vl <= (uint64_t)(len - used)) {
				ev_start(d, v, MOOR_MYSQL_EV_VALUE);
				v->ptr = vl > 0 ? data + used : NULL;
				v->len = (size_t)vl;
				v->total = vl;
				used += (size_t)vl;
				next_col(d, v);
				*consumed = used;
				return 1;
			}
			d->left = (uint32_t)vl;
			d->total = (uint32_t)vl;
			d->first = 1;
			d->state = RW_STR;
			break;

		case RW_STR:
			k = len - used;
			if (k == 0) {
				*consumed = used;
				return 0;
			}
			if (k > d->left)
				k = d->left;
			ev_start(d, v, MOOR_MYSQL_EV_CHUNK);
			v->ptr = data + used;
			v->len = k;
			v->total = d->total;
			if (d->first)
				v->flags |= MOOR_MYSQL_V_FIRST;
			d->first = 0;
			d->left -= (uint32_t)k;
			used += k;
			if (d->left == 0) {
				v->flags |= MOOR_MYSQL_V_LAST;
				next_col(d, v);
			}
			*consumed = used;
			return 1;

		default: /* RW_DONE */
			if (used < len)
				return row_fail(d, consumed, MOOR_ERR_MYSQL_MALFORMED);
			*consumed = used;
			return 0;
		}
	}
}
