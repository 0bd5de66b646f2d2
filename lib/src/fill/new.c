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
#include "tcpl/fill.h"
#include "tcpl/rules.h"

/* Placeholders of the draft: what the drafter cannot know. */
#define PH_LEAD_XA "[Bộ phận chuyên môn của xã chủ trì]"
#define PH_LEAD_HUYEN "[Phòng chuyên môn chủ trì]"
#define PH_TIME "[Thời gian thực hiện]"
#define PH_PRODUCT "[Sản phẩm]"
#define PH_AUTHORITY "[cơ quan ban hành kế hoạch cấp trên]"

/* Room for a sentence-cased issuer ("ỦY BAN NHÂN DÂN TỈNH LÂM GIANG"): an
 * authority line is short; a longer one is cut at a character boundary. */
#define TCPL_NEW_NAME_MAX 512

/* Words after which a proper name or a field name starts with a capital:
 * "tỉnh Lâm Giang", "Sở Tư pháp" (only the next word after sở, bộ). */
static const char *const place_words[] = {"tỉnh", "huyện", "quận", "xã", "phường", "trấn", "phố"};
static const char *const organ_words[] = {"sở", "bộ"};

static int word_in(const char *w, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && !memcmp(list[i], w, len))
            return 1;
    return 0;
}

/* An upper-case header line as running text: "ỦY BAN NHÂN DÂN TỈNH LÂM
 * GIANG" -> "Ủy ban nhân dân tỉnh Lâm Giang", "SỞ TƯ PHÁP" -> "Sở Tư pháp".
 * Linear in the text. */
static void sentence_case(const char *in, char *out, size_t size)
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
                if (word_in(out + word_start, wl, place_words, 7))
                    caps_rest = 1;
                caps_next = word_in(out + word_start, wl, organ_words, 2);
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
 * level as activities.  Fills o's can_cu, trich_yeu, muc_tieu, hoat_dong,
 * noi_nhan. */
static int from_superior(json_t *o, const tcpl_extraction *sup, const tcpl_checker *c,
                         const char *level, tcpl_error *err)
{
    size_t *idx = NULL, n = 0;
    int rc = tcpl_assigned_activities(&idx, &n, c, sup, level, err);
    if (rc < 0)
        return rc;
    const tcpl_xmeta *m = tcpl_extraction_meta(sup);
    char kind[64], issuer[TCPL_NEW_NAME_MAX], date[32];
    sentence_case(*m->kind ? m->kind : "KẾ HOẠCH", kind, sizeof kind);
    if (*m->authority)
        sentence_case(m->authority, issuer, sizeof issuer);
    else
        snprintf(issuer, sizeof issuer, "%s", PH_AUTHORITY);
    fill_vn_date(m->date.iso, date, sizeof date);
    /* "Kế hoạch số 86/KH-UBND ngày 14/3/2022 của Ủy ban nhân dân tỉnh Lâm Giang" */
    /* Built whole (json_sprintf): the number and title are the document's,
     * of any length, and a cut could split a character. */
    json_t *refj = json_sprintf("%s số %s%s%s của %s", kind, *m->number ? m->number : "[số]",
                                *date ? " ngày " : "", date, issuer);
    const char *ref = refj ? json_string_value(refj) : NULL;
    char *about = lower_first(m->title ? m->title : "");
    json_t *basis = json_array(), *acts = json_array(), *to = json_array();
    if (!ref || !about || !basis || !acts || !to) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    if ((rc = append(basis, json_sprintf("Thực hiện %s %s", ref, about), err)) < 0)
        goto out;
    const char *lead = !strcmp(level, "xa") ? PH_LEAD_XA : PH_LEAD_HUYEN;
    for (size_t i = 0; i < n; i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(sup, idx[i]);
        json_t *it = json_pack("{s:s,s:s,s:s,s:s}", "noi_dung", a->title, "chu_tri", lead,
                               "thoi_gian", *a->time.text ? a->time.text : PH_TIME, "san_pham",
                               *a->product ? a->product : PH_PRODUCT);
        if ((rc = append(acts, it, err)) < 0)
            goto out;
    }
    if ((rc = append(to, json_sprintf("%s (để b/c)", issuer), err)) < 0)
        goto out;
    if (json_object_set(o, "can_cu", basis) < 0 || json_object_set(o, "hoat_dong", acts) < 0 ||
        json_object_set(o, "noi_nhan", to) < 0)
        rc = TCPL_NOMEM(err, NULL);
out:
    json_decref(refj);
    json_decref(basis);
    json_decref(acts);
    json_decref(to);
    free(about);
    free(idx);
    return rc;
}

/* The draft's summary from the superior plan's, its area made the unit's:
 * "Thực hiện Quyết định số 25/2021/QĐ-TTg ... trên địa bàn tỉnh Lâm Giang"
 * -> "... trên địa bàn xã Phú Thịnh" (co_quan.dong_2 after the merge), unless
 * the unit's data gives its own trich_yeu / muc_tieu. */
static int summary(json_t *o, const tcpl_extraction *sup, const char *meta_json, tcpl_error *err)
{
    json_t *meta = meta_json ? json_loads(meta_json, 0, NULL) : NULL;
    int own_ty = meta && json_object_get(meta, "trich_yeu");
    int own_mt = meta && json_object_get(meta, "muc_tieu");
    json_decref(meta);
    const char *title = tcpl_extraction_meta(sup)->title;
    if (!title || !*title)
        return 0;
    const char *area = json_string_value(json_object_get(json_object_get(o, "co_quan"), "dong_2"));
    size_t cut = strlen(title);
    const char *at = strstr(title, " trên địa bàn ");
    if (at)
        cut = (size_t)(at - title);
    json_t *a = json_sprintf("%.*s trên địa bàn %s", (int)cut, title, area ? area : "");
    char *mt = a ? lower_first(json_string_value(a)) : NULL;
    json_t *b = mt ? json_string(mt) : NULL;
    free(mt);
    int rc = 0;
    if (!a || !b || (!own_ty && json_object_set(o, "trich_yeu", a) < 0) ||
        (!own_mt && json_object_set(o, "muc_tieu", b) < 0))
        rc = TCPL_NOMEM(err, NULL);
    json_decref(a);
    json_decref(b);
    return rc;
}

int tcpl_plan_data(char **out, const tcpl_extraction *superior, const tcpl_checker *c,
                   const char *level, const char *meta_json, tcpl_error *err)
{
    *out = NULL;
    if (superior && (!c || !level))
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL,
                        "tcpl_plan_data: a superior plan needs a checker and a level");
    const char *lead = level && !strcmp(level, "huyen") ? PH_LEAD_HUYEN : PH_LEAD_XA;
    json_t *o = json_pack(
        "{s:{s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:[s],s:[s],s:[s],s:[],"
        "s:[{s:s,s:[s]}],s:s,s:[],s:{s:s,s:s,s:s}}",
        "co_quan", "dong_1", "Ủy ban nhân dân", "dong_2", "xã [tên xã]", "ten",
        "Ủy ban nhân dân xã [tên xã]", "so", "", "ky_hieu", "KH-UBND", "dia_danh", "[địa danh]",
        "trich_yeu", "[Trích yếu nội dung kế hoạch]", "muc_tieu", "[tên kế hoạch]", "can_cu",
        "[Căn cứ ban hành kế hoạch]", "muc_dich", "[Nêu mục đích của kế hoạch]", "yeu_cau",
        "[Nêu yêu cầu của kế hoạch]", "hoat_dong", "to_chuc", "ten", lead, "noi_dung",
        "[Nêu trách nhiệm của bộ phận]", "thuong_truc", "[Bộ phận thường trực]", "noi_nhan", "ky",
        "quyen_han", "", "chuc_vu", "CHỦ TỊCH", "ho_ten", "[Họ và tên]");
    if (!o)
        return TCPL_NOMEM(err, NULL);
    int rc = superior ? from_superior(o, superior, c, level, err) : 0;
    /* The unit's own data wins, key by key (objects merged one level);
     * its own activities come after the superior plan's tasks. */
    json_t *tasks = superior ? json_incref(json_object_get(o, "hoat_dong")) : NULL;
    if (rc >= 0)
        rc = fill_merge_meta(o, meta_json, err);
    json_t *acts = json_object_get(o, "hoat_dong");
    if (rc >= 0 && tasks && acts != tasks && json_is_array(acts)) {
        json_t *all = json_copy(tasks);
        if (!all || json_array_extend(all, acts) < 0 ||
            json_object_set_new(o, "hoat_dong", all) < 0)
            rc = TCPL_NOMEM(err, NULL);
    }
    json_decref(tasks);
    if (rc >= 0 && superior)
        rc = summary(o, superior, meta_json, err);
    if (rc >= 0) {
        *out = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
        if (!*out)
            rc = TCPL_NOMEM(err, NULL);
    }
    json_decref(o);
    return rc;
}
