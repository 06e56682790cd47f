/* moor_ssl_mode_parse / moor_ssl_mode_name. */
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"
#include "testlib.h"

static const struct {
	const char *text;
	int rc;
	moor_ssl_mode mode;
} cases[] = {
	{ "verify-full", MOOR_OK, MOOR_SSL_VERIFY_FULL },
	{ "VERIFY-FULL", MOOR_OK, MOOR_SSL_VERIFY_FULL },
	{ "verify-ca", MOOR_OK, MOOR_SSL_VERIFY_CA },
	{ "require", MOOR_OK, MOOR_SSL_REQUIRE },
	{ "Require", MOOR_OK, MOOR_SSL_REQUIRE },
	{ "disable", MOOR_OK, MOOR_SSL_DISABLE },
	{ "DISABLED", MOOR_OK, MOOR_SSL_DISABLE },
	{ "REQUIRED", MOOR_OK, MOOR_SSL_REQUIRE },
	{ "VERIFY_CA", MOOR_OK, MOOR_SSL_VERIFY_CA },
	{ "verify_identity", MOOR_OK, MOOR_SSL_VERIFY_FULL },
	{ "VERIFY_IDENTITY", MOOR_OK, MOOR_SSL_VERIFY_FULL },
	/* Never a silent fallback to plain text. */
	{ "PREFERRED", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "prefer", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "allow", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "verify", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "verify-full ", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "verify-fulls", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "verify_full", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
	{ "disabl", MOOR_ERR_INVALID_ARG, MOOR_SSL_VERIFY_FULL },
};

int main(void)
{
	size_t i;
	moor_ssl_mode m;

	moor_test_heap_guard(1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = (moor_ssl_mode)77;
		MOOR_CHECK_INT(moor_ssl_mode_parse(cases[i].text, &m), cases[i].rc);
		if (cases[i].rc == MOOR_OK)
			MOOR_CHECK_INT(m, cases[i].mode);
		else
			MOOR_CHECK_INT(m, 77); /* untouched on error */
	}
	MOOR_CHECK_INT(moor_ssl_mode_parse(NULL, &m), MOOR_ERR_INVALID_ARG);
	MOOR_CHECK_INT(moor_ssl_mode_parse("require", NULL), MOOR_ERR_INVALID_ARG);

	MOOR_CHECK_STR(moor_ssl_mode_name(MOOR_SSL_VERIFY_FULL), "verify-full");
	MOOR_CHECK_STR(moor_ssl_mode_name(MOOR_SSL_VERIFY_CA), "verify-ca");
	MOOR_CHECK_STR(moor_ssl_mode_name(MOOR_SSL_REQUIRE), "require");
	MOOR_CHECK_STR(moor_ssl_mode_name(MOOR_SSL_DISABLE), "disable");
	MOOR_CHECK_STR(moor_ssl_mode_name((moor_ssl_mode)42), "unknown");
	/* Every name parses back to its mode. */
	for (i = 0; i <= 3; i++) {
		MOOR_CHECK_INT(moor_ssl_mode_parse(moor_ssl_mode_name((moor_ssl_mode)i), &m), MOOR_OK);
		MOOR_CHECK_INT(m, i);
	}
	/* The zero value is the strictest. */
	MOOR_CHECK_INT(MOOR_SSL_VERIFY_FULL, 0);
	return moor_test_done();
}
