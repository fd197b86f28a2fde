/*
 * mkcpio: write a CPIO "newc" archive (the boot archive, docs/processes.md)
 * without depending on an external cpio binary.
 *   mkcpio OUTPUT NAME=FILE...
 * stores each FILE under NAME, in the order given, then the trailer. The
 * output depends only on the names and contents (inode numbers count from
 * 1, times and owners are 0), so builds are reproducible.
 *
 * A NAME ending in ".system" is a system description: it is parsed with
 * libkaal's own parser first, so a bad file fails the build with
 * "FILE:LINE: reason"; a program whose elf= is not in the archive gets a
 * warning (the root task would refuse the file).
 */
#include <kaal/sysdesc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MKCPIO_MAX_FILE (64ul << 20)

/* Write one header + name (+ padding). Returns 0 or -1. */
static int put_header(FILE *out, unsigned long *pos, unsigned long ino, unsigned long mode,
                      unsigned long size, const char *name)
{
    unsigned long namesize = strlen(name) + 1u;
    int n = fprintf(out, "070701%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX",
                    ino, mode, 0ul, 0ul, 1ul, 0ul, size, 0ul, 0ul, 0ul, 0ul, namesize, 0ul);
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
    return 0;
}

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
    int r = put_header(out, pos, ino, 0100644ul, size, name);
    if (r == 0 && fwrite(data, 1, size, out) != size) {
        r = -1;
    }
    free(data);
    *pos += size;
    while (r == 0 && *pos % 4u != 0) {
        r = fputc(0, out) == EOF ? -1 : 0;
        (*pos)++;
    }
    return r;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Is there an archive entry called name among specs[0..n)? */
static int has_entry(char **specs, int n, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < n; i++) {
        if (strncmp(specs[i], name, len) == 0 && specs[i][len] == '=') {
            return 1;
        }
    }
    return 0;
}

/* Parse every NAME.system among specs. Returns 0, or -1 after printing
 * the parser's "FILE:LINE: reason". */
static int check_systems(char **specs, int n)
{
    static kaal_sysdesc_t sd;
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(specs[i], '=');
        if (eq == NULL || !ends_with(specs[i], (size_t)(eq - specs[i]), ".system")) {
            continue;
        }
        unsigned long size;
        unsigned char *text = read_all(eq + 1, &size);
        if (text == NULL) {
            fprintf(stderr, "mkcpio: cannot read '%s'\n", eq + 1);
            return -1;
        }
        int r = kaal_sysdesc_parse((const char *)text, size, eq + 1, 0, UINT64_MAX, &sd);
        free(text);
        if (r != 0) {
            fprintf(stderr, "%s\n", sd.error);
            return -1;
        }
        for (unsigned p = 0; p < sd.nprograms; p++) {
            if (!has_entry(specs, n, sd.program[p].elf)) {
                fprintf(stderr, "%s:%u: warning: %s is not in the archive\n", eq + 1,
                        sd.program[p].line, sd.program[p].elf);
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mkcpio OUTPUT NAME=FILE...\n");
        return 2;
    }
    if (check_systems(argv + 2, argc - 2) != 0) {
        return 1;
    }
    FILE *out = fopen(argv[1], "wb");
    if (out == NULL) {
        perror("mkcpio");
        return 1;
    }
    unsigned long pos = 0;
    int r = 0;
    for (int i = 2; i < argc && r == 0; i++) {
        r = add_file(out, &pos, (unsigned long)(i - 1), argv[i]);
    }
    if (r == 0) {
        r = put_header(out, &pos, 0, 0, 0, "TRAILER!!!");
    }
    if (fclose(out) != 0 || r != 0) {
        fprintf(stderr, "mkcpio: writing '%s' failed\n", argv[1]);
        remove(argv[1]);
        return 1;
    }
    return 0;
}
