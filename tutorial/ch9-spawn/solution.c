/*
 * Chapter 9: spawning a process from an ELF image with capabilities alone
 * (docs/tutorial/09-spawn.md). The solution.
 * A process is nothing but objects the parent makes from its untyped
 * memory and capabilities it hands over: a CNode (its CSpace), a VSpace
 * with tables and frames holding the ELF image's segments, a stack and an
 * IPC buffer, and a TCB that names them. libkaal's spawn API
 * (<kaal/spawn.h>) makes all of them from an ELF image; the child gets no
 * capability but those the parent gives it. Killing it is revoking what
 * was made: every byte returns to the untyped it came from.
 *
 * The ELF image is this very program (the boot module of the chapter's
 * runs, tutorial/ch9-spawn/self-module): started with CHILD_ARG, it is
 * the child.
 */
#include <kaal/kaal.h>
#include <kaal/elf.h>
#include <kaal/spawn.h>
#include <kaal/tcb.h>
#include "tutorial.h"

#define CHILD_ARG 9u     /* kaal_main's argument in the child (the root task's is BootInfo) */
#define HELLO 0x4e11u    /* the label of the child's message */
#define BADGE 9u         /* the badge of the child's endpoint capability */

static kaal_spawn_ctx_t ctx;   /* large: static */
static kaal_process_t proc;

/* 9.1: check the ELF image [elf, elf + size) before anything is made
 * from it: kaal_elf_parse for this machine (KAAL_EM_NATIVE), its segments
 * inside the user window BootInfo gives (user_vaddr_base, user_vaddr_top),
 * into *img. Return the parser's answer. */
static kaal_elf_error_t check_image(const kaal_bootinfo_t *bi, const void *elf, size_t size,
                                    kaal_elf_image_t *img)
{
    return kaal_elf_parse(elf, size, KAAL_EM_NATIVE, bi->user_vaddr_base, bi->user_vaddr_top, img);
}

/* 9.2: make the process (not started): kaal_process_create from a
 * kaal_spawn_args_t with every field 0 but name "child", the image
 * (elf, size), priority 200, 2 stack pages and arg CHILD_ARG. Return the
 * error. */
static kaal_word_t create(const void *elf, size_t size)
{
    kaal_spawn_args_t a;
    memset(&a, 0, sizeof(a));
    a.name = "child";
    a.elf = elf;
    a.elf_size = size;
    a.priority = 200;
    a.stack_pages = 2;
    a.arg = CHILD_ARG;
    return kaal_process_create(&ctx, &a, &proc);
}

/* 9.3: give the child its one capability: a copy of the endpoint ep
 * (root slot) in its slot KAAL_CHILD_FIRST_SLOT, with the rights Write
 * and GrantReply (it may Call, nothing else) and the badge BADGE; then
 * start it. Return the first error. */
static kaal_word_t give_and_start(kaal_cptr_t ep)
{
    kaal_word_t err = kaal_process_give_cap(&ctx, &proc, KAAL_CHILD_FIRST_SLOT, ep,
                                            KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, BADGE);
    if (err == KAAL_NO_ERROR) {
        err = kaal_process_start(&ctx, &proc);
    }
    return err;
}

/* 9.4: kill the process (kaal_process_kill). Return the error. */
static kaal_word_t kill_child(void)
{
    return kaal_process_kill(&ctx, &proc);
}

/* ---- the child, the set-up and the checks (not part of the exercise) ---- */

/* The child: its own CSpace and VSpace. It counts the capabilities it
 * holds in the first slots of its CNode and tells its parent, forever. */
static __attribute__((noreturn)) void child_main(void)
{
    kaal_child_init();
    /* the platform cap its parent gave it (kaal_cap_type asks through it) */
    kaal_set_platform_cap(KAAL_CHILD_SLOT_PLATFORM);
    kaal_word_t caps = 0;
    for (kaal_cptr_t s = 0; s < 16u; s++) {
        caps += kaal_cap_type(s) != TUT_CAP_NULL;
    }
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {caps, kaal_cap_type(KAAL_CHILD_FIRST_SLOT)};
    for (;;) {
        (void)kaal_call(KAAL_CHILD_FIRST_SLOT, kaal_msginfo(HELLO, 0, 0, 2), mr);
    }
}

int kaal_main(kaal_word_t arg)
{
    if (arg == CHILD_ARG) {
        child_main();
    }
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_t t;
    kaal_objgroup_t mine;
    kaal_cptr_t ep = 0;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch9", 4, "spawning a process from an ELF image with capabilities alone");
    const void *elf = (const void *)(uintptr_t)bi->boot_module_vaddr;
    size_t size = bi->boot_module_size;
    /* The root task's own objects come from a group of the spawn API
     * (chapter 3's untyped, with a window of slots), so that the last
     * check can ask whether every byte came back. */
    if (size == 0 || kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 150) != 0 ||
        kaal_spawn_init(&ctx, bi, 0) != KAAL_NO_ERROR || kaal_group_create(&ctx, &mine, 4096, 4) != KAAL_NO_ERROR ||
        kaal_group_retype(&ctx, &mine, KAAL_OBJ_ENDPOINT, 0, 1, &ep) != KAAL_NO_ERROR) {
        kaal_printf("ch9: the set-up failed (no boot module? %s)\n", ctx.why);
        return 1;
    }
    kaal_printf("ch9: info: the ELF image: %lu bytes at 0x%lx\n", (kaal_word_t)size, bi->boot_module_vaddr);

    kaal_elf_image_t img;
    memset(&img, 0, sizeof(img));
    kaal_elf_error_t e = check_image(bi, elf, size, &img);
    for (unsigned i = 0; e == KAAL_ELF_OK && i < img.nsegs; i++) {
        kaal_printf("ch9: info: segment %u: 0x%lx, %lu bytes, %s\n", i, (kaal_word_t)img.seg[i].vaddr,
                    (kaal_word_t)img.seg[i].memsz, kaal_elf_rights_text(img.seg[i].flags));
    }
    if (!tut_step(&t, e == KAAL_ELF_OK && img.nsegs > 0 && img.entry != 0,
                  "the image is a program for this machine: its segments and their rights",
                  "parse and check the ELF image (check_image)")) {
        return tut_end(&t);
    }

    kaal_word_t err = create(elf, size);
    kaal_printf("ch9: info: create: %s%s%s\n", kaal_error_name(err), err ? ": " : "", err ? ctx.why : "");
    if (!tut_step(&t,
                  err == KAAL_NO_ERROR && !proc.running && kaal_cap_type(proc.cnode) == TUT_CAP_CNODE &&
                      kaal_cap_type(proc.vspace) == TUT_CAP_VSPACE &&
                      kaal_cap_type(proc.tcb) == TUT_CAP_TCB,
                  "a process made: its CNode, VSpace and TCB, not yet running",
                  "fill the spawn arguments and create the process (create)")) {
        return tut_end(&t);
    }
    kaal_printf("ch9: info: %lu image pages, %lu tables, %lu bytes in all\n", proc.image_pages, proc.table_count,
                proc.bytes);

#ifdef TUT_PICTURE
    /* `make tutorial-pictures`: halt here, the child made and given its
     * capability, so that kaal-sim --dump-caps draws its CNode. */
    if (kaal_process_give_cap(&ctx, &proc, KAAL_CHILD_FIRST_SLOT, ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY,
                              BADGE) == KAAL_NO_ERROR) {
        return 0;
    }
#endif
    /* The child (priority 200) runs as soon as it starts, until its Call
     * blocks: its message then waits on the endpoint. It asks the kernel
     * what its slots hold through a platform cap (kaal_cap_type), in its
     * last slot, out of the slots it counts. */
    err = kaal_process_give_cap(&ctx, &proc, KAAL_CHILD_SLOT_PLATFORM, KAAL_CAP_PLATFORM, KAAL_RIGHTS_ALL, 0);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("ch9: could not give the child the platform cap: %s\n", kaal_error_name(err));
        return 1;
    }
    err = give_and_start(ep);
    kaal_msg_t m = kaal_nbrecv(ep);
    kaal_printf("ch9: info: start: %s; the child says: %lu capabilities, slot 2 of type %lu\n",
                kaal_error_name(err), m.mr[0], m.mr[1]);
    if (!tut_step(&t,
                  err == KAAL_NO_ERROR && kaal_msginfo_label(m.info) == HELLO && m.badge == BADGE && m.mr[0] == 1 &&
                      m.mr[1] == TUT_CAP_ENDPOINT,
                  "the child runs in its own spaces and holds one capability: the endpoint, badge 9",
                  "give the child the endpoint and start it (give_and_start)")) {
        return tut_end(&t);
    }

    err = kill_child();
    kaal_word_t free_bytes = 0;
    kaal_word_t gone = kaal_cap_type(proc.tcb) == TUT_CAP_NULL;
    kaal_word_t back = gone && kaal_group_destroy(&ctx, &mine) == KAAL_NO_ERROR &&
                       kaal_spawn_fini(&ctx) == KAAL_NO_ERROR &&
                       kaal_spawn_check_all_free(&ctx, &free_bytes) == KAAL_NO_ERROR;
    kaal_printf("ch9: info: kill: %s; %lu KiB of untyped memory free%s%s\n", kaal_error_name(err),
                free_bytes / 1024u, back ? "" : ": ", back ? "" : ctx.why);
    (void)tut_step(&t, err == KAAL_NO_ERROR && back,
                   "killed: its objects are gone and every byte is back in the untyped memory",
                   "kill the process (kill_child)");
    return tut_end(&t);
}
