/* Header phase: authority, number, place and date, kind, title. */
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

/* ---- header: authority, number, place and date, kind, title -------- */

static int kind_at(job *j, const line *l, size_t *kind_len)
{
    for (size_t k = 0; k < j->ex->nkinds; k++) {
        size_t n = strlen(j->ex->kinds[k]);
        if (l->full_len >= n && !memcmp(l->full, j->ex->kinds[k], n) &&
            (l->full_len == n || xt_is_space_byte(l->full[n]) || l->full[n] == ':')) {
            *kind_len = n;
            return (int)k;
        }
    }
    return -1;
}

/* A title line that runs into the basis ("Khắc phục hạn chế năm 2026
 * Thực hiện Kết luận số ..." when a converter lost the break): where the
 * basis starts, at a word in sentence case (capital, then small letters,
 * so "TRIỂN KHAI, THỰC HIỆN ..." in a title in capitals is no basis); 0 if
 * it does not. */
static size_t basis_in(job *j, const char *s, size_t n)
{
    for (size_t w = 1; w + 1 < n; w++) {
        if (s[w - 1] != ' ' || s[w] == ' ')
            continue;
        utf8proc_int32_t c1, c2;
        utf8proc_ssize_t k1 =
            utf8proc_iterate((const utf8proc_uint8_t *)s + w, (utf8proc_ssize_t)(n - w), &c1);
        if (k1 <= 0 || utf8proc_category(c1) != UTF8PROC_CATEGORY_LU)
            continue;
        if (utf8proc_iterate((const utf8proc_uint8_t *)s + w + k1,
                             (utf8proc_ssize_t)(n - w - (size_t)k1), &c2) <= 0 ||
            utf8proc_category(c2) != UTF8PROC_CATEGORY_LL)
            continue;
        if (xt_find(j, &j->ex->basis, s + w, n - w))
            return w;
    }
    return 0;
}

/* Returns the index of the first line after the title. */
size_t xt_read_header(job *j)
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
        if (xt_find(j, &ex->basis, j->lines[i].full, j->lines[i].full_len))
            break;
    }
    size_t header_end = kind_line != (size_t)-1 ? kind_line : 0;
    int motto = 0, slogan = 0;
    tcpl_buf auth;
    tcpl_buf_init(&auth);
    for (size_t i = 0; i < (kind_line != (size_t)-1 ? kind_line : limit); i++) {
        line *l = &j->lines[i];
        if (xt_find(j, &ex->motto, l->full, l->full_len)) {
            motto = 1;
            /* "CỘNG HÒA ... VIỆT NAM Độc lập - Tự do - Hạnh phúc": one
             * line when a converter lost the break between them */
            const char *rest = l->full + xt_group_end(j, 0);
            size_t rest_len = l->full_len - xt_group_end(j, 0);
            xt_trim(&rest, &rest_len);
            if (rest_len && xt_find(j, &ex->slogan, rest, rest_len))
                slogan = 1;
            continue;
        }
        if (xt_find(j, &ex->slogan, l->full, l->full_len)) {
            slogan = 1;
            continue;
        }
        if (xt_find(j, &ex->basis, l->full, l->full_len))
            break;
        if (m->number_block < 0 && xt_find(j, &ex->number, l->full, l->full_len)) {
            size_t ns, ne, ss, se;
            tcpl_match_group(&j->m, 1, &ns, &ne);
            tcpl_match_group(&j->m, 2, &ss, &se);
            m->number_blank = ne == ns;
            m->symbol = xt_dup(j, l->full + ss, se - ss);
            if (ne > ns) {
                tcpl_buf b;
                tcpl_buf_init(&b);
                tcpl_buf_put(&b, l->full + ns, ne - ns);
                tcpl_buf_putc(&b, '/');
                tcpl_buf_put(&b, l->full + ss, se - ss);
                m->number = xt_dup(j, b.data, b.len);
                tcpl_buf_free(&b);
            }
            m->number_block = l->block;
            continue;
        }
        if (m->date.block < 0) {
            tcpl_date d;
            if (xt_re_status(j, tcpl_date_parse(ex->tp, l->full, l->full_len, &d), l->full) > 0 &&
                d.year > 0) {
                m->date.text = xt_dup(j, l->full + d.start, d.end - d.start);
                m->date.iso = d.iso[0] ? xt_dupz(j, d.iso) : NULL;
                m->date.complete = d.complete;
                m->date.invalid = d.invalid;
                m->date.day_digits = d.day_digits;
                m->date.month_digits = d.month_digits;
                m->date.block = l->block;
                const char *ps = l->full + d.place_start;
                size_t pl = d.place_end - d.place_start;
                xt_trim(&ps, &pl);
                m->place = xt_dup(j, ps, pl);
                continue;
            }
        }
        if (xt_find(j, &ex->separator, l->full, l->full_len))
            continue;
        /* The issuing body: capitals, left of the motto when in a table. */
        if (xt_is_upper_line(l->full, l->full_len) && (l->table < 0 || l->col == 0) &&
            l->lab == LAB_NONE) {
            xt_join(&auth, l->full, l->full_len, " ");
            if (m->authority_block < 0)
                m->authority_block = l->block;
        }
    }
    m->national_header = motto && slogan;
    if (auth.len)
        m->authority = xt_dup(j, auth.data, auth.len);
    tcpl_buf_free(&auth);
    if (kind_line == (size_t)-1)
        return header_end;

    /* Kind, then the title: centred or bold lines up to the basis. */
    line *kl = &j->lines[kind_line];
    m->kind = xt_dup(j, kl->full, kind_len);
    m->kind_block = kl->block;
    tcpl_buf title;
    tcpl_buf_init(&title);
    const char *rest = kl->full + kind_len;
    size_t rest_len = kl->full_len - kind_len;
    xt_trim(&rest, &rest_len);
    if (rest_len && *rest == ':') {
        rest++;
        rest_len--;
        xt_trim(&rest, &rest_len);
    }
    size_t i = kind_line + 1;
    if (rest_len) {
        size_t cut = rest_len <= TCPL_TITLE_RUNON_MAX ? basis_in(j, rest, rest_len) : 0;
        if (cut) {
            /* the basis runs on: the body starts at this line */
            rest_len = cut;
            xt_trim(&rest, &rest_len);
            i = kind_line;
        }
        xt_join(&title, rest, rest_len, " ");
        m->title_block = kl->block;
        if (cut) {
            m->title = xt_dup(j, title.data, title.len);
            tcpl_buf_free(&title);
            return i;
        }
    }
    for (int taken = 0; i < j->n && taken < TCPL_TITLE_LINES; i++) {
        line *l = &j->lines[i];
        if (xt_find(j, &ex->separator, l->full, l->full_len)) {
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
            (title.len || xt_find(j, &ex->basis, l->full, l->full_len) || l->full_len > 300))
            break;
        size_t tl = l->full_len;
        size_t cut = tl <= TCPL_TITLE_RUNON_MAX ? basis_in(j, l->full, tl) : 0;
        if (cut) {
            const char *p = l->full;
            tl = cut;
            xt_trim(&p, &tl);
        }
        xt_join(&title, l->full, tl, " ");
        if (m->title_block < 0)
            m->title_block = l->block;
        if (cut)
            break; /* this line, the basis in it, starts the body */
        taken++;
    }
    if (title.len)
        m->title = xt_dup(j, title.data, title.len);
    tcpl_buf_free(&title);
    return i;
}
