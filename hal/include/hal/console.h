/* HAL contract: the kernel's debug console. */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <hal/types.h>

/* Write one byte to the console. Never fails; may block until sent.
 * ACSL: the console is outside the state the proofs model. */
/*@ assigns \nothing; */
void hal_console_putc(char c);

/* Debug builds (seL4_DebugSnapshot, KAAL_SYS_DEBUG_SNAPSHOT): show the
 * capability world as it is now, for a person debugging. Output only:
 * changes no kernel state and no register of the caller. Hosted: kaal-sim
 * --dump-caps FILE writes the Nth snapshot to FILE.N.dot; arm64: one
 * console line (docs/debugging.md). Called on the kernel path. */
void hal_debug_snapshot(void);

/* Write a NUL-terminated string (a helper on top of the contract, for the
 * backends' own messages; the core prints with kprintf). */
static inline void hal_console_puts(const char *s)
{
    while (*s != '\0') {
        hal_console_putc(*s++);
    }
}

#endif
