/*
 * Host syscalls of the kernel path (run mode), made without libc.
 *
 * While user code runs, FS holds the user thread's TLS base (fs.c), and
 * the kernel keeps it loaded across kernel entries when the next thread
 * has the same base (no host syscall). So code reachable from a kernel
 * entry must not use FS: no _Thread_local, no stack protector, and no
 * libc function that touches its thread control block (errno, stdio
 * locks, cancellation points: write, fork, printf...). The few host
 * syscalls of the kernel path go through hostsys_call() instead; any
 * other libc use first calls hosted_fs_kernel() (fs.c).
 */
#ifndef HOSTED_HOSTSYS_H
#define HOSTED_HOSTSYS_H

#include <stdint.h>
#include <sys/syscall.h>

/* syscall(nr, a0..a5): the raw result (-errno on failure). */
static inline long hostsys_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* Whether a raw result is an error (-4095..-1). */
static inline int hostsys_failed(long ret) { return ret < 0 && ret > -4096; }

/* Write all n bytes at s to fd with raw write syscalls (again after an
 * interrupting signal, -EINTR). 1 when all were written, 0 at the first
 * error or a write of nothing. */
static inline int hostsys_write_all(long fd, const void *s, unsigned long n)
{
    const char *p = s;
    while (n > 0) {
        long r = hostsys_call(SYS_write, fd, (long)(uintptr_t)p, (long)n, 0, 0, 0);
        if (r == -4 /* EINTR */) {
            continue;
        }
        if (hostsys_failed(r) || r == 0) {
            return 0;
        }
        p += r;
        n -= (unsigned long)r;
    }
    return 1;
}

#endif
