/* The fault-injecting transport, over an in-memory transport and over a
 * real socket pair. */
#define _GNU_SOURCE 1

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "port_util.h"
#include "testlib.h"

/* An observer that records what it is shown. */
typedef struct seen {
	uint8_t data[8192];
	size_t len;
	unsigned calls;
} seen;

static void observe(void *ctx, const uint8_t *d, size_t n)
{
	seen *s = ctx;

	s->calls++;
	if (n > sizeof(s->data) - s->len)
		n = sizeof(s->data) - s->len;
	memcpy(s->data + s->len, d, n);
	s->len += n;
}

static seen seen_tx, seen_rx;

static void test_defaults(void)
{
	moor_fault_config c;

	memset(&c, 0x77, sizeof(c));
	moor_fault_config_default(&c);
	MOOR_CHECK_INT(c.fail_after_send, -1);
	MOOR_CHECK_INT(c.fail_after_recv, -1);
	MOOR_CHECK_INT(c.stall_after_recv, -1);
	MOOR_CHECK_INT(c.fail_status, 0);
	MOOR_CHECK_INT(c.max_send_chunk, 0);
	MOOR_CHECK_INT(c.max_recv_chunk, 0);
	MOOR_CHECK(c.on_send == NULL && c.on_recv == NULL && c.observer_ctx == NULL);
	moor_fault_config_default(NULL);   /* no crash */
}

/* Default config: a transparent pass-through, observers see everything. */
static void test_passthrough(void)
{
	static tu_mem m;
	moor_fault f;
	moor_fault_config c;
	uint8_t buf[32];

	tu_mem_init(&m);
	memset(&seen_tx, 0, sizeof(seen_tx));
	memset(&seen_rx, 0, sizeof(seen_rx));
	moor_fault_config_default(&c);
	c.on_send = observe;
	c.on_recv = observe;
	c.observer_ctx = &seen_tx;
	moor_fault_init(&f, &m.base, &c);
	/* The config was copied. */
	c.fail_after_send = 0;
	MOOR_CHECK_INT(f.cfg.fail_after_send, -1);

	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"hello world", 11), 11);
	MOOR_CHECK(m.out_len == 11 && memcmp(m.out, "hello world", 11) == 0);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), 0);
	tu_mem_feed(&m, "reply", 5);
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 100), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), 5);
	MOOR_CHECK(memcmp(buf, "reply", 5) == 0);
	MOOR_CHECK_INT(f.sent, 11);
	MOOR_CHECK_INT(f.received, 5);
	MOOR_CHECK_INT(f.tripped, 0);
	/* Both observers wrote into one record, in call order. */
	MOOR_CHECK(seen_tx.len == 16 && memcmp(seen_tx.data, "hello worldreply", 16) == 0);
	MOOR_CHECK_INT(seen_tx.calls, 2);
	/* A recv that moved nothing is not observed. */
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), 0);
	MOOR_CHECK_INT(seen_tx.calls, 2);

	/* flush forwards, including "still pending" results. */
	m.flush_pending = 2;
	MOOR_CHECK_INT(moor_transport_flush(&f.base), 2);
	MOOR_CHECK_INT(moor_transport_flush(&f.base), 1);
	MOOR_CHECK_INT(moor_transport_flush(&f.base), 0);
	MOOR_CHECK_INT(m.flush_calls, 3);
	/* A short write below: observers see only what was taken. */
	seen_tx.len = 0;
	m.out_cap = m.out_len + 3;
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"0123456789", 10), 3);
	MOOR_CHECK(seen_tx.len == 3 && memcmp(seen_tx.data, "012", 3) == 0);
	MOOR_CHECK_INT(f.sent, 14);
	/* Lower "would block" passes through. */
	m.out_cap = m.out_len;
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"x", 1), 0);
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_WRITE, 10), 0);
	MOOR_CHECK_INT(f.sent, 14);
	/* Lower errors pass through and do not trip the fault. */
	m.err = MOOR_ERR_RESET;
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"x", 1), MOOR_ERR_RESET);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 1), MOOR_ERR_RESET);
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 10), MOOR_ERR_RESET);
	MOOR_CHECK_INT(f.tripped, 0);
	/* close closes the lower transport. */
	moor_transport_close(&f.base);
	MOOR_CHECK_INT(m.close_calls, 1);

	/* A NULL config means "inject nothing". */
	tu_mem_init(&m);
	moor_fault_init(&f, &m.base, NULL);
	MOOR_CHECK_INT(f.cfg.fail_after_send, -1);
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"abc", 3), 3);
}

static void test_fail_after_send(void)
{
	static tu_mem m;
	moor_fault f;
	moor_fault_config c;
	uint8_t buf[8];

	tu_mem_init(&m);
	memset(&seen_tx, 0, sizeof(seen_tx));
	moor_fault_config_default(&c);
	c.fail_after_send = 5;
	c.on_send = observe;
	c.observer_ctx = &seen_tx;
	moor_fault_init(&f, &m.base, &c);

	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"abc", 3), 3);
	/* Only the bytes up to the limit pass. */
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"defghij", 7), 2);
	MOOR_CHECK_INT(f.tripped, 0);
	/* The limit is reached but not yet tripped: WRITE is "ready". */
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_WRITE, 1000), MOOR_IO_WRITE);
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"k", 1), MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(f.tripped, 1);
	MOOR_CHECK(m.out_len == 5 && memcmp(m.out, "abcde", 5) == 0);
	MOOR_CHECK(seen_tx.len == 5 && memcmp(seen_tx.data, "abcde", 5) == 0);
	/* Sticky, on every call, even with data waiting below. */
	tu_mem_feed(&m, "zz", 2);
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"k", 1), MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(moor_transport_flush(&f.base), MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 10), MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(m.recv_calls, 0);
	MOOR_CHECK_INT(f.sent, 5);

	/* A limit of 0 fails the first send; a custom status. */
	tu_mem_init(&m);
	moor_fault_config_default(&c);
	c.fail_after_send = 0;
	c.fail_status = MOOR_ERR_RESET;
	moor_fault_init(&f, &m.base, &c);
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"a", 1), MOOR_ERR_RESET);
	MOOR_CHECK_INT(m.send_calls, 0);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 1), MOOR_ERR_RESET);

	/* A positive fail_status is not a status: INJECTED is used. */
	tu_mem_init(&m);
	c.fail_status = 5;
	moor_fault_init(&f, &m.base, &c);
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"a", 1), MOOR_ERR_INJECTED);
}

static void test_fail_after_recv(void)
{
	static tu_mem m;
	moor_fault f;
	moor_fault_config c;
	uint8_t buf[16];

	tu_mem_init(&m);
	memset(&seen_rx, 0, sizeof(seen_rx));
	moor_fault_config_default(&c);
	c.fail_after_recv = 6;
	c.fail_status = MOOR_ERR_CLOSED;   /* mimic a FIN */
	c.on_recv = observe;
	c.observer_ctx = &seen_rx;
	moor_fault_init(&f, &m.base, &c);
	tu_mem_feed(&m, "0123456789", 10);

	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 4), 4);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf + 4, 10), 2);
	MOOR_CHECK(memcmp(buf, "012345", 6) == 0);
	/* Would trip: READ ready immediately, without asking below. */
	m.wait_calls = 0;
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 5000), MOOR_IO_READ);
	MOOR_CHECK_INT(m.wait_calls, 0);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 10), MOOR_ERR_CLOSED);
	MOOR_CHECK_INT(f.tripped, 1);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 10), MOOR_ERR_CLOSED);
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"a", 1), MOOR_ERR_CLOSED);
	MOOR_CHECK(seen_rx.len == 6 && memcmp(seen_rx.data, "012345", 6) == 0);
	MOOR_CHECK_INT(f.received, 6);
	/* The rest is still below, untouched. */
	MOOR_CHECK_INT(m.in_off, 6);
}

static void test_chunks(void)
{
	static tu_mem m;
	static uint8_t msg[1000], buf[1000];
	moor_fault f;
	moor_fault_config c;
	size_t i, off;
	int r, calls;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 13u + 1u);
	tu_mem_init(&m);
	memset(&seen_tx, 0, sizeof(seen_tx));
	memset(&seen_rx, 0, sizeof(seen_rx));
	moor_fault_config_default(&c);
	c.max_send_chunk = 3;
	c.max_recv_chunk = 7;
	c.on_send = observe;
	c.on_recv = NULL;
	c.observer_ctx = &seen_tx;
	moor_fault_init(&f, &m.base, &c);

	for (off = 0, calls = 0; off < sizeof(msg); calls++) {
		r = moor_transport_send(&f.base, msg + off, sizeof(msg) - off);
		MOOR_CHECK(r > 0 && r <= 3);
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	MOOR_CHECK_INT(calls, 334);
	MOOR_CHECK(m.out_len == sizeof(msg) && memcmp(m.out, msg, sizeof(msg)) == 0);
	MOOR_CHECK(seen_tx.len == sizeof(msg) && memcmp(seen_tx.data, msg, sizeof(msg)) == 0);
	MOOR_CHECK_INT(seen_tx.calls, 334);

	tu_mem_feed(&m, msg, sizeof(msg));
	for (off = 0, calls = 0; off < sizeof(msg); calls++) {
		r = moor_transport_recv(&f.base, buf + off, sizeof(buf) - off);
		MOOR_CHECK(r > 0 && r <= 7);
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	MOOR_CHECK_INT(calls, 143);
	MOOR_CHECK(memcmp(buf, msg, sizeof(msg)) == 0);
	/* Small requests are not padded up. */
	tu_mem_feed(&m, "ab", 2);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 1), 1);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 100), 1);
	MOOR_CHECK_INT(f.tripped, 0);
}

static void test_stall(void)
{
	static tu_mem m;
	moor_fault f;
	moor_fault_config c;
	uint8_t buf[16];
	uint32_t t0, el;

	tu_mem_init(&m);
	moor_fault_config_default(&c);
	c.stall_after_recv = 4;
	moor_fault_init(&f, &m.base, &c);
	tu_mem_feed(&m, "abcdefgh", 8);

	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), 4);
	MOOR_CHECK(memcmp(buf, "abcd", 4) == 0);
	/* Data is waiting below, but we stall. */
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), 0);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), 0);
	t0 = tu_now_ms();
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 150), 0);
	el = tu_now_ms() - t0;
	MOOR_CHECK(el >= 140 && el < 3000);
	/* WRITE readiness still comes from below, at once. */
	t0 = tu_now_ms();
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ | MOOR_IO_WRITE, 2000),
		MOOR_IO_WRITE);
	MOOR_CHECK(tu_now_ms() - t0 < 1000);
	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"ok", 2), 2);
	MOOR_CHECK_INT(f.received, 4);
	MOOR_CHECK_INT(f.tripped, 0);

	/* Stall and fail at the same byte: the stall wins, nothing trips. */
	tu_mem_init(&m);
	moor_fault_config_default(&c);
	c.stall_after_recv = 0;
	c.fail_after_recv = 0;
	moor_fault_init(&f, &m.base, &c);
	tu_mem_feed(&m, "x", 1);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, 1), 0);
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 20), 0);
	MOOR_CHECK_INT(f.tripped, 0);
}

/* Over a real socket pair: the stall holds even with data in the socket. */
static void test_over_socket(void)
{
	moor_posix_tcp a, b;
	moor_fault f;
	moor_fault_config c;
	uint8_t buf[32];
	uint32_t t0, el;
	int sv[2];

	MOOR_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	moor_posix_tcp_adopt(&a, sv[0]);
	moor_posix_tcp_adopt(&b, sv[1]);
	moor_fault_config_default(&c);
	c.stall_after_recv = 3;
	c.max_send_chunk = 2;
	moor_fault_init(&f, &a.base, &c);

	MOOR_CHECK_INT(moor_transport_send(&f.base, (const uint8_t *)"abc", 3), 2);
	MOOR_CHECK_INT(moor_transport_wait(&b.base, MOOR_IO_READ, 1000), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_recv(&b.base, buf, sizeof(buf)), 2);
	MOOR_CHECK_INT(moor_transport_send(&b.base, (const uint8_t *)"0123456789", 10), 10);
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 1000), MOOR_IO_READ);
	MOOR_CHECK_INT(moor_transport_recv(&f.base, buf, sizeof(buf)), 3);
	t0 = tu_now_ms();
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ, 120), 0);
	el = tu_now_ms() - t0;
	MOOR_CHECK(el >= 110 && el < 3000);
	MOOR_CHECK_INT(moor_transport_wait(&f.base, MOOR_IO_READ | MOOR_IO_WRITE, 1000),
		MOOR_IO_WRITE);
	/* Closing the fault transport closes the socket below. */
	moor_transport_close(&f.base);
	MOOR_CHECK_INT(a.fd, -1);
	moor_transport_close(&f.base);   /* idempotent */
	MOOR_CHECK_INT(moor_transport_wait(&b.base, MOOR_IO_READ, 1000), MOOR_IO_READ);
	{
		/* a closed with 7 unread bytes: the peer sees an end or a reset. */
		int r = moor_transport_recv(&b.base, buf, sizeof(buf));

		MOOR_CHECK(r == MOOR_ERR_CLOSED || r == MOOR_ERR_RESET);
	}
	moor_transport_close(&b.base);
}

int main(void)
{
	alarm(60);
	moor_test_heap_guard(1);
	test_defaults();
	test_passthrough();
	test_fail_after_send();
	test_fail_after_recv();
	test_chunks();
	test_stall();
	test_over_socket();
	return moor_test_done();
}
