#include "ooxml/tagscan.h"
#include "ooxml/styles.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "tcpl/model.h"

/* A basedOn chain longer than this is cut off.  Word's own documents stay
 * below 10; the limit only bounds hostile chains (cycles are caught apart). */
#define TCPL_MAX_STYLE_CHAIN 32
/* Styles beyond this are ignored.  Real documents carry a few hundred
 * (Word's latent built-ins are not w:style elements); the limit bounds
 * memory and the resolution pass on hostile files. */
#define TCPL_MAX_STYLES 20000
/* Page sizes and margins beyond 22 inches (31,680 twips, Word's largest
 * page) are ignored, as if the document said nothing: a hostile 99999999999
 * would otherwise wrap into a negative int. */
#define TCPL_MAX_PAGE_TWIPS 31680
/* w:sz is in half-points; Word accepts 1..1638 pt. */
#define TCPL_MAX_FONT_HALF_POINTS 3276

/* One w:style as written, before its chain is folded in. */
typedef struct raw_style {
    tcpl_style st; /* own properties first, resolved in place later */
    const char *based_on;
    int is_default;
    size_t order; /* position in the file: the first of equal ids wins */
    /* Read lazily (tcpl_styles_open): where the element is in the part, and
     * whether it has been parsed (1) and resolved (2).  Eager parses set 2. */
    size_t start, end;
    int state;
    tcpl_style own; /* own properties, kept while the chain is resolved */
} raw_style;

struct tcpl_styles {
    tcpl_arena arena;
    raw_style *v; /* sorted by id: the array of vec once parsed */
    size_t n;
    tcpl_vec vec;
    tcpl_rpr defaults;
    tcpl_ppr pdefaults;
    const tcpl_style *default_para;
    /* Lazy: the part (owned), its root start tag and name, where the
     * docDefaults are, and the first failure of a parse on demand. */
    char *xml;
    size_t len;
    tcpl_scan_root root; /* the root's name (in the arena) and start tag */
    tcpl_vec defaults_at;        /* size_t pairs: docDefaults [start, end) */
    raw_style *default_raw;      /* the default paragraph style, loaded on first use */
    const char *file, *part;
    int failed;
    tcpl_error err;
    size_t parses;           /* parses on demand, for tests */
    tcpl_xml_budget *budget; /* the document's (NULL: none) */
};

void tcpl_rpr_init(tcpl_rpr *r)
{
    memset(r, 0, sizeof *r);
    r->bold = r->italic = r->underline = r->caps = r->strike = r->vert = -1;
}

void tcpl_ppr_init(tcpl_ppr *p)
{
    memset(p, 0, sizeof *p);
    p->num_id = p->ilvl = p->outline_level = p->align = -1;
    tcpl_rpr_init(&p->rpr);
}

void tcpl_rpr_merge(tcpl_rpr *dst, const tcpl_rpr *over)
{
    if (over->bold >= 0)
        dst->bold = over->bold;
    if (over->italic >= 0)
        dst->italic = over->italic;
    if (over->underline >= 0)
        dst->underline = over->underline;
    if (over->caps >= 0)
        dst->caps = over->caps;
    if (over->strike >= 0)
        dst->strike = over->strike;
    if (over->vert >= 0)
        dst->vert = over->vert;
    if (over->font) {
        dst->font = over->font;
        dst->theme = 0;
    } else if (over->theme) {
        dst->theme = over->theme;
        dst->font = NULL;
    }
    if (over->size > 0)
        dst->size = over->size;
    if (over->style)
        dst->style = over->style;
}

/* Copies every property set in over onto dst (w:pStyle included). */
static void ppr_merge(tcpl_ppr *dst, const tcpl_ppr *over)
{
    if (over->style)
        dst->style = over->style;
    if (over->num_id >= 0)
        dst->num_id = over->num_id;
    if (over->ilvl >= 0)
        dst->ilvl = over->ilvl;
    if (over->outline_level >= 0)
        dst->outline_level = over->outline_level;
    if (over->align >= 0)
        dst->align = over->align;
    tcpl_rpr_merge(&dst->rpr, &over->rpr);
}

/* w:val into the arena; NULL when absent or empty. */
static int val_str(tcpl_xml *x, tcpl_arena *arena, const char *name, const char **out,
                   tcpl_error *err)
{
    const char *v = tcpl_xml_attr(x, TCPL_NS_W, name);
    *out = NULL;
    if (!v || !v[0])
        return 0;
    *out = tcpl_arena_strdup(arena, v);
    return *out ? 0 : TCPL_NOMEM(err, x->file);
}

static int rfonts(tcpl_xml *x, tcpl_arena *arena, tcpl_rpr *out, tcpl_error *err)
{
    /* The run's font is its ascii slot, else hAnsi, else cs (legacy
     * TCVN3/VNI documents name their font there).  In a slot, a theme font
     * (w:asciiTheme="minorHAnsi") wins over the explicit name (ECMA-376
     * 17.3.2.26); the reader resolves it through the theme part. */
    static const char *const slots[][2] = {
        {"asciiTheme", "ascii"}, {"hAnsiTheme", "hAnsi"}, {"cstheme", "cs"}};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        const char *t = tcpl_xml_attr(x, TCPL_NS_W, slots[i][0]);
        if (t && (!strncmp(t, "minor", 5) || !strncmp(t, "major", 5))) {
            out->theme = t[1] == 'i' ? TCPL_THEME_MINOR : TCPL_THEME_MAJOR;
            out->font = NULL;
            return 0;
        }
        const char *f;
        int rc = val_str(x, arena, slots[i][1], &f, err);
        if (rc < 0)
            return rc;
        if (f) {
            out->font = f;
            out->theme = 0;
            return 0;
        }
    }
    return 0;
}

int tcpl_rpr_parse(tcpl_xml *x, tcpl_arena *arena, tcpl_rpr *out, tcpl_error *err)
{
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x), r, rc = 0;
    int dstrike = -1;
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        if (tcpl_xml_is_w(x, "b"))
            out->bold = (signed char)tcpl_xml_toggle(x);
        else if (tcpl_xml_is_w(x, "i"))
            out->italic = (signed char)tcpl_xml_toggle(x);
        else if (tcpl_xml_is_w(x, "u"))
            out->underline = (signed char)tcpl_xml_toggle(x); /* "none" counts as off */
        else if (tcpl_xml_is_w(x, "caps"))
            out->caps = (signed char)tcpl_xml_toggle(x);
        else if (tcpl_xml_is_w(x, "strike"))
            out->strike = (signed char)tcpl_xml_toggle(x);
        else if (tcpl_xml_is_w(x, "dstrike"))
            dstrike = tcpl_xml_toggle(x);
        else if (tcpl_xml_is_w(x, "vertAlign")) {
            const char *v = tcpl_xml_attr(x, TCPL_NS_W, "val");
            v = v ? v : "";
            out->vert = strcmp(v, "superscript") == 0 ? 1 : strcmp(v, "subscript") == 0 ? 2 : 0;
        } else if (tcpl_xml_is_w(x, "rFonts"))
            TCPL_CHECK(rfonts(x, arena, out, err));
        else if (tcpl_xml_is_w(x, "sz")) {
            long s = tcpl_xml_attr_int(x, "val", 0);
            if (s > 0 && s <= TCPL_MAX_FONT_HALF_POINTS)
                out->size = (int)s;
        } else if (tcpl_xml_is_w(x, "rStyle"))
            TCPL_CHECK(val_str(x, arena, "val", &out->style, err));
        else if (tcpl_xml_is_w(x, "del") || tcpl_xml_is_w(x, "moveFrom"))
            out->deleted = 1;
    }
    if (r < 0)
        return r;
    /* Double strike shows struck text too; it only adds "on". */
    if (dstrike == 1)
        out->strike = 1;
    else if (dstrike == 0 && out->strike < 0)
        out->strike = 0;
out:
    return rc;
}

/* A length in twips: a number of twips, or (Strict documents, ECMA-376
 * ST_UniversalMeasure) a decimal with mm, cm, in, pt, pc or pi.  Values
 * beyond +-TCPL_MAX_PAGE_TWIPS, and anything that is not a length, give 0
 * ("not said"). */
static int twips_attr(const tcpl_xml *x, const char *name, int allow_negative)
{
    const char *v = tcpl_xml_attr(x, TCPL_NS_W, name);
    if (!v)
        return 0;
    char *end;
    double n = strtod(v, &end);
    if (end == v)
        return 0;
    static const struct {
        const char *unit;
        double twips;
    } units[] = {{"", 1},    {"mm", 1440 / 25.4}, {"cm", 1440 / 2.54}, {"in", 1440},
                 {"pt", 20}, {"pc", 240},         {"pi", 240}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) != 0)
            continue;
        double t = n * units[i].twips;
        /* NaN fails both comparisons */
        if (!(t <= TCPL_MAX_PAGE_TWIPS && t >= (allow_negative ? -TCPL_MAX_PAGE_TWIPS : 0)))
            return 0;
        return (int)(t < 0 ? t - 0.5 : t + 0.5);
    }
    return 0;
}

int tcpl_sectpr_parse(tcpl_xml *x, tcpl_section *s, tcpl_error *err)
{
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x), r;
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        if (tcpl_xml_is_w(x, "pgSz")) {
            const char *o = tcpl_xml_attr(x, TCPL_NS_W, "orient");
            s->page_width = twips_attr(x, "w", 0);
            s->page_height = twips_attr(x, "h", 0);
            s->landscape = o && !strcmp(o, "landscape");
        } else if (tcpl_xml_is_w(x, "pgMar")) {
            /* A negative top or bottom margin is Word's "exactly this,
             * even if text overlaps the header". */
            s->margin_top = twips_attr(x, "top", 1);
            s->margin_bottom = twips_attr(x, "bottom", 1);
            s->margin_left = twips_attr(x, "left", 0);
            s->margin_right = twips_attr(x, "right", 0);
            s->header = twips_attr(x, "header", 0);
            s->footer = twips_attr(x, "footer", 0);
        }
    }
    return r;
}

static int jc_align(const char *v)
{
    if (!strcmp(v, "left") || !strcmp(v, "start"))
        return TCPL_ALIGN_START;
    if (!strcmp(v, "center"))
        return TCPL_ALIGN_CENTER;
    if (!strcmp(v, "right") || !strcmp(v, "end"))
        return TCPL_ALIGN_END;
    if (!strcmp(v, "both") || !strcmp(v, "justify") || strstr(v, "Kashida"))
        return TCPL_ALIGN_JUSTIFY;
    if (!strcmp(v, "distribute") || !strcmp(v, "thaiDistribute"))
        return TCPL_ALIGN_DISTRIBUTE;
    return -1;
}

static int numpr_parse(tcpl_xml *x, tcpl_ppr *out, tcpl_error *err)
{
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x), r;
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        if (tcpl_xml_is_w(x, "ilvl")) {
            long l = tcpl_xml_attr_int(x, "val", -1);
            if (l >= 0)
                out->ilvl = l > 8 ? 8 : (int)l; /* Word has 9 levels, 0-8 */
        } else if (tcpl_xml_is_w(x, "numId")) {
            long n = tcpl_xml_attr_int(x, "val", -1);
            if (n >= 0 && n <= 2147483646L)
                out->num_id = (int)n;
        }
    }
    return r;
}

int tcpl_ppr_parse(tcpl_xml *x, tcpl_arena *arena, tcpl_ppr *out, tcpl_error *err)
{
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x), r, rc = 0;
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        if (tcpl_xml_is_w(x, "pStyle"))
            TCPL_CHECK(val_str(x, arena, "val", &out->style, err));
        else if (tcpl_xml_is_w(x, "numPr"))
            TCPL_CHECK(numpr_parse(x, out, err));
        else if (tcpl_xml_is_w(x, "outlineLvl")) {
            long l = tcpl_xml_attr_int(x, "val", -1);
            if (l >= 0 && l <= 9)
                out->outline_level = (int)l;
        } else if (tcpl_xml_is_w(x, "jc")) {
            const char *v = tcpl_xml_attr(x, TCPL_NS_W, "val");
            int a = jc_align(v ? v : "");
            if (a >= 0)
                out->align = a;
        } else if (tcpl_xml_is_w(x, "rPr")) {
            TCPL_CHECK(tcpl_rpr_parse(x, arena, &out->rpr, err));
            out->mark_deleted = out->rpr.deleted > 0;
        } else if (tcpl_xml_is_w(x, "framePr")) {
            /* A drop cap: the letter printed large at the start of the
             * next paragraph (w:dropCap drop or margin). */
            const char *v = tcpl_xml_attr(x, TCPL_NS_W, "dropCap");
            out->drop_cap = v && (!strcmp(v, "drop") || !strcmp(v, "margin"));
        } else if (tcpl_xml_is_w(x, "sectPr") && out->sect) {
            TCPL_CHECK(tcpl_sectpr_parse(x, out->sect, err));
            out->has_sect = 1;
        }
        /* Anything else, w:pPrChange included, is passed over by
         * tcpl_xml_next_child. */
    }
    rc = r;
out:
    return rc;
}

/* ------------------------------------------------------------------ */

static int cmp_raw(const void *a, const void *b)
{
    const raw_style *p = a, *q = b;
    int c = strcmp(p->st.id, q->st.id);
    if (c)
        return c;
    return p->order < q->order ? -1 : p->order > q->order;
}

static raw_style *find_raw(const tcpl_styles *st, const char *id)
{
    if (!st || !id || !st->n)
        return NULL;
    size_t lo = 0, hi = st->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(st->v[mid].st.id, id);
        if (c == 0)
            return &st->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* "heading 1".."heading 9" (any case): Word's built-in heading styles carry
 * outline levels 0-8 even when styles.xml does not write w:outlineLvl. */
static int heading_level(const char *name)
{
    static const char pre[] = "heading ";
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof pre - 1; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != pre[i])
            return -1;
    }
    const char *n = name + sizeof pre - 1;
    if (n[0] >= '1' && n[0] <= '9' && n[1] == 0)
        return n[0] - '1';
    return -1;
}

static int style_type(const char *v)
{
    if (!strcmp(v, "character"))
        return 'c';
    if (!strcmp(v, "table"))
        return 't';
    if (!strcmp(v, "numbering"))
        return 'n';
    return 'p'; /* the schema default */
}

static int style_parse(tcpl_xml *x, tcpl_styles *st, raw_style *out, tcpl_error *err)
{
    int rc = 0, r;
    tcpl_ppr_init(&out->st.ppr);
    tcpl_rpr_init(&out->st.rpr);
    const char *v = tcpl_xml_attr(x, TCPL_NS_W, "type");
    out->st.type = style_type(v ? v : "");
    TCPL_CHECK(val_str(x, &st->arena, "styleId", &out->st.id, err));
    v = tcpl_xml_attr(x, TCPL_NS_W, "default");
    out->is_default = v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "on"));
    if (tcpl_xml_empty(x))
        goto out;
    int d = tcpl_xml_depth(x);
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        if (tcpl_xml_is_w(x, "name"))
            TCPL_CHECK(val_str(x, &st->arena, "val", &out->st.name, err));
        else if (tcpl_xml_is_w(x, "basedOn"))
            TCPL_CHECK(val_str(x, &st->arena, "val", &out->based_on, err));
        else if (tcpl_xml_is_w(x, "pPr"))
            TCPL_CHECK(tcpl_ppr_parse(x, &st->arena, &out->st.ppr, err));
        else if (tcpl_xml_is_w(x, "rPr"))
            TCPL_CHECK(tcpl_rpr_parse(x, &st->arena, &out->st.rpr, err));
    }
    rc = r;
out:
    return rc;
}

static int defaults_parse(tcpl_xml *x, tcpl_styles *st, tcpl_error *err)
{
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x), r, rc = 0;
    while ((r = tcpl_xml_next_child(x, d, err)) > 0) {
        int is_r = tcpl_xml_is_w(x, "rPrDefault"), is_p = tcpl_xml_is_w(x, "pPrDefault");
        if ((!is_r && !is_p) || tcpl_xml_empty(x))
            continue;
        int dd = tcpl_xml_depth(x), rr;
        while ((rr = tcpl_xml_next_child(x, dd, err)) > 0) {
            if (is_r && tcpl_xml_is_w(x, "rPr"))
                TCPL_CHECK(tcpl_rpr_parse(x, &st->arena, &st->defaults, err));
            else if (is_p && tcpl_xml_is_w(x, "pPr"))
                TCPL_CHECK(tcpl_ppr_parse(x, &st->arena, &st->pdefaults, err));
        }
        TCPL_CHECK(rr);
    }
    rc = r;
out:
    return rc;
}

/* Folds docDefaults and the basedOn chain (root first) into every style.
 * Own properties are kept apart first, as parents are resolved in any order. */
static int resolve(tcpl_styles *st, tcpl_error *err)
{
    tcpl_style *own = st->n ? malloc(st->n * sizeof *own) : NULL;
    if (st->n && !own)
        return TCPL_NOMEM(err, NULL);
    for (size_t i = 0; i < st->n; i++) {
        own[i] = st->v[i].st;
        /* The built-in heading level is part of the style's own pPr, so a
         * style based on "heading 2" inherits it as Word shows it. */
        if (own[i].ppr.outline_level < 0)
            own[i].ppr.outline_level = heading_level(own[i].name);
    }
    size_t chain[TCPL_MAX_STYLE_CHAIN];
    for (size_t i = 0; i < st->n; i++) {
        size_t len = 0, cur = i;
        for (;;) {
            chain[len++] = cur;
            if (len == TCPL_MAX_STYLE_CHAIN)
                break;
            raw_style *p = find_raw(st, st->v[cur].based_on);
            if (!p || p->st.type != st->v[i].st.type)
                break; /* unknown parent, or basedOn across types (Word ignores it) */
            size_t pi = (size_t)(p - st->v);
            int seen = 0;
            for (size_t k = 0; k < len; k++)
                seen |= chain[k] == pi;
            if (seen)
                break; /* a cycle: stop at the first repeat */
            cur = pi;
        }
        tcpl_style *s = &st->v[i].st;
        tcpl_rpr_init(&s->rpr);
        /* A character style layers over the paragraph's properties, so it
         * must not carry the defaults that would undo them. */
        if (s->type != 'c')
            tcpl_rpr_merge(&s->rpr, &st->defaults);
        tcpl_ppr_init(&s->ppr);
        if (s->type == 'p')
            ppr_merge(&s->ppr, &st->pdefaults);
        while (len > 0) {
            const tcpl_style *o = &own[chain[--len]];
            ppr_merge(&s->ppr, &o->ppr);
            tcpl_rpr_merge(&s->rpr, &o->rpr);
        }
        s->ppr.style = NULL; /* a style has no w:pStyle of its own */
    }
    free(own);
    return 0;
}

static int parse_all(tcpl_styles **out, const char *xml, size_t len, const char *file,
                     const char *part, tcpl_xml_budget *budget, tcpl_error *err);

int tcpl_styles_parse(tcpl_styles **out, const char *xml, size_t len, const char *file,
                      const char *part, tcpl_error *err)
{
    return parse_all(out, xml, len, file, part, NULL, err);
}

static int parse_all(tcpl_styles **out, const char *xml, size_t len, const char *file,
                     const char *part, tcpl_xml_budget *budget, tcpl_error *err)
{
    int rc = 0, r;
    tcpl_xml x = {0};
    tcpl_styles *st = calloc(1, sizeof *st);
    *out = NULL;
    if (!st)
        return TCPL_NOMEM(err, file);
    tcpl_arena_init(&st->arena);
    tcpl_vec_init(&st->vec, sizeof(raw_style));
    tcpl_rpr_init(&st->defaults);
    tcpl_ppr_init(&st->pdefaults);
    /* Word's own default when docDefaults say nothing: 10 pt. */
    st->defaults.size = 20;
    if (!xml)
        goto done;
    tcpl_xml_opts opts = {tcpl_xml_keep_wml, "", 0, budget, NULL};
    TCPL_CHECK(tcpl_xml_open_opts(&x, xml, len, file, part, &opts, err));
    while ((r = tcpl_xml_next(&x, err)) > 0) {
        if (tcpl_xml_type(&x) != XML_READER_TYPE_ELEMENT || tcpl_xml_depth(&x) != 1)
            continue;
        if (tcpl_xml_is_w(&x, "docDefaults")) {
            TCPL_CHECK(defaults_parse(&x, st, err));
        } else if (tcpl_xml_is_w(&x, "style")) {
            if (st->vec.len == TCPL_MAX_STYLES) {
                TCPL_CHECK(tcpl_xml_skip(&x, err));
                continue;
            }
            raw_style *s = tcpl_vec_push(&st->vec);
            if (!s) {
                rc = TCPL_NOMEM(err, file);
                goto out;
            }
            s->order = st->vec.len - 1;
            TCPL_CHECK(style_parse(&x, st, s, err));
            if (!s->st.id)
                st->vec.len--; /* a style without an id cannot be referenced */
        } else {
            TCPL_CHECK(tcpl_xml_skip(&x, err));
        }
    }
    TCPL_CHECK(r);
    st->v = st->vec.data;
    st->n = st->vec.len;
    if (st->n)
        qsort(st->v, st->n, sizeof *st->v, cmp_raw);
    /* Keep the first of equal ids (Word does the same). */
    size_t w = 0;
    for (size_t i = 0; i < st->n; i++)
        if (w == 0 || strcmp(st->v[w - 1].st.id, st->v[i].st.id) != 0)
            st->v[w++] = st->v[i];
    st->n = w;
    TCPL_CHECK(resolve(st, err));
    for (size_t i = 0; i < st->n; i++)
        st->v[i].state = 2;
    size_t best = (size_t)-1;
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i].is_default && st->v[i].st.type == 'p' &&
            (best == (size_t)-1 || st->v[i].order < st->v[best].order))
            best = i;
    if (best != (size_t)-1)
        st->default_para = &st->v[best].st;
    else {
        /* LibreOffice omits w:default; Word then uses its built-in Normal. */
        const tcpl_style *nm = tcpl_styles_get(st, "Normal");
        st->default_para = nm && nm->type == 'p' ? nm : NULL;
    }
done:
    *out = st;
    st = NULL;
out:
    tcpl_xml_close(&x);
    tcpl_styles_free(st);
    return rc;
}

void tcpl_styles_free(tcpl_styles *st)
{
    if (!st)
        return;
    tcpl_arena_free(&st->arena);
    tcpl_vec_free(&st->vec);
    tcpl_vec_free(&st->defaults_at);
    free(st->xml);
    free(st);
}

static int load(tcpl_styles *st, raw_style *want);

const tcpl_style *tcpl_styles_get(const tcpl_styles *st, const char *id)
{
    raw_style *r = find_raw(st, id);
    if (r && r->state != 2 && load((tcpl_styles *)st, r) < 0)
        return NULL;
    return r ? &r->st : NULL;
}

const tcpl_style *tcpl_styles_default_para(const tcpl_styles *st)
{
    if (st && !st->default_para && st->default_raw && !st->failed) {
        tcpl_styles *m = (tcpl_styles *)st;
        if (load(m, m->default_raw) == 0)
            m->default_para = &m->default_raw->st;
    }
    return st ? st->default_para : NULL;
}

int tcpl_styles_status(const tcpl_styles *st, tcpl_error *err)
{
    if (!st || !st->failed)
        return 0;
    *err = st->err;
    return st->err.code;
}

size_t tcpl_styles_parsed(const tcpl_styles *st)
{
    size_t k = 0;
    for (size_t i = 0; st && i < st->n; i++)
        k += st->v[i].state == 2;
    return k;
}

size_t tcpl_styles_parses(const tcpl_styles *st)
{
    return st ? st->parses : 0;
}

size_t tcpl_styles_bytes(const tcpl_styles *st)
{
    return st ? st->len + st->arena.used_total + st->vec.cap * st->vec.elem : 0;
}

const tcpl_rpr *tcpl_styles_defaults(const tcpl_styles *st)
{
    return st ? &st->defaults : NULL;
}

/* ---- lazy reading -------------------------------------------------------
 *
 * Word's styles part is mostly styles a document never uses (a template's
 * hundreds of w:style and a w:latentStyles of 300-odd entries): 350 KB that
 * took 60% of a read.  tcpl_styles_open scans the part's tags once without
 * parsing (quoted attributes, comments, PIs and CDATA are stepped over) to
 * find each top-level w:style, its id, type and default flag; a style is
 * parsed by libxml2 when first asked for, with its basedOn chain, from a
 * small document made of the part's root start tag, the docDefaults and
 * those elements.  Whatever the scan cannot be sure of (a DOCTYPE, another
 * encoding, a namespace declared below the root, an id with an entity, ...)
 * falls back to the full parse, so the result is always the full parse's. */

typedef struct scan_ctx {
    const char *pre; /* "w:" */
    char q_style[80], q_defaults[80], q_latent[80], q_id[80], q_type[80], q_default[80];
} scan_ctx;

/* Builds the index; 1 done, 0 the scan cannot be sure (full parse), <0
 * out of memory. */
static int scan(tcpl_styles *st, tcpl_error *err)
{
    const char *b = st->xml, *p = b, *end = b + st->len;
    if (st->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    int depth = 0;
    size_t top = 0;   /* start of the current top-level element */
    int top_kind = 0; /* 1 style, 2 docDefaults */
    scan_ctx sc;
    char pre[64];
    size_t order = 0;
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
            if (depth == 1 && top_kind == 2) {
                size_t *r = tcpl_vec_push(&st->defaults_at);
                if (!r)
                    return TCPL_NOMEM(err, st->file);
                r[0] = top;
                r[1] = (size_t)(e - b);
            } else if (depth == 1 && top_kind == 1)
                TCPL_VEC_AT(&st->vec, raw_style, st->vec.len - 1).end = (size_t)(e - b);
            if (depth == 0) {
                p = end; /* the root is closed */
                break;
            }
            p = e;
            continue;
        }
        int empty = e[-2] == '/';
        if (depth == 0) {
            int took = tcpl_scan_take_root(&st->root, &st->arena, b, p, e, pre, sizeof pre);
            if (took <= 0)
                return took < 0 ? TCPL_NOMEM(err, st->file) : 0;
            snprintf(sc.q_style, sizeof sc.q_style, "%s:style", pre);
            snprintf(sc.q_defaults, sizeof sc.q_defaults, "%s:docDefaults", pre);
            snprintf(sc.q_latent, sizeof sc.q_latent, "%s:latentStyles", pre);
            snprintf(sc.q_id, sizeof sc.q_id, "%s:styleId", pre);
            snprintf(sc.q_type, sizeof sc.q_type, "%s:type", pre);
            snprintf(sc.q_default, sizeof sc.q_default, "%s:default", pre);
            depth = 1;
            p = e;
            continue;
        }
        /* A namespace declared below the root could rebind the prefix. */
        if (xmlns)
            return 0;
        if (depth == 1) {
            size_t nn = tcpl_scan_name_len(p + 1, e);
            top = (size_t)(p - b);
            top_kind = 0;
            if (nn == strlen(sc.q_defaults) && !memcmp(p + 1, sc.q_defaults, nn)) {
                top_kind = 2;
                if (empty) {
                    size_t *r = tcpl_vec_push(&st->defaults_at);
                    if (!r)
                        return TCPL_NOMEM(err, st->file);
                    r[0] = top;
                    r[1] = (size_t)(e - b);
                }
            } else if (nn == strlen(sc.q_style) && !memcmp(p + 1, sc.q_style, nn)) {
                const char *v;
                size_t vn;
                int a = tcpl_scan_tag_attr(p, e, sc.q_id, &v, &vn);
                if (a < 0)
                    return 0;
                order++; /* as the full parse counts: every w:style */
                if (a > 0 && vn > 0 && st->vec.len < TCPL_MAX_STYLES) {
                    raw_style *s = tcpl_vec_push(&st->vec);
                    if (!s)
                        return TCPL_NOMEM(err, st->file);
                    memset(s, 0, sizeof *s);
                    s->order = order - 1;
                    s->start = top;
                    s->end = (size_t)(e - b);
                    s->st.id = tcpl_arena_strndup(&st->arena, v, vn);
                    if (!s->st.id)
                        return TCPL_NOMEM(err, st->file);
                    const char *tv = "";
                    size_t tn = 0;
                    if (tcpl_scan_tag_attr(p, e, sc.q_type, &tv, &tn) < 0)
                        return 0;
                    char type[16] = "";
                    if (tn < sizeof type)
                        memcpy(type, tv, tn), type[tn] = 0;
                    else
                        snprintf(type, sizeof type, "?");
                    s->st.type = style_type(type);
                    const char *dv = NULL;
                    size_t dn = 0;
                    int d = tcpl_scan_tag_attr(p, e, sc.q_default, &dv, &dn);
                    if (d < 0)
                        return 0;
                    s->is_default = d > 0 && ((dn == 1 && dv[0] == '1') ||
                                              (dn == 4 && !memcmp(dv, "true", 4)) ||
                                              (dn == 2 && !memcmp(dv, "on", 2)));
                    top_kind = empty ? 0 : 1;
                }
            }
        }
        if (depth == 1 && !empty) {
            /* A w:style, w:docDefaults or w:latentStyles is stepped over
             * to its end tag (its content is parsed when it is used). */
            size_t nn = tcpl_scan_name_len(p + 1, e);
            int known = top_kind ||
                        (nn == strlen(sc.q_latent) && !memcmp(p + 1, sc.q_latent, nn)) ||
                        (nn == strlen(sc.q_style) && !memcmp(p + 1, sc.q_style, nn));
            if (known) {
                const char *close = tcpl_scan_skip_element(e, end, p + 1, nn);
                if (!close)
                    return 0;
                if (top_kind == 2) {
                    size_t *r = tcpl_vec_push(&st->defaults_at);
                    if (!r)
                        return TCPL_NOMEM(err, st->file);
                    r[0] = top;
                    r[1] = (size_t)(close - b);
                } else if (top_kind == 1)
                    TCPL_VEC_AT(&st->vec, raw_style, st->vec.len - 1).end = (size_t)(close - b);
                p = close;
                continue;
            }
        }
        if (!empty)
            depth++;
        p = e;
    }
    return st->root.name && depth == 0 ? 1 : 0;
}

/* Parses the top-level elements [start, end) pairs of ranges (the
 * docDefaults first when with_defaults) as children of the part's root. */
static int parse_ranges(tcpl_styles *st, raw_style **want, size_t nwant, int with_defaults)
{
    tcpl_buf doc;
    tcpl_buf_init(&doc);
    int rc = 0, r;
    tcpl_xml x = {0};
    tcpl_error *err = &st->err;
    if (tcpl_buf_put(&doc, st->xml + st->root.start, st->root.end - st->root.start) < 0)
        goto nomem;
    for (size_t i = 0; with_defaults && i < st->defaults_at.len; i++) {
        size_t *at = (size_t *)st->defaults_at.data + 2 * i;
        if (tcpl_buf_put(&doc, st->xml + at[0], at[1] - at[0]) < 0)
            goto nomem;
    }
    for (size_t i = 0; i < nwant; i++)
        if (tcpl_buf_put(&doc, st->xml + want[i]->start, want[i]->end - want[i]->start) < 0)
            goto nomem;
    if (tcpl_buf_puts(&doc, "</") < 0 || tcpl_buf_puts(&doc, st->root.name) < 0 ||
        tcpl_buf_puts(&doc, ">") < 0)
        goto nomem;
    st->parses++;
    /* Counted against the document's budget on top of what it holds now
     * (the part being walked included), restored after. */
    tcpl_xml_budget *bg = st->budget;
    size_t used = bg ? bg->used : 0, held = bg ? bg->part : 0;
    if (bg)
        bg->used = used + held + doc.cap;
    tcpl_xml_opts opts = {tcpl_xml_keep_wml, "", 0, bg, NULL};
    rc = tcpl_xml_open_opts(&x, doc.data, doc.len, st->file, st->part, &opts, err);
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
        if (tcpl_xml_is_w(&x, "docDefaults")) {
            TCPL_CHECK(defaults_parse(&x, st, err));
        } else if (tcpl_xml_is_w(&x, "style") && k < nwant) {
            raw_style *s = want[k++];
            raw_style tmp;
            memset(&tmp, 0, sizeof tmp);
            TCPL_CHECK(style_parse(&x, st, &tmp, err));
            s->own = tmp.st;
            s->own.id = s->st.id;
            s->based_on = tmp.based_on;
            if (s->own.ppr.outline_level < 0)
                s->own.ppr.outline_level = heading_level(s->own.name);
            s->state = 1;
        } else {
            TCPL_CHECK(tcpl_xml_skip(&x, err));
        }
    }
    rc = r;
    if (rc == 0 && k != nwant) /* the scan and the parser disagree */
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", st->file, st->part, "%s",
                      "w:style");
    goto out;
nomem:
    rc = TCPL_NOMEM(err, st->file);
out:
    tcpl_xml_close(&x);
    tcpl_buf_free(&doc);
    return rc;
}

/* Resolves a loaded style whose chain is loaded, as resolve() does. */
static void resolve_one(tcpl_styles *st, raw_style *rs)
{
    size_t chain[TCPL_MAX_STYLE_CHAIN];
    size_t len = 0, cur = (size_t)(rs - st->v);
    for (;;) {
        chain[len++] = cur;
        if (len == TCPL_MAX_STYLE_CHAIN)
            break;
        raw_style *p = find_raw(st, st->v[cur].based_on);
        if (!p || p->st.type != rs->st.type)
            break;
        size_t pi = (size_t)(p - st->v);
        int seen = 0;
        for (size_t k = 0; k < len; k++)
            seen |= chain[k] == pi;
        if (seen)
            break;
        cur = pi;
    }
    tcpl_style *s = &rs->st;
    const char *id = s->id;
    int type = s->type;
    *s = rs->own;
    s->id = id;
    s->type = type;
    tcpl_rpr_init(&s->rpr);
    if (s->type != 'c')
        tcpl_rpr_merge(&s->rpr, &st->defaults);
    tcpl_ppr_init(&s->ppr);
    if (s->type == 'p')
        ppr_merge(&s->ppr, &st->pdefaults);
    while (len > 0) {
        const tcpl_style *o = &st->v[chain[--len]].own;
        ppr_merge(&s->ppr, &o->ppr);
        tcpl_rpr_merge(&s->rpr, &o->rpr);
    }
    s->ppr.style = NULL;
}

/* Parses want and every style of its basedOn chain not parsed yet (one
 * small parse per chain step), then resolves them. */
static int load(tcpl_styles *st, raw_style *want)
{
    if (st->failed)
        return st->err.code;
    raw_style *batch[TCPL_MAX_STYLE_CHAIN];
    raw_style *chain[TCPL_MAX_STYLE_CHAIN];
    size_t nchain = 0;
    raw_style *cur = want;
    int rc = 0;
    while (cur && nchain < TCPL_MAX_STYLE_CHAIN) {
        int seen = 0;
        for (size_t k = 0; k < nchain; k++)
            seen |= chain[k] == cur;
        if (seen)
            break;
        chain[nchain++] = cur;
        if (cur->state == 0) {
            batch[0] = cur;
            if ((rc = parse_ranges(st, batch, 1, 0)) < 0)
                break;
        }
        raw_style *p = find_raw(st, cur->based_on);
        cur = p && p->st.type == want->st.type ? p : NULL;
    }
    if (rc < 0) {
        st->failed = 1;
        return rc;
    }
    /* Only want: a parent's own chain may reach past the part loaded here
     * (a chain cut at the limit); it is resolved when it is asked for. */
    if (want->state == 1) {
        resolve_one(st, want);
        want->state = 2;
    }
    return 0;
}

/* A small part: the docDefaults and every style in one parse (each style
 * is parsed as it would be alone, from its own element after the root's
 * start tag; it is resolved when it is asked for).  If that parse fails
 * (damage in some style, which the document may never use), everything it
 * did is undone and the docDefaults are parsed alone, as for a large part:
 * the styles are then parsed one chain step at a time when asked for, and
 * the result is the same either way. */
static int parse_small(tcpl_styles *st)
{
    raw_style **all = malloc(st->n * sizeof *all);
    if (!all)
        return TCPL_NOMEM(&st->err, st->file);
    for (size_t i = 0; i < st->n; i++)
        all[i] = &st->v[i];
    int rc = parse_ranges(st, all, st->n, st->defaults_at.len != 0);
    free(all);
    if (rc == 0)
        return 0;
    for (size_t i = 0; i < st->n; i++)
        st->v[i].state = 0;
    tcpl_rpr_init(&st->defaults);
    tcpl_ppr_init(&st->pdefaults);
    st->defaults.size = 20;
    tcpl_error_clear(&st->err);
    return st->defaults_at.len ? parse_ranges(st, NULL, 0, 1) : 0;
}

/* Whether the styles fit in the budget beside what the document holds. */
static int over_budget(const tcpl_styles *st, size_t base, tcpl_error *err)
{
    tcpl_xml_budget *bg = st->budget;
    if (!bg)
        return 0;
    size_t limit = bg->limit ? bg->limit : TCPL_MAX_DOC_MEMORY;
    size_t now = base + tcpl_styles_bytes(st);
    if (now > bg->peak)
        bg->peak = now;
    if (now <= limit)
        return 0;
    return tcpl_err(err, TCPL_ERR_LIMIT, "err.doc_memory", st->file, st->part, "%zu", limit >> 20);
}

int tcpl_styles_open(tcpl_styles **out, char *xml, size_t len, const char *file, const char *part,
                     tcpl_xml_budget *budget, tcpl_error *err)
{
    *out = NULL;
    if (!xml)
        return tcpl_styles_parse(out, NULL, 0, file, part, err);
    size_t base = budget ? budget->used : 0;
    tcpl_styles *st = calloc(1, sizeof *st);
    if (!st) {
        free(xml);
        return TCPL_NOMEM(err, file);
    }
    tcpl_arena_init(&st->arena);
    tcpl_vec_init(&st->vec, sizeof(raw_style));
    tcpl_vec_init(&st->defaults_at, 2 * sizeof(size_t));
    tcpl_rpr_init(&st->defaults);
    tcpl_ppr_init(&st->pdefaults);
    st->defaults.size = 20;
    st->xml = xml;
    st->len = len;
    st->file = file;
    st->part = part;
    st->budget = budget;
    int rc = over_budget(st, base, err);
    if (rc == 0)
        rc = scan(st, err);
    if (rc <= 0) {
        st->xml = NULL;
        tcpl_styles_free(st);
        /* Not sure: the full parse, which also reports damage; the part
         * is held while it is parsed. */
        if (rc == 0) {
            if (budget)
                budget->used = base + len;
            rc = parse_all(out, xml, len, file, part, budget, err);
            if (budget)
                budget->used = base;
        }
        free(xml);
        return rc;
    }
    if ((rc = over_budget(st, base, err)) < 0) {
        tcpl_styles_free(st);
        return rc;
    }
    /* xml is the styles' now (freed with them). */
    st->v = st->vec.data;
    st->n = st->vec.len;
    if (st->n)
        qsort(st->v, st->n, sizeof *st->v, cmp_raw);
    size_t w = 0;
    for (size_t i = 0; i < st->n; i++)
        if (w == 0 || strcmp(st->v[w - 1].st.id, st->v[i].st.id) != 0)
            st->v[w++] = st->v[i];
    st->n = w;
    /* The docDefaults now: every style is resolved over them. */
    if (budget)
        budget->used = base + tcpl_styles_bytes(st);
    if (st->len <= TCPL_STYLES_ONE_PARSE_BYTES && st->n)
        rc = parse_small(st);
    else if (st->defaults_at.len)
        rc = parse_ranges(st, NULL, 0, 1);
    if (budget)
        budget->used = base;
    if (rc < 0) {
        *err = st->err;
        tcpl_styles_free(st);
        return rc;
    }
    size_t best = (size_t)-1;
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i].is_default && st->v[i].st.type == 'p' &&
            (best == (size_t)-1 || st->v[i].order < st->v[best].order))
            best = i;
    if (best != (size_t)-1)
        st->default_raw = &st->v[best];
    else {
        raw_style *nm = find_raw(st, "Normal");
        st->default_raw = nm && nm->st.type == 'p' ? nm : NULL;
    }
    *out = st;
    return 0;
}
