/*
 * The do-nothing transport and platform of the reference firmwares
 * (ref_board.h).
 */
#include <stddef.h>

#include "moor/status.h"

#include "ref_board.h"

static int ref_send(moor_transport *t, const uint8_t *data, size_t len)
{
	ref_transport *n = (ref_transport *)t;

	if (len > 0)
		*n->reg = data[0];
	return (int)(len > 64 ? 64 : len);
}

static int ref_recv(moor_transport *t, uint8_t *buf, size_t len)
{
	ref_transport *n = (ref_transport *)t;

	if (len == 0)
		return 0;
	buf[0] = (uint8_t)*n->reg;
	return 1;
}

static int ref_flush(moor_transport *t)
{
	(void)t;
	return 0;
}

static int ref_wait(moor_transport *t, unsigned events, uint32_t timeout_ms)
{
	(void)t;
	(void)timeout_ms;
	return (int)events;
}

static void ref_close(moor_transport *t)
{
	ref_transport *n = (ref_transport *)t;

	*n->reg = 0;
}

static const moor_transport_class ref_transport_class = {
	ref_send, ref_recv, ref_flush, ref_wait, ref_close
};

void ref_transport_init(ref_transport *t)
{
	t->base.vtable = &ref_transport_class;
	t->reg = REF_UART_REG;
}

static uint32_t ref_now_ms(void *ctx)
{
	(void)ctx;
	return *REF_TICK_REG;
}

static int ref_wall_time(void *ctx, int64_t *unix_seconds)
{
	(void)ctx;
	*unix_seconds = (int64_t)*REF_TICK_REG;
	return MOOR_OK;
}

static int ref_entropy(void *ctx, uint8_t *buf, size_t len)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)*REF_TRNG_REG;
	return MOOR_OK;
}

const moor_platform ref_platform = {
	NULL, ref_now_ms, ref_wall_time, ref_entropy, NULL
};
