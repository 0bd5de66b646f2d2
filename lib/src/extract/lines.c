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

int xt_find(job *j, const tcpl_re *re, const char *s, size_t len)
{
    int r = tcpl_re_find(re, &j->m, s, len, 0);
    return r > 0;
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

static int add_line(job *j, const tcpl_block *b, const char *s, size_t len, int first)
{
    xt_trim(&s, &len);
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
                if (!xt_is_space_byte(b->text[b->runs[i].offset + k]))
                    blank = 0;
            if (!blank)
                l->bold = 0;
        }
    size_t le, ts;
    int depth;
    if (first && b->label[0]) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s ", b->label);
        lab_kind k = xt_classify_label(j, tmp, strlen(tmp), &le, &ts, &depth);
        snprintf(l->label, sizeof l->label, "%s", b->label);
        l->lab = k == LAB_NONE ? LAB_BULLET : k;
        l->depth = depth;
        l->auto_label = 1;
        return 0;
    }
    lab_kind k = xt_classify_label(j, s, len, &le, &ts, &depth);
    if (k != LAB_NONE && le >= sizeof l->label) {
        int rc = xt_warn(j, "label_long", b->index, "%zu bytes", le);
        if (rc < 0)
            return rc;
    } else if (k != LAB_NONE) {
        memcpy(l->label, s, le);
        l->label[le] = 0;
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
