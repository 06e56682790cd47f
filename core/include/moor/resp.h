/*
 * moor: RESP codec (the Redis serialization protocol, RESP2 and RESP3).
 *
 * Bytes in, bytes or events out: no I/O, no allocation, no recursion, no
 * global state. The Redis client drives it; tests and fuzzers call it
 * directly.
 *
 * ENCODER. moor_resp_write_command() turns an argv (binary-safe, each
 * argument with its length) into the array of bulk strings Redis reads:
 * "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n". It never writes past the buffer: when
 * the command does not fit it writes nothing, returns
 * MOOR_ERR_BUFFER_TOO_SMALL and reports the size it needs.
 * moor_resp_command_size() only computes that size. To send an argument
 * too large for any buffer, write the headers with
 * moor_resp_write_array_header() / moor_resp_write_bulk_header() and send
 * the argument's bytes and "\r\n" yourself.
 *
 * DECODER. A pull parser: a caller-owned `moor_resp_decoder` is handed
 * the bytes received so far and returns one event at a time:
 *
 *   VALUE  a whole scalar: simple string, error, integer, null, boolean,
 *          double, big number, or a bulk string / blob error / verbatim
 *          string short enough to be delivered whole (see below);
 *   BEGIN  an aggregate starts: array, map, set, attribute or push, with
 *          its count (elements; pairs for maps and attributes) or
 *          "streamed" (*? %? ~?, ended by the END type ".");
 *   END    the innermost open aggregate is complete (also for counted
 *          ones, and for empty ones right after their BEGIN);
 *   CHUNK  a piece of a string delivered in pieces: a bulk string, blob
 *          error or verbatim string longer than the buffer allows, or a
 *          streamed string ($? with ;len parts ending in ;0). The first
 *          piece has MOOR_RESP_F_FIRST, the last MOOR_RESP_F_LAST.
 *
 * Feeding. Keep the received bytes in one buffer of `bufcap` bytes (the
 * value given to moor_resp_decoder_init()) and call moor_resp_next() on
 * the bytes not yet consumed. Each call reports in *consumed how many of
 * them it used; the next call must be given the bytes after those (at the
 * same or another address: you may move them to the front of the buffer
 * and append new ones). A call that returns 0 (need more input) may have
 * consumed bytes too, e.g. a bulk string's header. The decoder never looks
 * at more than `bufcap` bytes of a line, and never waits for more than
 * `bufcap` bytes, so a buffer of `bufcap` bytes that you compact before
 * each read can never dead-lock:
 *
 *   - a line (+, -, :, ",", (, #, _, ., and the headers $N *N %N ...) must
 *     fit in bufcap bytes with its CR LF, else MOOR_ERR_RESP_LINE_TOO_LONG;
 *   - a bulk string, blob error or verbatim string of N bytes with
 *     N + 2 <= bufcap is delivered whole, as one VALUE, once all N bytes
 *     and the CR LF are in the buffer;
 *   - a longer one is delivered as CHUNK events as its bytes arrive, so a
 *     1 MiB value passes through a 1 KiB buffer.
 *
 * Whether a string comes whole or in chunks depends only on its length and
 * bufcap, never on how the input was split: any split of the same input,
 * down to one byte per call, gives the same events, except that the
 * boundaries between the CHUNKs of one string follow the arrival of its
 * bytes. Joining each string's chunks gives identical results, also when
 * the stream turns out to be malformed: the events before an error are
 * the same (a chunked string's bytes before a bad CR LF are delivered, then
 * the error), and so is the error.
 *
 * Zero copy. Slices (ptr, len) in an event point into the input of that
 * call, inside the bytes it consumed. They stay valid for as long as you
 * keep those bytes where they are: handle the event before you overwrite
 * or move the consumed bytes.
 *
 * Nesting is tracked in a fixed stack inside the decoder: at most
 * MOOR_CONFIG_RESP_MAX_DEPTH open aggregates (attributes included), a
 * deeper one is MOOR_ERR_RESP_DEPTH. Lengths are at most
 * MOOR_CONFIG_RESP_MAX_BULK (512 MiB, as Redis), counts at most
 * MOOR_CONFIG_RESP_MAX_COUNT; larger ones are MOOR_ERR_RESP_TOO_LARGE.
 *
 * Errors are sticky: after a call returned an error, every later call
 * returns the same one until moor_resp_decoder_init() resets the decoder.
 * The connection's byte stream cannot be resynchronized after a protocol
 * error; close it.
 *
 * Example, a blocking read of one reply (recv_some() is yours: it waits
 * for at least one byte, and returns a negative status on failure or at
 * the end of the stream):
 *
 *   static uint8_t buf[1024];
 *   moor_resp_decoder dec;
 *   moor_resp_event ev;
 *   size_t fill = 0, off = 0, used;
 *   int r, t;
 *   long n;
 *
 *   moor_resp_decoder_init(&dec, sizeof buf);
 *   for (;;) {
 *       r = moor_resp_next(&dec, buf + off, fill - off, &used, &ev);
 *       if (r < 0)
 *           return r;                         // protocol error: close
 *       off += used;
 *       if (r == 1) {
 *           handle(&ev);                      // slices point into buf
 *           t = moor_resp_reply_done(&dec);
 *           if (t != 0 && t != MOOR_RESP_PUSH)
 *               break;                        // the whole reply is in
 *           continue;
 *       }
 *       memmove(buf, buf + off, fill - off);  // need more: compact, read
 *       fill -= off;
 *       off = 0;
 *       n = recv_some(buf + fill, sizeof buf - fill);
 *       if (n < 0)
 *           return n;
 *       fill += n;
 *   }
 *
 * What each type gives (the type is the RESP type byte):
 *
 *   '+' simple string  VALUE  ptr/len: the text
 *   '-' simple error   VALUE  ptr/len: the text ("ERR unknown command ...")
 *   ':' integer        VALUE  num: the value (int64); ptr/len: its digits
 *   '_' null           VALUE  also for RESP2's "$-1" and "*-1", which set
 *                             MOOR_RESP_F_NULL_BULK / MOOR_RESP_F_NULL_ARRAY
 *   '#' boolean        VALUE  num: 1 (#t) or 0 (#f); ptr/len: "t" or "f"
 *   ',' double         VALUE  ptr/len: the validated text ("3.141", "inf",
 *                             "-inf", "nan", "1.5e+300"); moor does not
 *                             convert it (see moor_resp_next())
 *   '(' big number     VALUE  ptr/len: the digits, with a leading '-' if
 *                             negative
 *   '$' bulk string    VALUE or CHUNKs  ptr/len: the bytes
 *   '!' blob error     VALUE or CHUNKs  ptr/len: the bytes
 *   '=' verbatim       VALUE or CHUNKs  format: "txt", "mkd", ...;
 *                             ptr/len: the text after "xxx:"
 *   '*' array, '%' map, '~' set, '|' attribute, '>' push
 *                      BEGIN ... END
 *
 * An attribute is not part of the reply: it describes the value that
 * follows it, and does not count as an element of the aggregate around
 * it. A push ('>') is out-of-band data, only valid at the top level.
 */
#ifndef MOOR_RESP_H
#define MOOR_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "moor/config_defaults.h"
#include "moor/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * MOOR_CONFIG_RESP_MAX_DEPTH: most aggregates open at once (an array in a
 * map in an array is depth 3; attributes count). Each level costs 8 bytes
 * in moor_resp_decoder. Range 1..255. Default 16.
 */
#ifndef MOOR_CONFIG_RESP_MAX_DEPTH
#define MOOR_CONFIG_RESP_MAX_DEPTH 16
#endif
#if MOOR_CONFIG_RESP_MAX_DEPTH < 1 || MOOR_CONFIG_RESP_MAX_DEPTH > 255
#error "MOOR_CONFIG_RESP_MAX_DEPTH must be 1..255"
#endif

/*
 * MOOR_CONFIG_RESP_MAX_BULK: largest length accepted for a bulk string,
 * blob error, verbatim string or streamed-string part, and the largest
 * argument the encoder writes. Redis's own limit (proto-max-bulk-len) is
 * 512 MiB. Range 1..4294967295. Default 536870912.
 */
#ifndef MOOR_CONFIG_RESP_MAX_BULK
#define MOOR_CONFIG_RESP_MAX_BULK 536870912UL
#endif
#if MOOR_CONFIG_RESP_MAX_BULK < 1 || MOOR_CONFIG_RESP_MAX_BULK > 4294967295UL
#error "MOOR_CONFIG_RESP_MAX_BULK must be 1..4294967295"
#endif

/*
 * MOOR_CONFIG_RESP_MAX_COUNT: largest element count accepted for an
 * aggregate (pairs for maps and attributes), and the most arguments the
 * encoder writes. Range 1..2147483647 (twice the count of a map must fit
 * in 32 bits). Default 2147483647.
 */
#ifndef MOOR_CONFIG_RESP_MAX_COUNT
#define MOOR_CONFIG_RESP_MAX_COUNT 2147483647UL
#endif
#if MOOR_CONFIG_RESP_MAX_COUNT < 1 || MOOR_CONFIG_RESP_MAX_COUNT > 2147483647UL
#error "MOOR_CONFIG_RESP_MAX_COUNT must be 1..2147483647"
#endif

/*
 * Smallest `bufcap` the decoder accepts: the longest header line Redis can
 * send that the decoder must read whole is a type byte, a sign, 19 digits
 * and CR LF (23 bytes); 32 leaves room. Real replies want more: an error
 * line such as "-WRONGTYPE Operation against a key holding the wrong kind
 * of value\r\n" is 69 bytes. 512 bytes or more is a sensible buffer.
 */
#define MOOR_RESP_MIN_BUFFER 32

/*
 * Bytes moor_resp_write_command() needs for `argc` arguments whose lengths
 * add up to `total`: per argument "$<len>\r\n<arg>\r\n" is at most
 * 1 + 10 + 2 + 2 bytes of framing (a length of at most 4294967295 has 10
 * digits), plus "*<argc>\r\n" of at most 1 + 10 + 2. An upper bound, for
 * sizing static buffers; moor_resp_command_size() gives the exact size.
 */
#define MOOR_RESP_COMMAND_BOUND(argc, total) (13 + 15 * (argc) + (total))

/* RESP types: the type byte on the wire. */
#define MOOR_RESP_SIMPLE      '+'
#define MOOR_RESP_ERROR       '-'
#define MOOR_RESP_INTEGER     ':'
#define MOOR_RESP_BULK        '$'
#define MOOR_RESP_ARRAY       '*'
#define MOOR_RESP_NULL        '_'
#define MOOR_RESP_BOOLEAN     '#'
#define MOOR_RESP_DOUBLE      ','
#define MOOR_RESP_BIGNUM      '('
#define MOOR_RESP_BLOB_ERROR  '!'
#define MOOR_RESP_VERBATIM    '='
#define MOOR_RESP_MAP         '%'
#define MOOR_RESP_SET         '~'
#define MOOR_RESP_ATTRIBUTE   '|'
#define MOOR_RESP_PUSH        '>'

/* Event kinds. */
#define MOOR_RESP_EV_VALUE    1
#define MOOR_RESP_EV_BEGIN    2
#define MOOR_RESP_EV_END      3
#define MOOR_RESP_EV_CHUNK    4

/* Event flags. */
#define MOOR_RESP_F_FIRST      0x01 /* CHUNK: the first piece of this string */
#define MOOR_RESP_F_LAST       0x02 /* CHUNK: the last piece; the string is complete */
#define MOOR_RESP_F_STREAMED   0x04 /* BEGIN/END of *? %? ~?; CHUNK of a $? string */
#define MOOR_RESP_F_NULL_BULK  0x08 /* VALUE null: came as RESP2 "$-1" */
#define MOOR_RESP_F_NULL_ARRAY 0x10 /* VALUE null: came as RESP2 "*-1" */
#define MOOR_RESP_F_DONE       0x20 /* this event completes a top-level value */

/*
 * One event. Every field is set by each moor_resp_next() that returns 1;
 * fields a kind does not use are zero.
 */
typedef struct moor_resp_event {
	uint8_t kind;        /* MOOR_RESP_EV_* */
	uint8_t type;        /* MOOR_RESP_* type byte; '_' for every null */
	uint8_t flags;       /* MOOR_RESP_F_* */
	uint8_t depth;       /* open aggregates around this item: 0 = top level.
	                      * BEGIN and its END have the same depth. */
	char format[4];      /* verbatim strings: the 3-byte format and a NUL */
	const uint8_t *ptr;  /* VALUE, CHUNK: the bytes (see the table above); */
	size_t len;          /* NULL/0 when empty */
	int64_t num;         /* VALUE ':' the integer, '#' 1 or 0;
	                      * BEGIN: the count (elements; pairs for '%' and
	                      *        '|'), or -1 when streamed;
	                      * CHUNK: the string's full length (for '=' without
	                      *        the 4 format bytes), or -1 when streamed */
} moor_resp_event;

/* One open aggregate. Internal; in the header only for sizeof. */
typedef struct moor_resp_frame {
	uint32_t left;       /* elements still to come (counted aggregates) */
	uint8_t type;        /* '*', '%', '~', '|', '>' */
	uint8_t streamed;    /* 1: ends with ".", `left` unused */
	uint8_t odd;         /* streamed: an odd number of elements so far */
	uint8_t pad;
} moor_resp_frame;

/*
 * The decoder. Caller-owned, holds no pointer (it may be copied with
 * memcpy), nothing to free. About 40 + 8 * MOOR_CONFIG_RESP_MAX_DEPTH
 * bytes. Its fields are private.
 */
typedef struct moor_resp_decoder {
	size_t bufcap;       /* the caller's buffer size */
	size_t scanned;      /* bytes of the current line already searched for CR LF */
	int64_t total;       /* declared length of the string being chunked */
	uint32_t left;       /* bytes of the current string (part) still to come */
	int err;             /* sticky error, or 0 */
	uint8_t state;
	uint8_t depth;       /* open aggregates */
	uint8_t str_type;    /* '$', '!' or '=' while a string is read */
	uint8_t whole;       /* 1: the string is delivered as one VALUE */
	uint8_t first;       /* 1: no CHUNK of this string delivered yet */
	uint8_t fmt_got;     /* verbatim format bytes collected (chunked) */
	uint8_t after_attr;  /* an attribute ended; its value has not started */
	uint8_t top;         /* type of the top-level value being read */
	uint8_t done;        /* the last event completed a top-level value */
	char fmt[4];
	moor_resp_frame stack[MOOR_CONFIG_RESP_MAX_DEPTH];
} moor_resp_decoder;

/*
 * Reset `d` for a new connection. `bufcap` is the size of the buffer you
 * feed the decoder from (see "Feeding" above). Returns MOOR_OK, or
 * MOOR_ERR_INVALID_ARG if d is NULL or bufcap < MOOR_RESP_MIN_BUFFER.
 */
int moor_resp_decoder_init(moor_resp_decoder *d, size_t bufcap);

/*
 * Decode the next event from data[0..len), the bytes not consumed by the
 * previous calls (data may be NULL when len is 0). Sets *consumed to the
 * number of bytes used (also when returning 0; 0 on an error).
 *
 * Returns:
 *   1  *ev holds an event; its slices lie in data[0..*consumed);
 *   0  more input is needed (not an error);
 *   MOOR_ERR_INVALID_ARG       d, consumed or ev NULL, or data NULL with
 *                              len > 0 (not sticky)
 *   MOOR_ERR_RESP_BAD_TYPE     a byte that starts no RESP type where a
 *                              value must start (also inline text)
 *   MOOR_ERR_RESP_CRLF         a line or a string's bytes not followed by
 *                              CR LF, a CR without LF, or an LF without CR
 *   MOOR_ERR_RESP_LINE_TOO_LONG  a line longer than bufcap with its CR LF
 *   MOOR_ERR_RESP_BAD_LENGTH   a length or count that is not decimal digits
 *                              ("$", "$+3", "$1x", "*-0"), or negative other
 *                              than the RESP2 nulls "$-1" and "*-1"
 *   MOOR_ERR_RESP_TOO_LARGE    a length above MOOR_CONFIG_RESP_MAX_BULK or
 *                              a count above MOOR_CONFIG_RESP_MAX_COUNT
 *   MOOR_ERR_RESP_BAD_INTEGER  an integer (':') or big number ('(') that is
 *                              not an optional '-' and one or more digits
 *   MOOR_ERR_RESP_OVERFLOW     an integer outside the int64 range
 *   MOOR_ERR_RESP_BAD_DOUBLE   a double that is not [+|-] then digits with
 *                              an optional ".digits" and an optional
 *                              e|E[+|-]digits, or "inf" or "nan" (also
 *                              with a sign)
 *   MOOR_ERR_RESP_DEPTH        an aggregate opened at depth
 *                              MOOR_CONFIG_RESP_MAX_DEPTH
 *   MOOR_ERR_RESP_PROTOCOL     anything else out of place: a boolean other
 *                              than #t/#f, text after '_' or '.', "." outside
 *                              a streamed aggregate or after an odd number
 *                              of map elements or right after an attribute,
 *                              a ";" part outside a streamed string, "?" on
 *                              a type that cannot be streamed, a verbatim
 *                              string shorter than 4 bytes or without ':'
 *                              after its format, a push inside an aggregate
 * Errors are sticky (see above).
 *
 * Doubles are validated but not converted: newlib's strtod() allocates,
 * so convert ev->ptr with a routine that suits your target.
 */
int moor_resp_next(moor_resp_decoder *d, const uint8_t *data, size_t len,
	size_t *consumed, moor_resp_event *ev);

/*
 * Whether the event the last moor_resp_next() call returned completed a
 * whole top-level value, that is a reply (or a push): 0 if not (also after
 * a call that returned no event, and after an attribute that precedes a
 * top-level value), else the value's type byte, e.g. MOOR_RESP_PUSH for
 * out-of-band data the client must not match to a command. The event also
 * carries MOOR_RESP_F_DONE.
 */
int moor_resp_reply_done(const moor_resp_decoder *d);

/*
 * 1 if the decoder is between top-level values (nothing half-read: no
 * open aggregate, string or attribute), else 0. A connection that ends
 * when this is 0 ended in the middle of a reply.
 */
int moor_resp_decoder_idle(const moor_resp_decoder *d);

/*
 * Size of the encoded command: argc arguments argv[i] of argvlen[i] bytes
 * each (binary safe), or, if argvlen is NULL, NUL-terminated strings.
 * Returns MOOR_OK and sets *size, MOOR_ERR_INVALID_ARG (size or argv NULL,
 * argc 0, an argument NULL), or MOOR_ERR_RESP_TOO_LARGE (an argument
 * longer than MOOR_CONFIG_RESP_MAX_BULK, argc above
 * MOOR_CONFIG_RESP_MAX_COUNT, or a size that does not fit in size_t).
 */
int moor_resp_command_size(size_t argc, const char *const *argv,
	const size_t *argvlen, size_t *size);

/*
 * Encode a command as an array of bulk strings into out[0..cap): see
 * moor_resp_command_size() for argc/argv/argvlen. Sets *len to the encoded
 * size. Returns MOOR_OK, or MOOR_ERR_BUFFER_TOO_SMALL with *len set to the
 * size needed and nothing written (out may be NULL with cap 0 for a size
 * query), or the errors of moor_resp_command_size(), or
 * MOOR_ERR_INVALID_ARG when len is NULL or out is NULL with cap > 0.
 */
int moor_resp_write_command(size_t argc, const char *const *argv,
	const size_t *argvlen, uint8_t *out, size_t cap, size_t *len);

/*
 * The header of an array of `count` elements ("*<count>\r\n") or of a bulk
 * string of `size` bytes ("$<size>\r\n"), for commands whose arguments are
 * streamed from elsewhere: after a bulk header send exactly `size` bytes
 * and "\r\n". Same buffer contract as moor_resp_write_command(); at most
 * 13 bytes. MOOR_ERR_RESP_TOO_LARGE above MOOR_CONFIG_RESP_MAX_COUNT /
 * MOOR_CONFIG_RESP_MAX_BULK; an array needs at least one element.
 */
int moor_resp_write_array_header(size_t count, uint8_t *out, size_t cap, size_t *len);
int moor_resp_write_bulk_header(size_t size, uint8_t *out, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
