/*
 * moor: the transport interface.
 *
 * A transport moves bytes. TCP on BSD sockets, TCP on lwIP, a TLS session,
 * a fault injector used by tests: each is a struct whose first field is a
 * `moor_transport`, that is, a pointer to a class of function pointers. A
 * transport can sit on another one (TLS on TCP, a fault injector between
 * them), and a protocol can upgrade a plain connection to TLS in place by
 * switching its `moor_transport *` from the TCP transport to the TLS session
 * that wraps it (MySQL's SSLRequest, PostgreSQL's SSLRequest).
 *
 * All calls are non-blocking. Return convention (as in coreMQTT):
 *   > 0  bytes moved (send, recv)
 *   = 0  would block: nothing could be moved now; call wait() and retry.
 *        0 NEVER means "closed".
 *   < 0  a moor_status. An orderly end of the stream is MOOR_ERR_CLOSED.
 *        Errors are sticky: once a call failed, every later call fails.
 *
 * wait() is the only call that blocks, and it always has a timeout. On a
 * superloop port it runs the network stack until the event or the timeout.
 *
 * Helpers moor_io_*() below give blocking-with-deadline semantics on top.
 */
#ifndef MOOR_TRANSPORT_H
#define MOOR_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "moor/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Event bits for wait(). */
#define MOOR_IO_READ   1u
#define MOOR_IO_WRITE  2u

typedef struct moor_transport_class moor_transport_class;

typedef struct moor_transport {
	const moor_transport_class *vtable;
} moor_transport;

struct moor_transport_class {
	/* Accept up to `len` bytes for sending. */
	int (*send)(moor_transport *t, const uint8_t *data, size_t len);

	/* Read up to `len` bytes. MOOR_ERR_CLOSED at orderly end of stream. */
	int (*recv)(moor_transport *t, uint8_t *buf, size_t len);

	/*
	 * Push out any bytes the transport buffered internally (a TLS record
	 * being assembled or partly written). Returns 0 when nothing is left
	 * pending, > 0 when bytes are still pending (would block), < 0 on error.
	 * Plain TCP transports buffer nothing and return 0.
	 */
	int (*flush)(moor_transport *t);

	/*
	 * Block until one of `events` (MOOR_IO_READ / MOOR_IO_WRITE) can make
	 * progress or `timeout_ms` passes. READ is ready when recv() would not
	 * return 0 (data, end of stream or an error is pending); WRITE when
	 * send() or flush() would make progress. Returns the ready bits (> 0),
	 * 0 on timeout, < 0 on error.
	 */
	int (*wait)(moor_transport *t, unsigned events, uint32_t timeout_ms);

	/*
	 * Release the connection. Idempotent. A TLS session sends close_notify
	 * only through moor_tls_close(); close() itself never blocks.
	 */
	void (*close)(moor_transport *t);
};

/*
 * Send all `len` bytes, then flush, waiting as needed, within `timeout_ms`.
 * Returns MOOR_OK, MOOR_ERR_TIMEOUT, or the transport's error.
 */
int moor_io_send_all(moor_transport *t, const moor_platform *p,
	const uint8_t *data, size_t len, uint32_t timeout_ms);

/*
 * Read at least 1 and at most `len` bytes, waiting up to `timeout_ms`.
 * Returns the count, MOOR_ERR_TIMEOUT, MOOR_ERR_CLOSED or another error.
 */
int moor_io_recv_some(moor_transport *t, const moor_platform *p,
	uint8_t *buf, size_t len, uint32_t timeout_ms);

/*
 * Read exactly `len` bytes within `timeout_ms`. Returns MOOR_OK or an
 * error; a stream that ends early gives MOOR_ERR_CLOSED.
 */
int moor_io_recv_exact(moor_transport *t, const moor_platform *p,
	uint8_t *buf, size_t len, uint32_t timeout_ms);

/* Flush pending output within `timeout_ms`. */
int moor_io_flush(moor_transport *t, const moor_platform *p, uint32_t timeout_ms);

/* Convenience wrappers over the class pointers. */
static inline int moor_transport_send(moor_transport *t, const uint8_t *d, size_t n)
{ return t->vtable->send(t, d, n); }
static inline int moor_transport_recv(moor_transport *t, uint8_t *b, size_t n)
{ return t->vtable->recv(t, b, n); }
static inline int moor_transport_flush(moor_transport *t)
{ return t->vtable->flush(t); }
static inline int moor_transport_wait(moor_transport *t, unsigned ev, uint32_t ms)
{ return t->vtable->wait(t, ev, ms); }
static inline void moor_transport_close(moor_transport *t)
{ t->vtable->close(t); }

#ifdef __cplusplus
}
#endif

#endif
