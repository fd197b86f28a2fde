/*
 * Confinement of user code (run mode; docs/architecture.md "What user code
 * can reach"). Set up once in the original process, before the first
 * address-space process is forked (all three are inherited):
 *
 *  - a seccomp-BPF filter: a host syscall whose instruction lies in the
 *    gate page or the user window, [HAL_HOSTED_GATE_VADDR,
 *    HAL_USER_VADDR_TOP], is not run but raises SIGSYS (SECCOMP_RET_TRAP);
 *    trap.c makes it the UserException a CPU without SYSCALL gives (#UD,
 *    number 6). Syscalls from kaal-sim's own code (its text, libc, the
 *    vDSO: all outside that range) run as before.
 *  - user-mode rdtsc/rdtscp raise SIGSEGV (PR_SET_TSC, PR_TSC_SIGSEGV):
 *    a #GP, UserException number 13, unless cfg.allow_rdtsc (kaal-sim
 *    --allow-rdtsc, used by the hosted benchmark). The kernel's own code
 *    never reads the TSC (turn.c counts pause loops instead).
 *  - PR_SET_DUMPABLE 0 (not in one-process mode, where a user attaches
 *    gdb): other host processes of the same user cannot ptrace the
 *    address-space processes or read their memory through /proc; user code
 *    itself cannot try (ptrace, process_vm_readv and open are syscalls).
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>

static HOSTED_PRIVATE bool confined;

/* seccomp_data.instruction_pointer, as two 32-bit halves (little endian). */
#define IP_LO offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI (IP_LO + 4u)

/* The address after the syscall instruction is checked, so the range is
 * closed at both ends: an instruction that ends at the window's top is in
 * it. The bounds fit 32 bits (static asserts below). */
_Static_assert(HAL_USER_VADDR_TOP < 0xffffffffull, "the window lies below 4 GiB");
_Static_assert(HAL_HOSTED_GATE_VADDR < HAL_USER_VADDR_BASE, "the gate page precedes the window");

static const struct sock_filter user_filter[] = {
    /* high half of the IP not 0: kaal-sim's code */
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_HI),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_LO),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)HAL_HOSTED_GATE_VADDR, 0, 2),
    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)HAL_USER_VADDR_TOP, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

HAL_NORETURN static void confine_failed(const char *what)
{
    perror(what);
    exit(70);
}

void hosted_confine(bool allow_rdtsc, bool debuggable)
{
    if (!allow_rdtsc && prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) != 0) {
        confine_failed("kaal-sim: prctl(PR_SET_TSC)");
    }
    if (confined) {
        return; /* a second run in this process: the filter stays */
    }
    if (!debuggable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        confine_failed("kaal-sim: prctl(PR_SET_DUMPABLE)");
    }
    struct sock_fprog prog = {
        .len = (unsigned short)(sizeof(user_filter) / sizeof(user_filter[0])),
        .filter = (struct sock_filter *)user_filter,
    };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
        confine_failed("kaal-sim: installing the seccomp filter");
    }
    confined = true;
}

/* The run is over (hosted_user_stop): no user code runs any more, so the
 * TSC is allowed again. The ban is inherited by exec, and the dynamic
 * loader of a program started after the run reads the TSC: the ASan
 * build's LeakSanitizer starts llvm-symbolizer at exit, which died of it,
 * and kaal-sim with it (SIGPIPE, no report). */
void hosted_confine_end(void)
{
    (void)prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0);
}
