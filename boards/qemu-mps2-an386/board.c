/*
 * The mps2-an386 board layer (see board.h).
 */
#include "board.h"

#include <string.h>

#include "moor/status.h"
#include "semihost.h"

/* ---- registers --------------------------------------------------------- */
#define REG(a) (*(volatile uint32_t *)(a))

#define UART0_DATA     REG(0x40004000u)
#define UART0_STATE    REG(0x40004004u)
#define UART0_CTRL     REG(0x40004008u)
#define UART0_BAUDDIV  REG(0x40004010u)
#define UART_TX_FULL   1u
#define UART_TX_EN     1u

#define TIMER0_CTRL    REG(0x40000000u)
#define TIMER0_VALUE   REG(0x40000004u)
#define TIMER0_RELOAD  REG(0x40000008u)

#define SYST_CSR       REG(0xE000E010u)
#define SYST_RVR       REG(0xE000E014u)
#define SYST_CVR       REG(0xE000E018u)

volatile uint32_t board_eth_pending;
static volatile uint32_t ms_count;
static uint32_t idle_ticks;
uint32_t board_idle_calls;
static uint32_t rng_state[4];

/* ---- interrupts -------------------------------------------------------- */
void SysTick_Handler(void);

void SysTick_Handler(void)
{
	ms_count++;
}

/* ---- console ----------------------------------------------------------- */
void con_write(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		while (UART0_STATE & UART_TX_FULL) {
		}
		UART0_DATA = (uint8_t)s[i];
	}
}

void con_puts(const char *s)
{
	con_write(s, strlen(s));
}

void con_putu(unsigned long v)
{
	char b[24];
	size_t i = sizeof b;

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	con_write(&b[i], sizeof b - i);
}

/* ---- clocks ------------------------------------------------------------ */
uint32_t board_ms(void)
{
	return ms_count;
}

uint32_t board_ticks(void)
{
	return TIMER0_VALUE;
}

uint32_t board_idle_ticks(void)
{
	return idle_ticks;
}

void board_idle(volatile const uint32_t *pending)
{
	uint32_t t0, t1;

	__asm__ volatile ("cpsid i" ::: "memory");
	if (pending == NULL || *pending == 0) {
		t0 = TIMER0_VALUE;
		__asm__ volatile ("dsb\n\twfi" ::: "memory");
		t1 = TIMER0_VALUE;
		idle_ticks += t0 - t1;
		board_idle_calls++;
	}
	/* The interrupt that woke us runs here. */
	__asm__ volatile ("cpsie i" ::: "memory");
}

/* ---- platform hooks ---------------------------------------------------- */
int board_rtc(void *ctx, int64_t *unix_seconds)
{
	long t;

	(void)ctx;
	t = semihost_time();
	if (t <= 0)
		return MOOR_ERR_TIME_UNKNOWN;
	*unix_seconds = (int64_t)t;
	return MOOR_OK;
}

int board_entropy(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	if (semihost_read_file("/dev/urandom", buf, len) != 0)
		return MOOR_ERR_NO_ENTROPY;
	return MOOR_OK;
}

void board_log(void *ctx, moor_log_level level, const char *module,
	const char *msg, long value)
{
	(void)ctx;
	if (level > MOOR_LOG_WARN)
		return;
	con_puts(level == MOOR_LOG_ERROR ? "~ log: error: " : "~ log: warning: ");
	con_puts(module);
	con_puts(": ");
	con_puts(msg);
	if (value != 0) {
		con_puts(" ");
		if (value < 0) {
			con_puts("-");
			con_putu((unsigned long)-value);
		} else {
			con_putu((unsigned long)value);
		}
	}
	con_puts("\n");
}

/* xoshiro128** seeded from the entropy source: not for keys (moor draws
 * those from the platform hook), only for lwIP's port numbers and initial
 * sequence numbers. */
static uint32_t rotl(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

uint32_t board_rand32(void)
{
	uint32_t r = rotl(rng_state[1] * 5u, 7) * 9u;
	uint32_t t = rng_state[1] << 9;

	rng_state[2] ^= rng_state[0];
	rng_state[3] ^= rng_state[1];
	rng_state[1] ^= rng_state[2];
	rng_state[0] ^= rng_state[3];
	rng_state[2] ^= t;
	rng_state[3] = rotl(rng_state[3], 11);
	return r;
}

/* ---- stack painting ---------------------------------------------------- */
extern uint32_t __stack_bottom__[], __stack_top__[];
#define STACK_PAINT 0xC5C5C5C5u

void board_stack_paint(void)
{
	uint32_t *p = __stack_bottom__;
	uint32_t *sp;

	__asm__ volatile ("mov %0, sp" : "=r"(sp));
	sp -= 16;                       /* keep clear of our own frame */
	while (p < sp)
		*p++ = STACK_PAINT;
}

size_t board_stack_peak(void)
{
	const uint32_t *p = __stack_bottom__;

	while (p < __stack_top__ && *p == STACK_PAINT)
		p++;
	return (size_t)((const uint8_t *)__stack_top__ - (const uint8_t *)p);
}

size_t board_stack_size(void)
{
	return (size_t)((const uint8_t *)__stack_top__ - (const uint8_t *)__stack_bottom__);
}

/* ---- start and end ----------------------------------------------------- */
void board_init(void)
{
	UART0_BAUDDIV = BOARD_CORE_HZ / 115200u;
	UART0_CTRL = UART_TX_EN;

	TIMER0_CTRL = 0;
	TIMER0_RELOAD = 0xFFFFFFFFu;
	TIMER0_VALUE = 0xFFFFFFFFu;
	TIMER0_CTRL = 1;                /* enable, no interrupt */

	SYST_RVR = BOARD_CORE_HZ / 1000u - 1u;
	SYST_CVR = 0;
	SYST_CSR = 7;                   /* enable, interrupt, core clock */

	if (board_entropy(NULL, (uint8_t *)rng_state, sizeof rng_state) != MOOR_OK) {
		con_puts("fatal: no entropy from the host (run QEMU with -semihosting)\n");
		board_exit(0);
	}
	rng_state[0] |= 1u;             /* never all zero */
}

void board_exit(int ok)
{
	semihost_exit(ok);
}

/* ---- faults ------------------------------------------------------------ */
void HardFault_Handler(void);
void Fault_Report(const uint32_t *frame);

static void con_puthex(uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	char b[10];
	int i;

	b[0] = '0';
	b[1] = 'x';
	for (i = 0; i < 8; i++)
		b[2 + i] = digits[(v >> (28 - 4 * i)) & 0xFu];
	con_write(b, sizeof b);
}

/* The stacked frame of the fault: r0-r3, r12, lr, pc, xpsr. */
void Fault_Report(const uint32_t *frame)
{
	con_puts("fatal: fault, pc=");
	con_puthex(frame[6]);
	con_puts(" lr=");
	con_puthex(frame[5]);
	con_puts(" cfsr=");
	con_puthex(REG(0xE000ED28u));
	con_puts(" hfsr=");
	con_puthex(REG(0xE000ED2Cu));
	con_puts(" bfar=");
	con_puthex(REG(0xE000ED38u));
	con_puts("\n");
	semihost_exit(0);
}

void board_unexpected(uint32_t exception)
{
	con_puts("fatal: unexpected exception ");
	con_putu(exception);
	con_puts("\n");
	semihost_exit(0);
}

__attribute__((naked)) void HardFault_Handler(void)
{
	__asm__ volatile (
		"tst lr, #4\n\t"
		"ite eq\n\t"
		"mrseq r0, msp\n\t"
		"mrsne r0, psp\n\t"
		"b Fault_Report\n\t");
}
