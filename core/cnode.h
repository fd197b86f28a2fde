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
KAAL_MUST_CHECK kerr_t cap_derive(const cte_t *slot, cap_t cap, cap_t *out, syscall_error_t *e);

/* seL4 cteInsert: put new_cap, derived from the cap in src, into the empty
 * dest as src's child or sibling; copying a whole untyped marks the
 * source full so that only one of the two can allocate. */
void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest);

/* Result of a long (preemptible) operation for the syscall layer:
 * KAAL_PREEMPTED restarts the syscall, unless the operation itself stopped
 * the calling thread (it deleted its own TCB), which must stay stopped. */
kerr_t cnode_long_op_result(const invocation_t *inv, kerr_t r);

#endif
