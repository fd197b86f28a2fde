/*
 * HAL contract: the kernel timer.
 *
 * Time is in nanoseconds since boot. On the hosted machine it is virtual
 * and deterministic (docs/hal.md); on arm64 it is the generic timer.
 * The timer raises hal_irq_timer() once now >= deadline.
 */
#ifndef HAL_TIMER_H
#define HAL_TIMER_H

#include <hal/types.h>

uint64_t hal_timer_now(void);
/* Arm the timer for absolute time deadline (replaces any earlier one and
 * clears a pending timer interrupt). */
void hal_timer_set_deadline(uint64_t deadline);

#endif
