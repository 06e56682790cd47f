/*
 * moor_size_ref13: the TLS 1.3-only reference client firmware.
 *
 * Never run; linked so that docs/footprint.md can say what a small TLS
 * 1.3 client costs. moor is built for it without TLS 1.2
 * (MOOR_CONFIG_TLS12=0: BearSSL's SSL engine is not linked), with
 * AES-128-GCM as the only suite (MOOR_CONFIG_TLS_CHACHA20=0,
 * MOOR_CONFIG_TLS_AES256=0) and X25519 + P-256 only
 * (MOOR_CONFIG_EC_IMPL=(&moor_ec_small)); see boards/size/CMakeLists.txt.
 *
 * What it does, as a device would: verify-full against the anchors in
 * flash, records of at most 1 KiB (MOOR_TLS_BUFSIZE(1024) = 2458 bytes),
 * a resumption ticket kept between connections, no client certificate;
 * handshake, send a request, read a reply, close.
 */
#include <stddef.h>
#include <stdint.h>

#include "moor/platform.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/transport.h"

#include "ref_board.h"

#if MOOR_CONFIG_TLS12
#error "moor_size_ref13 must be built against moor without TLS 1.2"
#endif

static uint8_t tls_iobuf[MOOR_TLS_BUFSIZE(1024)];
/* Handshake scratch: the certificate validator, idle after the handshake
 * (an application would lend memory it shares between connections). */
static uint8_t scratch[MOOR_TLS_SCRATCH_SIZE];
static moor_tls tls;
static moor_tls13_ticket ticket;
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
	cfg.version_min = MOOR_TLS_1_3;
	cfg.version_max = MOOR_TLS_1_3;
	cfg.ticket = &ticket;
	cfg.anchors = &moor_builtin_anchors;
	cfg.scratch = scratch;
	cfg.scratch_len = sizeof scratch;

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
