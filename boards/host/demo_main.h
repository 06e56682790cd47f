/*
 * The command line shared by the demo application's mains on a Linux host:
 * moor_telemetry (POSIX sockets, boards/host/telemetry.c) and
 * moor_lwip_telemetry[_sys] (lwIP over libslirp, boards/host-lwip/main.c).
 * Same flags, same usage errors, same error lines, so that tests can run
 * one scenario on every target and compare what they print.
 *
 *   [--proto redis|mysql] -h HOST -p PORT --sni NAME --cacert FILE
 *   --cert FILE --key FILE [--device NAME] [--user USER] [--pass PASS]
 *   [--database SCHEMA]
 *
 * The CA and the client credentials are read from PEM files into static
 * buffers of this file (on a device they would be DER in flash).
 */
#ifndef MOOR_DEMO_MAIN_H
#define MOOR_DEMO_MAIN_H

#include <stdio.h>

#include "app.h"

typedef struct demo_opts {
	const char *proto, *host, *sni, *cacert, *cert, *key, *device;
	const char *user, *pass, *database;
	unsigned long port;
	int mysql;                   /* --proto mysql */
} demo_opts;

/*
 * Parse argv into *o. `prog` names the program in the usage text and
 * `about` (may be NULL) is printed after it. --help prints the usage on
 * stdout and exits 0. Returns 0, or 2 after printing the usage on stderr.
 */
int demo_parse_args(demo_opts *o, int argc, char **argv, const char *prog,
	const char *about);

/*
 * Load --cacert, --cert and --key, and fill a target with them and the
 * options (the report goes to demo_out_line). Returns 0, or 1 after
 * printing an error line.
 */
int demo_load_target(const demo_opts *o, const moor_platform *plat, moor_app_target *t);

/* "error: STEP: MOOR_ERR_NAME: sentence" (with the alert number for
 * alerts) on stderr; returns 1, the exit status of a failure. */
int demo_report_error(const char *step, int st);

/* The app's output hook: "error: " lines to stderr, the report to stdout. */
void demo_out_line(void *ctx, const char *line);

#endif
