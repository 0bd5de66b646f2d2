/* Extraction: the document model -> metadata, sections, activities,
 * citations, deadlines, recipients and signer.  Every phrase it looks for
 * comes from checks/patterns/structure.yaml; dates, units and citations go
 * through their own parsers (timeexpr.c, units.c, citations.c).  Nothing here
 * reads XML: it works on the blocks of tcpl_doc only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/data.h"
#include "base/error.h"
#include "base/re.h"
#include "base/vec.h"
#include "extract/citations.h"
#include "extract/extract.h"
#include "extract/timeexpr.h"
#include "extract/units.h"

#define STRUCT_FILE "patterns/structure.yaml"

static const char *const field_names[NFIELDS] = {"lead",    "support", "time",
                                                 "product", "cause",   "solution"};

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
    tcpl_vec all = TCPL_VEC_INIT(label_src);
    label_src *src = NULL;
    size_t n = 0;
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
                label_src *s = tcpl_vec_push(&all);
                if (!s) {
                    rc = TCPL_NOMEM(err, STRUCT_FILE);
                    goto out;
                }
                *s = (label_src){t, 1u << f, strict};
            }
        }
    }
    src = TCPL_VEC_DATA(&all, label_src);
    n = all.len;
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
    tcpl_vec_free(&all);
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

/* ---- driver ---------------------------------------------------------- */

int tcpl_extract(tcpl_extraction **out, const tcpl_extractor *ex, const tcpl_doc *doc,
                 tcpl_error *err)
{
    *out = NULL;
    job j;
    memset(&j, 0, sizeof j);
    j.ex = ex;
    j.doc = doc;
    j.err = err;
    int rc = 0;
    tcpl_extraction *x = calloc(1, sizeof *x);
    if (!x)
        return TCPL_NOMEM(err, tcpl_doc_path(doc));
    tcpl_arena_init(&x->arena);
    tcpl_vec_init(&x->diags, sizeof(tcpl_xdiag));
    j.x = x;
    x->meta.file = xt_dupz(&j, tcpl_doc_path(doc));
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
    TCPL_CHECK(xt_build_lines(&j));
    size_t body = xt_read_header(&j);
    size_t rec = xt_find_recipients(&j, body);
    TCPL_CHECK(xt_read_body(&j, body, rec));
    TCPL_CHECK(xt_read_citations(&j, body > 0 ? body : 0));
    TCPL_CHECK(xt_read_deadlines(&j, body, rec));
    TCPL_CHECK(xt_read_closing(&j, rec, body));
    if (x->nomem)
        rc = TCPL_NOMEM(err, tcpl_doc_path(doc));
out:
    tcpl_match_free(&j.m);
    free(j.lines);
    if (rc < 0) {
        tcpl_extraction_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

void tcpl_extraction_free(tcpl_extraction *x)
{
    if (!x)
        return;
    tcpl_arena_free(&x->arena);
    tcpl_vec_free(&x->diags);
    free(x);
}

const tcpl_xmeta *tcpl_extraction_meta(const tcpl_extraction *x)
{
    return &x->meta;
}
size_t tcpl_extraction_citation_count(const tcpl_extraction *x)
{
    return x->ncitations;
}
const tcpl_xcitation *tcpl_extraction_citation(const tcpl_extraction *x, size_t i)
{
    return i < x->ncitations ? &x->citations[i] : NULL;
}
size_t tcpl_extraction_section_count(const tcpl_extraction *x)
{
    return x->nsections;
}
const tcpl_xsection *tcpl_extraction_section(const tcpl_extraction *x, size_t i)
{
    return i < x->nsections ? &x->sections[i] : NULL;
}
size_t tcpl_extraction_activity_count(const tcpl_extraction *x)
{
    return x->nactivities;
}
const tcpl_xactivity *tcpl_extraction_activity(const tcpl_extraction *x, size_t i)
{
    return i < x->nactivities ? &x->activities[i] : NULL;
}
size_t tcpl_extraction_deadline_count(const tcpl_extraction *x)
{
    return x->ndeadlines;
}
const tcpl_xdeadline *tcpl_extraction_deadline(const tcpl_extraction *x, size_t i)
{
    return i < x->ndeadlines ? &x->deadlines[i] : NULL;
}
size_t tcpl_extraction_recipient_count(const tcpl_extraction *x)
{
    return x->nrecipients;
}
const char *tcpl_extraction_recipient(const tcpl_extraction *x, size_t i)
{
    return i < x->nrecipients ? x->recipients[i] : NULL;
}
const tcpl_xsigner *tcpl_extraction_signer(const tcpl_extraction *x)
{
    return &x->signer;
}

size_t tcpl_extraction_diag_count(const tcpl_extraction *x)
{
    return x ? x->diags.len : 0;
}

const tcpl_xdiag *tcpl_extraction_diag(const tcpl_extraction *x, size_t i)
{
    return x && i < x->diags.len ? &TCPL_VEC_AT(&x->diags, tcpl_xdiag, i) : NULL;
}
