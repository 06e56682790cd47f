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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "net.h"
#include "moor/lwip.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#if !NO_SYS
#include "lwip/sys.h"
#endif

#define CONNECT_TIMEOUT_MS 10000

static moor_app_ctx app;
#if NO_SYS
static moor_lwip_tcp tcp;
#else
static moor_lwip_sock tcp;
#endif

static char ca_pem[8192];
static br_x509_trust_anchor ta_slots[4];
static const char *ta_names[4];
static uint8_t ta_work[4096];
static moor_anchors anchors;
static uint8_t cert_pem[8192], key_pem[4096];
static uint8_t cred_work[8192];
static moor_credentials creds;

static char stdout_buf[4096];

static struct {
	const char *proto, *host, *sni, *cacert, *cert, *key, *device;
	const char *user, *pass, *database;
	unsigned long port;
	int mysql;
} opt;

static int report_error(const char *step, int st)
{
	int alert = moor_status_alert(st, NULL);

	fflush(stdout);
	if (alert >= 0)
		fprintf(stderr, "error: %s: %s(%d): %s\n", step, moor_status_name(st),
			alert, moor_status_str(st));
	else
		fprintf(stderr, "error: %s: %s: %s\n", step, moor_status_name(st),
			moor_status_str(st));
	return 1;
}

static long read_file(const char *path, void *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "error: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n + 1 >= cap) {
			fprintf(stderr, "error: %s is larger than %lu bytes\n", path,
				(unsigned long)(cap - 1));
			close(fd);
			return -1;
		}
		r = read(fd, (char *)buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	((char *)buf)[n] = '\0';
	return (long)n;
}

static void out_line(void *ctx, const char *line)
{
	(void)ctx;
	if (strncmp(line, "error: ", 7) == 0) {
		fflush(stdout);
		fprintf(stderr, "%s\n", line);
	} else {
		printf("%s\n", line);
	}
}

static void usage(FILE *f)
{
	fputs("usage: moor_lwip_telemetry [--proto redis] -h HOST -p PORT --sni NAME\n"
	      "                           --cacert FILE --cert FILE --key FILE\n"
	      "                           [--device NAME] [--user USER --pass PASS]\n"
	      "       moor_lwip_telemetry --proto mysql -h HOST -p PORT --sni NAME\n"
	      "                           --cacert FILE --cert FILE --key FILE\n"
	      "                           --user USER [--pass PASS] [--database SCHEMA]\n"
	      "                           [--device NAME]\n"
	      "\n"
	      "moor_telemetry's demo on lwIP over libslirp: HOST 127.0.0.1 is the\n"
	      "guest's 10.0.2.2. Exit 0: all checked out; 1: failure; 2: bad usage.\n", f);
}

static int parse_args(int argc, char **argv)
{
	int i;

	memset(&opt, 0, sizeof opt);
	opt.proto = "redis";
	opt.host = "127.0.0.1";
	opt.device = "sensor-1";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			exit(0);
		}
	}
	for (i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (v == NULL)
			goto bad;
		if (strcmp(a, "-h") == 0) {
			opt.host = v;
		} else if (strcmp(a, "-p") == 0) {
			errno = 0;
			opt.port = strtoul(v, &end, 10);
			if (errno != 0 || *end != '\0' || opt.port < 1 || opt.port > 65535)
				goto bad;
		} else if (strcmp(a, "--proto") == 0) {
			opt.proto = v;
		} else if (strcmp(a, "--sni") == 0) {
			opt.sni = v;
		} else if (strcmp(a, "--cacert") == 0) {
			opt.cacert = v;
		} else if (strcmp(a, "--cert") == 0) {
			opt.cert = v;
		} else if (strcmp(a, "--key") == 0) {
			opt.key = v;
		} else if (strcmp(a, "--device") == 0) {
			opt.device = v;
		} else if (strcmp(a, "--user") == 0) {
			opt.user = v;
		} else if (strcmp(a, "--pass") == 0) {
			opt.pass = v;
		} else if (strcmp(a, "--database") == 0) {
			opt.database = v;
		} else {
			goto bad;
		}
	}
	if (strcmp(opt.proto, "mysql") == 0)
		opt.mysql = 1;
	else if (strcmp(opt.proto, "redis") != 0)
		goto bad;
	if (opt.port == 0 || opt.sni == NULL || opt.cacert == NULL ||
	    opt.cert == NULL || opt.key == NULL || strlen(opt.device) > MOOR_APP_DEVICE_MAX ||
	    strchr(opt.device, ' ') != NULL)
		goto bad;
	if (opt.mysql && opt.user == NULL)
		goto bad;
	if (!opt.mysql && opt.database != NULL)
		goto bad;
	return 0;
bad:
	usage(stderr);
	return 2;
}

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
		return report_error("tcp", st);
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
	long n, nk;
	int st, rc;

	setvbuf(stdout, stdout_buf, _IOLBF, sizeof stdout_buf);
	st = parse_args(argc, argv);
	if (st != 0)
		return st;

	n = read_file(opt.cacert, ca_pem, sizeof ca_pem);
	if (n < 0)
		return 1;
	st = moor_anchors_from_pem(&anchors, ta_slots, ta_names, 4, ta_work,
		sizeof ta_work, ca_pem, (size_t)n);
	if (st < 0)
		return report_error("--cacert", st);
	n = read_file(opt.cert, cert_pem, sizeof cert_pem);
	nk = read_file(opt.key, key_pem, sizeof key_pem);
	if (n < 0 || nk < 0)
		return 1;
	st = moor_credentials_load(&creds, cred_work, sizeof cred_work,
		cert_pem, (size_t)n, key_pem, (size_t)nk);
	if (st != MOOR_OK)
		return report_error("--cert/--key", st);

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

	memset(&target, 0, sizeof target);
	target.plat = plat;
	target.server_name = opt.sni;
	target.anchors = &anchors;
	target.client = &creds;
	target.device = opt.device;
	target.user = opt.user;
	target.password = opt.pass;
	target.database = opt.database;
	target.out = out_line;

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
