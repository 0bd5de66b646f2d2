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
#include "fill/wording.h"
#include "tcpl/fill.h"

#define REMEDIATE_FILE "remediate.yaml"
/* Shortcomings taken into a draft: a conclusion lists a handful. */
#define TCPL_REMEDIATE_MAX_ITEMS 200

/* The keys remediate.yaml's draft must give: the data of
 * templates/ke-hoach-khac-phuc that neither the conclusion nor the findings
 * make. */
static const char *const DRAFT_KEYS[] = {
    "co_quan.dong_1", "co_quan.dong_2", "co_quan.ten", "so",        "ky_hieu",
    "dia_danh",       "ky.quyen_han",   "ky.chuc_vu",  "ky.ho_ten", NULL};

/* The texts of a sequence key of remediate.yaml with their {key}
 * placeholders filled, as a JSON array (*out). */
static int text_list(json_t **out, fill_wording *w, const char *key, const char *const *kv,
                     size_t n, tcpl_error *err)
{
    yaml_node_t *seq = fill_wording_node(w, key);
    *out = NULL;
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return tcpl_err(err, TCPL_ERR_DATA, "err.wording_missing", w->file, NULL, "%s", key);
    json_t *a = json_array();
    for (size_t i = 0; a && i < tcpl_yaml_len(seq); i++) {
        const char *t = tcpl_yaml_str(tcpl_yaml_item(&w->y, seq, i));
        char *f = t ? fill_subst(t, kv, n) : NULL;
        if (!t) {
            json_decref(a);
            return tcpl_err(err, TCPL_ERR_DATA, "err.wording_missing", w->file, NULL, "%s[%zu]",
                            key, i);
        }
        if (!f || json_array_append_new(a, json_string(f)) < 0) {
            json_decref(a);
            a = NULL;
        }
        free(f);
    }
    if (!a)
        return TCPL_NOMEM(err, w->file);
    *out = a;
    return 0;
}

/* The leads of remediate.yaml (pattern -> lead), compiled. */
typedef struct {
    tcpl_re *re;
    const char **lead;
    size_t n;
} leads_t;

static int leads_load(leads_t *l, fill_wording *w, tcpl_error *err)
{
    yaml_node_t *ln = fill_wording_node(w, "leads");
    l->n = tcpl_yaml_len(ln);
    l->re = calloc(l->n ? l->n : 1, sizeof *l->re);
    l->lead = calloc(l->n ? l->n : 1, sizeof *l->lead);
    if (!l->re || !l->lead)
        return TCPL_NOMEM(err, w->file);
    for (size_t i = 0; i < l->n; i++) {
        yaml_node_t *it = tcpl_yaml_item(&w->y, ln, i);
        const char *pat = tcpl_yaml_str(tcpl_yaml_get(&w->y, it, "pattern"));
        l->lead[i] = tcpl_yaml_str(tcpl_yaml_get(&w->y, it, "lead"));
        if (!pat || !l->lead[i])
            return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", w->file, NULL,
                            "a lead needs pattern and lead");
        int rc =
            tcpl_re_compile_nojit(&l->re[i], pat, PCRE2_CASELESS, w->file, tcpl_yaml_line(it), err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static void leads_free(leads_t *l)
{
    for (size_t i = 0; l->re && i < l->n; i++)
        tcpl_re_free(&l->re[i]);
    free(l->re);
    free((void *)l->lead);
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

int tcpl_remediation_data(char **out, const tcpl_extraction *kl, const char *meta_json,
                          const tcpl_ctx *ctx, tcpl_error *err)
{
    *out = NULL;
    const tcpl_xmeta *m = tcpl_extraction_meta(kl);
    fill_wording w;
    int rc = fill_wording_load(&w, ctx, REMEDIATE_FILE, err);
    if (rc < 0)
        return rc;
    tcpl_re shortcomings = {0}, requirements = {0};
    tcpl_match match = {0};
    json_t *o = NULL, *items = NULL, *reqs = NULL;
    char *purpose = NULL, *organisation = NULL;
    leads_t leads = {0};
    if (tcpl_match_init(&match, 16) < 0) {
        rc = TCPL_NOMEM(err, m->file);
        goto out;
    }
    /* The conclusion's sections are named in the data, not here. */
    yaml_node_t *sn = fill_wording_node(&w, "shortcomings_section");
    yaml_node_t *rn = fill_wording_node(&w, "requirements_section");
    if (!tcpl_yaml_str(sn) || !tcpl_yaml_str(rn)) {
        rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", REMEDIATE_FILE, NULL,
                      "needs shortcomings_section and requirements_section patterns");
        goto out;
    }
    if ((rc = tcpl_re_compile_nojit(&shortcomings, tcpl_yaml_str(sn), 0, REMEDIATE_FILE,
                                    tcpl_yaml_line(sn), err)) < 0 ||
        (rc = tcpl_re_compile_nojit(&requirements, tcpl_yaml_str(rn), 0, REMEDIATE_FILE,
                                    tcpl_yaml_line(rn), err)) < 0 ||
        (rc = leads_load(&leads, &w, err)) < 0)
        goto out;
    const char *default_lead, *cause, *fix;
    if ((rc = fill_wording_text(&default_lead, &w, "default_lead", err)) < 0 ||
        (rc = fill_wording_text(&cause, &w, "cause_placeholder", err)) < 0 ||
        (rc = fill_wording_text(&fix, &w, "fix_placeholder", err)) < 0)
        goto out;

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
    yaml_node_t *heads = fill_wording_node(&w, "issuer_heads");
    for (size_t i = 0; i < tcpl_yaml_len(heads); i++) {
        const char *h = tcpl_yaml_str(tcpl_yaml_item(&w.y, heads, i));
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
    const char *hkv[] = {"han", han};
    for (size_t i = 0; has > 0 && i < tcpl_extraction_section_count(kl) &&
                       json_array_size(items) < TCPL_REMEDIATE_MAX_ITEMS;
         i++) {
        const tcpl_xsection *s = tcpl_extraction_section(kl, i);
        if (s->parent != (int)sec)
            continue;
        const char *lead = default_lead;
        for (size_t k = 0; k < leads.n; k++)
            if (tcpl_re_find(&leads.re[k], &match, s->title, strlen(s->title), 0) > 0) {
                lead = leads.lead[k];
                break;
            }
        char *when;
        if ((rc = fill_wording_subst(&when, &w, deadline ? "deadline_text" : "deadline_placeholder",
                                     hkv, 2, err)) < 0)
            goto out;
        json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s}", "noi_dung", s->title, "nguyen_nhan", cause,
                               "chu_tri", lead, "giai_phap", fix, "thoi_han", when);
        free(when);
        if (!it || json_array_append_new(items, it) < 0) {
            rc = TCPL_NOMEM(err, m->file);
            goto out;
        }
    }
    const char *kv[] = {"so", m->number, "ngay", kl_date, "han", han, "co_quan_kl", issuer_buf};
    if ((rc = fill_wording_subst(&purpose, &w, "purpose", kv, 8, err)) < 0 ||
        (rc = fill_wording_subst(&organisation, &w, "organisation", kv, 8, err)) < 0 ||
        (rc = text_list(&reqs, &w, "requirements", kv, 8, err)) < 0 ||
        (rc = fill_wording_draft(&o, &w, "draft", DRAFT_KEYS, err)) < 0)
        goto out;
    json_t *part = json_pack("{s:{s:s,s:s,s:s,s:s},s:s,s:O,s:O,s:s,s:s,s:s*,s:[s]}", "ket_luan",
                             "so", m->number, "ngay", m->date.iso ? m->date.iso : "", "co_quan",
                             issuer_buf, "noi_dung", m->title, "muc_dich", purpose, "yeu_cau", reqs,
                             "han_che", items, "to_chuc", organisation, "bo_phan_tong_hop",
                             default_lead, "han_bao_cao", deadline, "noi_nhan", issuer_buf);
    if (!part || json_object_update(o, part) < 0) {
        json_decref(part);
        rc = TCPL_NOMEM(err, m->file);
        goto out;
    }
    json_decref(part);
    /* The commune's own data wins, key by key (objects merged one level). */
    if ((rc = fill_merge_meta(o, meta_json, err)) < 0)
        goto out;
    *out = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    if (!*out)
        rc = TCPL_NOMEM(err, m->file);
out:
    json_decref(o);
    json_decref(items);
    json_decref(reqs);
    free(purpose);
    free(organisation);
    leads_free(&leads);
    tcpl_re_free(&shortcomings);
    tcpl_re_free(&requirements);
    tcpl_match_free(&match);
    fill_wording_free(&w);
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
    fill_wording *w;
    leads_t leads;
    tcpl_match *match;
    const char *cause, *fix, *when, *default_lead;
    size_t loi, canh_bao;
} rf_state;

static const char *lead_for(rf_state *s, const char *category, const char *msg)
{
    /* by category first (category_leads), then by the words of the message */
    yaml_node_t *cl = fill_wording_node(s->w, "category_leads");
    const char *by_cat = category ? tcpl_yaml_str(tcpl_yaml_get(&s->w->y, cl, category)) : NULL;
    if (by_cat && *by_cat)
        return by_cat;
    for (size_t k = 0; k < s->leads.n; k++)
        if (tcpl_re_find(&s->leads.re[k], s->match, msg, strlen(msg), 0) > 0)
            return s->leads.lead[k];
    return s->default_lead;
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
        char *t1 = NULL, *t2 = NULL, *t3 = NULL;
        if ((sec && *sec &&
             (r = fill_wording_subst(&t1, s->w, "finding_section", kv, 6, err)) < 0) ||
            (basis && *basis &&
             (r = fill_wording_subst(&t2, s->w, "finding_basis", kv, 6, err)) < 0) ||
            (fix && *fix && (r = fill_wording_subst(&t3, s->w, "finding_fix", kv, 6, err)) < 0)) {
            free(t1);
            free(t2);
            return r;
        }
        if (r == 0 && t1)
            r = tcpl_buf_puts(&what, t1);
        if (r == 0)
            r = tcpl_buf_puts(&what, msg);
        if (r == 0 && t2)
            r = tcpl_buf_puts(&what, t2);
        if (r == 0)
            r = tcpl_buf_puts(&how, t3 ? t3 : s->fix);
        free(t1);
        free(t2);
        free(t3);
        json_t *it = r == 0 ? json_pack("{s:s,s:s,s:s,s:s,s:s}", "noi_dung", what.data,
                                        "nguyen_nhan", s->cause, "chu_tri", lead_for(s, cat, msg),
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
    fill_wording w;
    int rc = fill_wording_load(&w, ctx, REMEDIATE_FILE, err);
    if (rc < 0)
        return rc;
    rf_state s;
    memset(&s, 0, sizeof s);
    s.w = &w;
    tcpl_match match = {0};
    s.match = &match;
    json_t *o = NULL, *meta = NULL, *reqs = NULL;
    char *when = NULL, *purpose = NULL, *organisation = NULL;
    s.items = json_array();
    s.seen = json_object();
    if (!s.items || !s.seen || tcpl_match_init(&match, 16) < 0) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    if ((rc = leads_load(&s.leads, &w, err)) < 0 ||
        (rc = fill_wording_text(&s.default_lead, &w, "default_lead", err)) < 0 ||
        (rc = fill_wording_text(&s.cause, &w, "cause_placeholder", err)) < 0 ||
        (rc = fill_wording_text(&s.fix, &w, "fix_placeholder", err)) < 0)
        goto out;

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
        const char *dd = tcpl_yaml_str(fill_wording_node(&w, "default_days"));
        long days = dd ? strtol(dd, NULL, 10) : 30;
        if (days < 1 || days > REMEDIATE_MAX_DAYS)
            days = 30;
        if (add_days(deadline, today, days) < 0)
            deadline[0] = 0;
    }
    char han[32];
    fill_vn_date(deadline, han, sizeof han);
    const char *hkv[] = {"han", han};
    if ((rc = fill_wording_subst(&when, &w, deadline[0] ? "deadline_text" : "deadline_placeholder",
                                 hkv, 2, err)) < 0)
        goto out;
    s.when = when;

    size_t documents = 0;
    if ((rc = fill_findings_walk(findings_json, len, rf_take, &s, &documents, err)) < 0)
        goto out;
    const char *unknown;
    if ((rc = fill_wording_text(&unknown, &w, "deadline_unknown", err)) < 0)
        goto out;
    const char *kv[] = {"han", deadline[0] ? han : unknown};
    if ((rc = fill_wording_subst(&purpose, &w, "purpose_findings", kv, 2, err)) < 0 ||
        (rc = fill_wording_subst(&organisation, &w, "organisation_findings", kv, 2, err)) < 0 ||
        (rc = text_list(&reqs, &w, "requirements_findings", kv, 2, err)) < 0 ||
        (rc = fill_wording_draft(&o, &w, "draft", DRAFT_KEYS, err)) < 0)
        goto out;
    /* The conclusion's part: findings_conclusion (no ket_luan.ngay: a date
     * left out is a blank to write, not an error) and findings_recipient. */
    static const char *const KL_KEYS[] = {"so", "co_quan", "noi_dung", NULL};
    json_t *kl = NULL;
    const char *to;
    if ((rc = fill_wording_draft(&kl, &w, "findings_conclusion", KL_KEYS, err)) < 0)
        goto out;
    if ((rc = fill_wording_text(&to, &w, "findings_recipient", err)) < 0) {
        json_decref(kl);
        goto out;
    }
    json_t *part =
        json_pack("{s:o,s:s,s:O,s:O,s:s,s:s,s:s*,s:[s]}", "ket_luan", kl, "muc_dich", purpose,
                  "yeu_cau", reqs, "han_che", s.items, "to_chuc", organisation, "bo_phan_tong_hop",
                  s.default_lead, "han_bao_cao", deadline[0] ? deadline : NULL, "noi_nhan", to);
    if (!part || json_object_update(o, part) < 0) {
        json_decref(part);
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    json_decref(part);
    if ((rc = fill_merge_meta(o, meta_json, err)) < 0)
        goto out;
    *out = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    if (!*out)
        rc = TCPL_NOMEM(err, NULL);
out:
    free(when);
    free(purpose);
    free(organisation);
    json_decref(reqs);
    json_decref(o);
    json_decref(meta);
    json_decref(s.items);
    json_decref(s.seen);
    leads_free(&s.leads);
    tcpl_match_free(&match);
    fill_wording_free(&w);
    return rc;
}
