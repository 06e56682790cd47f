/*
 * moor lwIP port: platform hooks.
 *
 *   now_ms     sys_now() (the board's millisecond clock for NO_SYS=1, the
 *              sys_arch's for NO_SYS=0).
 *   wall_time  the board's RTC hook if given, else the SNTP clock below,
 *              else always unknown (MOOR_ERR_TIME_UNKNOWN).
 *   entropy    the board's hook; required, no fallback.
 *   log        the board's hook, optional.
 */
#include "moor/lwip.h"
#include "moor/status.h"

#include <string.h>

#include "lwip/sys.h"

void moor_lwip_clock_init(struct moor_lwip_clock *c)
{
	if (c != NULL)
		memset(c, 0, sizeof *c);
}

void moor_lwip_clock_set(struct moor_lwip_clock *c, uint32_t unix_s, uint32_t us)
{
	SYS_ARCH_DECL_PROTECT(lev);

	if (c == NULL)
		return;
	SYS_ARCH_PROTECT(lev);
	c->unix_ms_at_sync = (int64_t)unix_s * 1000 + (int64_t)(us / 1000u);
	c->sys_ms_at_sync = sys_now();
	c->synced = 1;
	SYS_ARCH_UNPROTECT(lev);
}

int moor_lwip_clock_get(struct moor_lwip_clock *c, int64_t *unix_seconds)
{
	int64_t ms = 0;
	uint32_t at = 0;
	int synced;
	SYS_ARCH_DECL_PROTECT(lev);

	if (c == NULL || unix_seconds == NULL)
		return MOOR_ERR_INVALID_ARG;
	SYS_ARCH_PROTECT(lev);
	synced = c->synced;
	if (synced) {
		ms = c->unix_ms_at_sync;
		at = c->sys_ms_at_sync;
	}
	SYS_ARCH_UNPROTECT(lev);
	if (!synced)
		return MOOR_ERR_TIME_UNKNOWN;
	/* sys_now() wraps after 49 days; uint32_t subtraction is exact if
	 * SNTP syncs more often than that (its default is hourly). */
	ms += (int64_t)(uint32_t)(sys_now() - at);
	*unix_seconds = ms / 1000;
	return MOOR_OK;
}

static uint32_t lwip_now_ms(void *ctx)
{
	(void)ctx;
	return (uint32_t)sys_now();
}

static int lwip_wall_time(void *ctx, int64_t *unix_seconds)
{
	moor_lwip_platform *p = ctx;

	if (p == NULL || unix_seconds == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (p->cfg.rtc != NULL)
		return p->cfg.rtc(p->cfg.rtc_ctx, unix_seconds);
	if (p->cfg.clock != NULL)
		return moor_lwip_clock_get(p->cfg.clock, unix_seconds);
	return MOOR_ERR_TIME_UNKNOWN;
}

static int lwip_entropy(void *ctx, uint8_t *buf, size_t len)
{
	moor_lwip_platform *p = ctx;

	if (p == NULL || p->cfg.entropy == NULL)
		return MOOR_ERR_NO_ENTROPY;
	return p->cfg.entropy(p->cfg.entropy_ctx, buf, len);
}

static void lwip_log(void *ctx, moor_log_level level, const char *module,
	const char *msg, long value)
{
	moor_lwip_platform *p = ctx;

	if (p != NULL && p->cfg.log != NULL)
		p->cfg.log(p->cfg.log_ctx, level, module, msg, value);
}

int moor_lwip_platform_init(moor_lwip_platform *p,
	const moor_lwip_platform_config *cfg)
{
	if (p == NULL || cfg == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(p, 0, sizeof *p);
	p->cfg = *cfg;
	p->base.ctx = p;
	p->base.now_ms = lwip_now_ms;
	p->base.wall_time = lwip_wall_time;
	p->base.entropy = cfg->entropy != NULL ? lwip_entropy : NULL;
	p->base.log = cfg->log != NULL ? lwip_log : NULL;
	return cfg->entropy != NULL ? MOOR_OK : MOOR_ERR_NO_ENTROPY;
}
