/*
 * A small flattened-device-tree reader: memory banks, /memreserve/, the
 * PSCI conduit and the initrd a boot loader placed (/chosen
 * linux,initrd-start/end: QEMU -initrd, the Raspberry Pi's `initramfs`),
 * nothing more.
 *
 * Runs during early boot with the MMU off, at physical addresses: no
 * absolute pointers in data, only aligned 32-bit loads (the blob is
 * big-endian and its structure block is 4-byte aligned).
 *
 *   header | memreserve map | structure block | strings block
 *   structure: BEGIN_NODE name\0 pad | PROP len nameoff value pad |
 *              END_NODE | NOP | END
 */
#include "arm64.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_MAX_DEPTH 16u

struct fdt_header {
    uint32_t magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap;
    uint32_t version, last_comp_version, boot_cpuid_phys;
    uint32_t size_dt_strings, size_dt_struct;
};

static uint32_t be32(const void *p) { return __builtin_bswap32(*(const uint32_t *)p); }

static uint64_t be_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++) {
        v = (v << 32) | be32(p + 4u * i);
    }
    return v;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* "memory" or "memory@..." */
static bool is_memory_node(const char *name)
{
    const char *m = "memory";
    while (*m != '\0') {
        if (*name++ != *m++) {
            return false;
        }
    }
    return *name == '\0' || *name == '@';
}

static uint32_t align4(uint32_t v) { return (v + 3u) & ~3u; }

bool fdt_valid(const void *dtb)
{
    const struct fdt_header *h = dtb;
    if (dtb == NULL || ((uintptr_t)dtb & 7u) != 0 || be32(&h->magic) != FDT_MAGIC) {
        return false;
    }
    return be32(&h->last_comp_version) <= 17u && be32(&h->version) >= 16u &&
           be32(&h->totalsize) >= sizeof(*h);
}

static void read_memreserve(const uint8_t *blob, const struct fdt_header *h,
                            struct fdt_facts *out)
{
    const uint8_t *p = blob + be32(&h->off_mem_rsvmap);
    for (unsigned i = 0; i < 64u; i++, p += 16) {
        uint64_t base = be_cells(p, 2);
        uint64_t size = be_cells(p + 8, 2);
        if (size == 0) {
            break;
        }
        if (out->num_rsv < ARM64_MAX_RSV) {
            out->rsv[out->num_rsv].base = base;
            out->rsv[out->num_rsv].size = size;
            out->num_rsv++;
        }
    }
}

/* State of the structure walk. */
struct fdt_walk {
    uint32_t addr_cells, size_cells; /* of the root: apply to /memory reg */
    bool in_memory, in_psci, in_chosen; /* the depth-1 node we are in */
    unsigned depth;
};

static void take_prop(struct fdt_walk *w, const char *name, const uint8_t *val,
                      uint32_t len, struct fdt_facts *out)
{
    if (w->depth == 1 && str_eq(name, "#address-cells") && len == 4) {
        w->addr_cells = be32(val);
    } else if (w->depth == 1 && str_eq(name, "#size-cells") && len == 4) {
        w->size_cells = be32(val);
    } else if (w->depth == 2 && w->in_memory && str_eq(name, "reg")) {
        uint32_t entry = 4u * (w->addr_cells + w->size_cells);
        if (entry == 0 || w->addr_cells > 2 || w->size_cells > 2) {
            return;
        }
        for (uint32_t off = 0; off + entry <= len; off += entry) {
            uint64_t base = be_cells(val + off, w->addr_cells);
            uint64_t size = be_cells(val + off + 4u * w->addr_cells, w->size_cells);
            if (size != 0 && out->num_ram < ARM64_MAX_RAW_RAM) {
                out->ram[out->num_ram].base = base;
                out->ram[out->num_ram].size = size;
                out->num_ram++;
            }
        }
    } else if (w->depth == 2 && w->in_psci && str_eq(name, "method") && len >= 4) {
        out->psci_method = str_eq((const char *)val, "smc") ? 1 : 0;
    } else if (w->depth == 2 && w->in_chosen && (len == 4 || len == 8)) {
        /* One or two cells, whatever the root's #address-cells (Linux's
         * binding: the property's length says). */
        if (str_eq(name, "linux,initrd-start")) {
            out->initrd_start = be_cells(val, len / 4u);
        } else if (str_eq(name, "linux,initrd-end")) {
            out->initrd_end = be_cells(val, len / 4u);
        }
    }
}

void fdt_read(const void *dtb, struct fdt_facts *out)
{
    const uint8_t *blob = dtb;
    const struct fdt_header *h = dtb;
    const uint8_t *p = blob + be32(&h->off_dt_struct);
    const uint8_t *end = p + be32(&h->size_dt_struct);
    const char *strings = (const char *)blob + be32(&h->off_dt_strings);
    struct fdt_walk w = { .addr_cells = 2, .size_cells = 1 };

    out->num_ram = 0;
    out->num_rsv = 0;
    out->psci_method = -1;
    out->initrd_start = 0;
    out->initrd_end = 0;
    read_memreserve(blob, h, out);

    while (p + 4 <= end) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            uint32_t n = 0;
            while (p + n < end && name[n] != '\0') {
                n++;
            }
            p += align4(n + 1u);
            if (w.depth == 1) {
                w.in_memory = is_memory_node(name);
                w.in_psci = str_eq(name, "psci");
                w.in_chosen = str_eq(name, "chosen");
            }
            if (++w.depth > FDT_MAX_DEPTH) {
                return;
            }
        } else if (tok == FDT_END_NODE) {
            if (w.depth == 0) {
                return;
            }
            w.depth--;
        } else if (tok == FDT_PROP) {
            if (p + 8 > end) {
                return;
            }
            uint32_t len = be32(p);
            const char *name = strings + be32(p + 4);
            p += 8;
            if (p + len > end) {
                return;
            }
            take_prop(&w, name, p, len, out);
            p += align4(len);
        } else if (tok != FDT_NOP) {
            return; /* FDT_END or garbage */
        }
    }
}
