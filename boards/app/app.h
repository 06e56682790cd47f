/*
 * moor_app: the demo application logic, portable (issue 5 item 6, issue 6).
 *
 * The same code runs on every target: the POSIX host (boards/host/
 * telemetry.c), lwIP on the host (boards/host-lwip) and the Cortex-M4
 * firmware under QEMU. It makes no POSIX call, no stdio call and no
 * allocation; it uses only the moor library, <string.h> (memcpy, memset,
 * memcmp, strlen) and what the caller hands it:
 *
 *   - an already-connected TCP transport (moor_posix_tcp, lwIP, ...): the
 *     app runs TLS on it itself and closes it when done (every return,
 *     success or failure, leaves it closed);
 *   - a platform (clocks, wall time for certificate dates, entropy);
 *   - the TLS inputs: server name (SNI and the name verified), trust
 *     anchors, client certificate and key (moor's own types, see
 *     moor/tls.h and moor/x509.h: the caller loads them, e.g. DER in flash
 *     through moor_credentials_load());
 *   - a device name and, for MySQL, the user (and database);
 *   - an output hook that receives the report, one line at a time;
 *   - a context, moor_app_ctx, whose size is known at compile time: it
 *     holds every buffer of the connection (make it static).
 *
 * Two entry points:
 *
 *   moor_app_redis_run()   TLS 1.3 (verify-full, client certificate),
 *       HELLO 3; one pipelined batch: DEL of the device's stream and hash,
 *       10 readings as XADD moor:telemetry:DEVICE MAXLEN ~ 1000 * seq N
 *       temp_c T rh_pct H, HSET moor:device:DEVICE with the last values;
 *       then XRANGE + HGETALL pipelined, and checks every entry (the ID
 *       its XADD returned, the fields sent) and the hash.
 *
 *   moor_app_mysql_run()   SSLRequest then TLS 1.3 with ssl-mode
 *       VERIFY_IDENTITY, login as target->user (a certificate-only user:
 *       REQUIRE X509, no password, when target->password is NULL);
 *       CREATE TABLE IF NOT EXISTS readings(device, seq, temp_c DOUBLE,
 *       rh_pct, ts); DELETE of the device's rows; ONE prepared INSERT
 *       executed 10 times with typed parameters (VARCHAR, LONG, DOUBLE,
 *       NEWDECIMAL, DATETIME; reading 4's rh_pct is bound as NULL); a
 *       prepared SELECT of the device's rows, binary result, every value
 *       checked (the doubles bit for bit); COM_QUIT.
 *
 * Both return MOOR_OK only if every step succeeded and every check passed;
 * otherwise a moor_status of the step that failed, or MOOR_APP_ERR_CHECK
 * when everything ran but a value read back differed.
 *
 * THE REPORT. Every line goes to target->out without a newline, at most
 * MOOR_APP_LINE_MAX - 1 characters. Three kinds:
 *   - lines that start with "~ " carry what changes from run to run or
 *     from target to target: timings, the stream IDs Redis assigns, object
 *     sizes (pointer width), the server's version string;
 *   - lines that start with "error: " say what failed:
 *       "error: STEP: MOOR_ERR_NAME: sentence"   (a moor status)
 *       "error: STEP: MOOR_ERR_TLS_ALERT_RECEIVED(42): sentence"
 *       "error: STEP: server ERR 1045 (28000): message"  (MySQL ERR)
 *       "error: check: what differed"
 *     with STEP one of: config, connect, write, read, session, create, delete,
 *     prepare, insert, select, check;
 *   - every other line depends only on the inputs and on the server's
 *     configuration, so it is the same, byte for byte, on every target:
 *     tests compare targets with `grep -v '^~ '`. Inputs include the
 *     anchors' display names: the "tls:" line names the anchor the chain
 *     ended at (anchors->names, "?" without names), so give every target
 *     the same names (moor_anchors_from_pem() takes them from the CN).
 * The last line is "result: OK, ..." or "result: FAILED ...".
 *
 * Example (POSIX; lwIP and the firmware differ only in the TCP connect):
 *
 *   static moor_app_ctx app;
 *   static void out(void *ctx, const char *line) { puts(line); }
 *   moor_app_target t = { 0 };
 *   t.plat = plat; t.server_name = "localhost"; t.anchors = &anchors;
 *   t.client = &creds; t.device = "sensor-1"; t.out = out;
 *   st = moor_posix_tcp_connect(&tcp, plat, "127.0.0.1", port, 10000);
 *   if (st == MOOR_OK)
 *       st = moor_app_redis_run(&app, &t, &tcp.base);
 *
 * Ownership: the context, the target and everything it points to belong
 * to the caller and must stay valid during the call; the app keeps no
 * pointer to any of them after it returns. One run at a time per context;
 * no global or static state, so two contexts may run on two threads.
 */
#ifndef MOOR_APP_H
#define MOOR_APP_H

#include <stddef.h>
#include <stdint.h>

#include "moor/mysql.h"
#include "moor/platform.h"
#include "moor/redis.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/transport.h"
#include "moor/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Sizes (override with -D before including this header; every target
 * that compares reports must use the same values, since TLS records and
 * buffer sizes show in a few stable lines). */

/* TLS plaintext record size the client asks for (max_fragment_length):
 * 512, 1024, 2048, 4096 or 16384. Default 1024: a 2458-byte I/O buffer. */
#ifndef MOOR_APP_TLS_FRAG
#define MOOR_APP_TLS_FRAG 1024
#endif

/* Protocol buffers. Redis: the XRANGE reply is decoded event by event,
 * so 1 KiB is plenty; the write batch is queued while tx has room.
 * MySQL: rx holds any non-row packet whole (column definitions of the
 * SELECT are ~60 bytes each, the handshake ~100); tx holds the
 * HandshakeResponse41 (~250 bytes with the attributes) and one
 * COM_STMT_EXECUTE (~110 bytes with the device name). */
#ifndef MOOR_APP_RX_SIZE
#define MOOR_APP_RX_SIZE 1024
#endif
#ifndef MOOR_APP_TX_SIZE
#define MOOR_APP_TX_SIZE 512
#endif

#define MOOR_APP_N_READINGS 10   /* readings per run */
#define MOOR_APP_DEVICE_MAX 32   /* device name: 1..32 of [A-Za-z0-9._:-] */
#define MOOR_APP_LINE_MAX   192  /* one report line with its NUL */
#define MOOR_APP_PEER_DN_MAX 256 /* the server leaf's subject DN (DER) */

/* Default timeouts (target->timeout_ms 0). */
#define MOOR_APP_CONNECT_TIMEOUT_MS 10000   /* TLS + protocol handshake */
#define MOOR_APP_TIMEOUT_MS          5000   /* each command */

/*
 * Returned when every step ran but what was read back differs from what
 * was written (the report's "error: check:" lines say what). Outside all
 * moor_status ranges; moor_app_status_name() knows it.
 */
#define MOOR_APP_ERR_CHECK (-9000)

/* ------------------------------------------------------------------ */
/* What one run talks to, and as whom. Zero it, then set the fields. */
typedef struct moor_app_target {
	/* Clocks, wall time (certificate dates) and entropy. Required. */
	const moor_platform *plat;

	/* TLS: SNI and the name the server's certificate must carry (always
	 * verify-full / VERIFY_IDENTITY, TLS 1.3 only). Required. */
	const char *server_name;
	/* Trust anchors; NULL = moor_builtin_anchors. */
	const moor_anchors *anchors;
	/* Client certificate and key; NULL = none (both demo servers then
	 * refuse the connection). */
	const moor_credentials *client;
	/* What an unknown wall time means (see moor/x509.h); 0 = fail closed. */
	moor_time_policy time_policy;

	/* Device name: 1..MOOR_APP_DEVICE_MAX of [A-Za-z0-9._:-]. Required. */
	const char *device;

	/* Redis: ACL user and password (password NULL = no AUTH).
	 * MySQL: the user (required) and its password (NULL or "" = none:
	 * a certificate-only user). */
	const char *user;
	const char *password;
	/* MySQL: the schema holding the table `readings`; NULL = "moor". */
	const char *database;

	/* Per-command timeout in ms; 0 = MOOR_APP_TIMEOUT_MS. The TLS and
	 * protocol handshakes get MOOR_APP_CONNECT_TIMEOUT_MS (or twice this,
	 * whichever is larger: slow targets). */
	uint32_t timeout_ms;

	/* The report: one line per call, NUL-terminated, no newline; `line`
	 * is valid only during the call. Required. */
	void (*out)(void *ctx, const char *line);
	void *out_ctx;
} moor_app_target;

/* ------------------------------------------------------------------ */
/* The context: every object and buffer of one connection. Caller-owned
 * (static), fields private. Its size is about 14 KB on Cortex-M4 with the
 * defaults (the moor_tls session is 8.3 KB of it). */

typedef struct moor_app_reading {
	char val[3][16];            /* seq, temp_c, rh_pct as decimal text */
	char id[48];                /* Redis: the stream ID XADD returned */
	uint8_t seen;               /* read back */
	uint8_t ok;                 /* read back and equal */
} moor_app_reading;

typedef struct moor_app_redis_state {
	moor_redis r;
	moor_redis_config cfg;
	uint8_t rx[MOOR_APP_RX_SIZE];
	uint8_t tx[MOOR_APP_TX_SIZE];
	char stream_key[16 + MOOR_APP_DEVICE_MAX];
	char hash_key[16 + MOOR_APP_DEVICE_MAX];
	/* reply decoding */
	long entries;
	long xrange_total;
	int cur;                    /* reading of the current entry, -1 */
	size_t item;
	int entry_ok;
	long hash_items;
	int hash_field;
	int hash_match;
	uint8_t connected;          /* the connect hook ran once */
} moor_app_redis_state;

typedef struct moor_app_mysql_state {
	moor_mysql m;
	moor_mysql_config cfg;
	uint8_t rx[MOOR_APP_RX_SIZE];
	uint8_t tx[MOOR_APP_TX_SIZE];
	moor_mysql_stmt stmt;
	uint8_t types[8];           /* result column types of the SELECT */
	uint8_t connected;          /* the connect hook ran once */
} moor_app_mysql_state;

typedef struct moor_app_ctx {
	moor_tls tls;
	moor_tls_config tls_cfg;
	uint8_t tls_buf[MOOR_TLS_BUFSIZE(MOOR_APP_TLS_FRAG)];
#if !MOOR_CONFIG_TLS_X509_INLINE
	/* The certificate validator during the handshake (lent to the
	 * session: moor_tls_config.scratch) in builds without it inside. */
	uint8_t tls_scratch[MOOR_TLS_SCRATCH_SIZE];
#endif
	uint8_t peer_dn[MOOR_APP_PEER_DN_MAX];
	const moor_app_target *tgt;
	moor_transport *tcp;        /* borrowed during a run */
	int failures;               /* failed checks */
	char line[MOOR_APP_LINE_MAX];
	moor_app_reading rd[MOOR_APP_N_READINGS];
	union {
		moor_app_redis_state redis;
		moor_app_mysql_state mysql;
	} u;
} moor_app_ctx;

/* ------------------------------------------------------------------ */

/*
 * The Redis telemetry run over `tcp` (connected to a Redis TLS port).
 * Returns MOOR_OK when all 10 readings and the device hash were written,
 * read back and found equal. Otherwise: MOOR_ERR_INVALID_ARG (a required
 * target field missing, a bad device name), MOOR_APP_ERR_CHECK, or the
 * status of the step that failed (TLS / X.509 / alert statuses on
 * connect, MOOR_ERR_REDIS_AUTH, transport errors, ...). `tcp` is closed
 * on return.
 */
int moor_app_redis_run(moor_app_ctx *ctx, const moor_app_target *target,
	moor_transport *tcp);

/*
 * The MySQL run over `tcp` (connected to a MySQL / MariaDB port, nothing
 * read yet). Returns MOOR_OK when the 10 rows were inserted, selected
 * back and found equal; otherwise MOOR_ERR_INVALID_ARG, MOOR_APP_ERR_CHECK,
 * MOOR_ERR_MYSQL_SERVER (the server refused: access denied, no
 * privilege...; the ERR is in the report's error line), or any status of
 * moor_mysql_connect() and the commands. `tcp` is closed on return.
 */
int moor_app_mysql_run(moor_app_ctx *ctx, const moor_app_target *target,
	moor_transport *tcp);

/* moor_status_name() that also knows MOOR_APP_ERR_CHECK. */
const char *moor_app_status_name(int st);

#ifdef __cplusplus
}
#endif

#endif
