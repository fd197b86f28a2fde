#!/usr/bin/env python3
"""Check that no untyped memory handed to the root task overlaps the kernel image.

    check_untyped.py --nm NM --elf KERNEL.ELF -- RUNNER [ARGS...]

Runs RUNNER (tests/qemu/run-qemu.sh or run-raspi4b.sh booting KERNEL.ELF's
image with the demo root task), which must exit 0, and reads its console
output:
  - the kernel's line "kaal: reserved 0xA-0xB (... kernel)" must name exactly
    [__kernel_start, __kernel_end) of KERNEL.ELF, in physical addresses;
  - the root task's BootInfo untyped list ("root:   slot N  paddr 0xP  2^K
    bytes") must hold RAM untypeds, none of which overlaps that range.
Exit status 0 if all holds, 1 otherwise (each failure on its own line).
"""
import argparse
import re
import subprocess
import sys

KVIRT = 0xFFFF000000000000
RESERVED = re.compile(r"kaal: reserved 0x([0-9a-f]+)-0x([0-9a-f]+) \(.*kernel\)")
UNTYPED = re.compile(r"root:\s+slot\s+\d+\s+paddr 0x([0-9a-f]+)\s+2\^(\d+) bytes(\s+device)?")


def symbols(nm, elf):
    out = subprocess.run([nm, elf], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("runner", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    runner = args.runner[1:] if args.runner[:1] == ["--"] else args.runner

    syms = symbols(args.nm, args.elf)
    k_lo = syms["__kernel_start"] - KVIRT
    k_hi = syms["__kernel_end"] - KVIRT
    proc = subprocess.run(runner, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    print(proc.stdout, end="")
    print(proc.stderr, end="", file=sys.stderr)

    fails = []
    if proc.returncode != 0:
        fails.append(f"runner exited with status {proc.returncode}")
    reserved = [(int(m.group(1), 16), int(m.group(2), 16))
                for m in map(RESERVED.search, proc.stdout.splitlines()) if m]
    if reserved != [(k_lo, k_hi)]:
        fails.append(f"kernel reserved ranges {[(hex(a), hex(b)) for a, b in reserved]}, "
                     f"expected the image [{k_lo:#x}, {k_hi:#x})")
    ram = [(int(m.group(1), 16), 1 << int(m.group(2)))
           for m in map(UNTYPED.search, proc.stdout.splitlines()) if m and not m.group(3)]
    if not ram:
        fails.append("no RAM untyped in the root task's BootInfo list")
    for base, size in ram:
        if base < k_hi and base + size > k_lo:
            fails.append(f"untyped [{base:#x}, {base + size:#x}) overlaps the kernel image "
                         f"[{k_lo:#x}, {k_hi:#x})")
    for f in fails:
        print(f"check_untyped: FAIL: {f}")
    if not fails:
        print(f"check_untyped: {len(ram)} RAM untypeds, none inside the kernel image "
              f"[{k_lo:#x}, {k_hi:#x}): PASS")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
