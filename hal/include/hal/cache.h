/*
 * HAL contract: cache maintenance.
 *
 * The core writes code only when it loads the root task's ELF image, and
 * it never cleans data caches: translation tables live in write-back
 * cacheable RAM that the ARMv8 table walker reads coherently (TCR_EL1
 * IRGN/ORGN), and the kernel does no DMA. seL4 gives data-cache
 * maintenance to user level as frame invocations (Clean, Invalidate,
 * CleanInvalidate, Unify); a range operation joins this header with them.
 */
#ifndef HAL_CACHE_H
#define HAL_CACHE_H

#include <hal/types.h>

/* After the kernel wrote instructions into RAM at kernel-virtual p: make
 * them visible to instruction fetch (arm64: clean D, invalidate I). */
void hal_cache_sync_code(const void *p, size_t size);

#endif
