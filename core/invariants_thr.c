/*
 * Invariant checker, threads (invariants_int.h): TCB slots and states, the
 * ready queues and their bitmap, endpoint and notification queues, reply
 * capabilities against caller states, and the IRQ table against the IRQ
 * handler capabilities.
 *
 * Every TCB, endpoint and notification with a capability is visited once
 * during the walk of the derivation list; the queues are walked from their
 * heads. Counting both sides and comparing the totals afterwards shows that
 * each queue holds exactly the threads whose state names it:
 *   - ready: a TCB is in_ready_queue iff it sits in ready[its priority],
 *     is runnable and is not the current thread; every runnable thread but
 *     the current one is queued; bitmap bit p iff ready[p] is non-empty;
 *   - time: a TCB has 1..KAAL_TIME_SLICE_TICKS ticks of its slice left;
 *     the timer tick is stopped (ks.timer_deadline UINT64_MAX) exactly
 *     while the idle thread is current (sched.h);
 *   - IPC: a TCB blocked on send / receive / notification iff it sits in
 *     the queue of the object blocked_on names, which is in the matching
 *     state (EP_SEND, EP_RECV, NTFN_WAITING).
 * A walk is bounded by the link checks: a repeated thread breaks them.
 */
#include "invariants_int.h"
#include "vspace.h"

#define INV_MAX_QUEUE (1ull << 32)
#define problem kaal_inv_problem
#define addr kaal_inv_addr

/* What each TCB slot may hold (seL4: the CSpace and VSpace roots, the
 * master reply cap to this thread, a one-shot reply cap, the IPC buffer). */
static bool tcb_slot_ok(const tcb_t *t, unsigned i)
{
    cap_t c = t->slots[i].cap;
    if (cap_is_null(c)) {
        return true;
    }
    switch (i) {
    case TCB_CTABLE:
        return cap_type(c) == CAP_CNODE;
    case TCB_VTABLE:
        return cap_type(c) == CAP_VSPACE;
    case TCB_REPLY:
        return cap_type(c) == CAP_REPLY && cap_reply_master(c) && cap_paddr(c) == hal_kvirt_to_phys(t);
    case TCB_CALLER:
        return cap_type(c) == CAP_REPLY && !cap_reply_master(c);
    default:
        return cap_type(c) == CAP_FRAME;
    }
}

static bool ipc_blocked(const tcb_t *t)
{
    return t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_RECV ||
           t->state == TS_BLOCKED_ON_NOTIFICATION;
}

static void check_tcb_sched(inv_ctx_t *c, const tcb_t *t)
{
    bool runnable = t->state == TS_RUNNING || t->state == TS_RESTART;
    if (t->prio >= KAAL_NUM_PRIOS || t->mcp >= KAAL_NUM_PRIOS) {
        problem(c, "tcb priority out of range", addr(t), t->prio);
    }
    if (t->time_slice == 0 || t->time_slice > KAAL_TIME_SLICE_TICKS) {
        problem(c, "tcb time slice not 1..KAAL_TIME_SLICE_TICKS ticks", addr(t), t->time_slice);
    }
    if (t->in_ready_queue) {
        c->n.tcbs_ready++;
        if (!runnable || t == ks.cur) {
            problem(c, "queued tcb not runnable, or current", addr(t), t->state);
        }
    } else {
        if (runnable && t != ks.cur) {
            problem(c, "runnable tcb in no ready queue", addr(t), t->state);
        }
        /* every removal clears them (sched_dequeue, choose_thread), so
         * the fast path's switch need not (fastpath_impl.h) */
        if (t->sched_next != NULL || t->sched_prev != NULL) {
            problem(c, "tcb in no ready queue with ready-queue links", addr(t), t->state);
        }
    }
}

/* A thread's cached address space (vspace_activate_thread), while valid,
 * is what the VSpace capability and the ASID pools give now. */
static void check_tcb_vspace_cache(inv_ctx_t *c, const tcb_t *t)
{
    if (t->vs_gen > ks.vspace_gen || ks.vspace_gen == 0) {
        problem(c, "tcb address-space cache from the future", addr(t), t->vs_gen);
    }
    if (t->vs_gen != ks.vspace_gen) {
        return;
    }
    cap_t vs = t->slots[TCB_VTABLE].cap;
    bool valid = asid_vspace_cap_valid(vs);
    word_t root = valid ? cap_paddr(vs) : 0;
    word_t asid = valid ? cap_vspace_asid(vs) : 0;
    if (t->vs_root != root || t->vs_asid != asid) {
        problem(c, "tcb address-space cache out of date", addr(t), t->vs_root);
    }
}

static void check_tcb_ipc(inv_ctx_t *c, const tcb_t *t)
{
    if (ipc_blocked(t)) {
        c->n.tcbs_ipc_blocked++;
        if (t->blocked_on == NULL) {
            problem(c, "blocked tcb not on any queue", addr(t), t->state);
        }
    } else if (t->blocked_on != NULL || t->ep_next != NULL || t->ep_prev != NULL) {
        problem(c, "tcb not blocked on IPC but on an IPC queue", addr(t), t->state);
    }
    if (t->ep_prev != NULL && t->ep_prev->ep_next != t) {
        problem(c, "tcb ipc-queue links disagree", addr(t), addr(t->ep_prev));
    }
}

void kaal_inv_check_tcb(inv_ctx_t *c, const tcb_t *t)
{
    for (unsigned i = 0; i < TCB_NUM_SLOTS; i++) {
        if (!tcb_slot_ok(t, i)) {
            problem(c, "tcb slot holds the wrong kind of capability", addr(t), i);
        }
    }
    if (t->state >= TS_IDLE) {
        problem(c, "tcb state invalid", addr(t), t->state);
    }
    /* A thread that was ever started has its master reply cap (boot and
     * tcb_restart make it; nothing reachable deletes it but the TCB's own
     * teardown), so a Call never has to make one (the fast path does not). */
    if (t->state != TS_INACTIVE && cap_is_null(t->slots[TCB_REPLY].cap)) {
        problem(c, "a started thread without its master reply cap", addr(t), t->state);
    }
    check_tcb_sched(c, t);
    check_tcb_vspace_cache(c, t);
    check_tcb_ipc(c, t);
    if (t->bound_ntfn != NULL && t->bound_ntfn->bound != t) {
        problem(c, "tcb bound notification does not point back", addr(t), addr(t->bound_ntfn));
    }
}

/* Walk an endpoint / notification queue: links agree, every entry is
 * blocked on obj in state want. */
static void check_queue(inv_ctx_t *c, const void *obj, tcb_t *head, tcb_t *tail, word_t want)
{
    tcb_t *prev = NULL;
    tcb_t *t = head;
    for (word_t i = 0; t != NULL && i < INV_MAX_QUEUE; i++) {
        if (t->ep_prev != prev || t->blocked_on != obj || t->state != want) {
            problem(c, "ipc queue entry inconsistent", addr(obj), addr(t));
            return;
        }
        c->n.queued_ipc++;
        prev = t;
        t = t->ep_next;
    }
    if (t == NULL && prev != tail) {
        problem(c, "ipc queue tail wrong", addr(obj), addr(tail));
    }
}

void kaal_inv_check_endpoint(inv_ctx_t *c, const endpoint_t *ep)
{
    if (ep->state > EP_RECV || (ep->state == EP_IDLE) != (ep->head == NULL)) {
        problem(c, "endpoint state and queue disagree", addr(ep), ep->state);
        return;
    }
    word_t want = ep->state == EP_SEND ? TS_BLOCKED_ON_SEND : TS_BLOCKED_ON_RECV;
    check_queue(c, ep, ep->head, ep->tail, want);
}

void kaal_inv_check_notification(inv_ctx_t *c, const notification_t *n)
{
    if (n->state > NTFN_ACTIVE || (n->state == NTFN_WAITING) != (n->head != NULL)) {
        problem(c, "notification state and queue disagree", addr(n), n->state);
        return;
    }
    check_queue(c, n, n->head, n->tail, TS_BLOCKED_ON_NOTIFICATION);
    if (n->bound != NULL && n->bound->bound_ntfn != n) {
        problem(c, "notification bound tcb does not point back", addr(n), addr(n->bound));
    }
}

/* A master reply cap lives in its own thread's TCB_REPLY slot; the one
 * other reply cap to a thread follows that master on the list (its only
 * child), and exists only while the thread is blocked on reply. */
void kaal_inv_check_reply_cap(inv_ctx_t *c, const cte_t *x)
{
    paddr_t pa = cap_paddr(x->cap);
    if (pa < ks.ram_base || pa >= ks.ram_end) {
        problem(c, "reply capability names no thread", addr(x), pa);
        return;
    }
    const tcb_t *t = (const tcb_t *)hal_phys_to_kvirt(pa);
    if (cap_reply_master(x->cap)) {
        if (x != &t->slots[TCB_REPLY]) {
            problem(c, "master reply capability outside its thread", addr(x), addr(t));
        }
        return;
    }
    if (x->prev != &t->slots[TCB_REPLY]) {
        problem(c, "reply capability not the child of its thread's master", addr(x), addr(t));
        return;
    }
    if (t->state != TS_BLOCKED_ON_REPLY) {
        problem(c, "reply capability to a thread not blocked on reply", addr(t), t->state);
    }
}

void kaal_inv_check_irq_cap(inv_ctx_t *c, cap_t cap)
{
    unsigned irq = cap_irq(cap);
    if (cap.w1 >= HAL_NUM_IRQS || ks.irq_state[irq] != IRQ_SIGNAL) {
        problem(c, "IRQ handler capability for a line not issued", cap.w1,
                cap.w1 < HAL_NUM_IRQS ? ks.irq_state[irq] : 0);
        return;
    }
    c->irq_cap[irq] = 1;
}

static void check_irq_table(inv_ctx_t *c)
{
    for (unsigned i = 0; i < HAL_NUM_IRQS; i++) {
        cap_t n = ks.irq_slots[i].cap;
        if (ks.irq_state[i] > IRQ_RESERVED) {
            problem(c, "IRQ state invalid", i, ks.irq_state[i]);
        }
        if (ks.irq_state[i] == IRQ_SIGNAL && !c->irq_cap[i]) {
            problem(c, "IRQ issued but no handler capability names it", i, 0);
        }
        if (!cap_is_null(n) && (ks.irq_state[i] != IRQ_SIGNAL || cap_type(n) != CAP_NOTIFICATION)) {
            problem(c, "IRQ notification set on a line not issued", i, n.w0);
        }
    }
}

/* One ready queue: links, priority, flag; returns its length. */
static word_t check_ready_queue(inv_ctx_t *c, word_t p)
{
    const struct ready_queue *q = &ks.ready[p];
    const tcb_t *prev = NULL;
    const tcb_t *t = q->head;
    word_t len = 0;
    for (; t != NULL && len < INV_MAX_QUEUE; len++) {
        if (t->sched_prev != prev || t->prio != p || !t->in_ready_queue || t == &ks.idle) {
            problem(c, "ready queue entry inconsistent", p, addr(t));
            return len;
        }
        prev = t;
        t = t->sched_next;
    }
    if (prev != q->tail) {
        problem(c, "ready queue tail wrong", p, addr(q->tail));
    }
    return len;
}

static void check_ready(inv_ctx_t *c)
{
    word_t queued = 0;
    for (word_t p = 0; p < KAAL_NUM_PRIOS; p++) {
        queued += check_ready_queue(c, p);
        bool bit = (ks.ready_l2[p / 64u] >> (p % 64u)) & 1u;
        if (bit != (ks.ready[p].head != NULL)) {
            problem(c, "ready bitmap disagrees with queue", p, ks.ready_l2[p / 64u]);
        }
    }
    for (word_t i = 0; i < 64u; i++) {
        bool bit = (ks.ready_l1 >> i) & 1u;
        bool any = i < KAAL_NUM_PRIOS / 64u && ks.ready_l2[i] != 0;
        if (bit != any) {
            problem(c, "ready bitmap levels disagree", i, ks.ready_l1);
        }
    }
    if (queued != c->n.tcbs_ready) {
        problem(c, "threads in ready queues vs flagged queued", queued, c->n.tcbs_ready);
    }
}

void kaal_inv_check_threads(inv_ctx_t *c)
{
    check_ready(c);
    if (c->n.queued_ipc != c->n.tcbs_ipc_blocked) {
        problem(c, "threads in IPC queues vs blocked on IPC", c->n.queued_ipc, c->n.tcbs_ipc_blocked);
    }
    if (ks.idle.in_ready_queue || ks.idle.state != TS_IDLE) {
        problem(c, "idle thread queued or not idle", addr(&ks.idle), ks.idle.state);
    }
    /* tickless idle (sched.h): the tick is stopped exactly while idle runs */
    if ((ks.cur == &ks.idle) != (ks.timer_deadline == UINT64_MAX)) {
        problem(c, "timer tick running in idle, or stopped while a thread runs", addr(ks.cur),
                ks.timer_deadline);
    }
    check_irq_table(c);
}
