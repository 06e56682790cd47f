/*
 * Minimal Cortex-M startup for moor_size_ref: a vector table and a reset
 * handler that sets up .data and .bss and calls main(). No C library
 * start-up code (the ELF is linked with -nostartfiles), so nothing but
 * what main() reaches ends up in the image.
 */
#include <stdint.h>

int main(void);
void Reset_Handler(void);
void Default_Handler(void);

/* From the linker script. */
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[];

void Default_Handler(void)
{
	for (;;) {
	}
}

void Reset_Handler(void)
{
	uint32_t *src = __data_load__;
	uint32_t *dst = __data_start__;

	while (dst < __data_end__)
		*dst++ = *src++;
	for (dst = __bss_start__; dst < __bss_end__; dst++)
		*dst = 0;
	(void)main();
	for (;;) {
	}
}

typedef void (*vector_fn)(void);

/* Initial stack pointer, then the 15 core exception vectors. */
__attribute__((section(".isr_vector"), used))
static const vector_fn vector_table[16] = {
	(vector_fn)(uintptr_t)__stack_top__,
	Reset_Handler,
	Default_Handler, /* NMI */
	Default_Handler, /* HardFault */
	Default_Handler, /* MemManage */
	Default_Handler, /* BusFault */
	Default_Handler, /* UsageFault */
	0, 0, 0, 0,
	Default_Handler, /* SVCall */
	Default_Handler, /* DebugMon */
	0,
	Default_Handler, /* PendSV */
	Default_Handler  /* SysTick */
};
