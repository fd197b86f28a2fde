/* The reader of examples/microkit/prefill. */
#include <microkit.h>

uintptr_t greeting; /* setvar_vaddr */

void init(void)
{
    microkit_dbg_puts("reader: the region says: ");
    microkit_dbg_puts((const char *)greeting); /* the file, then zeros */
}

void notified(microkit_channel ch)
{
    (void)ch;
}
