/*
 * libkaal, hosted x86-64: the syscall stub.
 * Registers: rdx syscall number, rdi cap/badge, rsi message info,
 * r10 r8 r9 r15 message registers 0-3 (hal/hosted/include/hal_arch.h).
 * `call kaal_hosted_gate` enters the kernel without a host syscall; every
 * other register is preserved.
 */
#ifndef KAAL_ARCH_H
#define KAAL_ARCH_H

#include <kaal/abi.h>

#define KAAL_ARCH_NAME "x86_64-hosted"
/* The read-only clock page (kaal/clock.h; hal/hosted/clock.c, where
 * hal_arch.h calls it HAL_HOSTED_CLOCK_VADDR). */
#define KAAL_HOSTED_CLOCK_VADDR 0x0fffd000ul

static inline void kaal_arch_syscall(kaal_word_t sysno, kaal_word_t r[6])
{
    register kaal_word_t rdi __asm__("rdi") = r[0];
    register kaal_word_t rsi __asm__("rsi") = r[1];
    register kaal_word_t rdx __asm__("rdx") = sysno;
    register kaal_word_t r10 __asm__("r10") = r[2];
    register kaal_word_t r8 __asm__("r8") = r[3];
    register kaal_word_t r9 __asm__("r9") = r[4];
    register kaal_word_t r15 __asm__("r15") = r[5];
    __asm__ volatile("call kaal_hosted_gate"
                     : "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r15)
                     :
                     : "memory", "cc");
    r[0] = rdi;
    r[1] = rsi;
    r[2] = r10;
    r[3] = r8;
    r[4] = r9;
    r[5] = r15;
}

#endif
