#ifndef TCPL_FILL_TEMPLATE_H
#define TCPL_FILL_TEMPLATE_H
#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/vec.h"
#include "tcpl/fill.h"

/* Limits of templates (docs/limits.md).  A real template has tens to a few
 * hundred tags and sections nested two or three deep. */
#define TCPL_TPL_MAX_TAGS 100000    /* tags in all parts: beyond is not a form */
#define TCPL_TPL_MAX_NESTING 32     /* sections open at once (also the fill's scope depth) */
#define TCPL_TPL_MAX_TAG_BYTES 1000 /* one tag's text: a name with filters, never a paragraph */
#define TCPL_TPL_MAX_PROBLEMS 1000  /* errors kept by lint; the rest are counted only */
#define TCPL_TPL_MAX_PART_BYTES                                                                    \
    ((size_t)64 << 20) /* one inflated template part (its tree is ~10x) */

/* Limits of filling: the data is untrusted like any input. */
#define TCPL_FILL_MAX_DATA_BYTES ((size_t)64 << 20) /* the JSON text */
#define TCPL_FILL_MAX_JSON_DEPTH 64                 /* nesting of the JSON data; real data: 3-5 */
#define TCPL_FILL_MAX_ITEMS 100000                  /* items of one array a section loops over */
#define TCPL_FILL_MAX_VALUE_BYTES ((size_t)1 << 20) /* one value's text (~500 pages) */
#define TCPL_FILL_MAX_PART_BYTES                                                                   \
    ((size_t)128 << 20)              /* one filled part, under the reader's 256 MB */
#define TCPL_FILL_MAX_STEPS 10000000 /* template operations run in one fill (nested loops) */

enum { TAG_VAR, TAG_OPEN, TAG_INV, TAG_CLOSE, TAG_COMMENT, TAG_DELIM };
enum { MODE_INLINE, MODE_PARA, MODE_ROW };
enum {
    FILTER_UPPER,
    FILTER_LOWER,
    FILTER_NGAY_VIET,
    FILTER_NGAY_SO,
    FILTER_SO_LA_MA,
    FILTER_DEFAULT
};

typedef struct tpl_filter {
    int kind;
    const char *arg; /* default:"..." */
} tpl_filter;

typedef struct tpl_tag {
    int kind;          /* TAG_* */
    int mode;          /* sections: MODE_* */
    const char *raw;   /* as written, delimiters included */
    const char *name;  /* the key path as written ("don_vi.ten", "."), "" for comments */
    const char **path; /* its segments; npath 0 for "." */
    size_t npath;
    tpl_filter *filters;
    size_t nfilters;
    const char *where;   /* "word/document.xml, đoạn 12 (bảng 1, hàng 2, ô 1)" */
    const char *context; /* the paragraph's text around the tag */
    const char *wpfx;    /* prefix of its w:t element ("w", or "" when none) */
    size_t pair;         /* sections: index of the other tag, (size_t)-1 none */
    /* compile time only */
    void *t;               /* xmlNodePtr of its w:t */
    void *p;               /* xmlNodePtr of its paragraph */
    size_t start, end;     /* byte range in the w:t's text once normalised */
    int alone;             /* the only thing in its paragraph */
    int para;              /* its paragraph's number in the part, for ordering messages */
    size_t next_t, next_m; /* 1 + next tag in the same w:t / marker list, 0 none */
} tpl_tag;

/* A template error and where it is, for sorting: part, paragraph, order found. */
typedef struct tpl_problem {
    tcpl_error e;
    unsigned long long key;
} tpl_problem;

enum { OP_LIT, OP_VAR, OP_BEGIN, OP_END };

typedef struct tpl_op {
    int kind;
    size_t a; /* LIT: offset in blob; others: tag index */
    size_t b; /* LIT: length; BEGIN: index of its END; END: index of its BEGIN */
} tpl_op;

typedef struct tpl_part {
    const char *name;
    tcpl_vec ops; /* tpl_op */
    tcpl_buf blob;
} tpl_part;

struct tcpl_template {
    char *name;
    void *data; /* the template package, its settings.xml already with w:updateFields:
                   the fills copy every part they do not fill from it */
    size_t len;
    tcpl_arena arena;
    tcpl_vec tags;        /* tpl_tag */
    tcpl_vec parts;       /* tpl_part */
    tcpl_vec problems;    /* tpl_problem, in document order once compiled */
    unsigned nparts_read; /* parts compiled so far (orders the problems) */
    size_t nproblems;     /* all found, also beyond TCPL_TPL_MAX_PROBLEMS */
    char *keys;           /* JSON skeleton */
    /* A writer (ooxml/writer.h) kept between fills so its deflate state is
     * not made again for every document: a fill takes it (atomic exchange
     * with NULL, so threads filling one template never share it) and puts
     * it back when done, or makes its own when another fill holds it. */
    _Atomic(struct tcpl_writer *) writer;
};

/* Internal: the compiler (compile.c) and the filler (run.c). */
int tpl_compile(struct tcpl_template *t, const tcpl_ctx *ctx, const tcpl_template_options *o,
                tcpl_error *err);
/* Fills from parsed data; allow: TCPL_FILL_* flags. */
int tpl_fill_json(void **out, size_t *len, const struct tcpl_template *t, const json_t *data,
                  unsigned flags, tcpl_error *err);
/* Filters (filters.c): applies f to s (NUL-terminated) into out; on a value
 * the filter cannot take, fills err (TCPL_ERR_DATA) with where/detail. */
int tpl_filter_apply(tcpl_buf *out, const tpl_filter *f, const char *s, const tpl_tag *tag,
                     const char *file, tcpl_error *err);
/* "2026-03-31" -> "31/3/2026" (NĐ 30: a leading zero for a day below 10
 * and the months 1 and 2); anything else is copied as it is. */
void fill_vn_date(const char *iso, char *out, size_t size);
/* The filter named name (n bytes), -1 if none. */
int tpl_filter_kind(const char *name, size_t n);

/* Merges the JSON object meta_json over o, key by key (objects one level
 * deep): a user's own data over a drafted one.  0, or TCPL_ERR_DATA for
 * JSON that is not an object (err names line and column). */
int fill_merge_meta(json_t *o, const char *meta_json, tcpl_error *err);

/* Calls take(ud, array) for every "findings" array in json (len bytes): the
 * output of `tcpl check --format json` (one object or JSON Lines) or of
 * `tcpl dossier --format json`.  *documents: the arrays found.  Bad JSON or
 * no "findings" anywhere: TCPL_ERR_DATA (conclude.c). */
int fill_findings_walk(const char *json, size_t len, int (*take)(void *, json_t *, tcpl_error *),
                       void *ud, size_t *documents, tcpl_error *err);

#endif
