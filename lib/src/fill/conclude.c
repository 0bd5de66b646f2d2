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

/* The opening words of a shortcoming, per category (tcpl_category order). */
static const char *const LEAD[TCPL_CAT_COUNT] = {
    "Số, ký hiệu văn bản chưa đúng thể thức",
    "Ngày, tháng ghi trong văn bản chưa đúng",
    "Số thứ tự các mục chưa liên tục, chính xác",
    "Nhiệm vụ chưa xác định đầy đủ đơn vị chủ trì, thời gian thực hiện",
    "Việc viện dẫn văn bản chưa chính xác",
    "Phần đầu văn bản chưa đúng thể thức",
    "Bố cục, nội dung văn bản còn thiếu",
    "Thể thức, kỹ thuật trình bày văn bản chưa đúng quy định",
    "Chính tả, tên cơ quan, đơn vị viết chưa đúng",
    "Thiếu tài liệu minh chứng",
    "Thời hạn thực hiện chưa phù hợp",
    "Chưa khắc phục đầy đủ các nội dung được yêu cầu",
    "Số liệu tổng hợp chưa khớp",
};

typedef struct {
    json_t *messages[TCPL_CAT_COUNT]; /* arrays of strings, in input order */
    json_t *bases[TCPL_CAT_COUNT];    /* distinct bases */
    size_t count[TCPL_CAT_COUNT];
    size_t findings, documents, loi, canh_bao;
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
            /* "II.2.2#2" (the second item numbered 2.2.) reads as "mục II.2.2" */
            char where[64] = "";
            if (sec && *sec)
                snprintf(where, sizeof where, "mục %.*s: ", (int)strcspn(sec, "#"), sec);
            tcpl_buf line;
            tcpl_buf_init(&line);
            int r = tcpl_buf_printf(&line, "%s%s", where, msg);
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

/* "Lead: m1; m2; m3 và 4 nội dung khác (căn cứ: b1; b2)." */
static int phrase(tcpl_buf *b, const groups *g, int c)
{
    int r = tcpl_buf_puts(b, LEAD[c]);
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
    if (r == 0 && g->count[c] > shown)
        r = tcpl_buf_printf(b, " và %zu nội dung khác", g->count[c] - shown);
    json_array_foreach(g->bases[c], i, v)
    {
        if (r == 0)
            r = tcpl_buf_puts(b, i ? "; " : " (căn cứ: ");
        if (r == 0)
            r = tcpl_buf_puts(b, json_string_value(v));
    }
    if (r == 0 && json_array_size(g->bases[c]))
        r = tcpl_buf_puts(b, ")");
    if (r == 0)
        r = tcpl_buf_puts(b, ".");
    return r;
}

int tcpl_conclusion_data(char **out, const char *findings_json, size_t len, const char *meta_json,
                         tcpl_error *err)
{
    *out = NULL;
    groups g;
    memset(&g, 0, sizeof g);
    json_t *o = NULL, *items = NULL, *meta = NULL;
    tcpl_buf b;
    tcpl_buf_init(&b);
    int rc = 0;
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
        if ((rc = phrase(&b, &g, c)) < 0 ||
            json_array_append_new(items, json_pack("{s:i,s:s,s:s}", "stt", ++n, "noi_dung",
                                                   (b.data ? b.data : ""), "loai",
                                                   tcpl_category_name((tcpl_category)c))) < 0) {
            rc = TCPL_NOMEM(err, NULL);
            goto out;
        }
    }
    tcpl_buf_reset(&b);
    if (tcpl_buf_printf(&b,
                        "Đoàn kiểm tra đã kiểm tra %zu văn bản; phát hiện %zu lỗi và %zu nội dung "
                        "cần lưu ý về thể thức và nội dung, tổng hợp tại Mục II Kết luận này.",
                        g.documents, g.loi, g.canh_bao) < 0) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    /* no "ngay": a date left out is an empty line to write, not an error */
    o = json_pack("{s:{s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:{s:s},s:[s],s:s,s:[s],s:o,s:[],"
                  "s:s,s:[s],s:{s:s,s:s,s:s}}",
                  "co_quan", "cap_tren", "[cơ quan cấp trên]", "ten", "[cơ quan kiểm tra]",
                  "ten_ngan", "[cơ quan kiểm tra]", "so", "", "ky_hieu", "KL-[...]", "dia_danh",
                  "[địa danh]", "trich_yeu", "Kiểm tra [nội dung] tại [đơn vị]", "don_vi", "ten",
                  "[đơn vị được kiểm tra]", "can_cu",
                  "Căn cứ Quyết định số [...] về việc kiểm tra [...];", "mo_dau",
                  "Trên cơ sở kết quả kiểm tra, [cơ quan kiểm tra] kết luận như sau:", "ket_qua",
                  (b.data ? b.data : ""), "han_che", items, "yeu_cau_khac", "to_chuc",
                  "[Giao đơn vị theo dõi, đôn đốc việc thực hiện Kết luận này]", "noi_nhan",
                  "[đơn vị được kiểm tra] (để thực hiện)", "ky", "quyen_han", "", "chuc_vu",
                  "[CHỨC VỤ]", "ho_ten", "[Họ và tên]");
    items = NULL;
    if (!o) {
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
    tcpl_buf_free(&b);
    return rc;
}
