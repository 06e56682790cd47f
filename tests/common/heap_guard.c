/*
 * The heap guard: proof that code under test never touches the heap.
 *
 * This file defines the C library's allocation functions in the test
 * executable itself. Because the executable's definitions take precedence
 * over libc's (ELF symbol interposition; glibc supports replacing malloc
 * this way), every allocation in the process comes here: the test's own,
 * moor's, and the ones glibc makes internally (fopen, getaddrinfo, printf
 * without a buffer...). While the guard is disarmed each call forwards to
 * glibc's real allocator through its __libc_* entry points. While it is
 * armed each call writes one line to stderr with write(2) (stdio could
 * allocate) and abort()s, so the test dies with SIGABRT at the culprit and
 * a debugger or core dump shows the stack.
 *
 * Under valgrind: memcheck replaces malloc & co. in libc.so (including the
 * __libc_* names) but, by default, not in the main executable, so these
 * definitions still run and their forwarded calls land in valgrind's
 * allocator, which tracks them as usual.
 *
 * Only built in non-sanitized builds (ASan has its own allocator), where
 * MOOR_HEAP_GUARD is defined; testlib.c provides the no-op otherwise.
 */
#define _GNU_SOURCE 1

#include "testlib.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's own allocator, exported for exactly this use. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);

static volatile int guard_armed;
static volatile int guard_probe;
static int guard_stdio_done;
static char guard_stdout_buf[8192];

static void guard_trip(const char *fn)
{
	static const char head[] = "heap guard: ";
	static const char tail[] = "() called while the guard is armed: aborting\n";

	/* Disarm first: abort() and whatever runs after it must not recurse. */
	guard_armed = 0;
	(void)!write(STDERR_FILENO, head, sizeof(head) - 1);
	(void)!write(STDERR_FILENO, fn, strlen(fn));
	(void)!write(STDERR_FILENO, tail, sizeof(tail) - 1);
	abort();
}

#define GUARD(fn) do { if (guard_armed) guard_trip(fn); } while (0)

static void guard_disarm_at_exit(void)
{
	/* exit() runs atexit handlers before stdio teardown and before
	 * valgrind's __libc_freeres, which free glibc's internal memory. */
	guard_armed = 0;
}

/* Check that a call to malloc reaches the definition in this file. It
 * does not when a tool replaced it (valgrind does, unless run with
 * --soname-synonyms=somalloc=nouserintercepts): then say so once. */
static void guard_self_check(void)
{
	static const char msg[] = "heap guard: malloc() is replaced by a tool "
		"(valgrind: add --soname-synonyms=somalloc=nouserintercepts); "
		"the guard cannot see allocations in this run\n";
	void *(*volatile fn)(size_t) = malloc;
	void *p;

	guard_probe = 1;
	p = fn(1);
	if (guard_probe != 2)
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	guard_probe = 0;
	free(p);
}

void moor_test_heap_guard(int on)
{
	if (!on) {
		guard_armed = 0;
		return;
	}
	if (!guard_stdio_done) {
		/* Done once, while the guard is still off: a static line buffer
		 * for stdout so printf never asks for one (setvbuf may free the
		 * buffer stdout had), stderr unbuffered, and a disarm at exit. */
		fflush(stdout);
		setvbuf(stdout, guard_stdout_buf, _IOLBF, sizeof(guard_stdout_buf));
		setvbuf(stderr, NULL, _IONBF, 0);
		if (atexit(guard_disarm_at_exit) != 0)
			guard_trip("atexit");
		guard_self_check();
		guard_stdio_done = 1;
	}
	guard_armed = 1;
}

void *malloc(size_t size)
{
	if (guard_probe)
		guard_probe = 2;
	GUARD("malloc");
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	GUARD("calloc");
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	GUARD("realloc");
	return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
	if (ptr == NULL)
		return;
	GUARD("free");
	__libc_free(ptr);
}

void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
	GUARD("reallocarray");
	if (size != 0 && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(ptr, nmemb * size);
}

char *strdup(const char *s)
{
	size_t n;
	char *p;

	GUARD("strdup");
	n = strlen(s) + 1;
	p = __libc_malloc(n);
	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

char *strndup(const char *s, size_t max)
{
	size_t n = 0;
	char *p;

	GUARD("strndup");
	while (n < max && s[n] != '\0')
		n++;
	p = __libc_malloc(n + 1);
	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int posix_memalign(void **memptr, size_t alignment, size_t size)
{
	void *p;

	GUARD("posix_memalign");
	/* A power of two and a multiple of sizeof(void *), as POSIX says. */
	if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
		return EINVAL;
	p = __libc_memalign(alignment, size);
	if (p == NULL)
		return ENOMEM;
	*memptr = p;
	return 0;
}

void *aligned_alloc(size_t alignment, size_t size)
{
	GUARD("aligned_alloc");
	return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size)
{
	GUARD("memalign");
	return __libc_memalign(alignment, size);
}

/* valloc and pvalloc go through memalign: valgrind (3.19) aborts on
 * pvalloc, and memalign with the page size is what they mean anyway. */
static size_t guard_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096u;
}

void *valloc(size_t size)
{
	GUARD("valloc");
	return __libc_memalign(guard_page_size(), size);
}

void *pvalloc(size_t size)
{
	size_t ps;

	GUARD("pvalloc");
	ps = guard_page_size();
	if (size > SIZE_MAX - ps) {
		errno = ENOMEM;
		return NULL;
	}
	/* Rounded up to whole pages; 0 gives one page. */
	size = size == 0 ? ps : (size + ps - 1) / ps * ps;
	return __libc_memalign(ps, size);
}
