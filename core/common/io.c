/*
 * Blocking-with-deadline helpers over the non-blocking transport calls.
 * Each loops "try, then wait for readiness" until done or the deadline.
 */
#include "moor/transport.h"
#include "moor/status.h"

/* Wait for `events` until `deadline`: MOOR_OK to try again (ready, or a
 * spurious wake-up), MOOR_ERR_TIMEOUT once the deadline has passed, or
 * the transport's error. */
static int wait_until(moor_transport *t, const moor_platform *p,
	uint32_t deadline, unsigned events)
{
	uint32_t left = moor_ms_left(p, deadline);
	int r;

	if (left == 0)
		return MOOR_ERR_TIMEOUT;
	r = moor_transport_wait(t, events, left);
	return r < 0 ? r : MOOR_OK;
}

int moor_io_flush(moor_transport *t, const moor_platform *p, uint32_t timeout_ms)
{
	uint32_t deadline;
	int r;

	if (t == NULL || p == NULL)
		return MOOR_ERR_INVALID_ARG;
	deadline = p->now_ms(p->ctx) + timeout_ms;

	for (;;) {
		r = moor_transport_flush(t);
		if (r <= 0)
			return r;
		r = wait_until(t, p, deadline, MOOR_IO_WRITE);
		if (r < 0)
			return r;
	}
}

int moor_io_send_all(moor_transport *t, const moor_platform *p,
	const uint8_t *data, size_t len, uint32_t timeout_ms)
{
	uint32_t deadline;
	size_t off = 0;
	int r;

	if (t == NULL || p == NULL || (data == NULL && len > 0))
		return MOOR_ERR_INVALID_ARG;
	deadline = p->now_ms(p->ctx) + timeout_ms;
	while (off < len) {
		r = moor_transport_send(t, data + off, len - off);
		if (r < 0)
			return r;
		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		r = wait_until(t, p, deadline, MOOR_IO_WRITE);
		if (r < 0)
			return r;
	}
	return moor_io_flush(t, p, moor_ms_left(p, deadline));
}

int moor_io_recv_some(moor_transport *t, const moor_platform *p,
	uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	uint32_t deadline;
	int r;

	if (t == NULL || p == NULL || buf == NULL || len == 0)
		return MOOR_ERR_INVALID_ARG;
	deadline = p->now_ms(p->ctx) + timeout_ms;
	for (;;) {
		r = moor_transport_recv(t, buf, len);
		if (r != 0)
			return r;
		r = wait_until(t, p, deadline, MOOR_IO_READ);
		if (r < 0)
			return r;
	}
}

int moor_io_recv_exact(moor_transport *t, const moor_platform *p,
	uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	uint32_t deadline;
	size_t off = 0;
	int r;

	if (t == NULL || p == NULL || (buf == NULL && len > 0))
		return MOOR_ERR_INVALID_ARG;
	deadline = p->now_ms(p->ctx) + timeout_ms;
	while (off < len) {
		uint32_t left = moor_ms_left(p, deadline);
		if (left == 0)
			return MOOR_ERR_TIMEOUT;
		r = moor_io_recv_some(t, p, buf + off, len - off, left);
		if (r < 0)
			return r;
		off += (size_t)r;
	}
	return MOOR_OK;
}
