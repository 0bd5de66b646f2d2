/* The tcpl command line, run as a program: $TCPL_BIN (default build/tcpl)
 * with posix_spawn, stdout and stderr captured in files, the exit status
 * checked.  Inputs are built here (tests/helpers/hostile.c) or taken from
 * the corpus. */
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

#include "helpers/hostile.h"
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

static void run(result *r, const char *const *args) { run_env(r, NULL, args); }

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The failure shape every unreadable input must have. */
static void assert_input_error(const result *r, const char *file)
{
    if (r->status != 3)
        print_error("exit %d, stderr: %s\n", r->status, r->err);
    assert_int_equal(r->status, 3);
    assert_int_equal(r->out_len, 0);
    assert_int_equal(count_lines(r->err), 1);
    assert_int_equal(r->err[r->err_len - 1], '\n');
    assert_non_null(strstr(r->err, file));
}

static char *write_temp(const char *name, const void *data, size_t len)
{
    char *p = path_in(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

static char *make_docx(const char *name, const char *body)
{
    unsigned char *data;
    size_t len;
    assert_int_equal(hostile_docx(body, NULL, NULL, &data, &len), 0);
    char *p = write_temp(name, data, len);
    free(data);
    return p;
}

/* Names in the temporary folder, sorted, joined by '|'. */
static char *listing(void)
{
    struct dirent **list;
    int n = scandir(dir, &list, NULL, alphasort);
    assert_true(n >= 0);
    char *s = calloc(1, 4096);
    assert_non_null(s);
    for (int i = 0; i < n; i++) {
        if (strlen(s) + strlen(list[i]->d_name) + 2 < 4096) {
            strcat(s, list[i]->d_name);
            strcat(s, "|");
        }
        free(list[i]);
    }
    free(list);
    return s;
}

/* ---- global options ------------------------------------------------------- */

static void test_no_args(void **state)
{
    (void)state;
    result r;
    run(&r, (const char *const[]){NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.out, "Cách dùng: tcpl"));
    assert_non_null(strstr(r.out, "text"));
    result_free(&r);
}

static void test_help_version(void **state)
{
    (void)state;
    result r;
    run(&r, ARGS("--help"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Cách dùng: tcpl"));
    assert_int_equal(r.err_len, 0);
    result_free(&r);
    run(&r, ARGS("--lang", "en", "-h"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: tcpl"));
    result_free(&r);
    run(&r, ARGS("--version"));
    assert_int_equal(r.status, 0);
    assert_int_equal(strncmp(r.out, "tcpl ", 5), 0);
    assert_true(r.out[5] >= '0' && r.out[5] <= '9');
    assert_int_equal(count_lines(r.out), 1);
    result_free(&r);
}

static void test_unknown_verb(void **state)
{
    (void)state;
    result r;
    run(&r, ARGS("frobnicate", "x.docx"));
    assert_int_equal(r.status, 2);
    assert_int_equal(r.out_len, 0);
    assert_int_equal(count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "frobnicate"));
    result_free(&r);
    run(&r, ARGS("text", "--frobnicate", "x.docx"));
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--frobnicate"));
    result_free(&r);
    run(&r, ARGS("text"));
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "chưa chỉ ra tệp nào"));
    result_free(&r);
    run(&r, ARGS("--lang", "fr", "text"));
    assert_int_equal(r.status, 2);
    result_free(&r);
}

static void test_verb_help(void **state)
{
    (void)state;
    result r;
    run(&r, ARGS("text", "--help"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "tcpl text"));
    assert_int_equal(r.err_len, 0);
    result_free(&r);
    run(&r, ARGS("dump", "-h"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "tcpl dump"));
    result_free(&r);
}

/* ---- unreadable inputs ---------------------------------------------------- */

static void test_missing_dir_empty(void **state)
{
    (void)state;
    result r;
    char *missing = path_in("khong-co.docx");
    run(&r, ARGS("text", missing));
    assert_input_error(&r, missing);
    assert_non_null(strstr(r.err, "không mở được tệp"));
    result_free(&r);
    run(&r, ARGS("text", dir));
    assert_input_error(&r, dir);
    assert_non_null(strstr(r.err, "thư mục"));
    result_free(&r);
    char *empty = write_temp("rong.docx", "", 0);
    run(&r, ARGS("text", empty));
    assert_input_error(&r, empty);
    assert_non_null(strstr(r.err, "rỗng"));
    result_free(&r);
    run(&r, ARGS("dump", "--json", empty));
    assert_input_error(&r, empty);
    result_free(&r);
    unlink(empty);
    free(empty);
    free(missing);
}

static void test_hostile_files(void **state)
{
    (void)state;
    for (int k = 0; k < HOSTILE_COUNT; k++) {
        unsigned char *data;
        size_t len;
        assert_int_equal(hostile_make((hostile_kind)k, &data, &len), 0);
        char name[64];
        snprintf(name, sizeof name, "%s.docx", hostile_name((hostile_kind)k));
        char *p = write_temp(name, data, len);
        free(data);
        result r;
        run(&r, ARGS("text", p));
        print_message("%-16s exit %d: %s", name, r.status, r.err);
        assert_input_error(&r, p);
        result_free(&r);
        unlink(p);
        free(p);
    }
}

/* A failing input with -o: no output file, no temporary file left. */
static void test_output_on_failure(void **state)
{
    (void)state;
    unsigned char *data;
    size_t len;
    assert_int_equal(hostile_make(HOSTILE_XML_MALFORMED, &data, &len), 0);
    char *bad = write_temp("hong.docx", data, len);
    free(data);
    char *out = path_in("ra.txt");
    char *before = listing();
    result r;
    run(&r, ARGS("text", "-o", out, bad));
    assert_input_error(&r, bad);
    result_free(&r);
    char *after = listing();
    assert_string_equal(before, after);
    assert_int_equal(access(out, F_OK), -1);
    run(&r, ARGS("dump", "--json", bad, "-o", out));
    assert_input_error(&r, bad);
    result_free(&r);
    free(after);
    after = listing();
    assert_string_equal(before, after);
    unlink(bad);
    free(bad);
    free(out);
    free(before);
    free(after);
}

static void test_output_file_same_as_stdout(void **state)
{
    (void)state;
    char *good = make_docx("tot.docx", "<w:p><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>"
                                       "<w:p><w:r><w:t>Triển khai</w:t></w:r></w:p>");
    char *out = path_in("ra.txt");
    result r1, r2;
    run(&r1, ARGS("text", good));
    assert_int_equal(r1.status, 0);
    assert_string_equal(r1.out, "KẾ HOẠCH\nTriển khai\n");
    run(&r2, ARGS("text", "-o", out, good));
    assert_int_equal(r2.status, 0);
    assert_int_equal(r2.out_len, 0);
    assert_int_equal(r2.err_len, 0);
    size_t n;
    char *written = tu_read_file(out, &n);
    assert_non_null(written);
    assert_int_equal(n, r1.out_len);
    assert_memory_equal(written, r1.out, n);
    free(written);
    result_free(&r1);
    result_free(&r2);
    /* -o with two inputs is a usage error */
    run(&r1, ARGS("text", "-o", out, good, good));
    assert_int_equal(r1.status, 2);
    result_free(&r1);
    unlink(out);
    unlink(good);
    free(out);
    free(good);
}

static void test_several_files_one_bad(void **state)
{
    (void)state;
    char *a = make_docx("a.docx", "<w:p><w:r><w:t>Tệp A</w:t></w:r></w:p>");
    char *b = make_docx("b.docx", "<w:p><w:r><w:t>Tệp B</w:t></w:r></w:p>");
    char *missing = path_in("thieu.docx");
    result r;
    run(&r, ARGS("text", a, missing, b));
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "Tệp A\n"));
    assert_non_null(strstr(r.out, "Tệp B\n"));
    assert_true(strstr(r.out, "Tệp A") < strstr(r.out, "Tệp B"));
    assert_null(strstr(r.out, "thieu"));
    assert_int_equal(count_lines(r.err), 1);
    assert_non_null(strstr(r.err, missing));
    result_free(&r);
    unlink(a);
    unlink(b);
    free(a);
    free(b);
    free(missing);
}

static void test_languages(void **state)
{
    (void)state;
    char *missing = path_in("thieu.docx");
    result r;
    run(&r, ARGS("text", missing));
    assert_non_null(strstr(r.err, "không mở được tệp"));
    result_free(&r);
    run(&r, ARGS("--lang", "en", "text", missing));
    assert_non_null(strstr(r.err, "cannot open the file"));
    result_free(&r);
    run(&r, ARGS("text", missing, "--lang=en"));
    assert_non_null(strstr(r.err, "cannot open the file"));
    result_free(&r);
    run_env(&r, "en", ARGS("text", missing));
    assert_non_null(strstr(r.err, "cannot open the file"));
    result_free(&r);
    /* the option wins over the environment */
    run_env(&r, "en", ARGS("--lang", "vi", "text", missing));
    assert_non_null(strstr(r.err, "không mở được tệp"));
    result_free(&r);
    run_env(&r, "en", ARGS("frobnicate"));
    assert_non_null(strstr(r.err, "no such command"));
    result_free(&r);
    free(missing);
}

/* ---- outputs -------------------------------------------------------------- */

static void check_json(const char *s, size_t n, const char *file)
{
    json_error_t je;
    json_t *root = json_loadb(s, n, 0, &je);
    if (!root)
        print_error("line %d: %s\n", je.line, je.text);
    assert_non_null(root);
    json_t *blocks = json_object_get(root, "blocks");
    assert_true(json_is_array(blocks));
    assert_true(json_array_size(blocks) > 0);
    for (size_t i = 0; i < json_array_size(blocks); i++) {
        json_t *b = json_array_get(blocks, i);
        assert_int_equal(json_integer_value(json_object_get(b, "index")), i);
        json_t *parent = json_object_get(b, "parent");
        assert_true(json_is_null(parent) || json_integer_value(parent) < (json_int_t)i);
    }
    assert_true(json_is_array(json_object_get(root, "sections")));
    if (file)
        assert_string_equal(json_string_value(json_object_get(root, "file")), file);
    json_decref(root);
}

static void test_dump_json(void **state)
{
    (void)state;
    char *path = tu_corpus_file("000-nasty.docx");
    if (!path || access(path, R_OK) != 0) {
        free(path);
        skip();
    }
    result r;
    run(&r, ARGS("dump", "--json", path));
    assert_int_equal(r.status, 0);
    assert_int_equal(r.err_len, 0);
    check_json(r.out, r.out_len, path);
    result_free(&r);
    run(&r, ARGS("dump", "--pretty", path));
    assert_int_equal(r.status, 0);
    check_json(r.out, r.out_len, path);
    result_free(&r);
    free(path);
}

/* A file name that is not UTF-8: the JSON stays valid (it failed with
 * "out of memory", exit 4). */
static void test_dump_json_odd_name(void **state)
{
    (void)state;
    char *p = make_docx("k\xE1\xBA ho\xFF.docx", "<w:p><w:r><w:t>a</w:t></w:r></w:p>");
    result r;
    run(&r, ARGS("dump", "--json", p));
    assert_int_equal(r.status, 0);
    check_json(r.out, r.out_len, NULL);
    result_free(&r);
    unlink(p);
    free(p);
}

/* The outline cuts long paragraphs at 100 bytes, never inside a letter,
 * and keeps one line per block. */
static void test_dump_outline(void **state)
{
    (void)state;
    char body[1024] = "<w:p><w:r><w:t>";
    for (int i = 0; i < 40; i++)
        strcat(body, "ệ"); /* 3 bytes each: byte 100 is inside the 34th */
    strcat(body, "</w:t><w:br/><w:t>dòng hai</w:t></w:r></w:p><w:p><w:r><w:t>a</w:t>"
                 "<w:br/><w:t>b</w:t></w:r></w:p>");
    char *p = make_docx("dai.docx", body);
    result r;
    run(&r, ARGS("dump", p));
    assert_int_equal(r.status, 0);
    assert_int_equal(count_lines(r.out), 2);
    json_t *s = json_stringn(r.out, r.out_len); /* NULL when not valid UTF-8 */
    assert_non_null(s);
    json_decref(s);
    result_free(&r);
    unlink(p);
    free(p);
}

static void test_text_nasty_all(void **state)
{
    (void)state;
    char *path = tu_corpus_file("000-nasty.docx");
    if (!path || access(path, R_OK) != 0) {
        free(path);
        skip();
    }
    result r;
    run(&r, ARGS("text", path, "--all"));
    assert_int_equal(r.status, 0);
    assert_int_equal(r.err_len, 0);
    /* MANIFEST.json: the footnote text, and the footer "Trang " PAGE "/" NUMPAGES */
    assert_non_null(strstr(r.out, "Văn bản điện tử được phát hành qua Hệ thống quản lý văn bản "
                                  "và điều hành; bản giấy có giá trị như bản điện tử."));
    assert_null(strstr(r.out, "NUMPAGES"));
    assert_null(strstr(r.out, "PAGE"));
    assert_non_null(strstr(r.out, "Trang "));
    /* and the deleted sentence is not there, the inserted words are */
    assert_null(strstr(r.out, "999/QĐ-UBND"));
    assert_non_null(strstr(r.out, "xã, phường, thị trấn"));
    result_free(&r);
    run(&r, ARGS("text", path));
    assert_null(strstr(r.out, "Văn bản điện tử được phát hành"));
    result_free(&r);
    free(path);
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
        cmocka_unit_test(test_no_args),
        cmocka_unit_test(test_help_version),
        cmocka_unit_test(test_unknown_verb),
        cmocka_unit_test(test_verb_help),
        cmocka_unit_test(test_missing_dir_empty),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_output_on_failure),
        cmocka_unit_test(test_output_file_same_as_stdout),
        cmocka_unit_test(test_several_files_one_bad),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_dump_json),
        cmocka_unit_test(test_dump_json_odd_name),
        cmocka_unit_test(test_dump_outline),
        cmocka_unit_test(test_text_nasty_all),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
