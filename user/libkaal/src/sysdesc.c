/*
 * libkaal: the system description parser (format: kaal/sysdesc.h and
 * docs/processes.md).
 *
 * One pass, line by line. Each line is copied into a bounded buffer, cut
 * into tokens, and handled by the function of its keyword. A name must be
 * declared before a line uses it, so one pass resolves every reference.
 * The first error stops the parse; the caller then starts nothing.
 */
#include "sysdesc_parser.h"

/* ---- keywords ------------------------------------------------------------ */

/* fault=loader|none|EP and its companions on a program line. */
static int program_faults(sd_parser_t *p, kaal_sd_program_t *pr)
{
    const char *f = p->val[A_FAULT];
    uint64_t restarts;
    pr->fault_ep = -1;
    pr->handler = KAAL_SD_FAULT_LOADER;
    if (f != NULL && sd_str_eq(f, "none")) {
        pr->handler = KAAL_SD_FAULT_NONE;
    } else if (f != NULL && !sd_str_eq(f, "loader")) {
        int ep = sd_ref_object(p, f, KAAL_SD_ENDPOINT);
        if (ep < 0) {
            return -1;
        }
        pr->handler = KAAL_SD_FAULT_EP;
        pr->fault_ep = (int16_t)ep;
    }
    if (p->val[A_FAULT_BADGE] != NULL && pr->handler != KAAL_SD_FAULT_EP) {
        return sd_fail(p, "fault_badge needs fault=ENDPOINT", NULL);
    }
    if (pr->handler != KAAL_SD_FAULT_LOADER &&
        (p->val[A_ON_FAULT] != NULL || p->val[A_RESTARTS] != NULL || p->val[A_CRITICAL] != NULL)) {
        return sd_fail(p, "on_fault, restarts and critical need fault=loader, not", f);
    }
    const char *of = p->val[A_ON_FAULT];
    pr->on_fault = KAAL_SD_ON_FAULT_STOP;
    if (of != NULL && sd_str_eq(of, "restart")) {
        pr->on_fault = KAAL_SD_ON_FAULT_RESTART;
    } else if (of != NULL && sd_str_eq(of, "halt")) {
        pr->on_fault = KAAL_SD_ON_FAULT_HALT;
    } else if (of != NULL && !sd_str_eq(of, "stop")) {
        return sd_fail(p, "on_fault is stop, restart or halt, not", of);
    }
    if (p->val[A_RESTARTS] != NULL && pr->on_fault != KAAL_SD_ON_FAULT_RESTART) {
        return sd_fail(p, "restarts needs on_fault=restart", NULL);
    }
    if (sd_attr_number(p, A_RESTARTS, 1, KAAL_SD_MAX_RESTARTS, 1, &restarts) ||
        sd_attr_yes_no(p, A_CRITICAL, 1, &pr->critical)) {
        return -1;
    }
    pr->restarts = pr->on_fault == KAAL_SD_ON_FAULT_RESTART ? (uint8_t)restarts : 0u;
    return 0;
}

/* done=SLOT and end=SLOT: capabilities to the loader in the child's CNode. */
static int program_loader_caps(sd_parser_t *p, kaal_sd_program_t *pr)
{
    uint64_t top = KAAL_CHILD_SLOT_PLATFORM - 1u, done, end;
    if (sd_attr_number(p, A_DONE, KAAL_CHILD_FIRST_SLOT, top, 0, &done) ||
        sd_attr_number(p, A_END, KAAL_CHILD_FIRST_SLOT, top, 0, &end)) {
        return -1;
    }
    if (done != 0 && done == end) {
        return sd_fail(p, "done and end name the same slot", p->val[A_DONE]);
    }
    pr->done_slot = (uint16_t)done;
    pr->end_slot = (uint16_t)end;
    return 0;
}

static int do_program(sd_parser_t *p)
{
    kaal_sysdesc_t *sd = p->sd;
    uint32_t mask = 1u << A_ELF | 1u << A_PRIORITY | 1u << A_STACK | 1u << A_FAULT |
                    1u << A_FAULT_BADGE | 1u << A_ARG | 1u << A_ON_FAULT | 1u << A_RESTARTS |
                    1u << A_CRITICAL | 1u << A_DONE | 1u << A_END;
    uint64_t prio, stack, fbadge, arg;
    kaal_sd_program_t pr = {.line = p->line};
    if (p->ntok < 2) {
        return sd_fail(p, "program needs a name", NULL);
    }
    if (sd_new_name(p, p->tok[1]) || sd_read_attrs(p, 2, mask) || sd_need(p, A_ELF) ||
        sd_need(p, A_PRIORITY) ||
        sd_attr_number(p, A_PRIORITY, 0, KAAL_SD_MAX_PRIORITY, 0, &prio) ||
        sd_attr_number(p, A_STACK, 1, KAAL_SD_MAX_STACK_PAGES, KAAL_SD_DEFAULT_STACK_PAGES, &stack) ||
        sd_attr_number(p, A_FAULT_BADGE, 0, UINT64_MAX, 0, &fbadge) ||
        sd_attr_number(p, A_ARG, 0, UINT64_MAX, 0, &arg)) {
        return -1;
    }
    if (!sd_name_ok(p->val[A_ELF], 1)) {
        return sd_fail(p, "bad file name", p->val[A_ELF]);
    }
    if (program_faults(p, &pr) || program_loader_caps(p, &pr)) {
        return -1;
    }
    if (sd->nprograms == KAAL_SD_MAX_PROGRAMS) {
        return sd_fail(p, "too many programs", p->tok[1]);
    }
    sd_str_copy(pr.name, p->tok[1], sizeof(pr.name));
    sd_str_copy(pr.elf, p->val[A_ELF], sizeof(pr.elf));
    pr.priority = (uint8_t)prio;
    pr.stack_pages = (uint8_t)stack;
    pr.fault_badge = fbadge;
    pr.arg = arg;
    sd->program[sd->nprograms++] = pr;
    return 0;
}

/* loader [verbose=yes|no] [selftest=yes|no]: once, anywhere. */
static int do_loader(sd_parser_t *p)
{
    kaal_sd_loader_t *l = &p->sd->loader;
    if (l->line != 0) {
        return sd_fail(p, "duplicate loader line", NULL);
    }
    if (sd_read_attrs(p, 1, 1u << A_VERBOSE | 1u << A_SELFTEST) ||
        sd_attr_yes_no(p, A_VERBOSE, 1, &l->verbose) ||
        sd_attr_yes_no(p, A_SELFTEST, 0, &l->selftest)) {
        return -1;
    }
    l->line = p->line;
    return 0;
}

/* The paddr of a device line: page aligned, not wrapping, not overlapping
 * another device. */
static int do_device(sd_parser_t *p, uint64_t size, uint64_t *paddr)
{
    if (sd_need(p, A_PADDR) || sd_attr_number(p, A_PADDR, 0, UINT64_MAX - size, 0, paddr)) {
        return -1;
    }
    if (*paddr % SD_PAGE != 0) {
        return sd_fail(p, "paddr is not page aligned", p->val[A_PADDR]);
    }
    for (unsigned i = 0; i < p->sd->nobjects; i++) {
        const kaal_sd_object_t *o = &p->sd->object[i];
        if (o->kind == KAAL_SD_DEVICE && *paddr < o->paddr + o->size && o->paddr < *paddr + size) {
            return sd_fail(p, "device memory overlaps", o->name);
        }
    }
    return 0;
}

static int do_object(sd_parser_t *p, kaal_sd_kind_t kind)
{
    kaal_sysdesc_t *sd = p->sd;
    uint32_t mask = kind == KAAL_SD_MEMORY ? (1u << A_SIZE | 1u << A_FILL)
                  : kind == KAAL_SD_DEVICE ? (1u << A_SIZE | 1u << A_PADDR)
                  : kind == KAAL_SD_IRQ    ? (1u << A_LINE | 1u << A_NOTIFY | 1u << A_BADGE)
                                           : 0u;
    uint64_t size = 0, line = 0, badge = 0, paddr = 0;
    int notify = -1;
    if (p->ntok < 2) {
        return sd_fail(p, "object needs a name", NULL);
    }
    if (sd_new_name(p, p->tok[1]) || sd_read_attrs(p, 2, mask)) {
        return -1;
    }
    if (kaal_sd_kind_is_mapped(kind)) {
        if (sd_need(p, A_SIZE) || sd_attr_number(p, A_SIZE, SD_PAGE, KAAL_SD_MAX_MEMORY, 0, &size)) {
            return -1;
        }
        if (size % SD_PAGE != 0) {
            return sd_fail(p, "memory size is not a multiple of 4096", p->val[A_SIZE]);
        }
    }
    if (p->val[A_FILL] != NULL && !sd_name_ok(p->val[A_FILL], 1)) {
        return sd_fail(p, "bad file name", p->val[A_FILL]);
    }
    if (kind == KAAL_SD_DEVICE && do_device(p, size, &paddr) != 0) {
        return -1;
    }
    if (kind == KAAL_SD_IRQ) {
        if (sd_need(p, A_LINE) || sd_need(p, A_NOTIFY) ||
            sd_attr_number(p, A_LINE, 0, KAAL_SD_MAX_IRQ_LINE, 0, &line) ||
            sd_attr_number(p, A_BADGE, 0, UINT64_MAX, 0, &badge) ||
            (notify = sd_ref_object(p, p->val[A_NOTIFY], KAAL_SD_NOTIFICATION)) < 0) {
            return -1;
        }
        for (unsigned i = 0; i < sd->nobjects; i++) {
            if (sd->object[i].kind == KAAL_SD_IRQ && sd->object[i].irq_line == line) {
                return sd_fail(p, "irq line already used by", sd->object[i].name);
            }
        }
    }
    if (sd->nobjects == KAAL_SD_MAX_OBJECTS) {
        return sd_fail(p, "too many objects", p->tok[1]);
    }
    kaal_sd_object_t *o = &sd->object[sd->nobjects++];
    sd_str_copy(o->name, p->tok[1], sizeof(o->name));
    o->kind = kind;
    o->size = size;
    o->paddr = paddr;
    o->irq_line = (uint32_t)line;
    o->notify = (int16_t)notify;
    o->badge = badge;
    o->line = p->line;
    o->fill[0] = '\0';
    if (p->val[A_FILL] != NULL) {
        sd_str_copy(o->fill, p->val[A_FILL], sizeof(o->fill));
    }
    return 0;
}

/* Grant conflicts inside one program: the same slot twice, or two memory
 * regions that overlap. */
static int check_grant_conflicts(sd_parser_t *p, const kaal_sd_grant_t *g)
{
    const kaal_sysdesc_t *sd = p->sd;
    const kaal_sd_program_t *pr = &sd->program[g->program];
    uint64_t size = kaal_sd_kind_is_mapped(g->kind) ? sd->object[g->target].size : 0;
    unsigned mapped = kaal_sd_kind_is_mapped(g->kind) ? 1u : 0u;
    if (!kaal_sd_kind_is_mapped(g->kind) && (g->slot == pr->done_slot || g->slot == pr->end_slot)) {
        return sd_fail(p, g->slot == pr->done_slot ? "slot already taken by done= of"
                                                   : "slot already taken by end= of", pr->name);
    }
    for (unsigned i = 0; i < sd->ngrants; i++) {
        const kaal_sd_grant_t *o = &sd->grant[i];
        if (o->program != g->program) {
            continue;
        }
        if (!kaal_sd_kind_is_mapped(g->kind) && !kaal_sd_kind_is_mapped(o->kind) && o->slot == g->slot) {
            return sd_fail(p, "slot already granted to", sd->program[g->program].name);
        }
        if (kaal_sd_kind_is_mapped(g->kind) && kaal_sd_kind_is_mapped(o->kind)) {
            _Static_assert(KAAL_SD_MAX_MEMORY_GRANTS == 64u, "the message names the limit");
            if (++mapped > KAAL_SD_MAX_MEMORY_GRANTS) {
                return sd_fail(p, "too many memory grants (limit 64) for", pr->name);
            }
            uint64_t osize = sd->object[o->target].size;
            if (g->vaddr < o->vaddr + osize && o->vaddr < g->vaddr + size) {
                return sd_fail(p, "memory overlaps another region of", sd->program[g->program].name);
            }
        }
    }
    return 0;
}

static int grant_memory(sd_parser_t *p, kaal_sd_grant_t *g)
{
    uint64_t size = p->sd->object[g->target].size;
    if (sd_need(p, A_VADDR) || sd_attr_number(p, A_VADDR, 0, UINT64_MAX, 0, &g->vaddr) ||
        sd_attr_rights(p, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
                    &g->rights)) {
        return -1;
    }
    if ((g->rights & KAAL_RIGHT_READ) == 0) {
        return sd_fail(p, "memory must be readable", p->val[A_RIGHTS]);
    }
    if (g->vaddr % SD_PAGE != 0) {
        return sd_fail(p, "vaddr is not page aligned", p->val[A_VADDR]);
    }
    if (g->vaddr < p->vbase || g->vaddr > p->vtop || size > p->vtop - g->vaddr ||
        (g->vaddr < KAAL_CHILD_RESERVED_TOP && g->vaddr + size > KAAL_CHILD_RESERVED_BASE)) {
        return sd_fail(p, "vaddr outside the child's free address range", p->val[A_VADDR]);
    }
    return 0;
}

static int grant_cap(sd_parser_t *p, kaal_sd_grant_t *g)
{
    uint64_t top = KAAL_CHILD_SLOT_PLATFORM - 1u; /* the last slot: the platform cap's */
    int is_ipc = g->kind == KAAL_SD_ENDPOINT || g->kind == KAAL_SD_NOTIFICATION;
    uint32_t allowed = g->kind == KAAL_SD_ENDPOINT ? KAAL_RIGHTS_ALL
                                                   : KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
    if (!is_ipc && (p->val[A_BADGE] != NULL || p->val[A_RIGHTS] != NULL)) {
        return sd_fail(p, "badge and rights apply only to endpoints and notifications", NULL);
    }
    if (sd_need(p, A_SLOT) || sd_attr_number(p, A_SLOT, KAAL_CHILD_FIRST_SLOT, top, 0, &g->slot) ||
        sd_attr_number(p, A_BADGE, 0, UINT64_MAX, 0, &g->badge) ||
        sd_attr_rights(p, allowed, allowed, &g->rights)) {
        return -1;
    }
    return 0;
}

/* grant PROG platform: a copy of the root task's platform capability
 * (docs/abi.md "Platform") in the child's slot KAAL_CHILD_SLOT_PLATFORM;
 * no attributes, at most once a program. */
static int grant_platform(sd_parser_t *p, kaal_sd_grant_t *g)
{
    kaal_sysdesc_t *sd = p->sd;
    if (p->ntok > 3) {
        return sd_fail(p, "grant of platform takes no attributes (its slot is fixed)", p->tok[3]);
    }
    for (unsigned i = 0; i < sd->ngrants; i++) {
        if (sd->grant[i].program == g->program && sd->grant[i].kind == KAAL_SD_PLATFORM) {
            return sd_fail(p, "platform already granted to", sd->program[g->program].name);
        }
    }
    if (sd->ngrants == KAAL_SD_MAX_GRANTS) {
        return sd_fail(p, "too many grants", NULL);
    }
    g->kind = KAAL_SD_PLATFORM;
    g->slot = KAAL_CHILD_SLOT_PLATFORM;
    g->rights = KAAL_RIGHTS_ALL;
    sd->grant[sd->ngrants++] = *g;
    return 0;
}

static int do_grant(sd_parser_t *p)
{
    kaal_sysdesc_t *sd = p->sd;
    if (p->ntok < 3) {
        return sd_fail(p, "grant needs a program and an object", NULL);
    }
    int prog = kaal_sysdesc_find_program(sd, p->tok[1]);
    if (prog < 0) {
        return sd_fail(p, "unknown program", p->tok[1]);
    }
    kaal_sd_grant_t g = {.program = (uint16_t)prog, .line = p->line};
    if (sd_str_eq(p->tok[2], "platform")) {
        return grant_platform(p, &g);
    }
    int obj = kaal_sysdesc_find_object(sd, p->tok[2]);
    int tcb = kaal_sysdesc_find_program(sd, p->tok[2]);
    if (obj < 0 && tcb < 0) {
        return sd_fail(p, "unknown object", p->tok[2]);
    }
    g.kind = obj >= 0 ? sd->object[obj].kind : KAAL_SD_TCB;
    g.target = (uint16_t)(obj >= 0 ? obj : tcb);
    uint32_t mask = kaal_sd_kind_is_mapped(g.kind) ? (1u << A_VADDR | 1u << A_RIGHTS)
                                             : (1u << A_SLOT | 1u << A_BADGE | 1u << A_RIGHTS);
    if (sd_read_attrs(p, 3, mask)) {
        return -1;
    }
    if ((kaal_sd_kind_is_mapped(g.kind) ? grant_memory(p, &g) : grant_cap(p, &g)) ||
        check_grant_conflicts(p, &g)) {
        return -1;
    }
    if (sd->ngrants == KAAL_SD_MAX_GRANTS) {
        return sd_fail(p, "too many grants", NULL);
    }
    sd->grant[sd->ngrants++] = g;
    return 0;
}

/* Handle the tokens of one line. */
static int do_line(sd_parser_t *p)
{
    const char *kw = p->tok[0];
    if (sd_str_eq(kw, "program")) {
        return do_program(p);
    }
    if (sd_str_eq(kw, "endpoint")) {
        return do_object(p, KAAL_SD_ENDPOINT);
    }
    if (sd_str_eq(kw, "notification")) {
        return do_object(p, KAAL_SD_NOTIFICATION);
    }
    if (sd_str_eq(kw, "memory")) {
        return do_object(p, KAAL_SD_MEMORY);
    }
    if (sd_str_eq(kw, "device")) {
        return do_object(p, KAAL_SD_DEVICE);
    }
    if (sd_str_eq(kw, "irq")) {
        return do_object(p, KAAL_SD_IRQ);
    }
    if (sd_str_eq(kw, "grant")) {
        return do_grant(p);
    }
    if (sd_str_eq(kw, "loader")) {
        return do_loader(p);
    }
    return sd_fail(p, "unknown keyword", kw);
}

/* ---- interface ------------------------------------------------------------ */

int kaal_sysdesc_parse(const char *text, size_t len, const char *file, uint64_t vbase,
                       uint64_t vtop, kaal_sysdesc_t *sd)
{
    uint8_t *bytes = (uint8_t *)sd;
    for (size_t i = 0; i < sizeof(*sd); i++) {
        bytes[i] = 0;
    }
    sd_parser_t p = {.sd = sd, .file = file != NULL ? file : "(system)", .vbase = vbase,
                     .vtop = vtop};
    sd->loader.verbose = 1;
    size_t pos = 0;
    while (pos < len) {
        if (p.line == KAAL_SD_MAX_LINES) {
            return sd_fail(&p, "too many lines", NULL);
        }
        p.line++;
        size_t end = pos;
        while (end < len && text[end] != '\n') {
            end++;
        }
        if (sd_tokenize(&p, text + pos, end - pos) != 0) {
            return -1;
        }
        if (p.ntok > 0 && do_line(&p) != 0) {
            return -1;
        }
        pos = end + 1u;
    }
    if (sd->nprograms == 0) {
        p.line = p.line == 0 ? 1u : p.line;
        return sd_fail(&p, "no program declared", NULL);
    }
    return 0;
}
