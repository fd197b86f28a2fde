/*
 * microkit -o, inside the tool: the state of one image being made (image.c
 * makes the KaaL system description and sets the images' symbols;
 * image_out.c writes the archive and, for qemu_virt_aarch64 and rpi4b_*,
 * the raw image around it).
 */
#ifndef MK_IMAGE_H
#define MK_IMAGE_H

#include "sdf.h"

#include <kaal/sysdesc.h>
#include <stddef.h>

#define DESC_MAX (KAAL_SD_MAX_LINES * (KAAL_SD_LINE_MAX + 1u))
#define PAGE 4096u

typedef struct image_state {
    const mk_system_t *sys;
    FILE *err;
    char *desc;             /* the system description being written */
    size_t len;
    int origin[KAAL_SD_MAX_LINES + 1u]; /* system-file line of each line made */
    unsigned lines;
    unsigned char *elf[MK_MAX_PDS];
    size_t elf_size[MK_MAX_PDS];
    char prog[MK_MAX_PDS][KAAL_SD_NAME_MAX + 1u];
    bool has_ep[MK_MAX_PDS];
} image_state_t;

/* "FILE:LINE: error: ..." at line of the system file; returns -1. */
int mk_image_fail(image_state_t *st, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The archive of st (description, PD images, prefill files) into a
 * malloc'd buffer. Returns 0, or -1 after an error message. */
int mk_image_archive(image_state_t *st, char **buf, size_t *len);

/* Write data[0, len) to path (kaal_hosted: the archive is the image). */
int mk_image_write_file(image_state_t *st, const char *path, const char *data, size_t len);

/* Write the qemu_virt_aarch64 raw image: stub, device tree, the kernel
 * image at kernel_path, the archive. */
int mk_image_write_virt(image_state_t *st, const char *path, const char *kernel_path,
                        const char *archive, size_t archive_len);

/* Whether board is one of the Raspberry Pi 4 boards (rpi4b_1gb, _2gb,
 * _4gb, _8gb). */
bool mk_image_board_rpi4(const char *board);

/* Write the rpi4b_* image: the rpi4 kernel image at kernel_path (loaded
 * at 0x80000), then a jump to its entry with x0 = a device tree of the
 * board's RAM, then the archive. */
int mk_image_write_rpi4(image_state_t *st, const char *board, const char *path,
                        const char *kernel_path, const char *archive, size_t archive_len);

#endif
