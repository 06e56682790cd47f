/* moor_dn_format: real DNs from the fixtures, hand-made DER edge cases,
 * and every truncation of the output buffer. */
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"
#include "fixtures.h"
#include "testlib.h"

/* Hex to bytes (spaces ignored). Returns the length. */
static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *h; h++) {
		int v;

		if (*h == ' ')
			continue;
		v = (*h >= '0' && *h <= '9') ? *h - '0' :
		    (*h >= 'a' && *h <= 'f') ? *h - 'a' + 10 :
		    (*h >= 'A' && *h <= 'F') ? *h - 'A' + 10 : -1;
		if (v < 0 || n >= cap)
			return 0;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

static const char want0[] = "C=US, O=Moor Test, CN=Moor Test Root RSA";
static const char want1[] = "DC=example, DC=com, C=DE, ST=Bayern, L=M\xC3\xBCnchen, "
	"O=Moor EC, OU=Roots, emailAddress=ca@example.com, CN=Moor Test Root EC";
static const char want2[] = "serialNumber=1234, 2.5.4.12=Engineer, "
	"1.3.6.1.4.1.311.60.2.1.3=US, O=Pinned, CN=localhost";

/* Hand-made Names. CN attribute = 30 L 06 03 550403 <value>. */
static const struct {
	const char *name;
	const char *hex;
	int rc;          /* >= 0: want that length and text */
	const char *text;
} cases[] = {
	{ "empty name", "3000", 0, "" },
	{ "printable", "300e 310c 300a 0603550403 1303 616263", 6, "CN=abc" },
	{ "control chars", "3010 310e 300c 0603550403 1305 61 01 62 7f 0a", 8, "CN=a?b??" },
	{ "high bytes in printable", "300d 310b 3009 0603550403 1302 61e9", 5, "CN=a?" },
	{ "t61", "300d 310b 3009 0603550403 1402 4142", 5, "CN=AB" },
	{ "ia5", "300d 310b 3009 0603550403 1602 4142", 5, "CN=AB" },
	{ "bmp", "300f 310d 300b 0603550403 1e04 0041 041f", 5, "CN=A?" },
	{ "bmp control", "300f 310d 300b 0603550403 1e04 0009 0042", 5, "CN=?B" },
	{ "universal", "3013 3111 300f 0603550403 1c08 00000041 0001f600", 5, "CN=A?" },
	{ "utf8 ok", "300e 310c 300a 0603550403 0c03 e282ac", 6, "CN=\xE2\x82\xAC" },
	{ "utf8 4 byte", "300f 310d 300b 0603550403 0c04 f09f9880", 7, "CN=\xF0\x9F\x98\x80" },
	{ "utf8 bad cont", "300d 310b 3009 0603550403 0c02 c328", 5, "CN=?(" },
	{ "utf8 truncated seq", "300d 310b 3009 0603550403 0c02 41e2", 5, "CN=A?" },
	{ "utf8 overlong", "300d 310b 3009 0603550403 0c02 c0af", 5, "CN=??" },
	{ "utf8 overlong 3", "300e 310c 300a 0603550403 0c03 e08080", 6, "CN=???" },
	{ "utf8 surrogate", "300e 310c 300a 0603550403 0c03 eda080", 6, "CN=???" },
	{ "utf8 c1 control", "300d 310b 3009 0603550403 0c02 c285", 5, "CN=??" },
	{ "utf8 beyond 10ffff", "300f 310d 300b 0603550403 0c04 f4908080", 7, "CN=????" },
	{ "utf8 control", "300d 310b 3009 0603550403 0c02 411b", 5, "CN=A?" },
	{ "integer value", "300c 310a 3008 0603550403 0201 05", 10, "CN=#020105" },
	{ "multi-valued rdn", "3019 3117 3009 0603550403 0c02 6162 300a 060355040a 0c03 78797a",
	  11, "CN=ab+O=xyz" },
	{ "two rdns", "301a 310b 3009 0603550406 1302 5553 310b 3009 0603550403 0c02 6162",
	  11, "C=US, CN=ab" },
	{ "unknown oid", "300f 310d 300b 0604 2a030405 0c03 61 62 63", 13, "1.2.3.4.5=abc" },
	{ "oid 2.999.1", "300e 310c 300a 0603 883701 0c03 61 62 63", 11, "2.999.1=abc" },
	{ "oid 0.9", "300b 3109 3007 0601 09 0c02 6162", 6, "0.9=ab" },
	{ "oid 64-bit arc", "3016 3114 3012 060b 2a 81ffffffffffffffff7f 0c03 616263",
	  28, "1.2.18446744073709551615=abc" },
	{ "long form lengths", "3081 0f 3181 0c 3081 09 0603550403 0c81 01 61", 4, "CN=a" },
	{ "known short names",
	  "308185"
	  "310a 3008 0603550403 0c01 61"        /* CN */
	  "310a 3008 0603550406 1301 62"        /* C */
	  "310a 3008 060355040a 0c01 63"        /* O */
	  "310a 3008 060355040b 0c01 64"        /* OU */
	  "310a 3008 0603550407 0c01 65"        /* L */
	  "310a 3008 0603550408 0c01 66"        /* ST */
	  "310a 3008 0603550405 1301 67"        /* serialNumber */
	  "3110 300e 06092a864886f70d010901 1601 68"        /* emailAddress */
	  "3111 300f 060a0992268993f22c640119 1601 69"      /* DC */
	  "310a 3008 060355040c 0c01 6a",       /* title: not known */
	  81, "CN=a, C=b, O=c, OU=d, L=e, ST=f, serialNumber=g, emailAddress=h, DC=i, 2.5.4.12=j" },

	{ "not a sequence", "3100", MOOR_ERR_BAD_CERT, NULL },
	{ "empty input", "", MOOR_ERR_BAD_CERT, NULL },
	{ "outer length too long", "3005 3100", MOOR_ERR_BAD_CERT, NULL },
	{ "trailing bytes", "3000 00", MOOR_ERR_BAD_CERT, NULL },
	{ "empty set", "3002 3100", MOOR_ERR_BAD_CERT, NULL },
	{ "rdn not a set", "3002 3000", MOOR_ERR_BAD_CERT, NULL },
	{ "attr not a sequence", "300b 3109 3107 0603550403 0c00", MOOR_ERR_BAD_CERT, NULL },
	{ "attr without value", "3009 3107 3005 0603550403", MOOR_ERR_BAD_CERT, NULL },
	{ "attr with 3 elements", "300d 310b 3009 0603550403 0c00 0c00", MOOR_ERR_BAD_CERT, NULL },
	{ "type not an oid", "300b 3109 3007 0403550403 0c00", MOOR_ERR_BAD_CERT, NULL },
	{ "empty oid", "3008 3106 3004 0600 0c00", MOOR_ERR_BAD_CERT, NULL },
	{ "oid ends mid arc", "300a 3108 3006 0602 2a81 0c00", MOOR_ERR_BAD_CERT, NULL },
	{ "oid non-minimal arc", "300b 3109 3007 0603 2a8001 0c00", MOOR_ERR_BAD_CERT, NULL },
	{ "oid arc over 64 bits", "3013 3111 300f 060b 2a 82ffffffffffffffff7f 0c00",
	  MOOR_ERR_BAD_CERT, NULL },
	{ "bmp odd length", "300c 310a 3008 0603550403 1e01 41", MOOR_ERR_BAD_CERT, NULL },
	{ "universal bad length", "300e 310c 300a 0603550403 1c03 000041", MOOR_ERR_BAD_CERT, NULL },
	{ "indefinite length", "3080 0000", MOOR_ERR_BAD_CERT, NULL },
	{ "5 length bytes", "3085 0000000000", MOOR_ERR_BAD_CERT, NULL },
	{ "value overruns attr", "300b 3109 3007 0603550403 0c05", MOOR_ERR_BAD_CERT, NULL },
	{ "high tag number", "300c 310a 3008 0603550403 1f0100", MOOR_ERR_BAD_CERT, NULL },
	{ "set overruns name", "3004 3110 3000", MOOR_ERR_BAD_CERT, NULL },
};

static void test_real(const uint8_t *dn, size_t dn_len, const char *want)
{
	char out[256];
	size_t wl = strlen(want), cap;

	memset(out, 'x', sizeof(out));
	MOOR_CHECK_INT(moor_dn_format(dn, dn_len, out, sizeof(out)), wl);
	MOOR_CHECK_STR(out, want);
	MOOR_CHECK_INT(moor_dn_format(dn, dn_len, out, wl + 1), wl);
	MOOR_CHECK_STR(out, want);

	/* Every shorter buffer: BUFFER_TOO_SMALL, a NUL-terminated prefix,
	 * never a split UTF-8 sequence, and nothing written past out_cap. */
	for (cap = 0; cap <= wl; cap++) {
		size_t n;

		memset(out, 'x', sizeof(out));
		MOOR_CHECK_INT(moor_dn_format(dn, dn_len, out, cap), MOOR_ERR_BUFFER_TOO_SMALL);
		MOOR_CHECK(out[cap] == 'x');
		if (cap == 0)
			continue;
		n = strlen(out);
		MOOR_CHECK(n < cap);
		MOOR_CHECK(memcmp(out, want, n) == 0);
		/* The next byte of `want` does not continue a sequence. */
		MOOR_CHECK(((unsigned char)want[n] & 0xC0) != 0x80);
	}
}

int main(void)
{
	uint8_t der[256];
	char out[128];
	size_t i, n;

	moor_test_heap_guard(1);
	test_real(fx_anchor0_dn, sizeof(fx_anchor0_dn), want0);
	test_real(fx_anchor1_dn, sizeof(fx_anchor1_dn), want1);
	test_real(fx_anchor2_dn, sizeof(fx_anchor2_dn), want2);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		n = unhex(cases[i].hex, der, sizeof(der));
		MOOR_CHECK(n > 0 || cases[i].hex[0] == '\0');
		memset(out, 'x', sizeof(out));
		rc = moor_dn_format(der, n, out, sizeof(out));
		moor_test_checks++;
		if (rc != cases[i].rc) {
			moor_test_fail_int(__FILE__, __LINE__, cases[i].name, rc, cases[i].rc);
			continue;
		}
		if (cases[i].text != NULL)
			MOOR_CHECK_STR(out, cases[i].text);
		else
			MOOR_CHECK_STR(out, "");
	}

	/* Malformed wins over too small: the walk goes on after truncation. */
	n = unhex("3012 310b 3009 0603550403 1302 6162 3103 3001 00", der, sizeof(der));
	MOOR_CHECK_INT(moor_dn_format(der, n, out, 4), MOOR_ERR_BAD_CERT);
	/* out_cap 0 with a non-empty name; NULL arguments. */
	MOOR_CHECK_INT(moor_dn_format(fx_anchor0_dn, sizeof(fx_anchor0_dn), NULL, 0),
		MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(moor_dn_format(NULL, 0, out, sizeof(out)), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_dn_format(fx_anchor0_dn, sizeof(fx_anchor0_dn), NULL, 5),
		MOOR_ERR_INVALID_ARG);
	return moor_test_done();
}
