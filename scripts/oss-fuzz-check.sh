#!/bin/sh
# Test .clusterfuzzlite/build.sh as OSS-Fuzz runs it for libFuzzer + ASan
# (docs/fuzzing.md): the build contract's variables set as OSS-Fuzz sets
# them, a fresh $OUT and $WORK, then every target left in $OUT must run its
# seed corpus (unzipped) and a few hundred mutations with its dictionary
# and options, and exit 0.
#   scripts/oss-fuzz-check.sh [SCRATCH]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-$(mktemp -d)}
rm -rf "$scratch"; mkdir -p "$scratch/out" "$scratch/work"
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64
export OUT="$scratch/out" WORK="$scratch/work" SRC="$src"
bash "$src/.clusterfuzzlite/build.sh" >"$scratch/build.log" 2>&1 || {
  tail -40 "$scratch/build.log"; echo "oss-fuzz-check: build.sh failed" >&2; exit 1; }
fail=0
n=0
for t in "$OUT"/*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  name=$(basename "$t")
  n=$((n + 1))
  for need in "${name}_seed_corpus.zip" "$name.options"; do
    [ -f "$OUT/$need" ] || { echo "oss-fuzz-check: $name: no $need in OUT" >&2; fail=1; }
  done
  corpus="$scratch/corpus-$name"; mkdir -p "$corpus"
  unzip -q -o "$OUT/${name}_seed_corpus.zip" -d "$corpus"
  files=$(ls "$corpus" | wc -l)
  [ "$files" -gt 0 ] || { echo "oss-fuzz-check: $name: empty seed corpus" >&2; fail=1; }
  maxlen=$(sed -n 's/^max_len = //p' "$OUT/$name.options")
  dict=""; [ -f "$OUT/$name.dict" ] && dict="-dict=$OUT/$name.dict"
  # Seed corpus, then 300 mutations with a fixed seed.
  if "$t" -runs=300 -seed=1 -max_len="$maxlen" $dict -artifact_prefix="$scratch/" \
      "$corpus" >"$scratch/$name.log" 2>&1; then
    echo "oss-fuzz-check: $name: ran $files seed inputs and 300 mutations, exit 0"
  else
    tail -30 "$scratch/$name.log"; echo "oss-fuzz-check: $name failed" >&2; fail=1
  fi
done
[ "$n" -ge 3 ] || { echo "oss-fuzz-check: expected 3 targets in OUT, found $n" >&2; fail=1; }
[ "$fail" -eq 0 ] && [ -z "${KEEP_SCRATCH:-}" ] && rm -rf "$scratch"
exit "$fail"
