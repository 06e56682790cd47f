/*
 * MySQL connection phase: HandshakeV10, capability negotiation,
 * SSLRequest, HandshakeResponse41, AuthSwitchRequest, AuthMoreData.
 * See moor/mysql_proto.h.
 */
#include <string.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"
#include "internal.h"

/* ------------------------------------------------------------------ */
/* Plugin names. */

typedef struct {
	const char *name;
	uint8_t id;
} plugin_entry;

static const plugin_entry plugins[] = {
	{ "mysql_native_password", MOOR_MYSQL_AUTH_NATIVE },
	{ "caching_sha2_password", MOOR_MYSQL_AUTH_CACHING_SHA2 },
	{ "mysql_clear_password", MOOR_MYSQL_AUTH_CLEAR },
	{ "sha256_password", MOOR_MYSQL_AUTH_SHA256 },
	{ "client_ed25519", MOOR_MYSQL_AUTH_ED25519 },
};

int moor_mysql_auth_plugin(const uint8_t *name, size_t len)
{
	size_t i;

	if (name == NULL)
		return MOOR_MYSQL_AUTH_UNKNOWN;
	for (i = 0; i < sizeof plugins / sizeof plugins[0]; i++) {
		if (strlen(plugins[i].name) == len && memcmp(plugins[i].name, name, len) == 0)
			return plugins[i].id;
	}
	return MOOR_MYSQL_AUTH_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* HandshakeV10. */

int moor_mysql_parse_handshake(const uint8_t *p, size_t n, moor_mysql_handshake *hs)
{
	moor_mysql_cursor c;
	moor_mysql_slice s1, s2, reserved;
	uint64_t v;
	uint32_t caps;
	size_t n2;
	uint8_t auth_len;

	if (hs == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	memset(hs, 0, sizeof *hs);
	if (n == 0)
		return MOOR_ERR_MYSQL_MALFORMED;
	if (p[0] != 10)
		return MOOR_ERR_MYSQL_UNSUPPORTED;
	hs->protocol_version = 10;
	moor_mysql_cursor_init(&c, p, n);
	c.off = 1;
	if (moor_mysql_get_nul_str(&c, &hs->server_version) != MOOR_OK
		|| moor_mysql_get_int(&c, 4, &v) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	hs->connection_id = (uint32_t)v;
	if (moor_mysql_get_bytes(&c, 8, &s1) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	memcpy(hs->scramble, s1.ptr, 8);
	hs->scramble_len = 8;
	/* filler, then the low capability bits */
	if (moor_mysql_get_int(&c, 1, &v) != MOOR_OK
		|| moor_mysql_get_int(&c, 2, &v) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	caps = (uint32_t)v;
	hs->caps = caps;
	hs->is_mariadb = (caps & MOOR_MYSQL_CLIENT_LONG_PASSWORD) == 0;
	if (c.off == n) {
		/* a pre-4.1 server: nothing more */
		hs->plugin_id = MOOR_MYSQL_AUTH_UNKNOWN;
		return MOOR_OK;
	}
	if (moor_mysql_get_int(&c, 1, &v) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	hs->charset = (uint8_t)v;
	if (moor_mysql_get_int(&c, 2, &v) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	hs->status = (uint16_t)v;
	if (moor_mysql_get_int(&c, 2, &v) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	caps |= (uint32_t)v << 16;
	hs->caps = caps;
	if (moor_mysql_get_int(&c, 1, &v) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	auth_len = (uint8_t)v;
	if (moor_mysql_get_bytes(&c, 10, &reserved) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	if (hs->is_mariadb)
		hs->mariadb_caps = moor_mysql_le32(reserved.ptr + 6);
	if ((caps & MOOR_MYSQL_CLIENT_SECURE_CONNECTION) != 0) {
		/* max(13, auth data length - 8) bytes, the last one a NUL */
		n2 = auth_len > 8 ? (size_t)auth_len - 8 : 0;
		if (n2 < 13)
			n2 = 13;
		if (moor_mysql_get_bytes(&c, n2, &s2) != MOOR_OK)
			return MOOR_ERR_MYSQL_MALFORMED;
		if (s2.ptr[n2 - 1] == 0)
			n2--;
		if (8 + n2 > MOOR_MYSQL_SCRAMBLE_MAX)
			return MOOR_ERR_MYSQL_MALFORMED;
		memcpy(hs->scramble + 8, s2.ptr, n2);
		hs->scramble_len = (uint8_t)(8 + n2);
	}
	if ((caps & MOOR_MYSQL_CLIENT_PLUGIN_AUTH) != 0 && c.off < n) {
		/* NUL-terminated; some servers forget the NUL at the end */
		const uint8_t *start = p + c.off;
		const uint8_t *z = memchr(start, 0, n - c.off);

		hs->plugin.ptr = start;
		hs->plugin.len = z != NULL ? (size_t)(z - start) : n - c.off;
		if (hs->plugin.len == 0)
			hs->plugin.ptr = NULL;
	}
	if (hs->plugin.len > 0)
		hs->plugin_id = (uint8_t)moor_mysql_auth_plugin(hs->plugin.ptr, hs->plugin.len);
	else
		hs->plugin_id = MOOR_MYSQL_AUTH_NATIVE;
	return MOOR_OK;
}

int moor_mysql_negotiate(uint32_t server_caps, uint32_t want, uint32_t *out)
{
	const uint32_t need = MOOR_MYSQL_CLIENT_PROTOCOL_41
		| MOOR_MYSQL_CLIENT_SECURE_CONNECTION;

	if (out == NULL)
		return MOOR_ERR_INVALID_ARG;
	*out = 0;
	if ((server_caps & need) != need || (want & need) != need)
		return MOOR_ERR_MYSQL_UNSUPPORTED;
	*out = want & server_caps & ~(uint32_t)MOOR_MYSQL_CLIENT_NEVER;
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* SSLRequest and HandshakeResponse41. */

typedef struct {
	uint32_t caps;
	uint32_t max_packet;
	uint8_t charset;
} ssl_ctx;

static void emit_prefix(mysql_wr *w, uint32_t caps, uint32_t max_packet, uint8_t charset)
{
	moor_mysql_wr_le(w, caps, 4);
	moor_mysql_wr_le(w, max_packet != 0 ? max_packet : MOOR_MYSQL_DEFAULT_MAX_PACKET, 4);
	moor_mysql_wr_u8(w, charset != 0 ? charset : MOOR_MYSQL_CHARSET_UTF8MB4_GENERAL_CI);
	moor_mysql_wr_zero(w, 23);
}

static void emit_ssl(mysql_wr *w, const void *ctx)
{
	const ssl_ctx *c = ctx;

	emit_prefix(w, c->caps, c->max_packet, c->charset);
}

int moor_mysql_write_ssl_request(uint32_t caps, uint32_t max_packet,
	uint8_t charset, uint8_t *seq, uint8_t *out, size_t cap, size_t *len)
{
	ssl_ctx c;

	if (seq == NULL || len == NULL || (out == NULL && cap > 0)
		|| (caps & MOOR_MYSQL_CLIENT_SSL) == 0)
		return MOOR_ERR_INVALID_ARG;
	c.caps = caps;
	c.max_packet = max_packet;
	c.charset = charset;
	return moor_mysql_wr_run(emit_ssl, &c, seq, out, cap, len);
}

typedef struct {
	const moor_mysql_login *l;
	uint32_t caps;            /* what is sent */
	const char *version;
	uint64_t attrs_len;
} login_ctx;

static void emit_cstr(mysql_wr *w, const char *s)
{
	moor_mysql_wr_put(w, s, strlen(s));
	moor_mysql_wr_u8(w, 0);
}

static void emit_attr(mysql_wr *w, const char *s)
{
	moor_mysql_wr_lenenc_str(w, s, strlen(s));
}

static uint64_t attr_size(const char *s)
{
	size_t n = strlen(s);

	return (uint64_t)moor_mysql_lenenc_size(n) + n;
}

static void emit_login(mysql_wr *w, const void *ctx)
{
	const login_ctx *c = ctx;
	const moor_mysql_login *l = c->l;
	size_t i;

	emit_prefix(w, c->caps, l->max_packet, l->charset);
	emit_cstr(w, l->user != NULL ? l->user : "");
	if ((c->caps & MOOR_MYSQL_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
		moor_mysql_wr_lenenc_str(w, l->auth, l->auth_len);
	} else if ((c->caps & MOOR_MYSQL_CLIENT_SECURE_CONNECTION) != 0) {
		moor_mysql_wr_u8(w, (uint8_t)l->auth_len);
		moor_mysql_wr_put(w, l->auth, l->auth_len);
	} else {
		moor_mysql_wr_put(w, l->auth, l->auth_len);
		moor_mysql_wr_u8(w, 0);
	}
	if ((c->caps & MOOR_MYSQL_CLIENT_CONNECT_WITH_DB) != 0)
		emit_cstr(w, l->database);
	if ((c->caps & MOOR_MYSQL_CLIENT_PLUGIN_AUTH) != 0)
		emit_cstr(w, l->plugin != NULL ? l->plugin : "");
	if ((c->caps & MOOR_MYSQL_CLIENT_CONNECT_ATTRS) != 0) {
		moor_mysql_wr_lenenc(w, c->attrs_len);
		emit_attr(w, "_client_name");
		emit_attr(w, "moor");
		emit_attr(w, "_client_version");
		emit_attr(w, c->version);
		if (l->program_name != NULL) {
			emit_attr(w, "program_name");
			emit_attr(w, l->program_name);
		}
		for (i = 0; i < 2 * l->n_attrs; i++)
			emit_attr(w, l->attrs[i]);
	}
}

int moor_mysql_write_handshake_response(const moor_mysql_login *l,
	uint8_t *seq, uint8_t *out, size_t cap, size_t *len)
{
	login_ctx c;
	size_t i;

	if (l == NULL || seq == NULL || len == NULL || (out == NULL && cap > 0)
		|| (l->auth == NULL && l->auth_len > 0)
		|| (l->attrs == NULL && l->n_attrs > 0)
		|| (l->caps & MOOR_MYSQL_CLIENT_PROTOCOL_41) == 0)
		return MOOR_ERR_INVALID_ARG;
	c.l = l;
	c.caps = l->caps;
	if (l->database == NULL)
		c.caps &= ~(uint32_t)MOOR_MYSQL_CLIENT_CONNECT_WITH_DB;
	if ((c.caps & MOOR_MYSQL_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) == 0) {
		if ((c.caps & MOOR_MYSQL_CLIENT_SECURE_CONNECTION) != 0) {
			if (l->auth_len > 255)
				return MOOR_ERR_MYSQL_TOO_LARGE;
		} else if (l->auth_len > 0 && memchr(l->auth, 0, l->auth_len) != NULL) {
			return MOOR_ERR_MYSQL_TOO_LARGE;
		}
	}
	c.version = l->client_version != NULL ? l->client_version : MOOR_MYSQL_CLIENT_VERSION;
	c.attrs_len = 0;
	if ((c.caps & MOOR_MYSQL_CLIENT_CONNECT_ATTRS) != 0) {
		if (l->n_attrs > SIZE_MAX / 2)
			return MOOR_ERR_INVALID_ARG;
		c.attrs_len = attr_size("_client_name") + attr_size("moor")
			+ attr_size("_client_version") + attr_size(c.version);
		if (l->program_name != NULL)
			c.attrs_len += attr_size("program_name") + attr_size(l->program_name);
		for (i = 0; i < 2 * l->n_attrs; i++) {
			if (l->attrs[i] == NULL)
				return MOOR_ERR_INVALID_ARG;
			c.attrs_len += attr_size(l->attrs[i]);
			if (c.attrs_len > MOOR_CONFIG_MYSQL_MAX_PAYLOAD)
				return MOOR_ERR_MYSQL_TOO_LARGE;
		}
	}
	return moor_mysql_wr_run(emit_login, &c, seq, out, cap, len);
}

/* ------------------------------------------------------------------ */
/* AuthSwitchRequest and AuthMoreData. */

int moor_mysql_parse_auth_switch(const uint8_t *p, size_t n, moor_mysql_auth_switch *as)
{
	moor_mysql_cursor c;

	if (as == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	memset(as, 0, sizeof *as);
	if (n == 0 || p[0] != MOOR_MYSQL_EOF_HEADER)
		return MOOR_ERR_MYSQL_MALFORMED;
	if (n == 1)
		return MOOR_ERR_MYSQL_UNSUPPORTED;  /* pre-4.1 old password switch */
	moor_mysql_cursor_init(&c, p, n);
	c.off = 1;
	if (moor_mysql_get_nul_str(&c, &as->plugin) != MOOR_OK)
		return MOOR_ERR_MYSQL_MALFORMED;
	moor_mysql_get_rest(&c, &as->data);
	as->plugin_id = (uint8_t)moor_mysql_auth_plugin(as->plugin.ptr, as->plugin.len);
	return MOOR_OK;
}

int moor_mysql_parse_auth_more_data(const uint8_t *p, size_t n, moor_mysql_slice *data)
{
	if (data == NULL || (p == NULL && n > 0))
		return MOOR_ERR_INVALID_ARG;
	data->ptr = NULL;
	data->len = 0;
	if (n == 0 || p[0] != MOOR_MYSQL_AUTH_MORE_DATA)
		return MOOR_ERR_MYSQL_MALFORMED;
	if (n > 1) {
		data->ptr = p + 1;
		data->len = n - 1;
	}
	return MOOR_OK;
}
