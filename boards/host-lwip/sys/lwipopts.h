/* host-lwip, NO_SYS=0: lwIP's tcpip thread and the sockets API
 * (moor_lwip_sock) on the pthread sys_arch standing in for an RTOS. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                   0
#define SYS_LIGHTWEIGHT_PROT     1
#define LWIP_NETCONN             1
#define LWIP_SOCKET              1
#define LWIP_SOCKET_POLL         1
#define LWIP_COMPAT_SOCKETS      0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_TCPIP_CORE_LOCKING  1
#define MEMP_NUM_NETCONN         4
#define TCPIP_THREAD_STACKSIZE   (16 * 1024)
#define TCPIP_THREAD_PRIO        1
#define TCPIP_MBOX_SIZE          32
#define DEFAULT_TCP_RECVMBOX_SIZE 32
#define DEFAULT_UDP_RECVMBOX_SIZE 8
#define DEFAULT_RAW_RECVMBOX_SIZE 8
#define DEFAULT_ACCEPTMBOX_SIZE  4
#define LWIP_NETIF_API           1
#define MEMP_NUM_TCPIP_MSG_INPKT 32

#include "../lwipopts_common.h"

#endif
