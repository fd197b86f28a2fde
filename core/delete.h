/*
 * Deleting and revoking capabilities (seL4 cteDelete, cteRevoke,
 * cteDeleteOne), iterative and preemptible, with no recursion.
 *
 * Deleting the last capability to an object finalises the object:
 *
 *   endpoint       ep_cancel_all          notification  ntfn_cancel_all
 *   IRQ handler    irq_handler_deleted    frame, table, vspace, ASID pool:
 *   TCB            tcb_finalise, then     vspace_object_deleted (every cap,
 *                  its 5 slots deleted    with final set on the last)
 *   CNode          every slot deleted
 *
 * A CNode or TCB holds slots that may hold last capabilities to further
 * CNodes and TCBs, to any depth and in cycles. As in seL4, the last
 * capability becomes a Zombie (cap.h) naming the object and the number of
 * its slots [0, n) still to empty, and emptying proceeds one slot per step
 * from the top. A slot that holds another Zombie is a nested deletion in
 * progress; each step walks the chain of Zombies from the slot being
 * deleted down to the deepest one and works there:
 *
 *   S: Zombie(Y, 3) --> Y[2]: Zombie(Z, 8) --> Z[7]: endpoint  <- this step
 *                       Y[1], Y[0] later        Z[6..0] later
 *
 * Each object has at most one Zombie (it replaces the last capability, and
 * no capability can be derived from a Zombie), and a slot lies in one
 * object, so the only cycle a chain can have leads back to its top slot:
 * the top lies inside an object of its own chain (an unreachable cycle of
 * CNodes, deleted by a revoke). Then the top Zombie is parked in slot 0 of
 * its own object, self-contained, and the revoke reaches it later as
 * another descendant. A Zombie that sits inside its own object skips its
 * own slot. Unlike seL4, which parks every nested CNode as a cyclic Zombie
 * and leaves it to the untyped's revoke, a nested object reachable from a
 * live CSpace is finalised before the slot holding it is emptied
 * (docs/capabilities.md).
 *
 * Each step does bounded work (the walk is bounded by the nesting depth),
 * then hal_preemption_point() is checked: if set the operation returns
 * KAAL_PREEMPTED and the invoking syscall restarts, continuing where the
 * Zombies say.
 */
#ifndef KAAL_DELETE_H
#define KAAL_DELETE_H

#include "cdt.h"
#include "invocation.h"

/* Delete the capability in slot (seL4 cteDelete, exposed): finalise its
 * object if it is the last capability to it, then empty the slot.
 * Returns KAAL_NO_ERROR when the slot is empty, or KAAL_PREEMPTED after
 * some progress (call again to continue). */
/* ACSL: ASSUMED, not proved (delete.c is iterative kernel-state work):
 * the result. It writes kernel state no assigns clause can name, so there
 * is none; Frama-C then assumes the default `assigns *slot` of the
 * prototype, which is too small: no proved property may read memory after
 * a call (the CNode decoders use only the result). */
/*@ requires \valid(slot);
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED;
*/
KAAL_MUST_CHECK kerr_t cap_delete(cte_t *slot);

/* Delete every descendant of the capability in slot (seL4 cteRevoke).
 * KAAL_NO_ERROR when none is left, or KAAL_PREEMPTED after progress. */
/* ACSL: ASSUMED, not proved (delete.c is iterative kernel-state work):
 * the result. It writes kernel state no assigns clause can name, so there
 * is none; Frama-C then assumes the default `assigns *slot` of the
 * prototype, which is too small: no proved property may read memory after
 * a call (the CNode decoders use only the result). */
/*@ requires \valid(slot);
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED;
*/
KAAL_MUST_CHECK kerr_t cap_revoke(cte_t *slot);

/* Delete, without preemption, a capability whose deletion needs no
 * Zombie and frees no IRQ line: anything but a Zombie or the last
 * capability to a CNode, TCB or IRQ handler (seL4 cteDeleteOne; used by IPC
 * for reply caps and by IRQ code for notifications). Returns false, changing
 * nothing, if the capability needs cap_delete. Never calls the IRQ hook, so
 * irq_handler_deleted may use it. */
bool cap_delete_one(cte_t *slot);

/* Hook of the address-space code (issue 5): the capability c to a frame,
 * page table, VSpace or ASID pool is being deleted; final if it is the last
 * capability to the object. Remove c's mapping; on final, remove the
 * object from wherever it is installed. A weak no-op until then. */
void vspace_object_deleted(cap_t c, bool final);

#endif
