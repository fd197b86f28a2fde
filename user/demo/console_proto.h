/*
 * The console server's protocol (user/demo/console.c).
 *   label CONSOLE_WRITE: MR0 = byte count, MR1.. = the bytes, 8 per word,
 *                        little endian; reply MR0 = bytes written.
 *   label CONSOLE_PARK:  never answered: the caller stays blocked (a
 *                        program with nothing left to do parks here until
 *                        its parent kills it).
 * The server prints each line with the sender's name, from the badge of
 * the endpoint capability the sender was given.
 */
#ifndef DEMO_CONSOLE_PROTO_H
#define DEMO_CONSOLE_PROTO_H

#include <kaal/kaal.h>

#define CONSOLE_WRITE 1u
#define CONSOLE_PARK 2u
#define CONSOLE_MAX_BYTES (8u * (KAAL_MSG_MAX_LENGTH - 1u))

/* Send s to the console server at ep (a Call); returns the error code. */
kaal_word_t console_write(kaal_cptr_t ep, const char *s);
/* console_write of a formatted line. */
kaal_word_t console_printf(kaal_cptr_t ep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Block forever on the console server (see CONSOLE_PARK). */
__attribute__((noreturn)) void console_park(kaal_cptr_t ep);

#endif
