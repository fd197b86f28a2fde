/* Faults (core/fault.c): VM faults, user exceptions and unknown syscalls
 * delivered to a fault endpoint in seL4's layout, replies that restart
 * (with new registers) or stop the thread, and suspension with one debug
 * line when there is no valid handler. Faults are driven through
 * kaal_entry_fault() as the backend does. */
#include "thread_helpers.h"
#include "fault.h"

static word_t ep;   /* the fault endpoint */
static word_t fep;  /* a badged copy given to threads as their fault endpoint */

static void setup(void)
{
    thread_world_setup();
    ep = mk_ep();
    fep = mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 0xfa);
}

TestSuite(fault, .init = setup);

static kaal_fault_info_t the_fault;

static void fault_entry(void *arg)
{
    (void)arg;
    kaal_entry_fault(&the_fault);
    (void)kaal_kernel_exit();
}

/* The current thread takes a fault. */
static void take_fault(word_t kind, word_t addr, word_t status, word_t number)
{
    the_fault.kind = kind;
    the_fault.addr = addr;
    the_fault.status = status;
    the_fault.number = number;
    int st = hosted_call_kernel(fault_entry, NULL);
    cr_assert_eq(st, -1, "the kernel halted (%d)", st);
}

/* Root waits on the fault endpoint; thread a (running at pc) faults. */
static th_t faulting_thread(word_t pc)
{
    th_t a = mk_thread_fault(100, fep);
    do_recv(ep);
    cr_assert_eq(root->state, TS_BLOCKED_ON_RECV);
    cr_assert_eq(ks.cur, a.t, "the thread runs while the handler waits");
    become(a.t);
    a.t->ctx.r[HAL_R_PC] = pc;
    return a;
}

Test(fault, vm_fault_message_and_restart)
{
    th_t a = faulting_thread(0x10000123);
    take_fault(KAAL_FAULT_VM_DATA, 0xdead000, 0x6, 14);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_REPLY);
    cr_assert_eq(ks.cur, root, "the handler runs");
    cr_assert_eq(R_label(root), FAULT_VM);
    cr_assert_eq(R_len(root), FAULT_VM_LENGTH);
    cr_assert_eq(R_badge(root), 0xfa);
    cr_assert_eq(R_mr(root, 0), 0x10000123, "IP");
    cr_assert_eq(R_mr(root, 1), 0xdead000, "Addr");
    cr_assert_eq(R_mr(root, 2), 0, "PrefetchFault: a data access");
    cr_assert_eq(R_mr(root, 3), 0x6, "FSR");
    check_invariants();
    do_reply(mi(0, 0, 0), 0);
    cr_assert_eq(a.t->state, TS_RESTART);
    cr_assert_eq(a.t->fault[0], FAULT_NULL);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], 0x10000123, "re-executes the faulting instruction");
    check_invariants();
}

Test(fault, instruction_fault_and_any_reply_restarts)
{
    th_t a = faulting_thread(0x10000200);
    take_fault(KAAL_FAULT_VM_INSTR, 0x10000200, 0x10, 14);
    cr_assert_eq(R_mr(root, 2), 1, "PrefetchFault: an instruction fetch");
    do_reply(mi(5, 0, 0), 0);
    cr_assert_eq(a.t->state, TS_RESTART, "seL4: a VM fault reply always restarts");
    check_invariants();
}

Test(fault, user_exception_message_and_new_pc)
{
    th_t a = faulting_thread(0x10000300);
    a.t->ctx.r[HAL_R_SP] = 0x4000fff0;
    take_fault(KAAL_FAULT_USER_EXCEPTION, 0, 0x2, 6);
    cr_assert_eq(R_label(root), FAULT_USER_EXCEPTION);
    cr_assert_eq(R_len(root), FAULT_USER_EXCEPTION_LENGTH);
    cr_assert_eq(R_mr(root, 0), 0x10000300, "FaultIP");
    cr_assert_eq(R_mr(root, 1), 0x4000fff0, "SP");
    cr_assert_eq(R_mr(root, 2), a.t->ctx.r[HAL_R_FLAGS], "FLAGS");
    cr_assert_eq(R_mr(root, 3), 6, "Number");
    cr_assert_eq(harness_ipcbuf()->msg[4], 0x2, "Code");
    /* Reply with a new PC: the thread continues there. */
    do_reply(mi(0, 0, 1), 0x10000400);
    cr_assert_eq(a.t->state, TS_RESTART);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], 0x10000400);
    check_invariants();
}

Test(fault, user_exception_reply_with_label_stops_thread)
{
    th_t a = faulting_thread(0x10000300);
    take_fault(KAAL_FAULT_USER_EXCEPTION, 0, 0, 0);
    do_reply(mi(1, 0, 0), 0);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    check_invariants();
}

Test(fault, unknown_syscall_message_and_reply_registers)
{
    th_t a = faulting_thread(TH_PC);
    a.t->ctx.r[HAL_R_SP] = 0x4000aaa0;
    sys(-77, 0, 0, 1, 2, 3, 4);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_REPLY);
    cr_assert_eq(R_label(root), FAULT_UNKNOWN_SYSCALL);
    cr_assert_eq(R_len(root), FAULT_UNKNOWN_SYSCALL_LENGTH);
    cr_assert_eq(R_badge(root), 0xfa);
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    word_t mr[FAULT_UNKNOWN_SYSCALL_LENGTH];
    for (unsigned i = 0; i < FAULT_UNKNOWN_SYSCALL_LENGTH; i++) {
        mr[i] = i < KAAL_MSG_NUM_REGS ? R_mr(root, i) : b->msg[i];
    }
    cr_assert_eq(mr[HAL_R_PC], TH_PC, "FaultIP: the syscall instruction");
    cr_assert_eq(mr[HAL_R_SP], 0x4000aaa0);
    cr_assert_eq(mr[HAL_R_MR0], 1);
    cr_assert_eq(mr[HAL_R_MR3], 4);
    cr_assert_eq((int64_t)mr[HAL_R_SYSNO], -77);
    cr_assert_eq((int64_t)mr[HAL_UCTX_NUSER], -77, "the syscall number comes last");
    check_invariants();
    /* Reply label 0 with registers: skip the syscall, set a result. */
    word_t out[HAL_UCTX_NUSER];
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        out[i] = mr[i];
    }
    out[HAL_R_PC] = TH_PC + HAL_SYSCALL_INSN_BYTES;
    out[HAL_R_MR0] = 0x5555;
    for (unsigned i = KAAL_MSG_NUM_REGS; i < HAL_UCTX_NUSER; i++) {
        b->msg[i] = out[i];
    }
    sys(KAAL_SYS_REPLY, 0, mi(0, 0, HAL_UCTX_NUSER), out[0], out[1], out[2], out[3]);
    cr_assert_eq(a.t->state, TS_RESTART);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], TH_PC + HAL_SYSCALL_INSN_BYTES);
    cr_assert_eq(a.t->ctx.r[HAL_R_MR0], 0x5555);
    check_invariants();
}

Test(fault, unknown_syscall_short_reply_reexecutes_and_label_stops)
{
    th_t a = faulting_thread(TH_PC);
    sys(-100, 0, 0, 0, 0, 0, 0);
    do_reply(mi(0, 0, 0), 0);
    cr_assert_eq(a.t->state, TS_RESTART);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], TH_PC, "no registers changed: the syscall runs again");
    /* Again, and this time the handler says no. */
    become(root);
    do_recv(ep);
    become(a.t);
    sys(-100, 0, 0, 0, 0, 0, 0);
    do_reply(mi(1, 0, 0), 0);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    check_invariants();
}

Test(fault, fault_queues_until_handler_receives)
{
    th_t a = mk_thread_fault(100, fep);
    become(a.t);
    take_fault(KAAL_FAULT_VM_DATA, 0x1234, 0, 14);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_SEND);
    cr_assert_eq(ks.cur, root);
    do_recv(ep);
    cr_assert_eq(R_label(root), FAULT_VM);
    cr_assert_eq(R_mr(root, 1), 0x1234);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_REPLY);
    check_invariants();
}

Test(fault, no_handler_suspends_with_one_line)
{
    th_t a = mk_thread(100);
    snprintf(a.t->name, sizeof(a.t->name), "victim");
    become(a.t);
    a.t->ctx.r[HAL_R_PC] = 0x10000500;
    take_fault(KAAL_FAULT_VM_DATA, 0x42, 0, 14);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    cr_assert_eq(ks.cur, root, "the kernel goes on");
    const char *text = hosted_console_text();
    cr_assert(strstr(text, "thread 'victim' data VM fault at pc 0x10000500 addr 0x42: "
                           "no fault handler, suspended") != NULL, "console: %s", text);
    /* Resume re-executes the faulting instruction. */
    cr_assert_eq(tcb_resume(a.slot), 0);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], 0x10000500);
    check_invariants();
}

Test(fault, invalid_handlers_suspend)
{
    word_t ro = mint(ep, KAAL_RIGHT_READ | KAAL_RIGHT_GRANT, 0);
    word_t wonly = mint(ep, KAAL_RIGHT_WRITE, 0);
    word_t n = mk_ntfn();
    word_t bad[] = {ro, wonly, n, 4095, ~0ull};
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(bad); i++) {
        th_t a = mk_thread_fault(100, bad[i]);
        become(a.t);
        take_fault(KAAL_FAULT_USER_EXCEPTION, 0, 0, 6);
        cr_assert_eq(a.t->state, TS_INACTIVE, "handler %u", i);
        cr_assert_eq(a.t->fault[0], FAULT_NULL);
        cr_assert_eq(ks.cur, root);
    }
    cr_assert_eq(ep_of_cap(cap_at(ep))->state, EP_IDLE);
    check_invariants();
}

Test(fault, deleting_fault_endpoint_restarts_faulter)
{
    th_t a = mk_thread_fault(100, fep);
    become(a.t);
    a.t->ctx.r[HAL_R_PC] = 0x10000600;
    take_fault(KAAL_FAULT_VM_DATA, 0x9, 0, 14);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_SEND);
    cr_assert_eq(cn_delete(fep), 0);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_SEND, "a copy remains");
    cr_assert_eq(cn_delete(ep), 0);
    cr_assert_eq(a.t->state, TS_RESTART);
    cr_assert_eq(a.t->fault[0], FAULT_NULL);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], 0x10000600);
    /* It faults again: now with no handler, it is suspended. */
    take_fault(KAAL_FAULT_VM_DATA, 0x9, 0, 14);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    check_invariants();
}

Test(fault, handler_without_buffer_gets_the_register_part)
{
    th_t h = mk_thread(200);
    cr_assert_eq(inv4(h.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, 0, 0, 0, 0, h.frame, 0, 0), 0);
    th_t a = mk_thread_fault(100, fep);
    recv_as(h, ep);
    become(a.t);
    sys(-99, 0, 0, 0, 0, 0, 0);
    cr_assert_eq(R_label(h.t), FAULT_UNKNOWN_SYSCALL);
    cr_assert_eq(R_len(h.t), KAAL_MSG_NUM_REGS, "cut to the register MRs");
    check_invariants();
}

Test(fault, suspending_faulter_drops_its_reply_cap)
{
    th_t a = faulting_thread(0x10000700);
    take_fault(KAAL_FAULT_VM_DATA, 0x1, 0, 14);
    cr_assert_eq(cap_type(root->slots[TCB_CALLER].cap), CAP_REPLY);
    cr_assert_eq(tcb_suspend(a.slot), 0);
    cr_assert(cap_is_null(root->slots[TCB_CALLER].cap));
    cr_assert_eq(a.t->fault[0], FAULT_NULL);
    do_reply(mi(0, 0, 0), 0);
    cr_assert_eq(a.t->state, TS_INACTIVE, "the reply found no reply cap");
    check_invariants();
}
