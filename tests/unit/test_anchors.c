/* moor_anchors_from_pem: the 3-certificate bundle against what openssl
 * reported (fixtures), names, flags, errors, every too-small work size,
 * and the anchors actually validating a chain with br_x509_minimal. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "moor/status.h"
#include "moor/x509.h"
#include "fixtures.h"
#include "testlib.h"

#define MAXTA 4
static uint8_t work[8192];
static br_x509_trust_anchor ta[MAXTA];
static const char *names[MAXTA];

static int same(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static void test_bundle(void)
{
	moor_anchors set;
	int rc;

	memset(work, 0xA5, sizeof(work));
	rc = moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		fx_bundle_pem, strlen(fx_bundle_pem));
	MOOR_CHECK_INT(rc, 3);
	MOOR_CHECK_INT(set.count, 3);
	MOOR_CHECK(set.ta == ta);
	MOOR_CHECK(set.names == names);
	if (rc != 3)
		return;

	/* 0: RSA root. */
	MOOR_CHECK(same(ta[0].dn.data, ta[0].dn.len, fx_anchor0_dn, sizeof(fx_anchor0_dn)));
	MOOR_CHECK_INT(ta[0].flags, BR_X509_TA_CA);
	MOOR_CHECK_INT(ta[0].pkey.key_type, BR_KEYTYPE_RSA);
	MOOR_CHECK(same(ta[0].pkey.key.rsa.n, ta[0].pkey.key.rsa.nlen,
		fx_anchor0_n, sizeof(fx_anchor0_n)));
	MOOR_CHECK(same(ta[0].pkey.key.rsa.e, ta[0].pkey.key.rsa.elen,
		fx_anchor0_e, sizeof(fx_anchor0_e)));
	MOOR_CHECK_STR(names[0], "Moor Test Root RSA");

	/* 1: EC P-256 root (CRLF in the bundle). */
	MOOR_CHECK(same(ta[1].dn.data, ta[1].dn.len, fx_anchor1_dn, sizeof(fx_anchor1_dn)));
	MOOR_CHECK_INT(ta[1].flags, BR_X509_TA_CA);
	MOOR_CHECK_INT(ta[1].pkey.key_type, BR_KEYTYPE_EC);
	MOOR_CHECK_INT(ta[1].pkey.key.ec.curve, BR_EC_secp256r1);
	MOOR_CHECK(same(ta[1].pkey.key.ec.q, ta[1].pkey.key.ec.qlen,
		fx_anchor1_q, sizeof(fx_anchor1_q)));
	MOOR_CHECK_STR(names[1], "Moor Test Root EC");

	/* 2: self-signed P-384 server certificate, not a CA. */
	MOOR_CHECK(same(ta[2].dn.data, ta[2].dn.len, fx_anchor2_dn, sizeof(fx_anchor2_dn)));
	MOOR_CHECK_INT(ta[2].flags, 0);
	MOOR_CHECK_INT(ta[2].pkey.key_type, BR_KEYTYPE_EC);
	MOOR_CHECK_INT(ta[2].pkey.key.ec.curve, BR_EC_secp384r1);
	MOOR_CHECK(same(ta[2].pkey.key.ec.q, ta[2].pkey.key.ec.qlen,
		fx_anchor2_q, sizeof(fx_anchor2_q)));
	MOOR_CHECK_STR(names[2], "localhost");

	/* Everything points into work. */
	MOOR_CHECK(ta[2].dn.data >= work && ta[2].dn.data < work + sizeof(work));
	MOOR_CHECK((const uint8_t *)names[2] >= work &&
		(const uint8_t *)names[2] < work + sizeof(work));
}

/* Days since 0000-01-01 and seconds in the day, as BearSSL counts them. */
static void set_now(br_x509_minimal_context *xc)
{
	time_t now = time(NULL);

	br_x509_minimal_set_time(xc, (uint32_t)(now / 86400) + 719528u,
		(uint32_t)(now % 86400));
}

static void test_validates_chain(void)
{
	br_x509_minimal_context xc;
	moor_anchors set;
	const br_x509_class **vt = &xc.vtable;
	const unsigned char *chain[2] = { fx_client_rsa_der, fx_int_der };
	size_t chain_len[2] = { sizeof(fx_client_rsa_der), sizeof(fx_int_der) };
	unsigned usages = 0;
	size_t i;

	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, NULL, MAXTA, work, sizeof(work),
		fx_bundle_pem, strlen(fx_bundle_pem)), 3);
	br_x509_minimal_init_full(&xc, set.ta, set.count);
	set_now(&xc);
	(*vt)->start_chain(vt, NULL);
	for (i = 0; i < 2; i++) {
		(*vt)->start_cert(vt, (uint32_t)chain_len[i]);
		(*vt)->append(vt, chain[i], chain_len[i]);
		(*vt)->end_cert(vt);
	}
	MOOR_CHECK_INT((*vt)->end_chain(vt), 0);
	MOOR_CHECK((*vt)->get_pkey(vt, &usages) != NULL);

	/* Without the RSA root the same chain is not trusted. */
	br_x509_minimal_init_full(&xc, set.ta + 1, set.count - 1);
	set_now(&xc);
	(*vt)->start_chain(vt, NULL);
	for (i = 0; i < 2; i++) {
		(*vt)->start_cert(vt, (uint32_t)chain_len[i]);
		(*vt)->append(vt, chain[i], chain_len[i]);
		(*vt)->end_cert(vt);
	}
	MOOR_CHECK_INT((*vt)->end_chain(vt), BR_ERR_X509_NOT_TRUSTED);
}

static void test_errors(void)
{
	static const char bad_cert[] = "-----BEGIN CERTIFICATE-----\nTW9vcg==\n"
		"-----END CERTIFICATE-----\n";
	static const char no_certs[] = "-----BEGIN X509 CRL-----\nTW9vcg==\n"
		"-----END X509 CRL-----\n";
	moor_anchors set;
	size_t len = strlen(fx_bundle_pem);

	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		"garbage\n", 8), MOOR_ERR_PEM);
	MOOR_CHECK_INT(set.count, 0);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		"", 0), MOOR_ERR_PEM);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		no_certs, strlen(no_certs)), MOOR_ERR_PEM);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		fx_client_rsa_pkcs8_pem, strlen(fx_client_rsa_pkcs8_pem)), MOOR_ERR_PEM);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		bad_cert, strlen(bad_cert)), MOOR_ERR_BAD_CERT);
	/* Truncated last object. */
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		fx_bundle_pem, len - 30), MOOR_ERR_PEM);
	/* Too few slots. */
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, 2, work, sizeof(work),
		fx_bundle_pem, len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(set.count, 0);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, NULL, NULL, 0, work, sizeof(work),
		fx_bundle_pem, len), MOOR_ERR_BUFFER_TOO_SMALL);
	/* A key object among the certificates is skipped. */
	{
		static char mixed[8192];
		size_t a = strlen(fx_client_ec_sec1_pem);

		memcpy(mixed, fx_client_ec_sec1_pem, a);
		memcpy(mixed + a, fx_bundle_pem, len);
		MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work,
			sizeof(work), mixed, a + len), 3);
	}
	MOOR_CHECK_INT(moor_anchors_from_pem(NULL, ta, names, MAXTA, work, sizeof(work),
		fx_bundle_pem, len), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		NULL, 0), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, NULL, 0,
		fx_bundle_pem, len), MOOR_ERR_INVALID_ARG);
}

/* Every work size below the minimum fails with BUFFER_TOO_SMALL; the
 * work buffer's end is the end of an array, so ASan sees overruns. */
static void test_work_sizes(int with_names)
{
	moor_anchors set;
	size_t len = strlen(fx_bundle_pem), w, min = 0;
	int bad = 0;

	for (w = 0; w <= sizeof(work); w++) {
		int rc = moor_anchors_from_pem(&set, ta, with_names ? names : NULL, MAXTA,
			work + sizeof(work) - w, w, fx_bundle_pem, len);

		if (rc == 3) {
			min = w;
			break;
		}
		if (rc != MOOR_ERR_BUFFER_TOO_SMALL)
			bad++;
	}
	MOOR_CHECK_INT(bad, 0);
	MOOR_CHECK(min > 0);
	/* The minimum: the DNs and keys of all three plus room for the
	 * biggest DER held while its DN is captured. */
	MOOR_CHECK(min >= sizeof(fx_anchor0_dn) + sizeof(fx_anchor1_dn) +
		sizeof(fx_anchor2_dn) + sizeof(fx_anchor0_n) + 3 + 65 + 97);
	MOOR_CHECK(min < 4096);
	/* The anchors made in the minimum work are still right. */
	MOOR_CHECK(same(ta[2].pkey.key.ec.q, ta[2].pkey.key.ec.qlen,
		fx_anchor2_q, sizeof(fx_anchor2_q)));
	printf("anchors: minimum work %zu bytes (%s names)\n", min,
		with_names ? "with" : "without");
}

/* A name falls back to the DN when there is no CN. */
static void test_name_fallback(void)
{
	/* The bundle's EC root with its CN attribute renamed to 2.5.4.4
	 * (surname) is no longer a valid certificate (signature), but
	 * br_x509_decoder does not check signatures. */
	static char pem[4096];
	moor_anchors set;
	uint8_t der[1024];
	size_t pos = 0, n = 0, i, off = 0;
	char label[16];
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	memcpy(der, fx_anchor1_der, sizeof(fx_anchor1_der));
	/* Subject CN is the last attribute of the subject: find 06 03 55 04 03
	 * followed by the CN string "Moor Test Root EC" (the issuer has one
	 * too: rename both). */
	for (i = 0; i + 5 < sizeof(fx_anchor1_der); i++) {
		if (memcmp(der + i, "\x06\x03\x55\x04\x03", 5) == 0) {
			der[i + 4] = 0x04;
			n++;
		}
	}
	MOOR_CHECK_INT(n, 2);
	/* Re-encode as PEM. */
	off = (size_t)sprintf(pem, "-----BEGIN CERTIFICATE-----\n");
	for (i = 0; i < sizeof(fx_anchor1_der); i += 3) {
		uint32_t v = (uint32_t)der[i] << 16;
		size_t left = sizeof(fx_anchor1_der) - i;

		if (left > 1)
			v |= (uint32_t)der[i + 1] << 8;
		if (left > 2)
			v |= der[i + 2];
		pem[off++] = b64[(v >> 18) & 63];
		pem[off++] = b64[(v >> 12) & 63];
		pem[off++] = left > 1 ? b64[(v >> 6) & 63] : '=';
		pem[off++] = left > 2 ? b64[v & 63] : '=';
		if ((i / 3) % 16 == 15)
			pem[off++] = '\n';
	}
	off += (size_t)sprintf(pem + off, "\n-----END CERTIFICATE-----\n");
	MOOR_CHECK_INT(moor_pem_next(pem, off, &pos, label, sizeof(label), der,
		sizeof(der), &n), MOOR_OK);
	MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, MAXTA, work, sizeof(work),
		pem, off), 1);
	/* The whole DN, truncated to the name limit (127 bytes) on a whole
	 * piece of the formatted text. */
	{
		static const char full[] = "DC=example, DC=com, C=DE, ST=Bayern, "
			"L=M\xC3\xBCnchen, O=Moor EC, OU=Roots, emailAddress=ca@example.com, "
			"2.5.4.4=Moor Test Root EC";
		size_t nl = strlen(names[0]);

		MOOR_CHECK(nl <= 127 && nl > 100);
		MOOR_CHECK(strncmp(names[0], full, nl) == 0);
	}
}

int main(void)
{
	moor_test_heap_guard(1);
	test_bundle();
	test_validates_chain();
	test_errors();
	test_work_sizes(1);
	test_work_sizes(0);
	test_name_fallback();
	return moor_test_done();
}
