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

#define TRAPPER 1
/* The length of trapper's undefined instruction: udf #0, ud2. */
#if defined(__aarch64__)
#define TRAP_LENGTH 4
#else
#define TRAP_LENGTH 2
#endif

/* trapper's trap: reply with its pc past the trap (a UserException reply
 * sets pc, sp and flags from MR0-2), which resumes it. */
static seL4_Bool skip_trap(microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    if (microkit_msginfo_get_label(msginfo) != seL4_Fault_UserException) {
        microkit_dbg_puts("restarter: trapper faulted otherwise: stopped\n");
        microkit_pd_stop(TRAPPER);
        return seL4_False;
    }
    seL4_Word pc = microkit_mr_get(seL4_UserException_FaultIP);
    seL4_Word sp = microkit_mr_get(seL4_UserException_SP);
    seL4_Word flags = microkit_mr_get(seL4_UserException_SPSR);
    microkit_dbg_puts("restarter: trapper trapped: replying to go on after the trap\n");
    microkit_mr_set(0, pc + TRAP_LENGTH);
    microkit_mr_set(1, sp);
    microkit_mr_set(2, flags);
    *reply_msginfo = microkit_msginfo_new(0, 3);
    return seL4_True;
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    if (child == TRAPPER) {
        return skip_trap(msginfo, reply_msginfo);
    }
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
