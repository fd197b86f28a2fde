/*
 * libkaal, private to the spawn files (spawn.c, spawn_process.c,
 * spawn_device.c, system.c). The kernel invocations they make are the
 * public typed wrappers (kaal/caps.h, kaal/tcb.h, kaal/vspace.h), so every
 * argument goes through kaal_invoke() and an error's details are in
 * kaal_last_reply(). The helpers below name root CNode slots by their
 * number: the root CNode (KAAL_CAP_INIT_CNODE) resolves all 64 bits of a
 * cptr, so slot s is (KAAL_CAP_INIT_CNODE, s, KAAL_WORD_BITS).
 */
#ifndef KAAL_SPAWN_PRIV_H
#define KAAL_SPAWN_PRIV_H

#include <kaal/caps.h>
#include <kaal/tcb.h>
#include <kaal/vspace.h>

#define SPAWN_MUST_CHECK __attribute__((warn_unused_result))

/* Untyped Retype: n objects of type/size_bits from untyped ut into root
 * slots [slot, slot + n). */
SPAWN_MUST_CHECK static inline kaal_word_t spawn_retype(kaal_cptr_t ut, kaal_word_t type,
                                                        kaal_word_t size_bits, kaal_word_t slot,
                                                        kaal_word_t n)
{
    /* node_depth 0: the destination CNode is the root CNode itself. */
    return kaal_untyped_retype(ut, type, size_bits, KAAL_CAP_INIT_CNODE, 0, 0, slot, n);
}

/* CNode Revoke / Delete of a root slot. */
SPAWN_MUST_CHECK static inline kaal_word_t spawn_slot_revoke(kaal_word_t slot)
{
    return kaal_cnode_revoke(KAAL_CAP_INIT_CNODE, slot, KAAL_WORD_BITS);
}
SPAWN_MUST_CHECK static inline kaal_word_t spawn_slot_delete(kaal_word_t slot)
{
    return kaal_cnode_delete(KAAL_CAP_INIT_CNODE, slot, KAAL_WORD_BITS);
}

/* Record "step: ErrorName" in ctx->why and return err. */
struct kaal_spawn_ctx;
kaal_word_t spawn_fail(struct kaal_spawn_ctx *ctx, const char *step, kaal_word_t err);
/* Take a run of n consecutive free root slots: KAAL_NO_ERROR with *first
 * set, or KAAL_NOT_ENOUGH_MEMORY. */
kaal_word_t spawn_slot_alloc_run(struct kaal_spawn_ctx *ctx, kaal_word_t n, kaal_word_t *first);

#endif
