/*
 * The model's syscalls (docs/abi.md "System calls", "IPC, notifications,
 * threads"): decoding the registers and the IPC buffer, kernel-object
 * invocations, notifications, and the replies a thread finds in its
 * registers and buffer afterwards.
 */
#include "model_int.h"
#include <string.h>

typedef struct ctx {
    m_state_t *m;
    m_phys_fn phys;
    int t;                 /* the calling thread */
    const uint64_t *buf;   /* its IPC buffer (words) if readable, or NULL */
    uint64_t buf_pa;
    bool buf_writable;     /* the buffer's frame cap grants Read and Write */
    m_step_t *st;
} ctx_t;

static uint64_t msginfo(uint64_t label, uint64_t extra, uint64_t length)
{
    return kaal_msginfo(label, 0, extra, length);
}

static void not_modelled(ctx_t *c, const char *why)
{
    c->st->outcome = M_NOT_MODELLED;
    c->st->why = why;
}

/* The IPC buffer: through the TCB's buffer frame capability and the
 * buffer address's offset in that frame (docs/abi.md "TCB invocations").
 * The kernel reads it only if the cap grants Read, and writes it only if
 * it grants Read and Write (docs/abi.md "A read-only IPC buffer"). */
static void find_buffer(ctx_t *c, m_phys_fn phys)
{
    const m_thread_t *t = &c->m->thread[c->t];
    int s = model_slot_of(c->m, t->id, M_TCB_BUFFER);
    c->buf = NULL;
    c->buf_writable = false;
    if (s == M_NONE || c->m->slot[s].cap.type != M_CAP_FRAME || t->ipc_buffer == 0 ||
        (c->m->slot[s].cap.rights & KAAL_RIGHT_READ) == 0) {
        return;
    }
    const m_cap_t *f = &c->m->slot[s].cap;
    c->buf_writable = (f->rights & KAAL_RIGHT_WRITE) != 0;
    c->buf_pa = f->obj + (t->ipc_buffer & ((1ull << f->bits) - 1u));
    c->buf = phys != NULL ? phys(c->buf_pa) : NULL;
}

static void set_mr(ctx_t *c, m_thread_t *t, unsigned i, uint64_t v)
{
    if (i < KAAL_MSG_NUM_REGS) {
        t->regs[M_R_MR0 + i] = v;
    } else if (c->buf != NULL && c->buf_writable && c->st->nwrites < M_MAX_MEMWRITES) {
        c->st->write[c->st->nwrites].paddr = c->buf_pa + 8u * (1u + i);
        c->st->write[c->st->nwrites].value = v;
        c->st->nwrites++;
    }
}

/* An error reply (seL4 replyFromKernel_error): the details in the MRs,
 * the badge register cleared, the length the MRs delivered (those past
 * the CPU registers need a writable buffer). */
static void reply_error(ctx_t *c, const m_err_t *e)
{
    m_thread_t *t = &c->m->thread[c->t];
    unsigned n = e->n;
    if ((c->buf == NULL || !c->buf_writable) && n > KAAL_MSG_NUM_REGS) {
        n = KAAL_MSG_NUM_REGS;
    }
    for (unsigned i = 0; i < n; i++) {
        set_mr(c, t, i, e->mr[i]);
    }
    t->regs[M_R_CAP] = 0;
    t->regs[M_R_INFO] = msginfo(e->code, 0, n);
}

static void invalid_cap(ctx_t *c)
{
    m_err_t e;
    m_err_arg(&e, 0);
    e.code = KAAL_INVALID_CAPABILITY;
    reply_error(c, &e);
}

/* ---- notifications (docs/abi.md "Notifications") -------------------- */

static void signal(ctx_t *c, const m_cap_t *cap)
{
    m_state_t *m = c->m;
    int n = model_find_ntfn(m, cap->obj);
    if (n == M_NONE) {
        not_modelled(c, "signal: notification without a record");
        return;
    }
    m_notification_t *nt = &m->ntfn[n];
    if (nt->state == M_NTFN_WAITING && nt->n > 0) {
        int w = model_find_thread(m, nt->queue[0]);
        if (w == M_NONE) {
            not_modelled(c, "signal: waiter without a record");
            return;
        }
        for (uint32_t i = 1; i < nt->n; i++) {
            nt->queue[i - 1] = nt->queue[i];
        }
        nt->n--;
        if (nt->n == 0) {
            nt->state = M_NTFN_IDLE;
        }
        m->thread[w].state = M_TS_RUNNABLE;
        m->thread[w].blocked_on = 0;
        m->thread[w].regs[M_R_CAP] = cap->data;
        m->thread[w].regs[M_R_INFO] = 0;
        return;
    }
    if (nt->state == M_NTFN_IDLE && nt->bound != 0) {
        int b = model_find_thread(m, nt->bound);
        if (b == M_NONE) {
            not_modelled(c, "signal: bound thread without a record");
            return;
        }
        m_thread_t *bt = &m->thread[b];
        int e = bt->state == M_TS_BLOCKED_RECV ? model_find_ep(m, bt->blocked_on) : M_NONE;
        if (e != M_NONE) { /* taken off the endpoint's queue, woken with the badge */
            m_endpoint_t *ep = &m->ep[e];
            for (uint32_t i = 0, k = 0; i < ep->n; i++) {
                if (ep->queue[i] != bt->id) {
                    ep->queue[k++] = ep->queue[i];
                }
            }
            ep->n--;
            if (ep->n == 0) {
                ep->state = M_EP_IDLE;
            }
            bt->state = M_TS_RUNNABLE;
            bt->blocked_on = 0;
            bt->ipc_grant = 0;
            bt->regs[M_R_CAP] = cap->data;
            bt->regs[M_R_INFO] = 0;
            return;
        }
    }
    nt->word |= cap->data;
    nt->state = M_NTFN_ACTIVE;
}

static void ntfn_receive(ctx_t *c, const m_cap_t *cap, bool blocking)
{
    m_state_t *m = c->m;
    m_thread_t *t = &m->thread[c->t];
    int n = model_find_ntfn(m, cap->obj);
    if (n == M_NONE) {
        not_modelled(c, "wait: notification without a record");
        return;
    }
    m_notification_t *nt = &m->ntfn[n];
    if (nt->state == M_NTFN_ACTIVE) {
        t->regs[M_R_CAP] = nt->word;
        t->regs[M_R_INFO] = 0;
        nt->word = 0;
        nt->state = M_NTFN_IDLE;
        return;
    }
    if (!blocking) {
        t->regs[M_R_CAP] = 0;
        t->regs[M_R_INFO] = 0;
        return;
    }
    if (nt->n >= M_QUEUE_MAX) {
        not_modelled(c, "wait: queue longer than the model holds");
        return;
    }
    t->state = M_TS_BLOCKED_NTFN;
    t->blocked_on = nt->id;
    m_enqueue(m, nt->queue, &nt->n, t->id);
    nt->state = M_NTFN_WAITING;
}

/* Recv / NBRecv: an endpoint or a notification the thread may receive on. */
static void handle_recv(ctx_t *c, uint64_t cptr, bool blocking)
{
    m_state_t *m = c->m;
    m_lf_t lf;
    int s = m_lookup_slot(m, c->t, cptr, &lf);
    const m_cap_t *cap = s == M_NONE ? NULL : &m->slot[s].cap;
    if (cap == NULL || (cap->type != M_CAP_ENDPOINT && cap->type != M_CAP_NOTIFICATION) ||
        (cap->rights & KAAL_RIGHT_READ) == 0) {
        invalid_cap(c);
        return;
    }
    if (cap->type == M_CAP_ENDPOINT) {
        const char *why = m_ep_receive(m, c->t, cap, blocking, c->phys, c->st);
        if (why != NULL) {
            not_modelled(c, why);
        }
        return;
    }
    int n = model_find_ntfn(m, cap->obj);
    if (n != M_NONE && m->ntfn[n].bound != 0 && m->ntfn[n].bound != m->thread[c->t].id) {
        invalid_cap(c); /* bound to another thread */
        return;
    }
    ntfn_receive(c, cap, blocking);
}

/* ---- invocations ---------------------------------------------------- */

/* Send, NBSend, Call on an endpoint, notification or reply capability. */
static void send_ipc(ctx_t *c, int s, uint64_t info, bool call, bool blocking)
{
    m_state_t *m = c->m;
    const m_cap_t *cap = &m->slot[s].cap;
    m_err_t e;
    m_lf_t lf;
    bool ok = cap->type == M_CAP_REPLY ? !cap->flag : (cap->rights & KAAL_RIGHT_WRITE) != 0;
    if (!ok) {
        invalid_cap(c);
        return;
    }
    /* the extra caps must resolve (with a readable buffer), or nothing is sent */
    uint64_t pa;
    const uint64_t *sbuf;
    bool has = m_ipc_buffer(m, c->t, false, c->phys, &pa, &sbuf);
    unsigned nx = (unsigned)kaal_msginfo_extra_caps(info);
    for (unsigned i = 0; has && i < nx; i++) {
        if (m_lookup_slot(m, c->t, sbuf[1 + KAAL_MSG_MAX_LENGTH + 1 + i], &lf) == M_NONE) {
            m_err_lookup(&e, false, &lf);
            reply_error(c, &e);
            return;
        }
    }
    const char *why = NULL;
    if (cap->type == M_CAP_NOTIFICATION) {
        signal(c, cap);
        m->thread[c->t].regs[M_R_INFO] = 0;
    } else if (cap->type == M_CAP_ENDPOINT) {
        m_cap_t copy = *cap;
        why = m_ep_send(m, c->t, &copy, call, blocking, c->phys, c->st);
    } else {
        why = m_reply(m, c->t, s, c->phys, c->st);
        m->thread[c->t].regs[M_R_INFO] = 0;
    }
    if (why != NULL) {
        not_modelled(c, why);
    }
}

static void handle_invocation(ctx_t *c, const uint64_t *regs, bool call, bool blocking)
{
    m_state_t *m = c->m;
    static m_inv_t inv;
    m_err_t e;
    m_lf_t lf;
    uint64_t info = regs[M_R_INFO];

    memset(&inv, 0, offsetof(m_inv_t, mr));
    inv.nextra = 0;
    inv.reply_len = 0;
    inv.unmodelled = NULL;
    inv.m = m;
    inv.thread = c->t;
    inv.label = kaal_msginfo_label(info);
    inv.length = kaal_msginfo_length(info);
    if (inv.length > KAAL_MSG_MAX_LENGTH) {
        inv.length = KAAL_MSG_MAX_LENGTH;
    }
    if (c->buf == NULL && inv.length > KAAL_MSG_NUM_REGS) {
        inv.length = KAAL_MSG_NUM_REGS;
    }
    for (unsigned i = 0; i < inv.length; i++) {
        inv.mr[i] = i < KAAL_MSG_NUM_REGS ? regs[M_R_MR0 + i] : c->buf[1 + i];
    }
    int s = m_lookup_slot(m, c->t, regs[M_R_CAP], &lf);
    if (s == M_NONE || m->slot[s].cap.type == M_CAP_NULL) {
        invalid_cap(c);
        return;
    }
    inv.slot = s;
    const m_cap_t *cap = &m->slot[s].cap;
    if (cap->type == M_CAP_NOTIFICATION || cap->type == M_CAP_ENDPOINT ||
        cap->type == M_CAP_REPLY) {
        send_ipc(c, s, regs[M_R_INFO], call, blocking);
        return;
    }
    /* Extra caps (seL4 lookupExtraCaps): none without an IPC buffer. */
    unsigned want = (unsigned)kaal_msginfo_extra_caps(info);
    for (unsigned i = 0; c->buf != NULL && i < want; i++) {
        int x = m_lookup_slot(m, c->t, c->buf[1 + KAAL_MSG_MAX_LENGTH + 1 + i], &lf);
        if (x == M_NONE) {
            m_err_lookup(&e, false, &lf);
            reply_error(c, &e);
            return;
        }
        inv.extra[i] = x;
        inv.nextra = i + 1u;
    }
    uint32_t r;
    switch (cap->type) {
    case M_CAP_CNODE:
        r = m_cnode_invoke(&inv, &e);
        break;
    case M_CAP_UNTYPED:
        r = m_untyped_invoke(&inv, &e);
        break;
    case M_CAP_TCB:
        r = m_tcb_invoke(&inv, &e);
        break;
    case M_CAP_ZOMBIE:
        r = m_err_arg(&e, 0);
        e.code = r = KAAL_INVALID_CAPABILITY;
        break;
    default:
        r = m_other_invoke(&inv, &e);
        break;
    }
    if (inv.unmodelled != NULL) {
        not_modelled(c, inv.unmodelled);
        return;
    }
    if (r != KAAL_NO_ERROR) {
        reply_error(c, &e);
        return;
    }
    if (m->thread[c->t].state == M_TS_RUNNABLE) { /* not if it suspended itself */
        unsigned n = inv.reply_len;
        if ((c->buf == NULL || !c->buf_writable) && n > KAAL_MSG_NUM_REGS) {
            n = KAAL_MSG_NUM_REGS; /* the length counts the MRs delivered */
        }
        for (unsigned i = 0; i < n; i++) {
            set_mr(c, &m->thread[c->t], i, inv.reply[i]);
        }
        m->thread[c->t].regs[M_R_INFO] = msginfo(0, 0, n);
    }
}

/* ---- the entry -------------------------------------------------------- */

void model_syscall(m_state_t *m, const m_input_t *in, m_phys_fn phys, m_step_t *st)
{
    ctx_t c = {m, phys, M_NONE, NULL, 0, false, st};
    memset(st, 0, sizeof(*st));
    c.t = model_find_thread(m, in->thread);
    if (c.t == M_NONE) {
        not_modelled(&c, "the calling thread has no capability (no record)");
        return;
    }
    m_thread_t *t = &m->thread[c.t];
    if (t->state == M_TS_RESTART) {
        t->state = M_TS_RUNNABLE; /* the kernel activated it: it runs */
    }
    if (t->state != M_TS_RUNNABLE) {
        not_modelled(&c, "the calling thread is not runnable in the model");
        return;
    }
    find_buffer(&c, phys);
    for (unsigned i = 0; i < M_NREGS; i++) {
        t->regs[i] = in->regs[i]; /* the syscall's inputs */
    }
    int caller = model_slot_of(m, t->id, M_TCB_CALLER);
    bool has_reply = caller != M_NONE && m->slot[caller].cap.type == M_CAP_REPLY &&
                     !m->slot[caller].cap.flag;
    switch (in->sysno) {
    case KAAL_SYS_CALL:
    case KAAL_SYS_SEND:
    case KAAL_SYS_NBSEND:
        handle_invocation(&c, in->regs, in->sysno == KAAL_SYS_CALL, in->sysno != KAAL_SYS_NBSEND);
        break;
    case KAAL_SYS_RECV:
    case KAAL_SYS_NBRECV:
        handle_recv(&c, in->regs[M_R_CAP], in->sysno == KAAL_SYS_RECV);
        break;
    case KAAL_SYS_REPLY:
    case KAAL_SYS_REPLY_RECV: {
        const char *why = has_reply ? m_reply(m, c.t, caller, phys, st) : NULL;
        if (why != NULL) {
            not_modelled(&c, why);
        } else if (in->sysno == KAAL_SYS_REPLY_RECV) {
            handle_recv(&c, in->regs[M_R_CAP], true);
        }
        break;
    }
    case KAAL_SYS_YIELD:
    case KAAL_SYS_DEBUG_PUTCHAR:
    case KAAL_SYS_DEBUG_SNAPSHOT: /* output only: no ABI-visible effect */
        break;
    case KAAL_SYS_DEBUG_CAP_IDENTIFY: {
        m_lf_t lf;
        int s = m_lookup_slot(m, c.t, in->regs[M_R_CAP], &lf);
        t->regs[M_R_CAP] = s == M_NONE ? 0 : m->slot[s].cap.type;
        break;
    }
    default:
        not_modelled(&c, in->sysno == KAAL_SYS_DEBUG_HALT ? "DebugHalt" : "unknown syscall (a fault)");
        break;
    }
}
