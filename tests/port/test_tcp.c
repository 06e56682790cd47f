/* The POSIX TCP transport against sockets this test opens on loopback. */
#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "port_util.h"
#include "testlib.h"

static const moor_platform *plat;
static int lfd4 = -1;
static uint16_t port4;
static uint8_t bigbuf[65536];
static uint8_t rxbuf[65536];

/* Connect a moor client to the IPv4 listener and accept the server end. */
static int pair(moor_posix_tcp *t)
{
	int rc = moor_posix_tcp_connect(t, plat, "127.0.0.1", port4, 2000);
	int s;

	MOOR_CHECK_INT(rc, MOOR_OK);
	if (rc != MOOR_OK)
		return -1;
	s = tu_accept(lfd4, 2000);
	MOOR_CHECK(s >= 0);
	return s;
}

/* Client-side receive of exactly n bytes with the transport's own calls. */
static int client_read(moor_posix_tcp *t, uint8_t *buf, size_t n)
{
	size_t off = 0;
	int guard = 0;

	while (off < n && guard++ < 10000) {
		int r = moor_transport_recv(&t->base, buf + off, n - off);

		if (r < 0)
			return r;
		if (r == 0) {
			int w = moor_transport_wait(&t->base, MOOR_IO_READ, 2000);

			if (w < 0)
				return w;
			if (w == 0)
				return MOOR_ERR_TIMEOUT;
			continue;
		}
		off += (size_t)r;
	}
	return off == n ? MOOR_OK : MOOR_ERR_INTERNAL;
}

static void test_invalid_args(void)
{
	moor_posix_tcp t;

	MOOR_CHECK_INT(moor_posix_tcp_connect(NULL, plat, "127.0.0.1", port4, 100),
		MOOR_ERR_INVALID_ARG);
	memset(&t, 0x5a, sizeof(t));
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, NULL, port4, 100),
		MOOR_ERR_INVALID_ARG);
	/* Even a failed connect leaves a transport that is safe to use. */
	MOOR_CHECK_INT(t.fd, -1);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"x", 1),
		MOOR_ERR_NOT_CONNECTED);
	moor_transport_close(&t.base);
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "", port4, 100),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "127.0.0.1", 0, 100),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, NULL, "127.0.0.1", 0, 100),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, rxbuf, 4), MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 10), MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(moor_transport_flush(&t.base), MOOR_ERR_NOT_CONNECTED);
}

static void test_send_recv(void)
{
	moor_posix_tcp t;
	uint8_t buf[64];
	int s, r;

	s = pair(&t);
	if (s < 0)
		return;
	MOOR_CHECK(t.fd >= 0);
	MOOR_CHECK_INT(t.err, MOOR_OK);
	MOOR_CHECK((fcntl(t.fd, F_GETFL) & O_NONBLOCK) != 0);
	{
		/* TCP_NODELAY was set. */
		int v = 0;
		socklen_t vl = sizeof(v);

		MOOR_CHECK(getsockopt(t.fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v != 0);
	}

	/* Nothing there yet: recv would block, and says so with 0. */
	MOOR_CHECK_INT(moor_transport_recv(&t.base, buf, sizeof(buf)), 0);
	MOOR_CHECK_INT(moor_transport_flush(&t.base), 0);
	/* WRITE is ready right away on a fresh connection. */
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_WRITE, 1000), MOOR_IO_WRITE);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ | MOOR_IO_WRITE, 1000),
		MOOR_IO_WRITE);

	/* client -> server */
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"hello", 5), 5);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"x", 0), 0);
	memset(buf, 0, sizeof(buf));
	MOOR_CHECK_INT(tu_read_exact(s, buf, 5, 2000), 0);
	MOOR_CHECK(memcmp(buf, "hello", 5) == 0);

	/* server -> client, read in parts */
	MOOR_CHECK_INT(tu_write_all(s, "0123456789", 10), 0);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 2000), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ | MOOR_IO_WRITE, 2000),
		MOOR_IO_READ | MOOR_IO_WRITE);
	memset(buf, 0, sizeof(buf));
	r = moor_transport_recv(&t.base, buf, 4);
	MOOR_CHECK_INT(r, 4);
	MOOR_CHECK(memcmp(buf, "0123", 4) == 0);
	MOOR_CHECK_INT(client_read(&t, buf + 4, 6), MOOR_OK);
	MOOR_CHECK(memcmp(buf, "0123456789", 10) == 0);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, buf, sizeof(buf)), 0);

	/* Invalid arguments are not sticky errors. */
	MOOR_CHECK_INT(moor_transport_send(&t.base, NULL, 3), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, NULL, 3), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, 0, 10), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"ok", 2), 2);
	MOOR_CHECK_INT(tu_read_exact(s, buf, 2, 2000), 0);

	/* Close is idempotent; afterwards every call says not connected. */
	moor_transport_close(&t.base);
	MOOR_CHECK_INT(t.fd, -1);
	moor_transport_close(&t.base);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"x", 1),
		MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, buf, 1), MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 10), MOOR_ERR_NOT_CONNECTED);
	/* The server sees the FIN. */
	MOOR_CHECK_INT(tu_read_exact(s, buf, 1, 2000), -1);
	close(s);
}

/* Bulk both ways: a pattern larger than the socket buffers. */
static void test_bulk(void)
{
	moor_posix_tcp t;
	const size_t total = 4u << 20;
	size_t sent = 0, got = 0, i;
	int s, bad = 0, rounds = 0, fl;

	s = pair(&t);
	if (s < 0)
		return;
	fl = fcntl(s, F_GETFL);
	fcntl(s, F_SETFL, fl | O_NONBLOCK);
	while (got < total && rounds++ < 1000000) {
		if (sent < total) {
			size_t n = total - sent;
			int r;

			if (n > sizeof(bigbuf))
				n = sizeof(bigbuf);
			for (i = 0; i < n; i++)
				bigbuf[i] = (uint8_t)((sent + i) * 7u);
			r = moor_transport_send(&t.base, bigbuf, n);
			if (r < 0) {
				MOOR_CHECK_INT(r, MOOR_OK);
				break;
			}
			sent += (size_t)r;
		}
		for (;;) {
			ssize_t r = recv(s, rxbuf, sizeof(rxbuf), 0);

			if (r <= 0)
				break;
			for (i = 0; i < (size_t)r; i++)
				if (rxbuf[i] != (uint8_t)((got + i) * 7u))
					bad++;
			got += (size_t)r;
		}
		if (sent < total && got < sent)
			(void)moor_transport_wait(&t.base, MOOR_IO_WRITE, 10);
	}
	MOOR_CHECK(sent == total);
	MOOR_CHECK(got == total);
	MOOR_CHECK_INT(bad, 0);
	fcntl(s, F_SETFL, fl);
	moor_transport_close(&t.base);
	close(s);
}

/* Fill the send buffer: send() returns 0 and wait(WRITE) times out. */
static void test_write_would_block(void)
{
	moor_posix_tcp t;
	size_t sent = 0, drained = 0;
	uint32_t t0, el;
	int s, r = 1, w;

	s = pair(&t);
	if (s < 0)
		return;
	memset(bigbuf, 'z', sizeof(bigbuf));
	while (sent < (256u << 20)) {
		r = moor_transport_send(&t.base, bigbuf, sizeof(bigbuf));
		if (r <= 0)
			break;
		sent += (size_t)r;
	}
	MOOR_CHECK_INT(r, 0);
	t0 = tu_now_ms();
	w = moor_transport_wait(&t.base, MOOR_IO_WRITE, 150);
	el = tu_now_ms() - t0;
	MOOR_CHECK_INT(w, 0);
	MOOR_CHECK(el >= 140 && el < 3000);
	/* Drain everything: WRITE becomes ready again. */
	while (drained < sent) {
		size_t n = sent - drained;

		if (n > sizeof(rxbuf))
			n = sizeof(rxbuf);
		if (tu_read_exact(s, rxbuf, n, 5000) != 0)
			break;
		drained += n;
	}
	MOOR_CHECK(drained == sent);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_WRITE, 2000), MOOR_IO_WRITE);
	MOOR_CHECK(moor_transport_send(&t.base, bigbuf, 100) == 100);
	moor_transport_close(&t.base);
	close(s);
}

static void test_wait_timeout(void)
{
	moor_posix_tcp t;
	uint32_t t0, el;
	int s;

	s = pair(&t);
	if (s < 0)
		return;
	t0 = tu_now_ms();
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 200), 0);
	el = tu_now_ms() - t0;
	MOOR_CHECK(el >= 190 && el < 3000);
	t0 = tu_now_ms();
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 0), 0);
	MOOR_CHECK(tu_now_ms() - t0 < 500);
	/* A timeout is not an error. */
	MOOR_CHECK_INT(t.err, MOOR_OK);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"a", 1), 1);
	moor_transport_close(&t.base);
	close(s);
}

static void test_orderly_close(void)
{
	moor_posix_tcp t;
	uint8_t buf[16];
	int s;

	s = pair(&t);
	if (s < 0)
		return;
	MOOR_CHECK_INT(tu_write_all(s, "bye", 3), 0);
	shutdown(s, SHUT_WR);
	MOOR_CHECK_INT(client_read(&t, buf, 3), MOOR_OK);
	MOOR_CHECK(memcmp(buf, "bye", 3) == 0);
	/* End of stream is "ready" for READ, then recv says CLOSED. */
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 2000), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, buf, sizeof(buf)), MOOR_ERR_CLOSED);
	/* Sticky. */
	MOOR_CHECK_INT(t.err, MOOR_ERR_CLOSED);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, buf, sizeof(buf)), MOOR_ERR_CLOSED);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"x", 1), MOOR_ERR_CLOSED);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 100), MOOR_ERR_CLOSED);
	MOOR_CHECK_INT(moor_transport_flush(&t.base), MOOR_ERR_CLOSED);
	moor_transport_close(&t.base);
	close(s);
}

static void reset_peer(int s)
{
	struct linger lg;

	lg.l_onoff = 1;
	lg.l_linger = 0;
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(s);
}

static void test_reset(void)
{
	moor_posix_tcp t;
	uint8_t buf[16];
	int s;

	s = pair(&t);
	if (s < 0)
		return;
	reset_peer(s);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_READ, 2000), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, buf, sizeof(buf)), MOOR_ERR_RESET);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"x", 1), MOOR_ERR_RESET);
	MOOR_CHECK_INT(moor_transport_wait(&t.base, MOOR_IO_WRITE, 10), MOOR_ERR_RESET);
	moor_transport_close(&t.base);

	/* Reset noticed by a send, and WRITE-only waits report it too. */
	s = pair(&t);
	if (s < 0)
		return;
	reset_peer(s);
	tu_sleep_ms(50);
	MOOR_CHECK(moor_transport_wait(&t.base, MOOR_IO_WRITE, 2000) == MOOR_IO_WRITE);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"x", 1), MOOR_ERR_RESET);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, buf, 1), MOOR_ERR_RESET);
	moor_transport_close(&t.base);
}

/* Writing to a peer that closed: EPIPE must not raise SIGPIPE (which is
 * left at its default action here, so the test would die). */
static void test_no_sigpipe(void)
{
	moor_posix_tcp t;
	int s, i, r = 0;

	signal(SIGPIPE, SIG_DFL);
	s = pair(&t);
	if (s < 0)
		return;
	close(s);
	for (i = 0; i < 200; i++) {
		r = moor_transport_send(&t.base, (const uint8_t *)"data", 4);
		if (r < 0)
			break;
		tu_sleep_ms(5);
	}
	MOOR_CHECK_INT(r, MOOR_ERR_RESET);
	moor_transport_close(&t.base);
}

static void test_connect_refused(void)
{
	moor_posix_tcp t;
	uint16_t p = tu_closed_port();

	MOOR_CHECK(p != 0);
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "127.0.0.1", p, 2000),
		MOOR_ERR_CONNECT);
	MOOR_CHECK_INT(t.fd, -1);
	MOOR_CHECK_INT(moor_transport_recv(&t.base, rxbuf, 1), MOOR_ERR_NOT_CONNECTED);
	moor_transport_close(&t.base);
}

static void test_ipv6(void)
{
	moor_posix_tcp t;
	uint16_t p6 = 0;
	uint8_t buf[4];
	int l6 = tu_listen(AF_INET6, &p6), s;

	if (l6 < 0) {
		printf("# IPv6 loopback not available: skipped\n");
		return;
	}
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "::1", p6, 2000), MOOR_OK);
	s = tu_accept(l6, 2000);
	MOOR_CHECK(s >= 0);
	MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"six", 3), 3);
	MOOR_CHECK_INT(tu_read_exact(s, buf, 3, 2000), 0);
	MOOR_CHECK(memcmp(buf, "six", 3) == 0);
	moor_transport_close(&t.base);
	close(s);

	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "[::1]", p6, 2000), MOOR_OK);
	s = tu_accept(l6, 2000);
	MOOR_CHECK(s >= 0);
	moor_transport_close(&t.base);
	close(s);
	/* The listener is gone: refused. */
	close(l6);
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "::1", p6, 2000), MOOR_ERR_CONNECT);
}

/* Names go through getaddrinfo, which allocates: guard off. */
static void test_resolve(void)
{
	moor_posix_tcp t;
	int s, rc;

	moor_test_heap_guard(0);
	rc = moor_posix_tcp_connect(&t, plat, "localhost", port4, 2000);
	MOOR_CHECK_INT(rc, MOOR_OK);
	if (rc == MOOR_OK) {
		s = tu_accept(lfd4, 2000);
		MOOR_CHECK(s >= 0);
		MOOR_CHECK_INT(moor_transport_send(&t.base, (const uint8_t *)"L", 1), 1);
		MOOR_CHECK_INT(tu_read_exact(s, rxbuf, 1, 2000), 0);
		moor_transport_close(&t.base);
		close(s);
	}
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "no-such-host.invalid", port4, 2000),
		MOOR_ERR_RESOLVE);
	MOOR_CHECK_INT(t.fd, -1);
	/* Not a valid literal and not a name either. */
	MOOR_CHECK_INT(moor_posix_tcp_connect(&t, plat, "[::1", port4, 2000),
		MOOR_ERR_RESOLVE);
	moor_test_heap_guard(1);
}

/* A listener whose backlog is full drops the SYN: connect times out. */
static void test_connect_timeout(void)
{
	moor_posix_tcp t, fill[8];
	uint16_t p = 0;
	int l = tu_listen(AF_INET, &p), i, n = 0, rc = MOOR_OK;
	uint32_t t0, el = 0;

	if (l < 0)
		return;
	listen(l, 0);
	for (i = 0; i < 8; i++) {
		t0 = tu_now_ms();
		rc = moor_posix_tcp_connect(&fill[i], plat, "127.0.0.1", p, 300);
		el = tu_now_ms() - t0;
		if (rc != MOOR_OK)
			break;
		n++;
	}
	if (rc == MOOR_OK) {
		printf("# backlog never filled here: connect timeout not tested\n");
	} else {
		MOOR_CHECK_INT(rc, MOOR_ERR_TIMEOUT);
		MOOR_CHECK(el >= 290 && el < 3000);
		MOOR_CHECK_INT(fill[i].fd, -1);
	}
	for (i = 0; i < n; i++)
		moor_transport_close(&fill[i].base);
	close(l);
	(void)t;
}

static void test_adopt(void)
{
	moor_posix_tcp a, b;
	uint8_t buf[8];
	int sv[2];

	MOOR_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	moor_posix_tcp_adopt(&a, sv[0]);
	moor_posix_tcp_adopt(&b, sv[1]);
	MOOR_CHECK_INT(a.err, MOOR_OK);
	MOOR_CHECK_INT(a.fd, sv[0]);
	MOOR_CHECK((fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0);
	MOOR_CHECK_INT(moor_transport_recv(&b.base, buf, sizeof(buf)), 0);
	MOOR_CHECK_INT(moor_transport_send(&a.base, (const uint8_t *)"pair", 4), 4);
	MOOR_CHECK_INT(moor_transport_wait(&b.base, MOOR_IO_READ, 1000), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_recv(&b.base, buf, sizeof(buf)), 4);
	MOOR_CHECK(memcmp(buf, "pair", 4) == 0);
	moor_transport_close(&a.base);
	MOOR_CHECK_INT(moor_transport_wait(&b.base, MOOR_IO_READ, 1000), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_recv(&b.base, buf, sizeof(buf)), MOOR_ERR_CLOSED);
	moor_transport_close(&b.base);

	moor_posix_tcp_adopt(&a, -1);
	MOOR_CHECK_INT(a.fd, -1);
	MOOR_CHECK_INT(moor_transport_send(&a.base, (const uint8_t *)"x", 1),
		MOOR_ERR_NOT_CONNECTED);
	moor_transport_close(&a.base);
	moor_posix_tcp_adopt(NULL, -1);   /* no crash */
}

int main(void)
{
	alarm(100);
	plat = moor_posix_platform(-1);
	lfd4 = tu_listen(AF_INET, &port4);
	MOOR_CHECK(lfd4 >= 0);
	if (lfd4 < 0)
		return moor_test_done();
	moor_test_heap_guard(1);

	test_invalid_args();
	test_send_recv();
	test_bulk();
	test_write_would_block();
	test_wait_timeout();
	test_orderly_close();
	test_reset();
	test_no_sigpipe();
	test_connect_refused();
	test_ipv6();
	test_resolve();
	test_connect_timeout();
	test_adopt();

	close(lfd4);
	return moor_test_done();
}
