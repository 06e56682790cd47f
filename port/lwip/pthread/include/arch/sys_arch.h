/*
 * moor: lwIP sys_arch on POSIX threads, a stand-in for an RTOS on the host
 * (boards/host-lwip, NO_SYS=0). Semaphores, mutexes and mailboxes are
 * complete structs held wherever lwIP keeps them (no allocation: a mailbox
 * has a fixed ring of MOOR_SYS_MBOX_SIZE messages); threads are pthreads.
 * An RTOS port provides the same types over its own primitives.
 */
#ifndef MOOR_LWIP_SYS_ARCH_H
#define MOOR_LWIP_SYS_ARCH_H

#include <pthread.h>

#ifndef MOOR_SYS_MBOX_SIZE
#define MOOR_SYS_MBOX_SIZE 64
#endif

typedef struct sys_sem {
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	unsigned count;
	int valid;
} sys_sem_t;

typedef struct sys_mutex {
	pthread_mutex_t mtx;
	int valid;
} sys_mutex_t;

typedef struct sys_mbox {
	pthread_mutex_t mtx;
	pthread_cond_t not_empty, not_full;
	void *msg[MOOR_SYS_MBOX_SIZE];
	unsigned head, count, size;
	int valid;
} sys_mbox_t;

typedef pthread_t sys_thread_t;
typedef int sys_prot_t;

#define sys_sem_valid(s)         ((s) != NULL && (s)->valid)
#define sys_sem_set_invalid(s)   do { if ((s) != NULL) (s)->valid = 0; } while (0)
#define sys_mutex_valid(m)       ((m) != NULL && (m)->valid)
#define sys_mutex_set_invalid(m) do { if ((m) != NULL) (m)->valid = 0; } while (0)
#define sys_mbox_valid(b)        ((b) != NULL && (b)->valid)
#define sys_mbox_set_invalid(b)  do { if ((b) != NULL) (b)->valid = 0; } while (0)

#endif
