/*
 * HAL contract: the interrupt controller.
 *
 * IRQ numbers are the controller's (GIC INTIDs on arm64, device lines on the
 * hosted machine), below HAL_NUM_IRQS. The kernel runs with interrupts
 * masked; they are taken in user mode or while idle.
 *
 * Flow on an interrupt: irq = hal_irq_active(); the core handles it (the
 * kernel timer, or a notification signal after hal_irq_mask(irq, true));
 * then hal_irq_end(irq). A user's IRQHandler Ack calls hal_irq_mask(irq,
 * false).
 */
#ifndef HAL_IRQ_H
#define HAL_IRQ_H

#include <hal/arch.h>

#define HAL_IRQ_NONE 0xffffffffu

/* True if irq is a line that user drivers may claim on this machine. */
bool hal_irq_is_valid(unsigned irq);
/* The IRQ of the kernel's preemption timer (never given to users). */
unsigned hal_irq_timer(void);
/* Take the highest-priority pending interrupt and mark it active; returns
 * its number, or HAL_IRQ_NONE if none is pending. */
unsigned hal_irq_active(void);
/* End handling of an IRQ returned by hal_irq_active(). */
void hal_irq_end(unsigned irq);
/* Mask (true) or unmask (false) one line at the controller.
 * ACSL: the controller's mask bits as a ghost array, so that the proved
 * decoders can state what they do to a line (core/irq_inv.c: Ack
 * unmasks exactly the handler's line). The contract is an assumption
 * about each backend (docs/verification.md, trust base). */
/*@ ghost extern int hal_irq_masked[HAL_NUM_IRQS]; */
/*@ requires irq < HAL_NUM_IRQS;
    assigns hal_irq_masked[irq];
    ensures hal_irq_masked[irq] == (masked ? 1 : 0);
*/
void hal_irq_mask(unsigned irq, bool masked);
/* True if an unmasked interrupt is pending now (inline: hal/arch.h). */
bool hal_irq_pending(void);
/* A preemption point of a long kernel operation (Revoke, Delete, ...),
 * reached after each bounded unit of work: true if an unmasked interrupt
 * is pending, and the operation then stops with Preempted and its syscall
 * restarts. On hardware time passes by itself and this is
 * hal_irq_pending(); the hosted machine, whose virtual time stands still
 * inside the kernel, first charges the unit's cost (HOSTED_WORK_UNIT_NS),
 * so that a timer falls due inside long work there too. */
bool hal_preemption_point(void);

#endif
