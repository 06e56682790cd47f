/*
 * moor's lwIP arch support compiled into every lwIP library built by
 * moor_add_lwip(): the assertion sink named in arch/cc.h.
 */
#include "lwip/opt.h"
#include "lwip/arch.h"

void moor_lwip_assert_failed(const char *msg, const char *file, int line)
{
#ifdef MOOR_LWIP_ASSERT_HOOK
	MOOR_LWIP_ASSERT_HOOK(msg, file, line);
#else
	(void)msg;
	(void)file;
	(void)line;
#endif
	for (;;) {
	}
}
