/* The context loads its built-in data on first use: creating one parses
 * nothing, the first tcpl_msg (or reader) parses what it needs once, from
 * any thread, and a data dir's files are still checked by tcpl_ctx_new. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "context.h"

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* The catalogue (some 700 messages, two strings each) is not built by
 * tcpl_ctx_new: the heap grows by more when the first message is asked
 * for than the context took in all. */
static void test_messages_on_first_use(void **state)
{
    (void)state;
    tcpl_ctx *ctx = NULL;
    tcpl_error err;
    /* a sanitizer's allocator does not keep glibc's statistics */
    if (!tu_glibc_malloc())
        TU_SKIP("mallinfo2 does not count this allocator's memory");
    size_t h0 = heap_in_use();
    assert_int_equal(tcpl_ctx_new(&ctx, NULL, &err), 0);
    size_t h1 = heap_in_use();
    const char *m = tcpl_msg(ctx, "err.nomem");
    size_t h2 = heap_in_use();
    assert_string_not_equal(m, "err.nomem");
    assert_true(h1 - h0 < 16 * 1024);
    assert_true(h2 - h1 > 32 * 1024);
    /* asked again: the same text, nothing loaded twice */
    assert_ptr_equal(tcpl_msg(ctx, "err.nomem"), m);
    assert_int_equal(heap_in_use(), h2);
    assert_int_equal(tcpl_ctx_messages(ctx, &err), 0);
    /* unknown ids still come back as themselves */
    assert_string_equal(tcpl_msg(ctx, "no.such.id"), "no.such.id");
    tcpl_ctx_free(ctx);
}

/* The lazily loaded catalogue and legacy tables are those an eager load
 * gives: every message of a context that loaded from a data dir (parsed by
 * tcpl_ctx_new) equals the built-in context's, lazily parsed, in English. */
static void test_lazy_equals_eager(void **state)
{
    (void)state;
    char dir[] = "/tmp/tcpl-ctx-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/messages.yaml", dir);
    size_t len;
    char *yaml = tu_read_file("checks/messages.yaml", &len);
    assert_non_null(yaml);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(yaml, 1, len, f), len);
    fclose(f);
    tcpl_ctx *lazy_ctx = NULL, *eager_ctx = NULL;
    tcpl_ctx_options o1 = {"en", NULL}, o2 = {"en", dir};
    tcpl_error err;
    assert_int_equal(tcpl_ctx_new(&lazy_ctx, &o1, &err), 0);
    assert_int_equal(tcpl_ctx_new(&eager_ctx, &o2, &err), 0);
    /* every top-level id of the file */
    size_t n = 0;
    for (char *line = yaml; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        char *colon = strchr(line, ':');
        if (line[0] != ' ' && line[0] != '#' && colon) {
            *colon = 0;
            const char *a = tcpl_msg(lazy_ctx, line), *b = tcpl_msg(eager_ctx, line);
            assert_string_equal(a, b);
            assert_string_not_equal(a, line);
            n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    TU_ASSERT_NONEMPTY(n, "messages.yaml ids");
    assert_non_null(tcpl_ctx_legacy(lazy_ctx));
    tcpl_ctx_free(lazy_ctx);
    tcpl_ctx_free(eager_ctx);
    free(yaml);
    remove(path);
    rmdir(dir);
}

/* A data dir's broken catalogue is still refused by tcpl_ctx_new, with
 * its error (the CLI then reports it with the built-in messages). */
static void test_data_dir_error_at_new(void **state)
{
    (void)state;
    char dir[] = "/tmp/tcpl-ctx-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/messages.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("a: {vi: \"x\", en: [\n", f);
    fclose(f);
    tcpl_ctx *ctx = NULL;
    tcpl_ctx_options o = {"en", dir};
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(tcpl_ctx_new(&ctx, &o, &err), TCPL_ERR_DATA);
    assert_null(ctx);
    assert_string_equal(err.id, "err.data_yaml");
    remove(path);
    rmdir(dir);
}

enum { NTHREADS = 4 };
static tcpl_ctx *shared;
static const char *seen[NTHREADS];
static const void *seen_legacy[NTHREADS];
static pthread_barrier_t start;

static void *first_use(void *arg)
{
    intptr_t i = (intptr_t)arg;
    pthread_barrier_wait(&start);
    if (i % 2) {
        seen[i] = tcpl_msg(shared, "err.nomem");
        seen_legacy[i] = tcpl_ctx_legacy(shared);
    } else {
        seen_legacy[i] = tcpl_ctx_legacy(shared);
        seen[i] = tcpl_msg(shared, "err.nomem");
    }
    return NULL;
}

/* Threads that all ask at once for what is not loaded yet get one and the
 * same catalogue and tables (run under TSan by `make tsan`). */
static void test_first_use_from_threads(void **state)
{
    (void)state;
    tcpl_error err;
    assert_int_equal(tcpl_ctx_new(&shared, NULL, &err), 0);
    pthread_t t[NTHREADS];
    pthread_barrier_init(&start, NULL, NTHREADS);
    for (intptr_t i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, first_use, (void *)i), 0);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < NTHREADS; i++) {
        assert_non_null(seen[i]);
        assert_ptr_equal(seen[i], seen[0]);
        assert_non_null(seen_legacy[i]);
        assert_ptr_equal(seen_legacy[i], seen_legacy[0]);
    }
    assert_string_not_equal(seen[0], "err.nomem");
    tcpl_ctx_free(shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_on_first_use),
        cmocka_unit_test(test_lazy_equals_eager),
        cmocka_unit_test(test_data_dir_error_at_new),
        cmocka_unit_test(test_first_use_from_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
