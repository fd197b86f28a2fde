/* The system description parser (user/libkaal/src/sysdesc.c), compiled
 * natively: good files parse into the right tables, every bad file is
 * rejected with "FILE:LINE: reason". */
#include <kaal/abi.h>
#include <kaal/elf.h>
#include <kaal/sysdesc.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VBASE 0x10000000ull
#define VTOP 0x70000000ull

static kaal_sysdesc_t sd;

static int parse(const char *text)
{
    return kaal_sysdesc_parse(text, strlen(text), "t.system", VBASE, VTOP, &sd);
}

static void expect_error(const char *text, const char *error)
{
    int r = parse(text);
    cr_assert_eq(r, -1, "accepted a bad file:\n%s", text);
    cr_assert_str_eq(sd.error, error, "file:\n%s\nerror: %s\nexpected: %s", text, sd.error, error);
}

Test(sysdesc, demo_file_parses)
{
    FILE *f = fopen(KAAL_DEMO_SYSTEM, "r");
    cr_assert_not_null(f, "cannot open %s", KAAL_DEMO_SYSTEM);
    static char text[16384];
    size_t n = fread(text, 1, sizeof(text), f);
    fclose(f);
    int r = kaal_sysdesc_parse(text, n, "demo.system", VBASE, VTOP, &sd);
    cr_assert_eq(r, 0, "demo.system rejected: %s", sd.error);
    cr_assert_eq(sd.nprograms, 5);
    cr_assert_eq(sd.nobjects, 7);
    cr_assert_eq(sd.ngrants, 14);
    int drv = kaal_sysdesc_find_program(&sd, "driver");
    const kaal_sd_grant_t *pg = &sd.grant[6]; /* after the driver's four others */
    cr_assert_eq(pg->kind, KAAL_SD_PLATFORM, "the driver's platform grant (arm64 device timer)");
    cr_assert_eq(pg->program, drv);
    cr_assert_eq(pg->slot, KAAL_CHILD_SLOT_PLATFORM);
    cr_assert_eq(sd.loader.selftest, 1);
    cr_assert_eq(sd.loader.verbose, 1);
    int uart = kaal_sysdesc_find_object(&sd, "uart");
    cr_assert_eq(sd.object[uart].kind, KAAL_SD_DEVICE);
    cr_assert_eq(sd.object[uart].paddr, 0x09000000);
    int faulter = kaal_sysdesc_find_program(&sd, "faulter");
    cr_assert_geq(faulter, 0);
    cr_assert_eq(sd.program[faulter].handler, KAAL_SD_FAULT_LOADER);
    cr_assert_eq(sd.program[faulter].on_fault, KAAL_SD_ON_FAULT_RESTART);
    cr_assert_eq(sd.program[faulter].restarts, 1);
    cr_assert_eq(sd.program[faulter].critical, 0);
    cr_assert_eq(sd.program[faulter].done_slot, 0);
    int driver = kaal_sysdesc_find_program(&sd, "driver");
    cr_assert_eq(sd.program[driver].done_slot, 5);
    cr_assert_eq(sd.program[driver].critical, 1);
    int irq = kaal_sysdesc_find_object(&sd, "dev_irq");
    cr_assert_eq(sd.object[irq].kind, KAAL_SD_IRQ);
    cr_assert_eq(sd.object[irq].irq_line, 8);
    cr_assert_eq(sd.object[irq].notify, kaal_sysdesc_find_object(&sd, "dev_ntfn"));
}

Test(sysdesc, full_example)
{
    const char *text =
        "# comment line\n"
        "\n"
        "program console  elf=console.elf  priority=200   # trailing comment\n"
        "program client1  elf=client.elf   priority=100 stack=8 arg=0x2a\n"
        "endpoint  console_ep\n"
        "notification shm_ntfn\r\n"
        "memory   shm  size=0x2000\n"
        "irq\tdev_irq  line=8 notify=shm_ntfn badge=4\n"
        "grant client1 console_ep  slot=10 badge=1 rights=RWG\n"
        "grant client1 shm        vaddr=0x20000000 rights=RW\n"
        "grant console client1    slot=5\n"
        "grant client1 dev_irq    slot=11";
    cr_assert_eq(parse(text), 0, "%s", sd.error);
    cr_assert_eq(sd.nprograms, 2);
    cr_assert_str_eq(sd.program[0].name, "console");
    cr_assert_str_eq(sd.program[0].elf, "console.elf");
    cr_assert_eq(sd.program[0].priority, 200);
    cr_assert_eq(sd.program[0].stack_pages, KAAL_SD_DEFAULT_STACK_PAGES);
    cr_assert_eq(sd.program[0].fault_ep, -1);
    cr_assert_eq(sd.program[1].stack_pages, 8);
    cr_assert_eq(sd.program[1].arg, 42);
    cr_assert_eq(sd.nobjects, 4);
    cr_assert_eq(sd.object[2].kind, KAAL_SD_MEMORY);
    cr_assert_eq(sd.object[2].size, 0x2000);
    cr_assert_eq(sd.object[3].badge, 4);
    cr_assert_eq(sd.ngrants, 4);
    const kaal_sd_grant_t *g = &sd.grant[0];
    cr_assert_eq(g->program, 1);
    cr_assert_eq(g->kind, KAAL_SD_ENDPOINT);
    cr_assert_eq(g->slot, 10);
    cr_assert_eq(g->badge, 1);
    cr_assert_eq(g->rights, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT);
    g = &sd.grant[1];
    cr_assert_eq(g->kind, KAAL_SD_MEMORY);
    cr_assert_eq(g->vaddr, 0x20000000);
    cr_assert_eq(g->rights, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
    g = &sd.grant[2];
    cr_assert_eq(g->kind, KAAL_SD_TCB);
    cr_assert_eq(g->target, 1);
    cr_assert_eq(g->program, 0);
    cr_assert_eq(sd.grant[3].kind, KAAL_SD_IRQ);
}

Test(sysdesc, defaults_for_rights)
{
    cr_assert_eq(parse("program a elf=a priority=1\nendpoint e\nnotification n\nmemory m size=4096\n"
                       "grant a e slot=2\ngrant a n slot=3\ngrant a m vaddr=0x30000000\n"),
                 0, "%s", sd.error);
    cr_assert_eq(sd.grant[0].rights, KAAL_RIGHTS_ALL);
    cr_assert_eq(sd.grant[1].rights, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
    cr_assert_eq(sd.grant[2].rights, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
}

/* memory fill=FILE (Microkit's prefill_path): a file name, memory only. */
Test(sysdesc, memory_fill)
{
    cr_assert_eq(parse("program a elf=a priority=1\nmemory m size=8192 fill=greeting.txt\n"
                       "memory z size=4096\n"), 0, "%s",
                 sd.error);
    cr_assert_str_eq(sd.object[0].fill, "greeting.txt");
    cr_assert_str_eq(sd.object[1].fill, "");
    expect_error("memory m size=4096 fill=a$\n", "t.system:1: bad file name 'a$'");
    expect_error("device d paddr=0x09000000 size=4096 fill=a\n", "t.system:1: unknown attribute 'fill'");
    expect_error("endpoint e fill=a\n", "t.system:1: unknown attribute 'fill'");
}

Test(sysdesc, unknown_keyword)
{
    expect_error("program a elf=a priority=1\n\nthread x\n", "t.system:3: unknown keyword 'thread'");
}

Test(sysdesc, duplicate_names)
{
    expect_error("program a elf=a priority=1\nprogram a elf=b priority=1\n",
                 "t.system:2: duplicate name 'a'");
    expect_error("program a elf=a priority=1\nendpoint a\n", "t.system:2: duplicate name 'a'");
    expect_error("endpoint e\nnotification e\n", "t.system:2: duplicate name 'e'");
}

Test(sysdesc, missing_program)
{
    expect_error("endpoint e\ngrant nobody e slot=2\n", "t.system:2: unknown program 'nobody'");
    expect_error("# only a comment\nendpoint e\n", "t.system:2: no program declared");
    expect_error("", "t.system:1: no program declared");
    expect_error("program a elf=a priority=1\ngrant a nothing slot=2\n",
                 "t.system:2: unknown object 'nothing'");
    expect_error("program a elf=a priority=1 fault=ep\nendpoint ep\n",
                 "t.system:1: unknown object 'ep'");
}

Test(sysdesc, missing_attributes)
{
    expect_error("program a priority=1\n", "t.system:1: missing attribute 'elf'");
    expect_error("program a elf=a\n", "t.system:1: missing attribute 'priority'");
    expect_error("memory m\n", "t.system:1: missing attribute 'size'");
    expect_error("notification n\nirq i notify=n\n", "t.system:2: missing attribute 'line'");
    expect_error("irq i line=3\n", "t.system:1: missing attribute 'notify'");
    expect_error("program a elf=a priority=1\nendpoint e\ngrant a e\n",
                 "t.system:3: missing attribute 'slot'");
    expect_error("program a elf=a priority=1\nmemory m size=4096\ngrant a m\n",
                 "t.system:3: missing attribute 'vaddr'");
    expect_error("program\n", "t.system:1: program needs a name");
    expect_error("program a elf=a priority=1\ngrant a\n",
                 "t.system:2: grant needs a program and an object");
}

Test(sysdesc, bad_numbers)
{
    expect_error("program a elf=a priority=abc\n", "t.system:1: bad number 'abc'");
    expect_error("program a elf=a priority=12x\n", "t.system:1: bad number '12x'");
    expect_error("program a elf=a priority=0x\n", "t.system:1: bad number '0x'");
    expect_error("program a elf=a priority=-1\n", "t.system:1: bad number '-1'");
    expect_error("program a elf=a priority=255\n", "t.system:1: priority out of range 0..254 '255'");
    expect_error("program a elf=a priority=1 stack=0\n", "t.system:1: stack out of range 1..16 '0'");
    expect_error("program a elf=a priority=1 stack=17\n", "t.system:1: stack out of range 1..16 '17'");
    expect_error("program a elf=a priority=1 arg=18446744073709551616\n",
                 "t.system:1: bad number '18446744073709551616'");
    expect_error("memory m size=100\n", "t.system:1: size out of range 4096..8388608 '100'");
    expect_error("memory m size=6000\n", "t.system:1: memory size is not a multiple of 4096 '6000'");
    expect_error("memory m size=0x1000000\n", "t.system:1: size out of range 4096..8388608 '0x1000000'");
    expect_error("notification n\nirq i line=5000 notify=n\n", "t.system:2: line out of range 0..1023 '5000'");
}

Test(sysdesc, line_too_long)
{
    char text[512];
    int n = snprintf(text, sizeof(text), "program a elf=a priority=1\n# %0*d\n", 250, 0);
    cr_assert_gt(n, 0);
    expect_error(text, "t.system:2: line too long (limit 200 characters)");
}

Test(sysdesc, syntax_errors)
{
    expect_error("program a elf=a priority=1 oops\n", "t.system:1: expected key=value, got 'oops'");
    expect_error("program a elf=a priority=1 =3\n", "t.system:1: expected key=value, got '=3'");
    expect_error("program a elf=a priority=1 elf=b\n", "t.system:1: duplicate attribute 'elf'");
    expect_error("program a elf=a priority=1 size=4096\n", "t.system:1: unknown attribute 'size'");
    expect_error("endpoint e size=4096\n", "t.system:1: unknown attribute 'size'");
    expect_error("program 1a elf=a priority=1\n", "t.system:1: bad name '1a'");
    expect_error("program a elf=a$ priority=1\n", "t.system:1: bad file name 'a$'");
    expect_error("program a elf=a priority=1\x01\n", "t.system:1: unexpected character");
    expect_error("program a b c d e f g h i j k l m n o p q\n", "t.system:1: too many fields");
    expect_error("program abcdefghijabcdefghijabcdefghij12 elf=a priority=1\n",
                 "t.system:1: bad name 'abcdefghijabcdefghijabcdefghij12'");
}

Test(sysdesc, bad_references)
{
    expect_error("notification n\nprogram a elf=a priority=1 fault=n\n",
                 "t.system:2: not an endpoint 'n'");
    expect_error("endpoint e\nirq i line=3 notify=e\n", "t.system:2: not a notification 'e'");
    expect_error("program a elf=a priority=1 fault_badge=3\n",
                 "t.system:1: fault_badge needs fault=ENDPOINT");
    expect_error("program a elf=a priority=1 fault=loader fault_badge=3\n",
                 "t.system:1: fault_badge needs fault=ENDPOINT");
    expect_error("notification n\nirq i line=3 notify=n\nirq j line=3 notify=n\n",
                 "t.system:3: irq line already used by 'i'");
}

Test(sysdesc, bad_grants)
{
    const char *head = "program a elf=a priority=1\nendpoint e\nnotification n\nmemory m size=8192\n"
                       "memory m2 size=4096\nirq i line=3 notify=n\n";
    char text[1024];
    struct { const char *line; const char *error; } cases[] = {
        {"grant a e slot=1", "t.system:7: slot out of range 2..254 '1'"},
        {"grant a e slot=255", "t.system:7: slot out of range 2..254 '255'"},
        {"grant a e slot=256", "t.system:7: slot out of range 2..254 '256'"},
        {"grant a platform slot=3", "t.system:7: grant of platform takes no attributes (its slot is fixed) 'slot=3'"},
        {"grant a platform\ngrant a platform", "t.system:8: platform already granted to 'a'"},
        {"endpoint platform", "t.system:7: reserved name 'platform'"},
        {"grant a e slot=2 rights=RWX", "t.system:7: bad rights 'RWX'"},
        {"grant a e slot=2 rights=RR", "t.system:7: bad rights 'RR'"},
        {"grant a n slot=2 rights=G", "t.system:7: bad rights 'G'"},
        {"grant a i slot=2 badge=1", "t.system:7: badge and rights apply only to endpoints and notifications"},
        {"grant a e vaddr=0x20000000", "t.system:7: unknown attribute 'vaddr'"},
        {"grant a m slot=3", "t.system:7: unknown attribute 'slot'"},
        {"grant a m vaddr=0x20000800", "t.system:7: vaddr is not page aligned '0x20000800'"},
        {"grant a m vaddr=0x1000", "t.system:7: vaddr outside the child's free address range '0x1000'"},
        {"grant a m vaddr=0x6ffff000", "t.system:7: vaddr outside the child's free address range '0x6ffff000'"},
        {"grant a m vaddr=0x6fdff000", "t.system:7: vaddr outside the child's free address range '0x6fdff000'"},
        {"grant a m vaddr=0x20000000 rights=W", "t.system:7: memory must be readable 'W'"},
        {"grant a m vaddr=0x20000000 rights=RWG", "t.system:7: bad rights 'RWG'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "%s%s\n", head, cases[i].line);
        expect_error(text, cases[i].error);
    }
    snprintf(text, sizeof(text), "%sgrant a e slot=9\ngrant a n slot=9\n", head);
    expect_error(text, "t.system:8: slot already granted to 'a'");
    snprintf(text, sizeof(text), "%sgrant a m vaddr=0x20000000\ngrant a m2 vaddr=0x20001000\n", head);
    expect_error(text, "t.system:8: memory overlaps another region of 'a'");
    /* Same slot in two different programs, and the same region twice apart: fine. */
    snprintf(text, sizeof(text),
             "%sprogram b elf=b priority=1\ngrant a e slot=9\ngrant b e slot=9\n"
             "grant a m vaddr=0x20000000\ngrant a m2 vaddr=0x20002000\n", head);
    cr_assert_eq(parse(text), 0, "%s", sd.error);
}

Test(sysdesc, device_memory)
{
    cr_assert_eq(parse("program a elf=a priority=1\ndevice d paddr=0x9000000 size=8192\n"
                       "grant a d vaddr=0x40000000 rights=RW\n"), 0, "%s", sd.error);
    cr_assert_eq(sd.object[0].kind, KAAL_SD_DEVICE);
    cr_assert_eq(sd.object[0].paddr, 0x9000000);
    cr_assert_eq(sd.object[0].size, 8192);
    cr_assert_eq(sd.grant[0].kind, KAAL_SD_DEVICE);
    cr_assert_eq(sd.grant[0].vaddr, 0x40000000);
    cr_assert_str_eq(kaal_sysdesc_kind_name(KAAL_SD_DEVICE), "device");
    expect_error("device d size=4096\n", "t.system:1: missing attribute 'paddr'");
    expect_error("device d paddr=0x1000\n", "t.system:1: missing attribute 'size'");
    expect_error("device d paddr=0x1800 size=4096\n", "t.system:1: paddr is not page aligned '0x1800'");
    expect_error("device d paddr=0x1000 size=8192\ndevice e paddr=0x2000 size=4096\n",
                 "t.system:2: device memory overlaps 'd'");
    expect_error("program a elf=a priority=1\ndevice d paddr=0x1000 size=4096\ngrant a d slot=3\n",
                 "t.system:3: unknown attribute 'slot'");
    expect_error("program a elf=a priority=1\ndevice d paddr=0x1000 size=4096\nmemory m size=4096\n"
                 "grant a d vaddr=0x40000000\ngrant a m vaddr=0x40000000\n",
                 "t.system:5: memory overlaps another region of 'a'");
}

Test(sysdesc, table_limits)
{
    static char text[8192];
    size_t pos = 0;
    for (unsigned i = 0; i <= KAAL_SD_MAX_PROGRAMS; i++) {
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "program p%u elf=x priority=1\n", i);
    }
    char want[64];
    snprintf(want, sizeof(want), "t.system:%u: too many programs 'p%u'", KAAL_SD_MAX_PROGRAMS + 1,
             KAAL_SD_MAX_PROGRAMS);
    expect_error(text, want);
}

Test(sysdesc, error_names_the_file)
{
    const char *text = "bogus\n";
    cr_assert_eq(kaal_sysdesc_parse(text, strlen(text), "demo.system", VBASE, VTOP, &sd), -1);
    cr_assert_str_eq(sd.error, "demo.system:1: unknown keyword 'bogus'");
}

/* Random damage to the demo file (fixed seed): every result is either a
 * parse or an error of the form "demo.system:LINE: reason". */
Test(sysdesc, random_mutations_are_safe)
{
    FILE *f = fopen(KAAL_DEMO_SYSTEM, "r");
    cr_assert_not_null(f);
    static char orig[16384], text[16384];
    size_t n = fread(orig, 1, sizeof(orig), f);
    fclose(f);
    uint64_t seed = 12345;
    const char pool[] = "=# \n\t0x1fgZ_-.,RWGP\x01\xff";
    for (unsigned round = 0; round < 20000; round++) {
        memcpy(text, orig, n);
        unsigned edits = 1 + round % 4;
        for (unsigned e = 0; e < edits; e++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(seed >> 33) % n;
            text[at] = pool[(seed >> 20) % (sizeof(pool) - 1)];
        }
        size_t len = round % 7 == 0 ? (size_t)(seed >> 40) % n : n;
        if (kaal_sysdesc_parse(text, len, "demo.system", VBASE, VTOP, &sd) != 0) {
            cr_assert_eq(strncmp(sd.error, "demo.system:", 12), 0, "%s", sd.error);
            cr_assert(sd.error[12] >= '1' && sd.error[12] <= '9', "%s", sd.error);
            cr_assert_not_null(strstr(sd.error, ": "), "%s", sd.error);
        } else {
            cr_assert_gt(sd.nprograms, 0);
        }
    }
}

/* ---- supervision (docs/processes.md "Supervision") ---------------------- */

Test(sysdesc, supervision_defaults)
{
    cr_assert_eq(parse("program a elf=a priority=1\n"), 0, "%s", sd.error);
    const kaal_sd_program_t *a = &sd.program[0];
    cr_assert_eq(a->handler, KAAL_SD_FAULT_LOADER);
    cr_assert_eq(a->fault_ep, -1);
    cr_assert_eq(a->on_fault, KAAL_SD_ON_FAULT_STOP);
    cr_assert_eq(a->restarts, 0);
    cr_assert_eq(a->critical, 1);
    cr_assert_eq(a->done_slot, 0);
    cr_assert_eq(a->end_slot, 0);
    cr_assert(kaal_sd_uses_loader(a));
    cr_assert_eq(sd.loader.line, 0);
    cr_assert_eq(sd.loader.verbose, 1);
    cr_assert_eq(sd.loader.selftest, 0);
}

Test(sysdesc, supervision_attributes)
{
    const char *text =
        "loader verbose=no selftest=yes\n"
        "endpoint ep\n"
        "program a elf=a priority=1 on_fault=restart restarts=3 critical=no done=4 end=5\n"
        "program b elf=b priority=1 fault=ep fault_badge=9\n"
        "program c elf=c priority=1 fault=none\n"
        "program d elf=d priority=1 fault=loader on_fault=halt\n"
        "grant a ep slot=2\n";
    cr_assert_eq(parse(text), 0, "%s", sd.error);
    cr_assert_eq(sd.loader.line, 1);
    cr_assert_eq(sd.loader.verbose, 0);
    cr_assert_eq(sd.loader.selftest, 1);
    const kaal_sd_program_t *p = sd.program;
    cr_assert_eq(p[0].on_fault, KAAL_SD_ON_FAULT_RESTART);
    cr_assert_eq(p[0].restarts, 3);
    cr_assert_eq(p[0].critical, 0);
    cr_assert_eq(p[0].done_slot, 4);
    cr_assert_eq(p[0].end_slot, 5);
    cr_assert_eq(p[1].handler, KAAL_SD_FAULT_EP);
    cr_assert_eq(p[1].fault_ep, 0);
    cr_assert_eq(p[1].fault_badge, 9);
    cr_assert_eq(p[2].handler, KAAL_SD_FAULT_NONE);
    cr_assert(!kaal_sd_uses_loader(&p[2]));
    cr_assert(!kaal_sd_uses_loader(&p[1]));
    cr_assert_eq(p[3].handler, KAAL_SD_FAULT_LOADER);
    cr_assert_eq(p[3].on_fault, KAAL_SD_ON_FAULT_HALT);
    cr_assert_eq(parse("program a elf=a priority=1 on_fault=restart\n"), 0, "%s", sd.error);
    cr_assert_eq(sd.program[0].restarts, 1, "default: one restart");
}

Test(sysdesc, supervision_errors)
{
    struct { const char *text; const char *error; } cases[] = {
        {"program a elf=a priority=1 on_fault=retry\n",
         "t.system:1: on_fault is stop, restart or halt, not 'retry'"},
        {"program a elf=a priority=1 restarts=2\n", "t.system:1: restarts needs on_fault=restart"},
        {"program a elf=a priority=1 on_fault=stop restarts=2\n",
         "t.system:1: restarts needs on_fault=restart"},
        {"program a elf=a priority=1 on_fault=restart restarts=0\n",
         "t.system:1: restarts out of range 1..100 '0'"},
        {"program a elf=a priority=1 on_fault=restart restarts=101\n",
         "t.system:1: restarts out of range 1..100 '101'"},
        {"program a elf=a priority=1 critical=maybe\n",
         "t.system:1: critical is yes or no, not 'maybe'"},
        {"endpoint ep\nprogram a elf=a priority=1 fault=ep on_fault=restart\n",
         "t.system:2: on_fault, restarts and critical need fault=loader, not 'ep'"},
        {"program a elf=a priority=1 fault=none critical=no\n",
         "t.system:1: on_fault, restarts and critical need fault=loader, not 'none'"},
        {"program a elf=a priority=1 fault=nowhere\n", "t.system:1: unknown object 'nowhere'"},
        {"program a elf=a priority=1 done=1\n", "t.system:1: done out of range 2..254 '1'"},
        {"program a elf=a priority=1 end=256\n", "t.system:1: end out of range 2..254 '256'"},
        {"program a elf=a priority=1 done=4 end=4\n", "t.system:1: done and end name the same slot '4'"},
        {"endpoint e\nprogram a elf=a priority=1 done=4\ngrant a e slot=4\n",
         "t.system:3: slot already taken by done= of 'a'"},
        {"endpoint e\nprogram a elf=a priority=1 end=6\ngrant a e slot=6\n",
         "t.system:3: slot already taken by end= of 'a'"},
        {"loader\nloader\nprogram a elf=a priority=1\n", "t.system:2: duplicate loader line"},
        {"loader verbose=1\n", "t.system:1: verbose is yes or no, not '1'"},
        {"loader selftest=yes elf=a\n", "t.system:1: unknown attribute 'elf'"},
        {"endpoint loader\n", "t.system:1: reserved name 'loader'"},
        {"program none elf=a priority=1\n", "t.system:1: reserved name 'none'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        expect_error(cases[i].text, cases[i].error);
    }
}

Test(sysdesc, too_many_memory_grants)
{
    static char text[16384];
    size_t pos = (size_t)snprintf(text, sizeof(text), "program a elf=a priority=1\n");
    for (unsigned i = 0; i <= KAAL_SD_MAX_MEMORY_GRANTS; i++) {
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
                                "memory m%u size=4096\ngrant a m%u vaddr=0x%x\n", i, i,
                                0x20000000u + i * 0x1000u);
    }
    char want[80];
    snprintf(want, sizeof(want), "t.system:%u: too many memory grants (limit %u) for 'a'",
             2u + 2u * KAAL_SD_MAX_MEMORY_GRANTS + 1u, KAAL_SD_MAX_MEMORY_GRANTS);
    expect_error(text, want);
}

Test(sysdesc, table_limits_objects_and_grants)
{
    static char text[65536];
    size_t pos = 0;
    for (unsigned i = 0; i <= KAAL_SD_MAX_OBJECTS; i++) {
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "endpoint e%u\n", i);
    }
    char want[64];
    snprintf(want, sizeof(want), "t.system:%u: too many objects 'e%u'", KAAL_SD_MAX_OBJECTS + 1,
             KAAL_SD_MAX_OBJECTS);
    expect_error(text, want);
    /* Enough programs that every grant has a slot of its own (2..254). */
    const unsigned progs = 16;
    pos = (size_t)snprintf(text, sizeof(text), "endpoint e\n");
    for (unsigned i = 0; i < progs; i++) {
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "program p%u elf=x priority=1\n", i);
    }
    for (unsigned i = 0; i <= KAAL_SD_MAX_GRANTS; i++) {
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "grant p%u e slot=%u\n", i % progs,
                                2 + i / progs);
    }
    cr_assert_lt(pos, sizeof(text) - 1, "the test's text buffer is too small");
    snprintf(want, sizeof(want), "t.system:%u: too many grants", 1 + progs + KAAL_SD_MAX_GRANTS + 1);
    expect_error(text, want);
}

/* ---- the checks with the ELF images (sysdesc_check.c) -------------------- */

/* A minimal executable: one R-X segment of one page at vaddr. */
static size_t make_elf(uint8_t *buf, uint16_t machine, uint64_t vaddr)
{
    kaal_elf64_ehdr_t eh;
    kaal_elf64_phdr_t ph;
    memset(&eh, 0, sizeof(eh));
    memset(&ph, 0, sizeof(ph));
    memcpy(eh.e_ident, "\x7f" "ELF", 4);
    eh.e_ident[4] = 2; /* ELF64 */
    eh.e_ident[5] = 1; /* little endian */
    eh.e_ident[6] = 1;
    eh.e_type = KAAL_ET_EXEC;
    eh.e_machine = machine;
    eh.e_version = 1;
    eh.e_entry = vaddr;
    eh.e_phoff = sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(ph);
    eh.e_phnum = 1;
    ph.p_type = KAAL_PT_LOAD;
    ph.p_flags = KAAL_PF_R | KAAL_PF_X;
    ph.p_vaddr = vaddr;
    ph.p_filesz = 16;
    ph.p_memsz = 0x1800;
    memcpy(buf, &eh, sizeof(eh));
    memcpy(buf + sizeof(eh), &ph, sizeof(ph));
    memset(buf + sizeof(eh) + sizeof(ph), 0, 16);
    return sizeof(eh) + sizeof(ph) + 16;
}

static int check(unsigned prog, const void *img, size_t n)
{
    return kaal_sysdesc_check_elf(&sd, "t.system", prog, img, n, KAAL_EM_X86_64, VBASE, VTOP);
}

Test(sysdesc, elf_checks)
{
    static uint8_t img[512];
    size_t n = make_elf(img, KAAL_EM_X86_64, 0x10000000);
    const char *text = "memory m size=8192\nmemory low size=4096\n"
                       "program a elf=a.elf priority=1\n"
                       "grant a m vaddr=0x20000000\n"
                       "grant a low vaddr=0x10001000\n";
    cr_assert_eq(parse(text), 0, "%s", sd.error);
    cr_assert_eq(check(0, NULL, 0), -1);
    cr_assert_str_eq(sd.error, "t.system:3: a.elf: not in the boot archive");
    cr_assert_eq(parse(text), 0);
    cr_assert_eq(check(0, "garbage", 7), -1);
    cr_assert_str_eq(sd.error, "t.system:3: a.elf: image truncated: shorter than an ELF header");
    cr_assert_eq(parse(text), 0);
    make_elf(img, KAAL_EM_AARCH64, 0x10000000);
    cr_assert_eq(check(0, img, n), -1);
    cr_assert_str_eq(sd.error, "t.system:3: a.elf: image is for another machine");
    /* The segment covers [0x10000000, 0x10002000): the grant at 0x10001000 meets it. */
    cr_assert_eq(parse(text), 0);
    make_elf(img, KAAL_EM_X86_64, 0x10000000);
    cr_assert_eq(check(0, img, n), -1);
    cr_assert_str_eq(sd.error, "t.system:5: low: region overlaps the ELF image of a (a.elf)");
    /* Without that grant the image is fine. */
    cr_assert_eq(parse("memory m size=8192\nprogram a elf=a.elf priority=1\n"
                       "grant a m vaddr=0x20000000\n"), 0);
    cr_assert_eq(check(0, img, n), 0, "%s", sd.error);
    /* An image in the stack/IPC buffer window. */
    make_elf(img, KAAL_EM_X86_64, 0x6fe00000);
    cr_assert_eq(check(0, img, n), -1);
    cr_assert_str_eq(sd.error, "t.system:2: a.elf: image overlaps the stack/IPC buffer window");
}

/* Hexadecimal digits in either case, and names with every letter: a
 * number or a name the parser misreads would start the wrong system. */
Test(sysdesc, hex_digits_and_names_in_both_cases)
{
    cr_assert_eq(parse("program Abc_Z elf=A.elf priority=1 arg=0xAbCdEf\n"
                       "program zeta-9 elf=Z9.elf priority=2 arg=0XFF09\n"), 0, "%s", sd.error);
    cr_assert_str_eq(sd.program[0].name, "Abc_Z");
    cr_assert_eq(sd.program[0].arg, 0xabcdefu);
    cr_assert_str_eq(sd.program[1].name, "zeta-9");
    cr_assert_eq(sd.program[1].arg, 0xff09u);
    cr_assert_eq(parse("program a elf=a priority=1 arg=0x9fFaA0\n"), 0, "%s", sd.error);
    cr_assert_eq(sd.program[0].arg, 0x9ffaa0u);
    expect_error("program a elf=a priority=1 arg=0xG\n", "t.system:1: bad number '0xG'");
    expect_error("program @a elf=a priority=1\n", "t.system:1: bad name '@a'");
    expect_error("program a[ elf=a priority=1\n", "t.system:1: bad name 'a['");
}

/* Device ranges: overlap wherever it lies in the range, never between
 * neighbours or far apart ranges. */
Test(sysdesc, device_overlap_both_ways)
{
    cr_assert_eq(parse("program a elf=a priority=1\n"
                       "device d paddr=0x1000 size=0x2000\ndevice e paddr=0x8000 size=0x1000\n"
                       "device f paddr=0x3000 size=0x1000\n"), 0, "%s", sd.error);
    expect_error("device d paddr=0x10000 size=0x2000\ndevice e paddr=0xf000 size=0x2000\n",
                 "t.system:2: device memory overlaps 'd'");
    expect_error("device d paddr=0x10000 size=0x2000\ndevice e paddr=0x11000 size=0x4000\n",
                 "t.system:2: device memory overlaps 'd'");
}
