/*
 * Delete and revoke (see delete.h for the Zombie chain). Every loop has a
 * fixed bound; the call graph has no cycle.
 */
#include "delete.h"
#include "endpoint.h"
#include "irq.h"
#include "ntfn.h"
#include "tcb.h"
#include "vspace.h"
#include <hal/irq.h>

/* Upper bounds that no real state reaches: a loop that hits one returns
 * "not finished yet" and the syscall restarts, so even a corrupted state
 * cannot hang the kernel. */
#define DELETE_MAX_STEPS (1ull << 40)
#define ZOMBIE_MAX_DEPTH (1ull << 40)

enum del_step { DEL_DONE, DEL_MORE };

static bool cap_is_container(cap_t c)
{
    return cap_type(c) == CAP_CNODE || cap_type(c) == CAP_TCB;
}

/* Object clean-up before the last capability goes (seL4 finaliseCap for
 * the types that need no Zombie). */
static void finalise_leaf(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
        ep_cancel_all(ep_of_cap(c));
        break;
    case CAP_NOTIFICATION:
        ntfn_cancel_all(ntfn_of_cap(c));
        break;
    default:
        break;
    }
}

/* Delete the capability in slot, which needs no Zombie and is not the
 * last IRQ handler capability. */
static void delete_plain(cte_t *slot, bool final)
{
    cap_t c = slot->cap;
    if (final) {
        finalise_leaf(c);
    }
    if (cap_is_vspace_kind(c)) {
        vspace_object_deleted(c, final);
    }
    cdt_remove(slot);
    if (cap_type(c) == CAP_VSPACE) {
        vspace_invalidate_cached(); /* slot may be a thread's VTABLE slot */
    }
}

/* Delete the capability in slot, which needs no Zombie. The last IRQ
 * handler cap frees its line after the slot is empty (seL4
 * postCapDeletion). irq_handler_deleted may use cap_delete_one, which
 * never comes back here: the call graph has no cycle. */
static void delete_leaf(cte_t *slot, bool final)
{
    cap_t c = slot->cap;
    delete_plain(slot, final);
    if (final && cap_type(c) == CAP_IRQ_HANDLER) {
        irq_handler_deleted(cap_irq(c));
    }
}

/* Replace the last capability to a CNode or TCB by its Zombie (a TCB's
 * thread is finalised first: off every queue, never to run again). */
static void zombify(cte_t *slot)
{
    cap_t c = slot->cap;
    if (cap_type(c) == CAP_TCB) {
        tcb_finalise(tcb_of_cap(c));
        slot->cap = cap_zombie(cap_paddr(c), true, 0, TCB_NUM_SLOTS);
    } else {
        unsigned radix = cap_cnode_radix(c);
        slot->cap = cap_zombie(cap_paddr(c), false, radix, KAAL_BIT(radix));
    }
}

/* One step on a slot holding a capability other than a Zombie. */
static enum del_step delete_step(cte_t *slot)
{
    bool final = cdt_is_final(slot);
    if (final && cap_is_container(slot->cap)) {
        zombify(slot);
        return DEL_MORE;
    }
    delete_leaf(slot, final);
    return DEL_DONE;
}

/* The chain of the Zombie in top has come back to top: top lies inside an
 * object the chain is destroying, so top is unreachable (only a revoke
 * deletes such a slot). Park the top Zombie in its own object's slot 0,
 * where it is self-contained and stays the untyped's descendant (seL4's
 * cyclic Zombie); top takes that slot's old content and is deleted on. */
static void park_top_zombie(cte_t *top)
{
    cte_t *own0 = cap_zombie_slots(top->cap);
    cdt_swap(top, top->cap, own0, own0->cap);
}

/* One step of the deletion whose top Zombie is in `top`: find the deepest
 * Zombie of the chain and empty (or start emptying) its last slot. */
static enum del_step zombie_step(cte_t *top)
{
    cte_t *z = top;
    for (word_t depth = 0; depth < ZOMBIE_MAX_DEPTH; depth++) {
        cap_t zc = z->cap;
        word_t n = cap_zombie_count(zc);
        if (n == 0) {
            cdt_remove(z); /* the object is finished */
            return z == top ? DEL_DONE : DEL_MORE;
        }
        cte_t *end = cap_zombie_slots(zc) + (n - 1u);
        if (end == z || cap_is_null(end->cap)) {
            z->cap = cap_zombie_set_count(zc, n - 1u);
            return DEL_MORE;
        }
        if (end == top) {
            park_top_zombie(top);
            return DEL_MORE;
        }
        if (cap_type(end->cap) != CAP_ZOMBIE) {
            (void)delete_step(end);
            return DEL_MORE;
        }
        z = end; /* a nested deletion: finish it first */
    }
    return DEL_MORE;
}

kerr_t cap_delete(cte_t *slot)
{
    for (word_t i = 0; i < DELETE_MAX_STEPS; i++) {
        enum del_step r;
        if (cap_is_null(slot->cap)) {
            return KAAL_NO_ERROR;
        }
        if (cap_type(slot->cap) == CAP_ZOMBIE) {
            r = zombie_step(slot);
        } else {
            r = delete_step(slot);
        }
        if (r == DEL_DONE) {
            return KAAL_NO_ERROR;
        }
        if (hal_preemption_point()) {
            return KAAL_PREEMPTED;
        }
    }
    return KAAL_PREEMPTED;
}

kerr_t cap_revoke(cte_t *slot)
{
    for (word_t i = 0; i < DELETE_MAX_STEPS; i++) {
        if (!cdt_has_children(slot)) {
            return KAAL_NO_ERROR;
        }
        kerr_t r = cap_delete(mdb_next(slot));
        if (r != KAAL_NO_ERROR) {
            return r;
        }
        if (hal_preemption_point()) {
            return KAAL_PREEMPTED;
        }
    }
    return KAAL_PREEMPTED;
}

bool cap_delete_one(cte_t *slot)
{
    if (cap_is_null(slot->cap)) {
        return true;
    }
    bool final = cdt_is_final(slot);
    if (cap_type(slot->cap) == CAP_ZOMBIE ||
        (final && (cap_is_container(slot->cap) || cap_type(slot->cap) == CAP_IRQ_HANDLER))) {
        return false;
    }
    delete_plain(slot, final);
    return true;
}
