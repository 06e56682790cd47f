/*
 * The Redis client against a real redis-server (started by redis.sh).
 *
 *   redis_interop HOST PORT CASE [--ca FILE] [--sni NAME] [--cert F --key K]
 *                 [--tls 1.2|1.3|auto|off] [--user U] [--pass P]
 *                 [--max-frag N] [--plain-port P]
 *
 * CASEs:
 *   pipeline   HELLO 3 + AUTH + SETNAME + SELECT, then 2000 INCRs pipelined
 *              through a 1 KiB / 256-byte buffer pair; CLIENT INFO agrees
 *   large      a 1 MiB value out through a 256-byte transmit buffer and back
 *              through a 1 KiB receive buffer (chunks), byte for byte
 *   pubsub     RESP3: SUBSCRIBE / PSUBSCRIBE on one connection while it
 *              keeps running commands; messages from a second connection
 *              arrive as pushes in order, interleaved with the replies
 *   pubsub2    the same Pub/Sub traffic on a RESP2 connection
 *   mfl        records of at most 1024 bytes (max_fragment_length) with a
 *              MOOR_TLS_BUFSIZE(1024) buffer; prints the RAM per connection
 *   acl        NOPERM and WRONGPASS as statuses; CLIENT INFO shows the user
 *   reconnect  the server kills the connection: delivery account, then
 *              reconnect (a full, verified handshake; a wrong CA now fails)
 *   fallback   a server without HELLO: RESP2 with AUTH; NOHELLO with resp 3
 *   cluster    three nodes (PORT, --node2, --node3), slot 12182 migrating
 *              from node 3 to node 1: MOVED and ASK reported without a
 *              slot table, followed with one, the table learned
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/posix.h"
#include "moor/redis.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "redis_conn.h"
#include "testlib.h"

static const moor_platform *plat;
static const char *host, *sni, *user, *pass;
static uint16_t port, node2, node3;
static uint16_t vmin, vmax;
static int use_tls = 1;
static unsigned long frag = 16384;
static const moor_anchors *anchors;
static const moor_credentials *client_creds;

/* connection A (the one under test) and B (a helper) */
static uint8_t iobuf_a[MOOR_TLS_BUFSIZE_FULL], iobuf_b[MOOR_TLS_BUFSIZE_FULL];
static uint8_t rx_a[64 * 1024], tx_a[64 * 1024], rx_b[4096], tx_b[4096];
static rconn ca, cb;
static moor_redis ra, rb;
static moor_redis_config cfg_a, cfg_b;

static void conn_setup(rconn *c, uint8_t *iobuf, unsigned long f)
{
	rconn_init(c, plat, host, port);
	c->use_tls = use_tls;
	c->iobuf = iobuf;
	c->iobuf_len = MOOR_TLS_BUFSIZE(f);
	c->tcfg.server_name = sni;
	c->tcfg.anchors = anchors;
	c->tcfg.client = client_creds;
	c->tcfg.version_min = vmin;
	c->tcfg.version_max = vmax;
}

static int client_setup(moor_redis *r, moor_redis_config *cfg, rconn *c,
	uint8_t *rx, size_t rxcap, uint8_t *tx, size_t txcap, int resp)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->connect = rconn_connect;
	cfg->disconnect = rconn_disconnect;
	cfg->conn_ctx = c;
	cfg->user = user;
	cfg->password = pass;
	cfg->resp = (uint8_t)resp;
	cfg->timeout_ms = 10000;
	cfg->connect_timeout_ms = 10000;
	return moor_redis_init(r, cfg, plat, rx, rxcap, tx, txcap);
}

/* One command on `r`, its reply; aborts the case on failure. */
static int cmd(moor_redis *r, moor_redis_reply *rep, int argc, ...)
{
	const char *argv[8];
	va_list ap;
	int i;

	va_start(ap, argc);
	for (i = 0; i < argc && i < 8; i++)
		argv[i] = va_arg(ap, const char *);
	va_end(ap);
	memset(rep, 0, sizeof *rep);
	return moor_redis_command(r, (size_t)argc, argv, NULL, rep, 10000);
}

static int rep_has(const moor_redis_reply *rep, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; rep->ptr != NULL && i + n <= rep->len; i++) {
		if (memcmp(rep->ptr + i, needle, n) == 0)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static int case_pipeline(void)
{
	static const int N = 2000;
	moor_redis_reply rep;
	moor_redis_event ev;
	int queued = 0, got = 0, st;
	uint32_t first = 0, seq;
	long expect = 1;

	conn_setup(&ca, iobuf_a, frag);
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_a, 1024, tx_a, 256, 0), MOOR_OK);
	cfg_a.client_name = "moor-test";
	cfg_a.db = 1;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&ra), 3);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "DEL", "ctr"), MOOR_OK);
	while (got < N) {
		while (queued < N) {
			const char *argv[2] = { "INCR", "ctr" };

			st = moor_redis_append(&ra, 2, argv, NULL, &seq);
			if (st < 0) {
				MOOR_CHECK_INT(st, 1);
				return 1;
			}
			if (st == 0)
				break;
			if (queued == 0)
				first = seq;
			queued++;
		}
		st = moor_redis_poll(&ra, &ev, 10000);
		if (st != 1) {
			MOOR_CHECK_INT(st, 1);
			return 1;
		}
		if (ev.resp.type != ':' || ev.resp.num != expect || ev.seq != first + (uint32_t)got) {
			MOOR_CHECK_INT(ev.resp.num, expect);
			MOOR_CHECK_INT(ev.seq, first + (uint32_t)got);
			return 1;
		}
		expect++;
		got++;
	}
	moor_test_checks++;
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "CLIENT", "INFO"), MOOR_OK);
	MOOR_CHECK(rep_has(&rep, " name=moor-test "));
	MOOR_CHECK(rep_has(&rep, " db=1 "));
	MOOR_CHECK(rep_has(&rep, " resp=3"));
	if (user != NULL) {
		char u[80];

		snprintf(u, sizeof u, " user=%s ", user);
		MOOR_CHECK(rep_has(&rep, u));
	}
	printf("pipeline: %d INCRs, replies in order; %.*s\n", N,
		(int)(rep.len > 60 ? 60 : rep.len), (const char *)rep.ptr);
	moor_redis_close(&ra);
	return 0;
}

static uint8_t big[1024 * 1024];

static int case_large(void)
{
	moor_redis_reply rep;
	moor_redis_event ev;
	const char *argv[3];
	size_t argvlen[3], got = 0, i, chunks = 0, maxchunk = 0;
	uint32_t seq;
	int st, bad = 0;

	for (i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + 3 + (i >> 13));
	conn_setup(&ca, iobuf_a, frag);
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_a, 1024, tx_a, 256, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	argv[0] = "SET";
	argv[1] = "big";
	argv[2] = (const char *)big;
	argvlen[0] = 3;
	argvlen[1] = 3;
	argvlen[2] = sizeof big;
	memset(&rep, 0, sizeof rep);
	MOOR_CHECK_INT(moor_redis_command(&ra, 3, argv, argvlen, &rep, 20000), MOOR_OK);
	MOOR_CHECK(rep.type == '+' && rep.len == 2);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "STRLEN", "big"), MOOR_OK);
	MOOR_CHECK_INT(rep.num, (long)sizeof big);
	argv[0] = "GET";
	MOOR_CHECK_INT(moor_redis_send(&ra, 2, argv, argvlen, &seq, 10000), MOOR_OK);
	for (;;) {
		st = moor_redis_poll(&ra, &ev, 10000);
		if (st != 1) {
			MOOR_CHECK_INT(st, 1);
			return 1;
		}
		if (ev.resp.kind != MOOR_RESP_EV_CHUNK) {
			MOOR_CHECK_INT(ev.resp.kind, MOOR_RESP_EV_CHUNK);
			return 1;
		}
		for (i = 0; i < ev.resp.len && got + i < sizeof big; i++)
			bad += ev.resp.ptr[i] != big[got + i];
		got += ev.resp.len;
		chunks++;
		if (ev.resp.len > maxchunk)
			maxchunk = ev.resp.len;
		if (ev.acked)
			break;
	}
	MOOR_CHECK_INT(got, sizeof big);
	MOOR_CHECK_INT(bad, 0);
	MOOR_CHECK(maxchunk <= 1024);
	printf("large: 1 MiB out through 256 bytes, back in %lu chunks of at most %lu\n",
		(unsigned long)chunks, (unsigned long)maxchunk);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "DEL", "big"), MOOR_OK);
	moor_redis_close(&ra);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Pub/Sub */

typedef struct {
	int msgs;            /* messages seen, in order */
	int bad;
	int elem;            /* element index in the current push */
	int is_msg;
	int acks;
} sub_state;

static sub_state subst;

static void on_push(void *ctx, const moor_redis_event *ev)
{
	sub_state *s = ctx;
	const moor_resp_event *e = &ev->resp;

	if (e->depth == 0 && e->kind == MOOR_RESP_EV_BEGIN) {
		s->elem = 0;
		s->is_msg = 0;
		return;
	}
	if (ev->acked)
		s->acks++;
	if (e->depth != 1 || e->kind != MOOR_RESP_EV_VALUE)
		return;
	if (s->elem == 0)
		s->is_msg = e->len == 7 && memcmp(e->ptr, "message", 7) == 0;
	/* "message", channel, payload "m<n>" */
	if (s->is_msg && s->elem == 2) {
		char want[16];

		snprintf(want, sizeof want, "m%d", s->msgs);
		if (e->len != strlen(want) || memcmp(e->ptr, want, e->len) != 0)
			s->bad++;
		s->msgs++;
	}
	s->elem++;
}

static int case_pubsub(int resp)
{
	static const int N = 300;
	moor_redis_reply rep;
	moor_redis_event ev;
	char payload[16];
	int i, st, replies = 0, sent_cmds = 0;

	memset(&subst, 0, sizeof subst);
	conn_setup(&ca, iobuf_a, frag);
	conn_setup(&cb, iobuf_b, 16384);
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_a, 512, tx_a, 256, resp), MOOR_OK);
	MOOR_CHECK_INT(client_setup(&rb, &cfg_b, &cb, rx_b, sizeof rx_b, tx_b, sizeof tx_b, 2), MOOR_OK);
	cfg_a.on_push = on_push;
	cfg_a.push_ctx = &subst;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_connect(&rb, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&ra), resp);
	{
		const char *argv[3] = { "SUBSCRIBE", "news", "sport" };

		MOOR_CHECK_INT(moor_redis_send(&ra, 3, argv, NULL, NULL, 5000), MOOR_OK);
	}
	{
		const char *argv[2] = { "PSUBSCRIBE", "weather.*" };

		MOOR_CHECK_INT(moor_redis_send(&ra, 2, argv, NULL, NULL, 5000), MOOR_OK);
	}
	while (moor_redis_pending(&ra) > 0) {
		st = moor_redis_poll(&ra, &ev, 5000);
		if (st < 0) {
			MOOR_CHECK_INT(st, 1);
			return 1;
		}
	}
	MOOR_CHECK_INT(subst.acks, 2);
	MOOR_CHECK_INT(cmd(&rb, &rep, 2, "PUBSUB", "NUMSUB"), MOOR_OK);
	/* B publishes; A keeps running commands in between (RESP3: any
	 * command; RESP2: only PING is allowed while subscribed) */
	for (i = 0; i < N; i++) {
		snprintf(payload, sizeof payload, "m%d", i);
		MOOR_CHECK_INT(cmd(&rb, &rep, 3, "PUBLISH", "news", payload), MOOR_OK);
		MOOR_CHECK_INT(rep.num, 1);
		if (i % 3 == 0) {
			const char *argv3[2] = { "INCR", "subctr" };
			const char *argv2[1] = { "PING" };

			st = resp == 3 ? moor_redis_append(&ra, 2, argv3, NULL, NULL)
				: moor_redis_append(&ra, 1, argv2, NULL, NULL);
			MOOR_CHECK_INT(st, 1);
			sent_cmds++;
		}
		/* read whatever has arrived */
		while ((st = moor_redis_next(&ra, &ev)) == 1) {
			if (!ev.push && ev.acked)
				replies++;
		}
		if (st < 0) {
			MOOR_CHECK_INT(st, 0);
			return 1;
		}
	}
	/* a pattern message too */
	MOOR_CHECK_INT(cmd(&rb, &rep, 3, "PUBLISH", "weather.oslo", "snow"), MOOR_OK);
	{
		const char *argv[1] = { "UNSUBSCRIBE" };
		const char *pargv[1] = { "PUNSUBSCRIBE" };

		MOOR_CHECK_INT(moor_redis_append(&ra, 1, argv, NULL, NULL), 1);
		MOOR_CHECK_INT(moor_redis_append(&ra, 1, pargv, NULL, NULL), 1);
	}
	while (moor_redis_pending(&ra) > 0 || subst.msgs < N) {
		st = moor_redis_poll(&ra, &ev, 5000);
		if (st < 0) {
			MOOR_CHECK_INT(st, 1);
			return 1;
		}
		if (!ev.push && ev.acked)
			replies++;
	}
	MOOR_CHECK_INT(subst.msgs, N);
	MOOR_CHECK_INT(subst.bad, 0);
	MOOR_CHECK_INT(replies, sent_cmds);
	MOOR_CHECK_INT(subst.acks, 4);
	MOOR_CHECK_INT(ra.n_chan + ra.n_pat, 0);
	/* back to normal */
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "GET", "subctr"), MOOR_OK);
	printf("pubsub RESP%d: %d messages as pushes in order, %d replies interleaved\n",
		resp, subst.msgs, replies);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "DEL", "subctr"), MOOR_OK);
	moor_redis_close(&ra);
	moor_redis_close(&rb);
	return 0;
}

/* ------------------------------------------------------------------ */

static uint8_t rx_small[512], tx_small[128];

static int case_mfl(void)
{
	moor_redis_reply rep;
	moor_redis_event ev;
	const char *argv[3];
	size_t argvlen[3], got = 0, i;
	size_t ram;
	int st;

	for (i = 0; i < 100000; i++)
		big[i] = (uint8_t)('a' + i % 26);
	conn_setup(&ca, iobuf_a, 1024);
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_small, sizeof rx_small,
		tx_small, sizeof tx_small, 0), MOOR_OK);
	cfg_a.client_name = "mfl";
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	argv[0] = "SET";
	argv[1] = "mflkey";
	argv[2] = (const char *)big;
	argvlen[0] = 3;
	argvlen[1] = 6;
	argvlen[2] = 100000;
	MOOR_CHECK_INT(moor_redis_command(&ra, 3, argv, argvlen, &rep, 10000), MOOR_OK);
	argv[0] = "GET";
	MOOR_CHECK_INT(moor_redis_send(&ra, 2, argv, argvlen, NULL, 10000), MOOR_OK);
	do {
		st = moor_redis_poll(&ra, &ev, 10000);
		if (st != 1) {
			MOOR_CHECK_INT(st, 1);
			return 1;
		}
		if (ev.resp.kind == MOOR_RESP_EV_CHUNK)
			got += ev.resp.len;
	} while (!ev.acked);
	MOOR_CHECK_INT(got, 100000);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "DEL", "mflkey"), MOOR_OK);
	printf("mfl: %s, record_limit %u, largest record received %lu bytes\n",
		moor_tls_version_name(moor_tls_get_info(&ca.tls)->version),
		(unsigned)moor_tls_get_info(&ca.tls)->record_limit, (unsigned long)ca.max_record);
	MOOR_CHECK(ca.max_record > 1024);          /* the GET filled records */
	MOOR_CHECK(ca.max_record <= 5 + 1024 + 256);
	moor_redis_close(&ra);

	ram = sizeof(moor_tls) + MOOR_TLS_BUFSIZE(1024) + sizeof(moor_posix_tcp) +
		sizeof(moor_redis) + sizeof rx_small + sizeof tx_small;
	printf("RAM per connection (MFL 1024): moor_tls %lu + TLS buffer %lu + moor_posix_tcp %lu"
		" + moor_redis %lu + rx %lu + tx %lu = %lu bytes\n",
		(unsigned long)sizeof(moor_tls), (unsigned long)MOOR_TLS_BUFSIZE(1024),
		(unsigned long)sizeof(moor_posix_tcp), (unsigned long)sizeof(moor_redis),
		(unsigned long)sizeof rx_small, (unsigned long)sizeof tx_small, (unsigned long)ram);
	return 0;
}

static int case_acl(void)
{
	moor_redis_reply rep;
	int st;

	conn_setup(&ca, iobuf_a, frag);
	/* the restricted user: GET allowed, SET refused */
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_a, 1024, tx_a, 256, 0), MOOR_OK);
	cfg_a.user = "reader";
	cfg_a.password = "readpw";
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "GET", "x"), MOOR_OK);
	st = cmd(&ra, &rep, 3, "SET", "x", "1");
	MOOR_CHECK_INT(st, MOOR_ERR_REDIS_ERROR);
	MOOR_CHECK(rep.type == '-' && rep.len > 6 && memcmp(rep.ptr, "NOPERM", 6) == 0);
	MOOR_CHECK_INT(moor_redis_connected(&ra), 1);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "CLIENT", "INFO"), MOOR_OK);
	MOOR_CHECK(rep_has(&rep, " user=reader "));
	/* wrong password, both ways */
	cfg_a.password = "wrong";
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_ERR_REDIS_AUTH);
	cfg_a.resp = 2;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_ERR_REDIS_AUTH);
	/* no password at all */
	cfg_a.resp = 0;
	cfg_a.user = NULL;
	cfg_a.password = NULL;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_ERR_REDIS_AUTH);
	/* a database that does not exist */
	cfg_a.user = user;
	cfg_a.password = pass;
	cfg_a.db = 999;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_ERR_REDIS_SELECT);
	moor_redis_close(&ra);
	printf("acl: NOPERM reply, WRONGPASS / NOAUTH as MOOR_ERR_REDIS_AUTH, SELECT refused\n");
	return 0;
}

static int case_reconnect(void)
{
	moor_redis_reply rep;
	moor_redis_event ev;
	moor_redis_delivery d;
	char id[32];
	uint32_t s1;
	int st;

	conn_setup(&ca, iobuf_a, frag);
	conn_setup(&cb, iobuf_b, 16384);
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_a, 1024, tx_a, 256, 0), MOOR_OK);
	MOOR_CHECK_INT(client_setup(&rb, &cfg_b, &cb, rx_b, sizeof rx_b, tx_b, sizeof tx_b, 0), MOOR_OK);
	cfg_a.sleep = rconn_sleep;
	cfg_a.backoff_min_ms = 20;
	cfg_a.backoff_max_ms = 200;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_connect(&rb, 0), MOOR_OK);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "CLIENT", "ID"), MOOR_OK);
	snprintf(id, sizeof id, "%lld", (long long)rep.num);
	/* B kills A; A's next command fails */
	MOOR_CHECK_INT(cmd(&rb, &rep, 4, "CLIENT", "KILL", "ID", id), MOOR_OK);
	{
		const char *argv[2] = { "INCR", "rc" };

		st = moor_redis_append(&ra, 2, argv, NULL, &s1);
		MOOR_CHECK_INT(st, 1);
	}
	st = moor_redis_poll(&ra, &ev, 5000);
	MOOR_CHECK(st < 0);
	printf("reconnect: killed connection -> %s\n", moor_status_name(st));
	moor_redis_delivery_get(&ra, &d);
	MOOR_CHECK(d.acked == s1 && d.next == s1 + 1);
	MOOR_CHECK_INT(moor_redis_connected(&ra), 0);
	MOOR_CHECK_INT(cmd(&ra, &rep, 1, "PING"), st);
	/* reconnect: a new TCP connection and a full TLS handshake */
	{
		unsigned long hs = ca.handshakes;

		MOOR_CHECK_INT(moor_redis_reconnect(&ra, 5000), MOOR_OK);
		if (use_tls)
			MOOR_CHECK_INT(ca.handshakes, hs + 1);
	}
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "CLIENT", "ID"), MOOR_OK);
	MOOR_CHECK(rep.num != atoll(id));
	/* verification is redone each time: with the wrong anchors the
	 * reconnect fails, with backoff between attempts */
	if (use_tls) {
		uint32_t t0 = plat->now_ms(plat->ctx);

		ca.tcfg.anchors = &moor_builtin_anchors;
		moor_redis_close(&ra);
		st = moor_redis_reconnect(&ra, 300);
		MOOR_CHECK(st == MOOR_ERR_X509_CHAIN_INCOMPLETE || st == MOOR_ERR_X509_UNKNOWN_CA);
		MOOR_CHECK(ra.attempts >= 2);
		printf("reconnect: wrong anchors -> %s after %lu attempts in %lu ms\n",
			moor_status_name(st), (unsigned long)ra.attempts,
			(unsigned long)(plat->now_ms(plat->ctx) - t0));
		ca.tcfg.anchors = anchors;
		MOOR_CHECK_INT(moor_redis_reconnect(&ra, 5000), MOOR_OK);
	}
	MOOR_CHECK_INT(cmd(&ra, &rep, 1, "PING"), MOOR_OK);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "DEL", "rc"), MOOR_OK);
	moor_redis_close(&ra);
	moor_redis_close(&rb);
	return 0;
}

static int case_fallback(void)
{
	moor_redis_reply rep;

	conn_setup(&ca, iobuf_a, frag);
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_a, 1024, tx_a, 256, 0), MOOR_OK);
	cfg_a.client_name = "old";
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_protocol(&ra), 2);
	MOOR_CHECK_INT(cmd(&ra, &rep, 2, "CLIENT", "INFO"), MOOR_OK);
	MOOR_CHECK(rep_has(&rep, " name=old "));
	MOOR_CHECK(rep_has(&rep, " resp=2"));
	cfg_a.resp = 3;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_ERR_REDIS_NOHELLO);
	moor_redis_close(&ra);
	printf("fallback: no HELLO -> RESP2 with AUTH; RESP3 required -> NOHELLO\n");
	return 0;
}

static moor_redis_slot slot_table[4];

static int case_cluster(void)
{
	moor_redis_reply rep;
	char k[32], v[32];
	int i, st, moved = 0;
	unsigned long c0;

	conn_setup(&ca, iobuf_a, frag);
	MOOR_CHECK_INT(client_setup(&ra, &cfg_a, &ca, rx_a, 1024, tx_a, 256, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	/* no table: redirects are reported, with slot and node */
	for (i = 0; i < 30; i++) {
		snprintf(k, sizeof k, "key:%d", i);
		st = cmd(&ra, &rep, 2, "GET", k);
		if (st == MOOR_ERR_REDIS_MOVED) {
			moved++;
			MOOR_CHECK_INT(rep.redirect.slot, moor_redis_key_slot((const uint8_t *)k, strlen(k)));
			MOOR_CHECK(rep.redirect.port == node2 || rep.redirect.port == node3);
			MOOR_CHECK_STR(rep.redirect.host, "127.0.0.1");
		} else {
			MOOR_CHECK_INT(st, MOOR_OK);
		}
	}
	MOOR_CHECK(moved > 10 && moved < 30);
	MOOR_CHECK_INT(moor_redis_connected(&ra), 1);
	/* with a four-entry table: every command succeeds; the first MOVED
	 * loads the map, and from then on each command goes straight to its
	 * node: one connection per change of node, no more */
	cfg_a.slots = slot_table;
	cfg_a.n_slots = 4;
	c0 = ca.connects;
	{
		int prev = 0, switches = 0, node;

		for (i = 0; i < 30; i++) {
			uint16_t sl;

			snprintf(k, sizeof k, "key:%d", i);
			snprintf(v, sizeof v, "val:%d", i);
			MOOR_CHECK_INT(cmd(&ra, &rep, 3, "SET", k, v), MOOR_OK);
			sl = moor_redis_key_slot((const uint8_t *)k, strlen(k));
			node = sl <= 5460 ? 1 : sl <= 10922 ? 2 : 3;
			if (i > 0 && node != prev)
				switches++;
			prev = node;
		}
		printf("cluster: %d of 30 keys MOVED without a table; with one, 30 SETs took %lu"
			" connections for %d changes of node\n", moved, ca.connects - c0, switches);
		/* the first key moved at most once more, with the map unknown */
		MOOR_CHECK((int)(ca.connects - c0) <= switches + 2);
	}
	MOOR_CHECK_INT(slot_table[3].used, 0);
	for (i = 0; i < 30; i++) {
		snprintf(k, sizeof k, "key:%d", i);
		snprintf(v, sizeof v, "val:%d", i);
		st = cmd(&ra, &rep, 2, "GET", k);
		MOOR_CHECK_INT(st, MOOR_OK);
		MOOR_CHECK(rep.type == '$' && rep.len == strlen(v) && memcmp(rep.ptr, v, rep.len) == 0);
	}
	/* the table refreshed by hand, on the seed */
	moor_redis_close(&ra);
	memset(slot_table, 0, sizeof slot_table);
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	MOOR_CHECK_INT(moor_redis_cluster_refresh(&ra, 0), 3);
	MOOR_CHECK(slot_table[0].used && slot_table[1].used && slot_table[2].used);
	for (i = 0; i < 4; i++)
		printf("  slot table %d: %u..%u -> %s:%u\n", i, slot_table[i].first,
			slot_table[i].last, slot_table[i].host, slot_table[i].port);
	/* ASK: "foo" (slot 12182) is migrating from node 3 to node 1 */
	cfg_a.slots = NULL;
	moor_redis_close(&ra);
	ca.port = node3;
	MOOR_CHECK_INT(moor_redis_connect(&ra, 0), MOOR_OK);
	st = cmd(&ra, &rep, 2, "GET", "foo");
	MOOR_CHECK_INT(st, MOOR_ERR_REDIS_ASK);
	MOOR_CHECK_INT(rep.redirect.slot, 12182);
	MOOR_CHECK_INT(rep.redirect.port, port);
	MOOR_CHECK_INT(rep.redirect.ask, 1);
	cfg_a.slots = slot_table;
	c0 = ca.connects;
	st = cmd(&ra, &rep, 2, "GET", "foo");
	MOOR_CHECK_INT(st, MOOR_OK);
	MOOR_CHECK_INT(rep.type, '_');
	/* routed to node 3 (once more: the client does not know that the
	 * configured server is 127.0.0.1:node3), ASK, node 1 */
	MOOR_CHECK_INT(ca.connects - c0, 2);
	MOOR_CHECK_INT(moor_redis_key_slot((const uint8_t *)"foo", 3), 12182);
	/* SET through ASK lands on node 1, importing */
	MOOR_CHECK_INT(cmd(&ra, &rep, 3, "SET", "foo", "bar"), MOOR_OK);
	printf("cluster: ASK followed with ASKING to node 1\n");
	moor_redis_close(&ra);
	return 0;
}

int main(int argc, char **argv)
{
	const char *casename, *ca_file = NULL, *cert = NULL, *key = NULL;
	int i, st;

	if (argc < 4) {
		fprintf(stderr, "usage: redis_interop HOST PORT CASE [options]\n");
		return 2;
	}
	host = argv[1];
	port = (uint16_t)atoi(argv[2]);
	casename = argv[3];
	sni = "localhost";
	for (i = 4; i + 1 < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];

		if (strcmp(o, "--ca") == 0) ca_file = v;
		else if (strcmp(o, "--sni") == 0) sni = v;
		else if (strcmp(o, "--cert") == 0) cert = v;
		else if (strcmp(o, "--key") == 0) key = v;
		else if (strcmp(o, "--user") == 0) user = v;
		else if (strcmp(o, "--pass") == 0) pass = v;
		else if (strcmp(o, "--max-frag") == 0) frag = strtoul(v, NULL, 10);
		else if (strcmp(o, "--node2") == 0) node2 = (uint16_t)atoi(v);
		else if (strcmp(o, "--node3") == 0) node3 = (uint16_t)atoi(v);
		else if (strcmp(o, "--tls") == 0) {
			if (strcmp(v, "1.2") == 0) vmin = vmax = MOOR_TLS_1_2;
			else if (strcmp(v, "1.3") == 0) vmin = vmax = MOOR_TLS_1_3;
			else if (strcmp(v, "off") == 0) use_tls = 0;
		} else {
			fprintf(stderr, "unknown option %s\n", o);
			return 2;
		}
	}
	plat = moor_posix_platform(-1);
	if (ca_file != NULL && (st = rconn_anchors(ca_file, &anchors)) != MOOR_OK) {
		fprintf(stderr, "cannot load %s: %s\n", ca_file, moor_status_name(st));
		return 2;
	}
	if (cert != NULL && (st = rconn_credentials(cert, key, &client_creds)) != MOOR_OK) {
		fprintf(stderr, "cannot load %s: %s\n", cert, moor_status_name(st));
		return 2;
	}
	moor_test_heap_guard(1);
	if (strcmp(casename, "pipeline") == 0)
		case_pipeline();
	else if (strcmp(casename, "large") == 0)
		case_large();
	else if (strcmp(casename, "pubsub") == 0)
		case_pubsub(3);
	else if (strcmp(casename, "pubsub2") == 0)
		case_pubsub(2);
	else if (strcmp(casename, "mfl") == 0)
		case_mfl();
	else if (strcmp(casename, "acl") == 0)
		case_acl();
	else if (strcmp(casename, "reconnect") == 0)
		case_reconnect();
	else if (strcmp(casename, "fallback") == 0)
		case_fallback();
	else if (strcmp(casename, "cluster") == 0)
		case_cluster();
	else {
		fprintf(stderr, "unknown case %s\n", casename);
		return 2;
	}
	moor_test_heap_guard(0);
	return moor_test_done();
}
