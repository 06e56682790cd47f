/*
 * The lwIP transports against a real TCP peer on the host (peer.py on
 * 127.0.0.1, reached through libslirp as 10.0.2.2). Built twice:
 *   lwip_transport      NO_SYS=1, moor_lwip_tcp (raw API, poll hook)
 *   lwip_transport_sys  NO_SYS=0, moor_lwip_sock (sockets API)
 *
 *   lwip_transport PEER_PORT CLOSED_PORT
 *
 * Checks, each printed as "ok: ..." or "FAIL: ..." (exit 1 on any FAIL):
 *   1. 1 MiB each way at once through the echo peer, with send() and
 *      recv() interleaved and wait() in between: send buffer (tcp_sndbuf)
 *      and window (tcp_recved) flow control, every byte compared;
 *   2. 2 MiB from the peer read with buffer sizes 1..16384 (pbuf chains
 *      consumed in pieces), then the orderly end: MOOR_ERR_CLOSED, sticky
 *      for recv, send and wait;
 *   3. wait() timeouts: READ on an idle connection returns 0 after about
 *      the timeout, WRITE is ready at once;
 *   4. a reset by the peer: MOOR_ERR_RESET (or CLOSED if slirp turned it
 *      into a FIN), sticky;
 *   5. connecting to a port nobody listens on fails with an error status
 *      within the timeout;
 *   6. close() is idempotent and later calls fail; bad arguments;
 *   7. a host that never answers: connect returns MOOR_ERR_TIMEOUT after
 *      its timeout; a name without DNS: MOOR_ERR_RESOLVE.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "moor/lwip.h"
#include "moor/status.h"
#include "moor/transport.h"

#include "lwip/sys.h"

#define ECHO_BYTES   (1ul << 20)
#define SEND_BYTES   (2ul << 20)
#define TIMEOUT_MS   10000u

static const moor_platform *plat;
static unsigned long peer_port, closed_port;
static int failures;

#if NO_SYS
static moor_lwip_tcp conn;
#define VARIANT "NO_SYS=1 moor_lwip_tcp"
#else
static moor_lwip_sock conn;
#define VARIANT "NO_SYS=0 moor_lwip_sock"
#endif

static uint8_t buf_in[16384], buf_out[4096];

static uint8_t pat(unsigned long i)
{
	return (uint8_t)((i * 7u + (i >> 8)) & 0xffu);
}

static void check(int cond, const char *what, long value)
{
	if (cond) {
		printf("ok: %s (%ld)\n", what, value);
	} else {
		printf("FAIL: %s (%ld)\n", what, value);
		failures++;
	}
}

static int connect_host(const char *host, unsigned long port, uint32_t timeout_ms)
{
#if NO_SYS
	moor_lwip_tcp_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.poll = host_net_poll;
	return moor_lwip_tcp_connect_host(&conn, &cfg, host, (uint16_t)port, timeout_ms);
#else
	return moor_lwip_sock_connect(&conn, host, (uint16_t)port, timeout_ms);
#endif
}

static int connect_to(unsigned long port, uint32_t timeout_ms)
{
	return connect_host("10.0.2.2", port, timeout_ms);
}

static moor_transport *T(void)
{
	return &conn.base;
}

static int open_cmd(const char *cmd)
{
	int st = connect_to(peer_port, TIMEOUT_MS);

	if (st != MOOR_OK) {
		printf("FAIL: connect for %s: %s\n", cmd, moor_status_name(st));
		failures++;
		return st;
	}
	st = moor_io_send_all(T(), plat, (const uint8_t *)cmd, strlen(cmd), TIMEOUT_MS);
	if (st != MOOR_OK) {
		printf("FAIL: sending %s: %s\n", cmd, moor_status_name(st));
		failures++;
	}
	return st;
}

/* 1. Both directions at once through the echo peer. */
static void test_echo(void)
{
	unsigned long sent = 0, got = 0, bad = 0;
	uint32_t t0 = sys_now(), ms;
	int st = MOOR_OK, waits = 0;

	if (open_cmd("ECHO\n") != MOOR_OK)
		return;
	while (got < ECHO_BYTES) {
		int progress = 0, r;

		if (sent < ECHO_BYTES) {
			size_t n = sizeof buf_out, i;

			if (n > ECHO_BYTES - sent)
				n = ECHO_BYTES - sent;
			for (i = 0; i < n; i++)
				buf_out[i] = pat(sent + i);
			r = moor_transport_send(T(), buf_out, n);
			if (r < 0) {
				st = r;
				break;
			}
			sent += (unsigned long)r;
			progress |= r > 0;
		}
		r = moor_transport_recv(T(), buf_in, 3000);
		if (r < 0) {
			st = r;
			break;
		}
		if (r > 0) {
			int i;

			for (i = 0; i < r; i++)
				bad += buf_in[i] != pat(got + (unsigned long)i);
			got += (unsigned long)r;
			progress = 1;
		}
		if (!progress) {
			unsigned ev = MOOR_IO_READ | (sent < ECHO_BYTES ? MOOR_IO_WRITE : 0u);

			waits++;
			r = moor_transport_wait(T(), ev, TIMEOUT_MS);
			if (r <= 0) {
				st = r == 0 ? MOOR_ERR_TIMEOUT : r;
				break;
			}
		}
	}
	ms = sys_now() - t0;
	if (st != MOOR_OK)
		printf("FAIL: echo stopped: %s after %lu sent, %lu received\n",
			moor_status_name(st), sent, got);
	check(st == MOOR_OK && sent == ECHO_BYTES && got == ECHO_BYTES,
		"echo: 1 MiB sent and 1 MiB received back", (long)got);
	check(bad == 0, "echo: every byte equal", (long)bad);
	printf("   echo: %lu ms, %d waits\n", (unsigned long)ms, waits);
	moor_transport_close(T());
}

/* 2. A long stream read in odd pieces, then the orderly end. */
static void test_send_and_close(void)
{
	static const size_t sizes[] = { 1, 7, 100, 1460, 1500, 4000, 16384, 3 };
	unsigned long got = 0, bad = 0;
	size_t k = 0;
	uint32_t t0 = sys_now();
	int st = MOOR_OK, r;
	char cmd[32];

	snprintf(cmd, sizeof cmd, "SEND %lu\n", SEND_BYTES);
	if (open_cmd(cmd) != MOOR_OK)
		return;
	for (;;) {
		size_t want = sizes[k++ % (sizeof sizes / sizeof sizes[0])];

		r = moor_transport_recv(T(), buf_in, want);
		if (r > 0) {
			int i;

			if ((size_t)r > want)
				bad++;
			for (i = 0; i < r; i++)
				bad += buf_in[i] != pat(got + (unsigned long)i);
			got += (unsigned long)r;
			continue;
		}
		if (r < 0) {
			st = r;
			break;
		}
		r = moor_transport_wait(T(), MOOR_IO_READ, TIMEOUT_MS);
		if (r <= 0) {
			st = r == 0 ? MOOR_ERR_TIMEOUT : r;
			break;
		}
	}
	check(got == SEND_BYTES, "stream: 2 MiB received in pieces of 1..16384", (long)got);
	check(bad == 0, "stream: every byte equal, no piece longer than asked", (long)bad);
	check(st == MOOR_ERR_CLOSED, "stream: the peer's FIN gives MOOR_ERR_CLOSED", st);
	printf("   stream: %lu ms\n", (unsigned long)(sys_now() - t0));
	r = moor_transport_recv(T(), buf_in, 10);
	check(r == MOOR_ERR_CLOSED, "stream: recv after the end: still CLOSED", r);
	r = moor_transport_send(T(), buf_out, 10);
	check(r == MOOR_ERR_CLOSED, "stream: send after the end: CLOSED (sticky)", r);
	r = moor_transport_wait(T(), MOOR_IO_READ, 1000);
	check(r < 0 || r == MOOR_IO_READ, "stream: wait after the end does not block", r);
	moor_transport_close(T());
	moor_transport_close(T());
	r = moor_transport_send(T(), buf_out, 10);
	check(r < 0, "close: twice is safe, send afterwards fails", r);
}

/* 3. Timeouts of wait(). */
static void test_wait_timeout(void)
{
	uint32_t t0, ms;
	int r;

	if (open_cmd("IDLE\n") != MOOR_OK)
		return;
	r = moor_transport_wait(T(), 0, 100);
	check(r == MOOR_ERR_INVALID_ARG, "wait: no events is an invalid argument", r);
	t0 = sys_now();
	r = moor_transport_wait(T(), MOOR_IO_READ, 300);
	ms = sys_now() - t0;
	check(r == 0, "wait: READ on an idle connection times out", r);
	check(ms >= 290 && ms < 1500, "wait: after about 300 ms", (long)ms);
	r = moor_transport_recv(T(), buf_in, sizeof buf_in);
	check(r == 0, "recv: nothing to read is 0, not an error", r);
	t0 = sys_now();
	r = moor_transport_wait(T(), MOOR_IO_WRITE, 300);
	ms = sys_now() - t0;
	check(r == MOOR_IO_WRITE && ms < 100, "wait: WRITE is ready at once", r);
	t0 = sys_now();
	r = moor_transport_wait(T(), MOOR_IO_READ, 0);
	ms = sys_now() - t0;
	check(r == 0 && ms < 100, "wait: timeout 0 polls and returns", r);
	moor_transport_close(T());
}

/* 4. A reset by the peer. */
static void test_reset(void)
{
	int r, st = MOOR_OK;

	if (open_cmd("RESET\n") != MOOR_OK)
		return;
	for (;;) {
		r = moor_transport_recv(T(), buf_in, sizeof buf_in);
		if (r < 0) {
			st = r;
			break;
		}
		if (r > 0)
			continue;
		r = moor_transport_wait(T(), MOOR_IO_READ, TIMEOUT_MS);
		if (r <= 0) {
			st = r == 0 ? MOOR_ERR_TIMEOUT : r;
			break;
		}
	}
	printf("   reset: %s\n", moor_status_name(st));
	check(st == MOOR_ERR_RESET || st == MOOR_ERR_CLOSED,
		"reset: the peer's abort ends the stream with RESET or CLOSED", st);
	r = moor_transport_recv(T(), buf_in, 1);
	check(r == st, "reset: the status is sticky", r);
	moor_transport_close(T());
}

/* 5. Nobody listening. */
static void test_closed_port(void)
{
	uint32_t t0 = sys_now(), ms;
	int st = connect_to(closed_port, 3000), r;

	ms = sys_now() - t0;
	printf("   closed port: %s after %lu ms\n", moor_status_name(st), (unsigned long)ms);
	check(st == MOOR_ERR_CONNECT || st == MOOR_ERR_RESET || st == MOOR_ERR_TIMEOUT,
		"connect to a closed port fails", st);
	check(ms < 4000, "connect: within its timeout", (long)ms);
	r = moor_transport_send(T(), buf_out, 1);
	check(r < 0, "connect failed: send on the transport fails", r);
	moor_transport_close(T());
}

/* 6. Nobody answers at all (no ARP reply inside slirp's network): the
 * connect times out on time; a name without DNS does not resolve. */
static void test_connect_timeout(void)
{
	uint32_t t0 = sys_now(), ms;
	int st = connect_host("10.0.2.77", 80, 700);

	ms = sys_now() - t0;
	printf("   silent host: %s after %lu ms\n", moor_status_name(st), (unsigned long)ms);
	check(st == MOOR_ERR_TIMEOUT, "connect to a silent host: MOOR_ERR_TIMEOUT", st);
	check(ms >= 690 && ms < 1500, "connect: after about its 700 ms timeout", (long)ms);
	moor_transport_close(T());
	st = connect_host("no-such-host.invalid", 80, 700);
	check(st == MOOR_ERR_RESOLVE, "a name without LWIP_DNS: MOOR_ERR_RESOLVE", st);
	moor_transport_close(T());
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: %s PEER_PORT CLOSED_PORT\n", argv[0]);
		return 2;
	}
	peer_port = strtoul(argv[1], NULL, 10);
	closed_port = strtoul(argv[2], NULL, 10);
	if (host_net_init(5000) != 0)
		return 1;
	plat = host_net_platform();
	printf("lwIP transport test: %s\n", VARIANT);
	test_echo();
	test_send_and_close();
	test_wait_timeout();
	test_reset();
	test_closed_port();
	test_connect_timeout();
	host_net_run_for(100);
	host_net_shutdown();
	printf("%s: %d failure(s)\n", failures == 0 ? "PASS" : "FAIL", failures);
	return failures == 0 ? 0 : 1;
}
