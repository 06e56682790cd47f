/*
 * moor CLI: option parsing, file reading, anchors, printing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"

#include "cli.h"

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=' && name[0] == '-' && name[1] == '-') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "moor: option %s needs a value\n", name);
		return -1;
	}
	*i += 1;
	*val = argv[*i];
	return 1;
}

int cli_parse_ulong(const char *s, unsigned long lo, unsigned long hi,
	unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f;
	size_t n;
	int st = MOOR_OK;

	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
		return MOOR_ERR_INVALID_ARG;
	}
	n = fread(buf, 1, cap - 1, f);
	if (ferror(f)) {
		fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
		st = MOOR_ERR_INVALID_ARG;
	} else if (n == cap - 1 && fgetc(f) != EOF) {
		fprintf(stderr, "error: %s is larger than %lu bytes\n", path,
			(unsigned long)(cap - 1));
		st = MOOR_ERR_BUFFER_TOO_SMALL;
	}
	fclose(f);
	if (st == MOOR_OK) {
		buf[n] = 0;
		*len = n;
	}
	return st;
}

/* Storage for one --cacert set; it lives as long as the process. */
static uint8_t anchor_pem[CLI_FILE_MAX];
static br_x509_trust_anchor anchor_slots[CLI_MAX_ANCHORS];
static const char *anchor_names[CLI_MAX_ANCHORS];
static uint8_t anchor_work[CLI_ANCHOR_WORK];
static moor_anchors anchor_set;

int cli_load_anchors(const char *path, const moor_anchors **out)
{
	size_t len = 0;
	int st;

	st = cli_read_file(path, anchor_pem, sizeof anchor_pem, &len);
	if (st != MOOR_OK)
		return st;
	st = moor_anchors_from_pem(&anchor_set, anchor_slots, anchor_names,
		CLI_MAX_ANCHORS, anchor_work, sizeof anchor_work,
		(const char *)anchor_pem, len);
	if (st < 0)
		return st;
	*out = &anchor_set;
	return MOOR_OK;
}

/* Storage for one --cert/--key pair; it lives as long as the process. */
static moor_credentials cred_set;
static uint8_t cred_cert[CLI_FILE_MAX];
static uint8_t cred_key[CLI_FILE_MAX];
static uint8_t cred_work[64u * 1024u];

int cli_load_credentials(const char *cert, const char *key, const moor_credentials **out)
{
	size_t cert_len = 0, key_len = 0;
	int st;

	st = cli_read_file(cert, cred_cert, sizeof cred_cert, &cert_len);
	if (st == MOOR_OK)
		st = cli_read_file(key, cred_key, sizeof cred_key, &key_len);
	if (st != MOOR_OK)
		return st;
	st = moor_credentials_load(&cred_set, cred_work, sizeof cred_work,
		cred_cert, cert_len, cred_key, key_len);
	if (st != MOOR_OK) {
		cli_print_status("client credentials", st);
		return st;
	}
	*out = &cred_set;
	return MOOR_OK;
}

const char *cli_anchor_name(const moor_anchors *a, int index, char *buf, size_t cap)
{
	if (index < 0 || a == NULL || (size_t)index >= a->count)
		return "none (not verified)";
	if (a->names != NULL && a->names[index] != NULL)
		return a->names[index];
	snprintf(buf, cap, "#%d", index);
	return buf;
}

void cli_format_dn(const uint8_t *dn, size_t dn_len, char *out, size_t cap)
{
	int r;

	if (cap == 0)
		return;
	if (dn == NULL || dn_len == 0) {
		snprintf(out, cap, "(none)");
		return;
	}
	r = moor_dn_format(dn, dn_len, out, cap);
	if (r == MOOR_ERR_BUFFER_TOO_SMALL && cap > 4)
		memcpy(out + cap - 4, "...", 4);
	else if (r < 0)
		snprintf(out, cap, "(bad DN)");
}

void cli_print_status(const char *what, int status)
{
	int sent = 0;
	int alert = moor_status_alert(status, &sent);
	const char *pre = what != NULL ? what : "";
	const char *sep = what != NULL ? ": " : "";

	if (alert >= 0)
		fprintf(stderr, "error: %s%s%s(%d): %s\n", pre, sep,
			moor_status_name(status), alert, moor_status_str(status));
	else
		fprintf(stderr, "error: %s%s%s: %s\n", pre, sep,
			moor_status_name(status), moor_status_str(status));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cli_pct_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= n)
				return -1;
			h = hexval(s[i + 1]);
			l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = (char)(h * 16 + l);
			i += 2;
		}
		if (c == '\0' || o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}
