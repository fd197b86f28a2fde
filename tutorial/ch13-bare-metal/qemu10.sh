#!/bin/bash
# QEMU 10 (for -M raspi4b), as the tree's raspi4b tests get it
# (tests/qemu/run-raspi4b.sh): fetched once into DEST by FETCH-SCRIPT
# (scripts/qemu-fetch-raspi4b.sh), then run with the arguments.
#
#   qemu10.sh FETCH-SCRIPT DEST QEMU-ARGS...
#
# If QEMU 10 cannot be had, says so and fails: a Raspberry Pi 4 run that
# did not happen must never look like a pass.
set -u
fetch=$1 dest=$2
shift 2
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
if ! qemu=$("$fetch" "$dest"); then
    echo "FAIL: QEMU 10 with -M raspi4b could not be fetched into $dest"
    echo "(scripts/qemu-fetch-raspi4b.sh needs deb.debian.org bookworm-backports):"
    echo "the Raspberry Pi 4 run did NOT happen"
    exit 1
fi
flock -u 9
exec "$qemu" "$@" </dev/null
