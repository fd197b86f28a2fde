/* Chunked, preemptible Retype (core/untyped.h "Clearing is chunked and
 * preemptible"): a Retype whose preemption check fires every N checks is
 * preempted, restarted, and ends exactly as the same Retype run in one go;
 * the new objects' memory is zero even over dirty RAM; between restarts no
 * capability to the new objects exists, the watermark has not moved, the
 * clearing record is within its bounds and vouches only for zero bytes,
 * and the kernel invariants hold; a preempted Retype followed by Revoke,
 * Delete, a different Retype or a forged record stays consistent.
 *
 * The preemption source: this executable is linked with
 * -Wl,--wrap=hal_irq_pending (tests/core/meson.build), so every call of
 * the HAL's preemption check in the kernel goes through
 * __wrap_hal_irq_pending below, which raises the test device's line 8 at
 * the N-th call after the test arms it (a real interrupt, taken by the
 * kernel on its way out), then answers as the HAL does. The tests arm it
 * before every kernel entry, so each entry of a long Retype clears N
 * chunks (N - 1 checks say no, the N-th yes). */
#include "caps_helpers.h"
#include "objtype.h"
#include "untyped.h"
#include "hosted_internal.h"
#include <hal/irq.h>
#include <string.h>

bool __real_hal_irq_pending(void);
bool __wrap_hal_irq_pending(void);

static unsigned fire_at; /* 0: never */
static unsigned fire_count;
static unsigned checks_seen;

bool __wrap_hal_irq_pending(void)
{
    checks_seen++;
    if (fire_at != 0 && ++fire_count == fire_at) {
        fire_at = 0; /* once per arming: the exit path must not loop */
        hal_irq_mask(8, false); /* the kernel masks it again on delivery */
        hm.irq_pending |= 1ull << 8; /* the test device's line, raised now */
    }
    return __real_hal_irq_pending();
}

/* Raise the interrupt at the n-th preemption check from now (0: never). */
static void preempt_every_n(unsigned n)
{
    fire_at = n;
    fire_count = 0;
}

static word_t ut; /* a 16 MiB-or-more untyped */
static word_t e0; /* first empty slot */

static void setup(void)
{
    preempt_every_n(0);
    harness_boot();
    /* the only preemption source is the test device: the 1 ms timer tick
     * (core/sched.h) would preempt a long Retype meant to run in one go */
    hal_irq_mask(hal_irq_timer(), true);
    ut = find_untyped(24);
    e0 = empty_slot(0);
    check_invariants();
}

TestSuite(untyped_preempt, .init = setup);

/* MR4.. in the IPC buffer, extra cap 0 the root CNode (caps_invoke_n). */
static void set_mrs(const word_t mr[8])
{
    for (unsigned j = KAAL_MSG_NUM_REGS; j < 8; j++) {
        harness_ipcbuf()->msg[j] = mr[j];
    }
    set_extra(0, ROOT);
}

static uint8_t *kv(paddr_t pa) { return hal_phys_to_kvirt(pa); }
static word_t ut_size(word_t s) { return KAAL_BIT(cap_untyped_bits(cap_at(s))); }

/* Fill the free part of untyped s (above its watermark) with 0xa5, as RAM
 * left over by earlier objects would be. */
static void dirty_free(word_t s)
{
    cap_t u = cap_at(s);
    word_t wm = cap_untyped_watermark(u);
    memset(kv(cap_paddr(u) + wm), 0xa5, (size_t)(ut_size(s) - wm));
}

/* Index of the first non-zero byte of [pa, pa + n), or n. */
static word_t first_nonzero(paddr_t pa, word_t n)
{
    const uint8_t *p = kv(pa);
    for (word_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return i;
        }
    }
    return n;
}

/* What a preempted Retype from untyped s may leave (untyped.h): no new
 * capability in [dest, dest + num), the watermark wm_expect, the mark set
 * with a record in bounds whose cleared prefix is zero. */
static void check_preempted_state(word_t s, word_t wm_expect, word_t dest, word_t num)
{
    cap_t u = cap_at(s);
    for (word_t i = 0; i < num; i++) {
        cr_assert(cap_is_null(cap_at(dest + i)), "slot %lu filled before the clearing ended", dest + i);
    }
    cr_assert_eq(cap_untyped_watermark(u), wm_expect, "watermark moved while preempted");
    cr_assert(cap_untyped_clearing(u), "preempted Retype left no clearing mark");
    word_t start, pos;
    cr_assert(untyped_clearing_record(u, &start, &pos), "clearing record out of its bounds");
    cr_assert_geq(start, wm_expect);
    cr_assert_leq(pos, ut_size(s));
    /* [start, pos) zero, but for the record's own 16 bytes at the watermark */
    paddr_t base = cap_paddr(u);
    word_t from = start;
    if (start < wm_expect + 16u) {
        from = wm_expect + 16u < pos ? wm_expect + 16u : pos;
    }
    if (pos - from > KAAL_BIT(24)) {
        from = pos - KAAL_BIT(24); /* (the 1 GiB case: the last 16 MiB) */
    }
    word_t nz = first_nonzero(base + from, pos - from);
    cr_assert_eq(nz, pos - from, "record vouches for a dirty byte at offset %lu", from + nz);
    check_invariants();
}

/* The preemption checks a syscall makes outside any chunk loop (the
 * kernel exit's): those of a Delete of an empty slot. */
static unsigned exit_checks(void)
{
    unsigned seen = checks_seen;
    cr_assert_eq(cn_delete(e0 + 300), KAAL_NO_ERROR);
    return checks_seen - seen;
}

/* Retype from untyped s into root slots [dest, dest + num) with the
 * preemption check firing every n checks (0: never); every restart is
 * checked with check_preempted_state. Returns the number of restarts;
 * *err the final error code. */
static unsigned retype_preempted(word_t s, word_t type, word_t bits, word_t dest, word_t num, unsigned n,
                                 word_t *err)
{
    word_t mr[8] = {type, bits, 0, 0, dest, num, 0, 0};
    /* a reset (no children) restarts from watermark 0 */
    word_t wm = cdt_has_children(slot_of(s)) ? cap_untyped_watermark(cap_at(s)) : 0;
    for (unsigned i = 0; i < 5000u; i++) { /* (no test needs 300 restarts) */
        preempt_every_n(n);
        set_mrs(mr);
        word_t pc = ks.cur->ctx.r[HAL_R_PC];
        harness_regs_t r = harness_invoke(s, KAAL_INV_UNTYPED_RETYPE, 6, 1, mr[0], mr[1], mr[2], mr[3]);
        if (ks.cur->ctx.r[HAL_R_PC] != pc) {
            preempt_every_n(0);
            *err = rerr(r);
            check_invariants();
            return i;
        }
        check_preempted_state(s, wm, dest, num);
    }
    cr_assert_fail("Retype never finished");
    return 0;
}

/* The outcome of a Retype, to compare a preempted run with one in one go:
 * the new capabilities, the untyped's watermark, and a digest of the
 * memory from the first object to the untyped's end (objects zero or
 * initialised, the rest left dirty). */
typedef struct outcome {
    cap_t caps[64];
    word_t wm;
    uint64_t digest;
    word_t first_dirty; /* offset of the first non-zero byte in a cleared object, or ~0 */
} outcome_t;

static uint64_t fnv(const uint8_t *p, word_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (word_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ull;
    }
    return h;
}

static outcome_t outcome_of(word_t s, word_t type, word_t dest, word_t num)
{
    outcome_t o = {.first_dirty = ~0ul};
    cap_t u = cap_at(s);
    paddr_t first = cap_paddr(cap_at(dest));
    for (word_t i = 0; i < num && i < 64; i++) {
        cap_t c = cap_at(dest + i);
        o.caps[i] = c;
        word_t size = KAAL_BIT(cap_obj_size_bits(c));
        if (type != KAAL_OBJ_TCB && type != KAAL_OBJ_UNTYPED) {
            word_t nz = first_nonzero(cap_paddr(c), size);
            if (nz != size && o.first_dirty == ~0ul) {
                o.first_dirty = cap_paddr(c) - cap_paddr(u) + nz;
            }
        }
    }
    o.wm = cap_untyped_watermark(u);
    o.digest = fnv(kv(first), cap_paddr(u) + ut_size(s) - first);
    return o;
}

static void same_outcome(const outcome_t *a, const outcome_t *b, word_t num)
{
    for (word_t i = 0; i < num && i < 64; i++) {
        cr_assert(a->caps[i].w0 == b->caps[i].w0 && a->caps[i].w1 == b->caps[i].w1,
                  "cap %lu differs: %lx/%lx vs %lx/%lx", i, a->caps[i].w0, a->caps[i].w1,
                  b->caps[i].w0, b->caps[i].w1);
    }
    cr_assert_eq(a->wm, b->wm, "watermark %lx vs %lx", a->wm, b->wm);
    cr_assert_eq(a->digest, b->digest, "memory differs");
}

/* One request, run in one go and then preempted every n checks, each on a
 * fresh kernel with the same dirty RAM; `prep` objects of 16 bytes are
 * made first (0: the untyped is fresh; with some, the new objects follow
 * padding). */
static void compare_runs(word_t type, word_t bits, word_t num, unsigned n, unsigned prep,
                         unsigned min_restarts)
{
    outcome_t once = {0}, pre = {0};
    for (int run = 0; run < 2; run++) {
        setup();
        if (prep != 0) {
            cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 200, prep), KAAL_NO_ERROR);
        }
        dirty_free(ut);
        word_t err;
        unsigned restarts = retype_preempted(ut, type, bits, e0, num, run == 0 ? 0 : n, &err);
        cr_assert_eq(err, KAAL_NO_ERROR, "type %lu x %lu: error %lu", type, num, err);
        cr_assert(!cap_untyped_clearing(cap_at(ut)), "mark left after the Retype ended");
        outcome_t o = outcome_of(ut, type, e0, num);
        cr_assert_eq(o.first_dirty, ~0ul, "new object memory not zero at offset %lx", o.first_dirty);
        if (run == 0) {
            cr_assert_eq(restarts, 0);
            once = o;
        } else {
            cr_assert_geq(restarts, min_restarts, "type %lu x %lu: only %u restarts", type, num, restarts);
            pre = o;
        }
    }
    same_outcome(&once, &pre, num);
}

Test(untyped_preempt, frames_4k_every_check)
{
    compare_runs(KAAL_OBJ_FRAME_4K, 0, 16, 1, 0, 8);
}

Test(untyped_preempt, frames_4k_after_padding)
{
    /* 3 endpoints first: the frames start at 4 KiB, the record sits in
     * the padding at the watermark */
    compare_runs(KAAL_OBJ_FRAME_4K, 0, 8, 1, 3, 4);
}

Test(untyped_preempt, small_objects_in_one_chunk_never_preempt)
{
    compare_runs(KAAL_OBJ_ENDPOINT, 0, 64, 1, 1, 0);
}

Test(untyped_preempt, cnodes_every_3_checks)
{
    /* 4 CNodes of 2^10 slots: 32 KiB each */
    compare_runs(KAAL_OBJ_CNODE, 10, 4, 3, 0, 10);
}

Test(untyped_preempt, tcbs_and_tables)
{
    compare_runs(KAAL_OBJ_TCB, 0, 32, 2, 1, 2);
    compare_runs(KAAL_OBJ_PAGE_TABLE, 0, 16, 2, 1, 4);
}

Test(untyped_preempt, frames_2m_every_100_checks)
{
    compare_runs(KAAL_OBJ_FRAME_2M, 0, 4, 100, 0, 10);
}

Test(untyped_preempt, untyped_and_device_need_no_clearing)
{
    /* neither a child untyped (its objects are cleared when made) nor
     * device memory is cleared: no chunk loop, memory left as it was */
    dirty_free(ut);
    unsigned base = exit_checks();
    unsigned seen = checks_seen;
    word_t err;
    cr_assert_eq(retype_preempted(ut, KAAL_OBJ_UNTYPED, 22, e0, 2, 0, &err), 0);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert_eq(checks_seen - seen, base, "untypeds made with a chunk loop");
    cr_assert_eq(kv(cap_paddr(cap_at(e0)))[0], 0xa5);
    cr_assert(!cap_untyped_clearing(cap_at(ut)));

    word_t dev = find_device_untyped();
    cr_assert_neq(dev, 0, "the hosted machine has device memory");
    cr_assert_geq(ut_size(dev), 8192u);
    seen = checks_seen;
    cr_assert_eq(retype_preempted(dev, KAAL_OBJ_FRAME_4K, 0, e0 + 2, 2, 0, &err), 0);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert_eq(checks_seen - seen, base, "device frames made with a chunk loop");
    cr_assert(!cap_untyped_clearing(cap_at(dev)));
}

Test(untyped_preempt, reset_of_childless_untyped_resumes)
{
    /* children made, then deleted one by one (not revoked): the watermark
     * stays, the next Retype resets the untyped to 0 first */
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0, 4), KAAL_NO_ERROR);
    for (word_t i = 0; i < 4; i++) {
        memset(cap_ptr(cap_at(e0 + i)), 0x5a, 4096);
        cr_assert_eq(cn_delete(e0 + i), KAAL_NO_ERROR);
    }
    cr_assert_neq(cap_untyped_watermark(cap_at(ut)), 0);
    word_t err;
    unsigned restarts = retype_preempted(ut, KAAL_OBJ_FRAME_4K, 0, e0, 8, 1, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert_geq(restarts, 7);
    cr_assert_eq(cap_paddr(cap_at(e0)), cap_paddr(cap_at(ut)), "reset: objects from offset 0");
    for (word_t i = 0; i < 8; i++) {
        cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0 + i)), 4096), 4096, "frame %lu not zero", i);
    }
}

/* Leave a Retype of num 4 KiB frames from untyped s into dest preempted
 * after about `chunks` chunks; returns the watermark it keeps. */
static word_t abandon_retype(word_t s, word_t dest, word_t num, unsigned chunks)
{
    word_t mr[8] = {KAAL_OBJ_FRAME_4K, 0, 0, 0, dest, num, 0, 0};
    word_t wm = cdt_has_children(slot_of(s)) ? cap_untyped_watermark(cap_at(s)) : 0;
    set_mrs(mr);
    preempt_every_n(chunks);
    word_t pc = ks.cur->ctx.r[HAL_R_PC];
    (void)harness_invoke(s, KAAL_INV_UNTYPED_RETYPE, 6, 1, mr[0], mr[1], mr[2], mr[3]);
    preempt_every_n(0);
    cr_assert_eq(ks.cur->ctx.r[HAL_R_PC], pc, "the Retype was not preempted");
    check_preempted_state(s, wm, dest, num);
    /* the thread gives the restart up (as if its registers were changed
     * before it ran again): back to the instruction after the trap */
    ks.cur->ctx.r[HAL_R_PC] = pc;
    return wm;
}

Test(untyped_preempt, preempted_then_revoke_untyped)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 100, 1), KAAL_NO_ERROR);
    dirty_free(ut);
    abandon_retype(ut, e0, 32, 5);
    cr_assert_eq(cn_revoke(ut), KAAL_NO_ERROR);
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 0);
    cr_assert(!cap_untyped_clearing(cap_at(ut)), "revoke keeps no stale record");
    check_invariants();
    word_t err;
    retype_preempted(ut, KAAL_OBJ_FRAME_4K, 0, e0, 32, 3, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    for (word_t i = 0; i < 32; i++) {
        cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0 + i)), 4096), 4096, "frame %lu not zero", i);
    }
}

Test(untyped_preempt, preempted_then_delete_untyped)
{
    /* a child untyped, preempted inside, then deleted; its parent revoked
     * and retyped over the same bytes */
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 20, e0 + 100, 1), KAAL_NO_ERROR);
    word_t child = e0 + 100;
    dirty_free(child);
    abandon_retype(child, e0, 64, 7);
    cr_assert_eq(cn_delete(child), KAAL_NO_ERROR);
    check_invariants();
    cr_assert_eq(cn_revoke(ut), KAAL_NO_ERROR);
    check_invariants();
    word_t err;
    retype_preempted(ut, KAAL_OBJ_FRAME_4K, 0, e0, 64, 5, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    for (word_t i = 0; i < 64; i++) {
        cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0 + i)), 4096), 4096, "frame %lu not zero", i);
    }
}

Test(untyped_preempt, restart_with_another_request_clears_all)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 100, 1), KAAL_NO_ERROR);
    dirty_free(ut);
    abandon_retype(ut, e0, 16, 3); /* record for start 4 KiB */
    /* another request: one 2 MiB frame starts at 2 MiB; the record's
     * start differs, so it clears everything itself */
    word_t err;
    retype_preempted(ut, KAAL_OBJ_FRAME_2M, 0, e0, 1, 50, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert(!cap_untyped_clearing(cap_at(ut)));
    cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0)), KAAL_BIT(21)), KAAL_BIT(21));
    /* and the first request, restarted now, starts above the frame */
    retype_preempted(ut, KAAL_OBJ_FRAME_4K, 0, e0 + 1, 16, 2, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    for (word_t i = 1; i <= 16; i++) {
        cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0 + i)), 4096), 4096, "frame %lu not zero", i);
    }
}

Test(untyped_preempt, another_request_inside_the_cleared_run_resumes)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 100, 1), KAAL_NO_ERROR);
    dirty_free(ut);
    abandon_retype(ut, e0, 16, 6); /* record {4 KiB, 28 KiB}: cleared */
    word_t start, pos;
    cr_assert(untyped_clearing_record(cap_at(ut), &start, &pos));
    cr_assert_eq(start, 4096);
    cr_assert_geq(pos, 6u * 4096u, "six chunks cleared");
    /* a CNode of 2^8 slots (8 KiB) starts at 8 KiB, inside the run: its
     * region is clear already, so no chunk (and no check) is needed */
    unsigned base = exit_checks();
    unsigned seen = checks_seen;
    word_t err;
    retype_preempted(ut, KAAL_OBJ_CNODE, 8, e0, 1, 0, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert_eq(cap_paddr(cap_at(e0)) - cap_paddr(cap_at(ut)), 8192);
    cr_assert_eq(checks_seen - seen, base, "the cleared run was cleared again");
    cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0)), 8192), 8192, "CNode not zero");
    cr_assert(!cap_untyped_clearing(cap_at(ut)));
    /* the record's bytes (in the padding at the old watermark) are zero */
    cr_assert_eq(first_nonzero(cap_paddr(cap_at(ut)) + 16, 16), 16);
}

Test(untyped_preempt, same_start_fewer_objects_finds_its_region_clear)
{
    dirty_free(ut);
    abandon_retype(ut, e0, 16, 5); /* a reset: record {0, 20 KiB} at 0 */
    unsigned base = exit_checks();
    unsigned seen = checks_seen;
    word_t err;
    retype_preempted(ut, KAAL_OBJ_FRAME_4K, 0, e0, 2, 0, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert_eq(checks_seen - seen, base, "the cleared run was cleared again");
    /* the record sat in the first frame: zeroed before the frame was made */
    for (word_t i = 0; i < 2; i++) {
        cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0 + i)), 4096), 4096, "frame %lu not zero", i);
    }
}

Test(untyped_preempt, error_on_restart_keeps_state_consistent)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 100, 1), KAAL_NO_ERROR);
    word_t wm = abandon_retype(ut, e0, 16, 2);
    /* a destination slot filled meanwhile: the restart fails DeleteFirst
     * and changes nothing */
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 5, 1), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0, 16), KAAL_DELETE_FIRST);
    cr_assert_gt(cap_untyped_watermark(cap_at(ut)), wm);
    check_invariants();
}

Test(untyped_preempt, copy_of_untyped_during_preempted_retype)
{
    /* fresh untyped child, preempted Retype inside (a reset: no children),
     * then copied: the original is full, the copy keeps the record and
     * resumes it */
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 20, e0 + 100, 1), KAAL_NO_ERROR);
    word_t child = e0 + 100;
    dirty_free(child);
    abandon_retype(child, e0, 64, 20);
    cr_assert_eq(cn_copy(e0 + 101, child, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    cr_assert_eq(cap_untyped_watermark(cap_at(child)), KAAL_BIT(20), "original marked full");
    cr_assert(!cap_untyped_clearing(cap_at(child)));
    check_invariants();
    word_t err;
    unsigned seen = checks_seen;
    retype_preempted(e0 + 101, KAAL_OBJ_FRAME_4K, 0, e0, 64, 0, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    /* resumed: fewer than 64 chunks' worth of checks were left */
    cr_assert_lt(checks_seen - seen, 64u, "the copy's Retype redid the cleared chunks");
    for (word_t i = 0; i < 64; i++) {
        cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0 + i)), 4096), 4096, "frame %lu not zero", i);
    }
}

Test(untyped_preempt, forged_record_without_mark_is_ignored)
{
    /* RAM above the watermark that looks like a record (a user wrote it
     * into a frame that is gone now) is not trusted: no mark */
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 100, 1), KAAL_NO_ERROR);
    dirty_free(ut);
    cap_t u = cap_at(ut);
    word_t *rec = (word_t *)(void *)kv(cap_paddr(u) + cap_untyped_watermark(u));
    rec[0] = 4096;
    rec[1] = 4096 * 9;
    cr_assert(!untyped_clearing_record(u, &(word_t){0}, &(word_t){0}));
    word_t err;
    retype_preempted(ut, KAAL_OBJ_FRAME_4K, 0, e0, 8, 0, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    for (word_t i = 0; i < 8; i++) {
        cr_assert_eq(first_nonzero(cap_paddr(cap_at(e0 + i)), 4096), 4096, "frame %lu not zero", i);
    }
}

Test(untyped_preempt, one_chunk_retype_makes_no_check_of_its_own)
{
    /* what the two tests above rely on: a Retype within one chunk makes
     * only the checks any syscall makes */
    unsigned base = exit_checks();
    unsigned seen = checks_seen;
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 4), KAAL_NO_ERROR);
    cr_assert_eq(checks_seen - seen, base);
    seen = checks_seen;
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0 + 4, 2), KAAL_NO_ERROR);
    cr_assert_eq(checks_seen - seen, base + 1u, "two chunks: one check between them");
}

Test(untyped_preempt, every_chunk_is_a_preemption_point)
{
    /* 2 MiB in 4 KiB chunks: 511 checks between the 512 chunks */
    dirty_free(ut);
    unsigned seen = checks_seen;
    word_t err;
    retype_preempted(ut, KAAL_OBJ_FRAME_2M, 0, e0, 1, 0, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert_geq(checks_seen - seen, (KAAL_BIT(21) >> UNTYPED_CLEAR_CHUNK_BITS) - 1u);
}

Test(untyped_preempt, frame_1g_is_preempted_and_zero)
{
    preempt_every_n(0);
    harness_boot_ram(2048 + 64);
    word_t big = find_untyped(30);
    paddr_t base = cap_paddr(cap_at(big));
    /* dirt at the start, middle and end of the first GiB */
    memset(kv(base), 0xa5, 4096);
    memset(kv(base + KAAL_BIT(29)), 0xa5, 4096);
    memset(kv(base + KAAL_BIT(30) - 4096), 0xa5, 4096);
    word_t dest = empty_slot(0), err;
    unsigned restarts = retype_preempted(big, KAAL_OBJ_FRAME_1G, 0, dest, 1, 4096, &err);
    cr_assert_eq(err, KAAL_NO_ERROR);
    cr_assert_geq(restarts, 60u, "1 GiB = 262144 chunks, preempted every 4096 checks");
    cr_assert_eq(cap_frame_size(cap_at(dest)), FRAME_1G);
    cr_assert_eq(first_nonzero(base, 4096), 4096);
    cr_assert_eq(first_nonzero(base + KAAL_BIT(29), 4096), 4096);
    cr_assert_eq(first_nonzero(base + KAAL_BIT(30) - 4096, 4096), 4096);
}

Test(untyped_preempt, invariant_checker_rejects_a_mark_without_record)
{
    /* a mark on an untyped whose record is out of bounds (pos beyond the
     * untyped's end) is reported; with a valid record it is not */
    cap_t u = cap_at(ut);
    word_t *rec = (word_t *)(void *)kv(cap_paddr(u) + cap_untyped_watermark(u));
    rec[0] = 0;
    rec[1] = ut_size(ut) + 4096;
    slot_of(ut)->cap = cap_untyped_set_clearing(u, true);
    kaal_inv_report_t rep = kaal_invariants_check();
    cr_assert_gt(rep.problems, 0, "a mark without a valid record passed the invariant check");
    rec[1] = 4096;
    memset(kv(cap_paddr(u) + 16), 0, 4096 - 16);
    check_invariants();
    slot_of(ut)->cap = cap_untyped_set_clearing(u, false);
}
