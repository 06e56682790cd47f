/*
 * RSA-PSS sign and verify (core/tls/rsa_pss.c) against the vectors in
 * pss_vectors.h (made by gen_vectors.py: an independent Python EMSA-PSS
 * with fixed salts, python3-cryptography signatures with random salts and
 * deliberately malformed encodings).
 */
#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "moor/rsa_pss.h"
#include "testlib.h"

#include "pss_vectors.h"

#define MAXK 512

static const br_hash_class *hash_of(int bits)
{
	switch (bits) {
	case 256: return &br_sha256_vtable;
	case 384: return &br_sha384_vtable;
	default:  return &br_sha512_vtable;
	}
}

static size_t hlen_of(int bits)
{
	return (size_t)bits / 8;
}

static size_t klen(const struct pss_key *k)
{
	return (k->bits + 7) / 8;
}

/* Known answers: our signature with the fixed salt equals the Python
 * reference, with two BearSSL engines; the reference verifies when its
 * salt has the hash length and fails (salt length) otherwise. */
static void test_known_answers(void)
{
	size_t i;

	for (i = 0; i < PSS_NVECS; i++) {
		const struct pss_vec *v = &pss_vecs[i];
		const struct pss_key *k = &pss_keys[v->key];
		const br_hash_class *h = hash_of(v->hash);
		size_t hl = hlen_of(v->hash), kl = klen(k);
		uint8_t sig[MAXK];

		if (v->sig_fixed == NULL) {
			/* Key too small for this hash with salt = hLen. */
			uint8_t salt[64];

			memset(salt, 1, sizeof salt);
			MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h,
				v->mhash, hl, &k->sk, salt, hl, sig, sizeof sig),
				MOOR_ERR_INVALID_ARG);
			memset(sig, 0x11, kl);
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h,
				v->mhash, hl, &k->pk, sig, kl),
				MOOR_ERR_TLS_BAD_SIGNATURE);
			continue;
		}
		memset(sig, 0xEE, sizeof sig);
		MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, v->mhash,
			hl, &k->sk, v->salt, v->salt_len, sig, sizeof sig), (long)kl);
		MOOR_CHECK(memcmp(sig, v->sig_fixed, kl) == 0);
		if (memcmp(sig, v->sig_fixed, kl) != 0)
			printf("  KAT mismatch: key %u bits, SHA-%d, salt %u\n",
				k->bits, v->hash, (unsigned)v->salt_len);
		memset(sig, 0xEE, sizeof sig);
		MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i15_private, h, v->mhash,
			hl, &k->sk, v->salt, v->salt_len, sig, kl), (long)kl);
		MOOR_CHECK(memcmp(sig, v->sig_fixed, kl) == 0);

		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, v->mhash,
			hl, &k->pk, v->sig_fixed, kl),
			v->salt_len == hl ? MOOR_OK : MOOR_ERR_TLS_BAD_SIGNATURE);
	}
}

/* Signatures made by python3-cryptography (OpenSSL) verify, and every kind
 * of tampering is refused. */
static void test_verify_lib(void)
{
	size_t i;

	for (i = 0; i < PSS_NVECS; i++) {
		const struct pss_vec *v = &pss_vecs[i];
		const struct pss_key *k = &pss_keys[v->key];
		const br_hash_class *h = hash_of(v->hash);
		size_t hl = hlen_of(v->hash), kl = klen(k), pos;
		uint8_t sig[MAXK + 1], mh[64];

		if (v->sig_lib == NULL)
			continue;
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, v->mhash,
			hl, &k->pk, v->sig_lib, kl), MOOR_OK);
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i15_public, h, v->mhash,
			hl, &k->pk, v->sig_lib, kl), MOOR_OK);
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_public_get_default(), h,
			v->mhash, hl, &k->pk, v->sig_lib, kl), MOOR_OK);

		/* One bit flipped in a sample of signature bytes (every byte
		 * of the first and last 8, then every 29th). */
		memcpy(sig, v->sig_lib, kl);
		for (pos = 0; pos < kl; pos++) {
			if (pos >= 8 && pos + 8 < kl && pos % 29 != 0)
				continue;
			sig[pos] ^= (uint8_t)(1u << (pos % 8));
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h,
				v->mhash, hl, &k->pk, sig, kl),
				MOOR_ERR_TLS_BAD_SIGNATURE);
			sig[pos] ^= (uint8_t)(1u << (pos % 8));
		}
		MOOR_CHECK(memcmp(sig, v->sig_lib, kl) == 0);

		/* Wrong digest: each of a few bytes flipped. */
		memcpy(mh, v->mhash, hl);
		for (pos = 0; pos < hl; pos += 7) {
			mh[pos] ^= 0x80;
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh,
				hl, &k->pk, v->sig_lib, kl),
				MOOR_ERR_TLS_BAD_SIGNATURE);
			mh[pos] ^= 0x80;
		}

		/* Wrong hash function (with a digest of its length). */
		{
			int other = v->hash == 256 ? 384 : 256;
			uint8_t oh[64];

			memset(oh, 0, sizeof oh);
			memcpy(oh, v->mhash, hl < hlen_of(other) ? hl : hlen_of(other));
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public,
				hash_of(other), oh, hlen_of(other), &k->pk,
				v->sig_lib, kl), MOOR_ERR_TLS_BAD_SIGNATURE);
		}

		/* Wrong lengths. */
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, v->mhash,
			hl, &k->pk, v->sig_lib, kl - 1), MOOR_ERR_TLS_BAD_SIGNATURE);
		memcpy(sig, v->sig_lib, kl);
		sig[kl] = 0;
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, v->mhash,
			hl, &k->pk, sig, kl + 1), MOOR_ERR_TLS_BAD_SIGNATURE);
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, v->mhash,
			hl, &k->pk, v->sig_lib, 0), MOOR_ERR_TLS_BAD_SIGNATURE);

		/* Not lower than the modulus: n itself, and all ones. */
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, v->mhash,
			hl, &k->pk, k->pk.n, kl), MOOR_ERR_TLS_BAD_SIGNATURE);
		memset(sig, 0xFF, kl);
		MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, v->mhash,
			hl, &k->pk, sig, kl), MOOR_ERR_TLS_BAD_SIGNATURE);
	}
}

/* Valid RSA operations on malformed PSS encodings. */
static void test_verify_bad_encodings(void)
{
	size_t i;

	for (i = 0; i < PSS_NBADS; i++) {
		const struct pss_bad *b = &pss_bads[i];
		const struct pss_key *k = &pss_keys[b->key];
		size_t kl = klen(k);
		uint8_t x[MAXK];
		int rc;

		/* The RSA operation itself succeeds: only PSS decoding can
		 * reject it. */
		memcpy(x, b->sig, kl);
		MOOR_CHECK_INT(br_rsa_i31_public(x, kl, &k->pk), 1);
		rc = moor_rsa_pss_verify(br_rsa_i31_public, hash_of(b->hash),
			b->mhash, hlen_of(b->hash), &k->pk, b->sig, kl);
		MOOR_CHECK_INT(rc, MOOR_ERR_TLS_BAD_SIGNATURE);
		if (rc != MOOR_ERR_TLS_BAD_SIGNATURE)
			printf("  accepted bad encoding '%s', key %u bits, SHA-%d\n",
				b->what, k->bits, b->hash);
	}
}

/* Sign then verify for every key and hash, with a salt that changes per
 * signature, on two engine pairs. */
static void test_round_trip(void)
{
	size_t ki;
	int hb, n = 0;

	for (ki = 0; ki < PSS_NKEYS; ki++) {
		const struct pss_key *k = &pss_keys[ki];
		size_t kl = klen(k);

		for (hb = 256; hb <= 512; hb += 128) {
			const br_hash_class *h = hash_of(hb);
			size_t hl = hlen_of(hb), j;
			uint8_t mh[64], salt[64], sig[MAXK], sig2[MAXK];
			int rc;

			for (j = 0; j < hl; j++) {
				mh[j] = (uint8_t)(j * 3 + ki + (size_t)hb);
				salt[j] = (uint8_t)(j ^ (size_t)n ^ 0x5C);
			}
			n++;
			rc = moor_rsa_pss_sign(br_rsa_private_get_default(), h, mh, hl,
				&k->sk, salt, hl, sig, sizeof sig);
			if ((k->bits - 1 + 7) / 8 < 2 * hl + 2) {
				/* emLen too small for salt = hLen */
				MOOR_CHECK_INT(rc, MOOR_ERR_INVALID_ARG);
				continue;
			}
			MOOR_CHECK_INT(rc, (long)kl);
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_public_get_default(),
				h, mh, hl, &k->pk, sig, kl), MOOR_OK);
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i15_public,
				h, mh, hl, &k->pk, sig, kl), MOOR_OK);
			/* A different salt gives a different, also valid, one. */
			salt[0] ^= 1;
			MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, hl,
				&k->sk, salt, hl, sig2, sizeof sig2), (long)kl);
			MOOR_CHECK(memcmp(sig, sig2, kl) != 0);
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public,
				h, mh, hl, &k->pk, sig2, kl), MOOR_OK);
			/* The digest is bound: another digest fails. */
			mh[hl - 1] ^= 1;
			MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public,
				h, mh, hl, &k->pk, sig2, kl), MOOR_ERR_TLS_BAD_SIGNATURE);
		}
	}
}

/* Index of the 2048-bit key in pss_keys. */
static const struct pss_key *key2048(void)
{
	size_t i;

	for (i = 0; i < PSS_NKEYS; i++)
		if (pss_keys[i].bits == 2048)
			return &pss_keys[i];
	return NULL;
}

static void test_args(void)
{
	const struct pss_key *k = key2048();
	const br_hash_class *h = &br_sha256_vtable;
	uint8_t mh[32], salt[256], sig[MAXK], big_n[MAXK + 1], padded_n[300];
	br_rsa_public_key pk;
	size_t i;
	int rc;

	MOOR_CHECK(k != NULL);
	if (k == NULL)
		return;
	memset(mh, 0x42, sizeof mh);
	memset(salt, 0x24, sizeof salt);

	/* sign: arguments */
	MOOR_CHECK_INT(moor_rsa_pss_sign(NULL, h, mh, 32, &k->sk, salt, 32, sig,
		sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, NULL, mh, 32, &k->sk,
		salt, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, NULL, 32, &k->sk,
		salt, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, NULL,
		salt, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		NULL, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		salt, 32, NULL, sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 31, &k->sk,
		salt, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 48, &k->sk,
		salt, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	/* Longest salt: emLen - hLen - 2 = 256 - 32 - 2 = 222; one more fails. */
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		salt, 222, sig, sizeof sig), 256);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		salt, 223, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		salt, (size_t)-1, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	/* Empty salt with a NULL pointer is fine. */
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		NULL, 0, sig, sizeof sig), 256);
	/* Output one byte too small: nothing written. */
	memset(sig, 0x5A, sizeof sig);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		salt, 32, sig, 255), MOOR_ERR_BUFFER_TOO_SMALL);
	for (i = 0; i < sizeof sig && sig[i] == 0x5A; i++)
		;
	MOOR_CHECK_INT(i, sizeof sig);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk,
		salt, 32, sig, 256), 256);

	/* verify: arguments */
	MOOR_CHECK_INT(moor_rsa_pss_verify(NULL, h, mh, 32, &k->pk, sig, 256),
		MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, NULL, mh, 32, &k->pk,
		sig, 256), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, NULL, 32, &k->pk,
		sig, 256), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, NULL,
		sig, 256), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, &k->pk,
		NULL, 256), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 33, &k->pk,
		sig, 256), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, &k->pk,
		sig, 256), MOOR_OK);

	/* A modulus of only zero bytes. */
	memset(padded_n, 0, sizeof padded_n);
	pk.n = padded_n;
	pk.nlen = 4;
	pk.e = k->pk.e;
	pk.elen = k->pk.elen;
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, &pk,
		sig, 256), MOOR_ERR_INVALID_ARG);

	/* Leading zero bytes in the modulus are ignored. */
	memcpy(padded_n + sizeof padded_n - k->pk.nlen, k->pk.n, k->pk.nlen);
	pk.nlen = sizeof padded_n;
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, &pk,
		sig, 256), MOOR_OK);

	/* An even modulus: BearSSL refuses it. */
	padded_n[sizeof padded_n - 1] ^= 1;
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, &pk,
		sig, 256), MOOR_ERR_TLS_BAD_SIGNATURE);

	/* A modulus over 4096 bits. */
	memset(big_n, 0xFF, sizeof big_n);
	pk.n = big_n;
	pk.nlen = sizeof big_n;
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, &pk,
		sig, sizeof big_n), MOOR_ERR_UNSUPPORTED);

	/* Private key with a bad n_bitlen. */
	{
		br_rsa_private_key sk = k->sk;

		sk.n_bitlen = 1;
		MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &sk,
			salt, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
		sk.n_bitlen = 0;
		MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &sk,
			salt, 32, sig, sizeof sig), MOOR_ERR_INVALID_ARG);
	}
	rc = moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &k->sk, salt, 32,
		sig, sizeof sig);
	MOOR_CHECK_INT(rc, 256);
}

/* What a corrupted private key gives: BearSSL reports an even prime
 * (MOOR_ERR_BAD_KEY, output wiped); a corrupted exponent is not detected
 * by BearSSL, and the signature it yields does not verify. */
static void test_bad_private_key(void)
{
	const struct pss_key *k = key2048();
	const br_hash_class *h = &br_sha256_vtable;
	uint8_t mh[32], salt[32], sig[MAXK], p[MAXK], dp[MAXK];
	br_rsa_private_key sk;
	size_t i;

	if (k == NULL)
		return;
	memset(mh, 0x17, sizeof mh);
	memset(salt, 0x71, sizeof salt);

	sk = k->sk;
	memcpy(p, sk.p, sk.plen);
	p[sk.plen - 1] ^= 1; /* p even */
	sk.p = p;
	memset(sig, 0x5A, sizeof sig);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &sk, salt,
		32, sig, sizeof sig), MOOR_ERR_BAD_KEY);
	for (i = 0; i < 256 && sig[i] == 0; i++)
		;
	MOOR_CHECK_INT(i, 256);
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i15_private, h, mh, 32, &sk, salt,
		32, sig, sizeof sig), MOOR_ERR_BAD_KEY);

	/* n_bitlen larger than p*q: the encoded message is then not lower
	 * than p*q (its top byte is non-zero), which BearSSL reports. */
	sk = k->sk;
	sk.n_bitlen = k->sk.n_bitlen + 16;
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &sk, salt,
		32, sig, sizeof sig), MOOR_ERR_BAD_KEY);

	sk = k->sk;
	memcpy(dp, sk.dp, sk.dplen);
	dp[sk.dplen / 2] ^= 0x10;
	sk.dp = dp;
	MOOR_CHECK_INT(moor_rsa_pss_sign(br_rsa_i31_private, h, mh, 32, &sk, salt,
		32, sig, sizeof sig), 256);
	MOOR_CHECK_INT(moor_rsa_pss_verify(br_rsa_i31_public, h, mh, 32, &k->pk,
		sig, 256), MOOR_ERR_TLS_BAD_SIGNATURE);
}

int main(void)
{
	moor_test_heap_guard(1);
	test_known_answers();
	test_verify_lib();
	test_verify_bad_encodings();
	test_round_trip();
	test_args();
	test_bad_private_key();
	return moor_test_done();
}
