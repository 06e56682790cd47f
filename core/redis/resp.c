/*
 * RESP2/RESP3 codec: the command encoder and the incremental, event-based
 * reply decoder. See moor/resp.h for the contract.
 *
 * The decoder is a loop over a small state machine. Lines (every type
 * byte's line, and the ";len" lines of streamed strings) are only parsed
 * once they are complete in the input, and the input's first `bufcap`
 * bytes are all the decoder ever waits for; string payloads are either
 * delivered whole (they fit in bufcap) or passed through in chunks.
 * Nesting lives in d->stack; nothing recurses.
 */
#include <string.h>

#include "moor/resp.h"
#include "moor/status.h"

enum {
	ST_ITEM = 0,      /* expecting the next value (or "." / an END to emit) */
	ST_STRING,        /* payload of a counted $ ! = string */
	ST_VERB_PREFIX,   /* the "xxx:" of a chunked verbatim string */
	ST_STREAM_HDR,    /* expecting ";len" of a streamed string */
	ST_STREAM_DATA,   /* bytes of a streamed-string part */
	ST_STREAM_CRLF    /* CR LF after a streamed-string part */
};

/* A step that changed state without producing an event: keep going. */
#define STEP_CONTINUE 2

/* ------------------------------------------------------------------ */
/* Number syntax. */

static int is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* ":" integer: optional '-', then one or more digits, in int64 range. */
static int parse_int64(const uint8_t *p, size_t n, int64_t *out)
{
	/* The largest magnitude is INT64_MAX, or INT64_MAX + 1 when negative:
	 * both are 922337203685477580 tens and a last digit of 7 or 8. Kept
	 * to constants so that no 64-bit division is needed on small cores. */
	const uint64_t tens = (uint64_t)INT64_MAX / 10;
	uint64_t v = 0;
	unsigned last = (unsigned)((uint64_t)INT64_MAX % 10);
	int neg = 0;
	size_t i = 0;

	if (n > 0 && p[0] == '-') {
		neg = 1;
		last++;
		i = 1;
	}
	if (i == n)
		return MOOR_ERR_RESP_BAD_INTEGER;
	for (; i < n; i++) {
		if (!is_digit(p[i]))
			return MOOR_ERR_RESP_BAD_INTEGER;
	}
	for (i = (size_t)neg; i < n; i++) {
		unsigned dg = (unsigned)(p[i] - '0');

		if (v > tens || (v == tens && dg > last))
			return MOOR_ERR_RESP_OVERFLOW;
		v = v * 10 + dg;
	}
	if (!neg)
		*out = (int64_t)v;
	else if (v == (uint64_t)INT64_MAX + 1)
		*out = INT64_MIN;
	else
		*out = -(int64_t)v;
	return MOOR_OK;
}

/* A length or count: digits only, at most `max`. */
static int parse_len(const uint8_t *p, size_t n, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return MOOR_ERR_RESP_BAD_LENGTH;
	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return MOOR_ERR_RESP_BAD_LENGTH;
	}
	for (i = 0; i < n; i++) {
		v = v * 10 + (uint64_t)(p[i] - '0');
		if (v > max)
			return MOOR_ERR_RESP_TOO_LARGE;  /* also stops before v can wrap */
	}
	*out = (uint32_t)v;
	return MOOR_OK;
}

/* Count digits from p[*i]; returns how many. */
static size_t skip_digits(const uint8_t *p, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && is_digit(p[*i]))
		(*i)++;
	return *i - start;
}

/*
 * "," double: [+|-] then "inf", "nan", or digits [. digits] [e|E [+|-]
 * digits]. A bare "." start, a trailing ".", an empty exponent and
 * anything else is refused.
 */
static int check_double(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (n > 0 && (p[0] == '+' || p[0] == '-'))
		i = 1;
	if (n - i == 3 && (memcmp(p + i, "inf", 3) == 0 || memcmp(p + i, "nan", 3) == 0))
		return MOOR_OK;
	if (skip_digits(p, n, &i) == 0)
		return MOOR_ERR_RESP_BAD_DOUBLE;
	if (i < n && p[i] == '.') {
		i++;
		if (skip_digits(p, n, &i) == 0)
			return MOOR_ERR_RESP_BAD_DOUBLE;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (skip_digits(p, n, &i) == 0)
			return MOOR_ERR_RESP_BAD_DOUBLE;
	}
	return i == n ? MOOR_OK : MOOR_ERR_RESP_BAD_DOUBLE;
}

/* "(" big number: optional '-', one or more digits. */
static int check_bignum(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (n > 0 && p[0] == '-')
		i = 1;
	if (skip_digits(p, n, &i) == 0 || i != n)
		return MOOR_ERR_RESP_BAD_INTEGER;
	return MOOR_OK;
}

static int is_two(const uint8_t *p, size_t n, uint8_t a, uint8_t b)
{
	return n == 2 && p[0] == a && p[1] == b;
}

/* ------------------------------------------------------------------ */
/* Decoder. */

int moor_resp_decoder_init(moor_resp_decoder *d, size_t bufcap)
{
	if (d == NULL || bufcap < MOOR_RESP_MIN_BUFFER)
		return MOOR_ERR_INVALID_ARG;
	memset(d, 0, sizeof *d);
	d->bufcap = bufcap;
	d->state = ST_ITEM;
	return MOOR_OK;
}

int moor_resp_reply_done(const moor_resp_decoder *d)
{
	return d != NULL && d->done ? d->top : 0;
}

int moor_resp_decoder_idle(const moor_resp_decoder *d)
{
	return d != NULL && d->err == 0 && d->state == ST_ITEM && d->depth == 0
		&& !d->after_attr;
}

static int known_type(uint8_t c)
{
	switch (c) {
	case '+': case '-': case ':': case '$': case '*': case '_': case '#':
	case ',': case '(': case '!': case '=': case '%': case '~': case '|':
	case '>': case '.':
		return 1;
	default:
		return 0;
	}
}

/*
 * Find the CR LF that ends the line starting at p[0]. The line is
 * searched only within the first bufcap bytes; d->scanned remembers how
 * far the search got, so feeding a long line byte by byte stays linear.
 * Returns 1 and sets *end to the CR's index, 0 if more input is needed,
 * or an error.
 */
static int find_eol(moor_resp_decoder *d, const uint8_t *p, size_t avail, size_t *end)
{
	size_t lim = avail < d->bufcap ? avail : d->bufcap;
	size_t i = d->scanned > 0 ? d->scanned : 1;   /* p[0] is the type byte */

	for (; i < lim; i++) {
		if (p[i] == '\n')
			return MOOR_ERR_RESP_CRLF;            /* LF without CR */
		if (p[i] != '\r')
			continue;
		if (i + 1 < lim) {
			if (p[i + 1] != '\n')
				return MOOR_ERR_RESP_CRLF;        /* CR without LF */
			d->scanned = 0;
			*end = i;
			return 1;
		}
		break;                                    /* the LF is still to come */
	}
	if (lim == d->bufcap)
		return MOOR_ERR_RESP_LINE_TOO_LONG;
	d->scanned = i;
	return 0;
}

/* An item (not an attribute) starts at the current depth. */
static void start_item(moor_resp_decoder *d, uint8_t type)
{
	if (d->depth == 0)
		d->top = type;
	d->after_attr = 0;
}

/* An item (not an attribute) is complete: count it in its parent. */
static void finish_item(moor_resp_decoder *d, moor_resp_event *ev)
{
	moor_resp_frame *f;

	if (d->depth == 0) {
		d->done = 1;
		ev->flags |= MOOR_RESP_F_DONE;
		return;
	}
	f = &d->stack[d->depth - 1];
	if (f->streamed)
		f->odd ^= 1;
	else
		f->left--;
}

/* Pop the innermost aggregate and report its END. */
static int end_aggregate(moor_resp_decoder *d, moor_resp_event *ev)
{
	moor_resp_frame *f = &d->stack[--d->depth];

	ev->kind = MOOR_RESP_EV_END;
	ev->type = f->type;
	ev->depth = d->depth;
	ev->flags = f->streamed ? MOOR_RESP_F_STREAMED : 0;
	if (f->type == MOOR_RESP_ATTRIBUTE)
		d->after_attr = 1;     /* the value it describes comes next */
	else
		finish_item(d, ev);
	return 1;
}

static int scalar(moor_resp_decoder *d, moor_resp_event *ev, uint8_t type,
	const uint8_t *ptr, size_t len)
{
	start_item(d, type);
	ev->kind = MOOR_RESP_EV_VALUE;
	ev->type = type;
	ev->depth = d->depth;
	ev->ptr = len > 0 ? ptr : NULL;
	ev->len = len;
	finish_item(d, ev);
	return 1;
}

/* "$N" "!N" "=N": start reading the payload. */
static int start_string(moor_resp_decoder *d, uint8_t type, uint32_t n)
{
	if (type == MOOR_RESP_VERBATIM && n < 4)
		return MOOR_ERR_RESP_PROTOCOL;
	start_item(d, type);
	d->str_type = type;
	d->left = n;
	d->total = n;
	d->first = 1;
	d->whole = n <= d->bufcap - 2;
	d->fmt_got = 0;
	d->state = (type == MOOR_RESP_VERBATIM && !d->whole) ? ST_VERB_PREFIX : ST_STRING;
	return STEP_CONTINUE;
}

/* "*N" "%N" "~N" "|N" ">N", or "*?" "%?" "~?". */
static int begin_aggregate(moor_resp_decoder *d, moor_resp_event *ev, uint8_t type,
	const uint8_t *s, size_t n)
{
	moor_resp_frame *f;
	uint32_t count = 0;
	int streamed = 0, st;

	if (n == 1 && s[0] == '?') {
		if (type != MOOR_RESP_ARRAY && type != MOOR_RESP_MAP && type != MOOR_RESP_SET)
			return MOOR_ERR_RESP_PROTOCOL;
		streamed = 1;
	} else {
		st = parse_len(s, n, (uint32_t)MOOR_CONFIG_RESP_MAX_COUNT, &count);
		if (st != MOOR_OK)
			return st;
	}
	if (type == MOOR_RESP_PUSH && d->depth > 0)
		return MOOR_ERR_RESP_PROTOCOL;
	if (d->depth >= MOOR_CONFIG_RESP_MAX_DEPTH)
		return MOOR_ERR_RESP_DEPTH;
	if (type != MOOR_RESP_ATTRIBUTE)
		start_item(d, type);
	ev->kind = MOOR_RESP_EV_BEGIN;
	ev->type = type;
	ev->depth = d->depth;
	ev->flags = streamed ? MOOR_RESP_F_STREAMED : 0;
	ev->num = streamed ? -1 : (int64_t)count;
	f = &d->stack[d->depth++];
	f->type = type;
	f->streamed = (uint8_t)streamed;
	f->odd = 0;
	f->pad = 0;
	f->left = (type == MOOR_RESP_MAP || type == MOOR_RESP_ATTRIBUTE) ? 2 * count : count;
	return 1;
}

/* A complete line p[0..end) + CR LF in ST_ITEM. */
static int item_line(moor_resp_decoder *d, moor_resp_event *ev, const uint8_t *p, size_t end)
{
	const uint8_t *s = p + 1;
	size_t n = end - 1;
	uint8_t type = p[0];
	uint32_t len;
	int st;

	switch (type) {
	case MOOR_RESP_SIMPLE:
	case MOOR_RESP_ERROR:
		return scalar(d, ev, type, s, n);
	case MOOR_RESP_INTEGER:
		st = parse_int64(s, n, &ev->num);
		return st != MOOR_OK ? st : scalar(d, ev, type, s, n);
	case MOOR_RESP_DOUBLE:
		st = check_double(s, n);
		return st != MOOR_OK ? st : scalar(d, ev, type, s, n);
	case MOOR_RESP_BIGNUM:
		st = check_bignum(s, n);
		return st != MOOR_OK ? st : scalar(d, ev, type, s, n);
	case MOOR_RESP_BOOLEAN:
		if (n != 1 || (s[0] != 't' && s[0] != 'f'))
			return MOOR_ERR_RESP_PROTOCOL;
		ev->num = s[0] == 't';
		return scalar(d, ev, type, s, n);
	case MOOR_RESP_NULL:
		return n != 0 ? MOOR_ERR_RESP_PROTOCOL : scalar(d, ev, type, s, 0);
	case '.':
		if (n != 0 || d->depth == 0 || !d->stack[d->depth - 1].streamed
			|| d->after_attr
			|| (d->stack[d->depth - 1].type == MOOR_RESP_MAP && d->stack[d->depth - 1].odd))
			return MOOR_ERR_RESP_PROTOCOL;
		return end_aggregate(d, ev);
	case MOOR_RESP_BULK:
	case MOOR_RESP_BLOB_ERROR:
	case MOOR_RESP_VERBATIM:
		if (type == MOOR_RESP_BULK && n == 1 && s[0] == '?') {
			start_item(d, type);
			d->str_type = type;
			d->first = 1;
			d->state = ST_STREAM_HDR;
			return STEP_CONTINUE;
		}
		if (n == 1 && s[0] == '?')
			return MOOR_ERR_RESP_PROTOCOL;
		if (type == MOOR_RESP_BULK && is_two(s, n, '-', '1')) {
			ev->flags = MOOR_RESP_F_NULL_BULK;
			return scalar(d, ev, MOOR_RESP_NULL, s, 0);
		}
		st = parse_len(s, n, (uint32_t)MOOR_CONFIG_RESP_MAX_BULK, &len);
		return st != MOOR_OK ? st : start_string(d, type, len);
	default: /* '*' '%' '~' '|' '>': known_type() let nothing else in */
		if (type == MOOR_RESP_ARRAY && is_two(s, n, '-', '1')) {
			ev->flags = MOOR_RESP_F_NULL_ARRAY;
			return scalar(d, ev, MOOR_RESP_NULL, s, 0);
		}
		return begin_aggregate(d, ev, type, s, n);
	}
}

/* Fill a CHUNK event for the current string. */
static void chunk(moor_resp_decoder *d, moor_resp_event *ev, const uint8_t *p,
	size_t n, int last, int streamed)
{
	ev->kind = MOOR_RESP_EV_CHUNK;
	ev->type = d->str_type;
	ev->depth = d->depth;
	ev->ptr = n > 0 ? p : NULL;
	ev->len = n;
	ev->num = streamed ? -1 : d->total;
	ev->flags = (uint8_t)((d->first ? MOOR_RESP_F_FIRST : 0)
		| (last ? MOOR_RESP_F_LAST : 0)
		| (streamed ? MOOR_RESP_F_STREAMED : 0));
	if (d->str_type == MOOR_RESP_VERBATIM)
		memcpy(ev->format, d->fmt, sizeof ev->format);
	d->first = 0;
}

/* ST_STRING: the payload of a counted string and its CR LF. */
static int string_step(moor_resp_decoder *d, moor_resp_event *ev, const uint8_t *p,
	size_t avail, size_t *pos)
{
	size_t left = d->left, n;
	int crlf = avail >= 2 && avail - 2 >= left && p[left] == '\r' && p[left + 1] == '\n';

	if (crlf) {
		*pos += left + 2;
		d->state = ST_ITEM;
		if (d->whole) {
			if (d->str_type == MOOR_RESP_VERBATIM && p[3] != ':')
				return MOOR_ERR_RESP_PROTOCOL;
			ev->kind = MOOR_RESP_EV_VALUE;
			ev->type = d->str_type;
			ev->depth = d->depth;
			if (d->str_type == MOOR_RESP_VERBATIM) {
				memcpy(ev->format, p, 3);
				ev->format[3] = '\0';
				p += 4;
				left -= 4;
			}
			ev->ptr = left > 0 ? p : NULL;
			ev->len = left;
		} else {
			chunk(d, ev, p, left, 1, 0);
		}
		finish_item(d, ev);
		return 1;
	}
	if (!d->whole) {
		/* A chunk of what is there, holding back the last byte so that
		 * the final chunk comes with its CR LF and is never empty. The
		 * bytes before a bad CR LF are delivered before the error, so
		 * the events do not depend on how the input was split. */
		n = avail < left ? avail : left - 1;
		if (n > 0) {
			chunk(d, ev, p, n, 0, 0);
			d->left -= (uint32_t)n;
			*pos += n;
			return 1;
		}
	} else if (d->str_type == MOOR_RESP_VERBATIM && avail >= 4 && p[3] != ':') {
		return MOOR_ERR_RESP_PROTOCOL;   /* as soon as it is there */
	}
	/* The CR LF after the payload, as far as it is there. */
	if (avail > left && (p[left] != '\r' || (avail > left + 1 && p[left + 1] != '\n')))
		return MOOR_ERR_RESP_CRLF;
	return 0;
}

static int step(moor_resp_decoder *d, const uint8_t *data, size_t len,
	size_t *pos, moor_resp_event *ev)
{
	for (;;) {
		const uint8_t *p = data + *pos;
		size_t avail = len - *pos, end, n;
		uint32_t plen;
		int r;

		switch (d->state) {
		case ST_ITEM:
			if (d->depth > 0 && !d->stack[d->depth - 1].streamed
				&& d->stack[d->depth - 1].left == 0)
				return end_aggregate(d, ev);
			if (avail == 0)
				return 0;
			if (p[0] == ';')
				return MOOR_ERR_RESP_PROTOCOL;   /* a part outside $? */
			if (!known_type(p[0]))
				return MOOR_ERR_RESP_BAD_TYPE;
			r = find_eol(d, p, avail, &end);
			if (r <= 0)
				return r;
			r = item_line(d, ev, p, end);
			if (r < 0)
				return r;
			*pos += end + 2;
			if (r != STEP_CONTINUE)
				return r;
			break;

		case ST_STRING:
			return string_step(d, ev, p, avail, pos);

		case ST_VERB_PREFIX:
			while (d->fmt_got < 4 && avail > 0) {
				d->fmt[d->fmt_got++] = (char)*p++;
				avail--;
				(*pos)++;
			}
			if (d->fmt_got < 4)
				return 0;
			if (d->fmt[3] != ':')
				return MOOR_ERR_RESP_PROTOCOL;
			d->fmt[3] = '\0';
			d->left -= 4;
			d->total -= 4;
			d->state = ST_STRING;
			break;

		case ST_STREAM_HDR:
			if (avail == 0)
				return 0;
			if (p[0] != ';')
				return MOOR_ERR_RESP_PROTOCOL;
			r = find_eol(d, p, avail, &end);
			if (r <= 0)
				return r;
			r = parse_len(p + 1, end - 1, (uint32_t)MOOR_CONFIG_RESP_MAX_BULK, &plen);
			if (r != MOOR_OK)
				return r;
			*pos += end + 2;
			if (plen == 0) {
				d->state = ST_ITEM;
				chunk(d, ev, p, 0, 1, 1);
				finish_item(d, ev);
				return 1;
			}
			d->left = plen;
			d->state = ST_STREAM_DATA;
			break;

		case ST_STREAM_DATA:
			if (avail == 0)
				return 0;
			n = avail < d->left ? avail : d->left;
			chunk(d, ev, p, n, 0, 1);
			d->left -= (uint32_t)n;
			*pos += n;
			if (d->left == 0)
				d->state = ST_STREAM_CRLF;
			return 1;

		case ST_STREAM_CRLF:
			if (avail == 0)
				return 0;
			if (p[0] != '\r' || (avail > 1 && p[1] != '\n'))
				return MOOR_ERR_RESP_CRLF;
			if (avail < 2)
				return 0;
			*pos += 2;
			d->state = ST_STREAM_HDR;
			break;

		default:
			return MOOR_ERR_INTERNAL;
		}
	}
}

int moor_resp_next(moor_resp_decoder *d, const uint8_t *data, size_t len,
	size_t *consumed, moor_resp_event *ev)
{
	size_t pos = 0;
	int r;

	if (d == NULL || consumed == NULL || ev == NULL || (data == NULL && len > 0))
		return MOOR_ERR_INVALID_ARG;
	*consumed = 0;
	memset(ev, 0, sizeof *ev);
	d->done = 0;
	if (d->err != 0)
		return d->err;
	r = step(d, data, len, &pos, ev);
	if (r < 0) {
		d->err = r;
		memset(ev, 0, sizeof *ev);
		return r;
	}
	*consumed = pos;
	return r;
}

/* ------------------------------------------------------------------ */
/* Encoder. */

/* Numbers the encoder writes are at most MOOR_CONFIG_RESP_MAX_BULK or
 * MOOR_CONFIG_RESP_MAX_COUNT, checked before: 32 bits are enough. */
static size_t dec_digits(uint32_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Write `c`, the decimal `v` and CR LF at out; returns the bytes written. */
static size_t put_header(uint8_t *out, uint8_t c, uint32_t v)
{
	size_t n = dec_digits(v), i;

	out[0] = c;
	for (i = n; i > 0; i--) {
		out[i] = (uint8_t)('0' + v % 10);
		v /= 10;
	}
	out[n + 1] = '\r';
	out[n + 2] = '\n';
	return n + 3;
}

static size_t arg_len(const char *const *argv, const size_t *argvlen, size_t i)
{
	return argvlen != NULL ? argvlen[i] : strlen(argv[i]);
}

int moor_resp_command_size(size_t argc, const char *const *argv,
	const size_t *argvlen, size_t *size)
{
	size_t total, i, a, item;

	if (size == NULL || argv == NULL || argc == 0)
		return MOOR_ERR_INVALID_ARG;
	if (argc > MOOR_CONFIG_RESP_MAX_COUNT)
		return MOOR_ERR_RESP_TOO_LARGE;
	total = 3 + dec_digits((uint32_t)argc);
	for (i = 0; i < argc; i++) {
		if (argv[i] == NULL)
			return MOOR_ERR_INVALID_ARG;
		a = arg_len(argv, argvlen, i);
		if (a > MOOR_CONFIG_RESP_MAX_BULK)
			return MOOR_ERR_RESP_TOO_LARGE;
		item = 5 + dec_digits((uint32_t)a);   /* "$" len "\r\n" ... "\r\n" */
		if (a > (size_t)-1 - item || total > (size_t)-1 - item - a)
			return MOOR_ERR_RESP_TOO_LARGE;
		total += item + a;
	}
	*size = total;
	return MOOR_OK;
}

int moor_resp_write_command(size_t argc, const char *const *argv,
	const size_t *argvlen, uint8_t *out, size_t cap, size_t *len)
{
	size_t need, at, i, a;
	int st;

	if (len == NULL || (out == NULL && cap > 0))
		return MOOR_ERR_INVALID_ARG;
	st = moor_resp_command_size(argc, argv, argvlen, &need);
	if (st != MOOR_OK)
		return st;
	*len = need;
	if (need > cap)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	at = put_header(out, MOOR_RESP_ARRAY, (uint32_t)argc);
	for (i = 0; i < argc; i++) {
		a = arg_len(argv, argvlen, i);
		at += put_header(out + at, MOOR_RESP_BULK, (uint32_t)a);
		if (a > 0)
			memcpy(out + at, argv[i], a);
		at += a;
		out[at++] = '\r';
		out[at++] = '\n';
	}
	return at == need ? MOOR_OK : MOOR_ERR_INTERNAL;
}

static int write_header(uint8_t c, size_t v, size_t min, size_t max,
	uint8_t *out, size_t cap, size_t *len)
{
	size_t need;

	if (len == NULL || (out == NULL && cap > 0) || v < min)
		return MOOR_ERR_INVALID_ARG;
	if (v > max)
		return MOOR_ERR_RESP_TOO_LARGE;
	need = 3 + dec_digits((uint32_t)v);
	*len = need;
	if (need > cap)
		return MOOR_ERR_BUFFER_TOO_SMALL;
	put_header(out, c, (uint32_t)v);
	return MOOR_OK;
}

int moor_resp_write_array_header(size_t count, uint8_t *out, size_t cap, size_t *len)
{
	return write_header(MOOR_RESP_ARRAY, count, 1, MOOR_CONFIG_RESP_MAX_COUNT, out, cap, len);
}

int moor_resp_write_bulk_header(size_t size, uint8_t *out, size_t cap, size_t *len)
{
	return write_header(MOOR_RESP_BULK, size, 0, MOOR_CONFIG_RESP_MAX_BULK, out, cap, len);
}
