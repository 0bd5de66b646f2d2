/* Patterns JIT-compiled once they have been searched enough
 * (tcpl_re_compile_lazy, lib/src/base/re.c), and the header date that uses
 * it (lib/src/extract/timeexpr.c): the same matches before and after the
 * switch, in one thread and in two sharing the pattern. */
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
#include "base/re.h"
#include "extract/timeexpr.h"

/* The shipped header date's shape: an optional place, then a date. */
#define PAT "(?:(?<place>\\p{Lu}\\p{L}*+)\\s*+,\\s*+)?ngày\\s*+(?<d>\\d{1,2})\\s*+tháng"

static const char *const subjects[] = {
    "Hà Nội, ngày 5 tháng 3 năm 2024",
    "Ủy ban nhân dân xã theo Quyết định số 25/2021/QĐ-TTg năm 2021",
    "ngày 12 tháng",
    "NGÀY 7 THÁNG 8",
    "không có gì",
    "Huế, ngày 31 tháng 12",
};
enum { NSUB = sizeof subjects / sizeof subjects[0] };

/* Outcome and group spans of one search. */
static void search(const tcpl_re *re, tcpl_match *m, const char *s, long out[5])
{
    int rc = tcpl_re_find(re, m, s, strlen(s), 0);
    out[0] = rc;
    for (int g = 0; g < 2; g++) {
        size_t a = (size_t)-1, b = (size_t)-1;
        if (rc == 1)
            tcpl_match_group(m, g, &a, &b);
        out[1 + 2 * g] = (long)a;
        out[2 + 2 * g] = (long)b;
    }
}

static void lazy_matches_like_interpreter(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_re plain, lazy;
    assert_int_equal(tcpl_re_compile_nojit(&plain, PAT, PCRE2_CASELESS, "t", 1, &err), 0);
    assert_int_equal(tcpl_re_compile_lazy(&lazy, PAT, PCRE2_CASELESS, "t", 1, &err), 0);
    tcpl_match m;
    assert_int_equal(tcpl_match_init(&m, 8), 0);
    assert_false(tcpl_re_is_jit(&plain));
    assert_false(tcpl_re_is_jit(&lazy));
    /* Search until well past the mark; the answers never change. */
    size_t searched = 0;
    int was_jit = 0;
    for (int round = 0; searched < 3 * TCPL_RE_LAZY_JIT_BYTES; round++) {
        for (int i = 0; i < NSUB; i++) {
            long want[5], got[5];
            search(&plain, &m, subjects[i], want);
            search(&lazy, &m, subjects[i], got);
            assert_memory_equal(want, got, sizeof want);
            searched += strlen(subjects[i]);
        }
        if (round == 0)
            assert_false(tcpl_re_is_jit(&lazy)); /* one pass is far below the mark */
        was_jit |= tcpl_re_is_jit(&lazy);
    }
    assert_true(was_jit);
    assert_true(tcpl_re_is_jit(&lazy));
    assert_false(tcpl_re_is_jit(&plain));
    tcpl_match_free(&m);
    tcpl_re_free(&plain);
    tcpl_re_free(&lazy);
    tcpl_re_free(&lazy); /* freeing twice is harmless */
}

typedef struct {
    const tcpl_re *re;
    int bad;
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    tcpl_match m;
    if (tcpl_match_init(&m, 8) < 0) {
        w->bad = 1;
        return NULL;
    }
    for (int round = 0; round < 400; round++) {
        for (int i = 0; i < NSUB; i++) {
            long got[5];
            search(w->re, &m, subjects[i], got);
            int hit = i == 0 || i == 2 || i == 3 || i == 5;
            if (got[0] != hit)
                w->bad = 1;
        }
    }
    tcpl_match_free(&m);
    return NULL;
}

static void lazy_shared_by_threads(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_re lazy;
    assert_int_equal(tcpl_re_compile_lazy(&lazy, PAT, PCRE2_CASELESS, "t", 1, &err), 0);
    worker w[2] = {{&lazy, 0}, {&lazy, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(w[0].bad, 0);
    assert_int_equal(w[1].bad, 0);
    assert_true(tcpl_re_is_jit(&lazy));
    tcpl_re_free(&lazy);
}

/* The header date over paragraphs of a document without a header: the
 * same date found before and after the pattern goes JIT. */
static void header_date_same_after_switch(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_ctx *ctx = tu_ctx();
    tcpl_timeparser *tp;
    assert_int_equal(tcpl_timeparser_new(&tp, ctx, &err), 0);
    const char *body = "Ủy ban nhân dân tỉnh triển khai thực hiện Quyết định số 25/2021/QĐ-TTg "
                       "của Thủ tướng Chính phủ về đánh giá, công nhận xã đạt chuẩn năm 2021 ";
    const char *dated = "Hà Nội, ngày 05 tháng 3 năm 2024";
    for (int round = 0; round < 200; round++) {
        tcpl_date d;
        assert_int_equal(tcpl_date_parse(tp, body, strlen(body), &d), 0);
        assert_int_equal(tcpl_date_parse(tp, dated, strlen(dated), &d), 1);
        assert_string_equal(d.iso, "2024-03-05");
        assert_int_equal(d.place_start, 0);
        assert_int_equal(d.place_end, strlen("Hà Nội"));
    }
    tcpl_timeparser_free(tp);
    tcpl_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lazy_matches_like_interpreter),
        cmocka_unit_test(lazy_shared_by_threads),
        cmocka_unit_test(header_date_same_after_switch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
