/*
 * libkaal: the system description parser, line level (sysdesc_parser.h):
 * cutting a line into tokens, key=value attributes, numbers, rights,
 * names, the "FILE:LINE: reason" error text, and the table lookups.
 */
#include "sysdesc_parser.h"

const char *const sd_attr_name[A_NUM] = {
    "elf", "priority", "stack", "fault", "fault_badge", "size", "line", "notify",
    "badge", "slot", "vaddr", "rights", "arg", "paddr", "on_fault", "restarts", "critical",
    "done", "end", "verbose", "selftest", "fill",
};

/* ---- small string helpers (freestanding) ------------------------------- */

int sd_str_eq(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] != '\0' && a[i] == b[i]) {
        i++;
    }
    return a[i] == b[i];
}

/* Copy NUL-terminated src into dst of cap bytes (cap >= 1), truncating. */
void sd_str_copy(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    while (i + 1u < cap && src[i] != '\0') {
        dst[i] = src[i];
        i++;
    }
    dst[i] = '\0';
}

/* Append s to the error text at *pos (bounded by KAAL_SD_ERROR_MAX). */
static void err_put(kaal_sysdesc_t *sd, size_t *pos, const char *s)
{
    while (*s != '\0' && *pos + 1u < KAAL_SD_ERROR_MAX) {
        sd->error[(*pos)++] = *s++;
    }
    sd->error[*pos] = '\0';
}

static void err_put_uint(kaal_sysdesc_t *sd, size_t *pos, uint64_t v)
{
    char digits[24];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof(digits) - 1u);
    char out[24];
    for (unsigned i = 0; i < n; i++) {
        out[i] = digits[n - 1u - i];
    }
    out[n] = '\0';
    err_put(sd, pos, out);
}

/* Record "FILE:LINE: reason[ 'arg']" and return -1. */
int sd_fail(sd_parser_t *p, const char *reason, const char *arg)
{
    size_t pos = 0;
    err_put(p->sd, &pos, p->file);
    err_put(p->sd, &pos, ":");
    err_put_uint(p->sd, &pos, p->line);
    err_put(p->sd, &pos, ": ");
    err_put(p->sd, &pos, reason);
    if (arg != NULL) {
        err_put(p->sd, &pos, " '");
        err_put(p->sd, &pos, arg);
        err_put(p->sd, &pos, "'");
    }
    return -1;
}

/* ---- values -------------------------------------------------------------- */

/* Decimal or 0x-hexadecimal, no sign, no overflow. Returns 0 or -1. */
static int parse_number(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0') {
        return -1;
    }
    for (unsigned i = 0; s[i] != '\0'; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = (unsigned)(c - 'A' + 10);
        } else {
            return -1;
        }
        if (v > (UINT64_MAX - d) / base) {
            return -1;
        }
        v = v * base + d;
    }
    *out = v;
    return 0;
}

/* Number attribute a in [lo, hi], or dflt if absent. Returns 0 or -1. */
int sd_attr_number(sd_parser_t *p, enum sd_attr a, uint64_t lo, uint64_t hi, uint64_t dflt,
                   uint64_t *out)
{
    if (p->val[a] == NULL) {
        *out = dflt;
        return 0;
    }
    if (parse_number(p->val[a], out) != 0) {
        return sd_fail(p, "bad number", p->val[a]);
    }
    if (*out < lo || *out > hi) {
        /* "FILE:LINE: ATTR out of range LO..HI 'VALUE'" */
        (void)sd_fail(p, sd_attr_name[a], NULL);
        size_t pos = 0;
        while (pos + 1u < KAAL_SD_ERROR_MAX && p->sd->error[pos] != '\0') {
            pos++;
        }
        err_put(p->sd, &pos, " out of range ");
        err_put_uint(p->sd, &pos, lo);
        err_put(p->sd, &pos, "..");
        err_put_uint(p->sd, &pos, hi);
        err_put(p->sd, &pos, " '");
        err_put(p->sd, &pos, p->val[a]);
        err_put(p->sd, &pos, "'");
        return -1;
    }
    return 0;
}

int sd_attr_yes_no(sd_parser_t *p, enum sd_attr a, int dflt, uint8_t *out)
{
    const char *s = p->val[a];
    if (s == NULL) {
        *out = (uint8_t)(dflt != 0);
        return 0;
    }
    if (!sd_str_eq(s, "yes") && !sd_str_eq(s, "no")) {
        (void)sd_fail(p, sd_attr_name[a], NULL);
        size_t pos = 0;
        while (pos + 1u < KAAL_SD_ERROR_MAX && p->sd->error[pos] != '\0') {
            pos++;
        }
        err_put(p->sd, &pos, " is yes or no, not '");
        err_put(p->sd, &pos, s);
        err_put(p->sd, &pos, "'");
        return -1;
    }
    *out = (uint8_t)sd_str_eq(s, "yes");
    return 0;
}

/* Rights letters R W G P; allowed is the set of letters this grant may use. */
int sd_attr_rights(sd_parser_t *p, uint32_t allowed, uint32_t dflt, uint32_t *out)
{
    const char *s = p->val[A_RIGHTS];
    if (s == NULL) {
        *out = dflt;
        return 0;
    }
    uint32_t r = 0;
    for (unsigned i = 0; s[i] != '\0'; i++) {
        uint32_t bit = s[i] == 'R' ? KAAL_RIGHT_READ : s[i] == 'W' ? KAAL_RIGHT_WRITE
                     : s[i] == 'G' ? KAAL_RIGHT_GRANT : s[i] == 'P' ? KAAL_RIGHT_GRANT_REPLY : 0u;
        if (bit == 0 || (bit & allowed) == 0 || (r & bit) != 0) {
            return sd_fail(p, "bad rights", s);
        }
        r |= bit;
    }
    if (r == 0) {
        return sd_fail(p, "bad rights", s);
    }
    *out = r;
    return 0;
}

/* A name: letter or '_', then letters, digits, '_' or '-'; elf names may
 * also hold '.' and '/'. At most KAAL_SD_NAME_MAX characters. */
int sd_name_ok(const char *s, int is_file)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        int other = (c >= '0' && c <= '9') || c == '-' || (is_file && (c == '.' || c == '/'));
        if (!(alpha || (n > 0 && other) || (is_file && other))) {
            return 0;
        }
    }
    return n > 0 && n <= KAAL_SD_NAME_MAX;
}

/* ---- lines --------------------------------------------------------------- */

/* Copy line [s, s+n) into p->buf without its comment and cut it into
 * tokens. Returns 0 or -1 (too long, bad character, too many tokens). */
int sd_tokenize(sd_parser_t *p, const char *s, size_t n)
{
    if (n > KAAL_SD_LINE_MAX) {
        return sd_fail(p, "line too long (limit 200 characters)", NULL);
    }
    size_t len = 0;
    for (; len < n && s[len] != '#'; len++) {
        char c = s[len];
        if (c == '\t' || c == '\r') {
            c = ' ';
        } else if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e) {
            return sd_fail(p, "unexpected character", NULL);
        }
        p->buf[len] = c;
    }
    p->buf[len] = '\0';
    p->ntok = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && p->buf[i] == ' ') {
            p->buf[i++] = '\0';
        }
        if (i == len) {
            break;
        }
        if (p->ntok == SD_MAX_TOKENS) {
            return sd_fail(p, "too many fields", NULL);
        }
        p->tok[p->ntok++] = &p->buf[i];
        while (i < len && p->buf[i] != ' ') {
            i++;
        }
    }
    return 0;
}

/* Read tokens [first, ntok) as key=value pairs into p->val, accepting only
 * the attributes in mask. Returns 0 or -1. */
int sd_read_attrs(sd_parser_t *p, unsigned first, uint32_t mask)
{
    for (unsigned a = 0; a < A_NUM; a++) {
        p->val[a] = NULL;
    }
    for (unsigned i = first; i < p->ntok; i++) {
        char *t = p->tok[i];
        char *eq = t;
        while (*eq != '\0' && *eq != '=') {
            eq++;
        }
        if (*eq != '=' || eq == t || eq[1] == '\0') {
            return sd_fail(p, "expected key=value, got", t);
        }
        *eq = '\0';
        unsigned a = 0;
        while (a < A_NUM && !sd_str_eq(sd_attr_name[a], t)) {
            a++;
        }
        if (a == A_NUM || (mask & (1u << a)) == 0) {
            return sd_fail(p, "unknown attribute", t);
        }
        if (p->val[a] != NULL) {
            return sd_fail(p, "duplicate attribute", t);
        }
        p->val[a] = eq + 1;
    }
    return 0;
}

/* Check that tok is a fresh, well-formed name. */
int sd_new_name(sd_parser_t *p, const char *tok)
{
    if (!sd_name_ok(tok, 0)) {
        return sd_fail(p, "bad name", tok);
    }
    if (sd_str_eq(tok, "loader") || sd_str_eq(tok, "none") || sd_str_eq(tok, "platform")) {
        return sd_fail(p, "reserved name", tok); /* values of fault=, the platform grant */
    }
    if (kaal_sysdesc_find_program(p->sd, tok) >= 0 || kaal_sysdesc_find_object(p->sd, tok) >= 0) {
        return sd_fail(p, "duplicate name", tok);
    }
    return 0;
}

int sd_need(sd_parser_t *p, enum sd_attr a)
{
    return p->val[a] != NULL ? 0 : sd_fail(p, "missing attribute", sd_attr_name[a]);
}

/* An object reference of the given kind (declared earlier). Returns its
 * index or -1 (error recorded). */
int sd_ref_object(sd_parser_t *p, const char *name, kaal_sd_kind_t kind)
{
    int i = kaal_sysdesc_find_object(p->sd, name);
    if (i < 0) {
        return sd_fail(p, "unknown object", name);
    }
    if (p->sd->object[i].kind != kind) {
        return sd_fail(p, kind == KAAL_SD_ENDPOINT ? "not an endpoint" : "not a notification", name);
    }
    return i;
}

/* ---- lookups (kaal/sysdesc.h) -------------------------------------------- */

int kaal_sysdesc_find_program(const kaal_sysdesc_t *sd, const char *name)
{
    for (unsigned i = 0; i < sd->nprograms; i++) {
        if (sd_str_eq(sd->program[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}

int kaal_sysdesc_find_object(const kaal_sysdesc_t *sd, const char *name)
{
    for (unsigned i = 0; i < sd->nobjects; i++) {
        if (sd_str_eq(sd->object[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}

const char *kaal_sysdesc_kind_name(kaal_sd_kind_t kind)
{
    switch (kind) {
    case KAAL_SD_ENDPOINT:
        return "endpoint";
    case KAAL_SD_NOTIFICATION:
        return "notification";
    case KAAL_SD_MEMORY:
        return "memory";
    case KAAL_SD_IRQ:
        return "irq";
    case KAAL_SD_TCB:
        return "tcb";
    case KAAL_SD_DEVICE:
        return "device";
    case KAAL_SD_PLATFORM:
        return "platform";
    }
    return "unknown";
}
