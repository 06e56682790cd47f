/*
 * lwIP 2.1.3 options of the mps2-an386 firmware: a NO_SYS=1 superloop,
 * IPv4 + ARP + TCP (+ ICMP echo), one netif (the LAN9118), static address
 * 10.0.2.15/24 with gateway 10.0.2.2 (QEMU's user-mode network).
 *
 * No heap: lwIP's own memory is static pools only.
 *   - MEM_LIBC_MALLOC 0: mem_malloc() is not the C library's malloc;
 *   - MEMP_MEM_MALLOC 0: the memp pools are static arrays;
 *   - MEM_USE_POOLS 1 (with lwippools.h): mem_malloc() itself takes fixed
 *     blocks from static pools, so there is no lwIP heap (ram_heap)
 *     either. PBUF_RAM pbufs (TCP segments queued with a copy, ACKs)
 *     come from those pools.
 * The link of the firmware fails if malloc, free, calloc, realloc or
 * _sbrk is referenced (boards/qemu-mps2-an386/CMakeLists.txt), and
 * board_net.c rejects any other setting at compile time.
 */
#ifndef MOOR_QEMU_LWIPOPTS_H
#define MOOR_QEMU_LWIPOPTS_H

#define NO_SYS                    1
#define SYS_LIGHTWEIGHT_PROT      0   /* lwIP runs at thread level only */
#define LWIP_NETCONN              0
#define LWIP_SOCKET               0
#define LWIP_TIMERS               1

/* Memory: static pools only (see above). */
#define MEM_LIBC_MALLOC           0
#define MEMP_MEM_MALLOC           0
#define MEM_USE_POOLS             1
#define MEMP_USE_CUSTOM_POOLS     1
#define MEM_USE_POOLS_TRY_BIGGER_POOL 1
#define MEM_ALIGNMENT             4

#define MEMP_NUM_PBUF             8    /* PBUF_ROM/REF headers */
#define MEMP_NUM_TCP_PCB          4
#define MEMP_NUM_TCP_PCB_LISTEN   1
#define MEMP_NUM_TCP_SEG          16
#define MEMP_NUM_ARP_QUEUE        4
#define MEMP_NUM_SYS_TIMEOUT      (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)
#define PBUF_POOL_SIZE            8
/* One Ethernet frame per pool pbuf (the driver reads a frame into one
 * pbuf): 1514 bytes, rounded up to whole words for the FIFO reads. */
#define PBUF_POOL_BUFSIZE         1516

/* Protocols. */
#define LWIP_IPV4                 1
#define LWIP_IPV6                 0
#define LWIP_ARP                  1
#define LWIP_ETHERNET             1
#define LWIP_ICMP                 1
#define LWIP_RAW                  0
#define LWIP_UDP                  0
#define LWIP_DHCP                 0
#define LWIP_AUTOIP               0
#define LWIP_IGMP                 0
#define LWIP_DNS                  0
#define LWIP_TCP                  1
#define IP_REASSEMBLY             0
#define IP_FRAG                   0
#define ARP_TABLE_SIZE            4
#define ETHARP_SUPPORT_STATIC_ENTRIES 0

/* TCP: 1460-byte segments, a 4-segment window. The LAN9118's RX FIFO
 * holds about 10 KB, so a full window of frames always fits in it. */
#define TCP_MSS                   1460
#define TCP_WND                   (4 * TCP_MSS)
#define TCP_SND_BUF               (4 * TCP_MSS)
#define TCP_SND_QUEUELEN          (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ           0
#define LWIP_TCP_KEEPALIVE        0
#define LWIP_CALLBACK_API         1

/* Checksums are computed in software (the LAN9118 can offload, QEMU's
 * model does not). */
#define CHECKSUM_GEN_IP           1
#define CHECKSUM_GEN_TCP          1
#define CHECKSUM_CHECK_IP         1
#define CHECKSUM_CHECK_TCP        1

#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK  0
#define LWIP_SINGLE_NETIF         1
#define LWIP_STATS                0
#define LWIP_STATS_DISPLAY        0
#define LWIP_DEBUG                0

/* Random numbers (ports, initial sequence numbers) from the board, not
 * from the C library's rand() (newlib's allocates its state). */
#ifndef __ASSEMBLER__
#include <stdint.h>
uint32_t board_rand32(void);
void board_lwip_assert(const char *msg, const char *file, int line);
#endif
#define LWIP_RAND()               board_rand32()
#define MOOR_LWIP_ASSERT_HOOK(msg, file, line) board_lwip_assert((msg), (file), (line))

#endif
