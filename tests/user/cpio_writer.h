/*
 * Fixture of the tests that need a boot archive of their own (test_cpio,
 * test_spawn): append one entry to a CPIO newc archive in memory, the way
 * tools/mkcpio.c writes it (header, name, data, each padded to 4 bytes).
 */
#ifndef KAAL_TEST_CPIO_WRITER_H
#define KAAL_TEST_CPIO_WRITER_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Append name (mode, size bytes of data) at arc + *len; *len grows. The
 * caller's buffer must have room. */
static inline void cpio_append(unsigned char *arc, size_t *len, const char *name, unsigned mode,
                               const void *data, size_t size)
{
    size_t namesize = strlen(name) + 1;
    *len += (size_t)sprintf((char *)arc + *len,
                            "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u,
                            mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(arc + *len, name, namesize);
    *len += namesize;
    while (*len % 4) {
        arc[(*len)++] = 0;
    }
    memcpy(arc + *len, data, size);
    *len += size;
    while (*len % 4) {
        arc[(*len)++] = 0;
    }
}

#endif
