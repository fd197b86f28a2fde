/*
 * HAL contract: physical memory access.
 *
 * Kernel objects live in RAM and are named by physical address; the kernel
 * reaches them through a linear kernel mapping (arm64: upper-half window;
 * hosted: the memfd arena's mapping). Both functions are inline, defined by
 * the backend's <hal_arch.h>, and must be exact inverses on RAM.
 */
#ifndef HAL_PHYS_H
#define HAL_PHYS_H

#include <hal/types.h>
#include <hal_arch.h>

/* Kernel-virtual address of physical address pa (pa inside RAM). */
static inline void *hal_phys_to_kvirt(paddr_t pa);
/* Physical address of kernel-virtual address p (p inside the RAM window). */
static inline paddr_t hal_kvirt_to_phys(const void *p);

#endif
