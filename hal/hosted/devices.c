/*
 * The hosted machine's devices, in the device memory (memory.c): the UART
 * a console driver writes to, and the test device that raises an
 * interrupt line at a chosen virtual time (hosted.h describes both
 * register pages). Both are served at every kernel entry.
 */
#include "hosted_internal.h"

#include <hal/console.h>

static void *device_page(uint64_t paddr)
{
    return (uint8_t *)hm.dev + (paddr - HOSTED_DEVICE_BASE);
}

void hosted_device_raise_at(unsigned irq, uint64_t t)
{
    if (irq >= HAL_NUM_IRQS || hm.nevents == HOSTED_MAX_EVENTS) {
        return;
    }
    hm.events[hm.nevents].irq = irq;
    hm.events[hm.nevents].time = t;
    hm.nevents++;
}

/* Send what a driver wrote to the UART since the last kernel entry. */
static void uart_poll(void)
{
    hosted_uart_regs_t *u = device_page(HOSTED_UART_PADDR);
    uint64_t head = u->tx_head;
    uint64_t tail = u->tx_tail;
    if (head - tail > HOSTED_UART_TX_SIZE) {
        tail = head - HOSTED_UART_TX_SIZE; /* a driver overran the ring */
    }
    for (; tail != head; tail++) {
        hal_console_putc((char)u->tx_buf[tail % HOSTED_UART_TX_SIZE]);
    }
    u->tx_tail = tail;
}

/* Deliver due events (in time order, then in order of scheduling) and
 * accept a doorbell written to the test device's registers. */
void hosted_devices_poll(void)
{
    uart_poll();
    hosted_testdev_regs_t *regs = device_page(HOSTED_TESTDEV_PADDR);
    if (regs->doorbell != 0) {
        regs->doorbell = 0;
        hosted_device_raise_at((unsigned)regs->irq, hm.now + regs->delay_ns);
    }
    unsigned j = 0;
    for (unsigned i = 0; i < hm.nevents; i++) {
        if (hm.events[i].time <= hm.now) {
            hm.irq_pending |= 1ull << hm.events[i].irq;
            regs->raised++;
        } else {
            hm.events[j++] = hm.events[i];
        }
    }
    hm.nevents = j;
}

uint64_t hosted_next_event_time(void)
{
    uint64_t t = UINT64_MAX;
    if ((hm.irq_masked & (1ull << HAL_HOSTED_IRQ_TIMER)) == 0) {
        t = hm.deadline;
    }
    for (unsigned i = 0; i < hm.nevents; i++) {
        if (hm.events[i].time < t) {
            t = hm.events[i].time;
        }
    }
    return t;
}

