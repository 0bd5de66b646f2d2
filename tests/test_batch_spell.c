/* The spelling slots behind the batch's speed (lib/src/rules/spell.c): each
 * document takes a slot with its own hunspell handle, a slot remembers what
 * hunspell answered across documents, a wrong word is reported once per
 * document, and threads checking at once get distinct slots (no lock
 * around the lookups). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "helpers/testutil.h"
#include "rules/spell.h"

static tcpl_ctx *ctx;
static tcpl_spell *sp;

static int setup(void **state)
{
    tcpl_error err;
    ctx = tu_ctx();
    assert_int_equal(spell_new(&sp, ctx, &err), 0);
    return 0;
}

static int teardown(void **state)
{
    spell_free(sp);
    tcpl_ctx_free(ctx);
    return 0;
}

/* "quyêt" (a missing tone) is not Vietnamese, "quyết" is. */
static void test_answers_remembered(void **state)
{
    if (!spell_has_dictionary(sp))
        TU_SKIP("hunspell-vi is not installed");
    char sug[128], first[128];
    for (int doc = 0; doc < 50; doc++) {
        spell_slot *s = spell_take(sp);
        assert_non_null(s);
        assert_int_equal(spell_word(sp, s, "quyết", sug, sizeof sug), 1);
        assert_int_equal(spell_word(sp, s, "quyêt", sug, sizeof sug), 0);
        if (doc == 0)
            snprintf(first, sizeof first, "%s", sug);
        else
            assert_string_equal(sug, first); /* the same answer from memory */
        /* said once per document */
        assert_int_equal(spell_word(sp, s, "quyêt", sug, sizeof sug), 2);
        assert_int_equal(spell_word(sp, s, "quyết", sug, sizeof sug), 1);
        spell_give(sp, s);
    }
    /* 50 documents, two distinct words: hunspell asked twice, not 100 times */
    assert_int_equal(spell_asked(sp), 2);
}

/* Two documents at once hold two slots: neither waits for the other. */
static void test_slots_per_document(void **state)
{
    if (!spell_has_dictionary(sp))
        TU_SKIP("hunspell-vi is not installed");
    spell_slot *a = spell_take(sp), *b = spell_take(sp);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    char sug[128];
    assert_int_equal(spell_word(sp, a, "hòa", sug, sizeof sug), 1);
    assert_int_equal(spell_word(sp, b, "hoà", sug, sizeof sug), 1); /* either tone place */
    spell_give(sp, a);
    spell_give(sp, b);
    /* given back: the next two takes reuse them */
    spell_slot *c = spell_take(sp), *d = spell_take(sp);
    assert_true((c == a || c == b) && (d == a || d == b) && c != d);
    spell_give(sp, c);
    spell_give(sp, d);
}

/* A document with more distinct words than a slot remembers (8,192): a
 * wrong word met twice after the cache is full is still reported once. */
static void test_once_past_the_cache(void **state)
{
    if (!spell_has_dictionary(sp))
        TU_SKIP("hunspell-vi is not installed");
    FILE *f = fopen("/usr/share/hunspell/vi_VN.dic", "r");
    if (!f)
        TU_SKIP("vi_VN.dic is not in /usr/share/hunspell");
    spell_slot *s = spell_take(sp);
    assert_non_null(s);
    char line[256], sug[128];
    size_t right = 0;
    /* each dictionary word, and the same with a capital: right, and
     * distinct, so each takes a place in the cache */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "/\r\n")] = 0;
        if (line[0] < 'a' || line[0] > 'z')
            continue;
        right += spell_word(sp, s, line, sug, sizeof sug) == 1;
        line[0] = (char)(line[0] - 'a' + 'A');
        right += spell_word(sp, s, line, sug, sizeof sug) == 1;
    }
    fclose(f);
    assert_true(right > 8192); /* the cache is full */
    assert_int_equal(spell_word(sp, s, "quyêt", sug, sizeof sug), 0);
    assert_int_equal(spell_word(sp, s, "quyêt", sug, sizeof sug), 2);
    assert_int_equal(spell_word(sp, s, "nghịêm", sug, sizeof sug), 0);
    assert_int_equal(spell_word(sp, s, "nghịêm", sug, sizeof sug), 2);
    assert_int_equal(spell_word(sp, s, "quyêt", sug, sizeof sug), 2);
    spell_give(sp, s);
    /* the next document reports it again, once */
    s = spell_take(sp);
    assert_int_equal(spell_word(sp, s, "quyêt", sug, sizeof sug), 0);
    assert_true(sug[0] != 0);
    assert_int_equal(spell_word(sp, s, "quyêt", sug, sizeof sug), 2);
    spell_give(sp, s);
}

typedef struct job {
    int wrong; /* words found wrong */
} job;

static void *check_many(void *arg)
{
    job *j = arg;
    static const char *const words[] = {"kế", "hoạch", "triển", "khai", "quyêt", "đinh", "xã"};
    char sug[128];
    for (int doc = 0; doc < 200; doc++) {
        spell_slot *s = spell_take(sp);
        if (!s)
            return NULL;
        for (size_t w = 0; w < sizeof words / sizeof *words; w++)
            j->wrong += spell_word(sp, s, words[w], sug, sizeof sug) == 0;
        spell_give(sp, s);
    }
    return NULL;
}

/* Threads at once give what one thread gives (run under `make tsan` too). */
static void test_threads(void **state)
{
    if (!spell_has_dictionary(sp))
        TU_SKIP("hunspell-vi is not installed");
    job one = {0};
    check_many(&one);
    TU_ASSERT_NONEMPTY(one.wrong, "wrong words");
    job jobs[4] = {{0}};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, check_many, &jobs[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].wrong, one.wrong);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_answers_remembered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slots_per_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_once_past_the_cache, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
