/* Internal helpers of core/tls (not part of the public API). */
#ifndef MOOR_TLS_INTERNAL_H
#define MOOR_TLS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read a DER tag and length at *off, bounded by `end`. On success returns
 * 1, *off points at the contents and *len is their length, known to end at
 * or before `end`. Only single-byte tags and definite lengths of up to 4
 * bytes are accepted; anything else returns 0.
 */
int moor_der_header(const uint8_t *d, size_t end, size_t *off, uint8_t *tag,
	size_t *len);

/* Copy `len` bytes to work[*used] and advance *used. Returns where they
 * went, or NULL if they do not fit. */
uint8_t *moor_put_bytes(uint8_t *work, size_t work_len, size_t *used,
	const void *src, size_t len);

#endif
