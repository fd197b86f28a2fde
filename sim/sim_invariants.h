/*
 * kaal-sim --check-invariants (sim_invariants.c): the invariant checker
 * (core/invariants.h) after every kernel entry.
 */
#ifndef KAAL_SIM_INVARIANTS_H
#define KAAL_SIM_INVARIANTS_H

/* kaal-sim's exit status when a check found a broken invariant. */
#define SIM_INVARIANT_STATUS 4

/* The console line that starts the report (sim_invariants_report). */
#define SIM_INVARIANT_MARK "kaal-sim: invariant broken"

/* hosted_config_t.after_entry for --check-invariants: runs
 * kaal_invariants_check() on the kernel state; if something is broken,
 * writes the report to the console (each invariant named, with the
 * addresses of the objects involved) and halts the machine with
 * SIM_INVARIANT_STATUS. Runs on the kernel path: freestanding code only. */
void sim_check_invariants(void);

/* The report as the console holds it (from SIM_INVARIANT_MARK on), or
 * NULL if the console holds none: kaal-sim copies it to stderr, so that
 * --quiet runs show it too. */
const char *sim_invariants_report(const char *console);

#endif
