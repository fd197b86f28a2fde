/*
 * Internals of the invariant checker (invariants.h), shared by its three
 * files: invariants.c (the derivation list, containers, untyped ranges,
 * derived rights and badges), invariants_vm.c (page tables against frame
 * and page-table capabilities) and invariants_thr.c (threads, ready and
 * IPC queues, reply capabilities, the IRQ table).
 *
 * The external names below carry the kaal_inv_ prefix; the fuzzer compiles
 * these files a second time with each renamed (fuzz/meson.build).
 */
#ifndef KAAL_INVARIANTS_INT_H
#define KAAL_INVARIANTS_INT_H

#include "invariants.h"
#include "capability.h"
#include "kernel.h"

#define INV_STACK 64u
#define INV_MAX_ROOT_UT (KAAL_BI_MAX_UNTYPEDS + 8u)
#define INV_MAX_ORPHANS 4096u

typedef struct inv_ut_frame {
    paddr_t base, end, limit;
} inv_ut_frame_t;

typedef struct inv_region {
    paddr_t base, end;
} inv_region_t;

/* Totals gathered while walking the derivation list, compared afterwards
 * with what the queues, tables and the IRQ table hold. */
typedef struct inv_counts {
    word_t tcbs_ready;        /* TCBs with in_ready_queue set */
    word_t tcbs_ipc_blocked;  /* TCBs blocked on send / receive / notification */
    word_t queued_ipc;        /* entries of every endpoint / notification queue */
    word_t frame_maps;        /* frame caps whose recorded entry is live */
    word_t table_maps;        /* page-table caps whose recorded entry is live */
    word_t frame_entries;     /* valid frame entries reachable from the ASID table */
    word_t table_entries;     /* valid table entries reachable from the ASID table */
} inv_counts_t;

typedef struct inv_ctx {
    kaal_inv_report_t *r;
    inv_ut_frame_t stack[INV_STACK];
    unsigned depth;
    inv_region_t root_ut[INV_MAX_ROOT_UT];
    unsigned nroot_ut;
    inv_region_t orphan[INV_MAX_ORPHANS];
    unsigned norphan;
    word_t contained; /* non-empty slots found inside containers */
    const cte_t *anc[INV_STACK]; /* derivation ancestors of the current slot */
    unsigned nanc;
    uint8_t irq_cap[HAL_NUM_IRQS]; /* an IRQ handler cap names this line */
    inv_counts_t n;
    bool tables_ok; /* ASID table well formed: tables may be walked */
} inv_ctx_t;

/* Record one problem: what, with two values (slot addresses, paddrs...). */
void kaal_inv_problem(inv_ctx_t *c, const char *what, word_t a, word_t b);

static inline word_t kaal_inv_addr(const void *p) { return (word_t)(uintptr_t)p; }

/* invariants_thr.c: one TCB / endpoint / notification (at the first cap of
 * its run), one reply or IRQ-handler cap (every one), and the global
 * checks after the walk (ready queues and bitmap, queue totals, IRQ table,
 * current thread). */
void kaal_inv_check_tcb(inv_ctx_t *c, const tcb_t *t);
void kaal_inv_check_endpoint(inv_ctx_t *c, const endpoint_t *ep);
void kaal_inv_check_notification(inv_ctx_t *c, const notification_t *n);
void kaal_inv_check_reply_cap(inv_ctx_t *c, const cte_t *x);
void kaal_inv_check_irq_cap(inv_ctx_t *c, cap_t cap);
void kaal_inv_check_threads(inv_ctx_t *c);

/* invariants_vm.c: one Frame / PageTable cap (every one), and every entry
 * of every table reachable from the ASID table after the walk. */
void kaal_inv_check_mapping_cap(inv_ctx_t *c, const cte_t *x);
void kaal_inv_check_vspaces(inv_ctx_t *c);

#endif
