/*
 * Kernel console on the PL011 UART, through the kernel's device mapping.
 * Polled transmit; the receive side belongs to a user driver (device
 * untyped + IRQ), so the kernel leaves RX and interrupts alone.
 */
#include "arm64.h"
#include <hal/console.h>
#include <plat.h>

#define UART_DR 0x00u
#define UART_FR 0x18u
#define UART_IBRD 0x24u
#define UART_FBRD 0x28u
#define UART_LCRH 0x2cu
#define UART_CR 0x30u
#define UART_ICR 0x44u
#define FR_TXFF (1u << 5)
#define FR_BUSY (1u << 3)
#define LCRH_FEN (1u << 4)
#define LCRH_WLEN8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

static uint64_t uart_reg(unsigned off) { return mmio_kva(PLAT_UART_BASE) + off; }

/* Program 8N1 at PLAT_UART_BAUD where the firmware does not (rpi4). */
void pl011_init(void)
{
#if PLAT_UART_INIT
    uint32_t div64 = (4u * PLAT_UART_CLOCK_HZ + PLAT_UART_BAUD / 2u) / PLAT_UART_BAUD;
    while ((mmio_read32(uart_reg(UART_FR)) & FR_BUSY) != 0) {
    }
    mmio_write32(uart_reg(UART_CR), 0);
    mmio_write32(uart_reg(UART_ICR), 0x7ffu);
    mmio_write32(uart_reg(UART_IBRD), div64 >> 6);
    mmio_write32(uart_reg(UART_FBRD), div64 & 0x3fu);
    mmio_write32(uart_reg(UART_LCRH), LCRH_WLEN8 | LCRH_FEN);
    mmio_write32(uart_reg(UART_CR), CR_UARTEN | CR_TXE | CR_RXE);
#endif
}

static void pl011_put_raw(char c)
{
    while ((mmio_read32(uart_reg(UART_FR)) & FR_TXFF) != 0) {
    }
    mmio_write32(uart_reg(UART_DR), (uint8_t)c);
}

void hal_console_putc(char c)
{
    if (PLAT_UART_CRLF && c == '\n') {
        pl011_put_raw('\r');
    }
    pl011_put_raw(c);
}
