/* The fill's fast JSON reader (lib/src/fill/json.c) against jansson's: on
 * every input it reads, the tree jansson reads; on every input jansson
 * refuses, nothing (the fill then asks jansson, which says what is wrong). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fill/json.h"
#include "helpers/testutil.h"
#include "tcpl/tcpl.h"

/* The two readers agree on s: same tree, or the fast one gives up.
 * Returns 1 when the fast one read it. */
static int agree(const char *s, size_t n)
{
    json_t *fast = tpl_json_fast(s, n);
    json_t *ref = json_loadb(s, n, 0, NULL);
    int took = fast != NULL;
    if (fast) {
        if (!ref)
            fail_msg("fast reader accepted what jansson refuses: %.*s", (int)n, s);
        char *a = json_dumps(fast, JSON_COMPACT | JSON_ENCODE_ANY);
        char *b = json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_non_null(a);
        assert_non_null(b);
        if (strcmp(a, b) != 0 || !json_equal(fast, ref))
            fail_msg("trees differ on %.*s:\n fast %s\n jansson %s", (int)n, s, a, b);
        free(a);
        free(b);
    }
    json_decref(fast);
    json_decref(ref);
    return took;
}

static int agree_s(const char *s)
{
    return agree(s, strlen(s));
}

/* Plainly valid JSON of every kind: the fast reader takes it, and builds
 * jansson's tree (key order, a repeated key's last value in its first
 * place, escapes, surrogate pairs, integers at the edges, reals). */
static void reads_what_is_valid(void **state)
{
    (void)state;
    const char *ok[] = {
        "{}",
        "[]",
        " \t\r\n{ \"a\" : 1 , \"b\":[true,false,null] }\n",
        "{\"z\":1,\"a\":2,\"m\":{\"y\":[],\"x\":{}}}",
        "{\"k\":1,\"j\":2,\"k\":3}",
        "[\"\",\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"\\u00e9\\u1EA1\\uD83D\\uDE00\",\"x\\u0041y\"]",
        "{\"\\u0111\\u01B0\\u1EDDng\":\"Đường\",\"\":\"empty key\"}",
        "[0,-0,1,-1,9223372036854775807,-9223372036854775808,123456789012]",
        "[0.5,-1.25e3,1E-7,2e+2,3.0,1e308,-0.0]",
        "{\"vi\":\"Ủy ban nhân dân xã Phú Thịnh — “Kế hoạch” 😀\"}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!agree_s(ok[i]))
            fail_msg("fast reader gave up on valid %s", ok[i]);
}

/* What jansson refuses (or reads with rules of its own) the fast reader
 * leaves to it. */
static void leaves_the_rest_to_jansson(void **state)
{
    (void)state;
    const char *odd[] = {
        "", " ", "1", "\"s\"", "true", "null", /* top level: object or array only */
        "{", "[", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[1 2]", "{a:1}", "{'a':1}",
        "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "[0x10]", "[1e400]",
        "[9223372036854775808]", "[-9223372036854775809]", "[123456789012345678901234567890]",
        "[tru]", "[truee]", "[nul]", "[True]", "[NaN]", "[Infinity]",
        "[\"\\u0000\"]", "{\"a\\u0000b\":1}", "[\"\\uD800\"]", "[\"\\uDC00\"]",
        "[\"\\uD800\\u0041\"]", "[\"\\uZZZZ\"]", "[\"\\x41\"]", "[\"\\u12\"]", "[\"a\tb\"]",
        "[\"\x01\"]", "[\"\xC0\x80\"]", "[\"\xED\xA0\x80\"]", "[\"\xF4\x90\x80\x80\"]",
        "[\"\xE0\x80\xAF\"]", "[\"\xFF\"]", "[\"\xC3\"]", "[\"abc", "\xEF\xBB\xBF{}",
        "{} {}", "{}x", "[]]", "[1]\x01", "{\"a\":1}//",
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
        agree_s(odd[i]);
    /* a NUL byte inside the text, and past the end of what is read */
    agree("[\"a\0b\"]", 7);
    agree("{}\0", 3);
    /* nesting past the reader's bound: jansson reads it */
    char deep[2 * TPL_JSON_FAST_MAX_DEPTH + 10];
    size_t d = TPL_JSON_FAST_MAX_DEPTH + 2;
    memset(deep, '[', d);
    memset(deep + d, ']', d);
    assert_null(tpl_json_fast(deep, 2 * d));
    json_t *j = json_loadb(deep, 2 * d, 0, NULL);
    assert_non_null(j);
    json_decref(j);
}

/* Random damage to a document with every feature: whatever the fast reader
 * takes, jansson takes, with the same tree. */
static void agrees_on_damaged_documents(void **state)
{
    (void)state;
    static const char seed[] =
        "{\"co_quan\":{\"ten\":\"Ủy ban nhân dân\",\"so\":15},\"ds\":[1,-2,3.5e1,true,false,"
        "null,\"\\u00e9\\\"\\n\\uD83D\\uDE00\",{\"a\":[],\"b\":{}}],\"x\":\"tab\\there\"}";
    static const char alphabet[] = "{}[],:\"\\u0123456789abcdefABCDEF.eE+-tfn \n\x01\xC3\xA9\xE1\xBA"
                                   "\xF0\x9F\x98\x80\xED\xFF";
    uint32_t x = 20261130;
    char buf[sizeof seed + 16];
    int took = 0;
    for (int round = 0; round < 30000; round++) {
        size_t n = sizeof seed - 1;
        memcpy(buf, seed, n);
        int edits = 1 + round % 3;
        for (int e = 0; e < edits; e++) {
            x = x * 1103515245u + 12345u;
            size_t at = (x >> 8) % n;
            char c = alphabet[(x >> 20) % (sizeof alphabet - 1)];
            int what = (int)((x >> 4) % 3);
            if (what == 0) {
                buf[at] = c;
            } else if (what == 1 && n > 1) {
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
            } else if (n < sizeof buf) {
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = c;
                n++;
            }
        }
        took += agree(buf, n);
    }
    /* the damage leaves many documents valid: the fast path was exercised */
    assert_true(took > 1000);
}

/* The shipped samples' data are read by the fast reader, not handed on. */
static void reads_the_samples(void **state)
{
    (void)state;
    const char *names[] = {"samples/data/ke-hoach.json", "samples/data/ke-hoach-khac-phuc.json",
                           "samples/data/ket-luan-kiem-tra.json"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n;
        char *s = tu_read_file(names[i], &n);
        assert_non_null(s);
        if (!agree(s, n))
            fail_msg("fast reader gave up on %s", names[i]);
        free(s);
    }
}

/* Through the fill: bad data is still reported by jansson, with its place. */
static void fill_still_says_where(void **state)
{
    (void)state;
    tcpl_ctx *ctx = tu_ctx();
    size_t n;
    char *docx = tu_read_file("build/templates/ke-hoach.docx", &n);
    assert_non_null(docx);
    tcpl_template *t = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_template_compile_memory(&t, ctx, docx, n, "ke-hoach.docx", NULL, &err), 0);
    const char *bad = "{\"so\": \"15\",\n \"ky_hieu\": [1,]}";
    void *out = NULL;
    size_t len;
    assert_int_equal(tcpl_template_fill(&out, &len, t, bad, strlen(bad), NULL, &err),
                     TCPL_ERR_DATA);
    assert_string_equal(err.id, "err.fill_json");
    assert_string_equal(err.where, "2:16");
    assert_null(out);
    tcpl_template_free(t);
    free(docx);
    tcpl_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_what_is_valid),
        cmocka_unit_test(leaves_the_rest_to_jansson),
        cmocka_unit_test(agrees_on_damaged_documents),
        cmocka_unit_test(reads_the_samples),
        cmocka_unit_test(fill_still_says_where),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
