# KaaL: a thin wrapper over meson. Each target installs missing Debian
# packages first (scripts/deps.sh), configures what is not configured,
# and builds only what changed.
#
#   make run     build and run the hosted demo system (kaal-sim)
#   make test    every test suite, ending with one line "N passed, N failed"
#   make qemu    boot the demo system on qemu-system-aarch64 -M virt
#   make debug   kaal-sim under gdb
#   make clean   remove build/

HOSTED := build/hosted
ARM64 := build/arm64
MESON_QUIET := >/dev/null

.PHONY: run test qemu debug debug-qemu clean configure-hosted configure-arm64 build-hosted build-arm64

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

test: DEPS = test
test: build-hosted build-arm64
	@rc=0; \
	meson test -C $(HOSTED) --print-errorlogs --num-processes 2 || rc=1; \
	meson test -C $(ARM64) --print-errorlogs --num-processes 2 || rc=1; \
	echo "core cross-compiled for aarch64: $$(ls $(ARM64)/core/libkaal_core.a)"; \
	python3 scripts/test-summary.py $(HOSTED)/meson-logs/testlog.json \
	  $$( [ -f $(ARM64)/meson-logs/testlog.json ] && echo $(ARM64)/meson-logs/testlog.json ) || rc=1; \
	exit $$rc

debug: DEPS = debug
debug: build-hosted
	gdb --args $(HOSTED)/sim/kaal-sim

clean:
	rm -rf build
