/*
 * A tiny test kit for moor's C tests. Each check that fails prints
 * file:line and the values, and marks the test failed; moor_test_done()
 * prints "N checks, M failed" and returns the exit code.
 *
 *   int main(void) {
 *       MOOR_CHECK(1 + 1 == 2);
 *       MOOR_CHECK_INT(moor_foo(), MOOR_OK);
 *       return moor_test_done();
 *   }
 *
 * The heap guard (plain builds) makes malloc & co. abort while armed:
 * moor_test_heap_guard(1) after the test has set up its own stdio.
 */
#ifndef MOOR_TESTLIB_H
#define MOOR_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

extern int moor_test_checks;
extern int moor_test_failures;

void moor_test_fail(const char *file, int line, const char *expr);
void moor_test_fail_int(const char *file, int line, const char *expr, long got, long want);
void moor_test_fail_str(const char *file, int line, const char *expr, const char *got, const char *want);
int moor_test_done(void);

/* Arm (1) or disarm (0) the heap guard; a no-op in sanitizer builds.
 * Also gives stdout a static buffer so printf does not allocate. */
void moor_test_heap_guard(int on);

/* Read a whole file into buf (NUL-terminated). Returns length or -1. */
long moor_test_read_file(const char *path, void *buf, size_t cap);

#define MOOR_CHECK(e) do { moor_test_checks++; \
	if (!(e)) moor_test_fail(__FILE__, __LINE__, #e); } while (0)
#define MOOR_CHECK_INT(e, want) do { long g_ = (long)(e), w_ = (long)(want); \
	moor_test_checks++; \
	if (g_ != w_) moor_test_fail_int(__FILE__, __LINE__, #e, g_, w_); } while (0)
#define MOOR_CHECK_STR(e, want) do { const char *g_ = (e), *w_ = (want); \
	moor_test_checks++; \
	if (g_ == NULL || w_ == NULL || strcmp(g_, w_) != 0) \
		moor_test_fail_str(__FILE__, __LINE__, #e, g_, w_); } while (0)

#endif
