#!/bin/bash
# `make tutorial CH=N [BACKEND=qemu]` (docs/tutorial/README.md).
#
#   tutorial/run.sh N hosted|qemu HOSTED-BUILD ARM64-BUILD
#
# The learner edits a copy of the chapter's exercise, build/tutorial/chN/
# exercise.c: made from tutorial/chN-*/exercise.c the first time (delete it
# to start the chapter again); the tree's exercise stays as it is, so that
# `make test` keeps checking it. The copy is built as a root task
# (tutorial-chN-learner.elf) and run on kaal-sim, or on QEMU virt as the
# root task of its own kernel image; it prints each step it finds done and
# the first one that is not. Exit status: the program's (0: every step done).
set -u
ch=${1:-} backend=${2:-hosted} hosted=${3:-build/hosted} arm64=${4:-build/arm64}
dirs=(tutorial/ch"$ch"-*)
if [ -z "$ch" ] || [ ! -d "${dirs[0]}" ]; then
    echo "make tutorial: give a chapter: make tutorial CH=N, N one of:" \
        $(ls -d tutorial/ch*-* | sed 's|tutorial/ch\([0-9]*\)-.*|\1|' | sort -n) >&2
    exit 2
fi
# A chapter whose exercise is not one root task has its own run.sh.
[ -x "${dirs[0]}/run.sh" ] && exec "${dirs[0]}/run.sh" "$ch" "$backend" "$hosted" "$arm64"
copy=build/tutorial/ch$ch/exercise.c
if [ ! -f "$copy" ]; then
    mkdir -p "$(dirname "$copy")"
    cp "${dirs[0]}/exercise.c" "$copy"
    echo "tutorial: your copy of chapter $ch's exercise is $copy: edit it there"
    echo "tutorial: (to start again, delete it; the solution is ${dirs[0]}/solution.c)"
fi
case "$backend" in
hosted)
    ninja -C "$hosted" tutorial/tutorial-ch"$ch"-learner.elf sim/kaal-sim >/dev/null ||
        ninja -C "$hosted" tutorial/tutorial-ch"$ch"-learner.elf || exit 1
    echo "tutorial: chapter $ch on kaal-sim ($copy)"
    elf=$hosted/tutorial/tutorial-ch$ch-learner.elf module=(--no-module)
    [ -f "${dirs[0]}/self-module" ] && module=(--module "$elf")
    "$hosted"/sim/kaal-sim "${module[@]}" --root "$elf"
    ;;
qemu)
    kernel=tutorial/kernel-tutorial-ch"$ch"-learner.elf
    ninja -C "$arm64" "$kernel" >/dev/null || ninja -C "$arm64" "$kernel" || exit 1
    echo "tutorial: chapter $ch on QEMU virt ($copy)"
    KERNEL="$arm64/$kernel" scripts/qemu-run.sh "$arm64"
    ;;
*)
    echo "make tutorial: BACKEND is hosted or qemu, not '$backend'" >&2
    exit 2
    ;;
esac
status=$?
echo "tutorial: status $status"
exit $status
