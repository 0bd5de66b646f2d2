/* Legacy Vietnamese font text -> Unicode.  Which fonts are legacy and the
 * byte tables are data (checks/encodings/); this file only reads them and
 * applies them.  Everything is built in tcpl_legacy_load and read-only
 * afterwards, so conversion is safe from any number of threads. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/data.h"
#include "base/error.h"
#include "ooxml/legacy.h"
#include "ooxml/nfc.h"

/* Code points one legacy byte may stand for: VNI's circumflex/breve plus a
 * tone is two combining marks; one spare for future tables. */
#define TCPL_LEGACY_MAX_CPS 3
/* Font names and their prefixes/suffixes: Word limits font names to 31
 * characters, so anything longer in fonts.yaml is a mistake. */
#define TCPL_LEGACY_MAX_NAME 64
/* fonts.yaml rules: a handful in practice; each run's font is tested
 * against them all, so keep the list short. */
#define TCPL_LEGACY_MAX_RULES 256

#define FONTS_FILE "encodings/fonts.yaml"

typedef struct {
    uint8_t n; /* 0: byte not in the table, keep the character */
    uint32_t cp[TCPL_LEGACY_MAX_CPS];
} legacy_entry;

typedef struct {
    legacy_entry map[256];
    int loaded;
} legacy_table;

typedef struct {
    char prefix[TCPL_LEGACY_MAX_NAME]; /* ASCII-lowercased */
    size_t prefix_len;
    int exact; /* prefix is the whole name */
    char suffix[TCPL_LEGACY_MAX_NAME];
    size_t suffix_len;
    tcpl_legacy_kind kind;
} font_rule;

/* The encodings the code knows (each a tcpl_legacy_kind pair); their
 * tables come from data. */
enum { ENC_TCVN3, ENC_VNI, ENC_COUNT };
static const struct {
    const char *name, *file;
    tcpl_legacy_kind plain, caps;
} encodings[ENC_COUNT] = {
    {"tcvn3", "encodings/tcvn3.tsv", TCPL_LEGACY_TCVN3, TCPL_LEGACY_TCVN3_CAPS},
    {"vni", "encodings/vni.tsv", TCPL_LEGACY_VNI, TCPL_LEGACY_VNI_CAPS},
};

struct tcpl_legacy {
    legacy_table tables[ENC_COUNT];
    font_rule *rules;
    size_t nrules;
    /* Lowercased first bytes of every rule: most fonts (Times New Roman,
     * Arial) are rejected with one lookup. */
    unsigned char first[256];
};

/* Windows-1252 0x80-0x9F: Word stores a legacy byte there as this
 * character; 0 where cp1252 has none (Word then keeps U+0080-U+009F). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* The legacy byte a stored character stands for, -1 if none. */
static int legacy_byte(int32_t cp)
{
    if (cp >= 0 && cp <= 0xFF)
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (cp1252_high[i] && cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int is_caps(tcpl_legacy_kind k)
{
    return k == TCPL_LEGACY_TCVN3_CAPS || k == TCPL_LEGACY_VNI_CAPS;
}

static const legacy_table *table_for(const tcpl_legacy *lg, tcpl_legacy_kind k)
{
    switch (k) {
    case TCPL_LEGACY_TCVN3:
    case TCPL_LEGACY_TCVN3_CAPS:
        return &lg->tables[ENC_TCVN3];
    case TCPL_LEGACY_VNI:
    case TCPL_LEGACY_VNI_CAPS:
        return &lg->tables[ENC_VNI];
    default:
        return NULL;
    }
}

/* ---- tables: byte<TAB>U+XXXX[ U+XXXX...][<TAB>shown[<TAB>note]] ---- */

static int tsv_bad(tcpl_error *err, const char *file, int line, const char *why)
{
    char where[32];
    snprintf(where, sizeof where, "line %d", line);
    return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", file, where, "%s", why);
}

static int parse_hex(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    if (n == 0 || n > 6)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int c = ascii_lower((unsigned char)s[i]);
        if (c >= '0' && c <= '9')
            v = v * 16 + (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v * 16 + (uint32_t)(c - 'a' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Checks the optional "shown" column against the code points: the
 * characters themselves, or combining marks drawn on U+25CC. */
static int shown_matches(const char *s, size_t n, const legacy_entry *e)
{
    size_t pos = 0, k = 0;
    int first = 1;
    while (pos < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r =
            utf8proc_iterate((const utf8proc_uint8_t *)s + pos, (utf8proc_ssize_t)(n - pos), &cp);
        if (r <= 0)
            return 0;
        pos += (size_t)r;
        if (first && cp == 0x25CC && e->n && utf8proc_category(e->cp[0]) == UTF8PROC_CATEGORY_MN) {
            first = 0;
            continue;
        }
        first = 0;
        if (k >= e->n || (uint32_t)cp != e->cp[k])
            return 0;
        k++;
    }
    return k == e->n;
}

static int parse_line(legacy_table *t, const char *file, int lineno, const char *s, size_t n,
                      tcpl_error *err)
{
    const char *f[4];
    size_t fl[4];
    size_t nf = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\t') {
            if (nf == 4)
                return tsv_bad(err, file, lineno, "more than 4 tab-separated columns");
            f[nf] = s + start;
            fl[nf++] = i - start;
            start = i + 1;
        }
    }
    if (nf < 2)
        return tsv_bad(err, file, lineno, "want: byte<TAB>U+XXXX");
    uint32_t byte;
    if (fl[0] != 4 || f[0][0] != '0' || ascii_lower((unsigned char)f[0][1]) != 'x' ||
        parse_hex(f[0] + 2, 2, &byte) < 0)
        return tsv_bad(err, file, lineno, "byte must be written 0xHH");
    legacy_entry e = {0};
    const char *p = f[1], *end = f[1] + fl[1];
    while (p < end) {
        if (*p == ' ') {
            p++;
            continue;
        }
        const char *q = p;
        while (q < end && *q != ' ')
            q++;
        uint32_t cp;
        if (q - p < 3 || p[0] != 'U' || p[1] != '+' ||
            parse_hex(p + 2, (size_t)(q - p - 2), &cp) < 0 || cp == 0 || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return tsv_bad(err, file, lineno, "code points must be written U+XXXX");
        if (e.n == TCPL_LEGACY_MAX_CPS)
            return tsv_bad(err, file, lineno, "too many code points for one byte");
        e.cp[e.n++] = cp;
        p = q;
    }
    if (e.n == 0)
        return tsv_bad(err, file, lineno, "no code point");
    if (nf >= 3 && fl[2] > 0 && !shown_matches(f[2], fl[2], &e))
        return tsv_bad(err, file, lineno, "the character column does not match the code points");
    if (t->map[byte].n)
        return tsv_bad(err, file, lineno, "byte listed twice");
    t->map[byte] = e;
    return 0;
}

static int load_table(legacy_table *t, const tcpl_ctx *ctx, const char *file, tcpl_error *err)
{
    const char *data;
    size_t len;
    int rc = tcpl_ctx_data(&data, &len, ctx, file, err);
    if (rc < 0)
        return rc;
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
        const char *s = data + pos;
        pos += n + (nl ? 1 : 0);
        lineno++;
        if (n && s[n - 1] == '\r')
            n--;
        size_t lead = 0;
        while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
            lead++;
        if (lead == n || s[lead] == '#')
            continue;
        rc = parse_line(t, file, lineno, s, n, err);
        if (rc < 0)
            return rc;
    }
    t->loaded = 1;
    return 0;
}

/* ---- fonts.yaml ---- */

static int rule_bad(tcpl_error *err, yaml_node_t *node, const char *why)
{
    char where[32];
    snprintf(where, sizeof where, "line %d", tcpl_yaml_line(node));
    return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", FONTS_FILE, where, "%s", why);
}

static int parse_rule(tcpl_legacy *lg, tcpl_yaml *y, yaml_node_t *item, font_rule *r,
                      const tcpl_ctx *ctx, tcpl_error *err)
{
    const char *prefix = tcpl_yaml_str(tcpl_yaml_get(y, item, "prefix"));
    const char *name = tcpl_yaml_str(tcpl_yaml_get(y, item, "name"));
    const char *suffix = tcpl_yaml_str(tcpl_yaml_get(y, item, "suffix"));
    const char *enc = tcpl_yaml_str(tcpl_yaml_get(y, item, "encoding"));
    const char *caps = tcpl_yaml_str(tcpl_yaml_get(y, item, "caps"));
    if (!prefix == !name)
        return rule_bad(err, item, "a font rule needs exactly one of prefix or name");
    const char *head = prefix ? prefix : name;
    if (!*head || strlen(head) >= TCPL_LEGACY_MAX_NAME ||
        (suffix && strlen(suffix) >= TCPL_LEGACY_MAX_NAME))
        return rule_bad(err, item, "font name part empty or too long");
    int e = -1;
    for (int i = 0; enc && i < ENC_COUNT; i++)
        if (!strcmp(enc, encodings[i].name))
            e = i;
    if (e < 0)
        return rule_bad(err, item, "encoding must be tcvn3 or vni");
    int is_cap = 0;
    if (caps && (!strcmp(caps, "true") || !strcmp(caps, "yes")))
        is_cap = 1;
    else if (caps && strcmp(caps, "false") && strcmp(caps, "no"))
        return rule_bad(err, item, "caps must be true or false");
    r->prefix_len = strlen(head);
    for (size_t i = 0; i < r->prefix_len; i++)
        r->prefix[i] = (char)ascii_lower((unsigned char)head[i]);
    r->prefix[r->prefix_len] = 0;
    r->exact = name != NULL;
    if (suffix) {
        r->suffix_len = strlen(suffix);
        memcpy(r->suffix, suffix, r->suffix_len + 1);
    }
    r->kind = is_cap ? encodings[e].caps : encodings[e].plain;
    lg->first[(unsigned char)r->prefix[0]] = 1;
    if (!lg->tables[e].loaded)
        return load_table(&lg->tables[e], ctx, encodings[e].file, err);
    return 0;
}

int tcpl_legacy_load(tcpl_legacy **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    int rc = 0;
    tcpl_yaml y;
    *out = NULL;
    tcpl_legacy *lg = calloc(1, sizeof *lg);
    if (!lg)
        return TCPL_NOMEM(err, FONTS_FILE);
    TCPL_CHECK(tcpl_yaml_load(&y, ctx, FONTS_FILE, err));
    yaml_node_t *fonts = tcpl_yaml_get(&y, tcpl_yaml_root(&y), "fonts");
    size_t n = tcpl_yaml_len(fonts);
    if (!fonts || fonts->type != YAML_SEQUENCE_NODE) {
        rc = rule_bad(err, tcpl_yaml_root(&y), "want a list under fonts:");
        goto out;
    }
    if (n > TCPL_LEGACY_MAX_RULES) {
        rc = rule_bad(err, fonts, "too many font rules");
        goto out;
    }
    lg->rules = calloc(n ? n : 1, sizeof *lg->rules);
    if (!lg->rules) {
        rc = TCPL_NOMEM(err, FONTS_FILE);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = tcpl_yaml_item(&y, fonts, i);
        if (!item || item->type != YAML_MAPPING_NODE) {
            rc = rule_bad(err, item ? item : fonts, "each font rule is a mapping");
            goto out;
        }
        TCPL_CHECK(parse_rule(lg, &y, item, &lg->rules[i], ctx, err));
        lg->nrules++;
    }
out:
    tcpl_yaml_free(&y);
    if (rc < 0) {
        tcpl_legacy_free(lg);
        return rc;
    }
    *out = lg;
    return 0;
}

void tcpl_legacy_free(tcpl_legacy *lg)
{
    if (!lg)
        return;
    free(lg->rules);
    free(lg);
}

static int rule_matches(const font_rule *r, const char *font, size_t len)
{
    if (len < r->prefix_len + r->suffix_len || (r->exact && len != r->prefix_len))
        return 0;
    for (size_t i = 0; i < r->prefix_len; i++)
        if (ascii_lower((unsigned char)font[i]) != r->prefix[i])
            return 0;
    return !r->suffix_len || !memcmp(font + len - r->suffix_len, r->suffix, r->suffix_len);
}

tcpl_legacy_kind tcpl_legacy_font_kind(const tcpl_legacy *lg, const char *font)
{
    if (!lg || !font || !lg->first[(unsigned char)ascii_lower((unsigned char)font[0])])
        return TCPL_LEGACY_NONE;
    size_t len = strlen(font);
    for (size_t i = 0; i < lg->nrules; i++)
        if (rule_matches(&lg->rules[i], font, len))
            return lg->rules[i].kind;
    return TCPL_LEGACY_NONE;
}

static int put_cp(tcpl_buf *b, int32_t cp, int caps)
{
    return tcpl_buf_put_utf8(b, (unsigned)(caps ? utf8proc_toupper(cp) : cp));
}

int tcpl_legacy_convert(const tcpl_legacy *lg, tcpl_legacy_kind kind, const char *in, size_t len,
                        tcpl_buf *out)
{
    const legacy_table *t = lg ? table_for(lg, kind) : NULL;
    if (!t || !t->loaded)
        return tcpl_buf_put(out, in, len);
    int caps = is_caps(kind);
    tcpl_buf tmp;
    tcpl_buf_init(&tmp);
    size_t pos = 0;
    while (pos < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)in + pos,
                                              (utf8proc_ssize_t)(len - pos), &cp);
        if (r <= 0) { /* libxml2 hands over valid UTF-8; be safe anyway */
            cp = 0xFFFD;
            r = 1;
        }
        pos += (size_t)r;
        int b = legacy_byte(cp);
        const legacy_entry *e = b >= 0 ? &t->map[b] : NULL;
        if (e && e->n) {
            for (int i = 0; i < e->n; i++)
                put_cp(&tmp, (int32_t)e->cp[i], caps);
        } else {
            put_cp(&tmp, cp, caps);
        }
    }
    if (!tcpl_buf_ok(&tmp)) {
        tcpl_buf_free(&tmp);
        return TCPL_ERR_NOMEM;
    }
    if (tmp.len == 0) {
        tcpl_buf_free(&tmp);
        return 0;
    }
    /* VNI marks follow their base letter: compose them, and keep every
     * output NFC like the rest of the document text (runs of marks bounded
     * as there, so a hostile run stays linear). */
    int rc = tcpl_nfc_append(out, tmp.data, tmp.len);
    tcpl_buf_free(&tmp);
    return rc;
}
