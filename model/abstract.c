/*
 * The abstraction function (docs/model.md): the core's state, as the
 * model represents it. Reads ks, the derivation list, the slots of every
 * CNode and TCB a capability names, the threads, endpoint and notification
 * queues; never writes.
 *
 * What is abstracted: objects are named by physical address; a slot's
 * place on the preorder derivation list becomes an explicit parent link
 * (seL4 isMDBParentOf over the list, with a stack of open ancestors);
 * ready-queue links, the fast path and kernel pointers are dropped.
 */
#include "abstract.h"
#include "model_int.h"
#include "cdt.h"
#include "kernel.h"
#include <string.h>

static m_cap_t abs_cap(cap_t c)
{
    m_cap_t m;
    memset(&m, 0, sizeof(m));
    m.type = (uint8_t)cap_type(c);
    m.obj = cap_paddr(c);
    switch (cap_type(c)) {
    case CAP_UNTYPED:
        m.bits = (uint8_t)cap_untyped_bits(c);
        m.flag = cap_untyped_device(c);
        m.data = cap_untyped_watermark(c);
        break;
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        m.rights = (uint8_t)cap_rights(c);
        m.data = cap_badge(c);
        break;
    case CAP_REPLY:
        m.flag = cap_reply_master(c);
        m.flag2 = cap_reply_grant(c);
        break;
    case CAP_CNODE:
        m.bits = (uint8_t)cap_cnode_radix(c);
        m.data = cap_cnode_guard(c);
        m.data2 = cap_cnode_guard_size(c);
        break;
    case CAP_IRQ_HANDLER:
        m.data = cap_irq(c);
        break;
    case CAP_ZOMBIE:
        m.flag2 = cap_zombie_is_tcb(c);
        m.bits = (uint8_t)cap_zombie_radix(c);
        m.data = cap_zombie_count(c);
        break;
    case CAP_FRAME:
        m.bits = (uint8_t)frame_size_bits(cap_frame_size(c));
        m.rights = (uint8_t)cap_frame_rights(c);
        m.flag = cap_frame_device(c);
        m.flag2 = cap_frame_mapped(c);
        m.data = c.w1;
        break;
    case CAP_PAGE_TABLE:
        m.bits = (uint8_t)cap_pt_level(c);
        m.flag2 = cap_pt_mapped(c);
        m.data = c.w1;
        break;
    case CAP_VSPACE:
        m.flag2 = cap_vspace_has_asid(c);
        m.data = cap_vspace_asid(c);
        break;
    case CAP_ASID_POOL:
        m.data = c.w1;
        break;
    default:
        break;
    }
    return m;
}

/* Where each container's slots are in the kernel (parallel to cont[]). */
static const cte_t *base[M_MAX_CONTAINERS];
static const cte_t *list[M_MAX_SLOTS];

static void add_container(m_state_t *m, uint64_t id, uint32_t kind, uint32_t count,
                          uint32_t bits, const cte_t *slots)
{
    if (model_find_container(m, id) != M_NONE) {
        return;
    }
    if (m->ncont >= M_MAX_CONTAINERS || m->nslots + count > M_MAX_SLOTS) {
        m->overflow = 1;
        return;
    }
    base[m->ncont] = slots;
    m_container_t *c = &m->cont[m->ncont++];
    c->id = id;
    c->kind = kind;
    c->count = count;
    c->bits = bits;
    c->first = m->nslots;
    m_slot_t *s = &m->slot[m->nslots];
    memset(s, 0, count * sizeof(*s));
    m->nslots += count;
    for (uint32_t i = 0; i < count; i++, s++) {
        s->parent = M_NONE;
        if (!cap_is_null(slots[i].cap)) {
            s->cap = abs_cap(slots[i].cap);
            s->revocable = mdb_revocable(&slots[i]);
        }
    }
}

static uint64_t pa_of(const void *p) { return p == NULL ? 0 : hal_kvirt_to_phys(p); }

static uint32_t abs_state(word_t s)
{
    switch (s) {
    case TS_RUNNING: return M_TS_RUNNABLE;
    case TS_RESTART: return M_TS_RESTART; /* compared as runnable (model_compare.c) */
    case TS_BLOCKED_ON_RECV: return M_TS_BLOCKED_RECV;
    case TS_BLOCKED_ON_SEND: return M_TS_BLOCKED_SEND;
    case TS_BLOCKED_ON_REPLY: return M_TS_BLOCKED_REPLY;
    case TS_BLOCKED_ON_NOTIFICATION: return M_TS_BLOCKED_NTFN;
    default: return M_TS_INACTIVE;
    }
}

static void add_thread(m_state_t *m, const tcb_t *t)
{
    uint64_t id = pa_of(t);
    if (model_find_thread(m, id) != M_NONE) {
        return;
    }
    if (m->nthreads >= M_MAX_THREADS) {
        m->overflow = 1;
        return;
    }
    m_thread_t *x = &m->thread[m->nthreads++];
    memset(x, 0, sizeof(*x));
    x->id = id;
    x->state = abs_state(t->state);
    x->prio = (uint32_t)t->prio;
    x->mcp = (uint32_t)t->mcp;
    bool blocked = t->state == TS_BLOCKED_ON_RECV || t->state == TS_BLOCKED_ON_SEND ||
                   t->state == TS_BLOCKED_ON_NOTIFICATION;
    x->blocked_on = blocked ? pa_of(t->blocked_on) : 0;
    x->regs[M_R_CAP] = t->ctx.r[HAL_R_CAP];
    x->regs[M_R_INFO] = t->ctx.r[HAL_R_INFO];
    x->regs[M_R_MR0 + 0] = t->ctx.r[HAL_R_MR0];
    x->regs[M_R_MR0 + 1] = t->ctx.r[HAL_R_MR1];
    x->regs[M_R_MR0 + 2] = t->ctx.r[HAL_R_MR2];
    x->regs[M_R_MR0 + 3] = t->ctx.r[HAL_R_MR3];
    x->ipc_buffer = t->ipc_buffer;
    x->bound = pa_of(t->bound_ntfn);
    x->fault_ep = t->fault_ep;
    if (t->state == TS_BLOCKED_ON_SEND) {
        x->ipc_badge = t->ipc_badge;
        x->ipc_grant = t->ipc_can_grant != 0;
        x->ipc_grant_reply = t->ipc_can_grant_reply != 0;
        x->ipc_is_call = t->ipc_is_call != 0;
    } else if (t->state == TS_BLOCKED_ON_RECV) {
        x->ipc_grant = t->ipc_can_grant != 0;
    }
    x->fault = t->fault[0] != 0;
}

static uint32_t abs_queue(m_state_t *m, const tcb_t *head, uint64_t *q)
{
    uint32_t n = 0;
    for (const tcb_t *t = head; t != NULL; t = t->ep_next) {
        if (n >= M_QUEUE_MAX) {
            m->overflow = 1;
            break;
        }
        q[n++] = pa_of(t);
    }
    return n;
}

static void add_object(m_state_t *m, cap_t c)
{
    uint64_t id = cap_paddr(c);
    if (cap_type(c) == CAP_ENDPOINT && model_find_ep(m, id) == M_NONE) {
        if (m->neps >= M_MAX_EPS) {
            m->overflow = 1;
            return;
        }
        const endpoint_t *e = ep_of_cap(c);
        m_endpoint_t *x = &m->ep[m->neps++];
        memset(x, 0, sizeof(*x));
        x->id = id;
        x->state = (uint32_t)e->state;
        x->n = abs_queue(m, e->head, x->queue);
    } else if (cap_type(c) == CAP_NOTIFICATION && model_find_ntfn(m, id) == M_NONE) {
        if (m->nntfns >= M_MAX_NTFNS) {
            m->overflow = 1;
            return;
        }
        const notification_t *n = ntfn_of_cap(c);
        m_notification_t *x = &m->ntfn[m->nntfns++];
        memset(x, 0, sizeof(*x));
        x->id = id;
        x->state = (uint32_t)n->state;
        x->word = n->word;
        x->bound = pa_of(n->bound);
        x->n = abs_queue(m, n->head, x->queue);
    }
}

/* The container (and index) of a kernel slot, or M_NONE. */
static int locate(const m_state_t *m, const cte_t *s)
{
    for (uint32_t i = 0; i < m->ncont; i++) {
        if (s >= base[i] && s < base[i] + m->cont[i].count) {
            return (int)(m->cont[i].first + (uint32_t)(s - base[i]));
        }
    }
    return M_NONE;
}

/* seL4 isMDBParentOf on the abstracted capabilities and the core's bits. */
static bool mdb_parent(const m_state_t *m, int a, const cte_t *ka, int b, const cte_t *kb)
{
    const m_cap_t *ca = &m->slot[a].cap, *cb = &m->slot[b].cap;
    if (!mdb_revocable(ka) || !m_same_region(ca, cb)) {
        return false;
    }
    uint64_t badge = m_badge_of(ca);
    if ((ca->type == M_CAP_ENDPOINT || ca->type == M_CAP_NOTIFICATION) && badge != 0) {
        return m_badge_of(cb) == badge && !mdb_first_badged(kb);
    }
    return true;
}

void model_abstract(m_state_t *m)
{
    m->nslots = m->ncont = m->nthreads = m->neps = m->nntfns = m->overflow = 0;
    /* 1. the derivation list: every capability in the system */
    uint32_t n = 0;
    for (const cte_t *s = mdb_next(cdt_head()); s != NULL; s = mdb_next(s)) {
        if (n >= M_MAX_SLOTS) {
            m->overflow = 1;
            break;
        }
        list[n++] = s;
    }
    /* 2. the objects that hold slots, and the others the model records */
    add_container(m, M_IRQ_SLOTS_ID, M_CT_IRQ, HAL_NUM_IRQS, 0, ks.irq_slots);
    for (uint32_t i = 0; i < n; i++) {
        cap_t c = list[i]->cap;
        switch (cap_type(c)) {
        case CAP_CNODE:
            add_container(m, cap_paddr(c), M_CT_CNODE, 1u << cap_cnode_radix(c),
                          cap_cnode_radix(c), cnode_of_cap(c));
            break;
        case CAP_TCB:
            add_container(m, cap_paddr(c), M_CT_TCB, TCB_NUM_SLOTS, 0, tcb_of_cap(c)->slots);
            add_thread(m, tcb_of_cap(c));
            break;
        case CAP_ZOMBIE:
            if (cap_zombie_is_tcb(c)) {
                add_container(m, cap_paddr(c), M_CT_TCB, TCB_NUM_SLOTS, 0, cap_zombie_slots(c));
            } else {
                add_container(m, cap_paddr(c), M_CT_CNODE, 1u << cap_zombie_radix(c),
                              cap_zombie_radix(c), cap_zombie_slots(c));
            }
            break;
        default:
            add_object(m, c);
            break;
        }
    }
    /* 3. slots on the list outside every such object */
    static int at[M_MAX_SLOTS];
    for (uint32_t i = 0; i < n; i++) {
        at[i] = locate(m, list[i]);
        if (at[i] == M_NONE) {
            add_container(m, pa_of(list[i]), M_CT_ORPHAN, 1, 0, list[i]);
            at[i] = locate(m, list[i]);
        }
    }
    /* 4. parents: a stack of the open ancestors along the preorder list */
    static int stack[M_MAX_SLOTS];
    static const cte_t *kstack[M_MAX_SLOTS];
    uint32_t depth = 0;
    for (uint32_t i = 0; i < n; i++) {
        int s = at[i];
        if (s == M_NONE) {
            continue;
        }
        while (depth > 0 && !mdb_parent(m, stack[depth - 1], kstack[depth - 1], s, list[i])) {
            depth--;
        }
        m->slot[s].parent = depth > 0 ? stack[depth - 1] : M_NONE;
        stack[depth] = s;
        kstack[depth] = list[i];
        depth++;
    }
}

const uint64_t *model_phys_words(uint64_t paddr)
{
    if (paddr < ks.ram_base || paddr + 8u * 128u > ks.ram_end) {
        return NULL;
    }
    return (const uint64_t *)hal_phys_to_kvirt(paddr);
}

uint64_t model_thread_id(const void *tcb) { return pa_of(tcb); }
