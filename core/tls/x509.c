/*
 * Chain validation: a br_x509_class that wraps br_x509_minimal.
 *
 * Every certificate streams through two BearSSL engines at once: the
 * validating br_x509_minimal, and a br_x509_decoder that gives us what
 * minimal keeps to itself (validity dates, CA flag, subject DN, the leaf
 * key). With both we can tell the caller precisely why a chain failed and
 * which anchor it ended at, without holding any certificate whole.
 *
 * br_x509_minimal's DN hashes (current_dn_hash, saved_dn_hash) are read
 * after processing; they are documented in x509_minimal.t0 of the pinned
 * BearSSL 0.6 (the build checks its sha256, so the layout cannot drift).
 */
#include <string.h>

#include "moor/ec_small.h"
#include "moor/status.h"
#include "moor/x509.h"

#define DN_HASH_LEN 32 /* SHA-256 */

static moor_x509 *self(const br_x509_class **ctx)
{
	return (moor_x509 *)(void *)ctx;
}

static const br_x509_class **minimal_ctx(moor_x509 *x)
{
	return &x->minimal.vtable;
}

void moor_unix_to_br_time(int64_t unix_seconds, uint32_t *days, uint32_t *seconds)
{
	/* 719528 days from 0000-01-01 (proleptic Gregorian) to 1970-01-01. */
	int64_t d = unix_seconds / 86400;
	int64_t s = unix_seconds % 86400;

	if (s < 0) {
		s += 86400;
		d -= 1;
	}
	*days = (uint32_t)(d + 719528);
	*seconds = (uint32_t)s;
}

int moor_x509_map_error(int br_err)
{
	switch (br_err) {
	case BR_ERR_X509_OK:
	case 0:
		return MOOR_OK;
	case BR_ERR_X509_EXPIRED:
		return MOOR_ERR_X509_EXPIRED;
	case BR_ERR_X509_BAD_SERVER_NAME:
		return MOOR_ERR_X509_HOSTNAME;
	case BR_ERR_X509_NOT_TRUSTED:
		return MOOR_ERR_X509_UNKNOWN_CA;
	case BR_ERR_X509_BAD_SIGNATURE:
		return MOOR_ERR_X509_BAD_SIGNATURE;
	case BR_ERR_X509_DN_MISMATCH:
		/* the chain's certificates are not in issuing order */
		return MOOR_ERR_X509_UNKNOWN_CA;
	case BR_ERR_X509_NOT_CA:
		return MOOR_ERR_X509_NOT_CA;
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_WRONG_KEY_TYPE:
		return MOOR_ERR_X509_UNSUPPORTED;
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return MOOR_ERR_X509_WEAK_KEY;
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return MOOR_ERR_X509_KEY_USAGE;
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return MOOR_ERR_X509_CRITICAL_EXT;
	case BR_ERR_X509_EMPTY_CHAIN:
		return MOOR_ERR_X509_EMPTY_CHAIN;
	case BR_ERR_X509_LIMIT_EXCEEDED:
		return MOOR_ERR_X509_LIMIT;
	case BR_ERR_X509_TIME_UNKNOWN:
		return MOOR_ERR_TIME_UNKNOWN;
	default:
		return MOOR_ERR_X509_MALFORMED;
	}
}

/* Compare (d1, s1) with (d2, s2): -1, 0, 1. */
static int cmp_time(uint32_t d1, uint32_t s1, uint32_t d2, uint32_t s2)
{
	if (d1 != d2)
		return d1 < d2 ? -1 : 1;
	if (s1 != s2)
		return s1 < s2 ? -1 : 1;
	return 0;
}

static void capture_dn(void *ctx, const void *buf, size_t len)
{
	moor_x509 *x = ctx;

	if (x->dn_buf == NULL)
		return;
	if (len > x->dn_cap - x->dn_len) {
		x->dn_overflow = 1;
		return;
	}
	memcpy(x->dn_buf + x->dn_len, buf, len);
	x->dn_len += len;
}

static void hash_dn(const br_x509_trust_anchor *ta, unsigned char out[DN_HASH_LEN])
{
	br_sha256_context h;

	br_sha256_init(&h);
	br_sha256_update(&h, ta->dn.data, ta->dn.len);
	br_sha256_out(&h, out);
}

/* Which anchor did the accepted chain end at? (see the file comment) */
static int find_anchor(moor_x509 *x)
{
	unsigned char h[DN_HASH_LEN];
	size_t i;
	int pass;

	/* First, a CA anchor named as issuer of the last certificate; then
	 * a directly trusted (non-CA) anchor equal to the leaf. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < x->anchors->count; i++) {
			const br_x509_trust_anchor *ta = &x->anchors->ta[i];
			int is_ca = (ta->flags & BR_X509_TA_CA) != 0;

			if (is_ca != (pass == 0))
				continue;
			hash_dn(ta, h);
			if (memcmp(h, pass == 0 ? x->minimal.saved_dn_hash
					: x->minimal.current_dn_hash, DN_HASH_LEN) == 0)
				return (int)i;
		}
	}
	return -1;
}

static void xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	moor_x509 *x = self(ctx);

	x->cert_index = 0;
	x->status = MOOR_ERR_X509_EMPTY_CHAIN;
	x->anchor_index = -1;
	x->leaf_is_ca = 0;
	x->last_is_ca = 0;
	x->time_status = 0;
	x->leaf_key_type = 0;
	x->dn_len = 0;
	x->dn_overflow = 0;
	if (x->expected_host != NULL)
		server_name = x->expected_host;
	if (x->mode == MOOR_SSL_VERIFY_FULL || x->mode == MOOR_SSL_VERIFY_CA) {
		br_x509_minimal_set_time(&x->minimal, x->days, x->seconds);
		x->minimal.vtable->start_chain(minimal_ctx(x),
			x->mode == MOOR_SSL_VERIFY_FULL ? server_name : NULL);
	}
}

static void xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	moor_x509 *x = self(ctx);

	br_x509_decoder_init(&x->dec, x->cert_index == 0 ? capture_dn : NULL, x);
	if (x->mode != MOOR_SSL_REQUIRE)
		x->minimal.vtable->start_cert(minimal_ctx(x), length);
}

static void xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	moor_x509 *x = self(ctx);

	br_x509_decoder_push(&x->dec, buf, len);
	if (x->mode != MOOR_SSL_REQUIRE)
		x->minimal.vtable->append(minimal_ctx(x), buf, len);
}

static void xw_end_cert(const br_x509_class **ctx)
{
	moor_x509 *x = self(ctx);
	br_x509_decoder_context *d = &x->dec;

	if (x->mode != MOOR_SSL_REQUIRE)
		x->minimal.vtable->end_cert(minimal_ctx(x));
	if (br_x509_decoder_last_error(d) == 0) {
		int is_ca = br_x509_decoder_isCA(d);

		if (x->time_status == 0) {
			if (cmp_time(x->days, x->seconds, d->notbefore_days,
					d->notbefore_seconds) < 0)
				x->time_status = MOOR_ERR_X509_NOT_YET_VALID;
			else if (cmp_time(x->days, x->seconds, d->notafter_days,
					d->notafter_seconds) > 0)
				x->time_status = MOOR_ERR_X509_EXPIRED;
		}
		if (x->cert_index == 0) {
			const br_x509_pkey *pk = br_x509_decoder_get_pkey(d);

			x->leaf_is_ca = is_ca;
			/* Keep the leaf key for REQUIRE mode; the decoder's
			 * copy is overwritten by the next certificate. */
			if (pk != NULL) {
				x->leaf_key = *pk;
				x->leaf_key_type = pk->key_type;
				if (pk->key_type == BR_KEYTYPE_RSA
					&& pk->key.rsa.nlen + pk->key.rsa.elen <= sizeof x->leaf_key_buf) {
					memcpy(x->leaf_key_buf, pk->key.rsa.n, pk->key.rsa.nlen);
					memcpy(x->leaf_key_buf + pk->key.rsa.nlen,
						pk->key.rsa.e, pk->key.rsa.elen);
					x->leaf_key.key.rsa.n = x->leaf_key_buf;
					x->leaf_key.key.rsa.e = x->leaf_key_buf + pk->key.rsa.nlen;
				} else if (pk->key_type == BR_KEYTYPE_EC
					&& pk->key.ec.qlen <= sizeof x->leaf_key_buf) {
					memcpy(x->leaf_key_buf, pk->key.ec.q, pk->key.ec.qlen);
					x->leaf_key.key.ec.q = x->leaf_key_buf;
				} else {
					x->leaf_key_type = 0;
				}
			}
		}
		x->last_is_ca = is_ca;
	} else if (x->cert_index == 0) {
		x->leaf_key_type = 0;
	}
	x->cert_index++;
}

/* Our verdict once minimal has given its own. */
static int classify(moor_x509 *x, unsigned br_err)
{
	int st = moor_x509_map_error((int)br_err);

	if (br_err == BR_ERR_X509_EXPIRED && x->time_status != 0)
		return x->time_status;
	if (br_err == BR_ERR_X509_NOT_TRUSTED) {
		int self_signed = memcmp(x->minimal.saved_dn_hash,
			x->minimal.current_dn_hash, DN_HASH_LEN) == 0;

		if (x->cert_index == 1 && self_signed)
			return MOOR_ERR_X509_SELF_SIGNED;
		if (self_signed)
			return MOOR_ERR_X509_UNKNOWN_CA;
		if (x->cert_index == 1 && !x->leaf_is_ca)
			return MOOR_ERR_X509_CHAIN_INCOMPLETE;
		return MOOR_ERR_X509_UNKNOWN_CA;
	}
	return st;
}

static unsigned xw_end_chain(const br_x509_class **ctx)
{
	moor_x509 *x = self(ctx);
	unsigned r;

	if (x->mode == MOOR_SSL_REQUIRE) {
		/* No verification at all: only a usable leaf key matters. */
		if (x->cert_index == 0) {
			x->status = MOOR_ERR_X509_EMPTY_CHAIN;
			return BR_ERR_X509_EMPTY_CHAIN;
		}
		if (x->leaf_key_type == 0) {
			x->status = MOOR_ERR_X509_MALFORMED;
			return BR_ERR_X509_UNSUPPORTED;
		}
		x->status = MOOR_OK;
		return 0;
	}
	r = x->minimal.vtable->end_chain(minimal_ctx(x));
	if (r == 0) {
		x->status = MOOR_OK;
		x->anchor_index = find_anchor(x);
	} else {
		x->status = classify(x, r);
	}
	return r;
}

static const br_x509_pkey *xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	moor_x509 *x = (moor_x509 *)(void *)ctx;

	if (x->status != MOOR_OK)
		return NULL;
	if (x->mode == MOOR_SSL_REQUIRE) {
		if (usages != NULL)
			*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
		return &x->leaf_key;
	}
	return x->minimal.vtable->get_pkey(
		(const br_x509_class *const *)&x->minimal.vtable, usages);
}

static const br_x509_class moor_x509_vtable = {
	sizeof(moor_x509),
	xw_start_chain,
	xw_start_cert,
	xw_append,
	xw_end_cert,
	xw_end_chain,
	xw_get_pkey
};

void moor_x509_init(moor_x509 *x, const moor_anchors *anchors,
	moor_ssl_mode mode, int64_t now_unix, uint8_t *dn_buf, size_t dn_cap)
{
	memset(x, 0, sizeof *x);
	x->vtable = &moor_x509_vtable;
	x->anchors = anchors;
	x->mode = mode;
	x->anchor_index = -1;
	x->status = MOOR_ERR_X509_EMPTY_CHAIN;
	x->dn_buf = dn_buf;
	x->dn_cap = dn_buf != NULL ? dn_cap : 0;
	moor_unix_to_br_time(now_unix, &x->days, &x->seconds);
	br_x509_minimal_init(&x->minimal, &br_sha256_vtable,
		anchors->ta, anchors->count);
	br_x509_minimal_set_hash(&x->minimal, br_sha256_ID, &br_sha256_vtable);
#if MOOR_CONFIG_SHA384
	br_x509_minimal_set_hash(&x->minimal, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(&x->minimal, br_sha512_ID, &br_sha512_vtable);
#endif
	br_x509_minimal_set_rsa(&x->minimal, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(&x->minimal, MOOR_CONFIG_EC_IMPL,
		br_ecdsa_vrfy_asn1_get_default());
	/* Refuse RSA keys below 2048 bits anywhere in the chain. */
	br_x509_minimal_set_minrsa(&x->minimal, 256);
	br_x509_minimal_set_time(&x->minimal, x->days, x->seconds);
}

int moor_x509_verify_chain(moor_x509 *x, const char *host,
	const br_x509_certificate *chain, size_t n)
{
	const br_x509_class **vt = &x->vtable;
	size_t i;

	if (chain == NULL && n > 0)
		return MOOR_ERR_INVALID_ARG;
	if (x->mode == MOOR_SSL_VERIFY_FULL && host == NULL)
		return MOOR_ERR_CONFIG;
	x->vtable->start_chain(vt, host);
	for (i = 0; i < n; i++) {
		x->vtable->start_cert(vt, (uint32_t)chain[i].data_len);
		x->vtable->append(vt, chain[i].data, chain[i].data_len);
		x->vtable->end_cert(vt);
	}
	x->vtable->end_chain(vt);
	return x->status;
}
