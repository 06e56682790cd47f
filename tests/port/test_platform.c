/* POSIX platform hooks: clocks, MOOR_FAKE_TIME, entropy, the log sink. */
#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "port_util.h"
#include "testlib.h"

static void test_selection(void)
{
	const moor_platform *q = moor_posix_platform(-1);
	int i, j;

	MOOR_CHECK(q != NULL);
	MOOR_CHECK(q->log == NULL);
	MOOR_CHECK(q->now_ms != NULL && q->wall_time != NULL && q->entropy != NULL);
	for (i = 0; i <= 3; i++) {
		const moor_platform *p = moor_posix_platform(i);

		MOOR_CHECK(p != NULL && p->log != NULL);
		MOOR_CHECK(p->now_ms != NULL && p->wall_time != NULL && p->entropy != NULL);
		for (j = 0; j < i; j++)
			MOOR_CHECK(moor_posix_platform(j) != p);
		MOOR_CHECK(p == moor_posix_platform(i));   /* static: same pointer */
	}
	/* Out-of-range levels clamp. */
	MOOR_CHECK(moor_posix_platform(-7) == q);
	MOOR_CHECK(moor_posix_platform(99) == moor_posix_platform(3));
}

static void test_now_ms(void)
{
	const moor_platform *p = moor_posix_platform(-1);
	uint32_t a, b, ref0, ref1;
	uint32_t prev;
	int i, backwards = 0;

	ref0 = tu_now_ms();
	a = p->now_ms(p->ctx);
	tu_sleep_ms(60);
	b = p->now_ms(p->ctx);
	ref1 = tu_now_ms();
	MOOR_CHECK((uint32_t)(b - a) >= 55);
	MOOR_CHECK((uint32_t)(b - a) <= (uint32_t)(ref1 - ref0) + 2);
	prev = p->now_ms(p->ctx);
	for (i = 0; i < 10000; i++) {
		uint32_t n = p->now_ms(p->ctx);

		if ((int32_t)(n - prev) < 0)
			backwards++;
		prev = n;
	}
	MOOR_CHECK_INT(backwards, 0);
}

static void test_wall_time(void)
{
	const moor_platform *p = moor_posix_platform(-1);
	int64_t t = 0;
	time_t ref;

	/* setenv / unsetenv allocate: the guard is off for them. */
	moor_test_heap_guard(0);
	unsetenv("MOOR_FAKE_TIME");
	moor_test_heap_guard(1);
	ref = time(NULL);
	MOOR_CHECK_INT(p->wall_time(p->ctx, &t), MOOR_OK);
	MOOR_CHECK(t >= (int64_t)ref - 2 && t <= (int64_t)ref + 2);
	MOOR_CHECK(t > 1700000000);   /* after 2023: the clock is set */
	MOOR_CHECK_INT(p->wall_time(p->ctx, NULL), MOOR_ERR_INVALID_ARG);

	moor_test_heap_guard(0);
	setenv("MOOR_FAKE_TIME", "1234567890", 1);
	moor_test_heap_guard(1);
	t = 0;
	MOOR_CHECK_INT(p->wall_time(p->ctx, &t), MOOR_OK);
	MOOR_CHECK(t == 1234567890);

	moor_test_heap_guard(0);
	setenv("MOOR_FAKE_TIME", "4102444800", 1);   /* 2100: beyond 32 bits */
	moor_test_heap_guard(1);
	MOOR_CHECK_INT(p->wall_time(p->ctx, &t), MOOR_OK);
	MOOR_CHECK(t == 4102444800LL);

	moor_test_heap_guard(0);
	setenv("MOOR_FAKE_TIME", "unknown", 1);
	moor_test_heap_guard(1);
	t = 77;
	MOOR_CHECK_INT(p->wall_time(p->ctx, &t), MOOR_ERR_TIME_UNKNOWN);

	moor_test_heap_guard(0);
	setenv("MOOR_FAKE_TIME", "12x", 1);
	moor_test_heap_guard(1);
	MOOR_CHECK_INT(p->wall_time(p->ctx, &t), MOOR_ERR_TIME_UNKNOWN);

	moor_test_heap_guard(0);
	setenv("MOOR_FAKE_TIME", "99999999999999999999999", 1);
	moor_test_heap_guard(1);
	MOOR_CHECK_INT(p->wall_time(p->ctx, &t), MOOR_ERR_TIME_UNKNOWN);

	moor_test_heap_guard(0);
	setenv("MOOR_FAKE_TIME", "-", 1);
	moor_test_heap_guard(1);
	MOOR_CHECK_INT(p->wall_time(p->ctx, &t), MOOR_ERR_TIME_UNKNOWN);

	/* Every platform level shares the hook. */
	moor_test_heap_guard(0);
	setenv("MOOR_FAKE_TIME", "1000", 1);
	moor_test_heap_guard(1);
	t = 0;
	MOOR_CHECK_INT(moor_posix_platform(3)->wall_time(NULL, &t), MOOR_OK);
	MOOR_CHECK(t == 1000);

	moor_test_heap_guard(0);
	unsetenv("MOOR_FAKE_TIME");
	moor_test_heap_guard(1);
}

static void test_entropy(void)
{
	const moor_platform *p = moor_posix_platform(-1);
	static uint8_t big[100000];
	static unsigned counts[256];
	uint8_t a[32], b[32], zero[32];
	size_t i;
	unsigned missing = 0, maxc = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(zero, 0, sizeof(zero));
	MOOR_CHECK_INT(p->entropy(p->ctx, a, sizeof(a)), MOOR_OK);
	MOOR_CHECK_INT(p->entropy(p->ctx, b, sizeof(b)), MOOR_OK);
	MOOR_CHECK(memcmp(a, b, sizeof(a)) != 0);
	MOOR_CHECK(memcmp(a, zero, sizeof(a)) != 0);
	MOOR_CHECK_INT(p->entropy(p->ctx, a, 0), MOOR_OK);
	MOOR_CHECK_INT(p->entropy(p->ctx, NULL, 0), MOOR_OK);
	MOOR_CHECK_INT(p->entropy(p->ctx, NULL, 4), MOOR_ERR_INVALID_ARG);

	/* A large request spans several getrandom calls; each byte value
	 * should show up about 390 times. */
	MOOR_CHECK_INT(p->entropy(p->ctx, big, sizeof(big)), MOOR_OK);
	for (i = 0; i < sizeof(big); i++)
		counts[big[i]]++;
	for (i = 0; i < 256; i++) {
		if (counts[i] == 0)
			missing++;
		if (counts[i] > maxc)
			maxc = counts[i];
	}
	MOOR_CHECK_INT(missing, 0);
	MOOR_CHECK(maxc < 600);
	/* The tail of the big buffer was written too. */
	MOOR_CHECK(memcmp(big + sizeof(big) - 32, zero, 32) != 0);
}

/* Run `fn` with stderr redirected into a pipe; return what it wrote. */
static size_t capture_stderr(void (*fn)(void), char *out, size_t cap)
{
	int fds[2], saved;
	ssize_t r;
	size_t n = 0;

	if (pipe(fds) != 0)
		return 0;
	saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fds[1]);
	while (n < cap - 1 && (r = read(fds[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	return n;
}

static void log_at_warn(void)
{
	const moor_platform *p = moor_posix_platform(MOOR_LOG_WARN);

	p->log(p->ctx, MOOR_LOG_ERROR, "tls", "handshake failed", -201);
	p->log(p->ctx, MOOR_LOG_WARN, "x509", "weak key", 1024);
	p->log(p->ctx, MOOR_LOG_INFO, "tls", "not shown", 1);
	p->log(p->ctx, MOOR_LOG_DEBUG, "tls", "not shown", 2);
}

static void log_at_debug(void)
{
	const moor_platform *p = moor_posix_platform(MOOR_LOG_DEBUG);

	moor_log(p, MOOR_LOG_DEBUG, "redis", "reply", 0);
	moor_log(p, MOOR_LOG_INFO, "mysql", "hello", -2147483647L - 1);
	moor_log(moor_posix_platform(-1), MOOR_LOG_ERROR, "tls", "silent", 0);
}

static void log_at_error(void)
{
	const moor_platform *p = moor_posix_platform(MOOR_LOG_ERROR);
	char longmsg[1000];

	memset(longmsg, 'a', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	p->log(p->ctx, MOOR_LOG_WARN, "tls", "not shown", 0);
	p->log(p->ctx, MOOR_LOG_ERROR, NULL, longmsg, 5);   /* cut, not overrun */
}

static void test_log(void)
{
	char out[2048];
	size_t n;

	n = capture_stderr(log_at_warn, out, sizeof(out));
	MOOR_CHECK_STR(out, "moor[tls] error: handshake failed (-201)\n"
		"moor[x509] warn: weak key (1024)\n");
	MOOR_CHECK(n > 0);

	capture_stderr(log_at_debug, out, sizeof(out));
	MOOR_CHECK_STR(out, "moor[redis] debug: reply (0)\n"
		"moor[mysql] info: hello (-2147483648)\n");

	n = capture_stderr(log_at_error, out, sizeof(out));
	MOOR_CHECK_INT(n, 512);
	MOOR_CHECK(strncmp(out, "moor[?] error: aaa", 18) == 0);
	MOOR_CHECK(out[n - 1] == '\n');
}

int main(void)
{
	alarm(60);
	moor_test_heap_guard(1);
	test_selection();
	test_now_ms();
	test_wall_time();
	test_entropy();
	test_log();
	return moor_test_done();
}
