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
 *   Platform CapType    MR0 cptr: reply MR0 the type of the capability at
 *                       cptr in the caller's CSpace (docs/abi.md
 *                       "Capability types"; 0 if the lookup fails): what
 *                       the debug syscall DebugCapIdentify answers, for the
 *                       release kernels' demo, tests and tutorial
 *
 * The cap names no object and carries no data: Copy and Mint make equal
 * copies (no badge, no rights), Delete and Revoke remove them as any cap.
 * Unknown labels are IllegalOperation, too few message registers
 * TruncatedMessage, out-of-range arguments RangeError; a machine without a
 * device timer (hosted, whose test device is memory-mapped) answers
 * TimerArm and TimerStop with IllegalOperation.
 */
#include "cspace.h"
#include "invocation.h"
#include "kprintf.h"
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/platform.h>

/* Decode halves (proved, docs/verification.md): an error code (also in
 * inv->err) or checked arguments; the acts that follow cannot fail. */

/*@ requires inv_ok(inv) && \valid(n) && \separated(inv, n);
    assigns inv->err, *n;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR);
    ensures checked: \result == KAAL_NO_ERROR ==>
      1 <= *n <= KAAL_PLATFORM_MAX_CHARS && 1 + (*n + 7) / 8 <= inv->length;
*/
static kerr_t check_put_chars(invocation_t *inv, word_t *n)
{
    if (inv->length < 1u) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    *n = inv_arg(inv, 0);
    if (*n < 1u || *n > KAAL_PLATFORM_MAX_CHARS) {
        return err_range(&inv->err, 1u, KAAL_PLATFORM_MAX_CHARS);
    }
    if (inv->length < 1u + (*n + 7u) / 8u) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    return KAAL_NO_ERROR;
}

/* Byte i of the bytes packed in MR1..: (w >> 8 * (i % 8)) % 256. */
/*@ requires \valid_read(inv) && 1 <= n <= KAAL_PLATFORM_MAX_CHARS;
    assigns \nothing;
*/
static void put_chars(const invocation_t *inv, word_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i; */
    for (word_t i = 0; i < n; i++) {
        word_t w = inv_arg(inv, (unsigned)(1u + i / 8u));
        hal_console_putc((char)(unsigned char)((w >> (8u * (i % 8u))) % 256u));
    }
}

/*@ requires inv_ok(inv) && \valid(status) && \separated(inv, status);
    assigns inv->err, *status;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR);
    ensures checked: \result == KAAL_NO_ERROR ==> *status <= 0xff;
*/
static kerr_t check_power_off(invocation_t *inv, word_t *status)
{
    if (inv->length < 1u) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    *status = inv_arg(inv, 0);
    if (*status > 0xffu) {
        return err_range(&inv->err, 0, 0xffu);
    }
    return KAAL_NO_ERROR;
}

/* Print the halt line and end the run: PowerOff, and the debug halt of
 * debug kernels (syscall.c). Tools look for the line (sim_play.c). ACSL:
 * ASSUMED, not proved (kprintf is variadic): it does not return. */
/*@ assigns \nothing;
    ensures \false; */
HAL_NORETURN void platform_halt(const tcb_t *caller, word_t status)
{
    kprintf("kaal: halt requested by thread '%s' (status %lu)\n", caller->name, status);
    hal_halt((int)status);
}

/*@ requires inv_ok(inv);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR);
*/
static kerr_t decode_put_chars(invocation_t *inv)
{
    word_t n = 0;
    kerr_t r = check_put_chars(inv, &n);
    if (r == KAAL_NO_ERROR) {
        put_chars(inv, n);
    }
    return r;
}

/*@ requires inv_ok(inv);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR);
*/
static kerr_t decode_power_off(invocation_t *inv)
{
    word_t status = 0;
    kerr_t r = check_power_off(inv, &status);
    if (r == KAAL_NO_ERROR) {
        platform_halt(inv->caller, status);
    }
    return r;
}

/* The type of the cap at cptr in t's CSpace, 0 (null) when the lookup
 * fails: CapType, and DebugCapIdentify of debug kernels (syscall.c). ACSL:
 * ASSUMED, not proved (cspace_lookup_slot's contract is). */
/*@ assigns \nothing; */
word_t platform_cap_type_at(tcb_t *t, word_t cptr)
{
    cte_t *slot = NULL;
    lookup_fault_t lf;
    word_t type = 0;
    if (cspace_lookup_slot(t, cptr, &slot, &lf) == KAAL_NO_ERROR) {
        type = cap_type(slot->cap);
    }
    return type;
}

/* The type of the cap at cptr in the caller's CSpace, as reply MR0. ACSL:
 * ASSUMED, not proved (the reply is inv_set_reply's). */
/*@ requires inv_ok(inv);
    assigns inv->reply_len, inv->caller->ctx.r[0 .. HAL_UCTX_NREGS - 1],
            inv->reply_buf->msg[0 .. KAAL_MSG_MAX_LENGTH - 1];
*/
static void cap_type_reply(invocation_t *inv, word_t cptr)
{
    inv_set_reply(inv, 0, platform_cap_type_at(inv->caller, cptr));
}

/*@ requires inv_ok(inv);
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_RANGE_ERROR);
*/
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
    case KAAL_INV_PLATFORM_CAP_TYPE:
        if (inv->length < 1u) {
            return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
        }
        cap_type_reply(inv, inv_arg(inv, 0));
        return KAAL_NO_ERROR;
    default:
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
}
