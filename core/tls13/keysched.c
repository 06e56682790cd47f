/*
 * TLS 1.3 key schedule (RFC 8446 7.1-7.3) and transcript hash (4.4.1) on
 * BearSSL's SHA-2 and HMAC.
 *
 * HKDF is written here on br_hmac rather than taken from bearssl_kdf.h:
 * br_hkdf always runs Extract and Expand back to back inside one context
 * (init/inject/flip/produce), while TLS 1.3 needs Expand from a PRK that
 * was itself produced by Expand (Derive-Secret chains). The HkdfLabel
 * info is fed to HMAC piece by piece, so no label buffer is needed.
 */
#include <string.h>

#include "moor/status.h"
#include "moor/tls13.h"

#define LABEL_PREFIX "tls13 "
#define LABEL_PREFIX_LEN 6
#define LABEL_MAX (255 - LABEL_PREFIX_LEN)

static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = (volatile uint8_t *)p;
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = 0;
}

static size_t hash_len_of(const br_hash_class *hash)
{
	if (hash == &br_sha256_vtable)
		return br_sha256_SIZE;
#if MOOR_CONFIG_SHA384
	if (hash == &br_sha384_vtable)
		return br_sha384_SIZE;
#endif
	return 0;
}

const br_hash_class *moor_tls13_suite_hash(unsigned suite)
{
	switch (suite) {
	case MOOR_TLS13_AES_128_GCM_SHA256:
	case MOOR_TLS13_CHACHA20_POLY1305_SHA256:
		return &br_sha256_vtable;
#if MOOR_CONFIG_TLS_AES256
	case MOOR_TLS13_AES_256_GCM_SHA384:
		return &br_sha384_vtable;
#endif
	default:
		return NULL;
	}
}

size_t moor_tls13_suite_key_len(unsigned suite)
{
	switch (suite) {
	case MOOR_TLS13_AES_128_GCM_SHA256:
		return 16;
	case MOOR_TLS13_AES_256_GCM_SHA384:
	case MOOR_TLS13_CHACHA20_POLY1305_SHA256:
		return 32;
	default:
		return 0;
	}
}

/* HMAC(key, data) into out (hash length). */
static void hmac1(const br_hash_class *hash, const uint8_t *key, size_t key_len,
	const uint8_t *data, size_t data_len, uint8_t *out)
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, hash, key, key_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, data, data_len);
	br_hmac_out(&hc, out);
	wipe(&kc, sizeof kc);
	wipe(&hc, sizeof hc);
}

int moor_tls13_hkdf_extract(const br_hash_class *hash,
	const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len, uint8_t *prk)
{
	static const uint8_t none = 0;
	size_t hl = hash_len_of(hash);

	if (hl == 0 || prk == NULL || (salt == NULL && salt_len != 0)
	    || (ikm == NULL && ikm_len != 0))
		return MOOR_ERR_INVALID_ARG;
	/* BearSSL copies the key with memcpy: never hand it NULL. */
	hmac1(hash, salt != NULL ? salt : &none, salt_len,
		ikm != NULL ? ikm : &none, ikm_len, prk);
	return (int)hl;
}

int moor_tls13_expand_label(const br_hash_class *hash, const uint8_t *secret,
	const char *label, const uint8_t *ctx, size_t ctx_len,
	uint8_t *out, size_t out_len)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	uint8_t t[MOOR_TLS13_HASH_MAX];
	uint8_t hdr[3];
	size_t hl = hash_len_of(hash);
	size_t label_len, done, n;
	uint8_t clen, counter;

	if (hl == 0 || secret == NULL || label == NULL || out == NULL
	    || (ctx == NULL && ctx_len != 0) || ctx_len > 255
	    || out_len == 0 || out_len > 255 * hl)
		return MOOR_ERR_INVALID_ARG;
	label_len = 0;
	while (label_len <= LABEL_MAX && label[label_len] != 0)
		label_len++;
	if (label_len > LABEL_MAX)
		return MOOR_ERR_INVALID_ARG;

	hdr[0] = (uint8_t)(out_len >> 8);
	hdr[1] = (uint8_t)out_len;
	hdr[2] = (uint8_t)(LABEL_PREFIX_LEN + label_len);
	clen = (uint8_t)ctx_len;

	br_hmac_key_init(&kc, hash, secret, hl);
	done = 0;
	counter = 1;
	while (done < out_len) {
		/* T(i) = HMAC(PRK, T(i-1) || info || i) */
		br_hmac_init(&hc, &kc, 0);
		if (counter > 1)
			br_hmac_update(&hc, t, hl);
		br_hmac_update(&hc, hdr, sizeof hdr);
		br_hmac_update(&hc, LABEL_PREFIX, LABEL_PREFIX_LEN);
		br_hmac_update(&hc, label, label_len);
		br_hmac_update(&hc, &clen, 1);
		if (ctx_len != 0)
			br_hmac_update(&hc, ctx, ctx_len);
		br_hmac_update(&hc, &counter, 1);
		br_hmac_out(&hc, t);
		n = out_len - done;
		if (n > hl)
			n = hl;
		memcpy(out + done, t, n);
		done += n;
		counter++;
	}
	wipe(t, sizeof t);
	wipe(&kc, sizeof kc);
	wipe(&hc, sizeof hc);
	return MOOR_OK;
}

/* Hash of the empty string: constants, so Derive-Secret(.., "") needs no
 * hash context on the stack. */
static const uint8_t sha256_empty[32] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};
#if MOOR_CONFIG_SHA384
static const uint8_t sha384_empty[48] = {
	0x38, 0xb0, 0x60, 0xa7, 0x51, 0xac, 0x96, 0x38,
	0x4c, 0xd9, 0x32, 0x7e, 0xb1, 0xb1, 0xe3, 0x6a,
	0x21, 0xfd, 0xb7, 0x11, 0x14, 0xbe, 0x07, 0x43,
	0x4c, 0x0c, 0xc7, 0xbf, 0x63, 0xf6, 0xe1, 0xda,
	0x27, 0x4e, 0xde, 0xbf, 0xe7, 0x6f, 0x65, 0xfb,
	0xd5, 0x1a, 0xd2, 0xf1, 0x48, 0x98, 0xb9, 0x5b,
};
#endif

int moor_tls13_derive_secret(const br_hash_class *hash, const uint8_t *secret,
	const char *label, const uint8_t *th, uint8_t *out)
{
	size_t hl = hash_len_of(hash);

	if (hl == 0)
		return MOOR_ERR_INVALID_ARG;
	if (th == NULL) {
#if MOOR_CONFIG_SHA384
		th = hl == br_sha256_SIZE ? sha256_empty : sha384_empty;
#else
		th = sha256_empty;
#endif
	}
	return moor_tls13_expand_label(hash, secret, label, th, hl, out, hl);
}

int moor_tls13_finished(const br_hash_class *hash, const uint8_t *base_key,
	const uint8_t *th, uint8_t *out)
{
	uint8_t fk[MOOR_TLS13_HASH_MAX];
	size_t hl = hash_len_of(hash);
	int st;

	if (hl == 0 || th == NULL || out == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = moor_tls13_expand_label(hash, base_key, "finished", NULL, 0, fk, hl);
	if (st == MOOR_OK)
		hmac1(hash, fk, hl, th, hl, out);
	wipe(fk, sizeof fk);
	return st;
}

int moor_tls13_finished_check(const br_hash_class *hash, const uint8_t *base_key,
	const uint8_t *th, const uint8_t *got, size_t got_len)
{
	uint8_t want[MOOR_TLS13_HASH_MAX];
	size_t hl = hash_len_of(hash);
	size_t i;
	unsigned diff = 0;
	int st;

	if (got == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = moor_tls13_finished(hash, base_key, th, want);
	if (st == MOOR_OK) {
		if (got_len != hl) {
			st = MOOR_ERR_TLS_BAD_FINISHED;
		} else {
			for (i = 0; i < hl; i++)
				diff |= (unsigned)(want[i] ^ got[i]);
			if (diff != 0)
				st = MOOR_ERR_TLS_BAD_FINISHED;
		}
	}
	wipe(want, sizeof want);
	return st;
}

int moor_tls13_traffic_keys(unsigned suite, const uint8_t *secret,
	uint8_t *key, uint8_t iv[MOOR_TLS13_IV_LEN])
{
	const br_hash_class *hash = moor_tls13_suite_hash(suite);
	size_t kl = moor_tls13_suite_key_len(suite);
	int st;

	if (hash == NULL || key == NULL || iv == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = moor_tls13_expand_label(hash, secret, "key", NULL, 0, key, kl);
	if (st == MOOR_OK)
		st = moor_tls13_expand_label(hash, secret, "iv", NULL, 0, iv,
			MOOR_TLS13_IV_LEN);
	return st;
}

int moor_tls13_resumption_psk(const br_hash_class *hash,
	const uint8_t *res_master, const uint8_t *nonce, size_t nonce_len,
	uint8_t *psk)
{
	size_t hl = hash_len_of(hash);

	if (hl == 0)
		return MOOR_ERR_INVALID_ARG;
	return moor_tls13_expand_label(hash, res_master, "resumption",
		nonce, nonce_len, psk, hl);
}

/* ---------------------------------------------------------------------- */

int moor_tls13_ks_init(moor_tls13_ks *ks, unsigned suite)
{
	const br_hash_class *hash = moor_tls13_suite_hash(suite);

	if (ks == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(ks, 0, sizeof *ks);
	if (hash == NULL)
		return MOOR_ERR_UNSUPPORTED;
	ks->hash = hash;
	ks->hash_len = hash_len_of(hash);
	ks->suite = suite;
	ks->stage = MOOR_TLS13_KS_INIT;
	return MOOR_OK;
}

/* A valid context in one of the stages lo..hi. */
static int ks_check(const moor_tls13_ks *ks, unsigned lo, unsigned hi)
{
	if (ks == NULL || hash_len_of(ks->hash) == 0
	    || ks->hash_len != hash_len_of(ks->hash))
		return MOOR_ERR_INVALID_ARG;
	if (ks->stage < lo || ks->stage > hi)
		return MOOR_ERR_STATE;
	return MOOR_OK;
}

int moor_tls13_ks_early(moor_tls13_ks *ks, const uint8_t *psk, size_t psk_len)
{
	uint8_t zeros[MOOR_TLS13_HASH_MAX];
	int st = ks_check(ks, MOOR_TLS13_KS_INIT, MOOR_TLS13_KS_INIT);

	if (st != MOOR_OK)
		return st;
	if ((psk == NULL && psk_len != 0)
	    || (psk != NULL && (psk_len == 0 || psk_len > MOOR_TLS13_HASH_MAX)))
		return MOOR_ERR_INVALID_ARG;
	memset(zeros, 0, sizeof zeros);
	if (psk == NULL) {
		psk = zeros;
		psk_len = ks->hash_len;
	}
	/* salt = Hash.length zeros */
	hmac1(ks->hash, zeros, ks->hash_len, psk, psk_len, ks->secret);
	ks->stage = MOOR_TLS13_KS_EARLY;
	return MOOR_OK;
}

int moor_tls13_ks_binder_key(const moor_tls13_ks *ks, int external, uint8_t *out)
{
	int st = ks_check(ks, MOOR_TLS13_KS_EARLY, MOOR_TLS13_KS_EARLY);

	if (st != MOOR_OK)
		return st;
	return moor_tls13_derive_secret(ks->hash, ks->secret,
		external ? "ext binder" : "res binder", NULL, out);
}

int moor_tls13_ks_early_traffic(const moor_tls13_ks *ks, const uint8_t *th_ch,
	uint8_t *out)
{
	int st = ks_check(ks, MOOR_TLS13_KS_EARLY, MOOR_TLS13_KS_EARLY);

	if (st != MOOR_OK)
		return st;
	if (th_ch == NULL)
		return MOOR_ERR_INVALID_ARG;
	return moor_tls13_derive_secret(ks->hash, ks->secret, "c e traffic",
		th_ch, out);
}

/* secret = HKDF-Extract(Derive-Secret(secret, "derived", ""), ikm) */
static int ks_next(moor_tls13_ks *ks, const uint8_t *ikm, size_t ikm_len)
{
	uint8_t salt[MOOR_TLS13_HASH_MAX];
	uint8_t zeros[MOOR_TLS13_HASH_MAX];
	int st;

	memset(zeros, 0, sizeof zeros);
	if (ikm == NULL) {
		ikm = zeros;
		ikm_len = ks->hash_len;
	}
	st = moor_tls13_derive_secret(ks->hash, ks->secret, "derived", NULL, salt);
	if (st == MOOR_OK)
		hmac1(ks->hash, salt, ks->hash_len, ikm, ikm_len, ks->secret);
	wipe(salt, sizeof salt);
	return st;
}

int moor_tls13_ks_handshake(moor_tls13_ks *ks, const uint8_t *dhe,
	size_t dhe_len, const uint8_t *th_ch_sh)
{
	int st = ks_check(ks, MOOR_TLS13_KS_EARLY, MOOR_TLS13_KS_EARLY);

	if (st != MOOR_OK)
		return st;
	if (th_ch_sh == NULL || (dhe == NULL && dhe_len != 0)
	    || (dhe != NULL && (dhe_len == 0 || dhe_len > 256)))
		return MOOR_ERR_INVALID_ARG;
	st = ks_next(ks, dhe, dhe_len);
	if (st == MOOR_OK)
		st = moor_tls13_derive_secret(ks->hash, ks->secret,
			"c hs traffic", th_ch_sh, ks->c_hs);
	if (st == MOOR_OK)
		st = moor_tls13_derive_secret(ks->hash, ks->secret,
			"s hs traffic", th_ch_sh, ks->s_hs);
	if (st == MOOR_OK)
		ks->stage = MOOR_TLS13_KS_HANDSHAKE;
	return st;
}

int moor_tls13_ks_master(moor_tls13_ks *ks, const uint8_t *th_ch_sf)
{
	int st = ks_check(ks, MOOR_TLS13_KS_HANDSHAKE, MOOR_TLS13_KS_HANDSHAKE);

	if (st != MOOR_OK)
		return st;
	if (th_ch_sf == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = ks_next(ks, NULL, 0);
	if (st == MOOR_OK)
		st = moor_tls13_derive_secret(ks->hash, ks->secret,
			"c ap traffic", th_ch_sf, ks->c_ap);
	if (st == MOOR_OK)
		st = moor_tls13_derive_secret(ks->hash, ks->secret,
			"s ap traffic", th_ch_sf, ks->s_ap);
	if (st == MOOR_OK)
		ks->stage = MOOR_TLS13_KS_MASTER;
	return st;
}

int moor_tls13_ks_exporter(const moor_tls13_ks *ks, const uint8_t *th_ch_sf,
	uint8_t *out)
{
	int st = ks_check(ks, MOOR_TLS13_KS_MASTER, MOOR_TLS13_KS_RESUMPTION);

	if (st != MOOR_OK)
		return st;
	if (th_ch_sf == NULL)
		return MOOR_ERR_INVALID_ARG;
	return moor_tls13_derive_secret(ks->hash, ks->secret, "exp master",
		th_ch_sf, out);
}

int moor_tls13_ks_resumption(moor_tls13_ks *ks, const uint8_t *th_ch_cf)
{
	int st = ks_check(ks, MOOR_TLS13_KS_MASTER, MOOR_TLS13_KS_MASTER);

	if (st != MOOR_OK)
		return st;
	if (th_ch_cf == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = moor_tls13_derive_secret(ks->hash, ks->secret, "res master",
		th_ch_cf, ks->res_master);
	if (st == MOOR_OK) {
		wipe(ks->c_hs, sizeof ks->c_hs);
		wipe(ks->s_hs, sizeof ks->s_hs);
		ks->stage = MOOR_TLS13_KS_RESUMPTION;
	}
	return st;
}

int moor_tls13_ks_update(moor_tls13_ks *ks, int server)
{
	uint8_t next[MOOR_TLS13_HASH_MAX];
	uint8_t *cur;
	int st = ks_check(ks, MOOR_TLS13_KS_MASTER, MOOR_TLS13_KS_RESUMPTION);

	if (st != MOOR_OK)
		return st;
	cur = server ? ks->s_ap : ks->c_ap;
	st = moor_tls13_expand_label(ks->hash, cur, "traffic upd", NULL, 0,
		next, ks->hash_len);
	if (st == MOOR_OK)
		memcpy(cur, next, ks->hash_len);
	wipe(next, sizeof next);
	return st;
}

void moor_tls13_ks_wipe(moor_tls13_ks *ks)
{
	if (ks != NULL)
		wipe(ks, sizeof *ks);
}

/* ---------------------------------------------------------------------- */

#define TR_256 1u
#define TR_384 2u

void moor_tls13_transcript_init(moor_tls13_transcript *tr)
{
	if (tr == NULL)
		return;
	br_sha256_init(&tr->sha256);
#if MOOR_CONFIG_SHA384
	br_sha384_init(&tr->sha384);
	tr->active = TR_256 | TR_384;
#else
	tr->active = TR_256;
#endif
}

void moor_tls13_transcript_update(moor_tls13_transcript *tr,
	const void *data, size_t len)
{
	if (tr == NULL || data == NULL || len == 0)
		return;
	if (tr->active & TR_256)
		br_sha256_update(&tr->sha256, data, len);
#if MOOR_CONFIG_SHA384
	if (tr->active & TR_384)
		br_sha384_update(&tr->sha384, data, len);
#endif
}

int moor_tls13_transcript_select(moor_tls13_transcript *tr, unsigned suite)
{
	const br_hash_class *hash = moor_tls13_suite_hash(suite);
	unsigned keep;

	if (tr == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (hash == NULL)
		return MOOR_ERR_UNSUPPORTED;
	keep = hash == &br_sha256_vtable ? TR_256 : TR_384;
	if ((tr->active & keep) == 0)
		return MOOR_ERR_STATE;
#if MOOR_CONFIG_SHA384
	if (keep == TR_256)
		wipe(&tr->sha384, sizeof tr->sha384);
	else
		wipe(&tr->sha256, sizeof tr->sha256);
#endif
	tr->active = keep;
	return MOOR_OK;
}

int moor_tls13_transcript_hrr(moor_tls13_transcript *tr)
{
	uint8_t mh[4 + MOOR_TLS13_HASH_MAX];

	if (tr == NULL)
		return MOOR_ERR_INVALID_ARG;
	mh[0] = 254;
	mh[1] = 0;
	mh[2] = 0;
	if (tr->active == TR_256) {
		br_sha256_out(&tr->sha256, mh + 4);
		mh[3] = br_sha256_SIZE;
		br_sha256_init(&tr->sha256);
		br_sha256_update(&tr->sha256, mh, 4 + br_sha256_SIZE);
#if MOOR_CONFIG_SHA384
	} else if (tr->active == TR_384) {
		br_sha384_out(&tr->sha384, mh + 4);
		mh[3] = br_sha384_SIZE;
		br_sha384_init(&tr->sha384);
		br_sha384_update(&tr->sha384, mh, 4 + br_sha384_SIZE);
#endif
	} else {
		return MOOR_ERR_STATE;
	}
	return MOOR_OK;
}

int moor_tls13_transcript_hash(const moor_tls13_transcript *tr,
	const br_hash_class *hash, uint8_t *out)
{
	if (tr == NULL || out == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (hash == &br_sha256_vtable) {
		if ((tr->active & TR_256) == 0)
			return MOOR_ERR_STATE;
		br_sha256_out(&tr->sha256, out);
		return br_sha256_SIZE;
	}
#if MOOR_CONFIG_SHA384
	if (hash == &br_sha384_vtable) {
		if ((tr->active & TR_384) == 0)
			return MOOR_ERR_STATE;
		br_sha384_out(&tr->sha384, out);
		return br_sha384_SIZE;
	}
#endif
	return MOOR_ERR_INVALID_ARG;
}

void moor_tls13_transcript_wipe(moor_tls13_transcript *tr)
{
	if (tr != NULL)
		wipe(tr, sizeof *tr);
}
