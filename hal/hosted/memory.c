/*
 * Physical memory of the hosted machine (hal/phys.h): RAM is a memfd
 * mapped once for the kernel at hosted_kvirt_offset (hal_arch.h makes
 * hal_phys_to_kvirt an addition) and page by page into the user window
 * (window.c); device memory is a second memfd.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

HOSTED_SHARED uintptr_t hosted_kvirt_offset;

static void *map_memfd(const char *name, uint64_t size, int *fd_out)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        perror("kaal-sim: memfd");
        exit(70);
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        perror("kaal-sim: mmap RAM");
        exit(70);
    }
    *fd_out = fd;
    return p;
}

/* RAM of ram_bytes (reused if the size is the same: the kernel zeroes
 * every object it creates) and the device memory. */
void hosted_memory_reset(uint64_t ram_bytes)
{
    if (hm.ram != NULL && hm.ram_bytes == ram_bytes) {
        return;
    }
    if (hm.ram != NULL) {
        munmap(hm.ram, hm.ram_bytes);
        close(hm.ram_fd);
    }
    hm.ram_bytes = ram_bytes;
    hm.ram = map_memfd("kaal-ram", ram_bytes, &hm.ram_fd);
    hosted_kvirt_offset = (uintptr_t)hm.ram - HAL_HOSTED_RAM_BASE;
    if (hm.dev == NULL) {
        hm.dev = map_memfd("kaal-devices", HOSTED_DEVICE_SIZE, &hm.dev_fd);
    }
}

char *hosted_shared_buffer(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("kaal-sim: mmap");
        exit(70);
    }
    return p;
}
