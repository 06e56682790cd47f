/*
 * The firmware's network: lwIP (NO_SYS=1) on the LAN9118, static address
 * 10.0.2.15/24, gateway 10.0.2.2 (QEMU's user-mode network, where the
 * host's 127.0.0.1 is 10.0.2.2).
 */
#ifndef MOOR_QEMU_BOARD_NET_H
#define MOOR_QEMU_BOARD_NET_H

#include <stdint.h>

/* lwip_init(), the LAN9118 and its netif, up and default. Returns 0, or
 * -1 if the controller does not answer. */
int board_net_init(void);

/*
 * The poll hook of moor_lwip_tcp (moor_lwip_poll_fn): hands every frame
 * waiting in the LAN9118 to lwIP, runs lwIP's timers, and if nothing
 * arrived sleeps in `wfi` until the next interrupt (a frame, or SysTick
 * within 1 ms) when max_wait_ms > 0.
 */
void board_net_poll(void *ctx, uint32_t max_wait_ms);

/* Calls of board_net_poll() so far. */
extern uint32_t board_net_polls;

#endif
