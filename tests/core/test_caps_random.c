/*
 * Randomized CNode and Untyped operations with a fixed seed.
 *
 * World: three threads, each with its own 64-slot CSpace CNode (a copy in
 * its TCB's CTABLE slot), plus a 64-slot region of the root CNode. Each
 * step picks an operation (Retype of a random type into a random window,
 * Copy, Mint, Move, Mutate, Rotate, Delete, Revoke, CancelBadgedSends,
 * SaveCaller, or a garbage invocation) on random slots of those CSpaces or
 * of CNodes the steps themselves created (so CNodes nest and hold caps to
 * themselves), sometimes with an interrupt pending so that long deletes
 * are preempted and restarted. After every kernel entry the invariant
 * checker must find nothing wrong; a few properties of each successful
 * operation are checked too. At the end every untyped is revoked and must
 * be back to empty. After every operation the executable model
 * (model/, docs/model.md), fed the same invocation, must agree with the
 * kernel's state (KAAL_MODEL=0 in the environment turns this off).
 *
 * KAAL_RANDOM_SEED and KAAL_RANDOM_STEPS in the environment override the
 * defaults (to replay or to soak).
 */
#include "caps_helpers.h"
#include "capability.h"
#include "cnode.h"
#include "model_diff.h"
#include <hal/irq.h>
#include "random_helpers.h"

#define DEFAULT_SEED 0x4b61614c43617073ull /* "KaaLCaps" */
#define DEFAULT_STEPS 100000u
/* What `meson test` shows (in TAP mode Criterion hides the test's own
 * output, which prints the seed and statistics when run directly). */
#define DEFAULT_DESCRIPTION "seed 0x4b61614c43617073, 100000 steps (KAAL_RANDOM_SEED, KAAL_RANDOM_STEPS override)"
#define REGION 64u
#define NSPACES 3u
#define SPACE_BITS 6u

typedef struct addr {
    word_t cnode; /* cptr (root slot) of the CNode cap the address is relative to */
    word_t index;
    word_t depth;
    cte_t *slot;
} addr_t;

static struct {
    test_rng_t rng;
    word_t e0;        /* root region [e0, e0 + REGION) */
    word_t ut;        /* the big untyped the world is made from */
    word_t pool;      /* 1 MiB untyped every random object comes from */
    word_t space[NSPACES];
    word_t tcb[NSPACES];
    unsigned entries, preempted, abandoned, pool_revokes;
    unsigned ok[KAAL_INV_NUM_LABELS], tried[KAAL_INV_NUM_LABELS];
    unsigned errs[KAAL_INV_NUM_LABELS][KAAL_NUM_ERRORS];
} w;

static uint64_t rnd(void) { return rng_next(&w.rng); }
static word_t rn(word_t n) { return rng_below(&w.rng, n); }

/* ---- addressing ---- */

static addr_t root_addr(word_t slot)
{
    addr_t a = {ROOT, slot, D64, slot_of(slot)};
    return a;
}

/* A CNode cap in the root region (cptr returned), or 0. */
static word_t find_region_cnode(void)
{
    word_t start = rn(REGION);
    for (word_t i = 0; i < REGION; i++) {
        word_t s = w.e0 + (start + i) % REGION;
        if (cap_type(cap_at(s)) == CAP_CNODE) {
            return s;
        }
    }
    return 0;
}

static addr_t pick_addr(void)
{
    word_t c = rn(10);
    if (c < 4) {
        return root_addr(w.e0 + rn(REGION));
    }
    if (c < 8) {
        word_t k = rn(NSPACES);
        word_t j = rn(1u << SPACE_BITS);
        addr_t a = {w.space[k], j, SPACE_BITS, cnode_of_cap(cap_at(w.space[k])) + j};
        return a;
    }
    word_t s = find_region_cnode();
    if (s == 0) {
        return root_addr(w.e0 + rn(REGION));
    }
    cap_t cn = cap_at(s);
    unsigned radix = cap_cnode_radix(cn), gs = cap_cnode_guard_size(cn);
    word_t j = rn(KAAL_BIT(radix));
    addr_t a = {s, (cap_cnode_guard(cn) << radix) | j, radix + gs, cnode_of_cap(cn) + j};
    return a;
}

/* ---- invoking, with preemption and a check after every entry ---- */

static harness_regs_t invoke_x(word_t cptr, word_t label, word_t len, word_t extra, const word_t mr[8],
                               bool preempt, bool may_abandon);
static harness_regs_t invoke(word_t cptr, word_t label, word_t len, word_t extra, const word_t mr[8],
                             bool preempt);


static bool model_on;

/* The model's verdict on the operation just finished (or abandoned). */
static void check_model(bool abandoned)
{
    if (!model_on) {
        return;
    }
    if (abandoned) {
        mdiff_other_step("operation left half done by the test");
    }
    const char *d = mdiff_after();
    cr_assert_null(d, "%s", d);
}

static harness_regs_t invoke_x(word_t cptr, word_t label, word_t len, word_t extra, const word_t mr[8],
                               bool preempt, bool may_abandon)
{
    harness_regs_t r = {0};
    for (unsigned i = 0; i < 100000; i++) {
        kaal_ipc_buffer_t *b = harness_ipcbuf();
        for (unsigned j = KAAL_MSG_NUM_REGS; j < 8; j++) {
            b->msg[j] = mr[j];
        }
        if (i == 0 && model_on) {
            /* the model runs the whole operation once, on the same inputs;
             * the kernel may take several restarts (preemption) */
            uint64_t regs[6] = {cptr, kaal_msginfo(label, 0, extra, len), mr[0], mr[1], mr[2], mr[3]};
            mdiff_before_syscall(KAAL_SYS_CALL, regs);
        }
        if (preempt && rn(4) != 0) {
            hal_irq_mask(8, false);
            hosted_device_raise_at(8, hosted_now());
        }
        word_t pc = ks.cur->ctx.r[HAL_R_PC];
        r = harness_invoke(cptr, label, len, extra, mr[0], mr[1], mr[2], mr[3]);
        w.entries++;
        check_invariants();
        if (ks.cur->ctx.r[HAL_R_PC] != pc) {
            cr_assert_leq(rerr(r), KAAL_NOT_ENOUGH_MEMORY, "reply label %lu is no error code", rerr(r));
            check_model(false);
            return r;
        }
        w.preempted++;
        if (may_abandon && rn(8) == 0) {
            /* Leave it half done (Zombies in slots) for other steps to
             * meet, as if other threads ran before the restart. */
            w.abandoned++;
            check_model(true);
            r.info = kaal_msginfo(KAAL_NUM_ERRORS, 0, 0, 0);
            return r;
        }
    }
    cr_assert_fail("operation never completed");
    return r;
}

static harness_regs_t invoke(word_t cptr, word_t label, word_t len, word_t extra, const word_t mr[8],
                             bool preempt)
{
    return invoke_x(cptr, label, len, extra, mr, preempt, preempt);
}

static word_t note(word_t label, harness_regs_t r)
{
    w.tried[label]++;
    if (rerr(r) >= KAAL_NUM_ERRORS) {
        return rerr(r); /* abandoned half way */
    }
    w.errs[label][rerr(r)]++;
    if (rerr(r) == KAAL_NO_ERROR) {
        w.ok[label]++;
    }
    return rerr(r);
}

/* ---- the operations ---- */

static word_t pick_untyped_slot(void)
{
    if (rn(3) == 0) {
        return w.pool;
    }
    word_t start = rn(REGION);
    for (word_t i = 0; i < REGION; i++) {
        word_t s = w.e0 + (start + i) % REGION;
        if (cap_type(cap_at(s)) == CAP_UNTYPED) {
            return s;
        }
    }
    return w.pool; /* never a random slot: invoking an endpoint would be IPC */
}

static void pick_type(word_t *type, word_t *bits)
{
    static const word_t types[] = {
        KAAL_OBJ_ENDPOINT, KAAL_OBJ_ENDPOINT, KAAL_OBJ_ENDPOINT, KAAL_OBJ_NOTIFICATION,
        KAAL_OBJ_NOTIFICATION, KAAL_OBJ_CNODE, KAAL_OBJ_CNODE, KAAL_OBJ_CNODE, KAAL_OBJ_TCB,
        KAAL_OBJ_FRAME_4K, KAAL_OBJ_FRAME_4K, KAAL_OBJ_PAGE_TABLE, KAAL_OBJ_UNTYPED,
        KAAL_OBJ_UNTYPED, KAAL_OBJ_UNTYPED, KAAL_OBJ_VSPACE, KAAL_OBJ_FRAME_2M,
    };
    *type = types[rn(KAAL_ARRAY_SIZE(types))];
    *bits = 0;
    if (*type == KAAL_OBJ_CNODE) {
        *bits = 1 + rn(3);
    } else if (*type == KAAL_OBJ_UNTYPED) {
        *bits = 8 + rn(7);
    }
}

/* The pool is full: revoke it (every random object goes, wherever it
 * is, preemptibly) and seed the region with fresh untypeds from it. */
static void refill_pool(void)
{
    word_t mr[8] = {w.pool, D64, 0, 0, 0, 0, 0, 0};
    cr_assert_eq(rerr(invoke_x(ROOT, KAAL_INV_CNODE_REVOKE, 2, 0, mr, true, false)), KAAL_NO_ERROR);
    cr_assert(!cdt_has_children(slot_of(w.pool)));
    cr_assert_eq(cap_untyped_watermark(cap_at(w.pool)), 0);
    w.pool_revokes++;
    for (word_t s = w.e0, n = 0; s < w.e0 + REGION && n < 4; s++) {
        if (cap_is_null(cap_at(s))) {
            /* through invoke_x, so that the model sees it too */
            word_t rmr[8] = {KAAL_OBJ_UNTYPED, 14 + rn(3), 0, 0, s, 1, 0, 0};
            set_extra(0, ROOT);
            cr_assert_eq(rerr(invoke_x(w.pool, KAAL_INV_UNTYPED_RETYPE, 6, 1, rmr, false, false)),
                         KAAL_NO_ERROR);
            n++;
        }
    }
}

static void op_retype(void)
{
    word_t u = pick_untyped_slot(), type, bits;
    pick_type(&type, &bits);
    word_t num = 1 + rn(3);
    word_t node_index = 0, node_depth = 0, first = 0, size = 0;
    cte_t *node;
    word_t c = rn(3);
    if (c == 0) {
        node = slot_of(0);
        first = w.e0;
        size = REGION;
    } else if (c == 1) {
        node_index = w.space[rn(NSPACES)];
        node_depth = D64;
        node = cnode_of_cap(cap_at(node_index));
        size = 1u << SPACE_BITS;
    } else {
        word_t s = find_region_cnode();
        node_index = s != 0 ? s : w.e0;
        node_depth = D64;
        node = s != 0 ? cnode_of_cap(cap_at(s)) : NULL;
        size = s != 0 ? KAAL_BIT(cap_cnode_radix(cap_at(s))) : 1;
    }
    /* Mostly an empty window (a few tries), sometimes any. */
    word_t offset = first + rn(size);
    for (unsigned t = 0; node != NULL && rn(4) != 0 && t < 8; t++) {
        word_t o = first + rn(size);
        bool empty = o + num <= first + size;
        for (word_t i = 0; empty && i < num; i++) {
            empty = cap_is_null(node[o + i].cap);
        }
        if (empty) {
            offset = o;
            break;
        }
    }
    word_t wm = cap_type(cap_at(u)) == CAP_UNTYPED ? cap_untyped_watermark(cap_at(u)) : 0;
    word_t mr[8] = {type, bits, node_index, node_depth, offset, num, 0, 0};
    set_extra(0, ROOT);
    harness_regs_t r = invoke(u, KAAL_INV_UNTYPED_RETYPE, 6, 1, mr, false);
    word_t err = note(KAAL_INV_UNTYPED_RETYPE, r);
    if (err == KAAL_NOT_ENOUGH_MEMORY && rn(40) == 0) {
        refill_pool();
    }
    if (err == KAAL_NO_ERROR) {
        cte_t *dest = node_depth == 0 ? slot_of(offset) : cnode_of_cap(cap_at(node_index)) + offset;
        for (word_t i = 0; i < num; i++) {
            cr_assert(!cap_is_null(dest[i].cap), "retype filled its window");
            cr_assert(cap_same_region(cap_at(u), dest[i].cap),
                      "new object inside the untyped: ut %lx/%lx new %lx/%lx (type %lu, i %lu, node %lu/%lu off %lu)",
                      cap_at(u).w0, cap_at(u).w1, dest[i].cap.w0, dest[i].cap.w1, type, i, node_index,
                      node_depth, offset);
        }
        cr_assert(cdt_has_children(slot_of(u)));
        (void)wm;
    }
}

static bool rights_subset(cap_t n, cap_t o)
{
    switch (cap_type(n)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return (cap_rights(n) & ~cap_rights(o)) == 0;
    case CAP_FRAME:
        return (cap_frame_rights(n) & ~cap_frame_rights(o)) == 0;
    default:
        return true;
    }
}

static void op_copy_family(word_t label)
{
    addr_t d = pick_addr(), s = pick_addr();
    cap_t before = s.slot->cap;
    word_t rights = rn(3) == 0 ? KAAL_RIGHTS_ALL : rn(16);
    /* Badges from a small set, so that one capability gets several Mints
     * with the same badge (the derivation tree must keep them apart:
     * revoking one leaves the other). */
    word_t data = rn(3) == 0 ? 0 : 1 + rn(8);
    if (label == KAAL_INV_CNODE_MUTATE && rn(2) == 0) {
        data = rn(4); /* a small guard size, guard 0 */
    }
    word_t mr[8] = {d.index, d.depth, s.index, s.depth, rights, data, 0, 0};
    word_t len = label == KAAL_INV_CNODE_MINT ? 6 : label == KAAL_INV_CNODE_MOVE ? 4 : 5;
    if (label == KAAL_INV_CNODE_MUTATE) {
        mr[4] = data;
    }
    set_extra(0, s.cnode);
    harness_regs_t r = invoke(d.cnode, label, len, 1, mr, false);
    if (note(label, r) != KAAL_NO_ERROR) {
        return;
    }
    cap_t n = d.slot->cap;
    cr_assert(!cap_is_null(n));
    cr_assert(rights_subset(n, before), "derived cap gained rights");
    if (label == KAAL_INV_CNODE_MINT && (cap_type(n) == CAP_ENDPOINT || cap_type(n) == CAP_NOTIFICATION)) {
        cr_assert_eq(cap_badge(before), 0, "minted from a badged cap");
        cr_assert_eq(cap_badge(n), data);
    }
    if (label == KAAL_INV_CNODE_MOVE || label == KAAL_INV_CNODE_MUTATE) {
        cr_assert(cap_is_null(s.slot->cap), "moved away");
    }
}

static void op_rotate(void)
{
    addr_t d = pick_addr(), p = pick_addr(), s = rn(3) == 0 ? d : pick_addr();
    word_t mr[8] = {d.index, d.depth, 0, p.index, p.depth, 0, s.index, s.depth};
    set_extra(0, p.cnode);
    set_extra(1, s.cnode);
    note(KAAL_INV_CNODE_ROTATE, invoke(d.cnode, KAAL_INV_CNODE_ROTATE, 8, 2, mr, false));
}

static void op_target_only(word_t label)
{
    addr_t d = pick_addr();
    word_t mr[8] = {d.index, d.depth, 0, 0, 0, 0, 0, 0};
    bool long_op = label == KAAL_INV_CNODE_DELETE || label == KAAL_INV_CNODE_REVOKE;
    harness_regs_t r = invoke(d.cnode, label, 2, 0, mr, long_op && rn(3) == 0);
    if (note(label, r) != KAAL_NO_ERROR) {
        return;
    }
    if (label == KAAL_INV_CNODE_DELETE) {
        cr_assert(cap_is_null(d.slot->cap), "deleted slot is empty");
    } else if (label == KAAL_INV_CNODE_REVOKE) {
        cr_assert(!cdt_has_children(d.slot), "revoked cap has no children");
        if (cap_type(d.slot->cap) == CAP_UNTYPED) {
            cr_assert_eq(cap_untyped_watermark(d.slot->cap), 0, "revoked untyped is empty");
        }
    }
}

/* A random CNode of the world (never the root CNode itself, so that garbage
 * cannot reach the root task's own capabilities). */
static word_t world_cnode(void)
{
    word_t s = rn(2) == 0 ? find_region_cnode() : 0;
    return s != 0 ? s : w.space[rn(NSPACES)];
}

static void op_garbage(void)
{
    word_t mr[8];
    for (unsigned i = 0; i < 8; i++) {
        word_t c = rn(4);
        mr[i] = c == 0 ? rnd() : c == 1 ? rn(70) : c == 2 ? rn(1u << SPACE_BITS) : rn(8);
    }
    word_t labels[] = {KAAL_INV_UNTYPED_RETYPE, KAAL_INV_CNODE_REVOKE + rn(9), rn(KAAL_INV_NUM_LABELS + 3)};
    word_t label = labels[rn(3)];
    set_extra(0, world_cnode());
    set_extra(1, rn(2) == 0 ? world_cnode() : rnd());
    word_t target = rn(2) == 0 ? world_cnode() : pick_untyped_slot();
    (void)invoke(target, label, rn(10), rn(4), mr, rn(2) == 0);
}

static void step(void)
{
    word_t c = rn(100);
    if (c < 22) {
        op_retype();
    } else if (c < 36) {
        op_copy_family(KAAL_INV_CNODE_COPY);
    } else if (c < 48) {
        op_copy_family(KAAL_INV_CNODE_MINT);
    } else if (c < 54) {
        op_copy_family(KAAL_INV_CNODE_MOVE);
    } else if (c < 58) {
        op_copy_family(KAAL_INV_CNODE_MUTATE);
    } else if (c < 62) {
        op_rotate();
    } else if (c < 78) {
        op_target_only(KAAL_INV_CNODE_DELETE);
    } else if (c < 88) {
        op_target_only(KAAL_INV_CNODE_REVOKE);
    } else if (c < 90) {
        op_target_only(KAAL_INV_CNODE_CANCEL_BADGED_SENDS);
    } else if (c < 91) {
        op_target_only(KAAL_INV_CNODE_SAVE_CALLER);
    } else {
        op_garbage();
    }
}

/* ---- the world ---- */

static void build_world(void)
{
    harness_boot();
    w.e0 = empty_slot(0);
    w.ut = find_untyped(22);
    word_t next = w.e0 + REGION;
    for (unsigned k = 0; k < NSPACES; k++) {
        w.space[k] = next++;
        w.tcb[k] = next++;
        cr_assert_eq(retype_root(w.ut, KAAL_OBJ_CNODE, SPACE_BITS, w.space[k], 1), KAAL_NO_ERROR);
        cr_assert_eq(retype_root(w.ut, KAAL_OBJ_TCB, 0, w.tcb[k], 1), KAAL_NO_ERROR);
        tcb_t *t = tcb_of_cap(cap_at(w.tcb[k]));
        cte_insert(cap_at(w.space[k]), slot_of(w.space[k]), &t->slots[TCB_CTABLE]);
    }
    w.pool = next++;
    cr_assert_eq(retype_root(w.ut, KAAL_OBJ_UNTYPED, 20, w.pool, 1), KAAL_NO_ERROR);
    /* A few untypeds in the region to start from. */
    cr_assert_eq(retype_root(w.pool, KAAL_OBJ_UNTYPED, 16, w.e0, 4), KAAL_NO_ERROR);
    check_invariants();
    const char *m = getenv("KAAL_MODEL");
    model_on = m == NULL || m[0] != '0';
    if (model_on) {
        mdiff_init(); /* the model starts from the abstraction of this world */
        /* The preempting interrupts go to line 8, which has no handler in
         * this world (it only masks itself), and the model compares a
         * preempted operation once it completed, after its restarts. */
        mdiff_allow_interrupts(true);
    }
}

Test(caps_random, hundred_thousand_steps, .timeout = 600, .description = DEFAULT_DESCRIPTION)
{
    uint64_t seed = env_u64("KAAL_RANDOM_SEED", DEFAULT_SEED);
    uint64_t steps = env_u64("KAAL_RANDOM_STEPS", DEFAULT_STEPS);
    rng_seed(&w.rng, seed);
    build_world();
    for (uint64_t i = 0; i < steps; i++) {
        step();
    }
    fprintf(stderr, "# caps_random: seed 0x%lx, %lu steps, %u kernel entries, %u preempted (%u left half done), "
            "%u pool revokes\n", seed, steps, w.entries, w.preempted, w.abandoned, w.pool_revokes);
    if (model_on) {
        mdiff_print_stats();
        cr_assert_gt(mdiff_stats()->compared, mdiff_stats()->steps / 2,
                     "the model compared most operations");
    }
    static const char *const names[KAAL_INV_NUM_LABELS] = {
        [KAAL_INV_UNTYPED_RETYPE] = "Retype", [KAAL_INV_CNODE_COPY] = "Copy",
        [KAAL_INV_CNODE_MINT] = "Mint", [KAAL_INV_CNODE_MOVE] = "Move",
        [KAAL_INV_CNODE_MUTATE] = "Mutate", [KAAL_INV_CNODE_ROTATE] = "Rotate",
        [KAAL_INV_CNODE_DELETE] = "Delete", [KAAL_INV_CNODE_REVOKE] = "Revoke",
        [KAAL_INV_CNODE_CANCEL_BADGED_SENDS] = "CancelBadgedSends",
        [KAAL_INV_CNODE_SAVE_CALLER] = "SaveCaller",
    };
    for (unsigned l = 0; l < KAAL_INV_NUM_LABELS; l++) {
        if (names[l] != NULL && w.tried[l] != 0) {
            char line[160];
            int at = snprintf(line, sizeof(line), "  %-18s %6u tried %6u succeeded; errors 1..10:", names[l],
                              w.tried[l], w.ok[l]);
            for (unsigned e = 1; e < KAAL_NUM_ERRORS && at > 0 && (size_t)at < sizeof(line); e++) {
                at += snprintf(line + at, sizeof(line) - (size_t)at, " %u", w.errs[l][e]);
            }
            fprintf(stderr, "# %s\n", line);
        }
    }
    cr_assert_gt(w.ok[KAAL_INV_UNTYPED_RETYPE], steps / 50, "enough retypes succeeded");
    cr_assert_gt(w.ok[KAAL_INV_CNODE_COPY] + w.ok[KAAL_INV_CNODE_MINT], steps / 50);
    cr_assert_gt(w.ok[KAAL_INV_CNODE_DELETE], steps / 50);
    cr_assert_gt(w.preempted, 0, "some long operations were preempted");

    /* Revoke every untyped the root task holds: all must be empty again. */
    const kaal_bootinfo_t *bi = harness_bootinfo();
    for (word_t s = bi->untyped.start; s < bi->untyped.end; s++) {
        word_t mr[8] = {s, D64, 0, 0, 0, 0, 0, 0};
        cr_assert_eq(rerr(invoke_x(ROOT, KAAL_INV_CNODE_REVOKE, 2, 0, mr, true, false)), KAAL_NO_ERROR);
        cr_assert(!cdt_has_children(slot_of(s)), "untyped slot %lu has children left", s);
        cr_assert_eq(cap_untyped_watermark(cap_at(s)), 0, "untyped slot %lu not empty", s);
    }
    for (word_t s = w.e0; s < w.e0 + REGION + 2 * NSPACES + 1; s++) {
        cr_assert(cap_is_null(cap_at(s)), "slot %lu survived the revoke", s);
    }
    kaal_inv_report_t rep = kaal_invariants_check();
    cr_assert_eq(rep.problems, 0);
    cr_assert_eq(rep.caps, bi->empty.start - 1 + 4, "only the boot capabilities are left");
}
