# KaaL: a thin wrapper over meson. Each target installs missing Debian
# packages first (scripts/deps.sh), configures what is not configured,
# and builds only what changed.
#
#   make run     build and run the hosted demo system (kaal-sim)
#   make check   the fast loop: incremental build (hosted, arm64, fuzz) and the
#                unit, hosted system and fuzz suites (FUZZ_SMOKE_SECONDS, default
#                10, per smoke run); under 2 min after a one-file change
#   make test    every test suite (adds proofs, QEMU, bench and the full fuzz
#                smoke runs), ending with one line "N passed, N failed"
#   make qemu    boot the demo system on qemu-system-aarch64 -M virt
#   make debug   kaal-sim --one-process under gdb with tools/gdb/kaal.py (user
#                programs: kaal break PROG:LOC, kaal threads; docs/debugging.md);
#                DEBUG_ARGS adds kaal-sim options (DEBUG_ARGS="--module x.cpio")
#   make debug-qemu  QEMU with its gdb stub and gdb-multiarch attached, with
#                tools/gdb/kaal.py (INITRD=FILE: boot that archive, as -initrd)
#   make fuzz    libFuzzer on syscall sequences for FUZZ_SECONDS (default 600) and, on
#                the other core at the same time, parsers for FUZZ_PARSERS_SECONDS
#                (default and at most FUZZ_SECONDS); prints exec/s, edges, core/ line
#                coverage
#   make fuzz-system  whole-system fuzzing on kaal-sim (SYSTEM=FILE.cpio, default the
#                demo's console server) for FUZZ_SECONDS; prints exec/s, kernel and user
#                coverage, crashes with `kaal-sim --replay` commands (docs/fuzzing.md)
#   make fuzz-seeded  the seeded-bug benchmark of whole-system fuzzing
#   make fuzz-cov  llvm-cov line coverage of core/ reached by the fuzz corpora
#   make bench   one table: arm64 instructions (QEMU -icount, run twice and compared),
#                hosted ns beside Linux peers (docs/performance.md)
#   make mutate-hand  the hand-written mutants of tests/mutants (each must be killed)
#   make mutate  mutation testing of core/, hal/, user/libkaal (MUTANTS=150, SEED=1;
#                resumable; docs/testing.md); not part of make test
#   make sdk PREFIX=DIR  install the SDK into DIR: headers, libkaal (hosted and
#                arm64), user.ld, mkcpio, kaal-sim, the arm64 kernel images,
#                pkg-config files and a template project (docs/sdk.md)
#   make sdk-fuzz PREFIX=DIR  the same plus the whole-system fuzzer
#                (bin/kaal-fuzz-system, from the fuzz build; docs/fuzzing.md)
#   make caps-picture  render the demo's capability world at halt
#                (kaal-sim --dump-caps) to docs/images/demo-caps.svg with Graphviz
#   make timeline-picture  render the demo's timeline (kaal-sim --timeline) to
#                docs/images/demo-timeline.svg (scripts/timeline-svg.py)
#   make tutorial CH=N  build the learner's copy of chapter N's exercise
#                (build/tutorial/chN/exercise.c, copied from tutorial/ the first
#                time) and run it on kaal-sim: the steps done and the first that
#                is not (docs/tutorial/); BACKEND=qemu runs it on QEMU virt
#   make tutorial-pictures  regenerate the tutorial's pictures (docs/tutorial/images)
#   make clean   remove build/

HOSTED := build/hosted
ARM64 := build/arm64
MESON_QUIET := >/dev/null

FUZZ := build/fuzz
FUZZ_SECONDS ?= 600
FUZZ_PARSERS_SECONDS ?= $(FUZZ_SECONDS)
# What the fuzz suite runs: the two targets and their coverage variants.
FUZZ_TARGETS := fuzz/fuzz_syscalls fuzz/fuzz_parsers fuzz/fuzz_syscalls_cov fuzz/fuzz_parsers_cov \
  fuzz/fuzz_system fuzz/console-fuzz.cpio fuzz/console-seeded-fuzz.cpio
# ... and the programs of the tutorial's chapter 12 test (ch12-fuzzer-finds)
FUZZ_TARGETS += tutorial/ch12-fuzz/tutorial-ch12-server.elf tutorial/ch12-fuzz/tutorial-ch12-server-fixed.elf \
  tutorial/ch12-fuzz/tutorial-ch12-fuzzclient.elf user/archive/mkcpio
# ... and the ASan + UBSan kaal-sim with the hostile programs it runs
# (fuzz-asan-*)
FUZZ_TARGETS += sim/kaal-sim tests/hosted-cpu/hostile_ac.elf tests/hosted-cpu/hostile_ac_gate.elf
# make fuzz-system: the boot archive to fuzz (default: the demo's console
# server, build/fuzz/fuzz/console-fuzz.cpio; docs/fuzzing.md).
SYSTEM ?=

BENCH_RUNS ?= 5

.PHONY: tutorial tutorial-pictures caps-picture timeline-picture sdk sdk-fuzz sdk-prefix mutate mutate-hand bench check configure-fuzz build-fuzz fuzz fuzz-system fuzz-seeded fuzz-cov run test qemu debug debug-qemu clean configure-hosted configure-arm64 build-hosted build-arm64

run: build-hosted
	@$(HOSTED)/sim/kaal-sim

configure-hosted:
	@sh scripts/deps.sh $(DEPS)
	@[ -f $(HOSTED)/build.ninja ] || meson setup $(HOSTED) $(MESON_QUIET)

configure-arm64:
	@[ -f $(ARM64)/build.ninja ] || meson setup $(ARM64) --cross-file cross/aarch64.ini -Dhal=arm64 $(MESON_QUIET)

build-hosted: configure-hosted
	@ninja -C $(HOSTED) $(MESON_QUIET) || ninja -C $(HOSTED)

build-arm64: configure-arm64
	@ninja -C $(ARM64) $(MESON_QUIET) || ninja -C $(ARM64)

configure-fuzz:
	@[ -f $(FUZZ)/build.ninja ] || CC=clang meson setup $(FUZZ) -Dfuzz=true \
	  -Db_sanitize=address,undefined -Db_lundef=false $(MESON_QUIET)

build-fuzz: configure-fuzz
	@ninja -C $(FUZZ) $(FUZZ_TARGETS) $(MESON_QUIET) || ninja -C $(FUZZ) $(FUZZ_TARGETS)

# The fast loop (docs/testing.md): everything below 2 minutes.
check: DEPS = fuzz
check: build-hosted build-arm64 build-fuzz
	@sh scripts/run-tests.sh check $(HOSTED) $(FUZZ)

# Everything: the proofs in the background beside the other suites.
test: DEPS = test
test: build-hosted build-arm64 build-fuzz
	@sh scripts/run-tests.sh test $(HOSTED) $(FUZZ) $(ARM64)

qemu: DEPS = qemu
qemu: configure-hosted build-arm64
	@scripts/qemu-run.sh $(ARM64)

debug-qemu: DEPS = debug
debug-qemu: configure-hosted build-arm64
	@INITRD=$(INITRD) scripts/qemu-debug.sh $(ARM64)

caps-picture: DEPS = picture
caps-picture: build-hosted
	@$(HOSTED)/sim/kaal-sim --quiet --dump-caps $(HOSTED)/demo-caps.dot
	@mkdir -p docs/images
	dot -Tsvg $(HOSTED)/demo-caps.dot -o docs/images/demo-caps.svg

# The window shows the demo's processes talking to the console server:
# 11 us from the first IPC.
timeline-picture: build-hosted
	@$(HOSTED)/sim/kaal-sim --quiet --timeline $(HOSTED)/demo-timeline.json
	@python3 scripts/timeline-check.py $(HOSTED)/demo-timeline.json
	@mkdir -p docs/images
	python3 scripts/timeline-svg.py --first IPC --span 11 \
	  --title "The demo around its first IPC (virtual time; kaal-sim --timeline)" \
	  $(HOSTED)/demo-timeline.json docs/images/demo-timeline.svg

BACKEND ?= hosted
tutorial: DEPS = $(if $(filter qemu raspi4b,$(BACKEND)),qemu)
tutorial: configure-hosted $(if $(filter qemu raspi4b,$(BACKEND)),configure-arm64)
	@tutorial/run.sh "$(CH)" $(BACKEND) $(HOSTED) $(ARM64)

tutorial-pictures: DEPS = picture
tutorial-pictures: build-hosted
	@tutorial/pictures.sh $(HOSTED)

debug: DEPS = debug
debug: build-hosted
	gdb -x tools/gdb/kaal.py --args $(HOSTED)/sim/kaal-sim --one-process $(DEBUG_ARGS)

fuzz: DEPS = fuzz
fuzz: configure-hosted build-fuzz
	@scripts/fuzz-run.sh $(FUZZ) $(FUZZ_SECONDS) $(FUZZ_PARSERS_SECONDS)

# Whole-system fuzzing (docs/fuzzing.md "Whole systems"): SYSTEM=FILE.cpio
# for FUZZ_SECONDS; kaal-sim replays what it finds (--replay). The seeded
# bug benchmark: make fuzz-seeded (FUZZ_RUNS executions, seed FUZZ_SEED).
fuzz-system: DEPS = fuzz
fuzz-system: configure-hosted build-hosted build-fuzz
	@scripts/fuzz-system.sh $(FUZZ) $(FUZZ_SECONDS) $(SYSTEM)

fuzz-seeded: DEPS = fuzz
fuzz-seeded: configure-hosted build-hosted build-fuzz
	@scripts/fuzz-seeded.sh $(FUZZ) $(HOSTED)

# Line coverage of core/ reached by the fuzz corpora (llvm-cov).
fuzz-cov: DEPS = fuzz
fuzz-cov: configure-hosted configure-fuzz
	@FUZZ_BUILD=$(FUZZ) scripts/fuzz-coverage.sh

bench: DEPS = qemu
bench: build-hosted build-arm64
	@python3 bench/run.py $(HOSTED) --runs $(BENCH_RUNS) --arm64 $(ARM64) --contended

MUTANTS ?= 150
SEED ?= 1
mutate: DEPS = qemu
mutate: configure-hosted
	@python3 scripts/mutate.py --count $(MUTANTS) --seed $(SEED)

# The hand-written mutants of tests/mutants/ (each must be killed).
mutate-hand: DEPS = qemu
mutate-hand: configure-hosted
	@python3 scripts/mutate.py --patches tests/mutants

# The SDK (docs/sdk.md): meson install of both build folders into PREFIX.
sdk: sdk-prefix build-hosted build-arm64
	@sh scripts/sdk-install.sh "$(PREFIX)" $(HOSTED) $(ARM64)

# The SDK plus the whole-system fuzzer of the fuzz build, as
# bin/kaal-fuzz-system (docs/fuzzing.md "Fuzzing your own server").
sdk-fuzz: DEPS = fuzz
sdk-fuzz: sdk build-fuzz
	@install -m 755 $(FUZZ)/fuzz/fuzz_system "$(PREFIX)/bin/kaal-fuzz-system"
	@echo "  whole-system fuzzer: $(PREFIX)/bin/kaal-fuzz-system (docs/fuzzing.md)"

sdk-prefix:
	@[ -n "$(PREFIX)" ] || { echo "make sdk: give the install folder: make sdk PREFIX=DIR" >&2; exit 2; }

clean:
	rm -rf build
