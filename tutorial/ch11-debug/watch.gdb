# Chapter 11, step 3 (docs/tutorial/11-debugging.md): every change of the
# server's count of requests (history[4] of the root task's ELF), with
# where it happened; then on to the end of the run.
#   gdb -batch -x tools/gdb/kaal.py -x tutorial/ch11-debug/watch.gdb -ex run \
#       --args build/hosted/sim/kaal-sim --quiet --one-process --no-module \
#       --root build/hosted/tutorial/tutorial-ch11-learner.elf
# On QEMU: gdb-multiarch with the kernel image whose root task is the
# exercise, `-ex 'target remote | qemu-system-aarch64 ... -gdb stdio -S'
# -ex continue` instead of `-ex run` (tutorial/ch11-debug/tools.sh).
kaal watch root:history[4]
commands
  bt 1
  continue
end
