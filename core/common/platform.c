/* Small helpers over the platform hooks. */
#include "moor/platform.h"
#include "moor/config_defaults.h"

void moor_log(const moor_platform *p, moor_log_level level, const char *module,
	const char *msg, long value)
{
#if MOOR_CONFIG_LOG
	if (p != NULL && p->log != NULL)
		p->log(p->ctx, level, module, msg, value);
#else
	(void)p; (void)level; (void)module; (void)msg; (void)value;
#endif
}

uint32_t moor_ms_left(const moor_platform *p, uint32_t deadline)
{
	uint32_t now = p->now_ms(p->ctx);
	int32_t left = (int32_t)(deadline - now);

	return left > 0 ? (uint32_t)left : 0;
}
