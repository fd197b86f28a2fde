#!/bin/bash
# "Fuzzing your own server" (docs/fuzzing.md) against the installed SDK
# (suite 'sdk', in make test; tests/sdk/sdk_test.sh does the same for the
# template's build and run).
#
#   tests/sdk/sdk_fuzz_test.sh SOURCE-ROOT HOSTED-BUILD ARM64-BUILD FUZZ-BUILD
#
# 1. make sdk-fuzz PREFIX=<tmp>/sdk (the SDK and bin/kaal-fuzz-system);
# 2. take the recipe's shell block from docs/fuzzing.md as it is written
#    (the block after the line "<!-- sdk-fuzz-recipe -->"), with one
#    change: the 10-minute budget -max_total_time=600 becomes a fixed,
#    seeded one (-runs=$RUNS -seed=1; RUNS defaults to 1500);
# 3. run it in a private mount namespace where the source tree and the
#    build folders are empty (no path into them can be used), with the SDK
#    on PATH only, from an empty folder;
# 4. check: the recipe ends with status 0, the fuzzer ran the executions,
#    the template's server is instrumented and was reached (its user
#    coverage is at least one edge), no build or run command names the
#    tree, and kaal-sim --replay plays an input of the corpus the run grew
#    (exit status 0: the template server does not crash on it).
set -eu
src=$(cd "$1" && pwd -P); hosted=$(cd "$2" && pwd -P); arm64=$3; fuzz=$4
runs=${RUNS:-1500}
for b in "$arm64" "$fuzz"; do
    if [ ! -f "$b/build.ninja" ]; then
        echo "sdk_fuzz_test: $b is not configured (make build-arm64 build-fuzz)" >&2
        exit 1
    fi
done
arm64=$(cd "$arm64" && pwd -P); fuzz=$(cd "$fuzz" && pwd -P)
tmp=$(mktemp -d /tmp/kaal-sdk-fuzz-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
case "$tmp/" in "$src"/*|"$hosted"/*|"$arm64"/*|"$fuzz"/*)
    echo "sdk_fuzz_test: $tmp is inside the tree" >&2; exit 1 ;;
esac

echo "== make sdk-fuzz PREFIX=$tmp/sdk"
make -s -C "$src" sdk-fuzz PREFIX="$tmp/sdk" HOSTED="$hosted" ARM64="$arm64" FUZZ="$fuzz" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; exit 1; }
python3 - "$src/docs/fuzzing.md" "$tmp/recipe.sh" "$runs" <<'PY'
import sys
doc = open(sys.argv[1], encoding="utf-8").read().split("\n")
marker = "<!-- sdk-fuzz-recipe -->"
if marker not in doc:
    sys.exit(f"{sys.argv[1]}: no line {marker!r} before the recipe's shell block")
at = doc.index(marker) + 1
while at < len(doc) and doc[at].strip() == "":
    at += 1
if at >= len(doc) or doc[at].strip() != "```sh":
    sys.exit(f"{sys.argv[1]}:{at + 1}: the recipe's shell block (```sh) must follow {marker!r}")
end = doc.index("```", at + 1)
text = "\n".join(doc[at + 1:end]) + "\n"
budget = "-max_total_time=600"
if text.count(budget) != 1:
    sys.exit(f"{sys.argv[1]}:{at + 1}: the recipe must hold {budget} once (the budget this test replaces)")
open(sys.argv[2], "w").write(text.replace(budget, f"-runs={sys.argv[3]} -seed=1"))
print(f"the recipe: {end - at - 1} lines of {sys.argv[1]} from line {at + 2}")
PY

cat >"$tmp/outside.sh" <<'INNER'
set -eu
tmp=$1; shift
for d in "$@"; do
    mount -t tmpfs -o size=1m kaal-sdk-test-hidden "$d"
    if [ -n "$(ls -A "$d")" ]; then echo "sdk_fuzz_test: could not hide $d" >&2; exit 1; fi
done
export PATH="/usr/local/bin:/usr/bin:/bin" SDK="$tmp/sdk"
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR CPATH C_INCLUDE_PATH LIBRARY_PATH MAKEFLAGS MFLAGS
unset KAAL_FUZZ_SYSTEM KAAL_FUZZ_RAM_MIB KAAL_FUZZ_STRUCTURED
mkdir "$tmp/work"
cd "$tmp/work"
fail=0
echo "== the recipe (bash -eux), from an empty folder"
st=0
bash -eux "$tmp/recipe.sh" >"$tmp/recipe.log" 2>&1 || st=$?
tail -20 "$tmp/recipe.log"
if [ "$st" != 0 ]; then echo "FAIL: the recipe ended with status $st"; exit 1; fi
# The commands bash -x traced (lines starting with +). The fuzzer's own
# output may name the tree: its debug information holds its source paths.
traced=$(grep -cE '^\++ ' "$tmp/recipe.log" || true)
echo "$traced commands traced"
if [ "$traced" -lt 10 ]; then echo "FAIL: fewer commands traced than the recipe has"; fail=1; fi
for d in "$@"; do
    if grep -E '^\++ ' "$tmp/recipe.log" | grep -F -- "$d"; then echo "FAIL: a command names $d"; fail=1; fi
done
if ! grep -Eq "^Done [0-9]+ runs" "$tmp/recipe.log"; then
    echo "FAIL: the fuzzer did not report its runs"; fail=1
fi
cov=$(sed -n 's/^fuzz_system: user program server coverage: \([0-9]*\) of \([0-9]*\) edges.*/\1 \2/p' "$tmp/recipe.log")
echo "server coverage (edges reached, instrumented): ${cov:-none}"
if [ -z "$cov" ] || [ "${cov%% *}" -lt 1 ]; then
    echo "FAIL: the template's server is not instrumented or was never reached"; fail=1
fi
# The recipe's folder: hello/build/fuzz (fuzz.cpio, corpus/).
arc=$(find "$tmp/work" -name fuzz.cpio | head -1)
input=$(find "$(dirname "$arc")/corpus" -type f -size +0 | sort | head -1)
if [ -z "$arc" ] || [ -z "$input" ]; then
    echo "FAIL: no fuzz.cpio or no grown corpus input"; exit 1
fi
echo "== kaal-sim --ram 16 --module $arc --replay $input"
st=0
"$SDK/bin/kaal-sim" --quiet --ram 16 --module "$arc" --replay "$input" >"$tmp/replay.log" 2>&1 || st=$?
tail -2 "$tmp/replay.log"
if [ "$st" != 0 ]; then echo "FAIL: the replay ended with status $st, not 0"; fail=1; fi
exit $fail
INNER

hide=("$src")
for d in "$hosted" "$arm64" "$fuzz"; do
    case "$d/" in "$src"/*) ;; *) hide+=("$d") ;; esac
done
if [ "$(id -u)" = 0 ]; then ns=(unshare --mount); else ns=(unshare --map-root-user --mount); fi
"${ns[@]}" bash "$tmp/outside.sh" "$tmp" "${hide[@]}"
echo "== sdk_fuzz_test: ok"
