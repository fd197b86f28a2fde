/*
 * libkaal: the platform capability (docs/abi.md "Platform"): the console,
 * the end of a run and the device timer of release kernels, which have no
 * debug syscalls. Every call here passes its words in registers only, so
 * printing never changes the IPC buffer or kaal_last_reply() of the code
 * that prints.
 *
 * The process's own platform cap: the root task's is KAAL_CAP_PLATFORM, a
 * spawned program's KAAL_CHILD_SLOT_PLATFORM (filled when its system
 * description says `grant PROG platform`); kaal_crt_start() picks which.
 * kaal_putc() and kaal_power_off() use it; when it is missing (an empty
 * slot: InvalidCapability, or FailedLookup) a kernel with debug syscalls
 * (libkaal built with KAAL_DEBUG_SYSCALLS, as seL4's CONFIG_DEBUG_BUILD)
 * is asked through them instead; a release kernel drops the output.
 */
#include <kaal/kaal.h>
#include <kaal/sysdesc.h>

/* Words of characters per PutChars call: the three message registers after
 * the count that travel in CPU registers (MR1..MR3). */
#define PUT_WORDS (KAAL_MSG_NUM_REGS - 1u)
#define PUT_CHUNK (PUT_WORDS * 8u)

static kaal_cptr_t platform_cap = KAAL_CAP_PLATFORM;
#if defined(KAAL_DEBUG_SYSCALLS)
static int platform_missing; /* a PutChars found no cap: use the debug console */
#endif

kaal_cptr_t kaal_platform_cap(void) { return platform_cap; }

void kaal_set_platform_cap(kaal_cptr_t cap)
{
    platform_cap = cap;
#if defined(KAAL_DEBUG_SYSCALLS)
    platform_missing = 0;
#endif
}

static kaal_word_t platform_call(kaal_cptr_t plat, kaal_word_t label, kaal_word_t len,
                                 const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    return kaal_msg_error(kaal_call(plat, kaal_msginfo(label, 0, 0, len), mr));
}

kaal_word_t kaal_platform_put_chars(kaal_cptr_t plat, const char *s, size_t n)
{
    while (n > 0) {
        size_t k = n < PUT_CHUNK ? n : PUT_CHUNK;
        kaal_word_t mr[KAAL_MSG_NUM_REGS] = {k, 0, 0, 0};
        for (size_t i = 0; i < k; i++) {
            mr[1u + i / 8u] |= (kaal_word_t)(unsigned char)s[i] << (8u * (i % 8u));
        }
        kaal_word_t err = platform_call(plat, KAAL_INV_PLATFORM_PUT_CHARS, 1u + (k + 7u) / 8u, mr);
        if (err != KAAL_NO_ERROR) {
            return err;
        }
        s += k;
        n -= k;
    }
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_platform_power_off(kaal_cptr_t plat, kaal_word_t status)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {status, 0, 0, 0};
    return platform_call(plat, KAAL_INV_PLATFORM_POWER_OFF, 1, mr); /* returns only on an error */
}

kaal_word_t kaal_platform_timer_arm(kaal_cptr_t plat, kaal_word_t delay_ns)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {delay_ns, 0, 0, 0};
    return platform_call(plat, KAAL_INV_PLATFORM_TIMER_ARM, 1, mr);
}

kaal_word_t kaal_platform_timer_stop(kaal_cptr_t plat)
{
    return platform_call(plat, KAAL_INV_PLATFORM_TIMER_STOP, 0, NULL);
}

kaal_word_t kaal_platform_cap_type(kaal_cptr_t plat, kaal_cptr_t cptr, kaal_word_t *type)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {cptr, 0, 0, 0};
    kaal_msg_t r = kaal_call(plat, kaal_msginfo(KAAL_INV_PLATFORM_CAP_TYPE, 0, 0, 1), mr);
    kaal_word_t err = kaal_msg_error(r);
    *type = err == KAAL_NO_ERROR ? r.mr[0] : 0;
    return err;
}

kaal_word_t kaal_cap_type(kaal_cptr_t cptr)
{
    kaal_word_t type = 0;
    (void)kaal_platform_cap_type(platform_cap, cptr, &type);
    return type;
}

#if defined(KAAL_DEBUG_SYSCALLS)
static void debug_put_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        (void)kaal_syscall((kaal_word_t)KAAL_SYS_DEBUG_PUTCHAR, (kaal_word_t)(unsigned char)s[i], 0,
                           NULL);
    }
}
#endif

void kaal_put_chars(const char *s, size_t n)
{
#if defined(KAAL_DEBUG_SYSCALLS)
    if (platform_missing) {
        debug_put_chars(s, n);
        return;
    }
    /* A missing cap fails the first PutChars, before any character. */
    if (kaal_platform_put_chars(platform_cap, s, n) != KAAL_NO_ERROR) {
        platform_missing = 1;
        debug_put_chars(s, n);
    }
#else
    (void)kaal_platform_put_chars(platform_cap, s, n);
#endif
}

void kaal_putc(char c)
{
    kaal_put_chars(&c, 1);
}

void kaal_power_off(int status)
{
    (void)kaal_platform_power_off(platform_cap, (kaal_word_t)status & 0xffu);
#if defined(KAAL_DEBUG_SYSCALLS)
    kaal_debug_halt(status);
#else
    /* No way to end the run: make it this program's fault instead (an
     * unknown syscall, delivered to its fault handler as seL4 does). */
    for (;;) {
        (void)kaal_syscall((kaal_word_t)(KAAL_SYS_MIN - 1), (kaal_word_t)status, 0, NULL);
    }
#endif
}
