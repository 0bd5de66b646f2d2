/* How tcpl batch reads its inputs and writes its results (lib/src/batch/
 * out.c and process() in batch.c): result names from the inputs' real
 * paths whatever the route (a folder's real path is remembered, links are
 * resolved whole), the hash over every byte whether an input is read into
 * the worker's buffer or mapped (above 1 MB), each result one line written
 * whole, and no temporary file left in results/ — an earlier run's swept. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/run.h"
#include "helpers/testutil.h"

static char root[64];

static void put(const char *rel, const void *data, size_t len)
{
    char *p = tu_path_in(root, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(p);
}

static void dir(const char *rel)
{
    char *p = tu_path_in(root, rel);
    assert_int_equal(mkdir(p, 0777), 0);
    free(p);
}

static void link_to(const char *target, const char *rel)
{
    char *p = tu_path_in(root, rel);
    assert_int_equal(symlink(target, p), 0);
    free(p);
}

/* batch_fnv (lib/src/batch/out.c), as results store it. */
static uint64_t fnv(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* The result file an input gets: its base name (no extension), then the
 * hash of its real path. */
static char *result_of(const char *input, const char *stem)
{
    char *real = realpath(input, NULL);
    assert_non_null(real);
    char *name = malloc(strlen(stem) + 16);
    assert_non_null(name);
    sprintf(name, "%s-%08x.json", stem, (unsigned)(uint32_t)(fnv(real, strlen(real)) >> 16));
    free(real);
    return name;
}

static json_t *load_result(const char *out, const char *name)
{
    char *res = tu_path_in(out, "results"), *p = tu_path_in(res, name);
    size_t len;
    char *s = tu_read_file(p, &len);
    if (!s)
        fail_msg("no result %s", p);
    /* one line, written whole */
    assert_true(len > 2);
    assert_int_equal(s[len - 1], '\n');
    assert_null(memchr(s, '\n', len - 1));
    json_error_t je;
    json_t *j = json_loadb(s, len, 0, &je);
    if (!j)
        fail_msg("%s: %s", p, je.text);
    free(s);
    free(p);
    free(res);
    return j;
}

static size_t temps_in(const char *d)
{
    DIR *dd = opendir(d);
    assert_non_null(dd);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dd)))
        n += !strncmp(e->d_name, ".tcpl-tmp-", 10);
    closedir(dd);
    return n;
}

static unsigned char *sample;
static size_t sample_len;
static unsigned char *big; /* more than a worker reads into its buffer */
enum { BIG = (3u << 19) };

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/tcpl-batch-io-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    sample = (unsigned char *)tu_read_file("build/samples/kh-xa-2025.docx", &sample_len);
    big = malloc(BIG);
    if (!sample || !big)
        return -1;
    for (size_t i = 0; i < BIG; i++)
        big[i] = (unsigned char)(i * 2654435761u >> 11);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(sample);
    free(big);
    return tu_rm_rf(root);
}

static void test_names_hashes_and_no_temps(void **state)
{
    (void)state;
    dir("in");
    dir("in/real");
    dir("links");
    put("in/real/a.docx", sample, sample_len);
    put("in/real/b.docx", sample, sample_len);
    put("in/real/c.docx", sample, sample_len);
    put("in/real/to.docx", big, BIG);
    put("in/real/small.docx", big, 4096);
    link_to("../in/real", "links/dir");
    link_to("../in/real/b.docx", "links/file.docx");
    dir("out");
    dir("out/results");
    /* what a killed run left: swept */
    put("out/results/.tcpl-tmp-1-0", "{\"half", 6);
    char *out = tu_path_in(root, "out");
    char *a = tu_path_in(root, "links/dir/a.docx"), *b = tu_path_in(root, "links/file.docx"),
         *c = tu_path_in(root, "in/real/../real/c.docx"), *to = tu_path_in(root, "in/real/to.docx"),
         *small = tu_path_in(root, "in/real/small.docx");
    tu_result r;
    tu_tcpl_run(&r, root, TU_ARGS("batch", a, b, c, to, small, "--out", out, "-j", "2", "-q"),
                NULL);
    if (r.status != 1)
        print_error("stderr: %s\n", r.err);
    assert_int_equal(r.status, 1); /* the junk cannot be read */
    tu_result_free(&r);
    char *res = tu_path_in(out, "results");
    assert_int_equal(temps_in(res), 0);
    assert_int_equal(temps_in(out), 0);
    /* names from the real paths */
    const char *inputs[] = {a, b, c, to, small};
    const char *stems[] = {"a", "file", "c", "to", "small"};
    const unsigned char *bytes[] = {sample, sample, sample, big, big};
    size_t lens[] = {sample_len, sample_len, sample_len, BIG, 4096};
    for (size_t i = 0; i < 5; i++) {
        char *name = result_of(inputs[i], stems[i]);
        json_t *j = load_result(out, name);
        json_t *bo = json_object_get(j, "batch");
        /* the hash of every byte, read or mapped */
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv(bytes[i], lens[i]));
        assert_string_equal(json_string_value(json_object_get(bo, "hash")), hex);
        assert_int_equal(json_integer_value(json_object_get(bo, "size")), (json_int_t)lens[i]);
        json_decref(j);
        free(name);
    }
    free(res);
    free(out);
    free(a);
    free(b);
    free(c);
    free(to);
    free(small);
}

/* Names given without a folder (relative to the current one) next to
 * absolute ones, in one run: each gets its own folder's real path. */
static void test_names_without_folder(void **state)
{
    (void)state;
    dir("rel");
    dir("rel/sub");
    put("rel/d.docx", sample, sample_len);
    put("rel/sub/e.docx", sample, sample_len);
    const char *bin = getenv("TCPL_BIN");
    char *abs_bin = realpath(bin ? bin : "build/tcpl", NULL);
    assert_non_null(abs_bin);
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *here = tu_path_in(root, "rel"), *out = tu_path_in(root, "out-rel"), *e = tu_path_in(root, "rel/sub/e.docx");
    assert_int_equal(setenv("TCPL_BIN", abs_bin, 1), 0);
    assert_int_equal(chdir(here), 0);
    tu_result r;
    tu_tcpl_run(&r, root, TU_ARGS("batch", e, "d.docx", "--out", out, "-j", "1", "-q"), NULL);
    char *d_name = result_of("d.docx", "d"), *e_name = result_of(e, "e");
    assert_int_equal(chdir(cwd), 0);
    if (bin)
        setenv("TCPL_BIN", bin, 1);
    else
        unsetenv("TCPL_BIN");
    if (r.status != 0 && r.status != 1)
        print_error("stderr: %s\n", r.err);
    assert_true(r.status == 0 || r.status == 1); /* 1: a plan with Lỗi */
    tu_result_free(&r);
    json_decref(load_result(out, d_name));
    json_decref(load_result(out, e_name));
    free(d_name);
    free(e_name);
    free(abs_bin);
    free(here);
    free(out);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_hashes_and_no_temps),
        cmocka_unit_test(test_names_without_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
