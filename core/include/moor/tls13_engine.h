/*
 * moor: the TLS 1.3 client engine (RFC 8446).
 *
 * An engine in BearSSL's style: it does no I/O. The caller owns the
 * context and both buffers; a driver (moor_tls, core/tls/tls.c) asks
 * moor_tls13_state() what the engine wants and moves bytes with the
 * *_buf() / *_ack() pairs:
 *
 *   MOOR_TLS13_SENDREC  record bytes are ready to go to the network:
 *                       sendrec_buf() / sendrec_ack()
 *   MOOR_TLS13_RECVREC  the engine can take record bytes from the network:
 *                       recvrec_buf() / recvrec_ack()
 *   MOOR_TLS13_SENDAPP  the handshake is done and application data can be
 *                       written: sendapp_buf() / sendapp_ack(), then flush()
 *   MOOR_TLS13_RECVAPP  decrypted application data is waiting:
 *                       recvapp_buf() / recvapp_ack()
 *   MOOR_TLS13_CLOSED   the engine stopped: moor_tls13_last_error() says
 *                       why (0 = orderly close_notify exchange)
 *
 * The bit values equal BearSSL's BR_SSL_* so one driver serves both.
 *
 * What it does: X25519 / secp256r1 / secp384r1 key shares (one share by
 * default), HelloRetryRequest (group and cookie; a second HRR is an
 * error), middlebox compatibility (a 32-byte legacy_session_id and one
 * dummy ChangeCipherSpec; the server's are dropped as RFC 8446 5 says),
 * the three TLS 1.3 suites, the server's Certificate streamed into a
 * moor_x509 validator, CertificateVerify with ECDSA P-256/P-384 and
 * RSA-PSS (moor_rsa_pss_verify), client certificates (ECDSA or RSA-PSS,
 * or the credentials' sign hook), NewSessionTicket into caller memory and
 * PSK resumption (psk_dhe_ke), KeyUpdate both ways with a flood limit,
 * close_notify and alerts both ways, max_fragment_length and
 * record_size_limit offers sized from the buffers.
 *
 * Buffers: `in` holds one incoming record (MOOR_TLS13_IN_BUFSIZE), `out`
 * one outgoing record (MOOR_TLS13_OUT_BUFSIZE); moor_tls carves both out
 * of the one buffer the caller gives it. During the handshake `out` also
 * reassembles a server handshake message that spans records (the
 * Certificate never needs that: it is streamed), so the largest such
 * message (a CertificateVerify with an RSA-4096 signature, 524 bytes) must
 * fit in `out`, which MOOR_TLS13_OUT_BUFSIZE(512) does.
 *
 * Errors are sticky: the first one is kept, an alert is queued for the
 * peer (encrypted once keys exist), and after it has been sent the engine
 * is CLOSED. Every status is documented at moor_tls13_last_error().
 */
#ifndef MOOR_TLS13_ENGINE_H
#define MOOR_TLS13_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "moor/config_defaults.h"
#include "moor/platform.h"
#include "moor/tls13.h"
#include "moor/tls13_msg.h"
#include "moor/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOOR_TLS13_CLOSED  0x0001
#define MOOR_TLS13_SENDREC 0x0002
#define MOOR_TLS13_RECVREC 0x0004
#define MOOR_TLS13_SENDAPP 0x0008
#define MOOR_TLS13_RECVAPP 0x0010

/*
 * Buffer sizes for records of at most `frag` bytes of content:
 *  in:  header 5 + content + type 1 + tag 16, plus up to 303 bytes of
 *       padding a server may add (RFC 8446 allows 2^14 + 256 in all;
 *       frag + 325 covers that at frag = 16384);
 *  out: header 5 + content + type 1 + tag 16, rounded up to frag + 85,
 *       the same split as BearSSL's TLS 1.2 buffers, so one caller buffer
 *       of MOOR_TLS_BUFSIZE(frag) serves either version.
 */
#define MOOR_TLS13_IN_BUFSIZE(frag)  ((frag) + 325)
#define MOOR_TLS13_OUT_BUFSIZE(frag) ((frag) + 85)

/* Most post-handshake messages (tickets, KeyUpdates) accepted in a row
 * without application data in between; more is a flood. */
#define MOOR_TLS13_MAX_POSTHS 32

/*
 * Largest resumption ticket kept (bytes); a larger one is dropped (the
 * session still works, the next one is not resumed). OpenSSL 3.0 servers
 * send about 200-byte tickets, but with a client certificate the ticket
 * carries it: 704 bytes with a P-256 client certificate, 1088 with an
 * RSA-2048 one (measured). A ticket that arrives split across records is
 * also dropped when the receive buffer is small (see POSTHS_REASSEMBLY).
 */
#ifndef MOOR_CONFIG_TLS13_TICKET_MAX
#define MOOR_CONFIG_TLS13_TICKET_MAX 1152
#endif

/*
 * A resumption ticket, stored in caller memory between connections. Zero
 * it once; the engine fills it from the server's NewSessionTicket and
 * offers it (psk_dhe_ke: a fresh ECDHE still runs) on the next handshake
 * to the same server name, if it has not expired. Keep it secret: `psk`
 * resumes the session. Wipe it to forget the session.
 */
typedef struct moor_tls13_ticket {
	uint8_t valid;
	uint8_t psk_len;
	uint16_t suite;
	uint32_t lifetime;           /* seconds */
	uint32_t age_add;
	uint32_t issued_ms;          /* platform now_ms() when it arrived */
	uint8_t name_hash[16];       /* SHA-256 of the server name, truncated */
	uint8_t psk[MOOR_TLS13_HASH_MAX];
	uint16_t len;
	uint8_t data[MOOR_CONFIG_TLS13_TICKET_MAX];
} moor_tls13_ticket;

/* What the engine is told at init. Everything pointed to is the caller's
 * and must outlive the engine. */
typedef struct moor_tls13_params {
	const char *server_name;     /* SNI; NULL = none (also the ticket key) */
	moor_x509 *x509;             /* validator, prepared by the caller */
	const moor_credentials *client;  /* NULL = none: empty Certificate if asked */
	moor_tls13_ticket *ticket;   /* NULL = no resumption */
	const uint16_t *groups;      /* supported_groups, preference order; NULL = */
	size_t n_groups;             /*   x25519, secp256r1, secp384r1 */
	unsigned n_shares;           /* key shares sent (first groups); 0 = 1 */
	const uint16_t *suites;      /* NULL = AES-128-GCM, ChaCha20, AES-256-GCM */
	size_t n_suites;
	const br_ec_impl *ec;        /* NULL = br_ec_get_default() */
	uint8_t no_compat;           /* 1 = no middlebox compatibility mode */
} moor_tls13_params;

typedef struct moor_tls13_kx {
	uint16_t group;
	uint8_t priv_len, pub_len;
	uint8_t priv[48];
	uint8_t pub[97];
} moor_tls13_kx;

typedef struct moor_tls13_engine {
	/* configuration */
	const moor_platform *plat;
	moor_tls13_params p;
	uint16_t groups[MOOR_TLS13_MAX_GROUPS];
	uint16_t suites[MOOR_TLS13_MAX_SUITES];
	uint8_t n_groups, n_suites;
	uint8_t *ibuf, *obuf;
	size_t icap, ocap;
	uint16_t frag;               /* content per record we accept and send */
	uint16_t tx_max;             /* content per record we send (peer's limit) */
	uint16_t rx_limit;           /* inner plaintext the server agreed to, 0 = 2^14 + 1 */

	/* state */
	uint8_t hs;                  /* handshake state */
	uint8_t fl;                  /* step of the client flight */
	int err;                     /* sticky status, 0 if none */
	uint8_t alert;               /* alert to send after err; 0xff = none */
	uint8_t closed;              /* nothing more will happen */
	uint8_t rx_keyed, tx_keyed;
	uint8_t hrr, ccs_sent, ccs_seen, cr_seen, resumed, psk_offered;
	uint8_t ku_pending, close_pending, close_sent, peer_closed, fallback_ok;
	uint8_t n_kx;
	uint16_t suite, group, client_scheme;
	unsigned offered;            /* MOOR_TLS13_OFFER_* */
	unsigned posths;             /* post-handshake messages in a row */
	unsigned posths_total;       /* post-handshake messages processed */
	unsigned tickets;            /* NewSessionTickets stored */
	unsigned tickets_seen;       /* NewSessionTickets received, stored or not */
	uint8_t random[32], sid[32];
	uint8_t binder[MOOR_TLS13_HASH_MAX];
	size_t binder_len;
	uint32_t psk_age;
	const uint8_t *cookie;
	size_t cookie_len;
	moor_tls13_kx kx[MOOR_TLS13_MAX_SHARES];

	/* receive side */
	size_t r_at, r_got, r_len;   /* record being read: where, how much, body */
	size_t app_off, app_len;     /* decrypted application data not yet taken */
	uint8_t *hs_buf;             /* reassembly of a message spanning records */
	size_t hs_cap, hs_have, hs_total;
	uint32_t skip_left;          /* of a too-large ticket being dropped */
	uint8_t in_cert;             /* the Certificate is streaming */
	moor_tls13_cert_parser cp;
	const br_x509_pkey *peer_key;

	/* send side */
	size_t o_off, o_len;         /* sealed bytes in obuf, and how many went */
	size_t app_out;              /* application bytes at obuf + 5, not sealed */
	size_t ch_len, ch_sent;      /* ClientHello: length, bytes emitted */
	size_t fl_pos, fl_len;       /* client Certificate / CertificateVerify: emitted, length */
	size_t fl_at;                /* where the CertificateVerify is staged in obuf */

	br_hmac_drbg_context rng;
	moor_tls13_transcript tr;
	moor_tls13_ks ks;
	moor_tls13_rec rx, tx;
} moor_tls13_engine;

/*
 * Prepare an engine: check the parameters, seed the DRBG from the
 * platform's entropy, and lay out the buffers. `frag` is the largest
 * record content to accept and send (512, 1024, 2048, 4096 or 16384); a
 * smaller value than 16384 is offered to the server as max_fragment_length
 * and record_size_limit. in_len >= MOOR_TLS13_IN_BUFSIZE(frag), out_len >=
 * MOOR_TLS13_OUT_BUFSIZE(frag).
 * Returns MOOR_OK, MOOR_ERR_INVALID_ARG, MOOR_ERR_CONFIG (no groups or
 * suites moor supports, n_shares larger than the groups),
 * MOOR_ERR_BUFFER_TOO_SMALL, MOOR_ERR_NO_ENTROPY.
 */
int moor_tls13_init(moor_tls13_engine *e, const moor_tls13_params *p,
	const moor_platform *plat, uint8_t *in, size_t in_len,
	uint8_t *out, size_t out_len, unsigned frag);

/*
 * Start the handshake: generate the key shares and queue the ClientHello.
 * The validator (p->x509) must be initialised by now. Returns MOOR_OK,
 * MOOR_ERR_CONFIG if the validator is in verify-full mode and there is no
 * name to check (neither p->server_name nor x509->expected_host), or the
 * status the engine failed with.
 */
int moor_tls13_start(moor_tls13_engine *e);

unsigned moor_tls13_state(const moor_tls13_engine *e);

uint8_t *moor_tls13_sendrec_buf(moor_tls13_engine *e, size_t *len);
void moor_tls13_sendrec_ack(moor_tls13_engine *e, size_t len);
uint8_t *moor_tls13_recvrec_buf(moor_tls13_engine *e, size_t *len);
void moor_tls13_recvrec_ack(moor_tls13_engine *e, size_t len);
uint8_t *moor_tls13_sendapp_buf(moor_tls13_engine *e, size_t *len);
void moor_tls13_sendapp_ack(moor_tls13_engine *e, size_t len);
uint8_t *moor_tls13_recvapp_buf(moor_tls13_engine *e, size_t *len);
void moor_tls13_recvapp_ack(moor_tls13_engine *e, size_t len);

/* Seal the application data written so far into a record. */
void moor_tls13_flush(moor_tls13_engine *e);

/* Send close_notify (after pending data); the engine is CLOSED with
 * last_error 0 once it went out. During the handshake it sends a
 * user_canceled alert instead and ends with last_error MOOR_ERR_CLOSED. */
void moor_tls13_close(moor_tls13_engine *e);

/*
 * Why the engine stopped, or 0. Besides the transport's own errors (which
 * the driver reports), the engine fails with:
 *   MOOR_ERR_TLS_PROTOCOL          malformed, unexpected or illegal message
 *                                  or record, including a suite, group or
 *                                  signature scheme we did not offer (the
 *                                  alert sent says which)
 *   MOOR_ERR_TLS_BAD_MAC           a record failed authentication
 *   MOOR_ERR_TLS_RECORD_TOO_LARGE  a record larger than the protocol allows,
 *                                  than the limit the server agreed to
 *                                  (max_fragment_length, record_size_limit),
 *                                  or than the receive buffer holds
 *   MOOR_ERR_TLS_VERSION           the server answered with TLS 1.2 or
 *                                  protocol_version (fallback_ok set)
 *   MOOR_ERR_TLS_DOWNGRADE         a TLS 1.2 ServerHello with the RFC 8446
 *                                  downgrade sentinel
 *   MOOR_ERR_TLS_BAD_SIGNATURE     the CertificateVerify does not verify
 *   MOOR_ERR_TLS_BAD_FINISHED      the server Finished is wrong
 *   MOOR_ERR_TLS_CLIENT_AUTH       our signing hook or key failed
 *   MOOR_ERR_X509_*                the server's chain was rejected
 *   MOOR_ERR_BUFFER_TOO_SMALL      a legal handshake message that spans
 *                                  records and is larger than `out`
 *   MOOR_STATUS_ALERT_RECEIVED(n)  the server sent fatal alert n (a
 *                                  close_notify during the handshake too)
 */
int moor_tls13_last_error(const moor_tls13_engine *e);

/* Zero every secret in the engine (keys, shares, transcript). */
void moor_tls13_wipe(moor_tls13_engine *e);

#ifdef __cplusplus
}
#endif

#endif
