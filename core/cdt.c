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

static void set_next_of(cte_t *p, cte_t *n)
{
    if (p != NULL) {
        mdb_set_next(p, n);
    }
}

void cdt_insert(cte_t *src, cte_t *dest, cap_t cap, bool revocable, bool first_badged)
{
    cte_t *after = mdb_next(src);
    dest->cap = cap;
    dest->prev = src;
    dest->next = 0;
    mdb_set_next(dest, after);
    mdb_set_flags(dest, revocable, first_badged);
    set_prev_of(after, dest);
    mdb_set_next(src, dest);
}

void cdt_insert_root(cte_t *dest, cap_t cap)
{
    cdt_insert(cdt_head(), dest, cap, true, true);
}

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
    slot->next = 0;
}

void cdt_move(cte_t *src, cte_t *dest, cap_t cap)
{
    cte_t *p = src->prev;
    cte_t *n = mdb_next(src);
    dest->cap = cap;
    dest->prev = p;
    dest->next = src->next; /* keeps the flags */
    src->cap = cap_null();
    src->prev = NULL;
    src->next = 0;
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
