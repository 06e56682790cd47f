/*
 * Chain validation outside TLS: every verdict of moor_x509, on the
 * throwaway PKI of tests/interop/mkcerts.sh (fixed validity dates).
 *
 *   test_x509 PKI_DIR
 */
#include <stdio.h>
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"
#include "testlib.h"

static const char *pki;

/* 2030-06-01 00:00 UTC: inside every "good" validity window. */
#define T_2030 1906502400LL
#define T_2050 2524608000LL /* after the CAs expired (2049-12-31) */
#define T_2010 1262304000LL /* before anything was valid */

static char text[64 * 1024];
static uint8_t der[32 * 1024];
static br_x509_certificate chain[8];
static size_t chain_n;

static uint8_t anchor_work[8 * 1024];
static br_x509_trust_anchor ta_slots[4];
static const char *name_slots[4];
static moor_anchors anchors;

static moor_x509 x;
static uint8_t dn[256];

static int load_chain(const char *file)
{
	char path[512];
	size_t pos = 0, used = 0, len;
	long n;
	char label[32];
	int r;

	snprintf(path, sizeof path, "%s/%s", pki, file);
	n = moor_test_read_file(path, text, sizeof text);
	if (n < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	chain_n = 0;
	for (;;) {
		r = moor_pem_next(text, (size_t)n, &pos, label, sizeof label,
			der + used, sizeof der - used, &len);
		if (r == 1)
			break;
		if (r != MOOR_OK || chain_n == 8)
			return -1;
		chain[chain_n].data = der + used;
		chain[chain_n].data_len = len;
		chain_n++;
		used += len;
	}
	return (int)chain_n;
}

static int load_anchors(const char *file)
{
	char path[512];
	static char pem[16 * 1024];
	long n;

	snprintf(path, sizeof path, "%s/%s", pki, file);
	n = moor_test_read_file(path, pem, sizeof pem);
	if (n < 0)
		return -1;
	return moor_anchors_from_pem(&anchors, ta_slots, name_slots, 4,
		anchor_work, sizeof anchor_work, pem, (size_t)n);
}

static int verify(const char *file, moor_ssl_mode mode, const char *host, int64_t now)
{
	if (load_chain(file) <= 0) {
		MOOR_CHECK(!"chain file loads");
		return MOOR_ERR_INTERNAL;
	}
	moor_x509_init(&x, &anchors, mode, now, dn, sizeof dn);
	return moor_x509_verify_chain(&x, host, chain, chain_n);
}

int main(int argc, char **argv)
{
	char s[256];

	if (argc != 2) {
		fprintf(stderr, "usage: test_x509 PKI_DIR\n");
		return 2;
	}
	pki = argv[1];
	MOOR_CHECK_INT(load_anchors("root.crt"), 1);
	moor_test_heap_guard(1);

	/* good chains, RSA and ECDSA leaves */
	MOOR_CHECK_INT(verify("server-rsa-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_OK);
	MOOR_CHECK_INT(x.anchor_index, 0);
	MOOR_CHECK(x.dn_len > 0);
	MOOR_CHECK(moor_dn_format(dn, x.dn_len, s, sizeof s) > 0);
	MOOR_CHECK(strstr(s, "CN=localhost") != NULL);
	MOOR_CHECK_INT(verify("server-ec-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_OK);
	/* the name check is case-insensitive, the name must match */
	MOOR_CHECK_INT(verify("server-ec-chain.crt", MOOR_SSL_VERIFY_FULL, "LOCALHOST", T_2030), MOOR_OK);

	/* each failure has its own status */
	MOOR_CHECK_INT(verify("expired-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_ERR_X509_EXPIRED);
	MOOR_CHECK_INT(verify("notyet-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_ERR_X509_NOT_YET_VALID);
	MOOR_CHECK_INT(verify("wronghost-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_ERR_X509_HOSTNAME);
	MOOR_CHECK_INT(verify("server-rsa-chain.crt", MOOR_SSL_VERIFY_FULL, "other.localhost", T_2030), MOOR_ERR_X509_HOSTNAME);
	MOOR_CHECK_INT(verify("unknown-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_ERR_X509_UNKNOWN_CA);
	MOOR_CHECK_INT(verify("selfsigned.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_ERR_X509_SELF_SIGNED);
	MOOR_CHECK_INT(verify("nointermediate-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_ERR_X509_CHAIN_INCOMPLETE);
	/* time: the whole chain before and after its windows */
	MOOR_CHECK_INT(verify("server-rsa-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2050), MOOR_ERR_X509_EXPIRED);
	MOOR_CHECK_INT(verify("server-rsa-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2010), MOOR_ERR_X509_NOT_YET_VALID);
	/* the expired leaf is fine at a date inside its window */
	MOOR_CHECK_INT(verify("expired-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", 1590969600LL), MOOR_OK);

	/* modes */
	MOOR_CHECK_INT(verify("wronghost-chain.crt", MOOR_SSL_VERIFY_CA, "localhost", T_2030), MOOR_OK);
	MOOR_CHECK_INT(verify("wronghost-chain.crt", MOOR_SSL_VERIFY_CA, NULL, T_2030), MOOR_OK);
	MOOR_CHECK_INT(verify("expired-chain.crt", MOOR_SSL_VERIFY_CA, NULL, T_2030), MOOR_ERR_X509_EXPIRED);
	MOOR_CHECK_INT(verify("selfsigned.crt", MOOR_SSL_REQUIRE, NULL, T_2030), MOOR_OK);
	MOOR_CHECK_INT(x.anchor_index, -1);
	MOOR_CHECK_INT(verify("server-rsa-chain.crt", MOOR_SSL_VERIFY_FULL, NULL, T_2030), MOOR_ERR_CONFIG);

	/* a tampered signature on the leaf */
	MOOR_CHECK(load_chain("server-ec-chain.crt") == 2);
	der[chain[0].data_len - 3] ^= 0x01;
	moor_x509_init(&x, &anchors, MOOR_SSL_VERIFY_FULL, T_2030, NULL, 0);
	MOOR_CHECK_INT(moor_x509_verify_chain(&x, "localhost", chain, chain_n), MOOR_ERR_X509_BAD_SIGNATURE);

	/* garbage where a certificate should be */
	MOOR_CHECK(load_chain("server-ec-chain.crt") == 2);
	der[0] = 0x31; /* outer SEQUENCE tag becomes a SET */
	moor_x509_init(&x, &anchors, MOOR_SSL_VERIFY_FULL, T_2030, NULL, 0);
	MOOR_CHECK_INT(moor_x509_verify_chain(&x, "localhost", chain, chain_n), MOOR_ERR_X509_MALFORMED);

	/* no certificate at all */
	moor_x509_init(&x, &anchors, MOOR_SSL_VERIFY_FULL, T_2030, NULL, 0);
	MOOR_CHECK_INT(moor_x509_verify_chain(&x, "localhost", chain, 0), MOOR_ERR_X509_EMPTY_CHAIN);

	/* the intermediate itself as the anchor: chain ends there */
	MOOR_CHECK_INT(load_anchors("int.crt"), 1);
	MOOR_CHECK_INT(verify("server-rsa-chain.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_OK);
	MOOR_CHECK_INT(x.anchor_index, 0);
	/* the self-signed leaf pinned as a (non-CA) anchor is trusted directly */
	MOOR_CHECK_INT(load_anchors("selfsigned.crt"), 1);
	MOOR_CHECK_INT(verify("selfsigned.crt", MOOR_SSL_VERIFY_FULL, "localhost", T_2030), MOOR_OK);
	MOOR_CHECK_INT(x.anchor_index, 0);

	/* time conversion used for BearSSL */
	{
		uint32_t d, sec;

		moor_unix_to_br_time(0, &d, &sec);
		MOOR_CHECK_INT(d, 719528);
		MOOR_CHECK_INT(sec, 0);
		moor_unix_to_br_time(T_2030 + 3661, &d, &sec);
		MOOR_CHECK_INT(d, 719528 + 22066);
		MOOR_CHECK_INT(sec, 3661);
	}
	moor_test_heap_guard(0);
	return moor_test_done();
}
