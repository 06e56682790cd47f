/*
 * moor: TLS client sessions.
 *
 * A `moor_tls` is a TLS client session that is itself a transport: its
 * first field is a `moor_transport`, so protocols above it (Redis, MySQL)
 * read and write through the same interface whether TLS runs or not, and
 * never know which TLS version was negotiated.
 *
 *   static uint8_t iobuf[MOOR_TLS_BUFSIZE_FULL];
 *   moor_tls tls;
 *   moor_tls_config cfg = { 0 };          // verify-full, built-in anchors
 *   cfg.server_name = "db.example.com";
 *   int st = moor_tls_init(&tls, &cfg, &platform, iobuf, sizeof iobuf);
 *   if (st == MOOR_OK)
 *       st = moor_tls_handshake(&tls, &tcp.base, 10000);
 *   if (st == MOOR_OK)
 *       st = moor_io_send_all(&tls.base, &platform, req, req_len, 5000);
 *   ...
 *   moor_tls_close(&tls, 1000);           // close_notify, then closes tcp
 *
 * Ownership: the caller owns the session, the I/O buffer, the config and
 * everything the config points to (anchors, credentials, names); all must
 * outlive the session. The lower transport is borrowed from handshake()
 * until close(). Nothing is allocated.
 *
 * TLS 1.2 runs on BearSSL's client engine with ECDHE key exchange and
 * AES-GCM or ChaCha20-Poly1305 only; TLS 1.3 on moor's own engine
 * (moor/tls13_engine.h). Both share the session's storage and the I/O
 * buffer; only one runs at a time.
 */
#ifndef MOOR_TLS_H
#define MOOR_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "moor/config_defaults.h"
#include "moor/platform.h"
#include "moor/tls13_engine.h"
#include "moor/transport.h"
#include "moor/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOOR_TLS_1_2 0x0303
#define MOOR_TLS_1_3 0x0304

/*
 * I/O buffer sizes. The buffer holds one incoming record and one outgoing
 * record. A record carries at most `frag` bytes of plaintext plus the
 * record header, nonce, MAC/tag and padding: BearSSL reserves 325 bytes of
 * overhead for incoming and 85 for outgoing records.
 *
 * MOOR_TLS_BUFSIZE(frag): buffer for records of at most `frag` plaintext
 * bytes (frag = 512, 1024, 2048, 4096 or 16384). With frag < 16384 the
 * client asks the server for max_fragment_length = frag; a server that
 * ignores the request and sends a larger record makes the session fail
 * with MOOR_ERR_TLS_RECORD_TOO_LARGE.
 */
#define MOOR_TLS_IN_OVERHEAD   325
#define MOOR_TLS_OUT_OVERHEAD  85
#define MOOR_TLS_BUFSIZE(frag) (2 * (frag) + MOOR_TLS_IN_OVERHEAD + MOOR_TLS_OUT_OVERHEAD)
#define MOOR_TLS_BUFSIZE_FULL  MOOR_TLS_BUFSIZE(16384)   /* 33178 */
#define MOOR_TLS_BUFSIZE_MIN   MOOR_TLS_BUFSIZE(512)     /* 1434  */

typedef struct moor_tls_config {
	/* Verification mode; 0 = MOOR_SSL_VERIFY_FULL. */
	moor_ssl_mode mode;

	/*
	 * Server name: sent as SNI and, in VERIFY_FULL, matched against the
	 * leaf certificate (subjectAltName dNSName, wildcards in the first
	 * label only). NULL: no SNI, and VERIFY_FULL fails with
	 * MOOR_ERR_CONFIG. An IP literal is not sent as SNI.
	 * Limitation: only DNS names are matched (BearSSL 0.6 does not
	 * extract iPAddress subjectAltNames), so VERIFY_FULL with an IP
	 * literal fails with MOOR_ERR_X509_HOSTNAME unless the certificate
	 * names the address as a DNS name or CN. Connect by address and set
	 * server_name to the certificate's DNS name instead.
	 */
	const char *server_name;

	/* Trust anchors; NULL = moor_builtin_anchors. */
	const moor_anchors *anchors;

	/* Client certificate and key; NULL = none (an empty Certificate is
	 * sent if the server asks). */
	const moor_credentials *client;

	/*
	 * Versions allowed: 0 = defaults (1.2 .. 1.3). With 1.3 allowed the
	 * TLS 1.3 engine runs first. If 1.2 is allowed too and the server
	 * answers with TLS 1.2 or a protocol_version alert, the session falls
	 * back to TLS 1.2 on a fresh connection opened by `reconnect` (below);
	 * the TLS 1.2 handshake then fails with MOOR_ERR_TLS_DOWNGRADE if the
	 * server's random carries the RFC 8446 downgrade sentinel. Without a
	 * reconnect hook the handshake fails with MOOR_ERR_TLS_VERSION: there
	 * is never a silent fallback. See docs/tls-versions.md.
	 */
	uint16_t version_min, version_max;

	/*
	 * Open a new lower transport to the same server for the TLS 1.2
	 * fallback (TCP connect; for MySQL/PostgreSQL also the plaintext
	 * prelude up to the TLS upgrade). The session has already closed the
	 * old one. Returns MOOR_OK and sets *lower, or a status that ends the
	 * handshake. NULL = no fallback.
	 */
	int (*reconnect)(void *ctx, moor_transport **lower, uint32_t timeout_ms);
	void *reconnect_ctx;

	/* TLS 1.3: resumption ticket store (NULL = no resumption); key
	 * exchange groups in preference order (NULL = x25519, secp256r1,
	 * secp384r1) and how many key shares to send (0 = 1: the first group;
	 * a server that prefers another group costs one HelloRetryRequest). */
	moor_tls13_ticket *ticket;
	const uint16_t *groups;
	size_t n_groups;
	unsigned key_shares;

	/* What an unknown wall time means; 0 = MOOR_TIME_FAIL_CLOSED. */
	moor_time_policy time_policy;

	/* Optional buffer that receives the leaf subject DN (DER). */
	uint8_t *peer_dn;
	size_t peer_dn_cap;

	/*
	 * Memory lent to the session for the certificate validator, used only
	 * while moor_tls_handshake() runs: at least MOOR_TLS_SCRATCH_SIZE
	 * bytes (any alignment). The validator is the largest part of a
	 * session (about 4.8 KB) and is idle once the handshake is over, so
	 * devices that handshake one connection at a time can share one
	 * scratch area between all their connections. It must not be memory
	 * that anything else uses during the handshake, such as the session's
	 * own buffer (the `reconnect` hook may use it: the validator starts
	 * over after the hook).
	 * NULL: the validator lives inside moor_tls (MOOR_CONFIG_TLS_X509_INLINE,
	 * the default); in a build with MOOR_CONFIG_TLS_X509_INLINE=0 a session
	 * that verifies certificates then fails moor_tls_init() with
	 * MOOR_ERR_CONFIG. A scratch_len below MOOR_TLS_SCRATCH_SIZE gives
	 * MOOR_ERR_BUFFER_TOO_SMALL.
	 */
	void *scratch;
	size_t scratch_len;
} moor_tls_config;

/* Bytes of handshake scratch memory a session needs (moor_tls_config). */
#define MOOR_TLS_SCRATCH_SIZE (sizeof(moor_x509) + 8u)

/* What was negotiated; valid after a successful handshake. */
typedef struct moor_tls_info {
	uint16_t version;        /* MOOR_TLS_1_2 / MOOR_TLS_1_3, 0 if plaintext */
	uint16_t cipher_suite;   /* IANA value */
	uint16_t group;          /* IANA named group of the key exchange */
	uint16_t record_limit;   /* largest plaintext record we accept */
	int anchor_index;        /* into the anchor set; -1 if not verified */
	size_t peer_dn_len;      /* bytes of cfg->peer_dn used (0 if none) */
	uint8_t resumed;         /* 1 if the session was resumed */
	uint8_t fell_back;       /* 1 if TLS 1.3 was refused and 1.2 took over */
	uint8_t hrr;             /* 1 if the server sent a HelloRetryRequest */
} moor_tls_info;

typedef struct moor_tls {
	moor_transport base;             /* must be first */
	moor_transport *lower;
	const moor_platform *plat;
	const moor_tls_config *cfg;
	int err;                         /* sticky moor status, 0 if none */
	int state;
	moor_tls_info info;
	uint8_t *iobuf;
	size_t iobuf_len;
	const char *sni;                 /* server_name unless an IP literal */
	uint16_t vmin, vmax;
	int64_t now;                     /* validation time of this handshake */
	moor_x509 *x509;                 /* cfg->scratch or x509_inline */
#if MOOR_CONFIG_TLS_X509_INLINE
	moor_x509 x509_inline;
#endif
	uint8_t v13;                     /* 1 while the TLS 1.3 engine runs */
	union {
#if MOOR_CONFIG_TLS12
		br_ssl_client_context sc;        /* TLS 1.2: BearSSL's engine */
#endif
		moor_tls13_engine e13;           /* TLS 1.3: ours */
	} u;
} moor_tls;

/*
 * Prepare a session. Checks the config, the buffer and the platform;
 * draws the DRBG seed from the platform's entropy hook.
 * Returns MOOR_OK, MOOR_ERR_INVALID_ARG, MOOR_ERR_CONFIG,
 * MOOR_ERR_BUFFER_TOO_SMALL (buf_len < MOOR_TLS_BUFSIZE_MIN, unless the
 * mode is MOOR_SSL_DISABLE, which needs no buffer), MOOR_ERR_NO_ENTROPY.
 */
int moor_tls_init(moor_tls *tls, const moor_tls_config *cfg,
	const moor_platform *plat, uint8_t *buf, size_t buf_len);

/*
 * Run the handshake over `lower` within `timeout_ms`. In MOOR_SSL_DISABLE
 * mode it only attaches `lower`; the session then passes bytes through.
 * Returns MOOR_OK or the failure: MOOR_ERR_TIMEOUT, MOOR_ERR_CLOSED,
 * MOOR_ERR_TIME_UNKNOWN, any MOOR_ERR_X509_*, any MOOR_ERR_TLS_*, an alert
 * status, or the lower transport's error. On failure the session is dead
 * (the lower transport is left open for the caller to close).
 */
int moor_tls_handshake(moor_tls *tls, moor_transport *lower, uint32_t timeout_ms);

/*
 * Send close_notify (waiting up to `timeout_ms` to flush it), then close
 * the lower transport. Safe to call in any state.
 */
void moor_tls_close(moor_tls *tls, uint32_t timeout_ms);

/*
 * Wait up to `timeout_ms` for what the server sends after the handshake
 * and process it without taking application data: with TLS 1.3 the
 * NewSessionTicket (resumption), a KeyUpdate, or the alert with which a
 * server rejects our client certificate (TLS 1.3 servers verify it after
 * the client's handshake is complete). Returns as soon as something
 * happened: MOOR_IO_READ when application data is waiting, 0 when a
 * post-handshake message was processed or the time ran out, or the
 * session's error.
 */
int moor_tls_poll(moor_tls *tls, uint32_t timeout_ms);

/* NewSessionTickets stored into cfg->ticket during this session (0 with
 * TLS 1.2). `received` (may be NULL) gets how many arrived, including
 * those too large to keep (MOOR_CONFIG_TLS13_TICKET_MAX). */
unsigned moor_tls_tickets(const moor_tls *tls, unsigned *received);

/* Negotiated parameters (NULL before a successful handshake). */
const moor_tls_info *moor_tls_get_info(const moor_tls *tls);

/* IANA names: "TLS_AES_128_GCM_SHA256", "x25519", "TLSv1.2". "unknown" if
 * not known. */
const char *moor_tls_suite_name(uint16_t suite);
const char *moor_tls_group_name(uint16_t group);
const char *moor_tls_version_name(uint16_t version);

/* Map BearSSL's engine error (BR_ERR_*) to a moor status. */
int moor_tls_map_br_error(int br_err);

#ifdef __cplusplus
}
#endif

#endif
