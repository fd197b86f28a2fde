/*
 * The user clock of the hosted machine (docs/abi.md "Clock"): virtual time
 * that user code reads with a load, without entering the kernel and without
 * a host syscall, the way arm64 user code reads CNTVCT_EL0.
 *
 *   0x0fffd000  the clock page, read-only in every host process that runs
 *               user code (this one, the address-space processes forked
 *               from it, --guard's user processes)
 *   0x0fffe000  --guard's stub (guard.h)
 *   0x0ffff000  the call gate (gate.S)
 *   0x10000000  the user window
 *
 * The page is one memfd: kaal-sim keeps a writable view of it (clock_rw,
 * mapped before the first fork, so every address-space process writes the
 * same page) and maps it read-only at HAL_HOSTED_CLOCK_VADDR; a --guard
 * user process gets the memfd as a descriptor and maps it read-only by an
 * injected mmap (guard.c). The kernel writes hm.now into it at every kernel
 * exit (hosted_clock_publish): user code runs "infinitely fast" between two
 * kernel entries, so while it runs the page holds exactly the machine's
 * virtual time, in every mode, and two runs read the same values.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* What user code sees (libkaal's arch/hosted/clock.c reads the same
 * layout). */
struct hosted_clock_page {
    uint64_t now_ns; /* hm.now at the last kernel exit */
    uint64_t hz;     /* ticks per second of now_ns: 10^9 */
};

static HOSTED_PRIVATE int clock_fd = -1;
static HOSTED_PRIVATE volatile struct hosted_clock_page *clock_rw;
static HOSTED_PRIVATE bool clock_user_mapped;

HAL_NORETURN static void clock_failed(const char *what)
{
    fprintf(stderr, "kaal-sim: the user clock page: %s: %s\n", what, strerror(errno));
    exit(70);
}

void hosted_clock_start(void)
{
    if (clock_fd < 0) {
        clock_fd = memfd_create("kaal-clock", MFD_CLOEXEC);
        if (clock_fd < 0 || ftruncate(clock_fd, 4096) != 0) {
            clock_failed("memfd");
        }
        void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, clock_fd, 0);
        if (p == MAP_FAILED) {
            clock_failed("mmap");
        }
        clock_rw = p;
    }
    clock_rw->hz = 1000000000u;
    hosted_clock_publish();
}

void hosted_clock_map_user(void)
{
    if (clock_user_mapped) {
        return;
    }
    void *p = mmap((void *)HAL_HOSTED_CLOCK_VADDR, 4096, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE,
                   clock_fd, 0);
    if (p != (void *)HAL_HOSTED_CLOCK_VADDR) {
        clock_failed("mmap at 0x0fffd000");
    }
    clock_user_mapped = true;
}

int hosted_clock_fd(void) { return clock_fd; }

void hosted_clock_publish(void)
{
    if (clock_rw != NULL) {
        clock_rw->now_ns = hm.now;
    }
}
