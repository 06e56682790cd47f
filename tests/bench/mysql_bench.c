/*
 * moor_bench_mysql: the moor side of the MySQL benchmark
 * (tests/bench/mysql_bench.sh); tests/bench/mysql_bench_libmariadb.c is
 * the same program on libmariadb, and the script runs both against one
 * MariaDB in the same run.
 *
 *   moor_bench_mysql -h HOST -p PORT --sni NAME --cacert FILE
 *                    -u USER --password PW [--tls 1.2|1.3]
 *                    [--frag N] [--rx N] [--tx N]
 *                    [--query N] [--stmt N] [--connect K] [--once]
 *   moor_bench_mysql --sizes
 *
 * Every connection: TCP to HOST:PORT, SSLRequest, a TLS handshake with
 * full verification (chain against --cacert, dates, host name NAME) in
 * the one version --tls names (default 1.3; no fallback), records of
 * --frag bytes (default 1024: max_fragment_length 1024), login with
 * mysql_native_password, receive and transmit buffers of --rx / --tx
 * bytes (default 256 each: MOOR_MYSQL_RX_MIN / MOOR_MYSQL_TX_MIN, the
 * smallest the client accepts). What runs, in this order:
 *
 *   --query N    one connection, then N times `SELECT 1` (COM_QUERY, the
 *                whole reply read, the value checked); the clock runs
 *                from the first query to the last reply:
 *                  test=query n=N ms=... cpu_us=... ops=...
 *   --stmt N     on the same connection: `SELECT ?` prepared once, then
 *                N times executed with the iteration number as a BIGINT
 *                and its binary row read and checked:
 *                  test=stmt n=N ms=... cpu_us=... ops=...
 *   --connect K  K times: a new connection, `SELECT 1`, its first row;
 *                timed from before the TCP connect to the row, then
 *                closed (COM_QUIT, close_notify) outside the clock:
 *                  test=connect n=K median_ms=... min_ms=... max_ms=... cpu_ms=...
 *   --once       one connection, `SELECT 1`, its whole reply, then the
 *                socket shut down without COM_QUIT or close_notify (for
 *                the round-trip count through tests/bench/mysql_bench_relay.py:
 *                nothing after the first row's reply goes on the wire).
 *
 * Before the tests a line describes the TLS session:
 *
 *   tls version=1.3 suite=0x1301 group=0x001d record_limit=1024 server=...
 *
 * cpu_us / cpu_ms: this process's user + system time (getrusage) during
 * the test, per round trip (microseconds) / per connection (milliseconds,
 * closing included).
 *
 * Zero heap: the process never calls malloc (the CA file is read with
 * read(2), stdout has a static buffer, the host is an IP literal), so
 * `valgrind` reports "total heap usage: 0 allocs" for the whole run.
 *
 * --sizes prints what one connection needs in RAM, with the buffers of
 * the benchmark (MOOR_TLS_BUFSIZE(1024), 256 + 256), and a breakdown of
 * the TLS session. Compiled with -DMOOR_BENCH_SIZES_ONLY the file holds
 * only those sizes as objects (`nm -S` reads them; the script does it for
 * Cortex-M4 with arm-none-eabi-gcc -c) and no code.
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>

#include "moor/mysql.h"
#include "moor/tls.h"

/* The RAM configuration: records of 1 KiB, the smallest MySQL buffers. */
#define SIZES_FRAG 1024
#define BENCH_RX   MOOR_MYSQL_RX_MIN
#define BENCH_TX   MOOR_MYSQL_TX_MIN

#define MEMBER_SIZE(type, m) sizeof(((type *)0)->m)

/* One object per figure; `nm -S` reads their sizes. "msz": the parts of
 * a connection (they add up to the total); "mpart": what moor_tls holds
 * (breakdown, not added). */
#define MSZ(name, what) \
	extern unsigned char moor_msz_##name[what]; \
	unsigned char moor_msz_##name[what];
#define MPART(name, what) \
	extern unsigned char moor_mpart_##name[what]; \
	unsigned char moor_mpart_##name[what];

#if MOOR_CONFIG_TLS12
#define TLS12_ENGINE_SIZE MEMBER_SIZE(moor_tls, u.sc)
#else
#define TLS12_ENGINE_SIZE 1  /* not built in: nm shows 1, read as "none" */
#endif

/*
 * Where the certificate validator (moor_x509) lives: inside moor_tls, or
 * (MOOR_CONFIG_TLS_X509_INLINE=0) in handshake scratch memory that the
 * caller lends (moor_tls_config.scratch, MOOR_TLS_SCRATCH_SIZE bytes),
 * which connections that handshake one at a time can share: not counted
 * per connection. x509_inline: 2 inside, 1 in scratch; scratch: 1 when
 * there is none.
 */
#if defined(MOOR_TLS_SCRATCH_SIZE) && !MOOR_CONFIG_TLS_X509_INLINE
#define BENCH_X509_INLINE 0
#define BENCH_SCRATCH     MOOR_TLS_SCRATCH_SIZE
#else
#define BENCH_X509_INLINE 1
#define BENCH_SCRATCH     1
#endif

#define SIZE_LIST(X, P) \
	X(tls, sizeof(moor_tls)) \
	X(tls_buf, MOOR_TLS_BUFSIZE(SIZES_FRAG)) \
	X(mysql, sizeof(moor_mysql)) \
	X(mysql_rx, BENCH_RX) \
	X(mysql_tx, BENCH_TX) \
	P(scratch, BENCH_SCRATCH) \
	P(x509_inline, 1 + BENCH_X509_INLINE) \
	P(x509, sizeof(moor_x509)) \
	P(x509_minimal, MEMBER_SIZE(moor_x509, minimal)) \
	P(x509_decoder, MEMBER_SIZE(moor_x509, dec)) \
	P(engine_union, MEMBER_SIZE(moor_tls, u)) \
	P(tls12_engine, TLS12_ENGINE_SIZE) \
	P(tls13_engine, MEMBER_SIZE(moor_tls, u.e13)) \
	P(tls13_kx, MEMBER_SIZE(moor_tls13_engine, kx)) \
	P(tls13_cert_parser, MEMBER_SIZE(moor_tls13_engine, cp)) \
	P(tls13_transcript, MEMBER_SIZE(moor_tls13_engine, tr)) \
	P(tls13_key_schedule, MEMBER_SIZE(moor_tls13_engine, ks)) \
	P(tls13_records, MEMBER_SIZE(moor_tls13_engine, rx) + MEMBER_SIZE(moor_tls13_engine, tx)) \
	P(tls13_drbg, MEMBER_SIZE(moor_tls13_engine, rng)) \
	P(mysql_tlscfg, MEMBER_SIZE(moor_mysql, tlscfg)) \
	P(mysql_row, MEMBER_SIZE(moor_mysql, row)) \
	P(mysql_last_error, MEMBER_SIZE(moor_mysql, last))

#ifdef MOOR_BENCH_SIZES_ONLY

SIZE_LIST(MSZ, MPART)

#else /* the driver */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "moor/x509.h"

#define MAX_CONNECT 1000
#define T_MS        10000

static uint8_t tls_buf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t mysql_rx[4096], mysql_tx[4096];
static moor_posix_tcp tcp;
static moor_tls tls;
static moor_tls_config tls_cfg;
static moor_mysql my;
static moor_mysql_config my_cfg;
static const moor_platform *plat;

static char ca_pem[64 * 1024];
static br_x509_trust_anchor ta_slots[8];
static uint8_t ta_work[16 * 1024];
static moor_anchors anchors;

#if !BENCH_X509_INLINE
/* the validator's handshake scratch (one for all connections) */
static uint8_t tls_scratch[BENCH_SCRATCH];
#endif

static char out_buf[4096];
static double conn_ms[MAX_CONNECT];

static struct {
	const char *host, *sni, *cacert, *user, *password;
	unsigned long port, frag, rx, tx, query, stmt, connect, tls;
	int once, sizes;
} opt;

static int die(const char *what, int st)
{
	fprintf(stderr, "error: %s: %s: %s\n", what, moor_status_name(st), moor_status_str(st));
	if (st == MOOR_ERR_MYSQL_SERVER)
		fprintf(stderr, "  server: %u %s\n", moor_mysql_last_error(&my)->code,
			moor_mysql_last_error(&my)->message);
	return 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process (user + system), in ms. */
static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int tcp_connect(void *ctx, moor_transport **t, uint32_t timeout_ms)
{
	int st;

	(void)ctx;
	st = moor_posix_tcp_connect(&tcp, plat, opt.host, (uint16_t)opt.port, timeout_ms);
	if (st == MOOR_OK)
		*t = &tcp.base;
	return st;
}

static int open_conn(void)
{
	int st = moor_mysql_init(&my, &my_cfg, plat, mysql_rx, opt.rx, mysql_tx, opt.tx);

	if (st == MOOR_OK)
		st = moor_mysql_connect(&my, T_MS);
	return st;
}

/*
 * `SELECT 1`: read the reply, check the one value. *first_ms (if not
 * NULL) gets the time at which the row's value arrived. Returns MOOR_OK
 * or a status.
 */
static int select1(double *first_ms)
{
	moor_mysql_event ev;
	int st, values = 0;

	st = moor_mysql_query(&my, "SELECT 1", 8, T_MS);
	while (st == MOOR_OK && moor_mysql_busy(&my)) {
		st = moor_mysql_poll(&my, &ev, T_MS);
		if (st != MOOR_OK || ev.type != MOOR_MYSQL_E_VALUE)
			continue;
		if (first_ms != NULL && values == 0)
			*first_ms = now_ms();
		if (ev.value.len != 1 || ev.value.ptr == NULL || ev.value.ptr[0] != '1')
			st = MOOR_ERR_MYSQL_PROTOCOL;
		values++;
	}
	if (st == MOOR_OK && values != 1)
		st = MOOR_ERR_MYSQL_PROTOCOL;
	return st;
}

static int print_tls(void)
{
	const moor_tls_info *ti = moor_mysql_tls_info(&my);

	if (ti == NULL || ti->version != (opt.tls == 12 ? MOOR_TLS_1_2 : MOOR_TLS_1_3)) {
		fprintf(stderr, "error: not the TLS version asked for\n");
		return 1;
	}
	printf("tls version=%s suite=0x%04x group=0x%04x record_limit=%u server=%s\n",
		ti->version == MOOR_TLS_1_3 ? "1.3" : "1.2", ti->cipher_suite, ti->group,
		ti->record_limit, moor_mysql_server_version(&my));
	return 0;
}

/* cpu: CPU ms of this process during the test */
static void report(const char *test, unsigned long n, double ms, double cpu)
{
	printf("test=%s n=%lu ms=%.3f cpu_us=%.2f ops=%.2f\n", test, n, ms,
		cpu * 1e3 / (double)n, (double)n * 1e3 / ms);
	fflush(stdout);
}

static int run_queries(void)
{
	unsigned long i;
	double t0, c0;
	int st;

	c0 = cpu_ms();
	t0 = now_ms();
	for (i = 0; i < opt.query; i++) {
		st = select1(NULL);
		if (st != MOOR_OK)
			return die("SELECT 1", st);
	}
	report("query", opt.query, now_ms() - t0, cpu_ms() - c0);
	return 0;
}

static int run_stmt(void)
{
	static uint8_t types[1];
	moor_mysql_stmt stmt;
	moor_mysql_param p;
	moor_mysql_event ev;
	unsigned long i;
	double t0, c0;
	int st, values;

	memset(&stmt, 0, sizeof stmt);
	stmt.types = types;
	stmt.types_cap = sizeof types;
	st = moor_mysql_stmt_prepare(&my, &stmt, "SELECT ?", 8, T_MS);
	if (st != MOOR_OK)
		return die("prepare", st);
	if (stmt.nparams != 1 || stmt.ncols != 1) {
		fprintf(stderr, "error: SELECT ? has %u parameters, %u columns\n",
			stmt.nparams, stmt.ncols);
		return 1;
	}
	memset(&p, 0, sizeof p);
	p.type = MOOR_MYSQL_TYPE_LONGLONG;
	c0 = cpu_ms();
	t0 = now_ms();
	for (i = 0; i < opt.stmt; i++) {
		p.i = (int64_t)i;
		st = moor_mysql_stmt_execute(&my, &stmt, &p, 1, T_MS);
		values = 0;
		while (st == MOOR_OK && moor_mysql_busy(&my)) {
			st = moor_mysql_poll(&my, &ev, T_MS);
			if (st != MOOR_OK || ev.type != MOOR_MYSQL_E_VALUE)
				continue;
			if (!ev.binary || ev.value.i != (int64_t)i)
				st = MOOR_ERR_MYSQL_PROTOCOL;
			values++;
		}
		if (st == MOOR_OK && values != 1)
			st = MOOR_ERR_MYSQL_PROTOCOL;
		if (st != MOOR_OK)
			return die("execute", st);
	}
	report("stmt", opt.stmt, now_ms() - t0, cpu_ms() - c0);
	st = moor_mysql_stmt_close(&my, &stmt, T_MS);
	return st == MOOR_OK ? 0 : die("stmt close", st);
}

/* Insertion sort: K is small, and qsort may allocate. */
static void sort_doubles(double *v, unsigned long n)
{
	unsigned long i, j;
	double x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static int run_connect(void)
{
	unsigned long i, n = opt.connect;
	double t0, t1 = 0, med, c0 = cpu_ms();
	int st;

	for (i = 0; i < n; i++) {
		t0 = now_ms();
		st = open_conn();
		if (st == MOOR_OK)
			st = select1(&t1);
		if (st != MOOR_OK)
			return die("connect + SELECT 1", st);
		conn_ms[i] = t1 - t0;
		moor_mysql_close(&my);
	}
	c0 = (cpu_ms() - c0) / (double)n;
	sort_doubles(conn_ms, n);
	med = n % 2 ? conn_ms[n / 2] : (conn_ms[n / 2 - 1] + conn_ms[n / 2]) / 2;
	printf("test=connect n=%lu median_ms=%.3f min_ms=%.3f max_ms=%.3f cpu_ms=%.3f\n",
		n, med, conn_ms[0], conn_ms[n - 1], c0);
	fflush(stdout);
	return 0;
}

static void print_sizes(void)
{
	unsigned long total = 0;

#define PRINT_MSZ(name, what) \
	printf("%s=%lu\n", #name, (unsigned long)(what)); total += (unsigned long)(what);
#define PRINT_MPART(name, what) \
	printf("part_%s=%lu\n", #name, (unsigned long)(what));
	SIZE_LIST(PRINT_MSZ, PRINT_MPART)
	printf("total=%lu\n", total);
}

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	*len = 0;
	if (fd < 0)
		return -1;
	while (*len < cap - 1 && (r = read(fd, buf + *len, cap - 1 - *len)) > 0)
		*len += (size_t)r;
	close(fd);
	buf[*len] = '\0';
	return 0;
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
	opt.frag = SIZES_FRAG;
	opt.rx = BENCH_RX;
	opt.tx = BENCH_TX;
	opt.tls = 13;
	for (i = 1; i < argc && !bad; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--sizes") == 0) {
			opt.sizes = 1;
			continue;
		}
		if (strcmp(a, "--once") == 0) {
			opt.once = 1;
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
		else if (strcmp(a, "-u") == 0)
			opt.user = v;
		else if (strcmp(a, "--password") == 0)
			opt.password = v;
		else if (strcmp(a, "-p") == 0)
			bad = parse_ulong(v, 1, 65535, &opt.port) != 0;
		else if (strcmp(a, "--tls") == 0)
			opt.tls = strcmp(v, "1.2") == 0 ? 12 : strcmp(v, "1.3") == 0 ? 13 : 0;
		else if (strcmp(a, "--frag") == 0)
			bad = parse_ulong(v, 512, 16384, &opt.frag) != 0 ||
				(opt.frag != 512 && opt.frag != 1024 && opt.frag != 2048 &&
				 opt.frag != 4096 && opt.frag != 16384);
		else if (strcmp(a, "--rx") == 0)
			bad = parse_ulong(v, 1, sizeof mysql_rx, &opt.rx) != 0;
		else if (strcmp(a, "--tx") == 0)
			bad = parse_ulong(v, 1, sizeof mysql_tx, &opt.tx) != 0;
		else if (strcmp(a, "--query") == 0)
			bad = parse_ulong(v, 1, 100000000, &opt.query) != 0;
		else if (strcmp(a, "--stmt") == 0)
			bad = parse_ulong(v, 1, 100000000, &opt.stmt) != 0;
		else if (strcmp(a, "--connect") == 0)
			bad = parse_ulong(v, 1, MAX_CONNECT, &opt.connect) != 0;
		else
			bad = 1;
	}
	if (!opt.sizes && (opt.port == 0 || opt.sni == NULL || opt.cacert == NULL ||
	    opt.user == NULL || opt.tls == 0 ||
	    opt.query + opt.stmt + opt.connect + (unsigned long)opt.once == 0))
		bad = 1;
	if (bad) {
		fputs("usage: moor_bench_mysql -h HOST -p PORT --sni NAME --cacert FILE\n"
		      "         -u USER [--password PW] [--tls 1.2|1.3] [--frag N] [--rx N] [--tx N]\n"
		      "         [--query N] [--stmt N] [--connect K] [--once]\n"
		      "       moor_bench_mysql --sizes\n", stderr);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t len;
	int st;

	setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
	st = parse_args(argc, argv);
	if (st != 0)
		return st;
	if (opt.sizes) {
		print_sizes();
		return 0;
	}
	plat = moor_posix_platform(-1);
	if (read_file(opt.cacert, ca_pem, sizeof ca_pem, &len) != 0) {
		fprintf(stderr, "error: %s: %s\n", opt.cacert, strerror(errno));
		return 1;
	}
	st = moor_anchors_from_pem(&anchors, ta_slots, NULL, 8, ta_work, sizeof ta_work,
		ca_pem, len);
	if (st < 0)
		return die("--cacert", st);

	tls_cfg.server_name = opt.sni;
	tls_cfg.anchors = &anchors;
	tls_cfg.version_min = tls_cfg.version_max = opt.tls == 12 ? MOOR_TLS_1_2 : MOOR_TLS_1_3;
#if !BENCH_X509_INLINE
	tls_cfg.scratch = tls_scratch;
	tls_cfg.scratch_len = sizeof tls_scratch;
#endif
	my_cfg.connect = tcp_connect;
	my_cfg.ssl_mode = MOOR_SSL_VERIFY_FULL;
	my_cfg.tls = &tls_cfg;
	my_cfg.tls_session = &tls;
	my_cfg.tls_buf = tls_buf;
	my_cfg.tls_buf_len = MOOR_TLS_BUFSIZE(opt.frag);
	my_cfg.user = opt.user;
	my_cfg.password = opt.password;

	if (opt.query != 0 || opt.stmt != 0 || opt.once) {
		st = open_conn();
		if (st != MOOR_OK)
			return die("connect", st);
		if (print_tls() != 0)
			return 1;
		if (opt.once) {
			st = select1(NULL);
			if (st != MOOR_OK)
				return die("SELECT 1", st);
			/* nothing more on the wire: no COM_QUIT, no close_notify */
			shutdown(tcp.fd, SHUT_RDWR);
			moor_mysql_close(&my);
			printf("test=once ok\n");
			fflush(stdout);
			return 0;
		}
		if (opt.query != 0 && run_queries() != 0)
			return 1;
		if (opt.stmt != 0 && run_stmt() != 0)
			return 1;
		moor_mysql_close(&my);
	}
	if (opt.connect != 0 && run_connect() != 0)
		return 1;
	return 0;
}

#endif
