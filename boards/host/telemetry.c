/*
 * moor_telemetry: the demo application (boards/app: moor_app_redis_run()
 * and moor_app_mysql_run()) on the POSIX port. This file is only the
 * board: it opens the TCP connection (moor_posix_tcp) and runs the app;
 * the command line, the PEM files and the report's printing are
 * demo_main.c's, shared with boards/host-lwip. The application logic,
 * which is the same on lwIP and on the Cortex-M4 firmware, is in
 * boards/app.
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

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "demo_main.h"
#include "moor/posix.h"
#include "moor/status.h"

#define CONNECT_TIMEOUT_MS 10000

/* Everything the application needs, static. */
static moor_app_ctx app;
static moor_posix_tcp tcp;
static char stdout_buf[4096];

int main(int argc, char **argv)
{
	const moor_platform *plat = moor_posix_platform(-1);
	moor_app_target t;
	demo_opts opt;
	int st;

	setvbuf(stdout, stdout_buf, _IOLBF, sizeof stdout_buf);
	st = demo_parse_args(&opt, argc, argv, "moor_telemetry", NULL);
	if (st != 0)
		return st;
	st = demo_load_target(&opt, plat, &t);
	if (st != 0)
		return st;

	printf("~ target: POSIX sockets, %s:%lu\n", opt.host, opt.port);
	st = moor_posix_tcp_connect(&tcp, plat, opt.host, (uint16_t)opt.port,
		CONNECT_TIMEOUT_MS);
	if (st != MOOR_OK)
		return demo_report_error("tcp", st);
	if (opt.mysql)
		st = moor_app_mysql_run(&app, &t, &tcp.base);
	else
		st = moor_app_redis_run(&app, &t, &tcp.base);
	fflush(stdout);
	return st == MOOR_OK ? 0 : 1;
}
