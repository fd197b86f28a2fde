/* libkaal: the PL011 UART (QEMU virt 0x09000000, RPi4 UART0). */
#include <kaal/uart.h>

#define PL011_DR 0x00u
#define PL011_FR 0x18u
#define PL011_FR_TXFF (1u << 5)

void kaal_uart_putc(void *regs, char c)
{
    volatile unsigned int *base = regs;
    while ((base[PL011_FR / 4] & PL011_FR_TXFF) != 0) {
    }
    base[PL011_DR / 4] = (unsigned char)c;
}
