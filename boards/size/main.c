/*
 * moor_size_ref: a reference client firmware for the code-size report.
 *
 * It is never run. It calls the public API the way a small device would
 * (load a client certificate, TLS handshake over a transport, send a
 * request, read a reply, close), so that --gc-sections keeps exactly the
 * code such a client needs, and docs/footprint.md reports what that costs.
 * The transport and the platform below are stand-ins that do nothing
 * useful: a real board wires lwIP or its own driver here.
 */
#include <stddef.h>
#include <stdint.h>

#include "moor/platform.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/transport.h"
#include "moor/x509.h"

/* ---- a transport that moves no bytes ------------------------------- */
typedef struct null_transport {
	moor_transport base;       /* must be first */
	volatile uint32_t *reg;    /* a pretend peripheral register */
} null_transport;

static int null_send(moor_transport *t, const uint8_t *data, size_t len)
{
	null_transport *n = (null_transport *)t;
	if (len > 0)
		*n->reg = data[0];
	return (int)(len > 64 ? 64 : len);
}

static int null_recv(moor_transport *t, uint8_t *buf, size_t len)
{
	null_transport *n = (null_transport *)t;
	if (len == 0)
		return 0;
	buf[0] = (uint8_t)*n->reg;
	return 1;
}

static int null_flush(moor_transport *t)
{
	(void)t;
	return 0;
}

static int null_wait(moor_transport *t, unsigned events, uint32_t timeout_ms)
{
	(void)t;
	(void)timeout_ms;
	return (int)events;
}

static void null_close(moor_transport *t)
{
	null_transport *n = (null_transport *)t;
	*n->reg = 0;
}

static const moor_transport_class null_transport_class = {
	null_send, null_recv, null_flush, null_wait, null_close
};

/* ---- platform hooks -------------------------------------------------- */
/* A free-running counter and a "TRNG" data register at made-up addresses. */
#define REF_TICK_REG   ((volatile uint32_t *)0x40001000u)
#define REF_TRNG_REG   ((volatile uint32_t *)0x40002000u)
#define REF_UART_REG   ((volatile uint32_t *)0x40003000u)

static uint32_t ref_now_ms(void *ctx)
{
	(void)ctx;
	return *REF_TICK_REG;
}

static int ref_wall_time(void *ctx, int64_t *unix_seconds)
{
	(void)ctx;
	*unix_seconds = (int64_t)*REF_TICK_REG;
	return MOOR_OK;
}

static int ref_entropy(void *ctx, uint8_t *buf, size_t len)
{
	size_t i;
	(void)ctx;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)*REF_TRNG_REG;
	return MOOR_OK;
}

static const moor_platform ref_platform = {
	NULL, ref_now_ms, ref_wall_time, ref_entropy, NULL
};

/* ---- the client -------------------------------------------------------- */
/* Placeholders: a real device keeps its DER certificate and key in flash. */
static const uint8_t client_cert_der[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
static const uint8_t client_key_der[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

static uint8_t tls_iobuf[MOOR_TLS_BUFSIZE(2048)];
static uint8_t cred_work[2048];
static moor_credentials cred;
static moor_tls tls;
static uint8_t reply[256];

int main(void);

int main(void)
{
	static const uint8_t ping[] = "*1\r\n$4\r\nPING\r\n";
	null_transport tcp;
	moor_tls_config cfg = { 0 };
	int st;

	tcp.base.vtable = &null_transport_class;
	tcp.reg = REF_UART_REG;

	cfg.server_name = "db.example.com";
#if defined(MOOR_SIZE_REF_ANCHORS)
	cfg.anchors = &moor_builtin_anchors;
#endif
	st = moor_credentials_load(&cred, cred_work, sizeof cred_work,
		client_cert_der, sizeof client_cert_der,
		client_key_der, sizeof client_key_der);
	if (st == MOOR_OK)
		cfg.client = &cred;

	st = moor_tls_init(&tls, &cfg, &ref_platform, tls_iobuf, sizeof tls_iobuf);
	if (st == MOOR_OK)
		st = moor_tls_handshake(&tls, &tcp.base, 10000);
	if (st == MOOR_OK)
		st = moor_io_send_all(&tls.base, &ref_platform, ping, sizeof ping - 1, 5000);
	if (st == MOOR_OK)
		st = moor_io_recv_some(&tls.base, &ref_platform, reply, sizeof reply, 5000);
	moor_tls_close(&tls, 1000);
	*REF_UART_REG = (uint32_t)st;
	return st < 0 ? 1 : 0;
}
