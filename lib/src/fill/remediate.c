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

/* "2026-03-31" -> "31/3/2026" (NĐ 30: leading zero for day < 10 and month 1–2). */
static void vn_date(const char *iso, char *out, size_t size)
{
    int y = 0, m = 0, d = 0;
    if (iso && sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3)
        snprintf(out, size, "%02d/%s%d/%d", d, m <= 2 ? "0" : "", m, y);
    else
        snprintf(out, size, "%s", iso ? iso : "");
}

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
    vn_date(deadline, han, sizeof han);
    vn_date(m->date.iso, kl_date, sizeof kl_date);

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
        char when[64] = "";
        if (deadline)
            snprintf(when, sizeof when, "Trước ngày %s", han);
        json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s}", "noi_dung", s->title, "nguyen_nhan",
                               cause ? cause : "", "chu_tri", lead, "giai_phap", fix ? fix : "",
                               "thoi_han", when[0] ? when : "[Nêu thời hạn cụ thể]");
        if (!it || json_array_append_new(items, it) < 0) {
            rc = TCPL_NOMEM(err, m->file);
            goto out;
        }
    }
    const char *kv[] = {"so", m->number, "ngay", kl_date, "han", han, "co_quan_kl", issuer_buf};
    char *purpose = subst(nz(tcpl_yaml_str(tcpl_yaml_get(&y, root, "purpose"))), kv, 8);
    char *organisation =
        subst(nz(tcpl_yaml_str(tcpl_yaml_get(&y, root, "organisation"))), kv, 8);
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
                  "[địa danh]", "ket_luan", "so", m->number, "ngay",
                  m->date.iso ? m->date.iso : "", "co_quan", issuer_buf, "noi_dung", m->title,
                  "muc_dich", purpose ? purpose : "", "yeu_cau", reqs, "han_che", items,
                  "to_chuc", organisation ? organisation : "", "bo_phan_tong_hop",
                  default_lead ? default_lead : "", "han_bao_cao", deadline, "noi_nhan",
                  issuer_buf, "ky", "quyen_han", "", "chuc_vu", "CHỦ TỊCH", "ho_ten",
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
