/*
 * Linked into the user programs a fuzz build instruments with
 * SanitizerCoverage (fuzz/meson.build: -fsanitize-coverage=
 * inline-8bit-counters,pc-table,trace-cmp). A KaaL program has no
 * sanitizer runtime, so this file is its runtime, and keeps everything in
 * the program's own memory, where the whole-system fuzzer
 * (fuzz/fuzz_system.c) reads it after each input:
 *
 *  - the counters and the PC table: the compiler's module constructor
 *    would hand their bounds to the two *_init functions below; KaaL
 *    programs run no constructors, and the fuzzer finds both sections in
 *    the program's ELF instead;
 *  - the comparisons (trace-cmp): each is appended to __kaal_cmplog, a
 *    section the fuzzer also finds by name. The fuzzer passes them on to
 *    libFuzzer (__sanitizer_cov_trace_cmp8), so the operands a server
 *    compares its messages with (labels, magic values, lengths) become
 *    the mutations' dictionary: the fuzzer learns the protocol.
 *
 * Nothing here is instrumented (no_sanitize("coverage")).
 */
#include <stdint.h>

#if defined(__clang__)
#define NOCOV __attribute__((no_sanitize("coverage"), used))
#else /* gcc builds compile no user program with coverage */
#define NOCOV __attribute__((used))
#endif
#define KAAL_CMPLOG_ENTRIES 256u

/* Read by fuzz/fuzz_system.c (struct user_cmplog): n counts every
 * comparison, the first KAAL_CMPLOG_ENTRIES are kept. */
struct kaal_cmplog {
    uint64_t n;
    uint64_t e[KAAL_CMPLOG_ENTRIES][3]; /* a, b, the comparison's pc (| KAAL_CMPLOG_CONST) */
};
__attribute__((section("__kaal_cmplog"), used)) struct kaal_cmplog kaal_cmplog;

NOCOV __attribute__((always_inline)) static inline void note_at(uint64_t a, uint64_t b, uint64_t pc)
{
    uint64_t i = kaal_cmplog.n;
    if (i < KAAL_CMPLOG_ENTRIES) {
        kaal_cmplog.e[i][0] = a;
        kaal_cmplog.e[i][1] = b;
        kaal_cmplog.e[i][2] = pc;
    }
    kaal_cmplog.n = i + 1u;
}
#define note(a, b) note_at((a), (b), (uint64_t)__builtin_return_address(0))
/* A comparison with a compile-time constant (a is the constant): the pc
 * word carries KAAL_CMPLOG_CONST, so the fuzzer can tell the server's own
 * values (labels, magic numbers, lengths) from the input's. */
#define KAAL_CMPLOG_CONST (1ull << 63)
#define note_const(a, b) note_at((a), (b), (uint64_t)__builtin_return_address(0) | KAAL_CMPLOG_CONST)

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end);
void __sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b);
void __sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b);
void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b);
void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b);
void __sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b);
void __sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b);
void __sanitizer_cov_trace_const_cmp4(uint32_t a, uint32_t b);
void __sanitizer_cov_trace_const_cmp8(uint64_t a, uint64_t b);
void __sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases);

NOCOV void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop)
{
    (void)start;
    (void)stop;
}

NOCOV void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end)
{
    (void)beg;
    (void)end;
}

NOCOV void __sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b) { note(a, b); }
NOCOV void __sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b) { note(a, b); }
NOCOV void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b) { note(a, b); }
NOCOV void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b) { note(a, b); }
NOCOV void __sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b) { note_const(a, b); }
NOCOV void __sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b) { note_const(a, b); }
NOCOV void __sanitizer_cov_trace_const_cmp4(uint32_t a, uint32_t b) { note_const(a, b); }
NOCOV void __sanitizer_cov_trace_const_cmp8(uint64_t a, uint64_t b) { note_const(a, b); }

/* cases[0]: number of cases, cases[1]: operand bits, cases[2..]: values. */
NOCOV void __sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases)
{
    for (uint64_t i = 0; i < cases[0] && i < 16u; i++) {
        note_at(cases[2u + i], val, ((uint64_t)__builtin_return_address(0) + i) | KAAL_CMPLOG_CONST);
    }
}
