/*
 * kaal_invariants_check(): the capability and object invariants, checked
 * on the live kernel state, for tests, the fuzzer and debug builds. It
 * reports what is broken and never asserts or changes anything. Nothing is
 * skipped: every capability, every slot of every CNode whatever its size,
 * every table the MMU can reach (docs/verification.md lists each check
 * and the test in tests/core/test_invariants.c that shows it firing).
 *
 * Checked (invariants.c, invariants_thr.c, invariants_vm.c):
 *   - derivation list: prev/next agree both ways, no empty slot is linked,
 *     every capability names memory that exists;
 *   - every non-empty slot inside a CNode, TCB or Zombie object and in the
 *     IRQ table is on the list, and nothing else is (so no slot on the list
 *     lies in freed memory);
 *   - each capability to memory inside an untyped follows that untyped on
 *     the list (so Revoke reaches it); an untyped's children lie below its
 *     watermark and do not overlap; caps to one object are contiguous;
 *   - derivation: no capability holds a right its parent lacks; a badge,
 *     once set, is the same on every capability derived from it;
 *   - threads: TCB slots and states; every runnable thread but the current
 *     one is in exactly the ready queue of its priority and no other thread
 *     is; the ready bitmaps match the queues; every thread blocked on send,
 *     receive or a notification is in the queue of the object it names,
 *     which is in the matching state; bound notifications point back;
 *   - reply capabilities: a master in its own thread's TCB, every other one
 *     the master's only child and only while its thread waits for a reply;
 *   - IRQs: a handler capability exists exactly for the lines issued, and
 *     only those have a notification;
 *   - address spaces: every valid entry reachable from the ASID table is
 *     recorded by a capability (a frame entry by a Frame cap, and granting
 *     no right the caps recording it lack; a table entry by its PageTable
 *     caps), and no entry reaches the kernel's own memory. (One Frame cap
 *     per entry except where seL4 lets a stale cap alias: invariants_vm.c.)
 */
#ifndef KAAL_INVARIANTS_H
#define KAAL_INVARIANTS_H

#include "types.h"

#define KAAL_INV_MAX_MSGS 4u
#define KAAL_INV_MSG_LEN 128u

typedef struct kaal_inv_report {
    unsigned problems;   /* broken invariants found (0: all hold) */
    unsigned nmsgs;      /* messages kept: the first KAAL_INV_MAX_MSGS */
    word_t caps;         /* capabilities on the derivation list */
    word_t slots;        /* slots scanned inside CNode / TCB / Zombie objects */
    word_t unchecked;    /* always 0: nothing is skipped (kept for callers) */
    char msg[KAAL_INV_MAX_MSGS][KAAL_INV_MSG_LEN];
} kaal_inv_report_t;

/* Check every invariant above on the current kernel state. */
kaal_inv_report_t kaal_invariants_check(void);

#endif
