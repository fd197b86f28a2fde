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

static bool has_symbol(const unsigned char *b, size_t size, const char *name)
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
                return true;
            }
        }
    }
    return false;
}

bool mk_elf_has_symbol(const char *path, const char *name)
{
    size_t size = 0;
    unsigned char *b = read_all(path, &size);
    if (b == NULL) {
        return false;
    }
    bool found = has_symbol(b, size, name);
    free(b);
    return found;
}
