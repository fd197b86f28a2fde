/* The CPIO newc reader (user/libkaal/src/cpio.c), compiled natively: good
 * archives (hand-made and the boot archive mkcpio builds), and malformed
 * ones rejected without reading outside the archive. */
#include <kaal/cpio.h>
#include "cpio_writer.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char arc[4096];
static size_t arc_len;

/* Append an entry the way mkcpio does. */
static void add(const char *name, unsigned mode, const void *data, size_t size)
{
    cpio_append(arc, &arc_len, name, mode, data, size);
}

static void build_good(void)
{
    memset(arc, 0xee, sizeof(arc));
    arc_len = 0;
    add("demo.system", 0100644, "program x\n", 10);
    add("dir", 040755, "", 0);
    add("./console.elf", 0100755, "\x7f" "ELFabc", 7);
    add("empty", 0100644, "", 0);
    add("TRAILER!!!", 0, "", 0);
}

Test(cpio, finds_files)
{
    build_good();
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_OK);
    cr_assert_eq(f.size, 10);
    cr_assert_eq(memcmp(f.data, "program x\n", 10), 0);
    cr_assert_eq(f.name_len, 11);
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "console.elf", &f), KAAL_CPIO_OK, "./ prefix ignored");
    cr_assert_eq(f.size, 7);
    cr_assert_eq(f.data[0], 0x7f);
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "empty", &f), KAAL_CPIO_OK);
    cr_assert_eq(f.size, 0);
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "dir", &f), KAAL_CPIO_NOT_FOUND, "directories are not files");
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "missing", &f), KAAL_CPIO_NOT_FOUND);
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.syste", &f), KAAL_CPIO_NOT_FOUND);
    size_t n = 0;
    cr_assert_eq(kaal_cpio_check(arc, arc_len, &n), KAAL_CPIO_OK);
    cr_assert_eq(n, 4);
}

Test(cpio, bad_magic)
{
    build_good();
    arc[5] = '7';
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_BAD_MAGIC);
    cr_assert_eq(kaal_cpio_check(arc, arc_len, NULL), KAAL_CPIO_BAD_MAGIC);
    cr_assert_str_eq(kaal_cpio_strerror(KAAL_CPIO_BAD_MAGIC), "bad cpio magic (expected 070701 newc)");
}

Test(cpio, bad_hex_field)
{
    build_good();
    arc[6 + 8 * 6 + 3] = 'g'; /* filesize of the first entry */
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_BAD_HEADER);
}

/* Overwrite field i (0-based after the magic) of the header at off. */
static void set_field(size_t off, unsigned i, unsigned long v)
{
    char tmp[9];
    snprintf(tmp, sizeof(tmp), "%08lX", v);
    memcpy(arc + off + 6 + 8 * i, tmp, 8);
}

Test(cpio, name_size_past_the_end)
{
    build_good();
    set_field(0, 11, 0x7fffffff);
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_TRUNCATED);
    set_field(0, 11, 0xffffffff);
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_TRUNCATED);
}

Test(cpio, file_size_past_the_end)
{
    build_good();
    set_field(0, 6, 0xffffffff);
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_TRUNCATED);
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "console.elf", &f), KAAL_CPIO_TRUNCATED);
}

Test(cpio, bad_names)
{
    build_good();
    set_field(0, 11, 0);
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_BAD_NAME);
    build_good();
    set_field(0, 11, 5); /* "demo." without its NUL */
    cr_assert_eq(kaal_cpio_find(arc, arc_len, "demo.system", &f), KAAL_CPIO_BAD_NAME);
}

Test(cpio, missing_trailer)
{
    build_good();
    size_t without = arc_len - 124; /* the trailer entry: 110 + 11 + pad 3 */
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(arc, without, "missing", &f), KAAL_CPIO_NO_TRAILER);
    cr_assert_eq(kaal_cpio_check(arc, without, NULL), KAAL_CPIO_NO_TRAILER);
    cr_assert_eq(kaal_cpio_find(arc, without, "empty", &f), KAAL_CPIO_OK);
    cr_assert_eq(kaal_cpio_check(arc, 0, NULL), KAAL_CPIO_NO_TRAILER);
}

/* Every prefix of a good archive is either read to the same answer or
 * rejected: never a file that runs past the prefix. */
Test(cpio, every_truncation_is_safe)
{
    build_good();
    for (size_t len = 0; len < arc_len; len++) {
        unsigned char *copy = malloc(len + 1);
        memcpy(copy, arc, len);
        kaal_cpio_file_t f;
        kaal_cpio_error_t e = kaal_cpio_find(copy, len, "empty", &f);
        if (e == KAAL_CPIO_OK) {
            cr_assert_leq((size_t)(f.data - copy) + f.size, len, "entry past the end at len %zu", len);
        } else {
            cr_assert(e == KAAL_CPIO_TRUNCATED || e == KAAL_CPIO_NO_TRAILER,
                      "len %zu: %s", len, kaal_cpio_strerror(e));
        }
        cr_assert_neq(kaal_cpio_check(copy, len, NULL), KAAL_CPIO_OK, "len %zu accepted", len);
        free(copy);
    }
}

/* The boot archive the build makes with tools/mkcpio. */
Test(cpio, boot_archive_from_mkcpio)
{
    FILE *fp = fopen(KAAL_TEST_ARCHIVE, "rb");
    cr_assert_not_null(fp, "cannot open %s", KAAL_TEST_ARCHIVE);
    static unsigned char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    size_t n = 0;
    cr_assert_eq(kaal_cpio_check(buf, len, &n), KAAL_CPIO_OK);
    cr_assert_eq(n, 2);
    kaal_cpio_file_t f;
    cr_assert_eq(kaal_cpio_find(buf, len, "test.system", &f), KAAL_CPIO_OK);
    cr_assert_eq(memcmp(f.data, "# test archive", 14), 0);
    cr_assert_eq(kaal_cpio_find(buf, len, "roottask.elf", &f), KAAL_CPIO_OK);
    cr_assert_eq(memcmp(f.data, "\x7f" "ELF", 4), 0);
    cr_assert_eq(((uintptr_t)f.data - (uintptr_t)buf) % 4, 0, "data 4-byte aligned");
}

/* Random damage to a good archive (fixed seed): a found file always lies
 * inside the archive. */
Test(cpio, random_mutations_are_safe)
{
    build_good();
    static unsigned char copy[sizeof(arc)];
    uint64_t seed = 99;
    const char pool[] = "0123456789abcdefABCDEFxyz\0\xff";
    for (unsigned round = 0; round < 20000; round++) {
        memcpy(copy, arc, arc_len);
        for (unsigned e = 0; e < 1 + round % 3; e++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            copy[(seed >> 33) % arc_len] = (unsigned char)pool[(seed >> 16) % (sizeof(pool) - 1)];
        }
        const char *names[] = {"demo.system", "console.elf", "empty", "nothing"};
        for (unsigned k = 0; k < 4; k++) {
            kaal_cpio_file_t f;
            if (kaal_cpio_find(copy, arc_len, names[k], &f) == KAAL_CPIO_OK) {
                cr_assert_leq((size_t)(f.data - copy) + f.size, arc_len);
                cr_assert_lt((size_t)((const unsigned char *)f.name - copy) + f.name_len, arc_len);
            }
        }
    }
}
