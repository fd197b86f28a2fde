#!/bin/bash
# Boot the arm64 kernel on QEMU virt (`make qemu`).
#
#   scripts/qemu-run.sh [BUILD-DIR] [EXTRA-QEMU-ARGS...]
#
# BUILD-DIR defaults to build/arm64 (meson setup build/arm64 --cross-file
# cross/aarch64.ini -Dhal=arm64). Environment: KERNEL (image to boot,
# default BUILD-DIR/hal/arm64/kernel.elf), QEMU_CPU (cortex-a72), QEMU_GIC
# (2 or 3; default 2, QEMU's), QEMU_MEM (512M), QEMU (qemu-system-aarch64).
#
# The machine stops by itself: the root task halts it, and QEMU exits with
# the kernel's status through semihosting. On a terminal the console is
# -nographic (Ctrl-A X quits); without one (CI, pipes, closed stdin) it is
# written to stdout and stdin is not read.
set -u
build=${1:-build/arm64}
[ $# -gt 0 ] && shift
kernel=${KERNEL:-$build/hal/arm64/kernel.elf}
qemu=${QEMU:-qemu-system-aarch64}
if [ ! -f "$kernel" ]; then
    echo "qemu-run.sh: $kernel not built (ninja -C $build)" >&2
    exit 2
fi
args=(-M "virt,gic-version=${QEMU_GIC:-2}" -cpu "${QEMU_CPU:-cortex-a72}" -m "${QEMU_MEM:-512M}"
      -nic none -semihosting -icount shift=0,align=off,sleep=off -kernel "$kernel")
if [ -t 0 ] && [ -t 1 ]; then
    exec "$qemu" "${args[@]}" -nographic "$@"
fi
"$qemu" "${args[@]}" -display none -monitor none -serial file:/dev/stdout "$@" </dev/null | cat
exit "${PIPESTATUS[0]}"
