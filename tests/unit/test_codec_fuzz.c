/*
 * Fuzz-style robustness of the codecs: every truncation and a few thousand
 * random byte flips (fixed seed, so runs are repeatable) of valid inputs,
 * fed to moor_pem_next, moor_anchors_from_pem, moor_credentials_load and
 * moor_dn_format. Each result must be one of the documented statuses;
 * the asan variant catches any out-of-bounds access (inputs are placed at
 * the very end of static arrays, so reading one byte past them is seen).
 */
#include <stdio.h>
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"
#include "fixtures.h"
#include "testlib.h"

#define FLIPS 3000

static char in_text[8192];
static uint8_t in_key[4096];
static uint8_t work[8192];
static br_x509_trust_anchor ta[4];
static const char *names[4];
static uint32_t rng = 0x2545F491u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Copy src to the end of dst; return where it starts. */
static void *at_end(void *dst, size_t cap, const void *src, size_t len)
{
	uint8_t *p = (uint8_t *)dst + cap - len;

	memcpy(p, src, len);
	return p;
}

static void flip(uint8_t *p, size_t len)
{
	unsigned k, n = 1 + next_rand() % 4;

	for (k = 0; k < n && len > 0; k++)
		p[next_rand() % len] ^= (uint8_t)(1u << (next_rand() % 8));
}

/* Walk all objects; each step is OK, end, or a documented error. */
/* Output buffers are carved from the end of `work`, so a write past
 * the size given is an ASan error too. */
static uint8_t *work_end(size_t w)
{
	return work + sizeof(work) - w;
}

/* A work size: mostly roomy, sometimes tight. */
static size_t some_size(void)
{
	return (next_rand() % 4) ? sizeof(work) : next_rand() % 2048;
}

static int pem_walk(const char *t, size_t len, size_t cap)
{
	uint8_t *der = work_end(cap);
	char label[32];
	size_t pos = 0, n, steps = 0;
	int rc;

	do {
		size_t before = pos;

		rc = moor_pem_next(t, len, &pos, label, sizeof(label), der, cap, &n);
		if (rc == MOOR_OK && (pos <= before || pos > len || n == 0 || n > cap))
			return 0;
	} while (rc == MOOR_OK && ++steps < 100);
	return rc == 1 || rc == MOOR_ERR_PEM || rc == MOOR_ERR_BUFFER_TOO_SMALL;
}

static int anchors_ok(const char *t, size_t len, size_t w)
{
	moor_anchors set;
	int rc = moor_anchors_from_pem(&set, ta, names, 4, work_end(w), w, t, len);
	size_t i;

	if (rc > 0) {
		if ((size_t)rc != set.count)
			return 0;
		for (i = 0; i < set.count; i++) {
			if (strlen(names[i]) == 0 || strlen(names[i]) > 127)
				return 0;
		}
		return 1;
	}
	return rc == MOOR_ERR_PEM || rc == MOOR_ERR_BAD_CERT ||
	       rc == MOOR_ERR_BUFFER_TOO_SMALL;
}

static int creds_ok(const uint8_t *c, size_t clen, const uint8_t *k, size_t klen,
	size_t w)
{
	moor_credentials cr;
	int rc = moor_credentials_load(&cr, work_end(w), w, c, clen, k, klen);

	if (rc == MOOR_OK)
		return cr.chain_len >= 1 && (cr.key_type == BR_KEYTYPE_RSA ||
			cr.key_type == BR_KEYTYPE_EC);
	return rc == MOOR_ERR_PEM || rc == MOOR_ERR_BAD_CERT ||
	       rc == MOOR_ERR_BAD_KEY || rc == MOOR_ERR_BUFFER_TOO_SMALL;
}

static int dn_ok(const uint8_t *dn, size_t len)
{
	char out[200];
	size_t cap = 1 + next_rand() % (sizeof(out) - 1);
	int rc;

	memset(out, 'x', sizeof(out));
	rc = moor_dn_format(dn, len, out, cap);
	if (out[cap] != 'x' || memchr(out, 0, cap) == NULL)
		return 0;
	if (rc >= 0)
		return (size_t)rc == strlen(out);
	return rc == MOOR_ERR_BAD_CERT || rc == MOOR_ERR_BUFFER_TOO_SMALL;
}

int main(void)
{
	size_t blen = strlen(fx_bundle_pem), clen = strlen(fx_client_rsa_chain_pem);
	size_t klen = strlen(fx_client_rsa_pkcs1_pem), len, i;
	int bad_pem = 0, bad_anchors = 0, bad_creds = 0, bad_dn = 0, full = 0;
	char *t;
	uint8_t *k;

	moor_test_heap_guard(1);

	/* Every truncation. */
	for (len = 0; len <= blen; len++) {
		t = at_end(in_text, sizeof(in_text), fx_bundle_pem, len);
		bad_pem += !pem_walk(t, len, some_size());
		bad_anchors += !anchors_ok(t, len, some_size());
	}
	for (len = 0; len <= clen; len++) {
		t = at_end(in_text, sizeof(in_text), fx_client_rsa_chain_pem, len);
		bad_creds += !creds_ok((const uint8_t *)t, len,
			(const uint8_t *)fx_client_rsa_pkcs1_pem, klen, some_size());
	}
	for (len = 0; len <= klen; len++) {
		k = at_end(in_key, sizeof(in_key), fx_client_rsa_pkcs1_pem, len);
		bad_creds += !creds_ok(fx_client_rsa_der, sizeof(fx_client_rsa_der), k, len,
			some_size());
	}
	for (len = 0; len <= sizeof(fx_client_ec_pkcs8_der); len++) {
		k = at_end(in_key, sizeof(in_key), fx_client_ec_pkcs8_der, len);
		bad_creds += !creds_ok(fx_client_ec_der, sizeof(fx_client_ec_der), k, len,
			some_size());
	}
	for (len = 0; len <= sizeof(fx_client_ec_der); len++) {
		k = at_end(in_key, sizeof(in_key), fx_client_ec_der, len);
		bad_creds += !creds_ok(k, len, fx_client_ec_sec1_der,
			sizeof(fx_client_ec_sec1_der), some_size());
		full += len == sizeof(fx_client_ec_der);
	}
	for (len = 0; len <= sizeof(fx_anchor1_dn); len++) {
		k = at_end(in_key, sizeof(in_key), fx_anchor1_dn, len);
		bad_dn += !dn_ok(k, len);
	}
	MOOR_CHECK_INT(full, 1);

	/* Random flips. */
	for (i = 0; i < FLIPS; i++) {
		t = at_end(in_text, sizeof(in_text), fx_bundle_pem, blen);
		flip((uint8_t *)t, blen);
		bad_pem += !pem_walk(t, blen, some_size());
		bad_anchors += !anchors_ok(t, blen, some_size());

		t = at_end(in_text, sizeof(in_text), fx_client_rsa_chain_pem, clen);
		flip((uint8_t *)t, clen);
		k = at_end(in_key, sizeof(in_key), fx_client_rsa_pkcs8_der,
			sizeof(fx_client_rsa_pkcs8_der));
		if (i % 2)
			flip(k, sizeof(fx_client_rsa_pkcs8_der));
		bad_creds += !creds_ok((const uint8_t *)t, clen, k,
			sizeof(fx_client_rsa_pkcs8_der), some_size());

		k = at_end(in_key, sizeof(in_key), fx_client_ec_sec1_pem,
			strlen(fx_client_ec_sec1_pem));
		flip(k, strlen(fx_client_ec_sec1_pem));
		bad_creds += !creds_ok(fx_client_ec_der, sizeof(fx_client_ec_der), k,
			strlen(fx_client_ec_sec1_pem), some_size());

		k = at_end(in_key, sizeof(in_key), fx_anchor1_dn, sizeof(fx_anchor1_dn));
		flip(k, sizeof(fx_anchor1_dn));
		bad_dn += !dn_ok(k, sizeof(fx_anchor1_dn));
	}
	MOOR_CHECK_INT(bad_pem, 0);
	MOOR_CHECK_INT(bad_anchors, 0);
	MOOR_CHECK_INT(bad_creds, 0);
	MOOR_CHECK_INT(bad_dn, 0);
	/* The untouched inputs still work (the loop above did not just fail). */
	MOOR_CHECK(anchors_ok(fx_bundle_pem, blen, sizeof(work)));
	MOOR_CHECK(pem_walk(fx_bundle_pem, blen, 2048));
	{
		moor_anchors set;

		MOOR_CHECK_INT(moor_anchors_from_pem(&set, ta, names, 4, work, sizeof(work),
			fx_bundle_pem, blen), 3);
	}
	printf("fuzz: %zu + %zu + %zu truncations, %d flip rounds\n", blen + 1, clen + 1,
		klen + 1, FLIPS);
	return moor_test_done();
}
