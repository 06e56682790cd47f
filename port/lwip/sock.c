/*
 * moor lwIP port: TCP transport on lwIP's sockets API, for RTOS tasks
 * (NO_SYS=0).
 *
 * The socket is non-blocking (lwip_fcntl O_NONBLOCK): send/recv return 0
 * for EWOULDBLOCK, and wait() is lwip_poll() with a timeout, the only call
 * that blocks. The first error is kept in t->err and returned by every
 * later call. errno (per task, lwIP sets it) is read right after the
 * failing call and never leaves this file.
 */
#include "moor/lwip.h"
#include "moor/status.h"

#include <errno.h>
#include <string.h>

#include "lwip/sockets.h"
#include "lwip/netdb.h"
#include "lwip/sys.h"

#if !LWIP_SOCKET || !LWIP_SOCKET_POLL
#error "moor_lwip_sock needs LWIP_SOCKET and LWIP_SOCKET_POLL"
#endif

static int sock_send(moor_transport *base, const uint8_t *data, size_t len);
static int sock_recv(moor_transport *base, uint8_t *buf, size_t len);
static int sock_flush(moor_transport *base);
static int sock_wait(moor_transport *base, unsigned events, uint32_t timeout_ms);
static void sock_close(moor_transport *base);

static const moor_transport_class lwip_sock_class = {
	sock_send, sock_recv, sock_flush, sock_wait, sock_close
};

static int map_errno(int e)
{
	switch (e) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
		return MOOR_ERR_CONNECT;
	case ECONNRESET:
	case ECONNABORTED:
	case EPIPE:
		return MOOR_ERR_RESET;
	case ETIMEDOUT:
		return MOOR_ERR_TIMEOUT;
	case ENOTCONN:
		return MOOR_ERR_NOT_CONNECTED;
	default:
		return MOOR_ERR_IO;
	}
}

static int fail(moor_lwip_sock *t, int status)
{
	if (t->err == MOOR_OK)
		t->err = status;
	return t->err;
}

static int state(const moor_lwip_sock *t)
{
	if (t->err != MOOR_OK)
		return t->err;
	if (t->fd < 0)
		return MOOR_ERR_NOT_CONNECTED;
	return MOOR_OK;
}

/* lwip_poll() one socket, retrying EINTR within the time left.
 * Returns revents (> 0), 0 on timeout, or -errno. */
static int poll_one(int fd, short ev, uint32_t timeout_ms)
{
	uint32_t start = sys_now();

	for (;;) {
		struct pollfd pfd;
		uint32_t spent = (uint32_t)(sys_now() - start);
		uint32_t left = spent >= timeout_ms ? 0 : timeout_ms - spent;
		int r;

		pfd.fd = fd;
		pfd.events = ev;
		pfd.revents = 0;
		r = lwip_poll(&pfd, 1, left > 0x7FFFFFFFu ? 0x7FFFFFFF : (int)left);
		if (r > 0)
			return pfd.revents != 0 ? (int)pfd.revents : POLLERR;
		if (r < 0 && errno != EINTR)
			return -(errno != 0 ? errno : EIO);
		if (r == 0 && left == 0)
			return 0;
		if (r == 0 && (uint32_t)(sys_now() - start) >= timeout_ms)
			return 0;
	}
}

static int set_nonblocking(int fd)
{
	int fl = lwip_fcntl(fd, F_GETFL, 0);

	if (fl < 0)
		return -1;
	return lwip_fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Parse host into an IPv4 address: a literal, or with LWIP_DNS a name. */
static int resolve(const char *host, ip4_addr_t *out)
{
	if (ip4addr_aton(host, out))
		return MOOR_OK;
#if LWIP_DNS
	{
		struct hostent he, *res = NULL;
		/* lwIP's helper struct + the name + a little slack. */
		char buf[sizeof(ip_addr_t) * 2 + sizeof(ip_addr_t *) * 2 +
			sizeof(char *) * 2 + DNS_MAX_NAME_LENGTH + 16];
		int herr = 0;

		if (lwip_gethostbyname_r(host, &he, buf, sizeof buf, &res, &herr) != 0 ||
		    res == NULL || res->h_addr_list == NULL || res->h_addr_list[0] == NULL ||
		    res->h_addrtype != AF_INET)
			return MOOR_ERR_RESOLVE;
		memcpy(out, res->h_addr_list[0], sizeof *out);
		return MOOR_OK;
	}
#else
	return MOOR_ERR_RESOLVE;
#endif
}

int moor_lwip_sock_connect(moor_lwip_sock *t, const char *host, uint16_t port,
	uint32_t timeout_ms)
{
	struct sockaddr_in sa;
	ip4_addr_t a;
	uint32_t start;
	int fd, r, st, one = 1;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	t->base.vtable = &lwip_sock_class;
	t->fd = -1;
	t->err = MOOR_ERR_NOT_CONNECTED;
	if (host == NULL || host[0] == '\0' || port == 0)
		return MOOR_ERR_INVALID_ARG;
	start = sys_now();
	st = resolve(host, &a);
	if (st != MOOR_OK) {
		t->err = st;
		return st;
	}
	fd = lwip_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (fd < 0) {
		t->err = MOOR_ERR_IO;
		return t->err;
	}
	if (set_nonblocking(fd) != 0) {
		lwip_close(fd);
		t->err = MOOR_ERR_IO;
		return t->err;
	}
	(void)lwip_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_len = (u8_t)sizeof sa;
	sa.sin_family = AF_INET;
	sa.sin_port = lwip_htons(port);
	sa.sin_addr.s_addr = ip4_addr_get_u32(&a);
	st = MOOR_OK;
	r = lwip_connect(fd, (const struct sockaddr *)&sa, (socklen_t)sizeof sa);
	if (r != 0 && errno != EINPROGRESS && errno != EALREADY && errno != EISCONN) {
		st = map_errno(errno);
	} else if (r != 0 && errno != EISCONN) {
		uint32_t spent = (uint32_t)(sys_now() - start);
		int rev = spent >= timeout_ms ? 0 :
			poll_one(fd, POLLOUT, timeout_ms - spent);

		if (rev == 0) {
			st = MOOR_ERR_TIMEOUT;
		} else if (rev < 0) {
			st = map_errno(-rev);
		} else {
			int soerr = 0;
			socklen_t sl = (socklen_t)sizeof soerr;

			if (lwip_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
				st = map_errno(errno);
			else if (soerr != 0)
				st = map_errno(soerr);
		}
	}
	if (st != MOOR_OK) {
		lwip_close(fd);
		t->err = st;
		return st;
	}
	t->fd = fd;
	t->err = MOOR_OK;
	return MOOR_OK;
}

void moor_lwip_sock_adopt(moor_lwip_sock *t, int fd)
{
	if (t == NULL)
		return;
	t->base.vtable = &lwip_sock_class;
	t->fd = -1;
	t->err = MOOR_ERR_NOT_CONNECTED;
	if (fd < 0)
		return;
	t->fd = fd;
	t->err = set_nonblocking(fd) == 0 ? MOOR_OK : MOOR_ERR_IO;
}

static int sock_send(moor_transport *base, const uint8_t *data, size_t len)
{
	moor_lwip_sock *t = (moor_lwip_sock *)base;
	int st;
	ssize_t r;

	if (t == NULL || (data == NULL && len != 0))
		return MOOR_ERR_INVALID_ARG;
	st = state(t);
	if (st != MOOR_OK)
		return st;
	if (len == 0)
		return 0;
	if (len > 0x7FFFFFFFu)
		len = 0x7FFFFFFFu;
	r = lwip_send(t->fd, data, len, MSG_DONTWAIT);
	if (r > 0)
		return (int)r;
	if (r == 0 || errno == EWOULDBLOCK || errno == EAGAIN || errno == ENOMEM ||
	    errno == ENOBUFS || errno == EINTR)
		return 0;
	return fail(t, map_errno(errno));
}

static int sock_recv(moor_transport *base, uint8_t *buf, size_t len)
{
	moor_lwip_sock *t = (moor_lwip_sock *)base;
	int st;
	ssize_t r;

	if (t == NULL || (buf == NULL && len != 0))
		return MOOR_ERR_INVALID_ARG;
	st = state(t);
	if (st != MOOR_OK)
		return st;
	if (len == 0)
		return 0;
	if (len > 0x7FFFFFFFu)
		len = 0x7FFFFFFFu;
	r = lwip_recv(t->fd, buf, len, MSG_DONTWAIT);
	if (r > 0)
		return (int)r;
	if (r == 0)
		return fail(t, MOOR_ERR_CLOSED);
	if (errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR)
		return 0;
	return fail(t, map_errno(errno));
}

static int sock_flush(moor_transport *base)
{
	moor_lwip_sock *t = (moor_lwip_sock *)base;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	return state(t);
}

static int sock_wait(moor_transport *base, unsigned events, uint32_t timeout_ms)
{
	moor_lwip_sock *t = (moor_lwip_sock *)base;
	short ev = 0;
	int st, rev, ready = 0;

	if (t == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = state(t);
	if (st != MOOR_OK)
		return st;
	events &= MOOR_IO_READ | MOOR_IO_WRITE;
	if (events == 0)
		return MOOR_ERR_INVALID_ARG;
	if ((events & MOOR_IO_READ) != 0)
		ev |= POLLIN;
	if ((events & MOOR_IO_WRITE) != 0)
		ev |= POLLOUT;
	rev = poll_one(t->fd, ev, timeout_ms);
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
	if ((rev & (POLLERR | POLLHUP)) != 0)
		ready |= (int)events;
	return ready & (int)events;
}

static void sock_close(moor_transport *base)
{
	moor_lwip_sock *t = (moor_lwip_sock *)base;

	if (t == NULL || t->fd < 0)
		return;
	(void)lwip_close(t->fd);
	t->fd = -1;
}
