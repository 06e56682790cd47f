#include "testlib.h"

#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "moor/status.h"

int moor_test_checks;
int moor_test_failures;

void moor_test_fail(const char *file, int line, const char *expr)
{
	moor_test_failures++;
	fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, expr);
}

void moor_test_fail_int(const char *file, int line, const char *expr, long got, long want)
{
	moor_test_failures++;
	fprintf(stderr, "%s:%d: FAILED: %s\n  got  %ld (%s)\n  want %ld (%s)\n",
		file, line, expr, got, moor_status_name((int)got),
		want, moor_status_name((int)want));
}

void moor_test_fail_str(const char *file, int line, const char *expr, const char *got, const char *want)
{
	moor_test_failures++;
	fprintf(stderr, "%s:%d: FAILED: %s\n  got  \"%s\"\n  want \"%s\"\n",
		file, line, expr, got ? got : "(null)", want ? want : "(null)");
}

int moor_test_done(void)
{
	printf("%d checks, %d failed\n", moor_test_checks, moor_test_failures);
	fflush(stdout);
	if (moor_test_checks == 0) {
		fprintf(stderr, "no checks ran: a test must assert something\n");
		return 1;
	}
	return moor_test_failures ? 1 : 0;
}

long moor_test_read_file(const char *path, void *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;

	if (fd < 0 || cap == 0)
		return -1;
	while (n < cap - 1) {
		ssize_t r = read(fd, (char *)buf + n, cap - 1 - n);
		if (r < 0) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	((char *)buf)[n] = 0;
	return (long)n;
}

#ifndef MOOR_HEAP_GUARD
void moor_test_heap_guard(int on)
{
	(void)on;
}
#endif
