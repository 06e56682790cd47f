/*
 * QEMU mps2-an386 (Cortex-M4, 25 MHz): the board layer of the firmware.
 *
 *   console   CMSDK UART0 at 0x40004000 (QEMU's -nographic stdout)
 *   clock     SysTick at 1 kHz: milliseconds, and a wake-up for `wfi`
 *   cycles    CMSDK TIMER0 at 0x40000000, free running at 25 MHz; under
 *             `-icount shift=0` one tick is 40 instructions exactly
 *   entropy   the host's /dev/urandom through semihosting (the board's
 *             stand-in for a TRNG)
 *   time      the host's clock through semihosting SYS_TIME (the board's
 *             stand-in for an RTC)
 *   result    semihosting SYS_EXIT: QEMU exits 0 or 1
 *
 * Everything here is static; nothing is allocated.
 */
#ifndef MOOR_QEMU_BOARD_H
#define MOOR_QEMU_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "moor/platform.h"

#define BOARD_CORE_HZ        25000000u
#define BOARD_INSNS_PER_TICK 40u      /* 1 GHz of icount time / 25 MHz */

void board_init(void);

/* Console (UART0). */
void con_write(const char *s, size_t len);
void con_puts(const char *s);
void con_putu(unsigned long v);

/* Milliseconds since board_init (SysTick). */
uint32_t board_ms(void);

/* TIMER0: a 32-bit down counter at 25 MHz (wraps every 171 s). Readings
 * subtract as (before - after). */
uint32_t board_ticks(void);

/* Ticks spent asleep in board_idle() since reset. Work done between two
 * readings = elapsed ticks - idle ticks. */
uint32_t board_idle_ticks(void);
extern uint32_t board_idle_calls;   /* times board_idle() slept */

/* Sleep (`wfi`) until the next interrupt (SysTick: at most 1 ms) unless
 * `*pending` is already nonzero. Race-free: interrupts are masked while
 * the flag is checked. */
void board_idle(volatile const uint32_t *pending);

/* Hooks for moor's platform (moor_lwip_platform_config): wall time from
 * the host (semihosting SYS_TIME, the RTC stand-in), entropy from the
 * host's /dev/urandom (the TRNG stand-in), warnings and errors to the
 * console as "~ log: ..." lines. */
int board_rtc(void *ctx, int64_t *unix_seconds);
int board_entropy(void *ctx, uint8_t *buf, size_t len);
void board_log(void *ctx, moor_log_level level, const char *module,
	const char *msg, long value);

/* A 32-bit random number (seeded from the entropy source), for lwIP's
 * LWIP_RAND (port numbers, initial sequence numbers). */
uint32_t board_rand32(void);

/* Stack painting: board_stack_paint() fills the unused stack (below the
 * caller's frame) with a pattern; board_stack_peak() returns how many
 * bytes of the stack region were ever written since. */
void board_stack_paint(void);
size_t board_stack_peak(void);
size_t board_stack_size(void);

/* Print "fatal: unexpected exception N" and leave QEMU with status 1. */
void board_unexpected(uint32_t exception) __attribute__((noreturn));

/* Report and leave QEMU: exit status 0 if ok. */
void board_exit(int ok) __attribute__((noreturn));

/* Set by the LAN9118 interrupt (IRQ 13), cleared by the driver. */
extern volatile uint32_t board_eth_pending;

#endif
