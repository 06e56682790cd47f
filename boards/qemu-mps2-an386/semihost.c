/*
 * ARM semihosting (see semihost.h). Operation numbers and argument blocks
 * from ARM's "Semihosting for AArch32 and AArch64" specification.
 */
#include "semihost.h"

#include <string.h>

#define SYS_OPEN        0x01
#define SYS_CLOSE       0x02
#define SYS_WRITE0      0x04
#define SYS_READ        0x06
#define SYS_TIME        0x11
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT        0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUN_TIME_ERROR   0x20023u

static uintptr_t semihost_call(uintptr_t op, uintptr_t arg)
{
	register uintptr_t r0 __asm__("r0") = op;
	register uintptr_t r1 __asm__("r1") = arg;

	__asm__ volatile ("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

void semihost_write0(const char *s)
{
	semihost_call(SYS_WRITE0, (uintptr_t)s);
}

void semihost_exit(int ok)
{
	/* AArch32: the reason code itself is the argument. QEMU exits 0 for
	 * ApplicationExit and 1 for any other reason. */
	semihost_call(SYS_EXIT, ok ? ADP_STOPPED_APPLICATION_EXIT
		: ADP_STOPPED_RUN_TIME_ERROR);
	for (;;)
		__asm__ volatile ("wfi");
}

long semihost_time(void)
{
	return (long)semihost_call(SYS_TIME, 0);
}

int semihost_cmdline(char *buf, size_t cap)
{
	uintptr_t a[2];

	if (cap < 2)
		return -1;
	a[0] = (uintptr_t)buf;
	a[1] = cap - 1;
	if (semihost_call(SYS_GET_CMDLINE, (uintptr_t)a) != 0)
		return -1;
	if (a[1] >= cap)
		a[1] = cap - 1;
	buf[a[1]] = '\0';
	return (int)a[1];
}

int semihost_read_file(const char *path, uint8_t *buf, size_t len)
{
	uintptr_t a[3];
	uintptr_t h;
	uintptr_t left;

	a[0] = (uintptr_t)path;
	a[1] = 1;                       /* "rb" */
	a[2] = strlen(path);
	h = semihost_call(SYS_OPEN, (uintptr_t)a);
	if ((intptr_t)h < 0)
		return -1;
	a[0] = h;
	a[1] = (uintptr_t)buf;
	a[2] = len;
	left = semihost_call(SYS_READ, (uintptr_t)a);   /* bytes NOT read */
	a[0] = h;
	semihost_call(SYS_CLOSE, (uintptr_t)a);
	return left == 0 ? 0 : -1;
}
