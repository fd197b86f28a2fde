/*
 * Kernel console output (kprintf.c): a small printf over hal_console_putc
 * (%s %c %d %u %x %p %% with l/ll length and a zero-padded width).
 */
#ifndef KAAL_KPRINTF_H
#define KAAL_KPRINTF_H

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kputs(const char *s);

#endif
