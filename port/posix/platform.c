/*
 * moor POSIX port: platform hooks.
 *
 *   now_ms     CLOCK_MONOTONIC, truncated to 32 bits (moor subtracts
 *              readings as uint32_t, so wrapping is fine).
 *   wall_time  CLOCK_REALTIME. The environment variable MOOR_FAKE_TIME
 *              overrides it for tests: a decimal number of seconds since
 *              1970 is returned as is, and "unknown" (or anything that is
 *              not a number) makes the hook report MOOR_ERR_TIME_UNKNOWN.
 *   entropy    getrandom(2), looping over partial reads and EINTR. There is
 *              no fallback: a failure is MOOR_ERR_NO_ENTROPY.
 *   log        one line per message on stderr, written with a single
 *              write(2) from a stack buffer (no stdio, no allocation).
 *
 * The five platforms differ only in their log hook, so they are five
 * static const structs and no state is kept anywhere.
 */
#define _GNU_SOURCE 1

#include "moor/posix.h"
#include "moor/status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

static uint32_t posix_now_ms(void *ctx)
{
	struct timespec ts;
	uint64_t ms;

	(void)ctx;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	return (uint32_t)ms;
}

/* Parse an optionally signed decimal integer that fills the whole string.
 * Returns 0 on success, -1 when the text is not such a number or overflows. */
static int parse_seconds(const char *s, int64_t *out)
{
	int neg = 0;
	int64_t v = 0;
	const int64_t max = INT64_MAX / 10;

	if (*s == '-' || *s == '+') {
		neg = (*s == '-');
		s++;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		int d;

		if (*s < '0' || *s > '9')
			return -1;
		d = *s - '0';
		if (v > max || (v == max && d > (int)(INT64_MAX % 10)))
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? -v : v;
	return 0;
}

static int posix_wall_time(void *ctx, int64_t *unix_seconds)
{
	const char *fake;
	struct timespec ts;

	(void)ctx;
	if (unix_seconds == NULL)
		return MOOR_ERR_INVALID_ARG;
	fake = getenv("MOOR_FAKE_TIME");
	if (fake != NULL && fake[0] != '\0') {
		/* "unknown" and anything malformed both fail closed. */
		if (parse_seconds(fake, unix_seconds) != 0)
			return MOOR_ERR_TIME_UNKNOWN;
		return MOOR_OK;
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return MOOR_ERR_TIME_UNKNOWN;
	*unix_seconds = (int64_t)ts.tv_sec;
	return MOOR_OK;
}

static int posix_entropy(void *ctx, uint8_t *buf, size_t len)
{
	size_t off = 0;

	(void)ctx;
	if (buf == NULL && len != 0)
		return MOOR_ERR_INVALID_ARG;
	while (off < len) {
		/* getrandom returns at most 33554431 bytes per call; ask for
		 * less and loop. Flags 0: block until the pool is seeded. */
		size_t want = len - off;
		ssize_t r;

		if (want > 65536u)
			want = 65536u;
		r = getrandom(buf + off, want, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return MOOR_ERR_NO_ENTROPY;
		}
		if (r == 0)
			return MOOR_ERR_NO_ENTROPY;
		off += (size_t)r;
	}
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* Log sink: "moor[module] level: msg (value)\n" on stderr. */

#define LOG_LINE_MAX 512

static size_t append(char *line, size_t pos, const char *s)
{
	while (*s != '\0' && pos < LOG_LINE_MAX - 1)
		line[pos++] = *s++;
	return pos;
}

static size_t append_long(char *line, size_t pos, long value)
{
	char digits[24];
	size_t n = 0;
	/* Work on the magnitude as unsigned so LONG_MIN is fine. */
	unsigned long m = value < 0 ? 0ul - (unsigned long)value : (unsigned long)value;

	do {
		digits[n++] = (char)('0' + (int)(m % 10u));
		m /= 10u;
	} while (m != 0 && n < sizeof(digits));
	if (value < 0 && pos < LOG_LINE_MAX - 1)
		line[pos++] = '-';
	while (n > 0 && pos < LOG_LINE_MAX - 1)
		line[pos++] = digits[--n];
	return pos;
}

static const char *level_name(moor_log_level level)
{
	switch (level) {
	case MOOR_LOG_ERROR: return "error";
	case MOOR_LOG_WARN:  return "warn";
	case MOOR_LOG_INFO:  return "info";
	case MOOR_LOG_DEBUG: return "debug";
	}
	return "log";
}

static void log_line(int max_level, moor_log_level level, const char *module,
	const char *msg, long value)
{
	char line[LOG_LINE_MAX];
	size_t pos = 0, off = 0;

	if ((int)level > max_level)
		return;
	pos = append(line, pos, "moor[");
	pos = append(line, pos, module != NULL ? module : "?");
	pos = append(line, pos, "] ");
	pos = append(line, pos, level_name(level));
	pos = append(line, pos, ": ");
	pos = append(line, pos, msg != NULL ? msg : "");
	pos = append(line, pos, " (");
	pos = append_long(line, pos, value);
	pos = append(line, pos, ")");
	line[pos++] = '\n';   /* append() always leaves room for this */
	while (off < pos) {
		ssize_t w = write(STDERR_FILENO, line + off, pos - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

static void log_error(void *ctx, moor_log_level l, const char *m, const char *s, long v)
{ (void)ctx; log_line(MOOR_LOG_ERROR, l, m, s, v); }
static void log_warn(void *ctx, moor_log_level l, const char *m, const char *s, long v)
{ (void)ctx; log_line(MOOR_LOG_WARN, l, m, s, v); }
static void log_info(void *ctx, moor_log_level l, const char *m, const char *s, long v)
{ (void)ctx; log_line(MOOR_LOG_INFO, l, m, s, v); }
static void log_debug(void *ctx, moor_log_level l, const char *m, const char *s, long v)
{ (void)ctx; log_line(MOOR_LOG_DEBUG, l, m, s, v); }

static const moor_platform posix_platforms[5] = {
	{ NULL, posix_now_ms, posix_wall_time, posix_entropy, NULL },
	{ NULL, posix_now_ms, posix_wall_time, posix_entropy, log_error },
	{ NULL, posix_now_ms, posix_wall_time, posix_entropy, log_warn },
	{ NULL, posix_now_ms, posix_wall_time, posix_entropy, log_info },
	{ NULL, posix_now_ms, posix_wall_time, posix_entropy, log_debug },
};

const moor_platform *moor_posix_platform(int verbose)
{
	if (verbose < 0)
		verbose = -1;
	if (verbose > 3)
		verbose = 3;
	return &posix_platforms[verbose + 1];
}
