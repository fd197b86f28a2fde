/*
 * The platform capability: a KaaL addition with no seL4 counterpart
 * (docs/abi.md "Platform"). seL4 gives a release build no console and no
 * way to end a run; KaaL's tests, demo and benchmarks need both, so they
 * go through a capability the kernel gives only the root task (initial
 * slot KAAL_CAP_PLATFORM), which hands copies to the programs it trusts:
 *
 *   Platform PutChars   MR0 n (1..KAAL_PLATFORM_MAX_CHARS), MR1.. the
 *                       bytes, eight a word, little-endian: to the console
 *   Platform PowerOff   MR0 status (0..255): end the run with it (hal_halt)
 *   Platform TimerArm   MR0 delay in ns: the machine's device timer fires
 *                       its IRQ line (HAL_PLATFORM_TIMER_IRQ) once after
 *                       the delay; the interrupt reaches user space only
 *                       through an IRQHandler capability, as any other
 *   Platform TimerStop  -        the device timer stops asserting its line
 *
 * The cap names no object and carries no data: Copy and Mint make equal
 * copies (no badge, no rights), Delete and Revoke remove them as any cap.
 * Unknown labels are IllegalOperation, too few message registers
 * TruncatedMessage, out-of-range arguments RangeError; a machine without a
 * device timer (hosted, whose test device is memory-mapped) answers
 * TimerArm and TimerStop with IllegalOperation.
 */
#include "invocation.h"
#include "kprintf.h"
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/platform.h>

/* PutChars: bounded by KAAL_PLATFORM_MAX_CHARS (1 + 32 message words). */
static kerr_t decode_put_chars(invocation_t *inv)
{
    if (inv->length < 1u) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    word_t n = inv_arg(inv, 0);
    if (n < 1u || n > KAAL_PLATFORM_MAX_CHARS) {
        return err_range(&inv->err, 1u, KAAL_PLATFORM_MAX_CHARS);
    }
    if (inv->length < 1u + (n + 7u) / 8u) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    for (word_t i = 0; i < n; i++) {
        word_t w = inv_arg(inv, (unsigned)(1u + i / 8u));
        hal_console_putc((char)((w >> (8u * (i % 8u))) & 0xffu));
    }
    return KAAL_NO_ERROR;
}

static kerr_t decode_power_off(invocation_t *inv)
{
    if (inv->length < 1u) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    word_t status = inv_arg(inv, 0);
    if (status > 0xffu) {
        return err_range(&inv->err, 0, 0xffu);
    }
    /* the same line as the debug halt: tools look for it (sim_play.c) */
    kprintf("kaal: halt requested by thread '%s' (status %lu)\n", inv->caller->name, status);
    hal_halt((int)status);
}

kerr_t decode_platform_invocation(invocation_t *inv)
{
    switch (inv->label) {
    case KAAL_INV_PLATFORM_PUT_CHARS:
        return decode_put_chars(inv);
    case KAAL_INV_PLATFORM_POWER_OFF:
        return decode_power_off(inv);
    case KAAL_INV_PLATFORM_TIMER_ARM:
        if (inv->length < 1u) {
            return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
        }
        return hal_platform_timer_arm(inv_arg(inv, 0)) ? KAAL_NO_ERROR
                                                       : err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    case KAAL_INV_PLATFORM_TIMER_STOP:
        return hal_platform_timer_stop() ? KAAL_NO_ERROR : err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    default:
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
}
