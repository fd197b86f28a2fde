/* HAL contract: the kernel's debug console. */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <hal/types.h>

/* Write one byte to the console. Never fails; may block until sent. */
void hal_console_putc(char c);

/* Write a NUL-terminated string (a helper on top of the contract, for the
 * backends' own messages; the core prints with kprintf). */
static inline void hal_console_puts(const char *s)
{
    while (*s != '\0') {
        hal_console_putc(*s++);
    }
}

#endif
