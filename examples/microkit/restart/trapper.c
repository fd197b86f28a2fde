/* The second child of examples/microkit/restart: it traps, and its
 * parent's reply to the fault lets it go on past the trap. */
#include <microkit.h>

void init(void)
{
    microkit_dbg_puts("trapper: trapping\n");
#if defined(__aarch64__)
    __asm__ volatile("udf #0"); /* undefined instruction, 4 bytes */
#else
    __asm__ volatile("ud2"); /* undefined instruction, 2 bytes */
#endif
    microkit_dbg_puts("trapper: after the trap: my parent's reply moved me on\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
