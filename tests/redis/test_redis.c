/*
 * The Redis client without a network, against the fake server of
 * fake_redis.c (fake time, deterministic):
 *   - the handshake: HELLO 3 with AUTH and SETNAME, the RESP2 fallbacks
 *     (no HELLO, NOPROTO), RESP2 only, AUTH / SELECT / SETNAME failures;
 *   - pipelining with every buffer and chunk size, replies in order;
 *   - values larger than both buffers, streamed out and chunked in;
 *   - Pub/Sub under RESP3 (pushes to the callback while commands go on)
 *     and RESP2 (subscribed-mode arrays), subscription bookkeeping;
 *   - the delivery account at every byte offset of a connect + pipelined
 *     batch, on the send side, the receive side and with stalls;
 *   - protocol violations, timeouts, reconnect with backoff, MOVED / ASK
 *     parsing and following with a slot table, key slots;
 * and the RAM a connection takes. The heap guard is armed throughout.
 */
#define _GNU_SOURCE 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/posix.h"
#include "moor/redis.h"
#include "moor/status.h"
#include "fake_redis.h"
#include "testlib.h"

/* ------------------------------------------------------------------ */
/* Connections to fake nodes 7000..7002 (port 0 = 7000). */

typedef struct conn_ctx {
	fake nodes[3];
	fake_knobs knobs[3];
	int fail_next;          /* the next connects fail */
	int connects;
	int last_node;
	char last_host[64];
	int use_fault;
	moor_fault fault;
	moor_fault_config fc;
	int graceful_closes, abort_closes;
} conn_ctx;

static conn_ctx cc;

static int hook_connect(void *ctx, const char *host, uint16_t port,
	moor_transport **t, uint32_t timeout_ms)
{
	conn_ctx *c = ctx;
	int n = port == 0 ? 0 : (int)port - 7000;

	(void)timeout_ms;
	c->connects++;
	snprintf(c->last_host, sizeof c->last_host, "%s", host != NULL ? host : "(default)");
	if (n < 0 || n > 2)
		return MOOR_ERR_CONNECT;
	c->last_node = n;
	if (c->fail_next > 0) {
		c->fail_next--;
		return MOOR_ERR_CONNECT;
	}
	fake_open(&c->nodes[n], n, &c->knobs[n]);
	if (c->use_fault) {
		moor_fault_init(&c->fault, &c->nodes[n].base, &c->fc);
		*t = &c->fault.base;
	} else {
		*t = &c->nodes[n].base;
	}
	return MOOR_OK;
}

static void hook_disconnect(void *ctx, moor_transport *t, int graceful)
{
	conn_ctx *c = ctx;

	if (graceful)
		c->graceful_closes++;
	else
		c->abort_closes++;
	moor_transport_close(t);
}

static uint32_t slept_total;
static unsigned sleeps;

static void hook_sleep(void *ctx, uint32_t ms)
{
	(void)ctx;
	fake_now += ms;
	slept_total += ms;
	sleeps++;
}

/* ------------------------------------------------------------------ */
/* Event log: one token per event, like test_resp.c's. */

#define LOG_CAP 8192

typedef struct evlog {
	char s[LOG_CAP];
	size_t n;
	unsigned acks;
	uint32_t last_acked;
} evlog;

static evlog pushlog, replylog;

static void log_add(evlog *l, const char *s, size_t n)
{
	if (l->n + n + 1 >= LOG_CAP)
		return;
	memcpy(l->s + l->n, s, n);
	l->n += n;
	l->s[l->n] = '\0';
}

static void log_event(evlog *l, const moor_redis_event *ev)
{
	char b[96];
	const moor_resp_event *e = &ev->resp;
	size_t n;

	switch (e->kind) {
	case MOOR_RESP_EV_VALUE:
		n = e->len < 40 ? e->len : 40;
		snprintf(b, sizeof b, "%c%.*s ", e->type, (int)n, e->ptr != NULL ? (const char *)e->ptr : "");
		break;
	case MOOR_RESP_EV_BEGIN:
		snprintf(b, sizeof b, "%c%ld ", e->type, (long)e->num);
		break;
	case MOOR_RESP_EV_END:
		snprintf(b, sizeof b, ". ");
		break;
	default:
		snprintf(b, sizeof b, "c%lu ", (unsigned long)e->len);
		break;
	}
	log_add(l, b, strlen(b));
	if (ev->done)
		log_add(l, "/ ", 2);
	if (ev->acked) {
		snprintf(b, sizeof b, "#%lu ", (unsigned long)ev->seq);
		log_add(l, b, strlen(b));
		l->acks++;
		l->last_acked = ev->seq;
	}
}

static void on_push(void *ctx, const moor_redis_event *ev)
{
	(void)ctx;
	MOOR_CHECK(ev->push == 1);
	log_event(&pushlog, ev);
}

/* ------------------------------------------------------------------ */
/* Setup */

static uint8_t rxbuf[64 * 1024];
static uint8_t txbuf[64 * 1024];
static moor_redis_config cfg;
static moor_redis r;

static void knobs_default(void)
{
	int i;

	memset(&cc, 0, sizeof cc);
	for (i = 0; i < 3; i++) {
		cc.knobs[i].ask_slot = -1;
		cc.knobs[i].moved_host = "127.0.0.1";
	}
}

static void cfg_default(void)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.connect = hook_connect;
	cfg.disconnect = hook_disconnect;
	cfg.conn_ctx = &cc;
	cfg.on_push = on_push;
	memset(&pushlog, 0, sizeof pushlog);
	memset(&replylog, 0, sizeof replylog);
}

static int setup(size_t rxcap, size_t txcap)
{
	int st = moor_redis_init(&r, &cfg, &fake_platform, rxbuf, rxcap, txbuf, txcap);

	MOOR_CHECK_INT(st, MOOR_OK);
	return st;
}

/* Read events until nothing is pending; log replies. */
static int drain(void)
{
	moor_redis_event ev;
	int st = 1;

	while (moor_redis_pending(&r) > 0) {
		st = moor_redis_poll(&r, &ev, 1000);
		if (st < 0)
			return st;
		if (ev.push && cfg.on_push != NULL) {
			/* the end of a confirmation that answered a command:
			 * the callback has seen it already */
			MOOR_CHECK(ev.acked && ev.done);
			continue;
		}
		log_event(ev.push ? &pushlog : &replylog, &ev);
	}
	return MOOR_OK;
}

static int append_s(const char *a0, const char *a1, const char *a2, uint32_t *seq)
{
	const char *argv[3] = { a0, a1, a2 };
	size_t argc = a2 != NULL ? 3 : a1 != NULL ? 2 : 1;

	return moor_redis_append(&r, argc, argv, NULL, seq);
}

static int cmd_s(const char *a0, const char *a1, const char *a2, moor_redis_reply *rep)
{
	const char *argv[3] = { a0, a1, a2 };
	size_t argc = a2 != NULL ? 3 : a1 != NULL ? 2 : 1;

	return moor_redis_command(&r, argc, argv, NULL, rep, 1000);
}

static int rep_is(const moor_redis_reply *rep, int type, const char *text)
{
	return rep->type == type && rep->len == strlen(text) &&
		memcmp(rep->ptr, text, rep->len) == 0;
}

/* ------------------------------------------------------------------ */
/* Handshake */

static void test_handshake(void)
{
	moor_redis_reply rep;
	int st;

	/* HELLO 3 AUTH app secret SETNAME dev, SELECT 2 */
	knobs_default();
	cc.knobs[0].user = "app";
	cc.knobs[0].pass = "secret";
	cc.knobs[0].requirepass = 1;
	cfg_default();
	cfg.user = "app";
	cfg.password = "secret";
	cfg.client_name = "dev";
	cfg.db = 2;
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&r), 3);
	MOOR_CHECK_INT(cc.nodes[0].hellos, 1);
	MOOR_CHECK_INT(cc.nodes[0].auths, 1);
	MOOR_CHECK_STR(cc.nodes[0].authed_user, "app");
	MOOR_CHECK_STR(cc.nodes[0].name, "dev");
	MOOR_CHECK_INT(cc.nodes[0].db, 2);
	MOOR_CHECK_INT(cc.nodes[0].proto, 3);
	/* the transmit buffer held the password: wiped */
	MOOR_CHECK(memmem(txbuf, 256, "secret", 6) == NULL);
	memset(&rep, 0, sizeof rep);
	MOOR_CHECK_INT(cmd_s("PING", NULL, NULL, &rep), MOOR_OK);
	MOOR_CHECK(rep_is(&rep, '+', "PONG"));
	moor_redis_close(&r);
	MOOR_CHECK_INT(cc.graceful_closes, 1);
	MOOR_CHECK_INT(moor_redis_protocol(&r), 0);
	MOOR_CHECK_INT(cmd_s("PING", NULL, NULL, &rep), MOOR_ERR_NOT_CONNECTED);

	/* the default user: HELLO 3 AUTH default pw */
	knobs_default();
	cc.knobs[0].pass = "pw";
	cc.knobs[0].requirepass = 1;
	cfg_default();
	cfg.password = "pw";
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_STR(cc.nodes[0].authed_user, "default");
	MOOR_CHECK_INT(cc.nodes[0].selects, 0);

	/* wrong password: HELLO path and legacy path */
	cfg.password = "nope";
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_AUTH);
	MOOR_CHECK_INT(moor_redis_connected(&r), 0);
	MOOR_CHECK(cc.nodes[0].closed_by_client);
	cfg.resp = 2;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_AUTH);
	MOOR_CHECK_INT(cc.nodes[0].hellos, 0);
	/* no password given, but the server wants one: NOAUTH */
	cfg.resp = 0;
	cfg.password = NULL;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_AUTH);
	/* RESP2 only: AUTH, CLIENT SETNAME, SELECT; no HELLO */
	cfg.resp = 2;
	cfg.password = "pw";
	cfg.client_name = "two";
	cfg.db = 5;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&r), 2);
	MOOR_CHECK_INT(cc.nodes[0].hellos, 0);
	MOOR_CHECK_STR(cc.nodes[0].name, "two");
	MOOR_CHECK_INT(cc.nodes[0].db, 5);
	/* SELECT out of range; SETNAME refused */
	cfg.db = 99;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_SELECT);
	cfg.db = 0;
	cfg.client_name = "a b";
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_HANDSHAKE);
	cfg.resp = 0;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_HANDSHAKE);
	cfg.client_name = NULL;

	/* a server without HELLO: RESP2 fallback with AUTH; NOHELLO if RESP3 required */
	knobs_default();
	cc.knobs[0].hello = 1;
	cc.knobs[0].user = "app";
	cc.knobs[0].pass = "secret";
	cc.knobs[0].requirepass = 1;
	cfg_default();
	cfg.user = "app";
	cfg.password = "secret";
	cfg.client_name = "old";
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&r), 2);
	MOOR_CHECK_INT(cc.nodes[0].hellos, 1);
	MOOR_CHECK_STR(cc.nodes[0].authed_user, "app");
	MOOR_CHECK_STR(cc.nodes[0].name, "old");
	MOOR_CHECK_INT(cmd_s("SET", "k", "v", NULL), MOOR_OK);
	cfg.resp = 3;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_NOHELLO);
	/* NOPROTO: the same */
	cc.knobs[0].hello = 2;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_NOHELLO);
	cfg.resp = 0;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&r), 2);
	/* AUTH without any password configured on the server */
	knobs_default();
	cfg_default();
	cfg.password = "x";
	cfg.resp = 2;
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_REDIS_AUTH);
	/* a handshake that does not fit the transmit buffer */
	cfg.resp = 0;
	{
		static char longpw[200];

		memset(longpw, 'p', sizeof longpw - 1);
		cfg.password = longpw;
		MOOR_CHECK_INT(setup(512, 64), MOOR_OK);
		st = moor_redis_connect(&r, 1000);
		MOOR_CHECK_INT(st, MOOR_ERR_REDIS_AUTH);   /* streamed, then refused */
	}
	/* the connect hook fails */
	cfg.password = NULL;
	setup(512, 256);
	cc.fail_next = 1;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_ERR_CONNECT);
	MOOR_CHECK_INT(cmd_s("PING", NULL, NULL, NULL), MOOR_ERR_CONNECT);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
}

/* ------------------------------------------------------------------ */
/* Arguments and states */

static void test_args(void)
{
	moor_redis_event ev;
	const char *argv[1] = { "PING" };

	knobs_default();
	cfg_default();
	MOOR_CHECK_INT(moor_redis_init(NULL, &cfg, &fake_platform, rxbuf, 512, txbuf, 256), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_redis_init(&r, &cfg, &fake_platform, rxbuf, MOOR_REDIS_RX_MIN - 1, txbuf, 256), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(moor_redis_init(&r, &cfg, &fake_platform, rxbuf, 512, txbuf, MOOR_REDIS_TX_MIN - 1), MOOR_ERR_BUFFER_TOO_SMALL);
	cfg.resp = 4;
	MOOR_CHECK_INT(moor_redis_init(&r, &cfg, &fake_platform, rxbuf, 512, txbuf, 256), MOOR_ERR_INVALID_ARG);
	cfg.resp = 0;
	cfg.connect = NULL;
	MOOR_CHECK_INT(moor_redis_init(&r, &cfg, &fake_platform, rxbuf, 512, txbuf, 256), MOOR_ERR_INVALID_ARG);
	cfg.connect = hook_connect;
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_append(&r, 1, argv, NULL, NULL), MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(moor_redis_next(&r, &ev), MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(moor_redis_flush(&r), MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_append(&r, 0, argv, NULL, NULL), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_redis_append(&r, 1, argv, NULL, NULL), 1);
	MOOR_CHECK_INT(moor_redis_pending(&r), 1);
	/* command() wants an idle pipeline */
	MOOR_CHECK_INT(cmd_s("PING", NULL, NULL, NULL), MOOR_ERR_STATE);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	MOOR_CHECK_INT(cmd_s("PING", NULL, NULL, NULL), MOOR_OK);
	/* a command larger than the transmit buffer cannot be appended */
	{
		static char big[300];
		const char *a2[2] = { "ECHO", big };

		memset(big, 'x', sizeof big - 1);
		MOOR_CHECK_INT(moor_redis_append(&r, 2, a2, NULL, NULL), MOOR_ERR_BUFFER_TOO_SMALL);
		MOOR_CHECK_INT(moor_redis_send(&r, 2, a2, NULL, NULL, 1000), MOOR_OK);
		MOOR_CHECK_INT(drain(), MOOR_OK);
	}
	MOOR_CHECK_STR(moor_status_name(MOOR_ERR_REDIS_AUTH), "MOOR_ERR_REDIS_AUTH");
	MOOR_CHECK_STR(moor_status_name(MOOR_ERR_REDIS_BACKOFF), "MOOR_ERR_REDIS_BACKOFF");
	MOOR_CHECK(strstr(moor_status_str(MOOR_ERR_REDIS_MOVED), "MOVED") != NULL);
}

/* ------------------------------------------------------------------ */
/* Pipelining */

static void pipeline_run(size_t rxcap, size_t txcap, size_t rchunk, size_t schunk, int resp)
{
	static const int N = 40;
	moor_redis_event ev;
	int queued = 0, got = 0;
	uint32_t seq, first = 0;
	long expect = 1;

	knobs_default();
	cc.knobs[0].recv_chunk = rchunk;
	cc.knobs[0].send_chunk = schunk;
	cfg_default();
	cfg.resp = (uint8_t)resp;
	if (setup(rxcap, txcap) != MOOR_OK)
		return;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	/* queue as many as fit, read replies as they come */
	while (got < N) {
		int st;

		while (queued < N) {
			st = append_s("INCR", "ctr", NULL, &seq);
			if (st < 0) {
				MOOR_CHECK_INT(st, MOOR_OK);
				return;
			}
			if (st == 0)
				break;
			if (queued == 0)
				first = seq;
			MOOR_CHECK_INT(seq, first + (uint32_t)queued);
			queued++;
		}
		st = moor_redis_poll(&r, &ev, 1000);
		if (st != 1) {
			MOOR_CHECK_INT(st, 1);
			return;
		}
		MOOR_CHECK(!ev.push);
		MOOR_CHECK(ev.done && ev.acked);
		MOOR_CHECK_INT(ev.seq, first + (uint32_t)got);
		MOOR_CHECK_INT(ev.resp.type, ':');
		MOOR_CHECK_INT(ev.resp.num, expect);
		expect++;
		got++;
	}
	MOOR_CHECK_INT(moor_redis_pending(&r), 0);
	MOOR_CHECK_INT(cc.nodes[0].executed, (unsigned long)N + (resp == 2 ? 0 : 1));
	moor_redis_close(&r);
}

static void test_pipeline(void)
{
	static const size_t caps[][2] = { { 256, 64 }, { 300, 100 }, { 1024, 256 }, { 4096, 4096 } };
	static const size_t chunks[] = { 0, 1, 2, 7 };
	size_t i, j;

	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		for (j = 0; j < sizeof chunks / sizeof chunks[0]; j++) {
			pipeline_run(caps[i][0], caps[i][1], chunks[j], chunks[(j + 1) % 4], 0);
			pipeline_run(caps[i][0], caps[i][1], chunks[j], chunks[(j + 2) % 4], 2);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Large values */

static uint8_t big[1024 * 1024 + 17];
static uint8_t bigout[1024 * 1024 + 64];

static void test_large(void)
{
	const char *argv[2];
	size_t argvlen[2];
	moor_redis_event ev;
	moor_redis_reply rep;
	uint32_t seq;
	size_t i, got = 0, chunks = 0, maxchunk = 0;
	int st, bad = 0;

	for (i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	knobs_default();
	cc.knobs[0].recv_chunk = 1500;
	cc.knobs[0].send_chunk = 1000;
	cfg_default();
	setup(1024, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);

	/* 1 MiB + 17 out through a 256-byte buffer, pipelined behind a PING */
	MOOR_CHECK_INT(append_s("PING", NULL, NULL, NULL), 1);
	argv[0] = "CHECKBIG";
	argv[1] = (const char *)big;
	argvlen[0] = 8;
	argvlen[1] = sizeof big;
	MOOR_CHECK_INT(moor_redis_send(&r, 2, argv, argvlen, &seq, 1000), MOOR_OK);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	{
		char want[64];

		snprintf(want, sizeof want, "+PONG / #%lu :%lu / #%lu ", (unsigned long)(seq - 1),
			(unsigned long)sizeof big, (unsigned long)seq);
		MOOR_CHECK_STR(replylog.s, want);
	}

	/* 1 MiB in through a 1 KiB buffer: chunks */
	MOOR_CHECK_INT(append_s("BIG", "1048576", NULL, &seq), 1);
	for (;;) {
		st = moor_redis_poll(&r, &ev, 1000);
		if (st != 1) {
			MOOR_CHECK_INT(st, 1);
			break;
		}
		MOOR_CHECK_INT(ev.resp.kind, MOOR_RESP_EV_CHUNK);
		MOOR_CHECK_INT(ev.resp.num, 1048576);
		for (i = 0; i < ev.resp.len; i++)
			bad += ev.resp.ptr[i] != big[got + i];
		got += ev.resp.len;
		chunks++;
		if (ev.resp.len > maxchunk)
			maxchunk = ev.resp.len;
		if (ev.acked)
			break;
	}
	MOOR_CHECK_INT(got, 1048576);
	MOOR_CHECK_INT(bad, 0);
	MOOR_CHECK(maxchunk <= 1024);
	MOOR_CHECK(chunks >= 1024);
	printf("1 MiB reply through a 1 KiB buffer: %lu chunks, largest %lu\n",
		(unsigned long)chunks, (unsigned long)maxchunk);

	/* command(): into the caller's buffer, and truncated without one */
	memset(&rep, 0, sizeof rep);
	rep.out = bigout;
	rep.out_cap = sizeof bigout;
	MOOR_CHECK_INT(cmd_s("BIG", "1048576", NULL, &rep), MOOR_OK);
	MOOR_CHECK_INT(rep.type, '$');
	MOOR_CHECK_INT(rep.len, 1048576);
	MOOR_CHECK_INT(rep.total, 1048576);
	MOOR_CHECK(!rep.truncated);
	MOOR_CHECK(rep.ptr == bigout && memcmp(bigout, big, 1048576) == 0);
	rep.out_cap = 100;
	MOOR_CHECK_INT(cmd_s("BIG", "5000", NULL, &rep), MOOR_OK);
	MOOR_CHECK(rep.truncated);
	MOOR_CHECK_INT(rep.len, 100);
	MOOR_CHECK_INT(rep.total, 5000);
	memset(&rep, 0, sizeof rep);
	MOOR_CHECK_INT(cmd_s("BIG", "5000", NULL, &rep), MOOR_OK);
	MOOR_CHECK(rep.truncated);
	MOOR_CHECK_INT(rep.len, 0);
	MOOR_CHECK_INT(cmd_s("BIG", "1000", NULL, &rep), MOOR_OK);  /* fits: whole */
	MOOR_CHECK(!rep.truncated && rep.len == 1000 && memcmp(rep.ptr, big, 1000) == 0);
	moor_redis_close(&r);
}

/* ------------------------------------------------------------------ */
/* Pub/Sub */

static void test_pubsub_resp3(void)
{
	moor_redis_event ev;
	uint32_t s_sub, s_pub, s_incr, s_unsub, s_get;
	int st;

	knobs_default();
	cfg_default();
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	/* SUBSCRIBE a b, then commands on the same connection */
	{
		const char *argv[3] = { "SUBSCRIBE", "a", "b" };

		MOOR_CHECK_INT(moor_redis_append(&r, 3, argv, NULL, &s_sub), 1);
	}
	MOOR_CHECK_INT(append_s("PUBLISH", "a", "hello", &s_pub), 1);
	MOOR_CHECK_INT(append_s("INCR", "n", NULL, &s_incr), 1);
	MOOR_CHECK_INT(append_s("SELFMSG", "b", "x", NULL), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	{
		char want[300];

		snprintf(want, sizeof want, ">3 $subscribe $a :1 . / >3 $subscribe $b :2 . / #%lu "
			">3 $message $a $hello . / >3 $message $b $x . / ", (unsigned long)s_sub);
		MOOR_CHECK_STR(pushlog.s, want);
		snprintf(want, sizeof want, ":1 / #%lu :1 / #%lu +OK / #%lu ",
			(unsigned long)s_pub, (unsigned long)s_incr, (unsigned long)(s_incr + 1));
		MOOR_CHECK_STR(replylog.s, want);
	}
	MOOR_CHECK_INT(pushlog.last_acked, s_sub);
	/* PSUBSCRIBE, a pattern message, UNSUBSCRIBE all (2 channels), GET */
	memset(&pushlog, 0, sizeof pushlog);
	memset(&replylog, 0, sizeof replylog);
	MOOR_CHECK_INT(append_s("PSUBSCRIBE", "n*", NULL, &s_sub), 1);
	MOOR_CHECK_INT(append_s("PUBLISH", "news", "hi", &s_pub), 1);
	MOOR_CHECK_INT(append_s("UNSUBSCRIBE", NULL, NULL, &s_unsub), 1);
	MOOR_CHECK_INT(append_s("GET", "n", NULL, &s_get), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	{
		char want[300];

		snprintf(want, sizeof want, ">3 $psubscribe $n* :3 . / #%lu >4 $pmessage $n* $news $hi . / "
			">3 $unsubscribe $a :2 . / >3 $unsubscribe $b :1 . / #%lu ",
			(unsigned long)s_sub, (unsigned long)s_unsub);
		MOOR_CHECK_STR(pushlog.s, want);
		snprintf(want, sizeof want, ":1 / #%lu $1 / #%lu ", (unsigned long)s_pub,
			(unsigned long)s_get);
		MOOR_CHECK_STR(replylog.s, want);
	}
	MOOR_CHECK_INT(r.n_chan, 0);
	MOOR_CHECK_INT(r.n_pat, 1);
	/* UNSUBSCRIBE with nothing subscribed: one confirmation, null channel */
	memset(&pushlog, 0, sizeof pushlog);
	MOOR_CHECK_INT(append_s("UNSUBSCRIBE", NULL, NULL, &s_unsub), 1);
	MOOR_CHECK_INT(append_s("PUNSUBSCRIBE", NULL, NULL, NULL), 1);
	MOOR_CHECK_INT(append_s("SSUBSCRIBE", "s1", NULL, NULL), 1);
	MOOR_CHECK_INT(append_s("SUNSUBSCRIBE", NULL, NULL, NULL), 1);
	/* the tracked-command limit: the fifth is refused for now */
	MOOR_CHECK_INT(append_s("SUBSCRIBE", "z", NULL, NULL), MOOR_CONFIG_REDIS_MAX_SPECIAL == 4 ? 0 : 1);
	MOOR_CHECK_INT(append_s("PING", NULL, NULL, NULL), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	{
		char want[300];
		unsigned long u = s_unsub;

		snprintf(want, sizeof want, ">3 $unsubscribe _ :1 . / #%lu >3 $punsubscribe $n* :0 . / #%lu "
			">3 $ssubscribe $s1 :1 . / #%lu >3 $sunsubscribe $s1 :0 . / #%lu ",
			u, u + 1, u + 2, u + 3);
		MOOR_CHECK_STR(pushlog.s, want);
	}
	MOOR_CHECK_INT(r.n_pat + r.n_chan + r.n_shard, 0);
	/* SUBSCRIBE refused with an error reply: answered by it */
	memset(&replylog, 0, sizeof replylog);
	MOOR_CHECK_INT(append_s("SUBSCRIBE", NULL, NULL, NULL), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	MOOR_CHECK(strncmp(replylog.s, "-ERR wrong number", 17) == 0);
	/* without a callback, pushes come out of next() */
	cfg.on_push = NULL;
	memset(&pushlog, 0, sizeof pushlog);
	MOOR_CHECK_INT(append_s("SUBSCRIBE", "c", NULL, NULL), 1);
	st = moor_redis_poll(&r, &ev, 1000);
	MOOR_CHECK_INT(st, 1);
	MOOR_CHECK(ev.push && ev.resp.kind == MOOR_RESP_EV_BEGIN && ev.resp.type == '>');
	MOOR_CHECK_INT(drain(), MOOR_OK);
	MOOR_CHECK(strncmp(pushlog.s, "$subscribe $c :1 . / #", 22) == 0);
	/* DEBUG PROTOCOL PUSH: a push ahead of the reply */
	cfg.on_push = on_push;
	memset(&replylog, 0, sizeof replylog);
	{
		moor_redis_reply rep;
		const char *argv[3] = { "DEBUG", "PROTOCOL", "PUSH" };

		memset(&rep, 0, sizeof rep);
		MOOR_CHECK_INT(moor_redis_command(&r, 3, argv, NULL, &rep, 1000), MOOR_OK);
		MOOR_CHECK(rep_is(&rep, '$', "Some real reply following the push reply"));
	}
	/* command() on a SUBSCRIBE: answered by its confirmation */
	{
		moor_redis_reply rep;

		memset(&rep, 0, sizeof rep);
		MOOR_CHECK_INT(cmd_s("SUBSCRIBE", "y", NULL, &rep), MOOR_OK);
		MOOR_CHECK_INT(rep.type, '>');
		MOOR_CHECK_INT(moor_redis_pending(&r), 0);
	}
	/* RESET: subscriptions gone, RESP2 again */
	MOOR_CHECK_INT(cmd_s("RESET", NULL, NULL, NULL), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&r), 2);
	MOOR_CHECK_INT(r.n_chan, 0);
	/* HELLO 3 by hand switches back */
	MOOR_CHECK_INT(cmd_s("HELLO", "3", NULL, NULL), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&r), 3);
	moor_redis_close(&r);
}

static void test_pubsub_resp2(void)
{
	uint32_t s_sub, s_ping;

	knobs_default();
	cfg_default();
	cfg.resp = 2;
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	/* an array reply of 3 elements before the SUBSCRIBE stays a reply */
	MOOR_CHECK_INT(append_s("RAW", "*3\r\n:1\r\n:2\r\n:3\r\n", NULL, NULL), 1);
	{
		const char *argv[3] = { "SUBSCRIBE", "a", "b" };

		MOOR_CHECK_INT(moor_redis_append(&r, 3, argv, NULL, &s_sub), 1);
	}
	MOOR_CHECK_INT(append_s("PING", NULL, NULL, &s_ping), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	MOOR_CHECK_STR(replylog.s, "*3 :1 :2 :3 . / #0 *2 $pong $ . / #2 ");
	MOOR_CHECK_STR(pushlog.s, "*3 $subscribe $a :1 . / *3 $subscribe $b :2 . / #1 ");
	/* a message arrives between commands */
	memset(&pushlog, 0, sizeof pushlog);
	memset(&replylog, 0, sizeof replylog);
	fake_inject(&cc.nodes[0], "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
	MOOR_CHECK_INT(append_s("GET", "k", NULL, NULL), 1);  /* refused in this context */
	MOOR_CHECK_INT(append_s("UNSUBSCRIBE", NULL, NULL, NULL), 1);
	MOOR_CHECK_INT(append_s("GET", "k", NULL, NULL), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	MOOR_CHECK_STR(pushlog.s, "*3 $message $a $hi . / *3 $unsubscribe $a :1 . / "
		"*3 $unsubscribe $b :0 . / #4 ");
	MOOR_CHECK(strncmp(replylog.s, "-ERR Can't execute 'GET'", 24) == 0);
	MOOR_CHECK(strstr(replylog.s, "#3 $-1") == NULL);
	MOOR_CHECK(strstr(replylog.s, "_ / #5 ") != NULL);
	/* not subscribed any more: 3-element arrays are replies again */
	memset(&replylog, 0, sizeof replylog);
	MOOR_CHECK_INT(append_s("RAW", "*3\r\n:1\r\n:2\r\n:3\r\n", NULL, NULL), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	MOOR_CHECK_STR(replylog.s, "*3 :1 :2 :3 . / #6 ");
	moor_redis_close(&r);
}

/* ------------------------------------------------------------------ */
/* Protocol violations and timeouts */

static void test_violations(void)
{
	moor_redis_event ev;
	moor_redis_delivery d;
	moor_redis_reply rep;
	uint32_t s1, s2;
	int st;

	knobs_default();
	cfg_default();
	setup(512, 256);
	/* a reply nobody asked for */
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(append_s("RAW", "+OK\r\n+EXTRA\r\n", NULL, &s1), 1);
	MOOR_CHECK_INT(drain(), MOOR_OK);
	st = moor_redis_poll(&r, &ev, 100);
	MOOR_CHECK_INT(st, MOOR_ERR_REDIS_UNEXPECTED);
	moor_redis_delivery_get(&r, &d);
	MOOR_CHECK_INT(d.acked, s1 + 1);
	moor_redis_close(&r);

	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	fake_inject(&cc.nodes[0], ":1\r\n");
	st = moor_redis_next(&r, &ev);
	MOOR_CHECK_INT(st, MOOR_ERR_REDIS_UNEXPECTED);
	MOOR_CHECK(cc.nodes[0].closed_by_client);
	MOOR_CHECK_INT(moor_redis_next(&r, &ev), MOOR_ERR_REDIS_UNEXPECTED);   /* sticky */
	MOOR_CHECK_INT(moor_redis_connected(&r), 0);

	/* garbage: the decoder's error, closed */
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(append_s("INCR", "x", NULL, &s1), 1);
	MOOR_CHECK_INT(append_s("RAW", "?what\r\n", NULL, &s2), 1);
	MOOR_CHECK_INT(append_s("PING", NULL, NULL, NULL), 1);
	st = drain();
	MOOR_CHECK_INT(st, MOOR_ERR_RESP_BAD_TYPE);
	moor_redis_delivery_get(&r, &d);
	MOOR_CHECK_INT(d.acked, s1 + 1);
	MOOR_CHECK_INT(d.started, s2 + 2);
	MOOR_CHECK_INT(d.next, s2 + 2);
	MOOR_CHECK_INT(d.partial, 1);   /* the garbage was RAW's answer */

	/* the server closes in the middle of a reply */
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(append_s("RAW", "$10\r\nabc", NULL, &s1), 1);
	MOOR_CHECK_INT(moor_redis_flush(&r), 0);
	cc.nodes[0].open = 0;
	st = drain();
	MOOR_CHECK_INT(st, MOOR_ERR_CLOSED);
	moor_redis_delivery_get(&r, &d);
	MOOR_CHECK_INT(d.acked, s1);
	MOOR_CHECK_INT(d.partial, 1);

	/* no reply: poll times out and the connection stays; command()
	 * times out and closes */
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(append_s("NOREPLY", NULL, NULL, NULL), 1);
	{
		uint32_t t0 = fake_now;

		MOOR_CHECK_INT(moor_redis_poll(&r, &ev, 250), MOOR_ERR_TIMEOUT);
		MOOR_CHECK_INT(fake_now - t0, 250);
		MOOR_CHECK_INT(moor_redis_connected(&r), 1);
	}
	moor_redis_close(&r);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	memset(&rep, 0, sizeof rep);
	MOOR_CHECK_INT(cmd_s("NOREPLY", NULL, NULL, &rep), MOOR_ERR_TIMEOUT);
	MOOR_CHECK_INT(moor_redis_connected(&r), 0);
	MOOR_CHECK_INT(cmd_s("PING", NULL, NULL, &rep), MOOR_ERR_TIMEOUT);
	/* the handshake stalls: connect times out within its deadline */
	cc.knobs[0].stall = 1;
	cc.knobs[0].stall_at = 10;
	{
		uint32_t t0 = fake_now;

		MOOR_CHECK_INT(moor_redis_connect(&r, 700), MOOR_ERR_TIMEOUT);
		MOOR_CHECK(fake_now - t0 <= 700);
	}
	cc.knobs[0].stall = 0;
	/* a push under RESP2 outside Pub/Sub is tolerated as a push */
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	moor_redis_close(&r);
}

/* ------------------------------------------------------------------ */
/* Delivery account at every byte */

#define BATCH 7

static const char *const batch[BATCH][3] = {
	{ "SET", "a", "1" }, { "INCR", "n", NULL }, { "SUBSCRIBE", "ch", NULL },
	{ "PUBLISH", "ch", "msg" }, { "GET", "a", NULL }, { "ECHO", "0123456789abcdef", NULL },
	{ "INCR", "n", NULL },
};

static const char *const batch_replies[BATCH] = {
	"+OK / ", ":1 / ", "", ":1 / ", "$1 / ", "$0123456789abcdef / ", ":2 / "
};

typedef struct {
	unsigned long sent;
	unsigned long recvd;
} io_count;

static void cnt_send(void *ctx, const uint8_t *d, size_t n)
{
	(void)d;
	((io_count *)ctx)->sent += n;
}

static uint8_t capture[8192];
static size_t capture_len;
static int capturing;

static void cnt_recv(void *ctx, const uint8_t *d, size_t n)
{
	((io_count *)ctx)->recvd += n;
	if (capturing && capture_len + n <= sizeof capture) {
		memcpy(capture + capture_len, d, n);
		capture_len += n;
	}
}

/* From the clean run's server stream: for each batch command, the byte
 * count from which on the client must report `partial` for it: one byte
 * of its reply; for SUBSCRIBE, the end of the first element ("subscribe")
 * of its confirmation push. */
static unsigned long began_at[BATCH];

static void analyze_capture(void)
{
	moor_resp_decoder dec;
	moor_resp_event ev;
	size_t pos = 0, used;
	unsigned long starts[32];
	unsigned long elem0[32];
	int push[32], n = 0, k, m;

	moor_resp_decoder_init(&dec, sizeof capture);
	while (pos < capture_len && n < 32) {
		int idle = moor_resp_decoder_idle(&dec);
		int st = moor_resp_next(&dec, capture + pos, capture_len - pos, &used, &ev);

		if (st != 1)
			break;
		if (idle) {
			starts[n] = pos;
			push[n] = ev.type == '>';
			elem0[n] = 0;
		}
		pos += used;
		if (ev.depth == 1 && ev.kind == MOOR_RESP_EV_VALUE && elem0[n] == 0)
			elem0[n] = pos;
		if (moor_resp_reply_done(&dec) != 0)
			n++;
	}
	/* messages: HELLO, SELECT, then the batch's */
	m = 2;
	for (k = 0; k < BATCH; k++) {
		int want_push = k == 2;

		while (m < n && push[m] != want_push)
			m++;
		MOOR_CHECK(m < n);
		if (m >= n)
			return;
		began_at[k] = want_push ? elem0[m] : starts[m] + 1;
		m++;
	}
}

/* Offsets measured on a clean run: where each command starts in the
 * client's stream; where each answer's first event becomes decodable and
 * where it ends in the server's. */
static unsigned long cmd_start[BATCH + 1];
static unsigned long reply_first[BATCH], reply_end[BATCH];
static uint32_t batch_seq0;
static io_count *cur_io;
static int recording;
static uint8_t *cur_seen;

static void note_event(const moor_redis_event *ev)
{
	int k = (int)(ev->seq - batch_seq0);

	if (k < 0 || k >= BATCH)
		return;
	if (recording && !ev->push && reply_first[k] == 0)
		reply_first[k] = cur_io->recvd;
	/* the confirmation of SUBSCRIBE (batch[2]): its kind element */
	if (recording && ev->push && k == 2 && reply_first[k] == 0 &&
	    ev->resp.depth == 1 && ev->resp.kind == MOOR_RESP_EV_VALUE)
		reply_first[k] = cur_io->recvd;
	if (ev->acked) {
		cur_seen[k] = 1;
		if (recording)
			reply_end[k] = cur_io->recvd;
	}
}

/* The pushes of the batch go through the callback. */
static void on_push_batch(void *ctx, const moor_redis_event *ev)
{
	(void)ctx;
	if (cur_io != NULL)
		note_event(ev);
}

/* Connect, append the batch, read until done or an error. Returns the
 * final status; `seen` gets the acks delivered to us. */
static int batch_run(const moor_fault_config *fc, uint8_t *seen, io_count *io, int rec)
{
	moor_redis_event ev;
	int st, i;
	uint32_t seq;

	cc.use_fault = 1;
	cc.fc = *fc;
	cc.fc.on_send = cnt_send;
	cc.fc.on_recv = cnt_recv;
	cc.fc.observer_ctx = io;
	memset(seen, 0, BATCH);
	cur_io = io;
	cur_seen = seen;
	recording = rec;
	batch_seq0 = r.seq_next + 100;   /* nothing matches until set */
	st = moor_redis_connect(&r, 1000);
	if (st != MOOR_OK)
		return st;
	if (rec)
		cmd_start[0] = io->sent;
	batch_seq0 = r.seq_next;
	for (i = 0; i < BATCH; i++) {
		size_t argc = batch[i][2] != NULL ? 3 : 2;

		for (;;) {
			st = moor_redis_append(&r, argc, batch[i], NULL, &seq);
			if (st == 1)
				break;
			if (st < 0)
				return st;
			st = moor_redis_flush(&r);
			if (st < 0)
				return st;
			if (st > 0 && (st = moor_redis_wait(&r, 1000)) < 0)
				return st;
		}
		if (rec) {
			size_t sz = 0;

			(void)moor_resp_command_size(argc, batch[i], NULL, &sz);
			cmd_start[i + 1] = cmd_start[i] + sz;
		}
	}
	while (moor_redis_pending(&r) > 0) {
		st = moor_redis_poll(&r, &ev, 1000);
		if (st < 0)
			return st;
		note_event(&ev);
	}
	return MOOR_OK;
}

/* batch_run(), then what had arrived before a failure. */
static int batch_run_drain(const moor_fault_config *fc, uint8_t *seen, io_count *io)
{
	moor_redis_event ev;
	int st = batch_run(fc, seen, io, 0), st2;

	if (st < 0 && st != MOOR_ERR_TIMEOUT) {
		while ((st2 = moor_redis_next(&r, &ev)) == 1)
			note_event(&ev);
		if (st2 != st)
			MOOR_CHECK_INT(st2, st);
	}
	return st;
}

static void check_account(const char *side, long n, int st, int want_st,
	const uint8_t *seen, const io_count *io, unsigned long *mismatch)
{
	moor_redis_delivery d;
	int k, bad = 0;
	fake *f = &cc.nodes[0];

	if (st == MOOR_OK && (side[0] == 's' && side[1] == 'e' ? io->sent : io->recvd) <= (unsigned long)n)
		return;        /* the fault lay beyond this run's bytes */
	if (st != want_st)
		bad = 1;
	moor_redis_delivery_get(&r, &d);
	if (st == want_st && (d.acked > d.started || d.started > d.next))
		bad = 1;
	for (k = 0; k < BATCH && st != MOOR_OK; k++) {
		uint32_t seq = batch_seq0 + (uint32_t)k;

		if (d.next != batch_seq0 + BATCH)
			break;    /* failed inside the handshake: nothing of the batch */
		if (seq < d.acked) {
			/* answered: we saw it, its reply is entirely in */
			if (!seen[k] || reply_end[k] > io->recvd)
				bad = 1;
		} else {
			if (seen[k])
				bad = 1;
			if (reply_end[k] <= io->recvd)
				bad = 1;  /* its reply was in and not reported */
		}
		if (seq >= d.started) {
			/* not sent: the server saw no byte of it */
			if (f->bytes_in > cmd_start[k])
				bad = 1;
		} else if (st != MOOR_ERR_TIMEOUT && side[0] != 's') {
			/* started: offered to the transport. Exact on the
			 * receive side (sends never fail there); on the send
			 * side a failed send() counts what it was offered. */
			if (f->bytes_in <= cmd_start[k])
				bad = 1;
		}
	}
	if (st != MOOR_OK && d.next == batch_seq0 + BATCH && d.acked < d.next) {
		int k2 = (int)(d.acked - batch_seq0);
		int began = k2 >= 0 && k2 < BATCH && io->recvd >= began_at[k2];

		if (k2 >= 0 && k2 < BATCH && d.partial != began)
			bad = 1;
	}
	if (bad) {
		(*mismatch)++;
		if (*mismatch <= 5)
			fprintf(stderr, "  seen %d%d%d%d%d%d%d\n", seen[0], seen[1], seen[2], seen[3], seen[4], seen[5], seen[6]);
		if (*mismatch <= 5)
			fprintf(stderr, "  %s offset %ld: status %s (want %s), acked %lu started %lu next %lu partial %d, sent %lu recvd %lu server in %lu\n",
				side, n, moor_status_name(st), moor_status_name(want_st),
				(unsigned long)(d.acked - batch_seq0), (unsigned long)(d.started - batch_seq0),
				(unsigned long)(d.next - batch_seq0), d.partial, io->sent, io->recvd,
				f->bytes_in);
	}
}

static void test_delivery(void)
{
	moor_fault_config fc;
	io_count io;
	uint8_t seen[BATCH];
	unsigned long mismatch = 0, total_sent, total_recvd;
	long n;
	int st, k;
	static const int statuses[] = { MOOR_ERR_INJECTED, MOOR_ERR_CLOSED, MOOR_ERR_RESET };

	knobs_default();
	cc.knobs[0].user = "app";
	cc.knobs[0].pass = "secret";
	cc.knobs[0].requirepass = 1;
	cfg_default();
	cfg.user = "app";
	cfg.password = "secret";
	cfg.client_name = "batch";
	cfg.db = 3;
	cfg.on_push = on_push_batch;
	setup(256, 128);

	/* clean run, one byte per read, to measure the offsets */
	moor_fault_config_default(&fc);
	fc.max_recv_chunk = 1;
	memset(&io, 0, sizeof io);
	capturing = 1;
	st = batch_run(&fc, seen, &io, 1);
	capturing = 0;
	MOOR_CHECK_INT(st, MOOR_OK);
	analyze_capture();
	for (k = 0; k < BATCH; k++)
		printf("  batch[%d]: starts at %lu out; began at %lu, first event %lu, end %lu in\n", k,
			cmd_start[k], began_at[k], reply_first[k], reply_end[k]);
	for (k = 0; k < BATCH; k++) {
		MOOR_CHECK(seen[k]);
		MOOR_CHECK(reply_first[k] > 0 && reply_first[k] <= reply_end[k]);
	}
	total_sent = io.sent;
	total_recvd = io.recvd;
	moor_redis_close(&r);
	printf("delivery: connect + AUTH + SELECT + %d commands: %lu bytes out, %lu in\n",
		BATCH, total_sent, total_recvd);
	(void)batch_replies;

	for (k = 0; k < 3; k++) {
		for (n = 0; n <= (long)total_sent; n++) {
			moor_fault_config_default(&fc);
			fc.fail_after_send = n;
			fc.fail_status = statuses[k];
			fc.max_send_chunk = (size_t)(n % 5);   /* short writes too */
			memset(&io, 0, sizeof io);
			st = batch_run_drain(&fc, seen, &io);
			check_account("send", n, st, statuses[k], seen, &io, &mismatch);
			moor_redis_close(&r);
		}
		for (n = 0; n <= (long)total_recvd; n++) {
			moor_fault_config_default(&fc);
			fc.fail_after_recv = n;
			fc.fail_status = statuses[k];
			fc.max_recv_chunk = (size_t)(n % 4);
			memset(&io, 0, sizeof io);
			st = batch_run_drain(&fc, seen, &io);
			check_account("recv", n, st, statuses[k], seen, &io, &mismatch);
			moor_redis_close(&r);
		}
	}
	/* stalls: the deadline fires, the account is just as exact */
	for (n = 0; n < (long)total_recvd; n++) {
		moor_fault_config_default(&fc);
		cc.knobs[0].stall = 1;
		cc.knobs[0].stall_at = n;
		memset(&io, 0, sizeof io);
		st = batch_run_drain(&fc, seen, &io);
		check_account("stall", n, st, MOOR_ERR_TIMEOUT, seen, &io, &mismatch);
		moor_redis_close(&r);
	}
	cc.knobs[0].stall = 0;
	cc.use_fault = 0;
	MOOR_CHECK_INT(mismatch, 0);
	printf("delivery: %lu send offsets x 3, %lu recv offsets x 3, %lu stalls; mismatches %lu\n",
		total_sent + 1, total_recvd + 1, total_recvd, mismatch);
	cur_io = NULL;
}

/* ------------------------------------------------------------------ */
/* Reconnect with backoff */

static void test_reconnect(void)
{
	uint32_t waits[8];
	int i, st;

	knobs_default();
	cfg_default();
	cfg.backoff_min_ms = 100;
	cfg.backoff_max_ms = 1000;
	setup(512, 256);
	/* without a sleep hook: one attempt per due time */
	cc.fail_next = 6;
	for (i = 0; i < 6; i++) {
		st = moor_redis_reconnect(&r, 5000);
		MOOR_CHECK_INT(st, MOOR_ERR_CONNECT);
		waits[i] = moor_redis_retry_in(&r);
		MOOR_CHECK_INT(moor_redis_reconnect(&r, 5000), MOOR_ERR_REDIS_BACKOFF);
		fake_now += waits[i];
	}
	/* doubling from 100 to 1000, each less at most half */
	MOOR_CHECK(waits[0] >= 50 && waits[0] <= 100);
	MOOR_CHECK(waits[1] >= 100 && waits[1] <= 200);
	MOOR_CHECK(waits[2] >= 200 && waits[2] <= 400);
	MOOR_CHECK(waits[3] >= 400 && waits[3] <= 800);
	MOOR_CHECK(waits[4] >= 500 && waits[4] <= 1000);
	MOOR_CHECK(waits[5] >= 500 && waits[5] <= 1000);
	MOOR_CHECK_INT(cc.connects, 6);
	MOOR_CHECK_INT(moor_redis_reconnect(&r, 5000), MOOR_OK);
	MOOR_CHECK_INT(cc.connects, 7);
	MOOR_CHECK_INT(moor_redis_retry_in(&r), 0);

	/* with a sleep hook: it waits by itself, every attempt a full connect */
	cfg.sleep = hook_sleep;
	slept_total = 0;
	sleeps = 0;
	cc.fail_next = 3;
	cc.connects = 0;
	MOOR_CHECK_INT(moor_redis_reconnect(&r, 10000), MOOR_OK);   /* connected: nothing */
	MOOR_CHECK_INT(cc.connects, 0);
	moor_redis_close(&r);
	MOOR_CHECK_INT(moor_redis_reconnect(&r, 10000), MOOR_OK);
	MOOR_CHECK_INT(cc.connects, 4);
	MOOR_CHECK_INT(sleeps, 3);
	MOOR_CHECK(slept_total >= 350 && slept_total <= 700);
	MOOR_CHECK_INT(cmd_s("PING", NULL, NULL, NULL), MOOR_OK);
	/* not enough time for the next attempt: the last error */
	cc.fail_next = 100;
	moor_redis_close(&r);
	st = moor_redis_reconnect(&r, 1500);
	MOOR_CHECK_INT(st, MOOR_ERR_CONNECT);
	cc.fail_next = 0;
	/* after a broken connection: immediate attempt (no failure yet) */
	fake_now += 5000;
	MOOR_CHECK_INT(moor_redis_reconnect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_retry_in(&r), 0);
	MOOR_CHECK_INT(append_s("RAW", "?", NULL, NULL), 1);
	MOOR_CHECK_INT(drain(), MOOR_ERR_RESP_BAD_TYPE);
	cc.connects = 0;
	MOOR_CHECK_INT(moor_redis_reconnect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(cc.connects, 1);
	moor_redis_close(&r);
}

/* ------------------------------------------------------------------ */
/* Cluster */

static void test_cluster(void)
{
	moor_redis_redirect rd;
	moor_redis_reply rep;
	static moor_redis_slot table[4];
	static const char *const k1 = "foo";     /* slot 12182 */
	int st;

	/* key slots (known values from the Redis cluster specification) */
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"123456789", 9), 0x31c3 & 16383);
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"foo", 3), 12182);
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"{user1000}.following", 20),
		moor_redis_key_slot((const uint8_t *)"user1000", 8));
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"foo{}{bar}", 10),
		moor_redis_key_slot((const uint8_t *)"foo{}{bar}", 10));
	MOOR_CHECK(moor_redis_key_slot((const uint8_t *)"foo{}{bar}", 10) !=
		moor_redis_key_slot((const uint8_t *)"bar", 3));
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"foo{{bar}}zap", 13),
		moor_redis_key_slot((const uint8_t *)"{bar", 4));
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"foo{bar}{zap}", 13),
		moor_redis_key_slot((const uint8_t *)"bar", 3));
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"", 0), 0);

	/* redirect parsing */
#define PR(s) moor_redis_parse_redirect((const uint8_t *)(s), strlen(s), &rd)
	MOOR_CHECK_INT(PR("MOVED 3999 127.0.0.1:6381"), MOOR_ERR_REDIS_MOVED);
	MOOR_CHECK_INT(rd.slot, 3999);
	MOOR_CHECK_INT(rd.port, 6381);
	MOOR_CHECK_STR(rd.host, "127.0.0.1");
	MOOR_CHECK_INT(rd.ask, 0);
	MOOR_CHECK_INT(PR("ASK 0 node-1.example:7000"), MOOR_ERR_REDIS_ASK);
	MOOR_CHECK_STR(rd.host, "node-1.example");
	MOOR_CHECK_INT(rd.ask, 1);
	MOOR_CHECK_INT(PR("MOVED 16383 ::1:7001"), MOOR_ERR_REDIS_MOVED);
	MOOR_CHECK_STR(rd.host, "::1");
	MOOR_CHECK_INT(PR("MOVED 1 [::1]:7001"), MOOR_ERR_REDIS_MOVED);
	MOOR_CHECK_STR(rd.host, "::1");
	MOOR_CHECK_INT(PR("MOVED 1 :7001"), MOOR_ERR_REDIS_MOVED);
	MOOR_CHECK_STR(rd.host, "");
	MOOR_CHECK_INT(PR("ERR unknown command"), MOOR_OK);
	MOOR_CHECK_INT(PR("MOVEDX 1 a:1"), MOOR_OK);
	MOOR_CHECK_INT(PR("MOVED 16384 a:1"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED 1 a:0"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED 1 a:65536"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED 1 a"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED  a:1"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED 1 a:1 x"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED 1"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED 1 a:x1"), MOOR_ERR_REDIS_PROTOCOL);
	MOOR_CHECK_INT(PR("MOVED 1 0123456789012345678901234567890123456789012345678:1"),
		MOOR_ERR_REDIS_PROTOCOL);
#undef PR

	/* three fake nodes: 7000 owns 0..5460, 7001 5461..10922, 7002 the rest */
	knobs_default();
	cc.knobs[0].cluster = cc.knobs[1].cluster = cc.knobs[2].cluster = 1;
	cc.knobs[0].keep_keys = cc.knobs[1].keep_keys = cc.knobs[2].keep_keys = 1;
	cc.knobs[0].slot_lo = 0;     cc.knobs[0].slot_hi = 5460;
	cc.knobs[1].slot_lo = 5461;  cc.knobs[1].slot_hi = 10922;
	cc.knobs[2].slot_lo = 10923; cc.knobs[2].slot_hi = 16383;
	cc.knobs[0].moved_port = 7002;   /* "foo" (12182) lives on 7002 */
	cc.knobs[1].moved_port = 7002;
	cc.knobs[2].moved_port = 7000;
	cfg_default();
	setup(512, 256);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	/* no table: reported */
	memset(&rep, 0, sizeof rep);
	st = cmd_s("SET", k1, "v", &rep);
	MOOR_CHECK_INT(st, MOOR_ERR_REDIS_MOVED);
	MOOR_CHECK_INT(rep.redirect.slot, 12182);
	MOOR_CHECK_INT(rep.redirect.port, 7002);
	MOOR_CHECK_STR(rep.redirect.host, "127.0.0.1");
	MOOR_CHECK_INT(moor_redis_connected(&r), 1);
	/* with a table: followed, learned, routed next time */
	cfg.slots = table;
	cfg.n_slots = 4;
	cc.connects = 0;
	MOOR_CHECK_INT(cmd_s("SET", k1, "v", &rep), MOOR_OK);
	MOOR_CHECK_INT(cc.connects, 1);
	MOOR_CHECK_INT(cc.last_node, 2);
	MOOR_CHECK_INT(table[0].used, 1);
	MOOR_CHECK_INT(table[0].first, 12182);
	MOOR_CHECK_INT(table[0].port, 7002);
	memset(&rep, 0, sizeof rep);
	{
		const char *argv[2] = { "GET", "bar" };   /* slot 5061: node 7000 */

		cc.connects = 0;
		MOOR_CHECK_INT(moor_redis_command(&r, 2, argv, NULL, &rep, 1000), MOOR_OK);
		MOOR_CHECK_INT(cc.connects, 1);
		MOOR_CHECK_INT(cc.last_node, 0);
	}
	cc.connects = 0;
	memset(&rep, 0, sizeof rep);
	{
		const char *argv[2] = { "GET", "foo" };

		MOOR_CHECK_INT(moor_redis_command(&r, 2, argv, NULL, &rep, 1000), MOOR_OK);
		MOOR_CHECK_INT(cc.connects, 1);          /* straight to 7002 */
		MOOR_CHECK_INT(cc.last_node, 2);
		MOOR_CHECK(rep_is(&rep, '$', "v"));
	}
	/* ASK: ASKING then the command on the target, table unchanged */
	cc.knobs[2].ask_slot = 12182;
	cc.knobs[2].ask_port = 7001;
	cc.knobs[1].moved_port = 7002;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);   /* fresh 7002 with ask */
	{
		const char *argv[3] = { "SET", "foo", "w" };

		cc.connects = 0;
		MOOR_CHECK_INT(moor_redis_command(&r, 3, argv, NULL, &rep, 1000), MOOR_OK);
		MOOR_CHECK_INT(cc.connects, 1);
		MOOR_CHECK_INT(cc.last_node, 1);
		MOOR_CHECK_INT(table[0].port, 7002);
	}
	/* CLUSTER SLOTS: ranges with master and replica, a RESP3 metadata
	 * map (Redis 7.2+), "?" for an unknown endpoint, a bad range; more
	 * ranges than entries */
	cc.knobs[0].slots_reply =
		"*5\r\n"
		"*4\r\n:0\r\n:5460\r\n*4\r\n$9\r\n127.0.0.1\r\n:7000\r\n$2\r\nid\r\n%1\r\n"
		"$8\r\nhostname\r\n$2\r\nn1\r\n*3\r\n$9\r\n127.0.0.1\r\n:7100\r\n$2\r\nr1\r\n"
		"*3\r\n:5461\r\n:10922\r\n*3\r\n$1\r\n?\r\n:7001\r\n$2\r\nid\r\n"
		"*3\r\n:9\r\n:3\r\n*2\r\n$1\r\nx\r\n:1\r\n"
		"*3\r\n:10923\r\n:16383\r\n*3\r\n$9\r\nlocalhost\r\n:7002\r\n$2\r\nid\r\n"
		"*3\r\n:1\r\n:2\r\n*2\r\n$1\r\nh\r\n:70000\r\n";
	cfg.slots = table;
	cfg.n_slots = 4;
	memset(table, 0, sizeof table);
	moor_redis_close(&r);
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_cluster_refresh(&r, 1000), 3);
	MOOR_CHECK(table[0].used && table[0].first == 0 && table[0].last == 5460 &&
		table[0].port == 7000 && strcmp(table[0].host, "127.0.0.1") == 0);
	MOOR_CHECK(table[1].used && table[1].first == 5461 && table[1].port == 7001 &&
		table[1].host[0] == '\0');
	MOOR_CHECK(table[2].used && table[2].last == 16383 && strcmp(table[2].host, "localhost") == 0);
	MOOR_CHECK_INT(table[3].used, 0);
	cfg.n_slots = 2;
	MOOR_CHECK_INT(moor_redis_cluster_refresh(&r, 1000), 2);
	cfg.n_slots = 4;
	cc.knobs[0].slots_reply = "-ERR This instance has cluster support disabled\r\n";
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_cluster_refresh(&r, 1000), MOOR_ERR_REDIS_ERROR);
	MOOR_CHECK(table[0].used);   /* unchanged */
	cc.knobs[0].slots_reply = NULL;
	cfg.slots = NULL;
	MOOR_CHECK_INT(moor_redis_cluster_refresh(&r, 1000), MOOR_ERR_CONFIG);
	cfg.slots = table;

	/* a redirect loop ends after max_redirects */
	cc.knobs[0].slot_hi = -1;
	cc.knobs[0].moved_port = 7000;
	cfg.slots = table;
	memset(table, 0, sizeof table);
	cc.knobs[2].ask_slot = -1;
	cc.knobs[2].slot_lo = 99999;
	cc.knobs[2].moved_port = 7002;
	r.node_port = 7002;
	MOOR_CHECK_INT(moor_redis_connect(&r, 1000), MOOR_OK);
	cfg.max_redirects = 3;
	cc.connects = 0;
	MOOR_CHECK_INT(cmd_s("GET", "foo", NULL, &rep), MOOR_ERR_REDIS_MOVED);
	moor_redis_close(&r);
	cfg.slots = NULL;
}

/* ------------------------------------------------------------------ */
/* Hostile servers: the clean session's server bytes (captured by
 * test_delivery) mutated at random, replayed to the client. Every run
 * must end in a documented status, never crash, hang or read outside its
 * buffers (ASan / valgrind variants). */

typedef struct replay {
	moor_transport base;
	const uint8_t *data;
	size_t len, off;
	size_t chunk;
	int closed;
} replay;

static int rp_send(moor_transport *t, const uint8_t *d, size_t n)
{
	replay *p = (replay *)t;

	(void)d;
	return p->closed ? MOOR_ERR_NOT_CONNECTED : (int)(n > 0x7fffffff ? 0x7fffffff : n);
}

static int rp_recv(moor_transport *t, uint8_t *b, size_t n)
{
	replay *p = (replay *)t;

	if (p->closed)
		return MOOR_ERR_NOT_CONNECTED;
	if (p->off == p->len)
		return MOOR_ERR_CLOSED;
	if (n > p->chunk)
		n = p->chunk;
	if (n > p->len - p->off)
		n = p->len - p->off;
	memcpy(b, p->data + p->off, n);
	p->off += n;
	return (int)n;
}

static int rp_flush(moor_transport *t)
{
	(void)t;
	return 0;
}

static int rp_wait(moor_transport *t, unsigned ev, uint32_t ms)
{
	(void)t;
	(void)ms;
	return (int)ev;
}

static void rp_close(moor_transport *t)
{
	((replay *)t)->closed = 1;
}

static const moor_transport_class replay_class = { rp_send, rp_recv, rp_flush, rp_wait, rp_close };
static replay rp;
static uint8_t mutated[sizeof capture];

static int rp_connect(void *ctx, const char *host, uint16_t port,
	moor_transport **t, uint32_t timeout_ms)
{
	(void)ctx; (void)host; (void)port; (void)timeout_ms;
	rp.base.vtable = &replay_class;
	rp.off = 0;
	rp.closed = 0;
	*t = &rp.base;
	return MOOR_OK;
}

static int documented(int st)
{
	return st == MOOR_OK || st == MOOR_ERR_CLOSED ||
		(st <= MOOR_ERR_RESP_PROTOCOL && st >= MOOR_ERR_RESP_BAD_DOUBLE) ||
		st == MOOR_ERR_REDIS_UNEXPECTED || st == MOOR_ERR_REDIS_AUTH ||
		st == MOOR_ERR_REDIS_HANDSHAKE || st == MOOR_ERR_REDIS_SELECT ||
		st == MOOR_ERR_REDIS_NOHELLO;
}

static void test_mutations(void)
{
	static const char *const mut = "\r\n$*%>_:-!=~|#,(?;.0123456789x";
	moor_redis_event ev;
	uint32_t x = 2463534242u;
	unsigned long runs, bad = 0, connected = 0, events = 0;
	int st, i, k;

	cfg_default();
	cfg.connect = rp_connect;
	cfg.disconnect = NULL;
	cfg.user = "app";
	cfg.password = "secret";
	cfg.client_name = "batch";
	cfg.db = 3;
	cfg.on_push = NULL;
	setup(256, 128);
	MOOR_CHECK(capture_len > 100);
	for (runs = 0; runs < 3000; runs++) {
		size_t n = capture_len, edits;

		memcpy(mutated, capture, n);
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		edits = 1 + x % 4;
		for (k = 0; k < (int)edits; k++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			switch (x % 4) {
			case 0:   /* replace a byte by a RESP character */
				mutated[(x >> 8) % n] = (uint8_t)mut[(x >> 20) % strlen(mut)];
				break;
			case 1:   /* flip a bit */
				mutated[(x >> 8) % n] ^= (uint8_t)(1u << ((x >> 20) % 8));
				break;
			case 2:   /* cut the stream */
				n = 1 + (x >> 8) % n;
				break;
			default:  /* a huge length */
				{
					size_t at = (x >> 8) % n;

					if (at + 3 < n) {
						mutated[at] = '$';
						mutated[at + 1] = '9';
						mutated[at + 2] = '9';
					}
				}
				break;
			}
		}
		rp.data = mutated;
		rp.len = n;
		rp.chunk = 1 + runs % 7;
		st = moor_redis_connect(&r, 1000);
		if (st == MOOR_OK) {
			connected++;
			for (i = 0; i < BATCH && st >= 0; i++)
				st = moor_redis_append(&r, batch[i][2] != NULL ? 3 : 2, batch[i], NULL, NULL);
			while (st >= 0 && moor_redis_pending(&r) > 0) {
				st = moor_redis_poll(&r, &ev, 100);
				if (st == 1)
					events++;
			}
			if (st > 0)
				st = MOOR_OK;
		}
		if (!documented(st)) {
			bad++;
			if (bad <= 5)
				fprintf(stderr, "  mutation run %lu: %s\n", runs, moor_status_name(st));
		}
		moor_redis_close(&r);
	}
	MOOR_CHECK_INT(bad, 0);
	printf("mutations: %lu hostile sessions, %lu got through the handshake, %lu events;"
		" undocumented statuses %lu\n", runs, connected, events, bad);
}

/* ------------------------------------------------------------------ */

int main(void)
{
	moor_test_heap_guard(1);
	test_args();
	test_handshake();
	test_pipeline();
	test_large();
	test_pubsub_resp3();
	test_pubsub_resp2();
	test_violations();
	test_delivery();
	test_mutations();
	test_reconnect();
	test_cluster();
	printf("sizeof(moor_redis) = %lu, moor_resp_decoder = %lu, moor_redis_event = %lu\n",
		(unsigned long)sizeof(moor_redis), (unsigned long)sizeof(moor_resp_decoder),
		(unsigned long)sizeof(moor_redis_event));
	moor_test_heap_guard(0);
	return moor_test_done();
}
