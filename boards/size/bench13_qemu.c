/*
 * bench13_qemu: TLS 1.3 handshakes measured on Cortex-M4, under QEMU.
 *
 *   qemu-system-arm -M mps2-an386 -nographic -icount shift=0 \
 *     -semihosting-config enable=on,target=native,arg=bench13,arg=REC \
 *     -kernel moor_bench13_qemu.elf
 *
 * REC is a recording made on the host by moor_bench_tls13only --record
 * (boards/size/replay.h): the handshakes of a client with this image's
 * configuration against a real server. This firmware runs the same
 * client code (moor built for Cortex-M4 as in the TLS 1.3-only size
 * image) with the recording as its transport, so it performs the same
 * handshakes, certificate chain validation and resumption included,
 * without a network; a byte of its own that differs from the recording
 * stops it.
 *
 * For each connection it prints, through semihosting:
 *
 *   conn=1 resumed=no insns=N stack=N post_insns=N post_stack=N
 *
 * insns: instructions executed inside moor_tls_handshake(), from the
 * SysTick timer read just before and after the call: it counts the 25 MHz
 * core clock of QEMU's virtual time, and with -icount shift=0 one
 * instruction is one nanosecond of it, so one tick is 40 instructions
 * (the figure is rounded to that).
 * stack: bytes of stack below main()'s frame written during the call (the
 * region is painted before). post_*: the same for the wait for the
 * server's NewSessionTicket that follows (moor_tls_poll()). Then it exits
 * QEMU with status 0, or 1 on any failure.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "moor/platform.h"
#include "moor/status.h"
#include "moor/tls.h"
#include "moor/transport.h"
#include "moor/x509.h"

#include "replay.h"

#if MOOR_CONFIG_TLS12
#error "bench13_qemu replays the TLS 1.3-only configuration"
#endif

/* ---- semihosting ------------------------------------------------------ */
#define SYS_OPEN        0x01
#define SYS_CLOSE       0x02
#define SYS_WRITE0      0x04
#define SYS_READ        0x06
#define SYS_FLEN        0x0C
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT        0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ADP_STOPPED_RUN_TIME_ERROR   0x20023

static uintptr_t semihost(uintptr_t op, const void *arg)
{
	register uintptr_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile ("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

static void put(const char *s)
{
	semihost(SYS_WRITE0, s);
}

static void put_u(unsigned long v)
{
	char b[24];
	int i = (int)sizeof b - 1;

	b[i] = '\0';
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	put(&b[i]);
}

static void finish(int ok)
{
	semihost(SYS_EXIT, (const void *)(uintptr_t)(ok ? ADP_STOPPED_APPLICATION_EXIT
		: ADP_STOPPED_RUN_TIME_ERROR));
	for (;;) {
	}
}

static void fail(const char *what, int st)
{
	put("error: ");
	put(what);
	if (st != 0) {
		put(": ");
		put(moor_status_name(st));
	}
	put("\n");
	finish(0);
}

/* ---- SysTick: 24 bits down at 25 MHz, free running ---------------------- */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define INSNS_PER_TICK 40u          /* 1 GHz of icount time / 25 MHz */

static void tick_start(void)
{
	SYST_RVR = 0x00FFFFFFu;
	SYST_CVR = 0;                   /* any write clears it */
	SYST_CSR = 5;                   /* enable, core clock, no interrupt */
}

static uint32_t tick_now(void)
{
	return SYST_CVR;
}

/* Instructions from two readings (the region must be shorter than one
 * wrap: 2^24 ticks, 671 M instructions). */
static unsigned long insns(uint32_t before, uint32_t after)
{
	return (unsigned long)((before - after) & 0x00FFFFFFu) * INSNS_PER_TICK;
}

/* ---- the recording ---------------------------------------------------- */
static uint8_t rec[256 * 1024];
static size_t rec_len;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void load(void)
{
	static char cmdline[256];
	uintptr_t a[3];
	uintptr_t h;
	long n;
	char *path;

	a[0] = (uintptr_t)cmdline;
	a[1] = sizeof cmdline - 1;
	if (semihost(SYS_GET_CMDLINE, a) != 0)
		fail("no command line (-semihosting-config ...,arg=bench13,arg=FILE)", 0);
	cmdline[sizeof cmdline - 1] = '\0';
	path = strrchr(cmdline, ' ');
	if (path == NULL)
		fail("no recording named on the command line", 0);
	path++;
	a[0] = (uintptr_t)path;
	a[1] = 1;                     /* "rb" */
	a[2] = strlen(path);
	h = semihost(SYS_OPEN, a);
	if ((intptr_t)h < 0)
		fail("cannot open the recording", 0);
	a[0] = h;
	n = (long)semihost(SYS_FLEN, a);
	if (n <= 0 || (size_t)n > sizeof rec)
		fail("recording empty or too large", 0);
	a[0] = h;
	a[1] = (uintptr_t)rec;
	a[2] = (uintptr_t)n;
	if (semihost(SYS_READ, a) != 0)
		fail("cannot read the recording", 0);
	a[0] = h;
	semihost(SYS_CLOSE, a);
	rec_len = (size_t)n;
	if (rec_len < MOOR_REPLAY_MAGIC_LEN
		|| memcmp(rec, MOOR_REPLAY_MAGIC, MOOR_REPLAY_MAGIC_LEN) != 0)
		fail("not a recording", 0);
}

/* The next record of `type` for connection `conn` at or after *pos, or
 * NULL; *pos moves past it. */
static const uint8_t *next_record(size_t *pos, int type, unsigned conn, size_t *len)
{
	while (*pos + MOOR_REPLAY_HDR <= rec_len) {
		const uint8_t *h = rec + *pos;
		size_t l = le32(h + 2);

		if (l > rec_len - *pos - MOOR_REPLAY_HDR)
			fail("truncated recording", 0);
		*pos += MOOR_REPLAY_HDR + l;
		if (h[0] == type && h[1] == conn) {
			*len = l;
			return h + MOOR_REPLAY_HDR;
		}
	}
	return NULL;
}

/* ---- the replaying transport ------------------------------------------ */
typedef struct replay {
	moor_transport base;        /* must be first */
	unsigned conn;
	size_t s_pos, c_pos;        /* file positions of the next records */
	const uint8_t *s, *c;       /* current record data, or NULL */
	size_t s_len, s_off, c_len, c_off;
	unsigned long c_total;      /* client bytes checked */
	int diverged;
} replay;

static int rp_fill_s(replay *r)
{
	while (r->s == NULL || r->s_off == r->s_len) {
		r->s = next_record(&r->s_pos, MOOR_REPLAY_S2C, r->conn, &r->s_len);
		r->s_off = 0;
		if (r->s == NULL)
			return 0;
	}
	return 1;
}

static int rp_send(moor_transport *t, const uint8_t *data, size_t len)
{
	replay *r = (replay *)t;
	size_t done = 0;

	while (done < len) {
		size_t k;

		if (r->c == NULL || r->c_off == r->c_len) {
			r->c = next_record(&r->c_pos, MOOR_REPLAY_C2S, r->conn, &r->c_len);
			r->c_off = 0;
			if (r->c == NULL) {
				r->diverged = 1;
				return MOOR_ERR_IO;     /* more than the client sent */
			}
			continue;
		}
		k = r->c_len - r->c_off;
		if (k > len - done)
			k = len - done;
		if (memcmp(r->c + r->c_off, data + done, k) != 0) {
			r->diverged = 1;
			return MOOR_ERR_IO;
		}
		r->c_off += k;
		done += k;
		r->c_total += k;
	}
	return (int)len;
}

static int rp_recv(moor_transport *t, uint8_t *buf, size_t len)
{
	replay *r = (replay *)t;
	size_t k;

	if (len == 0 || !rp_fill_s(r))
		return 0;
	k = r->s_len - r->s_off;
	if (k > len)
		k = len;
	memcpy(buf, r->s + r->s_off, k);
	r->s_off += k;
	return (int)k;
}

static int rp_flush(moor_transport *t)
{
	(void)t;
	return 0;
}

/* Writes never block; reads are ready while the recording has server
 * bytes left, and never again after that. */
static int rp_wait(moor_transport *t, unsigned events, uint32_t timeout_ms)
{
	replay *r = (replay *)t;
	unsigned ready = events & MOOR_IO_WRITE;

	(void)timeout_ms;
	if ((events & MOOR_IO_READ) && rp_fill_s(r))
		ready |= MOOR_IO_READ;
	return ready != 0 ? (int)ready : MOOR_ERR_TIMEOUT;
}

static void rp_close(moor_transport *t)
{
	(void)t;
}

static const moor_transport_class rp_class = {
	rp_send, rp_recv, rp_flush, rp_wait, rp_close
};

/* ---- the frozen platform (replay.h) ------------------------------------ */
static uint32_t entropy_counter;

static uint32_t rp_now_ms(void *ctx)
{
	(void)ctx;
	return MOOR_REPLAY_NOW_MS;
}

static int rp_wall_time(void *ctx, int64_t *unix_seconds)
{
	(void)ctx;
	*unix_seconds = MOOR_REPLAY_TIME;
	return MOOR_OK;
}

static int rp_entropy(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	moor_replay_entropy(&entropy_counter, buf, len);
	return MOOR_OK;
}

static const moor_platform rp_platform = {
	NULL, rp_now_ms, rp_wall_time, rp_entropy, NULL
};

/* ---- stack painting ------------------------------------------------------ */
#define PAINT 0xA5A5A5A5u
extern uint32_t __bss_end__[];

static uintptr_t sp_now(void)
{
	uintptr_t sp;

	__asm__ volatile ("mov %0, sp" : "=r"(sp));
	return sp;
}

/* Fill the free stack, from the end of .bss up to below this function's
 * own frame. */
static void __attribute__((noinline)) paint(void)
{
	volatile uint32_t *p = __bss_end__;
	uintptr_t limit = (sp_now() - 64) & ~(uintptr_t)3;

	while ((uintptr_t)p < limit)
		*p++ = PAINT;
}

/* Bytes used below `top` since paint(): from the deepest word written. */
static unsigned long used_below(uintptr_t top)
{
	const volatile uint32_t *p = __bss_end__;

	while (*p == PAINT)
		p++;
	return (unsigned long)(top - (uintptr_t)p);
}

/* ---- the client -------------------------------------------------------- */
#define MAX_ANCHORS 8

static uint8_t iobuf[MOOR_TLS_BUFSIZE(16384)];
static uint8_t scratch[MOOR_TLS_SCRATCH_SIZE];   /* the validator, during handshakes */
static moor_tls tls;
static moor_tls13_ticket ticket;
static replay rp;
static uint8_t anchor_work[16 * 1024];
static br_x509_trust_anchor anchor_slots[MAX_ANCHORS];
static moor_anchors anchors;
static char server_name[256];

int main(void);

int main(void)
{
	moor_tls_config cfg;
	const uint8_t *d;
	size_t pos = MOOR_REPLAY_MAGIC_LEN, len;
	unsigned long frag;
	unsigned conn;
	int st;

	load();
	tick_start();
	d = next_record(&pos, MOOR_REPLAY_ANCHORS, 0, &len);
	if (d == NULL)
		fail("no anchors in the recording", 0);
	st = moor_anchors_from_pem(&anchors, anchor_slots, NULL, MAX_ANCHORS,
		anchor_work, sizeof anchor_work, (const char *)d, len);
	if (st < 0)
		fail("anchors", st);
	pos = MOOR_REPLAY_MAGIC_LEN;
	d = next_record(&pos, MOOR_REPLAY_NAME, 0, &len);
	if (d == NULL || len >= sizeof server_name)
		fail("no server name in the recording", 0);
	memcpy(server_name, d, len);
	pos = MOOR_REPLAY_MAGIC_LEN;
	d = next_record(&pos, MOOR_REPLAY_FRAG, 0, &len);
	if (d == NULL || len != 4)
		fail("no record size in the recording", 0);
	frag = le32(d);
	if (MOOR_TLS_BUFSIZE(frag) > sizeof iobuf)
		fail("record size too large", 0);

	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = server_name;
	cfg.anchors = &anchors;
	cfg.version_min = MOOR_TLS_1_3;
	cfg.version_max = MOOR_TLS_1_3;
	cfg.ticket = &ticket;
	cfg.scratch = scratch;
	cfg.scratch_len = sizeof scratch;

	for (conn = 1; conn < 256; conn++) {
		const moor_tls_info *info;
		uint32_t t0, t1, t2, t3;
		unsigned long stack, post_stack;
		uintptr_t top;

		pos = MOOR_REPLAY_MAGIC_LEN;
		if (next_record(&pos, MOOR_REPLAY_C2S, conn, &len) == NULL)
			break;                       /* no more connections */
		memset(&rp, 0, sizeof rp);
		rp.base.vtable = &rp_class;
		rp.conn = conn;
		rp.s_pos = rp.c_pos = MOOR_REPLAY_MAGIC_LEN;

		st = moor_tls_init(&tls, &cfg, &rp_platform, iobuf, MOOR_TLS_BUFSIZE(frag));
		if (st != MOOR_OK)
			fail("init", st);
		paint();
		top = sp_now();
		t0 = tick_now();
		st = moor_tls_handshake(&tls, &rp.base, 10000);
		t1 = tick_now();
		stack = used_below(top);
		if (st != MOOR_OK)
			fail(rp.diverged ? "handshake: the client's bytes differ from the recording"
				: "handshake", st);
		info = moor_tls_get_info(&tls);

		/* The NewSessionTicket, unless it came with the handshake. */
		paint();
		top = sp_now();
		t2 = tick_now();
		st = 0;
		while (moor_tls_tickets(&tls, NULL) == 0) {
			st = moor_tls_poll(&tls, 1000);
			if (st != 0)
				break;
		}
		t3 = tick_now();
		post_stack = used_below(top);
		if (st < 0 && st != MOOR_ERR_TIMEOUT)
			fail("ticket", st);

		put("conn=");
		put_u(conn);
		put(info->resumed ? " resumed=yes" : " resumed=no");
		put(" insns=");
		put_u(insns(t0, t1));
		put(" stack=");
		put_u(stack);
		put(" post_insns=");
		put_u(insns(t2, t3));
		put(" post_stack=");
		put_u(post_stack);
		put(" tickets=");
		put_u(moor_tls_tickets(&tls, NULL));
		put(" client_bytes=");
		put_u(rp.c_total);
		put("\n");
		moor_tls_close(&tls, 1000);
	}
	if (conn == 1)
		fail("no connection in the recording", 0);
	finish(1);
	return 0;
}
