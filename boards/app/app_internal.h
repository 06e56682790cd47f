/*
 * moor_app internals shared by app_redis.c and app_mysql.c: the report
 * line builder (no stdio), the readings, the TLS settings and the checks
 * of the target. Not part of the API.
 */
#ifndef MOOR_APP_INTERNAL_H
#define MOOR_APP_INTERNAL_H

#include "app.h"

/* The report line in ctx->line: start, append, emit. Appends cut at
 * MOOR_APP_LINE_MAX - 1 characters, never overrun. */
void moor_appi_ln(moor_app_ctx *ctx, const char *s);          /* start with s */
void moor_appi_add(moor_app_ctx *ctx, const char *s);
void moor_appi_addn(moor_app_ctx *ctx, const char *s, size_t n);
void moor_appi_addu(moor_app_ctx *ctx, unsigned long v);
void moor_appi_addpad(moor_app_ctx *ctx, const char *s, size_t width); /* right-aligned */
void moor_appi_emit(moor_app_ctx *ctx);

/* "error: STEP: NAME: sentence" (or NAME(alert)) for a moor status. */
void moor_appi_error(moor_app_ctx *ctx, const char *step, int st);
/* "error: check: what"; counts a failed check. */
void moor_appi_check_failed(moor_app_ctx *ctx, const char *what);

/* Validate the target, keep it, fill ctx->rd with the 10 readings and
 * set up ctx->tls_cfg (verify-full, TLS 1.3 only). MOOR_OK or
 * MOOR_ERR_INVALID_ARG (error line already emitted). */
int moor_appi_begin(moor_app_ctx *ctx, const moor_app_target *t, moor_transport *tcp);

/* The "tls:" line after a handshake, and the final "result:" line. */
void moor_appi_report_tls(moor_app_ctx *ctx, const moor_tls_info *info);
void moor_appi_report_result(moor_app_ctx *ctx, const char *what, int st);

/* "~ RAM: N bytes for the connection (moor_tls T + TLS buffer B + CLIENT C
 * + rx R + tx X); moor_app_ctx S" */
void moor_appi_report_ram(moor_app_ctx *ctx, const char *client, size_t client_size,
	size_t rx, size_t tx);

/* "~ time: WHAT N ms" */
void moor_appi_report_time(moor_app_ctx *ctx, const char *what, uint32_t t0);

uint32_t moor_appi_timeout(const moor_app_ctx *ctx);
uint32_t moor_appi_connect_timeout(const moor_app_ctx *ctx);

/* Reading k: temperature in centi-degrees, humidity in per mille. */
int moor_appi_centi(int k);
int moor_appi_permille(int k);

/* Bytes equal to a NUL-terminated string. */
int moor_appi_eq(const uint8_t *p, size_t n, const char *s);

#endif
