/* The roster: a CSV of the units expected to submit (name, optional
 * contact), matched against each submission's issuing body by a key that
 * ignores what varies between two spellings of one name (tcpl_unit_key). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/error.h"
#include "batch/internal.h"

/* A roster is a list typed by hand: a few thousand rows.  Bounding its size
 * bounds the memory and the load time (the file is read whole). */
#define ROSTER_MAX_BYTES (16u << 20)
#define ROSTER_MAX_UNITS 100000

/* The five Vietnamese tone marks as combining characters (after NFD). */
static int tone_of(utf8proc_int32_t c)
{
    switch (c) {
    case 0x300:
        return 1; /* huyền */
    case 0x301:
        return 2; /* sắc */
    case 0x303:
        return 3; /* ngã */
    case 0x309:
        return 4; /* hỏi */
    case 0x323:
        return 5; /* nặng */
    default:
        return 0;
    }
}

/* Abbreviations read as the words they stand for (as keys: lower case,
 * no tone marks moved). */
static const struct {
    const char *abbr, *full;
} abbrevs[] = {
    {"ubnd", "ủy ban nhân dân"},
    {"h\xc4\x91nd", "hội đồng nhân dân"}, /* hđnd */
    {"tp", "thành phố"},
    {"tx", "thị xã"},
};

static int key_words(tcpl_buf *out, const char *name, int expand);

/* Appends the key of one word (letters without their tone, then the tone)
 * or, when it is an abbreviation, the key of what it stands for. */
static void put_word(tcpl_buf *out, const char *w, size_t n, int tone, int expand)
{
    if (!n)
        return;
    if (expand && !tone)
        for (size_t i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
            if (strlen(abbrevs[i].abbr) == n && !memcmp(abbrevs[i].abbr, w, n)) {
                key_words(out, abbrevs[i].full, 0);
                return;
            }
    if (out->len)
        tcpl_buf_putc(out, ' ');
    tcpl_buf_put(out, w, n);
    if (tone)
        tcpl_buf_printf(out, "~%d", tone);
}

static int key_words(tcpl_buf *out, const char *name, int expand)
{
    utf8proc_uint8_t *nfd = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)name, 0, &nfd,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                          UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
    if (n < 0)
        return n == UTF8PROC_ERROR_NOMEM ? -1 : 1; /* 1: not UTF-8 */
    tcpl_buf word;
    tcpl_buf_init(&word);
    int tone = 0;
    for (utf8proc_ssize_t i = 0; i <= n;) {
        utf8proc_int32_t c = -1;
        utf8proc_ssize_t step = i < n ? utf8proc_iterate(nfd + i, n - i, &c) : 1;
        if (step <= 0)
            step = 1, c = -1;
        int t = c >= 0 ? tone_of(c) : 0;
        utf8proc_category_t cat = c >= 0 ? utf8proc_category(c) : UTF8PROC_CATEGORY_CN;
        int in_word =
            c >= 0 && (t || (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ND) ||
                       cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO);
        if (t) {
            tone = t;
        } else if (in_word) {
            tcpl_buf_put(&word, nfd + i, (size_t)step);
        } else {
            put_word(out, word.data, word.len, tone, expand);
            tcpl_buf_reset(&word);
            tone = 0;
        }
        i += step;
    }
    int failed = !tcpl_buf_ok(&word);
    tcpl_buf_free(&word);
    free(nfd);
    return failed ? -1 : 0;
}

int tcpl_unit_key(char **out, const char *name, tcpl_error *err)
{
    *out = NULL;
    tcpl_buf b;
    tcpl_buf_init(&b);
    int rc = key_words(&b, name ? name : "", 1);
    if (rc > 0) { /* not UTF-8: the bytes, folded to lower case */
        tcpl_buf_reset(&b);
        for (const char *p = name; *p; p++)
            tcpl_buf_putc(&b, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        rc = 0;
    }
    tcpl_buf_putc(&b, 0);
    b.len--;
    if (rc < 0 || !tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, NULL);
    }
    *out = tcpl_buf_detach(&b, NULL);
    return 0;
}

/* ---- the CSV ------------------------------------------------------------ */

/* One field at *p (quoted or not), up to the separator or the end of the
 * line; *p moves past it and its separator; *eol set at the line's end. */
static void csv_field(tcpl_buf *f, const char **p, const char *end, char sep, int *eol)
{
    const char *s = *p;
    tcpl_buf_reset(f);
    *eol = 0;
    if (s < end && *s == '"') {
        s++;
        while (s < end) {
            if (*s == '"') {
                if (s + 1 < end && s[1] == '"') {
                    tcpl_buf_putc(f, '"');
                    s += 2;
                    continue;
                }
                s++;
                break;
            }
            tcpl_buf_putc(f, *s++);
        }
        while (s < end && *s != sep && *s != '\n')
            s++;
    } else {
        while (s < end && *s != sep && *s != '\n')
            tcpl_buf_putc(f, *s++);
    }
    if (s >= end || *s == '\n') {
        *eol = 1;
        if (s < end)
            s++;
    } else {
        s++; /* the separator */
    }
    /* trim spaces and a CR */
    while (f->len && (f->data[f->len - 1] == '\r' || f->data[f->len - 1] == ' ' ||
                      f->data[f->len - 1] == '\t'))
        f->len--;
    size_t lead = 0;
    while (lead < f->len && (f->data[lead] == ' ' || f->data[lead] == '\t'))
        lead++;
    if (lead) {
        memmove(f->data, f->data + lead, f->len - lead);
        f->len -= lead;
    }
    tcpl_buf_putc(f, 0);
    f->len--;
    *p = s;
}

static int by_key(const void *a, const void *b, void *ctx)
{
    const roster *r = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(TCPL_VEC_AT(&r->units, roster_unit, x).key,
                   TCPL_VEC_AT(&r->units, roster_unit, y).key);
    return c ? c : (x > y) - (x < y);
}

/* A stable merge sort by key (qsort has no context argument, and the
 * library keeps no global state). */
static void sort_order(roster *r)
{
    size_t n = r->order.len;
    size_t *a = TCPL_VEC_DATA(&r->order, size_t);
    size_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp) { /* fall back to a slower but allocation-free sort */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && by_key(&a[j - 1], &a[j], r) > 0; j--) {
                size_t t = a[j];
                a[j] = a[j - 1];
                a[j - 1] = t;
            }
        return;
    }
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = by_key(&a[i], &a[j], r) <= 0 ? a[i++] : a[j++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
    free(tmp);
}

static int is_header(const char *key)
{
    static const char *const names[] = {
        "đơn vị", "tên đơn vị",         "unit",       "name", "cơ quan",
        "tên",    "đơn vị, địa phương", "tên cơ quan"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *k = NULL;
        if (tcpl_unit_key(&k, names[i], NULL) == 0) {
            int eq = !strcmp(k, key);
            free(k);
            if (eq)
                return 1;
        }
    }
    return 0;
}

int roster_load(roster *r, const char *path, tcpl_error *err)
{
    tcpl_vec_init(&r->units, sizeof(roster_unit));
    tcpl_vec_init(&r->order, sizeof(size_t));
    FILE *f = fopen(path, "rb");
    if (!f)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", path, NULL, "%s", strerror(errno));
    tcpl_buf data;
    tcpl_buf_init(&data);
    char chunk[65536];
    size_t got;
    int rc = 0;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (data.len + got > ROSTER_MAX_BYTES) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "batch.roster_big", path, NULL, "%u MB",
                          ROSTER_MAX_BYTES >> 20);
            break;
        }
        tcpl_buf_put(&data, chunk, got);
    }
    if (rc == 0 && ferror(f))
        rc = tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, "%s", strerror(errno));
    fclose(f);
    tcpl_buf_putc(&data, 0);
    if (rc == 0 && !tcpl_buf_ok(&data))
        rc = TCPL_NOMEM(err, path);
    if (rc < 0) {
        tcpl_buf_free(&data);
        return rc;
    }
    const char *p = data.data, *end = data.data + data.len - 1;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    /* The separator: Excel writes ';' where ',' is the decimal mark. */
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t commas = 0, semis = 0, tabs = 0;
    for (const char *q = p; q < (nl ? nl : end); q++)
        commas += *q == ',', semis += *q == ';', tabs += *q == '\t';
    char sep = semis > commas && semis >= tabs ? ';' : tabs > commas ? '\t' : ',';
    tcpl_buf field;
    tcpl_buf_init(&field);
    int line = 0;
    while (rc == 0 && p < end) {
        line++;
        int eol = 0, col = 0;
        char *name = NULL, *contact = NULL;
        while (!eol) {
            csv_field(&field, &p, end, sep, &eol);
            if (!tcpl_buf_ok(&field))
                break;
            if (col == 0)
                name = strdup(field.data);
            else if (col == 1)
                contact = strdup(field.data);
            col++;
        }
        char *key = NULL;
        if (!tcpl_buf_ok(&field) || !name || (col > 1 && !contact) ||
            tcpl_unit_key(&key, name, err) < 0) {
            free(name);
            free(contact);
            rc = TCPL_NOMEM(err, path);
            break;
        }
        if (!key[0] || (line == 1 && is_header(key))) {
            free(name);
            free(contact);
            free(key);
            continue;
        }
        if (r->units.len >= ROSTER_MAX_UNITS) {
            free(name);
            free(contact);
            free(key);
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "batch.roster_big", path, NULL, "%d",
                          ROSTER_MAX_UNITS);
            break;
        }
        roster_unit *u = tcpl_vec_push(&r->units);
        size_t *o = tcpl_vec_push(&r->order);
        if (!u || !o) {
            free(name);
            free(contact);
            free(key);
            if (u)
                r->units.len--;
            rc = TCPL_NOMEM(err, path);
            break;
        }
        u->name = name;
        u->contact = contact ? contact : strdup("");
        u->key = key;
        *o = r->units.len - 1;
        if (!u->contact)
            rc = TCPL_NOMEM(err, path);
    }
    tcpl_buf_free(&field);
    tcpl_buf_free(&data);
    if (rc < 0) {
        roster_free(r);
        return rc;
    }
    sort_order(r);
    /* The same unit listed twice: the first row stands for it. */
    size_t k = 0;
    size_t *a = TCPL_VEC_DATA(&r->order, size_t);
    for (size_t i = 0; i < r->order.len; i++) {
        if (k && !strcmp(TCPL_VEC_AT(&r->units, roster_unit, a[k - 1]).key,
                         TCPL_VEC_AT(&r->units, roster_unit, a[i]).key)) {
            TCPL_VEC_AT(&r->units, roster_unit, a[i]).dup = 1;
            continue;
        }
        a[k++] = a[i];
    }
    r->order.len = k;
    return 0;
}

static long lookup(const roster *r, const char *key)
{
    size_t lo = 0, hi = r->order.len;
    const size_t *a = TCPL_VEC_DATA(&r->order, size_t);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(TCPL_VEC_AT(&r->units, roster_unit, a[mid]).key, key);
        if (c == 0)
            return (long)a[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long roster_match(const roster *r, const char *authority)
{
    if (!authority || !*authority || !r->order.len)
        return -1;
    char *key = NULL;
    if (tcpl_unit_key(&key, authority, NULL) < 0)
        return -1;
    long hit = -1;
    /* The whole name, then each shorter tail starting at a word. */
    for (const char *s = key; s && *s; s = strchr(s, ' ') ? strchr(s, ' ') + 1 : NULL) {
        if ((hit = lookup(r, s)) >= 0)
            break;
    }
    free(key);
    return hit;
}

void roster_free(roster *r)
{
    for (size_t i = 0; i < r->units.len; i++) {
        roster_unit *u = &TCPL_VEC_AT(&r->units, roster_unit, i);
        free(u->name);
        free(u->contact);
        free(u->key);
    }
    tcpl_vec_free(&r->units);
    tcpl_vec_free(&r->order);
}
