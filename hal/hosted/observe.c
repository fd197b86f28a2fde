/*
 * Observing a run (hosted.h "Observing a run"): the observer the backend
 * calls at its kernel entries and exits, and the stop at a virtual time
 * (kaal-sim --trace, --timeline, --stop-at; sim/trace.c).
 *
 * The stop: the first kernel entry at or after cfg.stop_at, or an idle
 * CPU whose next event lies at or beyond it (time then stops exactly at
 * stop_at), tells the observer (HOSTED_OBS_STOP) and halts with
 * HOSTED_STOP_STATUS; with cfg.stop_trap it raises SIGTRAP in this
 * process instead and the run goes on (a debugger stops there; without
 * one the signal would end kaal-sim, so kaal-sim asks for the trap only
 * under a debugger, in one-process mode).
 */
#define _GNU_SOURCE
#include "hosted_internal.h"
#include "hostsys.h"

#include <hal/cpu.h>

#include <signal.h>
#include <sys/syscall.h>

HOSTED_PRIVATE hosted_observer_t hosted_observer;

void hosted_observe(hosted_observer_t fn) { hosted_observer = fn; }

bool hosted_stopped(void) { return hm.stopped; }

void hosted_stop_reached(void)
{
    hm.stop_at = UINT64_MAX; /* once */
    hosted_observe_point(HOSTED_OBS_STOP, hm.now);
    if (hm.stop_trap) {
        long pid = hostsys_call(SYS_getpid, 0, 0, 0, 0, 0, 0);
        long tid = hostsys_call(SYS_gettid, 0, 0, 0, 0, 0, 0);
        (void)hostsys_call(SYS_tgkill, pid, tid, SIGTRAP, 0, 0, 0);
        return;
    }
    hm.stopped = true;
    hal_halt(HOSTED_STOP_STATUS);
}
