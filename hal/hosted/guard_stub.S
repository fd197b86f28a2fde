/*
 * The only code of a --guard user process (guard.c): kaal-sim runs this
 * static program, with no libc, from a memfd in each user process it
 * creates, traces it and then unmaps everything else of it but these two
 * pages (guard_stub.ld):
 *
 *   0x0fffe000  _start: int3 (the tracer takes over), then the syscall
 *               the tracer injects (window fills and flushes, set-up):
 *               syscall; int3; a constant itimerval (the watchdog's tick)
 *   0x0ffff000  the gate page: int3 everywhere. `call kaal_hosted_gate`
 *               stops at its first byte; any other byte is a breakpoint.
 */
    .section .text, "ax"
    .globl _start
_start:
    int3
guard_stub_syscall:            /* 0x0fffe001: the tracer injects syscalls here */
    syscall
    int3
    jmp guard_stub_syscall
    .org 0x800, 0xcc
guard_stub_itimer:             /* 0x0fffe800: 10 ms of CPU time, repeating */
    .quad 0, 10000, 0, 10000
    .org 0x1000, 0xcc

    .section .gate, "ax"
    .fill 4096, 1, 0xcc
    .section .note.GNU-stack, "", @progbits
