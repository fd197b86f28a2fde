/*
 * Writing a CPIO "newc" archive, the boot archive's format
 * (docs/processes.md): shared by tools/mkcpio and the microkit tool's
 * kaal_hosted images, so that both write the same bytes.
 */
#ifndef KAAL_TOOLS_CPIO_WRITE_H
#define KAAL_TOOLS_CPIO_WRITE_H

#include <stddef.h>
#include <stdio.h>

/* One entry: its header, name, data, each padded to 4 bytes; *pos counts
 * the bytes written. ino 0 writes mode 0 (the "TRAILER!!!" entry), any
 * other ino a regular file 0644. Inode numbers, times and owners are the
 * caller's or 0, so the archive depends only on names and contents.
 * Returns 0, or -1 if a write failed. */
int cpio_put_entry(FILE *out, unsigned long *pos, unsigned long ino, const char *name,
                   const void *data, size_t size);

#endif
