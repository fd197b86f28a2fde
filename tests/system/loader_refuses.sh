#!/bin/sh
# The general loader refuses a bad archive it is given at run time (one
# not made by mkcpio, which would have refused it): it says why, starts
# nothing and halts with status 1.
#   loader_refuses.sh SIM
set -u
sim=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# archive OUT NAME=TEXT...: a CPIO newc archive of the given texts.
archive() {
  python3 - "$@" <<'PY'
import sys
out, specs = sys.argv[1], sys.argv[2:]
def entry(name, data, ino, mode=0o100644):
    h = "070701" + "".join("%08X" % v for v in
        (ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0))
    b = h.encode() + name.encode() + b"\0"
    b += b"\0" * (-len(b) % 4) + data
    return b + b"\0" * (-len(b) % 4)
blob = b"".join(entry(s.split("=", 1)[0], s.split("=", 1)[1].replace("\\n", "\n").encode(), i + 1)
                for i, s in enumerate(specs))
open(out, "wb").write(blob + entry("TRAILER!!!", b"", 0, 0))
PY
}
fail=0
# check ARCHIVE TEXT...: status 1, every TEXT printed, nothing spawned.
check() {
  a=$1; shift
  out=$("$sim" --module "$a" 2>&1 </dev/null); st=$?
  [ $st = 1 ] || { echo "$out"; echo "FAIL: $a: status $st, expected 1"; fail=1; }
  for t in "$@" "root: the system FAILED; halting with status 1"; do
    echo "$out" | grep -q -F -- "$t" || { echo "$out"; echo "FAIL: $a: missing '$t'"; fail=1; }
  done
  if echo "$out" | grep -q "root: spawned\|root: made"; then echo "FAIL: $a: something was made"; fail=1; fi
}
archive "$dir/none.cpio" "readme.txt=hello\n"
check "$dir/none.cpio" "root: no system description (a file NAME.system) in the boot archive"
archive "$dir/syntax.cpio" "x.system=program a elf=a.elf priority=1\nthread t\n"
check "$dir/syntax.cpio" "root: x.system:2: unknown keyword 'thread'"
archive "$dir/noelf.cpio" "x.system=endpoint e\nprogram a elf=a.elf priority=1\n"
check "$dir/noelf.cpio" "root: x.system:2: a.elf: not in the boot archive" \
  "root: loading x.system FAILED: nothing was started"
archive "$dir/notelf.cpio" "x.system=program a elf=a.elf priority=1\n" "a.elf=just text\n"
check "$dir/notelf.cpio" "root: x.system:1: a.elf: image truncated: shorter than an ELF header"
archive "$dir/nofill.cpio" "x.system=program a elf=a.elf priority=1\nmemory m size=4096 fill=f.bin\n"
check "$dir/nofill.cpio" "root: x.system:2: fill file 'f.bin' is not in the boot archive"
archive "$dir/bigfill.cpio" "x.system=program a elf=a.elf priority=1\nmemory m size=4096 fill=f.bin\n" \
  "f.bin=$(printf '%4097s' '' | tr ' ' x)"
check "$dir/bigfill.cpio" "root: x.system:2: fill file 'f.bin' is larger than the memory"
[ $fail = 0 ] && echo "ok: 6 bad archives refused"
exit $fail
