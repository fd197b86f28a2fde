/*
 * Backend self-test: a stand-in core (st_core.c) runs two EL0 threads
 * (st_user.S) in two address spaces and checks what the arm64 backend
 * must provide: syscall entry/exit with the full register file, FP/SIMD
 * preserved across switches, timer preemption, every user fault kind,
 * isolation, TLB flush on unmap, SPI delivery, idle wfi, semihosting exit.
 *
 * Shared by C and assembly: numbers only.
 */
#ifndef ST_SELFTEST_H
#define ST_SELFTEST_H

/* Self-test syscalls (x7). */
#define ST_SYS_EXIT 0          /* x0 = status */
#define ST_SYS_ECHO 1          /* x0..x6 = 1..7; returns ST_ECHO_RESULT */
#define ST_SYS_YIELD 2
#define ST_SYS_PREEMPTIONS 3   /* returns timer preemptions of the caller */
#define ST_SYS_EXPECT_FAULT 4  /* x0 kind, x1 resume at x30, x2 ESR.EC */
#define ST_SYS_FAULTS_SEEN 5   /* returns faults that matched */
#define ST_SYS_UNMAP 6         /* x0 = user page to unmap */
#define ST_SYS_SLEEP 7         /* x0 = ns */
#define ST_SYS_STOP_B 8
#define ST_SYS_RAISE_IRQ 9     /* x0 = SPI to make pending */
#define ST_SYS_IRQS_SEEN 10
#define ST_SYS_REPORT 11       /* x0 test id, x1 = 1 pass / 0 fail */

#define ST_ECHO_RESULT 0x600d

/* Fault kinds, as enum kaal_fault_kind (hal/entry.h). */
#define ST_FAULT_DATA 1
#define ST_FAULT_INSTR 2
#define ST_FAULT_EXCEPTION 3

/* Test ids for ST_SYS_REPORT. */
#define ST_TEST_SYSCALL 0
#define ST_TEST_FP 1
#define ST_TEST_PREEMPT 2
#define ST_TEST_FAULTS 3
#define ST_TEST_ISOLATION 4
#define ST_TEST_UNMAP 5
#define ST_TEST_IRQ 6
#define ST_TEST_IDLE 7
#define ST_NUM_TESTS 8

#define ST_TEST_IRQ_LINE 40    /* an SPI no device on virt uses */
#define ST_SLEEP_NS 3000000

/* User address-space layout (both threads). */
#define ST_VA_CODE 0x10000000
#define ST_VA_DATA 0x10010000
#define ST_VA_STACK 0x10020000 /* 4 pages */
#define ST_STACK_PAGES 4
#define ST_VA_RO 0x10030000
#define ST_VA_NX 0x10040000
#define ST_VA_UNMAPPED 0x10050000
#define ST_VA_UNMAP 0x10060000
#define ST_VA_PRIVATE 0x10070000
#define ST_PRIVATE_A 0xaaaa0000aaaa0000
#define ST_PRIVATE_B 0xbbbb0000bbbb0000

#endif
