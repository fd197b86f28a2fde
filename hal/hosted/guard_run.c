/*
 * --guard's kernel loop (guard.c makes the user processes): the kernel
 * picks a thread (kaal_kernel_exit), its registers and XSAVE image go
 * into its address space's user process (PTRACE_SETREGS, whose fs_base is
 * the TLS base, and PTRACE_SETREGSET), the process runs under
 * PTRACE_SYSEMU until it stops, and the stop becomes a kernel entry:
 *
 *   SIGTRAP at the gate page's first byte (rip 0x0ffff001)
 *       a KaaL syscall; the return address read from the user's stack
 *       (its page installed first if the VSpace maps it), else the VM
 *       fault at the gate as in the default mode
 *   a syscall stop (SIGTRAP | 0x80), SIGSYS    UserException 6, Code the syscall
 *   SIGSEGV: SI_KERNEL                         UserException 13 (#GP)
 *            an address the VSpace maps        a window fill, run again
 *            else                              VMFault
 *   SIGILL, SIGFPE, SIGBUS, other SIGTRAP      UserException 6, 0, 17, 3 or 1
 *   SIGVTALRM (10 ms of its CPU time)          the watchdog, as trap.c's
 *
 * The faults and numbers are the default mode's (trap.c). One difference:
 * a store to an address with no mapping at all reports FSR 0x4 (a read),
 * since ptrace does not give the page-fault error code; a store to a
 * read-only page is 0x7 as in the default mode (after a fill of the page).
 */
#define _GNU_SOURCE
#include "guard.h"

#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define FLAGS_USER 0x0cd5ull /* CF PF AF ZF SF DF OF */
#define WATCHDOG_TICKS 3u
#define GATE_STOP (HAL_HOSTED_GATE_VADDR + 1u) /* rip after the gate's int3 */

/* hosted_cur_uctx and its XSAVE image into g's process. */
static void load_thread(struct guard_proc *g)
{
    const hal_uctx_t *c = hosted_cur_uctx;
    struct user_regs_struct *r = &g->regs;
    r->rip = c->r[HOSTED_R_RIP];
    r->rsp = c->r[HOSTED_R_RSP];
    r->eflags = (c->r[HOSTED_R_RFLAGS] & FLAGS_USER) | 0x202;
    r->rax = c->r[HOSTED_R_RAX];
    r->rbx = c->r[HOSTED_R_RBX];
    r->rcx = c->r[HOSTED_R_RCX];
    r->rdx = c->r[HOSTED_R_RDX];
    r->rsi = c->r[HOSTED_R_RSI];
    r->rdi = c->r[HOSTED_R_RDI];
    r->rbp = c->r[HOSTED_R_RBP];
    r->r8 = c->r[HOSTED_R_R8];
    r->r9 = c->r[HOSTED_R_R9];
    r->r10 = c->r[HOSTED_R_R10];
    r->r11 = c->r[HOSTED_R_R11];
    r->r12 = c->r[HOSTED_R_R12];
    r->r13 = c->r[HOSTED_R_R13];
    r->r14 = c->r[HOSTED_R_R14];
    r->r15 = c->r[HOSTED_R_R15];
    r->orig_rax = (unsigned long)-1;
    r->fs_base = c->r[HOSTED_R_FSBASE];
    r->gs_base = 0;
    if (guard_ptrace(PTRACE_SETREGS, g->pid, NULL, r) != 0) {
        r->fs_base = 0; /* a base the host refuses: TLS accesses fault */
        if (guard_ptrace(PTRACE_SETREGS, g->pid, NULL, r) != 0) {
            guard_fail("PTRACE_SETREGS");
        }
    }
    if (g->xlive == c) {
        return; /* the process's CPU holds this thread's state already */
    }
    guard_xstate_collect(g->xlive, NULL);
    guard_xstate_collect(c, g); /* it may have run in another process */
    memcpy(guard_xbuf, hosted_cur_xarea, guard_xsize);
    struct iovec iov = {guard_xbuf, guard_xsize};
    if (guard_ptrace(PTRACE_SETREGSET, g->pid, (void *)NT_X86_XSTATE, &iov) != 0) {
        guard_fail("PTRACE_SETREGSET (XSAVE state)");
    }
    g->xlive = c;
}

void guard_xstate_collect(const struct hal_uctx *c, const struct guard_proc *keep)
{
    if (c == NULL) {
        return;
    }
    for (unsigned i = 0; i < GUARD_MAX_PROCS; i++) {
        struct guard_proc *g = &guard_procs[i];
        if (g == keep || g->xlive != c || g->pid == 0) {
            continue;
        }
        struct iovec iov = {guard_xbuf, guard_xsize};
        if (guard_ptrace(PTRACE_GETREGSET, g->pid, (void *)NT_X86_XSTATE, &iov) != 0) {
            guard_fail("PTRACE_GETREGSET (XSAVE state)");
        }
        memcpy(hosted_xarea(c), guard_xbuf, guard_xsize);
        g->xlive = NULL;
    }
}

/* g's stopped registers (g->regs, read already) into hosted_cur_uctx
 * (its XSAVE state stays in the process: g->xlive). */
static void save_thread(struct guard_proc *g)
{
    hal_uctx_t *c = hosted_cur_uctx;
    const struct user_regs_struct *r = &g->regs;
    c->r[HOSTED_R_RIP] = r->rip;
    c->r[HOSTED_R_RSP] = r->rsp;
    c->r[HOSTED_R_RFLAGS] = (r->eflags & FLAGS_USER) | 0x202;
    c->r[HOSTED_R_RAX] = r->rax;
    c->r[HOSTED_R_RBX] = r->rbx;
    c->r[HOSTED_R_RCX] = r->rcx;
    c->r[HOSTED_R_RDX] = r->rdx;
    c->r[HOSTED_R_RSI] = r->rsi;
    c->r[HOSTED_R_RDI] = r->rdi;
    c->r[HOSTED_R_RBP] = r->rbp;
    c->r[HOSTED_R_R8] = r->r8;
    c->r[HOSTED_R_R9] = r->r9;
    c->r[HOSTED_R_R10] = r->r10;
    c->r[HOSTED_R_R11] = r->r11;
    c->r[HOSTED_R_R12] = r->r12;
    c->r[HOSTED_R_R13] = r->r13;
    c->r[HOSTED_R_R14] = r->r14;
    c->r[HOSTED_R_R15] = r->r15;
}

/* Install the page of addr in g's window if its VSpace allows the access. */
static bool fill(struct guard_proc *g, uintptr_t addr, bool write, bool exec)
{
    struct hosted_fill f;
    if (!hosted_window_lookup(g->root, addr, write, exec, &f)) {
        return false;
    }
    int fd = f.fd == hm.ram_fd ? GUARD_RAM_FD : GUARD_DEV_FD;
    long r = guard_inject(g, SYS_mmap, (long)f.vbase, (long)f.size, f.prot, MAP_SHARED | MAP_FIXED,
                          fd, (long)f.off);
    if (r < 0 && r > -4096) {
        return false;
    }
    hm.fills++;
    return true;
}

static enum guard_event fault(struct guard_proc *g, unsigned kind, uint64_t pc, uint64_t addr,
                              uint64_t number, uint64_t status)
{
    g->regs.rip = pc;
    save_thread(g);
    hm.fault.kind = kind;
    hm.fault.addr = kind == KAAL_FAULT_USER_EXCEPTION ? pc : addr;
    hm.fault.number = number;
    hm.fault.status = status;
    return GUARD_FAULT;
}

/* The gate: the return address from the user's stack. */
static enum guard_event gate(struct guard_proc *g)
{
    uintptr_t sp = g->regs.rsp;
    g->regs.rip = HAL_HOSTED_GATE_VADDR;
    if (!hosted_in_window(sp) || !hosted_in_window(sp + 7u)) {
        return fault(g, KAAL_FAULT_VM_DATA, HAL_HOSTED_GATE_VADDR, sp, 14, 4);
    }
    errno = 0;
    long ret = guard_ptrace(PTRACE_PEEKDATA, g->pid, (void *)sp, NULL);
    for (unsigned i = 0; errno != 0 && i < 2; i++) { /* a misaligned word may cross a page */
        uintptr_t a = sp + 7u * i;
        if (!fill(g, a, false, false)) {
            errno = 0;
            (void)guard_ptrace(PTRACE_PEEKDATA, g->pid, (void *)(a & ~(uintptr_t)7), NULL);
            if (errno != 0) {
                return fault(g, KAAL_FAULT_VM_DATA, HAL_HOSTED_GATE_VADDR, a, 14, 4);
            }
        }
        errno = 0;
        ret = guard_ptrace(PTRACE_PEEKDATA, g->pid, (void *)sp, NULL);
    }
    if (errno != 0) {
        return fault(g, KAAL_FAULT_VM_DATA, HAL_HOSTED_GATE_VADDR, sp, 14, 4);
    }
    g->regs.rsp = sp + 8u;
    save_thread(g);
    hosted_cur_uctx->r[HOSTED_R_RIP] = (uint64_t)ret;
    return GUARD_SYSCALL;
}

static enum guard_event watchdog(struct guard_proc *g)
{
    if (hm.entries + hm.fills != hm.watch_entries) {
        hm.watch_entries = hm.entries + hm.fills;
        hm.watch_idle_ticks = 0;
        return GUARD_AGAIN;
    }
    if (++hm.watch_idle_ticks < WATCHDOG_TICKS) {
        return GUARD_AGAIN;
    }
    hm.watch_idle_ticks = 0;
    save_thread(g);
    return GUARD_PREEMPT;
}

/* What the stop with signal sig means (g->regs read). */
static enum guard_event classify(struct guard_proc *g, int sig)
{
    uint64_t rip = g->regs.rip;
    if (sig == (SIGTRAP | 0x80)) { /* a host syscall of user code: never run */
        g->regs.rax = g->regs.orig_rax;
        return fault(g, KAAL_FAULT_USER_EXCEPTION, rip - 2u, 0, 6, g->regs.orig_rax);
    }
    if (sig == SIGVTALRM) {
        return watchdog(g);
    }
    if (sig == SIGTRAP && rip == GATE_STOP) {
        return gate(g); /* every byte of the gate page is int3: no TF trap ends here */
    }
    siginfo_t si;
    if (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE && sig != SIGTRAP &&
        sig != SIGSYS) {
        return GUARD_AGAIN; /* nothing of the thread's: drop it */
    }
    if (guard_ptrace(PTRACE_GETSIGINFO, g->pid, NULL, &si) != 0) {
        guard_fail("PTRACE_GETSIGINFO");
    }
    uint64_t code = (uint64_t)si.si_code;
    uintptr_t addr = (uintptr_t)si.si_addr;
    switch (sig) {
    case SIGTRAP:
        return fault(g, KAAL_FAULT_USER_EXCEPTION, rip, 0, si.si_code == TRAP_TRACE ? 1u : 3u, code);
    case SIGSYS:
        return fault(g, KAAL_FAULT_USER_EXCEPTION, rip, 0, 6, (uint64_t)(unsigned)si.si_syscall);
    case SIGILL:
        return fault(g, KAAL_FAULT_USER_EXCEPTION, rip, 0, 6, code);
    case SIGFPE:
        return fault(g, KAAL_FAULT_USER_EXCEPTION, rip, 0, 0, code);
    case SIGBUS:
        if (si.si_code == BUS_ADRALN) {
            return fault(g, KAAL_FAULT_USER_EXCEPTION, rip, 0, 17, code);
        }
        return fault(g, KAAL_FAULT_VM_DATA, rip, addr, 14, 4);
    default: /* SIGSEGV */
        break;
    }
    if (si.si_code == SI_KERNEL) {
        return fault(g, KAAL_FAULT_USER_EXCEPTION, rip, 0, 13, code);
    }
    bool exec = addr == rip;
    if (si.si_code == SEGV_ACCERR) { /* present with the VSpace's rights already */
        return fault(g, exec ? KAAL_FAULT_VM_INSTR : KAAL_FAULT_VM_DATA, rip, addr, 14,
                     exec ? 0x15u : 0x7u);
    }
    if (fill(g, addr, false, exec)) {
        return GUARD_AGAIN;
    }
    return fault(g, exec ? KAAL_FAULT_VM_INSTR : KAAL_FAULT_VM_DATA, rip, addr, 14,
                 exec ? 0x14u : 0x4u);
}

/* Run hosted_cur_uctx in g until it needs the kernel. */
static enum guard_event run(struct guard_proc *g)
{
    load_thread(g);
    for (;;) {
        if (guard_ptrace(PTRACE_SYSEMU, g->pid, NULL, NULL) != 0) {
            guard_fail("PTRACE_SYSEMU");
        }
        int st = guard_wait(g);
        if (guard_ptrace(PTRACE_GETREGS, g->pid, NULL, &g->regs) != 0) {
            guard_fail("PTRACE_GETREGS");
        }
        enum guard_event ev = classify(g, WSTOPSIG(st));
        if (ev != GUARD_AGAIN) {
            return ev;
        }
        /* a fill or a dropped signal: the registers are g->regs again */
        if (guard_ptrace(PTRACE_SETREGS, g->pid, NULL, &g->regs) != 0) {
            guard_fail("PTRACE_SETREGS");
        }
    }
}

void hosted_guard_run(void)
{
    for (;;) {
        hosted_set_current(kaal_kernel_exit());
        hosted_after_entry();
        hosted_clock_publish();
        hosted_observe_point(HOSTED_OBS_EXIT, 0);
        struct guard_proc *g = guard_proc_for(hm.want_root, hm.want_asid);
        hm.watch_entries = hm.entries + hm.fills;
        hm.watch_idle_ticks = 0;
        enum guard_event ev = run(g);
        hosted_entry_begin();
        if (ev == GUARD_SYSCALL) {
            hosted_observe_point(HOSTED_OBS_SYSCALL, 0);
            kaal_entry_syscall();
        } else if (ev == GUARD_FAULT) {
            kaal_fault_info_t f = hm.fault;
            hosted_observe_point(HOSTED_OBS_FAULT, (uintptr_t)&f);
            kaal_entry_fault(&f);
        } else { /* as hosted_preempt_entry */
            hosted_observe_point(HOSTED_OBS_PREEMPT, 0);
            uint64_t next = hosted_next_event_time();
            if (next != UINT64_MAX && next >= hm.stop_at) { /* --stop-at: stop there */
                hm.now = hm.now < hm.stop_at ? hm.stop_at : hm.now;
                hosted_stop_reached();
            }
            if (next != UINT64_MAX && hm.now < next) {
                hm.now = next;
            }
            hosted_devices_poll();
        }
        hosted_observe_point(HOSTED_OBS_ENTERED, 0);
    }
}
