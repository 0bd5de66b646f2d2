#include "ooxml/xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"

enum { FAIL_DTD = 1, FAIL_DEPTH, FAIL_NOMEM, FAIL_BUDGET, FAIL_TEXT };

/* Strict Open XML (ISO/IEC 29500 Strict, Word's "Strict Open XML
 * Document") names the same vocabulary with other URIs. */
static const char *const strict_ns[][2] = {
    {"http://purl.oclc.org/ooxml/wordprocessingml/main", TCPL_NS_W},
    {"http://purl.oclc.org/ooxml/officeDocument/relationships", TCPL_NS_R},
    {"http://purl.oclc.org/ooxml/drawingml/main", TCPL_NS_A},
    {"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
     "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"},
    {"http://purl.oclc.org/ooxml/drawingml/picture",
     "http://schemas.openxmlformats.org/drawingml/2006/picture"},
    {"http://purl.oclc.org/ooxml/officeDocument/math",
     "http://schemas.openxmlformats.org/officeDocument/2006/math"},
};

static tcpl_xml *self(void *ctx)
{
    xmlParserCtxtPtr c = ctx;
    return c->_private;
}

static void stop(void *ctx, tcpl_xml *x, int why)
{
    if (!x->fail)
        x->fail = why;
    xmlStopParser(ctx);
}

/* Interned URIs compare by pointer: a Strict one becomes its twin. */
static const char *map_ns(const tcpl_xml *x, const char *uri)
{
    if (!uri)
        return NULL;
    for (int i = 0; i < x->nmap; i++)
        if (x->ns_map[0][i] == uri)
            return x->ns_map[1][i];
    return uri;
}

/* Bytes this part holds now: events, their texts and attributes, and the
 * text being collected. */
static size_t part_bytes(const tcpl_xml *x, size_t event_cap)
{
    const tcpl_arena *a = x->arena;
    const tcpl_buf *t = x->text;
    return event_cap * sizeof(tcpl_xml_event) + a->used_total + t->cap;
}

/* Whether holding `bytes` more for this part stays within the budget;
 * records the peak. */
static int within_budget(void *ctx, tcpl_xml *x, size_t event_cap, size_t extra)
{
    tcpl_xml_budget *b = x->opts.budget;
    size_t limit = b->limit ? b->limit : TCPL_MAX_DOC_MEMORY;
    size_t now = b->used + part_bytes(x, event_cap) + extra;
    if (now > b->peak)
        b->peak = now;
    if (now > limit) {
        stop(ctx, x, FAIL_BUDGET);
        return 0;
    }
    return 1;
}

static tcpl_xml_event *push(void *ctx, tcpl_xml *x)
{
    tcpl_vec *v = x->evec;
    if (v->len == v->cap && !within_budget(ctx, x, v->cap ? v->cap * 2 : 16, 0))
        return NULL;
    tcpl_xml_event *e = tcpl_vec_push(v);
    if (!e)
        stop(ctx, x, FAIL_NOMEM);
    return e;
}

static tcpl_xml_event *event_at(tcpl_xml *x, size_t i)
{
    return &TCPL_VEC_AT((tcpl_vec *)x->evec, tcpl_xml_event, i);
}

/* The text being collected goes into its event. */
static void flush_text(void *ctx, tcpl_xml *x)
{
    if (!x->text_ev)
        return;
    tcpl_buf *b = x->text;
    tcpl_xml_event *e = event_at(x, x->text_ev - 1);
    if (!within_budget(ctx, x, ((tcpl_vec *)x->evec)->cap, b->len + 1))
        return;
    e->text = tcpl_arena_strndup(x->arena, b->data ? b->data : "", b->len);
    if (!e->text || !tcpl_buf_ok(b))
        stop(ctx, x, FAIL_NOMEM);
    tcpl_buf_reset(b);
    x->text_ev = 0;
}

static int line_of(void *ctx)
{
    xmlParserCtxtPtr c = ctx;
    return c->input ? c->input->line : 0;
}

/* A start event for the open element at depth d (its name kept in
 * pend_*); the parent, if any, is no longer empty. */
static tcpl_xml_event *emit_start(void *ctx, tcpl_xml *x, int d)
{
    tcpl_xml_event *e = push(ctx, x);
    if (!e)
        return NULL;
    e->type = TCPL_XML_ELEMENT;
    e->empty = 1; /* until a child shows up */
    e->depth = d;
    e->line = x->pend_line[d];
    e->local = x->pend_local[d];
    e->ns = x->pend_ns[d];
    if (d > 0)
        event_at(x, x->open[d - 1])->empty = 0;
    x->open[d] = ((tcpl_vec *)x->evec)->len - 1;
    x->emitted = (size_t)d + 1;
    return e;
}

/* opts.keep(ns, local), asked once per name and part. */
static int keep(tcpl_xml *x, const char *ns, const char *local)
{
    /* interned names lie a few bytes apart: mix all the address bits */
    uint64_t a = (uint64_t)(uintptr_t)local ^ ((uint64_t)(uintptr_t)ns << 1);
    size_t h = (size_t)((a * UINT64_C(0x9E3779B97F4A7C15)) >> 32) % TCPL_XML_KEEP_MEMO;
    if (x->keep_memo[h].local == local && x->keep_memo[h].ns == ns)
        return x->keep_memo[h].keep;
    int k = x->opts.keep(ns, local) != 0;
    x->keep_memo[h].ns = ns;
    x->keep_memo[h].local = local;
    x->keep_memo[h].keep = k;
    return k;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **nss, int nattr, int ndef, const xmlChar **attrs)
{
    (void)prefix;
    (void)nns;
    (void)nss;
    (void)ndef;
    tcpl_xml *x = self(ctx);
    if (x->fail)
        return;
    flush_text(ctx, x);
    if (x->depth >= x->depth_limit) {
        stop(ctx, x, FAIL_DEPTH);
        return;
    }
    int d = x->depth++;
    const char *ns = uri ? map_ns(x, (const char *)uri) : "";
    x->pend_local[d] = (const char *)local;
    x->pend_ns[d] = ns;
    x->pend_line[d] = line_of(ctx);
    if (d == 0)
        x->root_ns = ns;
    /* An element nobody reads waits: it gets a start event only if a kept
     * element shows up inside it. */
    if (x->opts.keep && !keep(x, ns, (const char *)local))
        return;
    for (int k = (int)x->emitted; k < d; k++)
        if (!emit_start(ctx, x, k))
            return;
    tcpl_xml_event *e = emit_start(ctx, x, d);
    if (!e || nattr <= 0)
        return;
    if (!within_budget(ctx, x, ((tcpl_vec *)x->evec)->cap, (size_t)nattr * sizeof *e->attrs))
        return;
    tcpl_arena *a = x->arena;
    tcpl_xml_attrib *at = tcpl_arena_alloc(a, (size_t)nattr * sizeof *at);
    if (!at) {
        stop(ctx, x, FAIL_NOMEM);
        return;
    }
    int k = 0;
    for (int i = 0; i < nattr; i++) {
        const xmlChar **v = attrs + 5 * i;
        /* Word's revision ids (w:rsidR ...) are half of all attribute
         * bytes and nothing reads them. */
        if (!strncmp((const char *)v[0], "rsid", 4))
            continue;
        size_t n = (size_t)(v[4] - v[3]);
        if (!within_budget(ctx, x, ((tcpl_vec *)x->evec)->cap, n + 1))
            return;
        at[k].local = (const char *)v[0];
        at[k].ns = map_ns(x, (const char *)v[2]);
        at[k].value = tcpl_arena_strndup(a, (const char *)v[3], n);
        if (!at[k].value) {
            stop(ctx, x, FAIL_NOMEM);
            return;
        }
        k++;
    }
    e = event_at(x, x->open[d]);
    e->attrs = at;
    e->nattrs = k;
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix;
    (void)local;
    (void)uri;
    tcpl_xml *x = self(ctx);
    if (x->fail)
        return;
    flush_text(ctx, x);
    int d = --x->depth;
    if ((size_t)d >= x->emitted)
        return; /* it never got a start event */
    x->emitted = (size_t)d;
    tcpl_xml_event *start = event_at(x, x->open[d]);
    /* An element without children has no END event, as the streaming
     * reader reports <x/>. */
    if (start->empty)
        return;
    const char *sl = start->local, *sn = start->ns;
    tcpl_xml_event *e = push(ctx, x);
    if (!e)
        return;
    e->type = TCPL_XML_END;
    e->depth = d;
    e->line = line_of(ctx);
    e->local = sl;
    e->ns = sn;
}

static void on_text(void *ctx, const xmlChar *s, int len)
{
    tcpl_xml *x = self(ctx);
    if (x->fail || len <= 0)
        return;
    if (x->opts.text_in) {
        /* Text counts only directly inside a kept text element (w:t). */
        int d = x->depth - 1;
        if (d < 0 || (size_t)d >= x->emitted || x->pend_ns[d] != x->ns_w ||
            strcmp(x->pend_local[d], x->opts.text_in) != 0)
            return;
    }
    /* libxml2 hands long text over in pieces: they collect in one buffer. */
    if (!x->text_ev) {
        if (x->depth > 0)
            event_at(x, x->open[x->depth - 1])->empty = 0;
        tcpl_xml_event *e = push(ctx, x);
        if (!e)
            return;
        e->type = TCPL_XML_TEXT;
        e->depth = x->depth;
        e->line = line_of(ctx);
        x->text_ev = ((tcpl_vec *)x->evec)->len;
    }
    tcpl_buf *b = x->text;
    /* A hostile w:t of hundreds of MB is refused here, before it is held. */
    if (x->opts.text_limit && b->len + (size_t)len > x->opts.text_limit) {
        stop(ctx, x, FAIL_TEXT);
        return;
    }
    if (b->len + (size_t)len > b->cap &&
        !within_budget(ctx, x, ((tcpl_vec *)x->evec)->cap, b->len + (size_t)len))
        return;
    if (tcpl_buf_put(b, s, (size_t)len) < 0)
        stop(ctx, x, FAIL_NOMEM);
}

/* Word never writes a DTD: any DOCTYPE or entity declaration is refused
 * before it can be used (XXE, billion laughs). */
static void on_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    stop(ctx, self(ctx), FAIL_DTD);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                           const xmlChar *sys, xmlChar *content)
{
    (void)name;
    (void)type;
    (void)pub;
    (void)sys;
    (void)content;
    stop(ctx, self(ctx), FAIL_DTD);
}

static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
    (void)ctx;
    return xmlGetPredefinedEntity(name);
}

/* Called with the parser context (its userData), like every handler.  The
 * first error's code decides the class; the message is only shown. */
static void on_error(void *arg, xmlErrorPtr e)
{
    tcpl_xml *x = self(arg);
    if (x->problem[0] || !e)
        return;
    x->xml_code = e->code;
    snprintf(x->problem, sizeof x->problem, "%s", e->message ? e->message : "?");
    size_t n = strlen(x->problem);
    while (n > 0 && (x->problem[n - 1] == '\n' || x->problem[n - 1] == ' '))
        x->problem[--n] = 0;
}

/* libxml2 error codes that mean a DTD or an entity was met (libxml2 may
 * fail inside a DOCTYPE before the handler runs). */
static int dtd_code(int code)
{
    switch (code) {
    case XML_ERR_ENTITYREF_AT_EOF:
    case XML_ERR_ENTITYREF_IN_PROLOG:
    case XML_ERR_ENTITYREF_IN_EPILOG:
    case XML_ERR_ENTITYREF_IN_DTD:
    case XML_ERR_PEREF_AT_EOF:
    case XML_ERR_PEREF_IN_PROLOG:
    case XML_ERR_PEREF_IN_EPILOG:
    case XML_ERR_PEREF_IN_INT_SUBSET:
    case XML_ERR_PEREF_NO_NAME:
    case XML_ERR_PEREF_SEMICOL_MISSING:
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_UNPARSED_ENTITY:
    case XML_ERR_ENTITY_IS_EXTERNAL:
    case XML_ERR_ENTITY_IS_PARAMETER:
    case XML_ERR_ENTITY_NOT_STARTED:
    case XML_ERR_ENTITY_NOT_FINISHED:
    case XML_ERR_EXT_SUBSET_NOT_FINISHED:
    case XML_ERR_DOCTYPE_NOT_FINISHED:
    case XML_ERR_EXT_ENTITY_STANDALONE:
    case XML_ERR_ENTITY_CHAR_ERROR:
    case XML_ERR_ENTITY_PE_INTERNAL:
    case XML_ERR_ENTITY_LOOP:
    case XML_ERR_ENTITY_BOUNDARY:
    case XML_ERR_ENTITY_PROCESSING:
        return 1;
    default:
        return 0;
    }
}

static int parse(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                 const tcpl_xml_opts *opts, tcpl_error *err)
{
    memset(x, 0, sizeof *x);
    x->file = file;
    x->part = part;
    x->depth_limit = TCPL_MAX_XML_DEPTH;
    if (opts)
        x->opts = *opts;
    if (!x->opts.budget)
        x->opts.budget = &x->own_budget;
    char where[160];
    snprintf(where, sizeof where, "%s", part ? part : "");
    if (len > (size_t)2147483647)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_too_big", file, where, NULL);
    tcpl_xml_keep *store = x->opts.store;
    if (store && store->arena) {
        x->arena = store->arena;
        store->arena = NULL;
    } else if ((x->arena = calloc(1, sizeof(tcpl_arena))) != NULL) {
        tcpl_arena_init(x->arena);
    }
    if (store && store->text) {
        x->text = store->text;
        store->text = NULL;
    } else if ((x->text = calloc(1, sizeof(tcpl_buf))) != NULL) {
        tcpl_buf_init(x->text);
    }
    if (x->opts.store && x->opts.store->evec) {
        x->evec = x->opts.store->evec;
        x->opts.store->evec = NULL;
        tcpl_vec_clear(x->evec);
    } else {
        x->evec = calloc(1, sizeof(tcpl_vec));
        if (x->evec)
            tcpl_vec_init(x->evec, sizeof(tcpl_xml_event));
    }
    if (!x->arena || !x->text || !x->evec)
        return TCPL_NOMEM(err, file);
    xmlParserCtxtPtr c = xmlCreateMemoryParserCtxt(data, (int)len);
    if (!c) {
        return len == 0
                   ? tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", file, where, "empty part")
                   : TCPL_NOMEM(err, file);
    }
    x->ctxt = c;
    /* No NOENT, no DTDLOAD, no network. */
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_NOCDATA);
    /* Interned once: element namespaces compare by pointer. */
    x->ns_w = (const char *)xmlDictLookup(c->dict, (const xmlChar *)TCPL_NS_W, -1);
    for (size_t i = 0; i < sizeof strict_ns / sizeof strict_ns[0] && x->ns_w; i++) {
        x->ns_map[0][i] =
            (const char *)xmlDictLookup(c->dict, (const xmlChar *)strict_ns[i][0], -1);
        x->ns_map[1][i] =
            (const char *)xmlDictLookup(c->dict, (const xmlChar *)strict_ns[i][1], -1);
        if (!x->ns_map[0][i] || !x->ns_map[1][i])
            return TCPL_NOMEM(err, file);
        x->nmap++;
    }
    if (!x->ns_w)
        return TCPL_NOMEM(err, file);
    xmlSAXHandler *sax = c->sax;
    memset(sax, 0, sizeof *sax);
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = on_start;
    sax->endElementNs = on_end;
    sax->characters = on_text;
    sax->ignorableWhitespace = on_text;
    sax->cdataBlock = on_text;
    sax->internalSubset = on_subset;
    sax->externalSubset = on_subset;
    sax->entityDecl = on_entity_decl;
    sax->getEntity = on_get_entity;
    sax->serror = on_error;
    c->_private = x;
    c->userData = c;
    c->replaceEntities = 0;
    int rc = xmlParseDocument(c);
    flush_text(c, x);
    tcpl_vec *v = x->evec;
    x->ev = v->data;
    x->nev = v->len;
    if (x->nev > x->opts.budget->events_peak)
        x->opts.budget->events_peak = x->nev;
    x->opts.budget->part = part_bytes(x, v->cap);
    if (x->fail == FAIL_NOMEM || x->xml_code == XML_ERR_NO_MEMORY)
        return TCPL_NOMEM(err, file);
    if (x->fail == FAIL_BUDGET) {
        size_t limit = x->opts.budget->limit ? x->opts.budget->limit : TCPL_MAX_DOC_MEMORY;
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.doc_memory", file, where, "%zu", limit >> 20);
    }
    if (x->fail == FAIL_TEXT)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.para_too_long", file, where, "%zu",
                        x->opts.text_limit);
    if (x->fail == FAIL_DTD || dtd_code(x->xml_code))
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_dtd", file, where, NULL);
    if (x->fail == FAIL_DEPTH)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_depth", file, where, "%d", x->depth_limit);
    if (rc != 0 || !c->wellFormed) {
        snprintf(where, sizeof where, "%s:%d", part ? part : "", c->input ? c->input->line : 0);
        /* libxml2's own limits (its depth, name or text length caps; XML_ERR_INTERNAL_ERROR
         * in 2.9, XML_ERR_NAME_TOO_LONG): a limit, not damage. */
        if (x->xml_code == XML_ERR_INTERNAL_ERROR || x->xml_code == XML_ERR_NAME_TOO_LONG)
            return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_limit", file, where, "%s",
                            x->problem[0] ? x->problem : "?");
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", file, where, "%s",
                        x->problem[0] ? x->problem : "?");
    }
    return 0;
}

int tcpl_xml_open_opts(tcpl_xml *x, const char *data, size_t len, const char *file,
                       const char *part, const tcpl_xml_opts *opts, tcpl_error *err)
{
    int rc = parse(x, data, len, file, part, opts, err);
    if (rc < 0) {
        /* Nothing half-read is left to walk; close stays safe to call. */
        tcpl_xml_close(x);
    }
    return rc;
}

int tcpl_xml_open(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                  tcpl_error *err)
{
    return tcpl_xml_open_opts(x, data, len, file, part, NULL, err);
}

void tcpl_xml_keep_free(tcpl_xml_keep *k)
{
    if (!k)
        return;
    if (k->evec) {
        tcpl_vec_free(k->evec);
        free(k->evec);
        k->evec = NULL;
    }
    if (k->arena) {
        tcpl_arena_free(k->arena);
        free(k->arena);
        k->arena = NULL;
    }
    if (k->text) {
        tcpl_buf_free(k->text);
        free(k->text);
        k->text = NULL;
    }
}

size_t tcpl_xml_event_count(const tcpl_xml *x)
{
    return x->nev;
}

void tcpl_xml_close(tcpl_xml *x)
{
    if (x->ctxt) {
        xmlParserCtxtPtr c = x->ctxt;
        if (c->myDoc)
            xmlFreeDoc(c->myDoc);
        c->myDoc = NULL;
        xmlFreeParserCtxt(c);
    }
    x->ctxt = NULL;
    tcpl_vec *v = x->evec;
    if (v && x->opts.store && !x->opts.store->evec && v->cap * v->elem <= TCPL_XML_KEEP_BYTES) {
        x->opts.store->evec = v;
    } else if (v) {
        tcpl_vec_free(v);
        free(v);
    }
    x->evec = NULL;
    x->ev = NULL;
    x->nev = x->pos = 0;
    tcpl_xml_keep *store = x->opts.store;
    if (x->arena && store && !store->arena) {
        tcpl_arena_reset(x->arena, TCPL_XML_KEEP_BYTES);
        store->arena = x->arena;
    } else if (x->arena) {
        tcpl_arena_free(x->arena);
        free(x->arena);
    }
    x->arena = NULL;
    tcpl_buf *t = x->text;
    if (t && store && !store->text && !t->failed && t->cap <= TCPL_XML_KEEP_BYTES) {
        tcpl_buf_reset(t);
        store->text = t;
    } else if (t) {
        tcpl_buf_free(t);
        free(t);
    }
    x->text = NULL;
}

/* Every WordprocessingML element that docx.c, styles.c and numbering.c
 * look at, sorted (strcmp) for bsearch.  An element missing here is
 * invisible to them unless something kept is inside it: add it here when a
 * reader starts reading it (tests/test_docx.c checks the order). */
static const char *const wml_names[] = {"abstractNum",
                                        "abstractNumId",
                                        "b",
                                        "basedOn",
                                        "bdo",
                                        "body",
                                        "br",
                                        "caps",
                                        "cr",
                                        "customXml",
                                        "del",
                                        "dir",
                                        "docDefaults",
                                        "drawing",
                                        "dstrike",
                                        "endnote",
                                        "endnoteReference",
                                        "endnotes",
                                        "fldChar",
                                        "fldSimple",
                                        "footnote",
                                        "footnoteReference",
                                        "footnotes",
                                        "framePr",
                                        "ftr",
                                        "gridBefore",
                                        "gridCol",
                                        "gridSpan",
                                        "hdr",
                                        "hyperlink",
                                        "i",
                                        "ilvl",
                                        "ins",
                                        "isLgl",
                                        "jc",
                                        "lvl",
                                        "lvlOverride",
                                        "lvlRestart",
                                        "lvlText",
                                        "moveFrom",
                                        "moveTo",
                                        "name",
                                        "noBreakHyphen",
                                        "num",
                                        "numFmt",
                                        "numId",
                                        "numPr",
                                        "numStyleLink",
                                        "numbering",
                                        "object",
                                        "outlineLvl",
                                        "p",
                                        "pPr",
                                        "pPrDefault",
                                        "pStyle",
                                        "pgMar",
                                        "pgSz",
                                        "pict",
                                        "ptab",
                                        "r",
                                        "rFonts",
                                        "rPr",
                                        "rPrDefault",
                                        "rStyle",
                                        "sdt",
                                        "sdtContent",
                                        "sectPr",
                                        "smartTag",
                                        "start",
                                        "startOverride",
                                        "strike",
                                        "style",
                                        "styleLink",
                                        "styles",
                                        "suff",
                                        "sym",
                                        "sz",
                                        "t",
                                        "tab",
                                        "tbl",
                                        "tblGrid",
                                        "tc",
                                        "tcPr",
                                        "tr",
                                        "trPr",
                                        "txbxContent",
                                        "u",
                                        "vMerge",
                                        "vertAlign"};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int tcpl_xml_keep_wml(const char *ns, const char *local)
{
    if (!strcmp(ns, TCPL_NS_W))
        return bsearch(&local, wml_names, sizeof wml_names / sizeof wml_names[0],
                       sizeof wml_names[0], cmp_name) != NULL;
    if (!strcmp(ns, TCPL_NS_MC))
        return !strcmp(local, "AlternateContent") || !strcmp(local, "Choice") ||
               !strcmp(local, "Fallback");
    if (!strcmp(ns, TCPL_NS_A)) /* the theme's fonts */
        return !strcmp(local, "minorFont") || !strcmp(local, "majorFont") ||
               !strcmp(local, "latin");
    return 0;
}

size_t tcpl_xml_wml_names(const char *const **names)
{
    *names = wml_names;
    return sizeof wml_names / sizeof wml_names[0];
}

static const tcpl_xml_event *cur(const tcpl_xml *x)
{
    static const tcpl_xml_event none = {0, 0, 0, 0, "", "", "", NULL, 0};
    return x->pos > 0 && x->pos <= x->nev ? &x->ev[x->pos - 1] : &none;
}

int tcpl_xml_line(const tcpl_xml *x)
{
    return cur(x)->line;
}

int tcpl_xml_next(tcpl_xml *x, tcpl_error *err)
{
    (void)err;
    if (x->pos >= x->nev) {
        x->pos = x->nev + 1;
        return 0;
    }
    x->pos++;
    return 1;
}

int tcpl_xml_type(const tcpl_xml *x)
{
    return cur(x)->type;
}
int tcpl_xml_depth(const tcpl_xml *x)
{
    return cur(x)->depth;
}
int tcpl_xml_empty(const tcpl_xml *x)
{
    return cur(x)->type == TCPL_XML_ELEMENT && cur(x)->empty;
}
const char *tcpl_xml_local(const tcpl_xml *x)
{
    return cur(x)->local ? cur(x)->local : "";
}
const char *tcpl_xml_ns(const tcpl_xml *x)
{
    return cur(x)->ns ? cur(x)->ns : "";
}
const char *tcpl_xml_value(const tcpl_xml *x)
{
    return cur(x)->type == TCPL_XML_TEXT ? cur(x)->text : "";
}

static int same_ns(const tcpl_xml *x, const char *have, const char *want)
{
    /* The common case: both are the interned WordprocessingML URI. */
    if (have == x->ns_w && x->ns_w && !strcmp(want, TCPL_NS_W))
        return 1;
    return !strcmp(have, want);
}

static int same(const tcpl_xml *x, const char *ns, const char *local)
{
    const tcpl_xml_event *e = cur(x);
    if (strcmp(e->local ? e->local : "", local) != 0)
        return 0;
    return ns == NULL || same_ns(x, e->ns ? e->ns : "", ns);
}

int tcpl_xml_is(const tcpl_xml *x, const char *ns, const char *local)
{
    return cur(x)->type == TCPL_XML_ELEMENT && same(x, ns, local);
}

int tcpl_xml_is_end(const tcpl_xml *x, const char *ns, const char *local)
{
    return cur(x)->type == TCPL_XML_END && same(x, ns, local);
}

int tcpl_xml_is_w(const tcpl_xml *x, const char *local)
{
    const tcpl_xml_event *e = cur(x);
    return e->type == TCPL_XML_ELEMENT && e->ns == x->ns_w && x->ns_w && !strcmp(e->local, local);
}

const char *tcpl_xml_attr(const tcpl_xml *x, const char *ns, const char *name)
{
    const tcpl_xml_event *e = cur(x);
    for (int i = 0; i < e->nattrs; i++) {
        const tcpl_xml_attrib *a = &e->attrs[i];
        if (strcmp(a->local, name) != 0)
            continue;
        if (ns ? (a->ns && same_ns(x, a->ns, ns)) : a->ns == NULL)
            return a->value;
    }
    return NULL;
}

int tcpl_xml_attr_copy(const tcpl_xml *x, const char *ns, const char *name, char *buf, size_t size)
{
    const char *v = tcpl_xml_attr(x, ns, name);
    if (!v) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    if (size) {
        size_t n = strlen(v);
        if (n >= size) {
            n = size - 1;
            while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
                n--;
        }
        memcpy(buf, v, n);
        buf[n] = 0;
    }
    return 1;
}

int tcpl_xml_toggle(const tcpl_xml *x)
{
    const char *v = tcpl_xml_attr(x, TCPL_NS_W, "val");
    if (!v)
        return 1;
    return !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0 ||
             strcmp(v, "none") == 0);
}

long tcpl_xml_attr_int(const tcpl_xml *x, const char *name, long def)
{
    const char *v = tcpl_xml_attr(x, TCPL_NS_W, name);
    if (!v)
        return def;
    char *end;
    long n = strtol(v, &end, 10);
    return end == v ? def : n;
}

int tcpl_xml_skip(tcpl_xml *x, tcpl_error *err)
{
    if (tcpl_xml_type(x) != TCPL_XML_ELEMENT || tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x);
    /* Jump straight to the matching END. */
    for (size_t k = x->pos; k < x->nev; k++)
        if (x->ev[k].type == TCPL_XML_END && x->ev[k].depth == d) {
            x->pos = k + 1;
            return 0;
        }
    return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", x->file, x->part, "unexpected end");
}

int tcpl_xml_next_child(tcpl_xml *x, int d, tcpl_error *err)
{
    for (;;) {
        int r = tcpl_xml_next(x, err);
        if (r < 0)
            return r;
        if (r == 0)
            return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", x->file, x->part,
                            "unexpected end");
        const tcpl_xml_event *e = cur(x);
        if (e->type == TCPL_XML_END && e->depth == d)
            return 0;
        if (e->type == TCPL_XML_ELEMENT && e->depth == d + 1) {
            if (e->ns == x->ns_w && x->ns_w)
                return 1;
            /* another namespace's child: pass over its subtree */
            int rc = tcpl_xml_skip(x, err);
            if (rc < 0)
                return rc;
        }
    }
}
