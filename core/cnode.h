/*
 * CNode invocations and the capability operations they share with IPC
 * (capability transfer derives and inserts like Copy).
 *
 * Arguments as seL4's CNode methods (docs/abi.md); every one starts
 * with the target slot (MR0 index, MR1 depth) resolved from the invoked
 * CNode capability:
 *
 *   Revoke, Delete, CancelBadgedSends, SaveCaller   MR0..1
 *   Copy    MR2 src index, MR3 src depth, MR4 rights            extra 0: src root
 *   Mint    MR2, MR3, MR4 rights, MR5 badge / guard data        extra 0: src root
 *   Move    MR2, MR3                                             extra 0: src root
 *   Mutate  MR2, MR3, MR4 guard data                             extra 0: src root
 *   Rotate  MR2 pivot data, MR3 pivot index, MR4 pivot depth,
 *           MR5 src data, MR6 src index, MR7 src depth           extra 0: pivot root,
 *                                                                extra 1: src root
 */
#ifndef KAAL_CNODE_H
#define KAAL_CNODE_H

#include "cdt.h"
#include "invocation.h"

/* seL4 deriveCap: the capability to put in a new slot when copying cap out
 * of slot. Zombie, IRQControl and reply caps derive to the null cap (the
 * caller reports IllegalOperation); an untyped with children fails with
 * RevokeFirst; a frame derives unmapped; a page table must be mapped and a
 * VSpace must have an ASID (IllegalOperation otherwise). */
/*@ requires \valid_read(slot) && \valid(out) && \valid(e) && \separated(out, e);
    assigns *out, e->type;
    ensures result: \result == KAAL_NO_ERROR || \result == KAAL_REVOKE_FIRST ||
                    \result == KAAL_ILLEGAL_OPERATION;
    ensures error: \result != KAAL_NO_ERROR ==> e->type == \result;
    ensures revoke_first: \result == KAAL_REVOKE_FIRST ==> cap_type_of(cap) == CAP_UNTYPED;
    ensures nulled: \result == KAAL_NO_ERROR && (cap_type_of(cap) == CAP_ZOMBIE ||
      cap_type_of(cap) == CAP_IRQ_CONTROL || cap_type_of(cap) == CAP_REPLY) ==>
      cap_type_of(*out) == CAP_NULL;
    ensures kept: \result == KAAL_NO_ERROR && cap_type_of(cap) != CAP_ZOMBIE &&
      cap_type_of(cap) != CAP_IRQ_CONTROL && cap_type_of(cap) != CAP_REPLY &&
      cap_type_of(cap) != CAP_FRAME ==> *out == cap;
*/
KAAL_MUST_CHECK kerr_t cap_derive(const cte_t *slot, cap_t cap, cap_t *out, syscall_error_t *e);

/* seL4 cteInsert: put new_cap, derived from the cap in src, into the empty
 * dest as src's child or sibling; copying a whole untyped marks the
 * source full so that only one of the two can allocate. */
/* The checked request (requires, proved at the CNode call sites): dest
 * empty, src not empty (so they differ), new_cap not null.
 * ACSL: ASSUMED, not proved: the assigns clause (set_untyped_full writes
 * src->cap, then cdt_insert, whose proved contract in cdt.c assigns the
 * rest; cdt_insert's contract is not visible in cnode.c). */
/*@ requires \valid(src) && \valid(dest) && src != dest;
    requires cap_type_of(dest->cap) == CAP_NULL && cap_type_of(src->cap) != CAP_NULL;
    requires cap_type_of(new_cap) != CAP_NULL;
    assigns src->cap, src->next, dest->cap, dest->prev, dest->next, mdb_ptr(src->next)->prev;
*/
void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest);

/* Result of a long (preemptible) operation for the syscall layer:
 * KAAL_PREEMPTED restarts the syscall, unless the operation itself stopped
 * the calling thread (it deleted its own TCB), which must stay stopped. */
/*@ requires \valid_read(inv);
    ensures \result == r || \result == KAAL_NO_ERROR;
    ensures r != KAAL_PREEMPTED ==> \result == r;
*/
kerr_t cnode_long_op_result(const invocation_t *inv, kerr_t r);

#endif
