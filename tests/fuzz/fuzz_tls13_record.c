/*
 * Fuzz target: TLS 1.3 record protection (record.c), for each of the
 * three suites with fixed keys.
 *
 * Input: 8 control bytes, then the payload.
 *   c[0]  content type for the round trip (0 must be refused)
 *   c[1]  padding length (low 8 bits)
 *   c[2]  bits 0-5: padding length, high bits (x 256); bits 6-7: how the
 *         output room compares with the record (exact, +1, -1, 2^15)
 *   c[3]  receive/send limit: 0 = default, else 64 + 64 * (c[3] - 1)
 *   c[4]  starting sequence number: 0..0xef as is; from 0xf0 on,
 *         2^64 - 1 - (c[4] & 15), to reach the wrap checks
 *   c[5]  flip mask (a zero mask counts as 0x01)
 *   c[6], c[7]  seed of the flip positions for long records
 *
 * 1. The payload, opened as a record as it is, never crashes, never
 *    reads or writes outside it, and either fails with a documented
 *    status (wiping what it decrypted on a bad MAC) or returns a content
 *    length that fits, with seq moved by one only then.
 * 2. The payload sealed as content then opened with a twin context (same
 *    key and IV) gives back the same content and type; seal fails exactly
 *    when the documented limits say so and then leaves buffer and seq
 *    alone.
 * 3. Changing any byte of the sealed record (every byte of a short
 *    record, a sample of a long one), cutting or extending it, or opening
 *    it a second time, makes open fail and leaves seq alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "moor/status.h"
#include "moor/tls13.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

#define NCTRL 8
#define PAY_MAX 17000
#define REC_MAX (MOOR_TLS13_RECORD_BUFSIZE(MOOR_TLS13_MAX_INNER) + 8)

static const unsigned suites[3] = {
	MOOR_TLS13_AES_128_GCM_SHA256, MOOR_TLS13_AES_256_GCM_SHA384,
	MOOR_TLS13_CHACHA20_POLY1305_SHA256
};

/* Records are placed to end exactly at the end of these arrays, so ASan
 * sees any access past them. */
static uint8_t open_area[PAY_MAX];
static uint8_t seal_area[REC_MAX + 1];
static uint8_t flip_area[REC_MAX + 2];
static uint8_t sealed[REC_MAX];

static void init_pair(moor_tls13_rec *tx, moor_tls13_rec *rx, unsigned suite, unsigned salt)
{
	uint8_t key[MOOR_TLS13_KEY_MAX], iv[MOOR_TLS13_IV_LEN];
	size_t kl = moor_tls13_suite_key_len(suite), i;

	for (i = 0; i < sizeof key; i++)
		key[i] = (uint8_t)(0x10 + i + salt);
	for (i = 0; i < sizeof iv; i++)
		iv[i] = (uint8_t)(0xa0 + 7 * i);
	CHECK(kl == 16 || kl == 32);
	CHECK(moor_tls13_rec_init_keys(tx, suite, key, kl, iv) == MOOR_OK);
	CHECK(moor_tls13_rec_init_keys(rx, suite, key, kl, iv) == MOOR_OK);
	CHECK(tx->seq == 0 && tx->max_inner == MOOR_TLS13_MAX_INNER);
}

static uint64_t start_seq(unsigned c)
{
	return c < 0xf0 ? (uint64_t)c : UINT64_MAX - (c & 15u);
}

static int open_status_ok(int r)
{
	return r == MOOR_ERR_TLS_PROTOCOL || r == MOOR_ERR_TLS_RECORD_TOO_LARGE
		|| r == MOOR_ERR_TLS_BAD_MAC || r == MOOR_ERR_STATE;
}

/* 1: the payload opened as it is. */
static void open_raw(moor_tls13_rec *rx, const uint8_t *pay, size_t n)
{
	uint8_t *buf = open_area + sizeof open_area - n, ct = 0;
	uint64_t seq = rx->seq;
	size_t hdr_len;
	int r;

	memcpy(buf, pay, n);
	r = moor_tls13_rec_open(rx, buf, n, &ct);
	if (r >= 0) {
		/* Only a forged tag gets here; still, the result must fit. */
		CHECK(n >= MOOR_TLS13_HEADER_LEN + MOOR_TLS13_TAG_LEN + 1);
		CHECK((size_t)r <= n - MOOR_TLS13_HEADER_LEN - MOOR_TLS13_TAG_LEN - 1);
		CHECK(ct != 0 && rx->seq == seq + 1);
		return;
	}
	CHECK(open_status_ok(r) && rx->seq == seq);
	if (n < MOOR_TLS13_HEADER_LEN || pay[0] != MOOR_TLS13_CT_APPLICATION_DATA) {
		CHECK(r == MOOR_ERR_TLS_PROTOCOL);
		return;
	}
	hdr_len = (size_t)pay[3] << 8 | pay[4];
	if (hdr_len != n - MOOR_TLS13_HEADER_LEN)
		CHECK(r == MOOR_ERR_TLS_PROTOCOL);
	else if (hdr_len > MOOR_TLS13_MAX_CIPHERTEXT)
		CHECK(r == MOOR_ERR_TLS_RECORD_TOO_LARGE);
	else if (hdr_len < MOOR_TLS13_TAG_LEN)
		CHECK(r == MOOR_ERR_TLS_BAD_MAC);
	else if (hdr_len - MOOR_TLS13_TAG_LEN > rx->max_inner)
		CHECK(r == MOOR_ERR_TLS_RECORD_TOO_LARGE);
	if (r == MOOR_ERR_TLS_BAD_MAC && hdr_len == n - MOOR_TLS13_HEADER_LEN
		&& hdr_len >= MOOR_TLS13_TAG_LEN) {
		/* What was decrypted is wiped: no unauthenticated plaintext. */
		size_t i;

		for (i = MOOR_TLS13_HEADER_LEN; i < n - MOOR_TLS13_TAG_LEN; i++)
			CHECK(buf[i] == 0);
	}
	if (r == MOOR_ERR_STATE)
		CHECK(seq == UINT64_MAX);
}

/* Open a changed copy of the record `rec` (len bytes, possibly cut or
 * extended to new_len) with a copy of rx: must fail, seq unmoved. */
static void open_must_fail(const moor_tls13_rec *rx, const uint8_t *rec, size_t len,
	size_t new_len, size_t flip_at, uint8_t mask)
{
	moor_tls13_rec t = *rx;
	uint8_t *buf = flip_area + sizeof flip_area - new_len, ct = 0;
	int r;

	memcpy(buf, rec, len < new_len ? len : new_len);
	if (new_len > len)
		memset(buf + len, 0, new_len - len);
	if (flip_at < new_len)
		buf[flip_at] ^= mask;
	r = moor_tls13_rec_open(&t, buf, new_len, &ct);
	CHECK(r < 0 && open_status_ok(r) && t.seq == rx->seq);
}

static uint32_t flip_rng;

static size_t next_pos(size_t n)
{
	flip_rng ^= flip_rng << 13;
	flip_rng ^= flip_rng >> 17;
	flip_rng ^= flip_rng << 5;
	return flip_rng % n;
}

/* 2 and 3: seal the payload, open it with the twin, then tamper. */
static void round_trip(moor_tls13_rec *tx, moor_tls13_rec *rx, const uint8_t *c,
	const uint8_t *pay, size_t n)
{
	uint8_t type = c[0], mask = c[5] != 0 ? c[5] : 1, ct = 0, *buf;
	size_t pad = (size_t)c[1] | (size_t)(c[2] & 0x3f) << 8;
	size_t total = MOOR_TLS13_HEADER_LEN + n + 1 + pad + MOOR_TLS13_TAG_LEN;
	size_t cap, i, room;
	uint64_t seq = tx->seq;
	moor_tls13_rec before, tx_before = *tx;
	int r, too_large;

	switch (c[2] >> 6) {
	case 0:
		cap = total;
		break;
	case 1:
		cap = total + 1;
		break;
	case 2:
		cap = total - 1;
		break;
	default:
		cap = 32768;
		break;
	}
	/* The record buffer: `cap` bytes, of which the array holds what fits;
	 * never more room than the array has. */
	room = cap < REC_MAX ? cap : REC_MAX;
	buf = seal_area + sizeof seal_area - room;
	memset(buf, 0xcc, room);
	if (MOOR_TLS13_HEADER_LEN + n <= room)
		memcpy(buf + MOOR_TLS13_HEADER_LEN, pay, n);
	else
		return;  /* the content itself does not fit the buffer */

	too_large = n + 1 + pad > tx->max_inner;
	r = moor_tls13_rec_seal(tx, buf, room, n, type, pad);
	if (type == 0) {
		CHECK(r == MOOR_ERR_INVALID_ARG && tx->seq == seq);
		return;
	}
	if (too_large) {
		CHECK(r == MOOR_ERR_TLS_RECORD_TOO_LARGE && tx->seq == seq);
		CHECK(memcmp(buf + MOOR_TLS13_HEADER_LEN, pay, n) == 0);
		return;
	}
	if (room < total) {
		CHECK(r == MOOR_ERR_BUFFER_TOO_SMALL && tx->seq == seq);
		CHECK(memcmp(buf + MOOR_TLS13_HEADER_LEN, pay, n) == 0);
		return;
	}
	if (seq == UINT64_MAX) {
		CHECK(r == MOOR_ERR_STATE && tx->seq == seq);
		return;
	}
	CHECK(r >= 0 && (size_t)r == total && tx->seq == seq + 1);
	CHECK(buf[0] == MOOR_TLS13_CT_APPLICATION_DATA && buf[1] == 3 && buf[2] == 3);
	CHECK(((size_t)buf[3] << 8 | buf[4]) == total - MOOR_TLS13_HEADER_LEN);
	for (i = total; i < room; i++)
		CHECK(buf[i] == 0xcc);  /* nothing written past the record */

	/* 3 first, on the untouched record: every change fails. */
	before = *rx;
	if (total <= 320) {
		for (i = 0; i < total; i++)
			open_must_fail(&before, buf, total, total, i, mask);
	} else {
		flip_rng = 0x6d6f6f72u ^ ((uint32_t)c[6] << 8 | c[7]) ^ (uint32_t)total;
		for (i = 0; i < MOOR_TLS13_HEADER_LEN; i++)
			open_must_fail(&before, buf, total, total, i, mask);
		for (i = total - MOOR_TLS13_TAG_LEN - 1; i < total; i++)
			open_must_fail(&before, buf, total, total, i, mask);
		for (i = 0; i < 24; i++)
			open_must_fail(&before, buf, total, total, next_pos(total), mask);
	}
	open_must_fail(&before, buf, total, total - 1, (size_t)-1, 0);
	if (total < REC_MAX)
		open_must_fail(&before, buf, total, total + 1, (size_t)-1, 0);

	/* 2: the twin opens it. */
	memcpy(sealed, buf, total);
	r = moor_tls13_rec_open(rx, buf, total, &ct);
	CHECK(r >= 0 && (size_t)r == n && ct == type && rx->seq == seq + 1);
	CHECK(memcmp(buf + MOOR_TLS13_HEADER_LEN, pay, n) == 0);

	/* Sealing again from the same state gives the same record, which
	 * the receiver, now one record further, refuses. */
	memcpy(buf + MOOR_TLS13_HEADER_LEN, pay, n);
	r = moor_tls13_rec_seal(&tx_before, buf, room, n, type, pad);
	CHECK(r >= 0 && (size_t)r == total && memcmp(buf, sealed, total) == 0);
	before = *rx;
	r = moor_tls13_rec_open(rx, buf, total, &ct);
	CHECK(r == MOOR_ERR_TLS_BAD_MAC || (r == MOOR_ERR_STATE && before.seq == UINT64_MAX));
	CHECK(rx->seq == before.seq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[MOOR_TLS13_KEY_MAX];
	const uint8_t *c = data, *pay;
	size_t n;
	unsigned s;

	if (size < NCTRL)
		return 0;
	pay = data + NCTRL;
	n = size - NCTRL;
	if (n > PAY_MAX)
		n = PAY_MAX;

	for (s = 0; s < 3; s++) {
		moor_tls13_rec tx, rx, other;
		size_t lim = c[3] == 0 ? MOOR_TLS13_MAX_INNER : 64 + 64 * ((size_t)c[3] - 1);

		init_pair(&tx, &rx, suites[s], 0);
		if (lim > MOOR_TLS13_MAX_INNER) {
			CHECK(moor_tls13_rec_set_limit(&tx, lim) == MOOR_ERR_INVALID_ARG);
			lim = MOOR_TLS13_MAX_INNER;
		}
		CHECK(moor_tls13_rec_set_limit(&tx, lim) == MOOR_OK);
		CHECK(moor_tls13_rec_set_limit(&rx, lim) == MOOR_OK);
		CHECK(moor_tls13_rec_set_limit(&rx, 63) == MOOR_ERR_INVALID_ARG && rx.max_inner == lim);
		/* The fields are public for this: reach the wrap checks without
		 * 2^64 records. */
		tx.seq = rx.seq = start_seq(c[4]);

		open_raw(&rx, pay, n);
		rx.seq = start_seq(c[4]);
		round_trip(&tx, &rx, c, pay, n);

		/* A key of the wrong length, an unknown suite. */
		CHECK(moor_tls13_rec_init_keys(&other, suites[s], zero, 8, zero) == MOOR_ERR_INVALID_ARG);
		CHECK(moor_tls13_rec_init_keys(&other, 0x1304, zero, 16, zero) == MOOR_ERR_UNSUPPORTED);
		moor_tls13_rec_wipe(&tx);
		moor_tls13_rec_wipe(&rx);
	}
	return 0;
}
