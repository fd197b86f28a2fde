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
#define _GNU_SOURCE /* open_memstream */
#include "sdf.h"

#include <kaal/elf.h>
#include <kaal/sysdesc.h>
#include <microkit_kaal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

static int fail(image_state_t *st, int line, const char *fmt, ...)
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
            r = emit(st, pd->line, "grant %s __e%u slot=%u rights=R", p, i, MICROKIT_KAAL_INPUT_CAP);
            r = r || emit(st, pd->line, "grant %s __n%u slot=%u rights=R", p, i,
                          MICROKIT_KAAL_NTFN_CAP);
            r = r || emit(st, pd->line, "grant %s %s slot=%u", p, p, MICROKIT_KAAL_SELF_TCB_CAP);
        } else {
            r = emit(st, pd->line, "grant %s __n%u slot=%u rights=R", p, i, MICROKIT_KAAL_INPUT_CAP);
        }
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
                r = emit(st, a->line, "grant %s __n%d slot=%u badge=0x%llx rights=W", st->prog[a->pd],
                         b->pd, MICROKIT_KAAL_BASE_OUTPUT_CAP + a->id, 1ull << b->id);
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

/* ---- the archive (CPIO newc, as tools/mkcpio writes it) ------------------- */

static int put_entry(FILE *out, unsigned long *pos, unsigned long ino, const char *name,
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
    while (*pos % 4u != 0) {
        if (fputc(0, out) == EOF) {
            return -1;
        }
        (*pos)++;
    }
    if (size != 0 && fwrite(data, 1, size, out) != size) {
        return -1;
    }
    *pos += size;
    while (*pos % 4u != 0) {
        if (fputc(0, out) == EOF) {
            return -1;
        }
        (*pos)++;
    }
    return 0;
}

static unsigned char *read_prefill(image_state_t *st, const mk_mr_t *mr, size_t *size)
{
    FILE *f = fopen(mr->prefill, "rb");
    unsigned char *buf = NULL;
    long n = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
        n = ftell(f);
    }
    if (n >= 0 && (uint64_t)n > mr->size) {
        fclose(f);
        fail(st, mr->line, "prefill_path '%s' has %ld bytes, more than the region's 0x%llx",
             mr->prefill, n, (unsigned long long)mr->size);
        return NULL;
    }
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1u)) != NULL &&
        fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
        fail(st, mr->line, "cannot read prefill_path '%s'", mr->prefill);
    }
    if (f != NULL) {
        fclose(f);
    }
    return buf;
}

/* The archive into a malloc'd buffer (*buf, *len). */
static int write_archive(image_state_t *st, char **buf, size_t *len)
{
    const mk_system_t *sys = st->sys;
    FILE *out = open_memstream(buf, len);
    if (out == NULL) {
        fprintf(st->err, "microkit: error: out of memory\n");
        return -1;
    }
    unsigned long pos = 0, ino = 1;
    int r = put_entry(out, &pos, ino++, "microkit.system", st->desc, st->len);
    for (unsigned i = 0; i < sys->npds && r == 0; i++) {
        char name[32];
        snprintf(name, sizeof name, "pd%u.elf", i);
        r = put_entry(out, &pos, ino++, name, st->elf[i], st->elf_size[i]);
    }
    for (unsigned j = 0; j < sys->nmrs && r == 0; j++) {
        if (sys->mr[j].prefill[0] == '\0' || sys->mr[j].fixed) {
            continue;
        }
        size_t size = 0;
        unsigned char *data = read_prefill(st, &sys->mr[j], &size);
        if (data == NULL) {
            fclose(out);
            free(*buf);
            *buf = NULL;
            return -1;
        }
        char name[32];
        snprintf(name, sizeof name, "__m%u.fill", j);
        r = put_entry(out, &pos, ino++, name, data, size);
        free(data);
    }
    r = r || put_entry(out, &pos, 0, "TRAILER!!!", NULL, 0);
    if (fclose(out) != 0 || r != 0) {
        free(*buf);
        *buf = NULL;
        fprintf(st->err, "microkit: error: out of memory\n");
        return -1;
    }
    return 0;
}

/* ---- qemu_virt_aarch64: one raw image, run at IMAGE_BASE ------------------
 *
 * Microkit's QEMU command line loads the image at 0x70000000 and starts CPU
 * 0 there, at EL2 (virtualization=on), MMU off:
 *
 *   0x70000000  stub: copy the kernel (a Linux arm64 Image) to RAM base +
 *               its text_offset, x0 = the device tree, jump to it (the
 *               kernel drops from EL2 to EL1 itself: hal/arm64/head.S)
 *   +0x1000     device tree: 2 GiB of RAM at 0x40000000, PSCI by smc,
 *               /chosen initrd = the archive, the image reserved
 *   +0x2000     the kernel image (kernel.img of the SDK: the root task is
 *               in it; it boots the initrd as its boot archive)
 *   aligned     the boot archive
 */
#define IMAGE_BASE 0x70000000ull
#define VIRT_RAM_BASE 0x40000000ull
#define VIRT_RAM_SIZE 0x80000000ull /* -m size=2G */
#define DTB_OFF 0x1000u
#define KERNEL_OFF 0x2000u

typedef struct bytes {
    unsigned char *b;
    size_t len, cap;
} bytes_t;

static void put_bytes(bytes_t *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        size_t cap = o->cap * 2 + n + 256;
        unsigned char *nb = realloc(o->b, cap);
        if (nb == NULL) {
            abort();
        }
        o->b = nb;
        o->cap = cap;
    }
    memcpy(o->b + o->len, p, n);
    o->len += n;
}

static void put_be32(bytes_t *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put_bytes(o, b, 4);
}

static void put_be64(bytes_t *o, uint64_t v)
{
    put_be32(o, (uint32_t)(v >> 32));
    put_be32(o, (uint32_t)v);
}

static void put_le32(bytes_t *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put_bytes(o, b, 4);
}

static void put_le64(bytes_t *o, uint64_t v)
{
    put_le32(o, (uint32_t)v);
    put_le32(o, (uint32_t)(v >> 32));
}

static void pad_to(bytes_t *o, size_t align)
{
    static const unsigned char zero[16];
    while (o->len % align != 0) {
        put_bytes(o, zero, 1);
    }
    (void)zero;
}

/* Device tree (FDT version 17) building: the structure block in st_, the
 * property names in strs. */
static void fdt_node(bytes_t *s, const char *name)
{
    put_be32(s, 1); /* FDT_BEGIN_NODE */
    put_bytes(s, name, strlen(name) + 1u);
    pad_to(s, 4);
}

static void fdt_prop(bytes_t *s, bytes_t *strs, const char *name, const void *val, size_t len)
{
    put_be32(s, 3); /* FDT_PROP */
    put_be32(s, (uint32_t)len);
    put_be32(s, (uint32_t)strs->len);
    put_bytes(strs, name, strlen(name) + 1u);
    if (len != 0) {
        put_bytes(s, val, len);
    }
    pad_to(s, 4);
}

static void fdt_prop_u32(bytes_t *s, bytes_t *strs, const char *name, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    fdt_prop(s, strs, name, b, 4);
}

static void fdt_prop_u64(bytes_t *s, bytes_t *strs, const char *name, uint64_t v)
{
    bytes_t t = {0};
    put_be64(&t, v);
    fdt_prop(s, strs, name, t.b, t.len);
    free(t.b);
}

static void make_dtb(bytes_t *out, uint64_t initrd, uint64_t initrd_size, uint64_t reserved)
{
    bytes_t s = {0}, strs = {0}, rsv = {0};
    put_be64(&rsv, IMAGE_BASE); /* the stub, this tree and the kernel's copy */
    put_be64(&rsv, reserved);
    put_be64(&rsv, 0);
    put_be64(&rsv, 0);
    fdt_node(&s, "");
    fdt_prop_u32(&s, &strs, "#address-cells", 2);
    fdt_prop_u32(&s, &strs, "#size-cells", 2);
    fdt_prop(&s, &strs, "compatible", "linux,dummy-virt", sizeof "linux,dummy-virt");
    fdt_node(&s, "memory@40000000");
    fdt_prop(&s, &strs, "device_type", "memory", sizeof "memory");
    bytes_t reg = {0};
    put_be64(&reg, VIRT_RAM_BASE);
    put_be64(&reg, VIRT_RAM_SIZE);
    fdt_prop(&s, &strs, "reg", reg.b, reg.len);
    free(reg.b);
    put_be32(&s, 2); /* FDT_END_NODE */
    fdt_node(&s, "psci");
    fdt_prop(&s, &strs, "compatible", "arm,psci-0.2", sizeof "arm,psci-0.2");
    fdt_prop(&s, &strs, "method", "smc", sizeof "smc");
    put_be32(&s, 2);
    fdt_node(&s, "chosen");
    fdt_prop_u64(&s, &strs, "linux,initrd-start", initrd);
    fdt_prop_u64(&s, &strs, "linux,initrd-end", initrd + initrd_size);
    put_be32(&s, 2);
    put_be32(&s, 2); /* the root */
    put_be32(&s, 9); /* FDT_END */
    uint32_t off_rsv = 40, off_struct = off_rsv + (uint32_t)rsv.len;
    uint32_t off_strings = off_struct + (uint32_t)s.len;
    uint32_t total = off_strings + (uint32_t)strs.len;
    put_be32(out, 0xd00dfeedu);
    put_be32(out, total);
    put_be32(out, off_struct);
    put_be32(out, off_strings);
    put_be32(out, off_rsv);
    put_be32(out, 17);
    put_be32(out, 16);
    put_be32(out, 0);
    put_be32(out, (uint32_t)strs.len);
    put_be32(out, (uint32_t)s.len);
    put_bytes(out, rsv.b, rsv.len);
    put_bytes(out, s.b, s.len);
    put_bytes(out, strs.b, strs.len);
    free(s.b);
    free(strs.b);
    free(rsv.b);
}

/* The stub, AArch64 instructions (encoded here: the tool runs on the
 * host). Its four parameters follow it: source, destination, size (a
 * multiple of 8) of the kernel copy, and the device tree's address. */
static void put_stub(bytes_t *o, uint64_t src, uint64_t dst, uint64_t size, uint64_t dtb)
{
    static const uint32_t code[] = {
        0x58000181u, /* 0x00 ldr  x1, 0x30 (src)  */
        0x580001a2u, /* 0x04 ldr  x2, 0x38 (dst)  */
        0x580001c3u, /* 0x08 ldr  x3, 0x40 (size) */
        0x580001e0u, /* 0x0c ldr  x0, 0x48 (dtb)  */
        0xaa0203e4u, /* 0x10 mov  x4, x2          */
        0xf8408425u, /* 0x14 ldr  x5, [x1], #8    */
        0xf8008445u, /* 0x18 str  x5, [x2], #8    */
        0xf1002063u, /* 0x1c subs x3, x3, #8      */
        0x54ffffa1u, /* 0x20 b.ne 0x14            */
        0xaa1f03e1u, /* 0x24 mov  x1, xzr         */
        0xaa1f03e2u, /* 0x28 mov  x2, xzr  (x3 is 0) */
        0xd61f0080u, /* 0x2c br   x4              */
    };
    for (unsigned i = 0; i < sizeof code / sizeof code[0]; i++) {
        put_le32(o, code[i]);
    }
    put_le64(o, src);
    put_le64(o, dst);
    put_le64(o, size);
    put_le64(o, dtb);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
        n = ftell(f);
    }
    if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL &&
        fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    if (f != NULL) {
        fclose(f);
    }
    return buf;
}

static int write_virt_image(image_state_t *st, const char *path, const char *kernel_path,
                            const char *archive, size_t archive_len)
{
    size_t klen = 0;
    unsigned char *k = read_file(kernel_path, &klen);
    if (k == NULL || klen < 64 || memcmp(k + 56, "ARM\x64", 4) != 0) {
        free(k);
        fprintf(st->err, "microkit: error: %s: not a KaaL arm64 kernel image (kernel.img; "
                         "--kaal-kernel FILE names another)\n", kernel_path);
        return -1;
    }
    uint64_t text_offset = 0;
    for (unsigned i = 0; i < 8; i++) {
        text_offset |= (uint64_t)k[8 + i] << (8u * i);
    }
    size_t kpadded = (klen + 7u) & ~(size_t)7u;
    size_t archive_off = (KERNEL_OFF + kpadded + 0xfffu) & ~(size_t)0xfffu;
    bytes_t img = {0}, dtb = {0};
    make_dtb(&dtb, IMAGE_BASE + archive_off, archive_len, archive_off);
    put_stub(&img, IMAGE_BASE + KERNEL_OFF, VIRT_RAM_BASE + text_offset, kpadded,
             IMAGE_BASE + DTB_OFF);
    pad_to(&img, DTB_OFF);
    if (dtb.len > KERNEL_OFF - DTB_OFF) {
        abort();
    }
    put_bytes(&img, dtb.b, dtb.len);
    pad_to(&img, KERNEL_OFF);
    put_bytes(&img, k, klen);
    pad_to(&img, 0x1000);
    put_bytes(&img, archive, archive_len);
    free(k);
    free(dtb.b);
    FILE *out = fopen(path, "wb");
    int r = out == NULL || fwrite(img.b, 1, img.len, out) != img.len;
    if (out != NULL && fclose(out) != 0) {
        r = 1;
    }
    free(img.b);
    if (r) {
        remove(path);
        fprintf(st->err, "microkit: error: cannot write image %s\n", path);
        return -1;
    }
    return 0;
}

static int write_file(image_state_t *st, const char *path, const char *data, size_t len)
{
    FILE *out = fopen(path, "wb");
    int r = out == NULL || fwrite(data, 1, len, out) != len;
    if (out != NULL && fclose(out) != 0) {
        r = 1;
    }
    if (r) {
        remove(path);
        fprintf(st->err, "microkit: error: cannot write image %s\n", path);
        return -1;
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
    bool hosted = strcmp(board, "kaal_hosted") == 0;
    if (!hosted && strcmp(board, "qemu_virt_aarch64") != 0) {
        fprintf(err, "microkit: error: %s: KaaL builds images for the boards kaal_hosted and "
                     "qemu_virt_aarch64 only so far; not %s (docs/microkit.md)\n", path, board);
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
    r = r || write_archive(&st, &archive, &archive_len);
    if (r == 0) {
        r = hosted ? write_file(&st, path, archive, archive_len)
                   : write_virt_image(&st, path, kernel, archive, archive_len);
    }
    free(archive);
    desc[r == 0 ? st.len : 0] = '\0';
    for (unsigned i = 0; i < sys->npds; i++) {
        free(st.elf[i]);
    }
    return r;
}
