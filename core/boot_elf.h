/*
 * The kernel's reader of the root task's ELF image (ELF64, little endian,
 * ET_EXEC). Only PT_LOAD segments matter. Every check a malformed image
 * could fail is made here, so boot never reads outside the image.
 */
#ifndef KAAL_BOOT_ELF_H
#define KAAL_BOOT_ELF_H

#include "types.h"

#define BOOT_ELF_MAX_SEGS 8u

typedef struct boot_elf_seg {
    vaddr_t vaddr;
    word_t memsz;
    word_t filesz;
    word_t offset;
    word_t flags; /* PF_X = 1, PF_W = 2, PF_R = 4 */
} boot_elf_seg_t;

typedef struct boot_elf {
    vaddr_t entry;
    vaddr_t vstart; /* lowest page of any segment */
    vaddr_t vend;   /* end of the highest segment, page aligned */
    unsigned nsegs;
    boot_elf_seg_t seg[BOOT_ELF_MAX_SEGS];
} boot_elf_t;

/* Parse img; returns NULL on success or a static reason string. */
const char *boot_elf_parse(const void *img, size_t size, unsigned machine, boot_elf_t *out);

#endif
