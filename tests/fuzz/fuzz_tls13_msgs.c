/*
 * Fuzz target: the TLS 1.3 handshake message parsers of msg.c.
 *
 * Input: one control byte, then a handshake message (4-byte header
 * included). The message goes to every parser:
 *   EncryptedExtensions  with offered = 0, ctrl & 15 and all bits;
 *   CertificateRequest, CertificateVerify, NewSessionTicket;
 *   ServerHello          with the session id echo 0 or 32 zero bytes
 *                        (ctrl bit 4);
 *   Certificate          streamed: the body (after the header, whose
 *                        length is the parser's body_len) is pushed whole
 *                        and then in pieces (sizes from ctrl bits 5-7 and
 *                        the input) into a checking dummy X.509 engine.
 *
 * Checked, beyond "no crash" (ASan sees reads past the input: the
 * message is the exact-size libFuzzer buffer, its copy ends at the end of
 * a global array):
 *  - the only failure is MOOR_ERR_TLS_PROTOCOL, and the alert it sets is
 *    one RFC 8446 names for it; a NULL alert pointer changes nothing;
 *  - every slice returned lies inside the message;
 *  - a parse of a copy gives the same result (same fields, same slice
 *    offsets);
 *  - EncryptedExtensions: a message accepted with some `offered` bits is
 *    accepted the same with more bits;
 *  - Certificate: the dummy X.509 engine sees start_cert / append /
 *    end_cert in order, each append non-empty, inside a certificate and
 *    inside the piece being pushed, and exactly the announced length per
 *    certificate; the verdict, the count and the bytes delivered do not
 *    depend on how the body was split, and they agree with a plain
 *    in-memory reference parse of the same body.
 * Any violation is __builtin_trap().
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "moor/status.h"
#include "moor/tls13_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Largest message handled; longer inputs are cut. */
#define MSG_MAX 65536

/* The copy of the message ends exactly at the end of this array. */
static uint8_t copy_area[MSG_MAX];

static const uint8_t *copy_of(const uint8_t *msg, size_t len)
{
	uint8_t *c = copy_area + sizeof copy_area - len;

	memcpy(c, msg, len);
	return c;
}

/* A slice [p, p + n) lies in [lo, lo + len). A NULL slice is fine only
 * when empty. */
static int inside(const uint8_t *p, size_t n, const uint8_t *lo, size_t len)
{
	if (p == NULL)
		return n == 0;
	return p >= lo && n <= len && (size_t)(p - lo) <= len - n;
}

static size_t off(const uint8_t *p, const uint8_t *base)
{
	return p == NULL ? (size_t)-1 : (size_t)(p - base);
}

static int alert_ok(uint8_t a)
{
	return a == MOOR_ALERT_DECODE_ERROR || a == MOOR_ALERT_ILLEGAL_PARAMETER
		|| a == MOOR_ALERT_UNSUPPORTED_EXTENSION || a == MOOR_ALERT_MISSING_EXTENSION;
}

/* ------------------------------------------------------------------ */
/* EncryptedExtensions. */

static void fuzz_ee(const uint8_t *msg, size_t len, unsigned ctrl)
{
	const unsigned masks[3] = { 0, ctrl & 15u, 15u };
	moor_tls13_ee ee[3], tmp;
	int st[3];
	unsigned i;

	for (i = 0; i < 3; i++) {
		uint8_t alert = 0xee;
		int r2;

		st[i] = moor_tls13_parse_encrypted_extensions(msg, len, masks[i], &ee[i], &alert);
		CHECK(st[i] == MOOR_OK || st[i] == MOOR_ERR_TLS_PROTOCOL);
		if (st[i] != MOOR_OK) {
			CHECK(alert_ok(alert));
			continue;
		}
		CHECK(alert == 0xee);  /* untouched on success */
		CHECK(ee[i].record_size_limit == 0 || ee[i].record_size_limit >= 64);
		CHECK(!ee[i].sni_ack || (masks[i] & MOOR_TLS13_OFFER_SNI));
		CHECK(ee[i].mfl_code == 0 || (masks[i] & MOOR_TLS13_OFFER_MFL));
		CHECK(ee[i].record_size_limit == 0 || (masks[i] & MOOR_TLS13_OFFER_RSL));
		r2 = moor_tls13_parse_encrypted_extensions(copy_of(msg, len), len, masks[i], &tmp, NULL);
		CHECK(r2 == MOOR_OK && memcmp(&tmp, &ee[i], sizeof tmp) == 0);
	}
	/* More offered bits never turn an accepted message down. */
	if (st[0] == MOOR_OK)
		CHECK(st[1] == MOOR_OK && memcmp(&ee[0], &ee[1], sizeof ee[0]) == 0);
	if (st[1] == MOOR_OK)
		CHECK(st[2] == MOOR_OK && memcmp(&ee[1], &ee[2], sizeof ee[1]) == 0);
	/* NULL alert: same verdict. */
	CHECK(moor_tls13_parse_encrypted_extensions(msg, len, masks[1], &tmp, NULL) == st[1]);
}

/* ------------------------------------------------------------------ */
/* CertificateRequest, CertificateVerify, NewSessionTicket. */

static void fuzz_cr(const uint8_t *msg, size_t len)
{
	moor_tls13_cert_request cr, c2;
	const uint8_t *cp;
	uint8_t alert = 0xee;
	int st = moor_tls13_parse_certificate_request(msg, len, &cr, &alert);

	CHECK(st == MOOR_OK || st == MOOR_ERR_TLS_PROTOCOL);
	CHECK(moor_tls13_parse_certificate_request(msg, len, &c2, NULL) == st);
	if (st != MOOR_OK) {
		CHECK(alert_ok(alert));
		return;
	}
	CHECK(alert == 0xee);
	CHECK(cr.context_len <= 255 && inside(cr.context, cr.context_len, msg, len));
	CHECK(cr.n_sig_algs >= 1 && cr.n_sig_algs <= 32767);
	CHECK(inside(cr.sig_algs, 2 * cr.n_sig_algs, msg, len));
	cp = copy_of(msg, len);
	CHECK(moor_tls13_parse_certificate_request(cp, len, &c2, NULL) == MOOR_OK);
	CHECK(c2.context_len == cr.context_len && c2.n_sig_algs == cr.n_sig_algs);
	CHECK(off(c2.context, cp) == off(cr.context, msg));
	CHECK(off(c2.sig_algs, cp) == off(cr.sig_algs, msg));
}

static void fuzz_cv(const uint8_t *msg, size_t len)
{
	uint16_t scheme = 0, s2 = 0;
	const uint8_t *sig = NULL, *g2 = NULL, *cp;
	size_t sig_len = 0, l2 = 0;
	uint8_t alert = 0xee;
	int st = moor_tls13_parse_certificate_verify(msg, len, &scheme, &sig, &sig_len, &alert);

	CHECK(st == MOOR_OK || st == MOOR_ERR_TLS_PROTOCOL);
	CHECK(moor_tls13_parse_certificate_verify(msg, len, &s2, &g2, &l2, NULL) == st);
	if (st != MOOR_OK) {
		CHECK(alert == MOOR_ALERT_DECODE_ERROR);
		return;
	}
	CHECK(alert == 0xee);
	CHECK(sig_len >= 1 && sig_len <= 0xffff && inside(sig, sig_len, msg, len));
	/* The signature is the rest of the message. */
	CHECK(sig + sig_len == msg + len && len == 8 + sig_len);
	cp = copy_of(msg, len);
	CHECK(moor_tls13_parse_certificate_verify(cp, len, &s2, &g2, &l2, NULL) == MOOR_OK);
	CHECK(s2 == scheme && l2 == sig_len && off(g2, cp) == off(sig, msg));
}

static void fuzz_nst(const uint8_t *msg, size_t len)
{
	moor_tls13_nst nst, n2;
	const uint8_t *cp;
	uint8_t alert = 0xee;
	int st = moor_tls13_parse_new_session_ticket(msg, len, &nst, &alert);

	CHECK(st == MOOR_OK || st == MOOR_ERR_TLS_PROTOCOL);
	CHECK(moor_tls13_parse_new_session_ticket(msg, len, &n2, NULL) == st);
	if (st != MOOR_OK) {
		CHECK(alert == MOOR_ALERT_DECODE_ERROR || alert == MOOR_ALERT_ILLEGAL_PARAMETER);
		return;
	}
	CHECK(alert == 0xee);
	CHECK(nst.lifetime <= 604800);
	CHECK(nst.nonce_len <= 255 && inside(nst.nonce, nst.nonce_len, msg, len));
	CHECK(nst.ticket_len >= 1 && nst.ticket_len <= 0xffff);
	CHECK(inside(nst.ticket, nst.ticket_len, msg, len));
	cp = copy_of(msg, len);
	CHECK(moor_tls13_parse_new_session_ticket(cp, len, &n2, NULL) == MOOR_OK);
	CHECK(n2.lifetime == nst.lifetime && n2.age_add == nst.age_add);
	CHECK(n2.nonce_len == nst.nonce_len && off(n2.nonce, cp) == off(nst.nonce, msg));
	CHECK(n2.ticket_len == nst.ticket_len && off(n2.ticket, cp) == off(nst.ticket, msg));
}

/* ------------------------------------------------------------------ */
/* ServerHello / HelloRetryRequest. */

static void fuzz_sh(const uint8_t *msg, size_t len, unsigned ctrl)
{
	static const uint8_t sid[32] = { 0 };
	size_t sid_len = (ctrl & 0x10) ? 32 : 0;
	moor_tls13_server_hello sh, s2;
	const uint8_t *cp;
	int st = moor_tls13_parse_server_hello(msg, len, sid, sid_len, &sh);

	CHECK(st == MOOR_OK || st == MOOR_ERR_TLS_PROTOCOL);
	if (st != MOOR_OK)
		return;
	CHECK(inside(sh.random, 32, msg, len));
	CHECK(inside(sh.share, sh.share_len, msg, len));
	CHECK(inside(sh.cookie, sh.cookie_len, msg, len));
	CHECK(sh.version == 0 || sh.version == 0x0304);
	CHECK(sh.is_hrr == (memcmp(sh.random, moor_tls13_hrr_random, 32) == 0));
	CHECK(sh.downgrade == 0 || sh.downgrade == 11 || sh.downgrade == 12);
	if (sh.version == 0) {
		/* Not TLS 1.3: none of its extensions were taken. */
		CHECK(sh.share == NULL && sh.cookie == NULL && !sh.has_psk && sh.share_group == 0);
	} else {
		CHECK(sh.legacy_version == 0x0303);
		if (sh.is_hrr)
			CHECK(sh.share == NULL && !sh.has_psk && (sh.share_group != 0 || sh.cookie != NULL));
		else
			CHECK(sh.cookie == NULL && (sh.share == NULL || sh.share_len > 0));
	}
	cp = copy_of(msg, len);
	CHECK(moor_tls13_parse_server_hello(cp, len, sid, sid_len, &s2) == MOOR_OK);
	CHECK(s2.is_hrr == sh.is_hrr && s2.downgrade == sh.downgrade
		&& s2.legacy_version == sh.legacy_version && s2.version == sh.version
		&& s2.cipher_suite == sh.cipher_suite && s2.share_group == sh.share_group
		&& s2.share_len == sh.share_len && s2.cookie_len == sh.cookie_len
		&& s2.has_psk == sh.has_psk && s2.psk_identity == sh.psk_identity);
	CHECK(off(s2.random, cp) == off(sh.random, msg));
	CHECK(off(s2.share, cp) == off(sh.share, msg));
	CHECK(off(s2.cookie, cp) == off(sh.cookie, msg));
}

/* ------------------------------------------------------------------ */
/* Certificate, streamed into a checking dummy X.509 engine. */

typedef struct {
	const br_x509_class *vtable;
	int in_cert;
	uint32_t want, got;          /* announced and appended, current cert */
	unsigned started, ended;
	uint32_t lens[MOOR_TLS13_MAX_CHAIN];
	uint32_t hash;               /* FNV-1a of every appended byte */
	const uint8_t *piece;        /* the piece being pushed */
	size_t piece_len;
} dummy_x509;

static void d_start_chain(const br_x509_class **ctx, const char *name)
{
	(void)ctx;
	(void)name;
	__builtin_trap();  /* the caller's business, never the parser's */
}

static void d_start_cert(const br_x509_class **ctx, uint32_t length)
{
	dummy_x509 *d = (dummy_x509 *)(void *)ctx;

	CHECK(!d->in_cert && length > 0 && d->started < MOOR_TLS13_MAX_CHAIN);
	d->lens[d->started++] = length;
	d->in_cert = 1;
	d->want = length;
	d->got = 0;
}

static void d_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	dummy_x509 *d = (dummy_x509 *)(void *)ctx;
	size_t i;

	CHECK(d->in_cert && len > 0 && len <= d->want - d->got);
	CHECK(inside(buf, len, d->piece, d->piece_len));
	d->got += (uint32_t)len;
	for (i = 0; i < len; i++)
		d->hash = (d->hash ^ buf[i]) * 16777619u;
}

static void d_end_cert(const br_x509_class **ctx)
{
	dummy_x509 *d = (dummy_x509 *)(void *)ctx;

	CHECK(d->in_cert && d->got == d->want);
	d->in_cert = 0;
	d->ended++;
}

static unsigned d_end_chain(const br_x509_class **ctx)
{
	(void)ctx;
	__builtin_trap();
}

static const br_x509_pkey *d_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	(void)ctx;
	(void)usages;
	__builtin_trap();
}

static const br_x509_class dummy_vtable = {
	sizeof(dummy_x509), d_start_chain, d_start_cert, d_append, d_end_cert,
	d_end_chain, d_get_pkey
};

typedef struct {
	int st;                      /* MOOR_OK if every push and done passed */
	unsigned count;
	dummy_x509 d;
} cert_result;

/* Piece sizes: 0 = the whole body; else a sequence from a small PRNG
 * seeded by the input, bounded by `span`. */
static uint32_t piece_rng;

static size_t next_piece(size_t span, size_t left)
{
	size_t n;

	if (span == 0)
		return left;
	piece_rng ^= piece_rng << 13;
	piece_rng ^= piece_rng >> 17;
	piece_rng ^= piece_rng << 5;
	n = 1 + piece_rng % span;
	return n < left ? n : left;
}

static void cert_stream(const uint8_t *body, size_t n, uint32_t body_len,
	size_t span, cert_result *res)
{
	moor_tls13_cert_parser cp;
	size_t at = 0;
	uint8_t alert = 0xee;
	int st = MOOR_OK;

	memset(res, 0, sizeof *res);
	res->d.vtable = &dummy_vtable;
	res->d.hash = 2166136261u;
	moor_tls13_cert_parser_init(&cp, body_len);
	while (at < n && st == MOOR_OK) {
		size_t k = next_piece(span, n - at);

		res->d.piece = body + at;
		res->d.piece_len = k;
		st = moor_tls13_cert_parser_push(&cp, &res->d.vtable, body + at, k, &alert);
		CHECK(st == MOOR_OK || st == MOOR_ERR_TLS_PROTOCOL);
		CHECK(cp.count >= res->d.started);
		at += k;
	}
	if (st == MOOR_OK)
		st = moor_tls13_cert_parser_done(&cp, &alert);
	CHECK(st == MOOR_OK || (st == MOOR_ERR_TLS_PROTOCOL && alert == MOOR_ALERT_DECODE_ERROR));
	if (st == MOOR_OK) {
		CHECK(alert == 0xee && !res->d.in_cert);
		CHECK(res->d.started == (cp.count < MOOR_TLS13_MAX_CHAIN ? cp.count : MOOR_TLS13_MAX_CHAIN));
		CHECK(res->d.ended == res->d.started);
	}
	res->st = st;
	res->count = cp.count;
}

/* Plain reference parse of a whole Certificate body (RFC 8446 4.4.2). */
static int cert_reference(const uint8_t *b, size_t n, unsigned *count, uint32_t *hash,
	uint32_t lens[MOOR_TLS13_MAX_CHAIN])
{
	size_t p = 0, ctx_len, list_len, end;

	*count = 0;
	*hash = 2166136261u;
	if (n < 1)
		return -1;
	ctx_len = b[p++];
	if (n - p < ctx_len)
		return -1;
	p += ctx_len;
	if (n - p < 3)
		return -1;
	list_len = (size_t)b[p] << 16 | (size_t)b[p + 1] << 8 | b[p + 2];
	p += 3;
	if (list_len != n - p)
		return -1;
	end = n;
	while (p < end) {
		size_t cl, el, i;

		if (end - p < 3)
			return -1;
		cl = (size_t)b[p] << 16 | (size_t)b[p + 1] << 8 | b[p + 2];
		p += 3;
		if (cl == 0 || end - p < cl)
			return -1;
		if (*count < MOOR_TLS13_MAX_CHAIN) {
			lens[*count] = (uint32_t)cl;
			for (i = 0; i < cl; i++)
				*hash = (*hash ^ b[p + i]) * 16777619u;
		}
		(*count)++;
		p += cl;
		if (end - p < 2)
			return -1;
		el = (size_t)b[p] << 8 | b[p + 1];
		p += 2;
		if (end - p < el)
			return -1;
		p += el;
	}
	return 0;
}

static void fuzz_cert(const uint8_t *msg, size_t len, unsigned ctrl)
{
	static cert_result whole, pieces;
	const uint8_t *body;
	size_t n, span;
	uint32_t body_len, ref_hash, ref_lens[MOOR_TLS13_MAX_CHAIN];
	unsigned ref_count, i;
	int ref;

	if (len < 4)
		return;
	body = msg + 4;
	n = len - 4;
	body_len = (uint32_t)msg[1] << 16 | (uint32_t)msg[2] << 8 | msg[3];

	cert_stream(body, n, body_len, 0, &whole);
	/* Piece sizes: 1 byte each, or random up to 2^k bytes. */
	span = (ctrl >> 5) == 0 ? 1 : (size_t)1 << (ctrl >> 5);
	piece_rng = 0x9e3779b9u ^ (uint32_t)len ^ ((uint32_t)ctrl << 24);
	if (n > 0)
		piece_rng ^= (uint32_t)body[n - 1] << 8;
	cert_stream(body, n, body_len, span, &pieces);

	/* The split changes nothing. */
	CHECK(whole.st == pieces.st);
	if (whole.st == MOOR_OK) {
		CHECK(whole.count == pieces.count && whole.d.hash == pieces.d.hash);
		CHECK(whole.d.started == pieces.d.started);
		CHECK(memcmp(whole.d.lens, pieces.d.lens, sizeof whole.d.lens) == 0);
	}

	/* And it agrees with the reference, on the bytes actually there. */
	ref = body_len == n ? cert_reference(body, n, &ref_count, &ref_hash, ref_lens) : -1;
	CHECK((ref == 0) == (whole.st == MOOR_OK));
	if (ref == 0) {
		CHECK(ref_count == whole.count && ref_hash == whole.d.hash);
		for (i = 0; i < whole.d.started; i++)
			CHECK(ref_lens[i] == whole.d.lens[i]);
	}
}

/* ------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *msg;
	size_t len;
	unsigned ctrl;

	if (size < 1)
		return 0;
	ctrl = data[0];
	msg = data + 1;
	len = size - 1 < MSG_MAX ? size - 1 : MSG_MAX;

	fuzz_ee(msg, len, ctrl);
	fuzz_cr(msg, len);
	fuzz_cv(msg, len);
	fuzz_nst(msg, len);
	fuzz_sh(msg, len, ctrl);
	fuzz_cert(msg, len, ctrl);
	return 0;
}
