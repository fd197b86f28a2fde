#!/bin/sh
# kaal-sim runs the demo system to its end: exit status 0 and every line
# of the expected file present in the output, in order. Arguments after
# the expected file go to kaal-sim (e.g. --check-invariants, --guard).
set -eu
sim=$1
expected=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$sim" "$@" >"$out" 2>&1 </dev/null || status=$?
if [ "$status" != 0 ]; then
  cat "$out"
  echo "FAIL: kaal-sim exited with status $status"
  exit 1
fi
# Each expected line must appear, in this order.
python3 - "$out" "$expected" <<'PY'
import sys
out = open(sys.argv[1]).read().splitlines()
want = [l for l in open(sys.argv[2]).read().splitlines() if l and not l.startswith('#')]
i = 0
for w in want:
    while i < len(out) and w not in out[i]:
        i += 1
    if i == len(out):
        print("\n".join(out))
        print(f"FAIL: expected line not found (in order): {w!r}")
        sys.exit(1)
    i += 1
print(f"ok: {len(want)} expected lines found")
PY
