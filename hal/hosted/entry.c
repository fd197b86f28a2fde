/*
 * Kernel entries and the exit to user on the hosted machine:
 *
 *   user code --call gate (gate.S)--> hosted_syscall_entry -> kaal_entry_syscall
 *   SIGSEGV & co (trap.c)         --> hosted_fault_entry   -> kaal_entry_fault
 *   watchdog (trap.c)             --> hosted_preempt_entry
 *   each then: hosted_kernel_exit -> kaal_kernel_exit, switch to the
 *   address space's process (procs.c), load the thread's TLS base (fs.c),
 *   hosted_restore_user (gate.S)
 *
 * Every entry runs on the kernel stack, from an empty stack.
 */
#include "hosted_internal.h"

/* The context gate.S saves into and restores from: set before the switch
 * to another address space's process, which then resumes it. */
HOSTED_SHARED struct hal_uctx *hosted_cur_uctx;

void hosted_set_current(struct hal_uctx *c)
{
    hosted_cur_uctx = c;
    hosted_cur_xarea = hosted_xarea(c);
}

/* After every entry, once kaal_kernel_exit chose the thread: the
 * configured check (kaal-sim --check-invariants), if any. */
void hosted_after_entry(void)
{
    if (hm.after_entry != NULL) {
        hm.after_entry();
    }
}

void hosted_entry_begin(void)
{
    if (hm.user_mode) {
        hosted_stacks_unpoison(); /* ASan builds only (usermode.c) */
    }
    hm.entries++;
    hm.now += HOSTED_ENTRY_NS;
    hosted_devices_poll();
    if (__builtin_expect(hm.now >= hm.stop_at, 0)) {
        hosted_stop_reached();
    }
}

/* Make this process's window show the wanted address space: in the
 * address-space process of it (procs.c), which may be another process;
 * then this call returns only when this process runs user code again. */
static void window_switch(void)
{
    hosted_procs_switch(hm.want_root, hm.want_asid);
    hosted_window_prefill(hosted_cur_uctx->r[HOSTED_R_RIP], hosted_cur_uctx->r[HOSTED_R_RSP]);
    hosted_debug_exit_to_user();
}

HAL_NORETURN void hosted_kernel_exit(void)
{
    if (hm.guard) {
        hosted_guard_run(); /* user code in processes of its own (guard_run.c) */
    }
    /* Set before the switch: another process may resume this thread. */
    hosted_set_current(kaal_kernel_exit());
    hosted_after_entry();
    hosted_clock_publish();
    hosted_observe_point(HOSTED_OBS_EXIT, 0);
    window_switch();
    hm.watch_entries = hm.entries + hm.fills;
    hm.watch_idle_ticks = 0;
    hosted_fs_user(hosted_cur_uctx->r[HOSTED_R_FSBASE]);
    hosted_restore_user(hosted_cur_uctx);
}

void hal_return_to_user(hal_uctx_t *c)
{
    hosted_set_current(c);
    hosted_clock_publish();
    window_switch();
    hosted_fs_user(hosted_cur_uctx->r[HOSTED_R_FSBASE]);
    hosted_restore_user(hosted_cur_uctx);
}

/* Called by the gate on the kernel stack. */
HAL_NORETURN void hosted_syscall_entry(void)
{
    hosted_entry_begin();
    hosted_observe_point(HOSTED_OBS_SYSCALL, 0);
    kaal_entry_syscall();
    hosted_observe_point(HOSTED_OBS_ENTERED, 0);
    hosted_kernel_exit();
}

HAL_NORETURN void hosted_fault_entry(void)
{
    hosted_entry_begin();
    kaal_fault_info_t f = hm.fault;
    hosted_observe_point(HOSTED_OBS_FAULT, (uintptr_t)&f);
    kaal_entry_fault(&f);
    hosted_observe_point(HOSTED_OBS_ENTERED, 0);
    hosted_kernel_exit();
}

/* The gate found the user's rsp outside the user window: the thread
 * stands at the gate page (gate.S saved it so) and its stack read faults,
 * as the call's push would have faulted on a CPU. */
HAL_NORETURN void hosted_gate_bad_stack(void)
{
    hm.fault.kind = KAAL_FAULT_VM_DATA;
    hm.fault.addr = hosted_user_rsp;
    hm.fault.status = 4; /* x86 page-fault error code: user-mode read, not present */
    hm.fault.number = 14;
    hosted_fault_entry();
}

HAL_NORETURN void hosted_preempt_entry(void)
{
    hosted_entry_begin();
    hosted_observe_point(HOSTED_OBS_PREEMPT, 0);
    /* The thread ran a whole watchdog period without entering the kernel:
     * model that as running until the next event (its slice end or a
     * device interrupt), whichever comes first. */
    uint64_t next = hosted_next_event_time();
    if (next != UINT64_MAX && next >= hm.stop_at) { /* --stop-at: stop there */
        hm.now = hm.now < hm.stop_at ? hm.stop_at : hm.now;
        hosted_stop_reached();
    }
    if (next != UINT64_MAX && hm.now < next) {
        hm.now = next;
    }
    hosted_devices_poll();
    hosted_observe_point(HOSTED_OBS_ENTERED, 0);
    hosted_kernel_exit();
}
