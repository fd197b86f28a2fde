#!/bin/bash -eu
# Build KaaL's fuzz targets the way OSS-Fuzz and ClusterFuzzLite call a
# project's build script (docs/fuzzing.md, "Fuzzing at scale").
#
# Honours the build contract's variables:
#   CC, CXX             the compilers (clang)
#   CFLAGS, CXXFLAGS    sanitizer and coverage flags for this build
#   LIB_FUZZING_ENGINE  how a fuzz target links the engine (-fsanitize=fuzzer)
#   OUT                 where targets, seed corpora, dictionaries and options go
#   WORK                scratch space (default: a folder under /tmp)
# Runs from the source tree (the image's WORKDIR, or this script's parent
# folder when run from a checkout).
#
# $CFLAGS goes to the kernel and the fuzz targets only (meson option
# fuzz_cflags), not to the freestanding user programs the targets embed:
# those run inside the hosted kernel and cannot carry a sanitizer runtime.
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/../meson.build" ] && [ -d "$here/../core" ]; then
  cd "$here/.."
fi
[ -f meson.build ] && [ -d core ] || { echo "build.sh: run from the KaaL source tree" >&2; exit 1; }
: "${CC:?CC is not set}" "${OUT:?OUT is not set}" "${LIB_FUZZING_ENGINE:?LIB_FUZZING_ENGINE is not set}"
cflags=${CFLAGS:-}
build=${WORK:-/tmp}/kaal-fuzz-build
rm -rf "$build"
mkdir -p "$OUT"

# The build's own flags come from the options, not from the environment.
env -u CFLAGS -u CXXFLAGS -u LDFLAGS -u CPPFLAGS CC="$CC" \
  meson setup "$build" -Dfuzz=true -Dbuildtype=plain -Dwerror=false -Db_lundef=false \
  -Dfuzz_cflags="$cflags" -Dfuzz_engine="$LIB_FUZZING_ENGINE" >"$build.setup.log" 2>&1 ||
  { cat "$build.setup.log" >&2; exit 1; }
ninja -C "$build" fuzz/fuzz_syscalls fuzz/fuzz_parsers fuzz/fuzz_system

# zip FILE DIR: every file of DIR at the top of the archive.
zip_flat() {
  python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
out, folder = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            z.write(path, name)
PY
}

# fuzz_system embeds its system (the demo's console server and the played
# client, fuzz/system/console.system) and runs it in its own process.
cp "$build/fuzz/fuzz_syscalls" "$build/fuzz/fuzz_parsers" "$build/fuzz/fuzz_system" "$OUT/"
zip_flat "$OUT/fuzz_syscalls_seed_corpus.zip" fuzz/corpus
zip_flat "$OUT/fuzz_parsers_seed_corpus.zip" fuzz/corpus-parsers
zip_flat "$OUT/fuzz_system_seed_corpus.zip" fuzz/corpus-system
cp fuzz/syscalls.dict "$OUT/fuzz_syscalls.dict"
# Input size caps as `make fuzz` uses them (scripts/fuzz-run.sh).
printf '[libfuzzer]\nmax_len = 256\ntimeout = 10\n' >"$OUT/fuzz_syscalls.options"
printf '[libfuzzer]\nmax_len = 8192\ntimeout = 10\n' >"$OUT/fuzz_parsers.options"
printf '[libfuzzer]\nmax_len = 128\ntimeout = 10\nuse_value_profile = 1\n' >"$OUT/fuzz_system.options"
echo "build.sh: fuzz_syscalls, fuzz_parsers and fuzz_system in $OUT"
