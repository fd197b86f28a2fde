/*
 * The tutorial's checked end state (docs/tutorial/README.md, "How an
 * exercise is checked"). Every chapter's program is a root task that runs
 * its steps in order and, after each, asks the kernel whether the step's
 * effect is there (a capability in a slot, a badge that arrives, an object
 * that is gone), not whether the code was written. It prints
 *
 *   ch2: step 1 ok: <what now holds>
 *   ch2: step 2 not done: <what to do> (TODO(ch2.2))
 *   ch2: 1 of 5 steps done
 *
 * and halts the machine with status 0 when every step is done, 1 when one
 * is not. Only the lines "chN: step ..." and the last one are the checked
 * text (tutorial/check.py); lines "chN: info: ..." may name addresses and
 * sizes that differ between kaal-sim and QEMU.
 *
 * Also: a small allocator over BootInfo (free slots from the bottom of the
 * free range, objects from the smallest RAM untyped of at least 1 MiB), so
 * that chapters before chapter 3 can have objects made for them.
 */
#ifndef KAAL_TUTORIAL_H
#define KAAL_TUTORIAL_H

#include <kaal/caps.h>
#include <kaal/kaal.h>
#include <kaal/vspace.h>

/* Type numbers of kaal_cap_type (docs/abi.md "DebugCapIdentify"). */
enum tut_cap_type {
    TUT_CAP_NULL = 0,
    TUT_CAP_UNTYPED = 1,
    TUT_CAP_ENDPOINT = 2,
    TUT_CAP_NOTIFICATION = 3,
    TUT_CAP_CNODE = 5,
    TUT_CAP_TCB = 6,
    TUT_CAP_FRAME = 10,
    TUT_CAP_VSPACE = 12,
};

/* Depth of a slot of the root CNode addressed by its index alone: the
 * root CNode's radix plus guard resolve the whole word. */
#define TUT_DEPTH KAAL_WORD_BITS

typedef struct tut {
    const char *ch;     /* "ch2" */
    unsigned steps;     /* how many the chapter has */
    unsigned done;      /* how many reported ok */
    int stopped;        /* a step was not done: the rest are not tried */
} tut_t;

static inline void tut_begin(tut_t *t, const char *ch, unsigned steps, const char *title)
{
    t->ch = ch;
    t->steps = steps;
    t->done = 0;
    t->stopped = 0;
    kaal_printf("%s: %s (%u steps)\n", ch, title, steps);
}

/* Report step t->done + 1: ok (its effect is there) or not done, with
 * what to do and the TODO marker to look for. Returns ok. */
static inline int tut_step(tut_t *t, int ok, const char *what, const char *todo)
{
    unsigned n = t->done + 1;
    if (t->stopped) {
        return 0;
    }
    if (ok) {
        kaal_printf("%s: step %u ok: %s\n", t->ch, n, what);
        t->done = n;
        return 1;
    }
    kaal_printf("%s: step %u not done: %s (TODO(%s.%u))\n", t->ch, n, todo, t->ch, n);
    t->stopped = 1;
    return 0;
}

/* The last line; the run's status: 0 if every step is done. */
static inline int tut_end(const tut_t *t)
{
    if (t->done == t->steps) {
        kaal_printf("%s: all %u steps done\n", t->ch, t->steps);
        return 0;
    }
    kaal_printf("%s: %u of %u steps done\n", t->ch, t->done, t->steps);
    return 1;
}

/* ---- a small allocator over BootInfo ---- */

typedef struct tut_alloc {
    const kaal_bootinfo_t *bi;
    kaal_word_t next_slot;  /* the next free slot of the root CNode */
    kaal_cptr_t ut;         /* the untyped objects come from */
} tut_alloc_t;

/* Start at the bottom of BootInfo's free slots; pick the smallest RAM
 * untyped of at least 1 MiB. Returns 0, or -1 if there is none. */
static inline int tut_alloc_init(tut_alloc_t *a, const kaal_bootinfo_t *bi)
{
    unsigned bits = 0;
    a->bi = bi;
    a->next_slot = bi->empty.start;
    a->ut = 0;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= 20 && (a->ut == 0 || u->size_bits < bits)) {
            a->ut = bi->untyped.start + i;
            bits = u->size_bits;
        }
    }
    return a->ut != 0 ? 0 : -1;
}

/* A free slot of the root CNode (not checked against the end of the free
 * range: the chapters take a few dozen of thousands). */
static inline kaal_cptr_t tut_slot(tut_alloc_t *a) { return a->next_slot++; }

/* One object of type (and size_bits) from the allocator's untyped, in a
 * fresh slot; the slot, or 0 (printed why). */
static inline kaal_cptr_t tut_object(tut_alloc_t *a, kaal_word_t type, kaal_word_t size_bits)
{
    kaal_cptr_t s = tut_slot(a);
    kaal_word_t err = kaal_untyped_retype(a->ut, type, size_bits, KAAL_CAP_INIT_CNODE, 0, 0, s, 1);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("tutorial: retype of type %lu failed: %s\n", type, kaal_error_name(err));
        return 0;
    }
    return s;
}

/* A 4 KiB frame mapped read-write (never executable) at vaddr in the root
 * task's VSpace, with the translation tables the address still lacks (a
 * thread's IPC buffer; chapter 8 explains the tables: Map answers
 * FailedLookup with the level that is missing in the bits left, 39, 30
 * or 21). The frame's slot, or 0 (printed why). */
static inline kaal_cptr_t tut_map_frame(tut_alloc_t *a, kaal_word_t vaddr)
{
    kaal_cptr_t frame = tut_object(a, KAAL_OBJ_FRAME_4K, 0);
    for (unsigned tries = 0; frame != 0 && tries < 4u; tries++) {
        kaal_word_t err = kaal_frame_map(frame, KAAL_CAP_INIT_VSPACE, vaddr,
                                         KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER);
        if (err == KAAL_NO_ERROR) {
            return frame;
        }
        kaal_word_t bits = kaal_last_reply_mr(2);
        kaal_word_t type = bits == 39u   ? KAAL_OBJ_PAGE_UPPER_DIR
                           : bits == 30u ? KAAL_OBJ_PAGE_DIRECTORY
                                         : KAAL_OBJ_PAGE_TABLE;
        kaal_cptr_t table = err == KAAL_FAILED_LOOKUP ? tut_object(a, type, 0) : 0;
        if (table == 0 || kaal_page_table_map(table, KAAL_CAP_INIT_VSPACE, vaddr, 0) != KAAL_NO_ERROR) {
            kaal_printf("tutorial: mapping a frame at 0x%lx failed: %s\n", vaddr, kaal_error_name(err));
            return 0;
        }
    }
    return 0;
}

#endif
