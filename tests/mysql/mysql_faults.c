/*
 * Fault injection at every byte offset of a real MySQL session against
 * MariaDB over TLS (tests/mysql/mysql_faults.sh starts the server).
 *
 *   mysql_faults PKIDIR PORT TLSVERSION [--users native,cert] [--sample N]
 *                [--body-stride N] [--stall-step N] [--stall-ms N]
 *                [--slack-ms N] [--trace N]
 *
 * One session is: TCP connect, HandshakeV10, SSLRequest, the TLS
 * handshake (version pinned to TLSVERSION), the login (user `moor` with
 * mysql_native_password, or `certonly`, REQUIRE X509 with no password and
 * a client certificate; or, --users fallback, `moor` against a server
 * without TLS 1.3, so that the client falls back to TLS 1.2 on a second
 * connection), a COM_QUERY with a text result of three rows, a
 * prepared statement round trip (COM_STMT_PREPARE, COM_STMT_EXECUTE with
 * a binary row, COM_STMT_CLOSE), and COM_QUIT with close_notify
 * (moor_mysql_close). The client's TCP transport is a moor_fault over
 * moor_posix_tcp, so every byte of every layer passes the injector.
 *
 * 1. Two clean sessions per user count the bytes each way, where each
 *    phase and each TLS record starts (printed), and check that the
 *    sessions have the same shape.
 * 2. For every offset n of each direction: the transport fails after n
 *    bytes with MOOR_ERR_INJECTED, and again as a peer close
 *    (MOOR_ERR_CLOSED; on the receiving side once TLS is up the TLS
 *    layer must report MOOR_ERR_TLS_TRUNCATED: TCP ended without
 *    close_notify once the handshake is over, see want_status()). The call
 *    that meets the fault must return exactly
 *    that status (never MOOR_OK, never another one), the client must be
 *    closed with that status sticky (moor_mysql_connected() 0, the next
 *    call returns it), the run must not take long, no descriptor may be
 *    left open, and data delivered before the fault must be right.
 *    Offsets inside COM_QUIT / close_notify (moor_mysql_close() returns
 *    nothing) must leave every command OK, the client closed with
 *    MOOR_ERR_NOT_CONNECTED and nothing leaked; a fault at COM_QUIT's
 *    first byte must fire. (The close_notify after COM_QUIT often meets
 *    the reset of a server that closed on COM_QUIT, so the bytes sent
 *    after COM_QUIT vary.) A receiving fault after the last byte of the
 *    session may still fire when the TLS layer looks for input during a
 *    later send: then with exactly its status.
 * 3. Every `stall-step` offsets: a reset (MOOR_ERR_RESET), a stall (the
 *    peer stops sending: MOOR_ERR_TIMEOUT within stall-ms plus slack),
 *    and 1-byte reads and writes with the fault at that offset (exact
 *    status); and whole sessions with 1-byte reads, 1-byte writes and
 *    both, which must succeed with the right data.
 * 4. The connect hook itself failing (MOOR_ERR_INJECTED; with --users
 *    fallback also on the reconnect for TLS 1.2) and a refused TCP
 *    connect (MOOR_ERR_CONNECT).
 * 5. The server is still usable: a clean session per user at the end.
 *
 * --sample N: only N offsets per direction and user (evenly spread, plus
 * the first and last byte of every phase) for the per-offset loops, for
 * valgrind. --body-stride N: inside TLS record bodies only every N-th
 * offset (the first and last four bytes of each body always), for the
 * certificate user, whose session is long. --trace N: N clean sessions
 * with every transfer printed, nothing injected. Prints the number of
 * injected sessions. The heap guard is armed throughout: any malloc
 * aborts.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/mysql.h"
#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"
#include "testlib.h"

#define T_NORMAL 5000u        /* ms: every call of a session without stall */
#define MAX_RECORDS 256       /* TLS records mapped per direction */

/*
 * The server's bytes after the TLS 1.3 handshake are not the same length
 * in every session: OpenSSL's NewSessionTickets carry the session
 * encrypted with AES-CBC, whose padding moves them by 16 bytes now and
 * then (seen: 4803, 4819 and 4835 bytes received by identical sessions).
 * The last RECV_SLACK offsets of the receiving side may therefore lie
 * beyond a session's end: there a run may also succeed (or not time out).
 */
#define RECV_SLACK 32

/* ------------------------------------------------------------------ */
/* Phases of a session, in stream order. */

enum {
	P_HS10,       /* recv: HandshakeV10 */
	P_SSLREQ,     /* send: SSLRequest */
	P_TLS,        /* the TLS handshake */
	P_LOGIN,      /* HandshakeResponse41 .. OK (and TLS 1.3 tickets) */
	P_QUERY,      /* COM_QUERY and its text result set */
	P_PREPARE,    /* COM_STMT_PREPARE .. its definitions */
	P_EXECUTE,    /* COM_STMT_EXECUTE .. its binary result set */
	P_STMTCLOSE,  /* COM_STMT_CLOSE (no reply) */
	P_QUIT,       /* COM_QUIT + close_notify (moor_mysql_close) */
	P_COUNT
};

static const char *const phase_name[P_COUNT] = {
	"HandshakeV10", "SSLRequest", "TLS handshake", "login", "COM_QUERY",
	"COM_STMT_PREPARE", "COM_STMT_EXECUTE", "COM_STMT_CLOSE", "COM_QUIT"
};

enum { D_SEND, D_RECV };
static const char *const dir_name[2] = { "send", "recv" };

/* ------------------------------------------------------------------ */
/* Configuration and connection storage. */

static const moor_platform *plat;
static uint16_t port;
static uint16_t version = MOOR_TLS_1_3;
static char pki[512];

static moor_anchors anchors;
static br_x509_trust_anchor ta_slots[4];
static const char *name_slots[4];
static uint8_t anchor_work[16384];
static char ca_pem[16384];
static moor_credentials creds;
static uint8_t cred_work[16384];
static uint8_t cert_pem[8192], key_pem[8192];

static moor_tls tls;
static uint8_t tlsbuf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t rx[2048], tx[1024];
static moor_mysql m;
static moor_mysql_config cfg;
static moor_tls_config tcfg;

/* The connect hook's state: TCP, the fault transport over it, counters. */
typedef struct conn {
	uint16_t port;
	int hook_fail;             /* the hook returns this (0: connects) */
	int hook_fail_on;          /* ... on this connection of a connect */
	moor_fault_config fc;      /* faults of the target connection */
	int target;                /* which connection of a connect (1, 2: the
	                            * TLS 1.2 fallback's) is counted and gets
	                            * the faults; the others pass clean */
	moor_posix_tcp tcp;
	moor_fault fault;
	int connects;
	long sent, received;
	/* the driver's phase, refined by the observers */
	int phase;
	/* the clean run records here where each phase starts */
	int record;
	long first[2][P_COUNT];
	long hs_recv;              /* bytes received when the client last sent
	                            * a handshake byte */
	/* TLS records each way (clean run): where each starts, its length */
	struct recscan {
		long start[MAX_RECORDS], len[MAX_RECORDS];
		int n;
		uint8_t hdr[5];
		int hdr_len;
		long body_left;
	} rec[2];
} conn;

static conn cn;

static int cur_phase(const conn *c, int dir)
{
	if (c->phase != P_HS10)
		return c->phase;
	/* inside moor_mysql_connect(): the prelude, TLS, the login */
	if (moor_mysql_tls_info(&m) != NULL)
		return P_LOGIN;
	if (dir == D_RECV)
		return c->sent == 0 ? P_HS10 : P_TLS;
	return c->sent < 36 ? P_SSLREQ : P_TLS;   /* SSLRequest: 4 + 32 bytes */
}

static void mark(conn *c, int dir, long before, const uint8_t *d, size_t n)
{
	int p = cur_phase(c, dir);
	struct recscan *rs = &c->rec[dir];
	size_t i = 0;

	if (!c->record)
		return;
	if (c->first[dir][p] < 0)
		c->first[dir][p] = before;
	if (p == P_HS10 || p == P_SSLREQ)
		return;        /* MySQL packets in the clear */
	/* TLS records: a 5-byte header, then the body */
	while (i < n) {
		if (rs->body_left > 0) {
			size_t k = n - i < (size_t)rs->body_left ? n - i : (size_t)rs->body_left;

			rs->body_left -= (long)k;
			i += k;
			continue;
		}
		if (rs->hdr_len == 0 && rs->n < MAX_RECORDS)
			rs->start[rs->n] = before + (long)i;
		rs->hdr[rs->hdr_len++] = d[i++];
		if (rs->hdr_len == 5) {
			rs->body_left = ((long)rs->hdr[3] << 8) | rs->hdr[4];
			if (rs->n < MAX_RECORDS)
				rs->len[rs->n++] = rs->body_left;
			rs->hdr_len = 0;
		}
	}
}

static int trace;

static void on_send(void *ctx, const uint8_t *d, size_t n)
{
	conn *c = ctx;

	if (trace)
		printf("    send %zu @%ld [%d]\n", n, c->sent, cur_phase(c, D_SEND));
	mark(c, D_SEND, c->sent, d, n);
	if (cur_phase(c, D_SEND) == P_TLS)
		c->hs_recv = c->received;
	c->sent += (long)n;
}

static void on_recv(void *ctx, const uint8_t *d, size_t n)
{
	conn *c = ctx;

	if (trace)
		printf("    recv %zu @%ld [%d]\n", n, c->received, cur_phase(c, D_RECV));
	mark(c, D_RECV, c->received, d, n);
	c->received += (long)n;
}

static int hook_connect(void *ctx, moor_transport **t, uint32_t timeout_ms)
{
	conn *c = ctx;
	moor_fault_config fc = c->fc;
	int st;

	c->connects++;
	if (c->hook_fail != 0 && c->connects == c->hook_fail_on)
		return c->hook_fail;
	st = moor_posix_tcp_connect(&c->tcp, plat, "127.0.0.1", c->port, timeout_ms);
	if (st != MOOR_OK)
		return st;
	if (c->connects == c->target) {
		c->sent = c->received = 0;
		fc.on_send = on_send;
		fc.on_recv = on_recv;
		fc.observer_ctx = c;
	} else {
		moor_fault_config_default(&fc);
	}
	moor_fault_init(&c->fault, &c->tcp.base, &fc);
	*t = &c->fault.base;
	return MOOR_OK;
}

/* Descriptors open below 256 (fcntl: no allocation under the guard). */
static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 256; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	}
	return n;
}

/* The same from /proc/self/fd (opendir allocates: outside the guard). */
static int proc_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n - 1;    /* the directory's own descriptor */
}

static void load_pki(void)
{
	char path[700];
	long n, nc, nk;
	int st;

	snprintf(path, sizeof path, "%s/root.crt", pki);
	n = moor_test_read_file(path, ca_pem, sizeof ca_pem);
	st = n > 0 ? moor_anchors_from_pem(&anchors, ta_slots, name_slots, 4, anchor_work,
		sizeof anchor_work, ca_pem, (size_t)n) : MOOR_ERR_INVALID_ARG;
	if (st <= 0) {
		fprintf(stderr, "cannot load anchors from %s: %s\n", path, moor_status_name(st));
		exit(2);
	}
	/* the certificate-only user's client certificate: RSA-2048, by the
	 * root (an RSA signature has a fixed length, an ECDSA one does not:
	 * the offsets after CertificateVerify would move by a byte or two) */
	snprintf(path, sizeof path, "%s/client-rsa.crt", pki);
	nc = moor_test_read_file(path, cert_pem, sizeof cert_pem);
	snprintf(path, sizeof path, "%s/client-rsa.key", pki);
	nk = moor_test_read_file(path, key_pem, sizeof key_pem);
	st = nc > 0 && nk > 0 ? moor_credentials_load(&creds, cred_work, sizeof cred_work,
		cert_pem, (size_t)nc, key_pem, (size_t)nk) : MOOR_ERR_INVALID_ARG;
	if (st != MOOR_OK) {
		fprintf(stderr, "cannot load the client certificate: %s\n", moor_status_name(st));
		exit(2);
	}
}

/* ------------------------------------------------------------------ */
/* Users. */

/*
 * U_FB1, U_FB2: user moor against a server without TLS 1.3, the client
 * allowing TLS 1.2 and 1.3: the server refuses the TLS 1.3 ClientHello
 * (protocol_version alert), the client connects again and replays the
 * prelude for TLS 1.2 (client.c's tls_reconnect). The faults hit the
 * first connection (U_FB1: up to the alert; after it the fallback runs
 * clean) or the second one (U_FB2: the whole TLS 1.2 session).
 */
enum { U_NATIVE, U_CERT, U_FB1, U_FB2, U_COUNT };
static const char *const user_name[U_COUNT] = {
	"native", "cert", "fallback-conn1", "fallback-conn2"
};

static void setup(int user)
{
	memset(&cfg, 0, sizeof cfg);
	memset(&tcfg, 0, sizeof tcfg);
	tcfg.server_name = "localhost";
	tcfg.anchors = &anchors;
	tcfg.version_min = tcfg.version_max = version;
	cn.target = 1;
	if (user == U_FB1 || user == U_FB2) {
		tcfg.version_min = MOOR_TLS_1_2;
		tcfg.version_max = MOOR_TLS_1_3;
		cn.target = user == U_FB1 ? 1 : 2;
	}
	cfg.connect = hook_connect;
	cfg.conn_ctx = &cn;
	cfg.tls = &tcfg;
	cfg.tls_session = &tls;
	cfg.tls_buf = tlsbuf;
	cfg.tls_buf_len = sizeof tlsbuf;
	cfg.program_name = "mysql_faults";
	if (user != U_CERT) {
		cfg.user = "moor";
		cfg.password = "moorpw";
	} else {
		cfg.user = "certonly";
		cfg.password = NULL;
		tcfg.client = &creds;
	}
	MOOR_CHECK_INT(moor_mysql_init(&m, &cfg, plat, rx, sizeof rx, tx, sizeof tx), MOOR_OK);
}

/* ------------------------------------------------------------------ */
/* One session. */

static const char q_text[] =
	"SELECT 1 AS id, 'a' AS name UNION ALL SELECT 2, 'bb' UNION ALL SELECT 3, 'ccc'";
static const char want_text[] = "1|a;2|bb;3|ccc;";
static const char q_stmt[] = "SELECT ? + 1 AS n, CONCAT('v', ?) AS s";
static const char want_stmt[] = "42|vxy;";

typedef struct run_result {
	int st;           /* the first status other than MOOR_OK */
	int phase;        /* the driver's phase when it came */
	int bad_data;     /* values delivered before it were wrong */
	int sticky;       /* moor_mysql_ping() afterwards */
	int connected;    /* moor_mysql_connected() afterwards */
	int tripped;      /* the fault fired */
	int connects;
	uint32_t took;    /* ms of the failing call (the whole session if none) */
	long sent, received;
} run_result;

static char got[256];
static size_t gotn;

static void put(const void *p, size_t n)
{
	if (gotn + n < sizeof got) {
		memcpy(got + gotn, p, n);
		gotn += n;
	}
	got[gotn] = '\0';
}

/* Read a reply to its end into `got`: values '|', rows ';'. */
static int collect(uint32_t timeout_ms)
{
	moor_mysql_event ev;
	int st = MOOR_OK;

	gotn = 0;
	got[0] = '\0';
	while (moor_mysql_busy(&m)) {
		st = moor_mysql_poll(&m, &ev, timeout_ms);
		if (st != MOOR_OK)
			return st;
		if (ev.type != MOOR_MYSQL_E_VALUE)
			continue;
		if (ev.value.col > 0 && (ev.value.kind == MOOR_MYSQL_EV_VALUE
			|| (ev.value.flags & MOOR_MYSQL_V_FIRST)))
			put("|", 1);
		if (ev.value.flags & MOOR_MYSQL_V_NULL) {
			put("NULL", 4);
		} else if (ev.binary && ev.value.ptr == NULL && ev.value.len == 0
			&& ev.value.type != MOOR_MYSQL_TYPE_VAR_STRING
			&& ev.value.type != MOOR_MYSQL_TYPE_STRING
			&& ev.value.type != MOOR_MYSQL_TYPE_NEWDECIMAL) {
			char b[32];
			int k = snprintf(b, sizeof b, "%lld", (long long)ev.value.i);

			put(b, (size_t)k);
		} else {
			put(ev.value.ptr, ev.value.len);
		}
		if (ev.value.flags & MOOR_MYSQL_V_ROW_DONE)
			put(";", 1);
	}
	return st;
}

static void run_once(run_result *res, uint32_t timeout_ms)
{
	static uint8_t types[4];
	moor_mysql_stmt s;
	moor_mysql_param p[2];
	uint32_t t0 = plat->now_ms(plat->ctx), t1 = t0;
	int st;

	memset(res, 0, sizeof *res);
	gotn = 0;
	got[0] = '\0';
	cn.connects = 0;
	cn.sent = cn.received = 0;
	cn.phase = P_HS10;
	st = moor_mysql_connect(&m, timeout_ms);
	if (st == MOOR_OK) {
		cn.phase = P_QUERY;
		t1 = plat->now_ms(plat->ctx);
		st = moor_mysql_query(&m, q_text, sizeof q_text - 1, timeout_ms);
		if (st == MOOR_OK)
			st = collect(timeout_ms);
		if (st == MOOR_OK && strcmp(got, want_text) != 0)
			res->bad_data = 1;
		if (st != MOOR_OK && strncmp(got, want_text, gotn) != 0)
			res->bad_data = 1;    /* what came before the fault */
	}
	if (st == MOOR_OK) {
		cn.phase = P_PREPARE;
		gotn = 0;
		got[0] = '\0';
		t1 = plat->now_ms(plat->ctx);
		memset(&s, 0, sizeof s);
		s.types = types;
		s.types_cap = sizeof types;
		st = moor_mysql_stmt_prepare(&m, &s, q_stmt, sizeof q_stmt - 1, timeout_ms);
		if (st == MOOR_OK && (s.nparams != 2 || s.ncols != 2))
			res->bad_data = 1;
	}
	if (st == MOOR_OK) {
		cn.phase = P_EXECUTE;
		t1 = plat->now_ms(plat->ctx);
		memset(p, 0, sizeof p);
		p[0].type = MOOR_MYSQL_TYPE_LONGLONG;
		p[0].i = 41;
		p[1].type = MOOR_MYSQL_TYPE_VAR_STRING;
		p[1].ptr = (const uint8_t *)"xy";
		p[1].len = 2;
		st = moor_mysql_stmt_execute(&m, &s, p, 2, timeout_ms);
		if (st == MOOR_OK)
			st = collect(timeout_ms);
		if (st == MOOR_OK && strcmp(got, want_stmt) != 0)
			res->bad_data = 1;
		if (st != MOOR_OK && strncmp(got, want_stmt, gotn) != 0)
			res->bad_data = 1;
	}
	if (st == MOOR_OK) {
		cn.phase = P_STMTCLOSE;
		t1 = plat->now_ms(plat->ctx);
		st = moor_mysql_stmt_close(&m, &s, timeout_ms);
	}
	if (st == MOOR_OK) {
		cn.phase = P_QUIT;
		t1 = t0;
		moor_mysql_close(&m);
		res->phase = P_QUIT;
	} else {
		res->phase = cn.phase;
	}
	res->took = plat->now_ms(plat->ctx) - t1;
	res->st = st;
	res->connected = moor_mysql_connected(&m);
	res->sticky = moor_mysql_ping(&m, timeout_ms);
	res->tripped = cn.fault.tripped;
	res->connects = cn.connects;
	res->sent = cn.sent;
	res->received = cn.received;
	/* a failed client needs no close, but it must be harmless */
	moor_mysql_close(&m);
}

/* ------------------------------------------------------------------ */
/* The clean run's map of the session. */

typedef struct session_map {
	long total[2];              /* bytes each way */
	long first[2][P_COUNT];     /* where each phase starts (-1: none) */
	long end_cmds[2];           /* bytes before COM_QUIT */
	long hs_recv;               /* the server's handshake flight ends */
	struct recscan rec[2];      /* its TLS records */
} session_map;

static session_map maps[U_COUNT];

static int phase_at(const session_map *sm, int dir, long n)
{
	int p, at = P_HS10;

	for (p = 0; p < P_COUNT; p++) {
		if (sm->first[dir][p] >= 0 && sm->first[dir][p] <= n)
			at = p;
	}
	return at;
}

/*
 * The status a failure at byte n of `dir` must give. A FIN the client
 * reads once the TLS handshake is over for the engine is
 * MOOR_ERR_TLS_TRUNCATED, one during the handshake MOOR_ERR_CLOSED. With
 * TLS 1.3 the handshake is over when the server's flight is in (a FIN
 * before or inside its NewSessionTickets, which moor_tls_handshake()'s
 * last pump may read, is a truncation); with TLS 1.2 after the server's
 * Finished. (Until core/tls/tls.c decided by the engine's state rather
 * than by the session's, a FIN met by the handshake's last pump gave
 * MOOR_ERR_CLOSED, depending on timing.)
 */
static int want_status(const session_map *sm, int dir, long n, int injected)
{
	if (injected != MOOR_ERR_CLOSED || dir != D_RECV || sm->first[D_SEND][P_LOGIN] < 0)
		return injected;   /* (no login on this connection: no TLS) */
	if (phase_at(sm, dir, n) >= P_QUERY)
		return MOOR_ERR_TLS_TRUNCATED;
	if (version == MOOR_TLS_1_3 && n >= sm->hs_recv && phase_at(sm, dir, n) >= P_TLS)
		return MOOR_ERR_TLS_TRUNCATED;
	return phase_at(sm, dir, n) >= P_LOGIN ? MOOR_ERR_TLS_TRUNCATED : MOOR_ERR_CLOSED;
}

/* ------------------------------------------------------------------ */
/* Checking injected runs. */

static unsigned long runs, mismatches, beyond;
static unsigned long max_report = 25;   /* mismatches printed in full */
static unsigned long per_phase[2][P_COUNT], bad_phase[2][P_COUNT];
static int fds_base;
static uint32_t stall_ms = 150;
static uint32_t stall_max;          /* the longest stalled call seen (ms) */
static uint32_t slack_ms = 1500;     /* added to every time limit */

static void report(const char *what, int user, int dir, long n, const run_result *r,
	int want, const char *why)
{
	mismatches++;
	moor_test_failures++;
	if (mismatches > max_report)
		return;
	fprintf(stderr, "  MISMATCH %s user=%s %s offset %ld (%s): got %s (%d) from %s, want %s;"
		" %s; sticky %s connected %d tripped %d took %u ms, sent %ld received %ld\n",
		what, user_name[user], dir_name[dir], n,
		phase_name[phase_at(&maps[user], dir, n)], moor_status_name(r->st), r->st,
		r->phase == P_HS10 ? "moor_mysql_connect" : r->phase == P_QUIT ? "moor_mysql_close"
		: phase_name[r->phase], moor_status_name(want), why, moor_status_name(r->sticky),
		r->connected, r->tripped, (unsigned)r->took, r->sent, r->received);
}

/* A run with a fault at byte n of `dir` (want: the status it must end
 * with, or MOOR_OK for a run that must succeed). */
static void check(const char *what, int user, int dir, long n, const run_result *r, int want,
	uint32_t max_ms)
{
	const session_map *sm = &maps[user];
	int fds = count_fds();
	int ph = phase_at(sm, dir, n);
	const char *why = NULL;

	runs++;
	moor_test_checks++;
	per_phase[dir][ph]++;
	if (fds != fds_base)
		why = "descriptor leaked";
	else if (r->bad_data)
		why = "wrong data before the fault";
	else if (r->connects != (user == U_FB2 || (user == U_FB1 && r->st == MOOR_OK) ? 2 : 1))
		why = "not the right number of TCP connections";
	else if (r->connected)
		why = "still connected";
	else if (r->took > max_ms + slack_ms)
		why = "took too long";
	else if (want == MOOR_OK || (n >= sm->end_cmds[dir] && want != MOOR_ERR_TIMEOUT)) {
		/* a clean session, or the fault in COM_QUIT / close_notify, or
		 * (receiving) after the last byte: the client may meet it when
		 * it looks for input on its next send, with the exact status */
		if (r->st != MOOR_OK && want != MOOR_OK && dir == D_RECV && r->st == want
			&& r->sticky == want)
			beyond++;
		else if (r->st != MOOR_OK)
			why = "a command failed";
		else if (r->sticky != MOOR_ERR_NOT_CONNECTED)
			why = "closed, but not NOT_CONNECTED";
		else if (want != MOOR_OK && dir == D_SEND && sm->first[dir][P_QUIT] >= 0
			&& n == sm->end_cmds[dir] && !r->tripped)
			why = "the fault in COM_QUIT never fired";
	} else if (n >= sm->end_cmds[dir]) {
		/* a stall after the last reply: nothing to wait for */
		if (r->st != MOOR_OK)
			why = "a command failed";
	} else if (dir == D_RECV && version == MOOR_TLS_1_3 && user <= U_CERT
		&& n >= sm->total[dir] - RECV_SLACK && r->st == MOOR_OK) {
		/* this session was shorter (see RECV_SLACK): a clean end */
		if (r->sticky != MOOR_ERR_NOT_CONNECTED)
			why = "closed, but not NOT_CONNECTED";
		else
			beyond++;
	} else if (r->st != want) {
		why = r->st == MOOR_OK ? "MOOR_OK despite the fault" : "wrong status";
	} else if (r->sticky != r->st) {
		why = "the status is not sticky";
	}
	if (why != NULL) {
		bad_phase[dir][ph]++;
		report(what, user, dir, n, r, want, why);
		fds_base = fds;   /* report a leak once */
	}
}

/* ------------------------------------------------------------------ */

/*
 * Offsets to test in [0, total]: all; or, with --body-stride S, inside a
 * TLS record body only every S-th byte (but always its first and last
 * four); or `sample` spread evenly plus the first and last byte of every
 * phase.
 */
static long sample_n, body_stride = 1;

static int wanted_offset(const session_map *sm, int dir, long n)
{
	long total = sm->total[dir], step;
	int p;

	if (sample_n <= 0 && body_stride > 1) {
		const struct recscan *rs = &sm->rec[dir];
		int i;

		for (i = 0; i < rs->n; i++) {
			long b = rs->start[i] + 5, e = b + rs->len[i];

			if (n >= b + 4 && n < e - 4)
				return (n - b) % body_stride == 0;
		}
		return 1;
	}
	if (sample_n <= 0)
		return 1;
	step = total / sample_n;
	if (step < 1)
		step = 1;
	if (n % step == 0 || n == total)
		return 1;
	for (p = 0; p < P_COUNT; p++) {
		long f = sm->first[dir][p];

		if (f >= 0 && (n == f || n + 1 == f))
			return 1;
	}
	return 0;
}

static void print_map(int user)
{
	const session_map *sm = &maps[user];
	int d, p;

	printf("clean session, user %s (TLS %s): sent %ld bytes, received %ld bytes\n",
		user_name[user], user >= U_FB1 ? "1.2 after the fallback"
		: version == MOOR_TLS_1_3 ? "1.3" : "1.2", sm->total[D_SEND], sm->total[D_RECV]);
	for (d = 0; d < 2; d++) {
		printf("  %s:", dir_name[d]);
		for (p = 0; p < P_COUNT; p++) {
			if (sm->first[d][p] >= 0)
				printf(" %s@%ld", phase_name[p], sm->first[d][p]);
		}
		printf(" end@%ld (%d TLS records)\n", sm->total[d], sm->rec[d].n);
	}
	fflush(stdout);
}

static int clean_run(int user, const char *what)
{
	run_result r;
	int d, p;

	setup(user);
	moor_fault_config_default(&cn.fc);
	for (d = 0; d < 2; d++)
		for (p = 0; p < P_COUNT; p++)
			cn.first[d][p] = -1;
	memset(cn.rec, 0, sizeof cn.rec);
	cn.record = 1;
	run_once(&r, T_NORMAL);
	cn.record = 0;
	MOOR_CHECK_INT(r.st, MOOR_OK);
	MOOR_CHECK_INT(r.bad_data, 0);
	MOOR_CHECK_INT(r.sticky, MOOR_ERR_NOT_CONNECTED);
	MOOR_CHECK_INT(count_fds(), fds_base);
	if (r.st != MOOR_OK) {
		fprintf(stderr, "%s clean session (%s) failed: %s in %s (%u %s)\n", what,
			user_name[user], moor_status_name(r.st), phase_name[r.phase],
			moor_mysql_last_error(&m)->code, moor_mysql_last_error(&m)->message);
		return 0;
	}
	if (maps[user].total[D_SEND] == 0) {
		session_map *sm = &maps[user];

		sm->total[D_SEND] = r.sent;
		sm->total[D_RECV] = r.received;
		memcpy(sm->first, cn.first, sizeof sm->first);
		sm->hs_recv = cn.hs_recv;
		memcpy(sm->rec, cn.rec, sizeof sm->rec);
		for (d = 0; d < 2; d++)
			sm->end_cmds[d] = sm->first[d][P_QUIT] >= 0 ? sm->first[d][P_QUIT]
				: sm->total[d];
	} else {
		if (r.sent > maps[user].total[D_SEND])
			maps[user].total[D_SEND] = r.sent;
		/* the session's shape must not change from run to run (the
		 * close_notify after COM_QUIT may meet the server's reset) */
		MOOR_CHECK(cn.first[D_SEND][P_QUIT] == maps[user].first[D_SEND][P_QUIT]);
		MOOR_CHECK(r.received >= maps[user].total[D_RECV] - RECV_SLACK
			&& r.received <= maps[user].total[D_RECV] + RECV_SLACK);
	}
	return 1;
}

static void every_offset(int user, long stall_step)
{
	static const int closing[2] = { MOOR_ERR_INJECTED, MOOR_ERR_CLOSED };
	const session_map *sm = &maps[user];
	run_result r;
	long n;
	int d, k;

	setup(user);
	for (d = 0; d < 2; d++) {
		for (n = 0; n <= sm->total[d]; n++) {
			if (!wanted_offset(sm, d, n))
				continue;
			for (k = 0; k < 2; k++) {
				int want;

				moor_fault_config_default(&cn.fc);
				if (d == D_SEND)
					cn.fc.fail_after_send = n;
				else
					cn.fc.fail_after_recv = n;
				cn.fc.fail_status = closing[k];
				want = want_status(sm, d, n, closing[k]);
				run_once(&r, T_NORMAL);
				check(k == 0 ? "error" : "close", user, d, n, &r, want, 2000);
			}
			if (stall_step <= 0 || n % stall_step != 0)
				continue;
			/* a reset */
			moor_fault_config_default(&cn.fc);
			if (d == D_SEND)
				cn.fc.fail_after_send = n;
			else
				cn.fc.fail_after_recv = n;
			cn.fc.fail_status = MOOR_ERR_RESET;
			run_once(&r, T_NORMAL);
			check("reset", user, d, n, &r, MOOR_ERR_RESET, 2000);
			/* 1-byte reads and writes, failing at n */
			moor_fault_config_default(&cn.fc);
			cn.fc.max_send_chunk = 1;
			cn.fc.max_recv_chunk = 1;
			if (d == D_SEND)
				cn.fc.fail_after_send = n;
			else
				cn.fc.fail_after_recv = n;
			cn.fc.fail_status = MOOR_ERR_INJECTED;
			run_once(&r, T_NORMAL);
			check("1-byte io + error", user, d, n, &r, MOOR_ERR_INJECTED, 4000);
			/* the peer stops sending */
			if (d == D_RECV) {
				moor_fault_config_default(&cn.fc);
				cn.fc.stall_after_recv = n;
				run_once(&r, stall_ms);
				check("stall", user, d, n, &r, MOOR_ERR_TIMEOUT, stall_ms);
				if (r.st == MOOR_ERR_TIMEOUT && r.took > stall_max)
					stall_max = r.took;
			}
		}
	}
}

static void short_io(int user)
{
	static const size_t chunks[3][2] = { { 1, 0 }, { 0, 1 }, { 1, 1 } };
	static const char *const what[3] = { "1-byte writes", "1-byte reads", "1-byte reads+writes" };
	run_result r;
	int i;

	setup(user);
	for (i = 0; i < 3; i++) {
		moor_fault_config_default(&cn.fc);
		cn.fc.max_send_chunk = chunks[i][0];
		cn.fc.max_recv_chunk = chunks[i][1];
		run_once(&r, T_NORMAL);
		check(what[i], user, D_SEND, maps[user].total[D_SEND], &r, MOOR_OK, 4000);
		MOOR_CHECK(r.sent >= maps[user].end_cmds[D_SEND]);
		MOOR_CHECK(r.received >= maps[user].total[D_RECV] - RECV_SLACK
			&& r.received <= maps[user].total[D_RECV] + RECV_SLACK);
	}
}

static void hook_failures(int fallback)
{
	run_result r;

	setup(fallback ? U_FB1 : U_NATIVE);
	moor_fault_config_default(&cn.fc);
	cn.hook_fail = MOOR_ERR_INJECTED;
	cn.hook_fail_on = 1;
	run_once(&r, T_NORMAL);
	runs++;
	MOOR_CHECK_INT(r.st, MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(r.sticky, MOOR_ERR_INJECTED);
	MOOR_CHECK_INT(r.connected, 0);
	MOOR_CHECK_INT(r.connects, 1);
	MOOR_CHECK_INT(count_fds(), fds_base);
	if (fallback) {
		/* the reconnect for TLS 1.2 fails: its own status, not the
		 * first attempt's protocol_version refusal */
		cn.hook_fail_on = 2;
		run_once(&r, T_NORMAL);
		runs++;
		MOOR_CHECK_INT(r.st, MOOR_ERR_INJECTED);
		MOOR_CHECK_INT(r.sticky, r.st);
		MOOR_CHECK_INT(r.connected, 0);
		MOOR_CHECK_INT(r.connects, 2);
		MOOR_CHECK_INT(count_fds(), fds_base);
	}
	cn.hook_fail = 0;
	/* a port nobody listens on: the connect itself is refused */
	cn.port = 1;
	run_once(&r, T_NORMAL);
	cn.port = port;
	runs++;
	MOOR_CHECK_INT(r.st, MOOR_ERR_CONNECT);
	MOOR_CHECK_INT(r.sticky, MOOR_ERR_CONNECT);
	MOOR_CHECK_INT(r.connected, 0);
	MOOR_CHECK_INT(count_fds(), fds_base);
}

int main(int argc, char **argv)
{
	long stall_step = 97;
	int users[U_COUNT] = { 1, 1, 0, 0 };
	int i, u, d, p, fds0, fds1;

	if (argc < 4) {
		fprintf(stderr, "usage: mysql_faults PKIDIR PORT 1.2|1.3 [--sample N]"
			" [--body-stride N] [--stall-step N] [--stall-ms N] [--slack-ms N]"
			" [--users native,cert,fallback] [--trace N] [--max-report N]\n");
		return 2;
	}
	snprintf(pki, sizeof pki, "%s", argv[1]);
	port = (uint16_t)atoi(argv[2]);
	version = strcmp(argv[3], "1.2") == 0 ? MOOR_TLS_1_2 : MOOR_TLS_1_3;
	for (i = 4; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--sample") == 0) {
			sample_n = atol(argv[i + 1]);
		} else if (strcmp(argv[i], "--stall-step") == 0) {
			stall_step = atol(argv[i + 1]);
		} else if (strcmp(argv[i], "--body-stride") == 0) {
			body_stride = atol(argv[i + 1]);
		} else if (strcmp(argv[i], "--max-report") == 0) {
			max_report = (unsigned long)atol(argv[i + 1]);
		} else if (strcmp(argv[i], "--trace") == 0) {
			trace = atoi(argv[i + 1]);
		} else if (strcmp(argv[i], "--slack-ms") == 0) {
			slack_ms = (uint32_t)atol(argv[i + 1]);
		} else if (strcmp(argv[i], "--stall-ms") == 0) {
			stall_ms = (uint32_t)atol(argv[i + 1]);
		} else if (strcmp(argv[i], "--users") == 0) {
			users[U_NATIVE] = strstr(argv[i + 1], "native") != NULL;
			users[U_CERT] = strstr(argv[i + 1], "cert") != NULL;
			users[U_FB1] = users[U_FB2] = strstr(argv[i + 1], "fallback") != NULL;
		} else {
			fprintf(stderr, "unknown option %s\n", argv[i]);
			return 2;
		}
	}
	plat = moor_posix_platform(-1);
	load_pki();
	memset(&cn, 0, sizeof cn);
	cn.port = port;
	moor_fault_config_default(&cn.fc);

	fds0 = proc_fds();
	moor_test_heap_guard(1);
	fds_base = count_fds();

	for (u = 0; u < U_COUNT; u++) {
		if (users[u] && (!clean_run(u, "first") || !clean_run(u, "second")))
			return moor_test_done();
		if (users[u])
			print_map(u);
	}
	if (trace > 0) {
		/* diagnosis: clean sessions with every transfer printed */
		for (i = 0; i < trace; i++)
			for (u = 0; u < U_COUNT; u++)
				if (users[u] && clean_run(u, "traced"))
					printf("  user %s run %d: sent %ld received %ld\n", user_name[u], i,
						cn.sent, cn.received);
		moor_test_heap_guard(0);
		return moor_test_done();
	}
	hook_failures(users[U_FB1]);
	for (u = 0; u < U_COUNT; u++) {
		unsigned long before = runs;
		uint32_t t0 = plat->now_ms(plat->ctx);

		if (!users[u])
			continue;
		short_io(u);
		every_offset(u, stall_step);
		printf("user %s: %lu injected sessions in %.1f s\n", user_name[u], runs - before,
			(double)(plat->now_ms(plat->ctx) - t0) / 1000.0);
		fflush(stdout);
	}
	/* the server is still usable, and the sessions look the same */
	for (u = 0; u < U_COUNT; u++) {
		if (users[u])
			(void)clean_run(u, "final");
	}

	printf("stalls: MOOR_ERR_TIMEOUT after at most %u ms (timeout %u ms)\n", (unsigned)stall_max,
		(unsigned)stall_ms);
	printf("per phase (runs / mismatches):\n");
	for (d = 0; d < 2; d++) {
		printf("  %s:", dir_name[d]);
		for (p = 0; p < P_COUNT; p++) {
			if (per_phase[d][p] > 0)
				printf(" %s %lu/%lu", phase_name[p], per_phase[d][p], bad_phase[d][p]);
		}
		printf("\n");
	}
	printf("%lu injected sessions (%s, TLS %s), stall/reset/1-byte every %ld offsets,"
		" stall %u ms; %lu ended cleanly or after the last command (fault beyond the"
		" session's bytes); mismatches %lu\n", runs,
		sample_n > 0 ? "sampled offsets" : body_stride > 1 ? "every offset, record bodies strided"
		: "every offset",
		version == MOOR_TLS_1_3 ? "1.3" : "1.2", stall_step, (unsigned)stall_ms, beyond,
		mismatches);
	fflush(stdout);
	moor_test_heap_guard(0);
	fds1 = proc_fds();
	MOOR_CHECK_INT(fds1, fds0);
	return moor_test_done();
}
