/* Capability derivation tree: list operations and parenthood (see cdt.h).
 * Small pure list surgery, each function one job, no loops. */
#include "cdt.h"

/* Local link properties (cdt_linked_after, cdt.h); dest gets the given
 * flags (cdt_link_after, then the flags). */
/*@ requires cdt_link_pre(src, dest);
    assigns src->next, dest->cap, dest->prev, dest->next, mdb_ptr(src->next)->prev;
    ensures cdt_linked_after{Pre, Post}(src, dest, cap);
    ensures dest_flags: (mdb_rev(dest->next) <==> revocable) &&
                        (mdb_fb(dest->next) <==> first_badged);
*/
void cdt_insert(cte_t *src, cte_t *dest, cap_t cap, bool revocable, bool first_badged)
{
    cdt_link_after(src, dest, cap);
    mdb_set_flags(dest, revocable, first_badged);
}

void cdt_insert_root(cte_t *dest, cap_t cap)
{
    cdt_insert(cdt_head(), dest, cap, true, true);
}

/* Local link properties (cdt_unlinked, cdt.h); an empty slot is left
 * alone. */
/*@ requires cdt_unlink_pre(slot);
    assigns slot->cap, slot->prev, slot->next, slot->prev->next,
            mdb_ptr(slot->next)->prev, mdb_ptr(slot->next)->next;
    behavior empty:
      assumes cap_type_of(slot->cap) == CAP_NULL;
      ensures slot->cap == \old(slot->cap) && slot->prev == \old(slot->prev) &&
              slot->next == \old(slot->next);
    behavior linked:
      assumes cap_type_of(slot->cap) != CAP_NULL;
      ensures cdt_unlinked{Pre, Post}(slot);
    complete behaviors;
    disjoint behaviors;
*/
void cdt_remove(cte_t *slot)
{
    if (cap_is_null(slot->cap)) {
        return;
    }
    cdt_unlink(slot);
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

/* Contract in cdt.h (proved). */
kerr_t cap_derive(const cte_t *slot, cap_t cap, cap_t *out, syscall_error_t *e)
{
    *out = cap;
    switch (cap_type(cap)) {
    case CAP_ZOMBIE:
    case CAP_IRQ_CONTROL:
    case CAP_REPLY:
        *out = cap_null();
        return KAAL_NO_ERROR;
    case CAP_UNTYPED:
        return cdt_has_children(slot) ? err_set(e, KAAL_REVOKE_FIRST) : KAAL_NO_ERROR;
    case CAP_FRAME:
        *out = cap_frame_set_mapping(cap, false, 0, 0);
        return KAAL_NO_ERROR;
    case CAP_PAGE_TABLE:
        return cap_pt_mapped(cap) ? KAAL_NO_ERROR : err_set(e, KAAL_ILLEGAL_OPERATION);
    case CAP_VSPACE:
        return cap_vspace_has_asid(cap) ? KAAL_NO_ERROR : err_set(e, KAAL_ILLEGAL_OPERATION);
    default:
        return KAAL_NO_ERROR;
    }
}
