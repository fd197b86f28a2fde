/* The smallest Microkit system: one PD that says hello (examples/microkit). */
#include <microkit.h>

void init(void)
{
    microkit_dbg_puts("hello, world from ");
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts("\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
