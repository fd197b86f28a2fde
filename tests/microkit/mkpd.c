/* A Microkit PD linked with libmicrokit, for the -o cases of run.sh. */
#include <microkit.h>

uintptr_t buf_vaddr;
seL4_Uint8 small;
uintptr_t region_paddr;

void init(void)
{
    microkit_dbg_puts("mkpd\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
