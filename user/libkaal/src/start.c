/*
 * libkaal: C start-up. crt0 calls kaal_crt_start() with the first two
 * argument registers: the argument the parent gave (for the root task: the
 * BootInfo address) and the thread pointer its TLS block goes at (0: none
 * given; the spawn API gives one, the kernel none to the root task). The
 * TLS block is made before any other code runs (tls.c). The platform cap
 * libkaal prints with (platform.c) is the root task's initial slot when the
 * kernel started us (no TLS pointer), else the child's fixed slot. When
 * kaal_main() returns, the program ends the run with its status
 * (kaal_power_off: the root task's way to end the system).
 */
#include <kaal/kaal.h>
#include <kaal/sysdesc.h>
#include <kaal/tls.h>
#include "tls_priv.h"

__attribute__((noreturn)) void kaal_crt_start(kaal_word_t arg, kaal_word_t tls);
__attribute__((noreturn)) void kaal_crt_start(kaal_word_t arg, kaal_word_t tls)
{
    size_t size = tls == 0 ? kaal_tls_size() : 0;
    /* This frame never returns: an area here lives as long as the thread. */
    void *area = size != 0 ? __builtin_alloca(size) : NULL;
    kaal_tls_start(area, size, tls);
    kaal_set_platform_cap(tls == 0 ? KAAL_CAP_PLATFORM : KAAL_CHILD_SLOT_PLATFORM);
    int r = kaal_main(arg);
    kaal_power_off(r);
}
