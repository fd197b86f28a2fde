#!/bin/sh
# `make fuzz-system`: fuzz a whole system on the hosted machine
# (fuzz_system, docs/fuzzing.md "Whole systems").
#
#   scripts/fuzz-system.sh BUILD SECONDS [SYSTEM.cpio]
#
# SYSTEM: a boot archive whose system description has a program named
# fuzzclient (sim/sim_play.h); default the demo's console server,
# BUILD/fuzz/console-fuzz.cpio. Runs BUILD/fuzz/fuzz_system for SECONDS
# over fuzz/corpus-system (new inputs go to BUILD/fuzz/corpus-system-work,
# crashes to fuzz/crash-system-*), with the value profile on (the user
# programs' comparisons reach libFuzzer; fuzz/client/sancov.c). Prints the
# load, exec/s, edges, the coverage of the kernel side and of each
# instrumented user program, and each crash with its replay command.
# Exits non-zero if the system crashed or the run failed.
set -u
cd "$(dirname "$0")/.."
B=$1
SECS=$2
SYSTEM=${3:-}
[ -n "$SYSTEM" ] || SYSTEM="$B/fuzz/console-fuzz.cpio"
if [ ! -f "$SYSTEM" ]; then
    echo "fuzz-system: $SYSTEM: no such boot archive" >&2
    exit 64
fi
LOG="$B/fuzz/logs"
WORK="$B/fuzz/corpus-system-work"
mkdir -p "$LOG" "$WORK"
RAM=${FUZZ_SYSTEM_RAM_MIB:-16}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "fuzz-system: $SYSTEM for $SECS s ..."
KAAL_FUZZ_SYSTEM="$SYSTEM" KAAL_FUZZ_RAM_MIB="$RAM" "$B/fuzz/fuzz_system" \
    -max_total_time="$SECS" -print_final_stats=1 -timeout=10 -use_value_profile=1 \
    -max_len="${FUZZ_MAX_LEN:-128}" -artifact_prefix=fuzz/crash-system- \
    "$WORK" fuzz/corpus-system >"$LOG/fuzz_system.log" 2>&1
status=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOG/fuzz_system.log")
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG/fuzz_system.log")
cov=$(grep -o 'cov: [0-9]*' "$LOG/fuzz_system.log" | tail -1 | cut -d' ' -f2)
echo "fuzz-system: ${runs:-?} executions, ${execs:-?} exec/s, ${cov:-?} edges (libFuzzer cov, kernel and user)"
grep '^fuzz_system: .*coverage' "$LOG/fuzz_system.log" | sed 's/^fuzz_system/fuzz-system/'
echo "fuzz-system: load average before $load_before, after $load_after"
rc=0
crashes=$(sed -n 's/^.*Test unit written to \(.*\)$/\1/p' "$LOG/fuzz_system.log")
for c in $crashes; do
    grep '^fuzz_system: CRASH' "$LOG/fuzz_system.log" | head -1 | sed 's/^fuzz_system/fuzz-system/'
    echo "fuzz-system: replay: build/hosted/sim/kaal-sim --ram $RAM --module $SYSTEM --replay $c"
    rc=1
done
if [ "$status" -ne 0 ] && [ -z "$crashes" ]; then
    echo "fuzz-system: fuzz_system failed (exit status $status); see $LOG/fuzz_system.log"
    grep -E 'ERROR|SUMMARY|never reached' "$LOG/fuzz_system.log" | head -5
    rc=1
fi
echo "fuzz-system: log in $LOG/fuzz_system.log"
exit $rc
