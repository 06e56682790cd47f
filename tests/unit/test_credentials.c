/* moor_credentials_load: every key encoding, PEM and DER, a 2-certificate
 * chain, mismatches, garbage, small work, and a signature made with the
 * loaded key that verifies with the certificate's public key. */
#include <stdio.h>
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"
#include "fixtures.h"
#include "testlib.h"

static uint8_t work[8192];

#define T(x) (const uint8_t *)(x), sizeof(x) - 1  /* PEM text */
#define D(x) (x), sizeof(x)                    /* DER bytes */

struct cred_case {
	const char *name;
	const uint8_t *cert;
	size_t cert_len;
	const uint8_t *key;
	size_t key_len;
	int rc;
	int type;
	size_t chain_len;
};

static const struct cred_case cases[] = {
	{ "rsa pem + pkcs1 pem", T(fx_client_rsa_pem), T(fx_client_rsa_pkcs1_pem),
	  MOOR_OK, BR_KEYTYPE_RSA, 1 },
	{ "rsa pem + pkcs8 pem", T(fx_client_rsa_pem), T(fx_client_rsa_pkcs8_pem),
	  MOOR_OK, BR_KEYTYPE_RSA, 1 },
	{ "rsa chain + pkcs1 der", T(fx_client_rsa_chain_pem), D(fx_client_rsa_pkcs1_der),
	  MOOR_OK, BR_KEYTYPE_RSA, 2 },
	{ "rsa der + pkcs8 der", D(fx_client_rsa_der), D(fx_client_rsa_pkcs8_der),
	  MOOR_OK, BR_KEYTYPE_RSA, 1 },
	{ "rsa der + pkcs1 pem", D(fx_client_rsa_der), T(fx_client_rsa_pkcs1_pem),
	  MOOR_OK, BR_KEYTYPE_RSA, 1 },
	{ "ec pem + sec1 pem (with EC PARAMETERS)", T(fx_client_ec_pem),
	  T(fx_client_ec_sec1_pem), MOOR_OK, BR_KEYTYPE_EC, 1 },
	{ "ec pem + pkcs8 pem", T(fx_client_ec_pem), T(fx_client_ec_pkcs8_pem),
	  MOOR_OK, BR_KEYTYPE_EC, 1 },
	{ "ec der + sec1 der", D(fx_client_ec_der), D(fx_client_ec_sec1_der),
	  MOOR_OK, BR_KEYTYPE_EC, 1 },
	{ "ec der + pkcs8 der", D(fx_client_ec_der), D(fx_client_ec_pkcs8_der),
	  MOOR_OK, BR_KEYTYPE_EC, 1 },

	{ "rsa cert + ec key", T(fx_client_rsa_pem), T(fx_client_ec_pkcs8_pem),
	  MOOR_ERR_BAD_KEY, 0, 0 },
	{ "ec cert + rsa key", D(fx_client_ec_der), D(fx_client_rsa_pkcs1_der),
	  MOOR_ERR_BAD_KEY, 0, 0 },
	{ "garbage key", T(fx_client_rsa_pem), T("hello, world"),
	  MOOR_ERR_BAD_KEY, 0, 0 },
	{ "empty key", T(fx_client_rsa_pem), (const uint8_t *)"", 0,
	  MOOR_ERR_BAD_KEY, 0, 0 },
	{ "certificate as key", T(fx_client_rsa_pem), T(fx_client_rsa_pem),
	  MOOR_ERR_BAD_KEY, 0, 0 },
	{ "encrypted key", T(fx_client_rsa_pem),
	  T("-----BEGIN ENCRYPTED PRIVATE KEY-----\nTW9vcg==\n-----END ENCRYPTED PRIVATE KEY-----\n"),
	  MOOR_ERR_BAD_KEY, 0, 0 },
	{ "key pem garbage body", T(fx_client_rsa_pem),
	  T("-----BEGIN PRIVATE KEY-----\nTW9vcg==\n-----END PRIVATE KEY-----\n"),
	  MOOR_ERR_BAD_KEY, 0, 0 },
	{ "key pem truncated", T(fx_client_rsa_pem),
	  T("-----BEGIN PRIVATE KEY-----\nTW9vcg==\n"), MOOR_ERR_PEM, 0, 0 },
	{ "garbage cert", T("hello, world"), D(fx_client_rsa_pkcs1_der),
	  MOOR_ERR_BAD_CERT, 0, 0 },
	{ "empty cert", (const uint8_t *)"", 0, D(fx_client_rsa_pkcs1_der),
	  MOOR_ERR_BAD_CERT, 0, 0 },
	{ "cert der truncated", fx_client_rsa_der, sizeof(fx_client_rsa_der) - 1,
	  D(fx_client_rsa_pkcs1_der), MOOR_ERR_BAD_CERT, 0, 0 },
	{ "cert pem garbage body", T("-----BEGIN CERTIFICATE-----\nTW9vcg==\n-----END CERTIFICATE-----\n"),
	  D(fx_client_rsa_pkcs1_der), MOOR_ERR_BAD_CERT, 0, 0 },
	{ "cert pem without certificate", T(fx_client_ec_sec1_pem),
	  D(fx_client_ec_sec1_der), MOOR_ERR_PEM, 0, 0 },
	{ "cert pem bad char", T("-----BEGIN CERTIFICATE-----\nTW9v!g==\n-----END CERTIFICATE-----\n"),
	  D(fx_client_rsa_pkcs1_der), MOOR_ERR_PEM, 0, 0 },
};

/* Is `needle` anywhere in `hay`? */
static int contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= hay_len; i++) {
		if (memcmp(hay + i, needle, n) == 0)
			return 1;
	}
	return 0;
}

static int same(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Sign a hash with the loaded key, verify with the leaf's public key. */
static void check_signature(const moor_credentials *cr)
{
	br_x509_decoder_context dec;
	const br_x509_pkey *pk;
	uint8_t hash[32], sig[512], hv[32];
	size_t i;

	for (i = 0; i < sizeof(hash); i++)
		hash[i] = (uint8_t)(i * 7 + 1);
	br_x509_decoder_init(&dec, 0, 0);
	br_x509_decoder_push(&dec, cr->chain[0].data, cr->chain[0].data_len);
	pk = br_x509_decoder_get_pkey(&dec);
	MOOR_CHECK(pk != NULL);
	if (pk == NULL)
		return;
	if (cr->key_type == BR_KEYTYPE_RSA) {
		MOOR_CHECK_INT(br_rsa_i31_pkcs1_sign(BR_HASH_OID_SHA256, hash, sizeof(hash),
			&cr->rsa, sig), 1);
		MOOR_CHECK_INT(br_rsa_i31_pkcs1_vrfy(sig, (cr->rsa.n_bitlen + 7) / 8,
			BR_HASH_OID_SHA256, sizeof(hv), &pk->key.rsa, hv), 1);
		MOOR_CHECK(memcmp(hv, hash, sizeof(hash)) == 0);
	} else {
		size_t n = br_ecdsa_i31_sign_asn1(&br_ec_all_m31, &br_sha256_vtable, hash,
			&cr->ec, sig);

		MOOR_CHECK(n > 0);
		MOOR_CHECK_INT(br_ecdsa_i31_vrfy_asn1(&br_ec_all_m31, hash, sizeof(hash),
			&pk->key.ec, sig, n), 1);
	}
}

static void run_case(const struct cred_case *c)
{
	moor_credentials cr;
	int rc;

	memset(&cr, 0x5A, sizeof(cr));
	memset(work, 0, sizeof(work));
	rc = moor_credentials_load(&cr, work, sizeof(work), c->cert, c->cert_len,
		c->key, c->key_len);
	moor_test_checks++;
	if (rc != c->rc) {
		moor_test_fail_int(__FILE__, __LINE__, c->name, rc, c->rc);
		return;
	}
	if (rc != MOOR_OK) {
		/* Nothing dangling, and no key material left in work. */
		MOOR_CHECK_INT(cr.chain_len, 0);
		MOOR_CHECK_INT(cr.key_type, 0);
		MOOR_CHECK(!contains(work, sizeof(work), fx_rsa_p, 16));
		MOOR_CHECK(!contains(work, sizeof(work), fx_ec_x, 16));
		return;
	}
	MOOR_CHECK_INT(cr.key_type, c->type);
	MOOR_CHECK_INT(cr.chain_len, c->chain_len);
	if (c->type == BR_KEYTYPE_RSA) {
		MOOR_CHECK(same(cr.chain[0].data, cr.chain[0].data_len,
			fx_client_rsa_der, sizeof(fx_client_rsa_der)));
		MOOR_CHECK_INT(cr.rsa.n_bitlen, FX_RSA_BITS);
		MOOR_CHECK(same(cr.rsa.p, cr.rsa.plen, fx_rsa_p, sizeof(fx_rsa_p)));
		MOOR_CHECK(same(cr.rsa.q, cr.rsa.qlen, fx_rsa_q, sizeof(fx_rsa_q)));
		MOOR_CHECK(same(cr.rsa.dp, cr.rsa.dplen, fx_rsa_dp, sizeof(fx_rsa_dp)));
		MOOR_CHECK(same(cr.rsa.dq, cr.rsa.dqlen, fx_rsa_dq, sizeof(fx_rsa_dq)));
		MOOR_CHECK(same(cr.rsa.iq, cr.rsa.iqlen, fx_rsa_iq, sizeof(fx_rsa_iq)));
		MOOR_CHECK(cr.rsa.p >= work && cr.rsa.p < work + sizeof(work));
	} else {
		MOOR_CHECK(same(cr.chain[0].data, cr.chain[0].data_len,
			fx_client_ec_der, sizeof(fx_client_ec_der)));
		MOOR_CHECK_INT(cr.ec.curve, BR_EC_secp256r1);
		MOOR_CHECK(same(cr.ec.x, cr.ec.xlen, fx_ec_x, sizeof(fx_ec_x)));
		MOOR_CHECK(cr.ec.x >= work && cr.ec.x < work + sizeof(work));
	}
	if (c->chain_len == 2)
		MOOR_CHECK(same(cr.chain[1].data, cr.chain[1].data_len,
			fx_int_der, sizeof(fx_int_der)));
	/* DER certificates are referenced in place. */
	if (c->cert == fx_client_rsa_der || c->cert == fx_client_ec_der)
		MOOR_CHECK(cr.chain[0].data == c->cert);
	else
		MOOR_CHECK(cr.chain[0].data >= work && cr.chain[0].data < work + sizeof(work));
	/* A PEM key's DER was wiped from work: p / x appear once (the copy). */
	if (c->type == BR_KEYTYPE_RSA) {
		MOOR_CHECK(contains(work, sizeof(work), fx_rsa_p, 16));
		MOOR_CHECK(!contains(cr.rsa.p + cr.rsa.plen,
			(size_t)(work + sizeof(work) - (cr.rsa.p + cr.rsa.plen)), fx_rsa_p, 16));
	} else {
		MOOR_CHECK(!contains(cr.ec.x + cr.ec.xlen,
			(size_t)(work + sizeof(work) - (cr.ec.x + cr.ec.xlen)), fx_ec_x, 16));
	}
	check_signature(&cr);
}

/* Every work size below the minimum fails with BUFFER_TOO_SMALL, and the
 * minimum is what the chain and the key components take. */
static void test_work_sizes(const uint8_t *cert, size_t cert_len,
	const uint8_t *key, size_t key_len, size_t expect_min)
{
	moor_credentials cr;
	size_t w, min = 0;
	int bad = 0;

	for (w = 0; w <= sizeof(work); w++) {
		int rc = moor_credentials_load(&cr, work + sizeof(work) - w, w,
			cert, cert_len, key, key_len);

		if (rc == MOOR_OK) {
			min = w;
			break;
		}
		if (rc != MOOR_ERR_BUFFER_TOO_SMALL)
			bad++;
	}
	MOOR_CHECK_INT(bad, 0);
	MOOR_CHECK_INT(min, expect_min);
	if (min > 0)
		check_signature(&cr);
}

static void test_chain_limit(void)
{
	static char many[16384];
	moor_credentials cr;
	size_t n = 0, one = strlen(fx_client_rsa_pem), i;

	for (i = 0; i < MOOR_CONFIG_MAX_CLIENT_CHAIN + 1; i++) {
		memcpy(many + n, fx_client_rsa_pem, one);
		n += one;
	}
	MOOR_CHECK_INT(moor_credentials_load(&cr, work, sizeof(work), (const uint8_t *)many,
		n, D(fx_client_rsa_pkcs1_der)), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(moor_credentials_load(&cr, work, sizeof(work), (const uint8_t *)many,
		n - one, D(fx_client_rsa_pkcs1_der)), MOOR_OK);
	MOOR_CHECK_INT(cr.chain_len, MOOR_CONFIG_MAX_CLIENT_CHAIN);
}

int main(void)
{
	moor_credentials cr;
	size_t i, rsa_comp = sizeof(fx_rsa_p) + sizeof(fx_rsa_q) + sizeof(fx_rsa_dp) +
		sizeof(fx_rsa_dq) + sizeof(fx_rsa_iq);

	moor_test_heap_guard(1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);

	/* Work: DER chain and DER key need only the key components... */
	test_work_sizes(D(fx_client_rsa_der), D(fx_client_rsa_pkcs1_der), rsa_comp);
	test_work_sizes(D(fx_client_ec_der), D(fx_client_ec_pkcs8_der), sizeof(fx_ec_x));
	/* ...PEM adds the certificates, and the key's DER while it decodes. */
	test_work_sizes(T(fx_client_rsa_chain_pem), D(fx_client_rsa_pkcs1_der),
		sizeof(fx_client_rsa_der) + sizeof(fx_int_der) + rsa_comp);
	test_work_sizes(D(fx_client_rsa_der), T(fx_client_rsa_pkcs8_pem),
		sizeof(fx_client_rsa_pkcs8_der));
	test_work_sizes(T(fx_client_ec_pem), T(fx_client_ec_sec1_pem),
		sizeof(fx_client_ec_der) + sizeof(fx_client_ec_sec1_der));
	test_chain_limit();

	MOOR_CHECK_INT(moor_credentials_load(NULL, work, sizeof(work),
		D(fx_client_rsa_der), D(fx_client_rsa_pkcs1_der)), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_credentials_load(&cr, work, sizeof(work),
		NULL, 0, D(fx_client_rsa_pkcs1_der)), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_credentials_load(&cr, work, sizeof(work),
		D(fx_client_rsa_der), NULL, 0), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_credentials_load(&cr, NULL, 0,
		D(fx_client_rsa_der), D(fx_client_rsa_pkcs1_der)), MOOR_ERR_INVALID_ARG);
	return moor_test_done();
}
