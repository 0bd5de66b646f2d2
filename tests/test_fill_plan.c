/* The shipped plan template (templates/ke-hoach) and list numbering across
 * repeated paragraphs (docs/templates.md).  Needs `make templates`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"
#include "tcpl/fill.h"

static tcpl_ctx *ctx;

#define KH_TEMPLATE "build/templates/ke-hoach.docx"
#define KH_DATA "samples/data/ke-hoach.json"

/* The plan template filled from its sample data passes ke-hoach-tcpl and
 * the-thuc-nd30 with no Lỗi (in fact no finding at all), its activities and
 * organisation items numbered by Word lists 1., 2., ... each from 1. */
static void shipped_plan(void **state)
{
    (void)state;
    size_t jlen, len, all;
    char *json = tu_read_file(KH_DATA, &jlen);
    assert_non_null(json);
    tcpl_template *t;
    tcpl_error err;
    if (tcpl_template_compile(&t, ctx, KH_TEMPLATE, NULL, &err) < 0)
        fail_msg("%s: %s (%s) %s — run make templates", KH_TEMPLATE, err.id, err.where, err.detail);
    void *out;
    if (tcpl_template_fill(&out, &len, t, json, jlen, NULL, &err) < 0)
        fail_msg("fill: %s (%s) %s", err.id, err.where, err.detail);
    assert_int_equal(
        tu_findings_at(ctx, out, len, "ke-hoach-tcpl", NULL, TCPL_SEV_LOI, NULL, &all), 0);
    assert_int_equal(all, 0);
    char *text = tu_docx_text(ctx, out, len);
    TU_ASSERT_CONTAINS(text, "Số: 15/KH-UBND\tPhú Thịnh, ngày 06 tháng 02 năm 2026");
    TU_ASSERT_CONTAINS(text, "KẾ HOẠCH\nXây dựng xã đạt chuẩn tiếp cận pháp luật năm 2026");
    TU_ASSERT_CONTAINS(text, "Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021");
    TU_ASSERT_CONTAINS(text, "II. NỘI DUNG, NHIỆM VỤ\n1. Ban hành quyết định");
    TU_ASSERT_CONTAINS(text, "\n- Phối hợp: Các bộ phận có liên quan.\n"); /* the default */
    TU_ASSERT_CONTAINS(text, "\n5. Kiểm tra việc thu thập");
    TU_ASSERT_CONTAINS(text, "III. TỔ CHỨC THỰC HIỆN\n1. Văn phòng HĐND và UBND xã\n");
    TU_ASSERT_CONTAINS(text, "\n3. Kinh phí\n");
    TU_ASSERT_CONTAINS(text, "- Lưu: VT.");
    TU_ASSERT_LACKS(text, "{{");
    free(text);
    free(out);
    tcpl_template_free(t);
    free(json);
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define NUMP(x)                                                                                    \
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr>"      \
    "<w:r><w:t>" x "</w:t></w:r></w:p>"
#define PLAIN(x) "<w:p><w:r><w:t>" x "</w:t></w:r></w:p>"

/* A Word-numbered paragraph inside a loop: every copy keeps the list's
 * w:numId (no restart, no new list), so Word and the reader count 1., 2.,
 * 3. across the copies; the list after the loop goes on counting. */
static void numbering_across_copies(void **state)
{
    (void)state;
    const char *doc = "<w:document " W_NS "><w:body>" PLAIN("Đầu") PLAIN("{{#ds}}") NUMP("{{ten}}")
        PLAIN("Nội dung {{ten}}") PLAIN("{{/ds}}") NUMP("Cuối") "</w:body></w:document>";
    const char *num =
        "<w:numbering " W_NS "><w:abstractNum w:abstractNumId=\"3\"><w:lvl w:ilvl=\"0\">"
        "<w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
        "</w:abstractNum><w:num w:numId=\"7\"><w:abstractNumId w:val=\"3\"/></w:num></w:numbering>";
    tu_part parts[] = {{"word/document.xml", doc, 0}, {"word/numbering.xml", num, 0}};
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(parts, 2, &data, &len), 0);
    tcpl_template *t;
    tcpl_error err;
    assert_int_equal(tcpl_template_compile_memory(&t, ctx, data, len, "t.docx", NULL, &err), 0);
    const char *json = "{\"ds\": [{\"ten\": \"Một\"}, {\"ten\": \"Hai\"}, {\"ten\": \"Ba\"}]}";
    void *out;
    size_t olen;
    assert_int_equal(tcpl_template_fill(&out, &olen, t, json, strlen(json), NULL, &err), 0);
    char *xml = tu_zip_entry(out, olen, "word/document.xml");
    assert_int_equal(tu_count(xml, "<w:numId w:val=\"7\"/>"), 4); /* 3 copies + the last */
    assert_int_equal(tu_count(xml, "w:numId "), 4);              /* and no other list */
    char *text = tu_docx_text(ctx, out, olen);
    TU_ASSERT_CONTAINS(text, "Đầu\n1. Một\nNội dung Một\n2. Hai\nNội dung Hai\n3. Ba\nNội dung Ba\n4. Cuối");
    free(text);
    free(xml);
    free(out);
    tcpl_template_free(t);
    free(data);
}

/* tcpl_assigned_activities finds in the sample provincial plan the one task
 * it gives communes (II.3.1) and, for districts, the ones led or supported
 * by "cấp huyện" units; with no pack holding the rule, or a bad level, it
 * is a usage error, never an empty success.  tcpl_plan_data puts the
 * commune's task first and its own after. */
static void assigned_tasks(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_doc *doc;
    tcpl_extraction *x = tu_extract_file(ctx, "build/samples/kh-tinh-2022.docx", &doc);
    tcpl_checker *ck;
    assert_int_equal(tcpl_checker_new(&ck, ctx, &err), 0);
    size_t *idx, n;
    assert_int_equal(tcpl_checker_add_pack(ck, "the-thuc-nd30", &err), 0);
    assert_int_equal(tcpl_assigned_activities(&idx, &n, ck, x, "xa", &err), TCPL_ERR_USAGE);
    assert_string_equal(err.id, "err.no_assigned_rule");
    assert_int_equal(tcpl_checker_add_pack(ck, "ke-hoach-tcpl", &err), 0);
    assert_int_equal(tcpl_assigned_activities(&idx, &n, ck, x, "tinh", &err), TCPL_ERR_USAGE);
    assert_int_equal(tcpl_assigned_activities(&idx, &n, ck, x, "xa", &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(tcpl_extraction_activity(x, idx[0])->path, "II.3.1");
    free(idx);
    assert_int_equal(tcpl_assigned_activities(&idx, &n, ck, x, "huyen", &err), 0);
    assert_true(n >= 4); /* 1.1, 1.2, 2.2, 3.1 ... name cấp huyện units */
    free(idx);
    char *json;
    const char *meta = "{\"co_quan\": {\"dong_2\": \"xã Phú Thịnh\"}, \"hoat_dong\": [{\"noi_dung\": \"Riêng\"}]}";
    assert_int_equal(tcpl_plan_data(&json, x, ck, "xa", meta, ctx, &err), 0);
    TU_ASSERT_CONTAINS(json, "trên địa bàn xã Phú Thịnh");
    const char *task = strstr(json, "Tổ chức đánh giá, công nhận cấp xã"), *own = strstr(json, "Riêng");
    assert_non_null(task);
    assert_non_null(own);
    assert_true(task < own);
    free(json);
    assert_int_equal(tcpl_plan_data(&json, x, NULL, "xa", NULL, ctx, &err), TCPL_ERR_USAGE);
    tcpl_checker_free(ck);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
}

int main(void)
{
    ctx = tu_ctx();
    const struct CMUnitTest tests[] = {cmocka_unit_test(shipped_plan),
                                       cmocka_unit_test(numbering_across_copies),
                                       cmocka_unit_test(assigned_tasks)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tcpl_ctx_free(ctx);
    return rc;
}
