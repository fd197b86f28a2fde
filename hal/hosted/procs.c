/*
 * Address-space processes: each user address space runs in its own host
 * process, so that switching address spaces changes no host page table.
 *
 * Why: on the hosts we run on (virtual machines), every change to a host
 * page table costs 10-20 us (mmap, munmap, mprotect and mremap alike;
 * docs/performance.md). With a single process, each address-space switch
 * had to empty the user window and refill it page by page, so a round trip
 * between two address spaces cost about 190 us. A process keeps its window
 * filled while other address spaces run, the way an ASID-tagged TLB keeps
 * entries; a switch hands the CPU to another process instead.
 *
 * Model:
 *  - The data segment of kaal-sim (.data and .bss: the kernel state `ks`,
 *    the machine `hm`, the call gate's variables) is remapped as shared
 *    memory before the first process is forked, and RAM and device memory
 *    are shared memfds already. So every process sees one kernel.
 *  - Per-process state (which slot the process is, its window bookkeeping,
 *    its watchdog timer) is thread-local, i.e. private. The kernel stack and
 *    the signal stack are private mappings made before the first fork: each
 *    process has its own copy at the same address.
 *  - Exactly one process runs at a time: the one holding the turn. It runs
 *    user code and the kernel entries that this code makes. When the kernel
 *    exits to a thread of another address space, the process gives the turn
 *    to that address space's process (hand_to) and waits for its own turn
 *    again (wait_turn). The other process, which waits in the same place,
 *    applies the window invalidations queued for it and restores the
 *    thread's registers (hosted_cur_uctx, in shared memory). A process only
 *    touches shared state while it holds the turn, and handing over is its
 *    last access, so the kernel stays single-threaded.
 *  - Slots: at most HOSTED_MAX_PROCS processes. A slot is tagged with the
 *    address space (VSpace root, ASID) its window shows. An address space
 *    without a slot takes an untagged slot, else a new process, else the
 *    least recently used slot (whose window is then emptied).
 *  - The original process (slot 0, the one the user started) does every
 *    fork (a process that needs a new one asks it), and it alone halts the
 *    machine (a halt in another process is handed to it), so that the exit
 *    status, the statistics and the clean-up come from the process the
 *    shell waits for. Children die with it (PR_SET_PDEATHSIG); if a child
 *    dies first (a kernel bug), the original notices within 100 ms and dies
 *    of the same signal.
 *  - Window invalidations (Unmap, ASID deletion) for an address space
 *    shown by another process are queued in that process's slot and applied
 *    before it next runs user code, as a deferred TLB shootdown would be.
 *
 * One-process mode (hosted_config_t.one_process, kaal-sim --one-process,
 * used by `make debug` because gdb follows one process best): a single
 * slot, so every address-space switch empties the window and refills it.
 * Both modes run the same kernel steps in the same virtual time; only the
 * host work per switch differs.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <hal/cpu.h>

#include <errno.h>
#include <linux/futex.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOSTED_MAX_PROCS 16u
#define MAX_QUEUED_FLUSHES 16u
/* How long (TSC cycles) a waiting process polls its turn before it sleeps
 * in the host kernel. With a CPU for each side, a ping-pong between two
 * address spaces then needs no host syscall at all. But when the other
 * process has no CPU of its own (a busy host), polling only delays it, so
 * the budget adapts, as adaptive mutexes do: it is SPIN_MAX (about 30 us
 * at 2 GHz) after a poll that saw the turn arrive, and halves after each
 * poll that did not, down to none; with none, every SPIN_PROBE-th wait
 * polls for SPIN_MAX again to find out whether the host has become idle. */
#define SPIN_MAX 60000u
#define SPIN_MIN 2000u /* below this, do not poll at all */
#define SPIN_PROBE 32u
#define NO_SLOT HOSTED_MAX_PROCS

enum request { REQ_NONE, REQ_FORK, REQ_HALT };

struct as_proc {
    uint64_t root, asid;     /* the address space shown; root 0: untagged */
    pid_t pid;               /* 0: no process yet */
    uint64_t last_use;
    uint32_t turn;           /* 1: this process runs next (futex word) */
    uint32_t sleeping;       /* waiting in futex_wait */
    bool empty_pending;      /* empty the whole window before running */
    bool flush_overflow;     /* too many queued flushes: empty it */
    unsigned nflush;
    struct {
        uint64_t lo, hi;
    } flush[MAX_QUEUED_FLUSHES];
};

/* Shared (data segment). */
static struct as_proc procs[HOSTED_MAX_PROCS];
static unsigned nslots;
static uint64_t use_clock;
static enum request request;
static unsigned request_slot;
static int request_status;
static bool multi;
static unsigned processes_used; /* the original and every fork */

/* Private to each process. */
static _Thread_local unsigned my_slot;
static _Thread_local uint64_t spin_budget = SPIN_MAX;
static _Thread_local unsigned spin_skipped; /* waits without polling since the last probe */
static _Thread_local bool is_child; /* false in the original (and harness mode) */

/* ---- sharing the data segment ------------------------------------------ */

struct rw_range {
    uintptr_t lo, hi;
};

static int find_rw(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct rw_range *r = arg;
    uintptr_t relro_end = 0, lo = 0, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
            lo = start;
            hi = start + ph->p_memsz;
        } else if (ph->p_type == PT_GNU_RELRO) {
            relro_end = start + ph->p_memsz;
        }
    }
    long page = sysconf(_SC_PAGESIZE);
    r->lo = (lo > relro_end ? lo : relro_end + (uintptr_t)page - 1u) & ~(uintptr_t)(page - 1);
    r->hi = (hi + (uintptr_t)page - 1u) & ~(uintptr_t)(page - 1);
    return 1; /* the first object is the executable */
}

/* Remap the executable's writable data (after its read-only-after-start
 * part) as shared memory with the same contents. */
static void share_data_segment(void)
{
    static bool shared;
    if (shared) {
        return;
    }
    struct rw_range r = {0, 0};
    dl_iterate_phdr(find_rw, &r);
    uintptr_t probe = (uintptr_t)&hm;
    if (r.lo >= r.hi || probe < r.lo || probe >= r.hi || (uintptr_t)&procs < r.lo ||
        (uintptr_t)&procs >= r.hi) {
        fprintf(stderr, "kaal-sim: cannot find the data segment to share\n");
        exit(70);
    }
    size_t len = r.hi - r.lo;
    int fd = memfd_create("kaal-kernel-data", MFD_CLOEXEC);
    if (fd < 0 || write(fd, (void *)r.lo, len) != (ssize_t)len) {
        perror("kaal-sim: sharing the data segment");
        exit(70);
    }
    /* From here to the mmap nothing writes the segment: the copy is exact. */
    if (mmap((void *)r.lo, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
        MAP_FAILED) {
        perror("kaal-sim: sharing the data segment");
        exit(70);
    }
    close(fd);
    shared = true;
}

/* ---- turns ------------------------------------------------------------- */

/* Host syscalls this process made while another held the turn: counted
 * into hm.host_syscalls when it next holds it (only the holder writes hm). */
static _Thread_local uint64_t waiting_syscalls;

static long futex_wake(uint32_t *w)
{
    hm.host_syscalls++; /* by the holder of the turn */
    return syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static long futex_wait(uint32_t *w, const struct timespec *t)
{
    waiting_syscalls++;
    return syscall(SYS_futex, w, FUTEX_WAIT, 0, t, NULL, 0);
}

static void hand_to(unsigned s)
{
    __atomic_store_n(&procs[s].turn, 1u, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&procs[s].sleeping, __ATOMIC_SEQ_CST)) {
        futex_wake(&procs[s].turn);
    }
}

HAL_NORETURN static void child_died(pid_t pid, int status)
{
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    fprintf(stderr, "kaal-sim: the host process %d of an address space died (%s)\n", (int)pid,
            sig != 0 ? strsignal(sig) : "exit");
    hosted_procs_stop();
    if (sig != 0) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    exit(70);
}

/* Wait until this process holds the turn (and take it). */
static void wait_for_turn(void)
{
    uint32_t *turn = &procs[my_slot].turn;
    uint64_t budget = spin_budget;
    if (budget == 0 && ++spin_skipped == SPIN_PROBE) {
        spin_skipped = 0;
        budget = SPIN_MAX;
    }
    uint64_t start = __builtin_ia32_rdtsc();
    while (__builtin_ia32_rdtsc() - start < budget) {
        if (__atomic_load_n(turn, __ATOMIC_RELAXED) != 0 &&
            __atomic_exchange_n(turn, 0u, __ATOMIC_SEQ_CST) != 0) {
            spin_budget = SPIN_MAX;
            return;
        }
        __builtin_ia32_pause();
    }
    spin_budget = budget / 2u < SPIN_MIN ? 0 : budget / 2u;
    __atomic_store_n(&procs[my_slot].sleeping, 1u, __ATOMIC_SEQ_CST);
    for (;;) {
        if (__atomic_exchange_n(turn, 0u, __ATOMIC_SEQ_CST) != 0) {
            break;
        }
        struct timespec t = {0, 100 * 1000 * 1000};
        futex_wait(turn, &t);
        if (!is_child) {
            int status;
            waiting_syscalls++;
            pid_t dead = waitpid(-1, &status, WNOHANG);
            if (dead > 0) {
                child_died(dead, status);
            }
        }
    }
    __atomic_store_n(&procs[my_slot].sleeping, 0u, __ATOMIC_SEQ_CST);
    hm.host_syscalls += waiting_syscalls;
    waiting_syscalls = 0;
}

/* ---- processes --------------------------------------------------------- */

/* In the original: fork the process of slot s. The child returns true and
 * holds the turn; the original returns false. */
static bool fork_slot(unsigned s)
{
    pid_t parent = getpid();
    hm.host_syscalls++;
    processes_used++;
    pid_t pid = fork();
    if (pid < 0) {
        perror("kaal-sim: fork (an address-space process)");
        exit(70);
    }
    if (pid > 0) {
        return false; /* the child holds the turn now: touch nothing shared */
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(70);
    }
    is_child = true;
    my_slot = s;
    procs[s].pid = getpid();
    procs[s].sleeping = 0;
    hosted_window_forget(); /* the window is the original's: clear all of it */
    hosted_watchdog_start();
    return true;
}

/* The original's wait: serve requests until it is its own turn to run. */
static void original_wait(void)
{
    for (;;) {
        wait_for_turn();
        enum request req = request;
        request = REQ_NONE;
        if (req == REQ_NONE) {
            return;
        }
        if (req == REQ_FORK) {
            if (fork_slot(request_slot)) {
                return; /* the child runs the address space */
            }
            continue;
        }
        hal_halt(request_status); /* REQ_HALT: does not return */
    }
}

static void wait_turn(void)
{
    if (!is_child) {
        original_wait();
    } else {
        wait_for_turn();
    }
}

/* The slot for address space (root, asid); retags one if it has none. */
static unsigned slot_for(uint64_t root, uint64_t asid)
{
    unsigned untagged = NO_SLOT, unborn = NO_SLOT, lru = NO_SLOT;
    for (unsigned s = 0; s < nslots; s++) {
        struct as_proc *p = &procs[s];
        if (p->pid != 0 && p->root == root && p->asid == asid) {
            return s;
        }
        if (p->pid != 0 && p->root == 0) {
            untagged = untagged == NO_SLOT || s == my_slot ? s : untagged;
        } else if (p->pid == 0) {
            unborn = unborn == NO_SLOT ? s : unborn;
        } else if (lru == NO_SLOT || p->last_use < procs[lru].last_use) {
            lru = s;
        }
    }
    unsigned s = untagged != NO_SLOT ? untagged : unborn != NO_SLOT ? unborn : lru;
    struct as_proc *p = &procs[s];
    p->root = root;
    p->asid = asid;
    p->empty_pending = p->pid != 0; /* a new process starts empty */
    p->flush_overflow = false;
    p->nflush = 0;
    return s;
}

/* Apply what other processes queued for this one's window. */
static void apply_pending(void)
{
    struct as_proc *p = &procs[my_slot];
    if (p->empty_pending || p->flush_overflow) {
        hosted_window_empty();
    } else {
        for (unsigned i = 0; i < p->nflush; i++) {
            hosted_window_clear(p->flush[i].lo, p->flush[i].hi);
        }
    }
    p->empty_pending = false;
    p->flush_overflow = false;
    p->nflush = 0;
}

void hosted_procs_switch(uint64_t root, uint64_t asid)
{
    struct as_proc *mine = &procs[my_slot];
    if (mine->pid != 0 && mine->root == root && mine->asid == asid && root != 0) {
        apply_pending(); /* the common case on every kernel exit: no switch */
        return;
    }
    unsigned s = slot_for(root, asid);
    procs[s].last_use = ++use_clock;
    if (s != my_slot) {
        if (procs[s].pid == 0) {
            if (!is_child) {
                if (!fork_slot(s)) {
                    wait_turn();
                }
            } else {
                request = REQ_FORK;
                request_slot = s;
                hand_to(0);
                wait_turn();
            }
        } else {
            hand_to(s);
            wait_turn();
        }
    }
    apply_pending();
}

unsigned hosted_host_processes(void) { return processes_used; }

uint64_t hosted_procs_root(void) { return procs[my_slot].root; }

static void queue_flush(struct as_proc *p, uint64_t lo, uint64_t hi)
{
    if (p->nflush == MAX_QUEUED_FLUSHES) {
        p->flush_overflow = true;
        return;
    }
    p->flush[p->nflush].lo = lo;
    p->flush[p->nflush].hi = hi;
    p->nflush++;
}

void hosted_procs_flush(uint64_t asid, uint64_t lo, uint64_t hi)
{
    for (unsigned s = 0; s < nslots; s++) {
        struct as_proc *p = &procs[s];
        if (p->root == 0 || p->asid != asid) {
            continue;
        }
        if (s == my_slot) {
            hosted_window_clear(lo, hi);
        } else {
            queue_flush(p, lo, hi);
        }
    }
}

void hosted_procs_flush_asid(uint64_t asid)
{
    for (unsigned s = 0; s < nslots; s++) {
        struct as_proc *p = &procs[s];
        if (p->root == 0 || p->asid != asid) {
            continue;
        }
        p->root = 0;
        p->asid = 0;
        if (s == my_slot) {
            hosted_window_empty();
        } else {
            p->empty_pending = true;
        }
    }
}

void hosted_procs_halt(int status)
{
    if (!multi || !is_child) {
        return;
    }
    request = REQ_HALT;
    request_status = status;
    hand_to(0);
    for (;;) {
        pause(); /* the original kills this process */
    }
}

void hosted_procs_start(bool one_process)
{
    multi = !one_process;
    if (multi) {
        share_data_segment();
    }
    memset(procs, 0, sizeof(procs));
    nslots = multi ? HOSTED_MAX_PROCS : 1u;
    use_clock = 0;
    request = REQ_NONE;
    my_slot = 0;
    is_child = false;
    processes_used = 1;
    procs[0].pid = getpid();
}

void hosted_procs_stop(void)
{
    if (is_child) {
        return;
    }
    for (unsigned s = 1; s < nslots; s++) {
        if (procs[s].pid > 0) {
            kill(procs[s].pid, SIGKILL);
        }
    }
    for (unsigned s = 1; s < nslots; s++) {
        if (procs[s].pid > 0) {
            waitpid(procs[s].pid, NULL, 0);
            procs[s].pid = 0;
        }
    }
    procs[0].root = 0;
    procs[0].asid = 0;
    multi = false;
}
