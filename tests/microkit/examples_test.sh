#!/bin/bash
# The Microkit examples end to end (suite 'microkit', in make test;
# docs/microkit.md, docs/testing.md).
#
#   tests/microkit/examples_test.sh SOURCE-ROOT HOSTED-BUILD ARM64-BUILD
#
# 1. make sdk PREFIX=<tmp>/sdk (both build folders, as tests/sdk);
# 2. copy examples/microkit out of the tree;
# 3. in a private mount namespace where the source tree and both build
#    folders are empty tmpfs mounts, with only the SDK on PATH: check the
#    SDK's Microkit layout (board/BOARD/CONFIG/{include,lib}, gen_config.h's
#    CONFIG_SEL4_ARCH), build each example with its own Makefile
#    (MICROKIT_SDK, MICROKIT_BOARD=kaal_hosted, MICROKIT_CONFIG=debug and
#    release with the host's gcc, and debug with LLVM=True), check that no build command names the tree, run
#    build/loader.img on kaal-sim and compare every line that is not the
#    kernel's (kaal:) with tests/microkit/expected/EXAMPLE.txt. A Microkit
#    system never ends: the run must end with every thread blocked (status
#    3, "the system stopped: every thread is blocked"), never with a fault
#    the loader reports;
# 4. the same for MICROKIT_BOARD=qemu_virt_aarch64 with Debian's AArch64
#    tools (CC=aarch64-linux-gnu-gcc LD=... AS=...) and with LLVM=True
#    (clang, ld.lld), booted with Microkit's
#    QEMU command line for that board (plus -icount, for determinism): the
#    lines must be the same but for the board's name in the root task's
#    first line. The run ends when the expected last line is out (a 120 s
#    bound otherwise): with no semihosting, the console is the verdict.
#    Microkit's command line has no `-nic none`: QEMU needs the default
#    NIC's ROM (Debian: ipxe-qemu).
set -eu
src=$(cd "$1" && pwd -P); hosted=$(cd "$2" && pwd -P); arm64=$3
if [ ! -f "$arm64/build.ninja" ]; then
    echo "examples_test: $arm64 is not configured (make build-arm64)" >&2
    exit 1
fi
arm64=$(cd "$arm64" && pwd -P)
tmp=$(mktemp -d /tmp/kaal-microkit-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
case "$tmp/" in "$src"/*|"$hosted"/*|"$arm64"/*)
    echo "examples_test: $tmp is inside the tree" >&2; exit 1 ;;
esac

echo "== make sdk PREFIX=$tmp/sdk"
make -s -C "$src" sdk PREFIX="$tmp/sdk" HOSTED="$hosted" ARM64="$arm64" >/dev/null
cp -R "$src/examples/microkit" "$tmp/examples"
cp -R "$src/tests/microkit/expected" "$tmp/expected"

cat >"$tmp/outside.sh" <<'INNER'
set -eu
tmp=$1; shift
for d in "$@"; do
    mount -t tmpfs -o size=1m kaal-microkit-test-hidden "$d"
    if [ -n "$(ls -A "$d")" ]; then echo "examples_test: could not hide $d" >&2; exit 1; fi
done
export PATH="$tmp/sdk/bin:/usr/local/bin:/usr/bin:/bin"
unset CPATH C_INCLUDE_PATH LIBRARY_PATH MAKEFLAGS MFLAGS
fail=0
sdk=$tmp/sdk
echo "== the SDK's Microkit layout"
for b in kaal_hosted qemu_virt_aarch64 rpi4b_1gb rpi4b_2gb rpi4b_4gb rpi4b_8gb; do
    case $b in kaal_hosted) arch=x86_64 ;; *) arch=aarch64 ;; esac
    for c in debug release; do
        d=$sdk/board/$b/$c
        for f in include/microkit.h include/sel4/sel4.h include/kernel/gen_config.h \
                 lib/libmicrokit.a lib/microkit.ld; do
            [ -f "$d/$f" ] || { echo "FAIL: $d/$f is missing"; fail=1; }
        done
        got=$(grep 'CONFIG_SEL4_ARCH  ' "$d/include/kernel/gen_config.h" | cut -d' ' -f4)
        [ "$got" = "$arch" ] || { echo "FAIL: $b/$c: CONFIG_SEL4_ARCH '$got', not $arch"; fail=1; }
    done
done
[ -x "$sdk/bin/microkit" ] || { echo "FAIL: no bin/microkit"; fail=1; }
n=0
mkdir -p "$tmp/build"
for dir in "$tmp"/examples/*/; do
    ex=$(basename "$dir")
    for variant in debug release llvm; do
        echo "== $ex ($variant)"
        b=$tmp/build/$ex-$variant
        config=debug llvm=
        case $variant in release) config=release ;; llvm) llvm=True ;; esac
        if ! make -C "$dir" BUILD_DIR="$b" MICROKIT_SDK="$sdk" MICROKIT_BOARD=kaal_hosted \
                MICROKIT_CONFIG=$config LLVM=$llvm >"$b.log" 2>&1; then
            cat "$b.log"; echo "FAIL: $ex: make ($config)"; fail=1; continue
        fi
        for d in "$@"; do
            if grep -F -- "$d" "$b.log"; then echo "FAIL: $ex: a build command names $d"; fail=1; fi
        done
        grep -q '^KaaL system description in' "$b/report.txt" ||
            { echo "FAIL: $ex: the report lacks the KaaL system description"; fail=1; }
        st=0
        timeout 60 kaal-sim --module "$b/loader.img" </dev/null >"$b.out" 2>"$b.err" || st=$?
        grep -v '^kaal' "$b.out" >"$b.lines" || true
        if [ "$st" != 3 ] || ! grep -q 'the system stopped: every thread is blocked' "$b.err"; then
            cat "$b.out" "$b.err"
            echo "FAIL: $ex: kaal-sim status $st, not 3 (every PD waiting)"; fail=1
        fi
        if grep -q '^root: .*fault' "$b.lines"; then
            echo "FAIL: $ex: the loader reported a fault"; fail=1
        fi
        if ! diff -u "$tmp/expected/$ex.txt" "$b.lines"; then
            echo "FAIL: $ex ($config): the output above differs from the expected"; fail=1
        fi
        n=$((n + 1))
    done
done
qemu_run() { # IMAGE OUT LAST-LINE
    qemu-system-aarch64 -machine virt,virtualization=on -cpu cortex-a53 -serial mon:stdio \
        -device loader,file="$1",addr=0x70000000,cpu-num=0 -m size=2G -nographic \
        -icount shift=0,align=off,sleep=off </dev/null >"$2" 2>&1 &
    qp=$!
    for _ in $(seq 1200); do
        if grep -qxF -- "$3" "$2" || ! kill -0 "$qp" 2>/dev/null; then break; fi
        sleep 0.1
    done
    kill "$qp" 2>/dev/null || true
    wait "$qp" 2>/dev/null || true
}
for dir in "$tmp"/examples/*/ "$tmp"/examples/*/; do
    ex=$(basename "$dir")
    if [ -e "$tmp/build/$ex-qemu.out" ]; then
        variant=llvm tools=(LLVM=True)
    else
        variant=gnu tools=(CC=aarch64-linux-gnu-gcc LD=aarch64-linux-gnu-ld AS=aarch64-linux-gnu-as)
    fi
    echo "== $ex (qemu_virt_aarch64, $variant)"
    b=$tmp/build/$ex-qemu$([ $variant = llvm ] && echo -llvm || true)
    if ! make -C "$dir" BUILD_DIR="$b" MICROKIT_SDK="$sdk" MICROKIT_BOARD=qemu_virt_aarch64 \
            MICROKIT_CONFIG=debug "${tools[@]}" >"$b.log" 2>&1; then
        cat "$b.log"; echo "FAIL: $ex: make (qemu_virt_aarch64)"; fail=1; continue
    fi
    sed 's/^root: KaaL root task running on hosted$/root: KaaL root task running on arm64-qemu-virt/' \
        "$tmp/expected/$ex.txt" >"$b.expected"
    qemu_run "$b/loader.img" "$b.out" "$(tail -1 "$b.expected")"
    if grep -q 'failed to find romfile' "$b.out"; then
        cat "$b.out"; echo "FAIL: QEMU lacks the default NIC's ROM (Debian: apt-get install ipxe-qemu)"
        fail=1; break
    fi
    grep -v '^kaal\|^\[arm64\]\|^qemu-system-aarch64: ' "$b.out" | tr -d '\r' >"$b.lines" || true
    if ! diff -u "$b.expected" "$b.lines"; then
        cat "$b.out"
        echo "FAIL: $ex (qemu_virt_aarch64): the output above differs from the expected"; fail=1
    fi
    n=$((n + 1))
done
[ "$n" -ge 30 ] || { echo "FAIL: only $n example runs"; fail=1; }
echo "$n example runs"
exit $fail
INNER

hide=("$src")
for d in "$hosted" "$arm64"; do
    case "$d/" in "$src"/*) ;; *) hide+=("$d") ;; esac
done
if [ "$(id -u)" = 0 ]; then ns=(unshare --mount); else ns=(unshare --map-root-user --mount); fi
"${ns[@]}" bash "$tmp/outside.sh" "$tmp" "${hide[@]}"
echo "== examples_test: ok"
