#!/bin/sh
# kaal-sim --stop-at (docs/debugging.md "Stopping at a virtual time"): the
# run stops at that virtual time with status 5, lists the threads (names,
# priorities, states) and writes --dump-caps; twice the same; bad times
# are refused with status 64.
set -eu
sim=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

run() {
  set +e
  "$sim" --quiet "$@" </dev/null >"$d/out" 2>&1
  st=$?
  set -e
}
# Stop where client1 makes its first Call (its time taken from a trace):
# client1 runs, the console waits on the endpoint it is about to call.
"$sim" --quiet --trace="$d/trace" </dev/null || fail "trace run"
call=$(grep -m1 -E '^ *[0-9]+\.[0-9]{3} client1 > Call cap 0x2 endpoint@' "$d/trace") || fail "no Call"
us=$(echo "$call" | awk '{ print $1 }')
T=$(echo "$us" | tr -d .)
T=$((T + 0)) # ns, without leading zeros
EP=$(echo "$call" | sed 's/.* \(endpoint@0x[0-9a-f]*\) .*/\1/')
run --stop-at="${T}ns" --dump-caps "$d/caps.dot"
[ "$st" = 5 ] || { cat "$d/out"; fail "status $st, not 5"; }
cp "$d/out" "$d/first"
head -1 "$d/out" | grep -qx "kaal-sim: --stop-at $T ns: the threads" || { cat "$d/out"; fail "no header"; }
for re in "  'client1' tcb@0x[0-9a-f]+ prio 100 running" \
          "  'client2' tcb@0x[0-9a-f]+ prio 100 ready( \(restart\))?" \
          "  'console' tcb@0x[0-9a-f]+ prio 200 blocked on recv $EP" \
          "  'driver' tcb@0x[0-9a-f]+ prio 180 blocked on notification@0x[0-9a-f]+" \
          "  'root' tcb@0x40020000 prio 255 blocked on recv endpoint@0x[0-9a-f]+"; do
  grep -qxE "$re" "$d/out" || { cat "$d/out"; fail "no thread line: $re"; }
done
grep -q "^kaal-sim: --dump-caps $d/caps.dot: [0-9]* live objects" "$d/out" || fail "no --dump-caps"
grep -q "o_tcb_[0-9a-f]*.*client1" "$d/caps.dot" || fail "the dump lacks client1"
grep -qx "kaal-sim: stopped at virtual time $T ns (--stop-at)" "$d/out" || fail "no stop line"
run --stop-at="${T}ns" --dump-caps "$d/caps.dot"
cmp -s "$d/out" "$d/first" || fail "two stops differ"
echo "ok: stops at $T ns (client1's first Call) with the threads, deterministic"

# A time inside a stretch with no kernel entry (root.A spins until its
# slice ends at 5275.7 us): time stops exactly there.
run --stop-at=5ms
[ "$st" = 5 ] || fail "5ms: status $st"
grep -qx "kaal-sim: stopped at virtual time 5000000 ns (--stop-at)" "$d/out" || { cat "$d/out"; fail "5ms"; }
grep -qx "  'root.A' tcb@0x40200000 prio 10 running" "$d/out" || fail "5ms: root.A not running"
# Beyond the end: the system halts as usual (status 0).
run --stop-at=10s
[ "$st" = 0 ] || fail "10s: status $st, not 0"
echo "ok: a stop between entries and one after the end"

for t in 0 5xs -3 ms 1.5ms; do
  run --stop-at="$t"
  [ "$st" = 64 ] || fail "--stop-at=$t: status $st, not 64"
  grep -q "expected a virtual time above 0" "$d/out" || fail "--stop-at=$t: no reason"
done
echo "ok: bad times refused"

# Under gdb in one-process mode (make debug): SIGTRAP at the stop, the
# kernel's state there, and the run goes on to its normal end.
if command -v gdb >/dev/null 2>&1; then
  timeout 120 gdb -q -batch -ex "handle SIGSEGV SIGVTALRM SIGSYS nostop noprint pass" \
    -ex run -ex "print hm.now" -ex "print ks.cur->name" -ex continue \
    --args "$sim" --quiet --one-process --stop-at="${T}ns" </dev/null >"$d/gdb" 2>&1 || true
  for want in "Program received signal SIGTRAP" "hosted_stop_reached ()" "= $T" \
              '= "client1' "exited normally"; do
    grep -qF -- "$want" "$d/gdb" || { tail -20 "$d/gdb"; fail "gdb: no '$want'"; }
  done
  echo "ok: under gdb the stop is a SIGTRAP and the run goes on"
else
  echo "skip: no gdb (the SIGTRAP stop is not checked)"
fi
