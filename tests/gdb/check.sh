#!/bin/sh
# gdb on user programs with tools/gdb/kaal.py (docs/debugging.md,
# "Debugging user programs with gdb"), on the demo system:
#
#   check.sh hosted KAAL-SIM KAAL.PY          gdb, kaal-sim --one-process
#   check.sh arm64 KERNEL.ELF KAAL.PY QEMU    gdb-multiarch, QEMU's gdb stub
#                                             on a pipe (no port), -icount
#
# Session 1 (program_break*.gdb): `kaal break client2:kaal_main`, an
# address every program of the demo runs (the script checks that console's
# kaal_main is at the same address), stops once, in client2, and the run
# still ends normally; at that stop `kaal threads` shows the named threads
# with their priorities, `kaal vspace` the shared page read-write in
# client1 and read-only in client2 (as demo.system grants it), `kaal
# cspace` client1's badged endpoint in slot 2, `kaal cdt endpoint` the
# console endpoint's badged children.
# Session 2 (next_syscall*.gdb): a breakpoint on the system call
# instruction of client1's kaal_signal; `next` comes back in client1 on the
# instruction after it, and a second `next` in its caller, kaal_main.
# Session 3 (bad_input.gdb, kaal-sim): wrong uses of kaal break and kaal
# watch are refused with the reason and make no breakpoint; a location of
# seven places makes seven software breakpoints (-hw refuses it).
# Session 4 (watch*.gdb): `kaal watch` on the first byte of the demo's
# shared page for client1 and for client2 (one address in both): client1's
# stops once, in client1, at its write (0 -> 's'); client2's once, in
# client2, at its first read of that byte (it last saw 0); the run ends
# normally.
# Session 5 (many*.gdb, kaal-sim): six software breakpoints in six
# programs, a -hw breakpoint and two watchpoints: each stops once, in its
# program and function, and is deleted at its stop; at every stop no frame
# holds an int3 and gdb reads the original byte at the pc; the run ends
# normally. Session 6 (step_break*.gdb, kaal-sim): `next` from a software
# breakpoint to the line of another one, and on: the lines are right and
# the demo does what it does without gdb; an int3 of client1's own stops
# after it, in client1. Session 7 (restart*.gdb, kaal-sim): a software
# breakpoint in faulter stops in both of its runs (restarted after its
# fault).
# Verdicts read gdb's output only (no timing); the limits are generous.
# Skipped (77) without the gdb it needs.
set -u
backend=$1; target=$2; kaalpy=$3; qemu=${4:-}
dir=$(dirname "$0")
work=$(mktemp -d "${TMPDIR:-/tmp}/kaal-gdb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0

if [ "$backend" = hosted ]; then
    command -v gdb >/dev/null || exit 77
    syscall_len=5 # call rel32
    session() { # name
        timeout 240 gdb -nx -batch -x "$kaalpy" -x "$dir/$1.gdb" -ex run \
            -x "$dir/$1_stop.gdb" --args "$target" --one-process </dev/null >"$work/$1.out" 2>&1
    }
else
    command -v gdb-multiarch >/dev/null || exit 77
    syscall_len=4 # svc #0
    session() { # name
        timeout 240 gdb-multiarch -nx -batch -ex "file $target" -x "$kaalpy" -x "$dir/$1.gdb" \
            -ex "target remote | $qemu -M virt,gic-version=2 -cpu cortex-a72 -m 512M -nic none \
-semihosting -icount shift=0,align=off,sleep=off -kernel $target -display none -monitor none \
-serial file:$work/$1.console -gdb stdio -S" \
            -ex continue -x "$dir/$1_stop.gdb" </dev/null >"$work/$1.out" 2>&1
    }
fi

# The lines of session output $1 after the marker line "@@ $2", up to the
# next marker.
section() { awk -v m="@@ $2" '$0 == m {f = 1; next} /^@@ / {f = 0} f' "$work/$1.out"; }
need() { # file section regex what
    if ! section "$1" "$2" | grep -Eq -- "$3"; then
        echo "FAIL: $1: $4 (no line matching '$3' after '@@ $2')"
        fail=1
    fi
}
# The run went on to its normal end after the stops: on kaal-sim gdb sees
# the process exit; QEMU exits by semihosting, which can break the pipe to
# gdb before gdb reads the exit status, so its console says it instead.
need_end() { # file what
    if [ "$backend" = hosted ]; then
        need "$1" continue 'exited normally' "$2"
    elif ! grep -q "^kaal: halt requested by thread 'root' (status 0)" "$work/$1.console" ||
            grep -q FAILED "$work/$1.console"; then
        echo "FAIL: $1: $2 (the console does not end with root's halt, status 0)"
        fail=1
    fi
}
need_all() { # file regex what
    if ! grep -Eq -- "$2" "$work/$1.out"; then
        echo "FAIL: $1: $3 (no line matching '$2')"
        fail=1
    fi
}

sessions="program_break next_syscall watch"
[ "$backend" = hosted ] && sessions="$sessions many step_break restart"
for s in $sessions; do
    session $s
done
for s in $sessions; do
    echo "==== session $s"
    cat "$work/$s.out"
    [ -f "$work/$s.console" ] && { echo "==== console"; cat "$work/$s.console"; }
done

f=program_break
need_all $f '^@@ same kaal_main address in console and client2: 1$' "kaal_main is one address in two programs"
hits=$(grep -c '^Breakpoint 1, ' "$work/$f.out")
[ "$hits" = 1 ] || { echo "FAIL: $f: the breakpoint stopped $hits times, not once"; fail=1; }
need $f 'stop 1' "^current thread 'client2' \(tcb 0x[0-9a-f]+\), program client2$" "stopped in client2"
need $f 'stop 1' '^#0  kaal_main \(arg=arg@entry=2\)' "client2's kaal_main (its arg is 2)"
for t in "'idle' +0 +idle" "'root' +255 " "'console' +200 +blocked on recv" \
         "'driver' +180 " "'client1' +100 " "'client2' +100 +running"; do
    need $f 'stop 1' "^[ *] $t" "kaal threads: $t"
done
need $f 'stop 1' "^\* 'client2' " "kaal threads marks the current thread"
need $f 'stop 1' '^  0x000020000000-0x000020001000  rw- ' "client1 maps the shared page rw"
need $f 'stop 1' '^  0x000020000000-0x000020001000  r-- ' "client2 maps the shared page r"
need $f 'stop 1' '^  0x000010000000-0x0000100[0-9a-f]{5}  r-x ' "text is r-x"
need $f 'stop 1' '^  2 +endpoint -WGg 0x[0-9a-f]+ badge 0x1$' "client1's slot 2: console_ep, badge 1"
need $f 'stop 1' '^ +endpoint -WGg 0x[0-9a-f]+ badge 0x4  \[cnode 0x[0-9a-f]+\[2\]\]$' \
    "kaal cdt: the faulter's badge-4 endpoint under the console endpoint"
need_end $f "the run ends normally after the stop"

f=next_syscall
need $f 'stop at the syscall' "program client1$" "the syscall breakpoint stops in client1"
need_all $f '^@@ at syscall: 1$' "stopped on the syscall instruction"
need $f 'after next' "^current thread 'client1' .*program client1$" "next returns in client1"
need_all $f "^@@ after syscall: $syscall_len\$" "next stops on the instruction after the syscall"
need $f 'after next 2' "^current thread 'client1' .*program client1$" "the second next stays in client1"
need $f 'after next 2' '^#0  kaal_main \(arg=arg@entry=1\) at .*client\.c:[0-9]+$' "the second next is back in kaal_main"
need_end $f "the run ends normally after the steps"

f=watch
hits=$(grep -c '^kaal: watchpoint [12]: ' "$work/$f.out")
[ "$hits" = 2 ] || { echo "FAIL: $f: the watchpoints stopped $hits times, not twice"; fail=1; }
need $f 'watch stop 1' "^current thread 'client1' \(tcb 0x[0-9a-f]+\), program client1$" "the first stop is in client1"
need_all $f "^kaal: watchpoint 1: client1:\*\(char \*\)0x20000000 changed: 0x0 -> 0x73 's'$" \
    "client1's watchpoint reports its write of 's'"
need $f 'watch stop 1' '^#0  (0x[0-9a-f]+ in )?kaal_main \(arg=arg@entry=1\) at .*client\.c:2[0-9]$' "client1 stopped in its write loop"
need $f 'watch stop 2' "^current thread 'client2' \(tcb 0x[0-9a-f]+\), program client2$" "the second stop is in client2"
need_all $f "^kaal: watchpoint 2: client2:\*\(char \*\)0x20000000 changed: 0x0 -> 0x73 's'$" \
    "client2's watchpoint reports the change it reads"
need $f 'watch stop 2' '^#0  (0x[0-9a-f]+ in )?kaal_main \(arg=arg@entry=2\) at .*client\.c:3[0-9]$' "client2 stopped in its read loop"
need_end $f "the run ends normally after the watchpoint stops"

if [ "$backend" = hosted ]; then
    f=many
    # breakpoint number -> "program function" it must stop in, once (2 is
    # the SIGTRAP catchpoint the first kaal break makes)
    for want in "1 root kaal_system_supervise" "3 console print_message" "4 client1 kaal_signal" \
                "5 client2 kaal_wait" "6 client2 console_printf" "7 driver kaal_irq_handler_ack" \
                "8 faulter kaal_main" "9 client1 kaal_main" "10 client2 kaal_main"; do
        set -- $want
        n=$(grep -c "^@@ hit $1 " "$work/$f.out")
        [ "$n" = 1 ] || { echo "FAIL: $f: breakpoint $1 stopped $n times, not once"; fail=1; }
        need_all $f "^@@ hit $1 program $2 function $3 int3s 0 pc-byte-int3 0\$" \
            "breakpoint $1 stops in $2's $3, every int3 out of the frames, the original byte at the pc"
    done
    need_all $f "^kaal: hardware breakpoint 5 \(0x[0-9a-f]+\) stops only in client2\$" "-hw makes a debug-register breakpoint"
    n=$(grep -Ec "^kaal: breakpoint [0-9]+ \(0x[0-9a-f]+\) stops only in " "$work/$f.out")
    [ "$n" = 6 ] || { echo "FAIL: $f: $n software breakpoints, not 6"; fail=1; }
    if grep -q "^@@ hit none" "$work/$f.out"; then
        echo "FAIL: $f: a stop of no breakpoint"; fail=1
    fi
    need_all $f 'exited normally' "the run ends normally after the stops"
    need $f continue '^[0-9]+ +catchpoint .*signal "SIGTRAP"' "only the SIGTRAP catchpoint is left"
    if section $f continue | grep -Eq '^[0-9]+ +(breakpoint|hw breakpoint|acc watchpoint) '; then
        echo "FAIL: $f: a breakpoint is left after the deletions"; fail=1
    fi

    f=step_break
    need $f 'stop 1' '^#0  kaal_main \(arg=arg@entry=1\) at .*client\.c:25$' "stopped at client1's client.c:25"
    need $f 'after next' "^current thread 'client1' .*program client1$" "next stays in client1"
    need $f 'after next' '^#0  kaal_main \(arg=arg@entry=1\) at .*client\.c:26$' "next ends on the breakpoint's line 26"
    need $f 'after next 2' '^#0  kaal_main \(arg=arg@entry=1\) at .*client\.c:3[0-9]$' "the second next goes on in kaal_main"
    need_all $f "^console: \[client2\] client2: woken by client1, shared page says 'shared hello from client1'\$" \
        "client1 and client2 work as without gdb"
    need_all $f '^kaal: an int3 of the program itself ' "client1's own int3 is named so"
    need_all $f '^Catchpoint [0-9]+ \(signal SIGTRAP\), ' "client1's own int3 stops in gdb"
    need $f 'own int3' "^current thread 'client1' .*program client1$" "the own int3 stops in client1"
    need_all $f '^@@ own int3 pc: 1$' "the own int3 stops after it, as gdb stops at a program's int3"
    need_end $f "the run ends normally after the steps"

    f=restart
    hits=$(grep -c '^Breakpoint 1, ' "$work/$f.out")
    [ "$hits" = 2 ] || { echo "FAIL: $f: the breakpoint stopped $hits times, not twice"; fail=1; }
    need $f 'stop 1' "^current thread 'faulter' .*program faulter$" "the first stop is in faulter"
    need $f 'stop 2' "^current thread 'faulter' .*program faulter$" "the second stop is in the restarted faulter"
    need_all $f '^root: restarting faulter \(restart 1 of 1\)$' "faulter was restarted between the stops"
    need_end $f "the run ends normally after the stops"

    f=bad_input
    # one -ex a line: a sourced file would stop at the first error
    set --
    while IFS= read -r line; do
        case "$line" in '#'*|'') ;; *) set -- "$@" -ex "$line" ;; esac
    done <"$dir/$f.gdb"
    timeout 240 gdb -nx -batch -x "$kaalpy" "$@" --args "$target" --one-process \
        </dev/null >"$work/$f.out" 2>&1
    echo "==== session $f"
    cat "$work/$f.out"
    need $f 'unknown program' "^kaal break: no program 'nosuch' \(programs: client1, client2, console, driver, faulter, root\)$" \
        "an unknown program is refused with the list of programs"
    need $f 'no location' '^usage: kaal break \[-hw\] PROGRAM:LOCATION \[if COND\]$' "no location: the usage"
    need $f 'unknown function' '^kaal break: in client1: Function "no_such_function" not defined\.$' \
        "an unknown function is refused"
    need $f 'too many hw places' "^kaal break: client1:kaal_arch.h:24 is [5-9] places .*as -hw breakpoints they need one each.* more than the CPU's 4\$" \
        "a -hw location of more places than debug registers is refused"
    n=$(section $f 'many places' | grep -Ec "^kaal: breakpoint [0-9]+ \(0x[0-9a-f]+\) stops only in client1$")
    [ "$n" -gt 4 ] || { echo "FAIL: $f: a location of $n places: not more than 4 software breakpoints"; fail=1; }
    n=$(section $f 'many places' | grep -Ec "^[0-9]+\.1 +n +0x")
    [ "$n" -gt 4 ] || { echo "FAIL: $f: info breakpoints lists $n kaal break locations, not more than 4"; fail=1; }
    need $f 'many places' '^[0-9]+ +catchpoint +keep y .*signal "SIGTRAP"' "the extension's SIGTRAP catchpoint"
    need $f 'breakpoints' '^No breakpoints or watchpoints\.$' "no breakpoint was made by the refused commands; delete took the rest"
    need $f 'watch unknown program' "^kaal watch: no program 'nosuch' \(programs: client1, client2, console, driver, faulter, root\)$" \
        "kaal watch: an unknown program is refused with the list of programs"
    need $f 'watch no expression' '^usage: kaal watch PROGRAM:EXPRESSION \[if COND\]$' "kaal watch: no expression: the usage"
    need $f 'watch not an lvalue' '^kaal watch: client1:1 \+ 2 is not an lvalue ' "kaal watch: a value is refused"
    need $f 'watch a function' '^kaal watch: client1:kaal_main is a function, not data ' "kaal watch: a function is refused"
    need $f 'watch too large' '^kaal watch: client1:.* is 64 bytes; at most 32 ' "kaal watch: more than 32 bytes is refused"
    need $f 'watch too many registers' '^kaal watch: client1:.* takes 7 debug registers; with 0 in use .* more than the CPU.s 4$' \
        "kaal watch: more debug registers than the CPU has is refused"
    need $f 'watch outside user memory' '^kaal watch: client1:\*\(long \*\)8 \(8 bytes at 0x8\) is not in user memory$' \
        "kaal watch: an address outside user memory is refused"
    need $f 'watch breakpoints' '^No breakpoints or watchpoints\.$' "no watchpoint was made by the refused commands"
fi

[ $fail = 0 ] && echo "ok: gdb on user programs ($backend)"
exit $fail
