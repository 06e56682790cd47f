/*
 * lwIP's mem_malloc() pools (MEM_USE_POOLS): fixed blocks instead of a
 * heap. Sizes cover what a NO_SYS TCP client asks mem_malloc() for:
 * headers of empty ACKs and SYNs (PBUF_RAM, ~100 bytes with the pbuf
 * struct), and TCP segments written with TCP_WRITE_FLAG_COPY (up to one
 * MSS plus the headers and the pbuf struct).
 */
LWIP_MALLOC_MEMPOOL_START
LWIP_MALLOC_MEMPOOL(16, 160)
LWIP_MALLOC_MEMPOOL(12, 1580)
LWIP_MALLOC_MEMPOOL_END
