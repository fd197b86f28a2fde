#!/bin/bash
# Fetch QEMU 10 (which has -M raspi4b) from Debian's bookworm-backports and
# unpack it under DEST, without touching the machine's apt configuration,
# its package state or its installed QEMU.
#
#   scripts/qemu-fetch-raspi4b.sh DEST
#
# Prints the path of the unpacked qemu-system-aarch64 on success. Run the
# binary with QEMU_MODULE_DIR=DEST/root/usr/lib/x86_64-linux-gnu/qemu (the
# wrapper DEST/qemu-system-aarch64 written here does that). Idempotent: a
# second run finds the unpacked binary and does nothing.
set -euo pipefail

dest=${1:?usage: qemu-fetch-raspi4b.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
wrapper="$dest/qemu-system-aarch64"
if [ -x "$wrapper" ] && "$wrapper" -M help 2>/dev/null | grep -q raspi4b; then
    echo "$wrapper"
    exit 0
fi

# The Debian mirror the machine already uses (deb822 or one-line format).
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' "$f")
    [ -n "$mirror" ] && break
done
if [ -z "$mirror" ]; then
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*\/debian\/?$/) { print $i; exit } }')
fi
mirror=${mirror:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

apt_dir="$dest/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dest/debs" "$dest/root"
echo "deb [signed-by=$keyring] $mirror bookworm-backports main" >"$apt_dir/sources.list"
apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=-"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Debug::NoLocking=1"
)
echo "qemu-fetch-raspi4b: bookworm-backports from $mirror" >&2
apt-get -q "${apt_opts[@]}" update >&2
(cd "$dest/debs" && apt-get -q "${apt_opts[@]}" download \
    qemu-system-arm/bookworm-backports qemu-system-common/bookworm-backports \
    qemu-system-data/bookworm-backports >&2)
for deb in "$dest"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dest/root"
done

cat >"$wrapper" <<EOF
#!/bin/sh
# QEMU from bookworm-backports, unpacked by qemu-fetch-raspi4b.sh.
export QEMU_MODULE_DIR="$dest/root/usr/lib/x86_64-linux-gnu/qemu"
exec "$dest/root/usr/bin/qemu-system-aarch64" -L "$dest/root/usr/share/qemu" "\$@"
EOF
chmod +x "$wrapper"
if ! "$wrapper" -M help | grep -q raspi4b; then
    echo "qemu-fetch-raspi4b: the unpacked QEMU has no raspi4b machine" >&2
    exit 1
fi
echo "$wrapper"
