/*
 * moor redis: one Redis command, with redis-cli's flags, printing the
 * reply exactly as `redis-cli ... | cat` does (redis-cli's "raw" output,
 * its default when stdout is not a terminal):
 *
 *   strings, simple strings, verbatim strings, doubles: the bytes as sent
 *   integers: decimal; booleans (RESP3): "(true)" / "(false)"; null: nothing
 *   errors: the text and a newline
 *   arrays, sets, pushes: the elements, one per line; maps: "key value"
 *   per line; nested aggregates inline by the same rules
 *   after the whole reply: a newline
 *
 * Where redis-cli 7.0 cannot print a type it fails, and so does this: a
 * RESP3 big number ("Unknown reply type: 13") or an attribute ("Protocol
 * error"): nothing on stdout, the same message on stderr, exit 1.
 * SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE print every message as it comes,
 * until the connection ends. RESP3 pushes are not printed otherwise.
 *
 * Output is held in a static buffer and written once a reply is whole
 * (or the buffer is full), so a failing type can still suppress it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/posix.h"
#include "moor/redis.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#include "cli.h"

#define REDIS_RX      16384u
#define REDIS_TX      4096u
#define OUT_CAP       65536u
#define MAX_ARGS      1024

void cli_redis_usage(FILE *f)
{
	fputs("usage: moor redis [OPTIONS] CMD [ARG ...]\n"
	      "\n"
	      "Send one command to a Redis server and print the reply as\n"
	      "`redis-cli ... | cat` prints it. The options are redis-cli's.\n"
	      "\n"
	      "options:\n"
	      "  -h HOST                server (default 127.0.0.1)\n"
	      "  -p PORT                port (default 6379)\n"
	      "  -u URI                 redis://[[USER:]PASS@]HOST[:PORT][/DB], or\n"
	      "                         rediss:// for TLS (percent-escapes decoded)\n"
	      "  -a PASS, --pass PASS   password (AUTH)\n"
	      "  --user USER            ACL user name (with -a / --pass)\n"
	      "  -n DB                  database number (SELECT)\n"
	      "  -2, -3                 RESP2 (default) or RESP3 (HELLO 3)\n"
	      "  -t SECONDS             connect timeout, decimals allowed (default 10);\n"
	      "                         given, also the longest wait for the reply\n"
	      "                         (default: no limit, as redis-cli)\n"
	      "  -e                     exit 1 when the reply is an error\n"
	      "  --tls                  TLS (verify-full against --cacert or the\n"
	      "                         built-in anchors)\n"
	      "  --cacert FILE          trust the CA certificates of this PEM file\n"
	      "  --cert FILE --key FILE client certificate and key (PEM/DER)\n"
	      "  --sni NAME             server name for SNI and the certificate check\n"
	      "                         (default: HOST)\n"
	      "  --insecure             encrypt without verifying the certificate\n"
	      "  --raw, --no-auth-warning   accepted; the output is always raw\n"
	      "moor options:\n"
	      "  --tls-version VER      1.2 | 1.3 | auto (default auto)\n"
	      "  --max-frag N           512 | 1024 | 2048 | 4096 | 16384: TLS record\n"
	      "                         size (asks for max_fragment_length below 16384)\n"
	      "  -v                     log from the library to stderr (twice: debug)\n"
	      "  --help                 this text\n"
	      "\n"
	      "exit status: 0 a reply was printed (also an error reply, unless -e),\n"
	      "1 failure (\"error: NAME: text\" on stderr), 2 bad usage.\n", f);
}

typedef struct redis_args {
	const char *host;
	unsigned long port;
	const char *user, *pass;
	unsigned long db;
	int resp;
	unsigned long timeout_ms;
	int timeout_given;
	int exit_on_error;
	int tls;
	const char *cacert, *cert, *key, *sni;
	int insecure;
	uint16_t vmin, vmax;
	unsigned long frag;
	int verbose;
	int no_auth_warning;
	int argc;                  /* the command */
	char **argv;
} redis_args;

/* Strings decoded from the URI live here for the process's lifetime. */
static char uri_host[256], uri_user[256], uri_pass[256];

/* Session state: static, the TLS context and buffers are large. */
static uint8_t tls_iobuf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t rxbuf[REDIS_RX], txbuf[REDIS_TX];
static moor_tls tls;
static moor_tls_config tcfg;
static moor_posix_tcp tcp;
static moor_redis rc;
static moor_redis_config rcfg;
static size_t argvlen[MAX_ARGS];

static int usage_error(const char *msg, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "moor redis: %s: %s\n\n", msg, arg);
	else
		fprintf(stderr, "moor redis: %s\n\n", msg);
	cli_redis_usage(stderr);
	return CLI_EXIT_USAGE;
}

/*
 * redis://[[USER:]PASS@]HOST[:PORT][/DB] (rediss:// = TLS), as redis-cli
 * reads it: user and password are percent-decoded; a missing part keeps
 * its default. Unlike redis-cli 7.0, an empty user (":PASS@") means the
 * default user, not a user named "".
 */
static int parse_uri(const char *uri, redis_args *a)
{
	const char *cur, *end, *at, *colon, *slash, *hend;
	unsigned long v;

	if (strncmp(uri, "rediss://", 9) == 0 || strncmp(uri, "REDISS://", 9) == 0) {
		a->tls = 1;
		cur = uri + 9;
	} else if (strncmp(uri, "redis://", 8) == 0 || strncmp(uri, "REDIS://", 8) == 0) {
		cur = uri + 8;
	} else {
		fprintf(stderr, "Invalid URI scheme\n");
		return -1;
	}
	end = uri + strlen(uri);
	if (cur == end)
		return 0;
	at = strchr(cur, '@');
	if (at != NULL) {
		colon = memchr(cur, ':', (size_t)(at - cur));
		if (colon != NULL) {
			if (cli_pct_decode(cur, (size_t)(colon - cur), uri_user, sizeof uri_user) != 0)
				goto bad;
			a->user = uri_user[0] != '\0' ? uri_user : NULL;
			cur = colon + 1;
		}
		if (cli_pct_decode(cur, (size_t)(at - cur), uri_pass, sizeof uri_pass) != 0)
			goto bad;
		a->pass = uri_pass;
		cur = at + 1;
	}
	if (cur == end)
		return 0;
	slash = strchr(cur, '/');
	if (*cur != '/') {
		hend = slash != NULL ? slash : end;
		colon = memchr(cur, ':', (size_t)(hend - cur));
		if (colon != NULL) {
			char num[16];
			size_t n = (size_t)(hend - colon - 1);

			if (n == 0 || n >= sizeof num)
				goto bad;
			memcpy(num, colon + 1, n);
			num[n] = '\0';
			if (cli_parse_ulong(num, 1, 65535, &v) != 0)
				goto bad;
			a->port = v;
			hend = colon;
		}
		if ((size_t)(hend - cur) >= sizeof uri_host)
			goto bad;
		if (hend > cur) {
			memcpy(uri_host, cur, (size_t)(hend - cur));
			uri_host[hend - cur] = '\0';
			a->host = uri_host;
		}
	}
	cur = slash != NULL ? slash + 1 : end;
	if (cur == end)
		return 0;
	if (cli_parse_ulong(cur, 0, 1000000, &v) != 0)
		goto bad;
	a->db = v;
	return 0;
bad:
	fprintf(stderr, "moor redis: bad URI: %s\n", uri);
	return -1;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, redis_args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	a->host = "127.0.0.1";
	a->port = 6379;
	a->resp = 2;
	a->timeout_ms = 10000;
	a->frag = 16384;
	a->verbose = -1;

	for (i = 1; i < argc; i++) {
		const char *v = NULL;
		int r;

		if (argv[i][0] != '-')
			break;
		if (strcmp(argv[i], "--help") == 0) {
			cli_redis_usage(stdout);
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "-v") == 0) {
			a->verbose = a->verbose < 2 ? 2 : 3;
			continue;
		}
		if (strcmp(argv[i], "-2") == 0) {
			a->resp = 2;
			continue;
		}
		if (strcmp(argv[i], "-3") == 0) {
			a->resp = 3;
			continue;
		}
		if (strcmp(argv[i], "-e") == 0) {
			a->exit_on_error = 1;
			continue;
		}
		if (strcmp(argv[i], "--tls") == 0) {
			a->tls = 1;
			continue;
		}
		if (strcmp(argv[i], "--insecure") == 0) {
			a->insecure = 1;
			continue;
		}
		if (strcmp(argv[i], "--raw") == 0)
			continue;
		if (strcmp(argv[i], "--no-auth-warning") == 0) {
			a->no_auth_warning = 1;
			continue;
		}
#define OPT(name) ((r = cli_opt(argc, argv, &i, (name), &v)) != 0)
		if (OPT("-h")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->host = v;
		} else if (OPT("-p")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 1, 65535, &a->port) != 0)
				return usage_error("bad port", v);
		} else if (OPT("-u")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (parse_uri(v, a) != 0)
				return CLI_EXIT_USAGE;
		} else if (OPT("-a") || OPT("--pass")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->pass = v;
		} else if (OPT("--user")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->user = v;
		} else if (OPT("-n")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 0, 1000000, &a->db) != 0)
				return usage_error("bad database number", v);
		} else if (OPT("-t")) {
			char *end = NULL;
			double secs;

			if (r < 0) return usage_error("missing value", NULL);
			secs = strtod(v, &end);
			if (end == v || *end != '\0' || !(secs >= 0.001 && secs <= 3600.0))
				return usage_error("bad -t (seconds, 0.001..3600)", v);
			a->timeout_ms = (unsigned long)(secs * 1000.0 + 0.5);
			a->timeout_given = 1;
		} else if (OPT("--cacert")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->cacert = v;
		} else if (OPT("--cert")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->cert = v;
		} else if (OPT("--key")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->key = v;
		} else if (OPT("--sni")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->sni = v;
		} else if (OPT("--tls-version")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (strcmp(v, "1.2") == 0)
				a->vmin = a->vmax = MOOR_TLS_1_2;
			else if (strcmp(v, "1.3") == 0)
				a->vmin = a->vmax = MOOR_TLS_1_3;
			else if (strcmp(v, "auto") == 0)
				a->vmin = a->vmax = 0;
			else
				return usage_error("bad --tls-version (1.2, 1.3, auto)", v);
		} else if (OPT("--max-frag")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 512, 16384, &a->frag) != 0 ||
			    (a->frag != 512 && a->frag != 1024 && a->frag != 2048 &&
			     a->frag != 4096 && a->frag != 16384))
				return usage_error("bad --max-frag (512, 1024, 2048, 4096, 16384)", v);
		} else {
			return usage_error("unknown option", argv[i]);
		}
#undef OPT
	}
	if (i >= argc)
		return usage_error("no command given (interactive mode is not supported)", NULL);
	if (argc - i > MAX_ARGS)
		return usage_error("too many arguments", NULL);
	if ((a->cert == NULL) != (a->key == NULL))
		return usage_error("--cert and --key go together", NULL);
	a->argc = argc - i;
	a->argv = argv + i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Connection hooks */

typedef struct redis_conn {
	const redis_args *a;
	const moor_platform *plat;
} redis_conn;

static redis_conn conn;

static int tls_reconnect(void *ctx, moor_transport **lower, uint32_t timeout_ms)
{
	redis_conn *c = ctx;
	int st = moor_posix_tcp_connect(&tcp, c->plat, c->a->host,
		(uint16_t)c->a->port, timeout_ms);

	if (st == MOOR_OK)
		*lower = &tcp.base;
	return st;
}

static int hook_connect(void *ctx, const char *host, uint16_t port,
	moor_transport **t, uint32_t timeout_ms)
{
	redis_conn *c = ctx;
	const redis_args *a = c->a;
	uint32_t deadline = c->plat->now_ms(c->plat->ctx) + timeout_ms;
	int st;

	st = moor_posix_tcp_connect(&tcp, c->plat, host != NULL ? host : a->host,
		port != 0 ? port : (uint16_t)a->port, timeout_ms);
	if (st != MOOR_OK)
		return st;
	if (!a->tls) {
		*t = &tcp.base;
		return MOOR_OK;
	}
	/* a full handshake, with full verification, on every connect */
	st = moor_tls_init(&tls, &tcfg, c->plat, tls_iobuf, MOOR_TLS_BUFSIZE(a->frag));
	if (st == MOOR_OK)
		st = moor_tls_handshake(&tls, &tcp.base, moor_ms_left(c->plat, deadline));
	if (st != MOOR_OK) {
		moor_transport_close(&tcp.base);
		return st;
	}
	*t = &tls.base;
	return MOOR_OK;
}

static void hook_disconnect(void *ctx, moor_transport *t, int graceful)
{
	redis_conn *c = ctx;

	if (c->a->tls && graceful)
		moor_tls_close(&tls, 1000);
	else
		moor_transport_close(t);
}

/* ------------------------------------------------------------------ */
/* redis-cli's raw output */

static uint8_t outbuf[OUT_CAP];
static size_t out_len;

static void out_flush(void)
{
	if (out_len > 0)
		fwrite(outbuf, 1, out_len, stdout);
	out_len = 0;
	fflush(stdout);
}

static void out(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n > 0) {
		size_t k;

		if (out_len == sizeof outbuf) {
			fwrite(outbuf, 1, out_len, stdout);
			out_len = 0;
		}
		k = sizeof outbuf - out_len < n ? sizeof outbuf - out_len : n;
		memcpy(outbuf + out_len, b, k);
		out_len += k;
		b += k;
		n -= k;
	}
}

static void outs(const char *s)
{
	out(s, strlen(s));
}

typedef struct fmt_frame {
	uint8_t type;
	unsigned long index;
} fmt_frame;

typedef struct fmt {
	fmt_frame stack[MOOR_CONFIG_RESP_MAX_DEPTH + 1];
	int failed;                 /* 1: a type redis-cli cannot print */
	int is_error;               /* the top-level reply is an error */
	int no_delim;               /* no newline after the reply (see below) */
} fmt;

/* Delimiter before an element that starts at `depth`. */
static void element_start(fmt *f, unsigned depth)
{
	fmt_frame *p;

	if (depth == 0)
		return;
	p = &f->stack[depth - 1];
	if (p->type == MOOR_RESP_MAP) {
		if (p->index > 0)
			outs(p->index % 2 == 0 ? "\n" : " ");
	} else if (p->index > 0) {
		outs("\n");
	}
	p->index++;
}

/* Format one event. Returns 1 when the top-level value is complete. */
static int fmt_event(fmt *f, const moor_redis_event *ev)
{
	const moor_resp_event *e = &ev->resp;
	char num[32];

	if (f->failed)
		return ev->done;
	switch (e->kind) {
	case MOOR_RESP_EV_BEGIN:
		if (e->type == MOOR_RESP_ATTRIBUTE) {
			f->failed = 2;
			break;
		}
		element_start(f, e->depth);
		if (e->depth < MOOR_CONFIG_RESP_MAX_DEPTH) {
			f->stack[e->depth].type = e->type;
			f->stack[e->depth].index = 0;
		}
		break;
	case MOOR_RESP_EV_END:
		break;
	case MOOR_RESP_EV_CHUNK:
		if (e->flags & MOOR_RESP_F_FIRST)
			element_start(f, e->depth);
		out(e->ptr, e->len);
		if ((e->flags & MOOR_RESP_F_LAST) &&
		    (e->type == MOOR_RESP_ERROR || e->type == MOOR_RESP_BLOB_ERROR))
			outs("\n");
		if (e->depth == 0 && (e->type == MOOR_RESP_ERROR || e->type == MOOR_RESP_BLOB_ERROR))
			f->is_error = 1;
		break;
	default:
		element_start(f, e->depth);
		switch (e->type) {
		case MOOR_RESP_ERROR:
		case MOOR_RESP_BLOB_ERROR:
			out(e->ptr, e->len);
			outs("\n");
			if (e->depth == 0)
				f->is_error = 1;
			break;
		case MOOR_RESP_INTEGER:
			snprintf(num, sizeof num, "%lld", (long long)e->num);
			outs(num);
			break;
		case MOOR_RESP_BOOLEAN:
			outs(e->num ? "(true)" : "(false)");
			break;
		case MOOR_RESP_NULL:
			break;
		case MOOR_RESP_BIGNUM:
			f->failed = 1;
			break;
		default:   /* + $ = , */
			out(e->ptr, e->len);
			break;
		}
		break;
	}
	if (ev->done && !f->failed && !f->no_delim)
		outs("\n");
	return ev->done;
}

/* The reply could not be printed the way redis-cli would: drop it. */
static int fmt_fail(const fmt *f)
{
	out_len = 0;
	if (f->failed == 1)
		fprintf(stderr, "Unknown reply type: 13\n");
	else
		fprintf(stderr, "Error: Protocol error, got \"|\" as reply type byte\n");
	return CLI_EXIT_FAIL;
}

static int arg_eq(const char *a, const char *upper)
{
	size_t k;

	for (k = 0; upper[k] != '\0'; k++) {
		char c = a[k];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != upper[k])
			return 0;
	}
	return a[k] == '\0';
}

/*
 * Commands whose text redis-cli prints without its newline after the
 * reply (their text has line breaks of its own): INFO, LOLWUT, DEBUG
 * HTSTATS / HTSTATS-KEY / CLIENT-EVICTION, MEMORY MALLOC-STATS / DOCTOR,
 * CLUSTER NODES / INFO, CLIENT LIST / INFO, LATENCY GRAPH / DOCTOR,
 * PROXY INFO, with the argument counts redis-cli checks.
 */
static int text_command(int argc, char **argv)
{
	const char *c = argv[0], *s = argc >= 2 ? argv[1] : "";

	if (arg_eq(c, "INFO") || arg_eq(c, "LOLWUT"))
		return 1;
	if (argc >= 2 && arg_eq(c, "DEBUG") && (arg_eq(s, "HTSTATS") ||
	    arg_eq(s, "HTSTATS-KEY") || arg_eq(s, "CLIENT-EVICTION")))
		return 1;
	if (argc >= 2 && arg_eq(c, "MEMORY") && (arg_eq(s, "MALLOC-STATS") ||
	    arg_eq(s, "DOCTOR")))
		return 1;
	if (argc == 2 && arg_eq(c, "CLUSTER") && (arg_eq(s, "NODES") || arg_eq(s, "INFO")))
		return 1;
	if (argc >= 2 && arg_eq(c, "CLIENT") && (arg_eq(s, "LIST") || arg_eq(s, "INFO")))
		return 1;
	if (argc == 3 && arg_eq(c, "LATENCY") && arg_eq(s, "GRAPH"))
		return 1;
	if (argc == 2 && arg_eq(c, "LATENCY") && arg_eq(s, "DOCTOR"))
		return 1;
	if (argc >= 2 && arg_eq(c, "PROXY") && arg_eq(s, "INFO"))
		return 1;
	return 0;
}

static int is_subscribe(const redis_args *a)
{
	static const char *const names[] = { "subscribe", "psubscribe", "ssubscribe" };
	size_t i, k;

	for (i = 0; i < 3; i++) {
		const char *n = names[i];

		for (k = 0; n[k] != '\0' && a->argv[0][k] != '\0'; k++) {
			char c = a->argv[0][k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != n[k])
				break;
		}
		if (n[k] == '\0' && a->argv[0][k] == '\0')
			return 1;
	}
	return 0;
}

/* Send the command, print its reply (or, for SUBSCRIBE, every message). */
static int run_command(const redis_args *a)
{
	moor_redis_event ev;
	fmt f;
	uint32_t seq = 0;
	int st, i, sub = is_subscribe(a);

	for (i = 0; i < a->argc; i++)
		argvlen[i] = strlen(a->argv[i]);
	st = moor_redis_send(&rc, (size_t)a->argc, (const char *const *)a->argv,
		argvlen, &seq, (uint32_t)a->timeout_ms);
	if (st != MOOR_OK) {
		cli_print_status(NULL, st);
		return CLI_EXIT_FAIL;
	}
	memset(&f, 0, sizeof f);
	f.no_delim = text_command(a->argc, a->argv);
	for (;;) {
		st = moor_redis_poll(&rc, &ev, sub || !a->timeout_given ? 3600000u
			: (uint32_t)a->timeout_ms);
		if (st == MOOR_ERR_TIMEOUT && (sub || !a->timeout_given))
			continue;      /* like redis-cli: no limit unless -t */
		if (st < 0) {
			out_flush();
			if (sub && st == MOOR_ERR_CLOSED)
				return CLI_EXIT_OK;
			cli_print_status(NULL, st);
			return CLI_EXIT_FAIL;
		}
		if (ev.push && !sub)
			continue;        /* redis-cli does not print pushes */
		if (!ev.push && ev.seq != seq)
			continue;
		if (!ev.push && ev.resp.depth == 0 && a->exit_on_error && !sub &&
		    (ev.resp.type == MOOR_RESP_ERROR || ev.resp.type == MOOR_RESP_BLOB_ERROR)) {
			/* -e: the error text goes to stderr, nothing to stdout */
			fwrite(ev.resp.ptr, 1, ev.resp.len, stderr);
			if (ev.resp.kind == MOOR_RESP_EV_VALUE ||
			    (ev.resp.flags & MOOR_RESP_F_LAST))
				fputc('\n', stderr);
			if (ev.done)
				return CLI_EXIT_FAIL;
			continue;
		}
		if (fmt_event(&f, &ev)) {
			int nd = f.no_delim;

			if (f.failed)
				return fmt_fail(&f);
			out_flush();
			if (!sub || (!ev.push && f.is_error))
				break;
			memset(&f, 0, sizeof f);
			f.no_delim = nd;
		}
	}
	return f.is_error && a->exit_on_error ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cli_redis(int argc, char **argv)
{
	redis_args a;
	int ret, st;

	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (a.pass != NULL && !a.no_auth_warning)
		fprintf(stderr, "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
	conn.a = &a;
	conn.plat = moor_posix_platform(a.verbose);

	if (a.tls) {
		memset(&tcfg, 0, sizeof tcfg);
		tcfg.mode = a.insecure ? MOOR_SSL_REQUIRE : MOOR_SSL_VERIFY_FULL;
		tcfg.server_name = a.sni != NULL ? a.sni : a.host;
		tcfg.version_min = a.vmin;
		tcfg.version_max = a.vmax;
		tcfg.reconnect = tls_reconnect;
		tcfg.reconnect_ctx = &conn;
		if (a.cacert != NULL) {
			st = cli_load_anchors(a.cacert, &tcfg.anchors);
			if (st != MOOR_OK) {
				cli_print_status(a.cacert, st);
				return CLI_EXIT_FAIL;
			}
		}
		if (a.cert != NULL) {
			if (cli_load_credentials(a.cert, a.key, &tcfg.client) != MOOR_OK)
				return CLI_EXIT_FAIL;
		}
	}

	memset(&rcfg, 0, sizeof rcfg);
	rcfg.connect = hook_connect;
	rcfg.disconnect = hook_disconnect;
	rcfg.conn_ctx = &conn;
	rcfg.user = a.user;
	rcfg.password = a.pass;
	rcfg.db = (unsigned)a.db;
	rcfg.resp = (uint8_t)a.resp;
	rcfg.connect_timeout_ms = (uint32_t)a.timeout_ms;
	rcfg.timeout_ms = (uint32_t)a.timeout_ms;
	st = moor_redis_init(&rc, &rcfg, conn.plat, rxbuf, sizeof rxbuf, txbuf, sizeof txbuf);
	if (st == MOOR_OK)
		st = moor_redis_connect(&rc, (uint32_t)a.timeout_ms);
	if (st != MOOR_OK) {
		cli_print_status(NULL, st);
		return CLI_EXIT_FAIL;
	}
	ret = run_command(&a);
	moor_redis_close(&rc);
	return ret;
}
