/*
 * The demo application's command line on a Linux host: see demo_main.h.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo_main.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

/* Trust anchors and the client certificate (flash, on a device). */
static char ca_pem[8192];
static br_x509_trust_anchor ta_slots[4];
static const char *ta_names[4];
static uint8_t ta_work[4096];
static moor_anchors anchors;
static uint8_t cert_pem[8192], key_pem[4096];
static uint8_t cred_work[8192];
static moor_credentials creds;

int demo_report_error(const char *step, int st)
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

void demo_out_line(void *ctx, const char *line)
{
	(void)ctx;
	if (strncmp(line, "error: ", 7) == 0) {
		fflush(stdout);
		fprintf(stderr, "%s\n", line);
	} else {
		printf("%s\n", line);
	}
}

static void usage(FILE *f, const char *prog, const char *about)
{
	size_t w = strlen(prog);

	fprintf(f, "usage: %s [--proto redis] -h HOST -p PORT --sni NAME\n"
		"       %*s --cacert FILE --cert FILE --key FILE\n"
		"       %*s [--device NAME] [--user USER --pass PASS]\n"
		"       %s --proto mysql -h HOST -p PORT --sni NAME\n"
		"       %*s --cacert FILE --cert FILE --key FILE\n"
		"       %*s --user USER [--pass PASS] [--database SCHEMA]\n"
		"       %*s [--device NAME]\n"
		"\n"
		"redis: writes 10 telemetry readings of one device to Redis over\n"
		"TLS 1.3 (verify-full, client certificate) in one pipelined batch,\n"
		"reads them back, checks them.\n"
		"mysql: logs in over TLS 1.3 (VERIFY_IDENTITY, client certificate;\n"
		"no --pass: a certificate-only user), inserts the 10 readings with\n"
		"one prepared statement, selects them back, checks every value.\n"
		"%s%s"
		"Exit 0: all checked out; 1: failure; 2: bad usage.\n",
		prog, (int)w, "", (int)w, "", prog, (int)w, "", (int)w, "", (int)w, "",
		about != NULL ? about : "", about != NULL ? "\n" : "");
}

int demo_parse_args(demo_opts *o, int argc, char **argv, const char *prog,
	const char *about)
{
	int i;

	memset(o, 0, sizeof *o);
	o->proto = "redis";
	o->host = "127.0.0.1";
	o->device = "sensor-1";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout, prog, about);
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
			o->host = v;
		} else if (strcmp(a, "-p") == 0) {
			errno = 0;
			o->port = strtoul(v, &end, 10);
			if (errno != 0 || *end != '\0' || o->port < 1 || o->port > 65535)
				goto bad;
		} else if (strcmp(a, "--proto") == 0) {
			o->proto = v;
		} else if (strcmp(a, "--sni") == 0) {
			o->sni = v;
		} else if (strcmp(a, "--cacert") == 0) {
			o->cacert = v;
		} else if (strcmp(a, "--cert") == 0) {
			o->cert = v;
		} else if (strcmp(a, "--key") == 0) {
			o->key = v;
		} else if (strcmp(a, "--device") == 0) {
			o->device = v;
		} else if (strcmp(a, "--user") == 0) {
			o->user = v;
		} else if (strcmp(a, "--pass") == 0) {
			o->pass = v;
		} else if (strcmp(a, "--database") == 0) {
			o->database = v;
		} else {
			goto bad;
		}
	}
	if (strcmp(o->proto, "mysql") == 0)
		o->mysql = 1;
	else if (strcmp(o->proto, "redis") != 0)
		goto bad;
	if (o->port == 0 || o->sni == NULL || o->cacert == NULL ||
	    o->cert == NULL || o->key == NULL || strlen(o->device) > MOOR_APP_DEVICE_MAX ||
	    strchr(o->device, ' ') != NULL)
		goto bad;
	if (o->mysql && o->user == NULL)
		goto bad;
	if (!o->mysql && o->database != NULL)
		goto bad;
	return 0;
bad:
	usage(stderr, prog, about);
	return 2;
}

int demo_load_target(const demo_opts *o, const moor_platform *plat, moor_app_target *t)
{
	long n, nk;
	int st;

	n = read_file(o->cacert, ca_pem, sizeof ca_pem);
	if (n < 0)
		return 1;
	st = moor_anchors_from_pem(&anchors, ta_slots, ta_names, 4, ta_work,
		sizeof ta_work, ca_pem, (size_t)n);
	if (st < 0)
		return demo_report_error("--cacert", st);
	n = read_file(o->cert, cert_pem, sizeof cert_pem);
	nk = read_file(o->key, key_pem, sizeof key_pem);
	if (n < 0 || nk < 0)
		return 1;
	st = moor_credentials_load(&creds, cred_work, sizeof cred_work,
		cert_pem, (size_t)n, key_pem, (size_t)nk);
	if (st != MOOR_OK)
		return demo_report_error("--cert/--key", st);

	memset(t, 0, sizeof *t);
	t->plat = plat;
	t->server_name = o->sni;
	t->anchors = &anchors;
	t->client = &creds;
	t->device = o->device;
	t->user = o->user;
	t->password = o->pass;
	t->database = o->database;
	t->out = demo_out_line;
	return 0;
}
