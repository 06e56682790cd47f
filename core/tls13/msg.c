/*
 * TLS 1.3 handshake messages: the ClientHello encoder and the strict
 * ServerHello / HelloRetryRequest parser.
 */
#include <string.h>

#include "moor/status.h"
#include "moor/tls13_msg.h"

/* SHA-256("HelloRetryRequest"), RFC 8446 section 4.1.3. */
const uint8_t moor_tls13_hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
	0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/* "DOWNGRD" followed by 01 (TLS 1.2) or 00 (TLS 1.1 and below). */
static const uint8_t downgrade_prefix[7] = { 0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44 };

/* ------------------------------------------------------------------ */
/* Writer: counts every byte, stores only what fits. */
typedef struct {
	uint8_t *buf;
	size_t cap;
	size_t skip;   /* buf holds bytes [skip, skip + cap) of the encoding */
	size_t len;
} wr;

/* Store byte v at position pos of the encoding if that is in the window. */
static void put_at(wr *w, size_t pos, unsigned v)
{
	if (pos >= w->skip && pos - w->skip < w->cap)
		w->buf[pos - w->skip] = (uint8_t)v;
}

static void put8(wr *w, unsigned v)
{
	put_at(w, w->len, v);
	w->len++;
}

static void put16(wr *w, unsigned v)
{
	put8(w, (v >> 8) & 0xff);
	put8(w, v & 0xff);
}

static void put_bytes(wr *w, const uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put8(w, d[i]);
}

/* Reserve a length field of `width` bytes; returns its position. */
static size_t open_len(wr *w, unsigned width)
{
	size_t at = w->len;

	while (width-- > 0)
		put8(w, 0);
	return at;
}

/* Fill the length field at `at` with the bytes written since. */
static void close_len(wr *w, size_t at, unsigned width)
{
	size_t n = w->len - at - width;
	unsigned i;

	for (i = 0; i < width; i++)
		put_at(w, at + width - 1 - i, (unsigned)(n >> (8 * i)) & 0xff);
}

static void put_u16_list(wr *w, const uint16_t *v, size_t n)
{
	size_t i;

	put16(w, (unsigned)(2 * n));
	for (i = 0; i < n; i++)
		put16(w, v[i]);
}

/* The key shares of a ClientHello: the array, or the single share. */
static size_t ch_shares(const moor_tls13_client_hello *ch,
	const moor_tls13_key_share **arr, moor_tls13_key_share *one)
{
	if (ch->n_shares > 0) {
		*arr = ch->shares;
		return ch->n_shares;
	}
	one->group = ch->share_group;
	one->pub = ch->share;
	one->pub_len = ch->share_len;
	*arr = one;
	return 1;
}

int moor_tls13_write_client_hello(const moor_tls13_client_hello *ch,
	uint8_t *out, size_t cap, size_t *len)
{
	int r = moor_tls13_client_hello_window(ch, 0, out, cap, len);

	if (r == MOOR_OK && *len > cap)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	return r;
}

/* Encode the ClientHello through w (arguments already checked); returns
 * the length of the extensions block. */
static size_t encode_ch(const moor_tls13_client_hello *ch, wr *w,
	const moor_tls13_key_share *shares, size_t n_shares, size_t shares_len,
	size_t name_len)
{
	size_t hs, ext, e, e2, i, ext_len;

	put8(w, MOOR_HS_CLIENT_HELLO);
	hs = open_len(w, 3);
	put16(w, 0x0303);                        /* legacy_version */
	put_bytes(w, ch->random, 32);
	put8(w, (unsigned)ch->session_id_len);   /* legacy_session_id */
	put_bytes(w, ch->session_id, ch->session_id_len);
	put_u16_list(w, ch->suites, ch->n_suites);
	put8(w, 1);                              /* legacy_compression_methods: null */
	put8(w, 0);
	ext = open_len(w, 2);

	if (ch->server_name != NULL) {
		put16(w, MOOR_EXT_SERVER_NAME);
		e = open_len(w, 2);
		e2 = open_len(w, 2);                 /* server_name_list */
		put8(w, 0);                          /* host_name */
		put16(w, (unsigned)name_len);
		put_bytes(w, (const uint8_t *)ch->server_name, name_len);
		close_len(w, e2, 2);
		close_len(w, e, 2);
	}
	if (ch->max_fragment_code != 0) {
		put16(w, MOOR_EXT_MAX_FRAGMENT_LENGTH);
		put16(w, 1);
		put8(w, ch->max_fragment_code);
	}
	put16(w, MOOR_EXT_SUPPORTED_GROUPS);
	put16(w, (unsigned)(2 + 2 * ch->n_groups));
	put_u16_list(w, ch->groups, ch->n_groups);

	put16(w, MOOR_EXT_SIGNATURE_ALGORITHMS);
	put16(w, (unsigned)(2 + 2 * ch->n_sig_algs));
	put_u16_list(w, ch->sig_algs, ch->n_sig_algs);
	if (ch->sig_algs_cert != NULL && ch->n_sig_algs_cert > 0) {
		put16(w, MOOR_EXT_SIGNATURE_ALGORITHMS_CERT);
		put16(w, (unsigned)(2 + 2 * ch->n_sig_algs_cert));
		put_u16_list(w, ch->sig_algs_cert, ch->n_sig_algs_cert);
	}
	if (ch->record_size_limit != 0) {
		put16(w, MOOR_EXT_RECORD_SIZE_LIMIT);
		put16(w, 2);
		put16(w, ch->record_size_limit);
	}
	put16(w, MOOR_EXT_SUPPORTED_VERSIONS);
	put16(w, ch->offer_tls12 ? 5 : 3);
	put8(w, ch->offer_tls12 ? 4 : 2);
	put16(w, 0x0304);
	if (ch->offer_tls12)
		put16(w, 0x0303);
	if (ch->cookie != NULL) {
		put16(w, MOOR_EXT_COOKIE);
		put16(w, (unsigned)(ch->cookie_len + 2));
		put16(w, (unsigned)ch->cookie_len);
		put_bytes(w, ch->cookie, ch->cookie_len);
	}
	put16(w, MOOR_EXT_PSK_KEY_EXCHANGE_MODES);
	put16(w, 2);
	put8(w, 1);
	put8(w, 1);                              /* psk_dhe_ke */
	put16(w, MOOR_EXT_KEY_SHARE);
	put16(w, (unsigned)(shares_len + 2));
	put16(w, (unsigned)shares_len);          /* client_shares */
	for (i = 0; i < n_shares; i++) {
		put16(w, shares[i].group);
		put16(w, (unsigned)shares[i].pub_len);
		put_bytes(w, shares[i].pub, shares[i].pub_len);
	}
	if (ch->binder_len != 0) {
		/* pre_shared_key: must be the last extension (RFC 8446 4.2.11). */
		size_t ids = 2 + ch->psk_identity_len + 4;
		size_t binders = 1 + ch->binder_len;

		put16(w, MOOR_EXT_PRE_SHARED_KEY);
		put16(w, (unsigned)(2 + ids + 2 + binders));
		put16(w, (unsigned)ids);
		put16(w, (unsigned)ch->psk_identity_len);
		put_bytes(w, ch->psk_identity, ch->psk_identity_len);
		put16(w, (unsigned)(ch->psk_age >> 16));
		put16(w, (unsigned)(ch->psk_age & 0xffff));
		put16(w, (unsigned)binders);
		put8(w, (unsigned)ch->binder_len);
		for (i = 0; i < ch->binder_len; i++)
			put8(w, ch->binder != NULL ? ch->binder[i] : 0);
	}

	ext_len = w->len - ext - 2;
	close_len(w, ext, 2);
	close_len(w, hs, 3);
	return ext_len;
}

int moor_tls13_client_hello_window(const moor_tls13_client_hello *ch,
	size_t skip, uint8_t *out, size_t cap, size_t *len)
{
	wr w;
	size_t i, n_shares, shares_len = 0;
	size_t name_len = 0;
	const moor_tls13_key_share *shares;
	moor_tls13_key_share one;

	if (ch == NULL || len == NULL || (out == NULL && cap > 0) || ch->random == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (ch->n_shares > MOOR_TLS13_MAX_SHARES || (ch->n_shares > 0 && ch->shares == NULL))
		return MOOR_ERR_INVALID_ARG;
	n_shares = ch_shares(ch, &shares, &one);
	for (i = 0; i < n_shares; i++) {
		if (shares[i].pub == NULL || shares[i].pub_len == 0 || shares[i].pub_len > 133)
			return MOOR_ERR_INVALID_ARG;
		shares_len += 4 + shares[i].pub_len;
	}
	if (ch->binder_len != 0 && (ch->binder_len < 32 || ch->binder_len > 64
			|| ch->psk_identity == NULL || ch->psk_identity_len == 0
			|| ch->psk_identity_len > 0xffff - 6))
		return MOOR_ERR_INVALID_ARG;
	if (ch->n_suites == 0 || ch->n_suites > MOOR_TLS13_MAX_SUITES || ch->suites == NULL
		|| ch->n_groups == 0 || ch->n_groups > MOOR_TLS13_MAX_GROUPS || ch->groups == NULL
		|| ch->n_sig_algs == 0 || ch->n_sig_algs > MOOR_TLS13_MAX_SIGALGS
		|| ch->sig_algs == NULL || ch->n_sig_algs_cert > MOOR_TLS13_MAX_SIGALGS
		|| (ch->session_id_len != 0 && ch->session_id_len != 32)
		|| (ch->session_id_len != 0 && ch->session_id == NULL)
		|| ch->max_fragment_code > 4
		|| (ch->cookie != NULL && (ch->cookie_len == 0 || ch->cookie_len > 0xffff - 2))
		|| (ch->record_size_limit != 0 && ch->record_size_limit < 64))
		return MOOR_ERR_INVALID_ARG;
	if (ch->server_name != NULL) {
		name_len = strlen(ch->server_name);
		if (name_len == 0 || name_len > 255)
			return MOOR_ERR_INVALID_ARG;
	}

	/* A counting pass first: nothing is written for a ClientHello whose
	 * extensions do not fit their 16-bit length. */
	w.buf = NULL;
	w.cap = 0;
	w.skip = 0;
	w.len = 0;
	if (encode_ch(ch, &w, shares, n_shares, shares_len, name_len) > 0xffff)
		return MOOR_ERR_INVALID_ARG;
	w.buf = out;
	w.cap = cap;
	w.skip = skip;
	w.len = 0;
	encode_ch(ch, &w, shares, n_shares, shares_len, name_len);
	*len = w.len;
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* Reader: every read is bounds-checked; a failed read poisons the reader. */
typedef struct {
	const uint8_t *p;
	size_t left;
	int bad;
} rd;

static unsigned get8(rd *r)
{
	if (r->bad || r->left < 1) {
		r->bad = 1;
		return 0;
	}
	r->left--;
	return *r->p++;
}

static unsigned get16(rd *r)
{
	unsigned hi = get8(r);

	return (hi << 8) | get8(r);
}

static const uint8_t *get_bytes(rd *r, size_t n)
{
	const uint8_t *s = r->p;

	if (r->bad || r->left < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return s;
}

/* A sub-reader over the next n bytes. */
static rd sub(rd *r, size_t n)
{
	rd s;

	s.p = get_bytes(r, n);
	s.left = s.p != NULL ? n : 0;
	s.bad = s.p == NULL;
	return s;
}

/* Bit for each extension type a ServerHello / HRR may carry. */
static int ext_bit(unsigned type, int hrr)
{
	switch (type) {
	case MOOR_EXT_SUPPORTED_VERSIONS:
		return 0;
	case MOOR_EXT_KEY_SHARE:
		return 1;
	case MOOR_EXT_PRE_SHARED_KEY:
		return hrr ? -1 : 2;
	case MOOR_EXT_COOKIE:
		return hrr ? 3 : -1;
	default:
		return -1;
	}
}

int moor_tls13_parse_server_hello(const uint8_t *msg, size_t len,
	const uint8_t *sid, size_t sid_len, moor_tls13_server_hello *sh)
{
	rd r, body, exts;
	const uint8_t *echo;
	size_t body_len, n;
	unsigned seen = 0;
	int unknown = 0, echo_ok;

	if (msg == NULL || sh == NULL || (sid == NULL && sid_len > 0) || sid_len > 32)
		return MOOR_ERR_INVALID_ARG;
	memset(sh, 0, sizeof *sh);
	r.p = msg;
	r.left = len;
	r.bad = 0;
	if (get8(&r) != MOOR_HS_SERVER_HELLO)
		return MOOR_ERR_TLS_PROTOCOL;
	body_len = get8(&r);
	body_len = (body_len << 16) | get16(&r);
	if (r.bad || body_len != r.left)
		return MOOR_ERR_TLS_PROTOCOL;
	body = sub(&r, body_len);

	sh->legacy_version = (uint16_t)get16(&body);
	sh->random = get_bytes(&body, 32);
	n = get8(&body);
	echo = get_bytes(&body, n);
	sh->cipher_suite = (uint16_t)get16(&body);
	if (get8(&body) != 0)                 /* legacy_compression_method */
		return MOOR_ERR_TLS_PROTOCOL;
	if (body.bad || n > 32)
		return MOOR_ERR_TLS_PROTOCOL;
	/* The echo is a TLS 1.3 rule: a TLS 1.2 server picks its own id. */
	echo_ok = n == sid_len && (n == 0 || memcmp(echo, sid, n) == 0);
	sh->is_hrr = memcmp(sh->random, moor_tls13_hrr_random, 32) == 0;
	if (memcmp(sh->random + 24, downgrade_prefix, 7) == 0) {
		if (sh->random[31] == 0x01)
			sh->downgrade = 12;
		else if (sh->random[31] == 0x00)
			sh->downgrade = 11;
	}
	if (body.left == 0)                   /* no extensions: TLS 1.2 or older */
		return MOOR_OK;

	n = get16(&body);
	exts = sub(&body, n);
	if (body.bad || body.left != 0)
		return MOOR_ERR_TLS_PROTOCOL;
	while (exts.left > 0) {
		unsigned type = get16(&exts);
		rd e = sub(&exts, get16(&exts));
		int bit = ext_bit(type, sh->is_hrr);

		if (exts.bad)
			return MOOR_ERR_TLS_PROTOCOL;
		if (bit < 0) {
			/* Fatal only if TLS 1.3 is selected (checked below): a
			 * TLS 1.2 ServerHello has extensions of its own. */
			unknown = 1;
			continue;
		}
		if (seen & (1u << bit))
			return MOOR_ERR_TLS_PROTOCOL;
		seen |= 1u << bit;
		switch (type) {
		case MOOR_EXT_SUPPORTED_VERSIONS:
			sh->version = (uint16_t)get16(&e);
			if (sh->version != 0x0304)
				return MOOR_ERR_TLS_PROTOCOL;
			break;
		case MOOR_EXT_KEY_SHARE:
			sh->share_group = (uint16_t)get16(&e);
			if (!sh->is_hrr) {
				sh->share_len = get16(&e);
				sh->share = get_bytes(&e, sh->share_len);
				if (sh->share_len == 0)
					return MOOR_ERR_TLS_PROTOCOL;
			}
			break;
		case MOOR_EXT_PRE_SHARED_KEY:
			sh->has_psk = 1;
			sh->psk_identity = (uint16_t)get16(&e);
			break;
		case MOOR_EXT_COOKIE:
			sh->cookie_len = get16(&e);
			sh->cookie = get_bytes(&e, sh->cookie_len);
			if (sh->cookie_len == 0)
				return MOOR_ERR_TLS_PROTOCOL;
			break;
		default:
			return MOOR_ERR_INTERNAL;
		}
		if (e.bad || e.left != 0)
			return MOOR_ERR_TLS_PROTOCOL;
	}
	if (exts.bad)
		return MOOR_ERR_TLS_PROTOCOL;
	/* A TLS 1.3 answer must carry supported_versions; an HRR must ask
	 * for something (a group or a cookie), RFC 8446 section 4.1.4. */
	if (sh->version == 0x0304) {
		if (unknown || !echo_ok || sh->legacy_version != 0x0303)
			return MOOR_ERR_TLS_PROTOCOL;
		if (sh->is_hrr && !(seen & ((1u << 1) | (1u << 3))))
			return MOOR_ERR_TLS_PROTOCOL;
	} else if (seen != 0) {
		return MOOR_ERR_TLS_PROTOCOL; /* 1.3 extensions without 1.3 */
	}
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* The server's encrypted flight and post-handshake messages.          */

/* Check the 4-byte header of a message of `type`; returns a reader over
 * the body, poisoned if the header is wrong. */
static rd body_of(const uint8_t *msg, size_t len, unsigned type)
{
	rd r;

	r.p = msg;
	r.left = msg != NULL ? len : 0;
	r.bad = msg == NULL;
	if (get8(&r) != type)
		r.bad = 1;
	else if (((size_t)get8(&r) << 16 | get16(&r)) != r.left)
		r.bad = 1;
	return r;
}

static int decode_error(uint8_t *alert)
{
	if (alert != NULL)
		*alert = MOOR_ALERT_DECODE_ERROR;
	return MOOR_ERR_TLS_PROTOCOL;
}

static int bad_param(uint8_t *alert, uint8_t code)
{
	if (alert != NULL)
		*alert = code;
	return MOOR_ERR_TLS_PROTOCOL;
}

int moor_tls13_parse_encrypted_extensions(const uint8_t *msg, size_t len,
	unsigned offered, moor_tls13_ee *ee, uint8_t *alert)
{
	rd r = body_of(msg, len, MOOR_HS_ENCRYPTED_EXTENSIONS), x;
	unsigned seen = 0;

	if (ee == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(ee, 0, sizeof *ee);
	x = sub(&r, get16(&r));
	if (r.bad || r.left != 0)
		return decode_error(alert);
	while (x.left > 0) {
		unsigned type = get16(&x);
		rd e = sub(&x, get16(&x));
		unsigned bit;

		if (x.bad)
			return decode_error(alert);
		switch (type) {
		case MOOR_EXT_SERVER_NAME:
			bit = MOOR_TLS13_OFFER_SNI;
			if (e.left != 0)
				return decode_error(alert);
			ee->sni_ack = 1;
			break;
		case MOOR_EXT_MAX_FRAGMENT_LENGTH:
			bit = MOOR_TLS13_OFFER_MFL;
			ee->mfl_code = (uint8_t)get8(&e);
			if (!e.bad && e.left == 0 && (ee->mfl_code < 1 || ee->mfl_code > 4))
				return bad_param(alert, MOOR_ALERT_ILLEGAL_PARAMETER);  /* RFC 6066: 1..4 */
			break;
		case MOOR_EXT_SUPPORTED_GROUPS:
			/* The server's preference, for next time; the list is
			 * only checked for shape. */
			bit = MOOR_TLS13_OFFER_GROUPS;
			{
				size_t n = get16(&e);

				if (n < 2 || (n & 1) != 0)
					return decode_error(alert);
				(void)get_bytes(&e, n);
			}
			break;
		case MOOR_EXT_RECORD_SIZE_LIMIT:
			bit = MOOR_TLS13_OFFER_RSL;
			ee->record_size_limit = (uint16_t)get16(&e);
			if (!e.bad && e.left == 0 && ee->record_size_limit < 64)
				return bad_param(alert, MOOR_ALERT_ILLEGAL_PARAMETER);
			break;
		case MOOR_EXT_SIGNATURE_ALGORITHMS:
		case MOOR_EXT_SIGNATURE_ALGORITHMS_CERT:
		case MOOR_EXT_KEY_SHARE:
		case MOOR_EXT_SUPPORTED_VERSIONS:
		case MOOR_EXT_PRE_SHARED_KEY:
		case MOOR_EXT_PSK_KEY_EXCHANGE_MODES:
		case MOOR_EXT_COOKIE:
			/* Known, but not allowed in EncryptedExtensions. */
			return bad_param(alert, MOOR_ALERT_ILLEGAL_PARAMETER);
		default:
			/* early_data, ALPN and everything else: never offered. */
			return bad_param(alert, MOOR_ALERT_UNSUPPORTED_EXTENSION);
		}
		if (e.bad || e.left != 0)
			return decode_error(alert);
		if ((offered & bit) == 0)
			return bad_param(alert, MOOR_ALERT_UNSUPPORTED_EXTENSION);
		if (seen & bit)
			return decode_error(alert);  /* duplicated */
		seen |= bit;
	}
	/* RFC 8449 5: both limits at once is a fatal error. */
	if ((seen & (MOOR_TLS13_OFFER_MFL | MOOR_TLS13_OFFER_RSL))
			== (MOOR_TLS13_OFFER_MFL | MOOR_TLS13_OFFER_RSL))
		return bad_param(alert, MOOR_ALERT_ILLEGAL_PARAMETER);
	return MOOR_OK;
}

int moor_tls13_parse_certificate_request(const uint8_t *msg, size_t len,
	moor_tls13_cert_request *cr, uint8_t *alert)
{
	rd r = body_of(msg, len, MOOR_HS_CERTIFICATE_REQUEST), x;
	int have_sigalgs = 0;

	if (cr == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(cr, 0, sizeof *cr);
	cr->context_len = get8(&r);
	cr->context = get_bytes(&r, cr->context_len);
	x = sub(&r, get16(&r));
	if (r.bad || r.left != 0)
		return decode_error(alert);
	while (x.left > 0) {
		unsigned type = get16(&x);
		rd e = sub(&x, get16(&x));

		if (x.bad)
			return decode_error(alert);
		if (type == MOOR_EXT_SIGNATURE_ALGORITHMS) {
			size_t n = get16(&e);

			if (have_sigalgs || n < 2 || (n & 1) != 0)
				return decode_error(alert);
			cr->sig_algs = get_bytes(&e, n);
			cr->n_sig_algs = n / 2;
			if (e.bad || e.left != 0)
				return decode_error(alert);
			have_sigalgs = 1;
		}
		/* certificate_authorities, oid_filters, signature_algorithms_cert
		 * and unknown extensions are ignored (RFC 8446 4.3.2). */
	}
	if (!have_sigalgs)
		return bad_param(alert, MOOR_ALERT_MISSING_EXTENSION);
	return MOOR_OK;
}

int moor_tls13_parse_certificate_verify(const uint8_t *msg, size_t len,
	uint16_t *scheme, const uint8_t **sig, size_t *sig_len, uint8_t *alert)
{
	rd r = body_of(msg, len, MOOR_HS_CERTIFICATE_VERIFY);

	if (scheme == NULL || sig == NULL || sig_len == NULL)
		return MOOR_ERR_INVALID_ARG;
	*scheme = (uint16_t)get16(&r);
	*sig_len = get16(&r);
	*sig = get_bytes(&r, *sig_len);
	if (r.bad || r.left != 0 || *sig_len == 0)
		return decode_error(alert);
	return MOOR_OK;
}

int moor_tls13_parse_new_session_ticket(const uint8_t *msg, size_t len,
	moor_tls13_nst *nst, uint8_t *alert)
{
	rd r = body_of(msg, len, MOOR_HS_NEW_SESSION_TICKET), x;

	if (nst == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(nst, 0, sizeof *nst);
	nst->lifetime = (uint32_t)get16(&r) << 16;
	nst->lifetime |= get16(&r);
	nst->age_add = (uint32_t)get16(&r) << 16;
	nst->age_add |= get16(&r);
	nst->nonce_len = get8(&r);
	nst->nonce = get_bytes(&r, nst->nonce_len);
	nst->ticket_len = get16(&r);
	nst->ticket = get_bytes(&r, nst->ticket_len);
	x = sub(&r, get16(&r));
	if (r.bad || r.left != 0 || nst->ticket_len == 0)
		return decode_error(alert);
	while (x.left > 0) {
		unsigned type = get16(&x);
		rd e = sub(&x, get16(&x));

		if (x.bad)
			return decode_error(alert);
		if (type == MOOR_EXT_EARLY_DATA) {
			/* max_early_data_size: we never send early data. */
			(void)get16(&e);
			(void)get16(&e);
			if (e.bad || e.left != 0)
				return decode_error(alert);
		}
	}
	/* RFC 8446 4.6.1: at most seven days. */
	if (nst->lifetime > 604800)
		return bad_param(alert, MOOR_ALERT_ILLEGAL_PARAMETER);
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* Certificate, streamed. */

enum {
	CP_CTX_LEN = 0, CP_CTX, CP_LIST_LEN, CP_ENTRY_LEN, CP_ENTRY_DATA,
	CP_EXT_LEN, CP_EXT, CP_DONE
};

void moor_tls13_cert_parser_init(moor_tls13_cert_parser *cp, uint32_t body_len)
{
	memset(cp, 0, sizeof *cp);
	cp->state = CP_CTX_LEN;
	cp->left = body_len;
}

/* Start reading a big-endian number of `n` bytes. */
static void cp_num(moor_tls13_cert_parser *cp, unsigned state, unsigned n)
{
	cp->state = state;
	cp->acc = 0;
	cp->acc_need = n;
}

int moor_tls13_cert_parser_push(moor_tls13_cert_parser *cp,
	const br_x509_class **x509, const uint8_t *data, size_t len, uint8_t *alert)
{
	while (len > 0) {
		size_t k;

		if (cp->state == CP_DONE || len > cp->left)
			return decode_error(alert);  /* bytes past the message */
		switch (cp->state) {
		case CP_CTX:
		case CP_EXT:
			/* Skipped: a request context (checked empty by the
			 * caller through ctx_len) or entry extensions. */
			k = len < cp->item_left ? len : cp->item_left;
			cp->item_left -= (uint32_t)k;
			cp->left -= (uint32_t)k;
			if (cp->state == CP_EXT)
				cp->list_left -= (uint32_t)k;
			data += k;
			len -= k;
			if (cp->item_left == 0) {
				if (cp->state == CP_CTX)
					cp_num(cp, CP_LIST_LEN, 3);
				else if (cp->list_left == 0)
					cp->state = CP_DONE;
				else
					cp_num(cp, CP_ENTRY_LEN, 3);
			}
			break;
		case CP_ENTRY_DATA:
			k = len < cp->item_left ? len : cp->item_left;
			if (cp->count <= MOOR_TLS13_MAX_CHAIN)
				(*x509)->append(x509, data, k);
			cp->item_left -= (uint32_t)k;
			cp->left -= (uint32_t)k;
			cp->list_left -= (uint32_t)k;
			data += k;
			len -= k;
			if (cp->item_left == 0) {
				if (cp->count <= MOOR_TLS13_MAX_CHAIN)
					(*x509)->end_cert(x509);
				cp_num(cp, CP_EXT_LEN, 2);
			}
			break;
		default:
			/* A length field, one byte at a time. */
			cp->acc = (cp->acc << 8) | *data++;
			len--;
			cp->left--;
			if (cp->state != CP_CTX_LEN && cp->state != CP_LIST_LEN)
				cp->list_left--;
			if (cp->state != CP_CTX_LEN && --cp->acc_need > 0)
				break;
			switch (cp->state) {
			case CP_CTX_LEN:
				cp->ctx_len = (uint8_t)cp->acc;
				cp->item_left = cp->acc;
				if (cp->acc > cp->left)
					return decode_error(alert);
				if (cp->acc == 0)
					cp_num(cp, CP_LIST_LEN, 3);
				else
					cp->state = CP_CTX;
				break;
			case CP_LIST_LEN:
				/* The list fills the rest of the message exactly. */
				if (cp->acc != cp->left)
					return decode_error(alert);
				cp->list_left = cp->acc;
				if (cp->acc == 0)
					cp->state = CP_DONE;
				else
					cp_num(cp, CP_ENTRY_LEN, 3);
				break;
			case CP_ENTRY_LEN:
				if (cp->acc == 0 || cp->acc > cp->list_left)
					return decode_error(alert);
				cp->item_left = cp->acc;
				cp->count++;
				if (cp->count <= MOOR_TLS13_MAX_CHAIN)
					(*x509)->start_cert(x509, cp->acc);
				cp->state = CP_ENTRY_DATA;
				break;
			case CP_EXT_LEN:
				if (cp->acc > cp->list_left)
					return decode_error(alert);
				cp->item_left = cp->acc;
				if (cp->acc > 0)
					cp->state = CP_EXT;
				else if (cp->list_left == 0)
					cp->state = CP_DONE;
				else
					cp_num(cp, CP_ENTRY_LEN, 3);
				break;
			default:
				return MOOR_ERR_INTERNAL;
			}
			break;
		}
	}
	return MOOR_OK;
}

int moor_tls13_cert_parser_done(const moor_tls13_cert_parser *cp, uint8_t *alert)
{
	if (cp->state != CP_DONE || cp->left != 0)
		return decode_error(alert);
	return MOOR_OK;
}
