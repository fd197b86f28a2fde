#!/bin/sh
# Install the SDK (`make sdk PREFIX=DIR`, docs/sdk.md) from built folders.
#
#   scripts/sdk-install.sh PREFIX HOSTED-BUILD ARM64-BUILD
#
# meson install of the targets tagged 'sdk' (install_tag) of both build
# folders, with --no-rebuild (the Makefile builds first). The folders keep
# their own prefix: each is installed into a staging folder (--destdir) and
# its prefix's contents are copied to PREFIX, so installing never
# reconfigures a build folder another job may be using. Every installed
# path is relative to the prefix and kaal.pc locates itself
# (${pcfiledir}), so PREFIX can be moved afterwards.
set -eu
if [ $# -ne 3 ] || [ -z "$1" ]; then
    echo "usage: $0 PREFIX HOSTED-BUILD ARM64-BUILD (make sdk PREFIX=DIR)" >&2
    exit 2
fi
prefix=$1; hosted=$2; arm64=$3
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/kaal-sdk-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
for b in "$hosted" "$arm64"; do
    bprefix=$(meson introspect "$b" --buildoptions |
        python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
    rm -rf "$stage/root"
    meson install -C "$b" --no-rebuild --quiet --tags sdk --destdir "$stage/root" >/dev/null
    cp -R "$stage/root$bprefix/." "$prefix/"
done
# Microkit's SDK layout (docs/microkit.md): board/BOARD/CONFIG/{include,lib}
# from libmicrokit of each backend (lib/microkit/<backend>/), bin/microkit.
# The debug config is seL4's debug build: its libmicrokit.a is
# libmicrokit_debug.a (libkaal with the debug syscalls), its gen_config.h
# says CONFIG_DEBUG_BUILD, CONFIG_PRINTING and KAAL_DEBUG_SYSCALLS (which
# <kaal/kaal.h> and <sel4/sel4.h> read), and microkit --config debug
# boots the debug kernels (kernel-debug.img, kernel8-debug.img; on
# kaal_hosted: kaal-sim-debug).
microkit_board() { # BOARD BACKEND SEL4_ARCH SEL4_PLAT
    src=$prefix/lib/microkit/$2
    [ -f "$src/libmicrokit.a" ] || return 0
    for config in debug release; do
        d=$prefix/board/$1/$config
        rm -rf "$d"
        mkdir -p "$d/include/kernel" "$d/lib"
        lib=libmicrokit.a debug_defs=
        if [ $config = debug ]; then
            lib=libmicrokit_debug.a
            debug_defs="#define CONFIG_DEBUG_BUILD 1
#define CONFIG_PRINTING 1
#define KAAL_DEBUG_SYSCALLS 1"
        fi
        cp "$src/$lib" "$d/lib/libmicrokit.a"
        cp "$src/microkit.ld" "$d/lib/"
        cp "$src/microkit.h" "$src/microkit_kaal.h" "$prefix/lib/kaal/$2/include/kaal_arch.h" \
            "$d/include/"
        cp -R "$prefix/include/kaal" "$prefix/include/sel4" "$d/include/"
        arch_flag=$(echo "CONFIG_ARCH_$3" | tr a-z A-Z)
        printf '%s\n' "/* KaaL's Microkit SDK: board $1, config $config (docs/microkit.md). */" \
            "#pragma once" "#define CONFIG_SEL4_ARCH  $3" "#define $arch_flag 1" \
            "#define CONFIG_WORD_SIZE  64" "#define CONFIG_MAX_NUM_NODES  1" \
            "#define CONFIG_KAAL_BOARD  $1" "#define CONFIG_PLAT_$4 1" \
            ${debug_defs:+"$debug_defs"} >"$d/include/kernel/gen_config.h"
    done
}
# The platform as seL4 names it (CONFIG_PLAT_...), for board-specific code.
microkit_board kaal_hosted hosted x86_64 KAAL_HOSTED
microkit_board qemu_virt_aarch64 arm64 aarch64 QEMU_ARM_VIRT
for b in rpi4b_1gb rpi4b_2gb rpi4b_4gb rpi4b_8gb; do
    microkit_board $b arm64 aarch64 BCM2711
done

echo "KaaL SDK installed in $prefix:"
echo "  export PATH=$prefix/bin:\$PATH PKG_CONFIG_PATH=$prefix/lib/pkgconfig"
echo "  cp -r $prefix/share/kaal/template hello && cd hello && make run   (docs/sdk.md)"
echo "  Microkit: MICROKIT_SDK=$prefix MICROKIT_BOARD=kaal_hosted   (docs/microkit.md)"
