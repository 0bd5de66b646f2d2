#include "ooxml/nfc.h"

#include <stdlib.h>
#include <utf8proc.h>

#include "tcpl/error.h"

/* Whether s is certainly NFC already, without asking utf8proc: every code
 * point is below U+0300 (no combining marks, no singletons there), or a
 * precomposed Vietnamese letter (U+1E00-1EFF), or general punctuation
 * U+2002-2125 — all NFC_Quick_Check=Yes.  Almost every run of a Unicode
 * Vietnamese document passes, and NFC is the costliest step otherwise. */
static int nfc_already(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
        } else if (c >= 0xC2 && c < 0xCC && p + 1 < e && (p[1] & 0xC0) == 0x80) {
            p += 2; /* U+0080-02FF */
        } else if (c >= 0xE0 && c < 0xF0 && p + 2 < e && (p[1] & 0xC0) == 0x80 &&
                   (p[2] & 0xC0) == 0x80) {
            unsigned cp = ((c & 0x0F) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (!((cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2002 && cp <= 0x2125)))
                return 0;
            p += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

static int non_starter(utf8proc_int32_t cp)
{
    return utf8proc_get_property(cp)->combining_class != 0;
}

/* Stream-safe, valid copy of s into b (UAX #15 section 13, counting the
 * non-starters of each character's full decomposition). */
static void stream_safe(tcpl_buf *b, const char *s, size_t n)
{
    size_t i = 0, marks = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        int bad = k <= 0;
        if (bad) {
            cp = 0xFFFD;
            k = 1;
        }
        utf8proc_int32_t d[16];
        utf8proc_ssize_t nd = utf8proc_decompose_char(cp, d, 16, UTF8PROC_DECOMPOSE, NULL);
        if (nd <= 0 || nd > 16) {
            d[0] = cp;
            nd = 1;
        }
        size_t lead = 0, trail = 0;
        while (lead < (size_t)nd && non_starter(d[lead]))
            lead++;
        while (trail < (size_t)nd && non_starter(d[nd - 1 - (utf8proc_ssize_t)trail]))
            trail++;
        if (lead > 0 && marks + lead > TCPL_MAX_COMBINING_MARKS) {
            tcpl_buf_put_utf8(b, 0x034F); /* CGJ: a starter of class 0 */
            marks = 0;
        }
        marks = lead == (size_t)nd ? marks + lead : trail;
        if (bad)
            tcpl_buf_put_utf8(b, 0xFFFD);
        else
            tcpl_buf_put(b, s + i, (size_t)k);
        i += (size_t)k;
    }
}

int tcpl_nfc_append(tcpl_buf *out, const char *s, size_t n)
{
    if (nfc_already(s, n))
        return tcpl_buf_put(out, s, n) < 0 ? TCPL_ERR_NOMEM : 0;
    tcpl_buf safe;
    tcpl_buf_init(&safe);
    stream_safe(&safe, s, n);
    if (!tcpl_buf_ok(&safe)) {
        tcpl_buf_free(&safe);
        return TCPL_ERR_NOMEM;
    }
    utf8proc_uint8_t *r = NULL;
    utf8proc_ssize_t len =
        safe.len ? utf8proc_map((const utf8proc_uint8_t *)safe.data, (utf8proc_ssize_t)safe.len, &r,
                                UTF8PROC_STABLE | UTF8PROC_COMPOSE)
                 : 0;
    tcpl_buf_free(&safe);
    if (len < 0)
        return TCPL_ERR_NOMEM; /* the input is valid now: only memory can fail */
    int rc = tcpl_buf_put(out, r ? (const char *)r : "", (size_t)len) < 0 ? TCPL_ERR_NOMEM : 0;
    free(r);
    return rc;
}
