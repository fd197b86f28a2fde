#!/bin/sh
# kaal-sim's command line: --help exits 0; bad options exit 64 with a
# message; a bad root image makes the kernel report a boot failure (2).
set -u
sim=$1
fail() { echo "FAIL: $*"; exit 1; }
"$sim" --help | grep -q "usage: kaal-sim" || fail "--help"
"$sim" --help | grep -q -- "--check-invariants" || fail "--help does not list --check-invariants"
"$sim" --bogus >/dev/null 2>&1; [ $? = 64 ] || fail "unknown option must exit 64"
"$sim" --ram 1 >/dev/null 2>&1; [ $? = 64 ] || fail "--ram 1 must exit 64"
bad=$(mktemp); trap 'rm -f "$bad"' EXIT
head -c 200 /dev/zero | tr '\\0' 'x' >"$bad"
out=$("$sim" --root "$bad" 2>&1); st=$?
[ $st = 2 ] || fail "bad root image must exit 2, got $st"
echo "$out" | grep -q "boot failed: not an ELF image" || fail "no boot failure message: $out"
out=$("$sim" --root /nonexistent 2>&1); [ $? = 64 ] || fail "missing file must exit 64"
echo "ok"
