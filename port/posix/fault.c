/*
 * moor POSIX port: a fault-injecting transport for tests.
 *
 * It sits on another transport and passes bytes through, except that it
 *   - fails for good after a number of bytes sent or received,
 *   - moves at most a few bytes per call (short writes and reads),
 *   - stalls after a number of bytes received: recv() says "would block"
 *     and wait() never reports READ, so only the caller's deadline ends it.
 * Observers see exactly the bytes that went through, in order.
 */
#define _GNU_SOURCE 1

#include "moor/posix.h"
#include "moor/status.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

static int fault_send(moor_transport *base, const uint8_t *data, size_t len);
static int fault_recv(moor_transport *base, uint8_t *buf, size_t len);
static int fault_flush(moor_transport *base);
static int fault_wait(moor_transport *base, unsigned events, uint32_t timeout_ms);
static void fault_close(moor_transport *base);

static const moor_transport_class fault_class = {
	fault_send, fault_recv, fault_flush, fault_wait, fault_close
};

void moor_fault_config_default(moor_fault_config *cfg)
{
	if (cfg == NULL)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->fail_after_send = -1;
	cfg->fail_after_recv = -1;
	cfg->fail_status = 0;
	cfg->max_send_chunk = 0;
	cfg->max_recv_chunk = 0;
	cfg->stall_after_recv = -1;
	cfg->on_send = NULL;
	cfg->on_recv = NULL;
	cfg->observer_ctx = NULL;
}

void moor_fault_init(moor_fault *f, moor_transport *lower,
	const moor_fault_config *cfg)
{
	if (f == NULL)
		return;
	memset(f, 0, sizeof(*f));
	f->base.vtable = &fault_class;
	f->lower = lower;
	if (cfg != NULL)
		f->cfg = *cfg;
	else
		moor_fault_config_default(&f->cfg);
	f->sent = 0;
	f->received = 0;
	f->tripped = 0;
}

static int fault_status(const moor_fault *f)
{
	return f->cfg.fail_status < 0 ? f->cfg.fail_status : MOOR_ERR_INJECTED;
}

static int trip(moor_fault *f)
{
	f->tripped = 1;
	return fault_status(f);
}

/* Bytes left before a limit (`limit` < 0: none). LONG_MAX when unlimited. */
static long room(long limit, long done)
{
	if (limit < 0)
		return LONG_MAX;
	return limit > done ? limit - done : 0;
}

static int stalled(const moor_fault *f)
{
	return f->cfg.stall_after_recv >= 0 && f->received >= f->cfg.stall_after_recv;
}

static int fault_send(moor_transport *base, const uint8_t *data, size_t len)
{
	moor_fault *f = (moor_fault *)base;
	long left;
	int r;

	if (f == NULL || f->lower == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (f->tripped)
		return fault_status(f);
	left = room(f->cfg.fail_after_send, f->sent);
	if (left == 0)
		return trip(f);
	if (f->cfg.max_send_chunk != 0 && len > f->cfg.max_send_chunk)
		len = f->cfg.max_send_chunk;
	if ((unsigned long)len > (unsigned long)left)
		len = (size_t)left;
	r = f->lower->vtable->send(f->lower, data, len);
	if (r > 0) {
		if (f->cfg.on_send != NULL)
			f->cfg.on_send(f->cfg.observer_ctx, data, (size_t)r);
		f->sent += r;
	}
	return r;
}

static int fault_recv(moor_transport *base, uint8_t *buf, size_t len)
{
	moor_fault *f = (moor_fault *)base;
	long left, before_stall;
	int r;

	if (f == NULL || f->lower == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (f->tripped)
		return fault_status(f);
	left = room(f->cfg.fail_after_recv, f->received);
	if (stalled(f))
		return 0;
	if (left == 0)
		return trip(f);
	before_stall = room(f->cfg.stall_after_recv, f->received);
	if (f->cfg.max_recv_chunk != 0 && len > f->cfg.max_recv_chunk)
		len = f->cfg.max_recv_chunk;
	if ((unsigned long)len > (unsigned long)left)
		len = (size_t)left;
	if ((unsigned long)len > (unsigned long)before_stall)
		len = (size_t)before_stall;
	r = f->lower->vtable->recv(f->lower, buf, len);
	if (r > 0) {
		if (f->cfg.on_recv != NULL)
			f->cfg.on_recv(f->cfg.observer_ctx, buf, (size_t)r);
		f->received += r;
	}
	return r;
}

static int fault_flush(moor_transport *base)
{
	moor_fault *f = (moor_fault *)base;

	if (f == NULL || f->lower == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (f->tripped)
		return fault_status(f);
	return f->lower->vtable->flush(f->lower);
}

/* Sleep for `ms`, whatever signals arrive. */
static void sleep_ms(uint32_t ms)
{
	struct timespec req, rem;

	req.tv_sec = (time_t)(ms / 1000u);
	req.tv_nsec = (long)(ms % 1000u) * 1000000L;
	while (nanosleep(&req, &rem) != 0 && errno == EINTR)
		req = rem;
}

static int fault_wait(moor_transport *base, unsigned events, uint32_t timeout_ms)
{
	moor_fault *f = (moor_fault *)base;
	unsigned ready = 0, ask;
	int r;

	if (f == NULL || f->lower == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (f->tripped)
		return fault_status(f);
	events &= MOOR_IO_READ | MOOR_IO_WRITE;
	if (events == 0)
		return MOOR_ERR_INVALID_ARG;
	ask = events;
	/* A call that would trip now does not block: report it ready so the
	 * caller makes it and gets the fault. */
	if ((events & MOOR_IO_READ) != 0) {
		if (stalled(f))
			ask &= ~MOOR_IO_READ;   /* never ready again */
		else if (room(f->cfg.fail_after_recv, f->received) == 0)
			ready |= MOOR_IO_READ;
	}
	if ((events & MOOR_IO_WRITE) != 0 &&
	    room(f->cfg.fail_after_send, f->sent) == 0)
		ready |= MOOR_IO_WRITE;
	if (ready != 0)
		return (int)ready;
	if (ask == 0) {
		/* Only READ was asked and we stall: let the deadline fire. */
		sleep_ms(timeout_ms);
		return 0;
	}
	r = f->lower->vtable->wait(f->lower, ask, timeout_ms);
	if (r > 0)
		r &= (int)ask;
	return r;
}

static void fault_close(moor_transport *base)
{
	moor_fault *f = (moor_fault *)base;

	if (f == NULL || f->lower == NULL)
		return;
	f->lower->vtable->close(f->lower);
}
