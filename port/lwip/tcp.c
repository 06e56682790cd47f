/*
 * moor lwIP port: TCP transport on lwIP's raw API, for NO_SYS=1 superloops.
 *
 * lwIP drives the struct through callbacks (tcp_arg = the struct):
 *   recv   queues the pbuf chain (pbuf_cat) or records the peer's FIN;
 *   sent   the peer acknowledged data: the send buffer has room again;
 *   err    the pcb is gone (reset, aborted): the error becomes sticky;
 *   poll   every second: pushes out anything still queued.
 * recv() copies out of the queued chain only what it is asked for
 * (pbuf_copy_partial), frees the pbufs it consumed whole
 * (pbuf_free_header) and reopens the window by that much (tcp_recved).
 * send() copies at most tcp_sndbuf() bytes into lwIP (TCP_WRITE_FLAG_COPY)
 * and calls tcp_output(). wait() runs the board's poll hook (frames in,
 * timers) until the event or the timeout; it is the only place that
 * blocks.
 */
#include "moor/lwip.h"
#include "moor/status.h"

#include <string.h>

#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"

#if NO_SYS == 0
#error "moor_lwip_tcp is for NO_SYS=1 builds; use moor_lwip_sock with NO_SYS=0"
#endif

#define POLL_SLICE_DEFAULT 10u   /* ms */
#define U16_MAX_LEN 0xFFFFu

static int mt_send(moor_transport *base, const uint8_t *data, size_t len);
static int mt_recv(moor_transport *base, uint8_t *buf, size_t len);
static int mt_flush(moor_transport *base);
static int mt_wait(moor_transport *base, unsigned events, uint32_t timeout_ms);
static void mt_close(moor_transport *base);

static const moor_transport_class lwip_tcp_class = {
	mt_send, mt_recv, mt_flush, mt_wait, mt_close
};

/* lwIP's err_t -> moor_status, for a connection that `connected` or not. */
static int map_err(err_t e, int connected)
{
	switch (e) {
	case ERR_OK:
		return MOOR_OK;
	case ERR_RST:
		return connected ? MOOR_ERR_RESET : MOOR_ERR_CONNECT;
	case ERR_ABRT:
		return connected ? MOOR_ERR_RESET : MOOR_ERR_CONNECT;
	case ERR_CLSD:
		return MOOR_ERR_CLOSED;
	case ERR_CONN:
		return MOOR_ERR_NOT_CONNECTED;
	case ERR_RTE:
		return MOOR_ERR_CONNECT;
	case ERR_TIMEOUT:
		return MOOR_ERR_TIMEOUT;
	default:
		return MOOR_ERR_IO;
	}
}

static int fail(moor_lwip_tcp *t, int status)
{
	if (t->err == MOOR_OK)
		t->err = status;
	return t->err;
}

/* ------------------------------------------------------------------ */
/* lwIP callbacks. */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	moor_lwip_tcp *t = arg;

	if (t == NULL) {               /* detached: drop what arrives */
		if (p != NULL) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (p == NULL) {
		t->fin = 1;
		return ERR_OK;
	}
	if (err != ERR_OK || p->tot_len == 0) {
		/* lwIP passes err == ERR_OK today; an empty pbuf would make
		 * wait() report READ while recv() returns 0. */
		pbuf_free(p);
		return ERR_OK;
	}
	if (t->rx == NULL) {
		t->rx = p;
	} else {
		/* tot_len is 16 bits: refuse what would overflow it; lwIP keeps
		 * the pbuf and offers it again later (refused_data). */
		if ((uint32_t)t->rx->tot_len + p->tot_len > U16_MAX_LEN)
			return ERR_MEM;
		pbuf_cat(t->rx, p);
	}
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	moor_lwip_tcp *t = arg;

	(void)pcb;
	(void)len;
	if (t != NULL)
		t->tx_blocked = 0;
	return ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	moor_lwip_tcp *t = arg;

	if (t != NULL)
		t->tx_blocked = 0;
	(void)tcp_output(pcb);
	return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	moor_lwip_tcp *t = arg;

	/* lwIP has freed the pcb already. */
	if (t == NULL)
		return;
	t->pcb = NULL;
	(void)fail(t, map_err(err, t->connected));
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	moor_lwip_tcp *t = arg;

	(void)pcb;
	if (t != NULL && err == ERR_OK)
		t->connected = 1;
	return ERR_OK;
}

/* Unhook the struct from the pcb, so that no callback reaches it again. */
static void detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
}

/* ------------------------------------------------------------------ */

static uint32_t slice_ms(const moor_lwip_tcp *t, uint32_t left)
{
	uint32_t s = t->cfg.max_poll_ms != 0 ? t->cfg.max_poll_ms : POLL_SLICE_DEFAULT;

	return left < s ? left : s;
}

static void reset_struct(moor_lwip_tcp *t, const moor_lwip_tcp_config *cfg)
{
	memset(t, 0, sizeof *t);
	t->base.vtable = &lwip_tcp_class;
	t->err = MOOR_ERR_NOT_CONNECTED;
	if (cfg != NULL)
		t->cfg = *cfg;
}

int moor_lwip_tcp_connect(moor_lwip_tcp *t, const moor_lwip_tcp_config *cfg,
	const ip_addr_t *addr, uint16_t port, uint32_t timeout_ms)
{
	struct tcp_pcb *pcb;
	uint32_t start;
	err_t e;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	reset_struct(t, cfg);
	if (cfg == NULL || cfg->poll == NULL || addr == NULL || port == 0)
		return MOOR_ERR_INVALID_ARG;
	ip_addr_copy(t->addr, *addr);
	pcb = tcp_new_ip_type(IP_GET_TYPE(addr));
	if (pcb == NULL) {
		t->err = MOOR_ERR_IO;
		return t->err;
	}
	t->err = MOOR_OK;
	t->pcb = pcb;
	tcp_arg(pcb, t);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 2);     /* 2 x 500 ms */
	tcp_nagle_disable(pcb);
	start = sys_now();
	e = tcp_connect(pcb, &t->addr, port, on_connected);
	if (e != ERR_OK) {
		detach(pcb);
		tcp_abort(pcb);
		t->pcb = NULL;
		return fail(t, map_err(e, 0));
	}
	while (!t->connected && t->err == MOOR_OK) {
		uint32_t spent = (uint32_t)(sys_now() - start);

		if (spent >= timeout_ms) {
			detach(pcb);
			tcp_abort(pcb);
			t->pcb = NULL;
			return fail(t, MOOR_ERR_TIMEOUT);
		}
		t->cfg.poll(t->cfg.poll_ctx, slice_ms(t, timeout_ms - spent));
	}
	if (t->err != MOOR_OK) {
		/* on_err() has run: lwIP freed the pcb. */
		t->pcb = NULL;
		return t->err;
	}
	return MOOR_OK;
}

#if LWIP_DNS
static void on_dns(const char *name, const ip_addr_t *ipaddr, void *arg)
{
	moor_lwip_tcp *t = arg;

	(void)name;
	if (t == NULL || !t->resolving)
		return;
	if (ipaddr != NULL) {
		ip_addr_copy(t->addr, *ipaddr);
		t->resolved = 1;
	} else {
		t->resolved = 2;
	}
	t->resolving = 0;
}
#endif

int moor_lwip_tcp_connect_host(moor_lwip_tcp *t, const moor_lwip_tcp_config *cfg,
	const char *host, uint16_t port, uint32_t timeout_ms)
{
	ip_addr_t addr;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	reset_struct(t, cfg);
	if (cfg == NULL || cfg->poll == NULL || host == NULL || host[0] == '\0')
		return MOOR_ERR_INVALID_ARG;
	if (ipaddr_aton(host, &addr))
		return moor_lwip_tcp_connect(t, cfg, &addr, port, timeout_ms);
#if LWIP_DNS
	{
		uint32_t start = sys_now();
		err_t e;

		t->resolving = 1;
		e = dns_gethostbyname(host, &t->addr, on_dns, t);
		if (e == ERR_OK) {
			t->resolving = 0;
			t->resolved = 1;
		} else if (e != ERR_INPROGRESS) {
			t->resolving = 0;
			t->err = MOOR_ERR_RESOLVE;
			return t->err;
		}
		while (t->resolved == 0) {
			uint32_t spent = (uint32_t)(sys_now() - start);

			if (spent >= timeout_ms) {
				/* lwIP cannot cancel a query: the late answer
				 * finds resolving == 0 and is ignored. */
				t->resolving = 0;
				t->err = MOOR_ERR_TIMEOUT;
				return t->err;
			}
			t->cfg.poll(t->cfg.poll_ctx, slice_ms(t, timeout_ms - spent));
		}
		if (t->resolved != 1) {
			t->err = MOOR_ERR_RESOLVE;
			return t->err;
		}
		ip_addr_copy(addr, t->addr);
		timeout_ms -= (uint32_t)(sys_now() - start) < timeout_ms ?
			(uint32_t)(sys_now() - start) : timeout_ms;
		if (timeout_ms == 0) {
			t->err = MOOR_ERR_TIMEOUT;
			return t->err;
		}
		return moor_lwip_tcp_connect(t, cfg, &addr, port, timeout_ms);
	}
#else
	t->err = MOOR_ERR_RESOLVE;
	return t->err;
#endif
}

/* Can send() move bytes now? */
static int writable(const moor_lwip_tcp *t)
{
	return t->pcb != NULL && !t->tx_blocked && tcp_sndbuf(t->pcb) > 0 &&
		tcp_sndqueuelen(t->pcb) < TCP_SND_QUEUELEN;
}

static int mt_send(moor_transport *base, const uint8_t *data, size_t len)
{
	moor_lwip_tcp *t = (moor_lwip_tcp *)base;
	size_t n;
	err_t e;

	if (t == NULL || (data == NULL && len != 0))
		return MOOR_ERR_INVALID_ARG;
	if (t->err != MOOR_OK)
		return t->err;
	if (t->pcb == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	if (len == 0)
		return 0;
	if (!writable(t)) {
		(void)tcp_output(t->pcb);
		return 0;
	}
	n = tcp_sndbuf(t->pcb);
	if (n > len)
		n = len;
	if (n > U16_MAX_LEN)
		n = U16_MAX_LEN;
	e = tcp_write(t->pcb, data, (u16_t)n, TCP_WRITE_FLAG_COPY);
	if (e == ERR_MEM && n > tcp_mss(t->pcb)) {
		/* Out of queue slots or segments for the whole piece: one
		 * segment's worth may still fit. */
		n = tcp_mss(t->pcb);
		e = tcp_write(t->pcb, data, (u16_t)n, TCP_WRITE_FLAG_COPY);
	}
	if (e == ERR_MEM) {
		/* Until an ACK frees memory (on_sent) or the poll timer runs,
		 * wait() must not report WRITE, or the caller would spin. */
		t->tx_blocked = 1;
		(void)tcp_output(t->pcb);
		return 0;
	}
	if (e != ERR_OK)
		return fail(t, map_err(e, 1));
	(void)tcp_output(t->pcb);
	return (int)n;
}

static int mt_recv(moor_transport *base, uint8_t *buf, size_t len)
{
	moor_lwip_tcp *t = (moor_lwip_tcp *)base;

	if (t == NULL || (buf == NULL && len != 0))
		return MOOR_ERR_INVALID_ARG;
	/* Data that arrived before a reset is still handed out. */
	if (t->rx != NULL && len != 0) {
		u16_t n = t->rx->tot_len;

		if ((size_t)n > len)
			n = (u16_t)len;
		n = pbuf_copy_partial(t->rx, buf, n, 0);
		t->rx = pbuf_free_header(t->rx, n);
		if (t->pcb != NULL)
			tcp_recved(t->pcb, n);
		return (int)n;
	}
	if (t->err != MOOR_OK)
		return t->err;
	if (t->pcb == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	if (len == 0)
		return 0;
	if (t->fin)
		return fail(t, MOOR_ERR_CLOSED);
	return 0;
}

static int mt_flush(moor_transport *base)
{
	moor_lwip_tcp *t = (moor_lwip_tcp *)base;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (t->err != MOOR_OK)
		return t->err;
	if (t->pcb == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	(void)tcp_output(t->pcb);   /* bytes lwIP holds are in flight, not ours */
	return 0;
}

static unsigned ready_bits(const moor_lwip_tcp *t)
{
	unsigned r = 0;

	if (t->rx != NULL || t->fin || t->err != MOOR_OK || t->pcb == NULL)
		r |= MOOR_IO_READ;
	if (t->err != MOOR_OK || t->pcb == NULL || writable(t))
		r |= MOOR_IO_WRITE;
	return r;
}

static int mt_wait(moor_transport *base, unsigned events, uint32_t timeout_ms)
{
	moor_lwip_tcp *t = (moor_lwip_tcp *)base;
	uint32_t start;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (t->err != MOOR_OK && t->rx == NULL)
		return t->err;
	if (t->pcb == NULL && t->rx == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	events &= MOOR_IO_READ | MOOR_IO_WRITE;
	if (events == 0)
		return MOOR_ERR_INVALID_ARG;
	start = sys_now();
	for (;;) {
		unsigned r = ready_bits(t) & events;
		uint32_t spent;

		if (r != 0)
			return (int)r;
		spent = (uint32_t)(sys_now() - start);
		if (spent >= timeout_ms)
			return 0;
		t->cfg.poll(t->cfg.poll_ctx, slice_ms(t, timeout_ms - spent));
	}
}

static void mt_close(moor_transport *base)
{
	moor_lwip_tcp *t = (moor_lwip_tcp *)base;

	if (t == NULL)
		return;
	if (t->pcb != NULL) {
		struct tcp_pcb *pcb = t->pcb;

		detach(pcb);
		if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);      /* out of memory for the FIN */
		t->pcb = NULL;
	}
	if (t->rx != NULL) {
		pbuf_free(t->rx);
		t->rx = NULL;
	}
	if (t->err == MOOR_OK)
		t->err = MOOR_ERR_NOT_CONNECTED;
}
