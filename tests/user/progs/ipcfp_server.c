/*
 * Server of the arm64 IPC fast-path test (tests/user/ipcfp.system, run by
 * tests/user/progs/ipcfp_root.c). Slot 2 is the endpoint.
 *
 * Phase 1: answers each Call with a reply computed from the message
 * (label, length, message registers, badge; not from which of the two
 * servers answers), so that the root's checksum of the replies shows any
 * difference between the fast and the slow path. Label LABEL_PARK: reply,
 * then wait on slot 3 (nobody sends there) for good. Label LABEL_BENCH
 * ends phase 1: from then on the server is a tight assembly loop
 * (ReplyRecv with an empty message), so that the round trip the root
 * times has only a few server instructions in it: `b 1b`, `mov x0`,
 * `mov x1`, then `svc`.
 */
#include <kaal/spawn.h>

#define SLOT_EP 2u
#define SLOT_PARK 3u
#define LABEL_BENCH 0xbeu
#define LABEL_PARK 0xbfu

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    kaal_msg_t m = kaal_recv(SLOT_EP);
    while (kaal_msginfo_label(m.info) != LABEL_BENCH) {
        if (kaal_msginfo_label(m.info) == LABEL_PARK) {
            kaal_reply(kaal_msginfo(0, 0, 0, 0), NULL);
            for (;;) {
                (void)kaal_recv(SLOT_PARK);
            }
        }
        kaal_word_t label = kaal_msginfo_label(m.info);
        kaal_word_t len = kaal_msginfo_length(m.info);
        kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
        kaal_word_t rlen = (len + label) % (KAAL_MSG_NUM_REGS + 1u);
        for (kaal_word_t i = 0; i < KAAL_MSG_NUM_REGS; i++) {
            mr[i] = (i < len ? m.mr[i] : 0x1000u + i) * 3u + label + m.badge + i;
        }
        m = kaal_reply_recv(SLOT_EP, kaal_msginfo(label * 7u + 1u, 0, 0, rlen), mr);
    }
    /* Bench loop: reply with an empty message, wait for the next call. */
    __asm__ volatile("mov x7, #-2\n"
                     "1: mov x0, %0\n"
                     "mov x1, xzr\n"
                     "svc #0\n"
                     "b 1b\n"
                     :
                     : "r"((kaal_word_t)SLOT_EP)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x7", "memory", "cc");
    return 0;
}
