#include "extract/timeexpr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/data.h"
#include "base/error.h"
#include "base/re.h"

#define TP_FILE "patterns/time.yaml"

/* Fragments may use fragments; deeper than this is surely a cycle. */
#define TP_MAX_DEPTH 12
/* An expanded pattern longer than this is a data error (a runaway fragment),
 * not something PCRE2 should be asked to compile. */
#define TP_MAX_PATTERN (64u << 10)
/* One group name may appear in this many alternatives of one pattern. */
#define TP_MAX_DUP 8
/* Years outside this range are typing errors in these documents. */
#define TP_YEAR_MIN 1900
#define TP_YEAR_MAX 2100

/* The groups a pattern can fill; their names in the data file. */
enum { SL_D1, SL_M1, SL_Y1, SL_Q1, SL_D2, SL_M2, SL_Y2, SL_Q2, SL_PLACE, SL_N };
static const char *const slot_names[SL_N] = {"d1", "m1", "y1", "q1",   "d2",
                                             "m2", "y2", "q2", "place"};

typedef struct tp_pat {
    tcpl_re re;
    int groups[SL_N][TP_MAX_DUP];
    int ngroups[SL_N];
} tp_pat;

typedef struct tp_rule {
    tp_pat pat;
    tcpl_time_kind kind;
    int open_start, open_end, recurring;
    int set[SL_PLACE]; /* fixed values for slots the text does not print; 0 none */
} tp_rule;

struct tcpl_timeparser {
    tp_pat header, date, deadline;
    tp_rule *rules;
    size_t nrules;
    size_t ovec; /* ovector pairs the largest pattern needs */
};

static const char *const kind_names[] = {"unknown", "date", "range",     "quarter",
                                         "month",   "year", "recurring", "deferred"};

const char *tcpl_time_kind_name(tcpl_time_kind kind)
{
    if ((int)kind < 0 || (size_t)kind >= sizeof kind_names / sizeof kind_names[0])
        return "unknown";
    return kind_names[kind];
}

/* ---------- calendar ---------- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tcpl_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

int tcpl_date_valid(int year, int month, int day)
{
    if (year < TP_YEAR_MIN || year > TP_YEAR_MAX)
        return 0;
    return day >= 1 && day <= tcpl_days_in_month(year, month);
}

/* Digits written by hand: the values are checked first, and snprintf would
 * make GCC warn about truncation it cannot rule out. */
static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

/* y, m, d must be valid (tcpl_date_valid). */
static void iso_day(char out[TCPL_ISO_SIZE], int y, int m, int d)
{
    put2(out, y / 100);
    put2(out + 2, y % 100);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 0;
}

/* ---------- building ---------- */

static int data_err(tcpl_error *err, yaml_node_t *node, const char *fmt, const char *arg)
{
    char where[32];
    snprintf(where, sizeof where, "line %d", tcpl_yaml_line(node));
    return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", TP_FILE, where, fmt, arg);
}

static int is_ident_start(int c)
{
    return isalpha(c) || c == '_';
}
static int is_ident(int c)
{
    return isalnum(c) || c == '_';
}

/* Appends src to out with '@' replaced by arg and {name} / {name:arg}
 * replaced by the fragment from defs.  Braces that are not a fragment
 * reference (quantifiers {1,2}, \p{L}, \x{00A0}) stay as they are. */
static int expand(tcpl_yaml *y, yaml_node_t *defs, yaml_node_t *at, const char *src,
                  const char *arg, tcpl_buf *out, int depth, tcpl_error *err)
{
    if (depth > TP_MAX_DEPTH)
        return data_err(err, at, "fragments nest too deep (a cycle?) in %s", src);
    for (size_t i = 0; src[i]; i++) {
        char c = src[i];
        if (c == '@') {
            tcpl_buf_puts(out, arg);
            continue;
        }
        int escaped = i >= 2 && src[i - 2] == '\\' && isalpha((unsigned char)src[i - 1]);
        if (c != '{' || escaped || !is_ident_start((unsigned char)src[i + 1])) {
            tcpl_buf_putc(out, c);
            continue;
        }
        size_t j = i + 1;
        while (is_ident((unsigned char)src[j]))
            j++;
        size_t name_end = j, arg_start = j;
        int pass_arg = 0; /* {day:@}: hand our own argument on */
        if (src[j] == ':') {
            arg_start = ++j;
            if (src[j] == '@') {
                pass_arg = 1;
                j++;
            } else {
                while (is_ident((unsigned char)src[j]))
                    j++;
            }
        }
        if (src[j] != '}') {
            tcpl_buf_putc(out, c);
            continue;
        }
        char name[64], sub[16];
        size_t nl = name_end - (i + 1), al = pass_arg ? strlen(arg) : j - arg_start;
        if (nl >= sizeof name || al >= sizeof sub)
            return data_err(err, at, "fragment name too long in %s", src);
        memcpy(name, src + i + 1, nl);
        name[nl] = 0;
        memcpy(sub, pass_arg ? arg : src + arg_start, al);
        sub[al] = 0;
        const char *frag = tcpl_yaml_str(tcpl_yaml_get(y, defs, name));
        if (!frag)
            return data_err(err, at, "unknown fragment {%s}", name);
        int rc = expand(y, defs, at, frag, sub, out, depth + 1, err);
        if (rc < 0)
            return rc;
        i = j;
    }
    if (!tcpl_buf_ok(out))
        return TCPL_NOMEM(err, TP_FILE);
    if (out->len > TP_MAX_PATTERN)
        return data_err(err, at, "pattern too long after expansion: %s", src);
    return 0;
}

/* Records which group numbers carry each slot name (several when the name
 * is repeated in alternatives). */
static int index_groups(tp_pat *p, yaml_node_t *at, tcpl_error *err)
{
    uint32_t count = 0, size = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(p->re.code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(p->re.code, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(p->re.code, PCRE2_INFO_NAMETABLE, &table);
    memset(p->ngroups, 0, sizeof p->ngroups);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + (size_t)i * size;
        int num = (e[0] << 8) | e[1];
        for (int s = 0; s < SL_N; s++) {
            if (strcmp((const char *)e + 2, slot_names[s]))
                continue;
            if (p->ngroups[s] >= TP_MAX_DUP)
                return data_err(err, at, "group %s repeated too often", slot_names[s]);
            p->groups[s][p->ngroups[s]++] = num;
        }
    }
    return 0;
}

/* How a pattern is compiled: interpreted, JIT, or JIT once it has been
 * searched enough (tcpl_re_compile_lazy). */
enum { TP_NOJIT, TP_JIT, TP_LAZY };

/* Expands src and compiles pre + src + post (pre and post add the anchors). */
static int compile_pat(tcpl_timeparser *tp, tp_pat *p, tcpl_yaml *y, yaml_node_t *defs,
                       yaml_node_t *at, const char *src, const char *pre, const char *post, int jit,
                       tcpl_error *err)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    int rc;
    tcpl_buf_puts(&b, pre);
    TCPL_CHECK(expand(y, defs, at, src, "", &b, 0, err));
    tcpl_buf_puts(&b, post);
    if (!tcpl_buf_ok(&b)) {
        rc = TCPL_NOMEM(err, TP_FILE);
        goto out;
    }
    TCPL_CHECK((jit == TP_JIT    ? tcpl_re_compile
                : jit == TP_LAZY ? tcpl_re_compile_lazy
                                 : tcpl_re_compile_nojit)(
        &p->re, b.data, PCRE2_CASELESS | PCRE2_DUPNAMES, TP_FILE, tcpl_yaml_line(at), err));
    TCPL_CHECK(index_groups(p, at, err));
    uint32_t caps = 0;
    pcre2_pattern_info(p->re.code, PCRE2_INFO_CAPTURECOUNT, &caps);
    if (caps + 1 > tp->ovec)
        tp->ovec = caps + 1;
out:
    tcpl_buf_free(&b);
    return rc;
}

/* A list of {re: ...} joined into one alternation, searched anywhere or
 * anchored with pre. */
static int compile_list(tcpl_timeparser *tp, tp_pat *p, tcpl_yaml *y, yaml_node_t *root,
                        yaml_node_t *defs, const char *key, const char *pre, int jit,
                        tcpl_error *err)
{
    yaml_node_t *list = tcpl_yaml_get(y, root, key);
    size_t n = tcpl_yaml_len(list);
    if (!n)
        return data_err(err, root, "missing list '%s'", key);
    tcpl_buf src;
    tcpl_buf_init(&src);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = tcpl_yaml_item(y, list, i);
        const char *re = tcpl_yaml_str(tcpl_yaml_get(y, item, "re"));
        if (!re) {
            rc = data_err(err, item, "entry of '%s' without re", key);
            goto out;
        }
        tcpl_buf_printf(&src, "%s(?:%s)", i ? "|" : "", re);
    }
    if (!tcpl_buf_ok(&src)) {
        rc = TCPL_NOMEM(err, TP_FILE);
        goto out;
    }
    rc = compile_pat(tp, p, y, defs, list, src.data, pre, ")", jit, err);
out:
    tcpl_buf_free(&src);
    return rc;
}

static int parse_kind(const char *s)
{
    for (size_t k = 1; s && k < sizeof kind_names / sizeof kind_names[0]; k++)
        if (!strcmp(s, kind_names[k]))
            return (int)k;
    return -1;
}

static int yaml_true(const char *s)
{
    return s && (!strcmp(s, "true") || !strcmp(s, "yes"));
}

static int compile_rule(tcpl_timeparser *tp, tp_rule *r, tcpl_yaml *y, yaml_node_t *item,
                        yaml_node_t *defs, tcpl_error *err)
{
    const char *re = tcpl_yaml_str(tcpl_yaml_get(y, item, "re"));
    const char *kind = tcpl_yaml_str(tcpl_yaml_get(y, item, "kind"));
    const char *match = tcpl_yaml_str(tcpl_yaml_get(y, item, "match"));
    const char *open = tcpl_yaml_str(tcpl_yaml_get(y, item, "open"));
    if (!re)
        return data_err(err, item, "time rule without %s", "re");
    int k = parse_kind(kind);
    if (k < 0)
        return data_err(err, item, "unknown kind '%s'", kind ? kind : "");
    r->kind = (tcpl_time_kind)k;
    r->recurring = yaml_true(tcpl_yaml_str(tcpl_yaml_get(y, item, "recurring")));
    if (open && !strcmp(open, "start"))
        r->open_start = 1;
    else if (open && !strcmp(open, "end"))
        r->open_end = 1;
    else if (open)
        return data_err(err, item, "open must be start or end, not '%s'", open);
    int prefix = 0;
    if (match && !strcmp(match, "prefix"))
        prefix = 1;
    else if (match && strcmp(match, "full"))
        return data_err(err, item, "match must be full or prefix, not '%s'", match);
    yaml_node_t *set = tcpl_yaml_get(y, item, "set");
    for (size_t i = 0; i < tcpl_yaml_map_len(set); i++) {
        const char *key = tcpl_yaml_str(tcpl_yaml_map_key(y, set, i));
        const char *val = tcpl_yaml_str(tcpl_yaml_map_value(y, set, i));
        int s = 0;
        while (s < SL_PLACE && (!key || strcmp(key, slot_names[s])))
            s++;
        if (s == SL_PLACE || !val || atoi(val) <= 0)
            return data_err(err, set, "bad set entry '%s'", key ? key : "");
        r->set[s] = atoi(val);
    }
    /* The text is trimmed first, so a full match runs to its very end. */
    return compile_pat(tp, &r->pat, y, defs, item, re,
                       "\\A(?:", prefix ? ")(?![\\p{L}\\p{N}])" : ")\\z", TP_NOJIT, err);
}

void tcpl_timeparser_free(tcpl_timeparser *tp)
{
    if (!tp)
        return;
    tcpl_re_free(&tp->header.re);
    tcpl_re_free(&tp->date.re);
    tcpl_re_free(&tp->deadline.re);
    for (size_t i = 0; i < tp->nrules; i++)
        tcpl_re_free(&tp->rules[i].pat.re);
    free(tp->rules);
    free(tp);
}

int tcpl_timeparser_new(tcpl_timeparser **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    int rc = 0;
    tcpl_yaml y;
    int loaded = 0;
    tcpl_timeparser *tp = calloc(1, sizeof *tp);
    *out = NULL;
    if (!tp)
        return TCPL_NOMEM(err, TP_FILE);
    TCPL_CHECK(tcpl_yaml_load(&y, ctx, TP_FILE, err));
    loaded = 1;
    yaml_node_t *root = tcpl_yaml_root(&y);
    yaml_node_t *defs = tcpl_yaml_get(&y, root, "defs");
    /* Only the deadline list runs over every line of a document: worth
     * JIT.  Citation dates and time fields are matched a few times per
     * document, where JIT-compiling costs more than it saves.  The header
     * date is searched in the lines before the document's kind, a few short
     * lines in a real header but up to TCPL_HEADER_LINES paragraphs of text
     * when a document has none; unanchored, with an optional place before
     * it, the interpreter pays some 400 instructions a byte there: JIT once
     * it has searched enough. */
    TCPL_CHECK(compile_list(tp, &tp->header, &y, root, defs, "header", "(?:", TP_LAZY, err));
    TCPL_CHECK(compile_list(tp, &tp->date, &y, root, defs, "date", "\\A\\s*(?:", TP_NOJIT, err));
    TCPL_CHECK(compile_list(tp, &tp->deadline, &y, root, defs, "deadline", "(?:", TP_JIT, err));
    yaml_node_t *rules = tcpl_yaml_get(&y, root, "time");
    size_t n = tcpl_yaml_len(rules);
    if (!n) {
        rc = data_err(err, root, "missing list '%s'", "time");
        goto out;
    }
    tp->rules = calloc(n, sizeof *tp->rules);
    if (!tp->rules) {
        rc = TCPL_NOMEM(err, TP_FILE);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        tp->nrules = i + 1;
        TCPL_CHECK(compile_rule(tp, &tp->rules[i], &y, tcpl_yaml_item(&y, rules, i), defs, err));
    }
    *out = tp;
    tp = NULL;
out:
    if (loaded)
        tcpl_yaml_free(&y);
    tcpl_timeparser_free(tp);
    return rc;
}

/* ---------- reading matches ---------- */

/* The first set group of slot s: its span, or 0. */
static int slot_span(const tp_pat *p, const tcpl_match *m, int s, size_t *a, size_t *b)
{
    for (int i = 0; i < p->ngroups[s]; i++)
        if (tcpl_match_group(m, p->groups[s][i], a, b) == 0 && *b > *a)
            return 1;
    return 0;
}

static int roman(const char *s, size_t n)
{
    int v = 0, prev = 0;
    for (size_t i = n; i-- > 0;) {
        int d;
        switch (toupper((unsigned char)s[i])) {
        case 'I':
            d = 1;
            break;
        case 'V':
            d = 5;
            break;
        case 'X':
            d = 10;
            break;
        default:
            return 0;
        }
        v += d < prev ? -d : d;
        if (d > prev)
            prev = d;
    }
    return v;
}

/* Numeric value of slot s (Roman numerals for quarters); 0 if unset. */
static int slot_value(const tp_pat *p, const tcpl_match *m, const char *s, int slot, int *digits)
{
    size_t a, b;
    if (digits)
        *digits = 0;
    if (!slot_span(p, m, slot, &a, &b))
        return 0;
    if (!isdigit((unsigned char)s[a]))
        return roman(s + a, b - a);
    int v = 0;
    for (size_t i = a; i < b && isdigit((unsigned char)s[i]); i++) {
        if (v < 100000)
            v = v * 10 + (s[i] - '0');
        if (digits)
            (*digits)++;
    }
    return v;
}

/* Fills the calendar part of a tcpl_date from slots d1 m1 y1. */
static void fill_date(tcpl_date *d, const tp_pat *p, const tcpl_match *m, const char *s)
{
    d->day = slot_value(p, m, s, SL_D1, &d->day_digits);
    d->month = slot_value(p, m, s, SL_M1, &d->month_digits);
    d->year = slot_value(p, m, s, SL_Y1, NULL);
    d->iso[0] = 0;
    d->complete = d->invalid = 0;
    if (d->year && (d->year < TP_YEAR_MIN || d->year > TP_YEAR_MAX))
        d->invalid = 1;
    if (d->month && (d->month < 1 || d->month > 12))
        d->invalid = 1;
    if (d->day && d->month && d->year && !tcpl_date_valid(d->year, d->month, d->day))
        d->invalid = 1;
    if (d->day && (d->day < 1 || d->day > 31))
        d->invalid = 1;
    if (d->invalid || !d->year)
        return;
    if (d->month && d->day) {
        iso_day(d->iso, d->year, d->month, d->day);
        d->complete = 1;
    } else if (d->month) {
        iso_day(d->iso, d->year, d->month, 1);
        d->iso[7] = 0; /* "YYYY-MM" */
    } else {
        iso_day(d->iso, d->year, 1, 1);
        d->iso[4] = 0; /* "YYYY" */
    }
}

static int is_space_at(const char *s, size_t i, size_t len, size_t *w)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        *w = 1;
        return 1;
    }
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) { /* no-break space */
        *w = 2;
        return 1;
    }
    return 0;
}

static size_t skip_space(const char *s, size_t i, size_t len)
{
    size_t w;
    while (i < len && is_space_at(s, i, len, &w))
        i += w;
    return i;
}

/* Trims trailing spaces and the punctuation a field ends with. */
static size_t trim_end(const char *s, size_t a, size_t b)
{
    while (b > a) {
        unsigned char c = (unsigned char)s[b - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '.' || c == ';' || c == ',' ||
            c == ':')
            b--;
        else if (c == 0xA0 && b - 1 > a && (unsigned char)s[b - 2] == 0xC2)
            b -= 2;
        else
            break;
    }
    return b;
}

static void date_reset(tcpl_date *d)
{
    memset(d, 0, sizeof *d);
}

int tcpl_date_parse(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_date *out)
{
    tcpl_match m;
    date_reset(out);
    if (!tp || !s)
        return TCPL_ERR_USAGE;
    if (tcpl_match_init(&m, tp->ovec) < 0)
        return TCPL_ERR_NOMEM;
    int rc = tcpl_re_find(&tp->header.re, &m, s, len, 0);
    if (rc == 1) {
        size_t a, b, pa, pb;
        tcpl_match_group(&m, 0, &a, &b);
        fill_date(out, &tp->header, &m, s);
        out->start = a;
        out->end = b;
        if (slot_span(&tp->header, &m, SL_PLACE, &pa, &pb)) {
            out->place_start = pa;
            out->place_end = pb;
            size_t i = pb;
            size_t w;
            while (i < b && (s[i] == ',' || is_space_at(s, i, len, &w)))
                i += s[i] == ',' ? 1 : w;
            out->start = i;
        }
        /* Blanks after "năm" with no year belong to the layout, not the date. */
        out->end = trim_end(s, out->start, out->end);
        while (out->end > out->start && (s[out->end - 1] == '_' || s[out->end - 1] == '.'))
            out->end--;
    }
    tcpl_match_free(&m);
    return rc;
}

int tcpl_date_from_text(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_date *out)
{
    tcpl_match m;
    date_reset(out);
    if (!tp || !s)
        return TCPL_ERR_USAGE;
    if (tcpl_match_init(&m, tp->ovec) < 0)
        return TCPL_ERR_NOMEM;
    int rc = tcpl_re_find(&tp->date.re, &m, s, len, 0);
    if (rc == 1) {
        size_t a, b;
        tcpl_match_group(&m, 0, &a, &b);
        fill_date(out, &tp->date, &m, s);
        out->start = skip_space(s, a, b);
        out->end = b;
    }
    tcpl_match_free(&m);
    return rc;
}

int tcpl_deadlines_find(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_deadline *out,
                        size_t max, size_t *count)
{
    tcpl_match m;
    size_t n = 0, pos = 0;
    int rc = 0;
    *count = 0;
    if (!tp || !s || (max && !out))
        return TCPL_ERR_USAGE;
    if (tcpl_match_init(&m, tp->ovec) < 0)
        return TCPL_ERR_NOMEM;
    while (pos < len && (rc = tcpl_re_find(&tp->deadline.re, &m, s, len, pos)) == 1) {
        size_t a, b;
        tcpl_match_group(&m, 0, &a, &b);
        if (n < max) {
            tcpl_date d;
            date_reset(&d);
            fill_date(&d, &tp->deadline, &m, s);
            tcpl_deadline *dl = &out[n];
            memset(dl, 0, sizeof *dl);
            dl->start = a;
            dl->end = b;
            dl->invalid = d.invalid || !d.complete;
            if (d.complete)
                memcpy(dl->date, d.iso, sizeof dl->date);
        }
        n++;
        pos = b > a ? b : a + 1;
    }
    tcpl_match_free(&m);
    *count = n;
    return rc < 0 ? rc : 0;
}

/* ---------- time fields ---------- */

/* Start and end of a matched rule from its slots: a side without a year takes
 * the other's; a side without a month takes its quarter's or the year's
 * first (start) or last (end) month; a side without a day the first or last
 * day of that month. */
static void fill_time(tcpl_time *t, const tp_rule *r, const tcpl_match *m, const char *s)
{
    int v[SL_PLACE];
    for (int i = 0; i < SL_PLACE; i++) {
        v[i] = slot_value(&r->pat, m, s, i, NULL);
        if (!v[i])
            v[i] = r->set[i];
    }
    t->kind = r->kind;
    t->recurring = r->recurring;
    if (v[SL_Q1] > 4 || v[SL_Q2] > 4)
        t->invalid = 1;

    int ys = v[SL_Y1] ? v[SL_Y1] : v[SL_Y2];
    int ye = v[SL_Y2] ? v[SL_Y2] : v[SL_Y1];
    int sm = 0, em = 0, s_from2 = 0, e_from1 = 0;
    if (v[SL_Q1])
        sm = 3 * v[SL_Q1] - 2;
    else if (v[SL_M1])
        sm = v[SL_M1];
    else if (v[SL_Q2])
        sm = 3 * v[SL_Q2] - 2, s_from2 = 1;
    else if (v[SL_M2])
        sm = v[SL_M2], s_from2 = 1;
    if (v[SL_Q2])
        em = 3 * v[SL_Q2];
    else if (v[SL_M2])
        em = v[SL_M2];
    else if (v[SL_Q1])
        em = 3 * v[SL_Q1], e_from1 = 1;
    else if (v[SL_M1])
        em = v[SL_M1], e_from1 = 1;
    int sd = v[SL_D1] ? v[SL_D1] : s_from2 ? v[SL_D2] : 0;
    int ed = v[SL_D2] ? v[SL_D2] : e_from1 ? v[SL_D1] : 0;
    if ((sm && (sm < 1 || sm > 12)) || (em && (em < 1 || em > 12)))
        t->invalid = 1;

    if (!ys) {
        /* No year: only a day of the year can be said ("--12-15"). */
        int md = ed ? em : sm, dd = ed ? ed : sd;
        if (dd && md >= 1 && md <= 12 && dd <= tcpl_days_in_month(2000, md)) {
            memcpy(t->monthday, "--", 2);
            put2(t->monthday + 2, md);
            t->monthday[4] = '-';
            put2(t->monthday + 5, dd);
            t->monthday[7] = 0;
        } else if (dd)
            t->invalid = 1;
        return;
    }
    if (!sm)
        sm = 1;
    if (!em)
        em = 12;
    if (ys < TP_YEAR_MIN || ys > TP_YEAR_MAX || ye < TP_YEAR_MIN || ye > TP_YEAR_MAX)
        t->invalid = 1;
    if (t->invalid)
        return;
    if (!sd)
        sd = 1;
    if (!ed)
        ed = tcpl_days_in_month(ye, em);
    if (!tcpl_date_valid(ys, sm, sd) || !tcpl_date_valid(ye, em, ed)) {
        t->invalid = 1;
        return;
    }
    if (!r->open_start)
        iso_day(t->start, ys, sm, sd);
    if (!r->open_end)
        iso_day(t->end, ye, em, ed);
    if (t->start[0] && t->end[0] && strcmp(t->start, t->end) > 0)
        t->invalid = 1;
}

/* 1 when a rule matched s[a..b). */
static int try_rules(const tcpl_timeparser *tp, tcpl_match *m, const char *s, size_t a, size_t b,
                     tcpl_time *out)
{
    for (size_t i = 0; i < tp->nrules; i++) {
        const tp_rule *r = &tp->rules[i];
        int rc = tcpl_re_find(&r->pat.re, m, s + a, b - a, 0);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            fill_time(out, r, m, s + a);
            return 1;
        }
    }
    return 0;
}

int tcpl_time_parse(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_time *out)
{
    tcpl_match m;
    memset(out, 0, sizeof *out);
    if (!tp || !s)
        return TCPL_ERR_USAGE;
    size_t a = skip_space(s, 0, len), b = trim_end(s, a, len);
    out->start_off = a;
    out->end_off = b;
    if (a == b)
        return 0;
    if (tcpl_match_init(&m, tp->ovec) < 0)
        return TCPL_ERR_NOMEM;
    int rc = try_rules(tp, &m, s, a, b, out);
    if (rc == 0) {
        /* "Hằng năm (định kỳ, đột xuất)": the words before the bracket. */
        const char *paren = memchr(s + a, '(', b - a);
        if (paren && paren > s + a) {
            size_t pb = trim_end(s, a, (size_t)(paren - s));
            if (pb > a)
                rc = try_rules(tp, &m, s, a, pb, out);
        }
    }
    tcpl_match_free(&m);
    if (rc <= 0) {
        memset(out, 0, sizeof *out); /* kind TCPL_TIME_UNKNOWN */
        out->start_off = a;
        out->end_off = b;
    }
    return rc;
}
