/* Findings as Word comments (tcpl/annotate.h, docs/annotate.md).
 *
 * The main part is read as a libxml2 tree (the safe parser of
 * ooxml/writer.h), its paragraphs numbered the way the reader numbers them
 * (ooxml/docx.c: tcpl_block.para_index), the comments of an earlier
 * annotation removed, one comment range per finding added around the
 * paragraph of its block, and the four parts written back into a copy of the
 * package whose other entries are copied still compressed. */
#include "tcpl/annotate.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "annotate/annotate_limits.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "tcpl/io.h"
#include "ooxml/nfc.h"
#include "ooxml/pkg.h"
#include "ooxml/writer.h"
#include "ooxml/xml.h"

/* The main part read as a tree costs about ten times its size in memory;
 * a 300-page plan's document.xml is a few MB.  Above this the annotation is
 * refused (err.annotate_too_big) rather than building a tree of gigabytes. */
#define ANNOTATE_MAX_PART_BYTES ((size_t)64 << 20)
/* Comments one file may end up with (its own plus the findings): the
 * checker gives tens to a few hundred findings; Word slows to a crawl far
 * below this. */
#define ANNOTATE_MAX_COMMENTS 20000
/* How far past a table, row or cell block to look for its first paragraph
 * (table, row, cell, paragraph: 3 steps; nested tables a few more). */
#define ANNOTATE_FIRST_PARA_STEPS 64

#define CT_COMMENTS "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"

typedef struct ann {
    const char *file;
    tcpl_error *err;
    const char *wns; /* the main part's WordprocessingML namespace (Transitional or Strict) */
    /* Paragraphs of the body in the reader's order: xmlNodePtr. */
    tcpl_vec paras;
    int carry;          /* a paragraph whose mark is deleted waits to be joined */
    xmlNodePtr carry_p; /* that paragraph */
    /* Ids of the earlier annotation's comments (sorted ints). */
    tcpl_vec gone;
    long max_id;
    /* paraIds (w14:paraId, hex) of the removed comments' paragraphs, and
     * the durableIds commentsIds.xml gave them: their entries in the
     * comments' extension parts go too (sorted uint32). */
    tcpl_vec gone_para;
    tcpl_vec gone_durable;
    size_t max_part;     /* ANNOTATE_MAX_PART_BYTES, or lower (annotate_limits.h) */
    size_t max_comments; /* ANNOTATE_MAX_COMMENTS, or lower */
} ann;

static int is_w(const ann *a, xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, a->wns) && !strcmp((const char *)n->name, local);
}

static int is_mc(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, TCPL_NS_MC) &&
           (!local || !strcmp((const char *)n->name, local));
}

/* An attribute of the w namespace (w:id, w:author). */
static const char *wattr(const ann *a, xmlNodePtr n, const char *local)
{
    for (xmlAttrPtr p = n->properties; p; p = p->next)
        if (p->ns && p->ns->href && !strcmp((const char *)p->ns->href, a->wns) &&
            !strcmp((const char *)p->name, local) && p->children &&
            p->children->type == XML_TEXT_NODE)
            return (const char *)p->children->content;
    return NULL;
}

static const char *plain_attr(xmlNodePtr n, const char *local)
{
    for (xmlAttrPtr p = n->properties; p; p = p->next)
        if (!p->ns && !strcmp((const char *)p->name, local) && p->children &&
            p->children->type == XML_TEXT_NODE)
            return (const char *)p->children->content;
    return NULL;
}

static int nomem(ann *a)
{
    return TCPL_NOMEM(a->err, a->file);
}

/* ---- numbering paragraphs as the reader does -------------------------------- */

/* The same list as the reader's understood() (ooxml/docx.c): an mc:Choice
 * is read when every prefix it requires is one of these. */
static int understood(const char *req)
{
    static const char *const known[] = {"a",     "a14", "m",    "o",   "pic", "v",
                                        "w",     "w10", "w14",  "w15", "w16", "w16cid",
                                        "w16se", "wp",  "wp14", "wpc", "wpg", "wps"};
    if (!req)
        return 0;
    int any = 0;
    const char *p = req;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r')
            n++;
        if (!n)
            break;
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof *known && !ok; i++)
            ok = strlen(known[i]) == n && !memcmp(known[i], p, n);
        if (!ok)
            return 0;
        any = 1;
        p += n;
    }
    return any;
}

/* The branch of an mc:AlternateContent the reader reads, or NULL. */
static xmlNodePtr mc_pick(xmlNodePtr alt)
{
    xmlNodePtr fallback = NULL;
    int choice_seen = 0;
    for (xmlNodePtr k = alt->children; k; k = k->next) {
        if (is_mc(k, "Choice") && !choice_seen) {
            if (understood(plain_attr(k, "Requires")))
                return k;
        } else if (is_mc(k, "Fallback") && !fallback) {
            fallback = k;
        }
    }
    return fallback;
}

static int walk_block(ann *a, xmlNodePtr container, int flush, int depth);

static int flush_carry(ann *a)
{
    if (!a->carry)
        return 0;
    a->carry = 0;
    xmlNodePtr *slot = tcpl_vec_push(&a->paras);
    if (!slot)
        return nomem(a);
    *slot = a->carry_p;
    return 0;
}

/* Text boxes inside a paragraph (w:txbxContent under its runs): read as
 * blocks right after it, as the reader does.  *found counts them. */
static int walk_inline(ann *a, xmlNodePtr n, int *found, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH)
        return 0;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_mc(k, "AlternateContent")) {
            xmlNodePtr pick = mc_pick(k);
            if (pick) {
                int rc = walk_inline(a, pick, found, depth + 1);
                if (rc < 0)
                    return rc;
            }
            continue;
        }
        if (is_w(a, k, "del") || is_w(a, k, "moveFrom") || is_w(a, k, "pPr"))
            continue;
        if (is_w(a, k, "txbxContent")) {
            if (!k->children)
                continue;
            (*found)++;
            int rc = walk_block(a, k, 1, depth + 1);
            if (rc < 0)
                return rc;
            continue;
        }
        int rc = walk_inline(a, k, found, depth + 1);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* pPr/rPr/del (a deleted paragraph mark) or a drop cap: the reader joins
 * the paragraph to the next one. */
static int joins_next(ann *a, xmlNodePtr p)
{
    for (xmlNodePtr k = p->children; k; k = k->next) {
        if (!is_w(a, k, "pPr"))
            continue;
        for (xmlNodePtr q = k->children; q; q = q->next) {
            if (is_w(a, q, "rPr")) {
                for (xmlNodePtr r = q->children; r; r = r->next)
                    if (is_w(a, r, "del"))
                        return 1;
            } else if (is_w(a, q, "framePr")) {
                const char *v = wattr(a, q, "dropCap");
                if (v && (!strcmp(v, "drop") || !strcmp(v, "margin")))
                    return 1;
            }
        }
        return 0;
    }
    return 0;
}

static int walk_para(ann *a, xmlNodePtr p, int depth)
{
    size_t at = a->paras.len;
    xmlNodePtr *slot = tcpl_vec_push(&a->paras);
    if (!slot)
        return nomem(a);
    *slot = p;
    a->carry = 0; /* this paragraph takes over a carried one */
    int boxes = 0;
    int rc = walk_inline(a, p, &boxes, depth + 1);
    if (rc < 0)
        return rc;
    if (!boxes && joins_next(a, p) && a->paras.len == at + 1) {
        a->paras.len = at; /* joined to the next paragraph */
        a->carry = 1;
        a->carry_p = p;
    }
    return 0;
}

static int walk_table(ann *a, xmlNodePtr t, int depth);

static int walk_row(ann *a, xmlNodePtr r, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH)
        return 0;
    for (xmlNodePtr k = r->children; k; k = k->next) {
        int rc = 0;
        if (is_w(a, k, "tc"))
            rc = walk_block(a, k, 1, depth + 1);
        else if (is_w(a, k, "sdt") || is_w(a, k, "customXml") || is_w(a, k, "sdtContent") ||
                 is_w(a, k, "ins"))
            rc = walk_row(a, k, depth + 1);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int walk_table(ann *a, xmlNodePtr t, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH)
        return 0;
    for (xmlNodePtr k = t->children; k; k = k->next) {
        int rc = 0;
        if (is_w(a, k, "tr"))
            rc = walk_row(a, k, depth + 1);
        else if (is_w(a, k, "sdt") || is_w(a, k, "customXml") || is_w(a, k, "sdtContent"))
            rc = walk_table(a, k, depth + 1);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Block content (body, cell, text box); transparent wrappers (sdt,
 * customXml, ins, moveTo, an mc branch) are read as the container's own,
 * without the flush that ends a container. */
static int walk_block(ann *a, xmlNodePtr c, int flush, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH)
        return 0;
    for (xmlNodePtr k = c->children; k; k = k->next) {
        int rc = 0;
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_mc(k, "AlternateContent")) {
            xmlNodePtr pick = mc_pick(k);
            if (pick)
                rc = walk_block(a, pick, 0, depth + 1);
        } else if (is_w(a, k, "p")) {
            rc = walk_para(a, k, depth + 1);
        } else if (is_w(a, k, "tbl")) {
            rc = flush_carry(a);
            if (rc == 0)
                rc = walk_table(a, k, depth + 1);
        } else if (is_w(a, k, "sectPr")) {
            rc = flush_carry(a);
        } else if (is_w(a, k, "sdt") || is_w(a, k, "sdtContent") || is_w(a, k, "customXml") ||
                   is_w(a, k, "ins") || is_w(a, k, "moveTo")) {
            rc = walk_block(a, k, 0, depth + 1);
        }
        if (rc < 0)
            return rc;
    }
    return flush ? flush_carry(a) : 0;
}

/* ---- removing an earlier annotation ----------------------------------------- */

static int cmp_long(const void *x, const void *y)
{
    long p = *(const long *)x, q = *(const long *)y;
    return p < q ? -1 : p > q;
}

static int parse_id(const char *s, long *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 2000000000L)
        return 0;
    *out = v;
    return 1;
}

static int gone(const ann *a, xmlNodePtr n)
{
    long id;
    if (!a->gone.len || !parse_id(wattr(a, n, "id"), &id))
        return 0;
    return bsearch(&id, a->gone.data, a->gone.len, sizeof id, cmp_long) != NULL;
}

/* Only a run's properties left: the run held nothing but the reference. */
static int run_is_empty(const ann *a, xmlNodePtr r)
{
    for (xmlNodePtr k = r->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && !is_w(a, k, "rPr"))
            return 0;
    return 1;
}

/* Removes the anchors of the removed comments, notes the highest comment
 * id still used.  Iterative: the tree's depth is libxml2's to bound. */
static void strip_anchors(ann *a, xmlNodePtr root)
{
    xmlNodePtr n = root->children;
    while (n) {
        xmlNodePtr next = NULL;
        int anchor = n->type == XML_ELEMENT_NODE &&
                     (is_w(a, n, "commentRangeStart") || is_w(a, n, "commentRangeEnd") ||
                      is_w(a, n, "commentReference"));
        if (anchor) {
            long id;
            if (gone(a, n)) {
                xmlNodePtr parent = n->parent;
                /* the next node in document order, skipping n's subtree */
                for (xmlNodePtr m = n; m && m != root && !next; m = m->parent)
                    next = m->next;
                xmlUnlinkNode(n);
                xmlFreeNode(n);
                if (is_w(a, parent, "r") && run_is_empty(a, parent)) {
                    if (next == NULL || next->parent == parent) {
                        next = NULL;
                        for (xmlNodePtr m = parent; m && m != root && !next; m = m->parent)
                            next = m->next;
                    }
                    xmlUnlinkNode(parent);
                    xmlFreeNode(parent);
                }
                n = next;
                continue;
            }
            if (parse_id(wattr(a, n, "id"), &id) && id > a->max_id)
                a->max_id = id;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        n = (n && n != root) ? n->next : NULL;
    }
}

/* ---- building the comments ---------------------------------------------------- */

/* A decimal attribute value. */
static int set_id(xmlNodePtr n, xmlNsPtr ns, long id)
{
    char v[24];
    snprintf(v, sizeof v, "%ld", id);
    return xmlNewNsProp(n, ns, (const xmlChar *)"id", (const xmlChar *)v) ? 0 : -1;
}

/* Text as XML 1.0 allows it: control characters other than tab and line
 * breaks become spaces (libxml2 escapes & < > itself). */
static char *xml_safe(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)s[i];
        o[i] = (c && c < 0x20 && c != '\t' && c != '\n' && c != '\r') ? ' ' : (char)c;
    }
    return o;
}

/* <w:p><w:r>[<w:annotationRef/>]</w:r><w:r><w:t xml:space="preserve">TEXT</w:t></w:r></w:p> */
static int comment_para(xmlNodePtr comment, xmlNsPtr ns, const char *label, const char *text,
                        int first)
{
    xmlDocPtr d = comment->doc;
    xmlNodePtr p = xmlNewDocNode(d, ns, (const xmlChar *)"p", NULL);
    if (!p)
        return -1;
    xmlAddChild(comment, p);
    if (first) {
        xmlNodePtr r = xmlNewChild(p, ns, (const xmlChar *)"r", NULL);
        if (!r || !xmlNewChild(r, ns, (const xmlChar *)"annotationRef", NULL))
            return -1;
    }
    tcpl_buf b;
    tcpl_buf_init(&b);
    if (label && tcpl_buf_printf(&b, "%s: ", label) < 0) {
        tcpl_buf_free(&b);
        return -1;
    }
    if (tcpl_buf_puts(&b, text) < 0 || tcpl_buf_putc(&b, 0) < 0) {
        tcpl_buf_free(&b);
        return -1;
    }
    char *safe = xml_safe(b.data);
    tcpl_buf_free(&b);
    if (!safe)
        return -1;
    xmlNodePtr r = xmlNewChild(p, ns, (const xmlChar *)"r", NULL);
    xmlNodePtr t = r ? xmlNewDocNode(d, ns, (const xmlChar *)"t", NULL) : NULL;
    xmlNodePtr tx = t ? xmlNewDocText(d, (const xmlChar *)safe) : NULL;
    free(safe);
    if (!tx) {
        xmlFreeNode(t);
        return -1;
    }
    xmlAddChild(t, tx);
    xmlAddChild(r, t);
    return xmlSetProp(t, (const xmlChar *)"xml:space", (const xmlChar *)"preserve") ? 0 : -1;
}

static int add_comment(xmlNodePtr comments, xmlNsPtr ns, long id, const tcpl_finding *g,
                       const tcpl_ctx *ctx, const char *date)
{
    xmlNodePtr c = xmlNewDocNode(comments->doc, ns, (const xmlChar *)"comment", NULL);
    if (!c)
        return -1;
    xmlAddChild(comments, c);
    if (set_id(c, ns, id) < 0 ||
        !xmlNewNsProp(c, ns, (const xmlChar *)"author", (const xmlChar *)TCPL_ANNOTATE_AUTHOR) ||
        (date && !xmlNewNsProp(c, ns, (const xmlChar *)"date", (const xmlChar *)date)) ||
        !xmlNewNsProp(c, ns, (const xmlChar *)"initials", (const xmlChar *)"TCPL"))
        return -1;
    if (comment_para(c, ns, NULL, g->message ? g->message : "", 1) < 0)
        return -1;
    if (g->basis && g->basis[0] &&
        comment_para(c, ns, tcpl_msg(ctx, "annotate.basis"), g->basis, 0) < 0)
        return -1;
    if (g->fix && g->fix[0] && comment_para(c, ns, tcpl_msg(ctx, "annotate.fix"), g->fix, 0) < 0)
        return -1;
    return 0;
}

/* commentRangeStart after the paragraph's properties, commentRangeEnd and
 * the reference run at its end. */
static int anchor(xmlNodePtr p, xmlNsPtr ns, const ann *a, long id)
{
    xmlNodePtr s = xmlNewDocNode(p->doc, ns, (const xmlChar *)"commentRangeStart", NULL);
    if (!s)
        return -1;
    if (set_id(s, ns, id) < 0) {
        xmlFreeNode(s);
        return -1;
    }
    xmlNodePtr first = p->children;
    while (first && first->type != XML_ELEMENT_NODE)
        first = first->next;
    if (first && is_w(a, first, "pPr")) {
        xmlAddNextSibling(first, s);
    } else if (p->children) {
        xmlAddPrevSibling(p->children, s);
    } else {
        xmlAddChild(p, s);
    }
    xmlNodePtr e = xmlNewChild(p, ns, (const xmlChar *)"commentRangeEnd", NULL);
    if (!e || set_id(e, ns, id) < 0)
        return -1;
    xmlNodePtr r = xmlNewChild(p, ns, (const xmlChar *)"r", NULL);
    xmlNodePtr ref = r ? xmlNewChild(r, ns, (const xmlChar *)"commentReference", NULL) : NULL;
    if (!ref || set_id(ref, ns, id) < 0)
        return -1;
    return 0;
}

/* ---- which paragraph ------------------------------------------------------------ */

/* The body paragraph (its para_index) a block stands for, or -1 for the
 * title.  A table, row or cell: its first paragraph; a paragraph of a
 * note: the body paragraph referring to the note; headers and footers:
 * the title. */
static int para_of(const tcpl_doc *doc, int block)
{
    size_t nb = tcpl_doc_block_count(doc);
    if (block < 0 || (size_t)block >= nb)
        return -1;
    const tcpl_block *b = tcpl_doc_block(doc, (size_t)block);
    if (b->part == TCPL_PART_FOOTNOTES || b->part == TCPL_PART_ENDNOTES) {
        const tcpl_block *note = b;
        for (int up = 0; note && note->kind != TCPL_BLOCK_NOTE && note->parent >= 0 && up < 64;
             up++)
            note = tcpl_doc_block(doc, (size_t)note->parent);
        if (!note || note->kind != TCPL_BLOCK_NOTE)
            return -1;
        for (size_t i = 0; i < nb; i++) {
            const tcpl_block *q = tcpl_doc_block(doc, i);
            if (q->part != TCPL_PART_BODY || q->kind != TCPL_BLOCK_PARAGRAPH)
                continue;
            for (size_t k = 0; k < q->note_ref_count; k++)
                if (q->note_refs[k].part == b->part && q->note_refs[k].note_id == note->note_id)
                    return q->para_index;
        }
        return -1;
    }
    if (b->part != TCPL_PART_BODY)
        return -1;
    if (b->kind == TCPL_BLOCK_PARAGRAPH)
        return b->para_index;
    /* The first paragraph with text, as the finding's excerpt shows it
     * (rules/findings.c), else the first paragraph. */
    int first = -1;
    for (size_t i = (size_t)block; i < nb && i <= (size_t)block + ANNOTATE_FIRST_PARA_STEPS; i++) {
        const tcpl_block *q = tcpl_doc_block(doc, i);
        if (q->part != TCPL_PART_BODY)
            break;
        if (q->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        if (q->text_len)
            return q->para_index;
        if (first < 0)
            first = q->para_index;
    }
    return first;
}

/* The title paragraph: the extraction's trích yếu, else the first body
 * paragraph with text, else the first one. */
static int title_para(const tcpl_doc *doc, const tcpl_extraction *x)
{
    const tcpl_xmeta *m = x ? tcpl_extraction_meta(x) : NULL;
    if (m && m->title_block >= 0) {
        int p = para_of(doc, m->title_block);
        if (p >= 0)
            return p;
    }
    int first = -1;
    for (size_t i = 0; i < tcpl_doc_block_count(doc); i++) {
        const tcpl_block *q = tcpl_doc_block(doc, i);
        if (q->part != TCPL_PART_BODY || q->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        if (first < 0)
            first = q->para_index;
        if (q->text_len)
            return q->para_index;
    }
    return first;
}

/* The outermost paragraph holding p: a paragraph of a text box is
 * commented on at the paragraph anchoring the box. */
static xmlNodePtr outer_para(const ann *a, xmlNodePtr p)
{
    xmlNodePtr best = p;
    for (xmlNodePtr n = p->parent; n; n = n->parent)
        if (is_w(a, n, "p"))
            best = n;
    return best;
}

/* ---- checking the paragraph found ------------------------------------------ */

/* Bytes of a paragraph's opening compared with the model's text: enough to
 * tell paragraphs apart, short enough that fields and symbols later in the
 * paragraph do not matter. */
#define ANNOTATE_KEY_BYTES 24
/* How far from the paragraph found by counting a paragraph with the
 * block's text is looked for when the two disagree. */
#define ANNOTATE_SEARCH_PARAS 64

/* Up to max bytes of s with white space left out, whole characters only. */
static size_t key_of(char *out, size_t max, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) { /* no-break space */
            i++;
            continue;
        }
        out[k++] = (char)c;
    }
    while (k && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
        k--;
    if (k && (unsigned char)out[k - 1] >= 0xC0)
        k--;
    out[k] = 0;
    return k;
}

/* The w:t text of a paragraph's own runs (not its text boxes, not deleted
 * text), at most about limit bytes. */
static void xml_text(const ann *a, xmlNodePtr n, tcpl_buf *b, size_t limit, int depth)
{
    if (depth > TCPL_MAX_XML_DEPTH)
        return;
    for (xmlNodePtr k = n->children; k && b->len < limit; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(a, k, "t")) {
            for (xmlNodePtr t = k->children; t; t = t->next)
                if (t->type == XML_TEXT_NODE && t->content)
                    tcpl_buf_puts(b, (const char *)t->content);
        } else if (is_mc(k, "AlternateContent")) {
            xmlNodePtr pick = mc_pick(k);
            if (pick)
                xml_text(a, pick, b, limit, depth + 1);
        } else if (!is_w(a, k, "txbxContent") && !is_w(a, k, "del") && !is_w(a, k, "moveFrom") &&
                   !is_w(a, k, "pPr")) {
            xml_text(a, k, b, limit, depth + 1);
        }
    }
}

/* 1 when the paragraph p opens with the text of block b (or b's text
 * cannot be compared: empty, converted from a legacy font, a field);
 * 0 when it does not; <0 out of memory. */
static int same_para(const ann *a, xmlNodePtr p, const tcpl_block *b)
{
    char want[ANNOTATE_KEY_BYTES + 1];
    size_t n = b->text_len;
    for (size_t r = 0; r < b->run_count; r++) /* compare only up to a converted run */
        if ((b->runs[r].flags & (TCPL_RUN_LEGACY | TCPL_RUN_FIELD)) && b->runs[r].offset < n)
            n = b->runs[r].offset;
    size_t w = key_of(want, ANNOTATE_KEY_BYTES, b->text, n);
    if (w < 4)
        return 1;
    tcpl_buf raw, nfc;
    tcpl_buf_init(&raw);
    tcpl_buf_init(&nfc);
    xml_text(a, p, &raw, 4 * ANNOTATE_KEY_BYTES + 64, 0);
    int rc =
        tcpl_buf_ok(&raw) && tcpl_nfc_append(&nfc, raw.data ? raw.data : "", raw.len) == 0 ? 0 : -1;
    if (rc == 0) {
        char have[ANNOTATE_KEY_BYTES + 1];
        size_t h = key_of(have, ANNOTATE_KEY_BYTES, nfc.data ? nfc.data : "", nfc.len);
        rc = h >= w && !memcmp(have, want, w);
    }
    tcpl_buf_free(&raw);
    tcpl_buf_free(&nfc);
    return rc;
}

/* The paragraph for para_index p: the one counted, checked against the
 * model's text; when they disagree (a construct the count does not know),
 * the nearest paragraph within ANNOTATE_SEARCH_PARAS that opens with the
 * block's text.  *verified: 1 when a paragraph with the text was found. */
static int find_para(const ann *a, int p, const tcpl_block *b, int *verified)
{
    xmlNodePtr *paras = TCPL_VEC_DATA(&a->paras, xmlNodePtr);
    int n = (int)a->paras.len;
    *verified = 0;
    if (!b)
        return p;
    for (int d = 0; d <= ANNOTATE_SEARCH_PARAS; d++) {
        for (int sgn = 0; sgn < (d ? 2 : 1); sgn++) {
            int q = sgn ? p - d : p + d;
            if (q < 0 || q >= n)
                continue;
            int rc = same_para(a, paras[q], b);
            if (rc < 0)
                return rc;
            if (rc) {
                *verified = 1;
                return q;
            }
        }
    }
    return p;
}

/* ---- parts ------------------------------------------------------------------------ */

static int dump(xmlDocPtr d, tcpl_part_data *part, const char *name, char **keep, ann *a)
{
    xmlChar *mem = NULL;
    int n = 0;
    xmlDocDumpMemoryEnc(d, &mem, &n, "UTF-8");
    if (!mem)
        return nomem(a);
    *keep = malloc((size_t)n + 1);
    if (!*keep) {
        xmlFree(mem);
        return nomem(a);
    }
    memcpy(*keep, mem, (size_t)n);
    xmlFree(mem);
    part->name = name;
    part->data = *keep;
    part->len = (size_t)n;
    return 0;
}

static int read_tree(tcpl_pkg *pkg, const char *part, xmlDocPtr *out, ann *a)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = tcpl_pkg_read(pkg, part, &data, &len, a->err);
    if (rc < 0)
        return rc;
    if (len > a->max_part) {
        free(data);
        return tcpl_err(a->err, TCPL_ERR_LIMIT, "err.annotate_too_big", a->file, part,
                        "%zu KB > %zu KB", len >> 10, a->max_part >> 10);
    }
    void *dv = NULL;
    rc = tcpl_xml_dom_read(&dv, data, len, a->file, part, a->err);
    free(data);
    *out = dv;
    return rc;
}

/* "word/document.xml" -> "word/" + leaf, or "_rels/" for the rels part. */
static int sibling(char *out, size_t size, const char *part, const char *mid, const char *leaf)
{
    const char *slash = strrchr(part, '/');
    size_t dir = slash ? (size_t)(slash - part + 1) : 0;
    int n = snprintf(out, size, "%.*s%s%s", (int)dir, part, mid, leaf);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* A Relationship to the comments part in the main part's .rels (made when
 * there is none), with an id no other relationship has. */
static int add_rel(xmlDocPtr *rels, const char *target, int strict, ann *a)
{
    static const char *const RELS_NS =
        "http://schemas.openxmlformats.org/package/2006/relationships";
    if (!*rels) {
        *rels = xmlNewDoc((const xmlChar *)"1.0");
        xmlNodePtr root =
            *rels ? xmlNewDocNode(*rels, NULL, (const xmlChar *)"Relationships", NULL) : NULL;
        if (!root)
            return nomem(a);
        xmlDocSetRootElement(*rels, root);
        if (!xmlNewNs(root, (const xmlChar *)RELS_NS, NULL))
            return nomem(a);
        xmlSetNs(root, root->nsDef);
    }
    xmlNodePtr root = xmlDocGetRootElement(*rels);
    char id[40];
    for (unsigned k = 1;; k++) {
        snprintf(id, sizeof id, "rIdTcpl%u", k);
        int used = 0;
        for (xmlNodePtr n = root->children; n && !used; n = n->next) {
            const char *v = n->type == XML_ELEMENT_NODE ? plain_attr(n, "Id") : NULL;
            used = v && !strcmp(v, id);
        }
        if (!used)
            break;
    }
    char type[200];
    snprintf(type, sizeof type, "%scomments", strict ? TCPL_REL_STRICT : TCPL_REL_TRANSITIONAL);
    xmlNodePtr r = xmlNewDocNode(*rels, root->ns, (const xmlChar *)"Relationship", NULL);
    if (!r)
        return nomem(a);
    xmlAddChild(root, r);
    if (!xmlNewProp(r, (const xmlChar *)"Id", (const xmlChar *)id) ||
        !xmlNewProp(r, (const xmlChar *)"Type", (const xmlChar *)type) ||
        !xmlNewProp(r, (const xmlChar *)"Target", (const xmlChar *)target))
        return nomem(a);
    return 0;
}

/* An Override for the comments part in [Content_Types].xml unless one is
 * there.  1 when it was added. */
static int add_override(xmlDocPtr ct, const char *part, ann *a)
{
    xmlNodePtr root = xmlDocGetRootElement(ct);
    for (xmlNodePtr n = root->children; n; n = n->next) {
        const char *v = n->type == XML_ELEMENT_NODE ? plain_attr(n, "PartName") : NULL;
        if (v && v[0] == '/' && !strcasecmp(v + 1, part))
            return 0;
    }
    char name[1100];
    snprintf(name, sizeof name, "/%s", part);
    xmlNodePtr o = xmlNewDocNode(ct, root->ns, (const xmlChar *)"Override", NULL);
    if (!o)
        return nomem(a);
    xmlAddChild(root, o);
    if (!xmlNewProp(o, (const xmlChar *)"PartName", (const xmlChar *)name) ||
        !xmlNewProp(o, (const xmlChar *)"ContentType", (const xmlChar *)CT_COMMENTS))
        return nomem(a);
    return 1;
}

/* ---- the comments' extension parts (Word 2013+) ----------------------------------- */

/* Word keeps, beside comments.xml, one entry per comment in
 * commentsExtended.xml (w15:commentEx, keyed by the w14:paraId of the
 * comment's last paragraph: done flag, parent of a reply),
 * commentsIds.xml (w16cid:commentId: paraId -> durableId) and
 * commentsExtensible.xml (w16cex:commentExtensible, keyed by durableId).
 * The entries of the tcpl comments removed go with them; a reply whose
 * parent was removed loses its paraIdParent (it stands alone). */
enum { EXT_EXTENDED, EXT_IDS, EXT_EXTENSIBLE, EXT_KINDS };
static const char *const EXT_REL[EXT_KINDS] = {"/commentsExtended", "/commentsIds",
                                               "/commentsExtensible"};

/* An attribute by local name, whatever its namespace (w15:, w16cid:, w14:). */
static xmlAttrPtr any_attr(xmlNodePtr n, const char *local)
{
    for (xmlAttrPtr p = n->properties; p; p = p->next)
        if (!strcmp((const char *)p->name, local))
            return p;
    return NULL;
}

/* A paraId or durableId: up to 8 hex digits.  0 and *out, or -1. */
static int hex_id(xmlAttrPtr p, uint32_t *out)
{
    if (!p || !p->children || p->children->type != XML_TEXT_NODE || !p->children->content)
        return -1;
    const char *s = (const char *)p->children->content;
    size_t n = strlen(s);
    if (n == 0 || n > 8)
        return -1;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int c = s[i], d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static int in_set(const tcpl_vec *v, uint32_t id)
{
    return v->len && bsearch(&id, v->data, v->len, sizeof(uint32_t), cmp_u32) != NULL;
}

static int push_u32(ann *a, tcpl_vec *v, uint32_t id)
{
    uint32_t *slot = tcpl_vec_push(v);
    if (!slot)
        return nomem(a);
    *slot = id;
    return 0;
}

/* The paraIds of a removed comment's paragraphs (iterative: the comment
 * came from the parser, whose depth is bounded, but no recursion needed). */
static int collect_para_ids(ann *a, xmlNodePtr comment)
{
    xmlNodePtr n = comment->children;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            uint32_t id;
            if (hex_id(any_attr(n, "paraId"), &id) == 0) {
                int rc = push_u32(a, &a->gone_para, id);
                if (rc < 0)
                    return rc;
            }
            if (n->children) {
                n = n->children;
                continue;
            }
        }
        while (!n->next) {
            n = n->parent;
            if (n == comment)
                return 0;
        }
        n = n->next;
    }
    return 0;
}

/* Drops from one extension part the entries of the removed comments.
 * *changed: 1 when anything went. */
static int prune_ext(ann *a, xmlDocPtr d, int kind, int *changed)
{
    *changed = 0;
    xmlNodePtr root = xmlDocGetRootElement(d);
    for (xmlNodePtr k = root ? root->children : NULL, next; k; k = next) {
        next = k->next;
        if (k->type != XML_ELEMENT_NODE)
            continue;
        uint32_t id;
        int drop = 0;
        if (kind == EXT_EXTENSIBLE)
            drop = hex_id(any_attr(k, "durableId"), &id) == 0 && in_set(&a->gone_durable, id);
        else
            drop = hex_id(any_attr(k, "paraId"), &id) == 0 && in_set(&a->gone_para, id);
        if (drop && kind == EXT_IDS && hex_id(any_attr(k, "durableId"), &id) == 0) {
            int rc = push_u32(a, &a->gone_durable, id);
            if (rc < 0)
                return rc;
        }
        if (drop) {
            xmlUnlinkNode(k);
            xmlFreeNode(k);
            *changed = 1;
            continue;
        }
        xmlAttrPtr parent = kind == EXT_EXTENDED ? any_attr(k, "paraIdParent") : NULL;
        if (parent && hex_id(parent, &id) == 0 && in_set(&a->gone_para, id)) {
            xmlRemoveProp(parent);
            *changed = 1;
        }
    }
    if (kind == EXT_IDS && a->gone_durable.len)
        qsort(a->gone_durable.data, a->gone_durable.len, sizeof(uint32_t), cmp_u32);
    return 0;
}

int tcpl_annotate(void **out, size_t *outlen, const tcpl_ctx *ctx, const void *docx, size_t len,
                  const char *name, const tcpl_doc *doc, const tcpl_extraction *x,
                  const tcpl_findings *findings, const tcpl_annotate_options *opts,
                  tcpl_annotate_stats *stats, tcpl_error *err)
{
    return annotate_limited(out, outlen, ctx, docx, len, name, doc, x, findings, opts, stats, 0, 0,
                            err);
}

int annotate_limited(void **out, size_t *outlen, const tcpl_ctx *ctx, const void *docx, size_t len,
                     const char *name, const tcpl_doc *doc, const tcpl_extraction *x,
                     const tcpl_findings *findings, const tcpl_annotate_options *opts,
                     tcpl_annotate_stats *stats, size_t max_comments, size_t max_part_bytes,
                     tcpl_error *err)
{
    *out = NULL;
    *outlen = 0;
    if (!name)
        name = "";
    tcpl_annotate_stats st;
    memset(&st, 0, sizeof st);
    ann a;
    memset(&a, 0, sizeof a);
    a.file = name;
    a.err = err;
    a.max_comments =
        max_comments && max_comments < ANNOTATE_MAX_COMMENTS ? max_comments : ANNOTATE_MAX_COMMENTS;
    a.max_part = max_part_bytes && max_part_bytes < ANNOTATE_MAX_PART_BYTES
                     ? max_part_bytes
                     : ANNOTATE_MAX_PART_BYTES;
    tcpl_vec_init(&a.paras, sizeof(xmlNodePtr));
    tcpl_vec_init(&a.gone, sizeof(long));
    tcpl_vec_init(&a.gone_para, sizeof(uint32_t));
    tcpl_vec_init(&a.gone_durable, sizeof(uint32_t));
    tcpl_vec byindex; /* const tcpl_block * by para_index */
    tcpl_vec_init(&byindex, sizeof(const tcpl_block *));
    tcpl_pkg *pkg = NULL;
    xmlDocPtr d = NULL, cm = NULL, rels = NULL, ct = NULL;
    enum { MAX_PARTS = 4 + EXT_KINDS };
    char *bufs[MAX_PARTS] = {NULL};
    tcpl_part_data parts[MAX_PARTS];
    xmlDocPtr ext = NULL;
    size_t nparts = 0;
    char cpart[1024], rpart[1024];
    int rc = tcpl_pkg_open_memory(&pkg, docx, len, name, err);
    if (rc < 0)
        goto out;
    const char *main = tcpl_pkg_main_part(pkg);
    int strict = tcpl_pkg_strict(pkg);
    TCPL_CHECK(read_tree(pkg, main, &d, &a));
    xmlNodePtr root = xmlDocGetRootElement(d);
    if (!root->ns || !root->ns->href) {
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.no_body", name, main, NULL);
        goto out;
    }
    a.wns = (const char *)root->ns->href;
    xmlNsPtr ns = root->ns;
    xmlNodePtr body = NULL;
    for (xmlNodePtr k = root->children; k && !body; k = k->next)
        if (is_w(&a, k, "body"))
            body = k;
    if (!body) {
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.no_body", name, main, "%s", a.wns);
        goto out;
    }

    /* The comments part: the one the main part names, else a new one. */
    const tcpl_rel *rl = NULL;
    size_t nrl = 0;
    TCPL_CHECK(tcpl_pkg_rels(pkg, main, &rl, &nrl, err));
    const tcpl_rel *crel = tcpl_pkg_rel_by_type(rl, nrl, "/comments");
    if (crel && crel->external)
        crel = NULL;
    int have_comments = crel && tcpl_pkg_has(pkg, crel->target);
    if (have_comments) {
        snprintf(cpart, sizeof cpart, "%s", crel->target);
        TCPL_CHECK(read_tree(pkg, cpart, &cm, &a));
    } else {
        if (sibling(cpart, sizeof cpart, main, "", "comments.xml") < 0 || tcpl_pkg_has(pkg, cpart))
            if (sibling(cpart, sizeof cpart, main, "", "commentsTcpl.xml") < 0) {
                rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.annotate_too_big", name, main, "name");
                goto out;
            }
        cm = xmlNewDoc((const xmlChar *)"1.0");
        xmlNodePtr croot = cm ? xmlNewDocNode(cm, NULL, (const xmlChar *)"comments", NULL) : NULL;
        if (!croot) {
            rc = nomem(&a);
            goto out;
        }
        xmlDocSetRootElement(cm, croot);
        xmlNsPtr cns = xmlNewNs(croot, (const xmlChar *)a.wns, (const xmlChar *)"w");
        if (!cns) {
            rc = nomem(&a);
            goto out;
        }
        xmlSetNs(croot, cns);
    }
    xmlNodePtr croot = xmlDocGetRootElement(cm);
    xmlNsPtr cns = xmlSearchNsByHref(cm, croot, (const xmlChar *)a.wns);
    if (!cns) {
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", name, cpart,
                      "no WordprocessingML namespace");
        goto out;
    }

    /* Earlier annotation out, the rest counted. */
    size_t total = 0;
    for (xmlNodePtr k = croot->children, next; k; k = next) {
        next = k->next;
        if (!is_w(&a, k, "comment"))
            continue;
        long id = -1;
        int has_id = parse_id(wattr(&a, k, "id"), &id);
        const char *author = wattr(&a, k, "author");
        if (author && !strcmp(author, TCPL_ANNOTATE_AUTHOR)) {
            if (has_id) {
                long *g = tcpl_vec_push(&a.gone);
                if (!g) {
                    rc = nomem(&a);
                    goto out;
                }
                *g = id;
            }
            TCPL_CHECK(collect_para_ids(&a, k));
            xmlUnlinkNode(k);
            xmlFreeNode(k);
            st.removed++;
            continue;
        }
        st.kept++;
        if (has_id && id > a.max_id)
            a.max_id = id;
    }
    total = st.kept + tcpl_findings_count(findings);
    if (total > a.max_comments) {
        rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.annotate_comments", name, cpart, "%zu > %zu", total,
                      a.max_comments);
        goto out;
    }
    if (a.gone.len)
        qsort(a.gone.data, a.gone.len, sizeof(long), cmp_long);
    if (a.gone_para.len)
        qsort(a.gone_para.data, a.gone_para.len, sizeof(uint32_t), cmp_u32);
    strip_anchors(&a, root);

    /* The body's paragraphs in the reader's order. */
    TCPL_CHECK(walk_block(&a, body, 1, 0));
    /* The model's body paragraphs by para_index. */
    size_t model_paras = 0;
    for (size_t i = 0; i < tcpl_doc_block_count(doc); i++) {
        const tcpl_block *q = tcpl_doc_block(doc, i);
        if (q->part != TCPL_PART_BODY || q->kind != TCPL_BLOCK_PARAGRAPH || q->para_index < 0)
            continue;
        model_paras++;
        while (byindex.len <= (size_t)q->para_index) {
            const tcpl_block **slot = tcpl_vec_push(&byindex);
            if (!slot) {
                rc = nomem(&a);
                goto out;
            }
            *slot = NULL;
        }
        TCPL_VEC_AT(&byindex, const tcpl_block *, q->para_index) = q;
    }
    st.mapped = model_paras == a.paras.len;
    xmlNodePtr *paras = TCPL_VEC_DATA(&a.paras, xmlNodePtr);
    int title = title_para(doc, x);
    long id = a.max_id + 1;
    for (size_t i = 0; i < tcpl_findings_count(findings); i++) {
        const tcpl_finding *g = tcpl_findings_get(findings, i);
        int p = para_of(doc, g->block);
        if (p < 0 || (size_t)p >= a.paras.len) {
            p = title;
            st.on_title++;
        }
        if (p < 0 || (size_t)p >= a.paras.len) {
            p = a.paras.len ? 0 : -1;
        }
        if (p < 0)
            continue; /* a body without paragraphs: nowhere to anchor */
        int verified = 0;
        const tcpl_block *pb =
            (size_t)p < byindex.len ? TCPL_VEC_AT(&byindex, const tcpl_block *, p) : NULL;
        TCPL_CHECK(find_para(&a, p, pb, &verified));
        p = rc;
        rc = 0;
        if (!verified)
            st.unverified++;
        if (add_comment(croot, cns, id, g, ctx, opts ? opts->date : NULL) < 0 ||
            anchor(outer_para(&a, paras[p]), ns, &a, id) < 0) {
            rc = nomem(&a);
            goto out;
        }
        id++;
        st.added++;
    }

    TCPL_CHECK(dump(d, &parts[nparts], main, &bufs[nparts], &a));
    nparts++;
    TCPL_CHECK(dump(cm, &parts[nparts], cpart, &bufs[nparts], &a));
    nparts++;
    if (!crel) {
        /* The relationship: target relative to the main part's folder. */
        const char *leaf = strrchr(cpart, '/') ? strrchr(cpart, '/') + 1 : cpart;
        const char *mleaf = strrchr(main, '/') ? strrchr(main, '/') + 1 : main;
        char rleaf[600];
        snprintf(rleaf, sizeof rleaf, "%s.rels", mleaf);
        if (sibling(rpart, sizeof rpart, main, "_rels/", rleaf) < 0) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.annotate_too_big", name, main, "name");
            goto out;
        }
        if (tcpl_pkg_has(pkg, rpart))
            TCPL_CHECK(read_tree(pkg, rpart, &rels, &a));
        TCPL_CHECK(add_rel(&rels, leaf, strict, &a));
        TCPL_CHECK(dump(rels, &parts[nparts], rpart, &bufs[nparts], &a));
        nparts++;
    }
    /* The removed comments' entries in the extension parts (in this order:
     * commentsIds gives the durableIds commentsExtensible is keyed by). */
    static const int EXT_ORDER[EXT_KINDS] = {EXT_EXTENDED, EXT_IDS, EXT_EXTENSIBLE};
    for (int e = 0; e < EXT_KINDS && a.gone_para.len; e++) {
        const tcpl_rel *er = tcpl_pkg_rel_by_type(rl, nrl, EXT_REL[EXT_ORDER[e]]);
        if (!er || er->external || !tcpl_pkg_has(pkg, er->target))
            continue;
        TCPL_CHECK(read_tree(pkg, er->target, &ext, &a));
        int changed = 0;
        TCPL_CHECK(prune_ext(&a, ext, EXT_ORDER[e], &changed));
        if (changed) {
            TCPL_CHECK(dump(ext, &parts[nparts], er->target, &bufs[nparts], &a));
            nparts++;
        }
        xmlFreeDoc(ext);
        ext = NULL;
    }
    TCPL_CHECK(read_tree(pkg, "[Content_Types].xml", &ct, &a));
    TCPL_CHECK(add_override(ct, cpart, &a));
    if (rc > 0) {
        rc = 0;
        TCPL_CHECK(dump(ct, &parts[nparts], "[Content_Types].xml", &bufs[nparts], &a));
        nparts++;
    }
    TCPL_CHECK(tcpl_pkg_rewrite(out, outlen, docx, len, name, parts, nparts, NULL, err));
    if (stats)
        *stats = st;
out:
    for (size_t i = 0; i < MAX_PARTS; i++)
        free(bufs[i]);
    xmlFreeDoc(ext);
    xmlFreeDoc(d);
    xmlFreeDoc(cm);
    xmlFreeDoc(rels);
    xmlFreeDoc(ct);
    tcpl_pkg_free(pkg);
    tcpl_vec_free(&a.paras);
    tcpl_vec_free(&a.gone);
    tcpl_vec_free(&a.gone_para);
    tcpl_vec_free(&a.gone_durable);
    tcpl_vec_free(&byindex);
    return rc;
}

/* The whole input file, at most TCPL_MAX_WRITE_BYTES (what is annotated
 * must still be writable). */
static int read_input(char **out, size_t *len, const char *path, tcpl_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", path, NULL, "%s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int dir = S_ISDIR(st.st_mode);
        close(fd);
        return tcpl_err(err, TCPL_ERR_IO, dir ? "err.is_directory" : "err.not_regular", path, NULL,
                        NULL);
    }
    if ((unsigned long long)st.st_size > TCPL_MAX_WRITE_BYTES) {
        close(fd);
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.too_big", path, NULL, "%llu MB > %zu MB",
                        (unsigned long long)st.st_size >> 20, TCPL_MAX_WRITE_BYTES >> 20);
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return TCPL_NOMEM(err, path);
    }
    for (;;) {
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, "%s", strerror(e));
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n == cap) { /* the file grew while read: refuse rather than chase it */
            free(buf);
            close(fd);
            return tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, "changed while read");
        }
    }
    close(fd);
    *out = buf;
    *len = n;
    return 0;
}

int tcpl_annotate_file(const char *out_path, const tcpl_ctx *ctx, const char *in_path,
                       const tcpl_doc *doc, const tcpl_extraction *x, const tcpl_findings *findings,
                       const tcpl_annotate_options *opts, tcpl_annotate_stats *stats,
                       tcpl_error *err)
{
    char *src = NULL;
    size_t len = 0;
    void *res = NULL;
    size_t rlen = 0;
    int rc = read_input(&src, &len, in_path, err);
    if (rc == 0)
        rc = tcpl_annotate(&res, &rlen, ctx, src, len, tcpl_doc_path(doc), doc, x, findings, opts,
                           stats, err);
    free(src);
    if (rc == 0)
        rc = tcpl_write_file(out_path, res, rlen, err);
    free(res);
    return rc;
}
