/*
 * Stand-ins for the reference firmwares of the size report: a transport
 * that moves no real bytes and platform hooks that read made-up registers.
 * They are never run; they exist so that the images link what a real
 * board would (a transport class, clock, wall time and entropy hooks) and
 * nothing more. A real board wires lwIP or its own driver here.
 */
#ifndef MOOR_REF_BOARD_H
#define MOOR_REF_BOARD_H

#include <stdint.h>

#include "moor/platform.h"
#include "moor/transport.h"

/* A free-running counter, a "TRNG" and a "UART" at made-up addresses. */
#define REF_TICK_REG   ((volatile uint32_t *)0x40001000u)
#define REF_TRNG_REG   ((volatile uint32_t *)0x40002000u)
#define REF_UART_REG   ((volatile uint32_t *)0x40003000u)

typedef struct ref_transport {
	moor_transport base;       /* must be first */
	volatile uint32_t *reg;    /* a pretend peripheral register */
} ref_transport;

/* Point `t` at the pretend UART. */
void ref_transport_init(ref_transport *t);

extern const moor_platform ref_platform;

#endif
