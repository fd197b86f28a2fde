#!/usr/bin/env python3
"""The boot archive of chapter 10's check (tutorial/ch10-system/check.c).

    archive.py --mkcpio MKCPIO --microkit TOOL --board BOARD [--kernel IMG]
               --work DIR --out OUT --system KAAL.system --microkit-system XML
               --server ELF --client ELF --pd-server ELF --pd-client ELF

1. The microkit tool builds the Microkit system file XML for BOARD
   (kaal_hosted, or qemu_virt_aarch64 with the kernel image IMG), with the
   PD images as pd_server.elf and pd_client.elf in its search path. The
   KaaL boot archive inside the tool's image (the image itself for
   kaal_hosted; for qemu_virt_aarch64 the CPIO archive after the kernel)
   gives microkit.system (stored as microkit.desc) and pdN.elf.
2. mkcpio writes OUT with ch10.system=KAAL.system, server.elf, client.elf
   and what step 1 gave; mkcpio checks ch10.system as the loader will.

A description that the tool or mkcpio refuses is left out of the archive,
with their message (FILE:LINE: reason) printed (not with --quiet: the
build's archives of the exercise, whose gaps are refused on purpose):
check.c then reports the step as not done. Exit status 0 when OUT is
written, 1 otherwise.
"""
import argparse
import os
import shutil
import subprocess
import sys

MAGIC = b"070701"


def cpio_entries(data, start):
    """[(name, bytes)] of the newc archive at data[start:], up to TRAILER!!!."""
    out, i = [], start
    while True:
        h = data[i:i + 110]
        if len(h) < 110 or not h.startswith(MAGIC):
            raise ValueError(f"no CPIO header at offset {i}")
        size = int(h[54:62], 16)
        namesize = int(h[94:102], 16)
        name = data[i + 110:i + 110 + namesize - 1].decode()
        i = (i + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            return out
        out.append((name, data[i:i + size]))
        i = (i + size + 3) & ~3


def find_archive(data):
    """Offset of the KaaL archive in a microkit image: its first entry is
    microkit.system (tools/microkit/image.c)."""
    want = b"microkit.system\0"
    i = data.find(MAGIC)
    while i >= 0:
        ns = data[i + 94:i + 102]
        try:
            if data[i + 110:i + 110 + int(ns, 16)] == want:
                return i
        except ValueError:
            pass
        i = data.find(MAGIC, i + 1)
    raise ValueError("no KaaL boot archive in the microkit image")


def microkit(a):
    """[(archive name, host file)] from the Microkit file, or [] (printed why)."""
    os.makedirs(a.work, exist_ok=True)
    shutil.copyfile(a.pd_server, os.path.join(a.work, "pd_server.elf"))
    shutil.copyfile(a.pd_client, os.path.join(a.work, "pd_client.elf"))
    img = os.path.join(a.work, "microkit.img")
    cmd = [a.microkit, a.microkit_system, "--search-path", a.work, "--board", a.board,
           "--config", "debug", "-o", img, "-r", os.path.join(a.work, "report.txt")]
    if a.kernel:
        cmd += ["--kaal-kernel", a.kernel]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        if not a.quiet:
            sys.stdout.write(r.stdout.decode(errors="replace"))
            print(f"archive.py: the microkit tool refuses {a.microkit_system}: "
                  "the Microkit steps are not done")
        return []
    data = open(img, "rb").read()
    files = []
    for name, body in cpio_entries(data, find_archive(data)):
        path = os.path.join(a.work, "mk-" + name)
        with open(path, "wb") as f:
            f.write(body)
        files.append(("microkit.desc" if name == "microkit.system" else name, path))
    return files


def main():
    p = argparse.ArgumentParser()
    for opt in ["mkcpio", "microkit", "board", "work", "out", "system", "microkit-system",
                "server", "client", "pd-server", "pd-client"]:
        p.add_argument("--" + opt, required=True)
    p.add_argument("--kernel")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args()
    progs = [("server.elf", a.server), ("client.elf", a.client)] + microkit(a)
    args = [f"{n}={f}" for n, f in progs]
    r = subprocess.run([a.mkcpio, a.out, f"ch10.system={a.system}"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        if not a.quiet:
            sys.stdout.write(r.stdout.decode(errors="replace"))
            print(f"archive.py: mkcpio refuses {a.system}: the KaaL steps are not done")
        r = subprocess.run([a.mkcpio, a.out] + args)
    return 0 if r.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
