/*
 * Helpers of the thread, IPC, notification, fault, IRQ and scheduler
 * tests (test_ipc, test_ntfn, test_tcb, test_sched, test_fault, test_irq).
 *
 * The world: the root thread (priority 255, MCP 255) creates objects by
 * Untyped Retype into its CNode, and threads with TCB Configure (the root
 * CNode as their CSpace, the root VSpace, a fresh 4 KiB frame as IPC
 * buffer), SetPriority and WriteRegisters + Resume. No user code runs: a
 * test plays a thread by making it current (become()) and issuing its
 * syscalls with sys(); each thread's registers are read from its TCB.
 */
#ifndef KAAL_TEST_THREAD_HELPERS_H
#define KAAL_TEST_THREAD_HELPERS_H

#include "caps_helpers.h"
#include "invocation.h"
#include "sched.h"
#include <string.h>

#define TH_PC 0x10000000ull
#define TH_BUF_VA 0x30000000ull

static word_t th_ut;   /* untyped the objects come from */
static word_t th_next; /* next free root CNode slot */

/* Boot a fresh kernel and reset the slot allocator. */
static inline void world_boot(void)
{
    harness_boot();
    th_ut = find_untyped(22);
    th_next = empty_slot(0);
}

/* The root thread of the world; set by thread_world_setup(). */
static tcb_t *root __attribute__((unused));

/* The set-up of the thread tests: TestSuite(name, .init = thread_world_setup). */
static inline void thread_world_setup(void)
{
    world_boot();
    root = harness_root();
}

static inline word_t new_slot(void) { return th_next++; }

/* One object of type (size bits for CNode / untyped) in a new root slot. */
static inline word_t mk_obj(word_t type, word_t bits)
{
    word_t s = new_slot();
    tcb_t *me = ks.cur;
    word_t e = retype_root(th_ut, type, bits, s, 1);
    cr_assert_eq(ks.cur, me, "retype switched threads");
    cr_assert_eq(e, KAAL_NO_ERROR, "retype of type %lu: error %lu", type, e);
    return s;
}
static inline word_t mk_ep(void) { return mk_obj(KAAL_OBJ_ENDPOINT, 0); }
static inline word_t mk_ntfn(void) { return mk_obj(KAAL_OBJ_NOTIFICATION, 0); }

/* Mint a copy of src with rights and badge into a new slot. */
static inline word_t mint(word_t src, word_t rights, word_t badge)
{
    word_t s = new_slot();
    word_t e = cn_mint(s, src, rights, badge);
    cr_assert_eq(e, KAAL_NO_ERROR, "mint: error %lu", e);
    return s;
}

/* ---- invocations by the current thread (args 4.. and caps via its buffer) */

static inline harness_regs_t invoke_x(word_t cptr, word_t label, word_t len, const word_t *args,
                                      unsigned nx, const word_t *extra)
{
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
    for (unsigned i = 0; i < len && i < KAAL_MSG_MAX_LENGTH; i++) {
        if (i < KAAL_MSG_NUM_REGS) {
            mr[i] = args[i];
        } else if (b != NULL) {
            b->msg[i] = args[i];
        }
    }
    for (unsigned i = 0; i < nx && b != NULL; i++) {
        b->caps_or_badges[i] = extra[i];
    }
    return harness_invoke(cptr, label, len, nx, mr[0], mr[1], mr[2], mr[3]);
}

/* Error code of an invocation with up to 4 args and up to 3 extra caps
 * (0-terminated list: a cptr of 0 ends it). */
static inline word_t inv4(word_t cptr, word_t label, word_t len, word_t a0, word_t a1, word_t a2,
                          word_t a3, word_t x0, word_t x1, word_t x2)
{
    word_t args[4] = {a0, a1, a2, a3};
    word_t x[3] = {x0, x1, x2};
    unsigned nx = x0 == 0 ? 0u : x1 == 0 ? 1u : x2 == 0 ? 2u : 3u;
    return rerr(invoke_x(cptr, label, len, args, nx, x));
}

/* ---- TCB invocations (by the current thread) ---------------------------- */

static inline word_t tcb_configure(word_t tcb, word_t fault_ep, word_t cspace, word_t cdata,
                                   word_t vspace, word_t vdata, word_t buf, word_t frame)
{
    word_t args[4] = {fault_ep, cdata, vdata, buf};
    word_t x[3] = {cspace, vspace, frame};
    return rerr(invoke_x(tcb, KAAL_INV_TCB_CONFIGURE, 4, args, 3, x));
}
static inline word_t tcb_set_prio(word_t tcb, word_t auth, word_t prio)
{
    return inv4(tcb, KAAL_INV_TCB_SET_PRIORITY, 1, prio, 0, 0, 0, auth, 0, 0);
}
static inline word_t tcb_set_mcp(word_t tcb, word_t auth, word_t mcp)
{
    return inv4(tcb, KAAL_INV_TCB_SET_MC_PRIORITY, 1, mcp, 0, 0, 0, auth, 0, 0);
}
static inline word_t tcb_resume(word_t tcb) { return inv4(tcb, KAAL_INV_TCB_RESUME, 0, 0, 0, 0, 0, 0, 0, 0); }
static inline word_t tcb_suspend(word_t tcb) { return inv4(tcb, KAAL_INV_TCB_SUSPEND, 0, 0, 0, 0, 0, 0, 0, 0); }

/* WriteRegisters of every user register from regs[] (flags b0: resume). */
static inline word_t tcb_write_regs(word_t tcb, word_t flags, const word_t regs[HAL_UCTX_NUSER])
{
    word_t args[2 + HAL_UCTX_NUSER];
    args[0] = flags;
    args[1] = HAL_UCTX_NUSER;
    memcpy(&args[2], regs, sizeof(word_t) * HAL_UCTX_NUSER);
    return rerr(invoke_x(tcb, KAAL_INV_TCB_WRITE_REGISTERS, 2 + HAL_UCTX_NUSER, args, 0, NULL));
}

/* ---- threads --------------------------------------------------------------- */

typedef struct th {
    word_t slot;  /* TCB cap in the root CNode */
    word_t frame; /* its IPC buffer frame cap */
    tcb_t *t;
} th_t;

/* A thread at prio with an IPC buffer, resumed (runnable, not running).
 * fault_ep: cptr of its fault endpoint in the root CNode (0: none). */
static inline th_t mk_thread_fault(word_t prio, word_t fault_ep)
{
    th_t th;
    th.slot = mk_obj(KAAL_OBJ_TCB, 0);
    th.frame = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    th.t = tcb_of_cap(cap_at(th.slot));
    word_t e = tcb_configure(th.slot, fault_ep, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0,
                             TH_BUF_VA + (th.slot << 12), th.frame);
    cr_assert_eq(e, KAAL_NO_ERROR, "configure: error %lu", e);
    e = tcb_set_prio(th.slot, KAAL_CAP_INIT_TCB, prio);
    cr_assert_eq(e, KAAL_NO_ERROR, "set priority: error %lu", e);
    word_t regs[HAL_UCTX_NUSER] = {0};
    regs[HAL_R_PC] = TH_PC;
    regs[HAL_R_SP] = 0x40000000ull;
    e = tcb_write_regs(th.slot, 1, regs);
    cr_assert_eq(e, KAAL_NO_ERROR, "write registers: error %lu", e);
    cr_assert(thread_runnable(th.t));
    snprintf(th.t->name, sizeof(th.t->name), "t%lu", th.slot);
    return th;
}
static inline th_t mk_thread(word_t prio) { return mk_thread_fault(prio, 0); }

/* Make t the current thread, as the scheduler would (a thread in RESTART
 * state is activated: its PC rolls back to the syscall). */
static inline void become(tcb_t *t)
{
    if (ks.cur != t) {
        harness_set_current(t);
    }
    if (t->state == TS_RESTART) {
        t->ctx.r[HAL_R_PC] = t->restart_pc;
        t->state = TS_RUNNING;
    }
}

/* The current thread makes a syscall; returns that thread (its registers
 * hold the result, whichever thread runs next). */
static inline tcb_t *sys(int64_t no, word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3)
{
    tcb_t *me = ks.cur;
    harness_regs_t r = harness_syscall(no, cap, info, m0, m1, m2, m3);
    cr_assert_eq(r.halted, -1, "kernel halted (%d):\n%s", r.halted, hosted_console_text());
    return me;
}

/* Registers of t as user code would see them. */
static inline word_t R_info(const tcb_t *t) { return t->ctx.r[HAL_R_INFO]; }
static inline word_t R_badge(const tcb_t *t) { return t->ctx.r[HAL_R_BADGE]; }
static inline word_t R_label(const tcb_t *t) { return kaal_msginfo_label(t->ctx.r[HAL_R_INFO]); }
static inline word_t R_len(const tcb_t *t) { return kaal_msginfo_length(t->ctx.r[HAL_R_INFO]); }
static inline word_t R_mr(const tcb_t *t, unsigned i)
{
    static const unsigned regs[4] = {HAL_R_MR0, HAL_R_MR1, HAL_R_MR2, HAL_R_MR3};
    return t->ctx.r[regs[i]];
}
/* Message register i >= 4 of t (its IPC buffer). */
static inline word_t R_buf(tcb_t *t, unsigned i)
{
    kaal_ipc_buffer_t *b = (kaal_ipc_buffer_t *)thread_ipc_buffer(t);
    cr_assert_not_null(b);
    return b->msg[i];
}
static inline kaal_ipc_buffer_t *buf_of(tcb_t *t) { return (kaal_ipc_buffer_t *)thread_ipc_buffer(t); }

static inline word_t mi(word_t label, word_t extra, word_t len) { return kaal_msginfo(label, 0, extra, len); }

/* Common syscalls of the current thread. */
static inline tcb_t *do_send(word_t cap, word_t info, word_t m0) { return sys(KAAL_SYS_SEND, cap, info, m0, 0, 0, 0); }
static inline tcb_t *do_nbsend(word_t cap, word_t info, word_t m0) { return sys(KAAL_SYS_NBSEND, cap, info, m0, 0, 0, 0); }
static inline tcb_t *do_call(word_t cap, word_t info, word_t m0) { return sys(KAAL_SYS_CALL, cap, info, m0, 0, 0, 0); }
static inline tcb_t *do_recv(word_t cap) { return sys(KAAL_SYS_RECV, cap, 0, 0, 0, 0, 0); }
static inline tcb_t *do_nbrecv(word_t cap) { return sys(KAAL_SYS_NBRECV, cap, 0, 0, 0, 0, 0); }
static inline tcb_t *do_reply(word_t info, word_t m0) { return sys(KAAL_SYS_REPLY, 0, info, m0, 0, 0, 0); }
static inline tcb_t *do_reply_recv(word_t cap, word_t info, word_t m0)
{
    return sys(KAAL_SYS_REPLY_RECV, cap, info, m0, 0, 0, 0);
}

/* Thread t, made current, sends one word w on cap (the usual way to queue a
 * sender) or receives on cap (the usual way to queue a receiver). */
static inline tcb_t *send_as(th_t t, word_t cap, word_t w)
{
    become(t.t);
    return do_send(cap, mi(0, 0, 1), w);
}
static inline tcb_t *recv_as(th_t t, word_t cap)
{
    become(t.t);
    return do_recv(cap);
}

#endif
