/*
 * moor_telemetry: an example application, written the way firmware would
 * use moor: every object and buffer is static, nothing is allocated, and
 * the library API is called directly (moor_posix_tcp for TCP, moor_tls for
 * TLS 1.3 with full verification and a client certificate, moor_redis for
 * Redis).
 *
 *   moor_telemetry -h 127.0.0.1 -p PORT --sni localhost --cacert root.crt \
 *                  --cert client-chain.crt --key client.key [--device NAME] \
 *                  [--user USER --pass PASS]
 *
 * What it does, as a sensor node would:
 *   1. connect: TCP, TLS handshake (verify-full: chain to --cacert, dates,
 *      host name --sni; client certificate), Redis handshake (HELLO 3);
 *   2. write: one pipelined batch: DEL of the device's stream, 10 readings
 *      as XADD moor:telemetry:DEVICE MAXLEN ~ 1000 * seq N temp_c T rh_pct H,
 *      then HSET moor:device:DEVICE with the last values;
 *   3. read back: XRANGE of the stream and HGETALL of the hash, pipelined,
 *      decoded event by event straight out of a 1 KiB receive buffer;
 *   4. check that every entry has the ID the server gave its XADD and the
 *      fields that were sent, and that the hash holds the last reading;
 *   5. print a short report and exit 0 only if everything checked out
 *      (1 on any failure, with "error: NAME: sentence" on stderr; 2 for
 *      bad usage).
 *
 * On a device the CA and the client certificate would be DER in flash
 * (moor_credentials_load() references DER in place); here they are read
 * from PEM files with open()/read() into static buffers. stdout gets a
 * static buffer too, so that the C library does not allocate one: the
 * process makes no heap allocation at all (tests/redis/telemetry.sh checks
 * that under valgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "moor/posix.h"
#include "moor/redis.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#define N_READINGS    10
#define N_FIELDS      3            /* seq, temp_c, rh_pct */
#define TLS_FRAG      1024         /* asks the server for 1 KiB records */
#define RX_SIZE       1024
#define TX_SIZE       512
#define TIMEOUT_MS    5000
#define ID_MAX        48           /* a stream ID: "1764320000000-0" */
#define VAL_MAX       16
#define NAME_MAX_LEN  32

/* ------------------------------------------------------------------ */
/* Everything one connection needs, static. */

static uint8_t tls_buf[MOOR_TLS_BUFSIZE(TLS_FRAG)];   /* 2458 bytes */
static uint8_t redis_rx[RX_SIZE], redis_tx[TX_SIZE];
static moor_posix_tcp tcp;
static moor_tls tls;
static moor_tls_config tls_cfg;
static moor_redis redis;
static moor_redis_config redis_cfg;
static uint8_t peer_dn[256];

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

/* ------------------------------------------------------------------ */
/* The readings, as text (what goes over the wire), and what came back. */

static const char *const field_names[N_FIELDS] = { "seq", "temp_c", "rh_pct" };

typedef struct reading {
	char val[N_FIELDS][VAL_MAX];   /* values of field_names[] */
	char id[ID_MAX];               /* the stream ID XADD returned */
	int seen;                      /* XRANGE returned it */
	int fields_ok;                 /* its fields matched, in order */
} reading;

static reading readings[N_READINGS];

static struct {
	const char *host, *sni, *cacert, *cert, *key, *device, *user, *pass;
	unsigned long port;
} opt;

static char stream_key[64], hash_key[64];
static int failures;

static void fail(const char *what)
{
	fprintf(stderr, "check failed: %s\n", what);
	failures++;
}

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

/* ------------------------------------------------------------------ */
/* The connection hooks of moor_redis: TCP, then a TLS handshake with full
 * verification, every time. */

static int net_connect(void *ctx, const char *host, uint16_t port,
	moor_transport **t, uint32_t timeout_ms)
{
	const moor_platform *plat = ctx;
	uint32_t deadline = plat->now_ms(plat->ctx) + timeout_ms;
	int st;

	st = moor_posix_tcp_connect(&tcp, plat, host != NULL ? host : opt.host,
		port != 0 ? port : (uint16_t)opt.port, timeout_ms);
	if (st != MOOR_OK)
		return st;
	st = moor_tls_init(&tls, &tls_cfg, plat, tls_buf, sizeof tls_buf);
	if (st == MOOR_OK)
		st = moor_tls_handshake(&tls, &tcp.base, moor_ms_left(plat, deadline));
	if (st != MOOR_OK) {
		moor_transport_close(&tcp.base);
		return st;
	}
	*t = &tls.base;
	return MOOR_OK;
}

static void net_disconnect(void *ctx, moor_transport *t, int graceful)
{
	(void)ctx;
	if (graceful)
		moor_tls_close(&tls, 1000);
	else
		moor_transport_close(t);
}

/* ------------------------------------------------------------------ */
/* A pipelined batch: commands built one at a time by `build` and queued
 * while the transmit buffer has room; replies handed to `on_event`, event
 * by event, with the index of the command they answer. */

typedef size_t (*build_fn)(size_t i, const char **argv);
typedef void (*event_fn)(size_t i, const moor_redis_event *ev);

typedef struct batch_stats {
	size_t commands;
	size_t max_in_flight;
	uint32_t ms;
} batch_stats;

static int run_batch(const moor_platform *plat, size_t n, build_fn build,
	event_fn on_event, batch_stats *bs)
{
	const char *argv[6 + 2 * N_FIELDS];
	size_t queued = 0, answered = 0, argc;
	uint32_t first = 0, seq = 0, t0 = plat->now_ms(plat->ctx);
	moor_redis_event ev;
	int st;

	memset(bs, 0, sizeof *bs);
	while (answered < n) {
		while (queued < n) {
			argc = build(queued, argv);   /* NUL-terminated arguments */
			st = moor_redis_append(&redis, argc, argv, NULL, &seq);
			if (st < 0)
				return st;
			if (st == 0)
				break;            /* transmit buffer full: read first */
			if (queued == 0)
				first = seq;
			queued++;
			if (queued - answered > bs->max_in_flight)
				bs->max_in_flight = queued - answered;
		}
		st = moor_redis_poll(&redis, &ev, TIMEOUT_MS);  /* sends, then reads */
		if (st < 0)
			return st;
		if (ev.push)
			continue;
		if ((uint32_t)(ev.seq - first) >= queued)
			return MOOR_ERR_REDIS_UNEXPECTED;
		on_event(ev.seq - first, &ev);
		if (ev.acked)
			answered++;
	}
	bs->commands = n;
	bs->ms = plat->now_ms(plat->ctx) - t0;
	return MOOR_OK;
}

static int slice_eq(const moor_resp_event *e, const char *s)
{
	size_t n = strlen(s);

	return e->len == n && (n == 0 || memcmp(e->ptr, s, n) == 0);
}

/* An error reply where a value was expected: show it. */
static void check_error(size_t i, const moor_redis_event *ev)
{
	if (ev->resp.kind == MOOR_RESP_EV_VALUE &&
	    (ev->resp.type == MOOR_RESP_ERROR || ev->resp.type == MOOR_RESP_BLOB_ERROR)) {
		fprintf(stderr, "command %lu: error reply: %.*s\n", (unsigned long)i,
			(int)ev->resp.len, (const char *)ev->resp.ptr);
		failures++;
	}
}

/* ------------------------------------------------------------------ */
/* Batch 1: DEL stream; XADD x N_READINGS; HSET last values. */

static size_t build_write(size_t i, const char **argv)
{
	size_t argc = 0, f;

	if (i == 0) {
		argv[argc++] = "DEL";
		argv[argc++] = stream_key;
		argv[argc++] = hash_key;
	} else if (i <= N_READINGS) {
		const reading *r = &readings[i - 1];

		argv[argc++] = "XADD";
		argv[argc++] = stream_key;
		argv[argc++] = "MAXLEN";
		argv[argc++] = "~";
		argv[argc++] = "1000";
		argv[argc++] = "*";
		for (f = 0; f < N_FIELDS; f++) {
			argv[argc++] = field_names[f];
			argv[argc++] = r->val[f];
		}
	} else {
		const reading *r = &readings[N_READINGS - 1];

		argv[argc++] = "HSET";
		argv[argc++] = hash_key;
		for (f = 0; f < N_FIELDS; f++) {
			argv[argc++] = field_names[f];
			argv[argc++] = r->val[f];
		}
	}
	return argc;
}

static void on_write(size_t i, const moor_redis_event *ev)
{
	const moor_resp_event *e = &ev->resp;

	check_error(i, ev);
	if (i >= 1 && i <= N_READINGS) {
		reading *r = &readings[i - 1];

		if (e->kind != MOOR_RESP_EV_VALUE || e->type != MOOR_RESP_BULK ||
		    e->len == 0 || e->len >= sizeof r->id) {
			fail("XADD did not return a stream ID");
			return;
		}
		memcpy(r->id, e->ptr, e->len);
		r->id[e->len] = '\0';
	} else if (e->kind == MOOR_RESP_EV_VALUE && e->type != MOOR_RESP_INTEGER &&
	           e->type != MOOR_RESP_ERROR) {
		fail("DEL / HSET did not return an integer");
	}
}

/* ------------------------------------------------------------------ */
/* Batch 2: XRANGE stream - +; HGETALL hash. */

static size_t build_read(size_t i, const char **argv)
{
	if (i == 0) {
		argv[0] = "XRANGE";
		argv[1] = stream_key;
		argv[2] = "-";
		argv[3] = "+";
		return 4;
	}
	argv[0] = "HGETALL";
	argv[1] = hash_key;
	return 2;
}

/* Decoding state of the XRANGE reply:
 *   depth 0  BEGIN array of entries
 *   depth 1  BEGIN entry [id, fields]
 *   depth 2  VALUE id, BEGIN array of fields
 *   depth 3  VALUE field, VALUE value, ...
 * and of the HGETALL reply (a map in RESP3, an array in RESP2):
 *   depth 0  BEGIN; depth 1  VALUE field, VALUE value, ... */
static struct {
	long entries;          /* XRANGE entries seen */
	reading *cur;          /* the reading the current entry is */
	size_t item;           /* field/value items seen in the current entry */
	int entry_ok;
	long hash_items;       /* HGETALL items seen */
	int hash_key_idx;      /* the field of the pending value, -1 unknown */
	int hash_match;        /* fields of the hash with the right value */
	int xrange_total;      /* the array count XRANGE announced */
} rd;

static void on_read_xrange(const moor_redis_event *ev)
{
	const moor_resp_event *e = &ev->resp;
	size_t k;

	if (e->kind == MOOR_RESP_EV_BEGIN && e->depth == 0) {
		rd.xrange_total = (int)e->num;
		return;
	}
	if (e->kind == MOOR_RESP_EV_BEGIN && e->depth == 1) {
		rd.cur = NULL;
		rd.item = 0;
		rd.entry_ok = e->num == 2;
		return;
	}
	if (e->kind == MOOR_RESP_EV_VALUE && e->depth == 2) {      /* the ID */
		for (k = 0; k < N_READINGS; k++) {
			if (readings[k].id[0] != '\0' && slice_eq(e, readings[k].id)) {
				rd.cur = &readings[k];
				break;
			}
		}
		/* entries come in ID order: the k-th entry is reading k */
		if (rd.cur == NULL || rd.entries >= N_READINGS ||
		    rd.cur != &readings[rd.entries])
			rd.entry_ok = 0;
		return;
	}
	if (e->kind == MOOR_RESP_EV_BEGIN && e->depth == 2) {
		if (e->num != 2 * N_FIELDS)
			rd.entry_ok = 0;
		return;
	}
	if (e->kind == MOOR_RESP_EV_VALUE && e->depth == 3) {
		if (rd.cur == NULL || rd.item >= 2 * N_FIELDS) {
			rd.entry_ok = 0;
		} else if (rd.item % 2 == 0) {
			if (!slice_eq(e, field_names[rd.item / 2]))
				rd.entry_ok = 0;
		} else if (!slice_eq(e, rd.cur->val[rd.item / 2])) {
			rd.entry_ok = 0;
		}
		rd.item++;
		return;
	}
	if (e->kind == MOOR_RESP_EV_END && e->depth == 1) {
		if (rd.cur != NULL) {
			rd.cur->seen = 1;
			rd.cur->fields_ok = rd.entry_ok && rd.item == 2 * N_FIELDS;
		}
		rd.entries++;
		return;
	}
	if (e->kind == MOOR_RESP_EV_CHUNK)
		fail("XRANGE: a value longer than the receive buffer");
}

static void on_read_hash(const moor_redis_event *ev)
{
	const moor_resp_event *e = &ev->resp;
	const reading *last = &readings[N_READINGS - 1];
	int f;

	if (e->kind != MOOR_RESP_EV_VALUE || e->depth != 1)
		return;
	if (rd.hash_items % 2 == 0) {
		rd.hash_key_idx = -1;
		for (f = 0; f < N_FIELDS; f++) {
			if (slice_eq(e, field_names[f]))
				rd.hash_key_idx = f;
		}
	} else if (rd.hash_key_idx >= 0 && slice_eq(e, last->val[rd.hash_key_idx])) {
		rd.hash_match++;
	}
	rd.hash_items++;
}

static void on_read(size_t i, const moor_redis_event *ev)
{
	check_error(i, ev);
	if (i == 0)
		on_read_xrange(ev);
	else
		on_read_hash(ev);
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: moor_telemetry -h HOST -p PORT --sni NAME --cacert FILE\n"
	      "                      --cert FILE --key FILE [--device NAME]\n"
	      "                      [--user USER --pass PASS]\n"
	      "\n"
	      "Writes 10 telemetry readings of one device to Redis over TLS 1.3\n"
	      "(verify-full, client certificate) in one pipelined batch, reads\n"
	      "them back, checks them. Exit 0: all checked out; 1: failure;\n"
	      "2: bad usage.\n", f);
}

static int parse_args(int argc, char **argv)
{
	int i;

	memset(&opt, 0, sizeof opt);
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
		} else {
			goto bad;
		}
	}
	if (opt.port == 0 || opt.sni == NULL || opt.cacert == NULL ||
	    opt.cert == NULL || opt.key == NULL || strlen(opt.device) > NAME_MAX_LEN ||
	    strchr(opt.device, ' ') != NULL)
		goto bad;
	return 0;
bad:
	usage(stderr);
	return 2;
}

/* Readings a sensor would take: temperature in centi-degrees and relative
 * humidity in tenths of a percent, formatted as decimal text. */
static void take_readings(void)
{
	int i;

	for (i = 0; i < N_READINGS; i++) {
		int centi = 2150 + 25 * i - 10 * (i % 3);
		int permille = 400 + 7 * i;

		memset(&readings[i], 0, sizeof readings[i]);
		snprintf(readings[i].val[0], VAL_MAX, "%d", i);
		snprintf(readings[i].val[1], VAL_MAX, "%d.%02d", centi / 100, centi % 100);
		snprintf(readings[i].val[2], VAL_MAX, "%d.%d", permille / 10, permille % 10);
	}
}

int main(int argc, char **argv)
{
	const moor_platform *plat = moor_posix_platform(-1);
	const moor_tls_info *info;
	batch_stats wb, rb;
	char dn[160];
	long n, nk;
	uint32_t t0;
	int st, i, ok_entries = 0;

	setvbuf(stdout, stdout_buf, _IOLBF, sizeof stdout_buf);
	st = parse_args(argc, argv);
	if (st != 0)
		return st;
	snprintf(stream_key, sizeof stream_key, "moor:telemetry:%s", opt.device);
	snprintf(hash_key, sizeof hash_key, "moor:device:%s", opt.device);

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

	/* TLS: a zeroed config is verify-full; our CA, our certificate. */
	memset(&tls_cfg, 0, sizeof tls_cfg);
	tls_cfg.server_name = opt.sni;
	tls_cfg.anchors = &anchors;
	tls_cfg.client = &creds;
	tls_cfg.version_min = MOOR_TLS_1_3;
	tls_cfg.version_max = MOOR_TLS_1_3;
	tls_cfg.peer_dn = peer_dn;
	tls_cfg.peer_dn_cap = sizeof peer_dn;

	/* Redis: RESP3 if the server has it, our connect hook. */
	memset(&redis_cfg, 0, sizeof redis_cfg);
	redis_cfg.connect = net_connect;
	redis_cfg.disconnect = net_disconnect;
	redis_cfg.conn_ctx = (void *)plat;
	redis_cfg.user = opt.user;
	redis_cfg.password = opt.pass;
	redis_cfg.client_name = "moor-telemetry";
	redis_cfg.connect_timeout_ms = 10000;
	redis_cfg.timeout_ms = TIMEOUT_MS;
	st = moor_redis_init(&redis, &redis_cfg, plat, redis_rx, sizeof redis_rx,
		redis_tx, sizeof redis_tx);
	if (st != MOOR_OK)
		return report_error("init", st);

	printf("moor telemetry: device %s -> %s:%lu, server name %s\n",
		opt.device, opt.host, opt.port, opt.sni);
	t0 = plat->now_ms(plat->ctx);
	st = moor_redis_connect(&redis, 0);
	if (st != MOOR_OK)
		return report_error("connect", st);
	info = moor_tls_get_info(&tls);
	if (info == NULL)
		return report_error("connect", MOOR_ERR_STATE);
	dn[0] = '\0';
	if (info->peer_dn_len > 0 &&
	    moor_dn_format(peer_dn, info->peer_dn_len, dn, sizeof dn) < 0)
		snprintf(dn, sizeof dn, "(unprintable)");
	printf("tls:   %s %s %s; server %s verified (verify-full, chain to \"%s\");"
		" client certificate sent\n",
		moor_tls_version_name(info->version), moor_tls_suite_name(info->cipher_suite),
		moor_tls_group_name(info->group), dn,
		info->anchor_index >= 0 && anchors.names != NULL &&
		anchors.names[info->anchor_index] != NULL ?
			anchors.names[info->anchor_index] : "?");
	printf("redis: RESP%d, connected in %lu ms (TCP + TLS + HELLO)\n",
		moor_redis_protocol(&redis),
		(unsigned long)(plat->now_ms(plat->ctx) - t0));

	/* 1. Write: one pipelined batch. */
	take_readings();
	st = run_batch(plat, N_READINGS + 2, build_write, on_write, &wb);
	if (st != MOOR_OK)
		return report_error("write", st);
	printf("write: %lu commands pipelined (DEL, %d x XADD %s, HSET %s),"
		" up to %lu in flight, %lu ms\n",
		(unsigned long)wb.commands, N_READINGS, stream_key, hash_key,
		(unsigned long)wb.max_in_flight, (unsigned long)wb.ms);

	/* 2. Read back, pipelined too. */
	memset(&rd, 0, sizeof rd);
	rd.xrange_total = -1;
	st = run_batch(plat, 2, build_read, on_read, &rb);
	if (st != MOOR_OK)
		return report_error("read", st);
	printf("read:  XRANGE -> %ld entries, HGETALL -> %ld fields, %lu ms\n",
		rd.entries, rd.hash_items / 2, (unsigned long)rb.ms);

	/* 3. Check. */
	printf("  seq  stream id            temp_c  rh_pct  check\n");
	for (i = 0; i < N_READINGS; i++) {
		const reading *r = &readings[i];
		int ok = r->seen && r->fields_ok;

		ok_entries += ok;
		printf("  %3s  %-19s  %6s  %6s  %s\n", r->val[0],
			r->id[0] != '\0' ? r->id : "-", r->val[1], r->val[2],
			ok ? "ok" : "MISMATCH");
	}
	if (rd.entries != N_READINGS || rd.xrange_total != N_READINGS)
		fail("XRANGE returned another number of entries than was written");
	if (ok_entries != N_READINGS)
		fail("a reading read back differs from the one written");
	if (rd.hash_items != 2 * N_FIELDS || rd.hash_match != N_FIELDS)
		fail("the device hash does not hold the last reading");
	printf("last:  %s = { seq %s, temp_c %s, rh_pct %s }: %s\n", hash_key,
		readings[N_READINGS - 1].val[0], readings[N_READINGS - 1].val[1],
		readings[N_READINGS - 1].val[2],
		rd.hash_match == N_FIELDS && rd.hash_items == 2 * N_FIELDS ? "ok" : "MISMATCH");

	moor_redis_close(&redis);     /* close_notify, then the TCP close */
	printf("RAM:   %lu bytes static for the connection (moor_tls %lu + TLS buffer %lu"
		" + moor_redis %lu + rx %lu + tx %lu + TCP %lu)\n",
		(unsigned long)(sizeof tls + sizeof tls_buf + sizeof redis +
			sizeof redis_rx + sizeof redis_tx + sizeof tcp),
		(unsigned long)sizeof tls, (unsigned long)sizeof tls_buf,
		(unsigned long)sizeof redis, (unsigned long)sizeof redis_rx,
		(unsigned long)sizeof redis_tx, (unsigned long)sizeof tcp);
	if (failures != 0) {
		printf("result: FAILED (%d check(s) failed, %d/%d readings verified)\n",
			failures, ok_entries, N_READINGS);
		return 1;
	}
	printf("result: OK, %d/%d readings written, read back and verified\n",
		ok_entries, N_READINGS);
	return 0;
}
