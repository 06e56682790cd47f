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
	size_t len;
} wr;

static void put8(wr *w, unsigned v)
{
	if (w->len < w->cap)
		w->buf[w->len] = (uint8_t)v;
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

	for (i = 0; i < width; i++) {
		size_t pos = at + width - 1 - i;

		if (pos < w->cap)
			w->buf[pos] = (uint8_t)(n >> (8 * i));
	}
}

static void put_u16_list(wr *w, const uint16_t *v, size_t n)
{
	size_t i;

	put16(w, (unsigned)(2 * n));
	for (i = 0; i < n; i++)
		put16(w, v[i]);
}

int moor_tls13_write_client_hello(const moor_tls13_client_hello *ch,
	uint8_t *out, size_t cap, size_t *len)
{
	wr w;
	size_t hs, ext, e, e2;
	size_t name_len = 0;

	if (ch == NULL || len == NULL || (out == NULL && cap > 0) || ch->random == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (ch->n_suites == 0 || ch->n_suites > MOOR_TLS13_MAX_SUITES || ch->suites == NULL
		|| ch->n_groups == 0 || ch->n_groups > MOOR_TLS13_MAX_GROUPS || ch->groups == NULL
		|| ch->n_sig_algs == 0 || ch->n_sig_algs > MOOR_TLS13_MAX_SIGALGS
		|| ch->sig_algs == NULL || ch->n_sig_algs_cert > MOOR_TLS13_MAX_SIGALGS
		|| ch->share == NULL || ch->share_len == 0 || ch->share_len > 133
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

	w.buf = out;
	w.cap = cap;
	w.len = 0;
	put8(&w, MOOR_HS_CLIENT_HELLO);
	hs = open_len(&w, 3);
	put16(&w, 0x0303);                        /* legacy_version */
	put_bytes(&w, ch->random, 32);
	put8(&w, (unsigned)ch->session_id_len);   /* legacy_session_id */
	put_bytes(&w, ch->session_id, ch->session_id_len);
	put_u16_list(&w, ch->suites, ch->n_suites);
	put8(&w, 1);                              /* legacy_compression_methods: null */
	put8(&w, 0);
	ext = open_len(&w, 2);

	if (ch->server_name != NULL) {
		put16(&w, MOOR_EXT_SERVER_NAME);
		e = open_len(&w, 2);
		e2 = open_len(&w, 2);                 /* server_name_list */
		put8(&w, 0);                          /* host_name */
		put16(&w, (unsigned)name_len);
		put_bytes(&w, (const uint8_t *)ch->server_name, name_len);
		close_len(&w, e2, 2);
		close_len(&w, e, 2);
	}
	if (ch->max_fragment_code != 0) {
		put16(&w, MOOR_EXT_MAX_FRAGMENT_LENGTH);
		put16(&w, 1);
		put8(&w, ch->max_fragment_code);
	}
	put16(&w, MOOR_EXT_SUPPORTED_GROUPS);
	put16(&w, (unsigned)(2 + 2 * ch->n_groups));
	put_u16_list(&w, ch->groups, ch->n_groups);

	put16(&w, MOOR_EXT_SIGNATURE_ALGORITHMS);
	put16(&w, (unsigned)(2 + 2 * ch->n_sig_algs));
	put_u16_list(&w, ch->sig_algs, ch->n_sig_algs);
	if (ch->sig_algs_cert != NULL && ch->n_sig_algs_cert > 0) {
		put16(&w, MOOR_EXT_SIGNATURE_ALGORITHMS_CERT);
		put16(&w, (unsigned)(2 + 2 * ch->n_sig_algs_cert));
		put_u16_list(&w, ch->sig_algs_cert, ch->n_sig_algs_cert);
	}
	if (ch->record_size_limit != 0) {
		put16(&w, MOOR_EXT_RECORD_SIZE_LIMIT);
		put16(&w, 2);
		put16(&w, ch->record_size_limit);
	}
	put16(&w, MOOR_EXT_SUPPORTED_VERSIONS);
	put16(&w, ch->offer_tls12 ? 5 : 3);
	put8(&w, ch->offer_tls12 ? 4 : 2);
	put16(&w, 0x0304);
	if (ch->offer_tls12)
		put16(&w, 0x0303);
	if (ch->cookie != NULL) {
		put16(&w, MOOR_EXT_COOKIE);
		put16(&w, (unsigned)(ch->cookie_len + 2));
		put16(&w, (unsigned)ch->cookie_len);
		put_bytes(&w, ch->cookie, ch->cookie_len);
	}
	put16(&w, MOOR_EXT_PSK_KEY_EXCHANGE_MODES);
	put16(&w, 2);
	put8(&w, 1);
	put8(&w, 1);                              /* psk_dhe_ke */
	put16(&w, MOOR_EXT_KEY_SHARE);
	put16(&w, (unsigned)(ch->share_len + 6));
	put16(&w, (unsigned)(ch->share_len + 4)); /* client_shares */
	put16(&w, ch->share_group);
	put16(&w, (unsigned)ch->share_len);
	put_bytes(&w, ch->share, ch->share_len);

	close_len(&w, ext, 2);
	close_len(&w, hs, 3);
	*len = w.len;
	return w.len <= cap ? MOOR_OK : MOOR_ERR_BUFFER_TOO_SMALL;
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
