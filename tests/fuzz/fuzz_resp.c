/*
 * Fuzz target: the RESP decoder and encoder.
 *
 * The first byte picks the decoder's buffer size (low 4 bits) and the
 * split pattern (high 4 bits); the rest is the server's byte stream. It is
 * decoded twice: whole, and through a buffer of that size filled in
 * pieces, as a client would. Both must end the same way with the same
 * events (a chunked string's bytes compared joined), every call must make
 * progress, and slices must lie in the bytes consumed.
 *
 * Then the encoder: the stream cut at each '\n' into at most 16 arguments
 * is encoded, its size must match the size query, a buffer one byte short
 * must be refused untouched, and decoding the command must give back the
 * arguments.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "moor/resp.h"
#include "moor/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t caps[16] = {
	32, 33, 34, 40, 48, 63, 64, 65, 100, 128, 255, 256, 512, 1024, 4096, 8192
};

#define BUF_MAX 8192

/* A running digest of the events: the same events give the same value. */
typedef struct {
	uint64_t h;
	unsigned long events;
	int in_str;
} digest;

static void mix(digest *g, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		g->h = (g->h ^ b[i]) * 1099511628211ull;
}

static void mix_num(digest *g, int64_t v)
{
	mix(g, &v, sizeof v);
}

/* Fold one event in; a chunked string is folded as its joined bytes. */
static void fold(digest *g, const moor_resp_decoder *d, const moor_resp_event *ev,
	const uint8_t *in, size_t used)
{
	if (ev->len > 0 && (ev->ptr < in || ev->ptr + ev->len > in + used))
		__builtin_trap();
	if (used == 0 && ev->kind != MOOR_RESP_EV_END)
		__builtin_trap();
	if (((ev->flags & MOOR_RESP_F_DONE) != 0) != (moor_resp_reply_done(d) != 0))
		__builtin_trap();
	g->events++;
	if (ev->kind == MOOR_RESP_EV_CHUNK) {
		if ((ev->flags & MOOR_RESP_F_FIRST) != 0) {
			if (g->in_str)
				__builtin_trap();
			g->in_str = 1;
			mix(g, "C", 1);
			mix(g, &ev->type, 1);
			mix(g, ev->format, sizeof ev->format);
			mix_num(g, ev->num);
		} else if (!g->in_str) {
			__builtin_trap();
		}
		mix(g, ev->ptr, ev->len);
		if ((ev->flags & MOOR_RESP_F_LAST) != 0) {
			uint8_t f = ev->flags & (uint8_t)~MOOR_RESP_F_FIRST;

			g->in_str = 0;
			mix(g, &f, 1);
		}
		return;
	}
	if (g->in_str)
		__builtin_trap();
	mix(g, &ev->kind, 1);
	mix(g, &ev->type, 1);
	mix(g, &ev->flags, 1);
	mix(g, &ev->depth, 1);
	mix(g, ev->format, sizeof ev->format);
	mix_num(g, ev->num);
	mix_num(g, (int64_t)ev->len);
	if (ev->len > 0)
		mix(g, ev->ptr, ev->len);
}

/* 0: the input ended between values; 1: in the middle of one. */
static int finish(const moor_resp_decoder *d, size_t left_over)
{
	return left_over == 0 && moor_resp_decoder_idle(d) ? 0 : 1;
}

static int whole(const uint8_t *in, size_t n, size_t cap, digest *g)
{
	moor_resp_decoder d;
	moor_resp_event ev;
	size_t off = 0, used;
	unsigned long guard = 0;
	int st;

	if (moor_resp_decoder_init(&d, cap) != MOOR_OK)
		__builtin_trap();
	for (;;) {
		st = moor_resp_next(&d, in + off, n - off, &used, &ev);
		if (st < 0)
			return st;
		if (used > n - off)
			__builtin_trap();
		if (st == 0)
			return finish(&d, n - off - used);
		fold(g, &d, &ev, in + off, used);
		off += used;
		if (++guard > 2 * n + 2 * MOOR_CONFIG_RESP_MAX_DEPTH + 2)
			__builtin_trap();             /* no progress */
	}
}

static int pieces(const uint8_t *in, size_t n, size_t cap, uint32_t seed, digest *g)
{
	static uint8_t buf[BUF_MAX];
	moor_resp_decoder d;
	moor_resp_event ev;
	size_t fill = 0, off = 0, soff = 0, used, k;
	uint32_t rng = seed * 2654435761u + 0x9e3779b9u;
	unsigned long guard = 0;
	int st;

	if (moor_resp_decoder_init(&d, cap) != MOOR_OK)
		__builtin_trap();
	for (;;) {
		st = moor_resp_next(&d, buf + off, fill - off, &used, &ev);
		if (st < 0)
			return st;
		if (used > fill - off)
			__builtin_trap();
		if (++guard > 4 * n + 2 * MOOR_CONFIG_RESP_MAX_DEPTH + 4)
			__builtin_trap();
		if (st == 1) {
			fold(g, &d, &ev, buf + off, used);
			off += used;
			continue;
		}
		off += used;
		memmove(buf, buf + off, fill - off);
		fill -= off;
		off = 0;
		if (soff == n)
			return finish(&d, fill);
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		k = (seed & 1) ? 1 : 1 + rng % ((rng & 0x300) ? 8 : cap);
		if (k > cap - fill)
			k = cap - fill;
		if (k > n - soff)
			k = n - soff;
		if (k == 0)
			__builtin_trap();                 /* full buffer, yet "need more" */
		memcpy(buf + fill, in + soff, k);
		fill += k;
		soff += k;
	}
}

static void round_trip(const uint8_t *in, size_t n)
{
	static uint8_t enc[BUF_MAX * 2 + 512];
	const char *argv[16];
	size_t argvlen[16], argc = 0, start = 0, i, len, need, off, used, a;
	moor_resp_decoder d;
	moor_resp_event ev;
	int st;

	for (i = 0; i <= n && argc < 16; i++) {
		if (i == n || (in[i] == '\n' && argc < 15)) {
			argv[argc] = (const char *)in + start;
			argvlen[argc] = i - start;
			argc++;
			start = i + 1;
		}
	}
	if (moor_resp_command_size(argc, argv, argvlen, &need) != MOOR_OK)
		__builtin_trap();
	if (need > MOOR_RESP_COMMAND_BOUND(argc, n))
		__builtin_trap();
	if (need > sizeof enc)
		return;
	memset(enc, 0xa5, need);
	st = moor_resp_write_command(argc, argv, argvlen, enc, need - 1, &len);
	if (st != MOOR_ERR_BUFFER_TOO_SMALL || len != need)
		__builtin_trap();
	for (i = 0; i < need; i++) {
		if (enc[i] != 0xa5)
			__builtin_trap();         /* wrote into a buffer too small */
	}
	st = moor_resp_write_command(argc, argv, argvlen, enc, need, &len);
	if (st != MOOR_OK || len != need)
		__builtin_trap();
	/* back through the decoder: BEGIN *argc, the arguments, END */
	if (moor_resp_decoder_init(&d, sizeof enc) != MOOR_OK)
		__builtin_trap();
	off = 0;
	for (a = 0; a < argc + 2; a++) {
		st = moor_resp_next(&d, enc + off, len - off, &used, &ev);
		if (st != 1)
			__builtin_trap();
		off += used;
		if (a == 0) {
			if (ev.kind != MOOR_RESP_EV_BEGIN || ev.type != MOOR_RESP_ARRAY
				|| ev.num != (int64_t)argc)
				__builtin_trap();
		} else if (a <= argc) {
			if (ev.kind != MOOR_RESP_EV_VALUE || ev.type != MOOR_RESP_BULK
				|| ev.len != argvlen[a - 1]
				|| (ev.len > 0 && memcmp(ev.ptr, argv[a - 1], ev.len) != 0))
				__builtin_trap();
		} else if (ev.kind != MOOR_RESP_EV_END || moor_resp_reply_done(&d) != MOOR_RESP_ARRAY) {
			__builtin_trap();
		}
	}
	if (off != len || !moor_resp_decoder_idle(&d))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	digest g1, g2;
	size_t cap;
	int st1, st2;

	if (size < 1)
		return 0;
	cap = caps[data[0] & 15];
	memset(&g1, 0, sizeof g1);
	memset(&g2, 0, sizeof g2);
	st1 = whole(data + 1, size - 1, cap, &g1);
	st2 = pieces(data + 1, size - 1, cap, (uint32_t)(data[0] >> 4), &g2);
	if (st1 != st2 || g1.h != g2.h)
		__builtin_trap();                     /* the split changed the result */
	if (st1 < 0 && (st1 > MOOR_ERR_RESP_PROTOCOL || st1 < MOOR_ERR_RESP_BAD_DOUBLE))
		__builtin_trap();                     /* only documented errors */
	round_trip(data + 1, size - 1);
	return 0;
}
