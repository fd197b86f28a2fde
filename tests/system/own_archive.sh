#!/bin/sh
# A user's own boot archive (built with tools/mkcpio from a description and
# programs the root task does not know) run by the built-in root task:
#   own_archive.sh SIM ARCHIVE STATUS [+TEXT | -TEXT]...
# kaal-sim --module ARCHIVE must exit with STATUS, print every +TEXT (a
# substring of a line, in the order given) and no -TEXT.
set -u
sim=$1; archive=$2; want=$3
shift 3
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$sim" --module "$archive" >"$out" 2>&1 </dev/null
st=$?
cat "$out"
fail=0
[ "$st" = "$want" ] || { echo "FAIL: exit status $st, expected $want"; fail=1; }
line=0
for arg in "$@"; do
  text=${arg#?}
  case "$arg" in
  +*)
    n=$(tail -n +$((line + 1)) "$out" | grep -n -F -m1 -- "$text" | cut -d: -f1)
    if [ -z "$n" ]; then
      echo "FAIL: missing (in order): $text"; fail=1
    else
      line=$((line + n))
    fi ;;
  -*)
    if grep -q -F -- "$text" "$out"; then echo "FAIL: unexpected: $text"; fail=1; fi ;;
  esac
done
[ $fail = 0 ] && echo "ok: status $st"
exit $fail
