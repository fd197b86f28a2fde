/* Capability derivation tree: list operations and parenthood (see cdt.h).
 * Small pure list surgery, each function one job, no loops. */
#include "cdt.h"

/*@ requires n == \null || \valid(n);
    assigns n->prev;
    ensures n != \null ==> n->prev == p;
*/
static void set_prev_of(cte_t *n, cte_t *p)
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
static void set_next_of(cte_t *p, cte_t *n)
{
    if (p != NULL) {
        mdb_set_next(p, n);
    }
}

/* Local link properties (docs/verification.md): with old = src's old
 * successor, afterwards src.next == dest, dest.prev == src, dest.next ==
 * old, old.prev == dest; src keeps its flags, dest gets the given ones. */
/*@ requires \valid(src) && \valid(dest) && \separated(src, dest);
    requires mdb_ptr(src->next) == \null ||
             (\valid(mdb_ptr(src->next)) && \separated(mdb_ptr(src->next), src, dest));
    assigns src->next, dest->cap, dest->prev, dest->next, mdb_ptr(src->next)->prev;
    ensures src_next: mdb_ptr(src->next) == dest;
    ensures dest_prev: dest->prev == src;
    ensures dest_next: mdb_ptr(dest->next) == mdb_ptr(\old(src->next));
    ensures old_prev: mdb_ptr(\old(src->next)) != \null ==>
                      mdb_ptr(\old(src->next))->prev == dest;
    ensures dest_cap: dest->cap == cap;
    ensures dest_flags: (mdb_rev(dest->next) <==> revocable) &&
                        (mdb_fb(dest->next) <==> first_badged);
    ensures src_flags: (mdb_rev(src->next) <==> mdb_rev(\old(src->next))) &&
                       (mdb_fb(src->next) <==> mdb_fb(\old(src->next)));
*/
void cdt_insert(cte_t *src, cte_t *dest, cap_t cap, bool revocable, bool first_badged)
{
    cte_t *after = mdb_next(src);
    dest->cap = cap;
    dest->prev = src;
    mdb_clear(dest);
    mdb_set_next(dest, after);
    mdb_set_flags(dest, revocable, first_badged);
    set_prev_of(after, dest);
    mdb_set_next(src, dest);
}

void cdt_insert_root(cte_t *dest, cap_t cap)
{
    cdt_insert(cdt_head(), dest, cap, true, true);
}

/* Local link properties: with p, n = slot's old neighbours, afterwards
 * p.next == n and n.prev == p (the list closes over the gap), slot is
 * empty with no links and no flags, and n inherits slot's first-badged bit
 * (its revocable bit and its own link are kept). An empty slot is left
 * alone. */
/*@ requires \valid(slot);
    requires slot->prev == \null || (\valid(slot->prev) && \separated(slot->prev, slot));
    requires mdb_ptr(slot->next) == \null ||
             (\valid(mdb_ptr(slot->next)) && \separated(mdb_ptr(slot->next), slot));
    requires slot->prev == \null || mdb_ptr(slot->next) == \null ||
             \separated(slot->prev, mdb_ptr(slot->next));
    assigns slot->cap, slot->prev, slot->next, slot->prev->next,
            mdb_ptr(slot->next)->prev, mdb_ptr(slot->next)->next;
    behavior empty:
      assumes cap_type_of(slot->cap) == CAP_NULL;
      ensures slot->cap == \old(slot->cap) && slot->prev == \old(slot->prev) &&
              slot->next == \old(slot->next);
    behavior linked:
      assumes cap_type_of(slot->cap) != CAP_NULL;
      ensures prev_next: \old(slot->prev) != \null ==>
        mdb_ptr(\old(slot->prev)->next) == mdb_ptr(\old(slot->next));
      ensures prev_flags: \old(slot->prev) != \null ==>
        ((mdb_rev(\old(slot->prev)->next) <==> \old(mdb_rev(slot->prev->next))) &&
         (mdb_fb(\old(slot->prev)->next) <==> \old(mdb_fb(slot->prev->next))));
      ensures next_prev: mdb_ptr(\old(slot->next)) != \null ==>
        mdb_ptr(\old(slot->next))->prev == \old(slot->prev);
      ensures next_keeps: mdb_ptr(\old(slot->next)) != \null ==>
        mdb_ptr(mdb_ptr(\old(slot->next))->next) == \old(mdb_ptr(mdb_ptr(slot->next)->next)) &&
        (mdb_rev(mdb_ptr(\old(slot->next))->next) <==> \old(mdb_rev(mdb_ptr(slot->next)->next)));
      ensures next_first_badged: mdb_ptr(\old(slot->next)) != \null ==>
        (mdb_fb(mdb_ptr(\old(slot->next))->next) <==>
         (\old(mdb_fb(mdb_ptr(slot->next)->next)) || mdb_fb(\old(slot->next))));
      ensures unlinked: slot->cap.w0 == 0 && slot->cap.w1 == 0 && slot->prev == \null &&
        mdb_ptr(slot->next) == \null && !mdb_rev(slot->next) && !mdb_fb(slot->next);
    complete behaviors;
    disjoint behaviors;
*/
void cdt_remove(cte_t *slot)
{
    if (cap_is_null(slot->cap)) {
        return;
    }
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

/* Local link properties: dest takes src's place (p.next == dest, n.prev ==
 * dest, dest's links and flags are src's old ones) and src ends empty and
 * unlinked. */
/*@ requires \valid(src) && \valid(dest) && \separated(src, dest);
    requires src->prev == \null ||
             (\valid(src->prev) && \separated(src->prev, src, dest));
    requires mdb_ptr(src->next) == \null ||
             (\valid(mdb_ptr(src->next)) && \separated(mdb_ptr(src->next), src, dest));
    assigns src->cap, src->prev, src->next, dest->cap, dest->prev, dest->next,
            src->prev->next, mdb_ptr(src->next)->prev;
    ensures prev_next: \old(src->prev) != \null ==> mdb_ptr(\old(src->prev)->next) == dest;
    ensures next_prev: mdb_ptr(\old(src->next)) != \null ==>
                       mdb_ptr(\old(src->next))->prev == dest;
    ensures dest_links: dest->prev == \old(src->prev) && dest->next == \old(src->next) &&
                        dest->cap == cap;
    ensures src_unlinked: src->cap.w0 == 0 && src->cap.w1 == 0 && src->prev == \null &&
                          mdb_ptr(src->next) == \null && !mdb_rev(src->next) &&
                          !mdb_fb(src->next);
*/
void cdt_move(cte_t *src, cte_t *dest, cap_t cap)
{
    cte_t *p = src->prev;
    cte_t *n = mdb_next(src);
    dest->cap = cap;
    dest->prev = p;
    dest->next = src->next; /* keeps the flags */
    src->cap = cap_null();
    src->prev = NULL;
    mdb_clear(src);
    set_next_of(p, dest);
    set_prev_of(n, dest);
}

void cdt_swap(cte_t *s1, cap_t c1, cte_t *s2, cap_t c2)
{
    /* seL4 cteSwap; also right when s1 and s2 are neighbours. */
    s1->cap = c2;
    s2->cap = c1;
    cte_t *p1 = s1->prev;
    word_t n1 = s1->next;
    set_next_of(p1, s2);
    set_prev_of(mdb_next(s1), s2);
    cte_t *p2 = s2->prev;
    word_t n2 = s2->next;
    s1->prev = p2;
    s1->next = n2;
    s2->prev = p1;
    s2->next = n1;
    set_next_of(p2, s1);
    set_prev_of((cte_t *)(uintptr_t)(n2 & ~(word_t)MDB_FLAGS), s1);
}

static bool badged_parent_of(cap_t a, const cte_t *b)
{
    word_t badge = cap_badge(a);
    if (badge == 0) {
        return true;
    }
    return badge == cap_badge(b->cap) && !mdb_first_badged(b);
}

bool cdt_is_parent_of(const cte_t *a, const cte_t *b)
{
    if (!mdb_revocable(a) || !cap_same_region(a->cap, b->cap)) {
        return false;
    }
    switch (cap_type(a->cap)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return badged_parent_of(a->cap, b);
    default:
        return true;
    }
}

bool cdt_has_children(const cte_t *slot)
{
    const cte_t *n = mdb_next(slot);
    return n != NULL && cdt_is_parent_of(slot, n);
}

bool cdt_is_final(const cte_t *slot)
{
    const cte_t *p = slot->prev;
    const cte_t *n = mdb_next(slot);
    if (p != NULL && cap_same_object(p->cap, slot->cap)) {
        return false;
    }
    return n == NULL || !cap_same_object(slot->cap, n->cap);
}

/* seL4 setUntypedCapAsFull. */
static void set_untyped_full(cte_t *src, cap_t new_cap)
{
    cap_t s = src->cap;
    if (cap_type(s) == CAP_UNTYPED && cap_type(new_cap) == CAP_UNTYPED &&
        cap_paddr(s) == cap_paddr(new_cap) && cap_untyped_bits(s) == cap_untyped_bits(new_cap)) {
        src->cap = cap_untyped_set_watermark(s, KAAL_BIT(cap_untyped_bits(s)));
    }
}

void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest)
{
    bool revocable = cap_is_revocable(new_cap, src->cap);
    set_untyped_full(src, new_cap);
    cdt_insert(src, dest, new_cap, revocable, revocable);
}
