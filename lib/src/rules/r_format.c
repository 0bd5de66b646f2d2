/* format rules: the layout of administrative documents (Nghị định
 * 30/2020/NĐ-CP) — header, number, date form, kind, recipients, signer,
 * ending, paper, margins, body font. */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

static const char *const checks[] = {
    "national_header", "number_form",  "number_blank", "date_zeros",        "kind",
    "recipients",      "archive_line", "signer",       "collective_signer", "ending",
    "paper",           "margins",      "font",         "font_size"};

int r_format_known(const char *check)
{
    return rl_known(checks, sizeof checks / sizeof checks[0], check);
}

/* twips per mm is 56.7; page sizes compare within 1 mm */
static int mm(int twips)
{
    return (twips * 10 + 283) / 567;
}

static int starts(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

/* Body text bytes per font and size, over body paragraphs outside tables
 * (header tables use other sizes by design).  Linear in the runs. */
typedef struct tally {
    const char *font[8];
    size_t font_bytes[8];
    size_t in_range, sized;
    int size[8];
    size_t size_bytes[8];
} tally;

static void count(cjob *j, const rule *r, tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t b = 0; b < tcpl_doc_block_count(j->doc); b++) {
        const tcpl_block *bl = tcpl_doc_block(j->doc, b);
        if (bl->part != TCPL_PART_BODY || bl->kind != TCPL_BLOCK_PARAGRAPH || bl->table >= 0)
            continue;
        for (size_t k = 0; k < bl->run_count; k++) {
            const tcpl_run *run = &bl->runs[k];
            if (!run->length)
                continue;
            for (int f = 0; f < 8; f++) {
                if (!t->font[f])
                    t->font[f] = run->font;
                if (!strcmp(t->font[f], run->font)) {
                    t->font_bytes[f] += run->length;
                    break;
                }
            }
            if (!run->size)
                continue;
            t->sized += run->length;
            if (run->size >= r->range[0][0] * 2 && run->size <= r->range[0][1] * 2)
                t->in_range += run->length;
            for (int f = 0; f < 8; f++) {
                if (!t->size[f])
                    t->size[f] = run->size;
                if (t->size[f] == run->size) {
                    t->size_bytes[f] += run->length;
                    break;
                }
            }
        }
    }
}

int r_format(cjob *j, const rule *r)
{
    const tcpl_xmeta *m = tcpl_extraction_meta(j->x);
    const char *c = r->check;
    char found[96] = "", expected[96] = "";
    if (!strcmp(c, "national_header")) {
        if (!m->national_header)
            return rl_add(j, r, -1, NULL, 0, NULL);
        return 0;
    }
    if (!strcmp(c, "number_form")) {
        if (m->number_block < 0)
            return rl_add(j, r, -1, NULL, 0, NULL);
        return 0;
    }
    if (!strcmp(c, "number_blank")) {
        if (m->number_blank) {
            kv v[] = {{"symbol", m->symbol}};
            return rl_add(j, r, m->number_block, v, 1, NULL);
        }
        return 0;
    }
    if (!strcmp(c, "date_zeros")) {
        int y, mo, d;
        if (!m->date.complete || !m->date.iso || sscanf(m->date.iso, "%d-%d-%d", &y, &mo, &d) != 3)
            return 0;
        if ((d < 10 && m->date.day_digits == 1) || (mo <= 2 && m->date.month_digits == 1)) {
            snprintf(expected, sizeof expected, "ngày %02d tháng %s%d năm %d", d,
                     mo <= 2 ? "0" : "", mo, y);
            kv v[] = {{"found", m->date.text}, {"expected", expected}};
            return rl_add(j, r, m->date.block, v, 2, expected);
        }
        return 0;
    }
    if (!strcmp(c, "kind")) {
        if (!m->kind[0])
            return rl_add(j, r, -1, NULL, 0, NULL);
        return 0;
    }
    size_t nr = tcpl_extraction_recipient_count(j->x);
    if (!strcmp(c, "recipients")) {
        if (!nr)
            return rl_add(j, r, -1, NULL, 0, NULL);
        return 0;
    }
    if (!strcmp(c, "archive_line")) {
        if (nr && !starts(tcpl_extraction_recipient(j->x, nr - 1), "Lưu")) {
            kv v[] = {{"found", tcpl_extraction_recipient(j->x, nr - 1)}};
            return rl_add(j, r, -1, v, 1, NULL);
        }
        return 0;
    }
    const tcpl_xsigner *s = tcpl_extraction_signer(j->x);
    if (!strcmp(c, "signer")) {
        if (s->block < 0)
            return rl_add(j, r, -1, NULL, 0, NULL);
        return 0;
    }
    if (!strcmp(c, "collective_signer")) {
        /* A collective body (Ủy ban) signs "TM." first; a deputy "KT." below. */
        int collective = starts(m->authority, "ỦY BAN NHÂN DÂN") || starts(m->authority, "UBND") ||
                         starts(m->authority, "UỶ BAN NHÂN DÂN");
        /* "ỦY BAN NHÂN DÂN TỈNH X SỞ TƯ PHÁP": the issuer is the department
         * under the committee, which its head signs alone. */
        static const char *const organs[] = {
            " SỞ ", " PHÒNG ", " BAN ", " VĂN PHÒNG ", " TRUNG TÂM ", " THANH TRA ", " CHI CỤC "};
        const char *rest = strstr(m->authority, "NHÂN DÂN");
        rest = rest ? rest : m->authority;
        for (size_t k = 0; collective && k < sizeof organs / sizeof organs[0]; k++)
            if (strstr(rest, organs[k]))
                collective = 0;
        if (collective && s->block >= 0 && !s->capacity[0]) {
            kv v[] = {{"found", s->deputy[0] ? s->deputy : s->title}};
            return rl_add(j, r, s->block, v, 1, NULL);
        }
        return 0;
    }
    if (!strcmp(c, "ending")) {
        for (size_t b = 0; b < tcpl_doc_block_count(j->doc); b++) {
            const tcpl_block *bl = tcpl_doc_block(j->doc, b);
            if (bl->part != TCPL_PART_BODY || bl->kind != TCPL_BLOCK_PARAGRAPH)
                continue;
            size_t n = bl->text_len;
            while (n && (bl->text[n - 1] == ' ' || bl->text[n - 1] == '\n'))
                n--;
            if (n >= 3 && !memcmp(bl->text + n - 3, "./.", 3))
                return 0;
        }
        return rl_add(j, r, -1, NULL, 0, NULL);
    }
    const tcpl_section *sec = tcpl_doc_section_count(j->doc) ? tcpl_doc_section(j->doc, 0) : NULL;
    if (!strcmp(c, "paper")) {
        if (!sec || !sec->page_width || !sec->page_height)
            return 0;
        int w = mm(sec->page_width), h = mm(sec->page_height);
        if (w > h) {
            int t = w;
            w = h;
            h = t;
        }
        if (w < 209 || w > 211 || h < 296 || h > 298) {
            snprintf(found, sizeof found, "%d × %d mm", w, h);
            kv v[] = {{"found", found}};
            return rl_add(j, r, -1, v, 1, NULL);
        }
        return 0;
    }
    if (!strcmp(c, "margins")) {
        if (!sec)
            return 0;
        static const char *const sides_vi[] = {"trên", "dưới", "trái", "phải"};
        static const char *const sides_en[] = {"top", "bottom", "left", "right"};
        int val[4] = {sec->margin_top, sec->margin_bottom, sec->margin_left, sec->margin_right};
        for (int k = 0; k < 4; k++) {
            if (!val[k] || (!r->range[k][0] && !r->range[k][1]))
                continue;
            int v = mm(val[k] < 0 ? -val[k] : val[k]);
            if (v < r->range[k][0] || v > r->range[k][1]) {
                snprintf(found, sizeof found, "%d mm", v);
                snprintf(expected, sizeof expected, "%d–%d mm", r->range[k][0], r->range[k][1]);
                kv vv[] = {{"side", j->en ? sides_en[k] : sides_vi[k]},
                           {"found", found},
                           {"expected", expected}};
                int rc = rl_add(j, r, -1, vv, 3, NULL);
                if (rc < 0)
                    return rc;
            }
        }
        return 0;
    }
    tally t;
    if (!strcmp(c, "font")) {
        if (!r->font)
            return 0;
        count(j, r, &t);
        int best = -1;
        for (int f = 0; f < 8 && t.font[f]; f++)
            if (t.font[f][0] && (best < 0 || t.font_bytes[f] > t.font_bytes[best]))
                best = f;
        if (best >= 0 && strcmp(t.font[best], r->font)) {
            kv v[] = {{"found", t.font[best]}, {"expected", r->font}};
            return rl_add(j, r, -1, v, 2, r->font);
        }
        return 0;
    }
    if (!strcmp(c, "font_size")) {
        count(j, r, &t);
        /* most of the body outside the range: a fifth may be notes, titles */
        if (t.sized && t.in_range * 5 < t.sized * 4) {
            int best = 0;
            for (int f = 1; f < 8 && t.size[f]; f++)
                if (t.size_bytes[f] > t.size_bytes[best])
                    best = f;
            snprintf(found, sizeof found, "%g pt", t.size[best] / 2.0);
            snprintf(expected, sizeof expected, "%d–%d pt", r->range[0][0], r->range[0][1]);
            kv v[] = {{"found", found}, {"expected", expected}};
            return rl_add(j, r, -1, v, 2, NULL);
        }
        return 0;
    }
    return 0;
}
