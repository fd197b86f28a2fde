/* The parent of examples/microkit/restart. */
#include <microkit.h>

seL4_Word crasher_id = 99; /* set by the microkit tool (setvar_id) */
static unsigned restarts;

void init(void)
{
    microkit_dbg_puts("restarter: my child crasher has id ");
    microkit_dbg_put32((seL4_Uint32)crasher_id);
    microkit_dbg_puts("\n");
    /* The child has a lower priority: it has not run yet. Hold it, then
     * let it go: it runs once this PD waits for events. */
    microkit_pd_stop((microkit_child)crasher_id);
    microkit_dbg_puts("restarter: crasher stopped before its first instruction\n");
    microkit_pd_resume((microkit_child)crasher_id);
    microkit_dbg_puts("restarter: crasher resumed\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    microkit_dbg_puts("restarter: child ");
    microkit_dbg_put32(child);
    if (microkit_msginfo_get_label(msginfo) == seL4_Fault_VMFault) {
        microkit_dbg_puts(" faulted: VM fault at address ");
        microkit_dbg_put32((seL4_Uint32)microkit_mr_get(seL4_VMFault_Addr));
    } else {
        microkit_dbg_puts(" faulted: label ");
        microkit_dbg_put32((seL4_Uint32)microkit_msginfo_get_label(msginfo));
    }
    microkit_dbg_puts("\n");
    if (restarts < 2) {
        restarts++;
        microkit_pd_restart(child, 0x200000); /* Microkit's entry address */
        microkit_dbg_puts("restarter: restarted it\n");
    } else {
        microkit_pd_stop(child);
        microkit_dbg_puts("restarter: stopped it for good\n");
    }
    return seL4_False; /* restarted or stopped: no reply */
}
