/*
 * moor_app_redis_run(): telemetry to Redis, the way a sensor node would
 * (see app.h):
 *   1. TLS 1.3 on the caller's TCP connection (verify-full, client
 *      certificate), then the Redis handshake (HELLO 3);
 *   2. one pipelined batch: DEL of the device's stream and hash, 10 x
 *      XADD moor:telemetry:DEVICE MAXLEN ~ 1000 * seq N temp_c T rh_pct H,
 *      HSET moor:device:DEVICE with the last values;
 *   3. XRANGE of the stream and HGETALL of the hash, pipelined, decoded
 *      event by event straight out of the receive buffer;
 *   4. checks: every entry has the ID its XADD returned and the fields
 *      that were sent, in order; the hash holds the last reading.
 */
#include <string.h>

#include "app_internal.h"

#define N_FIELDS 3            /* seq, temp_c, rh_pct */
#define ARGV_MAX (6 + 2 * N_FIELDS)

static const char *const field_names[N_FIELDS] = { "seq", "temp_c", "rh_pct" };

/* ------------------------------------------------------------------ */
/* The connection hooks of moor_redis: TLS on the caller's TCP transport,
 * once (a reconnect would need a new TCP connection, which is the
 * caller's to make). */

static int net_connect(void *c, const char *host, uint16_t port,
	moor_transport **t, uint32_t timeout_ms)
{
	moor_app_ctx *ctx = c;
	moor_app_redis_state *rs = &ctx->u.redis;
	int st;

	(void)host;
	(void)port;
	if (rs->connected)
		return MOOR_ERR_NOT_CONNECTED;
	rs->connected = 1;
	st = moor_tls_init(&ctx->tls, &ctx->tls_cfg, ctx->tgt->plat, ctx->tls_buf,
		sizeof ctx->tls_buf);
	if (st == MOOR_OK)
		st = moor_tls_handshake(&ctx->tls, ctx->tcp, timeout_ms);
	if (st != MOOR_OK) {
		moor_transport_close(ctx->tcp);
		return st;
	}
	*t = &ctx->tls.base;
	return MOOR_OK;
}

static void net_disconnect(void *c, moor_transport *t, int graceful)
{
	moor_app_ctx *ctx = c;

	if (graceful)
		moor_tls_close(&ctx->tls, 1000);   /* close_notify, then TCP */
	else
		moor_transport_close(t);
	moor_transport_close(ctx->tcp);
}

/* ------------------------------------------------------------------ */
/* A pipelined batch: commands built one at a time by `build` and queued
 * while the transmit buffer has room; replies handed to `on_event` with
 * the index of the command they answer. */

typedef size_t (*build_fn)(moor_app_ctx *ctx, size_t i, const char **argv);
typedef void (*event_fn)(moor_app_ctx *ctx, size_t i, const moor_redis_event *ev);

static int run_batch(moor_app_ctx *ctx, size_t n, build_fn build,
	event_fn on_event, size_t *max_in_flight)
{
	moor_app_redis_state *rs = &ctx->u.redis;
	const char *argv[ARGV_MAX];
	size_t queued = 0, answered = 0, argc;
	uint32_t first = 0, seq = 0;
	moor_redis_event ev;
	int st;

	*max_in_flight = 0;
	while (answered < n) {
		while (queued < n) {
			argc = build(ctx, queued, argv);
			st = moor_redis_append(&rs->r, argc, argv, NULL, &seq);
			if (st < 0)
				return st;
			if (st == 0)
				break;            /* transmit buffer full: read first */
			if (queued == 0)
				first = seq;
			queued++;
			if (queued - answered > *max_in_flight)
				*max_in_flight = queued - answered;
		}
		st = moor_redis_poll(&rs->r, &ev, moor_appi_timeout(ctx));
		if (st < 0)
			return st;
		if (ev.push)
			continue;
		if ((uint32_t)(ev.seq - first) >= queued)
			return MOOR_ERR_REDIS_UNEXPECTED;
		on_event(ctx, ev.seq - first, &ev);
		if (ev.acked)
			answered++;
	}
	return MOOR_OK;
}

static int slice_eq(const moor_resp_event *e, const char *s)
{
	return moor_appi_eq(e->ptr, e->len, s);
}

/* An error reply where a value was expected. */
static void check_error(moor_app_ctx *ctx, size_t i, const moor_redis_event *ev)
{
	if (ev->resp.kind == MOOR_RESP_EV_VALUE &&
	    (ev->resp.type == MOOR_RESP_ERROR || ev->resp.type == MOOR_RESP_BLOB_ERROR)) {
		moor_appi_ln(ctx, "error: check: command ");
		moor_appi_addu(ctx, (unsigned long)i);
		moor_appi_add(ctx, " got an error reply: ");
		moor_appi_addn(ctx, (const char *)ev->resp.ptr, ev->resp.len);
		moor_appi_emit(ctx);
		ctx->failures++;
	}
}

/* ------------------------------------------------------------------ */
/* Batch 1: DEL stream hash; XADD x N; HSET last values. */

static size_t build_write(moor_app_ctx *ctx, size_t i, const char **argv)
{
	moor_app_redis_state *rs = &ctx->u.redis;
	const moor_app_reading *r;
	size_t argc = 0, f;

	if (i == 0) {
		argv[argc++] = "DEL";
		argv[argc++] = rs->stream_key;
		argv[argc++] = rs->hash_key;
		return argc;
	}
	if (i <= MOOR_APP_N_READINGS) {
		r = &ctx->rd[i - 1];
		argv[argc++] = "XADD";
		argv[argc++] = rs->stream_key;
		argv[argc++] = "MAXLEN";
		argv[argc++] = "~";
		argv[argc++] = "1000";
		argv[argc++] = "*";
	} else {
		r = &ctx->rd[MOOR_APP_N_READINGS - 1];
		argv[argc++] = "HSET";
		argv[argc++] = rs->hash_key;
	}
	for (f = 0; f < N_FIELDS; f++) {
		argv[argc++] = field_names[f];
		argv[argc++] = r->val[f];
	}
	return argc;
}

static void on_write(moor_app_ctx *ctx, size_t i, const moor_redis_event *ev)
{
	const moor_resp_event *e = &ev->resp;

	check_error(ctx, i, ev);
	if (i >= 1 && i <= MOOR_APP_N_READINGS) {
		moor_app_reading *r = &ctx->rd[i - 1];

		if (e->kind != MOOR_RESP_EV_VALUE || e->type != MOOR_RESP_BULK ||
		    e->len == 0 || e->len >= sizeof r->id) {
			moor_appi_check_failed(ctx, "XADD did not return a stream ID");
			return;
		}
		memcpy(r->id, e->ptr, e->len);
		r->id[e->len] = '\0';
	} else if (e->kind == MOOR_RESP_EV_VALUE && e->type != MOOR_RESP_INTEGER &&
	           e->type != MOOR_RESP_ERROR) {
		moor_appi_check_failed(ctx, "DEL / HSET did not return an integer");
	}
}

/* ------------------------------------------------------------------ */
/* Batch 2: XRANGE stream - +; HGETALL hash. */

static size_t build_read(moor_app_ctx *ctx, size_t i, const char **argv)
{
	moor_app_redis_state *rs = &ctx->u.redis;

	if (i == 0) {
		argv[0] = "XRANGE";
		argv[1] = rs->stream_key;
		argv[2] = "-";
		argv[3] = "+";
		return 4;
	}
	argv[0] = "HGETALL";
	argv[1] = rs->hash_key;
	return 2;
}

/* The XRANGE reply:
 *   depth 0  BEGIN array of entries
 *   depth 1  BEGIN entry [id, fields]
 *   depth 2  VALUE id, BEGIN array of fields
 *   depth 3  VALUE field, VALUE value, ...
 * The HGETALL reply (a map in RESP3, an array in RESP2):
 *   depth 0  BEGIN; depth 1  VALUE field, VALUE value, ... */
static void on_read_xrange(moor_app_ctx *ctx, const moor_redis_event *ev)
{
	moor_app_redis_state *rs = &ctx->u.redis;
	const moor_resp_event *e = &ev->resp;
	int k;

	if (e->kind == MOOR_RESP_EV_BEGIN && e->depth == 0) {
		rs->xrange_total = (long)e->num;
	} else if (e->kind == MOOR_RESP_EV_BEGIN && e->depth == 1) {
		rs->cur = -1;
		rs->item = 0;
		rs->entry_ok = e->num == 2;
	} else if (e->kind == MOOR_RESP_EV_VALUE && e->depth == 2) {   /* the ID */
		for (k = 0; k < MOOR_APP_N_READINGS; k++) {
			if (ctx->rd[k].id[0] != '\0' && slice_eq(e, ctx->rd[k].id)) {
				rs->cur = k;
				break;
			}
		}
		/* entries come in ID order: the k-th entry is reading k */
		if (rs->cur < 0 || rs->entries != rs->cur)
			rs->entry_ok = 0;
	} else if (e->kind == MOOR_RESP_EV_BEGIN && e->depth == 2) {
		if (e->num != 2 * N_FIELDS)
			rs->entry_ok = 0;
	} else if (e->kind == MOOR_RESP_EV_VALUE && e->depth == 3) {
		const moor_app_reading *r = rs->cur >= 0 ? &ctx->rd[rs->cur] : NULL;

		if (r == NULL || rs->item >= 2 * N_FIELDS)
			rs->entry_ok = 0;
		else if (rs->item % 2 == 0 && !slice_eq(e, field_names[rs->item / 2]))
			rs->entry_ok = 0;
		else if (rs->item % 2 == 1 && !slice_eq(e, r->val[rs->item / 2]))
			rs->entry_ok = 0;
		rs->item++;
	} else if (e->kind == MOOR_RESP_EV_END && e->depth == 1) {
		if (rs->cur >= 0) {
			ctx->rd[rs->cur].seen = 1;
			ctx->rd[rs->cur].ok = rs->entry_ok && rs->item == 2 * N_FIELDS;
		}
		rs->entries++;
	} else if (e->kind == MOOR_RESP_EV_CHUNK) {
		moor_appi_check_failed(ctx, "XRANGE: a value longer than the receive buffer");
	}
}

static void on_read_hash(moor_app_ctx *ctx, const moor_redis_event *ev)
{
	moor_app_redis_state *rs = &ctx->u.redis;
	const moor_resp_event *e = &ev->resp;
	const moor_app_reading *last = &ctx->rd[MOOR_APP_N_READINGS - 1];
	int f;

	if (e->kind != MOOR_RESP_EV_VALUE || e->depth != 1)
		return;
	if (rs->hash_items % 2 == 0) {
		rs->hash_field = -1;
		for (f = 0; f < N_FIELDS; f++) {
			if (slice_eq(e, field_names[f]))
				rs->hash_field = f;
		}
	} else if (rs->hash_field >= 0 && slice_eq(e, last->val[rs->hash_field])) {
		rs->hash_match++;
	}
	rs->hash_items++;
}

static void on_read(moor_app_ctx *ctx, size_t i, const moor_redis_event *ev)
{
	check_error(ctx, i, ev);
	if (i == 0)
		on_read_xrange(ctx, ev);
	else
		on_read_hash(ctx, ev);
}

/* ------------------------------------------------------------------ */

static void make_key(char *out, size_t cap, const char *prefix, const char *dev)
{
	size_t p = strlen(prefix), d = strlen(dev);

	if (p + d + 1 > cap)
		d = cap - 1 - p;     /* not reached: the device name is checked */
	memcpy(out, prefix, p);
	memcpy(out + p, dev, d);
	out[p + d] = '\0';
}

/* The report's table, the checks and the "last:" line. */
static void report_readings(moor_app_ctx *ctx)
{
	moor_app_redis_state *rs = &ctx->u.redis;
	const moor_app_reading *last = &ctx->rd[MOOR_APP_N_READINGS - 1];
	int k, ok_entries = 0, hash_ok;

	moor_appi_ln(ctx, "  seq  temp_c  rh_pct  check");
	moor_appi_emit(ctx);
	for (k = 0; k < MOOR_APP_N_READINGS; k++) {
		const moor_app_reading *r = &ctx->rd[k];
		int ok = r->seen && r->ok;

		ok_entries += ok;
		moor_appi_ln(ctx, "  ");
		moor_appi_addpad(ctx, r->val[0], 3);
		moor_appi_add(ctx, "  ");
		moor_appi_addpad(ctx, r->val[1], 6);
		moor_appi_add(ctx, "  ");
		moor_appi_addpad(ctx, r->val[2], 6);
		moor_appi_add(ctx, ok ? "  ok" : "  MISMATCH");
		moor_appi_emit(ctx);
	}
	/* The IDs are the server's clock: they change from run to run. */
	for (k = 0; k < MOOR_APP_N_READINGS; k++) {
		moor_appi_ln(ctx, "~ id: ");
		moor_appi_add(ctx, ctx->rd[k].val[0]);
		moor_appi_add(ctx, " ");
		moor_appi_add(ctx, ctx->rd[k].id[0] != '\0' ? ctx->rd[k].id : "-");
		moor_appi_emit(ctx);
	}
	if (rs->entries != MOOR_APP_N_READINGS || rs->xrange_total != MOOR_APP_N_READINGS)
		moor_appi_check_failed(ctx, "XRANGE returned another number of entries than was written");
	if (ok_entries != MOOR_APP_N_READINGS)
		moor_appi_check_failed(ctx, "a reading read back differs from the one written");
	hash_ok = rs->hash_items == 2 * N_FIELDS && rs->hash_match == N_FIELDS;
	if (!hash_ok)
		moor_appi_check_failed(ctx, "the device hash does not hold the last reading");
	moor_appi_ln(ctx, "last:  ");
	moor_appi_add(ctx, rs->hash_key);
	moor_appi_add(ctx, " = { seq ");
	moor_appi_add(ctx, last->val[0]);
	moor_appi_add(ctx, ", temp_c ");
	moor_appi_add(ctx, last->val[1]);
	moor_appi_add(ctx, ", rh_pct ");
	moor_appi_add(ctx, last->val[2]);
	moor_appi_add(ctx, hash_ok ? " }: ok" : " }: MISMATCH");
	moor_appi_emit(ctx);
}

int moor_app_redis_run(moor_app_ctx *ctx, const moor_app_target *target,
	moor_transport *tcp)
{
	moor_app_redis_state *rs;
	const moor_platform *plat;
	const char *step = "config";
	size_t in_flight = 0;
	uint32_t t0;
	int st, inited = 0;

	st = moor_appi_begin(ctx, target, tcp);
	if (st != MOOR_OK)
		return st;
	plat = target->plat;
	rs = &ctx->u.redis;
	memset(rs, 0, sizeof *rs);
	make_key(rs->stream_key, sizeof rs->stream_key, "moor:telemetry:", target->device);
	make_key(rs->hash_key, sizeof rs->hash_key, "moor:device:", target->device);

	rs->cfg.connect = net_connect;
	rs->cfg.disconnect = net_disconnect;
	rs->cfg.conn_ctx = ctx;
	rs->cfg.user = target->user;
	rs->cfg.password = target->password;
	rs->cfg.client_name = "moor-telemetry";
	rs->cfg.connect_timeout_ms = moor_appi_connect_timeout(ctx);
	rs->cfg.timeout_ms = moor_appi_timeout(ctx);
	st = moor_redis_init(&rs->r, &rs->cfg, plat, rs->rx, sizeof rs->rx,
		rs->tx, sizeof rs->tx);
	if (st != MOOR_OK)
		goto out;
	inited = 1;

	moor_appi_ln(ctx, "moor app: redis, device ");
	moor_appi_add(ctx, target->device);
	moor_appi_add(ctx, ", server name ");
	moor_appi_add(ctx, target->server_name);
	moor_appi_emit(ctx);

	/* 1. TLS + HELLO. */
	step = "connect";
	t0 = plat->now_ms(plat->ctx);
	st = moor_redis_connect(&rs->r, 0);
	if (st != MOOR_OK)
		goto out;
	moor_appi_report_tls(ctx, moor_tls_get_info(&ctx->tls));
	moor_appi_ln(ctx, "redis: RESP");
	moor_appi_addu(ctx, (unsigned long)moor_redis_protocol(&rs->r));
	moor_appi_add(ctx, ", connected (TLS + HELLO)");
	if (target->password != NULL)
		moor_appi_add(ctx, ", authenticated");
	moor_appi_emit(ctx);
	moor_appi_report_time(ctx, "connect (TLS + HELLO)", t0);

	/* 2. Write: one pipelined batch. */
	step = "write";
	t0 = plat->now_ms(plat->ctx);
	st = run_batch(ctx, MOOR_APP_N_READINGS + 2, build_write, on_write, &in_flight);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "write: ");
	moor_appi_addu(ctx, MOOR_APP_N_READINGS + 2);
	moor_appi_add(ctx, " commands pipelined (DEL, ");
	moor_appi_addu(ctx, MOOR_APP_N_READINGS);
	moor_appi_add(ctx, " x XADD ");
	moor_appi_add(ctx, rs->stream_key);
	moor_appi_add(ctx, ", HSET ");
	moor_appi_add(ctx, rs->hash_key);
	moor_appi_add(ctx, ")");
	moor_appi_emit(ctx);
	moor_appi_report_time(ctx, "write", t0);
	moor_appi_ln(ctx, "~ pipeline: up to ");
	moor_appi_addu(ctx, (unsigned long)in_flight);
	moor_appi_add(ctx, " commands in flight");
	moor_appi_emit(ctx);

	/* 3. Read back, pipelined too. */
	step = "read";
	rs->xrange_total = -1;
	t0 = plat->now_ms(plat->ctx);
	st = run_batch(ctx, 2, build_read, on_read, &in_flight);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "read:  XRANGE -> ");
	moor_appi_addu(ctx, (unsigned long)rs->entries);
	moor_appi_add(ctx, " entries, HGETALL -> ");
	moor_appi_addu(ctx, (unsigned long)(rs->hash_items / 2));
	moor_appi_add(ctx, " fields");
	moor_appi_emit(ctx);
	moor_appi_report_time(ctx, "read", t0);

	/* 4. Check. */
	step = "check";
	report_readings(ctx);
	moor_redis_close(&rs->r);        /* close_notify, then the TCP close */
	moor_appi_report_ram(ctx, "moor_redis", sizeof rs->r, sizeof rs->rx, sizeof rs->tx);
	if (ctx->failures != 0)
		st = MOOR_APP_ERR_CHECK;
out:
	if (st != MOOR_OK) {
		if (st != MOOR_APP_ERR_CHECK)
			moor_appi_error(ctx, step, st);
		if (inited)
			moor_redis_close(&rs->r);
	}
	moor_transport_close(tcp);       /* idempotent: closed on every path */
	moor_appi_report_result(ctx, "written, read back and verified", st);
	ctx->tgt = NULL;
	ctx->tcp = NULL;
	return st;
}
