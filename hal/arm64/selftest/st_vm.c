/*
 * Self-test memory: a bump allocator of zeroed 4 KiB frames and a minimal
 * builder of user translation tables in the format core/vspace.h uses
 * (4 levels, 4 KiB pages, AttrIndx 1 = normal memory).
 */
#include "st.h"
#include <hal/cache.h>
#include <hal/phys.h>

#define PAGE 4096ull
#define PTE_VALID 0x1ull
#define PTE_TABLE 0x3ull
#define PTE_ADDR 0x0000fffffffff000ull

static uint64_t alloc_next, alloc_end;

void st_alloc_init(uint64_t base, uint64_t end)
{
    alloc_next = (base + PAGE - 1u) & ~(PAGE - 1u);
    alloc_end = end;
}

uint64_t st_alloc_page(void)
{
    if (alloc_next + PAGE > alloc_end) {
        st_fail("out of frames");
    }
    uint64_t pa = alloc_next;
    alloc_next += PAGE;
    uint64_t *p = hal_phys_to_kvirt(pa);
    for (unsigned i = 0; i < PAGE / 8u; i++) {
        p[i] = 0;
    }
    return pa;
}

static unsigned index_of(unsigned level, uint64_t va)
{
    return (unsigned)(va >> (39u - 9u * level)) & 511u;
}

uint64_t *st_pte(uint64_t root, uint64_t va, bool create)
{
    uint64_t table = root;
    for (unsigned level = 0; level < 3u; level++) {
        uint64_t *e = (uint64_t *)hal_phys_to_kvirt(table) + index_of(level, va);
        if ((*e & PTE_VALID) == 0) {
            if (!create) {
                return NULL;
            }
            *e = st_alloc_page() | PTE_TABLE;
        }
        table = *e & PTE_ADDR;
    }
    return (uint64_t *)hal_phys_to_kvirt(table) + index_of(3, va);
}

void st_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t attrs)
{
    *st_pte(root, va, true) = (pa & PTE_ADDR) | attrs;
}

uint64_t st_map_new(uint64_t root, uint64_t va, uint64_t attrs)
{
    uint64_t pa = st_alloc_page();
    st_map(root, va, pa, attrs);
    return pa;
}

void st_copy_code(uint64_t pa, const void *src, size_t n)
{
    uint8_t *d = hal_phys_to_kvirt(pa);
    const uint8_t *s = src;
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    hal_cache_sync_code(d, n);
}
