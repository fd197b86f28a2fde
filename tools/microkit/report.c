/*
 * The `microkit` tool's report (-r): what each protection domain gets.
 * Plain text for people, as Microkit's own report is; not a format to parse.
 */
#include "sdf.h"

static void perms_string(unsigned p, char out[4])
{
    out[0] = (p & MK_PERM_R) ? 'r' : '-';
    out[1] = (p & MK_PERM_W) ? 'w' : '-';
    out[2] = (p & MK_PERM_X) ? 'x' : '-';
    out[3] = '\0';
}

static void report_pd(const mk_system_t *sys, unsigned p, FILE *out)
{
    const mk_pd_t *pd = &sys->pd[p];
    fprintf(out, "protection domain %s (line %d)\n", pd->name, pd->line);
    fprintf(out, "  priority %u, budget %llu us, period %llu us%s, stack 0x%llx\n", pd->priority,
            (unsigned long long)pd->budget_us, (unsigned long long)pd->period_us,
            pd->passive ? ", passive" : "", (unsigned long long)pd->stack_size);
    fprintf(out, "  image %s\n", pd->image_found[0] ? pd->image_found : pd->image);
    if (pd->parent >= 0) {
        fprintf(out, "  child of %s, id %u\n", sys->pd[pd->parent].name, pd->child_id);
    }
    for (unsigned c = 0; c < sys->nchs; c++) {
        for (unsigned k = 0; k < 2; k++) {
            const mk_end_t *e = &sys->ch[c].end[k];
            const mk_end_t *o = &sys->ch[c].end[1 - k];
            if (e->pd != (int)p) {
                continue;
            }
            fprintf(out, "  channel %u -> %s%s%s\n", e->id, o->pd_name,
                    e->notify ? " (may notify)" : "", e->pp ? " (may call pp)" : "");
        }
    }
    for (unsigned i = 0; i < pd->nirqs; i++) {
        fprintf(out, "  irq %llu as channel %u (%s)\n", (unsigned long long)pd->irq[i].irq,
                pd->irq[i].id, pd->irq[i].edge ? "edge" : "level");
    }
    for (unsigned i = 0; i < pd->nmaps; i++) {
        const mk_map_t *m = &pd->map[i];
        char pr[4];
        perms_string(m->perms, pr);
        fprintf(out, "  map %s at 0x%llx size 0x%llx %s%s\n", m->mr_name,
                (unsigned long long)m->vaddr, (unsigned long long)sys->mr[m->mr].size, pr,
                m->cached ? "" : " uncached");
    }
    for (unsigned i = 0; i < pd->nsetvars; i++) {
        fprintf(out, "  setvar %s = physical address of %s\n", pd->setvar[i].symbol,
                pd->setvar[i].region_name);
    }
}

void mk_sdf_report(const mk_system_t *sys, FILE *out)
{
    fprintf(out, "system %s: %u protection domains, %u memory regions, %u channels\n", sys->file,
            sys->npds, sys->nmrs, sys->nchs);
    for (unsigned p = 0; p < sys->npds; p++) {
        report_pd(sys, p, out);
    }
    for (unsigned i = 0; i < sys->nmrs; i++) {
        const mk_mr_t *mr = &sys->mr[i];
        fprintf(out, "memory region %s: size 0x%llx, pages of 0x%llx", mr->name,
                (unsigned long long)mr->size, (unsigned long long)mr->page_size);
        if (mr->fixed) {
            fprintf(out, ", at physical 0x%llx", (unsigned long long)mr->paddr);
        }
        if (mr->prefill[0] != '\0') {
            fprintf(out, ", prefilled from %s", mr->prefill);
        }
        fputc('\n', out);
    }
}
