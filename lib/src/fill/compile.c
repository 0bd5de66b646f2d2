/* Template compilation: every part with text is parsed once into a tree,
 * tags are found in each paragraph's text however Word split them across
 * runs, each tag is moved whole into the w:t where it starts, sections are
 * matched and given a shape (inline, paragraphs, table rows), and the tree
 * is written out as a program: literal XML between value and section
 * operations (fill/template.h).  Filling then never parses XML again. */
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "fill/template.h"
#include "ooxml/pkg.h"
#include "ooxml/writer.h"
#include "ooxml/xml.h"

#define NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
/* Characters of paragraph text shown on each side of a tag in messages. */
#define CONTEXT_CHARS 30
/* The longest delimiter a set-delimiter tag may choose. */
#define MAX_DELIM 15

typedef struct ann {
    size_t before_h, before_t; /* marker tags emitted before the node (1 + index) */
    size_t after_h, after_t;   /* ... after it */
    size_t ttag_h, ttag_t;     /* a w:t: the tags in its text, in order */
    int drop;                  /* a paragraph holding only a section tag: not written */
} ann;

typedef struct comp {
    tcpl_template *t;
    const tcpl_ctx *ctx;
    const char *part;
    tcpl_vec anns; /* ann */
    size_t first_tag;
    char open[MAX_DELIM + 1], close[MAX_DELIM + 1];
    size_t olen, clen;
    int para_no, table_no;
    struct {
        int table, row, cell;
    } tbl[TCPL_MAX_XML_DEPTH + 1];
    int ntbl;
    tcpl_vec wts;  /* xmlNodePtr: the w:t of the paragraph being read */
    tcpl_vec offs; /* size_t: where each starts in text */
    tcpl_buf text; /* the paragraph's text */
    tpl_part *out;
    tcpl_vec stack; /* size_t: op index of each open BEGIN while emitting */
    int fatal;      /* out of memory or a limit: stop */
    tcpl_error *err;
} comp;

/* ---- small helpers ------------------------------------------------------------ */

static int is_w(xmlNodePtr n, const char *local)
{
    if (!n || n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href)
        return 0;
    const char *h = (const char *)n->ns->href;
    return (!strcmp(h, TCPL_NS_W) || !strcmp(h, NS_W_STRICT)) &&
           !strcmp((const char *)n->name, local);
}

static const char *msg(const comp *c, const char *id, const char *fallback)
{
    if (!c->ctx)
        return fallback;
    const char *m = tcpl_msg(c->ctx, id);
    return m && strcmp(m, id) ? m : fallback;
}

static tpl_tag *tag_at(comp *c, size_t i)
{
    return &TCPL_VEC_AT(&c->t->tags, tpl_tag, i);
}

static ann *ann_of(comp *c, xmlNodePtr n, int create)
{
    if (n->_private)
        return &TCPL_VEC_AT(&c->anns, ann, (uintptr_t)n->_private - 1);
    if (!create)
        return NULL;
    ann *a = tcpl_vec_push(&c->anns);
    if (!a) {
        c->fatal = TCPL_NOMEM(c->err, c->t->name);
        return NULL;
    }
    n->_private = (void *)(uintptr_t)c->anns.len;
    return a;
}

/* Appends tag i (0-based) to one of a node's lists. */
static void list_add(comp *c, size_t *head, size_t *tail, size_t i, int marker)
{
    if (*tail) {
        tpl_tag *last = tag_at(c, *tail - 1);
        *(marker ? &last->next_m : &last->next_t) = i + 1;
    } else {
        *head = i + 1;
    }
    *tail = i + 1;
}

static void add_marker(comp *c, xmlNodePtr n, size_t i, int after)
{
    ann *a = ann_of(c, n, 1);
    if (!a)
        return;
    if (after)
        list_add(c, &a->after_h, &a->after_t, i, 1);
    else
        list_add(c, &a->before_h, &a->before_t, i, 1);
}

/* Records a template error.  The first one also goes to c->err (what
 * compile returns without lint). */
static void problem(comp *c, int para, const char *id, const char *where, const char *detail)
{
    tcpl_template *t = c->t;
    t->nproblems++;
    if (t->problems.len >= TCPL_TPL_MAX_PROBLEMS)
        return;
    tpl_problem *pr = tcpl_vec_push(&t->problems);
    if (!pr) {
        c->fatal = TCPL_NOMEM(c->err, t->name);
        return;
    }
    pr->key = ((unsigned long long)t->nparts_read << 44) |
              ((unsigned long long)(para & 0xFFFFFF) << 20) | (t->problems.len & 0xFFFFF);
    tcpl_err(&pr->e, TCPL_ERR_FORMAT, id, t->name, where, "%s", detail ? detail : "");
}

static void tag_problem(comp *c, const tpl_tag *g, const char *id, const char *extra)
{
    char d[256];
    if (extra)
        snprintf(d, sizeof d, "%s (%s) — “%s”", g->raw, extra, g->context);
    else
        snprintf(d, sizeof d, "%s — “%s”", g->raw, g->context);
    problem(c, g->para, id, g->where, d);
}

static char *arena_fmt(comp *c, const char *s, size_t n)
{
    char *p = tcpl_arena_strndup(&c->t->arena, s, n);
    if (!p && !c->fatal)
        c->fatal = TCPL_NOMEM(c->err, c->t->name);
    return p;
}

/* Where the paragraph being read is, in words. */
static const char *where_now(comp *c)
{
    char w[160];
    int n = snprintf(w, sizeof w, "%s, %s %d", c->part, msg(c, "tpl.loc_para", "paragraph"),
                     c->para_no);
    if (c->ntbl > 0 && n > 0 && (size_t)n < sizeof w) {
        int k = c->ntbl - 1;
        snprintf(w + n, sizeof w - (size_t)n, " (%s %d, %s %d, %s %d)",
                 msg(c, "tpl.loc_table", "table"), c->tbl[k].table, msg(c, "tpl.loc_row", "row"),
                 c->tbl[k].row, msg(c, "tpl.loc_cell", "cell"), c->tbl[k].cell);
    }
    return arena_fmt(c, w, strlen(w));
}

/* Moves i back to the start of a UTF-8 character. */
static size_t utf8_back(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* The text around [a, b) of the paragraph, CONTEXT_CHARS characters each side. */
static const char *context_of(comp *c, size_t a, size_t b)
{
    const char *s = c->text.data;
    size_t n = c->text.len, lo = a, hi = b;
    for (int k = 0; k < CONTEXT_CHARS && lo > 0; k++)
        lo = utf8_back(s, lo - 1);
    for (int k = 0; k < CONTEXT_CHARS && hi < n; k++) {
        hi++;
        while (hi < n && ((unsigned char)s[hi] & 0xC0) == 0x80)
            hi++;
    }
    tcpl_buf b2;
    tcpl_buf_init(&b2);
    if (lo > 0)
        tcpl_buf_puts(&b2, "…");
    tcpl_buf_put(&b2, s + lo, hi - lo);
    if (hi < n)
        tcpl_buf_puts(&b2, "…");
    const char *r = tcpl_buf_ok(&b2) ? arena_fmt(c, b2.data ? b2.data : "", b2.len) : NULL;
    if (!tcpl_buf_ok(&b2) && !c->fatal)
        c->fatal = TCPL_NOMEM(c->err, c->t->name);
    tcpl_buf_free(&b2);
    return r ? r : "";
}

static const char *find(const char *s, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m)
        return NULL;
    for (size_t i = 0; i + m <= n; i++)
        if (s[i] == needle[0] && !memcmp(s + i, needle, m))
            return s + i;
    return NULL;
}

static int space(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Trims ASCII space and U+00A0 (Word's non-breaking space) from both ends. */
static void trim(const char **s, size_t *n)
{
    for (;;) {
        if (*n && space((unsigned char)**s)) {
            (*s)++, (*n)--;
        } else if (*n >= 2 && (unsigned char)(*s)[0] == 0xC2 && (unsigned char)(*s)[1] == 0xA0) {
            *s += 2, *n -= 2;
        } else {
            break;
        }
    }
    for (;;) {
        if (*n && space((unsigned char)(*s)[*n - 1]))
            (*n)--;
        else if (*n >= 2 && (unsigned char)(*s)[*n - 2] == 0xC2 &&
                 (unsigned char)(*s)[*n - 1] == 0xA0)
            *n -= 2;
        else
            break;
    }
}

/* ---- tag syntax --------------------------------------------------------------- */

/* A key path: "." or segments of letters (any script), digits, '_' and '-'
 * joined by '.'. */
static int parse_path(comp *c, tpl_tag *g, const char *s, size_t n)
{
    g->name = arena_fmt(c, s, n);
    if (!g->name)
        return -1;
    if (n == 1 && s[0] == '.') {
        g->npath = 0;
        return 0;
    }
    size_t segs = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '.') {
            if (i == 0 || i + 1 == n || s[i - 1] == '.')
                return 1;
            segs++;
        } else if (!(ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                     (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '-')) {
            return 1;
        }
    }
    if (n == 0)
        return 1;
    g->path = tcpl_arena_alloc(&c->t->arena, segs * sizeof *g->path);
    if (!g->path) {
        c->fatal = TCPL_NOMEM(c->err, c->t->name);
        return -1;
    }
    size_t k = 0, from = 0;
    for (size_t i = 0; i <= n; i++)
        if (i == n || s[i] == '.') {
            g->path[k++] = arena_fmt(c, s + from, i - from);
            from = i + 1;
        }
    g->npath = segs;
    return c->fatal ? -1 : 0;
}

/* Quote pairs accepted around a filter argument: Word's AutoFormat turns
 * "..." into “...” as it is typed. */
static int unquote(const char *s, size_t n, const char **a, size_t *an)
{
    static const char *const Q[][2] = {
        {"\"", "\""}, {"“", "”"}, {"'", "'"}, {"‘", "’"}, {"”", "”"}};
    for (size_t q = 0; q < sizeof Q / sizeof *Q; q++) {
        size_t ol = strlen(Q[q][0]), cl = strlen(Q[q][1]);
        if (n >= ol + cl && !memcmp(s, Q[q][0], ol) && !memcmp(s + n - cl, Q[q][1], cl)) {
            *a = s + ol;
            *an = n - ol - cl;
            return 1;
        }
    }
    return 0;
}

/* Splits "name | f1 | f2:“x”" at the '|' that are outside quotes. */
static int parse_var(comp *c, tpl_tag *g, const char *s, size_t n, const char **bad)
{
    size_t bars[64], nb = 0;
    int inq = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\'')
            inq = !inq;
        else if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 ((unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x98))
            inq = 1;
        else if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 ((unsigned char)s[i + 2] == 0x9D || (unsigned char)s[i + 2] == 0x99))
            inq = 0;
        else if (ch == '|' && !inq) {
            if (nb == sizeof bars / sizeof *bars) {
                *bad = "filters";
                return 1;
            }
            bars[nb++] = i;
        }
    }
    const char *name = s;
    size_t nn = nb ? bars[0] : n;
    trim(&name, &nn);
    int r = parse_path(c, g, name, nn);
    if (r) {
        *bad = "name";
        return r;
    }
    if (!nb)
        return 0;
    g->filters = tcpl_arena_alloc(&c->t->arena, nb * sizeof *g->filters);
    if (!g->filters) {
        c->fatal = TCPL_NOMEM(c->err, c->t->name);
        return -1;
    }
    for (size_t k = 0; k < nb; k++) {
        const char *f = s + bars[k] + 1;
        size_t fn = (k + 1 < nb ? bars[k + 1] : n) - bars[k] - 1;
        trim(&f, &fn);
        const char *colon = memchr(f, ':', fn);
        size_t namelen = colon ? (size_t)(colon - f) : fn;
        const char *fname = f;
        trim(&fname, &namelen);
        int kind = tpl_filter_kind(fname, namelen);
        if (kind < 0) {
            *bad = "filter";
            return 2;
        }
        tpl_filter *fl = &g->filters[g->nfilters++];
        fl->kind = kind;
        fl->arg = NULL;
        if (kind == FILTER_DEFAULT) {
            if (!colon) {
                *bad = "default";
                return 1;
            }
            const char *arg = colon + 1, *a;
            size_t an = fn - namelen - 1, aln;
            trim(&arg, &an);
            if (!unquote(arg, an, &a, &aln)) {
                *bad = "default";
                return 1;
            }
            fl->arg = arena_fmt(c, a, aln);
            if (!fl->arg)
                return -1;
        } else if (colon) {
            *bad = "argument";
            return 1;
        }
    }
    return 0;
}

/* Reads one tag's inside.  0: g filled; 1: syntax error (reported). */
static int parse_tag(comp *c, tpl_tag *g, const char *s, size_t n)
{
    const char *bad = "";
    trim(&s, &n);
    g->name = "";
    if (n == 0) {
        tag_problem(c, g, "err.tpl_syntax", "empty");
        return 1;
    }
    int r;
    switch (s[0]) {
    case '!':
        g->kind = TAG_COMMENT;
        return 0;
    case '=': {
        /* {{=<% %>=}}: new delimiters, for the rest of this part. */
        const char *in = s + 1;
        size_t m = n - 1;
        if (m == 0 || in[m - 1] != '=') {
            tag_problem(c, g, "err.tpl_syntax", "=");
            return 1;
        }
        m--;
        trim(&in, &m);
        size_t a = 0;
        while (a < m && !space((unsigned char)in[a]))
            a++;
        const char *b = in + a;
        size_t bn = m - a;
        trim(&b, &bn);
        int ok = a > 0 && a <= MAX_DELIM && bn > 0 && bn <= MAX_DELIM;
        for (size_t i = 0; ok && i < bn; i++)
            ok = !space((unsigned char)b[i]);
        if (!ok) {
            tag_problem(c, g, "err.tpl_syntax", "=");
            return 1;
        }
        g->kind = TAG_DELIM;
        memcpy(c->open, in, a);
        c->open[a] = 0;
        c->olen = a;
        memcpy(c->close, b, bn);
        c->close[bn] = 0;
        c->clen = bn;
        return 0;
    }
    case '#':
    case '^':
    case '/': {
        g->kind = s[0] == '#' ? TAG_OPEN : s[0] == '^' ? TAG_INV : TAG_CLOSE;
        const char *nm = s + 1;
        size_t m = n - 1;
        trim(&nm, &m);
        if (memchr(nm, '|', m)) {
            tag_problem(c, g, "err.tpl_syntax", "|");
            return 1;
        }
        r = parse_path(c, g, nm, m);
        if (r > 0)
            tag_problem(c, g, "err.tpl_syntax", "name");
        return r;
    }
    default:
        g->kind = TAG_VAR;
        r = parse_var(c, g, s, n, &bad);
        if (r == 2)
            tag_problem(c, g, "err.tpl_filter", NULL);
        else if (r > 0)
            tag_problem(c, g, "err.tpl_syntax", bad);
        return r;
    }
}

/* ---- paragraphs --------------------------------------------------------------- */

/* The w:t of paragraph p, in order, not those of paragraphs nested in it
 * (text boxes): those are read as paragraphs of their own. */
static void collect_wt(comp *c, xmlNodePtr n, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH)
        return;
    for (xmlNodePtr k = n->children; k && !c->fatal; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || is_w(k, "p"))
            continue;
        if (is_w(k, "t")) {
            xmlNodePtr *slot = tcpl_vec_push(&c->wts);
            size_t *off = tcpl_vec_push(&c->offs);
            if (!slot || !off) {
                c->fatal = TCPL_NOMEM(c->err, c->t->name);
                return;
            }
            *slot = k;
            *off = c->text.len;
            xmlChar *s = xmlNodeGetContent(k);
            if (s) {
                tcpl_buf_puts(&c->text, (const char *)s);
                xmlFree(s);
            }
        } else {
            collect_wt(c, k, depth + 1);
        }
    }
}

/* Text, pictures or a section break that dropping the paragraph would lose. */
static int has_content(xmlNodePtr n, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH)
        return 1;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(k, "drawing") || is_w(k, "pict") || is_w(k, "object") || is_w(k, "sectPr") ||
            is_w(k, "fldSimple") || is_w(k, "footnoteReference") || is_w(k, "endnoteReference"))
            return 1;
        if (has_content(k, depth + 1))
            return 1;
    }
    return 0;
}

static void set_text(comp *c, xmlNodePtr t, const char *s, size_t n)
{
    xmlNodeSetContent(t, NULL);
    if (n)
        xmlNodeAddContentLen(t, (const xmlChar *)s, (int)n);
    xmlNodeSetSpacePreserve(t, 1);
    (void)c;
}

static void paragraph(comp *c, xmlNodePtr p)
{
    tcpl_vec_clear(&c->wts);
    tcpl_vec_clear(&c->offs);
    tcpl_buf_reset(&c->text);
    collect_wt(c, p, 0);
    if (!tcpl_buf_ok(&c->text)) {
        c->fatal = TCPL_NOMEM(c->err, c->t->name);
        return;
    }
    if (c->fatal || c->wts.len == 0)
        return;
    const char *s = c->text.data;
    size_t n = c->text.len;
    if (!find(s, n, c->open, c->olen))
        return; /* the common case: no tag */
    const char *where = where_now(c);
    size_t first = c->t->tags.len;
    /* Tags, left to right; a set-delimiter tag changes what follows. */
    size_t pos = 0;
    while (pos < n && !c->fatal) {
        const char *o = find(s + pos, n - pos, c->open, c->olen);
        if (!o)
            break;
        size_t oi = (size_t)(o - s), inner = oi + c->olen;
        const char *cl = find(s + inner, n - inner, c->close, c->clen);
        tpl_tag tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.where = where;
        tmp.para = c->para_no;
        tmp.pair = (size_t)-1;
        if (!cl) {
            tmp.context = context_of(c, oi, n);
            tmp.raw = arena_fmt(c, o, n - oi > 40 ? utf8_back(o, 40) : n - oi);
            if (tmp.raw)
                tag_problem(c, &tmp, "err.tpl_unclosed_tag", NULL);
            break; /* no close delimiter further on either */
        }
        size_t ci = (size_t)(cl - s);
        const char *o2 = find(s + inner, ci - inner, c->open, c->olen);
        if (o2) {
            tmp.context = context_of(c, oi, ci + c->clen);
            tmp.raw = arena_fmt(c, o, (size_t)(o2 - o));
            if (tmp.raw)
                tag_problem(c, &tmp, "err.tpl_unclosed_tag", NULL);
            pos = (size_t)(o2 - s);
            continue;
        }
        size_t end = ci + c->clen;
        tmp.context = context_of(c, oi, end);
        if (end - oi > TCPL_TPL_MAX_TAG_BYTES) {
            tmp.raw = arena_fmt(c, o, utf8_back(o, 40));
            if (tmp.raw)
                tag_problem(c, &tmp, "err.tpl_tag_long", NULL);
            pos = end;
            continue;
        }
        tmp.raw = arena_fmt(c, o, end - oi);
        if (!tmp.raw)
            break;
        if (c->t->tags.len >= TCPL_TPL_MAX_TAGS) {
            c->fatal = tcpl_err(c->err, TCPL_ERR_LIMIT, "err.tpl_too_many_tags", c->t->name, where,
                                "%d", TCPL_TPL_MAX_TAGS);
            return;
        }
        if (parse_tag(c, &tmp, s + inner, ci - inner) == 0) {
            tmp.start = oi; /* paragraph offsets for now */
            tmp.end = end;
            tmp.p = p;
            tpl_tag *g = tcpl_vec_push(&c->t->tags);
            if (!g) {
                c->fatal = TCPL_NOMEM(c->err, c->t->name);
                return;
            }
            *g = tmp;
        }
        pos = end;
    }
    size_t ntags = c->t->tags.len - first;
    if (c->fatal || ntags == 0)
        return;
    /* The only thing in the paragraph: may stand for the paragraph. */
    if (ntags == 1) {
        tpl_tag *g = tag_at(c, first);
        const char *a = s;
        size_t an = n;
        trim(&a, &an);
        g->alone = (size_t)(a - s) == g->start && an == g->end - g->start && !has_content(p, 0);
    }
    /* Each w:t's new text is one slice [lo, hi) of the paragraph text: its
     * own bytes less the end of a tag begun before it, plus the rest of a
     * tag begun in it.  One pass over the w:t and the tags. */
    size_t m = c->wts.len, k2 = first;
    size_t cover = 0; /* end of the last tag started before the current w:t */
    for (size_t k = 0; k < m; k++) {
        size_t s0 = TCPL_VEC_AT(&c->offs, size_t, k);
        size_t s1 = k + 1 < m ? TCPL_VEC_AT(&c->offs, size_t, k + 1) : n;
        size_t lo = s0 > cover ? s0 : cover;
        if (lo > s1)
            lo = s1; /* wholly inside a tag begun earlier: left empty */
        size_t hi = s1;
        xmlNodePtr t = TCPL_VEC_AT(&c->wts, xmlNodePtr, k);
        ann *a = NULL;
        while (k2 < c->t->tags.len && tag_at(c, k2)->start < s1 && tag_at(c, k2)->start >= lo) {
            tpl_tag *g = tag_at(c, k2);
            if (g->end > hi)
                hi = g->end;
            if (g->end > cover)
                cover = g->end;
            g->t = t;
            g->start -= lo;
            g->end -= lo;
            if (!a && !(a = ann_of(c, t, 1)))
                return;
            list_add(c, &a->ttag_h, &a->ttag_t, k2, 0);
            k2++;
        }
        if (lo != s0 || hi != s1) {
            if (lo >= hi)
                set_text(c, t, "", 0);
            else
                set_text(c, t, s + lo, hi - lo);
        } else if (a) {
            xmlNodeSetSpacePreserve(t, 1);
        }
        if (a) {
            /* the prefix lives in the tree, which is freed after compiling */
            const xmlChar *px = t->ns ? t->ns->prefix : NULL;
            const char *pc =
                arena_fmt(c, px ? (const char *)px : "", px ? strlen((const char *)px) : 0);
            if (!pc)
                return;
            for (size_t i = a->ttag_h; i; i = tag_at(c, i - 1)->next_t)
                tag_at(c, i - 1)->wpfx = pc;
        }
    }
}

/* Walks the tree in document order, counting paragraphs and table cells. */
static void visit(comp *c, xmlNodePtr n, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH) {
        if (!c->fatal)
            c->fatal = tcpl_err(c->err, TCPL_ERR_LIMIT, "err.xml_depth", c->t->name, c->part, "%d",
                                TCPL_MAX_XML_DEPTH);
        return;
    }
    for (xmlNodePtr k = n->children; k && !c->fatal; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(k, "tbl")) {
            c->tbl[c->ntbl].table = ++c->table_no;
            c->tbl[c->ntbl].row = c->tbl[c->ntbl].cell = 0;
            c->ntbl++;
            visit(c, k, depth + 1);
            c->ntbl--;
            continue;
        }
        if (is_w(k, "tr") && c->ntbl > 0) {
            c->tbl[c->ntbl - 1].row++;
            c->tbl[c->ntbl - 1].cell = 0;
        } else if (is_w(k, "tc") && c->ntbl > 0) {
            c->tbl[c->ntbl - 1].cell++;
        } else if (is_w(k, "p")) {
            c->para_no++;
            paragraph(c, k);
        }
        visit(c, k, depth + 1);
    }
}

/* ---- sections ----------------------------------------------------------------- */

/* Same element names from each w:t up to the paragraph: repeating the XML
 * between two such points stays well formed. */
static int same_shape(xmlNodePtr a, xmlNodePtr b, xmlNodePtr p)
{
    while (a && b && a != p && b != p) {
        if (strcmp((const char *)a->name, (const char *)b->name))
            return 0;
        a = a->parent;
        b = b->parent;
    }
    return a == p && b == p;
}

static xmlNodePtr up_tr(xmlNodePtr n)
{
    for (n = n ? n->parent : NULL; n; n = n->parent)
        if (is_w(n, "tr"))
            return n;
    return NULL;
}

/* The last paragraph of a table cell, or one with a section break, must stay. */
static int must_keep(xmlNodePtr p)
{
    if (has_content(p, 0))
        return 1;
    if (!is_w(p->parent, "tc"))
        return 0;
    for (xmlNodePtr k = p->next; k; k = k->next)
        if (is_w(k, "p"))
            return 0;
    return 1;
}

static void sections(comp *c)
{
    tcpl_vec st = TCPL_VEC_INIT(size_t);
    size_t ntags = c->t->tags.len;
    for (size_t i = c->first_tag; i < ntags && !c->fatal; i++) {
        tpl_tag *g = tag_at(c, i);
        if (g->kind == TAG_OPEN || g->kind == TAG_INV) {
            if (st.len >= TCPL_TPL_MAX_NESTING) {
                char d[32];
                snprintf(d, sizeof d, "> %d", TCPL_TPL_MAX_NESTING);
                tag_problem(c, g, "err.tpl_nesting", d);
                continue;
            }
            size_t *slot = tcpl_vec_push(&st);
            if (!slot) {
                c->fatal = TCPL_NOMEM(c->err, c->t->name);
                break;
            }
            *slot = i;
        } else if (g->kind == TAG_CLOSE) {
            size_t d = st.len;
            while (d > 0 && strcmp(tag_at(c, TCPL_VEC_AT(&st, size_t, d - 1))->name, g->name))
                d--;
            if (d == 0 && st.len) {
                /* a typo in the name, most likely: report it and take it as
                 * the end of the open section, so that one is not reported
                 * again as unclosed */
                tag_problem(c, g, "err.tpl_mismatch",
                            tag_at(c, TCPL_VEC_AT(&st, size_t, st.len - 1))->raw);
                st.len--;
                continue;
            }
            if (d == 0) {
                tag_problem(c, g, "err.tpl_unopened", NULL);
                continue;
            }
            if (d != st.len) {
                /* the top one is named by the mismatch, those between are unclosed */
                tag_problem(c, g, "err.tpl_mismatch",
                            tag_at(c, TCPL_VEC_AT(&st, size_t, st.len - 1))->raw);
                for (size_t k = d; k + 1 < st.len; k++)
                    tag_problem(c, tag_at(c, TCPL_VEC_AT(&st, size_t, k)),
                                "err.tpl_unclosed_section", NULL);
            }
            size_t oi = TCPL_VEC_AT(&st, size_t, d - 1);
            st.len = d - 1;
            tpl_tag *o = tag_at(c, oi);
            o->pair = i;
            g->pair = oi;
        }
    }
    for (size_t k = 0; k < st.len; k++)
        tag_problem(c, tag_at(c, TCPL_VEC_AT(&st, size_t, k)), "err.tpl_unclosed_section", NULL);
    tcpl_vec_free(&st);
    if (c->fatal)
        return;
    /* Shapes, then markers in document order: at one node the outer
     * section's BEGIN comes first and the inner one's END first. */
    for (size_t i = c->first_tag; i < ntags; i++) {
        tpl_tag *o = tag_at(c, i);
        if ((o->kind != TAG_OPEN && o->kind != TAG_INV) || o->pair == (size_t)-1)
            continue;
        tpl_tag *e = tag_at(c, o->pair);
        xmlNodePtr op = o->p, cp = e->p;
        int mode = -1;
        if (o->alone && e->alone && op != cp && op->parent == cp->parent) {
            mode = MODE_PARA;
        } else if (op == cp) {
            if (same_shape(o->t, e->t, op))
                mode = MODE_INLINE;
        } else {
            for (xmlNodePtr a = up_tr(op); a && mode < 0; a = up_tr(a))
                for (xmlNodePtr b = up_tr(cp); b && mode < 0; b = up_tr(b))
                    if (a->parent == b->parent) {
                        mode = MODE_ROW;
                        o->p = a; /* from here on: the rows */
                        e->p = b;
                    }
        }
        if (mode < 0) {
            tag_problem(c, o, "err.tpl_section_span", e->raw);
            o->pair = e->pair = (size_t)-1;
            continue;
        }
        o->mode = e->mode = mode;
    }
    for (size_t i = c->first_tag; i < ntags && !c->fatal; i++) {
        tpl_tag *g = tag_at(c, i);
        if (g->kind != TAG_OPEN && g->kind != TAG_INV && g->kind != TAG_CLOSE)
            continue;
        if (g->pair == (size_t)-1 || g->mode == MODE_INLINE)
            continue;
        int closing = g->kind == TAG_CLOSE;
        if (g->mode == MODE_ROW) {
            add_marker(c, g->p, i, closing);
        } else if (must_keep(g->p)) {
            add_marker(c, g->p, i, !closing); /* BEGIN after it, END before it */
        } else {
            add_marker(c, g->p, i, 0);
            ann *a = ann_of(c, g->p, 1);
            if (a)
                a->drop = 1;
        }
    }
}

/* ---- writing the program ------------------------------------------------------ */

static void lit(comp *c, const char *s, size_t n)
{
    if (!n)
        return;
    tpl_part *p = c->out;
    tpl_op *last = p->ops.len ? &TCPL_VEC_AT(&p->ops, tpl_op, p->ops.len - 1) : NULL;
    if (last && last->kind == OP_LIT) {
        last->b += n;
    } else {
        tpl_op *op = tcpl_vec_push(&p->ops);
        if (!op) {
            c->fatal = TCPL_NOMEM(c->err, c->t->name);
            return;
        }
        op->kind = OP_LIT;
        op->a = p->blob.len;
        op->b = n;
    }
    tcpl_buf_put(&p->blob, s, n);
}

static void lits(comp *c, const char *s)
{
    lit(c, s, strlen(s));
}

static void escaped(comp *c, const char *s, int attr)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attr ? "&quot;" : NULL;
            break;
        case '\r':
            rep = "&#13;";
            break;
        case '\n':
            rep = attr ? "&#10;" : NULL;
            break;
        case '\t':
            rep = attr ? "&#9;" : NULL;
            break;
        }
        if (rep) {
            lit(c, run, (size_t)(s - run));
            lits(c, rep);
            run = s + 1;
        }
    }
    lit(c, run, (size_t)(s - run));
}

static void op_push(comp *c, int kind, size_t a)
{
    tpl_op *op = tcpl_vec_push(&c->out->ops);
    if (!op) {
        c->fatal = TCPL_NOMEM(c->err, c->t->name);
        return;
    }
    op->kind = kind;
    op->a = a;
    op->b = 0;
}

/* A section tag at its place: BEGIN or END, checked to nest. */
static void marker(comp *c, size_t i)
{
    tpl_tag *g = tag_at(c, i);
    tcpl_vec *ops = &c->out->ops;
    if (g->kind != TAG_CLOSE) {
        size_t *slot = tcpl_vec_push(&c->stack);
        if (!slot) {
            c->fatal = TCPL_NOMEM(c->err, c->t->name);
            return;
        }
        *slot = ops->len;
        op_push(c, OP_BEGIN, i);
        return;
    }
    if (!c->stack.len ||
        TCPL_VEC_AT(ops, tpl_op, TCPL_VEC_AT(&c->stack, size_t, c->stack.len - 1)).a != g->pair) {
        tag_problem(c, tag_at(c, g->pair), "err.tpl_section_span", g->raw);
        return;
    }
    size_t b = TCPL_VEC_AT(&c->stack, size_t, --c->stack.len);
    op_push(c, OP_END, i);
    if (c->fatal)
        return;
    TCPL_VEC_AT(ops, tpl_op, b).b = ops->len - 1;
    TCPL_VEC_AT(ops, tpl_op, ops->len - 1).b = b;
}

static void qname(comp *c, xmlNodePtr n)
{
    if (n->ns && n->ns->prefix) {
        lits(c, (const char *)n->ns->prefix);
        lits(c, ":");
    }
    lits(c, (const char *)n->name);
}

static void start_tag(comp *c, xmlNodePtr n, int empty)
{
    lits(c, "<");
    qname(c, n);
    for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next) {
        lits(c, ns->prefix ? " xmlns:" : " xmlns");
        if (ns->prefix)
            lits(c, (const char *)ns->prefix);
        lits(c, "=\"");
        escaped(c, ns->href ? (const char *)ns->href : "", 1);
        lits(c, "\"");
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        lits(c, " ");
        if (a->ns && a->ns->prefix) {
            lits(c, (const char *)a->ns->prefix);
            lits(c, ":");
        }
        lits(c, (const char *)a->name);
        lits(c, "=\"");
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
        escaped(c, v ? (const char *)v : "", 1);
        xmlFree(v);
        lits(c, "\"");
    }
    lits(c, empty ? "/>" : ">");
}

static void end_tag(comp *c, xmlNodePtr n)
{
    lits(c, "</");
    qname(c, n);
    lits(c, ">");
}

static void emit(comp *c, xmlNodePtr n, int depth);

static void emit_children(comp *c, xmlNodePtr n, int depth)
{
    for (xmlNodePtr k = n->children; k && !c->fatal; k = k->next)
        emit(c, k, depth + 1);
}

/* A w:t holding tags: its text cut at them. */
static void emit_wt(comp *c, xmlNodePtr n, const ann *a)
{
    start_tag(c, n, 0);
    xmlChar *tx = xmlNodeGetContent(n);
    const char *s = tx ? (const char *)tx : "";
    size_t pos = 0, len = strlen(s);
    for (size_t i = a->ttag_h; i && !c->fatal; i = tag_at(c, i - 1)->next_t) {
        tpl_tag *g = tag_at(c, i - 1);
        if (g->start > pos && g->start <= len) {
            char *piece = strndup(s + pos, g->start - pos);
            if (!piece) {
                c->fatal = TCPL_NOMEM(c->err, c->t->name);
                break;
            }
            escaped(c, piece, 0);
            free(piece);
        }
        if (g->kind == TAG_VAR)
            op_push(c, OP_VAR, i - 1);
        else if ((g->kind == TAG_OPEN || g->kind == TAG_INV || g->kind == TAG_CLOSE) &&
                 g->pair != (size_t)-1 && g->mode == MODE_INLINE)
            marker(c, i - 1);
        pos = g->end;
    }
    if (pos < len)
        escaped(c, s + pos, 0);
    xmlFree(tx);
    end_tag(c, n);
}

static void emit(comp *c, xmlNodePtr n, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH) {
        if (!c->fatal)
            c->fatal = tcpl_err(c->err, TCPL_ERR_LIMIT, "err.xml_depth", c->t->name, c->part, "%d",
                                TCPL_MAX_XML_DEPTH);
        return;
    }
    const ann *a = n->_private ? ann_of(c, n, 0) : NULL;
    size_t after = a ? a->after_h : 0;
    for (size_t i = a ? a->before_h : 0; i && !c->fatal; i = tag_at(c, i - 1)->next_m)
        marker(c, i - 1);
    if (a && a->drop)
        return;
    switch (n->type) {
    case XML_ELEMENT_NODE:
        if (a && a->ttag_h) {
            emit_wt(c, n, a);
        } else if (!n->children) {
            start_tag(c, n, 1);
        } else {
            start_tag(c, n, 0);
            emit_children(c, n, depth);
            end_tag(c, n);
        }
        break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        escaped(c, n->content ? (const char *)n->content : "", 0);
        break;
    case XML_COMMENT_NODE:
        lits(c, "<!--");
        lits(c, n->content ? (const char *)n->content : "");
        lits(c, "-->");
        break;
    case XML_PI_NODE:
        lits(c, "<?");
        lits(c, (const char *)n->name);
        if (n->content && *n->content) {
            lits(c, " ");
            lits(c, (const char *)n->content);
        }
        lits(c, "?>");
        break;
    default:
        break;
    }
    for (size_t i = after; i && !c->fatal; i = tag_at(c, i - 1)->next_m)
        marker(c, i - 1);
}

/* One part: read, find tags, match, write the program.  A part without
 * tags is left out (copied from the template as it is). */
static int compile_part(tcpl_template *t, const tcpl_ctx *ctx, tcpl_pkg *pkg, const char *part,
                        const tcpl_template_options *o, tcpl_error *err)
{
    char *xml = NULL;
    size_t len = 0;
    void *dv = NULL;
    int rc = tcpl_pkg_read(pkg, part, &xml, &len, err);
    if (rc < 0)
        return rc;
    if (len > TCPL_TPL_MAX_PART_BYTES) {
        free(xml);
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.tpl_part_big", t->name, part, "%zu MB > %zu MB",
                        len >> 20, TCPL_TPL_MAX_PART_BYTES >> 20);
    }
    rc = tcpl_xml_dom_read(&dv, xml, len, t->name, part, err);
    free(xml);
    if (rc < 0)
        return rc;
    xmlDocPtr doc = dv;
    comp c;
    memset(&c, 0, sizeof c);
    c.t = t;
    c.ctx = ctx;
    c.err = err;
    c.part = tcpl_arena_strdup(&t->arena, part);
    tcpl_vec_init(&c.anns, sizeof(ann));
    tcpl_vec_init(&c.wts, sizeof(xmlNodePtr));
    tcpl_vec_init(&c.offs, sizeof(size_t));
    tcpl_vec_init(&c.stack, sizeof(size_t));
    tcpl_buf_init(&c.text);
    c.first_tag = t->tags.len;
    t->nparts_read++;
    const char *dl = o && o->delimiters && *o->delimiters ? o->delimiters : "{{ }}";
    const char *sp = strchr(dl, ' ');
    size_t ol = sp ? (size_t)(sp - dl) : 0, cl = sp ? strlen(sp + 1) : 0;
    if (!c.part) {
        rc = TCPL_NOMEM(err, t->name);
        goto out;
    }
    if (!sp || ol == 0 || cl == 0 || ol > MAX_DELIM || cl > MAX_DELIM || strchr(sp + 1, ' ')) {
        rc = tcpl_err(err, TCPL_ERR_USAGE, "err.tpl_delimiters", NULL, NULL, "%s", dl);
        goto out;
    }
    memcpy(c.open, dl, ol);
    c.olen = ol;
    memcpy(c.close, sp + 1, cl);
    c.clen = cl;
    visit(&c, (xmlNodePtr)doc, 0);
    if (c.fatal) {
        rc = c.fatal;
        goto out;
    }
    if (t->tags.len == c.first_tag)
        goto out; /* nothing to fill here */
    sections(&c);
    if (c.fatal) {
        rc = c.fatal;
        goto out;
    }
    tpl_part *p = tcpl_vec_push(&t->parts);
    if (!p) {
        rc = TCPL_NOMEM(err, t->name);
        goto out;
    }
    p->name = c.part;
    tcpl_vec_init(&p->ops, sizeof(tpl_op));
    tcpl_buf_init(&p->blob);
    c.out = p;
    lits(&c, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n");
    for (xmlNodePtr k = doc->children; k && !c.fatal; k = k->next)
        emit(&c, k, 0);
    if (!c.fatal && !tcpl_buf_ok(&p->blob))
        c.fatal = TCPL_NOMEM(err, t->name);
    rc = c.fatal;
out:
    xmlFreeDoc(doc);
    tcpl_vec_free(&c.anns);
    tcpl_vec_free(&c.wts);
    tcpl_vec_free(&c.offs);
    tcpl_vec_free(&c.stack);
    tcpl_buf_free(&c.text);
    return rc;
}

/* ---- the key skeleton ------------------------------------------------------------ */

typedef struct scope {
    json_t *obj;    /* where the keys used inside go */
    json_t *holder; /* a loop: the object holding its array, and its key */
    const char *key;
    int dot; /* {{.}} used directly inside */
} scope;

/* Where Mustache would find the first segment: the innermost scope that has
 * it, else the innermost scope. */
static json_t *home(const scope *st, size_t d, const tpl_tag *g)
{
    for (size_t k = d + 1; k-- > 0;)
        if (json_object_get(st[k].obj, g->path[0]))
            return st[k].obj;
    return st[d].obj;
}

/* The object that holds the last segment, made as needed; NULL when a
 * value that is not an object is in the way. */
static json_t *holder_of(json_t *o, const tpl_tag *g)
{
    for (size_t i = 0; i + 1 < g->npath; i++) {
        json_t *v = json_object_get(o, g->path[i]);
        if (!v) {
            v = json_object();
            if (json_object_set_new(o, g->path[i], v) < 0)
                return NULL;
        }
        if (!json_is_object(v))
            return NULL;
        o = v;
    }
    return o;
}

static int build_keys(tcpl_template *t, tcpl_error *err)
{
    json_t *root = json_object();
    scope st[TCPL_TPL_MAX_NESTING + 1];
    size_t d = 0;
    if (!root)
        return TCPL_NOMEM(err, t->name);
    st[0] = (scope){root, NULL, NULL, 0};
    for (size_t i = 0; i < t->tags.len; i++) {
        const tpl_tag *g = &TCPL_VEC_AT(&t->tags, tpl_tag, i);
        json_t *top = st[d].obj;
        json_t *h = g->npath ? holder_of(home(st, d, g), g) : NULL;
        const char *last = g->npath ? g->path[g->npath - 1] : NULL;
        json_t *v = h ? json_object_get(h, last) : NULL;
        if (g->kind == TAG_VAR) {
            if (g->npath == 0)
                st[d].dot = 1;
            else if (h && !v)
                json_object_set_new(h, last, json_string(""));
        } else if ((g->kind == TAG_OPEN || g->kind == TAG_INV) && g->pair != (size_t)-1 &&
                   d < TCPL_TPL_MAX_NESTING) {
            scope s = {top, NULL, NULL, 0};
            if (g->kind == TAG_INV) {
                if (h && !v)
                    json_object_set_new(h, last, json_false());
            } else if (h && !v) {
                json_t *arr = json_array(), *obj = json_object();
                json_array_append_new(arr, obj);
                json_object_set_new(h, last, arr);
                s = (scope){obj, h, last, 0};
            } else if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
                s = (scope){json_array_get(v, 0), h, last, 0};
            } else if (json_is_object(v)) {
                s.obj = v;
            }
            st[++d] = s;
        } else if (g->kind == TAG_CLOSE && g->pair != (size_t)-1 && d > 0) {
            scope *s = &st[d--];
            /* a loop with no keys of its own: a list of values, or a
             * condition on one value */
            if (s->holder && json_object_size(s->obj) == 0) {
                json_t *nv = s->dot ? json_pack("[s]", "") : json_string("");
                json_object_set_new(s->holder, s->key, nv);
            }
        }
    }
    t->keys = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return t->keys ? 0 : TCPL_NOMEM(err, t->name);
}

/* ---- the whole template ------------------------------------------------------------ */

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static int problem_cmp(const void *a, const void *b)
{
    unsigned long long x = ((const tpl_problem *)a)->key, y = ((const tpl_problem *)b)->key;
    return x < y ? -1 : x > y;
}

int tpl_compile(tcpl_template *t, const tcpl_ctx *ctx, const tcpl_template_options *o,
                tcpl_error *err)
{
    tcpl_pkg *pkg = NULL;
    int rc = tcpl_pkg_open_memory(&pkg, t->data, t->len, t->name, err);
    if (rc < 0)
        return rc;
    const char *main = tcpl_pkg_main_part(pkg);
    const tcpl_rel *rels = NULL;
    size_t nrels = 0;
    TCPL_CHECK(tcpl_pkg_rels(pkg, main, &rels, &nrels, err));
    TCPL_CHECK(compile_part(t, ctx, pkg, main, o, err));
    /* Headers, footers and notes in the order the main part names them. */
    static const char *const KINDS[] = {"/header", "/footer", "/footnotes", "/endnotes"};
    for (size_t k = 0; k < sizeof KINDS / sizeof *KINDS; k++)
        for (size_t i = 0; i < nrels; i++)
            if (!rels[i].external && !rels[i].dup && ends_with(rels[i].type, KINDS[k]) &&
                tcpl_pkg_has(pkg, rels[i].target))
                TCPL_CHECK(compile_part(t, ctx, pkg, rels[i].target, o, err));
    const tcpl_rel *set = tcpl_pkg_rel_by_type(rels, nrels, "/settings");
    if (set && !set->external && tcpl_pkg_has(pkg, set->target)) {
        char *xml = NULL;
        size_t len = 0;
        TCPL_CHECK(tcpl_pkg_read(pkg, set->target, &xml, &len, err));
        char *upd = NULL;
        size_t ulen = 0;
        rc = tcpl_settings_update_fields(&upd, &ulen, xml, len, t->name, err);
        free(xml);
        if (rc < 0)
            goto out;
        /* Once, here: the template the fills copy from already has the new
         * settings, deflated, so a fill copies them like any other part. */
        tcpl_part_data pd = {set->target, upd, ulen};
        void *nd = NULL;
        size_t nlen = 0;
        rc = tcpl_pkg_rewrite(&nd, &nlen, t->data, t->len, t->name, &pd, 1, NULL, err);
        free(upd);
        if (rc < 0)
            goto out;
        free(t->data);
        t->data = nd;
        t->len = nlen;
    }
    TCPL_CHECK(build_keys(t, err));
    if (t->problems.len)
        qsort(t->problems.data, t->problems.len, sizeof(tpl_problem), problem_cmp);
    if (t->nproblems && !(o && (o->flags & TCPL_TPL_LINT))) {
        *err = TCPL_VEC_AT(&t->problems, tpl_problem, 0).e;
        rc = err->code;
    }
out:
    tcpl_pkg_free(pkg);
    return rc;
}
