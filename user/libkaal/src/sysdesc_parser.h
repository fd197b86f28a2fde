/*
 * libkaal, private to the system description parser: the parser state and
 * the line-level helpers (sysdesc_line.c) that the keyword handlers
 * (sysdesc.c) use. Every helper that fails records "FILE:LINE: reason" in
 * sd->error and returns -1 (or a negative index).
 */
#ifndef KAAL_SYSDESC_PARSER_H
#define KAAL_SYSDESC_PARSER_H

#include <kaal/abi.h>
#include <kaal/sysdesc.h>

#define SD_MAX_TOKENS 16u
#define SD_PAGE 4096ull

/* Attributes (key=value) a keyword may take. */
enum sd_attr {
    A_ELF, A_PRIORITY, A_STACK, A_FAULT, A_FAULT_BADGE, A_SIZE, A_LINE, A_NOTIFY,
    A_BADGE, A_SLOT, A_VADDR, A_RIGHTS, A_ARG, A_PADDR, A_ON_FAULT, A_RESTARTS, A_CRITICAL,
    A_DONE, A_END, A_VERBOSE, A_SELFTEST, A_FILL, A_NUM,
};
extern const char *const sd_attr_name[A_NUM];

typedef struct sd_parser {
    kaal_sysdesc_t *sd;
    const char *file;
    uint32_t line;
    uint64_t vbase, vtop;
    char buf[KAAL_SD_LINE_MAX + 1u];
    char *tok[SD_MAX_TOKENS];
    unsigned ntok;
    const char *val[A_NUM]; /* values of the current line's attributes */
} sd_parser_t;

/* Strings. */
int sd_str_eq(const char *a, const char *b);
void sd_str_copy(char *dst, const char *src, size_t cap);
/* Record "FILE:LINE: reason[ 'arg']" and return -1. */
int sd_fail(sd_parser_t *p, const char *reason, const char *arg);
/* Copy line [s, s+n) into p->buf without its comment and cut it into
 * tokens. Returns 0 or -1 (too long, bad character, too many tokens). */
int sd_tokenize(sd_parser_t *p, const char *s, size_t n);
/* Read tokens [first, ntok) as key=value into p->val, accepting only the
 * attributes in mask (bit 1 << enum sd_attr). Returns 0 or -1. */
int sd_read_attrs(sd_parser_t *p, unsigned first, uint32_t mask);
/* Number attribute a in [lo, hi], or dflt if absent. Returns 0 or -1. */
int sd_attr_number(sd_parser_t *p, enum sd_attr a, uint64_t lo, uint64_t hi, uint64_t dflt,
                   uint64_t *out);
/* Attribute a is yes or no (dflt if absent): *out 1 or 0. Returns 0 or -1. */
int sd_attr_yes_no(sd_parser_t *p, enum sd_attr a, int dflt, uint8_t *out);
/* Rights letters R W G P among allowed (dflt if absent). Returns 0 or -1. */
int sd_attr_rights(sd_parser_t *p, uint32_t allowed, uint32_t dflt, uint32_t *out);
/* 1 if s is a well-formed name (is_file: an archive file name). */
int sd_name_ok(const char *s, int is_file);
/* tok is a fresh, well-formed name: 0, or -1. */
int sd_new_name(sd_parser_t *p, const char *tok);
/* Attribute a is present: 0, or -1. */
int sd_need(sd_parser_t *p, enum sd_attr a);
/* Index of the object name (declared earlier) of the given kind, or -1. */
int sd_ref_object(sd_parser_t *p, const char *name, kaal_sd_kind_t kind);

#endif
