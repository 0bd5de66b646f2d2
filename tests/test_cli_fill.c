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
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Runs tcpl with args (NULL-terminated).  lang: value of TCPL_LANG, or
 * NULL to run without it. */
static void run_env(result *r, const char *lang, const char *const *args)
{
    char langvar[32];
    snprintf(langvar, sizeof langvar, "TCPL_LANG=%s", lang ? lang : "");
    const char *env[] = {lang ? langvar : NULL, NULL};
    tu_tcpl_run(r, dir, args, env);
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
    char *fj = path_in("findings.json"), *kl = path_in("kl.docx");
    result r;
    run(&r, ARGS("check", KHXA, "--format", "json"));
    assert_int_equal(r.status, 1); /* the sample has Lỗi */
    write_file(fj, r.out);
    json_t *o = json_loads(r.out, 0, NULL);
    assert_non_null(o);
    result_free(&r);
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
    char *fj = path_in("f.json"), *dj = path_in("d.json"), *kh = path_in("kh.docx"),
         *kh2 = path_in("kh2.docx"), *kh3 = path_in("kh3.docx");
    result r;
    run(&r, ARGS("check", KHXA, "--format", "json"));
    write_file(fj, r.out);
    json_t *o = json_loads(r.out, 0, NULL);
    assert_non_null(o);
    result_free(&r);
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
