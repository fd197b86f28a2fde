/*
 * kaal_invariants_check(): the capability and object invariants, checked
 * on the live kernel state, for tests and debug builds. It reports what is
 * broken and never asserts or changes anything.
 *
 * Checked (see invariants.c for how each is found):
 *   - derivation list: prev/next agree both ways, no empty slot is linked,
 *     every capability names memory that exists;
 *   - every non-empty slot inside a CNode, TCB or Zombie object and in the
 *     IRQ table is on the list, and nothing else is (so no slot on the list
 *     lies in freed memory);
 *   - each capability to memory inside an untyped follows that untyped on
 *     the list (so Revoke reaches it); an untyped's children lie below its
 *     watermark and do not overlap; caps to one object are contiguous;
 *   - objects: untyped watermark within size, Zombie counts within the
 *     object, TCB ready-queue and IPC-queue links, endpoint and
 *     notification queues, bound notifications.
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
    word_t unchecked;    /* checks skipped for size (huge CNodes, deep nesting) */
    char msg[KAAL_INV_MAX_MSGS][KAAL_INV_MSG_LEN];
} kaal_inv_report_t;

/* Check every invariant above on the current kernel state. */
kaal_inv_report_t kaal_invariants_check(void);

#endif
