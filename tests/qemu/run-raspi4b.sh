#!/bin/bash
# Run one QEMU test on -M raspi4b with QEMU 10 from bookworm-backports.
#
#   run-raspi4b.sh FETCH-SCRIPT DEST RUN-QEMU-ARGS...
#
# Fetches QEMU 10 into DEST with FETCH-SCRIPT (once; later runs reuse it),
# then hands over to run-qemu.sh with that binary. If QEMU 10 cannot be had
# (no network, no backports), says so loudly and fails: a missing raspi4b
# machine must never look like a pass.
set -u
fetch=$1
dest=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
if ! qemu=$("$fetch" "$dest"); then
    echo "########################################################################"
    echo "# FAIL: QEMU 10 with -M raspi4b could not be fetched into $dest"
    echo "# (scripts/qemu-fetch-raspi4b.sh needs deb.debian.org bookworm-backports)."
    echo "# The Raspberry Pi 4 image was NOT tested."
    echo "########################################################################"
    exit 1
fi
flock -u 9
exec "$here/run-qemu.sh" --qemu "$qemu" "$@"
