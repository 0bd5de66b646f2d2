/* The package writer (ooxml/writer.h): parts it replaces or adds are
 * deflated by the writer itself and handed to libzip already compressed,
 * one reusable writer across many rewrites.  Read back with libzip (which
 * checks each entry's CRC-32 when it reads it whole) and with raw inflate
 * (so a part deflated twice would not pass). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <zlib.h>

#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"
#include "ooxml/pkg.h"
#include "ooxml/writer.h"
#include "tcpl/fill.h"

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

/* The entry's bytes as stored (compressed), and its stat. */
static unsigned char *raw_entry(zip_t *za, const char *name, zip_stat_t *st)
{
    assert_int_equal(zip_stat(za, name, 0, st), 0);
    unsigned char *b = (unsigned char *)tu_zip_read(za, name, 1, NULL);
    assert_non_null(b);
    return b;
}

/* name in the package out is data: deflated once (raw inflate gives data
 * back), its CRC and size right, and libzip reads it whole (CRC checked). */
static void expect_part(const void *out, size_t olen, const char *name, const void *data,
                        size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_t *za = zip_open_from_source(zip_source_buffer_create(out, olen, 0, &ze),
                                     ZIP_CHECKCONS | ZIP_RDONLY, &ze);
    assert_non_null(za);
    zip_stat_t st;
    unsigned char *raw = raw_entry(za, name, &st);
    assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
    assert_int_equal(st.size, len);
    assert_int_equal(st.crc, crc32(0, data, (uInt)len));
    unsigned char *back = malloc(len + 1);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, -15), Z_OK);
    z.next_in = raw;
    z.avail_in = (uInt)st.comp_size;
    z.next_out = back;
    z.avail_out = (uInt)len + 1;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, len);
    assert_memory_equal(back, data, len);
    inflateEnd(&z);
    zip_file_t *f = zip_fopen(za, name, 0);
    assert_non_null(f);
    assert_int_equal(zip_fread(f, back, len + 1), (zip_int64_t)len);
    zip_fclose(f);
    free(back);
    free(raw);
    zip_discard(za);
    zip_error_fini(&ze);
}

/* One writer, many rewrites of one package with parts of every kind:
 * empty, small, large and incompressible, replaced and added; at the fill's
 * level and at the default one. */
static void many_rewrites_at(int level)
{
    tu_part src_parts[] = {
        {"word/document.xml", "<w:document " W_NS "><w:body><w:p/></w:body></w:document>", 0},
        {"word/footer1.xml", "<w:ftr " W_NS "/>", 0},
    };
    unsigned char *src;
    size_t slen;
    assert_int_equal(tu_build_docx(src_parts, 2, &src, &slen), 0);
    size_t big_len = (size_t)3 << 20;
    unsigned char *big = malloc(big_len);
    uint32_t x = 12345;
    for (size_t i = 0; i < big_len; i++) {
        x = x * 1103515245u + 12345u; /* noise: deflate cannot shrink it */
        big[i] = (unsigned char)(x >> 24);
    }
    char doc[4096];
    tcpl_writer *w;
    tcpl_error err;
    assert_int_equal(tcpl_writer_new(&w, level, &err), 0);
    for (int round = 0; round < 5; round++) {
        snprintf(doc, sizeof doc,
                 "<w:document " W_NS "><w:body><w:p><w:r><w:t>Lần %d — Đà Nẵng</w:t></w:r></w:p>"
                 "</w:body></w:document>",
                 round);
        tcpl_part_data parts[] = {
            {"word/document.xml", doc, strlen(doc)},
            {"word/media/noise.bin", big, round % 2 ? big_len : 1000},
            {"word/empty.xml", "", 0},
        };
        void *out;
        size_t olen;
        tcpl_write_stats stats;
        assert_int_equal(
            tcpl_pkg_rewrite_with(w, &out, &olen, src, slen, "t.docx", parts, 3, &stats, &err), 0);
        assert_int_equal(stats.replaced, 1);
        assert_int_equal(stats.added, 2);
        assert_true(stats.copied >= 3);
        expect_part(out, olen, "word/document.xml", doc, strlen(doc));
        expect_part(out, olen, "word/media/noise.bin", big, parts[1].len);
        expect_part(out, olen, "word/empty.xml", "", 0);
        /* read back by tcpl itself */
        tcpl_pkg *pkg = NULL;
        assert_int_equal(tcpl_pkg_open_memory(&pkg, out, olen, "out.docx", &err), 0);
        tcpl_pkg_free(pkg);
        free(out);
    }
    tcpl_writer_free(w);
    /* and the one-shot form gives the same package bytes for the parts */
    tcpl_part_data one = {"word/document.xml", doc, strlen(doc)};
    void *out;
    size_t olen;
    assert_int_equal(tcpl_pkg_rewrite(&out, &olen, src, slen, "t.docx", &one, 1, NULL, &err), 0);
    expect_part(out, olen, "word/document.xml", doc, strlen(doc));
    free(out);
    free(big);
    free(src);
}

static void one_writer_many_rewrites(void **state)
{
    (void)state;
    many_rewrites_at(TCPL_WRITE_LEVEL_FAST);
    many_rewrites_at(6);
    /* a level zlib does not have is the caller's bug, said as such */
    tcpl_writer *w = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_writer_new(&w, 0, &err), TCPL_ERR_INTERNAL);
    assert_null(w);
    assert_int_equal(tcpl_writer_new(&w, 10, &err), TCPL_ERR_INTERNAL);
}

/* One compiled template filled from several threads at once: each fill
 * takes the template's writer or makes its own (never two fills on one
 * z_stream), and every document comes out whole. */
enum { THREADS = 4, FILLS = 40 };

static tcpl_template *shared_t;

static void *filler(void *arg)
{
    long k = (long)(intptr_t)arg;
    tcpl_error err;
    for (int i = 0; i < FILLS; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"a\": \"T%ld-%d\"}", k, i);
        void *out = NULL;
        size_t len = 0;
        if (tcpl_template_fill(&out, &len, shared_t, json, strlen(json), NULL, &err) < 0)
            return (void *)1;
        zip_error_t ze;
        zip_error_init(&ze);
        zip_t *za = zip_open_from_source(zip_source_buffer_create(out, len, 0, &ze),
                                         ZIP_CHECKCONS | ZIP_RDONLY, &ze);
        if (!za)
            return (void *)2;
        zip_file_t *f = zip_fopen(za, "word/document.xml", 0);
        char buf[4096];
        zip_int64_t n = f ? zip_fread(f, buf, sizeof buf - 1) : -1; /* CRC checked at the end */
        if (f)
            zip_fclose(f);
        zip_discard(za);
        free(out);
        if (n <= 0)
            return (void *)3;
        buf[n] = 0;
        char want[32];
        snprintf(want, sizeof want, ">T%ld-%d<", k, i);
        if (!strstr(buf, want))
            return (void *)4;
    }
    return NULL;
}

static void threads_share_a_template(void **state)
{
    (void)state;
    tu_part parts[] = {
        {"word/document.xml",
         "<w:document " W_NS "><w:body><w:p><w:r><w:t>{{a}}</w:t></w:r></w:p></w:body></w:document>",
         0},
        {"word/settings.xml", "<w:settings " W_NS "><w:compat/></w:settings>", 0},
    };
    unsigned char *src;
    size_t slen;
    assert_int_equal(tu_build_docx(parts, 2, &src, &slen), 0);
    tcpl_ctx *ctx = tu_ctx();
    tcpl_error err;
    assert_int_equal(tcpl_template_compile_memory(&shared_t, ctx, src, slen, "t.docx", NULL, &err),
                     0);
    pthread_t th[THREADS];
    for (long k = 0; k < THREADS; k++)
        assert_int_equal(pthread_create(&th[k], NULL, filler, (void *)(intptr_t)k), 0);
    for (long k = 0; k < THREADS; k++) {
        void *res = NULL;
        pthread_join(th[k], &res);
        assert_null(res);
    }
    tcpl_template_free(shared_t);
    tcpl_ctx_free(ctx);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_writer_many_rewrites),
        cmocka_unit_test(threads_share_a_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
