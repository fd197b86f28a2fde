/*
 * The model's endpoint IPC (docs/abi.md "IPC, notifications, threads"):
 * Send, NBSend, Call, Recv, NBRecv, Reply and ReplyRecv on endpoints and
 * reply capabilities; message registers, IPC buffer words, badges,
 * capability transfer (unwrapping and the receive slot), the reply model;
 * cancellation of queued threads. Fault messages are not modelled.
 */
#include "model_int.h"
#include <string.h>

/* ---- queues ------------------------------------------------------------ */


/* Priority order, FIFO among equals. */
void m_enqueue(m_state_t *m, uint64_t *q, uint32_t *n, uint64_t tid)
{
    int t = model_find_thread(m, tid);
    uint32_t at = *n;
    for (uint32_t i = 0; t != M_NONE && i < *n; i++) {
        int o = model_find_thread(m, q[i]);
        if (o != M_NONE && m->thread[o].prio < m->thread[t].prio) {
            at = i;
            break;
        }
    }
    for (uint32_t i = *n; i > at; i--) {
        q[i] = q[i - 1u];
    }
    q[at] = tid;
    (*n)++;
}

/* A thread taken off a queue that is cancelled re-executes its syscall. */
static void restart(m_thread_t *t)
{
    t->state = M_TS_RUNNABLE;
    t->blocked_on = 0;
    t->fault = 0;
    t->ipc_badge = 0;
    t->ipc_grant = t->ipc_grant_reply = t->ipc_is_call = 0;
}

void m_cancel_badged_sends(m_state_t *m, uint64_t ep, uint64_t badge)
{
    int e = model_find_ep(m, ep);
    if (e == M_NONE || m->ep[e].state != M_EP_SEND) {
        return;
    }
    m_endpoint_t *x = &m->ep[e];
    for (uint32_t i = 0; i < x->n;) {
        int t = model_find_thread(m, x->queue[i]);
        if (t != M_NONE && m->thread[t].ipc_badge == badge) {
            restart(&m->thread[t]);
            model_queue_remove(x->queue, &x->n, x->queue[i]);
        } else {
            i++;
        }
    }
    if (x->n == 0) {
        x->state = M_EP_IDLE;
    }
}

void m_cancel_all(m_state_t *m, uint64_t obj)
{
    int e = model_find_ep(m, obj);
    if (e != M_NONE) {
        for (uint32_t i = 0; i < m->ep[e].n; i++) {
            int t = model_find_thread(m, m->ep[e].queue[i]);
            if (t != M_NONE) {
                restart(&m->thread[t]);
            }
        }
        m->ep[e].n = 0;
        m->ep[e].state = M_EP_IDLE;
    }
    int n = model_find_ntfn(m, obj);
    if (n != M_NONE) {
        for (uint32_t i = 0; i < m->ntfn[n].n; i++) {
            int t = model_find_thread(m, m->ntfn[n].queue[i]);
            if (t != M_NONE) {
                restart(&m->thread[t]);
            }
        }
        m->ntfn[n].n = 0;
        m->ntfn[n].state = M_NTFN_IDLE;
        int b = model_find_thread(m, m->ntfn[n].bound);
        if (b != M_NONE) {
            m->thread[b].bound = 0;
        }
        m->ntfn[n].bound = 0;
    }
}

/* ---- buffers and message transfer ----------------------------------- */

/* A thread's IPC buffer for IPC: the buffer frame must allow reading
 * (sending) or reading and writing (receiving). */
bool m_ipc_buffer(const m_state_t *m, int t, bool receiving, m_phys_fn phys, uint64_t *pa,
                  const uint64_t **words)
{
    const m_thread_t *x = &m->thread[t];
    int s = model_slot_of(m, x->id, M_TCB_BUFFER);
    unsigned need = receiving ? (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE) : KAAL_RIGHT_READ;
    *words = NULL;
    if (s == M_NONE || x->ipc_buffer == 0 || m->slot[s].cap.type != M_CAP_FRAME ||
        (m->slot[s].cap.rights & need) != need) {
        return false;
    }
    const m_cap_t *f = &m->slot[s].cap;
    *pa = f->obj + (x->ipc_buffer & ((1ull << f->bits) - 1u));
    *words = phys != NULL ? phys(*pa) : NULL;
    return *words != NULL;
}

static void write_word(m_step_t *st, uint64_t pa, uint64_t v)
{
    if (st->nwrites < M_MAX_MEMWRITES) {
        st->write[st->nwrites].paddr = pa;
        st->write[st->nwrites].value = v;
        st->nwrites++;
    }
}

/* The receive slot of r (docs/abi.md "Capability transfer"), or M_NONE. */
static int receive_slot(const m_state_t *m, int r, const uint64_t *rbuf)
{
    m_lf_t lf;
    m_err_t e;
    int root = m_lookup_slot(m, r, rbuf[125], &lf), slot;
    if (root == M_NONE || m->slot[root].cap.type == M_CAP_NULL ||
        m_lookup_cnode_op(m, &m->slot[root].cap, rbuf[126], rbuf[127], false, &slot, &e) !=
            KAAL_NO_ERROR) {
        return M_NONE;
    }
    return m->slot[slot].cap.type == M_CAP_NULL ? slot : M_NONE;
}

/* The message of s (its registers and buffer) to r, with the badge;
 * capabilities move if grant (ep: the endpoint used, 0 for a reply).
 * False if not modelled (a fault message). */
bool m_transfer(m_state_t *m, int s, int r, uint64_t ep, uint64_t badge, bool grant,
                m_phys_fn phys, m_step_t *st)
{
    m_thread_t *S = &m->thread[s], *R = &m->thread[r];
    if (S->fault) {
        return false;
    }
    uint64_t spa = 0, rpa = 0;
    const uint64_t *sbuf, *rbuf;
    bool hs = m_ipc_buffer(m, s, false, phys, &spa, &sbuf);
    bool hr = m_ipc_buffer(m, r, true, phys, &rpa, &rbuf);
    uint64_t info = S->regs[M_R_INFO];
    int caps[KAAL_MSG_MAX_EXTRA_CAPS];
    unsigned ncaps = 0;
    if (grant && hs) {
        unsigned want = (unsigned)kaal_msginfo_extra_caps(info);
        for (unsigned i = 0; i < want && i < KAAL_MSG_MAX_EXTRA_CAPS; i++) {
            m_lf_t lf;
            int x = m_lookup_slot(m, s, sbuf[1 + KAAL_MSG_MAX_LENGTH + 1 + i], &lf);
            if (x == M_NONE) {
                ncaps = 0;
                break;
            }
            caps[ncaps++] = x;
        }
    }
    uint64_t len = kaal_msginfo_length(info), i = 0;
    for (; i < len && i < KAAL_MSG_NUM_REGS; i++) {
        R->regs[M_R_MR0 + i] = S->regs[M_R_MR0 + i];
    }
    if (hs && hr) {
        for (; i < len && i < KAAL_MSG_MAX_LENGTH; i++) {
            write_word(st, rpa + 8u * (1u + i), sbuf[1 + i]);
        }
    }
    uint64_t sent = i, unwrapped = 0, extra = 0;
    if (ncaps > 0 && hr) {
        int dest = receive_slot(m, r, rbuf);
        for (; extra < ncaps; extra++) {
            m_cap_t c = m->slot[caps[extra]].cap;
            if (c.type == M_CAP_ENDPOINT && ep != 0 && c.obj == ep) {
                write_word(st, rpa + 8u * (1u + KAAL_MSG_MAX_LENGTH + 1u + extra), c.data);
                unwrapped |= 1u << extra;
                continue;
            }
            m_cap_t d;
            m_err_t e;
            if (dest == M_NONE || m_derive(m, caps[extra], c, &d, &e) != KAAL_NO_ERROR ||
                d.type == M_CAP_NULL) {
                break;
            }
            m_insert_copy(m, caps[extra], dest, &d);
            dest = M_NONE;
        }
    }
    R->regs[M_R_INFO] = kaal_msginfo(kaal_msginfo_label(info), unwrapped, extra, sent);
    R->regs[M_R_CAP] = badge;
    return true;
}

/* A Call's message was delivered from c to r: c waits for the reply (a
 * reply capability in r's caller slot) or, without either grant, stops. */
static const char *after_call(m_state_t *m, int c, int r, bool grant, bool grant_reply,
                              bool reply_grant)
{
    m_thread_t *C = &m->thread[c];
    if (!grant && !grant_reply) {
        C->state = M_TS_INACTIVE;
        return NULL;
    }
    int master = model_slot_of(m, C->id, M_TCB_REPLY);
    int caller = model_slot_of(m, m->thread[r].id, M_TCB_CALLER);
    if (master == M_NONE || caller == M_NONE || m->slot[master].cap.type != M_CAP_REPLY ||
        m->slot[caller].cap.type != M_CAP_NULL) {
        return "Call: no master reply capability, or the receiver's caller slot is full";
    }
    m_cap_t rc = m->slot[master].cap;
    rc.flag = 0;
    rc.flag2 = reply_grant;
    m_insert_derived(m, master, caller, &rc, false);
    C->state = M_TS_BLOCKED_REPLY;
    return NULL;
}

static void clear_ipc(m_thread_t *t)
{
    t->blocked_on = 0;
    t->ipc_badge = 0;
    t->ipc_grant = t->ipc_grant_reply = t->ipc_is_call = 0;
}

const char *m_ep_send(m_state_t *m, int s, const m_cap_t *cap, bool call, bool blocking,
                      m_phys_fn phys, m_step_t *st)
{
    int e = model_find_ep(m, cap->obj);
    if (e == M_NONE) {
        return "send: endpoint without a record";
    }
    m_endpoint_t *ep = &m->ep[e];
    m_thread_t *S = &m->thread[s];
    bool grant = (cap->rights & KAAL_RIGHT_GRANT) != 0;
    bool grant_reply = (cap->rights & KAAL_RIGHT_GRANT_REPLY) != 0;
    if (ep->state != M_EP_RECV) {
        if (blocking || call) {
            if (ep->n >= M_QUEUE_MAX) {
                return "send: queue longer than the model holds";
            }
            S->state = M_TS_BLOCKED_SEND;
            S->blocked_on = ep->id;
            S->ipc_badge = cap->data;
            S->ipc_grant = grant;
            S->ipc_grant_reply = grant_reply;
            S->ipc_is_call = call;
            m_enqueue(m, ep->queue, &ep->n, S->id);
            ep->state = M_EP_SEND;
        } else {
            S->regs[M_R_INFO] = 0; /* dropped: NoError */
        }
        return NULL;
    }
    int r = model_find_thread(m, ep->queue[0]);
    if (r == M_NONE) {
        return "send: receiver without a record";
    }
    m_thread_t *R = &m->thread[r];
    bool reply_grant = R->ipc_grant != 0;
    model_queue_remove(ep->queue, &ep->n, R->id);
    if (ep->n == 0) {
        ep->state = M_EP_IDLE;
    }
    if (!m_transfer(m, s, r, ep->id, cap->data, grant, phys, st)) {
        return "send: a fault message";
    }
    clear_ipc(R);
    R->state = M_TS_RUNNABLE;
    if (call) {
        const char *why = after_call(m, s, r, grant, grant_reply, reply_grant);
        if (why != NULL) {
            return why;
        }
    }
    if (S->state == M_TS_RUNNABLE) {
        S->regs[M_R_INFO] = 0;
    }
    return NULL;
}

const char *m_ep_receive(m_state_t *m, int r, const m_cap_t *cap, bool blocking, m_phys_fn phys,
                         m_step_t *st)
{
    m_thread_t *R = &m->thread[r];
    int e = model_find_ep(m, cap->obj);
    if (e == M_NONE) {
        return "receive: endpoint without a record";
    }
    /* each Recv on an endpoint first empties the caller slot */
    int caller = model_slot_of(m, R->id, M_TCB_CALLER);
    if (caller != M_NONE && m->slot[caller].cap.type == M_CAP_REPLY && !m->slot[caller].cap.flag) {
        (void)m_delete(m, caller);
    }
    if (R->bound != 0) {
        int n = model_find_ntfn(m, R->bound);
        if (n != M_NONE && m->ntfn[n].state == M_NTFN_ACTIVE) {
            R->regs[M_R_CAP] = m->ntfn[n].word;
            R->regs[M_R_INFO] = 0;
            m->ntfn[n].word = 0;
            m->ntfn[n].state = M_NTFN_IDLE;
            return NULL;
        }
    }
    m_endpoint_t *ep = &m->ep[e];
    bool can_grant = (cap->rights & KAAL_RIGHT_GRANT) != 0;
    if (ep->state != M_EP_SEND) {
        if (blocking) {
            if (ep->n >= M_QUEUE_MAX) {
                return "receive: queue longer than the model holds";
            }
            R->state = M_TS_BLOCKED_RECV;
            R->blocked_on = ep->id;
            R->ipc_grant = can_grant;
            m_enqueue(m, ep->queue, &ep->n, R->id);
            ep->state = M_EP_RECV;
        } else {
            R->regs[M_R_CAP] = 0;
            R->regs[M_R_INFO] = 0;
        }
        return NULL;
    }
    int s = model_find_thread(m, ep->queue[0]);
    if (s == M_NONE) {
        return "receive: sender without a record";
    }
    m_thread_t *S = &m->thread[s];
    if (S->fault) {
        return "receive: a fault message";
    }
    bool grant = S->ipc_grant, grant_reply = S->ipc_grant_reply, call = S->ipc_is_call;
    model_queue_remove(ep->queue, &ep->n, S->id);
    if (ep->n == 0) {
        ep->state = M_EP_IDLE;
    }
    (void)m_transfer(m, s, r, ep->id, S->ipc_badge, grant, phys, st);
    clear_ipc(S);
    if (call) {
        return after_call(m, s, r, grant, grant_reply, can_grant);
    }
    S->regs[M_R_INFO] = 0;
    S->state = M_TS_RUNNABLE;
    return NULL;
}

const char *m_reply(m_state_t *m, int r, int slot, m_phys_fn phys, m_step_t *st)
{
    m_cap_t rc = m->slot[slot].cap;
    int c = model_find_thread(m, rc.obj);
    if (c == M_NONE) {
        return "reply: caller without a record";
    }
    m_thread_t *C = &m->thread[c];
    if (C->state != M_TS_BLOCKED_REPLY) {
        (void)m_delete(m, slot);
        return NULL;
    }
    if (C->fault) {
        return "reply to a fault";
    }
    (void)m_transfer(m, r, c, 0, 0, rc.flag2 != 0, phys, st);
    (void)m_delete(m, slot);
    C->state = M_TS_RUNNABLE;
    return NULL;
}
