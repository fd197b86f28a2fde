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
 *  - The shared range (shared.h: the core's data, wherever the core
 *    defines it, the machine `hm`, the table below, the context the gate
 *    restores) is remapped as shared memory before the first process is
 *    forked, and RAM and device memory are shared memfds already. So
 *    every process sees one kernel.
 *  - Everything else is private to each process: which slot it is, its
 *    window bookkeeping, its watchdog timer (HOSTED_PRIVATE). The kernel
 *    stack and the signal stack are private mappings made before the first
 *    fork: each process has its own copy at the same address.
 *  - Exactly one process runs at a time: the one holding the turn. It runs
 *    user code and the kernel entries that this code makes. When the kernel
 *    exits to a thread of another address space, the process gives the turn
 *    to that address space's process and waits for its own turn again
 *    (turn.c). The other process, which waits in the same place, applies
 *    the window invalidations queued for it and restores the
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
#include "procs.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

HOSTED_SHARED struct procs_shared hosted_ps;
HOSTED_PRIVATE struct procs_self hosted_self = {.spin_budget = SPIN_MAX, .probe_every = PROBE_MIN};

/* The slot for address space (root, asid); retags one if it has none. */
static unsigned slot_for(uint64_t root, uint64_t asid)
{
    unsigned untagged = NO_SLOT, unborn = NO_SLOT, lru = NO_SLOT;
    for (unsigned s = 0; s < hosted_ps.nslots; s++) {
        struct as_proc *p = &hosted_ps.slot[s];
        if (p->pid != 0 && p->root == root && p->asid == asid) {
            return s;
        }
        if (p->pid != 0 && p->root == 0) {
            untagged = untagged == NO_SLOT || s == hosted_self.slot ? s : untagged;
        } else if (p->pid == 0) {
            unborn = unborn == NO_SLOT ? s : unborn;
        } else if (lru == NO_SLOT || p->last_use < hosted_ps.slot[lru].last_use) {
            lru = s;
        }
    }
    unsigned s = untagged != NO_SLOT ? untagged : unborn != NO_SLOT ? unborn : lru;
    struct as_proc *p = &hosted_ps.slot[s];
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
    struct as_proc *p = &hosted_ps.slot[hosted_self.slot];
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

/* Run the address space of slot s in its process: hand the turn over (a
 * new process first, forked by the original) and wait for it back. */
static void switch_to(unsigned s)
{
    if (hosted_ps.slot[s].pid != 0) {
        procs_hand_to(s);
        procs_wait_turn();
    } else if (!hosted_self.is_child) {
        if (!procs_fork_slot(s)) {
            procs_wait_turn();
        }
    } else {
        hosted_ps.request = REQ_FORK;
        hosted_ps.request_slot = s;
        procs_hand_to(0);
        procs_wait_turn();
    }
}

void hosted_procs_switch(uint64_t root, uint64_t asid)
{
    struct as_proc *mine = &hosted_ps.slot[hosted_self.slot];
    if (mine->pid != 0 && mine->root == root && mine->asid == asid && root != 0) {
        apply_pending(); /* the common case on every kernel exit: no switch */
        return;
    }
    unsigned s = slot_for(root, asid);
    hosted_ps.slot[s].last_use = ++hosted_ps.use_clock;
    if (s != hosted_self.slot) {
        switch_to(s);
    }
    apply_pending();
}

unsigned hosted_host_processes(void) { return hosted_ps.processes_used; }

uint64_t hosted_procs_root(void) { return hosted_ps.slot[hosted_self.slot].root; }

static void queue_flush(struct as_proc *p, uint64_t lo, uint64_t hi)
{
    if (!hosted_range_add(p->flush, &p->nflush, MAX_QUEUED_FLUSHES, lo, hi)) {
        p->flush_overflow = true;
    }
}

void hosted_procs_flush(uint64_t asid, uint64_t lo, uint64_t hi)
{
    if (hm.guard) {
        hosted_guard_flush(asid, lo, hi);
        return;
    }
    for (unsigned s = 0; s < hosted_ps.nslots; s++) {
        struct as_proc *p = &hosted_ps.slot[s];
        if (p->root == 0 || p->asid != asid) {
            continue;
        }
        if (s == hosted_self.slot) {
            hosted_window_clear(lo, hi);
        } else {
            queue_flush(p, lo, hi);
        }
    }
}

void hosted_procs_flush_asid(uint64_t asid)
{
    if (hm.guard) {
        hosted_guard_flush_asid(asid);
        return;
    }
    for (unsigned s = 0; s < hosted_ps.nslots; s++) {
        struct as_proc *p = &hosted_ps.slot[s];
        if (p->root == 0 || p->asid != asid) {
            continue;
        }
        p->root = 0;
        p->asid = 0;
        if (s == hosted_self.slot) {
            hosted_window_empty();
        } else {
            p->empty_pending = true;
        }
    }
}

void hosted_procs_halt(int status)
{
    if (!hosted_ps.multi || !hosted_self.is_child) {
        return;
    }
    hosted_ps.request = REQ_HALT;
    hosted_ps.request_status = status;
    hosted_fs_kernel();
    procs_hand_to(0);
    for (;;) {
        pause(); /* the original kills this process */
    }
}

void hosted_procs_start(bool one_process)
{
    hosted_ps.multi = !one_process;
    if (hosted_ps.multi) {
        hosted_share_memory();
    }
    memset(hosted_ps.slot, 0, sizeof(hosted_ps.slot));
    hosted_ps.nslots = hosted_ps.multi ? HOSTED_MAX_PROCS : 1u;
    hosted_ps.use_clock = 0;
    hosted_ps.request = REQ_NONE;
    hosted_self.slot = 0;
    hosted_self.is_child = false;
    hosted_ps.processes_used = 1;
    hosted_ps.slot[0].pid = getpid();
    if (hosted_ps.multi) {
        procs_watch_children(true);
    }
}

void hosted_procs_stop(void)
{
    if (hosted_self.is_child) {
        return;
    }
    for (unsigned s = 1; s < hosted_ps.nslots; s++) {
        if (hosted_ps.slot[s].pid > 0) {
            kill(hosted_ps.slot[s].pid, SIGKILL);
        }
    }
    for (unsigned s = 1; s < hosted_ps.nslots; s++) {
        if (hosted_ps.slot[s].pid > 0) {
            waitpid(hosted_ps.slot[s].pid, NULL, 0);
            hosted_ps.slot[s].pid = 0;
        }
    }
    if (hosted_ps.multi) {
        procs_watch_children(false);
    }
    hosted_ps.slot[0].root = 0;
    hosted_ps.slot[0].asid = 0;
    hosted_ps.multi = false;
}
