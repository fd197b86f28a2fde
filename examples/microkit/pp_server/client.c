/* A client of examples/microkit/pp_server (one image, two PDs: each is
 * told apart by its name). */
#include <microkit.h>

#define SERVER 0
#define REQ_ADD 1

void init(void)
{
    seL4_Word base = microkit_name[6] == '1' ? 10 : 20;
    microkit_mr_set(0, base);
    microkit_mr_set(1, 5);
    microkit_msginfo reply = microkit_ppcall(SERVER, microkit_msginfo_new(REQ_ADD, 2));
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(": the server says ");
    microkit_dbg_put32((seL4_Uint32)microkit_mr_get(0));
    microkit_dbg_puts(" (label ");
    microkit_dbg_put32((seL4_Uint32)microkit_msginfo_get_label(reply));
    microkit_dbg_puts(")\n");
    microkit_notify(SERVER);
    microkit_ppcall(5, microkit_msginfo_new(REQ_ADD, 0)); /* not a channel: refused */
}

void notified(microkit_channel ch)
{
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(": notified on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("\n");
}
