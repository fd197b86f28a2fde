/*
 * The hosted machine: what kaal-sim, the tests and the fuzzer use to run
 * the kernel inside a Linux process.
 *
 * Two modes:
 *  - run (hosted_run): real user programs execute in the user window; the
 *    call returns when the kernel halts, with its status.
 *  - harness (hosted_boot_only + direct kaal_entry_* calls): the kernel is
 *    booted but no user code runs; a test plays the current thread by
 *    writing its registers and calling kaal_entry_syscall() (tests/core/harness.c,
 *    fuzz/). No signal handlers, window or timers are installed.
 */
#ifndef HOSTED_H
#define HOSTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Renders the capability world's DOT text into buf (at most size bytes,
 * cut when full) and returns the bytes the text needs; *objects gets the
 * number of live objects. Called on the kernel path (hosted_observer_t's
 * rules: freestanding code only). */
typedef uint64_t (*hosted_snapshot_fn)(char *buf, uint64_t size, uint64_t *objects);

typedef struct hosted_config {
    uint64_t ram_bytes;        /* default 64 MiB when 0 */
    const void *root_elf;      /* root task image */
    size_t root_elf_size;
    const void *boot_module;   /* boot archive or NULL */
    size_t boot_module_size;
    bool quiet;                /* do not copy the console to stdout */
    bool no_fastpath;          /* run the kernel with its IPC fast paths off */
    bool stats;                /* record counters at console marker lines (below) */
    unsigned root_cnode_bits;  /* log2 slots of the root CNode; 0: the ABI default
                                  (hal_boot_info_t.root_cnode_bits) */
    bool one_process;          /* run every address space in this host process
                                  (for gdb); default: one host process each */
    bool allow_rdtsc;          /* user code may execute rdtsc/rdtscp (default: a
                                  UserException #GP; docs/architecture.md) */
    bool guard;                /* user code in traced host processes that map
                                  nothing of the kernel (docs/architecture.md) */
    void (*after_entry)(void); /* called after every kernel entry, once the
                                  kernel chose the thread to run, on the
                                  kernel stack with the user's FS base (so
                                  freestanding code only; it may hal_halt):
                                  kaal-sim --check-invariants. NULL: none */
    uint64_t stop_at;          /* stop when virtual time reaches this (ns); 0: never
                                  (kaal-sim --stop-at) */
    bool stop_trap;            /* at stop_at raise SIGTRAP and go on (a debugger
                                  stops there) instead of halting */
    hosted_snapshot_fn snapshot_render; /* seL4_DebugSnapshot (hal_debug_snapshot):
                                  the Nth snapshot of a run goes to
                                  "<snapshot_prefix>.N.dot" (kaal-sim --dump-caps;
                                  hal/hosted/snapshot.c). NULL: a one-line note
                                  on stderr only */
    const char *snapshot_prefix;
} hosted_config_t;

/* Observing a run (kaal-sim --trace, --timeline, --stop-at; sim/trace.c).
 * hosted_observe(fn) before hosted_run makes the backend call fn(event,
 * arg) at each point below, on the kernel path: in whichever host process
 * holds the turn, with the user's FS loaded, so fn must keep its state in
 * memory every process shares and use no libc that touches FS (hal/hosted/
 * hostsys.h). Without an observer each point costs one predictable branch.
 * The core itself is not changed: an observer reads its state through
 * core/debug_trace.h. */
enum hosted_obs_event {
    HOSTED_OBS_SYSCALL = 0, /* the current thread trapped with a syscall (before the core) */
    HOSTED_OBS_FAULT = 1,   /* it faulted; arg: (uintptr_t) the kaal_fault_info_t */
    HOSTED_OBS_PREEMPT = 2, /* the watchdog preempts it (a spinning thread) */
    HOSTED_OBS_ENTERED = 3, /* the core's kaal_entry_* returned (before the kernel exit) */
    HOSTED_OBS_IRQ = 4,     /* the core takes interrupt arg */
    HOSTED_OBS_IDLE = 5,    /* nothing runs: virtual time jumps to arg */
    HOSTED_OBS_EXIT = 6,    /* the kernel exit chose the thread to run (the current one) */
    HOSTED_OBS_STOP = 7,    /* virtual time reached cfg.stop_at (arg: the time) */
};
typedef void (*hosted_observer_t)(unsigned event, uint64_t arg);
void hosted_observe(hosted_observer_t fn);

/* kaal-sim's exit status when cfg.stop_at stopped the run (halt_status). */
#define HOSTED_STOP_STATUS 5
/* Whether the last hosted_run ended at cfg.stop_at (not by a halt). */
bool hosted_stopped(void);

/* Boot and run until the kernel halts; returns the halt status
 * (0 normal, 2 boot failure, 3 idle with nothing left to happen). */
int hosted_run(const hosted_config_t *cfg);

/* Harness mode: boot a fresh kernel, run no user code. Returns the halt
 * status if boot halted, or -1 when the kernel is ready. */
int hosted_boot_only(const hosted_config_t *cfg);

/* Harness mode: run fn(arg) as a kernel entry; if the kernel halts inside,
 * returns the halt status, else -1. */
int hosted_call_kernel(void (*fn)(void *), void *arg);

/* Harness mode: play the current thread. hosted_drive_syscall writes the
 * syscall registers (in: cap, info, mr0..mr3), enters the kernel as the
 * call gate does and runs the kernel exit; out receives the current
 * thread's badge, info and mr0..mr3 afterwards (the current thread may
 * have changed). Returns the halt status if the kernel halted, else -1.
 * hosted_drive_fault / hosted_drive_interrupt enter through the fault and
 * interrupt entries instead. */
struct kaal_fault_info;
int hosted_drive_syscall(int64_t sysno, const uint64_t in[6], uint64_t out[6]);
int hosted_drive_fault(const struct kaal_fault_info *f, uint64_t out[6]);
int hosted_drive_interrupt(uint64_t out[6]);

/* Everything the console printed since boot (NUL-terminated; the last
 * 256 KiB at most). */
const char *hosted_console_text(void);

/* Virtual time in ns, kernel entries and host syscalls made by the
 * backend since boot (statistics for tests and benchmarks). */
uint64_t hosted_now(void);
/* Host processes the last run used for user address spaces (1 with
 * cfg.one_process; docs/architecture.md). */
unsigned hosted_host_processes(void);

/* Statistics markers (cfg.stats, kaal-sim --stats; bench/): a console
 * line that starts with "@@" is not printed; at its newline the machine
 * records the line followed by " hs=<host syscalls> ke=<kernel entries>
 * fp=<fast-path IPCs>" (counters since boot, taken before anything of the
 * line reaches the host) into the stats log, which this returns
 * (NUL-terminated, lines of the last run; empty without cfg.stats). */
const char *hosted_stats_text(void);


/* The test device: raise irq at absolute virtual time t (ns). */
void hosted_device_raise_at(unsigned irq, uint64_t t);

/* Test device registers, in the device page at HOSTED_TESTDEV_PADDR that
 * a driver maps: write irq and delay_ns, then doorbell = 1; the device
 * raises irq delay_ns after it sees the doorbell (at the next kernel
 * entry), and counts raised interrupts in `raised`. */
#define HOSTED_DEVICE_BASE 0x09000000ull
#define HOSTED_DEVICE_SIZE 0x10000ull
#define HOSTED_TESTDEV_PADDR 0x09001000ull
typedef struct hosted_testdev_regs {
    volatile uint64_t irq;
    volatile uint64_t delay_ns;
    volatile uint64_t doorbell;
    volatile uint64_t raised;
} hosted_testdev_regs_t;

/* The UART, in the device page at HOSTED_UART_PADDR that a console
 * driver maps: the driver appends bytes to tx_buf (index tx_head % size)
 * and then advances tx_head; the device sends everything up to tx_head to
 * the console at the next kernel entry and advances tx_tail. */
#define HOSTED_UART_PADDR 0x09000000ull
#define HOSTED_UART_TX_SIZE 2048u
typedef struct hosted_uart_regs {
    volatile uint64_t tx_head;
    volatile uint64_t tx_tail;
    volatile uint8_t tx_buf[HOSTED_UART_TX_SIZE];
} hosted_uart_regs_t;

/* Virtual cost of one kernel entry (ns). */
#define HOSTED_ENTRY_NS 100u
/* Virtual cost of one unit of long kernel work (ns): what the kernel does
 * between two preemption points (hal_preemption_point: one capability
 * deleted, one step of a zombie; docs/architecture.md "Time"). */
#define HOSTED_WORK_UNIT_NS 500u

#endif
