/*
 * The C side of the trust anchor generator: compiles what gen_anchors.py
 * wrote for a bundle of test certificates (moor_test_anchors) and checks
 *  - every DN against the subject BearSSL's own X.509 decoder extracts,
 *  - every key against both that decoder and openssl's printout (expect.h),
 *  - flags (BR_X509_TA_CA only on CAs) and display names,
 *  - real chains through br_x509_minimal: leaves issued by the RSA and the
 *    P-384 anchors pass, the pinned non-CA anchor matches only itself, and a
 *    stranger is not trusted.
 */
#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "moor/x509.h"
#include "expect.h"

#ifdef MOOR_CERTS_STANDALONE
/* Built without the shared test kit (tests/common not available). */
static int checks, failures;
#define MOOR_CHECK(e) do { checks++; if (!(e)) { failures++; \
	fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #e); } } while (0)
#define MOOR_CHECK_INT(e, want) do { long g_ = (long)(e), w_ = (long)(want); checks++; \
	if (g_ != w_) { failures++; fprintf(stderr, "%s:%d: FAILED: %s\n  got %ld want %ld\n", \
	__FILE__, __LINE__, #e, g_, w_); } } while (0)
#define MOOR_CHECK_STR(e, want) do { const char *g_ = (e), *w_ = (want); checks++; \
	if (g_ == NULL || strcmp(g_, w_) != 0) { failures++; \
	fprintf(stderr, "%s:%d: FAILED: %s\n  got \"%s\" want \"%s\"\n", __FILE__, __LINE__, \
	#e, g_ ? g_ : "(null)", w_); } } while (0)
static int done(void)
{
	printf("%d checks, %d failed\n", checks, failures);
	return (checks == 0 || failures) ? 1 : 0;
}
#else
#include "testlib.h"
static int done(void)
{
	return moor_test_done();
}
#endif

extern const moor_anchors moor_test_anchors;

typedef struct {
	unsigned char buf[1024];
	size_t len;
	int overflow;
} dn_sink;

static void dn_append(void *ctx, const void *data, size_t len)
{
	dn_sink *s = ctx;

	if (len > sizeof s->buf - s->len) {
		s->overflow = 1;
		return;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 1 if bytes[0..len) is exactly the hex string. */
static int bytes_are_hex(const unsigned char *bytes, size_t len, const char *hex)
{
	size_t i, n = strlen(hex);

	if (n != 2 * len)
		return 0;
	for (i = 0; i < len; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0 || bytes[i] != (unsigned)(hi * 16 + lo))
			return 0;
	}
	return 1;
}

static int same_bytes(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static void check_anchor(size_t i)
{
	const br_x509_trust_anchor *ta = &moor_test_anchors.ta[i];
	const struct exp_anchor *e = &exp_anchors[i];
	br_x509_decoder_context dc;
	static dn_sink dn;
	const br_x509_pkey *pk;

	printf("anchor %u: %s\n", (unsigned)i, moor_test_anchors.names[i]);
	memset(&dn, 0, sizeof dn);
	br_x509_decoder_init(&dc, dn_append, &dn);
	br_x509_decoder_push(&dc, e->der, e->der_len);
	pk = br_x509_decoder_get_pkey(&dc);
	MOOR_CHECK(pk != NULL);
	MOOR_CHECK_INT(br_x509_decoder_last_error(&dc), 0);
	if (pk == NULL)
		return;

	/* DN: byte for byte what BearSSL's decoder hashes for chaining. */
	MOOR_CHECK(!dn.overflow);
	MOOR_CHECK(same_bytes(ta->dn.data, ta->dn.len, dn.buf, dn.len));

	/* Flags follow basicConstraints. */
	MOOR_CHECK_INT(ta->flags, e->is_ca ? BR_X509_TA_CA : 0);
	MOOR_CHECK_INT(br_x509_decoder_isCA(&dc) != 0, e->is_ca);

	/* Key: against openssl (hex) and against the decoder. */
	MOOR_CHECK_INT(ta->pkey.key_type, e->key_type);
	MOOR_CHECK_INT(pk->key_type, e->key_type);
	if (ta->pkey.key_type == BR_KEYTYPE_RSA && pk->key_type == BR_KEYTYPE_RSA) {
		const br_rsa_public_key *k = &ta->pkey.key.rsa;
		MOOR_CHECK(bytes_are_hex(k->n, k->nlen, e->key_hex));
		MOOR_CHECK(bytes_are_hex(k->e, k->elen, e->exp_hex));
		MOOR_CHECK(same_bytes(k->n, k->nlen, pk->key.rsa.n, pk->key.rsa.nlen));
		MOOR_CHECK(same_bytes(k->e, k->elen, pk->key.rsa.e, pk->key.rsa.elen));
	} else if (ta->pkey.key_type == BR_KEYTYPE_EC && pk->key_type == BR_KEYTYPE_EC) {
		const br_ec_public_key *k = &ta->pkey.key.ec;
		MOOR_CHECK_INT(k->curve, e->curve);
		MOOR_CHECK_INT(pk->key.ec.curve, e->curve);
		MOOR_CHECK(bytes_are_hex(k->q, k->qlen, e->key_hex));
		MOOR_CHECK(same_bytes(k->q, k->qlen, pk->key.ec.q, pk->key.ec.qlen));
	}

	MOOR_CHECK(moor_test_anchors.names != NULL);
	MOOR_CHECK_STR(moor_test_anchors.names[i], e->name);
}

/* Run one certificate (a one-element chain) through br_x509_minimal with
 * the generated anchors. Returns BearSSL's error code (0 = trusted). */
static int verify_one(const unsigned char *der, size_t len)
{
	static br_x509_minimal_context xc;
	const br_x509_class **vt = &xc.vtable;
	long long now = EXP_NOW_UNIX;

	br_x509_minimal_init_full(&xc, moor_test_anchors.ta, moor_test_anchors.count);
	/* BearSSL counts days from 0000-01-01; 1970-01-01 is day 719528. */
	br_x509_minimal_set_time(&xc, (uint32_t)(now / 86400 + 719528), (uint32_t)(now % 86400));
	(*vt)->start_chain(vt, NULL);
	(*vt)->start_cert(vt, (uint32_t)len);
	(*vt)->append(vt, der, len);
	(*vt)->end_cert(vt);
	return (int)(*vt)->end_chain(vt);
}

int main(void)
{
	size_t i;

	MOOR_CHECK_INT(moor_test_anchors.count, EXP_COUNT);
	MOOR_CHECK(moor_test_anchors.ta != NULL);
	if (moor_test_anchors.count == EXP_COUNT && moor_test_anchors.ta != NULL) {
		for (i = 0; i < EXP_COUNT; i++)
			check_anchor(i);
	}

	/* Chains. */
	MOOR_CHECK_INT(verify_one(der_leaf_rsa, sizeof der_leaf_rsa), 0);
	MOOR_CHECK_INT(verify_one(der_leaf_ec384, sizeof der_leaf_ec384), 0);
	MOOR_CHECK_INT(verify_one(der_pinned_leaf, sizeof der_pinned_leaf), 0);
	/* The pinned anchor is not a CA: what it signs is not trusted. */
	MOOR_CHECK_INT(verify_one(der_leaf_of_pinned, sizeof der_leaf_of_pinned),
		BR_ERR_X509_NOT_TRUSTED);
	MOOR_CHECK_INT(verify_one(der_stranger, sizeof der_stranger), BR_ERR_X509_NOT_TRUSTED);

	return done();
}
