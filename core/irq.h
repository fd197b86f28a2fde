/* Interrupt handling: the kernel timer and IRQs delivered to notifications. */
#ifndef KAAL_IRQ_H
#define KAAL_IRQ_H

#include "kernel.h"

void irq_init(void);
/* Take and handle one pending interrupt, if any. */
void irq_handle_pending(void);
/* The IRQHandler of irq is deleted: forget its notification, mask it. */
void irq_handler_deleted(unsigned irq);

#endif
