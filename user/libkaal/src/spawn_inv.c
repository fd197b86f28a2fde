/*
 * libkaal: the invocations of the spawn API (see spawn_inv.h). Message
 * registers 0-3 travel in CPU registers, the rest and the extra caps in the
 * caller's IPC buffer; the reply's label is the error code.
 */
#include "spawn_inv.h"

/* Start registers per architecture: which words of the TCB's user context
 * (the order of TCB Read/WriteRegisters, docs/abi.md) are pc, sp, arg0. */
#if defined(__aarch64__)
#define INV_REG_PC 32u
#define INV_REG_SP 31u
#define INV_REG_ARG0 0u
#define INV_REG_COUNT 33u
#else
#define INV_REG_PC 0u
#define INV_REG_SP 1u
#define INV_REG_ARG0 8u /* rdi */
#define INV_REG_COUNT 9u
#endif
#define INV_MAX_ARGS (2u + INV_REG_COUNT)

/* One invocation of the object at service with label, nargs message words
 * and ncaps extra caps. Requires nargs <= KAAL_MSG_MAX_LENGTH, ncaps <= 3,
 * and an IPC buffer when nargs > 4 or ncaps > 0. */
static kaal_word_t invoke(kaal_cptr_t service, kaal_word_t label, const kaal_word_t *args,
                          unsigned nargs, const kaal_cptr_t *caps, unsigned ncaps)
{
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
    for (unsigned i = 0; i < nargs; i++) {
        if (i < KAAL_MSG_NUM_REGS) {
            mr[i] = args[i];
        } else if (ipc != NULL) {
            ipc->msg[i] = args[i];
        }
    }
    for (unsigned i = 0; i < ncaps && ipc != NULL; i++) {
        ipc->caps_or_badges[i] = caps[i];
    }
    kaal_msg_t r = kaal_call(service, kaal_msginfo(label, 0, ncaps, nargs), mr);
    return kaal_msg_error(r);
}

kaal_word_t spawn_inv_untyped_retype(kaal_cptr_t ut, kaal_word_t type, kaal_word_t size_bits,
                               kaal_word_t slot, kaal_word_t n)
{
    /* node_index/node_depth 0: the destination is the root CNode itself. */
    const kaal_word_t a[6] = {type, size_bits, 0, 0, slot, n};
    const kaal_cptr_t c[1] = {KAAL_CAP_INIT_CNODE};
    return invoke(ut, KAAL_INV_UNTYPED_RETYPE, a, 6, c, 1);
}

kaal_word_t spawn_inv_cnode_revoke(kaal_word_t slot)
{
    const kaal_word_t a[2] = {slot, KAAL_WORD_BITS};
    return invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_REVOKE, a, 2, NULL, 0);
}

kaal_word_t spawn_inv_cnode_delete(kaal_word_t slot)
{
    const kaal_word_t a[2] = {slot, KAAL_WORD_BITS};
    return invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_DELETE, a, 2, NULL, 0);
}

kaal_word_t spawn_inv_cnode_copy(kaal_cptr_t cnode, kaal_word_t dest, kaal_word_t dest_depth,
                           kaal_word_t src, kaal_word_t rights)
{
    const kaal_word_t a[5] = {dest, dest_depth, src, KAAL_WORD_BITS, rights};
    const kaal_cptr_t c[1] = {KAAL_CAP_INIT_CNODE};
    return invoke(cnode, KAAL_INV_CNODE_COPY, a, 5, c, 1);
}

kaal_word_t spawn_inv_cnode_mint(kaal_cptr_t cnode, kaal_word_t dest, kaal_word_t dest_depth,
                           kaal_word_t src, kaal_word_t rights, kaal_word_t badge)
{
    const kaal_word_t a[6] = {dest, dest_depth, src, KAAL_WORD_BITS, rights, badge};
    const kaal_cptr_t c[1] = {KAAL_CAP_INIT_CNODE};
    return invoke(cnode, KAAL_INV_CNODE_MINT, a, 6, c, 1);
}

kaal_word_t spawn_inv_tcb_configure(kaal_cptr_t tcb, kaal_word_t fault_ep, kaal_cptr_t cspace,
                              kaal_word_t cspace_data, kaal_cptr_t vspace, kaal_word_t buffer,
                              kaal_cptr_t buffer_frame)
{
    /* seL4_TCB_Configure (non-MCS): MR0 fault_ep, MR1 cspace_root_data,
     * MR2 vspace_root_data, MR3 buffer; extra caps cspace, vspace, frame. */
    const kaal_word_t a[4] = {fault_ep, cspace_data, 0, buffer};
    const kaal_cptr_t c[3] = {cspace, vspace, buffer_frame};
    return invoke(tcb, KAAL_INV_TCB_CONFIGURE, a, 4, c, 3);
}

kaal_word_t spawn_inv_tcb_set_priority(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t prio)
{
    const kaal_word_t a[1] = {prio};
    const kaal_cptr_t c[1] = {authority};
    return invoke(tcb, KAAL_INV_TCB_SET_PRIORITY, a, 1, c, 1);
}

kaal_word_t spawn_inv_tcb_write_start_regs(kaal_cptr_t tcb, kaal_word_t pc, kaal_word_t sp, kaal_word_t arg0)
{
    /* seL4_TCB_WriteRegisters: MR0 resume_target | arch_flags << 8,
     * MR1 count, MR2.. the first count registers of the user context. */
    kaal_word_t a[INV_MAX_ARGS];
    for (unsigned i = 0; i < INV_MAX_ARGS; i++) {
        a[i] = 0;
    }
    a[1] = INV_REG_COUNT;
    a[2 + INV_REG_PC] = pc;
    a[2 + INV_REG_SP] = sp;
    a[2 + INV_REG_ARG0] = arg0;
    return invoke(tcb, KAAL_INV_TCB_WRITE_REGISTERS, a, INV_MAX_ARGS, NULL, 0);
}

kaal_word_t spawn_inv_tcb_resume(kaal_cptr_t tcb)
{
    return invoke(tcb, KAAL_INV_TCB_RESUME, NULL, 0, NULL, 0);
}

kaal_word_t spawn_inv_tcb_suspend(kaal_cptr_t tcb)
{
    return invoke(tcb, KAAL_INV_TCB_SUSPEND, NULL, 0, NULL, 0);
}

kaal_word_t spawn_inv_frame_map(kaal_cptr_t frame, kaal_cptr_t vspace, kaal_word_t vaddr,
                          kaal_word_t rights, kaal_word_t attr)
{
    const kaal_word_t a[3] = {vaddr, rights, attr};
    const kaal_cptr_t c[1] = {vspace};
    return invoke(frame, KAAL_INV_FRAME_MAP, a, 3, c, 1);
}

kaal_word_t spawn_inv_frame_unmap(kaal_cptr_t frame)
{
    return invoke(frame, KAAL_INV_FRAME_UNMAP, NULL, 0, NULL, 0);
}

kaal_word_t spawn_inv_page_table_map(kaal_cptr_t table, kaal_cptr_t vspace, kaal_word_t vaddr)
{
    const kaal_word_t a[2] = {vaddr, KAAL_VM_DEFAULT};
    const kaal_cptr_t c[1] = {vspace};
    return invoke(table, KAAL_INV_PAGE_TABLE_MAP, a, 2, c, 1);
}

kaal_word_t spawn_inv_asid_pool_assign(kaal_cptr_t pool, kaal_cptr_t vspace)
{
    const kaal_cptr_t c[1] = {vspace};
    return invoke(pool, KAAL_INV_ASID_POOL_ASSIGN, NULL, 0, c, 1);
}

kaal_word_t spawn_inv_irq_control_get(kaal_word_t line, kaal_word_t slot)
{
    /* seL4_IRQControl_Get: MR0 irq, MR1 index, MR2 depth; extra cap root. */
    const kaal_word_t a[3] = {line, slot, KAAL_WORD_BITS};
    const kaal_cptr_t c[1] = {KAAL_CAP_INIT_CNODE};
    return invoke(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, a, 3, c, 1);
}

kaal_word_t spawn_inv_irq_set_notification(kaal_cptr_t handler, kaal_cptr_t ntfn)
{
    const kaal_cptr_t c[1] = {ntfn};
    return invoke(handler, KAAL_INV_IRQ_SET_NOTIFICATION, NULL, 0, c, 1);
}
