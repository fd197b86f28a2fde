/*
 * Register leaks (issue 16, arm64 hardening, the hosted part): the
 * registers a thread sees carry no kernel value and nothing of another
 * thread's.
 *
 *   - a TCB made from memory that held another thread's TCB reads back
 *     zero (or the architecture's reset image) through ReadRegisters
 *     (general registers and TLS), and its
 *     saved FP/SIMD state (which the hosted harness can observe directly)
 *     holds nothing (zero or the architecture's reset image);
 *   - a new thread started with WriteRegisters(PC, SP) sees exactly those
 *     two and zero everywhere else when it first runs, whatever other
 *     threads did meanwhile;
 *   - after a syscall a thread's registers are its own except the
 *     syscall's output registers (INFO, BADGE, MR0-3; and PC, which moves
 *     past the trap), which hold the values docs/abi.md defines.
 */
#include "thread_helpers.h"
#include "hosted_internal.h"

TestSuite(regleak, .init = world_boot);

static harness_regs_t read_regs(word_t tcb)
{
    word_t args[2] = {0, HAL_UCTX_NUSER};
    return invoke_x(tcb, KAAL_INV_TCB_READ_REGISTERS, 2, args, 0, NULL);
}

/* The ReadRegisters reply (to the current thread): register i. */
static word_t reg_read(unsigned i)
{
    return i < KAAL_MSG_NUM_REGS ? R_mr(ks.cur, i) : harness_ipcbuf()->msg[i];
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            return false;
        }
    }
    return true;
}

/* A context's FP/vector state on hosted: the XSAVE image beside RAM
 * (hal/hosted/xstate.c); its legacy area (x87, SSE) and header. */
#define FP_LEGACY 512u
#define FP_IMAGE (FP_LEGACY + 64u)
static uint8_t *fp_of(const hal_uctx_t *c) { return hosted_xarea(c); }

/* FP/SIMD state holding nothing: all zero, or the reset image a new
 * context gets (hosted_xstate_init: every component in its init state,
 * the x87 control word and MXCSR at their defaults). */
static bool fp_clean(const hal_uctx_t *c)
{
    uint8_t ref[FP_IMAGE] = {0};
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    memcpy(ref + 0, &fcw, sizeof(fcw));
    memcpy(ref + 24, &mxcsr, sizeof(mxcsr));
    const uint8_t *x = fp_of(c);
    return all_zero(x, FP_IMAGE) || memcmp(x, ref, FP_IMAGE) == 0;
}

/* A thread that leaves traces everywhere: registers, TLS, FP state. */
static void dirty(th_t *a)
{
    word_t regs[HAL_UCTX_NUSER];
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        regs[i] = 0xdead000000000000ull | (0x100u + i);
    }
    regs[HAL_R_PC] = TH_PC;
    cr_assert_eq(tcb_write_regs(a->slot, 1, regs), 0);
    cr_assert_eq(inv4(a->slot, KAAL_INV_TCB_SET_TLS_BASE, 1, 0xdeadbeefull, 0, 0, 0, 0, 0, 0), 0);
    memset(fp_of(&a->t->ctx), 0xee, FP_IMAGE); /* as if it had used FP/SIMD */
    word_t ep = mk_ep();
    become(a->t);
    do_nbsend(ep, mi(1, 0, 1), 0xdead);
    become(harness_root());
}

Test(regleak, tcb_reused_memory_reads_zero)
{
    /* A small untyped, so the second TCB lands where the first was. */
    word_t u = new_slot();
    cr_assert_eq(retype_root(th_ut, KAAL_OBJ_UNTYPED, 12, u, 1), 0);
    word_t s1 = new_slot();
    cr_assert_eq(retype_root(u, KAAL_OBJ_TCB, 0, s1, 1), 0);
    tcb_t *first = tcb_of_cap(cap_at(s1));
    word_t frame = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    cr_assert_eq(tcb_configure(s1, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, TH_BUF_VA, frame), 0);
    cr_assert_eq(tcb_set_prio(s1, KAAL_CAP_INIT_TCB, 100), 0);
    th_t a = {s1, frame, first};
    dirty(&a);
    cr_assert_eq(cn_revoke(u), 0, "the old thread and its TCB go");
    cr_assert(cap_is_null(cap_at(s1)));
    word_t s2 = new_slot();
    cr_assert_eq(retype_root(u, KAAL_OBJ_TCB, 0, s2, 1), 0);
    tcb_t *second = tcb_of_cap(cap_at(s2));
    cr_assert_eq(second, first, "the new TCB reuses the old one's memory");

    harness_regs_t r = read_regs(s2);
    cr_assert_eq(rerr(r), 0);
    cr_assert_eq(kaal_msginfo_length(R_info(ks.cur)), HAL_UCTX_NUSER);
    /* The reset image of a context with PC = SP = 0 (hal_uctx_init; on
     * hosted its SP is 0 - 8, as after a call) and nothing else. */
    hal_uctx_t ref;
    hal_uctx_init(&ref, 0, 0, 0);
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        cr_assert(reg_read(i) == 0 || reg_read(i) == ref.r[i], "register %u of a fresh TCB: %lx", i, reg_read(i));
    }
    cr_assert(fp_clean(&second->ctx), "FP/SIMD state of a fresh TCB");
    cr_assert_eq(second->tls_base, 0);
    check_invariants();
}

Test(regleak, first_run_sees_only_written_registers)
{
    th_t other = mk_thread(100);
    dirty(&other);
    th_t t = mk_thread(100); /* WriteRegisters: PC and SP only, then resume */
    /* The root makes a kernel entry with its own values in every register. */
    do_nbrecv(mk_ntfn());
    become(t.t);
    hal_uctx_t z;
    memset(&z, 0, sizeof(z));
    hal_uctx_sanitize(&z); /* what WriteRegisters makes of a zero FLAGS */
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        word_t want = i == HAL_R_PC ? TH_PC : i == HAL_R_SP ? 0x40000000ull : i == HAL_R_FLAGS ? z.r[i] : 0;
        cr_assert_eq(t.t->ctx.r[i], want, "register %u on first run: %lx", i, t.t->ctx.r[i]);
    }
    cr_assert(fp_clean(&t.t->ctx), "FP/SIMD state on first run");
    cr_assert_eq(t.t->tls_base, 0);
}

/* After each syscall: every register but the outputs is what the thread had. */
static bool is_output(unsigned i)
{
    return i == HAL_R_PC || i == HAL_R_SYSNO || i == HAL_R_INFO || i == HAL_R_BADGE || i == HAL_R_MR0 ||
           i == HAL_R_MR1 || i == HAL_R_MR2 || i == HAL_R_MR3;
}

Test(regleak, syscalls_return_only_their_outputs)
{
    th_t t = mk_thread(200);
    word_t regs[HAL_UCTX_NUSER];
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        regs[i] = 0x5a5a000000000000ull | i;
    }
    regs[HAL_R_PC] = TH_PC;
    regs[HAL_R_FLAGS] = 0; /* sanitized anyway */
    cr_assert_eq(tcb_write_regs(t.slot, 0, regs), 0);
    tcb_resume(t.slot);
    word_t ep = mk_ep(), n = mk_ntfn(), bad = new_slot();
    uint8_t fp[FP_LEGACY];
    memset(fp_of(&t.t->ctx), 0x3c, sizeof(fp)); /* the thread's own FP values */
    memcpy(fp, fp_of(&t.t->ctx), sizeof(fp));
    become(t.t);
    struct {
        int64_t no;
        word_t cap;
    } calls[] = {
        {KAAL_SYS_YIELD, 0}, {KAAL_SYS_NBRECV, n}, {KAAL_SYS_NBSEND, ep}, {KAAL_SYS_SEND, n},
        {KAAL_SYS_NBRECV, ep}, {KAAL_SYS_SEND, bad}, {KAAL_SYS_CALL, KAAL_CAP_INIT_TCB},
    };
    for (unsigned k = 0; k < KAAL_ARRAY_SIZE(calls); k++) {
        word_t pc = t.t->ctx.r[HAL_R_PC];
        become(t.t);
        sys(calls[k].no, calls[k].cap, mi(0, 0, 0), 0, 0, 0, 0);
        for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
            if (!is_output(i) && i != HAL_R_FLAGS) {
                cr_assert_eq(t.t->ctx.r[i], regs[i], "syscall %ld changed register %u to %lx", calls[k].no, i,
                             t.t->ctx.r[i]);
            }
        }
        cr_assert_eq(t.t->ctx.r[HAL_R_PC], pc + HAL_SYSCALL_INSN_BYTES, "PC past the trap");
        cr_assert_eq(memcmp(fp_of(&t.t->ctx), fp, sizeof(fp)), 0, "FP/SIMD state after syscall %ld", calls[k].no);
        /* Outputs: an error is label + MR0 (docs/abi.md); a plain return 0. */
        word_t label = R_label(t.t);
        if (label == 0) {
            cr_assert_eq(R_len(t.t) <= KAAL_MSG_NUM_REGS || calls[k].no == KAAL_SYS_CALL, true);
        }
    }
    become(harness_root());
    check_invariants();
}
