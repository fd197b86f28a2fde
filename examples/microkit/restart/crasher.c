/* The child of examples/microkit/restart: its memory outlives a restart
 * (Microkit restarts only the thread), so it counts its runs. */
#include <microkit.h>

static unsigned runs;
static volatile seL4_Word bad_address = 64; /* nothing is mapped there */

void init(void)
{
    runs++;
    microkit_dbg_puts("crasher: run ");
    microkit_dbg_put32(runs);
    microkit_dbg_puts(", writing to address 64\n");
    *(volatile int *)bad_address = 1;
}

void notified(microkit_channel ch)
{
    (void)ch;
}
