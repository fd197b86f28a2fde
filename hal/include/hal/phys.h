/*
 * HAL contract: physical memory access.
 *
 * Kernel objects live in RAM and are named by physical address; the kernel
 * reaches them through a linear kernel mapping (arm64: upper-half window;
 * hosted: the memfd arena's mapping). Both functions are inline, defined by
 * the backend's <hal_arch.h> (hal/arch.h), and must be exact inverses on RAM.
 */
#ifndef HAL_PHYS_H
#define HAL_PHYS_H

/* hal/arch.h declares them:
 *   hal_phys_to_kvirt(pa)  kernel-virtual address of physical pa (in RAM)
 *   hal_kvirt_to_phys(p)   physical address of kernel-virtual p (in RAM) */
#include <hal/arch.h>

#endif
