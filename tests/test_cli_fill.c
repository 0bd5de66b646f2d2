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
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/testutil.h"

extern char **environ;

static char dir[64]; /* a fresh temporary folder for this run */

typedef struct result {
    int status; /* exit code, or -1 if killed */
    char *out, *err;
    size_t out_len, err_len;
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

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
    const char *bin = getenv("TCPL_BIN");
    if (!bin || !*bin)
        bin = "build/tcpl";
    const char *argv[64];
    size_t n = 0;
    argv[n++] = bin;
    for (size_t i = 0; args[i]; i++) {
        assert_true(n < 62);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    /* the environment without TCPL_LANG, plus the one asked for */
    size_t ne = 0;
    while (environ[ne])
        ne++;
    char **envp = calloc(ne + 2, sizeof *envp);
    assert_non_null(envp);
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], "TCPL_LANG=", 10) != 0)
            envp[k++] = environ[i];
    char langvar[32];
    if (lang) {
        snprintf(langvar, sizeof langvar, "TCPL_LANG=%s", lang);
        envp[k++] = langvar;
    }
    char *out = path_in(".stdout"), *err = path_in(".stderr");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    assert_int_equal(rc, 0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r->out = tu_read_file(out, &r->out_len);
    r->err = tu_read_file(err, &r->err_len);
    assert_non_null(r->out);
    assert_non_null(r->err);
    unlink(out);
    unlink(err);
    free(out);
    free(err);
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

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/tcpl-cli-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    struct dirent **list;
    int n = scandir(dir, &list, NULL, NULL);
    for (int i = 0; i < n; i++) {
        if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")) {
            char *p = path_in(list[i]->d_name);
            unlink(p);
            free(p);
        }
        free(list[i]);
    }
    if (n >= 0)
        free(list);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_from_superior),
        cmocka_unit_test(test_new_from_data),
        cmocka_unit_test(test_conclude_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
