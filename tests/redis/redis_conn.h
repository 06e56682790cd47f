/*
 * Connections for the Redis client tests against a real redis-server:
 * the client's connect hook, over TCP, a fault transport and (optionally)
 * TLS, that also counts the bytes each way and scans the TLS record
 * headers the server sends (for the max_fragment_length checks).
 *
 *   TCP  <-  moor_fault (counts, injects)  <-  moor_tls  <-  moor_redis
 *
 * Every connect is a new TCP connection and a full TLS handshake with
 * full verification (no session ticket).
 */
#ifndef REDIS_CONN_H
#define REDIS_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "moor/posix.h"
#include "moor/redis.h"
#include "moor/tls.h"

typedef struct rconn {
	/* set by the caller */
	const moor_platform *plat;
	const char *host;
	uint16_t port;
	int use_tls;                 /* 0: plain TCP */
	moor_tls_config tcfg;
	uint8_t *iobuf;
	size_t iobuf_len;
	moor_fault_config fc;        /* injected faults; observers are ours */
	/* state */
	moor_posix_tcp tcp;
	moor_fault fault;
	moor_tls tls;
	int open;
	unsigned long connects, handshakes;
	long sent, received;         /* TCP bytes of the current connection */
	/* record scan of the server's bytes */
	uint8_t hdr[5];
	size_t hdr_len, body_left, max_record;
} rconn;

/* Load a PEM CA file into static anchors; load a client certificate. */
int rconn_anchors(const char *path, const moor_anchors **out);
int rconn_credentials(const char *cert, const char *key, const moor_credentials **out);

/* Set up `c` (plat, host, port; TLS off). */
void rconn_init(rconn *c, const moor_platform *plat, const char *host, uint16_t port);

/* The moor_redis_config hooks; conn_ctx is the rconn. */
int rconn_connect(void *ctx, const char *host, uint16_t port,
	moor_transport **t, uint32_t timeout_ms);
void rconn_disconnect(void *ctx, moor_transport *t, int graceful);

/* A sleep hook for moor_redis_config.sleep (nanosleep). */
void rconn_sleep(void *ctx, uint32_t ms);

#endif
