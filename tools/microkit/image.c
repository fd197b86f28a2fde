/*
 * microkit -o IMAGE: the checked Microkit system as a KaaL boot archive
 * (docs/microkit.md "How a system becomes a KaaL system"). The archive
 * holds microkit.system, a KaaL system description (docs/processes.md)
 * made from the system file, and pdN.elf, each PD's image with the
 * symbols the system sets (setvar, and libmicrokit's own: its name and
 * which channel ids it may use). KaaL's general loader boots it:
 * `kaal-sim --module IMAGE`.
 *
 *   PD                 program (priority, stack pages), one notification,
 *                      and an endpoint if it is called with pp or has
 *                      children (then its notification is bound to it)
 *   channel end A-B    A notifies: A gets B's notification, badge 1 << B.id
 *                      A has pp:   A gets B's endpoint, badge bit 63 | B.id
 *   irq                an IRQ handler signalling the PD's notification with
 *                      badge 1 << id; the PD gets the handler (Ack)
 *   memory_region      memory (or device memory at phys_addr), mapped
 *   child PD           faults to the parent's endpoint, badge bit 62 | id;
 *                      the parent gets the child's TCB
 *   prefill_path       the region's first bytes, from a file of the archive
 *
 * Slots: user/libmicrokit/include/microkit_kaal.h. Every line made is
 * checked with the loader's own parser and ELF checks before the archive
 * is written; a line the loader would refuse is reported at the line of
 * the system file it came from.
 */
#include "sdf.h"

#include <kaal/elf.h>
#include <kaal/sysdesc.h>
#include <microkit_kaal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

/* Short name for the error of a system-file line (image.h). */
#define fail mk_image_fail

int mk_image_fail(image_state_t *st, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(st->err, "%s:%d: error: ", st->sys->file, line);
    vfprintf(st->err, fmt, ap);
    fputc('\n', st->err);
    va_end(ap);
    return -1;
}

/* Add one line of the description, made for system-file line origin. */
static int emit(image_state_t *st, int origin, const char *fmt, ...)
{
    char buf[KAAL_SD_LINE_MAX + 2u];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n > KAAL_SD_LINE_MAX || st->lines >= KAAL_SD_MAX_LINES ||
        st->len + (size_t)n + 1u > DESC_MAX) {
        return fail(st, origin, "the KaaL system description made from this would be too large");
    }
    memcpy(st->desc + st->len, buf, (size_t)n);
    st->len += (size_t)n;
    st->desc[st->len++] = '\n';
    st->origin[++st->lines] = origin;
    return 0;
}

/* A PD's program name: its own if the loader takes it, else pdN. */
static void name_program(image_state_t *st, unsigned i)
{
    const char *n = st->sys->pd[i].name;
    size_t len = strlen(n);
    bool ok = len > 0 && len <= KAAL_SD_NAME_MAX && n[0] != '_' &&
              ((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z')) &&
              strcmp(n, "loader") != 0 && strcmp(n, "none") != 0;
    for (size_t k = 0; ok && k < len; k++) {
        char c = n[k];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    }
    if (ok) {
        snprintf(st->prog[i], sizeof st->prog[i], "%s", n);
    } else {
        snprintf(st->prog[i], sizeof st->prog[i], "pd%u", i);
    }
}

/* Set symbol name of PD i's image to value (little-endian, the symbol's
 * size up to 8 bytes; 8 if the symbol has no size). */
static int set_word(image_state_t *st, unsigned i, int line, const char *name, uint64_t value)
{
    uint64_t va = 0, size = 0;
    const char *why = NULL;
    if (!mk_elf_symbol(st->elf[i], st->elf_size[i], name, &va, &size)) {
        return fail(st, line, "symbol '%s' not found in program image '%s'", name,
                    st->sys->pd[i].image_found);
    }
    unsigned char bytes[8];
    size_t n = size == 0 || size > 8 ? 8 : (size_t)size;
    for (size_t k = 0; k < 8; k++) {
        bytes[k] = (unsigned char)(value >> (8u * k));
    }
    if (n < 8 && (value >> (8u * n)) != 0) {
        return fail(st, line, "value 0x%llx does not fit symbol '%s' (%zu bytes) of '%s'",
                    (unsigned long long)value, name, n, st->sys->pd[i].image_found);
    }
    if (mk_elf_patch(&st->elf[i], &st->elf_size[i], va, bytes, n, &why) != 0) {
        return fail(st, line, "cannot set symbol '%s' of '%s': %s", name,
                    st->sys->pd[i].image_found, why);
    }
    return 0;
}

static int set_name(image_state_t *st, unsigned i)
{
    const mk_pd_t *pd = &st->sys->pd[i];
    uint64_t va = 0, size = 0;
    const char *why = NULL;
    if (!mk_elf_symbol(st->elf[i], st->elf_size[i], "microkit_name", &va, &size)) {
        return fail(st, pd->image_line, "program image '%s' of '%s' is not linked with "
                    "libmicrokit (no symbol microkit_name)", pd->image_found, pd->name);
    }
    char buf[MK_NAME_MAX] = {0};
    size_t n = size == 0 || size > sizeof buf ? sizeof buf : (size_t)size;
    snprintf(buf, n, "%s", pd->name);
    if (mk_elf_patch(&st->elf[i], &st->elf_size[i], va, buf, n, &why) != 0) {
        return fail(st, pd->image_line, "cannot set microkit_name of '%s': %s", pd->image_found,
                    why);
    }
    return 0;
}

static int load_images(image_state_t *st)
{
    const mk_system_t *sys = st->sys;
    for (unsigned i = 0; i < sys->npds; i++) {
        const mk_pd_t *pd = &sys->pd[i];
        FILE *f = fopen(pd->image_found, "rb");
        long n = -1;
        if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
            n = ftell(f);
        }
        if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (st->elf[i] = malloc((size_t)n)) != NULL &&
            fread(st->elf[i], 1, (size_t)n, f) == (size_t)n) {
            st->elf_size[i] = (size_t)n;
        } else {
            n = -1;
        }
        if (f != NULL) {
            fclose(f);
        }
        if (n < 0) {
            return fail(st, pd->image_line, "cannot read program image '%s'", pd->image_found);
        }
    }
    return 0;
}

/* The symbols of every PD: libmicrokit's, then the setvars. */
static int set_symbols(image_state_t *st)
{
    const mk_system_t *sys = st->sys;
    for (unsigned i = 0; i < sys->npds; i++) {
        const mk_pd_t *pd = &sys->pd[i];
        uint64_t notif = 0, pps = 0, irqs = 0;
        for (unsigned c = 0; c < sys->nchs; c++) {
            for (unsigned e = 0; e < 2; e++) {
                const mk_end_t *a = &sys->ch[c].end[e];
                if (a->pd == (int)i) {
                    notif |= a->notify ? 1ull << a->id : 0;
                    pps |= a->pp ? 1ull << a->id : 0;
                }
            }
        }
        for (unsigned q = 0; q < pd->nirqs; q++) {
            irqs |= 1ull << pd->irq[q].id;
        }
        if (set_name(st, i) || set_word(st, i, pd->image_line, "microkit_notifications", notif) ||
            set_word(st, i, pd->image_line, "microkit_pps", pps) ||
            set_word(st, i, pd->image_line, "microkit_irqs", irqs) ||
            set_word(st, i, pd->image_line, "microkit_kaal_flags", st->has_ep[i] ? 1u : 0u)) {
            return -1;
        }
        for (unsigned m = 0; m < pd->nmaps; m++) {
            const mk_map_t *map = &pd->map[m];
            if ((map->setvar_vaddr[0] != '\0' &&
                 set_word(st, i, map->line, map->setvar_vaddr, map->vaddr)) ||
                (map->setvar_size[0] != '\0' &&
                 set_word(st, i, map->line, map->setvar_size, sys->mr[map->mr].size))) {
                return -1;
            }
        }
        for (unsigned q = 0; q < pd->nirqs; q++) {
            if (pd->irq[q].setvar_id[0] != '\0' &&
                set_word(st, i, pd->irq[q].line, pd->irq[q].setvar_id, pd->irq[q].id)) {
                return -1;
            }
        }
        for (unsigned s = 0; s < pd->nsetvars; s++) {
            const mk_setvar_t *sv = &pd->setvar[s];
            const mk_mr_t *mr = &sys->mr[sv->region];
            if (!mr->fixed) {
                return fail(st, sv->line, "setvar '%s': region_paddr of '%s', which has no "
                            "phys_addr: KaaL's loader places memory regions at boot, so their "
                            "physical address is not known when the image is built",
                            sv->symbol, mr->name);
            }
            if (set_word(st, i, sv->line, sv->symbol, mr->paddr)) {
                return -1;
            }
        }
        if (pd->parent >= 0 && pd->setvar_id[0] != '\0' &&
            set_word(st, (unsigned)pd->parent, pd->line, pd->setvar_id, pd->child_id)) {
            return -1;
        }
    }
    return 0;
}

/* The objects: per PD a notification and maybe an endpoint; the regions;
 * the IRQs. */
static int emit_objects(image_state_t *st)
{
    const mk_system_t *sys = st->sys;
    int r = emit(st, 0, "# made by microkit from %s (docs/microkit.md)", sys->file);
    r = r || emit(st, 0, "loader verbose=no");
    for (unsigned i = 0; i < sys->npds && r == 0; i++) {
        r = emit(st, sys->pd[i].line, "notification __n%u", i);
        if (r == 0 && st->has_ep[i]) {
            r = emit(st, sys->pd[i].line, "endpoint __e%u", i);
        }
    }
    for (unsigned j = 0; j < sys->nmrs && r == 0; j++) {
        const mk_mr_t *mr = &sys->mr[j];
        if (mr->fixed) {
            r = emit(st, mr->line, "device __m%u paddr=0x%llx size=0x%llx", j,
                     (unsigned long long)mr->paddr, (unsigned long long)mr->size);
        } else if (mr->prefill[0] != '\0') {
            r = emit(st, mr->line, "memory __m%u size=0x%llx fill=__m%u.fill", j,
                     (unsigned long long)mr->size, j);
        } else {
            r = emit(st, mr->line, "memory __m%u size=0x%llx", j, (unsigned long long)mr->size);
        }
    }
    for (unsigned i = 0; i < sys->npds && r == 0; i++) {
        const mk_pd_t *pd = &sys->pd[i];
        for (unsigned q = 0; q < pd->nirqs && r == 0; q++) {
            if (pd->irq[q].edge) {
                fprintf(st->err, "%s:%d: warning: KaaL's IRQ handlers do not set the trigger; "
                        "trigger=\"edge\" is the board's own\n", sys->file, pd->irq[q].line);
            }
            r = emit(st, pd->irq[q].line, "irq __i%u_%u line=%llu notify=__n%u badge=0x%llx", i,
                     pd->irq[q].id, (unsigned long long)pd->irq[q].irq, i,
                     1ull << pd->irq[q].id);
        }
    }
    return r;
}

static int emit_programs(image_state_t *st)
{
    const mk_system_t *sys = st->sys;
    for (unsigned i = 0; i < sys->npds; i++) {
        const mk_pd_t *pd = &sys->pd[i];
        uint64_t pages = (pd->stack_size + PAGE - 1u) / PAGE;
        if (pages > KAAL_SD_MAX_STACK_PAGES) {
            return fail(st, pd->line, "stack_size 0x%llx of '%s': KaaL's loader gives a program "
                        "at most %u pages of stack", (unsigned long long)pd->stack_size, pd->name,
                        KAAL_SD_MAX_STACK_PAGES);
        }
        char fault[96];
        if (pd->parent >= 0) {
            snprintf(fault, sizeof fault, "fault=__e%d fault_badge=0x%llx", pd->parent,
                     (unsigned long long)(MICROKIT_KAAL_BADGE_FAULT | pd->child_id));
        } else {
            snprintf(fault, sizeof fault, "critical=no");
        }
        if (emit(st, pd->line, "program %s elf=pd%u.elf priority=%u stack=%llu %s", st->prog[i],
                 i, pd->priority, (unsigned long long)(pages == 0 ? 1 : pages), fault)) {
            return -1;
        }
    }
    return 0;
}

static int emit_grants(image_state_t *st)
{
    const mk_system_t *sys = st->sys;
    int r = 0;
    for (unsigned i = 0; i < sys->npds && r == 0; i++) {
        const mk_pd_t *pd = &sys->pd[i];
        const char *p = st->prog[i];
        if (st->has_ep[i]) {
            r = emit(st, pd->line, "grant %s __e%u slot=%u rights=R", p, i,
                     MICROKIT_KAAL_INPUT_CAP);
            r = r || emit(st, pd->line, "grant %s __n%u slot=%u rights=R", p, i,
                          MICROKIT_KAAL_NTFN_CAP);
            r = r || emit(st, pd->line, "grant %s %s slot=%u", p, p, MICROKIT_KAAL_SELF_TCB_CAP);
        } else {
            r = emit(st, pd->line, "grant %s __n%u slot=%u rights=R", p, i,
                     MICROKIT_KAAL_INPUT_CAP);
        }
        /* The platform cap (docs/abi.md "Platform"): microkit_dbg_puts
         * prints through it, and the arm64 test device (kaal/testdev.h) is
         * armed through it; docs/microkit.md says why every PD gets one. */
        r = r || emit(st, pd->line, "grant %s platform", p);
        for (unsigned q = 0; q < pd->nirqs && r == 0; q++) {
            r = emit(st, pd->irq[q].line, "grant %s __i%u_%u slot=%u", p, i, pd->irq[q].id,
                     MICROKIT_KAAL_BASE_OUTPUT_CAP + pd->irq[q].id);
        }
        for (unsigned m = 0; m < pd->nmaps && r == 0; m++) {
            const mk_map_t *map = &pd->map[m];
            if (map->perms & MK_PERM_X) {
                return fail(st, map->line, "map of '%s' with perms x: KaaL never maps a memory "
                            "region executable", map->mr_name);
            }
            if (!map->cached && !sys->mr[map->mr].fixed) {
                fprintf(st->err, "%s:%d: warning: cached=\"false\": KaaL maps RAM regions cached "
                        "(only device regions, with phys_addr, uncached)\n", sys->file, map->line);
            }
            r = emit(st, map->line, "grant %s __m%d vaddr=0x%llx rights=%s", p, map->mr,
                     (unsigned long long)map->vaddr, (map->perms & MK_PERM_W) ? "RW" : "R");
        }
        if (pd->parent >= 0) {
            r = r || emit(st, pd->line, "grant %s %s slot=%u", st->prog[pd->parent], p,
                          MICROKIT_KAAL_BASE_TCB_CAP + pd->child_id);
        }
    }
    for (unsigned c = 0; c < sys->nchs && r == 0; c++) {
        for (unsigned e = 0; e < 2 && r == 0; e++) {
            const mk_end_t *a = &sys->ch[c].end[e], *b = &sys->ch[c].end[1u - e];
            if (a->notify) {
                r = emit(st, a->line, "grant %s __n%d slot=%u badge=0x%llx rights=W",
                         st->prog[a->pd], b->pd, MICROKIT_KAAL_BASE_OUTPUT_CAP + a->id,
                         1ull << b->id);
            }
            if (r == 0 && a->pp) {
                r = emit(st, a->line, "grant %s __e%d slot=%u badge=0x%llx rights=WGP",
                         st->prog[a->pd], b->pd, MICROKIT_KAAL_BASE_ENDPOINT_CAP + a->id,
                         (unsigned long long)(MICROKIT_KAAL_BADGE_PPC | b->id));
            }
        }
    }
    return r;
}

/* The loader's refusal "FILE:LINE: reason", at the system-file line. */
static int loader_refuses(image_state_t *st, const char *error)
{
    const char *colon = strchr(error, ':');
    unsigned long made = colon != NULL ? strtoul(colon + 1, NULL, 10) : 0;
    const char *reason = colon != NULL ? strchr(colon + 1, ':') : NULL;
    int line = made >= 1 && made <= st->lines ? st->origin[made] : 0;
    return fail(st, line, "KaaL's loader cannot take this: %s",
                reason != NULL ? reason + 2 : error);
}

static int check_description(image_state_t *st, uint16_t machine)
{
    static kaal_sysdesc_t sd;
    if (kaal_sysdesc_parse(st->desc, st->len, "microkit.system", KAAL_SD_PORTABLE_VBASE,
                           KAAL_SD_PORTABLE_VTOP, &sd) != 0) {
        return loader_refuses(st, sd.error);
    }
    for (unsigned i = 0; i < st->sys->npds; i++) {
        if (kaal_sysdesc_check_elf(&sd, "microkit.system", i, st->elf[i], st->elf_size[i], machine,
                                   KAAL_SD_PORTABLE_VBASE, KAAL_SD_PORTABLE_VTOP) != 0) {
            fprintf(st->err, "%s:%d: error: program image '%s' of '%s': %s\n", st->sys->file,
                    st->sys->pd[i].image_line, st->sys->pd[i].image_found, st->sys->pd[i].name,
                    strchr(sd.error, ' ') != NULL ? strchr(sd.error, ' ') + 1 : sd.error);
            return -1;
        }
    }
    return 0;
}

static char desc[DESC_MAX + 1u];

const char *mk_image_description(void)
{
    return desc;
}

int mk_image_write(const mk_system_t *sys, const char *board, const char *path,
                   const char *kernel, FILE *err)
{
    static image_state_t st;
    memset(&st, 0, sizeof st);
    st.sys = sys;
    st.err = err;
    st.desc = desc;
    bool hosted = strcmp(board, "kaal_hosted") == 0, rpi4 = mk_image_board_rpi4(board);
    if (!hosted && !rpi4 && strcmp(board, "qemu_virt_aarch64") != 0) {
        fprintf(err, "microkit: error: %s: KaaL builds images for the boards kaal_hosted, "
                     "qemu_virt_aarch64 and rpi4b_*; not %s (docs/microkit.md)\n", path, board);
        return -1;
    }
    for (unsigned i = 0; i < sys->npds; i++) {
        name_program(&st, i);
        st.has_ep[i] = false;
        if (sys->pd[i].parent >= 0) {
            st.has_ep[sys->pd[i].parent] = true;
        }
    }
    for (unsigned c = 0; c < sys->nchs; c++) {
        for (unsigned e = 0; e < 2; e++) {
            if (sys->ch[c].end[e].pp) {
                st.has_ep[sys->ch[c].end[1u - e].pd] = true;
            }
        }
    }
    for (unsigned j = 0; j < sys->nmrs; j++) {
        if (sys->mr[j].fixed && sys->mr[j].prefill[0] != '\0') {
            fprintf(err, "%s:%d: error: prefill_path on a region with phys_addr: KaaL fills only "
                         "RAM regions\n", sys->file, sys->mr[j].line);
            return -1;
        }
    }
    int r = load_images(&st);
    r = r || set_symbols(&st);
    r = r || emit_objects(&st);
    r = r || emit_programs(&st);
    r = r || emit_grants(&st);
    r = r || check_description(&st, hosted ? KAAL_EM_X86_64 : KAAL_EM_AARCH64);
    char *archive = NULL;
    size_t archive_len = 0;
    r = r || mk_image_archive(&st, &archive, &archive_len);
    if (r == 0) {
        r = hosted ? mk_image_write_file(&st, path, archive, archive_len)
            : rpi4 ? mk_image_write_rpi4(&st, board, path, kernel, archive, archive_len)
                   : mk_image_write_virt(&st, path, kernel, archive, archive_len);
    }
    free(archive);
    desc[r == 0 ? st.len : 0] = '\0';
    for (unsigned i = 0; i < sys->npds; i++) {
        free(st.elf[i]);
    }
    return r;
}
