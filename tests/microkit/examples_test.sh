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
#    NIC's ROM (Debian: ipxe-qemu);
# 5. the same for MICROKIT_BOARD=rpi4b_1gb (GNU tools), its image booted
#    as the Raspberry Pi firmware boots kernel8.img: QEMU 10's raspi4b
#    (fetched into ARM64-BUILD/qemu10 by scripts/qemu-fetch-raspi4b.sh, as
#    the qemu suite does; no QEMU 10 is a failure) with -kernel IMAGE and
#    -dtb the SDK's rpi4-qemu.dtb, under -icount; hello for rpi4b_2gb,
#    _4gb and _8gb, whose kernel must report each board's RAM (QEMU's 2 GiB
#    raspi4b lacks the RAM above 2 GiB the last two name; hello's few
#    allocations stay low); and the tool refusing the other board's kernel
#    (--kaal-kernel) for rpi4b_1gb and qemu_virt_aarch64;
# 6. the debug config (tests/microkit/debug_config, a PD that uses seL4's
#    debug calls when CONFIG_DEBUG_BUILD says it may): only the debug
#    config's gen_config.h says CONFIG_DEBUG_BUILD; built with
#    MICROKIT_CONFIG=debug it prints through seL4_DebugPutChar and gets
#    the answers of seL4_DebugCapIdentify, a debug syscall, on
#    kaal-sim-debug, on QEMU virt and on raspi4b (so microkit --config
#    debug chose the SDK's debug kernels), and on the release kaal-sim the
#    call is a fault the loader reports; built with MICROKIT_CONFIG=release
#    it has none of them (expected/debug_config.CONFIG.txt).
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

# QEMU 10 for raspi4b, fetched once (with the lock tests/qemu/run-raspi4b.sh
# takes); the namespace below sees its unpacked root through a bind mount.
qemu10=$arm64/qemu10
mkdir -p "$qemu10"
exec 9>"$qemu10/.lock"
flock 9
if ! "$src/scripts/qemu-fetch-raspi4b.sh" "$qemu10" >/dev/null; then
    echo "FAIL: QEMU 10 with -M raspi4b could not be fetched into $qemu10" \
        "(scripts/qemu-fetch-raspi4b.sh); the rpi4b images were NOT tested"
    exit 1
fi
exec 9>&-
mkdir "$tmp/qemu10"

echo "== make sdk PREFIX=$tmp/sdk"
make -s -C "$src" sdk PREFIX="$tmp/sdk" HOSTED="$hosted" ARM64="$arm64" >/dev/null
cp -R "$src/examples/microkit" "$tmp/examples"
cp -R "$src/tests/microkit/debug_config" "$tmp/debug_config"
cp -R "$src/tests/microkit/expected" "$tmp/expected"

cat >"$tmp/outside.sh" <<'INNER'
set -eu
tmp=$1 qemu10_root=$2; shift 2
mount --bind "$qemu10_root" "$tmp/qemu10"
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
        dbg=$(grep -c '^#define CONFIG_DEBUG_BUILD 1$' "$d/include/kernel/gen_config.h" || true)
        [ "$dbg" = "$([ $c = debug ] && echo 1 || echo 0)" ] ||
            { echo "FAIL: $b/$c: CONFIG_DEBUG_BUILD defined $dbg times"; fail=1; }
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
# The debug config on kaal_hosted: kaal-sim-debug runs the debug build, the
# release kaal-sim reports the debug syscall as the PD's fault, and the
# release build uses no debug call.
for config in debug release; do
    echo "== debug_config ($config, kaal_hosted)"
    b=$tmp/build/debug_config-$config
    if ! make -C "$tmp/debug_config" BUILD_DIR="$b" MICROKIT_SDK="$sdk" \
            MICROKIT_BOARD=kaal_hosted MICROKIT_CONFIG=$config >"$b.log" 2>&1; then
        cat "$b.log"; echo "FAIL: debug_config: make ($config)"; fail=1; continue
    fi
    sim=kaal-sim
    [ $config = debug ] && sim=kaal-sim-debug
    st=0
    timeout 60 $sim --module "$b/loader.img" </dev/null >"$b.out" 2>"$b.err" || st=$?
    grep -v '^kaal' "$b.out" >"$b.lines" || true
    if [ "$st" != 3 ] || ! diff -u "$tmp/expected/debug_config.$config.txt" "$b.lines"; then
        cat "$b.out" "$b.err"
        echo "FAIL: debug_config ($config) on $sim: status $st (not 3) or the output differs"; fail=1
    fi
    n=$((n + 1))
done
b=$tmp/build/debug_config-debug
st=0
timeout 60 kaal-sim --module "$b/loader.img" </dev/null >"$b.rel.out" 2>&1 || st=$?
want='root: fault in debug (pd0.elf, thread main): unknown syscall -12 (DebugCapIdentify: a debug syscall, not in a release kernel), pc 0x'
if [ "$st" != 0 ] || ! grep -qF "$want" "$b.rel.out"; then
    cat "$b.rel.out"
    echo "FAIL: debug_config (debug) on the release kaal-sim: status $st (not 0), or no report of the debug syscall's fault"
    fail=1
fi
# A run's end: the expected last line, or the kernel's word that nothing will
# follow (every thread blocked and no interrupt due, a halt, a kernel
# exception: the Pi has no power-off, so the machine idles on), or QEMU's exit.
run_until() { # OUT LAST-LINE COMMAND...: until the run's end, 600 s at most
    out=$1 last=$2; shift 2
    "$@" </dev/null >"$out" 2>&1 &
    qp=$!
    # A run ends on its own words long before the bound; the bound only
    # stops a broken image, so a loaded machine cannot turn a pass into a
    # fail.
    for _ in $(seq 6000); do
        if tr -d '\r' <"$out" | grep -qxF -e "$last" \
                -e 'kaal: all threads are blocked and no interrupt is due: machine stopped' ||
                grep -q '^kaal: halt requested\|KERNEL EXCEPTION' "$out" ||
                ! kill -0 "$qp" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    # qemu10 is a shell function: $qp is the subshell running it, and QEMU
    # its child, which must not outlive the test.
    pkill -P "$qp" 2>/dev/null || true
    kill "$qp" 2>/dev/null || true
    wait "$qp" 2>/dev/null || true
}
qemu_run() { # IMAGE OUT LAST-LINE
    run_until "$2" "$3" qemu-system-aarch64 -machine virt,virtualization=on -cpu cortex-a53 \
        -serial mon:stdio -device loader,file="$1",addr=0x70000000,cpu-num=0 -m size=2G \
        -nographic -icount shift=0,align=off,sleep=off
}
# QEMU 10 from the bind mount (what qemu-fetch-raspi4b.sh's wrapper runs).
qemu10() {
    QEMU_MODULE_DIR=$tmp/qemu10/usr/lib/x86_64-linux-gnu/qemu \
        "$tmp/qemu10/usr/bin/qemu-system-aarch64" -L "$tmp/qemu10/usr/share/qemu" "$@"
}
rpi4_run() { # IMAGE OUT LAST-LINE: the firmware's way, kernel8.img at 0x80000, x0 = its tree
    run_until "$2" "$3" qemu10 -M raspi4b -audio none -serial mon:stdio -nographic \
        -kernel "$1" -dtb "$sdk/share/kaal/arm64/rpi4-qemu.dtb" -icount shift=0,align=off,sleep=off
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
gnu=(CC=aarch64-linux-gnu-gcc LD=aarch64-linux-gnu-ld AS=aarch64-linux-gnu-as)
# Build project DIR for BOARD (GNU tools) and CONFIG into B, boot it the
# board's way and compare its lines with EXPECTED (the kaal_hosted lines;
# the root task names the platform NAME instead of hosted).
board_check() { # DIR B BOARD CONFIG NAME EXPECTED
    local dir=$1 b=$2 board=$3 config=$4 name=$5 expected=$6 ex
    ex=$(basename "$dir")
    if ! make -C "$dir" BUILD_DIR="$b" MICROKIT_SDK="$sdk" MICROKIT_BOARD="$board" \
            MICROKIT_CONFIG="$config" "${gnu[@]}" >"$b.log" 2>&1; then
        cat "$b.log"; echo "FAIL: $ex: make ($board)"; fail=1; return
    fi
    sed "s/^root: KaaL root task running on hosted\$/root: KaaL root task running on $name/" \
        "$expected" >"$b.expected"
    case $board in
    rpi4b_*) rpi4_run "$b/loader.img" "$b.out" "$(tail -1 "$b.expected")" ;;
    *) qemu_run "$b/loader.img" "$b.out" "$(tail -1 "$b.expected")" ;;
    esac
    grep -v '^kaal\|^\[arm64\]\|^qemu-system-aarch64: ' "$b.out" | tr -d '\r' >"$b.lines" || true
    if ! diff -u "$b.expected" "$b.lines"; then
        cat "$b.out"
        echo "FAIL: $ex ($board, $config): the output above differs from the expected"; fail=1
    fi
    n=$((n + 1))
}
for dir in "$tmp"/examples/*/; do
    ex=$(basename "$dir")
    echo "== $ex (rpi4b_1gb, QEMU 10 raspi4b)"
    board_check "$dir" "$tmp/build/$ex-rpi4b_1gb" rpi4b_1gb debug arm64-rpi4 "$tmp/expected/$ex.txt"
done
# The other Pi 4 boards: the RAM each names (the firmware's default map:
# 0x3b400000 below the VideoCore, 0x40000000 up to 2 GiB or to the
# peripherals at 0xfc000000, 4 GiB from 0x100000000), as the kernel sums it.
for bm in rpi4b_2gb:1971 rpi4b_4gb:3955 rpi4b_8gb:8051; do
    board=${bm%:*} mib=${bm#*:}
    echo "== hello ($board, QEMU 10 raspi4b)"
    b=$tmp/build/hello-$board
    if ! make -C "$tmp/examples/hello" BUILD_DIR="$b" MICROKIT_SDK="$sdk" MICROKIT_BOARD=$board \
            MICROKIT_CONFIG=release "${gnu[@]}" >"$b.log" 2>&1; then
        cat "$b.log"; echo "FAIL: hello: make ($board)"; fail=1; continue
    fi
    sed 's/^root: KaaL root task running on hosted$/root: KaaL root task running on arm64-rpi4/' \
        "$tmp/expected/hello.txt" >"$b.expected"
    rpi4_run "$b/loader.img" "$b.out" "$(tail -1 "$b.expected")"
    grep -v '^kaal\|^\[arm64\]\|^qemu-system-aarch64: ' "$b.out" | tr -d '\r' >"$b.lines" || true
    if ! tr -d '\r' <"$b.out" | grep -q "^\[arm64\] rpi4: .*, RAM $mib MiB at 0x40000000 (device tree)$" ||
            ! diff -u "$b.expected" "$b.lines"; then
        cat "$b.out"; echo "FAIL: hello ($board): not $mib MiB of RAM, or the output differs"; fail=1
    fi
    n=$((n + 1))
done
# Each board's kernel only: the other one is refused, and no image is left.
b=$tmp/build/hello-rpi4b_1gb
for bk in rpi4b_1gb:kernel.img:0x200000 qemu_virt_aarch64:kernel8.img:0x80000; do
    board=${bk%%:*} k=${bk#*:}; off=${k#*:}; k=${k%:*}
    st=0
    (cd "$tmp/examples/hello" && microkit hello.system --search-path "$b" --board "$board" \
        --config debug -o "$tmp/wrong.img" --kaal-kernel "$sdk/share/kaal/arm64/$k") \
        >/dev/null 2>"$tmp/wrong.err" || st=$?
    if [ $st != 1 ] || [ -e "$tmp/wrong.img" ] ||
            ! grep -q "^microkit: error: .*/$k: a kernel linked for another board (text_offset $off" \
                "$tmp/wrong.err"; then
        cat "$tmp/wrong.err"; echo "FAIL: $board with $k: status $st"; fail=1
    fi
done
# The debug config on QEMU virt and raspi4b: the debug kernels.
for bq in qemu_virt_aarch64:arm64-qemu-virt rpi4b_1gb:arm64-rpi4; do
    board=${bq%%:*}
    echo "== debug_config (debug, $board)"
    board_check "$tmp/debug_config" "$tmp/build/debug_config-$board" "$board" debug "${bq#*:}" \
        "$tmp/expected/debug_config.debug.txt"
done
[ "$n" -ge 43 ] || { echo "FAIL: only $n example runs"; fail=1; }
echo "$n example runs"
exit $fail
INNER

hide=("$src")
for d in "$hosted" "$arm64"; do
    case "$d/" in "$src"/*) ;; *) hide+=("$d") ;; esac
done
if [ "$(id -u)" = 0 ]; then ns=(unshare --mount); else ns=(unshare --map-root-user --mount); fi
"${ns[@]}" bash "$tmp/outside.sh" "$tmp" "$qemu10/root" "${hide[@]}"
echo "== examples_test: ok"
