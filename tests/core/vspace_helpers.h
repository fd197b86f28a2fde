/*
 * Fixtures of the address-space tests (test_vspace): a fresh kernel,
 * objects retyped into the next free root slot, the Frame / PageTable /
 * ASID invocations as one-line calls, tables down to a level for VA, and
 * check_vspace(), which holds the page tables against the frame caps.
 * vspace_fixture() / vspace_fixture_mapped() are the common start of the
 * mapping tests.
 */
#ifndef KAAL_TEST_VSPACE_HELPERS_H
#define KAAL_TEST_VSPACE_HELPERS_H

#include "harness.h"
#include "asid.h"
#include "cdt.h"
#include "invariants.h"
#include "vspace.h"
#include <criterion/criterion.h>

#define ROOT_DEPTH 64u
#define VA (HAL_USER_VADDR_BASE + 0x8000000ull) /* 2 MiB aligned, inside the window */

static word_t next_free; /* next free root CNode slot (retype) */

static inline void boot(unsigned mib)
{
    harness_boot_ram(mib);
    next_free = harness_bootinfo()->empty.start;
}

/* Slot index of the largest non-device untyped. */
static inline word_t big_untyped(void)
{
    const kaal_bootinfo_t *bi = harness_bootinfo();
    word_t best = 0;
    unsigned best_bits = 0;
    for (word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits > best_bits) {
            best_bits = u->size_bits;
            best = bi->untyped.start + i;
        }
    }
    cr_assert_neq(best, 0, "no untyped");
    return best;
}

static inline word_t label(harness_regs_t r) { return kaal_msginfo_label(r.info); }

/* Retype one object of `type` (size user_bits) into the next free slot. */
static inline word_t retype_bits(word_t type, word_t user_bits)
{
    word_t slot = next_free++;
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    b->msg[4] = slot;
    b->msg[5] = 1;
    b->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
    harness_regs_t r = harness_invoke(big_untyped(), KAAL_INV_UNTYPED_RETYPE, 6, 1, type, user_bits, 0, 0);
    cr_assert_eq(label(r), KAAL_NO_ERROR, "retype of type %lu failed: %lu", type, label(r));
    return slot;
}
static inline word_t retype(word_t type) { return retype_bits(type, 0); }

/* Retype one object of `type` into the given empty slot. */
static inline void b_retype_into(word_t slot, word_t type)
{
    word_t saved = next_free;
    next_free = slot;
    (void)retype(type);
    next_free = saved;
}

static inline cap_t cap_at(word_t slot) { return harness_slot(slot)->cap; }

/* Invoke slot with label, args and up to two extra caps (0 = none). */
static inline harness_regs_t inv(word_t slot, word_t lbl, word_t len, word_t x0, word_t x1,
                                 word_t a0, word_t a1, word_t a2, word_t a3)
{
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    b->caps_or_badges[0] = x0;
    b->caps_or_badges[1] = x1;
    word_t nx = x1 != 0 ? 2 : x0 != 0 ? 1 : 0;
    return harness_invoke(slot, lbl, len, nx, a0, a1, a2, a3);
}

static inline word_t frame_map(word_t frame, word_t vs, vaddr_t va, word_t rights, word_t attr)
{
    return label(inv(frame, KAAL_INV_FRAME_MAP, 3, vs, 0, va, rights, attr, 0));
}
static inline word_t table_map(word_t table, word_t vs, vaddr_t va)
{
    return label(inv(table, KAAL_INV_PAGE_TABLE_MAP, 2, vs, 0, va, 0, 0, 0));
}
static inline word_t assign(word_t pool, word_t vs)
{
    return label(inv(pool, KAAL_INV_ASID_POOL_ASSIGN, 0, vs, 0, 0, 0, 0, 0));
}
static inline word_t cnode_delete(word_t slot)
{
    return label(harness_invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_DELETE, 2, 0, slot, ROOT_DEPTH, 0, 0));
}

/* A fresh VSpace with an ASID from the initial pool. */
static inline word_t new_vspace(void)
{
    word_t vs = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(KAAL_CAP_INIT_ASID_POOL, vs), KAAL_NO_ERROR);
    cr_assert(cap_vspace_has_asid(cap_at(vs)));
    return vs;
}

typedef struct tables {
    word_t pud, pd, pt;
} tables_t;

/* Tables down to `depth` (1 PUD, 2 +PD, 3 +PT) for VA in vs. */
static inline tables_t new_tables(word_t vs, unsigned depth)
{
    tables_t t = {0, 0, 0};
    t.pud = retype(KAAL_OBJ_PAGE_UPPER_DIR);
    cr_assert_eq(table_map(t.pud, vs, VA), KAAL_NO_ERROR);
    if (depth >= 2) {
        t.pd = retype(KAAL_OBJ_PAGE_DIRECTORY);
        cr_assert_eq(table_map(t.pd, vs, VA), KAAL_NO_ERROR);
    }
    if (depth >= 3) {
        t.pt = retype(KAAL_OBJ_PAGE_TABLE);
        cr_assert_eq(table_map(t.pt, vs, VA), KAAL_NO_ERROR);
    }
    return t;
}

static inline bool lookup(word_t vs, vaddr_t va, kaal_vspace_walk_t *w)
{
    return kaal_vspace_lookup(cap_paddr(cap_at(vs)), va, w);
}

/* Invariant: every user-accessible leaf of vs's tables is recorded by a
 * mapped frame capability in the root CNode (same ASID, vaddr, object),
 * and every mapped frame capability with a live ASID whose entry names it
 * agrees with that entry. */
static inline void check_vspace(word_t vs)
{
    cap_t v = cap_at(vs);
    word_t asid = cap_vspace_asid(v);
    cte_t *cn = harness_slot(0);
    kaal_inv_report_t rep = kaal_invariants_check();
    cr_assert_eq(rep.problems, 0, "kernel invariants: %s", rep.msg[0]);
    cr_assert(vspace_asid_table_well_formed());
    for (word_t s = 0; s < (1u << KAAL_ROOT_CNODE_BITS); s++) {
        cap_t c = cn[s].cap;
        cr_assert(vspace_cap_well_formed(c), "slot %lu: cap 0x%lx 0x%lx ill-formed", s, c.w0, c.w1);
        if (cap_type(c) != CAP_FRAME || !cap_frame_mapped(c) || cap_mapped_asid(c) != asid) {
            continue;
        }
        pte_t *e = vspace_entry_of_cap(c);
        kaal_vspace_walk_t w;
        if (e != NULL && (*e & PTE_AP_EL0) != 0) {
            cr_assert(lookup(vs, cap_mapped_vaddr(c), &w), "slot %lu: entry but no walk", s);
            cr_assert_eq(w.paddr, cap_paddr(c), "slot %lu maps 0x%lx, walk finds 0x%lx", s,
                         cap_paddr(c), w.paddr);
        }
    }
    /* Reverse: walk a few interesting addresses. */
    vaddr_t probes[] = {VA, VA + 0x1000, VA + 0x200000, HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP - 0x1000};
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(probes); i++) {
        kaal_vspace_walk_t w;
        if (!lookup(vs, probes[i], &w)) {
            continue;
        }
        bool found = false;
        for (word_t s = 0; s < (1u << KAAL_ROOT_CNODE_BITS) && !found; s++) {
            cap_t c = cn[s].cap;
            found = cap_type(c) == CAP_FRAME && cap_frame_mapped(c) && cap_mapped_asid(c) == asid &&
                    cap_mapped_vaddr(c) == w.vbase && cap_paddr(c) == w.paddr;
        }
        cr_assert(found, "mapping at 0x%lx (frame 0x%lx) has no frame cap", probes[i], w.paddr);
    }
}

/* A fresh kernel, a VSpace with tables down to `depth` for VA (see
 * new_tables) and an unmapped 4 KiB frame. */
typedef struct vspace_fixture {
    word_t vs;
    tables_t t;
    word_t f;
} vspace_fixture_t;

static inline vspace_fixture_t vspace_fixture(unsigned depth)
{
    vspace_fixture_t v;
    boot(0);
    v.vs = new_vspace();
    v.t = new_tables(v.vs, depth);
    v.f = retype(KAAL_OBJ_FRAME_4K);
    return v;
}

/* The same with the frame mapped read-only at VA. */
static inline vspace_fixture_t vspace_fixture_mapped(unsigned depth)
{
    vspace_fixture_t v = vspace_fixture(depth);
    cr_assert_eq(frame_map(v.f, v.vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    return v;
}

#endif
