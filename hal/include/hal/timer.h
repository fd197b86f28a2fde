/*
 * HAL contract: the kernel timer.
 *
 * Time is in nanoseconds since boot. On the hosted machine it is virtual
 * and deterministic (docs/hal.md); on arm64 it is the generic timer.
 * The timer raises hal_irq_timer() once now >= deadline.
 */
#ifndef HAL_TIMER_H
#define HAL_TIMER_H

#include <hal/arch.h>

/* Arm the timer for absolute time deadline, ns since boot (replaces any
 * earlier one and clears a pending timer interrupt); UINT64_MAX disarms.
 * (No ns clock: the core reads time only in ticks, below, as seL4 does.) */
void hal_timer_set_deadline(uint64_t deadline);

/* The same clock and timer in the backend's own ticks, which the
 * scheduler keeps time slices and deadlines in so that a thread switch
 * converts nothing: hosted, a tick is a nanosecond; arm64, a tick of the
 * generic timer's counter (CNTVCT, at CNTFRQ). Tick values are comparable
 * only with each other. hal_timer_ticks_from_ns rounds up. The first two
 * may also be inline (hal/arch.h, HAL_ARCH_SWITCH_INLINE). */
uint64_t hal_timer_now_ticks(void);
void hal_timer_set_deadline_ticks(uint64_t deadline); /* UINT64_MAX: none */
uint64_t hal_timer_ticks_from_ns(uint64_t ns);

#endif
