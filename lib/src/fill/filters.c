/* Filters of template values: {{ngay|ngay_viet}}, {{ten|upper}},
 * {{so|so_la_ma}}, {{x|default:"..."}} (docs/templates.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/error.h"
#include "fill/template.h"

static const struct {
    const char *name;
    int kind;
} FILTERS[] = {{"upper", FILTER_UPPER},         {"lower", FILTER_LOWER},
               {"ngay_viet", FILTER_NGAY_VIET}, {"ngay_so", FILTER_NGAY_SO},
               {"so_la_ma", FILTER_SO_LA_MA},   {"default", FILTER_DEFAULT}};

int tpl_filter_kind(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof FILTERS / sizeof *FILTERS; i++)
        if (strlen(FILTERS[i].name) == n && !memcmp(FILTERS[i].name, name, n))
            return FILTERS[i].kind;
    return -1;
}

static const char *filter_name(int kind)
{
    for (size_t i = 0; i < sizeof FILTERS / sizeof *FILTERS; i++)
        if (FILTERS[i].kind == kind)
            return FILTERS[i].name;
    return "?";
}

static int refuse(const tpl_filter *f, const char *s, const tpl_tag *tag, const char *file,
                  tcpl_error *err)
{
    char shown[64];
    size_t n = strlen(s);
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    snprintf(shown, sizeof shown, "%.*s%s", (int)n, s, s[n] ? "…" : "");
    return tcpl_err(err, TCPL_ERR_DATA, "err.fill_filter", file, tag->where, "%s: %s “%s”",
                    tag->raw, filter_name(f->kind), shown);
}

static int change_case(tcpl_buf *out, const char *s, int upper)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            tcpl_buf_putc(out, s[i++]);
            continue;
        }
        tcpl_buf_put_utf8(out, (unsigned)(upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp)));
        i += (size_t)k;
    }
    return 0;
}

/* Digits of s[*i..], at most max of them; -1 if none. */
static long digits(const char *s, size_t *i, int max)
{
    long v = 0;
    int k = 0;
    while (k < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    return k ? v : -1;
}

static int leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "2024-01-05" (ISO, a time after 'T' ignored) or "05/01/2024" (also
 * with '-' or '.') into day, month, year; -1 if it is not a real date. */
static int parse_date(const char *s, long *dd, long *mm, long *yy)
{
    size_t i = 0;
    while (s[i] == ' ')
        i++;
    long d, m, y;
    size_t start = i;
    long a = digits(s, &i, 4);
    if (a < 0)
        return -1;
    if (i - start == 4 && s[i] == '-') { /* ISO */
        y = a;
        i++;
        m = digits(s, &i, 2);
        if (s[i++] != '-')
            return -1;
        d = digits(s, &i, 2);
        if (s[i] == 'T')
            i += strlen(s + i);
    } else if (i - start <= 2 && (s[i] == '/' || s[i] == '-' || s[i] == '.')) {
        char sep = s[i++];
        d = a;
        m = digits(s, &i, 2);
        if (s[i++] != sep)
            return -1;
        size_t ys = i;
        y = digits(s, &i, 4);
        if (i - ys != 4)
            return -1;
    } else {
        return -1;
    }
    while (s[i] == ' ')
        i++;
    static const int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (s[i] || y < 1 || m < 1 || m > 12 || d < 1)
        return -1;
    if (d > DAYS[m - 1] + (m == 2 && leap(y)))
        return -1;
    *dd = d;
    *mm = m;
    *yy = y;
    return 0;
}

/* Nghị định 30/2020, Phụ lục I: a day below 10 and the months 1 and 2
 * take a leading zero; the other months do not ("ngày 19 tháng 12 năm
 * 2025", "ngày 09 tháng 3 năm 2026", "15/01/2026", "31/3/2026"). */
static int ngay(tcpl_buf *out, const char *s, int words)
{
    long d, m, y;
    if (parse_date(s, &d, &m, &y) < 0)
        return -1;
    if (words)
        tcpl_buf_printf(out, "ngày %02ld tháng %s%ld năm %ld", d, m <= 2 ? "0" : "", m, y);
    else
        tcpl_buf_printf(out, "%02ld/%s%ld/%ld", d, m <= 2 ? "0" : "", m, y);
    return 0;
}

static int so_la_ma(tcpl_buf *out, const char *s)
{
    size_t i = 0;
    while (s[i] == ' ')
        i++;
    long v = digits(s, &i, 5);
    while (s[i] == ' ')
        i++;
    if (v < 1 || v > 3999 || s[i])
        return -1;
    static const struct {
        int v;
        const char *r;
    } R[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"},
             {40, "XL"},  {10, "X"},   {9, "IX"},  {5, "V"},    {4, "IV"},  {1, "I"}};
    for (size_t k = 0; k < sizeof R / sizeof *R; k++)
        while (v >= R[k].v) {
            tcpl_buf_puts(out, R[k].r);
            v -= R[k].v;
        }
    return 0;
}

int tpl_filter_apply(tcpl_buf *out, const tpl_filter *f, const char *s, const tpl_tag *tag,
                     const char *file, tcpl_error *err)
{
    int r = 0;
    switch (f->kind) {
    case FILTER_UPPER:
    case FILTER_LOWER:
        r = change_case(out, s, f->kind == FILTER_UPPER);
        break;
    case FILTER_NGAY_VIET:
    case FILTER_NGAY_SO:
        r = ngay(out, s, f->kind == FILTER_NGAY_VIET);
        break;
    case FILTER_SO_LA_MA:
        r = so_la_ma(out, s);
        break;
    case FILTER_DEFAULT:
        tcpl_buf_puts(out, *s ? s : f->arg ? f->arg : "");
        break;
    }
    if (r < 0)
        return refuse(f, s, tag, file, err);
    if (!tcpl_buf_ok(out))
        return TCPL_NOMEM(err, file);
    return 0;
}

void fill_vn_date(const char *iso, char *out, size_t size)
{
    int y = 0, m = 0, d = 0;
    if (iso && sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3)
        snprintf(out, size, "%02d/%s%d/%d", d, m <= 2 ? "0" : "", m, y);
    else
        snprintf(out, size, "%s", iso ? iso : "");
}
