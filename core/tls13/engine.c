/*
 * The TLS 1.3 client engine: the handshake state machine that joins the
 * message codec (msg.c), the key schedule and record layer (keysched.c,
 * record.c), the X.509 validator and RSA-PSS. No I/O: see
 * moor/tls13_engine.h for how a driver moves the bytes.
 *
 * Layout of the work:
 *  - receive: one record at a time into ibuf (at r_at), opened in place;
 *    handshake content goes through feed_hs(), which hands whole messages
 *    to handle_msg() (in place when a message lies within one record,
 *    else reassembled in hs_buf) and streams the server's Certificate
 *    into the X.509 engine;
 *  - send: advance() fills obuf with the next record whenever it is empty
 *    and something is due (ClientHello pieces, the client flight, a
 *    KeyUpdate, an alert, close_notify); application data is written at
 *    obuf + 5 and sealed on flush.
 */
#include <string.h>

#include "moor/ec_small.h"
#include "moor/rsa_pss.h"
#include "moor/status.h"
#include "moor/tls13_engine.h"

/* Handshake states. */
enum {
	HS_IDLE = 0,   /* init done, start() not called */
	HS_CH,         /* emitting a ClientHello */
	HS_SH,         /* waiting for ServerHello / HelloRetryRequest */
	HS_EE,         /* waiting for EncryptedExtensions */
	HS_CERT_CR,    /* waiting for CertificateRequest or Certificate */
	HS_CERT,       /* waiting for Certificate */
	HS_CV,         /* waiting for CertificateVerify */
	HS_FIN,        /* waiting for the server Finished */
	HS_FLIGHT,     /* emitting the client flight */
	HS_DONE        /* application data */
};

/* Steps of the client flight. */
enum { FL_CCS = 0, FL_CERT, FL_CV, FL_FIN };

#define NO_ALERT 0xff
#define CT_CCS   MOOR_TLS13_CT_CHANGE_CIPHER_SPEC
#define CT_ALERT MOOR_TLS13_CT_ALERT
#define CT_HS    MOOR_TLS13_CT_HANDSHAKE
#define CT_APP   MOOR_TLS13_CT_APPLICATION_DATA

/* Post-handshake reassembly in the front of ibuf: only small messages
 * (KeyUpdate, a ticket split across records); larger tickets are dropped. */
#define POSTHS_REASSEMBLY 260

static const uint16_t default_groups[] = { 29, 23, 24 };
static const uint16_t default_suites[] = {
	MOOR_TLS13_AES_128_GCM_SHA256,
#if MOOR_CONFIG_TLS_CHACHA20
	MOOR_TLS13_CHACHA20_POLY1305_SHA256,
#endif
#if MOOR_CONFIG_TLS_AES256
	MOOR_TLS13_AES_256_GCM_SHA384,
#endif
};

/*
 * What we accept in CertificateVerify (and offer as signature_algorithms),
 * and in the chain (signature_algorithms_cert: also RSA PKCS#1 and ECDSA
 * P-521). Without P-384 in the EC implementation (moor_ec_small), the
 * ECDSA schemes it cannot verify are not offered, so a server picks
 * another certificate or fails early instead of at the signature.
 */
#if MOOR_CONFIG_SHA384
static const uint16_t sig_algs[] = { 0x0403, 0x0503, 0x0804, 0x0805, 0x0806 };
static const uint16_t sig_algs_cert[] = {
	0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601
};
static const uint16_t sig_algs_p256[] = { 0x0403, 0x0804, 0x0805, 0x0806 };
static const uint16_t sig_algs_cert_p256[] = {
	0x0403, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601
};
#else
/* SHA-256 only: no P-384 schemes either way. */
static const uint16_t sig_algs[] = { 0x0403, 0x0804 };
static const uint16_t sig_algs_cert[] = { 0x0403, 0x0804, 0x0401 };
#define sig_algs_p256 sig_algs
#define sig_algs_cert_p256 sig_algs_cert
#endif

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* The two lists for our EC implementation. */
static const uint16_t *offered_sig_algs(const moor_tls13_engine *e, size_t *n,
	const uint16_t **cert, size_t *n_cert)
{
	if ((e->p.ec->supported_curves >> BR_EC_secp384r1) & 1) {
		*cert = sig_algs_cert;
		*n_cert = COUNT(sig_algs_cert);
		*n = COUNT(sig_algs);
		return sig_algs;
	}
	*cert = sig_algs_cert_p256;
	*n_cert = COUNT(sig_algs_cert_p256);
	*n = COUNT(sig_algs_p256);
	return sig_algs_p256;
}

static const char cv_server_ctx[] = "TLS 1.3, server CertificateVerify";
static const char cv_client_ctx[] = "TLS 1.3, client CertificateVerify";

/* ------------------------------------------------------------------ */
/* Small helpers. */

static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

static uint32_t now_ms(const moor_tls13_engine *e)
{
	return e->plat->now_ms(e->plat->ctx);
}

static int in_list(const uint16_t *l, size_t n, unsigned v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (l[i] == v)
			return 1;
	}
	return 0;
}

static const br_hash_class *scheme_hash(unsigned scheme)
{
	switch (scheme) {
	case 0x0403:
	case 0x0804:
		return &br_sha256_vtable;
#if MOOR_CONFIG_SHA384
	case 0x0503:
	case 0x0805:
		return &br_sha384_vtable;
	case 0x0806:
		return &br_sha512_vtable;
#endif
	default:
		return NULL;
	}
}

static size_t hash_len(const br_hash_class *h)
{
	return (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

static void name_hash(const char *name, uint8_t out[16])
{
	br_sha256_context c;
	uint8_t h[32];

	br_sha256_init(&c);
	if (name != NULL)
		br_sha256_update(&c, name, strlen(name));
	br_sha256_out(&c, h);
	memcpy(out, h, 16);
}

/*
 * Record the first error and queue its alert. Returns the sticky status.
 * The alert goes out once obuf is free (see advance()).
 */
static int fail(moor_tls13_engine *e, int st, unsigned alert)
{
	if (e->err == 0) {
		e->err = st;
		e->alert = (uint8_t)alert;
		e->app_len = 0;
		e->app_out = 0;
		e->skip_left = 0;
		moor_log(e->plat, MOOR_LOG_WARN, "tls13", "handshake/record failure", st);
	}
	return e->err;
}

static int x509_alert(int st)
{
	switch (st) {
	case MOOR_ERR_X509_EXPIRED:
	case MOOR_ERR_X509_NOT_YET_VALID:
		return MOOR_ALERT_CERTIFICATE_EXPIRED;
	case MOOR_ERR_X509_UNKNOWN_CA:
	case MOOR_ERR_X509_SELF_SIGNED:
	case MOOR_ERR_X509_CHAIN_INCOMPLETE:
		return MOOR_ALERT_UNKNOWN_CA;
	case MOOR_ERR_X509_UNSUPPORTED:
		return MOOR_ALERT_UNSUPPORTED_CERTIFICATE;
	case MOOR_ERR_X509_EMPTY_CHAIN:
		return MOOR_ALERT_DECODE_ERROR;
	default:
		return MOOR_ALERT_BAD_CERTIFICATE;
	}
}

/* ------------------------------------------------------------------ */
/* Init and the ClientHello. */

int moor_tls13_init(moor_tls13_engine *e, const moor_tls13_params *p,
	const moor_platform *plat, uint8_t *in, size_t in_len,
	uint8_t *out, size_t out_len, unsigned frag)
{
	uint8_t seed[32];
	const uint16_t *g, *s;
	size_t ng, ns, i;
	int r;

	if (e == NULL || p == NULL || plat == NULL || plat->now_ms == NULL
		|| in == NULL || out == NULL || p->x509 == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(e, 0, sizeof *e);
	if (frag != 512 && frag != 1024 && frag != 2048 && frag != 4096 && frag != 16384)
		return MOOR_ERR_INVALID_ARG;
	if (in_len < MOOR_TLS13_IN_BUFSIZE(frag) || out_len < MOOR_TLS13_OUT_BUFSIZE(frag))
		return MOOR_ERR_BUFFER_TOO_SMALL;
	e->plat = plat;
	e->p = *p;
	if (e->p.ec == NULL)
		e->p.ec = MOOR_CONFIG_EC_IMPL;

	g = p->groups != NULL ? p->groups : default_groups;
	ng = p->groups != NULL ? p->n_groups : sizeof default_groups / sizeof default_groups[0];
	for (i = 0; i < ng && e->n_groups < MOOR_TLS13_MAX_GROUPS; i++) {
		if ((g[i] == 29 || g[i] == 23 || g[i] == 24) && !in_list(e->groups, e->n_groups, g[i])
			&& (e->p.ec->supported_curves >> g[i] & 1) != 0)
			e->groups[e->n_groups++] = g[i];
	}
	s = p->suites != NULL ? p->suites : default_suites;
	ns = p->suites != NULL ? p->n_suites : sizeof default_suites / sizeof default_suites[0];
	for (i = 0; i < ns && e->n_suites < MOOR_TLS13_MAX_SUITES; i++) {
		if (moor_tls13_suite_hash(s[i]) != NULL && !in_list(e->suites, e->n_suites, s[i])
			&& (MOOR_CONFIG_TLS_CHACHA20 || s[i] != MOOR_TLS13_CHACHA20_POLY1305_SHA256))
			e->suites[e->n_suites++] = s[i];
	}
	e->n_kx = (uint8_t)(p->n_shares == 0 ? 1 : p->n_shares);
	if (e->n_groups == 0 || e->n_suites == 0 || e->n_kx > MOOR_TLS13_MAX_SHARES
		|| e->n_kx > e->n_groups)
		return MOOR_ERR_CONFIG;
	if (p->client != NULL && (p->client->chain_len == 0
			|| (p->client->key_type != BR_KEYTYPE_RSA && p->client->key_type != BR_KEYTYPE_EC)))
		return MOOR_ERR_CONFIG;

	e->ibuf = in;
	e->icap = in_len;
	e->obuf = out;
	e->ocap = out_len;
	e->frag = (uint16_t)(frag > 16384 ? 16384 : frag);
	e->tx_max = e->frag;
	e->hs_buf = out;
	e->hs_cap = out_len;
	e->alert = NO_ALERT;

	if (plat->entropy == NULL)
		return MOOR_ERR_NO_ENTROPY;
	r = plat->entropy(plat->ctx, seed, sizeof seed);
	if (r != MOOR_OK) {
		wipe(seed, sizeof seed);
		return MOOR_ERR_NO_ENTROPY;
	}
	br_hmac_drbg_init(&e->rng, &br_sha256_vtable, seed, sizeof seed);
	wipe(seed, sizeof seed);
	moor_tls13_transcript_init(&e->tr);
	return MOOR_OK;
}

/* Generate the private key and public share for group `g` into kx. */
static int make_share(moor_tls13_engine *e, moor_tls13_kx *kx, uint16_t g)
{
	br_ec_private_key sk;
	size_t n;

	n = br_ec_keygen(&e->rng.vtable, e->p.ec, &sk, kx->priv, g);
	if (n == 0 || n > sizeof kx->priv)
		return MOOR_ERR_INTERNAL;
	kx->priv_len = (uint8_t)n;
	n = br_ec_compute_pub(e->p.ec, NULL, kx->pub, &sk);
	if (n == 0 || n > sizeof kx->pub)
		return MOOR_ERR_INTERNAL;
	kx->pub_len = (uint8_t)n;
	kx->group = g;
	return MOOR_OK;
}

static unsigned mfl_code(unsigned frag)
{
	switch (frag) {
	case 512:
		return 1;
	case 1024:
		return 2;
	case 2048:
		return 3;
	case 4096:
		return 4;
	default:
		return 0;
	}
}

/* Describe our ClientHello (binder: NULL for the truncated form). */
static void ch_describe(moor_tls13_engine *e, moor_tls13_client_hello *ch,
	moor_tls13_key_share *shares, const uint8_t *binder)
{
	const moor_tls13_ticket *t = e->p.ticket;
	size_t i;

	memset(ch, 0, sizeof *ch);
	ch->random = e->random;
	ch->session_id = e->sid;
	ch->session_id_len = e->p.no_compat ? 0 : 32;
	ch->server_name = e->p.server_name;
	ch->suites = e->suites;
	ch->n_suites = e->n_suites;
	ch->groups = e->groups;
	ch->n_groups = e->n_groups;
	for (i = 0; i < e->n_kx; i++) {
		shares[i].group = e->kx[i].group;
		shares[i].pub = e->kx[i].pub;
		shares[i].pub_len = e->kx[i].pub_len;
	}
	ch->shares = shares;
	ch->n_shares = e->n_kx;
	ch->sig_algs = offered_sig_algs(e, &ch->n_sig_algs, &ch->sig_algs_cert,
		&ch->n_sig_algs_cert);
	if (e->frag < 16384) {
		ch->record_size_limit = (uint16_t)(e->frag + 1);
		ch->max_fragment_code = (uint8_t)mfl_code(e->frag);
	}
	ch->cookie = e->cookie;
	ch->cookie_len = e->cookie_len;
	if (e->binder_len != 0) {
		ch->psk_identity = t->data;
		ch->psk_identity_len = t->len;
		ch->psk_age = e->psk_age;
		ch->binder = binder;
		ch->binder_len = e->binder_len;
	}
}

/* Is the stored ticket usable for this connection? */
static int ticket_usable(moor_tls13_engine *e)
{
	moor_tls13_ticket *t = e->p.ticket;
	uint8_t h[16];
	uint32_t age;

	if (t == NULL || !t->valid || t->len == 0 || t->len > sizeof t->data
		|| !in_list(e->suites, e->n_suites, t->suite)
		|| t->psk_len != hash_len(moor_tls13_suite_hash(t->suite)))
		return 0;
	name_hash(e->p.server_name, h);
	if (memcmp(h, t->name_hash, sizeof h) != 0)
		return 0;
	age = now_ms(e) - t->issued_ms;
	if (age / 1000 >= t->lifetime) {
		t->valid = 0;  /* expired: forget it */
		return 0;
	}
	e->psk_age = age + t->age_add;
	return 1;
}

/*
 * Fix the ClientHello: its length and, with a PSK, its binder (RFC 8446
 * 4.2.11.2): HMAC over the transcript so far plus the ClientHello up to
 * the binders, with the binder key of the ticket's PSK. obuf is free at
 * this point and serves as scratch to encode the ClientHello piecewise.
 */
static int ch_prepare(moor_tls13_engine *e)
{
	moor_tls13_client_hello ch;
	moor_tls13_key_share shares[MOOR_TLS13_MAX_SHARES];
	size_t total, done;
	int r;

	ch_describe(e, &ch, shares, NULL);
	r = moor_tls13_client_hello_window(&ch, 0, NULL, 0, &total);
	if (r != MOOR_OK)
		return r;
	if (e->binder_len != 0) {
		const moor_tls13_ticket *t = e->p.ticket;
		const br_hash_class *h = moor_tls13_suite_hash(t->suite);
		moor_tls13_transcript tmp = e->tr;
		moor_tls13_ks ks;
		uint8_t th[MOOR_TLS13_HASH_MAX], key[MOOR_TLS13_HASH_MAX];
		size_t trunc = total - (3 + e->binder_len);

		for (done = 0; done < trunc; ) {
			size_t n = trunc - done < e->ocap ? trunc - done : e->ocap;
			size_t dummy;

			moor_tls13_client_hello_window(&ch, done, e->obuf, n, &dummy);
			moor_tls13_transcript_update(&tmp, e->obuf, n);
			done += n;
		}
		r = moor_tls13_transcript_hash(&tmp, h, th) > 0 ? MOOR_OK : MOOR_ERR_INTERNAL;
		if (r == MOOR_OK)
			r = moor_tls13_ks_init(&ks, t->suite);
		if (r == MOOR_OK)
			r = moor_tls13_ks_early(&ks, t->psk, t->psk_len);
		if (r == MOOR_OK)
			r = moor_tls13_ks_binder_key(&ks, 0, key);
		if (r == MOOR_OK)
			r = moor_tls13_finished(h, key, th, e->binder);
		moor_tls13_ks_wipe(&ks);
		moor_tls13_transcript_wipe(&tmp);
		wipe(key, sizeof key);
		if (r != MOOR_OK)
			return r;
	}
	e->ch_len = total;
	e->ch_sent = 0;
	e->hs = HS_CH;
	return MOOR_OK;
}

static void advance(moor_tls13_engine *e);

int moor_tls13_start(moor_tls13_engine *e)
{
	unsigned i;
	int r = MOOR_OK;

	if (e == NULL || e->ibuf == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (e->hs != HS_IDLE)
		return MOOR_ERR_STATE;
	/* verify-full needs a name to match: never a silent skip of the
	 * host name check (moor_tls refuses this configuration earlier;
	 * direct users of the engine are held to it here). */
	if (e->p.x509->mode == MOOR_SSL_VERIFY_FULL && e->p.server_name == NULL
		&& e->p.x509->expected_host == NULL)
		return MOOR_ERR_CONFIG;
	br_hmac_drbg_generate(&e->rng, e->random, sizeof e->random);
	br_hmac_drbg_generate(&e->rng, e->sid, sizeof e->sid);
	for (i = 0; i < e->n_kx && r == MOOR_OK; i++)
		r = make_share(e, &e->kx[i], e->groups[i]);
	e->offered = MOOR_TLS13_OFFER_GROUPS;
	if (e->p.server_name != NULL)
		e->offered |= MOOR_TLS13_OFFER_SNI;
	if (e->frag < 16384)
		e->offered |= MOOR_TLS13_OFFER_MFL | MOOR_TLS13_OFFER_RSL;
	if (r == MOOR_OK && ticket_usable(e)) {
		e->binder_len = e->p.ticket->psk_len;
		e->psk_offered = 1;
	}
	if (r == MOOR_OK)
		r = ch_prepare(e);
	if (r != MOOR_OK)
		return fail(e, r, MOOR_ALERT_INTERNAL_ERROR);
	advance(e);
	return e->err;
}

/* ------------------------------------------------------------------ */
/* Sending. */

/* Seal obuf[5 .. 5 + n) as one record of `type` with the tx keys, or
 * frame it in clear before they exist. */
static int seal(moor_tls13_engine *e, size_t n, unsigned type)
{
	int r;

	if (!e->tx_keyed) {
		e->obuf[0] = (uint8_t)type;
		e->obuf[1] = 3;
		e->obuf[2] = (type == CT_HS && !e->hrr) ? 1 : 3;  /* 0x0301 for the first ClientHello */
		e->obuf[3] = (uint8_t)(n >> 8);
		e->obuf[4] = (uint8_t)n;
		e->o_len = 5 + n;
	} else {
		r = moor_tls13_rec_seal(&e->tx, e->obuf, e->ocap, n, (uint8_t)type, 0);
		if (r < 0)
			return fail(e, r == MOOR_ERR_STATE ? MOOR_ERR_STATE : MOOR_ERR_INTERNAL,
				MOOR_ALERT_INTERNAL_ERROR);
		e->o_len = (size_t)r;
	}
	e->o_off = 0;
	return MOOR_OK;
}

/* The dummy ChangeCipherSpec of middlebox compatibility mode. */
static void put_ccs(moor_tls13_engine *e)
{
	static const uint8_t ccs[6] = { CT_CCS, 3, 3, 0, 1, 1 };

	memcpy(e->obuf, ccs, sizeof ccs);
	e->o_off = 0;
	e->o_len = sizeof ccs;
	e->ccs_sent = 1;
}

/* Copy the part of segment [*at, *at + n) that falls in the window
 * [pos, pos + cap) to dst; advance *at. */
static void window_copy(size_t *at, const uint8_t *src, size_t n,
	size_t pos, uint8_t *dst, size_t cap)
{
	size_t a = *at, lo = a > pos ? a : pos, hi = a + n < pos + cap ? a + n : pos + cap;

	if (lo < hi)
		memcpy(dst + (lo - pos), src + (lo - a), hi - lo);
	*at += n;
}

static void put24(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

/* Length of our Certificate message (empty list when we have no
 * usable certificate). */
static size_t cert_msg_len(const moor_tls13_engine *e)
{
	size_t n = 4 + 1 + 3, i;

	if (e->client_scheme != 0) {
		for (i = 0; i < e->p.client->chain_len; i++)
			n += 3 + e->p.client->chain[i].data_len + 2;
	}
	return n;
}

/* Bytes [pos, pos + cap) of our Certificate message. */
static void cert_msg_window(const moor_tls13_engine *e, size_t pos, uint8_t *dst, size_t cap)
{
	uint8_t hdr[8], l[3];
	static const uint8_t no_ext[2] = { 0, 0 };
	size_t total = cert_msg_len(e), at = 0, i;

	hdr[0] = MOOR_HS_CERTIFICATE;
	put24(hdr + 1, total - 4);
	hdr[4] = 0;                     /* certificate_request_context: empty */
	put24(hdr + 5, total - 8);
	window_copy(&at, hdr, sizeof hdr, pos, dst, cap);
	if (e->client_scheme == 0)
		return;
	for (i = 0; i < e->p.client->chain_len; i++) {
		const br_x509_certificate *c = &e->p.client->chain[i];

		put24(l, c->data_len);
		window_copy(&at, l, 3, pos, dst, cap);
		window_copy(&at, c->data, c->data_len, pos, dst, cap);
		window_copy(&at, no_ext, 2, pos, dst, cap);
	}
}

/* Hash of the content a CertificateVerify signs (RFC 8446 4.4.3). */
static void cv_content_hash(const br_hash_class *h, const char *label,
	const uint8_t *th, size_t th_len, uint8_t *out)
{
	br_hash_compat_context c;
	uint8_t spaces[64];

	memset(spaces, 0x20, sizeof spaces);
	h->init(&c.vtable);
	h->update(&c.vtable, spaces, sizeof spaces);
	h->update(&c.vtable, label, strlen(label) + 1);  /* with its 0 byte */
	h->update(&c.vtable, th, th_len);
	h->out(&c.vtable, out);
}

/*
 * Our CertificateVerify. It is signed in place at obuf + 5 (all of obuf is
 * free at this point); if it is longer than one record may carry (a
 * server's record_size_limit, RFC 8449), it is then moved to the end of
 * obuf (e->fl_at), out of the way of the records that carry it a piece at
 * a time. Returns its length or a status.
 */
static int make_cv(moor_tls13_engine *e)
{
	const moor_credentials *cr = e->p.client;
	const br_hash_class *h = scheme_hash(e->client_scheme);
	uint8_t th[MOOR_TLS13_HASH_MAX], hv[64];
	uint8_t *msg = e->obuf + 5, *sig = msg + 8;
	size_t cap = e->ocap - 5 - 8 - 1 - MOOR_TLS13_TAG_LEN, hl = hash_len(h), total;
	int n;

	if (moor_tls13_transcript_hash(&e->tr, e->ks.hash, th) <= 0)
		return MOOR_ERR_INTERNAL;
	cv_content_hash(h, cv_client_ctx, th, e->ks.hash_len, hv);
	if (cr->sign != NULL) {
		n = cr->sign(cr->sign_ctx, e->client_scheme, hv, hl, sig, cap);
		if (n <= 0 || (size_t)n > cap)
			n = MOOR_ERR_TLS_CLIENT_AUTH;
	} else if (cr->key_type == BR_KEYTYPE_EC) {
		n = (int)br_ecdsa_sign_asn1_get_default()(e->p.ec, h, hv, &cr->ec, sig);
		if (n == 0)
			n = MOOR_ERR_TLS_CLIENT_AUTH;
	} else {
		uint8_t salt[64];

		br_hmac_drbg_generate(&e->rng, salt, hl);
		n = moor_rsa_pss_sign(br_rsa_private_get_default(), h, hv, hl, &cr->rsa,
			salt, hl, sig, cap);
		if (n == MOOR_ERR_BUFFER_TOO_SMALL)
			n = MOOR_ERR_BUFFER_TOO_SMALL;
		else if (n < 0)
			n = MOOR_ERR_TLS_CLIENT_AUTH;
	}
	wipe(hv, sizeof hv);
	if (n < 0)
		return n;
	msg[0] = MOOR_HS_CERTIFICATE_VERIFY;
	put24(msg + 1, (size_t)n + 4);
	msg[4] = (uint8_t)(e->client_scheme >> 8);
	msg[5] = (uint8_t)e->client_scheme;
	msg[6] = (uint8_t)(n >> 8);
	msg[7] = (uint8_t)n;
	total = (size_t)n + 8;
	e->fl_at = 5;
	if (total > e->tx_max) {
		/* Several records: stage it behind the first one. */
		if (5 + (size_t)e->tx_max + 1 + MOOR_TLS13_TAG_LEN + total > e->ocap)
			return MOOR_ERR_BUFFER_TOO_SMALL;
		e->fl_at = e->ocap - total;
		memmove(e->obuf + e->fl_at, msg, total);
	}
	return (int)total;
}

/* The next record of the client flight. */
static void flight_step(moor_tls13_engine *e)
{
	uint8_t th[MOOR_TLS13_HASH_MAX];
	size_t n;
	int r;

	if (e->fl == FL_CCS) {
		e->fl = FL_CERT;
		if (!e->p.no_compat && !e->ccs_sent) {
			put_ccs(e);
			return;
		}
	}
	if (e->fl == FL_CERT && !e->cr_seen)
		e->fl = FL_FIN;
	switch (e->fl) {
	case FL_CERT:
		n = e->fl_len - e->fl_pos;
		if (n > e->tx_max)
			n = e->tx_max;
		cert_msg_window(e, e->fl_pos, e->obuf + 5, n);
		moor_tls13_transcript_update(&e->tr, e->obuf + 5, n);
		e->fl_pos += n;
		if (e->fl_pos == e->fl_len)
			e->fl = e->client_scheme != 0 ? FL_CV : FL_FIN;
		seal(e, n, CT_HS);
		return;
	case FL_CV:
		if (e->fl_pos == e->fl_len) {
			/* Sign once, then send it a record at a time. */
			r = make_cv(e);
			if (r < 0) {
				fail(e, r, MOOR_ALERT_INTERNAL_ERROR);
				return;
			}
			moor_tls13_transcript_update(&e->tr, e->obuf + e->fl_at, (size_t)r);
			e->fl_len = (size_t)r;
			e->fl_pos = 0;
		}
		n = e->fl_len - e->fl_pos;
		if (n > e->tx_max)
			n = e->tx_max;
		memmove(e->obuf + 5, e->obuf + e->fl_at + e->fl_pos, n);
		e->fl_pos += n;
		if (e->fl_pos == e->fl_len)
			e->fl = FL_FIN;
		seal(e, n, CT_HS);
		return;
	default:
		/* Finished, then the application keys. */
		if (moor_tls13_transcript_hash(&e->tr, e->ks.hash, th) <= 0
			|| moor_tls13_finished(e->ks.hash, e->ks.c_hs, th, e->obuf + 9) != MOOR_OK) {
			fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
			return;
		}
		e->obuf[5] = MOOR_HS_FINISHED;
		put24(e->obuf + 6, e->ks.hash_len);
		moor_tls13_transcript_update(&e->tr, e->obuf + 5, 4 + e->ks.hash_len);
		if (seal(e, 4 + e->ks.hash_len, CT_HS) != MOOR_OK)
			return;
		if (moor_tls13_transcript_hash(&e->tr, e->ks.hash, th) <= 0
			|| moor_tls13_ks_resumption(&e->ks, th) != MOOR_OK
			|| moor_tls13_rec_init(&e->tx, e->suite, e->ks.c_ap, e->ks.hash_len) != MOOR_OK) {
			fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
			return;
		}
		moor_tls13_transcript_wipe(&e->tr);
		e->hs = HS_DONE;
		e->hs_buf = e->ibuf;
		e->hs_cap = e->icap / 4 < POSTHS_REASSEMBLY ? e->icap / 4 : POSTHS_REASSEMBLY;
		e->hs_have = 0;
		moor_log(e->plat, MOOR_LOG_INFO, "tls13", "handshake done, suite", e->suite);
		return;
	}
}

static void produce(moor_tls13_engine *e);

/* Fill obuf with the next record if it is empty and something is due;
 * after a failure, with the alert (a second pass, when producing a record
 * is what failed). */
static void advance(moor_tls13_engine *e)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (e->o_off < e->o_len || e->closed)
			return;
		e->o_off = e->o_len = 0;
		if (e->err != 0 || e->close_sent) {
			if (e->alert != NO_ALERT) {
				/* Our alert, the last record we send. */
				e->obuf[5] = 2;  /* fatal */
				e->obuf[6] = e->alert;
				if (e->alert == MOOR_ALERT_USER_CANCELED)
					e->obuf[5] = 1;
				e->alert = NO_ALERT;
				seal(e, 2, CT_ALERT);
				if (e->o_len > 0)
					return;
			}
			e->closed = 1;
			return;
		}
		produce(e);
		if (e->err == 0)
			return;
	}
}

static void produce(moor_tls13_engine *e)
{
	size_t n;

	switch (e->hs) {
	case HS_CH:
		if (e->hrr && !e->p.no_compat && !e->ccs_sent) {
			put_ccs(e);
			return;
		}
		{
			moor_tls13_client_hello ch;
			moor_tls13_key_share shares[MOOR_TLS13_MAX_SHARES];
			size_t total;

			n = e->ch_len - e->ch_sent;
			if (n > e->tx_max)
				n = e->tx_max;
			ch_describe(e, &ch, shares, e->binder);
			moor_tls13_client_hello_window(&ch, e->ch_sent, e->obuf + 5, n, &total);
			moor_tls13_transcript_update(&e->tr, e->obuf + 5, n);
			e->ch_sent += n;
			if (e->ch_sent == e->ch_len)
				e->hs = HS_SH;
			seal(e, n, CT_HS);
		}
		return;
	case HS_FLIGHT:
		flight_step(e);
		return;
	case HS_DONE:
		if ((e->ku_pending || e->close_pending) && e->app_out > 0) {
			n = e->app_out;
			e->app_out = 0;
			seal(e, n, CT_APP);
			return;
		}
		if (e->ku_pending) {
			/* Our KeyUpdate answer (update_not_requested), the last
			 * record under the old key. */
			e->obuf[5] = MOOR_HS_KEY_UPDATE;
			put24(e->obuf + 6, 1);
			e->obuf[9] = 0;
			e->ku_pending = 0;
			if (seal(e, 5, CT_HS) == MOOR_OK
				&& (moor_tls13_ks_update(&e->ks, 0) != MOOR_OK
				|| moor_tls13_rec_init(&e->tx, e->suite, e->ks.c_ap, e->ks.hash_len) != MOOR_OK))
				fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
			return;
		}
		if (e->close_pending) {
			e->close_pending = 0;
			e->close_sent = 1;
			e->obuf[5] = 1;
			e->obuf[6] = MOOR_ALERT_CLOSE_NOTIFY;
			seal(e, 2, CT_ALERT);
		}
		return;
	default:
		return;
	}
}

/* ------------------------------------------------------------------ */
/* The server's messages. */

/* Key schedule from the ServerHello on: the handshake secrets and keys.
 * `th` is Hash(ClientHello..ServerHello). */
static int handshake_keys(moor_tls13_engine *e, const moor_tls13_server_hello *sh,
	const uint8_t *th)
{
	moor_tls13_kx *kx = NULL;
	uint8_t point[97];
	size_t i, xoff = 0, xlen;
	uint8_t acc = 0;
	int r;

	for (i = 0; i < e->n_kx; i++) {
		if (e->kx[i].group == sh->share_group)
			kx = &e->kx[i];
	}
	if (kx == NULL)  /* a group we sent no share for */
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	if (sh->share_len != kx->pub_len)
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	memcpy(point, sh->share, sh->share_len);
	if (e->p.ec->mul(point, sh->share_len, kx->priv, kx->priv_len, kx->group) != 1) {
		wipe(point, sizeof point);
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	}
	if (kx->group == 29) {
		xlen = 32;
	} else {
		xoff = 1;
		xlen = (sh->share_len - 1) / 2;
	}
	for (i = 0; i < xlen; i++)
		acc |= point[xoff + i];
	r = MOOR_OK;
	if (acc == 0)
		r = fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	if (r == MOOR_OK) {
		const moor_tls13_ticket *t = e->p.ticket;

		r = moor_tls13_ks_init(&e->ks, sh->cipher_suite);
		if (r == MOOR_OK)
			r = e->resumed ? moor_tls13_ks_early(&e->ks, t->psk, t->psk_len)
				: moor_tls13_ks_early(&e->ks, NULL, 0);
		if (r == MOOR_OK)
			r = moor_tls13_ks_handshake(&e->ks, point + xoff, xlen, th);
		if (r == MOOR_OK)
			r = moor_tls13_rec_init(&e->rx, e->suite, e->ks.s_hs, e->ks.hash_len);
		if (r == MOOR_OK)
			r = moor_tls13_rec_init(&e->tx, e->suite, e->ks.c_hs, e->ks.hash_len);
		if (r != MOOR_OK)
			r = fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	}
	wipe(point, sizeof point);
	for (i = 0; i < e->n_kx; i++)
		wipe(e->kx[i].priv, sizeof e->kx[i].priv);
	if (r != MOOR_OK)
		return r;
	e->rx_keyed = 1;
	e->tx_keyed = 1;
	return MOOR_OK;
}

static int on_server_hello(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	moor_tls13_server_hello sh;
	uint8_t th[MOOR_TLS13_HASH_MAX];
	size_t i;
	int r;

	r = moor_tls13_parse_server_hello(msg, len, e->sid, e->p.no_compat ? 0 : 32, &sh);
	if (r != MOOR_OK)
		return fail(e, r, MOOR_ALERT_ILLEGAL_PARAMETER);
	if (sh.version != 0x0304) {
		/* A TLS 1.2 (or older) answer to a TLS 1.3-only ClientHello. */
		if (sh.downgrade)
			return fail(e, MOOR_ERR_TLS_DOWNGRADE, MOOR_ALERT_ILLEGAL_PARAMETER);
		e->fallback_ok = !e->hrr;
		return fail(e, MOOR_ERR_TLS_VERSION, MOOR_ALERT_PROTOCOL_VERSION);
	}
	/* A suite we did not offer, or another than the HRR's. */
	if (!in_list(e->suites, e->n_suites, sh.cipher_suite)
		|| (e->hrr && sh.cipher_suite != e->suite))
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);

	if (sh.is_hrr) {
		int have = 0;

		if (e->hrr)
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		for (i = 0; i < e->n_kx; i++) {
			if (e->kx[i].group == sh.share_group)
				have = 1;
		}
		/* The group asked for must be one we support and have not
		 * already sent; and the HRR must change something. */
		if (sh.share_group != 0 && (have || !in_list(e->groups, e->n_groups, sh.share_group)))
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
		e->hrr = 1;
		e->suite = sh.cipher_suite;
		if (moor_tls13_transcript_select(&e->tr, sh.cipher_suite) != MOOR_OK
			|| moor_tls13_transcript_hrr(&e->tr) != MOOR_OK)
			return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
		moor_tls13_transcript_update(&e->tr, msg, len);
		if (sh.share_group != 0) {
			for (i = 0; i < e->n_kx; i++)
				wipe(&e->kx[i], sizeof e->kx[i]);
			e->n_kx = 1;
			r = make_share(e, &e->kx[0], sh.share_group);
			if (r != MOOR_OK)
				return fail(e, r, MOOR_ALERT_INTERNAL_ERROR);
		}
		if (sh.cookie != NULL) {
			/* Keep the cookie where the next ClientHello cannot
			 * overwrite it: ibuf, idle until that is sent. */
			if (sh.cookie_len > e->icap)
				return fail(e, MOOR_ERR_BUFFER_TOO_SMALL, MOOR_ALERT_INTERNAL_ERROR);
			memmove(e->ibuf, sh.cookie, sh.cookie_len);
			e->cookie = e->ibuf;
			e->cookie_len = sh.cookie_len;
		}
		/* A PSK whose hash differs from the suite's cannot be used. */
		if (e->psk_offered
			&& moor_tls13_suite_hash(e->p.ticket->suite) != moor_tls13_suite_hash(e->suite)) {
			e->psk_offered = 0;
			e->binder_len = 0;
		}
		if (e->psk_offered)
			e->psk_age = now_ms(e) - e->p.ticket->issued_ms + e->p.ticket->age_add;
		r = ch_prepare(e);
		if (r != MOOR_OK)
			return fail(e, r, MOOR_ALERT_INTERNAL_ERROR);
		return MOOR_OK;
	}

	if (sh.has_psk) {
		if (!e->psk_offered || sh.psk_identity != 0
			|| moor_tls13_suite_hash(e->p.ticket->suite)
				!= moor_tls13_suite_hash(sh.cipher_suite))
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
		e->resumed = 1;
	}
	if (sh.share == NULL)  /* we only offer modes with (EC)DHE */
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_MISSING_EXTENSION);
	e->suite = sh.cipher_suite;
	e->group = sh.share_group;
	if (!e->hrr && moor_tls13_transcript_select(&e->tr, sh.cipher_suite) != MOOR_OK)
		return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	moor_tls13_transcript_update(&e->tr, msg, len);
	if (moor_tls13_transcript_hash(&e->tr, moor_tls13_suite_hash(e->suite), th) <= 0)
		return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	r = handshake_keys(e, &sh, th);
	if (r != MOOR_OK)
		return r;
	e->hs = HS_EE;
	return MOOR_OK;
}

static int on_encrypted_extensions(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	moor_tls13_ee ee;
	uint8_t alert = MOOR_ALERT_DECODE_ERROR;
	int r = moor_tls13_parse_encrypted_extensions(msg, len, e->offered, &ee, &alert);

	if (r != MOOR_OK)
		return fail(e, r, alert);
	if (ee.mfl_code != 0 && ee.mfl_code != mfl_code(e->frag))
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	if (ee.record_size_limit != 0) {
		/* The limit counts the content type byte (RFC 8449 4). */
		size_t lim = (size_t)ee.record_size_limit - 1;

		if (lim > 16384)
			lim = 16384;
		if (lim < e->tx_max)
			e->tx_max = (uint16_t)lim;
		moor_tls13_rec_set_limit(&e->tx, (size_t)e->tx_max + 1);
	}
	if (ee.mfl_code != 0 || ee.record_size_limit != 0) {
		/* The server agreed to our limit: hold it to it (RFC 6066 4,
		 * RFC 8449 4; the inner plaintext counts the type byte). */
		e->rx_limit = (uint16_t)(e->frag + 1);
		moor_tls13_rec_set_limit(&e->rx, e->rx_limit);
	}
	if (e->frag < 16384 && ee.mfl_code == 0 && ee.record_size_limit == 0)
		moor_log(e->plat, MOOR_LOG_WARN, "tls13",
			"server ignored max_fragment_length and record_size_limit; records may not fit",
			e->frag);
	moor_tls13_transcript_update(&e->tr, msg, len);
	e->hs = e->resumed ? HS_FIN : HS_CERT_CR;
	return MOOR_OK;
}

/* Which scheme we sign with, given the server's list (0: none fits). */
static uint16_t pick_client_scheme(const moor_tls13_engine *e, const moor_tls13_cert_request *cr)
{
	const moor_credentials *c = e->p.client;
	static const uint16_t rsa_pref[] = { 0x0804, 0x0805, 0x0806 };
	size_t i, j;

	if (c == NULL)
		return 0;
	for (j = 0; j < 3; j++) {
		uint16_t want;

		if (c->key_type == BR_KEYTYPE_EC) {
			int curve = c->ec.curve != 0 ? c->ec.curve : 23;

			if (j > 0)
				break;
			want = curve == 23 ? 0x0403 : curve == 24 ? 0x0503 : 0;
		} else {
			want = rsa_pref[j];
		}
		for (i = 0; i < cr->n_sig_algs && want != 0; i++) {
			if (((unsigned)cr->sig_algs[2 * i] << 8 | cr->sig_algs[2 * i + 1]) == want)
				return want;
		}
	}
	return 0;
}

static int on_certificate_request(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	moor_tls13_cert_request cr;
	uint8_t alert = MOOR_ALERT_DECODE_ERROR;
	int r = moor_tls13_parse_certificate_request(msg, len, &cr, &alert);

	if (r != MOOR_OK)
		return fail(e, r, alert);
	if (cr.context_len != 0)  /* only post-handshake requests have one */
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	e->cr_seen = 1;
	e->client_scheme = pick_client_scheme(e, &cr);
	if (e->p.client != NULL && e->client_scheme == 0)
		moor_log(e->plat, MOOR_LOG_WARN, "tls13",
			"no signature scheme the server accepts fits our key: sending no certificate", 0);
	moor_tls13_transcript_update(&e->tr, msg, len);
	e->hs = HS_CERT;
	return MOOR_OK;
}

/* The server's Certificate has been streamed through: the verdict. */
static int on_certificate_end(moor_tls13_engine *e)
{
	moor_x509 *x = e->p.x509;
	uint8_t alert = MOOR_ALERT_DECODE_ERROR;
	unsigned usages = 0;
	int r = moor_tls13_cert_parser_done(&e->cp, &alert);

	e->in_cert = 0;
	if (r != MOOR_OK)
		return fail(e, r, alert);
	if (e->cp.ctx_len != 0)  /* only a client's answer to a request has one */
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	if (e->cp.count == 0)
		return fail(e, MOOR_ERR_X509_EMPTY_CHAIN, MOOR_ALERT_DECODE_ERROR);
	if (e->cp.count > MOOR_TLS13_MAX_CHAIN)
		return fail(e, MOOR_ERR_X509_LIMIT, MOOR_ALERT_BAD_CERTIFICATE);
	x->vtable->end_chain(&x->vtable);
	if (x->status != MOOR_OK)
		return fail(e, x->status, (unsigned)x509_alert(x->status));
	e->peer_key = x->vtable->get_pkey(&x->vtable, &usages);
	if (e->peer_key == NULL || (usages & BR_KEYTYPE_SIGN) == 0)
		return fail(e, MOOR_ERR_TLS_BAD_KEY_USAGE, MOOR_ALERT_BAD_CERTIFICATE);
	e->hs = HS_CV;
	return MOOR_OK;
}

static int on_certificate_verify(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	const br_x509_pkey *pk = e->peer_key;
	const uint16_t *offered, *offered_cert;
	size_t n_offered, n_offered_cert;
	const br_hash_class *h;
	uint8_t th[MOOR_TLS13_HASH_MAX], hv[64];
	uint8_t alert = MOOR_ALERT_DECODE_ERROR;
	const uint8_t *sig;
	size_t sig_len;
	uint16_t scheme;
	int r, ok;

	r = moor_tls13_parse_certificate_verify(msg, len, &scheme, &sig, &sig_len, &alert);
	if (r != MOOR_OK)
		return fail(e, r, alert);
	h = scheme_hash(scheme);
	/* A scheme we offered, and one that fits the key (RFC 8446 4.2.3,
	 * 4.4.3). */
	offered = offered_sig_algs(e, &n_offered, &offered_cert, &n_offered_cert);
	if (h == NULL || !in_list(offered, n_offered, scheme))
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	if ((scheme >> 8) == 0x08 ? pk->key_type != BR_KEYTYPE_RSA
		: (pk->key_type != BR_KEYTYPE_EC
			|| pk->key.ec.curve != (scheme == 0x0403 ? BR_EC_secp256r1 : BR_EC_secp384r1)))
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	if (moor_tls13_transcript_hash(&e->tr, e->ks.hash, th) <= 0)
		return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	cv_content_hash(h, cv_server_ctx, th, e->ks.hash_len, hv);
	if (pk->key_type == BR_KEYTYPE_EC)
		ok = br_ecdsa_vrfy_asn1_get_default()(e->p.ec, hv, hash_len(h),
			&pk->key.ec, sig, sig_len) == 1;
	else
		ok = moor_rsa_pss_verify(br_rsa_public_get_default(), h, hv, hash_len(h),
			&pk->key.rsa, sig, sig_len) == MOOR_OK;
	if (!ok)
		return fail(e, MOOR_ERR_TLS_BAD_SIGNATURE, MOOR_ALERT_DECRYPT_ERROR);
	moor_tls13_transcript_update(&e->tr, msg, len);
	e->hs = HS_FIN;
	return MOOR_OK;
}

static int on_server_finished(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	uint8_t th[MOOR_TLS13_HASH_MAX];
	int r;

	if (moor_tls13_transcript_hash(&e->tr, e->ks.hash, th) <= 0)
		return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	r = moor_tls13_finished_check(e->ks.hash, e->ks.s_hs, th, msg + 4, len - 4);
	if (r != MOOR_OK)
		return fail(e, MOOR_ERR_TLS_BAD_FINISHED,
			len - 4 != e->ks.hash_len ? MOOR_ALERT_DECODE_ERROR : MOOR_ALERT_DECRYPT_ERROR);
	moor_tls13_transcript_update(&e->tr, msg, len);
	if (moor_tls13_transcript_hash(&e->tr, e->ks.hash, th) <= 0
		|| moor_tls13_ks_master(&e->ks, th) != MOOR_OK
		|| moor_tls13_rec_init(&e->rx, e->suite, e->ks.s_ap, e->ks.hash_len) != MOOR_OK)
		return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	if (e->rx_limit != 0)
		moor_tls13_rec_set_limit(&e->rx, e->rx_limit);
	e->hs = HS_FLIGHT;
	e->fl = FL_CCS;
	e->fl_len = cert_msg_len(e);
	e->fl_pos = 0;
	return MOOR_OK;
}

static int on_ticket(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	moor_tls13_ticket *t = e->p.ticket;
	moor_tls13_nst nst;
	uint8_t alert = MOOR_ALERT_DECODE_ERROR;
	int r = moor_tls13_parse_new_session_ticket(msg, len, &nst, &alert);

	if (r != MOOR_OK)
		return fail(e, r, alert);
	e->tickets_seen++;
	if (t == NULL || nst.lifetime == 0)
		return MOOR_OK;
	if (nst.ticket_len > sizeof t->data) {
		moor_log(e->plat, MOOR_LOG_INFO, "tls13",
			"ticket larger than MOOR_CONFIG_TLS13_TICKET_MAX: dropped", (long)nst.ticket_len);
		return MOOR_OK;
	}
	t->valid = 0;
	if (moor_tls13_resumption_psk(e->ks.hash, e->ks.res_master, nst.nonce, nst.nonce_len,
			t->psk) != MOOR_OK)
		return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	t->psk_len = (uint8_t)e->ks.hash_len;
	t->suite = e->suite;
	t->lifetime = nst.lifetime;
	t->age_add = nst.age_add;
	t->issued_ms = now_ms(e);
	name_hash(e->p.server_name, t->name_hash);
	memcpy(t->data, nst.ticket, nst.ticket_len);
	t->len = (uint16_t)nst.ticket_len;
	t->valid = 1;
	e->tickets++;
	return MOOR_OK;
}

static int on_key_update(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	if (len != 5)
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_DECODE_ERROR);
	if (msg[4] > 1)
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_ILLEGAL_PARAMETER);
	if (moor_tls13_ks_update(&e->ks, 1) != MOOR_OK
		|| moor_tls13_rec_init(&e->rx, e->suite, e->ks.s_ap, e->ks.hash_len) != MOOR_OK)
		return fail(e, MOOR_ERR_INTERNAL, MOOR_ALERT_INTERNAL_ERROR);
	if (e->rx_limit != 0)
		moor_tls13_rec_set_limit(&e->rx, e->rx_limit);
	if (msg[4] == 1)
		e->ku_pending = 1;
	return MOOR_OK;
}

/*
 * One whole handshake message (header included). Returns MOOR_OK, 1 if
 * the message changed the receive keys (the record must end with it), or
 * the failure status.
 */
static int handle_msg(moor_tls13_engine *e, const uint8_t *msg, size_t len)
{
	unsigned type = msg[0];
	int r;

	switch (e->hs) {
	case HS_SH:
		if (type != MOOR_HS_SERVER_HELLO)
			break;
		r = on_server_hello(e, msg, len);
		return r != MOOR_OK ? r : 1;  /* keys (or, after an HRR, our turn) */
	case HS_EE:
		if (type != MOOR_HS_ENCRYPTED_EXTENSIONS)
			break;
		return on_encrypted_extensions(e, msg, len);
	case HS_CERT_CR:
		if (type != MOOR_HS_CERTIFICATE_REQUEST)
			break;
		return on_certificate_request(e, msg, len);
	case HS_CV:
		if (type != MOOR_HS_CERTIFICATE_VERIFY)
			break;
		return on_certificate_verify(e, msg, len);
	case HS_FIN:
		if (type != MOOR_HS_FINISHED)
			break;
		r = on_server_finished(e, msg, len);
		return r != MOOR_OK ? r : 1;
	case HS_DONE:
		e->posths_total++;
		if (++e->posths > MOOR_TLS13_MAX_POSTHS)
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		if (type == MOOR_HS_NEW_SESSION_TICKET)
			return on_ticket(e, msg, len);
		if (type == MOOR_HS_KEY_UPDATE) {
			r = on_key_update(e, msg, len);
			return r != MOOR_OK ? r : 1;
		}
		break;
	default:
		break;
	}
	return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
}

/* Start streaming the server's Certificate (header in hdr). */
static int cert_begin(moor_tls13_engine *e, const uint8_t *hdr, uint32_t body_len)
{
	moor_x509 *x = e->p.x509;

	moor_tls13_transcript_update(&e->tr, hdr, 4);
	moor_tls13_cert_parser_init(&e->cp, body_len);
	x->vtable->start_chain(&x->vtable, e->p.server_name);
	e->in_cert = 1;
	if (body_len == 0)
		return on_certificate_end(e);
	return MOOR_OK;
}

/*
 * Largest length a server handshake message of `type` can legally have,
 * from the vectors it is made of (RFC 8446 4): larger is a decode_error,
 * not a message to wait for. The Certificate is streamed and bounded by
 * its own length fields.
 */
static size_t max_msg_len(unsigned type)
{
	switch (type) {
	case MOOR_HS_FINISHED:
		return 4 + MOOR_TLS13_HASH_MAX;
	case MOOR_HS_KEY_UPDATE:
		return 4 + 1;
	case MOOR_HS_NEW_SESSION_TICKET:
		/* lifetime, age_add, nonce<0..255>, ticket<1..2^16-1>, extensions<0..2^16-2> */
		return 4 + 4 + 4 + 1 + 255 + 2 + 65535 + 2 + 65534;
	case MOOR_HS_CERTIFICATE_REQUEST:
		/* context<0..255>, extensions<2..2^16-1> */
		return 4 + 1 + 255 + 2 + 65535;
	case MOOR_HS_CERTIFICATE:
		return 4 + 0xffffff;
	default:
		/* ServerHello, EncryptedExtensions, CertificateVerify: a few
		 * fixed fields and one 16-bit vector; anything else gets
		 * unexpected_message when it is whole. */
		return 4 + 2 + 32 + 1 + 32 + 2 + 1 + 2 + 65535;
	}
}

static int is_streamed(const moor_tls13_engine *e, unsigned type)
{
	return type == MOOR_HS_CERTIFICATE && (e->hs == HS_CERT || e->hs == HS_CERT_CR);
}

/*
 * Handshake content of one record. Returns MOOR_OK or a status. Messages
 * that change keys must end the record (RFC 8446 5.1).
 */
static int feed_hs(moor_tls13_engine *e, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k, total;
		int r;

		if (e->skip_left > 0) {
			k = n < e->skip_left ? n : e->skip_left;
			e->skip_left -= (uint32_t)k;
			p += k;
			n -= k;
			continue;
		}
		if (e->in_cert) {
			uint8_t alert = MOOR_ALERT_DECODE_ERROR;

			k = n < e->cp.left ? n : e->cp.left;
			moor_tls13_transcript_update(&e->tr, p, k);
			r = moor_tls13_cert_parser_push(&e->cp, &e->p.x509->vtable, p, k, &alert);
			if (r != MOOR_OK)
				return fail(e, r, alert);
			if (e->cp.left == 0) {
				r = on_certificate_end(e);
				if (r != MOOR_OK)
					return r;
			}
			p += k;
			n -= k;
			continue;
		}
		if (e->hs_have == 0 && n >= 4) {
			/* A message starts here, its header is whole. */
			total = 4 + ((size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
			if (total > max_msg_len(p[0]))
				return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_DECODE_ERROR);
			if (is_streamed(e, p[0])) {
				r = cert_begin(e, p, (uint32_t)(total - 4));
				if (r != MOOR_OK)
					return r;
				p += 4;
				n -= 4;
				continue;
			}
			if (total <= n) {
				r = handle_msg(e, p, total);
				if (r < 0)
					return r;
				p += total;
				n -= total;
				if (r == 1 && n > 0)
					return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
				continue;
			}
		}
		/* Reassemble in hs_buf: the header first, then the body. */
		if (e->hs_have < 4) {
			k = 4 - e->hs_have < n ? 4 - e->hs_have : n;
			if (e->hs_have + k > e->hs_cap)
				return fail(e, MOOR_ERR_BUFFER_TOO_SMALL, MOOR_ALERT_INTERNAL_ERROR);
			memmove(e->hs_buf + e->hs_have, p, k);
			e->hs_have += k;
			p += k;
			n -= k;
			if (e->hs_have < 4)
				continue;
			total = 4 + ((size_t)e->hs_buf[1] << 16 | (size_t)e->hs_buf[2] << 8 | e->hs_buf[3]);
			e->hs_total = total;
			if (total > max_msg_len(e->hs_buf[0]))
				return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_DECODE_ERROR);
			if (is_streamed(e, e->hs_buf[0])) {
				uint8_t hdr[4];

				memcpy(hdr, e->hs_buf, 4);
				e->hs_have = 0;
				r = cert_begin(e, hdr, (uint32_t)(total - 4));
				if (r != MOOR_OK)
					return r;
				continue;
			}
			if (total > e->hs_cap) {
				if (e->hs == HS_DONE && e->hs_buf[0] == MOOR_HS_NEW_SESSION_TICKET) {
					/* A ticket too large to keep: drop it whole. */
					moor_log(e->plat, MOOR_LOG_INFO, "tls13",
						"ticket split across records: dropped", (long)total);
					e->skip_left = (uint32_t)(total - 4);
					e->hs_have = 0;
					e->posths++;
					e->tickets_seen++;
					continue;
				}
				return fail(e, MOOR_ERR_BUFFER_TOO_SMALL, MOOR_ALERT_INTERNAL_ERROR);
			}
		}
		k = e->hs_total - e->hs_have < n ? e->hs_total - e->hs_have : n;
		memmove(e->hs_buf + e->hs_have, p, k);
		e->hs_have += k;
		p += k;
		n -= k;
		if (e->hs_have == e->hs_total) {
			e->hs_have = 0;
			r = handle_msg(e, e->hs_buf, e->hs_total);
			if (r < 0)
				return r;
			if (r == 1 && n > 0)
				return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		}
	}
	return MOOR_OK;
}

static int on_alert(moor_tls13_engine *e, const uint8_t *p, size_t n)
{
	if (n != 2)
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_DECODE_ERROR);
	if (p[1] == MOOR_ALERT_USER_CANCELED)
		return MOOR_OK;  /* a close_notify follows */
	if (p[1] == MOOR_ALERT_CLOSE_NOTIFY && e->hs == HS_DONE) {
		/* Orderly end: answer with ours, then stop. */
		e->peer_closed = 1;
		if (!e->close_sent)
			e->close_pending = 1;
		return MOOR_OK;
	}
	/* A TLS 1.2-only server refuses our TLS 1.3-only ClientHello with
	 * protocol_version (OpenSSL) or handshake_failure (GnuTLS): either,
	 * before any ServerHello, allows the TLS 1.2 fallback, which the
	 * downgrade sentinel then guards (docs/tls-versions.md). */
	if ((p[1] == MOOR_ALERT_PROTOCOL_VERSION || p[1] == MOOR_ALERT_HANDSHAKE_FAILURE)
		&& e->hs == HS_SH && !e->hrr)
		e->fallback_ok = 1;
	return fail(e, MOOR_STATUS_ALERT_RECEIVED(p[1]), NO_ALERT);  /* none goes back */
}

/* A whole record is in ibuf at r_at. */
static int on_record(moor_tls13_engine *e)
{
	uint8_t *rec = e->ibuf + e->r_at, type = rec[0];
	uint8_t *p = rec + 5;
	size_t n = e->r_len;
	int r;

	if (type == CT_CCS) {
		/* Only the middlebox-compatibility dummy, in clear, between our
		 * first ClientHello and the server's Finished (RFC 8446 5). */
		if (n != 1 || p[0] != 1 || e->hs < HS_SH || e->hs > HS_FIN || e->ccs_seen >= 2)
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		e->ccs_seen++;
		return MOOR_OK;
	}
	if (e->rx_keyed && type != CT_ALERT) {
		uint8_t inner;

		if (type != CT_APP)
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		r = moor_tls13_rec_open(&e->rx, rec, 5 + n, &inner);
		if (r < 0)
			return fail(e, r, r == MOOR_ERR_TLS_BAD_MAC ? MOOR_ALERT_BAD_RECORD_MAC
				: r == MOOR_ERR_TLS_RECORD_TOO_LARGE ? MOOR_ALERT_RECORD_OVERFLOW
				: MOOR_ALERT_UNEXPECTED_MESSAGE);
		n = (size_t)r;
		type = inner;
	} else if (e->rx_keyed && e->hs == HS_DONE) {
		/* An alert in clear after the handshake: not from the peer we
		 * authenticated. */
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
	}
	switch (type) {
	case CT_ALERT:
		return on_alert(e, p, n);
	case CT_HS:
		if (n == 0)
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		return feed_hs(e, p, n);
	case CT_APP:
		if (e->hs != HS_DONE || e->hs_have != 0 || e->skip_left != 0)
			return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		e->posths = 0;
		if (n > 0) {
			e->app_off = (size_t)(p - e->ibuf);
			e->app_len = n;
		}
		return MOOR_OK;
	default:
		return fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
	}
}

/* Ready for the next record (after the last one's data was taken). */
static void next_record(moor_tls13_engine *e)
{
	e->r_got = 0;
	e->r_len = 0;
	e->r_at = e->hs_buf == e->ibuf ? e->hs_have : 0;
}

/* ------------------------------------------------------------------ */
/* The driver's interface. */

static int can_recv(const moor_tls13_engine *e)
{
	/* During the handshake, only once our records have all gone out: a
	 * server that answers early (an HRR before our ClientHello is out)
	 * must not make us reuse obuf under a record still being sent. */
	return e->err == 0 && !e->closed && !e->peer_closed && !e->close_sent
		&& e->hs >= HS_SH && e->hs != HS_FLIGHT && e->app_len == 0 && !e->ku_pending
		&& (e->hs == HS_DONE || e->o_off >= e->o_len);
}

unsigned moor_tls13_state(const moor_tls13_engine *e)
{
	unsigned st = 0;

	if (e->closed)
		return MOOR_TLS13_CLOSED;
	if (e->o_off < e->o_len)
		st |= MOOR_TLS13_SENDREC;
	if (e->err != 0)
		return st;
	if (can_recv(e))
		st |= MOOR_TLS13_RECVREC;
	if (e->hs == HS_DONE && !e->close_pending && !e->close_sent && !e->peer_closed
		&& !e->ku_pending && e->o_off == e->o_len)
		st |= MOOR_TLS13_SENDAPP;
	if (e->app_len > 0)
		st |= MOOR_TLS13_RECVAPP;
	return st;
}

uint8_t *moor_tls13_sendrec_buf(moor_tls13_engine *e, size_t *len)
{
	if (e->o_off >= e->o_len || e->closed) {
		*len = 0;
		return NULL;
	}
	*len = e->o_len - e->o_off;
	return e->obuf + e->o_off;
}

void moor_tls13_sendrec_ack(moor_tls13_engine *e, size_t len)
{
	if (len == 0 || e->o_off >= e->o_len)
		return;  /* nothing acknowledged: nothing changes */
	if (len > e->o_len - e->o_off)
		len = e->o_len - e->o_off;
	e->o_off += len;
	if (e->o_off == e->o_len)
		advance(e);
}

uint8_t *moor_tls13_recvrec_buf(moor_tls13_engine *e, size_t *len)
{
	if (!can_recv(e)) {
		*len = 0;
		return NULL;
	}
	*len = e->r_got < 5 ? 5 - e->r_got : 5 + e->r_len - e->r_got;
	return e->ibuf + e->r_at + e->r_got;
}

void moor_tls13_recvrec_ack(moor_tls13_engine *e, size_t len)
{
	uint8_t *h = e->ibuf + e->r_at;
	int r;

	if (!can_recv(e) || len == 0)
		return;
	if (e->r_got < 5) {
		if (len > 5 - e->r_got)
			len = 5 - e->r_got;
		e->r_got += len;
		if (e->r_got < 5)
			return;
		e->r_len = (size_t)h[3] << 8 | h[4];
		if (h[0] < CT_CCS || h[0] > CT_APP) {
			fail(e, MOOR_ERR_TLS_PROTOCOL, MOOR_ALERT_UNEXPECTED_MESSAGE);
		} else if (e->r_len > MOOR_TLS13_MAX_CIPHERTEXT
			|| ((!e->rx_keyed || h[0] != CT_APP) && e->r_len > 16384)) {
			fail(e, MOOR_ERR_TLS_RECORD_TOO_LARGE, MOOR_ALERT_RECORD_OVERFLOW);
		} else if (e->r_at + 5 + e->r_len > e->icap) {
			/* Legal, but larger than the buffer we were given. */
			fail(e, MOOR_ERR_TLS_RECORD_TOO_LARGE, MOOR_ALERT_RECORD_OVERFLOW);
		}
		if (e->err != 0 || e->r_len > 0) {
			advance(e);
			return;
		}
	} else {
		if (len > 5 + e->r_len - e->r_got)
			len = 5 + e->r_len - e->r_got;
		e->r_got += len;
		if (e->r_got < 5 + e->r_len)
			return;
	}
	r = on_record(e);
	if (r == MOOR_OK && e->app_len == 0)
		next_record(e);
	advance(e);
}

uint8_t *moor_tls13_sendapp_buf(moor_tls13_engine *e, size_t *len)
{
	if (!(moor_tls13_state(e) & MOOR_TLS13_SENDAPP) || e->app_out >= e->tx_max) {
		*len = 0;
		return NULL;
	}
	*len = e->tx_max - e->app_out;
	return e->obuf + 5 + e->app_out;
}

void moor_tls13_sendapp_ack(moor_tls13_engine *e, size_t len)
{
	if (len == 0 || !(moor_tls13_state(e) & MOOR_TLS13_SENDAPP))
		return;
	if (len > (size_t)e->tx_max - e->app_out)
		len = (size_t)e->tx_max - e->app_out;
	e->app_out += len;
	if (e->app_out == e->tx_max)
		moor_tls13_flush(e);
}

uint8_t *moor_tls13_recvapp_buf(moor_tls13_engine *e, size_t *len)
{
	if (e->app_len == 0 || e->closed) {
		*len = 0;
		return NULL;
	}
	*len = e->app_len;
	return e->ibuf + e->app_off;
}

void moor_tls13_recvapp_ack(moor_tls13_engine *e, size_t len)
{
	if (len == 0 || e->app_len == 0)
		return;  /* (a record may be half received: leave it alone) */
	if (len > e->app_len)
		len = e->app_len;
	e->app_off += len;
	e->app_len -= len;
	if (e->app_len == 0) {
		next_record(e);
		advance(e);
	}
}

void moor_tls13_flush(moor_tls13_engine *e)
{
	size_t n = e->app_out;

	if (n == 0 || e->err != 0 || e->o_off < e->o_len)
		return;
	e->app_out = 0;
	seal(e, n, CT_APP);
	if (e->err != 0)
		advance(e);
}

void moor_tls13_close(moor_tls13_engine *e)
{
	if (e->closed || e->close_sent || e->err != 0)
		return;
	if (e->hs != HS_DONE) {
		fail(e, MOOR_ERR_CLOSED, MOOR_ALERT_USER_CANCELED);
		advance(e);
		return;
	}
	e->close_pending = 1;
	moor_tls13_flush(e);
	advance(e);
}

int moor_tls13_last_error(const moor_tls13_engine *e)
{
	return e->err;
}

void moor_tls13_wipe(moor_tls13_engine *e)
{
	moor_tls13_ks_wipe(&e->ks);
	moor_tls13_transcript_wipe(&e->tr);
	moor_tls13_rec_wipe(&e->rx);
	moor_tls13_rec_wipe(&e->tx);
	wipe(e->kx, sizeof e->kx);
	wipe(e->binder, sizeof e->binder);
	wipe(&e->rng, sizeof e->rng);
}
