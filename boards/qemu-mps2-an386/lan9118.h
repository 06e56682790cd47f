/*
 * SMSC LAN9118 Ethernet controller, as QEMU emulates it on mps2-an386
 * (registers at 0x40200000, interrupt line IRQ 13), in 32-bit mode.
 *
 * The driver knows nothing of lwIP: it moves frames between the chip's
 * FIFOs and caller memory. Receive: lan9118_rx_frames() says how many
 * frames wait, lan9118_rx_next() pops one frame's status, then the frame
 * is either read (lan9118_rx_read) or dropped (lan9118_rx_drop). Transmit:
 * a frame goes out as one or more buffers (lan9118_tx_buf), each at any
 * byte alignment, so a pbuf chain needs no copy.
 *
 * Interrupts: the chip raises IRQ 13 when a frame arrives (RSFL: the RX
 * status FIFO above level 0). lan9118_irq() acknowledges it and sets
 * board_eth_pending; the frames are read at thread level, so no FIFO is
 * touched from an interrupt.
 */
#ifndef MOOR_QEMU_LAN9118_H
#define MOOR_QEMU_LAN9118_H

#include <stddef.h>
#include <stdint.h>

#define LAN9118_MTU_FRAME 1514u   /* largest frame, without the CRC */

/*
 * Soft reset, wait until ready, check the chip's ID and byte order, set
 * the MAC address (`mac`, or the one the chip loaded from its EEPROM if
 * `mac` is NULL; written back to `mac_out`), enable the transmitter and
 * the receiver (full duplex, unicast to us plus broadcast) and the receive
 * interrupt. Returns 0, or -1 if no LAN9118 answers.
 */
int lan9118_init(const uint8_t *mac, uint8_t mac_out[6]);

/* Frames waiting in the RX FIFO. */
unsigned lan9118_rx_frames(void);

/* Pop the status of the next frame: its length without the CRC (> 0), or
 * 0 if the chip flagged it bad or it is larger than LAN9118_MTU_FRAME (it
 * has then been dropped already). Call only if lan9118_rx_frames() > 0. */
size_t lan9118_rx_next(void);

/* Read the frame announced by lan9118_rx_next() into `dst` (4-byte
 * aligned, room for `len` rounded up to a multiple of 4), and drop its CRC. */
void lan9118_rx_read(uint32_t *dst, size_t len);

/* Discard the frame announced by lan9118_rx_next(). */
void lan9118_rx_drop(void);

/* Free bytes in the TX data FIFO. */
size_t lan9118_tx_space(void);

/* Queue one buffer of a frame of `frame_len` bytes. `first` on the first
 * buffer, `last` on the last one (the frame is sent then). `data` may have
 * any alignment; whole words around it are read. */
void lan9118_tx_buf(const void *data, size_t len, size_t frame_len, int first, int last);

/* The interrupt handler's work (called from ETH_IRQHandler). */
void lan9118_irq(void);

/* Frames received / sent / dropped since init. */
typedef struct lan9118_stats {
	uint32_t rx, tx, rx_dropped;
} lan9118_stats;
extern lan9118_stats lan9118_counters;

#endif
