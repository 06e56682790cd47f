/*
 * moor: the Redis client.
 *
 * One connection to one Redis server (or to one node of a cluster at a
 * time), over any transport: plain TCP, a moor_tls session, later lwIP.
 * RESP2 and RESP3, AUTH with an ACL user, SELECT, CLIENT SETNAME,
 * pipelining, Pub/Sub with RESP3 pushes on the same connection as normal
 * commands, an exact account of which commands were answered when the
 * connection breaks, reconnect with backoff, and MOVED / ASK redirects.
 *
 * Nothing is allocated. The caller owns the `moor_redis` context, its two
 * buffers, the config and everything the config points to; all must
 * outlive the client. No global state, no recursion.
 *
 * CONNECTION. The client never opens a socket itself: cfg->connect is a
 * hook that returns a ready transport (for TLS: TCP connect, then
 * moor_tls_init() + moor_tls_handshake(), with full certificate
 * verification every time), and cfg->disconnect closes it. The client then
 * runs the Redis handshake on it:
 *
 *   resp = 0 (auto)  HELLO 3 [AUTH user pass] [SETNAME name]; if the
 *                    server does not know HELLO (Redis < 6, or HELLO
 *                    renamed away) or refuses protocol 3 (NOPROTO), it
 *                    falls back to RESP2: AUTH, CLIENT SETNAME;
 *   resp = 3         the same, but a server without RESP3 fails the
 *                    connect with MOOR_ERR_REDIS_NOHELLO;
 *   resp = 2         no HELLO: [AUTH [user] pass] [CLIENT SETNAME name];
 *
 * then SELECT db if db > 0. The commands of one step are pipelined.
 *
 * SENDING. Every command gets a sequence number (uint32_t, counting up
 * from 0 over the client's whole life, across reconnects; the handshake's
 * own commands take numbers too). Replies arrive in command order; each
 * reply event says which command it answers.
 *
 *   moor_redis_append()  non-blocking: encodes a command into the transmit
 *                        buffer (it must fit there whole);
 *   moor_redis_flush()   non-blocking: hands buffered bytes to the transport;
 *   moor_redis_send()    blocking with a deadline, any size: a 1 MiB
 *                        argument passes through a 256-byte buffer.
 *
 * RECEIVING. moor_redis_next() returns one event at a time, decoded by the
 * RESP pull decoder (moor/resp.h) straight out of the receive buffer:
 * scalars as zero-copy slices, aggregates as BEGIN / END, strings longer
 * than the buffer as CHUNKs. Slices stay valid until the next call on the
 * client. moor_redis_poll() is the same with a deadline, and
 * moor_redis_command() sends one command and summarizes its reply.
 *
 * PUSHES. Out-of-band data (RESP3 '>' pushes: Pub/Sub messages,
 * subscription confirmations, client-side caching invalidations) go to
 * cfg->on_push, one event at a time, from inside moor_redis_next() while
 * normal replies keep flowing; without a callback they are returned by
 * moor_redis_next() with `push` set (see moor_redis_next() for the one
 * push event returned in both cases). Under RESP2 a subscribed connection
 * has no pushes; there, a top-level array of 3 or 4 elements while the
 * connection is subscribed (or a subscribe command is the next to be
 * answered) is Pub/Sub traffic, and is treated as a push too.
 *
 * SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and the UNSUBSCRIBE family have no
 * normal reply: one confirmation push per channel. The client counts them,
 * and the command counts as answered once all its confirmations arrived
 * (or when an error reply rejects it). At most
 * MOOR_CONFIG_REDIS_MAX_SPECIAL such commands (with RESET and HELLO) may
 * be unanswered at a time. Commands that break reply matching are not
 * supported: MONITOR, CLIENT REPLY OFF|SKIP, and a second protocol switch
 * through the user's own HELLO is only tracked for "HELLO 2" / "HELLO 3".
 *
 * DELIVERY. A command counts as done only when its whole reply (or all its
 * confirmations) arrived. When the connection breaks,
 * moor_redis_delivery_get() splits every command ever sent into three
 * ranges of sequence numbers:
 *
 *   seq <  acked            answered: the reply was delivered;
 *   acked <= seq < started  unknown: bytes of the command reached the
 *                           transport but its reply did not arrive; the
 *                           server may or may not have run it. (If
 *                           `partial` is set, bytes of the reply of
 *                           `acked` had arrived, or of a confirmation of
 *                           it: that command did run.)
 *   started <= seq < next   not sent: no byte of it left the client's
 *                           buffer; the server certainly never saw it.
 *
 * "Reached the transport" includes the bytes offered to a send() call
 * that failed: a transport may take bytes and then fail (moor_tls
 * encrypts what it accepts, then fails to push the record), so those
 * commands count as unknown, never as not sent.
 *
 * A broken connection is closed right away; nothing is resent by itself.
 * The caller decides what to retry after moor_redis_reconnect(), which
 * connects to the same node (the configured server, or the cluster node
 * a followed redirect led to).
 *
 * ERRORS. Every call returns a moor_status (moor/status.h). Two kinds:
 *   - the server answered with an error: MOOR_ERR_REDIS_ERROR,
 *     MOOR_ERR_REDIS_MOVED, MOOR_ERR_REDIS_ASK (moor_redis_command() only):
 *     the connection stays up;
 *   - everything else (transport errors, timeouts, RESP errors from the
 *     decoder, MOOR_ERR_REDIS_UNEXPECTED, MOOR_ERR_REDIS_PROTOCOL): the
 *     connection is closed, the error is sticky, and every call but
 *     moor_redis_delivery_get(), moor_redis_reconnect(),
 *     moor_redis_connect() and moor_redis_close() returns it
 *     (moor_redis_next() first hands out what had already arrived).
 *   A handshake failure (MOOR_ERR_REDIS_AUTH, MOOR_ERR_REDIS_NOHELLO,
 *   MOOR_ERR_REDIS_SELECT, MOOR_ERR_REDIS_HANDSHAKE) also closes.
 *
 * EXAMPLE: a pipeline of three commands, blocking.
 *
 *   static uint8_t rx[1024], tx[256];
 *   moor_redis r;
 *   moor_redis_config cfg = { 0 };
 *   moor_redis_event ev;
 *   uint32_t seq;
 *   int st;
 *
 *   cfg.connect = my_connect;            // TCP + TLS handshake
 *   cfg.user = "app"; cfg.password = "secret";
 *   st = moor_redis_init(&r, &cfg, plat, rx, sizeof rx, tx, sizeof tx);
 *   if (st == MOOR_OK) st = moor_redis_connect(&r, 10000);
 *   const char *a1[] = { "SET", "k", "v" }, *a2[] = { "INCR", "n" },
 *              *a3[] = { "GET", "k" };
 *   if (st == MOOR_OK) st = moor_redis_append(&r, 3, a1, NULL, &seq);  // 1: queued
 *   if (st == 1) st = moor_redis_append(&r, 2, a2, NULL, &seq);
 *   if (st == 1) st = moor_redis_append(&r, 2, a3, NULL, &seq);
 *   while (st == 1 && moor_redis_pending(&r) > 0) {
 *       st = moor_redis_poll(&r, &ev, 5000);       // sends, then reads
 *       if (st == 1 && ev.acked)
 *           printf("reply to #%lu\n", (unsigned long)ev.seq);
 *   }
 *   if (st < 0) {
 *       moor_redis_delivery d;
 *       moor_redis_delivery_get(&r, &d);           // what did run?
 *   }
 *   moor_redis_close(&r);
 */
#ifndef MOOR_REDIS_H
#define MOOR_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "moor/config_defaults.h"
#include "moor/platform.h"
#include "moor/resp.h"
#include "moor/status.h"
#include "moor/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * MOOR_CONFIG_REDIS_MAX_SPECIAL: most unanswered commands at once that the
 * client must track by kind: the (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE
 * family, RESET and HELLO. Each costs 12 bytes in moor_redis. When they
 * are all in use moor_redis_append() returns 0 (read replies first).
 * Ordinary commands are not limited. Range 1..64. Default 4.
 */
#ifndef MOOR_CONFIG_REDIS_MAX_SPECIAL
#define MOOR_CONFIG_REDIS_MAX_SPECIAL 4
#endif
#if MOOR_CONFIG_REDIS_MAX_SPECIAL < 1 || MOOR_CONFIG_REDIS_MAX_SPECIAL > 64
#error "MOOR_CONFIG_REDIS_MAX_SPECIAL must be 1..64"
#endif

/*
 * MOOR_CONFIG_REDIS_HOST_MAX: bytes kept for a host name from a MOVED or
 * ASK reply or in a slot table entry, with its NUL. A longer host makes
 * the redirect unusable (MOOR_ERR_REDIS_PROTOCOL when followed). Range
 * 8..256. Default 48 (an IPv6 literal has at most 45 characters).
 */
#ifndef MOOR_CONFIG_REDIS_HOST_MAX
#define MOOR_CONFIG_REDIS_HOST_MAX 48
#endif
#if MOOR_CONFIG_REDIS_HOST_MAX < 8 || MOOR_CONFIG_REDIS_HOST_MAX > 256
#error "MOOR_CONFIG_REDIS_HOST_MAX must be 8..256"
#endif

/*
 * Buffer sizes. The receive buffer feeds the RESP decoder: a reply line
 * (an error text, a header) must fit in it, and a string longer than
 * `rxcap - 2` bytes is delivered in chunks (moor/resp.h). The transmit
 * buffer holds commands queued by moor_redis_append(), which must fit
 * whole; moor_redis_send() streams any size through it. The handshake's
 * HELLO (or AUTH) with the user name, password and client name must fit
 * in the transmit buffer.
 *
 * MOOR_REDIS_RX_MIN: the smallest receive buffer: a RESP3 line of a type
 * byte, 19 digits and CR LF, plus the longest error line the handshake
 * must read whole ("-NOAUTH HELLO must be called with the client already
 * authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option
 * can be used to authenticate the client and select the RESP protocol
 * version at the same time\r\n" is 202 bytes); 256.
 * MOOR_REDIS_TX_MIN: the smallest transmit buffer: room for
 * "*1\r\n$4\r\nPING\r\n"-sized commands and the headers of a streamed
 * one; 64. 512 bytes for rx and 256 for tx are sensible minimums; a
 * receive buffer as large as the TLS record (1024 with
 * max_fragment_length 1024) moves a record per read.
 */
#define MOOR_REDIS_RX_MIN 256
#define MOOR_REDIS_TX_MIN 64

/* Command kinds the client tracks (moor_redis_special.kind). Internal. */
#define MOOR_REDIS_K_SUBSCRIBE     1
#define MOOR_REDIS_K_PSUBSCRIBE    2
#define MOOR_REDIS_K_SSUBSCRIBE    3
#define MOOR_REDIS_K_UNSUBSCRIBE   4
#define MOOR_REDIS_K_PUNSUBSCRIBE  5
#define MOOR_REDIS_K_SUNSUBSCRIBE  6
#define MOOR_REDIS_K_RESET         7
#define MOOR_REDIS_K_HELLO2        8
#define MOOR_REDIS_K_HELLO3        9

/*
 * One event of a reply or a push: the RESP decoder's event plus where it
 * belongs. Slices in `resp` point into the client's receive buffer and
 * stay valid until the next call on the client.
 */
typedef struct moor_redis_event {
	moor_resp_event resp;  /* kind, type, depth, ptr/len, num, flags */
	uint32_t seq;          /* the command this reply answers; for a push,
	                        * the oldest unanswered command (or the next
	                        * sequence number if none), and with `acked`
	                        * the command the confirmation answers */
	uint8_t push;          /* 1: part of a push (out-of-band data) */
	uint8_t done;          /* 1: this event completes the reply or push */
	uint8_t acked;         /* 1: command `seq` is now answered (the end of
	                        * its reply, or of its last confirmation push) */
	uint8_t pad;
} moor_redis_event;

/* A MOVED or ASK redirect: "-MOVED 3999 127.0.0.1:6381". */
typedef struct moor_redis_redirect {
	uint16_t slot;
	uint16_t port;
	uint8_t ask;                            /* 1: ASK, 0: MOVED */
	char host[MOOR_CONFIG_REDIS_HOST_MAX];  /* NUL-terminated; "" if the
	                                         * reply named none (use the
	                                         * current host) */
} moor_redis_redirect;

/* One slot table entry: slots first..last live on host:port. */
typedef struct moor_redis_slot {
	uint16_t first, last;
	uint16_t port;
	uint16_t used;                          /* 0: free entry */
	char host[MOOR_CONFIG_REDIS_HOST_MAX];
} moor_redis_slot;

/* What moor_redis_command() tells about a reply. */
typedef struct moor_redis_reply {
	uint8_t type;        /* top-level RESP type byte; '_' for every null */
	uint8_t truncated;   /* 1: a string was longer than the receive buffer
	                      * and did not fit in `out` either (or no `out`):
	                      * ptr/len hold what was kept */
	const uint8_t *ptr;  /* scalars: the bytes (text of a simple string or
	                      * error, digits, bulk bytes); in the receive
	                      * buffer, or in `out` for a long string */
	size_t len;
	int64_t num;         /* ':' the integer, '#' 1/0, aggregates: their
	                      * count (pairs for maps; -1 streamed) */
	uint64_t total;      /* strings: the full length */
	/* Optional, set by the caller: where a string longer than the
	 * receive buffer is copied (up to out_cap bytes). */
	uint8_t *out;
	size_t out_cap;
	moor_redis_redirect redirect;  /* filled for MOOR_ERR_REDIS_MOVED / ASK */
} moor_redis_reply;

/* The delivery account (see DELIVERY above). */
typedef struct moor_redis_delivery {
	uint32_t acked;      /* commands before this one were answered */
	uint32_t started;    /* commands before this one reached the transport */
	uint32_t next;       /* the next sequence number */
	uint8_t partial;     /* 1: the reply of `acked` had begun to arrive */
} moor_redis_delivery;

typedef struct moor_redis_config {
	/*
	 * Open a connection and return it ready for Redis bytes (TLS
	 * handshake done). `host` NULL means the configured host and `port`
	 * 0 the configured port; a followed redirect passes the node it
	 * names (host NULL if the redirect named no host). Returns MOOR_OK and
	 * sets *t, or a status (it is returned by moor_redis_connect()).
	 * Required. Called again for every reconnect: a TLS hook should run
	 * a full handshake each time (moor_tls_init() + moor_tls_handshake(),
	 * no session ticket) so the certificate is verified each time.
	 */
	int (*connect)(void *ctx, const char *host, uint16_t port,
		moor_transport **t, uint32_t timeout_ms);
	/*
	 * Close a transport returned by connect(). `graceful` 1: an orderly
	 * close (moor_tls_close() with close_notify); 0: the connection
	 * failed, close without blocking. NULL: moor_transport_close().
	 */
	void (*disconnect)(void *ctx, moor_transport *t, int graceful);
	void *conn_ctx;

	/* AUTH: password NULL = no AUTH. user NULL or "" = the default user
	 * (legacy "AUTH pass"; HELLO sends "default"). */
	const char *user;
	const char *password;
	/* CLIENT SETNAME (or HELLO's SETNAME); NULL = none. No spaces. */
	const char *client_name;
	/* SELECT db after the handshake when db > 0. */
	unsigned db;
	/* 0 = auto (RESP3, RESP2 fallback), 2 = RESP2 only, 3 = RESP3 only. */
	uint8_t resp;

	/* Timeouts in ms for the blocking calls that take 0 as "default":
	 * connect_timeout_ms for connect + handshake (0 = 10000), and
	 * timeout_ms for a command's write and read (0 = 5000). */
	uint32_t connect_timeout_ms;
	uint32_t timeout_ms;

	/* Pushes; NULL = return them from moor_redis_next(). Called from
	 * inside moor_redis_next() / poll() / command(); it must not call
	 * the client. ev->resp slices are valid during the call only. */
	void (*on_push)(void *ctx, const moor_redis_event *ev);
	void *push_ctx;

	/*
	 * Reconnect backoff: the wait after the k-th failed attempt in a row
	 * is min(backoff_max_ms, backoff_min_ms << k), less a random part of
	 * up to half of it (platform entropy). 0 = 100 / 10000 ms.
	 * sleep: optional; lets moor_redis_reconnect() wait between attempts
	 * by itself. Without it, moor_redis_reconnect() makes one attempt per
	 * call when one is due and otherwise returns MOOR_ERR_REDIS_BACKOFF.
	 */
	uint32_t backoff_min_ms, backoff_max_ms;
	void (*sleep)(void *ctx, uint32_t ms);
	void *sleep_ctx;

	/*
	 * Cluster: a caller-sized slot table, one entry per slot range (a
	 * cluster of N masters needs N entries). NULL = redirects are only
	 * reported (MOOR_ERR_REDIS_MOVED / ASK with the target). With a
	 * table, moor_redis_command() follows up to `max_redirects`
	 * (0 = 5) MOVED / ASK replies, reconnecting through cfg->connect to
	 * the node named (one connection: every change of node is a new
	 * connection and handshake). After a MOVED it reloads the table from
	 * the new node with CLUSTER SLOTS (ranges that do not fit are
	 * dropped; if the node refuses, it learns the one slot), and it sends
	 * each later command whose key (argv[1]) hashes to a known slot
	 * straight to that node. ASK is followed with ASKING and does not
	 * change the table. The table is the caller's; zero it before use,
	 * or fill it with moor_redis_cluster_refresh().
	 */
	moor_redis_slot *slots;
	size_t n_slots;
	unsigned max_redirects;
} moor_redis_config;

/* A tracked command (see MOOR_CONFIG_REDIS_MAX_SPECIAL). Internal. */
typedef struct moor_redis_special {
	uint32_t seq;
	uint32_t left;       /* confirmations still expected; UINT32_MAX:
	                      * "all current subscriptions" (not yet known) */
	uint8_t kind;        /* MOOR_REDIS_K_* */
	uint8_t pad[3];
} moor_redis_special;

/*
 * The client. Caller-owned, nothing to free. Its fields are private.
 * sizeof(moor_redis) is 400 bytes with the defaults on Cortex-M (456 on a
 * 64-bit host); the RESP decoder is 168 of them.
 */
typedef struct moor_redis {
	const moor_redis_config *cfg;
	const moor_platform *plat;
	moor_transport *t;           /* NULL when not connected */
	uint8_t *rx;
	size_t rxcap, rx_fill, rx_off;
	uint8_t *tx;
	size_t txcap, tx_off, tx_len; /* pending bytes tx[tx_off .. tx_off+tx_len) */
	size_t head_left;            /* bytes at tx_off of command started-1 */
	size_t stream_total;         /* moor_redis_send(): the streamed command */
	moor_resp_decoder dec;
	uint32_t seq_next, seq_started, seq_acked;
	uint32_t stream_seq;
	int err;                     /* sticky error, 0 if none */
	uint32_t n_chan, n_pat, n_shard;   /* current subscriptions */
	uint32_t retry_at;           /* now_ms() when the next attempt is due */
	uint32_t attempts;           /* failed connect attempts in a row */
	int64_t push_count;          /* count element of the current push */
	uint16_t node_port;          /* 0: the configured server */
	uint8_t proto;               /* 2 or 3 once connected */
	uint8_t in_msg;              /* 0 idle, 1 reply, 2 push */
	uint8_t streaming;
	uint8_t partial;             /* the reply of seq_acked has begun */
	uint8_t push_kind;           /* MOOR_REDIS_K_* of the current push, 0 */
	uint8_t push_null;           /* its channel element was null */
	uint8_t n_special;
	uint8_t out_pending;         /* the transport holds unflushed output */
	uint8_t next_type;           /* type byte of the message being read */
	uint8_t pad[2];
	uint32_t push_idx;           /* elements of the current push seen */
	moor_redis_special special[MOOR_CONFIG_REDIS_MAX_SPECIAL];
	char node_host[MOOR_CONFIG_REDIS_HOST_MAX]; /* current node; "" = configured */
} moor_redis;

/*
 * Prepare a client (not connected). The buffers are the client's from now
 * on: rx of rxcap >= MOOR_REDIS_RX_MIN bytes, tx of txcap >=
 * MOOR_REDIS_TX_MIN bytes. Returns MOOR_OK, MOOR_ERR_INVALID_ARG (a NULL
 * pointer, no connect hook, resp not 0/2/3), MOOR_ERR_BUFFER_TOO_SMALL.
 */
int moor_redis_init(moor_redis *r, const moor_redis_config *cfg,
	const moor_platform *plat, uint8_t *rx, size_t rxcap,
	uint8_t *tx, size_t txcap);

/*
 * One connection attempt: cfg->connect, then the Redis handshake, within
 * `timeout_ms` (0 = cfg->connect_timeout_ms). Closes any previous
 * connection first; unanswered commands of a previous connection stay
 * unanswered (see moor_redis_delivery_get(), which keeps the account of
 * the last connection until this call). Returns MOOR_OK, the hook's
 * status, MOOR_ERR_TIMEOUT, MOOR_ERR_REDIS_AUTH (WRONGPASS, NOAUTH, ...),
 * MOOR_ERR_REDIS_NOHELLO (resp = 3 and the server has no RESP3),
 * MOOR_ERR_REDIS_SELECT, MOOR_ERR_REDIS_HANDSHAKE (CLIENT SETNAME or
 * HELLO refused otherwise), a transport or RESP error.
 */
int moor_redis_connect(moor_redis *r, uint32_t timeout_ms);

/*
 * Connect again after a failure, with backoff (MOOR_OK at once if the
 * client is connected): attempts (each one
 * moor_redis_connect()) until one succeeds or `timeout_ms` runs out,
 * sleeping between them with cfg->sleep. Without cfg->sleep it makes at
 * most one attempt, and none if the backoff since the last failure has
 * not passed yet: then it returns MOOR_ERR_REDIS_BACKOFF and
 * moor_redis_retry_in() tells how long to wait. Returns MOOR_OK, the last
 * attempt's error, MOOR_ERR_REDIS_BACKOFF, or MOOR_ERR_TIMEOUT when no
 * attempt fitted in the time.
 */
int moor_redis_reconnect(moor_redis *r, uint32_t timeout_ms);

/* Milliseconds until the next reconnect attempt is due (0: now). */
uint32_t moor_redis_retry_in(const moor_redis *r);

/* Close the connection in an orderly way (cfg->disconnect graceful). The
 * client can connect again (to the configured server, also after
 * redirects). Unanswered commands stay unanswered. */
void moor_redis_close(moor_redis *r);

/*
 * Queue a command without blocking: argc arguments argv[i] of argvlen[i]
 * bytes (argvlen NULL: NUL-terminated strings). Pushes buffered bytes to
 * the transport first if that makes room. Returns 1 and sets *seq (may be
 * NULL) when queued; 0 when there is no room now (call moor_redis_flush()
 * or moor_redis_next(), wait, retry), also when
 * MOOR_CONFIG_REDIS_MAX_SPECIAL tracked commands are unanswered;
 * MOOR_ERR_BUFFER_TOO_SMALL when the command can never fit (use
 * moor_redis_send()); MOOR_ERR_NOT_CONNECTED; MOOR_ERR_INVALID_ARG and the
 * encoder's errors (moor_resp_command_size()); the sticky error.
 */
int moor_redis_append(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, uint32_t *seq);

/*
 * Hand buffered bytes to the transport and flush it, without blocking.
 * Returns 0 when nothing is left pending, > 0 when bytes still wait (wait
 * for MOOR_IO_WRITE), or an error (the connection is then closed).
 */
int moor_redis_flush(moor_redis *r);

/*
 * Queue a command of any size and flush it, within `timeout_ms` (0 =
 * cfg->timeout_ms). Arguments larger than the transmit buffer are streamed
 * through it. Returns MOOR_OK (and *seq), MOOR_ERR_TIMEOUT (the
 * connection is then closed: a command may be half written), or the
 * errors of moor_redis_append() except 0 and MOOR_ERR_BUFFER_TOO_SMALL.
 */
int moor_redis_send(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, uint32_t *seq, uint32_t timeout_ms);

/*
 * The next event, without blocking: decodes what has arrived; when that
 * runs dry, hands buffered output to the transport and reads from it.
 * Pushes go to cfg->on_push (if set) and are not returned, except the
 * last event of a confirmation push that answers a command (push, done
 * and acked set): it goes to the callback and is returned as well, so a
 * caller waiting for moor_redis_pending() to fall sees it happen.
 * Returns 1 (*ev filled), 0 (nothing now: wait for input), or an error:
 * the transport's, the decoder's (MOOR_ERR_RESP_*), MOOR_ERR_CLOSED when
 * the server closed, MOOR_ERR_REDIS_UNEXPECTED (a reply when no command
 * is waiting for one); the connection is then closed.
 * After a failure (also one met while sending), it still returns the
 * events of the replies already received, and then the sticky error: call
 * it until it fails to learn every answer that arrived.
 */
int moor_redis_next(moor_redis *r, moor_redis_event *ev);

/*
 * Block until the connection can make progress (input to read, or output
 * to push while some is pending) or `timeout_ms` passes. Returns the ready
 * MOOR_IO_* bits, 0 on timeout, or an error.
 */
int moor_redis_wait(moor_redis *r, uint32_t timeout_ms);

/* moor_redis_next() with a deadline: returns 1, or MOOR_ERR_TIMEOUT (the
 * connection stays open) or an error. timeout_ms 0 = cfg->timeout_ms. */
int moor_redis_poll(moor_redis *r, moor_redis_event *ev, uint32_t timeout_ms);

/*
 * Send one command and read its whole reply, within `timeout_ms` (0 =
 * cfg->timeout_ms). No other command may be unanswered
 * (MOOR_ERR_STATE). `reply` (may be NULL) gets a summary: the type, a
 * scalar's bytes or value, an aggregate's count (its elements are read
 * and dropped); set reply->out / out_cap before the call to receive a
 * string longer than the receive buffer. Pushes arriving meanwhile go to
 * cfg->on_push (or are dropped). A SUBSCRIBE-type command is answered by
 * its confirmation pushes: reply->type is then MOOR_RESP_PUSH. Follows redirects when cfg->slots is set.
 * Returns MOOR_OK; MOOR_ERR_REDIS_ERROR for an error reply (text in
 * ptr/len); MOOR_ERR_REDIS_MOVED / MOOR_ERR_REDIS_ASK with
 * reply->redirect (not followed, or too many); MOOR_ERR_TIMEOUT (the
 * connection is closed: the reply's place in the stream is lost), or the
 * errors of moor_redis_send() and moor_redis_next().
 */
int moor_redis_command(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, moor_redis_reply *reply, uint32_t timeout_ms);

/*
 * Fill cfg->slots from CLUSTER SLOTS on the current connection (the
 * masters' preferred endpoints; ranges beyond the table are dropped).
 * Returns the number of entries stored, MOOR_ERR_CONFIG without a table,
 * MOOR_ERR_STATE with commands unanswered, MOOR_ERR_REDIS_ERROR (not a
 * cluster, or not allowed: the table is unchanged), or a connection error.
 */
int moor_redis_cluster_refresh(moor_redis *r, uint32_t timeout_ms);

/* The delivery account (see DELIVERY above). Valid at any time. */
void moor_redis_delivery_get(const moor_redis *r, moor_redis_delivery *d);

/* Commands sent but not yet answered. */
uint32_t moor_redis_pending(const moor_redis *r);

/* 2 or 3 while connected, 0 otherwise. */
int moor_redis_protocol(const moor_redis *r);

/* 1 while connected and not failed. */
int moor_redis_connected(const moor_redis *r);

/*
 * If the error text `p`/`len` (a '-' or '!' reply, without the type byte)
 * is "MOVED <slot> <host>:<port>" or "ASK <slot> <host>:<port>", fill *rd
 * and return MOOR_ERR_REDIS_MOVED or MOOR_ERR_REDIS_ASK; return MOOR_OK
 * if it is no redirect, MOOR_ERR_REDIS_PROTOCOL for a malformed one
 * (slot > 16383, bad port, host longer than MOOR_CONFIG_REDIS_HOST_MAX-1).
 * The host may be empty (":6380": the current host) or an IPv6 literal
 * (the port follows the last ':').
 */
int moor_redis_parse_redirect(const uint8_t *p, size_t len, moor_redis_redirect *rd);

/* The cluster hash slot (0..16383) of a key: CRC16 (XMODEM) mod 16384,
 * over the part between the first '{' and the next '}' if not empty. */
uint16_t moor_redis_key_slot(const uint8_t *key, size_t len);

#ifdef __cplusplus
}
#endif

#endif
