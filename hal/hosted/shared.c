/* The shared range (shared.h): remapped as shared memory before the first
 * address-space process is forked (procs.c). */
#define _GNU_SOURCE
#include "shared.h"
#include "hostsys.h"

#include <hal/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* shared.ld; weak so that a program linked without it still links (it
 * only needs the range if it forks address-space processes). */
extern char __kaal_shared_start[] __attribute__((weak));
extern char __kaal_shared_end[] __attribute__((weak));

static HOSTED_PRIVATE bool shared_done;

HAL_NORETURN static void share_failed(const char *why)
{
    fprintf(stderr, "kaal-sim: cannot share the kernel's memory: %s\n", why);
    exit(70);
}

void hosted_share_memory(void)
{
    if (shared_done) {
        return;
    }
    uintptr_t lo = (uintptr_t)__kaal_shared_start;
    uintptr_t hi = (uintptr_t)__kaal_shared_end;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    if (lo == 0 || hi <= lo || lo % page != 0 || hi % page != 0) {
        share_failed("not linked with hal/hosted/shared.ld");
    }
    size_t len = hi - lo;
    int fd = memfd_create("kaal-shared", MFD_CLOEXEC);
    if (fd < 0) {
        share_failed("memfd");
    }
    /* A raw write, not libc's: in a sanitizer build (make configure-fuzz)
     * the range holds the redzones AddressSanitizer puts between globals,
     * and its write() interceptor would report reading them as a
     * global-buffer-overflow at start. The copy must include them. */
    if (!hostsys_write_all(fd, (const void *)lo, len)) {
        share_failed("memfd write");
    }
    /* From here to the mmap nothing writes the range: the copy is exact. */
    if (mmap((void *)lo, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
        MAP_FAILED) {
        share_failed("mmap");
    }
    close(fd);
    shared_done = true;
}
