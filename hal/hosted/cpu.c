/* Idle, halt and cache maintenance of the hosted machine (hal/cpu.h,
 * hal/cache.h). */
#include "hosted_internal.h"

#include <hal/cache.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/irq.h>

/* Jump virtual time to the next timer or device event. */
void hal_idle_wait(void)
{
    hosted_devices_poll();
    if (hal_irq_pending()) {
        return;
    }
    uint64_t t = hosted_next_event_time();
    if (t == UINT64_MAX) {
        hal_console_puts(HAL_IDLE_STOP_MESSAGE);
        hal_halt(HAL_IDLE_STOP_STATUS);
    }
    if (t >= hm.stop_at) { /* --stop-at: time stops there, not at the next event */
        if (hm.now < hm.stop_at) {
            hm.now = hm.stop_at;
        }
        hosted_stop_reached();
        return;
    }
    hosted_observe_point(HOSTED_OBS_IDLE, t);
    if (t > hm.now) {
        hm.now = t;
    }
    hosted_devices_poll();
}

/* The original process returns the status from hosted_run or the harness
 * call; any other address-space process hands the halt to it (procs.c). */
void hal_halt(int status)
{
    hosted_console_flush();
    if (hm.user_mode) {
        hosted_fs_kernel(); /* libc from here on (hostsys.h) */
    }
    hosted_procs_halt(status); /* returns in the process that halts */

    hm.halt_status = status;
    __builtin_longjmp(hm.halt_jmp, 1);
}

/* The host's caches are coherent. */
void hal_cache_sync_code(const void *p, size_t size)
{
    (void)p;
    (void)size;
}
