/*
 * libkaal: the user clock (docs/abi.md "Clock"; a KaaL addition, seL4
 * non-MCS has no clock call). Read without entering the kernel:
 *   arm64:  the virtual counter CNTVCT_EL0 at CNTFRQ_EL0 Hz (the kernel
 *           enables EL0 reads with CNTKCTL_EL1.EL0VCTEN); the same counter
 *           the kernel's scheduler runs on.
 *   hosted: the machine's virtual time in nanoseconds, from the read-only
 *           clock page at KAAL_HOSTED_CLOCK_VADDR; it holds the virtual time
 *           as of the last kernel exit (time moves only in the kernel), so
 *           two runs of a system read the same values.
 * Monotone (never goes back), counting from an arbitrary fixed point
 * (hosted: the boot; arm64: the counter's reset). Across a Yield, a timer
 * tick or a blocking wait it advances by at least the time that passed.
 */
#ifndef KAAL_CLOCK_H
#define KAAL_CLOCK_H

#include <stdint.h>

/* The counter itself, in ticks of kaal_clock_hz(). */
uint64_t kaal_clock_ticks(void);
/* Ticks per second (hosted: 10^9; arm64: CNTFRQ_EL0, e.g. 62.5 MHz on
 * QEMU, 54 MHz on a Raspberry Pi 4). */
uint64_t kaal_clock_hz(void);
/* kaal_clock_ticks() in nanoseconds, rounded down; exact with 64-bit
 * arithmetic for every counter value below 2^64 ticks at any frequency
 * below 2^32 Hz (no overflow for more than 500 years). */
uint64_t kaal_clock_ns(void);

#endif
