/*
 * ELF64 reader for user program images (docs/processes.md).
 *
 * kaal_elf_parse() checks an image completely before anything is created
 * from it, and turns its PT_LOAD program headers into a list of segments
 * with the rights each must be mapped with:
 *
 *   text    PF_R|PF_X  -> "R-X"   read, execute
 *   rodata  PF_R       -> "R--"   read, ExecuteNever
 *   data    PF_R|PF_W  -> "RW-"   read, write, ExecuteNever (+ .bss: memsz > filesz)
 *
 * Rejected: a truncated image (header, program headers or segment bytes past
 * the end), bad magic/class/endianness/version, a machine other than the one
 * asked for, a type other than ET_EXEC, a segment writable and executable,
 * filesz > memsz, segments that overlap (at page granularity: every page gets
 * one frame with one set of rights), a segment outside [vbase, vtop), an
 * entry point outside the executable segments, no loadable segment.
 *
 * Pure and freestanding: no allocation, reads only inside [image, image+size).
 */
#ifndef KAAL_ELF_H
#define KAAL_ELF_H

#include <stddef.h>
#include <stdint.h>

#define KAAL_ELF_MAX_SEGMENTS 8u
#define KAAL_ELF_MAX_PHDRS 64u

/* Machines (e_machine). */
#define KAAL_EM_X86_64 62u
#define KAAL_EM_AARCH64 183u
#if defined(__aarch64__)
#define KAAL_EM_NATIVE KAAL_EM_AARCH64
#else
#define KAAL_EM_NATIVE KAAL_EM_X86_64
#endif

/* Segment flags (p_flags). */
#define KAAL_PF_X 1u
#define KAAL_PF_W 2u
#define KAAL_PF_R 4u

/* ---- The on-disk structures (ELF-64 Object File Format, v1.5) ---------- */
typedef struct kaal_elf64_ehdr {
    uint8_t e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} kaal_elf64_ehdr_t;

typedef struct kaal_elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
} kaal_elf64_phdr_t;

#define KAAL_ET_EXEC 2u
#define KAAL_PT_LOAD 1u
#define KAAL_PT_TLS 7u

typedef enum kaal_elf_error {
    KAAL_ELF_OK = 0,
    KAAL_ELF_TRUNCATED,        /* ELF header past the end of the image */
    KAAL_ELF_BAD_MAGIC,        /* not \x7fELF */
    KAAL_ELF_BAD_CLASS,        /* not ELFCLASS64 little-endian version 1 */
    KAAL_ELF_WRONG_MACHINE,    /* e_machine is not the one asked for */
    KAAL_ELF_NOT_EXEC,         /* e_type is not ET_EXEC */
    KAAL_ELF_BAD_PHDRS,        /* bad e_phentsize/e_phnum or table past the end */
    KAAL_ELF_SEG_TRUNCATED,    /* segment bytes past the end of the image */
    KAAL_ELF_SEG_FILESZ,       /* p_filesz > p_memsz */
    KAAL_ELF_SEG_WX,           /* segment both writable and executable */
    KAAL_ELF_SEG_RANGE,        /* segment outside [vbase, vtop) or wraps */
    KAAL_ELF_SEG_OVERLAP,      /* two segments share a page */
    KAAL_ELF_TOO_MANY_SEGS,    /* more than KAAL_ELF_MAX_SEGMENTS PT_LOADs */
    KAAL_ELF_NO_SEGMENTS,      /* nothing to load */
    KAAL_ELF_BAD_ENTRY,        /* entry point not in an executable segment */
    KAAL_ELF_NUM_ERRORS,
} kaal_elf_error_t;

/* One loadable segment, as checked. */
typedef struct kaal_elf_segment {
    uint64_t vaddr;   /* p_vaddr (any alignment) */
    uint64_t memsz;   /* bytes in memory; [filesz, memsz) is zero */
    uint64_t offset;  /* p_offset in the image */
    uint64_t filesz;
    uint32_t flags;   /* KAAL_PF_* */
} kaal_elf_segment_t;

typedef struct kaal_elf_image {
    const uint8_t *image;
    size_t size;
    uint64_t entry;
    uint64_t vstart;  /* lowest page of any segment */
    uint64_t vend;    /* one past the highest page */
    unsigned nsegs;   /* sorted by vaddr */
    kaal_elf_segment_t seg[KAAL_ELF_MAX_SEGMENTS];
    uint64_t tls_memsz; /* the PT_TLS segment's p_memsz, 0 without one */
    uint64_t tls_align; /* its p_align as given (0 or 1: none), 1 without one */
} kaal_elf_image_t;

/* Check image [image, image+size) as a user program for machine, with all
 * segments inside [vbase, vtop) (BootInfo's user_vaddr_base/top), and fill
 * *out. Returns KAAL_ELF_OK, or the first problem found (*out then holds
 * nothing usable). */
kaal_elf_error_t kaal_elf_parse(const void *image, size_t size, uint16_t machine,
                                uint64_t vbase, uint64_t vtop, kaal_elf_image_t *out);

/* "R-X", "R--", "RW-" for a segment's flags (never "RWX": such a segment
 * is rejected). Every loaded segment is readable. */
const char *kaal_elf_rights_text(uint32_t flags);

/* A short English text for an error code (never NULL). */
const char *kaal_elf_strerror(kaal_elf_error_t err);

#endif
