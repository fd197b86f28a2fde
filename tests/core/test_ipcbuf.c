/* The kernel reaches a thread's IPC buffer only through the rights of its
 * buffer frame cap (core/msg.c ipcbuf_lookup, seL4 lookupIPCBuffer): it
 * writes only through a Read+Write cap and reads only through a readable
 * one. Issue 16's regression: a read-only buffer's words never change,
 * whatever path writes a message (invocation replies, error replies, IPC
 * receive, fault messages); the register MRs still arrive. */
#include "thread_helpers.h"
#include "fault.h"

static tcb_t *root;

static void setup(void)
{
    world_boot();
    root = harness_root();
}

TestSuite(ipcbuf, .init = setup);

#define PATTERN(i) (0x5a5a000000000000ull + (i))

/* Fill the kernel view of frame slot fr with a pattern. */
static word_t *fill_frame(word_t fr)
{
    word_t *w = cap_ptr(cap_at(fr));
    for (unsigned i = 0; i < 512; i++) {
        w[i] = PATTERN(i);
    }
    return w;
}

static void assert_frame_unchanged(const word_t *w)
{
    for (unsigned i = 0; i < 512; i++) {
        cr_assert_eq(w[i], PATTERN(i), "frame word %u changed to 0x%lx", i, w[i]);
    }
}

/* Make t's IPC buffer a copy of frame fr with rights (at offset 0). */
static void set_buffer(word_t tcb, word_t fr, word_t rights)
{
    word_t copy = mint(fr, rights, 0);
    cr_assert_eq(inv4(tcb, KAAL_INV_TCB_SET_IPC_BUFFER, 1, 0x20000000, 0, 0, 0, copy, 0, 0), 0);
}

/* The reported bug: ReadRegisters by a thread whose buffer is read-only. */
Test(ipcbuf, read_only_buffer_gets_no_read_registers_words)
{
    th_t a = mk_thread(100);
    word_t regs[HAL_UCTX_NUSER];
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        regs[i] = 0x1000 + i;
    }
    cr_assert_eq(tcb_write_regs(a.slot, 0, regs), 0);
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    set_buffer(KAAL_CAP_INIT_TCB, fr, KAAL_RIGHT_READ);
    cr_assert_not_null(thread_ipc_buffer(root));
    cr_assert_null(ipcbuf_lookup(root, true), "no writable view of a read-only buffer");
    cr_assert_not_null(ipcbuf_lookup(root, false), "a read-only buffer is readable");
    const word_t *w = fill_frame(fr);
    word_t args[2] = {0, HAL_UCTX_NUSER};
    harness_regs_t r = invoke_x(a.slot, KAAL_INV_TCB_READ_REGISTERS, 2, args, 0, NULL);
    assert_frame_unchanged(w);
    cr_assert_eq(rerr(r), 0);
    cr_assert_eq(R_len(root), KAAL_MSG_NUM_REGS, "only the register MRs: %lu", R_len(root));
    for (unsigned i = 0; i < KAAL_MSG_NUM_REGS; i++) {
        if (i != HAL_R_FLAGS) { /* sanitized */
            cr_assert_eq(R_mr(root, i), 0x1000 + i, "MR %u", i);
        }
    }
    check_invariants();
}

/* The same with a Read+Write copy of the same frame: the words arrive. */
Test(ipcbuf, writable_buffer_gets_read_registers_words)
{
    th_t a = mk_thread(100);
    word_t regs[HAL_UCTX_NUSER] = {0};
    regs[KAAL_MSG_NUM_REGS] = 0x77;
    cr_assert_eq(tcb_write_regs(a.slot, 0, regs), 0);
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    set_buffer(KAAL_CAP_INIT_TCB, fr, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
    const word_t *w = fill_frame(fr);
    word_t args[2] = {0, HAL_UCTX_NUSER};
    cr_assert_eq(rerr(invoke_x(a.slot, KAAL_INV_TCB_READ_REGISTERS, 2, args, 0, NULL)), 0);
    cr_assert_eq(R_len(root), HAL_UCTX_NUSER);
    cr_assert_eq(w[1 + KAAL_MSG_NUM_REGS], 0x77, "msg[4] is word 5 of the buffer");
}

/* An error reply with more MRs than registers (FailedLookup of a guard
 * mismatch: 5 MRs): the fifth is dropped, the length says 4, BADGE is 0. */
Test(ipcbuf, read_only_buffer_error_reply_drops_words)
{
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    word_t ts = mk_obj(KAAL_OBJ_TCB, 0);
    set_buffer(KAAL_CAP_INIT_TCB, fr, KAAL_RIGHT_READ);
    word_t *w = fill_frame(fr);
    /* SetPriority with an authority cptr that misses the root's guard
     * (written by the thread itself, through its own mapping). */
    ((kaal_ipc_buffer_t *)w)->caps_or_badges[0] = ~0ull;
    word_t before[512];
    memcpy(before, w, sizeof(before));
    harness_regs_t r = harness_invoke(ts, KAAL_INV_TCB_SET_PRIORITY, 1, 1, 0, 0, 0, 0);
    cr_assert_arr_eq(w, before, sizeof(before), "the read-only buffer changed");
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(R_len(root), KAAL_MSG_NUM_REGS);
    cr_assert_eq(R_mr(root, 1), KAAL_LOOKUP_GUARD_MISMATCH);
    cr_assert_eq(R_badge(root), 0);
}

/* IPC receive into a read-only buffer: the register MRs arrive, the rest
 * is not written (length 4), and no capability is received. */
Test(ipcbuf, read_only_receiver_gets_register_mrs_only)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    set_buffer(a.slot, fr, KAAL_RIGHT_READ);
    const word_t *w = fill_frame(fr);
    become(a.t);
    do_recv(ep);
    kaal_ipc_buffer_t *sb = harness_ipcbuf();
    for (unsigned i = KAAL_MSG_NUM_REGS; i < 10; i++) {
        sb->msg[i] = 0x900 + i;
    }
    sys(KAAL_SYS_SEND, ep, mi(7, 0, 10), 1, 2, 3, 4);
    assert_frame_unchanged(w);
    cr_assert_eq(R_label(a.t), 7);
    cr_assert_eq(R_len(a.t), KAAL_MSG_NUM_REGS);
    cr_assert_eq(R_mr(a.t, 3), 4);
    check_invariants();
}

/* A sender whose buffer is not readable (a write-only mask leaves no
 * rights, as seL4's maskVMRights): its buffer words and extra-cap cptrs
 * are not read, so only the register MRs travel. */
Test(ipcbuf, unreadable_sender_buffer_is_not_read)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    become(a.t);
    do_recv(ep);
    become(root);
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    set_buffer(KAAL_CAP_INIT_TCB, fr, KAAL_RIGHT_WRITE);
    cr_assert_null(ipcbuf_lookup(root, false));
    fill_frame(fr);
    sys(KAAL_SYS_SEND, ep, mi(1, 0, 10), 1, 2, 3, 4);
    cr_assert_eq(R_len(a.t), KAAL_MSG_NUM_REGS);
    cr_assert_eq(R_info(root), 0, "the Send itself succeeded");
    check_invariants();
}

/* A fault message (UnknownSyscall: every register) to a handler whose
 * buffer is read-only: the buffer keeps its words, MRs 0..3 arrive. */
Test(ipcbuf, read_only_fault_handler_buffer)
{
    word_t ep = mk_ep();
    th_t h = mk_thread(100);
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    set_buffer(h.slot, fr, KAAL_RIGHT_READ);
    const word_t *w = fill_frame(fr);
    become(h.t);
    do_recv(ep);
    th_t f = mk_thread_fault(100, ep);
    become(f.t);
    sys(-1000, 0, 0, 0, 0, 0, 0);
    assert_frame_unchanged(w);
    cr_assert_eq(R_label(h.t), FAULT_UNKNOWN_SYSCALL);
    cr_assert_eq(R_len(h.t), KAAL_MSG_NUM_REGS);
    check_invariants();
}
