/*
 * The connect hook of redis_conn.h.
 */
#define _GNU_SOURCE 1

#include "redis_conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "moor/status.h"
#include "testlib.h"

static char ca_pem[64 * 1024];
static uint8_t anchor_work[16 * 1024];
static br_x509_trust_anchor ta_slots[8];
static const char *name_slots[8];
static moor_anchors anchors;

static uint8_t cert_buf[16 * 1024], key_buf[16 * 1024];
static uint8_t cred_work[16 * 1024];
static moor_credentials creds;

int rconn_anchors(const char *path, const moor_anchors **out)
{
	long n = moor_test_read_file(path, ca_pem, sizeof ca_pem);
	int st;

	if (n <= 0)
		return MOOR_ERR_INVALID_ARG;
	st = moor_anchors_from_pem(&anchors, ta_slots, name_slots, 8,
		anchor_work, sizeof anchor_work, ca_pem, (size_t)n);
	if (st <= 0)
		return st < 0 ? st : MOOR_ERR_PEM;
	*out = &anchors;
	return MOOR_OK;
}

int rconn_credentials(const char *cert, const char *key, const moor_credentials **out)
{
	long nc = moor_test_read_file(cert, cert_buf, sizeof cert_buf);
	long nk = moor_test_read_file(key, key_buf, sizeof key_buf);
	int st;

	if (nc <= 0 || nk <= 0)
		return MOOR_ERR_INVALID_ARG;
	st = moor_credentials_load(&creds, cred_work, sizeof cred_work,
		cert_buf, (size_t)nc, key_buf, (size_t)nk);
	if (st == MOOR_OK)
		*out = &creds;
	return st;
}

void rconn_init(rconn *c, const moor_platform *plat, const char *host, uint16_t port)
{
	memset(c, 0, sizeof *c);
	c->plat = plat;
	c->host = host;
	c->port = port;
	moor_fault_config_default(&c->fc);
}

static void on_send(void *ctx, const uint8_t *d, size_t n)
{
	rconn *c = ctx;

	(void)d;
	c->sent += (long)n;
}

static void on_recv(void *ctx, const uint8_t *d, size_t n)
{
	rconn *c = ctx;
	size_t i = 0;

	c->received += (long)n;
	if (!c->use_tls)
		return;
	while (i < n) {
		if (c->body_left > 0) {
			size_t k = n - i < c->body_left ? n - i : c->body_left;

			c->body_left -= k;
			i += k;
			continue;
		}
		c->hdr[c->hdr_len++] = d[i++];
		if (c->hdr_len == sizeof c->hdr) {
			size_t body = ((size_t)c->hdr[3] << 8) | c->hdr[4];

			if (5 + body > c->max_record)
				c->max_record = 5 + body;
			c->body_left = body;
			c->hdr_len = 0;
		}
	}
}

static int open_lower(rconn *c, const char *host, uint16_t port, uint32_t timeout_ms)
{
	moor_fault_config fc = c->fc;
	int st;

	st = moor_posix_tcp_connect(&c->tcp, c->plat, host, port, timeout_ms);
	if (st != MOOR_OK)
		return st;
	c->sent = c->received = 0;
	c->hdr_len = c->body_left = 0;
	fc.on_send = on_send;
	fc.on_recv = on_recv;
	fc.observer_ctx = c;
	moor_fault_init(&c->fault, &c->tcp.base, &fc);
	c->connects++;
	return MOOR_OK;
}

int rconn_connect(void *ctx, const char *host, uint16_t port,
	moor_transport **t, uint32_t timeout_ms)
{
	rconn *c = ctx;
	uint32_t deadline = c->plat->now_ms(c->plat->ctx) + timeout_ms;
	int st;

	st = open_lower(c, host != NULL ? host : c->host, port != 0 ? port : c->port,
		timeout_ms);
	if (st != MOOR_OK)
		return st;
	if (!c->use_tls) {
		c->open = 1;
		*t = &c->fault.base;
		return MOOR_OK;
	}
	st = moor_tls_init(&c->tls, &c->tcfg, c->plat, c->iobuf, c->iobuf_len);
	if (st == MOOR_OK)
		st = moor_tls_handshake(&c->tls, &c->fault.base, moor_ms_left(c->plat, deadline));
	if (st != MOOR_OK) {
		moor_transport_close(&c->fault.base);
		return st;
	}
	c->handshakes++;
	c->open = 1;
	*t = &c->tls.base;
	return MOOR_OK;
}

void rconn_disconnect(void *ctx, moor_transport *t, int graceful)
{
	rconn *c = ctx;

	c->open = 0;
	if (c->use_tls && graceful)
		moor_tls_close(&c->tls, 1000);
	else
		moor_transport_close(t);
}

void rconn_sleep(void *ctx, uint32_t ms)
{
	struct timespec req, rem;

	(void)ctx;
	req.tv_sec = (time_t)(ms / 1000u);
	req.tv_nsec = (long)(ms % 1000u) * 1000000L;
	while (nanosleep(&req, &rem) != 0 && errno == EINTR)
		req = rem;
}
