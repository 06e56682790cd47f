/*
 * The moor_tls session: a transport that runs TLS over a lower transport.
 *
 * TLS 1.2 is BearSSL's client engine. The engine does no I/O: pump()
 * moves records between it and the lower transport without ever blocking,
 * and wait() is the only place that sleeps (in the lower transport's
 * wait(), with the caller's deadline).
 */
#include <string.h>

#include "moor/status.h"
#include "moor/tls.h"

enum {
	ST_NEW = 0,      /* initialised, no handshake yet */
	ST_HANDSHAKE,    /* handshake in progress */
	ST_OPEN,         /* application data may flow */
	ST_PASS,         /* MOOR_SSL_DISABLE: bytes pass through in clear */
	ST_CLOSED        /* closed locally or failed */
};

/* ECDHE with AEAD only. Order: what is cheapest on a microcontroller
 * first (AES-128-GCM is hardware-friendly, ChaCha20 fastest in software). */
static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
#if MOOR_CONFIG_TLS_CHACHA20
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
#if MOOR_CONFIG_TLS_AES256
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
#endif
};

static moor_tls *self(moor_transport *t)
{
	return (moor_tls *)(void *)t;
}

static br_ssl_engine_context *eng(moor_tls *tls)
{
	return &tls->sc.eng;
}

int moor_tls_map_br_error(int e)
{
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256)
		return MOOR_STATUS_ALERT_RECEIVED(e - BR_ERR_RECV_FATAL_ALERT);
	if (e >= BR_ERR_SEND_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT + 256)
		return MOOR_STATUS_ALERT_SENT(e - BR_ERR_SEND_FATAL_ALERT);
	if (e >= BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32)
		return moor_x509_map_error(e);
	switch (e) {
	case BR_ERR_OK:
		return MOOR_OK;
	case BR_ERR_BAD_PARAM:
		return MOOR_ERR_INVALID_ARG;
	case BR_ERR_BAD_STATE:
		return MOOR_ERR_STATE;
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
		return MOOR_ERR_TLS_VERSION;
	case BR_ERR_TOO_LARGE:
		return MOOR_ERR_TLS_RECORD_TOO_LARGE;
	case BR_ERR_BAD_MAC:
		return MOOR_ERR_TLS_BAD_MAC;
	case BR_ERR_NO_RANDOM:
		return MOOR_ERR_NO_ENTROPY;
	case BR_ERR_BAD_CIPHER_SUITE:
	case BR_ERR_BAD_COMPRESSION:
	case BR_ERR_INVALID_ALGORITHM:
		return MOOR_ERR_TLS_NO_CIPHER;
	case BR_ERR_BAD_SIGNATURE:
		return MOOR_ERR_TLS_BAD_SIGNATURE;
	case BR_ERR_WRONG_KEY_USAGE:
		return MOOR_ERR_TLS_BAD_KEY_USAGE;
	case BR_ERR_NO_CLIENT_AUTH:
		return MOOR_ERR_TLS_CLIENT_AUTH;
	case BR_ERR_BAD_FINISHED:
		return MOOR_ERR_TLS_BAD_FINISHED;
	case BR_ERR_IO:
		return MOOR_ERR_IO;
	default:
		return MOOR_ERR_TLS_PROTOCOL;
	}
}

/* Record the first error and stop the session. */
static int fail(moor_tls *tls, int st)
{
	if (tls->err == 0)
		tls->err = st;
	tls->state = ST_CLOSED;
	return tls->err;
}

/* The engine stopped: turn its verdict into a status. */
static int engine_closed(moor_tls *tls)
{
	int e = br_ssl_engine_last_error(eng(tls));

	if (e == BR_ERR_OK) {
		/* Orderly: the peer's close_notify (or ours completed). */
		if (tls->err == 0)
			tls->err = MOOR_ERR_CLOSED;
		tls->state = ST_CLOSED;
		return tls->err;
	}
	if (e >= BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32 && tls->x509.status != MOOR_OK)
		return fail(tls, tls->x509.status);
	return fail(tls, moor_tls_map_br_error(e));
}

/*
 * Move bytes between the engine and the lower transport without blocking.
 * Returns > 0 if anything moved, 0 if nothing could, < 0 on error.
 */
static int pump(moor_tls *tls)
{
	int progress = 0;

	for (;;) {
		unsigned st;
		unsigned char *buf;
		size_t len;
		int r, moved = 0;

		if (tls->err != 0)
			return tls->err;
		st = br_ssl_engine_current_state(eng(tls));
		if (st & BR_SSL_CLOSED)
			return engine_closed(tls);
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(eng(tls), &len);
			r = moor_transport_send(tls->lower, buf, len);
			if (r < 0)
				return fail(tls, r);
			if (r > 0) {
				br_ssl_engine_sendrec_ack(eng(tls), (size_t)r);
				moved = 1;
			}
		}
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(eng(tls), &len);
			r = moor_transport_recv(tls->lower, buf, len);
			if (r == MOOR_ERR_CLOSED) {
				/* TCP ended without close_notify. */
				return fail(tls, tls->state == ST_OPEN
					? MOOR_ERR_TLS_TRUNCATED : MOOR_ERR_CLOSED);
			}
			if (r < 0)
				return fail(tls, r);
			if (r > 0) {
				br_ssl_engine_recvrec_ack(eng(tls), (size_t)r);
				moved = 1;
			}
		}
		if (!moved)
			return progress;
		progress = 1;
	}
}

static int tls_send(moor_transport *t, const uint8_t *data, size_t len)
{
	moor_tls *tls = self(t);
	unsigned char *buf;
	size_t avail;
	int r;

	if (tls->state == ST_PASS)
		return moor_transport_send(tls->lower, data, len);
	if (tls->err != 0)
		return tls->err;
	if (tls->state != ST_OPEN)
		return MOOR_ERR_STATE;
	if (data == NULL && len > 0)
		return MOOR_ERR_INVALID_ARG;
	if (len == 0)
		return 0;
	r = pump(tls);
	if (r < 0)
		return r;
	buf = br_ssl_engine_sendapp_buf(eng(tls), &avail);
	if (buf == NULL)
		return 0;
	if (avail > len)
		avail = len;
	if (avail > 0x7fffffff)
		avail = 0x7fffffff;
	memcpy(buf, data, avail);
	br_ssl_engine_sendapp_ack(eng(tls), avail);
	/* One record per call: send() is handed whole messages by the
	 * protocols, and a record should not wait for more data. */
	br_ssl_engine_flush(eng(tls), 0);
	r = pump(tls);
	if (r < 0)
		return r;
	return (int)avail;
}

static int tls_recv(moor_transport *t, uint8_t *out, size_t len)
{
	moor_tls *tls = self(t);
	unsigned char *buf;
	size_t avail;
	int r = 1;

	if (tls->state == ST_PASS)
		return moor_transport_recv(tls->lower, out, len);
	if (tls->state != ST_OPEN && tls->err == 0)
		return MOOR_ERR_STATE;
	if (out == NULL || len == 0)
		return MOOR_ERR_INVALID_ARG;
	for (;;) {
		/* Data decrypted before a failure (say, a FIN without
		 * close_notify) is delivered first; the error comes next. */
		buf = br_ssl_engine_recvapp_buf(eng(tls), &avail);
		if (buf != NULL) {
			if (avail > len)
				avail = len;
			if (avail > 0x7fffffff)
				avail = 0x7fffffff;
			memcpy(out, buf, avail);
			br_ssl_engine_recvapp_ack(eng(tls), avail);
			return (int)avail;
		}
		if (r <= 0)
			return r;
		r = pump(tls);
	}
}

static int tls_flush(moor_transport *t)
{
	moor_tls *tls = self(t);
	int r;

	if (tls->state == ST_PASS)
		return moor_transport_flush(tls->lower);
	if (tls->err != 0)
		return tls->err;
	if (tls->state != ST_OPEN)
		return MOOR_ERR_STATE;
	br_ssl_engine_flush(eng(tls), 0);
	r = pump(tls);
	if (r < 0)
		return r;
	if (br_ssl_engine_current_state(eng(tls)) & BR_SSL_SENDREC)
		return 1;
	return moor_transport_flush(tls->lower);
}

static int tls_wait(moor_transport *t, unsigned events, uint32_t timeout_ms)
{
	moor_tls *tls = self(t);
	const moor_platform *p = tls->plat;
	uint32_t deadline;

	if (tls->state == ST_PASS)
		return moor_transport_wait(tls->lower, events, timeout_ms);
	if (tls->lower == NULL)
		return MOOR_ERR_STATE;
	deadline = p->now_ms(p->ctx) + timeout_ms;
	for (;;) {
		unsigned st, lower_ev = 0, ready = 0;
		uint32_t left;
		int r = pump(tls);

		st = br_ssl_engine_current_state(eng(tls));
		if ((events & MOOR_IO_READ) && (st & BR_SSL_RECVAPP))
			return MOOR_IO_READ; /* even if an error follows the data */
		if (r < 0)
			return r;
		if (tls->state == ST_OPEN) {
			if ((events & MOOR_IO_READ) && (st & BR_SSL_RECVAPP))
				ready |= MOOR_IO_READ;
			if ((events & MOOR_IO_WRITE) && (st & BR_SSL_SENDAPP))
				ready |= MOOR_IO_WRITE;
		} else if (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)) {
			/* handshake finished: the caller re-checks state */
			ready = events;
		}
		if (ready != 0)
			return (int)ready;
		if (st & BR_SSL_SENDREC)
			lower_ev |= MOOR_IO_WRITE;
		if (st & BR_SSL_RECVREC)
			lower_ev |= MOOR_IO_READ;
		left = moor_ms_left(p, deadline);
		if (lower_ev == 0 || left == 0)
			return 0;
		r = moor_transport_wait(tls->lower, lower_ev, left);
		if (r <= 0)
			return r;
	}
}

static void tls_close(moor_transport *t)
{
	moor_tls *tls = self(t);

	if (tls->lower != NULL)
		moor_transport_close(tls->lower);
	if (tls->state != ST_CLOSED) {
		tls->state = ST_CLOSED;
		if (tls->err == 0)
			tls->err = MOOR_ERR_NOT_CONNECTED;
	}
}

static const moor_transport_class tls_class = {
	tls_send, tls_recv, tls_flush, tls_wait, tls_close
};

static int is_ip_literal(const char *s)
{
	int digits_dots = 1;

	for (; *s; s++) {
		if (*s == ':')
			return 1;
		if (!((*s >= '0' && *s <= '9') || *s == '.'))
			digits_dots = 0;
	}
	return digits_dots;
}

/* Largest record plaintext (a power of two BearSSL can negotiate) whose
 * in and out records both fit in `len`. 0 if not even 512 fits. */
static unsigned frag_for(size_t len)
{
	static const unsigned sizes[] = { 16384, 4096, 2048, 1024, 512 };
	size_t i;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		if (len >= MOOR_TLS_BUFSIZE((size_t)sizes[i]))
			return sizes[i];
	}
	return 0;
}

int moor_tls_init(moor_tls *tls, const moor_tls_config *cfg,
	const moor_platform *plat, uint8_t *buf, size_t buf_len)
{
	br_ssl_engine_context *e;
	uint8_t seed[32];
	unsigned frag;
	uint16_t vmin, vmax;
	int r;

	if (tls == NULL || cfg == NULL || plat == NULL || plat->now_ms == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(tls, 0, sizeof *tls);
	tls->base.vtable = &tls_class;
	tls->plat = plat;
	tls->cfg = cfg;
	tls->info.anchor_index = -1;
	if ((unsigned)cfg->mode > MOOR_SSL_DISABLE || (unsigned)cfg->time_policy > MOOR_TIME_USE_FLOOR)
		return MOOR_ERR_INVALID_ARG;
	if (cfg->mode == MOOR_SSL_DISABLE)
		return MOOR_OK;

	vmin = cfg->version_min ? cfg->version_min : MOOR_TLS_1_2;
	vmax = cfg->version_max ? cfg->version_max : MOOR_TLS_1_2;
	if (vmin > vmax || vmin < MOOR_TLS_1_2 || vmax > MOOR_TLS_1_3)
		return MOOR_ERR_CONFIG;
	if (vmin > MOOR_TLS_1_2)
		return MOOR_ERR_UNSUPPORTED; /* TLS 1.3 engine not built in yet */
	if (cfg->mode == MOOR_SSL_VERIFY_FULL && cfg->server_name == NULL)
		return MOOR_ERR_CONFIG;
	if (cfg->server_name != NULL && strlen(cfg->server_name) > 255)
		return MOOR_ERR_CONFIG;
	if (buf == NULL)
		return MOOR_ERR_INVALID_ARG;
	frag = frag_for(buf_len);
	if (frag == 0)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	if (plat->entropy == NULL)
		return MOOR_ERR_NO_ENTROPY;

	e = eng(tls);
	br_ssl_client_zero(&tls->sc);
	br_ssl_engine_set_versions(e, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(e, suites, sizeof suites / sizeof suites[0]);
	br_ssl_engine_set_default_rsavrfy(e);
	br_ssl_engine_set_default_ecdsa(e);
	br_ssl_engine_set_hash(e, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(e, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(e, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(e, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(e, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(e);
#if MOOR_CONFIG_TLS_CHACHA20
	br_ssl_engine_set_default_chapol(e);
#endif
	br_ssl_engine_set_x509(e, &tls->x509.vtable);
	/* No renegotiation, ever. */
	br_ssl_engine_add_flags(e, BR_OPT_NO_RENEGOTIATION);

	if (cfg->client != NULL) {
		const moor_credentials *cr = cfg->client;

		if (cr->chain_len == 0)
			return MOOR_ERR_CONFIG;
		if (cr->key_type == BR_KEYTYPE_RSA) {
			br_ssl_client_set_single_rsa(&tls->sc, cr->chain, cr->chain_len,
				&cr->rsa, br_rsa_pkcs1_sign_get_default());
		} else if (cr->key_type == BR_KEYTYPE_EC) {
			br_ssl_client_set_single_ec(&tls->sc, cr->chain, cr->chain_len,
				&cr->ec, BR_KEYTYPE_SIGN, 0, br_ec_get_default(),
				br_ecdsa_sign_asn1_get_default());
		} else {
			return MOOR_ERR_BAD_KEY;
		}
	}

	/* In and out buffers sized for `frag`: a smaller frag makes BearSSL
	 * ask the server for max_fragment_length. */
	tls->iobuf = buf;
	tls->iobuf_len = buf_len;
	br_ssl_engine_set_buffers_bidi(e, buf, buf_len - (frag + MOOR_TLS_OUT_OVERHEAD),
		buf + buf_len - (frag + MOOR_TLS_OUT_OVERHEAD), frag + MOOR_TLS_OUT_OVERHEAD);
	tls->info.record_limit = (uint16_t)frag;

	r = plat->entropy(plat->ctx, seed, sizeof seed);
	if (r != MOOR_OK) {
		memset(seed, 0, sizeof seed);
		return MOOR_ERR_NO_ENTROPY;
	}
	br_ssl_engine_inject_entropy(e, seed, sizeof seed);
	memset(seed, 0, sizeof seed);
	if (br_ssl_engine_last_error(e) != BR_ERR_OK)
		return moor_tls_map_br_error(br_ssl_engine_last_error(e));
	return MOOR_OK;
}

/* "Now" for certificate validation, following the time policy. */
static int validation_time(moor_tls *tls, int64_t *now)
{
	const moor_platform *p = tls->plat;

	if (tls->cfg->mode == MOOR_SSL_REQUIRE) {
		*now = MOOR_CONFIG_TIME_FLOOR; /* nothing is checked */
		return MOOR_OK;
	}
	if (p->wall_time != NULL && p->wall_time(p->ctx, now) == MOOR_OK)
		return MOOR_OK;
	if (tls->cfg->time_policy == MOOR_TIME_USE_FLOOR) {
		moor_log(p, MOOR_LOG_WARN, "tls",
			"wall time unknown: validating certificates at the build-time floor", 0);
		*now = MOOR_CONFIG_TIME_FLOOR;
		return MOOR_OK;
	}
	return MOOR_ERR_TIME_UNKNOWN;
}

int moor_tls_handshake(moor_tls *tls, moor_transport *lower, uint32_t timeout_ms)
{
	const moor_tls_config *cfg;
	const moor_platform *p;
	const moor_anchors *anchors;
	br_ssl_session_parameters sp;
	uint32_t deadline;
	int64_t now;
	const char *sni;
	int r;

	if (tls == NULL || lower == NULL || tls->cfg == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (tls->state != ST_NEW)
		return MOOR_ERR_STATE;
	cfg = tls->cfg;
	p = tls->plat;
	tls->lower = lower;
	if (cfg->mode == MOOR_SSL_DISABLE) {
		tls->state = ST_PASS;
		return MOOR_OK;
	}
	if (cfg->mode == MOOR_SSL_REQUIRE)
		moor_log(p, MOOR_LOG_WARN, "tls",
			"ssl mode 'require': the server certificate is NOT verified", 0);
	r = validation_time(tls, &now);
	if (r != MOOR_OK)
		return fail(tls, r);
	anchors = cfg->anchors != NULL ? cfg->anchors : &moor_builtin_anchors;
	moor_x509_init(&tls->x509, anchors, cfg->mode, now, cfg->peer_dn, cfg->peer_dn_cap);
	tls->x509.expected_host = cfg->server_name;

	sni = cfg->server_name;
	if (sni != NULL && is_ip_literal(sni))
		sni = NULL; /* RFC 6066: no IP literals in SNI */
	tls->state = ST_HANDSHAKE;
	if (!br_ssl_client_reset(&tls->sc, sni, 0))
		return engine_closed(tls);

	deadline = p->now_ms(p->ctx) + timeout_ms;
	for (;;) {
		unsigned st;
		uint32_t left;

		r = pump(tls);
		if (r < 0)
			return r;
		st = br_ssl_engine_current_state(eng(tls));
		if (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))
			break;
		left = moor_ms_left(p, deadline);
		if (left == 0)
			return fail(tls, MOOR_ERR_TIMEOUT);
		r = tls_wait(&tls->base, MOOR_IO_READ | MOOR_IO_WRITE, left);
		if (r < 0)
			return r;
	}

	tls->state = ST_OPEN;
	br_ssl_engine_get_session_parameters(eng(tls), &sp);
	tls->info.version = br_ssl_engine_get_version(eng(tls));
	tls->info.cipher_suite = sp.cipher_suite;
	tls->info.group = (uint16_t)br_ssl_engine_get_ecdhe_curve(eng(tls));
	tls->info.anchor_index = tls->x509.anchor_index;
	tls->info.peer_dn_len = tls->x509.dn_overflow ? 0 : tls->x509.dn_len;
	tls->info.resumed = 0;
	moor_log(p, MOOR_LOG_INFO, "tls", "handshake done, version", tls->info.version);
	return MOOR_OK;
}

void moor_tls_close(moor_tls *tls, uint32_t timeout_ms)
{
	const moor_platform *p;
	uint32_t deadline;

	if (tls == NULL)
		return;
	p = tls->plat;
	if (tls->state == ST_OPEN && tls->err == 0) {
		br_ssl_engine_close(eng(tls));
		deadline = p->now_ms(p->ctx) + timeout_ms;
		/* Flush our close_notify; do not wait for the peer's. */
		for (;;) {
			unsigned st = br_ssl_engine_current_state(eng(tls));
			unsigned char *buf;
			size_t len;
			uint32_t left;
			int r;

			if ((st & BR_SSL_CLOSED) || !(st & BR_SSL_SENDREC))
				break;
			buf = br_ssl_engine_sendrec_buf(eng(tls), &len);
			r = moor_transport_send(tls->lower, buf, len);
			if (r < 0)
				break;
			if (r > 0) {
				br_ssl_engine_sendrec_ack(eng(tls), (size_t)r);
				continue;
			}
			left = moor_ms_left(p, deadline);
			if (left == 0 || moor_transport_wait(tls->lower, MOOR_IO_WRITE, left) <= 0)
				break;
		}
		moor_io_flush(tls->lower, p, moor_ms_left(p, deadline));
	}
	tls_close(&tls->base);
}

const moor_tls_info *moor_tls_get_info(const moor_tls *tls)
{
	if (tls == NULL || (tls->state != ST_OPEN && tls->state != ST_PASS))
		return NULL;
	return &tls->info;
}

const char *moor_tls_version_name(uint16_t version)
{
	switch (version) {
	case 0:
		return "none";
	case MOOR_TLS_1_2:
		return "TLSv1.2";
	case MOOR_TLS_1_3:
		return "TLSv1.3";
	default:
		return "unknown";
	}
}

const char *moor_tls_suite_name(uint16_t suite)
{
	switch (suite) {
	case BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
		return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
	case BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:
		return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
	case BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
		return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
	case BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:
		return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
	case BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
		return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
	case BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:
		return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
	case 0x1301:
		return "TLS_AES_128_GCM_SHA256";
	case 0x1302:
		return "TLS_AES_256_GCM_SHA384";
	case 0x1303:
		return "TLS_CHACHA20_POLY1305_SHA256";
	default:
		return "unknown";
	}
}

const char *moor_tls_group_name(uint16_t group)
{
	switch (group) {
	case 23:
		return "secp256r1";
	case 24:
		return "secp384r1";
	case 25:
		return "secp521r1";
	case 29:
		return "x25519";
	case 30:
		return "x448";
	default:
		return "unknown";
	}
}
