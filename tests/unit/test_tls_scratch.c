/*
 * Where moor_tls keeps its certificate validator: in the handshake scratch
 * memory the config lends (moor_tls_config.scratch), aligned inside it, or
 * inside the session (MOOR_CONFIG_TLS_X509_INLINE=1). Built twice: against
 * the default library, and against the TLS 1.3-only variant, which is built
 * with MOOR_CONFIG_TLS_X509_INLINE=0 and must refuse a verifying session
 * without scratch. The handshakes themselves run against real servers in
 * tests/interop/tls13.sh (the *_scratch_* cases).
 */
#include <stdint.h>
#include <string.h>

#include "moor/status.h"
#include "moor/tls.h"
#include "testlib.h"

static uint32_t fake_now(void *ctx)
{
	(void)ctx;
	return 0;
}

static int fake_entropy(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
	return MOOR_OK;
}

static const moor_platform plat = { NULL, fake_now, NULL, fake_entropy, NULL };

static moor_tls tls;
static uint8_t iobuf[MOOR_TLS_BUFSIZE(1024)];
/* One spare byte in front, so that scratch + 1 is misaligned. */
static uint64_t scratch_words[MOOR_TLS_SCRATCH_SIZE / 8 + 2];

static int init(moor_tls_config *cfg)
{
	return moor_tls_init(&tls, cfg, &plat, iobuf, sizeof iobuf);
}

int main(void)
{
	uint8_t *scratch = (uint8_t *)scratch_words;
	moor_tls_config cfg;
	uintptr_t lo, hi, at;

	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = "db.example.com";

	/* Scratch at an odd address, exactly MOOR_TLS_SCRATCH_SIZE long: the
	 * validator is placed 8-byte aligned, wholly inside it. */
	cfg.scratch = scratch + 1;
	cfg.scratch_len = MOOR_TLS_SCRATCH_SIZE;
	MOOR_CHECK_INT(init(&cfg), MOOR_OK);
	lo = (uintptr_t)(scratch + 1);
	hi = lo + MOOR_TLS_SCRATCH_SIZE;
	at = (uintptr_t)tls.x509;
	MOOR_CHECK(at >= lo && at % 8 == 0);
	MOOR_CHECK(at + sizeof(moor_x509) <= hi);

	/* Aligned scratch is used as it is. */
	cfg.scratch = scratch;
	MOOR_CHECK_INT(init(&cfg), MOOR_OK);
	MOOR_CHECK((uintptr_t)tls.x509 == (uintptr_t)scratch);

	/* One byte short. */
	cfg.scratch_len = MOOR_TLS_SCRATCH_SIZE - 1;
	MOOR_CHECK_INT(init(&cfg), MOOR_ERR_BUFFER_TOO_SMALL);
	cfg.scratch_len = 0;
	MOOR_CHECK_INT(init(&cfg), MOOR_ERR_BUFFER_TOO_SMALL);

	/* No scratch. */
	cfg.scratch = NULL;
	cfg.scratch_len = 0;
#if MOOR_CONFIG_TLS_X509_INLINE
	MOOR_CHECK_INT(init(&cfg), MOOR_OK);
	MOOR_CHECK(tls.x509 == &tls.x509_inline);
#else
	MOOR_CHECK_INT(init(&cfg), MOOR_ERR_CONFIG);
#endif

	/* Without TLS nothing is verified: no scratch is needed. */
	cfg.mode = MOOR_SSL_DISABLE;
	MOOR_CHECK_INT(init(&cfg), MOOR_OK);

	return moor_test_done();
}
