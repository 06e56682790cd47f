/*
 * moor: a small elliptic-curve implementation for BearSSL.
 *
 * BearSSL's default (br_ec_get_default(): br_ec_all_m31, or br_ec_all_m15
 * on Cortex-M0/M0+) carries every curve it knows: X25519, P-256, and the
 * generic code for P-384 and P-521. `moor_ec_small` dispatches to the two
 * curves a small TLS 1.3 client needs and nothing else:
 *
 *   X25519 (29)     br_ec_c25519_m31 (br_ec_c25519_m15 on ARMv6-M)
 *   secp256r1 (23)  br_ec_p256_m31   (br_ec_p256_m15 on ARMv6-M)
 *
 * Any other curve fails: key generation and ECDH return 0, and an ECDSA
 * signature on another curve (a P-384 certificate, say) does not verify.
 *
 * moor uses it everywhere it needs an EC implementation when the build
 * sets MOOR_CONFIG_EC_IMPL to (&moor_ec_small) (moor/config_defaults.h).
 */
#ifndef MOOR_EC_SMALL_H
#define MOOR_EC_SMALL_H

#include <bearssl.h>

#ifdef __cplusplus
extern "C" {
#endif

extern const br_ec_impl moor_ec_small;

#ifdef __cplusplus
}
#endif

#endif
