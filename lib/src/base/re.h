#ifndef TCPL_RE_H
#define TCPL_RE_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include "tcpl/error.h"

/* PCRE2 patterns from data files: compiled once (UTF, UCP, JIT) when a
 * context-level object is built, then shared read-only by all threads; each
 * match uses the caller's match data.  Limits keep a hostile paragraph from
 * making a pattern run for long. */
#define TCPL_RE_MATCH_LIMIT 1000000 /* backtracking steps per match */
#define TCPL_RE_DEPTH_LIMIT 10000   /* backtracking depth per match */

typedef struct tcpl_re {
    pcre2_code *code;
} tcpl_re;

/* flags: extra PCRE2 compile options (e.g. PCRE2_CASELESS).  file/line name
 * the data file entry for the error. */
int tcpl_re_compile(tcpl_re *re, const char *pattern, unsigned flags, const char *file, int line,
                    tcpl_error *err);
/* The same without JIT, for a pattern matched a few times per document:
 * JIT-compiling costs more than it saves there (up to ~0.1 ms a pattern,
 * paid by every process). */
int tcpl_re_compile_nojit(tcpl_re *re, const char *pattern, unsigned flags, const char *file,
                          int line, tcpl_error *err);
void tcpl_re_free(tcpl_re *re);

/* Per-thread (or per-call) match state. */
typedef struct tcpl_match {
    pcre2_match_data *md;
    pcre2_match_context *mc;
} tcpl_match;

int tcpl_match_init(tcpl_match *m, size_t ovector_pairs);
void tcpl_match_free(tcpl_match *m);

/* Finds re in subject[start..len).  1 found, 0 not found, <0 error (limit).
 * After a hit, tcpl_match_group() gives group g's span (-1 start if unset). */
int tcpl_re_find(const tcpl_re *re, tcpl_match *m, const char *subject, size_t len, size_t start);
int tcpl_match_group(const tcpl_match *m, int g, size_t *start, size_t *end);
/* Group number of a named group, or -1. */
int tcpl_re_group_number(const tcpl_re *re, const char *name);

#endif
