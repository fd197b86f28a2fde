/* Capability derivation tree: list operations (see cdt.h). */
#include "cdt.h"

void cdt_insert(cte_t *src, cte_t *dest, cap_t cap, bool revocable, bool first_badged)
{
    cte_t *after = mdb_next(src);
    dest->cap = cap;
    dest->prev = src;
    dest->next = 0;
    mdb_set_next(dest, after);
    mdb_set_flags(dest, revocable, first_badged);
    if (after != NULL) {
        after->prev = dest;
    }
    mdb_set_next(src, dest);
}

void cdt_insert_root(cte_t *dest, cap_t cap)
{
    dest->cap = cap;
    dest->prev = NULL;
    dest->next = 0;
    mdb_set_flags(dest, true, true);
}

void cdt_remove(cte_t *slot)
{
    cte_t *p = slot->prev;
    cte_t *n = mdb_next(slot);
    if (p != NULL) {
        mdb_set_next(p, n);
    }
    if (n != NULL) {
        n->prev = p;
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
    if (p != NULL) {
        mdb_set_next(p, dest);
    }
    if (n != NULL) {
        n->prev = dest;
    }
    src->cap = cap_null();
    src->prev = NULL;
    src->next = 0;
}
