/* The capability world as DOT (core/debug_dump.c, kaal-sim --dump-caps):
 * the root CNode's slots with type, rights and badge; a derivation edge
 * from an endpoint capability to its badged child; each capability's edge
 * to its object; threads by name; the object count equal to the kernel's
 * count; a buffer too small cut but measured; the same text twice. */
#include "thread_helpers.h"
#include "debug_dump.h"

#include <stdio.h>

static void setup(void) { thread_world_setup(); }

TestSuite(debug_dump, .init = setup);

static char text[1u << 20];

static word_t dump(debug_out_t *o)
{
    o->buf = text;
    o->size = sizeof(text);
    word_t n = debug_dump_caps(o);
    cr_assert_lt(o->len, o->size, "the dump fits %zu bytes", sizeof(text));
    return n;
}

static void id_of_slot(char *buf, size_t n, word_t cptr)
{
    snprintf(buf, n, "s_%lx", (unsigned long)hal_kvirt_to_phys(harness_slot(cptr)));
}

Test(debug_dump, slots_objects_derivation_and_names)
{
    word_t ep = mk_ep();
    word_t child = mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT, 0x42);
    th_t a = mk_thread(77);
    snprintf(a.t->name, sizeof(a.t->name), "dumped\"one");
    debug_out_t o;
    word_t objects = dump(&o);
    cr_assert_eq(strncmp(text, "digraph kaal_caps {\n", 20), 0);
    cr_assert_eq(strcmp(text + o.len - 2, "}\n"), 0);
    cr_assert_eq(objects, debug_count_objects());
    cr_assert_gt(objects, 3u);

    char ep_id[32], child_id[32], line[160];
    id_of_slot(ep_id, sizeof(ep_id), ep);
    id_of_slot(child_id, sizeof(child_id), child);
    snprintf(line, sizeof(line), "    %s [shape=box, label=\"%lu: endpoint RWGg\"];\n", ep_id,
             (unsigned long)ep);
    cr_assert(strstr(text, line) != NULL, "the endpoint slot: %s", line);
    snprintf(line, sizeof(line), "    %s [shape=box, label=\"%lu: endpoint -WG- badge 0x42\"];\n", child_id,
             (unsigned long)child);
    cr_assert(strstr(text, line) != NULL, "the badged child: %s", line);
    snprintf(line, sizeof(line), "  %s -> %s [color=blue];\n", ep_id, child_id);
    cr_assert(strstr(text, line) != NULL, "the derivation edge: %s", line);
    /* both caps name the one endpoint object, declared once */
    char obj[64];
    snprintf(obj, sizeof(obj), "o_endpoint_%lx", (unsigned long)cap_paddr(harness_slot(ep)->cap));
    snprintf(line, sizeof(line), "  %s -> %s [style=dashed", ep_id, obj);
    cr_assert(strstr(text, line) != NULL);
    snprintf(line, sizeof(line), "  %s -> %s [style=dashed", child_id, obj);
    cr_assert(strstr(text, line) != NULL);
    snprintf(line, sizeof(line), "  %s [shape=ellipse", obj);
    const char *first = strstr(text, line);
    cr_assert(first != NULL && strstr(first + 1, line) == NULL, "one node per object");
    /* the thread by name (the quote escaped), priority and state */
    cr_assert(strstr(text, "label=\"tcb 'dumped\\\"one'\\nprio 77, ") != NULL);
    cr_assert(strstr(text, "subgraph cluster_tcb_") != NULL);
}

/* A VSpace capability with an ASID shows it (the root task's VSpace). */
Test(debug_dump, vspace_slot_names_its_asid)
{
    cap_t vs = harness_slot(KAAL_CAP_INIT_VSPACE)->cap;
    cr_assert(cap_vspace_has_asid(vs));
    debug_out_t o;
    (void)dump(&o);
    char id[32], line[160];
    id_of_slot(id, sizeof(id), KAAL_CAP_INIT_VSPACE);
    snprintf(line, sizeof(line), "    %s [shape=box, label=\"%lu: vspace asid %lu\"];\n", id,
             (unsigned long)KAAL_CAP_INIT_VSPACE, (unsigned long)cap_vspace_asid(vs));
    cr_assert(strstr(text, line) != NULL, "the root VSpace slot: %s", line);
}

/* An untyped's object node names its address and its size, a frame's its
 * address and its page size, "_" between them (an untyped and its first
 * child untyped share the address, so the size tells the nodes apart and
 * must not run into the address). */
static void check_obj_node(word_t cptr, const char *want_obj)
{
    debug_out_t o;
    (void)dump(&o);
    char id[32], line[200];
    id_of_slot(id, sizeof(id), cptr);
    snprintf(line, sizeof(line), "  %s -> %s [style=dashed", id, want_obj);
    cr_assert(strstr(text, line) != NULL, "the object edge: %s", line);
    snprintf(line, sizeof(line), "  %s [shape=ellipse", want_obj);
    cr_assert(strstr(text, line) != NULL, "the object node: %s", line);
}

Test(debug_dump, untyped_and_frame_nodes_name_address_and_size)
{
    const kaal_bootinfo_t *bi = harness_bootinfo();
    char obj[64];
    word_t ut = bi->untyped.start;
    cap_t u = harness_slot(ut)->cap;
    cr_assert_eq(cap_type(u), CAP_UNTYPED);
    snprintf(obj, sizeof(obj), "o_untyped_%lx_%u", (unsigned long)cap_paddr(u),
             (unsigned)cap_untyped_bits(u));
    check_obj_node(ut, obj);
    word_t fr = bi->user_image_frames.start;
    cap_t f = harness_slot(fr)->cap;
    cr_assert_eq(cap_type(f), CAP_FRAME);
    snprintf(obj, sizeof(obj), "o_frame_%lx_4K", (unsigned long)cap_paddr(f));
    check_obj_node(fr, obj);
}

Test(debug_dump, small_buffer_is_cut_and_measured)
{
    debug_out_t o;
    (void)dump(&o);
    word_t full = o.len;
    static char copy[sizeof(text)];
    memcpy(copy, text, full + 1);
    char small[64];
    debug_out_t s = {.buf = small, .size = sizeof(small), .len = 0};
    (void)debug_dump_caps(&s);
    cr_assert_eq(s.len, full, "len counts the whole text");
    cr_assert_eq(strlen(small), sizeof(small) - 1);
    cr_assert_eq(strncmp(small, copy, sizeof(small) - 1), 0);
    (void)dump(&o);
    cr_assert_eq(strcmp(text, copy), 0, "the same state gives the same text");
    debug_out_t none = {.buf = NULL, .size = 0, .len = 0};
    (void)debug_dump_caps(&none);
    cr_assert_eq(none.len, full, "a size of 0 only measures");
}
