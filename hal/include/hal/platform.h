/*
 * HAL contract: the device timer of the platform capability
 * (core/platform.c, docs/abi.md "Platform").
 *
 * A second timer, separate from the kernel's (hal/timer.h), that user space
 * arms through Platform TimerArm: once the delay has passed it asserts an
 * ordinary interrupt line, which reaches user space only through an
 * IRQHandler capability. arm64: the EL1 physical timer (CNTP), PPI 30, which
 * EL0 itself can no longer program (CNTKCTL_EL1.EL0PTEN clear, docs/arm64.md).
 * Hosted has none (its test device is memory-mapped): both return false.
 */
#ifndef HAL_PLATFORM_H
#define HAL_PLATFORM_H

#include <hal/types.h>

/* Assert the line once delay_ns has passed (rounded up to whole ticks;
 * replaces an earlier arming). False: the machine has no device timer. */
/*@ assigns \nothing; */
bool hal_platform_timer_arm(uint64_t delay_ns);
/* Stop the device timer asserting its line. False: no device timer.
 * ACSL (both): the timer is outside the state the proofs model. */
/*@ assigns \nothing; */
bool hal_platform_timer_stop(void);

#endif
