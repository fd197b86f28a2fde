/*
 * The model's CSpaces (docs/capabilities.md "Addressing"): its records,
 * error replies, and address resolution with seL4's lookup failures. The
 * derivation tree is in model_tree.c.
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
