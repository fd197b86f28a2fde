/* The consumer of examples/microkit/shared_memory. */
#include <microkit.h>

uintptr_t buffer_vaddr;   /* setvar_vaddr: its own mapping of the region */

void init(void)
{
    microkit_dbg_puts("consumer: waiting\n");
}

void notified(microkit_channel ch)
{
    const char *buf = (const char *)buffer_vaddr;
    microkit_dbg_puts("consumer: notified on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts(", reading at ");
    microkit_dbg_put32((seL4_Uint32)(buffer_vaddr >> 20));
    microkit_dbg_puts(" MiB: \"");
    microkit_dbg_puts(buf);
    microkit_dbg_puts("\", last byte '");
    microkit_dbg_putc(buf[0x2000 - 1]);
    microkit_dbg_puts("'\n");
}
