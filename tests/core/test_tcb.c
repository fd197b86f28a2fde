/* TCB invocations (core/tcb.c): Configure, SetSpace, SetIPCBuffer,
 * SetPriority / SetMCPriority / SetSchedParams and the MCP rule, Suspend,
 * Resume, Read / Write / CopyRegisters, SetTLSBase, with error paths. */
#include "thread_helpers.h"

TestSuite(tcb, .init = thread_world_setup);

/* ---- Configure, SetSpace, SetIPCBuffer ------------------------------------------- */

Test(tcb, configure_installs_space_buffer_and_fault_ep)
{
    word_t ts = mk_obj(KAAL_OBJ_TCB, 0);
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    tcb_t *t = tcb_of_cap(cap_at(ts));
    cr_assert_eq(t->state, TS_INACTIVE);
    cr_assert_eq(tcb_configure(ts, 77, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0x20000400, fr), 0);
    cr_assert_eq(t->fault_ep, 77);
    cr_assert_eq(cap_type(t->slots[TCB_CTABLE].cap), CAP_CNODE);
    cr_assert(cap_same_object(t->slots[TCB_CTABLE].cap, cap_at(ROOT)));
    cr_assert_eq(cap_type(t->slots[TCB_VTABLE].cap), CAP_VSPACE);
    cr_assert_eq(cap_type(t->slots[TCB_BUFFER].cap), CAP_FRAME);
    cr_assert_not(cap_frame_mapped(t->slots[TCB_BUFFER].cap), "the buffer cap is an unmapped copy");
    cr_assert_eq(t->ipc_buffer, 0x20000400);
    cr_assert_eq((uint8_t *)thread_ipc_buffer(t), (uint8_t *)cap_ptr(cap_at(fr)) + 0x400);
    check_invariants();
    /* Configure again: the old caps are replaced, not leaked. */
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0, fr), 0);
    cr_assert(cap_is_null(t->slots[TCB_BUFFER].cap));
    cr_assert_eq(t->ipc_buffer, 0);
    cr_assert_null(thread_ipc_buffer(t));
    check_invariants();
}

Test(tcb, configure_errors)
{
    word_t ts = mk_obj(KAAL_OBJ_TCB, 0);
    word_t fr = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    word_t vs = mk_obj(KAAL_OBJ_VSPACE, 0); /* no ASID */
    word_t ep = mk_ep();
    word_t args[4] = {0, 0, 0, 0x20000000};
    word_t x[3] = {ROOT, KAAL_CAP_INIT_VSPACE, fr};
    cr_assert_eq(rerr(invoke_x(ts, KAAL_INV_TCB_CONFIGURE, 3, args, 3, x)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(invoke_x(ts, KAAL_INV_TCB_CONFIGURE, 4, args, 2, x)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(tcb_configure(ts, 0, ep, 0, KAAL_CAP_INIT_VSPACE, 0, 0, fr), KAAL_ILLEGAL_OPERATION,
                 "CSpace root not a CNode");
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 0, vs, 0, 0, fr), KAAL_ILLEGAL_OPERATION,
                 "VSpace without an ASID");
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 0, ep, 0, 0, fr), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0x20000008, fr),
                 KAAL_ALIGNMENT_ERROR, "buffer not 1 KiB aligned");
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0x20000000, ep),
                 KAAL_ILLEGAL_OPERATION, "buffer not a frame");
    /* A CNode guard that does not fit the radix makes the cap null. */
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0, fr), 0);
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 63, KAAL_CAP_INIT_VSPACE, 0, 0, fr), KAAL_ILLEGAL_OPERATION);
    /* Extra caps that do not resolve. */
    cr_assert_eq(tcb_configure(ts, 0, 4095, 0, KAAL_CAP_INIT_VSPACE, 0, 0, fr), KAAL_ILLEGAL_OPERATION,
                 "an empty slot is no CNode");
    cr_assert_eq(tcb_configure(ts, 0, ~0ull, 0, KAAL_CAP_INIT_VSPACE, 0, 0, fr), KAAL_FAILED_LOOKUP);
    check_invariants();
}

Test(tcb, configure_rejects_device_frame_as_buffer)
{
    word_t dev = find_device_untyped();
    cr_assert_neq(dev, 0);
    word_t df = new_slot();
    cr_assert_eq(retype_root(dev, KAAL_OBJ_FRAME_4K, 0, df, 1), 0);
    word_t ts = mk_obj(KAAL_OBJ_TCB, 0);
    cr_assert_eq(tcb_configure(ts, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0x20000000, df),
                 KAAL_ILLEGAL_OPERATION);
    check_invariants();
}

Test(tcb, set_space_and_ipc_buffer)
{
    th_t a = mk_thread(10);
    word_t cn = mk_obj(KAAL_OBJ_CNODE, 4);
    /* Guard data: guard size 60 (bits 0-5) so that 4 + 60 bits resolve. */
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_SPACE, 3, 12, 60, 0, 0, cn, KAAL_CAP_INIT_VSPACE, 0), 0);
    cr_assert_eq(a.t->fault_ep, 12);
    cr_assert(cap_same_object(a.t->slots[TCB_CTABLE].cap, cap_at(cn)));
    cr_assert_eq(cap_cnode_guard_size(a.t->slots[TCB_CTABLE].cap), 60);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_SPACE, 2, 12, 0, 0, 0, cn, KAAL_CAP_INIT_VSPACE, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_SPACE, 3, 12, 0, 0, 0, cn, 0, 0), KAAL_TRUNCATED_MESSAGE);
    /* SetIPCBuffer. */
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, 0x20000c00, 0, 0, 0, a.frame, 0, 0), 0);
    cr_assert_eq(a.t->ipc_buffer, 0x20000c00);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, 0x20000c10, 0, 0, 0, a.frame, 0, 0),
                 KAAL_ALIGNMENT_ERROR);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, 0x20000c00, 0, 0, 0, 0, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 0, 0, 0, 0, 0, a.frame, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    check_invariants();
}

/* ---- priorities and the MCP -------------------------------------------------------- */

Test(tcb, priority_is_bounded_by_authority_mcp)
{
    th_t a = mk_thread(10);
    th_t b = mk_thread(10);
    cr_assert_eq(a.t->mcp, 0, "a new thread has MCP 0");
    /* a as authority (MCP 0) cannot give anyone a priority above 0. */
    harness_regs_t r;
    {
        word_t args[1] = {1};
        word_t x[1] = {a.slot};
        r = invoke_x(b.slot, KAAL_INV_TCB_SET_PRIORITY, 1, args, 1, x);
    }
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR);
    cr_assert_eq(R_mr(root, 0), 0, "range min");
    cr_assert_eq(R_mr(root, 1), 0, "range max = the authority's MCP");
    cr_assert_eq(tcb_set_mcp(a.slot, KAAL_CAP_INIT_TCB, 50), 0);
    cr_assert_eq(tcb_set_prio(b.slot, a.slot, 50), 0);
    cr_assert_eq(b.t->prio, 50);
    cr_assert_eq(tcb_set_prio(b.slot, a.slot, 51), KAAL_RANGE_ERROR);
    cr_assert_eq(tcb_set_mcp(b.slot, a.slot, 51), KAAL_RANGE_ERROR);
    cr_assert_eq(tcb_set_prio(a.slot, a.slot, 60), KAAL_RANGE_ERROR, "a thread cannot raise itself");
    cr_assert_eq(tcb_set_prio(b.slot, KAAL_CAP_INIT_TCB, 256), KAAL_RANGE_ERROR);
    cr_assert_eq(tcb_set_prio(b.slot, KAAL_CAP_INIT_TCB, ~0ull), KAAL_RANGE_ERROR);
    check_invariants();
}

Test(tcb, priority_errors)
{
    th_t a = mk_thread(10);
    word_t ep = mk_ep();
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_PRIORITY, 0, 5, 0, 0, 0, KAAL_CAP_INIT_TCB, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_PRIORITY, 1, 5, 0, 0, 0, 0, 0, 0), KAAL_TRUNCATED_MESSAGE);
    word_t args[1] = {5};
    word_t x[1] = {ep};
    harness_regs_t r = invoke_x(a.slot, KAAL_INV_TCB_SET_PRIORITY, 1, args, 1, x);
    cr_assert_eq(rerr(r), KAAL_INVALID_CAPABILITY, "authority not a TCB");
    cr_assert_eq(R_mr(root, 0), 1, "extra cap 1 is the bad one");
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_SCHED_PARAMS, 1, 5, 5, 0, 0, KAAL_CAP_INIT_TCB, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(a.t->prio, 10, "nothing changed");
    check_invariants();
}

Test(tcb, set_sched_params_sets_both)
{
    th_t a = mk_thread(10);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_SCHED_PARAMS, 2, 100, 90, 0, 0, KAAL_CAP_INIT_TCB, 0, 0), 0);
    cr_assert_eq(a.t->mcp, 100);
    cr_assert_eq(a.t->prio, 90);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_SCHED_PARAMS, 2, 100, 120, 0, 0, a.slot, 0, 0),
                 KAAL_RANGE_ERROR, "prio above the authority's MCP");
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_SCHED_PARAMS, 2, 101, 50, 0, 0, a.slot, 0, 0),
                 KAAL_RANGE_ERROR, "MCP above the authority's MCP");
    cr_assert_eq(a.t->prio, 90);
    check_invariants();
}

/* ---- Suspend and Resume --------------------------------------------------------------- */

Test(tcb, suspend_cancels_ipc_and_resume_restarts)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    recv_as(a, ep);
    cr_assert_eq(tcb_suspend(a.slot), 0);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    cr_assert_eq(ep_of_cap(cap_at(ep))->state, EP_IDLE);
    cr_assert_not(a.t->in_ready_queue);
    check_invariants();
    cr_assert_eq(tcb_resume(a.slot), 0);
    cr_assert_eq(a.t->state, TS_RESTART, "the Recv will run again");
    cr_assert(a.t->in_ready_queue);
    cr_assert_eq(tcb_resume(a.slot), 0, "resuming a runnable thread does nothing");
    cr_assert_eq(a.t->state, TS_RESTART);
    check_invariants();
}

Test(tcb, suspend_running_thread_keeps_its_place)
{
    th_t a = mk_thread(100);
    become(a.t);
    a.t->ctx.r[HAL_R_PC] = 0x10000040;
    become(root);
    cr_assert_eq(tcb_suspend(a.slot), 0);
    cr_assert_eq(a.t->restart_pc, 0x10000040, "resumes where it stopped");
    cr_assert_eq(tcb_resume(a.slot), 0);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], 0x10000040);
    check_invariants();
}

Test(tcb, suspending_self_stops_the_caller)
{
    th_t a = mk_thread(100);
    become(a.t);
    tcb_suspend(a.slot);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    cr_assert_eq(ks.cur, root);
    check_invariants();
}

/* ---- registers ---------------------------------------------------------------------------- */

static harness_regs_t read_regs(word_t tcb, word_t flags, word_t n)
{
    word_t args[2] = {flags, n};
    return invoke_x(tcb, KAAL_INV_TCB_READ_REGISTERS, 2, args, 0, NULL);
}

Test(tcb, read_and_write_registers)
{
    th_t a = mk_thread(100);
    word_t regs[HAL_UCTX_NUSER];
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        regs[i] = 0x1000 + i;
    }
    cr_assert_eq(tcb_write_regs(a.slot, 0, regs), 0);
    harness_regs_t r = read_regs(a.slot, 0, HAL_UCTX_NUSER);
    cr_assert_eq(rerr(r), 0);
    cr_assert_eq(kaal_msginfo_length(R_info(root)), HAL_UCTX_NUSER);
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        word_t v = i < KAAL_MSG_NUM_REGS ? R_mr(root, i) : harness_ipcbuf()->msg[i];
        if (i == HAL_R_FLAGS) {
            continue; /* sanitized */
        }
        cr_assert_eq(v, 0x1000 + i, "register %u: 0x%lx", i, v);
    }
    cr_assert_eq(a.t->restart_pc, 0x1000 + HAL_R_PC, "writing the PC moves the restart point");
    check_invariants();
}

Test(tcb, write_registers_sanitizes_flags)
{
    th_t a = mk_thread(100);
    word_t regs[HAL_UCTX_NUSER] = {0};
    regs[HAL_R_PC] = TH_PC;
    regs[HAL_R_FLAGS] = ~0ull;
    cr_assert_eq(tcb_write_regs(a.slot, 0, regs), 0);
    hal_uctx_t probe = a.t->ctx;
    hal_uctx_sanitize(&probe);
    cr_assert_eq(a.t->ctx.r[HAL_R_FLAGS], probe.r[HAL_R_FLAGS], "already sanitized");
    cr_assert_neq(a.t->ctx.r[HAL_R_FLAGS], ~0ull);
    check_invariants();
}

Test(tcb, register_errors)
{
    th_t a = mk_thread(100);
    cr_assert_eq(rerr(read_regs(a.slot, 0, 0)), KAAL_RANGE_ERROR);
    cr_assert_eq(R_mr(root, 0), 1);
    cr_assert_eq(R_mr(root, 1), HAL_UCTX_NUSER);
    cr_assert_eq(rerr(read_regs(a.slot, 0, HAL_UCTX_NUSER + 1)), KAAL_RANGE_ERROR);
    cr_assert_eq(rerr(read_regs(KAAL_CAP_INIT_TCB, 0, 1)), KAAL_ILLEGAL_OPERATION, "own registers");
    word_t args[4] = {0, 5, 1, 2};
    cr_assert_eq(rerr(invoke_x(a.slot, KAAL_INV_TCB_READ_REGISTERS, 1, args, 0, NULL)),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(invoke_x(a.slot, KAAL_INV_TCB_WRITE_REGISTERS, 4, args, 0, NULL)),
                 KAAL_TRUNCATED_MESSAGE, "5 registers announced, 2 given");
    cr_assert_eq(rerr(invoke_x(a.slot, KAAL_INV_TCB_WRITE_REGISTERS, 1, args, 0, NULL)),
                 KAAL_TRUNCATED_MESSAGE);
    word_t self[2] = {0, 0};
    cr_assert_eq(rerr(invoke_x(KAAL_CAP_INIT_TCB, KAAL_INV_TCB_WRITE_REGISTERS, 2, self, 0, NULL)),
                 KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_COPY_REGISTERS, 0, 0, 0, 0, 0, KAAL_CAP_INIT_TCB, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    word_t ep = mk_ep();
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_COPY_REGISTERS, 1, 0xf, 0, 0, 0, ep, 0, 0), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(inv4(a.slot, 999, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION, "unknown label");
    check_invariants();
}

Test(tcb, read_registers_can_suspend_and_write_can_resume)
{
    th_t a = mk_thread(100);
    cr_assert_eq(rerr(read_regs(a.slot, 1, 2)), 0);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    cr_assert_eq(R_mr(root, HAL_R_PC), TH_PC);
    word_t regs[HAL_UCTX_NUSER] = {0};
    regs[HAL_R_PC] = TH_PC + 0x100;
    cr_assert_eq(tcb_write_regs(a.slot, 1, regs), 0);
    cr_assert_eq(a.t->state, TS_RESTART);
    become(a.t);
    cr_assert_eq(a.t->ctx.r[HAL_R_PC], TH_PC + 0x100);
    check_invariants();
}

Test(tcb, read_registers_without_buffer_gets_register_mrs)
{
    th_t a = mk_thread(100);
    th_t b = mk_thread(200);
    cr_assert_eq(inv4(b.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, 0, 0, 0, 0, b.frame, 0, 0), 0);
    become(b.t);
    word_t args[2] = {0, HAL_UCTX_NUSER};
    (void)invoke_x(a.slot, KAAL_INV_TCB_READ_REGISTERS, 2, args, 0, NULL);
    cr_assert_eq(R_label(b.t), 0);
    cr_assert_eq(R_len(b.t), KAAL_MSG_NUM_REGS);
    check_invariants();
}

Test(tcb, copy_registers)
{
    th_t a = mk_thread(100);
    th_t b = mk_thread(100);
    word_t regs[HAL_UCTX_NUSER];
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        regs[i] = 0x500 + i;
    }
    cr_assert_eq(tcb_write_regs(a.slot, 0, regs), 0);
    /* Frame registers only, suspending the source and resuming the target. */
    cr_assert_eq(tcb_suspend(b.slot), 0);
    cr_assert_eq(inv4(b.slot, KAAL_INV_TCB_COPY_REGISTERS, 1, 0x1 | 0x2 | 0x4, 0, 0, 0, a.slot, 0, 0), 0);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    cr_assert_eq(b.t->state, TS_RESTART);
    cr_assert_eq(b.t->ctx.r[HAL_R_SP], 0x500 + HAL_R_SP);
    cr_assert_eq(b.t->restart_pc, 0x500 + HAL_R_PC);
    cr_assert_neq(b.t->ctx.r[HAL_R_MR0], 0x500 + HAL_R_MR0, "integer registers untouched");
    cr_assert_eq(inv4(b.slot, KAAL_INV_TCB_COPY_REGISTERS, 1, 0x8, 0, 0, 0, a.slot, 0, 0), 0);
    cr_assert_eq(b.t->ctx.r[HAL_R_MR0], 0x500 + HAL_R_MR0);
    check_invariants();
}

Test(tcb, set_tls_base)
{
    th_t a = mk_thread(100);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_TLS_BASE, 1, 0x7000, 0, 0, 0, 0, 0, 0), 0);
    cr_assert_eq(a.t->ctx.r[HAL_R_TLS], 0x7000);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_TLS_BASE, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_TRUNCATED_MESSAGE);
    harness_regs_t r = read_regs(a.slot, 0, HAL_UCTX_NUSER);
    cr_assert_eq(rerr(r), 0);
    cr_assert_eq(harness_ipcbuf()->msg[HAL_R_TLS], 0x7000, "TLS is a user register");
    check_invariants();
}

Test(tcb, deleting_running_tcb_with_caps_inside)
{
    th_t a = mk_thread(100);
    word_t ep = mk_ep();
    recv_as(a, ep);
    cr_assert_eq(cn_delete(a.slot), 0);
    cr_assert_eq(ep_of_cap(cap_at(ep))->state, EP_IDLE);
    check_invariants();
}
