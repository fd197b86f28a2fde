#!/bin/sh
# The test runs behind `make check` and `make test` (docs/testing.md).
#
#   scripts/run-tests.sh check HOSTED FUZZ
#   scripts/run-tests.sh test HOSTED FUZZ ARM64
#
# The build folders are built already (the Makefile does it); tests run
# with --no-rebuild. Each run of meson test writes its own log
# (meson-logs/<LOGBASE>.json, .txt), so runs can share a build folder at
# the same time. The last line is scripts/test-summary.py's
# "N passed, N failed"; the exit status is non-zero if any test failed.
#
# check: the fast suites, side by side: the hosted unit and system tests,
#   and the fuzz suite with FUZZ_SMOKE_SECONDS (default 10) per smoke run.
# test: everything. The proof suite (CPU-bound, about 10 min fresh, less
#   with WP's cache) runs in the background while the rest runs one suite
#   after another in the foreground: fuzz (FUZZ_SMOKE_SECONDS unset: 45 s
#   and 15 s), hosted unit and system, arm64 QEMU and bench. The proofs'
#   verdicts do not depend on the load (step limits, docs/verification.md).
set -u
mode=$1; hosted=$2; fuzz=$3; arm64=${4:-}
rc=0
logs=""

suite() { # build-folder logbase meson-test-args...
    b=$1; base=$2; shift 2
    meson test -C "$b" --no-rebuild --print-errorlogs --logbase "$base" "$@" || rc=1
    logs="$logs $b/meson-logs/$base.json"
}

seeds() { # the seeds of the randomized tests, so a failure can be replayed
    grep -h "^ok - .*seed 0x" "$1/meson-logs/$2.txt" 2>/dev/null | sed 's/^ok - /randomized: /'
}

case "$mode" in
check)
    # The fuzz runs in the background, its output shown after the rest.
    out="$fuzz/meson-logs/check-fuzz.out"
    mkdir -p "$fuzz/meson-logs"
    ( FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-10} \
        meson test -C "$fuzz" --no-rebuild --print-errorlogs --logbase check-fuzz \
        --suite fuzz >"$out" 2>&1; echo $? >"$out.rc" ) &
    fuzz_pid=$!
    suite "$hosted" check --suite unit --suite system --num-processes 2
    seeds "$hosted" check
    wait "$fuzz_pid"
    cat "$out"
    [ "$(cat "$out.rc")" = 0 ] || rc=1
    logs="$logs $fuzz/meson-logs/check-fuzz.json"
    ;;
test)
    out="$hosted/meson-logs/proof.out"
    mkdir -p "$hosted/meson-logs"
    echo "test: the proof suite runs in the background (log: $out)"
    ( meson test -C "$hosted" --no-rebuild --print-errorlogs --logbase proof \
        --suite proof >"$out" 2>&1; echo $? >"$out.rc" ) &
    proof_pid=$!
    suite "$fuzz" fuzz --suite fuzz
    suite "$hosted" hosted --no-suite proof --num-processes 2
    seeds "$hosted" hosted
    suite "$arm64" arm64 --num-processes 2
    echo "core cross-compiled for aarch64: $(ls "$arm64"/core/libkaal_core.a)"
    echo "test: waiting for the proof suite"
    wait "$proof_pid"
    cat "$out"
    [ "$(cat "$out.rc")" = 0 ] || rc=1
    logs="$logs $hosted/meson-logs/proof.json"
    ;;
*)
    echo "usage: $0 check|test HOSTED FUZZ [ARM64]" >&2; exit 2 ;;
esac

# shellcheck disable=SC2086
python3 scripts/test-summary.py $logs || rc=1
exit $rc
