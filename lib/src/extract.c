/* Extraction: the document model -> metadata, sections, activities,
 * citations, deadlines, recipients and signer.  Every phrase it looks for
 * comes from checks/patterns/structure.yaml; dates, units and citations go
 * through their own parsers (timeexpr.c, units.c, citations.c).  Nothing here
 * reads XML: it works on the blocks of tcpl_doc only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "arena.h"
#include "buf.h"
#include "citations.h"
#include "data.h"
#include "err.h"
#include "extract_internal.h"
#include "re.h"
#include "timeexpr.h"
#include "units.h"

#define STRUCT_FILE "patterns/structure.yaml"

/* Lines of the header searched for the kind ("KẾ HOẠCH"): the header block
 * is a few lines; a document without a kind line is read as body text. */
#define TCPL_HEADER_LINES 40
/* Title lines under the kind: real summaries take one to three. */
#define TCPL_TITLE_LINES 5
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
static const char *const field_names[NFIELDS] = {"lead",    "support", "time",
                                                 "product", "cause",   "solution"};

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

const char *tcpl_field_name(unsigned bit)
{
    for (int i = 0; i < NFIELDS; i++)
        if (bit == (1u << i))
            return field_names[i];
    return "";
}

/* ---- building the extractor from data ----------------------------- */

static int compile(tcpl_extractor *ex, tcpl_yaml *y, const char *key, tcpl_re *re, unsigned flags,
                   tcpl_error *err)
{
    yaml_node_t *n = tcpl_yaml_get(y, tcpl_yaml_root(y), key);
    const char *p = tcpl_yaml_str(n);
    (void)ex;
    if (!p)
        return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", STRUCT_FILE, NULL,
                        "missing key '%s'", key);
    return tcpl_re_compile(re, p, flags, STRUCT_FILE, tcpl_yaml_line(n), err);
}

static int cmp_len_desc(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

typedef struct label_src {
    const char *text;
    unsigned field;
    int strict;
} label_src;

static int cmp_label(const void *a, const void *b)
{
    size_t la = strlen(((const label_src *)a)->text), lb = strlen(((const label_src *)b)->text);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

/* One regex with every field label as its own group, longest first, so
 * "Thời gian thực hiện" wins over "Thời gian". */
static int build_fields(tcpl_extractor *ex, tcpl_yaml *y, tcpl_error *err)
{
    yaml_node_t *fields = tcpl_yaml_get(y, tcpl_yaml_root(y), "fields");
    label_src *src = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    tcpl_buf re;
    tcpl_buf_init(&re);
    if (!fields)
        return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", STRUCT_FILE, NULL,
                        "missing key 'fields'");
    for (int f = 0; f < NFIELDS; f++) {
        yaml_node_t *def = tcpl_yaml_get(y, fields, field_names[f]);
        for (int strict = 0; strict < 2; strict++) {
            yaml_node_t *list = tcpl_yaml_get(y, def, strict ? "strict" : "loose");
            for (size_t i = 0; i < tcpl_yaml_len(list); i++) {
                const char *t = tcpl_yaml_str(tcpl_yaml_item(y, list, i));
                if (!t || !*t)
                    continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    label_src *s2 = realloc(src, cap * sizeof *s2);
                    if (!s2) {
                        rc = TCPL_NOMEM(err, STRUCT_FILE);
                        goto out;
                    }
                    src = s2;
                }
                src[n++] = (label_src){t, 1u << f, strict};
            }
        }
    }
    if (n == 0) {
        rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", STRUCT_FILE, NULL, "no field labels");
        goto out;
    }
    qsort(src, n, sizeof *src, cmp_label);
    ex->labels = tcpl_arena_alloc(&ex->arena, (n + 1) * sizeof *ex->labels);
    if (!ex->labels) {
        rc = TCPL_NOMEM(err, STRUCT_FILE);
        goto out;
    }
    ex->nlabels = (int)n;
    tcpl_buf_puts(&re, "^(?i:");
    for (size_t i = 0; i < n; i++) {
        if (i)
            tcpl_buf_putc(&re, '|');
        tcpl_buf_putc(&re, '(');
        for (const char *p = src[i].text; *p; p++) {
            if (*p == ' ')
                tcpl_buf_puts(&re, "\\s+");
            else if (strchr("\\^$.|?*+()[]{}", *p)) {
                tcpl_buf_putc(&re, '\\');
                tcpl_buf_putc(&re, *p);
            } else
                tcpl_buf_putc(&re, *p);
        }
        tcpl_buf_putc(&re, ')');
        ex->labels[i + 1] = (label_def){src[i].field, src[i].strict};
    }
    /* A label ends at a word boundary. */
    tcpl_buf_puts(&re, ")(?![\\p{L}\\p{N}])");
    if (!tcpl_buf_ok(&re)) {
        rc = TCPL_NOMEM(err, STRUCT_FILE);
        goto out;
    }
    rc = tcpl_re_compile(&ex->fields_at, re.data, 0, STRUCT_FILE, 0, err);
out:
    free(src);
    tcpl_buf_free(&re);
    return rc;
}

static int field_set(tcpl_yaml *y, const char *key, unsigned *out, tcpl_error *err)
{
    yaml_node_t *list = tcpl_yaml_get(y, tcpl_yaml_root(y), key);
    *out = 0;
    for (size_t i = 0; i < tcpl_yaml_len(list); i++) {
        const char *t = tcpl_yaml_str(tcpl_yaml_item(y, list, i));
        int found = 0;
        for (int f = 0; t && f < NFIELDS; f++)
            if (!strcmp(t, field_names[f])) {
                *out |= 1u << f;
                found = 1;
            }
        if (!found)
            return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", STRUCT_FILE, NULL,
                            "%s: unknown field '%s'", key, t ? t : "?");
    }
    return 0;
}

int tcpl_extractor_new(tcpl_extractor **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    int rc = 0;
    tcpl_yaml y;
    memset(&y, 0, sizeof y);
    *out = NULL;
    tcpl_extractor *ex = calloc(1, sizeof *ex);
    if (!ex)
        return TCPL_NOMEM(err, NULL);
    tcpl_arena_init(&ex->arena);
    TCPL_CHECK(tcpl_timeparser_new(&ex->tp, ctx, err));
    TCPL_CHECK(tcpl_units_new(&ex->units, ctx, err));
    TCPL_CHECK(tcpl_citer_new(&ex->citer, ctx, ex->tp, err)); /* one date parser for both */
    TCPL_CHECK(tcpl_yaml_load(&y, ctx, STRUCT_FILE, err));
    {
        yaml_node_t *kinds = tcpl_yaml_get(&y, tcpl_yaml_root(&y), "kinds");
        ex->nkinds = tcpl_yaml_len(kinds);
        ex->kinds = tcpl_arena_alloc(&ex->arena, (ex->nkinds + 1) * sizeof *ex->kinds);
        if (!ex->kinds) {
            rc = TCPL_NOMEM(err, STRUCT_FILE);
            goto out;
        }
        for (size_t i = 0; i < ex->nkinds; i++) {
            const char *k = tcpl_yaml_str(tcpl_yaml_item(&y, kinds, i));
            ex->kinds[i] = tcpl_arena_strdup(&ex->arena, k ? k : "");
            if (!ex->kinds[i]) {
                rc = TCPL_NOMEM(err, STRUCT_FILE);
                goto out;
            }
        }
        qsort(ex->kinds, ex->nkinds, sizeof *ex->kinds, cmp_len_desc);
    }
    TCPL_CHECK(compile(ex, &y, "national_motto", &ex->motto, 0, err));
    TCPL_CHECK(compile(ex, &y, "national_slogan", &ex->slogan, PCRE2_CASELESS, err));
    TCPL_CHECK(compile(ex, &y, "number", &ex->number, 0, err));
    TCPL_CHECK(compile(ex, &y, "basis", &ex->basis, 0, err));
    TCPL_CHECK(compile(ex, &y, "separator", &ex->separator, 0, err));
    TCPL_CHECK(compile(ex, &y, "label_roman", &ex->lab_roman, 0, err));
    TCPL_CHECK(compile(ex, &y, "label_decimal", &ex->lab_decimal, 0, err));
    TCPL_CHECK(compile(ex, &y, "label_letter", &ex->lab_letter, 0, err));
    TCPL_CHECK(compile(ex, &y, "label_activity", &ex->lab_activity, 0, err));
    TCPL_CHECK(compile(ex, &y, "label_bullet", &ex->lab_bullet, 0, err));
    TCPL_CHECK(compile(ex, &y, "activity_subheadings", &ex->subheading, 0, err));
    TCPL_CHECK(compile(ex, &y, "remediation_title", &ex->remediation_title, 0, err));
    TCPL_CHECK(compile(ex, &y, "recipients", &ex->recipients, 0, err));
    TCPL_CHECK(compile(ex, &y, "signer_capacity", &ex->signer_capacity, 0, err));
    TCPL_CHECK(compile(ex, &y, "signer_deputy", &ex->signer_deputy, 0, err));
    TCPL_CHECK(compile(ex, &y, "signer_title", &ex->signer_title, 0, err));
    TCPL_CHECK(compile(ex, &y, "signer_skip", &ex->signer_skip, 0, err));
    TCPL_CHECK(build_fields(ex, &y, err));
    {
        const char *pre =
            tcpl_yaml_str(tcpl_yaml_get(&y, tcpl_yaml_root(&y), "activity_path_prefix"));
        ex->activity_prefix = tcpl_arena_strdup(&ex->arena, pre ? pre : "");
        if (!ex->activity_prefix) {
            rc = TCPL_NOMEM(err, STRUCT_FILE);
            goto out;
        }
    }
    TCPL_CHECK(field_set(&y, "required_plan", &ex->required_plan, err));
    TCPL_CHECK(field_set(&y, "required_remediation", &ex->required_remediation, err));
out:
    tcpl_yaml_free(&y);
    if (rc < 0) {
        tcpl_extractor_free(ex);
        return rc;
    }
    *out = ex;
    return 0;
}

void tcpl_extractor_free(tcpl_extractor *ex)
{
    if (!ex)
        return;
    tcpl_timeparser_free(ex->tp);
    tcpl_units_free(ex->units);
    tcpl_citer_free(ex->citer);
    tcpl_re *res[] = {&ex->motto,
                      &ex->slogan,
                      &ex->number,
                      &ex->basis,
                      &ex->separator,
                      &ex->lab_roman,
                      &ex->lab_decimal,
                      &ex->lab_letter,
                      &ex->lab_activity,
                      &ex->lab_bullet,
                      &ex->fields_at,
                      &ex->subheading,
                      &ex->remediation_title,
                      &ex->recipients,
                      &ex->signer_capacity,
                      &ex->signer_deputy,
                      &ex->signer_title,
                      &ex->signer_skip};
    for (size_t i = 0; i < sizeof res / sizeof res[0]; i++)
        tcpl_re_free(res[i]);
    tcpl_arena_free(&ex->arena);
    free(ex);
}

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
    tcpl_extract *x;
    tcpl_error *err;
    tcpl_match m;
    line *lines;
    size_t n, cap;
} job;

static int is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims ASCII space, NBSP and stray markdown asterisks. */
static void trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    for (;;) {
        if (n && (is_space_byte(*p) || *p == '*')) {
            p++;
            n--;
        } else if (n >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
            p += 2;
            n -= 2;
        } else
            break;
    }
    for (;;) {
        if (n && (is_space_byte(p[n - 1]) || p[n - 1] == '*'))
            n--;
        else if (n >= 2 && (unsigned char)p[n - 2] == 0xC2 && (unsigned char)p[n - 1] == 0xA0)
            n -= 2;
        else
            break;
    }
    *s = p;
    *len = n;
}

static int find(job *j, const tcpl_re *re, const char *s, size_t len)
{
    int r = tcpl_re_find(re, &j->m, s, len, 0);
    return r > 0;
}

static size_t group_end(job *j, int g)
{
    size_t s, e;
    if (tcpl_match_group(&j->m, g, &s, &e) < 0)
        return 0;
    return e;
}

/* Recognises a label (Word's or typed) at the start of s. */
static lab_kind classify_label(job *j, const char *s, size_t len, size_t *label_end,
                               size_t *text_start, int *depth)
{
    const tcpl_extractor *ex = j->ex;
    static const lab_kind order[] = {LAB_ACTIVITY, LAB_ROMAN, LAB_DECIMAL, LAB_LETTER, LAB_BULLET};
    const tcpl_re *res[] = {&ex->lab_activity, &ex->lab_roman, &ex->lab_decimal, &ex->lab_letter,
                            &ex->lab_bullet};
    for (size_t k = 0; k < 5; k++) {
        if (!find(j, res[k], s, len))
            continue;
        *label_end = group_end(j, 1);
        *text_start = group_end(j, 0);
        *depth = 0;
        if (order[k] == LAB_DECIMAL) {
            int d = 1;
            for (size_t i = 0; i + 1 < *label_end; i++)
                if (s[i] == '.' && i + 1 < *label_end && s[i + 1] >= '0' && s[i + 1] <= '9')
                    d++;
            *depth = d;
        }
        return order[k];
    }
    return LAB_NONE;
}

static int add_line(job *j, const tcpl_block *b, const char *s, size_t len, int first)
{
    trim(&s, &len);
    if (len == 0 && !(first && b->label[0]))
        return 0;
    if (j->n == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 256;
        line *l = realloc(j->lines, cap * sizeof *l);
        if (!l)
            return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        j->lines = l;
        j->cap = cap;
    }
    line *l = &j->lines[j->n++];
    memset(l, 0, sizeof *l);
    l->block = b->index;
    l->full = s;
    l->full_len = len;
    l->text = s;
    l->len = len;
    l->table = b->table;
    l->row = b->row;
    l->col = b->col;
    l->align = b->align;
    l->bold = b->run_count > 0;
    for (size_t i = 0; i < b->run_count; i++)
        if (!(b->runs[i].flags & TCPL_RUN_BOLD) && b->runs[i].length > 0) {
            /* whitespace-only runs do not count */
            int blank = 1;
            for (size_t k = 0; k < b->runs[i].length; k++)
                if (!is_space_byte(b->text[b->runs[i].offset + k]))
                    blank = 0;
            if (!blank)
                l->bold = 0;
        }
    size_t le, ts;
    int depth;
    if (first && b->label[0]) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s ", b->label);
        lab_kind k = classify_label(j, tmp, strlen(tmp), &le, &ts, &depth);
        snprintf(l->label, sizeof l->label, "%s", b->label);
        l->lab = k == LAB_NONE ? LAB_BULLET : k;
        l->depth = depth;
        l->auto_label = 1;
        return 0;
    }
    lab_kind k = classify_label(j, s, len, &le, &ts, &depth);
    if (k != LAB_NONE && le < sizeof l->label) {
        memcpy(l->label, s, le);
        l->label[le] = 0;
        l->lab = k;
        l->depth = depth;
        l->text = s + ts;
        l->len = len - ts;
        trim(&l->text, &l->len);
    }
    return 0;
}

static int build_lines(job *j)
{
    for (size_t i = 0; i < tcpl_doc_block_count(j->doc); i++) {
        const tcpl_block *b = tcpl_doc_block(j->doc, i);
        if (b->part != TCPL_PART_BODY || b->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        /* A line break inside a paragraph starts a new line. */
        const char *p = b->text, *end = b->text + b->text_len;
        int first = 1;
        for (;;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *e = nl ? nl : end;
            int rc = add_line(j, b, p, (size_t)(e - p), first);
            if (rc < 0)
                return rc;
            first = 0;
            if (!nl)
                break;
            p = nl + 1;
        }
    }
    return 0;
}

/* ---- result storage ------------------------------------------------- */

static char *dup(job *j, const char *s, size_t n)
{
    char *p = tcpl_arena_strndup(&j->x->arena, s ? s : "", s ? n : 0);
    if (!p)
        j->x->nomem = 1;
    return p ? p : (char *)"";
}

static char *dupz(job *j, const char *s)
{
    return dup(j, s, s ? strlen(s) : 0);
}

static int is_upper_line(const char *s, size_t len)
{
    int letters = 0;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0)
            return 0;
        if (utf8proc_category(c) == UTF8PROC_CATEGORY_LL)
            return 0;
        if (utf8proc_category(c) == UTF8PROC_CATEGORY_LU)
            letters++;
        i += (size_t)k;
    }
    return letters > 0;
}

/* Appends s to a growing " "-joined string in buf. */
static void join(tcpl_buf *b, const char *s, size_t n, const char *sep)
{
    if (!n)
        return;
    if (b->len)
        tcpl_buf_puts(b, sep);
    tcpl_buf_put(b, s, n);
}

/* ---- header: authority, number, place and date, kind, title -------- */

static int kind_at(job *j, const line *l, size_t *kind_len)
{
    for (size_t k = 0; k < j->ex->nkinds; k++) {
        size_t n = strlen(j->ex->kinds[k]);
        if (l->full_len >= n && !memcmp(l->full, j->ex->kinds[k], n) &&
            (l->full_len == n || is_space_byte(l->full[n]) || l->full[n] == ':')) {
            *kind_len = n;
            return (int)k;
        }
    }
    return -1;
}

/* Returns the index of the first line after the title. */
static size_t read_header(job *j)
{
    const tcpl_extractor *ex = j->ex;
    tcpl_xmeta *m = &j->x->meta;
    size_t limit = j->n < TCPL_HEADER_LINES ? j->n : TCPL_HEADER_LINES;
    size_t kind_line = (size_t)-1, kind_len = 0;
    for (size_t i = 0; i < limit; i++) {
        int k = kind_at(j, &j->lines[i], &kind_len);
        if (k >= 0 && j->lines[i].lab == LAB_NONE) {
            kind_line = i;
            break;
        }
        if (find(j, &ex->basis, j->lines[i].full, j->lines[i].full_len))
            break;
    }
    size_t header_end = kind_line != (size_t)-1 ? kind_line : 0;
    int motto = 0, slogan = 0;
    tcpl_buf auth;
    tcpl_buf_init(&auth);
    for (size_t i = 0; i < (kind_line != (size_t)-1 ? kind_line : limit); i++) {
        line *l = &j->lines[i];
        if (find(j, &ex->motto, l->full, l->full_len)) {
            motto = 1;
            continue;
        }
        if (find(j, &ex->slogan, l->full, l->full_len)) {
            slogan = 1;
            continue;
        }
        if (find(j, &ex->basis, l->full, l->full_len))
            break;
        if (m->number_block < 0 && find(j, &ex->number, l->full, l->full_len)) {
            size_t ns, ne, ss, se;
            tcpl_match_group(&j->m, 1, &ns, &ne);
            tcpl_match_group(&j->m, 2, &ss, &se);
            m->number_blank = ne == ns;
            m->symbol = dup(j, l->full + ss, se - ss);
            if (ne > ns) {
                tcpl_buf b;
                tcpl_buf_init(&b);
                tcpl_buf_put(&b, l->full + ns, ne - ns);
                tcpl_buf_putc(&b, '/');
                tcpl_buf_put(&b, l->full + ss, se - ss);
                m->number = dup(j, b.data, b.len);
                tcpl_buf_free(&b);
            }
            m->number_block = l->block;
            continue;
        }
        if (m->date.block < 0) {
            tcpl_date d;
            if (tcpl_date_parse(ex->tp, l->full, l->full_len, &d) > 0 && d.year > 0) {
                m->date.text = dup(j, l->full + d.start, d.end - d.start);
                m->date.iso = d.iso[0] ? dupz(j, d.iso) : NULL;
                m->date.complete = d.complete;
                m->date.invalid = d.invalid;
                m->date.day_digits = d.day_digits;
                m->date.month_digits = d.month_digits;
                m->date.block = l->block;
                const char *ps = l->full + d.place_start;
                size_t pl = d.place_end - d.place_start;
                trim(&ps, &pl);
                m->place = dup(j, ps, pl);
                continue;
            }
        }
        if (find(j, &ex->separator, l->full, l->full_len))
            continue;
        /* The issuing body: capitals, left of the motto when in a table. */
        if (is_upper_line(l->full, l->full_len) && (l->table < 0 || l->col == 0) &&
            l->lab == LAB_NONE) {
            join(&auth, l->full, l->full_len, " ");
            if (m->authority_block < 0)
                m->authority_block = l->block;
        }
    }
    m->national_header = motto && slogan;
    if (auth.len)
        m->authority = dup(j, auth.data, auth.len);
    tcpl_buf_free(&auth);
    if (kind_line == (size_t)-1)
        return header_end;

    /* Kind, then the title: centred or bold lines up to the basis. */
    line *kl = &j->lines[kind_line];
    m->kind = dup(j, kl->full, kind_len);
    m->kind_block = kl->block;
    tcpl_buf title;
    tcpl_buf_init(&title);
    const char *rest = kl->full + kind_len;
    size_t rest_len = kl->full_len - kind_len;
    trim(&rest, &rest_len);
    if (rest_len && *rest == ':') {
        rest++;
        rest_len--;
        trim(&rest, &rest_len);
    }
    if (rest_len) {
        join(&title, rest, rest_len, " ");
        m->title_block = kl->block;
    }
    size_t i = kind_line + 1;
    for (int taken = 0; i < j->n && taken < TCPL_TITLE_LINES; i++) {
        line *l = &j->lines[i];
        if (find(j, &ex->separator, l->full, l->full_len)) {
            if (title.len)
                break;
            continue;
        }
        if (l->lab != LAB_NONE && l->lab != LAB_BULLET)
            break;
        /* Summaries are centred or bold, and may well begin like a basis
         * sentence ("Triển khai thực hiện Quyết định ..."); the basis is
         * plain justified text. */
        int looks_title = l->align == TCPL_ALIGN_CENTER || l->bold;
        if (!looks_title &&
            (title.len || find(j, &ex->basis, l->full, l->full_len) || l->full_len > 300))
            break;
        join(&title, l->full, l->full_len, " ");
        if (m->title_block < 0)
            m->title_block = l->block;
        taken++;
    }
    if (title.len)
        m->title = dup(j, title.data, title.len);
    tcpl_buf_free(&title);
    return i;
}

/* ---- sections, fields, activities ----------------------------------- */

typedef struct acc {
    tcpl_buf val[NFIELDS];
    unsigned present;
    int unlabelled;
    int time_block, lead_block;
} acc;

/* A field label at the start of s: its field bit, and where its value
 * starts.  Strict labels need a colon unless whole_cell. */
static unsigned field_at(job *j, const char *s, size_t len, int whole_cell, size_t *value_start)
{
    if (!find(j, &j->ex->fields_at, s, len))
        return 0;
    int g = 0;
    for (int i = 1; i <= j->ex->nlabels; i++) {
        size_t a, b;
        if (tcpl_match_group(&j->m, i, &a, &b) == 0) {
            g = i;
            break;
        }
    }
    if (!g)
        return 0;
    size_t p = group_end(j, 0);
    /* Spaces, closing emphasis leftovers, then an optional colon. */
    while (p < len && (is_space_byte(s[p]) || s[p] == '*'))
        p++;
    int colon = 0;
    if (p < len && s[p] == ':') {
        colon = 1;
        p++;
    } else if (p + 3 <= len && !memcmp(s + p, "\xEF\xBC\x9A", 3)) { /* full-width colon */
        colon = 1;
        p += 3;
    }
    if (j->ex->labels[g].strict && !colon && !(whole_cell && p >= len))
        return 0;
    if (!colon && p < len && s[p] == '.')
        p++;
    while (p < len && (is_space_byte(s[p]) || s[p] == '*'))
        p++;
    *value_start = p;
    return j->ex->labels[g].field;
}

/* Trims a field value: spaces, then the closing ';' ',' or '.' (an
 * ellipsis "..." stays: it is part of the text). */
static void trim_value(const char **v, size_t *n)
{
    trim(v, n);
    while (*n && ((*v)[*n - 1] == ';' || (*v)[*n - 1] == ',' ||
                  ((*v)[*n - 1] == '.' && !(*n >= 2 && (*v)[*n - 2] == '.')))) {
        (*n)--;
        trim(v, n);
    }
}

static int field_index(unsigned bit)
{
    for (int i = 0; i < NFIELDS; i++)
        if (bit == (1u << i))
            return i;
    return 0;
}

/* Adds a field value; a value may hold more fields ("Cơ quan chủ trì: Sở
 * Nội vụ; thời gian hoàn thành trước ngày 31/12/2018"). */
static void add_field(job *j, acc *a, unsigned field, const char *v, size_t n, int block,
                      int *pending)
{
    for (;;) {
        /* Look for "; <label>" or ". <label>" inside the value. */
        size_t cut = n, next_start = 0;
        unsigned next = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i] != ';' && v[i] != '.')
                continue;
            size_t k = i + 1;
            while (k < n && is_space_byte(v[k]))
                k++;
            size_t vs;
            unsigned f2 = k < n ? field_at(j, v + k, n - k, 0, &vs) : 0;
            if (f2 && f2 != field) {
                cut = i;
                next = f2;
                next_start = k + vs;
                break;
            }
        }
        const char *val = v;
        size_t vl = cut;
        trim_value(&val, &vl);
        int fi = field_index(field);
        a->present |= field;
        if (field == TCPL_FIELD_TIME && a->time_block < 0)
            a->time_block = block;
        if (field == TCPL_FIELD_LEAD && a->lead_block < 0)
            a->lead_block = block;
        join(&a->val[fi], val, vl, "; ");
        *pending = vl == 0 ? fi : -1;
        if (!next)
            return;
        field = next;
        v += next_start;
        n -= next_start;
    }
}

static int section_level(const line *l, int has_roman, int last_structural_level)
{
    switch (l->lab) {
    case LAB_ROMAN:
        return 1;
    case LAB_DECIMAL:
        return (has_roman ? 1 : 0) + l->depth;
    case LAB_LETTER:
    case LAB_ACTIVITY:
        return last_structural_level + 1;
    default:
        return 0;
    }
}

static void strip_label_punct(const char *label, char *out, size_t size)
{
    snprintf(out, size, "%s", label);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '.' || out[n - 1] == ')' || out[n - 1] == ':'))
        out[--n] = 0;
}

static int read_body(job *j, size_t from, size_t to)
{
    const tcpl_extractor *ex = j->ex;
    tcpl_extract *x = j->x;
    int has_roman = 0;
    for (size_t i = from; i < to; i++)
        if (j->lines[i].lab == LAB_ROMAN)
            has_roman = 1;
    /* One accumulator per section; sections are at most one per line. */
    size_t cap = to > from ? to - from : 1;
    x->sections = tcpl_arena_alloc(&x->arena, cap * sizeof *x->sections);
    acc *accs = calloc(cap, sizeof *accs);
    int *transparent = calloc(cap, sizeof *transparent);
    int rc = 0;
    if (!x->sections || !accs || !transparent) {
        rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        goto out;
    }
    int stack[64], sp = 0;
    int last_structural = 0;
    int pending = -1; /* field index waiting for its value on the next lines */
    int pending_table = -1, pending_row = -1;
    for (size_t i = from; i < to; i++) {
        line *l = &j->lines[i];
        int level = section_level(l, has_roman, last_structural);
        if (level > 0) {
            /* A new section. */
            while (sp > 0 && x->sections[stack[sp - 1]].level >= level)
                sp--;
            int parent = sp > 0 ? stack[sp - 1] : -1;
            int si = (int)x->nsections++;
            tcpl_xsection *s = &x->sections[si];
            memset(s, 0, sizeof *s);
            s->label = dupz(j, l->label);
            s->title = dup(j, l->text, l->len);
            s->level = level;
            s->block = l->block;
            s->parent = parent;
            s->auto_label = l->auto_label;
            accs[si].time_block = accs[si].lead_block = -1;
            char lab[40];
            strip_label_punct(l->label, lab, sizeof lab);
            tcpl_buf path;
            tcpl_buf_init(&path);
            if (l->lab == LAB_ROMAN || parent < 0) {
                tcpl_buf_puts(&path, lab);
            } else if (l->lab == LAB_DECIMAL) {
                int r = parent;
                while (r >= 0 && x->sections[r].level > 1)
                    r = x->sections[r].parent;
                if (r >= 0 && has_roman)
                    tcpl_buf_printf(&path, "%s.", x->sections[r].path);
                tcpl_buf_puts(&path, lab);
            } else if (l->lab == LAB_ACTIVITY) {
                const char *num = lab + strlen(lab);
                while (num > lab && num[-1] >= '0' && num[-1] <= '9')
                    num--;
                tcpl_buf_printf(&path, "%s.%s%s", x->sections[parent].path, ex->activity_prefix,
                                num);
            } else {
                tcpl_buf_printf(&path, "%s.%s", x->sections[parent].path, lab);
            }
            s->path = dup(j, path.data ? path.data : "", path.len);
            tcpl_buf_free(&path);
            if (l->lab != LAB_LETTER && l->lab != LAB_ACTIVITY)
                last_structural = level;
            if (sp < (int)(sizeof stack / sizeof stack[0]))
                stack[sp++] = si;
            pending = -1;
            /* A heading that is itself a field ("2.1.3. Thời gian khắc phục:
             * ...") or a field group ("a) Trách nhiệm của các bộ phận") does
             * not start an activity. */
            size_t vs;
            unsigned f = field_at(j, l->text, l->len, 0, &vs);
            if (f || find(j, &ex->subheading, l->text, l->len))
                transparent[si] = 1;
            if (f) {
                int owner = si;
                while (owner >= 0 && transparent[owner])
                    owner = x->sections[owner].parent;
                if (owner >= 0)
                    add_field(j, &accs[owner], f, l->text + vs, l->len - vs, l->block, &pending);
                pending_table = pending >= 0 && l->table >= 0 ? l->table : -1;
                pending_row = l->row;
            }
            continue;
        }
        if (sp == 0)
            continue; /* text before the first section: basis, preamble */
        int owner = stack[sp - 1];
        while (owner >= 0 && transparent[owner])
            owner = x->sections[owner].parent;
        if (owner < 0)
            continue;
        acc *a = &accs[owner];
        int whole_cell = l->table >= 0 && l->col == 0;
        size_t vs;
        unsigned f = field_at(j, l->text, l->len, whole_cell, &vs);
        if (f) {
            add_field(j, a, f, l->text + vs, l->len - vs, l->block, &pending);
            pending_table = pending >= 0 && l->table >= 0 ? l->table : -1;
            pending_row = l->row;
            continue;
        }
        if (find(j, &ex->subheading, l->text, l->len)) {
            pending = -1;
            continue;
        }
        if (pending >= 0 &&
            (pending_table < 0 || (l->table == pending_table && l->row == pending_row))) {
            /* The value of a label printed alone ("Nguyên nhân", a label
             * cell): the following lines. */
            const char *pv = l->text;
            size_t pl = l->len;
            trim_value(&pv, &pl);
            join(&a->val[pending], pv, pl, "; ");
            continue;
        }
        pending = -1;
        if (l->lab == LAB_BULLET || l->table >= 0)
            a->unlabelled++;
    }
    /* Activities: sections with fields. */
    int remediation =
        x->meta.title && find(j, &ex->remediation_title, x->meta.title, strlen(x->meta.title));
    for (size_t si = 0; si < x->nsections; si++)
        if (accs[si].present & (TCPL_FIELD_CAUSE | TCPL_FIELD_SOLUTION))
            remediation = 1;
    size_t nact = 0;
    for (size_t si = 0; si < x->nsections; si++)
        if (accs[si].present)
            nact++;
    x->activities = tcpl_arena_alloc(&x->arena, (nact ? nact : 1) * sizeof *x->activities);
    if (!x->activities) {
        rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        goto out;
    }
    unsigned required = remediation ? ex->required_remediation : ex->required_plan;
    for (size_t si = 0; si < x->nsections; si++) {
        acc *a = &accs[si];
        if (!a->present)
            continue;
        tcpl_xactivity *act = &x->activities[x->nactivities++];
        memset(act, 0, sizeof *act);
        const tcpl_xsection *s = &x->sections[si];
        act->path = s->path;
        act->title = s->title;
        act->block = s->block;
        act->section = (int)si;
        act->present = a->present;
        act->unlabelled = a->unlabelled;
        act->time_block = a->time_block;
        act->lead_block = a->lead_block;
        const char *v[NFIELDS];
        for (int f = 0; f < NFIELDS; f++)
            v[f] = dup(j, a->val[f].data, a->val[f].len);
        act->product = v[3];
        act->cause = v[4];
        act->solution = v[5];
        for (int f = 0; f < NFIELDS; f++)
            if ((required & (1u << f)) && !*v[f])
                act->missing |= 1u << f;
        /* Units. */
        for (int which = 0; which < 2; which++) {
            const char *val = v[which];
            size_t n = 0;
            tcpl_unit units[TCPL_MAX_UNITS];
            if (*val) {
                int r = tcpl_units_split(ex->units, val, strlen(val), units, TCPL_MAX_UNITS, &n);
                if (r == TCPL_ERR_NOMEM) {
                    rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                    goto out;
                }
                if (n > TCPL_MAX_UNITS)
                    n = TCPL_MAX_UNITS;
            }
            tcpl_xunit *xu = tcpl_arena_alloc(&x->arena, (n ? n : 1) * sizeof *xu);
            if (!xu) {
                rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                goto out;
            }
            for (size_t k = 0; k < n; k++) {
                xu[k].printed = dup(j, val + units[k].start, units[k].end - units[k].start);
                xu[k].canonical = dupz(j, tcpl_unit_canonical(&units[k]));
            }
            if (which == 0) {
                act->lead = xu;
                act->nlead = n;
            } else {
                act->support = xu;
                act->nsupport = n;
            }
        }
        /* Time. */
        act->time.text = v[2];
        act->time.kind = "unknown";
        if (*v[2]) {
            tcpl_time t;
            if (tcpl_time_parse(ex->tp, v[2], strlen(v[2]), &t) > 0) {
                act->time.kind = tcpl_time_kind_name(t.kind);
                act->time.start = t.start[0] ? dupz(j, t.start) : NULL;
                act->time.end = t.end[0] ? dupz(j, t.end) : NULL;
                act->time.recurring = t.recurring;
                act->time.invalid = t.invalid;
            }
        }
    }
out:
    if (accs)
        for (size_t si = 0; si < cap; si++)
            for (int f = 0; f < NFIELDS; f++)
                tcpl_buf_free(&accs[si].val[f]);
    free(accs);
    free(transparent);
    return rc;
}

/* ---- citations and deadlines ---------------------------------------- */

static int read_citations(job *j, size_t from)
{
    tcpl_extract *x = j->x;
    tcpl_citation *all = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    tcpl_citation found[TCPL_MAX_CITES_PER_LINE];
    for (size_t i = from; i < j->n; i++) {
        line *l = &j->lines[i];
        size_t cnt = 0;
        int r = tcpl_citations_find(j->ex->citer, l->full, l->full_len, found,
                                    TCPL_MAX_CITES_PER_LINE, &cnt);
        if (r == TCPL_ERR_NOMEM) {
            rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
            goto out;
        }
        if (cnt > TCPL_MAX_CITES_PER_LINE)
            cnt = TCPL_MAX_CITES_PER_LINE;
        for (size_t k = 0; k < cnt; k++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                tcpl_citation *a2 = realloc(all, cap * sizeof *a2);
                if (!a2) {
                    rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                    goto out;
                }
                all = a2;
            }
            all[n] = found[k];
            all[n].block = l->block;
            all[n].first_block = l->block;
            n++;
        }
    }
    size_t m = n;
    if (n && tcpl_citations_merge(all, n, &m) == TCPL_ERR_NOMEM) {
        rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        goto out;
    }
    x->citations = tcpl_arena_alloc(&x->arena, (m ? m : 1) * sizeof *x->citations);
    if (!x->citations) {
        rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        goto out;
    }
    for (size_t k = 0; k < m; k++) {
        tcpl_citation *c = &all[k];
        tcpl_xcitation *o = &x->citations[x->ncitations++];
        memset(o, 0, sizeof *o);
        o->kind = dupz(j, c->kind);
        o->number = dupz(j, c->number);
        o->date = c->date[0] ? dupz(j, c->date) : NULL;
        o->date_invalid = c->date_invalid;
        o->date_conflict = c->date_conflict;
        o->issuer = dup(j, c->issuer_end > c->issuer_start ? c->src + c->issuer_start : "",
                        c->issuer_end > c->issuer_start ? c->issuer_end - c->issuer_start : 0);
        o->text = dup(j, c->src + c->start, c->end - c->start);
        o->block = c->first_block;
        o->mentions = (int)c->mentions;
    }
out:
    free(all);
    return rc;
}

static int read_deadlines(job *j, size_t from, size_t to)
{
    tcpl_extract *x = j->x;
    size_t cap = 0;
    tcpl_deadline d[TCPL_MAX_DEADLINES_PER_LINE];
    for (size_t i = from; i < to; i++) {
        line *l = &j->lines[i];
        size_t cnt = 0;
        if (tcpl_deadlines_find(j->ex->tp, l->full, l->full_len, d, TCPL_MAX_DEADLINES_PER_LINE,
                                &cnt) < 0)
            continue;
        if (cnt > TCPL_MAX_DEADLINES_PER_LINE)
            cnt = TCPL_MAX_DEADLINES_PER_LINE;
        for (size_t k = 0; k < cnt; k++) {
            if (x->ndeadlines == cap) {
                size_t nc = cap ? cap * 2 : 16;
                tcpl_xdeadline *v = tcpl_arena_alloc(&x->arena, nc * sizeof *v);
                if (!v)
                    return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                if (x->ndeadlines)
                    memcpy(v, x->deadlines, x->ndeadlines * sizeof *v);
                x->deadlines = v;
                cap = nc;
            }
            tcpl_xdeadline *o = &x->deadlines[x->ndeadlines++];
            o->text = dup(j, l->full + d[k].start, d[k].end - d[k].start);
            o->date = d[k].date[0] ? dupz(j, d[k].date) : NULL;
            o->invalid = d[k].invalid;
            o->block = l->block;
        }
    }
    return 0;
}

/* ---- closing: recipients and signer --------------------------------- */

static size_t find_recipients(job *j, size_t from)
{
    for (size_t i = from; i < j->n; i++)
        if (j->lines[i].lab == LAB_NONE &&
            find(j, &j->ex->recipients, j->lines[i].full, j->lines[i].full_len))
            return i;
    return j->n;
}

static int starts_lower(const char *s, size_t n)
{
    utf8proc_int32_t c;
    if (!n || utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c) <= 0)
        return 0;
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static int add_recipient(job *j, tcpl_buf *b, size_t *cap)
{
    tcpl_extract *x = j->x;
    const char *t = b->data ? b->data : "";
    size_t n = b->len;
    while (n && (t[n - 1] == ';' || t[n - 1] == '.' || t[n - 1] == ',' || t[n - 1] == ' '))
        n--;
    if (!n)
        return 0;
    if (x->nrecipients == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        const char **v = tcpl_arena_alloc(&x->arena, nc * sizeof *v);
        if (!v)
            return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        if (x->nrecipients)
            memcpy(v, x->recipients, x->nrecipients * sizeof *v);
        x->recipients = v;
        *cap = nc;
    }
    x->recipients[x->nrecipients++] = dup(j, t, n);
    return 0;
}

/* A signature line that holds two roles ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH", when a
 * converter joined the lines): the split point where the rest is a title. */
static size_t title_split(job *j, const char *s, size_t n)
{
    if (n > TCPL_SIGNER_LINE_MAX)
        return 0;
    /* The role keeps at least one word after its marker ("KT. CHỦ TỊCH"). */
    const char *sp = memchr(s, ' ', n);
    if (!sp)
        return 0;
    for (size_t i = (size_t)(sp - s) + 2; i < n; i++)
        if (s[i - 1] == ' ' && find(j, &j->ex->signer_title, s + i, n - i))
            return i;
    return 0;
}

/* The last recipient line may run into the signature block when a
 * converter joined the lines ("Lưu: VT. CHỦ TỊCH"): where that starts. */
static size_t signer_start_in(job *j, const char *s, size_t n)
{
    const tcpl_extractor *ex = j->ex;
    if (n > TCPL_SIGNER_LINE_MAX)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i - 1] != ' ' || s[i - 2] != '.')
            continue;
        if (find(j, &ex->signer_title, s + i, n - i) ||
            find(j, &ex->signer_capacity, s + i, n - i) ||
            find(j, &ex->signer_deputy, s + i, n - i))
            return i;
    }
    return 0;
}

static int read_closing(job *j, size_t rec, size_t body_from)
{
    tcpl_extract *x = j->x;
    const tcpl_extractor *ex = j->ex;
    size_t cap = 0;
    int rc = 0;
    const char *extra = NULL; /* a signature line found inside the last recipient */
    size_t extra_n = 0;
    int extra_block = -1;
    if (rec < j->n) {
        tcpl_buf cur;
        tcpl_buf_init(&cur);
        for (size_t i = rec + 1; i < j->n; i++) {
            line *l = &j->lines[i];
            int same_cell = l->table >= 0 && l->table == j->lines[rec].table &&
                            l->col == j->lines[rec].col && l->row == j->lines[rec].row;
            if (l->lab == LAB_BULLET) {
                if ((rc = add_recipient(j, &cur, &cap)) < 0)
                    break;
                tcpl_buf_reset(&cur);
                size_t cut = signer_start_in(j, l->text, l->len);
                tcpl_buf_put(&cur, l->text, cut ? cut - 1 : l->len);
                if (cut) {
                    extra = l->text + cut;
                    extra_n = l->len - cut;
                    extra_block = l->block;
                    break;
                }
            } else if (cur.len && starts_lower(l->full, l->full_len)) {
                /* A recipient continued on the next line. */
                tcpl_buf_putc(&cur, ' ');
                tcpl_buf_put(&cur, l->full, l->full_len);
            } else if (same_cell) {
                if ((rc = add_recipient(j, &cur, &cap)) < 0)
                    break;
                tcpl_buf_reset(&cur);
                tcpl_buf_put(&cur, l->full, l->full_len);
            } else {
                break;
            }
        }
        if (rc == 0)
            rc = add_recipient(j, &cur, &cap);
        tcpl_buf_free(&cur);
        if (rc < 0)
            return rc;
    }
    /* Signature block: from the recipients on, or the last lines. */
    size_t start = rec < j->n ? rec + 1 : (j->n > TCPL_SIGNER_LINES ? j->n - TCPL_SIGNER_LINES : 0);
    if (start < body_from)
        start = body_from;
    tcpl_xsigner *s = &x->signer;
    int after_title = 0;
    for (size_t k = extra ? start - 1 : start; k < j->n; k++) {
        line *l = &j->lines[k];
        const char *t = l->full;
        size_t n = l->full_len;
        int block = l->block;
        if (extra && k == start - 1) {
            t = extra;
            n = extra_n;
            block = extra_block;
        } else if (l->lab == LAB_BULLET && rec < j->n) {
            continue;
        }
        const tcpl_re *role[] = {&ex->signer_capacity, &ex->signer_deputy};
        const char **slot[] = {&s->capacity, &s->deputy};
        int matched = 0;
        for (int r = 0; r < 2 && !matched; r++) {
            if (!find(j, role[r], t, n))
                continue;
            size_t cut = title_split(j, t, n);
            *slot[r] = dup(j, t, cut ? cut - 1 : n);
            if (cut) {
                s->title = dup(j, t + cut, n - cut);
                after_title = 1;
            }
            if (s->block < 0)
                s->block = block;
            matched = 1;
        }
        if (matched)
            continue;
        if (find(j, &ex->signer_title, t, n)) {
            s->title = dup(j, t, n);
            if (s->block < 0)
                s->block = block;
            after_title = 1;
            continue;
        }
        if (find(j, &ex->signer_skip, t, n))
            continue;
        if (after_title && !is_upper_line(t, n))
            s->name = dup(j, t, n); /* the last one wins */
    }
    return 0;
}

/* ---- driver ---------------------------------------------------------- */

int tcpl_extract_doc(tcpl_extract **out, const tcpl_extractor *ex, const tcpl_doc *doc,
                     tcpl_error *err)
{
    *out = NULL;
    job j;
    memset(&j, 0, sizeof j);
    j.ex = ex;
    j.doc = doc;
    j.err = err;
    int rc = 0;
    tcpl_extract *x = calloc(1, sizeof *x);
    if (!x)
        return TCPL_NOMEM(err, tcpl_doc_path(doc));
    tcpl_arena_init(&x->arena);
    j.x = x;
    x->meta.file = dupz(&j, tcpl_doc_path(doc));
    x->meta.kind = x->meta.number = x->meta.symbol = x->meta.authority = "";
    x->meta.place = x->meta.title = "";
    x->meta.date.text = "";
    x->meta.date.block = -1;
    x->meta.kind_block = x->meta.number_block = x->meta.authority_block = -1;
    x->meta.title_block = -1;
    x->signer.capacity = x->signer.deputy = x->signer.title = x->signer.name = "";
    x->signer.block = -1;
    /* One group per field label in fields_at, plus slack for the others. */
    if (tcpl_match_init(&j.m, (size_t)ex->nlabels + 16) < 0) {
        rc = TCPL_NOMEM(err, tcpl_doc_path(doc));
        goto out;
    }
    TCPL_CHECK(build_lines(&j));
    size_t body = read_header(&j);
    size_t rec = find_recipients(&j, body);
    TCPL_CHECK(read_body(&j, body, rec));
    TCPL_CHECK(read_citations(&j, body > 0 ? body : 0));
    TCPL_CHECK(read_deadlines(&j, body, rec));
    TCPL_CHECK(read_closing(&j, rec, body));
    if (x->nomem)
        rc = TCPL_NOMEM(err, tcpl_doc_path(doc));
out:
    tcpl_match_free(&j.m);
    free(j.lines);
    if (rc < 0) {
        tcpl_extract_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

void tcpl_extract_free(tcpl_extract *x)
{
    if (!x)
        return;
    tcpl_arena_free(&x->arena);
    free(x);
}

const tcpl_xmeta *tcpl_extract_meta(const tcpl_extract *x)
{
    return &x->meta;
}
size_t tcpl_extract_citation_count(const tcpl_extract *x)
{
    return x->ncitations;
}
const tcpl_xcitation *tcpl_extract_citation(const tcpl_extract *x, size_t i)
{
    return i < x->ncitations ? &x->citations[i] : NULL;
}
size_t tcpl_extract_section_count(const tcpl_extract *x)
{
    return x->nsections;
}
const tcpl_xsection *tcpl_extract_section(const tcpl_extract *x, size_t i)
{
    return i < x->nsections ? &x->sections[i] : NULL;
}
size_t tcpl_extract_activity_count(const tcpl_extract *x)
{
    return x->nactivities;
}
const tcpl_xactivity *tcpl_extract_activity(const tcpl_extract *x, size_t i)
{
    return i < x->nactivities ? &x->activities[i] : NULL;
}
size_t tcpl_extract_deadline_count(const tcpl_extract *x)
{
    return x->ndeadlines;
}
const tcpl_xdeadline *tcpl_extract_deadline(const tcpl_extract *x, size_t i)
{
    return i < x->ndeadlines ? &x->deadlines[i] : NULL;
}
size_t tcpl_extract_recipient_count(const tcpl_extract *x)
{
    return x->nrecipients;
}
const char *tcpl_extract_recipient(const tcpl_extract *x, size_t i)
{
    return i < x->nrecipients ? x->recipients[i] : NULL;
}
const tcpl_xsigner *tcpl_extract_signer(const tcpl_extract *x)
{
    return &x->signer;
}
