/* Templates and filling (tcpl/fill.h, docs/templates.md).  Templates are
 * built here from WordprocessingML (tests/helpers/hostile.c); results are
 * read back with the DOCX reader and compared as the text Word shows
 * (tcpl_doc_text), never as golden bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include "base/buf.h"
#include "fill/template.h"
#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"
#include "tcpl/fill.h"

static tcpl_ctx *ctx;

#define DOC(body) "<w:document " TU_W_NS "><w:body>" body "</w:body></w:document>"
#define P(x) "<w:p>" x "</w:p>"
#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define RB(t) "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define TBL(rows) "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>" rows "</w:tbl>"
#define TR(cells) "<w:tr>" cells "</w:tr>"
#define TC(x) "<w:tc><w:tcPr/>" x "</w:tc>"
#define SETTINGS                                                                                   \
    "<w:settings " TU_W_NS "><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"720\"/>"      \
    "<w:compat/><w:rsids/></w:settings>"

/* ---- helpers -------------------------------------------------------------------- */

static unsigned char *build(const tu_part *parts, size_t n, size_t *len)
{
    unsigned char *data;
    assert_int_equal(tu_build_docx(parts, n, &data, len), 0);
    return data;
}

/* A template whose document.xml is doc (whole) with a settings part. */
static int compile_doc(tcpl_template **t, const char *doc, const char *delims, unsigned flags,
                       tcpl_error *err)
{
    tu_part parts[] = {{"word/document.xml", doc, 0}, {"word/settings.xml", SETTINGS, 0}};
    size_t len;
    unsigned char *data = build(parts, 2, &len);
    tcpl_template_options o = {delims, flags};
    tcpl_error_clear(err);
    int rc = tcpl_template_compile_memory(t, ctx, data, len, "t.docx", &o, err);
    free(data);
    return rc;
}

/* Fills doc from json; the body text of the result, or NULL with *err. */
static char *fill_opts(const char *doc, const char *json, const char *delims, unsigned fflags,
                       tcpl_error *err)
{
    tcpl_template *t = NULL;
    int rc = compile_doc(&t, doc, delims, 0, err);
    if (rc < 0)
        fail_msg("compile: %s (%s) %s", err->id, err->where, err->detail);
    void *out = NULL;
    size_t len = 0;
    tcpl_fill_options fo = {fflags};
    rc = tcpl_template_fill(&out, &len, t, json, strlen(json), &fo, err);
    tcpl_template_free(t);
    if (rc < 0)
        return NULL;
    char *text = tu_docx_text(ctx, out, len);
    free(out);
    return text;
}

static char *fill(const char *doc, const char *json)
{
    tcpl_error err;
    char *s = fill_opts(doc, json, NULL, 0, &err);
    if (!s)
        fail_msg("fill: %s (%s) %s", err.id, err.where, err.detail);
    return s;
}

static void expect_text(const char *doc, const char *json, const char *want)
{
    char *got = fill(doc, json);
    if (strcmp(got, want))
        fail_msg("got:\n%s\nwanted:\n%s", got, want);
    free(got);
}

/* ---- tags split across runs ---------------------------------------------------- */

/* "{{ten}}" cut at every pair of points into three runs (the first bold),
 * with a proofing mark and a bookmark between them, as Word writes after an
 * edit: the value takes the place of the tag in the first run, keeping its
 * formatting, and nothing of the tag is left in the others. */
static void split_every_point(void **state)
{
    (void)state;
    const char *tag = "{{ten}}";
    size_t n = strlen(tag), cases = 0;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j < n; j++) {
            char doc[2048];
            snprintf(doc, sizeof doc,
                     DOC(P(R("Xã ") RB("%.*s") "<w:proofErr w:type=\"spellStart\"/>" R(
                         "%.*s") "<w:bookmarkStart w:id=\"0\" w:name=\"b\"/>" R("%.*s") "<w:"
                                                                                      "bookmarkEn"
                                                                                      "d w:id="
                                                                                      "\"0\"/>" R(
                         "."))),
                     (int)i, tag, (int)(j - i), tag + i, (int)(n - j), tag + j);
            tcpl_template *t;
            tcpl_error err;
            if (compile_doc(&t, doc, NULL, 0, &err) < 0)
                fail_msg("split %zu/%zu: %s %s", i, j, err.id, err.detail);
            void *out;
            size_t len;
            const char *json = "{\"ten\": \"Phú Thịnh\"}";
            assert_int_equal(tcpl_template_fill(&out, &len, t, json, strlen(json), NULL, &err), 0);
            char *text = tu_docx_text(ctx, out, len);
            if (strcmp(text, "Xã Phú Thịnh.\n"))
                fail_msg("split %zu/%zu: got \"%s\"", i, j, text);
            char *xml = tu_zip_entry(out, len, "word/document.xml");
            /* the value sits in the bold run the tag began in */
            TU_ASSERT_CONTAINS(xml, "<w:b/></w:rPr><w:t xml:space=\"preserve\">Phú Thịnh</w:t>");
            TU_ASSERT_LACKS(xml, "{");
            TU_ASSERT_LACKS(xml, "}");
            free(xml);
            free(text);
            free(out);
            tcpl_template_free(t);
            cases++;
        }
    assert_int_equal(cases, 21); /* 6 + 5 + ... + 1 */
}

/* ---- sections ------------------------------------------------------------------ */

#define ITEMS3 "{\"items\": [{\"ten\": \"a\"}, {\"ten\": \"b\"}, {\"ten\": \"c\"}]}"

static void loop_paragraphs(void **state)
{
    (void)state;
    const char *doc = DOC(P(R("Trước")) P(R("{{#items}}")) P(R("Mục ") R("{{ten}}"))
                              P(R("Ghi chú {{ten}}")) P(R("{{/items}}")) P(R("Sau")));
    /* the section paragraphs leave no empty paragraph behind */
    expect_text(doc, ITEMS3,
                "Trước\nMục a\nGhi chú a\nMục b\nGhi chú b\nMục c\nGhi chú c\nSau\n");
    expect_text(doc, "{\"items\": []}", "Trước\nSau\n");
    /* a missing section key is falsy */
    expect_text(doc, "{}", "Trước\nSau\n");
}

static void loop_rows(void **state)
{
    (void)state;
    const char *doc =
        DOC(TBL(TR(TC(P(R("Tên"))) TC(P(R("Thời gian"))))
                    TR(TC(P(R("{{#items}}{{ten}}"))) TC(P(R("{{tg}}{{/items}}"))))) P(R("Hết")));
    expect_text(doc,
                "{\"items\": [{\"ten\": \"a\", \"tg\": \"Quý I\"}, {\"ten\": \"b\", \"tg\": "
                "\"Quý II\"}]}",
                "Tên\tThời gian\na\tQuý I\nb\tQuý II\nHết\n");
    expect_text(doc, "{\"items\": []}", "Tên\tThời gian\nHết\n");
    /* a one-column table: both tags in the one cell of a row */
    const char *one = DOC("<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid>" TR(
        TC(P(R("Đầu")))) TR(TC(P(R("{{#items}}- {{ten}}{{/items}}")))) "</w:tbl>" P(R("Hết")));
    char *got = fill(one, ITEMS3);
    /* inline in one paragraph: the text between repeats in place */
    assert_string_equal(got, "Đầu\n- a- b- c\nHết\n");
    free(got);
    /* rows: opening tag in one row, closing in the next: both rows repeat */
    const char *two =
        DOC(TBL(TR(TC(P(R("{{#items}}Tên"))) TC(P(R("{{ten}}"))))
                    TR(TC(P(R("Ghi"))) TC(P(R("x{{/items}}"))))) P(R("Hết")));
    expect_text(two, ITEMS3, "Tên\ta\nGhi\tx\nTên\tb\nGhi\tx\nTên\tc\nGhi\tx\nHết\n");
}

static void nesting_and_inverted(void **state)
{
    (void)state;
    const char *doc = DOC(P(R("{{#nhom}}")) P(R("Nhóm {{ten}}: {{#tv}}{{.}}; {{/tv}}"))
                              P(R("{{^tv}}(chưa có){{/tv}}")) P(R("{{/nhom}}"))
                                  P(R("{{#co}}Có.{{/co}}{{^co}}Không.{{/co}}")));
    expect_text(doc,
                "{\"nhom\": [{\"ten\": \"A\", \"tv\": [\"x\", \"y\"]}, {\"ten\": \"B\", \"tv\": "
                "[]}], \"co\": true}",
                "Nhóm A: x; y; \n\nNhóm B: \n(chưa có)\nCó.\n");
    /* an outer key is seen from inside a loop; an object section is a scope */
    const char *doc2 = DOC(P(R("{{#items}}{{ten}}/{{xa}} {{/items}}{{#dv}}{{ten}}{{/dv}}")));
    expect_text(doc2,
                "{\"xa\": \"PT\", \"items\": [{\"ten\": \"a\"}, {\"ten\": \"b\"}], \"dv\": "
                "{\"ten\": \"UBND\"}}",
                "a/PT b/PT UBND\n");
    /* sections nested three deep in paragraphs and rows */
    const char *doc3 = DOC(P(R("{{#a}}")) TBL(TR(TC(P(R("{{#b}}{{x}}"))) TC(P(R("{{#c}}{{.}}{{/c}}{{/b}}")))))
                               P(R("{{/a}}")));
    expect_text(doc3, "{\"a\": [{\"b\": [{\"x\": 1, \"c\": [2, 3]}, {\"x\": 4, \"c\": []}]}]}",
                "1\t23\n4\t\n");
}

/* ---- values ------------------------------------------------------------------- */

static void escaping_and_breaks(void **state)
{
    (void)state;
    const char *doc = DOC(P(R("[{{v}}]")));
    expect_text(doc, "{\"v\": \"A & B <c> \\\"d\\\" 'e' Ủy ban nhân dân xã Phú Thịnh\"}",
                "[A & B <c> \"d\" 'e' Ủy ban nhân dân xã Phú Thịnh]\n");
    tcpl_template *t;
    tcpl_error err;
    assert_int_equal(compile_doc(&t, doc, NULL, 0, &err), 0);
    const char *json = "{\"v\": \"dòng 1\\ndòng 2\\tcột\\u0001\"}";
    void *out;
    size_t len;
    assert_int_equal(tcpl_template_fill(&out, &len, t, json, strlen(json), NULL, &err), 0);
    char *xml = tu_zip_entry(out, len, "word/document.xml");
    TU_ASSERT_CONTAINS(xml, "dòng 1</w:t><w:br/><w:t xml:space=\"preserve\">dòng 2</w:t><w:tab/>"
                            "<w:t xml:space=\"preserve\">cột]");
    free(xml);
    free(out);
    /* numbers, booleans and null print as text; null as nothing */
    json = "{\"v\": 12}";
    assert_int_equal(tcpl_template_fill(&out, &len, t, json, strlen(json), NULL, &err), 0);
    char *text = tu_docx_text(ctx, out, len);
    assert_string_equal(text, "[12]\n");
    free(text);
    free(out);
    tcpl_template_free(t);
    expect_text(doc, "{\"v\": null}", "[]\n");
}

static void filters(void **state)
{
    (void)state;
    const char *doc = DOC(P(R("{{d|ngay_viet}}")));
    static const char *const CASES[][2] = {
        {"2024-01-05", "ngày 05 tháng 01 năm 2024"}, {"2025-12-19", "ngày 19 tháng 12 năm 2025"},
        {"2026-03-09", "ngày 09 tháng 3 năm 2026"},  {"2024-02-29", "ngày 29 tháng 02 năm 2024"},
        {"15/01/2026", "ngày 15 tháng 01 năm 2026"}, {"1/7/2025", "ngày 01 tháng 7 năm 2025"},
        {"2025-11-30T08:00:00", "ngày 30 tháng 11 năm 2025"}};
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        char json[128], want[128];
        snprintf(json, sizeof json, "{\"d\": \"%s\"}", CASES[i][0]);
        snprintf(want, sizeof want, "%s\n", CASES[i][1]);
        expect_text(doc, json, want);
    }
    static const char *const BAD[] = {"2025-02-29", "2025-13-01", "31/04/2025", "hôm nay", ""};
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        char json[128];
        snprintf(json, sizeof json, "{\"d\": \"%s\"}", BAD[i]);
        tcpl_error err;
        assert_null(fill_opts(doc, json, NULL, 0, &err));
        assert_int_equal(err.code, TCPL_ERR_DATA);
        assert_string_equal(err.id, "err.fill_filter");
        TU_ASSERT_CONTAINS(err.detail, "ngay_viet");
    }
    expect_text(DOC(P(R("{{x|upper}} {{n|so_la_ma}}. {{y|default:“chưa có”}} "
                        "{{z|default:\"-\"|upper}}"))),
                "{\"x\": \"ủy ban nhân dân xã phú thịnh\", \"n\": 2024, \"y\": \"\"}",
                "ỦY BAN NHÂN DÂN XÃ PHÚ THỊNH MMXXIV. chưa có -\n");
    expect_text(DOC(P(R("{{n|so_la_ma}}"))), "{\"n\": \"4\"}", "IV\n");
}

static void missing_keys(void **state)
{
    (void)state;
    const char *doc =
        DOC(P(R("Đầu")) TBL(TR(TC(P(R("x"))) TC(P(R("a ")) P(R("Số {{so_ky_hieu}} ngày"))))));
    tcpl_error err;
    assert_null(fill_opts(doc, "{}", NULL, 0, &err));
    assert_int_equal(err.code, TCPL_ERR_DATA);
    assert_string_equal(err.id, "err.fill_missing");
    /* where: the part, the paragraph (the 4th of the part) and the cell */
    TU_ASSERT_CONTAINS(err.where, "word/document.xml");
    TU_ASSERT_CONTAINS(err.where, "đoạn 4");
    TU_ASSERT_CONTAINS(err.where, "bảng 1, hàng 1, ô 2");
    TU_ASSERT_CONTAINS(err.detail, "{{so_ky_hieu}}");
    TU_ASSERT_CONTAINS(err.detail, "Số {{so_ky_hieu}} ngày");
    char *s = fill_opts(doc, "{}", NULL, TCPL_FILL_ALLOW_MISSING, &err);
    assert_non_null(s);
    /* the reader joins a cell's paragraphs with a space */
    assert_string_equal(s, "Đầu\nx\ta  Số  ngày\n");
    free(s);
    /* a dotted path missing below an object that exists */
    assert_null(fill_opts(DOC(P(R("{{dv.ten}}"))), "{\"dv\": {}}", NULL, 0, &err));
    assert_string_equal(err.id, "err.fill_missing");
    /* a list where text is expected */
    assert_null(fill_opts(DOC(P(R("{{ds}}"))), "{\"ds\": [1]}", NULL, 0, &err));
    assert_string_equal(err.id, "err.fill_not_text");
    /* not JSON, or not an object */
    assert_null(fill_opts(DOC(P(R("{{a}}"))), "{\"a\": ", NULL, 0, &err));
    assert_string_equal(err.id, "err.fill_json");
    assert_null(fill_opts(DOC(P(R("{{a}}"))), "[1]", NULL, 0, &err));
    assert_string_equal(err.id, "err.fill_json_top");
}

/* ---- malformed templates ------------------------------------------------------- */

static const tcpl_error *find_problem(const tcpl_template *t, const char *id, const char *in_detail)
{
    for (size_t i = 0; i < tcpl_template_problem_count(t); i++) {
        const tcpl_error *e = tcpl_template_problem(t, i);
        if (!strcmp(e->id, id) && strstr(e->detail, in_detail))
            return e;
    }
    return NULL;
}

static void malformed_all_at_once(void **state)
{
    (void)state;
    const char *doc = DOC(
        P(R("Số {{so")) /* 1: unclosed tag (it runs into the next paragraph) */
        P(R("}} ngày {{ngay|khong_co}}")) /* 2: unknown filter */
        P(R("{{#a}}")) P(R("x")) P(R("{{/b}}")) /* 3-5: mismatch */
        P(R("{{/c}}"))                           /* 6: never opened */
        P(R("Mở {{#d}}")) P(R("{{/d}} đóng"))    /* 7-8: spans paragraphs, not alone */
        TBL(TR(TC(P(R("ô 1"))) TC(P(R("{{ #}}")))))); /* 9-10: empty name, in a cell */
    tcpl_template *t;
    tcpl_error err;
    /* without lint: the first error */
    assert_true(compile_doc(&t, doc, NULL, 0, &err) < 0);
    assert_int_equal(err.code, TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.tpl_unclosed_tag");
    /* with lint: all of them, each with its place */
    assert_int_equal(compile_doc(&t, doc, NULL, TCPL_TPL_LINT, &err), 0);
    const tcpl_error *e;
    assert_non_null(e = find_problem(t, "err.tpl_unclosed_tag", "{{so"));
    TU_ASSERT_CONTAINS(e->where, "đoạn 1");
    assert_non_null(e = find_problem(t, "err.tpl_filter", "khong_co"));
    TU_ASSERT_CONTAINS(e->where, "đoạn 2");
    assert_non_null(e = find_problem(t, "err.tpl_mismatch", "{{/b}}"));
    TU_ASSERT_CONTAINS(e->where, "đoạn 5");
    TU_ASSERT_CONTAINS(e->detail, "{{#a}}");
    assert_non_null(e = find_problem(t, "err.tpl_unopened", "{{/c}}"));
    TU_ASSERT_CONTAINS(e->where, "đoạn 6");
    assert_non_null(e = find_problem(t, "err.tpl_section_span", "{{#d}}"));
    TU_ASSERT_CONTAINS(e->where, "đoạn 7");
    TU_ASSERT_CONTAINS(e->detail, "Mở {{#d}}");
    assert_non_null(e = find_problem(t, "err.tpl_syntax", "{{ #}}"));
    TU_ASSERT_CONTAINS(e->where, "đoạn 10 (bảng 1, hàng 1, ô 2)");
    /* and nothing else: {{/b}} is taken as the end of {{#a}} */
    assert_int_equal(tcpl_template_problem_count(t), 6);
    /* in document order, whatever stage found them */
    int last = 0;
    for (size_t i = 0; i < tcpl_template_problem_count(t); i++) {
        const char *w = strstr(tcpl_template_problem(t, i)->where, "đoạn ");
        assert_non_null(w);
        int para = atoi(w + strlen("đoạn "));
        assert_true(para >= last);
        last = para;
    }
    /* a template with errors does not fill */
    void *out;
    size_t len;
    assert_int_equal(tcpl_template_fill(&out, &len, t, "{}", 2, NULL, &err), TCPL_ERR_USAGE);
    assert_string_equal(err.id, "err.tpl_has_errors");
    tcpl_template_free(t);
    /* an unclosed section at the end */
    assert_true(compile_doc(&t, DOC(P(R("{{#x}}")) P(R("y"))), NULL, 0, &err) < 0);
    assert_string_equal(err.id, "err.tpl_unclosed_section");
    /* delimiters that are not two words */
    assert_true(compile_doc(&t, DOC(P(R("y"))), "{", 0, &err) < 0);
    assert_string_equal(err.id, "err.tpl_delimiters");
}

static void delimiters(void **state)
{
    (void)state;
    tcpl_error err;
    /* docxtemplater's single braces */
    const char *doc = DOC(P(R("Xã {ten}:")) P(R("{#items}")) P(R("- {ten}")) P(R("{/items}")));
    char *s = fill_opts(doc, "{\"ten\": \"PT\", \"items\": [{\"ten\": \"a\"}]}", "{ }", 0, &err);
    assert_non_null(s);
    assert_string_equal(s, "Xã PT:\n- a\n");
    free(s);
    /* a Mustache set-delimiter tag: the rest of the part uses the new ones */
    expect_text(DOC(P(R("{{a}} {{=&lt;% %&gt;=}} &lt;%b%&gt; {{c}}"))), "{\"a\": 1, \"b\": 2}",
                "1  2 {{c}}\n");
}

static void keys_skeleton(void **state)
{
    (void)state;
    tcpl_template *t;
    tcpl_error err;
    assert_int_equal(compile_doc(&t,
                                 DOC(P(R("{{co_quan.ten}} {{so}}")) P(R("{{#items}}"))
                                         P(R("{{ten}} {{han|ngay_viet}} {{#tv}}{{.}}{{/tv}}"))
                                             P(R("{{/items}}")) P(R("{{^ghi_chu}}-{{/ghi_chu}}"))),
                                 NULL, 0, &err),
                     0);
    json_error_t je;
    json_t *k = json_loads(tcpl_template_keys(t), 0, &je);
    assert_non_null(k);
    json_t *want = json_loads("{\"co_quan\": {\"ten\": \"\"}, \"so\": \"\", \"items\": [{\"ten\": "
                              "\"\", \"han\": \"\", \"tv\": [\"\"]}], \"ghi_chu\": false}",
                              0, &je);
    if (!json_equal(k, want))
        fail_msg("keys: %s", tcpl_template_keys(t));
    json_decref(k);
    json_decref(want);
    assert_int_equal(tcpl_template_tag_count(t), 11);
    tcpl_template_free(t);
}

/* ---- the package --------------------------------------------------------------- */

/* Parts the fill does not change go over still compressed: a stored entry
 * stays stored, a deflated one keeps its very bytes.  Headers and footers
 * are filled; settings.xml gets w:updateFields before w:compat. */
static void package_copy(void **state)
{
    (void)state;
    static char blob[65536];
    for (size_t i = 0; i < sizeof blob; i++)
        blob[i] = (char)('a' + (i * 7 + i / 13) % 26);
    tu_part parts[] = {
        {"word/document.xml", DOC(P(R("{{a}}"))), 0},
        {"word/settings.xml", SETTINGS, 0},
        {"word/header1.xml", "<w:hdr " TU_W_NS ">" P(R("Đầu {{a}}")) "</w:hdr>", 0},
        {"word/footer1.xml", "<w:ftr " TU_W_NS ">" P(R("Chân")) "</w:ftr>", 0},
        {"word/media/blob.bin", blob, sizeof blob},
    };
    size_t len;
    unsigned char *data = build(parts, 5, &len);
    /* make the blob stored (method 0) in a copy of the package */
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, 0, &ze);
    assert_non_null(za);
    zip_int64_t bi = zip_name_locate(za, "word/media/blob.bin", 0);
    assert_true(bi >= 0);
    assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)bi, ZIP_CM_STORE, 0), 0);
    assert_int_equal(zip_close(za), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(src, &st), 0);
    unsigned char *tpl = malloc(st.size);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_read(src, tpl, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    free(data);
    tcpl_template *t;
    tcpl_error err;
    assert_int_equal(
        tcpl_template_compile_memory(&t, ctx, tpl, st.size, "t.docx", NULL, &err), 0);
    void *out;
    size_t olen;
    assert_int_equal(tcpl_template_fill(&out, &olen, t, "{\"a\": \"X\"}", 10, NULL, &err), 0);
    /* entries of template and result, compared raw */
    zip_t *in = tu_zip_open_memory(tpl, st.size), *res = tu_zip_open_memory(out, olen);
    assert_int_equal(zip_get_num_entries(in, 0), zip_get_num_entries(res, 0));
    size_t same = 0;
    for (zip_int64_t i = 0; i < zip_get_num_entries(in, 0); i++) {
        zip_stat_t a, b;
        assert_int_equal(zip_stat_index(in, (zip_uint64_t)i, 0, &a), 0);
        assert_int_equal(zip_stat_index(res, (zip_uint64_t)i, 0, &b), 0);
        assert_string_equal(a.name, b.name); /* order kept */
        if (!strcmp(a.name, "word/document.xml") || !strcmp(a.name, "word/header1.xml") ||
            !strcmp(a.name, "word/settings.xml"))
            continue;
        assert_int_equal(a.comp_method, b.comp_method);
        assert_int_equal(a.comp_size, b.comp_size);
        char *x = tu_zip_read(in, a.name, 1, NULL), *y = tu_zip_read(res, b.name, 1, NULL);
        assert_non_null(x);
        assert_non_null(y);
        assert_memory_equal(x, y, a.comp_size);
        free(x);
        free(y);
        same++;
    }
    assert_true(same >= 5); /* blob, footer, content types, two .rels */
    zip_discard(in);
    zip_discard(res);
    char *set = tu_zip_entry(out, olen, "word/settings.xml");
    TU_ASSERT_CONTAINS(set, "<w:updateFields w:val=\"true\"/><w:compat/>");
    free(set);
    char *text = tu_docx_text_of(ctx, out, olen, TCPL_TEXT_BODY | TCPL_TEXT_HEADERS);
    TU_ASSERT_CONTAINS(text, "Đầu X");
    free(text);
    /* written to a file: the same bytes */
    char path[] = "/tmp/tcpl-fill-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(tcpl_template_fill_file(t, "{\"a\": \"X\"}", 10, path, NULL, &err), 0);
    size_t flen;
    char *f = tu_read_file(path, &flen);
    assert_non_null(f);
    assert_int_equal(flen, olen);
    free(f);
    unlink(path);
    free(out);
    free(tpl);
    tcpl_template_free(t);
    zip_error_fini(&ze);
}

/* A template is untrusted input too: hostile packages are refused as the
 * reader refuses them. */
static void hostile_templates(void **state)
{
    (void)state;
    static const hostile_kind K[] = {HOSTILE_NOT_ZIP, HOSTILE_XML_XXE, HOSTILE_XML_LAUGHS,
                                     HOSTILE_XML_DEEP, HOSTILE_PATH_DOTDOT, HOSTILE_BOMB};
    for (size_t i = 0; i < sizeof K / sizeof *K; i++) {
        unsigned char *data;
        size_t len;
        assert_int_equal(hostile_make(K[i], &data, &len), 0);
        tcpl_template *t = NULL;
        tcpl_error err;
        int rc = tcpl_template_compile_memory(&t, ctx, data, len, "h.docx", NULL, &err);
        if (rc >= 0)
            fail_msg("hostile template %zu accepted", i);
        assert_null(t);
        free(data);
    }
}

/* ---- hostile data -------------------------------------------------------------- */

static void hostile_data(void **state)
{
    (void)state;
    const char *doc = DOC(P(R("{{#a}}")) P(R("{{#a}}{{x}}{{/a}}")) P(R("{{/a}}")) P(R("{{v}}")));
    tcpl_error err;
    tcpl_buf b;
    tcpl_buf_init(&b);
    /* 100,000 nested arrays: jansson's own depth limit, a data error */
    for (int i = 0; i < 100000; i++)
        tcpl_buf_putc(&b, '[');
    assert_null(fill_opts(doc, b.data, NULL, 0, &err));
    assert_int_equal(err.code, TCPL_ERR_DATA);
    /* 100 levels: within jansson's, beyond ours */
    tcpl_buf_reset(&b);
    tcpl_buf_puts(&b, "{\"v\": 1, \"d\": ");
    for (int i = 0; i < 100; i++)
        tcpl_buf_putc(&b, '[');
    for (int i = 0; i < 100; i++)
        tcpl_buf_putc(&b, ']');
    tcpl_buf_puts(&b, "}");
    assert_null(fill_opts(doc, b.data, NULL, 0, &err));
    assert_int_equal(err.code, TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.fill_json_depth");
    /* 200,000 items in one loop */
    tcpl_buf_reset(&b);
    tcpl_buf_puts(&b, "{\"v\": 1, \"a\": [");
    for (int i = 0; i < 200000; i++)
        tcpl_buf_puts(&b, i ? ",{}" : "{}");
    tcpl_buf_puts(&b, "]}");
    assert_null(fill_opts(doc, b.data, NULL, 0, &err));
    assert_int_equal(err.code, TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.fill_items");
    /* 5,000 items looped inside a loop over themselves: 25 million bodies,
     * stopped by the step limit long before */
    tcpl_buf_reset(&b);
    tcpl_buf_puts(&b, "{\"v\": 1, \"a\": [");
    for (int i = 0; i < 5000; i++)
        tcpl_buf_puts(&b, i ? ",{\"x\":1}" : "{\"x\":1}");
    tcpl_buf_puts(&b, "]}");
    assert_null(fill_opts(doc, b.data, NULL, 0, &err));
    assert_int_equal(err.code, TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.fill_steps");
    /* a 10 MB string */
    tcpl_buf_reset(&b);
    tcpl_buf_puts(&b, "{\"a\": [], \"v\": \"");
    for (int i = 0; i < 10 << 20; i++)
        tcpl_buf_putc(&b, 'x');
    tcpl_buf_puts(&b, "\"}");
    assert_true(tcpl_buf_ok(&b));
    assert_null(fill_opts(doc, b.data, NULL, 0, &err));
    assert_int_equal(err.code, TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.fill_value_big");
    TU_ASSERT_CONTAINS(err.where, "đoạn 4");
    tcpl_buf_free(&b);
}


/* ---- the shipped templates ------------------------------------------------------- */

#define KHKP_TEMPLATE "build/templates/ke-hoach-khac-phuc.docx"
#define KHKP_DATA "samples/data/ke-hoach-khac-phuc.json"
#define KL_SAMPLE "build/samples/kl-kiem-tra-2025.docx"
#define KL_TEMPLATE "build/templates/ket-luan-kiem-tra.docx"
#define KL_DATA "samples/data/ket-luan-kiem-tra.json"
#define KHXA_SAMPLE "build/samples/kh-xa-2025.docx"

/* Fills a shipped template from data; the result in memory. */
static void *fill_shipped(const char *tpl, const char *json, size_t *len)
{
    tcpl_template *t;
    tcpl_error err;
    if (tcpl_template_compile(&t, ctx, tpl, NULL, &err) < 0)
        fail_msg("%s: %s (%s) %s — run make templates", tpl, err.id, err.where, err.detail);
    void *out;
    if (tcpl_template_fill(&out, len, t, json, strlen(json), NULL, &err) < 0)
        fail_msg("fill %s: %s (%s) %s", tpl, err.id, err.where, err.detail);
    tcpl_template_free(t);
    return out;
}

/* Lỗi on a filled remediation plan (rule id rule only, or any with
 * NULL), optionally checked against a conclusion. */
#define errors_of(docx, len, against, rule)                                                        \
    tu_findings_at(ctx, (docx), (len), "ke-hoach-khac-phuc", (against), TCPL_SEV_LOI, (rule), NULL)

/* The remediation template filled from the sample data passes the plan's
 * own pack and the layout pack with no Lỗi, and, checked against the
 * sample conclusion, answers every shortcoming in time.  The same data
 * less one shortcoming is caught: the check is not vacuous. */
static void shipped_remediation_plan(void **state)
{
    (void)state;
    size_t jlen, len;
    char *json = tu_read_file(KHKP_DATA, &jlen);
    assert_non_null(json);
    void *out = fill_shipped(KHKP_TEMPLATE, json, &len);
    tcpl_doc *kl;
    tcpl_extraction *klx = tu_extract_file(ctx, KL_SAMPLE, &kl);
    assert_int_equal(errors_of(out, len, NULL, NULL), 0);
    assert_int_equal(errors_of(out, len, klx, NULL), 0);
    char *text = tu_docx_text(ctx, out, len);
    TU_ASSERT_CONTAINS(text, "Phú Thịnh, ngày 09 tháng 01 năm 2026");
    TU_ASSERT_CONTAINS(text, "Kết luận số 1126/KL-STP ngày 19/12/2025");
    TU_ASSERT_CONTAINS(text, "- Lưu: VT.");
    TU_ASSERT_CONTAINS(text, "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH");
    TU_ASSERT_CONTAINS(text, "./.");
    TU_ASSERT_LACKS(text, "{{");
    free(text);
    free(out);
    /* drop the third shortcoming: the coverage rule names it */
    json_error_t je;
    json_t *d = json_loads(json, 0, &je);
    assert_non_null(d);
    assert_int_equal(json_array_remove(json_object_get(d, "han_che"), 2), 0);
    char *less = json_dumps(d, 0);
    out = fill_shipped(KHKP_TEMPLATE, less, &len);
    assert_int_equal(errors_of(out, len, klx, "KP-DU-HAN-CHE"), 1);
    free(out);
    free(less);
    json_decref(d);
    tcpl_extraction_free(klx);
    tcpl_doc_free(kl);
    free(json);
}

/* tcpl remediate: the sample conclusion becomes a draft plan with one item
 * per shortcoming (its five, in order), each with a lead and the
 * conclusion's completion deadline; filled with the commune's own data it
 * passes its packs and, against the conclusion, answers every shortcoming
 * in time. */
static void remediation_from_conclusion(void **state)
{
    (void)state;
    tcpl_doc *kl;
    tcpl_extraction *klx = tu_extract_file(ctx, KL_SAMPLE, &kl);
    tcpl_error err;
    char *data;
    assert_int_equal(tcpl_remediation_data(&data, klx, NULL, ctx, &err), 0);
    json_error_t je;
    json_t *d = json_loads(data, 0, &je);
    assert_non_null(d);
    json_t *items = json_object_get(d, "han_che");
    assert_int_equal(json_array_size(items), 5);
    TU_ASSERT_CONTAINS(json_string_value(json_object_get(json_array_get(items, 2), "noi_dung")),
                       "Chưa lập danh sách các quyết định");
    for (size_t i = 0; i < 5; i++) {
        json_t *it = json_array_get(items, i);
        assert_string_equal(json_string_value(json_object_get(it, "thoi_han")),
                            "Trước ngày 31/3/2026");
        assert_true(json_string_length(json_object_get(it, "chu_tri")) > 0);
        TU_ASSERT_CONTAINS(json_string_value(json_object_get(it, "nguyen_nhan")), "[");
    }
    assert_string_equal(json_string_value(json_object_get(d, "han_bao_cao")), "2026-03-31");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "ket_luan"), "so")), "1126/KL-STP");
    /* the issuer is the organ the header names last, as printed */
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "ket_luan"), "co_quan")), "SỞ TƯ PHÁP");
    json_decref(d);
    free(data);
    /* the commune's data wins, and the filled draft answers the conclusion */
    const char *meta = "{\"co_quan\": {\"dong_2\": \"xã Phú Thịnh\", \"ten\": \"Ủy ban nhân dân "
                       "xã Phú Thịnh\"}, \"so\": \"08\", \"dia_danh\": \"Phú Thịnh\", \"ngay\": "
                       "\"2026-01-09\", \"ky\": {\"ho_ten\": \"Hoàng Minh Đức\"}}";
    assert_int_equal(tcpl_remediation_data(&data, klx, meta, ctx, &err), 0);
    size_t len;
    void *out = fill_shipped(KHKP_TEMPLATE, data, &len);
    assert_int_equal(errors_of(out, len, NULL, NULL), 0);
    assert_int_equal(errors_of(out, len, klx, NULL), 0);
    char *text = tu_docx_text(ctx, out, len);
    TU_ASSERT_CONTAINS(text, "ỦY BAN NHÂN DÂN XÃ PHÚ THỊNH\tCỘNG HÒA");
    TU_ASSERT_CONTAINS(text, "Phú Thịnh, ngày 09 tháng 01 năm 2026");
    TU_ASSERT_CONTAINS(text, "Hoàng Minh Đức");
    TU_ASSERT_LACKS(text, "{{");
    free(text);
    free(out);
    free(data);
    /* bad commune data is a clear error */
    assert_int_equal(tcpl_remediation_data(&data, klx, "[1,2", ctx, &err), TCPL_ERR_DATA);
    tcpl_extraction_free(klx);
    tcpl_doc_free(kl);
}

/* The conclusion template filled from the sample data passes the
 * conclusion's pack and the layout pack with no Lỗi, and reads like the
 * sample conclusion it is modelled on. */
static void shipped_conclusion(void **state)
{
    (void)state;
    size_t jlen, len;
    char *json = tu_read_file(KL_DATA, &jlen);
    assert_non_null(json);
    void *out = fill_shipped(KL_TEMPLATE, json, &len);
    assert_int_equal(
        tu_findings_at(ctx, out, len, "ket-luan-kiem-tra", NULL, TCPL_SEV_LOI, NULL, NULL), 0);
    char *text = tu_docx_text(ctx, out, len);
    TU_ASSERT_CONTAINS(text, "Số: 1126/KL-STP\tLâm Giang, ngày 19 tháng 12 năm 2025");
    TU_ASSERT_CONTAINS(text, "II. HẠN CHẾ, THIẾU SÓT\n1. Chưa ban hành");
    TU_ASSERT_CONTAINS(text, "\n5. Cuộc họp đánh giá");
    TU_ASSERT_CONTAINS(text, "gửi về Sở Tư pháp trước ngày 15/01/2026");
    TU_ASSERT_CONTAINS(text, "Hoàn thành việc khắc phục trước ngày 31/3/2026");
    TU_ASSERT_CONTAINS(text, "- Lưu: VT, PBGDPL.");
    TU_ASSERT_LACKS(text, "{{");
    free(text);
    free(out);
    free(json);
}

/* The findings of the sample commune plan as tcpl check --format json. */
static char *findings_of(const char *path, size_t *len)
{
    tcpl_error err;
    tcpl_doc *doc;
    tcpl_extraction *x = tu_extract_file(ctx, path, &doc);
    tcpl_checker *ck;
    tcpl_findings *f;
    char *json;
    assert_int_equal(tcpl_checker_new(&ck, ctx, &err), 0);
    assert_int_equal(tcpl_checker_add_default_packs(ck, &err), 0);
    assert_int_equal(tcpl_check(&f, ck, doc, x, NULL, &err), 0);
    assert_int_equal(tcpl_findings_json(&json, len, f, x, 0, &err), 0);
    tcpl_findings_free(f);
    tcpl_checker_free(ck);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    return json;
}

#define KL_META                                                                                                        \
    "{\"co_quan\": {\"cap_tren\": \"UBND tỉnh Lâm Giang\", \"ten\": \"Sở Tư pháp\", "                           \
    "\"ten_ngan\": \"Sở Tư pháp\"}, \"so\": \"15\", \"ky_hieu\": \"KL-STP\", \"dia_danh\": "                       \
    "\"Lâm Giang\", \"ngay\": \"2026-01-20\", \"trich_yeu\": \"Kiểm tra Kế hoạch xây dựng xã đạt "       \
    "chuẩn tiếp cận pháp luật năm 2026 của Ủy ban nhân dân xã Phú Thịnh\", \"don_vi\": {\"ten\": " \
    "\"Ủy ban nhân dân xã Phú Thịnh\"}, \"han_ke_hoach\": \"2026-02-10\", \"han_khac_phuc\": "                 \
    "\"2026-03-31\", \"ky\": {\"quyen_han\": \"KT. GIÁM ĐỐC\", \"chuc_vu\": \"PHÓ GIÁM ĐỐC\", "               \
    "\"ho_ten\": \"Trịnh Văn Khải\"}}"

/* tcpl conclude: the findings of kh-xa-2025 (twice, as JSON Lines) become a
 * conclusion whose HẠN CHẾ section, read back by the extractor, has one
 * item per category of Lỗi and Cảnh báo found; the remediation plan drafted
 * from that conclusion answers every shortcoming (round trip), and the same
 * plan less one item is caught. */
static void conclusion_from_findings(void **state)
{
    (void)state;
    size_t flen;
    char *one = findings_of(KHXA_SAMPLE, &flen);
    /* the categories expected: those of the Lỗi and Cảnh báo findings */
    json_error_t je;
    json_t *fj = json_loads(one, 0, &je);
    assert_non_null(fj);
    int seen[TCPL_CAT_COUNT] = {0};
    size_t ncat = 0, i;
    json_t *f;
    json_array_foreach(json_object_get(fj, "findings"), i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        if (strcmp(sev, "loi") && strcmp(sev, "canh-bao"))
            continue;
        for (int c = 0; c < TCPL_CAT_COUNT; c++)
            if (!strcmp(tcpl_category_name((tcpl_category)c),
                        json_string_value(json_object_get(f, "category"))) &&
                !seen[c]++)
                ncat++;
    }
    json_decref(fj);
    assert_true(ncat >= 5); /* number, date, numbering, field, citation, spelling */
    tcpl_buf lines;
    tcpl_buf_init(&lines);
    assert_int_equal(tcpl_buf_printf(&lines, "%s\n%s\n", one, one), 0);
    tcpl_error err;
    char *data;
    assert_int_equal(tcpl_conclusion_data(&data, lines.data, lines.len, KL_META, ctx, &err), 0);
    size_t len;
    void *kl = fill_shipped(KL_TEMPLATE, data, &len);
    free(data);
    char *text = tu_docx_text(ctx, kl, len);
    TU_ASSERT_CONTAINS(text, "Đoàn kiểm tra đã kiểm tra 2 văn bản");
    TU_ASSERT_CONTAINS(text, "Ngày không có thật: \"Trước ngày 31/02/2026\"");
    TU_ASSERT_CONTAINS(text, "Sở Tư Pháp tỉnh Lâm Giang");
    TU_ASSERT_CONTAINS(text, "(căn cứ: QĐ 1320/QĐ-BTP");
    TU_ASSERT_CONTAINS(text, "gửi về Sở Tư pháp trước ngày 10/02/2026");
    free(text);
    /* read back: the HẠN CHẾ section lists one item per category */
    tcpl_doc *kdoc;
    tcpl_extractor *ex;
    tcpl_extraction *klx;
    assert_int_equal(tcpl_docx_read_memory(&kdoc, ctx, kl, len, "kl.docx", &err), 0);
    assert_int_equal(tcpl_extractor_new(&ex, ctx, &err), 0);
    assert_int_equal(tcpl_extract(&klx, ex, kdoc, &err), 0);
    int sec = -1;
    size_t items = 0;
    for (i = 0; i < tcpl_extraction_section_count(klx); i++) {
        const tcpl_xsection *s = tcpl_extraction_section(klx, i);
        if (s->parent < 0 && strstr(s->title, "HẠN CHẾ"))
            sec = (int)i;
        else if (sec >= 0 && s->parent == sec)
            items++;
    }
    assert_true(sec >= 0);
    assert_int_equal(items, ncat);
    /* round trip: the remediation plan drafted from it answers it all */
    assert_int_equal(tcpl_remediation_data(&data, klx,
                                           "{\"so\": \"09\", \"dia_danh\": \"Phú Thịnh\", "
                                           "\"ngay\": \"2026-02-05\"}",
                                           ctx, &err),
                     0);
    size_t plen;
    void *plan = fill_shipped(KHKP_TEMPLATE, data, &plen);
    assert_int_equal(errors_of(plan, plen, klx, "KP-DU-HAN-CHE"), 0);
    free(plan);
    json_t *d = json_loads(data, 0, &je);
    assert_non_null(d);
    assert_int_equal(json_array_size(json_object_get(d, "han_che")), ncat);
    assert_int_equal(json_array_remove(json_object_get(d, "han_che"), 0), 0);
    char *less = json_dumps(d, 0);
    plan = fill_shipped(KHKP_TEMPLATE, less, &plen);
    assert_int_equal(errors_of(plan, plen, klx, "KP-DU-HAN-CHE"), 1);
    free(plan);
    free(less);
    json_decref(d);
    free(data);
    /* not findings: a clear error */
    assert_int_equal(tcpl_conclusion_data(&data, "{\"a\": 1}", 8, NULL, ctx, &err), TCPL_ERR_DATA);
    assert_string_equal(err.id, "err.conclude_no_findings");
    assert_int_equal(tcpl_conclusion_data(&data, "{\"findings\": [", 14, NULL, ctx, &err),
                     TCPL_ERR_DATA);
    tcpl_extraction_free(klx);
    tcpl_extractor_free(ex);
    tcpl_doc_free(kdoc);
    free(kl);
    tcpl_buf_free(&lines);
    free(one);
}

/* LibreOffice opens the filled document and makes a PDF of it. */
static void libreoffice_opens_it(void **state)
{
    (void)state;
    if (system("command -v soffice >/dev/null 2>&1") != 0)
        TU_SKIP("soffice (LibreOffice) is not installed");
    size_t jlen, len;
    char *json = tu_read_file(KHKP_DATA, &jlen);
    assert_non_null(json);
    void *out = fill_shipped(KHKP_TEMPLATE, json, &len);
    char dir[] = "/tmp/tcpl-lo-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], cmd[1024], pdf[256];
    snprintf(path, sizeof path, "%s/kh.docx", dir);
    snprintf(pdf, sizeof pdf, "%s/kh.pdf", dir);
    tcpl_error err;
    assert_int_equal(tcpl_write_file(path, out, len, &err), 0);
    /* a profile of its own: no clash with a LibreOffice already running */
    snprintf(cmd, sizeof cmd,
             "soffice -env:UserInstallation=file://%s/profile --headless --convert-to pdf "
             "--outdir %s %s >/dev/null 2>&1",
             dir, dir, path);
    assert_int_equal(system(cmd), 0);
    struct stat st;
    assert_int_equal(stat(pdf, &st), 0);
    assert_true(st.st_size > 10000);
    size_t plen;
    char *p = tu_read_file(pdf, &plen);
    assert_non_null(p);
    assert_memory_equal(p, "%PDF", 4);
    free(p);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(out);
    free(json);
}

/* ---- the command line ------------------------------------------------------------ */

/* Runs a shell command built from fmt; its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

static void command_line(void **state)
{
    (void)state;
    const char *bin = getenv("TCPL_BIN");
    if (!bin || !*bin)
        bin = "build/tcpl";
    char dir[] = "/tmp/tcpl-cli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    /* fill: exit 0, a readable document */
    assert_int_equal(sh("%s fill %s %s -o %s/kh.docx", bin, KHKP_TEMPLATE, KHKP_DATA, dir), 0);
    snprintf(path, sizeof path, "%s/kh.docx", dir);
    size_t len;
    char *docx = tu_read_file(path, &len);
    assert_non_null(docx);
    char *text = tu_docx_text(ctx, docx, len);
    TU_ASSERT_CONTAINS(text, "Lò Thị Hương");
    free(text);
    free(docx);
    /* no -o, one file only: usage errors */
    assert_int_equal(sh("%s fill %s %s 2>/dev/null", bin, KHKP_TEMPLATE, KHKP_DATA), 2);
    assert_int_equal(sh("%s fill %s -o %s/x.docx 2>/dev/null", bin, KHKP_TEMPLATE, dir), 2);
    /* a key missing from the data: exit 3, the tag and its place named */
    snprintf(path, sizeof path, "%s/d.json", dir);
    assert_int_equal(tcpl_write_file(path, "{}", 2, NULL), 0);
    assert_int_equal(sh("%s fill %s %s -o %s/x.docx 2>%s/err.txt", bin, KHKP_TEMPLATE, path, dir,
                        dir),
                     3);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    char *e = tu_read_file(path, &len);
    assert_non_null(e);
    TU_ASSERT_CONTAINS(e, "{{co_quan.dong_1|upper}}");
    TU_ASSERT_CONTAINS(e, "bảng 1, hàng 1, ô 1");
    free(e);
    /* lint: every error, exit 1 */
    tu_part parts[] = {{"word/document.xml",
                        DOC(P(R("{{#a}}")) P(R("x")) P(R("{{/b}}")) P(R("{{y|khong_co}}"))), 0}};
    unsigned char *bad = build(parts, 1, &len);
    snprintf(path, sizeof path, "%s/bad.docx", dir);
    assert_int_equal(tcpl_write_file(path, bad, len, NULL), 0);
    free(bad);
    assert_int_equal(sh("%s template lint %s >%s/lint.txt 2>/dev/null", bin, path, dir), 1);
    snprintf(path, sizeof path, "%s/lint.txt", dir);
    char *lint = tu_read_file(path, &len);
    assert_non_null(lint);
    TU_ASSERT_CONTAINS(lint, "đoạn 3");
    TU_ASSERT_CONTAINS(lint, "{{/b}}");
    TU_ASSERT_CONTAINS(lint, "đoạn 4");
    TU_ASSERT_CONTAINS(lint, "khong_co");
    free(lint);
    /* --keys: a JSON skeleton on stdout */
    assert_int_equal(sh("%s template lint --keys %s >%s/keys.json 2>/dev/null", bin,
                        KHKP_TEMPLATE, dir),
                     0);
    snprintf(path, sizeof path, "%s/keys.json", dir);
    json_error_t je;
    json_t *k = json_load_file(path, 0, &je);
    assert_non_null(k);
    assert_true(json_is_array(json_object_get(k, "han_che")));
    assert_true(json_is_string(json_object_get(json_object_get(k, "ky"), "quyen_han")));
    json_decref(k);
    assert_int_equal(sh("rm -rf %s", dir), 0);
}

int main(void)
{
    ctx = tu_ctx();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_every_point),  cmocka_unit_test(loop_paragraphs),
        cmocka_unit_test(loop_rows),          cmocka_unit_test(nesting_and_inverted),
        cmocka_unit_test(escaping_and_breaks), cmocka_unit_test(filters),
        cmocka_unit_test(missing_keys),       cmocka_unit_test(malformed_all_at_once),
        cmocka_unit_test(delimiters),         cmocka_unit_test(keys_skeleton),
        cmocka_unit_test(package_copy),       cmocka_unit_test(hostile_templates),
        cmocka_unit_test(hostile_data),       cmocka_unit_test(shipped_remediation_plan),
        cmocka_unit_test(remediation_from_conclusion),
        cmocka_unit_test(shipped_conclusion), cmocka_unit_test(conclusion_from_findings),
        cmocka_unit_test(libreoffice_opens_it), cmocka_unit_test(command_line),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tcpl_ctx_free(ctx);
    return rc;
}
