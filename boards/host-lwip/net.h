/*
 * host-lwip: lwIP's netif on libslirp, inside a Linux process.
 *
 * The guest (lwIP) is 10.0.2.15/24 (static, or from slirp's DHCP server
 * with MOOR_LWIP_DHCP=1 in the environment), its gateway slirp's 10.0.2.2,
 * which maps to the host's 127.0.0.1. No privileges, no tap device.
 *
 * NO_SYS=1: everything runs in the caller's thread; host_net_poll() is the
 * poll hook of moor_lwip_tcp (slirp's sockets and timers, frames into
 * lwIP, lwIP's timers, and a poll() sleep when idle).
 * NO_SYS=0: lwIP runs in its tcpip thread; host_net_init() starts it and a
 * network thread that runs slirp; tasks use the sockets API.
 */
#ifndef HOST_LWIP_NET_H
#define HOST_LWIP_NET_H

#include <stddef.h>
#include <stdint.h>

#include "moor/lwip.h"

/* Bring up lwIP, slirp and the netif; waits for DHCP (if enabled) up to
 * `timeout_ms`. Returns 0 or -1 (with a message on stderr). */
int host_net_init(uint32_t timeout_ms);

/* Stop slirp (and the network thread); lwIP stays as it is. */
void host_net_shutdown(void);

/* The moor_lwip_tcp poll hook (NO_SYS=1 only). */
void host_net_poll(void *ctx, uint32_t max_wait_ms);

/* Let lwIP and slirp run for `ms` (FINs and ACKs go out). */
void host_net_run_for(uint32_t ms);

/* The address the guest uses for `host`: 127.0.0.1 and localhost are
 * slirp's 10.0.2.2; anything else is returned unchanged. */
const char *host_net_map(const char *host);

/* The board's platform hooks: entropy from getrandom(), wall time from
 * the host clock as the board's RTC (MOOR_FAKE_TIME honoured like the
 * POSIX port), or from SNTP when host_lwip_sntp_port is set. */
const moor_platform *host_net_platform(void);

/* Start lwIP's SNTP client against 10.0.2.2:port (the host's 127.0.0.1)
 * and wait up to timeout_ms for the first answer. Returns 0 or -1. */
int host_net_sntp(uint16_t port, uint32_t timeout_ms);

#endif
