/* spelling rules, all data-driven: syllables that are not Vietnamese
 * (hunspell with hunspell-vi), pairs one mark away from a known compound
 * and known confusions (checks/spelling.yaml), unit names written with the
 * wrong capitals or as a bare abbreviation (checks/units.yaml). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "rules/rules.h"
#include "rules/spell.h"

static const char *const checks[] = {"syllables", "compounds", "units", "abbreviations"};

int r_spelling_known(const char *check)
{
    return rl_known(checks, sizeof checks / sizeof checks[0], check);
}

/* A syllable is at most this long (Vietnamese: 7 letters, "nghiêng"); a
 * paragraph's words are looked at in a window of this many (pairs, and
 * the three-word confusions). */
#define TCPL_WORD_MAX 64
#define TCPL_SPELL_WINDOW 3

typedef struct tok {
    size_t start, end; /* bytes in the paragraph */
    int caps;          /* capital letters in it */
    int glued;         /* part of a dotted or slashed word (a web address, a symbol) */
} tok;

/* The code point at s[i] (ASCII without a call); its length, <= 0 when
 * the bytes are not UTF-8. */
static utf8proc_ssize_t cp_at(const char *s, size_t n, size_t i, utf8proc_int32_t *c)
{
    return spell_cp((const unsigned char *)s + i, n - i, c);
}

/* The next word of s from *pos, or 0 at the end.  Linear overall. */
static int next_word(const char *s, size_t n, size_t *pos, tok *t)
{
    size_t i = *pos;
    while (i < n) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = cp_at(s, n, i, &c);
        if (k <= 0) {
            i++;
            continue;
        }
        if (spell_letter(c))
            break;
        i += (size_t)k;
    }
    if (i >= n) {
        *pos = n;
        return 0;
    }
    t->start = i;
    t->caps = 0;
    while (i < n) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = cp_at(s, n, i, &c);
        int letter = k > 0 ? spell_letter(c) : 0;
        if (!letter)
            break;
        t->caps += letter == 2;
        i += (size_t)k;
    }
    t->end = i;
    *pos = i;
    /* "tuphap.gov.vn", "QĐ-TTg", "a/b", "2021QĐ": not words to spell */
    char before = t->start ? s[t->start - 1] : ' ', after = i < n ? s[i] : ' ';
    t->glued = strchr("./@:_\\0123456789", before) != NULL ||
               (strchr("./@:_\\", after) != NULL && i + 1 < n && s[i + 1] != ' ') ||
               (after >= '0' && after <= '9');
    return 1;
}

static int syllables(cjob *j, const rule *r, tcpl_spell *sp)
{
    /* this thread's hunspell handle and the words it has answered */
    spell_slot *slot = spell_take(sp);
    int rc = 0, reported = 0;
    if (!slot)
        return TCPL_ERR_NOMEM;
    /* the signer's name is a name: rare surnames (Nhữ, Ông) are not slips */
    const tcpl_xsigner *sg = tcpl_extraction_signer(j->x);
    size_t end = tcpl_doc_block_count(j->doc);
    if (sg->block >= 0 && (size_t)sg->block < end)
        end = (size_t)sg->block;
    for (size_t b = 0; b < end && reported < r->max; b++) {
        const tcpl_block *bl = tcpl_doc_block(j->doc, b);
        if (bl->part != TCPL_PART_BODY || bl->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        size_t pos = 0;
        tok t;
        while (reported < r->max && next_word(bl->text, bl->text_len, &pos, &t)) {
            size_t len = t.end - t.start;
            /* abbreviations (UBND, TTg), symbols, one letter ("Đ"), very long */
            if (t.glued || t.caps > 1 || len >= TCPL_WORD_MAX ||
                utf8proc_iterate((const utf8proc_uint8_t *)bl->text + t.start,
                                 (utf8proc_ssize_t)len,
                                 &(utf8proc_int32_t){0}) == (utf8proc_ssize_t)len)
                continue;
            char w[TCPL_WORD_MAX * 2];
            if (spell_fold(sp, bl->text + t.start, len, w, sizeof w) < 0)
                continue;
            char sug[TCPL_WORD_MAX * 2];
            if (spell_word(sp, slot, w, sug, sizeof sug) != 0)
                continue; /* right, or reported already in this document */
            char found[TCPL_WORD_MAX * 2];
            snprintf(found, sizeof found, "%.*s", (int)len, bl->text + t.start);
            kv v[] = {{"found", found}, {"suggestion", sug}};
            if ((rc = rl_add(j, r, (int)b, v, 2, sug[0] ? sug : NULL)) < 0)
                goto out;
            reported++;
        }
    }
out:
    spell_give(sp, slot);
    return rc;
}

/* One mark apart: the same letters but one syllable's vowel mark or tone
 * differs (tone placement, "hoà"/"hòa", is not a difference). */
static int one_mark_apart(const char *a, size_t an, const char *b)
{
    char sa[TCPL_WORD_MAX * 4], sb[TCPL_WORD_MAX * 4];
    int ta, tb;
    /* split both on their single space */
    const char *asp = memchr(a, ' ', an);
    const char *bsp = strchr(b, ' ');
    if (!asp || !bsp)
        return 0;
    int diff = 0;
    const char *pa[2] = {a, asp + 1}, *pb[2] = {b, bsp + 1};
    size_t la[2] = {(size_t)(asp - a), an - (size_t)(asp - a) - 1};
    size_t lb[2] = {(size_t)(bsp - b), strlen(bsp + 1)};
    for (int k = 0; k < 2; k++) {
        if (spell_shape(pa[k], la[k], sa, sizeof sa, &ta) < 0 ||
            spell_shape(pb[k], lb[k], sb, sizeof sb, &tb) < 0)
            return 0;
        diff += strcmp(sa, sb) != 0;
        diff += ta != tb;
    }
    return diff == 1;
}

/* How a pair of adjacent words relates to the compounds: 0 none, 1 one mark
 * away from one (a slip), 2 exactly one. */
/* A word of the window with its casefolded and mark-free forms, made once
 * (each is one utf8proc pass; the pairs and phrases are joined from them). */
typedef struct wtok {
    tok t;
    char fold[TCPL_WORD_MAX * 2];
    char base[TCPL_WORD_MAX * 2];
} wtok;

static int pair_kind(const char *text, const wtok *a, const wtok *b, tcpl_spell *sp,
                     const spell_entry **e)
{
    char base[TCPL_WORD_MAX * 4 + 2];
    size_t la = strlen(a->base), lb = strlen(b->base);
    memcpy(base, a->base, la);
    base[la] = ' ';
    memcpy(base + la + 1, b->base, lb + 1);
    *e = spell_compound(sp, base);
    if (!*e)
        return 0;
    /* most pairs are the compound itself: no need to compare marks */
    char folded[TCPL_WORD_MAX * 4 + 2];
    la = strlen(a->fold);
    lb = strlen(b->fold);
    memcpy(folded, a->fold, la);
    folded[la] = ' ';
    memcpy(folded + la + 1, b->fold, lb + 1);
    if (!strcmp(folded, (*e)->right))
        return 2;
    size_t from = a->t.start, to = b->t.end;
    return one_mark_apart(text + from, to - from, (*e)->right) ? 1 : 2;
}

static int report_pair(cjob *j, const rule *r, int block, const char *text, const tok *a,
                       const tok *b, const spell_entry *e)
{
    char found[TCPL_WORD_MAX * 4];
    snprintf(found, sizeof found, "%.*s", (int)(b->end - a->start), text + a->start);
    kv v[] = {{"found", found}, {"expected", e->right}};
    return rl_add(j, r, block, v, 2, e->right);
}

static int compounds(cjob *j, const rule *r, tcpl_spell *sp)
{
    int rc = 0, reported = 0;
    for (size_t b = 0; b < tcpl_doc_block_count(j->doc) && reported < r->max; b++) {
        const tcpl_block *bl = tcpl_doc_block(j->doc, b);
        if (bl->part != TCPL_PART_BODY || bl->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        const char *text = bl->text;
        wtok win[TCPL_SPELL_WINDOW];
        size_t nw = 0, pos = 0;
        tok t;
        /* A slip is reported one word late: "cơ sở kết quả" is two right
         * compounds, so a pair whose words belong to a right compound on
         * either side is no slip. */
        int prev_exact = 0, pending = 0;
        tok pa = {0, 0, 0, 0}, pb = {0, 0, 0, 0};
        const spell_entry *pe = NULL;
        for (;;) {
            int more = reported < r->max && next_word(text, bl->text_len, &pos, &t);
            int joined = more && nw && t.start == win[nw - 1].t.end + 1 &&
                         text[t.start - 1] == ' ' && t.end - t.start < TCPL_WORD_MAX;
            if (!joined) {
                if (pending) {
                    if ((rc = report_pair(j, r, (int)b, text, &pa, &pb, pe)) < 0)
                        goto out;
                    reported++;
                }
                pending = prev_exact = 0;
                nw = 0;
                if (!more)
                    break;
                if (t.end - t.start >= TCPL_WORD_MAX)
                    continue;
            }
            if (nw == TCPL_SPELL_WINDOW) {
                memmove(win, win + 1, (TCPL_SPELL_WINDOW - 1) * sizeof *win);
                nw--;
            }
            wtok *w = &win[nw];
            w->t = t;
            if (spell_fold(sp, text + t.start, t.end - t.start, w->fold, sizeof w->fold) < 0 ||
                spell_bare(sp, text + t.start, t.end - t.start, w->base, sizeof w->base) < 0) {
                nw = 0; /* not UTF-8: not a word */
                continue;
            }
            nw++;
            /* known confusions of one to three words ending here */
            /* the phrase is built from its end: "b", "a b", "x a b" */
            char phrase[TCPL_SPELL_WINDOW * (TCPL_WORD_MAX * 2 + 1)];
            size_t at = sizeof phrase - 1;
            phrase[at] = 0;
            /* (none ends with this word: no lookups) */
            size_t kmax = spell_confusion_ends(sp, win[nw - 1].fold) ? nw : 0;
            for (size_t k = 1; k <= kmax && reported < r->max; k++) {
                const char *wf = win[nw - k].fold;
                size_t l = strlen(wf);
                if (k > 1)
                    phrase[--at] = ' ';
                at -= l;
                memcpy(phrase + at, wf, l);
                const spell_entry *e = spell_confusion(sp, phrase + at);
                if (e) {
                    size_t from = win[nw - k].t.start;
                    char found[TCPL_WORD_MAX * 8];
                    snprintf(found, sizeof found, "%.*s", (int)(t.end - from), text + from);
                    kv v[] = {{"found", found}, {"expected", e->right}};
                    if ((rc = rl_add(j, r, (int)b, v, 2, e->right)) < 0)
                        goto out;
                    reported++;
                }
            }
            if (nw < 2)
                continue;
            const spell_entry *e = NULL;
            int kind = pair_kind(text, &win[nw - 2], &win[nw - 1], sp, &e);
            if (pending) {
                if (kind != 2) {
                    if ((rc = report_pair(j, r, (int)b, text, &pa, &pb, pe)) < 0)
                        goto out;
                    reported++;
                }
                pending = 0;
            }
            /* "báo cáo Sở kết quả": a capital starts a name, not a slip */
            int named = win[nw - 2].t.caps || win[nw - 1].t.caps;
            if (kind == 1 && !named && !prev_exact) {
                pending = 1;
                pa = win[nw - 2].t;
                pb = win[nw - 1].t;
                pe = e;
            }
            prev_exact = kind == 2;
        }
    }
out:
    return rc;
}

/* Unit names.  "units": the printed name begins with a name of
 * checks/units.yaml written with other capitals ("Sở Tư Pháp" for "Sở Tư
 * pháp").  "abbreviations": a name given only by the abbreviation it opens
 * with ("UBND xã"). */
static int wrong_case(tcpl_spell *sp, const char *p, char *fix, size_t size)
{
    for (size_t i = 0; i < spell_unit_count(sp); i++) {
        const char *k = spell_unit(sp, i);
        size_t kl = strlen(k);
        char fp[512], fk[512];
        if (strlen(p) < kl || kl >= 256 || (p[kl] && p[kl] != ' ' && p[kl] != ','))
            continue;
        if (spell_fold(sp, p, kl, fp, sizeof fp) < 0 || spell_fold(sp, k, kl, fk, sizeof fk) < 0)
            continue;
        /* the first letter may follow the sentence ("các cơ quan ...") */
        utf8proc_int32_t c0;
        utf8proc_ssize_t l0 = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c0);
        if (l0 <= 0 || (size_t)l0 > kl)
            continue;
        if (!strcmp(fp, fk) && strncmp(p + l0, k + l0, kl - (size_t)l0)) {
            snprintf(fix, size, "%s%s", k, p + kl);
            return 1;
        }
    }
    return 0;
}

static int opens_with_abbreviation(const char *p, const char *canonical)
{
    size_t w = 0;
    int upper = 0, lower = 0;
    while (p[w] && p[w] != ' ') {
        upper += (p[w] >= 'A' && p[w] <= 'Z') || (unsigned char)p[w] == 0xC4; /* Đ */
        lower += p[w] >= 'a' && p[w] <= 'z';
        w++;
    }
    return w >= 2 && upper >= 2 && !lower && strncmp(p, canonical, w) != 0;
}

/* Names reported per document by one rule (the rule's max is capped to it). */
#define TCPL_UNITS_SAID 64

static int units(cjob *j, const rule *r, tcpl_spell *sp, int abbreviations)
{
    int reported = 0, max = r->max < TCPL_UNITS_SAID ? r->max : TCPL_UNITS_SAID;
    const char *said[TCPL_UNITS_SAID];
    for (size_t i = 0; i < tcpl_extraction_activity_count(j->x) && reported < max; i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
        for (int which = 0; which < 2; which++) {
            const tcpl_xunit *u = which ? a->support : a->lead;
            size_t n = which ? a->nsupport : a->nlead;
            for (size_t k = 0; k < n && reported < max; k++) {
                char fix[600] = "";
                const char *p = u[k].printed;
                int hit = abbreviations ? opens_with_abbreviation(p, u[k].canonical)
                                        : sp && wrong_case(sp, p, fix, sizeof fix);
                if (!hit)
                    continue;
                /* one finding per name written wrong, at its first place */
                int again = 0;
                for (int q = 0; q < reported && !again; q++)
                    again = !strcmp(said[q], p);
                if (again)
                    continue;
                said[reported] = p;
                const char *expected = abbreviations ? u[k].canonical : fix;
                kv v[] = {{"found", p}, {"expected", expected}, {"path", a->path}};
                int block = which || a->lead_block < 0 ? a->block : a->lead_block;
                int rc = rl_add(j, r, block, v, 3, expected);
                if (rc < 0)
                    return rc;
                reported++;
            }
        }
    }
    return 0;
}

int r_spelling(cjob *j, const rule *r)
{
    tcpl_spell *sp = j->c->spell;
    if (!strcmp(r->check, "units"))
        return units(j, r, sp, 0);
    if (!strcmp(r->check, "abbreviations"))
        return units(j, r, sp, 1);
    if (!sp)
        return 0;
    if (!strcmp(r->check, "compounds"))
        return compounds(j, r, sp);
    if (!spell_has_dictionary(sp)) {
        /* say once that the syllable check could not run */
        rule nodict = *r;
        nodict.severity = TCPL_SEV_GOI_Y;
        nodict.message_vi = tcpl_msg(j->c->ctx, "check.no_dictionary");
        nodict.message_en = "";
        nodict.fix = "";
        return rl_add(j, &nodict, -1, NULL, 0, NULL);
    }
    return syllables(j, r, sp);
}
