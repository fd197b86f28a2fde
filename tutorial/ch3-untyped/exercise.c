/*
 * Chapter 3: untyped memory and retype (docs/tutorial/03-untyped.md).
 * The exercise: fill in the five TODO(ch3.N) gaps, in order, then run
 * `make tutorial CH=3` (on QEMU: add BACKEND=qemu). All memory the root task can use comes as untyped
 * capabilities; Retype turns part of an untyped into objects of one type
 * and puts their capabilities in empty slots. Here: a 64 KiB untyped of
 * our own (retyped for us from a big one), carved into an endpoint, four
 * notifications, a CNode and as many 4 KiB frames as still fit, then
 * revoked to be whole again.
 */
#include <kaal/kaal.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define CHILD_BITS 16u  /* the chapter's untyped: 2^16 bytes */
#define FRAME_BITS 12u

typedef struct ch3 {
    kaal_cptr_t child;   /* the 64 KiB untyped */
    kaal_cptr_t ep;      /* 3.1: one endpoint */
    kaal_cptr_t ntfns;   /* 3.2: four notifications, slots [ntfns, ntfns + 4) */
    kaal_cptr_t cnode;   /* 3.3: a CNode of 16 slots */
    kaal_cptr_t frames;  /* 3.4: frames from here on (room for 16 slots) */
} ch3_t;

/* 3.1: retype one endpoint from c->child into slot c->ep of the root
 * CNode (node_depth 0: the destination CNode is ROOT itself). */
static kaal_word_t make_endpoint(const ch3_t *c)
{
    /* TODO(ch3.1): kaal_untyped_retype(untyped, type, size_bits, root,
     * node_index, node_depth, node_offset, num_objects). */
    (void)c;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* 3.2: four notifications in one call, into slots [c->ntfns, c->ntfns + 4). */
static kaal_word_t make_notifications(const ch3_t *c)
{
    /* TODO(ch3.2): one retype, num_objects 4. */
    (void)c;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* 3.3: a CNode of 16 slots (size_bits: log2 of the slots) into c->cnode. */
static kaal_word_t make_cnode(const ch3_t *c)
{
    /* TODO(ch3.3): type KAAL_OBJ_CNODE; 16 slots is size_bits 4. */
    (void)c;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* 3.4: as many 4 KiB frames as still fit in the child, from slot c->frames
 * on. Ask for 16 first: the kernel refuses with NotEnoughMemory and says in
 * the reply's MR0 how many bytes are left above the watermark. Returns
 * how many frames were made. */
static kaal_word_t make_frames(const ch3_t *c)
{
    /* TODO(ch3.4): retype 16 KAAL_OBJ_FRAME_4K; expect KAAL_NOT_ENOUGH_MEMORY;
     * kaal_last_reply_mr(0) is then the bytes left; retype that many
     * frames (bytes >> FRAME_BITS) from c->frames and return how many. */
    (void)c;
    return 0;
}

/* 3.5: revoke the child: every object made from it is destroyed, and it
 * is whole again (its watermark back at 0). */
static kaal_word_t give_back(const ch3_t *c)
{
    /* TODO(ch3.5): kaal_cnode_revoke(CNode, index, depth) on the untyped. */
    (void)c;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* ---- the set-up and the checks (not part of the exercise) ---- */

static int all_are(kaal_cptr_t first, kaal_word_t n, kaal_word_t type)
{
    for (kaal_word_t i = 0; i < n; i++) {
        if (kaal_cap_type(first + i) != type) {
            return 0;
        }
    }
    return 1;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    ch3_t c;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch3", 5, "untyped memory and retype");
    if (tut_alloc_init(&a, bi) != 0 || (c.child = tut_object(&a, KAAL_OBJ_UNTYPED, CHILD_BITS)) == 0) {
        kaal_printf("ch3: the set-up failed\n");
        return 1;
    }
    c.ep = tut_slot(&a);
    c.ntfns = a.next_slot;
    a.next_slot += 4;
    c.cnode = tut_slot(&a);
    c.frames = a.next_slot;
    a.next_slot += 17;
    kaal_printf("ch3: info: a 64 KiB untyped in slot %lu (from untyped slot %lu)\n", c.child, a.ut);

    kaal_word_t err = make_endpoint(&c);
    if (!tut_step(&t, err == KAAL_NO_ERROR && kaal_cap_type(c.ep) == TUT_CAP_ENDPOINT,
                  "retyped an endpoint (32 bytes) from the untyped",
                  "retype one endpoint into c->ep (kaal_untyped_retype)")) {
        return tut_end(&t);
    }

    err = make_notifications(&c);
    if (!tut_step(&t, err == KAAL_NO_ERROR && all_are(c.ntfns, 4, TUT_CAP_NOTIFICATION),
                  "retyped four notifications in one call",
                  "retype four notifications into c->ntfns .. c->ntfns + 3 in one call")) {
        return tut_end(&t);
    }

    err = make_cnode(&c);
    if (!tut_step(&t, err == KAAL_NO_ERROR && kaal_cap_type(c.cnode) == TUT_CAP_CNODE,
                  "retyped a CNode of 16 slots (512 bytes)",
                  "retype a CNode of 16 slots into c->cnode (size_bits is log2 of the slots)")) {
        return tut_end(&t);
    }

    /* Above the watermark (1 KiB used, the frames aligned to 4 KiB) 15
     * frames fit; a 16th must not. */
    kaal_word_t n = make_frames(&c);
    kaal_word_t more = n == 0 ? KAAL_NO_ERROR
                              : kaal_untyped_retype(c.child, KAAL_OBJ_FRAME_4K, 0, ROOT, 0, 0, c.frames + n, 1);
    kaal_printf("ch3: info: %lu frames made\n", n);
    if (!tut_step(&t, n == 15 && all_are(c.frames, n, TUT_CAP_FRAME) && more == KAAL_NOT_ENOUGH_MEMORY,
                  "retyped the 15 frames that fit; the untyped is full",
                  "ask for 16 frames, read the bytes left from the refusal, make that many")) {
        return tut_end(&t);
    }

#ifdef TUT_PICTURE
    /* `make tutorial-pictures`: halt here, the untyped full of objects. */
    return 0;
#endif
    err = give_back(&c);
    int gone = kaal_cap_type(c.ep) == TUT_CAP_NULL && all_are(c.ntfns, 4, TUT_CAP_NULL) &&
               kaal_cap_type(c.cnode) == TUT_CAP_NULL && all_are(c.frames, n, TUT_CAP_NULL);
    /* Whole again: one untyped of its full size fits. */
    kaal_word_t whole = gone ? kaal_untyped_retype(c.child, KAAL_OBJ_UNTYPED, CHILD_BITS, ROOT, 0, 0, c.ep, 1)
                             : KAAL_NOT_ENOUGH_MEMORY;
    (void)tut_step(&t, err == KAAL_NO_ERROR && gone && whole == KAAL_NO_ERROR,
                   "revoked: every object is gone and the untyped is whole again",
                   "revoke the untyped c->child (kaal_cnode_revoke)");
    return tut_end(&t);
}
