#!/bin/sh
# `make fuzz`: fuzz the kernel, then summarise.
#
#   scripts/fuzz-run.sh BUILD SECONDS [PARSER-SECONDS]
#
# Runs fuzz_syscalls for SECONDS over fuzz/corpus (new inputs go to
# fuzz/corpus-work, crashes to fuzz/crash-*) and, at the same time on the
# other core, fuzz_parsers for PARSER-SECONDS over fuzz/corpus-parsers
# (work folder fuzz/corpus-parsers-work; 0 skips it). PARSER-SECONDS
# defaults to SECONDS and is never more than SECONDS: no target runs
# longer than the time asked for. Then it measures the line coverage of
# core/ reached by all corpora (scripts/fuzz-coverage.sh), and prints:
#   load, executions per second, edges (libFuzzer cov), crashes, core/
#   line coverage (only when measured).
# Exits non-zero if a target crashed or the coverage was not measured.
#
# Syscall sequences are capped at FUZZ_MAX_LEN bytes (default 256: about
# 20-40 steps, the length of a typical syzkaller program). Uncapped,
# libFuzzer grows inputs to 4096 bytes (hundreds of steps, each followed by
# a whole invariant check) and the rate falls from about 20,000 to about
# 9,000 exec/s within 10 minutes for a handful more edges
# (docs/fuzzing.md). FUZZ_MAX_LEN=4096 gives the uncapped behaviour.
set -u
cd "$(dirname "$0")/.."
B=$1
SECS=$2
PSECS=${3:-$SECS}
[ "$PSECS" -le "$SECS" ] || PSECS=$SECS
LOG="$B/fuzz/logs"
mkdir -p "$LOG" fuzz/corpus-work fuzz/corpus-parsers-work
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rc=0

start() { # name binary seconds work corpus extra...: runs in the background
    name=$1 bin=$2 secs=$3 work=$4 corpus=$5
    shift 5
    echo "fuzz: $name for $secs s ..."
    ( "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -artifact_prefix=fuzz/ \
        "$@" "$work" "$corpus" >"$LOG/$name.log" 2>&1; echo $? >"$LOG/$name.status" ) &
}

report() { # name: after its run ended
    name=$1
    status=$(cat "$LOG/$name.status")
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOG/$name.log")
    cov=$(grep -o 'cov: [0-9]*' "$LOG/$name.log" | tail -1 | cut -d' ' -f2)
    crashes=$(grep -c 'Test unit written to' "$LOG/$name.log")
    echo "fuzz: $name: ${execs:-?} exec/s, ${cov:-?} edges (cov), $crashes crashes, exit status $status"
    if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|broken|disagree|not exact|differs|Test unit written' "$LOG/$name.log" | head -20
        rc=1
    fi
}

start fuzz_syscalls "$B/fuzz/fuzz_syscalls" "$SECS" fuzz/corpus-work fuzz/corpus \
    -dict=fuzz/syscalls.dict -max_len="${FUZZ_MAX_LEN:-256}"
if [ "$PSECS" -gt 0 ]; then
    start fuzz_parsers "$B/fuzz/fuzz_parsers" "$PSECS" fuzz/corpus-parsers-work fuzz/corpus-parsers \
        -max_len=8192
fi
wait
report fuzz_syscalls
[ "$PSECS" -gt 0 ] && report fuzz_parsers
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "fuzz: load average before $load_before, after $load_after (2 cores)"
FUZZ_BUILD=$B scripts/fuzz-coverage.sh fuzz/corpus fuzz/corpus-work fuzz/corpus-parsers \
    fuzz/corpus-parsers-work >"$LOG/coverage.log" 2>&1 || rc=1
line=$(tail -1 "$LOG/coverage.log" | grep -a '^core/ line coverage')
echo "fuzz: ${line:-core/ line coverage not measured (see $LOG/coverage.log)}"
echo "fuzz: logs in $LOG, per-file coverage in $B/fuzz/coverage/report.txt"
exit $rc
