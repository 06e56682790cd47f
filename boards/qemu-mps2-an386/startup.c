/*
 * Cortex-M4 start-up for QEMU's mps2-an386: the vector table (16 core
 * exceptions and the board's 32 external interrupts, of which the
 * firmware uses SysTick and IRQ 13, the LAN9118) and the reset handler:
 * FPU on, .data copied, .bss zeroed, then main(). No C library start-up
 * code (linked with -nostartfiles).
 *
 * Unlike boards/size/startup.c (a table of 16 entries for images that are
 * only measured, or replay without interrupts), this one dispatches
 * interrupts and reports faults.
 */
#include <stdint.h>

#include "board.h"

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);
void ETH_IRQHandler(void);

extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[];

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

/* An exception or interrupt nobody expects: say which, and stop QEMU. */
void Default_Handler(void)
{
	uint32_t ipsr;

	__asm__ volatile ("mrs %0, ipsr" : "=r"(ipsr));
	board_unexpected(ipsr & 0x1FFu);
}

void Reset_Handler(void)
{
	uint32_t *src = __data_load__;
	uint32_t *dst = __data_start__;

	/* CP10 and CP11 full access: the image is built for the FPU
	 * (-mfloat-abi=hard) even if no code of ours uses it. */
	SCB_CPACR |= 0xFu << 20;
	__asm__ volatile ("dsb\n\tisb" ::: "memory");
	while (dst < __data_end__)
		*dst++ = *src++;
	for (dst = __bss_start__; dst < __bss_end__; dst++)
		*dst = 0;
	(void)main();
	for (;;)
		__asm__ volatile ("wfi");
}

typedef void (*vector_fn)(void);

__attribute__((section(".isr_vector"), used))
static const vector_fn vector_table[16 + 32] = {
	(vector_fn)(uintptr_t)__stack_top__,
	Reset_Handler,
	Default_Handler,   /* NMI */
	HardFault_Handler,
	HardFault_Handler, /* MemManage */
	HardFault_Handler, /* BusFault */
	HardFault_Handler, /* UsageFault */
	0, 0, 0, 0,
	Default_Handler,   /* SVCall */
	Default_Handler,   /* DebugMon */
	0,
	Default_Handler,   /* PendSV */
	SysTick_Handler,
	/* external interrupts 0..31 */
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	ETH_IRQHandler  /* IRQ 13: LAN9118 */,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler,
	Default_Handler
};
