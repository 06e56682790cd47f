/*
 * MySQL authentication plugins, client side: mysql_native_password,
 * caching_sha2_password (fast-path scramble; full authentication as
 * cleartext inside TLS or RSA-OAEP with the server's public key) and
 * mysql_clear_password. See moor/mysql_proto.h.
 */
#include <string.h>

#include <bearssl.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"
#include "moor/x509.h"
#include "internal.h"
#include "../tls/internal.h"

static int pw_ok(const char *pw, size_t pw_len)
{
	return pw != NULL || pw_len == 0;
}

/*
 * Both scramble answers are H(pw) XOR H(...), with the nonce hashed next
 * to H(H(pw)): after it for mysql_native_password (SHA-1), before it for
 * caching_sha2_password (SHA-256). `scramble_first` picks the order.
 */
static int scramble_answer(const br_hash_class *hc, int scramble_first,
	const char *pw, size_t pw_len, const uint8_t *scramble, size_t scramble_len,
	uint8_t *out, size_t *out_len)
{
	br_hash_compat_context h;
	uint8_t s1[32], s2[32], x[32];
	size_t n = (hc->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK, i;

	if (!pw_ok(pw, pw_len) || scramble == NULL || out == NULL || out_len == NULL
		|| scramble_len < MOOR_MYSQL_SCRAMBLE_LEN)
		return MOOR_ERR_INVALID_ARG;
	*out_len = 0;
	if (pw_len == 0)
		return MOOR_OK;
	hc->init(&h.vtable);
	hc->update(&h.vtable, pw, pw_len);
	hc->out(&h.vtable, s1);
	hc->init(&h.vtable);
	hc->update(&h.vtable, s1, n);
	hc->out(&h.vtable, s2);
	hc->init(&h.vtable);
	if (scramble_first)
		hc->update(&h.vtable, scramble, MOOR_MYSQL_SCRAMBLE_LEN);
	hc->update(&h.vtable, s2, n);
	if (!scramble_first)
		hc->update(&h.vtable, scramble, MOOR_MYSQL_SCRAMBLE_LEN);
	hc->out(&h.vtable, x);
	for (i = 0; i < n; i++)
		out[i] = s1[i] ^ x[i];
	*out_len = n;
	moor_mysql_wipe(&h, sizeof h);
	moor_mysql_wipe(s1, sizeof s1);
	moor_mysql_wipe(s2, sizeof s2);
	moor_mysql_wipe(x, sizeof x);
	return MOOR_OK;
}

int moor_mysql_auth_native(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	uint8_t out[20], size_t *out_len)
{
	/* SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))) */
	return scramble_answer(&br_sha1_vtable, 1, pw, pw_len, scramble, scramble_len,
		out, out_len);
}

int moor_mysql_auth_sha2(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	uint8_t out[32], size_t *out_len)
{
	/* SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble) */
	return scramble_answer(&br_sha256_vtable, 0, pw, pw_len, scramble, scramble_len,
		out, out_len);
}

int moor_mysql_auth_clear(const char *pw, size_t pw_len,
	uint8_t *out, size_t cap, size_t *out_len)
{
	if (!pw_ok(pw, pw_len) || out_len == NULL || (out == NULL && cap > 0)
		|| pw_len == SIZE_MAX)
		return MOOR_ERR_INVALID_ARG;
	*out_len = pw_len + 1;
	if (cap < pw_len + 1)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	if (pw_len > 0)
		memcpy(out, pw, pw_len);
	out[pw_len] = 0;
	return MOOR_OK;
}

int moor_mysql_auth_rsa_input(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	uint8_t *out, size_t cap, size_t *out_len)
{
	size_t i;
	int st;

	if (scramble == NULL || scramble_len < MOOR_MYSQL_SCRAMBLE_LEN)
		return MOOR_ERR_INVALID_ARG;
	st = moor_mysql_auth_clear(pw, pw_len, out, cap, out_len);
	if (st != MOOR_OK)
		return st;
	for (i = 0; i <= pw_len; i++)
		out[i] ^= scramble[i % MOOR_MYSQL_SCRAMBLE_LEN];
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* The server's public key. */

/* A DER INTEGER at *off (inside [.., end)): positive, leading zeros
 * skipped, 1..max bytes. */
static int der_uint(const uint8_t *d, size_t end, size_t *off,
	const uint8_t **v, size_t *vlen, size_t max)
{
	uint8_t tag;
	size_t len, o = *off;

	if (!moor_der_header(d, end, &o, &tag, &len) || tag != 0x02 || len == 0)
		return 0;
	if ((d[o] & 0x80) != 0)
		return 0;                      /* negative */
	*off = o + len;
	while (len > 0 && d[o] == 0) {
		o++;
		len--;
	}
	if (len == 0 || len > max)
		return 0;
	*v = d + o;
	*vlen = len;
	return 1;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static int parse_pkcs1(const uint8_t *d, size_t start, size_t end, br_rsa_public_key *pk)
{
	uint8_t tag;
	size_t len, off = start;
	const uint8_t *n, *e;
	size_t nlen, elen;

	if (!moor_der_header(d, end, &off, &tag, &len) || tag != 0x30 || off + len != end)
		return 0;
	if (!der_uint(d, end, &off, &n, &nlen, 512)
		|| !der_uint(d, end, &off, &e, &elen, 4) || off != end)
		return 0;
	if ((n[nlen - 1] & 1) == 0 || nlen < 64)
		return 0;                      /* even modulus, or under 512 bits */
	pk->n = (unsigned char *)(uintptr_t)n;
	pk->nlen = nlen;
	pk->e = (unsigned char *)(uintptr_t)e;
	pk->elen = elen;
	return 1;
}

/* SubjectPublicKeyInfo with rsaEncryption (1.2.840.113549.1.1.1). */
static int parse_spki(const uint8_t *d, size_t end, br_rsa_public_key *pk)
{
	static const uint8_t rsa_oid[9] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
	};
	uint8_t tag;
	size_t len, off = 0, alg_end, o;

	if (!moor_der_header(d, end, &off, &tag, &len) || tag != 0x30 || off + len != end)
		return 0;
	if (!moor_der_header(d, end, &off, &tag, &len) || tag != 0x30)
		return 0;
	alg_end = off + len;
	o = off;
	if (!moor_der_header(d, alg_end, &o, &tag, &len) || tag != 0x06
		|| len != sizeof rsa_oid || memcmp(d + o, rsa_oid, sizeof rsa_oid) != 0)
		return 0;
	o += len;
	if (o != alg_end) {
		/* parameters: NULL */
		if (!moor_der_header(d, alg_end, &o, &tag, &len) || tag != 0x05
			|| len != 0 || o != alg_end)
			return 0;
	}
	off = alg_end;
	if (!moor_der_header(d, end, &off, &tag, &len) || tag != 0x03 || len < 1
		|| d[off] != 0 || off + len != end)
		return 0;
	return parse_pkcs1(d, off + 1, end, pk);
}

/* Move *pos just past the next "-----BEGIN" at or after it. */
static int skip_begin(const char *pem, size_t n, size_t *pos)
{
	static const char mark[] = "-----BEGIN";
	size_t i, m = sizeof mark - 1;

	for (i = *pos; i < n && n - i >= m; i++) {
		if (memcmp(pem + i, mark, m) == 0) {
			*pos = i + 1;
			return 1;
		}
	}
	return 0;
}

int moor_mysql_rsa_key_from_pem(const char *pem, size_t pem_len,
	uint8_t *der, size_t der_cap, br_rsa_public_key *pk)
{
	char label[32];
	size_t pos = 0, der_len;
	int st;

	if (pem == NULL || der == NULL || pk == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(pk, 0, sizeof *pk);
	for (;;) {
		label[0] = 0;
		st = moor_pem_next(pem, pem_len, &pos, label, sizeof label, der, der_cap,
			&der_len);
		if (st == MOOR_ERR_BUFFER_TOO_SMALL) {
			if (strcmp(label, "PUBLIC KEY") == 0 || strcmp(label, "RSA PUBLIC KEY") == 0)
				return st;
			/* another, larger object (a certificate, a private key):
			 * look past its BEGIN line */
			if (!skip_begin(pem, pem_len, &pos))
				break;
			continue;
		}
		if (st != MOOR_OK)
			return MOOR_ERR_MYSQL_RSA_KEY;
		if (strcmp(label, "PUBLIC KEY") == 0) {
			if (!parse_spki(der, der_len, pk))
				break;
			return MOOR_OK;
		}
		if (strcmp(label, "RSA PUBLIC KEY") == 0) {
			if (!parse_pkcs1(der, 0, der_len, pk))
				break;
			return MOOR_OK;
		}
	}
	memset(pk, 0, sizeof *pk);
	return MOOR_ERR_MYSQL_RSA_KEY;
}

int moor_mysql_auth_rsa_encrypt(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	const br_rsa_public_key *pk, br_rsa_oaep_encrypt oaep,
	const uint8_t *seed, size_t seed_len,
	uint8_t *out, size_t cap, size_t *out_len)
{
	br_hmac_drbg_context rng;
	size_t nlen, done, plain;
	const uint8_t *n;
	int st;

	if (!pw_ok(pw, pw_len) || scramble == NULL || pk == NULL || pk->n == NULL
		|| out_len == NULL || (out == NULL && cap > 0) || (seed == NULL && seed_len > 0)
		|| scramble_len < MOOR_MYSQL_SCRAMBLE_LEN)
		return MOOR_ERR_INVALID_ARG;
	*out_len = 0;
	n = pk->n;
	nlen = pk->nlen;
	while (nlen > 0 && n[0] == 0) {
		n++;
		nlen--;
	}
	if (nlen == 0 || nlen > 512)
		return MOOR_ERR_MYSQL_RSA_KEY;
	/* OAEP with SHA-1: at most nlen - 2 * 20 - 2 bytes of message */
	if (nlen < 42 || pw_len >= nlen - 42)
		return MOOR_ERR_MYSQL_PASSWORD_TOO_LONG;
	*out_len = nlen;
	if (cap < nlen)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	if (seed_len < 16)
		return MOOR_ERR_NO_ENTROPY;
	st = moor_mysql_auth_rsa_input(pw, pw_len, scramble, scramble_len, out, cap, &plain);
	if (st != MOOR_OK)
		return st;
	if (oaep == NULL)
		oaep = br_rsa_oaep_encrypt_get_default();
	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, seed_len);
	/* the plaintext is in out; BearSSL allows src and dst to overlap */
	done = oaep(&rng.vtable, &br_sha1_vtable, NULL, 0, pk, out, cap, out, plain);
	moor_mysql_wipe(&rng, sizeof rng);
	if (done == 0) {
		moor_mysql_wipe(out, plain);
		*out_len = 0;
		return MOOR_ERR_MYSQL_RSA_KEY;
	}
	*out_len = done;
	return MOOR_OK;
}
