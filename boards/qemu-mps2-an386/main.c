/*
 * moor firmware for QEMU's mps2-an386 (Cortex-M4): the demo application
 * (boards/app: the same code as on the POSIX host and on host lwIP) over
 * lwIP's raw API on the board's LAN9118, against the host's Redis and
 * MariaDB.
 *
 *   qemu-system-arm -M mps2-an386 -nographic -semihosting \
 *     -nic user,model=lan9118 -icount shift=0 -kernel moor_qemu_fw.elf \
 *     -append "redis=PORT mysql=PORT device=NAME mysql_user=USER"
 *
 * -append (read through semihosting SYS_GET_CMDLINE) says where the
 * servers listen: both on the host, reached at 10.0.2.2 through QEMU's
 * user-mode network; a port of 0 or missing skips that server. The TLS
 * trust anchor (the test CA) and the client certificate and key are
 * compiled in: the build generates a test PKI (tests/interop/mkcerts.sh)
 * and turns its root CA into a moor_anchors set and the client
 * certificate chain and key into const PEM text (pki_data.c, anchors).
 * The test starts the servers with that same PKI.
 *
 * Output (UART0, QEMU's stdout): the application's report lines, then
 * lines of the board that start with "~ " (they vary between targets, as
 * the report's own "~ " lines do):
 *   ~ cost: run=redis handshake=1 status=MOOR_OK insns=N idle_us=N polls=N
 *           frames=N sleeps=N stack=N
 *     for every moor_tls_handshake(): the instructions the CPU executed
 *     inside it, time asleep in `wfi` excluded (exact under
 *     -icount shift=0: a TIMER0 tick is 40 instructions), the time it
 *     slept, how often it polled lwIP, the frames that came in, and the
 *     peak stack measured from the top of the stack (painted before the
 *     call);
 *   ~ stack: peak=N size=N   the whole run's peak;
 *   ~ board: redis: STATUS, ~ board: mysql: STATUS, ~ board: exit 0|1.
 * QEMU exits 0 (semihosting SYS_EXIT) only if every run returned MOOR_OK.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip_addr.h"

#include "app.h"
#include "moor/lwip.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#include "board.h"
#include "board_net.h"
#include "lan9118.h"
#include "semihost.h"

/* The test PKI, generated at build time (pki_data.c and the anchors). */
extern const char qemu_client_chain[];
extern const size_t qemu_client_chain_len;
extern const char qemu_client_key[];
extern const size_t qemu_client_key_len;
extern const moor_anchors moor_qemu_test_anchors;

#define SERVER_NAME   "localhost"     /* the test servers' certificate name */
#define CONNECT_MS    10000u

static moor_app_ctx app;
static moor_lwip_tcp tcp;
static moor_lwip_platform plat;
static moor_credentials creds;
static uint8_t cred_work[4096];

static struct {
	uint16_t redis_port, mysql_port;
	char device[MOOR_APP_DEVICE_MAX + 1];
	char mysql_user[33];
} opt;

/* ---- stack and cost accounting -------------------------------------- */
static size_t stack_peak;              /* deepest, over the whole run */
static const char *run_name = "none";
static unsigned hs_count;

static void stack_note(void)
{
	size_t p = board_stack_peak();

	if (p > stack_peak)
		stack_peak = p;
}

int __real_moor_tls_handshake(moor_tls *tls, moor_transport *lower, uint32_t timeout_ms);
int __wrap_moor_tls_handshake(moor_tls *tls, moor_transport *lower, uint32_t timeout_ms);

/*
 * Every moor_tls_handshake() of the image comes here (the firmware is
 * linked with -Wl,--wrap=moor_tls_handshake): the application's and the
 * MySQL client's alike, without touching either.
 */
int __wrap_moor_tls_handshake(moor_tls *tls, moor_transport *lower, uint32_t timeout_ms)
{
	uint32_t t0, t1, i0, i1, s0, p0, f0;
	size_t hs_stack;
	int st;

	stack_note();
	board_stack_paint();
	s0 = board_idle_calls;
	p0 = board_net_polls;
	f0 = lan9118_counters.rx;
	i0 = board_idle_ticks();
	t0 = board_ticks();
	st = __real_moor_tls_handshake(tls, lower, timeout_ms);
	t1 = board_ticks();
	i1 = board_idle_ticks();
	hs_stack = board_stack_peak();
	if (hs_stack > stack_peak)
		stack_peak = hs_stack;
	hs_count++;
	con_puts("~ cost: run=");
	con_puts(run_name);
	con_puts(" handshake=");
	con_putu(hs_count);
	con_puts(" status=");
	con_puts(moor_status_name(st));
	con_puts(" insns=");
	con_putu((unsigned long)((t0 - t1) - (i1 - i0)) * BOARD_INSNS_PER_TICK);
	con_puts(" idle_us=");
	con_putu((unsigned long)(i1 - i0) / (BOARD_CORE_HZ / 1000000u));
	con_puts(" polls=");
	con_putu((unsigned long)(board_net_polls - p0));
	con_puts(" frames=");
	con_putu((unsigned long)(lan9118_counters.rx - f0));
	con_puts(" sleeps=");
	con_putu((unsigned long)(board_idle_calls - s0));
	con_puts(" stack=");
	con_putu((unsigned long)hs_stack);
	con_puts("\n");
	return st;
}

/* ---- the command line ------------------------------------------------ */
static int parse_port(const char *v, size_t n, uint16_t *port)
{
	unsigned long x = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (unsigned long)(v[i] - '0');
	}
	if (x > 65535u)
		return -1;
	*port = (uint16_t)x;
	return 0;
}

static int copy_word(char *dst, size_t cap, const char *v, size_t n)
{
	if (n == 0 || n >= cap)
		return -1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int parse_cmdline(void)
{
	static char cmd[256];
	const char *p, *end;
	int n = semihost_cmdline(cmd, sizeof cmd);

	memcpy(opt.device, "qemu-m4", sizeof "qemu-m4");
	memcpy(opt.mysql_user, "certonly", sizeof "certonly");
	if (n < 0)
		return -1;
	p = strchr(cmd, ' ');            /* skip the kernel's path */
	while (p != NULL && *p != '\0') {
		const char *k, *eq;
		size_t kl, vl;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		k = p;
		eq = memchr(p, '=', (size_t)(end - p));
		p = end;
		if (eq == NULL)
			return -1;
		kl = (size_t)(eq - k);
		vl = (size_t)(end - eq - 1);
		if (kl == 5 && memcmp(k, "redis", 5) == 0) {
			if (parse_port(eq + 1, vl, &opt.redis_port) != 0)
				return -1;
		} else if (kl == 5 && memcmp(k, "mysql", 5) == 0) {
			if (parse_port(eq + 1, vl, &opt.mysql_port) != 0)
				return -1;
		} else if (kl == 6 && memcmp(k, "device", 6) == 0) {
			if (copy_word(opt.device, sizeof opt.device, eq + 1, vl) != 0)
				return -1;
		} else if (kl == 10 && memcmp(k, "mysql_user", 10) == 0) {
			if (copy_word(opt.mysql_user, sizeof opt.mysql_user, eq + 1, vl) != 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* ---- the runs -------------------------------------------------------- */
static void out_line(void *ctx, const char *line)
{
	(void)ctx;
	con_puts(line);
	con_puts("\n");
}

static void say_status(const char *what, int st)
{
	con_puts("~ board: ");
	con_puts(what);
	con_puts(": ");
	con_puts(moor_app_status_name(st));
	con_puts("\n");
}

static int connect_host(uint16_t port)
{
	moor_lwip_tcp_config cfg;
	ip_addr_t host;
	int st;

	memset(&cfg, 0, sizeof cfg);
	cfg.poll = board_net_poll;
	IP_ADDR4(&host, 10, 0, 2, 2);
	st = moor_lwip_tcp_connect(&tcp, &cfg, &host, port, CONNECT_MS);
	if (st != MOOR_OK)
		say_status("tcp connect", st);
	return st;
}

/* One run of the demo application: "redis" or "mysql". */
static int run_app(const char *name, uint16_t port)
{
	moor_app_target t;
	int mysql = strcmp(name, "mysql") == 0, st;

	memset(&t, 0, sizeof t);
	t.plat = &plat.base;
	t.server_name = SERVER_NAME;
	t.anchors = &moor_qemu_test_anchors;
	t.client = &creds;
	t.device = opt.device;
	if (mysql)
		t.user = opt.mysql_user;
	t.out = out_line;
	run_name = name;
	st = connect_host(port);
	if (st == MOOR_OK)
		st = mysql ? moor_app_mysql_run(&app, &t, &tcp.base)
			: moor_app_redis_run(&app, &t, &tcp.base);
	stack_note();
	return st;
}

int main(void)
{
	moor_lwip_platform_config pc;
	int st, ok = 1;

	board_stack_paint();
	board_init();
	con_puts("~ board: mps2-an386 Cortex-M4, lwIP " LWIP_VERSION_STRING
		" NO_SYS=1, 10.0.2.15/24 via 10.0.2.2\n");
	if (parse_cmdline() != 0) {
		con_puts("error: usage: -append \"redis=PORT mysql=PORT [device=NAME] "
			"[mysql_user=USER]\"\n");
		board_exit(0);
	}
	if (opt.redis_port == 0 && opt.mysql_port == 0) {
		con_puts("error: no server port given (-append \"redis=PORT mysql=PORT\")\n");
		board_exit(0);
	}

	memset(&pc, 0, sizeof pc);
	pc.entropy = board_entropy;
	pc.rtc = board_rtc;
	pc.log = board_log;
	st = moor_lwip_platform_init(&plat, &pc);
	if (st == MOOR_OK)
		st = moor_credentials_load(&creds, cred_work, sizeof cred_work,
			(const uint8_t *)qemu_client_chain, qemu_client_chain_len,
			(const uint8_t *)qemu_client_key, qemu_client_key_len);
	if (st != MOOR_OK) {
		say_status("setup", st);
		board_exit(0);
	}
	if (board_net_init() != 0) {
		con_puts("error: no LAN9118 (run QEMU with -nic user,model=lan9118)\n");
		board_exit(0);
	}

	if (opt.redis_port != 0) {
		st = run_app("redis", opt.redis_port);
		say_status("redis", st);
		ok = ok && st == MOOR_OK;
	}
	if (opt.mysql_port != 0) {
		st = run_app("mysql", opt.mysql_port);
		say_status("mysql", st);
		ok = ok && st == MOOR_OK;
	}

	stack_note();
	con_puts("~ stack: peak=");
	con_putu((unsigned long)stack_peak);
	con_puts(" size=");
	con_putu((unsigned long)board_stack_size());
	con_puts("\n~ board: frames rx=");
	con_putu(lan9118_counters.rx);
	con_puts(" tx=");
	con_putu(lan9118_counters.tx);
	con_puts(" dropped=");
	con_putu(lan9118_counters.rx_dropped);
	con_puts(" sleeps=");
	con_putu(board_idle_calls);
	con_puts(" asleep_us=");
	con_putu(board_idle_ticks() / (BOARD_CORE_HZ / 1000000u));
	con_puts(ok ? "\n~ board: exit 0\n" : "\n~ board: exit 1\n");
	board_exit(ok);
}
