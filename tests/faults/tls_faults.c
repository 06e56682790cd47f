/*
 * Fault injection at every byte offset of a full TLS handshake against a
 * real server (tests/faults/run_tls_faults.sh starts openssl s_server).
 *
 *   tls_faults HOST PORT CA.pem SERVER_NAME [--tls 1.2|1.3] [--stall-step N]
 *
 * 1. A clean handshake through an observing fault transport counts the
 *    bytes the client sends (S) and receives (R) until the handshake is
 *    done, and checks that an echo round trip works.
 * 2. For every n in [0, R): the connection fails after n received bytes,
 *    as an injected error, as a FIN and as a reset; the handshake must
 *    fail with exactly that status (the engine saw no bad data, only an
 *    I/O failure), never succeed, never crash or hang.
 * 3. The same for every n in [0, S) on the sending side.
 * 4. Every `stall-step` bytes: the peer stalls; the handshake must end
 *    with MOOR_ERR_TIMEOUT within its deadline.
 * 5. No file descriptor is leaked across the whole run.
 * The heap guard is armed throughout: any malloc aborts the test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "testlib.h"

static uint8_t iobuf[MOOR_TLS_BUFSIZE_FULL];
static char ca_pem[64 * 1024];
static uint8_t anchor_work[16 * 1024];
static br_x509_trust_anchor ta_slots[8];
static const char *name_slots[8];
static moor_anchors anchors;

static const char *host;
static uint16_t port;
static const char *server_name;
static uint16_t version = MOOR_TLS_1_2;
static const moor_platform *plat;

/* Open descriptors below 1024 (opendir would allocate). */
static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	}
	return n;
}

typedef struct {
	long sent, received;
	long flight;   /* bytes received when the client first sent after receiving */
} counter;

static void count_send(void *ctx, const uint8_t *d, size_t n)
{
	counter *c = ctx;

	(void)d;
	if (c->received > 0 && c->flight == 0)
		c->flight = c->received;
	c->sent += (long)n;
}

static void count_recv(void *ctx, const uint8_t *d, size_t n)
{
	(void)d;
	((counter *)ctx)->received += (long)n;
}

/* One handshake through a fault transport configured by `fc`. */
static int handshake_once(const moor_fault_config *fc, uint32_t timeout_ms, int echo)
{
	moor_posix_tcp tcp;
	moor_fault fault;
	moor_tls tls;
	moor_tls_config cfg;
	int st;

	memset(&cfg, 0, sizeof cfg);
	cfg.mode = MOOR_SSL_VERIFY_FULL;
	cfg.server_name = server_name;
	cfg.anchors = &anchors;
	cfg.version_min = version;
	cfg.version_max = version;

	st = moor_posix_tcp_connect(&tcp, plat, host, port, 5000);
	if (st != MOOR_OK)
		return st;
	moor_fault_init(&fault, &tcp.base, fc);
	st = moor_tls_init(&tls, &cfg, plat, iobuf, sizeof iobuf);
	if (st == MOOR_OK)
		st = moor_tls_handshake(&tls, &fault.base, timeout_ms);
	if (st == MOOR_OK && echo) {
		/* s_server echoes what it receives (or -rev reverses a line). */
		static const uint8_t ping[] = "moor\n";
		uint8_t reply[64];

		st = moor_io_send_all(&tls.base, plat, ping, sizeof ping - 1, 2000);
		if (st == MOOR_OK) {
			st = moor_io_recv_some(&tls.base, plat, reply, sizeof reply, 2000);
			MOOR_CHECK(st > 0);
			if (st > 0)
				st = MOOR_OK;
		}
	}
	if (st == MOOR_OK)
		moor_tls_close(&tls, 1000);
	else
		moor_transport_close(&fault.base);
	return st;
}

int main(int argc, char **argv)
{
	moor_fault_config fc;
	counter c = { 0, 0, 0 };
	long n, stall_step = 53;
	long pem_len;
	int fds_before, fds_after, st, i, k;
	static const int statuses[] = { MOOR_ERR_INJECTED, MOOR_ERR_CLOSED, MOOR_ERR_RESET };
	long fail_counts[2] = { 0, 0 };

	if (argc < 5) {
		fprintf(stderr, "usage: tls_faults HOST PORT CA.pem SERVER_NAME [--tls 1.2|1.3] [--stall-step N]\n");
		return 2;
	}
	host = argv[1];
	port = (uint16_t)atoi(argv[2]);
	server_name = argv[4];
	for (i = 5; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--tls") == 0)
			version = strcmp(argv[i + 1], "1.3") == 0 ? MOOR_TLS_1_3 : MOOR_TLS_1_2;
		else if (strcmp(argv[i], "--stall-step") == 0)
			stall_step = atol(argv[i + 1]);
	}
	plat = moor_posix_platform(-1);
	pem_len = moor_test_read_file(argv[3], ca_pem, sizeof ca_pem);
	if (pem_len <= 0) {
		fprintf(stderr, "cannot read %s\n", argv[3]);
		return 2;
	}
	st = moor_anchors_from_pem(&anchors, ta_slots, name_slots, 8,
		anchor_work, sizeof anchor_work, ca_pem, (size_t)pem_len);
	MOOR_CHECK(st > 0);
	if (st <= 0)
		return moor_test_done();

	moor_test_heap_guard(1);
	fds_before = count_fds();

	/* 1. clean run, counting bytes */
	moor_fault_config_default(&fc);
	fc.on_send = count_send;
	fc.on_recv = count_recv;
	fc.observer_ctx = &c;
	st = handshake_once(&fc, 5000, 0);
	MOOR_CHECK_INT(st, MOOR_OK);
	printf("clean handshake: client sent %ld bytes, received %ld bytes, %ld of them"
		" before its second flight\n", c.sent, c.received, c.flight);
	MOOR_CHECK(c.sent > 100 && c.received > 500);
	moor_fault_config_default(&fc);
	st = handshake_once(&fc, 5000, 1);
	MOOR_CHECK_INT(st, MOOR_OK);

	/* 2 + 3. fail at every offset, each way, with each status */
	for (k = 0; k < 3; k++) {
		for (n = 0; n < c.received; n++) {
			counter rc = { 0, 0, 0 };
			int want = statuses[k];

			moor_fault_config_default(&fc);
			fc.fail_after_recv = n;
			fc.fail_status = statuses[k];
			fc.on_recv = count_recv;
			fc.observer_ctx = &rc;
			st = handshake_once(&fc, 5000, 0);
			/* With TLS 1.3 the handshake is over once the server's
			 * flight is in (the client answers it with its Finished):
			 * an end of the stream after it, in the tickets that the
			 * handshake's last read may meet, is a truncation. */
			if (want == MOOR_ERR_CLOSED && version == MOOR_TLS_1_3 && n >= c.flight)
				want = MOOR_ERR_TLS_TRUNCATED;
			/* A success is only legitimate if this handshake was
			 * shorter than n (ECDSA signatures vary in length), or
			 * ended before the tickets came. */
			if (st != want && !(st == MOOR_OK && (rc.received <= n
				|| (version == MOOR_TLS_1_3 && n >= c.flight)))) {
				MOOR_CHECK_INT(st, want);
				fprintf(stderr, "  (recv side, offset %ld)\n", n);
				fail_counts[0]++;
			}
		}
		for (n = 0; n < c.sent; n++) {
			counter sc = { 0, 0, 0 };

			moor_fault_config_default(&fc);
			fc.fail_after_send = n;
			fc.fail_status = statuses[k];
			fc.on_send = count_send;
			fc.observer_ctx = &sc;
			st = handshake_once(&fc, 5000, 0);
			if (st != statuses[k] && !(st == MOOR_OK && sc.sent <= n)) {
				MOOR_CHECK_INT(st, statuses[k]);
				fprintf(stderr, "  (send side, offset %ld)\n", n);
				fail_counts[1]++;
			}
		}
	}
	moor_test_checks++;
	printf("fail-at-offset: %ld recv offsets x 3, %ld send offsets x 3; mismatches recv %ld, send %ld\n",
		c.received, c.sent, fail_counts[0], fail_counts[1]);

	/* short reads and writes of every small size still complete */
	for (n = 1; n <= 7; n++) {
		moor_fault_config_default(&fc);
		fc.max_recv_chunk = (size_t)n;
		fc.max_send_chunk = (size_t)n;
		st = handshake_once(&fc, 5000, 1);
		MOOR_CHECK_INT(st, MOOR_OK);
	}

	/* 4. stalls: the deadline must fire */
	for (n = 0; n < c.received; n += stall_step) {
		counter rc = { 0, 0, 0 };

		moor_fault_config_default(&fc);
		fc.stall_after_recv = n;
		fc.on_recv = count_recv;
		fc.observer_ctx = &rc;
		st = handshake_once(&fc, 60, 0);
		/* TLS 1.3: the count of the clean run includes the tickets the
		 * server sends right after our Finished, which the handshake
		 * may read but does not need; a stall inside them is no stall
		 * of the handshake. */
		if (!(st == MOOR_OK && rc.received <= n))
			MOOR_CHECK_INT(st, MOOR_ERR_TIMEOUT);
		else
			moor_test_checks++;
	}

	/* 5. nothing leaked */
	fds_after = count_fds();
	MOOR_CHECK_INT(fds_after, fds_before);
	moor_test_heap_guard(0);
	return moor_test_done();
}
