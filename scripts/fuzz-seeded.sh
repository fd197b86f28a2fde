#!/bin/sh
# The seeded-bug benchmark of whole-system fuzzing (docs/fuzzing.md,
# "The seeded bug"): not a test (its verdict is a number of executions,
# not a pass/fail within a time), run by `make fuzz-seeded`.
#
#   scripts/fuzz-seeded.sh FUZZ-BUILD HOSTED-BUILD
#
# The console server with fuzz/seeded/console.patch applied (a copy in the
# build folder: FUZZ-BUILD/fuzz/console-seeded-fuzz.cpio) crashes only
# after two messages: label 7 with MR0 = 0x2a, then a CONSOLE_WRITE of 5
# bytes. fuzz_system runs from the seed corpus fuzz/corpus-system with a
# fixed seed (FUZZ_SEED, default 1) for at most FUZZ_RUNS executions
# (default 1000000) and FUZZ_SECONDS seconds (default 600, a bound, not the
# measure), inputs up to FUZZ_MAX_LEN bytes (default 64). Prints the
# executions it took to find the crash, the console
# server's coverage over the run, and replays the crash with
# HOSTED-BUILD's kaal-sim --replay, which must report the same fault.
# Exits 0 if found and replayed, 1 if not found within the budget.
set -u
cd "$(dirname "$0")/.."
B=$1
H=$2
SEED=${FUZZ_SEED:-1}
RUNS=${FUZZ_RUNS:-1000000}
SECS=${FUZZ_SECONDS:-600}
SYSTEM="$B/fuzz/console-seeded-fuzz.cpio"
OUT="$B/fuzz/seeded"
rm -rf "$OUT"
mkdir -p "$OUT/work"
echo "fuzz-seeded: $SYSTEM, seed $SEED, at most $RUNS executions ($SECS s) ..."
KAAL_FUZZ_SYSTEM="$SYSTEM" KAAL_FUZZ_RAM_MIB=16 "$B/fuzz/fuzz_system" \
    -seed="$SEED" -runs="$RUNS" -max_total_time="$SECS" -use_value_profile=1 -max_len="${FUZZ_MAX_LEN:-64}" \
    -print_final_stats=1 -artifact_prefix="$OUT/" "$OUT/work" fuzz/corpus-system \
    >"$OUT/fuzz.log" 2>&1
crash=$(sed -n 's/^.*Test unit written to \(.*\)$/\1/p' "$OUT/fuzz.log" | head -1)
grep '^fuzz_system: .*coverage' "$OUT/fuzz.log" | sed 's/^fuzz_system/fuzz-seeded/'
if [ -z "$crash" ]; then
    last=$(grep -o '^#[0-9][0-9]*' "$OUT/fuzz.log" | tail -1)
    echo "fuzz-seeded: NOT FOUND within ${last:-?} executions (log: $OUT/fuzz.log)"
    exit 1
fi
execs=$(grep -o '^#[0-9][0-9]*' "$OUT/fuzz.log" | tail -1 | tr -d '#')
echo "fuzz-seeded: found after about ${execs:-?} executions (libFuzzer's count at the last status line before the crash)"
grep '^fuzz_system: CRASH' "$OUT/fuzz.log" | head -1 | sed 's/^fuzz_system/fuzz-seeded/'
echo "fuzz-seeded: replay: $H/sim/kaal-sim --ram 16 --module $SYSTEM --replay $crash"
"$H/sim/kaal-sim" --quiet --ram 16 --module "$SYSTEM" --replay "$crash" 2>&1 | tail -1
"$H/sim/kaal-sim" --quiet --ram 16 --module "$SYSTEM" --replay "$crash" >/dev/null 2>&1
rc=$?
if [ "$rc" -ne 5 ]; then
    echo "fuzz-seeded: the replay did not crash (exit status $rc)"
    exit 1
fi
exit 0
