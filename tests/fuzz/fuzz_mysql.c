/*
 * Fuzz target: the MySQL protocol codec.
 *
 * Input: byte 0 picks the reader's buffer size (low 4 bits) and the split
 * pattern (high 4 bits); byte 1 the first sequence id (low 2 bits), the
 * negotiated capabilities (bits 2-3) and the column count of rows (high 4
 * bits); the rest is the server's byte stream.
 *
 *  1. The packet reader, fed the stream whole and in pieces through a
 *     buffer of that size, must end the same way with the same payloads
 *     (chunks compared joined), make progress on every call, keep slices
 *     inside the bytes consumed, and return only documented errors.
 *  2. Every whole payload goes through every parser (handshake, OK, ERR,
 *     EOF, column count, ColumnDefinition41, PREPARE_OK, AuthSwitch,
 *     AuthMoreData, reply/row type): slices must lie in the payload.
 *  3. Every whole payload is decoded as a text row and as a binary row
 *     (column types taken from the input), whole and split at one point:
 *     the same values (chunks joined) and the same end.
 *  4. Encoders: a HandshakeResponse41 and a COM_STMT_EXECUTE built from the
 *     input must fit the size they report, leave a buffer one byte short
 *     untouched; the execute's parameter values, put behind a binary row
 *     header, must decode back to the parameters.
 *  5. The input, base64-encoded as a PEM "PUBLIC KEY", through the RSA
 *     public key reader: refused or a key inside the DER buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t caps_tab[16] = {
	16, 17, 20, 24, 32, 40, 64, 65, 100, 128, 256, 512, 1024, 2048, 4096, 8192
};
static const uint32_t cli_caps[4] = {
	0x013ea204, 0x003ea204, 0x01bea204, 0x00000200
};

#define BUF_MAX 8192

static void trap_if(int c)
{
	if (c)
		__builtin_trap();
}

typedef struct {
	uint64_t h;
	unsigned long events;
	int in_chunks;
} digest;

static void mix(digest *g, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		g->h = (g->h ^ b[i]) * 1099511628211ull;
}

static int err_ok(int st)
{
	return st == MOOR_ERR_MYSQL_SEQUENCE || st == MOOR_ERR_MYSQL_TOO_LARGE;
}

/* ------------------------------------------------------------------ */
/* 2. Parsers on one payload. */

static void in_payload(const uint8_t *p, size_t n, moor_mysql_slice s)
{
	if (s.len > 0)
		trap_if(s.ptr == NULL || s.ptr < p || s.ptr + s.len > p + n);
}

static void parsers(const uint8_t *p, size_t n, uint32_t caps)
{
	moor_mysql_handshake hs;
	moor_mysql_ok ok;
	moor_mysql_err e;
	moor_mysql_eof eof;
	moor_mysql_column col;
	moor_mysql_prepare_ok po;
	moor_mysql_auth_switch as;
	moor_mysql_slice md;
	uint32_t count, neg;
	int st, t;

	st = moor_mysql_parse_handshake(p, n, &hs);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED && st != MOOR_ERR_MYSQL_UNSUPPORTED);
	if (st == MOOR_OK) {
		in_payload(p, n, hs.server_version);
		in_payload(p, n, hs.plugin);
		trap_if(hs.scramble_len > MOOR_MYSQL_SCRAMBLE_MAX);
		st = moor_mysql_negotiate(hs.caps, MOOR_MYSQL_CLIENT_DEFAULT | MOOR_MYSQL_CLIENT_SSL,
			&neg);
		trap_if(st == MOOR_OK && (neg & MOOR_MYSQL_CLIENT_NEVER) != 0);
	}
	st = moor_mysql_parse_ok(p, n, caps, &ok);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED);
	if (st == MOOR_OK) {
		in_payload(p, n, ok.info);
		in_payload(p, n, ok.session);
	}
	st = moor_mysql_parse_ok(p, n, caps | MOOR_MYSQL_CLIENT_SESSION_TRACK, &ok);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED);
	if (st == MOOR_OK) {
		in_payload(p, n, ok.info);
		in_payload(p, n, ok.session);
	}
	st = moor_mysql_parse_err(p, n, &e);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED);
	if (st == MOOR_OK) {
		in_payload(p, n, e.message);
		trap_if(e.sqlstate[5] != 0);
	}
	st = moor_mysql_parse_eof(p, n, &eof);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED);
	st = moor_mysql_parse_column_count(p, n, &count);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED && st != MOOR_ERR_MYSQL_TOO_LARGE);
	trap_if(st == MOOR_OK && (count == 0 || count > 65535));
	st = moor_mysql_parse_column(p, n, &col);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED);
	if (st == MOOR_OK) {
		in_payload(p, n, col.catalog);
		in_payload(p, n, col.schema);
		in_payload(p, n, col.table);
		in_payload(p, n, col.org_table);
		in_payload(p, n, col.name);
		in_payload(p, n, col.org_name);
	}
	st = moor_mysql_parse_prepare_ok(p, n, &po);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED);
	st = moor_mysql_parse_auth_switch(p, n, &as);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED && st != MOOR_ERR_MYSQL_UNSUPPORTED);
	if (st == MOOR_OK) {
		in_payload(p, n, as.plugin);
		in_payload(p, n, as.data);
	}
	st = moor_mysql_parse_auth_more_data(p, n, &md);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_MALFORMED);
	if (st == MOOR_OK)
		in_payload(p, n, md);
	t = moor_mysql_reply_type(p, n, 0, caps);
	trap_if(n > 0 && (t < MOOR_MYSQL_REPLY_OK || t > MOOR_MYSQL_REPLY_DATA));
	t = moor_mysql_row_type(p, n, 0, caps);
	trap_if(n > 0 && (t < MOOR_MYSQL_REPLY_OK || t > MOOR_MYSQL_REPLY_DATA));
}

/* ------------------------------------------------------------------ */
/* 3. Rows. */

static const uint8_t type_tab[16] = {
	MOOR_MYSQL_TYPE_TINY, MOOR_MYSQL_TYPE_SHORT, MOOR_MYSQL_TYPE_LONG,
	MOOR_MYSQL_TYPE_LONGLONG, MOOR_MYSQL_TYPE_FLOAT, MOOR_MYSQL_TYPE_DOUBLE,
	MOOR_MYSQL_TYPE_DATE, MOOR_MYSQL_TYPE_DATETIME, MOOR_MYSQL_TYPE_TIME,
	MOOR_MYSQL_TYPE_YEAR, MOOR_MYSQL_TYPE_VAR_STRING, MOOR_MYSQL_TYPE_BLOB,
	MOOR_MYSQL_TYPE_NEWDECIMAL, MOOR_MYSQL_TYPE_NULL, MOOR_MYSQL_TYPE_INT24, 17
};

static void fold_value(digest *g, const moor_mysql_value *v, const uint8_t *in, size_t used)
{
	if (v->len > 0)
		trap_if(v->ptr < in || v->ptr + v->len > in + used);
	if (v->kind == MOOR_MYSQL_EV_CHUNK) {
		trap_if(v->len == 0);
		if (v->flags & MOOR_MYSQL_V_FIRST) {
			trap_if(g->in_chunks);
			g->in_chunks = 1;
			mix(g, "S", 1);
			mix(g, &v->col, sizeof v->col);
			mix(g, &v->total, sizeof v->total);
		} else {
			trap_if(!g->in_chunks);
		}
		mix(g, v->ptr, v->len);
		if (v->flags & MOOR_MYSQL_V_LAST) {
			uint8_t f = (uint8_t)(v->flags & ~MOOR_MYSQL_V_FIRST);

			g->in_chunks = 0;
			mix(g, "E", 1);
			mix(g, &f, 1);
		}
		g->events++;
		return;
	}
	trap_if(g->in_chunks);
	/* a whole string is folded like a chunked one */
	if ((v->flags & MOOR_MYSQL_V_NULL) == 0 && (v->ptr != NULL || v->len == v->total)
		&& v->total == v->len && v->len > 0) {
		uint8_t f = (uint8_t)(v->flags | MOOR_MYSQL_V_LAST);

		mix(g, "S", 1);
		mix(g, &v->col, sizeof v->col);
		mix(g, &v->total, sizeof v->total);
		mix(g, v->ptr, v->len);
		mix(g, "E", 1);
		mix(g, &f, 1);
	} else {
		mix(g, "V", 1);
		mix(g, &v->col, sizeof v->col);
		mix(g, &v->flags, 1);
		mix(g, &v->i, sizeof v->i);
		mix(g, &v->u, sizeof v->u);
		mix(g, &v->t, sizeof v->t);
		if (v->d == v->d)           /* NaN bits may vary in width */
			mix(g, &v->d, sizeof v->d);
	}
	g->events++;
}

static int row_decode(const uint8_t *p, size_t n, uint32_t ncols, const uint8_t *types,
	size_t cut, digest *g)
{
	moor_mysql_row d;
	moor_mysql_value v;
	size_t off = 0, end, used;
	unsigned long guard = 0;
	int st, piece;

	if (moor_mysql_row_init(&d, ncols, types) != MOOR_OK)
		__builtin_trap();
	if (p == NULL)
		p = (const uint8_t *)"";           /* an empty payload's slice */
	for (piece = 0; piece < 2; piece++) {
		end = piece == 0 ? cut : n;
		for (;;) {
			st = moor_mysql_row_next(&d, p + off, end - off, &used, &v);
			if (st < 0) {
				trap_if(st != MOOR_ERR_MYSQL_MALFORMED && st != MOOR_ERR_MYSQL_TOO_LARGE
					&& st != MOOR_ERR_MYSQL_BAD_VALUE);
				return st;
			}
			trap_if(used > end - off);
			if (st == 0) {
				trap_if(off + used != end);
				off = end;
				break;
			}
			fold_value(g, &v, p + off, used);
			off += used;
			trap_if(++guard > 2 * n + 2 * ncols + 4);
		}
	}
	return moor_mysql_row_finish(&d);
}

static void rows(const uint8_t *p, size_t n, uint32_t ncols, uint32_t seed)
{
	uint8_t types[16];
	size_t cut = n > 0 ? seed % (n + 1) : 0, i;
	digest a, b;
	int s1, s2;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	s1 = row_decode(p, n, ncols, NULL, n, &a);
	s2 = row_decode(p, n, ncols, NULL, cut, &b);
	trap_if(s1 != s2 || a.h != b.h);
	for (i = 0; i < ncols; i++)
		types[i] = type_tab[(seed >> (i % 8 * 4)) & 15];
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	s1 = row_decode(p, n, ncols, types, n, &a);
	s2 = row_decode(p, n, ncols, types, cut, &b);
	trap_if(s1 != s2 || a.h != b.h);
}

/* ------------------------------------------------------------------ */
/* 1. The reader. */

static uint8_t rbuf[BUF_MAX];

static int read_whole(const uint8_t *in, size_t n, size_t cap, uint8_t seq0, uint32_t ccaps,
	int run_parsers, uint32_t ncols, digest *g)
{
	moor_mysql_reader r;
	moor_mysql_packet pk;
	size_t off = 0, used;
	unsigned long guard = 0;
	int st;

	trap_if(moor_mysql_reader_init(&r, cap) != MOOR_OK);
	trap_if(moor_mysql_reader_expect(&r, seq0) != MOOR_OK);
	for (;;) {
		st = moor_mysql_read(&r, in + off, n - off, &used, &pk);
		if (st < 0) {
			trap_if(!err_ok(st));
			return st;
		}
		trap_if(used > n - off);
		if (st == 0)
			return off + used == n && moor_mysql_reader_idle(&r) ? 0 : 1;
		if (pk.len > 0)
			trap_if(pk.ptr < in + off || pk.ptr + pk.len > in + off + used);
		if (pk.kind == MOOR_MYSQL_PKT_WHOLE) {
			trap_if(g->in_chunks || pk.len + 4 > cap);
			mix(g, "W", 1);
			mix(g, pk.ptr, pk.len);
			mix(g, "|", 1);
			if (run_parsers) {
				parsers(pk.ptr, pk.len, ccaps);
				rows(pk.ptr, pk.len, ncols, (uint32_t)(pk.len * 2654435761u) ^ pk.seq);
			}
		} else {
			if (pk.flags & MOOR_MYSQL_F_FIRST) {
				trap_if(g->in_chunks || pk.len == 0);
				g->in_chunks = 1;
				mix(g, "W", 1);
			}
			trap_if(!g->in_chunks);
			mix(g, pk.ptr, pk.len);
			if (pk.flags & MOOR_MYSQL_F_LAST) {
				g->in_chunks = 0;
				mix(g, "|", 1);
			}
		}
		off += used;
		trap_if(++guard > 2 * n + 4);
	}
}

static int read_pieces(const uint8_t *in, size_t n, size_t cap, uint8_t seq0, uint32_t seed,
	digest *g)
{
	moor_mysql_reader r;
	moor_mysql_packet pk;
	size_t fill = 0, off = 0, soff = 0, used, k;
	uint32_t rng = seed * 2654435761u + 0x9e3779b9u;
	unsigned long guard = 0;
	int st;

	trap_if(moor_mysql_reader_init(&r, cap) != MOOR_OK);
	trap_if(moor_mysql_reader_expect(&r, seq0) != MOOR_OK);
	for (;;) {
		st = moor_mysql_read(&r, rbuf + off, fill - off, &used, &pk);
		if (st < 0) {
			trap_if(!err_ok(st));
			return st;
		}
		trap_if(used > fill - off);
		trap_if(++guard > 4 * n + 8);
		if (st == 1) {
			if (pk.len > 0)
				trap_if(pk.ptr < rbuf + off || pk.ptr + pk.len > rbuf + off + used);
			if (pk.kind == MOOR_MYSQL_PKT_WHOLE) {
				mix(g, "W", 1);
				mix(g, pk.ptr, pk.len);
				mix(g, "|", 1);
			} else {
				if (pk.flags & MOOR_MYSQL_F_FIRST) {
					g->in_chunks = 1;
					mix(g, "W", 1);
				}
				mix(g, pk.ptr, pk.len);
				if (pk.flags & MOOR_MYSQL_F_LAST) {
					g->in_chunks = 0;
					mix(g, "|", 1);
				}
			}
			off += used;
			continue;
		}
		off += used;
		memmove(rbuf, rbuf + off, fill - off);
		fill -= off;
		off = 0;
		if (soff == n)
			return fill == 0 && moor_mysql_reader_idle(&r) ? 0 : 1;
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		k = (seed & 1) ? 1 : 1 + rng % ((rng & 0x300) ? 8 : cap);
		if (k > cap - fill)
			k = cap - fill;
		if (k > n - soff)
			k = n - soff;
		trap_if(k == 0);                     /* buffer full, yet need more */
		memcpy(rbuf + fill, in + soff, k);
		fill += k;
		soff += k;
	}
}

/* ------------------------------------------------------------------ */
/* 4. Encoders. */

static uint8_t enc[BUF_MAX * 3];

static void check_sizes(int st_short, size_t len_short, int st, size_t len, size_t need)
{
	trap_if(st_short != MOOR_ERR_BUFFER_TOO_SMALL || len_short != need);
	trap_if(st != MOOR_OK || len != need);
}

static void encoders(const uint8_t *in, size_t n)
{
	static char user[64], db[64], plug[64], attr_v[64];
	const char *attrs[2];
	moor_mysql_login l;
	moor_mysql_param ps[16];
	size_t len, need, i, np, k;
	uint8_t seq;
	int st;

	if (n < 8)
		return;
	/* HandshakeResponse41 */
	memset(&l, 0, sizeof l);
	k = in[0] % 60;
	memcpy(user, in + 1, k < n - 1 ? k : n - 1);
	user[k < n - 1 ? k : n - 1] = 0;
	snprintf(db, sizeof db, "db%u", in[1]);
	snprintf(plug, sizeof plug, "plugin%u", in[2]);
	memset(attr_v, 'a' + in[3] % 26, in[3] % 60);
	attr_v[in[3] % 60] = 0;
	attrs[0] = "k";
	attrs[1] = attr_v;
	l.caps = (uint32_t)in[4] << 16 | (uint32_t)in[5] << 8 | in[6] | MOOR_MYSQL_CLIENT_PROTOCOL_41;
	l.user = user;
	l.auth = in;
	l.auth_len = in[7] % 40 < n ? in[7] % 40 : n;
	l.database = (in[1] & 1) ? db : NULL;
	l.plugin = plug;
	l.program_name = (in[1] & 2) ? "fuzz" : NULL;
	l.attrs = attrs;
	l.n_attrs = in[1] & 4 ? 1 : 0;
	seq = 1;
	st = moor_mysql_write_handshake_response(&l, &seq, NULL, 0, &need);
	if (st == MOOR_ERR_BUFFER_TOO_SMALL) {
		int st1;
		size_t len1;

		trap_if(need > sizeof enc);
		memset(enc, 0xa5, need);
		st1 = moor_mysql_write_handshake_response(&l, &seq, enc, need - 1, &len1);
		for (i = 0; i < need; i++)
			trap_if(enc[i] != 0xa5);
		st = moor_mysql_write_handshake_response(&l, &seq, enc, need, &len);
		check_sizes(st1, len1, st, len, need);
		trap_if(seq != 2);
		trap_if((size_t)(enc[0] | enc[1] << 8 | enc[2] << 16) != need - 4 || enc[3] != 1);
	} else {
		trap_if(st != MOOR_ERR_MYSQL_TOO_LARGE);
	}

	/* COM_STMT_EXECUTE, and its values back through the row decoder */
	np = 1 + in[0] % 16;
	k = 8;
	memset(ps, 0, sizeof ps);
	for (i = 0; i < np; i++) {
		uint8_t sel = k < n ? in[k++] : (uint8_t)i;
		uint64_t v = 0;
		size_t j;

		for (j = 0; j < 8; j++)
			v = v << 8 | (k < n ? in[k++] : 0);
		ps[i].type = type_tab[sel & 15];
		if (ps[i].type == 17)
			ps[i].type = MOOR_MYSQL_TYPE_STRING;
		ps[i].is_unsigned = (sel >> 4) & 1;
		ps[i].is_null = (sel >> 5) == 7;
		switch (ps[i].type) {
		case MOOR_MYSQL_TYPE_TINY:
			ps[i].u = v & 0xff;
			ps[i].i = (int8_t)(v & 0xff);
			break;
		case MOOR_MYSQL_TYPE_SHORT:
		case MOOR_MYSQL_TYPE_YEAR:
			ps[i].u = v & 0xffff;
			ps[i].i = (int16_t)(v & 0xffff);
			break;
		case MOOR_MYSQL_TYPE_LONG:
		case MOOR_MYSQL_TYPE_INT24:
			ps[i].u = v & 0xffffffff;
			ps[i].i = (int32_t)(v & 0xffffffff);
			break;
		case MOOR_MYSQL_TYPE_LONGLONG:
			ps[i].u = v;
			ps[i].i = (int64_t)v;
			break;
		case MOOR_MYSQL_TYPE_FLOAT:
			ps[i].f = (float)(int32_t)(v & 0xffffff) / 8;
			break;
		case MOOR_MYSQL_TYPE_DOUBLE:
			ps[i].d = (double)(int64_t)(v >> 12) / 1024;
			break;
		case MOOR_MYSQL_TYPE_DATE:
		case MOOR_MYSQL_TYPE_DATETIME:
			ps[i].t.year = (uint16_t)(v % 10000);
			ps[i].t.month = (uint8_t)((v >> 16) % 13);
			ps[i].t.day = (uint8_t)((v >> 20) % 32);
			ps[i].t.hour = (uint8_t)((v >> 26) % 24);
			ps[i].t.minute = (uint8_t)((v >> 32) % 60);
			ps[i].t.second = (uint8_t)((v >> 38) % 60);
			ps[i].t.microsecond = (uint32_t)((v >> 44) % 1000000);
			if (ps[i].type == MOOR_MYSQL_TYPE_DATE && (v & 1))
				ps[i].t.hour = ps[i].t.minute = ps[i].t.second = 0, ps[i].t.microsecond = 0;
			break;
		case MOOR_MYSQL_TYPE_TIME:
			ps[i].t.neg = v & 1;
			ps[i].t.days = (uint32_t)((v >> 1) % 35);
			ps[i].t.hour = (uint8_t)((v >> 8) % 24);
			if (ps[i].t.days == 34 && ps[i].t.hour > 22)
				ps[i].t.hour = 22;
			ps[i].t.minute = (uint8_t)((v >> 16) % 60);
			ps[i].t.second = (uint8_t)((v >> 24) % 60);
			ps[i].t.microsecond = (uint32_t)((v >> 32) % 1000000);
			break;
		case MOOR_MYSQL_TYPE_NULL:
			break;
		default:
			ps[i].ptr = in;
			ps[i].len = (size_t)(v % (n < 1000 ? n + 1 : 1001));
			break;
		}
	}
	st = moor_mysql_write_stmt_execute(0x11223344, 0, ps, np, 1, &seq, NULL, 0, &need);
	trap_if(st != MOOR_ERR_BUFFER_TOO_SMALL || need > sizeof enc);
	{
		size_t len1, bm = (np + 7) / 8, vstart, rlen;
		int st1;
		static uint8_t row[BUF_MAX * 3];
		uint8_t types[16];
		moor_mysql_row d;
		moor_mysql_value v;
		size_t off, used;

		memset(enc, 0xa5, need);
		st1 = moor_mysql_write_stmt_execute(0x11223344, 0, ps, np, 1, &seq, enc, need - 1,
			&len1);
		for (i = 0; i < need; i++)
			trap_if(enc[i] != 0xa5);
		st = moor_mysql_write_stmt_execute(0x11223344, 0, ps, np, 1, &seq, enc, need, &len);
		check_sizes(st1, len1, st, len, need);
		trap_if(seq != 1);
		/* payload: 0x17, id, flags, count(4), bitmap, 1, types */
		vstart = 4 + 10 + bm + 1 + 2 * np;
		trap_if(vstart > len);
		/* a binary row: 0x00, the bitmap shifted by 2, the same values */
		rlen = 0;
		row[rlen++] = 0;
		memset(row + 1, 0, (np + 9) / 8);
		for (i = 0; i < np; i++) {
			types[i] = ps[i].type;
			if (ps[i].is_null || ps[i].type == MOOR_MYSQL_TYPE_NULL)
				row[1 + (i + 2) / 8] |= (uint8_t)(1u << ((i + 2) % 8));
			trap_if(((enc[14 + i / 8] >> (i % 8)) & 1)
				!= (ps[i].is_null || ps[i].type == MOOR_MYSQL_TYPE_NULL));
		}
		rlen += (np + 9) / 8;
		memcpy(row + rlen, enc + vstart, len - vstart);
		rlen += len - vstart;
		trap_if(moor_mysql_row_init(&d, (uint32_t)np, types) != MOOR_OK);
		off = 0;
		for (i = 0; i < np; i++) {
			const moor_mysql_param *q = &ps[i];

			st = moor_mysql_row_next(&d, row + off, rlen - off, &used, &v);
			trap_if(st != 1 || v.kind != MOOR_MYSQL_EV_VALUE || v.col != i);
			off += used;
			if (q->is_null || q->type == MOOR_MYSQL_TYPE_NULL) {
				trap_if((v.flags & MOOR_MYSQL_V_NULL) == 0);
				continue;
			}
			switch (q->type) {
			case MOOR_MYSQL_TYPE_TINY:
			case MOOR_MYSQL_TYPE_SHORT:
			case MOOR_MYSQL_TYPE_YEAR:
			case MOOR_MYSQL_TYPE_LONG:
			case MOOR_MYSQL_TYPE_INT24:
			case MOOR_MYSQL_TYPE_LONGLONG:
				trap_if(q->is_unsigned ? v.u != q->u : v.i != q->i);
				break;
			case MOOR_MYSQL_TYPE_FLOAT:
				trap_if(v.d != (double)q->f);
				break;
			case MOOR_MYSQL_TYPE_DOUBLE:
				trap_if(v.d != q->d);
				break;
			case MOOR_MYSQL_TYPE_DATE:
			case MOOR_MYSQL_TYPE_DATETIME:
				trap_if(v.t.year != q->t.year || v.t.month != q->t.month
					|| v.t.day != q->t.day || v.t.hour != q->t.hour
					|| v.t.minute != q->t.minute || v.t.second != q->t.second
					|| v.t.microsecond != q->t.microsecond);
				break;
			case MOOR_MYSQL_TYPE_TIME:
				trap_if(v.t.days != q->t.days || v.t.hour != q->t.hour
					|| v.t.minute != q->t.minute || v.t.second != q->t.second
					|| v.t.microsecond != q->t.microsecond
					|| (v.t.neg != q->t.neg && (q->t.days | q->t.hour | q->t.minute
						| q->t.second | q->t.microsecond) != 0));
				break;
			default:
				trap_if(v.len != q->len || (v.len > 0 && memcmp(v.ptr, q->ptr, v.len) != 0));
				break;
			}
		}
		trap_if(off != rlen || moor_mysql_row_finish(&d) != MOOR_OK);
	}
}

/* ------------------------------------------------------------------ */
/* 5. RSA public keys. */

static void rsa_key(const uint8_t *in, size_t n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static char pem[4096];
	static uint8_t der[1024];
	br_rsa_public_key pk;
	size_t o, i;
	int st;

	if (n > 700)
		n = 700;
	o = (size_t)snprintf(pem, sizeof pem, "-----BEGIN PUBLIC KEY-----\n");
	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		pem[o++] = b64[(v >> 18) & 63];
		pem[o++] = b64[(v >> 12) & 63];
		pem[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		pem[o++] = i + 2 < n ? b64[v & 63] : '=';
		if (i % 48 == 45)
			pem[o++] = '\n';
	}
	o += (size_t)snprintf(pem + o, sizeof pem - o, "\n-----END PUBLIC KEY-----\n");
	st = moor_mysql_rsa_key_from_pem(pem, o, der, sizeof der, &pk);
	trap_if(st != MOOR_OK && st != MOOR_ERR_MYSQL_RSA_KEY);
	if (st == MOOR_OK)
		trap_if(pk.nlen == 0 || pk.nlen > 512 || pk.n < der || pk.n + pk.nlen > der + n
			|| pk.elen == 0 || pk.elen > 4 || pk.e < der || pk.e + pk.elen > der + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	digest g1, g2;
	size_t cap;
	uint8_t seq0;
	uint32_t ccaps, ncols;
	int st1, st2;

	if (size < 2)
		return 0;
	cap = caps_tab[data[0] & 15];
	seq0 = data[1] & 3;
	ccaps = cli_caps[(data[1] >> 2) & 3];
	ncols = 1 + (data[1] >> 4);
	memset(&g1, 0, sizeof g1);
	memset(&g2, 0, sizeof g2);
	st1 = read_whole(data + 2, size - 2, cap, seq0, ccaps, 0, ncols, &g1);
	st2 = read_pieces(data + 2, size - 2, cap, seq0, (uint32_t)(data[0] >> 4), &g2);
	trap_if(st1 != st2 || g1.h != g2.h);
	/* the parsers and rows on every whole payload (a large buffer) */
	memset(&g1, 0, sizeof g1);
	read_whole(data + 2, size - 2, BUF_MAX, seq0, ccaps, 1, ncols, &g1);
	/* the whole input as one payload too */
	parsers(data + 2, size - 2, ccaps);
	rows(data + 2, size - 2, ncols, data[0] * 16777619u + data[1]);
	encoders(data + 2, size - 2);
	rsa_key(data + 2, size - 2);
	return 0;
}
