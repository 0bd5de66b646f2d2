/* The findings JSON is written directly (lib/src/rules/findings.c), not
 * built and dumped with jansson: the bytes must be jansson's.  Strings are
 * compared with json_dumps string by string (every control character,
 * quotes, backslashes, non-ASCII, bad UTF-8), and every corpus document's
 * findings JSON with jansson's own dump of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/testutil.h"
#include "rules/rules.h"

/* rl_json_string(s) against json_dumps(json_string(s)). */
static void same_as_jansson(const char *s)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    int rc = rl_json_string(&b, s);
    json_t *j = json_string(s);
    if (!j) {
        assert_int_equal(rc, -1); /* jansson refuses it: so does the writer */
        assert_int_equal(b.len, 0);
        tcpl_buf_free(&b);
        return;
    }
    assert_int_equal(rc, 0);
    char *d = json_dumps(j, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | JSON_COMPACT);
    assert_non_null(d);
    tcpl_buf_putc(&b, 0);
    if (strcmp(b.data, d))
        fail_msg("rl_json_string gives %s, jansson %s", b.data, d);
    free(d);
    json_decref(j);
    tcpl_buf_free(&b);
}

static void test_strings_as_jansson(void **state)
{
    (void)state;
    char s[8];
    for (int c = 1; c < 256; c++) { /* every byte alone and inside text */
        snprintf(s, sizeof s, "%c", c);
        same_as_jansson(s);
        snprintf(s, sizeof s, "a%cb", c);
        same_as_jansson(s);
    }
    static const char *const more[] = {
        "", "Kế hoạch \"số 1\"", "C:\\\\a\\b", "a/b", "tab\there", "\x7f", "\xe2\x80\xa8",
        "\xf0\x9f\x98\x80", "\xc3\x28", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xc0\xaf", "\xf5\x80\x80\x80", "ab\xe1\xba", "Đ\x01\x1f"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        same_as_jansson(more[i]);
    tcpl_buf b;
    tcpl_buf_init(&b);
    assert_int_equal(rl_json_string(&b, NULL), -1);
    tcpl_buf_free(&b);
}

/* Each corpus document's findings JSON is what jansson writes for it. */
static void test_corpus_as_jansson(void **state)
{
    (void)state;
    const char *dir = tu_corpus();
    if (!dir)
        TU_SKIP("no corpus");
    tcpl_ctx *ctx = tu_ctx();
    tcpl_error err;
    tcpl_extractor *ex;
    tcpl_checker *ch;
    assert_int_equal(tcpl_extractor_new(&ex, ctx, &err), 0);
    assert_int_equal(tcpl_checker_new(&ch, ctx, &err), 0);
    assert_int_equal(tcpl_checker_add_default_packs(ch, &err), 0);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0, findings = 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".docx"))
            continue;
        char *path = tu_corpus_file(e->d_name);
        tcpl_doc *doc;
        if (tcpl_docx_read(&doc, ctx, path, &err) == 0) {
            tcpl_extraction *x;
            tcpl_findings *f;
            assert_int_equal(tcpl_extract(&x, ex, doc, &err), 0);
            assert_int_equal(tcpl_check(&f, ch, doc, x, NULL, &err), 0);
            char *s;
            size_t n;
            assert_int_equal(tcpl_findings_json(&s, &n, f, x, 0, &err), 0);
            assert_int_equal(strlen(s), n);
            json_error_t je;
            json_t *j = json_loads(s, 0, &je);
            assert_non_null(j);
            findings += json_array_size(json_object_get(j, "findings"));
            char *again = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
            assert_non_null(again);
            assert_true(n > 0 && s[n - 1] == '\n');
            if (strlen(again) != n - 1 || memcmp(again, s, n - 1))
                fail_msg("%s: written %s\njansson %s", e->d_name, s, again);
            free(again);
            json_decref(j);
            free(s);
            tcpl_findings_free(f);
            tcpl_extraction_free(x);
            tcpl_doc_free(doc);
            files++;
        }
        free(path);
    }
    closedir(d);
    TU_ASSERT_NONEMPTY(files, "corpus documents");
    TU_ASSERT_NONEMPTY(findings, "findings");
    tcpl_checker_free(ch);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_as_jansson),
        cmocka_unit_test(test_corpus_as_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
