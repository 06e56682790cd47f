/* Small DER and buffer helpers shared by the certificate codecs. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

int moor_der_header(const uint8_t *d, size_t end, size_t *off, uint8_t *tag,
	size_t *len)
{
	size_t i = *off;
	size_t l;

	if (i >= end || end - i < 2)
		return 0;
	*tag = d[i++];
	if ((*tag & 0x1F) == 0x1F)
		return 0;
	l = d[i++];
	if (l & 0x80) {
		size_t nb = l & 0x7F;

		if (nb == 0 || nb > 4 || end - i < nb)
			return 0;
		l = 0;
		while (nb-- > 0) {
			if (l > (SIZE_MAX >> 8))
				return 0;
			l = (l << 8) | d[i++];
		}
	}
	if (l > end - i)
		return 0;
	*off = i;
	*len = l;
	return 1;
}

uint8_t *moor_put_bytes(uint8_t *work, size_t work_len, size_t *used,
	const void *src, size_t len)
{
	uint8_t *dst;

	if (*used > work_len || len > work_len - *used)
		return NULL;
	dst = work + *used;
	if (len > 0)
		memcpy(dst, src, len);
	*used += len;
	return dst;
}
