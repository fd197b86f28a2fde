#!/bin/sh
# Install the Debian packages KaaL needs, if any are missing.
#   scripts/deps.sh run|test|fuzz|proof
# As root: apt-get installs what is missing, non-interactively. Otherwise:
# print the exact command and stop. Installs nothing when all are present.
set -eu
what=${1:-run}
pkgs="meson ninja-build gcc libc6-dev pkg-config python3 libcriterion-dev libexpat1-dev gcc-aarch64-linux-gnu"
case "$what" in
  test) pkgs="$pkgs qemu-system-arm ipxe-qemu clang llvm lld libclang-rt-14-dev frama-c-base why3 z3 cvc4 graphviz gdb gdb-multiarch valgrind" ;;
  fuzz) pkgs="$pkgs clang llvm libclang-rt-14-dev" ;;
  proof) pkgs="$pkgs frama-c-base why3 z3 cvc4" ;;
  qemu|debug) pkgs="$pkgs qemu-system-arm ipxe-qemu gdb gdb-multiarch" ;;
  picture) pkgs="$pkgs graphviz" ;;
esac
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
  echo "KaaL needs these Debian packages:$missing" >&2
  echo "Run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
