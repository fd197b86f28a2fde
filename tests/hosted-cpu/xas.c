/*
 * Registers and TLS across address spaces on the hosted CPU
 * (tests/hosted-cpu): the root task spawns a process from its own ELF
 * (the boot module) and ping-pongs with it over an endpoint (Call /
 * ReplyRecv, in asm: no compiled code touches a vector register between
 * the checks). Each side holds its own pattern in zmm0-31 and k0-7; the
 * root task also has a TLS base of its own (the child's is 0), so each
 * switch changes process, FS base and XSAVE state. After ROUNDS round
 * trips the root task checks its registers and its %fs:0 and prints
 * "xas: PASS"; the child halts the machine with status 1 on a mismatch.
 */
#include <kaal/kaal.h>
#include <kaal/spawn.h>
#include <kaal/tcb.h>

#define CHILD_ARG 1u
#define ROUNDS 200u
#define ROOT_SEED 0x4400u
#define CHILD_SEED 0x5500u

void vec_load(kaal_word_t seed);
kaal_word_t vec_check(kaal_word_t seed);
void xas_call(kaal_cptr_t ep);
void xas_recv(kaal_cptr_t ep);
void xas_reply_recv(kaal_cptr_t ep);

static kaal_spawn_ctx_t ctx;
static kaal_objgroup_t grp;
static kaal_process_t proc;
static struct {
    kaal_word_t self;
} block;

static kaal_word_t fs0(void)
{
    kaal_word_t v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

__attribute__((noreturn)) static void child(void)
{
    kaal_child_init();
    kaal_cptr_t ep = KAAL_CHILD_FIRST_SLOT;
    vec_load(CHILD_SEED);
    xas_recv(ep);
    for (;;) {
        kaal_word_t bad = vec_check(CHILD_SEED);
        if (bad != 0) {
            kaal_printf("xas: child: register %lu lost its value (MISMATCH)\n", bad);
            kaal_power_off(1);
        }
        xas_reply_recv(ep);
    }
}

static kaal_word_t spawn_child(const kaal_bootinfo_t *bi, kaal_cptr_t ep)
{
    kaal_spawn_args_t a;
    memset(&a, 0, sizeof(a));
    a.name = "xas-child";
    a.elf = (const void *)(uintptr_t)bi->boot_module_vaddr;
    a.elf_size = bi->boot_module_size;
    a.priority = 100;
    a.stack_pages = 4;
    a.arg = CHILD_ARG;
    kaal_word_t err = kaal_process_create(&ctx, &a, &proc);
    if (err == KAAL_NO_ERROR) {
        err = kaal_process_give_cap(&ctx, &proc, KAAL_CHILD_FIRST_SLOT, ep, KAAL_RIGHTS_ALL, 0);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_process_start(&ctx, &proc);
    }
    return err;
}

int kaal_main(kaal_word_t arg)
{
    if (arg == CHILD_ARG) {
        child();
    }
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    kaal_cptr_t ep = 0;
    kaal_word_t err = kaal_spawn_init(&ctx, bi, 0);
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_create(&ctx, &grp, 1ul << 20, 16);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(&ctx, &grp, KAAL_OBJ_ENDPOINT, 0, 1, &ep);
    }
    if (err == KAAL_NO_ERROR) {
        err = spawn_child(bi, ep);
    }
    block.self = (kaal_word_t)(uintptr_t)&block;
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_tls_base(KAAL_CAP_INIT_TCB, block.self);
    }
    if (err != KAAL_NO_ERROR) {
        kaal_printf("xas: setup failed: %s\n", kaal_error_name(err));
        return 1;
    }
    kaal_printf("xas: %u round trips with another address space\n", ROUNDS);
    vec_load(ROOT_SEED);
    kaal_word_t bad = 0, tls_bad = 0;
    for (unsigned i = 0; i < ROUNDS && bad == 0 && tls_bad == 0; i++) {
        xas_call(ep);
        bad = vec_check(ROOT_SEED);
        tls_bad = fs0() != block.self;
    }
    if (bad != 0 || tls_bad != 0) {
        kaal_printf("xas: root: %s lost its value (MISMATCH)\n", bad != 0 ? "a vector register" : "%fs:0");
        return 1;
    }
    kaal_printf("xas: PASS\n");
    return 0;
}
