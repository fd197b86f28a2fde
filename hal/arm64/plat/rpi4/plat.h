/*
 * Board constants: Raspberry Pi 4 Model B (BCM2711), "low peripheral" mode
 * (the firmware default): ARM peripherals at 0xFC000000..0xFF7FFFFF and
 * the GIC-400 at 0xFF840000, as published in the BCM2711 datasheet.
 */
#ifndef PLAT_H
#define PLAT_H

#define PLAT_NAME "arm64-rpi4"
#define PLAT_SHORT_NAME "rpi4"

/* RAM starts at 0. The firmware passes a DTB in x0; QEMU's raspi4b does
 * not (x0 = 0x100), so the fallback is the part of the first GiB every
 * Raspberry Pi 4 has below the VideoCore carve-out. */
#define PLAT_RAM_BASE 0x0ull
#define PLAT_DTB_PROBE 0x0ull /* no fixed DTB address: only x0 is tried */
#define PLAT_FALLBACK_RAM_SIZE 0x3b400000ull

/* GIC-400 (GICv2). */
#define PLAT_GICD_BASE 0xff841000ull
#define PLAT_GICC_BASE 0xff842000ull
#define PLAT_GICR_BASE 0x0ull /* no GICv3 on this board */
#define PLAT_GIC_MAP_BASE 0xff800000ull
#define PLAT_GIC_MAP_SIZE 0x00200000ull

/* Console: PL011 UART0 (GPIO 14/15 with dtoverlay=disable-bt). The
 * firmware leaves it unconfigured unless enable_uart=1: set 115200 8N1
 * from the 48 MHz UART clock (init_uart_clock default). */
#define PLAT_UART_BASE 0xfe201000ull
#define PLAT_UART_IRQ 153u /* VC IRQ 57 = SPI 121 */
#define PLAT_UART_INIT 1
#define PLAT_UART_CLOCK_HZ 48000000u
#define PLAT_UART_BAUD 115200u
#define PLAT_UART_CRLF 1

/* MMIO offered to user drivers: UART0 and the GPIO block. */
#define PLAT_DEVICE_REGIONS                                                   \
    { { 0xfe201000ull, 0x1000ull },                                           \
      { 0xfe200000ull, 0x1000ull } }

/* CPUs 1-3 wait in the armstub's (or QEMU's) spin table: release address
 * of CPU n at PLAT_SPIN_TABLE + 8 * n (boot_early.c parks them). */
#define PLAT_SPIN_TABLE 0xd8ull

/* The Raspberry Pi firmware has no PSCI: halting parks the CPU. */
#define PLAT_HAS_PSCI 0

#endif
