/*
 * moor: the lwIP port (lwIP 2.1.x).
 *
 * Two TCP transports and the platform hooks for boards that run lwIP:
 *
 *   moor_lwip_tcp   lwIP's raw API, for NO_SYS=1 superloops (built into
 *                   the port library of a NO_SYS=1 lwIP build). Callback
 *                   driven; its wait() runs the stack through the board's
 *                   poll hook.
 *   moor_lwip_sock  lwIP's sockets API, for RTOS tasks (NO_SYS=0 builds).
 *   moor_lwip_platform  now_ms from sys_now(), wall time from lwIP's SNTP
 *                   app (moor_lwip_clock) or an RTC hook, entropy from a
 *                   board hook (required: there is no fallback).
 *
 * Both transports follow core/include/moor/transport.h: send/recv never
 * block (> 0 bytes moved, 0 would block, < 0 a moor_status; an orderly end
 * of stream is MOOR_ERR_CLOSED), errors are sticky, and wait() is the only
 * blocking call, always with a timeout. Nothing here allocates: the structs
 * are the caller's, and lwIP's own memory comes from its static pools
 * (lwipopts.h: MEM_LIBC_MALLOC 0, MEMP_MEM_MALLOC 0).
 *
 * Build: port/lwip/lwip.cmake (moor_add_lwip, moor_add_lwip_port).
 */
#ifndef MOOR_LWIP_H
#define MOOR_LWIP_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/opt.h"
#include "lwip/ip_addr.h"

#include "moor/platform.h"
#include "moor/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Raw-API TCP transport (NO_SYS=1).
 *
 * lwIP calls back into the struct (tcp_arg), so while a connection is open
 * the struct must stay where it is (a static, or a long-lived context) and
 * must only be used from the superloop's context (never from an interrupt
 * handler that also runs lwIP). Received pbuf chains stay queued in the
 * struct and recv() copies out only what it is asked for; a pbuf is freed
 * and the window reopened (tcp_recved) once its bytes were consumed. send()
 * copies into lwIP (TCP_WRITE_FLAG_COPY) no more than tcp_sndbuf() and the
 * segment queue allow, then calls tcp_output(). Nagle is disabled. */

/*
 * The board's poll hook. Called by connect() and wait() while they wait:
 * it must feed received frames to lwIP (netif->input), run
 * sys_check_timeouts(), and may sleep (wfi, poll()) for at most
 * `max_wait_ms` when there is nothing to do. It is never called from inside
 * an lwIP callback.
 */
typedef void (*moor_lwip_poll_fn)(void *ctx, uint32_t max_wait_ms);

typedef struct moor_lwip_tcp_config {
	moor_lwip_poll_fn poll;   /* required */
	void *poll_ctx;
	/* Longest single sleep handed to poll() (ms, 0 = 10). Bounds how
	 * stale an event can get if the board's poll sleeps through it. */
	uint32_t max_poll_ms;
} moor_lwip_tcp_config;

typedef struct moor_lwip_tcp {
	moor_transport base;          /* must be first */
	moor_lwip_tcp_config cfg;     /* copied at connect */
	struct tcp_pcb *pcb;          /* NULL when closed or failed */
	struct pbuf *rx;              /* received, not yet consumed (a chain) */
	int err;                      /* sticky status, 0 if none */
	uint8_t connected;            /* the handshake completed */
	uint8_t fin;                  /* the peer closed its side */
	uint8_t resolving;            /* a DNS query is outstanding */
	uint8_t resolved;             /* it answered: 1 = addr, 2 = failed */
	uint8_t tx_blocked;           /* lwIP refused memory: wait for an ACK */
	ip_addr_t addr;               /* the peer's address */
} moor_lwip_tcp;

/*
 * Connect to addr:port within `timeout_ms`, running the stack through
 * cfg->poll meanwhile. Returns MOOR_OK, MOOR_ERR_CONNECT (refused: the peer
 * answered with RST, or no route), MOOR_ERR_TIMEOUT, MOOR_ERR_IO (lwIP out
 * of PCBs/memory), MOOR_ERR_INVALID_ARG. On failure `t` is closed: its
 * calls return the error and close() is safe.
 */
int moor_lwip_tcp_connect(moor_lwip_tcp *t, const moor_lwip_tcp_config *cfg,
	const ip_addr_t *addr, uint16_t port, uint32_t timeout_ms);

/*
 * The same with a host given as text: a dotted IPv4 literal (no resolver),
 * or with LWIP_DNS a name resolved by lwIP's DNS client within the same
 * timeout (MOOR_ERR_RESOLVE if it fails).
 */
int moor_lwip_tcp_connect_host(moor_lwip_tcp *t, const moor_lwip_tcp_config *cfg,
	const char *host, uint16_t port, uint32_t timeout_ms);

/* ------------------------------------------------------------------ */
/* Sockets-API TCP transport (NO_SYS=0, LWIP_SOCKET=1).
 *
 * The socket is non-blocking (lwip_fcntl O_NONBLOCK); wait() is
 * lwip_select() with a timeout. Use it from any task but one task at a
 * time; it never runs in the tcpip thread. */

typedef struct moor_lwip_sock {
	moor_transport base;   /* must be first */
	int fd;                /* lwIP socket, -1 when closed */
	int err;               /* sticky status, 0 if none */
} moor_lwip_sock;

/*
 * Connect to host:port within `timeout_ms`. `host` is a dotted IPv4
 * literal, or with LWIP_DNS a name (lwip_gethostbyname_r, no allocation).
 * Returns MOOR_OK, MOOR_ERR_CONNECT, MOOR_ERR_RESOLVE, MOOR_ERR_TIMEOUT,
 * MOOR_ERR_IO, MOOR_ERR_INVALID_ARG; on failure `t` is closed.
 */
int moor_lwip_sock_connect(moor_lwip_sock *t, const char *host, uint16_t port,
	uint32_t timeout_ms);

/* Adopt a connected lwIP socket (made non-blocking); close() closes it. */
void moor_lwip_sock_adopt(moor_lwip_sock *t, int fd);

/* ------------------------------------------------------------------ */
/* Wall time from lwIP's SNTP app.
 *
 * The board owns one moor_lwip_clock and points lwIP's SNTP hook at it in
 * lwipopts.h (SNTP calls the macro with seconds since 1970):
 *
 *   struct moor_lwip_clock;
 *   extern struct moor_lwip_clock board_clock;
 *   void moor_lwip_clock_set(struct moor_lwip_clock *c, uint32_t unix_s, uint32_t us);
 *   #define SNTP_SET_SYSTEM_TIME_US(s, us) moor_lwip_clock_set(&board_clock, (s), (us))
 *
 * Until the first sync the clock is unknown (MOOR_ERR_TIME_UNKNOWN). Set
 * and get are protected with SYS_ARCH_PROTECT, so SNTP in the tcpip thread
 * and a connector task may share it. */
typedef struct moor_lwip_clock {
	int64_t unix_ms_at_sync;   /* wall time (ms) at the last sync */
	uint32_t sys_ms_at_sync;   /* sys_now() at the last sync */
	int synced;
} moor_lwip_clock;

void moor_lwip_clock_init(struct moor_lwip_clock *c);
void moor_lwip_clock_set(struct moor_lwip_clock *c, uint32_t unix_s, uint32_t us);
/* MOOR_OK and *unix_seconds, or MOOR_ERR_TIME_UNKNOWN before a sync. */
int moor_lwip_clock_get(struct moor_lwip_clock *c, int64_t *unix_seconds);

/* ------------------------------------------------------------------ */
/* Platform hooks for lwIP boards. */

typedef struct moor_lwip_platform_config {
	/* Required: a cryptographically strong source (TRNG). No fallback. */
	int (*entropy)(void *ctx, uint8_t *buf, size_t len);
	void *entropy_ctx;
	/* Wall time: `rtc` if set (returns MOOR_OK and seconds since 1970,
	 * or MOOR_ERR_TIME_UNKNOWN), else `clock` (SNTP) if set, else
	 * always unknown. */
	int (*rtc)(void *ctx, int64_t *unix_seconds);
	void *rtc_ctx;
	moor_lwip_clock *clock;
	/* Optional log sink, as in moor_platform. */
	void (*log)(void *ctx, moor_log_level level, const char *module,
		const char *msg, long value);
	void *log_ctx;
} moor_lwip_platform_config;

typedef struct moor_lwip_platform {
	moor_platform base;               /* hand &p->base to moor */
	moor_lwip_platform_config cfg;    /* copied at init */
} moor_lwip_platform;

/*
 * Fill `p`: now_ms = sys_now(), wall_time and entropy and log as
 * configured. `base.ctx` points at `p` itself, so `p` must not move (a
 * static). Returns MOOR_OK, MOOR_ERR_INVALID_ARG, or MOOR_ERR_NO_ENTROPY
 * when cfg->entropy is NULL (the platform is then still filled, without an
 * entropy hook, so every TLS init fails closed).
 */
int moor_lwip_platform_init(moor_lwip_platform *p,
	const moor_lwip_platform_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
