#ifndef TCPL_EXTRACT_INTERNAL_H
#define TCPL_EXTRACT_INTERNAL_H
#include "base/arena.h"
#include "base/buf.h"
#include "base/re.h"
#include "base/vec.h"
#include "extract/citations.h"
#include "extract/timeexpr.h"
#include "extract/units.h"
#include "tcpl/extract.h"

/* Work one extraction did, counted so tests can assert it stays linear in
 * the input (tests/test_pathological.c); not part of the public API. */
typedef struct tcpl_xwork {
    size_t lines;                /* lines built */
    size_t lines_dropped;        /* past TCPL_MAX_LINES */
    size_t run_visits;           /* runs looked at to tell bold lines */
    unsigned long re_calls;      /* pcre2_match calls through the job's match state */
    unsigned long long re_bytes; /* subject bytes handed to them */
    size_t mentions;             /* citation mentions found */
    size_t citations_kept;       /* distinct citations kept in the merge table */
    size_t merge_probes;         /* hash probes merging mentions */
} tcpl_xwork;

/* The result of one extraction: everything in one arena. */
struct tcpl_extraction {
    tcpl_arena arena;
    int nomem; /* an arena copy failed */
    tcpl_xmeta meta;
    tcpl_xcitation *citations;
    size_t ncitations;
    tcpl_xsection *sections; /* document order; parent by index */
    size_t nsections;
    tcpl_xactivity *activities;
    size_t nactivities;
    tcpl_xdeadline *deadlines;
    size_t ndeadlines;
    const char **recipients;
    size_t nrecipients;
    tcpl_xsigner signer;
    tcpl_vec diags; /* of tcpl_xdiag */
    tcpl_xwork work;
};

/* Diagnostics kept per document; past this one last "diags_cut" says so
 * (a hostile file must not make the warning list itself unbounded). */
#define TCPL_MAX_DIAGS 200

/* Lines of the header searched for the kind ("KẾ HOẠCH"): the header block
 * is a few lines; a document without a kind line is read as body text. */
#define TCPL_HEADER_LINES 40
/* Title lines under the kind: real summaries take one to three. */
#define TCPL_TITLE_LINES 5
/* A title line is searched for a basis run into it ("... năm 2026 Thực
 * hiện Kết luận số ...") only up to this length: each word start is tried,
 * and a real title with its basis is a few hundred bytes. */
#define TCPL_TITLE_RUNON_MAX 2000
/* Units per field and citations per paragraph kept; more are cut. */
#define TCPL_MAX_UNITS 64
#define TCPL_MAX_CITES_PER_LINE 64
#define TCPL_MAX_DEADLINES_PER_LINE 16
/* Lines searched for the signature block at the end. */
#define TCPL_SIGNER_LINES 40
/* A signature line is a few words; longer lines are not searched for
 * roles (the search tries every word start). */
#define TCPL_SIGNER_LINE_MAX 300

enum { NFIELDS = 6 };

typedef struct label_def {
    unsigned field; /* TCPL_FIELD_* */
    int strict;     /* needs a colon */
} label_def;

struct tcpl_extractor {
    tcpl_arena arena;
    tcpl_timeparser *tp;
    tcpl_units *units;
    tcpl_citer *citer;
    const char **kinds; /* longest first */
    size_t nkinds;
    tcpl_re motto, slogan, number, basis, separator;
    tcpl_re lab_roman, lab_decimal, lab_letter, lab_activity, lab_bullet;
    tcpl_re fields_at, subheading, remediation_title;
    tcpl_re recipients, signer_capacity, signer_deputy, signer_title, signer_skip;
    label_def *labels; /* by capture group number of fields_at */
    int nlabels;
    unsigned required_plan, required_remediation;
    const char *activity_prefix; /* "HĐ" */
};
/* ---- lines: the body as the extractor sees it ----------------------- */

typedef enum { LAB_NONE, LAB_ROMAN, LAB_DECIMAL, LAB_LETTER, LAB_ACTIVITY, LAB_BULLET } lab_kind;

typedef struct line {
    int block;
    const char *text; /* after the label; not NUL-terminated */
    size_t len;
    const char *full; /* the whole line, label included (typed labels) */
    size_t full_len;
    char label[40];
    lab_kind lab;
    int depth; /* decimal components */
    int auto_label;
    int table, row, col;
    tcpl_align align;
    int bold; /* every run bold */
} line;

typedef struct job {
    const tcpl_extractor *ex;
    const tcpl_doc *doc;
    tcpl_extraction *x;
    tcpl_error *err;
    tcpl_match m;
    line *lines;
    size_t n, cap;
} job;

/* Shared by the phases (lines.c, header.c, body.c, closing.c). */
int xt_is_space_byte(char c);
void xt_trim(const char **s, size_t *len);
/* 1 found, 0 not; a pattern limit becomes a "pattern_limit" diagnostic and
 * counts as not found; out of memory is kept for the driver (x->nomem). */
int xt_find(job *j, const tcpl_re *re, const char *s, size_t len);
/* A status from a search of text s: rc >= 0 as is; TCPL_ERR_NOMEM filled
 * into j->err and returned; any other error (a limit) recorded as a
 * "pattern_limit" diagnostic, then 0: the caller goes on.  Whenever it
 * returns a negative status it also sets x->nomem, so a caller that can
 * only test "> 0" (header date, time field) still fails the extraction. */
int xt_re_status(job *j, int rc, const char *s);
size_t xt_group_end(job *j, int g);
char *xt_dup(job *j, const char *s, size_t n);
char *xt_dupz(job *j, const char *s);
int xt_is_upper_line(const char *s, size_t len);
void xt_join(tcpl_buf *b, const char *s, size_t n, const char *sep);
/* Records a diagnostic (code as in tcpl_xdiag, detail printf-style); 0, or
 * TCPL_ERR_NOMEM filled into j->err. */
int xt_warn(job *j, const char *code, int block, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The phases, in the order the driver runs them. */
int xt_build_lines(job *j);                                /* lines.c */
size_t xt_read_header(job *j);                             /* header.c: first body line */
size_t xt_find_recipients(job *j, size_t from);            /* closing.c */
int xt_read_body(job *j, size_t from, size_t to);          /* body.c */
int xt_read_citations(job *j, size_t from);                /* body.c */
int xt_read_deadlines(job *j, size_t from, size_t to);     /* body.c */
int xt_read_closing(job *j, size_t rec, size_t body_from); /* closing.c */

#endif
