/* The server of examples/microkit/pp_server: protected() adds the two
 * numbers of a request (label 1) and replies with the sum. */
#include <microkit.h>

#define REQ_ADD 1

void init(void)
{
    microkit_dbg_puts("server: ready\n");
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    if (microkit_msginfo_get_label(msginfo) != REQ_ADD ||
        microkit_msginfo_get_count(msginfo) != 2) {
        microkit_dbg_puts("server: bad request\n");
        return microkit_msginfo_new(0xff, 0);
    }
    seL4_Word a = microkit_mr_get(0), b = microkit_mr_get(1);
    microkit_dbg_puts("server: channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts(" asks ");
    microkit_dbg_put32((seL4_Uint32)a);
    microkit_dbg_puts(" + ");
    microkit_dbg_put32((seL4_Uint32)b);
    microkit_dbg_puts("\n");
    microkit_mr_set(0, a + b);
    return microkit_msginfo_new(0, 1);
}

void notified(microkit_channel ch)
{
    microkit_dbg_puts("server: notified on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("\n");
    microkit_deferred_notify(ch);
}
