/*
 * Signals as the hosted CPU's traps (run mode, on the signal stack):
 *
 *   SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP in user code:
 *     a touch the current VSpace allows -> install the page (window.c), retry
 *     anything else -> save the registers (uctx.c), resume on the kernel
 *     stack in hosted_fault_entry (entry.c)
 *   SIGSEGV from a #GP (si_code SI_KERNEL: hlt, rdtsc, ...) -> UserException 13
 *   SIGSYS (a host syscall from user code, confine.c) -> UserException 6
 *   the gate's read of the user's stack (gate.S) -> a fill or the VM fault
 *   the same inside the kernel: a kernel bug, reported, abort()
 *
 *   watchdog (thread CPU-time timer, SIGVTALRM): a user thread that made no
 *   kernel entry and took no page fill for WATCHDOG_TICKS whole ticks (at
 *   least 20 ms of CPU) is spinning: it is preempted as if it had run until
 *   the next event (hosted_preempt_entry). Finite work that long between
 *   two syscalls would make the run's timing depend on the host; KaaL's
 *   programs never do that (docs/architecture.md).
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define WATCHDOG_NS 10000000L /* one watchdog tick: 10 ms of CPU time */
#define WATCHDOG_TICKS 3u       /* idle ticks before a thread counts as spinning */

/* Timers are per process: each address-space process makes its own. */
static HOSTED_PRIVATE timer_t watchdog;
static HOSTED_PRIVATE bool watchdog_made;

static const int trap_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
#define NUM_TRAP_SIGNALS (sizeof(trap_signals) / sizeof(trap_signals[0]))

/* Leave the signal handler into fn on the kernel stack, every flag clear
 * (TF, AC, DF: the kernel's C code must not trace, check alignment or
 * copy backwards). */
static void redirect_to_kernel(ucontext_t *uc, void (*fn)(void))
{
    hosted_in_kernel = 1;
    greg_t *g = uc->uc_mcontext.gregs;
    g[REG_RIP] = (greg_t)(uintptr_t)fn;
    g[REG_RSP] = (greg_t)(hosted_kstack_top - 8u);
    g[REG_EFL] = 0x202;
    if (uc->uc_mcontext.fpregs != NULL) {
        uc->uc_mcontext.fpregs->mxcsr = 0x1f80;
        uc->uc_mcontext.fpregs->cwd = 0x37f;
    }
}

HAL_NORETURN static void kernel_bug(int sig, ucontext_t *uc, siginfo_t *si)
{
    hosted_fs_kernel(); /* before any libc call, strsignal included */
    fprintf(stderr, "kaal-sim: %s inside the kernel at rip %#llx (address %p)\n", strsignal(sig),
            (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], si->si_addr);
    abort();
}

/* Linux enters a signal handler with the interrupted code's EFLAGS.AC:
 * after user code set AC (alignment checking), every misaligned access
 * of the handler was a #AC (SIGBUS). The ASan build's runtime makes such
 * accesses (its memcpy check), the nested SIGBUSes filled the signal
 * stack and the hostile "ac" test died of SIGSEGV there. Each handler
 * clears AC first; the saved context keeps the user's flags. A leaf with
 * no locals: the pushfq cannot overwrite a red zone in use. */
__attribute__((noinline)) static void clear_ac(void)
{
    __asm__ volatile("pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq" ::: "memory", "cc");
}

static bool in_gate(uintptr_t rip)
{
    return rip >= (uintptr_t)hosted_gate_entry && rip < (uintptr_t)hosted_gate_end;
}

/* A user exception: x86 vector `number` at pc, code as the fault's Code. */
static void user_exception(ucontext_t *uc, uint64_t pc, uint64_t number, uint64_t code)
{
    hosted_uctx_save(uc);
    hosted_cur_uctx->r[HOSTED_R_RIP] = pc;
    hm.fault.kind = KAAL_FAULT_USER_EXCEPTION;
    hm.fault.addr = pc;
    hm.fault.status = code;
    hm.fault.number = number;
    redirect_to_kernel(uc, hosted_fault_entry);
}

/* The gate's read of the return address faulted (gate.S): fill the page
 * if the VSpace maps it, else the thread takes the VM fault at the gate
 * (its GPRs are saved already; the vector state is still the user's). */
static void gate_read_fault(int sig, siginfo_t *si, ucontext_t *uc)
{
    uintptr_t addr = (uintptr_t)si->si_addr;
    if (sig == SIGSEGV && hosted_window_fill(addr, false, false)) {
        hm.fills++;
        return;
    }
    hosted_xstate_from_frame(hosted_cur_uctx, uc->uc_mcontext.fpregs);
    hm.fault.kind = KAAL_FAULT_VM_DATA;
    hm.fault.addr = addr;
    hm.fault.status = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
    hm.fault.number = 14;
    redirect_to_kernel(uc, hosted_fault_entry);
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    clear_ac();
    ucontext_t *uc = ctx;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (rip == (uintptr_t)hosted_gate_read_ret && (sig == SIGSEGV || sig == SIGBUS)) {
        gate_read_fault(sig, si, uc);
        return;
    }
    if (hosted_in_kernel) {
        kernel_bug(sig, uc, si);
    }
    /* A trap before the gate cleared the flags (a TF set by user code
     * that jumped into the gate's code): the thread stands at the gate. */
    uint64_t pc = in_gate(rip) ? HAL_HOSTED_GATE_VADDR : rip;
    if (in_gate(rip) && rip != (uintptr_t)hosted_gate_entry) {
        uc->uc_mcontext.gregs[REG_RSP] = (greg_t)hosted_user_rsp;
    }
    uintptr_t addr = (uintptr_t)si->si_addr;
    uint64_t err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
    if (sig == SIGSEGV && si->si_code == SI_KERNEL) {
        /* #GP: a privileged instruction (hlt, cli, in, out), rdtsc
         * without --allow-rdtsc, a non-canonical address */
        user_exception(uc, pc, 13, (uint64_t)si->si_code);
        return;
    }
    if (sig == SIGSEGV) {
        bool exec = addr == rip;
        bool write = !exec && (err & 2u) != 0;
        if (hosted_window_fill(addr, write, exec)) {
            hm.fills++;
            return; /* a TLB fill: retry the access */
        }
        hm.fault.kind = exec ? KAAL_FAULT_VM_INSTR : KAAL_FAULT_VM_DATA;
        hm.fault.addr = addr;
        /* status: x86 page-fault error code (bit 0 present, 1 write, 4 fetch) */
        hm.fault.status = err;
        hm.fault.number = 14;
        hosted_uctx_save(uc);
        hosted_cur_uctx->r[HOSTED_R_RIP] = pc;
        redirect_to_kernel(uc, hosted_fault_entry);
        return;
    }
    /* number: x86 vector (6 #UD, 0 #DE/#MF as SIGFPE, 1 #DB single step,
     * 3 #BP, 17 #AC) */
    uint64_t number = sig == SIGILL    ? 6u
                      : sig == SIGFPE  ? 0u
                      : sig == SIGTRAP ? (si->si_code == TRAP_TRACE ? 1u : 3u)
                                       : 17u;
    user_exception(uc, pc, number, (uint64_t)si->si_code);
}

/* SIGSYS: a host syscall from user code (confine.c's seccomp filter).
 * The thread takes the UserException a CPU without SYSCALL gives: #UD
 * (number 6) at the syscall instruction (2 bytes before the trap's rip),
 * Code the host syscall number it tried. */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
    clear_ac();
    ucontext_t *uc = ctx;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (hosted_in_kernel) {
        kernel_bug(sig, uc, si);
    }
    user_exception(uc, rip - 2u, 6, (uint64_t)(unsigned)si->si_syscall);
}

static void on_watchdog(int sig, siginfo_t *si, void *ctx)
{
    clear_ac();
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (hosted_in_kernel || !hosted_in_window(rip)) {
        return;
    }
    if (hm.entries + hm.fills != hm.watch_entries) {
        hm.watch_entries = hm.entries + hm.fills; /* progress since: fine */
        hm.watch_idle_ticks = 0;
        return;
    }
    if (++hm.watch_idle_ticks < WATCHDOG_TICKS) {
        return;
    }
    hm.watch_idle_ticks = 0;
    hosted_uctx_save(uc);
    redirect_to_kernel(uc, hosted_preempt_entry);
}

static void install_handler(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0) {
        perror("kaal-sim: sigaction");
        exit(70);
    }
}

void hosted_watchdog_start(void)
{
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = SIGVTALRM;
    sev._sigev_un._tid = gettid();
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &watchdog) != 0) {
        perror("kaal-sim: timer_create");
        exit(70);
    }
    watchdog_made = true;
    struct itimerspec its = {{0, WATCHDOG_NS}, {0, WATCHDOG_NS}};
    timer_settime(watchdog, 0, &its, NULL);
}

/* Handle the trap signals and the watchdog's, and start the watchdog. */
void hosted_traps_start(void)
{
    for (unsigned i = 0; i < NUM_TRAP_SIGNALS; i++) {
        install_handler(trap_signals[i], on_fault);
    }
    install_handler(SIGSYS, on_sigsys);
    install_handler(SIGVTALRM, on_watchdog);
    hosted_watchdog_start();
}

void hosted_traps_stop(void)
{
    if (watchdog_made) {
        timer_delete(watchdog);
        watchdog_made = false;
    }
    signal(SIGVTALRM, SIG_IGN);
    signal(SIGSYS, SIG_DFL);
    for (unsigned i = 0; i < NUM_TRAP_SIGNALS; i++) {
        signal(trap_signals[i], SIG_DFL);
    }
}
