/*
 * The capability derivation tree (seL4's mapping database, "MDB").
 *
 * Every non-empty slot is on one doubly linked list, in preorder of the
 * derivation tree: a slot's descendants follow it directly, before its next
 * sibling. Parenthood is not stored; it is decided by cdt_is_parent_of()
 * from the two capabilities and the revocable / first-badged bits
 * (seL4's isMDBParentOf):
 *
 *   list:  [U]  [F1] [F2] [E]  [E'b1] [E'b1] [E'b2] ...
 *   tree:   U -> F1, F2        E -> E'b1 -> E'b1(copy), E -> E'b2
 *
 * Invariants (checked by kaal_invariants_check): prev/next agree both ways;
 * an empty slot has no links; every slot's parent (if any) precedes it.
 */
#ifndef KAAL_CDT_H
#define KAAL_CDT_H

#include "cap.h"

/* Put cap into the empty slot dest as a new entry directly after src in
 * the list (a child or sibling of src as the caps say). */
void cdt_insert(cte_t *src, cte_t *dest, cap_t cap, bool revocable, bool first_badged);
/* Put cap into the empty slot dest with no derivation links (an original
 * capability: boot-time caps and freshly retyped objects' parents). */
void cdt_insert_root(cte_t *dest, cap_t cap);
/* Unlink slot from the list and make it empty. */
void cdt_remove(cte_t *slot);
/* Move the capability in src to the empty dest, keeping its place. */
void cdt_move(cte_t *src, cte_t *dest, cap_t cap);

#endif
