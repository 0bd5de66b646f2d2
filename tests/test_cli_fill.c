/* tcpl new and tcpl conclude run as programs ($TCPL_BIN, default build/tcpl),
 * on the shipped templates and the samples (make templates samples). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/run.h"
#include "helpers/testutil.h"

static char dir[64]; /* a fresh temporary folder for this run */

typedef tu_result result;
#define result_free tu_result_free

static char *path_in(const char *name)
{
    return tu_path_in(dir, name);
}

/* Runs tcpl with args (NULL-terminated).  lang: value of TCPL_LANG, or
 * NULL to run without it. */
static void run_env(result *r, const char *lang, const char *const *args)
{
    tu_tcpl_run_lang(r, dir, lang, args);
}

static void run(result *r, const char *const *args)
{
    run_env(r, NULL, args);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

#define SUPERIOR "build/samples/kh-tinh-2022.docx"
#define KHXA "build/samples/kh-xa-2025.docx"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* `tcpl check --format json` of the sample commune plan written to the
 * scratch file name (its path returned, free()); *o (may be NULL): the
 * findings parsed (json_decref). */
static char *khxa_findings(const char *name, json_t **o)
{
    char *fj = path_in(name);
    result r;
    run(&r, ARGS("check", KHXA, "--format", "json"));
    assert_int_equal(r.status, 1); /* the sample has Lỗi */
    write_file(fj, r.out);
    if (o) {
        *o = json_loads(r.out, 0, NULL);
        assert_non_null(*o);
    }
    result_free(&r);
    return fj;
}

/* Findings of `tcpl check FILE --against SUPERIOR --level xa` with rule id
 * rule; also the count of Lỗi in *errors. */
static size_t assigned_missing(const char *file, size_t *errors)
{
    result r;
    run(&r, ARGS("check", file, "--against", SUPERIOR, "--level", "xa", "--pack", "ke-hoach-tcpl",
                 "--format", "json"));
    json_error_t je;
    json_t *o = json_loads(r.out, 0, &je);
    if (!o)
        fail_msg("check output is not JSON: %s\n%s", je.text, r.err);
    json_t *fs = json_object_get(o, "findings");
    size_t n = 0, i;
    json_t *f;
    *errors = 0;
    json_array_foreach(fs, i, f)
    {
        const char *rule = json_string_value(json_object_get(f, "rule"));
        const char *sev = json_string_value(json_object_get(f, "severity"));
        print_message("  %s %s %s\n", rule, sev, json_string_value(json_object_get(f, "message")));
        n += rule && !strcmp(rule, "KH-NHIEM-VU-CAP-TREN");
        *errors += sev && !strcmp(sev, "loi");
    }
    json_decref(o);
    result_free(&r);
    return n;
}

/* tcpl new ke-hoach --from the sample provincial plan --level xa: the task
 * it gives communes is an activity of the draft (content, time, product;
 * the lead a placeholder) and the superior plan is in the basis; checked
 * --against that plan no assigned task is missing.  A plan from data that
 * lacks the task is caught (the check is not vacuous). */
static void test_new_from_superior(void **state)
{
    (void)state;
    char *out = path_in("kh.docx"), *meta = path_in("meta.json"), *bare = path_in("bare.docx");
    result r;
    run(&r, ARGS("new", "ke-hoach", "--from", SUPERIOR, "--level", "xa", "-o", out));
    if (r.status != 0)
        fail_msg("tcpl new: %s", r.err);
    result_free(&r);
    run(&r, ARGS("text", out));
    TU_ASSERT_CONTAINS(r.out, "Thực hiện Kế hoạch số 86/KH-UBND ngày 14/3/2022 của Ủy ban nhân dân "
                              "tỉnh Lâm Giang thực hiện Quyết định số 25/2021/QĐ-TTg");
    TU_ASSERT_CONTAINS(r.out, "II. NỘI DUNG, NHIỆM VỤ\n1. Tổ chức đánh giá, công nhận cấp xã đạt chuẩn "
                              "tiếp cận pháp luật\n- Chủ trì: [Bộ phận chuyên môn của xã chủ trì].\n");
    TU_ASSERT_CONTAINS(r.out, "- Thời gian thực hiện: Năm 2022 - 2025.\n- Sản phẩm: Quyết định công nhận "
                              "cấp xã đạt chuẩn tiếp cận pháp luật.");
    TU_ASSERT_LACKS(r.out, "Sơ kết một năm"); /* a task of the province itself */
    result_free(&r);
    size_t errors;
    assert_int_equal(assigned_missing(out, &errors), 0);

    /* the same plan from data only, its one activity unrelated */
    write_file(meta, "{\"hoat_dong\": [{\"noi_dung\": \"Rà soát hệ thống loa truyền thanh các thôn\", "
                     "\"chu_tri\": \"Văn phòng\", \"thoi_gian\": \"Quý II/2026\", \"san_pham\": \"Báo cáo\"}]}");
    run(&r, ARGS("new", "ke-hoach", "--meta", meta, "-o", bare));
    assert_int_equal(r.status, 0);
    result_free(&r);
    assert_int_equal(assigned_missing(bare, &errors), 1);

    /* --from and --meta: the superior's tasks first, then the unit's own */
    run(&r, ARGS("new", "ke-hoach", "--from", SUPERIOR, "--level", "xa", "--meta", meta, "-o", bare));
    assert_int_equal(r.status, 0);
    result_free(&r);
    run(&r, ARGS("text", bare));
    TU_ASSERT_CONTAINS(r.out, "\n1. Tổ chức đánh giá, công nhận cấp xã");
    TU_ASSERT_CONTAINS(r.out, "\n2. Rà soát hệ thống loa truyền thanh các thôn\n");
    result_free(&r);
    unlink(out);
    unlink(bare);
    unlink(meta);
    free(out);
    free(bare);
    free(meta);
}

/* tcpl new ke-hoach --meta the sample data: no Lỗi with the plan's pack and
 * the layout pack.  Usage errors: --from without --level, an unknown kind. */
static void test_new_from_data(void **state)
{
    (void)state;
    char *out = path_in("kh.docx");
    result r;
    run(&r, ARGS("new", "ke-hoach", "--meta", "samples/data/ke-hoach.json", "-o", out));
    if (r.status != 0)
        fail_msg("tcpl new: %s", r.err);
    result_free(&r);
    run(&r, ARGS("check", out, "--pack", "ke-hoach-tcpl", "--pack", "the-thuc-nd30"));
    TU_ASSERT_CONTAINS(r.out, "0 Lỗi, 0 Cảnh báo, 0 Gợi ý");
    assert_int_equal(r.status, 0);
    result_free(&r);
    run(&r, ARGS("new", "ke-hoach", "--from", SUPERIOR, "-o", out));
    assert_int_equal(r.status, 2);
    TU_ASSERT_CONTAINS(r.err, "--level");
    result_free(&r);
    run(&r, ARGS("new", "bao-cao", "-o", out));
    assert_int_equal(r.status, 2);
    TU_ASSERT_CONTAINS(r.err, "ke-hoach");
    result_free(&r);
    unlink(out);
    free(out);
}

/* tcpl check --format json on the sample commune plan, then tcpl conclude
 * on that output: the conclusion lists every Lỗi and Cảnh báo finding's
 * message among its shortcomings, and no Gợi ý. */
static void test_conclude_cli(void **state)
{
    (void)state;
    json_t *o;
    char *fj = khxa_findings("findings.json", &o), *kl = path_in("kl.docx");
    result r;
    run(&r, ARGS("conclude", fj, "-o", kl));
    if (r.status != 0)
        fail_msg("tcpl conclude: %s", r.err);
    result_free(&r);
    run(&r, ARGS("text", kl));
    const char *text = r.out, *sec = strstr(text, "II. HẠN CHẾ, THIẾU SÓT");
    assert_non_null(sec);
    size_t i, listed = 0;
    json_t *f;
    json_array_foreach(json_object_get(o, "findings"), i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *msg = json_string_value(json_object_get(f, "message"));
        if (!strcmp(sev, "goi-y")) {
            TU_ASSERT_LACKS(sec, msg);
            continue;
        }
        TU_ASSERT_CONTAINS(sec, msg);
        listed++;
    }
    assert_true(listed >= 8);
    json_decref(o);
    result_free(&r);
    unlink(fj);
    unlink(kl);
    free(fj);
    free(kl);
}

/* The lead named on the line after "Nguyên nhân" that follows the item
 * whose text contains what; NULL-safe assertion helper. */
static void assert_item_lead(const char *text, const char *what, const char *lead)
{
    const char *at = strstr(text, what);
    if (!at)
        fail_msg("no item with \"%s\"", what);
    const char *l = strstr(at, "Bộ phận chủ trì\t");
    assert_non_null(l);
    l += strlen("Bộ phận chủ trì\t");
    if (strncmp(l, lead, strlen(lead)) != 0)
        fail_msg("item \"%s\": lead \"%.40s\", expected \"%s\"", what, l, lead);
}

static void run_today(result *r, const char *const *args)
{
    const char *env[] = {"TCPL_TODAY=2026-11-30", NULL};
    tu_tcpl_run(r, dir, args, env);
}

/* tcpl remediate FINDINGS.json: one item per distinct Lỗi / Cảnh báo
 * finding of `tcpl check --format json` (its message, the fix as the
 * remedy), a concrete deadline 30 days from today, the lead by category or
 * by the words of the finding; the same from `tcpl dossier --format json`.
 * And the conclusion path's leads come from checks/remediate.yaml (a stray
 * "leads:" line once hid them all behind the default). */
static void test_remediate_findings(void **state)
{
    (void)state;
    json_t *o;
    char *fj = khxa_findings("f.json", &o), *dj = path_in("d.json"), *kh = path_in("kh.docx"),
         *kh2 = path_in("kh2.docx"), *kh3 = path_in("kh3.docx");
    result r;
    run_today(&r, ARGS("remediate", fj, "-o", kh));
    if (r.status != 0)
        fail_msg("tcpl remediate findings: %s", r.err);
    result_free(&r);
    run(&r, ARGS("text", kh));
    const char *text = r.out, *sec = strstr(text, "II. NHIỆM VỤ KHẮC PHỤC");
    assert_non_null(sec);
    size_t i, want = 0;
    json_t *f, *seen = json_object();
    json_array_foreach(json_object_get(o, "findings"), i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *msg = json_string_value(json_object_get(f, "message"));
        const char *fix = json_string_value(json_object_get(f, "fix"));
        if (!strcmp(sev, "goi-y")) {
            TU_ASSERT_LACKS(sec, msg);
            continue;
        }
        TU_ASSERT_CONTAINS(sec, msg);
        if (fix && *fix) {
            char how[512];
            snprintf(how, sizeof how, "Sửa thành: %s", fix);
            TU_ASSERT_CONTAINS(sec, how);
        }
        if (!json_object_get(seen, msg)) {
            json_object_set_new(seen, msg, json_true());
            want++;
        }
    }
    assert_true(want >= 8);
    size_t items = 0;
    for (const char *p = sec; (p = strstr(p, "\nNguyên nhân\t")); p++)
        items++;
    assert_int_equal(items, want);
    /* 30 days after 2026-11-30, NĐ 30 style */
    TU_ASSERT_CONTAINS(sec, "Thời gian khắc phục\tTrước ngày 30/12/2026");
    /* a citation finding goes to the justice officer (category_leads) */
    assert_item_lead(sec, "đã được thay thế bởi", "Công chức Tư pháp - Hộ tịch");
    json_decref(seen);
    json_decref(o);
    result_free(&r);

    /* a dossier check: the minutes without village heads -> culture */
    run(&r, ARGS("dossier", "build/samples/dossiers/xa-tan-lap", "--format", "json"));
    assert_int_equal(r.status, 1);
    write_file(dj, r.out);
    result_free(&r);
    run_today(&r, ARGS("remediate", dj, "-o", kh2));
    if (r.status != 0)
        fail_msg("tcpl remediate dossier: %s", r.err);
    result_free(&r);
    run(&r, ARGS("text", kh2));
    assert_item_lead(r.out, "trưởng thôn", "Phòng Văn hóa - Xã hội");
    result_free(&r);

    /* the conclusion: its item on grassroots democracy -> culture, its
     * item on the assignment decision -> the office */
    run_today(&r, ARGS("remediate", "build/samples/kl-kiem-tra-2025.docx", "-o", kh3));
    if (r.status != 0)
        fail_msg("tcpl remediate conclusion: %s", r.err);
    result_free(&r);
    run(&r, ARGS("text", kh3));
    assert_item_lead(r.out, "dân chủ ở cơ sở", "Phòng Văn hóa - Xã hội");
    assert_item_lead(r.out, "Chưa ban hành quyết định phân công", "Văn phòng HĐND và UBND xã");
    result_free(&r);

    /* not JSON with findings: one clear error naming the file */
    write_file(dj, "{\"x\": 1}");
    run_today(&r, ARGS("remediate", dj, "-o", kh));
    assert_int_not_equal(r.status, 0);
    TU_ASSERT_CONTAINS(r.err, dj);
    result_free(&r);
    free(fj);
    free(dj);
    free(kh);
    free(kh2);
    free(kh3);
}

/* Writes wd/name: checks/name with every pair of subst (from, to, ...,
 * NULL) replaced everywhere (each from must be there: a test that changes
 * nothing proves nothing) and the lines starting with drop (may be NULL)
 * left out. */
static void write_wording(const char *wd, const char *name, const char *const *subst,
                          const char *drop)
{
    char src[256], dst[256];
    snprintf(src, sizeof src, "checks/%s", name);
    snprintf(dst, sizeof dst, "%s/%s", wd, name);
    size_t len;
    char *text = tu_read_file(src, &len);
    assert_non_null(text);
    for (size_t k = 0; subst && subst[k]; k += 2) {
        const char *from = subst[k], *to = subst[k + 1];
        if (!strstr(text, from))
            fail_msg("%s has no \"%s\"", src, from);
        size_t fl = strlen(from), tl = strlen(to), n = 0;
        for (const char *p = strstr(text, from); p; p = strstr(p + fl, from))
            n++;
        char *o = malloc(strlen(text) + n * tl + 1), *q = o;
        assert_non_null(o);
        const char *p = text;
        for (const char *at = strstr(p, from); at; p = at + fl, at = strstr(p, from)) {
            memcpy(q, p, (size_t)(at - p));
            q += at - p;
            memcpy(q, to, tl);
            q += tl;
        }
        strcpy(q, p);
        free(text);
        text = o;
    }
    FILE *f = fopen(dst, "w");
    assert_non_null(f);
    size_t dropped = 0;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        size_t l = end ? (size_t)(end - line + 1) : strlen(line);
        if (drop && !strncmp(line, drop, strlen(drop)))
            dropped++;
        else
            assert_int_equal(fwrite(line, 1, l, f), l);
        line += l;
    }
    assert_int_equal(fclose(f), 0);
    if (drop && dropped != 1)
        fail_msg("%s: %zu lines start with \"%s\"", src, dropped, drop);
    free(text);
}

/* `tcpl text` of a document made by args: the run must succeed. */
static char *drafted_text(const char *const *args, const char *docx)
{
    result r;
    run_today(&r, args);
    if (r.status != 0)
        fail_msg("%s: %s", args[2], r.err);
    result_free(&r);
    return tu_tcpl_text(dir, docx);
}

/* The words of the drafts are data: a department's copies of
 * conclude.yaml, remediate.yaml and new-plan.yaml in a folder given with
 * --data change what the drafted conclusion, remediation plan and new
 * plan say (signature, placeholders, phrasing), and the built-in words
 * are gone from them. */
static void test_wording_from_data_dir(void **state)
{
    (void)state;
    char wd[] = "/tmp/tcpl-wording-XXXXXX";
    assert_non_null(mkdtemp(wd));
    write_wording(wd, "conclude.yaml",
                  ARGS("[CHỨC VỤ]", "[CHỨC DANH NGƯỜI KÝ]",
                       "Ngày, tháng ghi trong văn bản chưa đúng", "Ngày tháng sai",
                       "Đoàn kiểm tra đã kiểm tra", "Tổ thẩm định đã xem", "(căn cứ: {can_cu})",
                       "(theo: {can_cu})"),
                  NULL);
    write_wording(wd, "remediate.yaml",
                  ARGS("CHỦ TỊCH", "GIÁM ĐỐC", "[cơ quan kiểm tra]", "[tên đoàn kiểm tra]",
                       "[Họ và tên]", "[Người ký]"),
                  NULL);
    write_wording(wd, "new-plan.yaml",
                  ARGS("CHỦ TỊCH", "TRƯỞNG BAN", "Thực hiện {van_ban}", "Triển khai {van_ban}",
                       "[Bộ phận chuyên môn của xã chủ trì]", "[Bộ phận chủ trì của xã]"),
                  NULL);
    char *fj = khxa_findings("wf.json", NULL), *kl = path_in("wkl.docx"),
         *kh = path_in("wkh.docx"), *kh2 = path_in("wkh2.docx"), *kp = path_in("wkp.docx");

    char *t = drafted_text(ARGS("--data", wd, "conclude", fj, "-o", kl), kl);
    TU_ASSERT_CONTAINS(t, "[CHỨC DANH NGƯỜI KÝ]");
    TU_ASSERT_CONTAINS(t, "Ngày tháng sai: ");
    TU_ASSERT_CONTAINS(t, "Tổ thẩm định đã xem 1 văn bản");
    TU_ASSERT_CONTAINS(t, "(theo: ");
    TU_ASSERT_LACKS(t, "[CHỨC VỤ]");
    TU_ASSERT_LACKS(t, "Ngày, tháng ghi trong văn bản chưa đúng");
    TU_ASSERT_LACKS(t, "(căn cứ: ");
    free(t);

    t = drafted_text(ARGS("--data", wd, "remediate", fj, "-o", kh), kh);
    TU_ASSERT_CONTAINS(t, "GIÁM ĐỐC");
    TU_ASSERT_CONTAINS(t, "[tên đoàn kiểm tra]");
    TU_ASSERT_CONTAINS(t, "[Người ký]");
    TU_ASSERT_LACKS(t, "CHỦ TỊCH");
    TU_ASSERT_LACKS(t, "[cơ quan kiểm tra]");
    TU_ASSERT_LACKS(t, "[Họ và tên]");
    free(t);
    t = drafted_text(
        ARGS("--data", wd, "remediate", "build/samples/kl-kiem-tra-2025.docx", "-o", kh2), kh2);
    TU_ASSERT_CONTAINS(t, "GIÁM ĐỐC");
    TU_ASSERT_LACKS(t, "CHỦ TỊCH");
    free(t);

    t = drafted_text(
        ARGS("--data", wd, "new", "ke-hoach", "--from", SUPERIOR, "--level", "xa", "-o", kp), kp);
    TU_ASSERT_CONTAINS(t, "TRƯỞNG BAN");
    TU_ASSERT_CONTAINS(t, "Triển khai Kế hoạch số");
    TU_ASSERT_CONTAINS(t, "[Bộ phận chủ trì của xã]");
    TU_ASSERT_LACKS(t, "CHỦ TỊCH");
    TU_ASSERT_LACKS(t, "Thực hiện Kế hoạch số");
    TU_ASSERT_LACKS(t, "[Bộ phận chuyên môn của xã chủ trì]");
    free(t);
    tu_tmpdir_remove(wd);
    free(fj);
    free(kl);
    free(kh);
    free(kh2);
    free(kp);
}

/* A wording file that lacks a key the draft needs: one clear error naming
 * the file and the key (nested keys by their path), in Vietnamese and in
 * English, and no document; never an empty text in the draft. */
static void test_wording_missing_key(void **state)
{
    (void)state;
    char wd[] = "/tmp/tcpl-wording-XXXXXX";
    assert_non_null(mkdtemp(wd));
    char *fj = khxa_findings("mf.json", NULL), *out = path_in("missing.docx");
    result r;
    static const struct {
        const char *file, *drop, *key, *verb;
    } cases[] = {
        {"conclude.yaml", "    chuc_vu:", "\"draft.ky.chuc_vu\"", "conclude"},
        {"conclude.yaml", "  date:", "\"category_leads.date\"", "conclude"},
        {"remediate.yaml", "deadline_text:", "\"deadline_text\"", "remediate"},
        {"remediate.yaml", "findings_recipient:", "\"findings_recipient\"", "remediate"},
        {"new-plan.yaml", "duty:", "\"duty\"", "new"},
        {"new-plan.yaml", "superior_basis:", "\"superior_basis\"", "new"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_wording(wd, cases[i].file, NULL, cases[i].drop);
        for (int en = 0; en < 2; en++) {
            const char *const *args = !strcmp(cases[i].verb, "new")
                                          ? ARGS("--data", wd, "new", "ke-hoach", "--from",
                                                 SUPERIOR, "--level", "xa", "-o", out)
                                          : ARGS("--data", wd, cases[i].verb, fj, "-o", out);
            run_env(&r, en ? "en" : NULL, args);
            print_message("%s without %s: %s", cases[i].file, cases[i].key, r.err);
            assert_int_equal(r.status, 3); /* a data error */
            TU_ASSERT_CONTAINS(r.err, cases[i].file);
            TU_ASSERT_CONTAINS(r.err, cases[i].key);
            TU_ASSERT_CONTAINS(r.err, en ? "lacks the key" : "thiếu mục");
            assert_int_equal(access(out, F_OK), -1);
            result_free(&r);
        }
        char path[256];
        snprintf(path, sizeof path, "%s/%s", wd, cases[i].file);
        assert_int_equal(unlink(path), 0);
    }
    tu_tmpdir_remove(wd);
    free(fj);
    free(out);
}

/* A wording file whose draft is built to explode (an alias of itself):
 * a bounded data error, not a hang or a crash. */
static void test_wording_hostile(void **state)
{
    (void)state;
    char wd[] = "/tmp/tcpl-wording-XXXXXX";
    assert_non_null(mkdtemp(wd));
    char *fj = khxa_findings("hf.json", NULL), *out = path_in("hostile.docx");
    write_wording(wd, "conclude.yaml", ARGS("\ndraft:\n", "\ndraft: &a {x: *a}\nold_draft:\n"),
                  NULL);
    result r;
    run(&r, ARGS("--data", wd, "conclude", fj, "-o", out));
    assert_int_equal(r.status, 3);
    TU_ASSERT_CONTAINS(r.err, "conclude.yaml");
    TU_ASSERT_CONTAINS(r.err, "> 10000 values or > 16 levels");
    assert_int_equal(access(out, F_OK), -1);
    result_free(&r);
    tu_tmpdir_remove(wd);
    free(fj);
    free(out);
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/tcpl-cli-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_tmpdir_remove(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_from_superior),
        cmocka_unit_test(test_new_from_data),
        cmocka_unit_test(test_conclude_cli),
        cmocka_unit_test(test_remediate_findings),
        cmocka_unit_test(test_wording_from_data_dir),
        cmocka_unit_test(test_wording_missing_key),
        cmocka_unit_test(test_wording_hostile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
