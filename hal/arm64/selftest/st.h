/* Self-test internals shared by st_core.c and st_vm.c. */
#ifndef ST_H
#define ST_H

#include "selftest.h"
#include <hal/boot.h>
#include <hal/types.h>

/* User page attributes (core/vspace.h bit meanings). */
#define ST_PTE_PAGE 0x3ull
#define ST_PTE_NORMAL (1ull << 2)
#define ST_PTE_EL0 (1ull << 6)
#define ST_PTE_RO (1ull << 7)
#define ST_PTE_SH (3ull << 8)
#define ST_PTE_AF (1ull << 10)
#define ST_PTE_NG (1ull << 11)
#define ST_PTE_PXN (1ull << 53)
#define ST_PTE_UXN (1ull << 54)
#define ST_PTE_USER (ST_PTE_PAGE | ST_PTE_NORMAL | ST_PTE_EL0 | ST_PTE_SH | ST_PTE_AF | \
                     ST_PTE_NG | ST_PTE_PXN)
#define ST_PTE_RX (ST_PTE_USER | ST_PTE_RO)
#define ST_PTE_RW (ST_PTE_USER | ST_PTE_UXN)
#define ST_PTE_R (ST_PTE_USER | ST_PTE_RO | ST_PTE_UXN)

HAL_NORETURN void st_fail(const char *why);

void st_alloc_init(uint64_t base, uint64_t end);
uint64_t st_alloc_page(void);
/* Entry for va in the tables at root; with create, missing tables are
 * allocated, else NULL. */
uint64_t *st_pte(uint64_t root, uint64_t va, bool create);
void st_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t attrs);
uint64_t st_map_new(uint64_t root, uint64_t va, uint64_t attrs);
/* Copy n bytes of code into frame pa and make it visible to fetch. */
void st_copy_code(uint64_t pa, const void *src, size_t n);

/* st_kmap.c: check the kernel's translation tables and reserved region
 * (prints its "ok" lines, st_fail() otherwise). */
void st_kmap_check(const hal_boot_info_t *info);
/* st_kmap.c: overflow the kernel stack on purpose (selftest-stackguard). */
HAL_NORETURN void st_stack_overflow(void);

#endif
