/*
 * moor_size_ref: a reference client firmware for the code-size report.
 *
 * It is never run. It calls the public API the way a small device would
 * (load a client certificate, TLS handshake over a transport, send a
 * request, read a reply, close), so that --gc-sections keeps exactly the
 * code such a client needs, and docs/footprint.md reports what that costs.
 * moor is built with its defaults: TLS 1.3 first, TLS 1.2 (BearSSL's
 * engine) as the fallback, every suite and curve. The transport and the
 * platform are the stand-ins of ref_board.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "moor/platform.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/transport.h"
#include "moor/x509.h"

#include "ref_board.h"

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
	ref_transport tcp;
	moor_tls_config cfg = { 0 };
	int st;

	ref_transport_init(&tcp);
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
