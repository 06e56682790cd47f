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

#include <bearssl.h>

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

/* Most key shares one ClientHello carries. */
#define MOOR_TLS13_MAX_SHARES   3

/* One key share: a group and the client's public key for it. */
typedef struct moor_tls13_key_share {
	uint16_t group;
	const uint8_t *pub;
	size_t pub_len;
} moor_tls13_key_share;

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
	/* Several key shares (n_shares 1..MOOR_TLS13_MAX_SHARES, in
	 * supported_groups order); when n_shares is 0 the single share above
	 * is sent instead. */
	const moor_tls13_key_share *shares;
	size_t n_shares;
	/* pre_shared_key with one identity (a resumption ticket); binder_len
	 * 0 = no PSK offered. binder NULL writes binder_len zero bytes, which
	 * is how the engine encodes the truncated ClientHello it hashes to
	 * compute the real binder (RFC 8446 4.2.11.2): the binders list is the
	 * last 3 + binder_len bytes of the message. */
	const uint8_t *psk_identity;
	size_t psk_identity_len;
	uint32_t psk_age;                 /* obfuscated_ticket_age */
	const uint8_t *binder;
	size_t binder_len;                /* 0, or the PSK hash length (32, 48) */
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

/*
 * Encode bytes [skip, skip + cap) of the same ClientHello into out (bytes
 * of the window past the end of the message are left alone) and set *len
 * to the whole message length. This lets a ClientHello longer than one
 * record be produced a record at a time. Returns MOOR_OK or
 * MOOR_ERR_INVALID_ARG as above.
 */
int moor_tls13_client_hello_window(const moor_tls13_client_hello *ch,
	size_t skip, uint8_t *out, size_t cap, size_t *len);

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

/* Alert codes (RFC 8446 6). */
#define MOOR_ALERT_CLOSE_NOTIFY            0
#define MOOR_ALERT_UNEXPECTED_MESSAGE      10
#define MOOR_ALERT_BAD_RECORD_MAC          20
#define MOOR_ALERT_RECORD_OVERFLOW         22
#define MOOR_ALERT_HANDSHAKE_FAILURE       40
#define MOOR_ALERT_BAD_CERTIFICATE         42
#define MOOR_ALERT_UNSUPPORTED_CERTIFICATE 43
#define MOOR_ALERT_CERTIFICATE_EXPIRED     45
#define MOOR_ALERT_CERTIFICATE_UNKNOWN     46
#define MOOR_ALERT_ILLEGAL_PARAMETER       47
#define MOOR_ALERT_UNKNOWN_CA              48
#define MOOR_ALERT_DECODE_ERROR            50
#define MOOR_ALERT_DECRYPT_ERROR           51
#define MOOR_ALERT_PROTOCOL_VERSION        70
#define MOOR_ALERT_INTERNAL_ERROR          80
#define MOOR_ALERT_USER_CANCELED           90
#define MOOR_ALERT_MISSING_EXTENSION       109
#define MOOR_ALERT_UNSUPPORTED_EXTENSION   110

/*
 * The parsers below take whole handshake messages (4-byte header
 * included) and return MOOR_OK or MOOR_ERR_TLS_PROTOCOL, with *alert (may
 * be NULL) set to the alert RFC 8446 asks the client to send:
 * decode_error for a malformed message, illegal_parameter for a value
 * that is well-formed but not allowed, unsupported_extension for an
 * extension the client never offered, missing_extension for one that must
 * be there. Slices point into the message.
 */

/* Extensions the client offered, for moor_tls13_parse_encrypted_extensions. */
#define MOOR_TLS13_OFFER_SNI    1u
#define MOOR_TLS13_OFFER_MFL    2u
#define MOOR_TLS13_OFFER_GROUPS 4u
#define MOOR_TLS13_OFFER_RSL    8u

typedef struct moor_tls13_ee {
	uint8_t sni_ack;              /* empty server_name: the server used our SNI */
	uint8_t mfl_code;             /* echoed max_fragment_length, 0 if none */
	uint16_t record_size_limit;   /* server's record_size_limit, 0 if none */
} moor_tls13_ee;

/* EncryptedExtensions. Only server_name, max_fragment_length,
 * supported_groups and record_size_limit may appear, each once, and only
 * if offered (bits above); a record_size_limit below 64, a
 * max_fragment_length code outside 1..4, or both limits at once (RFC 8449
 * 5) is illegal_parameter. */
int moor_tls13_parse_encrypted_extensions(const uint8_t *msg, size_t len,
	unsigned offered, moor_tls13_ee *ee, uint8_t *alert);

typedef struct moor_tls13_cert_request {
	const uint8_t *context;       /* certificate_request_context */
	size_t context_len;
	const uint8_t *sig_algs;      /* signature_algorithms: n_sig_algs big-endian u16 */
	size_t n_sig_algs;
} moor_tls13_cert_request;

/* CertificateRequest: signature_algorithms is required; other extensions
 * are ignored. */
int moor_tls13_parse_certificate_request(const uint8_t *msg, size_t len,
	moor_tls13_cert_request *cr, uint8_t *alert);

/* CertificateVerify: the scheme and the signature (non-empty). */
int moor_tls13_parse_certificate_verify(const uint8_t *msg, size_t len,
	uint16_t *scheme, const uint8_t **sig, size_t *sig_len, uint8_t *alert);

typedef struct moor_tls13_nst {
	uint32_t lifetime;            /* seconds, <= 604800 */
	uint32_t age_add;
	const uint8_t *nonce;
	size_t nonce_len;
	const uint8_t *ticket;        /* non-empty */
	size_t ticket_len;
} moor_tls13_nst;

/* NewSessionTicket. A lifetime above seven days is illegal_parameter. */
int moor_tls13_parse_new_session_ticket(const uint8_t *msg, size_t len,
	moor_tls13_nst *nst, uint8_t *alert);

/*
 * Certificate, streamed: the body (after the 4-byte header) is pushed in
 * pieces of any size, and each certificate's DER flows into a BearSSL
 * X.509 engine (start_cert / append / end_cert) as it arrives, so no
 * certificate is ever held whole. Lengths are checked against the
 * enclosing ones before use. Only the first MOOR_TLS13_MAX_CHAIN
 * certificates reach the X.509 engine; `count` says how many there were.
 * The caller starts and ends the chain (start_chain / end_chain).
 */
#define MOOR_TLS13_MAX_CHAIN 8

typedef struct moor_tls13_cert_parser {
	unsigned state;
	uint32_t left;                /* body bytes not yet pushed */
	uint32_t list_left;           /* certificate_list bytes not yet read */
	uint32_t item_left;           /* of the current field */
	uint32_t acc;                 /* length field being read */
	unsigned acc_need;
	unsigned count;               /* certificate entries seen */
	uint8_t ctx_len;              /* certificate_request_context length */
} moor_tls13_cert_parser;

void moor_tls13_cert_parser_init(moor_tls13_cert_parser *cp, uint32_t body_len);
int moor_tls13_cert_parser_push(moor_tls13_cert_parser *cp,
	const br_x509_class **x509, const uint8_t *data, size_t len, uint8_t *alert);
/* After the last byte: MOOR_OK if the message ended where it should. */
int moor_tls13_cert_parser_done(const moor_tls13_cert_parser *cp, uint8_t *alert);

/* The special ServerHello.random that marks a HelloRetryRequest. */
extern const uint8_t moor_tls13_hrr_random[32];

#ifdef __cplusplus
}
#endif

#endif
