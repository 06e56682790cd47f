/*
 * Helpers shared by the POSIX port tests: a loopback listener, an
 * in-memory transport with knobs, and a stopwatch.
 */
#ifndef MOOR_TEST_PORT_UTIL_H
#define MOOR_TEST_PORT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "moor/transport.h"

/* Monotonic milliseconds (own clock, independent of the code under test). */
uint32_t tu_now_ms(void);
void tu_sleep_ms(uint32_t ms);

/* A blocking TCP listener on the loopback of `family` (AF_INET or
 * AF_INET6), port chosen by the kernel. Returns the fd (port in *port) or
 * -1 if the family is not available. */
int tu_listen(int family, uint16_t *port);
/* Accept one connection within timeout_ms; the new fd (blocking) or -1. */
int tu_accept(int lfd, uint32_t timeout_ms);
/* Read exactly n bytes from a blocking fd within timeout_ms. 0 or -1. */
int tu_read_exact(int fd, void *buf, size_t n, uint32_t timeout_ms);
/* Write all n bytes to a blocking fd. 0 or -1. */
int tu_write_all(int fd, const void *buf, size_t n);
/* A port on 127.0.0.1 nobody listens on (bound then released). */
uint16_t tu_closed_port(void);

/* An in-memory transport. Bytes sent land in out[]; recv reads in[].
 * Nothing blocks: wait() reports what is ready, or sleeps a little and
 * returns 0 when nothing is. */
typedef struct tu_mem {
	moor_transport base;
	uint8_t in[8192];
	size_t in_len, in_off;
	int eof;               /* recv gives MOOR_ERR_CLOSED once in[] is drained */
	uint8_t out[8192];
	size_t out_len;
	size_t out_cap;        /* send would block beyond this (<= sizeof out) */
	int err;               /* if set, every call returns it */
	int flush_pending;     /* flush returns this many times > 0 first */
	int flush_stuck;       /* flush always returns 1, wait never helps */
	unsigned send_calls, recv_calls, flush_calls, wait_calls, close_calls;
} tu_mem;

void tu_mem_init(tu_mem *m);
/* Queue bytes for recv. */
void tu_mem_feed(tu_mem *m, const void *data, size_t n);

#endif
