#!/usr/bin/env python3
"""Check a Trace Event Format file (kaal-sim --timeline; docs/debugging.md).

Checks the rules of the published format (Chrome's "Trace Event Format"
document, as Perfetto and chrome://tracing read it) that a viewer relies on:

  - the file is JSON: an array of events, or an object whose "traceEvents"
    is one ("displayTimeUnit", if present, is "ms" or "ns");
  - every event is an object with a known phase "ph" and the fields that
    phase needs: "pid" and "tid" integers; "ts" a number (all but M);
    "name" a string (all but E); "dur" >= 0 for X; "id" for the flow
    phases s, t, f; "s" in g/p/t for instants; "bp" only "e"; M events name
    process_name, process_labels, process_sort_index, thread_name or
    thread_sort_index with the matching "args";
  - B and E events nest per (pid, tid): every E closes an open B, with ts
    not earlier than its B, and no B stays open at the end; the B/E events
    of one track come in timestamp order;
  - flow events pair per id: one s first, then any t, then one f, with
    timestamps not going back.

Every complaint names the file, the event (its index in traceEvents and the
line it starts on) and the reason, and the exit status is 1; 0 when the
file passes (it then prints a summary). Standard library only.

usage: timeline-check.py FILE.json
"""
import json
import sys

PHASES = set("BEXiIsCbnetfPOND") | {"M", "(", ")", "R", "c", "S", "T", "p", "F"}
NEEDS_NAME = set("BXiIstfCbneM") | {"S", "T", "F", "N", "O", "D", "P", "R"}
META_NAMES = {
    "process_name": "name",
    "process_labels": "labels",
    "process_sort_index": "sort_index",
    "thread_name": "name",
    "thread_sort_index": "sort_index",
}


class Bad(Exception):
    pass


def event_lines(text):
    """The line each event of the traceEvents array starts on (or None)."""
    dec = json.JSONDecoder()
    key = text.find('"traceEvents"')
    start = text.find("[", key if key >= 0 else 0)
    if start < 0:
        return None
    lines = []
    pos = start + 1
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            break
        try:
            _, end = dec.raw_decode(text, pos)
        except ValueError:
            return None
        lines.append(text.count("\n", 0, pos) + 1)
        pos = end
    return lines


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return (isinstance(v, (int, float))) and not isinstance(v, bool)


def check_event(e):
    """Raise Bad for a field rule the event breaks."""
    if not isinstance(e, dict):
        raise Bad("an event must be a JSON object")
    ph = e.get("ph")
    if not isinstance(ph, str) or ph not in PHASES:
        raise Bad("missing or unknown phase 'ph' (%r)" % (ph,))
    for f in ("pid", "tid"):
        if f not in e:
            raise Bad("phase %s: missing '%s'" % (ph, f))
        if not is_int(e[f]):
            raise Bad("phase %s: '%s' must be an integer" % (ph, f))
    if ph != "M":
        if "ts" not in e:
            raise Bad("phase %s: missing 'ts'" % ph)
        if not is_num(e["ts"]):
            raise Bad("phase %s: 'ts' must be a number" % ph)
    elif "ts" in e and not is_num(e["ts"]):
        raise Bad("phase M: 'ts' must be a number")
    if ph in NEEDS_NAME and not isinstance(e.get("name"), str):
        raise Bad("phase %s: missing or non-string 'name'" % ph)
    if "cat" in e and not isinstance(e["cat"], str):
        raise Bad("phase %s: 'cat' must be a string" % ph)
    if "args" in e and not isinstance(e["args"], dict):
        raise Bad("phase %s: 'args' must be an object" % ph)
    if ph == "X":
        if "dur" not in e or not is_num(e["dur"]) or e["dur"] < 0:
            raise Bad("phase X: 'dur' must be a number >= 0")
    if ph in ("i", "I") and "s" in e and e["s"] not in ("g", "p", "t"):
        raise Bad("phase %s: scope 's' must be g, p or t" % ph)
    if ph in ("s", "t", "f"):
        if "id" not in e or not (is_int(e["id"]) or isinstance(e["id"], str)):
            raise Bad("flow phase %s: missing 'id' (an integer or string)" % ph)
    if "bp" in e and (ph not in ("s", "t", "f") or e["bp"] != "e"):
        raise Bad("'bp' is for flow events only and must be \"e\"")
    if ph == "M":
        name = e.get("name")
        if name not in META_NAMES:
            raise Bad("phase M: unknown metadata name %r" % (name,))
        args = e.get("args")
        want = META_NAMES[name]
        if not isinstance(args, dict) or want not in args:
            raise Bad("phase M %s: 'args' must hold '%s'" % (name, want))
        if want == "sort_index" and not is_int(args[want]):
            raise Bad("phase M %s: sort_index must be an integer" % name)
        if want == "name" and not isinstance(args[want], str):
            raise Bad("phase M %s: name must be a string" % name)


def check(path):
    """Return (list of complaint strings, summary)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as err:
        return ["%s: cannot read: %s" % (path, err)], None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        return ["%s:%d:%d: not valid JSON: %s" % (path, err.lineno, err.colno, err.msg)], None
    if isinstance(doc, dict):
        events = doc.get("traceEvents")
        if not isinstance(events, list):
            return ["%s:1: the top-level object has no 'traceEvents' array" % path], None
        unit = doc.get("displayTimeUnit")
        if unit is not None and unit not in ("ms", "ns"):
            return ["%s:1: displayTimeUnit must be \"ms\" or \"ns\"" % path], None
    elif isinstance(doc, list):
        events = doc
    else:
        return ["%s:1: the top level must be an array or an object" % path], None
    lines = event_lines(text) if isinstance(doc, dict) else None
    if lines is not None and len(lines) != len(events):
        lines = None

    def where(i):
        if lines is not None:
            return "%s:%d: event %d" % (path, lines[i], i)
        return "%s: event %d" % (path, i)

    errors = []
    stacks = {}   # (pid, tid) -> [(index, ts, name)]
    last_be = {}  # (pid, tid) -> ts of the last B/E
    flows = {}    # id -> {"state": "open"/"done", "ts": ts, "index": i}
    counts = {}
    for i, e in enumerate(events):
        try:
            check_event(e)
        except Bad as b:
            errors.append("%s: %s" % (where(i), b))
            continue
        ph = e["ph"]
        counts[ph] = counts.get(ph, 0) + 1
        track = (e["pid"], e["tid"])
        if ph in ("B", "E"):
            ts = e["ts"]
            if track in last_be and ts < last_be[track]:
                errors.append("%s: %s at ts %s goes back in time on track pid %d tid %d "
                              "(last B/E at %s)" % (where(i), ph, ts, track[0], track[1],
                                                    last_be[track]))
            last_be[track] = ts
            st = stacks.setdefault(track, [])
            if ph == "B":
                st.append((i, ts, e["name"]))
            elif not st:
                errors.append("%s: E with no open B on track pid %d tid %d" %
                              (where(i), track[0], track[1]))
            else:
                bi, bts, _ = st.pop()
                if ts < bts:
                    errors.append("%s: E at ts %s before its B (event %d) at ts %s" %
                                  (where(i), ts, bi, bts))
        elif ph in ("s", "t", "f"):
            fid = (e.get("cat"), e["id"])
            fl = flows.get(fid)
            if ph == "s":
                if fl is not None and fl["state"] == "open":
                    errors.append("%s: flow id %r starts again before it finished (start "
                                  "at event %d)" % (where(i), e["id"], fl["index"]))
                flows[fid] = {"state": "open", "ts": e["ts"], "index": i}
            elif fl is None or fl["state"] != "open":
                errors.append("%s: flow %s with id %r has no open start (s)" %
                              (where(i), ph, e["id"]))
            else:
                if e["ts"] < fl["ts"]:
                    errors.append("%s: flow %s with id %r at ts %s is earlier than its "
                                  "previous step at ts %s" % (where(i), ph, e["id"], e["ts"],
                                                               fl["ts"]))
                fl["ts"] = e["ts"]
                if ph == "f":
                    fl["state"] = "done"
    for track, st in sorted(stacks.items()):
        for bi, bts, name in st:
            errors.append("%s: B %r at ts %s on track pid %d tid %d is never ended (no E)" %
                          (where(bi), name, bts, track[0], track[1]))
    for fid, fl in sorted(flows.items(), key=lambda kv: kv[1]["index"]):
        if fl["state"] == "open":
            errors.append("%s: flow id %r starts (s) but never finishes (no f)" %
                          (where(fl["index"]), fid[1]))
    summary = "%s: %d events (%s), %d tracks, %d flows: ok" % (
        path, len(events), " ".join("%s=%d" % kv for kv in sorted(counts.items())),
        len(stacks), len(flows))
    return errors, summary


def main(argv):
    if len(argv) != 2:
        print("usage: timeline-check.py FILE.json", file=sys.stderr)
        return 2
    errors, summary = check(argv[1])
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
