/* A reader told which parts will not be printed (tcpl_reader_skip, used by
 * `tcpl text` without --notes / --headers) gives the same text as a full
 * read for the flags that leave them out, and does not read those parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/testutil.h"

static char *text_of(tcpl_reader *r, const char *path, unsigned flags, size_t *nblocks_out)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    char *text = NULL;
    size_t len;
    assert_int_equal(tcpl_reader_read(r, &doc, path, &err), 0);
    assert_int_equal(tcpl_doc_text(&text, &len, doc, flags, &err), 0);
    if (nblocks_out) {
        size_t n = 0;
        for (size_t i = 0; i < tcpl_doc_block_count(doc); i++)
            if (tcpl_doc_block(doc, i)->part != TCPL_PART_BODY)
                n++;
        *nblocks_out = n;
    }
    tcpl_doc_free(doc);
    return text;
}

static void test_corpus_same_text(void **state)
{
    (void)state;
    const char *dir = tu_corpus();
    if (!dir)
        TU_SKIP("no corpus");
    tcpl_ctx *ctx = tu_ctx();
    tcpl_reader *full = NULL, *lean = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_reader_new(&full, ctx, NULL, &err), 0);
    assert_int_equal(tcpl_reader_new(&lean, ctx, NULL, &err), 0);
    static const unsigned flag_sets[] = {TCPL_TEXT_BODY, TCPL_TEXT_BODY | TCPL_TEXT_NOTES,
                                         TCPL_TEXT_BODY | TCPL_TEXT_HEADERS};
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0, with_parts = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 5, ".docx") != 0)
            continue;
        char *path = tu_corpus_file(e->d_name);
        size_t extra_full = 0;
        free(text_of(full, path, TCPL_TEXT_BODY, &extra_full));
        with_parts += extra_full > 0;
        for (size_t k = 0; k < sizeof flag_sets / sizeof flag_sets[0]; k++) {
            unsigned flags = flag_sets[k];
            tcpl_reader_skip(lean, ~flags);
            size_t extra_lean = 0;
            char *a = text_of(full, path, flags, NULL);
            char *b = text_of(lean, path, flags, &extra_lean);
            assert_string_equal(a, b);
            if (flags == TCPL_TEXT_BODY)
                assert_int_equal(extra_lean, 0);
            free(a);
            free(b);
        }
        files++;
        free(path);
    }
    closedir(d);
    TU_ASSERT_NONEMPTY(files, "corpus files");
    /* the corpus has files with headers or notes: the skip is exercised */
    TU_ASSERT_NONEMPTY(with_parts, "corpus files with headers or notes");
    /* 0 reads everything again */
    tcpl_reader_skip(lean, 0);
    tcpl_reader_free(full);
    tcpl_reader_free(lean);
    tcpl_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_same_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
