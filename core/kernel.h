/*
 * The kernel's global state, in one explicit structure so that a test or
 * the fuzzer can boot a fresh kernel many times in one process
 * (kaal_boot() resets every field). Nothing else in core/ is static and
 * mutable.
 */
#ifndef KAAL_KERNEL_H
#define KAAL_KERNEL_H

#include "kprintf.h"
#include "objects.h"
#include "util.h"
#include <hal/entry.h>
#include <hal/boot.h>
#include <kaal/bootinfo.h>

#define KAAL_ASID_POOL_BITS 9u /* 512 ASIDs per pool */
#define KAAL_ASID_HIGH_BITS 7u /* 128 pools: 16-bit ASIDs */
#define KAAL_NUM_ASID_POOLS (1u << KAAL_ASID_HIGH_BITS)
/* Time, as seL4 non-MCS: a periodic timer tick (CONFIG_TIMER_TICK_MS) that
 * charges the thread running when it comes, and a round-robin slice of
 * KAAL_TIME_SLICE_TICKS ticks (CONFIG_TIME_SLICE); core/sched.h. */
#define KAAL_TICK_NS 1000000ull /* 1 ms timer tick */
#define KAAL_TIME_SLICE_TICKS 5u /* the round-robin slice, in timer ticks */
#define KAAL_TIME_SLICE_NS (KAAL_TIME_SLICE_TICKS * KAAL_TICK_NS) /* 5 ms */

enum irq_state {
    IRQ_INACTIVE = 0,   /* no handler issued */
    IRQ_SIGNAL = 1,     /* handler issued: delivered to its notification */
    IRQ_TIMER = 2,      /* the kernel's own timer */
    IRQ_RESERVED = 3,   /* not available to users */
};

typedef struct asid_pool {
    paddr_t vspace[1u << KAAL_ASID_POOL_BITS]; /* root table of each ASID, or 0 */
} asid_pool_t;

struct ready_queue {
    tcb_t *head;
    tcb_t *tail;
};

struct kstate {
    tcb_t *cur;             /* thread whose context is live */
    uint32_t resched;       /* choose a thread again at the next kernel exit */
    uint32_t fastpath_off;  /* Call/ReplyRecv fast paths off (fastpath.h; kaal_boot: on,
                               0); next to resched: one load pair tests both, and
                               the two fit the word resched had alone (the offsets
                               of the scheduler's arrays below stay as they were) */
    uint64_t timer_deadline; /* the next tick, HAL ticks; UINT64_MAX: stopped (idle) */

    struct ready_queue ready[KAAL_NUM_PRIOS];
    uint64_t ready_l1;      /* bit i: some queue in ready_l2[i] non-empty */
    uint64_t ready_l2[KAAL_NUM_PRIOS / 64];
    uint64_t tick_hal_ticks; /* KAAL_TICK_NS in HAL ticks (sched_init) */
    /* Generation of the threads' cached address spaces (tcb_t vs_gen;
     * never 0, so a new TCB's cache is invalid): bumped whenever what
     * vspace_activate_thread finds may change, i.e. an ASID pool entry is
     * set (Assign) or cleared (a VSpace's or pool's last cap deleted), a
     * VSpace cap is deleted from any slot, or a TCB slot is installed
     * (vspace_invalidate_cached, vspace.h; issue 22). */
    word_t vspace_gen;

    uint8_t irq_state[HAL_NUM_IRQS];
    cte_t irq_slots[HAL_NUM_IRQS]; /* notification cap of each IRQ handler */

    paddr_t asid_table[KAAL_NUM_ASID_POOLS]; /* pool object of each high ASID */

    tcb_t idle;             /* the idle thread: never in a queue */
    paddr_t ram_base, ram_end;
    hal_mem_region_t kernel_mem[HAL_MAX_MEM_REGIONS]; /* the kernel's own RAM (boot info) */
    unsigned num_kernel_mem;
    word_t interrupts;      /* interrupt entries since boot (statistics; the model's
                               differential check: a step took none it expected) */
    word_t fastpath_hits[2]; /* syscalls the fast paths completed (statistics; counted
                                where KAAL_FASTPATH_STATS, fastpath.h) */
    word_t booted;
};

extern struct kstate ks;

#endif
