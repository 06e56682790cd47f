/*
 * The MySQL codec against real servers: a small blocking driver, written
 * for this test only (the stateful client lives elsewhere), that uses
 * moor's TCP and TLS transports and nothing but core/mysql for the
 * protocol.
 *
 *   mysql_codec_interop PORT MODE USER PASSWORD [CA_PEM] [ARG]
 *
 * MODE:
 *   full    log in (TLS when CA_PEM is given: SSLRequest, verify-full
 *           against CA_PEM for "localhost"), then every check below
 *   noeof   the same without CLIENT_DEPRECATE_EOF (EOF packets)
 *   batch   log in and print the result of the query ARG the way
 *           `mariadb --batch` does (the script diffs the two)
 *   auth    log in, COM_PING, COM_QUIT (for the scripted
 *           caching_sha2_password server: fast path, RSA, cleartext)
 *   authnative  the same, answering the handshake with
 *           mysql_native_password (the server switches plugins)
 *   switch  log in and expect an AuthSwitchRequest to ARG (a plugin name
 *           moor does not implement), then stop
 *
 * Prints one line per check ("ok NAME" / "FAIL NAME: why"); exits 0 when
 * all passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moor/mysql_proto.h"
#include "moor/posix.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/x509.h"

#define TIMEOUT 15000

static int failures;
static int force_native;   /* answer the handshake with mysql_native_password */

static FILE *report;       /* stdout, or stderr when stdout carries results */

static void check(int ok, const char *name, const char *why)
{
	if (ok) {
		fprintf(report, "ok %s\n", name);
	} else {
		fprintf(report, "FAIL %s: %s\n", name, why ? why : "");
		failures++;
	}
	fflush(report);
}

/* ------------------------------------------------------------------ */
/* The connection: a transport and the reader over one buffer. */

typedef struct {
	const moor_platform *plat;
	moor_posix_tcp tcp;
	moor_tls tls;
	int use_tls;
	moor_transport *t;
	moor_mysql_reader rd;
	uint8_t *buf;
	size_t cap, fill, off;
	uint32_t caps;
	uint8_t scramble[MOOR_MYSQL_SCRAMBLE_MAX];
} conn;

static uint8_t tls_buf[MOOR_TLS_BUFSIZE_FULL];
static uint8_t big_rx[1 << 16];
static uint8_t small_rx[4096];
static uint8_t tx[1 << 16];
static char big_tx[20000200];

/* The next reader event; slices stay valid until the next call. */
static int next_event(conn *c, moor_mysql_packet *pk)
{
	size_t used;
	int r;

	for (;;) {
		r = moor_mysql_read(&c->rd, c->buf + c->off, c->fill - c->off, &used, pk);
		if (r < 0)
			return r;
		c->off += used;
		if (r == 1)
			return 1;
		memmove(c->buf, c->buf + c->off, c->fill - c->off);
		c->fill -= c->off;
		c->off = 0;
		r = moor_io_recv_some(c->t, c->plat, c->buf + c->fill, c->cap - c->fill, TIMEOUT);
		if (r < 0)
			return r;
		c->fill += (size_t)r;
	}
}

/* A whole packet (anything chunked is an error here). */
static int next_whole(conn *c, moor_mysql_packet *pk)
{
	int r = next_event(c, pk);

	if (r == 1 && pk->kind != MOOR_MYSQL_PKT_WHOLE)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	return r < 0 ? r : MOOR_OK;
}

static int send_bytes(conn *c, const uint8_t *p, size_t n)
{
	return moor_io_send_all(c->t, c->plat, p, n, TIMEOUT);
}

/* Print an ERR packet. */
static void print_err(const moor_mysql_packet *pk)
{
	moor_mysql_err e;

	if (moor_mysql_parse_err(pk->ptr, pk->len, &e) == MOOR_OK)
		fprintf(stderr, "server error %u (%s): %.*s\n", e.code, e.sqlstate,
			(int)e.message.len, (const char *)e.message.ptr);
}

/* ------------------------------------------------------------------ */
/* Login. */

static moor_anchors anchors;
static br_x509_trust_anchor ta_slots[4];
static uint8_t anchor_work[8192];
static char ca_text[16384];

static int start_tls(conn *c, const char *ca_path)
{
	moor_tls_config cfg;
	FILE *f = fopen(ca_path, "r");
	size_t n;
	int st;

	if (f == NULL)
		return MOOR_ERR_INVALID_ARG;
	n = fread(ca_text, 1, sizeof ca_text - 1, f);
	fclose(f);
	st = moor_anchors_from_pem(&anchors, ta_slots, NULL, 4, anchor_work, sizeof anchor_work,
		ca_text, n);
	if (st < 0)
		return st;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = MOOR_SSL_VERIFY_FULL;
	cfg.server_name = "localhost";
	cfg.anchors = &anchors;
	st = moor_tls_init(&c->tls, &cfg, c->plat, tls_buf, sizeof tls_buf);
	if (st == MOOR_OK)
		st = moor_tls_handshake(&c->tls, &c->tcp.base, TIMEOUT);
	if (st == MOOR_OK) {
		c->t = &c->tls.base;
		c->use_tls = 1;
	}
	return st;
}

/* The auth response of `plugin` for `pw` and the nonce. */
static int auth_response(int plugin, const char *pw, const uint8_t *nonce, size_t nlen,
	uint8_t *out, size_t *len)
{
	if (plugin == MOOR_MYSQL_AUTH_CACHING_SHA2)
		return moor_mysql_auth_sha2(pw, strlen(pw), nonce, nlen, out, len);
	if (plugin == MOOR_MYSQL_AUTH_NATIVE)
		return moor_mysql_auth_native(pw, strlen(pw), nonce, nlen, out, len);
	return MOOR_ERR_MYSQL_UNSUPPORTED;
}

/*
 * Log in. Returns MOOR_OK, a status, or 1 when the server switched to
 * `expect_switch` (which moor does not implement).
 */
static int login(conn *c, uint16_t port, const char *user, const char *pw, const char *ca,
	uint32_t want, const char *db, const char *expect_switch)
{
	moor_mysql_packet pk;
	moor_mysql_handshake hs;
	moor_mysql_login l;
	uint8_t auth[64], seq;
	size_t alen = 0, len;
	int st, plugin;

	st = moor_posix_tcp_connect(&c->tcp, c->plat, "127.0.0.1", port, TIMEOUT);
	if (st != MOOR_OK)
		return st;
	c->t = &c->tcp.base;
	moor_mysql_reader_init(&c->rd, c->cap);
	st = next_whole(c, &pk);
	if (st != MOOR_OK)
		return st;
	st = moor_mysql_parse_handshake(pk.ptr, pk.len, &hs);
	if (st != MOOR_OK)
		return st;
	memcpy(c->scramble, hs.scramble, hs.scramble_len);
	if (ca != NULL)
		want |= MOOR_MYSQL_CLIENT_SSL;
	if (db != NULL)
		want |= MOOR_MYSQL_CLIENT_CONNECT_WITH_DB;
	st = moor_mysql_negotiate(hs.caps, want, &c->caps);
	if (st != MOOR_OK)
		return st;
	seq = moor_mysql_reader_seq(&c->rd);
	if (ca != NULL) {
		if ((c->caps & MOOR_MYSQL_CLIENT_SSL) == 0)
			return MOOR_ERR_UNSUPPORTED;
		st = moor_mysql_write_ssl_request(c->caps, 0, 0, &seq, tx, sizeof tx, &len);
		if (st == MOOR_OK)
			st = send_bytes(c, tx, len);
		if (st == MOOR_OK)
			st = start_tls(c, ca);
		if (st != MOOR_OK)
			return st;
	}
	plugin = force_native ? MOOR_MYSQL_AUTH_NATIVE : hs.plugin_id;
	st = auth_response(plugin, pw, hs.scramble, hs.scramble_len, auth, &alen);
	if (st != MOOR_OK) {
		plugin = MOOR_MYSQL_AUTH_NATIVE;    /* answer with native; expect a switch */
		st = auth_response(plugin, pw, hs.scramble, hs.scramble_len, auth, &alen);
	}
	if (st != MOOR_OK)
		return st;
	memset(&l, 0, sizeof l);
	l.caps = c->caps;
	l.user = user;
	l.auth = auth;
	l.auth_len = alen;
	l.database = db;
	l.plugin = plugin == MOOR_MYSQL_AUTH_CACHING_SHA2 ? "caching_sha2_password"
		: "mysql_native_password";
	l.program_name = "moor-codec-interop";
	st = moor_mysql_write_handshake_response(&l, &seq, tx, sizeof tx, &len);
	if (st == MOOR_OK)
		st = send_bytes(c, tx, len);
	if (st != MOOR_OK)
		return st;
	moor_mysql_reader_expect(&c->rd, seq);
	/* the authentication exchange */
	for (;;) {
		st = next_whole(c, &pk);
		if (st != MOOR_OK)
			return st;
		if (pk.len == 0)
			return MOOR_ERR_MYSQL_MALFORMED;
		if (pk.ptr[0] == MOOR_MYSQL_OK_HEADER) {
			moor_mysql_ok ok;

			return moor_mysql_parse_ok(pk.ptr, pk.len, c->caps, &ok);
		}
		if (pk.ptr[0] == MOOR_MYSQL_ERR_HEADER) {
			print_err(&pk);
			return MOOR_ERR_MYSQL_PROTOCOL;
		}
		seq = moor_mysql_reader_seq(&c->rd);
		if (pk.ptr[0] == MOOR_MYSQL_EOF_HEADER) {
			moor_mysql_auth_switch as;

			st = moor_mysql_parse_auth_switch(pk.ptr, pk.len, &as);
			if (st != MOOR_OK)
				return st;
			if (expect_switch != NULL && as.plugin.len == strlen(expect_switch)
				&& memcmp(as.plugin.ptr, expect_switch, as.plugin.len) == 0)
				return 1;
			if (as.data.len < MOOR_MYSQL_SCRAMBLE_LEN)
				return MOOR_ERR_MYSQL_MALFORMED;
			memcpy(c->scramble, as.data.ptr, MOOR_MYSQL_SCRAMBLE_LEN);
			plugin = as.plugin_id;
			st = auth_response(plugin, pw, as.data.ptr, as.data.len, auth, &alen);
			if (st == MOOR_OK)
				st = moor_mysql_write_packet(auth, alen, &seq, tx, sizeof tx, &len);
		} else if (pk.ptr[0] == MOOR_MYSQL_AUTH_MORE_DATA) {
			moor_mysql_slice d;

			st = moor_mysql_parse_auth_more_data(pk.ptr, pk.len, &d);
			if (st != MOOR_OK)
				return st;
			if (d.len == 1 && d.ptr[0] == MOOR_MYSQL_SHA2_FAST_AUTH_OK) {
				fprintf(report, "info fast auth\n");
				continue;                   /* an OK follows */
			}
			if (d.len == 1 && d.ptr[0] == MOOR_MYSQL_SHA2_FULL_AUTH) {
				if (c->use_tls) {
					fprintf(report, "info full auth: cleartext in TLS\n");
					st = moor_mysql_auth_clear(pw, strlen(pw), auth, sizeof auth, &alen);
					if (st == MOOR_OK)
						st = moor_mysql_write_packet(auth, alen, &seq, tx, sizeof tx, &len);
				} else {
					static const uint8_t req = MOOR_MYSQL_SHA2_REQUEST_PUBLIC_KEY;

					fprintf(report, "info full auth: public key requested\n");
					st = moor_mysql_write_packet(&req, 1, &seq, tx, sizeof tx, &len);
				}
			} else {
				/* the server's PEM public key */
				static uint8_t der[1024], ct[512];
				br_rsa_public_key pk_rsa;
				uint8_t seed[32];
				size_t ctlen;

				st = moor_mysql_rsa_key_from_pem((const char *)d.ptr, d.len, der, sizeof der,
					&pk_rsa);
				if (st == MOOR_OK)
					st = c->plat->entropy(c->plat->ctx, seed, sizeof seed);
				if (st == MOOR_OK)
					st = moor_mysql_auth_rsa_encrypt(pw, strlen(pw), c->scramble, 20,
						&pk_rsa, NULL, seed, sizeof seed, ct, sizeof ct, &ctlen);
				if (st == MOOR_OK) {
					fprintf(report, "info RSA key %zu bits, ciphertext %zu bytes\n", pk_rsa.nlen * 8,
						ctlen);
					st = moor_mysql_write_packet(ct, ctlen, &seq, tx, sizeof tx, &len);
				}
			}
		} else {
			return MOOR_ERR_MYSQL_PROTOCOL;
		}
		if (st == MOOR_OK)
			st = send_bytes(c, tx, len);
		if (st != MOOR_OK)
			return st;
		moor_mysql_reader_expect(&c->rd, seq);
	}
}

static void hangup(conn *c)
{
	uint8_t seq;
	size_t len;

	if (moor_mysql_write_quit(&seq, tx, sizeof tx, &len) == MOOR_OK)
		send_bytes(c, tx, len);
	if (c->use_tls)
		moor_tls_close(&c->tls, 1000);
	else
		c->tcp.base.vtable->close(&c->tcp.base);
}

/* ------------------------------------------------------------------ */
/* Result sets. */

#define MAX_COLS 32

typedef struct {
	uint32_t ncols;
	moor_mysql_column col[MAX_COLS];
	uint8_t types[MAX_COLS];
	char names[MAX_COLS][64];
	uint8_t meta[MAX_COLS][512];    /* the column definitions, copied */
	/* the values of up to 8 rows, as text (text protocol) or canonical
	 * text (binary protocol) */
	char val[8][MAX_COLS][8192];
	int null[8][MAX_COLS];
	size_t vlen[8][MAX_COLS];
	uint64_t big_len[8][MAX_COLS];  /* full length, also of long values */
	uint64_t big_hash[8][MAX_COLS];
	int chunked[8][MAX_COLS];
	size_t nrows;
	moor_mysql_ok ok;
	moor_mysql_err err;
	int is_err, is_ok;
	int saw_cont;
} result;

static result r1, r2;

/* Canonical text of a binary value, as the text protocol prints it.
 * Returns its length (strings may hold NULs). */
static size_t bin_text(const moor_mysql_column *col, const moor_mysql_value *v, char *out,
	size_t cap)
{
	unsigned us = (unsigned)v->t.microsecond;
	int dec = col->decimals > 0 && col->decimals <= 6 ? col->decimals : 0;
	char frac[16] = "";

	if (dec > 0) {
		char d6[8];

		snprintf(d6, sizeof d6, "%06u", us);
		snprintf(frac, sizeof frac, ".%.*s", dec, d6);
	}
	switch (col->type) {
	case MOOR_MYSQL_TYPE_TINY: case MOOR_MYSQL_TYPE_SHORT: case MOOR_MYSQL_TYPE_LONG:
	case MOOR_MYSQL_TYPE_INT24: case MOOR_MYSQL_TYPE_LONGLONG: case MOOR_MYSQL_TYPE_YEAR:
		if (col->flags & MOOR_MYSQL_FLAG_UNSIGNED)
			snprintf(out, cap, "%llu", (unsigned long long)v->u);
		else
			snprintf(out, cap, "%lld", (long long)v->i);
		break;
	case MOOR_MYSQL_TYPE_FLOAT: case MOOR_MYSQL_TYPE_DOUBLE:
		snprintf(out, cap, "%.17g", v->d);
		break;
	case MOOR_MYSQL_TYPE_DATE:
		snprintf(out, cap, "%04u-%02u-%02u", v->t.year, v->t.month, v->t.day);
		break;
	case MOOR_MYSQL_TYPE_DATETIME: case MOOR_MYSQL_TYPE_TIMESTAMP:
		snprintf(out, cap, "%04u-%02u-%02u %02u:%02u:%02u%s", v->t.year, v->t.month,
			v->t.day, v->t.hour, v->t.minute, v->t.second, frac);
		break;
	case MOOR_MYSQL_TYPE_TIME:
		snprintf(out, cap, "%s%02lu:%02u:%02u%s", v->t.neg ? "-" : "",
			(unsigned long)v->t.days * 24 + v->t.hour, v->t.minute, v->t.second, frac);
		break;
	default: {
		size_t n = v->len < cap ? v->len : cap;

		if (n > 0)
			memcpy(out, v->ptr, n);
		return n;
	}
	}
	return strlen(out);
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* Read a reply to a command that may return rows. */
static int read_result(conn *c, int binary, result *res)
{
	moor_mysql_packet pk;
	moor_mysql_row row;
	moor_mysql_value v;
	uint32_t i;
	int st, t;

	memset(res, 0, sizeof *res);
	st = next_whole(c, &pk);
	if (st != MOOR_OK)
		return st;
	t = moor_mysql_reply_type(pk.ptr, pk.len, 0, c->caps);
	if (t == MOOR_MYSQL_REPLY_OK) {
		res->is_ok = 1;
		return moor_mysql_parse_ok(pk.ptr, pk.len, c->caps, &res->ok);
	}
	if (t == MOOR_MYSQL_REPLY_ERR) {
		res->is_err = 1;
		return moor_mysql_parse_err(pk.ptr, pk.len, &res->err);
	}
	if (t != MOOR_MYSQL_REPLY_DATA)
		return MOOR_ERR_MYSQL_PROTOCOL;
	st = moor_mysql_parse_column_count(pk.ptr, pk.len, &res->ncols);
	if (st != MOOR_OK)
		return st;
	if (res->ncols > MAX_COLS)
		return MOOR_ERR_MYSQL_TOO_LARGE;
	for (i = 0; i < res->ncols; i++) {
		st = next_whole(c, &pk);
		if (st != MOOR_OK)
			return st;
		if (pk.len > sizeof res->meta[i])
			return MOOR_ERR_BUFFER_TOO_SMALL;
		memcpy(res->meta[i], pk.ptr, pk.len);  /* the slices must outlive the buffer */
		st = moor_mysql_parse_column(res->meta[i], pk.len, &res->col[i]);
		if (st != MOOR_OK)
			return st;
		res->types[i] = res->col[i].type;
		snprintf(res->names[i], sizeof res->names[i], "%.*s", (int)res->col[i].name.len,
			(const char *)res->col[i].name.ptr);
	}
	if ((c->caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) == 0) {
		moor_mysql_eof eof;

		st = next_whole(c, &pk);
		if (st == MOOR_OK)
			st = moor_mysql_parse_eof(pk.ptr, pk.len, &eof);
		if (st != MOOR_OK)
			return st;
	}
	/* rows, whole or in chunks */
	for (;;) {
		size_t rn = res->nrows;

		st = next_event(c, &pk);
		if (st < 0)
			return st;
		t = moor_mysql_row_type(pk.ptr, pk.total != 0 ? pk.total : pk.len,
			(pk.flags & MOOR_MYSQL_F_CONT) != 0, c->caps);
		if (t == MOOR_MYSQL_REPLY_EOF || t == MOOR_MYSQL_REPLY_ERR) {
			if (pk.kind != MOOR_MYSQL_PKT_WHOLE)
				return MOOR_ERR_BUFFER_TOO_SMALL;
			if (t == MOOR_MYSQL_REPLY_ERR) {
				res->is_err = 1;
				return moor_mysql_parse_err(pk.ptr, pk.len, &res->err);
			}
			if (c->caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF)
				return moor_mysql_parse_ok(pk.ptr, pk.len, c->caps, &res->ok);
			{
				moor_mysql_eof eof;

				st = moor_mysql_parse_eof(pk.ptr, pk.len, &eof);
				res->ok.status = eof.status;
				res->ok.warnings = eof.warnings;
				return st;
			}
		}
		if (t < 0)
			return t;
		st = moor_mysql_row_init(&row, res->ncols, binary ? res->types : NULL);
		if (st != MOOR_OK)
			return st;
		if (pk.flags & MOOR_MYSQL_F_CONT)
			res->saw_cont = 1;
		for (;;) {
			const uint8_t *p = pk.ptr;
			size_t left = pk.len, used;

			for (;;) {
				st = moor_mysql_row_next(&row, p, left, &used, &v);
				if (st < 0)
					return st;
				p += used;
				left -= used;
				if (st == 0)
					break;
				if (rn < 8 && v.col < MAX_COLS) {
					size_t k = rn, cc = v.col;

					if (v.flags & MOOR_MYSQL_V_NULL) {
						res->null[k][cc] = 1;
					} else if (v.kind == MOOR_MYSQL_EV_CHUNK) {
						if (v.flags & MOOR_MYSQL_V_FIRST) {
							res->big_hash[k][cc] = 14695981039346656037ull;
							res->chunked[k][cc] = 1;
						}
						res->big_hash[k][cc] = fnv(res->big_hash[k][cc], v.ptr, v.len);
						res->big_len[k][cc] += v.len;
						if (res->vlen[k][cc] + v.len < sizeof res->val[k][cc]) {
							memcpy(res->val[k][cc] + res->vlen[k][cc], v.ptr, v.len);
							res->vlen[k][cc] += v.len;
						}
					} else {
						res->big_len[k][cc] = v.len;
						res->big_hash[k][cc] = fnv(14695981039346656037ull, v.ptr, v.len);
						if (binary) {
							res->vlen[k][cc] = bin_text(&res->col[cc], &v, res->val[k][cc],
								sizeof res->val[k][cc] - 1);
						} else {
							size_t n = v.len < 8191 ? v.len : 8191;

							if (n > 0)
								memcpy(res->val[k][cc], v.ptr, n);
							res->vlen[k][cc] = n;
						}
					}
				}
			}
			if (pk.flags & MOOR_MYSQL_F_LAST)
				break;
			st = next_event(c, &pk);
			if (st < 0)
				return st;
			if (pk.flags & MOOR_MYSQL_F_CONT)
				res->saw_cont = 1;
		}
		st = moor_mysql_row_finish(&row);
		if (st != MOOR_OK)
			return st;
		res->nrows++;
	}
}

static int query(conn *c, const char *sql, result *res)
{
	uint8_t seq;
	size_t len;
	int st = moor_mysql_write_query(sql, strlen(sql), &seq, tx, sizeof tx, &len);

	if (st == MOOR_OK)
		st = send_bytes(c, tx, len);
	if (st == MOOR_OK)
		st = moor_mysql_reader_expect(&c->rd, seq);
	return st == MOOR_OK ? read_result(c, 0, res) : st;
}

/* PREPARE: the OK, then the parameter and column definitions. */
static int prepare(conn *c, const char *sql, moor_mysql_prepare_ok *po)
{
	moor_mysql_packet pk;
	uint8_t seq;
	size_t len, i;
	int g;
	int st = moor_mysql_write_stmt_prepare(sql, strlen(sql), &seq, tx, sizeof tx, &len);

	if (st == MOOR_OK)
		st = send_bytes(c, tx, len);
	if (st == MOOR_OK)
		st = moor_mysql_reader_expect(&c->rd, seq);
	if (st == MOOR_OK)
		st = next_whole(c, &pk);
	if (st != MOOR_OK)
		return st;
	if (moor_mysql_reply_type(pk.ptr, pk.len, 0, c->caps) == MOOR_MYSQL_REPLY_ERR) {
		print_err(&pk);
		return MOOR_ERR_MYSQL_PROTOCOL;
	}
	st = moor_mysql_parse_prepare_ok(pk.ptr, pk.len, po);
	/* the parameter definitions, then the columns; without DEPRECATE_EOF
	 * an EOF after each group that is not empty */
	for (g = 0; g < 2 && st == MOOR_OK; g++) {
		size_t n = g == 0 ? po->params : po->columns;

		for (i = 0; st == MOOR_OK && i < n; i++) {
			moor_mysql_column col;

			st = next_whole(c, &pk);
			if (st == MOOR_OK)
				st = moor_mysql_parse_column(pk.ptr, pk.len, &col);
		}
		if (st == MOOR_OK && n > 0 && (c->caps & MOOR_MYSQL_CLIENT_DEPRECATE_EOF) == 0
			&& (st = next_whole(c, &pk)) == MOOR_OK)
			st = moor_mysql_row_type(pk.ptr, pk.len, 0, c->caps) == MOOR_MYSQL_REPLY_EOF
				? MOOR_OK : MOOR_ERR_MYSQL_PROTOCOL;
	}
	return st;
}

static int execute(conn *c, uint32_t id, const moor_mysql_param *ps, size_t n, result *res)
{
	uint8_t seq;
	size_t len;
	int st = moor_mysql_write_stmt_execute(id, 0, ps, n, 1, &seq, tx, sizeof tx, &len);

	if (st == MOOR_OK)
		st = send_bytes(c, tx, len);
	if (st == MOOR_OK)
		st = moor_mysql_reader_expect(&c->rd, seq);
	return st == MOOR_OK ? read_result(c, 1, res) : st;
}

/* Send what an encoder just wrote to tx (*len bytes; the reply starts at
 * *seq), and read an OK if a reply is wanted. Pointers, because the
 * encoder runs as another argument of the same call. */
static int simple(conn *c, int st_enc, const size_t *lenp, const uint8_t *seqp,
	int want_reply)
{
	size_t len = *lenp;
	uint8_t seq = *seqp;
	moor_mysql_packet pk;
	moor_mysql_ok ok;
	int st = st_enc;

	if (st == MOOR_OK)
		st = send_bytes(c, tx, len);
	if (st == MOOR_OK && want_reply) {
		st = moor_mysql_reader_expect(&c->rd, seq);
		if (st == MOOR_OK)
			st = next_whole(c, &pk);
		if (st == MOOR_OK)
			st = moor_mysql_parse_ok(pk.ptr, pk.len, c->caps, &ok);
	}
	return st;
}

/* ------------------------------------------------------------------ */
/* The checks. */

static const char *why(int st)
{
	return moor_status_name(st);
}

static void full(conn *c)
{
	moor_mysql_prepare_ok po;
	moor_mysql_param ps[12];
	uint8_t seq;
	size_t len, i, k;
	int st, same;
	static char sql[256];
	static uint8_t chunk[100000];

	/* the same rows through the text and the binary protocol */
	st = query(c, "SELECT * FROM t.types ORDER BY id", &r1);
	check(st == MOOR_OK && r1.ncols == 21 && r1.nrows == 3, "text result set", why(st));
	st = prepare(c, "SELECT * FROM t.types WHERE id >= ? ORDER BY id", &po);
	check(st == MOOR_OK && po.params == 1 && po.columns == 21, "prepare", why(st));
	memset(ps, 0, sizeof ps);
	ps[0].type = MOOR_MYSQL_TYPE_LONGLONG;
	ps[0].i = 0;
	st = execute(c, po.stmt_id, ps, 1, &r2);
	check(st == MOOR_OK && r2.ncols == 21 && r2.nrows == 3, "execute", why(st));
	same = st == MOOR_OK && r1.nrows == r2.nrows;
	for (i = 0; same && i < r1.nrows; i++) {
		for (k = 0; k < r1.ncols; k++) {
			const moor_mysql_column *col = &r2.col[k];
			int eq;

			if (r1.null[i][k] || r2.null[i][k]) {
				eq = r1.null[i][k] == r2.null[i][k];
			} else if (col->type == MOOR_MYSQL_TYPE_FLOAT || col->type == MOOR_MYSQL_TYPE_DOUBLE) {
				double a = strtod(r1.val[i][k], NULL), b = strtod(r2.val[i][k], NULL);

				eq = col->type == MOOR_MYSQL_TYPE_FLOAT ? (float)a == (float)b : a == b;
			} else {
				eq = r1.vlen[i][k] == r2.vlen[i][k]
					&& memcmp(r1.val[i][k], r2.val[i][k], r1.vlen[i][k]) == 0;
			}
			if (!eq) {
				fprintf(report, "  row %zu column %s: text '%.*s', binary '%.*s'\n", i, r1.names[k],
					(int)r1.vlen[i][k], r1.val[i][k], (int)r2.vlen[i][k], r2.val[i][k]);
				same = 0;
			}
		}
	}
	check(same, "binary values equal the text values (every column type)", NULL);

	/* every parameter type, echoed back by the server */
	st = prepare(c, "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?", &po);
	check(st == MOOR_OK && po.params == 12, "prepare 12 parameters", why(st));
	memset(ps, 0, sizeof ps);
	ps[0].type = MOOR_MYSQL_TYPE_TINY; ps[0].i = -128;
	ps[1].type = MOOR_MYSQL_TYPE_SHORT; ps[1].is_unsigned = 1; ps[1].u = 65535;
	ps[2].type = MOOR_MYSQL_TYPE_LONG; ps[2].i = INT32_MIN;
	ps[3].type = MOOR_MYSQL_TYPE_LONGLONG; ps[3].is_unsigned = 1; ps[3].u = UINT64_MAX;
	ps[4].type = MOOR_MYSQL_TYPE_DOUBLE; ps[4].d = -2.25;
	ps[5].type = MOOR_MYSQL_TYPE_FLOAT; ps[5].f = 1.5f;
	ps[6].type = MOOR_MYSQL_TYPE_VAR_STRING; ps[6].ptr = (const uint8_t *)"h\xc3\xa9llo\tx";
	ps[6].len = 8;
	ps[7].type = MOOR_MYSQL_TYPE_NULL;
	ps[8].type = MOOR_MYSQL_TYPE_DATETIME; ps[8].t.year = 2024; ps[8].t.month = 2;
	ps[8].t.day = 29; ps[8].t.hour = 13; ps[8].t.minute = 14; ps[8].t.second = 15;
	ps[8].t.microsecond = 123456;
	ps[9].type = MOOR_MYSQL_TYPE_DATE; ps[9].t.year = 1999; ps[9].t.month = 12;
	ps[9].t.day = 31;
	ps[10].type = MOOR_MYSQL_TYPE_TIME; ps[10].t.neg = 1; ps[10].t.days = 1; ps[10].t.hour = 2;
	ps[10].t.minute = 3; ps[10].t.second = 4;
	ps[11].type = MOOR_MYSQL_TYPE_BLOB; ps[11].ptr = (const uint8_t *)"\x00\xff"; ps[11].len = 2;
	st = execute(c, po.stmt_id, ps, 12, &r2);
	check(st == MOOR_OK && r2.nrows == 1, "execute 12 parameters", why(st));
	if (st == MOOR_OK && r2.nrows == 1) {
		static const char *const want[12] = {
			"-128", "65535", "-2147483648", "18446744073709551615", "-2.25", "1.5",
			"h\xc3\xa9llo\tx", NULL, "2024-02-29 13:14:15.123456", "1999-12-31",
			"-26:03:04", "\x00\xff"
		};

		for (k = 0; k < 12; k++) {
			int ok = want[k] == NULL ? r2.null[0][k]
				: !r2.null[0][k] && r2.vlen[0][k] == (k == 11 ? 2 : strlen(want[k]))
					&& memcmp(r2.val[0][k], want[k], r2.vlen[0][k]) == 0;

			if (!ok)
				fprintf(report, "  parameter %zu (type %u): got '%.*s'\n", k, r2.col[k].type,
					(int)r2.vlen[0][k], r2.val[0][k]);
			snprintf(sql, sizeof sql, "parameter %zu round trip", k);
			check(ok, sql, NULL);
		}
	}
	/* COM_STMT_SEND_LONG_DATA in three pieces, then the value back in
	 * chunks through a 4 KiB buffer */
	st = prepare(c, "SELECT ?, LENGTH(?)", &po);
	check(st == MOOR_OK, "prepare long data", why(st));
	for (i = 0; i < sizeof chunk; i++)
		chunk[i] = (uint8_t)('a' + i % 23);
	for (k = 0; st == MOOR_OK && k < 3; k++) {
		for (i = 0; i < 2 && st == MOOR_OK; i++) {
			uint8_t hdr[MOOR_MYSQL_LONG_DATA_HEADER_LEN];
			size_t part = sizeof chunk / 3 + (k == 2 ? sizeof chunk % 3 : 0);

			if (i == 0) {
				st = moor_mysql_write_stmt_send_long_data(po.stmt_id, 0,
					chunk + k * (sizeof chunk / 3), part, &seq, tx, sizeof tx, &len);
				if (st == MOOR_OK)
					st = send_bytes(c, tx, len);
			} else {
				st = moor_mysql_write_stmt_send_long_data_header(po.stmt_id, 1, part, &seq,
					hdr);
				if (st == MOOR_OK)
					st = send_bytes(c, hdr, sizeof hdr);
				if (st == MOOR_OK)
					st = send_bytes(c, chunk + k * (sizeof chunk / 3), part);
			}
		}
	}
	memset(ps, 0, sizeof ps);
	ps[0].type = MOOR_MYSQL_TYPE_BLOB;
	ps[0].long_data = 1;
	ps[1].type = MOOR_MYSQL_TYPE_BLOB;
	ps[1].long_data = 1;
	c->buf = small_rx;
	c->cap = sizeof small_rx;
	if (st == MOOR_OK)
		st = execute(c, po.stmt_id, ps, 2, &r2);
	check(st == MOOR_OK && r2.nrows == 1 && r2.chunked[0][0]
		&& r2.big_len[0][0] == sizeof chunk
		&& r2.big_hash[0][0] == fnv(14695981039346656037ull, chunk, sizeof chunk)
		&& strcmp(r2.val[0][1], "100000") == 0,
		"long data in 3 packets per parameter, back in chunks of a 4 KiB buffer", why(st));
	/* reset, close */
	st = simple(c, moor_mysql_write_stmt_reset(po.stmt_id, &seq, tx, sizeof tx, &len),
		&len, &seq, 1);
	check(st == MOOR_OK, "COM_STMT_RESET", why(st));
	st = simple(c, moor_mysql_write_stmt_close(po.stmt_id, &seq, tx, sizeof tx, &len),
		&len, &seq, 0);
	check(st == MOOR_OK, "COM_STMT_CLOSE", why(st));
	st = execute(c, po.stmt_id, ps, 2, &r2);
	check(st == MOOR_OK && r2.is_err && r2.err.code == 1243, "execute after close: ERR 1243",
		why(st));
	/* a 20 MB row: continuation packets through a 4 KiB buffer */
	st = query(c, "SELECT REPEAT('0123456789', 2000000) AS big, 7 AS after", &r1);
	check(st == MOOR_OK && r1.nrows == 1 && r1.saw_cont && r1.big_len[0][0] == 20000000
		&& r1.vlen[0][1] == 1 && r1.val[0][1][0] == '7',
		"a 20 MB text row (continuation packets) through a 4 KiB buffer", why(st));
	{
		static uint8_t ten[20000000];

		for (i = 0; i < sizeof ten; i++)
			ten[i] = (uint8_t)('0' + i % 10);
		check(r1.big_hash[0][0] == fnv(14695981039346656037ull, ten, sizeof ten),
			"the 20 MB value's bytes", NULL);
	}
	/* a 20 MB query sent as continuation packets */
	{
		static char q[20000100];
		size_t ql;

		ql = (size_t)snprintf(q, sizeof q, "SELECT LENGTH('");
		memset(q + ql, 'q', 20000000);
		ql += 20000000;
		ql += (size_t)snprintf(q + ql, sizeof q - ql, "') AS n");
		st = moor_mysql_write_query(q, ql, &seq, (uint8_t *)big_tx, sizeof big_tx, &len);
		if (st == MOOR_OK)
			st = send_bytes(c, (const uint8_t *)big_tx, len);
		if (st == MOOR_OK)
			st = moor_mysql_reader_expect(&c->rd, seq);
		if (st == MOOR_OK)
			st = read_result(c, 0, &r1);
		check(st == MOOR_OK && seq == 2 && r1.nrows == 1 && strcmp(r1.val[0][0], "20000000") == 0,
			"a 20 MB query (continuation packets)", why(st));
	}
	c->buf = big_rx;
	c->cap = sizeof big_rx;
	/* errors, OK with info, the other commands */
	st = query(c, "SELEC 1", &r1);
	check(st == MOOR_OK && r1.is_err && r1.err.code == 1064
		&& strcmp(r1.err.sqlstate, "42000") == 0, "ERR 1064 with SQLSTATE", why(st));
	st = query(c, "UPDATE t.types SET y = y WHERE id > 0", &r1);
	check(st == MOOR_OK && r1.is_ok && r1.ok.affected_rows == 0 && r1.ok.info.len > 0,
		"OK with info", why(st));
	st = query(c, "INSERT INTO t.ai (v) VALUES ('a'), ('b')", &r1);
	check(st == MOOR_OK && r1.is_ok && r1.ok.affected_rows == 2 && r1.ok.last_insert_id >= 1,
		"OK with affected rows and last insert id", why(st));
	st = simple(c, moor_mysql_write_ping(&seq, tx, sizeof tx, &len), &len, &seq, 1);
	check(st == MOOR_OK, "COM_PING", why(st));
	st = simple(c, moor_mysql_write_init_db("mysql", 5, &seq, tx, sizeof tx, &len),
		&len, &seq, 1);
	check(st == MOOR_OK, "COM_INIT_DB", why(st));
	st = query(c, "SELECT DATABASE()", &r1);
	check(st == MOOR_OK && r1.nrows == 1 && strcmp(r1.val[0][0], "mysql") == 0,
		"the schema changed", why(st));
	st = simple(c, moor_mysql_write_reset_connection(&seq, tx, sizeof tx, &len),
		&len, &seq, 1);
	check(st == MOOR_OK, "COM_RESET_CONNECTION", why(st));
	/* multi-results: a procedure's result set and its final OK */
	st = query(c, "CALL t.two()", &r1);
	check(st == MOOR_OK && r1.nrows == 1
		&& (r1.ok.status & MOOR_MYSQL_SERVER_MORE_RESULTS_EXISTS) != 0,
		"CALL: rows, then MORE_RESULTS_EXISTS", why(st));
	if (st == MOOR_OK) {
		st = read_result(c, 0, &r2);
		check(st == MOOR_OK && r2.nrows == 1 && strcmp(r2.val[0][0], "2") == 0,
			"CALL: the second result set", why(st));
		st = read_result(c, 0, &r2);
		check(st == MOOR_OK && r2.is_ok, "CALL: the final OK", why(st));
	}
}

static void batch(conn *c, const char *sql)
{
	static char out[1024];
	size_t i, k, used, n, off;
	int st = query(c, sql, &r1);

	if (st != MOOR_OK || r1.is_err) {
		fprintf(stderr, "query failed: %s\n", why(st));
		failures++;
		return;
	}
	/* the header: names as they are (mariadb does not escape them) */
	for (k = 0; k < r1.ncols; k++) {
		if (r1.col[k].name.len > 0)
			fwrite(r1.col[k].name.ptr, 1, r1.col[k].name.len, stdout);
		fputc(k + 1 < r1.ncols ? '\t' : '\n', stdout);
	}
	for (i = 0; i < r1.nrows; i++) {
		for (k = 0; k < r1.ncols; k++) {
			if (r1.null[i][k]) {
				fputs("NULL", stdout);
			} else {
				off = 0;
				while (off < r1.vlen[i][k]) {
					n = moor_mysql_escape_batch((const uint8_t *)r1.val[i][k] + off,
						r1.vlen[i][k] - off, &used, out, sizeof out);
					fwrite(out, 1, n, stdout);
					off += used;
				}
			}
			fputc(k + 1 < r1.ncols ? '\t' : '\n', stdout);
		}
	}
}

int main(int argc, char **argv)
{
	static conn c;
	const char *mode, *ca, *arg;
	uint32_t want = MOOR_MYSQL_CLIENT_DEFAULT;
	int st;

	if (argc < 5) {
		fprintf(stderr, "usage: %s PORT MODE USER PASSWORD [CA_PEM|-] [ARG]\n", argv[0]);
		return 2;
	}
	mode = argv[2];
	ca = argc > 5 && strcmp(argv[5], "-") != 0 ? argv[5] : NULL;
	arg = argc > 6 ? argv[6] : NULL;
	report = strcmp(mode, "batch") == 0 ? stderr : stdout;
	c.plat = moor_posix_platform(0);
	c.buf = big_rx;
	c.cap = sizeof big_rx;
	force_native = strcmp(mode, "authnative") == 0;
	if (strcmp(mode, "noeof") == 0)
		want &= ~(uint32_t)MOOR_MYSQL_CLIENT_DEPRECATE_EOF;
	st = login(&c, (uint16_t)atoi(argv[1]), argv[3], argv[4], ca, want,
		strcmp(mode, "full") == 0 || strcmp(mode, "noeof") == 0 ? "t" : NULL,
		strcmp(mode, "switch") == 0 ? arg : NULL);
	if (strcmp(mode, "switch") == 0) {
		check(st == 1, "AuthSwitchRequest to the expected plugin", why(st));
		return failures != 0;
	}
	check(st == MOOR_OK, c.use_tls ? "login over TLS" : "login", why(st));
	if (st != MOOR_OK)
		return 1;
	if (strcmp(mode, "full") == 0 || strcmp(mode, "noeof") == 0) {
		full(&c);
	} else if (strcmp(mode, "batch") == 0) {
		batch(&c, arg != NULL ? arg : "SELECT 1");
	} else {
		uint8_t seq;
		size_t len;

		st = simple(&c, moor_mysql_write_ping(&seq, tx, sizeof tx, &len), &len, &seq, 1);
		check(st == MOOR_OK, "COM_PING", why(st));
	}
	hangup(&c);
	return failures != 0;
}
