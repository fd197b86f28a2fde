/*
 * Kernel entry points and syscall dispatch.
 *
 *   kaal_entry_syscall   decode the syscall number, run it, schedule
 *   kaal_entry_fault     a user fault: deliver or suspend (fault.c)
 *   kaal_entry_interrupt one pending interrupt (irq.c)
 *   kaal_kernel_exit     pick the thread to run, idle while there is none
 *
 * Invocations of kernel objects are looked up here and handed to the
 * object's decoder (invocation.h). KaaL reports a failed lookup of the
 * invoked capability as an error reply (InvalidCapability) to the caller,
 * where seL4 raises a capability fault (docs/abi.md).
 */
#include "invocation.h"
#include "fastpath.h"
#include "ipc.h"
#include "fault.h"
#include "irq.h"
#include "sched.h"
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/irq.h>

struct kstate ks;

hal_uctx_t *kaal_current_uctx(void) { return &ks.cur->ctx; }

/* ---- message registers ------------------------------------------------ */

static const unsigned mr_reg[KAAL_MSG_NUM_REGS] = {HAL_R_MR0, HAL_R_MR1, HAL_R_MR2, HAL_R_MR3};

word_t *thread_ipc_buffer(tcb_t *t)
{
    cap_t fc = t->slots[TCB_BUFFER].cap;
    if (cap_type(fc) != CAP_FRAME || t->ipc_buffer == 0) {
        return NULL;
    }
    word_t off = t->ipc_buffer & KAAL_MASK(frame_size_bits(cap_frame_size(fc)));
    return (word_t *)((uint8_t *)cap_ptr(fc) + off);
}

/* Message register i: mr_reg maps 0..3 to CPU registers; the rest are
 * words 1 + i of the IPC buffer (word 0 is the tag). */
/*@ requires \valid_read(t);
    requires buf != \null ==> \valid_read(buf + (1 .. KAAL_MSG_MAX_LENGTH));
    requires \separated(t, mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    requires buf != \null ==>
      \separated(buf + (1 .. KAAL_MSG_MAX_LENGTH), mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    assigns \nothing;
    ensures i >= KAAL_MSG_NUM_REGS && (buf == \null || i >= KAAL_MSG_MAX_LENGTH) ==> \result == 0;
    ensures KAAL_MSG_NUM_REGS <= i < KAAL_MSG_MAX_LENGTH && buf != \null ==> \result == buf[1 + i];
*/
word_t thread_get_mr(tcb_t *t, word_t *buf, unsigned i)
{
    if (i < KAAL_MSG_NUM_REGS) {
        return t->ctx.r[mr_reg[i]];
    }
    if (buf == NULL || i >= KAAL_MSG_MAX_LENGTH) {
        return 0;
    }
    return buf[1 + i]; /* msg[i] follows the tag word */
}

/*@ requires \valid(t);
    requires buf != \null ==> \valid(buf + (1 .. KAAL_MSG_MAX_LENGTH)) &&
                              \separated(t, buf + (1 .. KAAL_MSG_MAX_LENGTH)) &&
      \separated(buf + (1 .. KAAL_MSG_MAX_LENGTH), mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    requires \separated(t, mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    assigns t->ctx.r[0 .. HAL_UCTX_NREGS - 1], buf[1 .. KAAL_MSG_MAX_LENGTH];
    ensures KAAL_MSG_NUM_REGS <= i < KAAL_MSG_MAX_LENGTH && buf != \null ==> buf[1 + i] == v;
*/
void thread_set_mr(tcb_t *t, word_t *buf, unsigned i, word_t v)
{
    if (i < KAAL_MSG_NUM_REGS) {
        t->ctx.r[mr_reg[i]] = v;
    } else if (buf != NULL && i < KAAL_MSG_MAX_LENGTH) {
        buf[1 + i] = v;
    }
}

word_t inv_arg(const invocation_t *inv, unsigned i)
{
    if (i >= inv->length) {
        return 0;
    }
    return thread_get_mr(inv->caller, inv->buf, i);
}

void inv_set_reply(invocation_t *inv, unsigned i, word_t v)
{
    thread_set_mr(inv->caller, inv->buf, i, v);
    if (i + 1u > inv->reply_len) {
        inv->reply_len = i + 1u;
    }
}

/* ---- errors ------------------------------------------------------------ */

/*@ requires \valid_read(lf) && \valid(mr + (0 .. 4));
    requires \separated(lf, mr + (0 .. 4));
    assigns mr[0 .. 4];
    ensures 1 <= \result <= 4;
    ensures untouched: \forall integer k; \result + 1 <= k < 6 ==>
        *(mr + (k - 1)) == \old(*(mr + (k - 1)));
*/
static unsigned encode_lookup_fault(const lookup_fault_t *lf, word_t *mr)
{
    mr[0] = lf->type;
    switch (lf->type) {
    case KAAL_LOOKUP_MISSING_CAPABILITY:
        mr[1] = lf->bits_left;
        return 2;
    case KAAL_LOOKUP_DEPTH_MISMATCH:
        mr[1] = lf->bits_left;
        mr[2] = lf->bits_found;
        return 3;
    case KAAL_LOOKUP_GUARD_MISMATCH:
        mr[1] = lf->bits_left;
        mr[2] = lf->guard_found;
        mr[3] = lf->guard_size;
        return 4;
    default:
        return 1;
    }
}

/*@ requires \valid_read(e) && \valid(mr + (0 .. 5));
    requires \separated(e, mr + (0 .. 5));
    assigns mr[0 .. 5];
    ensures \result <= 6;
    ensures only_first_n: \forall integer k; \result <= k < 6 ==> mr[k] == \old(mr[k]);
*/
unsigned syscall_error_encode(const syscall_error_t *e, word_t mr[6])
{
    switch (e->type) {
    case KAAL_INVALID_ARGUMENT:
        mr[0] = e->invalid_arg;
        return 1;
    case KAAL_INVALID_CAPABILITY:
        mr[0] = e->invalid_cap;
        return 1;
    case KAAL_RANGE_ERROR:
        mr[0] = e->range_min;
        mr[1] = e->range_max;
        return 2;
    case KAAL_FAILED_LOOKUP:
        mr[0] = e->failed_source;
        return 1u + encode_lookup_fault(&e->lf, &mr[1]);
    case KAAL_NOT_ENOUGH_MEMORY:
        mr[0] = e->mem_left;
        return 1;
    default:
        return 0;
    }
}

/* Reply to t with error e: label = code, details in MRs. */
static void reply_error(tcb_t *t, word_t *buf, const syscall_error_t *e)
{
    word_t mr[6] = {0};
    unsigned n = syscall_error_encode(e, mr);
    for (unsigned i = 0; i < n; i++) {
        thread_set_mr(t, buf, i, mr[i]);
    }
    t->ctx.r[HAL_R_INFO] = kaal_msginfo(e->type, 0, 0, n);
}

/* ---- invocations ----------------------------------------------------- */

/* The extra capabilities' slots, from the caller's IPC buffer (seL4
 * lookupExtraCaps): either FailedLookup, recorded in inv->err, or all
 * count slots found, each a valid kernel slot (what inv_ok asks). */
/*@ requires \valid(inv) && \valid_read(inv->caller) && \separated(inv, inv->caller);
    requires count <= KAAL_MSG_MAX_EXTRA_CAPS && inv->num_extra == 0;
    requires inv->buf != \null ==>
      \valid_read(inv->buf + (0 .. 1 + KAAL_MSG_MAX_LENGTH + KAAL_MSG_MAX_EXTRA_CAPS)) &&
      \separated(inv, inv->buf + (0 .. 1 + KAAL_MSG_MAX_LENGTH + KAAL_MSG_MAX_EXTRA_CAPS));
    assigns inv->extra[0 .. KAAL_MSG_MAX_EXTRA_CAPS - 1], inv->num_extra, inv->err;
    ensures result: \result == KAAL_NO_ERROR ||
      (\result == KAAL_FAILED_LOOKUP && inv->err.type == \result);
    ensures found: \result == KAAL_NO_ERROR ==> inv->num_extra == count &&
      \forall integer i; 0 <= i < count ==> \valid(inv->extra[i]) && kobj_slot(inv->extra[i]);
    ensures partial: inv->num_extra <= count &&
      \forall integer i; 0 <= i < inv->num_extra ==>
        \valid(inv->extra[i]) && kobj_slot(inv->extra[i]);
*/
static kerr_t lookup_extra_caps(invocation_t *inv, word_t count)
{
    lookup_fault_t lf = {0};
    /*@ loop invariant 0 <= i <= count && inv->num_extra == i;
        loop invariant \forall integer k; 0 <= k < i ==>
          \valid(inv->extra[k]) && kobj_slot(inv->extra[k]);
        loop assigns i, lf, inv->extra[0 .. KAAL_MSG_MAX_EXTRA_CAPS - 1], inv->num_extra;
        loop variant count - i;
    */
    for (word_t i = 0; i < count; i++) {
        word_t cptr = inv->buf != NULL ? inv->buf[1 + KAAL_MSG_MAX_LENGTH + 1 + i] : 0;
        if (inv->buf == NULL ||
            cspace_lookup_slot(inv->caller, cptr, &inv->extra[i], &lf) != KAAL_NO_ERROR) {
            return err_failed_lookup(&inv->err, false, &lf);
        }
        inv->num_extra = i + 1u;
    }
    return KAAL_NO_ERROR;
}

static kerr_t dispatch_invocation(invocation_t *inv)
{
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
    case CAP_FRAME:
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_CONTROL:
    case CAP_ASID_POOL:
        return decode_vspace_invocation(inv);
    default:
        return err_invalid_cap(&inv->err, 0);
    }
}

/* Send, NBSend or Call on the capability in the CAP register. */
static void handle_invocation(tcb_t *t, bool is_call, bool is_blocking)
{
    word_t info = t->ctx.r[HAL_R_INFO];
    word_t cptr = t->ctx.r[HAL_R_CAP];
    invocation_t inv = {0};
    lookup_fault_t lf = {0};
    cte_t *slot;

    inv.caller = t;
    inv.buf = thread_ipc_buffer(t);
    inv.label = kaal_msginfo_label(info);
    inv.length = kaal_msginfo_length(info);
    inv.is_call = is_call;
    inv.is_blocking = is_blocking;
    inv.cptr = cptr;
    if (inv.length > KAAL_MSG_MAX_LENGTH) {
        inv.length = KAAL_MSG_MAX_LENGTH; /* seL4 truncates too */
    }
    if (inv.buf == NULL && inv.length > KAAL_MSG_NUM_REGS) {
        inv.length = KAAL_MSG_NUM_REGS;
    }

    if (cspace_lookup_cap(t, cptr, &slot, &lf) != KAAL_NO_ERROR) {
        inv.err.type = KAAL_INVALID_CAPABILITY;
        inv.err.invalid_cap = 0;
        reply_error(t, inv.buf, &inv.err);
        return;
    }
    inv.slot = slot;
    inv.cap = slot->cap;

    if (cap_type(inv.cap) == CAP_ENDPOINT || cap_type(inv.cap) == CAP_NOTIFICATION ||
        cap_type(inv.cap) == CAP_REPLY) {
        ipc_send_on_cap(t, slot, is_call, is_blocking);
        return;
    }

    if (lookup_extra_caps(&inv, kaal_msginfo_extra_caps(info)) != KAAL_NO_ERROR) {
        reply_error(t, inv.buf, &inv.err);
        return;
    }
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
        reply_error(t, inv.buf, &inv.err);
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
        kprintf("kaal: halt requested by thread '%s' (status %lu)\n", t->name,
                (uint64_t)(t->ctx.r[HAL_R_CAP] & 0xffu));
        hal_halt((int)(t->ctx.r[HAL_R_CAP] & 0xffu));
    case KAAL_SYS_DEBUG_CAP_IDENTIFY: {
        cte_t *slot;
        lookup_fault_t lf;
        word_t type = 0;
        if (cspace_lookup_slot(t, t->ctx.r[HAL_R_CAP], &slot, &lf) == KAAL_NO_ERROR) {
            type = cap_type(slot->cap);
        }
        t->ctx.r[HAL_R_CAP] = type;
        return true;
    }
    default:
        return false;
    }
}
#endif

/* ---- entry points ----------------------------------------------------- */

void kaal_entry_syscall(void)
{
    tcb_t *t = ks.cur;
    int64_t no = (int64_t)t->ctx.r[HAL_R_SYSNO];

    ks.entries++;
    t->restart_pc = t->ctx.r[HAL_R_PC] - HAL_SYSCALL_INSN_BYTES;
    if ((no == KAAL_SYS_CALL || no == KAAL_SYS_REPLY_RECV) && fastpath_try(t, no)) {
        return; /* done, dest chosen: identical to the slow path (fastpath.h) */
    }
    switch (no) {
    case KAAL_SYS_CALL:
        handle_invocation(t, true, true);
        break;
    case KAAL_SYS_SEND:
        handle_invocation(t, false, true);
        break;
    case KAAL_SYS_NBSEND:
        handle_invocation(t, false, false);
        break;
    case KAAL_SYS_RECV:
        ipc_handle_recv(t, true);
        break;
    case KAAL_SYS_NBRECV:
        ipc_handle_recv(t, false);
        break;
    case KAAL_SYS_REPLY:
        ipc_handle_reply(t);
        break;
    case KAAL_SYS_REPLY_RECV:
        ipc_handle_reply(t);
        ipc_handle_recv(t, true);
        break;
    case KAAL_SYS_YIELD:
        sched_dequeue(t);
        sched_reschedule();
        break;
#ifdef KAAL_DEBUG_SYSCALLS
    /* cases of their own, so the switch is one dense table of -12..-1 */
    case KAAL_SYS_DEBUG_PUTCHAR:
    case KAAL_SYS_DEBUG_HALT:
    case KAAL_SYS_DEBUG_CAP_IDENTIFY:
        (void)handle_debug_syscall(t, no); /* true for these three */
        break;
#endif
    default:
        fault_unknown_syscall(t, (word_t)no);
        break;
    }
}

void kaal_entry_fault(const kaal_fault_info_t *f)
{
    tcb_t *t = ks.cur;
    ks.entries++;
    t->restart_pc = t->ctx.r[HAL_R_PC];
    fault_user(t, f);
}

void kaal_entry_interrupt(void)
{
    ks.entries++;
    irq_handle_pending();
}

static void activate_thread(tcb_t *t)
{
    if (t->state == TS_RESTART) {
        t->ctx.r[HAL_R_PC] = t->restart_pc;
        t->state = TS_RUNNING;
    }
}

/* hal_irq_pending, inline where the backend offers it (arm64 hal_arch.h) */
#ifdef HAL_ARCH_SWITCH_INLINE
#define exit_irq_pending hal_arch_irq_pending
#else
#define exit_irq_pending hal_irq_pending
#endif

/* kaal_kernel_exit in general: schedule, take pending interrupts, idle. */
static __attribute__((noinline)) hal_uctx_t *kernel_exit_loop(void)
{
    for (;;) {
        sched_schedule();
        if (hal_irq_pending()) {
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
     * does nothing to a RUNNING thread), without its calls. */
    tcb_t *c = ks.cur;
    if (ks.resched == 0 && c != &ks.idle && c->state == TS_RUNNING && !exit_irq_pending()) {
        return &c->ctx;
    }
    return kernel_exit_loop();
}
