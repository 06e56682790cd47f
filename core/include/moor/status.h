/*
 * moor: status codes.
 *
 * Every moor call that can fail returns an `int` that is either
 * non-negative (success: MOOR_OK, or a byte count where documented) or one
 * of the negative codes below. There is no errno and no other global error
 * state. Codes are grouped in ranges, one per layer, so a caller can tell
 * at a glance which layer failed:
 *
 *   -1    .. -99     general (arguments, buffers, configuration, platform)
 *   -100  .. -199    transport (TCP, timeouts, peer closed)
 *   -200  .. -299    TLS protocol
 *   -300  .. -399    X.509 certificate validation
 *   -1000 .. -1255   TLS alert received from the peer: -1000 - alert code
 *   -1300 .. -1555   TLS alert sent to the peer:       -1300 - alert code
 *   -2000 .. -2999   Redis        (-2000 .. -2099: the RESP codec,
 *                                  -2100 .. -2199: the client)
 *   -3000 .. -3999   MySQL        (-3000 .. -3099: the protocol codec,
 *                                  -3100 .. -3199: the client)
 *   -4000 .. -4999   PostgreSQL   (reserved)
 *
 * "Would block" and "need more input" are not errors: non-blocking calls
 * return 0 for them.
 *
 * moor_status_name() gives the symbolic name ("MOOR_ERR_X509_EXPIRED"),
 * moor_status_str() a short readable sentence. Both return static strings
 * and never NULL, also for codes they do not know.
 */
#ifndef MOOR_STATUS_H
#define MOOR_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum moor_status {
	MOOR_OK = 0,

	/* general */
	MOOR_ERR_INVALID_ARG      = -1,  /* NULL pointer, bad enum, bad length */
	MOOR_ERR_BUFFER_TOO_SMALL = -2,  /* a caller buffer is too small */
	MOOR_ERR_STATE            = -3,  /* call not valid in this state */
	MOOR_ERR_NO_ENTROPY       = -4,  /* the platform has no entropy source */
	MOOR_ERR_TIME_UNKNOWN     = -5,  /* wall time unknown, policy fails closed */
	MOOR_ERR_UNSUPPORTED      = -6,  /* feature not built in or not supported */
	MOOR_ERR_CONFIG           = -7,  /* inconsistent configuration */
	MOOR_ERR_PEM              = -8,  /* malformed or truncated PEM */
	MOOR_ERR_BAD_KEY          = -9,  /* private key not decodable / unsupported */
	MOOR_ERR_BAD_CERT         = -10, /* certificate not decodable */
	MOOR_ERR_INTERNAL         = -11, /* a bug in moor: please report */

	/* transport */
	MOOR_ERR_TIMEOUT          = -100, /* a deadline passed */
	MOOR_ERR_CLOSED           = -101, /* peer closed the connection in an orderly way */
	MOOR_ERR_RESET            = -102, /* connection reset by peer */
	MOOR_ERR_CONNECT          = -103, /* connection refused / unreachable */
	MOOR_ERR_RESOLVE          = -104, /* host name could not be resolved */
	MOOR_ERR_IO               = -105, /* other I/O error from the network stack */
	MOOR_ERR_INJECTED         = -106, /* fault injected by a test transport */
	MOOR_ERR_NOT_CONNECTED    = -107, /* transport is not (or no longer) open */

	/* TLS */
	MOOR_ERR_TLS_TRUNCATED    = -200, /* stream ended without close_notify */
	MOOR_ERR_TLS_PROTOCOL     = -201, /* malformed or unexpected message */
	MOOR_ERR_TLS_BAD_MAC      = -202, /* record failed authentication */
	MOOR_ERR_TLS_VERSION      = -203, /* no common protocol version */
	MOOR_ERR_TLS_NO_CIPHER    = -204, /* no common cipher suite / group / algorithm */
	MOOR_ERR_TLS_BAD_SIGNATURE = -205, /* server key exchange / CertificateVerify signature wrong */
	MOOR_ERR_TLS_BAD_FINISHED = -206, /* Finished verify_data wrong */
	MOOR_ERR_TLS_DOWNGRADE    = -207, /* RFC 8446 downgrade sentinel seen */
	MOOR_ERR_TLS_RECORD_TOO_LARGE = -208, /* record larger than the receive buffer */
	MOOR_ERR_TLS_CLIENT_AUTH  = -209, /* client certificate / key cannot be used */
	MOOR_ERR_TLS_BAD_KEY_USAGE = -210, /* server key not allowed for this key exchange */
	MOOR_ERR_TLS_HANDSHAKE    = -211, /* other handshake failure */

	/* X.509 */
	MOOR_ERR_X509_EXPIRED        = -300, /* a certificate in the chain has expired */
	MOOR_ERR_X509_NOT_YET_VALID  = -301, /* a certificate in the chain is not yet valid */
	MOOR_ERR_X509_HOSTNAME       = -302, /* leaf does not match the expected host name */
	MOOR_ERR_X509_UNKNOWN_CA     = -303, /* chain does not end at a trust anchor */
	MOOR_ERR_X509_SELF_SIGNED    = -304, /* self-signed certificate that is not an anchor */
	MOOR_ERR_X509_CHAIN_INCOMPLETE = -305, /* leaf's issuer missing: intermediate not sent */
	MOOR_ERR_X509_BAD_SIGNATURE  = -306, /* a signature in the chain does not verify */
	MOOR_ERR_X509_MALFORMED      = -307, /* certificate could not be decoded */
	MOOR_ERR_X509_NOT_CA         = -308, /* an issuing certificate is not a CA */
	MOOR_ERR_X509_UNSUPPORTED    = -309, /* unsupported algorithm or key type */
	MOOR_ERR_X509_WEAK_KEY       = -310, /* key too small */
	MOOR_ERR_X509_KEY_USAGE      = -311, /* key usage forbids this use */
	MOOR_ERR_X509_CRITICAL_EXT   = -312, /* unknown critical extension */
	MOOR_ERR_X509_EMPTY_CHAIN    = -313, /* the server sent no certificate */
	MOOR_ERR_X509_LIMIT          = -314, /* chain or name too long for the buffers */

	/* Redis: RESP codec (-2000 .. -2099); see moor/resp.h */
	MOOR_ERR_RESP_PROTOCOL       = -2000, /* RESP element out of place or malformed */
	MOOR_ERR_RESP_DEPTH          = -2001, /* aggregates nested deeper than MOOR_CONFIG_RESP_MAX_DEPTH */
	MOOR_ERR_RESP_TOO_LARGE      = -2002, /* length or count above the configured limit */
	MOOR_ERR_RESP_LINE_TOO_LONG  = -2003, /* a line does not fit in the receive buffer */
	MOOR_ERR_RESP_BAD_TYPE       = -2004, /* unknown RESP type byte */
	MOOR_ERR_RESP_CRLF           = -2005, /* CR LF missing or broken */
	MOOR_ERR_RESP_BAD_LENGTH     = -2006, /* length or count not a decimal number, or negative */
	MOOR_ERR_RESP_BAD_INTEGER    = -2007, /* integer or big number not [-]digits */
	MOOR_ERR_RESP_OVERFLOW       = -2008, /* integer outside the signed 64-bit range */
	MOOR_ERR_RESP_BAD_DOUBLE     = -2009, /* malformed double */

	/* Redis: the client (-2100 .. -2199); see moor/redis.h */
	MOOR_ERR_REDIS_ERROR         = -2100, /* the server answered with an error reply */
	MOOR_ERR_REDIS_AUTH          = -2101, /* AUTH / HELLO AUTH refused (WRONGPASS, NOAUTH, NOPERM) */
	MOOR_ERR_REDIS_NOHELLO       = -2102, /* RESP3 required but the server has no HELLO 3 */
	MOOR_ERR_REDIS_MOVED         = -2103, /* cluster: the key's slot lives on another node */
	MOOR_ERR_REDIS_ASK           = -2104, /* cluster: the slot is migrating; ask another node */
	MOOR_ERR_REDIS_SELECT        = -2105, /* SELECT of the configured database refused */
	MOOR_ERR_REDIS_HANDSHAKE     = -2106, /* HELLO or CLIENT SETNAME refused, or an odd reply to them */
	MOOR_ERR_REDIS_UNEXPECTED    = -2107, /* a reply arrived while no command was waiting for one */
	MOOR_ERR_REDIS_PROTOCOL      = -2108, /* a reply that breaks the Redis protocol (bad redirect, push in RESP2) */
	MOOR_ERR_REDIS_BACKOFF       = -2109, /* reconnect: the next attempt is not due yet */

	/* MySQL: the protocol codec (-3000 .. -3099); see moor/mysql_proto.h */
	MOOR_ERR_MYSQL_PROTOCOL      = -3000, /* a MySQL packet out of place */
	MOOR_ERR_MYSQL_SEQUENCE      = -3001, /* packet sequence id not the one expected */
	MOOR_ERR_MYSQL_TOO_LARGE     = -3002, /* payload, value or count above the limit */
	MOOR_ERR_MYSQL_MALFORMED     = -3003, /* a field runs past the packet's end, or a bad encoding */
	MOOR_ERR_MYSQL_UNSUPPORTED   = -3004, /* server protocol too old or a feature moor lacks */
	MOOR_ERR_MYSQL_BAD_VALUE     = -3005, /* a binary value or parameter with no valid encoding */
	MOOR_ERR_MYSQL_COLUMNS       = -3006, /* binary row wider than MOOR_CONFIG_MYSQL_MAX_COLUMNS */
	MOOR_ERR_MYSQL_RSA_KEY       = -3007, /* server RSA public key unreadable or unusable */
	MOOR_ERR_MYSQL_PASSWORD_TOO_LONG = -3008, /* password too long for RSA encryption with the server key */

	/* MySQL: the client (-3100 .. -3199); see moor/mysql.h */
	MOOR_ERR_MYSQL_SERVER        = -3100, /* the server answered ERR (code, SQLSTATE, message: moor_mysql_last_error()) */
	MOOR_ERR_MYSQL_NO_TLS        = -3101, /* ssl-mode requires TLS but the server does not offer CLIENT_SSL */
	MOOR_ERR_MYSQL_AUTH_PLUGIN   = -3102, /* the server asked for an auth plugin moor does not implement */
	MOOR_ERR_MYSQL_INSECURE_AUTH = -3103, /* the password would cross without TLS (cleartext, or RSA not allowed) */
	MOOR_ERR_MYSQL_AUTH          = -3104, /* authentication exchange out of order or looping */

	/* alerts: MOOR_ERR_TLS_ALERT_RECEIVED - code, MOOR_ERR_TLS_ALERT_SENT - code */
	MOOR_ERR_TLS_ALERT_RECEIVED  = -1000,
	MOOR_ERR_TLS_ALERT_SENT      = -1300
} moor_status;

/* Build an alert status from an alert code (0..255). */
#define MOOR_STATUS_ALERT_RECEIVED(code) ((int)MOOR_ERR_TLS_ALERT_RECEIVED - (int)(code))
#define MOOR_STATUS_ALERT_SENT(code)     ((int)MOOR_ERR_TLS_ALERT_SENT - (int)(code))

/*
 * If `status` is an alert status, return the alert code (0..255) and set
 * `*sent` (if not NULL) to 1 for an alert we sent, 0 for one received.
 * Otherwise return -1.
 */
int moor_status_alert(int status, int *sent);

/* Symbolic name of a status, e.g. "MOOR_ERR_TIMEOUT". Alerts give
 * "MOOR_ERR_TLS_ALERT_RECEIVED" or "MOOR_ERR_TLS_ALERT_SENT". */
const char *moor_status_name(int status);

/* Readable sentence for a status. Alerts give the alert's name, e.g.
 * "TLS alert received: handshake_failure". */
const char *moor_status_str(int status);

/* Name of a TLS alert code ("bad_certificate"), or "unknown_alert". */
const char *moor_alert_name(int alert);

#ifdef __cplusplus
}
#endif

#endif
