/*
 * The user window [HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP) of this host
 * process: it holds only pages of the address space the process shows,
 * installed lazily from the RAM memfd with the rights of the VSpace entry
 * (a TLB fill, on a SIGSEGV: trap.c), and cleared on flushes (vspace.c,
 * procs.c). In one-process mode an address-space switch empties it, and
 * the return to user code then installs the pages of the thread's pc and
 * stack pointer at once (hosted_window_prefill: for gdb's debug-register
 * breakpoints, docs/debugging.md).
 */
#define _GNU_SOURCE
#include "hosted_internal.h"
#include "hostsys.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* The ranges this process installed in its window since the window was
 * last emptied, so that emptying it clears only those (a few small mmaps)
 * instead of the whole 1.5 GiB window (which costs the host far more). */
#define MAX_FILLED 64u
static HOSTED_PRIVATE struct hosted_range filled[MAX_FILLED];
static HOSTED_PRIVATE unsigned nfilled;
static HOSTED_PRIVATE bool filled_overflow;
static HOSTED_PRIVATE bool window_clean; /* false: it may hold pages not in filled[] */

bool hosted_in_window(uintptr_t a) { return a >= HAL_USER_VADDR_BASE && a < HAL_USER_VADDR_TOP; }

/* mmap without libc (the kernel path runs with the user's FS: hostsys.h). */
static long window_mmap(uintptr_t at, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
    hm.host_syscalls++;
    return hostsys_call(SYS_mmap, (long)at, (long)len, prot, flags, fd, (long)off);
}

static void window_clear(uintptr_t lo, uintptr_t hi)
{
    long r = window_mmap(lo, hi - lo, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    if (hostsys_failed(r)) {
        hosted_fs_kernel();
        fprintf(stderr, "kaal-sim: clearing the user window failed (%ld)\n", r);
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

static void window_note_fill(uintptr_t lo, uintptr_t hi)
{
    if (!hosted_range_add(filled, &nfilled, MAX_FILLED, lo, hi)) {
        filled_overflow = true;
    }
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

/* A new run: the first switch clears the whole window. */
void hosted_window_reset(void)
{
    window_clean = false;
    nfilled = 0;
    filled_overflow = false;
}

bool hosted_window_lookup(uint64_t root, uintptr_t addr, bool write, bool exec,
                          struct hosted_fill *f)
{
    kaal_vspace_walk_t w;
    if (!hosted_in_window(addr) || root == 0 || !kaal_vspace_lookup(root, addr, &w)) {
        return false;
    }
    if ((write && !w.writable) || (exec && !w.executable)) {
        return false;
    }
    uint64_t size = 1ull << w.size_bits;
    if (w.vbase < HAL_USER_VADDR_BASE || w.vbase + size > HAL_USER_VADDR_TOP) {
        return false;
    }
    if (w.paddr >= HAL_HOSTED_RAM_BASE && w.paddr + size <= HAL_HOSTED_RAM_BASE + hm.ram_bytes) {
        f->fd = hm.ram_fd;
        f->off = w.paddr - HAL_HOSTED_RAM_BASE;
    } else if (w.paddr >= HOSTED_DEVICE_BASE && w.paddr + size <= HOSTED_DEVICE_BASE + HOSTED_DEVICE_SIZE) {
        f->fd = hm.dev_fd;
        f->off = w.paddr - HOSTED_DEVICE_BASE;
    } else {
        return false;
    }
    f->vbase = w.vbase;
    f->size = size;
    f->writable = w.writable;
    f->prot = PROT_READ | (w.writable ? PROT_WRITE : 0) | (w.executable ? PROT_EXEC : 0);
    return true;
}

/* Install the frame containing addr if the current VSpace allows access.
 * Returns false when the access is a VM fault. */
bool hosted_window_fill(uintptr_t addr, bool write, bool exec)
{
    struct hosted_fill f;
    if (!hosted_window_lookup(hosted_procs_root(), addr, write, exec, &f)) {
        return false;
    }
    /* One-process mode (make debug): pages the thread cannot write are
     * private mappings, so that gdb can write breakpoints into them (a
     * copy on write of this process's view; refilled, the page shows RAM
     * again). They show RAM as a shared mapping does until gdb writes. */
    int share = f.writable || !hm.one_process ? MAP_SHARED : MAP_PRIVATE;
    if (hostsys_failed(window_mmap((uintptr_t)f.vbase, f.size, f.prot, share | MAP_FIXED, f.fd, f.off))) {
        return false;
    }
    window_note_fill((uintptr_t)f.vbase, (uintptr_t)(f.vbase + f.size));
    return true;
}

static bool window_shows(uintptr_t a)
{
    for (unsigned i = 0; i < nfilled; i++) {
        if (a >= filled[i].lo && a < filled[i].hi) {
            return true;
        }
    }
    return false;
}

/* One-process mode (make debug): on the way back to user code, install the
 * pages of the thread's pc and stack pointer if the window lacks them (it
 * was emptied by an address-space switch), with the same VSpace check as
 * the fills its first accesses would make (nothing it can observe differs;
 * an access the VSpace refuses is left to fault as before).
 * Why: gdb's breakpoints in user code are x86 debug-register breakpoints
 * (tools/gdb/kaal.py: a software breakpoint written into the window would
 * be lost at the next switch, or land in another address space's page).
 * A code breakpoint triggers before the instruction fetch can fault, so
 * at a return address (gdb's `next` over a syscall) gdb would stop on a
 * page the window does not show: it reads zeros there, and the fill's
 * SIGSEGV then arrives during its next single step, which it mistakes for
 * a late breakpoint trap and steps into kaal-sim's signal handler. */
void hosted_window_prefill(uint64_t pc, uint64_t sp)
{
    if (!hm.one_process || !window_clean || filled_overflow) {
        return; /* not debugging, or the window may hold unknown pages */
    }
    if (hosted_in_window((uintptr_t)pc) && !window_shows((uintptr_t)pc)) {
        (void)hosted_window_fill((uintptr_t)pc, false, true);
    }
    if (hosted_in_window((uintptr_t)sp) && !window_shows((uintptr_t)sp)) {
        (void)hosted_window_fill((uintptr_t)sp, false, false);
    }
}
