/*
 * The MySQL client (moor/mysql.h) against real servers on 127.0.0.1,
 * started by mysql_client.sh:
 *
 *   mysql_client_interop PKIDIR PORT CASE [TLSVERSION]
 *
 * CASE:
 *   mariadb   a MariaDB with TLS (TLSVERSION "1.2" or "1.3": what it was
 *             forced to): logins of every kind, queries, errors, multi
 *             results, long values in chunks, COM_PING / INIT_DB /
 *             RESET_CONNECTION, prepared statements, EOF and DEPRECATE_EOF
 *   notls     a MariaDB without TLS: REQUIRED fails, DISABLED works
 *   sha2      sha2_server.py without TLS: RSA only when allowed, then fast
 *   sha2tls   sha2_server.py with TLS: cleartext full auth, then fast
 *
 * Prints "ok NAME" / "FAIL NAME: why" per check; exits 0 if all passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/mysql.h"
#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#define T 15000

static int failures;
static const moor_platform *plat;
static uint16_t port;

static void check(int ok, const char *name, const char *fmt, long a, long b)
{
	if (ok) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s: %s [%ld, %ld]\n", name, fmt, a, b);
		failures++;
	}
	fflush(stdout);
}

#define CHECK_ST(st, want, name) check_st((st), (want), (name))

/* ------------------------------------------------------------------ */
/* One connection at a time: its storage. */

static moor_posix_tcp tcp;
static moor_tls tls;
static uint8_t tlsbuf[MOOR_TLS_BUFSIZE_FULL];
/* rx is larger than MOOR_TLS_SCRATCH_SIZE: the client lends it to the TLS
 * session as handshake scratch (the MOOR_MYSQL_RX_MIN case does not). */
static uint8_t rx[8192], tx[2048];
static moor_mysql m;
static moor_mysql_config cfg;
static moor_tls_config tcfg;
static moor_anchors anchors;
static br_x509_trust_anchor ta_slots[4];
static uint8_t anchor_work[8192];
static moor_credentials creds;
static uint8_t cred_work[8192];
static char pki[512];

static void check_st(int st, int want, const char *name)
{
	if (st != want && st == MOOR_ERR_MYSQL_SERVER)
		printf("  server error %u %s: %s\n", moor_mysql_last_error(&m)->code,
			moor_mysql_last_error(&m)->sqlstate, moor_mysql_last_error(&m)->message);
	check(st == want, name, "status, wanted", (long)st, (long)want);
}

static int tcp_connect(void *ctx, moor_transport **t, uint32_t timeout_ms)
{
	int st;

	(void)ctx;
	st = moor_posix_tcp_connect(&tcp, plat, "127.0.0.1", port, timeout_ms);
	if (st == MOOR_OK)
		*t = &tcp.base;
	return st;
}

static size_t slurp(const char *name, char *buf, size_t cap)
{
	char path[700];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", pki, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

static void setup_pki(void)
{
	static char ca[16384], crt[8192], key[8192];
	size_t n = slurp("root.crt", ca, sizeof ca), cn, kn;
	int st = moor_anchors_from_pem(&anchors, ta_slots, NULL, 4, anchor_work,
		sizeof anchor_work, ca, n);

	if (st < 0) {
		fprintf(stderr, "anchors: %s\n", moor_status_name(st));
		exit(2);
	}
	cn = slurp("client-rsa.crt", crt, sizeof crt);
	kn = slurp("client-rsa.key", key, sizeof key);
	st = moor_credentials_load(&creds, cred_work, sizeof cred_work, (const uint8_t *)crt, cn,
		(const uint8_t *)key, kn);
	if (st != MOOR_OK) {
		fprintf(stderr, "credentials: %s\n", moor_status_name(st));
		exit(2);
	}
}

/* Reset the config to: user/pw, verify-full for "localhost", no cert. */
static void base_cfg(const char *user, const char *pw)
{
	memset(&cfg, 0, sizeof cfg);
	memset(&tcfg, 0, sizeof tcfg);
	tcfg.server_name = "localhost";
	tcfg.anchors = &anchors;
	cfg.connect = tcp_connect;
	cfg.tls = &tcfg;
	cfg.tls_session = &tls;
	cfg.tls_buf = tlsbuf;
	cfg.tls_buf_len = sizeof tlsbuf;
	cfg.user = user;
	cfg.password = pw;
	cfg.program_name = "moor-client-test";
}

static int open_with(size_t rxcap)
{
	int st = moor_mysql_init(&m, &cfg, plat, rx, rxcap, tx, sizeof tx);

	if (st == MOOR_OK)
		st = moor_mysql_connect(&m, T);
	if (st != MOOR_OK)
		fprintf(stderr, "  connect %s: %s (%u %s %s)\n", cfg.user ? cfg.user : "",
			moor_status_name(st), moor_mysql_last_error(&m)->code,
			moor_mysql_last_error(&m)->sqlstate, moor_mysql_last_error(&m)->message);
	return st;
}

static int open_cfg(void)
{
	return open_with(sizeof rx);
}

/* ------------------------------------------------------------------ */
/* Running a query into text: values joined by '|', rows by ';', result
 * sets by '#', long values reassembled. */

static char out[200000];
static size_t outn;

static void put(const void *p, size_t n)
{
	if (n > 0 && outn + n < sizeof out) {
		memcpy(out + outn, p, n);
		outn += n;
	}
	out[outn] = '\0';
}

static int collect_reply(uint64_t *affected)
{
	moor_mysql_event ev;
	int st = MOOR_OK, nres = 0;

	outn = 0;
	out[0] = '\0';
	while (moor_mysql_busy(&m)) {
		st = moor_mysql_poll(&m, &ev, T);
		if (st != MOOR_OK)
			return st;
		switch (ev.type) {
		case MOOR_MYSQL_E_RESULT:
			if (nres++)
				put("#", 1);
			break;
		case MOOR_MYSQL_E_OK:
			if (nres++)
				put("#", 1);
			{
				char b[64];
				int k = snprintf(b, sizeof b, "OK%llu", (unsigned long long)ev.ok.affected_rows);

				put(b, (size_t)k);
			}
			if (affected != NULL)
				*affected = ev.ok.affected_rows;
			break;
		case MOOR_MYSQL_E_VALUE:
			if (ev.value.col > 0 && (ev.value.kind == MOOR_MYSQL_EV_VALUE
				|| (ev.value.flags & MOOR_MYSQL_V_FIRST)))
				put("|", 1);
			if (ev.value.flags & MOOR_MYSQL_V_NULL) {
				put("NULL", 4);
			} else if (ev.binary && ev.value.ptr == NULL && ev.value.kind == MOOR_MYSQL_EV_VALUE
				&& ev.value.len == 0 && ev.value.type != MOOR_MYSQL_TYPE_VAR_STRING
				&& ev.value.type != MOOR_MYSQL_TYPE_STRING
				&& ev.value.type != MOOR_MYSQL_TYPE_BLOB
				&& ev.value.type != MOOR_MYSQL_TYPE_NEWDECIMAL) {
				char b[64];
				int k;

				if (ev.value.type == MOOR_MYSQL_TYPE_DOUBLE || ev.value.type == MOOR_MYSQL_TYPE_FLOAT)
					k = snprintf(b, sizeof b, "%g", ev.value.d);
				else
					k = snprintf(b, sizeof b, "%lld", (long long)ev.value.i);
				put(b, (size_t)k);
			} else {
				put(ev.value.ptr, ev.value.len);
			}
			if (ev.value.flags & MOOR_MYSQL_V_ROW_DONE)
				put(";", 1);
			break;
		default:
			break;
		}
	}
	return st;
}

static int run(const char *sql)
{
	int st = moor_mysql_query(&m, sql, strlen(sql), T);

	if (st == MOOR_OK)
		st = collect_reply(NULL);
	return st;
}

static void expect_rows(const char *name, const char *sql, const char *want)
{
	int st = run(sql);

	if (st == MOOR_OK && strcmp(out, want) == 0) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s: status %s, got \"%.200s\", want \"%s\"\n", name, moor_status_name(st),
			out, want);
		failures++;
	}
}

static void expect_err(const char *name, int st, unsigned code, const char *state)
{
	const moor_mysql_error *e = moor_mysql_last_error(&m);

	if (st == MOOR_ERR_MYSQL_SERVER && e->code == code && strcmp(e->sqlstate, state) == 0) {
		printf("ok %s (%u %s: %s)\n", name, e->code, e->sqlstate, e->message);
	} else {
		printf("FAIL %s: %s, error %u %s %s; want %u %s\n", name, moor_status_name(st),
			e->code, e->sqlstate, e->message, code, state);
		failures++;
	}
}

/* ------------------------------------------------------------------ */
/* MariaDB. */

static void login_expect(const char *name, int want, unsigned code)
{
	int st = open_cfg();

	if (want == MOOR_ERR_MYSQL_SERVER)
		expect_err(name, st, code, "28000");
	else
		CHECK_ST(st, want, name);
	if (st == MOOR_OK) {
		st = moor_mysql_ping(&m, T);
		CHECK_ST(st, MOOR_OK, "  ping after login");
	}
	moor_mysql_close(&m);
}

static void mariadb_logins(void)
{
	/* REQUIRE SSL */
	base_cfg("sslu", "sslpw");
	login_expect("login REQUIRE SSL over TLS", MOOR_OK, 0);
	base_cfg("sslu", "sslpw");
	cfg.ssl_mode = MOOR_SSL_DISABLE;
	login_expect("login REQUIRE SSL without TLS refused", MOOR_ERR_MYSQL_SERVER, 1045);
	/* REQUIRE X509 */
	base_cfg("x509u", "x509pw");
	login_expect("login REQUIRE X509 without a certificate refused", MOOR_ERR_MYSQL_SERVER, 1045);
	base_cfg("x509u", "x509pw");
	tcfg.client = &creds;
	login_expect("login REQUIRE X509 with a certificate", MOOR_OK, 0);
	/* REQUIRE SUBJECT */
	base_cfg("subju", "subjpw");
	tcfg.client = &creds;
	login_expect("login REQUIRE SUBJECT with the right certificate", MOOR_OK, 0);
	base_cfg("subjbad", "subjpw");
	tcfg.client = &creds;
	login_expect("login REQUIRE SUBJECT with another subject refused", MOOR_ERR_MYSQL_SERVER, 1045);
	/* certificate only: no password at all */
	base_cfg("certonly", NULL);
	tcfg.client = &creds;
	login_expect("login certificate-only user", MOOR_OK, 0);
	base_cfg("certonly", NULL);
	login_expect("login certificate-only user without certificate refused",
		MOOR_ERR_MYSQL_SERVER, 1045);
	/* TiDB Cloud style prefixed name: opaque */
	base_cfg("4ZvV7x.root", "tidbpw");
	login_expect("login prefixed user name", MOOR_OK, 0);
	/* wrong password */
	base_cfg("moor", "wrong");
	login_expect("login wrong password", MOOR_ERR_MYSQL_SERVER, 1045);
	/* ed25519: a real AuthSwitchRequest to a plugin moor lacks */
	{
		int st;

		base_cfg("edu", "edpw");
		st = open_cfg();
		CHECK_ST(st, MOOR_ERR_MYSQL_AUTH_PLUGIN, "login ed25519: switch reported unsupported");
		check(strstr(moor_mysql_last_error(&m)->message, "client_ed25519") != NULL,
			"  the plugin is named", "%ld%ld", 0, 0);
		printf("  (%s)\n", moor_mysql_last_error(&m)->message);
		moor_mysql_close(&m);
	}
	/* verification */
	base_cfg("moor", "moorpw");
	tcfg.server_name = "wronghost.example";
	login_expect("verify-identity with the wrong host name", MOOR_ERR_X509_HOSTNAME, 0);
	base_cfg("moor", "moorpw");
	tcfg.server_name = "wronghost.example";
	cfg.ssl_mode = MOOR_SSL_VERIFY_CA;
	login_expect("verify-ca ignores the host name", MOOR_OK, 0);
	base_cfg("moor", "moorpw");
	tcfg.anchors = NULL;          /* built-in anchors: not our test CA */
	cfg.ssl_mode = MOOR_SSL_REQUIRE;
	login_expect("required: encrypted without verification", MOOR_OK, 0);
	base_cfg("moor", "moorpw");
	tcfg.anchors = NULL;
	{
		int st = open_cfg();

		check(st == MOOR_ERR_X509_UNKNOWN_CA || st == MOOR_ERR_X509_SELF_SIGNED
			|| st == MOOR_ERR_X509_CHAIN_INCOMPLETE, "verify-identity with the wrong anchors",
			"status %ld", st, 0);
		moor_mysql_close(&m);
	}
}

static void mariadb_queries(const char *tlsver)
{
	uint64_t affected = 0;
	const moor_tls_info *ti;
	int st;

	base_cfg("moor", "moorpw");
	cfg.database = "t";
	cfg.caps = MOOR_MYSQL_CLIENT_MULTI_STATEMENTS;
	st = open_cfg();
	CHECK_ST(st, MOOR_OK, "login native password, verify-identity, schema t");
	if (st != MOOR_OK)
		return;
	ti = moor_mysql_tls_info(&m);
	check(ti != NULL && ti->version == (strcmp(tlsver, "1.2") == 0 ? MOOR_TLS_1_2 : MOOR_TLS_1_3),
		"TLS version as forced", "version %lx", ti ? (long)ti->version : 0, 0);
	if (ti != NULL)
		printf("  %s %s fell_back=%u server %s\n", moor_tls_version_name(ti->version),
			moor_tls_suite_name(ti->cipher_suite), ti->fell_back, moor_mysql_server_version(&m));
	check(strstr(moor_mysql_server_version(&m), "MariaDB") != NULL
		&& strncmp(moor_mysql_server_version(&m), "5.5.5-", 6) != 0,
		"server version", "%ld%ld", 0, 0);
	check((moor_mysql_caps(&m) & MOOR_MYSQL_CLIENT_SSL) && (moor_mysql_caps(&m)
		& MOOR_MYSQL_CLIENT_DEPRECATE_EOF), "capabilities SSL + DEPRECATE_EOF", "%ld%ld", 0, 0);

	expect_rows("initial schema", "SELECT DATABASE()", "t;");
	expect_rows("connect attributes",
		"SELECT ATTR_NAME, ATTR_VALUE FROM performance_schema.session_connect_attrs"
		" WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME IN ('_client_name', 'program_name')"
		" ORDER BY ATTR_NAME", "_client_name|moor;program_name|moor-client-test;");
	expect_rows("select values", "SELECT 1 AS a, 'x\ty' AS b, NULL AS c, '' AS d, -2.50 AS e",
		"1|x\ty|NULL||-2.50;");
	expect_rows("select no rows", "SELECT 1 FROM DUAL WHERE 0", "");
	{
		moor_mysql_event ev;
		int got = 0;

		st = moor_mysql_query(&m, "SELECT 7 AS seven, 'v' AS `long name`", strlen("SELECT 7 AS seven, 'v' AS `long name`"), T);
		while (st == MOOR_OK && moor_mysql_busy(&m)) {
			st = moor_mysql_poll(&m, &ev, T);
			if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_RESULT && ev.ncols == 2)
				got |= 1;
			if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_COLUMN && ev.index == 1
				&& ev.column.name.len == 9 && memcmp(ev.column.name.ptr, "long name", 9) == 0)
				got |= 2;
			if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_COLUMN && ev.index == 0
				&& ev.column.type == MOOR_MYSQL_TYPE_LONG)
				got |= 4;
			if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_END && ev.rows == 1 && !ev.more)
				got |= 8;
		}
		check(st == MOOR_OK && got == 15, "metadata: count, names, types, END", "st %ld got %ld",
			st, got);
	}
	{
		const char *q = "CREATE TABLE k (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20),"
			" b LONGBLOB)";

		st = moor_mysql_query_ok(&m, q, strlen(q), NULL, T);
	}
	CHECK_ST(st, MOOR_OK, "create table");
	{
		moor_mysql_ok ok;
		const char *q = "INSERT INTO k (v) VALUES ('a'), ('b'), (NULL)";

		st = moor_mysql_query_ok(&m, q, strlen(q), &ok, T);
		check(st == MOOR_OK && ok.affected_rows == 3 && ok.last_insert_id == 1,
			"insert: 3 rows, last insert id 1", "affected %ld id %ld", (long)ok.affected_rows,
			(long)ok.last_insert_id);
		q = "UPDATE k SET v = 'z' WHERE id >= 2";
		st = moor_mysql_query_ok(&m, q, strlen(q), &ok, T);
		check(st == MOOR_OK && ok.affected_rows == 2, "update: 2 rows", "st %ld affected %ld", st,
			(long)ok.affected_rows);
	}
	expect_rows("select table", "SELECT id, v FROM k ORDER BY id", "1|a;2|z;3|z;");
	/* errors: the connection stays */
	st = run("SELEC 1");
	expect_err("syntax error 1064", st, 1064, "42000");
	st = run("SELECT * FROM nosuch");
	expect_err("unknown table 1146", st, 1146, "42S02");
	st = run("SELECT 1; SELECT * FROM nosuch");
	expect_err("error in the second statement", st, 1146, "42S02");
	CHECK_ST(moor_mysql_ping(&m, T), MOOR_OK, "ping after errors");
	/* multi results */
	expect_rows("multi-statement results", "SELECT 1; SELECT 'two', 2; DO 0", "1;#two|2;#OK0");
	expect_rows("stored procedure results", "CALL t.two()", "1;#2;#OK0");
	(void)affected;
	/* COM_INIT_DB, COM_RESET_CONNECTION */
	CHECK_ST(moor_mysql_init_db(&m, "mysql", T), MOOR_OK, "COM_INIT_DB mysql");
	expect_rows("  schema changed", "SELECT DATABASE()", "mysql;");
	expect_err("COM_INIT_DB unknown schema 1049", moor_mysql_init_db(&m, "nope", T), 1049, "42000");
	expect_rows("user variable set", "SET @a = 5; SELECT @a", "OK0#5;");
	CHECK_ST(moor_mysql_reset(&m, T), MOOR_OK, "COM_RESET_CONNECTION");
	expect_rows("  variable gone after reset", "SELECT @a", "NULL;");
	CHECK_ST(moor_mysql_init_db(&m, "t", T), MOOR_OK, "COM_INIT_DB t");

	/* prepared statements */
	{
		static uint8_t types[8];
		moor_mysql_stmt s = { 0, 0, 0, types, sizeof types };
		moor_mysql_param p[3];
		const char *q = "INSERT INTO k (v, b) VALUES (?, ?)";

		st = moor_mysql_stmt_prepare(&m, &s, q, strlen(q), T);
		check(st == MOOR_OK && s.nparams == 2 && s.ncols == 0, "prepare insert: 2 params",
			"st %ld params %ld", st, s.nparams);
		memset(p, 0, sizeof p);
		p[0].type = MOOR_MYSQL_TYPE_VAR_STRING;
		p[0].ptr = (const uint8_t *)"ps";
		p[0].len = 2;
		p[1].type = MOOR_MYSQL_TYPE_NULL;
		p[1].is_null = 1;
		st = moor_mysql_stmt_execute(&m, &s, p, 2, T);
		if (st == MOOR_OK)
			st = collect_reply(NULL);
		check(st == MOOR_OK && strcmp(out, "OK1") == 0, "execute insert with NULL", "st %ld", st, 0);
		/* long data: 300000 bytes in pieces */
		{
			static uint8_t big[100000];

			memset(big, 'q', sizeof big);
			st = moor_mysql_stmt_send_long_data(&m, &s, 1, big, sizeof big, T);
			if (st == MOOR_OK)
				st = moor_mysql_stmt_send_long_data(&m, &s, 1, big, sizeof big, T);
			if (st == MOOR_OK)
				st = moor_mysql_stmt_send_long_data(&m, &s, 1, big, sizeof big, T);
			p[0].ptr = (const uint8_t *)"long";
			p[0].len = 4;
			p[1].type = MOOR_MYSQL_TYPE_LONG_BLOB;
			p[1].is_null = 0;
			p[1].long_data = 1;
			if (st == MOOR_OK)
				st = moor_mysql_stmt_execute(&m, &s, p, 2, T);
			if (st == MOOR_OK)
				st = collect_reply(NULL);
			check(st == MOOR_OK && strcmp(out, "OK1") == 0, "execute with SEND_LONG_DATA",
				"st %ld", st, 0);
		}
		CHECK_ST(moor_mysql_stmt_close(&m, &s, T), MOOR_OK, "COM_STMT_CLOSE");
		expect_rows("  long data stored", "SELECT v, LENGTH(b), b IS NULL FROM k WHERE id > 3 ORDER BY id",
			"ps|NULL|1;long|300000|0;");

		q = "SELECT id, v, ? + 1, ? FROM k WHERE id <= ? ORDER BY id";
		st = moor_mysql_stmt_prepare(&m, &s, q, strlen(q), T);
		check(st == MOOR_OK && s.nparams == 3 && s.ncols == 4, "prepare select: 3 params, 4 columns",
			"st %ld params %ld", st, s.nparams);
		memset(p, 0, sizeof p);
		p[0].type = MOOR_MYSQL_TYPE_LONGLONG;
		p[0].i = 41;
		p[1].type = MOOR_MYSQL_TYPE_DOUBLE;
		p[1].d = 0.5;
		p[2].type = MOOR_MYSQL_TYPE_LONG;
		p[2].i = 2;
		st = moor_mysql_stmt_execute(&m, &s, p, 3, T);
		if (st == MOOR_OK)
			st = collect_reply(NULL);
		check(st == MOOR_OK && strcmp(out, "1|a|42|0.5;2|z|42|0.5;") == 0,
			"execute select: binary rows", "st %ld", st, 0);
		printf("  got %s\n", out);
		p[2].i = 0;
		st = moor_mysql_stmt_execute(&m, &s, p, 3, T);
		if (st == MOOR_OK)
			st = collect_reply(NULL);
		check(st == MOOR_OK && strcmp(out, "") == 0, "execute again: no rows", "st %ld", st, 0);
		CHECK_ST(moor_mysql_stmt_reset(&m, &s, T), MOOR_OK, "COM_STMT_RESET");
		CHECK_ST(moor_mysql_stmt_close(&m, &s, T), MOOR_OK, "COM_STMT_CLOSE 2");
		s.id = 12345;
		st = moor_mysql_stmt_execute(&m, &s, p, 3, T);
		if (st == MOOR_OK)
			st = collect_reply(NULL);
		expect_err("execute unknown statement 1243", st, 1243, "HY000");
		st = moor_mysql_stmt_prepare(&m, &s, "SELEC ?", 7, T);
		expect_err("prepare syntax error", st, 1064, "42000");
	}
	/* queries of 16 MiB - 1 bytes and more: split into packets, and the
	 * empty packet after a full one */
	{
		static char bigq[17u << 20];
		static const size_t sizes[2] = { 0xffffffu - 1u, (17u << 20) - 1u };
		size_t i;

		for (i = 0; i < 2; i++) {
			size_t n = sizes[i], fill = n - 16 - 2;
			char want[32];

			memcpy(bigq, "SELECT LENGTH('", 15);
			memset(bigq + 15, 'a', fill + 1);
			memcpy(bigq + n - 2, "')", 2);
			snprintf(want, sizeof want, "%lu;", (unsigned long)(n - 17));
			st = moor_mysql_query(&m, bigq, n, T);
			if (st == MOOR_OK)
				st = collect_reply(NULL);
			check(st == MOOR_OK && strcmp(out, want) == 0,
				i == 0 ? "query of exactly 16 MiB - 1 payload bytes" : "query of 17 MiB",
				"status, payload", st, (long)(n + 1));
		}
	}
	/* CALL through a prepared statement: multi-results in binary */
	{
		static uint8_t types[4];
		moor_mysql_stmt s = { 0, 0, 0, types, sizeof types };

		st = moor_mysql_stmt_prepare(&m, &s, "CALL t.two()", 12, T);
		if (st == MOOR_OK)
			st = moor_mysql_stmt_execute(&m, &s, NULL, 0, T);
		if (st == MOOR_OK)
			st = collect_reply(NULL);
		check(st == MOOR_OK && strcmp(out, "1;#2;#OK0") == 0, "prepared CALL: two binary results",
			"status", st, 0);
		printf("  got %s\n", out);
		moor_mysql_stmt_close(&m, &s, T);
	}
	CHECK_ST(moor_mysql_ping(&m, T), MOOR_OK, "ping at the end");
	moor_mysql_close(&m);
	CHECK_ST(moor_mysql_ping(&m, T), MOOR_ERR_NOT_CONNECTED, "closed: not connected");

	/* small receive buffer: long values in chunks */
	base_cfg("moor", "moorpw");
	st = open_with(MOOR_MYSQL_RX_MIN);
	CHECK_ST(st, MOOR_OK, "login with a 256-byte receive buffer");
	if (st == MOOR_OK) {
		moor_mysql_event ev;
		size_t total = 0, chunks = 0, xs = 0, i;

		st = moor_mysql_query(&m, "SELECT REPEAT('x', 5000), 'end'", strlen("SELECT REPEAT('x', 5000), 'end'"), T);
		outn = 0;
		while (st == MOOR_OK && moor_mysql_busy(&m)) {
			st = moor_mysql_poll(&m, &ev, T);
			if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_VALUE && ev.value.col == 0) {
				chunks += ev.value.kind == MOOR_MYSQL_EV_CHUNK;
				total += ev.value.len;
				for (i = 0; i < ev.value.len; i++)
					xs += ev.value.ptr[i] == 'x';
			}
			if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_VALUE && ev.value.col == 1)
				put(ev.value.ptr, ev.value.len);
		}
		check(st == MOOR_OK && total == 5000 && xs == 5000 && chunks > 1 && strcmp(out, "end") == 0,
			"5000-byte value in chunks", "total %ld chunks %ld", (long)total, (long)chunks);
		expect_rows("  a 300000-byte blob through 256 bytes",
			"SELECT LENGTH(b), MD5(b) = MD5(REPEAT('q', 300000)) FROM t.k WHERE v = 'long'", "300000|1;");
		{
			static uint8_t types[2];
			moor_mysql_stmt s = { 0, 0, 0, types, sizeof types };
			const char *q = "SELECT b, 'after' FROM t.k WHERE v = 'long'";
			size_t qs = 0;

			total = 0;
			chunks = 0;

			st = moor_mysql_stmt_prepare(&m, &s, q, strlen(q), T);
			if (st == MOOR_OK)
				st = moor_mysql_stmt_execute(&m, &s, NULL, 0, T);
			outn = 0;
			while (st == MOOR_OK && moor_mysql_busy(&m)) {
				st = moor_mysql_poll(&m, &ev, T);
				if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_VALUE && ev.value.col == 0) {
					chunks += ev.value.kind == MOOR_MYSQL_EV_CHUNK;
					total += ev.value.len;
					for (i = 0; i < ev.value.len; i++)
						qs += ev.value.ptr[i] == 'q';
				}
				if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_VALUE && ev.value.col == 1)
					put(ev.value.ptr, ev.value.len);
			}
			check(st == MOOR_OK && total == 300000 && qs == 300000 && chunks > 100
				&& strcmp(out, "after") == 0, "  binary row: a 300000-byte blob in chunks",
				"total, chunks", (long)total, (long)chunks);
		}
		moor_mysql_close(&m);
	}

	/* without DEPRECATE_EOF: EOF packets */
	base_cfg("moor", "moorpw");
	cfg.caps_off = MOOR_MYSQL_CLIENT_DEPRECATE_EOF;
	cfg.caps = MOOR_MYSQL_CLIENT_MULTI_STATEMENTS;
	st = open_cfg();
	CHECK_ST(st, MOOR_OK, "login without DEPRECATE_EOF");
	if (st == MOOR_OK) {
		check((moor_mysql_caps(&m) & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) == 0, "  not negotiated",
			"%ld%ld", 0, 0);
		expect_rows("  rows with EOF packets", "SELECT id, v FROM t.k ORDER BY id LIMIT 2; SELECT 3",
			"1|a;2|z;#3;");
		{
			static uint8_t types[4];
			moor_mysql_stmt s = { 0, 0, 0, types, sizeof types };
			moor_mysql_param p;

			memset(&p, 0, sizeof p);
			p.type = MOOR_MYSQL_TYPE_LONG;
			p.i = 1;
			st = moor_mysql_stmt_prepare(&m, &s, "SELECT v FROM t.k WHERE id = ?", strlen("SELECT v FROM t.k WHERE id = ?"), T);
			if (st == MOOR_OK)
				st = moor_mysql_stmt_execute(&m, &s, &p, 1, T);
			if (st == MOOR_OK)
				st = collect_reply(NULL);
			check(st == MOOR_OK && strcmp(out, "a;") == 0, "  prepared statement with EOF packets",
				"st %ld", st, 0);
		}
		moor_mysql_close(&m);
	}
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	const char *c;

	if (argc < 4) {
		fprintf(stderr, "usage: %s PKIDIR PORT CASE [TLSVERSION]\n", argv[0]);
		return 2;
	}
	snprintf(pki, sizeof pki, "%s", argv[1]);
	port = (uint16_t)atoi(argv[2]);
	c = argv[3];
	plat = moor_posix_platform(0);
	setup_pki();
	printf("sizeof(moor_mysql) = %zu, sizeof(moor_tls) = %zu\n", sizeof(moor_mysql), sizeof(moor_tls));

	if (strcmp(c, "mariadb") == 0) {
		mariadb_queries(argc > 4 ? argv[4] : "1.3");
		mariadb_logins();
	} else if (strcmp(c, "notls") == 0) {
		base_cfg("moor", "moorpw");
		cfg.ssl_mode = MOOR_SSL_REQUIRE;
		login_expect("REQUIRED against a server without TLS", MOOR_ERR_MYSQL_NO_TLS, 0);
		base_cfg("moor", "moorpw");
		login_expect("VERIFY_IDENTITY against a server without TLS", MOOR_ERR_MYSQL_NO_TLS, 0);
		base_cfg("moor", "moorpw");
		cfg.ssl_mode = MOOR_SSL_DISABLE;
		cfg.tls_session = NULL;
		cfg.tls_buf = NULL;
		if (open_cfg() == MOOR_OK) {
			printf("ok DISABLED: plaintext login\n");
			check(moor_mysql_tls_info(&m) == NULL, "  no TLS", "%ld%ld", 0, 0);
			expect_rows("  query in plaintext", "SELECT 40 + 2", "42;");
			moor_mysql_close(&m);
		} else {
			check(0, "DISABLED: plaintext login", "%ld%ld", 0, 0);
		}
	} else if (strcmp(c, "sha2") == 0) {
		base_cfg("app", "s3cret");
		cfg.ssl_mode = MOOR_SSL_DISABLE;
		login_expect("caching_sha2 full auth without TLS or key refused",
			MOOR_ERR_MYSQL_INSECURE_AUTH, 0);
		base_cfg("app", "s3cret");
		cfg.ssl_mode = MOOR_SSL_DISABLE;
		cfg.get_server_public_key = 1;
		login_expect("caching_sha2 full auth with RSA (key requested)", MOOR_OK, 0);
		base_cfg("app", "s3cret");
		cfg.ssl_mode = MOOR_SSL_DISABLE;
		login_expect("caching_sha2 fast path", MOOR_OK, 0);
		base_cfg("app", "wrong");
		cfg.ssl_mode = MOOR_SSL_DISABLE;
		login_expect("caching_sha2 wrong password", MOOR_ERR_MYSQL_SERVER, 1045);
		base_cfg("app", "s3cret");
		login_expect("VERIFY_IDENTITY against the server without TLS", MOOR_ERR_MYSQL_NO_TLS, 0);
	} else if (strcmp(c, "sha2tls") == 0) {
		base_cfg("app", "s3cret");
		login_expect("caching_sha2 full auth: cleartext inside TLS", MOOR_OK, 0);
		base_cfg("app", "s3cret");
		login_expect("caching_sha2 fast path over TLS", MOOR_OK, 0);
	} else {
		fprintf(stderr, "unknown case %s\n", c);
		return 2;
	}
	printf("%s: %d failure(s)\n", c, failures);
	return failures ? 1 : 0;
}
