/*
 * moor's arch/cc.h for lwIP 2.1: compiler and C library facts.
 *
 * One header for every board (host and Cortex-M, GCC and Clang, glibc and
 * newlib). Board choices belong in lwipopts.h, which lwIP reads before this
 * file, so anything below guarded by #ifndef can be overridden there.
 *
 * Assertions go to moor_lwip_assert_failed() (port/lwip/arch.c): it calls
 * MOOR_LWIP_ASSERT_HOOK(msg, file, line) if the board's lwipopts.h defines
 * one (print and exit, say), and then halts in a loop. LWIP_PLATFORM_DIAG
 * (debug output) is off unless lwipopts.h defines it: nothing pulls printf
 * into firmware.
 */
#ifndef MOOR_LWIP_ARCH_CC_H
#define MOOR_LWIP_ARCH_CC_H

#include <limits.h>
#include <stdint.h>
#include <sys/time.h>   /* struct timeval, for the sockets API */
#include <sys/types.h>  /* ssize_t */

/* lwIP typedefs ssize_t as int when SSIZE_MAX is missing (strict C99 on
 * glibc hides it), which clashes with the C library's own ssize_t, so say
 * that the type exists. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/* struct timeval comes from <sys/time.h> (glibc and newlib both have it). */
#ifndef LWIP_TIMEVAL_PRIVATE
#define LWIP_TIMEVAL_PRIVATE 0
#endif

/* errno for the sockets API: the C library's (per thread on the host). */
#ifndef LWIP_ERRNO_STDINCLUDE
#define LWIP_ERRNO_STDINCLUDE 1
#endif

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && \
	__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#ifndef BYTE_ORDER
#define BYTE_ORDER BIG_ENDIAN
#endif
#endif

#ifndef LWIP_PLATFORM_DIAG
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#endif

void moor_lwip_assert_failed(const char *msg, const char *file, int line);
#ifndef LWIP_PLATFORM_ASSERT
#define LWIP_PLATFORM_ASSERT(x) moor_lwip_assert_failed((x), __FILE__, __LINE__)
#endif

#endif
