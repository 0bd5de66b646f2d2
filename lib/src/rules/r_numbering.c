/* numbering rules: continuity of typed section numbers at each level —
 * duplicates, gaps, wrong order, Vietnamese letter order, a 2.2.3. under
 * the wrong parent.  Labels Word numbers itself are checked too: the reader
 * renders them as Word shows them, and a restart or override can slip. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "rules/rules.h"

static const char *const checks[] = {"duplicate", "order", "letters", "parent"};

int r_numbering_known(const char *check)
{
    return rl_known(checks, sizeof checks / sizeof checks[0], check);
}

/* Vietnamese list letters: no f, j, w, z; đ after d. */
static const char *const letters[] = {"a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
                                      "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y"};
enum { NLETTERS = sizeof letters / sizeof letters[0] };

typedef enum { K_NONE, K_ROMAN, K_DECIMAL, K_LETTER, K_ACTIVITY } kind;

static int roman(const char *s, size_t n)
{
    int v = 0, prev = 0;
    for (size_t i = n; i-- > 0;) {
        int d = s[i] == 'I' ? 1 : s[i] == 'V' ? 5 : s[i] == 'X' ? 10 : s[i] == 'L' ? 50 : 0;
        if (!d)
            return -1;
        v += d < prev ? -d : d;
        if (d > prev)
            prev = d;
    }
    return v;
}

/* The kind and value of a label; components of a decimal label in *depth. */
static kind parse(const char *label, int *value, int *depth, int *bad_letter)
{
    size_t n = strlen(label);
    while (n && (label[n - 1] == '.' || label[n - 1] == ')' || label[n - 1] == ':'))
        n--;
    *depth = 0;
    *bad_letter = 0;
    if (!n)
        return K_NONE;
    if (label[0] >= '0' && label[0] <= '9') {
        const char *last = label;
        int d = 1;
        for (size_t i = 0; i < n; i++) {
            if (label[i] == '.') {
                last = label + i + 1;
                d++;
            } else if (label[i] < '0' || label[i] > '9')
                return K_NONE;
        }
        *value = atoi(last);
        *depth = d;
        return K_DECIMAL;
    }
    if (label[n] == ')' || (n <= 2 && label[n] == ')')) {
        for (int i = 0; i < NLETTERS; i++)
            if (strlen(letters[i]) == n && !strncmp(letters[i], label, n)) {
                *value = i + 1;
                return K_LETTER;
            }
        if (n == 1 && strchr("fjwz", label[0])) {
            *bad_letter = 1;
            *value = 0;
            return K_LETTER;
        }
        return K_NONE;
    }
    int r = roman(label, n);
    if (r > 0) {
        *value = r;
        return K_ROMAN;
    }
    const char *p = label + n;
    while (p > label && p[-1] >= '0' && p[-1] <= '9')
        p--;
    if (*p) {
        *value = atoi(p);
        return K_ACTIVITY;
    }
    return K_NONE;
}

static void label_of(kind k, int v, const char *like, char *out, size_t size)
{
    switch (k) {
    case K_DECIMAL: {
        /* the same prefix as `like`, the last component v */
        const char *dot = NULL;
        size_t n = strlen(like);
        while (n && like[n - 1] == '.')
            n--;
        for (size_t i = 0; i < n; i++)
            if (like[i] == '.')
                dot = like + i;
        snprintf(out, size, "%.*s%d.", dot ? (int)(dot - like + 1) : 0, like, v);
        break;
    }
    case K_LETTER:
        snprintf(out, size, "%s)", v >= 1 && v <= NLETTERS ? letters[v - 1] : "?");
        break;
    case K_ROMAN: {
        static const char *const r[] = {"",    "I",    "II", "III", "IV", "V",   "VI",
                                        "VII", "VIII", "IX", "X",   "XI", "XII", "XIII"};
        if (v > 0 && v < 14)
            snprintf(out, size, "%s.", r[v]);
        else
            snprintf(out, size, "%d.", v);
        break;
    }
    default: {
        /* "Hoạt động 2" -> "Hoạt động 3": the same words, the number v */
        size_t n = strlen(like);
        while (n && like[n - 1] >= '0' && like[n - 1] <= '9')
            n--;
        snprintf(out, size, "%.*s%d", (int)n, like, v);
    }
    }
}

/* Paragraphs searched for a label run into the text before an item. */
#define TCPL_RUNON_BLOCKS 200

/* Is the label `want` written inside the paragraphs [from, to) — a
 * heading run into the text before it ("2. Các nhiệm vụ ... Hoạt động 1:
 * Chỉ đạo ..."), as renderings that lose paragraph breaks make?  Then the
 * item is there and no number is missing.  The label counts where a word
 * starts and the next word does ("1. Mục đích", "Hoạt động 1: ..."). */
static int run_on(cjob *j, int from, int to, const char *want)
{
    size_t wl = strlen(want);
    int words = want[0] < '0' || want[0] > '9'; /* "Hoạt động 1", "b)", "II." */
    if (to - from > TCPL_RUNON_BLOCKS)
        from = to - TCPL_RUNON_BLOCKS;
    for (int b = from < 0 ? 0 : from; b < to; b++) {
        const tcpl_block *bl = tcpl_doc_block(j->doc, (size_t)b);
        if (bl->kind != TCPL_BLOCK_PARAGRAPH || bl->text_len <= wl)
            continue;
        const char *t = bl->text, *end = t + bl->text_len;
        for (const char *q = t + 1; q + wl < end; q++) {
            q = memchr(q, want[0], (size_t)(end - q - (ptrdiff_t)wl));
            if (!q)
                break;
            if (q[-1] != ' ' || memcmp(q, want, wl))
                continue;
            char after = q[wl];
            /* "Hoạt động 1:" / "1. Mục" / "b) Tổ chức"; not "Hoạt động 10" */
            if (after >= '0' && after <= '9')
                continue;
            if (after == ' ' || after == ':' || (words && after == '.'))
                return 1;
        }
    }
    return 0;
}

typedef struct sib {
    kind k;
    int value;
    int index; /* section index of the previous sibling, -1 none */
    int slip;  /* the previous sibling was a duplicate that the next number fixes */
} sib;

int r_numbering(cjob *j, const rule *r)
{
    size_t ns = tcpl_extraction_section_count(j->x);
    /* The last sibling seen under each parent (index parent + 1). */
    sib *last = calloc(ns + 1, sizeof *last);
    if (!last)
        return TCPL_ERR_NOMEM;
    int rc = 0;
    for (size_t i = 0; i <= ns; i++)
        last[i].index = -1;
    for (size_t i = 0; rc >= 0 && i < ns; i++) {
        const tcpl_xsection *s = tcpl_extraction_section(j->x, i);
        int v = 0, depth = 0, bad_letter = 0;
        kind k = parse(s->label, &v, &depth, &bad_letter);
        if (k == K_NONE)
            continue;
        sib *p = &last[s->parent + 1];
        char want[48], prev_label[48] = "";
        if (!strcmp(r->check, "parent")) {
            if (k != K_DECIMAL || depth < 2 || s->parent < 0)
                continue;
            const tcpl_xsection *par = tcpl_extraction_section(j->x, (size_t)s->parent);
            int pv, pd, pb;
            if (parse(par->label, &pv, &pd, &pb) != K_DECIMAL)
                continue;
            size_t pl = strlen(par->label), sl = strlen(s->label);
            while (pl && par->label[pl - 1] == '.')
                pl--;
            /* "2.2.3." belongs under "2.2." */
            if (sl <= pl || strncmp(s->label, par->label, pl) || s->label[pl] != '.') {
                kv vals[] = {{"label", s->label}, {"parent", par->label}, {"path", s->path}};
                rc = rl_add(j, r, s->block, vals, 3, NULL);
            }
            continue;
        }
        if (bad_letter) {
            if (!strcmp(r->check, "letters")) {
                label_of(K_LETTER, p->k == K_LETTER ? p->value + 1 : 1, "", want, sizeof want);
                kv vals[] = {{"label", s->label}, {"expected", want}, {"path", s->path}};
                rc = rl_add(j, r, s->block, vals, 3, want);
            }
            p->k = K_LETTER;
            p->value = p->value + 1;
            p->index = (int)i;
            continue;
        }
        int expected = p->k == k && p->index >= 0 ? p->value + 1 : 1;
        if (p->k == k && p->index >= 0)
            snprintf(prev_label, sizeof prev_label, "%s",
                     tcpl_extraction_section(j->x, (size_t)p->index)->label);
        else if (s->parent >= 0) /* the first child comes after its parent */
            snprintf(prev_label, sizeof prev_label, "%s",
                     tcpl_extraction_section(j->x, (size_t)s->parent)->label);
        int was_slip = p->slip;
        p->slip = 0;
        if (!strcmp(r->check, "duplicate") && p->k == k && p->index >= 0 && v == p->value) {
            /* Is the next sibling numbered as if this one had been v+1? */
            char fix[48] = "";
            for (size_t n = i + 1; n < ns; n++) {
                const tcpl_xsection *t = tcpl_extraction_section(j->x, n);
                if (t->parent == s->parent) {
                    int tv, td, tb;
                    if (parse(t->label, &tv, &td, &tb) == k && tv == v + 2)
                        label_of(k, v + 1, s->label, fix, sizeof fix);
                    break;
                }
                if (t->level <= s->level)
                    break;
            }
            kv vals[] = {{"label", s->label},
                         {"previous", tcpl_extraction_section(j->x, (size_t)p->index)->path},
                         {"path", s->path}};
            rc = rl_add(j, r, s->block, vals, 3, fix[0] ? fix : NULL);
        } else if (p->k == k && p->index >= 0 && v == p->value) {
            /* duplicates are the duplicate check's; the gap after a slip too */
        } else if (v != expected && !was_slip && (p->k == k || p->index < 0)) {
            int letter_gap = k == K_LETTER && v > expected;
            int prev_block = p->index >= 0 ? tcpl_extraction_section(j->x, (size_t)p->index)->block
                             : s->parent >= 0
                                 ? tcpl_extraction_section(j->x, (size_t)s->parent)->block
                                 : s->block;
            label_of(k, expected, s->label, want, sizeof want);
            /* "Hoạt động1", the label glued to its number (another slip) */
            char glued[sizeof want * 2];
            const char *sp = strrchr(want, ' ');
            snprintf(glued, sizeof glued, "%.*s%s", sp ? (int)(sp - want) : 0, want,
                     sp ? sp + 1 : want);
            if (((!strcmp(r->check, "letters") && letter_gap) ||
                 (!strcmp(r->check, "order") && !letter_gap)) &&
                !run_on(j, prev_block, s->block, want) && !run_on(j, prev_block, s->block, glued)) {
                kv vals[] = {{"label", s->label},
                             {"expected", want},
                             {"previous", prev_label},
                             {"path", s->path}};
                rc = rl_add(j, r, s->block, vals, 4, NULL);
            }
        }
        /* A duplicate followed by v+2 is one slip: the next number is fine. */
        if (p->k == k && p->index >= 0 && v == p->value)
            p->slip = 1;
        p->k = k;
        p->value = v;
        p->index = (int)i;
    }
    free(last);
    return rc;
}
