#!/usr/bin/env python3
"""Write the seed corpus: small hand-made step sequences (fuzz_run.c's
input format) that reach every syscall, each invocation label on the world's
objects, a thread switch, an interrupt, each fault kind and a timer tick."""
import os

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(out, exist_ok=True)

NSYS = 13  # entries of sysnos[] in fuzz_run.c (12: DebugSnapshot)
CALL, REPLY_RECV = 0, 8  # their indices in sysnos[]
EP = 3  # the first endpoint: world object 3 (after the three TCBs)

def syscall(sys_idx, obj, label, length=4, extra=0, args=(0, 0, 0, 0), caps=(), wargs=None):
    # op, sysno, cptr selector (< 160: world object obj), label selector,
    # length: short form, unwrap, extra, 4 args as small bytes (or wargs:
    # (selector, byte) pairs of biased_word), then IPC buffer words: caps
    # are cptr selectors written to the extra-cap words 122.. (< 160: world
    # object; 160 + k*9 + c: initial cap c).
    b = [0, sys_idx, obj % 24, label, 1, length, 0, extra]
    if wargs is None:
        wargs = [(0, a & 0xff) for a in args]
    for sel, v in wargs:
        b += [sel, v]
    b += [len(caps)]
    for i, c in enumerate(caps):
        b += [122 + i, c]
    return bytes(b)

def init_cap(c):
    return 162 + (c - 162 % 9) % 9  # a selector in [160, 220) naming initial cap c

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
# The IPC fast path (core/fastpath.h). In the snapshot the server (thread
# 2) waits in Recv on the endpoint and the client (thread 1) runs alone at
# its priority: a registers-only Call takes the fast path, the server's
# ReplyRecv takes it back. KAAL_FUZZ_DIFF=2 prints the fast-path IPCs.
fast_call = syscall(CALL, EP, 0, 2, 0, (5, 6, 7, 8))
fast_rr = syscall(REPLY_RECV, EP, 0, 2, 0, (1, 2, 3, 4))
seeds["fastpath_call"] = fast_call
seeds["fastpath_call_replyrecv"] = fast_call + fast_rr
seeds["fastpath_pingpong"] = (fast_call + fast_rr) * 4
for length in range(5):
    seeds[f"fastpath_len{length}"] = syscall(CALL, EP, 0, length) + syscall(REPLY_RECV, EP, 0, length)
# Near misses that must fall back to the slow path: a long message, an
# extra cap, a label, a preempting timer tick in between.
seeds["fastpath_long"] = syscall(CALL, EP, 0, 6) + fast_rr
seeds["fastpath_extra"] = syscall(CALL, EP, 0, 2, 1) + fast_rr
seeds["fastpath_label"] = syscall(CALL, EP, 5, 2) + syscall(REPLY_RECV, EP, 7, 2)
seeds["fastpath_tick"] = fast_call + bytes([14]) + fast_rr + fast_call
# The world's second half (fuzz_world.c): 11 page table, 12 page
# directory, 13 a 4 KiB untyped, 14 IRQ handler (line 8 -> notification 5),
# 15 endpoint 3 badged 7, 16 a second VSpace (ASID assigned). Initial caps: 2 CNode, 3 VSpace, 4 IRQ control,
# 5 ASID control.
for label in range(36):
    for obj in (9, 11, 12, 13, 14, 15):
        seeds[f"call_label{label}_obj{obj}"] = syscall(0, obj, label, 6, 1, (1, 2, 3, 4))
VADDR = (6, 0x20)  # biased_word selector 6: a user address
for label in (29, 30, 31, 32, 33):
    for obj in (8, 9, 11, 12):
        for cap in (init_cap(3), 16, 11, 12):
            seeds[f"vspace_l{label}_o{obj}_c{cap}"] = syscall(
                0, obj, label, 3, 1, wargs=[VADDR, (0, 0xf), (0, 0), (0, 0)], caps=(cap,))
# Map a page directory, a page table, then a frame (levels in order).
seeds["vspace_map_chain"] = (
    syscall(0, 12, 29, 2, 1, wargs=[VADDR, (0, 0), (0, 0), (0, 0)], caps=(init_cap(3),)) +
    syscall(0, 11, 29, 2, 1, wargs=[VADDR, (0, 0), (0, 0), (0, 0)], caps=(init_cap(3),)) +
    syscall(0, 9, 31, 3, 1, wargs=[VADDR, (0, 0xf), (0, 0), (0, 0)], caps=(init_cap(3),)) +
    syscall(0, 9, 32, 0) + syscall(0, 11, 30, 0))
# ASID control MakePool from the 4 KiB untyped into slot 20 of the root
# CNode slot first_obj + 16 (args index, depth; biased_word selector 1
# names world slots).
seeds["asid_make_pool"] = bytes([0, 0, init_cap(5), 34, 1, 2, 0, 2, 1, 16, 0, 64, 0, 0, 0, 0,
                                 2, 122, 13, 123, init_cap(2)])
# Faults go to endpoint 4: thread 3 (priority 90) runs when the client
# faults, receives the fault message and replies.
for k in range(3):
    seeds[f"fault_handled{k}"] = (bytes([13, k, 0, 5, 0, 0]) + syscall(5, 4, 0) +
                                  syscall(7, 0, 0, 0))
# Interrupt on line 8 -> notification 5: wait, then acknowledge.
seeds["irq_wait_ack"] = bytes([12, 0]) + syscall(5, 5, 0) + syscall(0, 14, 26, 0)
seeds["irq_ack_first"] = syscall(0, 14, 26, 0) + bytes([12, 0, 12, 0]) + syscall(6, 5, 0)
# The badged endpoint: send with badge 7, then CNode CancelBadgedSends on it.
seeds["badge_send_cancel"] = (syscall(3, 15, 0, 1) +
                              bytes([0, 0, init_cap(2), 18, 1, 2, 0, 0, 1, 15, 0, 64, 0, 0, 0, 0, 0]))
# Bound notification of thread 3: signal it, then thread 3 waits on ep 3.
seeds["bound_ntfn"] = syscall(3, 6, 0, 0) + bytes([11, 3]) + syscall(5, 3, 0)
# CNode operations on the root CNode (initial cap 2), with world slots as
# operands (biased_word selector 1: first_obj + k; depth 64). Arguments
# past the four registers go to IPC buffer words 1 + i (message word i).
def cnode_op(label, args, ncaps=0):
    regs = args[:4] + [(0, 0)] * (4 - len(args[:4]))
    length = len(args)
    b = [0, 0, init_cap(2), label] + ([1, length] if length < 8 else [0, length])
    b += [0, ncaps]
    for sel, v in regs:
        b += [sel, v]
    words = [(1 + i, sel, v) for i, (sel, v) in enumerate(args) if i >= 4]
    b += [len(words) + ncaps]
    for idx, sel, v in words:
        b += [idx, sel, v]
    for i in range(ncaps):
        b += [122 + i, init_cap(2)]
    return bytes(b)

W = lambda k: (1, k)   # world slot first_obj + k
D = (0, 64)            # depth
FREE = 17              # first empty world slot
for k in range(17):
    seeds[f"cnode_delete{k}"] = cnode_op(17, [W(k), D])
    seeds[f"cnode_revoke{k}"] = cnode_op(16, [W(k), D])
    seeds[f"cnode_copy{k}"] = cnode_op(19, [W(FREE), D, W(k), D, (0, 15)], 1)
    seeds[f"cnode_mint{k}"] = cnode_op(20, [W(FREE), D, W(k), D, (0, 15), (0, 9)], 1)
    seeds[f"cnode_move{k}"] = cnode_op(21, [W(FREE), D, W(k), D], 1)
    seeds[f"cnode_mutate{k}"] = cnode_op(22, [W(FREE), D, W(k), D, (0, 5)], 1)
    seeds[f"cnode_rotate{k}"] = cnode_op(23, [W(FREE), D, (0, 3), W((k + 1) % 17), D, (0, 4), W(k), D], 2)
    # rotate with source == destination: a swap of two slots (cdt_swap)
    seeds[f"cnode_swap{k}"] = cnode_op(23, [W(k), D, (0, 3), W((k + 1) % 17), D, (0, 4), W(k), D], 2)
    # copy, then delete the original and the copy: the last-cap paths
    seeds[f"cnode_copy_delete{k}"] = (cnode_op(19, [W(FREE), D, W(k), D, (0, 15)], 1) +
                                      cnode_op(17, [W(k), D]) + cnode_op(17, [W(FREE), D]))
# The ASID paths: delete the initial pool, or the second VSpace, after
# mapping a table into it.
seeds["asid_delete_pool"] = cnode_op(17, [(7, 6), D])
seeds["asid_delete_vspace_mapped"] = (
    syscall(0, 12, 29, 2, 1, wargs=[VADDR, (0, 0), (0, 0), (0, 0)], caps=(16,)) +
    cnode_op(17, [W(16), D]) + cnode_op(17, [W(12), D]))
seeds["asid_assign_again"] = bytes([0, 0, init_cap(6), 35, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                                    1, 122, 16])
seeds["cnode_save_caller"] = fast_call + cnode_op(24, [W(FREE), D])
seeds["cnode_cancel_badged"] = syscall(3, 15, 0, 1) + cnode_op(18, [W(15), D])
seeds["cnode_revoke_untyped_child"] = (
    syscall(0, 10, 1, 6, 1, wargs=[(0, 2), (0, 0), (0, 0), (0, 0)], caps=(init_cap(2),)) +
    cnode_op(16, [W(10), D]))
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}")

# ---- fuzz_parsers seeds (fuzz/corpus-parsers): first byte picks the parser
# (0 libkaal ELF, 1 system description, 2 CPIO, 3 kernel's ELF reader,
# 4 a boot archive end to end, 5 kernel boot: RAM size byte, boot module
# size byte (32-byte units, taken from the end) + root image);
# see fuzz/fuzz_parsers.c.
import struct

pout = os.path.join(os.path.dirname(out), "corpus-parsers")
os.makedirs(pout, exist_ok=True)

def elf(machine=62, segs=((0x10001000, 0x20, 0x40, 5), (0x10002000, 0x10, 0x1000, 6))):
    """A small ET_EXEC ELF64: each seg (vaddr, filesz, memsz, flags); the
    entry is the first segment's start."""
    phoff, phnum = 64, len(segs)
    data_off = phoff + 56 * phnum
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, segs[0][0], phoff, 0, 0,
                             64, 56, phnum, 64, 0, 0)
    ph, body, off = b"", b"", data_off
    for vaddr, filesz, memsz, flags in segs:
        ph += struct.pack("<IIQQQQQQ", 1, flags, off, vaddr, vaddr, filesz, memsz, 0x1000)
        body += bytes((i * 7 + 1) & 0xff for i in range(filesz))
        off += filesz
    return eh + ph + body

def cpio(files):
    """A CPIO newc archive of (name, bytes), with the trailer."""
    b = b""
    for i, (name, data) in enumerate(list(files) + [("TRAILER!!!", b"")]):
        nb = name.encode() + b"\0"
        mode = 0o100644 if name != "TRAILER!!!" else 0
        fields = [i + 1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0]
        b += b"070701" + b"".join(b"%08X" % f for f in fields) + nb
        b += bytes(-len(b) % 4)
        b += data
        b += bytes(-len(b) % 4)
    return b

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(root, "user", "system", "demo.system"), "rb") as f:
    demo = f.read()
small = b"endpoint ep\nprogram p elf=p.elf priority=10\ngrant p ep slot=2 rights=RW\n"
pseeds = {
    "elf_x86": b"\0" + elf(),
    "elf_arm64": b"\0" + elf(183),
    "elf_one_seg": b"\0" + elf(segs=((0x10001000, 0x80, 0x80, 5),)),
    "sysdesc_demo": b"\1" + demo,
    "sysdesc_small": b"\1" + small,
    "cpio_demo": b"\2" + cpio([("demo.system", demo), ("p.elf", elf())]),
    "cpio_empty": b"\2" + cpio([]),
    "bootelf_x86": b"\3" + elf(),
    "bootelf_one_seg": b"\3" + elf(segs=((0x10001000, 0x20, 0x40, 5),)),
    "archive_small": b"\4" + cpio([("x.system", small), ("p.elf", elf())]),
    "boot_1m": b"\5\3\0" + elf(),
    "boot_256k": b"\5\0\0" + elf(),
    "boot_2m_one_seg": b"\5\7\0" + elf(segs=((0x10001000, 0x20, 0x40, 5),)),
    "boot_1m_module": b"\5\3\4" + elf() + bytes(range(128)),
}
for name, data in pseeds.items():
    with open(os.path.join(pout, name), "wb") as f:
        f.write(data)
print(f"{len(pseeds)} seeds in {pout}")
