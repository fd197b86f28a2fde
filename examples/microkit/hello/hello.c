/* The smallest Microkit system: one PD that says hello (examples/microkit). */
#include <microkit.h>

void init(void)
{
    microkit_dbg_puts("hello, world from ");
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" (");
    microkit_dbg_put8(255);
    microkit_dbg_putc(' ');
    microkit_dbg_put32(4294967295u);
    microkit_dbg_puts(")\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
