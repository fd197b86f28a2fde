/*
 * mkcpio: write a CPIO "newc" archive (the boot archive, docs/processes.md)
 * without depending on an external cpio binary.
 *   mkcpio [--machine x86_64|aarch64] [--vtop ADDR] OUTPUT NAME=FILE...
 * stores each FILE under NAME, in the order given, then the trailer. The
 * output depends only on the names and contents (inode numbers count from
 * 1, times and owners are 0), so builds are reproducible.
 *
 * Before writing anything it checks what the root task's loader would
 * refuse, with libkaal's own code (compiled natively), and fails with
 * "FILE:LINE: reason" (FILE: the description's path as given):
 *   - every NAME.system is parsed (syntax, names, limits, slots, regions);
 *   - every elf= of it is in the archive, a valid executable for the
 *     machine (--machine, or that of the first program's ELF), inside the
 *     user range [0x10000000, --vtop) (default 0x70000000: the range of
 *     every backend) and outside the stack/IPC buffer window, and no region
 *     granted to the program lies on its image;
 *   - every fill= file of a memory region is in the archive and no larger
 *     than the region;
 *   - at most one NAME.system, no NAME twice.
 */
#include "cpio_write.h"
#include <kaal/sysdesc.h>
#include <kaal/elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MKCPIO_MAX_FILE (64ul << 20)

/* Read the whole file at path; returns a malloc'd buffer or NULL. */
static unsigned char *read_all(const char *path, unsigned long *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    unsigned char *buf = malloc(MKCPIO_MAX_FILE);
    unsigned long n = buf != NULL ? fread(buf, 1, MKCPIO_MAX_FILE, f) : 0;
    int bad = buf == NULL || ferror(f) || !feof(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

static int add_file(FILE *out, unsigned long *pos, unsigned long ino, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || eq[1] == '\0') {
        fprintf(stderr, "mkcpio: expected NAME=FILE, got '%s'\n", spec);
        return -1;
    }
    char name[256];
    size_t nlen = (size_t)(eq - spec);
    if (nlen >= sizeof(name)) {
        fprintf(stderr, "mkcpio: name too long in '%s'\n", spec);
        return -1;
    }
    memcpy(name, spec, nlen);
    name[nlen] = '\0';
    unsigned long size;
    unsigned char *data = read_all(eq + 1, &size);
    if (data == NULL) {
        fprintf(stderr, "mkcpio: cannot read '%s' (or larger than 64 MiB)\n", eq + 1);
        return -1;
    }
    int r = cpio_put_entry(out, pos, ino, name, data, size);
    free(data);
    return r;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The FILE of the entry called name among specs[0..n), or NULL. */
static const char *entry_path(char **specs, int n, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < n; i++) {
        if (strncmp(specs[i], name, len) == 0 && specs[i][len] == '=') {
            return specs[i] + len + 1;
        }
    }
    return NULL;
}

/* What the checks need besides the archive's files. */
typedef struct mk_opts {
    unsigned machine;      /* KAAL_EM_*, 0: that of the first program's ELF */
    unsigned long long vtop;
} mk_opts_t;

/* Check program p's ELF (kaal_sysdesc_check_elf, as the loader does).
 * Returns 0 or -1 after printing "FILE:LINE: reason". */
static int check_program(kaal_sysdesc_t *sd, const char *file, unsigned p, char **specs, int n,
                         mk_opts_t *o)
{
    const char *path = entry_path(specs, n, sd->program[p].elf);
    unsigned long size = 0;
    unsigned char *img = NULL;
    if (path != NULL && (img = read_all(path, &size)) == NULL) {
        fprintf(stderr, "mkcpio: cannot read '%s'\n", path);
        return -1;
    }
    if (o->machine == 0 && img != NULL && size >= sizeof(kaal_elf64_ehdr_t)) {
        o->machine = (unsigned)img[18] | (unsigned)img[19] << 8; /* e_machine */
    }
    int r = kaal_sysdesc_check_elf(sd, file, p, img, size, (uint16_t)o->machine,
                                   KAAL_SD_PORTABLE_VBASE, o->vtop);
    free(img);
    if (r != 0) {
        fprintf(stderr, "%s\n", sd->error);
    }
    return r;
}

/* Check memory region d's fill= file (as the loader's fill check does):
 * in the archive and no larger than the region. 0 or -1 after a message. */
static int check_fill(const char *file, const kaal_sd_object_t *d,
                      char **specs, int n)
{
    if (d->kind != KAAL_SD_MEMORY || d->fill[0] == '\0') {
        return 0;
    }
    const char *path = entry_path(specs, n, d->fill);
    if (path == NULL) {
        fprintf(stderr, "%s:%u: fill file '%s' is not in the boot archive\n", file, d->line, d->fill);
        return -1;
    }
    unsigned long size = 0;
    unsigned char *data = read_all(path, &size);
    if (data == NULL) {
        fprintf(stderr, "mkcpio: cannot read '%s'\n", path);
        return -1;
    }
    free(data);
    if (size > d->size) {
        fprintf(stderr, "%s:%u: fill file '%s' is larger than the memory\n", file, d->line, d->fill);
        return -1;
    }
    return 0;
}

/* Check the archive's names and every NAME.system among specs. Returns 0,
 * or -1 after printing why. */
static int check_systems(char **specs, int n, mk_opts_t *o)
{
    static kaal_sysdesc_t sd;
    const char *first = NULL;
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(specs[i], '=');
        if (eq == NULL) {
            continue; /* add_file reports it */
        }
        size_t nlen = (size_t)(eq - specs[i]);
        for (int j = 0; j < i; j++) {
            if (strncmp(specs[j], specs[i], nlen + 1u) == 0) {
                fprintf(stderr, "mkcpio: '%.*s' given twice\n", (int)nlen, specs[i]);
                return -1;
            }
        }
        if (!ends_with(specs[i], nlen, ".system")) {
            continue;
        }
        if (first != NULL) {
            fprintf(stderr, "mkcpio: more than one system description ('%.*s' and '%.*s'): "
                    "the loader runs only the first\n", (int)(strchr(first, '=') - first), first,
                    (int)nlen, specs[i]);
            return -1;
        }
        first = specs[i];
        unsigned long size;
        unsigned char *text = read_all(eq + 1, &size);
        if (text == NULL) {
            fprintf(stderr, "mkcpio: cannot read '%s'\n", eq + 1);
            return -1;
        }
        int r = kaal_sysdesc_parse((const char *)text, size, eq + 1, KAAL_SD_PORTABLE_VBASE, o->vtop,
                                   &sd);
        free(text);
        if (r != 0) {
            fprintf(stderr, "%s\n", sd.error);
            return -1;
        }
        for (unsigned p = 0; p < sd.nprograms; p++) {
            if (check_program(&sd, eq + 1, p, specs, n, o) != 0) {
                return -1;
            }
        }
        for (unsigned d = 0; d < sd.nobjects; d++) {
            if (check_fill(eq + 1, &sd.object[d], specs, n) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Options before OUTPUT; returns the index of OUTPUT or -1. */
static int parse_options(int argc, char **argv, mk_opts_t *o)
{
    int i = 1;
    o->machine = 0;
    o->vtop = KAAL_SD_PORTABLE_VTOP;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--machine") == 0 && strcmp(argv[i + 1], "x86_64") == 0) {
            o->machine = KAAL_EM_X86_64;
        } else if (strcmp(argv[i], "--machine") == 0 && strcmp(argv[i + 1], "aarch64") == 0) {
            o->machine = KAAL_EM_AARCH64;
        } else if (strcmp(argv[i], "--vtop") == 0) {
            char *end;
            o->vtop = strtoull(argv[i + 1], &end, 0);
            if (*end != '\0' || o->vtop <= KAAL_SD_PORTABLE_VBASE) {
                return -1;
            }
        } else {
            return -1;
        }
    }
    return i < argc ? i : -1;
}

int main(int argc, char **argv)
{
    mk_opts_t opts;
    int at = parse_options(argc, argv, &opts);
    if (at < 0) {
        fprintf(stderr, "usage: mkcpio [--machine x86_64|aarch64] [--vtop ADDR] OUTPUT NAME=FILE...\n");
        return 2;
    }
    if (check_systems(argv + at + 1, argc - at - 1, &opts) != 0) {
        return 1;
    }
    FILE *out = fopen(argv[at], "wb");
    if (out == NULL) {
        perror("mkcpio");
        return 1;
    }
    unsigned long pos = 0;
    int r = 0;
    for (int i = at + 1; i < argc && r == 0; i++) {
        r = add_file(out, &pos, (unsigned long)(i - at), argv[i]);
    }
    if (r == 0) {
        r = cpio_put_entry(out, &pos, 0, "TRAILER!!!", NULL, 0);
    }
    if (fclose(out) != 0 || r != 0) {
        fprintf(stderr, "mkcpio: writing '%s' failed\n", argv[at]);
        remove(argv[at]);
        return 1;
    }
    return 0;
}
