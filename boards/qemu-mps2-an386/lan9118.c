/*
 * LAN9118 driver (see lan9118.h). Register offsets and bits from SMSC's
 * LAN9118 datasheet (rev. 1.5), sections 5.3 (system control and status
 * registers) and 5.4 (MAC control and status registers).
 */
#include "lan9118.h"

#include "board.h"

#define LAN_BASE 0x40200000u
#define LAN(off) (*(volatile uint32_t *)(LAN_BASE + (off)))

#define RX_DATA_FIFO  LAN(0x00)
#define TX_DATA_FIFO  LAN(0x20)
#define RX_STATUS     LAN(0x40)
#define TX_STATUS     LAN(0x48)
#define ID_REV        LAN(0x50)
#define IRQ_CFG       LAN(0x54)
#define INT_STS       LAN(0x58)
#define INT_EN        LAN(0x5C)
#define BYTE_TEST     LAN(0x64)
#define FIFO_INT      LAN(0x68)
#define RX_CFG        LAN(0x6C)
#define TX_CFG        LAN(0x70)
#define HW_CFG        LAN(0x74)
#define RX_FIFO_INF   LAN(0x7C)
#define TX_FIFO_INF   LAN(0x80)
#define PMT_CTRL      LAN(0x84)
#define MAC_CSR_CMD   LAN(0xA4)
#define MAC_CSR_DATA  LAN(0xA8)

#define IRQ_CFG_TYPE  (1u << 0)    /* push-pull */
#define IRQ_CFG_POL   (1u << 4)    /* active high */
#define IRQ_CFG_EN    (1u << 8)
#define INT_RSFL      (1u << 3)    /* RX status FIFO above its level */
#define TX_CFG_ON     (1u << 1)
#define TX_CFG_SAO    (1u << 2)    /* TX status may overrun: not read */
#define HW_CFG_SRST   (1u << 0)
#define PMT_READY     (1u << 0)
#define CSR_BUSY      (1u << 31)
#define CSR_READ      (1u << 30)

#define MAC_CR        1
#define MAC_ADDRH     2
#define MAC_ADDRL     3
#define MAC_CR_FDPX   (1u << 20)
#define MAC_CR_TXEN   (1u << 3)
#define MAC_CR_RXEN   (1u << 2)

#define RXS_ERROR     (1u << 15)
#define TXA_FIRST     (1u << 13)
#define TXA_LAST      (1u << 12)

#define NVIC_ISER0    (*(volatile uint32_t *)0xE000E100u)
#define IRQ_ETH       13

lan9118_stats lan9118_counters;
static size_t rx_words;            /* words of the current frame, CRC included */
static size_t rx_len;

static int mac_wait(void)
{
	unsigned n;

	for (n = 0; n < 100000u; n++)
		if ((MAC_CSR_CMD & CSR_BUSY) == 0)
			return 0;
	return -1;
}

static uint32_t mac_read(unsigned reg)
{
	MAC_CSR_CMD = CSR_BUSY | CSR_READ | reg;
	(void)mac_wait();
	return MAC_CSR_DATA;
}

static void mac_write(unsigned reg, uint32_t v)
{
	MAC_CSR_DATA = v;
	MAC_CSR_CMD = CSR_BUSY | reg;
	(void)mac_wait();
}

int lan9118_init(const uint8_t *mac, uint8_t mac_out[6])
{
	uint32_t lo, hi;
	unsigned n;

	if (BYTE_TEST != 0x87654321u || (ID_REV >> 16) != 0x0118u)
		return -1;
	HW_CFG = HW_CFG_SRST;
	for (n = 0; (HW_CFG & HW_CFG_SRST) != 0 || (PMT_CTRL & PMT_READY) == 0; n++)
		if (n > 100000u)
			return -1;

	if (mac != NULL) {
		mac_write(MAC_ADDRL, (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
			(uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24);
		mac_write(MAC_ADDRH, (uint32_t)mac[4] | (uint32_t)mac[5] << 8);
	}
	lo = mac_read(MAC_ADDRL);
	hi = mac_read(MAC_ADDRH);
	mac_out[0] = (uint8_t)lo;
	mac_out[1] = (uint8_t)(lo >> 8);
	mac_out[2] = (uint8_t)(lo >> 16);
	mac_out[3] = (uint8_t)(lo >> 24);
	mac_out[4] = (uint8_t)hi;
	mac_out[5] = (uint8_t)(hi >> 8);

	/* No RX offset or padding; TX on, TX status not collected. */
	RX_CFG = 0;
	TX_CFG = TX_CFG_ON | TX_CFG_SAO;
	/* Full duplex, TX and RX on; promiscuous mode (on after reset) off. */
	mac_write(MAC_CR, MAC_CR_FDPX | MAC_CR_TXEN | MAC_CR_RXEN);

	/* An interrupt for every frame: RX status level 0, active-high
	 * push-pull line, IRQ 13 at the NVIC. */
	FIFO_INT = (FIFO_INT & ~0xFFu);
	INT_STS = 0xFFFFFFFFu;
	INT_EN = INT_RSFL;
	IRQ_CFG = IRQ_CFG_EN | IRQ_CFG_POL | IRQ_CFG_TYPE;
	NVIC_ISER0 = 1u << IRQ_ETH;
	return 0;
}

void lan9118_irq(void)
{
	INT_STS = INT_RSFL;             /* acknowledge: the line drops */
	board_eth_pending = 1;
}

void ETH_IRQHandler(void);

void ETH_IRQHandler(void)
{
	lan9118_irq();
}

unsigned lan9118_rx_frames(void)
{
	return (RX_FIFO_INF >> 16) & 0xFFu;
}

void lan9118_rx_drop(void)
{
	while (rx_words > 0) {
		(void)RX_DATA_FIFO;
		rx_words--;
	}
}

size_t lan9118_rx_next(void)
{
	uint32_t st = RX_STATUS;
	size_t len = (st >> 16) & 0x3FFFu;     /* with the 4-byte CRC */

	rx_words = (len + 3u) / 4u;
	rx_len = len >= 4u ? len - 4u : 0u;
	if ((st & RXS_ERROR) != 0 || rx_len < 14u || rx_len > LAN9118_MTU_FRAME) {
		lan9118_rx_drop();
		lan9118_counters.rx_dropped++;
		return 0;
	}
	lan9118_counters.rx++;
	return rx_len;
}

void lan9118_rx_read(uint32_t *dst, size_t len)
{
	size_t n = (len + 3u) / 4u;

	if (len > rx_len)
		n = (rx_len + 3u) / 4u;
	while (n > 0 && rx_words > 0) {
		*dst++ = RX_DATA_FIFO;
		n--;
		rx_words--;
	}
	lan9118_rx_drop();
}

size_t lan9118_tx_space(void)
{
	return TX_FIFO_INF & 0xFFFFu;
}

void lan9118_tx_buf(const void *data, size_t len, size_t frame_len, int first, int last)
{
	uintptr_t a = (uintptr_t)data;
	size_t off = a & 3u;
	const volatile uint32_t *w = (const volatile uint32_t *)(a - off);
	size_t words = (off + len + 3u) / 4u;
	uint32_t cmd_a = (uint32_t)off << 16 | (uint32_t)len;

	if (first)
		cmd_a |= TXA_FIRST;
	if (last)
		cmd_a |= TXA_LAST;
	TX_DATA_FIFO = cmd_a;
	TX_DATA_FIFO = (uint32_t)frame_len;   /* command B: tag 0, length */
	while (words-- > 0)
		TX_DATA_FIFO = *w++;
	if (last)
		lan9118_counters.tx++;
}
