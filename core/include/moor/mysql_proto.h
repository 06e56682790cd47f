/*
 * moor: the MySQL client/server protocol codec (MySQL 5.7/8.x, MariaDB,
 * TiDB, SingleStore: all speak protocol version 10 with CLIENT_PROTOCOL_41).
 *
 * Bytes in, bytes or parsed structures out: no I/O, no allocation, no
 * recursion, no VLA, no global state. Every buffer is passed with its
 * size. The MySQL client drives it; tests and fuzzers call it directly.
 * It never includes a transport.
 *
 * What is here, in protocol order:
 *
 *   PACKETS      a reader that cuts a byte stream into packet payloads
 *                (4-byte header: 3-byte little-endian length + sequence
 *                id), checks every sequence id, joins the continuation
 *                packets of payloads of 16 MiB - 1 bytes or more and
 *                streams payloads too large for the buffer in chunks;
 *                a writer that frames payloads (splitting them the same
 *                way), and bounds-checked readers of the protocol's
 *                integer and string encodings.
 *   CONNECTION   HandshakeV10 parser, capability negotiation, SSLRequest
 *                and HandshakeResponse41 encoders, AuthSwitchRequest and
 *                AuthMoreData parsers.
 *   AUTH         mysql_native_password, caching_sha2_password (fast path
 *                scramble, RSA-OAEP full authentication with the server's
 *                PEM public key), mysql_clear_password.
 *   COMMANDS     COM_QUERY, COM_PING, COM_INIT_DB, COM_RESET_CONNECTION,
 *                COM_QUIT, COM_STMT_PREPARE / EXECUTE / SEND_LONG_DATA /
 *                CLOSE / RESET encoders.
 *   RESULTS      OK, ERR, EOF (and the OK that replaces EOF with
 *                CLIENT_DEPRECATE_EOF), column count, ColumnDefinition41,
 *                COM_STMT_PREPARE_OK parsers, and a row decoder for text
 *                and binary result rows that streams large values.
 *   FORMAT       escaping a value the way `mariadb --batch` prints it.
 *
 * Zero copy. Parsers return slices (pointer + length) into the payload
 * they were given. A slice stays valid for as long as those payload bytes
 * stay where they are. The one exception: the handshake's scramble is
 * copied (20 bytes), because the client needs it after the TLS upgrade
 * has reused the buffer.
 *
 * Encoders never write past `cap`. When the packet does not fit they write
 * nothing, return MOOR_ERR_BUFFER_TOO_SMALL and set *len to the size
 * needed (so out may be NULL with cap 0 for a size query). Encoders write
 * whole packets, headers included: a payload of 16 MiB - 1 bytes or more
 * is split into several packets in the same buffer, ready to send.
 *
 * Sequence ids. Each packet carries a sequence id that counts up (mod 256)
 * across one exchange. A command starts a new exchange: its first packet
 * has id 0, and the reply continues from the id after the command's last
 * packet. The connection phase is one exchange that starts with the
 * server's handshake (id 0). Command encoders take `uint8_t *next_seq`
 * (out: the id the reply must start with); connection-phase encoders take
 * `uint8_t *seq` (in: the id of the packet to write, normally
 * moor_mysql_reader_seq(); out: the id after it). Pass the reply's first
 * id to moor_mysql_reader_expect() before reading it.
 *
 * Errors. Every call returns MOOR_OK (0) or a documented negative status;
 * parsers report a field that would run past the end of the payload as
 * MOOR_ERR_MYSQL_MALFORMED, never reading out of bounds. The reader's and
 * the row decoder's errors are sticky. The codec's statuses are
 * -3000 .. -3099 (moor/status.h).
 */
#ifndef MOOR_MYSQL_PROTO_H
#define MOOR_MYSQL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "moor/config_defaults.h"
#include "moor/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Configuration (override in moor_config.h; see config_defaults.h). */

/*
 * MOOR_CONFIG_MYSQL_MAX_PAYLOAD: largest packet payload the reader
 * accepts, in bytes, also when it arrives as continuation packets, and the
 * largest value length the row decoder accepts. MySQL's own ceiling
 * (max_allowed_packet) is 1 GiB. Range 16..4294967295. Default 1073741824.
 */
#ifndef MOOR_CONFIG_MYSQL_MAX_PAYLOAD
#define MOOR_CONFIG_MYSQL_MAX_PAYLOAD 1073741824UL
#endif
#if MOOR_CONFIG_MYSQL_MAX_PAYLOAD < 16 || MOOR_CONFIG_MYSQL_MAX_PAYLOAD > 4294967295UL
#error "MOOR_CONFIG_MYSQL_MAX_PAYLOAD must be 16..4294967295"
#endif

/*
 * MOOR_CONFIG_MYSQL_MAX_COLUMNS: most columns a binary result row may have
 * (text rows have no limit). The row decoder keeps a binary row's NULL
 * bitmap, (columns + 9) / 8 bytes, so each column costs 1/8 byte in
 * moor_mysql_row. MySQL and MariaDB tables have at most 4096 columns, a
 * SELECT may have more. Range 1..65535. Default 1024 (129 bytes of bitmap).
 */
#ifndef MOOR_CONFIG_MYSQL_MAX_COLUMNS
#define MOOR_CONFIG_MYSQL_MAX_COLUMNS 1024
#endif
#if MOOR_CONFIG_MYSQL_MAX_COLUMNS < 1 || MOOR_CONFIG_MYSQL_MAX_COLUMNS > 65535
#error "MOOR_CONFIG_MYSQL_MAX_COLUMNS must be 1..65535"
#endif

/* `_client_version` sent in the connection attributes. */
#ifndef MOOR_MYSQL_CLIENT_VERSION
#define MOOR_MYSQL_CLIENT_VERSION "0.1.0"
#endif

/* ------------------------------------------------------------------ */
/* Protocol constants. */

#define MOOR_MYSQL_HEADER_LEN   4           /* 3-byte length + sequence id */
#define MOOR_MYSQL_MAX_FRAME    0xffffffUL  /* 16 MiB - 1: a longer payload continues in the next packet */
#define MOOR_MYSQL_SCRAMBLE_LEN 20          /* the nonce of native and caching_sha2 */
#define MOOR_MYSQL_SCRAMBLE_MAX 32          /* longest scramble kept from a handshake */

/* Capability flags (HandshakeV10, SSLRequest, HandshakeResponse41). */
#define MOOR_MYSQL_CLIENT_LONG_PASSWORD     0x00000001UL /* MariaDB: CLIENT_MYSQL (unset by MariaDB servers) */
#define MOOR_MYSQL_CLIENT_FOUND_ROWS        0x00000002UL
#define MOOR_MYSQL_CLIENT_LONG_FLAG         0x00000004UL
#define MOOR_MYSQL_CLIENT_CONNECT_WITH_DB   0x00000008UL
#define MOOR_MYSQL_CLIENT_NO_SCHEMA         0x00000010UL
#define MOOR_MYSQL_CLIENT_COMPRESS          0x00000020UL
#define MOOR_MYSQL_CLIENT_ODBC              0x00000040UL
#define MOOR_MYSQL_CLIENT_LOCAL_FILES       0x00000080UL
#define MOOR_MYSQL_CLIENT_IGNORE_SPACE      0x00000100UL
#define MOOR_MYSQL_CLIENT_PROTOCOL_41       0x00000200UL
#define MOOR_MYSQL_CLIENT_INTERACTIVE       0x00000400UL
#define MOOR_MYSQL_CLIENT_SSL               0x00000800UL
#define MOOR_MYSQL_CLIENT_IGNORE_SIGPIPE    0x00001000UL
#define MOOR_MYSQL_CLIENT_TRANSACTIONS      0x00002000UL
#define MOOR_MYSQL_CLIENT_RESERVED          0x00004000UL
#define MOOR_MYSQL_CLIENT_SECURE_CONNECTION 0x00008000UL
#define MOOR_MYSQL_CLIENT_MULTI_STATEMENTS  0x00010000UL
#define MOOR_MYSQL_CLIENT_MULTI_RESULTS     0x00020000UL
#define MOOR_MYSQL_CLIENT_PS_MULTI_RESULTS  0x00040000UL
#define MOOR_MYSQL_CLIENT_PLUGIN_AUTH       0x00080000UL
#define MOOR_MYSQL_CLIENT_CONNECT_ATTRS     0x00100000UL
#define MOOR_MYSQL_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA 0x00200000UL
#define MOOR_MYSQL_CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS  0x00400000UL
#define MOOR_MYSQL_CLIENT_SESSION_TRACK     0x00800000UL
#define MOOR_MYSQL_CLIENT_DEPRECATE_EOF     0x01000000UL
#define MOOR_MYSQL_CLIENT_OPTIONAL_RESULTSET_METADATA 0x02000000UL
#define MOOR_MYSQL_CLIENT_ZSTD_COMPRESSION  0x04000000UL
#define MOOR_MYSQL_CLIENT_QUERY_ATTRIBUTES  0x08000000UL
#define MOOR_MYSQL_CLIENT_MULTI_FACTOR_AUTH 0x10000000UL
#define MOOR_MYSQL_CLIENT_CAPABILITY_EXTENSION 0x20000000UL
#define MOOR_MYSQL_CLIENT_SSL_VERIFY_SERVER_CERT 0x40000000UL
#define MOOR_MYSQL_CLIENT_REMEMBER_OPTIONS  0x80000000UL

/*
 * What moor asks for by default (moor_mysql_negotiate() intersects it with
 * the server's offer): 4.1 protocol, secure connection, pluggable auth
 * with length-encoded auth data, connection attributes, transactions,
 * multi-results (stored procedures) for queries and statements, OK instead
 * of EOF, full column flags. Add CLIENT_SSL for TLS, CONNECT_WITH_DB for a
 * default schema, MULTI_STATEMENTS, FOUND_ROWS, INTERACTIVE if wanted.
 */
#define MOOR_MYSQL_CLIENT_DEFAULT ( \
	MOOR_MYSQL_CLIENT_LONG_PASSWORD | MOOR_MYSQL_CLIENT_LONG_FLAG | \
	MOOR_MYSQL_CLIENT_PROTOCOL_41 | MOOR_MYSQL_CLIENT_TRANSACTIONS | \
	MOOR_MYSQL_CLIENT_SECURE_CONNECTION | MOOR_MYSQL_CLIENT_MULTI_RESULTS | \
	MOOR_MYSQL_CLIENT_PS_MULTI_RESULTS | MOOR_MYSQL_CLIENT_PLUGIN_AUTH | \
	MOOR_MYSQL_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | \
	MOOR_MYSQL_CLIENT_CONNECT_ATTRS | MOOR_MYSQL_CLIENT_DEPRECATE_EOF)

/*
 * Never asked for, whatever the caller wants, because this codec does not
 * implement what they switch on: LOAD DATA LOCAL (a server could ask for
 * any client file), compression, session tracking, optional result-set
 * metadata, query attributes, multi-factor auth, and flags that are not
 * protocol (SSL_VERIFY_SERVER_CERT, REMEMBER_OPTIONS, CAPABILITY_EXTENSION).
 */
#define MOOR_MYSQL_CLIENT_NEVER ( \
	MOOR_MYSQL_CLIENT_LOCAL_FILES | MOOR_MYSQL_CLIENT_COMPRESS | \
	MOOR_MYSQL_CLIENT_ZSTD_COMPRESSION | MOOR_MYSQL_CLIENT_SESSION_TRACK | \
	MOOR_MYSQL_CLIENT_OPTIONAL_RESULTSET_METADATA | \
	MOOR_MYSQL_CLIENT_QUERY_ATTRIBUTES | MOOR_MYSQL_CLIENT_MULTI_FACTOR_AUTH | \
	MOOR_MYSQL_CLIENT_CAPABILITY_EXTENSION | \
	MOOR_MYSQL_CLIENT_SSL_VERIFY_SERVER_CERT | \
	MOOR_MYSQL_CLIENT_REMEMBER_OPTIONS | MOOR_MYSQL_CLIENT_NO_SCHEMA | \
	MOOR_MYSQL_CLIENT_ODBC | MOOR_MYSQL_CLIENT_RESERVED)

/* Server status flags (OK, EOF, handshake). */
#define MOOR_MYSQL_SERVER_STATUS_IN_TRANS          0x0001
#define MOOR_MYSQL_SERVER_STATUS_AUTOCOMMIT        0x0002
#define MOOR_MYSQL_SERVER_MORE_RESULTS_EXISTS      0x0008
#define MOOR_MYSQL_SERVER_QUERY_NO_GOOD_INDEX_USED 0x0010
#define MOOR_MYSQL_SERVER_QUERY_NO_INDEX_USED      0x0020
#define MOOR_MYSQL_SERVER_STATUS_CURSOR_EXISTS     0x0040
#define MOOR_MYSQL_SERVER_STATUS_LAST_ROW_SENT     0x0080
#define MOOR_MYSQL_SERVER_STATUS_DB_DROPPED        0x0100
#define MOOR_MYSQL_SERVER_STATUS_NO_BACKSLASH_ESCAPES 0x0200
#define MOOR_MYSQL_SERVER_STATUS_METADATA_CHANGED  0x0400
#define MOOR_MYSQL_SERVER_QUERY_WAS_SLOW           0x0800
#define MOOR_MYSQL_SERVER_PS_OUT_PARAMS            0x1000
#define MOOR_MYSQL_SERVER_STATUS_IN_TRANS_READONLY 0x2000
#define MOOR_MYSQL_SERVER_SESSION_STATE_CHANGED    0x4000

/* Commands: the first payload byte of a command packet. */
#define MOOR_MYSQL_COM_QUIT               0x01
#define MOOR_MYSQL_COM_INIT_DB            0x02
#define MOOR_MYSQL_COM_QUERY              0x03
#define MOOR_MYSQL_COM_PING               0x0e
#define MOOR_MYSQL_COM_STMT_PREPARE       0x16
#define MOOR_MYSQL_COM_STMT_EXECUTE       0x17
#define MOOR_MYSQL_COM_STMT_SEND_LONG_DATA 0x18
#define MOOR_MYSQL_COM_STMT_CLOSE         0x19
#define MOOR_MYSQL_COM_STMT_RESET         0x1a
#define MOOR_MYSQL_COM_RESET_CONNECTION   0x1f

/* First payload byte of the server's packets. */
#define MOOR_MYSQL_OK_HEADER         0x00
#define MOOR_MYSQL_AUTH_MORE_DATA    0x01
#define MOOR_MYSQL_LOCAL_INFILE      0xfb
#define MOOR_MYSQL_EOF_HEADER        0xfe  /* also AuthSwitchRequest in the connection phase */
#define MOOR_MYSQL_ERR_HEADER        0xff

/* caching_sha2_password: the byte after 0x01 in AuthMoreData. */
#define MOOR_MYSQL_SHA2_REQUEST_PUBLIC_KEY 0x02  /* client -> server (raw payload) */
#define MOOR_MYSQL_SHA2_FAST_AUTH_OK       0x03  /* an OK packet follows */
#define MOOR_MYSQL_SHA2_FULL_AUTH          0x04  /* send the password (TLS) or ask for the key */

/* Collations for the handshake. */
#define MOOR_MYSQL_CHARSET_UTF8MB4_GENERAL_CI 45   /* every server: MySQL 5.5+, MariaDB, TiDB */
#define MOOR_MYSQL_CHARSET_BINARY             63
#define MOOR_MYSQL_CHARSET_UTF8MB4_0900_AI_CI 255  /* MySQL 8 default; not in MariaDB */

/* Column types (ColumnDefinition41.type, COM_STMT_EXECUTE parameters). */
#define MOOR_MYSQL_TYPE_DECIMAL     0
#define MOOR_MYSQL_TYPE_TINY        1
#define MOOR_MYSQL_TYPE_SHORT       2
#define MOOR_MYSQL_TYPE_LONG        3
#define MOOR_MYSQL_TYPE_FLOAT       4
#define MOOR_MYSQL_TYPE_DOUBLE      5
#define MOOR_MYSQL_TYPE_NULL        6
#define MOOR_MYSQL_TYPE_TIMESTAMP   7
#define MOOR_MYSQL_TYPE_LONGLONG    8
#define MOOR_MYSQL_TYPE_INT24       9
#define MOOR_MYSQL_TYPE_DATE        10
#define MOOR_MYSQL_TYPE_TIME        11
#define MOOR_MYSQL_TYPE_DATETIME    12
#define MOOR_MYSQL_TYPE_YEAR        13
#define MOOR_MYSQL_TYPE_VARCHAR     15
#define MOOR_MYSQL_TYPE_BIT         16
#define MOOR_MYSQL_TYPE_VECTOR      242
#define MOOR_MYSQL_TYPE_JSON        245
#define MOOR_MYSQL_TYPE_NEWDECIMAL  246
#define MOOR_MYSQL_TYPE_ENUM        247
#define MOOR_MYSQL_TYPE_SET         248
#define MOOR_MYSQL_TYPE_TINY_BLOB   249
#define MOOR_MYSQL_TYPE_MEDIUM_BLOB 250
#define MOOR_MYSQL_TYPE_LONG_BLOB   251
#define MOOR_MYSQL_TYPE_BLOB        252
#define MOOR_MYSQL_TYPE_VAR_STRING  253
#define MOOR_MYSQL_TYPE_STRING      254
#define MOOR_MYSQL_TYPE_GEOMETRY    255

/* Column flags (ColumnDefinition41.flags). */
#define MOOR_MYSQL_FLAG_NOT_NULL       0x0001
#define MOOR_MYSQL_FLAG_PRI_KEY        0x0002
#define MOOR_MYSQL_FLAG_UNIQUE_KEY     0x0004
#define MOOR_MYSQL_FLAG_MULTIPLE_KEY   0x0008
#define MOOR_MYSQL_FLAG_BLOB           0x0010
#define MOOR_MYSQL_FLAG_UNSIGNED       0x0020
#define MOOR_MYSQL_FLAG_ZEROFILL       0x0040
#define MOOR_MYSQL_FLAG_BINARY         0x0080
#define MOOR_MYSQL_FLAG_ENUM           0x0100
#define MOOR_MYSQL_FLAG_AUTO_INCREMENT 0x0200
#define MOOR_MYSQL_FLAG_TIMESTAMP      0x0400
#define MOOR_MYSQL_FLAG_SET            0x0800
#define MOOR_MYSQL_FLAG_NUM            0x8000

/* A byte slice into a payload. Not NUL-terminated unless documented. */
typedef struct moor_mysql_slice {
	const uint8_t *ptr;  /* NULL when len is 0 */
	size_t len;
} moor_mysql_slice;

/* ------------------------------------------------------------------ */
/* PACKETS: the reader. */

/*
 * A pull reader over the connection's byte stream, used like the RESP
 * decoder (moor/resp.h): keep the received bytes in a buffer of `bufcap`
 * bytes and call moor_mysql_read() on the bytes not yet consumed; each
 * call says in *consumed how many it used, the next call gets the bytes
 * after those (you may move them to the front of the buffer first and
 * append new ones). A call that returns 0 (need more input) may have
 * consumed bytes too (a packet header).
 *
 * Whole packets. A payload of N < 16 MiB - 1 bytes with N + 4 <= bufcap
 * is delivered as one MOOR_MYSQL_PKT_WHOLE event once all of it is in the
 * input: ptr/len is the payload.
 *
 * Chunks. Any other payload comes as MOOR_MYSQL_PKT_CHUNK events as its
 * bytes arrive: a payload too large for the buffer (a big row), and every
 * payload of 16 MiB - 1 bytes or more, which the server sends as several
 * packets (16 MiB - 1 bytes each, then a shorter one, possibly empty):
 * the reader checks each continuation packet's header and sequence id and
 * hands on only the payload bytes, so the chunks of one payload are one
 * contiguous byte string. The first chunk has MOOR_MYSQL_F_FIRST and at
 * least one byte, the last MOOR_MYSQL_F_LAST (it may be empty, when the
 * payload ends with an empty continuation packet). Chunks of a payload
 * that spans packets carry MOOR_MYSQL_F_CONT; `total` is the payload
 * length when it is known (a single packet), else 0.
 *
 * Which of the two a payload takes depends only on its first header and
 * bufcap, never on how the stream was split; only chunk boundaries follow
 * the arrival of bytes. The reader never waits for more than bufcap bytes,
 * so a buffer compacted before each read cannot dead-lock.
 *
 * Sequence ids. Each packet's id must be the one expected, which starts
 * at 0 (the server's handshake) and counts up with every packet read;
 * moor_mysql_reader_expect() sets it when a new exchange starts (after
 * sending a command, the id that command's encoder returned). A wrong id
 * is MOOR_ERR_MYSQL_SEQUENCE: a lost, repeated or foreign packet.
 *
 * Example, one exchange (recv_some() is yours):
 *
 *   static uint8_t buf[4096];
 *   moor_mysql_reader rd;
 *   moor_mysql_packet pk;
 *   size_t fill = 0, off = 0, used;
 *   int r;
 *
 *   moor_mysql_reader_init(&rd, sizeof buf);
 *   moor_mysql_reader_expect(&rd, next_seq);   // from the command encoder
 *   for (;;) {
 *       r = moor_mysql_read(&rd, buf + off, fill - off, &used, &pk);
 *       if (r < 0)
 *           return r;                          // close the connection
 *       off += used;
 *       if (r == 1) {
 *           handle(&pk);                       // pk.ptr points into buf
 *           continue;
 *       }
 *       memmove(buf, buf + off, fill - off);   // need more: compact, read
 *       fill -= off;
 *       off = 0;
 *       fill += recv_some(buf + fill, sizeof buf - fill);
 *   }
 */
#define MOOR_MYSQL_MIN_BUFFER 16

#define MOOR_MYSQL_PKT_WHOLE 1
#define MOOR_MYSQL_PKT_CHUNK 2

#define MOOR_MYSQL_F_FIRST 0x01  /* the first chunk of the payload */
#define MOOR_MYSQL_F_LAST  0x02  /* the last chunk: the payload is complete */
#define MOOR_MYSQL_F_CONT  0x04  /* the payload spans packets (>= 16 MiB - 1 bytes) */

typedef struct moor_mysql_packet {
	uint8_t kind;       /* MOOR_MYSQL_PKT_* */
	uint8_t flags;      /* MOOR_MYSQL_F_* (chunks); WHOLE: FIRST | LAST */
	uint8_t seq;        /* sequence id of the packet these bytes came from */
	const uint8_t *ptr; /* the payload bytes, inside the consumed input */
	size_t len;         /* NULL/0 for an empty payload */
	size_t offset;      /* bytes of this payload delivered before ptr */
	size_t total;       /* the payload length, or 0 while unknown (F_CONT) */
} moor_mysql_packet;

/* The reader. Caller-owned, no pointers (memcpy-able); fields private. */
typedef struct moor_mysql_reader {
	size_t bufcap;
	uint32_t frame_left; /* payload bytes of the current packet to come */
	uint32_t total;      /* payload bytes delivered so far (chunks) */
	int err;             /* sticky error, or 0 */
	uint8_t seq;         /* id the next packet must carry */
	uint8_t state;
	uint8_t more;        /* the current packet is 16 MiB - 1 long */
	uint8_t first;       /* no chunk of this payload delivered yet */
	uint8_t cont;        /* the payload spans packets */
} moor_mysql_reader;

/*
 * Reset `r` for a new connection (expected id 0). Returns MOOR_OK, or
 * MOOR_ERR_INVALID_ARG if r is NULL or bufcap < MOOR_MYSQL_MIN_BUFFER.
 */
int moor_mysql_reader_init(moor_mysql_reader *r, size_t bufcap);

/*
 * Start a new exchange: the next packet must carry `seq`. Returns MOOR_OK,
 * MOOR_ERR_STATE in the middle of a payload (the error is not sticky), or
 * the reader's sticky error.
 */
int moor_mysql_reader_expect(moor_mysql_reader *r, uint8_t seq);

/* The id the next packet must carry: also the id of a reply the client
 * sends in the connection phase after the packets read so far. */
uint8_t moor_mysql_reader_seq(const moor_mysql_reader *r);

/* 1 if the reader is between payloads, else 0. */
int moor_mysql_reader_idle(const moor_mysql_reader *r);

/*
 * Read the next event from data[0..len) (data may be NULL when len is 0).
 * Sets *consumed (also when returning 0; 0 on an error).
 * Returns 1 (*pkt set; its slice lies in data[0..*consumed)), 0 (more
 * input needed), or:
 *   MOOR_ERR_INVALID_ARG      an argument NULL (not sticky)
 *   MOOR_ERR_MYSQL_SEQUENCE   a packet with an unexpected sequence id
 *   MOOR_ERR_MYSQL_TOO_LARGE  a payload above MOOR_CONFIG_MYSQL_MAX_PAYLOAD
 */
int moor_mysql_read(moor_mysql_reader *r, const uint8_t *data, size_t len,
	size_t *consumed, moor_mysql_packet *pkt);

/* ------------------------------------------------------------------ */
/* PACKETS: writing. */

/* Bytes on the wire for a payload of `payload_len` bytes: the payload and
 * one 4-byte header per packet (payload_len / (16 MiB - 1) + 1 packets). */
size_t moor_mysql_framed_size(size_t payload_len);

/* Write one packet header: 3-byte length (at most 16 MiB - 1) and id. */
void moor_mysql_put_header(uint8_t out[4], uint32_t payload_len, uint8_t seq);

/*
 * Frame an arbitrary payload (an auth response, a public key request
 * 0x02, an RSA-encrypted password) as packet(s) with ids from *seq on.
 * Buffer contract as for every encoder (see the top of this file);
 * *seq is advanced past the packets written, unchanged on failure.
 * MOOR_ERR_INVALID_ARG for NULL arguments.
 */
int moor_mysql_write_packet(const uint8_t *payload, size_t n, uint8_t *seq,
	uint8_t *out, size_t cap, size_t *len);

/* ------------------------------------------------------------------ */
/* PACKETS: reading fields. A cursor over one payload. */

typedef struct moor_mysql_cursor {
	const uint8_t *p;
	size_t n;            /* payload length */
	size_t off;          /* next byte to read */
} moor_mysql_cursor;

/* Start a cursor at the payload's first byte. */
void moor_mysql_cursor_init(moor_mysql_cursor *c, const uint8_t *p, size_t n);

/*
 * Fixed-length little-endian integers of 1, 2, 3, 4, 6 or 8 bytes
 * (`bytes`), skip, raw bytes, a NUL-terminated string (the slice excludes
 * the NUL; the cursor moves past it) and the rest of the payload. Each
 * returns MOOR_OK and advances, or MOOR_ERR_MYSQL_MALFORMED (past the end,
 * no NUL) and leaves the cursor where it was; moor_mysql_get_int() returns
 * MOOR_ERR_INVALID_ARG for another `bytes`.
 */
int moor_mysql_get_int(moor_mysql_cursor *c, unsigned bytes, uint64_t *v);
int moor_mysql_get_bytes(moor_mysql_cursor *c, size_t n, moor_mysql_slice *s);
int moor_mysql_get_nul_str(moor_mysql_cursor *c, moor_mysql_slice *s);
void moor_mysql_get_rest(moor_mysql_cursor *c, moor_mysql_slice *s);

/*
 * Length-encoded integer: < 0xfb one byte; 0xfc + 2 bytes; 0xfd + 3;
 * 0xfe + 8. Returns MOOR_OK, MOOR_MYSQL_NULL (1) for 0xfb (the NULL of a
 * text row; *v = 0), or MOOR_ERR_MYSQL_MALFORMED for 0xff or a value past
 * the end.
 */
#define MOOR_MYSQL_NULL 1
int moor_mysql_get_lenenc(moor_mysql_cursor *c, uint64_t *v);

/*
 * Length-encoded string: a length-encoded integer and that many bytes.
 * MOOR_OK, MOOR_MYSQL_NULL (0xfb; empty slice) or MOOR_ERR_MYSQL_MALFORMED
 * (the bytes run past the end, 0xff).
 */
int moor_mysql_get_lenenc_str(moor_mysql_cursor *c, moor_mysql_slice *s);

/* Bytes of the length-encoded form of v: 1, 3, 4 or 9. */
size_t moor_mysql_lenenc_size(uint64_t v);

/* Write the length-encoded form of v (out: 9 bytes). Returns its size. */
size_t moor_mysql_put_lenenc(uint8_t out[9], uint64_t v);

/* ------------------------------------------------------------------ */
/* CONNECTION phase. */

/* Auth plugins moor knows by name (moor_mysql_auth_plugin()). */
#define MOOR_MYSQL_AUTH_UNKNOWN      0
#define MOOR_MYSQL_AUTH_NATIVE       1  /* mysql_native_password */
#define MOOR_MYSQL_AUTH_CACHING_SHA2 2  /* caching_sha2_password */
#define MOOR_MYSQL_AUTH_CLEAR        3  /* mysql_clear_password */
#define MOOR_MYSQL_AUTH_SHA256       4  /* sha256_password (not implemented) */
#define MOOR_MYSQL_AUTH_ED25519      5  /* MariaDB client_ed25519 (not implemented) */

/* The plugin id of a name (MOOR_MYSQL_AUTH_*; UNKNOWN for others). */
int moor_mysql_auth_plugin(const uint8_t *name, size_t len);

/* The server's HandshakeV10. */
typedef struct moor_mysql_handshake {
	moor_mysql_slice server_version;  /* "8.0.36", "5.5.5-10.11.6-MariaDB-...",
	                                   * "8.0.11-TiDB-v7.5.0"; NUL-terminated
	                                   * in the payload */
	moor_mysql_slice plugin;          /* auth plugin name; empty if none */
	uint32_t connection_id;
	uint32_t caps;                    /* MOOR_MYSQL_CLIENT_* the server offers */
	uint32_t mariadb_caps;            /* MariaDB 10.2+ extended capabilities, else 0 */
	uint16_t status;                  /* MOOR_MYSQL_SERVER_* */
	uint8_t protocol_version;         /* 10 */
	uint8_t charset;                  /* the server's default collation */
	uint8_t is_mariadb;               /* CLIENT_LONG_PASSWORD (CLIENT_MYSQL) unset */
	uint8_t plugin_id;                /* MOOR_MYSQL_AUTH_* of `plugin`; NATIVE
	                                   * when no plugin is named */
	uint8_t scramble_len;             /* 20 from every current server */
	uint8_t scramble[MOOR_MYSQL_SCRAMBLE_MAX]; /* copied: the nonce */
} moor_mysql_handshake;

/*
 * Parse a HandshakeV10 payload: protocol version 10, server version
 * (NUL-terminated), connection id, 8 bytes of scramble, a filler,
 * capability flags (low 16 bits), then optionally the collation, status,
 * the high 16 capability bits, the auth data length, 10 reserved bytes
 * (MariaDB: 6, then its 4 bytes of extended capabilities), the rest of the
 * scramble (max(13, auth data length - 8) bytes with its trailing NUL) and
 * the plugin name (NUL-terminated; servers that forget the NUL are
 * tolerated). A payload that stops after the low capability bits is
 * accepted (pre-4.1 servers; the negotiation will refuse them).
 * Returns MOOR_OK, MOOR_ERR_MYSQL_UNSUPPORTED (protocol version not 10:
 * for example an ERR packet 0xff, "Host is not allowed to connect", which
 * you should parse with moor_mysql_parse_err() first), or
 * MOOR_ERR_MYSQL_MALFORMED (fields past the end, a scramble longer than
 * MOOR_MYSQL_SCRAMBLE_MAX), or MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_parse_handshake(const uint8_t *p, size_t n, moor_mysql_handshake *hs);

/*
 * Capabilities to send: want & server, without MOOR_MYSQL_CLIENT_NEVER.
 * Returns MOOR_OK, or MOOR_ERR_MYSQL_UNSUPPORTED if the server lacks
 * CLIENT_PROTOCOL_41 or CLIENT_SECURE_CONNECTION (4.0-era servers), or if
 * `want` lacks them. Whether a missing CLIENT_SSL is fatal is the client's
 * decision (ssl-mode): check (*out & MOOR_MYSQL_CLIENT_SSL).
 */
int moor_mysql_negotiate(uint32_t server_caps, uint32_t want, uint32_t *out);

/* Default max_packet_size announced to the server. */
#define MOOR_MYSQL_DEFAULT_MAX_PACKET 0x01000000UL  /* 16 MiB */

/*
 * SSLRequest: the first 32 bytes of a HandshakeResponse41 (capabilities,
 * which must include CLIENT_SSL, max packet size (0: the default),
 * collation (0: utf8mb4_general_ci), 23 zero bytes). 36 bytes with the
 * header. Send it, run the TLS handshake, then send the
 * HandshakeResponse41 with the next id (2) over TLS.
 * MOOR_ERR_INVALID_ARG without CLIENT_SSL in caps or NULL arguments.
 */
#define MOOR_MYSQL_SSL_REQUEST_LEN 36
int moor_mysql_write_ssl_request(uint32_t caps, uint32_t max_packet,
	uint8_t charset, uint8_t *seq, uint8_t *out, size_t cap, size_t *len);

/* What HandshakeResponse41 carries. Strings are NUL-terminated. */
typedef struct moor_mysql_login {
	uint32_t caps;             /* negotiated (moor_mysql_negotiate()) */
	uint32_t max_packet;       /* 0: MOOR_MYSQL_DEFAULT_MAX_PACKET */
	uint8_t charset;           /* 0: MOOR_MYSQL_CHARSET_UTF8MB4_GENERAL_CI */
	const char *user;          /* NULL: "" (a certificate-only user still has a name) */
	const uint8_t *auth;       /* auth response for `plugin` (may be NULL/0) */
	size_t auth_len;
	const char *database;      /* sent with CONNECT_WITH_DB; NULL: none, and
	                            * the flag is cleared in what is sent */
	const char *plugin;        /* sent with PLUGIN_AUTH; NULL: "" */
	const char *client_version; /* `_client_version`; NULL: MOOR_MYSQL_CLIENT_VERSION */
	const char *program_name;  /* `program_name`; NULL: not sent */
	const char *const *attrs;  /* more attributes: n_attrs key, value pairs */
	size_t n_attrs;            /* (attrs[2i] = key, attrs[2i+1] = value) */
} moor_mysql_login;

/*
 * HandshakeResponse41: capabilities, max packet size, collation, 23 zero
 * bytes, user (NUL-terminated), auth response (length-encoded with
 * PLUGIN_AUTH_LENENC_CLIENT_DATA, else a length byte with
 * SECURE_CONNECTION, else NUL-terminated), database (CONNECT_WITH_DB),
 * plugin name (PLUGIN_AUTH), connection attributes (CONNECT_ATTRS:
 * `_client_name`=moor, `_client_version`, `program_name`, then attrs).
 * Returns MOOR_OK, MOOR_ERR_BUFFER_TOO_SMALL (*len = size needed),
 * MOOR_ERR_MYSQL_TOO_LARGE (auth response over 255 bytes without
 * LENENC_CLIENT_DATA, or containing a NUL without SECURE_CONNECTION),
 * MOOR_ERR_INVALID_ARG (NULL arguments, auth NULL with auth_len > 0,
 * attrs NULL with n_attrs > 0, no CLIENT_PROTOCOL_41 in caps).
 */
int moor_mysql_write_handshake_response(const moor_mysql_login *l,
	uint8_t *seq, uint8_t *out, size_t cap, size_t *len);

/* AuthSwitchRequest: 0xfe, plugin name (NUL-terminated), plugin data. */
typedef struct moor_mysql_auth_switch {
	moor_mysql_slice plugin;   /* NUL-terminated in the payload */
	moor_mysql_slice data;     /* as sent: native and caching_sha2 send the
	                            * 20-byte nonce and a NUL (use the first 20) */
	uint8_t plugin_id;         /* MOOR_MYSQL_AUTH_* */
} moor_mysql_auth_switch;

/*
 * Returns MOOR_OK, MOOR_ERR_MYSQL_UNSUPPORTED for the 1-byte 0xfe of the
 * pre-4.1 "old password" switch, MOOR_ERR_MYSQL_MALFORMED (not 0xfe, no
 * NUL after the plugin name), MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_parse_auth_switch(const uint8_t *p, size_t n, moor_mysql_auth_switch *as);

/* AuthMoreData: 0x01 and the data (caching_sha2: 0x03, 0x04 or a PEM key).
 * MOOR_OK, MOOR_ERR_MYSQL_MALFORMED (not 0x01 or empty), MOOR_ERR_INVALID_ARG. */
int moor_mysql_parse_auth_more_data(const uint8_t *p, size_t n, moor_mysql_slice *data);

/* ------------------------------------------------------------------ */
/* AUTH: the plugins' responses. Intermediate hashes are wiped. */

/*
 * mysql_native_password: SHA1(pw) XOR SHA1(scramble[0..20) + SHA1(SHA1(pw))),
 * 20 bytes; an empty password gives an empty response (*out_len = 0).
 * MOOR_ERR_INVALID_ARG: NULL arguments, scramble shorter than 20 bytes.
 */
int moor_mysql_auth_native(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	uint8_t out[20], size_t *out_len);

/*
 * caching_sha2_password fast path:
 * SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble[0..20)), 32 bytes;
 * empty password: empty response. Errors as moor_mysql_auth_native().
 */
int moor_mysql_auth_sha2(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	uint8_t out[32], size_t *out_len);

/*
 * mysql_clear_password, and caching_sha2's full authentication inside TLS:
 * the password and a NUL. Send it only over TLS (or a unix socket).
 * MOOR_ERR_BUFFER_TOO_SMALL (*out_len = pw_len + 1), MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_auth_clear(const char *pw, size_t pw_len,
	uint8_t *out, size_t cap, size_t *out_len);

/*
 * caching_sha2's full authentication without TLS: the plaintext that is
 * RSA-encrypted, (pw + NUL) XOR scramble[0..20) repeated.
 * Errors as moor_mysql_auth_clear(), plus a scramble shorter than 20.
 */
int moor_mysql_auth_rsa_input(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	uint8_t *out, size_t cap, size_t *out_len);

/*
 * The server's RSA public key from the PEM that caching_sha2_password
 * sends after a 0x02 request ("-----BEGIN PUBLIC KEY-----", an X.509
 * SubjectPublicKeyInfo, or "BEGIN RSA PUBLIC KEY", PKCS#1). The DER goes
 * to der[0..der_cap) (a 4096-bit key needs 550 bytes), and pk points into
 * it (leading zero bytes of the modulus and exponent skipped), so der must
 * outlive pk. Other PEM objects before the key (certificates, even ones
 * larger than der_cap) are skipped. The modulus must be odd and 512 to
 * 4096 bits, the exponent at most 4 bytes. Returns MOOR_OK,
 * MOOR_ERR_MYSQL_RSA_KEY (no public key, not RSA, malformed DER, a
 * modulus out of range), MOOR_ERR_BUFFER_TOO_SMALL (the key's DER does
 * not fit), MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_rsa_key_from_pem(const char *pem, size_t pem_len,
	uint8_t *der, size_t der_cap, br_rsa_public_key *pk);

/*
 * caching_sha2_password full authentication over plain TCP (and
 * sha256_password on MySQL 8.0.5+): RSA-OAEP (SHA-1, MGF1-SHA-1, empty
 * label, as the server decrypts it) of moor_mysql_auth_rsa_input(). The
 * result is as long as the modulus (out: up to 512 bytes). `seed` seeds
 * the OAEP randomness (an HMAC-DRBG over SHA-256): give it at least 32
 * bytes from the platform's entropy source, fresh for each call. `oaep` is
 * BearSSL's implementation, e.g. br_rsa_i31_oaep_encrypt, or NULL for
 * br_rsa_oaep_encrypt_get_default().
 * Returns MOOR_OK, MOOR_ERR_MYSQL_PASSWORD_TOO_LONG (pw_len + 1 > modulus
 * bytes - 42), MOOR_ERR_MYSQL_RSA_KEY (the key was refused by BearSSL),
 * MOOR_ERR_BUFFER_TOO_SMALL (*out_len = modulus bytes), MOOR_ERR_NO_ENTROPY
 * (seed shorter than 16 bytes), MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_auth_rsa_encrypt(const char *pw, size_t pw_len,
	const uint8_t *scramble, size_t scramble_len,
	const br_rsa_public_key *pk, br_rsa_oaep_encrypt oaep,
	const uint8_t *seed, size_t seed_len,
	uint8_t *out, size_t cap, size_t *out_len);

/* ------------------------------------------------------------------ */
/* COMMANDS. Each writes a whole command packet (id 0, more packets for
 * a payload of 16 MiB - 1 bytes or more) and sets *next_seq to the id the
 * reply starts with. Buffer contract at the top of this file. */

/* A command byte and an argument (a query, a schema name, a statement). */
int moor_mysql_write_command(uint8_t command, const uint8_t *arg, size_t arg_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);

int moor_mysql_write_query(const char *sql, size_t sql_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);
int moor_mysql_write_init_db(const char *schema, size_t schema_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);
int moor_mysql_write_stmt_prepare(const char *sql, size_t sql_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);
/* 5 bytes each. COM_QUIT has no reply (the server closes). */
int moor_mysql_write_ping(uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);
int moor_mysql_write_quit(uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);
int moor_mysql_write_reset_connection(uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);

/* 9 bytes each. Neither CLOSE nor SEND_LONG_DATA has a reply; RESET
 * answers OK or ERR. */
int moor_mysql_write_stmt_close(uint32_t stmt_id, uint8_t *next_seq,
	uint8_t *out, size_t cap, size_t *len);
int moor_mysql_write_stmt_reset(uint32_t stmt_id, uint8_t *next_seq,
	uint8_t *out, size_t cap, size_t *len);

/*
 * COM_STMT_SEND_LONG_DATA: bytes for parameter `param_id` (0-based), to be
 * appended to what was sent for it before; the next COM_STMT_EXECUTE uses
 * them (mark that parameter long_data). No reply.
 */
int moor_mysql_write_stmt_send_long_data(uint32_t stmt_id, uint16_t param_id,
	const uint8_t *data, size_t n, uint8_t *next_seq,
	uint8_t *out, size_t cap, size_t *len);

/*
 * The same for data you stream yourself: writes the packet header and the
 * 7 bytes before the data (11 bytes: MOOR_MYSQL_LONG_DATA_HEADER_LEN);
 * send exactly `n` bytes after them. n must be at most
 * MOOR_MYSQL_LONG_DATA_MAX (one packet): send larger values in several
 * COM_STMT_SEND_LONG_DATA commands, which append.
 * MOOR_ERR_MYSQL_TOO_LARGE above it.
 */
#define MOOR_MYSQL_LONG_DATA_HEADER_LEN 11
#define MOOR_MYSQL_LONG_DATA_MAX (MOOR_MYSQL_MAX_FRAME - 8)
int moor_mysql_write_stmt_send_long_data_header(uint32_t stmt_id,
	uint16_t param_id, size_t n, uint8_t *next_seq,
	uint8_t out[MOOR_MYSQL_LONG_DATA_HEADER_LEN]);

/* DATE, DATETIME, TIMESTAMP and TIME values of the binary protocol. */
typedef struct moor_mysql_time {
	uint16_t year;          /* DATE/DATETIME/TIMESTAMP */
	uint8_t month, day;     /* DATE/DATETIME/TIMESTAMP */
	uint8_t hour, minute, second;
	uint8_t neg;            /* TIME: 1 for a negative interval */
	uint32_t days;          /* TIME: whole days (the hours are below 24) */
	uint32_t microsecond;   /* 0..999999 */
} moor_mysql_time;

/* One parameter of COM_STMT_EXECUTE. Zero it, then set what the type uses. */
typedef struct moor_mysql_param {
	uint8_t type;         /* MOOR_MYSQL_TYPE_* */
	uint8_t is_unsigned;  /* integer types: the value is `u`, else `i` */
	uint8_t is_null;      /* NULL (also implied by TYPE_NULL) */
	uint8_t long_data;    /* sent before with COM_STMT_SEND_LONG_DATA:
	                       * its type is sent, its value is not */
	int64_t i;            /* TINY, SHORT, LONG, INT24, LONGLONG, YEAR (signed) */
	uint64_t u;           /* the same, unsigned */
	double d;             /* DOUBLE */
	float f;              /* FLOAT */
	const uint8_t *ptr;   /* STRING, VAR_STRING, VARCHAR, the BLOBs, DECIMAL, */
	size_t len;           /* NEWDECIMAL, JSON, ENUM, SET, BIT, GEOMETRY */
	moor_mysql_time t;    /* DATE, DATETIME, TIMESTAMP, TIME */
} moor_mysql_param;

/* COM_STMT_EXECUTE cursor flags. */
#define MOOR_MYSQL_CURSOR_NONE      0x00
#define MOOR_MYSQL_CURSOR_READ_ONLY 0x01

/*
 * COM_STMT_EXECUTE of statement `stmt_id` with `n` parameters (exactly the
 * statement's parameter count from COM_STMT_PREPARE_OK): flags, iteration
 * count 1, the NULL bitmap, the new-params-bound flag and, when
 * `send_types` is 1 (required on the first execution and whenever a type
 * changed), each parameter's type (and 0x80 when unsigned); then the
 * values of the parameters that are neither NULL nor long_data, in the
 * binary encoding of their types (integers little-endian in 1, 2, 4 or 8
 * bytes; FLOAT 4, DOUBLE 8 IEEE 754; strings length-encoded; DATE,
 * DATETIME, TIMESTAMP as a length byte 0, 4, 7 or 11 and year(2), month,
 * day, hour, minute, second, microsecond(4), the shortest form that holds
 * the value; TIME as 0, 8 or 12 bytes: sign, days(4), h, m, s, us(4)).
 * Returns MOOR_OK, MOOR_ERR_BUFFER_TOO_SMALL, MOOR_ERR_MYSQL_BAD_VALUE (a
 * type the binary protocol has no value encoding for, an integer outside
 * its type's range, a date or time field out of range: month > 12, day >
 * 31, hour > 23 (838 for TIME, counting days), minute or second > 59,
 * microsecond > 999999), MOOR_ERR_MYSQL_TOO_LARGE (n > 65535),
 * MOOR_ERR_INVALID_ARG (params NULL with n > 0, a string NULL with len > 0).
 */
int moor_mysql_write_stmt_execute(uint32_t stmt_id, uint8_t flags,
	const moor_mysql_param *params, size_t n, int send_types,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len);

/* ------------------------------------------------------------------ */
/* RESULTS. */

/*
 * What a packet is, from its first byte and length. For the first packet
 * of a command's reply, moor_mysql_reply_type():
 *   MOOR_MYSQL_REPLY_OK      0x00 (an OK packet, or COM_STMT_PREPARE_OK)
 *   MOOR_MYSQL_REPLY_ERR     0xff
 *   MOOR_MYSQL_REPLY_INFILE  0xfb (LOCAL INFILE request: moor never asks
 *                            for CLIENT_LOCAL_FILES, so treat it as a
 *                            protocol error)
 *   MOOR_MYSQL_REPLY_EOF     0xfe
 *   MOOR_MYSQL_REPLY_DATA    anything else: a column count.
 * Inside a result set, where rows are read, moor_mysql_row_type():
 *   MOOR_MYSQL_REPLY_ERR     0xff (a text row never starts with it)
 *   MOOR_MYSQL_REPLY_EOF     0xfe that ends the rows: an EOF packet (fewer
 *                            than 9 bytes) or, with CLIENT_DEPRECATE_EOF,
 *                            the OK packet that replaces it (any payload
 *                            in one packet: a row that starts with 0xfe,
 *                            a value of 16 MiB or more, spans packets)
 *   MOOR_MYSQL_REPLY_DATA    anything else: a row. 0x00 starts a binary
 *                            row, or a text row whose first value is "".
 * p/n: the payload (for a chunked payload, the first chunk's bytes and the
 * payload's `total`); `cont`: 1 if it spans packets (MOOR_MYSQL_F_CONT),
 * which makes it DATA. An empty payload is MOOR_ERR_MYSQL_MALFORMED.
 */
#define MOOR_MYSQL_REPLY_OK     1
#define MOOR_MYSQL_REPLY_ERR    2
#define MOOR_MYSQL_REPLY_EOF    3
#define MOOR_MYSQL_REPLY_INFILE 4
#define MOOR_MYSQL_REPLY_DATA   5
int moor_mysql_reply_type(const uint8_t *p, size_t n, int cont, uint32_t caps);
int moor_mysql_row_type(const uint8_t *p, size_t n, int cont, uint32_t caps);

/* OK packet (header 0x00, or 0xfe when it ends rows with DEPRECATE_EOF). */
typedef struct moor_mysql_ok {
	uint64_t affected_rows;
	uint64_t last_insert_id;
	uint16_t status;          /* MOOR_MYSQL_SERVER_* */
	uint16_t warnings;
	uint8_t header;           /* 0x00 or 0xfe */
	moor_mysql_slice info;    /* human-readable ("Rows matched: 1 ...") */
	moor_mysql_slice session; /* session state changes (SESSION_TRACK), raw */
} moor_mysql_ok;

/*
 * Parse an OK payload for the negotiated `caps`: header, affected rows and
 * last insert id (length-encoded), status and warnings (PROTOCOL_41), then
 * the info: with CLIENT_SESSION_TRACK a length-encoded string (absent at
 * the end of the payload) and the session state when
 * SERVER_SESSION_STATE_CHANGED is set. Without it the protocol documents
 * the info as the rest of the payload, but MariaDB and MySQL servers send
 * it length-encoded there too (seen from MariaDB 10.11: 0x28 "Rows
 * matched: 2  Changed: 2  Warnings: 0"): a length-encoded string that
 * ends exactly at the end of the payload is taken as such, anything else
 * as the raw rest.
 * Returns MOOR_OK, MOOR_ERR_MYSQL_MALFORMED (header not 0x00/0xfe, fields
 * past the end, NULL lengths), MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_parse_ok(const uint8_t *p, size_t n, uint32_t caps, moor_mysql_ok *ok);

/* ERR packet. */
typedef struct moor_mysql_err {
	uint16_t code;            /* 1045 access denied, 1064 syntax, ... */
	char sqlstate[6];         /* "28000", NUL-terminated; "" when not sent
	                           * (errors before the capabilities are agreed) */
	moor_mysql_slice message;
} moor_mysql_err;

/*
 * Parse an ERR payload: 0xff, code (2 bytes), then '#' and a 5-character
 * SQLSTATE if present, and the message (rest of the payload).
 * MOOR_OK, MOOR_ERR_MYSQL_MALFORMED (not 0xff, shorter than 3 bytes),
 * MOOR_ERR_INVALID_ARG. (MariaDB's progress reports, code 0xffff, only come
 * to clients that ask for them; moor does not.)
 */
int moor_mysql_parse_err(const uint8_t *p, size_t n, moor_mysql_err *e);

/* EOF packet (without DEPRECATE_EOF): 0xfe, warnings, status. */
typedef struct moor_mysql_eof {
	uint16_t warnings;
	uint16_t status;
} moor_mysql_eof;

/* MOOR_OK, MOOR_ERR_MYSQL_MALFORMED (not 0xfe, 9 bytes or more),
 * MOOR_ERR_INVALID_ARG. A 1-byte EOF (pre-4.1) gives zeros. */
int moor_mysql_parse_eof(const uint8_t *p, size_t n, moor_mysql_eof *e);

/*
 * The column count that starts a result set (a length-encoded integer and
 * nothing else). MOOR_OK, MOOR_ERR_MYSQL_MALFORMED (0, NULL, trailing
 * bytes, past the end), MOOR_ERR_MYSQL_TOO_LARGE (over 65535),
 * MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_parse_column_count(const uint8_t *p, size_t n, uint32_t *count);

/* ColumnDefinition41. Slices point into the payload. */
typedef struct moor_mysql_column {
	moor_mysql_slice catalog;   /* always "def" */
	moor_mysql_slice schema;
	moor_mysql_slice table;     /* alias */
	moor_mysql_slice org_table;
	moor_mysql_slice name;      /* alias: what `mariadb --batch` prints */
	moor_mysql_slice org_name;
	uint32_t length;            /* maximum display length */
	uint16_t charset;           /* collation id; 63 = binary */
	uint16_t flags;             /* MOOR_MYSQL_FLAG_* */
	uint8_t type;               /* MOOR_MYSQL_TYPE_* */
	uint8_t decimals;
} moor_mysql_column;

/*
 * Parse a ColumnDefinition41 payload: six length-encoded strings, the
 * length of the fixed fields (0x0c; at least 10 accepted), collation(2),
 * length(4), type(1), flags(2), decimals(1), and what the fixed length
 * says remains. Trailing bytes (COM_FIELD_LIST defaults) are ignored.
 * MOOR_OK, MOOR_ERR_MYSQL_MALFORMED, MOOR_ERR_INVALID_ARG.
 */
int moor_mysql_parse_column(const uint8_t *p, size_t n, moor_mysql_column *col);

/* COM_STMT_PREPARE_OK. */
typedef struct moor_mysql_prepare_ok {
	uint32_t stmt_id;
	uint16_t columns;    /* column definitions that follow (after the params) */
	uint16_t params;     /* parameter definitions that follow first */
	uint16_t warnings;
} moor_mysql_prepare_ok;

/* 0x00, id(4), columns(2), params(2), filler, warnings(2) (optional).
 * MOOR_OK, MOOR_ERR_MYSQL_MALFORMED, MOOR_ERR_INVALID_ARG. */
int moor_mysql_parse_prepare_ok(const uint8_t *p, size_t n, moor_mysql_prepare_ok *po);

/*
 * The row decoder: one result row, text (COM_QUERY) or binary
 * (COM_STMT_EXECUTE), fed the row's payload whole or in any pieces (the
 * reader's chunks), one event per column value:
 *
 *   VALUE  a whole value: NULL (MOOR_MYSQL_V_NULL), a string (ptr/len: in
 *          text rows every value is a string, e.g. "42", "2024-01-31"), or
 *          in binary rows a fixed-size value decoded into i/u, d or t;
 *   CHUNK  a piece of a string value that was not all in the input when
 *          its length was read: V_FIRST on the first piece, V_LAST on the
 *          last (one piece may carry both); `total` is the value's length.
 *          Pieces are never empty. Joined, they are the value.
 *
 * The event that completes the row's last value (a VALUE, or the V_LAST
 * CHUNK) has MOOR_MYSQL_V_ROW_DONE. Fed the whole
 * payload in one call, every value is a VALUE. A length byte or a
 * fixed-size value cut between two inputs is kept inside the decoder (at
 * most 12 bytes); nothing else is copied, and string slices point into
 * the input of the call that returned them.
 *
 * Binary rows: the payload starts with 0x00 and a NULL bitmap of
 * (columns + 9) / 8 bytes whose first two bits are unused; `types` gives
 * each column's MOOR_MYSQL_TYPE_* (from its ColumnDefinition41), which
 * decides its encoding. Integers are decoded into both `i`
 * (sign-extended) and `u` (zero-extended): use `u` for UNSIGNED columns.
 * FLOAT and DOUBLE go to `d`; DATE, DATETIME, TIMESTAMP, TIME to `t`
 * (zeros for the 0-length form); YEAR to i/u. Every other type is a
 * length-encoded string (DECIMAL as text, BIT as bytes, JSON, BLOBs...).
 */
#define MOOR_MYSQL_EV_VALUE 1
#define MOOR_MYSQL_EV_CHUNK 2

#define MOOR_MYSQL_V_NULL     0x01
#define MOOR_MYSQL_V_FIRST    0x02
#define MOOR_MYSQL_V_LAST     0x04
#define MOOR_MYSQL_V_ROW_DONE 0x08

typedef struct moor_mysql_value {
	uint8_t kind;        /* MOOR_MYSQL_EV_* */
	uint8_t flags;       /* MOOR_MYSQL_V_* */
	uint8_t type;        /* the column's type (binary); 0xfd VAR_STRING (text) */
	uint32_t col;        /* 0-based column index */
	const uint8_t *ptr;  /* string bytes (NULL/0 when empty, NULL, fixed-size) */
	size_t len;
	uint64_t total;      /* CHUNK: the value's full length */
	int64_t i;           /* binary integers */
	uint64_t u;
	double d;            /* binary FLOAT, DOUBLE */
	moor_mysql_time t;   /* binary DATE, DATETIME, TIMESTAMP, TIME */
} moor_mysql_value;

/* The decoder. Caller-owned; `types` points to the caller's array, which
 * must outlive the row. Fields private. */
typedef struct moor_mysql_row {
	const uint8_t *types;  /* NULL: text row */
	uint32_t ncols;
	uint32_t col;          /* the column being read */
	uint32_t left;         /* bytes of the current string still to come */
	uint32_t total;        /* its length */
	uint32_t bm_got;       /* bitmap bytes read */
	int err;
	uint8_t state;
	uint8_t need;          /* bytes wanted in scratch */
	uint8_t got;           /* bytes in scratch */
	uint8_t vtype;         /* type of the value being read */
	uint8_t first;         /* no chunk of the current string delivered yet */
	uint8_t scratch[12];
	uint8_t bitmap[(MOOR_CONFIG_MYSQL_MAX_COLUMNS + 9) / 8];
} moor_mysql_row;

/*
 * Start a row of `ncols` columns; `types` (ncols entries) for a binary
 * row, NULL for a text row. MOOR_OK, MOOR_ERR_MYSQL_COLUMNS (a binary row
 * with more than MOOR_CONFIG_MYSQL_MAX_COLUMNS), MOOR_ERR_INVALID_ARG
 * (d NULL, ncols 0).
 */
int moor_mysql_row_init(moor_mysql_row *d, uint32_t ncols, const uint8_t *types);

/*
 * Decode the next value from data[0..len), the row bytes after those
 * consumed so far (data may be NULL when len is 0). Sets *consumed.
 * Returns 1 (*v set), 0 (the input was all used: more is needed, or the
 * row is complete and nothing was given), or:
 *   MOOR_ERR_MYSQL_MALFORMED  bytes after the last value, a binary row not
 *                             starting with 0x00, 0xff as a length
 *   MOOR_ERR_MYSQL_TOO_LARGE  a value longer than MOOR_CONFIG_MYSQL_MAX_PAYLOAD
 *   MOOR_ERR_MYSQL_BAD_VALUE  a binary date/time with a length other than
 *                             0/4/7/11 (0/8/12 for TIME), or a column type
 *                             with no binary encoding
 *   MOOR_ERR_INVALID_ARG      (not sticky)
 * Errors are sticky.
 */
int moor_mysql_row_next(moor_mysql_row *d, const uint8_t *data, size_t len,
	size_t *consumed, moor_mysql_value *v);

/*
 * The row's payload has ended: MOOR_OK if every value was read, else
 * MOOR_ERR_MYSQL_MALFORMED (or the sticky error).
 */
int moor_mysql_row_finish(const moor_mysql_row *d);

/* ------------------------------------------------------------------ */
/* FORMAT: `mariadb --batch` output. */

/*
 * Escape a value as `mariadb --batch` (and `mysql --batch`) prints it:
 * NUL as "\0", tab as "\t", newline as "\n", backslash as "\\", every
 * other byte as is (CR, 0x1a, quotes, invalid UTF-8 included); checked
 * byte for byte against mariadb 10.11's client. A NULL value prints as
 * "NULL" and the header line's column names print unescaped (as the
 * client does): both are the caller's job. Values are tab-separated, rows
 * end with "\n". Streams: escapes as much of in[0..n) as fits in out[0..cap)
 * without splitting an escape, sets *used to the input bytes done and
 * returns the output bytes written. Call again with the rest.
 */
size_t moor_mysql_escape_batch(const uint8_t *in, size_t n, size_t *used,
	char *out, size_t cap);

/* Output bytes moor_mysql_escape_batch() needs for in[0..n). */
size_t moor_mysql_escape_batch_size(const uint8_t *in, size_t n);

#ifdef __cplusplus
}
#endif

#endif
