/* moor_pem_next / moor_is_pem: table-driven, plus the fixture bundle. */
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"
#include "fixtures.h"
#include "testlib.h"

#define BX(l) "-----BEGIN " l "-----\n"
#define EX(l) "-----END " l "-----\n"

struct pem_case {
	const char *name;
	const char *text;
	size_t der_cap;      /* 0: 64 */
	int rc;
	const char *label;   /* when rc == MOOR_OK */
	const char *der;     /* when rc == MOOR_OK */
};

static const struct pem_case cases[] = {
	{ "single", BX("X") "TW9vcg==\n" EX("X"), 0, MOOR_OK, "X", "Moor" },
	{ "one pad", BX("X") "TW9vcnM=\n" EX("X"), 0, MOOR_OK, "X", "Moors" },
	{ "no pad", BX("X") "TW9vcnMh\n" EX("X"), 0, MOOR_OK, "X", "Moors!" },
	{ "multi line", BX("CERTIFICATE") "TW9v\ncnMh\nTW9v\ncg==\n" EX("CERTIFICATE"),
	  0, MOOR_OK, "CERTIFICATE", "Moors!Moor" },
	{ "crlf", "-----BEGIN A B-----\r\nTW9v\r\ncnMh\r\n-----END A B-----\r\n",
	  0, MOOR_OK, "A B", "Moors!" },
	{ "blanks", "  \t-----BEGIN X-----  \n  TW 9v\tcg = = \n\n \t-----END X----- \t",
	  0, MOOR_OK, "X", "Moor" },
	{ "text before", "subject=CN=x\n# comment -----BEGIN Y-----\n" BX("X")
	  "TW9vcg==\n" EX("X"), 0, MOOR_OK, "X", "Moor" },
	{ "no final newline", BX("X") "TW9vcg==\n-----END X-----", 0, MOOR_OK, "X", "Moor" },
	{ "label with dash", BX("A-B") "TW9vcg==\n" EX("A-B"), 0, MOOR_OK, "A-B", "Moor" },
	{ "bom", "\xEF\xBB\xBF" BX("X") "TW9vcg==\n" EX("X"), 0, MOOR_OK, "X", "Moor" },
	{ "exact buffer", BX("X") "TW9vcg==\n" EX("X"), 4, MOOR_OK, "X", "Moor" },

	{ "empty input", "", 0, 1, NULL, NULL },
	{ "no begin", "hello\nworld\n", 0, 1, NULL, NULL },
	{ "begin not at line start", "x-----BEGIN X-----\nTW9vcg==\n" EX("X"), 0, 1, NULL, NULL },

	{ "bad char", BX("X") "TW9v*g==\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "nul char", BX("X") "TW9v\0cg==\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "utf8 char", BX("X") "TW9v\xC3\xA9g==\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "truncated", BX("X") "TW9vcg==\n", 0, MOOR_ERR_PEM, NULL, NULL },
	{ "truncated in begin", "-----BEGIN X---", 0, MOOR_ERR_PEM, NULL, NULL },
	{ "begin only", "-----BEGIN X-----", 0, MOOR_ERR_PEM, NULL, NULL },
	{ "truncated end", BX("X") "TW9vcg==\n-----END X---", 0, MOOR_ERR_PEM, NULL, NULL },
	{ "label mismatch", BX("X") "TW9vcg==\n" EX("Y"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "label prefix", BX("X") "TW9vcg==\n" EX("XY"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "label longer", BX("XY") "TW9vcg==\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "junk after begin", "-----BEGIN X-----junk\nTW9vcg==\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "junk after end", BX("X") "TW9vcg==\n-----END X-----junk\n", 0, MOOR_ERR_PEM, NULL, NULL },
	{ "encrypted headers", BX("RSA PRIVATE KEY") "Proc-Type: 4,ENCRYPTED\n\nTW9vcg==\n"
	  EX("RSA PRIVATE KEY"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "nested begin", BX("X") "TW9vcg==\n" BX("Y") "TW9vcg==\n" EX("Y") EX("X"), 0,
	  MOOR_ERR_PEM, NULL, NULL },
	{ "unpadded 2", BX("X") "TW9vcg\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "unpadded 3", BX("X") "TW9vcnM\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "one sextet", BX("X") "TW9vc\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "half padding", BX("X") "TW9vcg=\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "three pads", BX("X") "TW9vc===\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "pad first", BX("X") "====\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "data after pad", BX("X") "TW9vcg==TW9v\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "pad after pad", BX("X") "TW9vcnM==\n" EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "empty body", BX("X") EX("X"), 0, MOOR_ERR_PEM, NULL, NULL },
	{ "label control char", "-----BEGIN X\x01-----\nTW9vcg==\n-----END X\x01-----\n", 0,
	  MOOR_ERR_PEM, NULL, NULL },

	{ "small buffer", BX("X") "TW9vcg==\n" EX("X"), 3, MOOR_ERR_BUFFER_TOO_SMALL, NULL, NULL },
	{ "small buffer 1", BX("X") "TW9vcnMh\n" EX("X"), 1, MOOR_ERR_BUFFER_TOO_SMALL, NULL, NULL },
	{ "small buffer pad", BX("X") "TW9vcnM=\n" EX("X"), 4, MOOR_ERR_BUFFER_TOO_SMALL, NULL, NULL },
};

static void run_case(const struct pem_case *c)
{
	/* The text without a NUL after it, so an overread is an ASan error. */
	static char text[512];
	char label[32];
	uint8_t der[64];
	size_t len = strlen(c->text), pos = 0, der_len = 777;
	size_t cap = c->der_cap ? c->der_cap : sizeof(der);
	char *t = text + sizeof(text) - len;
	int rc;

	if (strcmp(c->name, "nul char") == 0)
		len = strlen(BX("X") "TW9v") + 1 + strlen("cg==\n" EX("X"));
	t = text + sizeof(text) - len;
	memcpy(t, c->text, len);
	memset(label, 'z', sizeof(label));
	rc = moor_pem_next(t, len, &pos, label, sizeof(label), der, cap, &der_len);
	moor_test_checks++;
	if (rc != c->rc) {
		moor_test_fail_int(__FILE__, __LINE__, c->name, rc, c->rc);
		return;
	}
	if (rc == MOOR_OK) {
		MOOR_CHECK_STR(label, c->label);
		MOOR_CHECK_INT(der_len, strlen(c->der));
		MOOR_CHECK(der_len == strlen(c->der) && memcmp(der, c->der, der_len) == 0);
		MOOR_CHECK_INT(pos, len); /* every case holds one object */
		/* Nothing further. */
		MOOR_CHECK_INT(moor_pem_next(t, len, &pos, label, sizeof(label), der,
			cap, &der_len), 1);
	} else {
		MOOR_CHECK_INT(pos, 0); /* not advanced on failure */
	}
}

static void test_bundle(void)
{
	static uint8_t der[2048];
	const unsigned char *want[3] = { fx_anchor0_der, fx_anchor1_der, fx_anchor2_der };
	size_t want_len[3] = { sizeof(fx_anchor0_der), sizeof(fx_anchor1_der),
		sizeof(fx_anchor2_der) };
	size_t len = strlen(fx_bundle_pem), pos = 0, der_len, prev = 0;
	char label[16];
	int i;

	for (i = 0; i < 3; i++) {
		MOOR_CHECK_INT(moor_pem_next(fx_bundle_pem, len, &pos, label,
			sizeof(label), der, sizeof(der), &der_len), MOOR_OK);
		MOOR_CHECK_STR(label, "CERTIFICATE");
		MOOR_CHECK_INT(der_len, want_len[i]);
		MOOR_CHECK(der_len == want_len[i] && memcmp(der, want[i], der_len) == 0);
		MOOR_CHECK(pos > prev);
		prev = pos;
	}
	MOOR_CHECK_INT(moor_pem_next(fx_bundle_pem, len, &pos, label, sizeof(label),
		der, sizeof(der), &der_len), 1);

	/* One byte short for the first certificate. */
	pos = 0;
	MOOR_CHECK_INT(moor_pem_next(fx_bundle_pem, len, &pos, label, sizeof(label),
		der, want_len[0] - 1, &der_len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(pos, 0);
	/* Label truncated to label_cap - 1; no label buffer at all is fine. */
	MOOR_CHECK_INT(moor_pem_next(fx_bundle_pem, len, &pos, label, 5,
		der, sizeof(der), &der_len), MOOR_OK);
	MOOR_CHECK_STR(label, "CERT");
	pos = 0;
	MOOR_CHECK_INT(moor_pem_next(fx_bundle_pem, len, &pos, NULL, 0,
		der, sizeof(der), &der_len), MOOR_OK);
	MOOR_CHECK_INT(der_len, want_len[0]);
}

static void test_two_objects(void)
{
	static const char two[] = "garbage\n" BX("A") "TW9vcg==\n" EX("A")
		"between\n" BX("B") "TW9vcnMh\n" EX("B") "trailing\n";
	uint8_t der[16];
	char label[8];
	size_t pos = 0, n = 0;

	MOOR_CHECK_INT(moor_pem_next(two, sizeof(two) - 1, &pos, label, sizeof(label),
		der, sizeof(der), &n), MOOR_OK);
	MOOR_CHECK_STR(label, "A");
	MOOR_CHECK_INT(pos, strlen("garbage\n" BX("A") "TW9vcg==\n" EX("A")));
	MOOR_CHECK_INT(moor_pem_next(two, sizeof(two) - 1, &pos, label, sizeof(label),
		der, sizeof(der), &n), MOOR_OK);
	MOOR_CHECK_STR(label, "B");
	MOOR_CHECK(n == 6 && memcmp(der, "Moors!", 6) == 0);
	MOOR_CHECK_INT(moor_pem_next(two, sizeof(two) - 1, &pos, label, sizeof(label),
		der, sizeof(der), &n), 1);
}

static void test_args(void)
{
	uint8_t der[8];
	char label[8];
	size_t pos = 0, n;

	MOOR_CHECK_INT(moor_pem_next(NULL, 0, &pos, label, 8, der, 8, &n), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_pem_next("x", 1, NULL, label, 8, der, 8, &n), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_pem_next("x", 1, &pos, label, 8, der, 8, NULL), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_pem_next("x", 1, &pos, NULL, 8, der, 8, &n), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_pem_next("x", 1, &pos, label, 8, NULL, 8, &n), MOOR_ERR_INVALID_ARG);
	pos = 2;
	MOOR_CHECK_INT(moor_pem_next("x", 1, &pos, label, 8, der, 8, &n), MOOR_ERR_INVALID_ARG);
	pos = 1;
	MOOR_CHECK_INT(moor_pem_next("x", 1, &pos, label, 8, der, 8, &n), 1);
}

static void test_is_pem(void)
{
	static const uint8_t der[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

	MOOR_CHECK(moor_is_pem((const uint8_t *)fx_bundle_pem, strlen(fx_bundle_pem)));
	MOOR_CHECK(moor_is_pem((const uint8_t *)fx_client_ec_sec1_pem,
		strlen(fx_client_ec_sec1_pem)));
	MOOR_CHECK(!moor_is_pem(fx_client_rsa_der, sizeof(fx_client_rsa_der)));
	MOOR_CHECK(!moor_is_pem(fx_client_ec_pkcs8_der, sizeof(fx_client_ec_pkcs8_der)));
	MOOR_CHECK(!moor_is_pem(der, sizeof(der)));
	MOOR_CHECK(!moor_is_pem((const uint8_t *)"", 0));
	MOOR_CHECK(!moor_is_pem(NULL, 10));
	MOOR_CHECK(!moor_is_pem((const uint8_t *)"hello world\n", 12));
	MOOR_CHECK(!moor_is_pem((const uint8_t *)"-----BEGIN", 10));
	MOOR_CHECK(moor_is_pem((const uint8_t *)"\r\n  -----BEGIN X", 16));
}

int main(void)
{
	size_t i;

	moor_test_heap_guard(1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_bundle();
	test_two_objects();
	test_args();
	test_is_pem();
	return moor_test_done();
}
