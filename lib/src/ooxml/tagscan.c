/* The tag scanner shared by the lazy readers (tagscan.h). */
#include "ooxml/tagscan.h"

#include <string.h>

#include "ooxml/xml.h"

/* A qualified name at p: its length (letters, digits, '_', '-', '.', ':'
 * and any byte >= 0x80). */
size_t tcpl_scan_name_len(const char *p, const char *end)
{
    const char *q = p;
    while (q < end &&
           (((unsigned char)*q >= 0x80) || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
            (*q >= '0' && *q <= '9') || *q == '_' || *q == '-' || *q == '.' || *q == ':'))
        q++;
    return (size_t)(q - p);
}

/* The end of the tag whose '<' is at p ('>' included), stepping over quoted
 * values (with memchr); *xmlns set when a namespace is declared in it.
 * NULL when unterminated. */
const char *tcpl_scan_tag_end(const char *p, const char *end, int *xmlns)
{
    for (p++; p < end; p++) {
        char c = *p;
        if (c == '>')
            return p + 1;
        if (c == '"' || c == '\'') {
            const char *q = memchr(p + 1, c, (size_t)(end - p - 1));
            if (!q)
                return NULL;
            p = q;
        } else if (c == 'x' && end - p > 5 && !memcmp(p, "xmlns", 5))
            *xmlns = 1;
    }
    return NULL;
}

const char *tcpl_scan_find_str(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);
    while (p < end) {
        const char *q = memchr(p, s[0], (size_t)(end - p));
        if (!q || (size_t)(end - q) < n)
            return NULL;
        if (!memcmp(q, s, n))
            return q;
        p = q + 1;
    }
    return NULL;
}

/* Attribute qname's raw value in the start tag [p, e): 1 found (value in
 * *v, *vn), 0 absent, -1 a value the scan cannot take as it is (an entity
 * or a character attribute normalisation would change). */
int tcpl_scan_tag_attr(const char *p, const char *e, const char *qname, const char **v, size_t *vn)
{
    size_t qn = strlen(qname);
    p += 1 + tcpl_scan_name_len(p + 1, e);
    while (p < e) {
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        size_t an = tcpl_scan_name_len(p, e);
        if (an == 0)
            return 0;
        const char *a = p;
        p += an;
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '='))
            p++;
        if (p >= e || (*p != '"' && *p != '\''))
            return -1;
        const char *q = memchr(p + 1, *p, (size_t)(e - p - 1));
        if (!q)
            return -1;
        if (an == qn && !memcmp(a, qname, qn)) {
            for (const char *c = p + 1; c < q; c++)
                if (*c == '&' || *c == '\t' || *c == '\n' || *c == '\r')
                    return -1;
            *v = p + 1;
            *vn = (size_t)(q - p - 1);
            return 1;
        }
        p = q + 1;
    }
    return 0;
}

int tcpl_scan_is_w_uri(const char *v, size_t n)
{
    const char strict[] = "http://purl.oclc.org/ooxml/wordprocessingml/main";
    return (n == sizeof TCPL_NS_W - 1 && !memcmp(v, TCPL_NS_W, n)) ||
           (n == sizeof strict - 1 && !memcmp(v, strict, n));
}

/* The prefix bound to WordprocessingML by the root start tag [p, e), into
 * pre (NUL-terminated); -1 when there is none, more than one, or it is the
 * default namespace (its attributes would then be in no namespace). */
int tcpl_scan_w_prefix(const char *p, const char *e, char *pre, size_t size)
{
    int found = 0;
    const char *q = p;
    while ((q = tcpl_scan_find_str(q, e, "xmlns")) != NULL) {
        const char *a = q;
        q += 5;
        size_t pn = 0;
        if (*q == ':') {
            pn = tcpl_scan_name_len(q + 1, e);
            q += 1 + pn;
        }
        while (q < e && (*q == ' ' || *q == '='))
            q++;
        if (q >= e || (*q != '"' && *q != '\''))
            continue;
        const char *z = memchr(q + 1, *q, (size_t)(e - q - 1));
        if (!z)
            return -1;
        if (tcpl_scan_is_w_uri(q + 1, (size_t)(z - q - 1))) {
            if (pn == 0 || found || pn + 1 >= size)
                return -1;
            memcpy(pre, a + 6, pn);
            pre[pn] = 0;
            found = 1;
        }
        q = z + 1;
    }
    return found ? 0 : -1;
}

/* Whether name (n bytes) is at p followed by the end of a name. */
int tcpl_scan_name_at(const char *p, const char *end, const char *name, size_t n)
{
    if ((size_t)(end - p) <= n || memcmp(p, name, n) != 0)
        return 0;
    char c = p[n];
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The end ('>' included) of the element named name whose start tag ends
 * at p, for an element that cannot contain itself (w:style, w:docDefaults,
 * w:latentStyles): the first end tag of that name, found with memchr.
 * NULL — the caller then parses the whole part — when a comment, CDATA,
 * PI or a start tag of the same name comes first (they could hide or
 * nest an end tag), or there is none. */
const char *tcpl_scan_skip_element(const char *p, const char *end, const char *name, size_t n)
{
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || end - lt < 2 || lt[1] == '!' || lt[1] == '?')
            return NULL;
        if (lt[1] == '/' && tcpl_scan_name_at(lt + 2, end, name, n)) {
            const char *gt = memchr(lt + 2 + n, '>', (size_t)(end - lt - 2 - n));
            return gt ? gt + 1 : NULL;
        }
        if (tcpl_scan_name_at(lt + 1, end, name, n))
            return NULL;
        p = lt + 1;
    }
    return NULL;
}

int tcpl_scan_markup(const char **pp, const char *end)
{
    const char *p = *pp, *q;
    if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
        if (!(q = tcpl_scan_find_str(p + 4, end, "-->")))
            return -1;
        *pp = q + 3;
        return 1;
    }
    if (end - p >= 9 && !memcmp(p, "<![CDATA[", 9)) {
        if (!(q = tcpl_scan_find_str(p + 9, end, "]]>")))
            return -1;
        *pp = q + 3;
        return 1;
    }
    if (end - p >= 2 && p[1] == '?') {
        if (!(q = tcpl_scan_find_str(p + 2, end, "?>")))
            return -1;
        /* The XML declaration may name another encoding. */
        const char *enc = tcpl_scan_find_str(p, q, "encoding");
        if (enc && !tcpl_scan_find_str(enc, q, "UTF-8") && !tcpl_scan_find_str(enc, q, "utf-8"))
            return -1;
        *pp = q + 2;
        return 1;
    }
    if (end - p >= 2 && p[1] == '!')
        return -1; /* a DOCTYPE, or damage: the full parse says which */
    return 0;
}

int tcpl_scan_take_root(tcpl_scan_root *r, tcpl_arena *a, const char *base, const char *p,
                        const char *e, char *pre, size_t size)
{
    if (r->name)
        return 0;
    size_t nn = tcpl_scan_name_len(p + 1, e);
    if (tcpl_scan_w_prefix(p, e, pre, size) < 0 || nn == 0 || e[-2] == '/')
        return 0;
    r->name = tcpl_arena_strndup(a, p + 1, nn);
    if (!r->name)
        return -1;
    r->start = (size_t)(p - base);
    r->end = (size_t)(e - base);
    return 1;
}
