/*
 * moor_app_mysql_run(): the telemetry readings into MySQL / MariaDB (issue
 * 5's demo; see app.h):
 *   1. the MySQL handshake on the caller's TCP connection, SSLRequest,
 *      TLS 1.3 with ssl-mode VERIFY_IDENTITY and the client certificate,
 *      login (a certificate-only user: REQUIRE X509, no password);
 *      CURRENT_USER() and the session's Ssl_version, as the server sees
 *      them (text protocol);
 *   2. CREATE TABLE IF NOT EXISTS readings, and a prepared DELETE of the
 *      device's old rows;
 *   3. ONE prepared INSERT executed 10 times with typed parameters:
 *      VAR_STRING device, LONG seq, DOUBLE temp_c, NEWDECIMAL rh_pct (NULL
 *      for reading MOOR_APP_NULL_SEQ), DATETIME ts;
 *   4. a prepared SELECT of the device's rows (binary protocol), every
 *      value checked against what was sent, the doubles bit for bit;
 *   5. COM_QUIT and close_notify.
 */
#include <string.h>

#include "app_internal.h"

/* The reading whose rh_pct is bound as NULL (a sensor glitch). */
#define NULL_SEQ 4

/* Sample times: 2026-01-01 12:00:00 UTC + 10 s per reading (fixed, so
 * that reports compare between runs and targets). */
#define TS_YEAR  2026
#define TS_HOUR  12
#define TS_STEP  10

#define N_COLS   5

static const char sql_create[] =
	"CREATE TABLE IF NOT EXISTS readings ("
	"device VARCHAR(32) NOT NULL, "
	"seq INT NOT NULL, "
	"temp_c DOUBLE NOT NULL, "
	"rh_pct DECIMAL(4,1) NULL, "
	"ts DATETIME NOT NULL, "
	"PRIMARY KEY (device, seq))";
static const char sql_delete[] = "DELETE FROM readings WHERE device = ?";
static const char sql_insert[] =
	"INSERT INTO readings (device, seq, temp_c, rh_pct, ts) VALUES (?, ?, ?, ?, ?)";
static const char sql_select[] =
	"SELECT seq, temp_c, rh_pct, ts, device FROM readings WHERE device = ? ORDER BY seq";

/* ------------------------------------------------------------------ */

/* moor_mysql's connect hook: the caller's TCP connection, once (the
 * client runs the prelude and TLS on it itself). */
static int net_connect(void *c, moor_transport **tcp, uint32_t timeout_ms)
{
	moor_app_ctx *ctx = c;

	(void)timeout_ms;
	if (ctx->u.mysql.connected)
		return MOOR_ERR_NOT_CONNECTED;
	ctx->u.mysql.connected = 1;
	*tcp = ctx->tcp;
	return MOOR_OK;
}

/* "error: STEP: server ERR 1045 (28000): message" for a server ERR, the
 * usual error line otherwise. */
static void mysql_error(moor_app_ctx *ctx, const char *step, int st)
{
	const moor_mysql_error *e = moor_mysql_last_error(&ctx->u.mysql.m);

	if (st != MOOR_ERR_MYSQL_SERVER || e->code == 0) {
		moor_appi_error(ctx, step, st);
		return;
	}
	moor_appi_ln(ctx, "error: ");
	moor_appi_add(ctx, step);
	moor_appi_add(ctx, ": server ERR ");
	moor_appi_addu(ctx, e->code);
	if (e->sqlstate[0] != '\0') {
		moor_appi_add(ctx, " (");
		moor_appi_add(ctx, e->sqlstate);
		moor_appi_add(ctx, ")");
	}
	moor_appi_add(ctx, ": ");
	moor_appi_add(ctx, e->message);
	moor_appi_emit(ctx);
}

/* Read the rest of a reply that should be OK packets; sum affected rows. */
static int read_ok(moor_app_ctx *ctx, uint64_t *affected)
{
	moor_mysql *m = &ctx->u.mysql.m;
	moor_mysql_event ev;
	int st;

	*affected = 0;
	while (moor_mysql_busy(m)) {
		st = moor_mysql_poll(m, &ev, moor_appi_timeout(ctx));
		if (st != MOOR_OK)
			return st;
		if (ev.type == MOOR_MYSQL_E_OK)
			*affected += ev.ok.affected_rows;
	}
	return MOOR_OK;
}

/* A text query whose first row's first `ncol` values are kept (cut to
 * cap - 1 bytes each, NUL-terminated; "" when absent). */
static int query_row(moor_app_ctx *ctx, const char *sql, char (*val)[64], unsigned ncol)
{
	moor_mysql *m = &ctx->u.mysql.m;
	moor_mysql_event ev;
	unsigned i;
	int st;

	for (i = 0; i < ncol; i++)
		val[i][0] = '\0';
	st = moor_mysql_query(m, sql, strlen(sql), moor_appi_timeout(ctx));
	while (st == MOOR_OK && moor_mysql_busy(m)) {
		st = moor_mysql_poll(m, &ev, moor_appi_timeout(ctx));
		if (st == MOOR_OK && ev.type == MOOR_MYSQL_E_VALUE && ev.rows == 0 &&
		    ev.value.col < ncol && !(ev.value.flags & MOOR_MYSQL_V_NULL)) {
			char *o = val[ev.value.col];
			size_t have = strlen(o), n = ev.value.len;

			if (n > 63 - have)
				n = 63 - have;
			if (n > 0)
				memcpy(o + have, ev.value.ptr, n);
			o[have + n] = '\0';
		}
	}
	return st;
}

/* The device name as a VAR_STRING parameter. */
static void param_device(moor_app_ctx *ctx, moor_mysql_param *p)
{
	memset(p, 0, sizeof *p);
	p->type = MOOR_MYSQL_TYPE_VAR_STRING;
	p->ptr = (const uint8_t *)ctx->tgt->device;
	p->len = strlen(ctx->tgt->device);
}

static void sample_time(int k, moor_mysql_time *t)
{
	unsigned s = (unsigned)(TS_STEP * k);

	memset(t, 0, sizeof *t);
	t->year = TS_YEAR;
	t->month = 1;
	t->day = 1;
	t->hour = (uint8_t)(TS_HOUR + s / 3600);
	t->minute = (uint8_t)(s / 60 % 60);
	t->second = (uint8_t)(s % 60);
}

static double temp_of(int k)
{
	return (double)moor_appi_centi(k) / 100.0;
}

static void add2(moor_app_ctx *ctx, unsigned v)
{
	char d[3];

	d[0] = (char)('0' + v / 10 % 10);
	d[1] = (char)('0' + v % 10);
	d[2] = '\0';
	moor_appi_add(ctx, d);
}

static void add_time(moor_app_ctx *ctx, const moor_mysql_time *t)
{
	moor_appi_addu(ctx, t->year);
	moor_appi_add(ctx, "-");
	add2(ctx, t->month);
	moor_appi_add(ctx, "-");
	add2(ctx, t->day);
	moor_appi_add(ctx, " ");
	add2(ctx, t->hour);
	moor_appi_add(ctx, ":");
	add2(ctx, t->minute);
	moor_appi_add(ctx, ":");
	add2(ctx, t->second);
}

/* ------------------------------------------------------------------ */
/* The SELECT's rows, value by value. */

typedef struct sel_state {
	uint64_t rows;          /* rows seen */
	uint32_t values;        /* values seen in the current row */
	int bad;                /* the current row differs */
	char acc[48];           /* a string value arriving in pieces */
	size_t acc_len;
	uint8_t acc_over;
} sel_state;

/* One whole value of row `row`, column `col`. For strings s/n. */
static void check_value(moor_app_ctx *ctx, sel_state *ss, uint64_t row,
	const moor_mysql_value *v, const uint8_t *s, size_t n)
{
	int k = (int)row, isnull = (v->flags & MOOR_MYSQL_V_NULL) != 0;
	moor_mysql_time t;

	if (row >= MOOR_APP_N_READINGS) {
		ss->bad = 1;
		return;
	}
	switch (v->col) {
	case 0:   /* seq INT -> LONG */
		ss->bad |= isnull || v->type != MOOR_MYSQL_TYPE_LONG || v->i != k;
		break;
	case 1:   /* temp_c DOUBLE: the bits that were sent */
		ss->bad |= isnull || v->type != MOOR_MYSQL_TYPE_DOUBLE || !(v->d == temp_of(k));
		break;
	case 2:   /* rh_pct DECIMAL(4,1) -> NEWDECIMAL text, or NULL */
		if (k == NULL_SEQ)
			ss->bad |= !isnull;
		else
			ss->bad |= isnull || !moor_appi_eq(s, n, ctx->rd[k].val[2]);
		break;
	case 3:   /* ts DATETIME */
		sample_time(k, &t);
		ss->bad |= isnull || v->type != MOOR_MYSQL_TYPE_DATETIME ||
			v->t.year != t.year || v->t.month != t.month || v->t.day != t.day ||
			v->t.hour != t.hour || v->t.minute != t.minute ||
			v->t.second != t.second || v->t.microsecond != 0;
		break;
	case 4:   /* device VARCHAR */
		ss->bad |= isnull || !moor_appi_eq(s, n, ctx->tgt->device);
		break;
	default:
		ss->bad = 1;
		break;
	}
}

static void on_row_event(moor_app_ctx *ctx, sel_state *ss, const moor_mysql_event *ev)
{
	const moor_mysql_value *v = &ev->value;

	if (ev->type != MOOR_MYSQL_E_VALUE)
		return;
	if (v->kind == MOOR_MYSQL_EV_CHUNK) {
		size_t n = v->len;

		if (v->flags & MOOR_MYSQL_V_FIRST) {
			ss->acc_len = 0;
			ss->acc_over = 0;
		}
		if (n > sizeof ss->acc - ss->acc_len) {
			n = sizeof ss->acc - ss->acc_len;
			ss->acc_over = 1;
		}
		if (n > 0)
			memcpy(ss->acc + ss->acc_len, v->ptr, n);
		ss->acc_len += n;
		if (!(v->flags & MOOR_MYSQL_V_LAST))
			return;
		if (ss->acc_over)
			ss->bad = 1;
		else
			check_value(ctx, ss, ev->rows, v, (const uint8_t *)ss->acc, ss->acc_len);
	} else {
		check_value(ctx, ss, ev->rows, v, v->ptr, v->len);
	}
	ss->values++;
	if (v->flags & MOOR_MYSQL_V_ROW_DONE) {
		if (ev->rows < MOOR_APP_N_READINGS) {
			moor_app_reading *r = &ctx->rd[ev->rows];

			r->seen = 1;
			r->ok = !ss->bad && ss->values == N_COLS && ev->rows == ss->rows;
		}
		ss->rows++;
		ss->values = 0;
		ss->bad = 0;
	}
}

/* ------------------------------------------------------------------ */

static int prepare(moor_app_ctx *ctx, const char *sql, uint16_t nparams, uint16_t ncols)
{
	moor_app_mysql_state *ms = &ctx->u.mysql;
	int st;

	memset(&ms->stmt, 0, sizeof ms->stmt);
	ms->stmt.types = ms->types;
	ms->stmt.types_cap = sizeof ms->types;
	st = moor_mysql_stmt_prepare(&ms->m, &ms->stmt, sql, strlen(sql), moor_appi_timeout(ctx));
	if (st == MOOR_OK && (ms->stmt.nparams != nparams || ms->stmt.ncols != ncols))
		st = MOOR_ERR_MYSQL_PROTOCOL;
	return st;
}

static void report_readings(moor_app_ctx *ctx, uint64_t rows)
{
	int k, ok_rows = 0;
	moor_mysql_time t;

	moor_appi_ln(ctx, "  seq  temp_c  rh_pct  ts                   check");
	moor_appi_emit(ctx);
	for (k = 0; k < MOOR_APP_N_READINGS; k++) {
		const moor_app_reading *r = &ctx->rd[k];
		int ok = r->seen && r->ok;

		ok_rows += ok;
		sample_time(k, &t);
		moor_appi_ln(ctx, "  ");
		moor_appi_addpad(ctx, r->val[0], 3);
		moor_appi_add(ctx, "  ");
		moor_appi_addpad(ctx, r->val[1], 6);
		moor_appi_add(ctx, "  ");
		moor_appi_addpad(ctx, k == NULL_SEQ ? "NULL" : r->val[2], 6);
		moor_appi_add(ctx, "  ");
		add_time(ctx, &t);
		moor_appi_add(ctx, ok ? "  ok" : "  MISMATCH");
		moor_appi_emit(ctx);
	}
	if (rows != MOOR_APP_N_READINGS)
		moor_appi_check_failed(ctx, "SELECT returned another number of rows than was inserted");
	if (ok_rows != MOOR_APP_N_READINGS)
		moor_appi_check_failed(ctx, "a row read back differs from the one inserted");
}

int moor_app_mysql_run(moor_app_ctx *ctx, const moor_app_target *target,
	moor_transport *tcp)
{
	moor_app_mysql_state *ms;
	const moor_platform *plat;
	const char *step = "config";
	moor_mysql_param p[5];
	moor_mysql_event ev;
	char val[2][64];
	sel_state ss;
	uint64_t affected, inserted = 0;
	uint32_t t0;
	int st, k, inited = 0;

	st = moor_appi_begin(ctx, target, tcp);
	if (st != MOOR_OK)
		return st;
	plat = target->plat;
	ms = &ctx->u.mysql;
	memset(ms, 0, sizeof *ms);
	if (target->user == NULL || target->user[0] == '\0') {
		moor_appi_ln(ctx, "error: config: MySQL needs a user name");
		moor_appi_emit(ctx);
		moor_transport_close(tcp);
		return MOOR_ERR_INVALID_ARG;
	}

	ms->cfg.connect = net_connect;
	ms->cfg.conn_ctx = ctx;
	ms->cfg.ssl_mode = MOOR_SSL_VERIFY_FULL;      /* VERIFY_IDENTITY */
	ms->cfg.tls = &ctx->tls_cfg;
	ms->cfg.tls_session = &ctx->tls;
	ms->cfg.tls_buf = ctx->tls_buf;
	ms->cfg.tls_buf_len = sizeof ctx->tls_buf;
	ms->cfg.user = target->user;
	ms->cfg.password = target->password;
	ms->cfg.database = target->database != NULL ? target->database : "moor";
	ms->cfg.program_name = "moor-telemetry";
	ms->cfg.connect_timeout_ms = moor_appi_connect_timeout(ctx);
	ms->cfg.timeout_ms = moor_appi_timeout(ctx);
	st = moor_mysql_init(&ms->m, &ms->cfg, plat, ms->rx, sizeof ms->rx,
		ms->tx, sizeof ms->tx);
	if (st != MOOR_OK)
		goto out;
	inited = 1;

	moor_appi_ln(ctx, "moor app: mysql, device ");
	moor_appi_add(ctx, target->device);
	moor_appi_add(ctx, ", server name ");
	moor_appi_add(ctx, target->server_name);
	moor_appi_emit(ctx);

	/* 1. SSLRequest, TLS 1.3 VERIFY_IDENTITY, login. */
	step = "connect";
	t0 = plat->now_ms(plat->ctx);
	st = moor_mysql_connect(&ms->m, 0);
	if (st != MOOR_OK)
		goto out;
	moor_appi_report_tls(ctx, moor_mysql_tls_info(&ms->m));
	moor_appi_ln(ctx, "mysql: logged in as ");
	moor_appi_add(ctx, target->user);
	moor_appi_add(ctx, target->password == NULL || target->password[0] == '\0' ?
		" with the client certificate only (no password)" : " with a password");
	moor_appi_add(ctx, ", schema ");
	moor_appi_add(ctx, ms->cfg.database);
	moor_appi_emit(ctx);
	moor_appi_report_time(ctx, "connect (TLS + login)", t0);
	moor_appi_ln(ctx, "~ server: ");
	moor_appi_add(ctx, moor_mysql_server_version(&ms->m));
	moor_appi_add(ctx, ", connection id ");
	moor_appi_addu(ctx, (unsigned long)moor_mysql_connection_id(&ms->m));
	moor_appi_emit(ctx);

	step = "session";
	st = query_row(ctx, "SELECT CURRENT_USER()", val, 1);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "mysql: CURRENT_USER() = ");
	moor_appi_add(ctx, val[0]);
	moor_appi_emit(ctx);
	st = query_row(ctx, "SHOW SESSION STATUS LIKE 'Ssl_version'", val, 2);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "mysql: the server sees Ssl_version ");
	moor_appi_add(ctx, val[1][0] != '\0' ? val[1] : "(none)");
	moor_appi_emit(ctx);
	if (strcmp(val[1], "TLSv1.3") != 0)
		moor_appi_check_failed(ctx, "the server does not see TLSv1.3");

	/* 2. The table, and the device's old rows out. */
	step = "create";
	st = moor_mysql_query_ok(&ms->m, sql_create, sizeof sql_create - 1, NULL, 0);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "create: readings (device VARCHAR(32), seq INT, temp_c DOUBLE,"
		" rh_pct DECIMAL(4,1), ts DATETIME) exists");
	moor_appi_emit(ctx);

	step = "delete";
	st = prepare(ctx, sql_delete, 1, 0);
	if (st == MOOR_OK) {
		param_device(ctx, &p[0]);
		st = moor_mysql_stmt_execute(&ms->m, &ms->stmt, p, 1, 0);
	}
	if (st == MOOR_OK)
		st = read_ok(ctx, &affected);
	if (st == MOOR_OK)
		st = moor_mysql_stmt_close(&ms->m, &ms->stmt, 0);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "delete: the old rows of ");
	moor_appi_add(ctx, target->device);
	moor_appi_add(ctx, " removed (prepared DELETE)");
	moor_appi_emit(ctx);
	moor_appi_ln(ctx, "~ delete: ");
	moor_appi_addu(ctx, (unsigned long)affected);
	moor_appi_add(ctx, " old rows");
	moor_appi_emit(ctx);

	/* 3. One prepared INSERT, executed once per reading. */
	step = "prepare";
	st = prepare(ctx, sql_insert, 5, 0);
	if (st != MOOR_OK)
		goto out;
	step = "insert";
	t0 = plat->now_ms(plat->ctx);
	for (k = 0; k < MOOR_APP_N_READINGS; k++) {
		const moor_app_reading *r = &ctx->rd[k];

		param_device(ctx, &p[0]);
		memset(&p[1], 0, 4 * sizeof p[1]);
		p[1].type = MOOR_MYSQL_TYPE_LONG;
		p[1].i = k;
		p[2].type = MOOR_MYSQL_TYPE_DOUBLE;
		p[2].d = temp_of(k);
		p[3].type = MOOR_MYSQL_TYPE_NEWDECIMAL;
		p[3].ptr = (const uint8_t *)r->val[2];
		p[3].len = strlen(r->val[2]);
		p[3].is_null = k == NULL_SEQ;
		p[4].type = MOOR_MYSQL_TYPE_DATETIME;
		sample_time(k, &p[4].t);
		st = moor_mysql_stmt_execute(&ms->m, &ms->stmt, p, 5, 0);
		if (st == MOOR_OK)
			st = read_ok(ctx, &affected);
		if (st != MOOR_OK)
			goto out;
		if (affected != 1)
			moor_appi_check_failed(ctx, "an INSERT did not insert one row");
		inserted += affected;
	}
	st = moor_mysql_stmt_close(&ms->m, &ms->stmt, 0);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "insert: 1 prepared INSERT executed ");
	moor_appi_addu(ctx, MOOR_APP_N_READINGS);
	moor_appi_add(ctx, " times, typed parameters (VAR_STRING, LONG, DOUBLE, NEWDECIMAL,"
		" DATETIME), rh_pct of seq ");
	moor_appi_addu(ctx, NULL_SEQ);
	moor_appi_add(ctx, " bound as NULL: ");
	moor_appi_addu(ctx, (unsigned long)inserted);
	moor_appi_add(ctx, " rows");
	moor_appi_emit(ctx);
	moor_appi_report_time(ctx, "insert", t0);

	/* 4. Read back: a prepared SELECT, binary rows. */
	step = "select";
	t0 = plat->now_ms(plat->ctx);
	st = prepare(ctx, sql_select, 1, N_COLS);
	if (st == MOOR_OK) {
		param_device(ctx, &p[0]);
		st = moor_mysql_stmt_execute(&ms->m, &ms->stmt, p, 1, 0);
	}
	memset(&ss, 0, sizeof ss);
	while (st == MOOR_OK && moor_mysql_busy(&ms->m)) {
		st = moor_mysql_poll(&ms->m, &ev, moor_appi_timeout(ctx));
		if (st == MOOR_OK)
			on_row_event(ctx, &ss, &ev);
	}
	if (st == MOOR_OK)
		st = moor_mysql_stmt_close(&ms->m, &ms->stmt, 0);
	if (st != MOOR_OK)
		goto out;
	moor_appi_ln(ctx, "select: prepared SELECT, binary rows: ");
	moor_appi_addu(ctx, (unsigned long)ss.rows);
	moor_appi_add(ctx, " rows of ");
	moor_appi_addu(ctx, N_COLS);
	moor_appi_add(ctx, " columns");
	moor_appi_emit(ctx);
	moor_appi_report_time(ctx, "select", t0);

	/* 5. Check, then COM_QUIT and close_notify. */
	step = "check";
	report_readings(ctx, ss.rows);
	moor_mysql_close(&ms->m);
	moor_appi_ln(ctx, "quit:  COM_QUIT, close_notify");
	moor_appi_emit(ctx);
	moor_appi_report_ram(ctx, "moor_mysql", sizeof ms->m, sizeof ms->rx, sizeof ms->tx);
	if (ctx->failures != 0)
		st = MOOR_APP_ERR_CHECK;
out:
	if (st != MOOR_OK) {
		if (st != MOOR_APP_ERR_CHECK)
			mysql_error(ctx, step, st);
		if (inited)
			moor_mysql_close(&ms->m);
	}
	moor_transport_close(tcp);       /* idempotent: closed on every path */
	moor_appi_report_result(ctx, "inserted, selected back and verified", st);
	ctx->tgt = NULL;
	ctx->tcp = NULL;
	return st;
}
