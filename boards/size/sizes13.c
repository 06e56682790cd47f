/*
 * Sizes of moor's TLS 1.3 session and its parts, as this target lays
 * them out, for the RAM table of the size report.
 *
 * Compiled (not linked: nothing references it) with the TLS 1.3-only
 * configuration. Each object below is an array as large as what it
 * names; size_report.py reads the sizes with `nm -S` and never runs
 * anything for the target.
 */
#include <stddef.h>
#include <stdint.h>

#include "moor/tls.h"

#define MEMBER(type, m) (((type *)0)->m)
#define SZ(name, what) \
	extern unsigned char moor_sz_##name[sizeof(what)]; \
	unsigned char moor_sz_##name[sizeof(what)];

SZ(tls, moor_tls)
SZ(tls_x509, moor_x509)
SZ(scratch, uint8_t[MOOR_TLS_SCRATCH_SIZE])
#if MOOR_CONFIG_TLS_X509_INLINE
SZ(tls_x509_inline, MEMBER(moor_tls, x509_inline))
#endif
SZ(x509_minimal, br_x509_minimal_context)
SZ(x509_decoder, br_x509_decoder_context)
SZ(x509_leaf_key_buf, MEMBER(moor_x509, leaf_key_buf))
SZ(tls_u, MEMBER(moor_tls, u))
SZ(e13, moor_tls13_engine)
SZ(e13_p, MEMBER(moor_tls13_engine, p))
SZ(e13_groups, MEMBER(moor_tls13_engine, groups))
SZ(e13_suites, MEMBER(moor_tls13_engine, suites))
SZ(e13_random, MEMBER(moor_tls13_engine, random))
SZ(e13_sid, MEMBER(moor_tls13_engine, sid))
SZ(e13_binder, MEMBER(moor_tls13_engine, binder))
SZ(e13_kx, MEMBER(moor_tls13_engine, kx))
SZ(e13_cp, MEMBER(moor_tls13_engine, cp))
SZ(e13_rng, MEMBER(moor_tls13_engine, rng))
SZ(e13_tr, MEMBER(moor_tls13_engine, tr))
SZ(e13_ks, MEMBER(moor_tls13_engine, ks))
SZ(e13_rx, MEMBER(moor_tls13_engine, rx))
SZ(e13_tx, MEMBER(moor_tls13_engine, tx))
SZ(ticket, moor_tls13_ticket)
SZ(iobuf_1k, uint8_t[MOOR_TLS_BUFSIZE(1024)])
SZ(br_ssl_client, br_ssl_client_context)
