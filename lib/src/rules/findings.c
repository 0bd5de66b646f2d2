/* Findings: storage, location (section path and opening words, the way an
 * officer finds the place in Word), message placeholders, JSON and text. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/error.h"
#include "rules/rules.h"
#include "tcpl/io.h"

/* Excerpts: the opening words of a paragraph, cut on a word boundary. */
#define TCPL_EXCERPT_BYTES 80
/* Findings per document: a hostile document cannot make the report
 * unbounded; past this one last finding says so. */
#define TCPL_MAX_FINDINGS 2000

static const char *section_of(const tcpl_extraction *x, int block)
{
    size_t n = tcpl_extraction_section_count(x);
    const tcpl_xsigner *s = tcpl_extraction_signer(x);
    /* The signature block closes the document: it is in no section. */
    if (block < 0 || !n || (s->block >= 0 && block >= s->block))
        return "";
    /* Sections are in document order: the last one starting at or before. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tcpl_extraction_section(x, mid)->block <= block)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? tcpl_extraction_section(x, lo - 1)->path : "";
}

/* A cut on a character and, when it can, a word boundary. */
static size_t cut_at(const char *s, size_t n, size_t max, int *cut)
{
    *cut = n > max;
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    size_t w = k;
    while (w > max / 2 && s[w] != ' ')
        w--;
    return s[w] == ' ' ? w : k;
}

void rl_short(const char *s, char *out, size_t size)
{
    int cut;
    size_t k = cut_at(s, strlen(s), size - 5, &cut);
    snprintf(out, size, "%.*s%s", (int)k, s, cut ? " …" : "");
}

static const char *excerpt_of(cjob *j, int block)
{
    size_t nb = tcpl_doc_block_count(j->doc);
    if (block < 0 || (size_t)block >= nb)
        return "";
    const tcpl_block *b = tcpl_doc_block(j->doc, (size_t)block);
    /* A table, row or cell: its first paragraph with text. */
    for (size_t i = (size_t)block; b->kind != TCPL_BLOCK_PARAGRAPH || !b->text_len;) {
        if (++i >= nb || i > (size_t)block + 64)
            return "";
        b = tcpl_doc_block(j->doc, i);
    }
    const char *s = b->text;
    size_t n = b->text_len;
    const char *nl = memchr(s, '\n', n);
    if (nl)
        n = (size_t)(nl - s);
    tcpl_buf e;
    tcpl_buf_init(&e);
    if (b->label[0])
        tcpl_buf_printf(&e, "%s ", b->label);
    int cut;
    size_t k = cut_at(s, n, TCPL_EXCERPT_BYTES, &cut);
    tcpl_buf_put(&e, s, k);
    if (cut || nl)
        tcpl_buf_puts(&e, " …");
    char *r = tcpl_arena_strndup(&j->f->arena, e.data ? e.data : "", e.len);
    tcpl_buf_free(&e);
    if (!r)
        j->f->nomem = 1;
    return r ? r : "";
}

static void subst(tcpl_buf *b, const char *tmpl, const kv *vals, size_t n)
{
    for (const char *p = tmpl; *p; p++) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            size_t kl = e ? (size_t)(e - p - 1) : 0;
            size_t i = 0;
            for (; e && i < n; i++)
                if (strlen(vals[i].key) == kl && !strncmp(vals[i].key, p + 1, kl))
                    break;
            if (e && i < n) {
                tcpl_buf_puts(b, vals[i].value ? vals[i].value : "");
                p = e;
                continue;
            }
        }
        tcpl_buf_putc(b, *p);
    }
}

int rl_add(cjob *j, const rule *r, int block, const kv *vals, size_t n, const char *fix)
{
    tcpl_findings *f = j->f;
    if (f->items.len > TCPL_MAX_FINDINGS)
        return 0;
    /* The texts of the checker's own findings are in checks/messages.yaml. */
    rule cut_rule = {.id = "findings-cut",
                     .severity = TCPL_SEV_CANH_BAO,
                     .category = TCPL_CAT_FORMAT,
                     .message_vi = tcpl_msg(j->c->ctx, "check.findings_cut"),
                     .message_en = "",
                     .basis = "",
                     .fix = ""};
    if (f->items.len == TCPL_MAX_FINDINGS) {
        r = &cut_rule;
        block = -1;
        n = 0;
        fix = NULL;
    }
    tcpl_finding *o = tcpl_vec_push(&f->items);
    if (!o)
        return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
    tcpl_buf m;
    tcpl_buf_init(&m);
    subst(&m, j->en && r->message_en && *r->message_en ? r->message_en : r->message_vi, vals, n);
    tcpl_buf fx;
    tcpl_buf_init(&fx);
    subst(&fx, fix ? fix : r->fix, vals, n);
    o->rule = r->id;
    o->severity = r->severity;
    o->category = r->category;
    o->message = tcpl_arena_strndup(&f->arena, m.data ? m.data : "", m.len);
    o->fix = tcpl_arena_strndup(&f->arena, fx.data ? fx.data : "", fx.len);
    o->basis = r->basis ? r->basis : "";
    o->block = block;
    o->section = section_of(j->x, block);
    o->excerpt = excerpt_of(j, block);
    int ok = tcpl_buf_ok(&m) && tcpl_buf_ok(&fx) && o->message && o->fix;
    tcpl_buf_free(&m);
    tcpl_buf_free(&fx);
    if (!ok) {
        f->items.len--;
        return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
    }
    /* rule ids of built-in rules are static; a pack's live in the checker */
    f->counts[o->severity]++;
    return 0;
}

int rl_find(cjob *j, const rule *r, const tcpl_re *re, const char *s, size_t len, int block)
{
    int rc = tcpl_re_find(re, &j->m, s, len, 0);
    if (rc >= 0)
        return rc;
    if (rc == TCPL_ERR_NOMEM)
        return TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
    /* A pattern that ran out of steps: say so instead of a silent "no". */
    rule lim = *r;
    lim.severity = TCPL_SEV_CANH_BAO;
    lim.message_vi = tcpl_msg(j->c->ctx, "check.pattern_limit");
    lim.message_en = "";
    lim.fix = "";
    kv v[] = {{"rule", r->id}};
    int a = rl_add(j, &lim, block, v, 1, NULL);
    return a < 0 ? a : 0;
}

/* ---- dates and numbers ------------------------------------------------ */

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

long rl_days(const char *iso, long *last)
{
    int y = 0, m = 0, d = 0;
    if (!iso)
        return -1;
    int k = sscanf(iso, "%4d-%2d-%2d", &y, &m, &d);
    if (k < 1 || y < 1000)
        return -1;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (k == 1) {
        if (last)
            *last = days_from_civil(y, 12, 31);
        return days_from_civil(y, 1, 1);
    }
    if (m < 1 || m > 12)
        return -1;
    if (k == 2) {
        int md = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
        if (last)
            *last = days_from_civil(y, m, md);
        return days_from_civil(y, m, 1);
    }
    long v = days_from_civil(y, m, d);
    if (last)
        *last = v;
    return v;
}

char *rl_norm_number(tcpl_arena *a, const char *s)
{
    utf8proc_uint8_t *u = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &u,
                                      UTF8PROC_NULLTERM | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n < 0)
        return NULL;
    size_t k = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++)
        if (u[i] != ' ' && u[i] != '.')
            u[k++] = u[i];
    char *r = tcpl_arena_strndup(a, (const char *)u, k);
    free(u);
    return r;
}

/* ---- the result ------------------------------------------------------- */

void tcpl_findings_free(tcpl_findings *f)
{
    if (!f)
        return;
    tcpl_vec_free(&f->items);
    tcpl_arena_free(&f->arena);
    free(f);
}

size_t tcpl_findings_count(const tcpl_findings *f)
{
    return f ? f->items.len : 0;
}

const tcpl_finding *tcpl_findings_get(const tcpl_findings *f, size_t i)
{
    return f && i < f->items.len ? &TCPL_VEC_AT(&f->items, tcpl_finding, i) : NULL;
}

const char *tcpl_findings_packs(const tcpl_findings *f)
{
    return f && f->packs ? f->packs : "";
}

size_t tcpl_findings_at(const tcpl_findings *f, tcpl_severity s)
{
    return f && (unsigned)s < 3 ? f->counts[s] : 0;
}

int tcpl_findings_json(char **out, size_t *len, const tcpl_findings *f, const tcpl_extraction *x,
                       unsigned options, tcpl_error *err)
{
    *out = NULL;
    const tcpl_xmeta *m = tcpl_extraction_meta(x);
    /* A file name is any bytes: the JSON is always valid UTF-8 (\xNN text) */
    char *file = NULL;
    if (tcpl_escape_text(&file, m->file, 0, err) < 0)
        return TCPL_NOMEM(err, m->file);
    json_t *o = json_object();
    json_t *items = json_array();
    int bad = !o || !items;
    for (size_t i = 0; !bad && i < f->items.len; i++) {
        const tcpl_finding *g = &TCPL_VEC_AT(&f->items, tcpl_finding, i);
        json_t *it =
            json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s}", "rule", g->rule, "severity",
                      tcpl_severity_name(g->severity), "category", tcpl_category_name(g->category),
                      "message", g->message, "block", g->block, "section", g->section, "excerpt",
                      g->excerpt, "basis", g->basis);
        if (it && g->fix[0])
            json_object_set_new(it, "fix", json_string(g->fix));
        bad |= !it || json_array_append_new(items, it) < 0;
    }
    if (!bad) {
        json_object_set_new(o, "file", json_string(file));
        json_object_set_new(o, "kind", json_string(m->kind));
        json_object_set_new(o, "pack", json_string(tcpl_findings_packs(f)));
        json_object_set_new(o, "findings", items);
        items = NULL;
        json_object_set_new(o, "counts",
                            json_pack("{s:i,s:i,s:i}", "loi", (json_int_t)f->counts[0], "canh-bao",
                                      (json_int_t)f->counts[1], "goi-y", (json_int_t)f->counts[2]));
    }
    json_decref(items);
    char *s = bad ? NULL
                  : json_dumps(o, JSON_PRESERVE_ORDER |
                                      (options & TCPL_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(o);
    free(file);
    if (!s)
        return TCPL_NOMEM(err, m->file);
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, s);
    tcpl_buf_putc(&b, '\n');
    free(s);
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, m->file);
}

int tcpl_findings_text(char **out, size_t *len, const tcpl_findings *f, const tcpl_extraction *x,
                       const tcpl_ctx *ctx, tcpl_error *err)
{
    const tcpl_xmeta *m = tcpl_extraction_meta(x);
    static const char *const sev_ids[] = {"sev.loi", "sev.canh-bao", "sev.goi-y"};
    /* a name with a newline or an escape sequence is shown escaped */
    char *file = NULL;
    if (tcpl_escape_text(&file, m->file, TCPL_ESCAPE_CONTROLS, err) < 0)
        return TCPL_NOMEM(err, m->file);
    tcpl_buf b;
    tcpl_buf_init(&b);
    for (size_t i = 0; i < f->items.len; i++) {
        const tcpl_finding *g = &TCPL_VEC_AT(&f->items, tcpl_finding, i);
        const tcpl_xsigner *sg = tcpl_extraction_signer(x);
        const char *where = g->section[0]  ? g->section
                            : g->block < 0 ? tcpl_msg(ctx, "out.whole_doc")
                            : sg->block >= 0 && g->block >= sg->block
                                ? tcpl_msg(ctx, "out.doc_end")
                                : tcpl_msg(ctx, "out.doc_start");
        tcpl_buf_printf(&b, "%s: %s: %s [%s] %s", file, where, tcpl_msg(ctx, sev_ids[g->severity]),
                        tcpl_category_name(g->category), g->message);
        if (g->excerpt[0])
            tcpl_buf_printf(&b, " — \"%s\"", g->excerpt);
        if (g->fix[0])
            tcpl_buf_printf(&b, " (%s: %s)", tcpl_msg(ctx, "out.fix"), g->fix);
        tcpl_buf_putc(&b, '\n');
    }
    /* "1 Lỗi, 2 Cảnh báo"; "1 error, 2 warnings": counts.* say each
     * severity counted, one and many */
    static const char *const one_id[] = {"count.loi", "count.canh-bao", "count.goi-y"};
    static const char *const many_id[] = {"count.loi_n", "count.canh-bao_n", "count.goi-y_n"};
    tcpl_buf_printf(&b, "%s: %s: ", file,
                    tcpl_findings_packs(f)[0] ? tcpl_findings_packs(f)
                                              : tcpl_msg(ctx, "out.no_pack"));
    for (int s = 0; s < 3; s++)
        tcpl_buf_printf(&b, "%s%zu %s", s ? ", " : "", f->counts[s],
                        tcpl_msg(ctx, f->counts[s] == 1 ? one_id[s] : many_id[s]));
    tcpl_buf_putc(&b, '\n');
    free(file);
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, m->file);
}
