/*
 * moor: certificates, trust anchors, client credentials and PEM.
 *
 * Nothing here allocates. Every decoded object lives in storage the caller
 * passes in, and the doc of each call says what must outlive what.
 */
#ifndef MOOR_X509_H
#define MOOR_X509_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "moor/config_defaults.h"
#include "moor/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Verification modes. Named after PostgreSQL's sslmode ladder; MySQL's
 * ssl-mode maps onto them (DISABLED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY).
 * The zero value is the strictest, so a zeroed config is a safe config. */
typedef enum moor_ssl_mode {
	MOOR_SSL_VERIFY_FULL = 0, /* chain, validity dates and host name (default) */
	MOOR_SSL_VERIFY_CA   = 1, /* chain and validity dates, no host name */
	MOOR_SSL_REQUIRE     = 2, /* encrypt only: NO verification (insecure: MITM) */
	MOOR_SSL_DISABLE     = 3  /* no TLS at all: bytes pass through in clear */
} moor_ssl_mode;

/* What to do when the platform does not know the wall time. */
typedef enum moor_time_policy {
	/* Default: fail the handshake with MOOR_ERR_TIME_UNKNOWN. */
	MOOR_TIME_FAIL_CLOSED = 0,
	/*
	 * Use MOOR_CONFIG_TIME_FLOOR (seconds since 1970, by default the build
	 * date) as "now". A certificate that expired after the build date is
	 * then still accepted: only opt in for devices with no RTC that must
	 * connect before SNTP has synced, and sync soon after.
	 */
	MOOR_TIME_USE_FLOOR = 1
} moor_time_policy;

/* Parse "disable", "require", "verify-ca", "verify-full" (also the mysql
 * client's "DISABLED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY", any
 * case). Returns MOOR_OK or MOOR_ERR_INVALID_ARG. */
int moor_ssl_mode_parse(const char *s, moor_ssl_mode *mode);
const char *moor_ssl_mode_name(moor_ssl_mode mode);

/* ------------------------------------------------------------------ */
/* Trust anchors. A set is a const array of BearSSL trust anchors plus a
 * parallel array of display names (may be NULL). The set compiled into
 * flash by certs/gen_anchors.py is `moor_builtin_anchors`. */
typedef struct moor_anchors {
	const br_x509_trust_anchor *ta;
	const char *const *names;
	size_t count;
} moor_anchors;

/* The anchors chosen at build time with MOOR_TRUST_ANCHORS (in .rodata). */
extern const moor_anchors moor_builtin_anchors;

/*
 * Import every CERTIFICATE in a PEM text (a bundle like Redis Cloud's
 * redis_ca.pem counts: all certificates are imported) as trust anchors.
 *   ta_slots / name_slots: `max` entries each (name_slots may be NULL).
 *   work: holds the DNs, keys and names; must outlive `out`.
 * Certificates that are not CAs are still imported (a self-signed server
 * certificate can be pinned this way) but flagged non-CA, so they can only
 * be matched directly.
 * Returns the number of anchors (> 0), or MOOR_ERR_PEM (malformed, nothing
 * found), MOOR_ERR_BAD_CERT, MOOR_ERR_BUFFER_TOO_SMALL.
 */
int moor_anchors_from_pem(moor_anchors *out, br_x509_trust_anchor *ta_slots,
	const char **name_slots, size_t max, uint8_t *work, size_t work_len,
	const char *pem, size_t pem_len);

/* ------------------------------------------------------------------ */
/* PEM. */

/*
 * Decode the next PEM object of `pem` starting at `*pos`. On success
 * writes the label ("CERTIFICATE", NUL-terminated, truncated to
 * label_cap - 1) and the DER bytes, sets *der_len, advances *pos past the
 * END line and returns MOOR_OK. Returns 1 when no further BEGIN line
 * exists (end of input), MOOR_ERR_PEM for a truncated or malformed object,
 * MOOR_ERR_BUFFER_TOO_SMALL when `der_cap` is too small.
 */
int moor_pem_next(const char *pem, size_t pem_len, size_t *pos,
	char *label, size_t label_cap, uint8_t *der, size_t der_cap,
	size_t *der_len);

/* True if `data` looks like PEM text rather than DER. */
int moor_is_pem(const uint8_t *data, size_t len);

/* ------------------------------------------------------------------ */
/* Client credentials: a certificate chain and its private key. */
typedef struct moor_credentials {
	br_x509_certificate chain[MOOR_CONFIG_MAX_CLIENT_CHAIN];
	size_t chain_len;
	int key_type;                /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
	br_rsa_private_key rsa;      /* valid when key_type == BR_KEYTYPE_RSA */
	br_ec_private_key ec;        /* valid when key_type == BR_KEYTYPE_EC */
	/*
	 * Optional private-key hook (TLS 1.3 only), for keys that never leave
	 * a secure element. When set, the TLS 1.3 engine calls it instead of
	 * using `rsa` / `ec`; key_type must still say which kind of key it is
	 * (and for EC, ec.curve its curve: 23 = P-256, 24 = P-384; 0 means
	 * P-256). It signs `hash` (hash_len bytes, already hashed with the
	 * scheme's hash) for `scheme`: 0x0403 / 0x0503 (ECDSA, the signature
	 * DER-encoded) or 0x0804 / 0x0805 / 0x0806 (RSA-PSS, salt as long as
	 * the hash). Returns the signature length (> 0, at most sig_cap) or a
	 * negative moor status, which fails the handshake.
	 */
	int (*sign)(void *ctx, unsigned scheme, const uint8_t *hash, size_t hash_len,
		uint8_t *sig, size_t sig_cap);
	void *sign_ctx;
} moor_credentials;

/*
 * Load a client certificate chain (PEM with one or more certificates, leaf
 * first, or a single DER certificate) and its private key (PEM or DER;
 * PKCS#1 RSA, SEC1 EC or PKCS#8 of either).
 * DER input is referenced in place (it can stay in flash); PEM input is
 * decoded into `work`. The key's components are copied into `work`.
 * `work` and any DER input must outlive `cr`.
 * Returns MOOR_OK, MOOR_ERR_PEM, MOOR_ERR_BAD_CERT, MOOR_ERR_BAD_KEY,
 * MOOR_ERR_BUFFER_TOO_SMALL (work too small, or more certificates than
 * MOOR_CONFIG_MAX_CLIENT_CHAIN).
 */
int moor_credentials_load(moor_credentials *cr, uint8_t *work, size_t work_len,
	const uint8_t *cert, size_t cert_len, const uint8_t *key, size_t key_len);

/* ------------------------------------------------------------------ */
/* Distinguished names. */

/*
 * Format a DER Name as "CN=example.com, O=Example, C=US" (attributes in
 * the order they appear; CN, C, O, OU, L, ST, emailAddress, DC by name,
 * others as dotted OIDs). Always NUL-terminates when out_cap > 0.
 * Returns the string length, or MOOR_ERR_BUFFER_TOO_SMALL (truncated),
 * or MOOR_ERR_BAD_CERT for malformed DER.
 */
int moor_dn_format(const uint8_t *dn, size_t dn_len, char *out, size_t out_cap);

/* ------------------------------------------------------------------ */
/* Chain validation: a BearSSL X.509 engine wrapping br_x509_minimal. It
 * adds what the TLS layer needs and minimal does not give:
 *  - the verification mode (no host name in VERIFY_CA, nothing checked in
 *    REQUIRE, where the leaf key is still extracted);
 *  - precise statuses: expired vs not yet valid, self-signed vs unknown CA
 *    vs intermediate missing;
 *  - which anchor the chain ended at;
 *  - the leaf's subject DN, captured into a caller buffer.
 * Certificates stream through it: no certificate is ever held whole. */
typedef struct moor_x509 {
	const br_x509_class *vtable;     /* must be first */
	br_x509_minimal_context minimal;
	br_x509_decoder_context dec;     /* the current certificate, decoded alongside */
	const moor_anchors *anchors;
	moor_ssl_mode mode;
	const char *expected_host;       /* if set, overrides the engine's server name */
	uint32_t days, seconds;          /* "now" in BearSSL's encoding */
	uint32_t cert_index;             /* certificate being processed */
	int status;                      /* moor status of the last chain, MOOR_OK if good */
	int anchor_index;                /* anchor the chain ended at, or -1 */
	int leaf_is_ca;
	int last_is_ca;
	int time_status;                 /* MOOR_ERR_X509_EXPIRED / _NOT_YET_VALID seen, or 0 */
	int leaf_key_type;               /* BR_KEYTYPE_* of the leaf, for REQUIRE mode */
	br_x509_pkey leaf_key;           /* REQUIRE mode: points into leaf_key_buf */
	unsigned char leaf_key_buf[BR_X509_BUFSIZE_KEY];
	uint8_t *dn_buf;                 /* optional leaf subject capture */
	size_t dn_cap, dn_len;
	int dn_overflow;
} moor_x509;

/*
 * Prepare a validator. `now_unix` is the validation time (seconds since
 * 1970). `anchors` must outlive the validator. `dn_buf` (may be NULL)
 * receives the leaf's subject DN (DER).
 */
void moor_x509_init(moor_x509 *x, const moor_anchors *anchors,
	moor_ssl_mode mode, int64_t now_unix, uint8_t *dn_buf, size_t dn_cap);

/*
 * Validate a chain outside TLS (moor verify): leaf first. `host` may be
 * NULL (no host check). Returns MOOR_OK or an MOOR_ERR_X509_* status.
 */
int moor_x509_verify_chain(moor_x509 *x, const char *host,
	const br_x509_certificate *chain, size_t n);

/* Status of the last chain processed (MOOR_OK if it was accepted). */
static inline int moor_x509_status(const moor_x509 *x) { return x->status; }

/* Map a BearSSL X.509 error (BR_ERR_X509_*) to a moor status. */
int moor_x509_map_error(int br_err);

/* Days since 0000-01-01 and seconds in day, as br_x509_minimal wants. */
void moor_unix_to_br_time(int64_t unix_seconds, uint32_t *days, uint32_t *seconds);

#ifdef __cplusplus
}
#endif

#endif
