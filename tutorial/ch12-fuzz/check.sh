#!/bin/bash
# Chapter 12's steps (docs/tutorial/12-fuzzing.md): what `make tutorial
# CH=12` reports, and the tests ch12-* (suite tutorial; with the fuzzer,
# suite fuzz).
#
#   check.sh --system FILE --seed FILE --server ELF --given ELF --fuzzclient ELF
#            --mkcpio MKCPIO --sim KAAL-SIM --work DIR [--fuzzer FUZZ_SYSTEM --runs N]
#
# --system and --seed are the learner's description and seed (text,
# tutorial/ch12-fuzz/seed.py), --server the learner's server, --given the
# server as given (server.c, with its bug). Steps:
#   1. the description packs (mkcpio) with the given server and the played
#      client, and the probe input (probe.txt: GREET 1) replays on it
#      (kaal-sim --replay) without a crash, answered by the server;
#   2. the seed replays without a crash and the server answers a GREET;
#   3. a crash of the given server: with --fuzzer, fuzz_system from the
#      seed (-seed=1, -runs=N, no time limit) must find one, which then
#      replays as a crash of the server; without, the committed input
#      crash-server (what the fuzzer finds) must replay as one;
#   4. the learner's server, packed with the description, replays that
#      crash and every language (0-7) without a crash; with --fuzzer, a
#      fuzzing run of a quarter of the budget finds nothing in it.
# Prints "ch12: step K ok: ...", "ch12: step K not done: ..." and the last
# line as tutorial/include/tutorial.h does; exit status 0 when all steps
# are done, 1 otherwise, 2 on bad usage.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
fuzzer="" runs=20000
while [ $# -gt 0 ]; do
    case "$1" in
    --system) system=$2 ;; --seed) seed=$2 ;; --server) server=$2 ;; --given) given=$2 ;;
    --fuzzclient) client=$2 ;; --mkcpio) mkcpio=$2 ;; --sim) sim=$2 ;; --work) work=$2 ;;
    --fuzzer) fuzzer=$2 ;; --runs) runs=$2 ;;
    *) echo "check.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift 2
done
rm -rf "$work" && mkdir -p "$work"
steps=4 done=0
echo "ch12: fuzzing your own server (4 steps)"
step() { # ok what todo [marker: the step has a TODO(ch12.K) gap]
    if [ "$1" = 1 ]; then
        done=$((done + 1))
        echo "ch12: step $done ok: $2"
        return 0
    fi
    echo "ch12: step $((done + 1)) not done: $3${4:+ (TODO(ch12.$((done + 1))))}"
    echo "ch12: $done of $steps steps done"
    exit 1
}
replay() { # archive input out: kaal-sim --replay; its output in out
    "$sim" --ram 16 --module "$1" --replay "$2" </dev/null >"$3" 2>&1
    tail -2 "$3" | sed 's/^/ch12: info: /'
}
no_crash() { grep -q 'steps played, no crash$' "$1"; }
crashed_server() { grep -q 'user fault in program server:' "$1"; }

# 1
"$mkcpio" "$work/given.cpio" "fuzz.system=$system" "server.elf=$given" "fuzzclient.elf=$client" \
    >"$work/mkcpio.log" 2>&1 || sed 's/^/ch12: info: /' "$work/mkcpio.log"
ok=0
if [ -f "$work/given.cpio" ] && python3 "$dir/seed.py" "$dir/probe.txt" "$work/probe"; then
    replay "$work/given.cpio" "$work/probe" "$work/probe.out"
    no_crash "$work/probe.out" && grep -q '^server: greet 1: 7 letters' "$work/probe.out" && ok=1
fi
step $ok "the played client calls the server through its slot 2 (GREET 1: 7 letters)" \
    "describe the server and the played client fuzzclient in your fuzz.system" marker

# 2
ok=0
if python3 "$dir/seed.py" "$seed" "$work/seed"; then
    replay "$work/given.cpio" "$work/seed" "$work/seed.out"
    no_crash "$work/seed.out" && grep -q '^server: greet' "$work/seed.out" && ok=1
fi
step $ok "the seed input is a request the server answers" \
    "write a seed: one GREET call the server answers, in your seed.txt" marker

# 3
crash=$dir/crash-server how="the committed input crash-server (what the fuzzer finds)"
if [ -n "$fuzzer" ]; then
    mkdir -p "$work/seeds" "$work/corpus" "$work/found"
    cp "$work/seed" "$work/seeds/seed"
    KAAL_FUZZ_SYSTEM="$work/given.cpio" "$fuzzer" -seed=1 -runs="$runs" -use_value_profile=1 \
        -max_len=64 -artifact_prefix="$work/found/" "$work/corpus" "$work/seeds" \
        </dev/null >"$work/fuzz.log" 2>&1
    grep -E '^#[0-9]+.*(DONE|pulse)|CRASH|stat::number_of_executed_units' "$work/fuzz.log" | tail -3 |
        sed 's/^/ch12: info: /'
    crash=$(ls "$work"/found/crash-* 2>/dev/null | head -1)
    how="the fuzzer's find, ${crash:-none} (seed 1, at most $runs runs)"
fi
ok=0
if [ -n "$crash" ] && [ -f "$crash" ]; then
    replay "$work/given.cpio" "$crash" "$work/crash.out"
    crashed_server "$work/crash.out" && ok=1
fi
echo "ch12: info: the crash: $how"
step $ok "a crash of the server as given: its fault replays (kaal-sim --replay)" \
    "the fuzzer found no crash within $runs runs: see its log, $work/fuzz.log"

# 4
ok=0
"$mkcpio" "$work/yours.cpio" "fuzz.system=$system" "server.elf=$server" "fuzzclient.elf=$client" \
    >"$work/mkcpio2.log" 2>&1 || sed 's/^/ch12: info: /' "$work/mkcpio2.log"
printf 'call 2 1 %s\n' 0 1 2 3 4 5 6 7 >"$work/all.txt"
if [ -f "$work/yours.cpio" ] && python3 "$dir/seed.py" "$work/all.txt" "$work/all"; then
    replay "$work/yours.cpio" "$crash" "$work/fixed.out"
    replay "$work/yours.cpio" "$work/all" "$work/all.out"
    no_crash "$work/fixed.out" && no_crash "$work/all.out" &&
        [ "$(grep -c '^server: greet' "$work/all.out")" = 8 ] && ok=1
fi
if [ $ok = 1 ] && [ -n "$fuzzer" ]; then
    rm -rf "$work/corpus2" "$work/found2" && mkdir -p "$work/corpus2" "$work/found2"
    KAAL_FUZZ_SYSTEM="$work/yours.cpio" "$fuzzer" -seed=1 -runs=$((runs / 4)) -use_value_profile=1 \
        -max_len=64 -artifact_prefix="$work/found2/" "$work/corpus2" "$work/seeds" \
        </dev/null >"$work/fuzz2.log" 2>&1 || ok=0
    echo "ch12: info: $((runs / 4)) runs of the fuzzer on your server: $(ls "$work/found2" | wc -l) crashes"
fi
step $ok "your server answers the crash and every language without a fault" \
    "fix the server in your server.c: the crash replays as a fault" marker
echo "ch12: all $steps steps done"
exit 0
