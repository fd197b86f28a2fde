#!/bin/sh
# The Microkit system-file checks of the `microkit` tool (tools/microkit).
#   run.sh MICROKIT PD-ELF SRCDIR WORKDIR MK-ELF
# good.system must pass and its report name every PD, channel, IRQ and map;
# each case of bad.txt must fail with status 1 and exactly
# "FILE:LINE: error: ..." holding the case's reason; so must each case of
# bad_image.txt with -o IMAGE for kaal_hosted (valid Microkit that KaaL
# cannot build), leaving no image. MK-ELF is a PD linked with libmicrokit.
set -u
mk=$1 elf=$2 src=$3 work=$4 mkelf=$5
rm -rf "$work"; mkdir -p "$work"
cp "$elf" "$work/pd.elf"
cp "$mkelf" "$work/mk.elf"
fail=0 n=0
cp "$src/good.system" "$work/good.system"
if ! "$mk" "$work/good.system" --search-path "$work" --board kaal_hosted --config debug \
    -r "$work/good.report" 2>"$work/good.err"; then
  cat "$work/good.err"; echo "FAIL good.system rejected"; fail=1
else
  for want in "protection domain server" "protection domain child" "child of server, id 3" \
      "channel 1 -> server (may notify) (may call pp)" "channel 1 -> client" "irq 33 as channel 5 (level)" \
      "map shared at 0x4000000 size 0x2000 rw-" "map uart at 0x5000000 size 0x1000 rw- uncached" \
      "setvar shared_paddr = physical address of shared" "memory region uart: size 0x1000, pages of 0x1000, at physical 0x9000000" \
      "prefilled from table.bin" "passive"; do
    grep -qF -- "$want" "$work/good.report" || { echo "FAIL good.report lacks: $want"; fail=1; }
  done
fi
n=$((n + 1))
while IFS='|' read -r name line reason xml; do
  case "$name" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  f="$work/$name.system"
  printf '%s\n' "$xml" | sed 's/ ~ /\n/g' >"$f"
  "$mk" "$f" --search-path "$work" --board qemu_virt_aarch64 --config release >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  first=$(head -1 "$work/$name.err")
  case "$first" in
    "$f:$line: error: "*"$reason"*) [ $rc -eq 1 ] || { echo "FAIL $name: status $rc"; fail=1; } ;;
    *) echo "FAIL $name: expected '$f:$line: error: ...$reason...', got '$first' (status $rc)"; fail=1 ;;
  esac
done <"$src/bad.txt"
while IFS='|' read -r name line reason xml; do
  case "$name" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  f="$work/$name.system"
  printf '%s\n' "$xml" | sed 's/ ~ /\n/g' >"$f"
  (cd "$work" && "$mk" "$f" --search-path "$work" --board kaal_hosted --config debug -o "$work/$name.img" \
    -r "$work/$name.report") >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  first=$(grep -v ': warning: ' "$work/$name.err" | head -1)
  case "$first" in
    "$f:$line: error: "*"$reason"*) [ $rc -eq 1 ] || { echo "FAIL $name: status $rc"; fail=1; } ;;
    *) echo "FAIL $name: expected '$f:$line: error: ...$reason...', got '$first' (status $rc)"; fail=1 ;;
  esac
  [ ! -e "$work/$name.img" ] || { echo "FAIL $name: an image was written"; fail=1; }
done <"$src/bad_image.txt"
# -o: a good image for kaal_hosted; an x86-64 PD refused for qemu_virt_aarch64 and for
# rpi4b_1gb at its program_image line (the arm64 images themselves: examples_test.sh)
printf '%s\n' '<system><protection_domain name="a"><program_image path="mk.elf"/></protection_domain></system>' \
  >"$work/one.system"
"$mk" "$work/one.system" --search-path "$work" --board kaal_hosted --config debug -o "$work/one.img" \
  -r "$work/one.report" 2>"$work/cl.err"; rc=$?
[ $rc -eq 0 ] && [ -s "$work/one.img" ] && grep -q "^program a elf=pd0.elf priority=0 stack=1" "$work/one.report" ||
  { cat "$work/cl.err"; echo "FAIL -o kaal_hosted: $rc"; fail=1; }
for board in qemu_virt_aarch64 rpi4b_1gb; do
  "$mk" "$work/one.system" --search-path "$work" --board $board --config debug -o "$work/two.img" \
    2>"$work/cl.err" >/dev/null; rc=$?
  [ $rc -eq 1 ] && grep -q "^$work/one.system:1: error: program image '$work/mk.elf' of 'a': .*image is for another machine" "$work/cl.err" &&
    [ ! -e "$work/two.img" ] || { cat "$work/cl.err"; echo "FAIL -o $board with an x86-64 PD: $rc"; fail=1; }
done
n=$((n + 3))
# the command line
"$mk" "$work/good.system" --board nowhere --config debug 2>"$work/cl.err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown board 'nowhere'" "$work/cl.err" || { echo "FAIL unknown board: $rc"; fail=1; }
"$mk" "$work/good.system" --search-path "$work" --board kaal_hosted --config debug --capdl-json x.json \
  >/dev/null 2>"$work/cl.err"; rc=$?
[ $rc -eq 0 ] && grep -q "warning: option --capdl-json is not supported by KaaL; ignored" "$work/cl.err" ||
  { echo "FAIL ignored option: $rc"; fail=1; }
"$mk" "$work/missing.system" --board kaal_hosted --config debug 2>"$work/cl.err"; rc=$?
[ $rc -eq 1 ] && grep -q "missing.system: error: cannot open" "$work/cl.err" || { echo "FAIL missing file"; fail=1; }
n=$((n + 3))
[ $fail -eq 0 ] && echo "microkit system files: $n cases passed"
exit $fail
