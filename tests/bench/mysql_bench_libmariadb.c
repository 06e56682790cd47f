/*
 * moor_bench_mysql_libmariadb: the peer of moor_bench_mysql
 * (tests/bench/mysql_bench.c) on MariaDB Connector/C (Debian's
 * libmariadb), for tests/bench/mysql_bench.sh. Same options, same tests,
 * same output lines:
 *
 *   moor_bench_mysql_libmariadb -h HOST -p PORT --sni NAME --cacert FILE
 *                               -u USER --password PW [--tls 1.2|1.3]
 *                               [--query N] [--stmt N] [--connect K] [--once]
 *
 * Settings equivalent to moor's: TCP (MYSQL_OPT_PROTOCOL), TLS with the
 * CA given (MYSQL_OPT_SSL_CA) and the server's certificate verified,
 * host name included (MYSQL_OPT_SSL_VERIFY_SERVER_CERT; the host checked
 * is the one connected to, HOST, which the test certificates carry as an
 * IP address; --sni is accepted for symmetry and not used), the one TLS
 * version --tls names (MYSQL_OPT_TLS_VERSION), mysql_native_password.
 *
 *   --query N    mysql_query("SELECT 1") + mysql_store_result() +
 *                mysql_fetch_row() (value checked) + mysql_free_result()
 *   --stmt N     mysql_stmt_prepare("SELECT ?") once, then N times
 *                mysql_stmt_execute() with a BIGINT parameter,
 *                mysql_stmt_fetch() until MYSQL_NO_DATA (value checked)
 *   --connect K  K times mysql_init() + options + mysql_real_connect() +
 *                mysql_query() + mysql_use_result() + the first
 *                mysql_fetch_row(), timed; the rest and mysql_close()
 *                outside the clock
 *   --once       one connection, SELECT 1, then the socket shut down
 *                before mysql_close() (no COM_QUIT on the wire)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <mysql.h>

#define MAX_CONNECT 1000

static double conn_ms[MAX_CONNECT];

static struct {
	const char *host, *sni, *cacert, *user, *password;
	unsigned long port, query, stmt, connect, tls;
	int once;
} opt;

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

static int die(MYSQL *m, const char *what)
{
	fprintf(stderr, "error: %s: %u %s\n", what, m != NULL ? mysql_errno(m) : 0,
		m != NULL ? mysql_error(m) : "out of memory");
	return 1;
}

static MYSQL *open_conn(void)
{
	MYSQL *m = mysql_init(NULL);
	unsigned int proto = MYSQL_PROTOCOL_TCP;
	my_bool verify = 1;

	if (m == NULL)
		return NULL;
	mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
	mysql_options(m, MYSQL_OPT_SSL_CA, opt.cacert);
	mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
	mysql_options(m, MARIADB_OPT_TLS_VERSION, opt.tls == 12 ? "TLSv1.2" : "TLSv1.3");
	if (mysql_real_connect(m, opt.host, opt.user, opt.password, NULL,
	    (unsigned int)opt.port, NULL, 0) == NULL) {
		die(m, "connect");
		mysql_close(m);
		return NULL;
	}
	return m;
}

static int print_tls(MYSQL *m)
{
	const char *v = NULL;

	mariadb_get_infov(m, MARIADB_CONNECTION_TLS_VERSION, &v);
	if (v == NULL || strcmp(v, opt.tls == 12 ? "TLSv1.2" : "TLSv1.3") != 0) {
		fprintf(stderr, "error: TLS version %s, not the one asked for\n", v ? v : "(none)");
		return 1;
	}
	printf("tls version=%s cipher=%s server=%s\n", opt.tls == 12 ? "1.2" : "1.3",
		mysql_get_ssl_cipher(m), mysql_get_server_info(m));
	return 0;
}

/* cpu: CPU ms of this process during the test */
static void report(const char *test, unsigned long n, double ms, double cpu)
{
	printf("test=%s n=%lu ms=%.3f cpu_us=%.2f ops=%.2f\n", test, n, ms,
		cpu * 1e3 / (double)n, (double)n * 1e3 / ms);
	fflush(stdout);
}

static int select1(MYSQL *m)
{
	MYSQL_RES *r;
	MYSQL_ROW row;
	int ok;

	if (mysql_query(m, "SELECT 1") != 0)
		return die(m, "SELECT 1");
	r = mysql_store_result(m);
	if (r == NULL)
		return die(m, "store_result");
	row = mysql_fetch_row(r);
	ok = row != NULL && row[0] != NULL && strcmp(row[0], "1") == 0 &&
		mysql_fetch_row(r) == NULL;
	mysql_free_result(r);
	if (!ok) {
		fprintf(stderr, "error: SELECT 1 did not return one row of 1\n");
		return 1;
	}
	return 0;
}

static int run_queries(MYSQL *m)
{
	unsigned long i;
	double c0 = cpu_ms(), t0 = now_ms();

	for (i = 0; i < opt.query; i++)
		if (select1(m) != 0)
			return 1;
	report("query", opt.query, now_ms() - t0, cpu_ms() - c0);
	return 0;
}

static int stmt_die(MYSQL_STMT *s, const char *what)
{
	fprintf(stderr, "error: %s: %u %s\n", what, mysql_stmt_errno(s), mysql_stmt_error(s));
	mysql_stmt_close(s);
	return 1;
}

static int run_stmt(MYSQL *m)
{
	MYSQL_STMT *s = mysql_stmt_init(m);
	MYSQL_BIND pb, rb;
	long long pv = 0, rv = 0;
	my_bool is_null = 0, err = 0;
	unsigned long i, rlen = 0;
	double t0, c0;
	int rc;

	if (s == NULL)
		return die(m, "stmt_init");
	if (mysql_stmt_prepare(s, "SELECT ?", 8) != 0)
		return stmt_die(s, "prepare");
	if (mysql_stmt_param_count(s) != 1 || mysql_stmt_field_count(s) != 1) {
		fprintf(stderr, "error: SELECT ? has %lu parameters, %u columns\n",
			mysql_stmt_param_count(s), mysql_stmt_field_count(s));
		mysql_stmt_close(s);
		return 1;
	}
	memset(&pb, 0, sizeof pb);
	pb.buffer_type = MYSQL_TYPE_LONGLONG;
	pb.buffer = &pv;
	memset(&rb, 0, sizeof rb);
	rb.buffer_type = MYSQL_TYPE_LONGLONG;
	rb.buffer = &rv;
	rb.is_null = &is_null;
	rb.length = &rlen;
	rb.error = &err;
	if (mysql_stmt_bind_param(s, &pb) != 0)
		return stmt_die(s, "bind_param");
	c0 = cpu_ms();
	t0 = now_ms();
	for (i = 0; i < opt.stmt; i++) {
		pv = (long long)i;
		if (mysql_stmt_execute(s) != 0)
			return stmt_die(s, "execute");
		if (i == 0 && mysql_stmt_bind_result(s, &rb) != 0)
			return stmt_die(s, "bind_result");
		rc = mysql_stmt_fetch(s);
		if (rc != 0 || is_null || rv != (long long)i) {
			fprintf(stderr, "error: fetch %d, value %lld, wanted %lu\n", rc, rv, i);
			mysql_stmt_close(s);
			return 1;
		}
		rc = mysql_stmt_fetch(s);
		if (rc != MYSQL_NO_DATA) {
			fprintf(stderr, "error: a second row (%d)\n", rc);
			mysql_stmt_close(s);
			return 1;
		}
	}
	report("stmt", opt.stmt, now_ms() - t0, cpu_ms() - c0);
	mysql_stmt_close(s);
	return 0;
}

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
	MYSQL *m;
	MYSQL_RES *r;
	MYSQL_ROW row;
	double t0, med, c0 = cpu_ms();
	int ok;

	for (i = 0; i < n; i++) {
		t0 = now_ms();
		m = open_conn();
		if (m == NULL)
			return 1;
		if (mysql_query(m, "SELECT 1") != 0 || (r = mysql_use_result(m)) == NULL) {
			die(m, "SELECT 1");
			mysql_close(m);
			return 1;
		}
		row = mysql_fetch_row(r);
		conn_ms[i] = now_ms() - t0;
		ok = row != NULL && row[0] != NULL && strcmp(row[0], "1") == 0 &&
			mysql_fetch_row(r) == NULL;
		mysql_free_result(r);
		mysql_close(m);
		if (!ok) {
			fprintf(stderr, "error: SELECT 1 did not return one row of 1\n");
			return 1;
		}
	}
	c0 = (cpu_ms() - c0) / (double)n;
	sort_doubles(conn_ms, n);
	med = n % 2 ? conn_ms[n / 2] : (conn_ms[n / 2 - 1] + conn_ms[n / 2]) / 2;
	printf("test=connect n=%lu median_ms=%.3f min_ms=%.3f max_ms=%.3f cpu_ms=%.3f\n",
		n, med, conn_ms[0], conn_ms[n - 1], c0);
	fflush(stdout);
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
	opt.tls = 13;
	for (i = 1; i < argc && !bad; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

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
		else if (strcmp(a, "--query") == 0)
			bad = parse_ulong(v, 1, 100000000, &opt.query) != 0;
		else if (strcmp(a, "--stmt") == 0)
			bad = parse_ulong(v, 1, 100000000, &opt.stmt) != 0;
		else if (strcmp(a, "--connect") == 0)
			bad = parse_ulong(v, 1, MAX_CONNECT, &opt.connect) != 0;
		else
			bad = 1;
	}
	if (opt.port == 0 || opt.cacert == NULL || opt.user == NULL || opt.tls == 0 ||
	    opt.query + opt.stmt + opt.connect + (unsigned long)opt.once == 0)
		bad = 1;
	if (bad) {
		fputs("usage: moor_bench_mysql_libmariadb -h HOST -p PORT [--sni NAME] --cacert FILE\n"
		      "         -u USER [--password PW] [--tls 1.2|1.3]\n"
		      "         [--query N] [--stmt N] [--connect K] [--once]\n", stderr);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	MYSQL *m;
	int st, rc = 0;

	st = parse_args(argc, argv);
	if (st != 0)
		return st;
	signal(SIGPIPE, SIG_IGN);     /* --once: mysql_close() writes to a shut socket */
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "error: mysql_library_init\n");
		return 1;
	}
	if (opt.query != 0 || opt.stmt != 0 || opt.once) {
		m = open_conn();
		if (m == NULL || print_tls(m) != 0) {
			rc = 1;
		} else if (opt.once) {
			rc = select1(m);
			if (rc == 0) {
				/* nothing more on the wire: no COM_QUIT, no close_notify */
				shutdown((int)mysql_get_socket(m), SHUT_RDWR);
				printf("test=once ok\n");
			}
		} else {
			if (opt.query != 0)
				rc = run_queries(m);
			if (rc == 0 && opt.stmt != 0)
				rc = run_stmt(m);
		}
		if (m != NULL)
			mysql_close(m);
	}
	if (rc == 0 && opt.connect != 0)
		rc = run_connect();
	mysql_library_end();
	return rc;
}
