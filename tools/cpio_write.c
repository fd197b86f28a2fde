/* CPIO "newc" entries (cpio_write.h). */
#include "cpio_write.h"

#include <string.h>

static int pad4(FILE *out, unsigned long *pos)
{
    while (*pos % 4u != 0) {
        if (fputc(0, out) == EOF) {
            return -1;
        }
        (*pos)++;
    }
    return 0;
}

int cpio_put_entry(FILE *out, unsigned long *pos, unsigned long ino, const char *name,
                   const void *data, size_t size)
{
    unsigned long namesize = strlen(name) + 1u;
    int n = fprintf(out, "070701%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX",
                    ino, ino != 0 ? 0100644ul : 0ul, 0ul, 0ul, 1ul, 0ul, (unsigned long)size, 0ul,
                    0ul, 0ul, 0ul, namesize, 0ul);
    if (n != 110 || fwrite(name, 1, namesize, out) != namesize) {
        return -1;
    }
    *pos += 110u + namesize;
    if (pad4(out, pos) != 0) {
        return -1;
    }
    if (size != 0 && fwrite(data, 1, size, out) != size) {
        return -1;
    }
    *pos += size;
    return pad4(out, pos);
}
