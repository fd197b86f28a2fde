/*
 * libkaal: the checks of a system description that need the programs' ELF
 * images (kaal/sysdesc.h). The loader (kaal_system_load) and the archive
 * tool (tools/mkcpio, compiled natively) both call them, so that whatever
 * the loader would refuse, mkcpio refuses at build time with the same
 * "FILE:LINE: reason".
 */
#include <kaal/elf.h>
#include "sysdesc_parser.h"

static int ranges_meet(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    return a < b + bn && b < a + an;
}

/* Append s to sd->error (bounded). */
static void append(kaal_sysdesc_t *sd, const char *s)
{
    size_t pos = 0;
    while (pos + 1u < KAAL_SD_ERROR_MAX && sd->error[pos] != '\0') {
        pos++;
    }
    for (unsigned i = 0; s[i] != '\0' && pos + 1u < KAAL_SD_ERROR_MAX; i++) {
        sd->error[pos++] = s[i];
    }
    sd->error[pos] = '\0';
}

/* "FILE:LINE: name: reason[extra]"; returns -1. */
static int check_fail(kaal_sysdesc_t *sd, const char *file, uint32_t line, const char *name,
                      const char *reason, const char *extra)
{
    sd_parser_t p = {.sd = sd, .file = file != NULL ? file : "(system)", .line = line};
    (void)sd_fail(&p, name, NULL);
    append(sd, ": ");
    append(sd, reason);
    append(sd, extra != NULL ? extra : "");
    return -1;
}

int kaal_sysdesc_check_elf(kaal_sysdesc_t *sd, const char *file, unsigned prog, const void *image,
                           size_t size, uint16_t machine, uint64_t vbase, uint64_t vtop)
{
    const kaal_sd_program_t *pr = &sd->program[prog];
    kaal_elf_image_t img;
    if (image == NULL) {
        return check_fail(sd, file, pr->line, pr->elf, "not in the boot archive", NULL);
    }
    kaal_elf_error_t e = kaal_elf_parse(image, size, machine, vbase, vtop, &img);
    if (e != KAAL_ELF_OK) {
        return check_fail(sd, file, pr->line, pr->elf, kaal_elf_strerror(e), NULL);
    }
    uint64_t rsv = KAAL_CHILD_RESERVED_TOP - KAAL_CHILD_RESERVED_BASE;
    if (ranges_meet(img.vstart, img.vend - img.vstart, KAAL_CHILD_RESERVED_BASE, rsv)) {
        return check_fail(sd, file, pr->line, pr->elf, "image overlaps the stack/IPC buffer window",
                          NULL);
    }
    for (unsigned i = 0; i < sd->ngrants; i++) {
        const kaal_sd_grant_t *g = &sd->grant[i];
        if (g->program == prog && kaal_sd_kind_is_mapped(g->kind) &&
            ranges_meet(g->vaddr, sd->object[g->target].size, img.vstart, img.vend - img.vstart)) {
            check_fail(sd, file, g->line, sd->object[g->target].name,
                       "region overlaps the ELF image of ", pr->name);
            append(sd, " (");
            append(sd, pr->elf);
            append(sd, ")");
            return -1;
        }
    }
    return 0;
}
