/* The DOCX reader: package -> parts -> document model.
 *
 * One recursive-descent pass per part over libxml2's streaming reader.  The
 * recursion follows the XML nesting, which tcpl_xml_next() bounds
 * (TCPL_MAX_XML_DEPTH), so a hostile document cannot exhaust the stack.
 * Text rules are in docs/model.md. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/vec.h"
#include "context.h"
#include "model/model.h"
#include "base/error.h"
#include "ooxml/cache.h"
#include "ooxml/legacy.h"
#include "ooxml/nfc.h"
#include "ooxml/numbering.h"
#include "ooxml/pkg.h"
#include "ooxml/reader.h"
#include "ooxml/styles.h"
#include "tcpl/docx.h"
#include "ooxml/xml.h"

/* A paragraph longer than this is refused: real paragraphs are a few KB;
 * a hostile one could be the whole 256 MB part repeated in one w:t. */
#define TCPL_MAX_PARA_BYTES (4u << 20)
/* Blocks per document: a 500-page plan has ~20,000; more is an attack. */
#define TCPL_MAX_BLOCKS 2000000
/* Open containers (table/row/cell/textbox/note) at once; nested tables
 * deeper than this are refused (the XML depth limit bounds it anyway). */
#define TCPL_MAX_NEST 64
/* Nested fields (a field inside a field's instruction or result). */
#define TCPL_MAX_FIELDS 32

typedef struct pending_run {
    size_t offset, length;
    unsigned flags;
    const char *font;
    int size;
} pending_run;

typedef struct para {
    tcpl_buf text;
    tcpl_vec runs;  /* pending_run */
    tcpl_vec notes; /* tcpl_note_ref: where notes are referenced */
} para;

#define PRUN(p, i) TCPL_VEC_AT(&(p)->runs, pending_run, i)

typedef struct field {
    int in_result; /* after fldChar separate: text shows */
} field;

/* w:pStyle values of a numbering part indexed for the lazy parse; a part
 * with more (Word writes at most nine per list) is parsed at the first
 * styled paragraph. */
#define TCPL_NUM_LINK_VALUES 64

typedef struct reader {
    const tcpl_ctx *ctx;
    unsigned skip; /* TCPL_TEXT_NOTES / TCPL_TEXT_HEADERS: parts not read */
    int num_eager; /* tcpl_docx_read_memory_eager */
    const tcpl_legacy *legacy;
    tcpl_pkg *pkg;
    tcpl_styles *styles;
    const char *theme_font[3]; /* [TCPL_THEME_MINOR], [TCPL_THEME_MAJOR]: the theme's Latin fonts */
    tcpl_numbering *num;
    tcpl_numstate *numstate;
    /* The numbering part, held unparsed until a paragraph needs it (a
     * numId, or a style a numbering level may link to): half the files
     * read have one that no paragraph uses. */
    char *num_data;
    size_t num_len;
    const char *num_part;
    /* its w:pStyle values (scan_num_links); -1: any style may link */
    struct {
        const char *s;
        size_t n;
    } num_link_vals[TCPL_NUM_LINK_VALUES];
    int num_nlinks;
    tcpl_doc *doc;
    tcpl_error *err;
    const char *file;

    tcpl_xml x;
    const char *part_name; /* arena copy */
    tcpl_part_kind part;
    int para_count;

    int stack[TCPL_MAX_NEST]; /* open container blocks */
    int sp;
    int cur_table, cur_row, cur_col; /* innermost cell coordinates */

    field fields[TCPL_MAX_FIELDS];
    int nfields;
    int fields_overflow; /* nesting beyond the limit: treated as instruction */

    /* Strings from styles.xml live in the styles' arena, freed when the read
     * ends: the ones blocks and runs keep are copied into the document's,
     * once each (a document uses a handful of fonts and styles). */
    tcpl_vec interned; /* const char * */

    int inserted;      /* inside w:ins / w:moveTo */
    int simple_fields; /* inside w:fldSimple: its runs are a field result */
    /* A paragraph whose mark was deleted joins the next paragraph of the
     * same container; without one (end of the container, or a table next)
     * it is written as it is, with its own properties. */
    para carry;
    int carry_pending;
    tcpl_ppr carry_ppr;
    const tcpl_style *carry_st;
    tcpl_buf tmp;   /* scratch for run text */
    tcpl_buf label; /* scratch for numbering labels */
    tcpl_xml_budget budget;
    /* The batch's part cache (NULL: none); styles and num are then the
     * cache's, shared and read-only, when *_shared. */
    tcpl_part_cache *cache;
    int styles_shared, num_shared;
    tcpl_xml_keep xkeep; /* the event array, kept between parts */
    /* mc:AlternateContent: the event (tcpl_xml pos) of the branch read,
     * by the depth of its Choice/Fallback; 0 none. */
    size_t alt_pick[TCPL_MAX_XML_DEPTH + 2];
} reader;

#define BLK(rd, i) TCPL_DOC_BLOCK((rd)->doc, i)
#define NBLK(rd) ((rd)->doc->blocks.len)

static int fail_nomem(reader *rd)
{
    return TCPL_NOMEM(rd->err, rd->file);
}

/* What the document holds between parts: the model so far, and the styles
 * and numbering it reads from (one budget for all, TCPL_MAX_DOC_MEMORY). */
static size_t held(const reader *rd)
{
    return tcpl_doc_bytes(rd->doc) + tcpl_styles_bytes(rd->styles) + tcpl_numbering_bytes(rd->num) +
           rd->num_len;
}

static int name_char(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static int xml_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The values of every w:pStyle in a numbering part (a level linked to a
 * paragraph style), found by a byte scan, into rd->num_link_vals; -1 when
 * the scan cannot be sure of them, and then any styled paragraph has the
 * part parsed.  Sure means: an ASCII-compatible encoding (a UTF-16 part is
 * not scanned); every start tag named pStyle, with any prefix, is found
 * (an element name cannot be written with an entity, and "pStyle" in text,
 * a comment or CDATA is at worst one value too many, which only makes the
 * part parsed); each of its attributes named val, with any prefix, is a
 * quoted value with no entity, no whitespace the parser would normalise
 * and no byte past ASCII (whose meaning would depend on the declared
 * encoding).  More than TCPL_NUM_LINK_VALUES values: not sure. */
static int scan_num_links(reader *rd, const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data, *end = u + len;
    rd->num_nlinks = 0;
    size_t i = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF ? 3 : 0;
    while (i < len && xml_space(u[i]))
        i++;
    if (i + 1 >= len || u[i] != '<' || u[i + 1] == 0)
        return rd->num_nlinks = -1;
    for (const unsigned char *q = u; (q = memchr(q, 'S', (size_t)(end - q))); q++) {
        if (q == u || q[-1] != 'p' || end - q < 6 || memcmp(q, "Style", 5) != 0)
            continue;
        const unsigned char *b = q - 1, *t = q + 5;
        if (b > u && b[-1] == ':') {
            b--;
            while (b > u && name_char(b[-1]))
                b--;
        }
        /* not a start tag's name (an end tag, text, an attribute): no link */
        if (b == u || b[-1] != '<' || (t < end && !xml_space(*t) && *t != '/' && *t != '>'))
            continue;
        /* the attributes up to the tag's end */
        while (t < end && *t != '>' && *t != '/') {
            while (t < end && xml_space(*t))
                t++;
            if (t >= end)
                return rd->num_nlinks = -1;
            if (*t == '>' || *t == '/')
                break;
            const unsigned char *name = t;
            while (t < end && (name_char(*t) || *t == ':'))
                t++;
            size_t nlen = (size_t)(t - name);
            while (t < end && xml_space(*t))
                t++;
            if (nlen == 0 || t >= end || *t != '=')
                return rd->num_nlinks = -1;
            t++;
            while (t < end && xml_space(*t))
                t++;
            if (t >= end || (*t != '"' && *t != '\''))
                return rd->num_nlinks = -1;
            unsigned char quote = *t++;
            const unsigned char *v = t;
            while (t < end && *t != quote) {
                if (*t == '&' || *t == '<' || *t >= 0x80 || (xml_space(*t) && *t != ' '))
                    return rd->num_nlinks = -1;
                t++;
            }
            if (t >= end)
                return rd->num_nlinks = -1;
            int is_val = (nlen == 3 && !memcmp(name, "val", 3)) ||
                         (nlen > 4 && !memcmp(name + nlen - 4, ":val", 4));
            if (is_val && t > v) {
                if (rd->num_nlinks == TCPL_NUM_LINK_VALUES)
                    return rd->num_nlinks = -1;
                rd->num_link_vals[rd->num_nlinks].s = (const char *)v;
                rd->num_link_vals[rd->num_nlinks++].n = (size_t)(t - v);
            }
            t++;
        }
        if (t >= end)
            return rd->num_nlinks = -1;
    }
    return 0;
}

/* Whether the held numbering part may link a level to this style. */
static int num_may_link(const reader *rd, const char *style_id)
{
    if (rd->num_nlinks < 0)
        return 1;
    size_t n = strlen(style_id);
    for (int i = 0; i < rd->num_nlinks; i++)
        if (rd->num_link_vals[i].n == n && !memcmp(rd->num_link_vals[i].s, style_id, n))
            return 1;
    return 0;
}

static void read_stats(reader *rd);

static int num_parse_now(reader *rd, char *data, size_t len, const char *name)
{
    rd->budget.used = held(rd) + len; /* the part is held while it is parsed */
    int rc;
    if (rd->num_eager || len < TCPL_NUM_LAZY_MIN_BYTES) {
        rc = tcpl_numbering_parse_budget(&rd->num, data, len, rd->file, name, &rd->budget, rd->err);
        free(data);
    } else /* per definition: an abstractNum parsed when first used */
        rc = tcpl_numbering_open(&rd->num, data, len, rd->file, name, &rd->budget, rd->err);
    rd->budget.part = 0;
    read_stats(rd);
    if (rc == 0 && held(rd) > (rd->budget.limit ? rd->budget.limit : TCPL_MAX_DOC_MEMORY))
        rc = tcpl_err(rd->err, TCPL_ERR_LIMIT, "err.doc_memory", rd->file, name, "%zu",
                      rd->budget.limit >> 20);
    return rc;
}

/* The held numbering part parsed, when a paragraph first needs it (in the
 * middle of a part: its own budget, so the part being walked keeps its
 * figures), and the part's counters made for it (none has counted yet:
 * every paragraph before had no numbering to count). */
static int num_need(reader *rd)
{
    if (!rd->num_data)
        return 0;
    char *data = rd->num_data;
    size_t len = rd->num_len;
    rd->num_data = NULL;
    rd->num_len = 0;
    tcpl_xml_budget outer = rd->budget;
    rd->budget.used = 0;
    rd->budget.part = 0;
    int rc = num_parse_now(rd, data, len, rd->num_part);
    size_t peak = rd->budget.peak, events_peak = rd->budget.events_peak;
    rd->budget = outer;
    if (peak > rd->budget.peak)
        rd->budget.peak = peak;
    if (events_peak > rd->budget.events_peak)
        rd->budget.events_peak = events_peak;
    if (rc < 0)
        return rc;
    tcpl_numstate_free(rd->numstate);
    rd->numstate = NULL;
    return tcpl_numstate_new(&rd->numstate, rd->num) < 0 ? fail_nomem(rd) : 0;
}

/* Interned strings: past this many distinct ones, copy without looking. */
#define TCPL_MAX_INTERNED 256

/* s as a string owned by the document ("" for NULL); NULL when out of memory. */
static const char *doc_str(reader *rd, const char *s)
{
    if (!s || !*s)
        return "";
    for (size_t i = 0; i < rd->interned.len; i++)
        if (!strcmp(TCPL_VEC_AT(&rd->interned, const char *, i), s))
            return TCPL_VEC_AT(&rd->interned, const char *, i);
    char *copy = tcpl_arena_strdup(&rd->doc->arena, s);
    if (!copy || rd->interned.len >= TCPL_MAX_INTERNED)
        return copy;
    const char **slot = tcpl_vec_push(&rd->interned);
    if (slot)
        *slot = copy;
    return copy;
}

/* ---- blocks ---------------------------------------------------------- */

static tcpl_block *new_block(reader *rd, tcpl_block_kind kind, int *index)
{
    if (NBLK(rd) >= TCPL_MAX_BLOCKS) {
        tcpl_err(rd->err, TCPL_ERR_LIMIT, "err.too_many_blocks", rd->file, rd->part_name, "%d",
                 TCPL_MAX_BLOCKS);
        return NULL;
    }
    /* The model grows while a part's events are held: both count against
     * the document's budget (checked when the block array must grow, and
     * at every block for the arena's texts). */
    tcpl_xml_budget *bg = &rd->budget;
    const tcpl_vec *bv = &rd->doc->blocks;
    size_t grow = bv->len == bv->cap ? (bv->cap ? bv->cap : 16) * bv->elem : 0;
    size_t now = held(rd) + grow + bg->part;
    if (now > bg->peak)
        bg->peak = now;
    if (now > bg->limit) {
        tcpl_err(rd->err, TCPL_ERR_LIMIT, "err.doc_memory", rd->file, rd->part_name, "%zu",
                 bg->limit >> 20);
        return NULL;
    }
    tcpl_block *b = tcpl_doc_add_block(rd->doc, kind);
    if (!b) {
        fail_nomem(rd);
        return NULL;
    }
    b->part = rd->part;
    b->part_name = rd->part_name;
    b->depth = rd->sp;
    if (rd->sp > 0) {
        b->parent = rd->stack[rd->sp - 1];
        BLK(rd, b->parent).child_count++;
    }
    b->table = rd->cur_table;
    b->row = rd->cur_row;
    b->col = rd->cur_col;
    *index = b->index;
    return b;
}

static int push(reader *rd, int index)
{
    if (rd->sp >= TCPL_MAX_NEST)
        return tcpl_err(rd->err, TCPL_ERR_LIMIT, "err.nest_depth", rd->file, rd->part_name, "%d",
                        TCPL_MAX_NEST);
    rd->stack[rd->sp++] = index;
    return 0;
}

/* ---- paragraphs ------------------------------------------------------ */

static void para_init(para *p)
{
    tcpl_buf_init(&p->text);
    tcpl_vec_init(&p->runs, sizeof(pending_run));
    tcpl_vec_init(&p->notes, sizeof(tcpl_note_ref));
}

static void para_reset(para *p)
{
    tcpl_buf_reset(&p->text);
    tcpl_vec_clear(&p->runs);
    tcpl_vec_clear(&p->notes);
}

static void para_free(para *p)
{
    tcpl_buf_free(&p->text);
    tcpl_vec_free(&p->runs);
    tcpl_vec_free(&p->notes);
    para_init(p);
}

static int para_empty(const para *p)
{
    return p->text.len == 0 && p->runs.len == 0 && p->notes.len == 0;
}

static int same_format(const pending_run *a, unsigned flags, const char *font, int size)
{
    return a->flags == flags && a->size == size &&
           (a->font == font || (a->font && font && !strcmp(a->font, font)));
}

/* Appends text with one formatting, merging with the previous run when the
 * formatting is equal. */
static int para_add(reader *rd, para *p, const char *s, size_t n, unsigned flags, const char *font,
                    int size)
{
    if (n == 0)
        return 0;
    if (p->text.len + n > TCPL_MAX_PARA_BYTES)
        return tcpl_err(rd->err, TCPL_ERR_LIMIT, "err.para_too_long", rd->file, rd->part_name, "%u",
                        TCPL_MAX_PARA_BYTES);
    size_t off = p->text.len;
    if (tcpl_buf_put(&p->text, s, n) < 0)
        return fail_nomem(rd);
    rd->doc->stats.text_bytes += n;
    size_t nr = p->runs.len;
    if (nr > 0 && same_format(&PRUN(p, nr - 1), flags, font, size)) {
        PRUN(p, nr - 1).length += n;
        return 0;
    }
    pending_run *r = tcpl_vec_push(&p->runs);
    if (!r)
        return fail_nomem(rd);
    *r = (pending_run){off, n, flags, font, size};
    return 0;
}

typedef struct runfmt {
    unsigned flags;
    const char *font;
    int size;
    tcpl_legacy_kind legacy;
} runfmt;

/* Flags that come from where the run is, not from its properties. */
static unsigned context_flags(const reader *rd, unsigned flags)
{
    if (rd->inserted)
        flags |= TCPL_RUN_INSERTED;
    if (rd->nfields > 0 || rd->simple_fields > 0)
        flags |= TCPL_RUN_FIELD;
    return flags;
}

/* Adds a piece of run text: legacy conversion, then NFC. */
static int add_text(reader *rd, para *p, const runfmt *f, const char *s, size_t n)
{
    tcpl_buf_reset(&rd->tmp);
    int rc;
    unsigned flags = f->flags;
    if (f->legacy != TCPL_LEGACY_NONE) {
        if (tcpl_legacy_convert(rd->legacy, f->legacy, s, n, &rd->tmp) < 0 ||
            !tcpl_buf_ok(&rd->tmp))
            return fail_nomem(rd);
        flags |= TCPL_RUN_LEGACY;
    } else if ((rc = tcpl_nfc_append(&rd->tmp, s, n)) < 0) {
        /* invalid UTF-8 was repaired (U+FFFD): only memory fails */
        return fail_nomem(rd);
    }
    return para_add(rd, p, rd->tmp.data ? rd->tmp.data : "", rd->tmp.len, context_flags(rd, flags),
                    f->font, f->size);
}

/* Adds a tab, break, hyphen or symbol: no conversion, same flags as text. */
static int add_char(reader *rd, para *p, const runfmt *f, const char *s, size_t n)
{
    return para_add(rd, p, s, n, context_flags(rd, f->flags), f->font, f->size);
}

/* Text is shown unless we are inside a field's instruction part. */
static int showing(const reader *rd)
{
    if (rd->fields_overflow)
        return 0;
    for (int i = 0; i < rd->nfields; i++)
        if (!rd->fields[i].in_result)
            return 0;
    return 1;
}

/* The run's font: its own, or the theme font it names. */
static const char *run_font(const reader *rd, const tcpl_rpr *r)
{
    if (r->font)
        return r->font;
    return r->theme == TCPL_THEME_MINOR || r->theme == TCPL_THEME_MAJOR ? rd->theme_font[r->theme]
                                                                        : NULL;
}

static unsigned rpr_flags(const tcpl_rpr *r)
{
    unsigned f = 0;
    if (r->bold > 0)
        f |= TCPL_RUN_BOLD;
    if (r->italic > 0)
        f |= TCPL_RUN_ITALIC;
    if (r->underline > 0)
        f |= TCPL_RUN_UNDERLINE;
    if (r->caps > 0)
        f |= TCPL_RUN_CAPS;
    if (r->strike > 0)
        f |= TCPL_RUN_STRIKE;
    if (r->vert == 1)
        f |= TCPL_RUN_SUPERSCRIPT;
    if (r->vert == 2)
        f |= TCPL_RUN_SUBSCRIPT;
    return f;
}

typedef struct pctx {
    para *p;
    const tcpl_rpr *base; /* paragraph style's run properties */
    int mark_deleted;
} pctx;

static int parse_block_content(reader *rd);
static int parse_block_item(reader *rd);
static int parse_paragraph(reader *rd);
static int parse_table(reader *rd);
static int parse_sectpr(reader *rd);
static int parse_inline(reader *rd, pctx *pc);

static int element_end(const tcpl_xml *x, int depth)
{
    return tcpl_xml_type(x) == XML_READER_TYPE_END_ELEMENT && tcpl_xml_depth(x) == depth;
}

/* Reads the next node; end of input inside an element is malformed XML. */
static int next(reader *rd)
{
    int r = tcpl_xml_next(&rd->x, rd->err);
    if (r == 0)
        return tcpl_err(rd->err, TCPL_ERR_FORMAT, "err.xml_malformed", rd->file, rd->part_name,
                        "unexpected end of part");
    return r < 0 ? r : 0;
}

/* Moves to the next element start inside the element at depth d (any
 * depth below it): 1 on one, 0 at that element's end, <0 on error. */
static int next_element(reader *rd, int d)
{
    for (;;) {
        int rc = next(rd);
        if (rc < 0)
            return rc;
        if (element_end(&rd->x, d))
            return 0;
        if (tcpl_xml_type(&rd->x) == XML_READER_TYPE_ELEMENT)
            return 1;
    }
}

/* A text box inside a run: its paragraphs become a TEXTBOX block after the
 * anchoring paragraph. */
static int parse_textbox(reader *rd)
{
    int idx;
    tcpl_block *b = new_block(rd, TCPL_BLOCK_TEXTBOX, &idx);
    if (!b)
        return rd->err->code;
    int rc = push(rd, idx);
    if (rc < 0)
        return rc;
    rc = parse_block_content(rd);
    rd->sp--;
    return rc;
}

/* Whether an mc:Choice's Requires names only namespaces (by their usual
 * prefixes) whose content the reader can take: Word's shapes, groups and
 * canvases keep their text boxes in w:txbxContent, and the w14/w15
 * extensions only add attributes.  Anything else (ink, chartex, 3D
 * models) is read through its mc:Fallback. */
static int understood(const char *requires)
{
    static const char *const known[] = {"a",     "a14", "m",    "o",   "pic", "v",
                                        "w",     "w10", "w14",  "w15", "w16", "w16cid",
                                        "w16se", "wp",  "wp14", "wpc", "wpg", "wps"};
    if (!requires)
        return 0;
    const char *p = requires;
    int any = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r')
            n++;
        if (!n)
            break;
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof known[0] && !ok; i++)
            ok = strlen(known[i]) == n && !memcmp(known[i], p, n);
        if (!ok)
            return 0;
        any = 1;
        p += n;
    }
    return any;
}

/* Markup compatibility.  Of an mc:AlternateContent exactly one branch is
 * read — the first mc:Choice the reader understands, else the mc:Fallback —
 * and its content counts as if it stood in place of the AlternateContent,
 * at block, paragraph or run level alike.  For the current element: 1 to
 * descend into it (the caller's loop reads its children as its own), 0
 * when it was skipped, 2 when it is no mc element; <0 on error. */
static int mc_element(reader *rd)
{
    tcpl_xml *x = &rd->x;
    if (strcmp(tcpl_xml_ns(x), TCPL_NS_MC) != 0)
        return 2;
    const char *ln = tcpl_xml_local(x);
    int d = tcpl_xml_depth(x);
    if (!strcmp(ln, "AlternateContent")) {
        if (tcpl_xml_empty(x))
            return 0;
        /* Its branches are its direct children: one look over them (each
         * is then read or skipped once, so the work stays linear). */
        size_t choice = 0, fallback = 0;
        for (size_t k = x->pos; k < x->nev; k++) {
            const tcpl_xml_event *e = &x->ev[k];
            if (e->type == TCPL_XML_END && e->depth == d)
                break;
            if (e->type != TCPL_XML_ELEMENT || e->depth != d + 1 || strcmp(e->ns, TCPL_NS_MC))
                continue;
            if (!choice && !strcmp(e->local, "Choice")) {
                const char *req = NULL;
                for (int i = 0; i < e->nattrs; i++)
                    if (!e->attrs[i].ns && !strcmp(e->attrs[i].local, "Requires"))
                        req = e->attrs[i].value;
                if (understood(req))
                    choice = k + 1;
            } else if (!fallback && !strcmp(e->local, "Fallback")) {
                fallback = k + 1;
            }
        }
        rd->alt_pick[d + 1] = choice ? choice : fallback;
        return 1;
    }
    if (!strcmp(ln, "Choice") || !strcmp(ln, "Fallback")) {
        if (d > 0 && x->pos == rd->alt_pick[d])
            return 1;
        int rc = tcpl_xml_skip(x, rd->err);
        return rc < 0 ? rc : 0;
    }
    int rc = tcpl_xml_skip(x, rd->err);
    return rc < 0 ? rc : 0;
}

/* Walks a drawing/pict subtree looking for text boxes (one branch of each
 * mc:AlternateContent, so a shape is never read twice). */
static int parse_graphic(reader *rd)
{
    tcpl_xml *x = &rd->x;
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x);
    int rc;
    while ((rc = next_element(rd, d)) > 0) {
        int m = mc_element(rd);
        if (m < 0)
            return m;
        if (m != 2)
            continue;
        if (tcpl_xml_is_w(x, "txbxContent")) {
            if (tcpl_xml_empty(x))
                continue;
            if ((rc = parse_textbox(rd)) < 0)
                return rc;
        }
    }
    if (rc < 0)
        return rc;
    return 0;
}

/* A field instruction does not run past its paragraph: one still open
 * at the paragraph's end (a begin without separate or end, broken or
 * hostile) is dropped, so it cannot hide the rest of the document.  Field
 * results may span paragraphs (a table of contents) and stay open. */
static void close_instructions(reader *rd)
{
    int k = 0;
    for (int i = 0; i < rd->nfields; i++)
        if (rd->fields[i].in_result)
            rd->fields[k++] = rd->fields[i];
    rd->nfields = k;
    rd->fields_overflow = 0;
}

static int parse_fldchar(reader *rd)
{
    const char *type = tcpl_xml_attr(&rd->x, TCPL_NS_W, "fldCharType");
    if (!type) {
        /* nothing */
    } else if (!strcmp(type, "begin")) {
        if (rd->nfields < TCPL_MAX_FIELDS)
            rd->fields[rd->nfields++].in_result = 0;
        else
            rd->fields_overflow++;
    } else if (!strcmp(type, "separate")) {
        if (rd->fields_overflow == 0 && rd->nfields > 0)
            rd->fields[rd->nfields - 1].in_result = 1;
    } else if (!strcmp(type, "end")) {
        if (rd->fields_overflow > 0)
            rd->fields_overflow--;
        else if (rd->nfields > 0)
            rd->nfields--;
    }
    return tcpl_xml_skip(&rd->x, rd->err);
}

static int parse_run(reader *rd, pctx *pc)
{
    tcpl_xml *x = &rd->x;
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x);
    tcpl_rpr eff = *pc->base;
    runfmt f = {0, NULL, 0, TCPL_LEGACY_NONE};
    int have_fmt = 0;
    int rc;
    while ((rc = next_element(rd, d)) > 0) {
        if (!have_fmt && !tcpl_xml_is_w(x, "rPr")) {
            /* No w:rPr: the paragraph's formatting applies. */
            f.flags = rpr_flags(&eff);
            f.font = run_font(rd, &eff);
            f.size = eff.size;
            f.legacy = tcpl_legacy_font_kind(rd->legacy, f.font);
            have_fmt = 1;
        }
        const char *ln = tcpl_xml_local(x);
        int is_w = !strcmp(tcpl_xml_ns(x), TCPL_NS_W);
        if (!is_w) {
            /* an mc branch's children are the run's own */
            if ((rc = mc_element(rd)) < 0)
                return rc;
            if (rc == 2 && (rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
            continue;
        }
        if (!strcmp(ln, "rPr")) {
            tcpl_rpr direct;
            tcpl_rpr_init(&direct);
            if ((rc = tcpl_rpr_parse(x, &rd->doc->arena, &direct, rd->err)) < 0)
                return rc;
            if (direct.style) {
                const tcpl_style *cs = tcpl_styles_get(rd->styles, direct.style);
                if (cs && cs->type == 'c')
                    tcpl_rpr_merge(&eff, &cs->rpr);
            }
            tcpl_rpr_merge(&eff, &direct);
            f.flags = rpr_flags(&eff);
            f.font = run_font(rd, &eff);
            f.size = eff.size;
            f.legacy = tcpl_legacy_font_kind(rd->legacy, f.font);
            have_fmt = 1;
        } else if (!strcmp(ln, "t")) {
            if (tcpl_xml_empty(x))
                continue;
            int td = tcpl_xml_depth(x);
            for (;;) {
                if ((rc = next(rd)) < 0)
                    return rc;
                if (element_end(x, td))
                    break;
                int tt = tcpl_xml_type(x);
                if ((tt == XML_READER_TYPE_TEXT || tt == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                     tt == XML_READER_TYPE_WHITESPACE || tt == XML_READER_TYPE_CDATA) &&
                    showing(rd)) {
                    const char *v = tcpl_xml_value(x);
                    if (v && (rc = add_text(rd, pc->p, &f, v, strlen(v))) < 0)
                        return rc;
                }
            }
        } else if (!strcmp(ln, "tab") || !strcmp(ln, "ptab")) {
            if (showing(rd) && (rc = add_char(rd, pc->p, &f, "\t", 1)) < 0)
                return rc;
            if ((rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
        } else if (!strcmp(ln, "br") || !strcmp(ln, "cr")) {
            const char *bt = tcpl_xml_attr(x, TCPL_NS_W, "type");
            bt = bt ? bt : "";
            /* Page and column breaks are layout, not text. */
            if (showing(rd) && strcmp(bt, "page") && strcmp(bt, "column") &&
                (rc = add_char(rd, pc->p, &f, "\n", 1)) < 0)
                return rc;
            if ((rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
        } else if (!strcmp(ln, "noBreakHyphen")) {
            if (showing(rd) && (rc = add_char(rd, pc->p, &f, "-", 1)) < 0)
                return rc;
            if ((rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
        } else if (!strcmp(ln, "sym")) {
            const char *hex = tcpl_xml_attr(x, TCPL_NS_W, "char");
            hex = hex ? hex : "";
            char *end = NULL;
            unsigned long cp = strtoul(hex, &end, 16);
            /* Not hex, a control, a surrogate or beyond Unicode: nothing
             * (it would be invalid UTF-8 in the text). */
            if (!hex[0] || *end || cp < 0x20 || cp > 0x10FFFF ||
                !utf8proc_codepoint_valid((utf8proc_int32_t)cp))
                cp = 0;
            /* Symbol-font code points live in U+F000-F0FF; their low byte is
             * the character in that font (Symbol, Wingdings), not Latin-1.
             * The usual bullets become U+2022; other symbols keep their
             * private-use code point rather than turn into a wrong letter
             * (Symbol F0E0 is a lozenge, not "à"). */
            unsigned long low = cp >= 0xF000 && cp <= 0xF0FF ? cp - 0xF000 : cp;
            if (low == 0xB7 || low == 0xA7 || low == 0xD8 || low == 0x6C || low == 0x6E)
                cp = 0x2022;
            if (cp && showing(rd)) {
                tcpl_buf_reset(&rd->tmp);
                tcpl_buf_put_utf8(&rd->tmp, (unsigned)cp);
                if (!tcpl_buf_ok(&rd->tmp))
                    return fail_nomem(rd);
                if ((rc = add_char(rd, pc->p, &f, rd->tmp.data, rd->tmp.len)) < 0)
                    return rc;
            }
            if ((rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
        } else if (!strcmp(ln, "fldChar")) {
            if ((rc = parse_fldchar(rd)) < 0)
                return rc;
        } else if (!strcmp(ln, "drawing") || !strcmp(ln, "pict") || !strcmp(ln, "object")) {
            if ((rc = parse_graphic(rd)) < 0)
                return rc;
        } else if (!strcmp(ln, "footnoteReference") || !strcmp(ln, "endnoteReference")) {
            /* Where the note is referenced: kept beside the text, which
             * shows no mark (renderers print "[1]" when asked). */
            const char *id = tcpl_xml_attr(x, TCPL_NS_W, "id");
            char *end = NULL;
            long n = id ? strtol(id, &end, 10) : 0;
            if (id && end != id && n > 0 && n < 2147483647L && showing(rd)) {
                tcpl_note_ref *ref = tcpl_vec_push(&pc->p->notes);
                if (!ref)
                    return fail_nomem(rd);
                ref->offset = pc->p->text.len;
                ref->part = ln[0] == 'f' ? TCPL_PART_FOOTNOTES : TCPL_PART_ENDNOTES;
                ref->note_id = (int)n;
            }
            if ((rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
        } else {
            /* instrText, delText, footnoteReference, softHyphen, lastRenderedPageBreak,
             * annotation marks...: no visible text. */
            if ((rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
        }
    }
    if (rc < 0)
        return rc;
    return 0;
}

/* Content of a paragraph and of the inline containers inside it (hyperlink,
 * smartTag, sdt, customXml, ins, fldSimple ...), up to the end of the
 * element at the current depth. */
static int parse_inline_children(reader *rd, pctx *pc)
{
    tcpl_xml *x = &rd->x;
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x);
    int rc;
    while ((rc = next_element(rd, d)) > 0) {
        if ((rc = parse_inline(rd, pc)) < 0)
            return rc;
    }
    if (rc < 0)
        return rc;
    return 0;
}

/* One inline element at the current node. */
static int parse_inline(reader *rd, pctx *pc)
{
    tcpl_xml *x = &rd->x;
    int rc;
    if (strcmp(tcpl_xml_ns(x), TCPL_NS_W) != 0) {
        rc = mc_element(rd); /* a branch's children are the paragraph's own */
        if (rc == 2)
            return tcpl_xml_skip(x, rd->err);
        return rc < 0 ? rc : 0;
    }
    const char *ln = tcpl_xml_local(x);
    if (!strcmp(ln, "r"))
        return parse_run(rd, pc);
    if (!strcmp(ln, "ins") || !strcmp(ln, "moveTo")) {
        rd->inserted++;
        rc = parse_inline_children(rd, pc);
        rd->inserted--;
        return rc;
    }
    if (!strcmp(ln, "del") || !strcmp(ln, "moveFrom"))
        return tcpl_xml_skip(x, rd->err);
    if (!strcmp(ln, "fldSimple")) {
        rd->simple_fields++;
        rc = parse_inline_children(rd, pc);
        rd->simple_fields--;
        return rc;
    }
    if (!strcmp(ln, "hyperlink") || !strcmp(ln, "smartTag") || !strcmp(ln, "customXml") ||
        !strcmp(ln, "sdtContent") || !strcmp(ln, "dir") || !strcmp(ln, "bdo"))
        return parse_inline_children(rd, pc);
    if (!strcmp(ln, "sdt"))
        return parse_inline_children(rd, pc); /* sdtPr/sdtEndPr are skipped below */
    /* pPr handled by the caller; sdtPr, smartTagPr, bookmarks, proofErr,
     * permStart, comment ranges, oMath (no plain text): skipped. */
    return tcpl_xml_skip(x, rd->err);
}

static tcpl_align align_of(int a)
{
    return a < 0 ? TCPL_ALIGN_START : (tcpl_align)a;
}

/* Appends src's text, runs and note references to dst (copying). */
static int para_append(reader *rd, para *dst, const para *src)
{
    size_t shift = dst->text.len;
    for (size_t i = 0; i < src->runs.len; i++) {
        const pending_run *r = &TCPL_VEC_AT(&src->runs, pending_run, i);
        int rc =
            para_add(rd, dst, src->text.data + r->offset, r->length, r->flags, r->font, r->size);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < src->notes.len; i++) {
        tcpl_note_ref *n = tcpl_vec_push(&dst->notes);
        if (!n)
            return fail_nomem(rd);
        *n = TCPL_VEC_AT(&src->notes, tcpl_note_ref, i);
        n->offset += shift;
    }
    return 0;
}

static int finish_paragraph(reader *rd, int idx, const tcpl_ppr *ppr, const tcpl_style *st, para *p,
                            int mark_deleted)
{
    tcpl_block *b = &BLK(rd, idx);
    /* A deleted paragraph mark (or a drop cap) joins this paragraph to the
     * next one.  The text moves, it is not copied: a chain of 100,000
     * joined paragraphs stays linear. */
    if (mark_deleted) {
        if (idx == (int)NBLK(rd) - 1) {
            if (para_empty(&rd->carry)) {
                para t = rd->carry;
                rd->carry = *p;
                *p = t;
            } else {
                int rc = para_append(rd, &rd->carry, p);
                if (rc < 0)
                    return rc;
            }
            if (b->parent >= 0)
                BLK(rd, b->parent).child_count--;
            tcpl_doc_drop_last_block(rd->doc);
            rd->para_count--;
            rd->carry_pending = 1;
            rd->carry_ppr = *ppr;
            rd->carry_st = st;
            return 0;
        }
    }
    /* Numbering: direct numPr, else the style's, else a style linked from
     * a numbering level. numId 0 removes numbering. */
    int num_id = ppr->num_id, ilvl = ppr->ilvl;
    if (num_id < 0 && st) {
        num_id = st->ppr.num_id;
        if (ilvl < 0)
            ilvl = st->ppr.ilvl;
    }
    if (num_id < 0 && st) {
        int n2 = 0, l2 = 0, rc;
        if (rd->num_data && num_may_link(rd, st->id) && (rc = num_need(rd)) < 0)
            return rc;
        if (tcpl_numbering_style_link(rd->num, st->id, &n2, &l2) && n2 > 0) {
            num_id = n2;
            if (ilvl < 0)
                ilvl = l2;
        }
    }
    if (ilvl < 0)
        ilvl = 0;
    char suffix = 0;
    tcpl_buf_reset(&rd->label);
    if (num_id > 0) {
        int rc = num_need(rd);
        if (rc == 0 && !rd->num_shared)
            rc = tcpl_numbering_need(rd->num, num_id, rd->err);
        if (rc < 0)
            return rc;
        if (tcpl_numstate_next(rd->numstate, num_id, ilvl, &rd->label, &suffix) < 0)
            return fail_nomem(rd);
        b->num_id = num_id;
        b->ilvl = ilvl;
    }
    tcpl_arena *a = &rd->doc->arena;
    int has_label = rd->label.len > 0;
    b->label = has_label ? tcpl_arena_strndup(a, rd->label.data, rd->label.len) : "";
    b->label_suffix = has_label ? suffix : 0;
    b->text = tcpl_arena_strndup(a, p->text.data ? p->text.data : "", p->text.len);
    b->text_len = p->text.len;
    if (!b->label || !b->text)
        return fail_nomem(rd);
    if (st) {
        b->style_id = doc_str(rd, st->id);
        b->style_name = doc_str(rd, st->name);
    } else if (ppr->style) {
        b->style_id = doc_str(rd, ppr->style);
    }
    if (!b->style_id || !b->style_name)
        return fail_nomem(rd);
    int ol = ppr->outline_level >= 0 ? ppr->outline_level : st ? st->ppr.outline_level : -1;
    b->outline_level = ol >= 0 && ol <= 8 ? ol : -1;
    b->align = align_of(ppr->align >= 0 ? ppr->align : st ? st->ppr.align : -1);
    size_t nr = p->runs.len;
    if (nr) {
        tcpl_run *runs = tcpl_arena_alloc(a, nr * sizeof *runs);
        if (!runs)
            return fail_nomem(rd);
        for (size_t i = 0; i < nr; i++) {
            const pending_run *r = &PRUN(p, i);
            runs[i].offset = r->offset;
            runs[i].length = r->length;
            runs[i].flags = r->flags;
            runs[i].font = doc_str(rd, r->font);
            if (!runs[i].font)
                return fail_nomem(rd);
            runs[i].size = r->size;
        }
        b->runs = runs;
        b->run_count = nr;
    }
    if (p->notes.len) {
        tcpl_note_ref *refs = tcpl_arena_alloc(a, p->notes.len * sizeof *refs);
        if (!refs)
            return fail_nomem(rd);
        memcpy(refs, p->notes.data, p->notes.len * sizeof *refs);
        b->note_refs = refs;
        b->note_ref_count = p->notes.len;
    }
    return 0;
}

static int parse_paragraph(reader *rd)
{
    tcpl_xml *x = &rd->x;
    int idx, rc = 0;
    tcpl_block *b = new_block(rd, TCPL_BLOCK_PARAGRAPH, &idx);
    if (!b)
        return rd->err->code;
    b->para_index = rd->para_count++;
    tcpl_ppr ppr;
    tcpl_ppr_init(&ppr);
    /* Content carried from a previous paragraph whose mark was deleted:
     * this paragraph takes it over and goes on writing after it. */
    rd->carry_pending = 0;
    para p = rd->carry;
    para_init(&rd->carry);
    const tcpl_style *st = tcpl_styles_default_para(rd->styles);
    tcpl_rpr base = *tcpl_styles_defaults(rd->styles);
    if (st)
        base = st->rpr;
    pctx pc = {&p, &base, 0};
    int mark_deleted = 0;
    if (!tcpl_xml_empty(x)) {
        int d = tcpl_xml_depth(x);
        while ((rc = next_element(rd, d)) > 0) {
            if (tcpl_xml_is_w(x, "pPr")) {
                tcpl_section sect;
                memset(&sect, 0, sizeof sect);
                ppr.sect = rd->part == TCPL_PART_BODY ? &sect : NULL;
                TCPL_CHECK(tcpl_ppr_parse(x, &rd->doc->arena, &ppr, rd->err));
                ppr.sect = NULL;
                if (ppr.has_sect) {
                    /* A section break in a paragraph ends the section there. */
                    tcpl_section *s = tcpl_doc_add_section(rd->doc);
                    if (!s) {
                        rc = fail_nomem(rd);
                        goto out;
                    }
                    *s = sect;
                    s->last_block = idx;
                }
                if (ppr.style) {
                    const tcpl_style *s2 = tcpl_styles_get(rd->styles, ppr.style);
                    if (s2 && s2->type == 'p') {
                        st = s2;
                        base = s2->rpr;
                    }
                }
                /* A drop cap is the first letter of the next paragraph. */
                mark_deleted = ppr.mark_deleted || ppr.drop_cap;
                continue;
            }
            TCPL_CHECK(parse_inline(rd, &pc));
        }
        TCPL_CHECK(rc);
    }
    close_instructions(rd);
    rc = finish_paragraph(rd, idx, &ppr, st, &p, mark_deleted);
out:
    para_free(&p);
    return rc;
}

/* A paragraph with a deleted mark that found nothing to join: written as
 * its own paragraph at the end of its container or before a table. */
static int flush_carry(reader *rd)
{
    if (!rd->carry_pending)
        return 0;
    rd->carry_pending = 0;
    int idx;
    tcpl_block *b = new_block(rd, TCPL_BLOCK_PARAGRAPH, &idx);
    if (!b)
        return rd->err->code;
    b->para_index = rd->para_count++;
    para p = rd->carry; /* take the carried text; the carry starts afresh */
    para_init(&rd->carry);
    int rc = finish_paragraph(rd, idx, &rd->carry_ppr, rd->carry_st, &p, 0);
    para_free(&p);
    return rc;
}

static int parse_cell(reader *rd, int row_idx, int *col)
{
    tcpl_xml *x = &rd->x;
    int idx, rc = 0;
    int save_t = rd->cur_table, save_r = rd->cur_row, save_c = rd->cur_col;
    int table = BLK(rd, BLK(rd, row_idx).parent).index;
    int row = BLK(rd, row_idx).row;
    tcpl_block *b = new_block(rd, TCPL_BLOCK_CELL, &idx);
    if (!b)
        return rd->err->code;
    b->table = table;
    b->row = row;
    b->col = *col;
    rd->cur_table = table;
    rd->cur_row = row;
    rd->cur_col = *col;
    TCPL_CHECK(push(rd, idx));
    if (!tcpl_xml_empty(x)) {
        int d = tcpl_xml_depth(x);
        while ((rc = next_element(rd, d)) > 0) {
            if (tcpl_xml_is_w(x, "tcPr")) {
                int pd = tcpl_xml_depth(x);
                if (tcpl_xml_empty(x))
                    continue;
                for (;;) {
                    TCPL_CHECK(next(rd));
                    if (element_end(x, pd))
                        break;
                    if (tcpl_xml_is_w(x, "gridSpan")) {
                        long span = tcpl_xml_attr_int(x, "val", 1);
                        BLK(rd, idx).grid_span = span > 0 && span < 1000 ? (int)span : 1;
                    } else if (tcpl_xml_is_w(x, "vMerge")) {
                        const char *v = tcpl_xml_attr(x, TCPL_NS_W, "val");
                        BLK(rd, idx).vmerge =
                            v && !strcmp(v, "restart") ? TCPL_VMERGE_RESTART : TCPL_VMERGE_CONTINUE;
                    }
                    if (tcpl_xml_type(x) == XML_READER_TYPE_ELEMENT)
                        TCPL_CHECK(tcpl_xml_skip(x, rd->err));
                }
                continue;
            }
            rc = parse_block_item(rd);
            if (rc < 0)
                goto out;
            rc = 0;
        }
        TCPL_CHECK(rc);
    }
    TCPL_CHECK(flush_carry(rd));
    *col += BLK(rd, idx).grid_span;
    rd->sp--;
out:
    rd->cur_table = save_t;
    rd->cur_row = save_r;
    rd->cur_col = save_c;
    return rc;
}

static int parse_row(reader *rd, int table_idx, int row)
{
    tcpl_xml *x = &rd->x;
    int idx, rc = 0;
    tcpl_block *b = new_block(rd, TCPL_BLOCK_ROW, &idx);
    if (!b)
        return rd->err->code;
    b->table = table_idx;
    b->row = row;
    b->col = -1; /* a row spans every column */
    TCPL_CHECK(push(rd, idx));
    int col = 0;
    if (!tcpl_xml_empty(x)) {
        int d = tcpl_xml_depth(x);
        while ((rc = next_element(rd, d)) > 0) {
            if (tcpl_xml_is_w(x, "tc")) {
                TCPL_CHECK(parse_cell(rd, idx, &col));
            } else if (tcpl_xml_is_w(x, "trPr") && !tcpl_xml_empty(x)) {
                /* w:gridBefore: the row's first cell starts that many grid
                 * columns in (Word writes it for ragged tables). */
                int pd = tcpl_xml_depth(x), r;
                while ((r = tcpl_xml_next_child(x, pd, rd->err)) > 0)
                    if (tcpl_xml_is_w(x, "gridBefore") && col == 0) {
                        long before = tcpl_xml_attr_int(x, "val", 0);
                        col = before > 0 && before < 1000 ? (int)before : 0;
                    }
                if (r < 0) {
                    rc = r;
                    goto out;
                }
            } else if (tcpl_xml_is_w(x, "sdt") || tcpl_xml_is_w(x, "customXml") ||
                       tcpl_xml_is_w(x, "sdtContent") || tcpl_xml_is_w(x, "ins")) {
                continue; /* transparent wrappers around cells: descend */
            } else if (tcpl_xml_is_w(x, "del")) {
                TCPL_CHECK(tcpl_xml_skip(x, rd->err));
            } else {
                TCPL_CHECK(tcpl_xml_skip(x, rd->err));
            }
        }
        TCPL_CHECK(rc);
    }
    rd->sp--;
    if (col > BLK(rd, table_idx).cols)
        BLK(rd, table_idx).cols = col;
out:
    return rc;
}

static int parse_table(reader *rd)
{
    tcpl_xml *x = &rd->x;
    int idx, rc = 0;
    tcpl_block *b = new_block(rd, TCPL_BLOCK_TABLE, &idx);
    if (!b)
        return rd->err->code;
    TCPL_CHECK(push(rd, idx));
    int rows = 0, grid = 0;
    if (!tcpl_xml_empty(x)) {
        int d = tcpl_xml_depth(x);
        while ((rc = next_element(rd, d)) > 0) {
            if (tcpl_xml_is_w(x, "tr")) {
                TCPL_CHECK(parse_row(rd, idx, rows++));
            } else if (tcpl_xml_is_w(x, "gridCol")) {
                grid++;
            } else if (tcpl_xml_is_w(x, "tblGrid") || tcpl_xml_is_w(x, "sdt") ||
                       tcpl_xml_is_w(x, "sdtContent") || tcpl_xml_is_w(x, "customXml")) {
                continue;
            } else {
                TCPL_CHECK(tcpl_xml_skip(x, rd->err));
            }
        }
        TCPL_CHECK(rc);
    }
    rd->sp--;
    BLK(rd, idx).rows = rows;
    if (grid > BLK(rd, idx).cols)
        BLK(rd, idx).cols = grid;
out:
    return rc;
}

static int parse_sectpr(reader *rd)
{
    tcpl_section *s = tcpl_doc_add_section(rd->doc);
    if (!s)
        return fail_nomem(rd);
    s->last_block = (int)NBLK(rd) - 1;
    return tcpl_sectpr_parse(&rd->x, s, rd->err);
}

/* One block-level element at the current node.  Returns 1 for a
 * transparent wrapper (sdt, customXml, ins ...): the caller's loop then
 * reads its children as if they were its own. */
static int parse_block_item(reader *rd)
{
    tcpl_xml *x = &rd->x;
    if (strcmp(tcpl_xml_ns(x), TCPL_NS_W) != 0) {
        int m = mc_element(rd); /* 1: a branch, read as the container's own */
        return m == 2 ? tcpl_xml_skip(x, rd->err) : m;
    }
    const char *ln = tcpl_xml_local(x);
    if (!strcmp(ln, "p"))
        return parse_paragraph(rd);
    if (!strcmp(ln, "tbl")) {
        int rc = flush_carry(rd);
        return rc < 0 ? rc : parse_table(rd);
    }
    if (!strcmp(ln, "sectPr")) {
        int rc = flush_carry(rd); /* the section covers it */
        if (rc < 0)
            return rc;
        return rd->part == TCPL_PART_BODY ? parse_sectpr(rd) : tcpl_xml_skip(x, rd->err);
    }
    if (!strcmp(ln, "sdt") || !strcmp(ln, "sdtContent") || !strcmp(ln, "customXml") ||
        !strcmp(ln, "ins") || !strcmp(ln, "moveTo"))
        return 1;
    return tcpl_xml_skip(x, rd->err); /* sdtPr, del, moveFrom, bookmarks ... */
}

/* Block-level content (body, cell, text box, note, header) up to the end
 * of the element at the current depth. */
static int parse_block_content(reader *rd)
{
    tcpl_xml *x = &rd->x;
    if (tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x), rc;
    while ((rc = next_element(rd, d)) > 0) {
        if ((rc = parse_block_item(rd)) < 0)
            return rc;
    }
    if (rc < 0)
        return rc;
    return flush_carry(rd);
}

/* Notes part: each w:footnote/w:endnote with a real id is a NOTE block. */
static int parse_notes(reader *rd, const char *note_local)
{
    tcpl_xml *x = &rd->x;
    int rc;
    for (;;) {
        int r = tcpl_xml_next(x, rd->err);
        if (r < 0)
            return r;
        if (r == 0)
            return 0;
        if (!tcpl_xml_is_w(x, note_local))
            continue;
        const char *type = tcpl_xml_attr(x, TCPL_NS_W, "type");
        if (type && type[0] && strcmp(type, "normal") != 0) {
            if ((rc = tcpl_xml_skip(x, rd->err)) < 0)
                return rc;
            continue;
        }
        int idx;
        tcpl_block *b = new_block(rd, TCPL_BLOCK_NOTE, &idx);
        if (!b)
            return rd->err->code;
        b->note_id = (int)tcpl_xml_attr_int(x, "id", 0);
        if ((rc = push(rd, idx)) < 0)
            return rc;
        rc = parse_block_content(rd);
        rd->sp--;
        if (rc < 0)
            return rc;
    }
}

/* What the part cost, into the document's counters. */
static void read_stats(reader *rd)
{
    tcpl_read_stats *st = &rd->doc->stats;
    if (rd->budget.peak > st->mem_peak)
        st->mem_peak = rd->budget.peak;
    if (rd->budget.events_peak > st->events_peak)
        st->events_peak = rd->budget.events_peak;
}

/* Reads one part into blocks. */
static int read_part(reader *rd, const char *name, tcpl_part_kind kind)
{
    char *data = NULL;
    size_t len = 0;
    int rc = tcpl_pkg_read(rd->pkg, name, &data, &len, rd->err);
    if (rc < 0)
        return rc;
    rd->doc->xml_bytes += len;
    rd->part_name = tcpl_arena_strdup(&rd->doc->arena, name);
    if (!rd->part_name) {
        free(data);
        return fail_nomem(rd);
    }
    rd->part = kind;
    rd->para_count = 0;
    rd->sp = 0;
    rd->nfields = rd->fields_overflow = 0;
    rd->inserted = 0;
    rd->cur_table = rd->cur_row = rd->cur_col = -1;
    para_reset(&rd->carry);
    rd->carry_pending = 0;
    rd->simple_fields = 0;
    tcpl_numstate_free(rd->numstate);
    rd->numstate = NULL;
    if (tcpl_numstate_new(&rd->numstate, rd->num) < 0) {
        free(data);
        return fail_nomem(rd);
    }
    /* Only the elements the reader looks at become events, text only inside
     * w:t, and a w:t past the paragraph limit is refused while parsing. */
    tcpl_xml_opts opts = {tcpl_xml_keep_wml, "t", TCPL_MAX_PARA_BYTES, &rd->budget, &rd->xkeep};
    rd->budget.used = held(rd);
    rc = tcpl_xml_open_opts(&rd->x, data, len, rd->file, rd->part_name, &opts, rd->err);
    read_stats(rd);
    if (rc < 0) {
        free(data);
        return rc;
    }
    if (kind == TCPL_PART_FOOTNOTES || kind == TCPL_PART_ENDNOTES) {
        rc = parse_notes(rd, kind == TCPL_PART_FOOTNOTES ? "footnote" : "endnote");
    } else {
        int found = 0;
        const char *root = kind == TCPL_PART_BODY     ? "body"
                           : kind == TCPL_PART_HEADER ? "hdr"
                                                      : "ftr";
        for (;;) {
            int r = tcpl_xml_next(&rd->x, rd->err);
            if (r <= 0) {
                rc = r;
                break;
            }
            if (tcpl_xml_is_w(&rd->x, root)) {
                rc = parse_block_content(rd);
                found = 1;
                break;
            }
        }
        /* A main part without a w:body (another vocabulary, or a namespace
         * nobody maps) is refused, never read as an empty document. */
        if (rc == 0 && !found && kind == TCPL_PART_BODY)
            rc = tcpl_err(rd->err, TCPL_ERR_FORMAT, "err.no_body", rd->file, rd->part_name, "%s",
                          rd->x.root_ns ? rd->x.root_ns : "");
        /* Drain so that malformed XML after the body is still reported. */
        while (rc == 0) {
            int r = tcpl_xml_next(&rd->x, rd->err);
            if (r <= 0) {
                rc = r;
                break;
            }
        }
    }
    tcpl_xml_close(&rd->x);
    rd->budget.part = 0;
    read_stats(rd);
    free(data);
    /* A style parsed on demand that failed fails the read, as the full
     * parse of the styles part would have. */
    if (rc == 0)
        rc = tcpl_styles_status(rd->styles, rd->err);
    return rc;
}

/* The theme's major and minor Latin fonts (a:majorFont/a:latin,
 * a:minorFont/a:latin), which w:asciiTheme="minorHAnsi" refers to. */
static int read_theme(reader *rd, const char *data, size_t len, const char *part)
{
    tcpl_xml x;
    tcpl_xml_opts opts = {tcpl_xml_keep_wml, "", 0, &rd->budget, &rd->xkeep};
    rd->budget.used = held(rd) + len; /* the part is held while it is parsed */
    int rc = tcpl_xml_open_opts(&x, data, len, rd->file, part, &opts, rd->err);
    read_stats(rd);
    if (rc < 0)
        return rc;
    int which = 0, depth = -1;
    while ((rc = tcpl_xml_next(&x, rd->err)) > 0) {
        if (which && tcpl_xml_type(&x) == XML_READER_TYPE_END_ELEMENT &&
            tcpl_xml_depth(&x) == depth)
            which = 0;
        if (tcpl_xml_is(&x, TCPL_NS_A, "minorFont") || tcpl_xml_is(&x, TCPL_NS_A, "majorFont")) {
            which = tcpl_xml_local(&x)[1] == 'i' ? TCPL_THEME_MINOR : TCPL_THEME_MAJOR;
            depth = tcpl_xml_depth(&x);
        } else if (which && tcpl_xml_is(&x, TCPL_NS_A, "latin") && !rd->theme_font[which]) {
            const char *t = tcpl_xml_attr(&x, NULL, "typeface");
            if (t && *t) {
                rd->theme_font[which] = tcpl_arena_strdup(&rd->doc->arena, t);
                if (!rd->theme_font[which]) {
                    rc = fail_nomem(rd);
                    break;
                }
            }
        }
    }
    tcpl_xml_close(&x);
    rd->budget.part = 0;
    return rc < 0 ? rc : 0;
}

static int read_optional(reader *rd, const tcpl_rel *rels, size_t n, const char *suffix,
                         char **data, size_t *len, const char **name)
{
    *data = NULL;
    *len = 0;
    *name = NULL;
    const tcpl_rel *r = tcpl_pkg_rel_by_type(rels, n, suffix);
    if (!r || r->external || !tcpl_pkg_has(rd->pkg, r->target))
        return 0;
    *name = r->target;
    int rc = tcpl_pkg_read(rd->pkg, r->target, data, len, rd->err);
    if (rc == 0)
        rd->doc->xml_bytes += *len;
    return rc;
}

/* The styles or numbering part through the batch's cache: 1 with *obj
 * the shared parse (*shared set) or a private one, 0 when the cache does
 * not take this part (the caller reads it as usual). */
static int read_cached(reader *rd, const tcpl_rel *r, int kind, void **obj, int *shared)
{
    int rc = 0;
    tcpl_part_key key;
    *obj = NULL;
    *shared = 0;
    if (!rd->cache || !r || r->external || !tcpl_pkg_part_key(rd->pkg, r->target, &key) ||
        tcpl_cache_seen(rd->cache, kind, &key) == 0)
        return 0;
    char *raw = NULL, *data = NULL;
    size_t len = 0;
    TCPL_CHECK(tcpl_pkg_read_raw(rd->pkg, r->target, &key, &raw, rd->err));
    const void *hit = tcpl_cache_find(rd->cache, kind, &key, raw);
    if (hit) {
        free(raw);
        *obj = (void *)hit;
        *shared = 1;
        /* The bytes count as read, as without the cache. */
        rd->doc->xml_bytes += (size_t)key.size;
        return 1;
    }
    /* Seen before: parsed in full for the cache.  A part that does not
     * parse is left to the usual reading (and its messages). */
    TCPL_CHECK(tcpl_pkg_read(rd->pkg, r->target, &data, &len, rd->err));
    tcpl_error scratch;
    void *mine = NULL;
    int prc = kind == TCPL_CACHE_STYLES ? tcpl_styles_parse((tcpl_styles **)&mine, data, len,
                                                            rd->file, r->target, &scratch)
                                        : tcpl_numbering_parse((tcpl_numbering **)&mine, data, len,
                                                               rd->file, r->target, &scratch);
    free(data);
    data = NULL;
    if (prc < 0) {
        if (prc == TCPL_ERR_NOMEM) {
            rc = TCPL_NOMEM(rd->err, rd->file);
            goto out;
        }
        rc = 0;
        goto out;
    }
    rd->doc->xml_bytes += len;
    size_t bytes = kind == TCPL_CACHE_STYLES ? tcpl_styles_bytes(mine) : tcpl_numbering_bytes(mine);
    const void *sh = tcpl_cache_put(rd->cache, kind, &key, raw, mine, bytes);
    raw = NULL;
    *obj = sh ? (void *)sh : mine;
    *shared = sh != NULL;
    return 1;
out:
    free(raw);
    free(data);
    return rc;
}

static int read_package(reader *rd)
{
    int rc;
    const char *main_part = tcpl_pkg_main_part(rd->pkg);
    const tcpl_rel *rels = NULL;
    size_t nrels = 0;
    char *data = NULL;
    size_t len;
    const char *name;
    TCPL_CHECK(tcpl_pkg_rels(rd->pkg, main_part, &rels, &nrels, rd->err));

    void *cached;
    rc = read_cached(rd, tcpl_pkg_rel_by_type(rels, nrels, "/styles"), TCPL_CACHE_STYLES, &cached,
                     &rd->styles_shared);
    if (rc < 0)
        goto out;
    if (rc > 0) {
        rd->styles = cached;
    } else {
        TCPL_CHECK(read_optional(rd, rels, nrels, "/styles", &data, &len, &name));
        /* Lazily: the styles take the part and parse a style when the
         * document first uses it (styles.c). */
        rd->budget.used = held(rd);
        rc = tcpl_styles_open(&rd->styles, data, len, rd->file, name, &rd->budget, rd->err);
        data = NULL;
        read_stats(rd);
        if (rc < 0)
            goto out;
    }
    rc = read_cached(rd, tcpl_pkg_rel_by_type(rels, nrels, "/numbering"), TCPL_CACHE_NUMBERING,
                     &cached, &rd->num_shared);
    if (rc < 0)
        goto out;
    if (rc > 0) {
        rd->num = cached;
        goto numbering_done;
    }
    TCPL_CHECK(read_optional(rd, rels, nrels, "/numbering", &data, &len, &name));
    if (data && !rd->num_eager) {
        /* held, parsed when a paragraph first needs it (num_need) */
        rd->num_data = data;
        rd->num_len = len;
        rd->num_part = name;
        scan_num_links(rd, data, len);
        data = NULL;
        if (held(rd) > (rd->budget.limit ? rd->budget.limit : TCPL_MAX_DOC_MEMORY)) {
            rc = tcpl_err(rd->err, TCPL_ERR_LIMIT, "err.doc_memory", rd->file, name, "%zu",
                          rd->budget.limit >> 20);
            goto out;
        }
        goto numbering_done;
    }
    rc = num_parse_now(rd, data, len, name);
    data = NULL;
    if (rc < 0)
        goto out;
numbering_done:
    TCPL_CHECK(read_optional(rd, rels, nrels, "/theme", &data, &len, &name));
    rc = data ? read_theme(rd, data, len, name) : 0;
    free(data);
    data = NULL;
    if (rc < 0)
        goto out;

    TCPL_CHECK(read_part(rd, main_part, TCPL_PART_BODY));
    static const struct {
        const char *suffix;
        tcpl_part_kind kind;
        unsigned text; /* the tcpl_doc_text flag that prints it */
    } extra[] = {{"/footnotes", TCPL_PART_FOOTNOTES, TCPL_TEXT_NOTES},
                 {"/endnotes", TCPL_PART_ENDNOTES, TCPL_TEXT_NOTES},
                 {"/header", TCPL_PART_HEADER, TCPL_TEXT_HEADERS},
                 {"/footer", TCPL_PART_FOOTER, TCPL_TEXT_HEADERS}};
    for (size_t k = 0; k < sizeof extra / sizeof extra[0]; k++) {
        if (rd->skip & extra[k].text)
            continue;
        size_t slen = strlen(extra[k].suffix);
        for (size_t i = 0; i < nrels; i++) {
            const tcpl_rel *r = &rels[i];
            size_t tl = strlen(r->type);
            if (r->external || tl < slen || strcmp(r->type + tl - slen, extra[k].suffix) != 0)
                continue;
            /* The same part may be referenced twice (first-page and default
             * header), in any letter case: read it once (pkg marks dup). */
            if (r->dup || !tcpl_pkg_has(rd->pkg, r->target))
                continue;
            /* The main part named again as a header, footer or notes part
             * was read as the body: once. */
            if (tcpl_pkg_same_part(r->target, main_part))
                continue;
            TCPL_CHECK(read_part(rd, r->target, extra[k].kind));
        }
    }
out:
    return rc;
}

struct tcpl_reader {
    const tcpl_ctx *ctx;
    tcpl_part_cache *cache;
    unsigned skip; /* tcpl_reader_skip */
    /* Scratch kept from one document to the next (capacity only). */
    para carry;
    tcpl_buf tmp, label;
    tcpl_vec interned;
    tcpl_xml_keep xkeep;
};

static int read_common(tcpl_doc **out, const tcpl_ctx *ctx, tcpl_pkg *pkg, const char *name,
                       const tcpl_read_opts *opts, tcpl_reader *keep, int num_eager,
                       tcpl_error *err)
{
    reader rd;
    memset(&rd, 0, sizeof rd);
    tcpl_vec_init(&rd.interned, sizeof(const char *));
    para_init(&rd.carry);
    if (keep) {
        /* The reader's buffers, emptied: interned strings pointed into the
         * last document. */
        rd.carry = keep->carry;
        para_reset(&rd.carry);
        rd.tmp = keep->tmp;
        tcpl_buf_reset(&rd.tmp);
        rd.label = keep->label;
        tcpl_buf_reset(&rd.label);
        rd.interned = keep->interned;
        tcpl_vec_clear(&rd.interned);
        rd.xkeep = keep->xkeep;
        rd.cache = keep->cache;
        rd.skip = keep->skip;
    }
    rd.budget.limit = opts && opts->mem_limit ? opts->mem_limit : TCPL_MAX_DOC_MEMORY;
    rd.num_eager = num_eager;
    rd.ctx = ctx;
    rd.pkg = pkg;
    rd.err = err;
    rd.file = name;
    int rc = tcpl_ctx_legacy_get(&rd.legacy, ctx, err);
    if (rc < 0)
        goto out;
    rc = tcpl_doc_new(&rd.doc, name);
    if (rc < 0) {
        rc = TCPL_NOMEM(err, name);
        goto out;
    }
    rc = read_package(&rd);
out:
    if (!rd.styles_shared)
        tcpl_styles_free(rd.styles);
    tcpl_numstate_free(rd.numstate);
    if (!rd.num_shared)
        tcpl_numbering_free(rd.num);
    free(rd.num_data);
    if (keep) {
        keep->carry = rd.carry;
        keep->tmp = rd.tmp;
        keep->label = rd.label;
        keep->interned = rd.interned;
        keep->xkeep = rd.xkeep;
    } else {
        tcpl_xml_keep_free(&rd.xkeep);
        para_free(&rd.carry);
        tcpl_buf_free(&rd.tmp);
        tcpl_vec_free(&rd.interned);
        tcpl_buf_free(&rd.label);
    }
    if (rc < 0) {
        tcpl_doc_free(rd.doc);
        return rc;
    }
    *out = rd.doc;
    return 0;
}

int tcpl_reader_new(tcpl_reader **out, const tcpl_ctx *ctx, tcpl_part_cache *cache, tcpl_error *err)
{
    *out = NULL;
    tcpl_reader *r = calloc(1, sizeof *r);
    if (!r)
        return TCPL_NOMEM(err, NULL);
    r->ctx = ctx;
    r->cache = cache;
    para_init(&r->carry);
    tcpl_buf_init(&r->tmp);
    tcpl_buf_init(&r->label);
    tcpl_vec_init(&r->interned, sizeof(const char *));
    *out = r;
    return 0;
}

void tcpl_reader_free(tcpl_reader *r)
{
    if (!r)
        return;
    para_free(&r->carry);
    tcpl_buf_free(&r->tmp);
    tcpl_buf_free(&r->label);
    tcpl_vec_free(&r->interned);
    tcpl_xml_keep_free(&r->xkeep);
    free(r);
}

void tcpl_reader_skip(tcpl_reader *r, unsigned parts)
{
    if (r)
        r->skip = parts & (TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS);
}

/* Every public read: the package opened from path (when not NULL) or from
 * data, then read_common. */
static int read_source(tcpl_doc **out, const tcpl_ctx *ctx, const char *path, const void *data,
                       size_t len, const char *name, const tcpl_read_opts *opts, tcpl_reader *r,
                       int eager, tcpl_error *err)
{
    tcpl_error local;
    if (!err)
        err = &local;
    tcpl_error_clear(err);
    *out = NULL;
    tcpl_pkg *pkg = NULL;
    int rc = path ? tcpl_pkg_open_file(&pkg, path, err)
                  : tcpl_pkg_open_memory(&pkg, data, len, name, err);
    if (rc < 0)
        return rc;
    rc = read_common(out, ctx, pkg, path ? path : name, opts, r, eager, err);
    tcpl_pkg_free(pkg);
    return rc;
}

int tcpl_reader_read(tcpl_reader *r, tcpl_doc **out, const char *path, tcpl_error *err)
{
    return read_source(out, r->ctx, path, NULL, 0, NULL, NULL, r, 0, err);
}

int tcpl_reader_read_memory(tcpl_reader *r, tcpl_doc **out, const void *data, size_t len,
                            const char *name, tcpl_error *err)
{
    return read_source(out, r->ctx, NULL, data, len, name, NULL, r, 0, err);
}

int tcpl_docx_read(tcpl_doc **out, const tcpl_ctx *ctx, const char *path, tcpl_error *err)
{
    return read_source(out, ctx, path, NULL, 0, NULL, NULL, NULL, 0, err);
}

int tcpl_docx_read_memory_opts(tcpl_doc **out, const tcpl_ctx *ctx, const void *data, size_t len,
                               const char *name, const tcpl_read_opts *opts, tcpl_error *err)
{
    return read_source(out, ctx, NULL, data, len, name, opts, NULL, 0, err);
}

int tcpl_docx_read_memory_eager(tcpl_doc **out, const tcpl_ctx *ctx, const void *data, size_t len,
                                const char *name, tcpl_error *err)
{
    return read_source(out, ctx, NULL, data, len, name, NULL, NULL, 1, err);
}

int tcpl_docx_read_memory(tcpl_doc **out, const tcpl_ctx *ctx, const void *data, size_t len,
                          const char *name, tcpl_error *err)
{
    return tcpl_docx_read_memory_opts(out, ctx, data, len, name, NULL, err);
}
