/*
 * The FS base of a host process: user TLS on the hosted CPU.
 *
 * A thread's TLS base (TCB SetTLSBase, register 18 = HOSTED_R_FSBASE) is
 * the FS base while its code runs, as TPIDR_EL0 is on arm64. Where the
 * host lets user code write FS (FSGSBASE instructions enabled: Linux 5.9
 * and later on a CPU that has them, AT_HWCAP2), setting it is one
 * wrfsbase; elsewhere it is a host syscall (arch_prctl). Each process
 * remembers the base it last loaded and sets FS on the way to user code
 * only when the next thread's base differs. The kernel path therefore runs with the user's FS and never
 * depends on it (hostsys.h); before any libc call the kernel loads
 * kaal-sim's own base again (hosted_fs_kernel).
 *
 * A base that the host refuses (not a canonical user address) loads 0
 * instead, so that TLS accesses of that thread fault. Builds whose kernel
 * code is instrumented (fuzz, sanitizers: thread-local counters in every
 * function) define HOSTED_KERNEL_FS_ONLY and keep kaal-sim's own FS.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"
#include "hostsys.h"

#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

static HOSTED_PRIVATE uint64_t kernel_fs; /* kaal-sim's own (the same after fork) */
static HOSTED_PRIVATE uint64_t loaded_fs; /* loaded now */
static HOSTED_PRIVATE bool fs_known;
/* The host lets user code write FS itself (FSGSBASE, Linux 5.9 and later:
 * AT_HWCAP2 bit 1): no host syscall per change. */
static HOSTED_PRIVATE bool fs_wrfsbase;
#define HWCAP2_FSGSBASE_BIT (1ul << 1)
/* Bases ARCH_SET_FS accepts with 4-level paging (TASK_SIZE_MAX). */
#define FS_BASE_LIMIT ((1ull << 47) - 4096u)

static long set_fs(uint64_t base)
{
    if (fs_wrfsbase) {
        if (base >= FS_BASE_LIMIT) {
            return -22; /* EINVAL, as the host refuses it */
        }
        __asm__ volatile("wrfsbase %0" ::"r"(base) : "memory");
        return 0;
    }
    hm.host_syscalls++;
    return hostsys_call(SYS_arch_prctl, ARCH_SET_FS, (long)base, 0, 0, 0, 0);
}

void hosted_fs_start(void)
{
    if (!fs_known) {
        (void)hostsys_call(SYS_arch_prctl, ARCH_GET_FS, (long)(uintptr_t)&kernel_fs, 0, 0, 0, 0);
        fs_known = true;
        fs_wrfsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE_BIT) != 0;
    }
    loaded_fs = kernel_fs;
}

void hosted_fs_user(uint64_t base)
{
#ifdef HOSTED_KERNEL_FS_ONLY
    base = kernel_fs; /* an instrumented build (meson.build): no user TLS */
#endif
    if (base == loaded_fs) {
        return;
    }
    if (hostsys_failed(set_fs(base))) {
        base = 0;
        (void)set_fs(0);
    }
    loaded_fs = base;
}

void hosted_fs_kernel(void)
{
    if (fs_known && loaded_fs != kernel_fs) {
        (void)set_fs(kernel_fs);
        loaded_fs = kernel_fs;
    }
}
