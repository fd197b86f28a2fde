#!/bin/sh
# The user clock on kaal-sim (kaal/clock.h; tests/user/progs/clock_test.c):
#   clock.sh SIM ARCHIVE
# The clock test system must pass (status 0, "clock: PASS"), print its
# clock lines, and print byte-identical output in two default runs and
# under --one-process and --guard: the clock page holds virtual time, the
# same in every mode and every run.
set -u
sim=$1; archive=$2
ref=$("$sim" --module "$archive" 2>&1 </dev/null); st=$?
echo "$ref"
fail=0
[ "$st" = 0 ] || { echo "FAIL: exit status $st"; fail=1; }
for want in 'clock: 1000000000 Hz; start ' 'clock: Yield: ' 'clock: slept 1000000 ns: ' \
            'clock: slept 5000000 ns: ' 'clock: PASS'; do
  echo "$ref" | grep -q -F -- "$want" || { echo "FAIL: no line '$want'"; fail=1; }
done
for mode in "" --one-process --guard; do
  out=$("$sim" $mode --module "$archive" 2>&1 </dev/null); st=$?
  if [ "$st" != 0 ] || [ "$out" != "$ref" ]; then
    echo "FAIL: another run${mode:+ with $mode} (status $st) printed:"
    echo "$out" | grep '^clock:'
    fail=1
  fi
done
[ $fail = 0 ] && echo "ok: the same clock values in every run and mode"
exit $fail
