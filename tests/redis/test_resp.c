/*
 * The RESP codec without a network: the decoder on the RESP3
 * specification's examples of every type, on replies captured from a real
 * redis-server, on every error path, fed whole, one byte at a time and in
 * random pieces through buffers of several sizes (all must agree), with
 * values far larger than the buffer; and the encoder's bytes and bounds.
 *
 * Every decoding is written down as a line of tokens, one per event:
 *   +"text"  a VALUE (type byte, then the bytes, C-escaped)
 *   _  _$  _*   null, RESP2 "$-1", RESP2 "*-1"
 *   =txt"text"  a verbatim string with its format
 *   *3  %?      BEGIN with its count, or "?" when streamed
 *   .           END
 *   /           the event before completed a top-level value
 * A string that came as CHUNKs is written like a VALUE of the joined
 * bytes, prefixed by "c" (counted) or "s" (streamed) when asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/resp.h"
#include "moor/status.h"
#include "testlib.h"

#define LOG_CAP   16384
#define PEND_CAP  65536
#define BUF_MAX   8192
#define STUCK     (-9999)

/* ------------------------------------------------------------------ */
/* The recorder: turns events into the token line and checks invariants. */

typedef struct {
	char log[LOG_CAP];
	size_t n;
	char done[128];            /* type byte of each completed top-level value */
	size_t n_done;
	int mark_chunked;          /* write "c" / "s" before chunked strings */
	int big;                   /* hash chunked bytes instead of keeping them */
	size_t cap;                /* buffer size: no chunk may be larger */
	int depth;
	uint8_t types[300];
	int in_str;
	uint8_t str_type, str_streamed;
	int64_t str_total;
	uint64_t str_got;
	uint32_t hash;
	char fmt[4];
	uint8_t pend[PEND_CAP];
	size_t pend_len;
	unsigned long chunks;
	size_t max_chunk;
	const char *bad;           /* first invariant that failed */
} rec;

static rec ra, rb;

static void rec_init(rec *r, size_t cap, int mark_chunked, int big)
{
	memset(r, 0, sizeof *r);
	r->cap = cap;
	r->mark_chunked = mark_chunked;
	r->big = big;
}

static void bad(rec *r, const char *why)
{
	if (r->bad == NULL)
		r->bad = why;
}

static void out(rec *r, const char *s, size_t n)
{
	if (r->n + n >= LOG_CAP) {
		bad(r, "log overflow");
		return;
	}
	memcpy(r->log + r->n, s, n);
	r->n += n;
	r->log[r->n] = '\0';
}

static void outs(rec *r, const char *s)
{
	out(r, s, strlen(s));
}

static void outc(rec *r, char c)
{
	out(r, &c, 1);
}

static void outq(rec *r, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	outc(r, '"');
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\') {
			outc(r, '\\');
			outc(r, (char)c);
		} else if (c == '\r') {
			outs(r, "\\r");
		} else if (c == '\n') {
			outs(r, "\\n");
		} else if (c < 0x20 || c > 0x7e) {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			out(r, e, 4);
		} else {
			outc(r, (char)c);
		}
	}
	outc(r, '"');
}

static void outu(rec *r, uint64_t v)
{
	char t[24];
	size_t i = sizeof t;

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	out(r, t + i, sizeof t - i);
}

static void sep(rec *r)
{
	if (r->n > 0)
		outc(r, ' ');
}

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void rec_event(rec *r, const moor_resp_decoder *d, const moor_resp_event *ev,
	const uint8_t *in, size_t used)
{
	int done = (ev->flags & MOOR_RESP_F_DONE) != 0;

	if (ev->len > 0 && (ev->ptr == NULL || ev->ptr < in || ev->ptr + ev->len > in + used))
		bad(r, "slice outside the consumed bytes");
	if (ev->len == 0 && ev->ptr != NULL)
		bad(r, "empty slice with a pointer");
	if (used == 0 && ev->kind != MOOR_RESP_EV_END)
		bad(r, "an event other than END consumed nothing");
	if (done != (moor_resp_reply_done(d) != 0))
		bad(r, "F_DONE disagrees with moor_resp_reply_done()");
	if (done && (r->depth != (ev->kind == MOOR_RESP_EV_END ? 1 : 0)))
		bad(r, "F_DONE inside an aggregate");
	if (ev->kind != MOOR_RESP_EV_CHUNK && r->in_str)
		bad(r, "another event inside a chunked string");

	switch (ev->kind) {
	case MOOR_RESP_EV_VALUE:
		if (ev->depth != r->depth)
			bad(r, "VALUE depth");
		sep(r);
		if (ev->type == MOOR_RESP_NULL) {
			outc(r, '_');
			if (ev->flags & MOOR_RESP_F_NULL_BULK)
				outc(r, '$');
			if (ev->flags & MOOR_RESP_F_NULL_ARRAY)
				outc(r, '*');
			if (ev->len != 0)
				bad(r, "null with bytes");
			break;
		}
		outc(r, (char)ev->type);
		if (ev->type == MOOR_RESP_VERBATIM) {
			if (strlen(ev->format) != 3)
				bad(r, "verbatim format not 3 bytes");
			outs(r, ev->format);
		} else if (ev->format[0] != '\0') {
			bad(r, "format on a non-verbatim value");
		}
		outq(r, ev->ptr, ev->len);
		if (ev->type == MOOR_RESP_INTEGER) {
			char t[32];

			if (ev->len >= sizeof t) {
				bad(r, "integer text too long");
			} else {
				memcpy(t, ev->ptr, ev->len);
				t[ev->len] = '\0';
				if (strtoll(t, NULL, 10) != ev->num)
					bad(r, "integer value differs from its text");
			}
		} else if (ev->type == MOOR_RESP_BOOLEAN) {
			if (ev->num != (ev->ptr[0] == 't'))
				bad(r, "boolean value");
		} else if (ev->num != 0) {
			bad(r, "num set on a value that has none");
		}
		break;
	case MOOR_RESP_EV_BEGIN:
		if (ev->depth != r->depth)
			bad(r, "BEGIN depth");
		if ((ev->num == -1) != ((ev->flags & MOOR_RESP_F_STREAMED) != 0))
			bad(r, "BEGIN streamed flag");
		if (r->depth < (int)sizeof r->types)
			r->types[r->depth] = ev->type;
		r->depth++;
		sep(r);
		outc(r, (char)ev->type);
		if (ev->num < 0)
			outc(r, '?');
		else
			outu(r, (uint64_t)ev->num);
		break;
	case MOOR_RESP_EV_END:
		r->depth--;
		if (r->depth < 0 || ev->depth != r->depth)
			bad(r, "END depth");
		else if (r->depth < (int)sizeof r->types && r->types[r->depth] != ev->type)
			bad(r, "END type differs from its BEGIN");
		sep(r);
		outc(r, '.');
		break;
	case MOOR_RESP_EV_CHUNK: {
		int first = (ev->flags & MOOR_RESP_F_FIRST) != 0;
		int last = (ev->flags & MOOR_RESP_F_LAST) != 0;
		int streamed = (ev->flags & MOOR_RESP_F_STREAMED) != 0;

		if (ev->depth != r->depth)
			bad(r, "CHUNK depth");
		if (first != !r->in_str)
			bad(r, "F_FIRST on a chunk that is not the first, or missing");
		if (first) {
			r->in_str = 1;
			r->str_type = ev->type;
			r->str_streamed = (uint8_t)streamed;
			r->str_total = ev->num;
			r->str_got = 0;
			r->pend_len = 0;
			r->hash = 2166136261u;
			memcpy(r->fmt, ev->format, sizeof r->fmt);
		} else if (ev->type != r->str_type || streamed != r->str_streamed
			|| ev->num != r->str_total || memcmp(r->fmt, ev->format, sizeof r->fmt) != 0) {
			bad(r, "chunk of a different string");
		}
		if (streamed != (ev->num == -1))
			bad(r, "chunk total vs streamed flag");
		if (ev->type == MOOR_RESP_VERBATIM && strlen(ev->format) != 3)
			bad(r, "chunked verbatim without format");
		if (ev->len == 0 && !(streamed && last))
			bad(r, "empty chunk");
		if (ev->len > r->cap)
			bad(r, "chunk larger than the buffer");
		r->chunks++;
		if (ev->len > r->max_chunk)
			r->max_chunk = ev->len;
		r->str_got += ev->len;
		if (!streamed && (int64_t)r->str_got > r->str_total)
			bad(r, "chunks longer than the declared length");
		if (r->big) {
			r->hash = fnv(r->hash, ev->ptr, ev->len);
		} else if (r->pend_len + ev->len > PEND_CAP) {
			bad(r, "pend overflow");
		} else if (ev->len > 0) {
			memcpy(r->pend + r->pend_len, ev->ptr, ev->len);
			r->pend_len += ev->len;
		}
		if (!last)
			return;
		if (!streamed && (int64_t)r->str_got != r->str_total)
			bad(r, "last chunk before the declared length");
		r->in_str = 0;
		sep(r);
		if (r->mark_chunked)
			outc(r, streamed ? 's' : 'c');
		outc(r, (char)r->str_type);
		if (r->str_type == MOOR_RESP_VERBATIM)
			outs(r, r->fmt);
		if (r->big) {
			outc(r, '<');
			outu(r, r->str_got);
			outc(r, ':');
			outu(r, r->hash);
			outc(r, '>');
		} else {
			outq(r, r->pend, r->pend_len);
		}
		break;
	}
	default:
		bad(r, "unknown event kind");
		return;
	}
	if (done) {
		outs(r, " /");
		if (r->n_done < sizeof r->done - 1)
			r->done[r->n_done++] = (char)moor_resp_reply_done(d);
	}
}

/* ------------------------------------------------------------------ */
/* Input sources and the two ways of feeding. */

/* A stream: head bytes, then npat generated bytes, then tail bytes. */
typedef struct {
	const uint8_t *head;
	size_t nhead;
	size_t npat;
	const uint8_t *tail;
	size_t ntail;
} src;

static uint8_t pat(size_t i)
{
	return (uint8_t)(i * 131u + (i >> 9));
}

static size_t src_len(const src *s)
{
	return s->nhead + s->npat + s->ntail;
}

static void src_copy(const src *s, size_t off, uint8_t *dst, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++, off++) {
		if (off < s->nhead)
			dst[i] = s->head[off];
		else if (off - s->nhead < s->npat)
			dst[i] = pat(off - s->nhead);
		else
			dst[i] = s->tail[off - s->nhead - s->npat];
	}
}

/* Status at the end of the input: 0 if it ended between values, 1 if in
 * the middle of one (bytes left over, or a value begun). */
static int end_status(const moor_resp_decoder *d, size_t left_over)
{
	return left_over == 0 && moor_resp_decoder_idle(d) ? 0 : 1;
}

/* The whole input at once, advancing by what each call consumed. */
static int feed_direct(rec *r, const uint8_t *in, size_t n, size_t cap)
{
	moor_resp_decoder d;
	moor_resp_event ev;
	size_t off = 0, used;
	unsigned long guard = 0;
	int st;

	if (moor_resp_decoder_init(&d, cap) != MOOR_OK)
		return STUCK;
	r->cap = (size_t)-1;     /* all bytes are there: chunks may be any size */
	for (;;) {
		st = moor_resp_next(&d, in + off, n - off, &used, &ev);
		if (st < 0)
			return st;
		if (used > n - off) {
			bad(r, "consumed more than given");
			return STUCK;
		}
		if (st == 0)
			return end_status(&d, n - off - used);
		rec_event(r, &d, &ev, in + off, used);
		off += used;
		if (++guard > 4 * n + 100) {
			bad(r, "no progress");
			return STUCK;
		}
	}
}

/*
 * Through a buffer of `cap` bytes, as a client does: reads of `step`
 * bytes (0: random sizes from `seed`), the unconsumed bytes moved to the
 * front before each read.
 */
static int feed_buffered(rec *r, const src *s, size_t cap, size_t step, uint32_t seed)
{
	static uint8_t buf[BUF_MAX];
	moor_resp_decoder d;
	moor_resp_event ev;
	size_t fill = 0, off = 0, soff = 0, total = src_len(s), used, k;
	uint32_t rng = seed * 2654435761u + 1;
	int st;

	if (cap > BUF_MAX || moor_resp_decoder_init(&d, cap) != MOOR_OK)
		return STUCK;
	for (;;) {
		st = moor_resp_next(&d, buf + off, fill - off, &used, &ev);
		if (st < 0)
			return st;
		if (used > fill - off) {
			bad(r, "consumed more than given");
			return STUCK;
		}
		if (st == 1) {
			rec_event(r, &d, &ev, buf + off, used);
			off += used;
			continue;
		}
		off += used;
		memmove(buf, buf + off, fill - off);
		fill -= off;
		off = 0;
		if (soff == total)
			return end_status(&d, fill);
		if (step != 0) {
			k = step;
		} else {
			rng ^= rng << 13;
			rng ^= rng >> 17;
			rng ^= rng << 5;
			k = 1 + rng % (rng & 0x100 ? 8 : cap);
		}
		if (k > cap - fill)
			k = cap - fill;
		if (k > total - soff)
			k = total - soff;
		if (k == 0) {
			bad(r, "buffer full and the decoder wants more");
			return STUCK;
		}
		src_copy(s, soff, buf + fill, k);
		fill += k;
		soff += k;
	}
}

static src mem_src(const uint8_t *in, size_t n)
{
	src s;

	memset(&s, 0, sizeof s);
	s.head = in;
	s.nhead = n;
	return s;
}

/* ------------------------------------------------------------------ */
/* Checks that name the line of the case that failed. */

static void check_log(int line, const char *what, const rec *r, const char *want)
{
	moor_test_checks++;
	if (r->bad != NULL)
		moor_test_fail_str(__FILE__, line, what, r->bad, "no invariant broken");
	else if (strcmp(r->log, want) != 0)
		moor_test_fail_str(__FILE__, line, what, r->log, want);
}

static void check_st(int line, const char *what, int got, int want)
{
	moor_test_checks++;
	if (got != want)
		moor_test_fail_int(__FILE__, line, what, got, want);
}

static const size_t caps[] = { 4096, 256, 64, 32 };

/*
 * Decode `in` every way and with every buffer size; each must end with
 * status `want_st` and give the token line `want` (NULL: just agree).
 * With a buffer too small for one of its lines, all ways must agree on
 * MOOR_ERR_RESP_LINE_TOO_LONG instead.
 */
static void decode_all(int line, const uint8_t *in, size_t n, const char *want, int want_st)
{
	static const size_t steps[] = { 1, 2, 3, 7, 0, 0, 0 };
	size_t c, i;
	int st, st2;
	src s = mem_src(in, n);

	for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
		rec_init(&ra, caps[c], 0, 0);
		st = feed_direct(&ra, in, n, caps[c]);
		if (st == MOOR_ERR_RESP_LINE_TOO_LONG && caps[c] < 4096 && want_st != st) {
			/* the buffer is too small for this input: all must say so */
		} else {
			check_st(line, "status, whole input", st, want_st);
			if (want != NULL)
				check_log(line, "events, whole input", &ra, want);
		}
		for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			rec_init(&rb, caps[c], 0, 0);
			st2 = feed_buffered(&rb, &s, caps[c], steps[i], (uint32_t)(i * 7919 + c));
			check_st(line, "status, split input", st2, st);
			check_log(line, "events, split input", &rb, ra.log);
			/* the bytes of a string cut short by the end or an error */
			check_st(line, "bytes of an unfinished string", (int)rb.str_got, (int)ra.str_got);
		}
	}
}

#define KAT(in, want) decode_all(__LINE__, (const uint8_t *)(in), sizeof(in) - 1, want, 0)
#define ERR(in, st) decode_all(__LINE__, (const uint8_t *)(in), sizeof(in) - 1, NULL, st)
/* Decode with one buffer size and compare with `want` (chunk marks on). */
static void decode_cap(int line, const src *s, size_t cap, int big, const char *want, int want_st)
{
	static const size_t steps[] = { 1, 5, 0, 0 };
	size_t i;
	int st;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		rec_init(&ra, cap, 1, big);
		st = feed_buffered(&ra, s, cap, steps[i], (uint32_t)(i + 11));
		check_st(line, "status", st, want_st);
		check_log(line, "events", &ra, want);
	}
}

/* ------------------------------------------------------------------ */
/* Captured from a real server.
 *
 * redis-server 7.0.15 (Debian bookworm), started as
 *   redis-server --port 16391 --bind 127.0.0.1 --save '' --appendonly no
 *                --enable-debug-command yes
 * and talked to over a raw TCP socket by /usr/bin/python3: each command
 * sent as a RESP array of bulk strings, the reply read until the socket
 * stayed quiet for 0.3 s, and its repr() copied here byte for byte.
 * First `DEBUG PROTOCOL <type>` on a fresh (RESP2) connection, then
 * `HELLO 3` and the same commands again (RESP3).
 */
#define S(x) { (const uint8_t *)(x), sizeof(x) - 1 }
typedef struct {
	const char *type;
	struct { const uint8_t *p; size_t n; } bytes;
	const char *want;
	const char *done;
} capture;

static const capture resp2_captures[] = {
	{ "string", S("$11\r\nHello World\r\n"), "$\"Hello World\" /", "$" },
	{ "integer", S(":12345\r\n"), ":\"12345\" /", ":" },
	{ "double", S("$5\r\n3.141\r\n"), "$\"3.141\" /", "$" },
	{ "bignum", S("$37\r\n1234567999999999999999999999999999999\r\n"),
		"$\"1234567999999999999999999999999999999\" /", "$" },
	{ "null", S("$-1\r\n"), "_$ /", "_" },
	{ "array", S("*3\r\n:0\r\n:1\r\n:2\r\n"), "*3 :\"0\" :\"1\" :\"2\" . /", "*" },
	{ "set", S("*3\r\n:0\r\n:1\r\n:2\r\n"), "*3 :\"0\" :\"1\" :\"2\" . /", "*" },
	{ "map", S("*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n"),
		"*6 :\"0\" :\"0\" :\"1\" :\"1\" :\"2\" :\"0\" . /", "*" },
	{ "attrib", S("$39\r\nSome real reply following the attribute\r\n"),
		"$\"Some real reply following the attribute\" /", "$" },
	{ "push", S("-ERR RESP2 is not supported by this command\r\n"),
		"-\"ERR RESP2 is not supported by this command\" /", "-" },
	{ "verbatim", S("$25\r\nThis is a verbatim\nstring\r\n"),
		"$\"This is a verbatim\\nstring\" /", "$" },
	{ "true", S(":1\r\n"), ":\"1\" /", ":" },
	{ "false", S(":0\r\n"), ":\"0\" /", ":" },
};

static const capture resp3_captures[] = {
	{ "HELLO 3", S("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
		"$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
		"$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
		"%7 $\"server\" $\"redis\" $\"version\" $\"7.0.15\" $\"proto\" :\"3\" $\"id\" :\"3\" "
		"$\"mode\" $\"standalone\" $\"role\" $\"master\" $\"modules\" *0 . . /", "%" },
	{ "string", S("$11\r\nHello World\r\n"), "$\"Hello World\" /", "$" },
	{ "integer", S(":12345\r\n"), ":\"12345\" /", ":" },
	{ "double", S(",3.141\r\n"), ",\"3.141\" /", "," },
	{ "bignum", S("(1234567999999999999999999999999999999\r\n"),
		"(\"1234567999999999999999999999999999999\" /", "(" },
	{ "null", S("_\r\n"), "_ /", "_" },
	{ "array", S("*3\r\n:0\r\n:1\r\n:2\r\n"), "*3 :\"0\" :\"1\" :\"2\" . /", "*" },
	{ "set", S("~3\r\n:0\r\n:1\r\n:2\r\n"), "~3 :\"0\" :\"1\" :\"2\" . /", "~" },
	{ "map", S("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"),
		"%3 :\"0\" #\"f\" :\"1\" #\"t\" :\"2\" #\"f\" . /", "%" },
	{ "attrib", S("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
		"$39\r\nSome real reply following the attribute\r\n"),
		"|1 $\"key-popularity\" *2 $\"key:123\" :\"90\" . . "
		"$\"Some real reply following the attribute\" /", "$" },
	{ "push", S(">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n"
		"$40\r\nSome real reply following the push reply\r\n"),
		">2 $\"server-cpu-usage\" :\"42\" . / $\"Some real reply following the push reply\" /", ">$" },
	{ "verbatim", S("=29\r\ntxt:This is a verbatim\nstring\r\n"),
		"=txt\"This is a verbatim\\nstring\" /", "=" },
	{ "true", S("#t\r\n"), "#\"t\" /", "#" },
	{ "false", S("#f\r\n"), "#\"f\" /", "#" },
	/* One pipelined batch on a RESP3 connection, after FLUSHALL:
	 * SET k v; GET k; INCR n; ZADD z 1.5 a; ZSCORE z a; ZADD z -inf b;
	 * ZSCORE z b; HSET h f 1; HGETALL h; GET missing; NOSUCHCMD;
	 * SUBSCRIBE ch. All replies arrived as one stream. */
	{ "pipeline", S("+OK\r\n$1\r\nv\r\n:1\r\n:1\r\n,1.5\r\n:1\r\n,-inf\r\n:1\r\n%1\r\n"
		"$1\r\nf\r\n$1\r\n1\r\n_\r\n-ERR unknown command 'NOSUCHCMD', with args "
		"beginning with: \r\n>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"),
		"+\"OK\" / $\"v\" / :\"1\" / :\"1\" / ,\"1.5\" / :\"1\" / ,\"-inf\" / :\"1\" / "
		"%1 $\"f\" $\"1\" . / _ / -\"ERR unknown command 'NOSUCHCMD', with args "
		"beginning with: \" / >3 $\"subscribe\" $\"ch\" :\"1\" . /", "+$::,:,:%_->" },
};

static void check_captures(const capture *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int before = moor_test_failures;

		decode_all(__LINE__, c[i].bytes.p, c[i].bytes.n, c[i].want, 0);
		if (moor_test_failures != before)
			fprintf(stderr, "  (in the capture of %s)\n", c[i].type);
		rec_init(&ra, 4096, 0, 0);
		feed_direct(&ra, c[i].bytes.p, c[i].bytes.n, 4096);
		moor_test_checks++;
		if (strcmp(ra.done, c[i].done) != 0)
			moor_test_fail_str(__FILE__, __LINE__, c[i].type, ra.done, c[i].done);
	}
}

/* ------------------------------------------------------------------ */

static void test_spec_examples(void)
{
	/* RESP3 specification, "Simple types" */
	KAT("$11\r\nhello world\r\n", "$\"hello world\" /");
	KAT("$0\r\n\r\n", "$\"\" /");
	KAT("+hello world\r\n", "+\"hello world\" /");
	KAT("-ERR this is the error description\r\n", "-\"ERR this is the error description\" /");
	KAT(":1234\r\n", ":\"1234\" /");
	KAT("_\r\n", "_ /");
	KAT(",1.23\r\n", ",\"1.23\" /");
	KAT(",10\r\n", ",\"10\" /");
	KAT(",inf\r\n", ",\"inf\" /");
	KAT(",-inf\r\n", ",\"-inf\" /");
	KAT(",nan\r\n", ",\"nan\" /");
	KAT("#t\r\n", "#\"t\" /");
	KAT("#f\r\n", "#\"f\" /");
	KAT("!21\r\nSYNTAX invalid syntax\r\n", "!\"SYNTAX invalid syntax\" /");
	KAT("=15\r\ntxt:Some string\r\n", "=txt\"Some string\" /");
	KAT("(3492890328409238509324850943850943825024385\r\n",
		"(\"3492890328409238509324850943850943825024385\" /");
	/* "Aggregate data types" */
	KAT("*3\r\n:1\r\n:2\r\n:3\r\n", "*3 :\"1\" :\"2\" :\"3\" . /");
	KAT("*2\r\n*3\r\n:1\r\n$5\r\nhello\r\n:2\r\n#f\r\n",
		"*2 *3 :\"1\" $\"hello\" :\"2\" . #\"f\" . /");
	KAT("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
		"%2 +\"first\" :\"1\" +\"second\" :\"2\" . /");
	KAT("~5\r\n+orange\r\n+apple\r\n#t\r\n:100\r\n:999\r\n",
		"~5 +\"orange\" +\"apple\" #\"t\" :\"100\" :\"999\" . /");
	/* "Attribute type": an attribute before the reply, and inside one */
	KAT("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
		"*2\r\n:2039123\r\n:9543892\r\n",
		"|1 +\"key-popularity\" %2 $\"a\" ,\"0.1923\" $\"b\" ,\"0.0012\" . . "
		"*2 :\"2039123\" :\"9543892\" . /");
	KAT("*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n",
		"*3 :\"1\" :\"2\" |1 +\"ttl\" :\"3600\" . :\"3\" . /");
	/* "Push type": before and after a reply */
	KAT(">4\r\n+pubsub\r\n+message\r\n+somechannel\r\n+this is the message\r\n$9\r\nGet-Reply\r\n",
		">4 +\"pubsub\" +\"message\" +\"somechannel\" +\"this is the message\" . / "
		"$\"Get-Reply\" /");
	KAT("$9\r\nGet-Reply\r\n>4\r\n+pubsub\r\n+message\r\n+somechannel\r\n+this is the message\r\n",
		"$\"Get-Reply\" / >4 +\"pubsub\" +\"message\" +\"somechannel\" "
		"+\"this is the message\" . /");
	/* "Streamed strings" and "Streamed aggregated data types" */
	/* (the specification says this is "Hello world"; its parts of 4, 5
	 * and 1 bytes spell "Hello word") */
	KAT("$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n", "$\"Hello word\" /");
	KAT("$?\r\n;4\r\nHell\r\n;6\r\no worl\r\n;1\r\nd\r\n;0\r\n", "$\"Hello world\" /");
	KAT("*?\r\n:1\r\n:2\r\n:3\r\n.\r\n", "*? :\"1\" :\"2\" :\"3\" . /");
	KAT("%?\r\n+a\r\n:1\r\n+b\r\n:2\r\n.\r\n", "%? +\"a\" :\"1\" +\"b\" :\"2\" . /");
	KAT("~?\r\n+a\r\n.\r\n", "~? +\"a\" . /");
	/* RESP2 nulls, empty things, edges of the number syntax */
	KAT("$-1\r\n*-1\r\n", "_$ / _* /");
	KAT("*0\r\n%0\r\n~0\r\n>0\r\n", "*0 . / %0 . / ~0 . / >0 . /");
	KAT("*?\r\n.\r\n%?\r\n.\r\n", "*? . / %? . /");
	KAT("$?\r\n;0\r\n", "$\"\" /");
	KAT("*1\r\n$?\r\n;1\r\nx\r\n;0\r\n", "*1 $\"x\" . /");
	KAT("*2\r\n*0\r\n*?\r\n*?\r\n.\r\n.\r\n", "*2 *0 . *? *? . . . /");
	KAT(":0\r\n:-0\r\n:9223372036854775807\r\n:-9223372036854775808\r\n:007\r\n",
		":\"0\" / :\"-0\" / :\"9223372036854775807\" / :\"-9223372036854775808\" / :\"007\" /");
	KAT(",-1.5e+300\r\n,1E-5\r\n,+2\r\n,0.0\r\n,-nan\r\n,+inf\r\n,1e7\r\n",
		",\"-1.5e+300\" / ,\"1E-5\" / ,\"+2\" / ,\"0.0\" / ,\"-nan\" / ,\"+inf\" / ,\"1e7\" /");
	KAT("(-1\r\n(0\r\n", "(\"-1\" / (\"0\" /");
	KAT("+\r\n-\r\n", "+\"\" / -\"\" /");
	KAT("$4\r\n\r\n\r\n\r\n$3\r\n\0\x01\xff\r\n", "$\"\\r\\n\\r\\n\" / $\"\\x00\\x01\\xff\" /");
	KAT("=4\r\nmkd:\r\n", "=mkd\"\" /");
	KAT("", "");
	/* attributes anywhere: on a map key, on an attribute, in a set */
	KAT("%1\r\n|1\r\n+a\r\n+b\r\n+k\r\n+v\r\n", "%1 |1 +\"a\" +\"b\" . +\"k\" +\"v\" . /");
	KAT("|1\r\n+a\r\n|0\r\n:1\r\n:2\r\n", "|1 +\"a\" |0 . :\"1\" . :\"2\" /");
	KAT("~?\r\n|1\r\n+a\r\n+b\r\n:1\r\n.\r\n", "~? |1 +\"a\" +\"b\" . :\"1\" . /");
}

static void test_errors(void)
{
	/* type bytes */
	ERR("x\r\n", MOOR_ERR_RESP_BAD_TYPE);
	ERR("PING\r\n", MOOR_ERR_RESP_BAD_TYPE);
	ERR("\r\n", MOOR_ERR_RESP_BAD_TYPE);
	ERR("+OK\r\n\0", MOOR_ERR_RESP_BAD_TYPE);
	ERR(";4\r\n", MOOR_ERR_RESP_PROTOCOL);
	/* CR LF */
	ERR("+OK\n", MOOR_ERR_RESP_CRLF);
	ERR("+OK\rX", MOOR_ERR_RESP_CRLF);
	ERR(":1\r\r\n", MOOR_ERR_RESP_CRLF);
	ERR("+O\nK\r\n", MOOR_ERR_RESP_CRLF);
	ERR("$3\r\nabcX\r\n", MOOR_ERR_RESP_CRLF);
	ERR("$3\r\nabc\rX", MOOR_ERR_RESP_CRLF);
	ERR("$3\r\nabcd\r\n", MOOR_ERR_RESP_CRLF);
	ERR("$0\r\nX", MOOR_ERR_RESP_CRLF);
	/* 40 bytes: chunked in the small buffers, 39 delivered before the error */
	ERR("$40\r\n0123456789012345678901234567890123456789X\r\n", MOOR_ERR_RESP_CRLF);
	ERR("$40\r\n0123456789012345678901234567890123456789\rX", MOOR_ERR_RESP_CRLF);
	ERR("=40\r\ntxt:456789012345678901234567890123456789\n", MOOR_ERR_RESP_CRLF);
	ERR("$3\n", MOOR_ERR_RESP_CRLF);
	/* lengths and counts */
	ERR("$\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$+3\r\nabc\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$1x\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$ 3\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$-2\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$-0\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$-\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$-10\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("!-1\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("=-1\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("*\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("*-2\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("%-1\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("~-1\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR(">-1\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("|-1\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("*1.5\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$?\r\n;x\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$?\r\n;-1\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	ERR("$?\r\n;\r\n", MOOR_ERR_RESP_BAD_LENGTH);
	/* limits: 512 MiB strings, 2^31-1 elements */
	ERR("$536870912\r\n", 1);           /* accepted: waits for the bytes */
	ERR("$536870913\r\n", MOOR_ERR_RESP_TOO_LARGE);
	ERR("!4294967296\r\n", MOOR_ERR_RESP_TOO_LARGE);
	ERR("$99999999999999999999999999\r\n", MOOR_ERR_RESP_TOO_LARGE);
	ERR("$?\r\n;536870913\r\n", MOOR_ERR_RESP_TOO_LARGE);
	ERR("*2147483647\r\n", 1);
	ERR("*2147483648\r\n", MOOR_ERR_RESP_TOO_LARGE);
	ERR("%2147483648\r\n", MOOR_ERR_RESP_TOO_LARGE);
	/* integers */
	ERR(":\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR(":-\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR(":+1\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR(":1.0\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR(": 1\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR(":12a\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR(":--1\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR(":9223372036854775808\r\n", MOOR_ERR_RESP_OVERFLOW);
	ERR(":-9223372036854775809\r\n", MOOR_ERR_RESP_OVERFLOW);
	ERR(":99999999999999999999\r\n", MOOR_ERR_RESP_OVERFLOW);
	ERR(":18446744073709551616\r\n", MOOR_ERR_RESP_OVERFLOW);
	ERR("(\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR("(-\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR("(12.5\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	ERR("(+1\r\n", MOOR_ERR_RESP_BAD_INTEGER);
	/* doubles */
	ERR(",\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",.5\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",1.\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",1e\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",1e+\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",1e5.0\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",--1\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",-\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",INF\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",infinity\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",nan(1)\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",1.2.3\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(",0x10\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	ERR(", 1\r\n", MOOR_ERR_RESP_BAD_DOUBLE);
	/* out of place */
	ERR("#x\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("#\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("#tt\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("_x\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR(".\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("*1\r\n.\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("*?\r\n.x\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("%?\r\n+a\r\n.\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("*?\r\n|1\r\n+a\r\n+b\r\n.\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("|?\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR(">?\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("!?\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("=?\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("=3\r\ntxt\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("=0\r\n\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("=5\r\ntxtXY\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("*1\r\n>1\r\n:1\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("$?\r\n+x\r\n", MOOR_ERR_RESP_PROTOCOL);
	ERR("$?\r\n;2\r\nabX", MOOR_ERR_RESP_CRLF);
	ERR("$?\r\n;2\r\nab\rX", MOOR_ERR_RESP_CRLF);
	ERR("$?\r\n;2\r\nab\n", MOOR_ERR_RESP_CRLF);
	/* incomplete input is not an error */
	ERR("+OK", 1);
	ERR("+OK\r", 1);
	ERR("$5\r\nhel", 1);
	ERR("*2\r\n:1\r\n", 1);
	ERR("|1\r\n+a\r\n+b\r\n", 1);
	ERR("$?\r\n;3\r\nab", 1);
}

/* Lines longer than the buffer, at the boundary. */
static void test_line_limit(void)
{
	static uint8_t line[64];
	src s;
	int st;

	memset(line, 'a', sizeof line);
	line[0] = '+';
	/* 32 bytes with CR LF: fits a 32-byte buffer */
	line[30] = '\r';
	line[31] = '\n';
	s = mem_src(line, 32);
	rec_init(&ra, 32, 0, 0);
	MOOR_CHECK_INT(feed_buffered(&ra, &s, 32, 1, 0), 0);
	MOOR_CHECK_INT(ra.n, 2 + 29 + 1 + 2);                  /* +"a...a" / */
	/* 33 bytes: one too many, whether the CR or the LF is what is cut */
	line[30] = 'a';
	line[31] = '\r';
	line[32] = '\n';
	s = mem_src(line, 33);
	rec_init(&ra, 32, 0, 0);
	MOOR_CHECK_INT(feed_buffered(&ra, &s, 32, 1, 0), MOOR_ERR_RESP_LINE_TOO_LONG);
	MOOR_CHECK_INT(feed_direct(&ra, line, 33, 32), MOOR_ERR_RESP_LINE_TOO_LONG);
	MOOR_CHECK_INT(feed_direct(&ra, line, 33, 33), 0);
	memset(line, 'a', sizeof line);
	line[0] = '-';
	s = mem_src(line, sizeof line);
	rec_init(&ra, 48, 0, 0);
	MOOR_CHECK_INT(feed_buffered(&ra, &s, 48, 0, 3), MOOR_ERR_RESP_LINE_TOO_LONG);
	/* a streamed-string part line too: ";" 31 digits CR LF is 34 bytes */
	{
		static const char part[] = "$?\r\n;0000000000000000000000000000001\r\nx\r\n;0\r\n";

		st = feed_direct(&ra, (const uint8_t *)part, sizeof part - 1, 32);
		MOOR_CHECK_INT(st, MOOR_ERR_RESP_LINE_TOO_LONG);
		st = feed_direct(&ra, (const uint8_t *)part, sizeof part - 1, 34);
		MOOR_CHECK_INT(st, 0);
	}
}

/* Nesting: MOOR_CONFIG_RESP_MAX_DEPTH open aggregates, and one more. */
static void nest(char *in, size_t *n, char *want, int levels, int attr_at)
{
	int i;

	*n = 0;
	want[0] = '\0';
	for (i = 0; i < levels; i++) {
		memcpy(in + *n, i == attr_at ? "|1\r\n+k\r\n" : "*1\r\n", i == attr_at ? 8 : 4);
		*n += i == attr_at ? 8 : 4;
		strcat(want, i == attr_at ? "|1 +\"k\" " : "*1 ");
	}
	memcpy(in + *n, ":1\r\n", 4);
	*n += 4;
	strcat(want, ":\"1\"");
	for (i = 0; i < levels; i++)
		strcat(want, " .");
	strcat(want, " /");     /* right without attributes only */
}

static void test_depth(void)
{
	static char in[1024], want[1024];
	size_t n;

	nest(in, &n, want, MOOR_CONFIG_RESP_MAX_DEPTH, -1);
	decode_all(__LINE__, (const uint8_t *)in, n, want, 0);
	nest(in, &n, want, MOOR_CONFIG_RESP_MAX_DEPTH + 1, -1);
	decode_all(__LINE__, (const uint8_t *)in, n, NULL, MOOR_ERR_RESP_DEPTH);
	/* the events before the error are the 16 BEGINs */
	rec_init(&ra, 4096, 0, 0);
	MOOR_CHECK_INT(feed_direct(&ra, (const uint8_t *)in, n, 4096), MOOR_ERR_RESP_DEPTH);
	MOOR_CHECK_INT(ra.n, 2 * MOOR_CONFIG_RESP_MAX_DEPTH + (MOOR_CONFIG_RESP_MAX_DEPTH - 1));
	/* an attribute takes a level too (the rest nests in its value) */
	nest(in, &n, want, MOOR_CONFIG_RESP_MAX_DEPTH + 1, 3);
	decode_all(__LINE__, (const uint8_t *)in, n, NULL, MOOR_ERR_RESP_DEPTH);
	/* streamed aggregates as deep as allowed */
	{
		static char s[512];
		size_t k = 0;
		int i;

		for (i = 0; i < MOOR_CONFIG_RESP_MAX_DEPTH; i++) {
			memcpy(s + k, "*?\r\n", 4);
			k += 4;
		}
		for (i = 0; i < MOOR_CONFIG_RESP_MAX_DEPTH; i++) {
			memcpy(s + k, ".\r\n", 3);
			k += 3;
		}
		rec_init(&ra, 4096, 0, 0);
		MOOR_CHECK_INT(feed_direct(&ra, (const uint8_t *)s, k, 4096), 0);
		MOOR_CHECK_INT(ra.n_done, 1);
	}
}

/* Append a string / n copies of a byte at dst[at]; return the new end. */
static size_t put(uint8_t *dst, size_t at, const char *s)
{
	size_t n = strlen(s);

	memcpy(dst + at, s, n);
	return at + n;
}

static size_t put_rep(uint8_t *dst, size_t at, uint8_t c, size_t n)
{
	memset(dst + at, c, n);
	return at + n;
}

/* Strings larger than the buffer come as chunks, and only those. */
static void test_chunks(void)
{
	static uint8_t in[4096], wantb[4096];
	static char want[8192];
	size_t w;
	static const uint8_t head_1m[] = "$1048576\r\n";
	static const uint8_t tail[] = "\r\n:7\r\n";
	size_t i, n;
	uint32_t h;
	src s;
	rec *r = &ra;

	/* 1 MiB through a 1 KiB buffer */
	memset(&s, 0, sizeof s);
	s.head = head_1m;
	s.nhead = sizeof head_1m - 1;
	s.npat = 1048576;
	s.tail = tail;
	s.ntail = sizeof tail - 1;
	h = 2166136261u;
	for (i = 0; i < s.npat; i++) {
		uint8_t b = pat(i);

		h = fnv(h, &b, 1);
	}
	n = (size_t)snprintf(want, sizeof want, "c$<1048576:%lu> / :\"7\" /", (unsigned long)h);
	MOOR_CHECK(n < sizeof want);
	decode_cap(__LINE__, &s, 1024, 1, want, 0);
	MOOR_CHECK(r->max_chunk <= 1024);
	MOOR_CHECK(r->chunks >= 1024);
	rec_init(r, 1024, 1, 1);
	MOOR_CHECK_INT(feed_buffered(r, &s, 1024, 1, 0), 0);    /* one byte at a time */
	MOOR_CHECK_STR(r->log, want);
	MOOR_CHECK(r->bad == NULL);
	MOOR_CHECK_INT(r->chunks, 1048576);

	/* the boundary: N + 2 <= bufcap is whole, one more byte is chunked */
	n = put(in, 0, "$62\r\n");
	n = put_rep(in, n, 'x', 62);
	n = put(in, n, "\r\n");
	s = mem_src(in, n);
	w = put(wantb, 0, "$\"");
	w = put_rep(wantb, w, 'x', 62);
	w = put(wantb, w, "\" /");
	wantb[w] = '\0';
	decode_cap(__LINE__, &s, 64, 0, (const char *)wantb, 0);
	MOOR_CHECK_INT(ra.chunks, 0);
	n = put(in, 0, "$63\r\n");
	n = put_rep(in, n, 'x', 63);
	n = put(in, n, "\r\n");
	s = mem_src(in, n);
	w = put(wantb, 0, "c$\"");
	w = put_rep(wantb, w, 'x', 63);
	w = put(wantb, w, "\" /");
	wantb[w] = '\0';
	decode_cap(__LINE__, &s, 64, 0, (const char *)wantb, 0);
	MOOR_CHECK(ra.chunks >= 2);

	/* verbatim and blob error in chunks; the format comes with each */
	n = put(in, 0, "=104\r\nmkd:");
	w = put(wantb, 0, "c=mkd\"");
	for (i = 0; i < 100; i++)
		wantb[w++] = in[n++] = (uint8_t)('A' + i % 26);
	n = put(in, n, "\r\n!70\r\n");
	n = put_rep(in, n, 'e', 70);
	n = put(in, n, "\r\n");
	w = put(wantb, w, "\" / c!\"");
	w = put_rep(wantb, w, 'e', 70);
	w = put(wantb, w, "\" /");
	wantb[w] = '\0';
	s = mem_src(in, n);
	decode_cap(__LINE__, &s, 40, 0, (const char *)wantb, 0);
	/* a verbatim string whose format has no ':' fails in chunked mode too */
	in[9] = 'X';
	decode_cap(__LINE__, &s, 40, 0, "", MOOR_ERR_RESP_PROTOCOL);

	/* a streamed string whose parts are larger than the buffer */
	n = put(in, 0, "*2\r\n$?\r\n;50\r\n");
	n = put_rep(in, n, 's', 50);
	n = put(in, n, "\r\n;1\r\n!\r\n;0\r\n:5\r\n");
	s = mem_src(in, n);
	w = put(wantb, 0, "*2 s$\"");
	w = put_rep(wantb, w, 's', 50);
	w = put(wantb, w, "!\" :\"5\" . /");
	wantb[w] = '\0';
	decode_cap(__LINE__, &s, 32, 0, (const char *)wantb, 0);

	/* inside a map, the same decoding with any buffer size */
	n = put(in, 0, "%2\r\n$3\r\nkey\r\n$300\r\n");
	for (i = 0; i < 300; i++)
		in[n++] = pat(i);
	n = put(in, n, "\r\n+k2\r\n*1\r\n$40\r\n0123456789012345678901234567890123456789\r\n");
	rec_init(&rb, 4096, 0, 0);
	MOOR_CHECK_INT(feed_direct(&rb, in, n, 4096), 0);
	MOOR_CHECK(rb.bad == NULL);
	decode_all(__LINE__, in, n, rb.log, 0);

	/* the decoder consumed the header before the payload arrived */
	{
		moor_resp_decoder d;
		moor_resp_event ev;
		size_t used;

		MOOR_CHECK_INT(moor_resp_decoder_init(&d, 64), MOOR_OK);
		MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"$5\r\nhel", 7, &used, &ev), 0);
		MOOR_CHECK_INT(used, 4);
		MOOR_CHECK_INT(moor_resp_decoder_idle(&d), 0);
		MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"hello\r", 6, &used, &ev), 0);
		MOOR_CHECK_INT(used, 0);
		MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"hello\r\n+", 8, &used, &ev), 1);
		MOOR_CHECK_INT(used, 7);
		MOOR_CHECK_INT(ev.kind, MOOR_RESP_EV_VALUE);
		MOOR_CHECK_INT(ev.type, MOOR_RESP_BULK);
		MOOR_CHECK_INT(ev.len, 5);
		MOOR_CHECK(ev.ptr != NULL && memcmp(ev.ptr, "hello", 5) == 0);
		MOOR_CHECK_INT(ev.flags, MOOR_RESP_F_DONE);
		MOOR_CHECK_INT(moor_resp_reply_done(&d), MOOR_RESP_BULK);
		MOOR_CHECK_INT(moor_resp_decoder_idle(&d), 1);
		/* a chunk holds back the last byte until its CR LF is there */
		MOOR_CHECK_INT(moor_resp_decoder_init(&d, 32), MOOR_OK);
		MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"$40\r\n", 5, &used, &ev), 0);
		MOOR_CHECK_INT(used, 5);
		memset(in, 'z', 40);
		MOOR_CHECK_INT(moor_resp_next(&d, in, 30, &used, &ev), 1);
		MOOR_CHECK_INT(ev.kind, MOOR_RESP_EV_CHUNK);
		MOOR_CHECK_INT(ev.flags, MOOR_RESP_F_FIRST);
		MOOR_CHECK_INT(ev.num, 40);
		MOOR_CHECK_INT(used, 30);
		MOOR_CHECK_INT(moor_resp_next(&d, in, 10, &used, &ev), 1);
		MOOR_CHECK_INT(ev.len, 9);
		MOOR_CHECK_INT(ev.flags, 0);
		MOOR_CHECK_INT(moor_resp_next(&d, in + 9, 1, &used, &ev), 0);
		MOOR_CHECK_INT(used, 0);
		MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"z\r\n", 3, &used, &ev), 1);
		MOOR_CHECK_INT(ev.len, 1);
		MOOR_CHECK_INT(ev.flags, MOOR_RESP_F_LAST | MOOR_RESP_F_DONE);
		MOOR_CHECK_INT(used, 3);
		/* an END needs no input */
		MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"*0\r\n", 4, &used, &ev), 1);
		MOOR_CHECK_INT(ev.kind, MOOR_RESP_EV_BEGIN);
		MOOR_CHECK_INT(ev.num, 0);
		MOOR_CHECK_INT(moor_resp_next(&d, NULL, 0, &used, &ev), 1);
		MOOR_CHECK_INT(ev.kind, MOOR_RESP_EV_END);
		MOOR_CHECK_INT(ev.type, MOOR_RESP_ARRAY);
		MOOR_CHECK_INT(used, 0);
		MOOR_CHECK_INT(moor_resp_reply_done(&d), MOOR_RESP_ARRAY);
		MOOR_CHECK_INT(moor_resp_next(&d, NULL, 0, &used, &ev), 0);
		MOOR_CHECK_INT(moor_resp_reply_done(&d), 0);
	}
}

static void test_api(void)
{
	moor_resp_decoder d;
	moor_resp_event ev;
	size_t used;
	static const int codes[] = {
		MOOR_ERR_RESP_PROTOCOL, MOOR_ERR_RESP_DEPTH, MOOR_ERR_RESP_TOO_LARGE,
		MOOR_ERR_RESP_LINE_TOO_LONG, MOOR_ERR_RESP_BAD_TYPE, MOOR_ERR_RESP_CRLF,
		MOOR_ERR_RESP_BAD_LENGTH, MOOR_ERR_RESP_BAD_INTEGER, MOOR_ERR_RESP_OVERFLOW,
		MOOR_ERR_RESP_BAD_DOUBLE
	};
	static const char *const names[] = {
		"MOOR_ERR_RESP_PROTOCOL", "MOOR_ERR_RESP_DEPTH", "MOOR_ERR_RESP_TOO_LARGE",
		"MOOR_ERR_RESP_LINE_TOO_LONG", "MOOR_ERR_RESP_BAD_TYPE", "MOOR_ERR_RESP_CRLF",
		"MOOR_ERR_RESP_BAD_LENGTH", "MOOR_ERR_RESP_BAD_INTEGER", "MOOR_ERR_RESP_OVERFLOW",
		"MOOR_ERR_RESP_BAD_DOUBLE"
	};
	size_t i;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		MOOR_CHECK(codes[i] <= -2000 && codes[i] >= -2099);
		MOOR_CHECK_STR(moor_status_name(codes[i]), names[i]);
		MOOR_CHECK(strcmp(moor_status_str(codes[i]), "unknown status") != 0);
	}
	MOOR_CHECK_INT(moor_resp_decoder_init(NULL, 64), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_decoder_init(&d, MOOR_RESP_MIN_BUFFER - 1), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_decoder_init(&d, MOOR_RESP_MIN_BUFFER), MOOR_OK);
	MOOR_CHECK_INT(moor_resp_next(NULL, (const uint8_t *)"+", 1, &used, &ev), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"+", 1, NULL, &ev), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"+", 1, &used, NULL), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_next(&d, NULL, 1, &used, &ev), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_next(&d, NULL, 0, &used, &ev), 0);
	MOOR_CHECK_INT(moor_resp_decoder_idle(&d), 1);
	MOOR_CHECK_INT(moor_resp_reply_done(NULL), 0);
	MOOR_CHECK_INT(moor_resp_decoder_idle(NULL), 0);
	/* errors are sticky until init */
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"?\r\n", 3, &used, &ev), MOOR_ERR_RESP_BAD_TYPE);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"+OK\r\n", 5, &used, &ev), MOOR_ERR_RESP_BAD_TYPE);
	MOOR_CHECK_INT(used, 0);
	MOOR_CHECK_INT(moor_resp_decoder_idle(&d), 0);
	MOOR_CHECK_INT(moor_resp_decoder_init(&d, 64), MOOR_OK);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"+OK\r\n", 5, &used, &ev), 1);
	MOOR_CHECK_INT(used, 5);
	MOOR_CHECK_INT(ev.type, MOOR_RESP_SIMPLE);
	MOOR_CHECK_INT(ev.depth, 0);
	/* the decoder holds no pointer: a copy decodes on its own */
	{
		moor_resp_decoder copy;
		static const uint8_t two[] = "*2\r\n:1\r\n:2\r\n";

		MOOR_CHECK_INT(moor_resp_next(&d, two, 12, &used, &ev), 1);
		MOOR_CHECK_INT(used, 4);
		memcpy(&copy, &d, sizeof d);
		MOOR_CHECK_INT(moor_resp_next(&copy, two + 4, 8, &used, &ev), 1);
		MOOR_CHECK_INT(ev.num, 1);
		MOOR_CHECK_INT(ev.depth, 1);
		MOOR_CHECK_INT(moor_resp_next(&d, two + 4, 8, &used, &ev), 1);
		MOOR_CHECK_INT(ev.num, 1);
	}
	/* the integer extremes */
	MOOR_CHECK_INT(moor_resp_decoder_init(&d, 64), MOOR_OK);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)":-9223372036854775808\r\n", 23, &used, &ev), 1);
	MOOR_CHECK(ev.num == INT64_MIN);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)":9223372036854775807\r\n", 22, &used, &ev), 1);
	MOOR_CHECK(ev.num == INT64_MAX);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"#t\r\n", 4, &used, &ev), 1);
	MOOR_CHECK_INT(ev.num, 1);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"#f\r\n", 4, &used, &ev), 1);
	MOOR_CHECK_INT(ev.num, 0);
	/* a streamed aggregate's BEGIN and END */
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"%?\r\n", 4, &used, &ev), 1);
	MOOR_CHECK_INT(ev.num, -1);
	MOOR_CHECK_INT(ev.flags, MOOR_RESP_F_STREAMED);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)".\r\n", 3, &used, &ev), 1);
	MOOR_CHECK_INT(ev.kind, MOOR_RESP_EV_END);
	MOOR_CHECK_INT(ev.type, MOOR_RESP_MAP);
	MOOR_CHECK_INT(ev.flags, MOOR_RESP_F_STREAMED | MOOR_RESP_F_DONE);
	/* an attribute alone is not a reply */
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"|0\r\n", 4, &used, &ev), 1);
	MOOR_CHECK_INT(moor_resp_next(&d, NULL, 0, &used, &ev), 1);
	MOOR_CHECK_INT(ev.kind, MOOR_RESP_EV_END);
	MOOR_CHECK_INT(ev.flags, 0);
	MOOR_CHECK_INT(moor_resp_reply_done(&d), 0);
	MOOR_CHECK_INT(moor_resp_decoder_idle(&d), 0);
	MOOR_CHECK_INT(moor_resp_next(&d, (const uint8_t *)"_\r\n", 3, &used, &ev), 1);
	MOOR_CHECK_INT(moor_resp_reply_done(&d), MOOR_RESP_NULL);
	MOOR_CHECK_INT(moor_resp_decoder_idle(&d), 1);
}

/* ------------------------------------------------------------------ */
/* Encoder */

static void test_encoder(void)
{
	static uint8_t buf[512], small[512];
	static const char *const set[] = { "SET", "k", "v" };
	static const char bin0[] = { 'a', '\0', '\r', '\n', 'b' };
	const char *argv[12];
	size_t argvlen[12];
	size_t len, need, cap, i, size;
	int st;
	static const char want_bin[] = "*3\r\n$5\r\na\0\r\nb\r\n$0\r\n\r\n$3\r\nGET\r\n";
	static char big[100];

	/* SET k v, from NUL-terminated strings */
	st = moor_resp_write_command(3, set, NULL, buf, sizeof buf, &len);
	MOOR_CHECK_INT(st, MOOR_OK);
	MOOR_CHECK_INT(len, 27);
	MOOR_CHECK(memcmp(buf, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", 27) == 0);
	MOOR_CHECK_INT(moor_resp_command_size(3, set, NULL, &size), MOOR_OK);
	MOOR_CHECK_INT(size, 27);
	/* binary-safe arguments: NUL, CR LF, empty */
	argv[0] = bin0; argvlen[0] = sizeof bin0;
	argv[1] = ""; argvlen[1] = 0;
	argv[2] = "GETX"; argvlen[2] = 3;
	st = moor_resp_write_command(3, argv, argvlen, buf, sizeof buf, &len);
	MOOR_CHECK_INT(st, MOOR_OK);
	MOOR_CHECK_INT(len, sizeof want_bin - 1);
	MOOR_CHECK(memcmp(buf, want_bin, sizeof want_bin - 1) == 0);
	/* the decoder reads back what the encoder wrote */
	rec_init(&ra, 64, 0, 0);
	MOOR_CHECK_INT(feed_direct(&ra, buf, len, 64), 0);
	MOOR_CHECK_STR(ra.log, "*3 $\"a\\x00\\r\\nb\" $\"\" $\"GET\" . /");
	/* two-digit argc, three-digit length */
	memset(big, 'q', sizeof big);
	for (i = 0; i < 12; i++) {
		argv[i] = big;
		argvlen[i] = i == 11 ? 100 : i;
	}
	st = moor_resp_write_command(12, argv, argvlen, buf, sizeof buf, &len);
	MOOR_CHECK_INT(st, MOOR_OK);
	need = 5;                                    /* "*12\r\n" */
	for (i = 0; i < 12; i++)
		need += 1 + (argvlen[i] >= 100 ? 3 : argvlen[i] >= 10 ? 2 : 1) + 2 + argvlen[i] + 2;
	MOOR_CHECK_INT(len, need);
	MOOR_CHECK(len <= MOOR_RESP_COMMAND_BOUND(12, 100 + 55));
	MOOR_CHECK(memcmp(buf, "*12\r\n$0\r\n\r\n$1\r\nq\r\n", 17) == 0);
	MOOR_CHECK(memcmp(buf + len - 9, "qqqqqqq\r\n", 9) == 0);
	rec_init(&ra, 256, 0, 0);
	MOOR_CHECK_INT(feed_direct(&ra, buf, len, 256), 0);
	MOOR_CHECK_INT(ra.n_done, 1);
	MOOR_CHECK(strncmp(ra.log, "*12 $\"\" $\"q\" $\"qq\" ", strlen("*12 $\"\" $\"q\" $\"qq\" ")) == 0);
	/* size only, and every buffer too small: nothing written */
	MOOR_CHECK_INT(moor_resp_command_size(12, argv, argvlen, &size), MOOR_OK);
	MOOR_CHECK_INT(size, need);
	MOOR_CHECK_INT(moor_resp_write_command(12, argv, argvlen, NULL, 0, &len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, need);
	for (cap = 0; cap < need; cap++) {
		memset(small, 0xee, sizeof small);
		st = moor_resp_write_command(12, argv, argvlen, small, cap, &len);
		for (i = 0; i < sizeof small && small[i] == 0xee; i++)
			;
		if (st != MOOR_ERR_BUFFER_TOO_SMALL || len != need || i != sizeof small) {
			MOOR_CHECK_INT(st, MOOR_ERR_BUFFER_TOO_SMALL);
			MOOR_CHECK_INT(len, need);
			MOOR_CHECK_INT(i, sizeof small);
			break;
		}
	}
	moor_test_checks++;
	memset(small, 0xee, sizeof small);
	MOOR_CHECK_INT(moor_resp_write_command(12, argv, argvlen, small, need, &len), MOOR_OK);
	MOOR_CHECK(memcmp(small, buf, need) == 0);
	MOOR_CHECK_INT(small[need], 0xee);
	/* invalid requests */
	MOOR_CHECK_INT(moor_resp_write_command(0, argv, argvlen, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_write_command(1, NULL, argvlen, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_write_command(1, argv, argvlen, buf, sizeof buf, NULL), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_write_command(1, argv, argvlen, NULL, 10, &len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_command_size(1, argv, argvlen, NULL), MOOR_ERR_INVALID_ARG);
	argv[1] = NULL;
	MOOR_CHECK_INT(moor_resp_write_command(2, argv, argvlen, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);
	argv[1] = big;
	argvlen[1] = (size_t)MOOR_CONFIG_RESP_MAX_BULK + 1;   /* never read: refused first */
	MOOR_CHECK_INT(moor_resp_write_command(2, argv, argvlen, buf, sizeof buf, &len), MOOR_ERR_RESP_TOO_LARGE);
	MOOR_CHECK_INT(moor_resp_command_size(2, argv, argvlen, &size), MOOR_ERR_RESP_TOO_LARGE);
	argvlen[1] = (size_t)MOOR_CONFIG_RESP_MAX_BULK;
	MOOR_CHECK_INT(moor_resp_command_size(2, argv, argvlen, &size), MOOR_OK);
	MOOR_CHECK_INT(size, 4 + 4 + 0 + 2 + 12 + 536870912UL + 2);
	MOOR_CHECK_INT(moor_resp_write_command((size_t)MOOR_CONFIG_RESP_MAX_COUNT + 1, argv, argvlen,
		buf, sizeof buf, &len), MOOR_ERR_RESP_TOO_LARGE);

	/* headers for streamed arguments */
	MOOR_CHECK_INT(moor_resp_write_array_header(3, buf, sizeof buf, &len), MOOR_OK);
	MOOR_CHECK_INT(len, 4);
	MOOR_CHECK(memcmp(buf, "*3\r\n", 4) == 0);
	MOOR_CHECK_INT(moor_resp_write_bulk_header(0, buf, sizeof buf, &len), MOOR_OK);
	MOOR_CHECK(len == 4 && memcmp(buf, "$0\r\n", 4) == 0);
	MOOR_CHECK_INT(moor_resp_write_bulk_header(536870912, buf, sizeof buf, &len), MOOR_OK);
	MOOR_CHECK(len == 12 && memcmp(buf, "$536870912\r\n", 12) == 0);
	memset(small, 0xee, sizeof small);
	MOOR_CHECK_INT(moor_resp_write_bulk_header(536870912, small, 11, &len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, 12);
	MOOR_CHECK_INT(small[0], 0xee);
	MOOR_CHECK_INT(moor_resp_write_bulk_header(536870913, buf, sizeof buf, &len), MOOR_ERR_RESP_TOO_LARGE);
	MOOR_CHECK_INT(moor_resp_write_array_header(0, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_resp_write_array_header(2147483647, buf, sizeof buf, &len), MOOR_OK);
	MOOR_CHECK(len == 13 && memcmp(buf, "*2147483647\r\n", 13) == 0);
	MOOR_CHECK_INT(moor_resp_write_array_header(2147483648UL, buf, sizeof buf, &len), MOOR_ERR_RESP_TOO_LARGE);
	MOOR_CHECK_INT(moor_resp_write_array_header(1, NULL, 0, &len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, 4);
	MOOR_CHECK_INT(moor_resp_write_array_header(1, buf, sizeof buf, NULL), MOOR_ERR_INVALID_ARG);
}

int main(void)
{
	moor_test_heap_guard(1);
	test_api();
	test_spec_examples();
	test_errors();
	test_line_limit();
	test_depth();
	test_chunks();
	check_captures(resp2_captures, sizeof resp2_captures / sizeof resp2_captures[0]);
	check_captures(resp3_captures, sizeof resp3_captures / sizeof resp3_captures[0]);
	test_encoder();
	moor_test_heap_guard(0);
	return moor_test_done();
}
