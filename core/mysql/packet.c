/*
 * MySQL packets: the reader (framing, sequence ids, continuation packets,
 * chunked delivery), the writer that frames encoders' payloads, and the
 * bounds-checked field readers. See moor/mysql_proto.h.
 */
#include <string.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"
#include "internal.h"

enum {
	RD_HEAD = 0,   /* expecting the first header of a payload */
	RD_DATA,       /* chunk mode: payload bytes of the current packet */
	RD_CONT        /* chunk mode: expecting a continuation header */
};

/* ------------------------------------------------------------------ */
/* Little-endian helpers and the wipe. */

uint32_t moor_mysql_le16(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static uint32_t le24(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

uint32_t moor_mysql_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16)
		| ((uint32_t)p[3] << 24);
}

uint64_t moor_mysql_le64(const uint8_t *p)
{
	return (uint64_t)moor_mysql_le32(p) | ((uint64_t)moor_mysql_le32(p + 4) << 32);
}

void moor_mysql_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* ------------------------------------------------------------------ */
/* The reader. */

int moor_mysql_reader_init(moor_mysql_reader *r, size_t bufcap)
{
	if (r == NULL || bufcap < MOOR_MYSQL_MIN_BUFFER)
		return MOOR_ERR_INVALID_ARG;
	memset(r, 0, sizeof *r);
	r->bufcap = bufcap;
	r->state = RD_HEAD;
	return MOOR_OK;
}

int moor_mysql_reader_expect(moor_mysql_reader *r, uint8_t seq)
{
	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (r->err != 0)
		return r->err;
	if (r->state != RD_HEAD)
		return MOOR_ERR_STATE;
	r->seq = seq;
	return MOOR_OK;
}

uint8_t moor_mysql_reader_seq(const moor_mysql_reader *r)
{
	return r == NULL ? 0 : r->seq;
}

int moor_mysql_reader_idle(const moor_mysql_reader *r)
{
	return r != NULL && r->err == 0 && r->state == RD_HEAD;
}

static int rd_fail(moor_mysql_reader *r, size_t *consumed, int err)
{
	r->err = err;
	*consumed = 0;
	return err;
}

int moor_mysql_read(moor_mysql_reader *r, const uint8_t *data, size_t len,
	size_t *consumed, moor_mysql_packet *pkt)
{
	size_t used = 0;
	uint32_t flen;

	if (r == NULL || consumed == NULL || pkt == NULL || (data == NULL && len > 0))
		return MOOR_ERR_INVALID_ARG;
	*consumed = 0;
	if (r->err != 0)
		return r->err;
	for (;;) {
		switch (r->state) {
		case RD_HEAD:
			if (len - used < MOOR_MYSQL_HEADER_LEN) {
				*consumed = used;
				return 0;
			}
			flen = le24(data + used);
			if (data[used + 3] != r->seq)
				return rd_fail(r, consumed, MOOR_ERR_MYSQL_SEQUENCE);
			if ((unsigned long)flen > MOOR_CONFIG_MYSQL_MAX_PAYLOAD)
				return rd_fail(r, consumed, MOOR_ERR_MYSQL_TOO_LARGE);
			if (flen < MOOR_MYSQL_MAX_FRAME
				&& (size_t)flen <= r->bufcap - MOOR_MYSQL_HEADER_LEN) {
				/* whole: wait until all of it is in */
				if (len - used - MOOR_MYSQL_HEADER_LEN < flen) {
					*consumed = used;
					return 0;
				}
				memset(pkt, 0, sizeof *pkt);
				pkt->kind = MOOR_MYSQL_PKT_WHOLE;
				pkt->flags = MOOR_MYSQL_F_FIRST | MOOR_MYSQL_F_LAST;
				pkt->seq = r->seq;
				pkt->ptr = flen > 0 ? data + used + MOOR_MYSQL_HEADER_LEN : NULL;
				pkt->len = flen;
				pkt->total = flen;
				r->seq++;
				*consumed = used + MOOR_MYSQL_HEADER_LEN + flen;
				return 1;
			}
			/* chunks: flen > 0 here, since bufcap >= 16 */
			used += MOOR_MYSQL_HEADER_LEN;
			r->seq++;
			r->frame_left = flen;
			r->more = flen == MOOR_MYSQL_MAX_FRAME;
			r->cont = r->more;
			r->total = 0;
			r->first = 1;
			r->state = RD_DATA;
			break;

		case RD_DATA: {
			size_t k = len - used;

			if (k == 0) {
				*consumed = used;
				return 0;
			}
			if (k > r->frame_left)
				k = r->frame_left;
			memset(pkt, 0, sizeof *pkt);
			pkt->kind = MOOR_MYSQL_PKT_CHUNK;
			pkt->seq = (uint8_t)(r->seq - 1);
			pkt->ptr = data + used;
			pkt->len = k;
			pkt->offset = r->total;
			if (r->first)
				pkt->flags |= MOOR_MYSQL_F_FIRST;
			if (r->cont)
				pkt->flags |= MOOR_MYSQL_F_CONT;
			else
				pkt->total = (size_t)r->total + k + (r->frame_left - k);
			r->first = 0;
			r->total += (uint32_t)k;
			r->frame_left -= (uint32_t)k;
			if (r->frame_left == 0) {
				if (r->more) {
					r->state = RD_CONT;
				} else {
					pkt->flags |= MOOR_MYSQL_F_LAST;
					r->state = RD_HEAD;
				}
			}
			*consumed = used + k;
			return 1;
		}

		default: /* RD_CONT */
			if (len - used < MOOR_MYSQL_HEADER_LEN) {
				*consumed = used;
				return 0;
			}
			flen = le24(data + used);
			if (data[used + 3] != r->seq)
				return rd_fail(r, consumed, MOOR_ERR_MYSQL_SEQUENCE);
			if ((uint64_t)r->total + flen > (uint64_t)MOOR_CONFIG_MYSQL_MAX_PAYLOAD)
				return rd_fail(r, consumed, MOOR_ERR_MYSQL_TOO_LARGE);
			used += MOOR_MYSQL_HEADER_LEN;
			r->seq++;
			r->frame_left = flen;
			r->more = flen == MOOR_MYSQL_MAX_FRAME;
			if (flen == 0) {
				/* the empty packet that ends a payload of a multiple
				 * of 16 MiB - 1 bytes */
				memset(pkt, 0, sizeof *pkt);
				pkt->kind = MOOR_MYSQL_PKT_CHUNK;
				pkt->flags = MOOR_MYSQL_F_LAST | MOOR_MYSQL_F_CONT;
				pkt->seq = (uint8_t)(r->seq - 1);
				pkt->offset = r->total;
				r->state = RD_HEAD;
				*consumed = used;
				return 1;
			}
			r->state = RD_DATA;
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* The writer. */

size_t moor_mysql_framed_size(size_t payload_len)
{
	size_t packets = payload_len / MOOR_MYSQL_MAX_FRAME + 1;

	if (packets > (SIZE_MAX - payload_len) / MOOR_MYSQL_HEADER_LEN)
		return SIZE_MAX;
	return payload_len + MOOR_MYSQL_HEADER_LEN * packets;
}

void moor_mysql_put_header(uint8_t out[4], uint32_t payload_len, uint8_t seq)
{
	out[0] = (uint8_t)payload_len;
	out[1] = (uint8_t)(payload_len >> 8);
	out[2] = (uint8_t)(payload_len >> 16);
	out[3] = seq;
}

void moor_mysql_wr_init(mysql_wr *w, uint8_t *out)
{
	w->out = out;
	w->pos = MOOR_MYSQL_HEADER_LEN;
	w->plen = 0;
	w->room = MOOR_MYSQL_MAX_FRAME;
	w->overflow = 0;
}

/* Lay out n payload bytes; src NULL writes zeros. */
static void wr_bytes(mysql_wr *w, const uint8_t *src, size_t n)
{
	while (n > 0 && !w->overflow) {
		size_t k;

		if (w->room == 0) {
			if (w->pos > SIZE_MAX - MOOR_MYSQL_HEADER_LEN) {
				w->overflow = 1;
				return;
			}
			w->pos += MOOR_MYSQL_HEADER_LEN;
			w->room = MOOR_MYSQL_MAX_FRAME;
		}
		k = n < w->room ? n : w->room;
		if (k > SIZE_MAX - w->pos) {
			w->overflow = 1;
			return;
		}
		if (w->out != NULL) {
			if (src != NULL)
				memcpy(w->out + w->pos, src, k);
			else
				memset(w->out + w->pos, 0, k);
		}
		if (src != NULL)
			src += k;
		w->pos += k;
		w->plen += k;
		w->room -= (uint32_t)k;
		n -= k;
	}
}

void moor_mysql_wr_put(mysql_wr *w, const void *src, size_t n)
{
	if (n > 0 && src != NULL)
		wr_bytes(w, src, n);
}

void moor_mysql_wr_zero(mysql_wr *w, size_t n)
{
	wr_bytes(w, NULL, n);
}

void moor_mysql_wr_u8(mysql_wr *w, uint8_t v)
{
	wr_bytes(w, &v, 1);
}

void moor_mysql_wr_le(mysql_wr *w, uint64_t v, unsigned bytes)
{
	uint8_t b[8];
	unsigned i;

	for (i = 0; i < bytes && i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	wr_bytes(w, b, i);
}

void moor_mysql_wr_lenenc(mysql_wr *w, uint64_t v)
{
	uint8_t b[9];

	wr_bytes(w, b, moor_mysql_put_lenenc(b, v));
}

void moor_mysql_wr_lenenc_str(mysql_wr *w, const void *s, size_t n)
{
	moor_mysql_wr_lenenc(w, (uint64_t)n);
	moor_mysql_wr_put(w, s, n);
}

size_t moor_mysql_wr_finish(mysql_wr *w, uint8_t seq, unsigned *packets)
{
	size_t off = 0, rem = w->plen, total;
	unsigned n = 0;

	if (w->overflow)
		return 0;
	total = w->pos;
	if (w->room == 0) {
		/* an exact multiple of 16 MiB - 1: an empty packet ends it */
		if (total > SIZE_MAX - MOOR_MYSQL_HEADER_LEN)
			return 0;
		total += MOOR_MYSQL_HEADER_LEN;
	}
	if (w->out != NULL) {
		for (;;) {
			uint32_t flen = rem < MOOR_MYSQL_MAX_FRAME ? (uint32_t)rem
				: (uint32_t)MOOR_MYSQL_MAX_FRAME;

			moor_mysql_put_header(w->out + off, flen, (uint8_t)(seq + n));
			n++;
			off += MOOR_MYSQL_HEADER_LEN + flen;
			rem -= flen;
			if (flen < MOOR_MYSQL_MAX_FRAME)
				break;
		}
	}
	if (packets != NULL)
		*packets = n;
	return total;
}

int moor_mysql_wr_run(mysql_emit emit, const void *ctx, uint8_t *seq,
	uint8_t *out, size_t cap, size_t *len)
{
	mysql_wr w;
	size_t need;
	unsigned packets = 0;

	moor_mysql_wr_init(&w, NULL);
	emit(&w, ctx);
	need = moor_mysql_wr_finish(&w, 0, NULL);
	if (need == 0)
		return MOOR_ERR_MYSQL_TOO_LARGE;
	*len = need;
	if (out == NULL || need > cap)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	moor_mysql_wr_init(&w, out);
	emit(&w, ctx);
	if (moor_mysql_wr_finish(&w, *seq, &packets) != need)
		return MOOR_ERR_INTERNAL;
	*seq = (uint8_t)(*seq + packets);
	return MOOR_OK;
}

typedef struct {
	const uint8_t *p;
	size_t n;
} raw_ctx;

static void emit_raw(mysql_wr *w, const void *ctx)
{
	const raw_ctx *c = ctx;

	moor_mysql_wr_put(w, c->p, c->n);
}

int moor_mysql_write_packet(const uint8_t *payload, size_t n, uint8_t *seq,
	uint8_t *out, size_t cap, size_t *len)
{
	raw_ctx c;

	if (seq == NULL || len == NULL || (payload == NULL && n > 0)
		|| (out == NULL && cap > 0))
		return MOOR_ERR_INVALID_ARG;
	c.p = payload;
	c.n = n;
	return moor_mysql_wr_run(emit_raw, &c, seq, out, cap, len);
}

/* ------------------------------------------------------------------ */
/* Field readers. */

void moor_mysql_cursor_init(moor_mysql_cursor *c, const uint8_t *p, size_t n)
{
	c->p = p;
	c->n = p == NULL ? 0 : n;
	c->off = 0;
}

int moor_mysql_get_int(moor_mysql_cursor *c, unsigned bytes, uint64_t *v)
{
	uint64_t x = 0;
	unsigned i;

	if (bytes != 1 && bytes != 2 && bytes != 3 && bytes != 4 && bytes != 6
		&& bytes != 8)
		return MOOR_ERR_INVALID_ARG;
	if (c->off > c->n || c->n - c->off < bytes)
		return MOOR_ERR_MYSQL_MALFORMED;
	for (i = 0; i < bytes; i++)
		x |= (uint64_t)c->p[c->off + i] << (8 * i);
	c->off += bytes;
	*v = x;
	return MOOR_OK;
}

int moor_mysql_get_bytes(moor_mysql_cursor *c, size_t n, moor_mysql_slice *s)
{
	if (c->off > c->n || c->n - c->off < n)
		return MOOR_ERR_MYSQL_MALFORMED;
	s->ptr = n > 0 ? c->p + c->off : NULL;
	s->len = n;
	c->off += n;
	return MOOR_OK;
}

int moor_mysql_get_nul_str(moor_mysql_cursor *c, moor_mysql_slice *s)
{
	const uint8_t *z;

	if (c->off >= c->n)
		return MOOR_ERR_MYSQL_MALFORMED;
	z = memchr(c->p + c->off, 0, c->n - c->off);
	if (z == NULL)
		return MOOR_ERR_MYSQL_MALFORMED;
	s->len = (size_t)(z - (c->p + c->off));
	s->ptr = s->len > 0 ? c->p + c->off : NULL;
	c->off += s->len + 1;
	return MOOR_OK;
}

void moor_mysql_get_rest(moor_mysql_cursor *c, moor_mysql_slice *s)
{
	if (c->off >= c->n) {
		s->ptr = NULL;
		s->len = 0;
		c->off = c->n;
		return;
	}
	s->ptr = c->p + c->off;
	s->len = c->n - c->off;
	c->off = c->n;
}

int moor_mysql_get_lenenc(moor_mysql_cursor *c, uint64_t *v)
{
	uint8_t b;
	unsigned extra;
	size_t save = c->off;
	int st;

	if (c->off >= c->n)
		return MOOR_ERR_MYSQL_MALFORMED;
	b = c->p[c->off];
	if (b < 0xfb) {
		c->off++;
		*v = b;
		return MOOR_OK;
	}
	if (b == 0xfb) {
		c->off++;
		*v = 0;
		return MOOR_MYSQL_NULL;
	}
	if (b == 0xff)
		return MOOR_ERR_MYSQL_MALFORMED;
	extra = b == 0xfc ? 2 : b == 0xfd ? 3 : 8;
	c->off++;
	st = moor_mysql_get_int(c, extra, v);
	if (st != MOOR_OK)
		c->off = save;
	return st;
}

int moor_mysql_get_lenenc_str(moor_mysql_cursor *c, moor_mysql_slice *s)
{
	size_t save = c->off;
	uint64_t n;
	int st;

	st = moor_mysql_get_lenenc(c, &n);
	if (st == MOOR_MYSQL_NULL) {
		s->ptr = NULL;
		s->len = 0;
		return st;
	}
	if (st != MOOR_OK)
		return st;
	if (n > (uint64_t)(c->n - c->off)) {
		c->off = save;
		return MOOR_ERR_MYSQL_MALFORMED;
	}
	return moor_mysql_get_bytes(c, (size_t)n, s);
}

size_t moor_mysql_lenenc_size(uint64_t v)
{
	if (v < 0xfb)
		return 1;
	if (v <= 0xffff)
		return 3;
	if (v <= 0xffffff)
		return 4;
	return 9;
}

size_t moor_mysql_put_lenenc(uint8_t out[9], uint64_t v)
{
	size_t n = moor_mysql_lenenc_size(v), i;

	if (n == 1) {
		out[0] = (uint8_t)v;
		return 1;
	}
	out[0] = n == 3 ? 0xfc : n == 4 ? 0xfd : 0xfe;
	for (i = 1; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (i - 1)));
	return n;
}

int moor_mysql_bin_layout(uint8_t type)
{
	switch (type) {
	case MOOR_MYSQL_TYPE_TINY:
		return BV_1;
	case MOOR_MYSQL_TYPE_SHORT:
	case MOOR_MYSQL_TYPE_YEAR:
		return BV_2;
	case MOOR_MYSQL_TYPE_LONG:
	case MOOR_MYSQL_TYPE_INT24:
		return BV_4;
	case MOOR_MYSQL_TYPE_LONGLONG:
		return BV_8;
	case MOOR_MYSQL_TYPE_FLOAT:
		return BV_FLOAT;
	case MOOR_MYSQL_TYPE_DOUBLE:
		return BV_DOUBLE;
	case MOOR_MYSQL_TYPE_DATE:
	case MOOR_MYSQL_TYPE_DATETIME:
	case MOOR_MYSQL_TYPE_TIMESTAMP:
		return BV_DATE;
	case MOOR_MYSQL_TYPE_TIME:
		return BV_TIME;
	case MOOR_MYSQL_TYPE_NULL:
		return BV_NULL;
	case MOOR_MYSQL_TYPE_DECIMAL:
	case MOOR_MYSQL_TYPE_NEWDECIMAL:
	case MOOR_MYSQL_TYPE_VARCHAR:
	case MOOR_MYSQL_TYPE_BIT:
	case MOOR_MYSQL_TYPE_VECTOR:
	case MOOR_MYSQL_TYPE_JSON:
	case MOOR_MYSQL_TYPE_ENUM:
	case MOOR_MYSQL_TYPE_SET:
	case MOOR_MYSQL_TYPE_TINY_BLOB:
	case MOOR_MYSQL_TYPE_MEDIUM_BLOB:
	case MOOR_MYSQL_TYPE_LONG_BLOB:
	case MOOR_MYSQL_TYPE_BLOB:
	case MOOR_MYSQL_TYPE_VAR_STRING:
	case MOOR_MYSQL_TYPE_STRING:
	case MOOR_MYSQL_TYPE_GEOMETRY:
		return BV_STR;
	default:
		return BV_BAD;
	}
}
