/*
 * moor mysql: run SQL on a MySQL-protocol server with the mysql / mariadb
 * client's flags, printing what `mariadb --batch -e SQL` (10.11) prints:
 *
 *   a result set: a header line of the raw column names (unless -N / -s),
 *   then one line per row, values separated by tabs, NULL as "NULL",
 *   NUL, tab, newline and backslash escaped as \0 \t \n \\ (-r: raw);
 *   with \G or -E one "*** N. row ***" block per row, names right-aligned
 *   (none with -N), values as they are but NUL as a space;
 *   an empty result set and a statement without one: nothing;
 *   -v: each statement framed on stdout before its result.
 *
 * The SQL text (-e, or stdin when it is not a terminal) is cut into
 * statements on the client the way the mariadb client cuts it: at the
 * delimiter (";", or what a DELIMITER line sets), \g or \G outside quotes
 * and comments; `-- `, `#` and slash-star comments are dropped (a space
 * stands for a dropped multi-line comment where the client puts one),
 * slash-star-bang hints kept, leading and trailing white space dropped.
 * Each statement is one COM_QUERY (multi-statements on, as in the
 * client); all of its result sets are printed (CALL). USE is the client's
 * command (COM_INIT_DB). The first error ends the run, reported on stderr
 * as the client reports it:
 *
 *   --------------          (when the error is the statement's first
 *   STATEMENT                reply and not -v, as mariadb 10.11 does)
 *   --------------
 *
 *   ERROR 1054 (42S22) at line 1: Unknown column 'x' in 'SELECT'
 *
 * Connection failures print "ERROR <code> (<sqlstate>): <text>": the
 * server's ERR as is (1045 access denied, 1049 unknown database), local
 * failures in the client's numbering with moor's status name in the text
 * (2002 cannot connect, 2005 unknown host, 2026 TLS/SSL error, 2013 lost
 * connection, 2059 authentication, 2000 anything else).
 *
 * TLS: --ssl-mode DISABLED | REQUIRED | VERIFY_CA | VERIFY_IDENTITY
 * (default VERIFY_IDENTITY: chain and host name against --ssl-ca or the
 * built-in anchors). PREFERRED is refused: never a silent plain
 * connection. The mariadb spellings --ssl, --skip-ssl and
 * --[skip-]ssl-verify-server-cert map onto the modes.
 *
 * A result set's output is held in a static buffer until it is complete
 * (so an error in the middle of the rows prints no partial result, as
 * mariadb's store_result does); one larger than OUT_CAP is written as it
 * comes. No heap: every buffer is static.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "moor/mysql.h"
#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#include "cli.h"

#define MY_RX         (64u * 1024u)        /* rows stream; other packets fit */
#define MY_TX         4096u                /* >= MOOR_MYSQL_TX_RSA */
#define OUT_CAP       (4u * 1024u * 1024u) /* one result set held back */
#define HDR_CAP       (1024u * 1024u)      /* the column names of a result */
#define EXEC_CAP      (1024u * 1024u)      /* -e texts, joined */
#define SCRIPT_CAP    (16u * 1024u * 1024u) /* SQL read from stdin */
#define PW_CAP        1024u
#define DELIM_MAX     16u
#define EVENT_WAIT_MS 86400000u            /* a reply may take long: 1 day */

void cli_mysql_usage(FILE *f)
{
	fputs("usage: moor mysql [OPTIONS] [DB | mysql://URL] [-e SQL]\n"
	      "\n"
	      "Run SQL on a MySQL / MariaDB / TiDB server and print what\n"
	      "`mariadb --batch -e SQL` prints. The options are the mysql client's.\n"
	      "\n"
	      "options:\n"
	      "  -h, --host=HOST        server (default localhost), always over TCP\n"
	      "  -P, --port=PORT        port (default 3306)\n"
	      "  -u, --user=USER        user (default: root for root, else $USER)\n"
	      "  -pPASS, --password=PASS  password; -p / --password alone prompt for\n"
	      "                         it (on /dev/tty without echo, else from stdin)\n"
	      "  -D, --database=DB      default database (also the first argument)\n"
	      "  -e, --execute=SQL      statements to run (';'-separated); without\n"
	      "                         -e they are read from stdin (not a terminal)\n"
	      "  --url=URL              mysql://[USER[:PASS]@]HOST[:PORT][/DB]\n"
	      "                         [?ssl-mode=M&ssl-ca=F&ssl-cert=F&ssl-key=F]\n"
	      "                         (user, password, database percent-decoded;\n"
	      "                         also accepted as the first argument)\n"
	      "  --ssl-mode=MODE        DISABLED, REQUIRED (encrypt, no verification),\n"
	      "                         VERIFY_CA, VERIFY_IDENTITY (default), any case\n"
	      "  --ssl-ca=FILE          trust the CA certificates of this PEM file\n"
	      "                         (default: the built-in anchors)\n"
	      "  --ssl-cert=FILE --ssl-key=FILE  client certificate and key\n"
	      "  --ssl                  TLS (the default; verification as --ssl-mode)\n"
	      "  --skip-ssl             no TLS (= --ssl-mode=DISABLED)\n"
	      "  --ssl-verify-server-cert      = --ssl-mode=VERIFY_IDENTITY\n"
	      "  --skip-ssl-verify-server-cert = --ssl-mode=REQUIRED\n"
	      "  --tls-version=LIST     TLSv1.2, TLSv1.3 or both, comma-separated\n"
	      "  --get-server-public-key       caching_sha2_password without TLS:\n"
	      "                         ask the server for its RSA key\n"
	      "  --server-public-key-path=FILE its RSA key (PEM), pinned\n"
	      "  --default-character-set=CS    utf8mb4 (default), utf8mb3, utf8,\n"
	      "                         latin1, ascii, binary\n"
	      "  --connect-timeout=S    connect + TLS + login limit (default 30)\n"
	      "  --protocol=TCP         accepted (TCP is the only protocol)\n"
	      "  -B, --batch            accepted (the output is always batch)\n"
	      "  -N, --skip-column-names  no header line (no names with -E / \\G)\n"
	      "  -s, --silent           no header line\n"
	      "  -E, --vertical         every result as with \\G: one line per column\n"
	      "  -r, --raw              values unescaped\n"
	      "  -v, --verbose          print each statement (framed) before its result\n"
	      "  --no-defaults          accepted (no option files are read)\n"
	      "moor options:\n"
	      "  --sni=NAME             name for SNI and the certificate check\n"
	      "                         (default: HOST)\n"
	      "  --moor-log[=debug]     log from the library to stderr\n"
	      "  --help                 this text\n"
	      "\n"
	      "exit status: 0 success, 1 an error (\"ERROR code (state): text\" on\n"
	      "stderr), 2 bad usage.\n", f);
}

typedef struct mysql_args {
	const char *host;
	unsigned long port;
	const char *user, *pass;
	int prompt;                 /* -p / --password without a value */
	const char *db;
	const char *exec;           /* joined -e texts, NULL: stdin */
	size_t exec_len;
	moor_ssl_mode mode;
	const char *ca, *cert, *key, *sni;
	const char *rsa_key_path;
	int get_key;
	uint16_t vmin, vmax;
	uint8_t charset;
	unsigned long connect_ms;
	int no_names;               /* -N: no header, no names in \G output */
	int silent;                 /* -s: no header */
	int vertical;               /* -E: every statement as with \G */
	int raw;
	int verbose;                /* -v: each statement framed on stdout */
	int log;                    /* --moor-log: the library's log level */
	int npos;                   /* positional arguments seen */
} mysql_args;

/* Strings the command line and the URL give live here. */
static char url_host[256], url_user[256], url_pass[512], url_db[256];
static char url_ca[1024], url_cert[1024], url_key[1024];
static char exec_buf[EXEC_CAP];
static char pw_buf[PW_CAP];
static char default_user[256];

/* Session state: static, the TLS context and buffers are large. */
static uint8_t tls_iobuf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t rxbuf[MY_RX], txbuf[MY_TX];
static uint8_t rsa_pem[16384];
static moor_tls tls;
static moor_tls_config tcfg;
static moor_posix_tcp tcp;
static moor_mysql my;
static moor_mysql_config mcfg;
static const moor_platform *plat;
static const mysql_args *args;

static int usage_error(const char *msg, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "moor mysql: %s: %s\n\n", msg, arg);
	else
		fprintf(stderr, "moor mysql: %s\n\n", msg);
	cli_mysql_usage(stderr);
	return CLI_EXIT_USAGE;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int ieq(const char *a, const char *b)
{
	while (*a != '\0' && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static int copy_str(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int parse_ssl_mode(const char *v, moor_ssl_mode *mode)
{
	if (ieq(v, "PREFERRED")) {
		fprintf(stderr, "moor mysql: ssl-mode PREFERRED is not supported (it would fall back"
			" to plaintext silently): use REQUIRED or stronger, or DISABLED\n");
		return -1;
	}
	if (!ieq(v, "DISABLED") && !ieq(v, "REQUIRED") && !ieq(v, "VERIFY_CA") &&
	    !ieq(v, "VERIFY_IDENTITY")) {
		fprintf(stderr, "moor mysql: bad ssl-mode '%s' (DISABLED, REQUIRED, VERIFY_CA,"
			" VERIFY_IDENTITY)\n", v);
		return -1;
	}
	return moor_ssl_mode_parse(v, mode) == MOOR_OK ? 0 : -1;
}

/*
 * mysql://[USER[:PASS]@]HOST[:PORT][/DB][?KEY=VALUE&...], HOST may be an
 * IPv6 literal in brackets. Keys: ssl-mode, ssl-ca, ssl-cert, ssl-key
 * ('_' for '-' too). Returns 0 or -1 (message printed).
 */
static int parse_url(const char *url, mysql_args *a)
{
	const char *cur, *end, *at, *colon, *slash, *hend, *q;
	unsigned long v;

	if (strncmp(url, "mysql://", 8) != 0 && strncmp(url, "MYSQL://", 8) != 0)
		goto bad;
	cur = url + 8;
	end = url + strlen(url);
	q = strchr(cur, '?');
	if (q == NULL)
		q = end;
	at = NULL;
	{
		const char *p;

		for (p = cur; p < q && *p != '/'; p++)
			if (*p == '@')
				at = p;            /* the last '@' before the path */
	}
	if (at != NULL) {
		colon = memchr(cur, ':', (size_t)(at - cur));
		if (cli_pct_decode(cur, (size_t)((colon != NULL ? colon : at) - cur), url_user,
			sizeof url_user) != 0)
			goto bad;
		a->user = url_user;
		if (colon != NULL) {
			if (cli_pct_decode(colon + 1, (size_t)(at - colon - 1), url_pass,
				sizeof url_pass) != 0)
				goto bad;
			a->pass = url_pass;
			a->prompt = 0;
		}
		cur = at + 1;
	}
	slash = memchr(cur, '/', (size_t)(q - cur));
	hend = slash != NULL ? slash : q;
	if (cur < hend && *cur == '[') {
		const char *rb = memchr(cur, ']', (size_t)(hend - cur));

		if (rb == NULL)
			goto bad;
		if (copy_str(cur, (size_t)(rb - cur + 1), url_host, sizeof url_host) != 0)
			goto bad;
		a->host = url_host;
		colon = rb + 1 < hend && rb[1] == ':' ? rb + 1 : NULL;
		if (rb + 1 < hend && colon == NULL)
			goto bad;
	} else {
		colon = memchr(cur, ':', (size_t)(hend - cur));
		if ((colon != NULL ? colon : hend) > cur) {
			if (copy_str(cur, (size_t)((colon != NULL ? colon : hend) - cur), url_host,
				sizeof url_host) != 0)
				goto bad;
			a->host = url_host;
		}
	}
	if (colon != NULL) {
		char num[16];

		if (copy_str(colon + 1, (size_t)(hend - colon - 1), num, sizeof num) != 0 ||
		    cli_parse_ulong(num, 1, 65535, &v) != 0)
			goto bad;
		a->port = v;
	}
	if (slash != NULL && slash + 1 < q) {
		if (cli_pct_decode(slash + 1, (size_t)(q - slash - 1), url_db, sizeof url_db) != 0)
			goto bad;
		a->db = url_db;
	}
	cur = q < end ? q + 1 : end;
	while (cur < end) {
		const char *amp = strchr(cur, '&'), *eq;
		const char *pe = amp != NULL ? amp : end;
		char key[32], val[1024];
		size_t k, kl;

		eq = memchr(cur, '=', (size_t)(pe - cur));
		if (eq == NULL)
			goto bad;
		kl = (size_t)(eq - cur);
		if (kl >= sizeof key)
			goto bad;
		for (k = 0; k < kl; k++)
			key[k] = cur[k] == '_' ? '-' : (char)lower((unsigned char)cur[k]);
		key[kl] = '\0';
		if (cli_pct_decode(eq + 1, (size_t)(pe - eq - 1), val, sizeof val) != 0)
			goto bad;
		if (strcmp(key, "ssl-mode") == 0 || strcmp(key, "sslmode") == 0) {
			if (parse_ssl_mode(val, &a->mode) != 0)
				return -1;
		} else if (strcmp(key, "ssl-ca") == 0) {
			if (copy_str(val, strlen(val), url_ca, sizeof url_ca) != 0)
				goto bad;
			a->ca = url_ca;
		} else if (strcmp(key, "ssl-cert") == 0) {
			if (copy_str(val, strlen(val), url_cert, sizeof url_cert) != 0)
				goto bad;
			a->cert = url_cert;
		} else if (strcmp(key, "ssl-key") == 0) {
			if (copy_str(val, strlen(val), url_key, sizeof url_key) != 0)
				goto bad;
			a->key = url_key;
		} else {
			fprintf(stderr, "moor mysql: unknown URL parameter '%s'\n", key);
			return -1;
		}
		cur = amp != NULL ? amp + 1 : end;
	}
	return 0;
bad:
	fprintf(stderr, "moor mysql: bad URL: %s\n", url);
	return -1;
}

static int add_exec(mysql_args *a, const char *sql)
{
	size_t n = strlen(sql);

	/* several -e options are joined with a space, as the client does */
	if (a->exec_len + n + 2 > sizeof exec_buf)
		return -1;
	if (a->exec != NULL)
		exec_buf[a->exec_len++] = ' ';
	memcpy(exec_buf + a->exec_len, sql, n);
	a->exec_len += n;
	exec_buf[a->exec_len] = '\0';
	a->exec = exec_buf;
	return 0;
}

static int set_charset(mysql_args *a, const char *v)
{
	if (ieq(v, "utf8mb4") || ieq(v, "auto"))
		a->charset = MOOR_MYSQL_CHARSET_UTF8MB4_GENERAL_CI;
	else if (ieq(v, "utf8") || ieq(v, "utf8mb3"))
		a->charset = 33;        /* utf8mb3_general_ci */
	else if (ieq(v, "latin1"))
		a->charset = 8;         /* latin1_swedish_ci */
	else if (ieq(v, "ascii"))
		a->charset = 11;        /* ascii_general_ci */
	else if (ieq(v, "binary"))
		a->charset = MOOR_MYSQL_CHARSET_BINARY;
	else
		return -1;
	return 0;
}

static int set_tls_versions(mysql_args *a, const char *v)
{
	int has12 = 0, has13 = 0;
	const char *p = v;

	while (*p != '\0') {
		const char *c = strchr(p, ',');
		size_t n = c != NULL ? (size_t)(c - p) : strlen(p);

		if (n == 7 && strncmp(p, "TLSv1.2", 7) == 0)
			has12 = 1;
		else if (n == 7 && strncmp(p, "TLSv1.3", 7) == 0)
			has13 = 1;
		else
			return -1;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!has12 && !has13)
		return -1;
	a->vmin = has12 ? MOOR_TLS_1_2 : MOOR_TLS_1_3;
	a->vmax = has13 ? MOOR_TLS_1_3 : MOOR_TLS_1_2;
	return 0;
}

/* "_" and "-" are the same in long option names, as in the client. */
static void norm_name(const char *s, size_t n, char *out, size_t cap)
{
	size_t i;

	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		out[i] = s[i] == '_' ? '-' : s[i];
	out[n] = '\0';
}

/* Long options that take a value. */
static const char *const valued[] = {
	"host", "port", "user", "database", "execute", "url", "ssl-mode", "ssl-ca",
	"ssl-cert", "ssl-key", "tls-version", "server-public-key-path",
	"default-character-set", "connect-timeout", "protocol", "sni", NULL
};

/* Long options without a value (booleans take =0 / =1). */
static const char *const flags[] = {
	"password", "ssl", "ssl-verify-server-cert", "get-server-public-key", "batch",
	"no-defaults", "skip-column-names", "column-names", "silent", "raw", "verbose",
	"vertical", "help", NULL
};

/*
 * The option a name means: itself, or the one option it is a prefix of
 * (the client accepts unique prefixes, with a note on stderr). NULL with
 * *ambiguous set when several match.
 */
static const char *resolve(const char *name, int *ambiguous)
{
	const char *const *lists[2] = { valued, flags };
	const char *hit = NULL;
	size_t k, l, n = strlen(name);

	*ambiguous = 0;
	for (l = 0; l < 2; l++)
		for (k = 0; lists[l][k] != NULL; k++)
			if (strcmp(lists[l][k], name) == 0)
				return lists[l][k];
	if (n == 0)
		return NULL;
	for (l = 0; l < 2; l++)
		for (k = 0; lists[l][k] != NULL; k++)
			if (strncmp(lists[l][k], name, n) == 0) {
				if (hit != NULL) {
					*ambiguous = 1;
					return NULL;
				}
				hit = lists[l][k];
			}
	if (hit != NULL)
		fprintf(stderr, "Info: Using unique option prefix '%s' is error-prone and can break"
			" in the future. Please use the full name '%s' instead.\n", name, hit);
	return hit;
}

static int is_valued(const char *name)
{
	size_t k;

	for (k = 0; valued[k] != NULL; k++)
		if (strcmp(valued[k], name) == 0)
			return 1;
	return 0;
}

/* One option with its value (v may be NULL for flags). Returns -1 to go
 * on, or an exit code. */
static int apply(mysql_args *a, const char *name, const char *v, int negated)
{
	unsigned long n;

	if (strcmp(name, "host") == 0) {
		a->host = v;
	} else if (strcmp(name, "port") == 0) {
		if (cli_parse_ulong(v, 1, 65535, &a->port) != 0)
			return usage_error("bad port", v);
	} else if (strcmp(name, "user") == 0) {
		a->user = v;
	} else if (strcmp(name, "password") == 0) {
		if (v == NULL) {
			a->prompt = 1;
			a->pass = NULL;
		} else {
			a->prompt = 0;
			a->pass = v;
		}
	} else if (strcmp(name, "database") == 0) {
		a->db = v;
	} else if (strcmp(name, "execute") == 0) {
		if (add_exec(a, v) != 0)
			return usage_error("-e text too long", NULL);
	} else if (strcmp(name, "url") == 0) {
		if (parse_url(v, a) != 0)
			return CLI_EXIT_USAGE;
	} else if (strcmp(name, "ssl-mode") == 0) {
		if (parse_ssl_mode(v, &a->mode) != 0)
			return CLI_EXIT_USAGE;
	} else if (strcmp(name, "ssl-ca") == 0) {
		a->ca = v;
	} else if (strcmp(name, "ssl-cert") == 0) {
		a->cert = v;
	} else if (strcmp(name, "ssl-key") == 0) {
		a->key = v;
	} else if (strcmp(name, "sni") == 0) {
		a->sni = v;
	} else if (strcmp(name, "ssl") == 0) {
		if (negated)
			a->mode = MOOR_SSL_DISABLE;
		else if (a->mode == MOOR_SSL_DISABLE)
			a->mode = MOOR_SSL_VERIFY_FULL;
	} else if (strcmp(name, "ssl-verify-server-cert") == 0) {
		if (!negated)
			a->mode = MOOR_SSL_VERIFY_FULL;
		else if (a->mode != MOOR_SSL_DISABLE)
			a->mode = MOOR_SSL_REQUIRE;
	} else if (strcmp(name, "tls-version") == 0) {
		if (set_tls_versions(a, v) != 0)
			return usage_error("bad --tls-version (TLSv1.2, TLSv1.3)", v);
	} else if (strcmp(name, "get-server-public-key") == 0) {
		a->get_key = !negated;
	} else if (strcmp(name, "server-public-key-path") == 0) {
		a->rsa_key_path = v;
	} else if (strcmp(name, "default-character-set") == 0) {
		if (set_charset(a, v) != 0)
			return usage_error("unknown character set", v);
	} else if (strcmp(name, "connect-timeout") == 0) {
		if (cli_parse_ulong(v, 1, 3600, &n) != 0)
			return usage_error("bad --connect-timeout (seconds, 1..3600)", v);
		a->connect_ms = n * 1000u;
	} else if (strcmp(name, "protocol") == 0) {
		if (!ieq(v, "tcp"))
			return usage_error("only --protocol=TCP is supported", v);
	} else if (strcmp(name, "batch") == 0 || strcmp(name, "no-defaults") == 0) {
		/* accepted */
	} else if (strcmp(name, "skip-column-names") == 0) {
		a->no_names = !negated;
	} else if (strcmp(name, "column-names") == 0) {
		a->no_names = negated;
	} else if (strcmp(name, "silent") == 0) {
		a->silent = 1;
	} else if (strcmp(name, "vertical") == 0) {
		a->vertical = !negated;
	} else if (strcmp(name, "raw") == 0) {
		a->raw = !negated;
	} else if (strcmp(name, "verbose") == 0) {
		a->verbose = !negated;
	} else {
		return -2;
	}
	return -1;
}

static int positional(mysql_args *a, const char *s)
{
	if (strncmp(s, "mysql://", 8) == 0 || strncmp(s, "MYSQL://", 8) == 0) {
		if (parse_url(s, a) != 0)
			return CLI_EXIT_USAGE;
	} else if (a->npos == 0) {
		a->db = s;
	} else {
		return usage_error("too many arguments", s);
	}
	a->npos++;
	return -1;
}

/* Short options: flags may be grouped (-BN); -hHOST or -h HOST; -pPASS
 * only attached (-p alone prompts). */
static int short_opts(int argc, char **argv, int *i, mysql_args *a)
{
	const char *s = argv[*i] + 1;

	while (*s != '\0') {
		char c = *s++;
		const char *name = NULL;
		int r;

		switch (c) {
		case 'B': name = "batch"; break;
		case 'N': name = "skip-column-names"; break;
		case 's': name = "silent"; break;
		case 'E': name = "vertical"; break;
		case 'r': name = "raw"; break;
		case 'v': name = "verbose"; break;
		case '?':
			cli_mysql_usage(stdout);
			return CLI_EXIT_OK;
		case 'p':
			return apply(a, "password", *s != '\0' ? s : NULL, 0);
		case 'h': name = "host"; break;
		case 'P': name = "port"; break;
		case 'u': name = "user"; break;
		case 'D': name = "database"; break;
		case 'e': name = "execute"; break;
		default: {
			char o[3] = { '-', c, '\0' };

			return usage_error("unknown option", o);
		}
		}
		if (is_valued(name)) {
			const char *v = s;

			if (*v == '\0') {
				if (*i + 1 >= argc) {
					char o[3] = { '-', c, '\0' };

					return usage_error("option needs a value", o);
				}
				*i += 1;
				v = argv[*i];
			}
			return apply(a, name, v, 0);
		}
		r = apply(a, name, NULL, 0);
		if (r != -1)
			return r;
	}
	return -1;
}

static int long_opt(int argc, char **argv, int *i, mysql_args *a)
{
	const char *s = argv[*i] + 2, *eq = strchr(s, '=');
	char name[64];
	const char *n = name, *v = eq != NULL ? eq + 1 : NULL;
	int negated = 0, r, amb = 0;

	norm_name(s, eq != NULL ? (size_t)(eq - s) : strlen(s), name, sizeof name);
	if (strncmp(n, "loose-", 6) == 0)
		n += 6;
	if (strcmp(n, "moor-log") == 0) {
		if (v == NULL)
			a->log = 2;
		else if (strcmp(v, "debug") == 0)
			a->log = 3;
		else
			return usage_error("bad --moor-log (--moor-log or --moor-log=debug)", v);
		return -1;
	}
	if (strcmp(n, "help") == 0) {
		cli_mysql_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strncmp(n, "skip-", 5) == 0 && strncmp(n, "skip-column-names", strlen(n)) != 0) {
		n += 5;
		negated = 1;
	} else if (strncmp(n, "disable-", 8) == 0) {
		n += 8;
		negated = 1;
	} else if (strncmp(n, "enable-", 7) == 0) {
		n += 7;
	}
	n = resolve(n, &amb);
	if (n == NULL)
		return usage_error(amb ? "ambiguous option" : "unknown option", argv[*i]);
	if (strcmp(n, "help") == 0) {
		cli_mysql_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (is_valued(n)) {
		if (negated)
			return usage_error("unknown option", argv[*i]);
		if (v == NULL) {
			if (*i + 1 >= argc)
				return usage_error("option needs a value", argv[*i]);
			*i += 1;
			v = argv[*i];
		}
		r = apply(a, n, v, 0);
	} else if (strcmp(n, "password") == 0) {
		r = apply(a, n, v, 0);
	} else {
		/* a flag; "=0"/"=1" (or off/on) like the client's booleans */
		if (v != NULL) {
			if (strcmp(v, "0") == 0 || ieq(v, "off") || ieq(v, "false"))
				negated = !negated;
			else if (!(strcmp(v, "1") == 0 || ieq(v, "on") || ieq(v, "true")))
				return usage_error("bad value", argv[*i]);
		}
		r = apply(a, n, NULL, negated);
	}
	if (r == -2)
		return usage_error("unknown option", argv[*i]);
	return r;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, mysql_args *a)
{
	int i, r, only_pos = 0;

	memset(a, 0, sizeof *a);
	a->host = "localhost";
	a->port = 3306;
	a->mode = MOOR_SSL_VERIFY_FULL;
	a->charset = MOOR_MYSQL_CHARSET_UTF8MB4_GENERAL_CI;
	a->connect_ms = 30000;
	a->log = -1;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!only_pos && strcmp(s, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (only_pos || s[0] != '-' || s[1] == '\0')
			r = positional(a, s);
		else if (s[1] == '-')
			r = long_opt(argc, argv, &i, a);
		else
			r = short_opts(argc, argv, &i, a);
		if (r != -1)
			return r;
	}
	if ((a->cert == NULL) != (a->key == NULL))
		return usage_error("--ssl-cert and --ssl-key go together", NULL);
	if (a->host == NULL || a->host[0] == '\0')
		a->host = "localhost";
	return -1;
}

/* ------------------------------------------------------------------ */
/* The password prompt: like getpass(), on /dev/tty with echo off, or
 * (no terminal) the prompt on stderr and a line from stdin. Reads byte by
 * byte so that SQL after the password line on stdin stays unread. */

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static const char *read_password(void)
{
	static const char prompt[] = "Enter password: ";
	struct termios old, t;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY), in, out, changed = 0, nl = 0;
	size_t n = 0;

	if (fd >= 0) {
		in = out = fd;
	} else {
		in = STDIN_FILENO;
		out = STDERR_FILENO;
	}
	if (tcgetattr(in, &old) == 0) {
		t = old;
		t.c_lflag &= ~(tcflag_t)ECHO;
		changed = tcsetattr(in, TCSAFLUSH, &t) == 0;
	}
	write_all(out, prompt, sizeof prompt - 1);
	for (;;) {
		char c;
		ssize_t r = read(in, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c == '\n') {
			nl = 1;
			break;
		}
		if (n + 1 < sizeof pw_buf)
			pw_buf[n++] = c;
	}
	pw_buf[n] = '\0';
	if (changed) {
		if (nl)
			write_all(out, "\n", 1);
		(void)tcsetattr(in, TCSAFLUSH, &old);
	}
	if (fd >= 0)
		close(fd);
	return pw_buf;
}

static const char *login_name(void)
{
	const char *u;

	if (geteuid() == 0)
		return "root";
	u = getenv("USER");
	if (u == NULL || u[0] == '\0')
		u = getenv("LOGNAME");
	if (u == NULL || strlen(u) >= sizeof default_user)
		return "";
	memcpy(default_user, u, strlen(u) + 1);
	return default_user;
}

/* ------------------------------------------------------------------ */
/* Connection hook: a TCP connection (TLS is the client's job). */

static int hook_connect(void *ctx, moor_transport **t, uint32_t timeout_ms)
{
	int st;

	(void)ctx;
	st = moor_posix_tcp_connect(&tcp, plat, args->host, (uint16_t)args->port, timeout_ms);
	if (st == MOOR_OK)
		*t = &tcp.base;
	return st;
}

/* ------------------------------------------------------------------ */
/* Errors, as the client prints them. */

static int is_ip_literal(const char *h)
{
	size_t k, dots = 0, colons = 0;

	for (k = 0; h[k] != '\0'; k++) {
		if (h[k] == '.')
			dots++;
		else if (h[k] == ':')
			colons++;
		else if (!((h[k] >= '0' && h[k] <= '9') || (h[k] >= 'a' && h[k] <= 'f') ||
			 (h[k] >= 'A' && h[k] <= 'F') || h[k] == '[' || h[k] == ']'))
			return 0;
	}
	return colons >= 2 || dots == 3;
}

static int is_tls_status(int st)
{
	return (st <= -200 && st > -400) || (st <= -1000 && st > -1600) ||
		st == MOOR_ERR_MYSQL_NO_TLS || st == MOOR_ERR_TIME_UNKNOWN;
}

/* "NAME: text" (alerts "NAME(code): text") into buf. */
static const char *status_text(int st, char *buf, size_t cap)
{
	int sent = 0, alert = moor_status_alert(st, &sent);

	if (alert >= 0)
		snprintf(buf, cap, "%s(%d): %s", moor_status_name(st), alert, moor_status_str(st));
	else
		snprintf(buf, cap, "%s: %s", moor_status_name(st), moor_status_str(st));
	return buf;
}

/* "ERROR code (state)[ at line N]: " */
static void error_head(unsigned code, const char *state, unsigned long line)
{
	if (line > 0)
		fprintf(stderr, "ERROR %u (%s) at line %lu: ", code, state, line);
	else
		fprintf(stderr, "ERROR %u (%s): ", code, state);
}

/* A failure of st (a connect, or the statement at `line` when > 0). */
static void print_failure(int st, unsigned long line)
{
	const moor_mysql_error *e = moor_mysql_last_error(&my);
	char txt[512];

	fflush(stdout);
	if (st == MOOR_ERR_MYSQL_SERVER && e->code != 0) {
		error_head(e->code, e->sqlstate[0] != '\0' ? e->sqlstate : "HY000", line);
		fprintf(stderr, "%s\n", e->message);
		return;
	}
	status_text(st, txt, sizeof txt);
	if (line == 0 && st == MOOR_ERR_RESOLVE) {
		error_head(2005, "HY000", 0);
		fprintf(stderr, "Unknown server host '%s' (%s)\n", args->host, txt);
	} else if (line == 0 && (st == MOOR_ERR_CONNECT || st == MOOR_ERR_IO ||
		   (st == MOOR_ERR_TIMEOUT && !moor_mysql_connected(&my) &&
		    moor_mysql_server_version(&my)[0] == '\0'))) {
		error_head(2002, "HY000", 0);
		fprintf(stderr, "Can't connect to server on '%s' (%s)\n", args->host, txt);
	} else if (is_tls_status(st)) {
		error_head(2026, "HY000", line);
		fprintf(stderr, "TLS/SSL error: %s%s\n", txt,
			st == MOOR_ERR_X509_HOSTNAME && args->sni == NULL && is_ip_literal(args->host)
			? " (moor matches DNS names only: give the certificate's name with --sni)"
			: "");
	} else if (st == MOOR_ERR_CLOSED || st == MOOR_ERR_RESET || st == MOOR_ERR_TIMEOUT) {
		error_head(2013, "HY000", line);
		fprintf(stderr, "Lost connection to server %s (%s)\n",
			line > 0 ? "during query" : "during login", txt);
	} else if (st == MOOR_ERR_MYSQL_AUTH_PLUGIN || st == MOOR_ERR_MYSQL_INSECURE_AUTH) {
		error_head(2059, "HY000", line);
		fprintf(stderr, "Authentication failed: %s%s%s\n", txt,
			e->message[0] != '\0' ? ": " : "", e->message);
	} else {
		error_head(2000, "HY000", line);
		fprintf(stderr, "%s%s%s\n", txt, e->message[0] != '\0' && e->code == 0 ? ": " : "",
			e->code == 0 ? e->message : "");
	}
}

/* ------------------------------------------------------------------ */
/* Output: one result set held back in outbuf until it ends. */

static char outbuf[OUT_CAP];
static size_t out_len;
static char hdr[HDR_CAP];            /* the column names, back to back */
static uint32_t hoff[65536 + 1];     /* name i is hdr[hoff[i] .. hoff[i + 1]) */
static size_t hdr_len, name_w;       /* bytes used; the longest name */
static int hdr_over;

static void out_write(void)
{
	if (out_len > 0)
		fwrite(outbuf, 1, out_len, stdout);
	out_len = 0;
}

static void out(const void *p, size_t n)
{
	const char *b = p;

	while (n > 0) {
		size_t k;

		if (out_len == sizeof outbuf)
			out_write();
		k = sizeof outbuf - out_len < n ? sizeof outbuf - out_len : n;
		memcpy(outbuf + out_len, b, k);
		out_len += k;
		b += k;
		n -= k;
	}
}

static void out_value(const uint8_t *p, size_t n)
{
	if (args->raw) {
		out(p, n);
		return;
	}
	while (n > 0) {
		size_t used = 0, w;

		if (sizeof outbuf - out_len < 2)
			out_write();
		w = moor_mysql_escape_batch(p, n, &used, outbuf + out_len, sizeof outbuf - out_len);
		out_len += w;
		p += used;
		n -= used;
	}
}

static void hdr_add(const moor_mysql_column *c, uint32_t index)
{
	if (hdr_over || index + 1 >= sizeof hoff / sizeof hoff[0] ||
	    hdr_len + c->name.len > sizeof hdr) {
		hdr_over = 1;
		return;
	}
	hoff[index] = (uint32_t)hdr_len;
	if (c->name.len > 0)
		memcpy(hdr + hdr_len, c->name.ptr, c->name.len);
	hdr_len += c->name.len;
	hoff[index + 1] = (uint32_t)hdr_len;
	if (c->name.len > name_w)
		name_w = c->name.len;
}

static void out_name(uint32_t i)
{
	out(hdr + hoff[i], hoff[i + 1] - hoff[i]);
}

/* \G values: as they are, NUL printed as a space (the client's
 * MY_PRINT_SPS_0). */
static void out_vertical(const uint8_t *p, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++)
		if (p[i] == 0) {
			out(p + from, i - from);
			out(" ", 1);
			from = i + 1;
		}
	out(p + from, n - from);
}

/* "*************************** N. row ***************************" */
static void out_row_head(uint64_t row)
{
	char b[96];
	int k = snprintf(b, sizeof b, "*************************** %llu. row "
		"***************************\n", (unsigned long long)(row + 1));

	out(b, (size_t)k);
}

/* The name of column i right-aligned to the longest name, and ": ". */
static void out_vname(uint32_t i)
{
	size_t w = hoff[i + 1] - hoff[i];

	while (w < name_w) {
		out(" ", 1);
		w++;
	}
	out_name(i);
	out(": ", 2);
}

/* Print the statement as mariadb frames it before an error. */
static void print_frame(const char *sql, size_t len)
{
	fflush(stdout);
	fputs("--------------\n", stderr);
	fwrite(sql, 1, len, stderr);
	fputs("\n--------------\n\n", stderr);
}

/* Run one statement; print its result sets. 0 or -1 (error printed). */
static int run_statement(const char *sql, size_t len, unsigned long line, int vertical)
{
	moor_mysql_event ev;
	int st, started = 0;

	if (args->verbose) {
		/* -v: the statement, framed, before its result */
		fputs("--------------\n", stdout);
		fwrite(sql, 1, len, stdout);
		fputs("\n--------------\n\n", stdout);
	}
	st = moor_mysql_query(&my, sql, len, EVENT_WAIT_MS);
	while (st == MOOR_OK && moor_mysql_busy(&my)) {
		st = moor_mysql_poll(&my, &ev, EVENT_WAIT_MS);
		if (st != MOOR_OK)
			break;
		started = 1;
		switch (ev.type) {
		case MOOR_MYSQL_E_RESULT:
			out_len = 0;
			hdr_len = 0;
			name_w = 0;
			hdr_over = 0;
			break;
		case MOOR_MYSQL_E_COLUMN:
			hdr_add(&ev.column, ev.index);
			break;
		case MOOR_MYSQL_E_VALUE: {
			const moor_mysql_value *v = &ev.value;
			int first = v->kind == MOOR_MYSQL_EV_VALUE || (v->flags & MOOR_MYSQL_V_FIRST);

			int last = v->kind == MOOR_MYSQL_EV_VALUE || (v->flags & MOOR_MYSQL_V_LAST);

			if (first && v->col == 0 && hdr_over) {
				fprintf(stderr, "moor mysql: column names longer than %u bytes\n",
					(unsigned)HDR_CAP);
				moor_mysql_close(&my);
				return -1;
			}
			if (vertical) {
				if (first && v->col == 0)
					out_row_head(ev.rows);
				if (first && !args->no_names)
					out_vname(v->col);
				if (v->flags & MOOR_MYSQL_V_NULL)
					out("NULL", 4);
				else
					out_vertical(v->ptr, v->len);
				if (last)
					out("\n", 1);
				break;
			}
			if (first && ev.rows == 0 && v->col == 0 && !args->no_names && !args->silent) {
				uint32_t i;

				for (i = 0; i < ev.ncols; i++) {
					if (i > 0)
						out("\t", 1);
					out_name(i);
				}
				out("\n", 1);
			}
			if (first && v->col > 0)
				out("\t", 1);
			if (v->flags & MOOR_MYSQL_V_NULL)
				out("NULL", 4);
			else
				out_value(v->ptr, v->len);
			if (v->flags & MOOR_MYSQL_V_ROW_DONE)
				out("\n", 1);
			break;
		}
		case MOOR_MYSQL_E_END:
			out_write();
			fflush(stdout);
			break;
		default:
			break;
		}
	}
	if (st == MOOR_OK)
		return 0;
	out_len = 0;                 /* a result cut by an error is not printed */
	if (!started && !args->verbose)
		print_frame(sql, len);      /* (-v printed it on stdout already) */
	print_failure(st, line);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Cutting the SQL text into statements, as the mariadb client does. */

static char stmt[SCRIPT_CAP];
static char script[SCRIPT_CAP];

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * USE (and \u) is the client's command (COM_INIT_DB, no frame on error):
 * its argument, sql[0..len) here, is the first word or a quoted name.
 */
static int run_use(const char *sql, size_t len, unsigned long line)
{
	char name[256];
	size_t i = 0, from, to;
	int st;

	while (i < len && is_space(sql[i]))
		i++;
	if (i < len && (sql[i] == '`' || sql[i] == '\'' || sql[i] == '"')) {
		char q = sql[i++];

		from = i;
		while (i < len && sql[i] != q)
			i++;
	} else {
		from = i;
		while (i < len && !is_space(sql[i]))
			i++;
	}
	to = i;
	if (to == from || to - from >= sizeof name) {
		fflush(stdout);
		fputs("ERROR: USE must be followed by a database name\n", stderr);
		return -1;
	}
	memcpy(name, sql + from, to - from);
	name[to - from] = '\0';
	st = moor_mysql_init_db(&my, name, EVENT_WAIT_MS);
	if (st != MOOR_OK) {
		print_failure(st, line);
		return -1;
	}
	return 0;
}

/* Trailing blanks and control characters go (the client's remove_cntrl);
 * then the statement runs. */
static int flush_statement(size_t *o, unsigned long line, int vertical)
{
	size_t n = *o;

	*o = 0;
	while (n > 0 && ((unsigned char)stmt[n - 1] <= 0x20 || stmt[n - 1] == 0x7f))
		n--;
	if (n == 0)
		return 0;
	if (n >= 3 && lower((unsigned char)stmt[0]) == 'u' && lower((unsigned char)stmt[1]) == 's' &&
	    lower((unsigned char)stmt[2]) == 'e' && (n == 3 || is_space(stmt[3])))
		return run_use(stmt + 3, n - 3, line);
	return run_statement(stmt, n, line, vertical || args->vertical);
}

/* At s[i] (start of a statement): "delimiter X" sets the delimiter.
 * Returns the index after the command's line, or 0 if it is not one. */
static size_t delimiter_cmd(const char *s, size_t n, size_t i, char *delim, size_t *dlen)
{
	static const char kw[] = "delimiter";
	size_t k, j;

	if (n - i <= sizeof kw - 1)
		return 0;
	for (k = 0; k < sizeof kw - 1; k++)
		if (lower((unsigned char)s[i + k]) != kw[k])
			return 0;
	j = i + k;
	if (s[j] != ' ' && s[j] != '\t')
		return 0;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	k = 0;
	while (j + k < n && !is_space(s[j + k]))
		k++;
	if (k == 0 || k >= DELIM_MAX) {
		fprintf(stderr, "ERROR: DELIMITER must be followed by a 'delimiter' character or string\n");
		return (size_t)-1;
	}
	memcpy(delim, s + j, k);
	*dlen = k;
	j += k;
	while (j < n && s[j] != '\n')
		j++;
	return j;
}

static int run_script(const char *s, size_t n)
{
	char delim[DELIM_MAX] = ";";
	size_t dlen = 1, i = 0, o = 0;
	unsigned long line = 1, start = 1;
	char q = 0;          /* the quote of the string we are in */
	int ml = 0;          /* in a comment that is dropped */
	int hint = 0;        /* in a / *! ... * / hint, which is kept */
	int space = 0;       /* a dropped comment ended: a space before the next
	                      * character kept on this line, unless it is one */

#define PUT(c) do { \
		if (o == 0) \
			start = line; \
		if (space && !is_space(c)) \
			stmt[o++] = ' '; \
		space = 0; \
		stmt[o++] = (c); \
	} while (0)
	while (i < n) {
		char c = s[i];

		if (c == '\n') {
			/* the line's end: kept unless in a dropped comment */
			line++;
			if (o > 0 && !ml)
				stmt[o++] = '\n';
			space = 0;
			i++;
			continue;
		}
		if (q != 0) {
			PUT(c);
			i++;
			if (c == '\\' && i < n && s[i] != '\n') {
				PUT(s[i]);
				i++;
			} else if (c == q) {
				q = 0;
			}
			continue;
		}
		if (ml) {
			if (c == '*' && i + 1 < n && s[i + 1] == '/') {
				ml = 0;
				space = 1;
				i += 2;
			} else {
				i++;
			}
			continue;
		}
		if (hint) {
			PUT(c);
			i++;
			if (c == '*' && i < n && s[i] == '/') {
				PUT('/');
				i++;
				hint = 0;
			}
			continue;
		}
		if (o == 0 && is_space(c)) {
			i++;
			continue;
		}
		if (o == 0 && (c == 'd' || c == 'D')) {
			size_t e = delimiter_cmd(s, n, i, delim, &dlen);

			if (e == (size_t)-1)
				return -1;
			if (e != 0) {
				i = e;
				continue;
			}
		}
		if (n - i >= dlen && memcmp(s + i, delim, dlen) == 0) {
			i += dlen;
			if (flush_statement(&o, start, 0) != 0)
				return -1;
			continue;
		}
		if (c == '\\') {
			/* the client's one-letter commands */
			char k = i + 1 < n ? s[i + 1] : '\n';

			if (k == '\n') {
				i++;                    /* at the end of a line: dropped */
				continue;
			}
			if (k == 'N') {                 /* \N is NULL: kept */
				PUT('\\');
				PUT('N');
				i += 2;
				continue;
			}
			i += 2;
			if (k == 'g' || k == 'G') {     /* go, go vertical */
				if (flush_statement(&o, start, k == 'G') != 0)
					return -1;
			} else if (k == 'c') {          /* clear */
				o = 0;
			} else if (k == 'q') {          /* quit: what is pending runs */
				return flush_statement(&o, start, 0);
			} else if (k == 'u') {
				/* use: its word (delimiter and all, as in the
				 * client); the line is skipped to the delimiter */
				size_t j = i, e = i;

				while (e < n && s[e] != '\n')
					e++;
				while (j < n && s[j] != '\n' &&
				       !(n - j >= dlen && memcmp(s + j, delim, dlen) == 0))
					j++;
				if (run_use(s + i, e - i, line) != 0)
					return -1;
				i = j < n && s[j] != '\n' ? j + dlen : j;
			} else if (strchr("h?rdentpP#.s!TCWwR", k) != NULL) {
				fflush(stdout);
				fprintf(stderr, "moor mysql: the client command \\%c is not supported\n", k);
				return -1;
			} else {
				fflush(stdout);
				fprintf(stderr, "ERROR at line %lu: Unknown command '\\%c'.\n", line, k);
				return -1;
			}
			continue;
		}
		if (c == '\'' || c == '"' || c == '`') {
			q = c;
			PUT(c);
			i++;
			continue;
		}
		if (c == '#' || (c == '-' && i + 1 < n && s[i + 1] == '-' &&
		    (i + 2 >= n || is_space(s[i + 2])))) {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			if ((i + 2 < n && s[i + 2] == '!') ||
			    (i + 3 < n && s[i + 2] == 'M' && s[i + 3] == '!')) {
				hint = 1;
				PUT('/');
				PUT('*');
			} else {
				ml = 1;
			}
			i += 2;
			continue;
		}
		PUT(c);
		i++;
	}
#undef PUT
	return flush_statement(&o, start, 0);
}

/* SQL from stdin (no -e): all of it, up to SCRIPT_CAP - 1 bytes. */
static int read_stdin(size_t *len)
{
	size_t n = 0;

	for (;;) {
		ssize_t r = read(STDIN_FILENO, script + n, sizeof script - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "moor mysql: reading stdin: %s\n", strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof script - 1) {
			fprintf(stderr, "moor mysql: the SQL on stdin is larger than %u bytes\n",
				(unsigned)(sizeof script - 1));
			return -1;
		}
	}
	*len = n;
	return 0;
}

int cli_mysql(int argc, char **argv)
{
	mysql_args a;
	size_t script_len = 0;
	int ret, st;

	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	args = &a;
	if (a.exec == NULL && isatty(STDIN_FILENO))
		return usage_error("no -e SQL given (interactive mode is not supported)", NULL);
	if (a.prompt)
		a.pass = read_password();
	if (a.user == NULL)
		a.user = login_name();
	plat = moor_posix_platform(a.log);

	memset(&tcfg, 0, sizeof tcfg);
	tcfg.server_name = a.sni != NULL ? a.sni : a.host;
	tcfg.version_min = a.vmin;
	tcfg.version_max = a.vmax;
	if (a.mode != MOOR_SSL_DISABLE) {
		if (a.ca != NULL) {
			st = cli_load_anchors(a.ca, &tcfg.anchors);
			if (st != MOOR_OK) {
				cli_print_status(a.ca, st);
				return CLI_EXIT_FAIL;
			}
		}
		if (a.cert != NULL && cli_load_credentials(a.cert, a.key, &tcfg.client) != MOOR_OK)
			return CLI_EXIT_FAIL;
	}

	memset(&mcfg, 0, sizeof mcfg);
	mcfg.connect = hook_connect;
	mcfg.ssl_mode = a.mode;
	mcfg.tls = &tcfg;
	mcfg.tls_session = &tls;
	mcfg.tls_buf = tls_iobuf;
	mcfg.tls_buf_len = sizeof tls_iobuf;
	mcfg.user = a.user;
	mcfg.password = a.pass;
	mcfg.database = a.db != NULL && a.db[0] != '\0' ? a.db : NULL;
	mcfg.charset = a.charset;
	mcfg.caps = MOOR_MYSQL_CLIENT_MULTI_STATEMENTS;
	mcfg.program_name = "moor mysql";
	mcfg.get_server_public_key = (uint8_t)a.get_key;
	mcfg.connect_timeout_ms = (uint32_t)a.connect_ms;
	mcfg.timeout_ms = EVENT_WAIT_MS;
	if (a.rsa_key_path != NULL) {
		size_t n = 0;

		if (cli_read_file(a.rsa_key_path, rsa_pem, sizeof rsa_pem, &n) != MOOR_OK)
			return CLI_EXIT_FAIL;
		mcfg.server_rsa_pem = (const char *)rsa_pem;
		mcfg.server_rsa_pem_len = n;
	}

	st = moor_mysql_init(&my, &mcfg, plat, rxbuf, sizeof rxbuf, txbuf, sizeof txbuf);
	if (st == MOOR_OK)
		st = moor_mysql_connect(&my, (uint32_t)a.connect_ms);
	if (st != MOOR_OK) {
		print_failure(st, 0);
		return CLI_EXIT_FAIL;
	}
	if (a.exec == NULL && read_stdin(&script_len) != 0) {
		moor_mysql_close(&my);
		return CLI_EXIT_FAIL;
	}
	ret = a.exec != NULL ? run_script(a.exec, a.exec_len) : run_script(script, script_len);
	fflush(stdout);
	moor_mysql_close(&my);
	return ret == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
