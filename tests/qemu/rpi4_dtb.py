#!/usr/bin/env python3
"""Write a minimal Raspberry Pi 4 device tree blob (no dtc needed).

    rpi4_dtb.py OUT.dtb
    rpi4_dtb.py [--mem BASE,SIZE]... [--rsv BASE,SIZE]... --image KERNEL8.IMG OUT.img

QEMU's raspi4b generates no device tree of its own (docs/rpi4.md): it hands
a raw image x0 = 0x100. Given one with -dtb, it fills /memory and /chosen
(linux,initrd-start/-end for -initrd) as the Pi's firmware does and passes
its address in x0. This blob holds only what that needs: the root's cell
sizes (the Pi 4's: #address-cells 2, #size-cells 1), a /memory node with
the RAM every Pi 4 has (0 .. 0x3b400000, plat's fallback; QEMU rewrites it)
and an empty /chosen.

With --image, OUT is instead KERNEL8.IMG (a KaaL rpi4 raw image, loaded at
0x80000) carrying the tree, as the SDK's `microkit` tool builds its rpi4b
images (tools/microkit/image_out.c, docs/microkit.md "rpi4b"): the image's
first instruction (the Image header's branch to its entry) becomes a branch
to a tail past the image size (page aligned) that sets x0 = the tree after
it and branches to the entry, so the firmware's or QEMU's tree (whose
/memory QEMU rewrites to the real RAM) is never read. That lets a test boot
the kernel on RAM layouts no board has (tests/qemu/meson.build:
early-no-ram-raspi4b, early-l2-pool-full-raspi4b). --mem BASE,SIZE
(repeatable) replaces the /memory banks; --rsv BASE,SIZE adds a
/memreserve/ entry (the tail's page is always reserved).
"""
import struct
import sys

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_END = 1, 2, 3, 9


RPI4_LOAD = 0x80000
TAIL_DTB = 0x40


def build(mem=((0, 0x3B400000),), rsv=()):
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
    prop("reg", b"".join(cells(b >> 32, b & 0xFFFFFFFF, n) for b, n in mem))
    end()
    begin("chosen")
    end()
    end()
    struct_blk.extend(struct.pack(">I", FDT_END))

    header_size = 40
    rsvmap = b"".join(struct.pack(">QQ", b, n) for b, n in rsv) + struct.pack(">QQ", 0, 0)
    off_rsv = header_size
    off_struct = off_rsv + len(rsvmap)
    off_strings = off_struct + len(struct_blk)
    total = off_strings + len(strings)
    header = struct.pack(">10I", FDT_MAGIC, total, off_struct, off_strings, off_rsv, 17, 16, 0,
                         len(strings), len(struct_blk))
    return header + rsvmap + bytes(struct_blk) + bytes(strings)


def image(kernel, mem, rsv):
    """KERNEL (kernel8.img bytes) with a tail that passes the tree in x0."""
    k = bytearray(kernel)
    code0, = struct.unpack_from("<I", k, 0)
    image_size, = struct.unpack_from("<Q", k, 16)
    disp = (code0 & 0x3FFFFFF) * 4
    if code0 & 0xFC000000 != 0x14000000 or disp == 0 or disp >= len(k) or image_size < len(k):
        raise ValueError("not a KaaL rpi4 kernel image (kernel8.img: it starts with a branch "
                         "forward to its entry, and its image size is at least its length)")
    tail = (image_size + 0xFFF) & ~0xFFF
    struct.pack_into("<I", k, 0, 0x14000000 | (tail // 4))
    back = ((disp - (tail + 0x10)) // 4) & 0x3FFFFFF
    code = [0x10000000 | (TAIL_DTB // 4) << 5,  # adr x0, tail + 0x40
            0xAA1F03E1, 0xAA1F03E2, 0xAA1F03E3,  # mov x1, x2, x3 = xzr
            0x14000000 | back]                   # b entry
    tree = build(mem, list(rsv) + [(RPI4_LOAD + tail, 0x1000)])
    if len(tree) > 0x1000 - TAIL_DTB:
        raise ValueError("device tree of %d bytes does not fit in the tail's page" % len(tree))
    out = k + bytes(tail - len(k)) + b"".join(struct.pack("<I", c) for c in code)
    out += bytes(TAIL_DTB - 4 * len(code)) + tree
    out += bytes(-len(out) % 0x1000)
    struct.pack_into("<Q", out, 16, len(out))
    return bytes(out)


def pair(text, size_bits):
    """BASE,SIZE (each a Python integer literal: 0x... or decimal)."""
    try:
        b, n = (int(v, 0) for v in text.split(","))
    except ValueError:
        raise ValueError("'%s' is not BASE,SIZE" % text)
    if b < 0 or b >> 64 or n <= 0 or n >> size_bits:
        raise ValueError("'%s': the base must fit 64 bits and the size %d bits, nonzero"
                         % (text, size_bits))
    return b, n


def main():
    args = sys.argv[1:]
    mem, rsv, kernel, rest = [], [], None, []
    try:
        while args:
            a = args.pop(0)
            if a in ("--mem", "--rsv", "--image") and not args:
                raise ValueError("%s needs a value" % a)
            if a == "--mem":
                mem.append(pair(args.pop(0), 32))  # #size-cells 1
            elif a == "--rsv":
                rsv.append(pair(args.pop(0), 64))
            elif a == "--image":
                kernel = args.pop(0)
            else:
                rest.append(a)
        if len(rest) != 1 or ((mem or rsv) and kernel is None):
            raise ValueError("usage: rpi4_dtb.py OUT.dtb | rpi4_dtb.py [--mem BASE,SIZE]... "
                             "[--rsv BASE,SIZE]... --image KERNEL8.IMG OUT.img")
        if kernel is None:
            data = build()
        else:
            with open(kernel, "rb") as f:
                try:
                    data = image(f.read(), mem or [(0, 0x3B400000)], rsv)
                except ValueError as e:
                    raise ValueError("%s: %s" % (kernel, e))
    except (ValueError, OSError) as e:
        sys.stderr.write("rpi4_dtb.py: error: %s\n" % e)
        return 2
    with open(rest[0], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
