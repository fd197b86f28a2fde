#!/bin/sh
# kaal-sim --trace on the demo (docs/debugging.md "A syscall trace"):
# byte-identical in two runs, with known lines (a named thread's Call of
# the console endpoint, the server's wake and reply, a switch, a decoded
# invocation and its error name); the filters keep only what they name;
# bad options end with status 64 and say why.
set -eu
sim=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$1 has: $2"; }

"$sim" --quiet --trace="$d/a.txt" </dev/null || fail "run 1 status $?"
"$sim" --quiet --trace="$d/b.txt" </dev/null || fail "run 2 status $?"
cmp -s "$d/a.txt" "$d/b.txt" || { diff "$d/a.txt" "$d/b.txt" | head; fail "two traces differ"; }
echo "ok: two traces identical ($(wc -l <"$d/a.txt") lines)"

# the default destination is stderr; the console stays on stdout
"$sim" --trace </dev/null >"$d/out.txt" 2>"$d/err.txt" || fail "stderr run status $?"
has "$d/err.txt" "switch root -> root.A"
lacks "$d/out.txt" "switch root"

t=$d/a.txt
# client1's first Call of the console's endpoint, at time T: the lines of
# that entry follow it in this order, and the console's ReplyRecv wakes it.
# (Times and addresses come from the trace, so that a change of the demo
# that keeps its story keeps this test.)
call=$(grep -m1 -E '^ *[0-9]+\.[0-9]{3} client1 > Call cap 0x2 endpoint@0x[0-9a-f]+ badge 0x1 label=0x1 len=6 mr0=' "$t") ||
  fail "no Call of client1"
T=$(echo "$call" | awk '{ print $1 }')
EP=$(echo "$call" | sed 's/.* \(endpoint@0x[0-9a-f]*\) .*/\1/')
pad() { printf '%11s' "$1"; }
n=$(grep -n -m1 -F -- "$call" "$t" | cut -d: -f1)
sed -n "$((n + 1)),$((n + 4))p" "$t" >"$d/after"
printf '%s\n' "$(pad "$T") client1 < Call -> blocked on reply" \
  "$(pad "$T")   client1: ready -> blocked on reply" \
  "$(pad "$T")   console: blocked on recv $EP -> ready" \
  "$(pad "$T") switch client1 -> console" >"$d/want"
diff "$d/want" "$d/after" || fail "the lines after client1's Call differ"
sed -n "$((n + 5)),$((n + 8))p" "$t" >"$d/reply"
grep -qE "^ *[0-9.]+ console > ReplyRecv cap 0x2 $EP label=0x0 len=1 mr0=0x24\$" "$d/reply" ||
  { cat "$d/reply"; fail "no ReplyRecv of the console after the Call"; }
grep -qE "^ *[0-9.]+   client1: blocked on reply -> ready\$" "$d/reply" ||
  { cat "$d/reply"; fail "the ReplyRecv does not wake client1"; }
has "$t" "root > TCB SetName cap 0x1 tcb@0x40020000 len=1 name=\"root\""
has "$t" "root < CNode Copy -> DeleteFirst"
grep -qE "root > Untyped Retype cap 0x[0-9a-f]+ untyped@0x[0-9a-f]+ len=6 caps=1 type=tcb size_bits=0 " "$t" ||
  fail "no decoded Retype of a TCB"
grep -qE "faulter > fault: data VM fault addr 0x30000000 status 0x6 pc 0x[0-9a-f]+\$" "$t" ||
  fail "no fault line"
grep -qE "^ *[0-9.]+ irq 0 \(timer\)\$" "$t" || fail "no timer interrupt"
echo "ok: known lines present"

# The same trace from the other kernel loops: --one-process, and --guard
# (guard_run.c), where a store to an unmapped page reports status 0x4.
"$sim" --quiet --one-process --trace="$d/op.txt" </dev/null || fail "--one-process status $?"
cmp -s "$d/a.txt" "$d/op.txt" || { diff "$d/a.txt" "$d/op.txt" | head; fail "--one-process differs"; }
"$sim" --quiet --guard --trace="$d/g.txt" </dev/null || fail "--guard status $?"
sed 's/addr 0x30000000 status 0x4 /addr 0x30000000 status 0x6 /' "$d/g.txt" >"$d/g6.txt"
cmp -s "$d/a.txt" "$d/g6.txt" || { diff "$d/a.txt" "$d/g6.txt" | head; fail "--guard differs"; }
echo "ok: the same trace with --one-process and --guard"

# filters
"$sim" --quiet --trace="$d/th.txt" --trace-thread=client1 </dev/null || fail "thread filter run"
has "$d/th.txt" "client1 > Call"
has "$d/th.txt" "switch client1 -> console"
# every line names client1, but for the state changes its entries caused
# (the console woken by its Call)
awk '!/client1/ && !/^ *[0-9]+\.[0-9]+   [^ ]+: / { print; bad = 1 } END { exit bad }' \
  "$d/th.txt" >"$d/th.bad" ||
  { head -3 "$d/th.bad"; fail "--trace-thread=client1 printed lines without client1"; }
has "$d/th.txt" "$(pad "$T")   console: blocked on recv $EP -> ready"
lacks "$d/th.txt" "client2 >"
"$sim" --quiet --trace="$d/sy.txt" --trace-syscall=Copy </dev/null || fail "syscall filter run"
has "$d/sy.txt" "root > CNode Copy"
awk '!/ CNode Copy / { print; bad = 1 } END { exit bad }' "$d/sy.txt" >"$d/sy.bad" ||
  { head -3 "$d/sy.bad"; fail "--trace-syscall=Copy printed other lines"; }
"$sim" --quiet --trace="$d/ob.txt" --trace-object="$EP" </dev/null || fail "object filter run"
has "$d/ob.txt" "client2 > Call cap 0x2 $EP"
awk -v ep="$EP" 'index($0, ep) == 0 && !/ < / { print; bad = 1 } END { exit bad }' "$d/ob.txt" >"$d/ob.bad" ||
  { head -3 "$d/ob.bad"; fail "--trace-object printed other entries"; }
"$sim" --quiet --trace="$d/both.txt" --trace-thread=client2 --trace-syscall=Call </dev/null ||
  fail "two filters run"
[ "$(grep -c ' > ' "$d/both.txt")" = "$(grep -c 'client2 > Call' "$d/both.txt")" ] ||
  fail "--trace-thread with --trace-syscall printed other entries"
echo "ok: filters"

# bad options: status 64 and the reason
bad() {
  want=$1; shift
  set +e
  "$sim" --quiet "$@" </dev/null >"$d/bad.out" 2>&1
  st=$?
  set -e
  [ "$st" = 64 ] || fail "$* gave status $st, not 64"
  grep -qF -- "$want" "$d/bad.out" || { cat "$d/bad.out"; fail "$*: no '$want'"; }
}
bad "--trace-syscall: unknown name" --trace --trace-syscall=Frobnicate
bad "--trace-object: unknown object type" --trace --trace-object=gadget@0x1000
bad "--trace-object: the address after '@' must be hexadecimal" --trace --trace-object=endpoint@12
bad "--trace-thread: a thread name of 1 to 15 bytes" --trace --trace-thread=
bad "--trace-thread: a thread name of 1 to 15 bytes" --trace --trace-thread=a-name-far-too-long
bad "give --trace too" --trace-thread=root
bad "--trace=: a file name must follow" --trace=
echo "ok: bad options rejected"
