#!/bin/sh
# Line coverage of core/ reached by the fuzz corpora (llvm-cov).
#
#   scripts/fuzz-coverage.sh [CORPUS-DIR...]
#
# Builds the coverage variants of the fuzz targets (fuzz/meson.build:
# clang's source-based coverage, -fprofile-instr-generate
# -fcoverage-mapping, no sanitizers) in the fuzz build folder (FUZZ_BUILD,
# default build/fuzz; configured as `make configure-fuzz` does), runs every input of the given corpora once (libFuzzer
# -runs=0 executes the corpus and stops; the syscall corpora go to
# fuzz_syscalls, fuzz/corpus-parsers to fuzz_parsers), merges the profiles
# and prints llvm-cov's per-file report for core/ and the total as a line
#   core/ line coverage: NN.NN% (covered/lines)
# Defaults: fuzz/corpus, fuzz/corpus-work, $FUZZ_BUILD/fuzz/corpus-work and
# fuzz/corpus-parsers, where they exist.
set -eu
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build/fuzz}
if [ ! -f "$B/build.ninja" ]; then
    CC=clang meson setup "$B" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$B" -j2 fuzz/fuzz_syscalls_cov fuzz/fuzz_parsers_cov >/dev/null ||
    ninja -C "$B" -j2 fuzz/fuzz_syscalls_cov fuzz/fuzz_parsers_cov

if [ $# -eq 0 ]; then
    for d in fuzz/corpus fuzz/corpus-work "$B/fuzz/corpus-work" fuzz/corpus-parsers; do
        [ -d "$d" ] && set -- "$@" "$d"
    done
fi
P="$B/fuzz/coverage"
rm -rf "$P"
mkdir -p "$P"
n=0
for d in "$@"; do
    case "$d" in
        *parsers*) bin="$B/fuzz/fuzz_parsers_cov" ;;
        *) bin="$B/fuzz/fuzz_syscalls_cov" ;;
    esac
    n=$((n + 1))
    # -runs=0: execute the corpus, mutate nothing. An empty work folder
    # keeps libFuzzer from writing into the corpus.
    rm -rf "$P/work"
    mkdir -p "$P/work"
    LLVM_PROFILE_FILE="$P/run$n-%p.profraw" "$bin" -runs=0 "$P/work" "$d" >"$P/run$n.log" 2>&1 || {
        echo "fuzz-coverage: $bin failed on $d (see $P/run$n.log)"; exit 1; }
done
llvm-profdata merge -sparse -o "$P/merged.profdata" "$P"/*.profraw
# Only files under core/ of this repository count (scripts/fuzz-coverage-total.py
# resolves each file's path; a build folder such as build/fuzz is never
# mistaken for a source folder). Exits 1, printing no figure, when the
# profile holds no line of core/.
llvm-cov export "$B/fuzz/fuzz_syscalls_cov" -object "$B/fuzz/fuzz_parsers_cov" \
    -instr-profile="$P/merged.profdata" -summary-only >"$P/export.json"
python3 scripts/fuzz-coverage-total.py "$P/export.json" . core >"$P/report.txt" || {
    cat "$P/report.txt"; exit 1; }
cat "$P/report.txt"
