#ifndef TCPL_RE_H
#define TCPL_RE_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include "tcpl/error.h"

/* PCRE2 patterns from data files: compiled once (UTF, UCP, JIT) when a
 * context-level object is built, then shared read-only by all threads; each
 * match uses the caller's match data.
 *
 * Limits keep a hostile paragraph from making a pattern run for long; every
 * match goes through the match context of its tcpl_match, which carries
 * them.  PCRE2 counts the match limit afresh at every start position of an
 * unanchored search, so the limits bound one attempt, not a whole search:
 * the patterns themselves must not backtrack over long runs (possessive
 * quantifiers, atomic groups; docs/time-expressions.md), and the subject
 * searched is bounded by TCPL_RE_SUBJECT_MAX.
 *   - match limit: interpreter and JIT (JIT counts differently but stops);
 *   - depth and heap limits: the interpreter only (the JIT ignores them; its
 *     stack is PCRE2's default 32 KB machine stack, which ends in
 *     PCRE2_ERROR_JIT_STACKLIMIT instead of growing). */
#define TCPL_RE_MATCH_LIMIT 1000000 /* backtracking steps per start position */
#define TCPL_RE_DEPTH_LIMIT 10000   /* nested backtracking points per match */
#define TCPL_RE_HEAP_LIMIT 16384    /* KiB of backtracking frames per match (16 MB) */
/* Bytes of one subject searched.  Real paragraphs are a few KB (a whole
 * legal article pasted as one paragraph, under 20 KB); past this only the
 * first TCPL_RE_SUBJECT_MAX bytes are searched (cut at a character
 * boundary), so one 4 MB paragraph cannot cost 4 MB per pattern per start
 * position.  A match that would need text past the cut is not found
 * (partial matching, so a pattern ending in \z or $ does not match at the
 * cut).  The extractor warns about such lines ("line_long"). */
#define TCPL_RE_SUBJECT_MAX (64u << 10)

/* Subject bytes a lazily compiled pattern (tcpl_re_compile_lazy) is
 * searched by the interpreter before it is JIT-compiled.  JIT-compiling a
 * large pattern (the header date's alternatives, with their Unicode classes)
 * costs about 8 M instructions, some 2 ms; the interpreter costs 300-400
 * instructions per subject byte on such a pattern, so after 16 KB the
 * compile has paid for itself: one document with a real header (a few
 * short lines) never pays it, a batch pays it once. */
#define TCPL_RE_LAZY_JIT_BYTES (16u << 10)

struct tcpl_re_lazy;

typedef struct tcpl_re {
    pcre2_code *code;
    /* tcpl_re_compile_lazy only: the JIT-compiled copy once made (atomic:
     * the pattern is shared by threads), and the bytes searched until then.
     * A tcpl_re is not copied by value. */
    struct tcpl_re_lazy *lazy;
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
/* The interpreter first, JIT-compiled (a copy, made once, by whichever
 * thread passes the mark) after TCPL_RE_LAZY_JIT_BYTES of subject: for a
 * pattern searched a few times in an ordinary document but over every line
 * of some (the header date of a document without a header).  Matches are the
 * same either way. */
int tcpl_re_compile_lazy(tcpl_re *re, const char *pattern, unsigned flags, const char *file,
                         int line, tcpl_error *err);
void tcpl_re_free(tcpl_re *re);
/* 1 when matches run JIT-compiled code (tcpl_re_compile whose JIT compile
 * worked, or a lazy pattern past its mark), else 0. */
int tcpl_re_is_jit(const tcpl_re *re);

/* Per-thread (or per-call) match state. */
typedef struct tcpl_match {
    pcre2_match_data *md;
    pcre2_match_context *mc; /* the limits above; passed to every pcre2_match */
    /* Work done through this match state (read by tests to assert bounded
     * work): pcre2_match calls, and subject bytes handed to them. */
    unsigned long calls;
    unsigned long long bytes;
} tcpl_match;

int tcpl_match_init(tcpl_match *m, size_t ovector_pairs);
void tcpl_match_free(tcpl_match *m);

/* Finds re in subject[start..len) (len cut to TCPL_RE_SUBJECT_MAX).  1
 * found, 0 not found, TCPL_ERR_LIMIT when the match, depth, heap or JIT stack
 * limit was hit (the caller reports it and goes on: the text was not
 * searched in full), TCPL_ERR_NOMEM, TCPL_ERR_INTERNAL for any other PCRE2
 * error.  After a hit, tcpl_match_group() gives group g's span (-1 start if
 * unset). */
int tcpl_re_find(const tcpl_re *re, tcpl_match *m, const char *subject, size_t len, size_t start);
int tcpl_match_group(const tcpl_match *m, int g, size_t *start, size_t *end);
/* Group number of a named group, or -1. */
int tcpl_re_group_number(const tcpl_re *re, const char *name);
/* The length of s[0..len) that is searched: len, or TCPL_RE_SUBJECT_MAX
 * moved back to the start of a UTF-8 character. */
size_t tcpl_re_subject_len(const char *s, size_t len);

#endif
