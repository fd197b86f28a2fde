/* The producer of examples/microkit/shared_memory. */
#include <microkit.h>

#define CONSUMER 4

uintptr_t buffer_vaddr;   /* setvar_vaddr */
seL4_Word buffer_size;    /* setvar_size */

static const char message[] = "a message through shared memory";

void init(void)
{
    char *buf = (char *)buffer_vaddr;
    for (unsigned i = 0; i < sizeof(message); i++) {
        buf[i] = message[i];
    }
    buf[buffer_size - 1] = '!';
    microkit_dbg_puts("producer: wrote the message into ");
    microkit_dbg_put32((seL4_Uint32)buffer_size);
    microkit_dbg_puts(" bytes at ");
    microkit_dbg_put32((seL4_Uint32)(buffer_vaddr >> 20));
    microkit_dbg_puts(" MiB\n");
    microkit_notify(CONSUMER);
}

void notified(microkit_channel ch)
{
    (void)ch;
}
