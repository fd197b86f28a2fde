/* HAL contract: the kernel's debug console. */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <hal/types.h>

/* Write one byte to the console. Never fails; may block until sent. */
void hal_console_putc(char c);

#endif
