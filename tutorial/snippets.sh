#!/bin/bash
# Build every ```c block of docs/tutorial/*.md (suite 'tutorial').
#
#   snippets.sh SRC OUTDIR LIBKAAL ARCH-INCLUDE -- CC... FLAGS...
#
# scripts/doc-snippets.py extracts the blocks into OUTDIR with their marks
# (docs/testing.md "Snippets in the docs"); each is compiled with the
# backend's compiler and user flags (and linked with libkaal and user.ld,
# but header snippets), with the ABI, libkaal and tutorial/include headers
# on the path. A block that does not build fails the test with the page and
# line of the error (#line).
set -u
src=$1 out=$2 libkaal=$3 archinc=$4
shift 4
[ "$1" = "--" ] && shift
cc=("$@")
rm -rf "$out"
python3 "$src/scripts/doc-snippets.py" "$out" "$src"/docs/tutorial/*.md || exit 1
inc=(-I "$src/include" -I "$src/user/libkaal/include" -I "$archinc" -I "$src/tutorial/include")
fail=0 n=0
while read -r file origin mode flags; do
    n=$((n + 1))
    if [ "$mode" = header ]; then
        link=(-fsyntax-only)
    else
        link=(-Wl,--whole-archive "$libkaal" -Wl,--no-whole-archive -o "$out/$file.elf")
    fi
    # shellcheck disable=SC2086
    if ! "${cc[@]}" -std=gnu11 -O2 -Wall -Wextra -Werror "${inc[@]}" $flags "$out/$file" "${link[@]}" \
        >"$out/$file.log" 2>&1; then
        cat "$out/$file.log"
        echo "FAIL: the snippet at $origin does not build"
        fail=1
    fi
done <"$out/list.txt"
echo "$n snippets of docs/tutorial built"
[ "$n" -gt 0 ] || { echo "FAIL: no snippets found in docs/tutorial"; fail=1; }
exit $fail
