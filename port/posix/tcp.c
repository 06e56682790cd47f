/*
 * moor POSIX port: TCP transport on BSD sockets and poll().
 *
 * The socket is always non-blocking. send/recv never block and return 0 for
 * EAGAIN; wait() is the only blocking call and always has a timeout. The
 * first error is kept in t->err and returned by every later call.
 *
 * errno is read right after the failing call and turned into a moor_status
 * at once; it never leaves this file.
 */
#define _GNU_SOURCE 1

#include "moor/posix.h"
#include "moor/status.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef MSG_NOSIGNAL
#define MOOR_SEND_FLAGS MSG_NOSIGNAL
#else
#define MOOR_SEND_FLAGS 0
#endif

static int tcp_send(moor_transport *base, const uint8_t *data, size_t len);
static int tcp_recv(moor_transport *base, uint8_t *buf, size_t len);
static int tcp_flush(moor_transport *base);
static int tcp_wait(moor_transport *base, unsigned events, uint32_t timeout_ms);
static void tcp_close(moor_transport *base);

static const moor_transport_class tcp_class = {
	tcp_send, tcp_recv, tcp_flush, tcp_wait, tcp_close
};

/* errno -> moor_status for a connection that failed. */
static int map_errno(int e)
{
	switch (e) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
#ifdef EHOSTDOWN
	case EHOSTDOWN:
#endif
	case ENETDOWN:
	case EADDRNOTAVAIL:
		return MOOR_ERR_CONNECT;
	case ECONNRESET:
	case EPIPE:
	case ECONNABORTED:
		return MOOR_ERR_RESET;
	case ETIMEDOUT:
		return MOOR_ERR_TIMEOUT;
	case ENOTCONN:
		return MOOR_ERR_NOT_CONNECTED;
	default:
		return MOOR_ERR_IO;
	}
}

/* Own monotonic clock for wait(), which gets no platform. */
static uint32_t mono_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static uint32_t left_ms(uint32_t start, uint32_t timeout_ms)
{
	uint32_t spent = mono_ms() - start;

	return spent >= timeout_ms ? 0 : timeout_ms - spent;
}

/* poll() one fd for `ev`, retrying EINTR with the remaining time.
 * Returns revents (> 0), 0 on timeout, or -errno. */
static int poll_fd(int fd, short ev, uint32_t timeout_ms)
{
	uint32_t start = mono_ms();
	uint32_t left = timeout_ms;

	for (;;) {
		struct pollfd pfd;
		int r;

		pfd.fd = fd;
		pfd.events = ev;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > (uint32_t)INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return pfd.revents != 0 ? (int)pfd.revents : POLLERR;
		if (r < 0 && errno != EINTR)
			return -errno;
		left = left_ms(start, timeout_ms);
		/* A timeout in poll with time left (INT_MAX clamp) loops too. */
		if (left == 0)
			return 0;
	}
}

static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL, 0);

	if (fl < 0)
		return -1;
	if ((fl & O_NONBLOCK) != 0)
		return 0;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Options every moor socket gets. TCP_NODELAY fails harmlessly on a
 * socket that is not TCP (a socketpair in tests), so it is best effort. */
static void set_options(int fd)
{
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
#ifdef SO_NOSIGPIPE
	(void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
}

/* One connection attempt to one address, bounded by `deadline` (a
 * mono_ms() reading reached after `budget` ms from `start`). On success
 * returns MOOR_OK and the socket in *out_fd. */
static int try_connect(const struct sockaddr *sa, socklen_t salen,
	uint32_t start, uint32_t budget, int *out_fd)
{
	int fd, r, status = MOOR_OK;

	fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return map_errno(errno);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (set_nonblocking(fd) != 0) {
		close(fd);
		return MOOR_ERR_IO;
	}
	set_options(fd);

	do {
		r = connect(fd, sa, salen);
	} while (r != 0 && errno == EINTR);
	/* EINTR after the call started leaves it in progress: the EINTR loop
	 * above then gets EALREADY or EISCONN, both handled here. */
	if (r != 0 && errno == EISCONN)
		r = 0;
	if (r != 0) {
		if (errno != EINPROGRESS && errno != EALREADY) {
			status = map_errno(errno);
		} else {
			uint32_t left = left_ms(start, budget);
			int rev = left == 0 ? 0 : poll_fd(fd, POLLOUT, left);

			if (rev == 0) {
				status = MOOR_ERR_TIMEOUT;
			} else if (rev < 0) {
				status = map_errno(-rev);
			} else {
				int soerr = 0;
				socklen_t sl = sizeof(soerr);

				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
					status = map_errno(errno);
				else if (soerr != 0)
					status = map_errno(soerr);
			}
		}
	}
	if (status == MOOR_OK)
		*out_fd = fd;
	else
		close(fd);
	return status;
}

/* Fill `ss` from an IPv4 or IPv6 literal ("[::1]" allowed). Returns the
 * address length, or 0 if `host` is not a literal. */
static socklen_t parse_literal(const char *host, uint16_t port,
	struct sockaddr_storage *ss)
{
	char v6[INET6_ADDRSTRLEN + 1];
	const char *h6 = host;
	size_t n = strlen(host);

	memset(ss, 0, sizeof(*ss));
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)(void *)ss;

		if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
			a4->sin_family = AF_INET;
			a4->sin_port = htons(port);
			return (socklen_t)sizeof(*a4);
		}
	}
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(v6))
			return 0;
		memcpy(v6, host + 1, n - 2);
		v6[n - 2] = '\0';
		h6 = v6;
	}
	{
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)(void *)ss;

		if (inet_pton(AF_INET6, h6, &a6->sin6_addr) == 1) {
			a6->sin6_family = AF_INET6;
			a6->sin6_port = htons(port);
			return (socklen_t)sizeof(*a6);
		}
	}
	return 0;
}

int moor_posix_tcp_connect(moor_posix_tcp *t, const moor_platform *p,
	const char *host, uint16_t port, uint32_t timeout_ms)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	uint32_t start;
	int fd = -1, status;

	(void)p;   /* wait() has no platform either: both use CLOCK_MONOTONIC */
	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	t->base.vtable = &tcp_class;
	t->fd = -1;
	t->err = MOOR_ERR_NOT_CONNECTED;
	if (host == NULL || host[0] == '\0' || port == 0)
		return MOOR_ERR_INVALID_ARG;
	start = mono_ms();

	sl = parse_literal(host, port, &ss);
	if (sl != 0) {
		/* The common path: no resolver, no allocation. */
		status = try_connect((const struct sockaddr *)&ss, sl, start,
			timeout_ms, &fd);
	} else {
		struct addrinfo hints, *res = NULL, *ai;
		char serv[8];
		int i = 0, rc;
		unsigned v = port;
		char tmp[6];
		int k = 0;

		do {
			tmp[k++] = (char)('0' + (int)(v % 10u));
			v /= 10u;
		} while (v != 0);
		while (k > 0)
			serv[i++] = tmp[--k];
		serv[i] = '\0';

		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_protocol = IPPROTO_TCP;
		hints.ai_flags = AI_NUMERICSERV;
		rc = getaddrinfo(host, serv, &hints, &res);
		if (rc != 0 || res == NULL) {
			if (res != NULL)
				freeaddrinfo(res);
			return rc == EAI_SYSTEM ? MOOR_ERR_IO : MOOR_ERR_RESOLVE;
		}
		status = MOOR_ERR_CONNECT;
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if (left_ms(start, timeout_ms) == 0) {
				status = MOOR_ERR_TIMEOUT;
				break;
			}
			status = try_connect(ai->ai_addr, ai->ai_addrlen, start,
				timeout_ms, &fd);
			if (status == MOOR_OK)
				break;
		}
		freeaddrinfo(res);
	}
	if (status == MOOR_OK) {
		t->fd = fd;
		t->err = MOOR_OK;
	}
	return status;
}

void moor_posix_tcp_adopt(moor_posix_tcp *t, int fd)
{
	if (t == NULL)
		return;
	t->base.vtable = &tcp_class;
	t->fd = -1;
	t->err = MOOR_ERR_NOT_CONNECTED;
	if (fd < 0)
		return;
	t->fd = fd;
	if (set_nonblocking(fd) != 0) {
		t->err = MOOR_ERR_IO;
		return;
	}
	set_options(fd);
	t->err = MOOR_OK;
}

/* Common entry checks: sticky error, then an open socket. */
static int tcp_state(const moor_posix_tcp *t)
{
	if (t->err != MOOR_OK)
		return t->err;
	if (t->fd < 0)
		return MOOR_ERR_NOT_CONNECTED;
	return MOOR_OK;
}

static int fail(moor_posix_tcp *t, int status)
{
	if (t->err == MOOR_OK)
		t->err = status;
	return t->err;
}

static int tcp_send(moor_transport *base, const uint8_t *data, size_t len)
{
	moor_posix_tcp *t = (moor_posix_tcp *)base;
	int st;

	if (t == NULL || (data == NULL && len != 0))
		return MOOR_ERR_INVALID_ARG;
	st = tcp_state(t);
	if (st != MOOR_OK)
		return st;
	if (len == 0)
		return 0;
	if (len > (size_t)INT_MAX)
		len = (size_t)INT_MAX;
	for (;;) {
		ssize_t r = send(t->fd, data, len, MOOR_SEND_FLAGS);

		if (r > 0)
			return (int)r;
		if (r == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return 0;
		return fail(t, map_errno(errno));
	}
}

static int tcp_recv(moor_transport *base, uint8_t *buf, size_t len)
{
	moor_posix_tcp *t = (moor_posix_tcp *)base;
	int st;

	if (t == NULL || (buf == NULL && len != 0))
		return MOOR_ERR_INVALID_ARG;
	st = tcp_state(t);
	if (st != MOOR_OK)
		return st;
	if (len == 0)
		return 0;
	if (len > (size_t)INT_MAX)
		len = (size_t)INT_MAX;
	for (;;) {
		ssize_t r = recv(t->fd, buf, len, 0);

		if (r > 0)
			return (int)r;
		if (r == 0)
			return fail(t, MOOR_ERR_CLOSED);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return fail(t, map_errno(errno));
	}
}

static int tcp_flush(moor_transport *base)
{
	moor_posix_tcp *t = (moor_posix_tcp *)base;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	return tcp_state(t);   /* nothing is buffered here: 0 when open */
}

static int tcp_wait(moor_transport *base, unsigned events, uint32_t timeout_ms)
{
	moor_posix_tcp *t = (moor_posix_tcp *)base;
	short ev = 0;
	int st, rev, ready = 0;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = tcp_state(t);
	if (st != MOOR_OK)
		return st;
	events &= MOOR_IO_READ | MOOR_IO_WRITE;
	if (events == 0)
		return MOOR_ERR_INVALID_ARG;
	if ((events & MOOR_IO_READ) != 0)
		ev |= POLLIN;
	if ((events & MOOR_IO_WRITE) != 0)
		ev |= POLLOUT;
	rev = poll_fd(t->fd, ev, timeout_ms);
	if (rev < 0)
		return fail(t, map_errno(-rev));
	if (rev == 0)
		return 0;
	if ((rev & POLLNVAL) != 0)
		return fail(t, MOOR_ERR_IO);
	if ((rev & POLLIN) != 0)
		ready |= MOOR_IO_READ;
	if ((rev & POLLOUT) != 0)
		ready |= MOOR_IO_WRITE;
	/* Hang-up or a pending socket error: the next recv (or send)
	 * returns the status without blocking, so report it as ready. */
	if ((rev & (POLLERR | POLLHUP)) != 0)
		ready |= (int)events;
	return ready & (int)events;
}

static void tcp_close(moor_transport *base)
{
	moor_posix_tcp *t = (moor_posix_tcp *)base;

	if (t == NULL || t->fd < 0)
		return;
	(void)close(t->fd);   /* never retried: on Linux the fd is gone */
	t->fd = -1;
}
