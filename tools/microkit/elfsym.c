/*
 * Symbol lookup in an ELF64 little-endian file (x86-64 or AArch64), for
 * the system file's setvar checks (sdf.h). Reads the whole file and checks
 * every offset against its size before use.
 */
#include "sdf.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define MK_ELF_MAX (256u << 20)

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    unsigned char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && (unsigned long)n <= MK_ELF_MAX && fseek(f, 0, SEEK_SET) == 0) {
            buf = malloc((size_t)n);
            if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
            }
            *size = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

static bool in_file(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

bool mk_elf_has_symbol(const char *path, const char *name)
{
    size_t size = 0;
    unsigned char *b = read_all(path, &size);
    if (b == NULL) {
        return false;
    }
    uint64_t vaddr, symsize;
    bool found = mk_elf_symbol(b, size, name, &vaddr, &symsize);
    free(b);
    return found;
}

/* ---- Symbols and patching of an image held in memory (image.c) ---------- */

bool mk_elf_symbol(const unsigned char *b, size_t size, const char *name, uint64_t *vaddr,
                   uint64_t *symsize)
{
    Elf64_Ehdr eh;
    if (size < sizeof eh || memcmp(b, ELFMAG, SELFMAG) != 0 || b[EI_CLASS] != ELFCLASS64 ||
        b[EI_DATA] != ELFDATA2LSB) {
        return false;
    }
    memcpy(&eh, b, sizeof eh);
    if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
        !in_file(size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr))) {
        return false;
    }
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh, strsh;
        memcpy(&sh, b + eh.e_shoff + (uint64_t)i * sizeof sh, sizeof sh);
        if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum ||
            sh.sh_entsize != sizeof(Elf64_Sym) || !in_file(size, sh.sh_offset, sh.sh_size)) {
            continue;
        }
        memcpy(&strsh, b + eh.e_shoff + (uint64_t)sh.sh_link * sizeof strsh, sizeof strsh);
        if (!in_file(size, strsh.sh_offset, strsh.sh_size)) {
            continue;
        }
        for (uint64_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
            Elf64_Sym sym;
            memcpy(&sym, b + sh.sh_offset + k * sizeof sym, sizeof sym);
            if (sym.st_name == 0 || sym.st_name >= strsh.sh_size || sym.st_shndx == SHN_UNDEF) {
                continue;
            }
            const char *s = (const char *)b + strsh.sh_offset + sym.st_name;
            size_t room = strsh.sh_size - sym.st_name;
            if (strnlen(s, room) < room && strcmp(s, name) == 0) {
                *vaddr = sym.st_value;
                *symsize = sym.st_size;
                return true;
            }
        }
    }
    return false;
}

/* Write n bytes at vaddr of the loadable segment holding them. Bytes past
 * the segment's file data (its .bss) get file data: the segment's bytes
 * are copied to the end of the file, zero-filled to its memory size
 * (p_offset moves there, p_filesz = p_memsz; the section headers keep the
 * old offsets, which no loader reads). Returns 0, or -1 with why set. */
int mk_elf_patch(unsigned char **image, size_t *size, uint64_t vaddr, const void *bytes, size_t n,
                 const char **why)
{
    unsigned char *b = *image;
    Elf64_Ehdr eh;
    *why = "not an ELF64 little-endian image";
    if (*size < sizeof eh || memcmp(b, ELFMAG, SELFMAG) != 0 || b[EI_CLASS] != ELFCLASS64 ||
        b[EI_DATA] != ELFDATA2LSB) {
        return -1;
    }
    memcpy(&eh, b, sizeof eh);
    *why = "bad program header table";
    if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
        !in_file(*size, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr))) {
        return -1;
    }
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        uint64_t at = eh.e_phoff + (uint64_t)i * sizeof ph;
        memcpy(&ph, b + at, sizeof ph);
        if (ph.p_type != PT_LOAD || vaddr < ph.p_vaddr || ph.p_memsz < n ||
            vaddr - ph.p_vaddr > ph.p_memsz - n) {
            continue;
        }
        *why = "segment data past the end of the image";
        if (!in_file(*size, ph.p_offset, ph.p_filesz) || ph.p_filesz > ph.p_memsz) {
            return -1;
        }
        if (vaddr - ph.p_vaddr + n > ph.p_filesz) {
            /* place the segment at the end, with the same offset modulo a page */
            uint64_t off = (*size + 0xfffu) & ~0xfffull;
            off += ph.p_vaddr & 0xfffu;
            unsigned char *nb = realloc(b, off + ph.p_memsz);
            *why = "out of memory";
            if (nb == NULL) {
                return -1;
            }
            b = nb;
            memset(b + *size, 0, off + ph.p_memsz - *size);
            memmove(b + off, b + ph.p_offset, ph.p_filesz);
            ph.p_offset = off;
            ph.p_filesz = ph.p_memsz;
            memcpy(b + at, &ph, sizeof ph);
            *size = off + ph.p_memsz;
            *image = b;
        }
        memcpy(b + ph.p_offset + (vaddr - ph.p_vaddr), bytes, n);
        return 0;
    }
    *why = "the symbol is in no loadable segment";
    return -1;
}
