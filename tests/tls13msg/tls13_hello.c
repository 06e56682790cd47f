/*
 * Send moor's TLS 1.3 ClientHello to a real server and parse its answer.
 *
 *   tls13_hello HOST PORT GROUP [SUITE] [--tls12] [--decrypt]
 *
 * GROUP is x25519, p256 or p384 (the one key share sent); SUITE an IANA
 * value (default: all three TLS 1.3 suites). Prints the parsed
 * ServerHello as "key: value" lines; exits 1 if the answer does not parse.
 *
 * --decrypt joins the TLS 1.3 pieces against the real server: the ECDHE
 * secret from our key share and the server's, the transcript hash of
 * ClientHello + ServerHello, the key schedule's server handshake traffic
 * secret, and the record layer opening the server's first encrypted
 * record, which must be a handshake record starting with
 * EncryptedExtensions. Prints "encrypted: <content type> <first byte>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls13.h"
#include "moor/tls13_msg.h"
#include "testlib.h"

static uint8_t rec[5 + 1024];
static uint8_t answer[16384 + 5];

/* See --decrypt above. */
static int decrypt_first(moor_posix_tcp *tcp, const moor_platform *plat,
	const br_ec_impl *ec, const br_ec_private_key *sk,
	const uint8_t *ch, size_t ch_len, const uint8_t *shm, size_t sh_len,
	const moor_tls13_server_hello *sh)
{
	static uint8_t point[BR_EC_KBUF_PUB_MAX_SIZE];
	static uint8_t rec2[16384 + 256 + 5];
	moor_tls13_transcript tr;
	moor_tls13_ks ks;
	moor_tls13_rec rs;
	uint8_t th[MOOR_TLS13_HASH_MAX], type;
	size_t xlen, xoff, rlen;
	int st, n, tries;

	if (sh->is_hrr || sh->version != 0x0304 || sh->share_len > sizeof point)
		return MOOR_ERR_TLS_PROTOCOL;
	memcpy(point, sh->share, sh->share_len);
	if (ec->mul(point, sh->share_len, sk->x, sk->xlen, sk->curve) != 1)
		return MOOR_ERR_TLS_PROTOCOL;
	xoff = ec->xoff(sk->curve, &xlen);

	moor_tls13_transcript_init(&tr);
	moor_tls13_transcript_update(&tr, ch, ch_len);
	moor_tls13_transcript_update(&tr, shm, sh_len);
	st = moor_tls13_transcript_select(&tr, sh->cipher_suite);
	if (st == MOOR_OK)
		st = moor_tls13_transcript_hash(&tr, moor_tls13_suite_hash(sh->cipher_suite), th) > 0
			? MOOR_OK : MOOR_ERR_INTERNAL;
	if (st == MOOR_OK)
		st = moor_tls13_ks_init(&ks, sh->cipher_suite);
	if (st == MOOR_OK)
		st = moor_tls13_ks_early(&ks, NULL, 0);
	if (st == MOOR_OK)
		st = moor_tls13_ks_handshake(&ks, point + xoff, xlen, th);
	if (st == MOOR_OK)
		st = moor_tls13_rec_init(&rs, sh->cipher_suite, ks.s_hs, ks.hash_len);
	/* Skip the middlebox ChangeCipherSpec; the next record is encrypted. */
	for (tries = 0; st == MOOR_OK && tries < 4; tries++) {
		st = moor_io_recv_exact(&tcp->base, plat, rec2, 5, 3000);
		rlen = (size_t)rec2[3] << 8 | rec2[4];
		if (st == MOOR_OK && rlen > sizeof rec2 - 5)
			st = MOOR_ERR_TLS_RECORD_TOO_LARGE;
		if (st == MOOR_OK)
			st = moor_io_recv_exact(&tcp->base, plat, rec2 + 5, rlen, 3000);
		if (st != MOOR_OK || rec2[0] == 20)
			continue;
		n = moor_tls13_rec_open(&rs, rec2, rlen + 5, &type);
		if (n < 1)
			return n < 0 ? n : MOOR_ERR_TLS_PROTOCOL;
		printf("encrypted: %u %u\n", type, rec2[5]);
		break;
	}
	moor_tls13_rec_wipe(&rs);
	moor_tls13_ks_wipe(&ks);
	moor_tls13_transcript_wipe(&tr);
	return st;
}

int main(int argc, char **argv)
{
	static const uint16_t all_suites[] = { 0x1301, 0x1302, 0x1303 };
	static const uint16_t groups[] = { 29, 23, 24 };
	static const uint16_t sigs[] = { 0x0403, 0x0503, 0x0804, 0x0805, 0x0806 };
	const moor_platform *plat = moor_posix_platform(-1);
	moor_tls13_client_hello ch;
	moor_tls13_server_hello sh;
	moor_posix_tcp tcp;
	br_hmac_drbg_context rng;
	br_ec_private_key sk;
	br_ec_public_key pk;
	uint8_t seed[32], random32[32], sid[32];
	uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
	const br_ec_impl *ec = br_ec_get_default();
	uint16_t suite_one;
	int curve, st, i, decrypt = 0;
	size_t len, mlen;

	if (argc < 4) {
		fprintf(stderr, "usage: tls13_hello HOST PORT x25519|p256|p384 [SUITE] [--tls12]\n");
		return 2;
	}
	curve = strcmp(argv[3], "x25519") == 0 ? BR_EC_curve25519
		: strcmp(argv[3], "p256") == 0 ? BR_EC_secp256r1 : BR_EC_secp384r1;
	if (plat->entropy(plat->ctx, seed, sizeof seed) != MOOR_OK)
		return 2;
	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, sizeof seed);
	br_hmac_drbg_generate(&rng, random32, sizeof random32);
	br_hmac_drbg_generate(&rng, sid, sizeof sid);
	if (br_ec_keygen(&rng.vtable, ec, &sk, kbuf, curve) == 0
		|| br_ec_compute_pub(ec, &pk, pbuf, &sk) == 0) {
		fprintf(stderr, "keygen failed\n");
		return 2;
	}

	memset(&ch, 0, sizeof ch);
	ch.random = random32;
	ch.session_id = sid;
	ch.session_id_len = 32;
	ch.server_name = "localhost";
	ch.suites = all_suites;
	ch.n_suites = 3;
	for (i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--decrypt") == 0) {
			decrypt = 1;
		} else if (strcmp(argv[i], "--tls12") == 0) {
			static const uint16_t with12[] = { 0x1301, 0xc02b, 0xc02f };

			ch.offer_tls12 = 1;
			ch.suites = with12;
			ch.n_suites = 3;
		} else {
			suite_one = (uint16_t)strtoul(argv[i], NULL, 0);
			ch.suites = &suite_one;
			ch.n_suites = 1;
		}
	}
	ch.groups = groups;
	ch.n_groups = 3;
	ch.share_group = (uint16_t)curve;
	ch.share = pk.q;
	ch.share_len = pk.qlen;
	ch.sig_algs = sigs;
	ch.n_sig_algs = 5;
	ch.max_fragment_code = 2;

	st = moor_tls13_write_client_hello(&ch, rec + 5, sizeof rec - 5, &len);
	if (st != MOOR_OK) {
		fprintf(stderr, "encode: %s\n", moor_status_name(st));
		return 1;
	}
	rec[0] = 22;
	rec[1] = 3;
	rec[2] = 1;
	rec[3] = (uint8_t)(len >> 8);
	rec[4] = (uint8_t)len;

	moor_test_heap_guard(1);
	st = moor_posix_tcp_connect(&tcp, plat, argv[1], (uint16_t)atoi(argv[2]), 3000);
	if (st == MOOR_OK)
		st = moor_io_send_all(&tcp.base, plat, rec, len + 5, 3000);
	if (st == MOOR_OK)
		st = moor_io_recv_exact(&tcp.base, plat, answer, 5, 3000);
	if (st == MOOR_OK && answer[0] != 22) {
		fprintf(stderr, "answer is record type %u (alert %u)\n", answer[0], answer[6]);
		st = MOOR_ERR_TLS_PROTOCOL;
	}
	mlen = (size_t)answer[3] << 8 | answer[4];
	if (st == MOOR_OK && (mlen < 4 || mlen > 16384))
		st = MOOR_ERR_TLS_PROTOCOL;
	if (st == MOOR_OK)
		st = moor_io_recv_exact(&tcp.base, plat, answer + 5, mlen, 3000);
	if (st != MOOR_OK) {
		moor_transport_close(&tcp.base);
		fprintf(stderr, "io: %s\n", moor_status_name(st));
		return 1;
	}
	/* The ServerHello is the first message of the record. */
	len = 4 + ((size_t)answer[6] << 16 | (size_t)answer[7] << 8 | answer[8]);
	if (len > mlen)
		len = mlen;
	st = moor_tls13_parse_server_hello(answer + 5, len, sid, 32, &sh);
	if (st == MOOR_OK && decrypt)
		st = decrypt_first(&tcp, plat, ec, &sk, rec + 5, (size_t)rec[3] << 8 | rec[4],
			answer + 5, len, &sh);
	moor_transport_close(&tcp.base);
	moor_test_heap_guard(0);
	if (st != MOOR_OK) {
		fprintf(stderr, "parse: %s\n", moor_status_name(st));
		return 1;
	}
	printf("type: %s\n", sh.is_hrr ? "hrr" : "server_hello");
	printf("version: 0x%04x\n", sh.version);
	printf("suite: 0x%04x\n", sh.cipher_suite);
	printf("group: %u\n", sh.share_group);
	printf("share_len: %u\n", (unsigned)sh.share_len);
	printf("downgrade: %u\n", sh.downgrade);
	return 0;
}
