/*
 * moor: TLS 1.3 key schedule, transcript hash and record protection.
 *
 * These are the two bottom layers of moor's TLS 1.3 client engine, built
 * on BearSSL's hash, HMAC and AEAD primitives. They do no I/O, allocate
 * nothing and keep no global state: every context is owned by the caller,
 * holds no pointer into itself (so it may be copied with memcpy) and can
 * be wiped with its *_wipe() function.
 *
 * Cipher suites (RFC 8446 B.4):
 *   MOOR_TLS13_AES_128_GCM_SHA256        0x1301  key 16, hash SHA-256
 *   MOOR_TLS13_AES_256_GCM_SHA384        0x1302  key 32, hash SHA-384
 *   MOOR_TLS13_CHACHA20_POLY1305_SHA256  0x1303  key 32, hash SHA-256
 *
 * Key schedule (RFC 8446 7.1), as the engine drives it for one handshake:
 *
 *   moor_tls13_ks ks;
 *   moor_tls13_ks_init(&ks, suite);
 *   moor_tls13_ks_early(&ks, psk, psk_len);          // NULL, 0 without PSK
 *   moor_tls13_ks_handshake(&ks, ecdhe, ecdhe_len, th_ch_sh);
 *   moor_tls13_rec_init(&rx, suite, ks.s_hs, ks.hash_len);  // read server flight
 *   moor_tls13_finished(ks.hash, ks.s_hs, th_ch_cv, expect); // check server Finished
 *   moor_tls13_ks_master(&ks, th_ch_sf);
 *   moor_tls13_finished(ks.hash, ks.c_hs, th_ch_sf, fin);    // send client Finished
 *   moor_tls13_ks_resumption(&ks, th_ch_cf);
 *   moor_tls13_rec_init(&tx, suite, ks.c_ap, ks.hash_len);  // application data
 *   ...
 *   moor_tls13_ks_wipe(&ks);
 *
 * Transcript hash and the unknown suite: the hash function of the
 * transcript is fixed by the cipher suite the ServerHello selects, but the
 * ClientHello must be hashed before that. The transcript context below
 * therefore runs SHA-256 and SHA-384 side by side from init until
 * moor_tls13_transcript_select() (called once the ServerHello is parsed),
 * which drops the one not needed. Running both costs one extra hash of the
 * ClientHello (and of the HelloRetryRequest, if any) and keeps no message
 * bytes around, which is cheaper in RAM than buffering the ClientHello.
 * After a HelloRetryRequest the engine calls select() (the HRR fixes the
 * suite) and then moor_tls13_transcript_hrr() *before* adding the HRR
 * itself: that replaces ClientHello1 by the synthetic message_hash
 * message of RFC 8446 4.4.1.
 *
 * Record protection (RFC 8446 5.2, 5.3): one moor_tls13_rec per direction
 * and per traffic secret, with the key, the static IV, the 64-bit sequence
 * number and the plaintext limit. Records are sealed and opened in place.
 */
#ifndef MOOR_TLS13_H
#define MOOR_TLS13_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "moor/config_defaults.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Cipher suite code points. */
#define MOOR_TLS13_AES_128_GCM_SHA256       0x1301
#define MOOR_TLS13_AES_256_GCM_SHA384       0x1302
#define MOOR_TLS13_CHACHA20_POLY1305_SHA256 0x1303

/* Largest hash output (SHA-384; SHA-256 without MOOR_CONFIG_SHA384): the
 * size of every secret below. */
#if MOOR_CONFIG_SHA384
#define MOOR_TLS13_HASH_MAX 48
#else
#define MOOR_TLS13_HASH_MAX 32
#endif
/* Largest AEAD key (AES-256, ChaCha20). */
#define MOOR_TLS13_KEY_MAX  32
/* Per-record nonce / static IV length (all three suites). */
#define MOOR_TLS13_IV_LEN   12
/* AEAD tag length (all three suites). */
#define MOOR_TLS13_TAG_LEN  16
/* Record header length (type, legacy version, length). */
#define MOOR_TLS13_HEADER_LEN 5

/* Record content types (RFC 8446 5.1). */
#define MOOR_TLS13_CT_CHANGE_CIPHER_SPEC 20
#define MOOR_TLS13_CT_ALERT              21
#define MOOR_TLS13_CT_HANDSHAKE          22
#define MOOR_TLS13_CT_APPLICATION_DATA   23

/* Largest TLSInnerPlaintext (content + type byte + padding): 2^14 + 1. */
#define MOOR_TLS13_MAX_INNER   (16384 + 1)
/* Largest TLSCiphertext.length accepted: 2^14 + 256 (RFC 8446 5.2). */
#define MOOR_TLS13_MAX_CIPHERTEXT (16384 + 256)
/*
 * Buffer for one whole protected record of at most `inner` bytes of
 * TLSInnerPlaintext: header (5) + inner + tag (16). With the default limit
 * MOOR_TLS13_RECORD_BUFSIZE(MOOR_TLS13_MAX_INNER) = 16406.
 */
#define MOOR_TLS13_RECORD_BUFSIZE(inner) \
	(MOOR_TLS13_HEADER_LEN + (inner) + MOOR_TLS13_TAG_LEN)

/*
 * Hash function of a suite: &br_sha256_vtable or &br_sha384_vtable, or
 * NULL for a suite moor does not support.
 */
const br_hash_class *moor_tls13_suite_hash(unsigned suite);

/* AEAD key length of a suite (16 or 32), or 0 if unsupported. */
size_t moor_tls13_suite_key_len(unsigned suite);

/* ---------------------------------------------------------------------- */
/* HKDF (RFC 5869) and the TLS 1.3 wrappers (RFC 8446 7.1)                 */
/* ---------------------------------------------------------------------- */

/*
 * HKDF-Extract: prk = HMAC-Hash(salt, ikm). `prk` receives the hash's
 * output length (32 or 48 bytes). salt may be NULL if salt_len is 0 (an
 * empty salt, which HMAC pads to zeros, the same as a zero-filled salt of
 * hash length). `hash` is &br_sha256_vtable or &br_sha384_vtable.
 * Returns the output length, or MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_hkdf_extract(const br_hash_class *hash,
	const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len, uint8_t *prk);

/*
 * HKDF-Expand-Label(secret, label, context, out_len): HKDF-Expand with
 * info = HkdfLabel { uint16 out_len; opaque "tls13 " + label <7..255>;
 * opaque context <0..255> }. `secret` is the hash's length. The label is
 * given without its "tls13 " prefix, as a NUL-terminated string of at most
 * 249 bytes; ctx may be NULL when ctx_len is 0, ctx_len <= 255;
 * 1 <= out_len <= 255 * hash length. `out` must not overlap `secret`.
 * Returns MOOR_OK or MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_expand_label(const br_hash_class *hash, const uint8_t *secret,
	const char *label, const uint8_t *ctx, size_t ctx_len,
	uint8_t *out, size_t out_len);

/*
 * Derive-Secret(secret, label, transcript_hash): Expand-Label with the
 * transcript hash as context and the hash length as output length. Pass
 * th = NULL for the hash of the empty string (the "derived" and binder
 * steps). Returns MOOR_OK or MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_derive_secret(const br_hash_class *hash, const uint8_t *secret,
	const char *label, const uint8_t *th, uint8_t *out);

/*
 * Finished verify_data (RFC 8446 4.4.4) and PSK binder (4.2.11.2):
 * out = HMAC(Expand-Label(base_key, "finished", "", Hash.length), th).
 * base_key is a handshake traffic secret for Finished, a binder key for
 * binders; th is the transcript hash (for a binder: of the truncated
 * ClientHello). Writes Hash.length bytes. Returns MOOR_OK or
 * MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_finished(const br_hash_class *hash, const uint8_t *base_key,
	const uint8_t *th, uint8_t *out);

/*
 * Check a received Finished: recompute as moor_tls13_finished() and
 * compare in constant time. Returns MOOR_OK, MOOR_ERR_TLS_BAD_FINISHED
 * (wrong value or wrong length) or MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_finished_check(const br_hash_class *hash, const uint8_t *base_key,
	const uint8_t *th, const uint8_t *got, size_t got_len);

/*
 * Traffic key and IV of a traffic secret (RFC 8446 7.3): key =
 * Expand-Label(secret, "key", "", key_len), iv = Expand-Label(secret,
 * "iv", "", 12). key receives moor_tls13_suite_key_len(suite) bytes.
 * Returns MOOR_OK or MOOR_ERR_INVALID_ARG (unknown suite, NULL).
 */
int moor_tls13_traffic_keys(unsigned suite, const uint8_t *secret,
	uint8_t *key, uint8_t iv[MOOR_TLS13_IV_LEN]);

/*
 * Resumption PSK of a NewSessionTicket (RFC 8446 4.6.1):
 * Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
 * Hash.length). nonce_len <= 255. Returns MOOR_OK or MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_resumption_psk(const br_hash_class *hash,
	const uint8_t *res_master, const uint8_t *nonce, size_t nonce_len,
	uint8_t *psk);

/* ---------------------------------------------------------------------- */
/* Key schedule context                                                    */
/* ---------------------------------------------------------------------- */

/*
 * The secrets of one connection. Each field holds `hash_len` valid bytes
 * (the rest is zero). Fields are filled stage by stage and may be read
 * directly by the engine; `stage` says how far the schedule went.
 */
typedef struct moor_tls13_ks {
	const br_hash_class *hash;   /* SHA-256 or SHA-384 vtable */
	size_t hash_len;             /* 32 or 48 */
	unsigned suite;              /* the suite given to init */
	unsigned stage;              /* MOOR_TLS13_KS_* */
	uint8_t secret[MOOR_TLS13_HASH_MAX];  /* early, then handshake, then master secret */
	uint8_t c_hs[MOOR_TLS13_HASH_MAX];    /* client_handshake_traffic_secret */
	uint8_t s_hs[MOOR_TLS13_HASH_MAX];    /* server_handshake_traffic_secret */
	uint8_t c_ap[MOOR_TLS13_HASH_MAX];    /* client_application_traffic_secret_N */
	uint8_t s_ap[MOOR_TLS13_HASH_MAX];    /* server_application_traffic_secret_N */
	uint8_t res_master[MOOR_TLS13_HASH_MAX]; /* resumption_master_secret */
} moor_tls13_ks;

#define MOOR_TLS13_KS_INIT      0 /* suite known, nothing derived */
#define MOOR_TLS13_KS_EARLY     1 /* secret = early secret */
#define MOOR_TLS13_KS_HANDSHAKE 2 /* secret = handshake secret; c_hs, s_hs set */
#define MOOR_TLS13_KS_MASTER    3 /* secret = master secret; c_ap, s_ap set */
#define MOOR_TLS13_KS_RESUMPTION 4 /* res_master set too */

/*
 * Start a schedule for `suite`. Returns MOOR_OK, MOOR_ERR_INVALID_ARG
 * (NULL) or MOOR_ERR_UNSUPPORTED (unknown suite; ks is then zeroed).
 */
int moor_tls13_ks_init(moor_tls13_ks *ks, unsigned suite);

/*
 * Early secret = HKDF-Extract(0, PSK), with PSK = Hash.length zeros when
 * psk is NULL (no PSK). psk_len must then be 0; with a PSK,
 * 1 <= psk_len <= MOOR_TLS13_HASH_MAX. Valid in stage INIT. Returns
 * MOOR_OK, MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_early(moor_tls13_ks *ks, const uint8_t *psk, size_t psk_len);

/*
 * Binder key = Derive-Secret(early secret, "res binder" (external = 0) or
 * "ext binder" (external = 1), ""). Writes hash_len bytes. Valid in stage
 * EARLY. Feed the result to moor_tls13_finished() with the hash of the
 * truncated ClientHello to get the binder. Returns MOOR_OK,
 * MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_binder_key(const moor_tls13_ks *ks, int external, uint8_t *out);

/*
 * client_early_traffic_secret = Derive-Secret(early, "c e traffic",
 * Hash(ClientHello)), for 0-RTT data. Valid in stage EARLY. Returns
 * MOOR_OK, MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_early_traffic(const moor_tls13_ks *ks, const uint8_t *th_ch,
	uint8_t *out);

/*
 * Handshake secret = HKDF-Extract(Derive-Secret(early, "derived", ""),
 * (EC)DHE) and the two handshake traffic secrets ("c hs traffic",
 * "s hs traffic") over th_ch_sh = Hash(ClientHello..ServerHello). Without
 * (EC)DHE (psk_ke mode) pass dhe = NULL, dhe_len = 0: Hash.length zeros
 * are used. dhe_len <= 256 (any group's shared secret). Valid in stage
 * EARLY; the early secret is overwritten. Returns MOOR_OK,
 * MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_handshake(moor_tls13_ks *ks, const uint8_t *dhe,
	size_t dhe_len, const uint8_t *th_ch_sh);

/*
 * Master secret = HKDF-Extract(Derive-Secret(handshake, "derived", ""), 0)
 * and the application traffic secrets ("c ap traffic", "s ap traffic")
 * over th_ch_sf = Hash(ClientHello..server Finished). Valid in stage
 * HANDSHAKE; c_hs and s_hs stay (the client Finished still needs c_hs).
 * Returns MOOR_OK, MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_master(moor_tls13_ks *ks, const uint8_t *th_ch_sf);

/*
 * exporter_master_secret = Derive-Secret(master, "exp master", th_ch_sf).
 * Valid in stage MASTER or RESUMPTION. Returns MOOR_OK,
 * MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_exporter(const moor_tls13_ks *ks, const uint8_t *th_ch_sf,
	uint8_t *out);

/*
 * resumption_master_secret = Derive-Secret(master, "res master",
 * th_ch_cf) with th_ch_cf = Hash(ClientHello..client Finished). Also wipes
 * c_hs and s_hs, which are no longer needed. Valid in stage MASTER.
 * Returns MOOR_OK, MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_resumption(moor_tls13_ks *ks, const uint8_t *th_ch_cf);

/*
 * KeyUpdate (RFC 8446 7.2): replace the client (server = 0) or server
 * (server = 1) application traffic secret N by N+1 =
 * Expand-Label(N, "traffic upd", "", Hash.length). The engine then
 * re-initializes that direction's moor_tls13_rec from the new secret.
 * Valid in stage MASTER or RESUMPTION. Returns MOOR_OK,
 * MOOR_ERR_INVALID_ARG or MOOR_ERR_STATE.
 */
int moor_tls13_ks_update(moor_tls13_ks *ks, int server);

/* Zero every secret in ks (volatile writes, not optimized away). */
void moor_tls13_ks_wipe(moor_tls13_ks *ks);

/* ---------------------------------------------------------------------- */
/* Transcript hash                                                         */
/* ---------------------------------------------------------------------- */

/*
 * Running hash of the handshake messages (RFC 8446 4.4.1). Until
 * select(), both SHA-256 and SHA-384 run (see the top of this file).
 */
typedef struct moor_tls13_transcript {
	br_sha256_context sha256;
#if MOOR_CONFIG_SHA384
	br_sha384_context sha384;
#endif
	unsigned active;  /* bit 0: SHA-256 runs, bit 1: SHA-384 runs */
} moor_tls13_transcript;

/* Start an empty transcript with both hashes running. */
void moor_tls13_transcript_init(moor_tls13_transcript *tr);

/* Add handshake message bytes (any split; len 0 is fine). */
void moor_tls13_transcript_update(moor_tls13_transcript *tr,
	const void *data, size_t len);

/*
 * Keep only the hash of `suite`. Returns MOOR_OK, MOOR_ERR_UNSUPPORTED
 * (unknown suite) or MOOR_ERR_STATE (the other hash was already dropped).
 */
int moor_tls13_transcript_select(moor_tls13_transcript *tr, unsigned suite);

/*
 * HelloRetryRequest: replace the transcript so far (ClientHello1 only) by
 * message_hash = { 254, 0, 0, Hash.length, Hash(ClientHello1) }. Call
 * after select() and before adding the HRR. Returns MOOR_OK or
 * MOOR_ERR_STATE (no hash selected yet).
 */
int moor_tls13_transcript_hrr(moor_tls13_transcript *tr);

/*
 * Current transcript hash, without ending the transcript. `hash` chooses
 * which one (&br_sha256_vtable or &br_sha384_vtable); it must be running.
 * Writes 32 or 48 bytes and returns that length, or MOOR_ERR_STATE /
 * MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_transcript_hash(const moor_tls13_transcript *tr,
	const br_hash_class *hash, uint8_t *out);

/* Zero the transcript (it may reveal handshake contents). */
void moor_tls13_transcript_wipe(moor_tls13_transcript *tr);

/* ---------------------------------------------------------------------- */
/* Record protection                                                       */
/* ---------------------------------------------------------------------- */

/*
 * One direction's protection state. The AES implementation is chosen at
 * init: AES-NI + PCLMULQDQ when BearSSL was built with them and the CPU
 * has them, else the constant-time portable code (aes_ct with
 * ghash_ctmul32 on 32-bit targets, aes_ct64 with ghash_ctmul64 on 64-bit
 * ones). ChaCha20 uses SSE2 when available, else chacha20_ct; Poly1305
 * uses ctmulq on 64-bit targets that have it, else ctmul.
 *
 * The fields are public so the engine (and tests) can read the sequence
 * number; change them only through the functions below.
 */
typedef struct moor_tls13_rec {
	unsigned suite;
	size_t max_inner;    /* largest TLSInnerPlaintext: 2^14 + 1 or a record_size_limit */
	uint64_t seq;        /* next sequence number */
	uint8_t iv[MOOR_TLS13_IV_LEN];
	uint8_t chacha_key[MOOR_TLS13_KEY_MAX];
	br_aes_gen_ctr_keys aes;
	br_ghash ghash;
	br_chacha20_run chacha;
	br_poly1305_run poly;
} moor_tls13_rec;

/*
 * Initialize from a traffic secret (hash length of the suite's hash):
 * derives key and IV, sets seq = 0 and max_inner = MOOR_TLS13_MAX_INNER.
 * Returns MOOR_OK, MOOR_ERR_INVALID_ARG or MOOR_ERR_UNSUPPORTED (suite).
 */
int moor_tls13_rec_init(moor_tls13_rec *rec, unsigned suite,
	const uint8_t *secret, size_t secret_len);

/*
 * Initialize from an explicit key (moor_tls13_suite_key_len(suite) bytes)
 * and IV. Same results as moor_tls13_rec_init().
 */
int moor_tls13_rec_init_keys(moor_tls13_rec *rec, unsigned suite,
	const uint8_t *key, size_t key_len, const uint8_t iv[MOOR_TLS13_IV_LEN]);

/*
 * Set the largest TLSInnerPlaintext (content + type byte + padding) for
 * this direction: for the send side the peer's record_size_limit, for the
 * receive side our own (RFC 8449: the limit counts the type byte and the
 * padding). 64 <= max_inner <= MOOR_TLS13_MAX_INNER. Returns MOOR_OK or
 * MOOR_ERR_INVALID_ARG.
 */
int moor_tls13_rec_set_limit(moor_tls13_rec *rec, size_t max_inner);

/*
 * Seal one record in place. On entry buf[5 .. 5 + content_len) holds the
 * content; buf has room for cap bytes. Writes the header at buf[0..5),
 * appends the content type and pad_len zero bytes, encrypts, appends the
 * tag, and increments seq. The whole record is 5 + content_len + 1 +
 * pad_len + 16 bytes.
 *
 * Returns the record length, or:
 *   MOOR_ERR_INVALID_ARG           NULL buf, content_type 0
 *   MOOR_ERR_BUFFER_TOO_SMALL      cap smaller than the record
 *   MOOR_ERR_TLS_RECORD_TOO_LARGE  content_len + 1 + pad_len > max_inner
 *   MOOR_ERR_STATE                 the sequence number would wrap: rekey
 * The buffer is unchanged on error; seq does not move.
 */
int moor_tls13_rec_seal(moor_tls13_rec *rec, uint8_t *buf, size_t cap,
	size_t content_len, uint8_t content_type, size_t pad_len);

/*
 * Open one record in place. buf[0 .. len) is the whole record, header
 * included. On success the content is at buf[5 .. 5 + result), its real
 * content type in *content_type, and seq is incremented. The padding scan
 * runs in time that depends only on len.
 *
 * Returns the content length (>= 0), or:
 *   MOOR_ERR_INVALID_ARG           NULL pointers
 *   MOOR_ERR_TLS_PROTOCOL          header type is not application_data (23),
 *                                  header length differs from len - 5, or the
 *                                  inner plaintext is all zeros (no type)
 *   MOOR_ERR_TLS_RECORD_TOO_LARGE  ciphertext longer than 2^14 + 256, or
 *                                  inner plaintext longer than max_inner
 *   MOOR_ERR_TLS_BAD_MAC           shorter than a tag, or the tag is wrong
 *                                  (the decrypted bytes are then zeroed)
 *   MOOR_ERR_STATE                 the sequence number would wrap
 * seq does not move on error; the connection must end anyway.
 */
int moor_tls13_rec_open(moor_tls13_rec *rec, uint8_t *buf, size_t len,
	uint8_t *content_type);

/* Zero the keys and IV. */
void moor_tls13_rec_wipe(moor_tls13_rec *rec);

#ifdef __cplusplus
}
#endif

#endif
