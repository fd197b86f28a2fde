/*
 * The model's CNode invocations (docs/abi.md "CNode"): the checks in the
 * documented order, then the effect on the slots and the tree.
 */
#include "model_int.h"
#include <string.h>

static uint64_t arg(const m_inv_t *inv, unsigned i) { return i < inv->length ? inv->mr[i] : 0; }

/* docs/abi.md "Deriving a capability": rights only ever removed. */
static m_cap_t mask_rights(uint64_t mask, m_cap_t c)
{
    switch (c.type) {
    case M_CAP_ENDPOINT:
    case M_CAP_NOTIFICATION:
        c.rights &= (uint8_t)(mask & KAAL_RIGHTS_ALL);
        break;
    case M_CAP_REPLY:
        c.flag2 = c.flag2 && (mask & KAAL_RIGHT_GRANT) != 0;
        break;
    case M_CAP_FRAME:
        c.rights &= (uint8_t)(mask & (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE));
        if ((c.rights & KAAL_RIGHT_READ) == 0) {
            c.rights = 0; /* write without read gives no right */
        }
        break;
    default:
        break;
    }
    return c;
}

/* Capability data (Mint, Mutate, Rotate): a badge or a CNode guard; an
 * invalid update gives the null capability. */
static m_cap_t update_data(bool preserve, uint64_t data, m_cap_t c)
{
    m_cap_t null = {0};
    switch (c.type) {
    case M_CAP_ENDPOINT:
    case M_CAP_NOTIFICATION:
        if (preserve || c.data != 0) {
            return null;
        }
        c.data = data;
        return c;
    case M_CAP_CNODE: {
        unsigned gsize = (unsigned)(data & 0x3fu);
        if (gsize + c.bits > 64) {
            return null;
        }
        uint64_t guard = data >> 6;
        c.data = gsize >= 64 ? guard : guard & ((1ull << gsize) - 1u);
        c.data2 = gsize;
        return c;
    }
    default:
        return c;
    }
}

/* deriveCap: the null capability for what cannot be copied. */
uint32_t m_derive(const m_state_t *m, int src, m_cap_t c, m_cap_t *out, m_err_t *e)
{
    m_cap_t null = {0};
    *out = c;
    switch (c.type) {
    case M_CAP_ZOMBIE:
    case M_CAP_IRQ_CONTROL:
    case M_CAP_REPLY:
        *out = null;
        return KAAL_NO_ERROR;
    case M_CAP_UNTYPED:
        return m_has_children(m, src) ? m_error(e, KAAL_REVOKE_FIRST) : KAAL_NO_ERROR;
    case M_CAP_FRAME:
        out->flag2 = 0;
        out->data = 0;
        return KAAL_NO_ERROR;
    case M_CAP_PAGE_TABLE:
        return c.flag2 ? KAAL_NO_ERROR : m_error(e, KAAL_ILLEGAL_OPERATION);
    case M_CAP_VSPACE:
        return c.flag2 ? KAAL_NO_ERROR : m_error(e, KAAL_ILLEGAL_OPERATION);
    default:
        return KAAL_NO_ERROR;
    }
}

static bool revocable_copy(const m_cap_t *new_cap, const m_cap_t *src)
{
    switch (new_cap->type) {
    case M_CAP_ENDPOINT:
    case M_CAP_NOTIFICATION:
        return new_cap->data != src->data;
    case M_CAP_UNTYPED:
        return true;
    case M_CAP_IRQ_HANDLER:
        return src->type == M_CAP_IRQ_CONTROL;
    default:
        return false;
    }
}

/* Copy and Mint: insert new_cap below src (seL4 cteInsert). */
void m_insert_copy(m_state_t *m, int src, int dest, const m_cap_t *new_cap)
{
    m_cap_t *s = &m->slot[src].cap;
    bool rev = revocable_copy(new_cap, s);
    if (s->type == M_CAP_UNTYPED && new_cap->type == M_CAP_UNTYPED) {
        s->data = 1ull << s->bits; /* the original is full: only the copy allocates */
    }
    m_insert_derived(m, src, dest, new_cap, rev);
}

static uint32_t lookup_full(m_inv_t *inv, bool source, const m_cap_t *root, uint64_t index,
                            uint64_t depth, int *slot, m_err_t *e)
{
    if (m_lookup_cnode_op(inv->m, root, index, depth, source, slot, e) != KAAL_NO_ERROR) {
        return e->code;
    }
    if (inv->m->slot[*slot].cap.type == M_CAP_NULL) {
        return m_err_missing(e, source, depth);
    }
    return KAAL_NO_ERROR;
}

static uint32_t copy_family(m_inv_t *inv, int dest, m_err_t *e)
{
    m_state_t *m = inv->m;
    int src;
    m_cap_t c, new_cap;
    if (inv->length < 4 || inv->nextra < 1) {
        return m_error(e, KAAL_TRUNCATED_MESSAGE);
    }
    if (m->slot[dest].cap.type != M_CAP_NULL) {
        return m_error(e, KAAL_DELETE_FIRST);
    }
    m_cap_t root = m->slot[inv->extra[0]].cap;
    if (lookup_full(inv, true, &root, arg(inv, 2), arg(inv, 3), &src, e) != KAAL_NO_ERROR) {
        return e->code;
    }
    c = m->slot[src].cap;
    switch (inv->label) {
    case KAAL_INV_CNODE_COPY:
        if (inv->length < 5) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        if (m_derive(m, src, mask_rights(arg(inv, 4), c), &new_cap, e) != KAAL_NO_ERROR) {
            return e->code;
        }
        break;
    case KAAL_INV_CNODE_MINT:
        if (inv->length < 6) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        c = update_data(false, arg(inv, 5), mask_rights(arg(inv, 4), c));
        if (m_derive(m, src, c, &new_cap, e) != KAAL_NO_ERROR) {
            return e->code;
        }
        break;
    case KAAL_INV_CNODE_MUTATE:
        if (inv->length < 5) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        new_cap = update_data(true, arg(inv, 4), c);
        break;
    default:
        new_cap = c;
        break;
    }
    if (new_cap.type == M_CAP_NULL) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->label == KAAL_INV_CNODE_MOVE || inv->label == KAAL_INV_CNODE_MUTATE) {
        m_move(m, src, dest, &new_cap);
    } else {
        m_insert_copy(m, src, dest, &new_cap);
    }
    return KAAL_NO_ERROR;
}

static uint32_t rotate(m_inv_t *inv, int dest, m_err_t *e)
{
    m_state_t *m = inv->m;
    int src, pivot;
    if (inv->length < 8 || inv->nextra < 2) {
        return m_error(e, KAAL_TRUNCATED_MESSAGE);
    }
    m_cap_t sroot = m->slot[inv->extra[1]].cap, proot = m->slot[inv->extra[0]].cap;
    if (m_lookup_cnode_op(m, &sroot, arg(inv, 6), arg(inv, 7), true, &src, e) != KAAL_NO_ERROR ||
        m_lookup_cnode_op(m, &proot, arg(inv, 3), arg(inv, 4), true, &pivot, e) != KAAL_NO_ERROR) {
        return e->code;
    }
    if (pivot == src || pivot == dest) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    if (src != dest && m->slot[dest].cap.type != M_CAP_NULL) {
        return m_error(e, KAAL_DELETE_FIRST);
    }
    if (m->slot[src].cap.type == M_CAP_NULL) {
        return m_err_missing(e, true, arg(inv, 7));
    }
    if (m->slot[pivot].cap.type == M_CAP_NULL) {
        return m_err_missing(e, false, arg(inv, 4));
    }
    m_cap_t new_src = update_data(true, arg(inv, 5), m->slot[src].cap);
    m_cap_t new_pivot = update_data(true, arg(inv, 2), m->slot[pivot].cap);
    if (new_src.type == M_CAP_NULL || new_pivot.type == M_CAP_NULL) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    if (src == dest) {
        m_swap(m, src, &new_src, pivot, &new_pivot);
    } else {
        m_move(m, pivot, dest, &new_pivot);
        m_move(m, src, pivot, &new_src);
    }
    return KAAL_NO_ERROR;
}

static uint32_t save_caller(m_inv_t *inv, int dest, m_err_t *e)
{
    m_state_t *m = inv->m;
    if (m->slot[dest].cap.type != M_CAP_NULL) {
        return m_error(e, KAAL_DELETE_FIRST);
    }
    int src = model_slot_of(m, m->thread[inv->thread].id, M_TCB_CALLER);
    if (src != M_NONE && m->slot[src].cap.type == M_CAP_REPLY && !m->slot[src].cap.flag) {
        m_move(m, src, dest, &m->slot[src].cap);
    }
    return KAAL_NO_ERROR;
}

static uint32_t cancel_badged_sends(m_inv_t *inv, int dest, m_err_t *e)
{
    const m_cap_t *c = &inv->m->slot[dest].cap;
    if (c->type != M_CAP_ENDPOINT || c->rights != KAAL_RIGHTS_ALL) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    if (c->data != 0) {
        m_cancel_badged_sends(inv->m, c->obj, c->data);
    }
    return KAAL_NO_ERROR;
}

uint32_t m_cnode_invoke(m_inv_t *inv, m_err_t *e)
{
    int dest;
    if (inv->label < KAAL_INV_CNODE_REVOKE || inv->label > KAAL_INV_CNODE_SAVE_CALLER) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 2) {
        return m_error(e, KAAL_TRUNCATED_MESSAGE);
    }
    m_cap_t root = inv->m->slot[inv->slot].cap;
    if (m_lookup_cnode_op(inv->m, &root, arg(inv, 0), arg(inv, 1), false, &dest, e) !=
        KAAL_NO_ERROR) {
        return e->code;
    }
    switch (inv->label) {
    case KAAL_INV_CNODE_REVOKE: {
        bool ut = inv->m->slot[dest].cap.type == M_CAP_UNTYPED;
        inv->unmodelled = m_revoke(inv->m, dest);
        if (inv->unmodelled == NULL && ut) {
            inv->m->slot[dest].cap.data = 0; /* KaaL: revoke resets an untyped */
        }
        return KAAL_NO_ERROR;
    }
    case KAAL_INV_CNODE_DELETE:
        inv->unmodelled = m_delete(inv->m, dest);
        return KAAL_NO_ERROR;
    case KAAL_INV_CNODE_CANCEL_BADGED_SENDS:
        return cancel_badged_sends(inv, dest, e);
    case KAAL_INV_CNODE_ROTATE:
        return rotate(inv, dest, e);
    case KAAL_INV_CNODE_SAVE_CALLER:
        return save_caller(inv, dest, e);
    default:
        return copy_family(inv, dest, e);
    }
}
