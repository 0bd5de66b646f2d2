/* Closing phase: recipients (Nơi nhận) and the signature block. */
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

/* ---- closing: recipients and signer --------------------------------- */

size_t xt_find_recipients(job *j, size_t from)
{
    for (size_t i = from; i < j->n; i++)
        if (j->lines[i].lab == LAB_NONE &&
            xt_find(j, &j->ex->recipients, j->lines[i].full, j->lines[i].full_len))
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
    tcpl_extraction *x = j->x;
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
    x->recipients[x->nrecipients++] = xt_dup(j, t, n);
    return 0;
}

static int has_lower(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0)
            return 0;
        if (utf8proc_category(c) == UTF8PROC_CATEGORY_LL)
            return 1;
        i += (size_t)k;
    }
    return 0;
}

/* A line of the signature block, which a converter may have joined with
 * the next ones ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Văn An"):
 * its capacity, deputy line, title and name, each where it starts.  The
 * roles are in capitals; the name is the rest from the first word with a
 * lower-case letter.  Returns 1 if the line holds a role or a title. */
static int signer_line(job *j, const char *t, size_t n, int block, int *after_title)
{
    const tcpl_extractor *ex = j->ex;
    tcpl_xsigner *s = &j->x->signer;
    if (n > TCPL_SIGNER_LINE_MAX) {
        /* too long to search word by word: a role only at its start */
        const tcpl_re *role[] = {&ex->signer_capacity, &ex->signer_deputy, &ex->signer_title};
        const char **slot[] = {&s->capacity, &s->deputy, &s->title};
        for (int r = 0; r < 3; r++)
            if (xt_find(j, role[r], t, n)) {
                *slot[r] = xt_dup(j, t, n);
                if (s->block < 0)
                    s->block = block;
                if (r == 2)
                    *after_title = 1;
                return 1;
            }
        return 0;
    }
    /* The capitals: up to the first word with a lower-case letter. */
    size_t u = 0;
    while (u < n) {
        size_t w = u;
        while (w < n && t[w] != ' ')
            w++;
        if (has_lower(t + u, w - u))
            break;
        u = w;
        while (u < n && t[u] == ' ')
            u++;
    }
    /* Role markers and the title, at word starts. */
    size_t cuts[3] = {0, 0, 0}; /* capacity, deputy, title start */
    int found[3] = {0, 0, 0};
    int words_since_marker = 2; /* a title needs one word after a marker */
    for (size_t w = 0; w < u;) {
        size_t ue = u;
        while (ue > w && t[ue - 1] == ' ')
            ue--;
        int marker = -1;
        if (!found[2]) {
            if (xt_find(j, &ex->signer_capacity, t + w, ue - w))
                marker = 0;
            else if (xt_find(j, &ex->signer_deputy, t + w, ue - w))
                marker = 1;
        }
        if (marker >= 0 && !found[marker]) {
            found[marker] = 1;
            cuts[marker] = w;
            words_since_marker = 0;
        } else if (words_since_marker >= 1 && !found[2] &&
                   xt_find(j, &ex->signer_title, t + w, ue - w)) {
            found[2] = 1;
            cuts[2] = w;
            break;
        } else {
            words_since_marker++;
        }
        while (w < u && t[w] != ' ')
            w++;
        while (w < u && t[w] == ' ')
            w++;
    }
    if (!found[0] && !found[1] && !found[2])
        return 0;
    const char **slot[] = {&s->capacity, &s->deputy, &s->title};
    for (int r = 0; r < 3; r++) {
        if (!found[r])
            continue;
        /* each piece runs to the next piece that starts after it */
        size_t end = u;
        for (int q = 0; q < 3; q++)
            if (found[q] && cuts[q] > cuts[r] && cuts[q] < end)
                end = cuts[q];
        const char *p = t + cuts[r];
        size_t pn = end - cuts[r];
        xt_trim(&p, &pn);
        *slot[r] = xt_dup(j, p, pn);
    }
    if (s->block < 0)
        s->block = block;
    if (found[2]) {
        *after_title = 1;
        const char *p = t + u;
        size_t pn = n - u;
        xt_trim(&p, &pn);
        if (pn)
            s->name = xt_dup(j, p, pn);
    }
    return 1;
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
        if (xt_find(j, &ex->signer_title, s + i, n - i) ||
            xt_find(j, &ex->signer_capacity, s + i, n - i) ||
            xt_find(j, &ex->signer_deputy, s + i, n - i))
            return i;
    }
    return 0;
}

int xt_read_closing(job *j, size_t rec, size_t body_from)
{
    tcpl_extraction *x = j->x;
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
        if (signer_line(j, t, n, block, &after_title))
            continue;
        if (xt_find(j, &ex->signer_skip, t, n))
            continue;
        if (after_title && !xt_is_upper_line(t, n))
            s->name = xt_dup(j, t, n); /* the last one wins */
    }
    return 0;
}
