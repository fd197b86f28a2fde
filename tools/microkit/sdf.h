/*
 * A Microkit system description (the XML "system file"), parsed and
 * checked (sdf.c), as the `microkit` tool reads it (docs/microkit.md).
 *
 *   mk_system_t
 *     pd[]       protection domains in document order; a nested PD names
 *                its parent by index (parent >= 0) and has a child id
 *     mr[]       memory regions
 *     ch[]       channels: two ends, each a PD index and that PD's id
 *
 * Invariants after mk_sdf_parse() returns 0 (mk_sdf_check() holds them):
 *   - every name is unique among PDs and among MRs;
 *   - every PD index and MR index stored in the tables is valid;
 *   - per PD, channel-end ids and IRQ ids are distinct and < MK_MAX_ID,
 *     child ids are distinct and < MK_MAX_ID;
 *   - every map names an MR, is aligned to its page size and overlaps no
 *     other map of the same PD; IRQ numbers are distinct in the system;
 *   - every `line` is the line of the element in the file, for messages.
 * Sizes are fixed: no allocation beyond the XML library's own.
 */
#ifndef MK_SDF_H
#define MK_SDF_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#define MK_MAX_PDS 63      /* Microkit's limit of protection domains */
#define MK_MAX_ID 63       /* channel, IRQ and child ids are 0 .. 62 */
#define MK_MAX_MRS 128
#define MK_MAX_CHANNELS 256
#define MK_MAX_MAPS 64     /* per PD */
#define MK_MAX_IRQS 64     /* per PD */
#define MK_MAX_SETVARS 64  /* per PD */
#define MK_NAME_MAX 64
#define MK_PATH_MAX 512
#define MK_MAX_PRIORITY 254

#define MK_PERM_R 1u
#define MK_PERM_W 2u
#define MK_PERM_X 4u

typedef struct mk_map {
    char mr_name[MK_NAME_MAX];
    int mr;                          /* index into mr[] */
    uint64_t vaddr;
    unsigned perms;                  /* MK_PERM_* */
    bool cached;
    char setvar_vaddr[MK_NAME_MAX];  /* "" if none */
    char setvar_size[MK_NAME_MAX];
    int line;
} mk_map_t;

typedef struct mk_irq {
    uint64_t irq;
    unsigned id;
    bool edge;                       /* trigger="edge"; default level */
    char setvar_id[MK_NAME_MAX];
    int line;
} mk_irq_t;

typedef struct mk_setvar {
    char symbol[MK_NAME_MAX];
    char region_name[MK_NAME_MAX];
    int region;                      /* MR whose physical address it gets */
    int line;
} mk_setvar_t;

typedef struct mk_pd {
    char name[MK_NAME_MAX];
    unsigned priority;
    uint64_t budget_us, period_us;
    bool passive;
    uint64_t stack_size;
    int parent;                      /* -1: top level */
    unsigned child_id;               /* id in the parent, if parent >= 0 */
    char setvar_id[MK_NAME_MAX];
    char image[MK_PATH_MAX];         /* program_image path as written */
    char image_found[MK_PATH_MAX];   /* resolved through the search path */
    int image_line;
    mk_map_t map[MK_MAX_MAPS];
    unsigned nmaps;
    mk_irq_t irq[MK_MAX_IRQS];
    unsigned nirqs;
    mk_setvar_t setvar[MK_MAX_SETVARS];
    unsigned nsetvars;
    int line;
} mk_pd_t;

typedef struct mk_mr {
    char name[MK_NAME_MAX];
    uint64_t size;
    uint64_t page_size;
    bool fixed;                      /* phys_addr given */
    uint64_t paddr;
    char prefill[MK_PATH_MAX];
    int line;
} mk_mr_t;

typedef struct mk_end {
    char pd_name[MK_NAME_MAX];
    int pd;
    unsigned id;
    bool pp;                         /* this end may call the other's protected() */
    bool notify;                     /* this end may notify the other */
    int line;
} mk_end_t;

typedef struct mk_channel {
    mk_end_t end[2];
    int line;
} mk_channel_t;

typedef struct mk_system {
    const char *file;                /* for messages */
    mk_pd_t pd[MK_MAX_PDS];
    unsigned npds;
    mk_mr_t mr[MK_MAX_MRS];
    unsigned nmrs;
    mk_channel_t ch[MK_MAX_CHANNELS];
    unsigned nchs;
} mk_system_t;

/* Parse and check the system file at path. Program images are looked up
 * in search[0 .. nsearch-1] (in order; a path with a '/' as written), and
 * every setvar symbol must be in its image's symbol table. Returns 0, or
 * -1 after writing "FILE:LINE: error: reason" to err. sys is zeroed first
 * and may be large (keep it static or on the heap). */
int mk_sdf_parse(const char *path, const char *const *search, unsigned nsearch,
                 mk_system_t *sys, FILE *err);

/* Write the report: each PD with its priority, image, channels, IRQs and
 * maps, and each MR. */
void mk_sdf_report(const mk_system_t *sys, FILE *out);

/* True if the ELF64 file at path defines symbol name (.symtab). */
bool mk_elf_has_symbol(const char *path, const char *name);

/* The value and size of symbol name in the ELF64 image b[0, size). */
bool mk_elf_symbol(const unsigned char *b, size_t size, const char *name, uint64_t *vaddr,
                   uint64_t *symsize);

/* Write bytes[0, n) at vaddr of the image (realloc'd if a .bss part
 * needs file bytes). Returns 0, or -1 with *why set. */
int mk_elf_patch(unsigned char **image, size_t *size, uint64_t vaddr, const void *bytes, size_t n,
                 const char **why);

/* Write the bootable image of the checked system for board (docs/
 * microkit.md): for kaal_hosted, a KaaL boot archive holding the KaaL
 * system description made from sys and each PD's image with its symbols
 * set; for qemu_virt_aarch64, a raw image for 0x70000000 with a start
 * stub, a device tree, the arm64 kernel image at path kernel, and the
 * archive. Returns 0, or -1 after writing "FILE:LINE: error: reason" to err. */
int mk_image_write(const mk_system_t *sys, const char *board, const char *path,
                   const char *kernel, FILE *err);

/* The KaaL system description of the last mk_image_write() that
 * succeeded (NUL-terminated). */
const char *mk_image_description(void);

#endif
