/*
 * The HAL primitives of a thread switch (clock, timer deadline, address
 * space), inline where the backend offers them: arm64's hal_arch.h defines
 * HAL_ARCH_SWITCH_INLINE and hal_arch_* with the same instructions as the
 * hal_* functions (hal/include/hal/timer.h, vspace.h). Used by the
 * scheduler's switch steps (sched.h, vspace.h) on both the slow and the
 * fast path, so that both execute the same code.
 */
#ifndef KAAL_HAL_SWITCH_H
#define KAAL_HAL_SWITCH_H

#include <hal/irq.h>
#include <hal/timer.h>
#include <hal/vspace.h>

#ifdef HAL_ARCH_SWITCH_INLINE
#define switch_timer_now_ticks hal_arch_timer_now_ticks
#define switch_timer_set_deadline_ticks hal_arch_timer_set_deadline_ticks
#define switch_vspace_activate hal_arch_vspace_activate
#define switch_irq_pending hal_arch_irq_pending
#else
#define switch_timer_now_ticks hal_timer_now_ticks
#define switch_timer_set_deadline_ticks hal_timer_set_deadline_ticks
#define switch_vspace_activate hal_vspace_activate
#define switch_irq_pending hal_irq_pending
#endif

#endif
