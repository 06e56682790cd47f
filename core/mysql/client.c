/*
 * moor: the MySQL client (see moor/mysql.h). Protocol bytes come from the
 * codec (moor/mysql_proto.h); this file keeps the connection's state and
 * does the I/O. Every wait has a deadline.
 */
#include <string.h>

#include "moor/mysql.h"

#define DEFAULT_CONNECT_MS 10000u
#define DEFAULT_TIMEOUT_MS 5000u
#define MAX_AUTH_ROUNDS    8

/* Reply states. */
#define ST_IDLE     0
#define ST_FIRST    1   /* first packet of a (next) result */
#define ST_COLS     2   /* column definitions */
#define ST_COLS_EOF 3   /* the EOF after them (no DEPRECATE_EOF) */
#define ST_ROWS     4

/* RSA path: the key's DER at tx[0..RSA_DER_CAP), the packet after it. */
#define RSA_DER_CAP 560

static const char native_name[] = "mysql_native_password";
static const char sha2_name[] = "caching_sha2_password";
static const char clear_name[] = "mysql_clear_password";

/* ------------------------------------------------------------------ */
/* Small helpers. */

static uint32_t now(const moor_mysql *m)
{
	return m->plat->now_ms(m->plat->ctx);
}

static const char *password(const moor_mysql *m, size_t *len)
{
	const char *pw = m->cfg->password != NULL ? m->cfg->password : "";

	*len = strlen(pw);
	return pw;
}

/* Keep a client-side reason in last error (code 0). */
static void set_reason(moor_mysql *m, const char *a, const uint8_t *b, size_t blen)
{
	size_t n = 0, cap = sizeof m->last.message - 1;

	memset(&m->last, 0, sizeof m->last);
	while (a != NULL && a[n] != '\0' && n < cap) {
		m->last.message[n] = a[n];
		n++;
	}
	if (b != NULL) {
		size_t k = blen < cap - n ? blen : cap - n;

		memcpy(m->last.message + n, b, k);
		n += k;
	}
	m->last.message[n] = '\0';
}

/* Keep a server ERR packet in m->last; returns MOOR_ERR_MYSQL_SERVER or a
 * codec error for a malformed one. */
static int server_err(moor_mysql *m, const uint8_t *p, size_t n)
{
	moor_mysql_err e;
	size_t k;
	int st = moor_mysql_parse_err(p, n, &e);

	if (st != MOOR_OK)
		return st;
	memset(&m->last, 0, sizeof m->last);
	m->last.code = e.code;
	memcpy(m->last.sqlstate, e.sqlstate, sizeof m->last.sqlstate);
	k = e.message.len < sizeof m->last.message - 1 ? e.message.len : sizeof m->last.message - 1;
	if (k > 0)
		memcpy(m->last.message, e.message.ptr, k);
	m->last.message[k] = '\0';
	return MOOR_ERR_MYSQL_SERVER;
}

static void close_transports(moor_mysql *m, int graceful)
{
	const moor_mysql_config *cfg = m->cfg;

	if (m->tls_on) {
		if (graceful)
			moor_tls_close(cfg->tls_session, 1000);
		else
			moor_transport_close(&cfg->tls_session->base);
	}
	if (m->tcp != NULL) {
		if (cfg->disconnect != NULL)
			cfg->disconnect(cfg->conn_ctx, m->tcp, graceful);
		else
			moor_transport_close(m->tcp);
	}
	m->tcp = NULL;
	m->t = NULL;
	m->tls_on = 0;
	m->state = ST_IDLE;
	m->in_row = 0;
	m->pend = NULL;
	m->pend_len = 0;
	m->fill = m->off = 0;
}

/* A connection-level failure: close, remember. Server ERRs and caller
 * mistakes leave the connection alone. */
static int fail(moor_mysql *m, int st)
{
	if (st == MOOR_ERR_MYSQL_SERVER || st == MOOR_ERR_STATE || st == MOOR_ERR_INVALID_ARG
		|| st >= 0)
		return st;
	if (m->t != NULL || m->tcp != NULL)
		close_transports(m, 0);
	if (m->err == 0)
		m->err = st;
	return st;
}

/* ------------------------------------------------------------------ */
/* Bytes out. */

static int send_raw(moor_mysql *m, const uint8_t *p, size_t n, uint32_t deadline)
{
	while (n > 0) {
		uint32_t left;
		int r = moor_transport_send(m->t, p, n);

		if (r < 0)
			return r;
		if (r > 0) {
			p += (size_t)r;
			n -= (size_t)r;
			continue;
		}
		left = moor_ms_left(m->plat, deadline);
		if (left == 0)
			return MOOR_ERR_TIMEOUT;
		r = moor_transport_wait(m->t, MOOR_IO_WRITE, left);
		if (r < 0)
			return r;
	}
	return MOOR_OK;
}

static int flush(moor_mysql *m, uint32_t deadline)
{
	return moor_io_flush(m->t, m->plat, moor_ms_left(m->plat, deadline));
}

/*
 * Send the payload head[0..hlen) + body[0..blen) as packets with ids from
 * *seq on (split at 16 MiB - 1, with the empty trailing packet when the
 * last one is full). No copy of body.
 */
static int send_payload(moor_mysql *m, const uint8_t *head, size_t hlen,
	const uint8_t *body, size_t blen, uint8_t *seq, uint32_t deadline)
{
	size_t total = hlen + blen, done = 0;
	int st;

	if (total < MOOR_MYSQL_MAX_FRAME && MOOR_MYSQL_HEADER_LEN + total <= m->txcap) {
		/* The common case (a command and short SQL): one packet, built
		 * whole in tx and handed over in one send, so that it leaves in
		 * one TLS record and one TCP segment. memmove: the parts may
		 * already be in tx. */
		uint8_t *p = m->tx;

		if (blen > 0)
			memmove(p + MOOR_MYSQL_HEADER_LEN + hlen, body, blen);
		if (hlen > 0)
			memmove(p + MOOR_MYSQL_HEADER_LEN, head, hlen);
		moor_mysql_put_header(p, (uint32_t)total, *seq);
		*seq = (uint8_t)(*seq + 1);
		return send_raw(m, p, MOOR_MYSQL_HEADER_LEN + total, deadline);
	}
	for (;;) {
		size_t fl = total - done, a, e;
		uint8_t h[MOOR_MYSQL_HEADER_LEN];

		if (fl > MOOR_MYSQL_MAX_FRAME)
			fl = MOOR_MYSQL_MAX_FRAME;
		moor_mysql_put_header(h, (uint32_t)fl, *seq);
		*seq = (uint8_t)(*seq + 1);
		st = send_raw(m, h, sizeof h, deadline);
		a = done;
		e = done + fl;
		if (st == MOOR_OK && a < hlen) {
			size_t k = (e < hlen ? e : hlen) - a;

			st = send_raw(m, head + a, k, deadline);
			a += k;
		}
		if (st == MOOR_OK && a < e)
			st = send_raw(m, body + (a - hlen), e - a, deadline);
		if (st != MOOR_OK)
			return st;
		done = e;
		if (fl < MOOR_MYSQL_MAX_FRAME)
			return MOOR_OK;
	}
}

/* ------------------------------------------------------------------ */
/* Bytes in. */

/* The next reader event without blocking: 1, 0 (nothing yet), < 0. */
static int pull(moor_mysql *m, moor_mysql_packet *pk)
{
	for (;;) {
		size_t used;
		int r = moor_mysql_read(&m->rd, m->rx + m->off, m->fill - m->off, &used, pk);

		if (r < 0)
			return r;
		m->off += used;
		if (r == 1)
			return 1;
		if (m->off > 0) {
			memmove(m->rx, m->rx + m->off, m->fill - m->off);
			m->fill -= m->off;
			m->off = 0;
		}
		if (m->fill >= m->rxcap)
			return MOOR_ERR_INTERNAL;    /* the reader never waits for more */
		r = moor_transport_recv(m->t, m->rx + m->fill, m->rxcap - m->fill);
		if (r <= 0)
			return r;
		m->fill += (size_t)r;
	}
}

/* A whole packet within the deadline. */
static int pull_whole(moor_mysql *m, moor_mysql_packet *pk, uint32_t deadline)
{
	for (;;) {
		uint32_t left;
		int r = pull(m, pk);

		if (r < 0)
			return r;
		if (r == 1) {
			if (pk->kind != MOOR_MYSQL_PKT_WHOLE)
				return MOOR_ERR_BUFFER_TOO_SMALL;
			if (pk->len == 0)
				return MOOR_ERR_MYSQL_MALFORMED;
			return MOOR_OK;
		}
		left = moor_ms_left(m->plat, deadline);
		if (left == 0)
			return MOOR_ERR_TIMEOUT;
		r = moor_transport_wait(m->t, MOOR_IO_READ, left);
		if (r < 0)
			return r;
	}
}

/* ------------------------------------------------------------------ */
/* Connection phase. */

/*
 * TCP connect, HandshakeV10, negotiation, SSLRequest when TLS is wanted.
 * Also the TLS 1.2 fallback's reconnect (a new greeting, a new nonce).
 */
static int prelude(moor_mysql *m, uint32_t deadline)
{
	const moor_mysql_config *cfg = m->cfg;
	moor_transport *tcp = NULL;
	moor_mysql_packet pk;
	moor_mysql_handshake hs;
	uint32_t want;
	uint8_t seq;
	size_t len, k;
	int st;

	st = cfg->connect(cfg->conn_ctx, &tcp, moor_ms_left(m->plat, deadline));
	if (st != MOOR_OK)
		return st;
	if (tcp == NULL)
		return MOOR_ERR_INTERNAL;
	m->tcp = m->t = tcp;
	m->fill = m->off = 0;
	st = moor_mysql_reader_init(&m->rd, m->rxcap);
	if (st == MOOR_OK)
		st = pull_whole(m, &pk, deadline);
	if (st != MOOR_OK)
		return st;
	if (pk.ptr[0] == MOOR_MYSQL_ERR_HEADER)
		return server_err(m, pk.ptr, pk.len);   /* "Host ... is not allowed" */
	st = moor_mysql_parse_handshake(pk.ptr, pk.len, &hs);
	if (st != MOOR_OK)
		return st;
	if (hs.scramble_len < MOOR_MYSQL_SCRAMBLE_LEN)
		return MOOR_ERR_MYSQL_UNSUPPORTED;
	memcpy(m->scramble, hs.scramble, MOOR_MYSQL_SCRAMBLE_LEN);
	m->plugin = hs.plugin_id;
	m->connection_id = hs.connection_id;
	m->server_caps = hs.caps;
	{
		const uint8_t *v = hs.server_version.ptr;
		size_t vl = hs.server_version.len;

		if (vl > 6 && memcmp(v, "5.5.5-", 6) == 0) {
			v += 6;
			vl -= 6;
		}
		k = vl < sizeof m->server_version - 1 ? vl : sizeof m->server_version - 1;
		if (k > 0)
			memcpy(m->server_version, v, k);
		m->server_version[k] = '\0';
	}

	want = MOOR_MYSQL_CLIENT_DEFAULT | cfg->caps;
	if (cfg->database != NULL)
		want |= MOOR_MYSQL_CLIENT_CONNECT_WITH_DB;
	if (cfg->ssl_mode != MOOR_SSL_DISABLE)
		want |= MOOR_MYSQL_CLIENT_SSL;
	want &= ~cfg->caps_off;
	want |= MOOR_MYSQL_CLIENT_PROTOCOL_41 | MOOR_MYSQL_CLIENT_SECURE_CONNECTION;
	st = moor_mysql_negotiate(hs.caps, want, &m->caps);
	if (st != MOOR_OK)
		return st;
	seq = moor_mysql_reader_seq(&m->rd);
	if (cfg->ssl_mode != MOOR_SSL_DISABLE) {
		if ((m->caps & MOOR_MYSQL_CLIENT_SSL) == 0) {
			set_reason(m, "ssl-mode requires TLS; the server does not offer it", NULL, 0);
			return MOOR_ERR_MYSQL_NO_TLS;
		}
		st = moor_mysql_write_ssl_request(m->caps, 0, cfg->charset, &seq, m->tx, m->txcap, &len);
		if (st == MOOR_OK)
			st = send_raw(m, m->tx, len, deadline);
		if (st == MOOR_OK)
			st = flush(m, deadline);
		if (st != MOOR_OK)
			return st;
	}
	m->resp_seq = seq;
	return MOOR_OK;
}

/* moor_tls_config.reconnect: TLS 1.3 refused, TLS 1.2 on a new connection. */
static int tls_reconnect(void *ctx, moor_transport **lower, uint32_t timeout_ms)
{
	moor_mysql *m = ctx;
	int st;

	/* the session closed the old transport; let the hook release it */
	if (m->tcp != NULL && m->cfg->disconnect != NULL)
		m->cfg->disconnect(m->cfg->conn_ctx, m->tcp, 0);
	m->tcp = m->t = NULL;
	st = prelude(m, now(m) + timeout_ms);
	if (st == MOOR_OK)
		*lower = m->tcp;
	return st;
}

static int start_tls(moor_mysql *m, uint32_t deadline)
{
	const moor_mysql_config *cfg = m->cfg;
	uint16_t vmin, vmax;
	int st;

	if (cfg->tls != NULL)
		m->tlscfg = *cfg->tls;
	else
		memset(&m->tlscfg, 0, sizeof m->tlscfg);
	m->tlscfg.mode = cfg->ssl_mode;
	vmin = m->tlscfg.version_min != 0 ? m->tlscfg.version_min : MOOR_TLS_1_2;
	vmax = m->tlscfg.version_max != 0 ? m->tlscfg.version_max : MOOR_TLS_1_3;
	if (m->tlscfg.reconnect == NULL && vmin <= MOOR_TLS_1_2 && vmax >= MOOR_TLS_1_3) {
		m->tlscfg.reconnect = tls_reconnect;
		m->tlscfg.reconnect_ctx = m;
	}
	if (m->tlscfg.scratch == NULL && m->rxcap >= MOOR_TLS_SCRATCH_SIZE) {
		/* rx is idle during the handshake (the greeting's scramble is
		 * copied out; the fallback's prelude runs before the validator
		 * starts over): lend it for the certificate validator. */
		m->tlscfg.scratch = m->rx;
		m->tlscfg.scratch_len = m->rxcap;
	}
	st = moor_tls_init(cfg->tls_session, &m->tlscfg, m->plat, cfg->tls_buf, cfg->tls_buf_len);
	if (st == MOOR_OK)
		st = moor_tls_handshake(cfg->tls_session, m->tcp, moor_ms_left(m->plat, deadline));
	if (st != MOOR_OK)
		return st;
	m->tls_on = 1;
	m->t = &cfg->tls_session->base;
	m->fill = m->off = 0;      /* nothing of the plaintext phase is left */
	return MOOR_OK;
}

/* The plugin's scramble response (native, caching_sha2) into out[32]. */
static int scramble_response(moor_mysql *m, int plugin, uint8_t out[32], size_t *len)
{
	size_t pwl;
	const char *pw = password(m, &pwl);

	if (plugin == MOOR_MYSQL_AUTH_CACHING_SHA2)
		return moor_mysql_auth_sha2(pw, pwl, m->scramble, MOOR_MYSQL_SCRAMBLE_LEN, out, len);
	return moor_mysql_auth_native(pw, pwl, m->scramble, MOOR_MYSQL_SCRAMBLE_LEN, out, len);
}

/* caching_sha2 full authentication without TLS: RSA-OAEP with the PEM key. */
static int send_rsa(moor_mysql *m, const char *pem, size_t pem_len, uint8_t *seq,
	uint32_t deadline)
{
	br_rsa_public_key pk;
	uint8_t seed[32];
	uint8_t *pkt = m->tx + RSA_DER_CAP;
	size_t pwl, ctlen;
	const char *pw = password(m, &pwl);
	int st;

	if (m->txcap < MOOR_MYSQL_TX_RSA)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	st = moor_mysql_rsa_key_from_pem(pem, pem_len, m->tx, RSA_DER_CAP, &pk);
	if (st == MOOR_OK)
		st = m->plat->entropy(m->plat->ctx, seed, sizeof seed);
	if (st == MOOR_OK)
		st = moor_mysql_auth_rsa_encrypt(pw, pwl, m->scramble, MOOR_MYSQL_SCRAMBLE_LEN,
			&pk, NULL, seed, sizeof seed, pkt + MOOR_MYSQL_HEADER_LEN,
			m->txcap - RSA_DER_CAP - MOOR_MYSQL_HEADER_LEN, &ctlen);
	memset(seed, 0, sizeof seed);
	if (st != MOOR_OK)
		return st;
	moor_mysql_put_header(pkt, (uint32_t)ctlen, *seq);
	*seq = (uint8_t)(*seq + 1);
	return send_raw(m, pkt, MOOR_MYSQL_HEADER_LEN + ctlen, deadline);
}

/* The password and its NUL, in clear: only inside TLS. */
static int send_clear(moor_mysql *m, uint8_t *seq, uint32_t deadline)
{
	size_t pwl;
	const char *pw = password(m, &pwl);

	if (!m->tls_on) {
		set_reason(m, "refused to send the password in clear without TLS", NULL, 0);
		return MOOR_ERR_MYSQL_INSECURE_AUTH;
	}
	return send_payload(m, NULL, 0, (const uint8_t *)pw, pwl + 1, seq, deadline);
}

static int authenticate(moor_mysql *m, uint32_t deadline)
{
	const moor_mysql_config *cfg = m->cfg;
	moor_mysql_login l;
	moor_mysql_packet pk;
	uint8_t auth[32], seq = m->resp_seq;
	size_t alen = 0, len, pwl;
	const char *pw = password(m, &pwl);
	int plugin = m->plugin, rounds, switched = 0, key_asked = 0, st;

	memset(&l, 0, sizeof l);
	l.caps = m->caps;
	l.charset = cfg->charset;
	l.user = cfg->user;
	l.database = cfg->database;
	l.program_name = cfg->program_name;
	l.attrs = cfg->attrs;
	l.n_attrs = cfg->n_attrs;
	if (plugin == MOOR_MYSQL_AUTH_CLEAR && m->tls_on) {
		l.plugin = clear_name;
		l.auth = (const uint8_t *)pw;
		l.auth_len = pwl + 1;
	} else {
		if (plugin != MOOR_MYSQL_AUTH_CACHING_SHA2)
			plugin = MOOR_MYSQL_AUTH_NATIVE;   /* anything else: expect a switch */
		st = scramble_response(m, plugin, auth, &alen);
		if (st != MOOR_OK)
			return st;
		l.plugin = plugin == MOOR_MYSQL_AUTH_NATIVE ? native_name : sha2_name;
		l.auth = auth;
		l.auth_len = alen;
	}
	st = moor_mysql_write_handshake_response(&l, &seq, m->tx, m->txcap, &len);
	memset(auth, 0, sizeof auth);
	if (st == MOOR_OK)
		st = send_raw(m, m->tx, len, deadline);
	if (st == MOOR_OK)
		st = flush(m, deadline);
	memset(m->tx, 0, len <= m->txcap ? len : m->txcap);
	if (st != MOOR_OK)
		return st;
	st = moor_mysql_reader_expect(&m->rd, seq);
	for (rounds = 0; st == MOOR_OK && rounds < MAX_AUTH_ROUNDS; rounds++) {
		st = pull_whole(m, &pk, deadline);
		if (st != MOOR_OK)
			return st;
		seq = moor_mysql_reader_seq(&m->rd);
		switch (pk.ptr[0]) {
		case MOOR_MYSQL_OK_HEADER: {
			moor_mysql_ok ok;

			st = moor_mysql_parse_ok(pk.ptr, pk.len, m->caps, &ok);
			if (st == MOOR_OK) {
				m->status = ok.status;
				m->warnings = ok.warnings;
			}
			return st;
		}
		case MOOR_MYSQL_ERR_HEADER:
			return server_err(m, pk.ptr, pk.len);
		case MOOR_MYSQL_EOF_HEADER: {
			moor_mysql_auth_switch as;

			if (switched++)
				return MOOR_ERR_MYSQL_AUTH;
			st = moor_mysql_parse_auth_switch(pk.ptr, pk.len, &as);
			if (st != MOOR_OK)
				return st;
			plugin = as.plugin_id;
			key_asked = 0;
			if (plugin == MOOR_MYSQL_AUTH_NATIVE || plugin == MOOR_MYSQL_AUTH_CACHING_SHA2) {
				if (as.data.len < MOOR_MYSQL_SCRAMBLE_LEN)
					return MOOR_ERR_MYSQL_MALFORMED;
				memcpy(m->scramble, as.data.ptr, MOOR_MYSQL_SCRAMBLE_LEN);
				st = scramble_response(m, plugin, auth, &alen);
				if (st == MOOR_OK)
					st = send_payload(m, NULL, 0, auth, alen, &seq, deadline);
				memset(auth, 0, sizeof auth);
			} else if (plugin == MOOR_MYSQL_AUTH_CLEAR) {
				st = send_clear(m, &seq, deadline);
			} else {
				set_reason(m, "authentication plugin not supported: ", as.plugin.ptr,
					as.plugin.len);
				return MOOR_ERR_MYSQL_AUTH_PLUGIN;
			}
			break;
		}
		case MOOR_MYSQL_AUTH_MORE_DATA: {
			moor_mysql_slice d;

			if (plugin != MOOR_MYSQL_AUTH_CACHING_SHA2)
				return MOOR_ERR_MYSQL_PROTOCOL;
			st = moor_mysql_parse_auth_more_data(pk.ptr, pk.len, &d);
			if (st != MOOR_OK)
				return st;
			if (key_asked) {
				st = send_rsa(m, (const char *)d.ptr, d.len, &seq, deadline);
				key_asked = 0;
			} else if (d.len == 1 && d.ptr[0] == MOOR_MYSQL_SHA2_FAST_AUTH_OK) {
				continue;                   /* the OK follows */
			} else if (d.len == 1 && d.ptr[0] == MOOR_MYSQL_SHA2_FULL_AUTH) {
				if (m->tls_on) {
					st = send_clear(m, &seq, deadline);
				} else if (cfg->server_rsa_pem != NULL) {
					st = send_rsa(m, cfg->server_rsa_pem, cfg->server_rsa_pem_len, &seq,
						deadline);
				} else if (cfg->get_server_public_key) {
					static const uint8_t req = MOOR_MYSQL_SHA2_REQUEST_PUBLIC_KEY;

					st = send_payload(m, NULL, 0, &req, 1, &seq, deadline);
					key_asked = 1;
				} else {
					set_reason(m, "caching_sha2_password full authentication needs TLS"
						" or the server's RSA key (server_rsa_pem / get_server_public_key)",
						NULL, 0);
					return MOOR_ERR_MYSQL_INSECURE_AUTH;
				}
			} else {
				return MOOR_ERR_MYSQL_PROTOCOL;
			}
			break;
		}
		default:
			return MOOR_ERR_MYSQL_PROTOCOL;
		}
		if (st == MOOR_OK)
			st = flush(m, deadline);
		if (st == MOOR_OK)
			st = moor_mysql_reader_expect(&m->rd, seq);
	}
	return st != MOOR_OK ? st : MOOR_ERR_MYSQL_AUTH;
}

/* ------------------------------------------------------------------ */
/* Public: setup and connection. */

int moor_mysql_init(moor_mysql *m, const moor_mysql_config *cfg,
	const moor_platform *plat, uint8_t *rx, size_t rxcap,
	uint8_t *tx, size_t txcap)
{
	if (m == NULL || cfg == NULL || plat == NULL || plat->now_ms == NULL || rx == NULL
		|| tx == NULL || cfg->connect == NULL
		|| (unsigned)cfg->ssl_mode > (unsigned)MOOR_SSL_DISABLE)
		return MOOR_ERR_INVALID_ARG;
	if (cfg->ssl_mode != MOOR_SSL_DISABLE && (cfg->tls_session == NULL || cfg->tls_buf == NULL))
		return MOOR_ERR_INVALID_ARG;
	if (rxcap < MOOR_MYSQL_RX_MIN || txcap < MOOR_MYSQL_TX_MIN)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	memset(m, 0, sizeof *m);
	m->cfg = cfg;
	m->plat = plat;
	m->rx = rx;
	m->rxcap = rxcap;
	m->tx = tx;
	m->txcap = txcap;
	return MOOR_OK;
}

int moor_mysql_connect(moor_mysql *m, uint32_t timeout_ms)
{
	uint32_t deadline;
	int st;

	if (m == NULL || m->cfg == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (m->t != NULL || m->tcp != NULL)
		moor_mysql_close(m);
	if (timeout_ms == 0)
		timeout_ms = m->cfg->connect_timeout_ms != 0 ? m->cfg->connect_timeout_ms
			: DEFAULT_CONNECT_MS;
	deadline = now(m) + timeout_ms;
	m->err = 0;
	m->state = ST_IDLE;
	m->caps = 0;
	m->server_version[0] = '\0';
	memset(&m->last, 0, sizeof m->last);
	st = prelude(m, deadline);
	if (st == MOOR_OK && m->cfg->ssl_mode != MOOR_SSL_DISABLE)
		st = start_tls(m, deadline);
	if (st == MOOR_OK)
		st = authenticate(m, deadline);
	if (st != MOOR_OK) {
		if (m->t != NULL || m->tcp != NULL)
			close_transports(m, 0);
		m->err = st == MOOR_ERR_MYSQL_SERVER ? MOOR_ERR_NOT_CONNECTED : st;
		return st;
	}
	return MOOR_OK;
}

void moor_mysql_close(moor_mysql *m)
{
	if (m == NULL || (m->t == NULL && m->tcp == NULL))
		return;
	if (m->t != NULL && m->err == 0) {
		static const uint8_t quit = MOOR_MYSQL_COM_QUIT;
		uint32_t deadline = now(m) + 1000;
		uint8_t seq = 0;

		if (send_payload(m, &quit, 1, NULL, 0, &seq, deadline) == MOOR_OK)
			(void)flush(m, deadline);
	}
	close_transports(m, 1);
	if (m->err == 0)
		m->err = MOOR_ERR_NOT_CONNECTED;
}

/* ------------------------------------------------------------------ */
/* Commands. */

static uint32_t cmd_deadline(const moor_mysql *m, uint32_t timeout_ms)
{
	if (timeout_ms == 0)
		timeout_ms = m->cfg->timeout_ms != 0 ? m->cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	return now(m) + timeout_ms;
}

static int ready(const moor_mysql *m)
{
	if (m == NULL || m->cfg == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (m->err != 0)
		return m->err;
	if (m->t == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	if (m->state != ST_IDLE)
		return MOOR_ERR_STATE;
	return MOOR_OK;
}

/* Send a command (head + body) and wait for its reply to start. */
static int command(moor_mysql *m, const uint8_t *head, size_t hlen,
	const uint8_t *body, size_t blen, uint32_t deadline, int expect_reply)
{
	uint8_t seq = 0;
	int st = send_payload(m, head, hlen, body, blen, &seq, deadline);

	if (st == MOOR_OK)
		st = flush(m, deadline);
	if (st == MOOR_OK && expect_reply)
		st = moor_mysql_reader_expect(&m->rd, seq);
	if (st != MOOR_OK)
		return fail(m, st);
	if (expect_reply) {
		m->state = ST_FIRST;
		m->binary = 0;
		m->stmt = NULL;
	}
	return MOOR_OK;
}

int moor_mysql_query(moor_mysql *m, const char *sql, size_t len, uint32_t timeout_ms)
{
	static const uint8_t cmd = MOOR_MYSQL_COM_QUERY;
	int st = ready(m);

	if (st != MOOR_OK)
		return st;
	if (sql == NULL && len > 0)
		return MOOR_ERR_INVALID_ARG;
	return command(m, &cmd, 1, (const uint8_t *)sql, len, cmd_deadline(m, timeout_ms), 1);
}

static void take_ok(moor_mysql *m, const moor_mysql_ok *ok)
{
	m->affected_rows = ok->affected_rows;
	m->last_insert_id = ok->last_insert_id;
	m->status = ok->status;
	m->warnings = ok->warnings;
}

int moor_mysql_next(moor_mysql *m, moor_mysql_event *ev)
{
	moor_mysql_packet pk;
	int r;

	if (m == NULL || ev == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (m->err != 0)
		return m->err;
	if (m->t == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	if (m->state == ST_IDLE)
		return MOOR_ERR_STATE;
	memset(ev, 0, sizeof *ev);
	ev->ncols = m->ncols;
	ev->binary = m->binary;
	for (;;) {
		if (m->in_row) {
			if (m->pend_len > 0) {
				size_t used = 0;

				r = moor_mysql_row_next(&m->row, m->pend, m->pend_len, &used, &ev->value);
				if (r < 0)
					return fail(m, r);
				m->pend += used;
				m->pend_len -= used;
				if (r == 1) {
					ev->type = MOOR_MYSQL_E_VALUE;
					ev->rows = m->rows;
					return 1;
				}
			}
			if (m->pend_len == 0 && m->row_last) {
				r = moor_mysql_row_finish(&m->row);
				if (r < 0)
					return fail(m, r);
				m->in_row = 0;
				m->rows++;
				continue;
			}
		}
		r = pull(m, &pk);
		if (r < 0)
			return fail(m, r);
		if (r == 0)
			return 0;
		if (m->in_row) {            /* the next piece of a long row */
			if (pk.kind != MOOR_MYSQL_PKT_CHUNK || (pk.flags & MOOR_MYSQL_F_FIRST))
				return fail(m, MOOR_ERR_INTERNAL);
			m->pend = pk.ptr;
			m->pend_len = pk.len;
			m->row_last = (pk.flags & MOOR_MYSQL_F_LAST) != 0;
			continue;
		}
		if (m->state != ST_ROWS && (pk.kind != MOOR_MYSQL_PKT_WHOLE || pk.len == 0))
			return fail(m, pk.len == 0 ? MOOR_ERR_MYSQL_MALFORMED : MOOR_ERR_BUFFER_TOO_SMALL);
		switch (m->state) {
		case ST_FIRST:
			r = moor_mysql_reply_type(pk.ptr, pk.len, 0, m->caps);
			if (r == MOOR_MYSQL_REPLY_OK) {
				r = moor_mysql_parse_ok(pk.ptr, pk.len, m->caps, &ev->ok);
				if (r != MOOR_OK)
					return fail(m, r);
				take_ok(m, &ev->ok);
				ev->type = MOOR_MYSQL_E_OK;
				ev->more = (ev->ok.status & MOOR_MYSQL_SERVER_MORE_RESULTS_EXISTS) != 0;
				m->state = ev->more ? ST_FIRST : ST_IDLE;
				return 1;
			}
			if (r == MOOR_MYSQL_REPLY_ERR) {
				m->state = ST_IDLE;
				return fail(m, server_err(m, pk.ptr, pk.len));
			}
			if (r != MOOR_MYSQL_REPLY_DATA)
				return fail(m, r < 0 ? r : MOOR_ERR_MYSQL_PROTOCOL);
			r = moor_mysql_parse_column_count(pk.ptr, pk.len, &m->ncols);
			if (r != MOOR_OK)
				return fail(m, r);
			if (m->binary && (m->stmt == NULL || m->ncols > m->stmt->types_cap))
				return fail(m, MOOR_ERR_BUFFER_TOO_SMALL);
			m->col = 0;
			m->rows = 0;
			m->state = ST_COLS;
			ev->type = MOOR_MYSQL_E_RESULT;
			ev->ncols = m->ncols;
			return 1;
		case ST_COLS:
			r = moor_mysql_parse_column(pk.ptr, pk.len, &ev->column);
			if (r != MOOR_OK)
				return fail(m, r);
			if (m->binary)
				m->stmt->types[m->col] = ev->column.type;
			ev->type = MOOR_MYSQL_E_COLUMN;
			ev->index = m->col++;
			if (m->col == m->ncols)
				m->state = (m->caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) ? ST_ROWS : ST_COLS_EOF;
			return 1;
		case ST_COLS_EOF: {
			moor_mysql_eof e;

			r = moor_mysql_parse_eof(pk.ptr, pk.len, &e);
			if (r != MOOR_OK)
				return fail(m, r == MOOR_ERR_MYSQL_MALFORMED ? MOOR_ERR_MYSQL_PROTOCOL : r);
			m->state = ST_ROWS;
			continue;
		}
		default: { /* ST_ROWS */
			size_t n = pk.kind == MOOR_MYSQL_PKT_WHOLE ? pk.len
				: (pk.total != 0 ? pk.total : pk.len);
			int cont = (pk.flags & MOOR_MYSQL_F_CONT) != 0;

			r = moor_mysql_row_type(pk.ptr, n, cont, m->caps);
			if (r < 0)
				return fail(m, r);
			if (r == MOOR_MYSQL_REPLY_DATA) {
				r = moor_mysql_row_init(&m->row, m->ncols, m->binary ? m->stmt->types : NULL);
				if (r != MOOR_OK)
					return fail(m, r);
				m->in_row = 1;
				m->pend = pk.ptr;
				m->pend_len = pk.len;
				m->row_last = pk.kind == MOOR_MYSQL_PKT_WHOLE
					|| (pk.flags & MOOR_MYSQL_F_LAST) != 0;
				continue;
			}
			if (pk.kind != MOOR_MYSQL_PKT_WHOLE)
				return fail(m, MOOR_ERR_BUFFER_TOO_SMALL);
			if (r == MOOR_MYSQL_REPLY_ERR) {
				m->state = ST_IDLE;
				return fail(m, server_err(m, pk.ptr, pk.len));
			}
			if (m->caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) {
				r = moor_mysql_parse_ok(pk.ptr, pk.len, m->caps, &ev->ok);
			} else {
				moor_mysql_eof e;

				r = moor_mysql_parse_eof(pk.ptr, pk.len, &e);
				ev->ok.header = MOOR_MYSQL_EOF_HEADER;
				ev->ok.status = e.status;
				ev->ok.warnings = e.warnings;
			}
			if (r != MOOR_OK)
				return fail(m, r);
			m->status = ev->ok.status;
			m->warnings = ev->ok.warnings;
			ev->type = MOOR_MYSQL_E_END;
			ev->rows = m->rows;
			ev->more = (ev->ok.status & MOOR_MYSQL_SERVER_MORE_RESULTS_EXISTS) != 0;
			m->state = ev->more ? ST_FIRST : ST_IDLE;
			return 1;
		}
		}
	}
}

int moor_mysql_wait(moor_mysql *m, uint32_t timeout_ms)
{
	int r;

	if (m == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (m->err != 0)
		return m->err;
	if (m->t == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	if (m->pend_len > 0)
		return MOOR_IO_READ;      /* row bytes not yet decoded */
	r = moor_transport_wait(m->t, MOOR_IO_READ, timeout_ms);
	return r < 0 ? fail(m, r) : r;
}

static int poll_until(moor_mysql *m, moor_mysql_event *ev, uint32_t deadline)
{
	for (;;) {
		uint32_t left;
		int r = moor_mysql_next(m, ev);

		if (r == 1)
			return MOOR_OK;
		if (r < 0)
			return r;
		left = moor_ms_left(m->plat, deadline);
		if (left == 0)
			return fail(m, MOOR_ERR_TIMEOUT);
		r = moor_transport_wait(m->t, MOOR_IO_READ, left);
		if (r < 0)
			return fail(m, r);
	}
}

int moor_mysql_poll(moor_mysql *m, moor_mysql_event *ev, uint32_t timeout_ms)
{
	if (m == NULL || m->cfg == NULL || ev == NULL)
		return MOOR_ERR_INVALID_ARG;
	return poll_until(m, ev, cmd_deadline(m, timeout_ms));
}

int moor_mysql_busy(const moor_mysql *m)
{
	return m != NULL && m->err == 0 && m->t != NULL && m->state != ST_IDLE;
}

/* Read the rest of the reply; the last OK/END into *ok. */
static int drain_until(moor_mysql *m, moor_mysql_ok *ok, uint32_t deadline)
{
	moor_mysql_event ev;
	int st = MOOR_OK;

	while (moor_mysql_busy(m)) {
		/* Checked between events too: a server that keeps streaming
		 * rows must not hold this past its deadline. */
		if (moor_ms_left(m->plat, deadline) == 0)
			return fail(m, MOOR_ERR_TIMEOUT);
		st = poll_until(m, &ev, deadline);
		if (st != MOOR_OK)
			return st;
		if (ok != NULL && (ev.type == MOOR_MYSQL_E_OK || ev.type == MOOR_MYSQL_E_END))
			*ok = ev.ok;
	}
	return m->err != 0 ? m->err : st;
}

int moor_mysql_drain(moor_mysql *m, uint32_t timeout_ms)
{
	if (m == NULL || m->cfg == NULL)
		return MOOR_ERR_INVALID_ARG;
	return drain_until(m, NULL, cmd_deadline(m, timeout_ms));
}

int moor_mysql_query_ok(moor_mysql *m, const char *sql, size_t len,
	moor_mysql_ok *ok, uint32_t timeout_ms)
{
	static const uint8_t cmd = MOOR_MYSQL_COM_QUERY;
	uint32_t deadline;
	int st = ready(m);

	if (st != MOOR_OK)
		return st;
	if (sql == NULL && len > 0)
		return MOOR_ERR_INVALID_ARG;
	deadline = cmd_deadline(m, timeout_ms);
	if (ok != NULL)
		memset(ok, 0, sizeof *ok);
	st = command(m, &cmd, 1, (const uint8_t *)sql, len, deadline, 1);
	return st != MOOR_OK ? st : drain_until(m, ok, deadline);
}

/* A command whose reply is OK or ERR. */
static int simple(moor_mysql *m, const uint8_t *head, size_t hlen,
	const uint8_t *body, size_t blen, uint32_t timeout_ms)
{
	uint32_t deadline;
	int st = ready(m);

	if (st != MOOR_OK)
		return st;
	deadline = cmd_deadline(m, timeout_ms);
	st = command(m, head, hlen, body, blen, deadline, 1);
	return st != MOOR_OK ? st : drain_until(m, NULL, deadline);
}

int moor_mysql_ping(moor_mysql *m, uint32_t timeout_ms)
{
	static const uint8_t cmd = MOOR_MYSQL_COM_PING;

	return simple(m, &cmd, 1, NULL, 0, timeout_ms);
}

int moor_mysql_init_db(moor_mysql *m, const char *schema, uint32_t timeout_ms)
{
	static const uint8_t cmd = MOOR_MYSQL_COM_INIT_DB;

	if (schema == NULL)
		return MOOR_ERR_INVALID_ARG;
	return simple(m, &cmd, 1, (const uint8_t *)schema, strlen(schema), timeout_ms);
}

int moor_mysql_reset(moor_mysql *m, uint32_t timeout_ms)
{
	static const uint8_t cmd = MOOR_MYSQL_COM_RESET_CONNECTION;

	return simple(m, &cmd, 1, NULL, 0, timeout_ms);
}

/* ------------------------------------------------------------------ */
/* Prepared statements. */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Skip n definitions (and their EOF without DEPRECATE_EOF); keep the
 * columns' types in types[0..cap). */
static int read_defs(moor_mysql *m, uint32_t n, uint8_t *types, size_t cap, uint32_t deadline)
{
	moor_mysql_packet pk;
	moor_mysql_column col;
	uint32_t i;
	int st;

	for (i = 0; i < n; i++) {
		st = pull_whole(m, &pk, deadline);
		if (st == MOOR_OK)
			st = moor_mysql_parse_column(pk.ptr, pk.len, &col);
		if (st != MOOR_OK)
			return st;
		if (types != NULL && i < cap)
			types[i] = col.type;
	}
	if (n > 0 && (m->caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) == 0) {
		moor_mysql_eof e;

		st = pull_whole(m, &pk, deadline);
		if (st == MOOR_OK && moor_mysql_parse_eof(pk.ptr, pk.len, &e) != MOOR_OK)
			st = MOOR_ERR_MYSQL_PROTOCOL;
		if (st != MOOR_OK)
			return st;
	}
	return MOOR_OK;
}

int moor_mysql_stmt_prepare(moor_mysql *m, moor_mysql_stmt *stmt,
	const char *sql, size_t len, uint32_t timeout_ms)
{
	static const uint8_t cmd = MOOR_MYSQL_COM_STMT_PREPARE;
	moor_mysql_packet pk;
	moor_mysql_prepare_ok po;
	uint32_t deadline;
	int st = ready(m);

	if (st != MOOR_OK)
		return st;
	if (stmt == NULL || (sql == NULL && len > 0) || (stmt->types == NULL && stmt->types_cap > 0))
		return MOOR_ERR_INVALID_ARG;
	deadline = cmd_deadline(m, timeout_ms);
	st = command(m, &cmd, 1, (const uint8_t *)sql, len, deadline, 1);
	if (st != MOOR_OK)
		return st;
	m->state = ST_IDLE;             /* read here, not by next() */
	st = pull_whole(m, &pk, deadline);
	if (st != MOOR_OK)
		return fail(m, st);
	if (pk.ptr[0] == MOOR_MYSQL_ERR_HEADER)
		return fail(m, server_err(m, pk.ptr, pk.len));
	st = moor_mysql_parse_prepare_ok(pk.ptr, pk.len, &po);
	if (st != MOOR_OK)
		return fail(m, st);
	stmt->id = po.stmt_id;
	stmt->nparams = po.params;
	stmt->ncols = po.columns;
	m->warnings = po.warnings;
	st = read_defs(m, po.params, NULL, 0, deadline);
	if (st == MOOR_OK)
		st = read_defs(m, po.columns, stmt->types, stmt->types_cap, deadline);
	return st != MOOR_OK ? fail(m, st) : MOOR_OK;
}

int moor_mysql_stmt_execute(moor_mysql *m, moor_mysql_stmt *stmt,
	const moor_mysql_param *params, size_t n, uint32_t timeout_ms)
{
	uint32_t deadline;
	uint8_t seq = 0;
	size_t len;
	int st = ready(m);

	if (st != MOOR_OK)
		return st;
	if (stmt == NULL || n != stmt->nparams)
		return MOOR_ERR_INVALID_ARG;
	st = moor_mysql_write_stmt_execute(stmt->id, MOOR_MYSQL_CURSOR_NONE, params, n, 1,
		&seq, m->tx, m->txcap, &len);
	if (st != MOOR_OK)
		return st;                  /* nothing sent: the connection stays */
	deadline = cmd_deadline(m, timeout_ms);
	st = send_raw(m, m->tx, len, deadline);
	if (st == MOOR_OK)
		st = flush(m, deadline);
	if (st == MOOR_OK)
		st = moor_mysql_reader_expect(&m->rd, seq);
	if (st != MOOR_OK)
		return fail(m, st);
	m->state = ST_FIRST;
	m->binary = 1;
	m->stmt = stmt;
	return MOOR_OK;
}

int moor_mysql_stmt_send_long_data(moor_mysql *m, const moor_mysql_stmt *stmt,
	uint16_t param, const uint8_t *data, size_t n, uint32_t timeout_ms)
{
	uint8_t head[7];
	uint32_t deadline;
	int st = ready(m);

	if (st != MOOR_OK)
		return st;
	if (stmt == NULL || (data == NULL && n > 0) || param >= stmt->nparams)
		return MOOR_ERR_INVALID_ARG;
	deadline = cmd_deadline(m, timeout_ms);
	head[0] = MOOR_MYSQL_COM_STMT_SEND_LONG_DATA;
	put32(head + 1, stmt->id);
	head[5] = (uint8_t)param;
	head[6] = (uint8_t)(param >> 8);
	do {
		size_t k = n < MOOR_MYSQL_LONG_DATA_MAX ? n : MOOR_MYSQL_LONG_DATA_MAX;
		uint8_t seq = 0;

		st = send_payload(m, head, sizeof head, data, k, &seq, deadline);
		if (st != MOOR_OK)
			return fail(m, st);
		data += k;
		n -= k;
	} while (n > 0);
	st = flush(m, deadline);
	return st != MOOR_OK ? fail(m, st) : MOOR_OK;
}

int moor_mysql_stmt_reset(moor_mysql *m, const moor_mysql_stmt *stmt, uint32_t timeout_ms)
{
	uint8_t head[5];

	if (stmt == NULL)
		return MOOR_ERR_INVALID_ARG;
	head[0] = MOOR_MYSQL_COM_STMT_RESET;
	put32(head + 1, stmt->id);
	return simple(m, head, sizeof head, NULL, 0, timeout_ms);
}

int moor_mysql_stmt_close(moor_mysql *m, moor_mysql_stmt *stmt, uint32_t timeout_ms)
{
	uint8_t head[5];
	int st = ready(m);

	if (st != MOOR_OK)
		return st;
	if (stmt == NULL)
		return MOOR_ERR_INVALID_ARG;
	head[0] = MOOR_MYSQL_COM_STMT_CLOSE;
	put32(head + 1, stmt->id);
	st = command(m, head, sizeof head, NULL, 0, cmd_deadline(m, timeout_ms), 0);
	if (st == MOOR_OK)
		stmt->id = 0;
	return st;
}

/* ------------------------------------------------------------------ */
/* Accessors. */

const moor_mysql_error *moor_mysql_last_error(const moor_mysql *m)
{
	static const moor_mysql_error none;

	return m != NULL ? &m->last : &none;
}

int moor_mysql_connected(const moor_mysql *m)
{
	return m != NULL && m->t != NULL && m->err == 0;
}

const moor_tls_info *moor_mysql_tls_info(const moor_mysql *m)
{
	if (m == NULL || !m->tls_on || m->t == NULL)
		return NULL;
	return moor_tls_get_info(m->cfg->tls_session);
}

const char *moor_mysql_server_version(const moor_mysql *m)
{
	return m != NULL ? m->server_version : "";
}

uint32_t moor_mysql_connection_id(const moor_mysql *m)
{
	return m != NULL ? m->connection_id : 0;
}

uint32_t moor_mysql_caps(const moor_mysql *m)
{
	return m != NULL ? m->caps : 0;
}
