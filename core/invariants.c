/*
 * Invariant checker (see invariants.h).
 *
 * How every slot is reached, in bounded time and memory: all non-empty
 * slots are on the one derivation list that starts at cdt_head() (cdt.h),
 * so one walk of the list visits every capability in the system. From the
 * list we also learn every CNode, TCB and Zombie object (each has at least
 * one capability on it, and all its capabilities are contiguous), and scan
 * each one's slots once, at the first capability of its run: a non-empty
 * slot must be linked, an empty one unlinked. The number of non-empty
 * slots found by the scans (plus the kernel's IRQ table) must equal the
 * length of the list; a linked slot anywhere else (freed memory, a stale
 * pointer) makes the two differ. Cost: O(capabilities + slots of live
 * CNodes), a few microseconds for a test world; CNodes of more than
 * 2^INV_MAX_SCAN_RADIX slots are not scanned (counted in `unchecked`).
 *
 * Untyped containment uses the preorder of the list: the capabilities
 * after an untyped U whose objects lie inside U form U's run (what Revoke
 * deletes). A stack of open untypeds follows the walk; each frame keeps a
 * limit that falls as U's children are met: Retype allocates upwards and
 * inserts each new cap directly after U, so U's children appear in
 * descending address order, each ending at or below the start of the one
 * before, the first at or below U's watermark. Overlap, a child above the
 * watermark and a child out of place all break that order. A physical
 * capability outside every open untyped must not overlap any top-level
 * untyped (it would escape Revoke); those are compared after the walk.
 */
#include "vspace.h"
#include "invariants.h"
#include "cdt.h"

#define INV_MAX_CAPS (1ull << 32)
#define INV_MAX_SCAN_RADIX 16u
#define INV_STACK 64u
#define INV_MAX_ROOT_UT 256u
#define INV_MAX_ORPHANS 1024u
#define INV_MAX_QUEUE 4096u

typedef struct ut_frame {
    paddr_t base, end, limit;
} ut_frame_t;

typedef struct region {
    paddr_t base, end;
} region_t;

typedef struct inv_ctx {
    kaal_inv_report_t *r;
    ut_frame_t stack[INV_STACK];
    unsigned depth;
    word_t deep; /* frames not pushed because the stack was full */
    region_t root_ut[INV_MAX_ROOT_UT];
    unsigned nroot_ut;
    region_t orphan[INV_MAX_ORPHANS];
    unsigned norphan;
    word_t contained; /* non-empty slots found inside containers */
} inv_ctx_t;

/* ---- reporting ---------------------------------------------------------- */

static unsigned put_str(char *buf, unsigned at, const char *s)
{
    for (unsigned i = 0; s[i] != '\0' && at + 1u < KAAL_INV_MSG_LEN; i++) {
        buf[at++] = s[i];
    }
    buf[at] = '\0';
    return at;
}

static unsigned put_hex(char *buf, unsigned at, word_t v)
{
    char digits[19] = "0x";
    unsigned n = 2;
    for (int shift = 60; shift >= 0; shift -= 4) {
        unsigned d = (unsigned)((v >> shift) & 0xfu);
        if (d != 0 || n > 2 || shift == 0) {
            digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        }
    }
    digits[n] = '\0';
    return put_str(buf, at, digits);
}

/* Record one problem: what, with two values (slot addresses, paddrs...). */
static void problem(inv_ctx_t *c, const char *what, word_t a, word_t b)
{
    kaal_inv_report_t *r = c->r;
    r->problems++;
    if (r->nmsgs >= KAAL_INV_MAX_MSGS) {
        return;
    }
    char *buf = r->msg[r->nmsgs++];
    unsigned at = put_str(buf, 0, what);
    at = put_str(buf, at, " ");
    at = put_hex(buf, at, a);
    at = put_str(buf, at, " ");
    (void)put_hex(buf, at, b);
}

static word_t addr(const void *p) { return (word_t)(uintptr_t)p; }

/* ---- containers: CNode, TCB, Zombie slots --------------------------------- */

static void scan_slots(inv_ctx_t *c, const cte_t *slots, word_t n)
{
    for (word_t i = 0; i < n; i++) {
        const cte_t *s = &slots[i];
        if (cap_is_null(s->cap)) {
            if (s->prev != NULL || s->next != 0) {
                problem(c, "empty slot has links", addr(s), addr(s->prev));
            }
        } else {
            c->contained++;
            if (s->prev == NULL) {
                problem(c, "capability not on the derivation list", addr(s), s->cap.w0);
            }
        }
    }
    c->r->slots += n;
}

static void scan_container(inv_ctx_t *c, cap_t cap)
{
    word_t n = 0;
    switch (cap_type(cap)) {
    case CAP_CNODE:
        if (cap_cnode_radix(cap) > INV_MAX_SCAN_RADIX) {
            c->r->unchecked++;
            return;
        }
        n = KAAL_BIT(cap_cnode_radix(cap));
        break;
    case CAP_TCB:
        n = TCB_NUM_SLOTS;
        break;
    case CAP_ZOMBIE:
        if (!cap_zombie_is_tcb(cap) && cap_zombie_radix(cap) > INV_MAX_SCAN_RADIX) {
            c->r->unchecked++;
            return;
        }
        n = cap_zombie_is_tcb(cap) ? TCB_NUM_SLOTS : KAAL_BIT(cap_zombie_radix(cap));
        if (cap_zombie_count(cap) > n) {
            problem(c, "zombie count beyond its object", cap.w0, cap_zombie_count(cap));
        }
        break;
    default:
        return;
    }
    scan_slots(c, (const cte_t *)cap_ptr(cap), n);
}

/* ---- objects ----------------------------------------------------------------- */

static void check_ready_links(inv_ctx_t *c, const tcb_t *t)
{
    if (t->prio >= KAAL_NUM_PRIOS) {
        problem(c, "tcb priority out of range", addr(t), t->prio);
        return;
    }
    if (!t->in_ready_queue) {
        return;
    }
    const struct ready_queue *q = &ks.ready[t->prio];
    bool prev_ok = t->sched_prev != NULL ? t->sched_prev->sched_next == t : q->head == t;
    bool next_ok = t->sched_next != NULL ? t->sched_next->sched_prev == t : q->tail == t;
    if (!prev_ok || !next_ok || !(t->state == TS_RUNNING || t->state == TS_RESTART)) {
        problem(c, "tcb ready-queue links or state wrong", addr(t), t->state);
    }
}

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

static void check_tcb(inv_ctx_t *c, const tcb_t *t)
{
    for (unsigned i = 0; i < TCB_NUM_SLOTS; i++) {
        if (!tcb_slot_ok(t, i)) {
            problem(c, "tcb slot holds the wrong kind of capability", addr(t), i);
        }
    }
    if (t->state > TS_IDLE) {
        problem(c, "tcb state invalid", addr(t), t->state);
    }
    check_ready_links(c, t);
    if (t->bound_ntfn != NULL && t->bound_ntfn->bound != t) {
        problem(c, "tcb bound notification does not point back", addr(t), addr(t->bound_ntfn));
    }
    bool queued = t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_RECV ||
                  t->state == TS_BLOCKED_ON_NOTIFICATION;
    if (queued && t->blocked_on == NULL) {
        problem(c, "blocked tcb not on any queue", addr(t), t->state);
    }
    if (t->ep_prev != NULL && t->ep_prev->ep_next != t) {
        problem(c, "tcb ipc-queue links disagree", addr(t), addr(t->ep_prev));
    }
}

/* Walk an endpoint / notification queue: links agree, all blocked on obj. */
static void check_queue(inv_ctx_t *c, const void *obj, tcb_t *head, tcb_t *tail)
{
    tcb_t *prev = NULL;
    tcb_t *t = head;
    for (word_t i = 0; t != NULL && i < INV_MAX_QUEUE; i++) {
        if (t->ep_prev != prev || t->blocked_on != obj) {
            problem(c, "ipc queue entry inconsistent", addr(obj), addr(t));
            return;
        }
        prev = t;
        t = t->ep_next;
    }
    if (t == NULL && prev != tail) {
        problem(c, "ipc queue tail wrong", addr(obj), addr(tail));
    }
}

static void check_endpoint(inv_ctx_t *c, const endpoint_t *ep)
{
    if (ep->state > EP_RECV || (ep->state == EP_IDLE) != (ep->head == NULL)) {
        problem(c, "endpoint state and queue disagree", addr(ep), ep->state);
        return;
    }
    check_queue(c, ep, ep->head, ep->tail);
}

static void check_notification(inv_ctx_t *c, const notification_t *n)
{
    if (n->state > NTFN_ACTIVE || (n->state == NTFN_WAITING) != (n->head != NULL)) {
        problem(c, "notification state and queue disagree", addr(n), n->state);
        return;
    }
    check_queue(c, n, n->head, n->tail);
    if (n->bound != NULL && n->bound->bound_ntfn != n) {
        problem(c, "notification bound tcb does not point back", addr(n), addr(n->bound));
    }
}

static bool cap_is_device(cap_t cap)
{
    return (cap_type(cap) == CAP_UNTYPED && cap_untyped_device(cap)) ||
           (cap_type(cap) == CAP_FRAME && cap_frame_device(cap));
}

/* Checks made once per object, at the first capability of its run. */
static void check_object(inv_ctx_t *c, cap_t cap)
{
    if (cap_is_physical(cap) && !cap_is_device(cap) &&
        (cap_paddr(cap) < ks.ram_base || cap_obj_end(cap) > ks.ram_end)) {
        problem(c, "capability names memory outside RAM", cap.w0, cap.w1);
        return;
    }
    scan_container(c, cap);
    switch (cap_type(cap)) {
    case CAP_TCB:
        check_tcb(c, tcb_of_cap(cap));
        break;
    case CAP_ENDPOINT:
        check_endpoint(c, ep_of_cap(cap));
        break;
    case CAP_NOTIFICATION:
        check_notification(c, ntfn_of_cap(cap));
        break;
    case CAP_UNTYPED:
        if (cap_untyped_watermark(cap) > KAAL_BIT(cap_untyped_bits(cap))) {
            problem(c, "untyped watermark beyond its size", cap.w0, cap.w1);
        }
        break;
    default:
        break;
    }
}

/* ---- untyped containment ------------------------------------------------------ */

static void note_top_level(inv_ctx_t *c, cap_t cap)
{
    region_t reg = {cap_paddr(cap), cap_obj_end(cap)};
    if (cap_type(cap) == CAP_UNTYPED) {
        if (c->nroot_ut < INV_MAX_ROOT_UT) {
            c->root_ut[c->nroot_ut++] = reg;
        } else {
            c->r->unchecked++;
        }
    } else if (c->norphan < INV_MAX_ORPHANS) {
        c->orphan[c->norphan++] = reg;
    } else {
        c->r->unchecked++;
    }
}

/* x (physical) is the next capability on the list; prev the one before. */
static void track_untyped(inv_ctx_t *c, const cte_t *prev, const cte_t *x)
{
    paddr_t base = cap_paddr(x->cap);
    paddr_t end = cap_obj_end(x->cap);
    while (c->depth > 0 && !(c->stack[c->depth - 1].base <= base && end <= c->stack[c->depth - 1].end)) {
        c->depth--;
    }
    bool is_ut = cap_type(x->cap) == CAP_UNTYPED;
    if (c->depth == 0) {
        if (c->deep == 0) {
            note_top_level(c, x->cap);
        }
    } else if (is_ut || !cap_same_object(prev->cap, x->cap)) {
        ut_frame_t *f = &c->stack[c->depth - 1];
        if (end > f->limit) {
            problem(c, "untyped child above watermark or overlapping", x->cap.w0, f->limit);
        }
        f->limit = base;
    }
    if (is_ut) {
        if (c->depth < INV_STACK) {
            ut_frame_t nf = {base, end, base + cap_untyped_watermark(x->cap)};
            c->stack[c->depth++] = nf;
        } else {
            c->deep++;
            c->r->unchecked++;
        }
    }
}

static void check_orphans(inv_ctx_t *c)
{
    for (unsigned i = 0; i < c->norphan; i++) {
        for (unsigned j = 0; j < c->nroot_ut; j++) {
            if (c->orphan[i].base < c->root_ut[j].end && c->root_ut[j].base < c->orphan[i].end) {
                problem(c, "object inside an untyped but outside its run", c->orphan[i].base,
                        c->root_ut[j].base);
            }
        }
    }
}

/* ---- the walk ------------------------------------------------------------------ */

/* First capability of a run of caps to one object (zombies: always). */
static bool first_of_run(const cte_t *prev, const cte_t *x)
{
    return !cap_same_object(prev->cap, x->cap);
}

static void walk_list(inv_ctx_t *c)
{
    const cte_t *prev = cdt_head();
    for (word_t i = 0; i < INV_MAX_CAPS; i++) {
        const cte_t *x = mdb_next(prev);
        if (x == NULL) {
            return;
        }
        if (x->prev != prev) {
            problem(c, "derivation links disagree (slot, its prev)", addr(x), addr(x->prev));
            return; /* the rest of the list cannot be trusted */
        }
        c->r->caps++;
        if (cap_is_null(x->cap)) {
            problem(c, "empty slot on the derivation list", addr(x), x->next);
        } else {
            if (!vspace_cap_well_formed(x->cap)) {
                problem(c, "address-space fields of a capability ill-formed", x->cap.w0, x->cap.w1);
            }
            if (first_of_run(prev, x)) {
                check_object(c, x->cap);
            }
            if (cap_is_physical(x->cap)) {
                track_untyped(c, prev, x);
            }
        }
        prev = x;
    }
    problem(c, "derivation list too long (cycle?)", INV_MAX_CAPS, 0);
}

static void count_irq_slots(inv_ctx_t *c)
{
    for (unsigned i = 0; i < HAL_NUM_IRQS; i++) {
        if (!cap_is_null(ks.irq_slots[i].cap)) {
            c->contained++;
        }
    }
}

kaal_inv_report_t kaal_invariants_check(void)
{
    static inv_ctx_t ctx_storage; /* scratch only: fully reset below */
    kaal_inv_report_t r;
    inv_ctx_t *c = &ctx_storage;

    kmemset(&r, 0, sizeof(r));
    c->r = &r;
    c->depth = 0;
    c->deep = 0;
    c->nroot_ut = 0;
    c->norphan = 0;
    c->contained = 0;
    const cte_t *head = cdt_head();
    if (!cap_is_null(head->cap) || head->prev != NULL) {
        problem(c, "derivation list head is not an empty sentinel", addr(head), head->cap.w0);
    }
    walk_list(c);
    if (!vspace_asid_table_well_formed()) {
        problem(c, "ASID table names memory outside RAM, or ASID 0 is assigned", 0, 0);
    }
    check_orphans(c);
    count_irq_slots(c);
    if (r.unchecked == 0 && c->contained != r.caps) {
        problem(c, "capabilities on the list vs found in objects", r.caps, c->contained);
    }
    return r;
}
