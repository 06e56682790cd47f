/*
 * lwIP options shared by both host-lwip variants (a Linux process whose
 * netif talks to libslirp). Sized like a mid-range MCU, with static pools
 * only: lwIP never calls malloc (MEM_LIBC_MALLOC 0, MEMP_MEM_MALLOC 0; its
 * "heap" for PBUF_RAM is a static array of MEM_SIZE bytes).
 */
#ifndef HOST_LWIP_LWIPOPTS_COMMON_H
#define HOST_LWIP_LWIPOPTS_COMMON_H

#include <stdint.h>

/* Memory: static pools, no C library heap. */
#define MEM_LIBC_MALLOC          0
#define MEMP_MEM_MALLOC          0
#define MEM_ALIGNMENT            8          /* x86-64 */
#define MEM_SIZE                 (24 * 1024)
#define MEMP_NUM_PBUF            16
#define MEMP_NUM_UDP_PCB         4
#define MEMP_NUM_TCP_PCB         4
#define MEMP_NUM_TCP_PCB_LISTEN  1
#define MEMP_NUM_TCP_SEG         32
#define MEMP_NUM_ARP_QUEUE       8
#define PBUF_POOL_SIZE           24
#define PBUF_POOL_BUFSIZE        1536
/* lwIP's own timers plus SNTP's (an app: not counted by lwIP). */
#define MEMP_NUM_SYS_TIMEOUT     (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 2)

/* Protocols. */
#define LWIP_ARP                 1
#define LWIP_ETHERNET            1
#define LWIP_IPV4                1
#define LWIP_IPV6                0
#define LWIP_ICMP                1
#define LWIP_UDP                 1
#define LWIP_TCP                 1
#define LWIP_DHCP                1
#define LWIP_DNS                 0
#define LWIP_IGMP                0
#define LWIP_RAW                 0
#define LWIP_NETIF_STATUS_CALLBACK 1

/* TCP: an 8-segment window and send buffer. */
#define TCP_MSS                  1460
#define TCP_WND                  (8 * TCP_MSS)
#define TCP_SND_BUF              (8 * TCP_MSS)
#define TCP_SND_QUEUELEN         (4 * TCP_SND_BUF / TCP_MSS)
#define LWIP_TCP_KEEPALIVE       0

/* SNTP (port/lwip: moor_lwip_clock). The server and port are set at run
 * time by the board (host-lwip --sntp PORT, for tests). */
#define SNTP_SERVER_DNS          0
#define SNTP_UPDATE_DELAY        (3600 * 1000)
#define SNTP_STARTUP_DELAY       0
#define SNTP_CHECK_RESPONSE      1
#define SNTP_RECV_TIMEOUT        1000       /* a lost request is retried after 1 s */
extern uint16_t host_lwip_sntp_port;
#define SNTP_PORT                host_lwip_sntp_port
struct moor_lwip_clock;
extern struct moor_lwip_clock host_lwip_clock;
void moor_lwip_clock_set(struct moor_lwip_clock *c, uint32_t unix_s, uint32_t us);
#define SNTP_SET_SYSTEM_TIME_US(s, us) moor_lwip_clock_set(&host_lwip_clock, (s), (us))

/* Random numbers for ports, DHCP xids, SNTP: getrandom(). */
uint32_t host_lwip_rand(void);
#define LWIP_RAND()              host_lwip_rand()

/* Failed lwIP assertions print and abort (port/lwip/arch.c calls this). */
void host_lwip_assert(const char *msg, const char *file, int line);
#define MOOR_LWIP_ASSERT_HOOK(m, f, l) host_lwip_assert((m), (f), (l))

#define LWIP_STATS               0
#define LWIP_NETIF_HOSTNAME      0
#define LWIP_NETIF_LOOPBACK      0

#endif
