/*
 * RSASSA-PSS (RFC 8017 8.1, EMSA-PSS 9.1) on BearSSL's raw RSA operations.
 * MGF1 uses the message hash; the trailer is 0xbc. See moor/rsa_pss.h.
 */
#include <stdint.h>
#include <string.h>

#include "moor/rsa_pss.h"

/* Largest hash output we handle (SHA-512). */
#define PSS_MAX_HLEN 64

static size_t pss_hash_len(const br_hash_class *hash)
{
	return (size_t)((hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
}

/*
 * XOR MGF1(seed, len) into dst[0..len). Each block is
 * Hash(seed || counter as 4 big-endian bytes); the hash is streamed, so
 * only one context and one block live on the stack. seed must not overlap
 * dst.
 */
static void pss_mgf1_xor(const br_hash_class *hash, const uint8_t *seed,
	size_t seed_len, uint8_t *dst, size_t len)
{
	br_hash_compat_context hc;
	uint8_t block[PSS_MAX_HLEN];
	uint8_t ctr[4];
	size_t hlen = pss_hash_len(hash);
	size_t done = 0;
	uint32_t c = 0;

	while (done < len) {
		size_t n = len - done;
		size_t i;

		if (n > hlen)
			n = hlen;
		ctr[0] = (uint8_t)(c >> 24);
		ctr[1] = (uint8_t)(c >> 16);
		ctr[2] = (uint8_t)(c >> 8);
		ctr[3] = (uint8_t)c;
		hash->init(&hc.vtable);
		hash->update(&hc.vtable, seed, seed_len);
		hash->update(&hc.vtable, ctr, sizeof ctr);
		hash->out(&hc.vtable, block);
		for (i = 0; i < n; i++)
			dst[done + i] ^= block[i];
		done += n;
		c++;
	}
}

/* H = Hash(8 zero bytes || mHash || salt), written to out (hLen bytes). */
static void pss_hash_mprime(const br_hash_class *hash, const uint8_t *mhash,
	size_t hlen, const uint8_t *salt, size_t salt_len, uint8_t *out)
{
	br_hash_compat_context hc;
	static const uint8_t zeros[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };

	hash->init(&hc.vtable);
	hash->update(&hc.vtable, zeros, sizeof zeros);
	hash->update(&hc.vtable, mhash, hlen);
	if (salt_len > 0)
		hash->update(&hc.vtable, salt, salt_len);
	hash->out(&hc.vtable, out);
}

/* 0 if a[0..len) == b[0..len), non-zero otherwise; time depends on len only. */
static uint32_t pss_ct_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint32_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= (uint32_t)(a[i] ^ b[i]);
	return acc;
}

/* Bit length of a big-endian integer whose first byte is non-zero. */
static size_t pss_bitlen(const uint8_t *n, size_t nlen)
{
	size_t bits = (nlen - 1) * 8;
	unsigned top = n[0];

	while (top != 0) {
		bits++;
		top >>= 1;
	}
	return bits;
}

int moor_rsa_pss_verify(br_rsa_public rsa_pub, const br_hash_class *hash,
	const uint8_t *hash_value, size_t hash_len,
	const br_rsa_public_key *pk, const uint8_t *sig, size_t sig_len)
{
	uint8_t buf[MOOR_RSA_PSS_MAX_MODULUS_LEN];
	uint8_t hprime[PSS_MAX_HLEN];
	const uint8_t *n;
	size_t nlen, hlen, em_bits, em_len, db_len, ps_len, i;
	uint8_t *em;
	uint32_t bad;
	int rc;

	if (rsa_pub == NULL || hash == NULL || hash_value == NULL || pk == NULL
		|| pk->n == NULL || sig == NULL)
		return MOOR_ERR_INVALID_ARG;
	hlen = pss_hash_len(hash);
	if (hlen == 0 || hlen > PSS_MAX_HLEN || hash_len != hlen)
		return MOOR_ERR_INVALID_ARG;
	n = pk->n;
	nlen = pk->nlen;
	while (nlen > 0 && *n == 0) {
		n++;
		nlen--;
	}
	if (nlen == 0)
		return MOOR_ERR_INVALID_ARG;
	if (nlen > sizeof buf)
		return MOOR_ERR_UNSUPPORTED;
	if (sig_len != nlen)
		return MOOR_ERR_TLS_BAD_SIGNATURE;

	/* emBits = modBits - 1; EM is the last emLen bytes of the RSA output. */
	em_bits = pss_bitlen(n, nlen) - 1;
	em_len = (em_bits + 7) / 8;
	if (em_len < 2 * hlen + 2)
		return MOOR_ERR_TLS_BAD_SIGNATURE;

	memcpy(buf, sig, sig_len);
	if (!rsa_pub(buf, sig_len, pk))
		return MOOR_ERR_TLS_BAD_SIGNATURE;

	bad = 0;
	/* nlen - em_len is 1 exactly when modBits - 1 is a multiple of 8. */
	if (nlen > em_len)
		bad |= buf[0];
	em = buf + (nlen - em_len);
	db_len = em_len - hlen - 1;
	bad |= (uint32_t)(em[em_len - 1] ^ 0xBC);
	/* The 8*emLen - emBits leftmost bits of EM must be zero. */
	bad |= (uint32_t)(em[0] & (uint8_t)~(0xFFu >> (8 * em_len - em_bits)));

	/* Unmask DB in place (H follows maskedDB, no overlap). */
	pss_mgf1_xor(hash, em + db_len, hlen, em, db_len);
	em[0] &= (uint8_t)(0xFFu >> (8 * em_len - em_bits));

	/* DB = PS (zeros) || 0x01 || salt (hLen bytes). */
	ps_len = db_len - hlen - 1;
	for (i = 0; i < ps_len; i++)
		bad |= em[i];
	bad |= (uint32_t)(em[ps_len] ^ 0x01);

	pss_hash_mprime(hash, hash_value, hlen, em + ps_len + 1, hlen, hprime);
	bad |= pss_ct_diff(hprime, em + db_len, hlen);

	rc = (bad == 0) ? MOOR_OK : MOOR_ERR_TLS_BAD_SIGNATURE;
	return rc;
}

int moor_rsa_pss_sign(br_rsa_private rsa_priv, const br_hash_class *hash,
	const uint8_t *hash_value, size_t hash_len,
	const br_rsa_private_key *sk, const uint8_t salt[], size_t salt_len,
	uint8_t *sig, size_t sig_cap)
{
	size_t hlen, k, em_bits, em_len, db_len, ps_len, off;
	uint8_t *em;

	if (rsa_priv == NULL || hash == NULL || hash_value == NULL || sk == NULL
		|| sig == NULL || (salt == NULL && salt_len > 0))
		return MOOR_ERR_INVALID_ARG;
	hlen = pss_hash_len(hash);
	if (hlen == 0 || hlen > PSS_MAX_HLEN || hash_len != hlen)
		return MOOR_ERR_INVALID_ARG;
	if (sk->n_bitlen < 2)
		return MOOR_ERR_INVALID_ARG;
	k = ((size_t)sk->n_bitlen + 7) / 8;
	em_bits = (size_t)sk->n_bitlen - 1;
	em_len = (em_bits + 7) / 8;
	if (em_len < hlen + 2 || salt_len > em_len - hlen - 2)
		return MOOR_ERR_INVALID_ARG;
	if (sig_cap < k)
		return MOOR_ERR_BUFFER_TOO_SMALL;

	/* sig = [0x00 if modBits - 1 is a multiple of 8] || EM, with
	 * EM = maskedDB || H || 0xbc and DB = PS || 0x01 || salt. */
	off = k - em_len;
	em = sig + off;
	db_len = em_len - hlen - 1;
	ps_len = db_len - salt_len - 1;
	memset(sig, 0, off + ps_len);
	em[ps_len] = 0x01;
	if (salt_len > 0)
		memcpy(em + ps_len + 1, salt, salt_len);
	pss_hash_mprime(hash, hash_value, hlen, salt, salt_len, em + db_len);
	em[em_len - 1] = 0xBC;
	pss_mgf1_xor(hash, em + db_len, hlen, em, db_len);
	em[0] &= (uint8_t)(0xFFu >> (8 * em_len - em_bits));

	if (!rsa_priv(sig, sk)) {
		memset(sig, 0, k);
		return MOOR_ERR_BAD_KEY;
	}
	return (int)k;
}
