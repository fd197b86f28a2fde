/*
 * Chapter 2: capabilities and CNodes (docs/tutorial/02-caps.md).
 * The exercise: fill in the five TODO(ch2.N) gaps, in order, then run
 * `make tutorial CH=2` (on QEMU: add BACKEND=qemu). One notification object, made for us from an untyped
 * (chapter 3 shows how), and five things done with capabilities to it:
 * copy, mint with a badge, look up through a second-level CNode, delete,
 * revoke. A capability is named by a slot of a CNode: here the root CNode
 * (slot KAAL_CAP_INIT_CNODE) and an index, resolved to depth TUT_DEPTH.
 */
#include <kaal/kaal.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define BADGE 0x42u

/* The slots this chapter uses, all in the root CNode. */
typedef struct slots {
    kaal_cptr_t ntfn;     /* the original notification capability */
    kaal_cptr_t copy;     /* 2.1: an exact copy */
    kaal_cptr_t badged;   /* 2.2: a copy with badge 0x42, send right only */
    kaal_cptr_t l2;       /* 2.3: a 16-slot CNode, the second level */
    kaal_cptr_t l2_view;  /* 2.3: l2 with a 4-bit guard of 0 (see the page) */
    kaal_cptr_t top;      /* 2.3: the root CNode with a 44-bit guard: it
                           * resolves 56 bits and leaves 8 to the next level */
} slots_t;

/* 2.1: copy the notification capability into the empty slot s->copy,
 * with all its rights. */
static kaal_word_t copy_cap(const slots_t *s)
{
    /* TODO(ch2.1): kaal_cnode_copy(dest CNode, dest index, dest depth,
     * src CNode, src index, src depth, rights). Both CNodes are ROOT. */
    (void)s;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* 2.2: mint a copy that carries badge BADGE and only the right to signal
 * (write), into s->badged. */
static kaal_word_t mint_badged(const slots_t *s)
{
    /* TODO(ch2.2): kaal_cnode_mint is copy with one more argument, the
     * badge; the rights are KAAL_RIGHT_WRITE. */
    (void)s;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* 2.3: the capability pointer that names slot `index` of the second-level
 * CNode when looked up from s->top to depth TUT_DEPTH (64 bits), from the
 * top bit down: 44 guard bits (0), 12 bits of root slot (s->l2_view),
 * then in the second level 4 guard bits (0) and a 4-bit index. */
static kaal_word_t l2_cptr(const slots_t *s, kaal_word_t index)
{
    /* TODO(ch2.3): shift the root slot up past the guard and index bits
     * and put the guard and the index below it. */
    (void)s;
    (void)index;
    return (kaal_word_t)-1; /* names no slot */
}

/* 2.4: delete the exact copy of 2.1 (the object stays: other
 * capabilities still name it). */
static kaal_word_t delete_copy(const slots_t *s)
{
    /* TODO(ch2.4): kaal_cnode_delete(CNode, index, depth). */
    (void)s;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* 2.5: revoke the original: every capability derived from it goes (the
 * badged one, the one in the second level), the original stays. */
static kaal_word_t revoke_original(const slots_t *s)
{
    /* TODO(ch2.5): kaal_cnode_revoke(CNode, index, depth). */
    (void)s;
    return KAAL_ILLEGAL_OPERATION; /* nothing done yet */
}

/* ---- the set-up and the checks (not part of the exercise) ---- */

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    slots_t s;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch2", 5, "capabilities and CNodes");
    if (tut_alloc_init(&a, bi) != 0) {
        kaal_printf("ch2: no untyped of 1 MiB\n");
        return 1;
    }
    s.ntfn = tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    s.l2 = tut_object(&a, KAAL_OBJ_CNODE, 4);
    s.copy = tut_slot(&a);
    s.badged = tut_slot(&a);
    s.l2_view = tut_slot(&a);
    s.top = tut_slot(&a);
    kaal_cptr_t back = tut_slot(&a);
    if (s.ntfn == 0 || s.l2 == 0 ||
        kaal_cnode_mutate(ROOT, s.l2_view, TUT_DEPTH, ROOT, s.l2, TUT_DEPTH,
                          kaal_cnode_guard_data(0, 4)) != KAAL_NO_ERROR ||
        kaal_cnode_mint(ROOT, s.top, TUT_DEPTH, ROOT, ROOT, TUT_DEPTH, KAAL_RIGHTS_ALL,
                        kaal_cnode_guard_data(0, 44)) != KAAL_NO_ERROR) {
        kaal_printf("ch2: the set-up failed\n");
        return 1;
    }
    kaal_printf("ch2: info: notification in slot %lu, 16-slot CNode in slot %lu\n", s.ntfn, s.l2_view);

    kaal_word_t err = copy_cap(&s);
    if (!tut_step(&t, err == KAAL_NO_ERROR && kaal_cap_type(s.copy) == TUT_CAP_NOTIFICATION,
                  "copied: two capabilities name the notification",
                  "copy the notification capability into s->copy (kaal_cnode_copy)")) {
        return tut_end(&t);
    }

    /* A signal through the badged capability arrives as its badge. */
    err = mint_badged(&s);
    kaal_word_t got = 0;
    if (err == KAAL_NO_ERROR && kaal_cap_type(s.badged) == TUT_CAP_NOTIFICATION) {
        kaal_signal(s.badged);
        got = kaal_poll(s.ntfn);
    }
    if (!tut_step(&t, got == BADGE, "minted: a signal through the badged copy arrives as badge 0x42",
                  "mint a copy with badge 0x42 into s->badged (kaal_cnode_mint)")) {
        return tut_end(&t);
    }

    /* Copy the badged capability into slot 5 of the second level (from
     * s.top, through the capability pointer of l2_cptr), copy it back
     * from there into a root slot and signal through that. */
    kaal_word_t p = l2_cptr(&s, 5);
    err = kaal_cnode_copy(s.top, p, TUT_DEPTH, ROOT, s.badged, TUT_DEPTH, KAAL_RIGHTS_ALL);
    got = 0;
    if (err == KAAL_NO_ERROR &&
        kaal_cnode_copy(ROOT, back, TUT_DEPTH, s.top, p, TUT_DEPTH, KAAL_RIGHTS_ALL) == KAAL_NO_ERROR) {
        kaal_signal(back);
        got = kaal_poll(s.ntfn);
        (void)kaal_cnode_delete(ROOT, back, TUT_DEPTH);
    }
    if (!tut_step(&t, got == BADGE, "looked up: slot 5 of the second-level CNode holds a badged copy",
                  "build the capability pointer of slot 5 of the second level (l2_cptr)")) {
        return tut_end(&t);
    }

    err = delete_copy(&s);
    if (!tut_step(&t,
                  err == KAAL_NO_ERROR && kaal_cap_type(s.copy) == TUT_CAP_NULL &&
                      kaal_cap_type(s.ntfn) == TUT_CAP_NOTIFICATION,
                  "deleted: the copy's slot is empty, the original stays",
                  "delete the copy in s->copy (kaal_cnode_delete)")) {
        return tut_end(&t);
    }

#ifdef TUT_PICTURE
    /* `make tutorial-pictures`: halt here, before the revoke, so that
     * kaal-sim --dump-caps draws the derivation tree of the badged copies. */
    return 0;
#endif
    err = revoke_original(&s);
    (void)tut_step(&t,
                   err == KAAL_NO_ERROR && kaal_cap_type(s.badged) == TUT_CAP_NULL &&
                       kaal_cnode_copy(ROOT, back, TUT_DEPTH, s.top, p, TUT_DEPTH, KAAL_RIGHTS_ALL) ==
                           KAAL_FAILED_LOOKUP &&
                       kaal_cap_type(s.ntfn) == TUT_CAP_NOTIFICATION,
                   "revoked: every copy derived from the original is gone, the original stays",
                   "revoke the original in s->ntfn (kaal_cnode_revoke)");
    return tut_end(&t);
}
