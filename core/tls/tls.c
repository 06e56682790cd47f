/*
 * The moor_tls session: a transport that runs TLS over a lower transport.
 *
 * TLS 1.2 is BearSSL's client engine. The engine does no I/O: pump()
 * moves records between it and the lower transport without ever blocking,
 * and wait() is the only place that sleeps (in the lower transport's
 * wait(), with the caller's deadline).
 */
#include <string.h>

#include "moor/ec_small.h"
#include "moor/status.h"
#include "moor/tls.h"

enum {
	ST_NEW = 0,      /* initialised, no handshake yet */
	ST_HANDSHAKE,    /* handshake in progress */
	ST_OPEN,         /* application data may flow */
	ST_PASS,         /* MOOR_SSL_DISABLE: bytes pass through in clear */
	ST_CLOSED        /* closed locally or failed */
};

#if MOOR_CONFIG_TLS12
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
#endif

static moor_tls *self(moor_transport *t)
{
	return (moor_tls *)(void *)t;
}

#if MOOR_CONFIG_TLS12
#define V13(tls) ((tls)->v13)
static br_ssl_engine_context *eng(moor_tls *tls)
{
	return &tls->u.sc.eng;
}
#else
/* Built without TLS 1.2: the TLS 1.3 engine always runs, and the
 * compiler drops the BearSSL branches below as dead code. */
#define V13(tls) 1
#define eng(tls) ((br_ssl_engine_context *)NULL)
#endif

/* One driver for both engines: the TLS 1.3 engine's state bits are
 * BearSSL's. */
#if MOOR_TLS13_CLOSED != BR_SSL_CLOSED || MOOR_TLS13_SENDREC != BR_SSL_SENDREC \
	|| MOOR_TLS13_RECVREC != BR_SSL_RECVREC || MOOR_TLS13_SENDAPP != BR_SSL_SENDAPP \
	|| MOOR_TLS13_RECVAPP != BR_SSL_RECVAPP
#error "TLS 1.3 engine state bits must equal BearSSL's"
#endif

static unsigned e_state(moor_tls *tls)
{
	return V13(tls) ? moor_tls13_state(&tls->u.e13) : br_ssl_engine_current_state(eng(tls));
}

static unsigned char *e_sendrec_buf(moor_tls *tls, size_t *len)
{
	return V13(tls) ? moor_tls13_sendrec_buf(&tls->u.e13, len)
		: br_ssl_engine_sendrec_buf(eng(tls), len);
}

static void e_sendrec_ack(moor_tls *tls, size_t len)
{
	if (V13(tls))
		moor_tls13_sendrec_ack(&tls->u.e13, len);
	else
		br_ssl_engine_sendrec_ack(eng(tls), len);
}

static unsigned char *e_recvrec_buf(moor_tls *tls, size_t *len)
{
	return V13(tls) ? moor_tls13_recvrec_buf(&tls->u.e13, len)
		: br_ssl_engine_recvrec_buf(eng(tls), len);
}

static void e_recvrec_ack(moor_tls *tls, size_t len)
{
	if (V13(tls))
		moor_tls13_recvrec_ack(&tls->u.e13, len);
	else
		br_ssl_engine_recvrec_ack(eng(tls), len);
}

static unsigned char *e_sendapp_buf(moor_tls *tls, size_t *len)
{
	return V13(tls) ? moor_tls13_sendapp_buf(&tls->u.e13, len)
		: br_ssl_engine_sendapp_buf(eng(tls), len);
}

static void e_sendapp_ack(moor_tls *tls, size_t len)
{
	if (V13(tls))
		moor_tls13_sendapp_ack(&tls->u.e13, len);
	else
		br_ssl_engine_sendapp_ack(eng(tls), len);
}

static unsigned char *e_recvapp_buf(moor_tls *tls, size_t *len)
{
	return V13(tls) ? moor_tls13_recvapp_buf(&tls->u.e13, len)
		: br_ssl_engine_recvapp_buf(eng(tls), len);
}

static void e_recvapp_ack(moor_tls *tls, size_t len)
{
	if (V13(tls))
		moor_tls13_recvapp_ack(&tls->u.e13, len);
	else
		br_ssl_engine_recvapp_ack(eng(tls), len);
}

static void e_flush(moor_tls *tls)
{
	if (V13(tls))
		moor_tls13_flush(&tls->u.e13);
	else
		br_ssl_engine_flush(eng(tls), 0);
}

static void e_close(moor_tls *tls)
{
	if (V13(tls))
		moor_tls13_close(&tls->u.e13);
	else
		br_ssl_engine_close(eng(tls));
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
	int e;

	if (V13(tls)) {
		e = moor_tls13_last_error(&tls->u.e13);
		if (e == 0) {
			if (tls->err == 0)
				tls->err = MOOR_ERR_CLOSED;
			tls->state = ST_CLOSED;
			return tls->err;
		}
		return fail(tls, e);
	}
	e = br_ssl_engine_last_error(eng(tls));

	if (e == BR_ERR_OK) {
		/* Orderly: the peer's close_notify (or ours completed). */
		if (tls->err == 0)
			tls->err = MOOR_ERR_CLOSED;
		tls->state = ST_CLOSED;
		return tls->err;
	}
	if (e >= BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32 && tls->x509->status != MOOR_OK)
		return fail(tls, tls->x509->status);
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
		st = e_state(tls);
		if (st & BR_SSL_CLOSED)
			return engine_closed(tls);
		if (st & BR_SSL_SENDREC) {
			buf = e_sendrec_buf(tls, &len);
			r = moor_transport_send(tls->lower, buf, len);
			if (r < 0)
				return fail(tls, r);
			if (r > 0) {
				e_sendrec_ack(tls, (size_t)r);
				moved = 1;
			}
		}
		if (st & BR_SSL_RECVREC) {
			buf = e_recvrec_buf(tls, &len);
			r = moor_transport_recv(tls->lower, buf, len);
			if (r == MOOR_ERR_CLOSED) {
				/* TCP ended without close_notify: the stream was cut
				 * if the handshake is over for the engine (also when
				 * the handshake's last pump meets the end). */
				return fail(tls, tls->state == ST_OPEN
					|| (e_state(tls) & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))
					? MOOR_ERR_TLS_TRUNCATED : MOOR_ERR_CLOSED);
			}
			if (r < 0)
				return fail(tls, r);
			if (r > 0) {
				e_recvrec_ack(tls, (size_t)r);
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
	buf = e_sendapp_buf(tls, &avail);
	if (buf == NULL)
		return 0;
	if (avail > len)
		avail = len;
	if (avail > 0x7fffffff)
		avail = 0x7fffffff;
	memcpy(buf, data, avail);
	e_sendapp_ack(tls, avail);
	/* One record per call: send() is handed whole messages by the
	 * protocols, and a record should not wait for more data. */
	e_flush(tls);
	/* The bytes are the engine's now: report them as accepted even if
	 * pushing them out fails. The error is sticky, so the next call
	 * reports it; returning it here would make the caller believe data
	 * that may have reached the peer was never sent. */
	(void)pump(tls);
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
		buf = e_recvapp_buf(tls, &avail);
		if (buf != NULL) {
			if (avail > len)
				avail = len;
			if (avail > 0x7fffffff)
				avail = 0x7fffffff;
			memcpy(out, buf, avail);
			e_recvapp_ack(tls, avail);
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
	e_flush(tls);
	r = pump(tls);
	if (r < 0)
		return r;
	if (e_state(tls) & BR_SSL_SENDREC)
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

		st = e_state(tls);
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

	if (tls->v13)
		moor_tls13_wipe(&tls->u.e13);

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

#if MOOR_CONFIG_TLS12
/* Set up BearSSL's TLS 1.2 client engine over the session's buffer. */
static int setup12(moor_tls *tls)
{
	const moor_tls_config *cfg = tls->cfg;
	br_ssl_engine_context *e = eng(tls);
	unsigned frag = tls->info.record_limit;
	uint8_t seed[32];
	int r;

	tls->v13 = 0;
	br_ssl_client_zero(&tls->u.sc);
	br_ssl_engine_set_versions(e, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(e, suites, sizeof suites / sizeof suites[0]);
	br_ssl_engine_set_default_rsavrfy(e);
	br_ssl_engine_set_default_ecdsa(e);
	br_ssl_engine_set_hash(e, br_sha256_ID, &br_sha256_vtable);
#if MOOR_CONFIG_SHA384
	br_ssl_engine_set_hash(e, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(e, br_sha512_ID, &br_sha512_vtable);
#endif
	br_ssl_engine_set_prf_sha256(e, &br_tls12_sha256_prf);
#if MOOR_CONFIG_SHA384
	br_ssl_engine_set_prf_sha384(e, &br_tls12_sha384_prf);
#endif
	br_ssl_engine_set_default_aes_gcm(e);
#if MOOR_CONFIG_TLS_CHACHA20
	br_ssl_engine_set_default_chapol(e);
#endif
	br_ssl_engine_set_x509(e, &tls->x509->vtable);
	/* No renegotiation, ever. */
	br_ssl_engine_add_flags(e, BR_OPT_NO_RENEGOTIATION);

	if (cfg->client != NULL) {
		const moor_credentials *cr = cfg->client;

		if (cr->sign != NULL)
			return MOOR_ERR_UNSUPPORTED;  /* signing hooks: TLS 1.3 only */
		if (cr->key_type == BR_KEYTYPE_RSA) {
			br_ssl_client_set_single_rsa(&tls->u.sc, cr->chain, cr->chain_len,
				&cr->rsa, br_rsa_pkcs1_sign_get_default());
		} else if (cr->key_type == BR_KEYTYPE_EC) {
			br_ssl_client_set_single_ec(&tls->u.sc, cr->chain, cr->chain_len,
				&cr->ec, BR_KEYTYPE_SIGN, 0, MOOR_CONFIG_EC_IMPL,
				br_ecdsa_sign_asn1_get_default());
		} else {
			return MOOR_ERR_BAD_KEY;
		}
	}

	/* In and out buffers sized for `frag`: a smaller frag makes BearSSL
	 * ask the server for max_fragment_length. */
	br_ssl_engine_set_buffers_bidi(e, tls->iobuf,
		tls->iobuf_len - (frag + MOOR_TLS_OUT_OVERHEAD),
		tls->iobuf + tls->iobuf_len - (frag + MOOR_TLS_OUT_OVERHEAD),
		frag + MOOR_TLS_OUT_OVERHEAD);

	r = tls->plat->entropy(tls->plat->ctx, seed, sizeof seed);
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
#endif

/* Set up our TLS 1.3 engine over the session's buffer. */
static int setup13(moor_tls *tls)
{
	const moor_tls_config *cfg = tls->cfg;
	unsigned frag = tls->info.record_limit;
	size_t out_len = frag + MOOR_TLS_OUT_OVERHEAD;
	moor_tls13_params p;

	memset(&p, 0, sizeof p);
	p.server_name = tls->sni;
	p.x509 = tls->x509;
	p.client = cfg->client;
	p.ticket = cfg->ticket;
	p.groups = cfg->groups;
	p.n_groups = cfg->n_groups;
	p.n_shares = cfg->key_shares;
	p.ec = MOOR_CONFIG_EC_IMPL;
	tls->v13 = 1;
	return moor_tls13_init(&tls->u.e13, &p, tls->plat, tls->iobuf,
		tls->iobuf_len - out_len, tls->iobuf + tls->iobuf_len - out_len, out_len, frag);
}

/*
 * Where the certificate validator lives: in cfg->scratch (aligned up to 8
 * bytes) when the caller lends memory for the handshake, else in the
 * session itself (MOOR_CONFIG_TLS_X509_INLINE).
 */
static int place_validator(moor_tls *tls, const moor_tls_config *cfg)
{
	if (cfg->scratch != NULL) {
		uintptr_t a = ((uintptr_t)cfg->scratch + 7u) & ~(uintptr_t)7u;

		if (cfg->scratch_len < MOOR_TLS_SCRATCH_SIZE)
			return MOOR_ERR_BUFFER_TOO_SMALL;
		tls->x509 = (moor_x509 *)a;
		return MOOR_OK;
	}
#if MOOR_CONFIG_TLS_X509_INLINE
	tls->x509 = &tls->x509_inline;
	return MOOR_OK;
#else
	return MOOR_ERR_CONFIG;  /* built without a validator in the session */
#endif
}

int moor_tls_init(moor_tls *tls, const moor_tls_config *cfg,
	const moor_platform *plat, uint8_t *buf, size_t buf_len)
{
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
	vmax = cfg->version_max ? cfg->version_max : MOOR_TLS_1_3;
#if !MOOR_CONFIG_TLS12
	if (vmin < MOOR_TLS_1_3)
		vmin = MOOR_TLS_1_3;  /* built without TLS 1.2 */
#endif
	if (vmin > vmax || vmin < MOOR_TLS_1_2 || vmax > MOOR_TLS_1_3)
		return MOOR_ERR_CONFIG;
	tls->vmin = vmin;
	tls->vmax = vmax;
	if (cfg->mode == MOOR_SSL_VERIFY_FULL && cfg->server_name == NULL)
		return MOOR_ERR_CONFIG;
	if (cfg->server_name != NULL && strlen(cfg->server_name) > 255)
		return MOOR_ERR_CONFIG;
	if (cfg->client != NULL && cfg->client->chain_len == 0)
		return MOOR_ERR_CONFIG;
	r = place_validator(tls, cfg);
	if (r != MOOR_OK)
		return r;
	if (buf == NULL)
		return MOOR_ERR_INVALID_ARG;
	frag = frag_for(buf_len);
	if (frag == 0)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	if (plat->entropy == NULL)
		return MOOR_ERR_NO_ENTROPY;
	tls->sni = cfg->server_name;
	if (tls->sni != NULL && is_ip_literal(tls->sni))
		tls->sni = NULL; /* RFC 6066: no IP literals in SNI */

	tls->iobuf = buf;
	tls->iobuf_len = buf_len;
	tls->info.record_limit = (uint16_t)frag;
#if MOOR_CONFIG_TLS12
	r = vmax == MOOR_TLS_1_3 ? setup13(tls) : setup12(tls);
#else
	r = setup13(tls);
#endif
	if (r == MOOR_ERR_CONFIG || r == MOOR_ERR_INVALID_ARG)
		return MOOR_ERR_CONFIG;
	return r;
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

/* A fresh validator for this handshake, in the session or the scratch. */
static void start_validator(moor_tls *tls)
{
	const moor_tls_config *cfg = tls->cfg;
	const moor_anchors *anchors = cfg->anchors != NULL ? cfg->anchors : &moor_builtin_anchors;

	moor_x509_init(tls->x509, anchors, cfg->mode, tls->now, cfg->peer_dn, cfg->peer_dn_cap);
	tls->x509->expected_host = cfg->server_name;
}

/* Pump until the engine can carry application data, or fails. */
static int run_handshake(moor_tls *tls, uint32_t deadline)
{
	const moor_platform *p = tls->plat;

	for (;;) {
		unsigned st;
		uint32_t left;
		int r = pump(tls);

		if (r < 0)
			return r;
		st = e_state(tls);
		if (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))
			return MOOR_OK;
		left = moor_ms_left(p, deadline);
		if (left == 0)
			return fail(tls, MOOR_ERR_TIMEOUT);
		r = tls_wait(&tls->base, MOOR_IO_READ | MOOR_IO_WRITE, left);
		if (r < 0)
			return r;
	}
}

#if MOOR_CONFIG_TLS12
/* "DOWNGRD" + 01 / 00 at the end of a server random (RFC 8446 4.1.3). */
static int has_downgrade_sentinel(const unsigned char *random)
{
	static const uint8_t s[7] = { 0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44 };

	return memcmp(random + 24, s, 7) == 0 && random[31] <= 1;
}

/* The TLS 1.3 attempt was refused: TLS 1.2 on a fresh connection. */
static int fall_back(moor_tls *tls, uint32_t deadline)
{
	const moor_tls_config *cfg = tls->cfg;
	moor_transport *lower = NULL;
	int r;

	moor_tls13_wipe(&tls->u.e13);
	if (cfg->reconnect == NULL) {
		moor_log(tls->plat, MOOR_LOG_WARN, "tls",
			"server has no TLS 1.3 and no reconnect hook is set: no fallback to TLS 1.2", 0);
		return MOOR_ERR_TLS_VERSION;
	}
	moor_log(tls->plat, MOOR_LOG_INFO, "tls", "server refused TLS 1.3: TLS 1.2 on a new connection", 0);
	moor_transport_close(tls->lower);
	/* From here on the first attempt's refusal is no longer the story:
	 * a failed reconnect must report its own status. */
	tls->err = 0;
	r = cfg->reconnect(cfg->reconnect_ctx, &lower, moor_ms_left(tls->plat, deadline));
	if (r != MOOR_OK)
		return r;
	if (lower == NULL)
		return MOOR_ERR_INTERNAL;
	tls->lower = lower;
	tls->err = 0;
	tls->state = ST_HANDSHAKE;
	start_validator(tls);  /* the hook may have reused the scratch memory */
	r = setup12(tls);
	if (r != MOOR_OK)
		return r;
	if (!br_ssl_client_reset(&tls->u.sc, tls->sni, 0))
		return engine_closed(tls);
	r = run_handshake(tls, deadline);
	if (r != MOOR_OK)
		return r;
	if (has_downgrade_sentinel(eng(tls)->server_random))
		return MOOR_ERR_TLS_DOWNGRADE;
	tls->info.fell_back = 1;
	return MOOR_OK;
}
#endif

int moor_tls_handshake(moor_tls *tls, moor_transport *lower, uint32_t timeout_ms)
{
	const moor_tls_config *cfg;
	const moor_platform *p;
	uint32_t deadline;
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
	r = validation_time(tls, &tls->now);
	if (r != MOOR_OK)
		return fail(tls, r);
	start_validator(tls);

	tls->state = ST_HANDSHAKE;
	deadline = p->now_ms(p->ctx) + timeout_ms;
	if (V13(tls)) {
		r = moor_tls13_start(&tls->u.e13);
		if (r != MOOR_OK)
			return fail(tls, r);
		r = run_handshake(tls, deadline);
#if MOOR_CONFIG_TLS12
		if (r != MOOR_OK && tls->u.e13.fallback_ok && tls->vmin <= MOOR_TLS_1_2) {
			/* Refused as a TLS 1.2-only server refuses: try 1.2. */
			moor_io_flush(tls->lower, p, 0);  /* our alert, best effort */
			r = fall_back(tls, deadline);
			if (r != MOOR_OK)
				return fail(tls, r);
		} else
#endif
		if (r == MOOR_STATUS_ALERT_RECEIVED(MOOR_ALERT_PROTOCOL_VERSION)
			&& tls->u.e13.fallback_ok) {
			/* TLS 1.3 only, and the server has no TLS 1.3. */
			tls->err = MOOR_ERR_TLS_VERSION;
			return tls->err;
		} else if (r != MOOR_OK) {
			return r;
		}
	}
#if MOOR_CONFIG_TLS12
	else {
		if (!br_ssl_client_reset(&tls->u.sc, tls->sni, 0))
			return engine_closed(tls);
		r = run_handshake(tls, deadline);
		if (r != MOOR_OK)
			return r;
	}
#endif

	tls->state = ST_OPEN;
	if (V13(tls)) {
		moor_tls13_engine *e = &tls->u.e13;

		tls->info.version = MOOR_TLS_1_3;
		tls->info.cipher_suite = e->suite;
		tls->info.group = e->group;
		tls->info.resumed = e->resumed;
		tls->info.hrr = e->hrr;
		tls->info.record_limit = e->frag;
	}
#if MOOR_CONFIG_TLS12
	else {
		br_ssl_session_parameters sp;

		br_ssl_engine_get_session_parameters(eng(tls), &sp);
		tls->info.version = br_ssl_engine_get_version(eng(tls));
		tls->info.cipher_suite = sp.cipher_suite;
		tls->info.group = (uint16_t)br_ssl_engine_get_ecdhe_curve(eng(tls));
		tls->info.resumed = 0;
	}
#endif
	if (!tls->info.resumed) {
		tls->info.anchor_index = tls->x509->anchor_index;
		tls->info.peer_dn_len = tls->x509->dn_overflow ? 0 : tls->x509->dn_len;
	}
	moor_log(p, MOOR_LOG_INFO, "tls", "handshake done, version", tls->info.version);
	return MOOR_OK;
}

unsigned moor_tls_tickets(const moor_tls *tls, unsigned *received)
{
	int v13 = tls != NULL && tls->v13;

	if (received != NULL)
		*received = v13 ? tls->u.e13.tickets_seen : 0;
	return v13 ? tls->u.e13.tickets : 0;
}

/* Let the engine take in what the server sent after the handshake (a
 * NewSessionTicket, a KeyUpdate, an alert) for up to `timeout_ms`,
 * without reading application data. */
int moor_tls_poll(moor_tls *tls, uint32_t timeout_ms)
{
	const moor_platform *p;
	uint32_t deadline;
	unsigned events0;

	if (tls == NULL || tls->state != ST_OPEN)
		return MOOR_ERR_STATE;
	p = tls->plat;
	deadline = p->now_ms(p->ctx) + timeout_ms;
	events0 = V13(tls) ? tls->u.e13.posths_total : 0;
	for (;;) {
		uint32_t left;
		int r = pump(tls);

		if (e_state(tls) & BR_SSL_RECVAPP)
			return (int)MOOR_IO_READ;
		if (r < 0)
			return r;
		if (V13(tls) && tls->u.e13.posths_total != events0)
			return 0;  /* a ticket or KeyUpdate was processed */
		left = moor_ms_left(p, deadline);
		if (left == 0 || !(e_state(tls) & BR_SSL_RECVREC))
			return 0;
		r = moor_transport_wait(tls->lower, MOOR_IO_READ, left);
		if (r < 0)
			return r;
	}
}

void moor_tls_close(moor_tls *tls, uint32_t timeout_ms)
{
	const moor_platform *p;
	uint32_t deadline;

	if (tls == NULL)
		return;
	p = tls->plat;
	if (tls->state == ST_OPEN && tls->err == 0) {
		e_close(tls);
		deadline = p->now_ms(p->ctx) + timeout_ms;
		/* Flush our close_notify; do not wait for the peer's. */
		for (;;) {
			unsigned st = e_state(tls);
			unsigned char *buf;
			size_t len;
			uint32_t left;
			int r;

			if ((st & BR_SSL_CLOSED) || !(st & BR_SSL_SENDREC))
				break;
			buf = e_sendrec_buf(tls, &len);
			r = moor_transport_send(tls->lower, buf, len);
			if (r < 0)
				break;
			if (r > 0) {
				e_sendrec_ack(tls, (size_t)r);
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
