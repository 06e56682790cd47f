/*
 * moor_lwip_telemetry (NO_SYS=1) and moor_lwip_telemetry_sys (NO_SYS=0):
 * the demo application (boards/app: moor_app_redis_run() and
 * moor_app_mysql_run()) on lwIP inside a Linux process, its netif on
 * libslirp (net.c), so that it reaches real servers on the host's
 * 127.0.0.1 (the guest's 10.0.2.2) without privileges.
 *
 * The command line is boards/host/telemetry.c's (-h -p --proto --sni
 * --cacert --cert --key --device --user --pass --database), and so are
 * the report and the exit status (0 all checked out, 1 failure, 2 bad
 * usage): tests run one scenario on both and compare the reports.
 *
 *   NO_SYS=1  a superloop: moor_lwip_tcp (raw API) whose wait() runs
 *             host_net_poll(): slirp's sockets, frames into lwIP, lwIP's
 *             timers, and a poll() sleep while idle.
 *   NO_SYS=0  lwIP's tcpip thread on the pthread sys_arch (an RTOS
 *             stand-in), slirp in a network thread, and the connector in
 *             its own task (sys_thread_new) on moor_lwip_sock.
 *
 * Environment: MOOR_LWIP_DHCP=1 takes the address from slirp's DHCP
 * server instead of the static 10.0.2.15; MOOR_LWIP_SNTP=PORT takes wall
 * time from lwIP's SNTP client asking 127.0.0.1:PORT instead of the host
 * clock (the board's RTC stand-in); MOOR_FAKE_TIME as for the POSIX port.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "demo_main.h"
#include "net.h"
#include "moor/lwip.h"
#include "moor/status.h"

#if !NO_SYS
#include "lwip/sys.h"
#endif

#define CONNECT_TIMEOUT_MS 10000
#if NO_SYS
#define PROG "moor_lwip_telemetry"
#else
#define PROG "moor_lwip_telemetry_sys"
#endif

static moor_app_ctx app;
#if NO_SYS
static moor_lwip_tcp tcp;
#else
static moor_lwip_sock tcp;
#endif
static char stdout_buf[4096];
static demo_opts opt;

static moor_app_target target;

/* The connector: TCP to the server through lwIP, then the app. Returns
 * the process exit status. */
static int connector(void)
{
	const char *host = host_net_map(opt.host);
	int st;

#if NO_SYS
	moor_lwip_tcp_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.poll = host_net_poll;
	printf("~ target: lwIP NO_SYS=1 raw API over libslirp, %s:%lu (guest %s)\n",
		opt.host, opt.port, host);
	st = moor_lwip_tcp_connect_host(&tcp, &cfg, host, (uint16_t)opt.port,
		CONNECT_TIMEOUT_MS);
#else
	printf("~ target: lwIP NO_SYS=0 sockets API over libslirp, %s:%lu (guest %s)\n",
		opt.host, opt.port, host);
	st = moor_lwip_sock_connect(&tcp, host, (uint16_t)opt.port, CONNECT_TIMEOUT_MS);
#endif
	if (st != MOOR_OK)
		return demo_report_error("tcp", st);
	if (opt.mysql)
		st = moor_app_mysql_run(&app, &target, &tcp.base);
	else
		st = moor_app_redis_run(&app, &target, &tcp.base);
	fflush(stdout);
	return st == MOOR_OK ? 0 : 1;
}

#if !NO_SYS
static sys_sem_t task_done;
static volatile int task_rc;

static void connector_task(void *arg)
{
	(void)arg;
	task_rc = connector();
	sys_sem_signal(&task_done);
}
#endif

int main(int argc, char **argv)
{
	const moor_platform *plat;
	const char *sntp = getenv("MOOR_LWIP_SNTP");
	int st, rc;

	setvbuf(stdout, stdout_buf, _IOLBF, sizeof stdout_buf);
	st = demo_parse_args(&opt, argc, argv, PROG,
		"On lwIP over libslirp: HOST 127.0.0.1 is the guest's 10.0.2.2.");
	if (st != 0)
		return st;

	if (host_net_init(5000) != 0)
		return 1;
	plat = host_net_platform();
	if (sntp != NULL) {
		unsigned long port = strtoul(sntp, NULL, 10);

		if (port == 0 || port > 65535 || host_net_sntp((uint16_t)port, 5000) != 0) {
			host_net_shutdown();
			fprintf(stderr, "error: sntp: no answer from 127.0.0.1:%s\n", sntp);
			return 1;
		}
		printf("~ time: from SNTP (127.0.0.1:%lu)\n", port);
	}

	if (demo_load_target(&opt, plat, &target) != 0) {
		host_net_shutdown();
		return 1;
	}

#if NO_SYS
	rc = connector();
#else
	sys_sem_new(&task_done, 0);
	sys_thread_new("moor", connector_task, NULL, 64 * 1024, 1);
	sys_arch_sem_wait(&task_done, 0);
	sys_sem_free(&task_done);
	rc = task_rc;
#endif
	/* Let the FIN and the last ACKs go out before slirp goes away. */
	host_net_run_for(100);
	host_net_shutdown();
	fflush(stdout);
	return rc;
}
