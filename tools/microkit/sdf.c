/*
 * Reading a Microkit system file (sdf.h) with expat, in two passes:
 *
 *   1. parse: one element at a time, checking names, attributes and values
 *      (unknown elements and attributes, and the Microkit features KaaL
 *      does not have, are errors with the element's line);
 *   2. check: what needs the whole file: names resolved (a channel may name
 *      a PD defined below it), ids, overlaps, priorities of protected
 *      calls, program images and setvar symbols.
 * The first error stops both and is the only one reported.
 */
#define _GNU_SOURCE
#include "sdf.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MK_MAX_DEPTH 16

enum mk_elem { E_NONE, E_SYSTEM, E_PD, E_MR, E_CHANNEL, E_END, E_LEAF };

typedef struct parse_state {
    mk_system_t *sys;
    FILE *err;
    XML_Parser xp;
    bool failed;
    enum mk_elem kind[MK_MAX_DEPTH]; /* element kind at each open depth */
    int index[MK_MAX_DEPTH];         /* its PD or channel index */
    unsigned ends[MK_MAX_DEPTH];     /* `end`s seen in an open channel */
    unsigned depth;
    bool seen_system;
} parse_state_t;

static void report_error(const char *file, FILE *err, int line, const char *fmt, va_list ap)
{
    fprintf(err, "%s:%d: error: ", file, line);
    vfprintf(err, fmt, ap);
    fputc('\n', err);
}

static void fail(parse_state_t *st, int line, const char *fmt, ...)
{
    if (st->failed) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    report_error(st->sys->file, st->err, line, fmt, ap);
    va_end(ap);
    st->failed = true;
    XML_StopParser(st->xp, XML_FALSE);
}

static int check_fail(const mk_system_t *sys, FILE *err, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_error(sys->file, err, line, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- attributes ------------------------------------------------------- */

static const char *attr(const XML_Char **atts, const char *name)
{
    for (unsigned i = 0; atts[i] != NULL; i += 2) {
        if (strcmp(atts[i], name) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

/* Every attribute must be one of allowed (NULL-terminated); the ones
 * KaaL rejects on purpose get their own reason. */
static bool attrs_known(parse_state_t *st, int line, const char *elem, const XML_Char **atts,
                        const char *const *allowed)
{
    for (unsigned i = 0; atts[i] != NULL; i += 2) {
        bool ok = false;
        for (unsigned k = 0; allowed[k] != NULL; k++) {
            ok = ok || strcmp(atts[i], allowed[k]) == 0;
        }
        if (ok) {
            continue;
        }
        if (strcmp(atts[i], "domain") == 0) {
            fail(st, line, "<%s>: scheduling domains are not supported by KaaL", elem);
        } else if (strcmp(atts[i], "smc") == 0) {
            fail(st, line, "<%s>: SMC calls are not supported by KaaL", elem);
        } else if (strcmp(atts[i], "cpu") == 0) {
            fail(st, line, "<%s>: KaaL runs on one core; 'cpu' is not supported", elem);
        } else {
            fail(st, line, "<%s>: unknown attribute '%s'", elem, atts[i]);
        }
        return false;
    }
    return true;
}

static const char *required(parse_state_t *st, int line, const char *elem, const XML_Char **atts,
                            const char *name)
{
    const char *v = attr(atts, name);
    if (v == NULL) {
        fail(st, line, "<%s>: missing attribute '%s'", elem, name);
    }
    return v;
}

/* Decimal or 0x-hexadecimal, no sign, no overflow. */
static bool number(parse_state_t *st, int line, const char *name, const char *v, uint64_t max,
                   uint64_t *out)
{
    char *end = NULL;
    if (v[0] == '\0' || v[0] == '-' || v[0] == '+' || v[0] == ' ') {
        fail(st, line, "attribute '%s': '%s' is not a number", name, v);
        return false;
    }
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    if (errno != 0 || *end != '\0') {
        fail(st, line, "attribute '%s': '%s' is not a number", name, v);
        return false;
    }
    if (n > max) {
        fail(st, line, "attribute '%s': %s is out of range (at most %llu)", name, v,
             (unsigned long long)max);
        return false;
    }
    *out = n;
    return true;
}

static bool boolean(parse_state_t *st, int line, const char *name, const char *v, bool *out)
{
    if (strcmp(v, "true") == 0) {
        *out = true;
    } else if (strcmp(v, "false") == 0) {
        *out = false;
    } else {
        fail(st, line, "attribute '%s': '%s' is not true or false", name, v);
        return false;
    }
    return true;
}

static bool copy_name(parse_state_t *st, int line, const char *what, char *dst, size_t cap,
                      const char *v)
{
    if (v[0] == '\0') {
        fail(st, line, "%s is empty", what);
        return false;
    }
    if (strlen(v) >= cap) {
        fail(st, line, "%s '%s' is longer than %zu characters", what, v, cap - 1);
        return false;
    }
    strcpy(dst, v);
    return true;
}

/* ---- elements ------------------------------------------------------------ */

static void start_pd(parse_state_t *st, int line, const XML_Char **atts, int parent)
{
    static const char *const ok[] = {"name", "priority", "budget", "period", "passive",
                                     "stack_size", "id", "setvar_id", "pp", NULL};
    mk_system_t *sys = st->sys;
    if (!attrs_known(st, line, "protection_domain", atts, ok)) {
        return;
    }
    if (sys->npds == MK_MAX_PDS) {
        fail(st, line, "more than %d protection domains", MK_MAX_PDS);
        return;
    }
    mk_pd_t *pd = &sys->pd[sys->npds];
    const char *name = required(st, line, "protection_domain", atts, "name");
    const char *v;
    uint64_t n;
    if (name == NULL || !copy_name(st, line, "protection domain name", pd->name, sizeof pd->name,
                                   name)) {
        return;
    }
    pd->line = line;
    pd->parent = parent;
    pd->stack_size = 0x1000;
    pd->budget_us = 1000;
    if ((v = attr(atts, "priority")) != NULL) {
        if (!number(st, line, "priority", v, MK_MAX_PRIORITY, &n)) {
            return;
        }
        pd->priority = (unsigned)n;
    }
    if ((v = attr(atts, "budget")) != NULL && !number(st, line, "budget", v, UINT32_MAX,
                                                      &pd->budget_us)) {
        return;
    }
    pd->period_us = pd->budget_us;
    if ((v = attr(atts, "period")) != NULL && !number(st, line, "period", v, UINT32_MAX,
                                                      &pd->period_us)) {
        return;
    }
    if (pd->budget_us > pd->period_us) {
        fail(st, line, "protection domain '%s': budget %llu is larger than period %llu", pd->name,
             (unsigned long long)pd->budget_us, (unsigned long long)pd->period_us);
        return;
    }
    if ((v = attr(atts, "passive")) != NULL && !boolean(st, line, "passive", v, &pd->passive)) {
        return;
    }
    if ((v = attr(atts, "stack_size")) != NULL) {
        if (!number(st, line, "stack_size", v, 16u << 20, &pd->stack_size)) {
            return;
        }
        if (pd->stack_size == 0 || pd->stack_size % 0x1000 != 0) {
            fail(st, line, "stack_size %s is not a non-zero multiple of the page size (0x1000)", v);
            return;
        }
    }
    if ((v = attr(atts, "pp")) != NULL) {
        fail(st, line, "<protection_domain>: 'pp' belongs on a channel <end> (Microkit 1.3 and later)");
        return;
    }
    v = attr(atts, "id");
    if (parent >= 0) {
        if (v == NULL) {
            fail(st, line, "child protection domain '%s' needs an 'id'", pd->name);
            return;
        }
        if (!number(st, line, "id", v, MK_MAX_ID - 1, &n)) {
            return;
        }
        pd->child_id = (unsigned)n;
    } else if (v != NULL) {
        fail(st, line, "'id' is only for a protection domain nested in another");
        return;
    }
    if ((v = attr(atts, "setvar_id")) != NULL &&
        !copy_name(st, line, "setvar_id", pd->setvar_id, sizeof pd->setvar_id, v)) {
        return;
    }
    st->index[st->depth] = (int)sys->npds;
    sys->npds++;
}

static void start_program_image(parse_state_t *st, int line, const XML_Char **atts, mk_pd_t *pd)
{
    static const char *const ok[] = {"path", NULL};
    if (!attrs_known(st, line, "program_image", atts, ok)) {
        return;
    }
    const char *path = required(st, line, "program_image", atts, "path");
    if (path == NULL) {
        return;
    }
    if (pd->image[0] != '\0') {
        fail(st, line, "protection domain '%s' has a second <program_image> (first at line %d)",
             pd->name, pd->image_line);
        return;
    }
    if (copy_name(st, line, "program image path", pd->image, sizeof pd->image, path)) {
        pd->image_line = line;
    }
}

static bool perms(parse_state_t *st, int line, const char *v, unsigned *out)
{
    unsigned p = 0;
    for (const char *c = v; *c != '\0'; c++) {
        unsigned bit = *c == 'r' ? MK_PERM_R : *c == 'w' ? MK_PERM_W : *c == 'x' ? MK_PERM_X : 0;
        if (bit == 0 || (p & bit) != 0) {
            fail(st, line, "perms '%s': use each of r, w, x at most once", v);
            return false;
        }
        p |= bit;
    }
    if ((p & MK_PERM_R) == 0) {
        fail(st, line, "perms '%s': a mapping must be readable (AArch64 has no write- or "
                       "execute-only user pages)", v);
        return false;
    }
    *out = p;
    return true;
}

static void start_map(parse_state_t *st, int line, const XML_Char **atts, mk_pd_t *pd)
{
    static const char *const ok[] = {"mr", "vaddr", "perms", "cached", "setvar_vaddr",
                                     "setvar_size", NULL};
    if (!attrs_known(st, line, "map", atts, ok)) {
        return;
    }
    if (pd->nmaps == MK_MAX_MAPS) {
        fail(st, line, "protection domain '%s': more than %d maps", pd->name, MK_MAX_MAPS);
        return;
    }
    mk_map_t *m = &pd->map[pd->nmaps];
    const char *mr = required(st, line, "map", atts, "mr");
    const char *vaddr = mr != NULL ? required(st, line, "map", atts, "vaddr") : NULL;
    const char *v;
    if (vaddr == NULL || !copy_name(st, line, "memory region name", m->mr_name,
                                    sizeof m->mr_name, mr) ||
        !number(st, line, "vaddr", vaddr, (1ull << 48) - 1, &m->vaddr)) {
        return;
    }
    m->perms = MK_PERM_R | MK_PERM_W;
    m->cached = true;
    if ((v = attr(atts, "perms")) != NULL && !perms(st, line, v, &m->perms)) {
        return;
    }
    if ((v = attr(atts, "cached")) != NULL && !boolean(st, line, "cached", v, &m->cached)) {
        return;
    }
    if ((v = attr(atts, "setvar_vaddr")) != NULL &&
        !copy_name(st, line, "setvar_vaddr", m->setvar_vaddr, sizeof m->setvar_vaddr, v)) {
        return;
    }
    if ((v = attr(atts, "setvar_size")) != NULL &&
        !copy_name(st, line, "setvar_size", m->setvar_size, sizeof m->setvar_size, v)) {
        return;
    }
    m->line = line;
    pd->nmaps++;
}

static void start_irq(parse_state_t *st, int line, const XML_Char **atts, mk_pd_t *pd)
{
    static const char *const ok[] = {"irq", "id", "trigger", "setvar_id", NULL};
    if (!attrs_known(st, line, "irq", atts, ok)) {
        return;
    }
    if (pd->nirqs == MK_MAX_IRQS) {
        fail(st, line, "protection domain '%s': more than %d irqs", pd->name, MK_MAX_IRQS);
        return;
    }
    mk_irq_t *q = &pd->irq[pd->nirqs];
    const char *irq = required(st, line, "irq", atts, "irq");
    const char *id = irq != NULL ? required(st, line, "irq", atts, "id") : NULL;
    const char *v;
    uint64_t n;
    if (id == NULL || !number(st, line, "irq", irq, 1019, &q->irq) ||
        !number(st, line, "id", id, MK_MAX_ID - 1, &n)) {
        return;
    }
    q->id = (unsigned)n;
    if ((v = attr(atts, "trigger")) != NULL) {
        if (strcmp(v, "edge") != 0 && strcmp(v, "level") != 0) {
            fail(st, line, "trigger '%s': expected 'level' or 'edge'", v);
            return;
        }
        q->edge = strcmp(v, "edge") == 0;
    }
    if ((v = attr(atts, "setvar_id")) != NULL &&
        !copy_name(st, line, "setvar_id", q->setvar_id, sizeof q->setvar_id, v)) {
        return;
    }
    q->line = line;
    pd->nirqs++;
}

static void start_setvar(parse_state_t *st, int line, const XML_Char **atts, mk_pd_t *pd)
{
    static const char *const ok[] = {"symbol", "region_paddr", NULL};
    if (!attrs_known(st, line, "setvar", atts, ok)) {
        return;
    }
    if (pd->nsetvars == MK_MAX_SETVARS) {
        fail(st, line, "protection domain '%s': more than %d setvars", pd->name, MK_MAX_SETVARS);
        return;
    }
    mk_setvar_t *s = &pd->setvar[pd->nsetvars];
    const char *sym = required(st, line, "setvar", atts, "symbol");
    const char *region = sym != NULL ? required(st, line, "setvar", atts, "region_paddr") : NULL;
    if (region == NULL || !copy_name(st, line, "symbol", s->symbol, sizeof s->symbol, sym) ||
        !copy_name(st, line, "region_paddr", s->region_name, sizeof s->region_name, region)) {
        return;
    }
    s->line = line;
    pd->nsetvars++;
}

static void start_mr(parse_state_t *st, int line, const XML_Char **atts)
{
    static const char *const ok[] = {"name", "size", "page_size", "phys_addr", "prefill_path",
                                     NULL};
    mk_system_t *sys = st->sys;
    if (!attrs_known(st, line, "memory_region", atts, ok)) {
        return;
    }
    if (sys->nmrs == MK_MAX_MRS) {
        fail(st, line, "more than %d memory regions", MK_MAX_MRS);
        return;
    }
    mk_mr_t *mr = &sys->mr[sys->nmrs];
    const char *name = required(st, line, "memory_region", atts, "name");
    const char *size = name != NULL ? required(st, line, "memory_region", atts, "size") : NULL;
    const char *v;
    if (size == NULL ||
        !copy_name(st, line, "memory region name", mr->name, sizeof mr->name, name) ||
        !number(st, line, "size", size, 1ull << 40, &mr->size)) {
        return;
    }
    mr->page_size = 0x1000;
    if ((v = attr(atts, "page_size")) != NULL) {
        if (!number(st, line, "page_size", v, 1ull << 30, &mr->page_size)) {
            return;
        }
        if (mr->page_size != 0x1000 && mr->page_size != 0x200000) {
            fail(st, line, "page_size %s: supported page sizes are 0x1000 and 0x200000", v);
            return;
        }
    }
    if (mr->size == 0 || mr->size % mr->page_size != 0) {
        fail(st, line, "memory region '%s': size 0x%llx is not a non-zero multiple of its page "
                       "size 0x%llx", mr->name, (unsigned long long)mr->size,
             (unsigned long long)mr->page_size);
        return;
    }
    if ((v = attr(atts, "phys_addr")) != NULL) {
        if (!number(st, line, "phys_addr", v, (1ull << 48) - 1, &mr->paddr)) {
            return;
        }
        if (mr->paddr % mr->page_size != 0) {
            fail(st, line, "memory region '%s': phys_addr %s is not aligned to its page size",
                 mr->name, v);
            return;
        }
        mr->fixed = true;
    }
    if ((v = attr(atts, "prefill_path")) != NULL &&
        !copy_name(st, line, "prefill_path", mr->prefill, sizeof mr->prefill, v)) {
        return;
    }
    mr->line = line;
    sys->nmrs++;
}

static void start_end(parse_state_t *st, int line, const XML_Char **atts, mk_channel_t *ch,
                      unsigned *ends)
{
    static const char *const ok[] = {"pd", "id", "pp", "notify", NULL};
    if (!attrs_known(st, line, "end", atts, ok)) {
        return;
    }
    if (*ends == 2) {
        fail(st, line, "<channel> has more than two <end>s");
        return;
    }
    mk_end_t *e = &ch->end[*ends];
    const char *pd = required(st, line, "end", atts, "pd");
    const char *id = pd != NULL ? required(st, line, "end", atts, "id") : NULL;
    const char *v;
    uint64_t n;
    if (id == NULL || !copy_name(st, line, "protection domain name", e->pd_name,
                                 sizeof e->pd_name, pd) ||
        !number(st, line, "id", id, MK_MAX_ID - 1, &n)) {
        return;
    }
    e->id = (unsigned)n;
    e->notify = true;
    if ((v = attr(atts, "pp")) != NULL && !boolean(st, line, "pp", v, &e->pp)) {
        return;
    }
    if ((v = attr(atts, "notify")) != NULL && !boolean(st, line, "notify", v, &e->notify)) {
        return;
    }
    e->line = line;
    (*ends)++;
}

static void on_start(void *data, const XML_Char *el, const XML_Char **atts)
{
    parse_state_t *st = data;
    int line = (int)XML_GetCurrentLineNumber(st->xp);
    enum mk_elem up = st->depth > 0 ? st->kind[st->depth - 1] : E_NONE;
    int up_index = st->depth > 0 ? st->index[st->depth - 1] : -1;
    enum mk_elem kind = E_LEAF;
    if (st->failed) {
        return;
    }
    if (st->depth == MK_MAX_DEPTH) {
        fail(st, line, "elements nested more than %d deep", MK_MAX_DEPTH);
        return;
    }
    st->index[st->depth] = -1;
    if (up == E_NONE) {
        if (strcmp(el, "system") != 0) {
            fail(st, line, "the root element is <%s>; expected <system>", el);
            return;
        }
        static const char *const none[] = {NULL};
        if (!attrs_known(st, line, "system", atts, none)) {
            return;
        }
        kind = E_SYSTEM;
        st->seen_system = true;
    } else if (strcmp(el, "protection_domain") == 0 && (up == E_SYSTEM || up == E_PD)) {
        kind = E_PD;
        start_pd(st, line, atts, up == E_PD ? up_index : -1);
    } else if (strcmp(el, "memory_region") == 0 && up == E_SYSTEM) {
        kind = E_MR;
        start_mr(st, line, atts);
    } else if (strcmp(el, "channel") == 0 && up == E_SYSTEM) {
        static const char *const none[] = {NULL};
        kind = E_CHANNEL;
        if (attrs_known(st, line, "channel", atts, none)) {
            if (st->sys->nchs == MK_MAX_CHANNELS) {
                fail(st, line, "more than %d channels", MK_MAX_CHANNELS);
            } else {
                st->index[st->depth] = (int)st->sys->nchs;
                st->sys->ch[st->sys->nchs].line = line;
                st->sys->nchs++;
                st->ends[st->depth] = 0;
            }
        }
    } else if (strcmp(el, "end") == 0 && up == E_CHANNEL) {
        kind = E_END;
        start_end(st, line, atts, &st->sys->ch[up_index], &st->ends[st->depth - 1]);
    } else if (up == E_PD && strcmp(el, "program_image") == 0) {
        start_program_image(st, line, atts, &st->sys->pd[up_index]);
    } else if (up == E_PD && strcmp(el, "map") == 0) {
        start_map(st, line, atts, &st->sys->pd[up_index]);
    } else if (up == E_PD && strcmp(el, "irq") == 0) {
        start_irq(st, line, atts, &st->sys->pd[up_index]);
    } else if (up == E_PD && strcmp(el, "setvar") == 0) {
        start_setvar(st, line, atts, &st->sys->pd[up_index]);
    } else if (strcmp(el, "virtual_machine") == 0) {
        fail(st, line, "<virtual_machine>: virtual machines are not supported by KaaL");
    } else if (strcmp(el, "domain_schedule") == 0 || strcmp(el, "domain") == 0) {
        fail(st, line, "<%s>: scheduling domains are not supported by KaaL", el);
    } else if (strcmp(el, "ioport") == 0) {
        fail(st, line, "<ioport>: x86 I/O ports are not supported by KaaL");
    } else {
        fail(st, line, "<%s> is not allowed inside <%s>", el,
             up == E_SYSTEM ? "system" : up == E_PD ? "protection_domain" :
             up == E_CHANNEL ? "channel" : up == E_MR ? "memory_region" : "this element");
    }
    st->kind[st->depth] = kind;
    st->depth++;
}

static void on_end(void *data, const XML_Char *el)
{
    parse_state_t *st = data;
    (void)el;
    if (st->failed || st->depth == 0) {
        return;
    }
    st->depth--;
    int line = (int)XML_GetCurrentLineNumber(st->xp);
    int i = st->index[st->depth];
    if (st->kind[st->depth] == E_CHANNEL && i >= 0 && st->ends[st->depth] != 2) {
        fail(st, st->sys->ch[i].line, "<channel> needs exactly two <end>s, has %u",
             st->ends[st->depth]);
    } else if (st->kind[st->depth] == E_PD && i >= 0 && st->sys->pd[i].image[0] == '\0') {
        fail(st, st->sys->pd[i].line, "protection domain '%s' has no <program_image>",
             st->sys->pd[i].name);
    }
    (void)line;
}

/* ---- whole-file checks ------------------------------------------------- */

static int find_pd(const mk_system_t *sys, const char *name)
{
    for (unsigned i = 0; i < sys->npds; i++) {
        if (strcmp(sys->pd[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int find_mr(const mk_system_t *sys, const char *name)
{
    for (unsigned i = 0; i < sys->nmrs; i++) {
        if (strcmp(sys->mr[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int check_names(mk_system_t *sys, FILE *err)
{
    for (unsigned i = 0; i < sys->npds; i++) {
        int first = find_pd(sys, sys->pd[i].name);
        if (first != (int)i) {
            return check_fail(sys, err, sys->pd[i].line,
                              "protection domain name '%s' is already used at line %d",
                              sys->pd[i].name, sys->pd[first].line);
        }
    }
    for (unsigned i = 0; i < sys->nmrs; i++) {
        int first = find_mr(sys, sys->mr[i].name);
        if (first != (int)i) {
            return check_fail(sys, err, sys->mr[i].line,
                              "memory region name '%s' is already used at line %d",
                              sys->mr[i].name, sys->mr[first].line);
        }
    }
    return 0;
}

/* Per PD, one id space for channel ends and IRQs (the bit a notification
 * carries), one for children. used[] holds the line of each id's user. */
static int claim_id(const mk_system_t *sys, FILE *err, int used[MK_MAX_ID], unsigned id, int line,
                    const char *pd, const char *what)
{
    if (used[id] != 0) {
        return check_fail(sys, err, line, "protection domain '%s': %s id %u is already used at "
                          "line %d", pd, what, id, used[id]);
    }
    used[id] = line;
    return 0;
}

static int check_ids(mk_system_t *sys, FILE *err)
{
    static int used[MK_MAX_PDS][MK_MAX_ID];
    static int child[MK_MAX_PDS][MK_MAX_ID];
    memset(used, 0, sizeof used);
    memset(child, 0, sizeof child);
    for (unsigned c = 0; c < sys->nchs; c++) {
        mk_channel_t *ch = &sys->ch[c];
        for (unsigned k = 0; k < 2; k++) {
            mk_end_t *e = &ch->end[k];
            e->pd = find_pd(sys, e->pd_name);
            if (e->pd < 0) {
                return check_fail(sys, err, e->line, "<end>: no protection domain named '%s'",
                                  e->pd_name);
            }
            if (claim_id(sys, err, used[e->pd], e->id, e->line, e->pd_name, "channel") != 0) {
                return -1;
            }
        }
        if (ch->end[0].pd == ch->end[1].pd) {
            return check_fail(sys, err, ch->line, "<channel> connects '%s' to itself",
                              ch->end[0].pd_name);
        }
        for (unsigned k = 0; k < 2; k++) {
            const mk_end_t *caller = &ch->end[k];
            const mk_pd_t *callee = &sys->pd[ch->end[1 - k].pd];
            if (caller->pp && callee->priority <= sys->pd[caller->pd].priority) {
                return check_fail(sys, err, caller->line,
                                  "'%s' may call '%s' (pp) but the callee's priority %u is not "
                                  "higher than the caller's %u", caller->pd_name, callee->name,
                                  callee->priority, sys->pd[caller->pd].priority);
            }
        }
        if (ch->end[0].pp && ch->end[1].pp) {
            return check_fail(sys, err, ch->line, "<channel>: both ends have pp=\"true\"");
        }
    }
    for (unsigned p = 0; p < sys->npds; p++) {
        mk_pd_t *pd = &sys->pd[p];
        for (unsigned i = 0; i < pd->nirqs; i++) {
            if (claim_id(sys, err, used[p], pd->irq[i].id, pd->irq[i].line, pd->name, "irq") != 0) {
                return -1;
            }
        }
        if (pd->parent >= 0 &&
            claim_id(sys, err, child[pd->parent], pd->child_id, pd->line,
                     sys->pd[pd->parent].name, "child") != 0) {
            return -1;
        }
    }
    return 0;
}

static int check_irqs_and_maps(mk_system_t *sys, FILE *err)
{
    for (unsigned p = 0; p < sys->npds; p++) {
        mk_pd_t *pd = &sys->pd[p];
        for (unsigned i = 0; i < pd->nirqs; i++) {
            for (unsigned q = 0; q <= p; q++) {
                unsigned n = q == p ? i : sys->pd[q].nirqs;
                for (unsigned j = 0; j < n; j++) {
                    if (sys->pd[q].irq[j].irq == pd->irq[i].irq) {
                        return check_fail(sys, err, pd->irq[i].line,
                                          "irq %llu is already given to '%s' at line %d",
                                          (unsigned long long)pd->irq[i].irq, sys->pd[q].name,
                                          sys->pd[q].irq[j].line);
                    }
                }
            }
        }
        for (unsigned i = 0; i < pd->nmaps; i++) {
            mk_map_t *m = &pd->map[i];
            m->mr = find_mr(sys, m->mr_name);
            if (m->mr < 0) {
                return check_fail(sys, err, m->line, "<map>: no memory region named '%s'",
                                  m->mr_name);
            }
            const mk_mr_t *mr = &sys->mr[m->mr];
            if (m->vaddr % mr->page_size != 0) {
                return check_fail(sys, err, m->line, "<map> of '%s': vaddr 0x%llx is not aligned "
                                  "to the region's page size 0x%llx", mr->name,
                                  (unsigned long long)m->vaddr, (unsigned long long)mr->page_size);
            }
            for (unsigned j = 0; j < i; j++) {
                const mk_map_t *o = &pd->map[j];
                uint64_t osize = sys->mr[o->mr].size;
                if (m->vaddr < o->vaddr + osize && o->vaddr < m->vaddr + mr->size) {
                    return check_fail(sys, err, m->line, "<map> of '%s' at 0x%llx overlaps the map "
                                      "of '%s' at line %d", mr->name, (unsigned long long)m->vaddr,
                                      sys->mr[o->mr].name, o->line);
                }
            }
        }
        for (unsigned i = 0; i < pd->nsetvars; i++) {
            mk_setvar_t *s = &pd->setvar[i];
            s->region = find_mr(sys, s->region_name);
            if (s->region < 0) {
                return check_fail(sys, err, s->line, "<setvar>: no memory region named '%s'",
                                  s->region_name);
            }
        }
    }
    return 0;
}

static bool is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The image of pd through the search path; then every symbol the file
 * asks to set must be in it. */
static int check_image(mk_system_t *sys, mk_pd_t *pd, const char *const *search, unsigned nsearch,
                       FILE *err)
{
    if (strchr(pd->image, '/') != NULL || nsearch == 0) {
        snprintf(pd->image_found, sizeof pd->image_found, "%s", pd->image);
    } else {
        for (unsigned i = 0; i < nsearch && pd->image_found[0] == '\0'; i++) {
            char path[MK_PATH_MAX * 2];
            snprintf(path, sizeof path, "%s/%s", search[i], pd->image);
            if (is_file(path) && strlen(path) < sizeof pd->image_found) {
                strcpy(pd->image_found, path);
            }
        }
    }
    if (pd->image_found[0] == '\0' || !is_file(pd->image_found)) {
        return check_fail(sys, err, pd->image_line, "program image '%s' of '%s' not found%s",
                          pd->image, pd->name, nsearch > 0 ? " in the search path" : "");
    }
    const char *names[MK_MAX_SETVARS + 2 * MK_MAX_MAPS + MK_MAX_IRQS + 1];
    int lines[MK_MAX_SETVARS + 2 * MK_MAX_MAPS + MK_MAX_IRQS + 1];
    unsigned n = 0;
    for (unsigned i = 0; i < pd->nsetvars; i++) {
        names[n] = pd->setvar[i].symbol;
        lines[n++] = pd->setvar[i].line;
    }
    for (unsigned i = 0; i < pd->nmaps; i++) {
        if (pd->map[i].setvar_vaddr[0] != '\0') {
            names[n] = pd->map[i].setvar_vaddr;
            lines[n++] = pd->map[i].line;
        }
        if (pd->map[i].setvar_size[0] != '\0') {
            names[n] = pd->map[i].setvar_size;
            lines[n++] = pd->map[i].line;
        }
    }
    for (unsigned i = 0; i < pd->nirqs; i++) {
        if (pd->irq[i].setvar_id[0] != '\0') {
            names[n] = pd->irq[i].setvar_id;
            lines[n++] = pd->irq[i].line;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (!mk_elf_has_symbol(pd->image_found, names[i])) {
            return check_fail(sys, err, lines[i], "symbol '%s' not found in program image '%s'",
                              names[i], pd->image_found);
        }
    }
    return 0;
}

static int check_child_setvars(mk_system_t *sys, FILE *err)
{
    for (unsigned p = 0; p < sys->npds; p++) {
        mk_pd_t *pd = &sys->pd[p];
        if (pd->parent >= 0 && pd->setvar_id[0] != '\0' &&
            !mk_elf_has_symbol(sys->pd[pd->parent].image_found, pd->setvar_id)) {
            return check_fail(sys, err, pd->line, "symbol '%s' not found in program image '%s'",
                              pd->setvar_id, sys->pd[pd->parent].image_found);
        }
    }
    return 0;
}

int mk_sdf_parse(const char *path, const char *const *search, unsigned nsearch,
                 mk_system_t *sys, FILE *err)
{
    memset(sys, 0, sizeof *sys);
    sys->file = path;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(err, "%s: error: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    parse_state_t st = {.sys = sys, .err = err};
    st.xp = XML_ParserCreate(NULL);
    if (st.xp == NULL) {
        fclose(f);
        fprintf(err, "%s: error: out of memory\n", path);
        return -1;
    }
    XML_SetUserData(st.xp, &st);
    XML_SetElementHandler(st.xp, on_start, on_end);
    char buf[8192];
    bool done = false;
    while (!done && !st.failed) {
        size_t n = fread(buf, 1, sizeof buf, f);
        done = n < sizeof buf;
        if (XML_Parse(st.xp, buf, (int)n, done) == XML_STATUS_ERROR && !st.failed) {
            fprintf(err, "%s:%lu: error: %s\n", path, (unsigned long)XML_GetCurrentLineNumber(st.xp),
                    XML_ErrorString(XML_GetErrorCode(st.xp)));
            st.failed = true;
        }
    }
    XML_ParserFree(st.xp);
    fclose(f);
    if (st.failed) {
        return -1;
    }
    if (!st.seen_system) {
        fprintf(err, "%s:1: error: no <system> element\n", path);
        return -1;
    }
    if (check_names(sys, err) != 0 || check_ids(sys, err) != 0 ||
        check_irqs_and_maps(sys, err) != 0) {
        return -1;
    }
    for (unsigned p = 0; p < sys->npds; p++) {
        if (check_image(sys, &sys->pd[p], search, nsearch, err) != 0) {
            return -1;
        }
    }
    return check_child_setvars(sys, err);
}
