/*
 * libsel4 compatibility: the object invocations of seL4's non-MCS AArch64
 * API (part of <sel4/sel4.h>), each a call of the libkaal wrapper with the
 * same arguments (kaal/caps.h, kaal/tcb.h, kaal/vspace.h). Every one
 * returns seL4_Error; the details of an error are in the message
 * registers (seL4_GetMR(0..), as after libsel4's calls) and in
 * kaal_last_reply_mr(). Argument layouts on the wire: docs/abi.md.
 */
#ifndef SEL4_CLIENT_H
#define SEL4_CLIENT_H

#include <sel4/sel4.h>

/* ---- Untyped ------------------------------------------------------------ */
static inline seL4_Error seL4_Untyped_Retype(seL4_Untyped service, seL4_Word type, seL4_Word size_bits,
                                             seL4_CNode root, seL4_Word node_index, seL4_Word node_depth,
                                             seL4_Word node_offset, seL4_Word num_objects)
{
    return (seL4_Error)kaal_untyped_retype(service, type, size_bits, root, node_index, node_depth,
                                           node_offset, num_objects);
}

/* ---- CNode ---------------------------------------------------------------- */
static inline seL4_Error seL4_CNode_Revoke(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return (seL4_Error)kaal_cnode_revoke(service, index, depth);
}
static inline seL4_Error seL4_CNode_Delete(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return (seL4_Error)kaal_cnode_delete(service, index, depth);
}
static inline seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return (seL4_Error)kaal_cnode_cancel_badged_sends(service, index, depth);
}
static inline seL4_Error seL4_CNode_SaveCaller(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return (seL4_Error)kaal_cnode_save_caller(service, index, depth);
}
static inline seL4_Error seL4_CNode_Copy(seL4_CNode service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                         seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights)
{
    return (seL4_Error)kaal_cnode_copy(service, dest_index, dest_depth, src_root, src_index, src_depth,
                                       rights.words[0]);
}
static inline seL4_Error seL4_CNode_Mint(seL4_CNode service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                         seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights, seL4_Word badge)
{
    return (seL4_Error)kaal_cnode_mint(service, dest_index, dest_depth, src_root, src_index, src_depth,
                                       rights.words[0], badge);
}
static inline seL4_Error seL4_CNode_Move(seL4_CNode service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                         seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth)
{
    return (seL4_Error)kaal_cnode_move(service, dest_index, dest_depth, src_root, src_index, src_depth);
}
static inline seL4_Error seL4_CNode_Mutate(seL4_CNode service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                           seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth,
                                           seL4_Word badge)
{
    return (seL4_Error)kaal_cnode_mutate(service, dest_index, dest_depth, src_root, src_index, src_depth,
                                         badge);
}
static inline seL4_Error seL4_CNode_Rotate(seL4_CNode service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                           seL4_Word dest_badge, seL4_CNode pivot_root, seL4_Word pivot_index,
                                           seL4_Uint8 pivot_depth, seL4_Word pivot_badge, seL4_CNode src_root,
                                           seL4_Word src_index, seL4_Uint8 src_depth)
{
    return (seL4_Error)kaal_cnode_rotate(service, dest_index, dest_depth, dest_badge, pivot_root, pivot_index,
                                         pivot_depth, pivot_badge, src_root, src_index, src_depth);
}

/* ---- TCB -------------------------------------------------------------------- */
static inline seL4_Error seL4_TCB_Configure(seL4_TCB service, seL4_Word fault_ep, seL4_CNode cspace_root,
                                            seL4_Word cspace_root_data, seL4_CPtr vspace_root,
                                            seL4_Word vspace_root_data, seL4_Word buffer, seL4_CPtr bufferFrame)
{
    return (seL4_Error)kaal_tcb_configure(service, fault_ep, cspace_root, cspace_root_data, vspace_root,
                                          vspace_root_data, buffer, bufferFrame);
}
static inline seL4_Error seL4_TCB_SetSpace(seL4_TCB service, seL4_Word fault_ep, seL4_CNode cspace_root,
                                           seL4_Word cspace_root_data, seL4_CPtr vspace_root,
                                           seL4_Word vspace_root_data)
{
    return (seL4_Error)kaal_tcb_set_space(service, fault_ep, cspace_root, cspace_root_data, vspace_root,
                                          vspace_root_data);
}
static inline seL4_Error seL4_TCB_SetIPCBuffer(seL4_TCB service, seL4_Word buffer, seL4_CPtr bufferFrame)
{
    return (seL4_Error)kaal_tcb_set_ipc_buffer(service, buffer, bufferFrame);
}
static inline seL4_Error seL4_TCB_SetPriority(seL4_TCB service, seL4_TCB authority, seL4_Word priority)
{
    return (seL4_Error)kaal_tcb_set_priority(service, authority, priority);
}
static inline seL4_Error seL4_TCB_SetMCPriority(seL4_TCB service, seL4_TCB authority, seL4_Word mcp)
{
    return (seL4_Error)kaal_tcb_set_mc_priority(service, authority, mcp);
}
static inline seL4_Error seL4_TCB_SetSchedParams(seL4_TCB service, seL4_TCB authority, seL4_Word mcp,
                                                 seL4_Word priority)
{
    return (seL4_Error)kaal_tcb_set_sched_params(service, authority, mcp, priority);
}
static inline seL4_Error seL4_TCB_Suspend(seL4_TCB service) { return (seL4_Error)kaal_tcb_suspend(service); }
static inline seL4_Error seL4_TCB_Resume(seL4_TCB service) { return (seL4_Error)kaal_tcb_resume(service); }
/* arch_flags are ignored (as KaaL's kernel ignores bits 8.. of the flags). */
static inline seL4_Error seL4_TCB_ReadRegisters(seL4_TCB service, seL4_Bool suspend_source, seL4_Uint8 arch_flags,
                                                seL4_Word count, seL4_UserContext *regs)
{
    (void)arch_flags;
    return (seL4_Error)kaal_tcb_read_registers(service, suspend_source != 0, count, regs);
}
static inline seL4_Error seL4_TCB_WriteRegisters(seL4_TCB service, seL4_Bool resume_target, seL4_Uint8 arch_flags,
                                                 seL4_Word count, seL4_UserContext *regs)
{
    (void)arch_flags;
    return (seL4_Error)kaal_tcb_write_registers(service, resume_target != 0, count, regs);
}
static inline seL4_Error seL4_TCB_CopyRegisters(seL4_TCB service, seL4_TCB source, seL4_Bool suspend_source,
                                                seL4_Bool resume_target, seL4_Bool transfer_frame,
                                                seL4_Bool transfer_integer, seL4_Uint8 arch_flags)
{
    (void)arch_flags;
    return (seL4_Error)kaal_tcb_copy_registers(service, source, suspend_source != 0, resume_target != 0,
                                               transfer_frame != 0, transfer_integer != 0);
}
static inline seL4_Error seL4_TCB_BindNotification(seL4_TCB service, seL4_CPtr notification)
{
    return (seL4_Error)kaal_tcb_bind_notification(service, notification);
}
static inline seL4_Error seL4_TCB_UnbindNotification(seL4_TCB service)
{
    return (seL4_Error)kaal_tcb_unbind_notification(service);
}
static inline seL4_Error seL4_TCB_SetTLSBase(seL4_TCB service, seL4_Word tls_base)
{
    return (seL4_Error)kaal_tcb_set_tls_base(service, tls_base);
}

/* ---- address spaces ------------------------------------------------------- */
static inline seL4_Error seL4_ARM_Page_Map(seL4_ARM_Page service, seL4_ARM_VSpace vspace, seL4_Word vaddr,
                                           seL4_CapRights_t rights, seL4_ARM_VMAttributes attr)
{
    return (seL4_Error)kaal_frame_map(service, vspace, vaddr, rights.words[0], kaal_sel4_vm_attr(attr));
}
static inline seL4_Error seL4_ARM_Page_Unmap(seL4_ARM_Page service)
{
    return (seL4_Error)kaal_frame_unmap(service);
}
typedef struct seL4_ARM_Page_GetAddress {
    int error;
    seL4_Word paddr;
} seL4_ARM_Page_GetAddress_t;
static inline seL4_ARM_Page_GetAddress_t seL4_ARM_Page_GetAddress(seL4_ARM_Page service)
{
    seL4_ARM_Page_GetAddress_t r = {0, 0};
    r.error = (int)kaal_frame_get_address(service, &r.paddr);
    return r;
}
static inline seL4_Error seL4_ARM_PageTable_Map(seL4_ARM_PageTable service, seL4_ARM_VSpace vspace,
                                                seL4_Word vaddr, seL4_ARM_VMAttributes attr)
{
    return (seL4_Error)kaal_page_table_map(service, vspace, vaddr, kaal_sel4_vm_attr(attr));
}
static inline seL4_Error seL4_ARM_PageTable_Unmap(seL4_ARM_PageTable service)
{
    return (seL4_Error)kaal_page_table_unmap(service);
}
static inline seL4_Error seL4_ARM_ASIDControl_MakePool(seL4_ARM_ASIDControl service, seL4_Untyped untyped,
                                                       seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    return (seL4_Error)kaal_asid_control_make_pool(service, untyped, root, index, depth);
}
static inline seL4_Error seL4_ARM_ASIDPool_Assign(seL4_ARM_ASIDPool service, seL4_CPtr vspace)
{
    return (seL4_Error)kaal_asid_pool_assign(service, vspace);
}

/* ---- IRQs ------------------------------------------------------------------- */
static inline seL4_Error seL4_IRQControl_Get(seL4_IRQControl service, seL4_Word irq, seL4_CNode root,
                                             seL4_Word index, seL4_Uint8 depth)
{
    return (seL4_Error)kaal_irq_control_get(service, irq, root, index, depth);
}
static inline seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler service)
{
    return (seL4_Error)kaal_irq_handler_ack(service);
}
static inline seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler service, seL4_CPtr notification)
{
    return (seL4_Error)kaal_irq_handler_set_notification(service, notification);
}
static inline seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler service)
{
    return (seL4_Error)kaal_irq_handler_clear(service);
}

#endif
