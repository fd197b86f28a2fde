/*
 * Linked into the user programs a fuzz build instruments with
 * SanitizerCoverage (fuzz/meson.build: -fsanitize-coverage=
 * inline-8bit-counters,pc-table). The compiler's module constructor
 * calls these two with the bounds of the program's counters and PC
 * table; a KaaL program has no runtime to hand them to, so they do
 * nothing (and KaaL programs run no constructors anyway). The fuzzer
 * (fuzz/fuzz_system.c) finds both sections in the program's ELF instead
 * and reads the counters in the program's own memory.
 */
#include <stdint.h>

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end);

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop)
{
    (void)start;
    (void)stop;
}

void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end)
{
    (void)beg;
    (void)end;
}
