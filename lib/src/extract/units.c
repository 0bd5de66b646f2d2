#include "extract/units.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/data.h"
#include "base/error.h"
#include "base/vec.h"

#define UNITS_FILE "units.yaml"

typedef struct abbr {
    const char *abbr; /* as written, matched case-sensitively */
    size_t alen;
    const char *full;
} abbr;

typedef struct alias {
    const char *key;       /* folded normalized variant */
    const char *canonical; /* as written in the data file */
} alias;

/* A list of folded phrases, longest first so the longest one wins. */
typedef struct phrases {
    const char **p;
    size_t *len; /* strlen of each */
    size_t n;
    /* The first bytes the phrases start with (a bit per byte value), made
     * from the data when loaded: a position whose byte is none of them
     * matches no phrase, and is passed after one test instead of n. */
    unsigned char first[32];
} phrases;

struct tcpl_units {
    tcpl_arena arena;
    abbr *abbrs;
    size_t nabbr;
    alias *aliases;
    size_t nalias;
    phrases protect, nouns, intro, heads, markers, dotted, posts;
    const char *and_word;   /* "và ": a leading conjunction trimmed off a unit */
    const char *level_word; /* "cấp ": "UBND cấp huyện, cấp xã" borrows the head */
    /* Names already made canonical (tcpl_units_canonical), shared by the
     * threads under memo_lock: a batch meets the same few dozen unit names
     * in every plan, and normalizing one (decode, tone placement, NFC,
     * folding) costs ~35,000 instructions.  Open addressing, never
     * removed; full at TCPL_UNITS_MEMO_FILL entries, then names are
     * computed every time as before.  The result is the same either way. */
    pthread_mutex_t memo_lock;
    struct memo_entry *memo; /* TCPL_UNITS_MEMO_SLOTS, calloc'd on first use */
    size_t memo_used;
    size_t computed; /* names normalized in full (tcpl_units_computed) */
};

/* One remembered name: the bytes asked for, and what make_key gave. */
typedef struct memo_entry {
    char *in; /* NULL: empty slot; one allocation holding in and norm */
    size_t len;
    uint32_t hash;
    const char *alias; /* borrowed from the alias table, or NULL */
    const char *norm;
} memo_entry;

/* ---- code points ---- */

typedef struct cpv {
    int32_t *cp;
    size_t *off; /* byte offset of cp[i] in the source; off[n] = source length */
    size_t n;
} cpv;

static void cpv_free(cpv *v)
{
    free(v->cp);
    free(v->off);
    memset(v, 0, sizeof *v);
}

static int cpv_decode(const char *s, size_t len, cpv *v)
{
    memset(v, 0, sizeof *v);
    v->cp = malloc((len + 1) * sizeof *v->cp);
    v->off = malloc((len + 1) * sizeof *v->off);
    if (!v->cp || !v->off) {
        cpv_free(v);
        return TCPL_ERR_NOMEM;
    }
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) { /* invalid byte: keep going, one byte at a time */
            c = 0xFFFD;
            k = 1;
        }
        v->cp[v->n] = c;
        v->off[v->n++] = i;
        i += (size_t)k;
    }
    v->off[v->n] = len;
    return 0;
}

static int is_space_cp(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

static int is_dash_cp(int32_t c)
{
    return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

static int is_word_cp(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_MN) ||
           (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO) || k == UTF8PROC_CATEGORY_MC;
}

static int is_tone_mark(int32_t m)
{
    return m == 0x300 || m == 0x301 || m == 0x303 || m == 0x309 || m == 0x323;
}

/* Base letter and marks of c: returns the number of marks, *tone the tone
 * mark (0 if none). */
static int decompose(int32_t c, int32_t *base, int32_t *tone)
{
    utf8proc_int32_t d[8];
    int last = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 8, UTF8PROC_DECOMPOSE, &last);
    *tone = 0;
    if (n < 1 || n > 8) {
        *base = c;
        return 0;
    }
    *base = d[0];
    for (utf8proc_ssize_t i = 1; i < n; i++)
        if (is_tone_mark(d[i]))
            *tone = d[i];
    return (int)(n - 1);
}

static int32_t compose2(int32_t base, int32_t mark)
{
    utf8proc_uint8_t in[16];
    utf8proc_ssize_t k = utf8proc_encode_char(base, in);
    k += utf8proc_encode_char(mark, in + k);
    in[k] = 0;
    utf8proc_uint8_t *out = utf8proc_NFC(in);
    int32_t c = base;
    if (out) {
        utf8proc_int32_t r;
        if (utf8proc_iterate(out, -1, &r) > 0)
            c = r;
        free(out);
    }
    return c;
}

static int is_vowel_base(int32_t b)
{
    b = utf8proc_tolower(b);
    return b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u' || b == 'y';
}

/* Canonical tone placement: in an open syllable ending in oa, oe or uy the
 * tone sits on the first vowel ("hòa", "khỏe", "Ủy", "thủy"), not on the
 * second ("hoà", "khoẻ", "Uỷ", "thuỷ").  "qu" + y keeps it on y ("quý"). */
static void tone_fix_word(int32_t *cp, size_t a, size_t b)
{
    if (b - a < 2)
        return;
    int32_t b1, b2, t1, t2;
    int m1 = decompose(cp[b - 2], &b1, &t1);
    int m2 = decompose(cp[b - 1], &b2, &t2);
    if (m1 != 0 || m2 != 1 || !t2)
        return;
    int32_t l1 = utf8proc_tolower(b1), l2 = utf8proc_tolower(b2);
    if (!((l1 == 'o' && (l2 == 'a' || l2 == 'e')) || (l1 == 'u' && l2 == 'y')))
        return;
    for (size_t i = a; i < b - 2; i++) {
        int32_t bi, ti;
        if (decompose(cp[i], &bi, &ti) != 0 || is_vowel_base(bi))
            return;
    }
    if (l1 == 'u' && b - 2 > a && utf8proc_tolower(cp[b - 3]) == 'q')
        return;
    cp[b - 2] = compose2(b1, t2);
    cp[b - 1] = b2;
}

static void tone_fix(cpv *v)
{
    size_t i = 0;
    while (i < v->n) {
        if (!is_word_cp(v->cp[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < v->n && is_word_cp(v->cp[i]))
            i++;
        tone_fix_word(v->cp, a, i);
    }
}

/* ---- folded view: the text as matched ---- */

/* Lower case, tone placement fixed, every dash " - ", whitespace runs one
 * space, no leading space.  map[i] is the source byte offset of f[i]. */
typedef struct fview {
    char *f;
    size_t n;
    size_t *map;
} fview;

static void fview_free(fview *v)
{
    free(v->f);
    free(v->map);
    memset(v, 0, sizeof *v);
}

static int fview_put(fview *v, size_t *cap, const char *p, size_t k, size_t off)
{
    if (v->n + k + 1 > *cap) {
        size_t nc = (*cap + k + 1) * 2;
        char *nf = realloc(v->f, nc);
        if (!nf)
            return TCPL_ERR_NOMEM;
        v->f = nf;
        size_t *nm = realloc(v->map, (nc + 1) * sizeof *nm);
        if (!nm)
            return TCPL_ERR_NOMEM;
        v->map = nm;
        *cap = nc;
    }
    for (size_t i = 0; i < k; i++) {
        v->f[v->n] = p[i];
        v->map[v->n++] = off;
    }
    v->f[v->n] = 0;
    return 0;
}

static int fview_build(const char *s, size_t len, fview *v)
{
    cpv c;
    int rc = cpv_decode(s, len, &c);
    memset(v, 0, sizeof *v);
    if (rc < 0)
        return rc;
    tone_fix(&c);
    size_t cap = 0;
    int pending = 0;
    size_t pend_off = 0;
    rc = fview_put(v, &cap, "", 0, 0);
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        int32_t ch = c.cp[i];
        if (is_space_cp(ch)) {
            if (!pending)
                pend_off = c.off[i];
            pending = 1;
            continue;
        }
        if (is_dash_cp(ch)) {
            if (v->n > 0)
                rc = fview_put(v, &cap, " ", 1, pending ? pend_off : c.off[i]);
            if (rc == 0)
                rc = fview_put(v, &cap, "-", 1, c.off[i]);
            pending = 1;
            pend_off = c.off[i + 1];
            continue;
        }
        if (pending && v->n > 0)
            rc = fview_put(v, &cap, " ", 1, pend_off);
        pending = 0;
        utf8proc_uint8_t u8[4];
        utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_tolower(ch), u8);
        if (rc == 0)
            rc = fview_put(v, &cap, (const char *)u8, (size_t)k, c.off[i]);
    }
    if (rc == 0) {
        /* a trailing space maps nowhere useful: drop it */
        while (v->n > 0 && v->f[v->n - 1] == ' ')
            v->f[--v->n] = 0;
        v->map[v->n] = len;
    }
    cpv_free(&c);
    if (rc < 0)
        fview_free(v);
    return rc;
}

static char *fold_dup(tcpl_arena *a, const char *s)
{
    fview v;
    if (fview_build(s, strlen(s), &v) < 0)
        return NULL;
    char *r = tcpl_arena_strndup(a, v.f, v.n);
    fview_free(&v);
    return r;
}

/* Is the byte before f[i] (a code point) a word character? */
static int word_before(const char *f, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)f[j] & 0xC0) == 0x80)
        j--;
    utf8proc_int32_t c;
    if (utf8proc_iterate((const utf8proc_uint8_t *)f + j, (utf8proc_ssize_t)(i - j), &c) <= 0)
        return 0;
    return is_word_cp(c);
}

static int word_at(const char *f, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    utf8proc_int32_t c;
    if (utf8proc_iterate((const utf8proc_uint8_t *)f + i, (utf8proc_ssize_t)(n - i), &c) <= 0)
        return 0;
    return is_word_cp(c);
}

/* End of phrase p (k bytes) matched at f[i] with word boundaries on both
 * sides, or 0. */
static size_t match_at_len(const char *f, size_t n, size_t i, const char *p, size_t k)
{
    if (k == 0 || i + k > n || memcmp(f + i, p, k) != 0)
        return 0;
    if (word_at(p, k, 0) && word_before(f, i))
        return 0;
    if (word_before(p, k) && word_at(f, n, i + k))
        return 0;
    return i + k;
}

/* The first phrase of ps matched at f[i] (its end), or 0; *steps (may be
 * NULL) counts the phrases compared. */
static size_t match_any_counted(const char *f, size_t n, size_t i, const phrases *ps, size_t *steps)
{
    if (i >= n)
        return 0;
    unsigned char c = (unsigned char)f[i];
    if (!(ps->first[c >> 3] & (1u << (c & 7))))
        return 0;
    for (size_t j = 0; j < ps->n; j++) {
        if (steps)
            (*steps)++;
        size_t e = match_at_len(f, n, i, ps->p[j], ps->len[j]);
        if (e)
            return e;
    }
    return 0;
}

/* ---- canonical names ---- */

static const abbr *find_abbr(const tcpl_units *u, const char *w, size_t k)
{
    for (size_t i = 0; i < u->nabbr; i++)
        if (u->abbrs[i].alen == k && !memcmp(u->abbrs[i].abbr, w, k))
            return &u->abbrs[i];
    return NULL;
}

/* Normalized name into b (not yet NFC). */
static int normalize(const tcpl_units *u, const char *s, size_t len, tcpl_buf *b)
{
    cpv c;
    int rc = cpv_decode(s, len, &c);
    if (rc < 0)
        return rc;
    tone_fix(&c);
    int pending = 0;
    tcpl_buf w;
    tcpl_buf_init(&w);
    for (size_t i = 0; i < c.n;) {
        int32_t ch = c.cp[i];
        if (is_space_cp(ch)) {
            pending = 1;
            i++;
            continue;
        }
        if (is_dash_cp(ch)) {
            if (b->len > 0)
                tcpl_buf_putc(b, ' ');
            tcpl_buf_putc(b, '-');
            pending = 1;
            i++;
            continue;
        }
        /* no space before closing punctuation */
        if (pending && b->len > 0 && !(ch == ',' || ch == ')' || ch == ';' || ch == '.'))
            tcpl_buf_putc(b, ' ');
        pending = 0;
        if (!is_word_cp(ch)) {
            tcpl_buf_put_utf8(b, (unsigned)ch);
            i++;
            continue;
        }
        tcpl_buf_reset(&w);
        while (i < c.n && is_word_cp(c.cp[i]))
            tcpl_buf_put_utf8(&w, (unsigned)c.cp[i++]);
        const abbr *a = w.len ? find_abbr(u, w.data, w.len) : NULL;
        if (a)
            tcpl_buf_puts(b, a->full);
        else if (w.len)
            tcpl_buf_put(b, w.data, w.len);
    }
    if (!tcpl_buf_ok(&w) || !tcpl_buf_ok(b))
        rc = TCPL_ERR_NOMEM;
    tcpl_buf_free(&w);
    cpv_free(&c);
    return rc;
}

/* NFC and first letter capital, into a fresh malloc'd string. */
static char *finish(const char *s)
{
    utf8proc_uint8_t *n = utf8proc_NFC((const utf8proc_uint8_t *)s);
    if (!n)
        return NULL;
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(n, -1, &c);
    if (k > 0) {
        int32_t up = utf8proc_toupper(c);
        utf8proc_uint8_t u8[4];
        if (up != c && utf8proc_encode_char(up, u8) == k)
            memcpy(n, u8, (size_t)k);
    }
    return (char *)n;
}

static int cmp_alias(const void *a, const void *b)
{
    return strcmp(((const alias *)a)->key, ((const alias *)b)->key);
}

static const char *lookup(const tcpl_units *u, const char *key)
{
    alias k = {key, NULL};
    const alias *r = u->nalias ? bsearch(&k, u->aliases, u->nalias, sizeof k, cmp_alias) : NULL;
    return r ? r->canonical : NULL;
}

/* Normalized, folded name: the alias key.  malloc'd in *key. */
static int make_key(const tcpl_units *u, const char *s, size_t len, char **norm, char **key)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    fview v = {0};
    *norm = *key = NULL;
    int rc = normalize(u, s, len, &b);
    if (rc < 0)
        goto out;
    *norm = finish(b.data ? b.data : "");
    if (!*norm) {
        rc = TCPL_ERR_NOMEM;
        goto out;
    }
    rc = fview_build(*norm, strlen(*norm), &v);
    if (rc < 0)
        goto out;
    *key = v.f;
    v.f = NULL;
    if (!*key)
        *key = strdup("");
    if (!*key)
        rc = TCPL_ERR_NOMEM;
out:
    fview_free(&v);
    tcpl_buf_free(&b);
    if (rc < 0) {
        free(*norm);
        free(*key);
        *norm = *key = NULL;
    }
    return rc;
}

static size_t copy_cut(char *dst, size_t size, const char *src, int *truncated)
{
    size_t n = strlen(src);
    if (truncated)
        *truncated = 0;
    if (size == 0)
        return 0;
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
        if (truncated)
            *truncated = 1;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
    return n;
}

static uint32_t memo_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot holding s[0..len), or the empty slot where it would go; NULL
 * when the table is not there.  Called under memo_lock. */
static memo_entry *memo_slot(const tcpl_units *u, const char *s, size_t len, uint32_t h)
{
    if (!u->memo)
        return NULL;
    for (size_t i = h & (TCPL_UNITS_MEMO_SLOTS - 1);; i = (i + 1) & (TCPL_UNITS_MEMO_SLOTS - 1)) {
        memo_entry *e = &u->memo[i];
        if (!e->in || (e->hash == h && e->len == len && !memcmp(e->in, s, len)))
            return e;
    }
}

/* Remembers s -> (alias, norm) if there is room; a failed allocation only
 * means it is not remembered. */
static void memo_add(tcpl_units *u, const char *s, size_t len, uint32_t h, const char *found,
                     const char *norm)
{
    size_t nlen = strlen(norm);
    if (len > TCPL_UNITS_MEMO_KEY_MAX || nlen > TCPL_UNITS_MEMO_KEY_MAX)
        return;
    pthread_mutex_lock(&u->memo_lock);
    if (!u->memo && u->memo_used == 0)
        u->memo = calloc(TCPL_UNITS_MEMO_SLOTS, sizeof *u->memo);
    memo_entry *e = u->memo_used < TCPL_UNITS_MEMO_FILL ? memo_slot(u, s, len, h) : NULL;
    if (e && !e->in) {
        char *p = malloc(len + 1 + nlen + 1);
        if (p) {
            memcpy(p, s, len);
            p[len] = 0;
            memcpy(p + len + 1, norm, nlen + 1);
            e->len = len;
            e->hash = h;
            e->alias = found;
            e->norm = p + len + 1;
            e->in = p;
            u->memo_used++;
        }
    }
    pthread_mutex_unlock(&u->memo_lock);
}

int tcpl_units_canonical(const tcpl_units *cu, const char *s, size_t len, char *buf, size_t size,
                         const char **alias_out, int *truncated)
{
    /* The memo is the one part of a tcpl_units that changes after
     * tcpl_units_new; it is guarded by memo_lock. */
    tcpl_units *u = (tcpl_units *)cu;
    char *norm, *key;
    *alias_out = NULL;
    if (size)
        buf[0] = 0;
    uint32_t h = memo_hash(s, len);
    pthread_mutex_lock(&u->memo_lock);
    memo_entry *e = memo_slot(u, s, len, h);
    if (e && e->in) {
        *alias_out = e->alias;
        copy_cut(buf, size, e->alias ? e->alias : e->norm, truncated);
        pthread_mutex_unlock(&u->memo_lock);
        return 0;
    }
    u->computed++;
    pthread_mutex_unlock(&u->memo_lock);
    int rc = make_key(u, s, len, &norm, &key);
    if (rc < 0)
        return rc;
    *alias_out = lookup(u, key);
    copy_cut(buf, size, *alias_out ? *alias_out : norm, truncated);
    memo_add(u, s, len, h, *alias_out, norm);
    free(norm);
    free(key);
    return 0;
}

size_t tcpl_units_computed(const tcpl_units *cu)
{
    tcpl_units *u = (tcpl_units *)cu;
    pthread_mutex_lock(&u->memo_lock);
    size_t n = u->computed;
    pthread_mutex_unlock(&u->memo_lock);
    return n;
}

const char *tcpl_unit_canonical(const tcpl_unit *unit)
{
    return unit->alias ? unit->alias : unit->norm;
}

/* ---- loading ---- */

static int cmp_len_desc(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

static int load_phrases(tcpl_units *u, tcpl_yaml *y, const char *key, phrases *out, tcpl_error *err)
{
    yaml_node_t *seq = tcpl_yaml_get(y, tcpl_yaml_root(y), key);
    size_t n = tcpl_yaml_len(seq);
    if (!n)
        return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", UNITS_FILE, NULL,
                        "'%s' must be a non-empty list", key);
    out->p = tcpl_arena_alloc(&u->arena, n * sizeof *out->p);
    if (!out->p)
        return TCPL_NOMEM(err, UNITS_FILE);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *it = tcpl_yaml_item(y, seq, i);
        const char *t = tcpl_yaml_str(it);
        if (!t || !*t) {
            char where[32];
            snprintf(where, sizeof where, "line %d", tcpl_yaml_line(it));
            return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", UNITS_FILE, where,
                            "'%s' items must be text", key);
        }
        const char *f = fold_dup(&u->arena, t);
        if (!f)
            return TCPL_NOMEM(err, UNITS_FILE);
        out->p[out->n++] = f;
    }
    qsort(out->p, out->n, sizeof *out->p, cmp_len_desc);
    out->len = tcpl_arena_alloc(&u->arena, n * sizeof *out->len);
    if (!out->len)
        return TCPL_NOMEM(err, UNITS_FILE);
    memset(out->first, 0, sizeof out->first);
    for (size_t i = 0; i < out->n; i++) {
        unsigned char c = (unsigned char)out->p[i][0];
        out->len[i] = strlen(out->p[i]);
        out->first[c >> 3] |= (unsigned char)(1u << (c & 7));
    }
    return 0;
}

static int add_alias(tcpl_units *u, tcpl_vec *all, const char *variant, const char *canonical,
                     tcpl_error *err)
{
    char *norm, *key;
    if (make_key(u, variant, strlen(variant), &norm, &key) < 0)
        return TCPL_NOMEM(err, UNITS_FILE);
    free(norm);
    const char *k = tcpl_arena_strdup(&u->arena, key);
    free(key);
    alias *a = k ? tcpl_vec_push(all) : NULL;
    if (!a)
        return TCPL_NOMEM(err, UNITS_FILE);
    a->key = k;
    a->canonical = canonical;
    return 0;
}

static int load_aliases(tcpl_units *u, tcpl_yaml *y, tcpl_error *err)
{
    yaml_node_t *seq = tcpl_yaml_get(y, tcpl_yaml_root(y), "aliases");
    tcpl_vec all = TCPL_VEC_INIT(alias);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < tcpl_yaml_len(seq); i++) {
        yaml_node_t *it = tcpl_yaml_item(y, seq, i);
        const char *canon = tcpl_yaml_str(tcpl_yaml_get(y, it, "canonical"));
        if (!canon || !*canon) {
            char where[32];
            snprintf(where, sizeof where, "line %d", tcpl_yaml_line(it));
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", UNITS_FILE, where,
                          "an alias needs 'canonical'");
            break;
        }
        const char *c = tcpl_arena_strdup(&u->arena, canon);
        rc = c ? add_alias(u, &all, canon, c, err) : TCPL_NOMEM(err, UNITS_FILE);
        yaml_node_t *vs = tcpl_yaml_get(y, it, "variants");
        for (size_t j = 0; rc == 0 && j < tcpl_yaml_len(vs); j++) {
            const char *v = tcpl_yaml_str(tcpl_yaml_item(y, vs, j));
            if (v)
                rc = add_alias(u, &all, v, c, err);
        }
    }
    /* the table is the units' either way: tcpl_units_free frees it */
    u->aliases = tcpl_vec_detach(&all, &u->nalias);
    if (rc < 0)
        return rc;
    if (u->nalias)
        qsort(u->aliases, u->nalias, sizeof *u->aliases, cmp_alias);
    for (size_t i = 1; i < u->nalias; i++)
        if (!strcmp(u->aliases[i].key, u->aliases[i - 1].key) &&
            strcmp(u->aliases[i].canonical, u->aliases[i - 1].canonical))
            return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", UNITS_FILE, NULL,
                            "'%s' is an alias of two names", u->aliases[i].key);
    return 0;
}

static int load_abbrs(tcpl_units *u, tcpl_yaml *y, tcpl_error *err)
{
    yaml_node_t *map = tcpl_yaml_get(y, tcpl_yaml_root(y), "abbreviations");
    size_t n = tcpl_yaml_map_len(map);
    u->abbrs = tcpl_arena_alloc(&u->arena, (n ? n : 1) * sizeof *u->abbrs);
    if (!u->abbrs)
        return TCPL_NOMEM(err, UNITS_FILE);
    for (size_t i = 0; i < n; i++) {
        const char *k = tcpl_yaml_str(tcpl_yaml_map_key(y, map, i));
        const char *v = tcpl_yaml_str(tcpl_yaml_map_value(y, map, i));
        if (!k || !v || !*k)
            return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", UNITS_FILE, NULL,
                            "abbreviations: each entry is ABBR: full text");
        abbr *a = &u->abbrs[u->nabbr++];
        a->abbr = tcpl_arena_strdup(&u->arena, k);
        a->full = tcpl_arena_strdup(&u->arena, v);
        if (!a->abbr || !a->full)
            return TCPL_NOMEM(err, UNITS_FILE);
        a->alen = strlen(k);
    }
    return 0;
}

int tcpl_units_new(tcpl_units **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    int rc = 0;
    tcpl_yaml y = {0};
    *out = NULL;
    tcpl_units *u = calloc(1, sizeof *u);
    if (!u)
        return TCPL_NOMEM(err, UNITS_FILE);
    tcpl_arena_init(&u->arena);
    if (pthread_mutex_init(&u->memo_lock, NULL) != 0) {
        free(u);
        return TCPL_NOMEM(err, UNITS_FILE);
    }
    TCPL_CHECK(tcpl_yaml_load(&y, ctx, UNITS_FILE, err));
    /* abbreviations first: alias keys are expanded with them */
    TCPL_CHECK(load_abbrs(u, &y, err));
    TCPL_CHECK(load_aliases(u, &y, err));
    TCPL_CHECK(load_phrases(u, &y, "protected", &u->protect, err));
    TCPL_CHECK(load_phrases(u, &y, "group_nouns", &u->nouns, err));
    TCPL_CHECK(load_phrases(u, &y, "group_intro", &u->intro, err));
    {
        /* Both end with a space: they are whole words before the next one. */
        const char *aw = tcpl_yaml_str(tcpl_yaml_get(&y, tcpl_yaml_root(&y), "conjunction"));
        const char *lw = tcpl_yaml_str(tcpl_yaml_get(&y, tcpl_yaml_root(&y), "level_word"));
        tcpl_buf t;
        tcpl_buf_init(&t);
        tcpl_buf_printf(&t, "%s ", aw ? aw : "");
        u->and_word = aw ? tcpl_arena_strdup(&u->arena, t.data) : "";
        tcpl_buf_reset(&t);
        tcpl_buf_printf(&t, "%s ", lw ? lw : "");
        u->level_word = lw ? tcpl_arena_strdup(&u->arena, t.data) : "";
        tcpl_buf_free(&t);
        if (!u->and_word || !u->level_word) {
            rc = TCPL_NOMEM(err, UNITS_FILE);
            goto out;
        }
    }
    TCPL_CHECK(load_phrases(u, &y, "heads", &u->heads, err));
    TCPL_CHECK(load_phrases(u, &y, "post_heads", &u->posts, err));
    TCPL_CHECK(load_phrases(u, &y, "clause_markers", &u->markers, err));
    TCPL_CHECK(load_phrases(u, &y, "dotted_abbreviations", &u->dotted, err));
out:
    tcpl_yaml_free(&y);
    if (rc < 0) {
        tcpl_units_free(u);
        return rc;
    }
    *out = u;
    return 0;
}

void tcpl_units_free(tcpl_units *u)
{
    if (!u)
        return;
    free(u->aliases);
    if (u->memo)
        for (size_t i = 0; i < TCPL_UNITS_MEMO_SLOTS; i++)
            free(u->memo[i].in);
    free(u->memo);
    pthread_mutex_destroy(&u->memo_lock);
    tcpl_arena_free(&u->arena);
    free(u);
}

/* ---- splitting ---- */

typedef struct range {
    size_t a, b;
} range;

typedef struct scan {
    const tcpl_units *u;
    const char *s;
    size_t len;
    fview v;
    tcpl_vec prot; /* of range */
    tcpl_unit *out;
    size_t max, count;
    int over;
    size_t steps; /* phrase comparisons made: the work done, for the tests */
    /* Group state for the current segment (group_comma): kept between
     * commas so each comma costs only the text since the last one. */
    size_t g_seg, g_scan, g_intro_end, g_chk;
    int g_ok;
    /* A post head ("Công chức") printed on a unit: later units that start
     * with no head borrow it (a list of posts).  Source byte range. */
    size_t post_a, post_b;
} scan;

/* match_any through the scan, counting its work. */
static size_t sc_match(scan *sc, size_t i, const phrases *ps)
{
    return match_any_counted(sc->v.f, sc->v.n, i, ps, &sc->steps);
}

static int find_protected(scan *sc)
{
    const char *f = sc->v.f;
    size_t n = sc->v.n;
    for (size_t i = 0; i < n; i++) {
        if (word_before(f, i) && word_at(f, n, i))
            continue;
        size_t e = sc_match(sc, i, &sc->u->protect);
        if (!e)
            continue;
        range *r = tcpl_vec_push(&sc->prot);
        if (!r)
            return TCPL_ERR_NOMEM;
        *r = (range){i, e};
        i = e - 1;
    }
    return 0;
}

static size_t skip_spaces(const char *f, size_t n, size_t i)
{
    while (i < n && f[i] == ' ')
        i++;
    return i;
}

/* After a group word ("các"), a run of group nouns: "các sở, ban, ngành"
 * is one group, so the comma at i does not split.  Linear over a segment:
 * the text is searched for the group word and checked for nouns only
 * since the last comma (the state is kept in sc while seg is the same). */
static int group_comma(scan *sc, size_t seg, size_t i)
{
    const char *f = sc->v.f;
    size_t n = sc->v.n;
    if (sc->g_seg != seg) {
        sc->g_seg = seg;
        sc->g_scan = seg;
        sc->g_intro_end = sc->g_chk = 0;
        sc->g_ok = 0;
    }
    /* the last group word before i: the nouns are checked from its end */
    for (; sc->g_scan < i; sc->g_scan++) {
        size_t e = sc_match(sc, sc->g_scan, &sc->u->intro);
        if (e) {
            sc->g_intro_end = sc->g_chk = e;
            sc->g_ok = 1;
        }
    }
    if (!sc->g_intro_end || !sc->g_ok)
        return 0;
    size_t p = sc->g_chk;
    for (;;) {
        while (p < i && (f[p] == ' ' || f[p] == ','))
            p++;
        if (p >= i)
            break;
        size_t e = sc_match(sc, p, &sc->u->nouns);
        if (!e || e > i) {
            sc->g_ok = 0; /* a word that names no body: no group up to the next "các" */
            return 0;
        }
        p = e;
    }
    sc->g_chk = p;
    return sc_match(sc, skip_spaces(f, n, i + 1), &sc->u->nouns) != 0;
}

static int head_follows(scan *sc, size_t i)
{
    return sc_match(sc, skip_spaces(sc->v.f, sc->v.n, i), &sc->u->heads) != 0;
}

/* ". X" with X a capital letter ends a sentence, unless the word before the
 * dot is a dotted abbreviation. */
static int sentence_end(scan *sc, size_t i)
{
    const char *f = sc->v.f;
    size_t n = sc->v.n;
    if (i + 2 > n || f[i + 1] != ' ')
        return 0;
    size_t so = sc->v.map[i + 2];
    utf8proc_int32_t c;
    if (so >= sc->len ||
        utf8proc_iterate((const utf8proc_uint8_t *)sc->s + so, (utf8proc_ssize_t)(sc->len - so),
                         &c) <= 0 ||
        utf8proc_category(c) != UTF8PROC_CATEGORY_LU)
        return 0;
    size_t w = i;
    while (w > 0 && word_before(f, w))
        w--;
    for (size_t j = 0; j < sc->u->dotted.n; j++) {
        const char *d = sc->u->dotted.p[j];
        if (strlen(d) == i - w && !memcmp(f + w, d, i - w))
            return 0;
    }
    return 1;
}

static int is_trim_lead(unsigned char c)
{
    return c == ' ' || c == '-' || c == '+' || c == '*';
}
static int is_trim_tail(unsigned char c)
{
    return c == ' ' || c == '.' || c == ';' || c == ',' || c == ':' || c == '*';
}

static int has_prefix_fold(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        unsigned char a = (unsigned char)s[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (a != (unsigned char)p[i])
            return 0;
    }
    return 1;
}

/* Trims a printed span [a,b) of s: bullets, list words, end punctuation,
 * any whitespace, and the multi-byte bullets and dashes. */
static void trim_span(const tcpl_units *u, const char *s, size_t *a, size_t *b)
{
    for (;;) {
        size_t a0 = *a;
        while (*a < *b && (is_trim_lead((unsigned char)s[*a]) || s[*a] == '\t' || s[*a] == '\n' ||
                           s[*a] == '\r'))
            (*a)++;
        if (*b - *a >= 3 && (!memcmp(s + *a, "\xE2\x80\xA2", 3) ||
                             !memcmp(s + *a, "\xE2\x80\x93", 3) || !memcmp(s + *a, "\xC2\xA0", 2)))
            *a += (unsigned char)s[*a] == 0xC2 ? 2 : 3;
        size_t aw = strlen(u->and_word);
        if (aw && has_prefix_fold(s + *a, *b - *a, u->and_word))
            *a += aw;
        if (*a == a0)
            break;
    }
    for (;;) {
        size_t b0 = *b;
        while (*b > *a && (is_trim_tail((unsigned char)s[*b - 1]) || s[*b - 1] == '\t' ||
                           s[*b - 1] == '\n' || s[*b - 1] == '\r'))
            (*b)--;
        if (*b - *a >= 3 && !memcmp(s + *b - 3, "\xE2\x80\xA6", 3)) /* … */
            *b -= 3;
        if (*b - *a >= 2 && !memcmp(s + *b - 2, "\xC2\xA0", 2))
            *b -= 2;
        if (*b == b0)
            break;
    }
}

static int emit(scan *sc, size_t fa, size_t fb, size_t clause)
{
    size_t a = sc->v.map[fa], b = sc->v.map[fb];
    size_t na = a, nb = b, ca = b, cb = b;
    if (clause != (size_t)-1 && clause > fa && clause < fb) {
        nb = sc->v.map[clause];
        ca = nb;
    }
    trim_span(sc->u, sc->s, &na, &nb);
    if (nb <= na)
        return 0;
    /* "Bộ Tư pháp (B/c)": a closing parenthetical is a note, not the name */
    if (sc->s[nb - 1] == ')') {
        size_t p = nb - 1;
        int d = 0;
        for (;;) {
            if (sc->s[p] == ')')
                d++;
            else if (sc->s[p] == '(' && --d == 0)
                break;
            if (p == na)
                break;
            p--;
        }
        if (d == 0 && p > na) {
            ca = p; /* the note runs from '(' to the end of the item */
            nb = p;
            trim_span(sc->u, sc->s, &na, &nb);
        }
    }
    trim_span(sc->u, sc->s, &ca, &cb);
    if (cb <= ca)
        ca = cb = nb;
    if (sc->count >= sc->max) {
        sc->over = 1;
        return 0;
    }
    tcpl_unit *un = &sc->out[sc->count];
    memset(un, 0, sizeof *un);
    un->start = na;
    un->end = nb;
    un->note_start = ca;
    un->note_end = cb;
    /* "UBND cấp huyện, cấp xã": "cấp xã" borrows the head of the unit before */
    const char *name = sc->s + na;
    size_t nlen = nb - na;
    tcpl_buf b2;
    tcpl_buf_init(&b2);
    const char *lw = sc->u->level_word;
    int borrowed = 0;
    if (sc->count > 0 && lw[0] && has_prefix_fold(name, nlen, lw)) {
        const char *prev = tcpl_unit_canonical(&sc->out[sc->count - 1]);
        const char *last = NULL;
        for (const char *p = strstr(prev, lw); p; p = strstr(p + 1, lw))
            if (p > prev && p[-1] == ' ')
                last = p - 1;
        if (last) {
            tcpl_buf_put(&b2, prev, (size_t)(last - prev) + 1);
            tcpl_buf_put(&b2, name, nlen);
            borrowed = 1;
        }
    }
    if (!borrowed) {
        /* A list of posts: "Công chức Văn phòng - Thống kê, Tài chính - Kế
         * toán, ..., Chính sách - Xã hội": every later unit that starts
         * with no head of its own gets the post head, the last one too. */
        size_t k = fa;
        while (k < fb && sc->v.map[k] < na)
            k++;
        size_t e = sc_match(sc, k, &sc->u->posts);
        if (e && e < sc->v.n) {
            sc->post_a = na;
            sc->post_b = sc->v.map[e];
        } else if (sc->post_b > sc->post_a && !sc_match(sc, k, &sc->u->heads)) {
            tcpl_buf_put(&b2, sc->s + sc->post_a, sc->post_b - sc->post_a);
            tcpl_buf_putc(&b2, ' ');
            tcpl_buf_put(&b2, name, nlen);
            borrowed = 1;
        }
    }
    if (borrowed) {
        if (!tcpl_buf_ok(&b2)) {
            tcpl_buf_free(&b2);
            return TCPL_ERR_NOMEM;
        }
        name = b2.data;
        nlen = b2.len;
    }
    int rc = tcpl_units_canonical(sc->u, name, nlen, un->norm, sizeof un->norm, &un->alias,
                                  &un->truncated);
    tcpl_buf_free(&b2);
    if (rc < 0)
        return rc;
    sc->count++;
    return 0;
}

int tcpl_units_split_counted(const tcpl_units *u, const char *s, size_t len, tcpl_unit *out,
                             size_t max, size_t *count, size_t *steps)
{
    if (!u || (!s && len) || !count || (!out && max))
        return TCPL_ERR_USAGE;
    *count = 0;
    if (steps)
        *steps = 0;
    if (len > TCPL_UNITS_FIELD_MAX)
        return TCPL_ERR_LIMIT;
    scan sc = {.u = u, .s = s ? s : "", .len = len, .out = out, .max = max, .g_seg = (size_t)-1};
    tcpl_vec_init(&sc.prot, sizeof(range));
    int rc = fview_build(sc.s, len, &sc.v);
    if (rc < 0)
        return rc;
    rc = find_protected(&sc);
    const range *prot = TCPL_VEC_DATA(&sc.prot, range);
    size_t nprot = sc.prot.len;
    const char *f = sc.v.f;
    size_t n = sc.v.n, seg = 0, clause = (size_t)-1, pi = 0;
    int depth = 0;
    size_t aw = strlen(u->and_word); /* "và ", from units.yaml */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        while (pi < nprot && prot[pi].b <= i)
            pi++;
        if (pi < nprot && prot[pi].a <= i) {
            i = prot[pi].b - 1;
            continue;
        }
        char c = f[i];
        if (c == '(' || c == '[') {
            depth++;
            continue;
        }
        if ((c == ')' || c == ']') && depth > 0) {
            depth--;
            continue;
        }
        if (depth > 0)
            continue;
        size_t cut_end = 0;
        if (c == ';')
            cut_end = i + 1;
        else if (c == ',') {
            int split = clause != (size_t)-1 ? head_follows(&sc, i + 1) : !group_comma(&sc, seg, i);
            if (split)
                cut_end = i + 1;
        } else if (c == '.' && sentence_end(&sc, i))
            cut_end = i + 1;
        else if (c == ' ' && i > seg && aw && i + 1 + aw <= n &&
                 !strncmp(f + i + 1, u->and_word, aw) && head_follows(&sc, i + 1 + aw))
            cut_end = i + 1 + aw;
        else if (clause == (size_t)-1 && i > seg && !word_before(f, i) && word_at(f, n, i) &&
                 sc_match(&sc, i, &u->markers))
            clause = i;
        if (cut_end) {
            rc = emit(&sc, seg, i, clause);
            seg = cut_end;
            clause = (size_t)-1;
            i = cut_end - 1;
        }
    }
    if (rc == 0 && seg < n)
        rc = emit(&sc, seg, n, clause);
    if (rc == 0 && sc.over)
        rc = TCPL_ERR_LIMIT;
    *count = sc.count;
    if (steps)
        *steps = sc.steps;
    tcpl_vec_free(&sc.prot);
    fview_free(&sc.v);
    return rc;
}

int tcpl_units_split(const tcpl_units *u, const char *s, size_t len, tcpl_unit *out, size_t max,
                     size_t *count)
{
    return tcpl_units_split_counted(u, s, len, out, max, count, NULL);
}
