/*
 * moor_ec_small: X25519 and P-256 only (see moor/ec_small.h).
 *
 * The same dispatch as BearSSL's br_ec_all_m31 / br_ec_all_m15, without
 * the generic prime-curve code behind its default case. Only the
 * implementations named here are linked.
 */
#include "moor/ec_small.h"

/* ARMv6-M (Cortex-M0/M0+) has no 32x32->64 multiply: BearSSL's m15 code
 * is its fast path there, as in br_ec_get_default() with BR_LOMUL. */
#if defined(__ARM_ARCH_6M__)
#define EC_X25519 br_ec_c25519_m15
#define EC_P256   br_ec_p256_m15
#else
#define EC_X25519 br_ec_c25519_m31
#define EC_P256   br_ec_p256_m31
#endif

/* The implementation for `curve`, or NULL. */
static const br_ec_impl *pick(int curve)
{
	switch (curve) {
	case BR_EC_curve25519:
		return &EC_X25519;
	case BR_EC_secp256r1:
		return &EC_P256;
	default:
		return NULL;
	}
}

static const unsigned char *small_generator(int curve, size_t *len)
{
	const br_ec_impl *impl = pick(curve);

	if (impl == NULL) {
		*len = 0;
		return NULL;
	}
	return impl->generator(curve, len);
}

static const unsigned char *small_order(int curve, size_t *len)
{
	const br_ec_impl *impl = pick(curve);

	if (impl == NULL) {
		*len = 0;
		return NULL;
	}
	return impl->order(curve, len);
}

static size_t small_xoff(int curve, size_t *len)
{
	const br_ec_impl *impl = pick(curve);

	if (impl == NULL) {
		*len = 0;
		return 0;
	}
	return impl->xoff(curve, len);
}

static uint32_t small_mul(unsigned char *G, size_t Glen,
	const unsigned char *x, size_t xlen, int curve)
{
	const br_ec_impl *impl = pick(curve);

	return impl == NULL ? 0 : impl->mul(G, Glen, x, xlen, curve);
}

static size_t small_mulgen(unsigned char *R,
	const unsigned char *x, size_t xlen, int curve)
{
	const br_ec_impl *impl = pick(curve);

	return impl == NULL ? 0 : impl->mulgen(R, x, xlen, curve);
}

static uint32_t small_muladd(unsigned char *A, const unsigned char *B, size_t len,
	const unsigned char *x, size_t xlen,
	const unsigned char *y, size_t ylen, int curve)
{
	/* X25519 has no point addition: only P-256 does ECDSA here. */
	if (curve != BR_EC_secp256r1)
		return 0;
	return EC_P256.muladd(A, B, len, x, xlen, y, ylen, curve);
}

const br_ec_impl moor_ec_small = {
	((uint32_t)1 << BR_EC_secp256r1) | ((uint32_t)1 << BR_EC_curve25519),
	small_generator,
	small_order,
	small_xoff,
	small_mul,
	small_mulgen,
	small_muladd
};
