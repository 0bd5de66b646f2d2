#include "ooxml/xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"

enum { FAIL_DTD = 1, FAIL_DEPTH = 2, FAIL_NOMEM = 3 };

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

static tcpl_xml_event *push(void *ctx, tcpl_xml *x)
{
    if (x->nev == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 1024;
        tcpl_xml_event *e = realloc(x->ev, cap * sizeof *e);
        if (!e) {
            stop(ctx, x, FAIL_NOMEM);
            return NULL;
        }
        x->ev = e;
        x->cap = cap;
    }
    tcpl_xml_event *e = &x->ev[x->nev++];
    memset(e, 0, sizeof *e);
    return e;
}

/* The text being collected goes into its event. */
static void flush_text(void *ctx, tcpl_xml *x)
{
    if (!x->text_ev)
        return;
    tcpl_buf *b = x->text;
    tcpl_xml_event *e = &x->ev[x->text_ev - 1];
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
    tcpl_xml_event *e = push(ctx, x);
    if (!e)
        return;
    e->type = TCPL_XML_ELEMENT;
    e->empty = 1; /* until a child shows up */
    e->depth = x->depth++;
    e->line = line_of(ctx);
    e->local = (const char *)local;
    e->ns = uri ? (const char *)uri : "";
    if (nattr > 0) {
        tcpl_arena *a = x->arena;
        e->attrs = tcpl_arena_alloc(a, (size_t)nattr * sizeof *e->attrs);
        if (!e->attrs) {
            stop(ctx, x, FAIL_NOMEM);
            return;
        }
        int k = 0;
        for (int i = 0; i < nattr; i++) {
            const xmlChar **at = attrs + 5 * i;
            /* Word's revision ids (w:rsidR ...) are half of all attribute
             * bytes and nothing reads them. */
            if (!strncmp((const char *)at[0], "rsid", 4))
                continue;
            e->attrs[k].local = (const char *)at[0];
            e->attrs[k].ns = (const char *)at[2];
            e->attrs[k].value = tcpl_arena_strndup(a, (const char *)at[3], (size_t)(at[4] - at[3]));
            if (!e->attrs[k].value) {
                stop(ctx, x, FAIL_NOMEM);
                return;
            }
            k++;
        }
        e->nattrs = k;
    }
    /* The parent has a child now. */
    if (e->depth > 0)
        x->ev[x->open[e->depth - 1]].empty = 0;
    x->open[e->depth] = x->nev - 1;
}

/* The innermost open element's start event. */
static tcpl_xml_event *open_element(tcpl_xml *x)
{
    return x->depth > 0 ? &x->ev[x->open[x->depth - 1]] : NULL;
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix;
    tcpl_xml *x = self(ctx);
    if (x->fail)
        return;
    flush_text(ctx, x);
    tcpl_xml_event *start = open_element(x);
    x->depth--;
    /* An element without children has no END event, as the streaming
     * reader reports <x/>. */
    if (start && start->empty)
        return;
    tcpl_xml_event *e = push(ctx, x);
    if (!e)
        return;
    e->type = TCPL_XML_END;
    e->depth = x->depth;
    e->line = line_of(ctx);
    e->local = (const char *)local;
    e->ns = uri ? (const char *)uri : "";
}

static void on_text(void *ctx, const xmlChar *s, int len)
{
    tcpl_xml *x = self(ctx);
    if (x->fail || len <= 0)
        return;
    /* libxml2 hands long text over in pieces: they collect in one buffer. */
    if (!x->text_ev) {
        tcpl_xml_event *open = open_element(x);
        if (open)
            open->empty = 0;
        tcpl_xml_event *e = push(ctx, x);
        if (!e)
            return;
        e->type = TCPL_XML_TEXT;
        e->depth = x->depth;
        e->line = line_of(ctx);
        x->text_ev = x->nev;
    }
    if (tcpl_buf_put(x->text, s, (size_t)len) < 0)
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

/* Called with the parser context (its userData), like every handler. */
static void on_error(void *arg, xmlErrorPtr e)
{
    tcpl_xml *x = self(arg);
    if (x->problem[0] || !e || !e->message)
        return;
    snprintf(x->problem, sizeof x->problem, "%s", e->message);
    size_t n = strlen(x->problem);
    while (n > 0 && (x->problem[n - 1] == '\n' || x->problem[n - 1] == ' '))
        x->problem[--n] = 0;
}

static int parse(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                 tcpl_error *err)
{
    memset(x, 0, sizeof *x);
    x->file = file;
    x->part = part;
    x->depth_limit = TCPL_MAX_XML_DEPTH;
    char where[160];
    snprintf(where, sizeof where, "%s", part ? part : "");
    if (len > (size_t)2147483647)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_too_big", file, where, NULL);
    x->arena = calloc(1, sizeof(tcpl_arena));
    x->text = calloc(1, sizeof(tcpl_buf));
    if (!x->arena || !x->text)
        return TCPL_NOMEM(err, file);
    tcpl_arena_init(x->arena);
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
    if (x->fail == FAIL_NOMEM)
        return TCPL_NOMEM(err, file);
    if (x->fail == FAIL_DTD)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_dtd", file, where, NULL);
    if (x->fail == FAIL_DEPTH || strstr(x->problem, "Excessive depth"))
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_depth", file, where, "%d", x->depth_limit);
    if (rc != 0 || !c->wellFormed) {
        /* libxml2 may fail inside a DOCTYPE before the handler runs. */
        if (strstr(x->problem, "ntity") || strstr(x->problem, "DOCTYPE"))
            return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_dtd", file, where, NULL);
        snprintf(where, sizeof where, "%s:%d", part ? part : "", c->input ? c->input->line : 0);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", file, where, "%s",
                        x->problem[0] ? x->problem : "?");
    }
    /* Interned once: element namespaces compare by pointer. */
    x->ns_w = (const char *)xmlDictLookup(c->dict, (const xmlChar *)TCPL_NS_W, -1);
    return 0;
}

int tcpl_xml_open(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                  tcpl_error *err)
{
    int rc = parse(x, data, len, file, part, err);
    if (rc < 0) {
        /* Nothing half-read is left to walk; close stays safe to call. */
        tcpl_xml_close(x);
    }
    return rc;
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
    free(x->ev);
    x->ev = NULL;
    x->nev = x->cap = x->pos = 0;
    if (x->arena) {
        tcpl_arena_free(x->arena);
        free(x->arena);
    }
    x->arena = NULL;
    if (x->text) {
        tcpl_buf_free(x->text);
        free(x->text);
    }
    x->text = NULL;
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
