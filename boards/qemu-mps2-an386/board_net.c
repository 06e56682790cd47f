/*
 * lwIP netif on the LAN9118 and the superloop's poll hook (board_net.h).
 */
#include "board_net.h"

#include <string.h>

#include "lwip/opt.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "board.h"
#include "lan9118.h"

#define TX_WAIT_MS 50u   /* the longest wait for room in the TX FIFO */

/* The no-heap configuration is part of this board's contract. */
#if MEM_LIBC_MALLOC || MEMP_MEM_MALLOC || !MEM_USE_POOLS
#error "the firmware takes lwIP's memory from static pools only (lwipopts.h)"
#endif
#if PBUF_POOL_BUFSIZE < LAN9118_MTU_FRAME
#error "PBUF_POOL_BUFSIZE must hold a whole frame"
#endif

static struct netif eth;
uint32_t board_net_polls;

/* lwIP's clock (NO_SYS=1). */
u32_t sys_now(void)
{
	return board_ms();
}

void board_lwip_assert(const char *msg, const char *file, int line)
{
	con_puts("fatal: lwIP assertion: ");
	con_puts(msg);
	con_puts(" at ");
	con_puts(file);
	con_puts(":");
	con_putu((unsigned long)line);
	con_puts("\n");
	board_exit(0);
}

/* A frame out: every pbuf of the chain is one TX buffer of the frame, in
 * place (no copy). */
static err_t eth_linkoutput(struct netif *nif, struct pbuf *p)
{
	const struct pbuf *q;
	const struct pbuf *last = NULL;
	int first = 1;
	u32_t t0;

	(void)nif;
	if (p->tot_len > LAN9118_MTU_FRAME)
		return ERR_BUF;
	/* Room for the frame, two command words and alignment per buffer.
	 * QEMU transmits as soon as the last buffer is written, so this only
	 * waits on a real chip, and never for long: a transmitter that does
	 * not drain (TX stopped, a fault) costs this frame, not the device
	 * (TCP sends it again). */
	t0 = sys_now();
	while (lan9118_tx_space() < (size_t)p->tot_len + 16u * pbuf_clen(p)) {
		if ((u32_t)(sys_now() - t0) > TX_WAIT_MS)
			return ERR_IF;
	}
	for (q = p; q != NULL; q = q->next)
		if (q->len > 0)
			last = q;
	for (q = p; q != NULL; q = q->next) {
		if (q->len == 0)
			continue;
		lan9118_tx_buf(q->payload, q->len, p->tot_len, first, q == last);
		first = 0;
	}
	return ERR_OK;
}

static err_t eth_netif_init(struct netif *nif)
{
	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->output = etharp_output;
	nif->linkoutput = eth_linkoutput;
	nif->mtu = 1500;
	nif->hwaddr_len = ETH_HWADDR_LEN;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		NETIF_FLAG_LINK_UP;
	if (lan9118_init(NULL, nif->hwaddr) != 0)
		return ERR_IF;
	return ERR_OK;
}

/* Every waiting frame into lwIP. Returns how many were taken. */
static unsigned eth_input_all(void)
{
	unsigned n = 0;

	board_eth_pending = 0;
	while (lan9118_rx_frames() > 0) {
		size_t len = lan9118_rx_next();
		struct pbuf *p;

		if (len == 0)
			continue;
		p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
		if (p == NULL || p->next != NULL) {
			/* Out of pool pbufs: TCP will resend it. */
			if (p != NULL)
				pbuf_free(p);
			lan9118_rx_drop();
			lan9118_counters.rx_dropped++;
			continue;
		}
		lan9118_rx_read((uint32_t *)p->payload, len);
		if (eth.input(p, &eth) != ERR_OK)
			pbuf_free(p);
		n++;
	}
	return n;
}

int board_net_init(void)
{
	ip4_addr_t ip, mask, gw;

	lwip_init();
	IP4_ADDR(&ip, 10, 0, 2, 15);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 10, 0, 2, 2);
	if (netif_add(&eth, &ip, &mask, &gw, NULL, eth_netif_init, ethernet_input) == NULL)
		return -1;
	netif_set_default(&eth);
	netif_set_up(&eth);
	return 0;
}

void board_net_poll(void *ctx, uint32_t max_wait_ms)
{
	(void)ctx;
	board_net_polls++;
	if (eth_input_all() == 0 && max_wait_ms > 0) {
		sys_check_timeouts();
		board_idle(&board_eth_pending);
		(void)eth_input_all();
	}
	sys_check_timeouts();
}
