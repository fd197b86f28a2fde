/*
 * libkaal: the console UART for a driver that owns it. regs is where the
 * driver mapped the UART's device frame (the device untyped page at
 * KAAL_UART_PADDR). Same call on both backends; the device differs
 * (hosted: a ring the machine drains; arm64: PL011).
 */
#ifndef KAAL_UART_H
#define KAAL_UART_H

#include <kaal/kaal.h>

#define KAAL_UART_PADDR 0x09000000ull /* QEMU virt PL011 / hosted UART page */

void kaal_uart_putc(void *regs, char c);

#endif
