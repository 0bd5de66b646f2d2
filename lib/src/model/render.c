/* Renderers over the public model only: plain text and JSON. */
#include <jansson.h>
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

static const char *kind_names[] = {"paragraph", "table", "row", "cell", "textbox", "note"};
static const char *part_names[] = {"body", "footnotes", "endnotes", "header", "footer"};
static const char *align_names[] = {"start", "center", "end", "justify", "distribute"};
static const char *vmerge_names[] = {"none", "restart", "continue"};

/* A JSON string from bytes that may not be UTF-8 (a file name on Linux can
 * be any bytes): bad sequences become U+FFFD instead of failing the dump. */
static json_t *lossy_string(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    tcpl_buf b;
    tcpl_buf_init(&b);
    size_t n = strlen(s), i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            tcpl_buf_put_utf8(&b, 0xFFFD);
            i++;
        } else {
            tcpl_buf_put(&b, s + i, (size_t)k);
            i += (size_t)k;
        }
    }
    j = tcpl_buf_ok(&b) ? json_stringn(b.data ? b.data : "", b.len) : NULL;
    tcpl_buf_free(&b);
    return j;
}

static int set(json_t *o, const char *k, json_t *v)
{
    return v ? json_object_set_new(o, k, v) : -1;
}

static json_t *run_json(const tcpl_block *p, const tcpl_run *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= set(o, "offset", json_integer((json_int_t)r->offset));
    bad |= set(o, "length", json_integer((json_int_t)r->length));
    bad |= set(o, "text", json_stringn(p->text + r->offset, r->length));
    bad |= set(o, "bold", json_boolean(r->flags & TCPL_RUN_BOLD));
    bad |= set(o, "italic", json_boolean(r->flags & TCPL_RUN_ITALIC));
    bad |= set(o, "underline", json_boolean(r->flags & TCPL_RUN_UNDERLINE));
    bad |= set(o, "font", json_string(r->font));
    bad |= set(o, "size", r->size ? json_real(r->size / 2.0) : json_null());
    static const struct {
        unsigned flag;
        const char *name;
    } extra[] = {{TCPL_RUN_CAPS, "caps"},          {TCPL_RUN_STRIKE, "strike"},
                 {TCPL_RUN_INSERTED, "inserted"},  {TCPL_RUN_LEGACY, "legacy"},
                 {TCPL_RUN_FIELD, "field"},        {TCPL_RUN_SUPERSCRIPT, "superscript"},
                 {TCPL_RUN_SUBSCRIPT, "subscript"}};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (r->flags & extra[i].flag)
            bad |= set(o, extra[i].name, json_true());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *block_json(const tcpl_block *b)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= set(o, "index", json_integer(b->index));
    bad |= set(o, "kind", json_string(kind_names[b->kind]));
    bad |= set(o, "parent", b->parent >= 0 ? json_integer(b->parent) : json_null());
    bad |= set(o, "depth", json_integer(b->depth));
    bad |= set(o, "part", json_string(part_names[b->part]));
    bad |= set(o, "part_name", json_string(b->part_name));
    if (b->table >= 0) {
        bad |= set(o, "table", json_integer(b->table));
        bad |= set(o, "row", json_integer(b->row));
        bad |= set(o, "col", json_integer(b->col));
    }
    switch (b->kind) {
    case TCPL_BLOCK_PARAGRAPH: {
        char suf[2] = {b->label_suffix, 0};
        bad |= set(o, "para_index", json_integer(b->para_index));
        bad |= set(o, "label", json_string(b->label));
        bad |= set(o, "label_suffix", json_string(suf));
        bad |= set(o, "text", json_stringn(b->text, b->text_len));
        bad |= set(o, "style", json_string(b->style_id));
        bad |= set(o, "style_name", json_string(b->style_name));
        bad |= set(o, "outline_level",
                   b->outline_level >= 0 ? json_integer(b->outline_level) : json_null());
        bad |= set(o, "num_id", b->num_id >= 0 ? json_integer(b->num_id) : json_null());
        bad |= set(o, "ilvl", b->num_id >= 0 ? json_integer(b->ilvl) : json_null());
        bad |= set(o, "align", json_string(align_names[b->align]));
        json_t *runs = json_array();
        for (size_t i = 0; runs && i < b->run_count; i++) {
            json_t *r = run_json(b, &b->runs[i]);
            if (!r || json_array_append_new(runs, r) < 0) {
                bad = 1;
                break;
            }
        }
        bad |= set(o, "runs", runs);
        break;
    }
    case TCPL_BLOCK_TABLE:
        bad |= set(o, "rows", json_integer(b->rows));
        bad |= set(o, "cols", json_integer(b->cols));
        break;
    case TCPL_BLOCK_CELL:
        bad |= set(o, "grid_span", json_integer(b->grid_span));
        bad |= set(o, "vmerge", json_string(vmerge_names[b->vmerge]));
        break;
    case TCPL_BLOCK_NOTE:
        bad |= set(o, "note_id", json_integer(b->note_id));
        break;
    default:
        break;
    }
    if (b->kind != TCPL_BLOCK_PARAGRAPH)
        bad |= set(o, "children", json_integer(b->child_count));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int tcpl_doc_json(char **out, size_t *len, const tcpl_doc *doc, unsigned options, tcpl_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    json_t *root = json_object();
    json_t *blocks = json_array();
    json_t *sections = json_array();
    int bad = !root || !blocks || !sections;
    if (!bad) {
        bad |= set(root, "file", lossy_string(tcpl_doc_path(doc)));
        bad |= json_object_set(root, "blocks", blocks);
        bad |= json_object_set(root, "sections", sections);
    }
    for (size_t i = 0; !bad && i < tcpl_doc_block_count(doc); i++) {
        json_t *b = block_json(tcpl_doc_block(doc, i));
        bad |= !b || json_array_append_new(blocks, b) < 0;
    }
    for (size_t i = 0; !bad && i < tcpl_doc_section_count(doc); i++) {
        const tcpl_section *s = tcpl_doc_section(doc, i);
        json_t *o = json_pack(
            "{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:b,s:i}", "page_width", s->page_width, "page_height",
            s->page_height, "margin_top", s->margin_top, "margin_bottom", s->margin_bottom,
            "margin_left", s->margin_left, "margin_right", s->margin_right, "header", s->header,
            "footer", s->footer, "landscape", s->landscape, "last_block", s->last_block);
        bad |= !o || json_array_append_new(sections, o) < 0;
    }
    char *s = NULL;
    if (!bad) {
        size_t flags = JSON_PRESERVE_ORDER;
        flags |= options & TCPL_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
        s = json_dumps(root, flags);
    }
    json_decref(blocks);
    json_decref(sections);
    json_decref(root);
    if (!s)
        return TCPL_NOMEM(err, tcpl_doc_path(doc));
    /* Hand back memory the caller frees with free(), with a final newline. */
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, s);
    tcpl_buf_putc(&b, '\n');
    free(s);
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, tcpl_doc_path(doc));
}
