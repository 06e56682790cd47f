/*
 * moor: RSA-PSS signatures (RFC 8017, RSASSA-PSS: section 8.1 with the
 * EMSA-PSS encoding of section 9.1), built on BearSSL's raw RSA operations.
 *
 * BearSSL 0.6 has RSA PKCS#1 v1.5 and OAEP but no PSS. TLS 1.3 needs
 * rsa_pss_rsae_sha256 / sha384 / sha512 (RFC 8446 section 4.2.3): the
 * server's CertificateVerify is verified with moor_rsa_pss_verify() and a
 * client CertificateVerify made with an RSA key is signed with
 * moor_rsa_pss_sign(). The mask generation function is always MGF1 with
 * the same hash as the message digest, and the trailer field is 0xbc.
 *
 * Both calls take the message digest (already computed by the caller), not
 * the message. Nothing is allocated; neither call keeps any pointer after
 * it returns. Both are reentrant:
 * there is no static state.
 *
 * Example (TLS 1.3 CertificateVerify, server signature):
 *
 *     uint8_t h[64];
 *     ... hash the 64 spaces, context string, 0 and transcript hash
 *         with br_sha256_vtable into h (32 bytes) ...
 *     int rc = moor_rsa_pss_verify(br_rsa_public_get_default(),
 *             &br_sha256_vtable, h, 32, &server_pk, sig, sig_len);
 *     if (rc != MOOR_OK) -> fail the handshake (decrypt_error alert)
 */
#ifndef MOOR_RSA_PSS_H
#define MOOR_RSA_PSS_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "moor/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Largest modulus moor_rsa_pss_verify() accepts, in bytes (4096 bits).
 * The signature is copied to a stack buffer of this size, because
 * BearSSL's public operation works in place. It is also BearSSL's own
 * limit (BR_MAX_RSA_SIZE).
 */
#define MOOR_RSA_PSS_MAX_MODULUS_LEN 512

/**
 * \brief Verify an RSASSA-PSS signature whose salt is as long as the hash
 * (the only salt length TLS 1.3 allows).
 *
 * The signature is copied to the stack (at most
 * MOOR_RSA_PSS_MAX_MODULUS_LEN bytes), raised to the public exponent with
 * `rsa_pub`, and the result is checked per EMSA-PSS-VERIFY (RFC 8017
 * 9.1.2) with emBits = modBits - 1: the signature must be exactly as long
 * as the modulus (leading zero bytes in `pk->n` are ignored), must be
 * lower than the modulus, the bits above emBits must be zero (when
 * modBits - 1 is a multiple of 8, the first byte of the RSA output must be
 * zero and the encoded message is one byte shorter than the modulus), the
 * last byte must be 0xbc, the unmasked data block must be zero bytes, a
 * 0x01 byte and a salt of `hash_len` bytes, and the recomputed hash H'
 * must equal H (compared in constant time). MGF1 uses `hash`.
 *
 * \param rsa_pub      BearSSL RSA public operation, e.g.
 *                     `br_rsa_i31_public` or `br_rsa_public_get_default()`.
 * \param hash         hash function of the digest and of MGF1, e.g.
 *                     `&br_sha256_vtable`.
 * \param hash_value   the message digest (mHash), `hash_len` bytes.
 * \param hash_len     must equal the output length of `hash`.
 * \param pk           the signer's public key.
 * \param sig          the signature, `sig_len` bytes; not modified.
 * \param sig_len      signature length in bytes.
 * \return MOOR_OK if the signature is valid;
 *         MOOR_ERR_TLS_BAD_SIGNATURE if it is not: wrong length, not lower
 *         than the modulus, any encoding check failed, H' != H, or the key
 *         is too small for a salt of the hash length (emLen < 2*hLen + 2),
 *         or BearSSL rejected the key (e.g. even modulus);
 *         MOOR_ERR_UNSUPPORTED if the modulus is longer than
 *         MOOR_RSA_PSS_MAX_MODULUS_LEN bytes;
 *         MOOR_ERR_INVALID_ARG if a pointer is NULL, `hash_len` is not the
 *         output length of `hash`, or the modulus is zero.
 */
int moor_rsa_pss_verify(br_rsa_public rsa_pub, const br_hash_class *hash,
	const uint8_t *hash_value, size_t hash_len,
	const br_rsa_public_key *pk, const uint8_t *sig, size_t sig_len);

/**
 * \brief Make an RSASSA-PSS signature with a caller-chosen salt.
 *
 * The encoded message (EMSA-PSS-ENCODE, RFC 8017 9.1.1, emBits =
 * modBits - 1, MGF1 with `hash`) is built directly in `sig` and the
 * private operation `rsa_priv` runs on it in place. The modulus length is
 * taken from `sk->n_bitlen`, which BearSSL requires to be exact.
 *
 * The salt must be fresh random bytes for every signature (the TLS layer
 * draws it from its DRBG; TLS 1.3 requires `salt_len == hash_len`). A
 * fixed salt is only for known-answer tests. The salt is not secret.
 *
 * No countermeasure against faults in the CRT computation is applied
 * (BearSSL's private operation does not verify its result); a caller that
 * must resist fault attacks verifies the signature with the public key
 * before sending it.
 *
 * \param rsa_priv     BearSSL RSA private operation, e.g.
 *                     `br_rsa_i31_private` or `br_rsa_private_get_default()`.
 * \param hash         hash function of the digest and of MGF1.
 * \param hash_value   the message digest (mHash), `hash_len` bytes.
 * \param hash_len     must equal the output length of `hash`.
 * \param sk           the private key.
 * \param salt         the salt, `salt_len` bytes (may be NULL if
 *                     `salt_len` is 0).
 * \param salt_len     salt length in bytes.
 * \param sig          output: receives the signature, exactly
 *                     (sk->n_bitlen + 7) / 8 bytes. Must not overlap
 *                     `hash_value` or `salt`. On error its first
 *                     min(sig_cap, modulus length) bytes are unspecified
 *                     (zeroed when the private operation failed).
 * \param sig_cap      size of `sig` in bytes.
 * \return the signature length (> 0) on success;
 *         MOOR_ERR_BUFFER_TOO_SMALL if `sig_cap` is lower than the modulus
 *         length in bytes (nothing is written);
 *         MOOR_ERR_INVALID_ARG if a pointer is NULL, `hash_len` is not the
 *         output length of `hash`, or the key is too small for this hash
 *         and salt (emLen < hash_len + salt_len + 2);
 *         MOOR_ERR_BAD_KEY if BearSSL's private operation reported an
 *         error (e.g. an even prime factor, a factor larger than BearSSL
 *         supports, or an encoded message not lower than p*q because
 *         `n_bitlen` is wrong).
 */
int moor_rsa_pss_sign(br_rsa_private rsa_priv, const br_hash_class *hash,
	const uint8_t *hash_value, size_t hash_len,
	const br_rsa_private_key *sk, const uint8_t salt[], size_t salt_len,
	uint8_t *sig, size_t sig_cap);

#ifdef __cplusplus
}
#endif

#endif
