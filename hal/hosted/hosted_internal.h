/*
 * The hosted backend's internals: the machine state `hm` and the
 * functions its files share (one file per job; docs/hal.md lists them).
 * Not part of the HAL contract; core/ never includes it.
 */
#ifndef HOSTED_INTERNAL_H
#define HOSTED_INTERNAL_H

#include "hosted.h"
#include "shared.h"
#include <hal/entry.h>
#include <hal/uctx.h>

#define HOSTED_MAX_EVENTS 64u

struct hosted_event {
    uint64_t time;
    unsigned irq;
};

/* The simulated machine (boot.c; HOSTED_SHARED: one machine for every
 * address-space process). */
struct hosted_machine {
    void *ram;
    uint64_t ram_bytes;
    int ram_fd;
    void *dev;
    int dev_fd;
    bool quiet;
    bool stats;
    char *stats_log;
    size_t stats_len;
    bool user_mode;
    bool allow_rdtsc; /* user code may read the TSC (confine.c) */
    bool guard;       /* --guard: user code in traced processes (guard.c) */
    void (*after_entry)(void); /* cfg.after_entry (entry.c, guard_run.c) */

    uint64_t now;
    uint64_t deadline;
    uint64_t irq_pending, irq_masked, irq_active;
    struct hosted_event events[HOSTED_MAX_EVENTS];
    unsigned nevents;

    uint64_t entries;
    uint64_t work_units;    /* preemption points passed (timer.c) */
    uint64_t host_syscalls;
    uint64_t fills;         /* user-window page fills */
    uint64_t watch_entries; /* entries + fills seen by the last watchdog tick */
    unsigned watch_idle_ticks;

    /* The address space the kernel exits to (procs.c makes a window show it). */
    uint64_t want_root, want_asid;
    bool one_process; /* every address space in this process (procs.c) */

    kaal_fault_info_t fault;

    char *console;
    size_t console_len, console_line;

    void *halt_jmp[5];
    int halt_status;

    uint64_t stop_at; /* cfg.stop_at, UINT64_MAX for none */
    bool stop_trap;
    bool stopped;     /* the run ended at stop_at */
};

extern struct hosted_machine hm;

/* observe.c: the observer (hosted.h), NULL when none; set before any
 * address-space process is forked. */
extern hosted_observer_t hosted_observer;
static inline void hosted_observe_point(unsigned event, uint64_t arg)
{
    if (__builtin_expect(hosted_observer != NULL, 0)) {
        hosted_observer(event, arg);
    }
}
/* The entry's check of cfg.stop_at (observe.c). */
void hosted_stop_reached(void);

/* A range of addresses, in bounded lists (window.c, procs.c). */
struct hosted_range {
    uint64_t lo, hi;
};

/* Append [lo, hi) to the list r[0..*n) of capacity cap. False, with
 * nothing added, when the list is full. */
static inline bool hosted_range_add(struct hosted_range *r, unsigned *n, unsigned cap, uint64_t lo,
                                    uint64_t hi)
{
    if (*n == cap) {
        return false;
    }
    r[*n].lo = lo;
    r[*n].hi = hi;
    (*n)++;
    return true;
}

/* memory.c: RAM and device memory (hal/phys.h) */
void hosted_memory_reset(uint64_t ram_bytes);
/* An anonymous buffer every address-space process shares. */
char *hosted_shared_buffer(size_t size);

/* snapshot.c (hal/console.h hal_debug_snapshot): take cfg's snapshot
 * settings; run: a run (a snapshot prints its line), not the harness. */
void hosted_snapshot_reset(const hosted_config_t *cfg, bool run);

/* console.c (hal/console.h) */
void hosted_console_reset(void);
void hosted_console_flush(void);

/* timer.c (hal/timer.h): pend the timer line if its deadline has come. */
void hosted_timer_poll(void);

/* clock.c: the user clock page (virtual time, read-only for user code) */
void hosted_clock_start(void);    /* the memfd and kaal-sim's writable view; idempotent */
void hosted_clock_map_user(void); /* read-only at HAL_HOSTED_CLOCK_VADDR, once a process */
int hosted_clock_fd(void);        /* the memfd (--guard's user processes map it) */
void hosted_clock_publish(void);  /* hm.now into the page: at every kernel exit */

/* devices.c: the UART and the test device */
void hosted_devices_poll(void);
/* Virtual time of the next timer or device event (UINT64_MAX: none). */
uint64_t hosted_next_event_time(void);

/* gate.S */
extern uintptr_t hosted_kstack_top;
extern uintptr_t hosted_user_rsp; /* the user's rsp at the last gate entry */
extern volatile uint8_t hosted_in_kernel;
void hosted_gate_entry(void);
extern const char hosted_gate_clean[], hosted_gate_read_ret[], hosted_gate_end[];
HAL_NORETURN void hosted_restore_user(struct hal_uctx *c);
/* entry.c: the gate found the user's rsp outside the window. */
HAL_NORETURN void hosted_gate_bad_stack(void);

/* xstate.c: the FP/vector state of each context (XSAVE images) */
extern uint8_t *hosted_cur_xarea; /* the slot of hosted_cur_uctx */
extern uint64_t hosted_xslot_bytes; /* a slot's size */
void hosted_xstate_reset(uint64_t ram_bytes);
uint8_t *hosted_xarea(const struct hal_uctx *c);
void hosted_xstate_init(const struct hal_uctx *c);
void hosted_xstate_from_frame(const struct hal_uctx *c, const void *fpstate);

/* fs.c: the FS base (user TLS) of this process */
void hosted_fs_start(void);
void hosted_fs_user(uint64_t base); /* load base for user code */
void hosted_fs_kernel(void);        /* load kaal-sim's own, before any libc call */

/* guard.c: --guard, user code in processes of its own */
void hosted_guard_start(void);
void hosted_guard_stop(void);
HAL_NORETURN void hosted_guard_run(void); /* the kernel exit, for ever */
void hosted_guard_flush(uint64_t asid, uint64_t lo, uint64_t hi);
void hosted_guard_flush_asid(uint64_t asid);
/* c's slot was reset (xstate.c): no process holds c's state any more. */
void hosted_guard_xstate_reset(const struct hal_uctx *c);

/* confine.c: seccomp filter, TSC and ptrace rules for user code */
void hosted_confine(bool allow_rdtsc, bool debuggable);
void hosted_confine_end(void);

/* entry.c: kernel entries and the exit to user */
extern struct hal_uctx *hosted_cur_uctx; /* the context gate.S saves into */
void hosted_set_current(struct hal_uctx *c); /* hosted_cur_uctx and its xarea */
void hosted_entry_begin(void);           /* what every kernel entry does first */
void hosted_after_entry(void);           /* what every kernel exit does: cfg.after_entry */
HAL_NORETURN void hosted_kernel_exit(void);
HAL_NORETURN void hosted_syscall_entry(void);
HAL_NORETURN void hosted_fault_entry(void);
HAL_NORETURN void hosted_preempt_entry(void);

/* uctx.c: the registers of a signal's ucontext into hosted_cur_uctx */
struct ucontext_t;
void hosted_uctx_save(struct ucontext_t *uc);

/* window.c: the user window of this process */
struct hosted_fill {
    uint64_t vbase, size, off;
    int fd, prot;
    bool writable;
};
bool hosted_in_window(uintptr_t a);
/* The mapping that makes the access at addr allowed in address space
 * root (the frame's whole page, the RAM or device memfd and offset, the
 * rights); false: the access is a VM fault. */
bool hosted_window_lookup(uint64_t root, uintptr_t addr, bool write, bool exec,
                          struct hosted_fill *f);
bool hosted_window_fill(uintptr_t addr, bool write, bool exec);
void hosted_window_prefill(uint64_t pc, uint64_t sp); /* one-process mode (gdb) */
void hosted_window_clear(uint64_t lo, uint64_t hi);
void hosted_window_empty(void);
void hosted_window_forget(void);
void hosted_window_reset(void);

/* trap.c: signals as traps, and the watchdog */
void hosted_traps_start(void);
void hosted_traps_stop(void);
void hosted_watchdog_start(void);

/* debugbp.c: software breakpoints in user code for gdb (the table gdb's
 * extension fills; docs/debugging.md) */
#define HOSTED_DEBUG_BPS 256u
enum { HOSTED_DEBUG_BP_FREE, HOSTED_DEBUG_BP_INSERTED, HOSTED_DEBUG_BP_LIFTED };
struct hosted_debug_bp {   /* layout read and written by tools/gdb/kaal_gdb/softbp.py */
    uint64_t vaddr;        /* where the breakpoint's program has it */
    uint64_t root;         /* that program's VSpace root */
    uint64_t paddr;        /* the byte in RAM */
    uint32_t state;        /* HOSTED_DEBUG_BP_*: the int3 in RAM, or lifted (the original) */
    uint32_t hits;         /* hits in root's address space */
    uint8_t orig;          /* the byte the int3 replaces */
    uint8_t pad[7];
};
extern struct hosted_debug_bp hosted_debug_bps[HOSTED_DEBUG_BPS];
extern volatile uint32_t hosted_debug_pending;  /* breakpoints wait for their program */
extern volatile uint32_t hosted_debug_active;   /* the extension has breakpoints */
void hosted_debug_exit_to_user(void);
void hosted_debug_resolve_hook(void);

/* usermode.c */
void hosted_user_start(void);
void hosted_user_stop(void);
/* ASan builds: clear the stale poison of the kernel and signal stacks
 * (each entry starts them afresh); a no-op otherwise. */
void hosted_stacks_unpoison(void);

/* procs.c: one host process per address space */
void hosted_procs_start(bool one_process);
void hosted_procs_stop(void);
/* Make this process's window show (root, asid): may hand the CPU to the
 * process of that address space and return when this process runs user
 * code again (it then restores hosted_cur_uctx). */
void hosted_procs_switch(uint64_t root, uint64_t asid);
uint64_t hosted_procs_root(void); /* shown by this process's window; 0: none */
void hosted_procs_flush(uint64_t asid, uint64_t lo, uint64_t hi);
void hosted_procs_flush_asid(uint64_t asid);
/* In an address-space process other than the original: hand the halt to
 * the original and never return. Elsewhere: return at once. */
void hosted_procs_halt(int status);

#endif
