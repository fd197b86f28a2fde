/*
 * libmicrokit on KaaL: debug output, channel checks and child PDs
 * (microkit.h). The debug output goes through the PD's platform capability
 * (kaal_putc; the microkit tool grants it, docs/microkit.md), so it needs
 * no debug syscall.
 */
#include <microkit.h>

void microkit_dbg_putc(int c)
{
    kaal_putc((char)c);
}

void microkit_dbg_puts(const char *s)
{
    while (*s != '\0') {
        kaal_putc(*s++);
    }
}

static void put_decimal(seL4_Uint32 x)
{
    char buf[10];
    unsigned n = 0;
    do {
        buf[n++] = (char)('0' + x % 10u);
        x /= 10u;
    } while (x != 0 && n < sizeof(buf));
    while (n > 0) {
        kaal_putc(buf[--n]);
    }
}

void microkit_dbg_put8(seL4_Uint8 x)
{
    put_decimal(x);
}

void microkit_dbg_put32(seL4_Uint32 x)
{
    put_decimal(x);
}

void microkit_kaal_bad_channel(const char *call, microkit_channel ch)
{
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" ");
    microkit_dbg_puts(call);
    microkit_dbg_puts(": invalid channel given '");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("'\n");
}

/* Start child pd again at entry_point: only the pc changes (its memory
 * and other registers stay; libmicrokit's entry resets the stack). On
 * KaaL (both backends) an entry at or above Microkit's link address and
 * below the user window names the same place of the image, linked at
 * MICROKIT_KAAL_LINK_BASE (microkit.ld). */
void microkit_pd_restart(microkit_child pd, seL4_Word entry_point)
{
    if (entry_point >= MICROKIT_KAAL_MICROKIT_BASE && entry_point < MICROKIT_KAAL_USER_BASE) {
        entry_point += MICROKIT_KAAL_LINK_BASE - MICROKIT_KAAL_MICROKIT_BASE;
    }
    seL4_UserContext ctxt;
    seL4_Error err = seL4_TCB_ReadRegisters(BASE_TCB_CAP + pd, seL4_False, 0,
                                            sizeof(ctxt) / sizeof(seL4_Word), &ctxt);
    if (err == seL4_NoError) {
        ctxt.r[KAAL_REG_PC] = entry_point;
        err = seL4_TCB_WriteRegisters(BASE_TCB_CAP + pd, seL4_True, 0,
                                      sizeof(ctxt) / sizeof(seL4_Word), &ctxt);
    }
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_pd_restart: error writing TCB registers\n");
        microkit_internal_crash(err);
    }
}

void microkit_pd_stop(microkit_child pd)
{
    seL4_Error err = seL4_TCB_Suspend(BASE_TCB_CAP + pd);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_pd_stop: error suspending the TCB\n");
        microkit_internal_crash(err);
    }
}

void microkit_pd_resume(microkit_child pd)
{
    seL4_Error err = seL4_TCB_Resume(BASE_TCB_CAP + pd);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_pd_resume: error resuming the TCB\n");
        microkit_internal_crash(err);
    }
}
