/*
 * The seL4 Microkit programming interface, on KaaL (docs/microkit.md):
 * the names, types and meaning of Microkit's manual, written for KaaL on
 * top of libkaal's libsel4 names (<sel4/sel4.h>). One source for both
 * backends (kaal-sim and arm64).
 *
 * A protection domain (PD) provides init() and notified(), and
 * protected() if other PDs call it with pp, fault() if it has child PDs.
 * libmicrokit's main runs init() once, then the event loop: each event
 * (a notification, a protected call, a child's fault) is handed to the
 * entry point, and a reply is sent with the next receive.
 */
#ifndef MICROKIT_H
#define MICROKIT_H

#include <sel4/sel4.h>
#include <microkit_kaal.h>

#ifndef seL4_True
#define seL4_True ((seL4_Bool)1)
#define seL4_False ((seL4_Bool)0)
#endif

typedef unsigned int microkit_channel;
typedef unsigned int microkit_child;
typedef seL4_MessageInfo_t microkit_msginfo;

/* Microkit's capability names, at KaaL's slots (microkit_kaal.h). */
#define BASE_OUTPUT_NOTIFICATION_CAP MICROKIT_KAAL_BASE_OUTPUT_CAP
#define BASE_IRQ_CAP MICROKIT_KAAL_BASE_OUTPUT_CAP
#define BASE_ENDPOINT_CAP MICROKIT_KAAL_BASE_ENDPOINT_CAP
#define BASE_TCB_CAP MICROKIT_KAAL_BASE_TCB_CAP

#define MICROKIT_MAX_CHANNELS 62
#define MICROKIT_MAX_CHANNEL_ID (MICROKIT_MAX_CHANNELS - 1)
#define MICROKIT_PD_NAME_LENGTH 64

/* The PD's entry points. */
void init(void);
void notified(microkit_channel ch);
microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo);
seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo);

/* Set by the microkit tool in each PD's image: its name, and one bit per
 * id of the channels it may notify, the IRQs it may acknowledge and the
 * channels it may call with pp. */
extern char microkit_name[MICROKIT_PD_NAME_LENGTH];
extern seL4_Word microkit_irqs;
extern seL4_Word microkit_notifications;
extern seL4_Word microkit_pps;

/* A deferred signal, sent with the event loop's next receive. */
extern seL4_Bool microkit_have_signal;
extern seL4_CPtr microkit_signal_cap;
extern seL4_MessageInfo_t microkit_signal_msg;
extern seL4_Word microkit_signal_is_irq_ack;

/* Debug console output. */
void microkit_dbg_putc(int c);
void microkit_dbg_puts(const char *s);
void microkit_dbg_put8(seL4_Uint8 x);
void microkit_dbg_put32(seL4_Uint32 x);

/* "<pd> <call>: invalid channel given '<ch>'" (libmicrokit's check). */
void microkit_kaal_bad_channel(const char *call, microkit_channel ch);

/* A failed kernel call the PD cannot go on from: report it and fault
 * (a write to the address given by the error, as Microkit does). */
static inline void microkit_internal_crash(seL4_Error err)
{
    volatile int *x = (volatile int *)(seL4_Word)err;
    *x = 0;
}

static inline int microkit_kaal_has(seL4_Word set, microkit_channel ch)
{
    return ch <= MICROKIT_MAX_CHANNEL_ID && (set & (1ull << ch)) != 0;
}

static inline void microkit_notify(microkit_channel ch)
{
    if (!microkit_kaal_has(microkit_notifications, ch)) {
        microkit_kaal_bad_channel("microkit_notify", ch);
        return;
    }
    seL4_Signal(BASE_OUTPUT_NOTIFICATION_CAP + ch);
}

static inline void microkit_irq_ack(microkit_channel ch)
{
    if (!microkit_kaal_has(microkit_irqs, ch)) {
        microkit_kaal_bad_channel("microkit_irq_ack", ch);
        return;
    }
    (void)seL4_IRQHandler_Ack(BASE_IRQ_CAP + ch);
}

static inline microkit_msginfo microkit_ppcall(microkit_channel ch, microkit_msginfo msginfo)
{
    if (!microkit_kaal_has(microkit_pps, ch)) {
        microkit_kaal_bad_channel("microkit_ppcall", ch);
        return seL4_MessageInfo_new(0, 0, 0, 0);
    }
    return seL4_Call(BASE_ENDPOINT_CAP + ch, msginfo);
}

/* Child PDs (those nested in this PD in the system file). */
void microkit_pd_restart(microkit_child pd, seL4_Word entry_point);
void microkit_pd_stop(microkit_child pd);
void microkit_pd_resume(microkit_child pd);

static inline microkit_msginfo microkit_msginfo_new(seL4_Word label, seL4_Uint16 count)
{
    return seL4_MessageInfo_new(label, 0, 0, count);
}

static inline seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_label(msginfo);
}

static inline seL4_Word microkit_msginfo_get_count(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_length(msginfo);
}

static inline void microkit_mr_set(seL4_Uint8 mr, seL4_Word value)
{
    seL4_SetMR(mr, value);
}

static inline seL4_Word microkit_mr_get(seL4_Uint8 mr)
{
    return seL4_GetMR(mr);
}

/* Signal (or acknowledge) with the event loop's next receive rather than
 * now: at most one deferred signal at a time, a second replaces it. */
static inline void microkit_deferred_notify(microkit_channel ch)
{
    if (!microkit_kaal_has(microkit_notifications, ch)) {
        microkit_kaal_bad_channel("microkit_deferred_notify", ch);
        return;
    }
    microkit_have_signal = seL4_True;
    microkit_signal_msg = seL4_MessageInfo_new(0, 0, 0, 0);
    microkit_signal_cap = BASE_OUTPUT_NOTIFICATION_CAP + ch;
    microkit_signal_is_irq_ack = 0;
}

static inline void microkit_deferred_irq_ack(microkit_channel ch)
{
    if (!microkit_kaal_has(microkit_irqs, ch)) {
        microkit_kaal_bad_channel("microkit_deferred_irq_ack", ch);
        return;
    }
    microkit_have_signal = seL4_True;
    microkit_signal_msg = seL4_MessageInfo_new(0, 0, 0, 0);
    microkit_signal_cap = BASE_IRQ_CAP + ch;
    microkit_signal_is_irq_ack = 1;
}

#endif
