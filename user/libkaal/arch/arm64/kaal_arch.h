/*
 * libkaal, AArch64: the syscall stub (seL4's convention).
 * x7 syscall number, x0 cap/badge, x1 message info, x2-x5 message
 * registers 0-3; `svc #0`.
 */
#ifndef KAAL_ARCH_H
#define KAAL_ARCH_H

#include <kaal/abi.h>

#define KAAL_ARCH_NAME "aarch64"

static inline void kaal_arch_syscall(kaal_word_t sysno, kaal_word_t r[6])
{
    register kaal_word_t x0 __asm__("x0") = r[0];
    register kaal_word_t x1 __asm__("x1") = r[1];
    register kaal_word_t x2 __asm__("x2") = r[2];
    register kaal_word_t x3 __asm__("x3") = r[3];
    register kaal_word_t x4 __asm__("x4") = r[4];
    register kaal_word_t x5 __asm__("x5") = r[5];
    register kaal_word_t x7 __asm__("x7") = sysno;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                     : "r"(x7)
                     : "memory", "cc");
    r[0] = x0;
    r[1] = x1;
    r[2] = x2;
    r[3] = x3;
    r[4] = x4;
    r[5] = x5;
}

#endif
