#!/bin/bash
# Filling the gaps in order advances the report one step at a time
# (suite 'tutorial', hosted build).
#
#   progress.sh SRC OUTDIR LIBKAAL ARCH-INCLUDE KAAL-SIM -- CC... FLAGS...
#
# For each chapter folder tutorial/chN-*: tutorial/progress.py checks that
# exercise.c and solution.c agree outside the gaps and writes step-K.c
# (the gaps of steps 1..K filled from the solution); each is built as a
# root task with the backend's user flags and libkaal and run on kaal-sim:
# it must report "chN: step K+1 not done" and "chN: K of M steps done" and
# halt with status 1, or for K = M "chN: all M steps done" and status 0.
set -u
src=$1 out=$2 libkaal=$3 archinc=$4 sim=$5
shift 5
[ "$1" = "--" ] && shift
cc=("$@")
rm -rf "$out"
inc=(-I "$src/include" -I "$src/user/libkaal/include" -I "$archinc" -I "$src/tutorial/include")
fail=0 n=0
for dir in "$src"/tutorial/ch*-*/; do
    dir=${dir%/}
    [ -f "$dir/exercise.c" ] || continue   # a chapter with its own progress test
    name=$(basename "$dir")
    ch=${name%%-*}
    python3 "$src/tutorial/progress.py" "$dir" "$out/$name" || { fail=1; continue; }
    while read -r k m; do
        n=$((n + 1))
        elf=$out/$name/step-$k.elf
        if ! "${cc[@]}" -std=gnu11 -Wall -Wextra -Werror "${inc[@]}" "$out/$name/step-$k.c" \
            -Wl,--whole-archive "$libkaal" -Wl,--no-whole-archive -o "$elf" >"$elf.log" 2>&1; then
            cat "$elf.log"
            echo "FAIL: $name with the gaps of steps 1..$k filled does not build"
            fail=1
            continue
        fi
        module=(--no-module)
        [ -f "$dir/self-module" ] && module=(--module "$elf")
        "$sim" "${module[@]}" --root "$elf" </dev/null >"$elf.out" 2>&1
        status=$?
        if [ "$k" -lt "$m" ]; then
            want=("$ch: step $((k + 1)) not done: " "$ch: $k of $m steps done") want_status=1
        else
            want=("$ch: all $m steps done") want_status=0
        fi
        ok=1
        for w in "${want[@]}"; do
            grep -q "^$w" "$elf.out" || ok=0
        done
        if [ $ok = 0 ] || [ "$status" != "$want_status" ]; then
            cat "$elf.out"
            echo "FAIL: $name with the gaps of steps 1..$k filled: want '${want[*]}' and status $want_status, got status $status"
            fail=1
        else
            echo "$name: gaps 1..$k filled: $(grep "^$ch: \(all\|[0-9]* of\)" "$elf.out")"
        fi
    done <"$out/$name/steps.txt"
done
echo "$n partial exercises built and run"
exit $fail
