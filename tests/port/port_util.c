#define _GNU_SOURCE 1

#include "port_util.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "moor/status.h"

uint32_t tu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

void tu_sleep_ms(uint32_t ms)
{
	struct timespec req, rem;

	req.tv_sec = (time_t)(ms / 1000u);
	req.tv_nsec = (long)(ms % 1000u) * 1000000L;
	while (nanosleep(&req, &rem) != 0 && errno == EINTR)
		req = rem;
}

int tu_listen(int family, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)(void *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	}
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 8) != 0) {
		close(fd);
		return -1;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		close(fd);
		return -1;
	}
	*port = family == AF_INET
		? ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port)
		: ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
	return fd;
}

static int wait_fd(int fd, short ev, uint32_t timeout_ms)
{
	struct pollfd p;
	int r;

	p.fd = fd;
	p.events = ev;
	p.revents = 0;
	do {
		r = poll(&p, 1, (int)timeout_ms);
	} while (r < 0 && errno == EINTR);
	return r;
}

int tu_accept(int lfd, uint32_t timeout_ms)
{
	if (wait_fd(lfd, POLLIN, timeout_ms) <= 0)
		return -1;
	return accept(lfd, NULL, NULL);
}

int tu_read_exact(int fd, void *buf, size_t n, uint32_t timeout_ms)
{
	size_t off = 0;
	uint32_t start = tu_now_ms();

	while (off < n) {
		uint32_t spent = tu_now_ms() - start;
		ssize_t r;

		if (spent >= timeout_ms ||
		    wait_fd(fd, POLLIN, timeout_ms - spent) <= 0)
			return -1;
		r = recv(fd, (char *)buf + off, n - off, MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

int tu_write_all(int fd, const void *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = send(fd, (const char *)buf + off, n - off, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

uint16_t tu_closed_port(void)
{
	struct sockaddr_in a;
	socklen_t sl = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &sl) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* ------------------------------------------------------------------ */

static int mem_send(moor_transport *t, const uint8_t *d, size_t n)
{
	tu_mem *m = (tu_mem *)t;
	size_t room;

	m->send_calls++;
	if (m->err)
		return m->err;
	room = m->out_cap - m->out_len;
	if (n > room)
		n = room;
	if (n == 0)
		return 0;
	memcpy(m->out + m->out_len, d, n);
	m->out_len += n;
	return (int)n;
}

static int mem_recv(moor_transport *t, uint8_t *b, size_t n)
{
	tu_mem *m = (tu_mem *)t;
	size_t avail;

	m->recv_calls++;
	if (m->err)
		return m->err;
	avail = m->in_len - m->in_off;
	if (avail == 0)
		return m->eof ? MOOR_ERR_CLOSED : 0;
	if (n > avail)
		n = avail;
	memcpy(b, m->in + m->in_off, n);
	m->in_off += n;
	return (int)n;
}

static int mem_flush(moor_transport *t)
{
	tu_mem *m = (tu_mem *)t;

	m->flush_calls++;
	if (m->err)
		return m->err;
	if (m->flush_stuck)
		return 1;
	if (m->flush_pending > 0)
		return m->flush_pending--;
	return 0;
}

static int mem_wait(moor_transport *t, unsigned ev, uint32_t ms)
{
	tu_mem *m = (tu_mem *)t;
	unsigned ready = 0;

	m->wait_calls++;
	if (m->err)
		return m->err;
	if ((ev & MOOR_IO_READ) && (m->in_off < m->in_len || m->eof))
		ready |= MOOR_IO_READ;
	if ((ev & MOOR_IO_WRITE) && (m->out_len < m->out_cap || m->flush_pending > 0))
		ready |= MOOR_IO_WRITE;
	if (ready)
		return (int)ready;
	tu_sleep_ms(ms < 5 ? ms : 5);
	return 0;
}

static void mem_close(moor_transport *t)
{
	((tu_mem *)t)->close_calls++;
}

static const moor_transport_class mem_class = {
	mem_send, mem_recv, mem_flush, mem_wait, mem_close
};

void tu_mem_init(tu_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->base.vtable = &mem_class;
	m->out_cap = sizeof(m->out);
}

void tu_mem_feed(tu_mem *m, const void *data, size_t n)
{
	if (n > sizeof(m->in) - m->in_len)
		n = sizeof(m->in) - m->in_len;
	memcpy(m->in + m->in_len, data, n);
	m->in_len += n;
}
