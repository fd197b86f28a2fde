#!/bin/bash
# `make tutorial CH=10 [BACKEND=qemu]` (tutorial/run.sh hands over here).
#
#   tutorial/ch10-system/run.sh 10 hosted|qemu HOSTED-BUILD ARM64-BUILD
#
# The learner's exercise is a pair of descriptions, copied the first time
# to build/tutorial/ch10/ch10.system (KaaL's format) and
# build/tutorial/ch10/microkit.system (Microkit's). archive.py packs them
# with the chapter's programs (the microkit tool and mkcpio print what they
# refuse, with FILE:LINE), and check.c, the root task, loads, builds and
# runs them on kaal-sim, or on QEMU virt with the archive as the initrd.
set -u
backend=${2:-hosted} hosted=${3:-build/hosted} arm64=${4:-build/arm64}
dir=tutorial/ch10-system
copy=build/tutorial/ch10
mkdir -p "$copy"
for f in ch10.system:exercise.system microkit.system:exercise-microkit.system; do
    if [ ! -f "$copy/${f%%:*}" ]; then
        cp "$dir/${f#*:}" "$copy/${f%%:*}"
        echo "tutorial: your copy of $dir/${f#*:} is $copy/${f%%:*}: edit it there"
    fi
done
case "$backend" in
hosted) build=$hosted board=(--board kaal_hosted) ;;
qemu) build=$arm64 board=(--board qemu_virt_aarch64 --kernel "$arm64/hal/arm64/kernel.img") ;;
*) echo "make tutorial: BACKEND is hosted or qemu, not '$backend'" >&2; exit 2 ;;
esac
t=tutorial/ch10-system
targets=("$t/tutorial-ch10-check.elf" "$t/tutorial-ch10-server.elf" "$t/tutorial-ch10-client.elf"
         "$t/tutorial-ch10-pd_server.elf" "$t/tutorial-ch10-pd_client.elf" user/archive/mkcpio
         tools/microkit/microkit)
if [ "$backend" = hosted ]; then
    targets+=(sim/kaal-sim)
else
    targets+=(hal/arm64/kernel.img "$t/kernel-tutorial-ch10-check.img")
fi
ninja -C "$build" "${targets[@]}" >/dev/null || ninja -C "$build" "${targets[@]}" || exit 1
python3 "$dir/archive.py" --mkcpio "$build/user/archive/mkcpio" --microkit "$build/tools/microkit/microkit" \
    "${board[@]}" --work "$copy/work-$backend" --out "$copy/ch10-$backend.cpio" \
    --system "$copy/ch10.system" --microkit-system "$copy/microkit.system" \
    --server "$build/$t/tutorial-ch10-server.elf" --client "$build/$t/tutorial-ch10-client.elf" \
    --pd-server "$build/$t/tutorial-ch10-pd_server.elf" --pd-client "$build/$t/tutorial-ch10-pd_client.elf" || exit 1
if [ "$backend" = hosted ]; then
    echo "tutorial: chapter 10 on kaal-sim ($copy/ch10.system, $copy/microkit.system)"
    "$build"/sim/kaal-sim --module "$copy/ch10-$backend.cpio" --root "$build/$t/tutorial-ch10-check.elf"
else
    echo "tutorial: chapter 10 on QEMU virt ($copy/ch10.system, $copy/microkit.system)"
    KERNEL="$build/$t/kernel-tutorial-ch10-check.img" scripts/qemu-run.sh "$build" -initrd "$copy/ch10-$backend.cpio"
fi
status=$?
echo "tutorial: status $status"
exit $status
