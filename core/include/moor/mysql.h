/*
 * moor: the MySQL client (MySQL 5.7/8.x, MariaDB, TiDB, SingleStore).
 *
 * One connection over a TCP transport that the client upgrades to TLS in
 * place (SSLRequest, then a moor_tls session over the same TCP
 * transport). The protocol bytes are the codec's (moor/mysql_proto.h);
 * this file adds the state: connection phase, authentication, commands
 * and streamed results.
 *
 * Nothing is allocated. The caller owns the `moor_mysql` context, its two
 * buffers, the config and everything the config points to (the moor_tls
 * session and its I/O buffer included); all must outlive the client. No
 * global state, no recursion.
 *
 * CONNECTION. cfg->connect is a hook that returns a connected TCP
 * transport (plain bytes: the client runs the MySQL prelude and TLS
 * itself). moor_mysql_connect() then reads the HandshakeV10, negotiates
 * capabilities, and by cfg->ssl_mode (the mysql client's --ssl-mode, via
 * moor_ssl_mode):
 *
 *   VERIFY_IDENTITY (MOOR_SSL_VERIFY_FULL, 0, the default), VERIFY_CA,
 *   REQUIRED (MOOR_SSL_REQUIRE: encrypted, NOT verified)
 *       SSLRequest, then the TLS handshake with cfg->tls's settings
 *       (anchors, server_name, client certificate, versions) in this
 *       mode. A server without CLIENT_SSL fails the connect with
 *       MOOR_ERR_MYSQL_NO_TLS: never a silent fallback to plaintext.
 *       With TLS 1.2 and 1.3 both allowed and no reconnect hook of your
 *       own in cfg->tls, a server without TLS 1.3 gets TLS 1.2 on a fresh
 *       connection: the client reconnects through cfg->connect and
 *       replays the prelude (handshake, SSLRequest) itself.
 *   DISABLED (MOOR_SSL_DISABLE)
 *       plaintext.
 *
 * AUTHENTICATION. The HandshakeResponse41 answers the server's plugin:
 *   mysql_native_password   SHA1 scramble;
 *   caching_sha2_password   SHA256 scramble; then the fast path (0x03, OK)
 *                           or full authentication (0x04): inside TLS the
 *                           password in clear; without TLS RSA-OAEP with
 *                           the server's key, only if the caller pinned
 *                           it (cfg->server_rsa_pem) or allowed asking
 *                           the server for it (cfg->get_server_public_key,
 *                           like mysql --get-server-public-key: a MITM
 *                           could send its own key); otherwise
 *                           MOOR_ERR_MYSQL_INSECURE_AUTH;
 *   mysql_clear_password    only inside TLS, else MOOR_ERR_MYSQL_INSECURE_AUTH;
 *   anything else           (client_ed25519, sha256_password, dialog, ...)
 *                           answered with native; an AuthSwitchRequest to
 *                           one of the three above is followed, to any
 *                           other gives MOOR_ERR_MYSQL_AUTH_PLUGIN (its
 *                           name in moor_mysql_last_error()'s message).
 * A certificate-only user has an empty password (cfg->password NULL or
 * "") and a client certificate in cfg->tls->client. User names are opaque
 * (TiDB Cloud's "prefix.user" works as is). cfg->database selects the
 * initial schema; the connection attributes are `_client_name` moor,
 * `_client_version`, cfg->program_name and cfg->attrs.
 *
 * COMMANDS. One command at a time. Senders block with a deadline until
 * the command is written; the reply is then read with moor_mysql_next()
 * (non-blocking) or moor_mysql_poll() (deadline), one event at a time:
 *
 *   COM_QUERY reply:  [RESULT (ncols), COLUMN x ncols, VALUE...,
 *                      END (more?)] or OK (more?), repeated while `more`
 *                      (multi-statements, stored procedures), or an ERR.
 *
 * VALUE events carry one column value of one row (moor_mysql_value:
 * zero-copy slices into the receive buffer; a value longer than the
 * buffer comes as CHUNK pieces). V_ROW_DONE marks a row's last value.
 * Slices stay valid until the next call on the client. An ERR reply is
 * returned as MOOR_ERR_MYSQL_SERVER (the connection stays up; the code,
 * SQLSTATE and message are kept in moor_mysql_last_error()) and ends the
 * command. Blocking helpers: moor_mysql_query_ok() (a statement without
 * rows; rows if any are skipped), moor_mysql_ping(), moor_mysql_init_db(),
 * moor_mysql_reset(), moor_mysql_stmt_*().
 *
 * ERRORS. Every call returns a moor_status. MOOR_ERR_MYSQL_SERVER (and
 * MOOR_ERR_STATE, MOOR_ERR_INVALID_ARG) leave the connection as it was.
 * Everything else (transport errors, timeouts, codec errors, a packet out
 * of place) closes the connection, is sticky, and is returned by every
 * call until moor_mysql_connect() again. A failed connect is closed too;
 * when the server refused it with ERR (1045 access denied, ...) the
 * status is MOOR_ERR_MYSQL_SERVER with the ERR in moor_mysql_last_error().
 *
 * EXAMPLE:
 *
 *   static uint8_t rx[2048], tx[1024], tlsbuf[MOOR_TLS_BUFSIZE(1024)];
 *   static moor_tls tls;
 *   moor_mysql m;
 *   moor_mysql_config cfg = { 0 };         // VERIFY_IDENTITY
 *   moor_tls_config tcfg = { 0 };
 *   moor_mysql_event ev;
 *   int st;
 *
 *   tcfg.server_name = "db.example.com";
 *   cfg.connect = my_tcp_connect;  cfg.tls = &tcfg;
 *   cfg.tls_session = &tls; cfg.tls_buf = tlsbuf; cfg.tls_buf_len = sizeof tlsbuf;
 *   cfg.user = "app"; cfg.password = "secret"; cfg.database = "shop";
 *   st = moor_mysql_init(&m, &cfg, plat, rx, sizeof rx, tx, sizeof tx);
 *   if (st == MOOR_OK) st = moor_mysql_connect(&m, 10000);
 *   if (st == MOOR_OK) st = moor_mysql_query(&m, "SELECT id, name FROM t", 22, 5000);
 *   while (st == MOOR_OK && moor_mysql_busy(&m)) {
 *       st = moor_mysql_poll(&m, &ev, 5000);
 *       if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_VALUE)
 *           use(ev.value.col, ev.value.ptr, ev.value.len);
 *   }
 *   moor_mysql_close(&m);
 */
#ifndef MOOR_MYSQL_H
#define MOOR_MYSQL_H

#include <stddef.h>
#include <stdint.h>

#include "moor/config_defaults.h"
#include "moor/mysql_proto.h"
#include "moor/platform.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/transport.h"
#include "moor/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * MOOR_CONFIG_MYSQL_ERRMSG_MAX: bytes kept of the last server error
 * message (with the NUL); longer messages are cut. Range 16..512.
 * Default 128; the CMake build of a host library sets 512 (PUBLIC), so
 * that the moor CLI prints messages whole, as the mariadb client does.
 */
#ifndef MOOR_CONFIG_MYSQL_ERRMSG_MAX
#define MOOR_CONFIG_MYSQL_ERRMSG_MAX 128
#endif
#if MOOR_CONFIG_MYSQL_ERRMSG_MAX < 16 || MOOR_CONFIG_MYSQL_ERRMSG_MAX > 512
#error "MOOR_CONFIG_MYSQL_ERRMSG_MAX must be 16..512"
#endif

/*
 * Buffer sizes.
 * Receive buffer: every packet but a row must fit whole (the handshake,
 * OK and ERR packets, a column definition: six names of up to 64
 * characters in utf8mb4, 256 bytes each at worst, are ~1.6 KiB; typical
 * ones are under 100 bytes; a caching_sha2 PEM key of a 4096-bit RSA key
 * is ~800 bytes): MOOR_MYSQL_RX_MIN 256. Rows of any size stream.
 * Transmit buffer: holds the HandshakeResponse41 (36 + user + 33 auth
 * bytes + database + plugin name + attributes: ~200 bytes plus your
 * names), a COM_STMT_EXECUTE with its parameter values, and for the RSA
 * path the key's DER (up to 560) and the ciphertext (up to 516):
 * MOOR_MYSQL_TX_MIN 256, MOOR_MYSQL_TX_RSA 1100. Queries and long data
 * are sent straight from the caller's memory, whatever their size.
 */
#define MOOR_MYSQL_RX_MIN 256
#define MOOR_MYSQL_TX_MIN 256
#define MOOR_MYSQL_TX_RSA 1100

/* Event types (moor_mysql_event.type). */
#define MOOR_MYSQL_E_OK     1  /* an OK reply: ev.ok (ev.more: another result follows) */
#define MOOR_MYSQL_E_RESULT 2  /* a result set starts: ev.ncols columns */
#define MOOR_MYSQL_E_COLUMN 3  /* ev.column (index ev.index) */
#define MOOR_MYSQL_E_VALUE  4  /* ev.value: one value of a row */
#define MOOR_MYSQL_E_END    5  /* the result set ended: ev.ok.status/warnings
                                * (and affected/info with DEPRECATE_EOF);
                                * ev.rows rows; ev.more */

typedef struct moor_mysql_event {
	uint8_t type;              /* MOOR_MYSQL_E_* */
	uint8_t more;              /* E_OK / E_END: another result follows */
	uint8_t binary;            /* rows of COM_STMT_EXECUTE */
	uint32_t ncols;            /* E_RESULT, and during the result set */
	uint32_t index;            /* E_COLUMN: 0-based */
	uint64_t rows;             /* E_END: rows in the result set; E_VALUE:
	                            * 0-based index of the value's row */
	moor_mysql_column column;  /* E_COLUMN: slices into the receive buffer */
	moor_mysql_value value;    /* E_VALUE */
	moor_mysql_ok ok;          /* E_OK, E_END */
} moor_mysql_event;

/* The last server ERR (or, code 0, what the client refused and why). */
typedef struct moor_mysql_error {
	uint16_t code;                            /* 1045, 1064, ...; 0: none */
	char sqlstate[6];                         /* "28000"; "" if not sent */
	char message[MOOR_CONFIG_MYSQL_ERRMSG_MAX]; /* NUL-terminated, maybe cut */
} moor_mysql_error;

/* A prepared statement. Caller-owned; set `types`/`types_cap` before
 * moor_mysql_stmt_prepare(): one byte per result column (its type,
 * needed to decode binary rows). */
typedef struct moor_mysql_stmt {
	uint32_t id;
	uint16_t nparams;          /* parameters the statement takes */
	uint16_t ncols;            /* result columns (0: no result set) */
	uint8_t *types;            /* caller's array */
	size_t types_cap;
} moor_mysql_stmt;

typedef struct moor_mysql_config {
	/*
	 * Open a TCP connection to the server and return it (*tcp); TLS is
	 * the client's job. Returns MOOR_OK or a status (returned by
	 * moor_mysql_connect()). Required. Called again for a TLS 1.2
	 * fallback.
	 */
	int (*connect)(void *ctx, moor_transport **tcp, uint32_t timeout_ms);
	/* Close a transport returned by connect() (after TLS closed on it);
	 * NULL: moor_transport_close(). `graceful` 0 after a failure. */
	void (*disconnect)(void *ctx, moor_transport *tcp, int graceful);
	void *conn_ctx;

	/* ssl-mode; 0 = VERIFY_IDENTITY (MOOR_SSL_VERIFY_FULL). */
	moor_ssl_mode ssl_mode;
	/* TLS settings (anchors, server_name, client certificate, versions);
	 * its `mode` is ignored (ssl_mode rules). NULL: all defaults, which
	 * with VERIFY_IDENTITY fails for want of a server_name. Without
	 * `scratch` in it, an rx buffer of at least MOOR_TLS_SCRATCH_SIZE
	 * bytes is lent to the session as its handshake scratch (rx is idle
	 * then), which a build with MOOR_CONFIG_TLS_X509_INLINE=0 needs. */
	const moor_tls_config *tls;
	/* The TLS session and its I/O buffer (>= MOOR_TLS_BUFSIZE_MIN);
	 * required unless ssl_mode is DISABLE. */
	moor_tls *tls_session;
	uint8_t *tls_buf;
	size_t tls_buf_len;

	const char *user;          /* NULL: "" */
	const char *password;      /* NULL or "": empty (certificate-only users) */
	const char *database;      /* initial schema; NULL: none */

	/* caching_sha2_password without TLS: the server's RSA public key as
	 * PEM (pinned), or permission to ask the server for it. Neither:
	 * full authentication without TLS fails. */
	const char *server_rsa_pem;
	size_t server_rsa_pem_len;
	uint8_t get_server_public_key;

	uint8_t charset;           /* collation id; 0 = utf8mb4_general_ci */
	uint32_t caps;             /* more capabilities (MULTI_STATEMENTS,
	                            * FOUND_ROWS, ...); 0: MOOR_MYSQL_CLIENT_DEFAULT */
	uint32_t caps_off;         /* capabilities not to ask for (e.g. DEPRECATE_EOF) */
	const char *program_name;  /* connection attribute program_name; NULL: none */
	const char *const *attrs;  /* more attributes: key, value pairs */
	size_t n_attrs;

	/* Defaults for calls passed timeout 0: connect (0 = 10000 ms) and
	 * commands (0 = 5000 ms). */
	uint32_t connect_timeout_ms;
	uint32_t timeout_ms;
} moor_mysql_config;

/*
 * The client. Caller-owned, nothing to free; fields private. It must not
 * move while connected (the TLS session points into it). sizeof is 584
 * bytes with the defaults on Cortex-M4 (704 on a 64-bit host): the row
 * decoder is 176 of them (its binary NULL bitmap for
 * MOOR_CONFIG_MYSQL_MAX_COLUMNS), the last error 136, the copy of the TLS
 * config 64. A whole TLS connection adds the moor_tls session (8272 bytes
 * on Cortex-M4), its I/O buffer (MOOR_TLS_BUFSIZE(1024) = 2458 bytes with
 * 1 KiB records) and the rx/tx buffers (e.g. 1024 + 512): about 12.8 KB.
 * Built with MOOR_CONFIG_TLS_X509_INLINE=0 the session is 3488 bytes and
 * the connection about 8.1 KB, plus MOOR_TLS_SCRATCH_SIZE (4784) bytes of
 * handshake scratch that connections can share (moor_tls_config.scratch).
 */
typedef struct moor_mysql {
	const moor_mysql_config *cfg;
	const moor_platform *plat;
	moor_transport *tcp;       /* from cfg->connect; NULL when closed */
	moor_transport *t;         /* tcp, or the TLS session over it */
	moor_tls_config tlscfg;    /* cfg->tls with ssl_mode and our fallback */
	moor_mysql_reader rd;
	uint8_t *rx;
	size_t rxcap, fill, off;
	uint8_t *tx;
	size_t txcap;
	const uint8_t *pend;       /* row bytes not yet decoded */
	size_t pend_len;
	moor_mysql_row row;
	moor_mysql_stmt *stmt;     /* the statement whose rows are read */
	uint64_t rows;             /* rows of the current result set */
	uint64_t affected_rows, last_insert_id;
	uint32_t caps;             /* negotiated */
	uint32_t server_caps;
	uint32_t connection_id;
	uint32_t ncols, col;       /* current result set */
	int err;                   /* sticky error */
	uint16_t status, warnings; /* from the last OK / EOF */
	uint8_t state;             /* reply state */
	uint8_t binary;
	uint8_t in_row, row_last;
	uint8_t tls_on;
	uint8_t plugin;            /* the server's auth plugin (MOOR_MYSQL_AUTH_*) */
	uint8_t resp_seq;          /* id of the HandshakeResponse41 */
	uint8_t scramble[MOOR_MYSQL_SCRAMBLE_LEN];
	char server_version[48];
	moor_mysql_error last;
} moor_mysql;

/*
 * Prepare a client (not connected): rx of rxcap >= MOOR_MYSQL_RX_MIN, tx
 * of txcap >= MOOR_MYSQL_TX_MIN. Returns MOOR_OK, MOOR_ERR_INVALID_ARG
 * (NULL pointers, no connect hook, no TLS session while ssl_mode wants
 * TLS), MOOR_ERR_BUFFER_TOO_SMALL.
 */
int moor_mysql_init(moor_mysql *m, const moor_mysql_config *cfg,
	const moor_platform *plat, uint8_t *rx, size_t rxcap,
	uint8_t *tx, size_t txcap);

/*
 * Connect and log in within `timeout_ms` (0 = the config's). Closes a
 * previous connection first. Returns MOOR_OK, the hook's status,
 * MOOR_ERR_TIMEOUT, MOOR_ERR_MYSQL_SERVER (the server refused: ERR kept),
 * MOOR_ERR_MYSQL_NO_TLS, MOOR_ERR_MYSQL_AUTH_PLUGIN,
 * MOOR_ERR_MYSQL_INSECURE_AUTH, MOOR_ERR_MYSQL_AUTH (a second
 * AuthSwitchRequest, too many rounds), MOOR_ERR_MYSQL_PROTOCOL (a packet
 * out of place, e.g. AuthMoreData for another plugin),
 * MOOR_ERR_MYSQL_UNSUPPORTED (pre-4.1 server, a nonce shorter than 20
 * bytes), MOOR_ERR_BUFFER_TOO_SMALL (the HandshakeResponse41 does not fit
 * in tx; tx under MOOR_MYSQL_TX_RSA on the RSA path), MOOR_ERR_NO_ENTROPY,
 * MOOR_ERR_MYSQL_RSA_KEY, MOOR_ERR_MYSQL_PASSWORD_TOO_LONG, any TLS /
 * X.509 status, codec and transport errors.
 */
int moor_mysql_connect(moor_mysql *m, uint32_t timeout_ms);

/* COM_QUIT, then close (close_notify with TLS). Safe in any state. */
void moor_mysql_close(moor_mysql *m);

/*
 * Send COM_QUERY (sql need not be NUL-terminated and may be of any
 * size) within the deadline; read the reply with moor_mysql_next() /
 * moor_mysql_poll(). MOOR_OK, MOOR_ERR_STATE (a reply is still being
 * read), MOOR_ERR_NOT_CONNECTED, the sticky error, transport errors.
 */
int moor_mysql_query(moor_mysql *m, const char *sql, size_t len, uint32_t timeout_ms);

/*
 * The next event of the reply, without blocking. Returns 1 (*ev set), 0
 * (wait for input: moor_mysql_wait()), MOOR_ERR_STATE (no reply pending),
 * MOOR_ERR_MYSQL_SERVER (an ERR ended the command), or a connection error
 * (the connection is then closed): codec errors, MOOR_ERR_MYSQL_PROTOCOL
 * (a packet out of place, LOCAL INFILE requests), MOOR_ERR_BUFFER_TOO_SMALL
 * (a non-row packet larger than the receive buffer, or a binary result
 * wider than the statement's types array), MOOR_ERR_CLOSED.
 */
int moor_mysql_next(moor_mysql *m, moor_mysql_event *ev);

/* After moor_mysql_next() returned 0: wait for input within `timeout_ms`.
 * Returns the ready MOOR_IO_* bits, 0 on timeout, or an error (closed). */
int moor_mysql_wait(moor_mysql *m, uint32_t timeout_ms);

/* moor_mysql_next() with a deadline: MOOR_OK (*ev set), MOOR_ERR_TIMEOUT
 * (the connection is closed: the reply's place is lost) or its errors. */
int moor_mysql_poll(moor_mysql *m, moor_mysql_event *ev, uint32_t timeout_ms);

/* 1 while a reply is being read (call next/poll), else 0. */
int moor_mysql_busy(const moor_mysql *m);

/* Read and drop the rest of the pending reply. MOOR_OK, or the first
 * error met (MOOR_ERR_MYSQL_SERVER for an ERR in it). */
int moor_mysql_drain(moor_mysql *m, uint32_t timeout_ms);

/*
 * Run statements that return no rows (rows are read and dropped) and
 * give the last OK (ok may be NULL). MOOR_OK, MOOR_ERR_MYSQL_SERVER, the
 * errors of moor_mysql_query() and moor_mysql_poll().
 */
int moor_mysql_query_ok(moor_mysql *m, const char *sql, size_t len,
	moor_mysql_ok *ok, uint32_t timeout_ms);

/* COM_PING, COM_INIT_DB, COM_RESET_CONNECTION: send and wait for OK. */
int moor_mysql_ping(moor_mysql *m, uint32_t timeout_ms);
int moor_mysql_init_db(moor_mysql *m, const char *schema, uint32_t timeout_ms);
int moor_mysql_reset(moor_mysql *m, uint32_t timeout_ms);

/*
 * COM_STMT_PREPARE: fills stmt (id, nparams, ncols; the result columns'
 * types if they fit in stmt->types). MOOR_OK, MOOR_ERR_MYSQL_SERVER,
 * connection errors.
 */
int moor_mysql_stmt_prepare(moor_mysql *m, moor_mysql_stmt *stmt,
	const char *sql, size_t len, uint32_t timeout_ms);

/*
 * COM_STMT_EXECUTE with `n` parameters (== stmt->nparams; types sent
 * every time). The reply is read with next/poll like a query's, rows in
 * binary (ev.binary, values decoded by type). The COM_STMT_EXECUTE must
 * fit in the transmit buffer (send long values with
 * moor_mysql_stmt_send_long_data()). MOOR_OK, MOOR_ERR_INVALID_ARG (n !=
 * nparams), MOOR_ERR_BUFFER_TOO_SMALL (not sent; the connection stays),
 * MOOR_ERR_MYSQL_BAD_VALUE, MOOR_ERR_STATE, connection errors.
 */
int moor_mysql_stmt_execute(moor_mysql *m, moor_mysql_stmt *stmt,
	const moor_mysql_param *params, size_t n, uint32_t timeout_ms);

/* COM_STMT_SEND_LONG_DATA (no reply), any size, from the caller's memory. */
int moor_mysql_stmt_send_long_data(moor_mysql *m, const moor_mysql_stmt *stmt,
	uint16_t param, const uint8_t *data, size_t n, uint32_t timeout_ms);

/* COM_STMT_RESET (waits for OK) and COM_STMT_CLOSE (no reply). */
int moor_mysql_stmt_reset(moor_mysql *m, const moor_mysql_stmt *stmt, uint32_t timeout_ms);
int moor_mysql_stmt_close(moor_mysql *m, moor_mysql_stmt *stmt, uint32_t timeout_ms);

/* The last ERR (code 0 if none since connect). Never NULL. */
const moor_mysql_error *moor_mysql_last_error(const moor_mysql *m);

/* 1 while connected and not failed. */
int moor_mysql_connected(const moor_mysql *m);

/* The TLS session's parameters, NULL without TLS. */
const moor_tls_info *moor_mysql_tls_info(const moor_mysql *m);

/* The server's version string ("10.11.6-MariaDB-..." with MariaDB's
 * "5.5.5-" prefix removed), connection id, negotiated capabilities. */
const char *moor_mysql_server_version(const moor_mysql *m);
uint32_t moor_mysql_connection_id(const moor_mysql *m);
uint32_t moor_mysql_caps(const moor_mysql *m);

#ifdef __cplusplus
}
#endif

#endif
