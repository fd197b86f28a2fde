#!/bin/bash
# Chapter 11's bugs are found by the tools the page says (test
# tutorial/ch11-tools, hosted build): run on the exercise as given and on
# the solution,
#   1. kaal-sim --trace shows the exercise's CNode Mint failing with
#      DeleteFirst, and the solution's succeeding;
#   2. kaal-sim --timeline (checked by scripts/timeline-check.py) has no
#      'running' slice of the thread 'worker' in the exercise (it never
#      runs: the root task's wait does not block), and has one in the
#      solution;
#   3. gdb with tools/gdb/kaal.py and watch.gdb stops at the exercise's
#      write of a sum (105) into the count, in record() (skipped without gdb).
#
#   tools.sh SRC KAAL-SIM EXERCISE.ELF SOLUTION.ELF WORKDIR
#   tools.sh --qemu SRC QEMU KERNEL.ELF WORKDIR     step 3 only: gdb-multiarch
#       on QEMU's gdb stub (on a pipe), the exercise as the image's root
#       task (test tutorial/ch11-tools-qemu, arm64 build; skipped without
#       gdb-multiarch)
set -u
# The stops of the watch of watch.gdb, from gdb's output $1: the write of
# 105 into the count must be one, in record().
watch_found() {
    grep -E 'changed|^#0' "$1" | tee "$1.stops"
    grep -A1 'root:history\[4\] changed: 0x4 -> 0x69' "$1.stops" | grep -q 'in record (sum=sum@entry=105)' ||
        { cat "$1"; echo "FAIL: gdb's watch does not stop at record()'s write of 105 into the count"; return 1; }
}
if [ "$1" = --qemu ]; then
    src=$2 qemu=$3 kernel=$4 work=$5
    command -v gdb-multiarch >/dev/null || exit 77
    rm -rf "$work" && mkdir -p "$work"
    timeout 240 gdb-multiarch -nx -batch -ex "file $kernel" -x "$src/tools/gdb/kaal.py" \
        -x "$src/tutorial/ch11-debug/watch.gdb" -ex "target remote | $qemu -M virt,gic-version=2 \
-cpu cortex-a72 -m 512M -nic none -semihosting -icount shift=0,align=off,sleep=off -kernel $kernel \
-display none -monitor none -serial file:$work/console -gdb stdio -S" -ex continue \
        </dev/null >"$work/gdb.out" 2>&1
    watch_found "$work/gdb.out"
    exit $?
fi
src=$1 sim=$2 ex=$3 so=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
fail=0
run() { "$sim" --quiet --no-module --root "$@" </dev/null; }

run "$ex" --trace="$work/ex.trace"
run "$so" --trace="$work/so.trace"
grep -q 'root < CNode Mint -> DeleteFirst' "$work/ex.trace" ||
    { echo "FAIL: the exercise's trace has no failed CNode Mint (DeleteFirst)"; fail=1; }
grep -q 'root < CNode Mint -> NoError' "$work/so.trace" ||
    { echo "FAIL: the solution's trace has no CNode Mint that succeeded"; fail=1; }
grep 'CNode Mint' "$work/ex.trace" "$work/so.trace"

for v in ex so; do
    elf=$ex; [ $v = so ] && elf=$so
    run "$elf" --timeline "$work/$v.json"
    python3 "$src/scripts/timeline-check.py" "$work/$v.json" || fail=1
done
worker_ran() { # file: does the thread 'worker' ever run?
    python3 - "$1" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
tid = {e["args"]["name"]: e["tid"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}
ran = [e["ts"] for e in ev if e.get("ph") == "B" and e.get("tid") == tid.get("worker") and e.get("name") == "running"]
print(f"{sys.argv[1]}: worker running at {ran[:3]} us")
sys.exit(0 if ran else 1)
PY
}
worker_ran "$work/ex.json" && { echo "FAIL: the worker runs in the exercise's timeline"; fail=1; }
worker_ran "$work/so.json" || { echo "FAIL: the worker never runs in the solution's timeline"; fail=1; }

if command -v gdb >/dev/null; then
    timeout 240 gdb -nx -batch -x "$src/tools/gdb/kaal.py" -x "$src/tutorial/ch11-debug/watch.gdb" \
        -ex run --args "$sim" --quiet --one-process --no-module --root "$ex" </dev/null >"$work/gdb.out" 2>&1
    watch_found "$work/gdb.out" || fail=1
else
    echo "gdb not installed: the watch part is not checked"
fi
exit $fail
