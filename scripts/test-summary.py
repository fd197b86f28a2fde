#!/usr/bin/env python3
"""Total every suite of `make test` into one line: `N passed, N failed`.

Reads meson's testlog.json of each build folder given. A TAP test counts
each `ok` / `not ok` line (Criterion cases); any other test counts once by
its result. A TAP test whose process failed with all cases passing (a crash
after the last case) counts one more failure.
"""
import json
import sys

passed = failed = skipped = 0
for log in sys.argv[1:]:
    try:
        lines = open(log, encoding="utf-8").read().splitlines()
    except OSError:
        print(f"test-summary: no test log {log}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        ok = sum(1 for l in out.splitlines() if l.startswith("ok "))
        bad = sum(1 for l in out.splitlines() if l.startswith("not ok "))
        result = t.get("result")
        good_result = result in ("OK", "EXPECTEDFAIL")
        if ok or bad:
            passed += ok
            failed += bad
            if not good_result and bad == 0:
                failed += 1
        elif result == "SKIP":
            skipped += 1
        elif good_result:
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
