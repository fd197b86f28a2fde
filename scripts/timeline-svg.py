#!/usr/bin/env python3
"""Draw a Trace Event Format timeline (kaal-sim --timeline) as SVG.

One row per thread (named by its thread_name metadata, in thread_sort_index
order), its B/E and X slices as bars coloured by state (running, ready,
blocked on a receive, a reply or a notification), instant events as ticks
(faults red, interrupts on their own row), and each flow (s -> f) as an
arrow from the sender's row to the receiver's. Standard library only, so
docs can show a run without a browser (make timeline-picture).

usage: timeline-svg.py [--from US] [--to US] [--first NAME] [--span US]
                       [--width PX] [--title TEXT] IN.json OUT.svg

--from/--to pick a window of virtual time in microseconds (default: all);
--first NAME starts the window 1 us before the first event called NAME
(a flow "IPC", an instant "VM fault"), and --span US makes it US long, so
a picture follows its system when the system's times change.
A file the checker (timeline-check.py) would reject may draw wrongly: check
it first. Errors name the file and the reason; exit status 1.
"""
import argparse
import json
import sys
from xml.sax.saxutils import escape

ROW = 22
BAR = 14
LEFT = 150
TOP = 40

COLOURS = [
    ("running", "#2e9e44", "running"),
    ("ready", "#f2d15c", "ready"),
    ("blocked on recv", "#7aa6d8", "blocked on receive"),
    ("blocked on send", "#b58fd8", "blocked on send"),
    ("blocked on reply", "#4a6fb0", "blocked on reply"),
    ("blocked on notification", "#d89a4a", "blocked on notification"),
]


def colour(name):
    for prefix, c, _ in COLOURS:
        if name.startswith(prefix):
            return c
    return "#bbbbbb"


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as err:
        raise SystemExit("%s: cannot read the timeline: %s" % (path, err))
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        raise SystemExit("%s: no traceEvents array" % path)
    return events


def build(events):
    names, order = {}, {}
    slices, instants, flows = [], [], {}
    open_b = {}
    tracks = set()
    for e in events:
        if not isinstance(e, dict):
            continue
        ph, key = e.get("ph"), (e.get("pid"), e.get("tid"))
        if ph == "M":
            args = e.get("args", {})
            if e.get("name") == "thread_name":
                names[key] = args.get("name", "")
            elif e.get("name") == "thread_sort_index":
                order[key] = args.get("sort_index", 0)
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)):
            continue
        tracks.add(key)
        if ph == "B":
            open_b.setdefault(key, []).append((ts, e.get("name", "")))
        elif ph == "E" and open_b.get(key):
            t0, name = open_b[key].pop()
            slices.append((key, t0, ts, name))
        elif ph == "X":
            slices.append((key, ts, ts + e.get("dur", 0), e.get("name", "")))
        elif ph in ("i", "I"):
            instants.append((key, ts, e.get("name", "")))
        elif ph == "s":
            flows[(e.get("cat"), e.get("id"))] = [key, ts, None, None, e.get("name", "")]
        elif ph == "f":
            fl = flows.get((e.get("cat"), e.get("id")))
            if fl is not None:
                fl[2], fl[3] = key, ts
    rows = sorted(tracks | set(names), key=lambda k: (order.get(k, 0), k[0] or 0, k[1] or 0))
    return rows, names, slices, instants, [f for f in flows.values() if f[2] is not None]


def first_event(events, name):
    """ts of the first event called name (SystemExit if there is none)."""
    for e in events:
        if isinstance(e, dict) and e.get("name") == name and isinstance(e.get("ts"), (int, float)):
            return e["ts"]
    raise SystemExit("no event called %r" % name)


def render(events, t_from, t_to, width, title):
    rows, names, slices, instants, flows = build(events)
    times = [s[1] for s in slices] + [s[2] for s in slices] + [i[1] for i in instants]
    if not times:
        raise SystemExit("the timeline has no slices or instants to draw")
    lo = t_from if t_from is not None else min(times)
    hi = t_to if t_to is not None else max(times)
    if hi <= lo:
        raise SystemExit("--to must be after --from (and the window must hold events)")
    plot = width - LEFT - 20
    height = TOP + ROW * len(rows) + 70
    y_of = {k: TOP + ROW * i for i, k in enumerate(rows)}

    def x(t):
        t = min(max(t, lo), hi)
        return LEFT + (t - lo) * plot / (hi - lo)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width, height),
           '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" '
           'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#222"/></marker></defs>',
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="13" font-weight="bold">%s</text>' %
           (LEFT, escape(title))]
    for k in rows:
        y = y_of[k]
        label = names.get(k, "tid %s" % (k[1],))
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' %
                   (LEFT - 6, y + BAR - 3, escape(label)))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#eee"/>' %
                   (LEFT, y + BAR / 2, LEFT + plot, y + BAR / 2))
    for key, t0, t1, name in slices:
        if t1 < lo or t0 > hi or key not in y_of:
            continue
        x0, x1 = x(t0), x(t1)
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s">'
                   '<title>%s: %s (%.3f-%.3f us)</title></rect>' %
                   (x0, y_of[key], max(x1 - x0, 0.6), BAR, colour(name),
                    escape(names.get(key, "")), escape(name), t0, t1))
    for key, ts, name in instants:
        if ts < lo or ts > hi or key not in y_of:
            continue
        c = "#d62728" if "fault" in name or "exception" in name else "#444"
        xx = x(ts)
        out.append('<path d="M%.1f,%d l-4,-6 h8 z" fill="%s"><title>%s at %.3f us</title>'
                   '</path>' % (xx, y_of[key] + 2, c, escape(name), ts))
    for src, t0, dst, t1, name in flows:
        if t1 < lo or t0 > hi or src not in y_of or dst not in y_of:
            continue
        y0, y1 = y_of[src] + BAR / 2, y_of[dst] + BAR / 2
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#222" '
                   'stroke-width="0.8" marker-end="url(#arrow)"><title>%s</title></line>' %
                   (x(t0), y0, x(t1), y1, escape(name)))
    axis_y = TOP + ROW * len(rows) + 6
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444"/>' %
               (LEFT, axis_y, LEFT + plot, axis_y))
    for i in range(6):
        t = lo + (hi - lo) * i / 5
        xx = x(t)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#444"/>' %
                   (xx, axis_y, xx, axis_y + 4))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%.1f us</text>' %
                   (xx, axis_y + 16, t))
    lx = LEFT
    ly = axis_y + 36
    for _, c, label in COLOURS:
        out.append('<rect x="%d" y="%d" width="12" height="10" fill="%s"/>' % (lx, ly - 9, c))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, ly, escape(label)))
        lx += 30 + 6 * len(label)
    out.append('<text x="%d" y="%d">arrow: a message or signal, sender to receiver; '
               'triangle: an instant (red: a fault)</text>' % (LEFT, ly + 16))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--from", dest="t_from", type=float, help="window start (us)")
    p.add_argument("--to", dest="t_to", type=float, help="window end (us)")
    p.add_argument("--first", help="start 1 us before the first event of this name")
    p.add_argument("--span", type=float, help="window length (us), from --from or --first")
    p.add_argument("--width", type=int, default=1000)
    p.add_argument("--title", default="KaaL timeline (virtual time)")
    p.add_argument("input")
    p.add_argument("output")
    a = p.parse_args(argv[1:])
    try:
        events = load(a.input)
        t_from, t_to = a.t_from, a.t_to
        if a.first is not None:
            t_from = first_event(events, a.first) - 1.0
        if a.span is not None:
            if t_from is None:
                raise SystemExit("--span needs --from or --first")
            t_to = t_from + a.span
        svg = render(events, t_from, t_to, a.width, a.title)
    except SystemExit as err:
        print("timeline-svg.py: %s" % err, file=sys.stderr)
        return 1
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(svg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
