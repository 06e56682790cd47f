/*
 * ARM semihosting calls used by the mps2-an386 firmware (QEMU with
 * -semihosting). They stand in for hardware this virtual board lacks:
 *
 *   - a TRNG: semihost_read_file("/dev/urandom") reads the host's entropy;
 *   - an RTC: semihost_time() is the host's time(), seconds since 1970;
 *   - a test harness: semihost_exit() ends QEMU with status 0 or 1, and
 *     semihost_cmdline() returns the text QEMU's -append gave the kernel.
 *
 * A real board would take these from its TRNG peripheral, its RTC (or
 * SNTP) and its own way of reporting results. Every call traps into the
 * debugger (bkpt 0xab); without -semihosting QEMU stops the CPU, and on
 * real hardware without a debugger attached it faults.
 */
#ifndef MOOR_QEMU_SEMIHOST_H
#define MOOR_QEMU_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Write a NUL-terminated string to the host's console (QEMU's stderr). */
void semihost_write0(const char *s);

/* End the program: QEMU exits with status 0 if ok, 1 otherwise. */
void semihost_exit(int ok) __attribute__((noreturn));

/* The host's time in seconds since 1970-01-01 UTC, or -1. */
long semihost_time(void);

/* The command line (kernel path, a space, then -append's text) into
 * buf, NUL-terminated. Returns its length, or -1. */
int semihost_cmdline(char *buf, size_t cap);

/* Read exactly `len` bytes from the start of a host file. Returns 0, or
 * -1 (cannot open, or short read). */
int semihost_read_file(const char *path, uint8_t *buf, size_t len);

#endif
