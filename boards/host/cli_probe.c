/*
 * moor probe: connect, run a TLS handshake, print what was negotiated.
 *
 * The TCP transport is wrapped in a moor_fault transport (injecting
 * nothing) whose receive observer parses the TLS record headers out of the
 * byte stream, so the probe can report the largest record the server sent
 * (max_record_in). Tests use it to check that max_fragment_length was
 * honored.
 */
#include <stdio.h>
#include <string.h>

#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#include "cli.h"

void cli_probe_usage(FILE *f)
{
	fputs("usage: moor probe -h HOST -p PORT [options]\n"
	      "\n"
	      "Connect to HOST:PORT, run a TLS handshake, send nothing, close with\n"
	      "close_notify. On success prints `key: value` lines: version, cipher,\n"
	      "group, peer, anchor, record_limit, verify, max_record_in, resumed, hrr,\n"
	      "fallback, tickets. With TLS 1.3 it first waits (up to 2 s) for the\n"
	      "server's session ticket, or for the alert a server sends when it\n"
	      "rejects the client certificate.\n"
	      "\n"
	      "options:\n"
	      "  -h, --host HOST        server address or name (required)\n"
	      "  -p, --port PORT        TCP port (required)\n"
	      "  --sni NAME             server name for SNI and the host name check\n"
	      "                         (default: HOST)\n"
	      "  --cacert FILE          trust the CA certificates of this PEM file\n"
	      "                         (default: the anchors compiled in)\n"
	      "  --cert FILE --key FILE client certificate chain and private key (PEM/DER)\n"
	      "  --ssl-mode MODE        disable | require | verify-ca | verify-full\n"
	      "                         (default: verify-full)\n"
	      "  --tls VER              1.2 | 1.3 | auto (default: auto: TLS 1.3, and\n"
	      "                         TLS 1.2 on a new connection if the server\n"
	      "                         refuses 1.3)\n"
	      "  --resume N             connect N more times, resuming the session with\n"
	      "                         the ticket of the previous one (TLS 1.3); prints\n"
	      "                         one block per connection, after `connection: K`\n"
	      "  --send TEXT            after the handshake, send TEXT and a newline\n"
	      "  --recv N               then read N bytes and print them as `reply: ...`\n"
	      "                         (bytes outside printable ASCII as \\xHH)\n"
	      "  --max-frag N           512 | 1024 | 2048 | 4096 | 16384: record size,\n"
	      "                         asks for max_fragment_length below 16384\n"
	      "  --timeout MS           connect and handshake timeout (default 10000)\n"
	      "  --time-floor           if the wall time is unknown, validate at the\n"
	      "                         build date instead of failing (MOOR_TIME_USE_FLOOR)\n"
	      "  --scratch              lend the session handshake scratch memory for the\n"
	      "                         certificate validator (moor_tls_config.scratch),\n"
	      "                         overwritten after each handshake to show that the\n"
	      "                         session no longer uses it\n"
	      "  -v                     log from the library to stderr (twice: debug)\n"
	      "  --help                 this text\n", f);
}

/* Scans TLS record headers (5 bytes: type, version, length) out of the
 * received byte stream. */
typedef struct rec_scan {
	uint8_t hdr[5];
	size_t hdr_len;
	size_t body_left;
	size_t max_record;
	unsigned long records;
} rec_scan;

static void rec_scan_feed(void *ctx, const uint8_t *data, size_t len)
{
	rec_scan *rs = ctx;
	size_t i = 0;

	while (i < len) {
		if (rs->body_left > 0) {
			size_t take = len - i;
			if (take > rs->body_left)
				take = rs->body_left;
			rs->body_left -= take;
			i += take;
			continue;
		}
		rs->hdr[rs->hdr_len++] = data[i++];
		if (rs->hdr_len == sizeof rs->hdr) {
			size_t body = ((size_t)rs->hdr[3] << 8) | rs->hdr[4];
			if (5 + body > rs->max_record)
				rs->max_record = 5 + body;
			rs->body_left = body;
			rs->hdr_len = 0;
			rs->records++;
		}
	}
}

/* Session state; static because the TLS context and buffer are large. */
static uint8_t iobuf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t scratch[MOOR_TLS_SCRATCH_SIZE];
static moor_tls tls;
static moor_posix_tcp tcp;
static moor_fault fault;
static moor_fault_config fault_cfg;
static moor_tls13_ticket ticket;
static uint8_t peer_dn[CLI_DN_MAX];

typedef struct probe_args {
	const char *host, *sni, *cacert, *cert, *key, *send;
	unsigned long recv;
	unsigned long port, frag, timeout_ms, resume;
	int time_floor;              /* --time-floor */
	int scratch;                 /* --scratch */
	moor_ssl_mode mode;
	uint16_t vmin, vmax;
	int verbose;
} probe_args;

static int usage_error(const char *msg, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "moor probe: %s: %s\n\n", msg, arg);
	else
		fprintf(stderr, "moor probe: %s\n\n", msg);
	cli_probe_usage(stderr);
	return CLI_EXIT_USAGE;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, probe_args *a)
{
	int i;
	int have_port = 0;

	memset(a, 0, sizeof *a);
	a->frag = 16384;
	a->timeout_ms = 10000;
	a->mode = MOOR_SSL_VERIFY_FULL;
	a->verbose = -1;

	for (i = 1; i < argc; i++) {
		const char *v = NULL;
		int r;

		if (strcmp(argv[i], "--help") == 0) {
			cli_probe_usage(stdout);
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			a->verbose = a->verbose < 2 ? 2 : 3;
			continue;
		}
		if (strcmp(argv[i], "--time-floor") == 0) {
			a->time_floor = 1;
			continue;
		}
		if (strcmp(argv[i], "--scratch") == 0) {
			a->scratch = 1;
			continue;
		}
		if (strcmp(argv[i], "-vv") == 0) {
			a->verbose = 3;
			continue;
		}
#define OPT(name) ((r = cli_opt(argc, argv, &i, (name), &v)) != 0)
		if (OPT("-h") || OPT("--host")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->host = v;
		} else if (OPT("-p") || OPT("--port")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 1, 65535, &a->port) != 0)
				return usage_error("bad port", v);
			have_port = 1;
		} else if (OPT("--sni")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->sni = v;
		} else if (OPT("--cacert")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->cacert = v;
		} else if (OPT("--cert")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->cert = v;
		} else if (OPT("--key")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->key = v;
		} else if (OPT("--ssl-mode")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (moor_ssl_mode_parse(v, &a->mode) != MOOR_OK)
				return usage_error("bad --ssl-mode (disable, require, verify-ca, verify-full)", v);
		} else if (OPT("--tls")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (strcmp(v, "1.2") == 0) {
				a->vmin = a->vmax = MOOR_TLS_1_2;
			} else if (strcmp(v, "1.3") == 0) {
				a->vmin = a->vmax = MOOR_TLS_1_3;
			} else if (strcmp(v, "auto") == 0) {
				a->vmin = a->vmax = 0;
			} else {
				return usage_error("bad --tls (1.2, 1.3, auto)", v);
			}
		} else if (OPT("--send")) {
			if (r < 0) return usage_error("missing value", NULL);
			a->send = v;
		} else if (OPT("--recv")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 1, 1048576, &a->recv) != 0)
				return usage_error("bad --recv (1..1048576)", v);
		} else if (OPT("--resume")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 0, 100, &a->resume) != 0)
				return usage_error("bad --resume (0..100)", v);
		} else if (OPT("--max-frag")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 512, 16384, &a->frag) != 0 ||
			    (a->frag != 512 && a->frag != 1024 && a->frag != 2048 &&
			     a->frag != 4096 && a->frag != 16384))
				return usage_error("bad --max-frag (512, 1024, 2048, 4096, 16384)", v);
		} else if (OPT("--timeout")) {
			if (r < 0) return usage_error("missing value", NULL);
			if (cli_parse_ulong(v, 1, 3600000, &a->timeout_ms) != 0)
				return usage_error("bad --timeout (milliseconds, 1..3600000)", v);
		} else {
			return usage_error("unknown option", argv[i]);
		}
#undef OPT
	}
	if (a->host == NULL)
		return usage_error("-h HOST is required", NULL);
	if (!have_port)
		return usage_error("-p PORT is required", NULL);
	if ((a->cert == NULL) != (a->key == NULL))
		return usage_error("--cert and --key go together", NULL);
	return -1;
}

static void print_result(const probe_args *a, const moor_tls_config *cfg,
	const rec_scan *rs)
{
	const moor_tls_info *info = moor_tls_get_info(&tls);
	const moor_anchors *anchors = cfg->anchors != NULL ? cfg->anchors
		: &moor_builtin_anchors;
	char dn[CLI_DN_MAX];
	char idx[16];

	if (a->mode == MOOR_SSL_DISABLE || info == NULL || info->version == 0) {
		printf("version: none (plaintext)\n");
		printf("cipher: none\n");
		printf("group: none\n");
		printf("peer: none\n");
		printf("anchor: none (not verified)\n");
		printf("record_limit: none\n");
		printf("verify: %s\n", moor_ssl_mode_name(a->mode));
		printf("max_record_in: none\n");
		return;
	}
	if (info->resumed) {
		/* No certificates in a resumed session: the chain was verified
		 * when the ticket's session was made. */
		snprintf(dn, sizeof dn, "(resumed session)");
	} else {
		cli_format_dn(peer_dn, info->peer_dn_len, dn, sizeof dn);
	}
	printf("version: %s\n", moor_tls_version_name(info->version));
	printf("cipher: %s\n", moor_tls_suite_name(info->cipher_suite));
	printf("group: %s\n", moor_tls_group_name(info->group));
	printf("peer: %s\n", dn);
	printf("anchor: %s\n", info->resumed ? "(resumed session: verified when the ticket was issued)"
		: cli_anchor_name(anchors, info->anchor_index, idx, sizeof idx));
	printf("record_limit: %u\n", (unsigned)info->record_limit);
	printf("verify: %s\n", moor_ssl_mode_name(a->mode));
	printf("max_record_in: %lu\n", (unsigned long)rs->max_record);
	printf("resumed: %s\n", info->resumed ? "yes" : "no");
	printf("hrr: %s\n", info->hrr ? "yes" : "no");
	printf("fallback: %s\n", info->fell_back ? "yes" : "no");
	printf("tickets: %u\n", moor_tls_tickets(&tls, NULL));
}

typedef struct probe_conn {
	const probe_args *a;
	const moor_platform *plat;
	rec_scan rs;
} probe_conn;

/* TCP connect, wrapped in the record-scanning fault transport. */
static int open_lower(probe_conn *pc, moor_transport **lower, uint32_t timeout_ms)
{
	int st = moor_posix_tcp_connect(&tcp, pc->plat, pc->a->host,
		(uint16_t)pc->a->port, timeout_ms);

	if (st != MOOR_OK)
		return st;
	memset(&pc->rs, 0, sizeof pc->rs);
	moor_fault_config_default(&fault_cfg);
	if (pc->a->mode != MOOR_SSL_DISABLE) {
		fault_cfg.on_recv = rec_scan_feed;
		fault_cfg.observer_ctx = &pc->rs;
	}
	moor_fault_init(&fault, &tcp.base, &fault_cfg);
	*lower = &fault.base;
	return MOOR_OK;
}

/* The TLS 1.2 fallback's new connection. */
static int reconnect(void *ctx, moor_transport **lower, uint32_t timeout_ms)
{
	return open_lower(ctx, lower, timeout_ms);
}

/* --send / --recv: one line out, N bytes back. */
static int exchange(probe_conn *pc)
{
	const probe_args *a = pc->a;
	static uint8_t line[4096 + 1];
	uint8_t buf[512];
	unsigned long got = 0;
	size_t n;
	int st = MOOR_OK;

	if (a->send != NULL) {
		n = strlen(a->send);
		if (n > sizeof line - 1)
			n = sizeof line - 1;
		memcpy(line, a->send, n);
		line[n++] = '\n';
		st = moor_io_send_all(&tls.base, pc->plat, line, n, (uint32_t)a->timeout_ms);
	}
	if (st != MOOR_OK || a->recv == 0)
		return st;
	printf("reply: ");
	while (got < a->recv) {
		size_t want = a->recv - got < sizeof buf ? a->recv - got : sizeof buf, i;
		int r = moor_io_recv_some(&tls.base, pc->plat, buf, want, (uint32_t)a->timeout_ms);

		if (r < 0) {
			printf("\n");
			return r;
		}
		for (i = 0; i < (size_t)r; i++) {
			if (buf[i] >= 0x20 && buf[i] < 0x7f && buf[i] != '\\')
				putchar(buf[i]);
			else
				printf("\\x%02x", buf[i]);
		}
		got += (unsigned long)r;
	}
	printf("\n");
	fflush(stdout);
	return MOOR_OK;
}

/* One connection: handshake, wait for a ticket (TLS 1.3), print, close. */
static int probe_once(probe_conn *pc, moor_tls_config *cfg)
{
	const probe_args *a = pc->a;
	moor_transport *lower;
	int st;

	st = moor_tls_init(&tls, cfg, pc->plat, iobuf, MOOR_TLS_BUFSIZE(a->frag));
	if (st != MOOR_OK)
		return st;
	st = open_lower(pc, &lower, (uint32_t)a->timeout_ms);
	if (st != MOOR_OK)
		return st;
	st = moor_tls_handshake(&tls, lower, (uint32_t)a->timeout_ms);
	if (a->scratch)
		memset(scratch, 0xa5, sizeof scratch);  /* no longer the session's */
	if (st == MOOR_OK && moor_tls_get_info(&tls)->version == MOOR_TLS_1_3) {
		uint32_t deadline = pc->plat->now_ms(pc->plat->ctx) + 2000;
		uint32_t left;

		unsigned seen = 0;

		while ((moor_tls_tickets(&tls, &seen), seen == 0)
			&& (left = moor_ms_left(pc->plat, deadline)) > 0) {
			st = moor_tls_poll(&tls, left);
			if (st != 0)
				break;
		}
		if (st > 0)
			st = MOOR_OK;  /* application data came first */
	}
	if (st != MOOR_OK) {
		moor_transport_close(&fault.base);
		return st;
	}
	print_result(a, cfg, &pc->rs);
	fflush(stdout);
	st = exchange(pc);
	if (st != MOOR_OK) {
		moor_transport_close(&fault.base);
		return st;
	}
	moor_tls_close(&tls, 1000);
	return MOOR_OK;
}

int cli_probe(int argc, char **argv)
{
	probe_args a;
	moor_tls_config cfg;
	probe_conn pc;
	unsigned long k;
	int rc, st;

	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	memset(&pc, 0, sizeof pc);
	pc.a = &a;
	pc.plat = moor_posix_platform(a.verbose);

	memset(&cfg, 0, sizeof cfg);
	cfg.mode = a.mode;
	cfg.server_name = a.sni != NULL ? a.sni : a.host;
	cfg.version_min = a.vmin;
	cfg.version_max = a.vmax;
	cfg.time_policy = a.time_floor ? MOOR_TIME_USE_FLOOR : MOOR_TIME_FAIL_CLOSED;
	if (a.scratch) {
		cfg.scratch = scratch;
		cfg.scratch_len = sizeof scratch;
	}
	cfg.peer_dn = peer_dn;
	cfg.peer_dn_cap = sizeof peer_dn;
	cfg.reconnect = reconnect;
	cfg.reconnect_ctx = &pc;
	cfg.ticket = &ticket;
	if (a.cacert != NULL) {
		st = cli_load_anchors(a.cacert, &cfg.anchors);
		if (st != MOOR_OK) {
			cli_print_status(a.cacert, st);
			return CLI_EXIT_FAIL;
		}
	}
	if (a.cert != NULL) {
		if (cli_load_credentials(a.cert, a.key, &cfg.client) != MOOR_OK)
			return CLI_EXIT_FAIL;
	}

	for (k = 0; k <= a.resume; k++) {
		if (a.resume > 0)
			printf("connection: %lu\n", k + 1);
		st = probe_once(&pc, &cfg);
		if (st != MOOR_OK) {
			fflush(stdout);
			cli_print_status(NULL, st);
			return CLI_EXIT_FAIL;
		}
	}
	memset(&ticket, 0, sizeof ticket);
	return CLI_EXIT_OK;
}
