#include "extract/citations.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/vec.h"
#include "base/data.h"
#include "base/error.h"
#include "base/re.h"
#include "extract/timeexpr.h"

#define CITE_FILE "patterns/citations.yaml"

typedef struct form {
    const char *fold; /* printed form, folded */
    const char *kind;
} form;

typedef struct wordlist {
    const char **p; /* folded, longest first */
    size_t n;
} wordlist;

struct tcpl_citer {
    tcpl_arena arena;
    const tcpl_timeparser *tp; /* borrowed, or own_tp */
    tcpl_timeparser *own_tp;
    tcpl_re main, date, law;
    int g_kind, g_num, g_date, g_lkind, g_lname, g_lyear;
    form *forms;
    size_t nforms;
    const char *intro;
    const char *and_word; /* joins two issuers: "Bộ Tài chính và Bộ Tư pháp" */
    wordlist stop, heads;
};

/* ---- text helpers ---- */

static int is_space_cp(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

static int is_word_cp(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_MN) ||
           (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO) || k == UTF8PROC_CATEGORY_MC;
}

/* Code point at s[i] (U+FFFD for a bad byte) and its length. */
static int32_t cp_at(const char *s, size_t len, size_t i, size_t *k)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t r =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
    if (r <= 0) {
        *k = 1;
        return 0xFFFD;
    }
    *k = (size_t)r;
    return c;
}

/* Lower case, whitespace runs one space, trimmed. */
static int fold(const char *s, size_t len, tcpl_buf *out)
{
    int pending = 0;
    for (size_t i = 0; i < len;) {
        size_t k;
        int32_t c = cp_at(s, len, i, &k);
        i += k;
        if (is_space_cp(c)) {
            pending = out->len > 0;
            continue;
        }
        if (pending)
            tcpl_buf_putc(out, ' ');
        pending = 0;
        tcpl_buf_put_utf8(out, (unsigned)utf8proc_tolower(c));
    }
    if (!out->data)
        tcpl_buf_puts(out, "");
    return tcpl_buf_ok(out) ? 0 : TCPL_ERR_NOMEM;
}

/* End of folded phrase p matched at s[i] as whole words (any whitespace run
 * in s matching one space in p), or 0. */
static size_t match_fold(const char *s, size_t len, size_t i, const char *p)
{
    size_t j = 0, pl = strlen(p);
    if (!pl)
        return 0;
    while (j < pl) {
        if (i >= len)
            return 0;
        size_t k;
        int32_t c = cp_at(s, len, i, &k);
        if (p[j] == ' ') {
            if (!is_space_cp(c))
                return 0;
            while (i < len && is_space_cp(cp_at(s, len, i, &k)))
                i += k;
            j++;
            continue;
        }
        utf8proc_int32_t pc;
        utf8proc_ssize_t pk =
            utf8proc_iterate((const utf8proc_uint8_t *)p + j, (utf8proc_ssize_t)(pl - j), &pc);
        if (pk <= 0 || utf8proc_tolower(c) != pc)
            return 0;
        i += k;
        j += (size_t)pk;
    }
    size_t k;
    if (i < len && is_word_cp(cp_at(s, len, i, &k)))
        return 0;
    return i;
}

static size_t match_list(const char *s, size_t len, size_t i, const wordlist *w)
{
    for (size_t j = 0; j < w->n; j++) {
        size_t e = match_fold(s, len, i, w->p[j]);
        if (e)
            return e;
    }
    return 0;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
    size_t k;
    while (i < len && is_space_cp(cp_at(s, len, i, &k)))
        i += k;
    return i;
}

/* ---- dates ---- */

/* ---- loading ---- */

static int cmp_len_desc(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

static int cmp_form_len_desc(const void *a, const void *b)
{
    size_t la = strlen(((const form *)a)->fold), lb = strlen(((const form *)b)->fold);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

static const char *fold_dup(tcpl_arena *a, const char *s)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    const char *r = NULL;
    if (fold(s, strlen(s), &b) == 0)
        r = tcpl_arena_strndup(a, b.data, b.len);
    tcpl_buf_free(&b);
    return r;
}

static int data_err(tcpl_error *err, yaml_node_t *n, const char *what)
{
    char where[32];
    snprintf(where, sizeof where, "line %d", tcpl_yaml_line(n));
    return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", CITE_FILE, where, "%s", what);
}

static int load_words(tcpl_citer *c, tcpl_yaml *y, const char *key, wordlist *w, tcpl_error *err)
{
    yaml_node_t *seq = tcpl_yaml_get(y, tcpl_yaml_root(y), key);
    size_t n = tcpl_yaml_len(seq);
    if (!n)
        return data_err(err, seq, key);
    w->p = tcpl_arena_alloc(&c->arena, n * sizeof *w->p);
    if (!w->p)
        return TCPL_NOMEM(err, CITE_FILE);
    for (size_t i = 0; i < n; i++) {
        const char *t = tcpl_yaml_str(tcpl_yaml_item(y, seq, i));
        if (!t || !*t)
            return data_err(err, seq, key);
        if (!(w->p[w->n++] = fold_dup(&c->arena, t)))
            return TCPL_NOMEM(err, CITE_FILE);
    }
    qsort(w->p, w->n, sizeof *w->p, cmp_len_desc);
    return 0;
}

/* A printed form as a pattern: words joined by \s+, metacharacters escaped. */
static void put_form(tcpl_buf *b, const char *f)
{
    for (const char *p = f; *p; p++) {
        if (*p == ' ')
            tcpl_buf_puts(b, "\\s+");
        else {
            if (strchr("\\^$.|?*+()[]{}", *p))
                tcpl_buf_putc(b, '\\');
            tcpl_buf_putc(b, *p);
        }
    }
}

static int add_form(tcpl_citer *c, tcpl_vec *all, const char *text, const char *kind)
{
    const char *f = fold_dup(&c->arena, text);
    form *o = f ? tcpl_vec_push(all) : NULL;
    if (!o)
        return TCPL_ERR_NOMEM;
    o->fold = f;
    o->kind = kind;
    return 0;
}

static int load_kinds(tcpl_citer *c, tcpl_yaml *y, tcpl_error *err)
{
    yaml_node_t *seq = tcpl_yaml_get(y, tcpl_yaml_root(y), "kinds");
    if (!tcpl_yaml_len(seq))
        return data_err(err, seq, "'kinds' must be a non-empty list");
    tcpl_vec all = TCPL_VEC_INIT(form);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < tcpl_yaml_len(seq); i++) {
        yaml_node_t *it = tcpl_yaml_item(y, seq, i);
        const char *k = tcpl_yaml_str(tcpl_yaml_get(y, it, "kind"));
        if (!k || !*k) {
            rc = data_err(err, it, "each kind needs 'kind'");
            break;
        }
        const char *kind = tcpl_arena_strdup(&c->arena, k);
        yaml_node_t *forms = tcpl_yaml_get(y, it, "forms");
        size_t nf = tcpl_yaml_len(forms);
        if (!kind || (!nf && add_form(c, &all, kind, kind) < 0))
            rc = TCPL_NOMEM(err, CITE_FILE);
        for (size_t j = 0; rc == 0 && j < nf; j++) {
            const char *f = tcpl_yaml_str(tcpl_yaml_item(y, forms, j));
            if (!f || !*f)
                rc = data_err(err, forms, "forms must be text");
            else if (add_form(c, &all, f, kind) < 0)
                rc = TCPL_NOMEM(err, CITE_FILE);
        }
    }
    /* the list is the citer's either way: tcpl_citer_free frees it */
    c->forms = tcpl_vec_detach(&all, &c->nforms);
    if (rc == 0)
        qsort(c->forms, c->nforms, sizeof *c->forms, cmp_form_len_desc);
    return rc;
}

static const char *need_str(tcpl_yaml *y, const char *key)
{
    const char *s = tcpl_yaml_str(tcpl_yaml_get(y, tcpl_yaml_root(y), key));
    return s && *s ? s : NULL;
}

int tcpl_citer_new(tcpl_citer **out, const tcpl_ctx *ctx, const tcpl_timeparser *tp,
                   tcpl_error *err)
{
    int rc = 0;
    tcpl_yaml y = {0};
    tcpl_buf pat;
    tcpl_buf_init(&pat);
    *out = NULL;
    tcpl_citer *c = calloc(1, sizeof *c);
    if (!c)
        return TCPL_NOMEM(err, CITE_FILE);
    tcpl_arena_init(&c->arena);
    if (tp) {
        c->tp = tp;
    } else {
        TCPL_CHECK(tcpl_timeparser_new(&c->own_tp, ctx, err));
        c->tp = c->own_tp;
    }
    TCPL_CHECK(tcpl_yaml_load(&y, ctx, CITE_FILE, err));
    TCPL_CHECK(load_kinds(c, &y, err));
    TCPL_CHECK(load_words(c, &y, "issuer_stop", &c->stop, err));
    TCPL_CHECK(load_words(c, &y, "issuer_heads", &c->heads, err));
    const char *number = need_str(&y, "number"), *prefix = need_str(&y, "number_prefix");
    const char *date = need_str(&y, "date"), *law = need_str(&y, "law_by_name");
    const char *intro = need_str(&y, "issuer_intro");
    if (!number || !prefix || !date || !law || !intro) {
        rc = data_err(err, tcpl_yaml_root(&y),
                      "needs number, number_prefix, date, law_by_name and issuer_intro");
        goto out;
    }
    const char *and_word = need_str(&y, "issuer_and");
    if (!(c->and_word = fold_dup(&c->arena, and_word ? and_word : ""))) {
        rc = TCPL_NOMEM(err, CITE_FILE);
        goto out;
    }
    if (!(c->intro = fold_dup(&c->arena, intro))) {
        rc = TCPL_NOMEM(err, CITE_FILE);
        goto out;
    }
    tcpl_buf_puts(&pat, "(?<![\\p{L}\\p{N}])(?<kind>(?i:");
    for (size_t i = 0; i < c->nforms; i++) {
        if (i)
            tcpl_buf_putc(&pat, '|');
        put_form(&pat, c->forms[i].fold);
    }
    /* possessive: the prefix and the number start with no blank, so giving
     * blanks back could never help, only cost a step per blank */
    tcpl_buf_printf(&pat, "))\\s++(?:%s)?(?<num>%s)", prefix, number);
    if (!tcpl_buf_ok(&pat)) {
        rc = TCPL_NOMEM(err, CITE_FILE);
        goto out;
    }
    TCPL_CHECK(tcpl_re_compile(&c->main, pat.data, 0, CITE_FILE,
                               tcpl_yaml_line(tcpl_yaml_get(&y, tcpl_yaml_root(&y), "number")),
                               err));
    TCPL_CHECK(tcpl_re_compile(&c->date, date, 0, CITE_FILE,
                               tcpl_yaml_line(tcpl_yaml_get(&y, tcpl_yaml_root(&y), "date")), err));
    TCPL_CHECK(tcpl_re_compile(&c->law, law, 0, CITE_FILE,
                               tcpl_yaml_line(tcpl_yaml_get(&y, tcpl_yaml_root(&y), "law_by_name")),
                               err));
    c->g_kind = tcpl_re_group_number(&c->main, "kind");
    c->g_num = tcpl_re_group_number(&c->main, "num");
    c->g_date = tcpl_re_group_number(&c->date, "date");
    c->g_lkind = tcpl_re_group_number(&c->law, "kind");
    c->g_lname = tcpl_re_group_number(&c->law, "name");
    c->g_lyear = tcpl_re_group_number(&c->law, "year");
    if (c->g_date < 0 || c->g_lkind < 0 || c->g_lname < 0 || c->g_lyear < 0)
        rc = data_err(err, tcpl_yaml_root(&y),
                      "date needs group (?<date>), law_by_name groups kind, name, year");
out:
    tcpl_buf_free(&pat);
    tcpl_yaml_free(&y);
    if (rc < 0) {
        tcpl_citer_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void tcpl_citer_free(tcpl_citer *c)
{
    if (!c)
        return;
    tcpl_re_free(&c->main);
    tcpl_re_free(&c->date);
    tcpl_re_free(&c->law);
    tcpl_timeparser_free(c->own_tp);
    free(c->forms);
    tcpl_arena_free(&c->arena);
    free(c);
}

/* ---- finding ---- */

/* The canonical kind of the printed form s[a..b) into *k (NULL if none).
 * 0 or TCPL_ERR_NOMEM. */
static int kind_of(const tcpl_citer *c, const char *s, size_t a, size_t b, const char **k)
{
    tcpl_buf f;
    tcpl_buf_init(&f);
    *k = NULL;
    int rc = fold(s + a, b - a, &f);
    if (rc == 0)
        for (size_t i = 0; i < c->nforms && !*k; i++)
            if (!strcmp(c->forms[i].fold, f.data))
                *k = c->forms[i].kind;
    tcpl_buf_free(&f);
    return rc;
}

static int is_punct_at(const char *s, size_t len, size_t i)
{
    size_t k;
    int32_t c = cp_at(s, len, i, &k);
    return c == ',' || c == ';' || c == '.' || c == ':' || c == '(' || c == ')' || c == '[' ||
           c == ']' || c == '"' || c == '/' || c == '?' || c == '!' || c == 0x201C || c == 0x201D ||
           c == 0x2018 || c == 0x2019 || c == 0x2026;
}

/* The issuer after "của" at s[i]: sets [*a, *b) or leaves them equal. */
static void find_issuer(const tcpl_citer *c, const char *s, size_t len, size_t i, size_t *a,
                        size_t *b)
{
    *a = *b = i;
    size_t p = skip_ws(s, len, i), e = match_fold(s, len, p, c->intro);
    if (!e)
        return;
    p = skip_ws(s, len, e);
    size_t start = p, end = p;
    int words = 0;
    while (p < len && words < TCPL_CITE_ISSUER_WORDS) {
        if (is_punct_at(s, len, p)) {
            /* "của Bộ Tài chính, Bộ Tư pháp": a comma, then another issuer */
            size_t q = skip_ws(s, len, p + 1);
            if (s[p] == ',' && words > 0 && match_list(s, len, q, &c->heads)) {
                p = q;
                continue;
            }
            break;
        }
        size_t se = match_list(s, len, p, &c->stop);
        if (se) {
            size_t q = skip_ws(s, len, se);
            if (words > 0 && c->and_word[0] && match_fold(s, len, p, c->and_word) &&
                match_list(s, len, q, &c->heads)) {
                p = q;
                continue;
            }
            break;
        }
        size_t k;
        while (p < len && !is_space_cp(cp_at(s, len, p, &k)) && !is_punct_at(s, len, p))
            p += k;
        end = p;
        words++;
        p = skip_ws(s, len, p);
    }
    if (end > start) {
        *a = start;
        *b = end;
    }
}

/* The number as stored: without whitespace and without the stray marks
 * the number pattern tolerates (a dot before a separator, an en or em dash
 * for '-', a doubled '-'), so "25/2021/QĐ.-TTg" and "25/2021/QĐ-TTg" are
 * one number. */
static void copy_number(tcpl_citation *ct, const char *s)
{
    size_t n = 0;
    for (size_t i = ct->number_start; i < ct->number_end && n + 1 < sizeof ct->number; i++) {
        if (s[i] == '\xC2' && i + 1 < ct->number_end && s[i + 1] == '\xA0') { /* NBSP */
            i++;
            continue;
        }
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            continue;
        char c = s[i];
        if (s[i] == '\xE2' && i + 2 < ct->number_end && s[i + 1] == '\x80' &&
            (s[i + 2] == '\x93' || s[i + 2] == '\x94')) { /* – — */
            c = '-';
            i += 2;
        }
        if (c == '-' && n > 0 && ct->number[n - 1] == '-')
            continue;
        if ((c == '-' || c == '/') && n > 0 && ct->number[n - 1] == '.')
            n--;
        ct->number[n++] = c;
    }
    ct->number[n] = 0;
}

/* The date text through the shared date parser (timeexpr.c).  0; a
 * pattern limit leaves the date unread (not invalid) and is recorded in
 * *lim for the caller to report; TCPL_ERR_NOMEM or any other error is
 * returned. */
static int set_date(const tcpl_citer *c, tcpl_citation *ct, const char *s, int *lim)
{
    if (ct->date_end <= ct->date_start)
        return 0;
    tcpl_date d;
    int r = tcpl_date_from_text(c->tp, s + ct->date_start, ct->date_end - ct->date_start, &d);
    if (r == TCPL_ERR_LIMIT) {
        *lim = r;
        return 0;
    }
    if (r < 0)
        return r;
    if (r > 0 && d.complete && !d.invalid)
        memcpy(ct->date, d.iso, sizeof ct->date);
    else
        ct->date_invalid = 1;
    return 0;
}

/* The mention at the main pattern's hit: kind, number, date, issuer.  1
 * found, 0 not a citation, or a negative status (never a pattern limit:
 * that is recorded in *lim and the mention kept without its date). */
static int numbered(const tcpl_citer *c, tcpl_match *m, tcpl_match *dm, const char *s, size_t len,
                    tcpl_citation *ct, int *lim)
{
    size_t ka, kb, na, nb;
    tcpl_match_group(m, c->g_kind, &ka, &kb);
    tcpl_match_group(m, c->g_num, &na, &nb);
    if (nb - na >= TCPL_CITE_NUMBER_MAX)
        return 0;
    memset(ct, 0, sizeof *ct);
    int rc = kind_of(c, s, ka, kb, &ct->kind);
    if (rc < 0 || !ct->kind)
        return rc;
    ct->src = s;
    ct->mentions = 1;
    ct->start = ka;
    ct->number_start = na;
    ct->number_end = nb;
    ct->name_start = ct->name_end = nb;
    copy_number(ct, s);
    size_t end = nb;
    int r = tcpl_re_find(&c->date, dm, s, len, nb);
    if (r == TCPL_ERR_LIMIT) {
        *lim = r; /* no date found: the mention is kept without one */
        r = 0;
    }
    if (r < 0)
        return r;
    ct->date_start = ct->date_end = nb;
    if (r == 1) {
        size_t da, db;
        tcpl_match_group(dm, c->g_date, &da, &db);
        ct->date_start = da;
        ct->date_end = db;
        end = db;
        if ((rc = set_date(c, ct, s, lim)) < 0)
            return rc;
    }
    find_issuer(c, s, len, end, &ct->issuer_start, &ct->issuer_end);
    if (ct->issuer_end > ct->issuer_start)
        end = ct->issuer_end;
    ct->end = end;
    return 1;
}

static int by_name(const tcpl_citer *c, tcpl_match *m, const char *s, size_t len, tcpl_citation *ct)
{
    size_t ka, kb, na, nb, ya, yb;
    tcpl_match_group(m, c->g_lkind, &ka, &kb);
    tcpl_match_group(m, c->g_lname, &na, &nb);
    tcpl_match_group(m, c->g_lyear, &ya, &yb);
    memset(ct, 0, sizeof *ct);
    int rc = kind_of(c, s, ka, kb, &ct->kind);
    if (rc < 0 || !ct->kind)
        return rc;
    ct->src = s;
    ct->mentions = 1;
    ct->start = ka;
    ct->number_start = ct->number_end = ka;
    ct->name_start = na;
    ct->name_end = nb;
    ct->date_start = ct->date_end = yb;
    for (size_t i = ya; i < yb; i++)
        ct->year = ct->year * 10 + (s[i] - '0');
    find_issuer(c, s, len, yb, &ct->issuer_start, &ct->issuer_end);
    ct->end = ct->issuer_end > ct->issuer_start ? ct->issuer_end : yb;
    return 1;
}

int tcpl_citations_find(const tcpl_citer *c, const char *s, size_t len, tcpl_citation *out,
                        size_t max, size_t *count)
{
    if (!c || (!s && len) || !count || (!out && max))
        return TCPL_ERR_USAGE;
    *count = 0;
    if (!s)
        return 0;
    tcpl_match m = {0}, lm = {0}, dm = {0};
    int rc = 0;
    size_t pos = 0, n = 0;
    int lim = 0; /* a pattern limit met on the way (TCPL_ERR_LIMIT) */
    if (tcpl_match_init(&m, 8) < 0 || tcpl_match_init(&lm, 8) < 0 || tcpl_match_init(&dm, 4) < 0) {
        rc = TCPL_ERR_NOMEM;
        goto out;
    }
    /* next hit of each pattern from pos; the earlier one wins */
    int rm = tcpl_re_find(&c->main, &m, s, len, pos);
    int rl = tcpl_re_find(&c->law, &lm, s, len, pos);
    while (rm == 1 || rl == 1) {
        size_t ms = (size_t)-1, ls = (size_t)-1, e;
        if (rm == 1)
            tcpl_match_group(&m, 0, &ms, &e);
        if (rl == 1)
            tcpl_match_group(&lm, 0, &ls, &e);
        tcpl_citation ct;
        int got;
        if (ms <= ls)
            got = numbered(c, &m, &dm, s, len, &ct, &lim);
        else
            got = by_name(c, &lm, s, len, &ct);
        if (got < 0) {
            rc = got;
            goto out;
        }
        size_t hit = ms <= ls ? ms : ls;
        if (got) {
            if (n < max)
                out[n] = ct;
            n++; /* counted past max: *count > max says some were left out */
            pos = ct.end;
        } else {
            pos = hit + 1;
        }
        /* only re-run the pattern whose hit lies behind pos */
        if (rm == 1 && ms < pos)
            rm = tcpl_re_find(&c->main, &m, s, len, pos);
        if (rl == 1 && ls < pos)
            rl = tcpl_re_find(&c->law, &lm, s, len, pos);
    }
    /* a status keeps its meaning: out of memory stays out of memory */
    rc = rm < 0 ? rm : rl < 0 ? rl : lim;
out:
    *count = n;
    tcpl_match_free(&m);
    tcpl_match_free(&lm);
    tcpl_match_free(&dm);
    return rc;
}

/* ---- merging ---- */

/* Same-document key: kind, then the number folded without whitespace and
 * with '-' read as '/'; a law by name: its folded name and year. */
static int merge_key(const tcpl_citation *ct, tcpl_buf *b)
{
    tcpl_buf f;
    tcpl_buf_init(&f);
    tcpl_buf_puts(b, ct->kind ? ct->kind : "");
    tcpl_buf_putc(b, '\x1f');
    int rc;
    if (ct->number[0]) {
        rc = fold(ct->number, strlen(ct->number), &f);
        for (size_t i = 0; rc == 0 && i < f.len; i++)
            tcpl_buf_putc(b, f.data[i] == '-' ? '/' : f.data[i]);
    } else {
        rc = fold(ct->src + ct->name_start, ct->name_end - ct->name_start, &f);
        if (rc == 0)
            tcpl_buf_printf(b, "%s\x1f%d", f.data, ct->year);
    }
    tcpl_buf_free(&f);
    return rc == 0 && tcpl_buf_ok(b) ? 0 : TCPL_ERR_NOMEM;
}

static int fullness(const tcpl_citation *ct)
{
    return (ct->date[0] ? 4 : 0) + (ct->issuer_end > ct->issuer_start ? 2 : 0) +
           (ct->date_end > ct->date_start ? 1 : 0);
}

/* One document of a citeset: its fullest mention so far and what merging
 * needs besides. */
typedef struct cite_entry {
    tcpl_citation c;
    char *key; /* merge_key, malloc'd */
    uint64_t hash;
    char first_date[11]; /* the first valid date given, "" if none yet */
} cite_entry;

static uint64_t key_hash(const char *k)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

void tcpl_citeset_init(tcpl_citeset *s, size_t max)
{
    memset(s, 0, sizeof *s);
    tcpl_vec_init(&s->entries, sizeof(cite_entry));
    s->max = max;
}

void tcpl_citeset_free(tcpl_citeset *s)
{
    for (size_t i = 0; i < s->entries.len; i++)
        free(TCPL_VEC_AT(&s->entries, cite_entry, i).key);
    tcpl_vec_free(&s->entries);
    free(s->slots);
    s->slots = NULL;
    s->nslots = 0;
}

size_t tcpl_citeset_count(const tcpl_citeset *s)
{
    return s->entries.len;
}

const tcpl_citation *tcpl_citeset_get(const tcpl_citeset *s, size_t i)
{
    return i < s->entries.len ? &TCPL_VEC_AT(&s->entries, cite_entry, i).c : NULL;
}

/* Open addressing, slots hold entry index + 1; kept under half full. */
static int grow_slots(tcpl_citeset *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 64;
    size_t *t = calloc(n, sizeof *t);
    if (!t)
        return TCPL_ERR_NOMEM;
    for (size_t i = 0; i < s->entries.len; i++) {
        size_t k = (size_t)TCPL_VEC_AT(&s->entries, cite_entry, i).hash & (n - 1);
        while (t[k])
            k = (k + 1) & (n - 1);
        t[k] = i + 1;
    }
    free(s->slots);
    s->slots = t;
    s->nslots = n;
    return 0;
}

int tcpl_citeset_add(tcpl_citeset *s, const tcpl_citation *ct)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    if (merge_key(ct, &b) < 0) {
        tcpl_buf_free(&b);
        return TCPL_ERR_NOMEM;
    }
    const char *key = b.data ? b.data : "";
    uint64_t h = key_hash(key);
    size_t k = s->nslots ? (size_t)h & (s->nslots - 1) : 0;
    cite_entry *e = NULL;
    while (s->nslots && s->slots[k]) {
        s->probes++;
        cite_entry *x = &TCPL_VEC_AT(&s->entries, cite_entry, s->slots[k] - 1);
        if (x->hash == h && !strcmp(x->key, key)) {
            e = x;
            break;
        }
        k = (k + 1) & (s->nslots - 1);
    }
    unsigned mentions = ct->mentions ? ct->mentions : 1;
    if (e) {
        tcpl_buf_free(&b);
        unsigned total = e->c.mentions + mentions;
        int first_block = e->c.first_block;
        int conflict = e->c.date_conflict | ct->date_conflict;
        if (ct->date[0]) {
            if (e->first_date[0] && strcmp(e->first_date, ct->date))
                conflict = 1;
            if (!e->first_date[0])
                memcpy(e->first_date, ct->date, sizeof e->first_date);
        }
        if (fullness(ct) > fullness(&e->c))
            e->c = *ct;
        e->c.mentions = total;
        e->c.first_block = first_block;
        e->c.date_conflict = conflict;
        return 0;
    }
    if (s->entries.len >= s->max) {
        tcpl_buf_free(&b);
        return TCPL_ERR_LIMIT;
    }
    if ((s->entries.len + 1) * 2 > s->nslots) {
        if (grow_slots(s) < 0) {
            tcpl_buf_free(&b);
            return TCPL_ERR_NOMEM;
        }
        k = (size_t)h & (s->nslots - 1);
        while (s->slots[k])
            k = (k + 1) & (s->nslots - 1);
    }
    e = tcpl_vec_push(&s->entries);
    if (!e) {
        tcpl_buf_free(&b);
        return TCPL_ERR_NOMEM;
    }
    e->key = tcpl_buf_detach(&b, NULL);
    if (!e->key) {
        s->entries.len--;
        return TCPL_ERR_NOMEM;
    }
    e->hash = h;
    e->c = *ct;
    e->c.mentions = mentions;
    e->c.first_block = ct->mentions > 1 ? ct->first_block : ct->block;
    if (ct->date[0])
        memcpy(e->first_date, ct->date, sizeof e->first_date);
    s->slots[k] = s->entries.len;
    return 0;
}

int tcpl_citations_merge(tcpl_citation *v, size_t n, size_t *out_n)
{
    if ((!v && n) || !out_n)
        return TCPL_ERR_USAGE;
    *out_n = n;
    tcpl_citeset s;
    tcpl_citeset_init(&s, n);
    for (size_t i = 0; i < n; i++) {
        int rc = tcpl_citeset_add(&s, &v[i]);
        if (rc < 0) {
            tcpl_citeset_free(&s);
            return rc;
        }
    }
    /* in place: entry i comes from a mention at index >= i */
    for (size_t i = 0; i < s.entries.len; i++)
        v[i] = TCPL_VEC_AT(&s.entries, cite_entry, i).c;
    *out_n = s.entries.len;
    tcpl_citeset_free(&s);
    return 0;
}
