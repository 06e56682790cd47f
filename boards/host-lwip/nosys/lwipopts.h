/* host-lwip, NO_SYS=1: a superloop, the raw API only (moor_lwip_tcp). */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                   1
#define SYS_LIGHTWEIGHT_PROT     0
#define LWIP_NETCONN             0
#define LWIP_SOCKET              0

#include "../lwipopts_common.h"

#endif
