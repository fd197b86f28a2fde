#!/bin/sh
# The seeded-bug benchmark of whole-system fuzzing (docs/fuzzing.md,
# "The seeded bug"), run by `make fuzz-seeded` and, with a seed and budget
# of its own, by the test fuzz-system-finds-seeded (suite fuzz). Its
# verdict is a number of executions, never a time.
#
#   scripts/fuzz-seeded.sh FUZZ-BUILD KAAL-SIM-BUILD
#
# The console server with fuzz/seeded/console.patch applied (a copy in the
# build folder: FUZZ-BUILD/fuzz/console-seeded-fuzz.cpio) crashes only
# after two messages: label 7 with MR0 = 0x2a, then a CONSOLE_WRITE of 5
# bytes. fuzz_system runs from the seed corpus fuzz/corpus-system with a
# fixed seed (FUZZ_SEED, default 1) for at most FUZZ_RUNS executions
# (default 1000000), inputs up to FUZZ_MAX_LEN bytes (default 64), with
# its structure-aware mutator (fuzz/fuzz_system_mutate.c), and without
# the two libFuzzer features that feed it the kernel side's comparisons
# (-use_value_profile, -use_cmp): those compare host addresses (the
# kernel stack, the RAM mapping), whose values differ from run to run even
# without address randomization, which is off too (setarch -R). The same
# seed is then the same run, execution for execution; the user programs'
# comparisons still reach the mutator, through its pool. FUZZ_FLAGS: more
# libFuzzer flags (a later flag wins, e.g. FUZZ_FLAGS=-use_cmp=1). FUZZ_SECONDS
# (default 600; 0: none) only bounds the wall time, it is not the measure.
# Prints the execution that found the crash (fuzz_system counts them), the
# console server's coverage over the run, and replays the crash with
# KAAL-SIM-BUILD/sim/kaal-sim --replay, which must report it (exit status
# 5). Output in FUZZ_SEEDED_OUT (default FUZZ-BUILD/fuzz/seeded).
# Exits 0 if found and replayed, 1 if not found within the budget.
set -u
cd "$(dirname "$0")/.."
B=$1
H=$2
SEED=${FUZZ_SEED:-1}
RUNS=${FUZZ_RUNS:-1000000}
SECS=${FUZZ_SECONDS:-600}
SYSTEM="$B/fuzz/console-seeded-fuzz.cpio"
OUT=${FUZZ_SEEDED_OUT:-$B/fuzz/seeded}
for f in "$B/fuzz/fuzz_system" "$SYSTEM" "$H/sim/kaal-sim"; do
    if [ ! -f "$f" ]; then
        echo "fuzz-seeded: $f: no such file (make build-fuzz build-hosted)" >&2
        exit 1
    fi
done
rm -rf "$OUT"
mkdir -p "$OUT/work"
echo "fuzz-seeded: $SYSTEM, seed $SEED, at most $RUNS executions ..."
KAAL_FUZZ_SYSTEM="$SYSTEM" KAAL_FUZZ_RAM_MIB=16 setarch "$(uname -m)" -R "$B/fuzz/fuzz_system" \
    -seed="$SEED" -runs="$RUNS" -max_total_time="$SECS" -max_len="${FUZZ_MAX_LEN:-64}" -use_cmp=0 ${FUZZ_FLAGS:-} \
    -print_final_stats=1 -artifact_prefix="$OUT/" "$OUT/work" fuzz/corpus-system \
    >"$OUT/fuzz.log" 2>&1
crash=$(sed -n 's/^.*Test unit written to \(.*\)$/\1/p' "$OUT/fuzz.log" | head -1)
grep '^fuzz_system: .*coverage' "$OUT/fuzz.log" | sed 's/^fuzz_system/fuzz-seeded/'
if [ -z "$crash" ]; then
    last=$(grep -o '^#[0-9][0-9]*' "$OUT/fuzz.log" | tail -1)
    echo "fuzz-seeded: NOT FOUND within ${last:-?} executions (log: $OUT/fuzz.log)"
    exit 1
fi
execs=$(sed -n 's/^fuzz_system: CRASH in execution \([0-9]*\),.*/\1/p' "$OUT/fuzz.log" | head -1)
echo "fuzz-seeded: found in execution ${execs:-?} (seed $SEED)"
grep '^fuzz_system: CRASH' "$OUT/fuzz.log" | head -1 | sed 's/^fuzz_system/fuzz-seeded/'
echo "fuzz-seeded: replay: $H/sim/kaal-sim --ram 16 --module $SYSTEM --replay $crash"
rc=0
"$H/sim/kaal-sim" --quiet --ram 16 --module "$SYSTEM" --replay "$crash" >"$OUT/replay.log" 2>&1 || rc=$?
tail -1 "$OUT/replay.log"
if [ "$rc" -ne 5 ] || ! grep -q "user fault in program console" "$OUT/replay.log"; then
    echo "fuzz-seeded: the replay did not report the console's fault (exit status $rc)"
    exit 1
fi
exit 0
