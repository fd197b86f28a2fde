/*
 * libkaal: ELF64 reader for user images. See kaal/elf.h for what is
 * accepted and why. Headers are copied out byte by byte, so the image may
 * sit at any alignment (inside a CPIO archive entries are 4-byte aligned).
 * Both KaaL machines are little-endian, as is every image accepted.
 */
#include <kaal/elf.h>

#define ELF_PAGE 4096ull
#define ELF_CLASS64 2u
#define ELF_DATA_LSB 1u
#define ELF_VERSION_CURRENT 1u

static uint64_t page_down(uint64_t x) { return x & ~(ELF_PAGE - 1u); }

/* Copy n bytes (no libc in user code; this runs once per header). */
static void copy_bytes(void *dst, const uint8_t *src, size_t n)
{
    uint8_t *d = dst;
    for (size_t i = 0; i < n; i++) {
        d[i] = src[i];
    }
}

/* Check the ELF header. Requires size >= sizeof(*eh). */
static kaal_elf_error_t check_header(const kaal_elf64_ehdr_t *eh, size_t size, uint16_t machine)
{
    const uint8_t *id = eh->e_ident;
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F') {
        return KAAL_ELF_BAD_MAGIC;
    }
    if (id[4] != ELF_CLASS64 || id[5] != ELF_DATA_LSB || id[6] != ELF_VERSION_CURRENT) {
        return KAAL_ELF_BAD_CLASS;
    }
    if (eh->e_machine != machine) {
        return KAAL_ELF_WRONG_MACHINE;
    }
    if (eh->e_type != KAAL_ET_EXEC) {
        return KAAL_ELF_NOT_EXEC;
    }
    if (eh->e_phentsize != sizeof(kaal_elf64_phdr_t) || eh->e_phnum == 0 ||
        eh->e_phnum > KAAL_ELF_MAX_PHDRS) {
        return KAAL_ELF_BAD_PHDRS;
    }
    uint64_t table = (uint64_t)eh->e_phnum * sizeof(kaal_elf64_phdr_t);
    if (eh->e_phoff > size || table > size - eh->e_phoff) {
        return KAAL_ELF_BAD_PHDRS;
    }
    return KAAL_ELF_OK;
}

/* Check one PT_LOAD header on its own (not against the others). */
static kaal_elf_error_t check_segment(const kaal_elf64_phdr_t *ph, size_t size, uint64_t vbase,
                                      uint64_t vtop)
{
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
        return KAAL_ELF_SEG_TRUNCATED;
    }
    if (ph->p_filesz > ph->p_memsz) {
        return KAAL_ELF_SEG_FILESZ;
    }
    if ((ph->p_flags & KAAL_PF_W) && (ph->p_flags & KAAL_PF_X)) {
        return KAAL_ELF_SEG_WX;
    }
    if (ph->p_vaddr < vbase || ph->p_vaddr > vtop || ph->p_memsz > vtop - ph->p_vaddr) {
        return KAAL_ELF_SEG_RANGE;
    }
    return KAAL_ELF_OK;
}

/* Insert s into the vaddr-sorted list, refusing one that shares a page
 * with a neighbour. Requires out->nsegs < KAAL_ELF_MAX_SEGMENTS. */
static kaal_elf_error_t insert_segment(kaal_elf_image_t *out, const kaal_elf_segment_t *s)
{
    unsigned i = out->nsegs;
    while (i > 0 && out->seg[i - 1u].vaddr > s->vaddr) {
        out->seg[i] = out->seg[i - 1u];
        i--;
    }
    out->seg[i] = *s;
    out->nsegs++;
    if (i > 0) {
        const kaal_elf_segment_t *p = &out->seg[i - 1u];
        /* Last byte of the previous segment must lie in an earlier page. */
        if (page_down(p->vaddr + p->memsz - 1u) >= page_down(s->vaddr)) {
            return KAAL_ELF_SEG_OVERLAP;
        }
    }
    if (i + 1u < out->nsegs) {
        const kaal_elf_segment_t *n = &out->seg[i + 1u];
        if (page_down(s->vaddr + s->memsz - 1u) >= page_down(n->vaddr)) {
            return KAAL_ELF_SEG_OVERLAP;
        }
    }
    return KAAL_ELF_OK;
}

/* The entry point must be inside an executable segment. */
static int entry_ok(const kaal_elf_image_t *img)
{
    for (unsigned i = 0; i < img->nsegs; i++) {
        const kaal_elf_segment_t *s = &img->seg[i];
        if ((s->flags & KAAL_PF_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz) {
            return 1;
        }
    }
    return 0;
}

kaal_elf_error_t kaal_elf_parse(const void *image, size_t size, uint16_t machine,
                                uint64_t vbase, uint64_t vtop, kaal_elf_image_t *out)
{
    const uint8_t *bytes = image;
    kaal_elf64_ehdr_t eh;
    out->nsegs = 0;
    if (image == NULL || size < sizeof(eh)) {
        return KAAL_ELF_TRUNCATED;
    }
    copy_bytes(&eh, bytes, sizeof(eh));
    kaal_elf_error_t e = check_header(&eh, size, machine);
    if (e != KAAL_ELF_OK) {
        return e;
    }
    out->image = bytes;
    out->size = size;
    out->entry = eh.e_entry;
    out->tls_memsz = 0;
    out->tls_align = 1;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        kaal_elf64_phdr_t ph;
        copy_bytes(&ph, bytes + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        if (ph.p_type == KAAL_PT_TLS) {
            /* Recorded for the loader, which places each thread's block
             * (its image lies inside the data PT_LOAD). */
            out->tls_memsz = ph.p_memsz;
            out->tls_align = ph.p_align;
            continue;
        }
        if (ph.p_type != KAAL_PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        e = check_segment(&ph, size, vbase, vtop);
        if (e != KAAL_ELF_OK) {
            return e;
        }
        if (out->nsegs == KAAL_ELF_MAX_SEGMENTS) {
            return KAAL_ELF_TOO_MANY_SEGS;
        }
        kaal_elf_segment_t s = {.vaddr = ph.p_vaddr, .memsz = ph.p_memsz, .offset = ph.p_offset,
                                .filesz = ph.p_filesz, .flags = ph.p_flags & 7u};
        e = insert_segment(out, &s);
        if (e != KAAL_ELF_OK) {
            return e;
        }
    }
    if (out->nsegs == 0) {
        return KAAL_ELF_NO_SEGMENTS;
    }
    if (!entry_ok(out)) {
        return KAAL_ELF_BAD_ENTRY;
    }
    const kaal_elf_segment_t *last = &out->seg[out->nsegs - 1u];
    out->vstart = page_down(out->seg[0].vaddr);
    out->vend = page_down(last->vaddr + last->memsz - 1u) + ELF_PAGE;
    return KAAL_ELF_OK;
}

const char *kaal_elf_rights_text(uint32_t flags)
{
    if (flags & KAAL_PF_X) {
        return (flags & KAAL_PF_W) ? "RWX" : "R-X";
    }
    return (flags & KAAL_PF_W) ? "RW-" : "R--";
}

const char *kaal_elf_strerror(kaal_elf_error_t err)
{
    static const char *const text[KAAL_ELF_NUM_ERRORS] = {
        [KAAL_ELF_OK] = "no error",
        [KAAL_ELF_TRUNCATED] = "image truncated: shorter than an ELF header",
        [KAAL_ELF_BAD_MAGIC] = "not an ELF image (bad magic)",
        [KAAL_ELF_BAD_CLASS] = "not a little-endian ELF64 version 1 image",
        [KAAL_ELF_WRONG_MACHINE] = "image is for another machine",
        [KAAL_ELF_NOT_EXEC] = "image is not an executable (ET_EXEC)",
        [KAAL_ELF_BAD_PHDRS] = "bad or truncated program header table",
        [KAAL_ELF_SEG_TRUNCATED] = "segment data past the end of the image",
        [KAAL_ELF_SEG_FILESZ] = "segment file size larger than its memory size",
        [KAAL_ELF_SEG_WX] = "segment is both writable and executable",
        [KAAL_ELF_SEG_RANGE] = "segment outside the user address range",
        [KAAL_ELF_SEG_OVERLAP] = "segments overlap (share a page)",
        [KAAL_ELF_TOO_MANY_SEGS] = "too many loadable segments",
        [KAAL_ELF_NO_SEGMENTS] = "no loadable segment",
        [KAAL_ELF_BAD_ENTRY] = "entry point outside the executable segments",
    };
    return (unsigned)err < KAAL_ELF_NUM_ERRORS ? text[err] : "unknown ELF error";
}
