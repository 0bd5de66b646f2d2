/* coverage rules: this document against the one it answers (--against):
 * every shortcoming of a conclusion has a remediation item, matched by the
 * words of their titles; no remediation deadline is later than the
 * conclusion's; every task a superior plan assigns to this plan's level
 * (--level) is taken up. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/error.h"
#include "rules/rules.h"

static const char *const checks[] = {"answered", "deadlines", "assigned"};

int r_coverage_known(const char *check)
{
    return rl_known(checks, sizeof checks / sizeof checks[0], check);
}

/* Titles are compared on their first words: a shortcoming is named in a
 * sentence or two.  The item counts bound the pairwise comparison. */
#define TCPL_COVER_WORDS 48
#define TCPL_COVER_ITEMS 300

typedef struct words {
    char *buf;                       /* casefolded NFC title */
    const char *w[TCPL_COVER_WORDS]; /* content syllables, then bigrams */
    size_t n;
    char *pairs; /* storage of the bigram strings */
} words;

static int ignored(const rule *r, const char *w)
{
    for (size_t i = 0; i < r->nlist; i++)
        if (!strcmp(r->list[i], w))
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Syllables and adjacent pairs of a title, sorted, without the ignored
 * words.  Linear in the title (bounded by TCPL_COVER_WORDS). */
static int split(const rule *r, const char *title, words *o)
{
    memset(o, 0, sizeof *o);
    utf8proc_uint8_t *u = NULL;
    if (utf8proc_map((const utf8proc_uint8_t *)title, 0, &u,
                     UTF8PROC_NULLTERM | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
        return TCPL_ERR_NOMEM;
    o->buf = (char *)u;
    const char *syl[TCPL_COVER_WORDS];
    size_t ns = 0;
    char *p = o->buf;
    while (*p && ns < TCPL_COVER_WORDS / 2) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((utf8proc_uint8_t *)p, -1, &c);
        if (k <= 0)
            break;
        utf8proc_category_t cat = utf8proc_category(c);
        int letter = cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LU ||
                     cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_MN ||
                     cat == UTF8PROC_CATEGORY_ND;
        if (!letter) {
            *p = 0; /* a separator ends a syllable; bytes of it are dropped */
            for (utf8proc_ssize_t q = 1; q < k; q++)
                p[q] = 0;
            p += k;
            continue;
        }
        char *start = p;
        while (*p) {
            k = utf8proc_iterate((utf8proc_uint8_t *)p, -1, &c);
            if (k <= 0)
                break;
            cat = utf8proc_category(c);
            if (!(cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LU ||
                  cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_MN ||
                  cat == UTF8PROC_CATEGORY_ND))
                break;
            p += k;
        }
        int end_of_text = !*p;
        if (*p) {
            k = utf8proc_iterate((utf8proc_uint8_t *)p, -1, &c);
            for (utf8proc_ssize_t q = 0; q < (k > 0 ? k : 1); q++)
                p[q] = 0;
            p += k > 0 ? k : 1;
        }
        if (!ignored(r, start))
            syl[ns++] = start;
        if (end_of_text)
            break;
    }
    /* pairs "a b" of adjacent content syllables: compounds carry meaning */
    size_t need = 0;
    for (size_t i = 0; i + 1 < ns; i++)
        need += strlen(syl[i]) + strlen(syl[i + 1]) + 2;
    o->pairs = malloc(need ? need : 1);
    if (!o->pairs)
        return TCPL_ERR_NOMEM;
    char *q = o->pairs;
    for (size_t i = 0; i < ns; i++)
        o->w[o->n++] = syl[i];
    for (size_t i = 0; i + 1 < ns && o->n < TCPL_COVER_WORDS; i++) {
        int len = sprintf(q, "%s %s", syl[i], syl[i + 1]);
        o->w[o->n++] = q;
        q += len + 1;
    }
    qsort(o->w, o->n, sizeof o->w[0], cmp_str);
    return 0;
}

static void words_free(words *w)
{
    free(w->buf);
    free(w->pairs);
}

/* Dice coefficient of two sorted token lists, in percent. */
static int similarity(const words *a, const words *b)
{
    if (!a->n || !b->n)
        return 0;
    size_t i = 0, k = 0, common = 0;
    while (i < a->n && k < b->n) {
        int c = strcmp(a->w[i], b->w[k]);
        if (c == 0) {
            common++;
            i++;
            k++;
        } else if (c < 0)
            i++;
        else
            k++;
    }
    return (int)(200 * common / (a->n + b->n));
}

/* Sections of x under (strictly below) the sections whose title matches re. */
static size_t children_of(cjob *j, const rule *r, const tcpl_extraction *x, const tcpl_re *re,
                          size_t *out, size_t max)
{
    size_t n = 0, ns = tcpl_extraction_section_count(x);
    for (size_t i = 0; i < ns; i++) {
        const tcpl_xsection *s = tcpl_extraction_section(x, i);
        if (s->parent < 0)
            continue;
        const tcpl_xsection *p = tcpl_extraction_section(x, (size_t)s->parent);
        if (p->parent >= 0 || tcpl_re_find(re, &j->m, p->title, strlen(p->title), 0) <= 0)
            continue;
        if (n < max)
            out[n] = i;
        n++;
    }
    (void)r;
    return n;
}

/* This document's items: its sections below the top level, split. */
static int my_items(const rule *r, const tcpl_extraction *x, words *mine, size_t *nm)
{
    *nm = 0;
    for (size_t i = 0; i < tcpl_extraction_section_count(x) && *nm < TCPL_COVER_ITEMS; i++) {
        const tcpl_xsection *s = tcpl_extraction_section(x, i);
        if (s->parent < 0)
            continue;
        int rc = split(r, s->title, &mine[(*nm)++]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The best similarity of title to one of mine. */
static int best_match(const rule *r, const char *title, const words *mine, size_t nm, int *best)
{
    words w;
    int rc = split(r, title, &w);
    *best = 0;
    for (size_t m = 0; rc >= 0 && m < nm; m++) {
        int sim = similarity(&w, &mine[m]);
        if (sim > *best)
            *best = sim;
    }
    words_free(&w);
    return rc;
}

static int answered(cjob *j, const rule *r)
{
    size_t *theirs = malloc(TCPL_COVER_ITEMS * sizeof *theirs);
    words *mine = calloc(TCPL_COVER_ITEMS, sizeof *mine);
    int rc = 0;
    if (!theirs || !mine) {
        rc = TCPL_ERR_NOMEM;
        goto out;
    }
    size_t nt = children_of(j, r, j->against, &r->section, theirs, TCPL_COVER_ITEMS);
    size_t nm = 0;
    if ((rc = my_items(r, j->x, mine, &nm)) < 0)
        goto out;
    for (size_t t = 0; t < nt && t < TCPL_COVER_ITEMS; t++) {
        const tcpl_xsection *s = tcpl_extraction_section(j->against, theirs[t]);
        int best;
        if ((rc = best_match(r, s->title, mine, nm, &best)) < 0)
            goto out;
        if (best < r->threshold) {
            char title[120];
            rl_short(s->title, title, sizeof title);
            kv v[] = {{"label", s->label}, {"title", title}, {"path", s->path}};
            if ((rc = rl_add(j, r, -1, v, 3, NULL)) < 0)
                goto out;
        }
    }
out:
    for (size_t m = 0; mine && m < TCPL_COVER_ITEMS; m++)
        words_free(&mine[m]);
    free(mine);
    free(theirs);
    return rc;
}

static int deadlines(cjob *j, const rule *r)
{
    const tcpl_extraction *o = j->against;
    /* the latest deadline the other document sets in its requirements */
    long limit = -1;
    const char *limit_text = "";
    size_t ns = tcpl_extraction_section_count(o);
    for (size_t i = 0; i < ns; i++) {
        const tcpl_xsection *s = tcpl_extraction_section(o, i);
        if (s->parent >= 0 || tcpl_re_find(&r->section, &j->m, s->title, strlen(s->title), 0) <= 0)
            continue;
        int end = INT32_MAX;
        for (size_t k = i + 1; k < ns; k++)
            if (tcpl_extraction_section(o, k)->parent < 0) {
                end = tcpl_extraction_section(o, k)->block;
                break;
            }
        for (size_t d = 0; d < tcpl_extraction_deadline_count(o); d++) {
            const tcpl_xdeadline *dl = tcpl_extraction_deadline(o, d);
            long t = rl_days(dl->date, NULL);
            if (dl->block >= s->block && dl->block < end && t > limit) {
                limit = t;
                limit_text = dl->date;
            }
        }
    }
    if (limit < 0)
        return 0;
    char expected[32];
    int y, m, d;
    if (sscanf(limit_text, "%d-%d-%d", &y, &m, &d) == 3)
        snprintf(expected, sizeof expected, "%02d/%02d/%04d", d, m, y);
    else
        snprintf(expected, sizeof expected, "%s", limit_text);
    for (size_t i = 0; i < tcpl_extraction_activity_count(j->x); i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
        long last = -1;
        if (a->time.recurring || rl_days(a->time.end ? a->time.end : a->time.start, &last) < 0)
            continue;
        if (last > limit) {
            kv v[] = {{"path", a->path}, {"found", a->time.text}, {"expected", expected}};
            int rc = rl_add(j, r, a->time_block >= 0 ? a->time_block : a->block, v, 3, NULL);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* Does one of the activity's lead or support units name the level? */
static int for_level(tcpl_match *m, const tcpl_re *re, const tcpl_xactivity *a)
{
    for (size_t k = 0; k < a->nlead + a->nsupport; k++) {
        const tcpl_xunit *u = k < a->nlead ? &a->lead[k] : &a->support[k - a->nlead];
        const char *names[] = {u->printed, u->canonical};
        for (size_t q = 0; q < 2; q++) {
            if (!names[q] || !*names[q])
                continue;
            int hit = tcpl_re_find(re, m, names[q], strlen(names[q]), 0);
            if (hit != 0)
                return hit < 0 ? 0 : 1; /* a limit on a unit name: not this level */
        }
    }
    return 0;
}

/* Is activity a under a top-level section of o whose title matches re? */
static int in_section(tcpl_match *m, const tcpl_extraction *o, const tcpl_re *re, int i)
{
    for (int depth = 0; i >= 0 && depth < 64; depth++) {
        const tcpl_xsection *s = tcpl_extraction_section(o, (size_t)i);
        if (s->parent < 0)
            return tcpl_re_find(re, m, s->title, strlen(s->title), 0) > 0;
        i = s->parent;
    }
    return 0;
}

/* Does the superior plan o give its activity a to level (rule r's
 * `levels`, and its `section` when it has one)?  Shared by the rule and
 * tcpl_assigned_activities. */
static int is_assigned(tcpl_match *m, const rule *r, const tcpl_extraction *o, int level,
                       const tcpl_xactivity *a)
{
    if (!for_level(m, &r->level_re[level], a))
        return 0;
    return !r->has_section || in_section(m, o, &r->section, a->section);
}

static int assigned(cjob *j, const rule *r)
{
    if (j->level < 0)
        return 0;
    const tcpl_extraction *o = j->against;
    words *mine = calloc(TCPL_COVER_ITEMS, sizeof *mine);
    if (!mine)
        return TCPL_ERR_NOMEM;
    size_t nm = 0;
    int rc = my_items(r, j->x, mine, &nm);
    const char *level = tcpl_msg(j->c->ctx, j->level == LEVEL_XA ? "level.xa" : "level.huyen");
    size_t na = tcpl_extraction_activity_count(o);
    for (size_t i = 0; rc >= 0 && i < na && i < TCPL_COVER_ITEMS; i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(o, i);
        if (!is_assigned(&j->m, r, o, j->level, a))
            continue;
        int best;
        if ((rc = best_match(r, a->title, mine, nm, &best)) < 0 || best >= r->threshold)
            continue;
        char title[120];
        rl_short(a->title, title, sizeof title);
        kv v[] = {{"path", a->path}, {"title", title}, {"level", level}};
        rc = rl_add(j, r, -1, v, 3, NULL);
    }
    for (size_t m = 0; m < TCPL_COVER_ITEMS; m++)
        words_free(&mine[m]);
    free(mine);
    return rc;
}

int r_coverage(cjob *j, const rule *r)
{
    int rc = !strcmp(r->check, "answered")   ? answered(j, r)
             : !strcmp(r->check, "assigned") ? assigned(j, r)
                                             : deadlines(j, r);
    /* the splitting helpers only say "out of memory": name the file */
    return rc == TCPL_ERR_NOMEM ? TCPL_NOMEM(j->err, tcpl_doc_path(j->doc)) : rc;
}

int tcpl_assigned_activities(size_t **out, size_t *n, const tcpl_checker *c,
                             const tcpl_extraction *superior, const char *level, tcpl_error *err)
{
    *out = NULL;
    *n = 0;
    int lv = level && !strcmp(level, "xa")      ? LEVEL_XA
             : level && !strcmp(level, "huyen") ? LEVEL_HUYEN
                                                : -1;
    if (lv < 0)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL,
                        "tcpl_assigned_activities: level is \"xa\" or \"huyen\"");
    const rule *r = NULL;
    for (size_t p = 0; p < c->packs.len && !r; p++) {
        const pack *pk = &TCPL_VEC_AT(&c->packs, pack, p);
        for (size_t i = 0; i < pk->nrules && !r; i++)
            if (pk->rules[i].type == RT_COVERAGE && !strcmp(pk->rules[i].check, "assigned"))
                r = &pk->rules[i];
    }
    if (!r)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.no_assigned_rule", NULL, NULL,
                        "no pack loaded has a coverage rule with check: assigned");
    size_t na = tcpl_extraction_activity_count(superior);
    if (na > TCPL_COVER_ITEMS)
        na = TCPL_COVER_ITEMS; /* the rule looks no further either */
    size_t *idx = malloc((na ? na : 1) * sizeof *idx);
    tcpl_match m;
    if (!idx || tcpl_match_init(&m, 32) < 0) {
        free(idx);
        return TCPL_NOMEM(err, NULL);
    }
    for (size_t i = 0; i < na; i++)
        if (is_assigned(&m, r, superior, lv, tcpl_extraction_activity(superior, i)))
            idx[(*n)++] = i;
    tcpl_match_free(&m);
    *out = idx;
    return 0;
}
