/*
 * moor verify: validate a certificate chain offline with the same
 * validator the TLS handshake uses.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "moor/status.h"
#include "moor/x509.h"

#include "cli.h"

#define VERIFY_MAX_CERTS 16

void cli_verify_usage(FILE *f)
{
	fputs("usage: moor verify CHAIN.pem [--host NAME] [--at YYYY-MM-DD] [--cacert FILE]\n"
	      "\n"
	      "Validate the certificates of CHAIN.pem (leaf first, as\n"
	      "`openssl s_client -showcerts` prints them; a single DER certificate\n"
	      "also works). Prints `anchor: NAME` and `peer: SUBJECT` on success.\n"
	      "\n"
	      "options:\n"
	      "  --host NAME      also check that the leaf is valid for NAME\n"
	      "                   (verify-full; without it: verify-ca)\n"
	      "  --at YYYY-MM-DD  validate as of that day, 00:00 UTC (default: now)\n"
	      "  --cacert FILE    trust the CA certificates of this PEM file\n"
	      "                   (default: the anchors compiled in)\n"
	      "  --help           this text\n", f);
}

static uint8_t chain_file[CLI_FILE_MAX];
static uint8_t der_store[CLI_FILE_MAX];
static br_x509_certificate chain[VERIFY_MAX_CERTS];
static moor_x509 validator;
static uint8_t leaf_dn[CLI_DN_MAX];

static int usage_error(const char *msg, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "moor verify: %s: %s\n\n", msg, arg);
	else
		fprintf(stderr, "moor verify: %s\n\n", msg);
	cli_verify_usage(stderr);
	return CLI_EXIT_USAGE;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), for y >= 1. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	if (m <= 2)
		y -= 1;
	era = y / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153u * (m > 2 ? m - 3 : m + 9) + 2u) / 5u + d - 1u;
	doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
	return era * 146097L + (long)doe - 719468L;
}

/* Parse YYYY-MM-DD into seconds since 1970 at 00:00 UTC. */
static int parse_date(const char *s, int64_t *out)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned v[3] = { 0, 0, 0 };
	size_t widths[3] = { 4, 2, 2 };
	size_t k, j, pos = 0;
	unsigned y, m, d;
	int leap;

	for (k = 0; k < 3; k++) {
		for (j = 0; j < widths[k]; j++, pos++) {
			if (s[pos] < '0' || s[pos] > '9')
				return -1;
			v[k] = v[k] * 10u + (unsigned)(s[pos] - '0');
		}
		if (k < 2 && s[pos++] != '-')
			return -1;
	}
	if (s[pos] != '\0')
		return -1;
	y = v[0];
	m = v[1];
	d = v[2];
	leap = (y % 4u == 0 && y % 100u != 0) || y % 400u == 0;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return -1;
	*out = (int64_t)days_from_civil((long)y, m, d) * 86400;
	return 0;
}

/* Split the file into DER certificates. Returns the count or a status. */
static int load_chain(const uint8_t *data, size_t len)
{
	size_t pos = 0, used = 0;
	int n = 0;

	if (!moor_is_pem(data, len)) {
		/* One DER certificate, referenced in place. */
		chain[0].data = (unsigned char *)(uintptr_t)data;
		chain[0].data_len = len;
		return 1;
	}
	for (;;) {
		char label[32];
		size_t der_len = 0;
		int st = moor_pem_next((const char *)data, len, &pos, label,
			sizeof label, der_store + used, sizeof der_store - used,
			&der_len);
		if (st == 1)
			break;
		if (st < 0)
			return st;
		if (strcmp(label, "CERTIFICATE") != 0 &&
		    strcmp(label, "X509 CERTIFICATE") != 0)
			continue;
		if (n == VERIFY_MAX_CERTS) {
			fprintf(stderr, "error: more than %d certificates\n", VERIFY_MAX_CERTS);
			return MOOR_ERR_X509_LIMIT;
		}
		chain[n].data = der_store + used;
		chain[n].data_len = der_len;
		used += der_len;
		n++;
	}
	return n > 0 ? n : MOOR_ERR_PEM;
}

int cli_verify(int argc, char **argv)
{
	const char *file = NULL, *host = NULL, *at = NULL, *cacert = NULL;
	const moor_anchors *anchors = &moor_builtin_anchors;
	int64_t now;
	size_t len = 0;
	int i, n, st;
	char dn[CLI_DN_MAX];
	char idx[16];

	for (i = 1; i < argc; i++) {
		const char *v = NULL;
		int r;

		if (strcmp(argv[i], "--help") == 0) {
			cli_verify_usage(stdout);
			return CLI_EXIT_OK;
		}
		if ((r = cli_opt(argc, argv, &i, "--host", &v)) != 0) {
			if (r < 0) return usage_error("missing value", NULL);
			host = v;
		} else if ((r = cli_opt(argc, argv, &i, "--at", &v)) != 0) {
			if (r < 0) return usage_error("missing value", NULL);
			at = v;
		} else if ((r = cli_opt(argc, argv, &i, "--cacert", &v)) != 0) {
			if (r < 0) return usage_error("missing value", NULL);
			cacert = v;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error("unknown option", argv[i]);
		} else if (file == NULL) {
			file = argv[i];
		} else {
			return usage_error("only one chain file", argv[i]);
		}
	}
	if (file == NULL)
		return usage_error("CHAIN.pem is required", NULL);
	if (at != NULL) {
		if (parse_date(at, &now) != 0)
			return usage_error("bad --at (YYYY-MM-DD)", at);
	} else {
		now = (int64_t)time(NULL);
	}
	if (cacert != NULL) {
		st = cli_load_anchors(cacert, &anchors);
		if (st != MOOR_OK) {
			cli_print_status(cacert, st);
			return CLI_EXIT_FAIL;
		}
	}
	if (cli_read_file(file, chain_file, sizeof chain_file, &len) != MOOR_OK)
		return CLI_EXIT_FAIL;
	n = load_chain(chain_file, len);
	if (n < 0) {
		cli_print_status(file, n);
		return CLI_EXIT_FAIL;
	}

	moor_x509_init(&validator, anchors,
		host != NULL ? MOOR_SSL_VERIFY_FULL : MOOR_SSL_VERIFY_CA,
		now, leaf_dn, sizeof leaf_dn);
	st = moor_x509_verify_chain(&validator, host, chain, (size_t)n);
	if (st != MOOR_OK) {
		cli_print_status(NULL, st);
		return CLI_EXIT_FAIL;
	}
	cli_format_dn(leaf_dn, validator.dn_len, dn, sizeof dn);
	printf("anchor: %s\n", cli_anchor_name(anchors, validator.anchor_index,
		idx, sizeof idx));
	printf("peer: %s\n", dn);
	printf("certificates: %d\n", n);
	return CLI_EXIT_OK;
}
