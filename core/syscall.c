/*
 * Kernel entry points and syscall dispatch.
 *
 *   kaal_entry_syscall   decode the syscall number, run it, schedule
 *   kaal_entry_fault     a user fault: deliver or suspend (fault.c)
 *   kaal_entry_interrupt one pending interrupt (irq.c)
 *   kaal_kernel_exit     pick the thread to run, idle while there is none
 *
 * Invocations of kernel objects are looked up here and handed to the
 * object's decoder (invocation.h) or, for endpoint, notification and reply
 * caps, to ipc.c. Message registers, the IPC buffer, extra capabilities
 * and error replies are msg.c's; `ks` is kstate.c's. KaaL reports a failed
 * lookup of the invoked capability as an error reply (InvalidCapability)
 * to the caller, where seL4 raises a capability fault (docs/abi.md).
 *
 * The debug syscalls (-9 DebugPutChar, -11 DebugHalt, -12 DebugCapIdentify,
 * -13 DebugSnapshot) need no capability, so they exist only in kernels
 * built with KAAL_DEBUG_SYSCALLS (-Ddebug_syscalls=true), as seL4's
 * CONFIG_DEBUG_BUILD; elsewhere they are unknown syscalls, a fault. A
 * release system prints and ends its run through the platform capability
 * (platform.c).
 */
#include "invocation.h"
#include "fastpath.h"
#include "ipc.h"
#include "fault.h"
#include "irq.h"
#include "hal_switch.h"
#include "sched.h"
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/irq.h>

static kerr_t dispatch_invocation(invocation_t *inv)
{
    /* Frame Map and Unmap, the hot invocations, straight to their decoder
     * (decode_vspace_invocation's first step): issue 22. The other types
     * pay one compare. */
    if (cap_type(inv->cap) == CAP_FRAME) {
        return decode_frame_invocation(inv);
    }
    switch (cap_type(inv->cap)) {
    case CAP_UNTYPED:
        return decode_untyped_invocation(inv);
    case CAP_CNODE:
        return decode_cnode_invocation(inv);
    case CAP_TCB:
        return decode_tcb_invocation(inv);
    case CAP_IRQ_CONTROL:
        return decode_irq_control_invocation(inv);
    case CAP_IRQ_HANDLER:
        return decode_irq_handler_invocation(inv);
    case CAP_FRAME: /* not reached: above */
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_CONTROL:
    case CAP_ASID_POOL:
        return decode_vspace_invocation(inv);
    case CAP_PLATFORM:
        return decode_platform_invocation(inv);
    default:
        return err_invalid_cap(&inv->err, 0);
    }
}

/* Send, NBSend or Call on the capability in the CAP register. seL4
 * handleInvocation: look up the invoked cap, then (for every cap type) the
 * extra caps; endpoint, notification and reply caps go to ipc.c, the
 * others to their decoder. Arguments come from the readable buffer,
 * replies go to the writable one (msg.h). */
static void handle_invocation(tcb_t *t, bool is_call, bool is_blocking)
{
    word_t info = t->ctx.r[HAL_R_INFO];
    word_t cptr = t->ctx.r[HAL_R_CAP];
    /* Every field is set below but err's details: an error reply reads
     * only the fields of its type, which the errors.h helper that reports
     * it sets (issue 22: zeroing the record cost a dozen stores a call). */
    invocation_t inv;
    lookup_fault_t lf; /* a failed lookup's; not reported (InvalidCapability) */
    cte_t *slot;

    if (cspace_lookup_cap(t, cptr, &slot, &lf) != KAAL_NO_ERROR) {
        (void)err_invalid_cap(&inv.err, 0);
        msg_reply_error(t, &inv.err);
        return;
    }
    /* one lookup in the common case: a writable buffer is readable too */
    kaal_ipc_buffer_t *wbuf = ipcbuf_lookup(t, true);
    inv.caller = t;
    inv.buf = wbuf != NULL ? wbuf : ipcbuf_lookup(t, false);
    inv.label = kaal_msginfo_label(info);
    inv.length = kaal_msginfo_length(info);
    inv.slot = slot;
    inv.cap = slot->cap;
    inv.err.type = KAAL_NO_ERROR;
    inv.reply_len = 0;
    if (inv.length > KAAL_MSG_MAX_LENGTH) {
        inv.length = KAAL_MSG_MAX_LENGTH; /* seL4 truncates too */
    }
    if (inv.buf == NULL && inv.length > KAAL_MSG_NUM_REGS) {
        inv.length = KAAL_MSG_NUM_REGS;
    }

    if (msg_lookup_extra_caps(t, inv.buf, kaal_msginfo_extra_caps(info), inv.extra,
                              &inv.num_extra, &inv.err) != KAAL_NO_ERROR) {
        msg_reply_error(t, &inv.err);
        return;
    }
    if (cap_type(inv.cap) == CAP_ENDPOINT || cap_type(inv.cap) == CAP_NOTIFICATION ||
        cap_type(inv.cap) == CAP_REPLY) {
        ipc_send_on_cap(t, slot, is_call, is_blocking);
        return;
    }
    inv.reply_buf = wbuf;
    kerr_t r = dispatch_invocation(&inv);
    if (r == KAAL_PREEMPTED) {
        /* Restart the syscall later, unless the work stopped the caller
         * itself (a thread that deleted or suspended its own TCB). */
        if (thread_runnable(t)) {
            t->state = TS_RESTART;
        }
        return;
    }
    if (r != KAAL_NO_ERROR) {
        inv.err.type = r;
        msg_reply_error(t, &inv.err);
        return;
    }
    if (t->state == TS_RUNNING || t->state == TS_RESTART) {
        t->ctx.r[HAL_R_INFO] = kaal_msginfo(0, 0, 0, inv.reply_len);
    }
}

/* ---- debug syscalls --------------------------------------------------- */

#ifdef KAAL_DEBUG_SYSCALLS
static bool handle_debug_syscall(tcb_t *t, int64_t no)
{
    switch (no) {
    case KAAL_SYS_DEBUG_PUTCHAR:
        hal_console_putc((char)t->ctx.r[HAL_R_CAP]);
        return true;
    case KAAL_SYS_DEBUG_HALT:
        platform_halt(t, t->ctx.r[HAL_R_CAP] & 0xffu);
    case KAAL_SYS_DEBUG_CAP_IDENTIFY:
        t->ctx.r[HAL_R_CAP] = platform_cap_type_at(t, t->ctx.r[HAL_R_CAP]);
        return true;
    case KAAL_SYS_DEBUG_SNAPSHOT:
        /* seL4_DebugSnapshot: the backend shows the capability world
         * (hal/console.h); no register or kernel state changes. */
        hal_debug_snapshot();
        return true;
    default:
        return false;
    }
}
#endif

/* ---- entry points ----------------------------------------------------- */

/* Call or ReplyRecv: the fast path, unless the backend's trap code has
 * tried it already (HAL_FASTPATH_IN_TRAP, hal/entry.h: arm64's vectors try
 * it for every Call and ReplyRecv and come here only when it declined,
 * changing nothing). True if it completed the syscall. */
static inline bool fastpath_first(tcb_t *t, int64_t no)
{
    return !HAL_FASTPATH_IN_TRAP && fastpath_try(t, no);
}

/* Record the PC that re-executes the current syscall (seL4's restart PC):
 * read if the thread blocks in it, is preempted in it and restarted, or
 * faults on it (UnknownSyscall), and by ReadRegisters while the thread
 * does not run. Reply and Yield do none of these (the thread is still
 * RUNNING when they end), so they skip it; any later blocking syscall,
 * fault or Suspend records its own. */
static inline void syscall_restart_point(tcb_t *t)
{
    t->restart_pc = t->ctx.r[HAL_R_PC] - HAL_SYSCALL_INSN_BYTES;
}

/* Call, with the fast path first where the trap code has not tried it:
 * on arm64 a restart point and a tail call, inline in the switch. */
static inline void syscall_call(tcb_t *t)
{
    syscall_restart_point(t);
    if (fastpath_first(t, KAAL_SYS_CALL)) {
        return; /* done, dest chosen: identical to the slow path (fastpath.h) */
    }
    handle_invocation(t, true, true);
}

/* ReplyRecv, with two steps: out of line, so that every case of
 * kaal_entry_syscall ends in a tail call and it needs no stack frame
 * (issue 22: the null syscall's path). */
static __attribute__((noinline)) void syscall_reply_recv(tcb_t *t)
{
    syscall_restart_point(t);
    if (fastpath_first(t, KAAL_SYS_REPLY_RECV)) {
        return;
    }
    ipc_handle_reply(t);
    ipc_handle_recv(t, true);
}

void kaal_entry_syscall(void)
{
    tcb_t *t = ks.cur;
    int64_t no = (int64_t)t->ctx.r[HAL_R_SYSNO];

    switch (no) {
    case KAAL_SYS_CALL:
        syscall_call(t);
        break;
    case KAAL_SYS_SEND:
        syscall_restart_point(t);
        handle_invocation(t, false, true);
        break;
    case KAAL_SYS_NBSEND:
        syscall_restart_point(t);
        handle_invocation(t, false, false);
        break;
    case KAAL_SYS_RECV:
        syscall_restart_point(t);
        ipc_handle_recv(t, true);
        break;
    case KAAL_SYS_NBRECV:
        syscall_restart_point(t);
        ipc_handle_recv(t, false);
        break;
    case KAAL_SYS_REPLY:
        ipc_handle_reply(t);
        break;
    case KAAL_SYS_REPLY_RECV:
        syscall_reply_recv(t);
        break;
    case KAAL_SYS_YIELD:
        sched_yield_current(t);
        break;
#ifdef KAAL_DEBUG_SYSCALLS
    /* cases of their own, so the switch is one dense table of -13..-1 */
    case KAAL_SYS_DEBUG_PUTCHAR:
    case KAAL_SYS_DEBUG_HALT:
    case KAAL_SYS_DEBUG_CAP_IDENTIFY:
    case KAAL_SYS_DEBUG_SNAPSHOT:
        syscall_restart_point(t);
        (void)handle_debug_syscall(t, no); /* true for these four */
        break;
#else
    /* unknown in a release kernel, but cases, so that the switch stays
     * the dense table of -13..-1 it is in a debug kernel */
    case KAAL_SYS_DEBUG_PUTCHAR:
    case KAAL_SYS_DEBUG_HALT:
    case KAAL_SYS_DEBUG_CAP_IDENTIFY:
    case KAAL_SYS_DEBUG_SNAPSHOT:
#endif
    default:
        syscall_restart_point(t);
        fault_unknown_syscall(t, (word_t)no);
        break;
    }
}

void kaal_entry_fault(const kaal_fault_info_t *f)
{
    tcb_t *t = ks.cur;
    t->restart_pc = t->ctx.r[HAL_R_PC];
    fault_user(t, f);
}

void kaal_entry_interrupt(void)
{
    ks.interrupts++;
    irq_handle_pending();
}

static void activate_thread(tcb_t *t)
{
    if (t->state == TS_RESTART) {
        t->ctx.r[HAL_R_PC] = t->restart_pc;
        t->state = TS_RUNNING;
    }
}

/* kaal_kernel_exit in general: schedule, take pending interrupts, idle. */
static __attribute__((noinline)) hal_uctx_t *kernel_exit_loop(void)
{
    for (;;) {
        sched_schedule();
        if (switch_irq_pending()) {
            kaal_entry_interrupt();
            continue;
        }
        if (ks.cur != &ks.idle) {
            activate_thread(ks.cur);
            return &ks.cur->ctx;
        }
        hal_idle_wait();
    }
}

hal_uctx_t *kaal_kernel_exit(void)
{
    /* The common exit, when nothing changed: the loop's first pass would
     * do exactly this (sched_schedule returns at once with resched 0 and
     * cur runnable and not idle, no interrupt is taken, activate_thread
     * does nothing to a RUNNING thread), without its calls. The idle
     * thread's state is TS_IDLE, never TS_RUNNING (the invariant checker
     * checks it), so the state test also says cur is not idle. */
    tcb_t *c = ks.cur;
    if (ks.resched == 0 && c->state == TS_RUNNING && !switch_irq_pending()) {
        return &c->ctx;
    }
    return kernel_exit_loop();
}
