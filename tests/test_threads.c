/* The library is thread-safe: one context and one extractor shared by
 * several threads give exactly the results of one thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/testutil.h"

enum { NTHREADS = 4, ROUNDS = 3 };

static tcpl_ctx *ctx;
static tcpl_extractor *ex;
static const char *files[] = {"build/samples/kh-xa-2025.docx", "build/samples/kl-kiem-tra-2025.docx",
                              "build/samples/kh-khac-phuc-2026.docx",
                              "build/samples/kh-tinh-2022.docx"};
enum { NFILES = sizeof files / sizeof files[0] };
static char *expected[NFILES];

/* text + extraction JSON of one file, or NULL on failure */
static char *work(const char *path)
{
    tcpl_doc *doc = NULL;
    tcpl_extraction *x = NULL;
    tcpl_error err;
    char *text = NULL, *json = NULL, *out = NULL;
    size_t tl, jl;
    if (tcpl_docx_read(&doc, ctx, path, &err) == 0 &&
        tcpl_doc_text(&text, &tl, doc, TCPL_TEXT_BODY, &err) == 0 &&
        tcpl_extract(&x, ex, doc, &err) == 0 && tcpl_extraction_json(&json, &jl, x, 0, &err) == 0) {
        out = malloc(tl + jl + 1);
        if (out) {
            memcpy(out, text, tl);
            memcpy(out + tl, json, jl + 1);
        }
    }
    free(text);
    free(json);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    return out;
}

static void *thread_main(void *arg)
{
    intptr_t id = (intptr_t)arg;
    intptr_t bad = 0;
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < NFILES; i++) {
            int f = (int)((i + id) % NFILES);
            char *got = work(files[f]);
            if (!got || strcmp(got, expected[f]) != 0)
                bad++;
            free(got);
        }
    return (void *)bad;
}

static void same_results_in_threads(void **state)
{
    (void)state;
    for (int i = 0; i < NFILES; i++) {
        expected[i] = work(files[i]);
        assert_non_null(expected[i]);
    }
    pthread_t t[NTHREADS];
    for (intptr_t i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, (void *)i), 0);
    intptr_t bad = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (intptr_t)r;
    }
    assert_int_equal(bad, 0);
    for (int i = 0; i < NFILES; i++)
        free(expected[i]);
}

int main(void)
{
    ctx = tu_ctx();
    tcpl_error err;
    if (tcpl_extractor_new(&ex, ctx, &err) < 0)
        return 1;
    const struct CMUnitTest tests[] = {cmocka_unit_test(same_results_in_threads)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return rc;
}
