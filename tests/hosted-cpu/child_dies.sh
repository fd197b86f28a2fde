#!/bin/sh
# A host process of an address space dies, or the original does
# (child_dies.c; hal/hosted/turn.c, docs/hosted-handoff.md "No deadlock when
# a process dies"):
#  1. SIGKILL to the child that runs the spinning thread: kaal-sim must say
#     that this process died and die of SIGKILL itself (status 137);
#  2. SIGKILL to kaal-sim: its children must go too (PR_SET_PDEATHSIG).
# A hang is a failure: each phase gives up after 60 s (a guard against a
# wedged run, not a timing verdict: a working kaal-sim ends at once).
set -u
sim=$1; prog=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -s "$tmp/out" ] && sed 's/^/  | /' "$tmp/out"; exit 1; }

# The child process of kaal-sim $1 (it forks one when the thread first runs).
child_of() {
    i=0
    while [ $i -lt 600 ]; do
        c=$(pgrep -P "$1" | head -n 1)
        [ -n "$c" ] && { echo "$c"; return 0; }
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

# 1. The child dies.
"$sim" --root "$prog" --no-module >"$tmp/out" 2>&1 </dev/null &
pid=$!
child=$(child_of $pid) || { kill -KILL $pid 2>/dev/null; fail "kaal-sim made no child process"; }
sleep 0.2 # let the thread spin: the original is asleep, waiting for its turn
kill -KILL "$child"
( sleep 60; kill -KILL $pid ) >/dev/null 2>&1 & guard=$!
wait $pid; st=$?
pkill -P $guard 2>/dev/null; kill $guard 2>/dev/null
cat "$tmp/out"
grep -qxF "child-dies: the thread spins in its own address space" "$tmp/out" ||
    fail "the root task did not get as far as starting the thread"
grep -qxF "kaal-sim: the host process $child of an address space died (Killed)" "$tmp/out" ||
    fail "kaal-sim did not report its dead child $child (status $st)"
[ "$st" = 137 ] || fail "exit status $st, expected 137 (killed by SIGKILL, as its child)"
pgrep -P $pid >/dev/null && fail "kaal-sim left a child behind"

# 2. kaal-sim (the original process) dies.
"$sim" --root "$prog" --no-module >"$tmp/out" 2>&1 </dev/null &
pid=$!
child=$(child_of $pid) || { kill -KILL $pid 2>/dev/null; fail "kaal-sim made no child process"; }
kill -KILL $pid
wait $pid 2>/dev/null
i=0
while kill -0 "$child" 2>/dev/null; do
    [ $i -lt 600 ] || { kill -KILL "$child"; fail "the child $child outlived kaal-sim by 60 s"; }
    sleep 0.1; i=$((i + 1))
done
echo "ok: the original noticed its dead child; a dead original took its child along"
