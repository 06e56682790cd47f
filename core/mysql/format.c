/*
 * Output helpers for a MySQL command-line client: values escaped the way
 * `mariadb --batch` prints them. See moor/mysql_proto.h.
 */
#include "moor/mysql_proto.h"

/* The escape of byte c ("\0", "\t", "\n", "\\"), or 0 if printed as is. */
static char escape_of(uint8_t c)
{
	switch (c) {
	case 0:
		return '0';
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\\':
		return '\\';
	default:
		return 0;
	}
}

size_t moor_mysql_escape_batch(const uint8_t *in, size_t n, size_t *used,
	char *out, size_t cap)
{
	size_t i = 0, o = 0;

	if (in == NULL || out == NULL) {
		if (used != NULL)
			*used = 0;
		return 0;
	}
	for (; i < n; i++) {
		char e = escape_of(in[i]);

		if (e != 0) {
			if (cap - o < 2)
				break;
			out[o++] = '\\';
			out[o++] = e;
		} else {
			if (cap - o < 1)
				break;
			out[o++] = (char)in[i];
		}
	}
	if (used != NULL)
		*used = i;
	return o;
}

size_t moor_mysql_escape_batch_size(const uint8_t *in, size_t n)
{
	size_t i, o = 0;

	if (in == NULL)
		return 0;
	for (i = 0; i < n; i++)
		o += escape_of(in[i]) != 0 ? 2 : 1;
	return o;
}
