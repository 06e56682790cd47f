/*
 * moor: verification mode names.
 *
 * Accepts PostgreSQL's sslmode spellings and the mysql client's ssl-mode
 * spellings, in any case. "prefer", "allow" and "PREFERRED" are refused on
 * purpose: moor never falls back to plain text on its own.
 */
#include "moor/x509.h"
#include "moor/status.h"

struct mode_name {
	const char *name;
	moor_ssl_mode mode;
};

static const struct mode_name mode_names[] = {
	{ "verify-full",     MOOR_SSL_VERIFY_FULL },
	{ "verify-ca",       MOOR_SSL_VERIFY_CA },
	{ "require",         MOOR_SSL_REQUIRE },
	{ "disable",         MOOR_SSL_DISABLE },
	{ "verify_identity", MOOR_SSL_VERIFY_FULL },
	{ "verify_ca",       MOOR_SSL_VERIFY_CA },
	{ "required",        MOOR_SSL_REQUIRE },
	{ "disabled",        MOOR_SSL_DISABLE },
};

/* ASCII lower case, independent of the C locale. */
static char ascii_lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c;
}

/* Case-insensitive equality of `s` with the lower-case `name`. */
static int name_equal(const char *s, const char *name)
{
	size_t i = 0;

	while (name[i] != '\0') {
		if (ascii_lower(s[i]) != name[i])
			return 0;
		i++;
	}
	return s[i] == '\0';
}

int moor_ssl_mode_parse(const char *s, moor_ssl_mode *mode)
{
	size_t i;
	int rc = MOOR_ERR_INVALID_ARG;

	if (s != NULL && mode != NULL) {
		for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
			if (name_equal(s, mode_names[i].name)) {
				*mode = mode_names[i].mode;
				rc = MOOR_OK;
				break;
			}
		}
	}
	return rc;
}

const char *moor_ssl_mode_name(moor_ssl_mode mode)
{
	switch (mode) {
	case MOOR_SSL_VERIFY_FULL:
		return "verify-full";
	case MOOR_SSL_VERIFY_CA:
		return "verify-ca";
	case MOOR_SSL_REQUIRE:
		return "require";
	case MOOR_SSL_DISABLE:
		return "disable";
	default:
		return "unknown";
	}
}
