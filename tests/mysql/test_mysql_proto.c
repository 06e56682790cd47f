/*
 * The MySQL protocol codec without a network: field readers at every
 * boundary, the packet reader fed whole, byte by byte and in random pieces
 * through buffers of several sizes, payloads larger than the buffer and
 * payloads of 16 MiB - 1 bytes and more (continuation packets), sequence
 * ids; handshakes of MariaDB (captured from a real server), MySQL 5.7,
 * MySQL 8 and TiDB; the login encoders, the auth plugins and every command
 * encoder against known answers computed independently in Python
 * (gen_vectors.py) and published vectors; replies captured from a real
 * MariaDB 10.11 (OK, ERR, column definitions, text and binary rows of
 * every column type), each row also fed at every split point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"
#include "moor/x509.h"
#include "testlib.h"

#include "captured.h"
#include "vectors.h"

#define MAX_FRAME 0xffffffu

/* ------------------------------------------------------------------ */
/* Helpers. */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex (whitespace ignored). Aborts the test on bad input. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s != 0) {
		int hi, lo;

		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hexval(s[1]);
		if (hi < 0 || lo < 0 || n >= cap) {
			fprintf(stderr, "bad hex in test data\n");
			exit(2);
		}
		out[n++] = (uint8_t)(hi * 16 + lo);
		s += 2;
	}
	return n;
}

static int slice_is(moor_mysql_slice s, const char *want)
{
	size_t n = strlen(want);

	return s.len == n && (n == 0 || memcmp(s.ptr, want, n) == 0);
}

#define CHECK_SLICE(s, want) do { moor_test_checks++; \
	if (!slice_is((s), (want))) { \
		char b_[256]; size_t l_ = (s).len < 255 ? (s).len : 255; \
		if (l_ > 0) { memcpy(b_, (s).ptr, l_); } \
		b_[l_] = 0; \
		moor_test_fail_str(__FILE__, __LINE__, #s, b_, (want)); } } while (0)

static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

#define FNV0 14695981039346656037ull

static uint8_t big[2 * MAX_FRAME + 4096];   /* payloads of 16 MiB and more */
static uint8_t bigwire[2 * MAX_FRAME + 4096 + 64];
static uint8_t buf[70000];

/* ------------------------------------------------------------------ */
/* Field readers. */

static void test_lenenc(void)
{
	static const uint64_t vals[] = {
		0, 1, 250, 251, 252, 0xffff, 0x10000, 0xffffff, 0x1000000,
		0xffffffffull, 0x100000000ull, UINT64_MAX
	};
	uint8_t b[16];
	size_t i, n;
	uint64_t v;
	moor_mysql_cursor c;
	moor_mysql_slice s;

	for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		n = moor_mysql_put_lenenc(b, vals[i]);
		MOOR_CHECK_INT(n, moor_mysql_lenenc_size(vals[i]));
		MOOR_CHECK_INT(n, vals[i] < 251 ? 1 : vals[i] <= 0xffff ? 3
			: vals[i] <= 0xffffff ? 4 : 9);
		moor_mysql_cursor_init(&c, b, n);
		MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_OK);
		MOOR_CHECK(v == vals[i]);
		MOOR_CHECK_INT(c.off, n);
		/* every truncation is refused and leaves the cursor alone */
		if (n > 1) {
			moor_mysql_cursor_init(&c, b, n - 1);
			MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_ERR_MYSQL_MALFORMED);
			MOOR_CHECK_INT(c.off, 0);
		}
	}
	/* prefixes on the wire */
	memcpy(b, "\xfc\x34\x12", 3);
	moor_mysql_cursor_init(&c, b, 3);
	MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_OK);
	MOOR_CHECK(v == 0x1234);
	memcpy(b, "\xfd\x56\x34\x12", 4);
	moor_mysql_cursor_init(&c, b, 4);
	MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_OK);
	MOOR_CHECK(v == 0x123456);
	memcpy(b, "\xfe\x08\x07\x06\x05\x04\x03\x02\x01", 9);
	moor_mysql_cursor_init(&c, b, 9);
	MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_OK);
	MOOR_CHECK(v == 0x0102030405060708ull);
	/* a non-minimal encoding is still a valid length */
	memcpy(b, "\xfc\x05\x00", 3);
	moor_mysql_cursor_init(&c, b, 3);
	MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_OK);
	MOOR_CHECK(v == 5);
	b[0] = 0xfb;
	moor_mysql_cursor_init(&c, b, 1);
	MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_MYSQL_NULL);
	MOOR_CHECK(v == 0 && c.off == 1);
	b[0] = 0xff;
	moor_mysql_cursor_init(&c, b, 1);
	MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_ERR_MYSQL_MALFORMED);
	moor_mysql_cursor_init(&c, b, 0);
	MOOR_CHECK_INT(moor_mysql_get_lenenc(&c, &v), MOOR_ERR_MYSQL_MALFORMED);

	/* strings */
	memcpy(b, "\x03" "abc" "\x00" "\xfb" "\x05" "xy", 9);
	moor_mysql_cursor_init(&c, b, 9);
	MOOR_CHECK_INT(moor_mysql_get_lenenc_str(&c, &s), MOOR_OK);
	CHECK_SLICE(s, "abc");
	MOOR_CHECK_INT(moor_mysql_get_lenenc_str(&c, &s), MOOR_OK);
	MOOR_CHECK(s.len == 0 && s.ptr == NULL);
	MOOR_CHECK_INT(moor_mysql_get_lenenc_str(&c, &s), MOOR_MYSQL_NULL);
	MOOR_CHECK_INT(c.off, 6);
	MOOR_CHECK_INT(moor_mysql_get_lenenc_str(&c, &s), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(c.off, 6);                 /* unchanged */
	/* a 64-bit length far beyond the payload */
	memcpy(b, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff" "a", 10);
	moor_mysql_cursor_init(&c, b, 10);
	MOOR_CHECK_INT(moor_mysql_get_lenenc_str(&c, &s), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(c.off, 0);
}

static void test_cursor(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7, 8, 'a', 'b', 0, 'c' };
	moor_mysql_cursor c;
	moor_mysql_slice s;
	uint64_t v;

	moor_mysql_cursor_init(&c, d, sizeof d);
	MOOR_CHECK_INT(moor_mysql_get_int(&c, 5, &v), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_get_int(&c, 2, &v), MOOR_OK);
	MOOR_CHECK(v == 0x0201);
	MOOR_CHECK_INT(moor_mysql_get_int(&c, 3, &v), MOOR_OK);
	MOOR_CHECK(v == 0x050403);
	MOOR_CHECK_INT(moor_mysql_get_int(&c, 8, &v), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(c.off, 5);
	MOOR_CHECK_INT(moor_mysql_get_int(&c, 3, &v), MOOR_OK);
	MOOR_CHECK(v == 0x080706);
	MOOR_CHECK_INT(moor_mysql_get_nul_str(&c, &s), MOOR_OK);
	CHECK_SLICE(s, "ab");
	MOOR_CHECK_INT(moor_mysql_get_nul_str(&c, &s), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(c.off, 11);
	MOOR_CHECK_INT(moor_mysql_get_bytes(&c, 2, &s), MOOR_ERR_MYSQL_MALFORMED);
	moor_mysql_get_rest(&c, &s);
	CHECK_SLICE(s, "c");
	moor_mysql_get_rest(&c, &s);
	MOOR_CHECK(s.len == 0 && s.ptr == NULL);
	MOOR_CHECK_INT(moor_mysql_get_nul_str(&c, &s), MOOR_ERR_MYSQL_MALFORMED);
	moor_mysql_cursor_init(&c, d, sizeof d);
	MOOR_CHECK_INT(moor_mysql_get_int(&c, 8, &v), MOOR_OK);
	MOOR_CHECK(v == 0x0807060504030201ull);
	MOOR_CHECK_INT(moor_mysql_get_int(&c, 1, &v), MOOR_OK);
	MOOR_CHECK(v == 'a');
}

/* ------------------------------------------------------------------ */
/* The packet reader. */

/* What a run of the reader saw. */
typedef struct {
	size_t payloads;         /* complete payloads */
	uint64_t hash;           /* of every payload's bytes and its end */
	size_t sizes[64];        /* the first 64 payloads' lengths */
	int whole[64];           /* 1: delivered whole */
	size_t chunks;
	size_t max_chunk;
	int st;                  /* final status: 0 ok, or the error */
	const char *bad;         /* first broken invariant */
	size_t cur_len;
	int in_chunks;
} rdlog;

static void rd_event(rdlog *g, const moor_mysql_packet *pk, const uint8_t *in, size_t used,
	size_t bufcap)
{
	if (pk->len > 0 && (pk->ptr < in || pk->ptr + pk->len > in + used))
		g->bad = g->bad ? g->bad : "slice outside the consumed bytes";
	if (pk->kind == MOOR_MYSQL_PKT_WHOLE) {
		if (g->in_chunks)
			g->bad = g->bad ? g->bad : "whole packet inside a chunked payload";
		if (pk->len + 4 > bufcap || pk->flags != (MOOR_MYSQL_F_FIRST | MOOR_MYSQL_F_LAST)
			|| pk->total != pk->len || pk->offset != 0)
			g->bad = g->bad ? g->bad : "bad whole packet";
		g->hash = fnv(g->hash, pk->ptr, pk->len);
		g->hash = fnv(g->hash, (const uint8_t *)"|", 1);
		if (g->payloads < 64) {
			g->sizes[g->payloads] = pk->len;
			g->whole[g->payloads] = 1;
		}
		g->payloads++;
		return;
	}
	g->chunks++;
	if (pk->len > g->max_chunk)
		g->max_chunk = pk->len;
	if ((pk->flags & MOOR_MYSQL_F_FIRST) != 0) {
		if (g->in_chunks || pk->len == 0 || pk->offset != 0)
			g->bad = g->bad ? g->bad : "bad first chunk";
		g->in_chunks = 1;
		g->cur_len = 0;
	} else if (!g->in_chunks) {
		g->bad = g->bad ? g->bad : "chunk without a first";
	}
	if (pk->offset != g->cur_len)
		g->bad = g->bad ? g->bad : "chunk offset";
	if ((pk->flags & MOOR_MYSQL_F_CONT) == 0 && pk->total < pk->offset + pk->len)
		g->bad = g->bad ? g->bad : "chunk total";
	g->hash = fnv(g->hash, pk->ptr, pk->len);
	g->cur_len += pk->len;
	if ((pk->flags & MOOR_MYSQL_F_LAST) != 0) {
		if ((pk->flags & MOOR_MYSQL_F_CONT) == 0 && pk->total != g->cur_len)
			g->bad = g->bad ? g->bad : "last chunk total";
		g->hash = fnv(g->hash, (const uint8_t *)"|", 1);
		if (g->payloads < 64) {
			g->sizes[g->payloads] = g->cur_len;
			g->whole[g->payloads] = 0;
		}
		g->payloads++;
		g->in_chunks = 0;
	}
}

/*
 * Feed `wire` through a buffer of `bufcap` bytes, received in pieces:
 * mode 0 all at once (as much as fits), 1 one byte at a time, 2 random.
 */
static void rd_run(const uint8_t *wire, size_t n, size_t bufcap, int mode, uint8_t seq0,
	rdlog *g)
{
	moor_mysql_reader r;
	moor_mysql_packet pk;
	size_t fill = 0, off = 0, soff = 0, used, k;
	unsigned long guard = 0;
	int st;

	memset(g, 0, sizeof *g);
	g->hash = FNV0;
	if (moor_mysql_reader_init(&r, bufcap) != MOOR_OK) {
		g->bad = "init";
		return;
	}
	moor_mysql_reader_expect(&r, seq0);
	for (;;) {
		st = moor_mysql_read(&r, buf + off, fill - off, &used, &pk);
		if (++guard > 4 * n + 100) {
			g->bad = "no progress";
			return;
		}
		if (st < 0) {
			g->st = st;
			return;
		}
		if (used > fill - off) {
			g->bad = "consumed too much";
			return;
		}
		if (st == 1) {
			rd_event(g, &pk, buf + off, used, bufcap);
			off += used;
			continue;
		}
		off += used;
		memmove(buf, buf + off, fill - off);
		fill -= off;
		off = 0;
		if (soff == n) {
			if (fill != 0 || !moor_mysql_reader_idle(&r))
				g->st = 1;            /* ended in the middle */
			return;
		}
		k = mode == 0 ? bufcap - fill : mode == 1 ? 1 : 1 + rnd() % (rnd() & 1 ? 7 : bufcap);
		if (k > bufcap - fill)
			k = bufcap - fill;
		if (k > n - soff)
			k = n - soff;
		if (k == 0) {
			g->bad = "buffer full, yet need more";
			return;
		}
		memcpy(buf + fill, wire + soff, k);
		fill += k;
		soff += k;
	}
}

static void test_reader_small(void)
{
	static uint8_t wire[8192];
	uint8_t pay[4096];
	size_t n = 0, i, plen[40], np = 0;
	uint64_t want = FNV0;
	static const size_t caps_[] = { 16, 17, 40, 64, 100, 256, 1024, 8192 };
	size_t ci;
	rdlog g, g2;
	int mode;

	/* the captured text result set, seq 1.., plus some edge sizes */
	for (i = 0; i < sizeof cap_text_types / sizeof cap_text_types[0]; i++) {
		size_t l = unhex(cap_text_types[i], pay, sizeof pay);

		moor_mysql_put_header(wire + n, (uint32_t)l, (uint8_t)(1 + np));
		memcpy(wire + n + 4, pay, l);
		n += 4 + l;
		want = fnv(fnv(want, pay, l), (const uint8_t *)"|", 1);
		plen[np++] = l;
	}
	{
		static const size_t extra[] = { 0, 1, 12, 13, 60, 61, 1000 };

		for (i = 0; i < sizeof extra / sizeof extra[0]; i++) {
			size_t j;

			for (j = 0; j < extra[i]; j++)
				pay[j] = (uint8_t)(j * 7 + i);
			moor_mysql_put_header(wire + n, (uint32_t)extra[i], (uint8_t)(1 + np));
			memcpy(wire + n + 4, pay, extra[i]);
			n += 4 + extra[i];
			want = fnv(fnv(want, pay, extra[i]), (const uint8_t *)"|", 1);
			plen[np++] = extra[i];
		}
	}
	for (ci = 0; ci < sizeof caps_ / sizeof caps_[0]; ci++) {
		for (mode = 0; mode < 3; mode++) {
			rd_run(wire, n, caps_[ci], mode, 1, &g);
			MOOR_CHECK(g.bad == NULL);
			if (g.bad != NULL)
				fprintf(stderr, "cap %zu mode %d: %s\n", caps_[ci], mode, g.bad);
			MOOR_CHECK_INT(g.st, 0);
			MOOR_CHECK_INT(g.payloads, np);
			MOOR_CHECK(g.hash == want);
			MOOR_CHECK(g.max_chunk <= caps_[ci]);
			for (i = 0; i < np; i++) {
				MOOR_CHECK_INT(g.sizes[i], plen[i]);
				/* whole exactly when it fits with its header */
				MOOR_CHECK_INT(g.whole[i], plen[i] + 4 <= caps_[ci]);
			}
			if (mode == 0)
				g2 = g;
			else
				MOOR_CHECK(g.hash == g2.hash);
		}
	}
	/* the stream ends in the middle of a header, and of a payload */
	rd_run(wire, 3, 1024, 0, 1, &g);
	MOOR_CHECK_INT(g.st, 1);
	rd_run(wire, 10, 1024, 2, 1, &g);
	MOOR_CHECK_INT(g.st, 1);
	rd_run(wire, 10, 16, 1, 1, &g);
	MOOR_CHECK_INT(g.st, 1);
}

static void test_reader_seq(void)
{
	uint8_t wire[64];
	moor_mysql_reader r;
	moor_mysql_packet pk;
	size_t used;
	rdlog g;

	/* ids 1, 2, then 4 */
	moor_mysql_put_header(wire, 1, 1);
	wire[4] = 'a';
	moor_mysql_put_header(wire + 5, 1, 2);
	wire[9] = 'b';
	moor_mysql_put_header(wire + 10, 1, 4);
	wire[14] = 'c';
	rd_run(wire, 15, 64, 0, 1, &g);
	MOOR_CHECK_INT(g.st, MOOR_ERR_MYSQL_SEQUENCE);
	MOOR_CHECK_INT(g.payloads, 2);
	rd_run(wire, 15, 16, 1, 1, &g);
	MOOR_CHECK_INT(g.st, MOOR_ERR_MYSQL_SEQUENCE);
	/* expecting 0 (the handshake): the first packet is already wrong */
	rd_run(wire, 15, 64, 0, 0, &g);
	MOOR_CHECK_INT(g.st, MOOR_ERR_MYSQL_SEQUENCE);
	MOOR_CHECK_INT(g.payloads, 0);
	/* wrap-around 255 -> 0 */
	moor_mysql_put_header(wire, 1, 255);
	moor_mysql_put_header(wire + 5, 1, 0);
	rd_run(wire, 10, 64, 0, 255, &g);
	MOOR_CHECK_INT(g.st, 0);
	MOOR_CHECK_INT(g.payloads, 2);

	/* sticky error, expect() in the middle of a payload, idle() */
	MOOR_CHECK_INT(moor_mysql_reader_init(&r, 15), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_reader_init(NULL, 64), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_reader_init(&r, 16), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_reader_seq(&r), 0);
	moor_mysql_put_header(wire, 30, 0);         /* 30 + 4 > 16: chunks */
	memset(wire + 4, 'x', 30);
	MOOR_CHECK_INT(moor_mysql_read(&r, wire, 10, &used, &pk), 1);
	MOOR_CHECK_INT(used, 10);
	MOOR_CHECK_INT(pk.kind, MOOR_MYSQL_PKT_CHUNK);
	MOOR_CHECK_INT(pk.flags, MOOR_MYSQL_F_FIRST);
	MOOR_CHECK_INT(pk.len, 6);
	MOOR_CHECK_INT(pk.total, 30);
	MOOR_CHECK_INT(pk.seq, 0);
	MOOR_CHECK_INT(moor_mysql_reader_idle(&r), 0);
	MOOR_CHECK_INT(moor_mysql_reader_seq(&r), 1);
	MOOR_CHECK_INT(moor_mysql_reader_expect(&r, 0), MOOR_ERR_STATE);
	MOOR_CHECK_INT(moor_mysql_read(&r, wire + 10, 24, &used, &pk), 1);
	MOOR_CHECK_INT(pk.flags, MOOR_MYSQL_F_LAST);
	MOOR_CHECK_INT(pk.offset, 6);
	MOOR_CHECK_INT(pk.len, 24);
	MOOR_CHECK_INT(moor_mysql_reader_idle(&r), 1);
	MOOR_CHECK_INT(moor_mysql_reader_expect(&r, 7), MOOR_OK);
	moor_mysql_put_header(wire, 1, 8);
	MOOR_CHECK_INT(moor_mysql_read(&r, wire, 5, &used, &pk), MOOR_ERR_MYSQL_SEQUENCE);
	MOOR_CHECK_INT(used, 0);
	moor_mysql_put_header(wire, 1, 7);
	MOOR_CHECK_INT(moor_mysql_read(&r, wire, 5, &used, &pk), MOOR_ERR_MYSQL_SEQUENCE);
	MOOR_CHECK_INT(moor_mysql_reader_expect(&r, 7), MOOR_ERR_MYSQL_SEQUENCE);
	MOOR_CHECK_INT(moor_mysql_reader_idle(&r), 0);
	MOOR_CHECK_INT(moor_mysql_read(&r, NULL, 5, &used, &pk), MOOR_ERR_INVALID_ARG);
	/* an empty read */
	MOOR_CHECK_INT(moor_mysql_reader_init(&r, 16), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_read(&r, NULL, 0, &used, &pk), 0);
	/* an empty payload is a whole packet */
	moor_mysql_put_header(wire, 0, 0);
	MOOR_CHECK_INT(moor_mysql_read(&r, wire, 4, &used, &pk), 1);
	MOOR_CHECK(pk.kind == MOOR_MYSQL_PKT_WHOLE && pk.len == 0 && pk.ptr == NULL && used == 4);
}

/* Payloads of 16 MiB - 1 bytes and more: the writer splits them, the
 * reader joins them, and both agree with the layout written out here. */
static void test_reader_cont(void)
{
	static const size_t sizes[] = {
		MAX_FRAME - 1, MAX_FRAME, MAX_FRAME + 1, MAX_FRAME + 1000, 2 * MAX_FRAME
	};
	size_t si, i, len, need;
	uint8_t seq;
	rdlog g;

	for (i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 31 + (i >> 13));
	for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
		size_t n = sizes[si];
		size_t packets = n / MAX_FRAME + 1;
		uint64_t want;

		need = n + 4 * packets;
		MOOR_CHECK_INT(moor_mysql_framed_size(n), need);
		seq = 5;
		MOOR_CHECK_INT(moor_mysql_write_packet(big, n, &seq, bigwire, need - 1, &len),
			MOOR_ERR_BUFFER_TOO_SMALL);
		MOOR_CHECK_INT(len, need);
		MOOR_CHECK_INT(seq, 5);
		MOOR_CHECK_INT(moor_mysql_write_packet(big, n, &seq, bigwire, sizeof bigwire, &len),
			MOOR_OK);
		MOOR_CHECK_INT(len, need);
		MOOR_CHECK_INT(seq, 5 + packets);
		/* the layout: full packets of 0xffffff, then the rest (maybe 0) */
		for (i = 0; i < packets; i++) {
			const uint8_t *h = bigwire + i * (MAX_FRAME + 4);
			size_t flen = i + 1 < packets ? MAX_FRAME : n - i * MAX_FRAME;

			MOOR_CHECK_INT(h[0] | (h[1] << 8) | (h[2] << 16), flen);
			MOOR_CHECK_INT(h[3], 5 + i);
			MOOR_CHECK(flen == 0 || memcmp(h + 4, big + i * MAX_FRAME, flen) == 0);
		}
		want = fnv(fnv(FNV0, big, n), (const uint8_t *)"|", 1);
		rd_run(bigwire, len, 65536, 0, 5, &g);
		MOOR_CHECK(g.bad == NULL);
		MOOR_CHECK_INT(g.st, 0);
		MOOR_CHECK_INT(g.payloads, 1);
		MOOR_CHECK_INT(g.sizes[0], n);
		MOOR_CHECK_INT(g.whole[0], 0);
		MOOR_CHECK(g.hash == want);
		/* and in random pieces through a small buffer, for one size */
		if (si == 1) {
			rd_run(bigwire, len, 4096, 2, 5, &g);
			MOOR_CHECK(g.bad == NULL && g.st == 0 && g.hash == want);
		}
	}
	/* a continuation packet with a wrong id */
	seq = 0;
	MOOR_CHECK_INT(moor_mysql_write_packet(big, MAX_FRAME + 10, &seq, bigwire,
		sizeof bigwire, &len), MOOR_OK);
	bigwire[4 + MAX_FRAME + 3] = 9;
	rd_run(bigwire, len, 65536, 0, 0, &g);
	MOOR_CHECK_INT(g.st, MOOR_ERR_MYSQL_SEQUENCE);
	/* the flags of a continued payload */
	{
		moor_mysql_reader r;
		moor_mysql_packet pk;
		size_t used, off = 0;
		int first = 1, events = 0;

		seq = 0;
		MOOR_CHECK_INT(moor_mysql_write_packet(big, MAX_FRAME, &seq, bigwire,
			sizeof bigwire, &len), MOOR_OK);
		MOOR_CHECK_INT(len, MAX_FRAME + 8);
		moor_mysql_reader_init(&r, 1 << 20);
		for (;;) {
			int st = moor_mysql_read(&r, bigwire + off, len - off, &used, &pk);

			if (st != 1)
				break;
			off += used;
			events++;
			MOOR_CHECK((pk.flags & MOOR_MYSQL_F_CONT) != 0);
			MOOR_CHECK_INT(pk.total, 0);
			MOOR_CHECK_INT((pk.flags & MOOR_MYSQL_F_FIRST) != 0, first);
			first = 0;
			if (pk.flags & MOOR_MYSQL_F_LAST) {
				/* the empty last packet, id 1 */
				MOOR_CHECK_INT(pk.len, 0);
				MOOR_CHECK_INT(pk.seq, 1);
				MOOR_CHECK_INT(pk.offset, MAX_FRAME);
				MOOR_CHECK_INT(moor_mysql_reply_type(big, MAX_FRAME, 1, 0),
					MOOR_MYSQL_REPLY_DATA);
			}
		}
		MOOR_CHECK_INT(off, len);
		MOOR_CHECK_INT(events, 2);     /* the bytes (all given at once), the empty packet */
		MOOR_CHECK_INT(moor_mysql_reader_seq(&r), 2);
	}
}

/* ------------------------------------------------------------------ */
/* Connection phase. */

static void test_handshake(void)
{
	uint8_t p[512];
	size_t n, i;
	moor_mysql_handshake hs;
	uint32_t caps;

	/* MariaDB 10.11 (captured) */
	n = unhex(cap_handshake[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_OK);
	MOOR_CHECK_INT(hs.protocol_version, 10);
	CHECK_SLICE(hs.server_version, "5.5.5-10.11.19-MariaDB-0+deb12u1");
	MOOR_CHECK(hs.server_version.ptr[hs.server_version.len] == 0);
	MOOR_CHECK_INT(hs.connection_id, 12);
	MOOR_CHECK_INT(hs.scramble_len, 20);
	MOOR_CHECK(memcmp(hs.scramble, p + 38, 8) == 0);
	MOOR_CHECK_INT(hs.is_mariadb, 1);
	MOOR_CHECK((hs.caps & MOOR_MYSQL_CLIENT_LONG_PASSWORD) == 0);
	MOOR_CHECK((hs.caps & MOOR_MYSQL_CLIENT_SSL) != 0);
	MOOR_CHECK((hs.caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) != 0);
	MOOR_CHECK_INT(hs.caps, 0x81fffffe);
	MOOR_CHECK_INT(hs.mariadb_caps, 0x1d);
	MOOR_CHECK_INT(hs.charset, 8);
	MOOR_CHECK_INT(hs.status, 2);
	CHECK_SLICE(hs.plugin, "mysql_native_password");
	MOOR_CHECK_INT(hs.plugin_id, MOOR_MYSQL_AUTH_NATIVE);
	MOOR_CHECK_INT(moor_mysql_negotiate(hs.caps, MOOR_MYSQL_CLIENT_DEFAULT, &caps), MOOR_OK);
	MOOR_CHECK_INT(caps, 0x013ea204);   /* what the capture script sent */
	/* every truncation: refused, except right after the low capability
	 * bits (offset 49: a pre-4.1 server) and inside the plugin name (its
	 * NUL is optional; it starts 22 bytes before the end) */
	MOOR_CHECK_INT(n, 100);
	for (i = 0; i < n; i++) {
		int st = moor_mysql_parse_handshake(p, i, &hs);
		int want = i == 49 || i >= n - 22 ? MOOR_OK : MOOR_ERR_MYSQL_MALFORMED;

		MOOR_CHECK_INT(st, want);
	}
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, 78, &hs), MOOR_OK);
	MOOR_CHECK(hs.plugin.len == 0 && hs.plugin_id == MOOR_MYSQL_AUTH_NATIVE);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, 49, &hs), MOOR_OK);
	MOOR_CHECK_INT(hs.caps, 0xfffe);
	MOOR_CHECK_INT(hs.scramble_len, 8);
	MOOR_CHECK_INT(moor_mysql_negotiate(hs.caps, MOOR_MYSQL_CLIENT_DEFAULT, &caps), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_negotiate(0x7dff, MOOR_MYSQL_CLIENT_DEFAULT, &caps),
		MOOR_ERR_MYSQL_UNSUPPORTED);           /* no SECURE_CONNECTION */
	/* the plugin name without its NUL (an old server bug) */
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n - 1, &hs), MOOR_OK);
	CHECK_SLICE(hs.plugin, "mysql_native_password");
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n - 5, &hs), MOOR_OK);
	CHECK_SLICE(hs.plugin, "mysql_native_pass");
	MOOR_CHECK_INT(hs.plugin_id, MOOR_MYSQL_AUTH_UNKNOWN);

	/* MySQL 5.7.18 (a published capture) */
	n = unhex("0a" "352e372e31382d6c6f6700" "127a2900" "3358381844 5e1648" "00" "ffff"
		"21" "0200" "ffc1" "15" "00000000000000000000" "407911302a41615564776e0d00"
		"6d7973716c5f6e61746976655f70617373776f726400", p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_OK);
	CHECK_SLICE(hs.server_version, "5.7.18-log");
	MOOR_CHECK_INT(hs.connection_id, 0x297a12);
	MOOR_CHECK_INT(hs.caps, 0xc1ffffff);
	MOOR_CHECK_INT(hs.is_mariadb, 0);
	MOOR_CHECK_INT(hs.mariadb_caps, 0);
	MOOR_CHECK_INT(hs.charset, 0x21);
	MOOR_CHECK_INT(hs.scramble_len, 20);
	MOOR_CHECK(memcmp(hs.scramble, "\x33\x58\x38\x18\x44\x5e\x16\x48\x40\x79\x11\x30"
		"\x2a\x41\x61\x55\x64\x77\x6e\x0d", 20) == 0);
	MOOR_CHECK_INT(hs.plugin_id, MOOR_MYSQL_AUTH_NATIVE);
	MOOR_CHECK_INT(moor_mysql_negotiate(hs.caps, MOOR_MYSQL_CLIENT_DEFAULT
		| MOOR_MYSQL_CLIENT_SSL | MOOR_MYSQL_CLIENT_LOCAL_FILES, &caps), MOOR_OK);
	MOOR_CHECK((caps & MOOR_MYSQL_CLIENT_LOCAL_FILES) == 0);
	MOOR_CHECK((caps & MOOR_MYSQL_CLIENT_SSL) != 0);
	MOOR_CHECK((caps & MOOR_MYSQL_CLIENT_SESSION_TRACK) == 0);
	MOOR_CHECK_INT(caps, (MOOR_MYSQL_CLIENT_DEFAULT | MOOR_MYSQL_CLIENT_SSL)
		& 0xc1ffffff);

	/* MySQL 8.0 with caching_sha2_password, collation 255, the layout of
	 * the MySQL documentation */
	n = unhex("0a" "382e302e333600" "08000000" "0102030405060708" "00" "ffff" "ff" "0200"
		"ffdf" "15" "00000000000000000000" "090a0b0c0d0e0f1011121314" "00"
		"63616368696e675f736861325f70617373776f726400", p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_OK);
	CHECK_SLICE(hs.server_version, "8.0.36");
	MOOR_CHECK_INT(hs.caps, 0xdfffffff);
	MOOR_CHECK_INT(hs.charset, 255);
	MOOR_CHECK_INT(hs.scramble_len, 20);
	for (i = 0; i < 20; i++)
		MOOR_CHECK_INT(hs.scramble[i], i + 1);
	MOOR_CHECK_INT(hs.plugin_id, MOOR_MYSQL_AUTH_CACHING_SHA2);
	MOOR_CHECK_INT(moor_mysql_negotiate(hs.caps, MOOR_MYSQL_CLIENT_DEFAULT, &caps), MOOR_OK);
	MOOR_CHECK_INT(caps, MOOR_MYSQL_CLIENT_DEFAULT);

	/* TiDB: "8.0.11-TiDB-v7.5.0", no MariaDB bits, native password */
	n = unhex("0a" "382e302e31312d546944422d76372e352e3000" "9a020000" "3132333435363738"
		"00" "ffff" "2e" "0200" "ffc1" "15" "00000000000000000000"
		"393031323334353637383930" "00" "6d7973716c5f6e61746976655f70617373776f726400",
		p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_OK);
	CHECK_SLICE(hs.server_version, "8.0.11-TiDB-v7.5.0");
	MOOR_CHECK_INT(hs.connection_id, 666);
	MOOR_CHECK(memcmp(hs.scramble, "12345678901234567890", 20) == 0);
	MOOR_CHECK_INT(hs.charset, 46);
	MOOR_CHECK_INT(hs.is_mariadb, 0);

	/* auth data length 0 (no PLUGIN_AUTH): 13 bytes of part 2 */
	n = unhex("0a" "3500" "01000000" "6161616161616161" "00" "ffa2" "21" "0200" "0000" "00"
		"00000000000000000000" "626262626262626262626262" "00", p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_OK);
	MOOR_CHECK_INT(hs.scramble_len, 20);
	MOOR_CHECK_INT(hs.plugin.len, 0);
	MOOR_CHECK_INT(hs.plugin_id, MOOR_MYSQL_AUTH_NATIVE);
	/* a longer scramble than moor keeps */
	n = unhex("0a" "3500" "01000000" "6161616161616161" "00" "ffa2" "21" "0200" "0800" "30"
		"00000000000000000000", p, sizeof p);
	memset(p + n, 'c', 40);
	n += 40;
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_ERR_MYSQL_MALFORMED);

	/* not version 10: an ERR instead of a handshake, protocol 9 */
	n = unhex(cap_access_denied[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_ERR_MYSQL_UNSUPPORTED);
	p[0] = 9;
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, n, &hs), MOOR_ERR_MYSQL_UNSUPPORTED);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, 0, &hs), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(NULL, 3, &hs), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, 3, NULL), MOOR_ERR_INVALID_ARG);
	p[0] = 10;
	p[1] = 'x';
	MOOR_CHECK_INT(moor_mysql_parse_handshake(p, 2, &hs), MOOR_ERR_MYSQL_MALFORMED);

	/* negotiation */
	MOOR_CHECK_INT(moor_mysql_negotiate(0xffffffff, MOOR_MYSQL_CLIENT_DEFAULT, NULL),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_negotiate(0xffffffff, 0xffffffff, &caps), MOOR_OK);
	MOOR_CHECK_INT(caps & MOOR_MYSQL_CLIENT_NEVER, 0);
	MOOR_CHECK_INT(caps, 0xffffffffu & ~(uint32_t)MOOR_MYSQL_CLIENT_NEVER);
	MOOR_CHECK_INT(moor_mysql_negotiate(0xffffffff, MOOR_MYSQL_CLIENT_PROTOCOL_41, &caps),
		MOOR_ERR_MYSQL_UNSUPPORTED);
	MOOR_CHECK_INT(moor_mysql_negotiate(0x200, MOOR_MYSQL_CLIENT_DEFAULT, &caps),
		MOOR_ERR_MYSQL_UNSUPPORTED);
	MOOR_CHECK_INT(caps, 0);

	/* plugin names */
	MOOR_CHECK_INT(moor_mysql_auth_plugin((const uint8_t *)"caching_sha2_password", 21),
		MOOR_MYSQL_AUTH_CACHING_SHA2);
	MOOR_CHECK_INT(moor_mysql_auth_plugin((const uint8_t *)"mysql_clear_password", 20),
		MOOR_MYSQL_AUTH_CLEAR);
	MOOR_CHECK_INT(moor_mysql_auth_plugin((const uint8_t *)"client_ed25519", 14),
		MOOR_MYSQL_AUTH_ED25519);
	MOOR_CHECK_INT(moor_mysql_auth_plugin((const uint8_t *)"sha256_password", 15),
		MOOR_MYSQL_AUTH_SHA256);
	MOOR_CHECK_INT(moor_mysql_auth_plugin((const uint8_t *)"caching_sha2_passwor", 20),
		MOOR_MYSQL_AUTH_UNKNOWN);
	MOOR_CHECK_INT(moor_mysql_auth_plugin(NULL, 0), MOOR_MYSQL_AUTH_UNKNOWN);
}

/* An encoder must refuse every smaller buffer untouched and report the
 * size; then produce `want` exactly. */
static void check_encoder_bounds(const uint8_t *want, size_t want_len,
	int (*enc)(const void *ctx, uint8_t *seq, uint8_t *out, size_t cap, size_t *len),
	const void *ctx, uint8_t seq0, uint8_t seq_after)
{
	static uint8_t out[4096];
	size_t cap, len, i;
	uint8_t seq;
	int untouched = 1;

	for (cap = 0; cap < want_len; cap += (cap < 64 ? 1 : 37)) {
		memset(out, 0xa5, sizeof out);
		seq = seq0;
		len = 0;
		MOOR_CHECK_INT(enc(ctx, &seq, cap == 0 ? NULL : out, cap, &len),
			MOOR_ERR_BUFFER_TOO_SMALL);
		MOOR_CHECK_INT(len, want_len);
		MOOR_CHECK_INT(seq, seq0);
		for (i = 0; i < sizeof out; i++)
			untouched &= out[i] == 0xa5;
	}
	MOOR_CHECK(untouched);
	memset(out, 0xa5, sizeof out);
	seq = seq0;
	MOOR_CHECK_INT(enc(ctx, &seq, out, want_len, &len), MOOR_OK);
	MOOR_CHECK_INT(len, want_len);
	MOOR_CHECK_INT(seq, seq_after);
	MOOR_CHECK(memcmp(out, want, want_len) == 0);
	if (memcmp(out, want, want_len) != 0) {
		for (i = 0; i < want_len; i++) {
			if (out[i] != want[i]) {
				fprintf(stderr, "  first difference at byte %zu: %02x, want %02x\n",
					i, out[i], want[i]);
				break;
			}
		}
	}
	MOOR_CHECK_INT(out[want_len], 0xa5);
}

static int enc_login(const void *ctx, uint8_t *seq, uint8_t *out, size_t cap, size_t *len)
{
	return moor_mysql_write_handshake_response(ctx, seq, out, cap, len);
}

static int enc_ssl(const void *ctx, uint8_t *seq, uint8_t *out, size_t cap, size_t *len)
{
	(void)ctx;
	return moor_mysql_write_ssl_request(0x013ea204 | MOOR_MYSQL_CLIENT_SSL, 0, 0, seq,
		out, cap, len);
}

static void test_login(void)
{
	static char vvv[301];
	const char *attrs[2];
	uint8_t auth[20], out[600];
	size_t alen, len;
	moor_mysql_login l;
	uint8_t seq;

	MOOR_CHECK_INT(moor_mysql_auth_native("moorpw", 6, (const uint8_t *)"abcdefghijklmnopqrst",
		20, auth, &alen), MOOR_OK);
	memset(vvv, 'v', 300);
	attrs[0] = "k";
	attrs[1] = vvv;
	memset(&l, 0, sizeof l);
	l.caps = 0x013ea204 | MOOR_MYSQL_CLIENT_CONNECT_WITH_DB;
	l.user = "moor";
	l.auth = auth;
	l.auth_len = alen;
	l.database = "t";
	l.plugin = "mysql_native_password";
	l.program_name = "test";
	l.attrs = attrs;
	l.n_attrs = 1;
	check_encoder_bounds(kat_login, sizeof kat_login, enc_login, &l, 1, 2);

	/* a length byte for the auth data, no attributes, no database (the
	 * flag is dropped), collation 255, sent after an SSLRequest */
	memset(&l, 0, sizeof l);
	l.caps = ((0x013ea204 & ~MOOR_MYSQL_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)
		& ~MOOR_MYSQL_CLIENT_CONNECT_ATTRS) | MOOR_MYSQL_CLIENT_SSL
		| MOOR_MYSQL_CLIENT_CONNECT_WITH_DB;
	l.charset = MOOR_MYSQL_CHARSET_UTF8MB4_0900_AI_CI;
	l.user = "root";
	l.auth = auth;
	l.auth_len = alen;
	l.plugin = "caching_sha2_password";
	check_encoder_bounds(kat_login2, sizeof kat_login2, enc_login, &l, 2, 3);
	check_encoder_bounds(kat_ssl, sizeof kat_ssl, enc_ssl, NULL, 1, 2);
	MOOR_CHECK_INT(sizeof kat_ssl, MOOR_MYSQL_SSL_REQUEST_LEN);

	/* refusals */
	seq = 1;
	MOOR_CHECK_INT(moor_mysql_write_ssl_request(0x013ea204, 0, 0, &seq, out, sizeof out,
		&len), MOOR_ERR_INVALID_ARG);          /* no CLIENT_SSL */
	l.auth_len = 256;
	{
		static uint8_t a256[300];

		l.auth = a256;
		MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
			MOOR_ERR_MYSQL_TOO_LARGE);
		l.caps |= MOOR_MYSQL_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
		MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
			MOOR_OK);
		MOOR_CHECK_INT(out[4 + 32 + 5], 0xfc); /* a 3-byte length-encoded length */
		/* no SECURE_CONNECTION: NUL-terminated, so no NUL inside */
		l.caps &= ~(MOOR_MYSQL_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
			| MOOR_MYSQL_CLIENT_SECURE_CONNECTION);
		MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
			MOOR_ERR_MYSQL_TOO_LARGE);
		memset(a256, 'p', 3);
		l.auth_len = 3;
		seq = 1;
		MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
			MOOR_OK);
		MOOR_CHECK(memcmp(out + 4 + 32, "root\0ppp\0caching_sha2_password\0", 31) == 0);
		MOOR_CHECK_INT(len, 4 + 32 + 31);
	}
	l.auth = NULL;
	MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
		MOOR_ERR_INVALID_ARG);
	l.auth_len = 0;
	l.caps &= ~MOOR_MYSQL_CLIENT_PROTOCOL_41;
	MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
		MOOR_ERR_INVALID_ARG);
	l.caps |= MOOR_MYSQL_CLIENT_PROTOCOL_41 | MOOR_MYSQL_CLIENT_CONNECT_ATTRS;
	l.n_attrs = 1;
	MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
		MOOR_ERR_INVALID_ARG);
	attrs[1] = NULL;
	l.attrs = attrs;
	MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
		MOOR_ERR_INVALID_ARG);
	/* a certificate-only user with no password and no plugin name */
	memset(&l, 0, sizeof l);
	l.caps = MOOR_MYSQL_CLIENT_PROTOCOL_41 | MOOR_MYSQL_CLIENT_SECURE_CONNECTION
		| MOOR_MYSQL_CLIENT_PLUGIN_AUTH;
	seq = 2;
	MOOR_CHECK_INT(moor_mysql_write_handshake_response(&l, &seq, out, sizeof out, &len),
		MOOR_OK);
	MOOR_CHECK_INT(len, 4 + 32 + 1 + 1 + 1);
	MOOR_CHECK(memcmp(out + 36, "\0\0\0", 3) == 0);
	MOOR_CHECK_INT(seq, 3);
}

static void test_auth_switch(void)
{
	uint8_t p[256];
	size_t n;
	moor_mysql_auth_switch as;
	moor_mysql_slice d;

	n = unhex(cap_auth_switch[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_auth_switch(p, n, &as), MOOR_OK);
	CHECK_SLICE(as.plugin, "client_ed25519");
	MOOR_CHECK_INT(as.plugin_id, MOOR_MYSQL_AUTH_ED25519);
	MOOR_CHECK_INT(as.data.len, 32);            /* ed25519: a 32-byte nonce */
	/* native: 20 bytes and a NUL */
	n = unhex("fe6d7973716c5f6e61746976655f70617373776f726400"
		"0102030405060708090a0b0c0d0e0f101112131400", p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_auth_switch(p, n, &as), MOOR_OK);
	MOOR_CHECK_INT(as.plugin_id, MOOR_MYSQL_AUTH_NATIVE);
	MOOR_CHECK_INT(as.data.len, 21);
	MOOR_CHECK(as.data.ptr[0] == 1 && as.data.ptr[19] == 20);
	/* no data at all */
	MOOR_CHECK_INT(moor_mysql_parse_auth_switch(p, 23, &as), MOOR_OK);
	MOOR_CHECK_INT(as.data.len, 0);
	MOOR_CHECK_INT(moor_mysql_parse_auth_switch(p, 22, &as), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_auth_switch(p, 1, &as), MOOR_ERR_MYSQL_UNSUPPORTED);
	MOOR_CHECK_INT(moor_mysql_parse_auth_switch(p, 0, &as), MOOR_ERR_MYSQL_MALFORMED);
	p[0] = 0;
	MOOR_CHECK_INT(moor_mysql_parse_auth_switch(p, n, &as), MOOR_ERR_MYSQL_MALFORMED);
	/* AuthMoreData */
	MOOR_CHECK_INT(moor_mysql_parse_auth_more_data((const uint8_t *)"\x01\x03", 2, &d), MOOR_OK);
	MOOR_CHECK(d.len == 1 && d.ptr[0] == MOOR_MYSQL_SHA2_FAST_AUTH_OK);
	MOOR_CHECK_INT(moor_mysql_parse_auth_more_data((const uint8_t *)"\x01", 1, &d), MOOR_OK);
	MOOR_CHECK(d.len == 0 && d.ptr == NULL);
	MOOR_CHECK_INT(moor_mysql_parse_auth_more_data((const uint8_t *)"\x02\x03", 2, &d),
		MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_auth_more_data(NULL, 0, &d), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_auth_more_data(NULL, 1, &d), MOOR_ERR_INVALID_ARG);
}

/* ------------------------------------------------------------------ */
/* Authentication. */

static void check_hex(const uint8_t *got, size_t n, const char *want_hex, int line)
{
	uint8_t want[256];
	size_t wn = unhex(want_hex, want, sizeof want);

	moor_test_checks++;
	if (wn != n || memcmp(got, want, n) != 0)
		moor_test_fail(__FILE__, line, want_hex);
}

static void test_auth(void)
{
	uint8_t out[600], out2[600];
	size_t i, len;
	uint8_t scr[20];

	for (i = 0; i < sizeof auth_kat / sizeof auth_kat[0]; i++) {
		MOOR_CHECK_INT(moor_mysql_auth_native(auth_kat[i].pw, auth_kat[i].pw_len,
			auth_kat[i].scr, 20, out, &len), MOOR_OK);
		check_hex(out, len, auth_kat[i].native, __LINE__);
		MOOR_CHECK_INT(moor_mysql_auth_sha2(auth_kat[i].pw, auth_kat[i].pw_len,
			auth_kat[i].scr, 20, out, &len), MOOR_OK);
		check_hex(out, len, auth_kat[i].sha2, __LINE__);
		MOOR_CHECK_INT(moor_mysql_auth_rsa_input(auth_kat[i].pw, auth_kat[i].pw_len,
			auth_kat[i].scr, 20, out, sizeof out, &len), MOOR_OK);
		check_hex(out, len, auth_kat[i].rsa_in, __LINE__);
		MOOR_CHECK_INT(moor_mysql_auth_clear(auth_kat[i].pw, auth_kat[i].pw_len, out,
			sizeof out, &len), MOOR_OK);
		MOOR_CHECK(len == auth_kat[i].pw_len + 1 && out[len - 1] == 0
			&& memcmp(out, auth_kat[i].pw, auth_kat[i].pw_len) == 0);
	}
	/* published vectors: go-sql-driver/mysql (auth_test.go, TestSHA256Pass) */
	memcpy(scr, "\x0a\x2f\x4a\x6f\x4b\x49\x22\x30\x58\x4c\x72\x4a\x25\x0d\x03\x50\x52\x02"
		"\x17\x15", 20);
	MOOR_CHECK_INT(moor_mysql_auth_sha2("secret", 6, scr, 20, out, &len), MOOR_OK);
	check_hex(out, len, "f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c",
		__LINE__);
	MOOR_CHECK_INT(moor_mysql_auth_sha2("secret2", 7, scr, 20, out, &len), MOOR_OK);
	check_hex(out, len, "abc3934a012cf342e876071c8ee202de51785b430258a7a0138bc79c4d800bc6",
		__LINE__);
	/* xp-framework/rdbms (MySqlPasswordTest, protocol41) */
	MOOR_CHECK_INT(moor_mysql_auth_native("hello", 5, (const uint8_t *)"12345678901234567890",
		20, out, &len), MOOR_OK);
	MOOR_CHECK(len == 20 && memcmp(out, "}PQn\016s\013\013\033\022\373\252\033\240\207o=\262"
		"\304\335", 20) == 0);
	/* flike/kingshard (util_test.go, a JDBC capture) */
	MOOR_CHECK_INT(moor_mysql_auth_native("kingshard", 9,
		(const uint8_t *)"@jx=d_3z42;sS$YrS)p|", 20, out, &len), MOOR_OK);
	check_hex(out, len, "fbc71db5ac3d7b51048d1a1d88c1677f34bcca11", __LINE__);
	/* a 21-byte scramble with its NUL: only the first 20 count */
	memcpy(out2, "12345678901234567890\0", 21);
	MOOR_CHECK_INT(moor_mysql_auth_native("hello", 5, out2, 21, out, &len), MOOR_OK);
	MOOR_CHECK(memcmp(out, "}PQn", 4) == 0);
	/* empty passwords give empty responses */
	MOOR_CHECK_INT(moor_mysql_auth_native("", 0, scr, 20, out, &len), MOOR_OK);
	MOOR_CHECK_INT(len, 0);
	MOOR_CHECK_INT(moor_mysql_auth_sha2(NULL, 0, scr, 20, out, &len), MOOR_OK);
	MOOR_CHECK_INT(len, 0);
	MOOR_CHECK_INT(moor_mysql_auth_clear(NULL, 0, out, 1, &len), MOOR_OK);
	MOOR_CHECK(len == 1 && out[0] == 0);
	/* refusals */
	MOOR_CHECK_INT(moor_mysql_auth_native("x", 1, scr, 19, out, &len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_auth_sha2("x", 1, NULL, 20, out, &len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_auth_sha2(NULL, 1, scr, 20, out, &len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_auth_clear("abc", 3, out, 3, &len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, 4);
	MOOR_CHECK_INT(moor_mysql_auth_clear("abc", 3, NULL, 0, &len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(moor_mysql_auth_rsa_input("abc", 3, scr, 20, out, 3, &len),
		MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(moor_mysql_auth_rsa_input("abc", 3, scr, 10, out, 30, &len),
		MOOR_ERR_INVALID_ARG);
}

/* PEM-encode DER (base64 in 64-column lines). Returns the length. */
static size_t pem_of(const uint8_t *d, size_t n, const char *label, char *out, size_t cap)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o, i, col = 0;

	o = (size_t)snprintf(out, cap, "-----BEGIN %s-----\n", label);
	for (i = 0; i < n && o + 8 < cap; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)d[i + 1] << 8;
		if (i + 2 < n)
			v |= d[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
		col += 4;
		if (col == 64) {
			out[o++] = '\n';
			col = 0;
		}
	}
	if (col != 0 && o < cap)
		out[o++] = '\n';
	o += (size_t)snprintf(out + o, cap - o, "-----END %s-----\n", label);
	return o;
}

/* Decode the test's RSA private key with BearSSL. */
static int load_private(br_rsa_private_key *sk, br_skey_decoder_context *dc)
{
	static uint8_t der[2048];
	char label[32];
	size_t pos = 0, dl;

	if (moor_pem_next(pem_private, strlen(pem_private), &pos, label, sizeof label, der,
		sizeof der, &dl) != MOOR_OK)
		return 0;
	br_skey_decoder_init(dc);
	br_skey_decoder_push(dc, der, dl);
	if (br_skey_decoder_last_error(dc) != 0 || br_skey_decoder_key_type(dc) != BR_KEYTYPE_RSA)
		return 0;
	*sk = *br_skey_decoder_get_rsa(dc);
	return 1;
}

static void test_rsa(void)
{
	static uint8_t der1[1024], der2[1024];
	br_rsa_public_key pk1, pk2;
	br_rsa_private_key sk;
	static br_skey_decoder_context dc;
	uint8_t seed[32], out[600], plain[600], first[600];
	size_t len, plen, i, pwl;
	static char pw[300];
	int k;

	MOOR_CHECK_INT(moor_mysql_rsa_key_from_pem(pem_spki, strlen(pem_spki), der1, sizeof der1,
		&pk1), MOOR_OK);
	MOOR_CHECK_INT(pk1.nlen, 256);
	MOOR_CHECK_INT(pk1.elen, 3);
	MOOR_CHECK(memcmp(pk1.e, "\x01\x00\x01", 3) == 0);
	MOOR_CHECK_INT(moor_mysql_rsa_key_from_pem(pem_pkcs1, strlen(pem_pkcs1), der2, sizeof der2,
		&pk2), MOOR_OK);
	MOOR_CHECK(pk2.nlen == 256 && memcmp(pk1.n, pk2.n, 256) == 0);
	MOOR_CHECK(pk1.n[0] >= 0x80);                /* leading zero skipped */
	/* the key after some text, as a server's AuthMoreData might carry it */
	{
		static char twice[4096];

		snprintf(twice, sizeof twice, "junk\n%s", pem_private);
		/* (the private key does not fit in der2: skipped all the same) */
		MOOR_CHECK_INT(moor_mysql_rsa_key_from_pem(twice, strlen(twice), der2, sizeof der2,
			&pk2), MOOR_ERR_MYSQL_RSA_KEY);    /* a private key is not a public key */
		snprintf(twice, sizeof twice, "junk\n%s%s", pem_private, pem_spki);
		MOOR_CHECK_INT(moor_mysql_rsa_key_from_pem(twice, strlen(twice), der2, sizeof der2,
			&pk2), MOOR_OK);
		MOOR_CHECK(memcmp(pk1.n, pk2.n, 256) == 0);
	}
	MOOR_CHECK_INT(moor_mysql_rsa_key_from_pem(pem_spki, strlen(pem_spki), der1, 100, &pk2),
		MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(moor_mysql_rsa_key_from_pem("nothing", 7, der1, sizeof der1, &pk2),
		MOOR_ERR_MYSQL_RSA_KEY);
	/* a corrupted DER, every byte in turn: refused, or a sane key */
	{
		uint8_t d[400];
		static char pem[1024];
		size_t dl, pos = 0, j;
		char label[32];
		int bit, refused = 0, sane = 1;

		MOOR_CHECK_INT(moor_pem_next(pem_spki, strlen(pem_spki), &pos, label, sizeof label,
			d, sizeof d, &dl), MOOR_OK);
		MOOR_CHECK_INT(dl, 294);
		for (j = 0; j < dl; j++) {
			for (bit = 0; bit < 8; bit += 7) {
				size_t pl;
				int st;

				d[j] ^= (uint8_t)(1u << bit);
				pl = pem_of(d, dl, "PUBLIC KEY", pem, sizeof pem);
				st = moor_mysql_rsa_key_from_pem(pem, pl, der2, sizeof der2, &pk2);
				if (st == MOOR_OK)
					sane &= pk2.nlen >= 64 && pk2.nlen <= 512 && pk2.elen <= 4
						&& pk2.n >= der2 && pk2.n + pk2.nlen <= der2 + dl;
				else if (st == MOOR_ERR_MYSQL_RSA_KEY)
					refused++;
				else
					sane = 0;
				d[j] ^= (uint8_t)(1u << bit);
			}
		}
		MOOR_CHECK(sane);
		MOOR_CHECK(refused > 50);
		/* the original, through the same re-encoding */
		MOOR_CHECK_INT(moor_mysql_rsa_key_from_pem(pem, pem_of(d, dl, "PUBLIC KEY", pem,
			sizeof pem), der2, sizeof der2, &pk2), MOOR_OK);
		MOOR_CHECK(memcmp(pk1.n, pk2.n, 256) == 0);
	}

	MOOR_CHECK(load_private(&sk, &dc));
	for (i = 0; i < sizeof seed; i++)
		seed[i] = (uint8_t)(i * 3 + 1);
	for (k = 0; k < 3; k++) {
		static const size_t lens[3] = { 6, 0, 213 };   /* 213 + 1 = 256 - 42: the longest */

		pwl = lens[k];
		memset(pw, 'p', pwl);
		MOOR_CHECK_INT(moor_mysql_auth_rsa_encrypt(pw, pwl, scr_a, 20, &pk1,
			br_rsa_i31_oaep_encrypt, seed, sizeof seed, out, sizeof out, &len), MOOR_OK);
		MOOR_CHECK_INT(len, 256);
		if (k == 0)
			memcpy(first, out, len);
		/* the server's side: OAEP-SHA1 decryption gives (pw + NUL) ^ scramble */
		plen = len;
		memcpy(plain, out, len);
		MOOR_CHECK_INT(br_rsa_i31_oaep_decrypt(&br_sha1_vtable, NULL, 0, &sk, plain, &plen), 1);
		MOOR_CHECK_INT(plen, pwl + 1);
		for (i = 0; i < plen; i++)
			plain[i] ^= scr_a[i % 20];
		MOOR_CHECK(plain[pwl] == 0 && memcmp(plain, pw, pwl) == 0);
	}
	/* a different seed gives a different ciphertext of the same password */
	seed[0] ^= 1;
	MOOR_CHECK_INT(moor_mysql_auth_rsa_encrypt(pw, 6, scr_a, 20, &pk1, NULL, seed, sizeof seed,
		out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(memcmp(out, first, 256) != 0);
	/* too long, too small, no entropy */
	MOOR_CHECK_INT(moor_mysql_auth_rsa_encrypt(pw, 214, scr_a, 20, &pk1, NULL, seed,
		sizeof seed, out, sizeof out, &len), MOOR_ERR_MYSQL_PASSWORD_TOO_LONG);
	MOOR_CHECK_INT(moor_mysql_auth_rsa_encrypt(pw, 6, scr_a, 20, &pk1, NULL, seed, sizeof seed,
		out, 255, &len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, 256);
	MOOR_CHECK_INT(moor_mysql_auth_rsa_encrypt(pw, 6, scr_a, 20, &pk1, NULL, seed, 15,
		out, sizeof out, &len), MOOR_ERR_NO_ENTROPY);
	MOOR_CHECK_INT(moor_mysql_auth_rsa_encrypt(pw, 6, scr_a, 20, NULL, NULL, seed, 32,
		out, sizeof out, &len), MOOR_ERR_INVALID_ARG);
}

/* ------------------------------------------------------------------ */
/* Commands. */

typedef struct {
	const moor_mysql_param *p;
	size_t n;
	uint32_t id;
	int types;
} exec_args;

static int enc_exec(const void *ctx, uint8_t *seq, uint8_t *out, size_t cap, size_t *len)
{
	const exec_args *a = ctx;

	return moor_mysql_write_stmt_execute(a->id, 0, a->p, a->n, a->types, seq, out, cap, len);
}

static void test_commands(void)
{
	static uint8_t blob[512];
	moor_mysql_param ps[24];
	exec_args ea;
	uint8_t out[64], seq;
	size_t len, i;

	seq = 9;
	MOOR_CHECK_INT(moor_mysql_write_query("SELECT 1", 8, &seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 13 && memcmp(out, "\x09\x00\x00\x00\x03SELECT 1", 13) == 0);
	MOOR_CHECK_INT(seq, 1);
	MOOR_CHECK_INT(moor_mysql_write_query("SELECT 1", 8, &seq, out, 12, &len),
		MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, 13);
	MOOR_CHECK_INT(moor_mysql_write_query(NULL, 8, &seq, out, sizeof out, &len),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_write_query("", 0, &seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 5 && memcmp(out, "\x01\x00\x00\x00\x03", 5) == 0);
	MOOR_CHECK_INT(moor_mysql_write_ping(&seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 5 && memcmp(out, "\x01\x00\x00\x00\x0e", 5) == 0);
	MOOR_CHECK_INT(moor_mysql_write_quit(&seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 5 && memcmp(out, "\x01\x00\x00\x00\x01", 5) == 0);
	MOOR_CHECK_INT(moor_mysql_write_reset_connection(&seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 5 && memcmp(out, "\x01\x00\x00\x00\x1f", 5) == 0);
	MOOR_CHECK_INT(moor_mysql_write_init_db("t", 1, &seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 6 && memcmp(out, "\x02\x00\x00\x00\x02t", 6) == 0);
	MOOR_CHECK_INT(moor_mysql_write_stmt_prepare("SELECT ?", 8, &seq, out, sizeof out, &len),
		MOOR_OK);
	MOOR_CHECK(len == 13 && memcmp(out, "\x09\x00\x00\x00\x16SELECT ?", 13) == 0);
	MOOR_CHECK_INT(moor_mysql_write_stmt_close(0x04030201, &seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 9 && memcmp(out, "\x05\x00\x00\x00\x19\x01\x02\x03\x04", 9) == 0);
	MOOR_CHECK_INT(moor_mysql_write_stmt_reset(7, &seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 9 && memcmp(out, "\x05\x00\x00\x00\x1a\x07\x00\x00\x00", 9) == 0);
	MOOR_CHECK_INT(moor_mysql_write_stmt_send_long_data(7, 0x0102, (const uint8_t *)"abc", 3,
		&seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 14 && memcmp(out, "\x0a\x00\x00\x00\x18\x07\x00\x00\x00\x02\x01" "abc",
		14) == 0);
	memset(out, 0, sizeof out);
	MOOR_CHECK_INT(moor_mysql_write_stmt_send_long_data_header(7, 0x0102, 3, &seq, out),
		MOOR_OK);
	MOOR_CHECK(memcmp(out, "\x0a\x00\x00\x00\x18\x07\x00\x00\x00\x02\x01", 11) == 0);
	MOOR_CHECK_INT(seq, 1);
	MOOR_CHECK_INT(moor_mysql_write_stmt_send_long_data_header(7, 1, MOOR_MYSQL_LONG_DATA_MAX,
		&seq, out), MOOR_OK);
	MOOR_CHECK(out[0] == 0xfe && out[1] == 0xff && out[2] == 0xff);
	MOOR_CHECK_INT(moor_mysql_write_stmt_send_long_data_header(7, 1,
		MOOR_MYSQL_LONG_DATA_MAX + 1, &seq, out), MOOR_ERR_MYSQL_TOO_LARGE);
	MOOR_CHECK_INT(moor_mysql_write_command(0x0e, NULL, 0, NULL, out, sizeof out, &len),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_write_command(0x0e, NULL, 0, &seq, NULL, 5, &len),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_write_command(0x0e, NULL, 0, &seq, NULL, 0, &len),
		MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, 5);

	/* a query of 16 MiB - 1 bytes and more is split */
	for (i = 0; i < MAX_FRAME + 100; i++)
		big[i] = 'a' + i % 26;
	MOOR_CHECK_INT(moor_mysql_write_query((const char *)big, MAX_FRAME - 1, &seq, bigwire,
		sizeof bigwire, &len), MOOR_OK);
	MOOR_CHECK_INT(len, MAX_FRAME + 8);         /* 1 + (MAX - 1) fills one packet */
	MOOR_CHECK_INT(seq, 2);
	MOOR_CHECK(memcmp(bigwire, "\xff\xff\xff\x00\x03", 5) == 0);
	MOOR_CHECK(memcmp(bigwire + 4 + MAX_FRAME, "\x00\x00\x00\x01", 4) == 0);
	MOOR_CHECK_INT(moor_mysql_write_query((const char *)big, MAX_FRAME + 50, &seq, bigwire,
		sizeof bigwire, &len), MOOR_OK);
	MOOR_CHECK_INT(len, MAX_FRAME + 51 + 8);
	MOOR_CHECK(memcmp(bigwire + 4 + MAX_FRAME, "\x33\x00\x00\x01", 4) == 0);
	MOOR_CHECK(memcmp(bigwire + 8 + MAX_FRAME, big + MAX_FRAME - 1, 51) == 0);

	/* COM_STMT_EXECUTE: every parameter kind, as gen_vectors.py encodes them */
	memset(ps, 0, sizeof ps);
	ps[0].type = MOOR_MYSQL_TYPE_TINY; ps[0].i = -128;
	ps[1].type = MOOR_MYSQL_TYPE_TINY; ps[1].is_unsigned = 1; ps[1].u = 255;
	ps[2].type = MOOR_MYSQL_TYPE_SHORT; ps[2].i = -32768;
	ps[3].type = MOOR_MYSQL_TYPE_SHORT; ps[3].is_unsigned = 1; ps[3].u = 65535;
	ps[4].type = MOOR_MYSQL_TYPE_LONG; ps[4].i = INT32_MIN;
	ps[5].type = MOOR_MYSQL_TYPE_LONG; ps[5].is_unsigned = 1; ps[5].u = UINT32_MAX;
	ps[6].type = MOOR_MYSQL_TYPE_LONGLONG; ps[6].i = INT64_MIN;
	ps[7].type = MOOR_MYSQL_TYPE_LONGLONG; ps[7].is_unsigned = 1; ps[7].u = UINT64_MAX;
	ps[8].type = MOOR_MYSQL_TYPE_FLOAT; ps[8].f = 1.5f;
	ps[9].type = MOOR_MYSQL_TYPE_DOUBLE; ps[9].d = -2.25;
	ps[10].type = MOOR_MYSQL_TYPE_NULL;
	ps[11].type = MOOR_MYSQL_TYPE_VAR_STRING; ps[11].ptr = (const uint8_t *)"h\xc3\xa9llo";
	ps[11].len = 6;
	ps[12].type = MOOR_MYSQL_TYPE_STRING;
	for (i = 0; i < 512; i++)
		blob[i] = (uint8_t)i;
	ps[13].type = MOOR_MYSQL_TYPE_BLOB; ps[13].ptr = blob; ps[13].len = 512;
	ps[14].type = MOOR_MYSQL_TYPE_DATE;
	ps[14].t.year = 2024; ps[14].t.month = 2; ps[14].t.day = 29;
	ps[15].type = MOOR_MYSQL_TYPE_DATETIME; ps[15].t = ps[14].t;
	ps[15].t.hour = 13; ps[15].t.minute = 14; ps[15].t.second = 15;
	ps[16].type = MOOR_MYSQL_TYPE_TIMESTAMP; ps[16].t = ps[15].t;
	ps[16].t.microsecond = 123456;
	ps[17].type = MOOR_MYSQL_TYPE_DATETIME;
	ps[18].type = MOOR_MYSQL_TYPE_TIME; ps[18].t.neg = 1; ps[18].t.days = 34;
	ps[18].t.hour = 22; ps[18].t.minute = 59; ps[18].t.second = 59;
	ps[19].type = MOOR_MYSQL_TYPE_TIME; ps[19].t.hour = 1; ps[19].t.minute = 2;
	ps[19].t.second = 3; ps[19].t.microsecond = 999999;
	ps[20].type = MOOR_MYSQL_TYPE_TIME;
	ps[21].type = MOOR_MYSQL_TYPE_VAR_STRING; ps[21].is_null = 1;
	ps[22].type = MOOR_MYSQL_TYPE_NEWDECIMAL; ps[22].ptr = (const uint8_t *)"-1234567.891";
	ps[22].len = 12;
	ps[23].type = MOOR_MYSQL_TYPE_YEAR; ps[23].is_unsigned = 1; ps[23].u = 2024;
	ea.p = ps;
	ea.n = 24;
	ea.id = 7;
	ea.types = 1;
	check_encoder_bounds(kat_exec, sizeof kat_exec, enc_exec, &ea, 0, 1);
	ea.n = 3;
	ea.id = 0x01020304;
	ea.types = 0;
	check_encoder_bounds(kat_exec_notypes, sizeof kat_exec_notypes, enc_exec, &ea, 0, 1);
	/* no parameters: no bitmap, no flag */
	MOOR_CHECK_INT(moor_mysql_write_stmt_execute(5, MOOR_MYSQL_CURSOR_READ_ONLY, NULL, 0, 1,
		&seq, out, sizeof out, &len), MOOR_OK);
	MOOR_CHECK(len == 14 && memcmp(out, "\x0a\x00\x00\x00\x17\x05\x00\x00\x00\x01\x01\x00\x00"
		"\x00", 14) == 0);
	/* a long-data parameter: its type, no value */
	memset(ps, 0, 2 * sizeof ps[0]);
	ps[0].type = MOOR_MYSQL_TYPE_BLOB; ps[0].long_data = 1;
	ps[1].type = MOOR_MYSQL_TYPE_TINY; ps[1].i = 5;
	MOOR_CHECK_INT(moor_mysql_write_stmt_execute(5, 0, ps, 2, 1, &seq, out, sizeof out, &len),
		MOOR_OK);
	MOOR_CHECK(len == 4 + 10 + 1 + 1 + 4 + 1 && memcmp(out + 14, "\x00\x01\xfc\x00\x01\x00\x05",
		7) == 0);
	/* out of range and unencodable */
	{
		static const struct { uint8_t type, uns; int64_t i; uint64_t u; } bad[] = {
			{ MOOR_MYSQL_TYPE_TINY, 0, 128, 0 }, { MOOR_MYSQL_TYPE_TINY, 0, -129, 0 },
			{ MOOR_MYSQL_TYPE_TINY, 1, 0, 256 }, { MOOR_MYSQL_TYPE_SHORT, 0, 32768, 0 },
			{ MOOR_MYSQL_TYPE_YEAR, 1, 0, 65536 }, { MOOR_MYSQL_TYPE_LONG, 0, -2147483649LL, 0 },
			{ MOOR_MYSQL_TYPE_INT24, 1, 0, 4294967296ULL }, { 14, 0, 0, 0 }, { 17, 0, 0, 0 },
			{ 243, 0, 0, 0 },
		};

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			memset(ps, 0, sizeof ps[0]);
			ps[0].type = bad[i].type;
			ps[0].is_unsigned = bad[i].uns;
			ps[0].i = bad[i].i;
			ps[0].u = bad[i].u;
			MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, ps, 1, 1, &seq, out,
				sizeof out, &len), MOOR_ERR_MYSQL_BAD_VALUE);
		}
		memset(ps, 0, sizeof ps[0]);
		ps[0].type = MOOR_MYSQL_TYPE_DATETIME;
		ps[0].t.month = 13;
		MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, ps, 1, 1, &seq, out, sizeof out,
			&len), MOOR_ERR_MYSQL_BAD_VALUE);
		ps[0].t.month = 12;
		ps[0].t.microsecond = 1000000;
		MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, ps, 1, 1, &seq, out, sizeof out,
			&len), MOOR_ERR_MYSQL_BAD_VALUE);
		ps[0].type = MOOR_MYSQL_TYPE_TIME;
		ps[0].t.microsecond = 0;
		ps[0].t.days = 34;
		ps[0].t.hour = 23;                         /* 839 hours */
		MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, ps, 1, 1, &seq, out, sizeof out,
			&len), MOOR_ERR_MYSQL_BAD_VALUE);
		ps[0].is_null = 1;                         /* a NULL is never out of range */
		MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, ps, 1, 1, &seq, out, sizeof out,
			&len), MOOR_OK);
		ps[0].type = MOOR_MYSQL_TYPE_STRING;
		ps[0].is_null = 0;
		ps[0].len = 3;
		MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, ps, 1, 1, &seq, out, sizeof out,
			&len), MOOR_ERR_INVALID_ARG);
		MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, NULL, 1, 1, &seq, out, sizeof out,
			&len), MOOR_ERR_INVALID_ARG);
		MOOR_CHECK_INT(moor_mysql_write_stmt_execute(1, 0, ps, 65536, 1, &seq, out,
			sizeof out, &len), MOOR_ERR_MYSQL_TOO_LARGE);
	}
}

/* ------------------------------------------------------------------ */
/* Results. */

static void test_ok_err_eof(void)
{
	uint8_t p[512];
	size_t n, i;
	moor_mysql_ok ok;
	moor_mysql_err e;
	moor_mysql_eof eof;
	const uint32_t caps = 0x013ea204;

	n = unhex(cap_login_ok[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_reply_type(p, n, 0, caps), MOOR_MYSQL_REPLY_OK);
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, n, caps, &ok), MOOR_OK);
	MOOR_CHECK(ok.affected_rows == 0 && ok.last_insert_id == 0);
	MOOR_CHECK_INT(ok.status, MOOR_MYSQL_SERVER_STATUS_AUTOCOMMIT);
	MOOR_CHECK_INT(ok.info.len, 0);
	n = unhex(cap_ok_update[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, n, caps, &ok), MOOR_OK);
	MOOR_CHECK(ok.affected_rows == 2 && ok.last_insert_id == 0 && ok.warnings == 0);
	CHECK_SLICE(ok.info, "Rows matched: 2  Changed: 2  Warnings: 0");
	for (i = 0; i < 7; i++)
		MOOR_CHECK_INT(moor_mysql_parse_ok(p, i, caps, &ok), MOOR_ERR_MYSQL_MALFORMED);
	/* large values, the OK that ends rows (0xfe), session tracking */
	n = unhex("00fc1027fe0807060504030201" "0a40" "0100" "03" "616263" "05" "0103026869",
		p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, n, caps | MOOR_MYSQL_CLIENT_SESSION_TRACK, &ok),
		MOOR_OK);
	MOOR_CHECK(ok.affected_rows == 10000 && ok.last_insert_id == 0x0102030405060708ull);
	MOOR_CHECK_INT(ok.status, 0x400a);
	MOOR_CHECK_INT(ok.warnings, 1);
	CHECK_SLICE(ok.info, "abc");
	MOOR_CHECK_INT(ok.session.len, 5);
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, n - 1, caps | MOOR_MYSQL_CLIENT_SESSION_TRACK, &ok),
		MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, 17, caps | MOOR_MYSQL_CLIENT_SESSION_TRACK, &ok),
		MOOR_ERR_MYSQL_MALFORMED);                  /* state flag, no state */
	p[0] = 0xfe;
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, n, caps, &ok), MOOR_OK);
	MOOR_CHECK_INT(ok.header, 0xfe);
	MOOR_CHECK_INT(ok.info.len, 10);                /* the rest, without SESSION_TRACK */
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, 21, caps, &ok), MOOR_OK);
	CHECK_SLICE(ok.info, "abc");                    /* length-encoded, up to the end */
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, 20, caps, &ok), MOOR_OK);
	CHECK_SLICE(ok.info, "\x03" "ab");              /* does not fit: raw */
	p[0] = 0x01;
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, n, caps, &ok), MOOR_ERR_MYSQL_MALFORMED);
	n = unhex("0000fb0200", p, sizeof p);            /* a NULL last insert id */
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, n, caps, &ok), MOOR_ERR_MYSQL_MALFORMED);
	n = unhex("00010002000000", p, sizeof p);        /* without PROTOCOL_41 */
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, 5, MOOR_MYSQL_CLIENT_TRANSACTIONS, &ok), MOOR_OK);
	MOOR_CHECK(ok.affected_rows == 1 && ok.status == 2);
	MOOR_CHECK_INT(moor_mysql_parse_ok(p, 3, 0, &ok), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_parse_ok(NULL, 3, 0, &ok), MOOR_ERR_INVALID_ARG);

	n = unhex(cap_err_syntax[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_reply_type(p, n, 0, caps), MOOR_MYSQL_REPLY_ERR);
	MOOR_CHECK_INT(moor_mysql_parse_err(p, n, &e), MOOR_OK);
	MOOR_CHECK_INT(e.code, 1064);
	MOOR_CHECK_STR(e.sqlstate, "42000");
	MOOR_CHECK(e.message.len > 40 && memcmp(e.message.ptr,
		"You have an error in your SQL syntax", 36) == 0);
	n = unhex(cap_access_denied[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_err(p, n, &e), MOOR_OK);
	MOOR_CHECK_INT(e.code, 1045);
	MOOR_CHECK_STR(e.sqlstate, "28000");
	CHECK_SLICE(e.message, "Access denied for user 'moor'@'localhost' (using password: YES)");
	/* before the capabilities are agreed: no SQLSTATE */
	n = unhex("ff6a04" "486f7374", p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_err(p, n, &e), MOOR_OK);
	MOOR_CHECK_INT(e.code, 1130);
	MOOR_CHECK_STR(e.sqlstate, "");
	CHECK_SLICE(e.message, "Host");
	MOOR_CHECK_INT(moor_mysql_parse_err(p, 3, &e), MOOR_OK);
	MOOR_CHECK_INT(e.message.len, 0);
	MOOR_CHECK_INT(moor_mysql_parse_err(p, 2, &e), MOOR_ERR_MYSQL_MALFORMED);
	n = unhex("ff1304233038533031", p, sizeof p);    /* '#' and SQLSTATE, no message */
	MOOR_CHECK_INT(moor_mysql_parse_err(p, n, &e), MOOR_OK);
	MOOR_CHECK_STR(e.sqlstate, "08S01");
	MOOR_CHECK_INT(e.message.len, 0);
	MOOR_CHECK_INT(moor_mysql_parse_err(p, n - 1, &e), MOOR_OK);  /* too short for one */
	MOOR_CHECK_STR(e.sqlstate, "");
	CHECK_SLICE(e.message, "#08S0");
	p[0] = 0;
	MOOR_CHECK_INT(moor_mysql_parse_err(p, n, &e), MOOR_ERR_MYSQL_MALFORMED);

	n = unhex(cap_text_eof[2], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_row_type(p, n, 0, caps & ~MOOR_MYSQL_CLIENT_DEPRECATE_EOF),
		MOOR_MYSQL_REPLY_EOF);
	MOOR_CHECK_INT(moor_mysql_parse_eof(p, n, &eof), MOOR_OK);
	MOOR_CHECK(eof.warnings == 0 && eof.status == 2);
	MOOR_CHECK_INT(moor_mysql_parse_eof(p, 1, &eof), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_parse_eof(p, 3, &eof), MOOR_ERR_MYSQL_MALFORMED);
	memset(p + 5, 0, 4);
	MOOR_CHECK_INT(moor_mysql_parse_eof(p, 9, &eof), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_row_type(p, 9, 0, 0), MOOR_MYSQL_REPLY_DATA);
	MOOR_CHECK_INT(moor_mysql_row_type(p, 9, 0, MOOR_MYSQL_CLIENT_DEPRECATE_EOF),
		MOOR_MYSQL_REPLY_EOF);
	MOOR_CHECK_INT(moor_mysql_row_type(p, 9, 1, MOOR_MYSQL_CLIENT_DEPRECATE_EOF),
		MOOR_MYSQL_REPLY_DATA);
	MOOR_CHECK_INT(moor_mysql_row_type((const uint8_t *)"\x00", 1, 0, caps),
		MOOR_MYSQL_REPLY_DATA);
	MOOR_CHECK_INT(moor_mysql_row_type((const uint8_t *)"\xff\x01\x02", 3, 0, caps),
		MOOR_MYSQL_REPLY_ERR);
	MOOR_CHECK_INT(moor_mysql_row_type(p, 0, 0, caps), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_reply_type((const uint8_t *)"\xfb" "file", 5, 0, caps),
		MOOR_MYSQL_REPLY_INFILE);
	MOOR_CHECK_INT(moor_mysql_reply_type((const uint8_t *)"\x15", 1, 0, caps),
		MOOR_MYSQL_REPLY_DATA);
	MOOR_CHECK_INT(moor_mysql_reply_type((const uint8_t *)"\xfe", 1, 0, caps),
		MOOR_MYSQL_REPLY_EOF);
	MOOR_CHECK_INT(moor_mysql_reply_type(NULL, 0, 0, caps), MOOR_ERR_MYSQL_MALFORMED);
}

static void test_metadata(void)
{
	uint8_t p[512];
	size_t n, i;
	uint32_t count;
	moor_mysql_column col;
	moor_mysql_prepare_ok po;
	static const struct { const char *name; uint8_t type; uint16_t flags; } want[21] = {
		{ "id", MOOR_MYSQL_TYPE_LONG, MOOR_MYSQL_FLAG_NOT_NULL | MOOR_MYSQL_FLAG_PRI_KEY
			| 0x1000 | 0x4000 },
		{ "ti", MOOR_MYSQL_TYPE_TINY, 0 },
		{ "tu", MOOR_MYSQL_TYPE_TINY, MOOR_MYSQL_FLAG_UNSIGNED },
		{ "si", MOOR_MYSQL_TYPE_SHORT, 0 },
		{ "mi", MOOR_MYSQL_TYPE_INT24, 0 },
		{ "bi", MOOR_MYSQL_TYPE_LONGLONG, 0 },
		{ "bu", MOOR_MYSQL_TYPE_LONGLONG, MOOR_MYSQL_FLAG_UNSIGNED },
		{ "f", MOOR_MYSQL_TYPE_FLOAT, 0 },
		{ "d", MOOR_MYSQL_TYPE_DOUBLE, 0 },
		{ "dc", MOOR_MYSQL_TYPE_NEWDECIMAL, 0 },
		{ "dt", MOOR_MYSQL_TYPE_DATE, MOOR_MYSQL_FLAG_BINARY },
		{ "dtm", MOOR_MYSQL_TYPE_DATETIME, MOOR_MYSQL_FLAG_BINARY },
		{ "ts", MOOR_MYSQL_TYPE_TIMESTAMP, MOOR_MYSQL_FLAG_BINARY
			| MOOR_MYSQL_FLAG_UNSIGNED },
		{ "tm", MOOR_MYSQL_TYPE_TIME, MOOR_MYSQL_FLAG_BINARY },
		{ "y", MOOR_MYSQL_TYPE_YEAR, MOOR_MYSQL_FLAG_UNSIGNED
			| MOOR_MYSQL_FLAG_ZEROFILL },
		{ "vc", MOOR_MYSQL_TYPE_VAR_STRING, 0 },
		{ "bl", MOOR_MYSQL_TYPE_BLOB, MOOR_MYSQL_FLAG_BLOB | MOOR_MYSQL_FLAG_BINARY },
		{ "tx", MOOR_MYSQL_TYPE_BLOB, MOOR_MYSQL_FLAG_BLOB },
		{ "bt", MOOR_MYSQL_TYPE_BIT, MOOR_MYSQL_FLAG_UNSIGNED },
		{ "en", MOOR_MYSQL_TYPE_STRING, MOOR_MYSQL_FLAG_ENUM },
		{ "js", MOOR_MYSQL_TYPE_BLOB, MOOR_MYSQL_FLAG_BLOB | MOOR_MYSQL_FLAG_BINARY },
	};

	n = unhex(cap_text_types[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_reply_type(p, n, 0, 0), MOOR_MYSQL_REPLY_DATA);
	MOOR_CHECK_INT(moor_mysql_parse_column_count(p, n, &count), MOOR_OK);
	MOOR_CHECK_INT(count, 21);
	for (i = 0; i < 21; i++) {
		n = unhex(cap_text_types[1 + i], p, sizeof p);
		MOOR_CHECK_INT(moor_mysql_parse_column(p, n, &col), MOOR_OK);
		CHECK_SLICE(col.catalog, "def");
		CHECK_SLICE(col.schema, "t");
		CHECK_SLICE(col.table, "types");
		CHECK_SLICE(col.org_table, "types");
		CHECK_SLICE(col.name, want[i].name);
		CHECK_SLICE(col.org_name, want[i].name);
		MOOR_CHECK_INT(col.type, want[i].type);
		MOOR_CHECK_INT(col.flags, want[i].flags);
		if (i == 0) {
			MOOR_CHECK_INT(col.charset, 63);
			MOOR_CHECK_INT(col.length, 11);
			MOOR_CHECK_INT(col.decimals, 0);
		}
		if (i == 9) {
			MOOR_CHECK_INT(col.decimals, 3);
			MOOR_CHECK_INT(col.length, 12);
		}
		if (i == 15)
			MOOR_CHECK_INT(col.charset, 45);
		/* every truncation is refused */
		{
			size_t k;
			int all = 1;

			for (k = 0; k < n; k++)
				all &= moor_mysql_parse_column(p, k, &col) == MOOR_ERR_MYSQL_MALFORMED;
			MOOR_CHECK(all);
		}
	}
	/* an expression column: empty schema and tables */
	n = unhex(cap_text_misc[1], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_column(p, n, &col), MOOR_OK);
	CHECK_SLICE(col.name, "one");
	MOOR_CHECK(col.schema.len == 0 && col.table.len == 0 && col.org_name.len == 0);
	MOOR_CHECK_INT(col.type, MOOR_MYSQL_TYPE_LONG);
	/* fixed-length field below 10 */
	p[n - 13] = 9;
	MOOR_CHECK_INT(moor_mysql_parse_column(p, n, &col), MOOR_ERR_MYSQL_MALFORMED);

	MOOR_CHECK_INT(moor_mysql_parse_column_count((const uint8_t *)"\x00", 1, &count),
		MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_column_count((const uint8_t *)"\xfb", 1, &count),
		MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_column_count((const uint8_t *)"\x01\x00", 2, &count),
		MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_parse_column_count((const uint8_t *)"\xfc\xff\xff", 3, &count),
		MOOR_OK);
	MOOR_CHECK_INT(count, 65535);
	MOOR_CHECK_INT(moor_mysql_parse_column_count((const uint8_t *)"\xfd\x00\x00\x01", 4,
		&count), MOOR_ERR_MYSQL_TOO_LARGE);

	n = unhex(cap_prepare[0], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_parse_prepare_ok(p, n, &po), MOOR_OK);
	MOOR_CHECK_INT(po.stmt_id, 1);
	MOOR_CHECK_INT(po.columns, 21);
	MOOR_CHECK_INT(po.params, 1);
	MOOR_CHECK_INT(po.warnings, 0);
	MOOR_CHECK_INT(moor_mysql_parse_prepare_ok(p, 9, &po), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_parse_prepare_ok(p, 8, &po), MOOR_ERR_MYSQL_MALFORMED);
	n = unhex(cap_prepare[1], p, sizeof p);           /* the parameter: "?" */
	MOOR_CHECK_INT(moor_mysql_parse_column(p, n, &col), MOOR_OK);
	CHECK_SLICE(col.name, "?");
}

/* ------------------------------------------------------------------ */
/* Rows. */

typedef struct {
	char s[4096];
	size_t n;
	uint8_t pend[70000];
	size_t pend_len;
	int in_str;
	const char *bad;
	int done;
} rowlog;

static void rl_put(rowlog *r, const char *s)
{
	size_t k = strlen(s);

	if (r->n + k + 1 < sizeof r->s) {
		memcpy(r->s + r->n, s, k);
		r->n += k;
		r->s[r->n] = 0;
	}
}

static void rl_bytes(rowlog *r, const uint8_t *p, size_t n)
{
	char t[32];
	size_t i;

	rl_put(r, "'");
	for (i = 0; i < n && i < 64; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'' && p[i] != '\\')
			snprintf(t, sizeof t, "%c", p[i]);
		else
			snprintf(t, sizeof t, "\\x%02x", p[i]);
		rl_put(r, t);
	}
	if (n > 64) {
		snprintf(t, sizeof t, "+%zu", n - 64);
		rl_put(r, t);
	}
	rl_put(r, "'");
}

static void rl_event(rowlog *r, const moor_mysql_value *v, uint8_t type, int binary)
{
	char t[128];

	if (r->done)
		r->bad = r->bad ? r->bad : "value after the row ended";
	if (v->kind == MOOR_MYSQL_EV_CHUNK) {
		if ((v->flags & MOOR_MYSQL_V_FIRST) != 0) {
			if (r->in_str)
				r->bad = r->bad ? r->bad : "first chunk twice";
			r->in_str = 1;
			r->pend_len = 0;
		} else if (!r->in_str) {
			r->bad = r->bad ? r->bad : "chunk without first";
		}
		if (v->len == 0)
			r->bad = r->bad ? r->bad : "empty chunk";
		if (r->pend_len + v->len <= sizeof r->pend)
			memcpy(r->pend + r->pend_len, v->ptr, v->len);
		r->pend_len += v->len;
		if ((v->flags & MOOR_MYSQL_V_LAST) == 0)
			return;
		if (r->pend_len != v->total)
			r->bad = r->bad ? r->bad : "chunks do not add up to the total";
		r->in_str = 0;
		snprintf(t, sizeof t, " %u:", (unsigned)v->col);
		rl_put(r, t);
		rl_bytes(r, r->pend, r->pend_len);
	} else {
		if (r->in_str)
			r->bad = r->bad ? r->bad : "value inside a chunked string";
		snprintf(t, sizeof t, " %u:", (unsigned)v->col);
		rl_put(r, t);
		if (v->flags & MOOR_MYSQL_V_NULL) {
			rl_put(r, "N");
		} else if (!binary) {
			rl_bytes(r, v->ptr, v->len);
		} else {
			switch (type) {
			case MOOR_MYSQL_TYPE_TINY: case MOOR_MYSQL_TYPE_SHORT: case MOOR_MYSQL_TYPE_YEAR:
			case MOOR_MYSQL_TYPE_LONG: case MOOR_MYSQL_TYPE_INT24:
			case MOOR_MYSQL_TYPE_LONGLONG:
				snprintf(t, sizeof t, "%lld/%llu", (long long)v->i, (unsigned long long)v->u);
				rl_put(r, t);
				break;
			case MOOR_MYSQL_TYPE_FLOAT: case MOOR_MYSQL_TYPE_DOUBLE:
				snprintf(t, sizeof t, "%.17g", v->d);
				rl_put(r, t);
				break;
			case MOOR_MYSQL_TYPE_DATE: case MOOR_MYSQL_TYPE_DATETIME:
			case MOOR_MYSQL_TYPE_TIMESTAMP:
				snprintf(t, sizeof t, "%04u-%02u-%02u %02u:%02u:%02u.%06u", v->t.year,
					v->t.month, v->t.day, v->t.hour, v->t.minute, v->t.second,
					(unsigned)v->t.microsecond);
				rl_put(r, t);
				break;
			case MOOR_MYSQL_TYPE_TIME:
				snprintf(t, sizeof t, "%s%ud %02u:%02u:%02u.%06u", v->t.neg ? "-" : "",
					(unsigned)v->t.days, v->t.hour, v->t.minute, v->t.second,
					(unsigned)v->t.microsecond);
				rl_put(r, t);
				break;
			default:
				rl_bytes(r, v->ptr, v->len);
				break;
			}
		}
	}
	if (v->flags & MOOR_MYSQL_V_ROW_DONE)
		r->done = 1;
}

/*
 * Decode one row payload; `cuts` lists where the input is split (sorted,
 * inside 0..n). Returns the final status (0 if the row ended properly).
 */
static int row_run(const uint8_t *p, size_t n, uint32_t ncols, const uint8_t *types,
	const size_t *cuts, size_t ncuts, rowlog *r)
{
	moor_mysql_row d;
	moor_mysql_value v;
	size_t start = 0, ci, used, off;
	int st;

	memset(r, 0, sizeof *r);
	st = moor_mysql_row_init(&d, ncols, types);
	if (st != MOOR_OK)
		return st;
	for (ci = 0; ci <= ncuts; ci++) {
		size_t end = ci < ncuts ? cuts[ci] : n;
		unsigned long guard = 0;

		off = start;
		for (;;) {
			st = moor_mysql_row_next(&d, p + off, end - off, &used, &v);
			if (st < 0)
				return st;
			if (used > end - off) {
				r->bad = "consumed too much";
				return 99;
			}
			if (st == 1 && v.len > 0 && (v.ptr < p + off || v.ptr + v.len > p + off + used))
				r->bad = r->bad ? r->bad : "slice outside the input";
			off += used;
			if (st == 0) {
				if (off != end)
					r->bad = r->bad ? r->bad : "need more, but input left";
				break;
			}
			rl_event(r, &v, types != NULL ? types[v.col] : 0, types != NULL);
			if (++guard > 2 * n + 2 * ncols + 4) {
				r->bad = "no progress";
				return 98;
			}
		}
		start = end;
	}
	return moor_mysql_row_finish(&d);
}

/* Whole, at every single split point, in 1-byte pieces: all the same. */
static void check_row(const uint8_t *p, size_t n, uint32_t ncols, const uint8_t *types,
	const char *want, int line)
{
	static rowlog a, b;
	static size_t cuts[70000];
	size_t i;
	int st;

	st = row_run(p, n, ncols, types, NULL, 0, &a);
	moor_test_checks++;
	if (st != 0 || a.bad != NULL || strcmp(a.s, want) != 0) {
		fprintf(stderr, "row (line %d): st %d bad %s\n  got  %s\n  want %s\n", line, st,
			a.bad ? a.bad : "-", a.s, want);
		moor_test_fail(__FILE__, line, "row");
		return;
	}
	for (i = 1; i < n; i += n > 2048 ? 61 : 1) {
		st = row_run(p, n, ncols, types, &i, 1, &b);
		if (st != 0 || b.bad != NULL || strcmp(a.s, b.s) != 0) {
			fprintf(stderr, "row (line %d) split at %zu: st %d bad %s\n  %s\n", line, i, st,
				b.bad ? b.bad : "-", b.s);
			moor_test_fail(__FILE__, line, "row split");
			return;
		}
	}
	for (i = 0; i + 1 < n && i < sizeof cuts / sizeof cuts[0]; i++)
		cuts[i] = i + 1;
	st = row_run(p, n, ncols, types, cuts, i, &b);
	MOOR_CHECK(st == 0 && b.bad == NULL && strcmp(a.s, b.s) == 0);
	/* every truncation fails at the end, never inside */
	for (i = 0; i < n; i += n > 2048 ? 61 : 1) {
		st = row_run(p, i, ncols, types, NULL, 0, &b);
		if (st != MOOR_ERR_MYSQL_MALFORMED) {
			fprintf(stderr, "row (line %d) cut at %zu: %d\n", line, i, st);
			moor_test_fail(__FILE__, line, "truncated row");
			return;
		}
	}
	/* a byte too many */
	{
		static uint8_t more[70000];

		memcpy(more, p, n);
		more[n] = 0;
		st = row_run(more, n + 1, ncols, types, NULL, 0, &b);
		MOOR_CHECK_INT(st, MOOR_ERR_MYSQL_MALFORMED);
	}
}

static const char row1_text[] =
	" 0:'1' 1:'-128' 2:'255' 3:'-32768' 4:'-8388608' 5:'-9223372036854775808'"
	" 6:'18446744073709551615' 7:'1.5' 8:'-2.25' 9:'-1234567.891' 10:'2024-02-29'"
	" 11:'2024-02-29 13:14:15.123456' 12:'2001-01-01 00:00:00' 13:'-838:59:59.000000'"
	" 14:'2024' 15:'h\\xc3\\xa9llo' 16:'\\x00\\xff\\x0a\\x09' 17:'a\\x09b\\x0ac\\x5cd'"
	" 18:'\\x02\\xaa' 19:'b' 20:'{\"k\": [1, 2]}'";
static const char row2_text[] =
	" 0:'2' 1:N 2:N 3:N 4:N 5:N 6:N 7:N 8:N 9:N 10:N 11:N 12:N 13:N 14:N 15:N 16:N 17:N"
	" 18:N 19:N 20:N";
static const char row3_text[] =
	" 0:'3' 1:N 2:N 3:N 4:N 5:N 6:N 7:N 8:N 9:N 10:'0000-00-00'"
	" 11:'2020-01-02 00:00:00.000000' 12:N 13:'00:00:00.000000' 14:N 15:'' 16:N 17:N"
	" 18:N 19:N 20:N";
static const char row1_bin[] =
	" 0:1/1 1:-128/128 2:-1/255 3:-32768/32768 4:-8388608/4286578688"
	" 5:-9223372036854775808/9223372036854775808 6:-1/18446744073709551615 7:1.5 8:-2.25"
	" 9:'-1234567.891' 10:2024-02-29 00:00:00.000000 11:2024-02-29 13:14:15.123456"
	" 12:2001-01-01 00:00:00.000000 13:-34d 22:59:59.000000 14:2024/2024"
	" 15:'h\\xc3\\xa9llo' 16:'\\x00\\xff\\x0a\\x09' 17:'a\\x09b\\x0ac\\x5cd' 18:'\\x02\\xaa' 19:'b'"
	" 20:'{\"k\": [1, 2]}'";
static const char row2_bin[] =
	" 0:2/2 1:N 2:N 3:N 4:N 5:N 6:N 7:N 8:N 9:N 10:N 11:N 12:N 13:N 14:N 15:'x' 16:N 17:N"
	" 18:N 19:N 20:N";
static const char row3_bin[] =
	" 0:3/3 1:N 2:N 3:N 4:N 5:N 6:N 7:N 8:N 9:N 10:0000-00-00 00:00:00.000000"
	" 11:2020-01-02 00:00:00.000000 12:N 13:0d 00:00:00.000000 14:N 15:'x' 16:N 17:N"
	" 18:N 19:N 20:N";

static void test_rows(void)
{
	uint8_t p[1024], types[21];
	moor_mysql_column col;
	size_t n, i;
	const uint32_t caps = 0x013ea204;

	/* text rows (captured before the UPDATE) */
	n = unhex(cap_text_types[22], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_row_type(p, n, 0, caps), MOOR_MYSQL_REPLY_DATA);
	check_row(p, n, 21, NULL, row1_text, __LINE__);
	n = unhex(cap_text_types[23], p, sizeof p);
	check_row(p, n, 21, NULL, row2_text, __LINE__);
	n = unhex(cap_text_types[24], p, sizeof p);
	check_row(p, n, 21, NULL, row3_text, __LINE__);
	n = unhex(cap_text_types[25], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_row_type(p, n, 0, caps), MOOR_MYSQL_REPLY_EOF);
	{
		moor_mysql_ok ok;

		MOOR_CHECK_INT(moor_mysql_parse_ok(p, n, caps, &ok), MOOR_OK);
		MOOR_CHECK_INT(ok.header, 0xfe);
		MOOR_CHECK_INT(ok.status, MOOR_MYSQL_SERVER_STATUS_AUTOCOMMIT
			| MOOR_MYSQL_SERVER_QUERY_NO_INDEX_USED);
	}
	/* NULL, "", a 300-byte value (3-byte length) */
	n = unhex(cap_text_misc[5], p, sizeof p);
	{
		char want[512];

		snprintf(want, sizeof want, " 0:'1' 1:N 2:'' 3:'%s+236'",
			"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
		check_row(p, n, 4, NULL, want, __LINE__);
	}
	/* binary rows: the types come from the column definitions */
	for (i = 0; i < 21; i++) {
		n = unhex(cap_binary_types[1 + i], p, sizeof p);
		MOOR_CHECK_INT(moor_mysql_parse_column(p, n, &col), MOOR_OK);
		types[i] = col.type;
	}
	n = unhex(cap_binary_types[22], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_row_type(p, n, 0, caps), MOOR_MYSQL_REPLY_DATA);
	check_row(p, n, 21, types, row1_bin, __LINE__);
	n = unhex(cap_binary_types[23], p, sizeof p);
	check_row(p, n, 21, types, row2_bin, __LINE__);
	n = unhex(cap_binary_types[24], p, sizeof p);
	check_row(p, n, 21, types, row3_bin, __LINE__);
	n = unhex(cap_binary_types[25], p, sizeof p);
	MOOR_CHECK_INT(moor_mysql_row_type(p, n, 0, caps), MOOR_MYSQL_REPLY_EOF);
}

/* Rows built here: a value far larger than any piece, chunk flags, every
 * date/time length, bad encodings. */
static void test_rows_synthetic(void)
{
	static uint8_t p[70000];
	moor_mysql_row d;
	moor_mysql_value v;
	size_t n, used, i;
	uint8_t types[4];
	int st;

	/* text: "ab", then 65536 bytes (0xfd length), then NULL */
	n = 0;
	p[n++] = 2; p[n++] = 'a'; p[n++] = 'b';
	p[n++] = 0xfd; p[n++] = 0x00; p[n++] = 0x00; p[n++] = 0x01;
	for (i = 0; i < 65536; i++)
		p[n++] = (uint8_t)(i % 251);
	p[n++] = 0xfb;
	{
		static char want[256];
		memset(want, 0, sizeof want);
		strcat(want, " 0:'ab' 1:'");
		for (i = 0; i < 64; i++) {
			char t[8];

			if (i >= 0x20 && i < 0x7f && i != '\'' && i != '\\')
				snprintf(t, sizeof t, "%c", (int)i);
			else
				snprintf(t, sizeof t, "\\x%02x", (unsigned)i);
			strcat(want, t);
		}
		strcat(want, "+65472' 2:N");
		check_row(p, n, 3, NULL, want, __LINE__);
	}
	/* fed in two pieces, the big value comes as chunks */
	moor_mysql_row_init(&d, 3, NULL);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, p, 1000, &used, &v), 1);
	MOOR_CHECK(v.kind == MOOR_MYSQL_EV_VALUE && v.len == 2 && used == 3);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, p + 3, 997, &used, &v), 1);
	MOOR_CHECK(v.kind == MOOR_MYSQL_EV_CHUNK && v.flags == MOOR_MYSQL_V_FIRST && v.len == 993
		&& v.total == 65536 && v.col == 1 && used == 997);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, p + 1000, 0, &used, &v), 0);
	MOOR_CHECK_INT(moor_mysql_row_finish(&d), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, p + 1000, n - 1000, &used, &v), 1);
	MOOR_CHECK(v.kind == MOOR_MYSQL_EV_CHUNK && v.flags == MOOR_MYSQL_V_LAST
		&& v.len == 65536 - 993);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, p + 1000 + used, n - 1000 - used, &used, &v), 1);
	MOOR_CHECK(v.flags == (MOOR_MYSQL_V_NULL | MOOR_MYSQL_V_ROW_DONE) && v.col == 2);
	MOOR_CHECK_INT(moor_mysql_row_finish(&d), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, NULL, 0, &used, &v), 0);

	/* binary: every date/time length, a big BLOB */
	types[0] = MOOR_MYSQL_TYPE_DATETIME;
	types[1] = MOOR_MYSQL_TYPE_TIME;
	types[2] = MOOR_MYSQL_TYPE_BLOB;
	types[3] = MOOR_MYSQL_TYPE_DATE;
	n = 0;
	p[n++] = 0; p[n++] = 0;                        /* header, bitmap (4 + 2 bits) */
	memcpy(p + n, "\x0b\xe8\x07\x0c\x1f\x17\x3b\x3b\x3f\x42\x0f\x00", 12);
	n += 12;
	memcpy(p + n, "\x0c\x00\x01\x00\x00\x00\x02\x03\x04\x05\x00\x00\x00", 13);
	n += 13;
	p[n++] = 0xfc; p[n++] = 0x00; p[n++] = 0x10;   /* 4096 bytes */
	memset(p + n, 'q', 4096);
	n += 4096;
	memcpy(p + n, "\x07\x01\x00\x02\x03\x04\x05\x06", 8);
	n += 8;
	{
		char want[256];

		snprintf(want, sizeof want, " 0:2024-12-31 23:59:59.999999 1:1d 02:03:04.000005"
			" 2:'%s+4032' 3:0001-02-03 04:05:06.000000",
			"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq");
		check_row(p, n, 4, types, want, __LINE__);
	}
	/* bad date/time lengths */
	p[2] = 5;
	{
		static rowlog rl;

		MOOR_CHECK_INT(row_run(p, n, 4, types, NULL, 0, &rl), MOOR_ERR_MYSQL_BAD_VALUE);
		p[2] = 0x0b;
		p[14] = 7;

		MOOR_CHECK_INT(row_run(p, n, 4, types, NULL, 0, &rl), MOOR_ERR_MYSQL_BAD_VALUE);
		/* not 0x00 first */
		p[14] = 0x0c;
		p[0] = 1;
		MOOR_CHECK_INT(row_run(p, n, 4, types, NULL, 0, &rl), MOOR_ERR_MYSQL_MALFORMED);
		p[0] = 0;
		/* a type with no binary encoding */
		types[1] = 17;
		MOOR_CHECK_INT(row_run(p, n, 4, types, NULL, 0, &rl), MOOR_ERR_MYSQL_BAD_VALUE);
		types[1] = MOOR_MYSQL_TYPE_TIME;
		/* 0xfb and 0xff as lengths */
		p[27] = 0xfb;
		MOOR_CHECK_INT(row_run(p, n, 4, types, NULL, 0, &rl), MOOR_ERR_MYSQL_MALFORMED);
		p[27] = 0xff;
		MOOR_CHECK_INT(row_run(p, n, 4, types, NULL, 0, &rl), MOOR_ERR_MYSQL_MALFORMED);
		/* a length above the payload limit */
		memcpy(p + 27, "\xfe\x00\x00\x00\x00\x01\x00\x00\x00", 9);
		MOOR_CHECK_INT(row_run(p, n, 4, types, NULL, 0, &rl), MOOR_ERR_MYSQL_TOO_LARGE);
		/* TYPE_NULL: no bytes, NULL even without its bitmap bit */
		types[0] = MOOR_MYSQL_TYPE_NULL;
		MOOR_CHECK_INT(row_run((const uint8_t *)"\x00\x00\x05", 3, 2,
			(const uint8_t *)"\x06\x01", NULL, 0, &rl), MOOR_OK);
		MOOR_CHECK_STR(rl.s, " 0:N 1:5/5");
	}
	/* sticky errors, argument checks, limits */
	moor_mysql_row_init(&d, 1, NULL);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, (const uint8_t *)"\xff", 1, &used, &v),
		MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, (const uint8_t *)"\x00", 1, &used, &v),
		MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_row_finish(&d), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, NULL, 1, &used, &v), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_row_init(&d, 0, NULL), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_mysql_row_init(&d, MOOR_CONFIG_MYSQL_MAX_COLUMNS + 1, types),
		MOOR_ERR_MYSQL_COLUMNS);
	MOOR_CHECK_INT(moor_mysql_row_init(&d, 100000, NULL), MOOR_OK);
	/* the widest binary row: the bitmap's last bit */
	{
		static uint8_t wt[MOOR_CONFIG_MYSQL_MAX_COLUMNS];
		static uint8_t row[1 + (MOOR_CONFIG_MYSQL_MAX_COLUMNS + 9) / 8
			+ MOOR_CONFIG_MYSQL_MAX_COLUMNS];
		size_t bm = (MOOR_CONFIG_MYSQL_MAX_COLUMNS + 9) / 8, k = 0;
		uint32_t nulls = 0, vals = 0;

		memset(wt, MOOR_MYSQL_TYPE_TINY, sizeof wt);
		memset(row, 0, sizeof row);
		row[1 + (MOOR_CONFIG_MYSQL_MAX_COLUMNS - 1 + 2) / 8] |=
			(uint8_t)(1u << ((MOOR_CONFIG_MYSQL_MAX_COLUMNS - 1 + 2) % 8));
		n = 1 + bm + MOOR_CONFIG_MYSQL_MAX_COLUMNS - 1;
		MOOR_CHECK_INT(moor_mysql_row_init(&d, MOOR_CONFIG_MYSQL_MAX_COLUMNS, wt), MOOR_OK);
		for (;;) {
			st = moor_mysql_row_next(&d, row + k, n - k, &used, &v);
			if (st != 1)
				break;
			k += used;
			if (v.flags & MOOR_MYSQL_V_NULL)
				nulls++;
			else
				vals++;
		}
		MOOR_CHECK_INT(st, 0);
		MOOR_CHECK_INT(nulls, 1);
		MOOR_CHECK_INT(vals, MOOR_CONFIG_MYSQL_MAX_COLUMNS - 1);
		MOOR_CHECK_INT(moor_mysql_row_finish(&d), MOOR_OK);
	}
}

/* ------------------------------------------------------------------ */
/* Output. */

static void test_escape(void)
{
	static const uint8_t in[] = { 'a', 0, '\t', '\n', '\\', '\r', 0x1a, 'z', '\'' };
	const char want[] = "a\\0\\t\\n\\\\\r\x1az'";
	char out[64];
	size_t used, n, cap, total, off;

	MOOR_CHECK_INT(moor_mysql_escape_batch_size(in, sizeof in), strlen(want));
	n = moor_mysql_escape_batch(in, sizeof in, &used, out, sizeof out);
	MOOR_CHECK(n == strlen(want) && used == sizeof in && memcmp(out, want, n) == 0);
	/* streaming through small outputs: never splits an escape */
	for (cap = 1; cap < 6; cap++) {
		char joined[64];

		total = 0;
		off = 0;
		while (off < sizeof in) {
			n = moor_mysql_escape_batch(in + off, sizeof in - off, &used, out, cap);
			if (n == 0 && cap < 2) {
				MOOR_CHECK(in[off] == 0 || in[off] == '\t' || in[off] == '\n'
					|| in[off] == '\\');
				break;
			}
			MOOR_CHECK(n <= cap && used > 0);
			memcpy(joined + total, out, n);
			total += n;
			off += used;
		}
		if (cap >= 2)
			MOOR_CHECK(total == strlen(want) && memcmp(joined, want, total) == 0);
	}
	MOOR_CHECK_INT(moor_mysql_escape_batch(NULL, 3, &used, out, sizeof out), 0);
	MOOR_CHECK_INT(used, 0);
	MOOR_CHECK_INT(moor_mysql_escape_batch_size(NULL, 3), 0);
}

static void test_status(void)
{
	MOOR_CHECK_STR(moor_status_name(MOOR_ERR_MYSQL_SEQUENCE), "MOOR_ERR_MYSQL_SEQUENCE");
	MOOR_CHECK_STR(moor_status_name(MOOR_ERR_MYSQL_PASSWORD_TOO_LONG),
		"MOOR_ERR_MYSQL_PASSWORD_TOO_LONG");
	MOOR_CHECK(strstr(moor_status_str(MOOR_ERR_MYSQL_MALFORMED), "malformed") != NULL);
	{
		int c;

		for (c = MOOR_ERR_MYSQL_PROTOCOL; c >= MOOR_ERR_MYSQL_PASSWORD_TOO_LONG; c--)
			MOOR_CHECK(strncmp(moor_status_name(c), "MOOR_ERR_MYSQL_", 15) == 0);
	}
}

int main(void)
{
	moor_test_heap_guard(1);
	test_lenenc();
	test_cursor();
	test_reader_small();
	test_reader_seq();
	test_reader_cont();
	test_handshake();
	test_login();
	test_auth_switch();
	test_auth();
	test_rsa();
	test_commands();
	test_ok_err_eof();
	test_metadata();
	test_rows();
	test_rows_synthetic();
	test_escape();
	test_status();
	return moor_test_done();
}
