/*
 * The rights matrix (issue 16): every IPC syscall, notification operation,
 * Frame Map, IPC-buffer use and CNode derivation run with capabilities
 * holding each subset of their rights, checked against seL4's semantics:
 * the error, the state after, and that nothing outside the thread's
 * authority changed (the root CNode's other slots, a bystander thread
 * blocked on another endpoint, a frame nobody names).
 *
 * The expected outcomes are data: each table row says which rights an
 * operation needs and what happens with and without them, and cites the
 * section of seL4's reference manual it follows (docs/abi.md "Rights
 * matrix" is the same table). A row is run once per subset of the rights.
 */
#include "thread_helpers.h"
#include "vspace.h"

#define RW_ (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)
#define G_ KAAL_RIGHT_GRANT
#define GR_ KAAL_RIGHT_GRANT_REPLY
#define BADGE 5u
#define MSG 0x55u
#define LABEL 7u

/* ---- what must not change ---------------------------------------------------- */

static struct {
    word_t ep;    /* a bystander endpoint ... */
    th_t t;       /* ... with a thread blocked on it */
    word_t frame; /* a frame no operation names */
} by;

typedef struct snap {
    cap_t caps[1u << 12];
    uint8_t page[4096];
    struct hal_uctx ctx;
    word_t state;
    endpoint_t ep;
} snap_t;
static snap_t snap;

static void bystanders(void)
{
    by.ep = mk_ep();
    by.t = mk_thread(100);
    by.frame = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    memset(cap_ptr(cap_at(by.frame)), 0xa5, 4096);
    become(by.t.t);
    do_recv(by.ep);
    become(harness_root());
}

static void take_snapshot(void)
{
    for (word_t i = 0; i < KAAL_ARRAY_SIZE(snap.caps); i++) {
        snap.caps[i] = cap_at(i);
    }
    memcpy(snap.page, cap_ptr(cap_at(by.frame)), sizeof(snap.page));
    snap.ctx = by.t.t->ctx;
    snap.state = by.t.t->state;
    snap.ep = *ep_of_cap(cap_at(by.ep));
}

/* Nothing changed but root slots allow0 / allow1 (0: none), and the
 * kernel's invariants hold. */
static void expect_untouched(const char *what, word_t allow0, word_t allow1)
{
    for (word_t i = 1; i < KAAL_ARRAY_SIZE(snap.caps); i++) {
        cap_t c = cap_at(i);
        if (i != allow0 && i != allow1) {
            cr_assert(c.w0 == snap.caps[i].w0 && c.w1 == snap.caps[i].w1, "%s: root slot %lu changed", what, i);
        }
    }
    cr_assert_eq(memcmp(snap.page, cap_ptr(cap_at(by.frame)), sizeof(snap.page)), 0, "%s: bystander frame", what);
    cr_assert_eq(memcmp(&snap.ctx, &by.t.t->ctx, sizeof(snap.ctx)), 0, "%s: bystander registers", what);
    cr_assert_eq(by.t.t->state, snap.state, "%s: bystander state", what);
    cr_assert_eq(memcmp(&snap.ep, ep_of_cap(cap_at(by.ep)), sizeof(snap.ep)), 0, "%s: bystander endpoint", what);
    check_invariants();
}

static void set_receive_slot(tcb_t *t, word_t slot)
{
    kaal_ipc_buffer_t *b = buf_of(t);
    b->receive_cnode = ROOT;
    b->receive_index = slot;
    b->receive_depth = D64;
}

static word_t rights_name_buf(word_t r, char out[8])
{
    int n = 0;
    out[n++] = (r & KAAL_RIGHT_READ) ? 'R' : '-';
    out[n++] = (r & KAAL_RIGHT_WRITE) ? 'W' : '-';
    out[n++] = (r & G_) ? 'G' : '-';
    out[n++] = (r & GR_) ? 'g' : '-';
    out[n] = '\0';
    return r;
}

/* ---- endpoint and notification syscalls ------------------------------------- */

enum op {
    OP_SEND, OP_NBSEND, OP_CALL, OP_CALL_REPLY, OP_SEND_CAP,
    OP_RECV, OP_NBRECV, OP_REPLY_RECV, OP_RECV_REPLY_GRANT, OP_REPLY_CAP,
    OP_SIGNAL, OP_WAIT, OP_POLL,
};
enum outcome {
    DELIVERED,      /* the message arrived (label, badge, MR0); the invoker sees no error */
    DENIED,         /* InvalidCapability (MR0 = 0) to the invoker; nothing else happened */
    CAP_MOVED,      /* delivered with extra = 1 and the cap in the receive slot */
    CAP_DROPPED,    /* delivered with extra = 0; the receive slot stays empty */
    REPLY_CAP,      /* delivered; the receiver holds a reply cap, the caller waits for it */
    CALLER_STOPS,   /* delivered; no reply cap, the caller is left inactive */
    REPLY_GRANTS,   /* the receiver's reply cap carries Grant */
    REPLY_NO_GRANT, /* the receiver's reply cap lacks Grant */
    SIGNALLED,      /* the badge is ORed into the notification word */
    WAITED,         /* the word is taken (BADGE = word), the notification idle */
};

typedef struct ep_row {
    const char *name;
    enum op op;
    bool ntfn;      /* the capability under test is to a notification */
    word_t need;    /* rights required; without one: fail */
    word_t more;    /* further rights; without them: fail_more */
    bool more_any;  /* one of `more` suffices */
    enum outcome ok, fail, fail_more;
    const char *sel4; /* seL4 reference manual section */
} ep_row_t;

static const ep_row_t ep_rows[] = {
    {"Send", OP_SEND, false, KAAL_RIGHT_WRITE, 0, false, DELIVERED, DENIED, DENIED, "4.2 Endpoints; 3.1.4 Table 3.1"},
    {"NBSend", OP_NBSEND, false, KAAL_RIGHT_WRITE, 0, false, DELIVERED, DENIED, DENIED, "4.2; 3.1.4"},
    {"Call", OP_CALL, false, KAAL_RIGHT_WRITE, 0, false, DELIVERED, DENIED, DENIED, "4.2; 3.1.4"},
    {"Call reply cap", OP_CALL_REPLY, false, KAAL_RIGHT_WRITE, G_ | GR_, true, REPLY_CAP, DENIED, CALLER_STOPS,
     "4.2.4 Calling and Replying"},
    {"Send with a cap", OP_SEND_CAP, false, KAAL_RIGHT_WRITE, G_, false, CAP_MOVED, DENIED, CAP_DROPPED,
     "4.2.2 Capability Transfer"},
    {"Recv", OP_RECV, false, KAAL_RIGHT_READ, 0, false, DELIVERED, DENIED, DENIED, "4.2; 3.1.4"},
    {"NBRecv", OP_NBRECV, false, KAAL_RIGHT_READ, 0, false, DELIVERED, DENIED, DENIED, "4.2; 3.1.4"},
    {"ReplyRecv", OP_REPLY_RECV, false, KAAL_RIGHT_READ, 0, false, DELIVERED, DENIED, DENIED, "4.2; 3.1.4"},
    {"Recv of a Call: reply grant", OP_RECV_REPLY_GRANT, false, KAAL_RIGHT_READ, G_, false, REPLY_GRANTS, DENIED,
     REPLY_NO_GRANT, "4.2.4 (the reply cap copies the receiver's Grant)"},
    {"Reply with a cap", OP_REPLY_CAP, false, KAAL_RIGHT_READ, G_, false, CAP_MOVED, DENIED, CAP_DROPPED,
     "4.2.4 (caps move in a reply only if the reply cap has Grant)"},
    {"Signal", OP_SIGNAL, true, KAAL_RIGHT_WRITE, 0, false, SIGNALLED, DENIED, DENIED, "5.1 Notifications; 3.1.4"},
    {"Wait", OP_WAIT, true, KAAL_RIGHT_READ, 0, false, WAITED, DENIED, DENIED, "5.1; 3.1.4"},
    {"Poll", OP_POLL, true, KAAL_RIGHT_READ, 0, false, WAITED, DENIED, DENIED, "5.1; 3.1.4"},
};

static enum outcome expected(const ep_row_t *row, word_t r)
{
    if ((r & row->need) != row->need) {
        return row->fail;
    }
    bool more = row->more_any ? (r & row->more) != 0 : (r & row->more) == row->more;
    return more ? row->ok : row->fail_more;
}

typedef struct ep_case {
    word_t obj, cap, full, dest, xcap;
    th_t s, r;
} ep_case_t;

/* The sender side of the send-like rows: r waits (on the full cap), s
 * sends through the capability under test. */
static tcb_t *run_send_side(const ep_row_t *row, ep_case_t *k)
{
    become(k->r.t);
    set_receive_slot(k->r.t, k->dest);
    do_recv(k->full);
    take_snapshot();
    become(k->s.t);
    word_t extra = row->op == OP_SEND_CAP ? 1 : 0;
    buf_of(k->s.t)->caps_or_badges[0] = k->xcap;
    int64_t no = row->op == OP_NBSEND ? KAAL_SYS_NBSEND
                 : (row->op == OP_CALL || row->op == OP_CALL_REPLY) ? KAAL_SYS_CALL : KAAL_SYS_SEND;
    return sys(no, k->cap, mi(LABEL, extra, 1), MSG, 0, 0, 0);
}

/* The receiver side: s sends (or calls, with a receive slot for a reply
 * cap) on the full cap, r receives through the capability under test. */
static tcb_t *run_recv_side(const ep_row_t *row, ep_case_t *k)
{
    bool call = row->op == OP_RECV_REPLY_GRANT || row->op == OP_REPLY_CAP;
    become(k->s.t);
    set_receive_slot(k->s.t, k->dest);
    sys(call ? KAAL_SYS_CALL : KAAL_SYS_SEND, k->full, mi(LABEL, 0, 1), MSG, 0, 0, 0);
    take_snapshot();
    become(k->r.t);
    int64_t no = row->op == OP_NBRECV ? KAAL_SYS_NBRECV : row->op == OP_REPLY_RECV ? KAAL_SYS_REPLY_RECV
                                                                                   : KAAL_SYS_RECV;
    tcb_t *me = sys(no, k->cap, 0, 0, 0, 0, 0);
    if (row->op == OP_REPLY_CAP && R_label(me) != KAAL_INVALID_CAPABILITY) {
        /* r answers with a capability; it moves if the reply cap grants. */
        take_snapshot();
        buf_of(k->r.t)->caps_or_badges[0] = k->xcap;
        sys(KAAL_SYS_REPLY, 0, mi(LABEL, 1, 1), MSG, 0, 0, 0);
    }
    return me;
}

static void check_delivered(const char *w, tcb_t *to, word_t badge)
{
    cr_assert_eq(R_label(to), LABEL, "%s: label %lu", w, R_label(to));
    cr_assert_eq(R_mr(to, 0), MSG, "%s: MR0", w);
    cr_assert_eq(R_badge(to), badge, "%s: badge %lu", w, R_badge(to));
}

static void check_ep_outcome(const ep_row_t *row, ep_case_t *k, tcb_t *inv, enum outcome o, const char *w)
{
    bool recv_side = row->op >= OP_RECV && row->op <= OP_REPLY_CAP;
    tcb_t *waiting = recv_side ? k->s.t : k->r.t;
    switch (o) {
    case DENIED:
        cr_assert_eq(R_label(inv), KAAL_INVALID_CAPABILITY, "%s: label %lu", w, R_label(inv));
        cr_assert_eq(R_mr(inv, 0), 0, "%s: MR0", w);
        cr_assert_eq(waiting->state, recv_side ? TS_BLOCKED_ON_SEND : TS_BLOCKED_ON_RECV, "%s: partner moved", w);
        expect_untouched(w, 0, 0);
        return;
    case DELIVERED:
    case CAP_MOVED:
    case CAP_DROPPED:
    case REPLY_CAP:
    case CALLER_STOPS:
        break;
    case REPLY_GRANTS:
    case REPLY_NO_GRANT:
        check_delivered(w, k->r.t, 0);
        cr_assert_eq(cap_type(k->r.t->slots[TCB_CALLER].cap), CAP_REPLY, "%s: reply cap", w);
        cr_assert_eq(cap_reply_grant(k->r.t->slots[TCB_CALLER].cap), o == REPLY_GRANTS, "%s: reply grant", w);
        expect_untouched(w, 0, 0);
        return;
    default:
        cr_assert_fail("%s: outcome %d not for endpoints", w, o);
    }
    if (row->op == OP_REPLY_CAP) {
        /* the caller got the reply */
        cr_assert_eq(k->s.t->state, TS_RUNNING, "%s: caller resumed", w);
        cr_assert_eq(R_mr(k->s.t, 0), MSG, "%s: reply MR0", w);
        bool moved = o == CAP_MOVED;
        cr_assert_eq(kaal_msginfo_extra_caps(R_info(k->s.t)), moved ? 1u : 0u, "%s: reply extra", w);
        cr_assert_eq(cap_is_null(cap_at(k->dest)), !moved, "%s: reply receive slot", w);
        expect_untouched(w, k->dest, 0);
        return;
    }
    tcb_t *to = k->r.t;
    check_delivered(w, to, recv_side ? 0 : BADGE);
    if (!recv_side && row->op != OP_CALL && row->op != OP_CALL_REPLY) {
        cr_assert_eq(R_info(inv), 0, "%s: sender INFO", w);
    }
    if (row->op == OP_SEND_CAP) {
        bool moved = o == CAP_MOVED;
        cr_assert_eq(kaal_msginfo_extra_caps(R_info(to)), moved ? 1u : 0u, "%s: extra", w);
        cr_assert_eq(cap_is_null(cap_at(k->dest)), !moved, "%s: receive slot", w);
    }
    if (row->op == OP_CALL_REPLY) {
        bool reply = o == REPLY_CAP;
        cr_assert_eq(cap_type(k->r.t->slots[TCB_CALLER].cap), reply ? CAP_REPLY : CAP_NULL, "%s: reply cap", w);
        cr_assert_eq(k->s.t->state, reply ? TS_BLOCKED_ON_REPLY : TS_INACTIVE, "%s: caller state", w);
    }
    if (recv_side) {
        cr_assert(thread_runnable(k->s.t), "%s: sender released", w);
    }
    expect_untouched(w, k->dest, 0);
}

static void check_ntfn_outcome(ep_case_t *k, tcb_t *inv, enum outcome o, const char *w)
{
    notification_t *n = ntfn_of_cap(cap_at(k->obj));
    switch (o) {
    case DENIED:
        cr_assert_eq(R_label(inv), KAAL_INVALID_CAPABILITY, "%s: label %lu", w, R_label(inv));
        cr_assert_eq(n->state, inv == k->s.t ? NTFN_IDLE : NTFN_ACTIVE, "%s: notification changed", w);
        break;
    case SIGNALLED:
        cr_assert_eq(R_info(inv), 0, "%s: INFO", w);
        cr_assert(n->state == NTFN_ACTIVE && n->word == BADGE, "%s: word %lu", w, n->word);
        break;
    case WAITED:
        cr_assert_eq(R_badge(inv), 9, "%s: BADGE %lu", w, R_badge(inv));
        cr_assert_eq(n->state, NTFN_IDLE, "%s: notification still active", w);
        break;
    default:
        cr_assert_fail("%s: outcome %d not for notifications", w, o);
    }
    expect_untouched(w, 0, 0);
}

static void run_ep_case(const ep_row_t *row, word_t r)
{
    char rn[8], w[96];
    rights_name_buf(r, rn);
    snprintf(w, sizeof(w), "%s with %s", row->name, rn);
    ep_case_t k;
    k.obj = row->ntfn ? mk_ntfn() : mk_ep();
    k.cap = mint(k.obj, r, BADGE);
    k.full = k.obj;
    k.dest = new_slot();
    k.xcap = mint(mk_ntfn(), KAAL_RIGHTS_ALL, 0);
    k.s = mk_thread(100);
    k.r = mk_thread(100);
    enum outcome o = expected(row, r);
    if (row->ntfn) {
        tcb_t *inv;
        if (row->op == OP_SIGNAL) {
            take_snapshot();
            become(k.s.t);
            inv = do_send(k.cap, 0, 0);
        } else {
            become(harness_root());
            do_send(mint(k.obj, KAAL_RIGHTS_ALL, 9), 0, 0);
            take_snapshot();
            become(k.r.t);
            inv = row->op == OP_WAIT ? do_recv(k.cap) : do_nbrecv(k.cap);
        }
        check_ntfn_outcome(&k, inv, o, w);
    } else if (row->op >= OP_RECV) {
        check_ep_outcome(row, &k, run_recv_side(row, &k), o, w);
    } else {
        check_ep_outcome(row, &k, run_send_side(row, &k), o, w);
    }
    become(harness_root());
}

Test(rights, endpoint_and_notification_matrix, .timeout = 300)
{
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(ep_rows); i++) {
        world_boot();
        bystanders();
        for (word_t r = 0; r <= KAAL_RIGHTS_ALL; r++) {
            run_ep_case(&ep_rows[i], r);
        }
    }
}

/* ---- CNode Copy and Mint: rights are masked, never grow; badges are set once - */

Test(rights, copy_and_mint_mask_endpoint_and_notification_rights)
{
    world_boot();
    bystanders();
    word_t objs[2] = {mk_ep(), mk_ntfn()};
    /* seL4: an endpoint cap holds all four rights, a notification cap only
     * Read and Write (3.1.4 Table 3.1: Grant is N/A for notifications). */
    const word_t held[2] = {KAAL_RIGHTS_ALL, RW_};
    for (unsigned o = 0; o < 2; o++) {
        for (word_t a = 0; a <= KAAL_RIGHTS_ALL; a++) {
            word_t src = mint(objs[o], a, 0); /* rights a, unbadged */
            for (word_t b = 0; b <= KAAL_RIGHTS_ALL; b++) {
                word_t d = new_slot(), e = new_slot();
                take_snapshot();
                cr_assert_eq(cn_copy(d, src, b), KAAL_NO_ERROR);
                cr_assert_eq(cn_mint(e, src, b, 3), KAAL_NO_ERROR);
                cr_assert_eq(cap_rights(cap_at(d)), a & b & held[o], "copy of %lx with mask %lx", a, b);
                cr_assert_eq(cap_rights(cap_at(e)), a & b & held[o], "mint of %lx with mask %lx", a, b);
                cr_assert_eq(cap_badge(cap_at(e)), 3);
                expect_untouched("copy/mint", d, e);
                cr_assert_eq(cn_delete(d), 0);
                cr_assert_eq(cn_delete(e), 0);
            }
        }
    }
}

enum cn_op { CN_COPY, CN_MINT, CN_MUTATE };
typedef struct badge_row {
    const char *name;
    word_t src_badge;
    enum cn_op op;
    word_t data;
    word_t err;    /* expected error */
    word_t badge;  /* badge of the result (no error) */
    const char *sel4;
} badge_row_t;

static const badge_row_t badge_rows[] = {
    {"Mint badges an unbadged cap", 0, CN_MINT, 3, KAAL_NO_ERROR, 3, "4.2.1 Endpoint Badges; 3.1.2 Mint"},
    {"Mint with badge 0 leaves it unbadged", 0, CN_MINT, 0, KAAL_NO_ERROR, 0, "4.2.1"},
    {"Mint of a badged cap", 3, CN_MINT, 4, KAAL_ILLEGAL_OPERATION, 0, "4.2.1 (cannot be rebadged)"},
    {"Mint of a badged cap, badge 0", 3, CN_MINT, 0, KAAL_ILLEGAL_OPERATION, 0, "4.2.1 (cannot be unbadged)"},
    {"Copy of a badged cap keeps the badge", 3, CN_COPY, 0, KAAL_NO_ERROR, 3, "3.1.5 (badged caps have children)"},
    {"Mutate of an endpoint/notification cap", 0, CN_MUTATE, 3, KAAL_ILLEGAL_OPERATION, 0,
     "difference: manual 4.2.1 names Mutate, seL4's code (updateCapData, preserve) refuses it as KaaL does"},
};

Test(rights, badges_are_set_once)
{
    world_boot();
    bystanders();
    word_t objs[2] = {mk_ep(), mk_ntfn()};
    for (unsigned o = 0; o < 2; o++) {
        for (unsigned i = 0; i < KAAL_ARRAY_SIZE(badge_rows); i++) {
            const badge_row_t *row = &badge_rows[i];
            word_t src = row->src_badge != 0 ? mint(objs[o], KAAL_RIGHTS_ALL, row->src_badge)
                                             : mint(objs[o], KAAL_RIGHTS_ALL, 0);
            word_t d = new_slot();
            cap_t before = cap_at(src);
            take_snapshot();
            word_t e = row->op == CN_COPY ? cn_copy(d, src, KAAL_RIGHTS_ALL)
                       : row->op == CN_MINT ? cn_mint(d, src, KAAL_RIGHTS_ALL, row->data)
                                            : cn_mutate(d, src, row->data);
            cr_assert_eq(e, row->err, "%s: error %lu", row->name, e);
            if (e == KAAL_NO_ERROR) {
                cr_assert_eq(cap_badge(cap_at(d)), row->badge, "%s: badge", row->name);
                expect_untouched(row->name, d, 0);
            } else {
                cr_assert(cap_is_null(cap_at(d)), "%s: nothing made", row->name);
                cr_assert(cap_at(src).w0 == before.w0 && cap_at(src).w1 == before.w1, "%s: source changed",
                          row->name);
                expect_untouched(row->name, 0, 0);
            }
        }
    }
}

/* seL4 maskVMRights: the rights a mapping (or a frame copy) gets. */
typedef struct vm_row {
    word_t have, asked, result;
} vm_row_t;
static const vm_row_t vm_rows[] = {
    {0, 0, 0}, {0, KAAL_RIGHT_READ, 0}, {0, KAAL_RIGHT_WRITE, 0}, {0, RW_, 0},
    {KAAL_RIGHT_READ, 0, 0}, {KAAL_RIGHT_READ, KAAL_RIGHT_READ, KAAL_RIGHT_READ},
    {KAAL_RIGHT_READ, KAAL_RIGHT_WRITE, 0}, {KAAL_RIGHT_READ, RW_, KAAL_RIGHT_READ},
    {RW_, 0, 0}, {RW_, KAAL_RIGHT_READ, KAAL_RIGHT_READ},
    {RW_, KAAL_RIGHT_WRITE, 0}, /* write-only is not a mapping right: kernel only */
    {RW_, RW_, RW_},
};

Test(rights, frame_copy_masks_rights)
{
    world_boot();
    bystanders();
    word_t f = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(vm_rows); i++) {
        const vm_row_t *row = &vm_rows[i];
        word_t src = new_slot(), d = new_slot();
        cr_assert_eq(cn_copy(src, f, row->have), 0);
        cr_assert_eq(cap_frame_rights(cap_at(src)), row->have);
        take_snapshot();
        cr_assert_eq(cn_copy(d, src, row->asked | G_ | GR_), KAAL_NO_ERROR);
        cr_assert_eq(cap_frame_rights(cap_at(d)), row->result, "copy of %lx with mask %lx", row->have, row->asked);
        expect_untouched("frame copy", d, 0);
    }
}

/* ---- Frame Map: rights masking, execute-never -------------------------------- */

#define MAP_VA (HAL_USER_VADDR_BASE + 0x8000000ull)

static word_t vm_space(void)
{
    word_t vs = mk_obj(KAAL_OBJ_VSPACE, 0);
    cr_assert_eq(inv4(KAAL_CAP_INIT_ASID_POOL, KAAL_INV_ASID_POOL_ASSIGN, 0, 0, 0, 0, 0, vs, 0, 0), 0);
    word_t types[3] = {KAAL_OBJ_PAGE_UPPER_DIR, KAAL_OBJ_PAGE_DIRECTORY, KAAL_OBJ_PAGE_TABLE};
    for (unsigned i = 0; i < 3; i++) {
        cr_assert_eq(inv4(mk_obj(types[i], 0), KAAL_INV_PAGE_TABLE_MAP, 2, MAP_VA, 0, 0, 0, vs, 0, 0), 0);
    }
    return vs;
}

Test(rights, frame_map_rights_and_execute)
{
    world_boot();
    bystanders();
    word_t vs = vm_space();
    unsigned n = 0;
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(vm_rows); i++) {
        for (word_t xn = 0; xn < 2; xn++, n++) {
            const vm_row_t *row = &vm_rows[i];
            word_t f = mk_obj(KAAL_OBJ_FRAME_4K, 0);
            word_t c = new_slot();
            cr_assert_eq(cn_copy(c, f, row->have), 0);
            vaddr_t va = MAP_VA + (word_t)n * 0x1000u;
            word_t attr = xn ? KAAL_VM_EXECUTE_NEVER : 0;
            take_snapshot();
            word_t e = inv4(c, KAAL_INV_FRAME_MAP, 3, va, row->asked, attr, 0, vs, 0, 0);
            cr_assert_eq(e, KAAL_NO_ERROR, "map %lx asking %lx: error %lu", row->have, row->asked, e);
            unsigned missing;
            pte_t *pe = vspace_lookup_entry(cap_paddr(cap_at(vs)), va, 3, &missing);
            cr_assert_not_null(pe);
            pte_t p = *pe;
            bool user = (p & PTE_AP_EL0) != 0;
            bool write = user && (p & PTE_AP_RO) == 0;
            cr_assert_eq(user, (row->result & KAAL_RIGHT_READ) != 0, "map %lx asking %lx: readable", row->have,
                         row->asked);
            cr_assert_eq(write, (row->result & KAAL_RIGHT_WRITE) != 0, "map %lx asking %lx: writable", row->have,
                         row->asked);
            cr_assert_eq((p & PTE_UXN) != 0, xn != 0, "execute-never attribute");
            cr_assert_neq(p & PTE_PXN, 0, "never kernel-executable");
            kaal_vspace_walk_t wk;
            cr_assert_eq(kaal_vspace_lookup(cap_paddr(cap_at(vs)), va, &wk), user, "no-read mapping is kernel only");
            expect_untouched("frame map", c, 0);
        }
    }
}

/* ---- a frame as IPC buffer ------------------------------------------------------
 * seL4 (lookupIPCBuffer; manual 4.1 Message Registers, TCB_SetIPCBuffer):
 * the kernel reads a thread's buffer only through a frame cap it may read
 * (ReadOnly or ReadWrite) and writes it only through a ReadWrite one;
 * otherwise the thread has no buffer for that purpose: only the register
 * MRs move, no caps or badges are transferred, and an invocation reply is
 * cut to the register MRs. */

enum buf_use {
    BUF_RECEIVE,      /* the thread receives a 6-word message with a cap */
    BUF_SEND,         /* the thread sends a 6-word message with a cap */
    BUF_INVOKE_REPLY, /* the thread's own invocation (ReadRegisters) replies into it */
};
typedef struct buf_row {
    const char *name;
    enum buf_use use;
    word_t rights; /* of the buffer's frame cap */
    bool usable;   /* the buffer takes part (long message / caps / reply words) */
    const char *sel4;
} buf_row_t;

static const buf_row_t buf_rows[] = {
    {"receive into a read-write buffer", BUF_RECEIVE, RW_, true, "4.1; 4.2.2"},
    {"receive into a read-only buffer", BUF_RECEIVE, KAAL_RIGHT_READ, false, "4.1 (receiver needs ReadWrite)"},
    {"receive into a no-right buffer", BUF_RECEIVE, 0, false, "4.1"},
    {"send from a read-write buffer", BUF_SEND, RW_, true, "4.1; 4.2.2"},
    {"send from a read-only buffer", BUF_SEND, KAAL_RIGHT_READ, true, "4.1 (a sender's buffer need only be readable)"},
    {"send from a no-right buffer", BUF_SEND, 0, false, "4.1"},
};

/* The rows the kernel writes the buffer in an invocation reply: kept apart
 * (issue 16, "The bug": until the kernel checks the buffer's rights on that
 * path, the read-only rows fail). */
static const buf_row_t buf_reply_rows[] = {
    {"invocation reply into a read-write buffer", BUF_INVOKE_REPLY, RW_, true, "4.1; TCB_ReadRegisters"},
    {"invocation reply into a read-only buffer", BUF_INVOKE_REPLY, KAAL_RIGHT_READ, false,
     "4.1 (the kernel writes only a ReadWrite buffer)"},
    {"invocation reply into a no-right buffer", BUF_INVOKE_REPLY, 0, false, "4.1"},
};

static uint8_t page_before[4096];

static void run_buf_row(const buf_row_t *row)
{
    world_boot();
    bystanders();
    word_t ep = mk_ep();
    th_t t = mk_thread(100), p = mk_thread(100);
    word_t bufcap = mint(t.frame, row->rights, 0);
    cr_assert_eq(inv4(t.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, TH_BUF_VA + (t.slot << 12), 0, 0, 0, bufcap, 0, 0),
                 0, "%s: SetIPCBuffer", row->name);
    word_t dest = new_slot();
    word_t xcap = mint(mk_ntfn(), KAAL_RIGHTS_ALL, 0);
    uint8_t *page = cap_ptr(cap_at(t.frame)); /* kernel view of t's buffer */
    tcb_t *to;
    switch (row->use) {
    case BUF_RECEIVE:
        set_receive_slot(t.t, dest);
        memcpy(page_before, page, sizeof(page_before));
        become(t.t);
        do_recv(ep);
        become(p.t);
        buf_of(p.t)->msg[4] = 0x44;
        buf_of(p.t)->msg[5] = 0x45;
        buf_of(p.t)->caps_or_badges[0] = xcap;
        take_snapshot();
        sys(KAAL_SYS_SEND, ep, mi(LABEL, 1, 6), MSG, 1, 2, 3);
        to = t.t;
        break;
    case BUF_SEND:
        set_receive_slot(p.t, dest);
        become(p.t);
        do_recv(ep);
        become(t.t);
        ((kaal_ipc_buffer_t *)page)->msg[4] = 0x44;
        ((kaal_ipc_buffer_t *)page)->msg[5] = 0x45;
        ((kaal_ipc_buffer_t *)page)->caps_or_badges[0] = xcap;
        take_snapshot();
        sys(KAAL_SYS_SEND, ep, mi(LABEL, 1, 6), MSG, 1, 2, 3);
        to = p.t;
        break;
    default:
        memcpy(page_before, page, sizeof(page_before));
        become(t.t);
        take_snapshot();
        sys(KAAL_SYS_CALL, p.slot, kaal_msginfo(KAAL_INV_TCB_READ_REGISTERS, 0, 0, 2), 0, HAL_UCTX_NUSER, 0, 0);
        cr_assert_eq(R_label(t.t), KAAL_NO_ERROR, "%s: ReadRegisters error %lu", row->name, R_label(t.t));
        cr_assert_eq(R_len(t.t), row->usable ? HAL_UCTX_NUSER : KAAL_MSG_NUM_REGS, "%s: reply length %lu",
                     row->name, R_len(t.t));
        if (!row->usable) {
            cr_assert_eq(memcmp(page_before, page, sizeof(page_before)), 0, "%s: the kernel wrote the buffer",
                         row->name);
        }
        expect_untouched(row->name, 0, 0);
        become(harness_root());
        return;
    }
    cr_assert_eq(R_label(to), LABEL, "%s: delivered", row->name);
    cr_assert_eq(R_len(to), row->usable ? 6u : KAAL_MSG_NUM_REGS, "%s: length %lu", row->name, R_len(to));
    cr_assert_eq(kaal_msginfo_extra_caps(R_info(to)), row->usable ? 1u : 0u, "%s: caps", row->name);
    cr_assert_eq(cap_is_null(cap_at(dest)), !row->usable, "%s: receive slot", row->name);
    if (row->use == BUF_RECEIVE && !row->usable) {
        cr_assert_eq(memcmp(page_before, page, sizeof(page_before)), 0, "%s: the kernel wrote the buffer",
                     row->name);
    }
    if (row->usable) {
        cr_assert_eq(buf_of(to)->msg[5], 0x45, "%s: MR5", row->name);
    }
    expect_untouched(row->name, dest, 0);
    become(harness_root());
}

Test(rights, frame_as_ipc_buffer)
{
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(buf_rows); i++) {
        run_buf_row(&buf_rows[i]);
    }
}

Test(rights, frame_as_ipc_buffer_invocation_reply)
{
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(buf_reply_rows); i++) {
        run_buf_row(&buf_reply_rows[i]);
    }
}

/* ---- reply caps are not derivable ------------------------------------------------ */

Test(rights, reply_caps_cannot_be_copied_or_minted)
{
    world_boot();
    bystanders();
    word_t ep = mk_ep();
    th_t c = mk_thread(100);
    become(c.t);
    do_call(ep, mi(LABEL, 0, 1), MSG);
    become(harness_root());
    do_recv(ep);
    word_t saved = new_slot(), d = new_slot();
    cr_assert_eq(cn_save_caller(saved), KAAL_NO_ERROR);
    cr_assert_eq(cap_type(cap_at(saved)), CAP_REPLY);
    take_snapshot();
    /* seL4 3.1.5 Table 3.2: a reply cap cannot be derived. */
    cr_assert_eq(cn_copy(d, saved, KAAL_RIGHTS_ALL), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(cn_mint(d, saved, KAAL_RIGHTS_ALL, 1), KAAL_ILLEGAL_OPERATION);
    cr_assert(cap_is_null(cap_at(d)));
    expect_untouched("reply copy", 0, 0);
}
