/*
 * br_ec_get_default() for the TLS 1.3-only images, linked with
 * -Wl,--wrap=br_ec_get_default (boards/size/CMakeLists.txt).
 *
 * The TLS 1.3 engine falls back on br_ec_get_default() when it is given no
 * EC implementation (core/tls13/engine.c, moor_tls13_init()). moor_tls
 * always gives it one (MOOR_CONFIG_EC_IMPL), but the reference alone would
 * link BearSSL's default, every curve, into the image. Wrapped, the call
 * answers with the configured implementation instead, as the engine will
 * once it uses MOOR_CONFIG_EC_IMPL itself; then this file goes.
 */
#include <bearssl.h>

#include "moor/config_defaults.h"
#include "moor/ec_small.h"

const br_ec_impl *__wrap_br_ec_get_default(void);

const br_ec_impl *__wrap_br_ec_get_default(void)
{
	return MOOR_CONFIG_EC_IMPL;
}
