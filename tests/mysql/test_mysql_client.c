/*
 * The MySQL client against a scripted server in memory: what a real
 * server does not do on request. The fake transport hands the client the
 * script's bytes (one byte per recv() and "would block" every other call
 * when `trickle` is set), keeps what the client sends, and never sleeps.
 *
 *   - a login and a query delivered byte by byte (every split);
 *   - mysql_clear_password refused outside TLS (and the password never
 *     sent), a switch to a plugin moor lacks, an ERR as greeting;
 *   - bad input closes the connection with a documented, sticky status:
 *     a wrong sequence id, LOCAL INFILE, a malformed column count, a
 *     server that closes, a server that never answers (timeout);
 *   - a server ERR leaves the connection usable.
 */
#include <stdio.h>
#include <string.h>

#include "moor/mysql.h"
#include "moor/posix.h"
#include "testlib.h"

/* ------------------------------------------------------------------ */
/* The scripted transport. */

typedef struct {
	moor_transport base;
	uint8_t in[4096];
	size_t in_len, in_off;
	uint8_t sent[8192];
	size_t sent_len;
	int trickle, flip, closed_at_end, closed;
} fake;

static int f_send(moor_transport *t, const uint8_t *d, size_t n)
{
	fake *f = (fake *)t;

	if (f->closed)
		return MOOR_ERR_NOT_CONNECTED;
	if (f->sent_len + n <= sizeof f->sent) {
		memcpy(f->sent + f->sent_len, d, n);
		f->sent_len += n;
	}
	return (int)n;
}

static int f_recv(moor_transport *t, uint8_t *b, size_t n)
{
	fake *f = (fake *)t;
	size_t k;

	if (f->closed)
		return MOOR_ERR_NOT_CONNECTED;
	if (f->in_off == f->in_len)
		return f->closed_at_end ? MOOR_ERR_CLOSED : 0;
	if (f->trickle && (f->flip ^= 1))
		return 0;
	k = f->in_len - f->in_off;
	if (f->trickle)
		k = 1;
	if (k > n)
		k = n;
	memcpy(b, f->in + f->in_off, k);
	f->in_off += k;
	return (int)k;
}

static int f_flush(moor_transport *t)
{
	(void)t;
	return 0;
}

static int f_wait(moor_transport *t, unsigned ev, uint32_t ms)
{
	fake *f = (fake *)t;

	(void)ms;
	if (ev & MOOR_IO_WRITE)
		return MOOR_IO_WRITE;
	return (f->in_off < f->in_len || f->closed_at_end) ? (int)MOOR_IO_READ : 0;
}

static void f_close(moor_transport *t)
{
	((fake *)t)->closed = 1;
}

static const moor_transport_class fake_class = { f_send, f_recv, f_flush, f_wait, f_close };

static fake srv;

static int fake_connect(void *ctx, moor_transport **t, uint32_t ms)
{
	(void)ctx;
	(void)ms;
	srv.base.vtable = &fake_class;
	srv.closed = 0;
	*t = &srv.base;
	return MOOR_OK;
}

/* Append a packet to the script. */
static void pkt(uint8_t seq, const void *p, size_t n)
{
	moor_mysql_put_header(srv.in + srv.in_len, (uint32_t)n, seq);
	memcpy(srv.in + srv.in_len + 4, p, n);
	srv.in_len += 4 + n;
}

static void script_reset(int trickle)
{
	memset(&srv, 0, sizeof srv);
	srv.trickle = trickle;
}

/* HandshakeV10 offering everything moor wants (no SSL), with `plugin`. */
static void greeting(const char *plugin)
{
	uint8_t b[128];
	size_t n = 0, pl = strlen(plugin);
	uint32_t caps = MOOR_MYSQL_CLIENT_DEFAULT | MOOR_MYSQL_CLIENT_CONNECT_WITH_DB;
	static const char nonce[] = "abcdefghijklmnopqrst";

	b[n++] = 10;
	memcpy(b + n, "8.0.36-fake", 12);
	n += 12;
	memcpy(b + n, "\x07\x00\x00\x00", 4);
	n += 4;
	memcpy(b + n, nonce, 8);
	n += 8;
	b[n++] = 0;
	b[n++] = (uint8_t)caps;
	b[n++] = (uint8_t)(caps >> 8);
	b[n++] = 45;
	b[n++] = 2;
	b[n++] = 0;
	b[n++] = (uint8_t)(caps >> 16);
	b[n++] = (uint8_t)(caps >> 24);
	b[n++] = 21;
	memset(b + n, 0, 10);
	n += 10;
	memcpy(b + n, nonce + 8, 12);
	n += 12;
	b[n++] = 0;
	memcpy(b + n, plugin, pl + 1);
	n += pl + 1;
	pkt(0, b, n);
}

static const uint8_t ok_pkt[] = { 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00 };

/* ------------------------------------------------------------------ */

static const char *pinned_pem;
static size_t pinned_len;
static const char test_pem[] =
"-----BEGIN PUBLIC KEY-----\n"
"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyjFBJHBqRSaInGaTGD7t\n"
"aeRMBl38gZFOcCwIY/IC5wjDB8zwcNlWt0Scos2lSEDbfVF4U0pUmlHyJ2v9Zd0F\n"
"x7NCizp3FN35tdyqigQpzExsX7kuag40aDbxgLi4FUVGeMRQQRVlzIjnYiOEPdsU\n"
"TDwLH0FXMeR0UIysbSZol05lI0UWJJndas9x1yLsJYOxia0Iz2ePauyAqY4eUZLD\n"
"h2GDFVZYawoLtthjnUilhTsFLYWJjYdOJxACdyVLOLWh3xXjqjhCzzBAZ/dI9aRf\n"
"Go5iK/tcmP5ol6bFwT7OT/94Uml+D29dx8v9eYAWm4ZVuB7JmVf7CELmnKsv5qLF\n"
"2wIDAQAB\n"
"-----END PUBLIC KEY-----\n";

static moor_mysql m;
static moor_mysql_config cfg;
static uint8_t rx[512], tx[1200];
static size_t txcap = 512;

static int connect_now(void)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.connect = fake_connect;
	cfg.ssl_mode = MOOR_SSL_DISABLE;
	cfg.user = "u";
	cfg.password = "sekrit";
	cfg.server_rsa_pem = pinned_pem;
	cfg.server_rsa_pem_len = pinned_len;
	MOOR_CHECK_INT(moor_mysql_init(&m, &cfg, moor_posix_platform(0), rx, sizeof rx, tx, txcap),
		MOOR_OK);
	return moor_mysql_connect(&m, 2000);
}

static int sent_contains(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= srv.sent_len; i++)
		if (memcmp(srv.sent + i, s, n) == 0)
			return 1;
	return 0;
}

static void test_login_and_query(int trickle)
{
	static const uint8_t ncol[] = { 1 };
	static const uint8_t coldef[] = { 3, 'd', 'e', 'f', 0, 0, 0, 1, 'c', 0, 0x0c, 45, 0,
		10, 0, 0, 0, 0xfd, 0, 0, 0, 0, 0 };
	static const uint8_t row1[] = { 2, 'h', 'i' };
	static const uint8_t row2[] = { 0xfb };
	static const uint8_t eof[] = { 0xfe, 0, 0, 0x02, 0, 0, 0 };
	moor_mysql_event ev;
	int st, i;

	script_reset(trickle);
	greeting("mysql_native_password");
	pkt(2, ok_pkt, sizeof ok_pkt);
	pkt(1, ncol, sizeof ncol);
	pkt(2, coldef, sizeof coldef);
	pkt(3, row1, sizeof row1);
	pkt(4, row2, sizeof row2);
	pkt(5, eof, sizeof eof);
	MOOR_CHECK_INT(connect_now(), MOOR_OK);
	MOOR_CHECK_STR(moor_mysql_server_version(&m), "8.0.36-fake");
	MOOR_CHECK(sent_contains("mysql_native_password"));
	MOOR_CHECK(!sent_contains("sekrit"));
	MOOR_CHECK_INT(moor_mysql_query(&m, "SELECT c", 8, 1000), MOOR_OK);
	MOOR_CHECK(sent_contains("\x03SELECT c"));
	MOOR_CHECK_INT(moor_mysql_query(&m, "SELECT c", 8, 1000), MOOR_ERR_STATE);
	for (i = 0; moor_mysql_busy(&m) && i < 10; i++) {
		st = moor_mysql_poll(&m, &ev, 1000);
		MOOR_CHECK_INT(st, MOOR_OK);
		if (st != MOOR_OK)
			break;
		switch (i) {
		case 0:
			MOOR_CHECK_INT(ev.type, MOOR_MYSQL_E_RESULT);
			MOOR_CHECK_INT(ev.ncols, 1);
			break;
		case 1:
			MOOR_CHECK_INT(ev.type, MOOR_MYSQL_E_COLUMN);
			MOOR_CHECK(ev.column.name.len == 1 && ev.column.name.ptr[0] == 'c');
			break;
		case 2:
			MOOR_CHECK_INT(ev.type, MOOR_MYSQL_E_VALUE);
			MOOR_CHECK(ev.value.len == 2 && memcmp(ev.value.ptr, "hi", 2) == 0);
			MOOR_CHECK(ev.value.flags & MOOR_MYSQL_V_ROW_DONE);
			break;
		case 3:
			MOOR_CHECK_INT(ev.type, MOOR_MYSQL_E_VALUE);
			MOOR_CHECK(ev.value.flags & MOOR_MYSQL_V_NULL);
			MOOR_CHECK_INT(ev.rows, 1);
			break;
		case 4:
			MOOR_CHECK_INT(ev.type, MOOR_MYSQL_E_END);
			MOOR_CHECK_INT(ev.rows, 2);
			MOOR_CHECK_INT(ev.more, 0);
			break;
		default:
			MOOR_CHECK(0);
		}
	}
	MOOR_CHECK_INT(i, 5);
	MOOR_CHECK(moor_mysql_connected(&m));
	moor_mysql_close(&m);
	MOOR_CHECK(srv.closed);
	MOOR_CHECK_INT(moor_mysql_ping(&m, 100), MOOR_ERR_NOT_CONNECTED);
}

static void test_auth_refusals(void)
{
	static const uint8_t sw_clear[] = "\xfe" "mysql_clear_password\0";
	static const uint8_t sw_sha256[] = "\xfe" "sha256_password\0" "abcdefghijklmnopqrst";
	static const uint8_t host_err[] = "\xff\x6a\x04" "Host '10.0.0.1' is not allowed to connect";

	/* a switch to cleartext outside TLS: refused, password never sent */
	script_reset(0);
	greeting("mysql_native_password");
	pkt(2, sw_clear, sizeof sw_clear - 1);
	MOOR_CHECK_INT(connect_now(), MOOR_ERR_MYSQL_INSECURE_AUTH);
	MOOR_CHECK(!sent_contains("sekrit"));
	MOOR_CHECK(srv.closed);
	MOOR_CHECK(!moor_mysql_connected(&m));

	/* the server's own default plugin is cleartext: answered with native */
	script_reset(0);
	greeting("mysql_clear_password");
	pkt(2, sw_clear, sizeof sw_clear - 1);
	MOOR_CHECK_INT(connect_now(), MOOR_ERR_MYSQL_INSECURE_AUTH);
	MOOR_CHECK(!sent_contains("sekrit"));
	MOOR_CHECK(sent_contains("mysql_native_password"));

	/* a switch to a plugin moor has: answered with the new nonce */
	{
		static const uint8_t sw_native[] = "\xfe" "mysql_native_password\0" "ZYXWVUTSRQPONMLKJIHG\0";
		static const uint8_t sw_sha2[] = "\xfe" "caching_sha2_password\0" "ZYXWVUTSRQPONMLKJIHG\0";
		static const uint8_t fast[] = { 0x01, 0x03 };
		uint8_t want[4 + 32];
		size_t wl;

		script_reset(1);
		greeting("client_ed25519");
		pkt(2, sw_native, sizeof sw_native - 1);
		pkt(4, ok_pkt, sizeof ok_pkt);
		MOOR_CHECK_INT(connect_now(), MOOR_OK);
		MOOR_CHECK_INT(moor_mysql_auth_native("sekrit", 6, (const uint8_t *)"ZYXWVUTSRQPONMLKJIHG",
			20, want + 4, &wl), MOOR_OK);
		moor_mysql_put_header(want, (uint32_t)wl, 3);
		MOOR_CHECK(srv.sent_len >= 24 && memcmp(srv.sent + srv.sent_len - 24, want, 24) == 0);
		moor_mysql_close(&m);

		script_reset(0);
		greeting("mysql_native_password");
		pkt(2, sw_sha2, sizeof sw_sha2 - 1);
		pkt(4, fast, sizeof fast);
		pkt(5, ok_pkt, sizeof ok_pkt);
		MOOR_CHECK_INT(connect_now(), MOOR_OK);
		MOOR_CHECK_INT(moor_mysql_auth_sha2("sekrit", 6, (const uint8_t *)"ZYXWVUTSRQPONMLKJIHG",
			20, want + 4, &wl), MOOR_OK);
		moor_mysql_put_header(want, (uint32_t)wl, 3);
		MOOR_CHECK(srv.sent_len >= 36 && memcmp(srv.sent + srv.sent_len - 36, want, 36) == 0);
		moor_mysql_close(&m);

		/* a second switch is out of order */
		script_reset(0);
		greeting("mysql_native_password");
		pkt(2, sw_native, sizeof sw_native - 1);
		pkt(4, sw_native, sizeof sw_native - 1);
		MOOR_CHECK_INT(connect_now(), MOOR_ERR_MYSQL_AUTH);
	}

	/* a plugin moor lacks */
	script_reset(1);
	greeting("mysql_native_password");
	pkt(2, sw_sha256, sizeof sw_sha256 - 1);
	MOOR_CHECK_INT(connect_now(), MOOR_ERR_MYSQL_AUTH_PLUGIN);
	MOOR_CHECK(strstr(moor_mysql_last_error(&m)->message, "sha256_password") != NULL);

	/* an ERR instead of a greeting */
	script_reset(0);
	pkt(0, host_err, sizeof host_err - 1);
	MOOR_CHECK_INT(connect_now(), MOOR_ERR_MYSQL_SERVER);
	MOOR_CHECK_INT(moor_mysql_last_error(&m)->code, 1130);
	MOOR_CHECK_STR(moor_mysql_last_error(&m)->message, "Host '10.0.0.1' is not allowed to connect");

	/* caching_sha2 full auth in plaintext without a key: refused */
	{
		static const uint8_t full[] = { 0x01, 0x04 };

		script_reset(0);
		greeting("caching_sha2_password");
		pkt(2, full, sizeof full);
		MOOR_CHECK_INT(connect_now(), MOOR_ERR_MYSQL_INSECURE_AUTH);
		MOOR_CHECK(sent_contains("caching_sha2_password"));
		MOOR_CHECK(!sent_contains("sekrit"));
	}
	/* ... with a pinned server key: RSA-OAEP, 256 bytes for RSA-2048,
	 * never the password in clear; the transmit buffer must hold it */
	{
		static const uint8_t full[] = { 0x01, 0x04 };
		static const uint8_t rsa_hdr[] = { 0x00, 0x01, 0x00, 0x03 };
		size_t i;
		int found = 0;

		pinned_pem = test_pem;
		pinned_len = sizeof test_pem - 1;
		script_reset(0);
		greeting("caching_sha2_password");
		pkt(2, full, sizeof full);
		pkt(4, ok_pkt, sizeof ok_pkt);
		MOOR_CHECK_INT(connect_now(), MOOR_ERR_BUFFER_TOO_SMALL);
		txcap = MOOR_MYSQL_TX_RSA;
		script_reset(1);
		greeting("caching_sha2_password");
		pkt(2, full, sizeof full);
		pkt(4, ok_pkt, sizeof ok_pkt);
		MOOR_CHECK_INT(connect_now(), MOOR_OK);
		for (i = 0; i + 4 + 256 <= srv.sent_len; i++)
			if (memcmp(srv.sent + i, rsa_hdr, 4) == 0 && i + 4 + 256 == srv.sent_len)
				found = 1;
		MOOR_CHECK(found);
		MOOR_CHECK(!sent_contains("sekrit"));
		moor_mysql_close(&m);
		pinned_pem = NULL;
		pinned_len = 0;
		txcap = 512;
	}
	/* a server that closes during the login */
	script_reset(0);
	greeting("mysql_native_password");
	srv.closed_at_end = 1;
	MOOR_CHECK_INT(connect_now(), MOOR_ERR_CLOSED);
	/* a server that never answers: timeout */
	script_reset(0);
	greeting("mysql_native_password");
	memset(&cfg, 0, sizeof cfg);
	cfg.connect = fake_connect;
	cfg.ssl_mode = MOOR_SSL_DISABLE;
	MOOR_CHECK_INT(moor_mysql_init(&m, &cfg, moor_posix_platform(0), rx, sizeof rx, tx, sizeof tx),
		MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_connect(&m, 50), MOOR_ERR_TIMEOUT);
}

/* Log in, queue `reply` packets (ids from 1) for one query, run it. */
static int query_with_reply(const uint8_t *const *p, const size_t *n, size_t k)
{
	moor_mysql_event ev;
	size_t i;
	int st;

	script_reset(0);
	greeting("mysql_native_password");
	pkt(2, ok_pkt, sizeof ok_pkt);
	for (i = 0; i < k; i++)
		pkt((uint8_t)(1 + i), p[i], n[i]);
	st = connect_now();
	MOOR_CHECK_INT(st, MOOR_OK);
	if (st != MOOR_OK)
		return st;
	st = moor_mysql_query(&m, "X", 1, 200);
	while (st == MOOR_OK && moor_mysql_busy(&m))
		st = moor_mysql_poll(&m, &ev, 200);
	return st;
}

static void test_bad_replies(void)
{
	static const uint8_t infile[] = "\xfb/etc/passwd";
	static const uint8_t badcount[] = { 0xfc, 0x01 };
	static const uint8_t err1064[] = "\xff\x28\x04#42000syntax";
	const uint8_t *p[1];
	size_t n[1];
	int st;

	p[0] = infile;
	n[0] = sizeof infile - 1;
	MOOR_CHECK_INT(query_with_reply(p, n, 1), MOOR_ERR_MYSQL_PROTOCOL);
	MOOR_CHECK(!moor_mysql_connected(&m));
	MOOR_CHECK(srv.closed);
	MOOR_CHECK_INT(moor_mysql_ping(&m, 100), MOOR_ERR_MYSQL_PROTOCOL);   /* sticky */

	p[0] = badcount;
	n[0] = sizeof badcount;
	MOOR_CHECK_INT(query_with_reply(p, n, 1), MOOR_ERR_MYSQL_MALFORMED);
	MOOR_CHECK(!moor_mysql_connected(&m));

	/* a wrong sequence id: the OK carries 5 instead of 1 */
	script_reset(0);
	greeting("mysql_native_password");
	pkt(2, ok_pkt, sizeof ok_pkt);
	pkt(5, ok_pkt, sizeof ok_pkt);
	MOOR_CHECK_INT(connect_now(), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_ping(&m, 200), MOOR_ERR_MYSQL_SEQUENCE);
	MOOR_CHECK(!moor_mysql_connected(&m));

	/* no reply at all: timeout, connection closed */
	MOOR_CHECK_INT(query_with_reply(p, n, 0), MOOR_ERR_TIMEOUT);
	MOOR_CHECK(!moor_mysql_connected(&m));

	/* a server ERR: the connection stays, the ERR is kept */
	p[0] = err1064;
	n[0] = sizeof err1064 - 1;
	st = query_with_reply(p, n, 1);
	MOOR_CHECK_INT(st, MOOR_ERR_MYSQL_SERVER);
	MOOR_CHECK(moor_mysql_connected(&m));
	MOOR_CHECK_INT(moor_mysql_last_error(&m)->code, 1064);
	MOOR_CHECK_STR(moor_mysql_last_error(&m)->sqlstate, "42000");
	MOOR_CHECK_STR(moor_mysql_last_error(&m)->message, "syntax");
	MOOR_CHECK(!moor_mysql_busy(&m));
}

static void test_args(void)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.connect = fake_connect;
	/* TLS wanted (the default) but no session */
	MOOR_CHECK_INT(moor_mysql_init(&m, &cfg, moor_posix_platform(0), rx, sizeof rx, tx, sizeof tx),
		MOOR_ERR_INVALID_ARG);
	cfg.ssl_mode = MOOR_SSL_DISABLE;
	MOOR_CHECK_INT(moor_mysql_init(&m, &cfg, moor_posix_platform(0), rx, 100, tx, sizeof tx),
		MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(moor_mysql_init(&m, &cfg, moor_posix_platform(0), rx, sizeof rx, tx, sizeof tx),
		MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_ping(&m, 10), MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK(!moor_mysql_busy(&m));
	MOOR_CHECK_STR(moor_status_name(MOOR_ERR_MYSQL_INSECURE_AUTH), "MOOR_ERR_MYSQL_INSECURE_AUTH");
	MOOR_CHECK_STR(moor_status_name(MOOR_ERR_MYSQL_SERVER), "MOOR_ERR_MYSQL_SERVER");
}

/*
 * Every cut and every corrupted byte of a login + query + prepared
 * statement script: the client must end with OK or a negative status,
 * never hang (the fake never sleeps: a hang would spin until the
 * deadline, which is short), never read out of bounds (ASan, valgrind),
 * and after any failure the connection is closed.
 */
static void build_full_script(void)
{
	static const uint8_t ncol[] = { 1 };
	static const uint8_t coldef[] = { 3, 'd', 'e', 'f', 0, 0, 0, 1, 'c', 0, 0x0c, 45, 0,
		10, 0, 0, 0, 0x08, 0, 0, 0, 0, 0 };
	static const uint8_t row[] = { 2, '4', '2' };
	static const uint8_t eof[] = { 0xfe, 0, 0, 0x02, 0, 0, 0 };
	static const uint8_t prep[] = { 0x00, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t brow[] = { 0x00, 0x00, 42, 0, 0, 0, 0, 0, 0, 0 };

	script_reset(0);
	greeting("mysql_native_password");
	pkt(2, ok_pkt, sizeof ok_pkt);
	pkt(1, ncol, sizeof ncol);             /* COM_QUERY */
	pkt(2, coldef, sizeof coldef);
	pkt(3, row, sizeof row);
	pkt(4, eof, sizeof eof);
	pkt(1, prep, sizeof prep);             /* COM_STMT_PREPARE: 1 column */
	pkt(2, coldef, sizeof coldef);
	pkt(1, ncol, sizeof ncol);             /* COM_STMT_EXECUTE */
	pkt(2, coldef, sizeof coldef);
	pkt(3, brow, sizeof brow);
	pkt(4, eof, sizeof eof);
}

static int64_t last_value;
static uint8_t types[2];

static int run_full_script(void)
{
	moor_mysql_stmt s = { 0, 0, 0, types, sizeof types };
	moor_mysql_event ev;
	int st = connect_now();

	if (st == MOOR_OK)
		st = moor_mysql_query(&m, "SELECT 42", 9, 100);
	while (st == MOOR_OK && moor_mysql_busy(&m))
		st = moor_mysql_poll(&m, &ev, 100);
	if (st == MOOR_OK)
		st = moor_mysql_stmt_prepare(&m, &s, "SELECT 42", 9, 100);
	if (st == MOOR_OK)
		st = moor_mysql_stmt_execute(&m, &s, NULL, 0, 100);
	while (st == MOOR_OK && moor_mysql_busy(&m)) {
		st = moor_mysql_poll(&m, &ev, 100);
		if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_VALUE)
			last_value = ev.value.i;
	}
	return st;
}

static void test_cuts_and_flips(void)
{
	size_t full, k;
	unsigned bad = 0, ok = 0;

	build_full_script();
	full = srv.in_len;
	last_value = 0;
	MOOR_CHECK_INT(run_full_script(), MOOR_OK);
	MOOR_CHECK_INT(last_value, 42);                  /* the binary LONGLONG */
	MOOR_CHECK_INT(types[0], MOOR_MYSQL_TYPE_LONGLONG);
	moor_mysql_close(&m);
	for (k = 0; k < full; k++) {
		int st;

		build_full_script();
		srv.in_len = k;
		srv.closed_at_end = 1;
		st = run_full_script();
		if (st >= 0 || moor_mysql_connected(&m))
			bad++;
		moor_mysql_close(&m);
	}
	MOOR_CHECK_INT(bad, 0);
	for (k = 0; k < full; k++) {
		int st;

		build_full_script();
		srv.in[k] ^= 0x5a;
		srv.closed_at_end = 1;
		st = run_full_script();
		if (st == MOOR_OK)
			ok++;
		else if (st > 0 || (st < 0 && st != MOOR_ERR_MYSQL_SERVER && moor_mysql_connected(&m)))
			bad++;
		moor_mysql_close(&m);
	}
	MOOR_CHECK_INT(bad, 0);
	printf("cuts: %lu, flips: %lu (%u still succeeded)\n", (unsigned long)full,
		(unsigned long)full, ok);
}

int main(void)
{
	moor_test_heap_guard(1);
	test_args();
	test_login_and_query(0);
	test_login_and_query(1);
	test_auth_refusals();
	test_bad_replies();
	test_cuts_and_flips();
	return moor_test_done();
}
