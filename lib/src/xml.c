#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static void on_error(void *arg, xmlErrorPtr e)
{
    tcpl_xml *x = arg;
    if (x->problem[0] || !e || !e->message)
        return;
    snprintf(x->problem, sizeof x->problem, "%s", e->message);
    size_t n = strlen(x->problem);
    while (n > 0 && (x->problem[n - 1] == '\n' || x->problem[n - 1] == ' '))
        x->problem[--n] = 0;
}

int tcpl_xml_open(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                  tcpl_error *err)
{
    memset(x, 0, sizeof *x);
    x->file = file;
    x->part = part;
    x->depth_limit = TCPL_MAX_XML_DEPTH;
    if (len > (size_t)2147483647)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_too_big", file, part, NULL);
    /* No NOENT, no DTDLOAD, no network: entities stay unexpanded and any
     * DOCTYPE is refused in tcpl_xml_next. */
    x->r = xmlReaderForMemory(data, (int)len, NULL, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                  XML_PARSE_NOCDATA);
    if (!x->r)
        return tcpl_err(err, TCPL_ERR_NOMEM, "err.nomem", file, part, NULL);
    xmlTextReaderSetStructuredErrorHandler(x->r, on_error, x);
    return 0;
}

void tcpl_xml_close(tcpl_xml *x)
{
    if (x->r)
        xmlFreeTextReader(x->r);
    x->r = NULL;
}

int tcpl_xml_line(const tcpl_xml *x)
{
    xmlNodePtr n = x->r ? xmlTextReaderCurrentNode(x->r) : NULL;
    return n ? (int)xmlGetLineNo(n) : 0;
}

int tcpl_xml_next(tcpl_xml *x, tcpl_error *err)
{
    int r = xmlTextReaderRead(x->r);
    char where[160];
    if (r < 0) {
        snprintf(where, sizeof where, "%s", x->part);
        /* libxml2 fails inside some DOCTYPEs (entity loops, external
         * entities) before the reader reaches the DOCTYPE node. */
        if (strstr(x->problem, "ntity") || strstr(x->problem, "DOCTYPE"))
            return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_dtd", x->file, where, NULL);
        if (strstr(x->problem, "depth") || strstr(x->problem, "Excessive"))
            return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_depth", x->file, where, "%d",
                            x->depth_limit);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", x->file, where, "%s",
                        x->problem[0] ? x->problem : "?");
    }
    if (r == 0)
        return 0;
    int type = xmlTextReaderNodeType(x->r);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
        type == XML_READER_TYPE_ENTITY) {
        snprintf(where, sizeof where, "%s", x->part);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_dtd", x->file, where, NULL);
    }
    if (xmlTextReaderDepth(x->r) > x->depth_limit) {
        snprintf(where, sizeof where, "%s", x->part);
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_depth", x->file, where, "%d",
                        x->depth_limit);
    }
    return 1;
}

int tcpl_xml_type(const tcpl_xml *x) { return xmlTextReaderNodeType(x->r); }
int tcpl_xml_depth(const tcpl_xml *x) { return xmlTextReaderDepth(x->r); }
int tcpl_xml_empty(const tcpl_xml *x) { return xmlTextReaderIsEmptyElement(x->r) == 1; }

const char *tcpl_xml_local(const tcpl_xml *x)
{
    const xmlChar *s = xmlTextReaderConstLocalName(x->r);
    return s ? (const char *)s : "";
}

const char *tcpl_xml_ns(const tcpl_xml *x)
{
    const xmlChar *s = xmlTextReaderConstNamespaceUri(x->r);
    return s ? (const char *)s : "";
}

static int same(const tcpl_xml *x, const char *ns, const char *local)
{
    if (strcmp(tcpl_xml_local(x), local) != 0)
        return 0;
    return ns == NULL || strcmp(tcpl_xml_ns(x), ns) == 0;
}

int tcpl_xml_is(const tcpl_xml *x, const char *ns, const char *local)
{
    return tcpl_xml_type(x) == XML_READER_TYPE_ELEMENT && same(x, ns, local);
}

int tcpl_xml_is_end(const tcpl_xml *x, const char *ns, const char *local)
{
    return tcpl_xml_type(x) == XML_READER_TYPE_END_ELEMENT && same(x, ns, local);
}

int tcpl_xml_is_w(const tcpl_xml *x, const char *local) { return tcpl_xml_is(x, TCPL_NS_W, local); }

int tcpl_xml_attr_copy(const tcpl_xml *x, const char *ns, const char *name, char *buf, size_t size)
{
    xmlChar *v = ns ? xmlTextReaderGetAttributeNs(x->r, (const xmlChar *)name, (const xmlChar *)ns)
                    : xmlTextReaderGetAttribute(x->r, (const xmlChar *)name);
    if (!v) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    if (size) {
        size_t n = strlen((const char *)v);
        if (n >= size) {
            n = size - 1;
            while (n > 0 && (v[n] & 0xC0) == 0x80)
                n--;
        }
        memcpy(buf, v, n);
        buf[n] = 0;
    }
    xmlFree(v);
    return 1;
}

int tcpl_xml_toggle(const tcpl_xml *x)
{
    char v[16];
    if (!tcpl_xml_attr_copy(x, TCPL_NS_W, "val", v, sizeof v))
        return 1;
    return !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0 ||
             strcmp(v, "none") == 0);
}

long tcpl_xml_attr_int(const tcpl_xml *x, const char *name, long def)
{
    char v[32];
    if (!tcpl_xml_attr_copy(x, TCPL_NS_W, name, v, sizeof v))
        return def;
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v)
        return def;
    return n;
}

int tcpl_xml_skip(tcpl_xml *x, tcpl_error *err)
{
    if (tcpl_xml_type(x) != XML_READER_TYPE_ELEMENT || tcpl_xml_empty(x))
        return 0;
    int d = tcpl_xml_depth(x);
    for (;;) {
        int r = tcpl_xml_next(x, err);
        if (r <= 0)
            return r < 0 ? r : tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", x->file,
                                        x->part, "unexpected end");
        if (tcpl_xml_type(x) == XML_READER_TYPE_END_ELEMENT && tcpl_xml_depth(x) == d)
            return 0;
    }
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
        int t = tcpl_xml_type(x);
        int dd = tcpl_xml_depth(x);
        if (t == XML_READER_TYPE_END_ELEMENT && dd == d)
            return 0;
        if (t == XML_READER_TYPE_ELEMENT && dd == d + 1 && strcmp(tcpl_xml_ns(x), TCPL_NS_W) == 0)
            return 1;
    }
}
