/*
 * Status names and strings. Tables are const (flash); lookups are linear,
 * which is fine for an error path.
 */
#include "moor/status.h"

#include <stddef.h>

typedef struct {
	int code;
	const char *name;
	const char *str;
} status_entry;

static const status_entry statuses[] = {
	{ MOOR_OK, "MOOR_OK", "success" },
	{ MOOR_ERR_INVALID_ARG, "MOOR_ERR_INVALID_ARG", "invalid argument" },
	{ MOOR_ERR_BUFFER_TOO_SMALL, "MOOR_ERR_BUFFER_TOO_SMALL", "buffer too small" },
	{ MOOR_ERR_STATE, "MOOR_ERR_STATE", "call not valid in the current state" },
	{ MOOR_ERR_NO_ENTROPY, "MOOR_ERR_NO_ENTROPY", "no entropy source available" },
	{ MOOR_ERR_TIME_UNKNOWN, "MOOR_ERR_TIME_UNKNOWN", "wall-clock time unknown: cannot check certificate validity" },
	{ MOOR_ERR_UNSUPPORTED, "MOOR_ERR_UNSUPPORTED", "not supported by this build" },
	{ MOOR_ERR_CONFIG, "MOOR_ERR_CONFIG", "inconsistent configuration" },
	{ MOOR_ERR_PEM, "MOOR_ERR_PEM", "malformed or truncated PEM" },
	{ MOOR_ERR_BAD_KEY, "MOOR_ERR_BAD_KEY", "private key unreadable, unsupported, or not matching the certificate" },
	{ MOOR_ERR_BAD_CERT, "MOOR_ERR_BAD_CERT", "certificate could not be decoded" },
	{ MOOR_ERR_INTERNAL, "MOOR_ERR_INTERNAL", "internal error (a bug in moor)" },

	{ MOOR_ERR_TIMEOUT, "MOOR_ERR_TIMEOUT", "timed out" },
	{ MOOR_ERR_CLOSED, "MOOR_ERR_CLOSED", "connection closed by peer" },
	{ MOOR_ERR_RESET, "MOOR_ERR_RESET", "connection reset by peer" },
	{ MOOR_ERR_CONNECT, "MOOR_ERR_CONNECT", "connection refused or host unreachable" },
	{ MOOR_ERR_RESOLVE, "MOOR_ERR_RESOLVE", "host name could not be resolved" },
	{ MOOR_ERR_IO, "MOOR_ERR_IO", "network I/O error" },
	{ MOOR_ERR_INJECTED, "MOOR_ERR_INJECTED", "fault injected by a test transport" },
	{ MOOR_ERR_NOT_CONNECTED, "MOOR_ERR_NOT_CONNECTED", "not connected" },

	{ MOOR_ERR_TLS_TRUNCATED, "MOOR_ERR_TLS_TRUNCATED", "TLS stream ended without close_notify (truncation)" },
	{ MOOR_ERR_TLS_PROTOCOL, "MOOR_ERR_TLS_PROTOCOL", "TLS protocol violation by the peer" },
	{ MOOR_ERR_TLS_BAD_MAC, "MOOR_ERR_TLS_BAD_MAC", "TLS record failed authentication" },
	{ MOOR_ERR_TLS_VERSION, "MOOR_ERR_TLS_VERSION", "no TLS version in common with the server" },
	{ MOOR_ERR_TLS_NO_CIPHER, "MOOR_ERR_TLS_NO_CIPHER", "no cipher suite or algorithm in common with the server" },
	{ MOOR_ERR_TLS_BAD_SIGNATURE, "MOOR_ERR_TLS_BAD_SIGNATURE", "server handshake signature does not verify" },
	{ MOOR_ERR_TLS_BAD_FINISHED, "MOOR_ERR_TLS_BAD_FINISHED", "TLS Finished message does not verify" },
	{ MOOR_ERR_TLS_DOWNGRADE, "MOOR_ERR_TLS_DOWNGRADE", "TLS downgrade detected (RFC 8446 sentinel)" },
	{ MOOR_ERR_TLS_RECORD_TOO_LARGE, "MOOR_ERR_TLS_RECORD_TOO_LARGE", "TLS record larger than the receive buffer (server ignored max_fragment_length?)" },
	{ MOOR_ERR_TLS_CLIENT_AUTH, "MOOR_ERR_TLS_CLIENT_AUTH", "client certificate or key cannot be used" },
	{ MOOR_ERR_TLS_BAD_KEY_USAGE, "MOOR_ERR_TLS_BAD_KEY_USAGE", "server key usage does not allow this key exchange" },
	{ MOOR_ERR_TLS_HANDSHAKE, "MOOR_ERR_TLS_HANDSHAKE", "TLS handshake failed" },

	{ MOOR_ERR_X509_EXPIRED, "MOOR_ERR_X509_EXPIRED", "certificate has expired" },
	{ MOOR_ERR_X509_NOT_YET_VALID, "MOOR_ERR_X509_NOT_YET_VALID", "certificate is not yet valid" },
	{ MOOR_ERR_X509_HOSTNAME, "MOOR_ERR_X509_HOSTNAME", "certificate does not match the host name" },
	{ MOOR_ERR_X509_UNKNOWN_CA, "MOOR_ERR_X509_UNKNOWN_CA", "certificate chain does not end at a trusted anchor (unknown CA)" },
	{ MOOR_ERR_X509_SELF_SIGNED, "MOOR_ERR_X509_SELF_SIGNED", "self-signed certificate that is not a trusted anchor" },
	{ MOOR_ERR_X509_CHAIN_INCOMPLETE, "MOOR_ERR_X509_CHAIN_INCOMPLETE", "issuer of the server certificate not found: intermediate certificate missing, or unknown CA" },
	{ MOOR_ERR_X509_BAD_SIGNATURE, "MOOR_ERR_X509_BAD_SIGNATURE", "a certificate signature does not verify" },
	{ MOOR_ERR_X509_MALFORMED, "MOOR_ERR_X509_MALFORMED", "malformed certificate" },
	{ MOOR_ERR_X509_NOT_CA, "MOOR_ERR_X509_NOT_CA", "an issuing certificate is not a CA" },
	{ MOOR_ERR_X509_UNSUPPORTED, "MOOR_ERR_X509_UNSUPPORTED", "unsupported certificate algorithm or key type" },
	{ MOOR_ERR_X509_WEAK_KEY, "MOOR_ERR_X509_WEAK_KEY", "certificate key too weak" },
	{ MOOR_ERR_X509_KEY_USAGE, "MOOR_ERR_X509_KEY_USAGE", "certificate key usage forbids this use" },
	{ MOOR_ERR_X509_CRITICAL_EXT, "MOOR_ERR_X509_CRITICAL_EXT", "certificate has an unsupported critical extension" },
	{ MOOR_ERR_X509_EMPTY_CHAIN, "MOOR_ERR_X509_EMPTY_CHAIN", "server sent no certificate" },
	{ MOOR_ERR_X509_LIMIT, "MOOR_ERR_X509_LIMIT", "certificate chain exceeds a built-in limit" },

	{ MOOR_ERR_RESP_PROTOCOL, "MOOR_ERR_RESP_PROTOCOL", "RESP protocol violation by the server" },
	{ MOOR_ERR_RESP_DEPTH, "MOOR_ERR_RESP_DEPTH", "RESP reply nested deeper than MOOR_CONFIG_RESP_MAX_DEPTH" },
	{ MOOR_ERR_RESP_TOO_LARGE, "MOOR_ERR_RESP_TOO_LARGE", "RESP length or element count above the limit (512 MiB for strings by default)" },
	{ MOOR_ERR_RESP_LINE_TOO_LONG, "MOOR_ERR_RESP_LINE_TOO_LONG", "RESP line longer than the receive buffer" },
	{ MOOR_ERR_RESP_BAD_TYPE, "MOOR_ERR_RESP_BAD_TYPE", "unknown RESP type byte (not a RESP stream?)" },
	{ MOOR_ERR_RESP_CRLF, "MOOR_ERR_RESP_CRLF", "RESP line or string not terminated by CR LF" },
	{ MOOR_ERR_RESP_BAD_LENGTH, "MOOR_ERR_RESP_BAD_LENGTH", "malformed or negative RESP length or count" },
	{ MOOR_ERR_RESP_BAD_INTEGER, "MOOR_ERR_RESP_BAD_INTEGER", "malformed RESP integer or big number" },
	{ MOOR_ERR_RESP_OVERFLOW, "MOOR_ERR_RESP_OVERFLOW", "RESP integer outside the signed 64-bit range" },
	{ MOOR_ERR_RESP_BAD_DOUBLE, "MOOR_ERR_RESP_BAD_DOUBLE", "malformed RESP double" },

	{ MOOR_ERR_REDIS_ERROR, "MOOR_ERR_REDIS_ERROR", "the Redis server answered with an error" },
	{ MOOR_ERR_REDIS_AUTH, "MOOR_ERR_REDIS_AUTH", "Redis authentication failed (wrong user or password, or not allowed)" },
	{ MOOR_ERR_REDIS_NOHELLO, "MOOR_ERR_REDIS_NOHELLO", "the Redis server does not speak RESP3 (no HELLO 3)" },
	{ MOOR_ERR_REDIS_MOVED, "MOOR_ERR_REDIS_MOVED", "Redis cluster: the key's hash slot moved to another node (MOVED)" },
	{ MOOR_ERR_REDIS_ASK, "MOOR_ERR_REDIS_ASK", "Redis cluster: the key's hash slot is migrating, ask another node (ASK)" },
	{ MOOR_ERR_REDIS_SELECT, "MOOR_ERR_REDIS_SELECT", "Redis refused to SELECT the database" },
	{ MOOR_ERR_REDIS_HANDSHAKE, "MOOR_ERR_REDIS_HANDSHAKE", "Redis connection setup refused (HELLO or CLIENT SETNAME)" },
	{ MOOR_ERR_REDIS_UNEXPECTED, "MOOR_ERR_REDIS_UNEXPECTED", "Redis sent a reply that no command was waiting for" },
	{ MOOR_ERR_REDIS_PROTOCOL, "MOOR_ERR_REDIS_PROTOCOL", "Redis protocol violation by the server" },
	{ MOOR_ERR_REDIS_BACKOFF, "MOOR_ERR_REDIS_BACKOFF", "Redis reconnect postponed by the backoff delay" },

	{ MOOR_ERR_MYSQL_PROTOCOL, "MOOR_ERR_MYSQL_PROTOCOL", "MySQL packet out of place (protocol violation by the server)" },
	{ MOOR_ERR_MYSQL_SEQUENCE, "MOOR_ERR_MYSQL_SEQUENCE", "MySQL packet sequence id out of order (lost, repeated or foreign packet)" },
	{ MOOR_ERR_MYSQL_TOO_LARGE, "MOOR_ERR_MYSQL_TOO_LARGE", "MySQL payload, value or count above the configured limit" },
	{ MOOR_ERR_MYSQL_MALFORMED, "MOOR_ERR_MYSQL_MALFORMED", "malformed MySQL packet (a field runs past its end, or a bad encoding)" },
	{ MOOR_ERR_MYSQL_UNSUPPORTED, "MOOR_ERR_MYSQL_UNSUPPORTED", "MySQL server protocol too old, or a feature moor does not implement" },
	{ MOOR_ERR_MYSQL_BAD_VALUE, "MOOR_ERR_MYSQL_BAD_VALUE", "MySQL binary value or parameter with no valid encoding (type or range)" },
	{ MOOR_ERR_MYSQL_COLUMNS, "MOOR_ERR_MYSQL_COLUMNS", "MySQL binary row wider than MOOR_CONFIG_MYSQL_MAX_COLUMNS" },
	{ MOOR_ERR_MYSQL_RSA_KEY, "MOOR_ERR_MYSQL_RSA_KEY", "MySQL server RSA public key unreadable or unusable" },
	{ MOOR_ERR_MYSQL_PASSWORD_TOO_LONG, "MOOR_ERR_MYSQL_PASSWORD_TOO_LONG", "password too long to encrypt with the MySQL server's RSA key" },

	{ MOOR_ERR_MYSQL_SERVER, "MOOR_ERR_MYSQL_SERVER", "the MySQL server answered with an error (see its code, SQLSTATE and message)" },
	{ MOOR_ERR_MYSQL_NO_TLS, "MOOR_ERR_MYSQL_NO_TLS", "ssl-mode requires TLS but the MySQL server does not offer it" },
	{ MOOR_ERR_MYSQL_AUTH_PLUGIN, "MOOR_ERR_MYSQL_AUTH_PLUGIN", "the MySQL server asked for an authentication plugin moor does not implement" },
	{ MOOR_ERR_MYSQL_INSECURE_AUTH, "MOOR_ERR_MYSQL_INSECURE_AUTH", "refused to send the MySQL password without TLS (cleartext, or RSA key not allowed)" },
	{ MOOR_ERR_MYSQL_AUTH, "MOOR_ERR_MYSQL_AUTH", "MySQL authentication exchange out of order or too long" },
};

typedef struct {
	unsigned char code;
	const char *name;
	const char *recv;
	const char *sent;
} alert_entry;

/* RFC 8446 section 6 and RFC 5246 alert codes. */
#define A(c, n) { c, n, "TLS alert received: " n, "TLS alert sent: " n }
static const alert_entry alerts[] = {
	A(0, "close_notify"),
	A(10, "unexpected_message"),
	A(20, "bad_record_mac"),
	A(22, "record_overflow"),
	A(40, "handshake_failure"),
	A(42, "bad_certificate"),
	A(43, "unsupported_certificate"),
	A(44, "certificate_revoked"),
	A(45, "certificate_expired"),
	A(46, "certificate_unknown"),
	A(47, "illegal_parameter"),
	A(48, "unknown_ca"),
	A(49, "access_denied"),
	A(50, "decode_error"),
	A(51, "decrypt_error"),
	A(70, "protocol_version"),
	A(71, "insufficient_security"),
	A(80, "internal_error"),
	A(86, "inappropriate_fallback"),
	A(90, "user_canceled"),
	A(100, "no_renegotiation"),
	A(109, "missing_extension"),
	A(110, "unsupported_extension"),
	A(112, "unrecognized_name"),
	A(113, "bad_certificate_status_response"),
	A(115, "unknown_psk_identity"),
	A(116, "certificate_required"),
	A(120, "no_application_protocol"),
};
#undef A

int moor_status_alert(int status, int *sent)
{
	if (status <= MOOR_ERR_TLS_ALERT_RECEIVED && status > MOOR_ERR_TLS_ALERT_RECEIVED - 256) {
		if (sent != NULL)
			*sent = 0;
		return MOOR_ERR_TLS_ALERT_RECEIVED - status;
	}
	if (status <= MOOR_ERR_TLS_ALERT_SENT && status > MOOR_ERR_TLS_ALERT_SENT - 256) {
		if (sent != NULL)
			*sent = 1;
		return MOOR_ERR_TLS_ALERT_SENT - status;
	}
	return -1;
}

static const alert_entry *find_alert(int code)
{
	size_t i;

	for (i = 0; i < sizeof alerts / sizeof alerts[0]; i++) {
		if (alerts[i].code == code)
			return &alerts[i];
	}
	return NULL;
}

static const status_entry *find_status(int code)
{
	size_t i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		if (statuses[i].code == code)
			return &statuses[i];
	}
	return NULL;
}

const char *moor_alert_name(int alert)
{
	const alert_entry *a = find_alert(alert);

	return a != NULL ? a->name : "unknown_alert";
}

const char *moor_status_name(int status)
{
	const status_entry *e;
	int sent;

	if (status > 0)
		return "MOOR_OK";
	if (moor_status_alert(status, &sent) >= 0)
		return sent ? "MOOR_ERR_TLS_ALERT_SENT" : "MOOR_ERR_TLS_ALERT_RECEIVED";
	e = find_status(status);
	return e != NULL ? e->name : "MOOR_ERR_UNKNOWN";
}

const char *moor_status_str(int status)
{
	const status_entry *e;
	const alert_entry *a;
	int sent, code;

	if (status > 0)
		return "success";
	code = moor_status_alert(status, &sent);
	if (code >= 0) {
		a = find_alert(code);
		if (a == NULL)
			return sent ? "TLS alert sent: unknown alert" : "TLS alert received: unknown alert";
		return sent ? a->sent : a->recv;
	}
	e = find_status(status);
	return e != NULL ? e->str : "unknown status";
}
