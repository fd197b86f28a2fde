/*
 * libFuzzer target: the parsers that read what user code and boot feed the
 * system. The first input byte picks the parser, the rest is its input:
 *
 *   0  libkaal ELF loader          kaal_elf_parse (user/libkaal/src/elf.c)
 *   1  system description          kaal_sysdesc_parse (sysdesc.c, sysdesc_line.c)
 *   2  CPIO reader                 kaal_cpio_check / _next / _find (cpio.c)
 *   3  the kernel's root-image     boot_elf_parse (core/boot_elf.c)
 *      ELF reader
 *   4  a boot archive end to end   as kaal_system_load: find "x.system" in
 *                                  the CPIO, parse it, find and check the ELF
 *                                  of every program it names
 *   5  kernel boot                 the next byte picks the RAM size (256 KiB
 *                                  steps), the one after the boot module's
 *                                  size (32-byte units, taken from the end),
 *                                  the rest is the root task image:
 *                                  kaal_boot (core/boot.c) on the hosted
 *                                  machine in harness mode, then
 *                                  kaal_invariants_check() if it booted
 *
 * Besides the sanitizers, each accepted result is checked for what its
 * parser promises (segments inside the image and the user range, sorted and
 * disjoint; CPIO entries inside the archive; description references in
 * range); a broken promise aborts. (BootInfo: user code reads it only in
 * kaal_spawn_init, which immediately makes syscalls; there is no separate
 * parser to fuzz, and the kernel writes BootInfo, it never reads it.)
 *
 * Seeds: fuzz/corpus-parsers (fuzz/make_corpus.py). Replay a crash with
 *   build/fuzz/fuzz/fuzz_parsers CRASH-FILE
 */
#include <kaal/cpio.h>
#include <kaal/elf.h>
#include <kaal/sysdesc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_elf.h"
#include "hosted.h"
#include "invariants.h"

#define USER_BASE 0x10000000ull /* the hosted user window */
#define USER_TOP 0x70000000ull

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "fuzz_parsers: promise broken: %s (line %d)\n", #cond, \
                    __LINE__);                                                     \
            abort();                                                               \
        }                                                                          \
    } while (0)

static void check_elf(const uint8_t *p, size_t n, uint16_t machine)
{
    kaal_elf_image_t img;
    kaal_elf_error_t e = kaal_elf_parse(p, n, machine, USER_BASE, USER_TOP, &img);
    CHECK(kaal_elf_strerror(e) != NULL);
    if (e != KAAL_ELF_OK) {
        return;
    }
    CHECK(img.nsegs >= 1 && img.nsegs <= KAAL_ELF_MAX_SEGMENTS);
    CHECK(img.vstart >= USER_BASE && img.vend <= USER_TOP && img.vstart < img.vend);
    int entry_in_x = 0;
    for (unsigned i = 0; i < img.nsegs; i++) {
        const kaal_elf_segment_t *s = &img.seg[i];
        CHECK(s->filesz <= s->memsz && s->memsz > 0);
        CHECK(s->offset <= n && s->filesz <= n - s->offset);
        CHECK(s->vaddr >= img.vstart && s->vaddr + s->memsz <= img.vend);
        CHECK((s->flags & (KAAL_PF_W | KAAL_PF_X)) != (KAAL_PF_W | KAAL_PF_X));
        CHECK(kaal_elf_rights_text(s->flags) != NULL);
        if (i > 0) {
            CHECK(img.seg[i - 1].vaddr + img.seg[i - 1].memsz <= s->vaddr);
        }
        if ((s->flags & KAAL_PF_X) && img.entry >= s->vaddr && img.entry - s->vaddr < s->memsz) {
            entry_in_x = 1;
        }
    }
    CHECK(entry_in_x);
}

static void check_boot_elf(const uint8_t *p, size_t n)
{
    boot_elf_t b;
    if (boot_elf_parse(p, n, KAAL_EM_X86_64, &b) != NULL) {
        return;
    }
    CHECK(b.nsegs >= 1 && b.nsegs <= BOOT_ELF_MAX_SEGS);
    CHECK(b.vstart < b.vend);
    for (unsigned i = 0; i < b.nsegs; i++) {
        const boot_elf_seg_t *s = &b.seg[i];
        CHECK(s->filesz <= s->memsz);
        CHECK(s->offset <= n && s->filesz <= n - s->offset);
        CHECK(s->vaddr >= b.vstart && s->vaddr + s->memsz <= b.vend);
    }
}

static void check_sysdesc(const uint8_t *p, size_t n)
{
    static kaal_sysdesc_t sd; /* ~40 KiB */
    if (kaal_sysdesc_parse((const char *)p, n, "fuzz.system", USER_BASE, USER_TOP, &sd) != 0) {
        CHECK(memchr(sd.error, '\0', sizeof(sd.error)) != NULL);
        return;
    }
    CHECK(sd.nprograms <= KAAL_SD_MAX_PROGRAMS && sd.nobjects <= KAAL_SD_MAX_OBJECTS &&
          sd.ngrants <= KAAL_SD_MAX_GRANTS);
    for (unsigned i = 0; i < sd.nprograms; i++) {
        CHECK(kaal_sysdesc_find_program(&sd, sd.program[i].name) == (int)i);
    }
    for (unsigned i = 0; i < sd.nobjects; i++) {
        CHECK(kaal_sysdesc_find_object(&sd, sd.object[i].name) == (int)i);
        CHECK(kaal_sysdesc_kind_name(sd.object[i].kind) != NULL);
    }
    for (unsigned i = 0; i < sd.ngrants; i++) {
        CHECK(sd.grant[i].program < sd.nprograms);
    }
}

static void check_cpio(const uint8_t *p, size_t n)
{
    size_t count = 0, off = 0, seen = 0;
    kaal_cpio_error_t ce = kaal_cpio_check(p, n, &count);
    CHECK(kaal_cpio_strerror(ce) != NULL);
    kaal_cpio_file_t f;
    while (seen < 4096 && kaal_cpio_next(p, n, &off, &f) == KAAL_CPIO_OK) {
        CHECK(f.name >= (const char *)p && f.name + f.name_len < (const char *)p + n);
        CHECK(f.name[f.name_len] == '\0');
        CHECK(f.size == 0 || (f.data >= p && f.size <= n && f.data - p <= (ptrdiff_t)(n - f.size)));
        CHECK(off <= n);
        seen++;
    }
    (void)kaal_cpio_find(p, n, "demo.system", &f);
}

/* What kaal_system_load checks, without the spawn context. */
static void check_archive(const uint8_t *p, size_t n)
{
    static kaal_sysdesc_t sd;
    kaal_cpio_file_t f;
    if (kaal_cpio_find(p, n, "x.system", &f) != KAAL_CPIO_OK) {
        return;
    }
    if (kaal_sysdesc_parse((const char *)f.data, f.size, "x.system", USER_BASE, USER_TOP, &sd) != 0) {
        return;
    }
    for (unsigned i = 0; i < sd.nprograms; i++) {
        kaal_cpio_file_t e;
        if (kaal_cpio_find(p, n, sd.program[i].elf, &e) == KAAL_CPIO_OK) {
            check_elf(e.data, e.size, KAAL_EM_X86_64);
        }
    }
}

/* Boot a kernel with this root image; a boot failure is an answer (the
 * kernel halts with status 2), a broken invariant after a boot is not. */
static void check_boot(const uint8_t *p, size_t n)
{
    if (n < 2) {
        return;
    }
    hosted_config_t cfg = {0};
    size_t image = n - 2;
    size_t module = (size_t)p[1] * 32u;
    if (module > image) {
        module = image;
    }
    cfg.ram_bytes = (1ull + p[0] % 8u) << 18;
    cfg.root_elf = p + 2;
    cfg.root_elf_size = image - module;
    if (module != 0) {
        cfg.boot_module = p + 2 + (image - module);
        cfg.boot_module_size = module;
    }
    cfg.quiet = true;
    int st = hosted_boot_only(&cfg);
    if (st == -1) {
        kaal_inv_report_t r = kaal_invariants_check();
        if (r.problems != 0) {
            fprintf(stderr, "fuzz_parsers: invariants broken after boot: %s\n", r.msg[0]);
            abort();
        }
    } else {
        CHECK(st == 2);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    /* An exact-size copy: any read past the end is an ASan report. */
    size_t n = size - 1;
    uint8_t *p = malloc(n != 0 ? n : 1);
    if (p == NULL) {
        return 0;
    }
    memcpy(p, data + 1, n);
    switch (data[0] % 6u) {
    case 0:
        check_elf(p, n, KAAL_EM_X86_64);
        check_elf(p, n, KAAL_EM_AARCH64);
        break;
    case 1:
        check_sysdesc(p, n);
        break;
    case 2:
        check_cpio(p, n);
        break;
    case 3:
        check_boot_elf(p, n);
        break;
    case 4:
        check_archive(p, n);
        break;
    default:
        check_boot(p, n);
        break;
    }
    free(p);
    return 0;
}
