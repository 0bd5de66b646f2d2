/* The tcpl command line, run as a program: $TCPL_BIN (default build/tcpl)
 * with posix_spawn, stdout and stderr captured in files, the exit status
 * checked.  Inputs are built here (tests/helpers/hostile.c) or taken from
 * the corpus. */
#define _XOPEN_SOURCE 700 /* mknod */
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
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/hostile.h"
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
    /* the bad file's message, then the summary */
    assert_int_equal(count_lines(r.err), 2);
    assert_non_null(strstr(r.err, missing));
    assert_non_null(strstr(r.err, "tcpl: 3 tệp: 2 tệp đọc được, 1 tệp lỗi\n"));
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
    if (!path)
        TU_SKIP("no corpus (set TCPL_CORPUS)");
    if (access(path, R_OK) != 0) {
        free(path);
        TU_SKIP("000-nasty.docx is missing from the corpus (or unreadable)");
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

/* ---- tcpl extract, several inputs --------------------------------------- */

/* A sample document built from samples/src by make (make test builds them). */
static char *sample(const char *name)
{
    size_t n = strlen(name) + 32;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "build/samples/%s.docx", name);
    if (access(p, R_OK) != 0)
        print_error("%s missing: run make samples\n", p);
    assert_int_equal(access(p, R_OK), 0);
    return p;
}

static char *write_bad(const char *name)
{
    return write_temp(name, "PK\3\4 not really a zip", 21);
}

/* The n-th line of s (0-based), malloc'd; NULL if there are fewer. */
static char *line_of(const char *s, size_t n)
{
    for (; n > 0; n--) {
        s = strchr(s, '\n');
        if (!s)
            return NULL;
        s++;
    }
    if (!*s)
        return NULL;
    const char *e = strchr(s, '\n');
    return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

static json_t *json_line(const char *s, size_t n)
{
    char *l = line_of(s, n);
    assert_non_null(l);
    json_error_t je;
    json_t *j = json_loads(l, 0, &je);
    if (!j)
        print_error("line %zu: %s: %s\n", n, je.text, l);
    assert_non_null(j);
    free(l);
    return j;
}

static void assert_error_record(json_t *j, const char *file, const char *code)
{
    assert_string_equal(json_string_value(json_object_get(j, "file")), file);
    json_t *e = json_object_get(j, "error");
    assert_true(json_is_object(e));
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    const char *m = json_string_value(json_object_get(e, "message"));
    assert_non_null(m);
    assert_true(strlen(m) > 10);
    assert_null(strstr(m, file)); /* the file is its own field */
    assert_null(json_object_get(j, "kind"));
}

static void test_extract_outline(void **state)
{
    (void)state;
    char *a = sample("kh-xa-2025"), *b = sample("kl-kiem-tra-2025");
    result r;
    run(&r, ARGS("extract", a));
    assert_int_equal(r.status, 0);
    assert_int_equal(r.err_len, 0);
    assert_non_null(strstr(r.out, "Loại văn bản: KẾ HOẠCH"));
    result_free(&r);
    run(&r, ARGS("extract", a, b));
    assert_int_equal(r.status, 0);
    const char *first = strstr(r.out, "== build/samples/kh-xa-2025.docx ==");
    const char *second = strstr(r.out, "== build/samples/kl-kiem-tra-2025.docx ==");
    assert_non_null(first);
    assert_non_null(second);
    assert_true(first < second);
    assert_string_equal(r.err, "tcpl: 2 tệp: 2 tệp đọc được, 0 tệp lỗi\n");
    result_free(&r);
    free(a);
    free(b);
}

/* Every input gets one JSON line, in order; a bad one its error record; the
 * run goes on and exits with the worst code; the summary goes to stderr. */
static void test_extract_json_bad_among_good(void **state)
{
    (void)state;
    char *a = sample("kh-xa-2025"), *b = sample("kh-khac-phuc-2026");
    char *bad = write_bad("hong.docx"), *missing = path_in("thieu.docx");
    result r;
    run(&r, ARGS("extract", "--json", a, bad, missing, b));
    assert_int_equal(r.status, 3);
    assert_int_equal(count_lines(r.out), 4);
    json_t *j = json_line(r.out, 0);
    assert_string_equal(json_string_value(json_object_get(j, "file")), a);
    assert_non_null(json_object_get(j, "kind"));
    json_decref(j);
    j = json_line(r.out, 1);
    assert_error_record(j, bad, "format");
    json_decref(j);
    j = json_line(r.out, 2);
    assert_error_record(j, missing, "io");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "id")),
                        "err.io_open");
    json_decref(j);
    j = json_line(r.out, 3);
    assert_string_equal(json_string_value(json_object_get(j, "file")), b);
    json_decref(j);
    /* stderr: one line per bad input, then the summary */
    assert_int_equal(count_lines(r.err), 3);
    assert_non_null(strstr(r.err, bad));
    assert_non_null(strstr(r.err, missing));
    char *last = line_of(r.err, 2);
    assert_string_equal(last, "tcpl: 4 tệp: 2 tệp đọc được, 2 tệp lỗi");
    free(last);
    result_free(&r);
    /* English, and the message in the record is localized too */
    run(&r, ARGS("--lang", "en", "extract", "--json", bad, a));
    assert_int_equal(r.status, 3);
    j = json_line(r.out, 0);
    assert_error_record(j, bad, "format");
    assert_non_null(strstr(
        json_string_value(json_object_get(json_object_get(j, "error"), "message")), "damaged"));
    json_decref(j);
    assert_non_null(strstr(r.err, "tcpl: 2 files: 1 read, 1 failed\n"));
    result_free(&r);
    /* one input: its record, no summary */
    run(&r, ARGS("extract", "--json", bad));
    assert_int_equal(r.status, 3);
    assert_int_equal(count_lines(r.out), 1);
    j = json_line(r.out, 0);
    assert_error_record(j, bad, "format");
    json_decref(j);
    assert_int_equal(count_lines(r.err), 1);
    result_free(&r);
    /* the outline: the bad file on stderr, the others still read */
    run(&r, ARGS("extract", a, bad, b));
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, a));
    assert_non_null(strstr(r.out, b));
    assert_null(strstr(r.out, bad));
    assert_int_equal(count_lines(r.err), 2);
    assert_non_null(strstr(r.err, bad));
    result_free(&r);
    free(a);
    free(b);
    unlink(bad);
    free(bad);
    free(missing);
}

/* ---- usage errors say what is wrong -------------------------------------- */

static void expect_usage(const char *lang, const char *const *args, const char *want)
{
    result r;
    run_env(&r, lang, args);
    if (r.status != 2 || !strstr(r.err, want))
        print_error("exit %d, stderr: %s(wanted \"%s\")\n", r.status, r.err, want);
    assert_int_equal(r.status, 2);
    assert_int_equal(r.out_len, 0);
    assert_int_equal(count_lines(r.err), 1);
    assert_non_null(strstr(r.err, want));
    result_free(&r);
}

static void test_usage_messages(void **state)
{
    (void)state;
    expect_usage("en", ARGS("text", "-o", "x.txt", "a.docx", "b.docx"),
                 "-o takes one input file; 2 given");
    expect_usage(NULL, ARGS("text", "-o", "x.txt", "a.docx", "b.docx"),
                 "-o chỉ nhận một tệp vào; đã cho 2 tệp");
    expect_usage("en", ARGS("--lang", "fr", "text", "a.docx"), "--lang needs vi or en; got 'fr'");
    expect_usage(NULL, ARGS("--lang=fr", "text", "a.docx"),
                 "--lang cần vi hoặc en; nhận được 'fr'");
    expect_usage("en", ARGS("extract", "--jsn", "a.docx"), "unknown option --jsn for extract");
    expect_usage(NULL, ARGS("extract", "--jsn", "a.docx"), "lệnh extract không có tùy chọn --jsn");
    expect_usage("en", ARGS("extract", "--json"), "no input file given");
    expect_usage(NULL, ARGS("text"), "chưa chỉ ra tệp nào để đọc");
    expect_usage("en", ARGS("extract", "a.docx", "-o"),
                 "option -o needs a value after it (the output file name)");
    expect_usage("en", ARGS("text", "a.docx", "--lang"),
                 "option --lang needs a value after it (vi or en)");
    expect_usage("en", ARGS("dump", "a.docx", "b.docx"), "tcpl dump takes one input file; 2 given");
    expect_usage("en", ARGS("frobnicate"), "no such command \"frobnicate\"");
    /* after "--" a name starting with '-' is a file, not an option */
    result r;
    run(&r, ARGS("text", "--", "-khong-co.docx"));
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "tcpl: -khong-co.docx: "));
    result_free(&r);
}

/* ---- outputs that never do harm ----------------------------------------- */

static void assert_file_is(const char *path, const char *want)
{
    size_t n;
    char *got = tu_read_file(path, &n);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* -o through a symbolic link writes the link's target and keeps the link,
 * also when the target does not exist yet. */
static void test_output_symlink(void **state)
{
    (void)state;
    char *good = sample("kh-xa-2025"), *want = tu_tcpl_text(dir, good);
    char *target = write_temp("dich.txt", "cũ\n", 4), *link = path_in("lienket.txt");
    assert_int_equal(symlink("dich.txt", link), 0);
    result r;
    run(&r, ARGS("text", good, "-o", link));
    assert_int_equal(r.status, 0);
    result_free(&r);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_file_is(target, want);
    /* a link to a file not there yet: the file is created where it points */
    char *link2 = path_in("lienket2.txt"), *target2 = path_in("moi.txt");
    assert_int_equal(symlink("moi.txt", link2), 0);
    run(&r, ARGS("text", good, "-o", link2));
    assert_int_equal(r.status, 0);
    result_free(&r);
    assert_int_equal(lstat(link2, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_file_is(target2, want);
    unlink(link2);
    unlink(target2);
    unlink(link);
    unlink(target);
    free(link2);
    free(target2);
    free(link);
    free(target);
    free(want);
    free(good);
}

/* An existing file keeps its permission bits; a new one follows the umask. */
static void test_output_mode(void **state)
{
    (void)state;
    char *good = sample("kh-xa-2025"), *want = tu_tcpl_text(dir, good);
    char *out = write_temp("rieng.txt", "bí mật\n", 10);
    assert_int_equal(chmod(out, 0600), 0);
    result r;
    run(&r, ARGS("text", good, "-o", out));
    assert_int_equal(r.status, 0);
    result_free(&r);
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_file_is(out, want);
    assert_int_equal(chmod(out, 0640), 0);
    run(&r, ARGS("extract", "--json", good, "-o", out));
    assert_int_equal(r.status, 0);
    result_free(&r);
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    unlink(out);
    mode_t old = umask(027);
    run(&r, ARGS("text", good, "-o", out));
    umask(old);
    assert_int_equal(r.status, 0);
    result_free(&r);
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    unlink(out);
    free(out);
    free(want);
    free(good);
}

/* A folder, a FIFO, a device: refused, left as they are, nothing made. */
static void test_output_not_regular(void **state)
{
    (void)state;
    char *good = sample("kh-xa-2025");
    char *sub = path_in("thu-muc"), *fifo = path_in("ong.fifo");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* A device node: made here as root (a bug must not touch /dev/null),
     * else /dev/null, which a user cannot replace anyway. */
    char *dev = path_in("thiet-bi");
    if (geteuid() != 0 || mknod(dev, S_IFCHR | 0600, makedev(1, 3)) != 0) {
        free(dev);
        dev = strdup("/dev/null");
    }
    char *before = listing();
    const char *verbs[] = {"text", "extract", "dump"};
    for (size_t v = 0; v < 3; v++) {
        result r;
        run(&r, ARGS(verbs[v], good, "-o", sub));
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "đây là một thư mục"));
        result_free(&r);
        run_env(&r, "en", ARGS(verbs[v], good, "-o", fifo));
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "not a regular file (FIFO)"));
        assert_int_equal(count_lines(r.err), 1);
        result_free(&r);
        run_env(&r, "en", ARGS(verbs[v], good, "-o", dev));
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "not a regular file (character device)"));
        result_free(&r);
    }
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(lstat(dev, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    char *after = listing();
    assert_string_equal(before, after);
    if (strcmp(dev, "/dev/null"))
        unlink(dev);
    unlink(fifo);
    rmdir(sub);
    free(before);
    free(after);
    free(dev);
    free(fifo);
    free(sub);
    free(good);
}

/* -o may never name an input: not by its name, not through a symbolic link,
 * not through a hard link.  The message names both; the input is intact. */
static void test_output_is_input(void **state)
{
    (void)state;
    char *orig = sample("kh-xa-2025");
    size_t n;
    char *bytes = tu_read_file(orig, &n);
    assert_non_null(bytes);
    char *in = write_temp("vao.docx", bytes, n);
    char *other = sample("kl-kiem-tra-2025");
    char *sym = path_in("vao-link.docx"), *hard = path_in("vao-hard.docx");
    assert_int_equal(symlink(in, sym), 0);
    assert_int_equal(link(in, hard), 0);
    const char *outs[] = {in, sym, hard};
    for (size_t k = 0; k < 3; k++) {
        result r;
        run(&r, ARGS("text", in, "-o", outs[k]));
        assert_int_equal(r.status, 2);
        assert_int_equal(count_lines(r.err), 1);
        assert_non_null(strstr(r.err, "tệp ra chính là tệp vào"));
        /* "OUT: the output file is the input file IN" */
        char want[1200];
        snprintf(want, sizeof want, "tcpl: %s: tệp ra chính là tệp vào %s ", outs[k], in);
        assert_non_null(strstr(r.err, want));
        result_free(&r);
        run(&r, ARGS("extract", "--json", other, in, "-o", outs[k]));
        assert_int_equal(r.status, 2);
        assert_int_equal(r.out_len, 0);
        result_free(&r);
        run(&r, ARGS("dump", in, "-o", outs[k]));
        assert_int_equal(r.status, 2);
        result_free(&r);
        size_t m;
        char *now = tu_read_file(in, &m);
        assert_non_null(now);
        assert_int_equal(m, n);
        assert_memory_equal(now, bytes, n);
        free(now);
    }
    unlink(sym);
    unlink(hard);
    unlink(in);
    free(sym);
    free(hard);
    free(in);
    free(bytes);
    free(orig);
    free(other);
}

/* A failed run keeps the old output; a partial run writes the good results
 * and the error records, once. */
static void test_output_kept_on_failure(void **state)
{
    (void)state;
    char *good = sample("kh-xa-2025");
    char *bad = write_bad("hong.docx"), *bad2 = write_bad("hong2.docx");
    char *out = write_temp("ket-qua.json", "cũ\n", 4);
    char *before = listing();
    result r;
    run(&r, ARGS("extract", "-o", out, bad));
    assert_int_equal(r.status, 3);
    assert_int_equal(r.out_len, 0);
    result_free(&r);
    assert_file_is(out, "cũ\n");
    run(&r, ARGS("extract", "--json", "-o", out, bad, bad2));
    assert_int_equal(r.status, 3);
    assert_int_equal(r.out_len, 0);
    assert_int_equal(count_lines(r.err), 3);
    result_free(&r);
    assert_file_is(out, "cũ\n");
    run(&r, ARGS("text", "-o", out, bad));
    assert_int_equal(r.status, 3);
    result_free(&r);
    run(&r, ARGS("dump", "--json", "-o", out, bad));
    assert_int_equal(r.status, 3);
    result_free(&r);
    assert_file_is(out, "cũ\n");
    char *after = listing();
    assert_string_equal(before, after); /* no temporary file left behind */
    /* partial: the good result and the bad file's record, in order */
    run(&r, ARGS("extract", "--json", "-o", out, bad, good));
    assert_int_equal(r.status, 3);
    assert_int_equal(r.out_len, 0);
    result_free(&r);
    size_t n;
    char *s = tu_read_file(out, &n);
    assert_non_null(s);
    assert_int_equal(count_lines(s), 2);
    json_t *j = json_line(s, 0);
    assert_error_record(j, bad, "format");
    json_decref(j);
    j = json_line(s, 1);
    assert_string_equal(json_string_value(json_object_get(j, "file")), good);
    json_decref(j);
    free(s);
    unlink(out);
    unlink(bad);
    unlink(bad2);
    free(out);
    free(bad);
    free(bad2);
    free(before);
    free(after);
    free(good);
}

/* ---- file names that are not plain text ---------------------------------- */

static char *copy_sample(const char *name, const char *as)
{
    char *src = sample(name);
    size_t n;
    char *bytes = tu_read_file(src, &n);
    assert_non_null(bytes);
    char *p = write_temp(as, bytes, n);
    free(bytes);
    free(src);
    return p;
}

/* A newline or an escape in a file name never reaches the terminal raw. */
static void test_names_escaped(void **state)
{
    (void)state;
    char *nl = copy_sample("kh-xa-2025", "dong\nmoi.docx");
    char *good = sample("kl-kiem-tra-2025");
    char *missing = path_in("thieu\n\x1b[31mdo.docx");
    char want[256];
    result r;
    run(&r, ARGS("text", missing));
    assert_int_equal(r.status, 3);
    assert_int_equal(count_lines(r.err), 1);
    snprintf(want, sizeof want, "tcpl: %s/thieu\\n\\x1b[31mdo.docx: ", dir);
    assert_non_null(strstr(r.err, want));
    assert_null(strchr(r.err, '\x1b'));
    result_free(&r);
    /* headers of text and of the outline */
    run(&r, ARGS("text", nl, good));
    assert_int_equal(r.status, 0);
    snprintf(want, sizeof want, "==> %s/dong\\nmoi.docx <==\n", dir);
    assert_non_null(strstr(r.out, want));
    result_free(&r);
    run(&r, ARGS("extract", nl));
    assert_int_equal(r.status, 0);
    snprintf(want, sizeof want, "== %s/dong\\nmoi.docx ==\n", dir);
    assert_non_null(strstr(r.out, want));
    assert_non_null(strstr(r.out, "Loại văn bản: KẾ HOẠCH"));
    result_free(&r);
    /* JSON escapes by itself: the real name comes back */
    run(&r, ARGS("extract", "--json", nl, missing));
    assert_int_equal(r.status, 3);
    json_t *j = json_line(r.out, 0);
    assert_string_equal(json_string_value(json_object_get(j, "file")), nl);
    json_decref(j);
    j = json_line(r.out, 1);
    assert_error_record(j, missing, "io");
    json_decref(j);
    result_free(&r);
    unlink(nl);
    free(nl);
    free(good);
    free(missing);
}

/* A name that is not UTF-8 still gives valid UTF-8 JSON (it was "out of
 * memory", exit 4), its bad bytes written as the text \xNN. */
static void test_extract_json_odd_name(void **state)
{
    (void)state;
    char *p = copy_sample("kh-xa-2025", "k\xE1\xBA ho\xFF.docx");
    char *missing = path_in("thi\xEAu.docx");
    result r;
    run(&r, ARGS("extract", "--json", p, missing));
    assert_int_equal(r.status, 3);
    assert_int_equal(count_lines(r.out), 2);
    json_t *j = json_line(r.out, 0);
    char want[256];
    snprintf(want, sizeof want, "%s/k\\xe1\\xba ho\\xff.docx", dir);
    assert_string_equal(json_string_value(json_object_get(j, "file")), want);
    assert_non_null(json_object_get(j, "kind"));
    json_decref(j);
    j = json_line(r.out, 1);
    snprintf(want, sizeof want, "%s/thi\\xeau.docx", dir);
    assert_error_record(j, want, "io");
    json_decref(j);
    result_free(&r);
    run(&r, ARGS("extract", p));
    assert_int_equal(r.status, 0);
    json_t *s = json_stringn(r.out, r.out_len); /* NULL when not valid UTF-8 */
    assert_non_null(s);
    json_decref(s);
    result_free(&r);
    unlink(p);
    free(p);
    free(missing);
}

static void test_text_nasty_all(void **state)
{
    (void)state;
    char *path = tu_corpus_file("000-nasty.docx");
    if (!path)
        TU_SKIP("no corpus (set TCPL_CORPUS)");
    if (access(path, R_OK) != 0) {
        free(path);
        TU_SKIP("000-nasty.docx is missing from the corpus (or unreadable)");
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
    tu_tmpdir_remove(dir);
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
        cmocka_unit_test(test_extract_outline),
        cmocka_unit_test(test_extract_json_bad_among_good),
        cmocka_unit_test(test_usage_messages),
        cmocka_unit_test(test_output_symlink),
        cmocka_unit_test(test_output_mode),
        cmocka_unit_test(test_output_not_regular),
        cmocka_unit_test(test_output_is_input),
        cmocka_unit_test(test_output_kept_on_failure),
        cmocka_unit_test(test_names_escaped),
        cmocka_unit_test(test_extract_json_odd_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
