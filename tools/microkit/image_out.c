/*
 * microkit -o: writing the image (image.h). For kaal_hosted the image is
 * the boot archive itself (CPIO newc, as tools/mkcpio writes it); for
 * qemu_virt_aarch64 the archive goes into one raw image with a start stub,
 * a device tree and the arm64 kernel; for rpi4b_* it follows the rpi4
 * kernel (kernel8.img), with a device tree and a jump into the kernel
 * (docs/microkit.md).
 */
#define _GNU_SOURCE /* open_memstream */
#include "image.h"
#include "../cpio_write.h"

/* Short name for the error of a system-file line (image.h). */
#define fail mk_image_fail

#include <stdlib.h>
#include <string.h>

/* ---- the archive (CPIO newc, as tools/mkcpio writes it) ------------------- */

static unsigned char *read_prefill(image_state_t *st, const mk_mr_t *mr, size_t *size)
{
    FILE *f = fopen(mr->prefill, "rb");
    unsigned char *buf = NULL;
    long n = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
        n = ftell(f);
    }
    if (n >= 0 && (uint64_t)n > mr->size) {
        fclose(f);
        fail(st, mr->line, "prefill_path '%s' has %ld bytes, more than the region's 0x%llx",
             mr->prefill, n, (unsigned long long)mr->size);
        return NULL;
    }
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1u)) != NULL &&
        fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
        fail(st, mr->line, "cannot read prefill_path '%s'", mr->prefill);
    }
    if (f != NULL) {
        fclose(f);
    }
    return buf;
}

/* The archive into a malloc'd buffer (*buf, *len). */
int mk_image_archive(image_state_t *st, char **buf, size_t *len)
{
    const mk_system_t *sys = st->sys;
    FILE *out = open_memstream(buf, len);
    if (out == NULL) {
        fprintf(st->err, "microkit: error: out of memory\n");
        return -1;
    }
    unsigned long pos = 0, ino = 1;
    int r = cpio_put_entry(out, &pos, ino++, "microkit.system", st->desc, st->len);
    for (unsigned i = 0; i < sys->npds && r == 0; i++) {
        char name[32];
        snprintf(name, sizeof name, "pd%u.elf", i);
        r = cpio_put_entry(out, &pos, ino++, name, st->elf[i], st->elf_size[i]);
    }
    for (unsigned j = 0; j < sys->nmrs && r == 0; j++) {
        if (sys->mr[j].prefill[0] == '\0' || sys->mr[j].fixed) {
            continue;
        }
        size_t size = 0;
        unsigned char *data = read_prefill(st, &sys->mr[j], &size);
        if (data == NULL) {
            fclose(out);
            free(*buf);
            *buf = NULL;
            return -1;
        }
        char name[32];
        snprintf(name, sizeof name, "__m%u.fill", j);
        r = cpio_put_entry(out, &pos, ino++, name, data, size);
        free(data);
    }
    r = r || cpio_put_entry(out, &pos, 0, "TRAILER!!!", NULL, 0);
    if (fclose(out) != 0 || r != 0) {
        free(*buf);
        *buf = NULL;
        fprintf(st->err, "microkit: error: out of memory\n");
        return -1;
    }
    return 0;
}

/* ---- qemu_virt_aarch64: one raw image, run at IMAGE_BASE ------------------
 *
 * Microkit's QEMU command line loads the image at 0x70000000 and starts CPU
 * 0 there, at EL2 (virtualization=on), MMU off:
 *
 *   0x70000000  stub: copy the kernel (a Linux arm64 Image) to RAM base +
 *               its text_offset, x0 = the device tree, jump to it (the
 *               kernel drops from EL2 to EL1 itself: hal/arm64/head.S)
 *   +0x1000     device tree: 2 GiB of RAM at 0x40000000, PSCI by smc,
 *               /chosen initrd = the archive, the image reserved
 *   +0x2000     the kernel image (kernel.img of the SDK: the root task is
 *               in it; it boots the initrd as its boot archive)
 *   aligned     the boot archive
 */
#define IMAGE_BASE 0x70000000ull
#define VIRT_RAM_BASE 0x40000000ull
#define VIRT_RAM_SIZE 0x80000000ull /* -m size=2G */
#define DTB_OFF 0x1000u
#define KERNEL_OFF 0x2000u
#define VIRT_TEXT_OFFSET 0x200000ull /* its kernel.img runs at 0x40200000 */

typedef struct bytes {
    unsigned char *b;
    size_t len, cap;
} bytes_t;

static void put_bytes(bytes_t *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        size_t cap = o->cap * 2 + n + 256;
        unsigned char *nb = realloc(o->b, cap);
        if (nb == NULL) {
            abort();
        }
        o->b = nb;
        o->cap = cap;
    }
    memcpy(o->b + o->len, p, n);
    o->len += n;
}

static void put_be32(bytes_t *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put_bytes(o, b, 4);
}

static void put_be64(bytes_t *o, uint64_t v)
{
    put_be32(o, (uint32_t)(v >> 32));
    put_be32(o, (uint32_t)v);
}

static void put_le32(bytes_t *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put_bytes(o, b, 4);
}

static void put_le64(bytes_t *o, uint64_t v)
{
    put_le32(o, (uint32_t)v);
    put_le32(o, (uint32_t)(v >> 32));
}

static void pad_to(bytes_t *o, size_t align)
{
    static const unsigned char zero[16];
    while (o->len % align != 0) {
        put_bytes(o, zero, 1);
    }
    (void)zero;
}

/* Device tree (FDT version 17) building: the structure block in st_, the
 * property names in strs. */
static void fdt_node(bytes_t *s, const char *name)
{
    put_be32(s, 1); /* FDT_BEGIN_NODE */
    put_bytes(s, name, strlen(name) + 1u);
    pad_to(s, 4);
}

static void fdt_prop(bytes_t *s, bytes_t *strs, const char *name, const void *val, size_t len)
{
    put_be32(s, 3); /* FDT_PROP */
    put_be32(s, (uint32_t)len);
    put_be32(s, (uint32_t)strs->len);
    put_bytes(strs, name, strlen(name) + 1u);
    if (len != 0) {
        put_bytes(s, val, len);
    }
    pad_to(s, 4);
}

static void fdt_prop_u32(bytes_t *s, bytes_t *strs, const char *name, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    fdt_prop(s, strs, name, b, 4);
}

static void fdt_prop_u64(bytes_t *s, bytes_t *strs, const char *name, uint64_t v)
{
    bytes_t t = {0};
    put_be64(&t, v);
    fdt_prop(s, strs, name, t.b, t.len);
    free(t.b);
}

/* What a board's device tree says: its RAM banks (at most 3), whether it
 * has PSCI (by smc), the initrd (the archive) and one reserved range. */
typedef struct board_tree {
    const char *compatible; /* two strings, "\0"-separated */
    size_t compatible_len;
    const char *memory_node;
    uint64_t ram[3][2];
    unsigned nram;
    bool psci;
} board_tree_t;

static const board_tree_t virt_tree = {
    "linux,dummy-virt", sizeof "linux,dummy-virt", "memory@40000000",
    {{VIRT_RAM_BASE, VIRT_RAM_SIZE}}, 1, true};

static void make_dtb(bytes_t *out, const board_tree_t *bt, uint64_t initrd, uint64_t initrd_size,
                     uint64_t rsv_base, uint64_t rsv_size)
{
    bytes_t s = {0}, strs = {0}, rsv = {0};
    put_be64(&rsv, rsv_base);
    put_be64(&rsv, rsv_size);
    put_be64(&rsv, 0);
    put_be64(&rsv, 0);
    fdt_node(&s, "");
    fdt_prop_u32(&s, &strs, "#address-cells", 2);
    fdt_prop_u32(&s, &strs, "#size-cells", 2);
    fdt_prop(&s, &strs, "compatible", bt->compatible, bt->compatible_len);
    fdt_node(&s, bt->memory_node);
    fdt_prop(&s, &strs, "device_type", "memory", sizeof "memory");
    bytes_t reg = {0};
    for (unsigned i = 0; i < bt->nram; i++) {
        put_be64(&reg, bt->ram[i][0]);
        put_be64(&reg, bt->ram[i][1]);
    }
    fdt_prop(&s, &strs, "reg", reg.b, reg.len);
    free(reg.b);
    put_be32(&s, 2); /* FDT_END_NODE */
    if (bt->psci) {
        fdt_node(&s, "psci");
        fdt_prop(&s, &strs, "compatible", "arm,psci-0.2", sizeof "arm,psci-0.2");
        fdt_prop(&s, &strs, "method", "smc", sizeof "smc");
        put_be32(&s, 2);
    }
    fdt_node(&s, "chosen");
    fdt_prop_u64(&s, &strs, "linux,initrd-start", initrd);
    fdt_prop_u64(&s, &strs, "linux,initrd-end", initrd + initrd_size);
    put_be32(&s, 2);
    put_be32(&s, 2); /* the root */
    put_be32(&s, 9); /* FDT_END */
    uint32_t off_rsv = 40, off_struct = off_rsv + (uint32_t)rsv.len;
    uint32_t off_strings = off_struct + (uint32_t)s.len;
    uint32_t total = off_strings + (uint32_t)strs.len;
    put_be32(out, 0xd00dfeedu);
    put_be32(out, total);
    put_be32(out, off_struct);
    put_be32(out, off_strings);
    put_be32(out, off_rsv);
    put_be32(out, 17);
    put_be32(out, 16);
    put_be32(out, 0);
    put_be32(out, (uint32_t)strs.len);
    put_be32(out, (uint32_t)s.len);
    put_bytes(out, rsv.b, rsv.len);
    put_bytes(out, s.b, s.len);
    put_bytes(out, strs.b, strs.len);
    free(s.b);
    free(strs.b);
    free(rsv.b);
}

/* The stub, AArch64 instructions (encoded here: the tool runs on the
 * host). Its four parameters follow it: source, destination, size (a
 * multiple of 8) of the kernel copy, and the device tree's address. */
static void put_stub(bytes_t *o, uint64_t src, uint64_t dst, uint64_t size, uint64_t dtb)
{
    static const uint32_t code[] = {
        0x58000181u, /* 0x00 ldr  x1, 0x30 (src)  */
        0x580001a2u, /* 0x04 ldr  x2, 0x38 (dst)  */
        0x580001c3u, /* 0x08 ldr  x3, 0x40 (size) */
        0x580001e0u, /* 0x0c ldr  x0, 0x48 (dtb)  */
        0xaa0203e4u, /* 0x10 mov  x4, x2          */
        0xf8408425u, /* 0x14 ldr  x5, [x1], #8    */
        0xf8008445u, /* 0x18 str  x5, [x2], #8    */
        0xf1002063u, /* 0x1c subs x3, x3, #8      */
        0x54ffffa1u, /* 0x20 b.ne 0x14            */
        0xaa1f03e1u, /* 0x24 mov  x1, xzr         */
        0xaa1f03e2u, /* 0x28 mov  x2, xzr  (x3 is 0) */
        0xd61f0080u, /* 0x2c br   x4              */
    };
    for (unsigned i = 0; i < sizeof code / sizeof code[0]; i++) {
        put_le32(o, code[i]);
    }
    put_le64(o, src);
    put_le64(o, dst);
    put_le64(o, size);
    put_le64(o, dtb);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
        n = ftell(f);
    }
    if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL &&
        fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    if (f != NULL) {
        fclose(f);
    }
    return buf;
}

static uint64_t le64_at(const unsigned char *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8u * i);
    }
    return v;
}

/* The board's KaaL kernel (a Linux arm64 Image: "ARM\x64" at 56,
 * text_offset at 8, image size with .bss at 16), checked to be linked for
 * this board: text_offset is where it must sit above the RAM base. */
static unsigned char *read_kernel(image_state_t *st, const char *kernel_path, const char *name,
                                  uint64_t text_offset, size_t *klen)
{
    unsigned char *k = read_file(kernel_path, klen);
    if (k == NULL || *klen < 64 || memcmp(k + 56, "ARM\x64", 4) != 0) {
        free(k);
        fprintf(st->err, "microkit: error: %s: not a KaaL arm64 kernel image (%s; "
                         "--kaal-kernel FILE names another)\n", kernel_path, name);
        return NULL;
    }
    if (le64_at(k + 8) != text_offset) {
        fprintf(st->err, "microkit: error: %s: a kernel linked for another board (text_offset "
                         "0x%llx, not 0x%llx): this board's kernel is %s\n", kernel_path,
                (unsigned long long)le64_at(k + 8), (unsigned long long)text_offset, name);
        free(k);
        return NULL;
    }
    return k;
}

static int write_image(image_state_t *st, const char *path, bytes_t *img)
{
    FILE *out = fopen(path, "wb");
    int r = out == NULL || fwrite(img->b, 1, img->len, out) != img->len;
    if (out != NULL && fclose(out) != 0) {
        r = 1;
    }
    free(img->b);
    if (r) {
        remove(path);
        fprintf(st->err, "microkit: error: cannot write image %s\n", path);
        return -1;
    }
    return 0;
}

int mk_image_write_virt(image_state_t *st, const char *path, const char *kernel_path,
                        const char *archive, size_t archive_len)
{
    size_t klen = 0;
    unsigned char *k = read_kernel(st, kernel_path, "kernel.img", VIRT_TEXT_OFFSET, &klen);
    if (k == NULL) {
        return -1;
    }
    size_t kpadded = (klen + 7u) & ~(size_t)7u;
    size_t archive_off = (KERNEL_OFF + kpadded + 0xfffu) & ~(size_t)0xfffu;
    bytes_t img = {0}, dtb = {0};
    make_dtb(&dtb, &virt_tree, IMAGE_BASE + archive_off, archive_len, IMAGE_BASE, archive_off);
    put_stub(&img, IMAGE_BASE + KERNEL_OFF, VIRT_RAM_BASE + VIRT_TEXT_OFFSET, kpadded,
             IMAGE_BASE + DTB_OFF);
    pad_to(&img, DTB_OFF);
    if (dtb.len > KERNEL_OFF - DTB_OFF) {
        abort();
    }
    put_bytes(&img, dtb.b, dtb.len);
    pad_to(&img, KERNEL_OFF);
    put_bytes(&img, k, klen);
    pad_to(&img, 0x1000);
    put_bytes(&img, archive, archive_len);
    free(k);
    free(dtb.b);
    return write_image(st, path, &img);
}

/* ---- rpi4b_*: kernel8.img with the archive after it ------------------------
 *
 * The Raspberry Pi firmware loads kernel8.img at 0x80000 (config.txt:
 * arm_64bit=1, kernel_address=0x80000) and enters it on CPU 0 at EL2, MMU
 * off, x0 = its device tree; QEMU's raspi4b does the same with -kernel
 * IMAGE (-dtb TREE). The KaaL rpi4 kernel is linked at 0x80000, so the
 * image is that kernel as it is, and after it:
 *
 *   0x80000     the kernel image (kernel8.img of the SDK), its first
 *               instruction (the Image header's branch to its entry)
 *               turned into a branch to the tail, the header's image size
 *               the whole file's
 *   T           (past the kernel's .bss: the header's image size, page
 *               aligned) the tail: x0 = the device tree below, x1-x3 = 0,
 *               branch to the kernel's entry (PC-relative: put_tail)
 *   T + 0x40    device tree: the board's RAM, /chosen initrd = the
 *               archive, the tail's page reserved (CPUs 1-3, released into
 *               the kernel's first instruction, pass through it too)
 *   T + 0x1000  the boot archive
 *
 * The firmware's own device tree is not read: as Microkit's rpi4b boards,
 * the board name says how much RAM there is. The banks are those the
 * firmware reports in its default "low peripheral" mode with the default
 * gpu_mem (76 MiB for the VideoCore at the top of the first GiB): below
 * 0x3b400000, then (2 GiB and up) from 0x40000000 to 2 GiB or to the
 * peripherals at 0xfc000000, then (8 GiB) the 4 GiB from 0x100000000.
 */
#define RPI4_LOAD 0x80000ull
#define RPI4_TEXT_OFFSET 0x80000ull /* RAM starts at 0 */
#define RPI4_TAIL_DTB 0x40u

typedef struct rpi4_board {
    const char *name;
    board_tree_t tree;
} rpi4_board_t;

#define RPI4_COMPATIBLE "raspberrypi,4-model-b\0brcm,bcm2711"
#define RPI4_TREE(...)                                                                      \
    {RPI4_COMPATIBLE, sizeof RPI4_COMPATIBLE, "memory@0", {__VA_ARGS__},                   \
     sizeof((uint64_t[][2]){__VA_ARGS__}) / sizeof(uint64_t[2]), false}
static const rpi4_board_t rpi4_boards[] = {
    {"rpi4b_1gb", RPI4_TREE({0, 0x3b400000ull})},
    {"rpi4b_2gb", RPI4_TREE({0, 0x3b400000ull}, {0x40000000ull, 0x40000000ull})},
    {"rpi4b_4gb", RPI4_TREE({0, 0x3b400000ull}, {0x40000000ull, 0xbc000000ull})},
    {"rpi4b_8gb", RPI4_TREE({0, 0x3b400000ull}, {0x40000000ull, 0xbc000000ull},
                            {0x100000000ull, 0x100000000ull})},
};

bool mk_image_board_rpi4(const char *board)
{
    for (unsigned i = 0; i < sizeof rpi4_boards / sizeof rpi4_boards[0]; i++) {
        if (strcmp(rpi4_boards[i].name, board) == 0) {
            return true;
        }
    }
    return false;
}

/* The tail, at image offset tail: x0 = the device tree RPI4_TAIL_DTB
 * after it, x1-x3 = 0, branch to the kernel's entry at image offset entry.
 * All PC-relative: loaded anywhere but 0x80000, it still reaches the
 * kernel, which says on the UART that it must be at 0x80000. */
static void put_tail(bytes_t *o, uint64_t tail, uint64_t entry)
{
    int64_t back = ((int64_t)entry - (int64_t)(tail + 0x10u)) / 4; /* negative */
    uint32_t to_entry = (uint32_t)back & 0x3ffffffu;
    const uint32_t code[] = {
        0x10000000u | (RPI4_TAIL_DTB / 4u) << 5, /* 0x00 adr x0, tail + 0x40 */
        0xaa1f03e1u,                             /* 0x04 mov x1, xzr        */
        0xaa1f03e2u,                             /* 0x08 mov x2, xzr        */
        0xaa1f03e3u,                             /* 0x0c mov x3, xzr        */
        0x14000000u | to_entry,                  /* 0x10 b   entry          */
    };
    for (unsigned i = 0; i < sizeof code / sizeof code[0]; i++) {
        put_le32(o, code[i]);
    }
}

int mk_image_write_rpi4(image_state_t *st, const char *board, const char *path,
                        const char *kernel_path, const char *archive, size_t archive_len)
{
    const board_tree_t *bt = NULL;
    for (unsigned i = 0; i < sizeof rpi4_boards / sizeof rpi4_boards[0]; i++) {
        if (strcmp(rpi4_boards[i].name, board) == 0) {
            bt = &rpi4_boards[i].tree;
        }
    }
    size_t klen = 0;
    unsigned char *k =
        bt == NULL ? NULL : read_kernel(st, kernel_path, "kernel8.img", RPI4_TEXT_OFFSET, &klen);
    if (k == NULL) {
        return -1;
    }
    /* The header's first word: B (imm26) to the kernel's entry. */
    uint32_t code0 = (uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 |
                     (uint32_t)k[3] << 24;
    uint64_t image_size = le64_at(k + 16);
    uint64_t tail = (image_size + 0xfffu) & ~(uint64_t)0xfffu;
    int64_t disp = (int64_t)((uint64_t)(code0 & 0x3ffffffu) << 38) >> 36; /* imm26 * 4 */
    if ((code0 & 0xfc000000u) != 0x14000000u || disp <= 0 || (uint64_t)disp >= klen ||
        image_size < klen || tail >= (1ull << 27)) {
        fprintf(st->err, "microkit: error: %s: not a KaaL rpi4 kernel image (kernel8.img: it "
                         "starts with a branch forward to its entry, and its image size is at least "
                         "its length and below 128 MiB)\n", kernel_path);
        free(k);
        return -1;
    }
    uint64_t entry = (uint64_t)disp; /* image offset */
    uint32_t to_tail = 0x14000000u | (uint32_t)(tail / 4u);
    k[0] = (unsigned char)to_tail;
    k[1] = (unsigned char)(to_tail >> 8);
    k[2] = (unsigned char)(to_tail >> 16);
    k[3] = (unsigned char)(to_tail >> 24);

    uint64_t archive_pa = RPI4_LOAD + tail + 0x1000u;
    bytes_t img = {0}, dtb = {0};
    make_dtb(&dtb, bt, archive_pa, archive_len, RPI4_LOAD + tail, 0x1000u);
    if (dtb.len > 0x1000u - RPI4_TAIL_DTB || archive_pa + archive_len > bt->ram[0][1]) {
        fprintf(st->err, "microkit: error: %s: the image (%zu bytes of archive) does not fit in "
                         "the first RAM bank of %s\n", path, archive_len, board);
        free(k);
        free(dtb.b);
        return -1;
    }
    put_bytes(&img, k, klen);
    static const unsigned char zero[4096];
    while (img.len < tail) {
        size_t n = tail - img.len < sizeof zero ? tail - img.len : sizeof zero;
        put_bytes(&img, zero, n);
    }
    put_tail(&img, tail, entry);
    pad_to(&img, RPI4_TAIL_DTB);
    put_bytes(&img, dtb.b, dtb.len);
    pad_to(&img, 0x1000);
    put_bytes(&img, archive, archive_len);
    /* The header's image size: the whole file, which must all stay where
     * it was loaded (a loader that moves an Image moves that much). */
    for (unsigned i = 0; i < 8; i++) {
        img.b[16 + i] = (unsigned char)((uint64_t)img.len >> (8u * i));
    }
    free(k);
    free(dtb.b);
    return write_image(st, path, &img);
}

int mk_image_write_file(image_state_t *st, const char *path, const char *data, size_t len)
{
    FILE *out = fopen(path, "wb");
    int r = out == NULL || fwrite(data, 1, len, out) != len;
    if (out != NULL && fclose(out) != 0) {
        r = 1;
    }
    if (r) {
        remove(path);
        fprintf(st->err, "microkit: error: cannot write image %s\n", path);
        return -1;
    }
    return 0;
}

