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

char *tu_docx_text(const tcpl_ctx *ctx, const void *docx, size_t len)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    if (tcpl_docx_read_memory(&doc, ctx, docx, len, "out.docx", &err) < 0)
        fail_msg("filled document unreadable: %s %s %s", err.id, err.where, err.detail);
    char *text = NULL;
    size_t n;
    assert_int_equal(tcpl_doc_text(&text, &n, doc, TCPL_TEXT_BODY, &err), 0);
    tcpl_doc_free(doc);
    return text;
}

char *tu_zip_entry(const void *zipdata, size_t len, const char *name)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(zipdata, len, 0, &ze);
    assert_non_null(src);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(z);
    zip_stat_t st;
    assert_int_equal(zip_stat(z, name, 0, &st), 0);
    char *buf = malloc(st.size + 1);
    assert_non_null(buf);
    zip_file_t *f = zip_fopen(z, name, 0);
    assert_non_null(f);
    assert_int_equal(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
    buf[st.size] = 0;
    zip_fclose(f);
    zip_close(z);
    return buf;
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
