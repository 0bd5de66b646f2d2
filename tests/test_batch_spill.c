/* The end of a batch run writes report.html's findings from what each
 * worker left in the spill (brec_settle_fnd), not from the results read
 * back: a run whose results are all deleted as soon as they are written
 * gives the same report, byte for byte, as one whose results stay; and a
 * merge, which does read results back, gives the same findings. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "tcpl/batch.h"
#include "tcpl/context.h"
#include "tcpl/extract.h"
#include "tcpl/rules.h"

static char root[64];

/* on_result: every result in the folder is removed (the callback runs
 * after the result is written, so at the end none is left). */
typedef struct sweep {
    char dir[160];
    size_t calls, removed;
} sweep;

static void remove_results(void *user, const char *json, size_t len)
{
    (void)json;
    (void)len;
    sweep *s = user;
    s->calls++;
    DIR *d = opendir(s->dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", s->dir, e->d_name);
        if (unlink(p) == 0)
            s->removed++;
    }
    closedir(d);
}

static void run_batch(const char *out, unsigned jobs, sweep *s)
{
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_ctx *ctx = NULL;
    tcpl_extractor *ex = NULL;
    tcpl_checker *ck = NULL;
    assert_int_equal(tcpl_ctx_new(&ctx, NULL, &err), 0);
    assert_int_equal(tcpl_extractor_new(&ex, ctx, &err), 0);
    assert_int_equal(tcpl_checker_new(&ck, ctx, &err), 0);
    assert_int_equal(tcpl_checker_add_default_packs(ck, &err), 0);
    char extra[128];
    snprintf(extra, sizeof extra, "%s/extra", root);
    const char *inputs[] = {tu_corpus(), extra};
    tcpl_batch_options o;
    memset(&o, 0, sizeof o);
    o.inputs = inputs;
    o.ninputs = 2;
    o.out_dir = out;
    o.jobs = jobs;
    o.today = "2026-03-20";
    o.deadline = "2026-03-31";
    if (s) {
        snprintf(s->dir, sizeof s->dir, "%s/results", out);
        o.on_result = remove_results;
        o.user = s;
    }
    tcpl_batch_totals t;
    assert_int_equal(tcpl_batch_run(&t, ctx, ex, ck, &o, &err), 0);
    assert_true(t.checked > 10 && t.failed > 0 && t.skipped > 0);
    assert_true(t.findings[0] > 0);
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
}

static char *slurp(const char *dir, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    size_t len = 0;
    char *s = tu_read_file(p, &len);
    assert_non_null(s);
    return s;
}

static void test_report_needs_no_result(void **state)
{
    (void)state;
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/a", root);
    snprintf(b, sizeof b, "%s/b", root);
    run_batch(a, 2, NULL);
    sweep s;
    memset(&s, 0, sizeof s);
    run_batch(b, 2, &s);
    assert_true(s.calls > 10);
    assert_true(s.removed > 20); /* each result (skipped inputs have none) */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s/results')\"", b);
    assert_int_equal(system(cmd), 0);
    char *ra = slurp(a, "report.html"), *rb = slurp(b, "report.html");
    /* the findings block holds findings (a Lỗi first in a file's list) */
    const char *fnd = strstr(ra, "id=\"fnd\">{\"f\":[");
    assert_non_null(fnd);
    assert_non_null(strstr(fnd, "\n[[0,"));
    assert_string_equal(ra, rb);
    free(ra);
    free(rb);
}

/* A merge reads the results back (no spill of its inputs' findings): its
 * findings block is the run's. */
static void test_merge_reads_the_same(void **state)
{
    (void)state;
    char a[128], m[128];
    snprintf(a, sizeof a, "%s/a", root);
    snprintf(m, sizeof m, "%s/m", root);
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_ctx *ctx = NULL;
    assert_int_equal(tcpl_ctx_new(&ctx, NULL, &err), 0);
    const char *dirs[] = {a};
    tcpl_batch_merge_options o;
    memset(&o, 0, sizeof o);
    o.inputs = dirs;
    o.ninputs = 1;
    o.out_dir = m;
    tcpl_batch_totals t;
    assert_int_equal(tcpl_batch_merge(&t, ctx, &o, &err), 0);
    tcpl_ctx_free(ctx);
    char *ra = slurp(a, "report.html"), *rm = slurp(m, "report.html");
    const char *fa = strstr(ra, "id=\"fnd\">"), *fm = strstr(rm, "id=\"fnd\">");
    assert_non_null(fa);
    assert_non_null(fm);
    assert_string_equal(fa, fm);
    free(ra);
    free(rm);
}

static int put(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/extra/%s", root, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Beside the corpus: a corrupt .docx (its result is an error) and a file
 * that is skipped. */
static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/tcpl-batch-spill-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char p[128];
    snprintf(p, sizeof p, "%s/extra", root);
    if (mkdir(p, 0777) < 0)
        return -1;
    return put("hong.docx", "PK\x03\x04 not a zip") < 0 || put("ghi-chu.txt", "x") < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_rm_rf(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_needs_no_result),
        cmocka_unit_test(test_merge_reads_the_same),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
