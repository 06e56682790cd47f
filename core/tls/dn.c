/*
 * moor: format a DER X.500 Name for people.
 *
 * Name ::= SEQUENCE OF RelativeDistinguishedName
 * RelativeDistinguishedName ::= SET OF SEQUENCE { type OID, value ANY }
 *
 * Attributes come out in the order they are encoded, ", " between RDNs and
 * "+" between the attributes of a multi-valued RDN. Known types get their
 * short name, others their dotted OID. Values are not escaped; control
 * characters, invalid UTF-8 and characters a legacy string type cannot
 * hold in ASCII become '?'. A value of a type that is not a string is
 * shown as '#' and the hex of its whole encoding (as RFC 4514 does).
 *
 * The walk is iterative (the structure has a fixed depth of four), every
 * length is checked against its parent before use, and the output never
 * overruns: once something does not fit, nothing more is written, so the
 * partial result ends on a whole character.
 */
#include <limits.h>
#include <string.h>

#include "moor/x509.h"
#include "moor/status.h"
#include "internal.h"

#define TAG_OID         0x06
#define TAG_UTF8        0x0C
#define TAG_NUMERIC     0x12
#define TAG_PRINTABLE   0x13
#define TAG_T61         0x14
#define TAG_IA5         0x16
#define TAG_VISIBLE     0x1A
#define TAG_UNIVERSAL   0x1C
#define TAG_BMP         0x1E
#define TAG_SEQUENCE    0x30
#define TAG_SET         0x31

struct known_oid {
	const char *name;
	uint8_t len;
	uint8_t oid[10];
};

/* DER contents of the attribute type OIDs that have a short name. */
static const struct known_oid known_oids[] = {
	{ "CN", 3, { 0x55, 0x04, 0x03 } },                 /* 2.5.4.3 */
	{ "C", 3, { 0x55, 0x04, 0x06 } },                  /* 2.5.4.6 */
	{ "O", 3, { 0x55, 0x04, 0x0A } },                  /* 2.5.4.10 */
	{ "OU", 3, { 0x55, 0x04, 0x0B } },                 /* 2.5.4.11 */
	{ "L", 3, { 0x55, 0x04, 0x07 } },                  /* 2.5.4.7 */
	{ "ST", 3, { 0x55, 0x04, 0x08 } },                 /* 2.5.4.8 */
	{ "serialNumber", 3, { 0x55, 0x04, 0x05 } },       /* 2.5.4.5 */
	{ "emailAddress", 9,                               /* 1.2.840.113549.1.9.1 */
	  { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01 } },
	{ "DC", 10,                                        /* 0.9.2342.19200300.100.1.25 */
	  { 0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19 } },
};

/* Bounded output. */
struct out {
	char *buf;
	size_t cap, n;
	int trunc;
};

/* Append n bytes, all or nothing; after the first miss, nothing more. */
static void put(struct out *o, const char *s, size_t n)
{
	if (o->trunc)
		return;
	if (o->cap == 0 || n > o->cap - 1 - o->n) {
		o->trunc = 1;
		return;
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

static void put_char(struct out *o, char c)
{
	put(o, &c, 1);
}

/* An ASCII code point, or '?' for controls and anything beyond ASCII. */
static char ascii_or_q(uint32_t c)
{
	return (c >= 0x20 && c < 0x7F) ? (char)c : '?';
}

static void put_u64(struct out *o, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v != 0 && i > 0);
	put(o, tmp + i, sizeof(tmp) - i);
}

/* Check an OID's contents and print it dotted. Arcs up to 64 bits. */
static int put_oid(struct out *o, const uint8_t *p, size_t len)
{
	uint64_t arc = 0;
	size_t i;
	int first = 1;

	if (len == 0 || (p[len - 1] & 0x80))
		return 0;
	for (i = 0; i < len; i++) {
		if (arc == 0 && p[i] == 0x80)
			return 0; /* arc with a non-minimal leading byte */
		if (arc > (UINT64_MAX >> 7))
			return 0;
		arc = (arc << 7) | (p[i] & 0x7F);
		if (p[i] & 0x80)
			continue;
		if (first) {
			uint64_t top = arc < 40 ? 0 : arc < 80 ? 1 : 2;

			put_u64(o, top);
			put_char(o, '.');
			put_u64(o, arc - 40 * top);
			first = 0;
		} else {
			put_char(o, '.');
			put_u64(o, arc);
		}
		arc = 0;
	}
	return 1;
}

/* Print a UTF8String: valid, non-control sequences as they are. */
static void put_utf8(struct out *o, const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t b = p[i];
		size_t n, k;
		uint32_t cp, min;

		if (b < 0x80) {
			put_char(o, ascii_or_q(b));
			i++;
			continue;
		}
		if (b >= 0xC2 && b <= 0xDF) {
			n = 2; cp = b & 0x1F; min = 0x80;
		} else if (b >= 0xE0 && b <= 0xEF) {
			n = 3; cp = b & 0x0F; min = 0x800;
		} else if (b >= 0xF0 && b <= 0xF4) {
			n = 4; cp = b & 0x07; min = 0x10000;
		} else {
			put_char(o, '?');
			i++;
			continue;
		}
		if (len - i < n) {
			put_char(o, '?');
			i++;
			continue;
		}
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				break;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if (k < n || cp < min || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0xA0) {
			/* Bad sequence, overlong, surrogate or C1 control. */
			put_char(o, '?');
			i++;
			continue;
		}
		put(o, (const char *)p + i, n);
		i += n;
	}
}

/* Print a value; `tlv` is its whole encoding, `p`/`len` its contents. */
static int put_value(struct out *o, uint8_t tag, const uint8_t *tlv,
	size_t tlv_len, const uint8_t *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	switch (tag) {
	case TAG_UTF8:
		put_utf8(o, p, len);
		break;
	case TAG_NUMERIC:
	case TAG_PRINTABLE:
	case TAG_T61:
	case TAG_IA5:
	case TAG_VISIBLE:
		for (i = 0; i < len; i++)
			put_char(o, ascii_or_q(p[i]));
		break;
	case TAG_BMP:
		if (len % 2 != 0)
			return 0;
		for (i = 0; i < len; i += 2)
			put_char(o, ascii_or_q(((uint32_t)p[i] << 8) | p[i + 1]));
		break;
	case TAG_UNIVERSAL:
		if (len % 4 != 0)
			return 0;
		for (i = 0; i < len; i += 4)
			put_char(o, ascii_or_q(((uint32_t)p[i] << 24) |
				((uint32_t)p[i + 1] << 16) |
				((uint32_t)p[i + 2] << 8) | p[i + 3]));
		break;
	default:
		put_char(o, '#');
		for (i = 0; i < tlv_len; i++) {
			char h[2];

			h[0] = hex[tlv[i] >> 4];
			h[1] = hex[tlv[i] & 0x0F];
			put(o, h, 2);
		}
		break;
	}
	return 1;
}

/* Print the attribute type: a short name or the dotted OID. */
static int put_type(struct out *o, const uint8_t *oid, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(known_oids) / sizeof(known_oids[0]); i++) {
		if (known_oids[i].len == len &&
		    memcmp(known_oids[i].oid, oid, len) == 0) {
			put(o, known_oids[i].name, strlen(known_oids[i].name));
			return 1;
		}
	}
	return put_oid(o, oid, len);
}

int moor_dn_format(const uint8_t *dn, size_t dn_len, char *out, size_t out_cap)
{
	struct out o;
	size_t off = 0, len, end, set_end, seq_end;
	uint8_t tag;
	int first = 1, ok = 0;

	if (dn == NULL || (out == NULL && out_cap > 0))
		return MOOR_ERR_INVALID_ARG;
	o.buf = out;
	o.cap = out_cap;
	o.n = 0;
	o.trunc = 0;

	if (!moor_der_header(dn, dn_len, &off, &tag, &len) || tag != TAG_SEQUENCE ||
	    off + len != dn_len)
		goto done;
	end = dn_len;
	while (off < end) {
		int first_in_set = 1;

		if (!moor_der_header(dn, end, &off, &tag, &len) || tag != TAG_SET || len == 0)
			goto done;
		set_end = off + len;
		while (off < set_end) {
			size_t oid_off, oid_len, val_start, val_off, val_len;
			uint8_t vtag;

			if (!moor_der_header(dn, set_end, &off, &tag, &len) ||
			    tag != TAG_SEQUENCE)
				goto done;
			seq_end = off + len;
			if (!moor_der_header(dn, seq_end, &off, &tag, &oid_len) ||
			    tag != TAG_OID)
				goto done;
			oid_off = off;
			off += oid_len;
			val_start = off;
			if (!moor_der_header(dn, seq_end, &off, &vtag, &val_len))
				goto done;
			val_off = off;
			off += val_len;
			if (off != seq_end)
				goto done; /* more than type and value */

			if (!first)
				put(&o, first_in_set ? ", " : "+", first_in_set ? 2 : 1);
			first = 0;
			first_in_set = 0;
			if (!put_type(&o, dn + oid_off, oid_len))
				goto done;
			put_char(&o, '=');
			if (!put_value(&o, vtag, dn + val_start, off - val_start,
				dn + val_off, val_len))
				goto done;
		}
	}
	ok = 1;

done:
	if (!ok) {
		if (out_cap > 0)
			out[0] = '\0';
		return MOOR_ERR_BAD_CERT;
	}
	if (out_cap > 0)
		out[o.n] = '\0';
	if (o.trunc || o.n > (size_t)INT_MAX)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	return (int)o.n;
}
