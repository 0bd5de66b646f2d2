#include "ooxml/numbering.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/vec.h"
#include "ooxml/tagscan.h"
#include "ooxml/xml.h"

/* Word shows nine list levels (ilvl 0-8). */
#define TCPL_NUM_LEVELS 9
/* abstractNum and num elements beyond these are ignored (their paragraphs get
 * no label).  Word's own files hold a few dozen; converters that mint one
 * num per list reach a few thousand.  Bounds memory on hostile files. */
#define TCPL_MAX_ABSTRACT_NUMS 10000
#define TCPL_MAX_NUMS 10000
/* numStyleLink -> styleLink hops followed; Word writes one. */
#define TCPL_MAX_STYLE_LINK_HOPS 4
/* Counters saturate here instead of overflowing on hostile w:start values. */
#define TCPL_NUM_MAX_VALUE (INT_MAX - 1)
/* Roman numerals past this have no standard form; shown in decimal. */
#define TCPL_MAX_ROMAN 3999

enum {
    FMT_DECIMAL = 0,
    FMT_DECIMAL_ZERO,
    FMT_UPPER_ROMAN,
    FMT_LOWER_ROMAN,
    FMT_UPPER_LETTER,
    FMT_LOWER_LETTER,
    FMT_BULLET,
    FMT_NONE
};

typedef struct num_lvl {
    int defined; /* a w:lvl was written for this level */
    int start;
    int fmt;
    int restart; /* w:lvlRestart: -1 absent, 0 never, 1-9 the level (1-based) */
    int is_lgl;
    char suff;
    const char *text;   /* w:lvlText, NULL if absent */
    const char *pstyle; /* w:pStyle */
} num_lvl;

typedef struct abs_num {
    int id;
    num_lvl lv[TCPL_NUM_LEVELS];
    const char *style_link, *num_style_link;
    size_t target; /* index of the abstractNum giving levels and counters */
    size_t order;
    int loaded;        /* levels read (always, but for a lazy part's) */
    size_t start, end; /* its bytes in a lazy part */
} abs_num;

typedef struct num_inst {
    int id, abs_id;
    size_t abs;                           /* resolved abstractNum index, NO_ABS if none */
    int start_over[TCPL_NUM_LEVELS];      /* w:startOverride, INT_MIN if none */
    const num_lvl *over[TCPL_NUM_LEVELS]; /* full w:lvl override, NULL if none */
    size_t order;
} num_inst;

typedef struct style_link {
    const char *style;
    int num_id, ilvl;
    size_t order;
} style_link;

#define NO_ABS ((size_t)-1)

struct tcpl_numbering {
    tcpl_arena arena;
    abs_num *abs; /* the arrays of absv and numv once parsed */
    size_t nabs;
    num_inst *nums; /* sorted by id */
    size_t nnums;
    tcpl_vec absv, numv;
    style_link *links; /* sorted by style */
    size_t nlinks;
    /* A part read lazily (tcpl_numbering_open): the part, its root start
     * tag, and what a later parse of one abstractNum needs. */
    char *xml;
    size_t len;
    tcpl_scan_root root; /* the root's name and start tag */
    const char *file, *part;
    tcpl_xml_budget *budget;
    size_t parsed; /* definitions parsed by small parses */
};

struct tcpl_numstate {
    const tcpl_numbering *num;
    /* Per abstractNum (after numStyleLink): running values and whether the
     * level has started since its last restart. */
    int (*cur)[TCPL_NUM_LEVELS];
    unsigned char (*used)[TCPL_NUM_LEVELS];
    /* Per num: levels already used once (a startOverride acts once). */
    unsigned short *seen;
};

static int clamp_value(long v)
{
    if (v < 0)
        return 0;
    return v > TCPL_NUM_MAX_VALUE ? TCPL_NUM_MAX_VALUE : (int)v;
}

static int fmt_of(const char *v)
{
    static const struct {
        const char *name;
        int fmt;
    } t[] = {{"decimal", FMT_DECIMAL},
             {"decimalZero", FMT_DECIMAL_ZERO},
             {"upperRoman", FMT_UPPER_ROMAN},
             {"lowerRoman", FMT_LOWER_ROMAN},
             {"upperLetter", FMT_UPPER_LETTER},
             {"lowerLetter", FMT_LOWER_LETTER},
             {"bullet", FMT_BULLET},
             {"none", FMT_NONE}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(v, t[i].name))
            return t[i].fmt;
    return FMT_DECIMAL; /* ordinal, cardinalText, CJK and others: shown as digits */
}

static void lvl_init(num_lvl *l)
{
    memset(l, 0, sizeof *l);
    l->restart = -1;
    l->suff = '\t'; /* the schema default */
    /* w:start defaults to 0 in ECMA-376 (17.9.25), and Word shows 0. */
}

/* w:val of the current element as an arena string; NULL when absent or
 * empty.  The whole value: no fixed buffer cuts document text. */
static int str_attr(tcpl_xml *x, tcpl_arena *a, const char **out, tcpl_error *err)
{
    const char *v = tcpl_xml_attr(x, TCPL_NS_W, "val");
    if (!v || !v[0])
        return 0;
    *out = tcpl_arena_strdup(a, v);
    return *out ? 0 : TCPL_NOMEM(err, x->file);
}

static const char *val_of(const tcpl_xml *x)
{
    const char *v = tcpl_xml_attr(x, TCPL_NS_W, "val");
    return v ? v : "";
}

static int lvl_parse(tcpl_xml *x, tcpl_arena *a, num_lvl *l, tcpl_error *err)
{
    l->defined = 1;
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x), r;
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        if (tcpl_xml_is_w(x, "start"))
            l->start = clamp_value(tcpl_xml_attr_int(x, "val", 0));
        else if (tcpl_xml_is_w(x, "numFmt")) {
            l->fmt = fmt_of(val_of(x));
        } else if (tcpl_xml_is_w(x, "lvlText")) {
            const char *v = tcpl_xml_attr(x, TCPL_NS_W, "val");
            if (v) {
                l->text = tcpl_arena_strdup(a, v);
                if (!l->text)
                    return TCPL_NOMEM(err, x->file);
            }
        } else if (tcpl_xml_is_w(x, "lvlRestart")) {
            long n = tcpl_xml_attr_int(x, "val", -1);
            l->restart = n < 0 || n > TCPL_NUM_LEVELS ? -1 : (int)n;
        } else if (tcpl_xml_is_w(x, "isLgl"))
            l->is_lgl = tcpl_xml_toggle(x);
        else if (tcpl_xml_is_w(x, "suff")) {
            const char *v = val_of(x);
            l->suff = !strcmp(v, "space") ? ' ' : !strcmp(v, "nothing") ? 0 : '\t';
        } else if (tcpl_xml_is_w(x, "pStyle")) {
            int rc = str_attr(x, a, &l->pstyle, err);
            if (rc < 0)
                return rc;
        }
    }
    return r;
}

static int level_of(const tcpl_xml *x)
{
    long l = tcpl_xml_attr_int(x, "ilvl", -1);
    return l >= 0 && l < TCPL_NUM_LEVELS ? (int)l : -1;
}

static int abstract_parse(tcpl_xml *x, tcpl_numbering *n, abs_num *an, tcpl_error *err)
{
    int r;
    memset(an, 0, sizeof *an);
    an->id = (int)tcpl_xml_attr_int(x, "abstractNumId", -1);
    an->target = NO_ABS;
    for (int i = 0; i < TCPL_NUM_LEVELS; i++)
        lvl_init(&an->lv[i]);
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x);
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        int rc = 0;
        if (tcpl_xml_is_w(x, "lvl")) {
            int l = level_of(x);
            if (l >= 0 && !an->lv[l].defined)
                rc = lvl_parse(x, &n->arena, &an->lv[l], err);
        } else if (tcpl_xml_is_w(x, "styleLink"))
            rc = str_attr(x, &n->arena, &an->style_link, err);
        else if (tcpl_xml_is_w(x, "numStyleLink"))
            rc = str_attr(x, &n->arena, &an->num_style_link, err);
        if (rc < 0)
            return rc;
    }
    return r;
}

static int num_parse(tcpl_xml *x, tcpl_numbering *n, num_inst *ni, tcpl_error *err)
{
    int r;
    memset(ni, 0, sizeof *ni);
    long id = tcpl_xml_attr_int(x, "numId", -1);
    ni->id = id < 0 || id > INT_MAX ? -1 : (int)id;
    ni->abs_id = -1;
    ni->abs = NO_ABS;
    for (int i = 0; i < TCPL_NUM_LEVELS; i++)
        ni->start_over[i] = INT_MIN;
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x);
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        if (tcpl_xml_is_w(x, "abstractNumId")) {
            long a = tcpl_xml_attr_int(x, "val", -1);
            ni->abs_id = a < 0 || a > INT_MAX ? -1 : (int)a;
        } else if (tcpl_xml_is_w(x, "lvlOverride") && !tcpl_xml_empty(x)) {
            int l = level_of(x), dd = tcpl_xml_depth(x), rr;
            while ((rr = tcpl_xml_next_child(x, dd, err)) > 0) {
                if (l < 0)
                    continue;
                if (tcpl_xml_is_w(x, "startOverride"))
                    ni->start_over[l] = clamp_value(tcpl_xml_attr_int(x, "val", 0));
                else if (tcpl_xml_is_w(x, "lvl") && !ni->over[l]) {
                    num_lvl *o = tcpl_arena_alloc(&n->arena, sizeof *o);
                    if (!o)
                        return TCPL_NOMEM(err, x->file);
                    lvl_init(o);
                    int rc = lvl_parse(x, &n->arena, o, err);
                    if (rc < 0)
                        return rc;
                    ni->over[l] = o;
                }
            }
            if (rr < 0)
                return rr;
        }
    }
    return r;
}

static int cmp_num(const void *a, const void *b)
{
    const num_inst *p = a, *q = b;
    if (p->id != q->id)
        return p->id < q->id ? -1 : 1;
    return p->order < q->order ? -1 : p->order > q->order;
}

static int cmp_link(const void *a, const void *b)
{
    const style_link *p = a, *q = b;
    int c = strcmp(p->style, q->style);
    if (c)
        return c;
    return p->order < q->order ? -1 : p->order > q->order;
}

static int cmp_abs(const void *a, const void *b)
{
    const abs_num *p = a, *q = b;
    if (p->id != q->id)
        return p->id < q->id ? -1 : 1;
    return p->order < q->order ? -1 : p->order > q->order;
}

/* abstractNums are sorted by id once parsed. */
static size_t find_abs(const tcpl_numbering *n, int id)
{
    size_t lo = 0, hi = n->nabs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->abs[mid].id == id)
            return mid;
        if (n->abs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NO_ABS;
}

static const num_inst *find_num(const tcpl_numbering *n, int id)
{
    size_t lo = 0, hi = n->nnums;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->nums[mid].id == id)
            return &n->nums[mid];
        if (n->nums[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Indices of abstractNums with a w:styleLink, sorted by that name. */
typedef struct link_ix {
    const char *name;
    size_t abs;
} link_ix;

static int cmp_link_ix(const void *a, const void *b)
{
    const link_ix *p = a, *q = b;
    int c = strcmp(p->name, q->name);
    if (c)
        return c;
    return p->abs < q->abs ? -1 : p->abs > q->abs;
}

static size_t find_link(const link_ix *ix, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* lower bound: the first abstractNum of the name */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && !strcmp(ix[lo].name, name) ? ix[lo].abs : NO_ABS;
}

/* abstractNum -> the abstractNum that really holds the levels: a
 * numStyleLink names a numbering style, whose definition is the
 * abstractNum carrying the same name as w:styleLink. */
static int resolve_links(tcpl_numbering *n, tcpl_error *err)
{
    size_t nl = 0;
    link_ix *ix = malloc((n->nabs ? n->nabs : 1) * sizeof *ix);
    if (!ix)
        return TCPL_NOMEM(err, NULL);
    for (size_t i = 0; i < n->nabs; i++)
        if (n->abs[i].style_link)
            ix[nl++] = (link_ix){n->abs[i].style_link, i};
    if (nl)
        qsort(ix, nl, sizeof *ix, cmp_link_ix);
    for (size_t i = 0; i < n->nabs; i++) {
        size_t cur = i;
        for (int hop = 0; hop < TCPL_MAX_STYLE_LINK_HOPS && n->abs[cur].num_style_link; hop++) {
            size_t next = find_link(ix, nl, n->abs[cur].num_style_link);
            if (next == NO_ABS || next == cur)
                break;
            cur = next;
        }
        n->abs[i].target = cur;
    }
    free(ix);
    return 0;
}

static int build_tables(tcpl_numbering *n, tcpl_error *err)
{
    if (n->nabs)
        qsort(n->abs, n->nabs, sizeof *n->abs, cmp_abs);
    size_t w = 0; /* the first abstractNum of an id wins */
    for (size_t i = 0; i < n->nabs; i++)
        if (w == 0 || n->abs[w - 1].id != n->abs[i].id)
            n->abs[w++] = n->abs[i];
    n->nabs = w;
    int rc = resolve_links(n, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n->nnums; i++) {
        size_t a = find_abs(n, n->nums[i].abs_id);
        n->nums[i].abs = a == NO_ABS ? NO_ABS : n->abs[a].target;
    }
    if (n->nnums)
        qsort(n->nums, n->nnums, sizeof *n->nums, cmp_num);
    w = 0; /* the first num of an id wins */
    for (size_t i = 0; i < n->nnums; i++)
        if (w == 0 || n->nums[w - 1].id != n->nums[i].id)
            n->nums[w++] = n->nums[i];
    n->nnums = w;

    /* Style links: every level naming a w:pStyle, with the first num (in
     * file order) that uses its abstractNum. */
    size_t cap = 0;
    for (size_t i = 0; i < n->nabs; i++)
        for (int l = 0; l < TCPL_NUM_LEVELS; l++)
            cap += n->abs[i].lv[l].pstyle != NULL;
    if (!cap)
        return 0;
    n->links = tcpl_arena_alloc(&n->arena, cap * sizeof *n->links);
    if (!n->links)
        return TCPL_NOMEM(err, NULL);
    /* abstractNum index -> first num in file order. */
    size_t *first = malloc(n->nabs * sizeof *first);
    if (!first)
        return TCPL_NOMEM(err, NULL);
    for (size_t i = 0; i < n->nabs; i++)
        first[i] = NO_ABS;
    for (size_t i = 0; i < n->nnums; i++) {
        size_t a = n->nums[i].abs;
        if (a != NO_ABS && (first[a] == NO_ABS || n->nums[first[a]].order > n->nums[i].order))
            first[a] = i;
    }
    for (size_t i = 0; i < n->nabs; i++) {
        if (first[i] == NO_ABS)
            continue;
        for (int l = 0; l < TCPL_NUM_LEVELS; l++) {
            if (!n->abs[i].lv[l].pstyle)
                continue;
            style_link *s = &n->links[n->nlinks];
            s->style = n->abs[i].lv[l].pstyle;
            s->num_id = n->nums[first[i]].id;
            s->ilvl = l;
            s->order = n->nlinks++;
        }
    }
    free(first);
    if (n->nlinks)
        qsort(n->links, n->nlinks, sizeof *n->links, cmp_link);
    return 0;
}

int tcpl_numbering_parse(tcpl_numbering **out, const char *xml, size_t len, const char *file,
                         const char *part, tcpl_error *err)
{
    return tcpl_numbering_parse_budget(out, xml, len, file, part, NULL, err);
}

int tcpl_numbering_parse_budget(tcpl_numbering **out, const char *xml, size_t len, const char *file,
                                const char *part, tcpl_xml_budget *budget, tcpl_error *err)
{
    int rc = 0, r;
    tcpl_xml x = {0};
    tcpl_numbering *n = calloc(1, sizeof *n);
    *out = NULL;
    if (!n)
        return TCPL_NOMEM(err, file);
    tcpl_arena_init(&n->arena);
    tcpl_vec_init(&n->absv, sizeof(abs_num));
    tcpl_vec_init(&n->numv, sizeof(num_inst));
    if (!xml)
        goto done;
    tcpl_xml_opts opts = {tcpl_xml_keep_wml, "", 0, budget, NULL};
    TCPL_CHECK(tcpl_xml_open_opts(&x, xml, len, file, part, &opts, err));
    while ((r = tcpl_xml_next(&x, err)) > 0) {
        if (tcpl_xml_type(&x) != XML_READER_TYPE_ELEMENT || tcpl_xml_depth(&x) != 1)
            continue;
        if (tcpl_xml_is_w(&x, "abstractNum") && n->absv.len < TCPL_MAX_ABSTRACT_NUMS) {
            abs_num *an = tcpl_vec_push(&n->absv);
            if (!an) {
                rc = TCPL_NOMEM(err, file);
                goto out;
            }
            TCPL_CHECK(abstract_parse(&x, n, an, err));
            an->loaded = 1;
            an->order = n->absv.len - 1;
            if (an->id < 0)
                n->absv.len--;
        } else if (tcpl_xml_is_w(&x, "num") && n->numv.len < TCPL_MAX_NUMS) {
            num_inst *ni = tcpl_vec_push(&n->numv);
            if (!ni) {
                rc = TCPL_NOMEM(err, file);
                goto out;
            }
            TCPL_CHECK(num_parse(&x, n, ni, err));
            ni->order = n->numv.len - 1;
            if (ni->id <= 0)
                n->numv.len--;
        } else {
            TCPL_CHECK(tcpl_xml_skip(&x, err));
        }
    }
    TCPL_CHECK(r);
    n->abs = n->absv.data;
    n->nabs = n->absv.len;
    n->nums = n->numv.data;
    n->nnums = n->numv.len;
    TCPL_CHECK(build_tables(n, err));
done:
    *out = n;
    n = NULL;
out:
    tcpl_xml_close(&x);
    tcpl_numbering_free(n);
    return rc;
}

size_t tcpl_numbering_bytes(const tcpl_numbering *num)
{
    return num ? num->arena.used_total + num->absv.cap * num->absv.elem +
                     num->numv.cap * num->numv.elem + num->len
               : 0;
}

void tcpl_numbering_free(tcpl_numbering *num)
{
    if (!num)
        return;
    free(num->xml);
    tcpl_arena_free(&num->arena);
    tcpl_vec_free(&num->absv);
    tcpl_vec_free(&num->numv);
    free(num);
}

int tcpl_numbering_style_link(const tcpl_numbering *num, const char *style_id, int *num_id,
                              int *ilvl)
{
    if (!num || !style_id)
        return 0;
    size_t lo = 0, hi = num->nlinks;
    while (lo < hi) { /* lower bound: the first entry of the style */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(num->links[mid].style, style_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == num->nlinks || strcmp(num->links[lo].style, style_id) != 0)
        return 0;
    if (num_id)
        *num_id = num->links[lo].num_id;
    if (ilvl)
        *ilvl = num->links[lo].ilvl;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Lazy reading (tcpl_numbering_open).  Word templates carry hundreds of
 * abstractNums of which a document uses one or two.  A tag scan indexes
 * the part: each top-level w:abstractNum by its id and each w:num by its
 * id and w:abstractNumId, their bytes stepped over to the end tag.  An
 * abstractNum's levels are parsed when a paragraph first uses it
 * (tcpl_numbering_need), from a small document made of the root start tag
 * and the element.  Parsed at once, in one small document: the
 * abstractNums that name a style (w:styleLink, w:numStyleLink, a level's
 * w:pStyle: the links are resolved over the whole part) and the nums
 * with anything but w:abstractNumId (overrides).  Whatever the scan cannot
 * be sure of falls back to the full parse, and so does a small parse that
 * fails (its error is the full parse's).  The scanning helpers are
 * styles.c's (the same rules). */

typedef struct eager_at {
    int is_num;
    size_t idx, start, end;
} eager_at;

/* strtol over a raw attribute value, as tcpl_xml_attr_int reads it: 1
 * with *out, 0 when not sure (too long). */
static int raw_long(const char *v, size_t vn, long def, long *out)
{
    char t[40];
    if (vn >= sizeof t)
        return 0;
    memcpy(t, v, vn);
    t[vn] = 0;
    char *end;
    long x = strtol(t, &end, 10);
    *out = end == t ? def : x;
    return 1;
}

typedef struct num_q {
    char abs[80], num[80], abs_id[80], num_id[80], anid[80], val[80];
} num_q;

/* A w:num's content [p, end) made only of empty w:abstractNumId elements
 * (and text): 1 with *abs_id (the last, as num_parse takes it), 0 when it
 * holds anything else (parsed at once). */
static int simple_num(const char *p, const char *end, const num_q *q, int *abs_id)
{
    size_t an = strlen(q->anid);
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        if (!tcpl_scan_name_at(p + 1, end, q->anid, an))
            return 0;
        int xmlns = 0;
        const char *e = tcpl_scan_tag_end(p, end, &xmlns);
        if (!e || xmlns || e[-2] != '/')
            return 0;
        const char *v;
        size_t vn;
        long a = -1;
        int r = tcpl_scan_tag_attr(p, e, q->val, &v, &vn);
        if (r < 0 || (r > 0 && !raw_long(v, vn, -1, &a)))
            return 0;
        *abs_id = a < 0 || a > INT_MAX ? -1 : (int)a;
        p = e;
    }
    return 1;
}

/* Whether [p, end) may name a style: "tyleLink" (w:styleLink,
 * w:numStyleLink) or "pStyle" anywhere; found from their capitals, which
 * a numbering part seldom holds (memchr on 't' or 'p' would stop at every
 * w:tplc and w:pPr). */
static int names_style(const char *p, const char *end)
{
    for (const char *q = p; (q = memchr(q, 'L', (size_t)(end - q))) != NULL; q++)
        if (q - p >= 4 && end - q >= 4 && !memcmp(q - 4, "tyleLink", 8))
            return 1;
    for (const char *q = p; (q = memchr(q, 'S', (size_t)(end - q))) != NULL; q++)
        if (q - p >= 1 && end - q >= 5 && !memcmp(q - 1, "pStyle", 6))
            return 1;
    return 0;
}

/* Builds the index into n->absv and n->numv, and the elements to parse at
 * once into eager; 1 done, 0 not sure (full parse), <0 out of memory. */
static int scan(tcpl_numbering *n, tcpl_vec *eager, tcpl_error *err)
{
    const char *b = n->xml, *p = b, *end = b + n->len;
    if (n->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    int depth = 0;
    num_q q;
    char pre[64];
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt)
            break;
        p = lt;
        int mk = tcpl_scan_markup(&p, end);
        if (mk < 0)
            return 0;
        if (mk > 0)
            continue;
        int xmlns = 0;
        const char *e = tcpl_scan_tag_end(p, end, &xmlns);
        if (!e)
            return 0;
        if (p[1] == '/') {
            if (--depth < 0)
                return 0;
            if (depth == 0) {
                p = end;
                break;
            }
            p = e;
            continue;
        }
        int empty = e[-2] == '/';
        if (depth == 0) {
            int took = tcpl_scan_take_root(&n->root, &n->arena, b, p, e, pre, sizeof pre);
            if (took <= 0)
                return took < 0 ? TCPL_NOMEM(err, n->file) : 0;
            snprintf(q.abs, sizeof q.abs, "%s:abstractNum", pre);
            snprintf(q.num, sizeof q.num, "%s:num", pre);
            snprintf(q.abs_id, sizeof q.abs_id, "%s:abstractNumId", pre);
            snprintf(q.num_id, sizeof q.num_id, "%s:numId", pre);
            snprintf(q.anid, sizeof q.anid, "%s:abstractNumId", pre);
            snprintf(q.val, sizeof q.val, "%s:val", pre);
            depth = 1;
            p = e;
            continue;
        }
        if (xmlns)
            return 0;
        size_t nn = tcpl_scan_name_len(p + 1, e);
        int is_abs = depth == 1 && nn == strlen(q.abs) && !memcmp(p + 1, q.abs, nn);
        int is_num = depth == 1 && nn == strlen(q.num) && !memcmp(p + 1, q.num, nn);
        if (!is_abs && !is_num) {
            if (!empty)
                depth++;
            p = e;
            continue;
        }
        const char *close = e;
        if (!empty && !(close = tcpl_scan_skip_element(e, end, p + 1, nn)))
            return 0;
        const char *v;
        size_t vn;
        long id = -1;
        int a = tcpl_scan_tag_attr(p, e, is_abs ? q.abs_id : q.num_id, &v, &vn);
        if (a < 0 || (a > 0 && !raw_long(v, vn, -1, &id)))
            return 0;
        int eager_it = 0;
        size_t idx = 0;
        if (is_abs && n->absv.len < TCPL_MAX_ABSTRACT_NUMS &&
            (int)id >= 0) { /* abstract_parse's cast */
            abs_num *an = tcpl_vec_push(&n->absv);
            if (!an)
                return TCPL_NOMEM(err, n->file);
            memset(an, 0, sizeof *an);
            an->id = (int)id;
            an->target = NO_ABS;
            for (int i = 0; i < TCPL_NUM_LEVELS; i++)
                lvl_init(&an->lv[i]);
            an->order = idx = n->absv.len - 1;
            an->start = (size_t)(p - b);
            an->end = (size_t)(close - b);
            an->loaded = empty;
            eager_it = !empty && names_style(e, close);
        } else if (is_num && n->numv.len < TCPL_MAX_NUMS && id > 0 && id <= INT_MAX) {
            num_inst *ni = tcpl_vec_push(&n->numv);
            if (!ni)
                return TCPL_NOMEM(err, n->file);
            memset(ni, 0, sizeof *ni);
            ni->id = (int)id;
            ni->abs_id = -1;
            ni->abs = NO_ABS;
            for (int i = 0; i < TCPL_NUM_LEVELS; i++)
                ni->start_over[i] = INT_MIN;
            ni->order = idx = n->numv.len - 1;
            const char *cend = close; /* the end tag's '<' */
            while (cend > e && *--cend != '<')
                ;
            eager_it = !empty && !simple_num(e, cend, &q, &ni->abs_id);
        }
        if (eager_it) {
            eager_at *at = tcpl_vec_push(eager);
            if (!at)
                return TCPL_NOMEM(err, n->file);
            *at = (eager_at){is_num, idx, (size_t)(p - b), (size_t)(close - b)};
        }
        p = close;
    }
    return n->root.name && depth == 0 ? 1 : 0;
}

/* Parses the elements [start, end) of ranges (nat of them, in file order)
 * as children of the part's root, into the index entries they belong to. */
static int parse_ranges(tcpl_numbering *n, const eager_at *at, size_t nat, tcpl_error *err)
{
    tcpl_buf doc;
    tcpl_buf_init(&doc);
    int rc = 0, r;
    tcpl_xml x = {0};
    tcpl_buf_put(&doc, n->xml + n->root.start, n->root.end - n->root.start);
    for (size_t i = 0; i < nat; i++)
        tcpl_buf_put(&doc, n->xml + at[i].start, at[i].end - at[i].start);
    tcpl_buf_puts(&doc, "</");
    tcpl_buf_puts(&doc, n->root.name);
    tcpl_buf_puts(&doc, ">");
    if (!tcpl_buf_ok(&doc)) {
        tcpl_buf_free(&doc);
        return TCPL_NOMEM(err, n->file);
    }
    n->parsed += nat;
    tcpl_xml_budget *bg = n->budget;
    size_t used = bg ? bg->used : 0, held = bg ? bg->part : 0;
    if (bg)
        bg->used = used + held + doc.cap;
    tcpl_xml_opts opts = {tcpl_xml_keep_wml, "", 0, bg, NULL};
    rc = tcpl_xml_open_opts(&x, doc.data, doc.len, n->file, n->part, &opts, err);
    if (bg) {
        bg->used = used;
        bg->part = held;
    }
    if (rc < 0)
        goto out;
    size_t k = 0;
    while ((r = tcpl_xml_next(&x, err)) > 0) {
        if (tcpl_xml_type(&x) != XML_READER_TYPE_ELEMENT || tcpl_xml_depth(&x) != 1)
            continue;
        int is_abs = tcpl_xml_is_w(&x, "abstractNum"), is_num = tcpl_xml_is_w(&x, "num");
        if (k >= nat || (!is_abs && !is_num) || is_num != at[k].is_num) {
            r = -1; /* the scan and the parser disagree */
            break;
        }
        if (is_abs) {
            abs_num tmp, *an = &TCPL_VEC_AT(&n->absv, abs_num, at[k].idx);
            TCPL_CHECK(abstract_parse(&x, n, &tmp, err));
            if (tmp.id != an->id) {
                r = -1;
                break;
            }
            memcpy(an->lv, tmp.lv, sizeof an->lv);
            an->style_link = tmp.style_link;
            an->num_style_link = tmp.num_style_link;
            an->loaded = 1;
        } else {
            num_inst tmp, *ni = &TCPL_VEC_AT(&n->numv, num_inst, at[k].idx);
            TCPL_CHECK(num_parse(&x, n, &tmp, err));
            if (tmp.id != ni->id) {
                r = -1;
                break;
            }
            ni->abs_id = tmp.abs_id;
            memcpy(ni->start_over, tmp.start_over, sizeof ni->start_over);
            memcpy(ni->over, tmp.over, sizeof ni->over);
        }
        k++;
    }
    rc = r;
    if (rc == 0 && k != nat)
        rc = -1;
    if (rc == -1) /* not a status: the caller runs the full parse */
        rc = TCPL_ERR_FORMAT;
out:
    tcpl_xml_close(&x);
    tcpl_buf_free(&doc);
    return rc;
}

/* The full parse of a lazy part, for its result or its error. */
static int parse_full(tcpl_numbering **out, const tcpl_numbering *n, tcpl_error *err)
{
    tcpl_xml_budget *bg = n->budget;
    size_t used = bg ? bg->used : 0;
    if (bg)
        bg->used = used + n->len;
    int rc = tcpl_numbering_parse_budget(out, n->xml, n->len, n->file, n->part, bg, err);
    if (bg)
        bg->used = used;
    return rc;
}

int tcpl_numbering_open(tcpl_numbering **out, char *xml, size_t len, const char *file,
                        const char *part, tcpl_xml_budget *budget, tcpl_error *err)
{
    *out = NULL;
    if (!xml)
        return tcpl_numbering_parse_budget(out, NULL, 0, file, part, budget, err);
    tcpl_numbering *n = calloc(1, sizeof *n);
    if (!n) {
        free(xml);
        return TCPL_NOMEM(err, file);
    }
    tcpl_arena_init(&n->arena);
    tcpl_vec_init(&n->absv, sizeof(abs_num));
    tcpl_vec_init(&n->numv, sizeof(num_inst));
    n->xml = xml;
    n->len = len;
    n->file = file;
    n->part = part;
    n->budget = budget;
    tcpl_vec eager;
    tcpl_vec_init(&eager, sizeof(eager_at));
    int rc = scan(n, &eager, err);
    if (rc > 0 && eager.len) {
        tcpl_error e2 = {0};
        rc = parse_ranges(n, eager.data, eager.len, &e2);
        if (rc == TCPL_ERR_NOMEM)
            *err = e2;
        else
            rc = rc < 0 ? 0 : 1; /* damage, or a disagreement: the full parse says */
    }
    tcpl_vec_free(&eager);
    if (rc <= 0) {
        if (rc == 0)
            rc = parse_full(out, n, err);
        tcpl_numbering_free(n);
        return rc;
    }
    n->abs = n->absv.data;
    n->nabs = n->absv.len;
    n->nums = n->numv.data;
    n->nnums = n->numv.len;
    if ((rc = build_tables(n, err)) < 0) {
        tcpl_numbering_free(n);
        return rc;
    }
    *out = n;
    return 0;
}

int tcpl_numbering_need(tcpl_numbering *n, int num_id, tcpl_error *err)
{
    const num_inst *ni = n && num_id > 0 ? find_num(n, num_id) : NULL;
    if (!ni || ni->abs == NO_ABS || n->abs[ni->abs].loaded)
        return 0;
    abs_num *an = &n->abs[ni->abs];
    /* n->abs is absv's data, sorted: the entry is found by its index. */
    eager_at at = {0, (size_t)(an - n->abs), an->start, an->end};
    tcpl_error e2 = {0};
    int rc = parse_ranges(n, &at, 1, &e2);
    if (rc == 0)
        return 0;
    if (rc == TCPL_ERR_NOMEM) {
        *err = e2;
        return rc;
    }
    /* Damage in a definition used: the full parse's error. */
    tcpl_numbering *full = NULL;
    rc = parse_full(&full, n, err);
    tcpl_numbering_free(full);
    if (rc < 0)
        return rc;
    return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", n->file, n->part, "%s",
                    "w:abstractNum");
}

size_t tcpl_numbering_parsed(const tcpl_numbering *n)
{
    return n ? n->parsed : 0;
}

/* ------------------------------------------------------------------ */

int tcpl_numstate_new(tcpl_numstate **out, const tcpl_numbering *num)
{
    *out = NULL;
    tcpl_numstate *st = calloc(1, sizeof *st);
    if (!st)
        return TCPL_ERR_NOMEM;
    st->num = num;
    size_t na = num ? num->nabs : 0, nn = num ? num->nnums : 0;
    st->cur = calloc(na ? na : 1, sizeof *st->cur);
    st->used = calloc(na ? na : 1, sizeof *st->used);
    st->seen = calloc(nn ? nn : 1, sizeof *st->seen);
    if (!st->cur || !st->used || !st->seen) {
        tcpl_numstate_free(st);
        return TCPL_ERR_NOMEM;
    }
    *out = st;
    return 0;
}

void tcpl_numstate_free(tcpl_numstate *st)
{
    if (!st)
        return;
    free(st->cur);
    free(st->used);
    free(st->seen);
    free(st);
}

/* The level a num shows: its w:lvl override, else the abstract's. */
static const num_lvl *eff_lvl(const tcpl_numbering *n, const num_inst *ni, int l)
{
    return ni->over[l] ? ni->over[l] : &n->abs[ni->abs].lv[l];
}

static int eff_start(const tcpl_numbering *n, const num_inst *ni, int l)
{
    if (ni->start_over[l] != INT_MIN)
        return ni->start_over[l];
    return eff_lvl(n, ni, l)->start;
}

/* A bounded writer into the label. */
typedef struct out_buf {
    tcpl_buf *b; /* NULL: labels not asked for */
    size_t cap;  /* bytes at most */
} out_buf;

static size_t out_len(const out_buf *o)
{
    return o->b ? o->b->len : 0;
}

static void put(out_buf *o, const char *s, size_t n)
{
    if (!o->b)
        return;
    size_t room = o->cap - o->b->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* never cut a UTF-8 sequence */
    }
    tcpl_buf_put(o->b, s, n);
}

static void put_decimal(out_buf *o, int v, int zero)
{
    char t[16];
    size_t n = 0;
    unsigned u = (unsigned)v;
    do {
        t[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (zero && v < 10)
        t[n++] = '0';
    for (size_t i = 0; i < n / 2; i++) {
        char c = t[i];
        t[i] = t[n - 1 - i];
        t[n - 1 - i] = c;
    }
    put(o, t, n);
}

static void put_roman(out_buf *o, int v, int upper)
{
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
             {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    if (v <= 0 || v > TCPL_MAX_ROMAN) {
        put_decimal(o, v, 0);
        return;
    }
    char t[32];
    size_t n = 0;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        while (v >= r[i].v) {
            for (const char *s = r[i].s; *s; s++)
                t[n++] = upper ? (char)(*s - 'a' + 'A') : *s;
            v -= r[i].v;
        }
    put(o, t, n);
}

/* Word's letters: a..z, then aa..zz, aaa..: the letter repeated. */
static void put_letter(out_buf *o, int v, int upper)
{
    if (v <= 0) {
        put_decimal(o, v, 0);
        return;
    }
    char c = (char)((upper ? 'A' : 'a') + (v - 1) % 26);
    size_t times = (size_t)(v - 1) / 26 + 1;
    while (times-- > 0 && out_len(o) < o->cap)
        put(o, &c, 1);
}

static void put_number(out_buf *o, int v, int fmt)
{
    switch (fmt) {
    case FMT_NONE:
        break;
    case FMT_DECIMAL_ZERO:
        put_decimal(o, v, 1);
        break;
    case FMT_UPPER_ROMAN:
    case FMT_LOWER_ROMAN:
        put_roman(o, v, fmt == FMT_UPPER_ROMAN);
        break;
    case FMT_UPPER_LETTER:
    case FMT_LOWER_LETTER:
        put_letter(o, v, fmt == FMT_UPPER_LETTER);
        break;
    default: /* decimal, and a bullet level quoted by another level */
        put_decimal(o, v, 0);
        break;
    }
}

/* Bullet characters as a reader sees them: Symbol/Wingdings code points in
 * the private-use area (U+F0B7, U+F0A7, U+F0D8 ...) and the Courier "o" and
 * Wingdings "§" become "•"; "-", "–" and other real characters stay. */
static void put_bullet(out_buf *o, const char *t)
{
    static const char dot[] = "\xE2\x80\xA2";
    if (!t)
        return;
    if (!strcmp(t, "o") || !strcmp(t, "\xC2\xA7")) {
        put(o, dot, 3);
        return;
    }
    for (const unsigned char *s = (const unsigned char *)t; *s;) {
        /* U+F000..U+F0FF is EF 80..83 xx in UTF-8. */
        if (s[0] == 0xEF && s[1] >= 0x80 && s[1] <= 0x83 && s[2] >= 0x80 && s[2] <= 0xBF) {
            put(o, dot, 3);
            s += 3;
            continue;
        }
        size_t n = 1;
        while (s[n] && (s[n] & 0xC0) == 0x80)
            n++;
        put(o, (const char *)s, n);
        s += n;
    }
}

int tcpl_numstate_next(tcpl_numstate *st, int num_id, int ilvl, tcpl_buf *label, char *suffix)
{
    if (label)
        tcpl_buf_reset(label);
    if (suffix)
        *suffix = 0;
    if (!st || !st->num || num_id <= 0)
        return 0;
    const tcpl_numbering *n = st->num;
    const num_inst *ni = find_num(n, num_id);
    if (!ni || ni->abs == NO_ABS || !n->abs[ni->abs].loaded)
        return 0; /* not loaded: tcpl_numbering_need was not asked */
    int l = ilvl < 0 ? 0 : ilvl >= TCPL_NUM_LEVELS ? TCPL_NUM_LEVELS - 1 : ilvl;
    const num_lvl *lv = eff_lvl(n, ni, l);
    if (!lv->defined)
        return 0; /* no such level: Word shows no label */
    size_t a = ni->abs, k = (size_t)(ni - n->nums);
    int *cur = st->cur[a];
    unsigned char *used = st->used[a];
    int first_here = !(st->seen[k] & (1u << l));
    st->seen[k] |= (unsigned short)(1u << l);
    if (first_here && (ni->start_over[l] != INT_MIN || ni->over[l])) {
        /* A level override restarts the shared list once, at this num's
         * first paragraph on that level. */
        cur[l] = eff_start(n, ni, l);
        used[l] = 1;
    } else if (!used[l]) {
        cur[l] = eff_start(n, ni, l);
        used[l] = 1;
    } else if (cur[l] < TCPL_NUM_MAX_VALUE) {
        cur[l]++;
    }
    /* Deeper levels restart as Word does (MS-OI29500 2.1.282): when this
     * level is the one lvlRestart names or any higher one; lvlRestart 0
     * never restarts; absent or naming a deeper level means "after any
     * higher level".  Word ignores lvlRestart in a w:lvlOverride, so the
     * abstract's level is asked. */
    for (int m = l + 1; m < TCPL_NUM_LEVELS; m++) {
        int r = n->abs[a].lv[m].restart;
        if (r == 0)
            continue;
        if (r < 0 || r - 1 >= m || l <= r - 1)
            used[m] = 0;
    }
    if (suffix)
        *suffix = lv->suff;
    if (!label)
        return 0;
    out_buf o = {label, TCPL_MAX_LABEL_BYTES};
    if (lv->fmt == FMT_BULLET) {
        put_bullet(&o, lv->text);
        tcpl_buf_put(label, "", 0);
        return tcpl_buf_ok(label) ? 0 : TCPL_ERR_NOMEM;
    }
    for (const char *s = lv->text; s && *s;) {
        if (s[0] == '%' && s[1] >= '1' && s[1] <= '9') {
            int q = s[1] - '1';
            int v = used[q] ? cur[q] : eff_start(n, ni, q);
            put_number(&o, v, lv->is_lgl ? FMT_DECIMAL : eff_lvl(n, ni, q)->fmt);
            s += 2;
            continue;
        }
        size_t len = 1;
        while (s[len] && s[len] != '%')
            len++;
        put(&o, s, len);
        s += len;
    }
    /* "" rather than NULL data when nothing was put */
    tcpl_buf_put(label, "", 0);
    return tcpl_buf_ok(label) ? 0 : TCPL_ERR_NOMEM;
}
