#!/bin/sh
# tools/mkcpio refuses at build time what the loader would refuse, with
# "FILE:LINE: reason", and writes no archive then:
#   mkcpio.sh MKCPIO PROGRAM.elf
# Each case writes t.system, runs mkcpio with PROGRAM.elf stored as a.elf
# and b.elf, and checks the exit status and the message.
set -u
mkcpio=$1; elf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
head -c 200 /dev/zero | tr '\0' 'x' >bogus.elf
head -c 5000 /dev/zero >big.bin; head -c 100 /dev/zero >small.bin
fail=0
n=0

# reject MESSAGE: t.system (already written) must be refused with MESSAGE.
reject() {
  n=$((n + 1))
  rm -f out.cpio
  err=$("$mkcpio" "$@" out.cpio t.system=t.system a.elf="$elf" b.elf="$elf" bogus.elf=bogus.elf \
    big.bin=big.bin small.bin=small.bin 2>&1)
  st=$?
  if [ $st != 1 ] || [ "$err" != "$want" ]; then
    echo "FAIL case $n: status $st, message '$err', expected '$want'"; fail=1
  elif [ -e out.cpio ]; then
    echo "FAIL case $n: an archive was written"; fail=1
  fi
}
ok() {
  n=$((n + 1))
  if ! "$mkcpio" out.cpio t.system=t.system a.elf="$elf" b.elf="$elf" small.bin=small.bin || [ ! -s out.cpio ]; then
    echo "FAIL case $n: a good description was refused"; fail=1
  fi
}
sys() { printf "$@" >t.system; }

# A good one first.
sys 'memory m size=4096\nprogram a elf=a.elf priority=1 done=3\ngrant a m vaddr=0x20000000\n'
ok
# a memory region's fill= file: in the archive, no larger than the region
sys 'memory m size=4096 fill=small.bin\nprogram a elf=a.elf priority=1\n'
ok
sys 'memory m size=4096 fill=absent.bin\nprogram a elf=a.elf priority=1\n'
want="t.system:1: fill file 'absent.bin' is not in the boot archive"; reject
sys 'memory m size=4096 fill=big.bin\nprogram a elf=a.elf priority=1\n'
want="t.system:1: fill file 'big.bin' is larger than the memory"; reject
# an elf= that is not in the archive
sys 'program a elf=a.elf priority=1\nprogram c elf=c.elf priority=1\n'
want="t.system:2: c.elf: not in the boot archive"; reject
# an elf= that is no ELF image, or for another machine
sys 'program a elf=bogus.elf priority=1\n'
want="t.system:1: bogus.elf: not an ELF image (bad magic)"; reject
sys 'program a elf=a.elf priority=1\n'
other=aarch64; [ "$(uname -m)" = aarch64 ] && other=x86_64
want="t.system:1: a.elf: image is for another machine"; reject --machine $other
# too many programs, objects, grants, memory grants
: >t.system; i=0
while [ $i -le 64 ]; do echo "program p$i elf=a.elf priority=1" >>t.system; i=$((i + 1)); done
want="t.system:65: too many programs 'p64'"; reject
: >t.system; i=0
while [ $i -le 512 ]; do echo "endpoint e$i" >>t.system; i=$((i + 1)); done
want="t.system:513: too many objects 'e512'"; reject
# 16 programs, so that every grant has a slot of its own (2..254)
printf 'endpoint e\n' >t.system; i=0
while [ $i -lt 16 ]; do echo "program p$i elf=a.elf priority=1" >>t.system; i=$((i + 1)); done
i=0
while [ $i -le 2048 ]; do echo "grant p$((i % 16)) e slot=$((2 + i / 16))"; i=$((i + 1)); done >>t.system
want="t.system:2066: too many grants"; reject
printf 'program a elf=a.elf priority=1\n' >t.system; i=0
while [ $i -le 64 ]; do printf 'memory m%d size=4096\ngrant a m%d vaddr=0x%x\n' $i $i $((0x20000000 + i * 4096)) >>t.system; i=$((i + 1)); done
want="t.system:131: too many memory grants (limit 64) for 'a'"; reject
# overlapping regions in one program, and a region on the program's image
sys 'memory m size=8192\nmemory n size=4096\nprogram a elf=a.elf priority=1\ngrant a m vaddr=0x20000000\ngrant a n vaddr=0x20001000\n'
want="t.system:5: memory overlaps another region of 'a'"; reject
sys 'memory m size=4096\nprogram a elf=a.elf priority=1\ngrant a m vaddr=0x10000000\n'
want="t.system:3: m: region overlaps the ELF image of a (a.elf)"; reject
# a region above the portable user range (allowed with --vtop on arm64)
sys 'memory m size=4096\nprogram a elf=a.elf priority=1\ngrant a m vaddr=0x80000000\n'
want="t.system:3: vaddr outside the child's free address range '0x80000000'"; reject
# bad priorities
sys 'program a elf=a.elf priority=255\n'
want="t.system:1: priority out of range 0..254 '255'"; reject
sys 'program a elf=a.elf priority=high\n'
want="t.system:1: bad number 'high'"; reject
# unknown objects and programs
sys 'program a elf=a.elf priority=1\ngrant a nothing slot=2\n'
want="t.system:2: unknown object 'nothing'"; reject
sys 'endpoint e\ngrant nobody e slot=2\n'
want="t.system:2: unknown program 'nobody'"; reject
sys 'program a elf=a.elf priority=1 fault=nothing\n'
want="t.system:1: unknown object 'nothing'"; reject
# supervision mistakes
sys 'endpoint e\nprogram a elf=a.elf priority=1 done=2\ngrant a e slot=2\n'
want="t.system:3: slot already taken by done= of 'a'"; reject
sys 'program a elf=a.elf priority=1 on_fault=sometimes\n'
want="t.system:1: on_fault is stop, restart or halt, not 'sometimes'"; reject
# two descriptions, or a name twice
sys 'program a elf=a.elf priority=1\n'
n=$((n + 1))
err=$("$mkcpio" out.cpio t.system=t.system u.system=t.system a.elf="$elf" 2>&1)
[ $? = 1 ] && [ "$err" = "mkcpio: more than one system description ('t.system' and 'u.system'): the loader runs only the first" ] ||
  { echo "FAIL case $n: two descriptions: $err"; fail=1; }
n=$((n + 1))
err=$("$mkcpio" out.cpio t.system=t.system a.elf="$elf" a.elf="$elf" 2>&1)
[ $? = 1 ] && [ "$err" = "mkcpio: 'a.elf' given twice" ] || { echo "FAIL case $n: a name twice: $err"; fail=1; }
[ $fail = 0 ] && echo "ok: $n cases"
exit $fail
