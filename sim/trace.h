/*
 * kaal-sim's observers (sim/trace.c): the syscall trace (--trace), the
 * timeline in Trace Event Format (--timeline) and the stop at a virtual
 * time (--stop-at). They watch the hosted machine through its observer
 * (hosted.h "Observing a run") and read kernel state through
 * core/debug_trace.h, never changing it. docs/debugging.md shows them.
 */
#ifndef KAAL_SIM_TRACE_H
#define KAAL_SIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

/* Parse one of kaal-sim's observer options (--trace[=FILE],
 * --trace-thread=NAME, --trace-syscall=NAME, --trace-object=SPEC,
 * --timeline FILE, --stop-at=TIME). Returns 1 if arg (with argv[*i + 1]
 * for an option that takes the next word) was one and is valid, 0 if arg
 * is not an observer option, -1 after printing why it is invalid. */
int trace_parse_option(int argc, char **argv, int *i);

/* The stop time --stop-at asked for (ns; 0: none). */
uint64_t trace_stop_at(void);

/* Open the outputs and install the observer; call before hosted_run.
 * Exits with status 70 if an output file cannot be opened. */
void trace_start(void);

/* After hosted_run: write what is still buffered and close the timeline
 * (open slices end at the final virtual time, thread names as metadata).
 * (The stop report of --stop-at is printed at the stop itself.) */
void trace_finish(void);

/* The help text of the observer options. */
extern const char trace_usage[];

#endif
