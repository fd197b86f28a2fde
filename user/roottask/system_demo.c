/*
 * System demo: build the system of demo.system from the boot archive,
 * supervise it (the faulter's faults come to the root task's fault
 * endpoint; the programs' "done" signals arrive through the notification
 * bound to the root thread), then kill everything and check that every
 * byte of untyped memory is free again.
 */
#include <kaal/system.h>
#include <kaal/tcb.h>
#include "roottask.h"

static kaal_spawn_ctx_t ctx;
static kaal_system_t sys;

#define ALL_DONE 0x7u /* client1 1, client2 2, driver 4 */

static int fail(const char *what, kaal_word_t err)
{
    kaal_printf("root: %s failed: %s (%s)\n", what, kaal_error_name(err), ctx.why);
    return 1;
}

/* A fault message from the faulter: report it; restart once, then kill. */
static int handle_fault(kaal_msg_t m, unsigned *faults)
{
    (*faults)++;
    kaal_printf("root: fault from badge %lu: %s fault at address 0x%lx\n", m.badge,
                m.mr[KAAL_VM_FAULT_PREFETCH] ? "instruction" : "data", m.mr[KAAL_VM_FAULT_ADDR]);
    int prog = kaal_system_program(&sys, "faulter");
    kaal_word_t err;
    if (*faults == 1) {
        kaal_printf("root: restarting faulter\n");
        err = kaal_system_restart(&sys, &ctx, (unsigned)prog);
    } else {
        kaal_printf("root: faulter faulted again: killing it\n");
        err = kaal_process_kill(&ctx, &sys.proc[prog]);
    }
    return err == KAAL_NO_ERROR ? 0 : fail("supervising faulter", err);
}

static int supervise(void)
{
    kaal_cptr_t fault_ep = kaal_system_object_cap(&sys, "fault_ep");
    kaal_cptr_t done = kaal_system_object_cap(&sys, "done");
    kaal_word_t err = kaal_tcb_bind_notification(KAAL_CAP_INIT_TCB, done);
    if (err != KAAL_NO_ERROR) {
        return fail("binding the done notification", err);
    }
    kaal_word_t finished = 0;
    unsigned faults = 0;
    for (unsigned i = 0; i < 32 && (finished != ALL_DONE || faults < 2); i++) {
        kaal_msg_t m = kaal_recv(fault_ep);
        if (kaal_msginfo_label(m.info) == KAAL_FAULT_LABEL_VM) {
            if (handle_fault(m, &faults) != 0) {
                return 1;
            }
        } else {
            finished |= m.badge;
            kaal_printf("root: done signal 0x%lx (all: 0x%lx)\n", m.badge, finished);
        }
    }
    (void)kaal_tcb_unbind_notification(KAAL_CAP_INIT_TCB);
    return finished == ALL_DONE && faults == 2 ? 0 : 1;
}

int system_demo(const kaal_bootinfo_t *bi)
{
    kaal_word_t err = kaal_spawn_init(&ctx, bi, 0);
    if (err != KAAL_NO_ERROR) {
        return fail("spawn init", err);
    }
    err = kaal_system_load(&sys, &ctx, (const void *)bi->boot_module_vaddr, bi->boot_module_size,
                           "demo.system");
    if (err != KAAL_NO_ERROR) {
        return fail("loading demo.system", err);
    }
    sys.verbose = 1;
    err = kaal_system_build(&sys, &ctx);
    if (err != KAAL_NO_ERROR) {
        return fail("building the system", err);
    }
    if (supervise() != 0) {
        kaal_printf("root: the system did not finish as expected\n");
        return 1;
    }
    kaal_word_t bytes = 0;
    err = kaal_system_teardown(&sys, &ctx);
    if (err == KAAL_NO_ERROR) {
        err = kaal_spawn_fini(&ctx);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_spawn_check_all_free(&ctx, &bytes);
    }
    if (err != KAAL_NO_ERROR) {
        return fail("tearing the system down", err);
    }
    kaal_printf("root: killed every process; all untyped memory is free again (%lu KiB)\n",
                bytes >> 10);
    return 0;
}
