/*
 * The heap guard itself (tests/common/heap_guard.c): allocation works
 * while it is off; while it is on, every allocation function (and libc's
 * own internal allocations) aborts. Each armed allocation runs in a child
 * process, and the parent checks that the child died of SIGABRT.
 */
#define _GNU_SOURCE 1

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "testlib.h"

/* Called through volatile pointers so the compiler cannot drop or fold
 * the allocation. */
static void *(*volatile v_malloc)(size_t) = malloc;
static void *(*volatile v_calloc)(size_t, size_t) = calloc;
static void *(*volatile v_realloc)(void *, size_t) = realloc;
static void (*volatile v_free)(void *) = free;
static char *(*volatile v_strdup)(const char *) = strdup;
static char *(*volatile v_strndup)(const char *, size_t) = strndup;
static int (*volatile v_posix_memalign)(void **, size_t, size_t) = posix_memalign;
static void *(*volatile v_aligned_alloc)(size_t, size_t) = aligned_alloc;
static void *(*volatile v_memalign)(size_t, size_t) = memalign;
static void *(*volatile v_valloc)(size_t) = valloc;
static void *(*volatile v_pvalloc)(size_t) = pvalloc;
static void *(*volatile v_reallocarray)(void *, size_t, size_t) = reallocarray;

static void *volatile sink;
static void *before_arming;

enum { DIE_ABORT, EXIT_OK };

/* Run `fn` in a child with the guard armed; check how the child ended. */
static void in_child(const char *name, void (*fn)(void), int want)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	MOOR_CHECK(pid >= 0);
	if (pid < 0)
		return;
	if (pid == 0) {
		moor_test_heap_guard(1);
		fn();
		fflush(stdout);
		_exit(0);
	}
	MOOR_CHECK(waitpid(pid, &status, 0) == pid);
	if (want == DIE_ABORT) {
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT))
			fprintf(stderr, "%s: child status 0x%x, want SIGABRT\n", name, status);
		MOOR_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	} else {
		if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			fprintf(stderr, "%s: child status 0x%x, want exit 0\n", name, status);
		MOOR_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

static void do_malloc(void) { sink = v_malloc(16); }
static void do_malloc0(void) { sink = v_malloc(0); }
static void do_calloc(void) { sink = v_calloc(4, 4); }
static void do_realloc_null(void) { sink = v_realloc(NULL, 8); }
static void do_realloc(void) { sink = v_realloc(before_arming, 64); }
static void do_free(void) { v_free(before_arming); }
static void do_strdup(void) { sink = v_strdup("x"); }
static void do_strndup(void) { sink = v_strndup("xyz", 2); }
static void do_posix_memalign(void)
{
	void *p = NULL;

	(void)v_posix_memalign(&p, 64, 64);
	sink = p;
}
static void do_aligned_alloc(void) { sink = v_aligned_alloc(64, 64); }
static void do_memalign(void) { sink = v_memalign(64, 64); }
static void do_valloc(void) { sink = v_valloc(64); }
static void do_pvalloc(void) { sink = v_pvalloc(64); }
static void do_reallocarray(void) { sink = v_reallocarray(NULL, 4, 4); }
/* glibc allocates inside fopen: the guard catches libc's own calls. */
static void do_fopen(void) { sink = fopen("/dev/null", "r"); }

/* Things that must keep working while armed. */
static void do_harmless(void)
{
	char buf[64];

	v_free(NULL);
	printf("# child: printf while armed works (%d)\n", 42);
	fprintf(stderr, "# child: so does stderr (%s)\n", "unbuffered");
	snprintf(buf, sizeof(buf), "%d %s %ld", 7, "x", 9L);
	if (strcmp(buf, "7 x 9") != 0)
		_exit(5);
	/* Disarm, allocate, re-arm. */
	moor_test_heap_guard(0);
	sink = v_malloc(100);
	if (sink == NULL)
		_exit(6);
	v_free(sink);
	moor_test_heap_guard(1);
}

static void test_disarmed(void)
{
	char *s;
	void *p = NULL;
	int *a;
	size_t i;

	a = v_malloc(100 * sizeof(int));
	MOOR_CHECK(a != NULL);
	for (i = 0; a != NULL && i < 100; i++)
		a[i] = (int)i;
	a = v_realloc(a, 10000 * sizeof(int));
	MOOR_CHECK(a != NULL && a[99] == 99);
	v_free(a);
	a = v_calloc(1000, sizeof(int));
	MOOR_CHECK(a != NULL);
	for (i = 0; a != NULL && i < 1000; i++)
		if (a[i] != 0)
			break;
	MOOR_CHECK(i == 1000);
	v_free(a);
	s = v_strdup("heap guard");
	MOOR_CHECK_STR(s, "heap guard");
	v_free(s);
	s = v_strndup("heap guard", 4);
	MOOR_CHECK_STR(s, "heap");
	v_free(s);
	MOOR_CHECK_INT(v_posix_memalign(&p, 256, 100), 0);
	MOOR_CHECK(p != NULL && ((uintptr_t)p & 255u) == 0);
	v_free(p);
	MOOR_CHECK_INT(v_posix_memalign(&p, 3, 100), EINVAL);
	p = v_aligned_alloc(128, 256);
	MOOR_CHECK(p != NULL && ((uintptr_t)p & 127u) == 0);
	v_free(p);
	p = v_memalign(32, 10);
	MOOR_CHECK(p != NULL && ((uintptr_t)p & 31u) == 0);
	v_free(p);
	p = v_valloc(10);
	MOOR_CHECK(p != NULL && ((uintptr_t)p & 4095u) == 0);
	v_free(p);
	p = v_pvalloc(10);
	MOOR_CHECK(p != NULL);
	v_free(p);
	p = v_reallocarray(NULL, 8, 8);
	MOOR_CHECK(p != NULL);
	v_free(p);
	errno = 0;
	p = v_reallocarray(NULL, (size_t)-1, 16);
	MOOR_CHECK(p == NULL && errno == ENOMEM);
	v_free(NULL);
	{
		FILE *fp = fopen("/dev/null", "r");

		MOOR_CHECK(fp != NULL);
		if (fp != NULL)
			fclose(fp);
	}
}

int main(void)
{
	alarm(100);
	test_disarmed();
	before_arming = v_malloc(32);
	MOOR_CHECK(before_arming != NULL);

	in_child("malloc", do_malloc, DIE_ABORT);
	in_child("malloc(0)", do_malloc0, DIE_ABORT);
	in_child("calloc", do_calloc, DIE_ABORT);
	in_child("realloc(NULL)", do_realloc_null, DIE_ABORT);
	in_child("realloc", do_realloc, DIE_ABORT);
	in_child("free", do_free, DIE_ABORT);
	in_child("strdup", do_strdup, DIE_ABORT);
	in_child("strndup", do_strndup, DIE_ABORT);
	in_child("posix_memalign", do_posix_memalign, DIE_ABORT);
	in_child("aligned_alloc", do_aligned_alloc, DIE_ABORT);
	in_child("memalign", do_memalign, DIE_ABORT);
	in_child("valloc", do_valloc, DIE_ABORT);
	in_child("pvalloc", do_pvalloc, DIE_ABORT);
	in_child("reallocarray", do_reallocarray, DIE_ABORT);
	in_child("fopen", do_fopen, DIE_ABORT);
	in_child("harmless", do_harmless, EXIT_OK);

	/* Disarmed again in the parent (never armed here): still fine. */
	v_free(before_arming);
	test_disarmed();

	/* The parent ends armed: printing the summary and exiting must not
	 * allocate (the guard disarms itself at exit). */
	moor_test_heap_guard(1);
	return moor_test_done();
}
