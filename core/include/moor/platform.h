/*
 * moor: platform hooks.
 *
 * A port gives the library its clocks, its entropy and (optionally) a log
 * sink through one `moor_platform` struct of function pointers plus an
 * opaque context. It is passed at init time; there are no link-time globals,
 * so tests can swap in fakes and fault injectors.
 *
 * The struct is read, not copied, by the modules that receive it: it must
 * outlive them (a `static const` in the board code is the usual choice).
 */
#ifndef MOOR_PLATFORM_H
#define MOOR_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum moor_log_level {
	MOOR_LOG_ERROR = 0,
	MOOR_LOG_WARN  = 1,
	MOOR_LOG_INFO  = 2,
	MOOR_LOG_DEBUG = 3
} moor_log_level;

typedef struct moor_platform {
	/* Opaque pointer handed back to every hook. */
	void *ctx;

	/*
	 * Monotonic milliseconds. Any origin; may wrap (moor only ever
	 * subtracts two readings as uint32_t). Required.
	 */
	uint32_t (*now_ms)(void *ctx);

	/*
	 * Wall-clock time as seconds since 1970-01-01 UTC, for certificate
	 * validity. Returns MOOR_OK and sets *unix_seconds, or returns
	 * MOOR_ERR_TIME_UNKNOWN when the device does not know the time (no RTC,
	 * SNTP not yet synced). May be NULL, which means "always unknown".
	 *
	 * What happens when time is unknown is the TLS config's `time_policy`:
	 * by default the handshake fails closed with MOOR_ERR_TIME_UNKNOWN.
	 */
	int (*wall_time)(void *ctx, int64_t *unix_seconds);

	/*
	 * Fill `buf` with `len` bytes from a cryptographically strong source
	 * (TRNG, getrandom). Returns MOOR_OK, or a negative status. Required:
	 * a platform without it makes every TLS init fail with
	 * MOOR_ERR_NO_ENTROPY; moor never falls back to a weak seed.
	 */
	int (*entropy)(void *ctx, uint8_t *buf, size_t len);

	/*
	 * Optional log sink. `module` is a short static string ("tls", "x509"),
	 * `msg` a static or caller-lifetime string without a newline. moor
	 * never formats with printf; numbers go in `value` (or 0).
	 */
	void (*log)(void *ctx, moor_log_level level, const char *module,
		const char *msg, long value);
} moor_platform;

/* Log through a platform if it has a sink; does nothing otherwise. */
void moor_log(const moor_platform *p, moor_log_level level, const char *module,
	const char *msg, long value);

/* Milliseconds left until `deadline` (a now_ms() reading), 0 if passed. */
uint32_t moor_ms_left(const moor_platform *p, uint32_t deadline);

#ifdef __cplusplus
}
#endif

#endif
