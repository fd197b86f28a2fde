/*
 * --guard: user code runs in host processes that map nothing of kaal-sim
 * (docs/architecture.md "--guard"), the way User-Mode Linux's SKAS mode
 * runs its processes. kaal-sim (the kernel process) never runs user code;
 * each address space gets a user process that it creates and traces:
 *
 *   fork; in the child: the RAM and device memfds as descriptors 3 and 4,
 *   every other descriptor closed, a seccomp filter (below),
 *   PTRACE_TRACEME, execveat of the stub (guard_stub.S, from a memfd);
 *   then the tracer unmaps everything of the new process but the stub's
 *   two pages (its stack, the vDSO, vvar), maps the clock page read-only
 *   (clock.c; descriptor 6, then closed), sets its TSC rule and its
 *   watchdog timer by syscalls it injects at the stub's `syscall; int3`.
 *
 * The process then holds the stub, the gate page, the clock page and
 * the window pages of its address space, which the tracer installs on
 * demand (injected mmap of the memfds) and removes on flushes (injected munmap). User code can
 * make no host syscall: the tracer resumes it with PTRACE_SYSEMU, so each
 * one stops before it runs; the seccomp filter (which ptrace's SYSEMU
 * precedes) adds that a syscall reaching seccomp at all must come from
 * the stub's page, which catches the vsyscall page's emulated calls.
 *
 * guard_run.c is the kernel's loop that runs threads in these processes.
 */
#define _GNU_SOURCE
#include "guard.h"
#include "procs.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* kaal-sim links the stub (guard_stub_blob); other programs do not. */
extern const unsigned char kaal_guard_stub_elf[] __attribute__((weak));
extern const unsigned long kaal_guard_stub_elf_size __attribute__((weak));

HOSTED_PRIVATE struct guard_proc guard_procs[GUARD_MAX_PROCS];
HOSTED_PRIVATE size_t guard_xsize;
HOSTED_PRIVATE uint8_t *guard_xbuf;
static HOSTED_PRIVATE uint64_t use_clock;
static HOSTED_PRIVATE int stub_fd = -1;

#define IP_LO offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI (IP_LO + 4u)
/* Allow a syscall from the stub's page (the injected ones) or, before the
 * exec, from libc (above 2^46 without address randomization); trap any
 * other (the vsyscall page's emulation: the top of the address space). */
static const struct sock_filter user_filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_HI),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_LO),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)GUARD_STUB_PAGE, 0, 4),
    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)GUARD_STUB_PAGE + 4096u, 3, 2),
    /* high half not 0: libc's region [0x4000_0000_0000, 0x8000_0000_0000) */
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x4000u, 0, 2),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x8000u, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
};

void guard_fail(const char *what)
{
    int e = errno;
    fprintf(stderr, "kaal-sim --guard: %s%s%s\n", what, e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
    hosted_guard_stop();
    exit(70);
}

long guard_ptrace(int req, pid_t pid, void *addr, void *data)
{
    hm.host_syscalls++;
    return ptrace((enum __ptrace_request)req, pid, addr, data);
}

int guard_wait(struct guard_proc *g)
{
    int st;
    for (;;) {
        hm.host_syscalls++;
        pid_t r = waitpid(g->pid, &st, __WALL);
        if (r == g->pid) {
            break;
        }
        if (r < 0 && errno != EINTR) {
            guard_fail("waitpid (a user process)");
        }
    }
    if (!WIFSTOPPED(st)) {
        g->pid = 0;
        errno = 0;
        guard_fail(WIFSIGNALED(st) ? "a user process was killed" : "a user process exited");
    }
    return st;
}

long guard_inject(struct guard_proc *g, long nr, long a0, long a1, long a2, long a3, long a4,
                  long a5)
{
    struct user_regs_struct r = g->regs;
    r.rip = GUARD_STUB_SYSCALL;
    r.rax = (unsigned long)nr;
    r.orig_rax = (unsigned long)-1;
    r.rdi = (unsigned long)a0;
    r.rsi = (unsigned long)a1;
    r.rdx = (unsigned long)a2;
    r.r10 = (unsigned long)a3;
    r.r8 = (unsigned long)a4;
    r.r9 = (unsigned long)a5;
    r.eflags = 0x202;
    if (guard_ptrace(PTRACE_SETREGS, g->pid, NULL, &r) != 0) {
        guard_fail("PTRACE_SETREGS (injecting a syscall)");
    }
    for (;;) { /* until the stub's int3; drop the watchdog's ticks */
        if (guard_ptrace(PTRACE_CONT, g->pid, NULL, NULL) != 0) {
            guard_fail("PTRACE_CONT");
        }
        int st = guard_wait(g);
        if (WSTOPSIG(st) == SIGTRAP) {
            break;
        }
        if (WSTOPSIG(st) != SIGVTALRM) {
            errno = 0;
            guard_fail("an injected syscall stopped on a signal");
        }
    }
    if (guard_ptrace(PTRACE_GETREGS, g->pid, NULL, &r) != 0) {
        guard_fail("PTRACE_GETREGS");
    }
    return (long)r.rax;
}

/* Unmap every mapping of the new process but the stub's two pages. */
static void scrub(struct guard_proc *g)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)g->pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        guard_fail("reading a user process's maps");
    }
    unsigned long lo[32], hi[32];
    unsigned n = 0;
    char line[512];
    while (n < 32 && fgets(line, sizeof(line), f) != NULL) {
        unsigned long a, b;
        if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a != GUARD_STUB_PAGE &&
            a != HAL_HOSTED_GATE_VADDR && strstr(line, "[vsyscall]") == NULL) {
            lo[n] = a;
            hi[n] = b;
            n++;
        }
    }
    fclose(f);
    for (unsigned i = 0; i < n; i++) {
        if (guard_inject(g, SYS_munmap, (long)lo[i], (long)(hi[i] - lo[i]), 0, 0, 0, 0) != 0) {
            guard_fail("unmapping a user process's start-up mappings");
        }
    }
}

HAL_NORETURN static void child(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* Through high numbers first, so that no dup2 overwrites a source;
     * dup2 clears close-on-exec. */
    int ram = fcntl(hm.ram_fd, F_DUPFD, 100), dev = fcntl(hm.dev_fd, F_DUPFD, 100);
    int stub = fcntl(stub_fd, F_DUPFD, 100), clk = fcntl(hosted_clock_fd(), F_DUPFD, 100);
    if (ram < 0 || dev < 0 || stub < 0 || clk < 0 || dup2(ram, GUARD_RAM_FD) < 0 ||
        dup2(dev, GUARD_DEV_FD) < 0 || dup2(stub, GUARD_STUB_FD) < 0 ||
        dup2(clk, GUARD_CLOCK_FD) < 0) {
        _exit(70);
    }
    for (int fd = 0; fd < 1024; fd++) {
        if (fd != GUARD_RAM_FD && fd != GUARD_DEV_FD && fd != GUARD_STUB_FD &&
            fd != GUARD_CLOCK_FD) {
            close(fd);
        }
    }
    struct sock_fprog prog = {
        .len = (unsigned short)(sizeof(user_filter) / sizeof(user_filter[0])),
        .filter = (struct sock_filter *)user_filter,
    };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0 ||
        ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) {
        _exit(70);
    }
    char *argv[] = {"kaal-user", NULL};
    char *envp[] = {NULL};
    syscall(SYS_execveat, GUARD_STUB_FD, "", argv, envp, AT_EMPTY_PATH);
    _exit(70);
}

static void spawn(struct guard_proc *g)
{
    hm.host_syscalls++;
    pid_t pid = fork();
    if (pid < 0) {
        guard_fail("fork (a user process)");
    }
    if (pid == 0) {
        child();
    }
    g->pid = pid;
    int st = guard_wait(g); /* the exec's SIGTRAP */
    long opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD;
    if (WSTOPSIG(st) != SIGTRAP || guard_ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts) != 0 ||
        guard_ptrace(PTRACE_CONT, pid, NULL, NULL) != 0) {
        guard_fail("starting a user process");
    }
    st = guard_wait(g); /* the stub's first int3 */
    if (WSTOPSIG(st) != SIGTRAP || guard_ptrace(PTRACE_GETREGS, pid, NULL, &g->regs) != 0) {
        guard_fail("starting a user process (no stub)");
    }
    scrub(g);
    /* The user clock page (clock.c), read-only, as in the other modes. */
    if (guard_inject(g, SYS_mmap, (long)HAL_HOSTED_CLOCK_VADDR, 4096, PROT_READ,
                     MAP_SHARED | MAP_FIXED, GUARD_CLOCK_FD, 0) != (long)HAL_HOSTED_CLOCK_VADDR ||
        guard_inject(g, SYS_close, GUARD_CLOCK_FD, 0, 0, 0, 0, 0) != 0) {
        guard_fail("mapping the clock page in a user process");
    }
    if (!hm.allow_rdtsc && guard_inject(g, SYS_prctl, PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0, 0) != 0) {
        guard_fail("PR_SET_TSC in a user process");
    }
    if (guard_inject(g, SYS_setitimer, ITIMER_VIRTUAL, (long)GUARD_STUB_ITIMER, 0, 0, 0, 0) != 0 ||
        guard_inject(g, SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0, 0) != 0) {
        guard_fail("setting a user process up");
    }
    if (guard_xsize == 0) {
        guard_xbuf = malloc(16384);
        struct iovec iov = {guard_xbuf, 16384};
        if (guard_xbuf == NULL || guard_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov) != 0 ||
            iov.iov_len > hosted_xslot_bytes) {
            guard_fail("the XSAVE regset of a user process");
        }
        guard_xsize = iov.iov_len;
    }
    hosted_ps.processes_used++;
}

/* Remove [lo, hi) from g's window. */
static void hosted_guard_flush_window(struct guard_proc *g, uint64_t lo, uint64_t hi)
{
    if (guard_inject(g, SYS_munmap, (long)lo, (long)(hi - lo), 0, 0, 0, 0) != 0) {
        guard_fail("clearing a user process's window");
    }
}

struct guard_proc *guard_proc_for(uint64_t root, uint64_t asid)
{
    struct guard_proc *unborn = NULL, *lru = NULL;
    for (unsigned i = 0; i < GUARD_MAX_PROCS; i++) {
        struct guard_proc *g = &guard_procs[i];
        if (g->pid != 0 && g->root == root && g->asid == asid) {
            g->last_use = ++use_clock;
            return g;
        }
        if (g->pid == 0) {
            unborn = unborn == NULL ? g : unborn;
        } else if (lru == NULL || g->last_use < lru->last_use) {
            lru = g;
        }
    }
    struct guard_proc *g = unborn != NULL ? unborn : lru;
    if (g->pid == 0) {
        spawn(g);
    } else {
        guard_xstate_collect(g->xlive, NULL);
        hosted_guard_flush_window(g, HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP);
    }
    g->root = root;
    g->asid = asid;
    g->last_use = ++use_clock;
    return g;
}


void hosted_guard_flush(uint64_t asid, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < GUARD_MAX_PROCS; i++) {
        struct guard_proc *g = &guard_procs[i];
        if (g->pid != 0 && g->root != 0 && g->asid == asid) {
            hosted_guard_flush_window(g, lo, hi);
        }
    }
}

void hosted_guard_flush_asid(uint64_t asid)
{
    for (unsigned i = 0; i < GUARD_MAX_PROCS; i++) {
        struct guard_proc *g = &guard_procs[i];
        if (g->pid != 0 && g->root != 0 && g->asid == asid) {
            hosted_guard_flush_window(g, HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP);
            g->root = 0;
            g->asid = 0;
        }
    }
}

void hosted_guard_xstate_reset(const struct hal_uctx *c)
{
    for (unsigned i = 0; i < GUARD_MAX_PROCS; i++) {
        if (guard_procs[i].xlive == c) {
            guard_procs[i].xlive = NULL; /* the slot is the new state */
        }
    }
}

void hosted_guard_start(void)
{
    if (kaal_guard_stub_elf == NULL) {
        fprintf(stderr, "kaal-sim: this build has no --guard (a fuzz build)\n");
        exit(64);
    }
    if (stub_fd < 0) {
        stub_fd = memfd_create("kaal-guard-stub", MFD_CLOEXEC);
        if (stub_fd < 0 || write(stub_fd, kaal_guard_stub_elf, kaal_guard_stub_elf_size) !=
                               (ssize_t)kaal_guard_stub_elf_size) {
            guard_fail("the stub's memfd");
        }
    }
    memset(guard_procs, 0, sizeof(guard_procs));
    use_clock = 0;
}

void hosted_guard_stop(void)
{
    for (unsigned i = 0; i < GUARD_MAX_PROCS; i++) {
        if (guard_procs[i].pid > 0) {
            kill(guard_procs[i].pid, SIGKILL);
            waitpid(guard_procs[i].pid, NULL, __WALL);
            guard_procs[i].pid = 0;
        }
    }
}
