#!/bin/bash
# `make tutorial CH=12` (tutorial/run.sh hands over here; kaal-sim only).
#
#   tutorial/ch12-fuzz/run.sh 12 hosted HOSTED-BUILD ARM64-BUILD
#
# The learner's files, copied the first time to build/tutorial/ch12/:
# fuzz.system (the description with the played client), seed.txt (the
# seed input, tutorial/ch12-fuzz/seed.py's text) and server.c (the server,
# to fix). check.sh reports the steps. With the fuzz build (build/fuzz,
# `make build-fuzz`: clang, libFuzzer), step 3 runs the whole-system
# fuzzer on your harness (seed 1, FUZZ_RUNS executions, default 20000);
# without it, step 3 replays the crash the fuzzer finds (crash-server).
set -u
backend=${2:-hosted} hosted=${3:-build/hosted}
if [ "$backend" != hosted ]; then
    echo "make tutorial: chapter 12 runs on kaal-sim only (the fuzzer is a Linux process)" >&2
    exit 2
fi
dir=tutorial/ch12-fuzz
copy=build/tutorial/ch12
mkdir -p "$copy"
for f in fuzz.system:exercise.system seed.txt:exercise-seed.txt server.c:server.c; do
    if [ ! -f "$copy/${f%%:*}" ]; then
        cp "$dir/${f#*:}" "$copy/${f%%:*}"
        echo "tutorial: your copy of $dir/${f#*:} is $copy/${f%%:*}: edit it there"
    fi
done
t=tutorial/ch12-fuzz
targets=("$t/tutorial-ch12-server.elf" "$t/tutorial-ch12-server-learner.elf" "$t/tutorial-ch12-fuzzclient.elf"
         user/archive/mkcpio sim/kaal-sim)
ninja -C "$hosted" "${targets[@]}" >/dev/null || ninja -C "$hosted" "${targets[@]}" || exit 1
fuzz=()
fuzzbuild=${FUZZ_BUILD:-build/fuzz}
if [ -f "$fuzzbuild/build.ninja" ]; then
    ninja -C "$fuzzbuild" fuzz/fuzz_system "$t/tutorial-ch12-server.elf" "$t/tutorial-ch12-fuzzclient.elf" \
        >/dev/null || exit 1
    # the fuzz build's server and client: compiled with the coverage the fuzzer reads
    fuzz=(--fuzzer "$fuzzbuild/fuzz/fuzz_system" --runs "${FUZZ_RUNS:-20000}")
    given=$fuzzbuild/$t/tutorial-ch12-server.elf client=$fuzzbuild/$t/tutorial-ch12-fuzzclient.elf
    echo "tutorial: chapter 12 with the fuzzer of $fuzzbuild"
else
    given=$hosted/$t/tutorial-ch12-server.elf client=$hosted/$t/tutorial-ch12-fuzzclient.elf
    echo "tutorial: chapter 12 without a fuzz build (make build-fuzz makes one): step 3 replays $dir/crash-server"
fi
"$dir/check.sh" --system "$copy/fuzz.system" --seed "$copy/seed.txt" \
    --server "$hosted/$t/tutorial-ch12-server-learner.elf" --given "$given" --fuzzclient "$client" \
    --mkcpio "$hosted/user/archive/mkcpio" --sim "$hosted/sim/kaal-sim" --work "$copy/work" "${fuzz[@]}"
status=$?
echo "tutorial: status $status"
exit $status
