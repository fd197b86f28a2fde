/*
 * The model's CSpaces and derivation tree (docs/capabilities.md): address
 * resolution, errors, derivation rules, and the tree edits of Copy, Move,
 * Delete and Revoke on explicit parent links.
 */
#include "model_int.h"
#include <string.h>

/* ---- records ---------------------------------------------------------- */

int model_find_container(const m_state_t *m, uint64_t id)
{
    for (uint32_t i = 0; i < m->ncont; i++) {
        if (m->cont[i].id == id && m->cont[i].kind != M_CT_DEAD) {
            return (int)i;
        }
    }
    return M_NONE;
}

int model_find_thread(const m_state_t *m, uint64_t id)
{
    for (uint32_t i = 0; i < m->nthreads; i++) {
        if (m->thread[i].id == id) {
            return (int)i;
        }
    }
    return M_NONE;
}

int model_find_ep(const m_state_t *m, uint64_t id)
{
    for (uint32_t i = 0; i < m->neps; i++) {
        if (m->ep[i].id == id) {
            return (int)i;
        }
    }
    return M_NONE;
}

int model_find_ntfn(const m_state_t *m, uint64_t id)
{
    for (uint32_t i = 0; i < m->nntfns; i++) {
        if (m->ntfn[i].id == id) {
            return (int)i;
        }
    }
    return M_NONE;
}

int model_slot_of(const m_state_t *m, uint64_t cont_id, uint32_t index)
{
    int c = model_find_container(m, cont_id);
    if (c == M_NONE || index >= m->cont[c].count) {
        return M_NONE;
    }
    return (int)(m->cont[c].first + index);
}

int model_container_of_slot(const m_state_t *m, int s, uint32_t *index)
{
    for (uint32_t i = 0; i < m->ncont; i++) {
        const m_container_t *c = &m->cont[i];
        if ((uint32_t)s >= c->first && (uint32_t)s < c->first + c->count) {
            *index = (uint32_t)s - c->first;
            return (int)i;
        }
    }
    return M_NONE;
}

void model_copy(m_state_t *dst, const m_state_t *src)
{
    dst->nslots = src->nslots;
    dst->ncont = src->ncont;
    dst->nthreads = src->nthreads;
    dst->neps = src->neps;
    dst->nntfns = src->nntfns;
    dst->overflow = src->overflow;
    memcpy(dst->cont, src->cont, src->ncont * sizeof(src->cont[0]));
    memcpy(dst->thread, src->thread, src->nthreads * sizeof(src->thread[0]));
    memcpy(dst->ep, src->ep, src->neps * sizeof(src->ep[0]));
    memcpy(dst->ntfn, src->ntfn, src->nntfns * sizeof(src->ntfn[0]));
    memcpy(dst->slot, src->slot, src->nslots * sizeof(src->slot[0]));
}

/* ---- errors (docs/abi.md "Errors") ----------------------------------- */

uint32_t m_error(m_err_t *e, uint32_t code)
{
    memset(e, 0, sizeof(*e));
    e->code = code;
    return code;
}

uint32_t m_err_arg(m_err_t *e, uint64_t index)
{
    m_error(e, KAAL_INVALID_ARGUMENT);
    e->n = 1;
    e->mr[0] = index;
    return e->code;
}

uint32_t m_err_range(m_err_t *e, uint64_t min, uint64_t max)
{
    m_error(e, KAAL_RANGE_ERROR);
    e->n = 2;
    e->mr[0] = min;
    e->mr[1] = max;
    return e->code;
}

uint32_t m_err_lookup(m_err_t *e, bool source, const m_lf_t *lf)
{
    m_error(e, KAAL_FAILED_LOOKUP);
    e->mr[0] = source ? 1u : 0u;
    e->mr[1] = lf->type;
    switch (lf->type) {
    case KAAL_LOOKUP_MISSING_CAPABILITY:
        e->mr[2] = lf->bits_left;
        e->n = 3;
        break;
    case KAAL_LOOKUP_DEPTH_MISMATCH:
        e->mr[2] = lf->bits_left;
        e->mr[3] = lf->bits_found;
        e->n = 4;
        break;
    case KAAL_LOOKUP_GUARD_MISMATCH:
        e->mr[2] = lf->bits_left;
        e->mr[3] = lf->guard_found;
        e->mr[4] = lf->guard_size;
        e->n = 5;
        break;
    default:
        e->n = 2;
        break;
    }
    return e->code;
}

uint32_t m_err_missing(m_err_t *e, bool source, uint64_t bits_left)
{
    m_lf_t lf = {KAAL_LOOKUP_MISSING_CAPABILITY, bits_left, 0, 0, 0};
    return m_err_lookup(e, source, &lf);
}

/* ---- addressing (docs/capabilities.md "Addressing") ----------------- */

static uint64_t low_bits(uint64_t v, unsigned n) { return n >= 64 ? v : v & ((1ull << n) - 1u); }

bool m_resolve(const m_state_t *m, const m_cap_t *root, uint64_t cptr, unsigned nbits,
               int *slot, unsigned *left, m_lf_t *lf)
{
    memset(lf, 0, sizeof(*lf));
    if (root->type != M_CAP_CNODE) {
        lf->type = KAAL_LOOKUP_INVALID_ROOT;
        return false;
    }
    m_cap_t node = *root;
    for (unsigned level = 0; level < 65; level++) {
        unsigned radix = node.bits, gsize = (unsigned)node.data2, bits = radix + gsize;
        uint64_t guard = gsize == 0 ? 0 : low_bits(cptr >> (nbits - gsize), gsize);
        if (gsize > nbits || guard != node.data) {
            lf->type = KAAL_LOOKUP_GUARD_MISMATCH;
            lf->bits_left = nbits;
            lf->guard_found = node.data;
            lf->guard_size = gsize;
            return false;
        }
        if (bits > nbits) {
            lf->type = KAAL_LOOKUP_DEPTH_MISMATCH;
            lf->bits_left = nbits;
            lf->bits_found = bits;
            return false;
        }
        uint32_t index = (uint32_t)low_bits(cptr >> (nbits - bits), radix);
        int s = model_slot_of(m, node.obj, index);
        if (s == M_NONE) { /* a CNode the model does not hold: cannot happen */
            lf->type = KAAL_LOOKUP_INVALID_ROOT;
            return false;
        }
        *slot = s;
        if (bits == nbits) {
            *left = 0;
            return true;
        }
        nbits -= bits;
        if (m->slot[s].cap.type != M_CAP_CNODE) {
            *left = nbits;
            return true;
        }
        node = m->slot[s].cap;
    }
    lf->type = KAAL_LOOKUP_INVALID_ROOT;
    return false;
}

int m_lookup_slot(const m_state_t *m, int t, uint64_t cptr, m_lf_t *lf)
{
    int ct = model_slot_of(m, m->thread[t].id, M_TCB_CTABLE);
    int s;
    unsigned left;
    if (ct == M_NONE || !m_resolve(m, &m->slot[ct].cap, cptr, 64, &s, &left, lf)) {
        return M_NONE;
    }
    return s;
}

uint32_t m_lookup_cnode_op(const m_state_t *m, const m_cap_t *root, uint64_t index,
                           uint64_t depth, bool source, int *slot, m_err_t *e)
{
    m_lf_t lf = {0};
    unsigned left;
    if (root->type != M_CAP_CNODE) {
        lf.type = KAAL_LOOKUP_INVALID_ROOT;
        return m_err_lookup(e, source, &lf);
    }
    if (depth < 1 || depth > 64) {
        return m_err_range(e, 1, 64);
    }
    if (!m_resolve(m, root, index, (unsigned)depth, slot, &left, &lf)) {
        return m_err_lookup(e, source, &lf);
    }
    if (left != 0) {
        lf.type = KAAL_LOOKUP_DEPTH_MISMATCH;
        lf.bits_left = left;
        lf.bits_found = 0;
        return m_err_lookup(e, source, &lf);
    }
    return KAAL_NO_ERROR;
}

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
