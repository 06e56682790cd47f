/*
 * TLS 1.3 record protection (RFC 8446 5.2-5.4): AEAD seal and open in
 * place, per-record nonce, inner content type and padding, limits.
 *
 * Implementations follow BearSSL's own defaults for its TLS engine: the
 * hardware ones when the library was built with them and the CPU has
 * them, else the constant-time portable code, with the "32-bit product
 * only" GHASH/Poly1305 variants on Cortex-M (as BR_LOMUL does there).
 */
#include <string.h>

#include "moor/config_defaults.h"
#include "moor/status.h"
#include "moor/tls13.h"

#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
#define REC_LOMUL 1
#else
#define REC_LOMUL 0
#endif

#if UINTPTR_MAX > 0xFFFFFFFFu
#define REC_64 1
#else
#define REC_64 0
#endif

static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = (volatile uint8_t *)p;
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = 0;
}

static const br_block_ctr_class *pick_aes(void)
{
	const br_block_ctr_class *vt = br_aes_x86ni_ctr_get_vtable();

	if (vt == NULL)
		vt = br_aes_pwr8_ctr_get_vtable();
	if (vt == NULL) {
#if REC_64
		vt = &br_aes_ct64_ctr_vtable;
#else
		vt = &br_aes_ct_ctr_vtable;
#endif
	}
	return vt;
}

static br_ghash pick_ghash(void)
{
	br_ghash gh = br_ghash_pclmul_get();

	if (gh == 0)
		gh = br_ghash_pwr8_get();
	if (gh == 0) {
#if REC_LOMUL
		gh = &br_ghash_ctmul32;
#elif REC_64
		gh = &br_ghash_ctmul64;
#else
		gh = &br_ghash_ctmul;
#endif
	}
	return gh;
}

int moor_tls13_rec_init_keys(moor_tls13_rec *rec, unsigned suite,
	const uint8_t *key, size_t key_len, const uint8_t iv[MOOR_TLS13_IV_LEN])
{
	const br_block_ctr_class *vt;
	size_t kl = moor_tls13_suite_key_len(suite);

	if (rec == NULL || key == NULL || iv == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(rec, 0, sizeof *rec);
	if (kl == 0 || (!MOOR_CONFIG_TLS_CHACHA20 && suite == MOOR_TLS13_CHACHA20_POLY1305_SHA256))
		return MOOR_ERR_UNSUPPORTED;
	if (key_len != kl)
		return MOOR_ERR_INVALID_ARG;
	rec->suite = suite;
	rec->max_inner = MOOR_TLS13_MAX_INNER;
	rec->seq = 0;
	memcpy(rec->iv, iv, MOOR_TLS13_IV_LEN);
#if MOOR_CONFIG_TLS_CHACHA20
	if (suite == MOOR_TLS13_CHACHA20_POLY1305_SHA256) {
		memcpy(rec->chacha_key, key, kl);
		rec->chacha = br_chacha20_sse2_get();
		if (rec->chacha == 0)
			rec->chacha = &br_chacha20_ct_run;
		rec->poly = br_poly1305_ctmulq_get();
		if (rec->poly == 0) {
#if REC_LOMUL
			rec->poly = &br_poly1305_ctmul32_run;
#else
			rec->poly = &br_poly1305_ctmul_run;
#endif
		}
	} else
#endif
	{
		vt = pick_aes();
		vt->init(&rec->aes.vtable, key, kl);
		rec->ghash = pick_ghash();
	}
	return MOOR_OK;
}

int moor_tls13_rec_init(moor_tls13_rec *rec, unsigned suite,
	const uint8_t *secret, size_t secret_len)
{
	uint8_t key[MOOR_TLS13_KEY_MAX];
	uint8_t iv[MOOR_TLS13_IV_LEN];
	const br_hash_class *hash = moor_tls13_suite_hash(suite);
	int st;

	if (rec == NULL || secret == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (hash == NULL) {
		memset(rec, 0, sizeof *rec);
		return MOOR_ERR_UNSUPPORTED;
	}
	if (secret_len != ((hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK))
		return MOOR_ERR_INVALID_ARG;
	st = moor_tls13_traffic_keys(suite, secret, key, iv);
	if (st == MOOR_OK)
		st = moor_tls13_rec_init_keys(rec, suite, key,
			moor_tls13_suite_key_len(suite), iv);
	wipe(key, sizeof key);
	wipe(iv, sizeof iv);
	return st;
}

int moor_tls13_rec_set_limit(moor_tls13_rec *rec, size_t max_inner)
{
	if (rec == NULL || max_inner < 64 || max_inner > MOOR_TLS13_MAX_INNER)
		return MOOR_ERR_INVALID_ARG;
	rec->max_inner = max_inner;
	return MOOR_OK;
}

/* nonce = iv XOR (seq as 64-bit big-endian, left-padded to 12 bytes) */
static void make_nonce(const moor_tls13_rec *rec, uint8_t nonce[MOOR_TLS13_IV_LEN])
{
	int i;

	memcpy(nonce, rec->iv, MOOR_TLS13_IV_LEN);
	for (i = 0; i < 8; i++)
		nonce[MOOR_TLS13_IV_LEN - 1 - i] ^= (uint8_t)(rec->seq >> (8 * i));
}

/*
 * Run the AEAD over data[0..len) with the 5-byte header as AAD. Encrypt:
 * writes the tag to `tag`. Decrypt: checks `tag` and returns 1 if it
 * matches (constant time), 0 if not.
 */
static int aead_run(moor_tls13_rec *rec, int encrypt, const uint8_t hdr[5],
	uint8_t *data, size_t len, uint8_t tag[MOOR_TLS13_TAG_LEN])
{
	uint8_t nonce[MOOR_TLS13_IV_LEN];
	uint8_t calc[MOOR_TLS13_TAG_LEN];
	br_gcm_context gc;
	int ok = 1;

	make_nonce(rec, nonce);
#if MOOR_CONFIG_TLS_CHACHA20
	if (rec->suite == MOOR_TLS13_CHACHA20_POLY1305_SHA256) {
		rec->poly(rec->chacha_key, nonce, data, len, hdr, 5,
			encrypt ? tag : calc, rec->chacha, encrypt);
		if (!encrypt) {
			unsigned diff = 0;
			size_t i;

			for (i = 0; i < MOOR_TLS13_TAG_LEN; i++)
				diff |= (unsigned)(calc[i] ^ tag[i]);
			ok = diff == 0;
		}
	} else
#endif
	{
		br_gcm_init(&gc, &rec->aes.vtable, rec->ghash);
		br_gcm_reset(&gc, nonce, MOOR_TLS13_IV_LEN);
		br_gcm_aad_inject(&gc, hdr, 5);
		br_gcm_flip(&gc);
		br_gcm_run(&gc, encrypt, data, len);
		if (encrypt)
			br_gcm_get_tag(&gc, tag);
		else
			ok = (int)br_gcm_check_tag(&gc, tag);
		wipe(&gc, sizeof gc);
	}
	wipe(calc, sizeof calc);
	return ok;
}

int moor_tls13_rec_seal(moor_tls13_rec *rec, uint8_t *buf, size_t cap,
	size_t content_len, uint8_t content_type, size_t pad_len)
{
	uint8_t *inner;
	size_t inner_len, total;

	if (rec == NULL || buf == NULL || content_type == 0
	    || moor_tls13_suite_key_len(rec->suite) == 0)
		return MOOR_ERR_INVALID_ARG;
	if (content_len > rec->max_inner || pad_len > rec->max_inner
	    || content_len + 1 + pad_len > rec->max_inner)
		return MOOR_ERR_TLS_RECORD_TOO_LARGE;
	inner_len = content_len + 1 + pad_len;
	total = MOOR_TLS13_HEADER_LEN + inner_len + MOOR_TLS13_TAG_LEN;
	if (cap < total)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	if (rec->seq == UINT64_MAX)
		return MOOR_ERR_STATE;

	inner = buf + MOOR_TLS13_HEADER_LEN;
	inner[content_len] = content_type;
	memset(inner + content_len + 1, 0, pad_len);
	buf[0] = MOOR_TLS13_CT_APPLICATION_DATA;
	buf[1] = 3;
	buf[2] = 3;
	buf[3] = (uint8_t)((inner_len + MOOR_TLS13_TAG_LEN) >> 8);
	buf[4] = (uint8_t)(inner_len + MOOR_TLS13_TAG_LEN);
	(void)aead_run(rec, 1, buf, inner, inner_len, inner + inner_len);
	rec->seq++;
	return (int)total;
}

int moor_tls13_rec_open(moor_tls13_rec *rec, uint8_t *buf, size_t len,
	uint8_t *content_type)
{
	uint8_t *inner;
	size_t rlen, inner_len, i, pos;
	uint32_t type;

	if (rec == NULL || buf == NULL || content_type == NULL
	    || moor_tls13_suite_key_len(rec->suite) == 0)
		return MOOR_ERR_INVALID_ARG;
	if (len < MOOR_TLS13_HEADER_LEN || buf[0] != MOOR_TLS13_CT_APPLICATION_DATA)
		return MOOR_ERR_TLS_PROTOCOL;
	rlen = ((size_t)buf[3] << 8) | buf[4];
	if (rlen != len - MOOR_TLS13_HEADER_LEN)
		return MOOR_ERR_TLS_PROTOCOL;
	if (rlen > MOOR_TLS13_MAX_CIPHERTEXT)
		return MOOR_ERR_TLS_RECORD_TOO_LARGE;
	if (rlen < MOOR_TLS13_TAG_LEN)
		return MOOR_ERR_TLS_BAD_MAC;
	inner_len = rlen - MOOR_TLS13_TAG_LEN;
	if (inner_len > rec->max_inner)
		return MOOR_ERR_TLS_RECORD_TOO_LARGE;
	if (rec->seq == UINT64_MAX)
		return MOOR_ERR_STATE;

	inner = buf + MOOR_TLS13_HEADER_LEN;
	if (!aead_run(rec, 0, buf, inner, inner_len, inner + inner_len)) {
		/* never leave unauthenticated plaintext behind */
		wipe(inner, inner_len);
		return MOOR_ERR_TLS_BAD_MAC;
	}

	/*
	 * The content type is the last non-zero byte. Scan all of it with
	 * masks so the time does not depend on the padding length.
	 */
	pos = 0;
	type = 0;
	for (i = 0; i < inner_len; i++) {
		uint32_t b = inner[i];
		/* nz = all ones if b != 0, else 0 */
		uint32_t nz32 = (uint32_t)0 - ((b | ((uint32_t)0 - b)) >> 31);
		size_t nz = (size_t)0 - (size_t)(nz32 & 1u);

		pos = (pos & ~nz) | ((i + 1) & nz);
		type = (type & ~nz32) | (b & nz32);
	}
	if (pos == 0)
		return MOOR_ERR_TLS_PROTOCOL;
	*content_type = (uint8_t)type;
	rec->seq++;
	return (int)(pos - 1);
}

void moor_tls13_rec_wipe(moor_tls13_rec *rec)
{
	if (rec != NULL)
		wipe(rec, sizeof *rec);
}
