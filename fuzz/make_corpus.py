#!/usr/bin/env python3
"""Write the seed corpus: small hand-made step sequences (fuzz_syscalls.c's
input format) that reach every syscall, each invocation label on the world's
objects, a thread switch, an interrupt, each fault kind and a timer tick."""
import os

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(out, exist_ok=True)

NSYS = 12  # entries of sysnos[] in fuzz_syscalls.c

def syscall(sys_idx, obj, label, length=4, extra=0, args=(0, 0, 0, 0)):
    # op, sysno, cptr selector (< 160: world object obj), label selector,
    # length: short form, unwrap, extra, 4 args as small bytes, no ipc words
    b = [0, sys_idx, obj % 24, label, 1, length, 0, extra]
    for a in args:
        b += [0, a & 0xff]
    b += [0]
    return bytes(b)

seeds = {}
for s in range(NSYS):
    for obj in range(0, 12, 3):
        seeds[f"sys{s}_obj{obj}"] = syscall(s, obj, 0)
for label in range(36):
    for obj in (0, 3, 5, 7, 8):
        seeds[f"call_label{label}_obj{obj}"] = syscall(0, obj, label, 6, 1, (1, 2, 3, 4))
seeds["switch_threads"] = bytes([11, 1, 11, 2, 11, 3]) + syscall(9, 0, 0)
seeds["interrupt"] = bytes([12, 0, 12, 1])
for k in range(3):
    seeds[f"fault{k}"] = bytes([13, k, 0, 5, 0, 0])
seeds["timer"] = bytes([14, 14, 14])
seeds["send_recv"] = syscall(3, 3, 0, 2) + bytes([11, 1]) + syscall(5, 3, 0)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}")
