/*
 * The Redis client: the RESP codec (resp.c) driven over a transport.
 *
 * Sending: commands are encoded into the caller's transmit buffer and
 * handed to the transport from there. Every byte handed over is accounted
 * to the command it belongs to (tx_account), so the client always knows
 * which commands have started to leave (seq_started) and which are still
 * whole in the buffer.
 *
 * Receiving: the RESP decoder runs over the receive buffer; each event is
 * classified as part of a reply (matched to the oldest unanswered
 * command, seq_acked) or of a push, and a completed reply advances
 * seq_acked. Commands without a normal reply (the SUBSCRIBE family) and
 * commands that change the connection's state (RESET, HELLO) are tracked
 * in a small array, `special`, in sequence order.
 *
 * Any failure of the transport or of the byte stream closes the
 * connection and is kept as the sticky error; the three counters then
 * hold the delivery account until the next connect.
 */
#include <string.h>

#include "moor/redis.h"


#define MSG_IDLE   0
#define MSG_REPLY  1
#define MSG_PUSH   2

#define DEFAULT_CONNECT_TIMEOUT 10000u
#define DEFAULT_TIMEOUT         5000u
#define DEFAULT_BACKOFF_MIN     100u
#define DEFAULT_BACKOFF_MAX     10000u
#define DEFAULT_MAX_REDIRECTS   5u

#define NO_COUNT  0xffffffffu  /* special.left: "all current subscriptions" */

/* ------------------------------------------------------------------ */
/* Small helpers */

static void wipe(uint8_t *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

static uint32_t now_ms(const moor_redis *r)
{
	return r->plat->now_ms(r->plat->ctx);
}

static uint32_t timeout_or(uint32_t ms, uint32_t dflt)
{
	return ms != 0 ? ms : dflt;
}

static uint32_t io_timeout(const moor_redis *r, uint32_t ms)
{
	return ms != 0 ? ms : timeout_or(r->cfg->timeout_ms, DEFAULT_TIMEOUT);
}

/* ASCII case-insensitive comparison of an argument with an upper-case
 * name. */
static int arg_is(const char *a, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = a[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (name[i] == '\0' || c != name[i])
			return 0;
	}
	return name[len] == '\0';
}

static int bytes_are(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len == n && memcmp(p, s, n) == 0;
}

static int starts_with(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && memcmp(p, s, n) == 0;
}

/* Decimal text of v into out (at least 11 bytes), NUL-terminated. */
static size_t utoa10(unsigned long v, char *out)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

/* ------------------------------------------------------------------ */
/* Connection state */

static void drop_transport(moor_redis *r, int graceful)
{
	moor_transport *t = r->t;

	if (t == NULL)
		return;
	r->t = NULL;
	if (r->cfg->disconnect != NULL)
		r->cfg->disconnect(r->cfg->conn_ctx, t, graceful);
	else
		moor_transport_close(t);
}

/* The connection is unusable: keep the first error, close, and leave the
 * delivery account as it is. Returns the sticky error. */
static int fail(moor_redis *r, int st)
{
	if (r->err == 0)
		r->err = st;
	drop_transport(r, 0);
	r->streaming = 0;
	return r->err;
}

static int usable(const moor_redis *r)
{
	if (r->err != 0)
		return r->err;
	if (r->t == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	return MOOR_OK;
}

/* A new connection: everything unanswered so far stays unanswered. */
static void reset_conn(moor_redis *r)
{
	r->seq_started = r->seq_next;
	r->seq_acked = r->seq_next;
	r->rx_fill = r->rx_off = 0;
	r->tx_off = r->tx_len = 0;
	r->head_left = 0;
	r->stream_total = 0;
	r->streaming = 0;
	r->partial = 0;
	r->in_msg = MSG_IDLE;
	r->n_special = 0;
	r->n_chan = r->n_pat = r->n_shard = 0;
	r->push_kind = 0;
	r->push_idx = 0;
	r->push_null = 0;
	r->push_count = -1;
	r->out_pending = 0;
	r->next_type = 0;
	r->proto = 0;
	r->err = 0;
	(void)moor_resp_decoder_init(&r->dec, r->rxcap);
}

int moor_redis_init(moor_redis *r, const moor_redis_config *cfg,
	const moor_platform *plat, uint8_t *rx, size_t rxcap,
	uint8_t *tx, size_t txcap)
{
	if (r == NULL || cfg == NULL || plat == NULL || plat->now_ms == NULL ||
	    rx == NULL || tx == NULL || cfg->connect == NULL ||
	    (cfg->resp != 0 && cfg->resp != 2 && cfg->resp != 3))
		return MOOR_ERR_INVALID_ARG;
	if (rxcap < MOOR_REDIS_RX_MIN || txcap < MOOR_REDIS_TX_MIN)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	r->plat = plat;
	r->rx = rx;
	r->rxcap = rxcap;
	r->tx = tx;
	r->txcap = txcap;
	reset_conn(r);
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* Command kinds */

static uint8_t cmd_kind(size_t argc, const char *const *argv,
	const size_t *argvlen, uint32_t *left)
{
	static const char *const names[] = {
		"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE",
		"UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"
	};
	size_t len0 = argvlen != NULL ? argvlen[0] : strlen(argv[0]);
	size_t i;

	*left = 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (arg_is(argv[0], len0, names[i])) {
			*left = argc > 1 ? (uint32_t)(argc - 1) : NO_COUNT;
			return (uint8_t)(MOOR_REDIS_K_SUBSCRIBE + i);
		}
	}
	if (arg_is(argv[0], len0, "RESET"))
		return MOOR_REDIS_K_RESET;
	if (argc >= 2 && arg_is(argv[0], len0, "HELLO")) {
		size_t len1 = argvlen != NULL ? argvlen[1] : strlen(argv[1]);

		if (len1 == 1 && argv[1][0] == '2')
			return MOOR_REDIS_K_HELLO2;
		if (len1 == 1 && argv[1][0] == '3')
			return MOOR_REDIS_K_HELLO3;
	}
	return 0;
}

static int is_pubsub_kind(uint8_t k)
{
	return k >= MOOR_REDIS_K_SUBSCRIBE && k <= MOOR_REDIS_K_SUNSUBSCRIBE;
}

/* Kind of a push from its first element ("subscribe", "message", ...):
 * the MOOR_REDIS_K_* of a confirmation, 0 for anything else. */
static uint8_t push_kind_of(const uint8_t *p, size_t len)
{
	static const char *const names[] = {
		"subscribe", "psubscribe", "ssubscribe",
		"unsubscribe", "punsubscribe", "sunsubscribe"
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (bytes_are(p, len, names[i]))
			return (uint8_t)(MOOR_REDIS_K_SUBSCRIBE + i);
	}
	return 0;
}

static void special_pop(moor_redis *r)
{
	if (r->n_special == 0)
		return;
	memmove(&r->special[0], &r->special[1],
		(size_t)(r->n_special - 1) * sizeof r->special[0]);
	r->n_special--;
}

/* The special entry of the oldest unanswered command, or NULL. */
static moor_redis_special *head_special(moor_redis *r)
{
	if (r->n_special > 0 && r->special[0].seq == r->seq_acked)
		return &r->special[0];
	return NULL;
}

static int head_kind(const moor_redis *r)
{
	if (r->n_special > 0 && r->special[0].seq == r->seq_acked)
		return r->special[0].kind;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sending */

/* Length of the encoded command at p (our own encoding, whole in the
 * buffer): "*N\r\n" then N times "$L\r\n" L bytes "\r\n". */
static size_t read_dec(const uint8_t *p, size_t *i)
{
	size_t v = 0;

	while (p[*i] >= '0' && p[*i] <= '9') {
		v = v * 10 + (size_t)(p[*i] - '0');
		*i += 1;
	}
	*i += 2;            /* CR LF */
	return v;
}

static size_t cmd_len(const uint8_t *p)
{
	size_t i = 1, argc, k;

	argc = read_dec(p, &i);
	for (k = 0; k < argc; k++) {
		size_t len;

		i += 1;     /* '$' */
		len = read_dec(p, &i);
		i += len + 2;
	}
	return i;
}

/* n bytes starting at tx[tx_off] were handed to the transport: account
 * them to their commands. */
static void tx_account(moor_redis *r, size_t n)
{
	size_t pos = r->tx_off;

	while (n > 0) {
		size_t k;

		if (r->head_left == 0) {
			/* a command starts at pos */
			if (r->streaming && r->seq_started == r->stream_seq)
				r->head_left = r->stream_total;
			else
				r->head_left = cmd_len(r->tx + pos);
			r->seq_started++;
		}
		k = n < r->head_left ? n : r->head_left;
		r->head_left -= k;
		pos += k;
		n -= k;
	}
}

/* Hand buffered bytes to the transport, then flush it. 0: all out,
 * 1: some pending, < 0: failed (closed). */
static int tx_push(moor_redis *r)
{
	int n;

	while (r->tx_len > 0) {
		size_t len = r->tx_len > 0x7fffffffu ? 0x7fffffffu : r->tx_len;

		n = moor_transport_send(r->t, r->tx + r->tx_off, len);
		if (n < 0) {
			/* A failed send() may have taken some of what it was
			 * offered (moor_tls encrypts the bytes, then fails to
			 * push the record out): count every command offered
			 * as started, never as "not sent". */
			tx_account(r, len);
			r->tx_off += len;
			r->tx_len -= len;
			return fail(r, n);
		}
		if (n == 0) {
			r->out_pending = 1;
			return 1;
		}
		if ((size_t)n > r->tx_len)
			return fail(r, MOOR_ERR_INTERNAL);
		tx_account(r, (size_t)n);
		r->tx_off += (size_t)n;
		r->tx_len -= (size_t)n;
	}
	r->tx_off = 0;
	n = moor_transport_flush(r->t);
	if (n < 0)
		return fail(r, n);
	r->out_pending = n > 0;
	return n > 0 ? 1 : 0;
}

/* Free bytes at the end of the transmit buffer after moving the pending
 * bytes to its front. */
static size_t tx_room(moor_redis *r)
{
	if (r->tx_off > 0) {
		memmove(r->tx, r->tx + r->tx_off, r->tx_len);
		r->tx_off = 0;
	}
	return r->txcap - r->tx_len;
}

/* Wait until the transport takes output, or the deadline. */
static int wait_write(moor_redis *r, uint32_t deadline)
{
	uint32_t left = moor_ms_left(r->plat, deadline);
	int w;

	if (left == 0)
		return fail(r, MOOR_ERR_TIMEOUT);
	w = moor_transport_wait(r->t, MOOR_IO_WRITE, left);
	if (w < 0)
		return fail(r, w);
	return MOOR_OK;
}

/* Everything buffered out and flushed by the deadline. */
static int flush_all(moor_redis *r, uint32_t deadline)
{
	int st;

	for (;;) {
		st = tx_push(r);
		if (st <= 0)
			return st;
		st = wait_write(r, deadline);
		if (st < 0)
			return st;
	}
}

/* Copy bytes into the transmit buffer, pushing and waiting as needed. */
static int tx_put(moor_redis *r, const uint8_t *p, size_t n, uint32_t deadline)
{
	int st;

	while (n > 0) {
		size_t room = tx_room(r), k;

		if (room == 0) {
			st = tx_push(r);
			if (st < 0)
				return st;
			if (tx_room(r) == 0) {
				st = wait_write(r, deadline);
				if (st < 0)
					return st;
			}
			continue;
		}
		k = n < room ? n : room;
		memcpy(r->tx + r->tx_len, p, k);
		r->tx_len += k;
		p += k;
		n -= k;
	}
	return MOOR_OK;
}

static void track(moor_redis *r, uint8_t kind, uint32_t left, uint32_t seq)
{
	moor_redis_special *s = &r->special[r->n_special++];

	s->seq = seq;
	s->left = left;
	s->kind = kind;
}

int moor_redis_append(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, uint32_t *seq)
{
	size_t need = 0, len = 0;
	uint32_t left;
	uint8_t kind;
	int st;

	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = usable(r);
	if (st != MOOR_OK)
		return st;
	st = moor_resp_command_size(argc, argv, argvlen, &need);
	if (st != MOOR_OK)
		return st;
	if (need > r->txcap)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	kind = cmd_kind(argc, argv, argvlen, &left);
	if (kind != 0 && r->n_special >= MOOR_CONFIG_REDIS_MAX_SPECIAL)
		return 0;
	if (r->txcap - r->tx_len < need) {
		st = tx_push(r);
		if (st < 0)
			return st;
		if (r->txcap - r->tx_len < need)
			return 0;
	}
	(void)tx_room(r);
	st = moor_resp_write_command(argc, argv, argvlen, r->tx + r->tx_len,
		r->txcap - r->tx_len, &len);
	if (st != MOOR_OK)
		return st;
	r->tx_len += len;
	if (kind != 0)
		track(r, kind, left, r->seq_next);
	if (seq != NULL)
		*seq = r->seq_next;
	r->seq_next++;
	return 1;
}

int moor_redis_flush(moor_redis *r)
{
	int st;

	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = usable(r);
	if (st != MOOR_OK)
		return st;
	return tx_push(r);
}

/* A command larger than the transmit buffer, streamed through it. */
static int send_streamed(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, size_t need, uint32_t *seq, uint32_t deadline)
{
	uint8_t hdr[16];
	size_t hlen = 0, i;
	uint32_t left;
	uint8_t kind;
	int st;

	st = flush_all(r, deadline);
	if (st < 0)
		return st;
	kind = cmd_kind(argc, argv, argvlen, &left);
	if (kind != 0 && r->n_special >= MOOR_CONFIG_REDIS_MAX_SPECIAL)
		return MOOR_ERR_STATE;
	r->streaming = 1;
	r->stream_seq = r->seq_next;
	r->stream_total = need;
	if (kind != 0)
		track(r, kind, left, r->seq_next);
	if (seq != NULL)
		*seq = r->seq_next;
	r->seq_next++;

	st = moor_resp_write_array_header(argc, hdr, sizeof hdr, &hlen);
	if (st == MOOR_OK)
		st = tx_put(r, hdr, hlen, deadline);
	for (i = 0; st == MOOR_OK && i < argc; i++) {
		size_t alen = argvlen != NULL ? argvlen[i] : strlen(argv[i]);

		st = moor_resp_write_bulk_header(alen, hdr, sizeof hdr, &hlen);
		if (st == MOOR_OK)
			st = tx_put(r, hdr, hlen, deadline);
		if (st == MOOR_OK)
			st = tx_put(r, (const uint8_t *)argv[i], alen, deadline);
		if (st == MOOR_OK)
			st = tx_put(r, (const uint8_t *)"\r\n", 2, deadline);
	}
	if (st == MOOR_OK)
		st = flush_all(r, deadline);
	if (st < 0)
		return fail(r, st);
	r->streaming = 0;
	return MOOR_OK;
}

static int send_until(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, uint32_t *seq, uint32_t deadline)
{
	size_t need = 0;
	uint32_t left;
	int st;

	st = usable(r);
	if (st != MOOR_OK)
		return st;
	st = moor_resp_command_size(argc, argv, argvlen, &need);
	if (st != MOOR_OK)
		return st;
	if (need > r->txcap)
		return send_streamed(r, argc, argv, argvlen, need, seq, deadline);
	if (cmd_kind(argc, argv, argvlen, &left) != 0 &&
	    r->n_special >= MOOR_CONFIG_REDIS_MAX_SPECIAL)
		return MOOR_ERR_STATE;
	for (;;) {
		st = moor_redis_append(r, argc, argv, argvlen, seq);
		if (st == 1)
			break;
		if (st < 0)
			return st;
		st = wait_write(r, deadline);
		if (st < 0)
			return st;
	}
	return flush_all(r, deadline);
}

int moor_redis_send(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, uint32_t *seq, uint32_t timeout_ms)
{
	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	return send_until(r, argc, argv, argvlen, seq,
		now_ms(r) + io_timeout(r, timeout_ms));
}

/* ------------------------------------------------------------------ */
/* Receiving */

/* Whether a RESP2 top-level array is Pub/Sub traffic: the connection is
 * subscribed, or a subscribe-type command is the next to be answered. */
static int resp2_subscribed(const moor_redis *r)
{
	if (r->n_chan + r->n_pat + r->n_shard > 0)
		return 1;
	return is_pubsub_kind((uint8_t)head_kind(r));
}

/* The oldest unanswered command is answered. */
static void ack(moor_redis *r, moor_redis_event *ev)
{
	ev->acked = 1;
	ev->seq = r->seq_acked;
	r->seq_acked++;
	r->partial = 0;
}

/* A whole reply arrived (its last event is *ev); `type` is the reply's
 * top-level type. */
static void reply_complete(moor_redis *r, moor_redis_event *ev, int type)
{
	moor_redis_special *h = head_special(r);
	int is_err = type == MOOR_RESP_ERROR || type == MOOR_RESP_BLOB_ERROR;

	if (h != NULL) {
		if (!is_err) {
			if (h->kind == MOOR_REDIS_K_RESET) {
				r->n_chan = r->n_pat = r->n_shard = 0;
				r->proto = 2;
			} else if (h->kind == MOOR_REDIS_K_HELLO2) {
				r->proto = 2;
			} else if (h->kind == MOOR_REDIS_K_HELLO3) {
				r->proto = 3;
			}
		}
		/* A subscribe-type command answered by a normal reply (an
		 * error) is answered too. */
		special_pop(r);
	}
	ack(r, ev);
}

/* Subscription counts before a confirmation of kind k, for "all". */
static uint32_t subs_of(const moor_redis *r, uint8_t k)
{
	switch (k) {
	case MOOR_REDIS_K_UNSUBSCRIBE:
		return r->n_chan;
	case MOOR_REDIS_K_PUNSUBSCRIBE:
		return r->n_pat;
	case MOOR_REDIS_K_SUNSUBSCRIBE:
		return r->n_shard;
	default:
		return 1;
	}
}

/* A whole push arrived: subscription bookkeeping, and the confirmation of
 * the oldest command if it is a subscribe-type one. */
static void push_complete(moor_redis *r, moor_redis_event *ev)
{
	uint8_t k = r->push_kind;
	moor_redis_special *h;
	uint32_t before;

	if (k == 0)
		return;
	before = subs_of(r, k);
	if (r->push_count >= 0 && r->push_count <= 0x7fffffff) {
		uint32_t count = (uint32_t)r->push_count;
		uint32_t total = r->n_chan + r->n_pat;

		switch (k) {
		case MOOR_REDIS_K_SUBSCRIBE:
			if (count > total)
				r->n_chan += count - total;
			break;
		case MOOR_REDIS_K_PSUBSCRIBE:
			if (count > total)
				r->n_pat += count - total;
			break;
		case MOOR_REDIS_K_UNSUBSCRIBE:
			if (!r->push_null && count < total)
				r->n_chan -= total - count < r->n_chan ? total - count : r->n_chan;
			break;
		case MOOR_REDIS_K_PUNSUBSCRIBE:
			if (!r->push_null && count < total)
				r->n_pat -= total - count < r->n_pat ? total - count : r->n_pat;
			break;
		default:   /* ssubscribe, sunsubscribe: the shard count itself */
			r->n_shard = count;
			break;
		}
	}
	h = head_special(r);
	if (h == NULL || h->kind != k)
		return;
	if (h->left == NO_COUNT)
		h->left = before > 0 ? before : 1;
	h->left--;
	if (h->left == 0) {
		special_pop(r);
		ack(r, ev);
	} else {
		r->partial = 1;
	}
}

/* Follow the elements of a push (depth 1) for the kind, the channel and
 * the count of a subscription confirmation. */
static void push_track(moor_redis *r, const moor_resp_event *e)
{
	int complete = 0;

	if (e->depth != 1)
		return;
	if (e->kind == MOOR_RESP_EV_VALUE)
		complete = 1;
	else if (e->kind == MOOR_RESP_EV_END && e->type != MOOR_RESP_ATTRIBUTE)
		complete = 1;
	else if (e->kind == MOOR_RESP_EV_CHUNK && (e->flags & MOOR_RESP_F_LAST))
		complete = 1;
	if (!complete)
		return;
	if (e->kind == MOOR_RESP_EV_VALUE) {
		if (r->push_idx == 0 && (e->type == MOOR_RESP_BULK ||
		    e->type == MOOR_RESP_SIMPLE)) {
			moor_redis_special *h = head_special(r);

			r->push_kind = push_kind_of(e->ptr, e->len);
			/* a confirmation of the oldest command: it did run */
			if (h != NULL && r->push_kind != 0 && h->kind == r->push_kind)
				r->partial = 1;
		}
		else if (r->push_idx == 1 && e->type == MOOR_RESP_NULL)
			r->push_null = 1;
		else if (r->push_idx == 2 && e->type == MOOR_RESP_INTEGER)
			r->push_count = e->num;
	}
	r->push_idx++;
}

/* Classify one decoded event. Returns 1 to hand it to the caller, 2 if it
 * went to the push callback, < 0 on a protocol failure. */
static int classify(moor_redis *r, moor_redis_event *ev)
{
	const moor_resp_event *e = &ev->resp;
	int done_type;

	ev->push = 0;
	ev->done = 0;
	ev->acked = 0;
	ev->pad = 0;
	if (e->depth == 0 && e->kind == MOOR_RESP_EV_BEGIN &&
	    e->type == MOOR_RESP_PUSH) {
		r->in_msg = MSG_PUSH;                 /* also after an attribute */
		r->push_idx = 0;
		r->push_kind = 0;
		r->push_null = 0;
		r->push_count = -1;
	} else if (r->in_msg == MSG_IDLE) {
		if (r->proto == 2 && e->depth == 0 &&
		    e->kind == MOOR_RESP_EV_BEGIN && e->type == MOOR_RESP_ARRAY &&
		    (e->num == 3 || e->num == 4) && resp2_subscribed(r)) {
			r->in_msg = MSG_PUSH;
			r->push_idx = 0;
			r->push_kind = 0;
			r->push_null = 0;
			r->push_count = -1;
		} else {
			if (r->seq_acked == r->seq_started)
				return fail(r, MOOR_ERR_REDIS_UNEXPECTED);
			r->in_msg = MSG_REPLY;
		}
	}
	ev->seq = r->seq_acked;
	done_type = moor_resp_reply_done(&r->dec);
	if (r->in_msg == MSG_PUSH) {
		ev->push = 1;
		push_track(r, e);
		if (done_type != 0) {
			ev->done = 1;
			r->in_msg = MSG_IDLE;
			push_complete(r, ev);
		}
		if (r->cfg->on_push != NULL) {
			r->cfg->on_push(r->cfg->push_ctx, ev);
			/* the end of a confirmation that answers a command is
			 * returned too, so the caller sees the command answered */
			return ev->acked ? 1 : 2;
		}
		return 1;
	}
	r->partial = 1;
	if (done_type != 0) {
		ev->done = 1;
		r->in_msg = MSG_IDLE;
		reply_complete(r, ev, done_type);
	}
	return 1;
}

int moor_redis_next(moor_redis *r, moor_redis_event *ev)
{
	int st, pushed = 0, received = 0;

	if (r == NULL || ev == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (r->err == 0 && r->t == NULL)
		return MOOR_ERR_NOT_CONNECTED;
	for (;;) {
		size_t used = 0;
		int n;

		if (r->in_msg == MSG_IDLE && r->rx_off < r->rx_fill &&
		    moor_resp_decoder_idle(&r->dec))
			r->next_type = r->rx[r->rx_off];
		st = moor_resp_next(&r->dec, r->rx + r->rx_off,
			r->rx_fill - r->rx_off, &used, &ev->resp);
		if (st < 0)
			return fail(r, st);
		r->rx_off += used;
		if (st == 1) {
			st = classify(r, ev);
			if (st == 1 || st < 0)
				return st;
			continue;       /* a push went to the callback */
		}
		if (r->err != 0)
			return r->err;   /* what had arrived is delivered; now the error */
		/* need more: push pending output first (what was received is
		 * all decoded, so a failure now loses no complete reply),
		 * compact, then read what the transport has */
		if (!pushed && (r->tx_len > 0 || r->out_pending)) {
			pushed = 1;
			st = tx_push(r);
			if (st < 0)
				return st;
		}
		if (r->rx_off > 0) {
			memmove(r->rx, r->rx + r->rx_off, r->rx_fill - r->rx_off);
			r->rx_fill -= r->rx_off;
			r->rx_off = 0;
		}
		if (r->rx_fill >= r->rxcap)
			return fail(r, MOOR_ERR_INTERNAL);
		/* One read per call: a non-blocking call does a bounded amount
		 * of work even while pushes keep coming (the caller waits, which
		 * returns at once if more is readable, and calls again). */
		if (received)
			return 0;
		received = 1;
		n = moor_transport_recv(r->t, r->rx + r->rx_fill,
			r->rxcap - r->rx_fill);
		if (n == 0)
			return 0;
		if (n < 0)
			return fail(r, n);
		if ((size_t)n > r->rxcap - r->rx_fill)
			return fail(r, MOOR_ERR_INTERNAL);
		r->rx_fill += (size_t)n;
	}
}

int moor_redis_wait(moor_redis *r, uint32_t timeout_ms)
{
	unsigned events = MOOR_IO_READ;
	int st;

	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	st = usable(r);
	if (st != MOOR_OK)
		return st;
	if (r->tx_len > 0 || r->out_pending)
		events |= MOOR_IO_WRITE;
	st = moor_transport_wait(r->t, events, timeout_ms);
	if (st < 0)
		return fail(r, st);
	return st;
}

static int poll_until(moor_redis *r, moor_redis_event *ev, uint32_t deadline)
{
	int st;

	for (;;) {
		uint32_t left;

		st = moor_redis_next(r, ev);
		if (st != 0)
			return st;
		left = moor_ms_left(r->plat, deadline);
		if (left == 0)
			return MOOR_ERR_TIMEOUT;
		st = moor_redis_wait(r, left);
		if (st < 0)
			return st;
	}
}

int moor_redis_poll(moor_redis *r, moor_redis_event *ev, uint32_t timeout_ms)
{
	if (r == NULL || ev == NULL)
		return MOOR_ERR_INVALID_ARG;
	return poll_until(r, ev, now_ms(r) + io_timeout(r, timeout_ms));
}

/*
 * The next event of a reply being read, by `deadline`. The deadline is
 * checked between events too: a server that keeps sending (a streamed
 * string, pushes, other replies) must not hold a reply past it. A timeout
 * closes the connection.
 */
static int reply_event(moor_redis *r, moor_redis_event *ev, uint32_t deadline)
{
	int st;

	if (moor_ms_left(r->plat, deadline) == 0)
		return fail(r, MOOR_ERR_TIMEOUT);
	st = poll_until(r, ev, deadline);
	return st == MOOR_ERR_TIMEOUT ? fail(r, st) : st;
}

/* Read the reply of command `seq` into a summary. An error reply gives
 * MOOR_ERR_REDIS_ERROR / MOVED / ASK. A timeout closes the connection. */
static int read_reply(moor_redis *r, uint32_t seq, moor_redis_reply *rep,
	uint32_t deadline)
{
	moor_redis_event ev;
	int st;

	for (;;) {
		const moor_resp_event *e = &ev.resp;

		st = reply_event(r, &ev, deadline);
		if (st < 0)
			return st;
		if (ev.push && ev.acked && ev.seq == seq) {
			if (rep != NULL && rep->type == 0)
				rep->type = MOOR_RESP_PUSH;   /* answered by confirmations */
			break;
		}
		if (ev.push || ev.seq != seq)
			continue;
		if (e->depth == 0 && rep != NULL) {
			if (e->kind == MOOR_RESP_EV_VALUE) {
				rep->type = e->type;
				rep->ptr = e->ptr;
				rep->len = e->len;
				rep->num = e->num;
				rep->total = e->len;
			} else if (e->kind == MOOR_RESP_EV_BEGIN &&
			           e->type != MOOR_RESP_ATTRIBUTE) {
				rep->type = e->type;
				rep->num = e->num;
			} else if (e->kind == MOOR_RESP_EV_CHUNK) {
				size_t room, k;

				if (e->flags & MOOR_RESP_F_FIRST) {
					rep->type = e->type;
					rep->len = 0;
					rep->total = 0;
					rep->ptr = rep->out;
					rep->truncated = rep->out == NULL;
				}
				rep->total += e->len;
				room = rep->out != NULL ? rep->out_cap - rep->len : 0;
				k = e->len < room ? e->len : room;
				if (k > 0)
					memcpy(rep->out + rep->len, e->ptr, k);
				rep->len += k;
				if (k < e->len)
					rep->truncated = 1;
			}
		}
		if (ev.acked)
			break;
	}
	if (rep != NULL && (rep->type == MOOR_RESP_ERROR ||
	    rep->type == MOOR_RESP_BLOB_ERROR)) {
		st = MOOR_ERR_REDIS_ERROR;
		if (rep->ptr != NULL) {
			st = moor_redis_parse_redirect(rep->ptr, rep->len, &rep->redirect);
			if (st == MOOR_OK || st == MOOR_ERR_REDIS_PROTOCOL)
				st = MOOR_ERR_REDIS_ERROR;
		}
		return st;
	}
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* The handshake */

static int hs_command(moor_redis *r, size_t argc, const char *const *argv,
	moor_redis_reply *rep, uint32_t deadline)
{
	uint32_t seq = 0;
	int st;

	memset(rep, 0, sizeof *rep);
	st = send_until(r, argc, argv, NULL, &seq, deadline);
	if (st != MOOR_OK)
		return st;
	return read_reply(r, seq, rep, deadline);
}

static int is_auth_error(const moor_redis_reply *rep)
{
	return starts_with(rep->ptr, rep->len, "WRONGPASS") ||
	       starts_with(rep->ptr, rep->len, "NOAUTH") ||
	       starts_with(rep->ptr, rep->len, "NOPERM") ||
	       starts_with(rep->ptr, rep->len, "ERR AUTH") ||
	       starts_with(rep->ptr, rep->len, "ERR invalid password") ||
	       starts_with(rep->ptr, rep->len, "ERR Client sent AUTH");
}

static int handshake(moor_redis *r, uint32_t deadline)
{
	const moor_redis_config *c = r->cfg;
	const char *user = c->user != NULL && c->user[0] != '\0' ? c->user : NULL;
	const char *argv[8];
	moor_redis_reply rep;
	size_t argc;
	int st, legacy = c->resp == 2;

	if (!legacy) {
		argc = 0;
		argv[argc++] = "HELLO";
		argv[argc++] = "3";
		if (c->password != NULL) {
			argv[argc++] = "AUTH";
			argv[argc++] = user != NULL ? user : "default";
			argv[argc++] = c->password;
		}
		if (c->client_name != NULL) {
			argv[argc++] = "SETNAME";
			argv[argc++] = c->client_name;
		}
		st = hs_command(r, argc, argv, &rep, deadline);
		if (st == MOOR_ERR_REDIS_ERROR) {
			if (starts_with(rep.ptr, rep.len, "NOPROTO") ||
			    starts_with(rep.ptr, rep.len, "ERR unknown command")) {
				if (c->resp == 3)
					return MOOR_ERR_REDIS_NOHELLO;
				legacy = 1;
			} else {
				return is_auth_error(&rep) ? MOOR_ERR_REDIS_AUTH
					: MOOR_ERR_REDIS_HANDSHAKE;
			}
		} else if (st != MOOR_OK) {
			return st;
		} else if (rep.type != MOOR_RESP_MAP || r->proto != 3) {
			return MOOR_ERR_REDIS_HANDSHAKE;
		}
	}
	if (legacy) {
		uint32_t seq_auth = 0, seq_name = 0;
		int have_auth = 0, have_name = 0;

		r->proto = 2;
		/* pipelined: AUTH, CLIENT SETNAME */
		if (c->password != NULL) {
			argc = 0;
			argv[argc++] = "AUTH";
			if (user != NULL)
				argv[argc++] = user;
			argv[argc++] = c->password;
			st = send_until(r, argc, argv, NULL, &seq_auth, deadline);
			if (st != MOOR_OK)
				return st;
			have_auth = 1;
		}
		if (c->client_name != NULL) {
			argv[0] = "CLIENT";
			argv[1] = "SETNAME";
			argv[2] = c->client_name;
			st = send_until(r, 3, argv, NULL, &seq_name, deadline);
			if (st != MOOR_OK)
				return st;
			have_name = 1;
		}
		if (have_auth) {
			memset(&rep, 0, sizeof rep);
			st = read_reply(r, seq_auth, &rep, deadline);
			if (st == MOOR_ERR_REDIS_ERROR)
				return MOOR_ERR_REDIS_AUTH;
			if (st != MOOR_OK)
				return st;
		}
		if (have_name) {
			memset(&rep, 0, sizeof rep);
			st = read_reply(r, seq_name, &rep, deadline);
			if (st == MOOR_ERR_REDIS_ERROR)
				return MOOR_ERR_REDIS_HANDSHAKE;
			if (st != MOOR_OK)
				return st;
		}
	}
	if (c->db > 0) {
		char num[24];

		(void)utoa10(c->db, num);
		argv[0] = "SELECT";
		argv[1] = num;
		st = hs_command(r, 2, argv, &rep, deadline);
		if (st == MOOR_ERR_REDIS_ERROR)
			return MOOR_ERR_REDIS_SELECT;
		if (st != MOOR_OK)
			return st;
	}
	return MOOR_OK;
}

/* ------------------------------------------------------------------ */
/* Connecting */

static void note_failure(moor_redis *r)
{
	uint32_t lo = timeout_or(r->cfg->backoff_min_ms, DEFAULT_BACKOFF_MIN);
	uint32_t hi = timeout_or(r->cfg->backoff_max_ms, DEFAULT_BACKOFF_MAX);
	uint32_t d = lo, k;

	if (hi < lo)
		hi = lo;
	r->attempts++;
	for (k = 1; k < r->attempts && d < hi; k++)
		d = d > hi / 2 ? hi : d * 2;
	if (d > hi)
		d = hi;
	if (d >= 2 && r->plat->entropy != NULL) {
		uint8_t rnd[4];

		if (r->plat->entropy(r->plat->ctx, rnd, sizeof rnd) == MOOR_OK) {
			uint32_t v = ((uint32_t)rnd[0] << 24) | ((uint32_t)rnd[1] << 16) |
				((uint32_t)rnd[2] << 8) | rnd[3];

			d -= v % (d / 2 + 1);
		}
	}
	r->retry_at = now_ms(r) + d;
}

int moor_redis_connect(moor_redis *r, uint32_t timeout_ms)
{
	const moor_redis_config *c;
	moor_transport *t = NULL;
	uint32_t deadline;
	int st;

	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	c = r->cfg;
	timeout_ms = timeout_ms != 0 ? timeout_ms
		: timeout_or(c->connect_timeout_ms, DEFAULT_CONNECT_TIMEOUT);
	drop_transport(r, 1);
	reset_conn(r);
	deadline = now_ms(r) + timeout_ms;
	st = c->connect(c->conn_ctx, r->node_host[0] != '\0' ? r->node_host : NULL,
		r->node_port, &t, timeout_ms);
	if (st == MOOR_OK && t == NULL)
		st = MOOR_ERR_INTERNAL;
	if (st != MOOR_OK) {
		r->err = st;
		note_failure(r);
		return st;
	}
	r->t = t;
	st = handshake(r, deadline);
	wipe(r->tx, r->txcap);          /* it held the password */
	if (st != MOOR_OK) {
		st = fail(r, st);
		note_failure(r);
		return st;
	}
	r->attempts = 0;
	return MOOR_OK;
}

uint32_t moor_redis_retry_in(const moor_redis *r)
{
	if (r == NULL || r->attempts == 0)
		return 0;
	return moor_ms_left(r->plat, r->retry_at);
}

int moor_redis_reconnect(moor_redis *r, uint32_t timeout_ms)
{
	const moor_redis_config *c;
	uint32_t deadline, conn_to;
	int st = MOOR_ERR_TIMEOUT, tried = 0;

	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (r->t != NULL && r->err == 0)
		return MOOR_OK;           /* connected: nothing to do */
	c = r->cfg;
	conn_to = timeout_or(c->connect_timeout_ms, DEFAULT_CONNECT_TIMEOUT);
	deadline = now_ms(r) + timeout_ms;
	for (;;) {
		uint32_t wait_ms = moor_redis_retry_in(r), left;

		if (wait_ms > 0) {
			if (c->sleep == NULL)
				return tried ? st : MOOR_ERR_REDIS_BACKOFF;
			left = moor_ms_left(r->plat, deadline);
			if (wait_ms >= left)
				return tried ? st : MOOR_ERR_TIMEOUT;
			c->sleep(c->sleep_ctx, wait_ms);
		}
		left = moor_ms_left(r->plat, deadline);
		if (left == 0)
			return tried ? st : MOOR_ERR_TIMEOUT;
		st = moor_redis_connect(r, left < conn_to ? left : conn_to);
		tried = 1;
		if (st == MOOR_OK || c->sleep == NULL)
			return st;
	}
}

void moor_redis_close(moor_redis *r)
{
	if (r == NULL)
		return;
	drop_transport(r, 1);
	r->err = 0;
	r->streaming = 0;
	r->node_host[0] = '\0';   /* the next connect: the configured server */
	r->node_port = 0;
}

/* ------------------------------------------------------------------ */
/* Cluster */

uint16_t moor_redis_key_slot(const uint8_t *key, size_t len)
{
	size_t i, open = len, close = len;
	uint16_t crc = 0;
	int b;

	for (i = 0; i < len; i++) {
		if (key[i] == '{') {
			open = i;
			break;
		}
	}
	for (i = open + 1; open < len && i < len; i++) {
		if (key[i] == '}') {
			close = i;
			break;
		}
	}
	if (open < len && close < len && close > open + 1) {
		key += open + 1;
		len = close - open - 1;
	}
	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)((uint16_t)key[i] << 8);
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000u) ? (uint16_t)(((unsigned)crc << 1) ^ 0x1021u)
				: (uint16_t)((unsigned)crc << 1);
	}
	return (uint16_t)(crc & 16383u);
}

static int parse_uint(const uint8_t *p, size_t len, unsigned long max,
	unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(p[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

int moor_redis_parse_redirect(const uint8_t *p, size_t len, moor_redis_redirect *rd)
{
	unsigned long slot, port;
	size_t i, sp, colon;
	int kind;

	if (p == NULL || rd == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (starts_with(p, len, "MOVED ")) {
		kind = MOOR_ERR_REDIS_MOVED;
		i = 6;
	} else if (starts_with(p, len, "ASK ")) {
		kind = MOOR_ERR_REDIS_ASK;
		i = 4;
	} else {
		return MOOR_OK;
	}
	for (sp = i; sp < len && p[sp] != ' '; sp++)
		;
	if (sp >= len || parse_uint(p + i, sp - i, 16383, &slot) != 0)
		return MOOR_ERR_REDIS_PROTOCOL;
	colon = len;
	for (i = sp + 1; i < len; i++) {
		if (p[i] == ':')
			colon = i;
		else if (p[i] == ' ')
			return MOOR_ERR_REDIS_PROTOCOL;
	}
	if (colon >= len || parse_uint(p + colon + 1, len - colon - 1, 65535, &port) != 0 ||
	    port == 0 || colon - (sp + 1) >= sizeof rd->host)
		return MOOR_ERR_REDIS_PROTOCOL;
	memset(rd, 0, sizeof *rd);
	rd->slot = (uint16_t)slot;
	rd->port = (uint16_t)port;
	rd->ask = kind == MOOR_ERR_REDIS_ASK;
	memcpy(rd->host, p + sp + 1, colon - (sp + 1));
	rd->host[colon - (sp + 1)] = '\0';
	/* "[::1]:6380" style: strip the brackets */
	if (rd->host[0] == '[' && colon - (sp + 1) >= 2 &&
	    rd->host[colon - (sp + 1) - 1] == ']') {
		size_t hl = colon - (sp + 1) - 2;

		memmove(rd->host, rd->host + 1, hl);
		rd->host[hl] = '\0';
	}
	return kind;
}

static moor_redis_slot *slot_find(const moor_redis *r, uint16_t slot)
{
	size_t i;

	for (i = 0; i < r->cfg->n_slots; i++) {
		moor_redis_slot *e = &r->cfg->slots[i];

		if (e->used && slot >= e->first && slot <= e->last)
			return e;
	}
	return NULL;
}

static void slot_learn(const moor_redis *r, uint16_t slot, const char *host,
	uint16_t port)
{
	moor_redis_slot *e = slot_find(r, slot);
	size_t i;

	if (e != NULL && e->port == port && strcmp(e->host, host) == 0)
		return;
	if (e != NULL && e->first == e->last) {
		e->port = port;
		memcpy(e->host, host, strlen(host) + 1);
		return;
	}
	if (e != NULL) {
		/* a learned range lost one slot: shrink it from the nearer end
		 * when possible; otherwise the whole range moves */
		if (slot == e->first) {
			e->first++;
		} else if (slot == e->last) {
			e->last--;
		} else {
			e->port = port;
			memcpy(e->host, host, strlen(host) + 1);
			return;
		}
	}
	/* grow a neighbour on the same node, or take a free entry, or
	 * replace one picked by the slot number */
	for (i = 0; i < r->cfg->n_slots; i++) {
		moor_redis_slot *n = &r->cfg->slots[i];

		if (n->used && n->port == port && strcmp(n->host, host) == 0) {
			if (n->last < 16383 && n->last + 1 == slot) {
				n->last = slot;
				return;
			}
			if (n->first > 0 && n->first - 1 == slot) {
				n->first = slot;
				return;
			}
		}
	}
	e = NULL;
	for (i = 0; i < r->cfg->n_slots && e == NULL; i++) {
		if (!r->cfg->slots[i].used)
			e = &r->cfg->slots[i];
	}
	if (e == NULL)
		e = &r->cfg->slots[slot % r->cfg->n_slots];
	e->used = 1;
	e->first = e->last = slot;
	e->port = port;
	memcpy(e->host, host, strlen(host) + 1);
}

/* Reconnect to host:port (host "" = the current host) unless connected
 * there already. */
static int switch_node(moor_redis *r, const char *host, uint16_t port,
	uint32_t deadline)
{
	uint32_t left;

	if (host[0] != '\0' && strcmp(host, r->node_host) == 0 &&
	    port == r->node_port && r->t != NULL && r->err == 0)
		return MOOR_OK;
	if (host[0] != '\0')
		memcpy(r->node_host, host, strlen(host) + 1);
	r->node_port = port;
	left = moor_ms_left(r->plat, deadline);
	if (left == 0)
		return MOOR_ERR_TIMEOUT;
	return moor_redis_connect(r, left);
}

/* Element `idx` of an aggregate is complete with this event at its depth. */
static int element_done(const moor_resp_event *e)
{
	return e->kind == MOOR_RESP_EV_VALUE ||
	       (e->kind == MOOR_RESP_EV_END && e->type != MOOR_RESP_ATTRIBUTE) ||
	       (e->kind == MOOR_RESP_EV_CHUNK && (e->flags & MOOR_RESP_F_LAST));
}

/*
 * Read the reply of CLUSTER SLOTS (command `seq`) into the slot table:
 *   *N  ranges, each  *M  start, end, master [host, port, id, ...],
 *                         replicas ...
 * Ranges beyond the table's size are dropped. Returns the number stored,
 * MOOR_ERR_REDIS_ERROR for an error reply, or a connection error.
 */
static int read_slots(moor_redis *r, uint32_t seq, uint32_t deadline)
{
	const moor_redis_config *c = r->cfg;
	moor_redis_event ev;
	moor_redis_slot cur;
	uint32_t idx2 = 0, idx3 = 0;
	size_t stored = 0, i;
	int st, in_master = 0, have_host = 0, is_err = 0, cleared = 0;

	memset(&cur, 0, sizeof cur);
	for (;;) {
		const moor_resp_event *e = &ev.resp;

		st = reply_event(r, &ev, deadline);
		if (st < 0)
			return st;
		if (ev.push || ev.seq != seq)
			continue;
		if (e->depth == 0) {
			if (e->type == MOOR_RESP_ERROR || e->type == MOOR_RESP_BLOB_ERROR)
				is_err = 1;
		} else if (e->depth == 1 && e->kind == MOOR_RESP_EV_BEGIN) {
			memset(&cur, 0, sizeof cur);
			idx2 = 0;
			in_master = 0;
			have_host = 0;
		} else if (e->depth == 1 && e->kind == MOOR_RESP_EV_END) {
			if (cur.used && cur.first <= cur.last) {
				if (!cleared) {
					for (i = 0; i < c->n_slots; i++)
						c->slots[i].used = 0;
					cleared = 1;
				}
				if (stored < c->n_slots)
					c->slots[stored++] = cur;
			}
		} else if (e->depth == 2) {
			if (e->kind == MOOR_RESP_EV_VALUE && e->type == MOOR_RESP_INTEGER &&
			    idx2 <= 1 && e->num >= 0 && e->num <= 16383) {
				if (idx2 == 0)
					cur.first = (uint16_t)e->num;
				else
					cur.last = (uint16_t)e->num;
			} else if (e->kind == MOOR_RESP_EV_BEGIN && idx2 == 2) {
				in_master = 1;
				idx3 = 0;
			}
			if (element_done(e)) {
				if (idx2 == 2)
					in_master = 0;
				idx2++;
			}
		} else if (e->depth == 3 && in_master) {
			if (e->kind == MOOR_RESP_EV_VALUE && idx3 == 0) {
				/* the preferred endpoint; "", "?" or null: unknown,
				 * use the current host */
				if ((e->type == MOOR_RESP_BULK || e->type == MOOR_RESP_SIMPLE) &&
				    e->len < sizeof cur.host && !(e->len == 1 && e->ptr[0] == '?')) {
					if (e->len > 0)
						memcpy(cur.host, e->ptr, e->len);
					cur.host[e->len] = '\0';
					have_host = 1;
				} else if (e->type == MOOR_RESP_NULL ||
				           (e->len == 1 && e->ptr[0] == '?')) {
					have_host = 1;
				}
			} else if (e->kind == MOOR_RESP_EV_VALUE && idx3 == 1 &&
			           e->type == MOOR_RESP_INTEGER && e->num > 0 && e->num <= 65535 &&
			           have_host) {
				cur.port = (uint16_t)e->num;
				cur.used = 1;
			}
			if (element_done(e))
				idx3++;
		}
		if (ev.acked)
			break;
	}
	return is_err ? MOOR_ERR_REDIS_ERROR : (int)stored;
}

int moor_redis_cluster_refresh(moor_redis *r, uint32_t timeout_ms)
{
	static const char *const argv[] = { "CLUSTER", "SLOTS" };
	uint32_t deadline, seq = 0;
	int st;

	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (r->cfg->slots == NULL || r->cfg->n_slots == 0)
		return MOOR_ERR_CONFIG;
	st = usable(r);
	if (st != MOOR_OK)
		return st;
	if (r->seq_next != r->seq_acked)
		return MOOR_ERR_STATE;
	deadline = now_ms(r) + io_timeout(r, timeout_ms);
	st = send_until(r, 2, argv, NULL, &seq, deadline);
	if (st != MOOR_OK)
		return st;
	return read_slots(r, seq, deadline);
}

int moor_redis_command(moor_redis *r, size_t argc, const char *const *argv,
	const size_t *argvlen, moor_redis_reply *reply, uint32_t timeout_ms)
{
	moor_redis_reply local;
	moor_redis_reply *rep = reply != NULL ? reply : &local;
	unsigned redirects = 0, max_redirects;
	uint32_t deadline, seq = 0;
	int st, asking = 0;

	if (r == NULL)
		return MOOR_ERR_INVALID_ARG;
	if (reply == NULL)
		memset(&local, 0, sizeof local);
	max_redirects = r->cfg->max_redirects != 0 ? r->cfg->max_redirects
		: DEFAULT_MAX_REDIRECTS;
	deadline = now_ms(r) + io_timeout(r, timeout_ms);
	st = usable(r);
	if (st != MOOR_OK)
		return st;
	if (r->seq_next != r->seq_acked)
		return MOOR_ERR_STATE;
	if (argc == 0 || argv == NULL)
		return MOOR_ERR_INVALID_ARG;

	for (;;) {
		uint8_t *out = rep->out;
		size_t out_cap = rep->out_cap;

		memset(rep, 0, sizeof *rep);
		rep->out = out;
		rep->out_cap = out_cap;
		/* route by the slot table */
		if (r->cfg->slots != NULL && r->cfg->n_slots > 0 && argc >= 2 && !asking) {
			size_t klen = argvlen != NULL ? argvlen[1] : strlen(argv[1]);
			moor_redis_slot *e = slot_find(r,
				moor_redis_key_slot((const uint8_t *)argv[1], klen));

			if (e != NULL) {
				st = switch_node(r, e->host, e->port, deadline);
				if (st != MOOR_OK)
					return st;
			}
		}
		if (asking) {
			static const char *const ask_argv[] = { "ASKING" };
			moor_redis_reply ask_rep;

			memset(&ask_rep, 0, sizeof ask_rep);
			st = send_until(r, 1, ask_argv, NULL, &seq, deadline);
			if (st == MOOR_OK)
				st = read_reply(r, seq, &ask_rep, deadline);
			if (st != MOOR_OK)
				return st;
		}
		st = send_until(r, argc, argv, argvlen, &seq, deadline);
		if (st != MOOR_OK)
			return st;
		st = read_reply(r, seq, rep, deadline);
		asking = 0;
		if ((st != MOOR_ERR_REDIS_MOVED && st != MOOR_ERR_REDIS_ASK) ||
		    r->cfg->slots == NULL || r->cfg->n_slots == 0 ||
		    redirects >= max_redirects)
			return st;
		redirects++;
		{
			/* the redirect lives in *rep, which the next round clears */
			moor_redis_redirect rd = rep->redirect;

			int moved = st == MOOR_ERR_REDIS_MOVED;

			if (rd.host[0] == '\0')
				memcpy(rd.host, r->node_host, sizeof rd.host);
			asking = !moved;
			st = switch_node(r, rd.host, rd.port, deadline);
			if (st != MOOR_OK)
				return st;
			if (moved) {
				/* the map changed: reload it from the new node;
				 * if it refuses CLUSTER SLOTS, learn this slot */
				uint32_t seq2 = 0;
				static const char *const slots_argv[] = { "CLUSTER", "SLOTS" };

				st = send_until(r, 2, slots_argv, NULL, &seq2, deadline);
				if (st == MOOR_OK)
					st = read_slots(r, seq2, deadline);
				if (st < 0 && st != MOOR_ERR_REDIS_ERROR)
					return st;
				if (rd.host[0] != '\0' && slot_find(r, rd.slot) == NULL)
					slot_learn(r, rd.slot, rd.host, rd.port);
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* State queries */

/* Whether bytes of the answer to the oldest unanswered command have
 * arrived: an event of it was decoded (r->partial), or it sits undecoded
 * in the receive buffer, type byte first. A push (or, under RESP2 while
 * subscribed, an array) may be Pub/Sub traffic instead: then nothing is
 * claimed. */
static int partial_now(const moor_redis *r)
{
	uint8_t t = 0;

	if (r->partial)
		return 1;
	if (r->in_msg != MSG_IDLE || r->seq_acked == r->seq_started)
		return 0;
	if (!moor_resp_decoder_idle(&r->dec))
		t = r->next_type;
	else if (r->rx_off < r->rx_fill)
		t = r->rx[r->rx_off];
	if (t == 0 || t == MOOR_RESP_PUSH || t == MOOR_RESP_ATTRIBUTE)
		return 0;
	if (r->proto == 2 && t == MOOR_RESP_ARRAY && resp2_subscribed(r))
		return 0;
	return 1;
}

void moor_redis_delivery_get(const moor_redis *r, moor_redis_delivery *d)
{
	if (r == NULL || d == NULL)
		return;
	d->acked = r->seq_acked;
	d->started = r->seq_started;
	d->next = r->seq_next;
	d->partial = (uint8_t)partial_now(r);
}

uint32_t moor_redis_pending(const moor_redis *r)
{
	return r != NULL ? r->seq_next - r->seq_acked : 0;
}

int moor_redis_protocol(const moor_redis *r)
{
	return r != NULL && r->t != NULL && r->err == 0 ? r->proto : 0;
}

int moor_redis_connected(const moor_redis *r)
{
	return r != NULL && r->t != NULL && r->err == 0;
}
