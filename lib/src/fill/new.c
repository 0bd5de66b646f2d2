/* The data of a new plan (templates/ke-hoach): the commune's (or
 * district's) own data over a draft whose placeholders are visible "[ ... ]";
 * with a superior plan, the draft's activities are the tasks that plan gives
 * to the level (the coverage `assigned` rule, tcpl_assigned_activities) and
 * its basis cites the superior plan.  Uses only the public extraction views. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/error.h"
#include "fill/template.h"
#include "fill/wording.h"
#include "tcpl/fill.h"
#include "tcpl/rules.h"

#define NEW_FILE "new-plan.yaml"
/* The keys new-plan.yaml's draft must give (the data of templates/ke-hoach
 * the superior plan does not make). */
static const char *const DRAFT_KEYS[] = {
    "co_quan.dong_1", "co_quan.dong_2", "co_quan.ten",  "so",         "ky_hieu",   "dia_danh",
    "trich_yeu",      "muc_tieu",       "can_cu",       "muc_dich",   "yeu_cau",   "hoat_dong",
    "thuong_truc",    "noi_nhan",       "ky.quyen_han", "ky.chuc_vu", "ky.ho_ten", NULL};

/* Room for a sentence-cased issuer ("ỦY BAN NHÂN DÂN TỈNH LÂM GIANG"): an
 * authority line is short; a longer one is cut at a character boundary. */
#define TCPL_NEW_NAME_MAX 512

/* Words after which a proper name or a field name starts with a capital
 * (new-plan.yaml name_after: "tỉnh Lâm Giang"; name_next: "Sở Tư pháp",
 * only the next word). */
typedef struct {
    yaml_node_t *after, *next;
    fill_wording *w;
} name_words;

static int word_in(const char *word, size_t len, fill_wording *w, yaml_node_t *list)
{
    for (size_t i = 0; i < tcpl_yaml_len(list); i++) {
        const char *t = tcpl_yaml_str(tcpl_yaml_item(&w->y, list, i));
        if (t && strlen(t) == len && !memcmp(t, word, len))
            return 1;
    }
    return 0;
}

/* An upper-case header line as running text: "ỦY BAN NHÂN DÂN TỈNH LÂM
 * GIANG" -> "Ủy ban nhân dân tỉnh Lâm Giang", "SỞ TƯ PHÁP" -> "Sở Tư pháp".
 * Linear in the text. */
static void sentence_case(const name_words *nw, const char *in, char *out, size_t size)
{
    size_t k = 0, word_start = 0;
    int word_no = 0, caps_rest = 0, caps_next = 0, at_word = 1;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
    while (*p && k + 5 < size) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c);
        if (n <= 0)
            break;
        p += n;
        if (c == ' ') {
            if (!at_word) { /* a word ended: does it open a name? */
                size_t wl = k - word_start;
                if (word_in(out + word_start, wl, nw->w, nw->after))
                    caps_rest = 1;
                caps_next = word_in(out + word_start, wl, nw->w, nw->next);
            }
            at_word = 1;
            out[k++] = ' ';
            continue;
        }
        if (at_word) {
            word_start = k;
            word_no++;
        }
        int upper = at_word && (word_no == 1 || caps_rest || caps_next);
        if (at_word)
            caps_next = 0;
        at_word = 0;
        k += (size_t)utf8proc_encode_char(upper ? utf8proc_toupper(c) : utf8proc_tolower(c),
                                          (utf8proc_uint8_t *)out + k);
    }
    out[k] = 0;
}

/* The text with its first letter lower case ("Thực hiện ..." -> "thực hiện ..."). */
static char *lower_first(const char *s)
{
    size_t len = strlen(s);
    char *o = malloc(len + 8);
    if (!o)
        return NULL;
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
    if (n <= 0) {
        memcpy(o, s, len + 1);
        return o;
    }
    size_t k = (size_t)utf8proc_encode_char(utf8proc_tolower(c), (utf8proc_uint8_t *)o);
    memcpy(o + k, s + n, len - (size_t)n + 1);
    return o;
}

static int append(json_t *arr, json_t *v, tcpl_error *err)
{
    if (!v || json_array_append_new(arr, v) < 0)
        return TCPL_NOMEM(err, NULL);
    return 0;
}

/* The superior plan: its reference for the basis, and its tasks for the
 * level as activities.  Fills o's can_cu, hoat_dong, noi_nhan. */
static int from_superior(json_t *o, const tcpl_extraction *sup, const tcpl_checker *c,
                         const char *level, fill_wording *w, tcpl_error *err)
{
    size_t *idx = NULL, n = 0;
    json_t *basis = NULL, *acts = NULL, *to = NULL;
    char *ref = NULL, *about = NULL, *cite = NULL, *recipient = NULL;
    const char *kind0, *authority, *number, *lead, *ph_time, *ph_product;
    int rc;
    if ((rc = fill_wording_text(&kind0, w, "default_kind", err)) < 0 ||
        (rc = fill_wording_text(&authority, w, "authority_placeholder", err)) < 0 ||
        (rc = fill_wording_text(&number, w, "number_placeholder", err)) < 0 ||
        (rc = fill_wording_text(&lead, w, !strcmp(level, "xa") ? "lead_xa" : "lead_huyen", err)) <
            0 ||
        (rc = fill_wording_text(&ph_time, w, "time_placeholder", err)) < 0 ||
        (rc = fill_wording_text(&ph_product, w, "product_placeholder", err)) < 0)
        return rc;
    name_words nw = {fill_wording_node(w, "name_after"), fill_wording_node(w, "name_next"), w};
    if ((rc = tcpl_assigned_activities(&idx, &n, c, sup, level, err)) < 0)
        return rc;
    const tcpl_xmeta *m = tcpl_extraction_meta(sup);
    char kind[64], issuer[TCPL_NEW_NAME_MAX], date[32];
    sentence_case(&nw, *m->kind ? m->kind : kind0, kind, sizeof kind);
    if (*m->authority)
        sentence_case(&nw, m->authority, issuer, sizeof issuer);
    else
        snprintf(issuer, sizeof issuer, "%s", authority);
    fill_vn_date(m->date.iso, date, sizeof date);
    /* "Kế hoạch số 86/KH-UBND ngày 14/3/2022 của Ủy ban nhân dân tỉnh Lâm
     * Giang": built whole (fill_subst), the number and title are the
     * document's, of any length, and a cut could split a character. */
    const char *kv[] = {"loai", kind, "so",      *m->number ? m->number : number,
                        "ngay", date, "co_quan", issuer};
    if ((rc = fill_wording_subst(&ref, w, *date ? "superior_ref" : "superior_ref_undated", kv, 8,
                                 err)) < 0)
        goto out;
    about = lower_first(m->title ? m->title : "");
    const char *bkv[] = {"van_ban", ref, "trich_yeu", about ? about : ""};
    if (!about || (rc = fill_wording_subst(&cite, w, "superior_basis", bkv, 4, err)) < 0 ||
        (rc = fill_wording_subst(&recipient, w, "superior_recipient", kv, 8, err)) < 0) {
        rc = rc < 0 ? rc : TCPL_NOMEM(err, NULL);
        goto out;
    }
    basis = json_array();
    acts = json_array();
    to = json_array();
    if (!basis || !acts || !to) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    if ((rc = append(basis, json_string(cite), err)) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(sup, idx[i]);
        json_t *it = json_pack("{s:s,s:s,s:s,s:s}", "noi_dung", a->title, "chu_tri", lead,
                               "thoi_gian", *a->time.text ? a->time.text : ph_time, "san_pham",
                               *a->product ? a->product : ph_product);
        if ((rc = append(acts, it, err)) < 0)
            goto out;
    }
    if ((rc = append(to, json_string(recipient), err)) < 0)
        goto out;
    if (json_object_set(o, "can_cu", basis) < 0 || json_object_set(o, "hoat_dong", acts) < 0 ||
        json_object_set(o, "noi_nhan", to) < 0)
        rc = TCPL_NOMEM(err, NULL);
out:
    json_decref(basis);
    json_decref(acts);
    json_decref(to);
    free(ref);
    free(about);
    free(cite);
    free(recipient);
    free(idx);
    return rc;
}

/* The draft's summary from the superior plan's, its area made the unit's:
 * "Thực hiện Quyết định số 25/2021/QĐ-TTg ... trên địa bàn tỉnh Lâm Giang"
 * -> "... trên địa bàn xã Phú Thịnh" (co_quan.dong_2 after the merge;
 * new-plan.yaml area_marker, area_text), unless the unit's data gives its
 * own trich_yeu / muc_tieu. */
static int summary(json_t *o, const tcpl_extraction *sup, const char *meta_json, fill_wording *w,
                   tcpl_error *err)
{
    const char *title = tcpl_extraction_meta(sup)->title;
    if (!title || !*title)
        return 0;
    const char *marker;
    int rc = fill_wording_text(&marker, w, "area_marker", err);
    if (rc < 0)
        return rc;
    json_t *meta = meta_json ? json_loads(meta_json, 0, NULL) : NULL;
    int own_ty = meta && json_object_get(meta, "trich_yeu");
    int own_mt = meta && json_object_get(meta, "muc_tieu");
    json_decref(meta);
    const char *area = json_string_value(json_object_get(json_object_get(o, "co_quan"), "dong_2"));
    size_t cut = strlen(title);
    const char *at = *marker ? strstr(title, marker) : NULL;
    if (at)
        cut = (size_t)(at - title);
    char *head = strndup(title, cut), *t = NULL;
    if (!head)
        return TCPL_NOMEM(err, NULL);
    const char *kv[] = {"noi_dung", head, "dia_ban", area ? area : ""};
    rc = fill_wording_subst(&t, w, "area_text", kv, 4, err);
    free(head);
    if (rc < 0)
        return rc;
    char *mt = lower_first(t);
    json_t *a = json_string(t), *b = mt ? json_string(mt) : NULL;
    free(mt);
    free(t);
    if (!a || !b || (!own_ty && json_object_set(o, "trich_yeu", a) < 0) ||
        (!own_mt && json_object_set(o, "muc_tieu", b) < 0))
        rc = TCPL_NOMEM(err, NULL);
    json_decref(a);
    json_decref(b);
    return rc;
}

int tcpl_plan_data(char **out, const tcpl_extraction *superior, const tcpl_checker *c,
                   const char *level, const char *meta_json, const tcpl_ctx *ctx, tcpl_error *err)
{
    *out = NULL;
    if (superior && (!c || !level))
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL,
                        "tcpl_plan_data: a superior plan needs a checker and a level");
    fill_wording w;
    int rc = fill_wording_load(&w, ctx, NEW_FILE, err);
    if (rc < 0)
        return rc;
    json_t *o = NULL, *tasks = NULL;
    const char *lead, *duty;
    if ((rc = fill_wording_text(
             &lead, &w, level && !strcmp(level, "huyen") ? "lead_huyen" : "lead_xa", err)) < 0 ||
        (rc = fill_wording_text(&duty, &w, "duty", err)) < 0 ||
        (rc = fill_wording_draft(&o, &w, "draft", DRAFT_KEYS, err)) < 0)
        goto out;
    if (json_object_set_new(o, "to_chuc",
                            json_pack("[{s:s,s:[s]}]", "ten", lead, "noi_dung", duty)) < 0) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    rc = superior ? from_superior(o, superior, c, level, &w, err) : 0;
    /* The unit's own data wins, key by key (objects merged one level);
     * its own activities come after the superior plan's tasks. */
    tasks = superior ? json_incref(json_object_get(o, "hoat_dong")) : NULL;
    if (rc >= 0)
        rc = fill_merge_meta(o, meta_json, err);
    json_t *acts = json_object_get(o, "hoat_dong");
    if (rc >= 0 && tasks && acts != tasks && json_is_array(acts)) {
        json_t *all = json_copy(tasks);
        if (!all || json_array_extend(all, acts) < 0 ||
            json_object_set_new(o, "hoat_dong", all) < 0)
            rc = TCPL_NOMEM(err, NULL);
    }
    if (rc >= 0 && superior)
        rc = summary(o, superior, meta_json, &w, err);
    if (rc >= 0) {
        *out = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
        if (!*out)
            rc = TCPL_NOMEM(err, NULL);
    }
out:
    json_decref(tasks);
    json_decref(o);
    fill_wording_free(&w);
    return rc;
}
