/* Root task ELF reader (see boot_elf.h). */
#include "boot_elf.h"

#define PT_LOAD 1u

/*@ requires n <= 8;
    requires \valid_read(p + (0 .. n - 1));
    assigns \nothing;
*/
static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, v;
        loop variant n - i;
    */
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8u * i);
    }
    return v;
}

/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result == \null ==>
        s->filesz <= s->memsz &&
        s->offset <= size && s->offset + s->filesz <= size &&
        HAL_USER_VADDR_BASE <= s->vaddr && s->vaddr + s->memsz <= HAL_USER_VADDR_TOP;
*/
static const char *check_segment(const boot_elf_seg_t *s, size_t size)
{
    if (s->filesz > s->memsz) {
        return "segment file size exceeds memory size";
    }
    if (s->offset > size || s->filesz > size - s->offset) {
        return "segment lies outside the image";
    }
    if (s->vaddr < HAL_USER_VADDR_BASE || s->vaddr >= HAL_USER_VADDR_TOP ||
        s->memsz > HAL_USER_VADDR_TOP - s->vaddr) {
        return "segment outside the user address range";
    }
    return NULL;
}

const char *boot_elf_parse(const void *img, size_t size, unsigned machine, boot_elf_t *out)
{
    const uint8_t *b = img;
    if (img == NULL || size < 64) {
        return "image too small for an ELF header";
    }
    if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
        return "not an ELF image";
    }
    if (b[4] != 2 || b[5] != 1) {
        return "not a 64-bit little-endian ELF";
    }
    if (rd(b + 16, 2) != 2) {
        return "not an executable (ET_EXEC)";
    }
    if (rd(b + 18, 2) != machine) {
        return "ELF machine does not match this CPU";
    }
    uint64_t phoff = rd(b + 32, 8);
    uint64_t phentsize = rd(b + 54, 2);
    uint64_t phnum = rd(b + 56, 2);
    if (phentsize < 56 || phnum > 64 || phoff > size || phnum * phentsize > size - phoff) {
        return "bad program header table";
    }
    out->entry = rd(b + 24, 8);
    out->nsegs = 0;
    out->vstart = ~(vaddr_t)0;
    out->vend = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = b + phoff + i * phentsize;
        if (rd(ph, 4) != PT_LOAD || rd(ph + 40, 8) == 0) {
            continue;
        }
        if (out->nsegs == BOOT_ELF_MAX_SEGS) {
            return "too many loadable segments";
        }
        boot_elf_seg_t *s = &out->seg[out->nsegs];
        s->flags = rd(ph + 4, 4);
        s->offset = rd(ph + 8, 8);
        s->vaddr = rd(ph + 16, 8);
        s->filesz = rd(ph + 32, 8);
        s->memsz = rd(ph + 40, 8);
        const char *why = check_segment(s, size);
        if (why != NULL) {
            return why;
        }
        vaddr_t lo = s->vaddr & ~KAAL_MASK(KAAL_PAGE_BITS);
        vaddr_t hi = KAAL_ALIGN_UP(s->vaddr + s->memsz, 1u << KAAL_PAGE_BITS);
        for (unsigned j = 0; j < out->nsegs; j++) {
            const boot_elf_seg_t *o = &out->seg[j];
            vaddr_t olo = o->vaddr & ~KAAL_MASK(KAAL_PAGE_BITS);
            vaddr_t ohi = KAAL_ALIGN_UP(o->vaddr + o->memsz, 1u << KAAL_PAGE_BITS);
            if (lo < ohi && olo < hi) {
                return "segments share a page";
            }
        }
        out->vstart = lo < out->vstart ? lo : out->vstart;
        out->vend = hi > out->vend ? hi : out->vend;
        out->nsegs++;
    }
    if (out->nsegs == 0) {
        return "no loadable segment";
    }
    if (out->entry < out->vstart || out->entry >= out->vend) {
        return "entry point outside the image";
    }
    return NULL;
}
