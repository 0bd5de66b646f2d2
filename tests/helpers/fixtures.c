/* Setup shared by the library tests (fixtures.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

char *tu_docx_text_of(const tcpl_ctx *ctx, const void *docx, size_t len, unsigned what)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    tcpl_error_clear(&err);
    if (tcpl_docx_read_memory(&doc, ctx, docx, len, "out.docx", &err) < 0)
        fail_msg("filled document unreadable: %s %s %s", err.id, err.where, err.detail);
    char *text = NULL;
    size_t n;
    assert_int_equal(tcpl_doc_text(&text, &n, doc, what, &err), 0);
    tcpl_doc_free(doc);
    return text;
}

char *tu_docx_text(const tcpl_ctx *ctx, const void *docx, size_t len)
{
    return tu_docx_text_of(ctx, docx, len, TCPL_TEXT_BODY);
}

tcpl_doc *tu_body_doc(const tcpl_ctx *ctx, const char *body, const char *name)
{
    unsigned char *data;
    size_t len;
    assert_int_equal(hostile_docx(body, NULL, NULL, &data, &len), 0);
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_docx_read_memory(&doc, ctx, data, len, name, &err), 0);
    free(data);
    return doc;
}

zip_t *tu_zip_open_memory(const void *zipdata, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(zipdata, len, 0, &ze);
    assert_non_null(src);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(z);
    zip_error_fini(&ze);
    return z;
}

char *tu_zip_read(zip_t *z, const char *name, int raw, size_t *len)
{
    zip_int64_t i = zip_name_locate(z, name, 0);
    if (i < 0)
        return NULL;
    zip_stat_t st;
    assert_int_equal(zip_stat_index(z, (zip_uint64_t)i, 0, &st), 0);
    size_t n = raw ? (size_t)st.comp_size : (size_t)st.size;
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, raw ? ZIP_FL_COMPRESSED : 0);
    assert_non_null(f);
    char *b = malloc(n + 1);
    assert_non_null(b);
    assert_int_equal(zip_fread(f, b, n), (zip_int64_t)n);
    zip_fclose(f);
    b[n] = 0;
    if (len)
        *len = n;
    return b;
}

char *tu_zip_entry(const void *zipdata, size_t len, const char *name)
{
    zip_t *z = tu_zip_open_memory(zipdata, len);
    char *buf = tu_zip_read(z, name, 0, NULL);
    assert_non_null(buf);
    zip_close(z);
    return buf;
}

char *tu_zip_file_entry(const char *path, const char *name, size_t *len)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    char *buf = tu_zip_read(z, name, 0, len);
    zip_close(z);
    return buf;
}

char *tu_corpus_zip_entry(const char *docx, const char *name, size_t *len)
{
    char *path = tu_corpus_file(docx);
    assert_non_null(path);
    char *buf = tu_zip_file_entry(path, name, len);
    free(path);
    return buf;
}

size_t tu_findings_at(const tcpl_ctx *ctx, const void *docx, size_t len, const char *pack,
                      const tcpl_extraction *against, tcpl_severity sev, const char *rule,
                      size_t *all)
{
    tcpl_error err;
    tcpl_doc *doc;
    tcpl_extractor *ex;
    tcpl_extraction *x;
    tcpl_checker *ck;
    tcpl_findings *f;
    assert_int_equal(tcpl_docx_read_memory(&doc, ctx, docx, len, "kh.docx", &err), 0);
    assert_int_equal(tcpl_extractor_new(&ex, ctx, &err), 0);
    assert_int_equal(tcpl_extract(&x, ex, doc, &err), 0);
    assert_int_equal(tcpl_checker_new(&ck, ctx, &err), 0);
    assert_int_equal(tcpl_checker_add_pack(ck, pack, &err), 0);
    assert_int_equal(tcpl_checker_add_pack(ck, "the-thuc-nd30", &err), 0);
    const char *packs[] = {pack, "the-thuc-nd30"};
    tcpl_check_options o = {packs, 2, against, NULL};
    assert_int_equal(tcpl_check(&f, ck, doc, x, &o, &err), 0);
    size_t n = 0;
    for (size_t i = 0; i < tcpl_findings_count(f); i++) {
        const tcpl_finding *g = tcpl_findings_get(f, i);
        int counted = g->severity == sev && (!rule || !strcmp(g->rule, rule));
        if (counted || all)
            print_message("  %s: %s [%s] %s\n", g->rule, g->section,
                          tcpl_category_name(g->category), g->message);
        n += counted;
    }
    if (all)
        *all = tcpl_findings_count(f);
    tcpl_findings_free(f);
    tcpl_checker_free(ck);
    tcpl_extraction_free(x);
    tcpl_extractor_free(ex);
    tcpl_doc_free(doc);
    return n;
}

size_t tu_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

tcpl_extraction *tu_extract_file(const tcpl_ctx *ctx, const char *path, tcpl_doc **doc)
{
    tcpl_error err;
    tcpl_extractor *ex;
    tcpl_extraction *x;
    if (tcpl_docx_read(doc, ctx, path, &err) < 0)
        fail_msg("%s: %s — run make samples", path, err.id);
    assert_int_equal(tcpl_extractor_new(&ex, ctx, &err), 0);
    assert_int_equal(tcpl_extract(&x, ex, *doc, &err), 0);
    tcpl_extractor_free(ex);
    return x;
}
