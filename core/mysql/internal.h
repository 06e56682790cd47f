/* Internal helpers of core/mysql (not part of the public API). */
#ifndef MOOR_MYSQL_INTERNAL_H
#define MOOR_MYSQL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * The packet writer. Encoders describe a payload as a sequence of put
 * calls; the writer lays it out as packets (a 4-byte header slot before
 * every 16 MiB - 1 bytes of payload, and an empty packet after a payload
 * that is an exact multiple of that), and fills in the headers at the end.
 * An encoder runs twice: first with out == NULL (counting only), then, if
 * the size fits, for real. So nothing is written when it does not fit.
 */
typedef struct mysql_wr {
	uint8_t *out;        /* NULL: count only */
	size_t pos;          /* bytes laid out so far, headers included */
	size_t plen;         /* payload bytes so far */
	uint32_t room;       /* payload bytes the current packet still takes */
	int overflow;        /* the size does not fit in size_t */
} mysql_wr;

void moor_mysql_wr_init(mysql_wr *w, uint8_t *out);
void moor_mysql_wr_put(mysql_wr *w, const void *src, size_t n);
void moor_mysql_wr_u8(mysql_wr *w, uint8_t v);
void moor_mysql_wr_le(mysql_wr *w, uint64_t v, unsigned bytes);
void moor_mysql_wr_zero(mysql_wr *w, size_t n);
void moor_mysql_wr_lenenc(mysql_wr *w, uint64_t v);
void moor_mysql_wr_lenenc_str(mysql_wr *w, const void *s, size_t n);

/* Close the layout: returns the total size (headers included), or 0 on
 * overflow. With out != NULL, writes the headers, ids from seq on, and
 * returns in *packets how many were laid out. */
size_t moor_mysql_wr_finish(mysql_wr *w, uint8_t seq, unsigned *packets);

/*
 * Run an encoder: `emit` lays the payload out on a writer; called once to
 * count, once to write. Implements the buffer contract of every encoder
 * (moor/mysql_proto.h): MOOR_OK with *len and *seq advanced, or
 * MOOR_ERR_BUFFER_TOO_SMALL with *len the size needed and nothing
 * written, or MOOR_ERR_MYSQL_TOO_LARGE when the size overflows size_t.
 */
typedef void (*mysql_emit)(mysql_wr *w, const void *ctx);
int moor_mysql_wr_run(mysql_emit emit, const void *ctx, uint8_t *seq,
	uint8_t *out, size_t cap, size_t *len);

/* Little-endian loads. */
uint32_t moor_mysql_le16(const uint8_t *p);
uint32_t moor_mysql_le32(const uint8_t *p);
uint64_t moor_mysql_le64(const uint8_t *p);

/* Binary-protocol layout of a column or parameter type: one table for the
 * parameter encoder (COM_STMT_EXECUTE) and the binary row decoder, so
 * they cannot disagree. */
enum {
	BV_BAD = 0, BV_1, BV_2, BV_4, BV_8, BV_FLOAT, BV_DOUBLE, BV_DATE,
	BV_TIME, BV_STR, BV_NULL
};
int moor_mysql_bin_layout(uint8_t type);

/* Zero memory in a way the compiler keeps. */
void moor_mysql_wipe(void *p, size_t n);

#endif
