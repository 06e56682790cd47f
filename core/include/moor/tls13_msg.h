/*
 * moor: TLS 1.3 handshake message codec (RFC 8446 section 4).
 *
 * Pure functions, no I/O, no state: bytes in, bytes or slices out. The
 * TLS 1.3 engine builds its ClientHello and reads the ServerHello /
 * HelloRetryRequest with them; tests and fuzzers call them directly.
 *
 * Messages are whole handshake messages: msg_type (1 byte), length (3
 * bytes), body. Record framing is the record layer's business.
 */
#ifndef MOOR_TLS13_MSG_H
#define MOOR_TLS13_MSG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Handshake message types. */
#define MOOR_HS_CLIENT_HELLO        1
#define MOOR_HS_SERVER_HELLO        2
#define MOOR_HS_NEW_SESSION_TICKET  4
#define MOOR_HS_END_OF_EARLY_DATA   5
#define MOOR_HS_ENCRYPTED_EXTENSIONS 8
#define MOOR_HS_CERTIFICATE         11
#define MOOR_HS_CERTIFICATE_REQUEST 13
#define MOOR_HS_CERTIFICATE_VERIFY  15
#define MOOR_HS_FINISHED            20
#define MOOR_HS_KEY_UPDATE          24
#define MOOR_HS_MESSAGE_HASH        254

/* Extension types used by the client. */
#define MOOR_EXT_SERVER_NAME          0
#define MOOR_EXT_MAX_FRAGMENT_LENGTH  1
#define MOOR_EXT_SUPPORTED_GROUPS     10
#define MOOR_EXT_SIGNATURE_ALGORITHMS 13
#define MOOR_EXT_RECORD_SIZE_LIMIT    28
#define MOOR_EXT_PRE_SHARED_KEY       41
#define MOOR_EXT_EARLY_DATA           42
#define MOOR_EXT_SUPPORTED_VERSIONS   43
#define MOOR_EXT_COOKIE               44
#define MOOR_EXT_PSK_KEY_EXCHANGE_MODES 45
#define MOOR_EXT_SIGNATURE_ALGORITHMS_CERT 50
#define MOOR_EXT_KEY_SHARE            51

/* Limits checked before use. */
#define MOOR_TLS13_MAX_SUITES   8
#define MOOR_TLS13_MAX_GROUPS   8
#define MOOR_TLS13_MAX_SIGALGS  16

/* What the ClientHello offers. Slices are borrowed for the call only. */
typedef struct moor_tls13_client_hello {
	const uint8_t *random;            /* 32 bytes */
	const uint8_t *session_id;        /* legacy_session_id: 32 bytes in */
	size_t session_id_len;            /* middlebox compatibility mode, or 0 */
	const char *server_name;          /* SNI host name; NULL = no SNI */
	const uint16_t *suites;           /* cipher suites, preference order */
	size_t n_suites;
	const uint16_t *groups;           /* supported_groups, preference order */
	size_t n_groups;
	uint16_t share_group;             /* the group of the one key share sent */
	const uint8_t *share;             /* its public key (x25519: 32 bytes;  */
	size_t share_len;                 /* P-256: 65, P-384: 97, uncompressed) */
	const uint16_t *sig_algs;         /* signature_algorithms */
	size_t n_sig_algs;
	const uint16_t *sig_algs_cert;    /* signature_algorithms_cert; NULL = omit */
	size_t n_sig_algs_cert;
	uint16_t record_size_limit;       /* RFC 8449; 0 = do not offer */
	uint8_t max_fragment_code;        /* RFC 6066: 1=512 .. 4=4096; 0 = do not offer */
	uint8_t offer_tls12;              /* also list TLS 1.2 in supported_versions */
	const uint8_t *cookie;            /* echoed from a HelloRetryRequest, or NULL */
	size_t cookie_len;
} moor_tls13_client_hello;

/*
 * Encode a ClientHello handshake message into out[0..cap). Sets *len to
 * the message length. Never writes past `cap`: if the message does not
 * fit, returns MOOR_ERR_BUFFER_TOO_SMALL and sets *len to the size it
 * needs. Returns MOOR_OK, or MOOR_ERR_INVALID_ARG for an impossible
 * request (no suites, no groups, a share or name too long, more than the
 * MOOR_TLS13_MAX_* limits).
 */
int moor_tls13_write_client_hello(const moor_tls13_client_hello *ch,
	uint8_t *out, size_t cap, size_t *len);

/* A parsed ServerHello or HelloRetryRequest. Slices point into the input
 * message and are valid as long as it is. */
typedef struct moor_tls13_server_hello {
	uint8_t is_hrr;               /* 1 if this is a HelloRetryRequest */
	uint8_t downgrade;            /* 0, or 12 / 11: RFC 8446 sentinel for TLS 1.2 / 1.1 */
	uint16_t legacy_version;
	uint16_t version;             /* from supported_versions; 0 if absent (TLS <= 1.2) */
	uint16_t cipher_suite;
	const uint8_t *random;        /* 32 bytes */
	uint16_t share_group;         /* key_share: the group (HRR: the group asked for) */
	const uint8_t *share;         /* key_share: server public key (NULL in HRR) */
	size_t share_len;
	const uint8_t *cookie;        /* HRR cookie, or NULL */
	size_t cookie_len;
	uint8_t has_psk;              /* pre_shared_key selected */
	uint16_t psk_identity;
} moor_tls13_server_hello;

/*
 * Parse a ServerHello handshake message (type 2, with its 4-byte header).
 * `sid` / `sid_len` is the legacy_session_id the client sent: a server that
 * selects TLS 1.3 must echo it (a TLS 1.2 server picks its own).
 *
 * A server that did not select TLS 1.3 (no supported_versions extension)
 * parses fine with version = 0 and `downgrade` set from the random, so the
 * caller can hand over to TLS 1.2 or report MOOR_ERR_TLS_DOWNGRADE.
 *
 * Returns MOOR_OK, or MOOR_ERR_TLS_PROTOCOL for anything malformed or
 * illegal: wrong type, a length that disagrees, a truncated field, a
 * non-null compression method, a TLS 1.3 answer whose session id is not
 * the echo, a
 * duplicated extension, an extension a ServerHello may not carry, a
 * supported_versions value other than 0x0304, a key share in an HRR that
 * is more than a group, TLS 1.3 extensions without TLS 1.3 selected, an
 * HRR that asks for nothing, or trailing bytes. Extensions unknown to TLS
 * 1.3 are only accepted when TLS 1.3 was not selected.
 */
int moor_tls13_parse_server_hello(const uint8_t *msg, size_t len,
	const uint8_t *sid, size_t sid_len, moor_tls13_server_hello *sh);

/* The special ServerHello.random that marks a HelloRetryRequest. */
extern const uint8_t moor_tls13_hrr_random[32];

#ifdef __cplusplus
}
#endif

#endif
