/* HAL contract: cache maintenance. */
#ifndef HAL_CACHE_H
#define HAL_CACHE_H

#include <hal/types.h>

/* After the kernel wrote instructions into RAM at kernel-virtual p: make
 * them visible to instruction fetch (arm64: clean D, invalidate I). */
void hal_cache_sync_code(const void *p, size_t size);
/* Clean and invalidate data cache lines for [p, p + size) (device frames). */
void hal_cache_clean_range(const void *p, size_t size);

#endif
