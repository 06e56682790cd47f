/*
 * moor_telemetry: the demo application (boards/app: moor_app_redis_run()
 * and moor_app_mysql_run()) on the POSIX port. This file is only the
 * board: it parses the command line, reads the PEM files into static
 * buffers, opens the TCP connection (moor_posix_tcp) and prints the
 * report; the application logic, which is the same on lwIP and on the
 * Cortex-M4 firmware, is in boards/app.
 *
 *   moor_telemetry [--proto redis] -h HOST -p PORT --sni NAME --cacert FILE
 *                  --cert FILE --key FILE [--device NAME]
 *                  [--user USER --pass PASS]
 *   moor_telemetry --proto mysql -h HOST -p PORT --sni NAME --cacert FILE
 *                  --cert FILE --key FILE --user USER [--pass PASS]
 *                  [--database SCHEMA] [--device NAME]
 *
 * --proto redis (the default): TLS 1.3 (verify-full: chain to --cacert,
 *   dates, host name --sni; client certificate), HELLO 3; one pipelined
 *   batch: DEL, 10 x XADD moor:telemetry:DEVICE, HSET moor:device:DEVICE;
 *   XRANGE + HGETALL read back and checked. --user/--pass: ACL login.
 * --proto mysql: SSLRequest, TLS 1.3 with ssl-mode VERIFY_IDENTITY and the
 *   client certificate, login as --user (no --pass: a certificate-only
 *   user, REQUIRE X509); CREATE TABLE IF NOT EXISTS readings in
 *   --database (default "moor"), prepared DELETE of the device's rows, ONE
 *   prepared INSERT executed 10 times with typed parameters (one NULL),
 *   prepared SELECT back, every value checked; COM_QUIT.
 *
 * Output: the app's report on stdout, except its "error: ..." lines,
 * which go to stderr. Report lines that start with "~ " vary from run to
 * run or target to target (timings, stream IDs, sizes); the others are
 * identical on every target for the same inputs (see boards/app/app.h).
 * Exit status: 0 all checked out; 1 any failure; 2 bad usage.
 *
 * On a device the CA and the client certificate would be DER in flash
 * (moor_credentials_load() references DER in place); here they are read
 * from PEM files with open()/read() into static buffers. stdout gets a
 * static buffer too, so that the C library does not allocate one: the
 * process makes no heap allocation at all (tests/redis/telemetry.sh and
 * tests/mysql/app_mysql.sh check that under valgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#define CONNECT_TIMEOUT_MS 10000

/* Everything the application needs, static. */
static moor_app_ctx app;
static moor_posix_tcp tcp;

/* Trust anchors and the client certificate (flash, on a device). */
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

/* Read a whole file into buf (NUL-terminated). Returns its length or -1. */
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

/* The app's output hook: errors to stderr, the report to stdout. */
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

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: moor_telemetry [--proto redis] -h HOST -p PORT --sni NAME\n"
	      "                      --cacert FILE --cert FILE --key FILE\n"
	      "                      [--device NAME] [--user USER --pass PASS]\n"
	      "       moor_telemetry --proto mysql -h HOST -p PORT --sni NAME\n"
	      "                      --cacert FILE --cert FILE --key FILE\n"
	      "                      --user USER [--pass PASS] [--database SCHEMA]\n"
	      "                      [--device NAME]\n"
	      "\n"
	      "redis: writes 10 telemetry readings of one device to Redis over\n"
	      "TLS 1.3 (verify-full, client certificate) in one pipelined batch,\n"
	      "reads them back, checks them.\n"
	      "mysql: logs in over TLS 1.3 (VERIFY_IDENTITY, client certificate;\n"
	      "no --pass: a certificate-only user), inserts the 10 readings with\n"
	      "one prepared statement, selects them back, checks every value.\n"
	      "Exit 0: all checked out; 1: failure; 2: bad usage.\n", f);
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
	/* every option takes a value */
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

int main(int argc, char **argv)
{
	const moor_platform *plat = moor_posix_platform(-1);
	moor_app_target t;
	long n, nk;
	int st;

	setvbuf(stdout, stdout_buf, _IOLBF, sizeof stdout_buf);
	st = parse_args(argc, argv);
	if (st != 0)
		return st;

	/* Trust anchors and the client certificate. */
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

	memset(&t, 0, sizeof t);
	t.plat = plat;
	t.server_name = opt.sni;
	t.anchors = &anchors;
	t.client = &creds;
	t.device = opt.device;
	t.user = opt.user;
	t.password = opt.pass;
	t.database = opt.database;
	t.out = out_line;

	printf("~ target: POSIX sockets, %s:%lu\n", opt.host, opt.port);
	st = moor_posix_tcp_connect(&tcp, plat, opt.host, (uint16_t)opt.port,
		CONNECT_TIMEOUT_MS);
	if (st != MOOR_OK)
		return report_error("tcp", st);
	if (opt.mysql)
		st = moor_app_mysql_run(&app, &t, &tcp.base);
	else
		st = moor_app_redis_run(&app, &t, &tcp.base);
	fflush(stdout);
	return st == MOOR_OK ? 0 : 1;
}
