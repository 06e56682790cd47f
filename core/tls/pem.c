/*
 * moor: strict PEM decoding (RFC 7468 textual encoding).
 *
 * One pass over the text, no allocation, no table larger than the code
 * that would compute it. The rules:
 *   - an object starts at a line whose first non-blank characters are
 *     "-----BEGIN LABEL-----" and ends at "-----END LABEL-----" with the
 *     same label; only blanks may follow either marker on its line;
 *   - text between objects (openssl's "subject=" lines, comments) is
 *     ignored; text inside an object must be base64: A-Z a-z 0-9 + / with
 *     '=' padding at the very end, blanks and CR/LF anywhere. Anything else
 *     (RFC 1421 headers of encrypted keys included) is MOOR_ERR_PEM;
 *   - the base64 must end on a whole quantum (padded), and an object must
 *     hold at least one byte.
 */
#include <string.h>

#include "moor/x509.h"
#include "moor/status.h"

#define PEM_DASHES     "-----"
#define PEM_DASHES_LEN 5u
#define PEM_BEGIN      "-----BEGIN "
#define PEM_BEGIN_LEN  11u
#define PEM_END        "-----END "
#define PEM_END_LEN    9u

/* Blanks allowed inside a line: space, tab, CR (so CRLF text works). */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Does `lit` (of length n) start at pem[i]? Bounded by len. */
static int has_at(const char *pem, size_t len, size_t i, const char *lit, size_t n)
{
	return i <= len && len - i >= n && memcmp(pem + i, lit, n) == 0;
}

/* Index of the first non-blank character of the line starting at i. A
 * UTF-8 byte order mark at the very start of the text counts as blank. */
static size_t skip_blanks(const char *pem, size_t len, size_t i)
{
	if (i == 0 && has_at(pem, len, 0, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && is_blank(pem[i]))
		i++;
	return i;
}

/* Index just past the end of the line containing i (past its '\n', or len). */
static size_t next_line(const char *pem, size_t len, size_t i)
{
	while (i < len && pem[i] != '\n')
		i++;
	return i < len ? i + 1 : len;
}

/* True if only blanks remain on the line from i; *next gets the index of
 * the following line. */
static int rest_blank(const char *pem, size_t len, size_t i, size_t *next)
{
	while (i < len && pem[i] != '\n') {
		if (!is_blank(pem[i]))
			return 0;
		i++;
	}
	*next = i < len ? i + 1 : len;
	return 1;
}

/* Value of a base64 character, or -1. */
static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Find the next BEGIN line at or after line start `i`. Returns the index
 * of its "-----BEGIN " or len if there is none. */
static size_t find_begin(const char *pem, size_t len, size_t i)
{
	while (i < len) {
		size_t s = skip_blanks(pem, len, i);

		if (has_at(pem, len, s, PEM_BEGIN, PEM_BEGIN_LEN))
			return s;
		i = next_line(pem, len, s);
	}
	return len;
}

/* Base64 decoder state for one object. */
struct b64 {
	uint32_t acc;   /* pending sextets */
	unsigned q;     /* sextets in acc (0..3) */
	int pad;        /* 1: one '=' seen after two sextets, one more due */
	int done;       /* padding complete: nothing but blanks may follow */
	uint8_t *out;
	size_t cap, n;
};

static int b64_emit(struct b64 *b, uint8_t v)
{
	if (b->n >= b->cap)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	b->out[b->n++] = v;
	return MOOR_OK;
}

/* Feed one non-blank character of the body. */
static int b64_feed(struct b64 *b, char c)
{
	int v = b64_value(c);
	int rc = MOOR_OK;

	if (v >= 0) {
		if (b->pad || b->done)
			return MOOR_ERR_PEM;
		b->acc = (b->acc << 6) | (uint32_t)v;
		if (++b->q == 4) {
			rc = b64_emit(b, (uint8_t)(b->acc >> 16));
			if (rc == MOOR_OK)
				rc = b64_emit(b, (uint8_t)(b->acc >> 8));
			if (rc == MOOR_OK)
				rc = b64_emit(b, (uint8_t)b->acc);
			b->acc = 0;
			b->q = 0;
		}
	} else if (c == '=') {
		if (b->done)
			return MOOR_ERR_PEM;
		if (b->pad) {
			/* "xx==": 12 bits, one byte. */
			rc = b64_emit(b, (uint8_t)(b->acc >> 4));
			b->pad = 0;
			b->done = 1;
		} else if (b->q == 3) {
			/* "xxx=": 18 bits, two bytes. */
			rc = b64_emit(b, (uint8_t)(b->acc >> 10));
			if (rc == MOOR_OK)
				rc = b64_emit(b, (uint8_t)(b->acc >> 2));
			b->done = 1;
		} else if (b->q == 2) {
			b->pad = 1;
		} else {
			return MOOR_ERR_PEM;
		}
		if (b->done) {
			b->acc = 0;
			b->q = 0;
		}
	} else {
		rc = MOOR_ERR_PEM;
	}
	return rc;
}

int moor_pem_next(const char *pem, size_t pem_len, size_t *pos,
	char *label, size_t label_cap, uint8_t *der, size_t der_cap,
	size_t *der_len)
{
	size_t i, lab, lab_len, k;
	struct b64 b;
	int rc;

	if (pem == NULL || pos == NULL || der_len == NULL || *pos > pem_len ||
	    (label == NULL && label_cap > 0) || (der == NULL && der_cap > 0))
		return MOOR_ERR_INVALID_ARG;

	i = find_begin(pem, pem_len, *pos);
	if (i >= pem_len)
		return 1;

	/* BEGIN line: the label runs to the next "-----" on the same line. */
	lab = i + PEM_BEGIN_LEN;
	k = lab;
	while (k < pem_len && pem[k] != '\n' &&
	       !has_at(pem, pem_len, k, PEM_DASHES, PEM_DASHES_LEN)) {
		if ((unsigned char)pem[k] < 0x20 || (unsigned char)pem[k] > 0x7e)
			return MOOR_ERR_PEM;
		k++;
	}
	if (!has_at(pem, pem_len, k, PEM_DASHES, PEM_DASHES_LEN))
		return MOOR_ERR_PEM;
	lab_len = k - lab;
	if (!rest_blank(pem, pem_len, k + PEM_DASHES_LEN, &i))
		return MOOR_ERR_PEM;
	if (label_cap > 0) {
		size_t n = lab_len < label_cap - 1 ? lab_len : label_cap - 1;

		memcpy(label, pem + lab, n);
		label[n] = '\0';
	}

	memset(&b, 0, sizeof(b));
	b.out = der;
	b.cap = der_cap;

	/* Body, line by line, until the END line. */
	for (;;) {
		if (i >= pem_len)
			return MOOR_ERR_PEM; /* no END line: truncated */
		i = skip_blanks(pem, pem_len, i);
		if (has_at(pem, pem_len, i, PEM_END, PEM_END_LEN))
			break;
		while (i < pem_len && pem[i] != '\n') {
			if (!is_blank(pem[i])) {
				rc = b64_feed(&b, pem[i]);
				if (rc != MOOR_OK)
					return rc;
			}
			i++;
		}
		if (i < pem_len)
			i++; /* the '\n' */
	}

	/* END line: same label, then only blanks. */
	i += PEM_END_LEN;
	if (!has_at(pem, pem_len, i, pem + lab, lab_len) ||
	    !has_at(pem, pem_len, i + lab_len, PEM_DASHES, PEM_DASHES_LEN) ||
	    !rest_blank(pem, pem_len, i + lab_len + PEM_DASHES_LEN, &i))
		return MOOR_ERR_PEM;
	if (b.q != 0 || b.pad || b.n == 0)
		return MOOR_ERR_PEM; /* partial quantum, or nothing inside */

	*der_len = b.n;
	*pos = i;
	return MOOR_OK;
}

int moor_is_pem(const uint8_t *data, size_t len)
{
	const char *p = (const char *)data;

	/* A DER certificate or key always starts with a SEQUENCE tag. */
	if (data == NULL || len == 0 || data[0] == 0x30)
		return 0;
	return find_begin(p, len, 0) < len;
}
