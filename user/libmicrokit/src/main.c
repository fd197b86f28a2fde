/*
 * libmicrokit on KaaL: the PD's start and its event loop (microkit.h,
 * docs/microkit.md). Capability slots: microkit_kaal.h.
 *
 * The loop, as Microkit's: receive on INPUT; a badge with bit 62 is a
 * child's fault (fault(); a reply only if it says so), bit 63 a protected
 * call (protected(); always a reply), otherwise a notification word whose
 * set bits are channel or IRQ ids, handed to notified() from the lowest
 * id up. A reply goes with the next receive (ReplyRecv); with no reply
 * due, a deferred signal is sent first, then the receive. So replies
 * come before deferred notifications.
 *
 * KaaL's kernel is seL4's non-MCS one: the reply is the caller's implicit
 * reply capability, and there is no NBSendRecv (the deferred signal is a
 * Signal, or an IRQ Ack, just before the Recv).
 */
#include <microkit.h>
#include <kaal/spawn.h>

/* Written by the microkit tool into each PD's image (kept in .data so
 * they have bytes in the file). */
#define MK_PATCHED __attribute__((section(".data"), used))
MK_PATCHED char microkit_name[MICROKIT_PD_NAME_LENGTH];
MK_PATCHED seL4_Word microkit_irqs;
MK_PATCHED seL4_Word microkit_notifications;
MK_PATCHED seL4_Word microkit_pps;
/* Bit 0: INPUT is an endpoint and NTFN is to be bound (microkit_kaal.h). */
MK_PATCHED seL4_Word microkit_kaal_flags;

seL4_Bool microkit_have_signal = seL4_False;
seL4_CPtr microkit_signal_cap;
seL4_MessageInfo_t microkit_signal_msg;
seL4_Word microkit_signal_is_irq_ack;

/* A PD with no pp callers need not write protected(). */
__attribute__((weak)) microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    (void)msginfo;
    return seL4_MessageInfo_new(0, 0, 0, 0);
}

/* A PD with no children need not write fault(). */
__attribute__((weak)) seL4_Bool fault(microkit_child child, microkit_msginfo msginfo,
                                      microkit_msginfo *reply_msginfo)
{
    (void)msginfo;
    (void)reply_msginfo;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(": fault of child ");
    microkit_dbg_put32(child);
    microkit_dbg_puts(" with no fault() entry point: the child stays stopped\n");
    return seL4_False;
}

static void send_deferred_signal(void)
{
    if (microkit_signal_is_irq_ack) {
        (void)seL4_IRQHandler_Ack(microkit_signal_cap);
    } else {
        seL4_Signal(microkit_signal_cap);
    }
    microkit_have_signal = seL4_False;
}

static void deliver_notifications(seL4_Word badge)
{
    for (unsigned id = 0; id < MICROKIT_KAAL_MAX_ID && badge != 0; id++, badge >>= 1) {
        if (badge & 1u) {
            notified(id);
        }
    }
}

__attribute__((noreturn)) static void handler_loop(void)
{
    seL4_Bool have_reply = seL4_False;
    seL4_MessageInfo_t reply_tag = seL4_MessageInfo_new(0, 0, 0, 0);
    for (;;) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t tag;
        if (have_reply) {
            tag = seL4_ReplyRecv(MICROKIT_KAAL_INPUT_CAP, reply_tag, &badge);
        } else {
            if (microkit_have_signal) {
                send_deferred_signal();
            }
            tag = seL4_Recv(MICROKIT_KAAL_INPUT_CAP, &badge);
        }
        have_reply = seL4_False;
        if (badge & MICROKIT_KAAL_BADGE_PPC) {
            reply_tag = protected((microkit_channel)(badge & MICROKIT_KAAL_ID_MASK), tag);
            have_reply = seL4_True;
        } else if (badge & MICROKIT_KAAL_BADGE_FAULT) {
            have_reply = fault((microkit_child)(badge & MICROKIT_KAAL_ID_MASK), tag, &reply_tag);
        } else {
            deliver_notifications(badge);
        }
    }
}

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    if (microkit_kaal_flags & 1u) {
        seL4_Error err = seL4_TCB_BindNotification(MICROKIT_KAAL_SELF_TCB_CAP,
                                                   MICROKIT_KAAL_NTFN_CAP);
        if (err != seL4_NoError) {
            microkit_dbg_puts(microkit_name);
            microkit_dbg_puts(": cannot bind its notification to its thread\n");
            microkit_internal_crash(err);
        }
    }
    init();
    handler_loop();
}
