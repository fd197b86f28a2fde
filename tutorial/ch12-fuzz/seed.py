#!/usr/bin/env python3
"""Write a whole-system fuzzer input from text (docs/tutorial/12-fuzzing.md).

    seed.py IN.txt OUT

One step a line ('#' starts a comment; numbers decimal or 0x hex):

    call SLOT LABEL [WORD...]    a Call on the client's slot SLOT (2-15)
    send SLOT LABEL [WORD...]    a Send
    tick                         a timer tick

OUT gets the bytes of sim/sim_play.h's format (docs/fuzzing.md "How it
runs"): opcode, slot byte, label (2 bytes), length, each word as 2 bytes
(below 0x10000) or 8. Errors: IN:LINE: reason, exit status 1.
"""
import struct
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    data = bytearray()
    try:
        lines = open(src, encoding="utf-8").read().split("\n")
    except OSError as e:
        sys.exit(f"seed.py: {src}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        try:
            nums = [int(w, 0) for w in words[1:]]
        except ValueError as e:
            sys.exit(f"{src}:{n}: not a number ({e})")
        if words[0] == "tick" and not nums:
            data += b"\x07"
            continue
        if words[0] not in ("call", "send") or len(nums) < 2:
            sys.exit(f"{src}:{n}: want 'call SLOT LABEL [WORD...]', 'send ...' or 'tick'")
        slot, label, mrs = nums[0], nums[1], nums[2:]
        if not 2 <= slot <= 15 or not 0 <= label < 0x10000 or len(mrs) > 11:
            sys.exit(f"{src}:{n}: slot 2-15, label below 0x10000, at most 11 words")
        data += bytes([0 if words[0] == "call" else 3, slot - 2]) + struct.pack("<H", label)
        data.append(len(mrs))
        for w in mrs:
            if not 0 <= w < 1 << 64:
                sys.exit(f"{src}:{n}: word out of range '{w}'")
            data += b"\x00" + struct.pack("<H", w) if w < 0x10000 else b"\xff" + struct.pack("<Q", w)
    with open(out, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
