/*
 * The fake Redis server of fake_redis.h.
 */
#include "fake_redis.h"

#include <stdio.h>
#include <string.h>

#include "moor/redis.h"
#include "moor/status.h"

uint32_t fake_now = 1000;

static uint32_t fp_now(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static int fp_wall(void *ctx, int64_t *t)
{
	(void)ctx;
	*t = 1767225600;
	return MOOR_OK;
}

static int fp_entropy(void *ctx, uint8_t *buf, size_t len)
{
	static uint32_t x = 12345;
	size_t i;

	(void)ctx;
	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	return MOOR_OK;
}

const moor_platform fake_platform = { NULL, fp_now, fp_wall, fp_entropy, NULL };

static uint8_t in_bufs[4][FAKE_IN_CAP];
static uint8_t out_bufs[4][FAKE_OUT_CAP];

/* ------------------------------------------------------------------ */
/* Output */

static void out_bytes(fake *f, const void *p, size_t n)
{
	if (f->out_off > 0 && f->out_len + n > FAKE_OUT_CAP) {
		memmove(f->out, f->out + f->out_off, f->out_len - f->out_off);
		f->out_len -= f->out_off;
		f->out_off = 0;
	}
	if (f->out_len + n > FAKE_OUT_CAP) {
		fprintf(stderr, "fake: output overflow\n");
		return;
	}
	memcpy(f->out + f->out_len, p, n);
	f->out_len += n;
}

static void out_str(fake *f, const char *s)
{
	out_bytes(f, s, strlen(s));
}

static void out_hdr(fake *f, char type, long n)
{
	char b[32];

	snprintf(b, sizeof b, "%c%ld\r\n", type, n);
	out_str(f, b);
}

static void out_bulk(fake *f, const void *p, size_t n)
{
	out_hdr(f, '$', (long)n);
	out_bytes(f, p, n);
	out_str(f, "\r\n");
}

static void out_bulk_s(fake *f, const char *s)
{
	out_bulk(f, s, strlen(s));
}

static void out_int(fake *f, long v)
{
	out_hdr(f, ':', v);
}

static void out_null(fake *f)
{
	out_str(f, f->proto == 3 ? "_\r\n" : "$-1\r\n");
}

void fake_inject(fake *f, const char *bytes)
{
	out_str(f, bytes);
}

size_t fake_unread(const fake *f)
{
	return f->out_len - f->out_off;
}

/* ------------------------------------------------------------------ */
/* Commands */

static int argeq(const fake *f, size_t i, const char *name)
{
	size_t n = strlen(name), k;

	if (i >= f->argc || f->argvlen[i] != n)
		return 0;
	for (k = 0; k < n; k++) {
		char c = (char)f->argv[i][k];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (c != name[k])
			return 0;
	}
	return 1;
}

static int argis(const fake *f, size_t i, const char *s)
{
	return i < f->argc && f->argvlen[i] == strlen(s) &&
		memcmp(f->argv[i], s, f->argvlen[i]) == 0;
}

static void argcpy(const fake *f, size_t i, char *dst)
{
	size_t n = f->argvlen[i] < FAKE_NAME - 1 ? f->argvlen[i] : FAKE_NAME - 1;

	memcpy(dst, f->argv[i], n);
	dst[n] = '\0';
}

static long argnum(const fake *f, size_t i)
{
	long v = 0;
	size_t k;

	for (k = 0; k < f->argvlen[i]; k++)
		v = v * 10 + (f->argv[i][k] - '0');
	return v;
}

static int nsubs(char (*set)[FAKE_NAME])
{
	int i, n = 0;

	for (i = 0; i < FAKE_SUBS; i++)
		n += set[i][0] != '\0';
	return n;
}

static int total_subs(fake *f)
{
	return nsubs(f->chans) + nsubs(f->pats);
}

static void push_hdr(fake *f, long n)
{
	out_hdr(f, f->proto == 3 ? '>' : '*', n);
}

/* (un)subscribe one name in `set`; confirmation push of `kind`. */
static void sub_one(fake *f, char (*set)[FAKE_NAME], const char *kind,
	const char *name, int add, int shard)
{
	int i, slot = -1;

	for (i = 0; i < FAKE_SUBS; i++) {
		if (strcmp(set[i], name) == 0 && set[i][0] != '\0')
			slot = i;
	}
	if (add && slot < 0) {
		for (i = 0; i < FAKE_SUBS && slot < 0; i++) {
			if (set[i][0] == '\0') {
				slot = i;
				memcpy(set[i], name, strlen(name) + 1);
			}
		}
	} else if (!add && slot >= 0) {
		set[slot][0] = '\0';
	}
	push_hdr(f, 3);
	out_bulk_s(f, kind);
	out_bulk_s(f, name);
	out_int(f, shard ? nsubs(f->shards) : total_subs(f));
}

static void pubsub(fake *f, char (*set)[FAKE_NAME], const char *kind, int add, int shard)
{
	size_t i;
	char name[FAKE_NAME];

	if (add && f->argc < 2) {
		out_str(f, "-ERR wrong number of arguments for command\r\n");
		return;
	}
	if (!add && f->argc == 1) {
		int any = 0, k;

		for (k = 0; k < FAKE_SUBS; k++) {
			if (set[k][0] != '\0') {
				memcpy(name, set[k], sizeof name);
				sub_one(f, set, kind, name, 0, shard);
				any = 1;
			}
		}
		if (!any) {
			push_hdr(f, 3);
			out_bulk_s(f, kind);
			out_null(f);
			out_int(f, shard ? nsubs(f->shards) : total_subs(f));
		}
		return;
	}
	for (i = 1; i < f->argc; i++) {
		argcpy(f, i, name);
		sub_one(f, set, kind, name, add, shard);
	}
}

static void message(fake *f, const char *ch, const uint8_t *msg, size_t n)
{
	int i;

	for (i = 0; i < FAKE_SUBS; i++) {
		if (strcmp(f->chans[i], ch) == 0 && ch[0] != '\0') {
			push_hdr(f, 3);
			out_bulk_s(f, "message");
			out_bulk_s(f, ch);
			out_bulk(f, msg, n);
		}
	}
	for (i = 0; i < FAKE_SUBS; i++) {
		size_t pl = strlen(f->pats[i]);

		if (pl > 0 && f->pats[i][pl - 1] == '*' &&
		    strncmp(f->pats[i], ch, pl - 1) == 0) {
			push_hdr(f, 4);
			out_bulk_s(f, "pmessage");
			out_bulk_s(f, f->pats[i]);
			out_bulk_s(f, ch);
			out_bulk(f, msg, n);
		}
	}
}

static uint16_t slot_of(const fake *f, size_t i)
{
	return moor_redis_key_slot(f->argv[i], f->argvlen[i]);
}

static void hello(fake *f)
{
	long proto = f->proto;
	size_t i = 2;
	int authed_now = 0;

	f->hellos++;
	if (f->k.hello == 1) {
		out_str(f, "-ERR unknown command 'HELLO', with args beginning with: ");
		for (i = 1; i < f->argc; i++) {
			out_str(f, "'");
			out_bytes(f, f->argv[i], f->argvlen[i]);
			out_str(f, "' ");
		}
		out_str(f, "\r\n");
		return;
	}
	if (f->argc >= 2) {
		proto = argnum(f, 1);
		if (proto != 2 && proto != 3) {
			out_str(f, "-NOPROTO sorry, this protocol version is not supported.\r\n");
			return;
		}
		if (proto == 3 && f->k.hello == 2) {
			out_str(f, "-NOPROTO sorry, this protocol version is not supported.\r\n");
			return;
		}
	}
	while (i < f->argc) {
		if (argeq(f, i, "AUTH") && i + 2 < f->argc) {
			int ok = 0;

			f->auths++;
			if (f->k.pass != NULL && argis(f, i + 2, f->k.pass) &&
			    (argis(f, i + 1, "default") ||
			     (f->k.user != NULL && argis(f, i + 1, f->k.user))))
				ok = 1;
			if (!ok) {
				out_str(f, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
				return;
			}
			authed_now = 1;
			argcpy(f, i + 1, f->authed_user);
			i += 3;
		} else if (argeq(f, i, "SETNAME") && i + 1 < f->argc) {
			if (memchr(f->argv[i + 1], ' ', f->argvlen[i + 1]) != NULL) {
				out_str(f, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
				return;
			}
			argcpy(f, i + 1, f->name);
			i += 2;
		} else {
			out_str(f, "-ERR Syntax error in HELLO option\r\n");
			return;
		}
	}
	if (!f->authed && !authed_now && f->k.requirepass) {
		out_str(f, "-NOAUTH HELLO must be called with the client already authenticated, "
			"otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
			"authenticate the client and select the RESP protocol version at the same time\r\n");
		return;
	}
	if (authed_now)
		f->authed = 1;
	f->proto = (int)proto;
	out_hdr(f, proto == 3 ? '%' : '*', proto == 3 ? 7 : 14);
	out_bulk_s(f, "server"); out_bulk_s(f, "redis");
	out_bulk_s(f, "version"); out_bulk_s(f, "7.0.15");
	out_bulk_s(f, "proto"); out_int(f, proto);
	out_bulk_s(f, "id"); out_int(f, 3);
	out_bulk_s(f, "mode"); out_bulk_s(f, f->k.cluster ? "cluster" : "standalone");
	out_bulk_s(f, "role"); out_bulk_s(f, "master");
	out_bulk_s(f, "modules"); out_str(f, "*0\r\n");
}

static int subscribed_resp2(fake *f)
{
	return f->proto == 2 && (total_subs(f) + nsubs(f->shards)) > 0;
}

static void execute(fake *f)
{
	f->executed++;
	if (f->argc == 0)
		return;
	if (argeq(f, 0, "HELLO")) {
		hello(f);
		return;
	}
	if (argeq(f, 0, "AUTH")) {
		int ok = 0;

		f->auths++;
		if (f->argc == 2)
			ok = f->k.pass != NULL && argis(f, 1, f->k.pass);
		else if (f->argc == 3)
			ok = f->k.pass != NULL && argis(f, 2, f->k.pass) &&
				(argis(f, 1, "default") || (f->k.user != NULL && argis(f, 1, f->k.user)));
		if (f->k.pass == NULL)
			out_str(f, "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n");
		else if (!ok)
			out_str(f, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
		else {
			f->authed = 1;
			if (f->argc == 3)
				argcpy(f, 1, f->authed_user);
			out_str(f, "+OK\r\n");
		}
		return;
	}
	if (f->k.requirepass && !f->authed) {
		out_str(f, "-NOAUTH Authentication required.\r\n");
		return;
	}
	if (subscribed_resp2(f) && !argeq(f, 0, "SUBSCRIBE") && !argeq(f, 0, "PSUBSCRIBE") &&
	    !argeq(f, 0, "SSUBSCRIBE") && !argeq(f, 0, "UNSUBSCRIBE") &&
	    !argeq(f, 0, "PUNSUBSCRIBE") && !argeq(f, 0, "SUNSUBSCRIBE") &&
	    !argeq(f, 0, "PING") && !argeq(f, 0, "QUIT") && !argeq(f, 0, "RESET")) {
		out_str(f, "-ERR Can't execute '");
		out_bytes(f, f->argv[0], f->argvlen[0]);
		out_str(f, "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
		return;
	}
	if (f->k.cluster && f->argc >= 2 && (argeq(f, 0, "GET") || argeq(f, 0, "SET") ||
	    argeq(f, 0, "INCR"))) {
		int slot = slot_of(f, 1);
		char b[128];

		if (slot == f->k.ask_slot && !f->asking) {
			snprintf(b, sizeof b, "-ASK %d %s:%d\r\n", slot, f->k.moved_host, f->k.ask_port);
			out_str(f, b);
			return;
		}
		if ((slot < f->k.slot_lo || slot > f->k.slot_hi) && !f->asking) {
			snprintf(b, sizeof b, "-MOVED %d %s:%d\r\n", slot, f->k.moved_host, f->k.moved_port);
			out_str(f, b);
			return;
		}
		f->asking = 0;
	}
	if (argeq(f, 0, "CLUSTER") && argeq(f, 1, "SLOTS") && f->k.slots_reply != NULL) {
		out_str(f, f->k.slots_reply);
	} else if (argeq(f, 0, "ASKING")) {
		f->asking = 1;
		out_str(f, "+OK\r\n");
	} else if (argeq(f, 0, "SELECT") && f->argc == 2) {
		long db = argnum(f, 1);

		f->selects++;
		if (db < 0 || db > 15) {
			out_str(f, "-ERR DB index is out of range\r\n");
		} else {
			f->db = (unsigned)db;
			out_str(f, "+OK\r\n");
		}
	} else if (argeq(f, 0, "CLIENT") && argeq(f, 1, "SETNAME") && f->argc == 3) {
		if (memchr(f->argv[2], ' ', f->argvlen[2]) != NULL) {
			out_str(f, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
		} else {
			argcpy(f, 2, f->name);
			out_str(f, "+OK\r\n");
		}
	} else if (argeq(f, 0, "PING")) {
		if (subscribed_resp2(f)) {
			out_str(f, "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
		} else if (f->argc == 2) {
			out_bulk(f, f->argv[1], f->argvlen[1]);
		} else {
			out_str(f, "+PONG\r\n");
		}
	} else if (argeq(f, 0, "ECHO") && f->argc == 2) {
		out_bulk(f, f->argv[1], f->argvlen[1]);
	} else if (argeq(f, 0, "SET") && f->argc == 3) {
		int i, slot = -1;
		char key[FAKE_NAME];

		argcpy(f, 1, key);
		for (i = 0; i < FAKE_KEYS && slot < 0; i++) {
			if (strcmp(f->keys[i], key) == 0 || f->keys[i][0] == '\0')
				slot = i;
		}
		if (slot >= 0) {
			memcpy(f->keys[slot], key, sizeof key);
			argcpy(f, 2, f->vals[slot]);
		}
		out_str(f, "+OK\r\n");
	} else if ((argeq(f, 0, "GET") || argeq(f, 0, "INCR")) && f->argc == 2) {
		int i, slot = -1;
		char key[FAKE_NAME];

		argcpy(f, 1, key);
		for (i = 0; i < FAKE_KEYS && slot < 0; i++) {
			if (strcmp(f->keys[i], key) == 0)
				slot = i;
		}
		if (argeq(f, 0, "GET")) {
			if (slot < 0)
				out_null(f);
			else
				out_bulk_s(f, f->vals[slot]);
		} else {
			long v = 0;

			if (slot < 0) {
				for (i = 0; i < FAKE_KEYS && slot < 0; i++) {
					if (f->keys[i][0] == '\0')
						slot = i;
				}
				memcpy(f->keys[slot], key, sizeof key);
			} else {
				sscanf(f->vals[slot], "%ld", &v);
			}
			v++;
			snprintf(f->vals[slot], FAKE_NAME, "%ld", v);
			out_int(f, v);
		}
	} else if (argeq(f, 0, "SUBSCRIBE")) {
		pubsub(f, f->chans, "subscribe", 1, 0);
	} else if (argeq(f, 0, "PSUBSCRIBE")) {
		pubsub(f, f->pats, "psubscribe", 1, 0);
	} else if (argeq(f, 0, "SSUBSCRIBE")) {
		pubsub(f, f->shards, "ssubscribe", 1, 1);
	} else if (argeq(f, 0, "UNSUBSCRIBE")) {
		pubsub(f, f->chans, "unsubscribe", 0, 0);
	} else if (argeq(f, 0, "PUNSUBSCRIBE")) {
		pubsub(f, f->pats, "punsubscribe", 0, 0);
	} else if (argeq(f, 0, "SUNSUBSCRIBE")) {
		pubsub(f, f->shards, "sunsubscribe", 0, 1);
	} else if (argeq(f, 0, "PUBLISH") && f->argc == 3) {
		char ch[FAKE_NAME];

		argcpy(f, 1, ch);
		message(f, ch, f->argv[2], f->argvlen[2]);
		out_int(f, 1);
	} else if (argeq(f, 0, "SELFMSG") && f->argc == 3) {
		char ch[FAKE_NAME];

		argcpy(f, 1, ch);
		message(f, ch, f->argv[2], f->argvlen[2]);
		out_str(f, "+OK\r\n");
	} else if (argeq(f, 0, "RESET")) {
		memset(f->chans, 0, sizeof f->chans);
		memset(f->pats, 0, sizeof f->pats);
		memset(f->shards, 0, sizeof f->shards);
		f->proto = 2;
		f->db = 0;
		out_str(f, "+RESET\r\n");
	} else if (argeq(f, 0, "RAW") && f->argc == 2) {
		out_bytes(f, f->argv[1], f->argvlen[1]);
	} else if (argeq(f, 0, "NOREPLY")) {
		/* nothing */
	} else if (argeq(f, 0, "BIG") && f->argc == 2) {
		long n = argnum(f, 1), i;
		uint8_t chunk[4096];

		out_hdr(f, '$', n);
		for (i = 0; i < n; i += (long)sizeof chunk) {
			long k = n - i < (long)sizeof chunk ? n - i : (long)sizeof chunk, j;

			for (j = 0; j < k; j++)
				chunk[j] = (uint8_t)((i + j) * 7 + 3);
			out_bytes(f, chunk, (size_t)k);
		}
		out_str(f, "\r\n");
	} else if (argeq(f, 0, "CHECKBIG") && f->argc == 2) {
		size_t i;

		for (i = 0; i < f->argvlen[1]; i++) {
			if (f->argv[1][i] != (uint8_t)(i * 7 + 3))
				break;
		}
		if (i == f->argvlen[1])
			out_int(f, (long)i);
		else
			out_str(f, "-ERR pattern mismatch\r\n");
	} else if (argeq(f, 0, "DEBUG") && argeq(f, 1, "PROTOCOL") && argeq(f, 2, "PUSH")) {
		if (f->proto == 3) {
			out_str(f, ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n");
			out_str(f, "$40\r\nSome real reply following the push reply\r\n");
		} else {
			out_str(f, "-ERR RESP2 is not supported by this command\r\n");
		}
	} else {
		out_str(f, "-ERR unknown command '");
		out_bytes(f, f->argv[0], f->argvlen[0]);
		out_str(f, "', with args beginning with: \r\n");
	}
}

/* Parse what the client sent; run every complete command. */
static void parse(fake *f)
{
	for (;;) {
		moor_resp_event ev;
		size_t used = 0;
		int r = moor_resp_next(&f->dec, f->in + f->in_off, f->in_len - f->in_off,
			&used, &ev);

		if (r < 0) {
			fprintf(stderr, "fake: bad command stream (%s)\n", moor_status_name(r));
			f->open = 0;
			return;
		}
		f->in_off += used;
		if (r == 0)
			break;
		if (ev.kind == MOOR_RESP_EV_BEGIN && ev.depth == 0)
			f->argc = 0;
		else if (ev.kind == MOOR_RESP_EV_VALUE && ev.depth == 1 && f->argc < 24) {
			f->argv[f->argc] = ev.ptr;
			f->argvlen[f->argc] = ev.len;
			f->argc++;
		}
		if (moor_resp_reply_done(&f->dec) != 0) {
			execute(f);
			f->argc = 0;
		}
	}
	if (f->in_off > 0 && f->argc == 0) {
		memmove(f->in, f->in + f->in_off, f->in_len - f->in_off);
		f->in_len -= f->in_off;
		f->in_off = 0;
	}
}

/* ------------------------------------------------------------------ */
/* The transport */

static int f_send(moor_transport *t, const uint8_t *d, size_t n)
{
	fake *f = (fake *)t;

	if (!f->open)
		return MOOR_ERR_CLOSED;
	if (f->k.send_chunk != 0 && n > f->k.send_chunk)
		n = f->k.send_chunk;
	if (f->in_len + n > FAKE_IN_CAP)
		n = FAKE_IN_CAP - f->in_len;
	if (n == 0)
		return 0;
	memcpy(f->in + f->in_len, d, n);
	f->in_len += n;
	f->bytes_in += n;
	parse(f);
	return (int)n;
}

static int f_recv(moor_transport *t, uint8_t *b, size_t n)
{
	fake *f = (fake *)t;
	size_t avail = f->out_len - f->out_off;

	if (avail == 0 && !f->open)
		return MOOR_ERR_CLOSED;
	if (avail == 0 || (f->k.stall && (long)f->bytes_out >= f->k.stall_at))
		return 0;
	if (f->k.recv_chunk != 0 && n > f->k.recv_chunk)
		n = f->k.recv_chunk;
	if (n > avail)
		n = avail;
	if (f->k.stall && (long)(f->bytes_out + n) > f->k.stall_at)
		n = (size_t)(f->k.stall_at - (long)f->bytes_out);
	f->bytes_out += n;
	memcpy(b, f->out + f->out_off, n);
	f->out_off += n;
	if (f->out_off == f->out_len)
		f->out_off = f->out_len = 0;
	return (int)n;
}

static int f_flush(moor_transport *t)
{
	fake *f = (fake *)t;

	return f->open ? 0 : MOOR_ERR_CLOSED;
}

static int f_wait(moor_transport *t, unsigned ev, uint32_t ms)
{
	fake *f = (fake *)t;
	unsigned ready = 0;

	if ((ev & MOOR_IO_READ) && (f->out_len > f->out_off || !f->open) &&
	    !(f->k.stall && (long)f->bytes_out >= f->k.stall_at))
		ready |= MOOR_IO_READ;
	if (ev & MOOR_IO_WRITE)
		ready |= MOOR_IO_WRITE;
	if (ready == 0)
		fake_now += ms;
	return (int)ready;
}

static void f_close(moor_transport *t)
{
	fake *f = (fake *)t;

	f->open = 0;
	f->closed_by_client = 1;
}

static const moor_transport_class fake_class = { f_send, f_recv, f_flush, f_wait, f_close };

void fake_open(fake *f, int slot, const fake_knobs *k)
{
	static char keys[4][FAKE_KEYS][FAKE_NAME], vals[4][FAKE_KEYS][FAKE_NAME];
	static int have[4];

	/* with keep_keys, the keys of a node live across its connections */
	if (!k->keep_keys)
		have[slot] = 0;
	if (have[slot]) {
		memcpy(keys[slot], f->keys, sizeof f->keys);
		memcpy(vals[slot], f->vals, sizeof f->vals);
	}
	memset(f, 0, sizeof *f);
	if (have[slot]) {
		memcpy(f->keys, keys[slot], sizeof f->keys);
		memcpy(f->vals, vals[slot], sizeof f->vals);
	}
	have[slot] = 1;
	f->base.vtable = &fake_class;
	f->k = *k;
	f->open = 1;
	f->proto = 2;
	f->in = in_bufs[slot];
	f->out = out_bufs[slot];
	(void)moor_resp_decoder_init(&f->dec, FAKE_IN_CAP);
}
