/*
 * moor_bench_tls13: client handshakes for the benchmarks
 * (tests/bench/tls13_handshake.sh).
 *
 *   moor_bench_tls13 -h HOST -p PORT --sni NAME --cacert FILE
 *                    [--tls 1.2|1.3] [--resume N] [--frag N] [--paint]
 *                    [--record FILE]
 *
 * Connects 1 + N times to the same server; each connection after the
 * first resumes with the ticket of the one before it (TLS 1.3). Each
 * connection: TCP connect, moor_tls_handshake() (the only call the
 * callgrind runs count, with --toggle-collect=moor_tls_handshake), then
 * up to 2 s of moor_tls_poll() for the server's NewSessionTicket, then
 * close. One line per connection on stdout:
 *
 *   conn=1 version=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 group=x25519
 *     resumed=no tickets=1 stack_hs=... stack_post=...
 *
 * --paint runs the handshake, and then the ticket wait, on a stack of
 * their own (a static array switched to with swapcontext) that is filled
 * with a pattern first; stack_hs and stack_post are the bytes of it that
 * were written: the peak stack of the handshake and of what follows it,
 * everything they call included (libc, the POSIX port). Without --paint
 * both run on the normal stack (for valgrind, which follows stack
 * switches less well) and the fields say "-".
 *
 * --record FILE runs the TLS sessions on the frozen platform of
 * boards/size/replay.h (fixed wall time, now_ms() and entropy) and writes
 * every byte both ways into FILE, for bench13_qemu.c to replay on
 * Cortex-M4. moor_bench_tls13only is this program built against the
 * TLS 1.3-only configuration of that firmware: only the same configuration
 * replays.
 */
#define _XOPEN_SOURCE 600

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#include "replay.h"

#define PAINT 0xA5u
#define MAX_ANCHORS 16

static uint8_t iobuf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t scratch[MOOR_TLS_SCRATCH_SIZE];   /* the validator, during handshakes */
static moor_tls tls;
static moor_posix_tcp tcp;
static moor_tls13_ticket ticket;
static char anchor_pem[64 * 1024];
static uint8_t anchor_work[64 * 1024];
static br_x509_trust_anchor anchor_slots[MAX_ANCHORS];
static const char *anchor_names[MAX_ANCHORS];
static moor_anchors anchors;

/* The painted stack and the contexts that switch to it. */
static uint8_t job_stack[256 * 1024];
static ucontext_t main_ctx, job_ctx;
static void (*job_fn)(void);

/* --record: the frozen platform, and the transport that taps the bytes. */
static FILE *rec_file;
static unsigned rec_conn;
static uint32_t rec_entropy_counter;
static moor_fault tap;

static uint32_t rec_now_ms(void *ctx)
{
	(void)ctx;
	return MOOR_REPLAY_NOW_MS;
}

static int rec_wall_time(void *ctx, int64_t *unix_seconds)
{
	(void)ctx;
	*unix_seconds = MOOR_REPLAY_TIME;
	return MOOR_OK;
}

static int rec_entropy(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	moor_replay_entropy(&rec_entropy_counter, buf, len);
	return MOOR_OK;
}

static const moor_platform rec_platform = {
	NULL, rec_now_ms, rec_wall_time, rec_entropy, NULL
};

static void rec_write(int type, unsigned conn, const void *data, size_t len)
{
	uint8_t h[MOOR_REPLAY_HDR];

	h[0] = (uint8_t)type;
	h[1] = (uint8_t)conn;
	h[2] = (uint8_t)len;
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)(len >> 16);
	h[5] = (uint8_t)(len >> 24);
	if (fwrite(h, 1, sizeof h, rec_file) != sizeof h
		|| (len > 0 && fwrite(data, 1, len, rec_file) != len)) {
		fprintf(stderr, "record: write failed\n");
		exit(1);
	}
}

static void rec_on_send(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	rec_write(MOOR_REPLAY_C2S, rec_conn, data, len);
}

static void rec_on_recv(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	rec_write(MOOR_REPLAY_S2C, rec_conn, data, len);
}

/* What the jobs work on. */
static moor_transport *job_lower;
static uint32_t job_timeout_ms;
static int job_status;

static void job_handshake(void)
{
	job_status = moor_tls_handshake(&tls, job_lower, job_timeout_ms);
}

static void job_wait_ticket(void)
{
	/* The host's clock, not the session's (frozen with --record). */
	const moor_platform *p = moor_posix_platform(0);
	uint32_t deadline = p->now_ms(p->ctx) + 2000;
	uint32_t left;
	int st = 0;

	while (moor_tls_tickets(&tls, NULL) == 0 && (left = moor_ms_left(p, deadline)) > 0) {
		st = moor_tls_poll(&tls, left);
		if (st != 0)
			break;
	}
	job_status = st > 0 ? MOOR_OK : st;
}

static void job_entry(void)
{
	job_fn();
}

/* Run fn on the painted stack; returns the bytes of it that were used,
 * or -1 if the switch failed. */
static long run_painted(void (*fn)(void))
{
	size_t i;

	memset(job_stack, PAINT, sizeof job_stack);
	if (getcontext(&job_ctx) != 0)
		return -1;
	job_ctx.uc_stack.ss_sp = job_stack;
	job_ctx.uc_stack.ss_size = sizeof job_stack;
	job_ctx.uc_link = &main_ctx;
	job_fn = fn;
	makecontext(&job_ctx, job_entry, 0);
	if (swapcontext(&main_ctx, &job_ctx) != 0)
		return -1;
	/* The stack grows down: the first byte from the bottom that is not
	 * the pattern is the deepest one written. */
	for (i = 0; i < sizeof job_stack && job_stack[i] == PAINT; i++)
		;
	return (long)(sizeof job_stack - i);
}

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, cap, f);
	fclose(f);
	if (n == cap)
		return -1;
	*len = n;
	return 0;
}

static void usage(void)
{
	fputs("usage: moor_bench_tls13 -h HOST -p PORT --sni NAME --cacert FILE\n"
	      "                        [--tls 1.2|1.3] [--resume N] [--frag N] [--paint]\n"
	      "                        [--record FILE]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *host = NULL, *sni = NULL, *cacert = NULL, *record = NULL;
	unsigned long port = 0, resume = 0, frag = 16384, k;
	int paint = 0, i, st;
	uint16_t version = MOOR_TLS_1_3;
	const moor_platform *plat = moor_posix_platform(0);
	moor_tls_config cfg;
	size_t len;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--paint") == 0) {
			paint = 1;
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "-h") == 0)
			host = v;
		else if (strcmp(a, "-p") == 0)
			port = strtoul(v, NULL, 10);
		else if (strcmp(a, "--sni") == 0)
			sni = v;
		else if (strcmp(a, "--cacert") == 0)
			cacert = v;
		else if (strcmp(a, "--resume") == 0)
			resume = strtoul(v, NULL, 10);
		else if (strcmp(a, "--frag") == 0)
			frag = strtoul(v, NULL, 10);
		else if (strcmp(a, "--record") == 0)
			record = v;
		else if (strcmp(a, "--tls") == 0 && strcmp(v, "1.2") == 0)
			version = MOOR_TLS_1_2;
		else if (strcmp(a, "--tls") == 0 && strcmp(v, "1.3") == 0)
			version = MOOR_TLS_1_3;
		else
			usage();
	}
	if (host == NULL || port == 0 || port > 65535 || cacert == NULL || resume > 100
		|| MOOR_TLS_BUFSIZE(frag) > sizeof iobuf)
		usage();
	if (read_file(cacert, anchor_pem, sizeof anchor_pem, &len) != 0) {
		fprintf(stderr, "cannot read %s\n", cacert);
		return 1;
	}
	st = moor_anchors_from_pem(&anchors, anchor_slots, anchor_names, MAX_ANCHORS,
		anchor_work, sizeof anchor_work, anchor_pem, len);
	if (st < 0) {
		fprintf(stderr, "%s: %s\n", cacert, moor_status_name(st));
		return 1;
	}

	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = sni != NULL ? sni : host;
	cfg.scratch = scratch;
	cfg.scratch_len = sizeof scratch;
	if (record != NULL) {
		uint8_t f[4];

		rec_file = fopen(record, "wb");
		if (rec_file == NULL) {
			fprintf(stderr, "cannot write %s\n", record);
			return 1;
		}
		f[0] = (uint8_t)frag;
		f[1] = (uint8_t)(frag >> 8);
		f[2] = (uint8_t)(frag >> 16);
		f[3] = (uint8_t)(frag >> 24);
		if (fwrite(MOOR_REPLAY_MAGIC, 1, MOOR_REPLAY_MAGIC_LEN, rec_file)
			!= MOOR_REPLAY_MAGIC_LEN) {
			fprintf(stderr, "record: write failed\n");
			return 1;
		}
		rec_write(MOOR_REPLAY_ANCHORS, 0, anchor_pem, len);
		rec_write(MOOR_REPLAY_NAME, 0, cfg.server_name, strlen(cfg.server_name));
		rec_write(MOOR_REPLAY_FRAG, 0, f, sizeof f);
	}
	cfg.anchors = &anchors;
	cfg.version_min = version;
	cfg.version_max = version;
	cfg.ticket = &ticket;
	job_timeout_ms = 10000;

	for (k = 0; k <= resume; k++) {
		const moor_tls_info *info;
		long stack_hs = -1, stack_post = -1;
		char hs_s[24] = "-", post_s[24] = "-";

		st = moor_tls_init(&tls, &cfg, record != NULL ? &rec_platform : plat,
			iobuf, MOOR_TLS_BUFSIZE(frag));
		if (st == MOOR_OK)
			st = moor_posix_tcp_connect(&tcp, plat, host, (uint16_t)port, 5000);
		if (st != MOOR_OK)
			goto fail;
		job_lower = &tcp.base;
		if (record != NULL) {
			moor_fault_config fc;

			moor_fault_config_default(&fc);
			fc.on_send = rec_on_send;
			fc.on_recv = rec_on_recv;
			rec_conn = (unsigned)k + 1;
			moor_fault_init(&tap, &tcp.base, &fc);
			job_lower = &tap.base;
		}
		if (paint) {
			stack_hs = run_painted(job_handshake);
		} else {
			job_handshake();
		}
		st = job_status;
		if (st != MOOR_OK) {
			moor_transport_close(job_lower);
			goto fail;
		}
		info = moor_tls_get_info(&tls);
		if (info->version == MOOR_TLS_1_3) {
			if (paint)
				stack_post = run_painted(job_wait_ticket);
			else
				job_wait_ticket();
			st = job_status;
			if (st != MOOR_OK) {
				moor_transport_close(job_lower);
				goto fail;
			}
		}
		if (stack_hs >= 0)
			snprintf(hs_s, sizeof hs_s, "%ld", stack_hs);
		if (stack_post >= 0)
			snprintf(post_s, sizeof post_s, "%ld", stack_post);
		printf("conn=%lu version=%s cipher=%s group=%s resumed=%s tickets=%u"
			" stack_hs=%s stack_post=%s\n", k + 1,
			moor_tls_version_name(info->version),
			moor_tls_suite_name(info->cipher_suite),
			moor_tls_group_name(info->group),
			info->resumed ? "yes" : "no", moor_tls_tickets(&tls, NULL), hs_s, post_s);
		fflush(stdout);
		moor_tls_close(&tls, 1000);
	}
	memset(&ticket, 0, sizeof ticket);
	if (rec_file != NULL && fclose(rec_file) != 0) {
		fprintf(stderr, "record: write failed\n");
		return 1;
	}
	return 0;

fail:
	fprintf(stderr, "connection %lu: %s: %s\n", k + 1, moor_status_name(st),
		moor_status_str(st));
	memset(&ticket, 0, sizeof ticket);
	return 1;
}
