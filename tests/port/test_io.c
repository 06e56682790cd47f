/* The moor_io_* helpers (core/common/io.c) over the fault transport, the
 * in-memory transport and a real socket pair with an echo child. */
#define _GNU_SOURCE 1

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "port_util.h"
#include "testlib.h"

static const moor_platform *plat;
static tu_mem m;

static void test_send_all(void)
{
	moor_fault f;
	moor_fault_config c;
	uint32_t t0, el;
	int r;

	/* One byte at a time, then a flush that is pending twice. */
	tu_mem_init(&m);
	m.flush_pending = 2;
	moor_fault_config_default(&c);
	c.max_send_chunk = 1;
	moor_fault_init(&f, &m.base, &c);
	r = moor_io_send_all(&f.base, plat, (const uint8_t *)"abcdefghij", 10, 1000);
	MOOR_CHECK_INT(r, MOOR_OK);
	MOOR_CHECK(m.out_len == 10 && memcmp(m.out, "abcdefghij", 10) == 0);
	MOOR_CHECK_INT(m.send_calls, 10);
	MOOR_CHECK_INT(m.flush_calls, 3);
	MOOR_CHECK_INT(m.flush_pending, 0);

	/* Nothing to send still flushes. */
	tu_mem_init(&m);
	MOOR_CHECK_INT(moor_io_send_all(&m.base, plat, NULL, 0, 100), MOOR_OK);
	MOOR_CHECK_INT(m.flush_calls, 1);

	/* The peer never takes the rest: timeout, roughly on time. */
	tu_mem_init(&m);
	m.out_cap = 4;
	t0 = tu_now_ms();
	r = moor_io_send_all(&m.base, plat, (const uint8_t *)"0123456789", 10, 150);
	el = tu_now_ms() - t0;
	MOOR_CHECK_INT(r, MOOR_ERR_TIMEOUT);
	MOOR_CHECK(el >= 140 && el < 3000);
	MOOR_CHECK_INT(m.out_len, 4);

	/* A flush that never finishes times out too. */
	tu_mem_init(&m);
	m.flush_stuck = 1;
	m.out_cap = 2;   /* and WRITE is not ready once the data is in */
	r = moor_io_send_all(&m.base, plat, (const uint8_t *)"ab", 2, 50);
	MOOR_CHECK_INT(r, MOOR_ERR_TIMEOUT);
	tu_mem_init(&m);
	m.flush_stuck = 1;
	m.out_cap = 0;
	t0 = tu_now_ms();
	MOOR_CHECK_INT(moor_io_flush(&m.base, plat, 50), MOOR_ERR_TIMEOUT);
	el = tu_now_ms() - t0;
	MOOR_CHECK(el >= 45 && el < 3000);
	m.flush_stuck = 0;
	MOOR_CHECK_INT(moor_io_flush(&m.base, plat, 50), MOOR_OK);

	/* An error in the middle is returned as is. */
	tu_mem_init(&m);
	moor_fault_config_default(&c);
	c.fail_after_send = 3;
	c.max_send_chunk = 2;
	moor_fault_init(&f, &m.base, &c);
	r = moor_io_send_all(&f.base, plat, (const uint8_t *)"abcdef", 6, 1000);
	MOOR_CHECK_INT(r, MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(m.out_len, 3);
	tu_mem_init(&m);
	m.err = MOOR_ERR_RESET;
	MOOR_CHECK_INT(moor_io_send_all(&m.base, plat, (const uint8_t *)"a", 1, 100),
		MOOR_ERR_RESET);
	MOOR_CHECK_INT(moor_io_flush(&m.base, plat, 100), MOOR_ERR_RESET);

	MOOR_CHECK_INT(moor_io_send_all(NULL, plat, (const uint8_t *)"a", 1, 100),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_io_send_all(&m.base, plat, NULL, 1, 100), MOOR_ERR_INVALID_ARG);
}

static void test_recv(void)
{
	moor_fault f;
	moor_fault_config c;
	uint8_t buf[64];
	uint32_t t0, el;
	int r;

	/* recv_some: whatever is there, at most len. */
	tu_mem_init(&m);
	tu_mem_feed(&m, "hello", 5);
	memset(buf, 0, sizeof(buf));
	MOOR_CHECK_INT(moor_io_recv_some(&m.base, plat, buf, sizeof(buf), 100), 5);
	MOOR_CHECK(memcmp(buf, "hello", 5) == 0);
	tu_mem_feed(&m, "world", 5);
	MOOR_CHECK_INT(moor_io_recv_some(&m.base, plat, buf, 2, 100), 2);
	MOOR_CHECK_INT(moor_io_recv_some(&m.base, plat, buf, sizeof(buf), 100), 3);
	MOOR_CHECK(memcmp(buf, "rld", 3) == 0);

	/* Nothing arrives: timeout, roughly on time. */
	t0 = tu_now_ms();
	r = moor_io_recv_some(&m.base, plat, buf, sizeof(buf), 120);
	el = tu_now_ms() - t0;
	MOOR_CHECK_INT(r, MOOR_ERR_TIMEOUT);
	MOOR_CHECK(el >= 110 && el < 3000);

	/* End of stream. */
	m.eof = 1;
	MOOR_CHECK_INT(moor_io_recv_some(&m.base, plat, buf, sizeof(buf), 100), MOOR_ERR_CLOSED);

	/* recv_exact through 1-byte reads. */
	tu_mem_init(&m);
	moor_fault_config_default(&c);
	c.max_recv_chunk = 1;
	moor_fault_init(&f, &m.base, &c);
	tu_mem_feed(&m, "exactly-this", 12);
	memset(buf, 0, sizeof(buf));
	MOOR_CHECK_INT(moor_io_recv_exact(&f.base, plat, buf, 12, 1000), MOOR_OK);
	MOOR_CHECK(memcmp(buf, "exactly-this", 12) == 0);
	MOOR_CHECK_INT(m.recv_calls, 12);
	MOOR_CHECK_INT(moor_io_recv_exact(&f.base, plat, buf, 0, 10), MOOR_OK);

	/* The stream ends early. */
	tu_mem_init(&m);
	tu_mem_feed(&m, "short", 5);
	m.eof = 1;
	MOOR_CHECK_INT(moor_io_recv_exact(&m.base, plat, buf, 10, 1000), MOOR_ERR_CLOSED);

	/* A stall: the deadline fires even though data is waiting below. */
	tu_mem_init(&m);
	tu_mem_feed(&m, "0123456789", 10);
	moor_fault_config_default(&c);
	c.stall_after_recv = 6;
	moor_fault_init(&f, &m.base, &c);
	t0 = tu_now_ms();
	r = moor_io_recv_exact(&f.base, plat, buf, 10, 150);
	el = tu_now_ms() - t0;
	MOOR_CHECK_INT(r, MOOR_ERR_TIMEOUT);
	MOOR_CHECK(el >= 140 && el < 3000);
	MOOR_CHECK_INT(f.received, 6);

	/* An injected failure after some bytes. */
	tu_mem_init(&m);
	tu_mem_feed(&m, "0123456789", 10);
	moor_fault_config_default(&c);
	c.fail_after_recv = 4;
	c.fail_status = MOOR_ERR_RESET;
	moor_fault_init(&f, &m.base, &c);
	MOOR_CHECK_INT(moor_io_recv_exact(&f.base, plat, buf, 10, 1000), MOOR_ERR_RESET);
	MOOR_CHECK_INT(moor_io_recv_some(&f.base, plat, buf, 10, 1000), MOOR_ERR_RESET);

	MOOR_CHECK_INT(moor_io_recv_some(&m.base, plat, buf, 0, 100), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_io_recv_some(NULL, plat, buf, 4, 100), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_io_recv_exact(&m.base, plat, NULL, 4, 100), MOOR_ERR_INVALID_ARG);
}

/* A child echoes everything back over a socket pair; the parent sends and
 * receives a megabyte with the helpers, in pieces that force waiting. */
static void test_echo(void)
{
	static uint8_t out[1u << 20], in[1u << 20];
	const size_t piece = 64u << 10;
	moor_posix_tcp t;
	size_t off, i;
	int sv[2], status = 0, r = MOOR_OK;
	pid_t pid;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i ^ (i >> 8));
	MOOR_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fflush(stdout);
	pid = fork();
	MOOR_CHECK(pid >= 0);
	if (pid == 0) {
		static uint8_t b[16384];
		ssize_t n;

		close(sv[0]);
		while ((n = read(sv[1], b, sizeof(b))) > 0)
			if (tu_write_all(sv[1], b, (size_t)n) != 0)
				_exit(2);
		_exit(n == 0 ? 0 : 3);
	}
	close(sv[1]);
	moor_posix_tcp_adopt(&t, sv[0]);
	/* Send a piece, read it back: the echo can never deadlock. */
	for (off = 0; off < sizeof(out) && r == MOOR_OK; off += piece) {
		r = moor_io_send_all(&t.base, plat, out + off, piece, 5000);
		MOOR_CHECK_INT(r, MOOR_OK);
		if (r == MOOR_OK) {
			r = moor_io_recv_exact(&t.base, plat, in + off, piece, 5000);
			MOOR_CHECK_INT(r, MOOR_OK);
		}
	}
	MOOR_CHECK(memcmp(in, out, sizeof(in)) == 0);
	shutdown(t.fd, SHUT_WR);
	MOOR_CHECK_INT(moor_io_recv_some(&t.base, plat, in, 16, 5000), MOOR_ERR_CLOSED);
	moor_transport_close(&t.base);
	MOOR_CHECK(waitpid(pid, &status, 0) == pid);
	MOOR_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	alarm(100);
	plat = moor_posix_platform(-1);
	moor_test_heap_guard(1);
	test_send_all();
	test_recv();
	test_echo();
	return moor_test_done();
}
