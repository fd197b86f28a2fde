/*
 * libkaal, private: the kernel invocations the spawn API uses, encoded in
 * one place (argument layouts as seL4's: docs/abi.md, docs/abi.md,
 * core/cnode.h, core/untyped.c). Each returns the kernel's error code
 * (enum kaal_error; KAAL_NO_ERROR on success). When libkaal gains shared
 * wrappers (kaal/caps.h, kaal/tcb.h), these become calls to them.
 *
 * CNode slots of the root task are named by a slot number: the root CNode
 * (KAAL_CAP_INIT_CNODE) resolves all 64 bits of a cptr, so slot s is cptr s
 * at depth KAAL_WORD_BITS.
 */
#ifndef KAAL_SPAWN_INV_H
#define KAAL_SPAWN_INV_H

#include <kaal/kaal.h>

#define INV_MUST_CHECK __attribute__((warn_unused_result))

/* Untyped Retype: n objects of type/size_bits from untyped ut into root
 * CNode slots [slot, slot + n). */
INV_MUST_CHECK kaal_word_t spawn_inv_untyped_retype(kaal_cptr_t ut, kaal_word_t type, kaal_word_t size_bits,
                                              kaal_word_t slot, kaal_word_t n);

/* CNode operations on root slots. */
INV_MUST_CHECK kaal_word_t spawn_inv_cnode_revoke(kaal_word_t slot);
INV_MUST_CHECK kaal_word_t spawn_inv_cnode_delete(kaal_word_t slot);
/* Copy root slot src into slot dest of the CNode cnode (a root slot) whose
 * radix is dest_depth bits, with rights (CNode Copy). */
INV_MUST_CHECK kaal_word_t spawn_inv_cnode_copy(kaal_cptr_t cnode, kaal_word_t dest, kaal_word_t dest_depth,
                                          kaal_word_t src, kaal_word_t rights);
/* As spawn_inv_cnode_copy with a badge (CNode Mint). */
INV_MUST_CHECK kaal_word_t spawn_inv_cnode_mint(kaal_cptr_t cnode, kaal_word_t dest, kaal_word_t dest_depth,
                                          kaal_word_t src, kaal_word_t rights, kaal_word_t badge);

/* TCB operations. */
INV_MUST_CHECK kaal_word_t spawn_inv_tcb_configure(kaal_cptr_t tcb, kaal_word_t fault_ep, kaal_cptr_t cspace,
                                             kaal_word_t cspace_data, kaal_cptr_t vspace,
                                             kaal_word_t buffer, kaal_cptr_t buffer_frame);
INV_MUST_CHECK kaal_word_t spawn_inv_tcb_set_priority(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t prio);
/* Set the start registers: pc, sp and the first argument register (the
 * others zero), without resuming. */
INV_MUST_CHECK kaal_word_t spawn_inv_tcb_write_start_regs(kaal_cptr_t tcb, kaal_word_t pc, kaal_word_t sp,
                                                    kaal_word_t arg0);
INV_MUST_CHECK kaal_word_t spawn_inv_tcb_resume(kaal_cptr_t tcb);
INV_MUST_CHECK kaal_word_t spawn_inv_tcb_suspend(kaal_cptr_t tcb);

/* Address spaces. */
INV_MUST_CHECK kaal_word_t spawn_inv_frame_map(kaal_cptr_t frame, kaal_cptr_t vspace, kaal_word_t vaddr,
                                         kaal_word_t rights, kaal_word_t attr);
INV_MUST_CHECK kaal_word_t spawn_inv_frame_unmap(kaal_cptr_t frame);
INV_MUST_CHECK kaal_word_t spawn_inv_page_table_map(kaal_cptr_t table, kaal_cptr_t vspace, kaal_word_t vaddr);
INV_MUST_CHECK kaal_word_t spawn_inv_asid_pool_assign(kaal_cptr_t pool, kaal_cptr_t vspace);

/* IRQs: an IRQHandler for line into root slot; its notification. */
INV_MUST_CHECK kaal_word_t spawn_inv_irq_control_get(kaal_word_t line, kaal_word_t slot);
INV_MUST_CHECK kaal_word_t spawn_inv_irq_set_notification(kaal_cptr_t handler, kaal_cptr_t ntfn);

/* CNode guard data (seL4 CNode_CapData: guard size in bits 0-5, guard in
 * bits 6-63) that makes a CNode of radix bits resolve a whole cptr. */
static inline kaal_word_t spawn_inv_cnode_guard_data(kaal_word_t radix_bits)
{
    return (KAAL_WORD_BITS - radix_bits) & 0x3fu;
}

/* Private to the spawn files: record "step: ErrorName" in ctx->why and
 * return err. */
struct kaal_spawn_ctx;
kaal_word_t spawn_fail(struct kaal_spawn_ctx *ctx, const char *step, kaal_word_t err);
/* Take a run of n consecutive free root slots: KAAL_NO_ERROR with *first
 * set, or KAAL_NOT_ENOUGH_MEMORY. */
kaal_word_t spawn_slot_alloc_run(struct kaal_spawn_ctx *ctx, kaal_word_t n, kaal_word_t *first);

#endif
