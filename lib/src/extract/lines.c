/* The body as the extractor sees it: one line per paragraph or line break,
 * with its label recognised, and the small helpers every phase shares. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/data.h"
#include "base/error.h"
#include "base/re.h"
#include "extract/citations.h"
#include "extract/extract.h"
#include "extract/timeexpr.h"
#include "extract/units.h"

int xt_is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims ASCII space, NBSP and stray markdown asterisks. */
void xt_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    for (;;) {
        if (n && (xt_is_space_byte(*p) || *p == '*')) {
            p++;
            n--;
        } else if (n >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
            p += 2;
            n -= 2;
        } else
            break;
    }
    for (;;) {
        if (n && (xt_is_space_byte(p[n - 1]) || p[n - 1] == '*'))
            n--;
        else if (n >= 2 && (unsigned char)p[n - 2] == 0xC2 && (unsigned char)p[n - 1] == 0xA0)
            n -= 2;
        else
            break;
    }
    *s = p;
    *len = n;
}

/* The block of the line whose text holds s, or -1 (for a diagnostic). */
static int block_of(const job *j, const char *s)
{
    for (size_t i = 0; i < j->n; i++)
        if (s >= j->lines[i].full && s <= j->lines[i].full + j->lines[i].full_len)
            return j->lines[i].block;
    return -1;
}

int xt_re_status(job *j, int rc, const char *s)
{
    if (rc >= 0)
        return rc;
    if (rc == TCPL_ERR_NOMEM) {
        j->x->nomem = 1; /* for callers that cannot return it */
        return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
    }
    /* A limit (or PCRE2 refusing the subject): this text was not searched
     * in full; say so and go on with the rest of the document.  Looking up
     * the block costs O(lines), paid only after a search that already ran
     * into its limit, and only while diagnostics are still kept. */
    int block = j->x->diags.len < TCPL_MAX_DIAGS ? block_of(j, s) : -1;
    int w = xt_warn(j, "pattern_limit", block, "%d", rc);
    if (w < 0)
        j->x->nomem = 1; /* callers that test "> 0" cannot return it either */
    return w < 0 ? w : 0;
}

int xt_find(job *j, const tcpl_re *re, const char *s, size_t len)
{
    int r = tcpl_re_find(re, &j->m, s, len, 0);
    j->x->work.re_calls = j->m.calls;
    j->x->work.re_bytes = j->m.bytes;
    if (r >= 0)
        return r;
    /* Callers read a bool; an error they cannot return is kept for the
     * driver: out of memory fails the extraction at its end. */
    if (xt_re_status(j, r, s) < 0)
        j->x->nomem = 1;
    return 0;
}

size_t xt_group_end(job *j, int g)
{
    size_t s, e;
    if (tcpl_match_group(&j->m, g, &s, &e) < 0)
        return 0;
    return e;
}

/* Recognises a label (Word's or typed) at the start of s. */
lab_kind xt_classify_label(job *j, const char *s, size_t len, size_t *label_end, size_t *text_start,
                           int *depth)
{
    const tcpl_extractor *ex = j->ex;
    static const lab_kind order[] = {LAB_ACTIVITY, LAB_ROMAN, LAB_DECIMAL, LAB_LETTER, LAB_BULLET};
    const tcpl_re *res[] = {&ex->lab_activity, &ex->lab_roman, &ex->lab_decimal, &ex->lab_letter,
                            &ex->lab_bullet};
    for (size_t k = 0; k < 5; k++) {
        if (!xt_find(j, res[k], s, len))
            continue;
        *label_end = xt_group_end(j, 1);
        *text_start = xt_group_end(j, 0);
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

/* Lines kept per document.  A 500-page plan has about 20,000 paragraphs;
 * each line costs about 120 bytes, so this caps the line array near 12 MB
 * whatever the document (a 4 MB paragraph of line breaks would otherwise
 * make millions).  Later lines are dropped with a "lines_cut" diagnostic. */
#define TCPL_MAX_LINES 100000

/* Every run of b overlapping b->text[ls..le) is bold (whitespace-only
 * stretches do not count).  *ri is the first run that may still overlap:
 * runs are in text order and lines come in text order, so one paragraph's
 * lines walk its runs once (a run spanning several lines is looked at once
 * per line), and each byte is looked at once: linear in runs + lines + text. */
static int line_bold(job *j, const tcpl_block *b, size_t ls, size_t le, size_t *ri)
{
    if (b->run_count == 0)
        return 0;
    while (*ri < b->run_count && b->runs[*ri].offset + b->runs[*ri].length <= ls) {
        (*ri)++;
        j->x->work.run_visits++;
    }
    for (size_t i = *ri; i < b->run_count && b->runs[i].offset < le; i++) {
        const tcpl_run *r = &b->runs[i];
        j->x->work.run_visits++;
        if ((r->flags & TCPL_RUN_BOLD) || r->length == 0)
            continue;
        size_t a = r->offset > ls ? r->offset : ls;
        size_t e = r->offset + r->length < le ? r->offset + r->length : le;
        for (size_t k = a; k < e; k++)
            if (!xt_is_space_byte(b->text[k]))
                return 0;
    }
    return 1;
}

static int add_line(job *j, tcpl_vec *lines, const tcpl_block *b, const char *s, size_t len,
                    int first, size_t *ri)
{
    size_t ls = (size_t)(s - b->text), le = ls + len;
    xt_trim(&s, &len);
    if (len == 0 && !(first && b->label[0]))
        return 0;
    if (lines->len >= TCPL_MAX_LINES) {
        j->x->work.lines_dropped++;
        if (j->x->work.lines_dropped > 1)
            return 0;
        return xt_warn(j, "lines_cut", b->index, "%d", TCPL_MAX_LINES);
    }
    line *l = tcpl_vec_push(lines);
    if (!l)
        return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
    /* The phases read j->lines while it grows (diagnostics look lines up). */
    j->lines = lines->data;
    j->n = lines->len;
    l->block = b->index;
    l->full = s;
    l->full_len = len;
    l->text = s;
    l->len = len;
    l->table = b->table;
    l->row = b->row;
    l->col = b->col;
    l->align = b->align;
    l->bold = line_bold(j, b, ls, le, ri);
    if (len > TCPL_RE_SUBJECT_MAX) {
        int rc = xt_warn(j, "line_long", b->index, "%zu", (size_t)TCPL_RE_SUBJECT_MAX);
        if (rc < 0)
            return rc;
    }
    size_t lab_end, ts;
    int depth;
    if (first && b->label[0]) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s ", b->label);
        lab_kind k = xt_classify_label(j, tmp, strlen(tmp), &lab_end, &ts, &depth);
        snprintf(l->label, sizeof l->label, "%s", b->label);
        l->lab = k == LAB_NONE ? LAB_BULLET : k;
        l->depth = depth;
        l->auto_label = 1;
        return 0;
    }
    lab_kind k = xt_classify_label(j, s, len, &lab_end, &ts, &depth);
    if (k != LAB_NONE && lab_end >= sizeof l->label) {
        int rc = xt_warn(j, "label_long", b->index, "%zu bytes", lab_end);
        if (rc < 0)
            return rc;
    } else if (k != LAB_NONE) {
        memcpy(l->label, s, lab_end);
        l->label[lab_end] = 0;
        l->lab = k;
        l->depth = depth;
        l->text = s + ts;
        l->len = len - ts;
        xt_trim(&l->text, &l->len);
    }
    return 0;
}

int xt_build_lines(job *j)
{
    tcpl_vec lines = TCPL_VEC_INIT(line);
    int rc = 0;
    for (size_t i = 0; i < tcpl_doc_block_count(j->doc) && rc == 0; i++) {
        const tcpl_block *b = tcpl_doc_block(j->doc, i);
        if (b->part != TCPL_PART_BODY || b->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        /* A line break inside a paragraph starts a new line. */
        const char *p = b->text, *end = b->text + b->text_len;
        size_t ri = 0;
        int first = 1;
        for (;;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *e = nl ? nl : end;
            rc = add_line(j, &lines, b, p, (size_t)(e - p), first, &ri);
            if (rc < 0 || !nl)
                break;
            first = 0;
            p = nl + 1;
        }
    }
    /* The driver frees j->lines, on failure too. */
    j->lines = lines.data;
    j->n = lines.len;
    j->x->work.lines = lines.len;
    return rc;
}

/* ---- result storage ------------------------------------------------- */

char *xt_dup(job *j, const char *s, size_t n)
{
    char *p = tcpl_arena_strndup(&j->x->arena, s ? s : "", s ? n : 0);
    if (!p)
        j->x->nomem = 1;
    return p ? p : (char *)"";
}

char *xt_dupz(job *j, const char *s)
{
    return xt_dup(j, s, s ? strlen(s) : 0);
}

int xt_is_upper_line(const char *s, size_t len)
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
void xt_join(tcpl_buf *b, const char *s, size_t n, const char *sep)
{
    if (!n)
        return;
    if (b->len)
        tcpl_buf_puts(b, sep);
    tcpl_buf_put(b, s, n);
}

int xt_warn(job *j, const char *code, int block, const char *fmt, ...)
{
    tcpl_extraction *x = j->x;
    if (x->diags.len > TCPL_MAX_DIAGS)
        return 0;
    if (x->diags.len == TCPL_MAX_DIAGS) {
        code = "diags_cut";
        block = -1;
        fmt = NULL;
    }
    tcpl_xdiag *d = tcpl_vec_push(&x->diags);
    if (!d)
        return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
    d->code = code;
    d->block = block;
    d->detail = "";
    if (fmt) {
        tcpl_buf b;
        tcpl_buf_init(&b);
        va_list ap;
        va_start(ap, fmt);
        tcpl_buf_vprintf(&b, fmt, ap);
        va_end(ap);
        if (!tcpl_buf_ok(&b)) {
            tcpl_buf_free(&b);
            return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        }
        d->detail = xt_dup(j, b.data ? b.data : "", b.len);
        tcpl_buf_free(&b);
    }
    return 0;
}
