/* The ELF loader's checks (user/libkaal/src/elf.c), compiled natively:
 * hand-made images with one defect each, and the real root task image. */
#include <kaal/elf.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VBASE 0x10000000ull
#define VTOP 0x70000000ull

typedef struct seg_spec {
    uint64_t vaddr, filesz, memsz;
    uint32_t flags;
} seg_spec_t;

static unsigned char img[65536];
static size_t img_len;
static kaal_elf_image_t out;

/* Build an image: header, program headers, then each segment's bytes. */
static void build(uint16_t machine, uint16_t type, uint64_t entry, const seg_spec_t *s, unsigned n)
{
    memset(img, 0, sizeof(img));
    kaal_elf64_ehdr_t eh = {.e_type = type, .e_machine = machine, .e_version = 1, .e_entry = entry,
                            .e_phoff = sizeof(eh), .e_ehsize = sizeof(eh),
                            .e_phentsize = sizeof(kaal_elf64_phdr_t), .e_phnum = (uint16_t)n};
    memcpy(eh.e_ident, "\x7f" "ELF\x02\x01\x01", 7);
    memcpy(img, &eh, sizeof(eh));
    size_t off = sizeof(eh) + n * sizeof(kaal_elf64_phdr_t);
    for (unsigned i = 0; i < n; i++) {
        kaal_elf64_phdr_t ph = {.p_type = KAAL_PT_LOAD, .p_flags = s[i].flags, .p_offset = off,
                                .p_vaddr = s[i].vaddr, .p_paddr = s[i].vaddr,
                                .p_filesz = s[i].filesz, .p_memsz = s[i].memsz, .p_align = 4096};
        memcpy(img + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
        memset(img + off, 0x40 + (int)i, s[i].filesz);
        off += s[i].filesz;
    }
    img_len = off;
}

static const seg_spec_t good[] = {
    {0x10000000, 0x1800, 0x1800, KAAL_PF_R | KAAL_PF_X},
    {0x10002000, 0x100, 0x100, KAAL_PF_R},
    {0x10003000, 0x80, 0x2000, KAAL_PF_R | KAAL_PF_W},
};

static kaal_elf_error_t parse(uint16_t machine)
{
    return kaal_elf_parse(img, img_len, machine, VBASE, VTOP, &out);
}

static void expect(kaal_elf_error_t want)
{
    kaal_elf_error_t e = parse(KAAL_EM_X86_64);
    cr_assert_eq(e, want, "got '%s', expected '%s'", kaal_elf_strerror(e), kaal_elf_strerror(want));
}

Test(elf, good_image)
{
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 3);
    expect(KAAL_ELF_OK);
    cr_assert_eq(out.nsegs, 3);
    cr_assert_eq(out.entry, 0x10000010);
    cr_assert_eq(out.vstart, 0x10000000);
    cr_assert_eq(out.vend, 0x10005000);
    cr_assert_str_eq(kaal_elf_rights_text(out.seg[0].flags), "R-X");
    cr_assert_str_eq(kaal_elf_rights_text(out.seg[1].flags), "R--");
    cr_assert_str_eq(kaal_elf_rights_text(out.seg[2].flags), "RW-");
    cr_assert_eq(out.seg[2].filesz, 0x80);
    cr_assert_eq(out.seg[2].memsz, 0x2000);
    cr_assert_eq(out.image[out.seg[1].offset], 0x41);
}

Test(elf, unaligned_segments_and_order)
{
    /* Not page aligned, listed out of order: accepted and sorted. */
    seg_spec_t s[] = {
        {0x10004010, 0x20, 0x30, KAAL_PF_R | KAAL_PF_W},
        {0x10000100, 0x300, 0x300, KAAL_PF_R | KAAL_PF_X},
    };
    build(KAAL_EM_AARCH64, KAAL_ET_EXEC, 0x10000100, s, 2);
    cr_assert_eq(parse(KAAL_EM_AARCH64), KAAL_ELF_OK);
    cr_assert_eq(out.seg[0].vaddr, 0x10000100);
    cr_assert_eq(out.seg[1].vaddr, 0x10004010);
    cr_assert_eq(out.vstart, 0x10000000);
    cr_assert_eq(out.vend, 0x10005000);
}

Test(elf, wrong_machine)
{
    build(KAAL_EM_AARCH64, KAAL_ET_EXEC, 0x10000010, good, 3);
    expect(KAAL_ELF_WRONG_MACHINE);
    cr_assert_eq(parse(KAAL_EM_AARCH64), KAAL_ELF_OK);
}

Test(elf, not_an_executable)
{
    build(KAAL_EM_X86_64, 3 /* ET_DYN */, 0x10000010, good, 3);
    expect(KAAL_ELF_NOT_EXEC);
}

Test(elf, bad_ident)
{
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 3);
    img[1] = 'X';
    expect(KAAL_ELF_BAD_MAGIC);
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 3);
    img[4] = 1; /* ELFCLASS32 */
    expect(KAAL_ELF_BAD_CLASS);
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 3);
    img[5] = 2; /* big-endian */
    expect(KAAL_ELF_BAD_CLASS);
}

/* Every truncation of a good image is rejected, never read past. */
Test(elf, every_truncation_rejected)
{
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 3);
    size_t full = img_len;
    for (size_t len = 0; len < full; len++) {
        unsigned char *copy = malloc(len + 1);
        memcpy(copy, img, len);
        kaal_elf_error_t e = kaal_elf_parse(copy, len, KAAL_EM_X86_64, VBASE, VTOP, &out);
        cr_assert(e == KAAL_ELF_TRUNCATED || e == KAAL_ELF_BAD_PHDRS || e == KAAL_ELF_SEG_TRUNCATED,
                  "len %zu: %s", len, kaal_elf_strerror(e));
        free(copy);
    }
    cr_assert_eq(kaal_elf_parse(NULL, 0, KAAL_EM_X86_64, VBASE, VTOP, &out), KAAL_ELF_TRUNCATED);
}

Test(elf, bad_program_header_table)
{
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 3);
    kaal_elf64_ehdr_t *eh = (kaal_elf64_ehdr_t *)img;
    eh->e_phentsize = 32;
    expect(KAAL_ELF_BAD_PHDRS);
    eh->e_phentsize = sizeof(kaal_elf64_phdr_t);
    eh->e_phoff = 0xfffffffffffffff0ull;
    expect(KAAL_ELF_BAD_PHDRS);
    eh->e_phoff = sizeof(*eh);
    eh->e_phnum = 0;
    expect(KAAL_ELF_BAD_PHDRS);
}

Test(elf, segment_offset_past_end)
{
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 3);
    kaal_elf64_phdr_t *ph = (kaal_elf64_phdr_t *)(img + sizeof(kaal_elf64_ehdr_t));
    ph[1].p_offset = 0xffffffffffffff00ull;
    expect(KAAL_ELF_SEG_TRUNCATED);
}

Test(elf, overlapping_segments)
{
    seg_spec_t s[] = {
        {0x10000000, 0x1800, 0x1800, KAAL_PF_R | KAAL_PF_X},
        {0x10001000, 0x100, 0x100, KAAL_PF_R},
    };
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, s, 2);
    expect(KAAL_ELF_SEG_OVERLAP);
    /* Disjoint bytes in one page also conflict (one frame, one set of rights). */
    s[0].filesz = s[0].memsz = 0x800;
    s[1].vaddr = 0x10000900;
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, s, 2);
    expect(KAAL_ELF_SEG_OVERLAP);
    /* The bss of one segment running into the next. */
    seg_spec_t t[] = {
        {0x10000000, 0x100, 0x100, KAAL_PF_R | KAAL_PF_X},
        {0x10003000, 0x100, 0x100, KAAL_PF_R},
        {0x10001000, 0x10, 0x2100, KAAL_PF_R | KAAL_PF_W},
    };
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, t, 3);
    expect(KAAL_ELF_SEG_OVERLAP);
}

Test(elf, segments_outside_user_range)
{
    seg_spec_t s[] = {{0x0fff0000, 0x100, 0x100, KAAL_PF_R | KAAL_PF_X}};
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x0fff0000, s, 1);
    expect(KAAL_ELF_SEG_RANGE);
    s[0].vaddr = 0x6ffff000;
    s[0].memsz = 0x2000;
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x6ffff000, s, 1);
    expect(KAAL_ELF_SEG_RANGE);
    s[0].vaddr = 0xfffffffffffff000ull;
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000000, s, 1);
    expect(KAAL_ELF_SEG_RANGE);
    /* Ending exactly at the top is fine. */
    s[0].vaddr = 0x6ffff000;
    s[0].memsz = 0x1000;
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x6ffff000, s, 1);
    expect(KAAL_ELF_OK);
}

Test(elf, writable_and_executable)
{
    seg_spec_t s[] = {{0x10000000, 0x100, 0x100, KAAL_PF_R | KAAL_PF_W | KAAL_PF_X}};
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000000, s, 1);
    expect(KAAL_ELF_SEG_WX);
    cr_assert_str_eq(kaal_elf_strerror(KAAL_ELF_SEG_WX), "segment is both writable and executable");
}

Test(elf, filesz_larger_than_memsz)
{
    seg_spec_t s[] = {{0x10000000, 0x200, 0x100, KAAL_PF_R | KAAL_PF_X}};
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000000, s, 1);
    expect(KAAL_ELF_SEG_FILESZ);
}

Test(elf, entry_and_segment_count)
{
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10002000, good, 3); /* entry in rodata */
    expect(KAAL_ELF_BAD_ENTRY);
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, good, 0);
    expect(KAAL_ELF_BAD_PHDRS);
    seg_spec_t empty[] = {{0x10000000, 0, 0, KAAL_PF_R}};
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, empty, 1);
    expect(KAAL_ELF_NO_SEGMENTS);
    seg_spec_t many[KAAL_ELF_MAX_SEGMENTS + 1];
    for (unsigned i = 0; i <= KAAL_ELF_MAX_SEGMENTS; i++) {
        many[i] = (seg_spec_t){0x10000000 + 0x1000ull * i, 0x10, 0x10, KAAL_PF_R | KAAL_PF_X};
    }
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000000, many, KAAL_ELF_MAX_SEGMENTS + 1);
    expect(KAAL_ELF_TOO_MANY_SEGS);
}

/* The root task built for this backend, linked with user/user.ld. */
Test(elf, real_user_image)
{
    FILE *fp = fopen(KAAL_TEST_USER_ELF, "rb");
    cr_assert_not_null(fp, "cannot open %s", KAAL_TEST_USER_ELF);
    static unsigned char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    kaal_elf_error_t e = kaal_elf_parse(buf, len, KAAL_EM_NATIVE, VBASE, VTOP, &out);
    cr_assert_eq(e, KAAL_ELF_OK, "%s", kaal_elf_strerror(e));
    cr_assert_geq(out.nsegs, 2);
    cr_assert_str_eq(kaal_elf_rights_text(out.seg[0].flags), "R-X");
    for (unsigned i = 0; i < out.nsegs; i++) {
        const char *r = kaal_elf_rights_text(out.seg[i].flags);
        cr_assert(strcmp(r, "R-X") == 0 || strcmp(r, "R--") == 0 || strcmp(r, "RW-") == 0, "%s", r);
    }
    uint16_t other = KAAL_EM_NATIVE == KAAL_EM_X86_64 ? KAAL_EM_AARCH64 : KAAL_EM_X86_64;
    cr_assert_eq(kaal_elf_parse(buf, len, other, VBASE, VTOP, &out), KAAL_ELF_WRONG_MACHINE);
}

/* Random damage to the real image (fixed seed): never a segment outside
 * the image or the user range when accepted. */
Test(elf, random_mutations_are_safe)
{
    FILE *fp = fopen(KAAL_TEST_USER_ELF, "rb");
    cr_assert_not_null(fp);
    static unsigned char orig[1 << 20], buf[1 << 20];
    size_t len = fread(orig, 1, sizeof(orig), fp);
    fclose(fp);
    uint64_t seed = 777;
    for (unsigned round = 0; round < 20000; round++) {
        memcpy(buf, orig, len);
        for (unsigned e = 0; e < 1 + round % 3; e++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(seed >> 33) % 256; /* headers live in the first bytes */
            buf[at] = (unsigned char)(seed >> 24);
        }
        if (kaal_elf_parse(buf, len, KAAL_EM_NATIVE, VBASE, VTOP, &out) == KAAL_ELF_OK) {
            for (unsigned i = 0; i < out.nsegs; i++) {
                const kaal_elf_segment_t *s = &out.seg[i];
                cr_assert_leq(s->offset + s->filesz, len);
                cr_assert_geq(s->vaddr, VBASE);
                cr_assert_leq(s->vaddr + s->memsz, VTOP);
                cr_assert(!((s->flags & KAAL_PF_W) && (s->flags & KAAL_PF_X)));
            }
        }
    }
}

/* Segments that end exactly where the next one's page begins are not an
 * overlap, in either order of the program headers (the last byte of a
 * segment is vaddr + memsz - 1: a check off by two pages' worth of one
 * byte would refuse every tightly linked image). */
Test(elf, segments_touching_at_a_page_boundary)
{
    seg_spec_t s[] = {
        {0x10000000, 0x1000, 0x1000, KAAL_PF_R | KAAL_PF_X},
        {0x10001000, 0x1000, 0x1000, KAAL_PF_R},
        {0x10002000, 0x10, 0x1000, KAAL_PF_R | KAAL_PF_W},
    };
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, s, 3);
    expect(KAAL_ELF_OK);
    cr_assert_eq(out.nsegs, 3);
    seg_spec_t r[] = {s[2], s[0], s[1]};
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, r, 3);
    expect(KAAL_ELF_OK);
    /* One byte more in the first segment and it shares the next one's page. */
    s[0].filesz = s[0].memsz = 0x1001;
    build(KAAL_EM_X86_64, KAAL_ET_EXEC, 0x10000010, s, 3);
    expect(KAAL_ELF_SEG_OVERLAP);
}
