/*
 * Fuzz target: the TLS 1.3 client engine (engine.c) end to end, talking
 * to a fuzzed server.
 *
 * The engine runs on a deterministic fake platform (a counting clock,
 * entropy = 32 bytes 0x42, no log) with a moor_x509 in verify-full mode
 * over one trust anchor (the root of the test PKI below), in exact-size
 * static buffers for frag 512 or 16384 (ASan sees any access past them).
 *
 * Input:
 *   byte 0  cfg: bit0 frag 16384 (else 512); bit1 scripted server (else
 *           raw); bit2 no_compat; bit3 no server name; bits4-5 groups and
 *           shares (0: default, 1 share; 1: default, 2 shares; 2: P-256,
 *           P-384, x25519, 1 share; 3: P-384, x25519, P-256, 3 shares);
 *           bit6 suites AES-256, ChaCha20, AES-128 (else the default);
 *           bit7 a valid resumption ticket for this server is stored
 *   byte 1  chunks: bits0-5 seed of the sizes of the pieces moved in and
 *           out of the engine (0: as large as the engine allows; acks
 *           then sometimes claim more than was offered, which the engine
 *           must clamp); bit6 the engine uses moor_ec_small (X25519 and
 *           P-256 only); bit7 "eager": server bytes may be fed before the
 *           client's record has been sent whole
 *
 * Raw mode: the rest of the input is the server's byte stream (records in
 * clear), fed through recvrec_buf/ack. This reaches the ServerHello,
 * HelloRetryRequest, alert, ChangeCipherSpec and record-header paths; the
 * seeds echo the engine's (deterministic) legacy_session_id.
 *
 * Scripted mode: the harness is a small real TLS 1.3 server. It parses
 * the engine's ClientHello (strictly: a malformed one traps), answers with
 * a correct ServerHello (its own fixed X25519 / P-256 / P-384 key, the
 * shared secret from BearSSL's br_ec_get_default()->mul), optionally after
 * a HelloRetryRequest, derives the keys with moor's key schedule API and
 * then plays the items of the script, encrypted under its current keys:
 *   byte 2  srv0: bits0-1 suite (index into the client's list); bit2
 *           HelloRetryRequest first; bit3 the HRR carries a cookie; bit4
 *           accept the offered PSK; bits5-6 leaf: P-256, P-384, RSA-2048,
 *           P-256 + root; bit7 the client has a certificate (P-256, or
 *           RSA-2048 with srv1 bit7)
 *   byte 3  srv1: bits0-1 which client key share to answer; bit2 client
 *           key through the sign hook; bit3 the hook fails; bit4 the
 *           ServerHello split over two records; bits5-6 the stored
 *           ticket: good, expired, for another server name, or for
 *           AES-256-GCM-SHA384; bit7 the client key is RSA-2048 (else
 *           P-256)
 *   then items: [ctl][len_hi][len_lo][len bytes]; ctl bits0-2 the kind,
 *   bits3-4 padding (0, 1, 40, 400), bits5-7 feed chunk (0: from the seed;
 *   else 1, 2, 3, 5, 16, 100, all):
 *     0  handshake record: the bytes, as they are, as one record's content
 *     1  application data record (what the engine hands out must match)
 *     2  alert record
 *     3  raw bytes to the engine, no record protection added
 *     4  a genuine message, data[0] = which (EE, CertificateRequest,
 *        Certificate, CertificateVerify, Finished, NewSessionTicket,
 *        KeyUpdate, or the whole server flight), data[1..] options
 *     5  client action: data[0] 0 = write data[1..] and flush, 1 = close,
 *        2 = write without flush, 3 = flush
 *     6  a record of inner content type data[0], content data[1..]
 *     7  as 3
 *   The server follows the handshake messages it sends (transcript, key
 *   changes after Finished and KeyUpdate) and reads every record the
 *   client sends.
 *
 * Checked, beyond no crash and no hang:
 *  - moor_tls13_state() agrees with the *_buf() calls, every buffer
 *    returned lies inside ibuf / obuf, CLOSED comes alone, after an error
 *    only SENDREC remains, RECVREC and RECVAPP never together, and the
 *    engine is never stuck (no bit set, not CLOSED); acks of nothing, or
 *    of a direction with nothing pending, change nothing at all;
 *  - every record the client sends is well-framed; its ClientHello
 *    parses strictly (key shares match supported_groups, the session id
 *    and cookie are echoed, a PSK binder is right); at most one CCS, none
 *    with no_compat; (scripted) every protected record decrypts under the
 *    keys the server derived, the client Certificate / CertificateVerify /
 *    Finished come in order and verify, application data arrives as
 *    written, a stored ticket's PSK is the one RFC 8446 derives;
 *  - (scripted) a genuine server flight with legal options (first item,
 *    no padding, a server name, a signing hook that works, a leaf the EC
 *    implementation can verify) completes the handshake; application
 *    data from the server comes out as sent;
 *  - after moor_tls13_close() and draining, the engine is CLOSED with
 *    last_error 0 or a negative status, stays so whatever the driver
 *    calls, and moor_tls13_wipe() clears the secrets.
 * Any violation is __builtin_trap().
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <bearssl.h>

#include "moor/ec_small.h"
#include "moor/platform.h"
#include "moor/rsa_pss.h"
#include "moor/status.h"
#include "moor/tls13.h"
#include "moor/tls13_engine.h"
#include "moor/tls13_msg.h"
#include "moor/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* 2030-01-01T00:00:00Z, inside the test certificates' validity. */
#define FUZZ_NOW 1893456000
#define SERVER_NAME "fuzz.moor.test"
/* Steps of the main loop before it counts as a hang. */
#define LOOP_MAX 3000000

/* ------------------------------------------------------------------ */
/* The test PKI: a P-256 root, server leaves (P-256, P-384, RSA-2048) for
 * fuzz.moor.test and a P-256 client certificate, valid 2020-2049.
 * Generated by corpus/tls13_engine/gen_seeds.py --certs. */
static uint8_t root_der[368] = {
	0x30, 0x82, 0x01, 0x6c, 0x30, 0x82, 0x01, 0x12, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x01, 0x01, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x04, 0x03, 0x02, 0x30, 0x2d, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03,
	0x55, 0x04, 0x0a, 0x0c, 0x09, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75,
	0x7a, 0x7a, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x0e, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x72,
	0x6f, 0x6f, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x30, 0x30, 0x31, 0x30,
	0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x34, 0x39,
	0x31, 0x32, 0x33, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x30,
	0x2d, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x09,
	0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x31, 0x17, 0x30,
	0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0e, 0x6d, 0x6f, 0x6f, 0x72,
	0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x72, 0x6f, 0x6f, 0x74, 0x30, 0x59,
	0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
	0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
	0x04, 0x23, 0x45, 0x84, 0xde, 0x7a, 0x05, 0xd3, 0xf4, 0x25, 0xa3, 0xe0,
	0xb9, 0x9b, 0x97, 0xa1, 0x02, 0xb9, 0xc6, 0x25, 0x30, 0xe1, 0x2d, 0x69,
	0x53, 0xe7, 0x7c, 0x74, 0x06, 0x7c, 0x5c, 0x0c, 0x2c, 0x20, 0x8f, 0x09,
	0x84, 0xe3, 0xdf, 0xd4, 0xd4, 0x15, 0x3b, 0x3d, 0x4c, 0xc3, 0x07, 0x61,
	0x13, 0x81, 0x6a, 0x5b, 0xdd, 0xef, 0x7c, 0x33, 0xed, 0x55, 0x37, 0x25,
	0x33, 0x84, 0x57, 0x54, 0x08, 0xa3, 0x23, 0x30, 0x21, 0x30, 0x0f, 0x06,
	0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01,
	0x01, 0xff, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff,
	0x04, 0x04, 0x03, 0x02, 0x01, 0x06, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x48, 0x00, 0x30, 0x45, 0x02,
	0x20, 0x7d, 0x27, 0x30, 0x77, 0x83, 0x1c, 0x58, 0x65, 0xbc, 0xfd, 0xb7,
	0x2d, 0xfb, 0x70, 0x9c, 0x2e, 0xdd, 0x92, 0x04, 0x6c, 0xb7, 0x14, 0x24,
	0x4e, 0xc1, 0xd1, 0xc0, 0x25, 0x11, 0xbe, 0x05, 0xe7, 0x02, 0x21, 0x00,
	0x90, 0x16, 0x64, 0x2d, 0x48, 0x63, 0xfd, 0x6b, 0x2a, 0xb9, 0xf6, 0x21,
	0xbc, 0x1a, 0x4a, 0xef, 0x60, 0x22, 0x18, 0x2f, 0x37, 0xdb, 0xae, 0x65,
	0x61, 0xb4, 0x7c, 0xe7, 0xaf, 0x0f, 0x06, 0xdc,
};
static uint8_t root_dn[47] = {
	0x30, 0x2d, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c,
	0x09, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x31, 0x17,
	0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0e, 0x6d, 0x6f, 0x6f,
	0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x72, 0x6f, 0x6f, 0x74,
};
static uint8_t root_q[65] = {
	0x04, 0x23, 0x45, 0x84, 0xde, 0x7a, 0x05, 0xd3, 0xf4, 0x25, 0xa3, 0xe0,
	0xb9, 0x9b, 0x97, 0xa1, 0x02, 0xb9, 0xc6, 0x25, 0x30, 0xe1, 0x2d, 0x69,
	0x53, 0xe7, 0x7c, 0x74, 0x06, 0x7c, 0x5c, 0x0c, 0x2c, 0x20, 0x8f, 0x09,
	0x84, 0xe3, 0xdf, 0xd4, 0xd4, 0x15, 0x3b, 0x3d, 0x4c, 0xc3, 0x07, 0x61,
	0x13, 0x81, 0x6a, 0x5b, 0xdd, 0xef, 0x7c, 0x33, 0xed, 0x55, 0x37, 0x25,
	0x33, 0x84, 0x57, 0x54, 0x08,
};
static uint8_t leaf_p256_der[393] = {
	0x30, 0x82, 0x01, 0x85, 0x30, 0x82, 0x01, 0x2b, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x01, 0x02, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x04, 0x03, 0x02, 0x30, 0x2d, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03,
	0x55, 0x04, 0x0a, 0x0c, 0x09, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75,
	0x7a, 0x7a, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x0e, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x72,
	0x6f, 0x6f, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x30, 0x30, 0x31, 0x30,
	0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x34, 0x39,
	0x31, 0x32, 0x33, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x30,
	0x19, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0e,
	0x66, 0x75, 0x7a, 0x7a, 0x2e, 0x6d, 0x6f, 0x6f, 0x72, 0x2e, 0x74, 0x65,
	0x73, 0x74, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
	0x07, 0x03, 0x42, 0x00, 0x04, 0x31, 0xb1, 0xd1, 0x6e, 0xf8, 0xe5, 0xef,
	0x19, 0x22, 0xc3, 0x00, 0xf7, 0xae, 0x5a, 0x18, 0xa2, 0x4f, 0xdc, 0x68,
	0x95, 0xc1, 0x96, 0x8a, 0xe5, 0x16, 0xb2, 0xc8, 0xf3, 0x0f, 0x8a, 0x29,
	0xd0, 0xe2, 0x1b, 0xa8, 0x4c, 0xd9, 0xc4, 0x04, 0xf1, 0x70, 0xea, 0x27,
	0x2c, 0x4d, 0x1e, 0x99, 0xb4, 0xb5, 0x00, 0x39, 0x38, 0xc2, 0x89, 0x22,
	0x44, 0x1f, 0xbd, 0x57, 0xae, 0xc2, 0xfe, 0xbb, 0x09, 0xa3, 0x50, 0x30,
	0x4e, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04,
	0x02, 0x30, 0x00, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01,
	0xff, 0x04, 0x04, 0x03, 0x02, 0x07, 0x80, 0x30, 0x13, 0x06, 0x03, 0x55,
	0x1d, 0x25, 0x04, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05,
	0x05, 0x07, 0x03, 0x01, 0x30, 0x19, 0x06, 0x03, 0x55, 0x1d, 0x11, 0x04,
	0x12, 0x30, 0x10, 0x82, 0x0e, 0x66, 0x75, 0x7a, 0x7a, 0x2e, 0x6d, 0x6f,
	0x6f, 0x72, 0x2e, 0x74, 0x65, 0x73, 0x74, 0x30, 0x0a, 0x06, 0x08, 0x2a,
	0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x48, 0x00, 0x30, 0x45,
	0x02, 0x20, 0x2f, 0x94, 0x6c, 0x42, 0x74, 0x4a, 0xe4, 0xa8, 0xe7, 0xdc,
	0x10, 0xed, 0x4d, 0x02, 0x8e, 0x7c, 0xc0, 0xa7, 0x92, 0xd0, 0x43, 0xac,
	0x45, 0x3d, 0x07, 0x4b, 0x76, 0x75, 0x9f, 0xbd, 0x01, 0x4c, 0x02, 0x21,
	0x00, 0xed, 0xe1, 0xce, 0x52, 0xe8, 0xfc, 0xde, 0x2a, 0x0b, 0x1b, 0xbd,
	0x6c, 0x73, 0xf4, 0xee, 0xa4, 0xea, 0xd8, 0x91, 0xad, 0x02, 0x0f, 0x14,
	0x9b, 0xa1, 0xcb, 0xae, 0xf5, 0x50, 0x63, 0x06, 0x7a,
};
static uint8_t leaf_p384_der[421] = {
	0x30, 0x82, 0x01, 0xa1, 0x30, 0x82, 0x01, 0x48, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x01, 0x03, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x04, 0x03, 0x02, 0x30, 0x2d, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03,
	0x55, 0x04, 0x0a, 0x0c, 0x09, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75,
	0x7a, 0x7a, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x0e, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x72,
	0x6f, 0x6f, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x30, 0x30, 0x31, 0x30,
	0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x34, 0x39,
	0x31, 0x32, 0x33, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x30,
	0x19, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0e,
	0x66, 0x75, 0x7a, 0x7a, 0x2e, 0x6d, 0x6f, 0x6f, 0x72, 0x2e, 0x74, 0x65,
	0x73, 0x74, 0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62,
	0x00, 0x04, 0x26, 0x3e, 0xa4, 0xd8, 0xe2, 0x9e, 0x3d, 0xd0, 0xf8, 0x13,
	0x41, 0x06, 0x51, 0x91, 0x2f, 0xb3, 0xb2, 0x19, 0x90, 0xcb, 0x89, 0x7e,
	0x70, 0xc1, 0x01, 0x63, 0x72, 0x8c, 0x20, 0x2c, 0x6a, 0x4f, 0xb5, 0x98,
	0xc8, 0xf7, 0x46, 0x07, 0x86, 0x76, 0x22, 0x70, 0x8b, 0xcb, 0x20, 0xf1,
	0xed, 0x01, 0xfe, 0x9d, 0x56, 0x5f, 0x35, 0x8f, 0xac, 0x89, 0x29, 0x58,
	0xde, 0x9d, 0xfd, 0xc8, 0x8d, 0x94, 0x0a, 0xfa, 0x2e, 0x81, 0x04, 0xc1,
	0x5e, 0xe8, 0xcd, 0xe7, 0x61, 0xe8, 0xe0, 0x6f, 0x60, 0xe9, 0x72, 0x7a,
	0x95, 0x3d, 0x6b, 0x20, 0x1a, 0x13, 0xab, 0x18, 0xdd, 0xa3, 0x7f, 0xa2,
	0x66, 0x42, 0xa3, 0x50, 0x30, 0x4e, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d,
	0x13, 0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00, 0x30, 0x0e, 0x06, 0x03,
	0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x07, 0x80,
	0x30, 0x13, 0x06, 0x03, 0x55, 0x1d, 0x25, 0x04, 0x0c, 0x30, 0x0a, 0x06,
	0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x30, 0x19, 0x06,
	0x03, 0x55, 0x1d, 0x11, 0x04, 0x12, 0x30, 0x10, 0x82, 0x0e, 0x66, 0x75,
	0x7a, 0x7a, 0x2e, 0x6d, 0x6f, 0x6f, 0x72, 0x2e, 0x74, 0x65, 0x73, 0x74,
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
	0x03, 0x47, 0x00, 0x30, 0x44, 0x02, 0x20, 0x41, 0x75, 0x6c, 0xfe, 0x15,
	0x5f, 0x1d, 0xfa, 0xc2, 0xbb, 0x93, 0x62, 0x96, 0x04, 0xe3, 0xc1, 0xef,
	0xeb, 0x87, 0xc6, 0x3a, 0x3d, 0xb0, 0x6e, 0xf6, 0x19, 0x01, 0x38, 0xc9,
	0x69, 0x23, 0x0a, 0x02, 0x20, 0x10, 0xd1, 0xb9, 0x8d, 0x78, 0x81, 0x17,
	0xc2, 0x41, 0xde, 0x17, 0xb8, 0xcb, 0x92, 0x52, 0xfd, 0x33, 0x07, 0x8e,
	0x2a, 0x74, 0xcd, 0xbc, 0x20, 0x6e, 0xab, 0xd4, 0xef, 0xe3, 0xb5, 0x6d,
	0xf9,
};
static uint8_t leaf_rsa_der[597] = {
	0x30, 0x82, 0x02, 0x51, 0x30, 0x82, 0x01, 0xf6, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x01, 0x04, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x04, 0x03, 0x02, 0x30, 0x2d, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03,
	0x55, 0x04, 0x0a, 0x0c, 0x09, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75,
	0x7a, 0x7a, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x0e, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x72,
	0x6f, 0x6f, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x30, 0x30, 0x31, 0x30,
	0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x34, 0x39,
	0x31, 0x32, 0x33, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x30,
	0x19, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0e,
	0x66, 0x75, 0x7a, 0x7a, 0x2e, 0x6d, 0x6f, 0x6f, 0x72, 0x2e, 0x74, 0x65,
	0x73, 0x74, 0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
	0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01,
	0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00, 0x82,
	0xda, 0xd4, 0x04, 0x4e, 0x85, 0x51, 0x4c, 0xd7, 0xed, 0x96, 0x7f, 0xb2,
	0x18, 0xdb, 0x1a, 0x9d, 0xe0, 0x96, 0x85, 0xf1, 0x7c, 0x4e, 0x8d, 0xa6,
	0x2a, 0x01, 0x6f, 0xed, 0xd6, 0xcf, 0xb3, 0x2a, 0xe7, 0x4f, 0x8c, 0xb8,
	0xf8, 0x17, 0x73, 0xd1, 0xac, 0x56, 0xcb, 0x08, 0xe3, 0xbd, 0x21, 0x12,
	0x3a, 0x24, 0x71, 0x90, 0x4e, 0x1a, 0x4d, 0xf0, 0x30, 0x32, 0x19, 0xdc,
	0x67, 0x23, 0xdd, 0xcf, 0x55, 0xe0, 0x73, 0xf6, 0x20, 0xa6, 0xdd, 0x82,
	0x4b, 0xe0, 0xd6, 0xdd, 0xab, 0xc3, 0x1b, 0x74, 0x8b, 0xd1, 0x10, 0xab,
	0x1f, 0x75, 0xbb, 0x9e, 0x6a, 0x29, 0xdc, 0x6a, 0x2a, 0x2d, 0xa4, 0x57,
	0xaf, 0x3a, 0xef, 0x06, 0x38, 0xf6, 0xa7, 0x8e, 0xb0, 0x14, 0x88, 0xe6,
	0x31, 0x6a, 0x03, 0x7f, 0xf9, 0x76, 0x7e, 0xc3, 0x8f, 0x47, 0xdb, 0x69,
	0x94, 0xb9, 0x84, 0x92, 0x10, 0xfa, 0xce, 0xcd, 0x6e, 0xab, 0x9d, 0x51,
	0xfe, 0x3e, 0xe5, 0xae, 0x54, 0xc6, 0xcc, 0x91, 0xf8, 0x90, 0x54, 0x13,
	0xb4, 0x55, 0xf8, 0xfc, 0xc3, 0xdc, 0x1b, 0xe3, 0x4e, 0x17, 0x9d, 0xf3,
	0x24, 0x8d, 0x61, 0x85, 0x26, 0x41, 0x05, 0x72, 0x8e, 0xc3, 0xf1, 0x29,
	0xde, 0x23, 0xef, 0x28, 0xf3, 0x0c, 0xba, 0x0e, 0xc2, 0xb2, 0x66, 0x74,
	0x76, 0x45, 0x8d, 0xf4, 0xe8, 0x71, 0xb3, 0xd8, 0x38, 0xd5, 0xa4, 0x35,
	0xb6, 0x96, 0xe4, 0xf2, 0xad, 0x14, 0x52, 0xca, 0xbc, 0xcf, 0xe9, 0x3d,
	0xa1, 0x4f, 0xec, 0x42, 0x9e, 0x4c, 0xf1, 0x6c, 0x44, 0x71, 0x32, 0x18,
	0x31, 0xc9, 0x42, 0xd7, 0xe1, 0x36, 0x41, 0x0a, 0xbb, 0x98, 0xd9, 0xc0,
	0x5d, 0x54, 0x88, 0x40, 0xd9, 0x2f, 0x7f, 0x74, 0x98, 0x0d, 0x2b, 0xb2,
	0x0d, 0x96, 0x3d, 0x58, 0xcb, 0x20, 0xbf, 0xff, 0xc8, 0xf5, 0x96, 0x39,
	0x30, 0xcd, 0x3b, 0x02, 0x03, 0x01, 0x00, 0x01, 0xa3, 0x50, 0x30, 0x4e,
	0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x02,
	0x30, 0x00, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff,
	0x04, 0x04, 0x03, 0x02, 0x07, 0x80, 0x30, 0x13, 0x06, 0x03, 0x55, 0x1d,
	0x25, 0x04, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05,
	0x07, 0x03, 0x01, 0x30, 0x19, 0x06, 0x03, 0x55, 0x1d, 0x11, 0x04, 0x12,
	0x30, 0x10, 0x82, 0x0e, 0x66, 0x75, 0x7a, 0x7a, 0x2e, 0x6d, 0x6f, 0x6f,
	0x72, 0x2e, 0x74, 0x65, 0x73, 0x74, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x49, 0x00, 0x30, 0x46, 0x02,
	0x21, 0x00, 0xff, 0xbf, 0x1c, 0x95, 0x80, 0x42, 0x8d, 0x59, 0xcd, 0x0d,
	0xa2, 0x02, 0xc4, 0x8c, 0x6d, 0x2e, 0x4f, 0x49, 0x41, 0x01, 0x0f, 0xcf,
	0xed, 0xff, 0x8c, 0xa9, 0xd3, 0xe3, 0x7a, 0x65, 0xcb, 0x82, 0x02, 0x21,
	0x00, 0xef, 0x21, 0x39, 0x48, 0x55, 0x42, 0x86, 0x79, 0x39, 0x9b, 0x39,
	0x63, 0x0d, 0x27, 0xcc, 0x17, 0xd5, 0x4e, 0xd2, 0x60, 0x4a, 0x77, 0x61,
	0x82, 0xbc, 0xd7, 0x6e, 0x15, 0x06, 0xdb, 0x01, 0xb3,
};
static uint8_t client_der[369] = {
	0x30, 0x82, 0x01, 0x6d, 0x30, 0x82, 0x01, 0x12, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x01, 0x05, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x04, 0x03, 0x02, 0x30, 0x2d, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03,
	0x55, 0x04, 0x0a, 0x0c, 0x09, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75,
	0x7a, 0x7a, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x0e, 0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x72,
	0x6f, 0x6f, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x30, 0x30, 0x31, 0x30,
	0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x34, 0x39,
	0x31, 0x32, 0x33, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x30,
	0x1b, 0x31, 0x19, 0x30, 0x17, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x10,
	0x6d, 0x6f, 0x6f, 0x72, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x63, 0x6c,
	0x69, 0x65, 0x6e, 0x74, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86,
	0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xdc, 0x61, 0x3d, 0x97, 0xa5,
	0xaf, 0xae, 0xbc, 0x00, 0x41, 0xc2, 0x60, 0x7a, 0xb2, 0xab, 0xd8, 0x5b,
	0x48, 0xed, 0xe0, 0x65, 0x72, 0x60, 0xc5, 0xc1, 0x0c, 0x11, 0x12, 0x9c,
	0x29, 0xf4, 0x3b, 0x83, 0xe6, 0x5c, 0x23, 0xef, 0xe1, 0xa8, 0x30, 0xf9,
	0x3c, 0x82, 0x53, 0x65, 0x3e, 0x2c, 0x1e, 0x1e, 0xf7, 0xae, 0x1b, 0xb0,
	0x3e, 0x5a, 0x58, 0xd3, 0x26, 0x95, 0xc3, 0x95, 0x02, 0x44, 0x09, 0xa3,
	0x35, 0x30, 0x33, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01,
	0xff, 0x04, 0x02, 0x30, 0x00, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f,
	0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x07, 0x80, 0x30, 0x13, 0x06,
	0x03, 0x55, 0x1d, 0x25, 0x04, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06,
	0x01, 0x05, 0x05, 0x07, 0x03, 0x02, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x49, 0x00, 0x30, 0x46, 0x02,
	0x21, 0x00, 0xc9, 0x8c, 0xbe, 0xe2, 0x0b, 0xed, 0x9f, 0x1f, 0xb9, 0x2b,
	0x3f, 0xed, 0x6d, 0x83, 0x47, 0xd2, 0x73, 0x55, 0x3d, 0xbe, 0xf9, 0x89,
	0xf4, 0x21, 0x33, 0x52, 0x0e, 0x27, 0x9a, 0x8d, 0x7d, 0xfe, 0x02, 0x21,
	0x00, 0x80, 0xd8, 0x3e, 0x4c, 0xf0, 0x3a, 0xa8, 0xb6, 0x87, 0x38, 0x49,
	0x16, 0xe1, 0x25, 0x48, 0x39, 0xfb, 0x0a, 0x56, 0x8f, 0xa9, 0x1d, 0x18,
	0x0d, 0x7f, 0xb5, 0xad, 0x61, 0xcb, 0xff, 0xea, 0xb2,
};
static uint8_t leaf_p256_x[32] = {
	0x64, 0xdf, 0xf9, 0x31, 0x94, 0xc6, 0x5d, 0x03, 0xf9, 0x3a, 0x61, 0xaf,
	0x57, 0x12, 0xf6, 0x2f, 0x7d, 0x38, 0xc4, 0xc2, 0x75, 0x34, 0xcf, 0xce,
	0x7e, 0xf9, 0x16, 0x07, 0x34, 0x6f, 0x79, 0xdc,
};
static uint8_t leaf_p384_x[48] = {
	0x15, 0x51, 0x66, 0xfb, 0xb7, 0x7f, 0x1e, 0xeb, 0x19, 0xf2, 0xcd, 0x60,
	0x6b, 0x36, 0x11, 0x8d, 0x5b, 0xc2, 0x62, 0x8c, 0x65, 0x33, 0x3a, 0xc2,
	0x3d, 0xec, 0xa0, 0xbc, 0x72, 0x2a, 0xff, 0x62, 0x68, 0x49, 0xa9, 0xeb,
	0xfe, 0xd7, 0x40, 0xc7, 0xfb, 0xc2, 0xf1, 0x23, 0xdb, 0xee, 0xbf, 0x5e,
};
static uint8_t client_x[32] = {
	0x0e, 0x4d, 0x2d, 0xbc, 0x94, 0x3e, 0x08, 0x57, 0x15, 0xbf, 0xff, 0x61,
	0x24, 0x7e, 0x16, 0x98, 0x93, 0xca, 0xb2, 0x1e, 0xe5, 0xaa, 0xa6, 0x08,
	0xbb, 0xba, 0x2e, 0xd1, 0xa9, 0x59, 0xb9, 0x1a,
};
static uint8_t rsa_p[128] = {
	0xb8, 0xf8, 0x19, 0x5f, 0x44, 0xad, 0xbc, 0xa8, 0x6f, 0xdb, 0x19, 0x76,
	0x5e, 0x62, 0xcb, 0xf0, 0x0b, 0x9e, 0xce, 0x2f, 0xfd, 0x58, 0x36, 0x79,
	0xf1, 0x10, 0x51, 0x22, 0xc1, 0x56, 0x6f, 0x09, 0xc0, 0x97, 0xa5, 0xa9,
	0xf6, 0xbc, 0x72, 0x73, 0x61, 0x03, 0x1d, 0x90, 0x15, 0x3b, 0x12, 0xb7,
	0x32, 0xd0, 0x4e, 0xf3, 0x13, 0xba, 0xa1, 0x62, 0xb5, 0x30, 0x23, 0x8d,
	0x9a, 0x73, 0x17, 0xbe, 0x29, 0xa8, 0x73, 0x75, 0x90, 0x85, 0xf4, 0x93,
	0xed, 0xbc, 0x19, 0x0b, 0xaa, 0xbf, 0x07, 0xd3, 0x6e, 0x9a, 0x2f, 0x54,
	0xb4, 0xf4, 0x54, 0x88, 0x48, 0x2b, 0x7c, 0x95, 0xe1, 0x59, 0xc4, 0x91,
	0x31, 0x52, 0x28, 0x6a, 0x10, 0xf7, 0x8f, 0x35, 0xad, 0x36, 0xc2, 0x09,
	0x32, 0xdd, 0xea, 0x65, 0xa4, 0x34, 0x8d, 0x39, 0x81, 0xce, 0x26, 0xb4,
	0x0b, 0x19, 0x75, 0xaa, 0x0f, 0x38, 0x80, 0xd1,
};
static uint8_t rsa_q[128] = {
	0xb5, 0x1a, 0xde, 0xa9, 0x28, 0xd4, 0x45, 0xc0, 0x22, 0x77, 0x10, 0xa8,
	0x7c, 0x24, 0x92, 0xf5, 0x9e, 0xc5, 0x92, 0x43, 0x16, 0xb7, 0x4c, 0x8d,
	0xdc, 0xff, 0x6c, 0x7b, 0x3e, 0x32, 0x55, 0xda, 0x73, 0x57, 0xab, 0xa3,
	0xe5, 0x76, 0xa6, 0x5e, 0xcc, 0x5a, 0xf2, 0xd5, 0xf7, 0xe2, 0x5e, 0xd2,
	0xd7, 0x4c, 0x61, 0xe1, 0xe1, 0x5a, 0x8c, 0xea, 0xf2, 0x5b, 0x79, 0x63,
	0x6a, 0x8b, 0xfe, 0x43, 0xb2, 0x63, 0x3c, 0xdb, 0xb8, 0x4e, 0x82, 0xb9,
	0x9d, 0x64, 0xfc, 0x85, 0x69, 0x06, 0x63, 0x7d, 0x4d, 0xd7, 0x21, 0x66,
	0xd9, 0xfa, 0x04, 0x15, 0xeb, 0x5f, 0x36, 0xe9, 0x9c, 0xd3, 0x84, 0xa3,
	0xd8, 0x6b, 0xbf, 0xb0, 0x68, 0xb5, 0xf3, 0xbc, 0xa9, 0x41, 0x34, 0x59,
	0xdf, 0x7a, 0xbb, 0x5f, 0x20, 0xd0, 0x2a, 0x5f, 0x8d, 0x55, 0x88, 0xfa,
	0xa9, 0x75, 0x4e, 0x6b, 0xf7, 0xb6, 0x10, 0x4b,
};
static uint8_t rsa_dp[128] = {
	0x0b, 0xd6, 0xfd, 0xb0, 0xc6, 0x71, 0xa4, 0x88, 0xd7, 0x98, 0x1b, 0xba,
	0x22, 0xf2, 0x8a, 0x01, 0x54, 0x8d, 0x16, 0xbf, 0xa5, 0xa4, 0xd6, 0xdf,
	0xd9, 0x59, 0x65, 0x08, 0x27, 0x7e, 0x03, 0xdf, 0x88, 0xef, 0x6c, 0x10,
	0x44, 0x15, 0xed, 0xf1, 0x8a, 0xbd, 0x2b, 0x50, 0x44, 0xbb, 0xa2, 0x48,
	0x0d, 0xbd, 0x9d, 0xc0, 0x1b, 0x7c, 0x2f, 0xc6, 0x64, 0xb8, 0xaf, 0x1d,
	0xea, 0x4c, 0x01, 0xb2, 0x0f, 0x72, 0x93, 0xe9, 0x6b, 0x95, 0xd7, 0x80,
	0xfc, 0x8f, 0xb4, 0xbe, 0xb5, 0x70, 0x42, 0xec, 0xfa, 0xc0, 0x6d, 0xd5,
	0x2b, 0x3c, 0x14, 0x89, 0x20, 0xad, 0x7f, 0xed, 0x0c, 0x1e, 0xb5, 0xe1,
	0x61, 0x59, 0xd3, 0xf2, 0x6e, 0x21, 0x9a, 0x8e, 0x22, 0x07, 0x46, 0x46,
	0x56, 0x76, 0x34, 0x01, 0xcb, 0x8f, 0xfd, 0x96, 0x37, 0xc3, 0xdd, 0x60,
	0x5a, 0xf1, 0x87, 0x41, 0x9a, 0x75, 0xd0, 0x71,
};
static uint8_t rsa_dq[128] = {
	0x17, 0x67, 0xef, 0x9b, 0x01, 0x31, 0xde, 0x09, 0xe4, 0xea, 0x6a, 0x76,
	0xbc, 0x04, 0xa6, 0x11, 0xa4, 0x81, 0x78, 0x53, 0xbf, 0x5d, 0xd5, 0x41,
	0x08, 0x6c, 0xe2, 0x82, 0x53, 0x19, 0x82, 0x4b, 0x07, 0x59, 0x2f, 0x4f,
	0xb1, 0x5a, 0x52, 0x4a, 0x32, 0x33, 0x16, 0xeb, 0x5c, 0x6c, 0x1f, 0x41,
	0x34, 0x9e, 0x24, 0x90, 0x62, 0xe5, 0xa7, 0x0c, 0xbe, 0x61, 0xe0, 0x20,
	0x5f, 0x26, 0xd4, 0xa7, 0xbf, 0x28, 0x60, 0x37, 0x2d, 0x6c, 0xc8, 0x2c,
	0x61, 0x11, 0x2a, 0x29, 0xbb, 0xd7, 0x1d, 0x88, 0x96, 0x44, 0xd5, 0x86,
	0x4b, 0x69, 0xaa, 0x99, 0x82, 0x9f, 0xfd, 0xa2, 0xd7, 0xa7, 0xe6, 0x9e,
	0x9e, 0x5b, 0xde, 0x9c, 0x58, 0x0c, 0x1c, 0x02, 0x28, 0x05, 0xcb, 0x54,
	0x4a, 0x33, 0xbc, 0x7f, 0xa0, 0xe8, 0x06, 0x71, 0xee, 0xfc, 0x3d, 0x05,
	0xd8, 0x5c, 0xd6, 0xd3, 0xd1, 0x61, 0xf0, 0x5d,
};
static uint8_t rsa_iq[128] = {
	0x9d, 0x12, 0xc5, 0xa6, 0x6b, 0x06, 0xa5, 0x26, 0x3d, 0xc3, 0x67, 0x10,
	0x8a, 0xe4, 0xe0, 0xde, 0x76, 0x67, 0x99, 0xd4, 0x34, 0x17, 0x50, 0x65,
	0xcc, 0xc3, 0xad, 0xfb, 0xe2, 0xf6, 0xc4, 0xea, 0x32, 0xd0, 0xb5, 0x12,
	0x7c, 0xd9, 0x0a, 0x9b, 0x47, 0x35, 0x5a, 0x6f, 0x15, 0xbd, 0xe0, 0x35,
	0x56, 0x00, 0x7c, 0xda, 0x72, 0x46, 0x02, 0xe5, 0x9d, 0xc2, 0x6f, 0x48,
	0x9c, 0xaf, 0xfa, 0xd6, 0x76, 0x7c, 0xca, 0x14, 0xc1, 0xe5, 0x06, 0x54,
	0xe6, 0xe9, 0x8d, 0x4c, 0x4c, 0x59, 0x35, 0xc5, 0xb9, 0x6e, 0x8c, 0x36,
	0x2f, 0x6a, 0x07, 0xe1, 0xf3, 0x5e, 0xda, 0x26, 0xc6, 0x8c, 0x3b, 0x3b,
	0x07, 0x92, 0x58, 0x07, 0xf7, 0xb7, 0xb8, 0xf5, 0x9b, 0x95, 0xf3, 0x07,
	0xd6, 0xf3, 0xc9, 0x27, 0xe8, 0x9b, 0xe1, 0xa3, 0xa4, 0x05, 0xa1, 0xfd,
	0xe9, 0xf3, 0xb9, 0xf6, 0xb2, 0xce, 0x1e, 0x0d,
};

/* Fixed server key-exchange scalars. */
static const uint8_t srv_x25519[32] = {
	0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72,
	0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a,
	0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a
};
static const uint8_t srv_p256[32] = {
	0x1c, 0x2b, 0x3a, 0x49, 0x58, 0x67, 0x76, 0x85, 0x94, 0xa3, 0xb2, 0xc1,
	0xd0, 0xef, 0xfe, 0x0d, 0x1c, 0x2b, 0x3a, 0x49, 0x58, 0x67, 0x76, 0x85,
	0x94, 0xa3, 0xb2, 0xc1, 0xd0, 0xef, 0xfe, 0x0d
};
static const uint8_t srv_p384[48] = {
	0x2c, 0x3b, 0x4a, 0x59, 0x68, 0x77, 0x86, 0x95, 0xa4, 0xb3, 0xc2, 0xd1,
	0xe0, 0xff, 0x0e, 0x1d, 0x2c, 0x3b, 0x4a, 0x59, 0x68, 0x77, 0x86, 0x95,
	0xa4, 0xb3, 0xc2, 0xd1, 0xe0, 0xff, 0x0e, 0x1d, 0x2c, 0x3b, 0x4a, 0x59,
	0x68, 0x77, 0x86, 0x95, 0xa4, 0xb3, 0xc2, 0xd1, 0xe0, 0xff, 0x0e, 0x1d
};

/* The resumption ticket the harness stores (cfg bit7). */
static const uint8_t ticket_psk[48] = {
	0x50, 0x53, 0x4b, 0x21, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
	0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
	0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c
};
static const char ticket_id[] = "moor fuzz ticket identity";

/* ------------------------------------------------------------------ */
/* The fake platform. */

static uint32_t clock_ms;

static uint32_t f_now(void *ctx)
{
	(void)ctx;
	clock_ms += 3;
	return clock_ms;
}

static int f_wall(void *ctx, int64_t *t)
{
	(void)ctx;
	*t = FUZZ_NOW;
	return MOOR_OK;
}

static int f_entropy(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x42, len);
	return MOOR_OK;
}

static const moor_platform plat = { NULL, f_now, f_wall, f_entropy, NULL };

/* ------------------------------------------------------------------ */
/* The engine and what it is given: exact-size buffers. */

static uint8_t ibuf512[MOOR_TLS13_IN_BUFSIZE(512)], obuf512[MOOR_TLS13_OUT_BUFSIZE(512)];
static uint8_t ibuf16k[MOOR_TLS13_IN_BUFSIZE(16384)], obuf16k[MOOR_TLS13_OUT_BUFSIZE(16384)];
static uint8_t *ib, *ob;
static size_t icap, ocap;

static moor_tls13_engine eng;
static moor_x509 x509;
static br_x509_trust_anchor ta;
static moor_anchors anchors;
static moor_tls13_ticket ticket;
static moor_credentials creds;
static br_ec_public_key client_pk;
static uint8_t client_q[65];
static br_rsa_public_key client_rsa_pk;
static uint8_t client_rsa_n[256], client_rsa_e[4];
static br_rsa_private_key rsa_sk;

static int inside(const uint8_t *p, size_t n, const uint8_t *lo, size_t cap)
{
	return p != NULL && p >= lo && n <= cap && (size_t)(p - lo) <= cap - n;
}

/* ------------------------------------------------------------------ */
/* Piece sizes. */

static uint32_t ck_rng;
static unsigned ck_seed, ck_fixed, eager;

static size_t chunk(size_t max)
{
	static const size_t fixed[8] = { 0, 1, 2, 3, 5, 16, 100, (size_t)-1 };
	static const size_t span[4] = { 1, 7, 64, 2000 };
	size_t n;

	if (max == 0)
		return 0;
	if (ck_fixed != 0)
		n = fixed[ck_fixed];
	else if (ck_seed == 0)
		n = max;
	else {
		ck_rng ^= ck_rng << 13;
		ck_rng ^= ck_rng >> 17;
		ck_rng ^= ck_rng << 5;
		n = 1 + ck_rng % span[ck_seed & 3];
	}
	return n < max ? n : max;
}

static int coin(void)
{
	ck_rng ^= ck_rng << 13;
	ck_rng ^= ck_rng >> 17;
	ck_rng ^= ck_rng << 5;
	return (ck_rng >> 7) & 1;
}

/* ------------------------------------------------------------------ */
/* A strict ClientHello reader (the engine's encoder is under test). */

typedef struct {
	const uint8_t *p;
	size_t left;
} rd;

static unsigned g8(rd *r)
{
	CHECK(r->left >= 1);
	r->left--;
	return *r->p++;
}

static unsigned g16(rd *r)
{
	unsigned v = g8(r) << 8;

	return v | g8(r);
}

static const uint8_t *gn(rd *r, size_t n)
{
	const uint8_t *s = r->p;

	CHECK(r->left >= n);
	r->p += n;
	r->left -= n;
	return s;
}

static rd gsub(rd *r, size_t n)
{
	rd s;

	s.p = gn(r, n);
	s.left = n;
	return s;
}

#define MAX_LIST 16

typedef struct {
	const uint8_t *msg;
	size_t len;
	const uint8_t *sid;
	size_t sid_len;
	uint16_t suites[MAX_LIST], groups[MAX_LIST];
	size_t n_suites, n_groups;
	uint16_t share_group[MOOR_TLS13_MAX_SHARES];
	const uint8_t *share[MOOR_TLS13_MAX_SHARES];
	size_t share_len[MOOR_TLS13_MAX_SHARES], n_shares;
	const uint8_t *cookie;
	size_t cookie_len;
	int sni, mfl;
	unsigned rsl;
	int psk;
	const uint8_t *identity, *binder;
	size_t identity_len, binder_len;
} ch_info;

static int in16(const uint16_t *l, size_t n, unsigned v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (l[i] == v)
			return 1;
	}
	return 0;
}

static size_t group_pub_len(unsigned g)
{
	return g == 29 ? 32 : g == 23 ? 65 : g == 24 ? 97 : 0;
}

/* Parse the engine's ClientHello; anything malformed traps. */
static void parse_ch(const uint8_t *msg, size_t len, ch_info *ch)
{
	rd r, b, x;
	size_t n, i;
	uint64_t seen = 0;
	int sv13 = 0, sigalgs = 0, modes = 0;

	memset(ch, 0, sizeof *ch);
	ch->msg = msg;
	ch->len = len;
	r.p = msg;
	r.left = len;
	CHECK(g8(&r) == MOOR_HS_CLIENT_HELLO);
	n = g8(&r) << 16;
	n |= g16(&r);
	CHECK(n == r.left);
	b = gsub(&r, n);
	CHECK(g16(&b) == 0x0303);
	(void)gn(&b, 32);
	ch->sid_len = g8(&b);
	CHECK(ch->sid_len == 0 || ch->sid_len == 32);
	ch->sid = gn(&b, ch->sid_len);
	n = g16(&b);
	CHECK(n >= 2 && n % 2 == 0 && n / 2 <= MAX_LIST);
	for (i = 0; i < n / 2; i++) {
		ch->suites[i] = (uint16_t)g16(&b);
		CHECK(moor_tls13_suite_hash(ch->suites[i]) != NULL);
		CHECK(!in16(ch->suites, i, ch->suites[i]));
	}
	ch->n_suites = n / 2;
	CHECK(g8(&b) == 1 && g8(&b) == 0);
	x = gsub(&b, g16(&b));
	CHECK(b.left == 0);
	while (x.left > 0) {
		unsigned type = g16(&x);
		rd e = gsub(&x, g16(&x)), l;

		CHECK(!ch->psk);  /* pre_shared_key comes last */
		if (type < 64) {
			CHECK(!(seen >> type & 1));
			seen |= (uint64_t)1 << type;
		}
		switch (type) {
		case MOOR_EXT_SERVER_NAME:
			l = gsub(&e, g16(&e));
			CHECK(g8(&l) == 0);
			n = g16(&l);
			CHECK(n == strlen(SERVER_NAME) && memcmp(gn(&l, n), SERVER_NAME, n) == 0);
			CHECK(l.left == 0);
			ch->sni = 1;
			break;
		case MOOR_EXT_MAX_FRAGMENT_LENGTH:
			ch->mfl = (int)g8(&e);
			CHECK(ch->mfl >= 1 && ch->mfl <= 4);
			break;
		case MOOR_EXT_SUPPORTED_GROUPS:
			n = g16(&e);
			CHECK(n >= 2 && n % 2 == 0 && n / 2 <= MAX_LIST);
			for (i = 0; i < n / 2; i++) {
				ch->groups[i] = (uint16_t)g16(&e);
				CHECK(group_pub_len(ch->groups[i]) != 0);
				CHECK(!in16(ch->groups, i, ch->groups[i]));
			}
			ch->n_groups = n / 2;
			break;
		case MOOR_EXT_SIGNATURE_ALGORITHMS:
		case MOOR_EXT_SIGNATURE_ALGORITHMS_CERT:
			n = g16(&e);
			CHECK(n >= 2 && n % 2 == 0);
			(void)gn(&e, n);
			if (type == MOOR_EXT_SIGNATURE_ALGORITHMS)
				sigalgs = 1;
			break;
		case MOOR_EXT_RECORD_SIZE_LIMIT:
			ch->rsl = g16(&e);
			CHECK(ch->rsl >= 64 && ch->rsl <= 16385);
			break;
		case MOOR_EXT_SUPPORTED_VERSIONS:
			n = g8(&e);
			CHECK(n >= 2 && n % 2 == 0);
			for (i = 0; i < n / 2; i++) {
				if (g16(&e) == 0x0304)
					sv13 = 1;
			}
			break;
		case MOOR_EXT_COOKIE:
			ch->cookie_len = g16(&e);
			CHECK(ch->cookie_len > 0);
			ch->cookie = gn(&e, ch->cookie_len);
			break;
		case MOOR_EXT_PSK_KEY_EXCHANGE_MODES:
			n = g8(&e);
			CHECK(n >= 1);
			for (i = 0; i < n; i++) {
				if (g8(&e) == 1)
					modes = 1;  /* psk_dhe_ke */
			}
			break;
		case MOOR_EXT_KEY_SHARE:
			l = gsub(&e, g16(&e));
			while (l.left > 0) {
				CHECK(ch->n_shares < MOOR_TLS13_MAX_SHARES);
				ch->share_group[ch->n_shares] = (uint16_t)g16(&l);
				ch->share_len[ch->n_shares] = g16(&l);
				ch->share[ch->n_shares] = gn(&l, ch->share_len[ch->n_shares]);
				CHECK(ch->share_len[ch->n_shares]
					== group_pub_len(ch->share_group[ch->n_shares]));
				ch->n_shares++;
			}
			CHECK(ch->n_shares >= 1);
			break;
		case MOOR_EXT_PRE_SHARED_KEY:
			l = gsub(&e, g16(&e));     /* identities */
			ch->identity_len = g16(&l);
			ch->identity = gn(&l, ch->identity_len);
			(void)g16(&l);
			(void)g16(&l);             /* obfuscated_ticket_age */
			CHECK(l.left == 0 && ch->identity_len > 0);
			l = gsub(&e, g16(&e));     /* binders */
			ch->binder_len = g8(&l);
			ch->binder = gn(&l, ch->binder_len);
			CHECK(l.left == 0 && (ch->binder_len == 32 || ch->binder_len == 48));
			ch->psk = 1;
			break;
		default:
			CHECK(0);  /* nothing else is ever sent */
		}
		CHECK(e.left == 0);
	}
	CHECK(sv13 && sigalgs && ch->n_groups > 0);
	/* Shares: in supported_groups order, each a listed group. */
	for (i = 0; i < ch->n_shares; i++) {
		CHECK(in16(ch->groups, ch->n_groups, ch->share_group[i]));
		CHECK(!in16(ch->share_group, i, ch->share_group[i]));
	}
	if (ch->psk)
		CHECK(modes);
}

/* ------------------------------------------------------------------ */
/* The server side of the scripted mode. */

enum { S_WAIT_CH1 = 0, S_WAIT_CH2, S_HS, S_APP };

#define S2C_CAP (1u << 18)
#define APP_CAP (1u << 17)
#define NST_MAX 8

typedef struct {
	int scripted;
	unsigned srv0, srv1, cfg;
	const uint8_t *items;
	size_t items_left;
	size_t n_items;

	int phase;
	unsigned suite;
	const br_hash_class *h;
	size_t hl;
	unsigned leaf;               /* 0 P-256, 1 P-384, 2 RSA, 3 P-256 + root */
	int resumed, hrr_sent;
	uint16_t hrr_group;
	uint8_t sid[32];
	size_t sid_len;
	uint8_t cookie[16];
	size_t cookie_len;
	int ch_psk_ok;
	int ch_mfl;
	unsigned ch_rsl;
	int ch_sni;
	moor_tls13_transcript tr;
	moor_tls13_ks ks;
	moor_tls13_rec tx, rx;
	int tx_keyed, rx_phase;      /* rx_phase: 0 clear, 1 c_hs, 2 c_ap */

	/* The handshake messages the server sent. */
	uint8_t t_hdr[4];
	size_t t_hdr_have, t_left;
	uint8_t t_body[4];
	size_t t_body_have;
	int t_post;                  /* after the server Finished */
	int sw_app, sw_ku;
	uint8_t th_sf[MOOR_TLS13_HASH_MAX];
	int cr_sent, ku_requests;

	/* Bytes for the engine. */
	size_t s2c_len, s2c_off;
	int overflow;

	/* Records from the client. */
	uint8_t c_rec[5 + MOOR_TLS13_MAX_CIPHERTEXT];
	size_t c_have;
	uint8_t c_hs[24576];          /* handshake messages being collected */
	size_t c_hs_have;
	int ch_count, ccs_count, client_done;
	int cf_expect;                /* 0 Certificate, 1 CertificateVerify, 2 Finished */
	int client_ku;
	int sw_c_app, sw_c_ku;

	/* Application data. */
	size_t cli_app_len, cli_app_seen, srv_app_len, srv_app_seen;

	/* Genuine tickets sent. */
	unsigned n_nst;
	uint8_t nst_nonce[NST_MAX], nst_fill[NST_MAX];
	size_t nst_len[NST_MAX];

	int expect_done;
	size_t rec_max;              /* record content the client accepts */
	unsigned cr_rsa_scheme;      /* low byte of the RSA-PSS scheme expected, 0xff: unknown */
	unsigned cr_pending;         /* the same for a genuine request being sent */
	int ec_small;
} server;

static server S;
static uint8_t s2c[S2C_CAP];
static uint8_t cli_app[APP_CAP], srv_app[APP_CAP];
static uint8_t scratch[20000];
static ch_info ch1;
static uint8_t ch1_copy[24576];

static void s2c_put(const uint8_t *p, size_t n)
{
	if (S.overflow || S2C_CAP - S.s2c_len < n) {
		S.overflow = 1;
		return;
	}
	memcpy(s2c + S.s2c_len, p, n);
	S.s2c_len += n;
}

/* One record of `type` with content p[0..n) (may alias s2c's free
 * space), protected once the server has keys. */
static void srv_record(unsigned type, const uint8_t *p, size_t n, size_t pad)
{
	uint8_t *at = s2c + S.s2c_len;
	size_t room = S2C_CAP - S.s2c_len;
	int r;

	if (n > 16384)
		n = 16384;
	if (n + 1 + pad > MOOR_TLS13_MAX_INNER)
		pad = MOOR_TLS13_MAX_INNER - 1 - n;
	if (S.overflow || room < 5 + n + 1 + pad + MOOR_TLS13_TAG_LEN) {
		S.overflow = 1;
		return;
	}
	if (!S.tx_keyed) {
		at[0] = (uint8_t)type;
		at[1] = 3;
		at[2] = 3;
		at[3] = (uint8_t)(n >> 8);
		at[4] = (uint8_t)n;
		memmove(at + 5, p, n);
		S.s2c_len += 5 + n;
		return;
	}
	memmove(at + 5, p, n);
	r = moor_tls13_rec_seal(&S.tx, at, room, n, (uint8_t)type, pad);
	CHECK(r > 0);
	S.s2c_len += (size_t)r;
}

/* Follow the server's handshake bytes: transcript, key changes. */
static void track(const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k, i;

		if (S.t_hdr_have < 4) {
			S.t_hdr[S.t_hdr_have++] = *p;
			if (!S.t_post)
				moor_tls13_transcript_update(&S.tr, p, 1);
			p++;
			n--;
			if (S.t_hdr_have < 4)
				continue;
			S.t_left = (size_t)S.t_hdr[1] << 16 | (size_t)S.t_hdr[2] << 8 | S.t_hdr[3];
			S.t_body_have = 0;
		} else {
			k = n < S.t_left ? n : S.t_left;
			if (!S.t_post)
				moor_tls13_transcript_update(&S.tr, p, k);
			for (i = 0; i < k && S.t_body_have < sizeof S.t_body; i++)
				S.t_body[S.t_body_have++] = p[i];
			S.t_left -= k;
			p += k;
			n -= k;
		}
		if (S.t_left > 0)
			continue;
		/* A whole message went by. */
		S.t_hdr_have = 0;
		if (!S.t_post && S.phase == S_HS) {
			if (S.t_hdr[0] == MOOR_HS_FINISHED) {
				CHECK(moor_tls13_transcript_hash(&S.tr, S.h, S.th_sf) == (int)S.hl);
				S.t_post = 1;
				S.sw_app = 1;
			} else if (S.t_hdr[0] == MOOR_HS_CERTIFICATE_REQUEST) {
				S.cr_sent = 1;
				S.cr_rsa_scheme = S.cr_pending;
				S.cr_pending = 0xff;
			}
		} else if (S.t_post && S.t_hdr[0] == MOOR_HS_KEY_UPDATE
			&& S.t_hdr[1] == 0 && S.t_hdr[2] == 0 && S.t_hdr[3] == 1
			&& S.t_body_have == 1 && S.t_body[0] <= 1) {
			S.sw_ku++;
			if (S.t_body[0] == 1)
				S.ku_requests++;
		}
	}
}

/* Key changes due after the record that carried them. */
static void srv_switch(void)
{
	if (S.sw_app) {
		S.sw_app = 0;
		CHECK(moor_tls13_ks_master(&S.ks, S.th_sf) == MOOR_OK);
		CHECK(moor_tls13_rec_init(&S.tx, S.suite, S.ks.s_ap, S.hl) == MOOR_OK);
		S.phase = S_APP;
	}
	for (; S.sw_ku > 0; S.sw_ku--) {
		CHECK(moor_tls13_ks_update(&S.ks, 1) == MOOR_OK);
		CHECK(moor_tls13_rec_init(&S.tx, S.suite, S.ks.s_ap, S.hl) == MOOR_OK);
	}
}

/* Handshake bytes already tracked, cut into records of at most `max`. */
static void srv_cut(const uint8_t *p, size_t n, size_t max, size_t pad)
{
	while (n > 0) {
		size_t k = n < max ? n : max;

		srv_record(MOOR_TLS13_CT_HANDSHAKE, p, k, pad);
		p += k;
		n -= k;
	}
}

/* Handshake bytes: tracked, then cut into records of at most `max`
 * bytes (0: the client's limit), then the key changes they carried. */
static void srv_hs(const uint8_t *p, size_t n, size_t max, size_t pad)
{
	track(p, n);
	srv_cut(p, n, max != 0 ? max : S.rec_max, pad);
	srv_switch();
}

static void put24(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

/* The server's key share and the shared secret for the client's share. */
static size_t srv_kex(unsigned group, const uint8_t *cpub, size_t cpub_len,
	uint8_t *pub, uint8_t *shared)
{
	const br_ec_impl *ec = br_ec_get_default();
	const uint8_t *x = group == 29 ? srv_x25519 : group == 23 ? srv_p256 : srv_p384;
	size_t xl = group == 24 ? 48 : 32, pl, sl;
	uint8_t pt[97];

	pl = ec->mulgen(pub, x, xl, (int)group);
	CHECK(pl == cpub_len);
	memcpy(pt, cpub, cpub_len);
	CHECK(ec->mul(pt, cpub_len, x, xl, (int)group) == 1);
	if (group == 29) {
		memcpy(shared, pt, 32);
		sl = 32;
	} else {
		sl = (cpub_len - 1) / 2;
		memcpy(shared, pt + 1, sl);
	}
	return sl;
}

static void name_hash(const char *name, uint8_t out[16])
{
	br_sha256_context c;
	uint8_t h[32];

	br_sha256_init(&c);
	if (name != NULL)
		br_sha256_update(&c, name, strlen(name));
	br_sha256_out(&c, h);
	memcpy(out, h, 16);
}

/* The binder of a ClientHello, checked against the stored ticket. */
static int binder_ok(const ch_info *ch)
{
	moor_tls13_transcript t = S.tr;
	const br_hash_class *h = moor_tls13_suite_hash(ticket.suite);
	moor_tls13_ks ks;
	uint8_t th[MOOR_TLS13_HASH_MAX], key[MOOR_TLS13_HASH_MAX];

	if (ch->identity_len != ticket.len || memcmp(ch->identity, ticket.data, ticket.len) != 0)
		return 0;
	CHECK(ch->binder_len == ticket.psk_len);
	moor_tls13_transcript_update(&t, ch->msg, ch->len - (3 + ch->binder_len));
	CHECK(moor_tls13_transcript_hash(&t, h, th) > 0);
	CHECK(moor_tls13_ks_init(&ks, ticket.suite) == MOOR_OK);
	CHECK(moor_tls13_ks_early(&ks, ticket.psk, ticket.psk_len) == MOOR_OK);
	CHECK(moor_tls13_ks_binder_key(&ks, 0, key) == MOOR_OK);
	CHECK(moor_tls13_finished_check(h, key, th, ch->binder, ch->binder_len) == MOOR_OK);
	return 1;
}

static void srv_server_hello(const ch_info *ch)
{
	uint8_t *m = scratch, pub[97], shared[48], th[MOOR_TLS13_HASH_MAX];
	size_t n = 0, ext, sl, pl;
	unsigned idx = S.srv1 & 3, group;

	CHECK(ch->n_shares >= 1);
	if (S.hrr_sent && S.hrr_group != 0)
		CHECK(ch->n_shares == 1 && ch->share_group[0] == S.hrr_group);
	idx %= (unsigned)ch->n_shares;
	group = ch->share_group[idx];
	pl = ch->share_len[idx];
	sl = srv_kex(group, ch->share[idx], pl, pub, shared);

	S.resumed = ch->psk && S.ch_psk_ok && (S.srv0 & 0x10)
		&& moor_tls13_suite_hash(ticket.suite) == S.h;
	m[n++] = MOOR_HS_SERVER_HELLO;
	n += 3;
	m[n++] = 3;
	m[n++] = 3;
	memset(m + n, 0x5e, 32);
	n += 32;
	m[n++] = (uint8_t)S.sid_len;
	memcpy(m + n, S.sid, S.sid_len);
	n += S.sid_len;
	m[n++] = (uint8_t)(S.suite >> 8);
	m[n++] = (uint8_t)S.suite;
	m[n++] = 0;
	ext = n;
	n += 2;
	m[n++] = 0;
	m[n++] = MOOR_EXT_SUPPORTED_VERSIONS;
	m[n++] = 0;
	m[n++] = 2;
	m[n++] = 3;
	m[n++] = 4;
	m[n++] = 0;
	m[n++] = MOOR_EXT_KEY_SHARE;
	m[n++] = (uint8_t)((4 + pl) >> 8);
	m[n++] = (uint8_t)(4 + pl);
	m[n++] = (uint8_t)(group >> 8);
	m[n++] = (uint8_t)group;
	m[n++] = (uint8_t)(pl >> 8);
	m[n++] = (uint8_t)pl;
	memcpy(m + n, pub, pl);
	n += pl;
	if (S.resumed) {
		m[n++] = 0;
		m[n++] = MOOR_EXT_PRE_SHARED_KEY;
		m[n++] = 0;
		m[n++] = 2;
		m[n++] = 0;
		m[n++] = 0;
	}
	m[ext] = (uint8_t)((n - ext - 2) >> 8);
	m[ext + 1] = (uint8_t)(n - ext - 2);
	put24(m + 1, n - 4);

	if (!S.hrr_sent)
		CHECK(moor_tls13_transcript_select(&S.tr, S.suite) == MOOR_OK);
	moor_tls13_transcript_update(&S.tr, m, n);
	CHECK(moor_tls13_transcript_hash(&S.tr, S.h, th) == (int)S.hl);
	CHECK(moor_tls13_ks_init(&S.ks, S.suite) == MOOR_OK);
	if (S.resumed)
		CHECK(moor_tls13_ks_early(&S.ks, ticket.psk, ticket.psk_len) == MOOR_OK);
	else
		CHECK(moor_tls13_ks_early(&S.ks, NULL, 0) == MOOR_OK);
	CHECK(moor_tls13_ks_handshake(&S.ks, shared, sl, th) == MOOR_OK);

	if (S.srv1 & 0x10) {
		srv_record(MOOR_TLS13_CT_HANDSHAKE, m, n / 2, 0);
		srv_record(MOOR_TLS13_CT_HANDSHAKE, m + n / 2, n - n / 2, 0);
	} else {
		srv_record(MOOR_TLS13_CT_HANDSHAKE, m, n, 0);
	}
	CHECK(moor_tls13_rec_init(&S.tx, S.suite, S.ks.s_hs, S.hl) == MOOR_OK);
	CHECK(moor_tls13_rec_init(&S.rx, S.suite, S.ks.c_hs, S.hl) == MOOR_OK);
	S.tx_keyed = 1;
	S.rx_phase = 1;
	S.phase = S_HS;
}

static void srv_hello_retry(const ch_info *ch)
{
	uint8_t *m = scratch;
	size_t n = 0, ext, i;

	/* Ask for a group the client supports but sent no share for. */
	S.hrr_group = 0;
	for (i = 0; i < ch->n_groups && S.hrr_group == 0; i++) {
		if (!in16(ch->share_group, ch->n_shares, ch->groups[i]))
			S.hrr_group = ch->groups[i];
	}
	S.cookie_len = (S.srv0 & 0x08) || S.hrr_group == 0 ? sizeof S.cookie : 0;
	memset(S.cookie, 0xc0, sizeof S.cookie);
	m[n++] = MOOR_HS_SERVER_HELLO;
	n += 3;
	m[n++] = 3;
	m[n++] = 3;
	memcpy(m + n, moor_tls13_hrr_random, 32);
	n += 32;
	m[n++] = (uint8_t)S.sid_len;
	memcpy(m + n, S.sid, S.sid_len);
	n += S.sid_len;
	m[n++] = (uint8_t)(S.suite >> 8);
	m[n++] = (uint8_t)S.suite;
	m[n++] = 0;
	ext = n;
	n += 2;
	m[n++] = 0;
	m[n++] = MOOR_EXT_SUPPORTED_VERSIONS;
	m[n++] = 0;
	m[n++] = 2;
	m[n++] = 3;
	m[n++] = 4;
	if (S.hrr_group != 0) {
		m[n++] = 0;
		m[n++] = MOOR_EXT_KEY_SHARE;
		m[n++] = 0;
		m[n++] = 2;
		m[n++] = (uint8_t)(S.hrr_group >> 8);
		m[n++] = (uint8_t)S.hrr_group;
	}
	if (S.cookie_len > 0) {
		m[n++] = 0;
		m[n++] = MOOR_EXT_COOKIE;
		m[n++] = 0;
		m[n++] = (uint8_t)(S.cookie_len + 2);
		m[n++] = 0;
		m[n++] = (uint8_t)S.cookie_len;
		memcpy(m + n, S.cookie, S.cookie_len);
		n += S.cookie_len;
	}
	m[ext] = (uint8_t)((n - ext - 2) >> 8);
	m[ext + 1] = (uint8_t)(n - ext - 2);
	put24(m + 1, n - 4);
	CHECK(moor_tls13_transcript_select(&S.tr, S.suite) == MOOR_OK);
	CHECK(moor_tls13_transcript_hrr(&S.tr) == MOOR_OK);
	moor_tls13_transcript_update(&S.tr, m, n);
	srv_record(MOOR_TLS13_CT_HANDSHAKE, m, n, 0);
	S.hrr_sent = 1;
	S.phase = S_WAIT_CH2;
}

/* A whole ClientHello from the engine. */
static void on_client_hello(const uint8_t *msg, size_t len)
{
	ch_info ch;

	parse_ch(msg, len, &ch);
	S.ch_count++;
	CHECK(S.ch_count <= 2);
	CHECK(ch.sid_len == ((S.cfg & 0x04) ? 0u : 32u));
	CHECK(ch.sni == !(S.cfg & 0x08));
	if (S.ch_count == 1) {
		CHECK(!ch.cookie);
		CHECK(len <= sizeof ch1_copy);
		memcpy(ch1_copy, msg, len);
		parse_ch(ch1_copy, len, &ch1);
		memcpy(S.sid, ch.sid, ch.sid_len);
		S.sid_len = ch.sid_len;
		S.ch_mfl = ch.mfl;
		S.ch_rsl = ch.rsl;
		S.ch_sni = ch.sni;
		S.rec_max = ch.rsl != 0 ? ch.rsl - 1u : ch.mfl != 0 ? (size_t)256 << ch.mfl : 16384;
		/* An offered ticket is the one stored, with a right binder. */
		S.ch_psk_ok = 0;
		if (ch.psk) {
			CHECK((S.cfg & 0x80) && ticket.valid);
			S.ch_psk_ok = binder_ok(&ch);
			CHECK(S.ch_psk_ok);
		}
	} else {
		/* After the HRR: same offer, the asked-for share, the cookie. */
		CHECK(ch.sid_len == S.sid_len && memcmp(ch.sid, S.sid, S.sid_len) == 0);
		CHECK(ch.n_suites == ch1.n_suites
			&& memcmp(ch.suites, ch1.suites, sizeof ch.suites) == 0);
		if (!S.scripted)
			return;  /* raw mode: the HRR is the fuzzer's */
		CHECK(S.hrr_sent && ch.cookie_len == S.cookie_len);
		if (S.cookie_len > 0)
			CHECK(memcmp(ch.cookie, S.cookie, S.cookie_len) == 0);
		if (S.hrr_group != 0)
			CHECK(ch.n_shares == 1 && ch.share_group[0] == S.hrr_group);
		else
			CHECK(ch.n_shares == ch1.n_shares
				&& memcmp(ch.share_group, ch1.share_group, sizeof ch.share_group) == 0);
		S.ch_psk_ok = 0;
		if (ch.psk) {
			CHECK(moor_tls13_suite_hash(ticket.suite) == S.h);
			S.ch_psk_ok = binder_ok(&ch);
			CHECK(S.ch_psk_ok);
		}
	}
	if (!S.scripted)
		return;
	if (S.ch_count == 1) {
		S.suite = ch.suites[(S.srv0 & 3) % ch.n_suites];
		S.h = moor_tls13_suite_hash(S.suite);
		S.hl = S.h == &br_sha384_vtable ? 48 : 32;
		moor_tls13_transcript_update(&S.tr, msg, len);
		if (S.srv0 & 0x04) {
			srv_hello_retry(&ch);
			return;
		}
	} else {
		moor_tls13_transcript_update(&S.tr, msg, len);
	}
	srv_server_hello(&ch);
}

/* The CertificateVerify content hash (RFC 8446 4.4.3). */
static void cv_hash(const br_hash_class *h, const char *label, const uint8_t *th,
	size_t th_len, uint8_t *out)
{
	br_hash_compat_context c;
	uint8_t sp[64];

	memset(sp, 0x20, sizeof sp);
	h->init(&c.vtable);
	h->update(&c.vtable, sp, sizeof sp);
	h->update(&c.vtable, label, strlen(label) + 1);
	h->update(&c.vtable, th, th_len);
	h->out(&c.vtable, out);
}

/* A whole handshake message from the client (decrypted). */
static void on_client_msg(const uint8_t *m, size_t len)
{
	uint8_t th[MOOR_TLS13_HASH_MAX], hv[64];
	size_t n;

	CHECK(S.scripted && S.rx_phase >= 1);
	CHECK(moor_tls13_transcript_hash(&S.tr, S.h, th) == (int)S.hl || S.rx_phase == 2);
	switch (m[0]) {
	case MOOR_HS_CERTIFICATE:
		CHECK(S.rx_phase == 1 && S.cf_expect == 0 && S.cr_sent);
		CHECK(len >= 8 && m[4] == 0);
		n = (size_t)m[5] << 16 | (size_t)m[6] << 8 | m[7];
		CHECK(n == len - 8);
		if (n > 0) {
			size_t dl = creds.chain[0].data_len;

			CHECK(creds.chain_len == 1 && n == 3 + dl + 2);
			CHECK(m[8] == 0 && m[9] == (uint8_t)(dl >> 8) && m[10] == (uint8_t)dl);
			CHECK(memcmp(m + 11, creds.chain[0].data, dl) == 0);
			CHECK(m[len - 2] == 0 && m[len - 1] == 0);
		}
		S.cf_expect = n > 0 ? 1 : 2;
		break;
	case MOOR_HS_CERTIFICATE_VERIFY:
		CHECK(S.rx_phase == 1 && S.cf_expect == 1 && len >= 8);
		n = (size_t)m[6] << 8 | m[7];
		CHECK(n == len - 8);
		if (creds.key_type == BR_KEYTYPE_EC) {
			CHECK(m[4] == 0x04 && m[5] == 0x03);
			cv_hash(&br_sha256_vtable, "TLS 1.3, client CertificateVerify", th, S.hl, hv);
			CHECK(br_ecdsa_i31_vrfy_asn1(br_ec_get_default(), hv, 32, &client_pk, m + 8, n) == 1);
		} else {
			/* RSA-PSS, the first of 0x0804..0x0806 the request listed. */
			const br_hash_class *h = m[5] == 0x04 ? &br_sha256_vtable
				: m[5] == 0x05 ? &br_sha384_vtable : &br_sha512_vtable;
			size_t hl = (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;

			CHECK(m[4] == 0x08 && m[5] >= 0x04 && m[5] <= 0x06);
			CHECK(S.cr_rsa_scheme == 0xff || m[5] == S.cr_rsa_scheme);
			cv_hash(h, "TLS 1.3, client CertificateVerify", th, S.hl, hv);
			CHECK(moor_rsa_pss_verify(br_rsa_public_get_default(), h, hv, hl,
				&client_rsa_pk, m + 8, n) == MOOR_OK);
		}
		S.cf_expect = 2;
		break;
	case MOOR_HS_FINISHED:
		CHECK(S.rx_phase == 1);
		CHECK(S.cf_expect == 2 || (S.cf_expect == 0 && !S.cr_sent));
		CHECK(len == 4 + S.hl);
		CHECK(moor_tls13_finished_check(S.h, S.ks.c_hs, th, m + 4, len - 4) == MOOR_OK);
		S.sw_c_app = 1;
		break;
	case MOOR_HS_KEY_UPDATE:
		CHECK(S.rx_phase == 2 && len == 5 && m[4] == 0);
		S.client_ku++;
		CHECK(S.client_ku <= S.ku_requests);
		S.sw_c_ku++;
		break;
	default:
		CHECK(0);
	}
	if (S.rx_phase == 1)
		moor_tls13_transcript_update(&S.tr, m, len);
	if (m[0] == MOOR_HS_FINISHED) {
		CHECK(moor_tls13_transcript_hash(&S.tr, S.h, th) == (int)S.hl);
		CHECK(moor_tls13_ks_resumption(&S.ks, th) == MOOR_OK);
	}
}

/* Handshake bytes of the client: whole messages to on_client_msg(). */
static void client_hs_bytes(const uint8_t *p, size_t n, int clear)
{
	while (n > 0) {
		size_t need, k;

		if (S.c_hs_have < 4) {
			need = 4;
		} else {
			need = 4 + ((size_t)S.c_hs[1] << 16 | (size_t)S.c_hs[2] << 8 | S.c_hs[3]);
			CHECK(need <= sizeof S.c_hs);
		}
		k = need - S.c_hs_have < n ? need - S.c_hs_have : n;
		memcpy(S.c_hs + S.c_hs_have, p, k);
		S.c_hs_have += k;
		p += k;
		n -= k;
		if (S.c_hs_have < 4)
			continue;
		need = 4 + ((size_t)S.c_hs[1] << 16 | (size_t)S.c_hs[2] << 8 | S.c_hs[3]);
		CHECK(need <= sizeof S.c_hs);
		if (S.c_hs_have < need)
			continue;
		S.c_hs_have = 0;
		if (clear)
			on_client_hello(S.c_hs, need);
		else
			on_client_msg(S.c_hs, need);
	}
}

/* One whole record from the client. */
static void on_client_record(uint8_t *rec, size_t len)
{
	size_t n = len - 5;
	uint8_t ct;
	int r;

	CHECK(!S.client_done);  /* nothing after an alert */
	CHECK(rec[1] == 3 && (rec[2] == 3 || (rec[2] == 1 && rec[0] == MOOR_TLS13_CT_HANDSHAKE)));
	switch (rec[0]) {
	case MOOR_TLS13_CT_HANDSHAKE:
		CHECK(S.rx_phase == 0 && n > 0 && n <= 16384);
		/* 0x0301 only in the first ClientHello's records. */
		CHECK((rec[2] == 1) == (S.ch_count == 0));
		client_hs_bytes(rec + 5, n, 1);
		return;
	case MOOR_TLS13_CT_CHANGE_CIPHER_SPEC:
		CHECK(n == 1 && rec[5] == 1 && !(S.cfg & 0x04));
		S.ccs_count++;
		CHECK(S.ccs_count == 1);
		return;
	case MOOR_TLS13_CT_ALERT:
		CHECK(n == 2 && (rec[5] == 1 || rec[5] == 2));
		S.client_done = 1;
		return;
	case MOOR_TLS13_CT_APPLICATION_DATA:
		break;
	default:
		CHECK(0);
	}
	CHECK(n <= MOOR_TLS13_MAX_CIPHERTEXT);
	if (!S.scripted)
		return;  /* raw mode: the server's keys are unknown */
	CHECK(S.rx_phase >= 1);
	r = moor_tls13_rec_open(&S.rx, rec, len, &ct);
	CHECK(r >= 0);
	n = (size_t)r;
	switch (ct) {
	case MOOR_TLS13_CT_HANDSHAKE:
		CHECK(n > 0);
		client_hs_bytes(rec + 5, n, 0);
		break;
	case MOOR_TLS13_CT_APPLICATION_DATA:
		CHECK(S.rx_phase == 2 && S.c_hs_have == 0);
		CHECK(n > 0 && n <= S.cli_app_len - S.cli_app_seen);
		CHECK(memcmp(rec + 5, cli_app + S.cli_app_seen, n) == 0);
		S.cli_app_seen += n;
		break;
	case MOOR_TLS13_CT_ALERT:
		CHECK(n == 2 && (rec[5] == 1 || rec[5] == 2));
		S.client_done = 1;
		break;
	default:
		CHECK(0);
	}
	if (S.sw_c_app) {
		S.sw_c_app = 0;
		CHECK(moor_tls13_rec_init(&S.rx, S.suite, S.ks.c_ap, S.hl) == MOOR_OK);
		S.rx_phase = 2;
	}
	for (; S.sw_c_ku > 0; S.sw_c_ku--) {
		CHECK(moor_tls13_ks_update(&S.ks, 0) == MOOR_OK);
		CHECK(moor_tls13_rec_init(&S.rx, S.suite, S.ks.c_ap, S.hl) == MOOR_OK);
	}
}

/* Bytes the engine sent: cut into records. */
static void client_bytes(const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t need = 5, k;

		if (S.c_have >= 5)
			need = 5 + ((size_t)S.c_rec[3] << 8 | S.c_rec[4]);
		k = need - S.c_have < n ? need - S.c_have : n;
		memcpy(S.c_rec + S.c_have, p, k);
		S.c_have += k;
		p += k;
		n -= k;
		if (S.c_have < 5)
			continue;
		need = 5 + ((size_t)S.c_rec[3] << 8 | S.c_rec[4]);
		CHECK(need > 5 && need <= sizeof S.c_rec);  /* no empty record */
		if (S.c_have == need) {
			on_client_record(S.c_rec, S.c_have);
			S.c_have = 0;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Genuine server messages. */

enum { G_EE = 0, G_CR, G_CERT, G_CV, G_FIN, G_NST, G_KU, G_FLIGHT };

static uint8_t opt(const uint8_t *d, size_t n, size_t i)
{
	return i < n ? d[i] : 0;
}

static size_t msg_hdr(uint8_t *m, unsigned type, size_t body)
{
	m[0] = (uint8_t)type;
	put24(m + 1, body);
	return 4 + body;
}

static size_t make_ee(uint8_t *m, unsigned f, unsigned rsl_sel)
{
	size_t n = 6;
	unsigned rsl = rsl_sel == 0 ? 16385 : 64 + (rsl_sel - 1) * 64;

	if (f & 1) {
		memcpy(m + n, "\x00\x00\x00\x00", 4);
		n += 4;
	}
	if (f & 2) {
		memcpy(m + n, "\x00\x1c\x00\x02", 4);
		m[n + 4] = (uint8_t)(rsl >> 8);
		m[n + 5] = (uint8_t)rsl;
		n += 6;
	}
	if (f & 4) {
		memcpy(m + n, "\x00\x01\x00\x01", 4);
		m[n + 4] = (uint8_t)(S.ch_mfl != 0 ? S.ch_mfl : 1);
		n += 5;
	}
	if (f & 8) {
		memcpy(m + n, "\x00\x0a\x00\x06\x00\x04\x00\x1d\x00\x17", 10);
		n += 10;
	}
	m[4] = (uint8_t)((n - 6) >> 8);
	m[5] = (uint8_t)(n - 6);
	return msg_hdr(m, MOOR_HS_ENCRYPTED_EXTENSIONS, n - 4);
}

static size_t make_cr(uint8_t *m, unsigned f)
{
	size_t n = 4;

	if (f & 1) {
		m[n++] = 1;
		m[n++] = 0xab;
	} else {
		m[n++] = 0;
	}
	if (f & 2) {
		/* Nothing the client can sign with. */
		memcpy(m + n, "\x00\x08\x00\x0d\x00\x04\x00\x02\x06\x01", 10);
		n += 10;
		S.cr_pending = 0;
	} else if (f & 4) {
		/* RSA-PSS with SHA-512 and SHA-384 only. */
		memcpy(m + n, "\x00\x0a\x00\x0d\x00\x06\x00\x04\x08\x06\x08\x05", 12);
		n += 12;
		S.cr_pending = 0x05;
	} else {
		memcpy(m + n, "\x00\x0c\x00\x0d\x00\x08\x00\x06\x06\x01\x04\x03\x08\x04", 14);
		n += 14;
		S.cr_pending = 0x04;
	}
	return msg_hdr(m, MOOR_HS_CERTIFICATE_REQUEST, n - 4);
}

static void leaf_of(const uint8_t **der, size_t *len)
{
	switch (S.leaf) {
	case 1:
		*der = leaf_p384_der;
		*len = sizeof leaf_p384_der;
		break;
	case 2:
		*der = leaf_rsa_der;
		*len = sizeof leaf_rsa_der;
		break;
	default:
		*der = leaf_p256_der;
		*len = sizeof leaf_p256_der;
		break;
	}
}

static size_t make_cert(uint8_t *m, unsigned f)
{
	const uint8_t *der;
	size_t dl, n = 8;

	leaf_of(&der, &dl);
	m[4] = 0;
	put24(m + n, dl);
	memcpy(m + n + 3, der, dl);
	n += 3 + dl;
	m[n++] = 0;
	m[n++] = 0;
	if ((f & 1) || S.leaf == 3) {
		put24(m + n, sizeof root_der);
		memcpy(m + n + 3, root_der, sizeof root_der);
		n += 3 + sizeof root_der;
		m[n++] = 0;
		m[n++] = 0;
	}
	put24(m + 5, n - 8);
	return msg_hdr(m, MOOR_HS_CERTIFICATE, n - 4);
}

static size_t make_cv(uint8_t *m, unsigned f)
{
	uint8_t th[MOOR_TLS13_HASH_MAX], hv[64], salt[64];
	const br_hash_class *h;
	unsigned scheme;
	size_t hl;
	int sl;

	CHECK(moor_tls13_transcript_hash(&S.tr, S.h, th) == (int)S.hl || S.t_post);
	switch (S.leaf) {
	case 1:
		scheme = 0x0503;
		h = &br_sha384_vtable;
		break;
	case 2:
		scheme = (f & 4) ? 0x0806 : 0x0804;
		h = (f & 4) ? &br_sha512_vtable : &br_sha256_vtable;
		break;
	default:
		scheme = 0x0403;
		h = &br_sha256_vtable;
		break;
	}
	hl = (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
	cv_hash(h, "TLS 1.3, server CertificateVerify", th, S.hl, hv);
	if (S.leaf == 2) {
		memset(salt, 0x5a, sizeof salt);
		sl = moor_rsa_pss_sign(br_rsa_private_get_default(), h, hv, hl, &rsa_sk,
			salt, hl, m + 8, 512);
	} else {
		br_ec_private_key sk;

		sk.curve = S.leaf == 1 ? BR_EC_secp384r1 : BR_EC_secp256r1;
		sk.x = S.leaf == 1 ? leaf_p384_x : leaf_p256_x;
		sk.xlen = S.leaf == 1 ? sizeof leaf_p384_x : sizeof leaf_p256_x;
		sl = (int)br_ecdsa_i31_sign_asn1(br_ec_get_default(), h, hv, &sk, m + 8);
	}
	CHECK(sl > 0);
	if (f & 1)
		m[8 + sl / 2] ^= 0x10;
	if (f & 2)
		scheme = scheme == 0x0804 ? 0x0403 : 0x0804;
	m[4] = (uint8_t)(scheme >> 8);
	m[5] = (uint8_t)scheme;
	m[6] = (uint8_t)(sl >> 8);
	m[7] = (uint8_t)sl;
	return msg_hdr(m, MOOR_HS_CERTIFICATE_VERIFY, 4 + (size_t)sl);
}

static size_t make_fin(uint8_t *m, unsigned f)
{
	uint8_t th[MOOR_TLS13_HASH_MAX];

	if (S.phase != S_HS || S.t_post) {
		memset(m + 4, 0, S.hl != 0 ? S.hl : 32);
		return msg_hdr(m, MOOR_HS_FINISHED, S.hl != 0 ? S.hl : 32);
	}
	CHECK(moor_tls13_transcript_hash(&S.tr, S.h, th) == (int)S.hl);
	CHECK(moor_tls13_finished(S.h, S.ks.s_hs, th, m + 4) == MOOR_OK);
	if (f & 1)
		m[4] ^= 1;
	return msg_hdr(m, MOOR_HS_FINISHED, S.hl);
}

static size_t make_nst(uint8_t *m, unsigned nonce, unsigned tlen, unsigned f)
{
	size_t n = 4;
	uint32_t life = (f & 1) ? 604801u : (f & 2) ? 0u : 3600u;
	uint8_t fill = (uint8_t)(0x70 + S.n_nst);

	m[n++] = (uint8_t)(life >> 24);
	m[n++] = (uint8_t)(life >> 16);
	m[n++] = (uint8_t)(life >> 8);
	m[n++] = (uint8_t)life;
	memcpy(m + n, "\x11\x22\x33\x44", 4);
	n += 4;
	m[n++] = 1;
	m[n++] = (uint8_t)nonce;
	m[n++] = 0;
	m[n++] = (uint8_t)tlen;
	memset(m + n, fill, tlen);
	n += tlen;
	if (f & 4) {
		memcpy(m + n, "\x00\x08\x00\x2a\x00\x04\x00\x00\x40\x00", 10);
		n += 10;
	} else {
		m[n++] = 0;
		m[n++] = 0;
	}
	if (S.n_nst < NST_MAX) {
		S.nst_nonce[S.n_nst] = (uint8_t)nonce;
		S.nst_fill[S.n_nst] = fill;
		S.nst_len[S.n_nst] = tlen;
		S.n_nst++;
	}
	return msg_hdr(m, MOOR_HS_NEW_SESSION_TICKET, n - 4);
}

/* Is the stored ticket one of ours? Then its PSK is the RFC's. */
static void check_ticket(void)
{
	uint8_t psk[MOOR_TLS13_HASH_MAX];
	unsigned i;

	if (!S.scripted || eng.tickets == 0 || !ticket.valid)
		return;
	for (i = 0; i < S.n_nst; i++) {
		size_t k;
		int same = ticket.len == S.nst_len[i];

		for (k = 0; same && k < ticket.len; k++)
			same = ticket.data[k] == S.nst_fill[i];
		if (!same)
			continue;
		CHECK(S.ks.stage == MOOR_TLS13_KS_RESUMPTION);
		CHECK(moor_tls13_resumption_psk(S.h, S.ks.res_master, &S.nst_nonce[i], 1, psk) == MOOR_OK);
		CHECK(ticket.psk_len == S.hl && memcmp(ticket.psk, psk, S.hl) == 0);
		CHECK(ticket.suite == S.suite && ticket.lifetime == 3600 && ticket.age_add == 0x11223344);
		return;
	}
}

static void genuine(const uint8_t *d, size_t n, size_t pad)
{
	uint8_t *m = scratch;
	unsigned which = opt(d, n, 0) & 7, o1 = opt(d, n, 1), o2 = opt(d, n, 2);
	size_t len;

	switch (which) {
	case G_EE:
		len = make_ee(m, o1, o2);
		break;
	case G_CR:
		len = make_cr(m, o1);
		break;
	case G_CERT:
		len = make_cert(m, o1);
		break;
	case G_CV:
		len = make_cv(m, o1);
		break;
	case G_FIN:
		len = make_fin(m, o1);
		break;
	case G_NST:
		len = make_nst(m, o1, o2, opt(d, n, 3));
		break;
	case G_KU:
		m[4] = (uint8_t)(o1 & 1);
		len = msg_hdr(m, MOOR_HS_KEY_UPDATE, 1);
		break;
	default: {
		/* The whole flight: o1 bit0 CertificateRequest, bit1 the root
		 * in the chain; o2 record size (0: a record per message). */
		size_t max = o2, at;
		/* Acknowledge SNI and one limit: record_size_limit wins over
		 * max_fragment_length (RFC 8449 5). */
		unsigned f = (S.ch_sni ? 1u : 0u) | (S.ch_rsl ? 2u : S.ch_mfl ? 4u : 0u);

		if (S.n_items == 1 && pad == 0 && S.phase == S_HS
			&& !(S.cfg & 0x08) && !((S.srv0 & 0x80) && (S.srv1 & 0x08))
			&& !(S.ec_small && S.leaf == 1))
			S.expect_done = 1;
		if (max == 0 || max > S.rec_max)
			max = S.rec_max;
		len = make_ee(m, f, opt(d, n, 3));
		track(m, len);
		at = len;
		if (!S.resumed) {
			if (o1 & 1) {
				len = make_cr(m + at, 0);
				track(m + at, len);
				at += len;
			}
			len = make_cert(m + at, o1 >> 1);
			track(m + at, len);
			at += len;
			len = make_cv(m + at, 0);
			track(m + at, len);
			at += len;
		}
		len = make_fin(m + at, 0);
		track(m + at, len);
		at += len;
		/* Tracked message by message (the CertificateVerify and the
		 * Finished need the transcript up to them); now cut and seal,
		 * a record per message when o2 is 0. */
		if (o2 == 0) {
			size_t k, pos = 0;

			while (pos < at) {
				k = 4 + ((size_t)m[pos + 1] << 16 | (size_t)m[pos + 2] << 8 | m[pos + 3]);
				srv_cut(m + pos, k, max, pad);
				pos += k;
			}
		} else {
			srv_cut(m, at, max, pad);
		}
		srv_switch();
		return;
	}
	}
	srv_hs(m, len, 0, pad);
}

/* ------------------------------------------------------------------ */
/* Driving the engine. */

static size_t srv_app_push(const uint8_t *p, size_t n)
{
	if (n > APP_CAP - S.srv_app_len)
		n = APP_CAP - S.srv_app_len;
	memcpy(srv_app + S.srv_app_len, p, n);
	S.srv_app_len += n;
	return n;
}

/* State and buffers agree; returns the state. */
static unsigned check_state(void)
{
	unsigned st = moor_tls13_state(&eng);
	int err = moor_tls13_last_error(&eng);
	uint8_t *p;
	size_t len;

	CHECK((st & ~0x1fu) == 0);
	if (st & MOOR_TLS13_CLOSED) {
		CHECK(st == MOOR_TLS13_CLOSED);
		CHECK(err <= 0);
		CHECK(moor_tls13_sendrec_buf(&eng, &len) == NULL && len == 0);
		CHECK(moor_tls13_recvrec_buf(&eng, &len) == NULL && len == 0);
		CHECK(moor_tls13_recvapp_buf(&eng, &len) == NULL && len == 0);
		CHECK(moor_tls13_sendapp_buf(&eng, &len) == NULL && len == 0);
		return st;
	}
	CHECK(st != 0);  /* never stuck */
	CHECK(err <= 0);
	if (err != 0)
		CHECK(st == MOOR_TLS13_SENDREC);
	CHECK(!((st & MOOR_TLS13_RECVREC) && (st & MOOR_TLS13_RECVAPP)));
	p = moor_tls13_sendrec_buf(&eng, &len);
	if (st & MOOR_TLS13_SENDREC)
		CHECK(len > 0 && inside(p, len, ob, ocap));
	else
		CHECK(p == NULL && len == 0);
	p = moor_tls13_recvrec_buf(&eng, &len);
	if (st & MOOR_TLS13_RECVREC)
		CHECK(len > 0 && inside(p, len, ib, icap));
	else
		CHECK(p == NULL && len == 0);
	p = moor_tls13_recvapp_buf(&eng, &len);
	if (st & MOOR_TLS13_RECVAPP)
		CHECK(len > 0 && inside(p, len, ib, icap));
	else
		CHECK(p == NULL && len == 0);
	p = moor_tls13_sendapp_buf(&eng, &len);
	if (st & MOOR_TLS13_SENDAPP)
		CHECK(len > 0 && inside(p, len, ob, ocap));
	else
		CHECK(p == NULL && len == 0);
	return st;
}

/* An ack of everything offered may claim more (the engine clamps). */
static size_t over_ack(size_t k, size_t offered)
{
	if (k != offered || ck_seed == 0 || !coin())
		return 0;
	return 1 + (ck_rng & 0xff);
}

/* Sometimes: acks of nothing, or of a direction that has nothing
 * pending, which must change nothing at all. */
static void idle_acks(void)
{
	static moor_tls13_engine snap;
	unsigned st;

	if (ck_seed == 0 || moor_tls13_last_error(&eng) != 0 || !coin() || !coin())
		return;
	memcpy(&snap, &eng, sizeof eng);
	st = moor_tls13_state(&eng);
	moor_tls13_sendrec_ack(&eng, 0);
	moor_tls13_recvrec_ack(&eng, 0);
	if (!(st & MOOR_TLS13_SENDAPP))
		moor_tls13_sendapp_ack(&eng, 1);
	if (!(st & MOOR_TLS13_RECVAPP))
		moor_tls13_recvapp_ack(&eng, 0);
	CHECK(memcmp(&snap, &eng, sizeof eng) == 0);
}

static void drain_some(void)
{
	size_t len, k;
	uint8_t *p = moor_tls13_sendrec_buf(&eng, &len);

	k = chunk(len);
	idle_acks();
	client_bytes(p, k);
	moor_tls13_sendrec_ack(&eng, k + over_ack(k, len));
}

static void take_app(void)
{
	size_t len, k;
	uint8_t *p = moor_tls13_recvapp_buf(&eng, &len);

	k = chunk(len);
	if (S.scripted) {
		CHECK(k <= S.srv_app_len - S.srv_app_seen);
		CHECK(memcmp(p, srv_app + S.srv_app_seen, k) == 0);
		S.srv_app_seen += k;
	}
	moor_tls13_recvapp_ack(&eng, k + over_ack(k, len));
}

static const uint8_t *raw_in;
static size_t raw_left;

static void feed_some(const uint8_t **src, size_t *left)
{
	size_t len, k;
	uint8_t *p = moor_tls13_recvrec_buf(&eng, &len);

	k = chunk(len < *left ? len : *left);
	memcpy(p, *src, k);
	*src += k;
	*left -= k;
	moor_tls13_recvrec_ack(&eng, k + over_ack(k, len));
	idle_acks();
}

/* Drain everything the engine has to send. */
static void drain_all(void)
{
	unsigned i;

	for (i = 0; i < 100000; i++) {
		unsigned st = check_state();

		if (!(st & MOOR_TLS13_SENDREC))
			return;
		drain_some();
	}
	CHECK(0);
}

static void client_write(const uint8_t *d, size_t n, int flush)
{
	unsigned i;

	for (i = 0; n > 0 && i < 100000; i++) {
		unsigned st = check_state();
		uint8_t *p;
		size_t len, k;

		if (st & MOOR_TLS13_SENDREC) {
			drain_some();
			continue;
		}
		if (!(st & MOOR_TLS13_SENDAPP))
			return;
		p = moor_tls13_sendapp_buf(&eng, &len);
		k = chunk(len < n ? len : n);
		memcpy(p, d, k);
		if (k > APP_CAP - S.cli_app_len)
			return;
		memcpy(cli_app + S.cli_app_len, d, k);
		S.cli_app_len += k;
		moor_tls13_sendapp_ack(&eng, k + over_ack(k, len));
		d += k;
		n -= k;
	}
	if (flush)
		moor_tls13_flush(&eng);
}

/* Take the next script item; returns 0 when there is none. */
static int next_item(void)
{
	static const size_t pads[4] = { 0, 1, 40, 400 };
	unsigned ctl, kind;
	const uint8_t *d;
	size_t n;

	if (S.items_left < 3 || S.overflow)
		return 0;
	ctl = S.items[0];
	n = (size_t)S.items[1] << 8 | S.items[2];
	S.items += 3;
	S.items_left -= 3;
	if (n > S.items_left)
		n = S.items_left;
	d = S.items;
	S.items += n;
	S.items_left -= n;
	kind = ctl & 7;
	ck_fixed = ctl >> 5;
	S.n_items++;
	switch (kind) {
	case 0:
		/* As one record, whatever the client's limit. */
		srv_hs(d, n, 16384, pads[(ctl >> 3) & 3]);
		break;
	case 1:
		if (n > 16384)
			n = 16384;
		srv_record(MOOR_TLS13_CT_APPLICATION_DATA, d, n, pads[(ctl >> 3) & 3]);
		if (n > 0 && S.tx_keyed)
			srv_app_push(d, n);
		break;
	case 2:
		srv_record(MOOR_TLS13_CT_ALERT, d, n, pads[(ctl >> 3) & 3]);
		break;
	case 3:
		s2c_put(d, n);
		break;
	case 4:
		genuine(d, n, pads[(ctl >> 3) & 3]);
		break;
	case 5:
		if (n == 0)
			break;
		switch (d[0] & 3) {
		case 0:
			client_write(d + 1, n - 1, 1);
			break;
		case 1:
			moor_tls13_close(&eng);
			break;
		case 2:
			client_write(d + 1, n - 1, 0);
			break;
		default:
			moor_tls13_flush(&eng);
			break;
		}
		break;
	case 6:
		/* A protected record of any inner content type. */
		if (n > 0 && d[0] != 0)
			srv_record(d[0], d + 1, n - 1, pads[(ctl >> 3) & 3]);
		break;
	default:
		s2c_put(d, n);
		break;
	}
	return 1;
}

/* The engine must have finished the handshake once a genuine flight
 * went through and its answer was read. */
static void check_done(void)
{
	if (!S.expect_done || S.s2c_off < S.s2c_len)
		return;
	S.expect_done = 0;
	drain_all();
	CHECK(moor_tls13_last_error(&eng) == 0);
	CHECK(moor_tls13_state(&eng) & MOOR_TLS13_SENDAPP);
	CHECK(S.rx_phase == 2);
}

static void run(void)
{
	unsigned long iter;

	for (iter = 0;; iter++) {
		unsigned st = check_state();
		const uint8_t **src;
		size_t *left;
		const uint8_t *sp;
		size_t sl;

		CHECK(iter < LOOP_MAX);
		if (st & MOOR_TLS13_CLOSED) {
			/* A genuine flight with legal options does not fail. */
			CHECK(!S.expect_done);
			return;
		}
		if (S.scripted) {
			sp = s2c + S.s2c_off;
			sl = S.s2c_len - S.s2c_off;
			src = &sp;
			left = &sl;
		} else {
			src = &raw_in;
			left = &raw_left;
		}
		if (st & MOOR_TLS13_RECVAPP) {
			take_app();
			continue;
		}
		if ((st & MOOR_TLS13_RECVREC) && *left > 0
			&& (!(st & MOOR_TLS13_SENDREC) || (eager && coin()))) {
			feed_some(src, left);
			if (S.scripted) {
				S.s2c_off = S.s2c_len - sl;
				if (S.s2c_off == S.s2c_len)
					S.s2c_off = S.s2c_len = 0;
			}
			continue;
		}
		if (st & MOOR_TLS13_SENDREC) {
			drain_some();
			continue;
		}
		if (!S.scripted)
			return;  /* the raw input is used up */
		check_done();
		if (moor_tls13_state(&eng) & MOOR_TLS13_CLOSED)
			return;
		/* The server speaks once it has the ClientHello. */
		CHECK(S.phase >= S_HS);
		if (!next_item())
			return;
	}
}

static void finish(void)
{
	unsigned i;
	size_t k;
	int err;
	static const uint8_t zero[sizeof eng.ks];

	moor_tls13_close(&eng);
	for (i = 0; i < 200000; i++) {
		unsigned st = check_state();

		if (st & MOOR_TLS13_CLOSED)
			break;
		CHECK(st & MOOR_TLS13_SENDREC);  /* only sending is left to do */
		drain_some();
	}
	CHECK(moor_tls13_state(&eng) == MOOR_TLS13_CLOSED);
	err = moor_tls13_last_error(&eng);
	CHECK(err <= 0);
	/* CLOSED is final: nothing the driver does changes it. */
	moor_tls13_sendrec_ack(&eng, 7);
	moor_tls13_recvrec_ack(&eng, 7);
	moor_tls13_recvapp_ack(&eng, 7);
	moor_tls13_sendapp_ack(&eng, 7);
	moor_tls13_flush(&eng);
	moor_tls13_close(&eng);
	CHECK(check_state() == MOOR_TLS13_CLOSED && moor_tls13_last_error(&eng) == err);
	check_ticket();
	moor_tls13_wipe(&eng);
	CHECK(memcmp(eng.ks.secret, zero, sizeof eng.ks.secret) == 0);
	CHECK(memcmp(eng.ks.c_ap, zero, sizeof eng.ks.c_ap) == 0);
	CHECK(memcmp(eng.ks.res_master, zero, sizeof eng.ks.res_master) == 0);
	for (k = 0; k < sizeof eng.kx; k++)
		CHECK(((const uint8_t *)eng.kx)[k] == 0);
}

static int sign_hook(void *ctx, unsigned scheme, const uint8_t *hash, size_t hash_len,
	uint8_t *sig, size_t sig_cap)
{
	br_ec_private_key sk;
	size_t n;

	(void)ctx;
	if (S.srv1 & 0x08)
		return MOOR_ERR_TLS_CLIENT_AUTH;
	if (creds.key_type == BR_KEYTYPE_RSA) {
		uint8_t salt[64];
		const br_hash_class *h = scheme == 0x0804 ? &br_sha256_vtable
			: scheme == 0x0805 ? &br_sha384_vtable : &br_sha512_vtable;

		CHECK(scheme >= 0x0804 && scheme <= 0x0806);
		CHECK(hash_len == ((h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK));
		memset(salt, 0x33, sizeof salt);
		return moor_rsa_pss_sign(br_rsa_private_get_default(), h, hash, hash_len,
			&rsa_sk, salt, hash_len, sig, sig_cap);
	}
	CHECK(scheme == 0x0403 && hash_len == 32);
	if (sig_cap < 72)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	sk.curve = BR_EC_secp256r1;
	sk.x = client_x;
	sk.xlen = sizeof client_x;
	n = br_ecdsa_i31_sign_asn1(br_ec_get_default(), &br_sha256_vtable, hash, &sk, sig);
	return n > 0 ? (int)n : MOOR_ERR_TLS_CLIENT_AUTH;
}

/* One-time: the RSA key and the public keys the server checks with. */
static void setup_keys(void)
{
	static int done;
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	br_ec_private_key csk;

	if (done)
		return;
	done = 1;
	rsa_sk.n_bitlen = 2048;
	rsa_sk.p = rsa_p;
	rsa_sk.plen = sizeof rsa_p;
	rsa_sk.q = rsa_q;
	rsa_sk.qlen = sizeof rsa_q;
	rsa_sk.dp = rsa_dp;
	rsa_sk.dplen = sizeof rsa_dp;
	rsa_sk.dq = rsa_dq;
	rsa_sk.dqlen = sizeof rsa_dq;
	rsa_sk.iq = rsa_iq;
	rsa_sk.iqlen = sizeof rsa_iq;
	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, leaf_rsa_der, sizeof leaf_rsa_der);
	pk = br_x509_decoder_get_pkey(&dc);
	CHECK(pk != NULL && pk->key_type == BR_KEYTYPE_RSA);
	CHECK(pk->key.rsa.nlen <= sizeof client_rsa_n && pk->key.rsa.elen <= sizeof client_rsa_e);
	memcpy(client_rsa_n, pk->key.rsa.n, pk->key.rsa.nlen);
	memcpy(client_rsa_e, pk->key.rsa.e, pk->key.rsa.elen);
	client_rsa_pk.n = client_rsa_n;
	client_rsa_pk.nlen = pk->key.rsa.nlen;
	client_rsa_pk.e = client_rsa_e;
	client_rsa_pk.elen = pk->key.rsa.elen;
	csk.curve = BR_EC_secp256r1;
	csk.x = client_x;
	csk.xlen = sizeof client_x;
	client_pk.qlen = br_ec_compute_pub(br_ec_get_default(), &client_pk, client_q, &csk);
	CHECK(client_pk.qlen == 65);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t groups_a[] = { 23, 24, 29 };
	static const uint16_t groups_b[] = { 24, 29, 23 };
	static const uint16_t suites_b[] = { 0x1302, 0x1303, 0x1301 };
	moor_tls13_params p;
	unsigned cfg, frag;
	int r;

	if (size < 2)
		return 0;
	setup_keys();
	cfg = data[0];
	if ((cfg & 0x02) && size < 4)
		return 0;
	memset(&S, 0, sizeof S);
	S.cfg = cfg;
	S.cr_pending = S.cr_rsa_scheme = 0xff;
	S.ec_small = (data[1] & 0x40) != 0;
	S.scripted = (cfg & 0x02) != 0;
	ck_seed = data[1] & 0x3fu;
	eager = (data[1] & 0x80) != 0;
	ck_fixed = 0;
	ck_rng = 0x2545f491u ^ ((uint32_t)data[1] * 0x9e3779b9u);
	if (ck_rng == 0)
		ck_rng = 1;
	clock_ms = 1000;
	if (S.scripted) {
		S.srv0 = data[2];
		S.srv1 = data[3];
		S.leaf = (S.srv0 >> 5) & 3;
		S.items = data + 4;
		S.items_left = size - 4;
		moor_tls13_transcript_init(&S.tr);
	} else {
		raw_in = data + 2;
		raw_left = size - 2;
		moor_tls13_transcript_init(&S.tr);
	}

	frag = (cfg & 1) ? 16384 : 512;
	if (frag == 512) {
		ib = ibuf512;
		icap = sizeof ibuf512;
		ob = obuf512;
		ocap = sizeof obuf512;
	} else {
		ib = ibuf16k;
		icap = sizeof ibuf16k;
		ob = obuf16k;
		ocap = sizeof obuf16k;
	}

	ta.dn.data = root_dn;
	ta.dn.len = sizeof root_dn;
	ta.flags = BR_X509_TA_CA;
	ta.pkey.key_type = BR_KEYTYPE_EC;
	ta.pkey.key.ec.curve = BR_EC_secp256r1;
	ta.pkey.key.ec.q = root_q;
	ta.pkey.key.ec.qlen = sizeof root_q;
	anchors.ta = &ta;
	anchors.names = NULL;
	anchors.count = 1;
	moor_x509_init(&x509, &anchors, MOOR_SSL_VERIFY_FULL, FUZZ_NOW, NULL, 0);

	memset(&p, 0, sizeof p);
	p.server_name = (cfg & 0x08) ? NULL : SERVER_NAME;
	p.x509 = &x509;
	switch ((cfg >> 4) & 3) {
	case 1:
		p.n_shares = 2;
		break;
	case 2:
		p.groups = groups_a;
		p.n_groups = 3;
		break;
	case 3:
		p.groups = groups_b;
		p.n_groups = 3;
		p.n_shares = 3;
		break;
	default:
		break;
	}
	if (cfg & 0x40) {
		p.suites = suites_b;
		p.n_suites = 3;
	}
	p.no_compat = (cfg & 0x04) ? 1 : 0;
	if (S.ec_small)
		p.ec = &moor_ec_small;

	memset(&ticket, 0, sizeof ticket);
	if (cfg & 0x80) {
		unsigned variant = S.scripted ? (S.srv1 >> 5) & 3 : 0;

		ticket.valid = 1;
		ticket.psk_len = variant == 3 ? 48 : 32;
		ticket.suite = variant == 3 ? MOOR_TLS13_AES_256_GCM_SHA384
			: MOOR_TLS13_AES_128_GCM_SHA256;
		ticket.lifetime = 3600;
		ticket.age_add = 0x01020304;
		/* Expired: issued a lifetime and a bit ago. */
		ticket.issued_ms = variant == 1 ? clock_ms - 3600u * 1000u - 500u : clock_ms;
		name_hash(variant == 2 ? "other.moor.test" : p.server_name, ticket.name_hash);
		memcpy(ticket.psk, ticket_psk, ticket.psk_len);
		ticket.len = (uint16_t)(sizeof ticket_id - 1);
		memcpy(ticket.data, ticket_id, sizeof ticket_id - 1);
	}
	if (S.scripted || (cfg & 0x80))
		p.ticket = &ticket;

	memset(&creds, 0, sizeof creds);
	if (S.scripted && (S.srv0 & 0x80)) {
		creds.chain_len = 1;
		if (S.srv1 & 0x80) {
			/* The RSA server certificate stands in as a client one. */
			creds.chain[0].data = leaf_rsa_der;
			creds.chain[0].data_len = sizeof leaf_rsa_der;
			creds.key_type = BR_KEYTYPE_RSA;
			creds.rsa = rsa_sk;
		} else {
			creds.chain[0].data = client_der;
			creds.chain[0].data_len = sizeof client_der;
			creds.key_type = BR_KEYTYPE_EC;
			creds.ec.curve = BR_EC_secp256r1;
			creds.ec.x = client_x;
			creds.ec.xlen = sizeof client_x;
		}
		if (S.srv1 & 0x04)
			creds.sign = sign_hook;
		p.client = &creds;
	}

	r = moor_tls13_init(&eng, &p, &plat, ib, icap, ob, ocap, frag);
	if (r == MOOR_ERR_CONFIG && S.ec_small && p.n_shares == 3)
		return 0;  /* three shares, but moor_ec_small has two groups */
	CHECK(r == MOOR_OK);
	if (p.server_name == NULL) {
		/* No SNI (as moor_tls does for an IP literal): verify-full
		 * still needs the name to check, here the validator's. */
		CHECK(moor_tls13_start(&eng) == MOOR_ERR_CONFIG);
		x509.expected_host = SERVER_NAME;
		r = moor_tls13_init(&eng, &p, &plat, ib, icap, ob, ocap, frag);
		CHECK(r == MOOR_OK);
	}
	CHECK(moor_tls13_start(&eng) == MOOR_OK);
	run();
	finish();
	return 0;
}
