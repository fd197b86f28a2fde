/*
 * User-API test, capabilities: Untyped Retype and every CNode method
 * through libkaal's wrappers, with the error details of the failures
 * (kaal_last_reply_mr), and the IRQControl / IRQHandler wrappers.
 */
#include <kaal/caps.h>
#include <kaal/tcb.h>
#include <kaal/testdev.h>
#include "uapi.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define DEPTH KAAL_WORD_BITS

/* Capability types of DebugCapIdentify (docs/abi.md). */
#define CT_NULL 0u
#define CT_ENDPOINT 2u
#define CT_NOTIFICATION 3u
#define CT_CNODE 5u
#define CT_TCB 6u
#define CT_IRQ_HANDLER 8u
#define CT_FRAME 10u

#define take uapi_take
#define make uapi_make

kaal_cptr_t uapi_take(uapi_alloc_t *a) { return a->next < a->end ? a->next++ : 0; }

kaal_cptr_t uapi_make(uapi_alloc_t *a, kaal_word_t type, kaal_word_t size_bits)
{
    kaal_cptr_t s = take(a);
    kaal_word_t err = kaal_untyped_retype(a->ut, type, size_bits, ROOT, 0, 0, s, 1);
    UAPI_EQ("retype", err, KAAL_NO_ERROR);
    return err == KAAL_NO_ERROR ? s : 0;
}

static void untyped_errors(uapi_alloc_t *a)
{
    kaal_cptr_t s = a->next;
    UAPI_EQ("Retype 0 objects", kaal_untyped_retype(a->ut, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, s, 0),
            KAAL_RANGE_ERROR);
    UAPI_EQ("Retype 0 objects: min", kaal_last_reply_mr(0), 1);
    UAPI_EQ("Retype 0 objects: max", kaal_last_reply_mr(1), 256);
    UAPI_EQ("Retype type 99", kaal_untyped_retype(a->ut, 99, 0, ROOT, 0, 0, s, 1), KAAL_INVALID_ARGUMENT);
    UAPI_EQ("Retype type 99: argument 0", kaal_last_reply_mr(0), 0);
    UAPI_EQ("Retype 2^47 bytes", kaal_untyped_retype(a->ut, KAAL_OBJ_UNTYPED, 47, ROOT, 0, 0, s, 1),
            KAAL_NOT_ENOUGH_MEMORY);
    uapi_check("Retype 2^47 bytes: bytes left", kaal_last_reply_mr(0) >= (1u << 20), kaal_last_reply_mr(0),
               1u << 20);
}

/* Copy, Mint, Move, Mutate, Rotate, SaveCaller, CancelBadgedSends, Delete,
 * Revoke, and their errors. */
static void cnode_methods(uapi_alloc_t *a)
{
    kaal_cptr_t ep = make(a, KAAL_OBJ_ENDPOINT, 0);
    kaal_cptr_t tcb = make(a, KAAL_OBJ_TCB, 0);
    kaal_cptr_t frame = make(a, KAAL_OBJ_FRAME_4K, 0);
    kaal_cptr_t cn = make(a, KAAL_OBJ_CNODE, 4);
    kaal_cptr_t s1 = take(a), s2 = take(a), s3 = take(a), s4 = take(a);

    UAPI_EQ("Mint badged", kaal_cnode_mint(ROOT, s1, DEPTH, ROOT, ep, DEPTH, KAAL_RIGHTS_ALL, 0x42), 0);
    UAPI_EQ("Copy of the badged cap", kaal_cnode_copy(ROOT, s2, DEPTH, ROOT, s1, DEPTH, KAAL_RIGHTS_ALL), 0);
    UAPI_EQ("Copy into a full slot", kaal_cnode_copy(ROOT, s2, DEPTH, ROOT, s1, DEPTH, KAAL_RIGHTS_ALL),
            KAAL_DELETE_FIRST);
    UAPI_EQ("Copy at depth 65", kaal_cnode_copy(ROOT, s3, DEPTH, ROOT, s1, 65, KAAL_RIGHTS_ALL), KAAL_RANGE_ERROR);
    UAPI_EQ("Copy at depth 65: min", kaal_last_reply_mr(0), 1);
    UAPI_EQ("Copy at depth 65: max", kaal_last_reply_mr(1), 64);
    UAPI_EQ("Copy from an empty slot", kaal_cnode_copy(ROOT, s3, DEPTH, ROOT, s4, DEPTH, KAAL_RIGHTS_ALL),
            KAAL_FAILED_LOOKUP);
    UAPI_EQ("Copy from an empty slot: the source", kaal_last_reply_mr(0), 1);
    UAPI_EQ("Copy from an empty slot: failure type", kaal_last_reply_mr(1), KAAL_LOOKUP_MISSING_CAPABILITY);
    UAPI_EQ("CancelBadgedSends", kaal_cnode_cancel_badged_sends(ROOT, s1, DEPTH), 0);
    UAPI_EQ("Revoke the badged cap", kaal_cnode_revoke(ROOT, s1, DEPTH), 0);
    UAPI_EQ("Revoke took its copy", kaal_cap_type(s2), CT_NULL);
    UAPI_EQ("Move", kaal_cnode_move(ROOT, s2, DEPTH, ROOT, s1, DEPTH), 0);
    UAPI_EQ("Move: moved", kaal_cap_type(s2), CT_ENDPOINT);
    UAPI_EQ("Move: source empty", kaal_cap_type(s1), CT_NULL);
    UAPI_EQ("Mutate an endpoint", kaal_cnode_mutate(ROOT, s1, DEPTH, ROOT, s2, DEPTH, 1), KAAL_ILLEGAL_OPERATION);
    UAPI_EQ("Mutate a CNode's guard", kaal_cnode_mutate(ROOT, s3, DEPTH, ROOT, cn, DEPTH,
                                                        kaal_cnode_guard_data(0, 60)), 0);
    UAPI_EQ("Mutate: moved", kaal_cap_type(s3), CT_CNODE);
    /* Rotate: the TCB to s4, the frame to the TCB's slot. */
    UAPI_EQ("Rotate", kaal_cnode_rotate(ROOT, s4, DEPTH, 0, ROOT, tcb, DEPTH, 0, ROOT, frame, DEPTH), 0);
    UAPI_EQ("Rotate: pivot to dest", kaal_cap_type(s4), CT_TCB);
    UAPI_EQ("Rotate: source to pivot", kaal_cap_type(tcb), CT_FRAME);
    UAPI_EQ("Rotate: source empty", kaal_cap_type(frame), CT_NULL);
    UAPI_EQ("Rotate onto itself", kaal_cnode_rotate(ROOT, s4, DEPTH, 0, ROOT, s4, DEPTH, 0, ROOT, tcb, DEPTH),
            KAAL_ILLEGAL_OPERATION);
    UAPI_EQ("SaveCaller without a caller", kaal_cnode_save_caller(ROOT, frame, DEPTH), 0);
    UAPI_EQ("SaveCaller moved nothing", kaal_cap_type(frame), CT_NULL);
    UAPI_EQ("Delete", kaal_cnode_delete(ROOT, s4, DEPTH), 0);
    UAPI_EQ("Delete: gone", kaal_cap_type(s4), CT_NULL);
    UAPI_EQ("Delete an empty slot", kaal_cnode_delete(ROOT, s4, DEPTH), 0);
}

/* IRQControl Get, IRQHandler SetNotification / Ack / Clear. */
static void irq_methods(uapi_alloc_t *a)
{
    kaal_cptr_t ntfn = make(a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_cptr_t h = take(a);
    UAPI_EQ("IRQControl Get: line out of range",
            kaal_irq_control_get(KAAL_CAP_IRQ_CONTROL, 100000, ROOT, h, DEPTH), KAAL_RANGE_ERROR);
    UAPI_EQ("IRQControl Get: min", kaal_last_reply_mr(0), 0);
    uapi_check("IRQControl Get: max", kaal_last_reply_mr(1) >= KAAL_TESTDEV_IRQ, kaal_last_reply_mr(1),
               KAAL_TESTDEV_IRQ);
    UAPI_EQ("IRQControl Get", kaal_irq_control_get(KAAL_CAP_IRQ_CONTROL, KAAL_TESTDEV_IRQ, ROOT, h, DEPTH), 0);
    UAPI_EQ("IRQHandler in the slot", kaal_cap_type(h), CT_IRQ_HANDLER);
    UAPI_EQ("IRQControl Get twice", kaal_irq_control_get(KAAL_CAP_IRQ_CONTROL, KAAL_TESTDEV_IRQ, ROOT, h + 1,
                                                         DEPTH), KAAL_REVOKE_FIRST);
    UAPI_EQ("SetNotification: not a notification", kaal_irq_handler_set_notification(h, h), KAAL_INVALID_CAPABILITY);
    UAPI_EQ("SetNotification: InvalidCapability 0 (as seL4)", kaal_last_reply_mr(0), 0);
    UAPI_EQ("SetNotification", kaal_irq_handler_set_notification(h, ntfn), 0);
    UAPI_EQ("Ack", kaal_irq_handler_ack(h), 0);
    UAPI_EQ("Clear", kaal_irq_handler_clear(h), 0);
    UAPI_EQ("delete the handler", kaal_cnode_delete(ROOT, h, DEPTH), 0);
}

static kaal_word_t put_str(kaal_cptr_t plat, const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return kaal_platform_put_chars(plat, s, n);
}

/* The platform cap (docs/abi.md "Platform"): PutChars, errors for
 * garbage, a copy, and the device timer: on arm64 its interrupt (PPI 30)
 * reaches a notification through the IRQHandler cap; hosted has none. */
static void platform_methods(uapi_alloc_t *a)
{
    const kaal_cptr_t plat = KAAL_CAP_PLATFORM;
    UAPI_EQ("platform: the root task's", kaal_platform_cap(), plat);
    UAPI_EQ("PutChars", put_str(plat, "uapi: PutChars through the platform cap\n"), 0);
    UAPI_EQ("PowerOff: status out of range", kaal_platform_power_off(plat, 256), KAAL_RANGE_ERROR);
    kaal_cptr_t none = take(a);
    UAPI_EQ("PutChars: empty slot", kaal_platform_put_chars(none, "x", 1), KAAL_INVALID_CAPABILITY);
    UAPI_EQ("PowerOff: empty slot", kaal_platform_power_off(none, 0), KAAL_INVALID_CAPABILITY);
    UAPI_EQ("copy of the platform cap", kaal_cnode_copy(ROOT, none, DEPTH, ROOT, plat, DEPTH, KAAL_RIGHTS_ALL), 0);
    UAPI_EQ("PutChars: the copy", put_str(none, "uapi: PutChars through a copy\n"), 0);
    UAPI_EQ("delete the copy", kaal_cnode_delete(ROOT, none, DEPTH), 0);
#if defined(__aarch64__)
    kaal_cptr_t ntfn = make(a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_cptr_t badged = take(a);
    kaal_cptr_t h = take(a);
    UAPI_EQ("device timer: a badged notification",
            kaal_cnode_mint(ROOT, badged, DEPTH, ROOT, ntfn, DEPTH, KAAL_RIGHT_WRITE, 1), 0);
    UAPI_EQ("device timer: IRQControl Get",
            kaal_irq_control_get(KAAL_CAP_IRQ_CONTROL, KAAL_TESTDEV_IRQ, ROOT, h, DEPTH), 0);
    UAPI_EQ("device timer: SetNotification", kaal_irq_handler_set_notification(h, badged), 0);
    UAPI_EQ("TimerArm", kaal_platform_timer_arm(plat, 100000), 0);
    UAPI_EQ("device timer: its interrupt", kaal_wait(ntfn), 1);
    UAPI_EQ("TimerStop", kaal_platform_timer_stop(plat), 0);
    UAPI_EQ("device timer: Ack", kaal_irq_handler_ack(h), 0);
    UAPI_EQ("device timer: no second interrupt", kaal_poll(ntfn), 0);
    UAPI_EQ("device timer: delete the handler", kaal_cnode_delete(ROOT, h, DEPTH), 0);
#else
    UAPI_EQ("TimerArm: hosted has no device timer", kaal_platform_timer_arm(plat, 1000), KAAL_ILLEGAL_OPERATION);
    UAPI_EQ("TimerStop: hosted has no device timer", kaal_platform_timer_stop(plat), KAAL_ILLEGAL_OPERATION);
#endif
}

int uapi_caps(uapi_alloc_t *a)
{
    untyped_errors(a);
    cnode_methods(a);
    irq_methods(a);
    platform_methods(a);
    return 0;
}
