#!/bin/bash
# Debug the arm64 kernel and its user programs (`make debug-qemu`): QEMU
# with its gdb stub, stopped before the first instruction, and
# gdb-multiarch attached with the kernel's symbols and KaaL's gdb extension
# (tools/gdb/kaal.py: `kaal break PROGRAM:LOCATION`, `kaal threads`, ...;
# docs/debugging.md, "Debugging user programs with gdb").
#
#   scripts/qemu-debug.sh [BUILD-DIR] [EXTRA-GDB-ARGS...]
#
# Environment: KERNEL, QEMU_CPU, QEMU_GIC, QEMU_MEM, QEMU as qemu-run.sh;
# GDB_PORT (1234); INITRD=FILE boots that boot archive (QEMU -initrd, as
# the SDK's `make run BACKEND=qemu` does) and tells the extension that the
# programs are in it (`kaal archive FILE`); KAAL_GDB_PY the extension
# (default: tools/gdb/kaal.py beside this script). The console goes to
# BUILD-DIR/qemu-console.log (`tail -f` it in another terminal).
#
# The kernel is linked at 0xffff0000_00000000 + its physical address and
# runs at the physical address until head.S turns the MMU on, so gdb gets
# the symbols twice: at the link addresses (everything after boot_high)
# and shifted down to the physical alias (_start, arm64_boot_early).
# `break arm64_boot_main` then `continue` is a good first step.
set -u
build=${1:-build/arm64}
[ $# -gt 0 ] && shift
kernel=${KERNEL:-$build/hal/arm64/kernel.elf}
qemu=${QEMU:-qemu-system-aarch64}
port=${GDB_PORT:-1234}
if [ ! -f "$kernel" ]; then
    echo "qemu-debug.sh: $kernel not built (ninja -C $build)" >&2
    exit 2
fi
kaal_py=${KAAL_GDB_PY:-$(dirname "$0")/../tools/gdb/kaal.py}
initrd=()
archive=()
if [ -n "${INITRD:-}" ]; then
    if [ ! -f "$INITRD" ]; then
        echo "qemu-debug.sh: INITRD=$INITRD: no such file" >&2
        exit 2
    fi
    initrd=(-initrd "$INITRD")
    archive=(-ex "kaal archive $INITRD")
fi
log="$build/qemu-console.log"
"$qemu" -M "virt,gic-version=${QEMU_GIC:-2}" -cpu "${QEMU_CPU:-cortex-a72}" \
    -m "${QEMU_MEM:-512M}" -nic none -semihosting -kernel "$kernel" "${initrd[@]}" \
    -display none -monitor none -serial "file:$log" \
    -gdb "tcp::$port" -S </dev/null &
qemu_pid=$!
trap 'kill $qemu_pid 2>/dev/null; wait $qemu_pid 2>/dev/null' EXIT
echo "qemu-debug.sh: QEMU pid $qemu_pid waiting on :$port, console in $log"
# 2^64 - 0xffff000000000000: adding it moves a link address to its
# physical alias.
gdb-multiarch -q "$kernel" \
    -ex "add-symbol-file $kernel -o 0x0001000000000000" \
    -x "$kaal_py" "${archive[@]}" \
    -ex "target remote :$port" "$@"
