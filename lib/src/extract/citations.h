#ifndef TCPL_CITATIONS_H
#define TCPL_CITATIONS_H
#include <stddef.h>

#include "base/vec.h"
#include "tcpl/context.h"
#include "tcpl/error.h"

/* Legal citations ("Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ
 * tướng Chính phủ", "Luật Phổ biến, giáo dục pháp luật năm 2012") found in
 * a block's text through checks/patterns/citations.yaml.  Forms and limits:
 * docs/units-and-citations.md. */

/* Longest number/symbol kept; real ones are under 40 bytes
 * ("01/2014/NQLT/CP-UBTƯMTTQVN"), a longer match is not a number. */
#define TCPL_CITE_NUMBER_MAX 64
/* An issuer of more words than this ran into the sentence: it is cut. */
#define TCPL_CITE_ISSUER_WORDS 16
/* Distinct documents one merge keeps (tcpl_citeset): a plan cites tens of
 * documents, a long legal text a few hundred.  Memory is bounded by this,
 * not by the number of mentions (mentions of a kept document always
 * merge). */
#define TCPL_CITATIONS_MERGE_MAX 4096

typedef struct tcpl_citer tcpl_citer;

typedef struct tcpl_citation {
    const char *kind;  /* canonical kind ("Quyết định"), borrowed from the citer */
    const char *src;   /* the text searched, borrowed from the caller; every span
                          below is a byte range of it */
    size_t start, end; /* the whole mention as printed */
    size_t number_start, number_end; /* number as printed; empty for a law cited by name */
    size_t name_start, name_end; /* a law's name ("Phổ biến, giáo dục pháp luật"); else empty */
    size_t date_start, date_end;       /* date text ("ngày 22/7/2021"); empty if none */
    size_t issuer_start, issuer_end;   /* text after "của"; empty if none */
    char number[TCPL_CITE_NUMBER_MAX]; /* number without whitespace; "" for a law by name */
    char date[11];                     /* ISO yyyy-mm-dd, "" if none or invalid */
    int date_invalid;                  /* a date was printed but is not a real day */
    int year;                          /* a law by name: its year; else 0 */
    int block;                         /* block index: set by the caller (find sets 0) */
    /* Set by tcpl_citations_merge (find sets 1, 0, 0): */
    unsigned mentions; /* mentions merged into this one */
    int first_block;   /* block of the first mention (array order) */
    int date_conflict; /* mentions gave two different valid dates */
} tcpl_citation;

/* Compiles checks/patterns/citations.yaml.  Read-only afterwards: one citer
 * serves any number of threads. */
struct tcpl_timeparser;
/* tp: the date parser to use (borrowed, must outlive the citer), or NULL
 * to build one. */
int tcpl_citer_new(tcpl_citer **out, const tcpl_ctx *ctx, const struct tcpl_timeparser *tp,
                   tcpl_error *err);
void tcpl_citer_free(tcpl_citer *c);

/* Finds the citations in s[0..len), in text order.  Writes at most max to
 * out; *count gets how many there are (more than max means some were left
 * out: that is no error).  0; TCPL_ERR_LIMIT only when a pattern hit its
 * limit (the text was not searched in full; what was found before is
 * written and counted); TCPL_ERR_NOMEM (with *count what was found so far);
 * TCPL_ERR_USAGE. */
int tcpl_citations_find(const tcpl_citer *c, const char *s, size_t len, tcpl_citation *out,
                        size_t max, size_t *count);

/* Merges mentions of the same document (same kind and number, compared
 * without case, whitespace or the '-'/'/' difference; for a law by name,
 * same name and year).  Each document keeps the fields of its fullest
 * mention (valid date, then issuer), in order of first mention; mentions,
 * first_block and date_conflict are filled.  In place: *out_n <= n.
 * Linear (a hash on the merge key).  0 or TCPL_ERR_NOMEM. */
int tcpl_citations_merge(tcpl_citation *v, size_t n, size_t *out_n);

/* The same merge, one mention at a time, so a document's mentions never
 * need to be held all at once: memory grows with the distinct documents
 * only, at most max of them.  The mentions' src strings must outlive the
 * set. */
typedef struct tcpl_citeset {
    tcpl_vec entries; /* internal entries, in order of first mention */
    size_t *slots;    /* hash slots: entry index + 1, 0 empty */
    size_t nslots;
    size_t max;
    size_t probes; /* hash probes so far (work counter for tests) */
} tcpl_citeset;

void tcpl_citeset_init(tcpl_citeset *s, size_t max);
/* 0 (added or merged); TCPL_ERR_LIMIT: a new document past max, left out
 * (mentions of kept ones still merge); TCPL_ERR_NOMEM. */
int tcpl_citeset_add(tcpl_citeset *s, const tcpl_citation *c);
size_t tcpl_citeset_count(const tcpl_citeset *s);
const tcpl_citation *tcpl_citeset_get(const tcpl_citeset *s, size_t i);
void tcpl_citeset_free(tcpl_citeset *s);

#endif
