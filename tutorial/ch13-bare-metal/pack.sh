#!/bin/bash
# The boot archive of chapter 13's check (check.c), given to the kernel as
# its initrd:
#
#   pack.sh MKCPIO OUT VIRT.system RPI4.system DRIVER.elf
#
# OUT holds virt.desc, rpi4.desc (the two descriptions under names that
# are not *.system: an archive holds one system description, and the
# check loads both) and driver.elf. Each description is first checked by
# mkcpio on its own, as the loader will, so that a mistake is reported
# with its file and line (the check then reports its step as not done).
set -u
mkcpio=$1 out=$2 virt=$3 rpi4=$4 driver=$5
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
for f in "$virt" "$rpi4"; do
    "$mkcpio" "$tmp/check.cpio" "board.system=$f" "driver.elf=$driver" 2>&1 |
        sed "s|^board.system|$f|; s|^$f|$f|"
done
exec "$mkcpio" "$out" "virt.desc=$virt" "rpi4.desc=$rpi4" "driver.elf=$driver"
