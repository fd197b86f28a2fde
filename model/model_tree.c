/*
 * The model's derivation tree (docs/capabilities.md "The derivation
 * tree"): which capability covers which (seL4 sameRegionAs), finality, and
 * the tree edits of Copy, Move, Rotate, Delete and Revoke on explicit
 * parent links.
 */
#include "model_int.h"
#include <string.h>

/* ---- capabilities ------------------------------------------------------ */

static uint64_t region_size(const m_cap_t *c)
{
    switch (c->type) {
    case M_CAP_UNTYPED:
    case M_CAP_FRAME:
        return 1ull << c->bits;
    case M_CAP_ZOMBIE: /* what is left of a TCB or CNode being deleted */
        return c->flag2 ? 1ull << KAAL_TCB_SIZE_BITS : 1ull << (c->bits + KAAL_SLOT_SIZE_BITS);
    default:
        return 1;
    }
}

static bool physical(const m_cap_t *c)
{
    switch (c->type) {
    case M_CAP_UNTYPED: case M_CAP_ENDPOINT: case M_CAP_NOTIFICATION: case M_CAP_CNODE:
    case M_CAP_TCB: case M_CAP_FRAME: case M_CAP_PAGE_TABLE: case M_CAP_VSPACE:
    case M_CAP_ASID_POOL: case M_CAP_ZOMBIE:
        return true;
    default:
        return false;
    }
}

/* seL4 sameRegionAs: a's authority covers b's object. */
bool m_same_region(const m_cap_t *a, const m_cap_t *b)
{
    switch (a->type) {
    case M_CAP_UNTYPED:
        return physical(b) && b->obj >= a->obj &&
               b->obj + region_size(b) - 1u <= a->obj + region_size(a) - 1u;
    case M_CAP_FRAME:
        return b->type == M_CAP_FRAME && b->obj >= a->obj &&
               b->obj + region_size(b) - 1u <= a->obj + region_size(a) - 1u;
    case M_CAP_CNODE:
        return b->type == M_CAP_CNODE && b->obj == a->obj && b->bits == a->bits;
    case M_CAP_ENDPOINT: case M_CAP_NOTIFICATION: case M_CAP_TCB:
    case M_CAP_PAGE_TABLE: case M_CAP_VSPACE: case M_CAP_ASID_POOL:
        return b->type == a->type && b->obj == a->obj;
    case M_CAP_REPLY:
        return b->type == M_CAP_REPLY && b->obj == a->obj;
    case M_CAP_IRQ_CONTROL:
        return b->type == M_CAP_IRQ_CONTROL || b->type == M_CAP_IRQ_HANDLER;
    case M_CAP_IRQ_HANDLER:
        return b->type == M_CAP_IRQ_HANDLER && b->data == a->data;
    case M_CAP_ASID_CONTROL:
        return b->type == M_CAP_ASID_CONTROL;
    case M_CAP_PLATFORM:
        return b->type == M_CAP_PLATFORM;
    default:
        return false;
    }
}

/* seL4 sameObjectAs: for finality ("the last capability to its object"). */
bool m_same_object(const m_cap_t *a, const m_cap_t *b)
{
    if (a->type == M_CAP_UNTYPED || b->type == M_CAP_UNTYPED) {
        return a->type == b->type && a->obj == b->obj && a->bits == b->bits;
    }
    if (a->type == M_CAP_IRQ_CONTROL) {
        return b->type == M_CAP_IRQ_CONTROL;
    }
    if (a->type == M_CAP_FRAME) {
        return b->type == M_CAP_FRAME && a->obj == b->obj && a->bits == b->bits;
    }
    return m_same_region(a, b);
}

uint64_t m_badge_of(const m_cap_t *c)
{
    return c->type == M_CAP_ENDPOINT || c->type == M_CAP_NOTIFICATION ? c->data : 0;
}

/* Would b, derived below a, be a's child? (docs/capabilities.md: a is
 * revocable, covers b's object, and a badged a keeps only same-badge
 * copies.) */
bool m_covers(const m_state_t *m, int a, const m_cap_t *b)
{
    const m_slot_t *s = &m->slot[a];
    if (!s->revocable || !m_same_region(&s->cap, b)) {
        return false;
    }
    uint64_t badge = m_badge_of(&s->cap);
    return badge == 0 || badge == m_badge_of(b);
}

bool m_has_children(const m_state_t *m, int s)
{
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (m->slot[i].cap.type != M_CAP_NULL && m->slot[i].parent == s) {
            return true;
        }
    }
    return false;
}

bool m_is_final(const m_state_t *m, int s, const bool *deleted)
{
    const m_cap_t *c = &m->slot[s].cap;
    for (uint32_t i = 0; i < m->nslots; i++) {
        if ((int)i == s || m->slot[i].cap.type == M_CAP_NULL || (deleted && deleted[i])) {
            continue;
        }
        if (m_same_object(c, &m->slot[i].cap) || m_same_object(&m->slot[i].cap, c)) {
            return false;
        }
    }
    return true;
}

/* ---- tree edits ------------------------------------------------------- */

void m_insert_derived(m_state_t *m, int src, int dest, const m_cap_t *cap, bool revocable)
{
    /* The new capability's parent: the nearest of src and its ancestors
     * that covers it (a plain copy of a copy is its sibling). */
    int p = src;
    for (unsigned i = 0; p != M_NONE && i < M_MAX_SLOTS && !m_covers(m, p, cap); i++) {
        p = m->slot[p].parent;
    }
    m->slot[dest].cap = *cap;
    m->slot[dest].parent = p;
    m->slot[dest].revocable = revocable ? 1u : 0u;
}

static void reparent(m_state_t *m, int from, int to)
{
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (m->slot[i].parent == from) {
            m->slot[i].parent = to;
        }
    }
}

void m_move(m_state_t *m, int src, int dest, const m_cap_t *cap)
{
    m->slot[dest] = m->slot[src];
    m->slot[dest].cap = *cap;
    reparent(m, src, dest);
    memset(&m->slot[src], 0, sizeof(m->slot[src]));
    m->slot[src].parent = M_NONE;
}

void m_swap(m_state_t *m, int a, const m_cap_t *ca, int b, const m_cap_t *cb)
{
    m_slot_t sa = m->slot[a], sb = m->slot[b];
    /* each capability keeps its place in the tree: children follow it */
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (m->slot[i].parent == a) {
            m->slot[i].parent = b;
        } else if (m->slot[i].parent == b) {
            m->slot[i].parent = a;
        }
    }
    m->slot[b] = sa;
    m->slot[b].cap = *ca;
    m->slot[a] = sb;
    m->slot[a].cap = *cb;
    if (m->slot[a].parent == a) {
        m->slot[a].parent = b;
    }
    if (m->slot[b].parent == b) {
        m->slot[b].parent = a;
    }
}

/* What destroying the object of the last capability c does, if the model
 * can say: NULL (nothing a user sees beyond the capability's removal), or
 * why it is not modelled. */
static const char *final_effect(const m_state_t *m, const m_cap_t *c)
{
    switch (c->type) {
    case M_CAP_UNTYPED: case M_CAP_REPLY: case M_CAP_IRQ_CONTROL: case M_CAP_ASID_CONTROL:
    case M_CAP_PLATFORM:
        return NULL;
    case M_CAP_ENDPOINT:
    case M_CAP_NOTIFICATION:
        return NULL; /* queued threads restart, a bound thread is unbound */
    case M_CAP_CNODE: {
        int k = model_find_container(m, c->obj);
        if (k != M_NONE) {
            for (uint32_t i = 0; i < m->cont[k].count; i++) {
                if (m->slot[m->cont[k].first + i].cap.type != M_CAP_NULL) {
                    return "delete: last capability to a non-empty CNode";
                }
            }
        }
        return NULL;
    }
    case M_CAP_FRAME:
        return c->flag2 ? "delete: last capability to a mapped frame" : NULL;
    case M_CAP_PAGE_TABLE:
        return c->flag2 ? "delete: last capability to a mapped page table" : NULL;
    case M_CAP_VSPACE:
        return c->flag2 ? "delete: last capability to a VSpace with an ASID" : NULL;
    case M_CAP_TCB:
        return "delete: last capability to a TCB";
    case M_CAP_IRQ_HANDLER:
        return "delete: last IRQ handler capability";
    case M_CAP_ZOMBIE:
        return "delete: zombie";
    default:
        return "delete: ASID pool";
    }
}

static void drop_records(m_state_t *m, const m_cap_t *c)
{
    if (c->type == M_CAP_ENDPOINT || c->type == M_CAP_NOTIFICATION) {
        m_cancel_all(m, c->obj);
    }
    if (c->type == M_CAP_ENDPOINT) {
        int e = model_find_ep(m, c->obj);
        if (e != M_NONE) {
            m->ep[e] = m->ep[--m->neps];
        }
    } else if (c->type == M_CAP_NOTIFICATION) {
        int n = model_find_ntfn(m, c->obj);
        if (n != M_NONE) {
            m->ntfn[n] = m->ntfn[--m->nntfns];
        }
    } else if (c->type == M_CAP_CNODE) {
        int k = model_find_container(m, c->obj);
        if (k != M_NONE) {
            m->cont[k].kind = M_CT_DEAD;
            m->cont[k].count = 0;
        }
    }
}

/* Remove slot s (its children go to the nearest ancestor that covers
 * them, else become roots: the list semantics of docs/capabilities.md). */
static void unlink_slot(m_state_t *m, int s)
{
    int p = m->slot[s].parent;
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (m->slot[i].cap.type == M_CAP_NULL || m->slot[i].parent != s) {
            continue;
        }
        int a = p;
        for (unsigned k = 0; a != M_NONE && k < M_MAX_SLOTS && !m_covers(m, a, &m->slot[i].cap);
             k++) {
            a = m->slot[a].parent;
        }
        m->slot[i].parent = a;
    }
    memset(&m->slot[s], 0, sizeof(m->slot[s]));
    m->slot[s].parent = M_NONE;
}

const char *m_delete(m_state_t *m, int s)
{
    if (m->slot[s].cap.type == M_CAP_NULL) {
        return NULL;
    }
    m_cap_t c = m->slot[s].cap;
    if (m_is_final(m, s, NULL)) {
        const char *why = final_effect(m, &c);
        if (why != NULL) {
            return why;
        }
        drop_records(m, &c);
    }
    unlink_slot(m, s);
    return NULL;
}

static bool descends(const m_state_t *m, int d, int s)
{
    int p = m->slot[d].parent;
    for (unsigned k = 0; p != M_NONE && k < M_MAX_SLOTS; k++) {
        if (p == s) {
            return true;
        }
        p = m->slot[p].parent;
    }
    return false;
}

const char *m_revoke(m_state_t *m, int s)
{
    static bool del[M_MAX_SLOTS];
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nslots; i++) {
        del[i] = m->slot[i].cap.type != M_CAP_NULL && descends(m, (int)i, s);
        n += del[i] ? 1u : 0u;
    }
    /* Decide first (nothing changes if a deletion is not modelled). */
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (del[i] && m_is_final(m, (int)i, del)) {
            /* final among the survivors: is it the first of its object? */
            bool first = true;
            for (uint32_t j = 0; j < i; j++) {
                if (del[j] && m_same_object(&m->slot[j].cap, &m->slot[i].cap)) {
                    first = false;
                }
            }
            const char *why = first ? final_effect(m, &m->slot[i].cap) : NULL;
            if (why != NULL) {
                return why;
            }
        }
    }
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (del[i] && m_is_final(m, (int)i, del)) {
            drop_records(m, &m->slot[i].cap);
        }
    }
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (del[i]) {
            memset(&m->slot[i], 0, sizeof(m->slot[i]));
            m->slot[i].parent = M_NONE;
        }
    }
    (void)n;
    return NULL;
}
