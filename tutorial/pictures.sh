#!/bin/bash
# The tutorial's pictures (`make tutorial-pictures`; docs/tutorial/images).
#
#   tutorial/pictures.sh HOSTED-BUILD          regenerate .dot and .svg
#   tutorial/pictures.sh HOSTED-BUILD --check  only compare the .dot files
#                                              (test tutorial/pictures)
#
# Each capability picture is a chapter's solution built with -DTUT_PICTURE
# (tutorial-chN-picture.elf: it halts at the point the page draws), run on
# kaal-sim with --dump-caps, cut down to the chapter's slots by
# tutorial/caps-subset.py and drawn by Graphviz (dot -Tsvg). The .dot files
# are committed beside the .svg: --check fails when a change to the kernel
# or a chapter changed what a picture shows, without depending on the
# Graphviz version.
set -u
build=${1:-build/hosted} check=${2:-}
src=$(cd "$(dirname "$0")/.." && pwd)
img=$src/docs/tutorial/images
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$img"
fail=0
# picture  program  root CNode slots to draw
pictures=(
    "ch2-caps ch2 2,40-49"
    "ch3-untyped ch3 40-70"
    "ch6-driver ch6 4,41,43-44,48-54"
    "ch8-vspace ch8 3,6,41-61"
    "ch9-spawn ch9 122-154"
)
[ -n "$check" ] || ninja -C "$build" tutorial/tutorial-ch2-picture.elf tutorial/tutorial-ch3-picture.elf \
    tutorial/tutorial-ch4-solution.elf tutorial/tutorial-ch5-solution.elf sim/kaal-sim \
    tutorial/tutorial-ch6-picture.elf tutorial/tutorial-ch6-solution.elf tutorial/tutorial-ch7-solution.elf \
    tutorial/tutorial-ch8-picture.elf tutorial/tutorial-ch9-picture.elf >/dev/null || exit 1
# dump_caps NAME CH: run chapter CH's picture program on kaal-sim (with
# its own ELF as boot module if the chapter has a self-module file) and
# write every capability to $tmp/NAME-full.dot.
dump_caps() {
    local elf=$build/tutorial/tutorial-$2-picture.elf module=(--no-module) d
    for d in "$src"/tutorial/"$2"-*/; do
        [ -f "$d/self-module" ] && module=(--module "$elf")
    done
    "$build"/sim/kaal-sim --quiet "${module[@]}" --root "$elf" \
        --dump-caps "$tmp/$1-full.dot" 2>"$tmp/$1.log" || { cat "$tmp/$1.log"; return 1; }
}
for p in "${pictures[@]}"; do
    set -- $p
    name=$1 ch=$2 slots=$3
    dump_caps "$name" "$ch" || exit 1
    python3 "$src/tutorial/caps-subset.py" "$tmp/$name-full.dot" "$tmp/$name.dot" "$slots" || exit 1
    if [ -n "$check" ]; then
        if ! cmp -s "$tmp/$name.dot" "$img/$name.dot"; then
            diff "$img/$name.dot" "$tmp/$name.dot"
            echo "FAIL: docs/tutorial/images/$name.dot is not what $ch shows now: make tutorial-pictures"
            fail=1
        else
            echo "docs/tutorial/images/$name.dot is current"
        fi
    else
        cp "$tmp/$name.dot" "$img/$name.dot"
        dot -Tsvg "$img/$name.dot" -o "$img/$name.svg" || exit 1
        echo "docs/tutorial/images/$name.svg"
    fi
done
# The address-space pictures: the same dump, the mapped frames of the
# chapter's slots drawn as the walks through their translation tables by
# tutorial/vspace-picture.py; compared like the capability pictures.
spaces=(
    "ch8-address-spaces ch8 41-61"
    "ch9-child-space ch9 135-153"
)
for p in "${spaces[@]}"; do
    set -- $p
    name=$1 ch=$2 slots=$3
    dump_caps "$name" "$ch" || exit 1
    python3 "$src/tutorial/vspace-picture.py" "$tmp/$name-full.dot" "$tmp/$name.dot" "$slots" || exit 1
    if [ -n "$check" ]; then
        if ! cmp -s "$tmp/$name.dot" "$img/$name.dot"; then
            diff "$img/$name.dot" "$tmp/$name.dot"
            echo "FAIL: docs/tutorial/images/$name.dot is not what $ch shows now: make tutorial-pictures"
            fail=1
        else
            echo "docs/tutorial/images/$name.dot is current"
        fi
    else
        cp "$tmp/$name.dot" "$img/$name.dot"
        dot -Tsvg "$img/$name.dot" -o "$img/$name.svg" || exit 1
        echo "docs/tutorial/images/$name.svg"
    fi
done
# Chapter 10: the system the solution's ch10.system describes, built and
# run by check.c (-DTUT_PICTURE: halted before the teardown); drawn: the
# two programs' CNodes and what their capabilities derive from.
t10=tutorial/ch10-system
[ -n "$check" ] || ninja -C "$build" $t10/tutorial-ch10-picture.elf $t10/tutorial-ch10-solution.cpio \
    >/dev/null || exit 1
"$build"/sim/kaal-sim --quiet --module "$build/$t10/tutorial-ch10-solution.cpio" \
    --root "$build/$t10/tutorial-ch10-picture.elf" --dump-caps "$tmp/ch10-full.dot" 2>"$tmp/ch10.log" ||
    { cat "$tmp/ch10.log"; exit 1; }
python3 "$src/tutorial/caps-subset.py" "$tmp/ch10-full.dot" "$tmp/ch10-system.dot" 1 || exit 1
if [ -n "$check" ]; then
    if ! cmp -s "$tmp/ch10-system.dot" "$img/ch10-system.dot"; then
        diff "$img/ch10-system.dot" "$tmp/ch10-system.dot"
        echo "FAIL: docs/tutorial/images/ch10-system.dot is not what ch10 shows now: make tutorial-pictures"
        fail=1
    else
        echo "docs/tutorial/images/ch10-system.dot is current"
    fi
else
    cp "$tmp/ch10-system.dot" "$img/ch10-system.dot"
    dot -Tsvg "$img/ch10-system.dot" -o "$img/ch10-system.svg" || exit 1
    echo "docs/tutorial/images/ch10-system.svg"
fi
# The timelines (kaal-sim --timeline, scripts/timeline-svg.py): redrawn,
# not compared (--check skips them).
if [ -z "$check" ]; then
    "$build"/sim/kaal-sim --quiet --no-module --root "$build/tutorial/tutorial-ch4-solution.elf" \
        --timeline "$tmp/ch4.json" || exit 1
    python3 "$src/scripts/timeline-check.py" "$tmp/ch4.json" || exit 1
    python3 "$src/scripts/timeline-svg.py" --from 0 --to 8 \
        --title "Chapter 4: the first 8 us (virtual time; kaal-sim --timeline)" \
        "$tmp/ch4.json" "$img/ch4-start.svg" || exit 1
    python3 "$src/scripts/timeline-svg.py" \
        --title "Chapter 4: the whole run (virtual time; kaal-sim --timeline)" \
        "$tmp/ch4.json" "$img/ch4-whole.svg" || exit 1
    echo "docs/tutorial/images/ch4-start.svg docs/tutorial/images/ch4-whole.svg"
    "$build"/sim/kaal-sim --quiet --no-module --root "$build/tutorial/tutorial-ch5-solution.elf" \
        --timeline "$tmp/ch5.json" || exit 1
    python3 "$src/scripts/timeline-check.py" "$tmp/ch5.json" || exit 1
    python3 "$src/scripts/timeline-svg.py" \
        --title "Chapter 5: five calls and their replies (virtual time; kaal-sim --timeline)" \
        "$tmp/ch5.json" "$img/ch5-ipc.svg" || exit 1
    echo "docs/tutorial/images/ch5-ipc.svg"
    "$build"/sim/kaal-sim --quiet --no-module --root "$build/tutorial/tutorial-ch6-solution.elf" \
        --timeline "$tmp/ch6.json" || exit 1
    python3 "$src/scripts/timeline-check.py" "$tmp/ch6.json" || exit 1
    python3 "$src/scripts/timeline-svg.py" \
        --title "Chapter 6: a driver, three requests and three interrupts (virtual time; kaal-sim --timeline)" \
        "$tmp/ch6.json" "$img/ch6-timeline.svg" || exit 1
    echo "docs/tutorial/images/ch6-timeline.svg"
    "$build"/sim/kaal-sim --quiet --no-module --root "$build/tutorial/tutorial-ch7-solution.elf" \
        --timeline "$tmp/ch7.json" || exit 1
    python3 "$src/scripts/timeline-check.py" "$tmp/ch7.json" || exit 1
    python3 "$src/scripts/timeline-svg.py" \
        --title "Chapter 7: two faults, two replies, a second life (virtual time; kaal-sim --timeline)" \
        "$tmp/ch7.json" "$img/ch7-faults.svg" || exit 1
    echo "docs/tutorial/images/ch7-faults.svg"
    # Chapter 11: the exercise as given (the worker never runs while the
    # root task waits for it) and the solution, the same 60 us.
    [ -n "$check" ] || ninja -C "$build" tutorial/tutorial-ch11-exercise.elf \
        tutorial/tutorial-ch11-solution.elf >/dev/null || exit 1
    for v in exercise:bug solution:fixed; do
        "$build"/sim/kaal-sim --quiet --no-module --root "$build/tutorial/tutorial-ch11-${v%%:*}.elf" \
            --timeline "$tmp/ch11-${v#*:}.json"
        python3 "$src/scripts/timeline-check.py" "$tmp/ch11-${v#*:}.json" || exit 1
        python3 "$src/scripts/timeline-svg.py" --from 0 --to 30 \
            --title "Chapter 11, the ${v%%:*}: the first 30 us (virtual time; kaal-sim --timeline)" \
            "$tmp/ch11-${v#*:}.json" "$img/ch11-${v#*:}.svg" || exit 1
        echo "docs/tutorial/images/ch11-${v#*:}.svg"
    done
fi
exit $fail
