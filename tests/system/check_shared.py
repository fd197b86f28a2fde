#!/usr/bin/env python3
"""Check the shared/private split of kaal-sim's memory (hal/hosted/shared.h).

Reads the GNU ld link map of kaal-sim and fails when
  - the output section .kaal_shared is missing or not whole pages;
  - a .data or .bss input section of the core (libkaal_core.a) lies outside
    .kaal_shared: a core variable the address-space processes would not share;
  - a .data or .bss input section of the hosted backend (libkaal_hosted.a) or
    of kaal-sim itself is not empty: a variable marked neither HOSTED_SHARED
    nor HOSTED_PRIVATE (decide which it is; docs/hal.md "Shared memory").

usage: check_shared.py kaal-sim.map
"""
import re
import sys

PAGE = 4096
DATA = re.compile(r"^\.(data|bss)(\..*)?$")
RELRO = re.compile(r"^\.data\.rel\.ro")
CORE = re.compile(r"libkaal_core\.a(\(|\.p/)")  # archive member, or thin archive's
BACKEND = re.compile(r"libkaal_hosted\.a(\(|\.p/)|kaal-sim\.p/")


def input_sections(lines):
    """Yield (output section, input section, address, size, file)."""
    out = None
    pending = None  # an input section name alone on its line (long names wrap)
    for line in lines:
        if line.startswith("Linker script and memory map"):
            out = ""
            continue
        if out is None:
            continue
        m = re.match(r"^(\.\S+|[A-Za-z_]\S*)(\s+0x[0-9a-f]+\s+0x[0-9a-f]+)?\s*$", line)
        if m and not line.startswith(" "):
            out = m.group(1)
            continue
        if pending is not None:
            m = re.match(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$", line)
            if m:
                yield out, pending, int(m.group(1), 16), int(m.group(2), 16), m.group(3)
            pending = None
            continue
        m = re.match(r"^ (\.\S+|COMMON)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$", line)
        if m:
            yield out, m.group(1), int(m.group(2), 16), int(m.group(3), 16), m.group(4)
            continue
        m = re.match(r"^ (\.\S+|COMMON)\s*$", line)
        if m:
            pending = m.group(1)


def output_section(lines, name):
    for line in lines:
        m = re.match(r"^%s\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)" % re.escape(name), line)
        if m:
            return int(m.group(1), 16), int(m.group(2), 16)
    return None


def main():
    with open(sys.argv[1]) as f:
        lines = f.read().splitlines()
    errors = []
    shared = output_section(lines, ".kaal_shared")
    if shared is None:
        errors.append("no output section .kaal_shared: not linked with hal/hosted/shared.ld")
    elif shared[0] % PAGE or shared[1] % PAGE or shared[1] == 0:
        errors.append(".kaal_shared at %#x size %#x is not whole pages" % shared)
    core = 0
    for out, sec, addr, size, obj in input_sections(lines):
        is_data = (DATA.match(sec) or sec == "COMMON") and not RELRO.match(sec)
        if not is_data or size == 0:
            continue
        if CORE.search(obj):
            core += 1
            if out != ".kaal_shared":
                errors.append("core variable outside the shared range: %s %s in %s"
                              % (obj, sec, out))
        elif BACKEND.search(obj):
            errors.append("variable neither HOSTED_SHARED nor HOSTED_PRIVATE: %s %s (%d bytes)"
                          % (obj, sec, size))
    if core == 0:
        errors.append("no core variable found in the map: is the map kaal-sim's?")
    for e in errors:
        print("check_shared: " + e)
    if not errors:
        print("check_shared: %d core data sections shared, .kaal_shared %#x bytes, "
              "every backend variable marked" % (core, shared[1]))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
