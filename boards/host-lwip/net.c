/*
 * host-lwip: lwIP's netif on libslirp (see net.h).
 *
 * Frames from lwIP (linkoutput) go straight into slirp_input(). Frames
 * from slirp (its send_packet callback, which can run inside
 * slirp_input() itself) are copied into a ring and handed to lwIP later,
 * never from inside an lwIP call: lwIP's core is not reentrant.
 *
 * This file is the simulated hardware and its driver, not moor: slirp and
 * glib allocate (slirp_cleanup() frees it again), the ring and the netif
 * are static.
 */
#define _GNU_SOURCE 1

#include "net.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/random.h>

#include <slirp/libslirp.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/dhcp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "lwip/apps/sntp.h"
#include "netif/ethernet.h"
#if !NO_SYS
#include "lwip/tcpip.h"
#endif

#include "moor/status.h"

#define FRAME_MAX   1536
#define RING_FRAMES 64
#define MAX_FDS     64
#define MAX_TIMERS  8

uint16_t host_lwip_sntp_port = 123;
struct moor_lwip_clock host_lwip_clock;

static Slirp *slirp;
static struct netif netif;
static uint8_t tx_frame[FRAME_MAX];

static struct {
	uint8_t data[RING_FRAMES][FRAME_MAX];
	uint16_t len[RING_FRAMES];
	unsigned head, count;
	unsigned long dropped;
} ring;

static struct pollfd pfds[MAX_FDS];
static int n_pfds;

static struct host_timer {
	SlirpTimerCb cb;
	void *opaque;
	int64_t expire_ms;   /* -1 = not armed */
	int used;
} timers[MAX_TIMERS];

#if !NO_SYS
/* Every slirp call and the ring are under this lock (slirp is not thread
 * safe; linkoutput runs in the tcpip thread, the rest in the net thread). */
static pthread_mutex_t slirp_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_t net_thread;
static volatile int net_stop;
static int wake_pipe[2] = { -1, -1 };
#define LOCK()   pthread_mutex_lock(&slirp_mtx)
#define UNLOCK() pthread_mutex_unlock(&slirp_mtx)
#else
#define LOCK()   do { } while (0)
#define UNLOCK() do { } while (0)
#endif

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#if NO_SYS
u32_t sys_now(void)
{
	return (u32_t)(mono_ns() / 1000000LL);
}
#endif

/* ---- board hooks named in lwipopts.h ---- */

uint32_t host_lwip_rand(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		abort();
	return r;
}

void host_lwip_assert(const char *msg, const char *file, int line)
{
	fprintf(stderr, "lwIP assertion failed: %s at %s:%d\n", msg, file, line);
	abort();
}

/* ---- slirp callbacks ---- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	unsigned slot;

	(void)opaque;
	if (len > FRAME_MAX)
		return (ssize_t)len;            /* never happens at MTU 1500 */
	if (ring.count == RING_FRAMES) {
		ring.dropped++;                 /* TCP will retransmit */
		return (ssize_t)len;
	}
	slot = (ring.head + ring.count) % RING_FRAMES;
	memcpy(ring.data[slot], buf, len);
	ring.len[slot] = (uint16_t)len;
	ring.count++;
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "slirp: guest error: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return mono_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	int i;

	(void)opaque;
	for (i = 0; i < MAX_TIMERS; i++) {
		if (!timers[i].used) {
			timers[i].used = 1;
			timers[i].cb = cb;
			timers[i].opaque = cb_opaque;
			timers[i].expire_ms = -1;
			return &timers[i];
		}
	}
	fprintf(stderr, "slirp: out of timers\n");
	abort();
}

static void cb_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	((struct host_timer *)timer)->used = 0;
}

static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	(void)opaque;
	((struct host_timer *)timer)->expire_ms = expire_time;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	(void)opaque;
}

static const SlirpCb slirp_cbs = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
};

static int cb_add_poll(int fd, int events, void *opaque)
{
	short ev = 0;

	(void)opaque;
	if (n_pfds == MAX_FDS)
		return -1;
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	pfds[n_pfds].fd = fd;
	pfds[n_pfds].events = ev;
	pfds[n_pfds].revents = 0;
	return n_pfds++;
}

static int cb_get_revents(int idx, void *opaque)
{
	short r;
	int ev = 0;

	(void)opaque;
	if (idx < 0 || idx >= n_pfds)
		return 0;
	r = pfds[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

/* Fire expired slirp timers; returns ms until the next one (or `cap`). */
static uint32_t run_timers(uint32_t cap)
{
	int64_t now = mono_ns() / 1000000LL;
	uint32_t next = cap;
	int i;

	for (i = 0; i < MAX_TIMERS; i++) {
		if (timers[i].used && timers[i].expire_ms >= 0 && timers[i].expire_ms <= now) {
			timers[i].expire_ms = -1;
			timers[i].cb(timers[i].opaque);
		}
	}
	for (i = 0; i < MAX_TIMERS; i++) {
		if (timers[i].used && timers[i].expire_ms >= 0) {
			int64_t d = timers[i].expire_ms - now;

			if (d < 0)
				d = 0;
			if ((uint64_t)d < next)
				next = (uint32_t)d;
		}
	}
	return next;
}

/* ---- frames into lwIP ---- */

static unsigned deliver_frames(void)
{
	unsigned n = ring.count;

	while (ring.count > 0) {
		unsigned slot = ring.head;
		struct pbuf *p = pbuf_alloc(PBUF_RAW, ring.len[slot], PBUF_POOL);

		if (p != NULL) {
			pbuf_take(p, ring.data[slot], ring.len[slot]);
			if (netif.input(p, &netif) != ERR_OK)
				pbuf_free(p);
		} else {
			ring.dropped++;
		}
		ring.head = (ring.head + 1) % RING_FRAMES;
		ring.count--;
	}
	return n;
}

/* ---- the netif ---- */

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
	u16_t n;

	(void)nif;
	if (p->tot_len > FRAME_MAX)
		return ERR_BUF;
	LOCK();
	n = pbuf_copy_partial(p, tx_frame, p->tot_len, 0);
	slirp_input(slirp, tx_frame, (int)n);
#if !NO_SYS
	/* Answers slirp produced right away (ARP) go to the tcpip thread's
	 * mailbox; and the net thread polls slirp's new sockets. */
	(void)deliver_frames();
	if (wake_pipe[1] >= 0) {
		char c = 1;
		ssize_t w = write(wake_pipe[1], &c, 1);
		(void)w;
	}
#endif
	UNLOCK();
	return ERR_OK;
}

static err_t netif_init_cb(struct netif *nif)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->output = etharp_output;
	nif->linkoutput = linkoutput;
	nif->mtu = 1500;
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, mac, 6);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

/* One round of slirp: sockets, timers, frames out to lwIP. `wait_ms` is
 * the longest poll() sleep. Called with the lock held (SYS) or in the
 * superloop (NO_SYS). */
static void slirp_round(uint32_t wait_ms, int extra_fd)
{
	uint32_t timeout = wait_ms;
	int r;

	if (ring.count > 0)
		timeout = 0;
	timeout = run_timers(timeout);
	n_pfds = 0;
	if (extra_fd >= 0)
		(void)cb_add_poll(extra_fd, SLIRP_POLL_IN, NULL);
	slirp_pollfds_fill(slirp, &timeout, cb_add_poll, NULL);
	UNLOCK();
	r = poll(pfds, (nfds_t)n_pfds, (int)timeout);
	LOCK();
	if (extra_fd >= 0 && n_pfds > 0 && (pfds[0].revents & POLLIN)) {
		char buf[64];
		ssize_t x = read(extra_fd, buf, sizeof buf);
		(void)x;
	}
	slirp_pollfds_poll(slirp, r < 0, cb_get_revents, NULL);
	(void)run_timers(0);
	(void)deliver_frames();
}

#if NO_SYS
void host_net_poll(void *ctx, uint32_t max_wait_ms)
{
	uint32_t lw;

	(void)ctx;
	/* Frames that were waiting: lwIP has work, so do not sleep now. */
	if (deliver_frames() > 0)
		max_wait_ms = 0;
	sys_check_timeouts();
	lw = sys_timeouts_sleeptime();
	if (lw < max_wait_ms)
		max_wait_ms = lw;
	slirp_round(max_wait_ms, -1);
	sys_check_timeouts();
}

void host_net_run_for(uint32_t ms)
{
	uint32_t start = sys_now();

	while ((uint32_t)(sys_now() - start) < ms)
		host_net_poll(NULL, 10);
}
#else
void host_net_poll(void *ctx, uint32_t max_wait_ms)
{
	(void)ctx;
	usleep(max_wait_ms * 1000u);
}

void host_net_run_for(uint32_t ms)
{
	usleep(ms * 1000u);
}

static void *net_main(void *arg)
{
	(void)arg;
	LOCK();
	while (!net_stop)
		slirp_round(50, wake_pipe[0]);
	UNLOCK();
	return NULL;
}

static sys_sem_t tcpip_ready;

static void tcpip_init_done(void *arg)
{
	(void)arg;
	sys_sem_signal(&tcpip_ready);
}
#endif

const char *host_net_map(const char *host)
{
	if (host != NULL && (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0))
		return "10.0.2.2";
	return host;
}

int host_net_init(uint32_t timeout_ms)
{
	SlirpConfig cfg;
	ip4_addr_t ip, mask, gw;
	const char *dhcp_env = getenv("MOOR_LWIP_DHCP");
	int dhcp = dhcp_env != NULL && strcmp(dhcp_env, "1") == 0;
	uint32_t start;

	memset(&cfg, 0, sizeof cfg);
	cfg.version = 1;
	cfg.restricted = 0;
	cfg.in_enabled = true;
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	cfg.in6_enabled = false;
	cfg.vhostname = "moor-host-lwip";
	cfg.disable_host_loopback = false;
	slirp = slirp_new(&cfg, &slirp_cbs, NULL);
	if (slirp == NULL) {
		fprintf(stderr, "error: slirp_new failed\n");
		return -1;
	}
	moor_lwip_clock_init(&host_lwip_clock);
	if (dhcp) {
		ip4_addr_set_zero(&ip);
		ip4_addr_set_zero(&mask);
		ip4_addr_set_zero(&gw);
	} else {
		IP4_ADDR(&ip, 10, 0, 2, 15);
		IP4_ADDR(&mask, 255, 255, 255, 0);
		IP4_ADDR(&gw, 10, 0, 2, 2);
	}
#if NO_SYS
	lwip_init();
	netif_add(&netif, &ip, &mask, &gw, NULL, netif_init_cb, ethernet_input);
	netif_set_default(&netif);
	netif_set_up(&netif);
	if (dhcp)
		dhcp_start(&netif);
#else
	if (pipe(wake_pipe) != 0) {
		fprintf(stderr, "error: pipe: %s\n", strerror(errno));
		return -1;
	}
	sys_sem_new(&tcpip_ready, 0);
	tcpip_init(tcpip_init_done, NULL);
	sys_sem_wait(&tcpip_ready);
	sys_sem_free(&tcpip_ready);
	LOCK_TCPIP_CORE();
	netif_add(&netif, &ip, &mask, &gw, NULL, netif_init_cb, tcpip_input);
	netif_set_default(&netif);
	netif_set_up(&netif);
	if (dhcp)
		dhcp_start(&netif);
	UNLOCK_TCPIP_CORE();
	net_stop = 0;
	if (pthread_create(&net_thread, NULL, net_main, NULL) != 0) {
		fprintf(stderr, "error: cannot start the network thread\n");
		return -1;
	}
#endif
	if (!dhcp)
		return 0;
	start = sys_now();
	while (!dhcp_supplied_address(&netif)) {
		if ((uint32_t)(sys_now() - start) >= timeout_ms) {
			fprintf(stderr, "error: no DHCP lease within %lu ms\n",
				(unsigned long)timeout_ms);
			return -1;
		}
		host_net_poll(NULL, 10);
	}
	return 0;
}

void host_net_shutdown(void)
{
#if !NO_SYS
	net_stop = 1;
	if (wake_pipe[1] >= 0) {
		char c = 1;
		ssize_t w = write(wake_pipe[1], &c, 1);
		(void)w;
	}
	pthread_join(net_thread, NULL);
	close(wake_pipe[0]);
	close(wake_pipe[1]);
	wake_pipe[0] = wake_pipe[1] = -1;
#endif
	if (slirp != NULL) {
		slirp_cleanup(slirp);
		slirp = NULL;
	}
}

/* ---- SNTP ---- */

int host_net_sntp(uint16_t port, uint32_t timeout_ms)
{
	ip_addr_t srv;
	uint32_t start;
	int64_t now;

	host_lwip_sntp_port = port;
	IP_ADDR4(&srv, 10, 0, 2, 2);
#if !NO_SYS
	LOCK_TCPIP_CORE();
#endif
	sntp_setoperatingmode(SNTP_OPMODE_POLL);
	sntp_setserver(0, &srv);
	sntp_init();
#if !NO_SYS
	UNLOCK_TCPIP_CORE();
#endif
	start = sys_now();
	while (moor_lwip_clock_get(&host_lwip_clock, &now) != MOOR_OK) {
		if ((uint32_t)(sys_now() - start) >= timeout_ms)
			return -1;
		host_net_poll(NULL, 10);
	}
	return 0;
}

/* ---- platform ---- */

static int host_entropy(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	while (len > 0) {
		ssize_t r = getrandom(buf, len, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return MOOR_ERR_NO_ENTROPY;
		buf += r;
		len -= (size_t)r;
	}
	return MOOR_OK;
}

/* The board's RTC: the host clock, or MOOR_FAKE_TIME as in the POSIX port
 * (decimal seconds; anything else means unknown). */
static int host_rtc(void *ctx, int64_t *unix_seconds)
{
	const char *fake = getenv("MOOR_FAKE_TIME");

	(void)ctx;
	if (fake != NULL && fake[0] != '\0') {
		char *end = NULL;
		long long v;

		errno = 0;
		v = strtoll(fake, &end, 10);
		if (errno != 0 || end == fake || *end != '\0')
			return MOOR_ERR_TIME_UNKNOWN;
		*unix_seconds = v;
		return MOOR_OK;
	}
	*unix_seconds = (int64_t)time(NULL);
	return MOOR_OK;
}

static moor_lwip_platform plat;

const moor_platform *host_net_platform(void)
{
	moor_lwip_platform_config c;

	memset(&c, 0, sizeof c);
	c.entropy = host_entropy;
	if (getenv("MOOR_LWIP_SNTP") != NULL)
		c.clock = &host_lwip_clock;     /* wall time from SNTP only */
	else
		c.rtc = host_rtc;
	(void)moor_lwip_platform_init(&plat, &c);
	return &plat.base;
}
