/*
 * MySQL command phase encoders: text commands and the prepared-statement
 * commands with the binary parameter encoding. See moor/mysql_proto.h.
 */
#include <string.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"
#include "internal.h"

/* ------------------------------------------------------------------ */
/* Commands with one argument. */

typedef struct {
	const uint8_t *head;   /* command byte and fixed fields */
	size_t head_len;
	const uint8_t *arg;
	size_t arg_len;
} cmd_ctx;

static void emit_cmd(mysql_wr *w, const void *ctx)
{
	const cmd_ctx *c = ctx;

	moor_mysql_wr_put(w, c->head, c->head_len);
	moor_mysql_wr_put(w, c->arg, c->arg_len);
}

static int run_cmd(const uint8_t *head, size_t head_len, const uint8_t *arg,
	size_t arg_len, uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	cmd_ctx c;

	if (next_seq == NULL || len == NULL || (out == NULL && cap > 0)
		|| (arg == NULL && arg_len > 0))
		return MOOR_ERR_INVALID_ARG;
	c.head = head;
	c.head_len = head_len;
	c.arg = arg;
	c.arg_len = arg_len;
	*next_seq = 0;
	return moor_mysql_wr_run(emit_cmd, &c, next_seq, out, cap, len);
}

int moor_mysql_write_command(uint8_t command, const uint8_t *arg, size_t arg_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	return run_cmd(&command, 1, arg, arg_len, next_seq, out, cap, len);
}

int moor_mysql_write_query(const char *sql, size_t sql_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	return moor_mysql_write_command(MOOR_MYSQL_COM_QUERY, (const uint8_t *)sql,
		sql_len, next_seq, out, cap, len);
}

int moor_mysql_write_init_db(const char *schema, size_t schema_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	return moor_mysql_write_command(MOOR_MYSQL_COM_INIT_DB, (const uint8_t *)schema,
		schema_len, next_seq, out, cap, len);
}

int moor_mysql_write_stmt_prepare(const char *sql, size_t sql_len,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	return moor_mysql_write_command(MOOR_MYSQL_COM_STMT_PREPARE,
		(const uint8_t *)sql, sql_len, next_seq, out, cap, len);
}

int moor_mysql_write_ping(uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	return moor_mysql_write_command(MOOR_MYSQL_COM_PING, NULL, 0, next_seq, out,
		cap, len);
}

int moor_mysql_write_quit(uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	return moor_mysql_write_command(MOOR_MYSQL_COM_QUIT, NULL, 0, next_seq, out,
		cap, len);
}

int moor_mysql_write_reset_connection(uint8_t *next_seq, uint8_t *out, size_t cap,
	size_t *len)
{
	return moor_mysql_write_command(MOOR_MYSQL_COM_RESET_CONNECTION, NULL, 0,
		next_seq, out, cap, len);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int stmt_cmd(uint8_t command, uint32_t stmt_id, uint8_t *next_seq,
	uint8_t *out, size_t cap, size_t *len)
{
	uint8_t head[5];

	head[0] = command;
	put_le32(head + 1, stmt_id);
	return run_cmd(head, sizeof head, NULL, 0, next_seq, out, cap, len);
}

int moor_mysql_write_stmt_close(uint32_t stmt_id, uint8_t *next_seq,
	uint8_t *out, size_t cap, size_t *len)
{
	return stmt_cmd(MOOR_MYSQL_COM_STMT_CLOSE, stmt_id, next_seq, out, cap, len);
}

int moor_mysql_write_stmt_reset(uint32_t stmt_id, uint8_t *next_seq,
	uint8_t *out, size_t cap, size_t *len)
{
	return stmt_cmd(MOOR_MYSQL_COM_STMT_RESET, stmt_id, next_seq, out, cap, len);
}

int moor_mysql_write_stmt_send_long_data(uint32_t stmt_id, uint16_t param_id,
	const uint8_t *data, size_t n, uint8_t *next_seq,
	uint8_t *out, size_t cap, size_t *len)
{
	uint8_t head[7];

	head[0] = MOOR_MYSQL_COM_STMT_SEND_LONG_DATA;
	put_le32(head + 1, stmt_id);
	head[5] = (uint8_t)param_id;
	head[6] = (uint8_t)(param_id >> 8);
	return run_cmd(head, sizeof head, data, n, next_seq, out, cap, len);
}

int moor_mysql_write_stmt_send_long_data_header(uint32_t stmt_id,
	uint16_t param_id, size_t n, uint8_t *next_seq,
	uint8_t out[MOOR_MYSQL_LONG_DATA_HEADER_LEN])
{
	if (next_seq == NULL || out == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (n > MOOR_MYSQL_LONG_DATA_MAX)
		return MOOR_ERR_MYSQL_TOO_LARGE;
	moor_mysql_put_header(out, (uint32_t)(n + 7), 0);
	out[4] = MOOR_MYSQL_COM_STMT_SEND_LONG_DATA;
	put_le32(out + 5, stmt_id);
	out[9] = (uint8_t)param_id;
	out[10] = (uint8_t)(param_id >> 8);
	*next_seq = 1;
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* COM_STMT_EXECUTE. */


static int param_null(const moor_mysql_param *p)
{
	return p->is_null || p->type == MOOR_MYSQL_TYPE_NULL;
}

/* Whether an integer fits in `bytes` bytes, signed or not. */
static int int_fits(const moor_mysql_param *p, unsigned bytes)
{
	if (bytes == 8)
		return 1;
	if (p->is_unsigned)
		return p->u <= (UINT64_MAX >> (64 - 8 * bytes));
	{
		int64_t lim = (int64_t)1 << (8 * bytes - 1);

		return p->i >= -lim && p->i < lim;
	}
}

static int time_ok(const moor_mysql_time *t, int enc)
{
	if (t->minute > 59 || t->second > 59 || t->microsecond > 999999)
		return 0;
	if (enc == BV_DATE)
		return t->year <= 9999 && t->month <= 12 && t->day <= 31 && t->hour <= 23;
	/* TIME: at most 838:59:59 */
	return t->hour <= 23 && t->days <= 34 && t->days * 24u + t->hour <= 838;
}

static int check_param(const moor_mysql_param *p)
{
	int enc;

	if (param_null(p) || p->long_data) {
		if (p->type != MOOR_MYSQL_TYPE_NULL && moor_mysql_bin_layout(p->type) == BV_BAD)
			return MOOR_ERR_MYSQL_BAD_VALUE;
		return MOOR_OK;
	}
	enc = moor_mysql_bin_layout(p->type);
	switch (enc) {
	case BV_1:
		return int_fits(p, 1) ? MOOR_OK : MOOR_ERR_MYSQL_BAD_VALUE;
	case BV_2:
		return int_fits(p, 2) ? MOOR_OK : MOOR_ERR_MYSQL_BAD_VALUE;
	case BV_4:
		return int_fits(p, 4) ? MOOR_OK : MOOR_ERR_MYSQL_BAD_VALUE;
	case BV_8:
	case BV_FLOAT:
	case BV_DOUBLE:
		return MOOR_OK;
	case BV_DATE:
	case BV_TIME:
		return time_ok(&p->t, enc) ? MOOR_OK : MOOR_ERR_MYSQL_BAD_VALUE;
	case BV_STR:
		return p->ptr != NULL || p->len == 0 ? MOOR_OK : MOOR_ERR_INVALID_ARG;
	default:
		return MOOR_ERR_MYSQL_BAD_VALUE;
	}
}

static void emit_date(mysql_wr *w, const moor_mysql_time *t)
{
	uint8_t n;

	if (t->microsecond != 0)
		n = 11;
	else if (t->hour != 0 || t->minute != 0 || t->second != 0)
		n = 7;
	else if (t->year != 0 || t->month != 0 || t->day != 0)
		n = 4;
	else
		n = 0;
	moor_mysql_wr_u8(w, n);
	if (n == 0)
		return;
	moor_mysql_wr_le(w, t->year, 2);
	moor_mysql_wr_u8(w, t->month);
	moor_mysql_wr_u8(w, t->day);
	if (n == 4)
		return;
	moor_mysql_wr_u8(w, t->hour);
	moor_mysql_wr_u8(w, t->minute);
	moor_mysql_wr_u8(w, t->second);
	if (n == 11)
		moor_mysql_wr_le(w, t->microsecond, 4);
}

static void emit_time(mysql_wr *w, const moor_mysql_time *t)
{
	uint8_t n;

	if (t->microsecond != 0)
		n = 12;
	else if (t->days != 0 || t->hour != 0 || t->minute != 0 || t->second != 0)
		n = 8;
	else
		n = 0;
	moor_mysql_wr_u8(w, n);
	if (n == 0)
		return;
	moor_mysql_wr_u8(w, t->neg ? 1 : 0);
	moor_mysql_wr_le(w, t->days, 4);
	moor_mysql_wr_u8(w, t->hour);
	moor_mysql_wr_u8(w, t->minute);
	moor_mysql_wr_u8(w, t->second);
	if (n == 12)
		moor_mysql_wr_le(w, t->microsecond, 4);
}

static void emit_value(mysql_wr *w, const moor_mysql_param *p)
{
	uint64_t bits;
	uint32_t fbits;

	switch (moor_mysql_bin_layout(p->type)) {
	case BV_1:
		moor_mysql_wr_le(w, p->is_unsigned ? p->u : (uint64_t)p->i, 1);
		break;
	case BV_2:
		moor_mysql_wr_le(w, p->is_unsigned ? p->u : (uint64_t)p->i, 2);
		break;
	case BV_4:
		moor_mysql_wr_le(w, p->is_unsigned ? p->u : (uint64_t)p->i, 4);
		break;
	case BV_8:
		moor_mysql_wr_le(w, p->is_unsigned ? p->u : (uint64_t)p->i, 8);
		break;
	case BV_FLOAT:
		memcpy(&fbits, &p->f, 4);
		moor_mysql_wr_le(w, fbits, 4);
		break;
	case BV_DOUBLE:
		memcpy(&bits, &p->d, 8);
		moor_mysql_wr_le(w, bits, 8);
		break;
	case BV_DATE:
		emit_date(w, &p->t);
		break;
	case BV_TIME:
		emit_time(w, &p->t);
		break;
	default: /* BV_STR */
		moor_mysql_wr_lenenc_str(w, p->ptr, p->len);
		break;
	}
}

typedef struct {
	uint32_t stmt_id;
	uint8_t flags;
	const moor_mysql_param *params;
	size_t n;
	int send_types;
} exec_ctx;

static void emit_exec(mysql_wr *w, const void *ctx)
{
	const exec_ctx *c = ctx;
	size_t i, b;

	moor_mysql_wr_u8(w, MOOR_MYSQL_COM_STMT_EXECUTE);
	moor_mysql_wr_le(w, c->stmt_id, 4);
	moor_mysql_wr_u8(w, c->flags);
	moor_mysql_wr_le(w, 1, 4);             /* iteration count */
	if (c->n == 0)
		return;
	for (b = 0; b < (c->n + 7) / 8; b++) {
		uint8_t bits = 0;

		for (i = 0; i < 8 && b * 8 + i < c->n; i++) {
			if (param_null(&c->params[b * 8 + i]))
				bits |= (uint8_t)(1u << i);
		}
		moor_mysql_wr_u8(w, bits);
	}
	moor_mysql_wr_u8(w, c->send_types ? 1 : 0);
	if (c->send_types) {
		for (i = 0; i < c->n; i++) {
			moor_mysql_wr_u8(w, c->params[i].type);
			moor_mysql_wr_u8(w, c->params[i].is_unsigned ? 0x80 : 0);
		}
	}
	for (i = 0; i < c->n; i++) {
		const moor_mysql_param *p = &c->params[i];

		if (!param_null(p) && !p->long_data)
			emit_value(w, p);
	}
}

int moor_mysql_write_stmt_execute(uint32_t stmt_id, uint8_t flags,
	const moor_mysql_param *params, size_t n, int send_types,
	uint8_t *next_seq, uint8_t *out, size_t cap, size_t *len)
{
	exec_ctx c;
	size_t i;
	int st;

	if (next_seq == NULL || len == NULL || (out == NULL && cap > 0)
		|| (params == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	if (n > 65535)
		return MOOR_ERR_MYSQL_TOO_LARGE;
	for (i = 0; i < n; i++) {
		st = check_param(&params[i]);
		if (st != MOOR_OK)
			return st;
	}
	c.stmt_id = stmt_id;
	c.flags = flags;
	c.params = params;
	c.n = n;
	c.send_types = send_types;
	*next_seq = 0;
	return moor_mysql_wr_run(emit_exec, &c, next_seq, out, cap, len);
}
