#!/bin/bash
# `make tutorial CH=13 BACKEND=qemu|raspi4b` (tutorial/run.sh hands over
# here). Chapter 13 is bare metal: it runs on QEMU virt (qemu) or on
# QEMU 10's Raspberry Pi 4 (raspi4b; fetched into ARM64-BUILD/qemu10 as
# the tests do), not on kaal-sim.
#
#   tutorial/ch13-bare-metal/run.sh 13 qemu|raspi4b HOSTED-BUILD ARM64-BUILD
#
# The learner's files, copied the first time to build/tutorial/ch13/:
# virt.system, rpi4.system and driver.c. pack.sh makes the boot archive
# (mkcpio checks each description first), and the board's kernel image of
# the check boots it as its initrd.
set -u
backend=${2:-hosted} arm64=${4:-build/arm64}
dir=tutorial/ch13-bare-metal
copy=build/tutorial/ch13
case "$backend" in
qemu | raspi4b) ;;
*)
    echo "make tutorial: chapter 13 runs on the boards: BACKEND=qemu (QEMU virt) or BACKEND=raspi4b" >&2
    exit 2
    ;;
esac
mkdir -p "$copy"
for f in virt.system:exercise-virt.system rpi4.system:exercise-rpi4.system driver.c:driver.c; do
    if [ ! -f "$copy/${f%%:*}" ]; then
        cp "$dir/${f#*:}" "$copy/${f%%:*}"
        echo "tutorial: your copy of $dir/${f#*:} is $copy/${f%%:*}: edit it there"
    fi
done
t=tutorial/ch13-bare-metal
img=$t/kernel-tutorial-ch13-check.img
[ "$backend" = raspi4b ] && img=$t/kernel-tutorial-ch13-check-rpi4.img
targets=("$img" "$t/tutorial-ch13-driver-learner.elf" user/archive/mkcpio tests/qemu/rpi4-qemu.dtb)
ninja -C "$arm64" "${targets[@]}" >/dev/null || ninja -C "$arm64" "${targets[@]}" || exit 1
"$dir/pack.sh" "$arm64/user/archive/mkcpio" "$copy/ch13.cpio" "$copy/virt.system" "$copy/rpi4.system" \
    "$arm64/$t/tutorial-ch13-driver-learner.elf" || exit 1
if [ "$backend" = qemu ]; then
    echo "tutorial: chapter 13 on QEMU virt ($copy)"
    KERNEL="$arm64/$img" scripts/qemu-run.sh "$arm64" -initrd "$copy/ch13.cpio"
else
    echo "tutorial: chapter 13 on a Raspberry Pi 4 (QEMU 10 -M raspi4b; $copy)"
    "$dir/qemu10.sh" scripts/qemu-fetch-raspi4b.sh "$arm64/qemu10" -M raspi4b -audio none -semihosting \
        -display none -monitor none -serial file:/dev/stdout -icount shift=0,align=off,sleep=off \
        -kernel "$arm64/$img" -dtb "$arm64/tests/qemu/rpi4-qemu.dtb" -initrd "$copy/ch13.cpio" | tr -d '\r'
    (exit "${PIPESTATUS[0]}")
fi
status=$?
echo "tutorial: status $status"
exit $status
