/*
 * CPIO "newc" archive reader (the boot archive, docs/processes.md).
 *
 * An archive is a list of entries, each a 110-byte ASCII header, the
 * NUL-terminated name, padding to 4 bytes, the data, padding to 4 bytes;
 * the list ends with an entry named "TRAILER!!!":
 *
 *   +--------+------+----+----------------+----+--------+-----
 *   | header | name | 00 | data (filesize)| 00 | header | ...
 *   +--------+------+----+----------------+----+--------+-----
 *    110 B    namesize   pad to 4          pad to 4
 *
 * Pure and freestanding: no allocation, every read is checked against the
 * archive's size, so a malformed archive gives an error, never a read
 * outside [archive, archive + size).
 */
#ifndef KAAL_CPIO_H
#define KAAL_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define KAAL_CPIO_HEADER_SIZE 110u
#define KAAL_CPIO_MAX_ENTRIES 4096u /* bound on the entries one walk visits */

typedef enum kaal_cpio_error {
    KAAL_CPIO_OK = 0,
    KAAL_CPIO_NOT_FOUND,      /* no entry of that name before the trailer */
    KAAL_CPIO_TRUNCATED,      /* a header, name or data runs past the end */
    KAAL_CPIO_BAD_MAGIC,      /* header does not start with 070701/070702 */
    KAAL_CPIO_BAD_HEADER,     /* a header field is not 8 hex digits */
    KAAL_CPIO_BAD_NAME,       /* name size 0 or name not NUL-terminated */
    KAAL_CPIO_NO_TRAILER,     /* archive ends without TRAILER!!! */
    KAAL_CPIO_TOO_MANY,       /* more than KAAL_CPIO_MAX_ENTRIES entries */
    KAAL_CPIO_NUM_ERRORS,
} kaal_cpio_error_t;

/* One entry: pointers into the archive (not copied). */
typedef struct kaal_cpio_file {
    const char *name;    /* NUL-terminated, inside the archive */
    size_t name_len;     /* without the NUL */
    const uint8_t *data;
    size_t size;
    uint32_t mode;       /* st_mode bits as stored */
} kaal_cpio_file_t;

/* Read the entry at *offset and advance *offset to the next one.
 * Requires archive readable for size bytes. Returns KAAL_CPIO_OK with *out
 * filled, KAAL_CPIO_NOT_FOUND at the trailer (end of the list), or an error.
 * *offset is only advanced on KAAL_CPIO_OK. */
kaal_cpio_error_t kaal_cpio_next(const void *archive, size_t size, size_t *offset,
                                 kaal_cpio_file_t *out);

/* Find the regular entry named name (exact match; a leading "./" in the
 * archive is ignored). Returns KAAL_CPIO_OK with *out filled,
 * KAAL_CPIO_NOT_FOUND, or the first format error met before it. */
kaal_cpio_error_t kaal_cpio_find(const void *archive, size_t size, const char *name,
                                 kaal_cpio_file_t *out);

/* Check the whole archive up to its trailer. Returns KAAL_CPIO_OK or the
 * first error; *count (if not NULL) receives the number of entries. */
kaal_cpio_error_t kaal_cpio_check(const void *archive, size_t size, size_t *count);

/* A short English text for an error code (never NULL). */
const char *kaal_cpio_strerror(kaal_cpio_error_t err);

#endif
