/*
 * libkaal: CPIO newc reader. See kaal/cpio.h for the format picture.
 *
 * Every length read from the archive is checked against the bytes that
 * remain before it is used, with the arithmetic done so it cannot wrap.
 */
#include <kaal/cpio.h>

#define CPIO_FIELDS 13u
#define CPIO_FIELD_MODE 1u
#define CPIO_FIELD_FILESIZE 6u
#define CPIO_FIELD_NAMESIZE 11u
#define CPIO_TRAILER "TRAILER!!!"
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REGULAR 0100000u

static size_t align4(size_t x) { return (x + 3u) & ~(size_t)3u; }

/* Parse 8 hex digits at p into *out. Returns 0, or -1 on a non-hex digit. */
static int parse_hex8(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 8u; i++) {
        char c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9') {
            d = (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (uint32_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            d = (uint32_t)(c - 'A' + 10);
        } else {
            return -1;
        }
        v = (v << 4) | d;
    }
    *out = v;
    return 0;
}

/* Compare the NUL-terminated strings a and b. Returns 1 if equal. */
static int str_equal(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] != '\0' && a[i] == b[i]) {
        i++;
    }
    return a[i] == b[i];
}

kaal_cpio_error_t kaal_cpio_next(const void *archive, size_t size, size_t *offset,
                                 kaal_cpio_file_t *out)
{
    const uint8_t *base = archive;
    size_t off = *offset;
    if (off > size || size - off < KAAL_CPIO_HEADER_SIZE) {
        return off >= size ? KAAL_CPIO_NO_TRAILER : KAAL_CPIO_TRUNCATED;
    }
    const char *h = (const char *)base + off;
    if (h[0] != '0' || h[1] != '7' || h[2] != '0' || h[3] != '7' || h[4] != '0' ||
        (h[5] != '1' && h[5] != '2')) {
        return KAAL_CPIO_BAD_MAGIC;
    }
    uint32_t field[CPIO_FIELDS];
    for (unsigned i = 0; i < CPIO_FIELDS; i++) {
        if (parse_hex8(h + 6u + 8u * i, &field[i]) != 0) {
            return KAAL_CPIO_BAD_HEADER;
        }
    }
    size_t namesize = field[CPIO_FIELD_NAMESIZE];
    size_t filesize = field[CPIO_FIELD_FILESIZE];
    size_t name_off = off + KAAL_CPIO_HEADER_SIZE;
    if (namesize == 0) {
        return KAAL_CPIO_BAD_NAME;
    }
    if (namesize > size - name_off) {
        return KAAL_CPIO_TRUNCATED;
    }
    const char *name = (const char *)base + name_off;
    if (name[namesize - 1u] != '\0') {
        return KAAL_CPIO_BAD_NAME;
    }
    /* The data starts at the 4-byte boundary after the name (offsets from the
     * archive start; the archive itself starts 4-byte aligned). */
    size_t data_off = align4(name_off + namesize);
    if (data_off > size) {
        return KAAL_CPIO_TRUNCATED;
    }
    int is_trailer = str_equal(name, CPIO_TRAILER);
    if (!is_trailer && filesize > size - data_off) {
        return KAAL_CPIO_TRUNCATED;
    }
    out->name = name;
    out->name_len = namesize - 1u;
    out->data = base + data_off;
    out->size = filesize;
    out->mode = field[CPIO_FIELD_MODE];
    if (is_trailer) {
        return KAAL_CPIO_NOT_FOUND;
    }
    size_t next = data_off + filesize;
    *offset = next < size ? align4(next) : next;
    return KAAL_CPIO_OK;
}

kaal_cpio_error_t kaal_cpio_find(const void *archive, size_t size, const char *name,
                                 kaal_cpio_file_t *out)
{
    size_t off = 0;
    for (unsigned n = 0; n < KAAL_CPIO_MAX_ENTRIES; n++) {
        kaal_cpio_file_t f;
        kaal_cpio_error_t e = kaal_cpio_next(archive, size, &off, &f);
        if (e != KAAL_CPIO_OK) {
            return e;
        }
        const char *fname = f.name;
        if (fname[0] == '.' && fname[1] == '/') {
            fname += 2;
        }
        if ((f.mode & CPIO_MODE_TYPE) == CPIO_MODE_REGULAR && str_equal(fname, name)) {
            *out = f;
            return KAAL_CPIO_OK;
        }
    }
    return KAAL_CPIO_TOO_MANY;
}

kaal_cpio_error_t kaal_cpio_check(const void *archive, size_t size, size_t *count)
{
    size_t off = 0;
    for (unsigned n = 0; n < KAAL_CPIO_MAX_ENTRIES; n++) {
        kaal_cpio_file_t f;
        kaal_cpio_error_t e = kaal_cpio_next(archive, size, &off, &f);
        if (e == KAAL_CPIO_NOT_FOUND) {
            if (count != NULL) {
                *count = n;
            }
            return KAAL_CPIO_OK;
        }
        if (e != KAAL_CPIO_OK) {
            return e;
        }
    }
    return KAAL_CPIO_TOO_MANY;
}

const char *kaal_cpio_strerror(kaal_cpio_error_t err)
{
    static const char *const text[KAAL_CPIO_NUM_ERRORS] = {
        [KAAL_CPIO_OK] = "no error",
        [KAAL_CPIO_NOT_FOUND] = "file not found in the archive",
        [KAAL_CPIO_TRUNCATED] = "archive truncated: header, name or data past the end",
        [KAAL_CPIO_BAD_MAGIC] = "bad cpio magic (expected 070701 newc)",
        [KAAL_CPIO_BAD_HEADER] = "bad cpio header: field is not hexadecimal",
        [KAAL_CPIO_BAD_NAME] = "bad cpio name: empty or not NUL-terminated",
        [KAAL_CPIO_NO_TRAILER] = "archive ends without TRAILER!!!",
        [KAAL_CPIO_TOO_MANY] = "too many entries in the archive",
    };
    return (unsigned)err < KAAL_CPIO_NUM_ERRORS ? text[err] : "unknown cpio error";
}
