/*
 * The model's Untyped Retype (docs/abi.md "Retype", docs/capabilities.md
 * "Creating objects"): checks in the documented order, the watermark, the
 * new objects' records and capabilities.
 */
#include "model_int.h"
#include <string.h>

static uint64_t arg(const m_inv_t *inv, unsigned i) { return i < inv->length ? inv->mr[i] : 0; }

/* log2 of an object's size in bytes (docs/abi.md "Object types"). */
static unsigned object_bits(uint64_t type, uint64_t size_bits)
{
    switch (type) {
    case KAAL_OBJ_UNTYPED: return (unsigned)size_bits;
    case KAAL_OBJ_TCB: return KAAL_TCB_SIZE_BITS;
    case KAAL_OBJ_ENDPOINT: return KAAL_ENDPOINT_SIZE_BITS;
    case KAAL_OBJ_NOTIFICATION: return KAAL_NOTIFICATION_SIZE_BITS;
    case KAAL_OBJ_CNODE: return (unsigned)size_bits + KAAL_SLOT_SIZE_BITS;
    case KAAL_OBJ_FRAME_4K: return KAAL_PAGE_BITS;
    case KAAL_OBJ_FRAME_2M: return KAAL_LARGE_PAGE_BITS;
    case KAAL_OBJ_FRAME_1G: return KAAL_HUGE_PAGE_BITS;
    default: return KAAL_PAGE_TABLE_SIZE_BITS;
    }
}

static m_cap_t new_cap(uint64_t type, uint64_t size_bits, uint64_t pa, bool device)
{
    m_cap_t c;
    memset(&c, 0, sizeof(c));
    c.obj = pa;
    switch (type) {
    case KAAL_OBJ_UNTYPED:
        c.type = M_CAP_UNTYPED;
        c.bits = (uint8_t)size_bits;
        c.flag = device;
        break;
    case KAAL_OBJ_TCB:
        c.type = M_CAP_TCB;
        break;
    case KAAL_OBJ_ENDPOINT:
        c.type = M_CAP_ENDPOINT;
        c.rights = KAAL_RIGHTS_ALL;
        break;
    case KAAL_OBJ_NOTIFICATION:
        c.type = M_CAP_NOTIFICATION;
        c.rights = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE; /* seL4: a notification has no Grant */
        break;
    case KAAL_OBJ_CNODE:
        c.type = M_CAP_CNODE;
        c.bits = (uint8_t)size_bits;
        break;
    case KAAL_OBJ_FRAME_4K:
    case KAAL_OBJ_FRAME_2M:
    case KAAL_OBJ_FRAME_1G:
        c.type = M_CAP_FRAME;
        c.bits = (uint8_t)object_bits(type, 0);
        c.rights = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
        c.flag = device;
        break;
    case KAAL_OBJ_VSPACE:
        c.type = M_CAP_VSPACE;
        break;
    default: /* page tables: level 3 (PT), 2 (PD), 1 (PUD) */
        c.type = M_CAP_PAGE_TABLE;
        c.bits = (uint8_t)(KAAL_OBJ_PAGE_TABLE + 3u - type);
        break;
    }
    return c;
}

/* Room in the model's arrays for count new objects of this type? */
static bool fits_records(const m_state_t *m, uint64_t type, uint64_t size_bits, uint64_t count)
{
    switch (type) {
    case KAAL_OBJ_TCB:
        return m->nthreads + count <= M_MAX_THREADS && m->ncont + count <= M_MAX_CONTAINERS &&
               m->nslots + count * M_TCB_SLOTS <= M_MAX_SLOTS;
    case KAAL_OBJ_ENDPOINT:
        return m->neps + count <= M_MAX_EPS;
    case KAAL_OBJ_NOTIFICATION:
        return m->nntfns + count <= M_MAX_NTFNS;
    case KAAL_OBJ_CNODE:
        return size_bits <= 16 && m->ncont + count <= M_MAX_CONTAINERS &&
               m->nslots + count * (1ull << size_bits) <= M_MAX_SLOTS;
    default:
        return true;
    }
}

static void forget(m_state_t *m, uint64_t pa)
{
    int k = model_find_container(m, pa);
    if (k != M_NONE) {
        m->cont[k].kind = M_CT_DEAD;
        m->cont[k].count = 0;
    }
    int t = model_find_thread(m, pa);
    if (t != M_NONE) {
        m->thread[t] = m->thread[--m->nthreads];
    }
    int e = model_find_ep(m, pa);
    if (e != M_NONE) {
        m->ep[e] = m->ep[--m->neps];
    }
    int n = model_find_ntfn(m, pa);
    if (n != M_NONE) {
        m->ntfn[n] = m->ntfn[--m->nntfns];
    }
}

static void add_container(m_state_t *m, uint64_t pa, uint32_t kind, uint32_t count, uint32_t bits)
{
    m_container_t *c = &m->cont[m->ncont++];
    c->id = pa;
    c->kind = kind;
    c->count = count;
    c->bits = bits;
    c->first = m->nslots;
    for (uint32_t i = 0; i < count; i++) {
        memset(&m->slot[m->nslots], 0, sizeof(m->slot[0]));
        m->slot[m->nslots++].parent = M_NONE;
    }
}

/* The record of a new object (zeroed: docs/abi.md). */
static void create(m_state_t *m, uint64_t type, uint64_t size_bits, uint64_t pa)
{
    forget(m, pa);
    switch (type) {
    case KAAL_OBJ_TCB: {
        m_thread_t *t = &m->thread[m->nthreads++];
        memset(t, 0, sizeof(*t));
        t->id = pa;
        t->state = M_TS_INACTIVE;
        add_container(m, pa, M_CT_TCB, M_TCB_SLOTS, 0);
        break;
    }
    case KAAL_OBJ_ENDPOINT: {
        m_endpoint_t *e = &m->ep[m->neps++];
        memset(e, 0, sizeof(*e));
        e->id = pa;
        break;
    }
    case KAAL_OBJ_NOTIFICATION: {
        m_notification_t *n = &m->ntfn[m->nntfns++];
        memset(n, 0, sizeof(*n));
        n->id = pa;
        break;
    }
    case KAAL_OBJ_CNODE:
        add_container(m, pa, M_CT_CNODE, 1u << size_bits, (uint32_t)size_bits);
        break;
    default:
        break;
    }
}

uint32_t m_untyped_invoke(m_inv_t *inv, m_err_t *e)
{
    m_state_t *m = inv->m;
    if (inv->label != KAAL_INV_UNTYPED_RETYPE) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 6 || inv->nextra < 1) {
        return m_error(e, KAAL_TRUNCATED_MESSAGE);
    }
    uint64_t type = arg(inv, 0), size_bits = arg(inv, 1), index = arg(inv, 2);
    uint64_t depth = arg(inv, 3), offset = arg(inv, 4), count = arg(inv, 5);
    if (type >= KAAL_OBJ_NUM_TYPES) {
        return m_err_arg(e, 0);
    }
    if (size_bits > KAAL_MAX_UNTYPED_BITS) {
        return m_err_range(e, 0, KAAL_MAX_UNTYPED_BITS);
    }
    if ((type == KAAL_OBJ_CNODE && size_bits < 1) ||
        (type == KAAL_OBJ_UNTYPED && size_bits < KAAL_MIN_UNTYPED_BITS)) {
        return m_err_arg(e, 1);
    }
    m_cap_t root = m->slot[inv->extra[0]].cap, node = root;
    if (depth != 0) {
        int s;
        if (m_lookup_cnode_op(m, &root, index, depth, false, &s, e) != KAAL_NO_ERROR) {
            return e->code;
        }
        node = m->slot[s].cap;
    }
    if (node.type != M_CAP_CNODE) {
        return m_err_missing(e, false, depth);
    }
    uint64_t nslots = 1ull << node.bits;
    if (offset >= nslots) {
        return m_err_range(e, 0, nslots - 1u);
    }
    if (count < 1 || count > 256) {
        return m_err_range(e, 1, 256);
    }
    if (count > nslots - offset) {
        return m_err_range(e, 1, nslots - offset);
    }
    for (uint64_t i = 0; i < count; i++) {
        int d = model_slot_of(m, node.obj, (uint32_t)(offset + i));
        if (d == M_NONE || m->slot[d].cap.type != M_CAP_NULL) {
            return m_error(e, KAAL_DELETE_FIRST);
        }
    }
    m_cap_t *ut = &m->slot[inv->slot].cap;
    uint64_t watermark = m_has_children(m, inv->slot) ? ut->data : 0;
    uint64_t size = 1ull << ut->bits, left = size > watermark ? size - watermark : 0;
    unsigned obits = object_bits(type, size_bits);
    if (obits >= 64 || (left >> obits) < count) {
        m_error(e, KAAL_NOT_ENOUGH_MEMORY);
        e->n = 1;
        e->mr[0] = left;
        return e->code;
    }
    if (ut->flag && type != KAAL_OBJ_UNTYPED && type != KAAL_OBJ_FRAME_4K &&
        type != KAAL_OBJ_FRAME_2M && type != KAAL_OBJ_FRAME_1G) {
        return m_err_arg(e, 1);
    }
    if (!fits_records(m, type, size_bits, count)) {
        inv->unmodelled = "Retype: more objects than the model's arrays hold";
        return KAAL_NO_ERROR;
    }
    uint64_t osize = 1ull << obits;
    uint64_t first = (watermark + osize - 1u) & ~(osize - 1u);
    bool device = ut->flag != 0;
    uint64_t ut_pa = ut->obj;
    ut->data = first + count * osize;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t pa = ut_pa + first + i * osize;
        create(m, type, size_bits, pa);
        m_cap_t c = new_cap(type, size_bits, pa, device);
        int d = model_slot_of(m, node.obj, (uint32_t)(offset + i));
        m->slot[d].cap = c;
        m->slot[d].parent = inv->slot;
        m->slot[d].revocable = 1;
    }
    return KAAL_NO_ERROR;
}
