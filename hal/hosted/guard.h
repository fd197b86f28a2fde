/*
 * --guard (guard.c, guard_run.c): user code runs in traced host
 * processes that map nothing of kaal-sim (docs/architecture.md "--guard").
 */
#ifndef HOSTED_GUARD_H
#define HOSTED_GUARD_H

#include "hosted_internal.h"

#include <sys/types.h>
#include <sys/user.h>

#define GUARD_MAX_PROCS 16u
#define GUARD_STUB_PAGE 0x0fffe000ull
#define GUARD_STUB_SYSCALL 0x0fffe001ull /* guard_stub.S: syscall; int3 */
#define GUARD_STUB_ITIMER 0x0fffe800ull  /* its constant itimerval */
#define GUARD_RAM_FD 3
#define GUARD_DEV_FD 4
#define GUARD_STUB_FD 5  /* until the exec */
#define GUARD_CLOCK_FD 6 /* until the clock page is mapped (guard.c) */

/* A user process: the address space its window shows, and the registers
 * it was last stopped with (segment registers kept from its start). */
struct guard_proc {
    pid_t pid; /* 0: none yet */
    uint64_t root, asid, last_use;
    struct user_regs_struct regs;
    /* The thread whose XSAVE state the process's CPU holds (NULL: none):
     * read back into its slot only when another thread needs the CPU
     * (guard_run.c), so a thread that keeps running costs no regset. */
    const struct hal_uctx *xlive;
};

/* What stopped a user process. */
enum guard_event { GUARD_SYSCALL, GUARD_FAULT, GUARD_PREEMPT, GUARD_AGAIN };

/* guard.c */
extern struct guard_proc guard_procs[GUARD_MAX_PROCS];
/* The process of (root, asid), created or retagged if needed. */
struct guard_proc *guard_proc_for(uint64_t root, uint64_t asid);
/* Run syscall nr with args in g (stopped); its result (-errno). */
long guard_inject(struct guard_proc *g, long nr, long a0, long a1, long a2, long a3, long a4,
                  long a5);
/* waitpid for g's next stop; a process that died ends the run. */
int guard_wait(struct guard_proc *g);
HAL_NORETURN void guard_fail(const char *what);
/* Bring every thread's XSAVE state held by a process other than keep
 * (NULL: all) into its slot (guard_run.c). */
void guard_xstate_collect(const struct hal_uctx *c, const struct guard_proc *keep);
/* ptrace, counted as a host syscall. */
long guard_ptrace(int req, pid_t pid, void *addr, void *data);
/* The XSAVE image size of the host's ptrace regset. */
extern size_t guard_xsize;
extern uint8_t *guard_xbuf;

#endif
