/*
 * moor: trust anchors from PEM text.
 *
 * Layout of `work`, filled from the front, one anchor after the other:
 *   [subject DN][key: RSA n, e or EC q][display name, NUL-terminated] ...
 * Everything is bytes, so no alignment is needed. While a certificate is
 * decoded, its DER sits temporarily at the very end of `work`: the PEM is
 * decoded into the free space, moved to the tail, and streamed through
 * br_x509_decoder, whose DN callback writes the subject into the free
 * space below it. Once the certificate is decoded the tail is free again.
 *
 * Stack: one br_x509_decoder_context (about 1.1 KiB on 32-bit targets)
 * plus about 400 bytes for building the display name: a 1.65 KiB frame on
 * Cortex-M4 at -Os (gcc -fstack-usage), about 1.8 KiB with the callees.
 */
#include <limits.h>
#include <string.h>

#include "moor/x509.h"
#include "moor/status.h"
#include "internal.h"

/* Longest display name kept, in bytes, without the NUL. */
#define ANCHOR_NAME_MAX 127u
/* Longest CN attribute (the whole SEQUENCE {OID, value}) that is named
 * from its CN alone; see cn_name(). */
#define CN_ATTR_MAX 252u

/* Zero memory in a way the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = (volatile uint8_t *)p;

	while (n-- > 0)
		*v++ = 0;
}

/* The subject DN as the decoder streams it, bounded. */
struct dn_sink {
	uint8_t *buf;
	size_t cap, len;
	int overflow;
};

static void dn_append(void *ctx, const void *data, size_t len)
{
	struct dn_sink *s = (struct dn_sink *)ctx;

	if (s->overflow)
		return;
	if (len > s->cap - s->len) {
		s->overflow = 1;
		return;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
}

/*
 * Find the last CN attribute of a DN. On success sets *attr / *attr_len to
 * its whole SEQUENCE {OID, value} encoding and returns 1.
 */
static int find_cn(const uint8_t *dn, size_t dn_len, size_t *attr, size_t *attr_len)
{
	static const uint8_t cn_oid[5] = { 0x06, 0x03, 0x55, 0x04, 0x03 };
	size_t off = 0, len, set_end;
	uint8_t tag;
	int found = 0;

	if (!moor_der_header(dn, dn_len, &off, &tag, &len) || tag != 0x30)
		return 0;
	while (off < dn_len) {
		if (!moor_der_header(dn, dn_len, &off, &tag, &len) || tag != 0x31)
			return 0;
		set_end = off + len;
		while (off < set_end) {
			size_t start = off;

			if (!moor_der_header(dn, set_end, &off, &tag, &len) || tag != 0x30)
				return 0;
			if (len >= sizeof(cn_oid) &&
			    memcmp(dn + off, cn_oid, sizeof(cn_oid)) == 0) {
				*attr = start;
				*attr_len = off + len - start;
				found = 1;
			}
			off += len;
		}
	}
	return found;
}

/*
 * The value of the CN attribute at dn[attr], formatted like moor_dn_format
 * does: wrap the attribute alone in a one-RDN Name and format that, then
 * drop the leading "CN=". Returns the name length, or 0 if unusable.
 */
static size_t cn_name(const uint8_t *attr, size_t attr_len, char *name, size_t cap)
{
	uint8_t tmp[6 + CN_ATTR_MAX];
	size_t h;
	int rc;

	if (attr_len <= 125) {
		tmp[0] = 0x30;
		tmp[1] = (uint8_t)(attr_len + 2);
		tmp[2] = 0x31;
		tmp[3] = (uint8_t)attr_len;
		h = 4;
	} else if (attr_len <= CN_ATTR_MAX) {
		tmp[0] = 0x30;
		tmp[1] = 0x81;
		tmp[2] = (uint8_t)(attr_len + 3);
		tmp[3] = 0x31;
		tmp[4] = 0x81;
		tmp[5] = (uint8_t)attr_len;
		h = 6;
	} else {
		return 0;
	}
	memcpy(tmp + h, attr, attr_len);
	rc = moor_dn_format(tmp, h + attr_len, name, cap);
	if (rc != MOOR_ERR_BUFFER_TOO_SMALL && rc < 0)
		return 0;
	h = strlen(name);
	if (h <= 3)
		return 0; /* empty CN */
	memmove(name, name + 3, h - 3 + 1);
	return h - 3;
}

/* Write "anchor N". */
static size_t index_name(size_t index, char *name)
{
	char digits[20];
	size_t n = 0, k = 0;

	memcpy(name, "anchor ", 7);
	do {
		digits[n++] = (char)('0' + (int)(index % 10));
		index /= 10;
	} while (index != 0 && n < sizeof(digits));
	while (n > 0)
		name[7 + k++] = digits[--n];
	name[7 + k] = '\0';
	return 7 + k;
}

/* Display name of an anchor: its CN, else its whole DN (truncated), else
 * "anchor N". `name` has room for ANCHOR_NAME_MAX + 4 bytes. */
static size_t anchor_name(const uint8_t *dn, size_t dn_len, size_t index, char *name)
{
	size_t attr = 0, attr_len = 0, n = 0;
	int rc;

	/* CN formatting writes "CN=" first, hence 3 more bytes. */
	if (find_cn(dn, dn_len, &attr, &attr_len))
		n = cn_name(dn + attr, attr_len, name, ANCHOR_NAME_MAX + 4);
	if (n == 0) {
		rc = moor_dn_format(dn, dn_len, name, ANCHOR_NAME_MAX + 1);
		if (rc == MOOR_ERR_BUFFER_TOO_SMALL || rc > 0)
			n = strlen(name);
	}
	if (n == 0)
		n = index_name(index, name);
	if (n > ANCHOR_NAME_MAX) {
		n = ANCHOR_NAME_MAX;
		name[n] = '\0';
	}
	return n;
}

static int is_cert_label(const char *label)
{
	return strcmp(label, "CERTIFICATE") == 0 ||
	       strcmp(label, "X509 CERTIFICATE") == 0;
}

int moor_anchors_from_pem(moor_anchors *out, br_x509_trust_anchor *ta_slots,
	const char **name_slots, size_t max, uint8_t *work, size_t work_len,
	const char *pem, size_t pem_len)
{
	br_x509_decoder_context dec;
	char label[24];
	char name[ANCHOR_NAME_MAX + 4];
	size_t pos = 0, used = 0, count = 0, der_len;
	int rc = MOOR_OK;

	if (out == NULL || pem == NULL || (ta_slots == NULL && max > 0) ||
	    work == NULL)
		return MOOR_ERR_INVALID_ARG;
	out->ta = ta_slots;
	out->names = name_slots;
	out->count = 0;

	for (;;) {
		br_x509_trust_anchor *ta;
		const br_x509_pkey *pk;
		struct dn_sink sink;
		uint8_t *der;

		rc = moor_pem_next(pem, pem_len, &pos, label, sizeof(label),
			work + used, work_len - used, &der_len);
		if (rc == 1) {
			rc = MOOR_OK;
			break;
		}
		if (rc != MOOR_OK)
			break;
		if (!is_cert_label(label)) {
			/* A key or a CRL in the same file: leave no copy. */
			wipe(work + used, der_len);
			continue;
		}
		if (count >= max || count >= (size_t)INT_MAX) {
			rc = MOOR_ERR_BUFFER_TOO_SMALL;
			break;
		}

		/* The DER to the tail; the subject DN goes below it. */
		der = work + work_len - der_len;
		memmove(der, work + used, der_len);
		sink.buf = work + used;
		sink.cap = work_len - der_len - used;
		sink.len = 0;
		sink.overflow = 0;
		br_x509_decoder_init(&dec, dn_append, &sink);
		br_x509_decoder_push(&dec, der, der_len);
		pk = br_x509_decoder_get_pkey(&dec);
		if (pk == NULL) {
			rc = MOOR_ERR_BAD_CERT;
			break;
		}
		if (sink.overflow) {
			rc = MOOR_ERR_BUFFER_TOO_SMALL;
			break;
		}

		ta = &ta_slots[count];
		memset(ta, 0, sizeof(*ta));
		ta->dn.data = sink.buf;
		ta->dn.len = sink.len;
		used += sink.len;
		ta->flags = br_x509_decoder_isCA(&dec) ? BR_X509_TA_CA : 0;
		ta->pkey.key_type = pk->key_type;
		rc = MOOR_ERR_BUFFER_TOO_SMALL;
		if (pk->key_type == BR_KEYTYPE_RSA) {
			ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
			ta->pkey.key.rsa.n = moor_put_bytes(work, work_len, &used,
				pk->key.rsa.n, pk->key.rsa.nlen);
			ta->pkey.key.rsa.elen = pk->key.rsa.elen;
			ta->pkey.key.rsa.e = moor_put_bytes(work, work_len, &used,
				pk->key.rsa.e, pk->key.rsa.elen);
			if (ta->pkey.key.rsa.n == NULL || ta->pkey.key.rsa.e == NULL)
				break;
		} else if (pk->key_type == BR_KEYTYPE_EC) {
			ta->pkey.key.ec.curve = pk->key.ec.curve;
			ta->pkey.key.ec.qlen = pk->key.ec.qlen;
			ta->pkey.key.ec.q = moor_put_bytes(work, work_len, &used,
				pk->key.ec.q, pk->key.ec.qlen);
			if (ta->pkey.key.ec.q == NULL)
				break;
		} else {
			rc = MOOR_ERR_BAD_CERT;
			break;
		}
		if (name_slots != NULL) {
			size_t n = anchor_name(ta->dn.data, ta->dn.len, count, name);

			name_slots[count] = (const char *)moor_put_bytes(work, work_len,
				&used, name, n + 1);
			if (name_slots[count] == NULL)
				break;
		}
		rc = MOOR_OK;
		count++;
	}

	if (rc == MOOR_OK && count == 0)
		rc = MOOR_ERR_PEM;
	if (rc != MOOR_OK)
		return rc;
	out->count = count;
	return (int)count;
}
