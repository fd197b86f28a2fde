/*
 * CNode invocations (cnode.c). The capability operations they share with
 * IPC are cdt.c's (cap_derive, cte_insert).
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

/* Result of a long (preemptible) operation for the syscall layer:
 * KAAL_PREEMPTED restarts the syscall, unless the operation itself stopped
 * the calling thread (it deleted its own TCB), which must stay stopped. */
/*@ requires \valid_read(inv);
    ensures \result == r || \result == KAAL_NO_ERROR;
    ensures r != KAAL_PREEMPTED ==> \result == r;
*/
kerr_t cnode_long_op_result(const invocation_t *inv, kerr_t r);

#endif
