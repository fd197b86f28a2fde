/*
 * Chapter 12 (docs/tutorial/12-fuzzing.md): the phrasebook server, as
 * given: it has a bug the chapter's fuzzer finds. Your copy is
 * build/tutorial/ch12/server.c: fix the bug there (TODO(ch12.4)).
 *
 * It receives on the endpoint in its slot 2 (the description grants it)
 * and answers:
 *
 *   GREET (label 1): MR0 = a language          reply: MR0 = the length of
 *                    (0..7, counted modulo 8)  "hello" in that language
 *   COUNT (label 2)                            reply: MR0 = requests answered
 *   anything else                              reply: label 1 (an error)
 */
#include <kaal/spawn.h>

#define EP 2u
#define GREET 1u
#define COUNT 2u
#define LANGUAGES 8u

/* Languages 4-7 are not translated yet. */
static const char *const hello[LANGUAGES] = {"hello", "bonjour", "hallo", "hola"};

static kaal_word_t length(const char *s)
{
    kaal_word_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    kaal_word_t answered = 0;
    kaal_msg_t m = kaal_recv(EP);
    for (;;) {
        kaal_word_t reply[KAAL_MSG_NUM_REGS] = {0};
        kaal_word_t label = 0;
        if (kaal_msginfo_label(m.info) == GREET && kaal_msginfo_length(m.info) == 1) {
            kaal_word_t language = m.mr[0] % LANGUAGES;
            /* TODO(ch12.4): the fuzzer's crash is here: fix it */
            reply[0] = length(hello[language]);
            kaal_printf("server: greet %lu: %lu letters\n", language, reply[0]);
        } else if (kaal_msginfo_label(m.info) == COUNT) {
            reply[0] = answered;
        } else {
            label = 1;
        }
        answered++;
        m = kaal_reply_recv(EP, kaal_msginfo(label, 0, 0, 1), reply);
    }
}
