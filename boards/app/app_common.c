/*
 * moor_app: what the Redis and the MySQL runs share: the report lines
 * (formatted by hand: no stdio on the firmware), the readings, the TLS
 * settings and the checks of the target.
 */
#include <string.h>

#include "app_internal.h"

/* ------------------------------------------------------------------ */
/* Report lines. */

void moor_appi_addn(moor_app_ctx *ctx, const char *s, size_t n)
{
	size_t len = strlen(ctx->line);
	size_t room = sizeof ctx->line - 1 - len;

	if (n > room)
		n = room;
	memcpy(ctx->line + len, s, n);
	ctx->line[len + n] = '\0';
}

void moor_appi_add(moor_app_ctx *ctx, const char *s)
{
	moor_appi_addn(ctx, s, strlen(s));
}

void moor_appi_ln(moor_app_ctx *ctx, const char *s)
{
	ctx->line[0] = '\0';
	moor_appi_add(ctx, s);
}

void moor_appi_addu(moor_app_ctx *ctx, unsigned long v)
{
	char d[24];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	moor_appi_addn(ctx, d + i, sizeof d - i);
}

void moor_appi_addpad(moor_app_ctx *ctx, const char *s, size_t width)
{
	size_t n = strlen(s);

	while (n < width) {
		moor_appi_add(ctx, " ");
		n++;
	}
	moor_appi_add(ctx, s);
}

void moor_appi_emit(moor_app_ctx *ctx)
{
	ctx->tgt->out(ctx->tgt->out_ctx, ctx->line);
	ctx->line[0] = '\0';
}

void moor_appi_error(moor_app_ctx *ctx, const char *step, int st)
{
	int alert = moor_status_alert(st, NULL);

	moor_appi_ln(ctx, "error: ");
	moor_appi_add(ctx, step);
	moor_appi_add(ctx, ": ");
	moor_appi_add(ctx, moor_app_status_name(st));
	if (alert >= 0) {
		moor_appi_add(ctx, "(");
		moor_appi_addu(ctx, (unsigned long)alert);
		moor_appi_add(ctx, ")");
	}
	moor_appi_add(ctx, ": ");
	moor_appi_add(ctx, st == MOOR_APP_ERR_CHECK ? "a value read back differs" :
		moor_status_str(st));
	moor_appi_emit(ctx);
}

void moor_appi_check_failed(moor_app_ctx *ctx, const char *what)
{
	moor_appi_ln(ctx, "error: check: ");
	moor_appi_add(ctx, what);
	moor_appi_emit(ctx);
	ctx->failures++;
}

void moor_appi_report_ram(moor_app_ctx *ctx, const char *client, size_t client_size,
	size_t rx, size_t tx)
{
	moor_appi_ln(ctx, "~ RAM: ");
	moor_appi_addu(ctx, (unsigned long)(sizeof ctx->tls + sizeof ctx->tls_buf +
		client_size + rx + tx));
	moor_appi_add(ctx, " bytes for the connection (moor_tls ");
	moor_appi_addu(ctx, (unsigned long)sizeof ctx->tls);
	moor_appi_add(ctx, " + TLS buffer ");
	moor_appi_addu(ctx, (unsigned long)sizeof ctx->tls_buf);
	moor_appi_add(ctx, " + ");
	moor_appi_add(ctx, client);
	moor_appi_add(ctx, " ");
	moor_appi_addu(ctx, (unsigned long)client_size);
	moor_appi_add(ctx, " + rx ");
	moor_appi_addu(ctx, (unsigned long)rx);
	moor_appi_add(ctx, " + tx ");
	moor_appi_addu(ctx, (unsigned long)tx);
	moor_appi_add(ctx, "); moor_app_ctx ");
	moor_appi_addu(ctx, (unsigned long)sizeof *ctx);
	moor_appi_emit(ctx);
}

void moor_appi_report_time(moor_app_ctx *ctx, const char *what, uint32_t t0)
{
	const moor_platform *p = ctx->tgt->plat;

	moor_appi_ln(ctx, "~ time: ");
	moor_appi_add(ctx, what);
	moor_appi_add(ctx, " ");
	moor_appi_addu(ctx, (unsigned long)(uint32_t)(p->now_ms(p->ctx) - t0));
	moor_appi_add(ctx, " ms");
	moor_appi_emit(ctx);
}

const char *moor_app_status_name(int st)
{
	if (st == MOOR_APP_ERR_CHECK)
		return "MOOR_APP_ERR_CHECK";
	return moor_status_name(st);
}

/* ------------------------------------------------------------------ */

uint32_t moor_appi_timeout(const moor_app_ctx *ctx)
{
	return ctx->tgt->timeout_ms != 0 ? ctx->tgt->timeout_ms : MOOR_APP_TIMEOUT_MS;
}

uint32_t moor_appi_connect_timeout(const moor_app_ctx *ctx)
{
	uint32_t t = 2 * moor_appi_timeout(ctx);

	return t > MOOR_APP_CONNECT_TIMEOUT_MS ? t : MOOR_APP_CONNECT_TIMEOUT_MS;
}

int moor_appi_centi(int k)
{
	return 2150 + 25 * k - 10 * (k % 3);
}

int moor_appi_permille(int k)
{
	return 400 + 7 * k;
}

int moor_appi_eq(const uint8_t *p, size_t n, const char *s)
{
	size_t sl = strlen(s);

	return n == sl && (n == 0 || memcmp(p, s, n) == 0);
}

/* Decimal text of v into out (at least 12 bytes); returns the length. */
static size_t fmt_u(char *out, unsigned v)
{
	char d[12];
	size_t i = sizeof d, n;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	n = sizeof d - i;
	memcpy(out, d + i, n);
	out[n] = '\0';
	return n;
}

/* The readings a sensor would take, as decimal text: seq, temperature
 * "21.50" (centi-degrees) and relative humidity "40.0" (per mille). */
static void take_readings(moor_app_ctx *ctx)
{
	int k;

	memset(ctx->rd, 0, sizeof ctx->rd);
	for (k = 0; k < MOOR_APP_N_READINGS; k++) {
		moor_app_reading *r = &ctx->rd[k];
		unsigned c = (unsigned)moor_appi_centi(k), h = (unsigned)moor_appi_permille(k);
		size_t n;

		fmt_u(r->val[0], (unsigned)k);
		n = fmt_u(r->val[1], c / 100);
		r->val[1][n] = '.';
		r->val[1][n + 1] = (char)('0' + c % 100 / 10);
		r->val[1][n + 2] = (char)('0' + c % 10);
		r->val[1][n + 3] = '\0';
		n = fmt_u(r->val[2], h / 10);
		r->val[2][n] = '.';
		r->val[2][n + 1] = (char)('0' + h % 10);
		r->val[2][n + 2] = '\0';
	}
}

static int device_ok(const char *d)
{
	size_t i, n;

	if (d == NULL)
		return 0;
	n = strlen(d);
	if (n == 0 || n > MOOR_APP_DEVICE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = d[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

int moor_appi_begin(moor_app_ctx *ctx, const moor_app_target *t, moor_transport *tcp)
{
	int st = MOOR_OK;

	if (ctx == NULL || t == NULL || t->out == NULL) {
		if (tcp != NULL)
			moor_transport_close(tcp);
		return MOOR_ERR_INVALID_ARG;
	}
	ctx->tgt = t;
	ctx->tcp = tcp;
	ctx->failures = 0;
	ctx->line[0] = '\0';
	if (tcp == NULL || t->plat == NULL || t->plat->now_ms == NULL ||
	    t->server_name == NULL || t->server_name[0] == '\0') {
		moor_appi_ln(ctx, "error: config: a transport, a platform and a server name are required");
		st = MOOR_ERR_INVALID_ARG;
	} else if (!device_ok(t->device)) {
		moor_appi_ln(ctx, "error: config: the device name must be 1..32 of [A-Za-z0-9._:-]");
		st = MOOR_ERR_INVALID_ARG;
	}
	if (st != MOOR_OK) {
		moor_appi_emit(ctx);
		if (tcp != NULL)
			moor_transport_close(tcp);
		return st;
	}
	take_readings(ctx);

	/* A zeroed config is verify-full; TLS 1.3 only, our anchors, our
	 * certificate, the leaf's subject DN for the report. */
	memset(&ctx->tls_cfg, 0, sizeof ctx->tls_cfg);
	ctx->tls_cfg.mode = MOOR_SSL_VERIFY_FULL;
	ctx->tls_cfg.server_name = t->server_name;
	ctx->tls_cfg.anchors = t->anchors;
	ctx->tls_cfg.client = t->client;
	ctx->tls_cfg.version_min = MOOR_TLS_1_3;
	ctx->tls_cfg.version_max = MOOR_TLS_1_3;
	ctx->tls_cfg.time_policy = t->time_policy;
	ctx->tls_cfg.peer_dn = ctx->peer_dn;
	ctx->tls_cfg.peer_dn_cap = sizeof ctx->peer_dn;
#if !MOOR_CONFIG_TLS_X509_INLINE
	ctx->tls_cfg.scratch = ctx->tls_scratch;
	ctx->tls_cfg.scratch_len = sizeof ctx->tls_scratch;
#endif
	return MOOR_OK;
}

void moor_appi_report_tls(moor_app_ctx *ctx, const moor_tls_info *info)
{
	const moor_anchors *a = ctx->tgt->anchors != NULL ? ctx->tgt->anchors :
		&moor_builtin_anchors;
	const char *anchor = "?";
	char dn[128];

	if (info == NULL)
		return;
	dn[0] = '\0';
	if (info->peer_dn_len == 0 ||
	    moor_dn_format(ctx->peer_dn, info->peer_dn_len, dn, sizeof dn) < 0) {
		memcpy(dn, "(unprintable)", 14);
	}
	if (info->anchor_index >= 0 && (size_t)info->anchor_index < a->count &&
	    a->names != NULL && a->names[info->anchor_index] != NULL)
		anchor = a->names[info->anchor_index];
	moor_appi_ln(ctx, "tls:   ");
	moor_appi_add(ctx, moor_tls_version_name(info->version));
	moor_appi_add(ctx, " ");
	moor_appi_add(ctx, moor_tls_suite_name(info->cipher_suite));
	moor_appi_add(ctx, " ");
	moor_appi_add(ctx, moor_tls_group_name(info->group));
	moor_appi_add(ctx, "; server ");
	moor_appi_add(ctx, dn);
	moor_appi_add(ctx, " verified (verify-full, name ");
	moor_appi_add(ctx, ctx->tgt->server_name);
	moor_appi_add(ctx, ", chain to \"");
	moor_appi_add(ctx, anchor);
	moor_appi_add(ctx, "\"); ");
	moor_appi_add(ctx, ctx->tgt->client != NULL ? "client certificate sent" :
		"no client certificate");
	moor_appi_emit(ctx);
}

void moor_appi_report_result(moor_app_ctx *ctx, const char *what, int st)
{
	if (st == MOOR_OK) {
		moor_appi_ln(ctx, "result: OK, ");
		moor_appi_addu(ctx, MOOR_APP_N_READINGS);
		moor_appi_add(ctx, "/");
		moor_appi_addu(ctx, MOOR_APP_N_READINGS);
		moor_appi_add(ctx, " readings ");
		moor_appi_add(ctx, what);
	} else {
		moor_appi_ln(ctx, "result: FAILED (");
		moor_appi_add(ctx, moor_app_status_name(st));
		if (ctx->failures > 0) {
			moor_appi_add(ctx, ", ");
			moor_appi_addu(ctx, (unsigned long)ctx->failures);
			moor_appi_add(ctx, " check(s) failed");
		}
		moor_appi_add(ctx, ")");
	}
	moor_appi_emit(ctx);
}
