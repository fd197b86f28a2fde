/*
 * Taking turns (procs.c): exactly one address-space process runs at a
 * time, the one holding the turn. It hands the turn to another (hand_to)
 * and waits for its own (wait_turn); the original process also forks new
 * processes and takes halts for the others while it waits.
 *
 * A waiting process polls its turn for a while before it sleeps in the
 * host kernel (futex). With a CPU for each side, a ping-pong between two
 * address spaces then needs no host syscall at all. But when the other
 * process has no CPU of its own (a busy host), polling only delays it, so
 * the budget adapts, as adaptive mutexes do: it is SPIN_MAX (about 30 us,
 * in pause instructions) after a poll that saw the turn arrive, and
 * halves after each poll that did not, down to none. A turn already there
 * when the wait begins is taken without touching the budget: on a busy
 * host that is the common case (the other side ran on this CPU while this
 * process was off it) and it says nothing about polling. With no budget,
 * a wait polls for SPIN_MAX anyway (a probe) every probe_every-th time,
 * to find out whether the host has become idle; each probe that fails
 * doubles probe_every, from PROBE_MIN up to PROBE_MAX, so that a host
 * that stays busy pays a probe about every thousand waits; a failed probe
 * leaves the budget at none (it does not halve down from SPIN_MAX again).
 *
 * The turn word holds TURN_GIVEN (the turn is this process's) and, in the
 * original only, TURN_CHILD: its SIGCHLD handler sets it (and the private
 * flag hosted_self.child_event) so that a child that dies wakes the
 * original from its futex sleep, which therefore needs no timeout. Design,
 * invariants and measurements: docs/hosted-handoff.md.
 */
#define _GNU_SOURCE
#include "procs.h"
#include "hostsys.h"

#include <hal/cpu.h>

#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPIN_MIN 32u /* below this, do not poll at all */

static long futex_wake(uint32_t *w)
{
    hm.host_syscalls++; /* by the holder of the turn */
    return hostsys_call(SYS_futex, (long)(uintptr_t)w, FUTEX_WAKE, 1, 0, 0, 0);
}

/* Sleep while *w is 0 (no timeout: see on_child). */
static long futex_wait(uint32_t *w)
{
    hosted_self.waiting_syscalls++;
    return hostsys_call(SYS_futex, (long)(uintptr_t)w, FUTEX_WAIT, 0, 0, 0, 0);
}

/* Take the turn if it has been given (clearing the word either way: a
 * TURN_CHILD bit is only a wake-up, hosted_self.child_event says it). */
static bool take_turn(uint32_t *turn)
{
    return (__atomic_exchange_n(turn, 0u, __ATOMIC_SEQ_CST) & TURN_GIVEN) != 0;
}

void procs_hand_to(unsigned s)
{
    __atomic_fetch_or(&hosted_ps.slot[s].turn, TURN_GIVEN, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&hosted_ps.slot[s].sleeping, __ATOMIC_SEQ_CST)) {
        futex_wake(&hosted_ps.slot[s].turn);
    }
}

HAL_NORETURN static void child_died(pid_t pid, int status)
{
    hosted_fs_kernel();
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

/* SIGCHLD in the original: a child stopped existing (the original never
 * lets one exit, so it died). Flag it and make the turn word non-zero, so
 * that a futex_wait of the original on it returns (or does not begin); the
 * original then reaps (reap_children). Async-signal-safe: two atomic
 * stores, no libc, whatever FS base is loaded. */
static void on_child(int sig)
{
    (void)sig;
    __atomic_store_n(&hosted_self.child_event, 1u, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&hosted_ps.slot[0].turn, TURN_CHILD, __ATOMIC_SEQ_CST);
}

void procs_watch_children(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on ? on_child : SIG_DFL;
    /* SA_RESTART: the original's own host syscalls (fork, waitpid, write)
     * restart; a futex_wait restarts too and finds the word non-zero. */
    sa.sa_flags = SA_RESTART | SA_ONSTACK | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    hosted_self.child_event = 0;
    if (sigaction(SIGCHLD, &sa, NULL) != 0) {
        perror("kaal-sim: sigaction(SIGCHLD)");
        exit(70);
    }
}

/* In the original: if a child died since the last look, report it and
 * die (child_died does not return). */
static void reap_children(void)
{
    if (__atomic_exchange_n(&hosted_self.child_event, 0u, __ATOMIC_SEQ_CST) == 0) {
        return;
    }
    int status;
    hosted_self.waiting_syscalls++;
    pid_t dead = (pid_t)hostsys_call(SYS_wait4, -1, (long)(uintptr_t)&status, WNOHANG, 0, 0, 0);
    if (dead > 0) {
        child_died(dead, status);
    }
}

/* Poll the turn for the spin budget; true if it came (and is taken).
 * Only a turn that arrives while polling counts as a success: one that
 * was there before the first poll says nothing about whether the other
 * side runs on a CPU of its own (on a busy host the other side ran on this
 * CPU and handed back before this process got it again). */
static bool spin_for_turn(uint32_t *turn)
{
    if (take_turn(turn)) {
        return true; /* neutral: the budget stays as it is */
    }
    uint64_t budget = hosted_self.spin_budget;
    bool probe = false;
    if (budget == 0 && ++hosted_self.spin_skipped >= hosted_self.probe_every) {
        hosted_self.spin_skipped = 0;
        budget = SPIN_MAX;
        probe = true;
    }
    for (uint64_t i = 0; i < budget; i++) {
        __builtin_ia32_pause();
        if ((__atomic_load_n(turn, __ATOMIC_RELAXED) & TURN_GIVEN) != 0 && take_turn(turn)) {
            hosted_self.spin_budget = SPIN_MAX;
            hosted_self.probe_every = PROBE_MIN;
            return true;
        }
    }
    /* A failed probe leaves no budget: halving down from SPIN_MAX would
     * poll about as long again over the next waits, on a busy host. */
    hosted_self.spin_budget = probe || budget / 2u < SPIN_MIN ? 0 : budget / 2u;
    if (probe && hosted_self.probe_every < PROBE_MAX) {
        hosted_self.probe_every *= 2u; /* still busy: probe half as often */
    }
    return false;
}

/* Wait until this process holds the turn (and take it). */
static void wait_for_turn(void)
{
    uint32_t *turn = &hosted_ps.slot[hosted_self.slot].turn;
    if (spin_for_turn(turn)) {
        return;
    }
    __atomic_store_n(&hosted_ps.slot[hosted_self.slot].sleeping, 1u, __ATOMIC_SEQ_CST);
    /* Spurious returns (a wake meant for an earlier turn, EAGAIN, EINTR,
     * the TURN_CHILD bit) loop back to take_turn. A dead child wakes the
     * original through on_child, so no sleep needs a timeout. */
    while (!take_turn(turn)) {
        if (!hosted_self.is_child) {
            reap_children();
        }
        (void)futex_wait(turn);
    }
    __atomic_store_n(&hosted_ps.slot[hosted_self.slot].sleeping, 0u, __ATOMIC_SEQ_CST);
    hm.host_syscalls += hosted_self.waiting_syscalls;
    hosted_self.waiting_syscalls = 0;
}

bool procs_fork_slot(unsigned s)
{
    hosted_fs_kernel(); /* fork is libc's: it needs kaal-sim's own FS */
    pid_t parent = getpid();
    hm.host_syscalls++;
    hosted_ps.processes_used++;
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
    hosted_self.is_child = true;
    hosted_self.slot = s;
    hosted_ps.slot[s].pid = getpid();
    hosted_ps.slot[s].sleeping = 0;
    hosted_window_forget(); /* the window is the original's: clear all of it */
    hosted_watchdog_start();
    return true;
}

/* The original's wait: serve requests until it is its own turn to run. */
static void original_wait(void)
{
    for (;;) {
        wait_for_turn();
        enum request req = hosted_ps.request;
        hosted_ps.request = REQ_NONE;
        if (req == REQ_NONE) {
            return;
        }
        if (req == REQ_FORK) {
            if (procs_fork_slot(hosted_ps.request_slot)) {
                return; /* the child runs the address space */
            }
            continue;
        }
        hal_halt(hosted_ps.request_status); /* REQ_HALT: does not return */
    }
}

void procs_wait_turn(void)
{
    if (!hosted_self.is_child) {
        original_wait();
    } else {
        wait_for_turn();
    }
}
