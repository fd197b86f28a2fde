#!/bin/bash
# The SDK end to end (suite 'sdk', in make test; docs/sdk.md, docs/testing.md).
#
#   tests/sdk/sdk_test.sh SOURCE-ROOT HOSTED-BUILD ARM64-BUILD EXPECTED
#
# 1. make sdk PREFIX=<tmp>/sdk (meson install of both build folders);
# 2. copy the template project and the C snippets of docs/*.md out of the tree;
# 3. in a private mount namespace where the source tree and both build
#    folders are empty tmpfs mounts (so no path into them can be used),
#    with only the SDK on PATH and PKG_CONFIG_PATH: build the template,
#    check that no compile or link command names the tree, run it on
#    kaal-sim and on QEMU virt (kernel.img + -initrd), compare the programs'
#    lines with EXPECTED and check status 0 on both; compile and link every
#    doc snippet for both backends (the template's folder on the include
#    path, for its proto.h). Before that, docs/sdk.md must show the
#    template's files word for word.
set -eu
src=$(cd "$1" && pwd -P); hosted=$(cd "$2" && pwd -P); arm64=$3; expected=$4
if [ ! -f "$arm64/build.ninja" ]; then
    echo "sdk_test: $arm64 is not configured (make build-arm64)" >&2
    exit 1
fi
arm64=$(cd "$arm64" && pwd -P)
tmp=$(mktemp -d /tmp/kaal-sdk-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
case "$tmp/" in "$src"/*|"$hosted"/*|"$arm64"/*)
    echo "sdk_test: $tmp is inside the tree" >&2; exit 1 ;;
esac

echo "== make sdk PREFIX=$tmp/sdk"
make -s -C "$src" sdk PREFIX="$tmp/sdk" HOSTED="$hosted" ARM64="$arm64"
cp -R "$tmp/sdk/share/kaal/template" "$tmp/hello"
python3 "$src/scripts/doc-snippets.py" "$tmp/snippets" "$src"/docs/*.md
cp "$expected" "$tmp/expected.txt"
# docs/sdk.md shows the template's files: they must be the installed ones.
python3 - "$src/docs/sdk.md" "$tmp/hello" <<'PY'
import os, sys
doc = open(sys.argv[1], encoding="utf-8").read()
files = sorted(os.listdir(sys.argv[2]))
stale = [f for f in files
         if open(os.path.join(sys.argv[2], f), encoding="utf-8").read().rstrip("\n") not in doc]
if stale:
    sys.exit("FAIL: docs/sdk.md does not show these template files as they are: " + ", ".join(stale))
print(f"docs/sdk.md shows the {len(files)} template files as installed")
PY

# The part that runs without the tree.
cat >"$tmp/outside.sh" <<'INNER'
set -eu
tmp=$1; shift
for d in "$@"; do
    mount -t tmpfs -o size=1m kaal-sdk-test-hidden "$d"
    if [ -n "$(ls -A "$d")" ]; then echo "sdk_test: could not hide $d" >&2; exit 1; fi
done
export PATH="$tmp/sdk/bin:/usr/local/bin:/usr/bin:/bin"
export PKG_CONFIG_PATH="$tmp/sdk/lib/pkgconfig"
unset PKG_CONFIG_LIBDIR CPATH C_INCLUDE_PATH LIBRARY_PATH MAKEFLAGS MFLAGS
fail=0
cd "$tmp/hello"
echo "== the template, built with the SDK only"
make >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
make BACKEND=qemu >>"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
for d in "$@"; do
    if grep -F -- "$d" "$tmp/build.log"; then
        echo "FAIL: a build command names $d"; fail=1
    fi
done
for b in hosted qemu; do
    echo "== make run BACKEND=$b"
    st=0
    timeout 120 make -s run BACKEND=$b </dev/null >"$tmp/run-$b.out" 2>&1 || st=$?
    cat "$tmp/run-$b.out"
    grep -E '^(server|client[0-9]+):|^root: (loading|client[0-9]+ is done|done)' \
        "$tmp/run-$b.out" >"$tmp/lines-$b.txt" || true
    if [ "$st" != 0 ]; then echo "FAIL: make run BACKEND=$b: status $st, not 0"; fail=1; fi
    if ! diff -u "$tmp/expected.txt" "$tmp/lines-$b.txt"; then
        echo "FAIL: make run BACKEND=$b: the lines above differ from the expected"; fail=1
    fi
done
echo "== the C snippets of docs/*.md, against the installed headers and libkaal"
n=0
while read -r file origin mode flags; do
    for pc in kaal kaal-arm64; do
        cc=$(pkg-config --variable=cc $pc)
        if [ "$mode" = header ]; then link=(-c); else link=($(pkg-config --libs $pc)); fi
        # shellcheck disable=SC2046,SC2086
        if ! $cc $(pkg-config --cflags $pc) -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
                -I "$tmp/hello" $flags "$tmp/snippets/$file" -o "$tmp/snippets/$file.$pc.out" \
                "${link[@]}" 2>"$tmp/snippets/$file.$pc.log"; then
            cat "$tmp/snippets/$file.$pc.log"
            echo "FAIL: the snippet at $origin does not build for $pc"; fail=1
        fi
    done
    n=$((n + 1))
done <"$tmp/snippets/list.txt"
echo "$n snippets built for both backends"
exit $fail
INNER

hide=("$src")
for d in "$hosted" "$arm64"; do
    case "$d/" in "$src"/*) ;; *) hide+=("$d") ;; esac
done
if [ "$(id -u)" = 0 ]; then ns=(unshare --mount); else ns=(unshare --map-root-user --mount); fi
"${ns[@]}" bash "$tmp/outside.sh" "$tmp" "${hide[@]}"
echo "== sdk_test: ok"
