#!/bin/sh
# kaal-sim --timeline on the demo (docs/debugging.md "A timeline"): the
# checker passes it, two runs give identical files, it holds the thread
# names and a flow from client1 to the console server; the checker
# rejects broken files with the event's line and the reason.
set -eu
sim=$1
check=$2
bad_dir=$3
svg=$4
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$sim" --quiet --timeline "$d/a.json" </dev/null || fail "run 1 status $?"
"$sim" --quiet --timeline="$d/b.json" </dev/null || fail "run 2 status $?"
python3 "$check" "$d/a.json" || fail "the checker rejects the demo's timeline"
cmp -s "$d/a.json" "$d/b.json" || fail "two timelines differ"
echo "ok: valid, and identical in two runs"

python3 - "$d/a.json" <<'PY' || fail "known events missing"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
for want in ("root", "root.A", "root.B", "console", "driver", "client1", "client2", "faulter",
             "interrupts"):
    assert want in names.values(), "no thread_name metadata for %s" % want
tid = {v: k for k, v in names.items()}
starts = {e["id"]: e for e in ev if e["ph"] == "s"}
pairs = [(starts[e["id"]], e) for e in ev if e["ph"] == "f"]
def flow(src, dst, name):
    return any(s["tid"] == tid[src] and f["tid"] == tid[dst] and s["name"] == name
               for s, f in pairs)
assert flow("client1", "console", "IPC"), "no IPC flow client1 -> console"
assert flow("console", "client1", "reply"), "no reply flow console -> client1"
assert flow("root.B", "root", "signal"), "no signal flow root.B -> root"
assert flow("faulter", "root", "fault"), "no fault flow faulter -> root"
assert any(e["ph"] == "i" and e["name"] == "VM fault" and e["tid"] == tid["faulter"] for e in ev)
assert any(e["ph"] == "i" and e["name"] == "timer" and e["tid"] == tid["interrupts"] for e in ev)
import re
assert any(e["ph"] == "B" and e["tid"] == tid["console"] and
           re.fullmatch(r"blocked on recv endpoint@0x[0-9a-f]+", e["name"]) for e in ev)
print("ok: thread names, IPC, reply, signal and fault flows, instants, blocked slices")
PY

# The SVG picture of it: well-formed, a row per named thread, slices and
# arrows; a file that is no timeline is refused with the reason.
python3 "$svg" --first IPC --span 11 "$d/a.json" "$d/a.svg" || fail "timeline-svg.py failed"
python3 - "$d/a.svg" <<'PY' || fail "the SVG lacks what it should show"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
texts = [t.text for t in root.iter(ns + "text")]
for want in ("client1", "console", "driver", "faulter", "running", "blocked on reply"):
    assert want in texts, "no label %s" % want
rects = [r for r in root.iter(ns + "rect") if r.find(ns + "title") is not None]
arrows = [l for l in root.iter(ns + "line") if l.get("marker-end")]
assert len(rects) > 20 and len(arrows) > 5, (len(rects), len(arrows))
print("ok: the SVG has %d slices and %d arrows" % (len(rects), len(arrows)))
PY
echo '[{"ph":"B"' >"$d/broken.json"
if python3 "$svg" "$d/broken.json" "$d/b.svg" 2>"$d/err"; then fail "timeline-svg.py drew a broken file"; fi
grep -q "broken.json: cannot read the timeline" "$d/err" || { cat "$d/err"; fail "no reason"; }
if python3 "$svg" --first NoSuchEvent "$d/a.json" "$d/b.svg" 2>"$d/err"; then
  fail "timeline-svg.py drew a window around no event"
fi
grep -q "no event called 'NoSuchEvent'" "$d/err" || { cat "$d/err"; fail "no reason for --first"; }

# the checker on hand-made files: each broken one rejected with its reason
expect() {
  file=$bad_dir/$1; want=$2
  set +e
  python3 "$check" "$file" >"$d/out" 2>&1
  st=$?
  set -e
  [ "$st" = 1 ] || { cat "$d/out"; fail "$1: status $st, not 1"; }
  grep -qF -- "$want" "$d/out" || { cat "$d/out"; fail "$1: no '$want'"; }
}
expect unmatched_e.json "unmatched_e.json:4: event 2: E with no open B on track pid 1 tid 2"
expect unclosed_b.json "unclosed_b.json:2: event 0: B 'running' at ts 1.0 on track pid 1 tid 2 is never ended"
expect unpaired_flow.json "unpaired_flow.json:3: event 1: flow id 7 starts (s) but never finishes"
expect flow_without_start.json "flow_without_start.json:2: event 0: flow f with id 3 has no open start"
expect missing_ts.json "missing_ts.json:3: event 1: phase i: missing 'ts'"
expect e_before_b.json "e_before_b.json:3: event 1: E at ts 4.0 before its B (event 0)"
expect bad_json.json "bad_json.json:3:36: not valid JSON"
expect missing_name.json "missing_name.json:2: event 0: phase X: missing or non-string 'name'"
expect bad_metadata.json "bad_metadata.json:2: event 0: phase M thread_name: 'args' must hold 'name'"
python3 "$check" "$bad_dir/good.json" >/dev/null || fail "the checker rejects good.json"
echo "ok: the checker rejects broken files with a location and a reason"
