/*
 * moor: the POSIX port (Linux hosts): TCP on BSD sockets + poll, clocks
 * from clock_gettime/time, entropy from getrandom, a log sink on stderr,
 * and a fault-injecting transport for tests.
 */
#ifndef MOOR_POSIX_H
#define MOOR_POSIX_H

#include <stddef.h>
#include <stdint.h>

#include "moor/platform.h"
#include "moor/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Platform hooks: now_ms = CLOCK_MONOTONIC, wall_time = CLOCK_REALTIME,
 * entropy = getrandom(2), log = stderr if `verbose` >= the level.
 * The returned struct is static const; `verbose` picks one of five such
 * structs: -1 = no log hook, 0 = errors .. 3 = debug (values outside
 * -1..3 are clamped). Log lines look like "moor[tls] error: msg (value)".
 * For tests, the environment variable MOOR_FAKE_TIME=<unix seconds> makes
 * wall_time return that value, and MOOR_FAKE_TIME=unknown (or any text
 * that is not a decimal number) makes it return MOOR_ERR_TIME_UNKNOWN. */
const moor_platform *moor_posix_platform(int verbose);

/* ------------------------------------------------------------------ */
/* TCP over BSD sockets. The socket is non-blocking; wait() uses poll(). */
typedef struct moor_posix_tcp {
	moor_transport base;   /* must be first */
	int fd;                /* -1 when closed */
	int err;               /* sticky status, 0 if none */
} moor_posix_tcp;

/*
 * Connect to host:port (IPv4 or IPv6 literal, or a name resolved with
 * getaddrinfo) within `timeout_ms`. Sets TCP_NODELAY.
 * Returns MOOR_OK, MOOR_ERR_RESOLVE, MOOR_ERR_CONNECT, MOOR_ERR_TIMEOUT,
 * MOOR_ERR_INVALID_ARG, MOOR_ERR_IO.
 * Literals ("127.0.0.1", "::1", "[::1]") skip the resolver and do not
 * allocate; names go through getaddrinfo, which uses libc's heap. `p` may
 * be NULL (timing uses CLOCK_MONOTONIC). On any failure except a NULL `t`,
 * `t` is left closed (fd -1): its calls return an error and close() is
 * safe.
 */
int moor_posix_tcp_connect(moor_posix_tcp *t, const moor_platform *p,
	const char *host, uint16_t port, uint32_t timeout_ms);

/* Adopt an already connected socket (made non-blocking here; any
 * connected stream socket works, e.g. one end of a socketpair). The
 * transport owns it from now on and close() closes it. A negative `fd`
 * gives a closed transport whose calls return MOOR_ERR_NOT_CONNECTED. */
void moor_posix_tcp_adopt(moor_posix_tcp *t, int fd);

/* ------------------------------------------------------------------ */
/* Fault injection for tests: a transport that sits on another one and
 * misbehaves on purpose. */
typedef struct moor_fault_config {
	/* After this many bytes sent / received in total, the transport
	 * fails with `fail_status` (the bytes up to the limit still pass).
	 * -1 = never. */
	long fail_after_send;
	long fail_after_recv;
	/* Status the tripped transport returns: MOOR_ERR_CLOSED mimics a
	 * peer FIN, MOOR_ERR_RESET a reset, 0 means MOOR_ERR_INJECTED. */
	int fail_status;
	/* Short writes / reads: at most this many bytes per call (0 = no
	 * limit). */
	size_t max_send_chunk, max_recv_chunk;
	/* Stall: once this many bytes were received (-1 = never), recv()
	 * returns "would block" and wait() never reports READ (it sleeps
	 * out the timeout and returns 0; WRITE readiness still comes from
	 * the lower transport), so the caller's timeout must fire. A stall
	 * takes precedence over fail_after_recv at the same byte count. */
	long stall_after_recv;
	/* Optional observers: see every byte that passes, in order. */
	void (*on_send)(void *ctx, const uint8_t *data, size_t len);
	void (*on_recv)(void *ctx, const uint8_t *data, size_t len);
	void *observer_ctx;
} moor_fault_config;

typedef struct moor_fault {
	moor_transport base;      /* must be first */
	moor_transport *lower;
	moor_fault_config cfg;
	long sent, received;      /* bytes passed so far */
	int tripped;              /* 1 once a fault fired */
} moor_fault;

/* A config that injects nothing: limits -1, no chunking, no observers. */
void moor_fault_config_default(moor_fault_config *cfg);

/* Wrap `lower`. The config is copied. Closing the fault transport closes
 * the lower one. */
void moor_fault_init(moor_fault *f, moor_transport *lower,
	const moor_fault_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
