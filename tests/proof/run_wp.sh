#!/bin/sh
# Prove ACSL contracts of one core file with Frama-C WP (docs/verification.md).
#   run_wp.sh SRCROOT WORKDIR FILE [-FRAMA-C-OPTION...] FUNC...
# FILE is relative to SRCROOT (the file the kernel compiles); FUNC are the
# functions whose contracts (and -wp-rte runtime-error guards) are proved.
# The provers are Z3 and CVC4, or the list given as -wp-prover=LIST. The
# proof scripts kept in SRCROOT/tests/proof/scripts/<basename of WORKDIR>/
# are replayed (see below).
# Fails unless every goal is proved: "[wp] Proved goals: N / N".
#
# Limits (docs/verification.md "Limits"): each prover call is bounded by
# prover steps, not time: -wp-steps N (CVC4 --rlimit, Z3 rlimit=N),
# which give the same verdict however busy the machine is. The wall-clock
# -wp-timeout (900 s) only stops a runaway prover: no goal comes near it on
# an idle machine (the slowest takes seconds), and a machine busy enough to
# stretch one past it must not turn a proof into a failure.
# Prover results are cached by the text of the goal (-wp-cache update in
# WP_CACHE, default WORKDIR/../wp-cache): an unchanged goal is not sent to
# the prover again, a changed goal always is; and a test whose inputs are
# all unchanged since it passed is not run again (see "key" below).
# WP_CACHE=none proves everything.
set -eu
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
src=$1; work=$2; file=$3; shift 3
[ $# -gt 0 ] || { echo "run_wp.sh: no functions given" >&2; exit 2; }
for tool in frama-c why3 z3 cvc4; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "run_wp.sh: $tool missing; install with: sh scripts/deps.sh test" >&2; exit 1; }
done
mkdir -p "$work"
# A private Why3 configuration, so a fresh machine (CI) needs no ~/.why3.conf.
WHY3CONFIG="$work/why3.conf"
export WHY3CONFIG
if [ ! -s "$WHY3CONFIG" ]; then
  why3 --config "$WHY3CONFIG" config detect >"$work/why3-detect.log" 2>&1 || {
    cat "$work/why3-detect.log" >&2; exit 1; }
fi
# Arguments starting with '-' are extra Frama-C options (e.g. -wp-model).
# -wp-prover=LIST replaces the default provers (z3,cvc4).
# -wp-steps=N replaces the default step limit (WP_STEPS, or 5,000,000:
# about 10 times what the hardest goal of the suite needs from CVC4).
fcts=""; extra=""; provers="z3,cvc4"; steps=${WP_STEPS:-5000000}
for a in "$@"; do
  case "$a" in
    -wp-prover=*) provers=${a#-wp-prover=} ;;
    -wp-steps=*) steps=${a#-wp-steps=} ;;
    -*) extra="$extra $a" ;;
    *) fcts="$fcts,$a" ;;
  esac
done
fcts=${fcts#,}
cache=${WP_CACHE:-$(dirname "$work")/wp-cache}
if [ "$cache" = none ]; then
  cache_opts="-wp-cache none"
else
  mkdir -p "$cache"; cache_opts="-wp-cache update -wp-cache-dir $cache"
  # Reuse proofs only: WP also caches a timeout or an unknown, which would
  # make every later run fail the same way, however idle the machine.
  grep -L '"verdict": *"valid"' "$cache"/*.json 2>/dev/null | xargs -r rm -f
fi
name=$(echo "$file" | tr '/.' '__')
log="$work/$name.log"
# Proof scripts: the tactic trees (Range splits and the like) that WP's
# -wp-auto strategies found, kept in tests/proof/scripts/<test>/ so that a
# run replays each tactic at once instead of first waiting for the provers
# to give up on the whole goal. Replaying re-proves every subgoal (through
# the cache: a subgoal whose text is unchanged keeps its prover result); a
# goal without a script, or whose script no longer applies, goes to the
# provers and -wp-auto as before.
test_name=$(basename "$work")
kept="$src/tests/proof/scripts/$test_name"
session="$work/session"
rm -rf "$session"; mkdir -p "$session/script"
if [ -d "$kept" ]; then cp "$kept"/*.json "$session/script/" 2>/dev/null || true; fi
cd "$work"
# The build's view of the core: same include paths and defines as
# core/meson.build (kernel_cflags) on the hosted backend, C11.
cpp_args="-I$src/include -I$src/hal/include -I$src/hal/hosted/include -I$src/core -DKAAL_HAL_HOSTED -DKAAL_DEBUG_SYSCALLS=1 -ffreestanding"
# Unchanged inputs, unchanged proof: the key is a hash of everything that
# decides the goals and their proofs: the file as the preprocessor gives
# it with every header and every comment (-C keeps the ACSL), the options
# and functions, the kept proof scripts, this script and the versions of
# Frama-C, Why3, CVC4 and Z3. If the test passed with the same key, its
# result stands and nothing is run; any difference runs WP again (and WP's
# cache re-proves every goal whose text changed). WP_CACHE=none runs all.
# shellcheck disable=SC2086
key=$( { gcc -E -C -std=gnu11 -D__FRAMAC__ $cpp_args "$src/$file" || echo cpp-failed
         echo "$file $fcts $provers $steps $extra"
         cat "$self"; cat "$kept"/*.json 2>/dev/null
         frama-c -version; why3 --version; cvc4 --version | head -1; z3 --version
       } 2>&1 | sha256sum | cut -d' ' -f1)
if [ "$cache" != none ] && [ -s "$work/passed.key" ] && [ "$(cat "$work/passed.key")" = "$key" ]; then
  cat "$work/passed.out"
  echo "run_wp.sh: inputs unchanged since this test passed (key ${key%"${key#????????????}"}): not run again"
  exit 0
fi
rm -f "$work/passed.key"
set +e
frama-c -c11 -machdep gcc_x86_64 \
  -cpp-extra-args="$cpp_args" \
  "$src/$file" \
  -wp -wp-rte -wp-fct "$fcts" -wp-prover "tip,$provers" -wp-steps "$steps" -wp-timeout 900 \
  -wp-par 2 -wp-session "$session" $cache_opts -wp-out "$work/$name.wp" $extra >"$log" 2>&1
rc=$?
set -e
grep -aE '^\[wp\] \[(Unknown|Timeout|Failed|Stepout)' "$log" || true
# WP's own warnings (casts, memory model); the kernel's notes about
# functions outside the proof (no spec) stay in the log.
grep -aE -A1 '^\[wp\].*Warning' "$log" | grep -avE 'Missing RTE guards|pedantic-assigns|^--' || true
line=$(grep -aE '^\[wp\] Proved goals:' "$log" | tail -1)
if [ $rc -ne 0 ] || [ -z "$line" ]; then
  cat "$log"; echo "run_wp.sh: frama-c failed on $file (rc $rc)" >&2; exit 1
fi
set -- $(echo "$line" | sed -E 's/.*Proved goals: *([0-9]+) *\/ *([0-9]+).*/\1 \2/')
echo "$file: $fcts"
# Goals per function. WP names goals typed_<function>_<rest> (the rest may
# start with a behavior name); a goal belongs to the longest listed
# function name that prefixes it (kaal_msginfo_label_... is not
# kaal_msginfo's). A function with no goal was not found: fail rather than
# prove nothing.
grep -aE '^\[wp\] \[[^]]*\] Goal typed' "$log" | awk -v fcts="$fcts" '
  BEGIN { n = split(fcts, f, ","); }
  {
    g = $0; sub(/.* Goal typed_(cast_)?/, "", g);
    best = "";
    for (i = 1; i <= n; i++)
      if (index(g, f[i] "_") == 1 && length(f[i]) > length(best)) best = f[i];
    if (best == "") next;
    all[best]++;
    if ($0 ~ /: Valid/) ok[best]++;
  }
  END { for (i = 1; i <= n; i++) printf "%s %d %d\n", f[i], ok[f[i]] + 0, all[f[i]] + 0; }
' >"$work/$name.count"
empty=""
while read -r f ok all; do
  echo "  $f: $ok / $all"
  [ "$all" -gt 0 ] || empty="$empty $f"
done <"$work/$name.count"
echo "$line"
# Scripts WP wrote for goals that had none (only worth keeping when every
# goal is proved).
new=""
for f in "$session"/script/*.json; do
  [ -e "$f" ] || continue
  [ -e "$kept/$(basename "$f")" ] || new="$new $(basename "$f")"
done
[ -z "$new" ] || [ "$1" != "$2" ] || echo "run_wp.sh: new proof scripts (keep them with: mkdir -p $kept && cp $session/script/*.json $kept/):$new"
[ -z "$empty" ] || { echo "run_wp.sh: no goal for:$empty" >&2; exit 1; }
[ "$1" = "$2" ] && [ "$2" -gt 0 ] || { echo "run_wp.sh: $file: not all goals proved" >&2; exit 1; }
# Passed: remember the key and the summary for an unchanged rerun.
{ echo "$file: $fcts"
  while read -r f ok all; do echo "  $f: $ok / $all"; done <"$work/$name.count"
  echo "$line"; } >"$work/passed.out"
echo "$key" >"$work/passed.key"
