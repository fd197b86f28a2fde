/*
 * User mode on the hosted machine: a CPU made of Linux signals.
 *
 *   user code (window)  --call gate-->  hosted_gate_entry (gate.S)
 *        |   ^                              -> hosted_syscall_entry -> core
 *        |   +--- hosted_restore_user <---- hosted_kernel_exit <------+
 *        |
 *        +-- SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP (on the signal stack):
 *              touch allowed by the current VSpace -> install the page, retry
 *              anything else -> save the ucontext as the thread's registers,
 *              resume on the kernel stack in hosted_fault_entry -> core
 *
 *   watchdog (thread CPU-time timer, SIGVTALRM): a user thread that made no
 *   kernel entry and took no page fill for WATCHDOG_TICKS whole ticks (at
 *   least 20 ms of CPU) is spinning: it is preempted as if it had run until
 *   the next event (its slice end or a device interrupt). Finite work that
 *   long between two syscalls would make the run's timing depend on the
 *   host; KaaL's programs never do that (docs/architecture.md).
 *
 * The user window [HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP) holds only the
 * pages of the address space its process shows, installed lazily from the
 * RAM memfd with the rights of the VSpace entry. Each address space has its
 * own host process (procs.c), so a switch hands the CPU to that process and
 * its window stays filled; in one-process mode a switch empties the window.
 * User code shares its host process with the kernel: this is a simulation,
 * not a security boundary (docs/hal.md).
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <hal/vspace.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <errno.h>
#include <unistd.h>

#define KSTACK_SIZE (256u * 1024u)
#define SIGSTACK_SIZE (64u * 1024u)
#define WATCHDOG_NS 10000000L /* one watchdog tick: 10 ms of CPU time */
#define WATCHDOG_TICKS 3u       /* idle ticks before a thread counts as spinning */
#define X86_FLAGS_USER 0x0cd5ull /* CF PF AF ZF SF DF OF */

/* Private mappings made before the first fork: each address-space process
 * has its own copy at the same address (procs.c). */
static void *kstack;
static void *signal_stack;
/* Timers are per process: each address-space process makes its own. */
static _Thread_local timer_t watchdog;
static _Thread_local bool watchdog_made;

/* ---- user contexts ----------------------------------------------------- */

void hal_uctx_init(hal_uctx_t *c, word_t pc, word_t sp, word_t arg0)
{
    memset(c, 0, sizeof(*c));
    c->r[HAL_R_PC] = pc;
    /* As if just called: rsp + 8 is 16-byte aligned at a function entry. */
    c->r[HAL_R_SP] = (sp & ~0xfull) - 8u;
    c->r[HAL_R_ARG0] = arg0;
    c->r[HAL_R_FLAGS] = 0x202; /* IF (ignored in user mode) and the fixed bit */
    /* fxsave image defaults: FCW 0x37f, MXCSR 0x1f80. */
    c->fp[0] = 0x7f;
    c->fp[1] = 0x03;
    c->fp[24] = 0x80;
    c->fp[25] = 0x1f;
}

void hal_uctx_sanitize(hal_uctx_t *c)
{
    c->r[HAL_R_FLAGS] = (c->r[HAL_R_FLAGS] & X86_FLAGS_USER) | 0x202;
    /* MXCSR reserved bits fault fxrstor: keep only the defined ones. */
    uint32_t mxcsr;
    memcpy(&mxcsr, &c->fp[24], 4);
    mxcsr &= 0xffff;
    memcpy(&c->fp[24], &mxcsr, 4);
}

/* ---- the user window ----------------------------------------------------- */

static bool in_window(uintptr_t a) { return a >= HAL_USER_VADDR_BASE && a < HAL_USER_VADDR_TOP; }

static void window_clear(uintptr_t lo, uintptr_t hi)
{
    void *p = mmap((void *)lo, hi - lo, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    hm.host_syscalls++;
    if (p == MAP_FAILED) {
        perror("kaal-sim: clearing the user window");
        abort();
    }
}

/* Remove [lo, hi) from this process's window (clipped to the window). */
void hosted_window_clear(uint64_t lo, uint64_t hi)
{
    if (lo < HAL_USER_VADDR_BASE) {
        lo = HAL_USER_VADDR_BASE;
    }
    if (hi > HAL_USER_VADDR_TOP) {
        hi = HAL_USER_VADDR_TOP;
    }
    if (lo < hi) {
        window_clear((uintptr_t)lo, (uintptr_t)hi);
    }
}

void hal_vspace_activate(paddr_t root, word_t asid)
{
    hm.want_root = root;
    hm.want_asid = asid;
}

void hal_vspace_sync_tables(void) {}

void hal_vspace_flush_page(word_t asid, vaddr_t va, unsigned size_bits)
{
    if (!hm.user_mode) {
        return;
    }
    uintptr_t lo = va & ~((1ull << size_bits) - 1u);
    hosted_procs_flush(asid, lo, lo + (1ull << size_bits));
}

/* The ranges this process installed in its window since the window was
 * last emptied, so that emptying it clears only those (a few small mmaps)
 * instead of the whole 1.5 GiB window (which costs the host far more).
 * Private to each address-space process (procs.c). */
#define MAX_FILLED 64u
static _Thread_local struct {
    uintptr_t lo, hi;
} filled[MAX_FILLED];
static _Thread_local unsigned nfilled;
static _Thread_local bool filled_overflow;
static _Thread_local bool window_clean; /* false: it may hold pages not in filled[] */

static void window_note_fill(uintptr_t lo, uintptr_t hi)
{
    if (nfilled == MAX_FILLED) {
        filled_overflow = true;
        return;
    }
    filled[nfilled].lo = lo;
    filled[nfilled].hi = hi;
    nfilled++;
}

/* Remove every page of this process's window. */
void hosted_window_empty(void)
{
    if (filled_overflow || !window_clean) {
        window_clear(HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP);
    } else {
        for (unsigned i = 0; i < nfilled; i++) {
            window_clear(filled[i].lo, filled[i].hi);
        }
    }
    nfilled = 0;
    filled_overflow = false;
    window_clean = true;
}

/* A new process: its window is a copy of its parent's; clear all of it. */
void hosted_window_forget(void)
{
    window_clean = false;
    hosted_window_empty();
}

void hal_vspace_flush_asid(word_t asid)
{
    if (hm.user_mode) {
        hosted_procs_flush_asid(asid);
    }
}

/* Make this process's window show the wanted address space: in the
 * address-space process of it (procs.c), which may be another process;
 * then this call returns only when this process runs user code again. */
static void window_switch(void)
{
    hosted_procs_switch(hm.want_root, hm.want_asid);
}

/* Install the frame containing addr if the current VSpace allows access.
 * Returns false when the access is a VM fault. */
static bool window_fill(uintptr_t addr, bool write, bool exec)
{
    kaal_vspace_walk_t w;
    uint64_t root = hosted_procs_root();
    if (!in_window(addr) || root == 0 || !kaal_vspace_lookup(root, addr, &w)) {
        return false;
    }
    if ((write && !w.writable) || (exec && !w.executable)) {
        return false;
    }
    uint64_t size = 1ull << w.size_bits;
    if (w.vbase < HAL_USER_VADDR_BASE || w.vbase + size > HAL_USER_VADDR_TOP) {
        return false;
    }
    int fd;
    uint64_t off;
    if (w.paddr >= HAL_HOSTED_RAM_BASE && w.paddr + size <= HAL_HOSTED_RAM_BASE + hm.ram_bytes) {
        fd = hm.ram_fd;
        off = w.paddr - HAL_HOSTED_RAM_BASE;
    } else if (w.paddr >= HOSTED_DEVICE_BASE && w.paddr + size <= HOSTED_DEVICE_BASE + HOSTED_DEVICE_SIZE) {
        fd = hm.dev_fd;
        off = w.paddr - HOSTED_DEVICE_BASE;
    } else {
        return false;
    }
    int prot = PROT_READ | (w.writable ? PROT_WRITE : 0) | (w.executable ? PROT_EXEC : 0);
    void *p = mmap((void *)(uintptr_t)w.vbase, size, prot, MAP_SHARED | MAP_FIXED, fd, (off_t)off);
    hm.host_syscalls++;
    if (p == MAP_FAILED) {
        return false;
    }
    window_note_fill((uintptr_t)w.vbase, (uintptr_t)w.vbase + size);
    return true;
}

/* ---- kernel entries ------------------------------------------------------ */

HAL_NORETURN void hosted_kernel_exit(void)
{
    /* Set before the switch: another process may resume this thread. */
    hosted_cur_uctx = kaal_kernel_exit();
    window_switch();
    hm.watch_entries = hm.entries + hm.fills;
    hm.watch_idle_ticks = 0;
    hosted_restore_user(hosted_cur_uctx);
}

void hal_return_to_user(hal_uctx_t *c)
{
    hosted_cur_uctx = c;
    window_switch();
    hosted_restore_user(hosted_cur_uctx);
}

static void entry_common(void)
{
    hm.entries++;
    hm.now += HOSTED_ENTRY_NS;
    hosted_devices_poll();
}

/* Called by the gate on the kernel stack. */
HAL_NORETURN void hosted_syscall_entry(void);
HAL_NORETURN void hosted_syscall_entry(void)
{
    entry_common();
    kaal_entry_syscall();
    hosted_kernel_exit();
}

HAL_NORETURN static void hosted_fault_entry(void)
{
    entry_common();
    kaal_fault_info_t f = hm.fault;
    kaal_entry_fault(&f);
    hosted_kernel_exit();
}

HAL_NORETURN static void hosted_preempt_entry(void)
{
    entry_common();
    /* The thread ran a whole watchdog period without entering the kernel:
     * model that as running until the next event (its slice end or a
     * device interrupt), whichever comes first. */
    uint64_t next = hosted_next_event_time();
    if (next != UINT64_MAX && hm.now < next) {
        hm.now = next;
    }
    hosted_devices_poll();
    hosted_kernel_exit();
}

/* ---- signals --------------------------------------------------------------- */

static void save_ucontext(ucontext_t *uc)
{
    hal_uctx_t *c = hosted_cur_uctx;
    greg_t *g = uc->uc_mcontext.gregs;
    c->r[0] = (uint64_t)g[REG_RIP];
    c->r[1] = (uint64_t)g[REG_RSP];
    c->r[2] = (uint64_t)g[REG_EFL];
    c->r[3] = (uint64_t)g[REG_RAX];
    c->r[4] = (uint64_t)g[REG_RBX];
    c->r[5] = (uint64_t)g[REG_RCX];
    c->r[6] = (uint64_t)g[REG_RDX];
    c->r[7] = (uint64_t)g[REG_RSI];
    c->r[8] = (uint64_t)g[REG_RDI];
    c->r[9] = (uint64_t)g[REG_RBP];
    c->r[10] = (uint64_t)g[REG_R8];
    c->r[11] = (uint64_t)g[REG_R9];
    c->r[12] = (uint64_t)g[REG_R10];
    c->r[13] = (uint64_t)g[REG_R11];
    c->r[14] = (uint64_t)g[REG_R12];
    c->r[15] = (uint64_t)g[REG_R13];
    c->r[16] = (uint64_t)g[REG_R14];
    c->r[17] = (uint64_t)g[REG_R15];
    if (uc->uc_mcontext.fpregs != NULL) {
        memcpy(c->fp, uc->uc_mcontext.fpregs, sizeof(c->fp));
    }
}

/* Leave the signal handler into fn on the kernel stack. */
static void redirect_to_kernel(ucontext_t *uc, void (*fn)(void))
{
    hosted_in_kernel = 1;
    greg_t *g = uc->uc_mcontext.gregs;
    g[REG_RIP] = (greg_t)(uintptr_t)fn;
    g[REG_RSP] = (greg_t)(hosted_kstack_top - 8u);
    g[REG_EFL] &= ~(greg_t)0x40400; /* clear DF and AC for C code */
    if (uc->uc_mcontext.fpregs != NULL) {
        uc->uc_mcontext.fpregs->mxcsr = 0x1f80;
        uc->uc_mcontext.fpregs->cwd = 0x37f;
    }
}

HAL_NORETURN static void kernel_bug(const char *what, ucontext_t *uc, siginfo_t *si)
{
    fprintf(stderr, "kaal-sim: %s inside the kernel at rip %#llx (address %p)\n", what,
            (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], si->si_addr);
    abort();
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    if (hosted_in_kernel) {
        kernel_bug(strsignal(sig), uc, si);
    }
    uintptr_t addr = (uintptr_t)si->si_addr;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    uint64_t err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
    if (sig == SIGSEGV) {
        bool exec = addr == rip;
        bool write = !exec && (err & 2u) != 0;
        if (window_fill(addr, write, exec)) {
            hm.fills++;
            return; /* a TLB fill: retry the access */
        }
        hm.fault.kind = exec ? KAAL_FAULT_VM_INSTR : KAAL_FAULT_VM_DATA;
        hm.fault.addr = addr;
        /* status: x86 page-fault error code (bit 0 present, 1 write, 4 fetch) */
        hm.fault.status = err;
        hm.fault.number = 14;
    } else {
        hm.fault.kind = KAAL_FAULT_USER_EXCEPTION;
        hm.fault.addr = rip;
        hm.fault.status = (uint64_t)si->si_code;
        /* number: x86 vector (6 #UD, 0 #DE/#MF as SIGFPE, 3 #BP, 17 #AC) */
        hm.fault.number = sig == SIGILL ? 6u : sig == SIGFPE ? 0u : sig == SIGTRAP ? 3u : 17u;
    }
    save_ucontext(uc);
    redirect_to_kernel(uc, hosted_fault_entry);
}

static void on_watchdog(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (hosted_in_kernel || !in_window(rip)) {
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
    save_ucontext(uc);
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

static void *map_or_die(void *at, size_t size, int prot, int flags, const char *what)
{
    void *p = mmap(at, size, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "kaal-sim: cannot map %s at %p: %s\n", what, at, strerror(errno));
        exit(70);
    }
    return p;
}

static void make_gate_page(void)
{
    uint8_t *g = map_or_die((void *)HAL_HOSTED_GATE_VADDR, 4096, PROT_READ | PROT_WRITE,
                            MAP_FIXED_NOREPLACE, "the call gate");
    /* jmp *0(%rip); .quad hosted_gate_entry */
    static const uint8_t jmp[6] = {0xff, 0x25, 0, 0, 0, 0};
    uintptr_t target = (uintptr_t)hosted_gate_entry;
    memcpy(g, jmp, sizeof(jmp));
    memcpy(g + sizeof(jmp), &target, sizeof(target));
    if (mprotect(g, 4096, PROT_READ | PROT_EXEC) != 0) {
        perror("kaal-sim: mprotect gate");
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

void hosted_user_start(void)
{
    static bool window_made;
    hosted_procs_start(hm.one_process);
    hm.user_mode = true;
    hm.want_root = 0;
    hm.want_asid = 0;
    if (!window_made) {
        map_or_die((void *)HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP - HAL_USER_VADDR_BASE, PROT_NONE,
                   MAP_FIXED_NOREPLACE | MAP_NORESERVE, "the user window");
        make_gate_page();
        kstack = map_or_die(NULL, KSTACK_SIZE, PROT_READ | PROT_WRITE, 0, "the kernel stack");
        signal_stack = map_or_die(NULL, SIGSTACK_SIZE, PROT_READ | PROT_WRITE, 0, "the signal stack");
        window_made = true;
    }
    window_clean = false; /* the first switch clears the whole window */
    nfilled = 0;
    filled_overflow = false;
    hosted_kstack_top = ((uintptr_t)kstack + KSTACK_SIZE) & ~(uintptr_t)0xf;
    stack_t ss = {.ss_sp = signal_stack, .ss_size = SIGSTACK_SIZE, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    install_handler(SIGSEGV, on_fault);
    install_handler(SIGBUS, on_fault);
    install_handler(SIGILL, on_fault);
    install_handler(SIGFPE, on_fault);
    install_handler(SIGTRAP, on_fault);
    install_handler(SIGVTALRM, on_watchdog);
    hosted_watchdog_start();
    hosted_in_kernel = 1;
}

void hosted_user_stop(void)
{
    hosted_procs_stop();
    if (watchdog_made) {
        timer_delete(watchdog);
        watchdog_made = false;
    }
    signal(SIGVTALRM, SIG_IGN);
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGILL, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGTRAP, SIG_DFL);
    window_clear(HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP);
    hm.user_mode = false;
    hosted_in_kernel = 0;
}
