/* A draft inspection conclusion from findings: the JSON of `tcpl check
 * --format json` (one object, several objects one after another as JSON
 * Lines, or a dossier check holding such objects), its findings of severity
 * Lỗi and Cảnh báo grouped by category into one shortcoming each, phrased
 * from their messages and bases, turned into the data of the conclusion
 * template (templates/ket-luan-kiem-tra).  The inspection's own data
 * (issuer, number, date, inspected unit, deadlines) overrides the draft's. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "fill/template.h"
#include "fill/wording.h"
#include "tcpl/fill.h"
#include "tcpl/rules.h"

/* Findings read from one input: a check of a whole dossier holds a few
 * hundred; more is not an input a person drafts one conclusion from. */
#define TCPL_CONCLUDE_MAX_FINDINGS 100000
/* Messages quoted in one shortcoming: the rest are counted ("và N nội dung
 * khác"), so that a category with hundreds of findings stays one readable
 * paragraph. */
#define TCPL_CONCLUDE_MAX_QUOTED 6
/* Depth searched for "findings" arrays in a dossier check: a dossier is an
 * object of documents, each a check object. */
#define TCPL_CONCLUDE_MAX_DEPTH 4

#define CONCLUDE_FILE "conclude.yaml"
/* The conclusion's keys checks/conclude.yaml's draft must give (the data
 * of templates/ket-luan-kiem-tra the findings do not make). */
static const char *const DRAFT_KEYS[] = {
    "co_quan.cap_tren", "co_quan.ten", "co_quan.ten_ngan", "so",           "ky_hieu",
    "dia_danh",         "trich_yeu",   "don_vi.ten",       "can_cu",       "mo_dau",
    "yeu_cau_khac",     "to_chuc",     "noi_nhan",         "ky.quyen_han", "ky.chuc_vu",
    "ky.ho_ten",        NULL};

typedef struct {
    json_t *messages[TCPL_CAT_COUNT]; /* arrays of strings, in input order */
    json_t *bases[TCPL_CAT_COUNT];    /* distinct bases */
    size_t count[TCPL_CAT_COUNT];
    size_t findings, documents, loi, canh_bao;
    fill_wording *w; /* checks/conclude.yaml */
} groups;

static int category_of(const char *name)
{
    for (int c = 0; name && c < TCPL_CAT_COUNT; c++)
        if (!strcmp(tcpl_category_name((tcpl_category)c), name))
            return c;
    return -1;
}

static int add_unique(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (!strcmp(json_string_value(v), s)) return 0;
    return json_array_append_new(arr, json_string(s));
}

static int take_findings(void *ud, json_t *arr, tcpl_error *err)
{
    groups *g = ud;
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f)
    {
        if (++g->findings > TCPL_CONCLUDE_MAX_FINDINGS)
            return tcpl_err(err, TCPL_ERR_LIMIT, "err.conclude_findings", NULL, NULL, "> %d",
                            TCPL_CONCLUDE_MAX_FINDINGS);
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *msg = json_string_value(json_object_get(f, "message"));
        const char *basis = json_string_value(json_object_get(f, "basis"));
        const char *sec = json_string_value(json_object_get(f, "section"));
        int c = category_of(json_string_value(json_object_get(f, "category")));
        if (!sev || !msg || c < 0 || (strcmp(sev, "loi") && strcmp(sev, "canh-bao")))
            continue;
        if (!strcmp(sev, "loi"))
            g->loi++;
        else
            g->canh_bao++;
        if (!g->messages[c] && (!(g->messages[c] = json_array()) || !(g->bases[c] = json_array())))
            return TCPL_NOMEM(err, NULL);
        g->count[c]++;
        if (json_array_size(g->messages[c]) < TCPL_CONCLUDE_MAX_QUOTED) {
            /* "II.2.2#2" (the second item numbered 2.2.) reads as "mục
             * II.2.2" (finding_section) */
            char muc[64];
            char *where = NULL;
            snprintf(muc, sizeof muc, "%.*s", (int)strcspn(sec ? sec : "", "#"), sec ? sec : "");
            const char *kv[] = {"muc", muc};
            int r =
                sec && *sec ? fill_wording_subst(&where, g->w, "finding_section", kv, 2, err) : 0;
            if (r < 0)
                return r;
            tcpl_buf line;
            tcpl_buf_init(&line);
            r = tcpl_buf_printf(&line, "%s%s", where ? where : "", msg);
            free(where);
            if (r == 0)
                r = add_unique(g->messages[c], line.data);
            tcpl_buf_free(&line);
            if (r < 0)
                return TCPL_NOMEM(err, NULL);
        }
        if (basis && *basis && add_unique(g->bases[c], basis) < 0)
            return TCPL_NOMEM(err, NULL);
    }
    return 0;
}

/* The "findings" arrays of a check object, or of the check objects a
 * dossier check holds. */
typedef struct {
    int (*take)(void *ud, json_t *findings, tcpl_error *err);
    void *ud;
    size_t documents;
} walker;

static int walk(walker *w, json_t *v, int depth, tcpl_error *err)
{
    if (depth > TCPL_CONCLUDE_MAX_DEPTH)
        return 0;
    if (json_is_array(v)) {
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it)
        {
            int r = walk(w, it, depth + 1, err);
            if (r < 0)
                return r;
        }
        return 0;
    }
    if (!json_is_object(v))
        return 0;
    json_t *f = json_object_get(v, "findings");
    if (json_is_array(f)) {
        w->documents++;
        return w->take(w->ud, f, err);
    }
    const char *k;
    json_t *it;
    json_object_foreach(v, k, it)
    {
        int r = walk(w, it, depth + 1, err);
        if (r < 0)
            return r;
    }
    return 0;
}

int fill_findings_walk(const char *json, size_t len, int (*take)(void *, json_t *, tcpl_error *),
                       void *ud, size_t *documents, tcpl_error *err)
{
    walker w = {take, ud, 0};
    *documents = 0;
    /* One JSON value after another (JSON Lines or a single object). */
    size_t at = 0, values = 0;
    while (at < len) {
        while (at < len && strchr(" \t\r\n", json[at]))
            at++;
        if (at >= len)
            break;
        json_error_t je;
        json_t *doc =
            json_loadb(json + at, len - at, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je);
        if (!doc)
            return tcpl_err(err, TCPL_ERR_DATA, "err.fill_json", NULL, NULL, "%s (%d:%d)", je.text,
                            je.line, je.column);
        at += je.position ? (size_t)je.position : len - at;
        values++;
        int r = walk(&w, doc, 0, err);
        json_decref(doc);
        if (r < 0)
            return r;
    }
    *documents = w.documents;
    if (!w.documents)
        return tcpl_err(err, TCPL_ERR_DATA, "err.conclude_no_findings", NULL, NULL,
                        "%zu JSON values, none with \"findings\"", values);
    return 0;
}

/* "Lead: m1; m2; m3 và 4 nội dung khác (căn cứ: b1; b2)." (the words:
 * conclude.yaml's category_leads, more_findings, finding_basis). */
static int phrase(tcpl_buf *b, const groups *g, int c, tcpl_error *err)
{
    char key[64];
    const char *lead;
    snprintf(key, sizeof key, "category_leads.%s", tcpl_category_name((tcpl_category)c));
    int r = fill_wording_text(&lead, g->w, key, err);
    if (r < 0)
        return r;
    r = tcpl_buf_puts(b, lead);
    size_t i;
    json_t *v;
    json_array_foreach(g->messages[c], i, v)
    {
        if (r == 0)
            r = tcpl_buf_puts(b, i ? "; " : ": ");
        if (r == 0)
            r = tcpl_buf_puts(b, json_string_value(v));
    }
    size_t shown = json_array_size(g->messages[c]);
    char *t = NULL;
    if (r == 0 && g->count[c] > shown) {
        char so[32];
        snprintf(so, sizeof so, "%zu", g->count[c] - shown);
        const char *kv[] = {"so", so};
        if ((r = fill_wording_subst(&t, g->w, "more_findings", kv, 2, err)) < 0)
            return r;
        r = tcpl_buf_puts(b, t);
        free(t);
        t = NULL;
    }
    if (r == 0 && json_array_size(g->bases[c])) {
        tcpl_buf bases;
        tcpl_buf_init(&bases);
        json_array_foreach(g->bases[c], i, v)
        {
            if (r == 0 && i)
                r = tcpl_buf_puts(&bases, "; ");
            if (r == 0)
                r = tcpl_buf_puts(&bases, json_string_value(v));
        }
        const char *kv[] = {"can_cu", bases.data ? bases.data : ""};
        int w = r == 0 ? fill_wording_subst(&t, g->w, "finding_basis", kv, 2, err) : 0;
        tcpl_buf_free(&bases);
        if (w < 0)
            return w;
        if (r == 0)
            r = tcpl_buf_puts(b, t);
        free(t);
    }
    if (r == 0)
        r = tcpl_buf_puts(b, ".");
    return r < 0 ? TCPL_NOMEM(err, NULL) : 0;
}

int tcpl_conclusion_data(char **out, const char *findings_json, size_t len, const char *meta_json,
                         const tcpl_ctx *ctx, tcpl_error *err)
{
    *out = NULL;
    groups g;
    memset(&g, 0, sizeof g);
    json_t *o = NULL, *items = NULL, *meta = NULL;
    char *summary = NULL;
    tcpl_buf b;
    tcpl_buf_init(&b);
    fill_wording w;
    int rc = fill_wording_load(&w, ctx, CONCLUDE_FILE, err);
    if (rc < 0)
        return rc;
    g.w = &w;
    if ((rc = fill_findings_walk(findings_json, len, take_findings, &g, &g.documents, err)) < 0)
        goto out;
    items = json_array();
    if (!items) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    int n = 0;
    for (int c = 0; c < TCPL_CAT_COUNT; c++) {
        if (!g.count[c])
            continue;
        tcpl_buf_reset(&b);
        if ((rc = phrase(&b, &g, c, err)) < 0)
            goto out;
        if (json_array_append_new(items, json_pack("{s:i,s:s,s:s}", "stt", ++n, "noi_dung",
                                                   (b.data ? b.data : ""), "loai",
                                                   tcpl_category_name((tcpl_category)c))) < 0) {
            rc = TCPL_NOMEM(err, NULL);
            goto out;
        }
    }
    char van_ban[32], loi[32], canh_bao[32];
    snprintf(van_ban, sizeof van_ban, "%zu", g.documents);
    snprintf(loi, sizeof loi, "%zu", g.loi);
    snprintf(canh_bao, sizeof canh_bao, "%zu", g.canh_bao);
    const char *kv[] = {"van_ban", van_ban, "loi", loi, "canh_bao", canh_bao};
    if ((rc = fill_wording_subst(&summary, &w, "summary", kv, 6, err)) < 0 ||
        (rc = fill_wording_draft(&o, &w, "draft", DRAFT_KEYS, err)) < 0)
        goto out;
    /* no "ngay": a date left out is an empty line to write, not an error */
    if (json_object_set_new(o, "ket_qua", json_string(summary)) < 0 ||
        json_object_set(o, "han_che", items) < 0) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    if ((rc = fill_merge_meta(o, meta_json, err)) < 0)
        goto out;
    *out = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    if (!*out)
        rc = TCPL_NOMEM(err, NULL);
out:
    for (int c = 0; c < TCPL_CAT_COUNT; c++) {
        json_decref(g.messages[c]);
        json_decref(g.bases[c]);
    }
    json_decref(o);
    json_decref(items);
    json_decref(meta);
    free(summary);
    tcpl_buf_free(&b);
    fill_wording_free(&w);
    return rc;
}
