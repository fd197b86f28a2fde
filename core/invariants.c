/*
 * Invariant checker (see invariants.h): the derivation list, the slots of
 * containers, untyped containment, and rights and badges from parent to
 * child. invariants_thr.c and invariants_vm.c check the objects the walk
 * finds (invariants_int.h).
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
 * pointer) makes the two differ. Every CNode is scanned, whatever its size
 * (its object is checked to lie in RAM first, which bounds the scan).
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
 *
 * Rights and badges: a second stack holds the current slot's derivation
 * ancestors (seL4's isMDBParentOf; only revocable caps are parents); each
 * capability is compared with its nearest one. Both stacks are deep enough
 * for any tree the kernel can build (untyped nesting is at most
 * KAAL_MAX_UNTYPED_BITS - KAAL_MIN_UNTYPED_BITS levels, and below an
 * object's original at most a badged cap); deeper is reported, not skipped.
 */
#include "vspace.h"
#include "invariants_int.h"
#include "cdt.h"
#include "untyped.h"

#define INV_MAX_CAPS (1ull << 32)

_Static_assert(INV_STACK > KAAL_MAX_UNTYPED_BITS - KAAL_MIN_UNTYPED_BITS + 4u, "stack covers every tree");

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

void kaal_inv_problem(inv_ctx_t *c, const char *what, word_t a, word_t b)
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

#define problem kaal_inv_problem
#define addr kaal_inv_addr

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
        n = KAAL_BIT(cap_cnode_radix(cap));
        break;
    case CAP_TCB:
        n = TCB_NUM_SLOTS;
        break;
    case CAP_ZOMBIE:
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

static bool cap_is_device(cap_t cap)
{
    return (cap_type(cap) == CAP_UNTYPED && cap_untyped_device(cap)) ||
           (cap_type(cap) == CAP_FRAME && cap_frame_device(cap));
}

/* Checks made once per object, at the first capability of its run. */
static void check_object(inv_ctx_t *c, cap_t cap)
{
    if (cap_is_physical(cap) && !cap_is_device(cap) &&
        (cap_paddr(cap) < ks.ram_base || cap_obj_end(cap) > ks.ram_end ||
         cap_obj_end(cap) <= cap_paddr(cap))) {
        problem(c, "capability names memory outside RAM", cap.w0, cap.w1);
        return;
    }
    scan_container(c, cap);
    switch (cap_type(cap)) {
    case CAP_TCB:
        kaal_inv_check_tcb(c, tcb_of_cap(cap));
        break;
    case CAP_ENDPOINT:
        kaal_inv_check_endpoint(c, ep_of_cap(cap));
        break;
    case CAP_NOTIFICATION:
        kaal_inv_check_notification(c, ntfn_of_cap(cap));
        break;
    case CAP_UNTYPED:
        if (cap_untyped_watermark(cap) > KAAL_BIT(cap_untyped_bits(cap))) {
            problem(c, "untyped watermark beyond its size", cap.w0, cap.w1);
        }
        if (cap_untyped_clearing(cap) && !untyped_clearing_record(cap, &(word_t){0}, &(word_t){0})) {
            problem(c, "untyped clearing mark without a record in bounds (untyped.h)", cap.w0, cap.w1);
        }
        break;
    default:
        break;
    }
}

/* Checks made for every capability (not once per object). */
static void check_each_cap(inv_ctx_t *c, const cte_t *x)
{
    switch (cap_type(x->cap)) {
    case CAP_REPLY:
        kaal_inv_check_reply_cap(c, x);
        break;
    case CAP_IRQ_HANDLER:
        kaal_inv_check_irq_cap(c, x->cap);
        break;
    case CAP_FRAME:
    case CAP_PAGE_TABLE:
        kaal_inv_check_mapping_cap(c, x);
        break;
    default:
        break;
    }
}

/* ---- untyped containment ------------------------------------------------------ */

static void note_top_level(inv_ctx_t *c, cap_t cap)
{
    inv_region_t reg = {cap_paddr(cap), cap_obj_end(cap)};
    if (cap_type(cap) == CAP_UNTYPED) {
        if (c->nroot_ut < INV_MAX_ROOT_UT) {
            c->root_ut[c->nroot_ut++] = reg;
        } else {
            problem(c, "more top-level untypeds than boot creates", reg.base, c->nroot_ut);
        }
    } else if (c->norphan < INV_MAX_ORPHANS) {
        c->orphan[c->norphan++] = reg;
    } else {
        problem(c, "more top-level objects than boot creates", reg.base, c->norphan);
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
        if (is_ut || !cap_same_object(prev->cap, x->cap)) {
            note_top_level(c, x->cap);
        }
    } else if (is_ut || !cap_same_object(prev->cap, x->cap)) {
        inv_ut_frame_t *f = &c->stack[c->depth - 1];
        if (end > f->limit) {
            problem(c, "untyped child above watermark or overlapping", x->cap.w0, f->limit);
        }
        f->limit = base;
    }
    if (is_ut) {
        if (c->depth < INV_STACK) {
            inv_ut_frame_t nf = {base, end, base + cap_untyped_watermark(x->cap)};
            c->stack[c->depth++] = nf;
        } else {
            problem(c, "untypeds nested deeper than sizes allow", x->cap.w0, c->depth);
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

/* ---- rights and badges from parent to child ------------------------------------ */

static bool is_badged_type(cap_t cap)
{
    return cap_type(cap) == CAP_ENDPOINT || cap_type(cap) == CAP_NOTIFICATION;
}

/* seL4 isMDBParentOf(a, b), restated here so the checker does not trust
 * the code it checks (core/cdt.c). */
static bool parent_of(const cte_t *a, const cte_t *b)
{
    if (!mdb_revocable(a) || !cap_same_region(a->cap, b->cap)) {
        return false;
    }
    if (is_badged_type(a->cap) && cap_badge(a->cap) != 0) {
        return cap_badge(a->cap) == cap_badge(b->cap) && !mdb_first_badged(b);
    }
    return true;
}

static word_t rights_of(cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return cap_rights(cap);
    case CAP_FRAME:
        return cap_frame_rights(cap);
    case CAP_REPLY:
        return cap_reply_grant(cap) ? KAAL_RIGHT_GRANT : 0u;
    default:
        return 0;
    }
}

/* A badged endpoint / notification capability x whose nearest ancestor
 * is unbadged (or which has none) starts a run of its badge: it is the
 * first of that badge (a Mint, or the next copy after the Mint's cap was
 * deleted: seL4 passes the first-badged bit on), or the capability before
 * it names the same object with the same badge. */
static bool badge_run_ok(const cte_t *prev, const cte_t *x)
{
    return mdb_first_badged(x) ||
           (cap_same_object(prev->cap, x->cap) && cap_badge(prev->cap) == cap_badge(x->cap));
}

/* x's nearest derivation ancestor is p (NULL: none); prev precedes x. A
 * badged ancestor is always of x's badge (parent_of requires it). */
static void check_derived(inv_ctx_t *c, const cte_t *p, const cte_t *prev, const cte_t *x)
{
    bool same_type = p != NULL && cap_type(p->cap) == cap_type(x->cap);
    if (same_type && (rights_of(x->cap) & ~rights_of(p->cap)) != 0) {
        problem(c, "derived capability has a right its parent lacks", addr(x), rights_of(x->cap));
    }
    bool parent_badged = same_type && is_badged_type(x->cap) && cap_badge(p->cap) != 0;
    if (is_badged_type(x->cap) && cap_badge(x->cap) != 0 && !parent_badged && !badge_run_ok(prev, x)) {
        problem(c, "badge changed after it was set", addr(x), cap_badge(x->cap));
    }
}

static void track_ancestors(inv_ctx_t *c, const cte_t *prev, const cte_t *x)
{
    while (c->nanc > 0 && !parent_of(c->anc[c->nanc - 1], x)) {
        c->nanc--;
    }
    check_derived(c, c->nanc > 0 ? c->anc[c->nanc - 1] : NULL, prev, x);
    if (!mdb_revocable(x)) {
        return; /* never a parent */
    }
    if (c->nanc < INV_STACK) {
        c->anc[c->nanc++] = x;
    } else {
        problem(c, "derivation tree deeper than sizes allow", addr(x), c->nanc);
    }
}

/* ---- the walk ------------------------------------------------------------------ */

static void visit(inv_ctx_t *c, const cte_t *prev, const cte_t *x)
{
    if (!vspace_cap_well_formed(x->cap)) {
        problem(c, "address-space fields of a capability ill-formed", x->cap.w0, x->cap.w1);
    }
    /* First capability of a run of caps to one object (zombies: always). */
    if (!cap_same_object(prev->cap, x->cap)) {
        check_object(c, x->cap);
    }
    check_each_cap(c, x);
    track_ancestors(c, prev, x);
    if (cap_is_physical(x->cap)) {
        track_untyped(c, prev, x);
    }
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
            visit(c, prev, x);
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
    c->nroot_ut = 0;
    c->norphan = 0;
    c->contained = 0;
    c->nanc = 0;
    kmemset(c->irq_cap, 0, sizeof(c->irq_cap));
    kmemset(&c->n, 0, sizeof(c->n));
    const cte_t *head = cdt_head();
    if (!cap_is_null(head->cap) || head->prev != NULL) {
        problem(c, "derivation list head is not an empty sentinel", addr(head), head->cap.w0);
    }
    c->tables_ok = vspace_asid_table_well_formed();
    if (!c->tables_ok) {
        problem(c, "ASID table names memory outside RAM, or ASID 0 is assigned", 0, 0);
    }
    walk_list(c);
    check_orphans(c);
    count_irq_slots(c);
    if (c->contained != r.caps) {
        problem(c, "capabilities on the list vs found in objects", r.caps, c->contained);
    }
    kaal_inv_check_threads(c);
    if (c->tables_ok) {
        kaal_inv_check_vspaces(c);
    }
    return r;
}
