/*
 * moor: build-time configuration defaults.
 *
 * Define MOOR_HAVE_CONFIG_H and provide a "moor_config.h" on the include
 * path to override any of these; every option below keeps its default
 * unless that file defines it. Impossible combinations fail to compile.
 */
#ifndef MOOR_CONFIG_DEFAULTS_H
#define MOOR_CONFIG_DEFAULTS_H

#ifdef MOOR_HAVE_CONFIG_H
#include "moor_config.h"
#endif

/*
 * MOOR_CONFIG_MAX_CLIENT_CHAIN: most certificates in a client certificate
 * chain (leaf + intermediates). Each costs one br_x509_certificate (a
 * pointer and a length) in moor_credentials. Range 1..16. Default 4.
 */
#ifndef MOOR_CONFIG_MAX_CLIENT_CHAIN
#define MOOR_CONFIG_MAX_CLIENT_CHAIN 4
#endif
#if MOOR_CONFIG_MAX_CLIENT_CHAIN < 1 || MOOR_CONFIG_MAX_CLIENT_CHAIN > 16
#error "MOOR_CONFIG_MAX_CLIENT_CHAIN must be 1..16"
#endif

/*
 * MOOR_CONFIG_TIME_FLOOR: seconds since 1970 used as "now" when the
 * platform does not know the time and the TLS config opts in with
 * MOOR_TIME_USE_FLOOR. The build sets it to the build date; the fallback
 * here is 2026-01-01.
 */
#ifndef MOOR_CONFIG_TIME_FLOOR
#define MOOR_CONFIG_TIME_FLOOR 1767225600LL
#endif

/*
 * MOOR_CONFIG_LOG: 1 compiles the moor_log() calls in; 0 removes them
 * (and their strings) from the image. Default 1; the hook itself is still
 * optional at run time.
 */
#ifndef MOOR_CONFIG_LOG
#define MOOR_CONFIG_LOG 1
#endif

/*
 * MOOR_CONFIG_TLS_CHACHA20: 1 offers the ChaCha20-Poly1305 suites (about
 * 2 KiB of code on Cortex-M); 0 leaves them out. AES-GCM is always built.
 */
#ifndef MOOR_CONFIG_TLS_CHACHA20
#define MOOR_CONFIG_TLS_CHACHA20 1
#endif

/*
 * MOOR_CONFIG_SHA384: 1 builds SHA-384 and SHA-512 in (BearSSL's sha2big,
 * about 3.9 KiB of code on Cortex-M): the AES-256-GCM / SHA-384 suites,
 * ECDSA P-384 and RSA-PSS with SHA-384/512 signatures, and certificates
 * signed with SHA-384/512 (Let's Encrypt's ECDSA intermediates are). 0
 * leaves all of that out: a SHA-256-only client, for images that know
 * their server's chain. Default 1.
 */
#ifndef MOOR_CONFIG_SHA384
#define MOOR_CONFIG_SHA384 1
#endif

/*
 * MOOR_CONFIG_TLS_AES256: 1 offers the AES-256-GCM / SHA-384 suites.
 * Default: MOOR_CONFIG_SHA384.
 */
#ifndef MOOR_CONFIG_TLS_AES256
#define MOOR_CONFIG_TLS_AES256 MOOR_CONFIG_SHA384
#endif
#if MOOR_CONFIG_TLS_AES256 && !MOOR_CONFIG_SHA384
#error "MOOR_CONFIG_TLS_AES256 needs MOOR_CONFIG_SHA384"
#endif

/*
 * MOOR_CONFIG_TLS12: 1 builds TLS 1.2 (BearSSL's client engine) into
 * moor_tls, with the fallback to it from TLS 1.3. 0 leaves BearSSL's SSL
 * engine out of the image and out of moor_tls (the session shrinks by
 * br_ssl_client_context): every session is TLS 1.3, version_min is raised
 * to 1.3, and a version_max of 1.2 fails moor_tls_init() with
 * MOOR_ERR_CONFIG. Default 1. Changes the layout of moor_tls, so the
 * library and its users must agree on it (CMake: -DMOOR_TLS12=OFF).
 */
#ifndef MOOR_CONFIG_TLS12
#define MOOR_CONFIG_TLS12 1
#endif

/*
 * MOOR_CONFIG_TLS_X509_INLINE: 1 keeps a certificate validator (moor_x509,
 * about 4.8 KB) inside every moor_tls, used when the config lends no
 * handshake scratch memory (moor_tls_config.scratch). 0 takes it out of
 * the session: every verifying session must then be given scratch memory,
 * which connections that handshake one at a time can share. Changes the
 * layout of moor_tls: the library and its users must agree on it.
 */
#ifndef MOOR_CONFIG_TLS_X509_INLINE
#define MOOR_CONFIG_TLS_X509_INLINE 1
#endif

/*
 * MOOR_CONFIG_EC_IMPL: the BearSSL elliptic-curve implementation (an
 * expression of type `const br_ec_impl *`) used for key shares, ECDSA in
 * certificate chains and client EC keys. Default br_ec_get_default():
 * every curve BearSSL has (X25519, P-256, P-384, P-521). `(&moor_ec_small)`
 * (moor/ec_small.h) is X25519 and P-256 only: about 2 KiB less code on
 * Cortex-M, no secp384r1 key share, and chains with P-384 or P-521 keys
 * fail. A moor_config.h may name an implementation of its own (and
 * declare it there).
 */
#ifndef MOOR_CONFIG_EC_IMPL
#define MOOR_CONFIG_EC_IMPL br_ec_get_default()
#endif

#endif
