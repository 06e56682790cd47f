/*
 * Fault injection at every byte offset of a real Redis session over TLS:
 * TCP connect, TLS handshake, HELLO 3 with AUTH and SETNAME, SELECT, and a
 * pipelined batch of six commands (tests/redis/redis.sh starts
 * redis-server with a TLS port and a plain one).
 *
 *   redis_faults HOST TLS_PORT PLAIN_PORT CA.pem SNI [--tls 1.2|1.3]
 *                [--stall-step N] [--user U --pass P]
 *
 * 1. A clean run counts the bytes the client sends (S) and receives (R).
 * 2. For every n in [0, R]: the connection fails after n received bytes
 *    (as an injected error, a FIN or a reset, in turn). For every n in
 *    [0, S]: the same on the sending side. Each run must end with exactly
 *    that status (MOOR_ERR_TLS_TRUNCATED also stands for a FIN inside TLS
 *    application data), never crash or hang, and its delivery account must
 *    be right: every INCR reported answered carries the right value, and
 *    the number of INCRs the server really ran (read afterwards over the
 *    plain port) lies between the answered ones (plus the one whose reply
 *    had begun) and the ones that had started to leave the client.
 * 3. Every `stall-step` received bytes: the server stalls; the run ends
 *    with MOOR_ERR_TIMEOUT within its deadline, with the same checks.
 * 4. No file descriptor leaks. The heap guard is armed throughout.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/posix.h"
#include "moor/redis.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "redis_conn.h"
#include "testlib.h"

#define NB 6

static const moor_platform *plat;
static const char *host, *sni, *user = "app", *pass = "secret";
static uint16_t tls_port, plain_port;
static uint16_t version = MOOR_TLS_1_3;
static const moor_anchors *anchors;

static uint8_t iobuf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t rx[512], tx[256], rx_c[1024], tx_c[512];
static rconn cn, cchk;
static moor_redis r, chk;
static moor_redis_config cfg, cfg_chk;

static char key[32];
/* the batch: INCR is what we count */
static const char *batch[NB][3] = {
	{ "INCR", key, NULL }, { "SET", "s", "v" }, { "INCR", key, NULL },
	{ "GET", "s", NULL }, { "INCR", key, NULL }, { "INCR", key, NULL },
};

static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	}
	return n;
}

typedef struct run_result {
	int st;
	moor_redis_delivery d;
	uint32_t seq0;
	int connected;
	int bad_value;           /* an answered INCR with a wrong value */
	int incr_acked;          /* INCRs answered */
	long sent, received;     /* TCP bytes of the session */
	int where;               /* 1: failed appending, 2: polling */
} run_result;

static void note(run_result *res, const moor_redis_event *ev, long *incr_next)
{
	int k = (int)(ev->seq - res->seq0);

	if (!ev->acked || ev->push || k < 0 || k >= NB)
		return;
	if (strcmp(batch[k][0], "INCR") == 0) {
		if (ev->resp.type != ':' || ev->resp.num != *incr_next)
			res->bad_value = 1;
		(*incr_next)++;
		res->incr_acked++;
	}
}

/* One session through the fault transport configured in cn.fc. */
static void run_once(run_result *res, uint32_t timeout_ms, unsigned long id)
{
	moor_redis_event ev;
	long incr_next = 1;
	int i, st;

	memset(res, 0, sizeof *res);
	snprintf(key, sizeof key, "ctr:%lu", id);
	cfg.timeout_ms = timeout_ms;
	cfg.connect_timeout_ms = timeout_ms;
	res->seq0 = r.seq_next + 1000;
	st = moor_redis_connect(&r, 0);
	if (st != MOOR_OK) {
		res->st = st;
		moor_redis_delivery_get(&r, &res->d);
		return;
	}
	res->connected = 1;
	res->seq0 = r.seq_next;
	for (i = 0; i < NB; i++) {
		size_t argc = batch[i][2] != NULL ? 3 : 2;

		st = moor_redis_append(&r, argc, batch[i], NULL, NULL);
		if (st != 1) {
			res->st = st < 0 ? st : MOOR_ERR_INTERNAL;
			res->where = 1;
			break;
		}
	}
	while (st >= 0 && moor_redis_pending(&r) > 0) {
		st = moor_redis_poll(&r, &ev, 0);
		if (st == 1)
			note(res, &ev, &incr_next);
	}
	if (st < 0 && st != MOOR_ERR_TIMEOUT) {
		/* what had arrived before the failure */
		while (moor_redis_next(&r, &ev) == 1)
			note(res, &ev, &incr_next);
	}
	res->st = st < 0 ? st : MOOR_OK;
	moor_redis_delivery_get(&r, &res->d);
	res->sent = cn.sent;
	res->received = cn.received;
	moor_redis_close(&r);
}

/* INCRs the server ran for `id` (read over the plain port). */
static long server_count(unsigned long id)
{
	moor_redis_reply rep;
	const char *argv[2];
	char k[32];
	long v = -1;
	int st;

	snprintf(k, sizeof k, "ctr:%lu", id);
	argv[0] = "GET";
	argv[1] = k;
	memset(&rep, 0, sizeof rep);
	st = moor_redis_command(&chk, 2, argv, NULL, &rep, 5000);
	if (st == MOOR_OK && rep.type == '_')
		v = 0;
	else if (st == MOOR_OK && rep.type == '$')
		v = atol((const char *)rep.ptr);   /* digits then CR LF */
	argv[0] = "DEL";
	(void)moor_redis_command(&chk, 2, argv, NULL, &rep, 5000);
	return v;
}

static int incrs_before(uint32_t upto, uint32_t seq0)
{
	int k, n = 0;

	for (k = 0; k < NB && seq0 + (uint32_t)k < upto; k++)
		n += strcmp(batch[k][0], "INCR") == 0;
	return n;
}

static unsigned long mismatches;

static void check(const char *side, long n, const run_result *res, int want, unsigned long id)
{
	long ran;
	int ok = 1, lo, hi;

	if (res->st == MOOR_OK)
		return;      /* the fault lay beyond this session's bytes */
	if (res->st != want && !(want == MOOR_ERR_CLOSED && res->st == MOOR_ERR_TLS_TRUNCATED))
		ok = 0;
	if (res->bad_value)
		ok = 0;
	ran = server_count(id);
	if (res->connected) {
		/* answered INCRs: reported to us, and run */
		lo = incrs_before(res->d.acked, res->seq0);
		if (lo != res->incr_acked)
			ok = 0;
		/* the one whose reply had begun ran too */
		if (res->d.partial && res->d.acked - res->seq0 < NB &&
		    strcmp(batch[res->d.acked - res->seq0][0], "INCR") == 0)
			lo++;
		/* the ones that never left the client did not run */
		hi = incrs_before(res->d.started, res->seq0);
		if (ran < lo || ran > hi)
			ok = 0;
		if (res->d.acked > res->d.started || res->d.started > res->d.next)
			ok = 0;
	} else {
		lo = hi = 0;
		if (ran != 0)
			ok = 0;
	}
	moor_test_checks++;
	if (!ok) {
		mismatches++;
		moor_test_failures++;
		if (mismatches <= 10)
			fprintf(stderr, "  %s offset %ld: %s (want %s), acked %d started %d next %d"
				" partial %d, INCRs answered %d, ran %ld (allowed %d..%d)%s\n",
				side, n, moor_status_name(res->st), moor_status_name(want),
				(int)(res->d.acked - res->seq0), (int)(res->d.started - res->seq0),
				(int)(res->d.next - res->seq0), res->d.partial, res->incr_acked,
				ran, lo, hi, res->bad_value ? ", wrong INCR value" : "");
		if (mismatches <= 10)
			fprintf(stderr, "    session sent %ld received %ld, failed %s\n", res->sent,
				res->received, res->where == 1 ? "appending" : "reading");
	}
}

int main(int argc, char **argv)
{
	static const int statuses[] = { MOOR_ERR_INJECTED, MOOR_ERR_CLOSED, MOOR_ERR_RESET };
	run_result res;
	long n, stall_step = 37, total_sent, total_recv;
	unsigned long id = 1, runs = 0;
	int i, st, fds_before, fds_after;

	if (argc < 6) {
		fprintf(stderr, "usage: redis_faults HOST TLS_PORT PLAIN_PORT CA.pem SNI [--tls 1.2|1.3] [--stall-step N] [--user U --pass P]\n");
		return 2;
	}
	host = argv[1];
	tls_port = (uint16_t)atoi(argv[2]);
	plain_port = (uint16_t)atoi(argv[3]);
	sni = argv[5];
	for (i = 6; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--tls") == 0)
			version = strcmp(argv[i + 1], "1.2") == 0 ? MOOR_TLS_1_2 : MOOR_TLS_1_3;
		else if (strcmp(argv[i], "--stall-step") == 0)
			stall_step = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--user") == 0)
			user = argv[i + 1];
		else if (strcmp(argv[i], "--pass") == 0)
			pass = argv[i + 1];
	}
	plat = moor_posix_platform(-1);
	st = rconn_anchors(argv[4], &anchors);
	if (st != MOOR_OK) {
		fprintf(stderr, "cannot load %s\n", argv[4]);
		return 2;
	}

	rconn_init(&cn, plat, host, tls_port);
	cn.use_tls = 1;
	cn.iobuf = iobuf;
	cn.iobuf_len = sizeof iobuf;
	cn.tcfg.server_name = sni;
	cn.tcfg.anchors = anchors;
	cn.tcfg.version_min = cn.tcfg.version_max = version;
	memset(&cfg, 0, sizeof cfg);
	cfg.connect = rconn_connect;
	cfg.disconnect = rconn_disconnect;
	cfg.conn_ctx = &cn;
	cfg.user = user;
	cfg.password = pass;
	cfg.client_name = "faults";
	cfg.db = 0;
	MOOR_CHECK_INT(moor_redis_init(&r, &cfg, plat, rx, sizeof rx, tx, sizeof tx), MOOR_OK);

	rconn_init(&cchk, plat, host, plain_port);
	memset(&cfg_chk, 0, sizeof cfg_chk);
	cfg_chk.connect = rconn_connect;
	cfg_chk.conn_ctx = &cchk;
	cfg_chk.user = user;
	cfg_chk.password = pass;
	cfg_chk.resp = 2;
	MOOR_CHECK_INT(moor_redis_init(&chk, &cfg_chk, plat, rx_c, sizeof rx_c, tx_c, sizeof tx_c), MOOR_OK);
	st = moor_redis_connect(&chk, 5000);
	MOOR_CHECK_INT(st, MOOR_OK);
	if (st != MOOR_OK)
		return moor_test_done();

	moor_test_heap_guard(1);
	fds_before = count_fds();

	/* 1. clean run */
	moor_fault_config_default(&cn.fc);
	run_once(&res, 5000, id);
	MOOR_CHECK_INT(res.st, MOOR_OK);
	MOOR_CHECK_INT(res.incr_acked, 4);
	MOOR_CHECK_INT(server_count(id), 4);
	id++;
	total_sent = cn.sent;
	total_recv = cn.received;
	printf("clean session (%s): client sent %ld bytes, received %ld bytes\n",
		version == MOOR_TLS_1_3 ? "TLS 1.3" : "TLS 1.2", total_sent, total_recv);

	/* 2. fail at every offset */
	for (n = 0; n <= total_recv; n++, id++, runs++) {
		moor_fault_config_default(&cn.fc);
		cn.fc.fail_after_recv = n;
		cn.fc.fail_status = statuses[n % 3];
		run_once(&res, 5000, id);
		check("recv", n, &res, statuses[n % 3], id);
	}
	for (n = 0; n <= total_sent; n++, id++, runs++) {
		moor_fault_config_default(&cn.fc);
		cn.fc.fail_after_send = n;
		cn.fc.fail_status = statuses[n % 3];
		run_once(&res, 5000, id);
		check("send", n, &res, statuses[n % 3], id);
	}
	/* 3. stalls */
	for (n = 0; n < total_recv; n += stall_step, id++, runs++) {
		uint32_t t0 = plat->now_ms(plat->ctx), took;

		moor_fault_config_default(&cn.fc);
		cn.fc.stall_after_recv = n;
		run_once(&res, 150, id);
		took = plat->now_ms(plat->ctx) - t0;
		check("stall", n, &res, MOOR_ERR_TIMEOUT, id);
		MOOR_CHECK(res.st == MOOR_OK || took < 150 * 3 + 500);
	}
	printf("%lu sessions: every receive offset 0..%ld and send offset 0..%ld, stalls every %ld;"
		" mismatches %lu\n", runs, total_recv, total_sent, stall_step, mismatches);

	/* 4. nothing leaked */
	moor_redis_close(&chk);
	fds_after = count_fds();
	MOOR_CHECK_INT(fds_after, fds_before - 1);
	moor_test_heap_guard(0);
	return moor_test_done();
}
