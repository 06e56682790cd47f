/*
 * moor: lwIP sys_arch on POSIX threads (see arch/sys_arch.h). Timed waits
 * use CLOCK_MONOTONIC; sys_now() is CLOCK_MONOTONIC in milliseconds.
 * SYS_ARCH_PROTECT is one process-wide recursive mutex.
 */
#define _GNU_SOURCE 1

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/err.h"

#define MAX_THREADS 8

u32_t sys_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

void sys_init(void)
{
}

static void cond_init(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

static void deadline_in(struct timespec *ts, u32_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000u;
	ts->tv_nsec += (long)(ms % 1000u) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* ---- semaphores ---- */

err_t sys_sem_new(sys_sem_t *s, u8_t count)
{
	pthread_mutex_init(&s->mtx, NULL);
	cond_init(&s->cond);
	s->count = count;
	s->valid = 1;
	return ERR_OK;
}

void sys_sem_signal(sys_sem_t *s)
{
	pthread_mutex_lock(&s->mtx);
	s->count++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mtx);
}

u32_t sys_arch_sem_wait(sys_sem_t *s, u32_t timeout)
{
	u32_t start = sys_now();
	struct timespec dl;

	if (timeout != 0)
		deadline_in(&dl, timeout);
	pthread_mutex_lock(&s->mtx);
	while (s->count == 0) {
		if (timeout == 0) {
			pthread_cond_wait(&s->cond, &s->mtx);
		} else if (pthread_cond_timedwait(&s->cond, &s->mtx, &dl) == ETIMEDOUT &&
		           s->count == 0) {
			pthread_mutex_unlock(&s->mtx);
			return SYS_ARCH_TIMEOUT;
		}
	}
	s->count--;
	pthread_mutex_unlock(&s->mtx);
	return sys_now() - start;
}

void sys_sem_free(sys_sem_t *s)
{
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mtx);
	s->valid = 0;
}

/* ---- mutexes ---- */

err_t sys_mutex_new(sys_mutex_t *m)
{
	pthread_mutex_init(&m->mtx, NULL);
	m->valid = 1;
	return ERR_OK;
}

void sys_mutex_lock(sys_mutex_t *m)
{
	pthread_mutex_lock(&m->mtx);
}

void sys_mutex_unlock(sys_mutex_t *m)
{
	pthread_mutex_unlock(&m->mtx);
}

void sys_mutex_free(sys_mutex_t *m)
{
	pthread_mutex_destroy(&m->mtx);
	m->valid = 0;
}

/* ---- mailboxes ---- */

err_t sys_mbox_new(sys_mbox_t *b, int size)
{
	if (size > MOOR_SYS_MBOX_SIZE)
		return ERR_MEM;
	pthread_mutex_init(&b->mtx, NULL);
	cond_init(&b->not_empty);
	cond_init(&b->not_full);
	b->head = 0;
	b->count = 0;
	b->size = size > 0 ? (unsigned)size : MOOR_SYS_MBOX_SIZE;
	b->valid = 1;
	return ERR_OK;
}

static void put(sys_mbox_t *b, void *msg)
{
	b->msg[(b->head + b->count) % b->size] = msg;
	b->count++;
	pthread_cond_signal(&b->not_empty);
}

void sys_mbox_post(sys_mbox_t *b, void *msg)
{
	pthread_mutex_lock(&b->mtx);
	while (b->count == b->size)
		pthread_cond_wait(&b->not_full, &b->mtx);
	put(b, msg);
	pthread_mutex_unlock(&b->mtx);
}

err_t sys_mbox_trypost(sys_mbox_t *b, void *msg)
{
	err_t e = ERR_MEM;

	pthread_mutex_lock(&b->mtx);
	if (b->count < b->size) {
		put(b, msg);
		e = ERR_OK;
	}
	pthread_mutex_unlock(&b->mtx);
	return e;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *b, void *msg)
{
	return sys_mbox_trypost(b, msg);
}

static void *take(sys_mbox_t *b)
{
	void *m = b->msg[b->head];

	b->head = (b->head + 1) % b->size;
	b->count--;
	pthread_cond_signal(&b->not_full);
	return m;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *b, void **msg, u32_t timeout)
{
	u32_t start = sys_now();
	struct timespec dl;
	void *m;

	if (timeout != 0)
		deadline_in(&dl, timeout);
	pthread_mutex_lock(&b->mtx);
	while (b->count == 0) {
		if (timeout == 0) {
			pthread_cond_wait(&b->not_empty, &b->mtx);
		} else if (pthread_cond_timedwait(&b->not_empty, &b->mtx, &dl) == ETIMEDOUT &&
		           b->count == 0) {
			pthread_mutex_unlock(&b->mtx);
			if (msg != NULL)
				*msg = NULL;
			return SYS_ARCH_TIMEOUT;
		}
	}
	m = take(b);
	pthread_mutex_unlock(&b->mtx);
	if (msg != NULL)
		*msg = m;
	return sys_now() - start;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *b, void **msg)
{
	void *m;

	pthread_mutex_lock(&b->mtx);
	if (b->count == 0) {
		pthread_mutex_unlock(&b->mtx);
		return SYS_MBOX_EMPTY;
	}
	m = take(b);
	pthread_mutex_unlock(&b->mtx);
	if (msg != NULL)
		*msg = m;
	return 0;
}

void sys_mbox_free(sys_mbox_t *b)
{
	pthread_cond_destroy(&b->not_empty);
	pthread_cond_destroy(&b->not_full);
	pthread_mutex_destroy(&b->mtx);
	b->valid = 0;
}

/* ---- threads ---- */

static struct {
	lwip_thread_fn fn;
	void *arg;
} slots[MAX_THREADS];
static unsigned n_slots;
static pthread_mutex_t slots_mtx = PTHREAD_MUTEX_INITIALIZER;

static void *trampoline(void *p)
{
	unsigned i = (unsigned)(size_t)p;

	slots[i].fn(slots[i].arg);
	return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg,
	int stacksize, int prio)
{
	pthread_t th;
	unsigned i;

	(void)name;
	(void)stacksize;
	(void)prio;
	pthread_mutex_lock(&slots_mtx);
	i = n_slots;
	LWIP_ASSERT("sys_thread_new: too many threads", i < MAX_THREADS);
	slots[i].fn = fn;
	slots[i].arg = arg;
	n_slots++;
	pthread_mutex_unlock(&slots_mtx);
	pthread_create(&th, NULL, trampoline, (void *)(size_t)i);
	pthread_detach(th);
	return th;
}

/* ---- SYS_ARCH_PROTECT ---- */

static pthread_mutex_t prot_mtx;
static pthread_once_t prot_once = PTHREAD_ONCE_INIT;

static void prot_init(void)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&prot_mtx, &a);
	pthread_mutexattr_destroy(&a);
}

sys_prot_t sys_arch_protect(void)
{
	pthread_once(&prot_once, prot_init);
	pthread_mutex_lock(&prot_mtx);
	return 0;
}

void sys_arch_unprotect(sys_prot_t pval)
{
	(void)pval;
	pthread_mutex_unlock(&prot_mtx);
}
