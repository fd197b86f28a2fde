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
#include "errors.h"

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


/* seL4 deriveCap (it reads the derivation tree: an untyped with children): the capability to put in a new slot when copying cap out
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


/* ---- list steps shared with the IPC fast path (fastpath.c) ---------------
 * static inline, so that the slow path (cdt_insert, cdt_remove) and the
 * fast path run the same code; proved in tests/proof wp_cdt. */

/*@ requires n == \null || \valid(n);
    assigns n->prev;
    ensures n != \null ==> n->prev == p;
*/
KAAL_INLINE void set_prev_of(cte_t *n, cte_t *p)
{
    if (n != NULL) {
        n->prev = p;
    }
}

/*@ requires p == \null || \valid(p);
    assigns p->next;
    ensures p != \null ==> mdb_ptr(p->next) == n;
    ensures p != \null ==> (mdb_rev(p->next) <==> mdb_rev(\old(p->next)));
    ensures p != \null ==> (mdb_fb(p->next) <==> mdb_fb(\old(p->next)));
*/
KAAL_INLINE void set_next_of(cte_t *p, cte_t *n)
{
    if (p != NULL) {
        mdb_set_next(p, n);
    }
}

/* ACSL: what linking dest after src needs and does (cdt_link_after,
 * cdt_insert): with old = src's old successor, afterwards src.next ==
 * dest, dest.prev == src, dest.next == old, old.prev == dest, dest holds
 * cap, src keeps its flags. */
/*@ predicate cdt_link_pre(cte_t *src, cte_t *dest) =
      \valid(src) && \valid(dest) && \separated(src, dest) &&
      (mdb_ptr(src->next) == \null ||
       (\valid(mdb_ptr(src->next)) && \separated(mdb_ptr(src->next), src, dest)));
    predicate cdt_linked_after{Old, Here}(cte_t *src, cte_t *dest, cap_t cap) =
      mdb_ptr(\at(src->next, Here)) == dest && \at(dest->prev, Here) == src &&
      mdb_ptr(\at(dest->next, Here)) == mdb_ptr(\at(src->next, Old)) &&
      (mdb_ptr(\at(src->next, Old)) != \null ==>
         \at(mdb_ptr(\at(src->next, Old))->prev, Here) == dest) &&
      \at(dest->cap, Here) == cap &&
      (mdb_rev(\at(src->next, Here)) <==> mdb_rev(\at(src->next, Old))) &&
      (mdb_fb(\at(src->next, Here)) <==> mdb_fb(\at(src->next, Old)));
*/

/* Link dest, holding cap, right after src with no flags (cdt_insert's
 * list surgery; the reply cap a Call makes is exactly this). */
/*@ requires cdt_link_pre(src, dest);
    assigns src->next, dest->cap, dest->prev, dest->next, mdb_ptr(src->next)->prev;
    ensures cdt_linked_after{Pre, Post}(src, dest, cap);
    ensures dest_flags: !mdb_rev(dest->next) && !mdb_fb(dest->next);
*/
KAAL_INLINE void cdt_link_after(cte_t *src, cte_t *dest, cap_t cap)
{
    cte_t *after = mdb_next(src);
    dest->cap = cap;
    dest->prev = src;
    mdb_clear(dest);
    mdb_set_next(dest, after);
    set_prev_of(after, dest);
    mdb_set_next(src, dest);
}

/* ACSL: what unlinking a slot needs and does (cdt_unlink, cdt_remove):
 * with p, n its old neighbours, p.next == n and n.prev == p (the list
 * closes over the gap), p keeps its flags, n keeps its own link and
 * revocable bit and inherits slot's first-badged bit, slot ends with a
 * null cap, no links and no flags. */
/*@ predicate cdt_unlink_pre(cte_t *slot) =
      \valid(slot) &&
      (slot->prev == \null || (\valid(slot->prev) && \separated(slot->prev, slot))) &&
      (mdb_ptr(slot->next) == \null ||
       (\valid(mdb_ptr(slot->next)) && \separated(mdb_ptr(slot->next), slot))) &&
      (slot->prev == \null || mdb_ptr(slot->next) == \null ||
       \separated(slot->prev, mdb_ptr(slot->next)));
    predicate cdt_unlinked{Old, Here}(cte_t *slot) =
      (\at(slot->prev, Old) != \null ==>
         mdb_ptr(\at(\at(slot->prev, Old)->next, Here)) == mdb_ptr(\at(slot->next, Old)) &&
         (mdb_rev(\at(\at(slot->prev, Old)->next, Here)) <==> mdb_rev(\at(slot->prev->next, Old))) &&
         (mdb_fb(\at(\at(slot->prev, Old)->next, Here)) <==> mdb_fb(\at(slot->prev->next, Old)))) &&
      (mdb_ptr(\at(slot->next, Old)) != \null ==>
         \at(mdb_ptr(\at(slot->next, Old))->prev, Here) == \at(slot->prev, Old) &&
         mdb_ptr(\at(mdb_ptr(\at(slot->next, Old))->next, Here)) ==
           mdb_ptr(\at(mdb_ptr(slot->next)->next, Old)) &&
         (mdb_rev(\at(mdb_ptr(\at(slot->next, Old))->next, Here)) <==>
           mdb_rev(\at(mdb_ptr(slot->next)->next, Old))) &&
         (mdb_fb(\at(mdb_ptr(\at(slot->next, Old))->next, Here)) <==>
           (mdb_fb(\at(mdb_ptr(slot->next)->next, Old)) || mdb_fb(\at(slot->next, Old))))) &&
      \at(slot->cap.w0, Here) == 0 && \at(slot->cap.w1, Here) == 0 &&
      \at(slot->prev, Here) == \null && mdb_ptr(\at(slot->next, Here)) == \null &&
      !mdb_rev(\at(slot->next, Here)) && !mdb_fb(\at(slot->next, Here));
*/

/* Take the capability in slot (not empty) out of the list: its neighbours
 * close the gap, the next one inherits its first-badged bit, slot ends
 * empty and unlinked (cdt_remove of a slot known to hold a cap). */
/*@ requires cdt_unlink_pre(slot);
    requires cap_type_of(slot->cap) != CAP_NULL;
    assigns slot->cap, slot->prev, slot->next, slot->prev->next,
            mdb_ptr(slot->next)->prev, mdb_ptr(slot->next)->next;
    ensures cdt_unlinked{Pre, Post}(slot);
*/
KAAL_INLINE void cdt_unlink(cte_t *slot)
{
    cte_t *p = slot->prev;
    cte_t *n = mdb_next(slot);
    set_next_of(p, n);
    set_prev_of(n, p);
    if (n != NULL && mdb_first_badged(slot)) {
        mdb_set_flags(n, mdb_revocable(n), true);
    }
    slot->cap = cap_null();
    slot->prev = NULL;
    mdb_clear(slot);
}

#include "kernel.h"
static inline cte_t *cdt_head(void) { return &ks.idle.slots[TCB_CTABLE]; }

#endif
