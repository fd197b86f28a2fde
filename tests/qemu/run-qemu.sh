#!/bin/bash
# Boot an image under QEMU and check how it ends.
#
#   run-qemu.sh --qemu BIN [--timeout SECS] [--status N] [--expect TEXT]...
#               [--reject TEXT]... [--env NAME=VALUE]...
#               [--expect-in-order FILE [--skip TEXT]...] -- QEMU-ARGS...
#
# Passes when QEMU exits by itself within SECS (default 60) with status N
# (default 0; the kernel reports it through semihosting SYS_EXIT), every
# --expect TEXT occurs in the console output (a substring of some line,
# carriage returns stripped) and no --reject TEXT does. A hang (timeout)
# and any other status fail. --expect-in-order FILE: every line of FILE
# (blank lines, '#' comments and lines containing a --skip TEXT left out)
# must be a substring of a console line, in the file's order, each on a
# later line than the one before (tests/system/expected_run.txt, with the
# lines that name the backend skipped). The console output is printed either way, so
# `meson test -v` and the test log show it.
#
# QEMU gets </dev/null and writes the serial console to a pipe:
# -serial file:/dev/stdout works without a terminal and with a closed
# stdin (see ../shared/TOOLCHAIN.md).
set -u

qemu=""
timeout_s=60
want_status=0
expects=()
rejects=()
envs=()
order_file=""
skips=()
while [ $# -gt 0 ]; do
    case "$1" in
    --qemu) qemu="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --status) want_status="$2"; shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --expect-in-order) order_file="$2"; shift 2 ;;
    --skip) skips+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "run-qemu.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$qemu" ] || [ ! -x "$qemu" ]; then
    echo "run-qemu.sh: QEMU binary '$qemu' not found" >&2
    exit 2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "run-qemu.sh: $qemu $*"
env ${envs[@]+"${envs[@]}"} timeout --kill-after=5 "$timeout_s" "$qemu" \
    -display none -monitor none -serial file:/dev/stdout "$@" </dev/null 2>&1 \
    | tr -d '\r' >"$log"
status=${PIPESTATUS[0]}
cat "$log"
echo "--- exit status $status"

fail=0
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "FAIL: no exit within ${timeout_s}s (hang)"
    fail=1
elif [ "$status" -ne "$want_status" ]; then
    echo "FAIL: exit status $status, expected $want_status"
    fail=1
fi
for text in ${expects[@]+"${expects[@]}"}; do
    if ! grep -qF -- "$text" "$log"; then
        echo "FAIL: missing output: $text"
        fail=1
    fi
done
for text in ${rejects[@]+"${rejects[@]}"}; do
    if grep -qF -- "$text" "$log"; then
        echo "FAIL: unexpected output: $text"
        fail=1
    fi
done
if [ -n "$order_file" ]; then
    want=$(mktemp)
    trap 'rm -f "$log" "$want"' EXIT
    grep -v -e '^#' -e '^[[:space:]]*$' "$order_file" >"$want"
    for text in ${skips[@]+"${skips[@]}"}; do
        grep -vF -- "$text" "$want" >"$want.tmp"; mv "$want.tmp" "$want"
    done
    # Walk the log once; each expected line must come after the last match.
    if ! awk -v wantf="$want" '
        BEGIN { n = 0; while ((getline l < wantf) > 0) w[n++] = l; i = 0 }
        i < n && index($0, w[i]) > 0 { i++ }
        END {
            if (i < n) { printf "FAIL: expected in order (%d of %d found), missing: %s\n", i, n, w[i]; exit 1 }
        }' "$log"; then
        fail=1
    else
        echo "in order: $(wc -l <"$want") lines of $order_file"
    fi
    rm -f "$want"
fi
[ $fail -eq 0 ] && echo "PASS"
exit $fail
