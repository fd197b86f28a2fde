/*
 * Helpers of the capability tests (test_cspace, test_cnode, test_untyped,
 * test_caps_random): CNode and Untyped invocations from the root thread
 * through the harness, with arguments laid out as libkaal lays them out
 * (docs/abi.md), and the invariant check as a Criterion assertion.
 *
 * The root CNode is slot KAAL_CAP_INIT_CNODE; with its 52-bit guard a slot
 * number is a full 64-bit capability pointer, so "slot s of the root CNode"
 * is (cptr s, depth 64) everywhere below.
 */
#ifndef KAAL_TEST_CAPS_HELPERS_H
#define KAAL_TEST_CAPS_HELPERS_H

#include "harness.h"
#include "cdt.h"
#include "invariants.h"
#include "hosted.h"
#include <criterion/criterion.h>
#include <stdio.h>

#define ROOT KAAL_CAP_INIT_CNODE
#define D64 64u

/* Error code of a reply (its label). */
static inline word_t rerr(harness_regs_t r) { return kaal_msginfo_label(r.info); }

/* Invoke, re-issuing the syscall while the kernel asks for a restart (a
 * preempted long operation rolls the PC back to the syscall). Returns the
 * reply; *restarts counts the re-issues. */
static inline harness_regs_t caps_invoke_n(word_t cptr, word_t label, word_t len, word_t extra,
                                           const word_t mr[8], unsigned *restarts)
{
    harness_regs_t r = {0};
    unsigned n = 0;
    for (unsigned i = 0; i < 1000000u; i++) {
        kaal_ipc_buffer_t *b = harness_ipcbuf();
        for (unsigned j = KAAL_MSG_NUM_REGS; j < 8; j++) {
            b->msg[j] = mr[j];
        }
        word_t pc = ks.cur->ctx.r[HAL_R_PC];
        tcb_t *me = ks.cur;
        r = harness_invoke(cptr, label, len, extra, mr[0], mr[1], mr[2], mr[3]);
        if (ks.cur != me || me->ctx.r[HAL_R_PC] != pc || me->state != TS_RUNNING) {
            break;
        }
        n++;
    }
    if (restarts != NULL) {
        *restarts = n;
    }
    return r;
}

static inline harness_regs_t caps_invoke(word_t cptr, word_t label, word_t len, word_t extra,
                                         const word_t mr[8])
{
    return caps_invoke_n(cptr, label, len, extra, mr, NULL);
}

static inline void set_extra(unsigned i, word_t cptr) { harness_ipcbuf()->caps_or_badges[i] = cptr; }

/* ---- Untyped ---- */
static inline harness_regs_t ut_retype(word_t ut, word_t type, word_t bits, word_t root, word_t index,
                                       word_t depth, word_t offset, word_t num)
{
    word_t mr[8] = {type, bits, index, depth, offset, num, 0, 0};
    set_extra(0, root);
    return caps_invoke(ut, KAAL_INV_UNTYPED_RETYPE, 6, 1, mr);
}
/* Retype into root CNode slots [slot, slot + num). */
static inline word_t retype_root(word_t ut, word_t type, word_t bits, word_t slot, word_t num)
{
    return rerr(ut_retype(ut, type, bits, ROOT, 0, 0, slot, num));
}

/* ---- CNode (all on the root CNode, depth 64) ---- */
static inline harness_regs_t cn_op2(word_t cnode, word_t label, word_t index, word_t depth)
{
    word_t mr[8] = {index, depth, 0, 0, 0, 0, 0, 0};
    return caps_invoke(cnode, label, 2, 0, mr);
}
static inline word_t cn_delete(word_t slot) { return rerr(cn_op2(ROOT, KAAL_INV_CNODE_DELETE, slot, D64)); }
static inline word_t cn_revoke(word_t slot) { return rerr(cn_op2(ROOT, KAAL_INV_CNODE_REVOKE, slot, D64)); }
static inline word_t cn_save_caller(word_t slot)
{
    return rerr(cn_op2(ROOT, KAAL_INV_CNODE_SAVE_CALLER, slot, D64));
}
static inline word_t cn_cancel_badged(word_t slot)
{
    return rerr(cn_op2(ROOT, KAAL_INV_CNODE_CANCEL_BADGED_SENDS, slot, D64));
}
static inline harness_regs_t cn_copy_x(word_t cnode, word_t di, word_t dd, word_t sroot, word_t si,
                                       word_t sd, word_t rights)
{
    word_t mr[8] = {di, dd, si, sd, rights, 0, 0, 0};
    set_extra(0, sroot);
    return caps_invoke(cnode, KAAL_INV_CNODE_COPY, 5, 1, mr);
}
static inline word_t cn_copy(word_t dest, word_t src, word_t rights)
{
    return rerr(cn_copy_x(ROOT, dest, D64, ROOT, src, D64, rights));
}
static inline harness_regs_t cn_mint_x(word_t cnode, word_t di, word_t dd, word_t sroot, word_t si,
                                       word_t sd, word_t rights, word_t data)
{
    word_t mr[8] = {di, dd, si, sd, rights, data, 0, 0};
    set_extra(0, sroot);
    return caps_invoke(cnode, KAAL_INV_CNODE_MINT, 6, 1, mr);
}
static inline word_t cn_mint(word_t dest, word_t src, word_t rights, word_t data)
{
    return rerr(cn_mint_x(ROOT, dest, D64, ROOT, src, D64, rights, data));
}
static inline word_t cn_move(word_t dest, word_t src)
{
    word_t mr[8] = {dest, D64, src, D64, 0, 0, 0, 0};
    set_extra(0, ROOT);
    return rerr(caps_invoke(ROOT, KAAL_INV_CNODE_MOVE, 4, 1, mr));
}
static inline word_t cn_mutate(word_t dest, word_t src, word_t data)
{
    word_t mr[8] = {dest, D64, src, D64, data, 0, 0, 0};
    set_extra(0, ROOT);
    return rerr(caps_invoke(ROOT, KAAL_INV_CNODE_MUTATE, 5, 1, mr));
}
static inline word_t cn_rotate(word_t dest, word_t pivot, word_t pivot_data, word_t src, word_t src_data)
{
    word_t mr[8] = {dest, D64, pivot_data, pivot, D64, src_data, src, D64};
    set_extra(0, ROOT);
    set_extra(1, ROOT);
    return rerr(caps_invoke(ROOT, KAAL_INV_CNODE_ROTATE, 8, 2, mr));
}

/* ---- state ---- */
static inline cte_t *slot_of(word_t s) { return harness_slot(s); }
static inline cap_t cap_at(word_t s) { return harness_slot(s)->cap; }
static inline word_t empty_slot(unsigned i) { return harness_bootinfo()->empty.start + i; }

/* An untyped of at least `bits` (non-device), or fail. */
static inline word_t find_untyped(unsigned bits)
{
    const kaal_bootinfo_t *bi = harness_bootinfo();
    for (word_t s = bi->untyped.start; s < bi->untyped.end; s++) {
        cap_t c = cap_at(s);
        if (!cap_untyped_device(c) && cap_untyped_bits(c) >= bits) {
            return s;
        }
    }
    cr_assert_fail("no untyped of %u bits", bits);
    return 0;
}

static inline word_t find_device_untyped(void)
{
    const kaal_bootinfo_t *bi = harness_bootinfo();
    for (word_t s = bi->untyped.start; s < bi->untyped.end; s++) {
        if (cap_untyped_device(cap_at(s))) {
            return s;
        }
    }
    return 0;
}

/* Assert every invariant holds, printing the first problems if not. */
#define check_invariants()                                                                     \
    do {                                                                                       \
        kaal_inv_report_t rep_ = kaal_invariants_check();                                      \
        cr_assert_eq(rep_.problems, 0, "%u invariant problems: %s | %s | %s | %s", rep_.problems, \
                     rep_.nmsgs > 0 ? rep_.msg[0] : "", rep_.nmsgs > 1 ? rep_.msg[1] : "",      \
                     rep_.nmsgs > 2 ? rep_.msg[2] : "", rep_.nmsgs > 3 ? rep_.msg[3] : "");     \
    } while (0)

#endif
