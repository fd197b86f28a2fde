/*
 * User-API test, threads: a worker thread with its own IPC buffer answers
 * Calls of ten message words (SetMR/GetMR across MR3/MR4), its user
 * context goes through ReadRegisters / WriteRegisters by name and back,
 * and every TCB wrapper runs on a second TCB, with error details.
 */
#include <kaal/caps.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include "uapi.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define DEPTH KAAL_WORD_BITS
#define STACK_BYTES 8192u
#define WORDS 10u

static unsigned char worker_stack[STACK_BYTES] __attribute__((aligned(16)));
static kaal_ipc_buffer_t *worker_buf;
static kaal_cptr_t worker_ep;

/* The worker: answers every message with each word + 1 and the badge as
 * label, through its own IPC buffer (kaal_thread_start recorded it). */
__attribute__((noreturn)) static void worker(kaal_word_t arg)
{
    (void)arg;
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    kaal_msg_t m = kaal_recv(worker_ep);
    for (;;) {
        kaal_word_t n = kaal_msginfo_length(m.info);
        kaal_word_t r[KAAL_MSG_NUM_REGS];
        for (unsigned i = 0; i < KAAL_MSG_NUM_REGS; i++) {
            r[i] = m.mr[i] + 1u;
        }
        for (kaal_word_t i = KAAL_MSG_NUM_REGS; i < n; i++) {
            ipc->msg[i] += 1u;
        }
        m = kaal_reply_recv(worker_ep, kaal_msginfo(m.badge, 0, 0, n), r);
    }
}

/* Ten words out, ten back, across the register / buffer boundary. */
static void call_words(kaal_cptr_t ep, kaal_word_t badge, kaal_word_t base)
{
    for (unsigned i = 0; i < WORDS; i++) {
        UAPI_EQ("SetMR", kaal_set_mr(i, base + i), KAAL_NO_ERROR);
    }
    kaal_msg_t r = kaal_syscall_mrs((kaal_word_t)KAAL_SYS_CALL, ep, kaal_msginfo(1, 0, 0, WORDS));
    UAPI_EQ("reply label = badge", kaal_msginfo_label(r.info), badge);
    UAPI_EQ("reply length", kaal_msginfo_length(r.info), WORDS);
    for (unsigned i = 0; i < WORDS; i++) {
        UAPI_EQ("GetMR of the reply", kaal_get_mr(i), base + i + 1u);
    }
}

/* The user context by name: read, change one register, write, read back,
 * restore. The worker is suspended meanwhile. */
static void context_round_trip(kaal_cptr_t tcb)
{
    kaal_user_context_t a, b;
    UAPI_EQ("ReadRegisters (suspend)", kaal_tcb_read_registers(tcb, true, KAAL_NUM_USER_REGS, &a), 0);
    for (unsigned i = 0; i < KAAL_NUM_USER_REGS; i++) {
        UAPI_EQ("GetMR after ReadRegisters", kaal_get_mr(i), a.r[i]);
    }
    const kaal_word_t lo = (kaal_word_t)(uintptr_t)worker_stack, hi = lo + STACK_BYTES;
#if defined(__aarch64__)
    uapi_check("sp in the worker's stack", a.sp > lo && a.sp <= hi, a.sp, hi);
    UAPI_EQ("pc by name and index", a.pc, a.r[KAAL_REG_PC]);
    b = a;
    b.x19 = 0x1234567u;
    b.tpidr_el0 = 0x7770u;
#else
    uapi_check("rsp in the worker's stack", a.rsp > lo && a.rsp <= hi, a.rsp, hi);
    UAPI_EQ("rip by name and index", a.rip, a.r[KAAL_REG_PC]);
    b = a;
    b.rbx = 0x1234567u;
    b.fs_base = 0x7770u;
#endif
    kaal_user_context_t c;
    UAPI_EQ("WriteRegisters", kaal_tcb_write_registers(tcb, false, KAAL_NUM_USER_REGS, &b), 0);
    UAPI_EQ("ReadRegisters", kaal_tcb_read_registers(tcb, false, KAAL_NUM_USER_REGS, &c), 0);
    for (unsigned i = 0; i < KAAL_NUM_USER_REGS; i++) {
        if (i != KAAL_REG_FLAGS) { /* FLAGS come back sanitized */
            UAPI_EQ("register written and read back", c.r[i], b.r[i]);
        }
    }
#if defined(__aarch64__)
    UAPI_EQ("x19 by name", c.x19, 0x1234567u);
#else
    UAPI_EQ("rbx by name", c.rbx, 0x1234567u);
#endif
    UAPI_EQ("TLS by index", c.r[KAAL_REG_TLS], 0x7770u);
    UAPI_EQ("restore", kaal_tcb_write_registers(tcb, false, KAAL_NUM_USER_REGS, &a), 0);
    UAPI_EQ("Resume", kaal_tcb_resume(tcb), 0);
}

/* Every TCB wrapper on a TCB that never runs, with error details. */
static void tcb_methods(uapi_alloc_t *a, kaal_cptr_t worker_tcb, uint64_t buf_vaddr, uint64_t buf_frame)
{
    kaal_cptr_t t = uapi_make(a, KAAL_OBJ_TCB, 0);
    kaal_cptr_t ntfn = uapi_make(a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_user_context_t w, c;

    UAPI_EQ("Configure", kaal_tcb_configure(t, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0, 0), 0);
    UAPI_EQ("SetSpace", kaal_tcb_set_space(t, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0), 0);
    UAPI_EQ("SetSpace: not a CNode", kaal_tcb_set_space(t, 0, ntfn, 0, KAAL_CAP_INIT_VSPACE, 0),
            KAAL_ILLEGAL_OPERATION);
    UAPI_EQ("SetIPCBuffer unaligned", kaal_tcb_set_ipc_buffer(t, buf_vaddr + 8u, buf_frame), KAAL_ALIGNMENT_ERROR);
    UAPI_EQ("SetIPCBuffer", kaal_tcb_set_ipc_buffer(t, buf_vaddr, buf_frame), 0);
    UAPI_EQ("SetMCPriority", kaal_tcb_set_mc_priority(t, KAAL_CAP_INIT_TCB, 50), 0);
    UAPI_EQ("SetPriority above the authority's MCP", kaal_tcb_set_priority(t, t, 60), KAAL_RANGE_ERROR);
    UAPI_EQ("  min", kaal_last_reply_mr(0), 0);
    UAPI_EQ("  max = the MCP", kaal_last_reply_mr(1), 50);
    UAPI_EQ("SetPriority 256", kaal_tcb_set_priority(t, KAAL_CAP_INIT_TCB, 256), KAAL_RANGE_ERROR);
    UAPI_EQ("  max", kaal_last_reply_mr(1), KAAL_MAX_PRIO);
    UAPI_EQ("SetSchedParams", kaal_tcb_set_sched_params(t, KAAL_CAP_INIT_TCB, 40, 30), 0);
    UAPI_EQ("SetPriority within the new MCP", kaal_tcb_set_priority(t, t, 40), 0);
    UAPI_EQ("ReadRegisters of 0", kaal_tcb_read_registers(t, false, 0, &c), KAAL_RANGE_ERROR);
    UAPI_EQ("  min", kaal_last_reply_mr(0), 1);
    UAPI_EQ("  max", kaal_last_reply_mr(1), KAAL_NUM_USER_REGS);
    UAPI_EQ("ReadRegisters of itself", kaal_tcb_read_registers(KAAL_CAP_INIT_TCB, false, 1, &c),
            KAAL_ILLEGAL_OPERATION);
    UAPI_EQ("CopyRegisters", kaal_tcb_copy_registers(t, worker_tcb, false, false, true, true), 0);
    UAPI_EQ("read the copy", kaal_tcb_read_registers(t, false, KAAL_NUM_USER_REGS, &c), 0);
    UAPI_EQ("read the source", kaal_tcb_read_registers(worker_tcb, false, KAAL_NUM_USER_REGS, &w), 0);
    for (unsigned i = 0; i < KAAL_NUM_USER_REGS; i++) {
        if (i != KAAL_REG_FLAGS) { /* FLAGS come back sanitized */
            UAPI_EQ("register copied", c.r[i], w.r[i]);
        }
    }
    UAPI_EQ("CopyRegisters from a notification", kaal_tcb_copy_registers(t, ntfn, false, false, true, true),
            KAAL_INVALID_CAPABILITY);
    UAPI_EQ("  the extra cap", kaal_last_reply_mr(0), 1);
    UAPI_EQ("SetTLSBase", kaal_tcb_set_tls_base(t, 0x7000u), 0);
    UAPI_EQ("read it", kaal_tcb_read_registers(t, false, KAAL_NUM_USER_REGS, &c), 0);
    UAPI_EQ("  TLS", c.r[KAAL_REG_TLS], 0x7000u);
    UAPI_EQ("BindNotification", kaal_tcb_bind_notification(t, ntfn), 0);
    UAPI_EQ("BindNotification twice", kaal_tcb_bind_notification(t, ntfn), KAAL_ILLEGAL_OPERATION);
    UAPI_EQ("UnbindNotification", kaal_tcb_unbind_notification(t), 0);
    UAPI_EQ("UnbindNotification twice", kaal_tcb_unbind_notification(t), KAAL_ILLEGAL_OPERATION);
    UAPI_EQ("Suspend", kaal_tcb_suspend(t), 0);
}

int uapi_threads(uapi_alloc_t *a, uint64_t buf_vaddr, uint64_t buf_frame)
{
    kaal_cptr_t tcb = uapi_make(a, KAAL_OBJ_TCB, 0);
    kaal_cptr_t badged = uapi_take(a);
    worker_ep = uapi_make(a, KAAL_OBJ_ENDPOINT, 0);
    worker_buf = (kaal_ipc_buffer_t *)(uintptr_t)buf_vaddr;
    if (tcb == 0 || worker_ep == 0 || buf_vaddr == 0) {
        return 1;
    }
    UAPI_EQ("Mint badge 0x42", kaal_cnode_mint(ROOT, badged, DEPTH, ROOT, worker_ep, DEPTH, KAAL_RIGHTS_ALL, 0x42),
            0);
    kaal_word_t err = kaal_tcb_configure(tcb, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, buf_vaddr, buf_frame);
    UAPI_EQ("Configure the worker", err, 0);
    UAPI_EQ("its priority", kaal_tcb_set_sched_params(tcb, KAAL_CAP_INIT_TCB, 100, 100), 0);
    UAPI_EQ("start the worker", kaal_thread_start(tcb, worker, 0, worker_stack, STACK_BYTES, worker_buf), 0);
    if (err != KAAL_NO_ERROR) {
        return 1;
    }
    call_words(badged, 0x42, 0x100);
    context_round_trip(tcb);
    call_words(worker_ep, 0, 0x200); /* still answers after the round trip */
    tcb_methods(a, tcb, buf_vaddr, buf_frame);
    UAPI_EQ("Suspend the worker", kaal_tcb_suspend(tcb), 0);
    return 0;
}
