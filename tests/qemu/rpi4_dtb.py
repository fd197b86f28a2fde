#!/usr/bin/env python3
"""Write a minimal Raspberry Pi 4 device tree blob (no dtc needed).

    rpi4_dtb.py OUT.dtb

QEMU's raspi4b generates no device tree of its own (docs/rpi4.md): it hands
a raw image x0 = 0x100. Given one with -dtb, it fills /memory and /chosen
(linux,initrd-start/-end for -initrd) as the Pi's firmware does and passes
its address in x0. This blob holds only what that needs: the root's cell
sizes (the Pi 4's: #address-cells 2, #size-cells 1), a /memory node with
the RAM every Pi 4 has (0 .. 0x3b400000, plat's fallback; QEMU rewrites it)
and an empty /chosen.
"""
import struct
import sys

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_END = 1, 2, 3, 9


def build():
    strings = bytearray()
    offsets = {}
    struct_blk = bytearray()

    def name_off(name):
        if name not in offsets:
            offsets[name] = len(strings)
            strings.extend(name.encode() + b"\0")
        return offsets[name]

    def pad4(b):
        while len(b) % 4:
            b.append(0)

    def begin(name):
        struct_blk.extend(struct.pack(">I", FDT_BEGIN_NODE))
        struct_blk.extend(name.encode() + b"\0")
        pad4(struct_blk)

    def end():
        struct_blk.extend(struct.pack(">I", FDT_END_NODE))

    def prop(name, value):
        struct_blk.extend(struct.pack(">III", FDT_PROP, len(value), name_off(name)))
        struct_blk.extend(value)
        pad4(struct_blk)

    def cells(*vals):
        return b"".join(struct.pack(">I", v) for v in vals)

    begin("")
    prop("#address-cells", cells(2))
    prop("#size-cells", cells(1))
    prop("compatible", b"raspberrypi,4-model-b\0brcm,bcm2711\0")
    prop("model", b"Raspberry Pi 4 Model B (KaaL test tree)\0")
    begin("memory@0")
    prop("device_type", b"memory\0")
    prop("reg", cells(0, 0, 0x3B400000))
    end()
    begin("chosen")
    end()
    end()
    struct_blk.extend(struct.pack(">I", FDT_END))

    header_size = 40
    rsvmap = struct.pack(">QQ", 0, 0)
    off_rsv = header_size
    off_struct = off_rsv + len(rsvmap)
    off_strings = off_struct + len(struct_blk)
    total = off_strings + len(strings)
    header = struct.pack(">10I", FDT_MAGIC, total, off_struct, off_strings, off_rsv, 17, 16, 0,
                         len(strings), len(struct_blk))
    return header + rsvmap + bytes(struct_blk) + bytes(strings)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: rpi4_dtb.py OUT.dtb\n")
        return 2
    with open(sys.argv[1], "wb") as f:
        f.write(build())
    return 0


if __name__ == "__main__":
    sys.exit(main())
