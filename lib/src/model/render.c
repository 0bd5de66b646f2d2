/* Renderers over the public model only: plain text and JSON. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/error.h"
#include "tcpl/model.h"

/* End (exclusive) of block i's subtree in the pre-order array. */
static size_t subtree_end(const tcpl_doc *doc, size_t i)
{
    size_t n = tcpl_doc_block_count(doc);
    int d = tcpl_doc_block(doc, i)->depth;
    size_t j = i + 1;
    while (j < n && tcpl_doc_block(doc, j)->depth > d &&
           tcpl_doc_block(doc, j)->part == tcpl_doc_block(doc, i)->part)
        j++;
    return j;
}

/* How notes are numbered in the text: [1], [2] ... in the order the body
 * first refers to them (as pandoc does), then the notes nothing refers to,
 * in their parts' order.  no[i] is note block i's number, 0 if i is no
 * note; order lists the note blocks by number. */
typedef struct note_key {
    tcpl_part_kind part;
    int id;
    size_t block;
} note_key;

typedef struct notes {
    int *no;
    size_t *order;
    size_t count;
    note_key *keys; /* the note blocks sorted by (part, id) */
    size_t nkeys;
} notes;

static int cmp_note_key(const void *a, const void *b)
{
    const note_key *p = a, *q = b;
    if (p->part != q->part)
        return p->part < q->part ? -1 : 1;
    if (p->id != q->id)
        return p->id < q->id ? -1 : 1;
    return p->block < q->block ? -1 : p->block > q->block;
}

/* The note block a reference names, or (size_t)-1. */
static size_t find_note(const note_key *keys, size_t n, const tcpl_note_ref *r)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* lower bound: the first note of that id wins */
        size_t mid = lo + (hi - lo) / 2;
        note_key k = {r->part, r->note_id, 0};
        if (cmp_note_key(&keys[mid], &k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && keys[lo].part == r->part && keys[lo].id == r->note_id)
        return keys[lo].block;
    return (size_t)-1;
}

static void notes_free(notes *ns)
{
    free(ns->no);
    free(ns->order);
    free(ns->keys);
    memset(ns, 0, sizeof *ns);
}

static int notes_number(notes *ns, const tcpl_doc *doc)
{
    size_t n = tcpl_doc_block_count(doc), nk = 0;
    memset(ns, 0, sizeof *ns);
    for (size_t i = 0; i < n; i++)
        nk += tcpl_doc_block(doc, i)->kind == TCPL_BLOCK_NOTE;
    if (!nk)
        return 0;
    note_key *keys = malloc(nk * sizeof *keys);
    ns->no = calloc(n, sizeof *ns->no);
    ns->order = malloc(nk * sizeof *ns->order);
    if (!keys || !ns->no || !ns->order) {
        free(keys);
        notes_free(ns);
        return -1;
    }
    nk = 0;
    for (size_t i = 0; i < n; i++) {
        const tcpl_block *b = tcpl_doc_block(doc, i);
        if (b->kind == TCPL_BLOCK_NOTE)
            keys[nk++] = (note_key){b->part, b->note_id, i};
    }
    qsort(keys, nk, sizeof *keys, cmp_note_key);
    for (size_t i = 0; i < n; i++) {
        const tcpl_block *b = tcpl_doc_block(doc, i);
        if (b->part != TCPL_PART_BODY || b->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        for (size_t k = 0; k < b->note_ref_count; k++) {
            size_t at = find_note(keys, nk, &b->note_refs[k]);
            if (at != (size_t)-1 && !ns->no[at]) {
                ns->order[ns->count++] = at;
                ns->no[at] = (int)ns->count;
            }
        }
    }
    for (tcpl_part_kind part = TCPL_PART_FOOTNOTES; part <= TCPL_PART_ENDNOTES; part++)
        for (size_t i = 0; i < n; i++) {
            const tcpl_block *b = tcpl_doc_block(doc, i);
            if (b->kind == TCPL_BLOCK_NOTE && b->part == part && !ns->no[i]) {
                ns->order[ns->count++] = i;
                ns->no[i] = (int)ns->count;
            }
        }
    ns->keys = keys;
    ns->nkeys = nk;
    return 0;
}

/* What a renderer pass needs besides the document. */
typedef struct text_ctx {
    const tcpl_doc *doc;
    const notes *notes; /* NULL: references are not shown */
} text_ctx;

/* The number of the note a reference names, 0 if none. */
static int ref_number(const text_ctx *t, const tcpl_note_ref *r)
{
    size_t at = find_note(t->notes->keys, t->notes->nkeys, r);
    return at == (size_t)-1 ? 0 : t->notes->no[at];
}

static void put_text(tcpl_buf *b, const char *s, size_t n, int in_cell)
{
    if (!in_cell) {
        tcpl_buf_put(b, s, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        tcpl_buf_putc(b, c == '\t' || c == '\n' ? ' ' : c);
    }
}

/* A paragraph's label and text, with "[n]" where it refers to note n when
 * notes are shown; in_cell flattens tabs and line breaks so a table row
 * stays one line with tab-separated cells. */
static void put_para(tcpl_buf *b, const text_ctx *t, const tcpl_block *p, int in_cell)
{
    if (p->label[0]) {
        tcpl_buf_puts(b, p->label);
        if (p->text_len)
            tcpl_buf_putc(b, ' ');
    }
    size_t at = 0;
    if (t->notes && t->notes->count)
        for (size_t k = 0; k < p->note_ref_count; k++) {
            const tcpl_note_ref *r = &p->note_refs[k];
            int no = ref_number(t, r);
            if (!no || r->offset < at || r->offset > p->text_len)
                continue;
            put_text(b, p->text + at, r->offset - at, in_cell);
            tcpl_buf_printf(b, "[%d]", no);
            at = r->offset;
        }
    put_text(b, p->text + at, p->text_len - at, in_cell);
}

static void put_cell(tcpl_buf *b, const text_ctx *t, size_t cell)
{
    const tcpl_doc *doc = t->doc;
    size_t end = subtree_end(doc, cell);
    int first = 1;
    for (size_t j = cell + 1; j < end; j++) {
        const tcpl_block *p = tcpl_doc_block(doc, j);
        if (p->kind != TCPL_BLOCK_PARAGRAPH || (!p->text_len && !p->label[0]))
            continue;
        if (!first)
            tcpl_buf_putc(b, ' ');
        put_para(b, t, p, 1);
        first = 0;
    }
}

static void put_table(tcpl_buf *b, const text_ctx *t, size_t tb)
{
    const tcpl_doc *doc = t->doc;
    size_t end = subtree_end(doc, tb);
    int d = tcpl_doc_block(doc, tb)->depth;
    for (size_t r = tb + 1; r < end; r++) {
        const tcpl_block *row = tcpl_doc_block(doc, r);
        if (row->kind != TCPL_BLOCK_ROW || row->depth != d + 1)
            continue;
        size_t rend = subtree_end(doc, r);
        int first = 1;
        for (size_t c = r + 1; c < rend; c++) {
            const tcpl_block *cell = tcpl_doc_block(doc, c);
            if (cell->kind != TCPL_BLOCK_CELL || cell->depth != d + 2)
                continue;
            if (!first)
                tcpl_buf_putc(b, '\t');
            put_cell(b, t, c);
            first = 0;
        }
        tcpl_buf_putc(b, '\n');
    }
}

/* A text box or a note: everything below in reading order, paragraphs at
 * any depth (a text box inside a note or a text box follows its anchor),
 * each table as a whole; a note opens with its number. */
static void put_container(tcpl_buf *b, const text_ctx *t, size_t i, int note_no)
{
    const tcpl_doc *doc = t->doc;
    const tcpl_block *blk = tcpl_doc_block(doc, i);
    size_t end = subtree_end(doc, i);
    int first = 1;
    if (blk->kind == TCPL_BLOCK_NOTE)
        tcpl_buf_printf(b, "[%d] ", note_no);
    for (size_t j = i + 1; j < end; j++) {
        const tcpl_block *p = tcpl_doc_block(doc, j);
        if (p->kind != TCPL_BLOCK_PARAGRAPH && p->kind != TCPL_BLOCK_TABLE)
            continue;
        if (p->kind == TCPL_BLOCK_TABLE) {
            put_table(b, t, j);
            j = subtree_end(doc, j) - 1;
        } else {
            if (blk->kind == TCPL_BLOCK_NOTE && !first)
                tcpl_buf_puts(b, "    ");
            put_para(b, t, p, 0);
            tcpl_buf_putc(b, '\n');
        }
        first = 0;
    }
    if (first && blk->kind == TCPL_BLOCK_NOTE)
        tcpl_buf_putc(b, '\n'); /* an empty note still ends its line */
}

/* Top-level blocks of one part kind, in order. */
static void put_part(tcpl_buf *b, const text_ctx *t, tcpl_part_kind part)
{
    const tcpl_doc *doc = t->doc;
    size_t n = tcpl_doc_block_count(doc);
    const char *last_part = NULL;
    int note_no = 0;
    for (size_t i = 0; i < n; i++) {
        const tcpl_block *blk = tcpl_doc_block(doc, i);
        if (blk->part != part || blk->depth != 0)
            continue;
        if ((part == TCPL_PART_HEADER || part == TCPL_PART_FOOTER) &&
            (!last_part || strcmp(last_part, blk->part_name))) {
            tcpl_buf_printf(b, "== %s ==\n", blk->part_name);
            last_part = blk->part_name;
        }
        switch (blk->kind) {
        case TCPL_BLOCK_PARAGRAPH:
            put_para(b, t, blk, 0);
            tcpl_buf_putc(b, '\n');
            break;
        case TCPL_BLOCK_TABLE:
            put_table(b, t, i);
            break;
        case TCPL_BLOCK_TEXTBOX:
        case TCPL_BLOCK_NOTE:
            put_container(b, t, i, ++note_no);
            break;
        default:
            break;
        }
    }
}

int tcpl_doc_text(char **out, size_t *len, const tcpl_doc *doc, unsigned flags, tcpl_error *err)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    *out = NULL;
    if (len)
        *len = 0;
    if (!flags)
        flags = TCPL_TEXT_BODY;
    notes ns = {0};
    if ((flags & TCPL_TEXT_NOTES) && notes_number(&ns, doc) < 0)
        return TCPL_NOMEM(err, tcpl_doc_path(doc));
    text_ctx t = {doc, (flags & TCPL_TEXT_NOTES) ? &ns : NULL};
    if (flags & TCPL_TEXT_BODY)
        put_part(&b, &t, TCPL_PART_BODY);
    if ((flags & TCPL_TEXT_NOTES) && ns.count) {
        if (b.len)
            tcpl_buf_putc(&b, '\n');
        for (size_t k = 0; k < ns.count; k++)
            put_container(&b, &t, ns.order[k], ns.no[ns.order[k]]);
    }
    if (flags & TCPL_TEXT_HEADERS) {
        put_part(&b, &t, TCPL_PART_HEADER);
        put_part(&b, &t, TCPL_PART_FOOTER);
    }
    notes_free(&ns);
    *out = tcpl_buf_detach(&b, len);
    if (!*out)
        return TCPL_NOMEM(err, tcpl_doc_path(doc));
    return 0;
}

/* ---- JSON ------------------------------------------------------------ */

/* The model is written as JSON straight into one tcpl_buf, block by block:
 * no tree of the whole document is built, so memory is the output plus a
 * constant.  The layout is the one jansson's json_dumps gave before
 * (JSON_PRESERVE_ORDER, JSON_COMPACT or JSON_INDENT(2)), byte for byte. */

static const char *kind_names[] = {"paragraph", "table", "row", "cell", "textbox", "note"};
static const char *part_names[] = {"body", "footnotes", "endnotes", "header", "footer"};
static const char *align_names[] = {"start", "center", "end", "justify", "distribute"};
static const char *vmerge_names[] = {"none", "restart", "continue"};

/* Nesting of the model's JSON: root, blocks, block, runs, run.  Fixed by
 * this file, never by the document. */
#define JSON_MAX_DEPTH 8

typedef struct json_writer {
    tcpl_buf *b;
    int pretty;
    int depth;
    unsigned char has_items[JSON_MAX_DEPTH]; /* the container at depth has one already */
} json_writer;

/* A JSON string from bytes that may not be UTF-8 (a file name on Linux can
 * be any bytes; a run may be cut anywhere): bad sequences become U+FFFD, so
 * the output is always valid UTF-8.  Escapes as jansson does: '"', '\\'
 * and control characters; everything else, non-ASCII included, as is. */
static void json_put_string(tcpl_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    tcpl_buf_putc(b, '"');
    size_t i = 0, start = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k =
                utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (k > 0) {
                i += (size_t)k;
                continue;
            }
        }
        tcpl_buf_put(b, s + start, i - start);
        switch (c) {
        case '"':
            tcpl_buf_puts(b, "\\\"");
            break;
        case '\\':
            tcpl_buf_puts(b, "\\\\");
            break;
        case '\b':
            tcpl_buf_puts(b, "\\b");
            break;
        case '\f':
            tcpl_buf_puts(b, "\\f");
            break;
        case '\n':
            tcpl_buf_puts(b, "\\n");
            break;
        case '\r':
            tcpl_buf_puts(b, "\\r");
            break;
        case '\t':
            tcpl_buf_puts(b, "\\t");
            break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                tcpl_buf_put(b, u, sizeof u);
            } else {
                tcpl_buf_put_utf8(b, 0xFFFD); /* not UTF-8 */
            }
            break;
        }
        start = ++i;
    }
    tcpl_buf_put(b, s + start, n - start);
    tcpl_buf_putc(b, '"');
}

static void jw_newline(json_writer *w, int depth)
{
    if (!w->pretty)
        return;
    tcpl_buf_putc(w->b, '\n');
    for (int i = 0; i < depth; i++)
        tcpl_buf_puts(w->b, "  ");
}

static void jw_open(json_writer *w, char c)
{
    tcpl_buf_putc(w->b, c);
    w->depth++;
    w->has_items[w->depth] = 0;
}

static void jw_close(json_writer *w, char c)
{
    if (w->has_items[w->depth])
        jw_newline(w, w->depth - 1);
    w->depth--;
    tcpl_buf_putc(w->b, c);
}

/* Before each member of an object or element of an array. */
static void jw_item(json_writer *w)
{
    if (w->has_items[w->depth])
        tcpl_buf_putc(w->b, ',');
    jw_newline(w, w->depth);
    w->has_items[w->depth] = 1;
}

static void jw_key(json_writer *w, const char *k)
{
    jw_item(w);
    json_put_string(w->b, k, strlen(k));
    tcpl_buf_puts(w->b, w->pretty ? ": " : ":");
}

static void jw_int(json_writer *w, const char *k, long long v)
{
    jw_key(w, k);
    tcpl_buf_printf(w->b, "%lld", v);
}

/* An int that means "none" when negative. */
static void jw_int_or_null(json_writer *w, const char *k, long long v)
{
    jw_key(w, k);
    if (v >= 0)
        tcpl_buf_printf(w->b, "%lld", v);
    else
        tcpl_buf_puts(w->b, "null");
}

static void jw_bool(json_writer *w, const char *k, int v)
{
    jw_key(w, k);
    tcpl_buf_puts(w->b, v ? "true" : "false");
}

static void jw_strn(json_writer *w, const char *k, const char *s, size_t n)
{
    jw_key(w, k);
    json_put_string(w->b, s, n);
}

static void jw_str(json_writer *w, const char *k, const char *s)
{
    jw_strn(w, k, s, strlen(s));
}

/* Half-points as points: "13.0", "6.5", null for 0 (jansson's %.17g plus
 * ".0" gave the same for every int; no %g, so no locale decimal comma). */
static void jw_half_points(json_writer *w, const char *k, int half)
{
    jw_key(w, k);
    if (!half) {
        tcpl_buf_puts(w->b, "null"); /* unknown */
        return;
    }
    long long v = half;
    if (v < 0) {
        tcpl_buf_putc(w->b, '-');
        v = -v;
    }
    tcpl_buf_printf(w->b, "%lld.%c", v / 2, v % 2 ? '5' : '0');
}

static void run_json(json_writer *w, const tcpl_block *p, const tcpl_run *r)
{
    static const struct {
        unsigned flag;
        const char *name;
    } extra[] = {{TCPL_RUN_CAPS, "caps"},          {TCPL_RUN_STRIKE, "strike"},
                 {TCPL_RUN_INSERTED, "inserted"},  {TCPL_RUN_LEGACY, "legacy"},
                 {TCPL_RUN_FIELD, "field"},        {TCPL_RUN_SUPERSCRIPT, "superscript"},
                 {TCPL_RUN_SUBSCRIPT, "subscript"}};
    jw_item(w);
    jw_open(w, '{');
    jw_int(w, "offset", (long long)r->offset);
    jw_int(w, "length", (long long)r->length);
    jw_strn(w, "text", p->text + r->offset, r->length);
    jw_bool(w, "bold", r->flags & TCPL_RUN_BOLD);
    jw_bool(w, "italic", r->flags & TCPL_RUN_ITALIC);
    jw_bool(w, "underline", r->flags & TCPL_RUN_UNDERLINE);
    jw_str(w, "font", r->font);
    jw_half_points(w, "size", r->size);
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (r->flags & extra[i].flag)
            jw_bool(w, extra[i].name, 1);
    jw_close(w, '}');
}

static void block_json(json_writer *w, const tcpl_block *b)
{
    jw_item(w);
    jw_open(w, '{');
    jw_int(w, "index", b->index);
    jw_str(w, "kind", kind_names[b->kind]);
    jw_int_or_null(w, "parent", b->parent);
    jw_int(w, "depth", b->depth);
    jw_str(w, "part", part_names[b->part]);
    jw_str(w, "part_name", b->part_name);
    if (b->table >= 0) {
        jw_int(w, "table", b->table);
        jw_int(w, "row", b->row);
        jw_int(w, "col", b->col);
    }
    switch (b->kind) {
    case TCPL_BLOCK_PARAGRAPH:
        jw_int(w, "para_index", b->para_index);
        jw_str(w, "label", b->label);
        jw_strn(w, "label_suffix", &b->label_suffix, b->label_suffix ? 1 : 0);
        jw_strn(w, "text", b->text, b->text_len);
        jw_str(w, "style", b->style_id);
        jw_str(w, "style_name", b->style_name);
        jw_int_or_null(w, "outline_level", b->outline_level);
        jw_int_or_null(w, "num_id", b->num_id);
        jw_int_or_null(w, "ilvl", b->num_id >= 0 ? b->ilvl : -1);
        jw_str(w, "align", align_names[b->align]);
        jw_key(w, "runs");
        jw_open(w, '[');
        for (size_t i = 0; i < b->run_count; i++)
            run_json(w, b, &b->runs[i]);
        jw_close(w, ']');
        break;
    case TCPL_BLOCK_TABLE:
        jw_int(w, "rows", b->rows);
        jw_int(w, "cols", b->cols);
        break;
    case TCPL_BLOCK_CELL:
        jw_int(w, "grid_span", b->grid_span);
        jw_str(w, "vmerge", vmerge_names[b->vmerge]);
        break;
    case TCPL_BLOCK_NOTE:
        jw_int(w, "note_id", b->note_id);
        break;
    default:
        break;
    }
    if (b->kind != TCPL_BLOCK_PARAGRAPH)
        jw_int(w, "children", b->child_count);
    jw_close(w, '}');
}

static void section_json(json_writer *w, const tcpl_section *s)
{
    jw_item(w);
    jw_open(w, '{');
    jw_int(w, "page_width", s->page_width);
    jw_int(w, "page_height", s->page_height);
    jw_int(w, "margin_top", s->margin_top);
    jw_int(w, "margin_bottom", s->margin_bottom);
    jw_int(w, "margin_left", s->margin_left);
    jw_int(w, "margin_right", s->margin_right);
    jw_int(w, "header", s->header);
    jw_int(w, "footer", s->footer);
    jw_bool(w, "landscape", s->landscape);
    jw_int(w, "last_block", s->last_block);
    jw_close(w, '}');
}

int tcpl_doc_json(char **out, size_t *len, const tcpl_doc *doc, unsigned options, tcpl_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    tcpl_buf b;
    tcpl_buf_init(&b);
    json_writer w = {&b, (options & TCPL_JSON_PRETTY) != 0, 0, {0}};
    jw_open(&w, '{');
    jw_str(&w, "file", tcpl_doc_path(doc));
    jw_key(&w, "blocks");
    jw_open(&w, '[');
    size_t n = tcpl_doc_block_count(doc);
    for (size_t i = 0; i < n && tcpl_buf_ok(&b); i++)
        block_json(&w, tcpl_doc_block(doc, i));
    jw_close(&w, ']');
    jw_key(&w, "sections");
    jw_open(&w, '[');
    n = tcpl_doc_section_count(doc);
    for (size_t i = 0; i < n && tcpl_buf_ok(&b); i++)
        section_json(&w, tcpl_doc_section(doc, i));
    jw_close(&w, ']');
    jw_close(&w, '}');
    tcpl_buf_putc(&b, '\n');
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, tcpl_doc_path(doc));
}
