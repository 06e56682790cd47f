/*
 * moor_bench_redis: pipelined SET and GET over TLS on one connection, for
 * the Redis benchmark (tests/bench/redis_bench.sh), built the way
 * redis-benchmark works so that the two can be compared:
 *
 *   moor_bench_redis -h HOST -p PORT --sni NAME --cacert FILE
 *                    -n REQUESTS -P PIPELINE [-d SIZE] [--frag N]
 *
 * Like `redis-benchmark -t set,get -n N -P P -c 1 -d SIZE`: the key is
 * "key:__rand_int__" (redis-benchmark's, left as is without -r), the value
 * SIZE bytes of redis-benchmark's own pseudo-random pattern (its
 * genBenchmarkRandomData(): "VXK" for 3 bytes), RESP2 (no HELLO), and
 * requests go in batches of P: P commands written together, then all P
 * replies read, then the next batch. First N SETs, then N GETs, both on one
 * connection (TCP, TLS handshake with full verification against --cacert,
 * records of --frag bytes: 16384 by default, 1024 asks the server for
 * max_fragment_length 1024). Each reply is checked: "+OK" for SET, the
 * value for GET.
 *
 * The clock runs from the first command of a test to its last reply; the
 * connection is made before. One line per test on stdout:
 *
 *   test=SET P=16 n=200000 frag=16384 ms=812.345 ops=246200.12
 *
 * --sizes prints the sizes of what one connection needs instead (see the
 * end of this file); compiled with -DMOOR_BENCH_SIZES_ONLY (the benchmark
 * script does it with arm-none-eabi-gcc -c) the file holds only those
 * sizes, as objects whose sizes `nm -S` reads, and no code.
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>

#include "moor/redis.h"
#include "moor/tls.h"

/* What one connection needs, with records of 1 KiB: the TLS session, its
 * I/O buffer, the Redis client and its two buffers (the sizes this driver
 * uses). */
#define SIZES_FRAG      1024
#define BENCH_RX        1024
#define BENCH_TX        1024

#define MOOR_BENCH_SZ(name, what) \
	extern unsigned char moor_rsz_##name[sizeof(what)]; \
	unsigned char moor_rsz_##name[sizeof(what)];

#ifdef MOOR_BENCH_SIZES_ONLY

MOOR_BENCH_SZ(tls, moor_tls)
MOOR_BENCH_SZ(tls_buf, uint8_t[MOOR_TLS_BUFSIZE(SIZES_FRAG)])
MOOR_BENCH_SZ(redis, moor_redis)
MOOR_BENCH_SZ(redis_rx, uint8_t[BENCH_RX])
MOOR_BENCH_SZ(redis_tx, uint8_t[BENCH_TX])
/* Not part of the total: the handshake scratch of a build without the
 * validator in the session, shareable between connections. */
#if !MOOR_CONFIG_TLS_X509_INLINE
extern unsigned char moor_rsx_scratch[MOOR_TLS_SCRATCH_SIZE];
unsigned char moor_rsx_scratch[MOOR_TLS_SCRATCH_SIZE];
#endif

#else /* the driver */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "moor/x509.h"

#define MAX_PIPELINE 64
#define MAX_VALUE    256

static uint8_t tls_buf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t redis_rx[BENCH_RX], redis_tx[BENCH_TX];
static moor_posix_tcp tcp;
static moor_tls tls;
static moor_tls_config tls_cfg;
static moor_redis redis;
static moor_redis_config redis_cfg;

static char ca_pem[64 * 1024];
static br_x509_trust_anchor ta_slots[8];
static const char *ta_names[8];
static uint8_t ta_work[16 * 1024];
static moor_anchors anchors;

static char value[MAX_VALUE + 1];
static const char key[] = "key:__rand_int__";

static struct {
	const char *host, *sni, *cacert;
	unsigned long port, n, pipeline, size, frag;
	int sizes;
} opt;

static int die(const char *what, int st)
{
	fprintf(stderr, "error: %s: %s: %s\n", what, moor_status_name(st), moor_status_str(st));
	return 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* redis-benchmark's genBenchmarkRandomData() (Redis 7.0). */
static void bench_value(char *data, size_t count)
{
	uint32_t state = 1234;
	size_t i;

	for (i = 0; i < count; i++) {
		state = state * 1103515245u + 12345u;
		data[i] = (char)('0' + ((state >> 16) & 63));
	}
	data[count] = '\0';
}

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
	st = moor_tls_init(&tls, &tls_cfg, plat, tls_buf, MOOR_TLS_BUFSIZE(opt.frag));
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

/* N requests in batches of P; `get` 0: SET key value, 1: GET key. */
static int run_test(int get, double *secs)
{
	const char *set_argv[3] = { "SET", key, value };
	const char *get_argv[2] = { "GET", key };
	size_t vlen = strlen(value);
	unsigned long done = 0, batch, i, got;
	moor_redis_event ev;
	double t0;
	int st;

	t0 = now_s();
	while (done < opt.n) {
		batch = opt.n - done < opt.pipeline ? opt.n - done : opt.pipeline;
		for (i = 0; i < batch; i++) {
			for (;;) {
				st = get ? moor_redis_append(&redis, 2, get_argv, NULL, NULL)
				         : moor_redis_append(&redis, 3, set_argv, NULL, NULL);
				if (st != 0)
					break;
				/* a batch larger than the transmit buffer: push it out */
				st = moor_redis_flush(&redis);
				if (st > 0)
					st = moor_redis_wait(&redis, 10000);
				if (st < 0)
					break;
			}
			if (st != 1)
				return die("append", st);
		}
		for (got = 0; got < batch; ) {
			st = moor_redis_poll(&redis, &ev, 10000);
			if (st != 1)
				return die("reply", st);
			if (ev.push)
				continue;
			if (get ? ev.resp.type != MOOR_RESP_BULK || ev.resp.len != vlen ||
			          memcmp(ev.resp.ptr, value, vlen) != 0
			        : ev.resp.type != MOOR_RESP_SIMPLE || ev.resp.len != 2 ||
			          memcmp(ev.resp.ptr, "OK", 2) != 0) {
				fprintf(stderr, "error: unexpected reply to %s: type '%c' %.*s\n",
					get ? "GET" : "SET", ev.resp.type,
					(int)(ev.resp.len > 80 ? 80 : ev.resp.len),
					ev.resp.ptr != NULL ? (const char *)ev.resp.ptr : "");
				return 1;
			}
			if (ev.acked)
				got++;
		}
		done += batch;
	}
	*secs = now_s() - t0;
	return 0;
}

static void print_sizes(void)
{
	size_t total = sizeof(moor_tls) + MOOR_TLS_BUFSIZE(SIZES_FRAG) +
		sizeof(moor_redis) + BENCH_RX + BENCH_TX;

	printf("tls=%lu tls_buf=%lu redis=%lu redis_rx=%lu redis_tx=%lu total=%lu\n",
		(unsigned long)sizeof(moor_tls), (unsigned long)MOOR_TLS_BUFSIZE(SIZES_FRAG),
		(unsigned long)sizeof(moor_redis), (unsigned long)BENCH_RX,
		(unsigned long)BENCH_TX, (unsigned long)total);
}

static int parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end = NULL;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *out < lo || *out > hi ? -1 : 0;
}

static int parse_args(int argc, char **argv)
{
	int i, bad = 0;

	opt.host = "127.0.0.1";
	opt.n = 100000;
	opt.pipeline = 1;
	opt.size = 3;
	opt.frag = 16384;
	for (i = 1; i < argc && !bad; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--sizes") == 0) {
			opt.sizes = 1;
			continue;
		}
		if (v == NULL) {
			bad = 1;
			break;
		}
		i++;
		if (strcmp(a, "-h") == 0)
			opt.host = v;
		else if (strcmp(a, "--sni") == 0)
			opt.sni = v;
		else if (strcmp(a, "--cacert") == 0)
			opt.cacert = v;
		else if (strcmp(a, "-p") == 0)
			bad = parse_ulong(v, 1, 65535, &opt.port) != 0;
		else if (strcmp(a, "-n") == 0)
			bad = parse_ulong(v, 1, 100000000, &opt.n) != 0;
		else if (strcmp(a, "-P") == 0)
			bad = parse_ulong(v, 1, MAX_PIPELINE, &opt.pipeline) != 0;
		else if (strcmp(a, "-d") == 0)
			bad = parse_ulong(v, 1, MAX_VALUE, &opt.size) != 0;
		else if (strcmp(a, "--frag") == 0)
			bad = parse_ulong(v, 512, 16384, &opt.frag) != 0 ||
				(opt.frag != 512 && opt.frag != 1024 && opt.frag != 2048 &&
				 opt.frag != 4096 && opt.frag != 16384);
		else
			bad = 1;
	}
	if (!opt.sizes && (opt.port == 0 || opt.sni == NULL || opt.cacert == NULL))
		bad = 1;
	if (bad) {
		fputs("usage: moor_bench_redis -h HOST -p PORT --sni NAME --cacert FILE\n"
		      "                        -n N -P PIPELINE [-d SIZE] [--frag N]\n"
		      "       moor_bench_redis --sizes\n", stderr);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const moor_platform *plat = moor_posix_platform(-1);
	FILE *f;
	size_t len;
	double secs;
	int st, t;

	st = parse_args(argc, argv);
	if (st != 0)
		return st;
	if (opt.sizes) {
		print_sizes();
		return 0;
	}
	bench_value(value, opt.size);

	f = fopen(opt.cacert, "rb");
	if (f == NULL) {
		fprintf(stderr, "error: %s: %s\n", opt.cacert, strerror(errno));
		return 1;
	}
	len = fread(ca_pem, 1, sizeof ca_pem - 1, f);
	fclose(f);
	st = moor_anchors_from_pem(&anchors, ta_slots, ta_names, 8, ta_work,
		sizeof ta_work, ca_pem, len);
	if (st < 0)
		return die("--cacert", st);

	tls_cfg.server_name = opt.sni;
	tls_cfg.anchors = &anchors;
	tls_cfg.version_min = MOOR_TLS_1_3;
	tls_cfg.version_max = MOOR_TLS_1_3;
	redis_cfg.connect = net_connect;
	redis_cfg.disconnect = net_disconnect;
	redis_cfg.conn_ctx = (void *)plat;
	redis_cfg.resp = 2;                  /* as redis-benchmark: no HELLO */
	st = moor_redis_init(&redis, &redis_cfg, plat, redis_rx, sizeof redis_rx,
		redis_tx, sizeof redis_tx);
	if (st == MOOR_OK)
		st = moor_redis_connect(&redis, 10000);
	if (st != MOOR_OK)
		return die("connect", st);

	for (t = 0; t < 2; t++) {
		if (run_test(t, &secs) != 0)
			return 1;
		printf("test=%s P=%lu n=%lu frag=%lu ms=%.3f ops=%.2f\n", t ? "GET" : "SET",
			opt.pipeline, opt.n, opt.frag, secs * 1e3, (double)opt.n / secs);
		fflush(stdout);
	}
	moor_redis_close(&redis);
	return 0;
}

#endif
