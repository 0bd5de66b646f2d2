/* A draft remediation plan from an inspection conclusion: the conclusion's
 * shortcomings (the items under its "HẠN CHẾ, THIẾU SÓT" section), its number,
 * date and issuer, and the completion deadline it sets (the latest deadline
 * in its requirements), turned into the data of the remediation template
 * (templates/ke-hoach-khac-phuc).  Defaults come from checks/remediate.yaml;
 * the commune's own data (name, number, signer) overrides them.  Uses only
 * the public extraction views. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/data.h"
#include "base/error.h"
#include "base/re.h"
#include "fill/template.h"
#include "tcpl/fill.h"

#define REMEDIATE_FILE "remediate.yaml"
/* Shortcomings taken into a draft: a conclusion lists a handful. */
#define TCPL_REMEDIATE_MAX_ITEMS 200

/* {key} placeholders of a remediate.yaml text. */
static char *subst(const char *t, const char *const *kv, size_t n)
{
    size_t cap = strlen(t) + 1;
    for (size_t i = 0; i < n; i += 2)
        cap += strlen(kv[i + 1]) * 4;
    char *o = malloc(cap);
    if (!o)
        return NULL;
    size_t k = 0;
    for (const char *p = t; *p;) {
        size_t i = 0;
        for (; i < n; i += 2) {
            size_t l = strlen(kv[i]);
            if (p[0] == '{' && !strncmp(p + 1, kv[i], l) && p[1 + l] == '}') {
                size_t vl = strlen(kv[i + 1]);
                if (k + vl + 1 > cap)
                    break;
                memcpy(o + k, kv[i + 1], vl);
                k += vl;
                p += l + 2;
                break;
            }
        }
        if (i >= n && k + 1 < cap)
            o[k++] = *p++;
        else if (i >= n)
            p++;
    }
    o[k] = 0;
    return o;
}

int fill_merge_meta(json_t *o, const char *meta_json, tcpl_error *err)
{
    if (!meta_json || !*meta_json)
        return 0;
    json_error_t je;
    json_t *meta = json_loads(meta_json, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(meta)) {
        json_decref(meta);
        return tcpl_err(err, TCPL_ERR_DATA, "err.fill_json", NULL, NULL, "%s (%d:%d)", je.text,
                        je.line, je.column);
    }
    const char *key;
    json_t *val;
    json_object_foreach(meta, key, val)
    {
        json_t *mine = json_object_get(o, key);
        if (json_is_object(mine) && json_is_object(val))
            json_object_update(mine, val);
        else
            json_object_set(o, key, val);
    }
    json_decref(meta);
    return 0;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

static int top_section(const tcpl_extraction *x, const tcpl_re *re, tcpl_match *m, size_t *at)
{
    for (size_t i = 0; i < tcpl_extraction_section_count(x); i++) {
        const tcpl_xsection *s = tcpl_extraction_section(x, i);
        if (s->parent >= 0)
            continue;
        int r = tcpl_re_find(re, m, s->title, strlen(s->title), 0);
        if (r < 0)
            return r;
        if (r > 0) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* A text of remediate.yaml with its {key} placeholders filled (kv: key,
 * value pairs); "" for a key the file lacks.  NULL: out of memory. */
static char *yaml_text(tcpl_yaml *y, yaml_node_t *root, const char *key, const char *const *kv,
                       size_t n)
{
    return subst(nz(tcpl_yaml_str(tcpl_yaml_get(y, root, key))), kv, n);
}

int tcpl_remediation_data(char **out, const tcpl_extraction *kl, const char *meta_json,
                          const tcpl_ctx *ctx, tcpl_error *err)
{
    *out = NULL;
    const tcpl_xmeta *m = tcpl_extraction_meta(kl);
    tcpl_yaml y;
    int rc = tcpl_yaml_load(&y, ctx, REMEDIATE_FILE, err);
    if (rc < 0)
        return rc;
    yaml_node_t *root = tcpl_yaml_root(&y);
    tcpl_re shortcomings = {0}, requirements = {0};
    tcpl_match match = {0};
    json_t *o = NULL, *items = NULL, *meta = NULL;
    char **leads_txt = NULL;
    tcpl_re *leads = NULL;
    size_t nleads = tcpl_yaml_len(tcpl_yaml_get(&y, root, "leads"));
    leads = calloc(nleads ? nleads : 1, sizeof *leads);
    leads_txt = calloc(nleads ? nleads : 1, sizeof *leads_txt);
    if (!leads || !leads_txt || tcpl_match_init(&match, 16) < 0) {
        rc = TCPL_NOMEM(err, m->file);
        goto out;
    }
    /* The conclusion's sections are named in the data, not here. */
    yaml_node_t *sn = tcpl_yaml_get(&y, root, "shortcomings_section");
    yaml_node_t *rn = tcpl_yaml_get(&y, root, "requirements_section");
    if (!tcpl_yaml_str(sn) || !tcpl_yaml_str(rn)) {
        rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", REMEDIATE_FILE, NULL,
                      "needs shortcomings_section and requirements_section patterns");
        goto out;
    }
    if ((rc = tcpl_re_compile_nojit(&shortcomings, tcpl_yaml_str(sn), 0, REMEDIATE_FILE,
                                    tcpl_yaml_line(sn), err)) < 0 ||
        (rc = tcpl_re_compile_nojit(&requirements, tcpl_yaml_str(rn), 0, REMEDIATE_FILE,
                                    tcpl_yaml_line(rn), err)) < 0)
        goto out;
    for (size_t i = 0; i < nleads; i++) {
        yaml_node_t *it = tcpl_yaml_item(&y, tcpl_yaml_get(&y, root, "leads"), i);
        const char *pat = tcpl_yaml_str(tcpl_yaml_get(&y, it, "pattern"));
        leads_txt[i] = (char *)tcpl_yaml_str(tcpl_yaml_get(&y, it, "lead"));
        if (!pat || !leads_txt[i]) {
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", REMEDIATE_FILE, NULL,
                          "a lead needs pattern and lead");
            goto out;
        }
        if ((rc = tcpl_re_compile_nojit(&leads[i], pat, PCRE2_CASELESS, REMEDIATE_FILE,
                                        tcpl_yaml_line(it), err)) < 0)
            goto out;
    }
    const char *default_lead = tcpl_yaml_str(tcpl_yaml_get(&y, root, "default_lead"));
    const char *cause = tcpl_yaml_str(tcpl_yaml_get(&y, root, "cause_placeholder"));
    const char *fix = tcpl_yaml_str(tcpl_yaml_get(&y, root, "fix_placeholder"));

    /* The completion deadline: the latest the requirements set. */
    const char *deadline = NULL;
    size_t req = 0;
    int has_req = top_section(kl, &requirements, &match, &req);
    if (has_req > 0) {
        const tcpl_xsection *s = tcpl_extraction_section(kl, req);
        int end = -1;
        for (size_t k = req + 1; k < tcpl_extraction_section_count(kl); k++)
            if (tcpl_extraction_section(kl, k)->parent < 0) {
                end = tcpl_extraction_section(kl, k)->block;
                break;
            }
        for (size_t d = 0; d < tcpl_extraction_deadline_count(kl); d++) {
            const tcpl_xdeadline *dl = tcpl_extraction_deadline(kl, d);
            if (dl->date && dl->block >= s->block && (end < 0 || dl->block < end) &&
                (!deadline || strcmp(dl->date, deadline) > 0))
                deadline = dl->date;
        }
    }
    char han[32], kl_date[32];
    fill_vn_date(deadline, han, sizeof han);
    fill_vn_date(m->date.iso, kl_date, sizeof kl_date);

    /* The issuer of the conclusion: the organ its header names last ("UBND
     * TỈNH X SỞ TƯ PHÁP" -> "SỞ TƯ PHÁP"), as printed; the heads that start an
     * organ are data (issuer_heads). */
    const char *issuer = m->authority;
    yaml_node_t *heads = tcpl_yaml_get(&y, root, "issuer_heads");
    for (size_t i = 0; i < tcpl_yaml_len(heads); i++) {
        const char *h = tcpl_yaml_str(tcpl_yaml_item(&y, heads, i));
        const char *at = h && *h ? strstr(m->authority, h) : NULL;
        while (at) { /* the last occurrence after the first word */
            if (at > m->authority && at > issuer)
                issuer = at + 1;
            at = strstr(at + 1, h);
        }
    }
    char issuer_buf[256];
    snprintf(issuer_buf, sizeof issuer_buf, "%s", issuer);

    items = json_array();
    size_t sec = 0;
    int has = items ? top_section(kl, &shortcomings, &match, &sec) : -1;
    for (size_t i = 0; has > 0 && i < tcpl_extraction_section_count(kl) &&
                       json_array_size(items) < TCPL_REMEDIATE_MAX_ITEMS;
         i++) {
        const tcpl_xsection *s = tcpl_extraction_section(kl, i);
        if (s->parent != (int)sec)
            continue;
        const char *lead = default_lead ? default_lead : "";
        for (size_t k = 0; k < nleads; k++)
            if (tcpl_re_find(&leads[k], &match, s->title, strlen(s->title), 0) > 0) {
                lead = leads_txt[k];
                break;
            }
        const char *hkv[] = {"han", han};
        char *when =
            yaml_text(&y, root, deadline ? "deadline_text" : "deadline_placeholder", hkv, 2);
        json_t *it = when ? json_pack("{s:s,s:s,s:s,s:s,s:s}", "noi_dung", s->title, "nguyen_nhan",
                                      cause ? cause : "", "chu_tri", lead, "giai_phap",
                                      fix ? fix : "", "thoi_han", when)
                          : NULL;
        free(when);
        if (!it || json_array_append_new(items, it) < 0) {
            rc = TCPL_NOMEM(err, m->file);
            goto out;
        }
    }
    const char *kv[] = {"so", m->number, "ngay", kl_date, "han", han, "co_quan_kl", issuer_buf};
    char *purpose = subst(nz(tcpl_yaml_str(tcpl_yaml_get(&y, root, "purpose"))), kv, 8);
    char *organisation = subst(nz(tcpl_yaml_str(tcpl_yaml_get(&y, root, "organisation"))), kv, 8);
    json_t *reqs = json_array();
    yaml_node_t *rq = tcpl_yaml_get(&y, root, "requirements");
    for (size_t i = 0; reqs && i < tcpl_yaml_len(rq); i++) {
        char *t = subst(nz(tcpl_yaml_str(tcpl_yaml_item(&y, rq, i))), kv, 8);
        if (!t || json_array_append_new(reqs, json_string(t)) < 0) {
            free(t);
            rc = TCPL_NOMEM(err, m->file);
            json_decref(reqs);
            free(purpose);
            free(organisation);
            goto out;
        }
        free(t);
    }
    o = json_pack("{s:{s:s,s:s,s:s},s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s},s:[s],s:o,s:o,s:[s],"
                  "s:s,s:s*,s:[s],s:{s:s,s:s,s:s}}",
                  "co_quan", "dong_1", "Ủy ban nhân dân", "dong_2", "xã [tên xã]", "ten",
                  "Ủy ban nhân dân xã [tên xã]", "so", "", "ky_hieu", "KH-UBND", "dia_danh",
                  "[địa danh]", "ket_luan", "so", m->number, "ngay", m->date.iso ? m->date.iso : "",
                  "co_quan", issuer_buf, "noi_dung", m->title, "muc_dich", purpose ? purpose : "",
                  "yeu_cau", reqs, "han_che", items, "to_chuc", organisation ? organisation : "",
                  "bo_phan_tong_hop", default_lead ? default_lead : "", "han_bao_cao", deadline,
                  "noi_nhan", issuer_buf, "ky", "quyen_han", "", "chuc_vu", "CHỦ TỊCH", "ho_ten",
                  "[Họ và tên]");
    items = NULL;
    free(purpose);
    free(organisation);
    if (!o) {
        rc = TCPL_NOMEM(err, m->file);
        goto out;
    }
    /* The commune's own data wins, key by key (objects merged one level). */
    if ((rc = fill_merge_meta(o, meta_json, err)) < 0)
        goto out;
    *out = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    if (!*out)
        rc = TCPL_NOMEM(err, m->file);
out:
    json_decref(o);
    json_decref(items);
    json_decref(meta);
    for (size_t i = 0; leads && i < nleads; i++)
        tcpl_re_free(&leads[i]);
    free(leads);
    free(leads_txt);
    tcpl_re_free(&shortcomings);
    tcpl_re_free(&requirements);
    tcpl_match_free(&match);
    tcpl_yaml_free(&y);
    return rc;
}

/* ---- a draft from findings (tcpl remediate FINDINGS.json) --------------- */

/* Findings taken into one draft: distinct messages of severity Lỗi and
 * Cảnh báo; TCPL_REMEDIATE_MAX_ITEMS of them at most. */
#define REMEDIATE_MAX_DAYS 3660

static long civil_days(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* iso + days -> "YYYY-MM-DD" (civil_from_days); 0, or -1 for a date that is
 * not YYYY-MM-DD. */
static int add_days(char out[16], const char *iso, long days)
{
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    long z = civil_days(y, m, d) + days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp < 10 ? mp + 3 : mp - 9;
    long yy = yoe + era * 400 + (mm <= 2);
    if (yy < 1000 || yy > 9999)
        return -1;
    snprintf(out, 16, "%04d-%02d-%02d", (int)yy, (int)mm, (int)dd);
    return 0;
}

typedef struct {
    json_t *items; /* the draft's han_che */
    json_t *seen;  /* message -> true: one item per distinct message */
    tcpl_yaml *y;
    yaml_node_t *root;
    tcpl_re *leads;
    char **leads_txt;
    size_t nleads;
    tcpl_match *match;
    const char *cause, *fix, *when, *default_lead;
    size_t loi, canh_bao;
} rf_state;

static const char *lead_for(rf_state *s, const char *category, const char *msg)
{
    /* by category first (category_leads), then by the words of the message */
    yaml_node_t *cl = tcpl_yaml_get(s->y, s->root, "category_leads");
    const char *by_cat = category ? tcpl_yaml_str(tcpl_yaml_get(s->y, cl, category)) : NULL;
    if (by_cat && *by_cat)
        return by_cat;
    for (size_t k = 0; k < s->nleads; k++)
        if (tcpl_re_find(&s->leads[k], s->match, msg, strlen(msg), 0) > 0)
            return s->leads_txt[k];
    return s->default_lead ? s->default_lead : "";
}

static int rf_take(void *ud, json_t *arr, tcpl_error *err)
{
    rf_state *s = ud;
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *msg = json_string_value(json_object_get(f, "message"));
        if (!sev || !msg || !*msg || (strcmp(sev, "loi") && strcmp(sev, "canh-bao")))
            continue;
        if (!strcmp(sev, "loi"))
            s->loi++;
        else
            s->canh_bao++;
        if (json_object_get(s->seen, msg) || json_array_size(s->items) >= TCPL_REMEDIATE_MAX_ITEMS)
            continue;
        if (json_object_set_new(s->seen, msg, json_true()) < 0)
            return TCPL_NOMEM(err, NULL);
        const char *sec = json_string_value(json_object_get(f, "section"));
        const char *fix = json_string_value(json_object_get(f, "fix"));
        const char *basis = json_string_value(json_object_get(f, "basis"));
        const char *cat = json_string_value(json_object_get(f, "category"));
        tcpl_buf what, how;
        tcpl_buf_init(&what);
        tcpl_buf_init(&how);
        int r = 0;
        /* "II.2.2#2" (the second item numbered 2.2.) reads as "mục II.2.2";
         * the words around the finding's parts are remediate.yaml's */
        char muc[64] = "";
        if (sec && *sec)
            snprintf(muc, sizeof muc, "%.*s", (int)strcspn(sec, "#"), sec);
        const char *kv[] = {"muc", muc, "can_cu", basis ? basis : "", "sua", fix ? fix : ""};
        char *t1 = muc[0] ? yaml_text(s->y, s->root, "finding_section", kv, 6) : NULL;
        char *t2 = basis && *basis ? yaml_text(s->y, s->root, "finding_basis", kv, 6) : NULL;
        char *t3 = fix && *fix ? yaml_text(s->y, s->root, "finding_fix", kv, 6) : NULL;
        if ((muc[0] && !t1) || (basis && *basis && !t2) || (fix && *fix && !t3))
            r = -1;
        if (r == 0 && t1)
            r = tcpl_buf_puts(&what, t1);
        if (r == 0)
            r = tcpl_buf_puts(&what, msg);
        if (r == 0 && t2)
            r = tcpl_buf_puts(&what, t2);
        if (r == 0)
            r = tcpl_buf_puts(&how, t3 ? t3 : s->fix ? s->fix : "");
        free(t1);
        free(t2);
        free(t3);
        json_t *it = r == 0
                         ? json_pack("{s:s,s:s,s:s,s:s,s:s}", "noi_dung", what.data, "nguyen_nhan",
                                     s->cause ? s->cause : "", "chu_tri", lead_for(s, cat, msg),
                                     "giai_phap", how.data ? how.data : "", "thoi_han", s->when)
                         : NULL;
        tcpl_buf_free(&what);
        tcpl_buf_free(&how);
        if (!it || json_array_append_new(s->items, it) < 0)
            return TCPL_NOMEM(err, NULL);
    }
    return 0;
}

int tcpl_remediation_data_findings(char **out, const char *findings_json, size_t len,
                                   const char *meta_json, const char *today, const tcpl_ctx *ctx,
                                   tcpl_error *err)
{
    *out = NULL;
    tcpl_yaml y;
    int rc = tcpl_yaml_load(&y, ctx, REMEDIATE_FILE, err);
    if (rc < 0)
        return rc;
    rf_state s;
    memset(&s, 0, sizeof s);
    s.y = &y;
    s.root = tcpl_yaml_root(&y);
    tcpl_match match = {0};
    s.match = &match;
    json_t *o = NULL, *meta = NULL;
    char *when = NULL;
    yaml_node_t *ln = tcpl_yaml_get(&y, s.root, "leads");
    s.nleads = tcpl_yaml_len(ln);
    s.leads = calloc(s.nleads ? s.nleads : 1, sizeof *s.leads);
    s.leads_txt = calloc(s.nleads ? s.nleads : 1, sizeof *s.leads_txt);
    s.items = json_array();
    s.seen = json_object();
    if (!s.leads || !s.leads_txt || !s.items || !s.seen || tcpl_match_init(&match, 16) < 0) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    for (size_t i = 0; i < s.nleads; i++) {
        yaml_node_t *it = tcpl_yaml_item(&y, ln, i);
        const char *pat = tcpl_yaml_str(tcpl_yaml_get(&y, it, "pattern"));
        s.leads_txt[i] = (char *)tcpl_yaml_str(tcpl_yaml_get(&y, it, "lead"));
        if (!pat || !s.leads_txt[i]) {
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", REMEDIATE_FILE, NULL,
                          "a lead needs pattern and lead");
            goto out;
        }
        if ((rc = tcpl_re_compile_nojit(&s.leads[i], pat, PCRE2_CASELESS, REMEDIATE_FILE,
                                        tcpl_yaml_line(it), err)) < 0)
            goto out;
    }
    s.default_lead = tcpl_yaml_str(tcpl_yaml_get(&y, s.root, "default_lead"));
    s.cause = tcpl_yaml_str(tcpl_yaml_get(&y, s.root, "cause_placeholder"));
    s.fix = tcpl_yaml_str(tcpl_yaml_get(&y, s.root, "fix_placeholder"));

    /* The deadline: the one the data gives (han_bao_cao), else today plus
     * default_days (remediate.yaml); a concrete date either way. */
    char deadline[16] = "";
    if (meta_json && *meta_json) {
        json_error_t je;
        meta = json_loads(meta_json, 0, &je);
        const char *h = json_string_value(json_object_get(meta, "han_bao_cao"));
        if (h && add_days(deadline, h, 0) < 0)
            deadline[0] = 0;
    }
    if (!deadline[0]) {
        const char *dd = tcpl_yaml_str(tcpl_yaml_get(&y, s.root, "default_days"));
        long days = dd ? strtol(dd, NULL, 10) : 30;
        if (days < 1 || days > REMEDIATE_MAX_DAYS)
            days = 30;
        if (add_days(deadline, today, days) < 0)
            deadline[0] = 0;
    }
    char han[32];
    fill_vn_date(deadline, han, sizeof han);
    const char *hkv[] = {"han", han};
    when = yaml_text(&y, s.root, deadline[0] ? "deadline_text" : "deadline_placeholder", hkv, 2);
    if (!when) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    s.when = when;

    size_t documents = 0;
    if ((rc = fill_findings_walk(findings_json, len, rf_take, &s, &documents, err)) < 0)
        goto out;
    const char *kv[] = {"han", deadline[0] ? han : "[thời hạn]"};
    char *purpose = subst(nz(tcpl_yaml_str(tcpl_yaml_get(&y, s.root, "purpose_findings"))), kv, 2);
    char *organisation =
        subst(nz(tcpl_yaml_str(tcpl_yaml_get(&y, s.root, "organisation_findings"))), kv, 2);
    json_t *reqs = json_array();
    yaml_node_t *rq = tcpl_yaml_get(&y, s.root, "requirements_findings");
    for (size_t i = 0; reqs && i < tcpl_yaml_len(rq); i++) {
        char *t = subst(nz(tcpl_yaml_str(tcpl_yaml_item(&y, rq, i))), kv, 2);
        if (!t || json_array_append_new(reqs, json_string(t)) < 0) {
            json_decref(reqs);
            reqs = NULL;
        }
        free(t);
    }
    if (!purpose || !organisation || !reqs) {
        free(purpose);
        free(organisation);
        json_decref(reqs);
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    /* no ket_luan.ngay: a date left out is a blank to write, not an error */
    o = json_pack("{s:{s:s,s:s,s:s},s:s,s:s,s:s,s:{s:s,s:s,s:s},s:[s],s:o,s:O,s:[s],"
                  "s:s,s:s*,s:[s],s:{s:s,s:s,s:s}}",
                  "co_quan", "dong_1", "Ủy ban nhân dân", "dong_2", "xã [tên xã]", "ten",
                  "Ủy ban nhân dân xã [tên xã]", "so", "", "ky_hieu", "KH-UBND", "dia_danh",
                  "[địa danh]", "ket_luan", "so", "[số]", "co_quan", "[cơ quan kiểm tra]",
                  "noi_dung", "[nội dung kiểm tra]", "muc_dich", purpose, "yeu_cau", reqs,
                  "han_che", s.items, "to_chuc", organisation, "bo_phan_tong_hop",
                  s.default_lead ? s.default_lead : "", "han_bao_cao",
                  deadline[0] ? deadline : NULL, "noi_nhan", "[cơ quan kiểm tra]", "ky",
                  "quyen_han", "", "chuc_vu", "CHỦ TỊCH", "ho_ten", "[Họ và tên]");
    free(purpose);
    free(organisation);
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
    free(when);
    json_decref(o);
    json_decref(meta);
    json_decref(s.items);
    json_decref(s.seen);
    for (size_t i = 0; s.leads && i < s.nleads; i++)
        tcpl_re_free(&s.leads[i]);
    free(s.leads);
    free(s.leads_txt);
    tcpl_match_free(&match);
    tcpl_yaml_free(&y);
    return rc;
}
