/*
 * The capability derivation tree (seL4's mapping database, "MDB").
 *
 * Every non-empty slot is on ONE doubly linked list that starts at a
 * sentinel slot (cdt_head()), in preorder of the derivation tree: a slot's
 * descendants follow it directly, before its next sibling. Original
 * capabilities (boot-time caps, reply masters) are roots: they hang
 * directly after the sentinel. Parenthood is not stored; it is decided by
 * cdt_is_parent_of() from the two capabilities and the revocable /
 * first-badged bits (seL4's isMDBParentOf):
 *
 *   list:  (head) [U]  [F1] [F2] [E]  [E'b1] [E'b1] [E'b2] [C] ...
 *   tree:   U -> F1, F2, E     E -> E'b1 -> E'b1(copy),  E -> E'b2
 *           (E is a child of U: its object lies inside U's memory)
 *
 * All capabilities to one object are contiguous on the list, so "is this
 * the last capability to its object" (cdt_is_final) looks only at the two
 * neighbours. The single list lets kaal_invariants_check() visit every
 * capability in the system without knowing where CNodes are.
 *
 * Invariants (checked by kaal_invariants_check): prev/next agree both ways;
 * an empty slot has no links; every non-empty slot is on the list.
 */
#ifndef KAAL_CDT_H
#define KAAL_CDT_H

#include "capability.h"

/* The list's sentinel: an always-empty slot in kernel state that is the
 * prev of the first entry. (Held in the idle thread's unused CTABLE slot
 * until struct kstate has its own field; kaal_boot() resets it.) */
static inline cte_t *cdt_head(void);

/* Put cap into the empty slot dest directly after src on the list, with
 * the given bits (seL4 cteInsert's list part). Requires src on the list or
 * the head, dest empty and unlinked. */
void cdt_insert(cte_t *src, cte_t *dest, cap_t cap, bool revocable, bool first_badged);
/* Put cap into the empty slot dest as an original capability (a root:
 * revocable and first-badged, directly after the head). Boot uses this for
 * every capability it creates that has no parent. */
void cdt_insert_root(cte_t *dest, cap_t cap);
/* Unlink slot and make it empty (seL4 emptySlot's list part: the next
 * entry inherits the first-badged bit). Does nothing on an empty slot. */
void cdt_remove(cte_t *slot);
/* Move the capability in src to the empty dest as cap, keeping its place
 * and bits on the list; src becomes empty (seL4 cteMove). */
void cdt_move(cte_t *src, cte_t *dest, cap_t cap);
/* Exchange the contents of two slots, each keeping its place on the list
 * (seL4 cteSwap); the caps become c1 in s2 and c2 in s1. */
void cdt_swap(cte_t *s1, cap_t c1, cte_t *s2, cap_t c2);

/* seL4 isMDBParentOf: would b, directly after a on the list, be a's
 * descendant? */
bool cdt_is_parent_of(const cte_t *a, const cte_t *b);
/* seL4 ensureNoChildren, as a predicate: true if slot has a descendant. */
/* ACSL: ASSUMED, not proved (it walks the derivation list): reads only.
 * asid_slot_has_children(s), abstract, names its answer, so that the ASID
 * decoder's contract can say "no children". WP treats it as reading no
 * memory (a fixed fact per slot): good for one decode, where nothing
 * changes the derivation list between the check and the invoke. */
/*@ axiomatic AsidCdtChildren {
      predicate asid_slot_has_children{L}(cte_t *s);
    }
*/
/*@ requires \valid_read(slot);
    assigns \nothing;
    ensures \result <==> asid_slot_has_children(slot); */
bool cdt_has_children(const cte_t *slot);
/* seL4 isFinalCapability: no other capability names slot's object. */
/* ACSL: ASSUMED, not proved (it reads the list neighbours): reads only. */
/*@ requires \valid_read(slot);
    assigns \nothing; */
bool cdt_is_final(const cte_t *slot);

/* seL4 cteInsert: put new_cap, derived from the cap in src, into the empty
 * dest as src's child or sibling; copying a whole untyped marks the
 * source full so that only one of the two can allocate. */
/* The checked request (requires, proved at the CNode call sites): dest
 * empty, src not empty (so they differ), new_cap not null.
 * ACSL: ASSUMED, not proved: the assigns clause (set_untyped_full writes
 * src->cap, then cdt_insert, whose proved contract in cdt.c assigns the
 * rest; cdt_insert's contract is proved in the cdt test but not listed for cte_insert). */
/*@ requires \valid(src) && \valid(dest) && src != dest;
    requires cap_type_of(dest->cap) == CAP_NULL && cap_type_of(src->cap) != CAP_NULL;
    requires cap_type_of(new_cap) != CAP_NULL;
    assigns src->cap, src->next, dest->cap, dest->prev, dest->next, mdb_ptr(src->next)->prev;
*/
void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest);


#include "kernel.h"
static inline cte_t *cdt_head(void) { return &ks.idle.slots[TCB_CTABLE]; }

#endif
