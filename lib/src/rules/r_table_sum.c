/* table-sum rules: a score table's rows add up to its total row ("Tổng",
 * "Tổng cộng", "Tổng số"), a group row ("1" above "1.1", "1.2") to its
 * items, and a total meets a threshold the pack gives (docs/rules.md).
 * Tables are read through the model's blocks: every paragraph carries its
 * table, row and grid column. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "rules/rules.h"

static const char *const checks[] = {"sum", "threshold"};

int r_table_sum_known(const char *check)
{
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (!strcmp(checks[i], check))
            return 1;
    return 0;
}

/* Rows and grid columns of one table that are read: a score table has a
 * few dozen rows and under a dozen columns; a larger grid is read up to
 * these and the rest is ignored (docs/limits.md). */
#define TCPL_TSUM_MAX_ROWS 1000
#define TCPL_TSUM_MAX_COLS 40
/* Nesting of group rows (I > 1 > 1.1 > 1.1.1 > a > -) that is followed. */
#define TCPL_TSUM_MAX_DEPTH 16
/* Level of a row without a label of its own: under every labelled row. */
#define LEVEL_LEAF 12

/* Numbers are kept in thousandths: "1,5" is 1500, "1.234" is 1234000. */
#define SCALE 1000

/* A number written the Vietnamese way, the whole of s: "12", "1.234"
 * (dots between groups of three), "1,5" (comma before decimals), "1.234,5";
 * "1.5" (a dot before one or two digits) is read as a decimal too.  At
 * most three decimals and 15 digits.  *decimals: digits after the
 * separator.  1 if it is such a number. */
static int parse_number(const char *s, size_t n, int64_t *out, int *decimals)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!n || s[0] < '0' || s[0] > '9')
        return 0;
    int64_t v = 0;
    int digits = 0, dec = -1, group = 0, dots = 0, long_first = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (++digits > 15 || (dec >= 0 && ++dec > 3))
                return 0;
            v = v * 10 + (c - '0');
            group++;
        } else if (c == '.' && dec < 0) {
            if (dots && group != 3)
                return 0;
            long_first |= !dots && group > 3;
            dots++;
            group = 0;
        } else if (c == ',' && dec < 0 && i + 1 < n) {
            if (dots && (group != 3 || long_first))
                return 0;
            dec = 0;
        } else {
            return 0;
        }
    }
    int d = dec < 0 ? 0 : dec;
    if (dec < 0 && dots) {
        if (group == 3 && !long_first)
            d = 0; /* "1.234": dots between thousands */
        else if (dots == 1 && group >= 1 && group <= 2)
            d = group; /* "1.5", "12.25": a decimal dot */
        else
            return 0;
    }
    if (dec == 0)
        return 0; /* "1," */
    for (int k = d; k < 3; k++)
        v *= 10;
    *out = v;
    *decimals = d;
    return 1;
}

/* The Vietnamese spelling of v (thousandths): "1.234", "1,5". */
static void format_number(int64_t v, char *out, size_t size)
{
    int neg = v < 0;
    uint64_t a = neg ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    uint64_t whole = a / SCALE, frac = a % SCALE;
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)whole);
    size_t g = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            grouped[g++] = '.';
        grouped[g++] = digits[i];
    }
    grouped[g] = 0;
    char dec[8] = "";
    if (frac) {
        snprintf(dec, sizeof dec, ",%03llu", (unsigned long long)frac);
        size_t k = strlen(dec);
        while (dec[k - 1] == '0')
            dec[--k] = 0;
    }
    snprintf(out, size, "%s%s%s", neg ? "-" : "", grouped, dec);
}

/* One cell: its first paragraph with content and how many it has. */
typedef struct cell {
    int first, count;
} cell;

typedef struct grid {
    int table; /* the table block */
    int nrows, ncols;
    cell *cells;    /* nrows x ncols */
    int *row_block; /* the row's first paragraph with text, else the row */
} grid;

static cell *at(grid *g, int row, int col)
{
    return &g->cells[(size_t)row * (size_t)g->ncols + (size_t)col];
}

static const tcpl_block *para(cjob *j, int b)
{
    return tcpl_doc_block(j->doc, (size_t)b);
}

/* The cell's number, when it holds one paragraph that is a number. */
static int cell_number(cjob *j, grid *g, int row, int col, int64_t *v, int *dec)
{
    cell *c = at(g, row, col);
    if (c->count != 1)
        return 0;
    const tcpl_block *b = para(j, c->first);
    return !b->label[0] && parse_number(b->text, b->text_len, v, dec);
}

/* The cell's text (label and text of its first paragraph), "" if empty. */
static void cell_text(cjob *j, grid *g, int row, int col, char *out, size_t size)
{
    cell *c = at(g, row, col);
    out[0] = 0;
    if (c->count < 1)
        return;
    const tcpl_block *b = para(j, c->first);
    char full[400];
    snprintf(full, sizeof full, "%s%s%.*s", b->label, b->label[0] ? " " : "",
             (int)(b->text_len < 300 ? b->text_len : 300), b->text);
    rl_short(full, out, size);
}

/* Level of a row from the label that opens its first cell: Roman "II" 1,
 * "2" 2, "2.1" 3, "2.1.1" 4 ..., a letter "a)" 10, a dash 11, none leaf.
 * "Tiêu chí 1", "Chỉ tiêu 1.2" count by their numbers. */
static int row_level(cjob *j, grid *g, int row)
{
    cell *c = at(g, row, 0);
    if (c->count < 1)
        return LEVEL_LEAF;
    const tcpl_block *b = para(j, c->first);
    const char *s = b->label[0] ? b->label : b->text;
    size_t n = b->label[0] ? strlen(b->label) : b->text_len;
    static const char *const words[] = {"Tiêu chí ", "Chỉ tiêu ", "Tiêu chuẩn ", "Nội dung "};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t k = strlen(words[w]);
        if (n > k && !strncmp(s, words[w], k)) {
            s += k;
            n -= k;
            break;
        }
    }
    size_t i = 0;
    if (n && s[0] >= '0' && s[0] <= '9') {
        int parts = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            parts++;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
                i++;
            else
                break;
        }
        if (i < n && s[i] == '.')
            i++;
        /* "1.234" written alone in the first cell is a number, not a label */
        if (i == n || s[i] == ' ' || s[i] == ')' || s[i] == '\t' || s[i] == ':')
            return 1 + (parts < 9 ? parts : 9);
        return LEVEL_LEAF;
    }
    while (i < n && strchr("IVXLC", s[i]))
        i++;
    if (i && (i == n || s[i] == '.' || s[i] == ' '))
        return 1;
    if (n >= 2 && ((s[0] >= 'a' && s[0] <= 'z') || !strncmp(s, "đ", 2))) {
        size_t k = s[0] == '\xc4' ? 2 : 1;
        if (k < n && (s[k] == ')' || s[k] == '.'))
            return 10;
    }
    if (n && (s[0] == '-' || s[0] == '+' || !strncmp(s, "–", n < 3 ? n : 3)))
        return 11;
    return LEVEL_LEAF;
}

/* Does a row open with the total label?  Its first two cells are tried. */
static int total_row(cjob *j, const rule *r, grid *g, int row, int *hit)
{
    *hit = 0;
    for (int col = 0; col < 2 && col < g->ncols; col++) {
        cell *c = at(g, row, col);
        if (c->count < 1)
            continue;
        const tcpl_block *b = para(j, c->first);
        int t = rl_find(j, r, &r->total, b->text, b->text_len, c->first);
        if (t < 0)
            return t;
        if (t) {
            *hit = 1;
            return 0;
        }
    }
    return 0;
}

/* The header of a column: its cells above the first number in it, joined. */
static void column_header(cjob *j, grid *g, int from, int col, char *out, size_t size)
{
    size_t n = 0;
    out[0] = 0;
    for (int row = from; row < g->nrows && n + 2 < size; row++) {
        int64_t v;
        int dec;
        if (cell_number(j, g, row, col, &v, &dec))
            break;
        char t[120];
        cell_text(j, g, row, col, t, sizeof t);
        if (!t[0])
            continue;
        int k = snprintf(out + n, size - n, "%s%s", n ? " " : "", t);
        if (k < 0 || (size_t)k >= size - n)
            break;
        n += (size_t)k;
    }
}

static int header_matches(cjob *j, const rule *r, const tcpl_re *re, const char *h, int block)
{
    return rl_find(j, r, re, h, strlen(h), block);
}

typedef struct open_group {
    int row, level;
    int64_t value, sum;
    int children, labelled; /* items, and those with a label of their own */
    int decimals;           /* the most decimals of the group row and its items */
} open_group;

static int report(cjob *j, const rule *r, grid *g, int tno, int row, int col, const char *header,
                  int64_t found, int64_t expected)
{
    char tb[16], rb[16], cb[16], fb[64], eb[64], label[120], hb[120];
    snprintf(tb, sizeof tb, "%d", tno);
    snprintf(rb, sizeof rb, "%d", row + 1);
    snprintf(cb, sizeof cb, "%d", col + 1);
    format_number(found, fb, sizeof fb);
    format_number(expected, eb, sizeof eb);
    cell_text(j, g, row, 0, label, sizeof label);
    if (!label[0] && g->ncols > 1)
        cell_text(j, g, row, 1, label, sizeof label);
    rl_short(header, hb, sizeof hb);
    kv v[] = {{"table", tb},    {"row", rb},   {"col", cb},      {"column", hb},
              {"label", label}, {"found", fb}, {"expected", eb}, {"min", eb}};
    return rl_add(j, r, g->row_block[row], v, 8, NULL);
}

/* A difference smaller than half the last printed digit is rounding. */
static int differs(int64_t found, int found_dec, int64_t expected, int item_dec)
{
    if (found_dec >= item_dec)
        return found != expected;
    int64_t half = SCALE / 2;
    for (int k = 0; k < found_dec; k++)
        half /= 10;
    int64_t d = found > expected ? found - expected : expected - found;
    return d >= half;
}

/* Closes the group on top of the stack: its row must hold its items' sum. */
static int close_group(cjob *j, const rule *r, grid *g, int tno, int col, const char *header,
                       open_group *o)
{
    /* Rows without a label under a group ("Trong đó", details) may be a
     * partial breakdown: a group is checked when its items are numbered. */
    if (!o->children || o->labelled < o->children)
        return 0;
    int64_t v;
    int dec;
    cell_number(j, g, o->row, col, &v, &dec);
    if (!differs(o->value, dec, o->sum, o->decimals))
        return 0;
    return report(j, r, g, tno, o->row, col, header, o->value, o->sum);
}

/* "Trong đó: ...", "Bao gồm: ...": a part of the row above, already in it. */
static int part_of(cjob *j, grid *g, int row)
{
    static const char *const words[] = {"Trong đó", "trong đó", "Bao gồm", "bao gồm"};
    for (int col = 0; col < 2 && col < g->ncols; col++) {
        cell *c = at(g, row, col);
        if (c->count < 1)
            continue;
        const tcpl_block *b = para(j, c->first);
        const char *s = b->text;
        if (s[0] == '-' || s[0] == '+')
            s += s[1] == ' ' ? 2 : 1;
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
            if (!strncmp(s, words[w], strlen(words[w])))
                return 1;
        return 0;
    }
    return 0;
}

/* Rows [from, total) of column col against the total row. */
static int check_sum(cjob *j, const rule *r, grid *g, int tno, int from, int total, int col)
{
    int64_t tv;
    int tdec;
    if (!cell_number(j, g, total, col, &tv, &tdec))
        return 0;
    char header[200];
    column_header(j, g, from, col, header, sizeof header);
    if (r->has_skip) {
        int s = header_matches(j, r, &r->skip, header, g->row_block[total]);
        if (s != 0)
            return s < 0 ? s : 0;
    }
    open_group stack[TCPL_TSUM_MAX_DEPTH + 1];
    size_t top = 0;
    stack[0] = (open_group){total, 0, tv, 0, 0, 0, tdec};
    int items = 0, rc = 0;
    for (int row = from; row < total; row++) {
        int64_t v;
        int dec;
        if (!cell_number(j, g, row, col, &v, &dec) || part_of(j, g, row))
            continue;
        items++;
        int level = row_level(j, g, row);
        while (top > 0 && stack[top].level >= level) {
            if ((rc = close_group(j, r, g, tno, col, header, &stack[top])) < 0)
                return rc;
            top--;
        }
        stack[top].sum += v;
        stack[top].children++;
        stack[top].labelled += level != LEVEL_LEAF;
        if (dec > stack[top].decimals)
            stack[top].decimals = dec;
        if (top < TCPL_TSUM_MAX_DEPTH)
            stack[++top] = (open_group){row, level, v, 0, 0, 0, dec};
    }
    while (top > 0) {
        if ((rc = close_group(j, r, g, tno, col, header, &stack[top])) < 0)
            return rc;
        top--;
    }
    if (!items || !differs(tv, tdec, stack[0].sum, stack[0].decimals))
        return 0;
    return report(j, r, g, tno, total, col, header, tv, stack[0].sum);
}

/* The total row's value in the columns `column` names is at least min. */
static int check_threshold(cjob *j, const rule *r, grid *g, int tno, int from, int total)
{
    for (int col = 0; col < g->ncols; col++) {
        int64_t v;
        int dec;
        if (!cell_number(j, g, total, col, &v, &dec))
            continue;
        char header[200];
        column_header(j, g, from, col, header, sizeof header);
        if (r->has_column) {
            int m = header_matches(j, r, &r->column, header, g->row_block[total]);
            if (m <= 0) {
                if (m < 0)
                    return m;
                continue;
            }
        }
        if (v < r->min) {
            char tb[16], rb[16], cb[16], fb[64], mb[64], hb[120];
            snprintf(tb, sizeof tb, "%d", tno);
            snprintf(rb, sizeof rb, "%d", total + 1);
            snprintf(cb, sizeof cb, "%d", col + 1);
            format_number(v, fb, sizeof fb);
            format_number(r->min, mb, sizeof mb);
            rl_short(header, hb, sizeof hb);
            kv kvs[] = {{"table", tb},  {"row", rb},   {"col", cb},
                        {"column", hb}, {"found", fb}, {"min", mb}};
            int rc = rl_add(j, r, g->row_block[total], kvs, 6, NULL);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* Is the table one the rule is about?  Its first row or the paragraph
 * just before it matches `table`. */
static int table_selected(cjob *j, const rule *r, grid *g)
{
    if (!r->has_table)
        return 1;
    if (g->table > 0) {
        const tcpl_block *b = para(j, g->table - 1);
        if (b->kind == TCPL_BLOCK_PARAGRAPH && b->text_len) {
            int t = rl_find(j, r, &r->table_re, b->text, b->text_len, g->table - 1);
            if (t != 0)
                return t;
        }
    }
    for (int col = 0; g->nrows && col < g->ncols; col++) {
        cell *c = at(g, 0, col);
        if (c->count < 1)
            continue;
        const tcpl_block *b = para(j, c->first);
        int t = rl_find(j, r, &r->table_re, b->text, b->text_len, c->first);
        if (t != 0)
            return t;
    }
    return 0;
}

static int check_table(cjob *j, const rule *r, grid *g, int tno)
{
    int hit, rc = table_selected(j, r, g);
    if (rc <= 0)
        return rc;
    int from = 0, last_total = -1, last_from = 0;
    for (int row = 0; row < g->nrows; row++) {
        if ((rc = total_row(j, r, g, row, &hit)) < 0)
            return rc;
        if (!hit)
            continue;
        if (!strcmp(r->check, "sum")) {
            for (int col = 1; col < g->ncols; col++)
                if ((rc = check_sum(j, r, g, tno, from, row, col)) < 0)
                    return rc;
        }
        last_total = row;
        last_from = from;
        from = row + 1;
    }
    if (last_total >= 0 && !strcmp(r->check, "threshold"))
        return check_threshold(j, r, g, tno, last_from, last_total);
    return 0;
}

/* Does a paragraph hold words, not only a number or a label? */
static int words(const tcpl_block *b)
{
    int64_t v;
    int dec;
    return b->text_len && !parse_number(b->text, b->text_len, &v, &dec) &&
           !(b->text_len < 8 && strspn(b->text, "0123456789.IVXLC)") == b->text_len);
}

/* Fills g with table t's cells: the blocks after t up to the end of its
 * subtree (those deeper than it).  *next: the first block after it. */
static int read_table(cjob *j, int t, grid *g, int *next)
{
    const tcpl_block *tb = para(j, t);
    size_t nb = tcpl_doc_block_count(j->doc);
    g->table = t;
    g->nrows = tb->rows < TCPL_TSUM_MAX_ROWS ? tb->rows : TCPL_TSUM_MAX_ROWS;
    g->ncols = tb->cols < TCPL_TSUM_MAX_COLS ? tb->cols : TCPL_TSUM_MAX_COLS;
    if (g->nrows < 0)
        g->nrows = 0;
    if (g->ncols < 0)
        g->ncols = 0;
    size_t ncells = (size_t)g->nrows * (size_t)g->ncols;
    g->cells = malloc((ncells ? ncells : 1) * sizeof *g->cells);
    g->row_block = malloc((g->nrows ? (size_t)g->nrows : 1) * sizeof *g->row_block);
    if (!g->cells || !g->row_block)
        return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
    for (size_t i = 0; i < ncells; i++)
        g->cells[i] = (cell){-1, 0};
    for (int i = 0; i < g->nrows; i++)
        g->row_block[i] = t;
    size_t b = (size_t)t + 1;
    for (; b < nb; b++) {
        const tcpl_block *x = para(j, (int)b);
        if (x->part != tb->part || x->depth <= tb->depth)
            break;
        if (x->table != t || x->row < 0 || x->row >= g->nrows)
            continue;
        if (x->kind == TCPL_BLOCK_ROW)
            g->row_block[x->row] = (int)b;
        if (x->kind != TCPL_BLOCK_PARAGRAPH || x->col < 0 || x->col >= g->ncols)
            continue;
        if (!x->text_len && !x->label[0])
            continue;
        /* a finding on a row stands at its first words ("Tiêu chí 2: ...",
         * not the "2" before them): its excerpt and section path are then
         * the ones an officer sees there */
        const tcpl_block *was = para(j, g->row_block[x->row]);
        if (was->kind != TCPL_BLOCK_PARAGRAPH || (!words(was) && words(x)))
            g->row_block[x->row] = (int)b;
        cell *c = at(g, x->row, x->col);
        if (c->first < 0)
            c->first = (int)b;
        c->count++;
    }
    *next = (int)b;
    return 0;
}

int r_table_sum(cjob *j, const rule *r)
{
    size_t nb = tcpl_doc_block_count(j->doc);
    int tno = 0, rc = 0;
    /* Top-level body tables, one after another: linear in the blocks.
     * A table nested in a cell is not read (its cells are not the outer
     * table's). */
    for (size_t b = 0; rc >= 0 && b < nb;) {
        const tcpl_block *x = para(j, (int)b);
        if (x->kind != TCPL_BLOCK_TABLE || x->part != TCPL_PART_BODY || x->table >= 0) {
            b++;
            continue;
        }
        grid g = {0};
        int next = (int)b + 1;
        tno++;
        rc = read_table(j, (int)b, &g, &next);
        if (rc >= 0)
            rc = check_table(j, r, &g, tno);
        free(g.cells);
        free(g.row_block);
        b = (size_t)next > b ? (size_t)next : b + 1;
    }
    return rc;
}
