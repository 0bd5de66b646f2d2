/* A fast reader of the fill's JSON data (fill/json.h).
 *
 * jansson's reader takes ~150 instructions per byte of data (a function call
 * per byte, each byte saved to a buffer, each string copied twice): for the
 * 14 KB of the benchmark's plan it was a third of a fill.  This one reads
 * the bytes in place and calls jansson only to build the tree, with the
 * calls jansson's reader makes (json_object_setn_new_nocheck: a repeated key
 * keeps its place and takes the last value, as there).  Whatever it is not
 * sure of it leaves to jansson (returns NULL), so it never accepts what
 * jansson refuses nor builds a different tree. */
#include "fill/json.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

typedef struct jr {
    const unsigned char *p, *end;
    int depth;
    tcpl_buf s; /* a string with escapes, decoded */
} jr;

static void skip_ws(jr *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

/* Length of the well-formed UTF-8 sequence at p (Unicode 15, table 3-7: no
 * overlong form, no surrogate, nothing past U+10FFFF), 0 when there is none;
 * p[0] >= 0x80. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n = (size_t)(end - p);
    unsigned lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

static int hex4(const unsigned char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

/* The string at r->p (just past its opening quote): *s and *len its bytes,
 * in the text itself when it has no escape, else in r->s.  -1: not sure. */
static int read_string(jr *r, const char **s, size_t *len)
{
    const unsigned char *start = r->p, *p = r->p;
    int escaped = 0;
    tcpl_buf_reset(&r->s);
    for (;;) {
        if (p >= r->end)
            return -1;
        unsigned c = *p;
        if (c == '"')
            break;
        if (c < 0x20)
            return -1; /* a control character: jansson's error */
        if (c >= 0x80) {
            size_t k = utf8_len(p, r->end);
            if (!k)
                return -1;
            if (escaped)
                tcpl_buf_put(&r->s, (const char *)p, k);
            p += k;
            continue;
        }
        if (c != '\\') {
            if (escaped)
                tcpl_buf_putc(&r->s, (char)c);
            p++;
            continue;
        }
        if (!escaped) { /* the plain bytes so far, then decode into r->s */
            escaped = 1;
            tcpl_buf_put(&r->s, (const char *)start, (size_t)(p - start));
        }
        if (r->end - p < 2)
            return -1;
        c = p[1];
        p += 2;
        const char *plain = strchr("\"\\/bfnrt", (int)c);
        if (c && plain) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            tcpl_buf_putc(&r->s, to[plain - "\"\\/bfnrt"]);
            continue;
        }
        if (c != 'u' || r->end - p < 4)
            return -1;
        unsigned v, lo;
        if (hex4(p, &v) < 0 || v == 0)
            return -1; /* \u0000: refused without JSON_ALLOW_NUL */
        p += 4;
        if (v >= 0xDC00 && v <= 0xDFFF)
            return -1; /* a lone low surrogate */
        if (v >= 0xD800 && v <= 0xDBFF) {
            if (r->end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) < 0 ||
                lo < 0xDC00 || lo > 0xDFFF)
                return -1;
            p += 6;
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        }
        tcpl_buf_put_utf8(&r->s, v);
    }
    r->p = p + 1;
    if (escaped) {
        if (!tcpl_buf_ok(&r->s))
            return -1;
        *s = r->s.data ? r->s.data : "";
        *len = r->s.len;
    } else {
        *s = (const char *)start;
        *len = (size_t)(p - start);
    }
    return 0;
}

/* A number, by JSON's grammar.  An integer as jansson reads it (strtoll, out
 * of range: not sure); a real read by jansson itself (its strtod does not
 * depend on the locale). */
static json_t *read_number(jr *r)
{
    const unsigned char *s = r->p, *p = r->p;
    if (p < r->end && *p == '-')
        p++;
    if (p >= r->end)
        return NULL;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    int real = 0;
    if (p < r->end && *p == '.') {
        real = 1;
        p++;
        if (p >= r->end || *p < '0' || *p > '9')
            return NULL;
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < r->end && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (p < r->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= r->end || *p < '0' || *p > '9')
            return NULL;
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
    }
    size_t len = (size_t)(p - s);
    r->p = p;
    if (real)
        return json_loadb((const char *)s, len, JSON_DECODE_ANY, NULL);
    char digits[24];
    if (len >= sizeof digits)
        return NULL; /* beyond long long: jansson says so */
    memcpy(digits, s, len);
    digits[len] = 0;
    errno = 0;
    long long v = strtoll(digits, NULL, 10);
    if (errno == ERANGE)
        return NULL;
    return json_integer((json_int_t)v);
}

static json_t *read_value(jr *r);

static json_t *read_object(jr *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return o;
    }
    for (;;) {
        skip_ws(r);
        if (r->p >= r->end || *r->p != '"')
            goto fail;
        r->p++;
        const char *k;
        size_t klen;
        if (read_string(r, &k, &klen) < 0)
            goto fail;
        /* a key decoded into r->s is copied: the value's strings reuse r->s */
        char small[64], *key = (char *)(uintptr_t)k;
        if (k == r->s.data) {
            key = klen < sizeof small ? small : malloc(klen + 1);
            if (!key)
                goto fail;
            memcpy(key, k, klen);
        }
        skip_ws(r);
        json_t *v = NULL;
        if (r->p < r->end && *r->p == ':') {
            r->p++;
            v = read_value(r);
        }
        int bad = !v || json_object_setn_new_nocheck(o, key, klen, v) < 0;
        if (k == r->s.data && key != small)
            free(key);
        if (bad)
            goto fail;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '}') {
            r->p++;
            return o;
        }
        goto fail;
    }
fail:
    json_decref(o);
    return NULL;
}

static json_t *read_array(jr *r)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return a;
    }
    for (;;) {
        json_t *v = read_value(r);
        if (!v || json_array_append_new(a, v) < 0)
            goto fail;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return a;
        }
        goto fail;
    }
fail:
    json_decref(a);
    return NULL;
}

static int word(jr *r, const char *w, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
        return 0;
    r->p += n; /* "truex": the caller finds no ',' ']' '}' after it */
    return 1;
}

static json_t *read_value(jr *r)
{
    skip_ws(r);
    if (r->p >= r->end)
        return NULL;
    json_t *v = NULL;
    switch (*r->p) {
    case '{':
    case '[':
        if (++r->depth > TPL_JSON_FAST_MAX_DEPTH)
            return NULL;
        r->p++;
        v = r->p[-1] == '{' ? read_object(r) : read_array(r);
        r->depth--;
        return v;
    case '"': {
        const char *s;
        size_t len;
        r->p++;
        if (read_string(r, &s, &len) < 0)
            return NULL;
        return json_stringn_nocheck(s, len);
    }
    case 't':
        return word(r, "true", 4) ? json_true() : NULL;
    case 'f':
        return word(r, "false", 5) ? json_false() : NULL;
    case 'n':
        return word(r, "null", 4) ? json_null() : NULL;
    default:
        return read_number(r);
    }
}

json_t *tpl_json_fast(const char *s, size_t n)
{
    if (!s)
        return NULL;
    jr r = {(const unsigned char *)s, (const unsigned char *)s + n, 0, {0}};
    tcpl_buf_init(&r.s);
    skip_ws(&r);
    json_t *v = NULL;
    if (r.p < r.end && (*r.p == '{' || *r.p == '['))
        v = read_value(&r);
    if (v) {
        skip_ws(&r);
        if (r.p != r.end) { /* something after the value */
            json_decref(v);
            v = NULL;
        }
    }
    tcpl_buf_free(&r.s);
    return v;
}
