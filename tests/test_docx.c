/* The DOCX reader, one text rule of docs/model.md at a time, on documents
 * built here with the test builder (tests/helpers/hostile.c).  Expected
 * texts are written from the WordprocessingML in each test, as Word shows
 * it, never copied from the reader's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "base/arena.h"
#include "base/buf.h"
#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"
#include "model/model.h"
#include "ooxml/cache.h"
#include "ooxml/nfc.h"
#include "ooxml/numbering.h"
#include "ooxml/reader.h"
#include "ooxml/xml.h"

static tcpl_ctx *ctx;

#define DOC(body) "<w:document " TU_ALL_NS "><w:body>" body "</w:body></w:document>"
#define P(x) "<w:p>" x "</w:p>"
#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define RP(rpr, t) "<w:r><w:rPr>" rpr "</w:rPr><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define FLD(type) "<w:r><w:fldChar w:fldCharType=\"" type "\"/></w:r>"
#define INSTR(t) "<w:r><w:instrText xml:space=\"preserve\">" t "</w:instrText></w:r>"
#define DEL_ATTR "w:id=\"1\" w:author=\"A\" w:date=\"2025-01-01T00:00:00Z\""

/* ---- helpers -------------------------------------------------------------- */

static int read_parts(const tu_part *parts, size_t n, tcpl_doc **doc, tcpl_error *err)
{
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(parts, n, &data, &len), 0);
    int rc = tcpl_docx_read_memory(doc, ctx, data, len, "t.docx", err);
    free(data);
    return rc;
}

static int try_read(const char *body, const char *styles, const char *numbering, tcpl_doc **doc,
                    tcpl_error *err)
{
    unsigned char *data;
    size_t len;
    assert_int_equal(hostile_docx(body, styles, numbering, &data, &len), 0);
    int rc = tcpl_docx_read_memory(doc, ctx, data, len, "t.docx", err);
    free(data);
    return rc;
}

static tcpl_doc *read3(const char *body, const char *styles, const char *numbering)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    int rc = try_read(body, styles, numbering, &doc, &err);
    if (rc < 0)
        print_error("%s [%s] %s\n", err.id ? err.id : "?", err.where, err.detail);
    assert_int_equal(rc, 0);
    assert_non_null(doc);
    return doc;
}

static tcpl_doc *read1(const char *body) { return read3(body, NULL, NULL); }

/* Runs are in order, non-empty, and cover the text exactly. */
static void check_runs(const tcpl_block *b)
{
    size_t at = 0;
    for (size_t i = 0; i < b->run_count; i++) {
        assert_int_equal(b->runs[i].offset, at);
        assert_true(b->runs[i].length > 0);
        assert_non_null(b->runs[i].font);
        at += b->runs[i].length;
    }
    assert_int_equal(at, b->text_len);
    assert_int_equal(strlen(b->text), b->text_len);
}

/* The n-th paragraph of a part (any depth). */
static const tcpl_block *para_of(const tcpl_doc *doc, tcpl_part_kind part, int n)
{
    for (size_t i = 0; i < tcpl_doc_block_count(doc); i++) {
        const tcpl_block *b = tcpl_doc_block(doc, i);
        if (b->kind == TCPL_BLOCK_PARAGRAPH && b->part == part && n-- == 0) {
            check_runs(b);
            return b;
        }
    }
    fail_msg("no paragraph %d", n);
    return NULL;
}

static const tcpl_block *para(const tcpl_doc *doc, int n)
{
    return para_of(doc, TCPL_PART_BODY, n);
}

static size_t count_kind(const tcpl_doc *doc, tcpl_block_kind k)
{
    size_t c = 0;
    for (size_t i = 0; i < tcpl_doc_block_count(doc); i++)
        c += tcpl_doc_block(doc, i)->kind == k;
    return c;
}

static char *text_of(const tcpl_doc *doc, unsigned flags)
{
    char *s = NULL;
    size_t n;
    tcpl_error err;
    assert_int_equal(tcpl_doc_text(&s, &n, doc, flags, &err), 0);
    assert_int_equal(strlen(s), n);
    return s;
}

/* The whole body text equals want. */
static void body_is(const char *body, const char *want)
{
    tcpl_doc *doc = read1(body);
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, want);
    free(s);
    tcpl_doc_free(doc);
}

/* ---- runs ----------------------------------------------------------------- */

/* Word splits a word into runs at every revision id: one run again. */
static void test_run_merge_rsid(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P("<w:r w:rsidR=\"00A1\"><w:t>Thời g</w:t></w:r>"
                            "<w:r w:rsidR=\"00B2\"><w:rPr><w:lang w:val=\"vi-VN\"/></w:rPr>"
                            "<w:t>ian thực hi</w:t></w:r>"
                            "<w:r w:rsidRPr=\"00C3\"><w:t>ện</w:t></w:r>"));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Thời gian thực hiện");
    assert_int_equal(p->run_count, 1);
    assert_int_equal(p->runs[0].flags, 0);
    tcpl_doc_free(doc);
}

static void test_run_formatting_separate(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P(R("Căn cứ ") RP("<w:b/>", "Luật") RP("<w:b/>", " số ")
                                RP("<w:i/>", "80/2015") RP("<w:b/><w:i/>", "/QH13")
                                    RP("<w:sz w:val=\"28\"/>", ".")));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Căn cứ Luật số 80/2015/QH13.");
    assert_int_equal(p->run_count, 5);
    /* "Căn cứ " is 10 bytes: ă is two, ứ (U+1EE9) three */
    assert_int_equal(p->runs[0].length, 10);
    assert_int_equal(p->runs[0].flags, 0);
    assert_int_equal(p->runs[1].flags, TCPL_RUN_BOLD);
    assert_int_equal(p->runs[1].length, strlen("Luật số "));
    assert_int_equal(p->runs[2].flags, TCPL_RUN_ITALIC);
    assert_int_equal(p->runs[3].flags, TCPL_RUN_BOLD | TCPL_RUN_ITALIC);
    assert_int_equal(p->runs[4].size, 28);
    assert_int_equal(p->runs[4].length, 1);
    assert_int_equal(p->runs[0].size, 20); /* Word's default 10 pt without styles */
    tcpl_doc_free(doc);
}

/* ---- fields --------------------------------------------------------------- */

static void test_field_complex(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P(R("Trang ") FLD("begin") INSTR(" PAGE \\* MERGEFORMAT ")
                                FLD("separate") R("3") FLD("end") R(" trên tổng số")));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Trang 3 trên tổng số");
    assert_int_equal(p->run_count, 3);
    assert_int_equal(p->runs[1].flags, TCPL_RUN_FIELD);
    assert_int_equal(p->runs[1].offset, strlen("Trang "));
    assert_int_equal(p->runs[1].length, 1);
    assert_int_equal(p->runs[2].flags, 0);
    tcpl_doc_free(doc);
}

/* { IF { NUMPAGES } > 1 "nhiều trang" "một trang" } shows its result only;
 * the inner field's result is part of the outer instruction. */
static void test_field_nested(void **state)
{
    (void)state;
    body_is(P(R("Văn bản có ") FLD("begin") INSTR(" IF ") FLD("begin") INSTR(" NUMPAGES ")
                  FLD("separate") R("5") FLD("end") INSTR(" > 1 \"nhiều trang\" \"một trang\" ")
                      FLD("separate") R("nhiều trang") FLD("end") R(".")),
            "Văn bản có nhiều trang.\n");
}

/* A field with no separate (TC, XE entries) shows nothing. */
static void test_field_no_separate(void **state)
{
    (void)state;
    body_is(P(R("Mục lục") FLD("begin") INSTR(" TC \"Mục lục\" \\l 1 ") FLD("end") R(" chung")),
            "Mục lục chung\n");
}

/* begin, instruction, separate, result and end in separate runs with
 * formatting, and a field (a table of contents) over two paragraphs. */
static void test_field_spanning(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P("<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
                            "<w:r><w:instrText>TOC \\o</w:instrText></w:r>"
                            "<w:r><w:instrText xml:space=\"preserve\"> \"1-3\" </w:instrText></w:r>"
                            "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>" RP(
                                "<w:b/>", "I. Mục đích") R("\t2"))
                              P(R("II. Yêu cầu\t3") FLD("end"))
                                  P(R("Sau mục lục")));
    assert_string_equal(para(doc, 0)->text, "I. Mục đích\t2");
    assert_int_equal(para(doc, 0)->run_count, 2);
    assert_int_equal(para(doc, 0)->runs[0].flags, TCPL_RUN_FIELD | TCPL_RUN_BOLD);
    assert_int_equal(para(doc, 0)->runs[1].flags, TCPL_RUN_FIELD);
    assert_string_equal(para(doc, 1)->text, "II. Yêu cầu\t3");
    assert_string_equal(para(doc, 2)->text, "Sau mục lục");
    assert_int_equal(para(doc, 2)->runs[0].flags, 0);
    tcpl_doc_free(doc);
}

/* A stray end or separate must not hide or break anything. */
static void test_field_unbalanced(void **state)
{
    (void)state;
    body_is(P(FLD("end") R("Kế") FLD("separate") R(" hoạch")), "Kế hoạch\n");
}

/* A begin that never separates nor ends hides its instruction only up to
 * the end of its paragraph, never the rest of the document. */
static void test_field_unterminated(void **state)
{
    (void)state;
    body_is(P(R("Kế hoạch") FLD("begin") INSTR(" PAGE ")) P(R("Nội dung sau")),
            "Kế hoạch\nNội dung sau\n");
}

/* Past TCPL_MAX_FIELDS (32) nested fields the deeper ones are hidden as
 * instruction; every end is still counted, so the text after shows. */
static void test_field_nesting_limit(void **state)
{
    (void)state;
    char *body = malloc(64 * 1024);
    assert_non_null(body);
    strcpy(body, "<w:p>");
    for (int i = 0; i < 40; i++)
        strcat(body, FLD("begin") INSTR("IF") FLD("separate") R("x"));
    for (int i = 0; i < 40; i++)
        strcat(body, FLD("end"));
    strcat(body, R("sau") "</w:p>");
    tcpl_doc *doc = read1(body);
    /* 32 results shown ("x" each), the 8 deeper ones hidden */
    assert_int_equal(para(doc, 0)->text_len, 32 + 3);
    assert_string_equal(para(doc, 0)->text + 32, "sau");
    tcpl_doc_free(doc);
    free(body);
}

static void test_fld_simple(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P(R("Trang ") "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>7</w:t></w:r>"
                                          "</w:fldSimple>" R(" của ")
                                              "<w:fldSimple w:instr=\" NUMPAGES \"/>"));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Trang 7 của ");
    assert_int_equal(p->run_count, 3);
    /* the result of a field, like a complex field's */
    assert_int_equal(p->runs[1].flags, TCPL_RUN_FIELD);
    tcpl_doc_free(doc);
}

/* ---- tracked changes ------------------------------------------------------ */

static void test_tracked_ins_del(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P(R("Kế hoạch số ") "<w:del " DEL_ATTR "><w:r><w:delText>11</w:delText>"
                                              "</w:r></w:del><w:ins " DEL_ATTR
                                              "><w:r><w:t>12</w:t></w:r></w:ins>"
                                              "<w:r><w:delText>xoá lạc</w:delText></w:r>" R("/KH")));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Kế hoạch số 12/KH");
    assert_int_equal(p->run_count, 3);
    assert_int_equal(p->runs[1].flags, TCPL_RUN_INSERTED);
    assert_int_equal(p->runs[1].length, 2);
    assert_int_equal(p->runs[2].flags, 0);
    tcpl_doc_free(doc);
}

static void test_tracked_move(void **state)
{
    (void)state;
    tcpl_doc *doc =
        read1(P("<w:moveFromRangeStart w:id=\"5\" w:name=\"m\"/><w:moveFrom " DEL_ATTR ">" R(
            "Tháng 6. ") "</w:moveFrom><w:moveFromRangeEnd w:id=\"5\"/>" R("Hoàn thành"))
                  P(R("Thời hạn: ") "<w:moveTo " DEL_ATTR ">" R("Tháng 6.") "</w:moveTo>"));
    assert_string_equal(para(doc, 0)->text, "Hoàn thành");
    assert_string_equal(para(doc, 1)->text, "Thời hạn: Tháng 6.");
    assert_int_equal(para(doc, 1)->runs[1].flags, TCPL_RUN_INSERTED);
    tcpl_doc_free(doc);
}

/* A tab or break inside an insertion or a field result belongs to it: one
 * run, not a plain tab between two flagged runs. */
static void test_flags_on_tabs(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P(R("x") "<w:ins " DEL_ATTR "><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t>"
                                   "<w:br/><w:noBreakHyphen/></w:r></w:ins>")
                              P(FLD("begin") INSTR("TOC") FLD("separate")
                                    "<w:r><w:t>Mục</w:t><w:tab/><w:t>2</w:t></w:r>" FLD("end")));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "xa\tb\n-");
    assert_int_equal(p->run_count, 2);
    assert_int_equal(p->runs[1].flags, TCPL_RUN_INSERTED);
    p = para(doc, 1);
    assert_string_equal(p->text, "Mục\t2");
    assert_int_equal(p->run_count, 1);
    assert_int_equal(p->runs[0].flags, TCPL_RUN_FIELD);
    tcpl_doc_free(doc);
}

#define MARK_DEL "<w:pPr><w:rPr><w:del " DEL_ATTR "/></w:rPr></w:pPr>"

/* A deleted paragraph mark: Word shows the paragraph joined to the next. */
static void test_tracked_deleted_mark(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P(R("Mở đầu")) P(MARK_DEL R("Thời gian "))
                              P(RP("<w:b/>", "thực hiện")) P(R("Kết thúc")));
    assert_int_equal(count_kind(doc, TCPL_BLOCK_PARAGRAPH), 3);
    const tcpl_block *p = para(doc, 1);
    assert_string_equal(p->text, "Thời gian thực hiện");
    assert_int_equal(p->run_count, 2);
    assert_int_equal(p->runs[1].flags, TCPL_RUN_BOLD);
    /* indexes stay dense: every block at its index, paragraphs numbered 0, 1, 2 */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(para(doc, i)->para_index, i);
        assert_int_equal(para(doc, i)->index, i);
    }
    tcpl_doc_free(doc);
}

/* The last paragraph of a part (or of a cell) with a deleted mark has
 * nothing to join: its text must not be lost. */
static void test_tracked_deleted_mark_last(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P(R("Một")) P(MARK_DEL R("Hai")) "<w:sectPr/>");
    assert_string_equal(para(doc, 1)->text, "Hai");
    assert_int_equal(para(doc, 1)->para_index, 1);
    assert_int_equal(tcpl_doc_section(doc, 0)->last_block, 1); /* the section covers it */
    tcpl_doc_free(doc);
    body_is(P(MARK_DEL R("Trước bảng")) "<w:tbl><w:tr><w:tc>" P(R("ô")) "</w:tc></w:tr></w:tbl>",
            "Trước bảng\nô\n");
    body_is("<w:tbl><w:tr><w:tc>" P(MARK_DEL R("Ô một")) "</w:tc><w:tc>" P(R("Ô hai"))
            "</w:tc></w:tr></w:tbl>" P(R("Sau")),
            "Ô một\tÔ hai\nSau\n");
}

/* ---- special characters --------------------------------------------------- */

static void test_tab_breaks(void **state)
{
    (void)state;
    body_is(P("<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t>"
              "<w:br w:type=\"page\"/><w:t>e</w:t><w:br w:type=\"column\"/><w:t>f</w:t>"
              "<w:lastRenderedPageBreak/><w:br w:type=\"textWrapping\"/><w:t>g</w:t>"
              "<w:ptab w:relativeTo=\"margin\" w:alignment=\"right\" w:leader=\"none\"/>"
              "<w:t>h</w:t></w:r>"),
            "a\tb\nc\ndef\ng\th\n");
}

static void test_hyphens(void **state)
{
    (void)state;
    body_is(P("<w:r><w:t>Bà Rịa</w:t><w:noBreakHyphen/><w:t>Vũng Tàu, kế</w:t><w:softHyphen/>"
              "<w:t>hoạch</w:t></w:r>"),
            "Bà Rịa-Vũng Tàu, kếhoạch\n");
}

static void test_sym(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P("<w:r><w:sym w:font=\"Symbol\" w:char=\"F0B7\"/><w:t xml:space=\"preserve\">"
                            " Mục</w:t><w:sym w:font=\"Wingdings\" w:char=\"F0A7\"/>"
                            "<w:sym w:font=\"Times New Roman\" w:char=\"2013\"/>"
                            "<w:sym w:font=\"Symbol\" w:char=\"F0E0\"/></w:r>")
                              P("<w:r><w:sym w:char=\"FFFFFFFF\"/><w:sym w:char=\"D800\"/>"
                                "<w:sym w:char=\"zz\"/><w:sym/><w:t>x</w:t></w:r>"));
    /* Symbol F0E0 (a lozenge) stays U+F0E0: it used to become "à", a
     * Vietnamese letter the document never had */
    assert_string_equal(para(doc, 0)->text, "• Mục•–\xEF\x83\xA0");
    /* nonsense code points (beyond Unicode, a surrogate, not hex) give no
     * character and never invalid UTF-8 */
    assert_string_equal(para(doc, 1)->text, "x");
    char *json = NULL;
    size_t n;
    tcpl_error err;
    assert_int_equal(tcpl_doc_json(&json, &n, doc, 0, &err), 0);
    free(json);
    tcpl_doc_free(doc);
}

/* ---- transparent containers ----------------------------------------------- */

static void test_sdt_block_and_inline(void **state)
{
    (void)state;
    body_is("<w:sdt><w:sdtPr><w:alias w:val=\"Tiêu đề ẩn\"/><w:docPartObj><w:docPartGallery "
            "w:val=\"Cover Pages\"/></w:docPartObj><w:rPr><w:b/></w:rPr></w:sdtPr><w:sdtEndPr/>"
            "<w:sdtContent>" P(R("KẾ HOẠCH")) "</w:sdtContent></w:sdt>" P(
                R("Ngày ") "<w:sdt><w:sdtPr><w:date w:fullDate=\"2025-01-02T00:00:00Z\"><w:dateFormat "
                           "w:val=\"dd/MM/yyyy\"/></w:date><w:placeholder><w:docPart "
                           "w:val=\"X\"/></w:placeholder></w:sdtPr><w:sdtContent>" R("02/01/2025")
                           "</w:sdtContent></w:sdt>" R(".")),
            "KẾ HOẠCH\nNgày 02/01/2025.\n");
}

static void test_inline_wrappers(void **state)
{
    (void)state;
    body_is(P("<w:bookmarkStart w:id=\"0\" w:name=\"_Toc1\"/><w:proofErr w:type=\"spellStart\"/>"
              R("Theo ") "<w:hyperlink r:id=\"rId9\" w:history=\"1\">" RP(
                  "<w:rStyle w:val=\"Hyperlink\"/>",
                  "Nghị định") "</w:hyperlink>" R(" số ") "<w:smartTag w:uri=\"urn:x\" "
                                                          "w:element=\"date\"><w:smartTagPr><w:attr "
                                                          "w:name=\"Year\" w:val=\"2020\"/></"
                                                          "w:smartTagPr>" R("30/2020")
                  "</w:smartTag><w:proofErr w:type=\"spellEnd\"/><w:customXml w:element=\"so\">" R(
                      "/NĐ-CP") "</w:customXml><w:bookmarkEnd w:id=\"0\"/>"
                                "<w:commentRangeStart w:id=\"1\"/><w:permStart w:id=\"2\"/>"
                                "<w:dir w:val=\"ltr\">" R(" về") "</w:dir><w:commentRangeEnd "
                                                                 "w:id=\"1\"/><w:r><w:commentReference "
                                                                 "w:id=\"1\"/></w:r><w:permEnd "
                                                                 "w:id=\"2\"/>"),
            "Theo Nghị định số 30/2020/NĐ-CP về\n");
}

/* ---- drawings and text boxes ---------------------------------------------- */

#define TXBX(t) "<w:txbxContent>" P(R(t)) "</w:txbxContent>"
#define SHAPE(t)                                                                                   \
    "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic>"           \
    "<a:graphicData><wps:wsp><wps:txbx>" TXBX(t) "</wps:txbx></wps:wsp></a:graphicData>"          \
    "</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"              \
    "<v:textbox>" TXBX(t) "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>"

static void test_textbox_once(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(DOC(P(R("Nơi nhận:") "<w:r>" SHAPE("Hộp chữ") "</w:r>") P(R("Sau"))));
    assert_int_equal(tcpl_doc_block_count(doc), 4);
    const tcpl_block *anchor = tcpl_doc_block(doc, 0), *box = tcpl_doc_block(doc, 1),
                     *in = tcpl_doc_block(doc, 2), *after = tcpl_doc_block(doc, 3);
    assert_int_equal(anchor->kind, TCPL_BLOCK_PARAGRAPH);
    assert_string_equal(anchor->text, "Nơi nhận:");
    assert_int_equal(box->kind, TCPL_BLOCK_TEXTBOX);
    assert_int_equal(box->child_count, 1);
    assert_int_equal(in->parent, 1);
    assert_int_equal(in->depth, 1);
    assert_string_equal(in->text, "Hộp chữ");
    assert_string_equal(after->text, "Sau");
    assert_int_equal(after->depth, 0);
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, "Nơi nhận:\nHộp chữ\nSau\n");
    free(s);
    tcpl_doc_free(doc);
}

/* A Choice holding its own mc:AlternateContent (a group of shapes): the
 * inner Choice is read, the inner and outer Fallbacks are not. */
static void test_textbox_nested_alternate(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(DOC(P("<w:r><mc:AlternateContent><mc:Choice Requires=\"wpg\"><w:drawing>"
                                SHAPE("Trong nhóm") "</w:drawing></mc:Choice><mc:Fallback>"
                                "<w:pict>" TXBX("Dự phòng") "</w:pict></mc:Fallback>"
                                "</mc:AlternateContent></w:r>")));
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, "\nTrong nhóm\n");
    free(s);
    assert_int_equal(count_kind(doc, TCPL_BLOCK_TEXTBOX), 1);
    tcpl_doc_free(doc);
}

/* Only Fallback (no Choice): it is the only copy, so it is read. */
static void test_alternate_fallback_only(void **state)
{
    (void)state;
    body_is(DOC(P("<w:r><mc:AlternateContent><mc:Fallback><w:pict>" TXBX("Chỉ dự phòng")
                  "</w:pict></mc:Fallback></mc:AlternateContent></w:r>")),
            "\nChỉ dự phòng\n");
}

/* ---- notes, headers, footers --------------------------------------------- */

static const char FOOTNOTES[] =
    "<?xml version=\"1.0\"?><w:footnotes " TU_W_NS ">"
    "<w:footnote w:type=\"separator\" w:id=\"-1\">" P("<w:r><w:separator/></w:r>") "</w:footnote>"
    "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\">" P(
        "<w:r><w:continuationSeparator/></w:r>") "</w:footnote>"
    "<w:footnote w:id=\"1\">" P("<w:r><w:footnoteRef/></w:r>" R(" Chú thích một.")) P(R("Tiếp."))
    "</w:footnote></w:footnotes>";
static const char ENDNOTES[] =
    "<?xml version=\"1.0\"?><w:endnotes " TU_W_NS ">"
    "<w:endnote w:type=\"separator\" w:id=\"-1\">" P("<w:r><w:separator/></w:r>") "</w:endnote>"
    "<w:endnote w:id=\"1\">" P(R("Ghi chú cuối.")) "</w:endnote></w:endnotes>";

static void test_notes(void **state)
{
    (void)state;
    tu_part parts[] = {
        {"word/document.xml",
         DOC(P(R("Căn cứ Luật") "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr>"
                                "<w:footnoteReference w:id=\"1\"/></w:r>" R(".")
                                    "<w:r><w:endnoteReference w:id=\"1\"/></w:r>")),
         0},
        {"word/footnotes.xml", FOOTNOTES, 0},
        {"word/endnotes.xml", ENDNOTES, 0},
    };
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_parts(parts, 3, &doc, &err), 0);
    assert_string_equal(para(doc, 0)->text, "Căn cứ Luật.");
    assert_int_equal(count_kind(doc, TCPL_BLOCK_NOTE), 2);
    const tcpl_block *fn = tcpl_doc_block(doc, 1);
    assert_int_equal(fn->kind, TCPL_BLOCK_NOTE);
    assert_int_equal(fn->part, TCPL_PART_FOOTNOTES);
    assert_int_equal(fn->note_id, 1);
    assert_int_equal(fn->child_count, 2);
    const tcpl_block *fp = para_of(doc, TCPL_PART_FOOTNOTES, 0);
    assert_string_equal(fp->text, " Chú thích một.");
    assert_int_equal(fp->parent, 1);
    assert_int_equal(fp->para_index, 0);
    assert_string_equal(fp->part_name, "word/footnotes.xml");
    assert_string_equal(para_of(doc, TCPL_PART_ENDNOTES, 0)->text, "Ghi chú cuối.");
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, "Căn cứ Luật.\n");
    free(s);
    /* with notes, the body shows where each is referenced, numbered in
     * reference order across footnotes and endnotes (as pandoc does) */
    assert_int_equal(para(doc, 0)->note_ref_count, 2);
    assert_int_equal(para(doc, 0)->note_refs[0].offset, strlen("Căn cứ Luật"));
    assert_int_equal(para(doc, 0)->note_refs[1].part, TCPL_PART_ENDNOTES);
    s = text_of(doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES);
    assert_string_equal(s, "Căn cứ Luật[1].[2]\n\n[1]  Chú thích một.\n    Tiếp.\n"
                           "[2] Ghi chú cuối.\n");
    free(s);
    tcpl_doc_free(doc);
}

/* Text boxes below a note or inside another text box, and an empty note:
 * the text showed neither box (only direct children were printed) and the
 * empty note left "[2] " without its line end. */
static void test_text_nested_boxes_and_empty_note(void **state)
{
    (void)state;
    static const char fn[] =
        "<w:footnotes " TU_ALL_NS "><w:footnote w:id=\"1\">" P(R("Ghi chú") "<w:r>" SHAPE(
            "Hộp trong chú thích") "</w:r>") "</w:footnote><w:footnote w:id=\"2\"/>"
        "<w:footnote w:id=\"3\">" P(R("Ba")) "</w:footnote></w:footnotes>";
    tu_part parts[] = {
        {"word/document.xml",
         DOC(P(R("Neo") "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
                        "<wps:txbx><w:txbxContent>" P(R("Ngoài") "<w:r>" SHAPE("Trong") "</w:r>")
                        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
                        "</mc:AlternateContent></w:r>")),
         0},
        {"word/footnotes.xml", fn, 0},
    };
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_parts(parts, 2, &doc, &err), 0);
    char *s = text_of(doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES);
    assert_string_equal(s, "Neo\nNgoài\nTrong\n\n[1] Ghi chú\n    Hộp trong chú thích\n[2] \n"
                           "[3] Ba\n");
    free(s);
    tcpl_doc_free(doc);
}

static const char DOC_RELS_HDR[] =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/header\" Target=\"header1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/header\" Target=\"header1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/footer\" Target=\"footer1.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/hyperlink\" Target=\"http://example.com/\" TargetMode=\"External\"/>"
    "</Relationships>";

static void test_headers_footers(void **state)
{
    (void)state;
    tu_part parts[] = {
        {"word/document.xml",
         DOC(P(R("Thân")) "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId1\"/>"
                          "<w:headerReference w:type=\"first\" r:id=\"rId2\"/>"
                          "<w:footerReference w:type=\"default\" r:id=\"rId3\"/></w:sectPr>"),
         0},
        {"word/header1.xml",
         "<w:hdr " TU_W_NS ">" P(R("UBND TỈNH")) P(R("Trang ") FLD("begin") INSTR("PAGE")
                                                        FLD("separate") R("1") FLD("end")) "</w:hdr>",
         0},
        {"word/footer1.xml", "<w:ftr " TU_W_NS ">" P(R("Chân trang")) "</w:ftr>", 0},
        {"word/_rels/document.xml.rels", DOC_RELS_HDR, 0},
    };
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_parts(parts, 4, &doc, &err), 0);
    assert_int_equal(tcpl_doc_block_count(doc), 4); /* the header once, not twice */
    const tcpl_block *h = para_of(doc, TCPL_PART_HEADER, 1);
    assert_string_equal(h->text, "Trang 1");
    assert_int_equal(h->para_index, 1);
    assert_string_equal(h->part_name, "word/header1.xml");
    assert_string_equal(para_of(doc, TCPL_PART_FOOTER, 0)->text, "Chân trang");
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, "Thân\n");
    free(s);
    s = text_of(doc, TCPL_TEXT_BODY | TCPL_TEXT_HEADERS);
    assert_string_equal(s, "Thân\n== word/header1.xml ==\nUBND TỈNH\nTrang 1\n"
                           "== word/footer1.xml ==\nChân trang\n");
    free(s);
    tcpl_doc_free(doc);
}

/* ---- tables --------------------------------------------------------------- */

#define TC(pr, x) "<w:tc><w:tcPr>" pr "</w:tcPr>" x "</w:tc>"

static void test_table_spans_merges(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol/>"
        "<w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr>" TC("<w:gridSpan w:val=\"2\"/>", P(R("STT và nội dung")))
            TC("<w:vMerge w:val=\"restart\"/>", P(R("Ghi chú")) P(R("dòng 2"))) "</w:tr>"
        "<w:tr>" TC("", P(R("1"))) TC("", P(R("Rà soát"))) TC("<w:vMerge/>", P("")) "</w:tr>"
        "</w:tbl>" P(R("Sau bảng")));
    const tcpl_block *t = tcpl_doc_block(doc, 0);
    assert_int_equal(t->kind, TCPL_BLOCK_TABLE);
    assert_int_equal(t->rows, 2);
    assert_int_equal(t->cols, 3);
    assert_int_equal(t->child_count, 2);
    /* 0 table, 1 row, 2 cell, 3 p, 4 cell, 5 p, 6 p, 7 row, 8 cell, 9 p, 10 cell, 11 p, 12 cell, 13 p */
    const tcpl_block *c0 = tcpl_doc_block(doc, 2), *c1 = tcpl_doc_block(doc, 4),
                     *c5 = tcpl_doc_block(doc, 12);
    assert_int_equal(c0->kind, TCPL_BLOCK_CELL);
    assert_int_equal(c0->grid_span, 2);
    assert_int_equal(c0->col, 0);
    assert_int_equal(c1->col, 2);
    assert_int_equal(c1->vmerge, TCPL_VMERGE_RESTART);
    assert_int_equal(c1->child_count, 2);
    assert_int_equal(c5->vmerge, TCPL_VMERGE_CONTINUE);
    assert_int_equal(c5->row, 1);
    assert_int_equal(c5->col, 2);
    const tcpl_block *p = tcpl_doc_block(doc, 11);
    assert_string_equal(p->text, "Rà soát");
    assert_int_equal(p->table, 0);
    assert_int_equal(p->row, 1);
    assert_int_equal(p->col, 1);
    assert_int_equal(p->depth, 3);
    assert_int_equal(p->parent, 10);
    assert_int_equal(tcpl_doc_block(doc, 6)->row, 0);
    assert_int_equal(tcpl_doc_block(doc, 6)->col, 2);
    const tcpl_block *after = para(doc, 6);
    assert_string_equal(after->text, "Sau bảng");
    assert_int_equal(after->table, -1);
    assert_int_equal(after->depth, 0);
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, "STT và nội dung\tGhi chú dòng 2\n1\tRà soát\t\nSau bảng\n");
    free(s);
    tcpl_doc_free(doc);
}

/* w:gridBefore shifts a row's cells: their col is the grid column. */
static void test_table_grid_before(void **state)
{
    (void)state;
    tcpl_doc *doc = read1("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/>"
                          "<w:tblGridChange w:id=\"9\"><w:tblGrid><w:gridCol/><w:gridCol/>"
                          "</w:tblGrid></w:tblGridChange></w:tblGrid>"
                          "<w:tr>" TC("", P(R("a"))) TC("", P(R("b"))) TC("", P(R("c"))) "</w:tr>"
                          "<w:tr><w:trPr><w:gridBefore w:val=\"2\"/><w:wBefore w:w=\"100\"/>"
                          "</w:trPr>" TC("", P(R("z"))) "</w:tr></w:tbl>");
    const tcpl_block *t = tcpl_doc_block(doc, 0);
    assert_int_equal(t->cols, 3); /* the old grid inside tblGridChange is not counted */
    /* 0 tbl, 1 tr, 2-7 cells and paragraphs, 8 tr, 9 tc, 10 p */
    assert_int_equal(tcpl_doc_block(doc, 9)->kind, TCPL_BLOCK_CELL);
    assert_int_equal(tcpl_doc_block(doc, 9)->col, 2);
    assert_int_equal(tcpl_doc_block(doc, 10)->col, 2);
    assert_string_equal(tcpl_doc_block(doc, 10)->text, "z");
    tcpl_doc_free(doc);
}

static void test_table_nested(void **state)
{
    (void)state;
    tcpl_doc *doc = read1("<w:tbl><w:tr>" TC("", P(R("A"))) TC(
        "", P(R("B")) "<w:tbl><w:tr>" TC("", P(R("x"))) TC("", P(R("y"))) "</w:tr></w:tbl>" P(
                "")) "</w:tr></w:tbl>");
    /* 0 tbl, 1 tr, 2 tc, 3 A, 4 tc, 5 B, 6 tbl, 7 tr, 8 tc, 9 x, 10 tc, 11 y, 12 p */
    const tcpl_block *inner = tcpl_doc_block(doc, 6), *y = tcpl_doc_block(doc, 11),
                     *last = tcpl_doc_block(doc, 12);
    assert_int_equal(inner->kind, TCPL_BLOCK_TABLE);
    assert_int_equal(inner->table, 0); /* the cell holding it */
    assert_int_equal(inner->row, 0);
    assert_int_equal(inner->col, 1);
    assert_int_equal(inner->depth, 3);
    assert_int_equal(inner->parent, 4);
    /* the inner table's row gives its own coordinates, not the outer cell's column */
    const tcpl_block *inner_row = tcpl_doc_block(doc, 7);
    assert_int_equal(inner_row->kind, TCPL_BLOCK_ROW);
    assert_int_equal(inner_row->table, 6);
    assert_int_equal(inner_row->row, 0);
    assert_int_equal(inner_row->col, -1);
    assert_string_equal(y->text, "y");
    assert_int_equal(y->table, 6);
    assert_int_equal(y->row, 0);
    assert_int_equal(y->col, 1);
    assert_int_equal(y->depth, 6);
    /* back in the outer cell after the inner table */
    assert_int_equal(last->table, 0);
    assert_int_equal(last->col, 1);
    assert_int_equal(last->parent, 4);
    assert_int_equal(tcpl_doc_block(doc, 4)->child_count, 3);
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, "A\tB x y\n");
    free(s);
    tcpl_doc_free(doc);
}

/* Nested tables past TCPL_MAX_NEST containers: refused, not a crash. */
static void test_table_deep_nesting(void **state)
{
    (void)state;
    char *body = malloc(100 * 64 + 64);
    assert_non_null(body);
    body[0] = 0;
    for (int i = 0; i < 60; i++)
        strcat(body, "<w:tbl><w:tr><w:tc>");
    strcat(body, P(R("đáy")));
    for (int i = 0; i < 60; i++)
        strcat(body, "</w:tc></w:tr></w:tbl>");
    tcpl_doc *doc = NULL;
    tcpl_error err;
    int rc = try_read(body, NULL, NULL, &doc, &err);
    assert_int_equal(rc, TCPL_ERR_LIMIT);
    assert_null(doc);
    /* 60 nested tables: the reader's container limit (64) comes first */
    assert_string_equal(err.id, "err.nest_depth");
    assert_string_equal(err.file, "t.docx");
    assert_string_equal(err.where, "word/document.xml");
    /* 20 levels (60 containers) are fine */
    body[0] = 0;
    for (int i = 0; i < 20; i++)
        strcat(body, "<w:tbl><w:tr><w:tc>");
    strcat(body, P(R("đáy")));
    for (int i = 0; i < 20; i++)
        strcat(body, "</w:tc></w:tr></w:tbl>");
    assert_int_equal(try_read(body, NULL, NULL, &doc, &err), 0);
    assert_int_equal(tcpl_doc_block(doc, tcpl_doc_block_count(doc) - 1)->depth, 60);
    tcpl_doc_free(doc);
    free(body);
}

/* Theme fonts: w:asciiTheme names the theme's minor or major Latin font,
 * read from the theme part the main part links to. */
static void test_theme_fonts(void **state)
{
    (void)state;
    static const char theme[] =
        "<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"t\">"
        "<a:themeElements><a:fontScheme name=\"f\">"
        "<a:majorFont><a:latin typeface=\"Cambria\"/><a:ea typeface=\"\"/></a:majorFont>"
        "<a:minorFont><a:latin typeface=\"Times New Roman\"/></a:minorFont>"
        "</a:fontScheme></a:themeElements></a:theme>";
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Target=\"theme/theme1.xml\" Type=\"http://schemas."
        "openxmlformats.org/officeDocument/2006/relationships/theme\"/></Relationships>";
    static const char doc[] =
        "<w:document " TU_W_NS "><w:body>"
        "<w:p><w:r><w:rPr><w:rFonts w:asciiTheme=\"minorHAnsi\" w:ascii=\"Arial\"/></w:rPr>"
        "<w:t>Nhỏ</w:t></w:r><w:r><w:rPr><w:rFonts w:asciiTheme=\"majorHAnsi\"/></w:rPr>"
        "<w:t>Lớn</w:t></w:r><w:r><w:rPr><w:rFonts w:ascii=\"Arial\"/></w:rPr><w:t>Rõ</w:t></w:r>"
        "</w:p></w:body></w:document>";
    tu_part parts[] = {{"word/document.xml", doc, 0},
                       {"word/_rels/document.xml.rels", rels, 0},
                       {"word/theme/theme1.xml", theme, 0}};
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(parts, 3, &data, &len), 0);
    tcpl_doc *d = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_docx_read_memory(&d, ctx, data, len, "t.docx", &err), 0);
    free(data);
    const tcpl_block *p = para(d, 0);
    assert_int_equal(p->run_count, 3);
    assert_string_equal(p->runs[0].font, "Times New Roman"); /* the theme wins over w:ascii */
    assert_string_equal(p->runs[1].font, "Cambria");
    assert_string_equal(p->runs[2].font, "Arial");
    tcpl_doc_free(d);
}

/* ---- styles --------------------------------------------------------------- */

static const char STYLES[] =
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" "
    "w:hAnsi=\"Times New Roman\"/><w:sz w:val=\"26\"/></w:rPr></w:rPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    "</w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Nhan\"><w:name w:val=\"Nhấn đoạn\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:rPr><w:b/><w:sz w:val=\"28\"/></w:rPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"Nghieng\"><w:name w:val=\"Nghiêng\"/>"
    "<w:rPr><w:i/><w:rFonts w:ascii=\"Arial\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
    "<w:basedOn w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Muc\"><w:name w:val=\"Mục\"/>"
    "<w:basedOn w:val=\"Heading2\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr></w:style>";

static void test_style_resolution(void **state)
{
    (void)state;
    tcpl_doc *doc = read3(
        P(R("thường")) P("<w:pPr><w:pStyle w:val=\"Nhan\"/></w:pPr>" R("a")
                             RP("<w:rStyle w:val=\"Nghieng\"/>", "b")
                                 RP("<w:rStyle w:val=\"Nghieng\"/><w:b w:val=\"0\"/><w:u "
                                    "w:val=\"single\"/><w:sz w:val=\"30\"/>",
                                    "c") RP("<w:rFonts w:ascii=\"Calibri\"/>", "d")),
        STYLES, NULL);
    const tcpl_block *p0 = para(doc, 0), *p = para(doc, 1);
    assert_string_equal(p0->style_id, "Normal");
    assert_int_equal(p0->runs[0].size, 26); /* docDefaults */
    assert_string_equal(p0->runs[0].font, "Times New Roman");
    assert_string_equal(p->style_id, "Nhan");
    assert_string_equal(p->style_name, "Nhấn đoạn");
    assert_string_equal(p->text, "abcd");
    assert_int_equal(p->run_count, 4);
    /* paragraph style over defaults */
    assert_int_equal(p->runs[0].flags, TCPL_RUN_BOLD);
    assert_int_equal(p->runs[0].size, 28);
    assert_string_equal(p->runs[0].font, "Times New Roman");
    /* character style over the paragraph style */
    assert_int_equal(p->runs[1].flags, TCPL_RUN_BOLD | TCPL_RUN_ITALIC);
    assert_string_equal(p->runs[1].font, "Arial");
    assert_int_equal(p->runs[1].size, 28);
    /* direct formatting over both */
    assert_int_equal(p->runs[2].flags, TCPL_RUN_ITALIC | TCPL_RUN_UNDERLINE);
    assert_int_equal(p->runs[2].size, 30);
    assert_int_equal(p->runs[3].flags, TCPL_RUN_BOLD);
    assert_string_equal(p->runs[3].font, "Calibri");
    tcpl_doc_free(doc);
}

/* Regression (fuzz, first seed): style ids, names and fonts pointed into
 * the styles part's memory, freed when the read ended.  A second document
 * read in between reuses that memory. */
static void test_style_strings_outlive_read(void **state)
{
    (void)state;
    tcpl_doc *doc = read3(P("<w:pPr><w:pStyle w:val=\"Nhan\"/></w:pPr>" R("a")), STYLES, NULL);
    tcpl_doc *other = read3(P(R("b")),
                            "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"XXXXXXXXXX\"/>"
                            "</w:rPr></w:rPrDefault></w:docDefaults><w:style w:type=\"paragraph\" "
                            "w:styleId=\"YYYY\"><w:name w:val=\"ZZZZZZZZZ\"/></w:style>",
                            NULL);
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->style_id, "Nhan");
    assert_string_equal(p->style_name, "Nhấn đoạn");
    assert_string_equal(p->runs[0].font, "Times New Roman");
    char *json = NULL;
    size_t n;
    tcpl_error err;
    assert_int_equal(tcpl_doc_json(&json, &n, doc, 0, &err), 0);
    assert_non_null(strstr(json, "\"style_name\":\"Nhấn đoạn\""));
    free(json);
    tcpl_doc_free(other);
    tcpl_doc_free(doc);
}

static void test_outline_levels(void **state)
{
    (void)state;
    tcpl_doc *doc = read3(P("<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>" R("I. MỤC ĐÍCH"))
                              P("<w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr>" R("1. Mục đích"))
                                  P("<w:pPr><w:pStyle w:val=\"Muc\"/></w:pPr>" R("2. Yêu cầu"))
                                      P("<w:pPr><w:pStyle w:val=\"Heading1\"/><w:outlineLvl "
                                        "w:val=\"9\"/></w:pPr>" R("thân"))
                                          P("<w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr>" R("trực tiếp"))
                                              P(R("thường")),
                          STYLES, NULL);
    assert_int_equal(para(doc, 0)->outline_level, 0); /* from the name "heading 1" */
    assert_int_equal(para(doc, 1)->outline_level, 1);
    assert_int_equal(para(doc, 2)->outline_level, 1); /* basedOn Heading2 */
    assert_int_equal(para(doc, 2)->align, TCPL_ALIGN_CENTER);
    assert_int_equal(para(doc, 3)->outline_level, -1); /* level 9 = body text */
    assert_int_equal(para(doc, 4)->outline_level, 2);
    assert_int_equal(para(doc, 5)->outline_level, -1);
    tcpl_doc_free(doc);
}

/* ---- numbering ------------------------------------------------------------ */

static const char NUMBERING[] =
    "<w:abstractNum w:abstractNumId=\"0\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"upperRoman\"/>"
    "<w:lvlText w:val=\"%1.\"/><w:suff w:val=\"space\"/></w:lvl>"
    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>"
    "<w:lvlText w:val=\"%2.\"/></w:lvl>"
    "<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/>"
    "<w:lvlText w:val=\"%3)\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>";
static const char NUM_STYLES[] =
    "<w:style w:type=\"paragraph\" w:styleId=\"Muc2\"><w:name w:val=\"Mục 2\"/>"
    "<w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>";
#define NUMPR(lvl) "<w:pPr><w:numPr><w:ilvl w:val=\"" lvl "\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>"

static void test_numbering_labels(void **state)
{
    (void)state;
    tcpl_doc *doc = read3(P(NUMPR("0") R("MỤC ĐÍCH")) P(NUMPR("1") R("Mục đích"))
                              P("<w:pPr><w:pStyle w:val=\"Muc2\"/></w:pPr>" R("Yêu cầu"))
                                  P(NUMPR("2") R("chi tiết")) P(NUMPR("0") R("NỘI DUNG"))
                                      P("<w:pPr><w:pStyle w:val=\"Muc2\"/></w:pPr>" R("Rà soát"))
                                          P("<w:pPr><w:pStyle w:val=\"Muc2\"/><w:numPr><w:numId "
                                            "w:val=\"0\"/></w:numPr></w:pPr>" R("không số")),
                          NUM_STYLES, NUMBERING);
    static const char *labels[] = {"I.", "1.", "2.", "a)", "II.", "1.", ""};
    for (int i = 0; i < 7; i++)
        assert_string_equal(para(doc, i)->label, labels[i]);
    assert_int_equal(para(doc, 0)->label_suffix, ' ');
    assert_int_equal(para(doc, 1)->label_suffix, '\t');
    assert_int_equal(para(doc, 2)->num_id, 1);
    assert_int_equal(para(doc, 2)->ilvl, 1);
    assert_string_equal(para(doc, 2)->text, "Yêu cầu"); /* the label is kept apart */
    char *s = text_of(doc, TCPL_TEXT_BODY);
    assert_string_equal(s, "I. MỤC ĐÍCH\n1. Mục đích\n2. Yêu cầu\na) chi tiết\nII. NỘI DUNG\n"
                           "1. Rà soát\nkhông số\n");
    free(s);
    tcpl_doc_free(doc);
}

/* ---- sections ------------------------------------------------------------- */

static void test_sections(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(
        P(R("Dọc"))
        P("<w:pPr><w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" "
          "w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"709\" w:footer=\"709\" "
          "w:gutter=\"0\"/></w:sectPr></w:pPr>" R("Hết phần một"))
        P(R("Ngang")) "<w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>"
                      "<w:pgMar w:top=\"1701\" w:right=\"1134\" w:bottom=\"1701\" w:left=\"1134\" "
                      "w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr>");
    assert_int_equal(tcpl_doc_section_count(doc), 2);
    const tcpl_section *a = tcpl_doc_section(doc, 0), *b = tcpl_doc_section(doc, 1);
    assert_int_equal(a->page_width, 11906);
    assert_int_equal(a->page_height, 16838);
    assert_int_equal(a->margin_top, 1134);
    assert_int_equal(a->margin_right, 851);
    assert_int_equal(a->margin_left, 1701);
    assert_int_equal(a->header, 709);
    assert_int_equal(a->landscape, 0);
    assert_int_equal(a->last_block, 1);
    assert_int_equal(b->page_width, 16838);
    assert_int_equal(b->landscape, 1);
    assert_int_equal(b->margin_bottom, 1701);
    assert_int_equal(b->footer, 567);
    assert_int_equal(b->last_block, 2);
    /* the break does not show in the text */
    assert_string_equal(para(doc, 1)->text, "Hết phần một");
    tcpl_doc_free(doc);
}

/* ---- Unicode and legacy fonts --------------------------------------------- */

static void test_nfc(void **state)
{
    (void)state;
    /* "Thực hiện" typed with combining marks: u + horn + dot below, e + dot
     * below + circumflex. */
    tcpl_doc *doc = read1(P(R("Thu\xCC\x9B\xCC\xA3") R("c hie\xCC\xA3\xCC\x82n")));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Thực hiện");
    assert_int_equal(p->text_len, strlen("Thực hiện"));
    assert_int_equal(p->run_count, 1);
    tcpl_doc_free(doc);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* Cannot reach the text rules: well-formed XML is valid UTF-8, so the
     * parser refuses the part first.  Checked here for the message. */
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(try_read(P(R("a\xFF b")), NULL, NULL, &doc, &err), TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.xml_malformed");
    assert_null(doc);
}

static void test_legacy_tcvn3(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(
        P(RP("<w:rFonts w:ascii=\".VnTime\" w:hAnsi=\".VnTime\"/>", "Thùc hiÖn") R(" ngay")));
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Thực hiện ngay");
    assert_int_equal(p->run_count, 2);
    assert_int_equal(p->runs[0].flags, TCPL_RUN_LEGACY);
    assert_int_equal(p->runs[0].length, strlen("Thực hiện"));
    assert_string_equal(p->runs[0].font, ".VnTime");
    tcpl_doc_free(doc);
}

/* ---- limits --------------------------------------------------------------- */

/* TCPL_MAX_PARA_BYTES in lib/src/ooxml/docx.c (docs/limits.md). */
#define MAX_PARA (4u << 20)

/* Letters that deflate poorly, so the part stays under the ratio limit. */
static char *noise(size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (char)('a' + (x >> 16) % 26);
    }
    s[n] = 0;
    return s;
}

static void test_para_limit(void **state)
{
    (void)state;
    size_t n = MAX_PARA / 2 + 10;
    char *half = noise(n);
    char *body = malloc(2 * n + 200);
    assert_non_null(body);
    /* two runs that are each fine and together too long */
    sprintf(body, "<w:p><w:r><w:t>%s</w:t></w:r><w:r><w:t>%s</w:t></w:r></w:p>", half, half);
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(try_read(body, NULL, NULL, &doc, &err), TCPL_ERR_LIMIT);
    assert_null(doc);
    assert_string_equal(err.id, "err.para_too_long");
    assert_string_equal(err.file, "t.docx");
    /* one paragraph each: read */
    sprintf(body, "<w:p><w:r><w:t>%s</w:t></w:r></w:p><w:p><w:r><w:t>%s</w:t></w:r></w:p>", half,
            half);
    assert_int_equal(try_read(body, NULL, NULL, &doc, &err), 0);
    assert_int_equal(para(doc, 1)->text_len, n);
    tcpl_doc_free(doc);
    free(body);
    free(half);
}

/* ---- hostile inputs through the whole reader ------------------------------ */

static const struct {
    hostile_kind kind;
    int code;
    const char *id, *alt_id; /* alt: libxml2 versions differ on DOCTYPE failures */
} HOSTILE[] = {
    {HOSTILE_NOT_ZIP, TCPL_ERR_FORMAT, "err.not_zip", NULL},
    {HOSTILE_EMPTY, TCPL_ERR_FORMAT, "err.empty_file", NULL},
    {HOSTILE_TRUNCATED, TCPL_ERR_FORMAT, "err.zip_corrupt", NULL},
    {HOSTILE_OLE, TCPL_ERR_FORMAT, "err.ole_doc", NULL},
    {HOSTILE_BOMB, TCPL_ERR_LIMIT, "err.zip_entry_size", NULL},
    {HOSTILE_BOMB_LYING, TCPL_ERR_LIMIT, "err.zip_ratio", NULL},
    {HOSTILE_RATIO, TCPL_ERR_LIMIT, "err.zip_ratio", NULL},
    {HOSTILE_BIG_LYING, TCPL_ERR_LIMIT, "err.zip_entry_size", NULL},
    /* 200 MB of letters read once: within the budget, and not XML */
    {HOSTILE_TOTAL, TCPL_ERR_FORMAT, "err.xml_malformed", NULL},
    {HOSTILE_PATH_DOTDOT, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_ABSOLUTE, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_BACKSLASH, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_NUL, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_DUP_CASE, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_ENCRYPTED_AES, TCPL_ERR_FORMAT, "err.zip_encrypted", NULL},
    {HOSTILE_ENCRYPTED_FLAG, TCPL_ERR_FORMAT, "err.zip_encrypted", NULL},
    {HOSTILE_TOO_MANY, TCPL_ERR_LIMIT, "err.zip_entries", NULL},
    {HOSTILE_NO_RELS, TCPL_ERR_FORMAT, "err.no_main_part", NULL},
    {HOSTILE_MAIN_MISSING, TCPL_ERR_FORMAT, "err.no_main_part", NULL},
    {HOSTILE_XLSX, TCPL_ERR_FORMAT, "err.not_wordml", NULL},
    {HOSTILE_RELS_XXE, TCPL_ERR_FORMAT, "err.xml_dtd", "err.xml_malformed"},
    {HOSTILE_XML_MALFORMED, TCPL_ERR_FORMAT, "err.xml_malformed", NULL},
    {HOSTILE_XML_XXE, TCPL_ERR_FORMAT, "err.xml_dtd", NULL},
    {HOSTILE_XML_LAUGHS, TCPL_ERR_FORMAT, "err.xml_dtd", "err.xml_malformed"},
    {HOSTILE_XML_DEEP, TCPL_ERR_LIMIT, "err.xml_depth", NULL},
};

static void test_hostile_all(void **state)
{
    (void)state;
    assert_int_equal(sizeof HOSTILE / sizeof *HOSTILE, HOSTILE_COUNT);
    for (size_t i = 0; i < HOSTILE_COUNT; i++) {
        unsigned char *data;
        size_t len;
        assert_int_equal(HOSTILE[i].kind, (hostile_kind)i);
        assert_int_equal(hostile_make(HOSTILE[i].kind, &data, &len), 0);
        tcpl_doc *doc = (tcpl_doc *)&len; /* must be reset to NULL */
        tcpl_error err;
        int rc = tcpl_docx_read_memory(&doc, ctx, data, len, "x.docx", &err);
        free(data);
        print_message("%-16s -> %d %s [%s]\n", hostile_name(HOSTILE[i].kind), rc,
                      err.id ? err.id : "(none)", err.where);
        assert_int_equal(rc, HOSTILE[i].code);
        assert_int_equal(err.code, rc);
        assert_null(doc);
        assert_non_null(err.id);
        if (!HOSTILE[i].alt_id || strcmp(err.id, HOSTILE[i].alt_id) != 0)
            assert_string_equal(err.id, HOSTILE[i].id);
        assert_string_equal(err.file, "x.docx");
        char msg[1024];
        tcpl_error_format(ctx, &err, msg, sizeof msg);
        assert_non_null(strstr(msg, "x.docx"));
        assert_null(strchr(msg, '\n'));
    }
}

/* ---- model invariants and JSON -------------------------------------------- */

static void test_json_model(void **state)
{
    (void)state;
    tcpl_doc *doc = read1("<w:tbl><w:tr>" TC("", P(R("ô"))) "</w:tr></w:tbl>" P(R("đoạn")));
    char *s = NULL;
    size_t n;
    tcpl_error err;
    assert_int_equal(tcpl_doc_json(&s, &n, doc, TCPL_JSON_PRETTY, &err), 0);
    json_error_t je;
    json_t *root = json_loadb(s, n, 0, &je);
    assert_non_null(root);
    json_t *blocks = json_object_get(root, "blocks");
    assert_int_equal(json_array_size(blocks), tcpl_doc_block_count(doc));
    for (size_t i = 0; i < json_array_size(blocks); i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(blocks, i), "index")),
                         i);
    json_t *last = json_array_get(blocks, 4);
    assert_string_equal(json_string_value(json_object_get(last, "text")), "đoạn");
    assert_string_equal(json_string_value(json_object_get(root, "file")), "t.docx");
    json_decref(root);
    free(s);
    tcpl_doc_free(doc);
}

/* A file name that is not UTF-8 (Linux allows any bytes) must not make the
 * JSON fail (it did: json_string() refused it and the dump said "out of
 * memory"): it is shown with U+FFFD. */
static void test_json_non_utf8_name(void **state)
{
    (void)state;
    tcpl_doc *doc = tu_body_doc(ctx, P(R("a")), "k\xE1\xBA ho\xFF.docx");
    tcpl_error err;
    char *s = NULL;
    size_t n;
    assert_int_equal(tcpl_doc_json(&s, &n, doc, 0, &err), 0);
    json_error_t je;
    json_t *root = json_loadb(s, n, 0, &je);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "file")),
                        /* one U+FFFD per bad byte, as nfc_into does */
                        "k\xEF\xBF\xBD\xEF\xBF\xBD ho\xEF\xBF\xBD.docx");
    json_decref(root);
    free(s);
    tcpl_doc_free(doc);
}

static void test_empty_body(void **state)
{
    (void)state;
    tcpl_doc *doc = read1("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr>");
    assert_int_equal(tcpl_doc_block_count(doc), 0);
    assert_int_equal(tcpl_doc_section_count(doc), 1);
    assert_int_equal(tcpl_doc_section(doc, 0)->last_block, -1);
    char *s = text_of(doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS);
    assert_string_equal(s, "");
    free(s);
    tcpl_doc_free(doc);
}

/* ---- bounded work and memory (issue 7) ------------------------------------ */

/* A DOCX whose document.xml is built by the caller (malloc'd body). */
static int read_opts(const char *document, size_t mem_limit, tcpl_doc **doc, tcpl_error *err)
{
    tu_part parts[] = {{"word/document.xml", document, 0}};
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(parts, 1, &data, &len), 0);
    tcpl_read_opts opts = {mem_limit};
    int rc = tcpl_docx_read_memory_opts(doc, ctx, data, len, "t.docx", &opts, err);
    free(data);
    return rc;
}

/* The longest run of non-starters (combining marks) between starters. */
static size_t longest_mark_run(const char *s, size_t n)
{
    size_t best = 0, run = 0, i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        assert_true(k > 0);
        run = utf8proc_get_property(cp)->combining_class ? run + 1 : 0;
        if (run > best)
            best = run;
        i += (size_t)k;
    }
    return best;
}

/* 4,000 marks in descending canonical class after one letter: utf8proc
 * sorts a run of marks in quadratic time (40,000 took 30 s).  The run is
 * cut every TCPL_MAX_COMBINING_MARKS marks by a CGJ (stream-safe text),
 * so normalising is linear; the marks are all kept and the text is NFC. */
static void test_nfc_mark_run(void **state)
{
    (void)state;
    static const char *marks[] = {"\xCC\x95" /* U+0315 ccc 232 */, "\xCC\x81" /* U+0301 230 */,
                                  "\xCC\x96" /* U+0316 220 */, "\xCC\xB4" /* U+0334 1 */};
    size_t n = 4000;
    char *body = malloc(n * 2 + 100);
    assert_non_null(body);
    strcpy(body, "<w:p><w:r><w:t>a");
    size_t at = strlen(body);
    for (size_t i = 0; i < n; i++) {
        memcpy(body + at, marks[i % 4], 2);
        at += 2;
    }
    strcpy(body + at, "</w:t></w:r></w:p>");
    tcpl_doc *doc = read1(body);
    const tcpl_block *p = para(doc, 0);
    assert_true(longest_mark_run(p->text, p->text_len) <= TCPL_MAX_COMBINING_MARKS);
    /* one CGJ (U+034F) before every 31st mark */
    size_t cgj = 0;
    for (const char *q = p->text; (q = strstr(q, "\xCD\x8F")) != NULL; q += 2)
        cgj++;
    assert_int_equal(cgj, (n - 1) / TCPL_MAX_COMBINING_MARKS);
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)p->text);
    assert_non_null(nfc);
    assert_string_equal((const char *)nfc, p->text);
    free(nfc);
    tcpl_doc_free(doc);
    free(body);
}

/* 3,000 paragraphs whose marks are deleted join into one: each piece of
 * text is appended once (the carried text was copied back and forth, 40 s
 * and 268 MB for a larger chain). */
static void test_carry_linear(void **state)
{
    (void)state;
    size_t n = 3000;
    tcpl_buf b;
    tcpl_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        tcpl_buf_puts(&b, P(MARK_DEL R("mười byte ")));
    tcpl_buf_puts(&b, P(R("hết")));
    assert_true(tcpl_buf_ok(&b));
    tcpl_doc *doc = read1(b.data);
    assert_int_equal(count_kind(doc, TCPL_BLOCK_PARAGRAPH), 1);
    const tcpl_block *p = para(doc, 0);
    size_t piece = strlen("mười byte ");
    assert_int_equal(p->text_len, n * piece + strlen("hết"));
    assert_int_equal(p->run_count, 1);
    assert_memory_equal(p->text, "mười byte mười byte ", 2 * piece);
    /* the reader's own count of bytes put into paragraph texts */
    assert_int_equal(doc->stats.text_bytes, p->text_len);
    tcpl_doc_free(doc);
    tcpl_buf_free(&b);
}

/* 200,000 empty elements nobody reads (different attributes, so the part
 * compresses like real XML): each was a 56-byte event (2.7 GB peak for a
 * 564 KB file); now they cost nothing.  Then 200,000 w:r, which the reader
 * does keep: the per-document budget refuses them as they are parsed. */
static void test_dense_elements(void **state)
{
    (void)state;
    size_t n = 200000;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "<w:document " TU_W_NS " xmlns:x=\"urn:x\"><w:body><w:p>" R("Đầu"));
    uint32_t r = 1;
    for (size_t i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        tcpl_buf_printf(&b, "<x:a k=\"%08X\"/>", (unsigned)r);
    }
    tcpl_buf_puts(&b, R("cuối") "</w:p></w:body></w:document>");
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_opts(b.data, 0, &doc, &err), 0);
    assert_string_equal(para(doc, 0)->text, "Đầucuối");
    assert_true(doc->stats.events_peak < 40);
    assert_true(doc->stats.mem_peak < b.len / 4); /* was 56 bytes per 16-byte element */
    tcpl_doc_free(doc);

    tcpl_buf_reset(&b);
    tcpl_buf_puts(&b, "<w:document " TU_W_NS "><w:body><w:p>");
    for (size_t i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        tcpl_buf_printf(&b, "<w:r w:rsidR=\"%08X\"/>", (unsigned)r);
    }
    tcpl_buf_puts(&b, "</w:p></w:body></w:document>");
    size_t limit = 4u << 20;
    assert_int_equal(read_opts(b.data, limit, &doc, &err), TCPL_ERR_LIMIT);
    assert_null(doc);
    assert_string_equal(err.id, "err.doc_memory");
    assert_string_equal(err.where, "word/document.xml");
    /* within the default budget it reads, and costs what its events cost */
    assert_int_equal(read_opts(b.data, 0, &doc, &err), 0);
    assert_true(doc->stats.events_peak >= n);
    assert_true(doc->stats.mem_peak < 2 * n * 64 + (1u << 20));
    tcpl_doc_free(doc);

    /* 100,000 empty paragraphs: their events fit in 12 MB, their blocks
     * (168 bytes each) do not: the model is counted as it grows */
    tcpl_buf_reset(&b);
    tcpl_buf_puts(&b, "<w:document " TU_W_NS "><w:body>");
    for (size_t i = 0; i < n / 2; i++) {
        r = r * 1103515245u + 12345u;
        tcpl_buf_printf(&b, "<w:p w:rsidR=\"%08X\"/>", (unsigned)r);
    }
    tcpl_buf_puts(&b, "</w:body></w:document>");
    limit = 12u << 20;
    assert_int_equal(read_opts(b.data, limit, &doc, &err), TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.doc_memory");
    assert_int_equal(read_opts(b.data, 0, &doc, &err), 0);
    assert_int_equal(tcpl_doc_block_count(doc), n / 2);
    assert_true(doc->stats.mem_peak > limit);
    tcpl_doc_free(doc);
    tcpl_buf_free(&b);
}

/* A 5 MB w:t is refused once it passes the paragraph limit, while it is
 * parsed: the text never reaches 8 MB of buffers (it took 250-400 MB). */
static void test_wt_refused_while_reading(void **state)
{
    (void)state;
    size_t n = 5u << 20;
    char *text = noise(n);
    char *body = malloc(n + 1000);
    assert_non_null(body);
    sprintf(body, "<w:document " TU_W_NS "><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body>"
                  "</w:document>", text);
    tcpl_doc *doc = NULL;
    tcpl_error err;
    /* a budget of 5 MB: only a refusal during parsing stays inside it */
    assert_int_equal(read_opts(body, 5u << 20, &doc, &err), TCPL_ERR_LIMIT);
    assert_null(doc);
    assert_string_equal(err.id, "err.para_too_long");
    assert_string_equal(err.where, "word/document.xml");
    free(body);
    free(text);
}

/* ---- reading what is valid ------------------------------------------------ */

#define STRICT_W "http://purl.oclc.org/ooxml/wordprocessingml/main"

/* Word's "Strict Open XML Document": the same vocabulary in other
 * namespaces, lengths with units.  It printed nothing and exited 0. */
static void test_strict(void **state)
{
    (void)state;
    tu_part parts[] = {
        {"word/document.xml",
         "<w:document xmlns:w=\"" STRICT_W "\" "
         "xmlns:r=\"http://purl.oclc.org/ooxml/officeDocument/relationships\"><w:body>"
         "<w:p><w:pPr><w:pStyle w:val=\"Dam\"/></w:pPr><w:r><w:t>Văn bản Strict</w:t></w:r></w:p>"
         "<w:sectPr><w:pgSz w:w=\"21cm\" w:h=\"29.7cm\"/></w:sectPr></w:body></w:document>",
         0},
        {"word/styles.xml",
         "<w:styles xmlns:w=\"" STRICT_W "\"><w:style w:type=\"paragraph\" w:styleId=\"Dam\">"
         "<w:name w:val=\"Đậm\"/><w:rPr><w:b/></w:rPr></w:style></w:styles>",
         0},
    };
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_parts(parts, 2, &doc, &err), 0);
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Văn bản Strict");
    assert_string_equal(p->style_name, "Đậm");
    assert_int_equal(p->runs[0].flags & TCPL_RUN_BOLD, TCPL_RUN_BOLD);
    assert_int_equal(tcpl_doc_section(doc, 0)->page_width, 11906);
    assert_int_equal(tcpl_doc_section(doc, 0)->page_height, 16838);
    tcpl_doc_free(doc);
}

/* A main part without a w:body (here WordML 2003, another namespace) is an
 * error naming the namespace, never an empty success. */
static void test_no_body(void **state)
{
    (void)state;
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_opts("<w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/"
                               "word/2003/wordml\"><w:body><w:p/></w:body></w:wordDocument>",
                               0, &doc, &err),
                     TCPL_ERR_FORMAT);
    assert_null(doc);
    assert_string_equal(err.id, "err.no_body");
    assert_non_null(strstr(err.detail, "2003/wordml"));
}

/* Runs, paragraphs and text boxes inside mc:AlternateContent are read
 * once: the first Choice the reader understands, else the Fallback.  Only
 * text boxes were read before. */
static void test_alternate_runs(void **state)
{
    (void)state;
#define ALT(req, choice, fallback)                                                                 \
    "<mc:AlternateContent><mc:Choice Requires=\"" req "\">" choice "</mc:Choice><mc:Fallback>"    \
        fallback "</mc:Fallback></mc:AlternateContent>"
    /* paragraph level: w14 is understood */
    body_is(DOC(P(R("Căn cứ ") ALT("w14", R("Luật A"), R("Luật B")) R("."))), "Căn cứ Luật A.\n");
    /* an unknown requirement: the Fallback */
    body_is(DOC(P(R("Căn cứ ") ALT("aink", R("mực"), R("Luật B")) R("."))), "Căn cứ Luật B.\n");
    /* run level */
    body_is(DOC(P("<w:r>" ALT("wps", "<w:t>một</w:t>", "<w:t>hai</w:t>") "</w:r>")), "một\n");
    /* block level, with a table in the branch */
    body_is(DOC(ALT("w14 wps", P(R("Đoạn")) "<w:tbl><w:tr><w:tc>" P(R("ô")) "</w:tc></w:tr></w:tbl>",
                    P(R("Dự phòng"))) P(R("Sau"))),
            "Đoạn\nô\nSau\n");
    /* no understood Choice and no Fallback: nothing */
    body_is(DOC(P(R("A") "<mc:AlternateContent><mc:Choice Requires=\"cx\">" R("B")
                  "</mc:Choice></mc:AlternateContent>")),
            "A\n");
#undef ALT
}

/* A numbering label longer than the old 64-byte buffer is kept whole, and
 * one beyond TCPL_MAX_LABEL_BYTES is cut at a character boundary. */
static void test_long_label(void **state)
{
    (void)state;
    tcpl_buf lvl;
    tcpl_buf_init(&lvl);
    tcpl_buf_puts(&lvl, "Điều %1. ");
    for (int i = 0; i < 30; i++)
        tcpl_buf_puts(&lvl, "Mục lớn ");
    tcpl_buf_puts(&lvl, "%1");
    tcpl_buf num;
    tcpl_buf_init(&num);
    tcpl_buf_printf(&num,
                    "<w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
                    "<w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%s\"/></w:lvl>"
                    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/>"
                    "<w:lvlText w:val=\"",
                    lvl.data);
    for (int i = 0; i < 600; i++)
        tcpl_buf_puts(&num, "ộ"); /* 1,800 bytes */
    tcpl_buf_puts(&num, "\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\">"
                        "<w:abstractNumId w:val=\"1\"/></w:num>");
    tcpl_doc *doc = read3(P(NUMPR("0") R("Một")) P(NUMPR("1") R("Hai")), NULL, num.data);
    tcpl_buf want;
    tcpl_buf_init(&want);
    tcpl_buf_puts(&want, "Điều 1. ");
    for (int i = 0; i < 30; i++)
        tcpl_buf_puts(&want, "Mục lớn ");
    tcpl_buf_puts(&want, "1");
    assert_string_equal(para(doc, 0)->label, want.data);
    const char *l2 = para(doc, 1)->label;
    assert_int_equal(strlen(l2), TCPL_MAX_LABEL_BYTES / 3 * 3);
    assert_true(utf8proc_decompose((const utf8proc_uint8_t *)l2, 0, NULL, 0, UTF8PROC_NULLTERM) >= 0);
    char *json = NULL;
    size_t len;
    tcpl_error err;
    assert_int_equal(tcpl_doc_json(&json, &len, doc, 0, &err), 0);
    free(json);
    tcpl_doc_free(doc);
    tcpl_buf_free(&want);
    tcpl_buf_free(&num);
    tcpl_buf_free(&lvl);
}

/* Page sizes and margins out of range are "not said" (0), never a wrapped
 * negative number; a negative top margin (Word's "exactly") stays. */
static void test_page_ranges(void **state)
{
    (void)state;
    tcpl_doc *doc = read1("<w:sectPr><w:pgSz w:w=\"99999999999\" w:h=\"-16838\"/>"
                          "<w:pgMar w:top=\"-1440\" w:bottom=\"4294967296\" w:left=\"1701\" "
                          "w:right=\"1e400\" w:header=\"nan\" w:footer=\"720\"/></w:sectPr>");
    const tcpl_section *s = tcpl_doc_section(doc, 0);
    assert_int_equal(s->page_width, 0);
    assert_int_equal(s->page_height, 0);
    assert_int_equal(s->margin_top, -1440);
    assert_int_equal(s->margin_bottom, 0);
    assert_int_equal(s->margin_left, 1701);
    assert_int_equal(s->margin_right, 0);
    assert_int_equal(s->header, 0);
    assert_int_equal(s->footer, 720);
    tcpl_doc_free(doc);
}

/* A drop cap (w:framePr w:dropCap) is the first letter of the next
 * paragraph's first word, as Word shows it. */
static void test_drop_cap(void **state)
{
    (void)state;
    tcpl_doc *doc = read1(P("<w:pPr><w:framePr w:dropCap=\"drop\" w:lines=\"3\"/></w:pPr>"
                            "<w:r><w:rPr><w:sz w:val=\"96\"/></w:rPr><w:t>T</w:t></w:r>")
                              P(R("hực hiện Kế hoạch")) P(R("Sau")));
    assert_int_equal(count_kind(doc, TCPL_BLOCK_PARAGRAPH), 2);
    const tcpl_block *p = para(doc, 0);
    assert_string_equal(p->text, "Thực hiện Kế hoạch");
    assert_int_equal(p->runs[0].size, 96);
    tcpl_doc_free(doc);
    /* a frame that is no drop cap stays a paragraph of its own */
    body_is(P("<w:pPr><w:framePr w:dropCap=\"none\"/></w:pPr>" R("Khung")) P(R("Sau")),
            "Khung\nSau\n");
}

/* libxml2 errors are told apart by their codes: a closing tag named
 * "entity" is malformed XML, not a DTD (the English message was searched
 * for "ntity"). */
static void test_xml_error_codes(void **state)
{
    (void)state;
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_opts("<w:document " TU_W_NS "><w:body><w:p></w:entity></w:body>"
                               "</w:document>",
                               0, &doc, &err),
                     TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.xml_malformed");
    assert_int_equal(read_opts("<w:document " TU_W_NS "><w:body><w:p>&nope;</w:p></w:body>"
                               "</w:document>",
                               0, &doc, &err),
                     TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.xml_dtd");
}

/* opts.keep is asked once per element name and part, not per element. */
static int g_keep_calls;
static int count_keep(const char *ns, const char *local)
{
    g_keep_calls++;
    return tcpl_xml_keep_wml(ns, local);
}

static void test_keep_asked_once_per_name(void **state)
{
    (void)state;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "<w:document xmlns:w=\"" TCPL_NS_W "\"><w:body>");
    for (int i = 0; i < 500; i++)
        tcpl_buf_puts(
            &b, "<w:p><w:r><w:t>x</w:t></w:r><w:bookmarkStart/><w:r><w:t>y</w:t></w:r></w:p>");
    tcpl_buf_puts(&b, "</w:body></w:document>");
    assert_true(tcpl_buf_ok(&b));
    tcpl_xml_opts opts = {count_keep, "t", 0, NULL, NULL};
    tcpl_xml x;
    tcpl_error err;
    g_keep_calls = 0;
    assert_int_equal(
        tcpl_xml_open_opts(&x, b.data, b.len, "t.docx", "word/document.xml", &opts, &err), 0);
    /* document, body, p, r, t, bookmarkStart: 6 names, 3,502 elements */
    assert_true(g_keep_calls <= 6 * 2);
    size_t kept_t = 0;
    for (size_t i = 0; i < x.nev; i++)
        kept_t += x.ev[i].type == TCPL_XML_ELEMENT && !strcmp(x.ev[i].local, "t");
    assert_int_equal(kept_t, 1000);
    tcpl_xml_close(&x);
    tcpl_buf_free(&b);
}

/* A reset arena keeps its chunks (up to the bound) and allocates from them
 * again; one-off blocks larger than a chunk are given back. */
static void test_arena_reset_keeps_chunks(void **state)
{
    (void)state;
    tcpl_arena a;
    tcpl_arena_init(&a);
    enum { N = 4 * 1024 };
    char *first[N];
    for (int i = 0; i < N; i++) /* 4,096 x 64 bytes: 4 chunks of 64 KB and more */
        assert_non_null(first[i] = tcpl_arena_alloc(&a, 64));
    assert_non_null(tcpl_arena_alloc(&a, 1 << 20)); /* a one-off block */
    size_t kept = tcpl_arena_reset(&a, (size_t)3 << 16);
    assert_int_equal(kept, (size_t)3 << 16); /* bounded: 3 chunks of the 5 */
    assert_int_equal(a.used_total, 0);
    /* The next allocations land in kept chunks: the first of the reused
     * addresses was handed out before the reset. */
    char *p = tcpl_arena_alloc(&a, 64);
    int reused = 0;
    for (int i = 0; i < N && !reused; i++)
        reused = first[i] == p;
    assert_true(reused);
    assert_int_equal(p[0], 0); /* zeroed as always */
    /* A second reset with nothing new keeps the same three. */
    assert_int_equal(tcpl_arena_reset(&a, (size_t)8 << 20), (size_t)3 << 16);
    tcpl_arena_free(&a);
    tcpl_arena_free(&a); /* safe twice */
}

/* The reader's list of elements is sorted (it is searched by bsearch). */
static void test_keep_list_sorted(void **state)
{
    (void)state;
    const char *const *names;
    size_t n = tcpl_xml_wml_names(&names);
    assert_true(n > 50);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(names[i - 1], names[i]) < 0);
    assert_true(tcpl_xml_keep_wml(TCPL_NS_W, "p"));
    assert_false(tcpl_xml_keep_wml(TCPL_NS_W, "rsid"));
}

static int setup(void **state)
{
    (void)state;
    ctx = tu_ctx();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tcpl_ctx_free(ctx);
    return 0;
}

/* ---- parts read once, one memory budget (issue 8) ------------------------- */

#define REL(id, type, target)                                                                      \
    "<Relationship Id=\"" id "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"    \
    "relationships/" type "\" Target=\"" target "\"/>"

/* The main part named again as a header and as footnotes, and one header
 * under two relationship types: each part is read once. */
static void test_main_part_once(void **state)
{
    (void)state;
    tu_part parts[] = {
        {"word/document.xml", DOC(P(R("Thân một")) P(R("Thân hai"))), 0},
        {"word/header1.xml", "<w:hdr " TU_W_NS ">" P(R("Đầu trang")) "</w:hdr>", 0},
        {"word/_rels/document.xml.rels",
         "<?xml version=\"1.0\"?><Relationships "
         "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" REL(
             "rId1", "header", "document.xml") REL("rId2", "footer", "/word/DOCUMENT.xml")
             REL("rId3", "header", "header1.xml") REL("rId4", "footer", "header1.xml")
                 REL("rId5", "footnotes", "document.xml") "</Relationships>",
         0},
    };
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(read_parts(parts, 3, &doc, &err), 0);
    /* two body paragraphs and the header's one, each part inflated and
     * parsed once (the bytes read are the two parts') */
    assert_int_equal(tcpl_doc_block_count(doc), 3);
    assert_int_equal(tcpl_doc_xml_bytes(doc), strlen(parts[0].content) + strlen(parts[1].content));
    char *s = text_of(doc, TCPL_TEXT_BODY | TCPL_TEXT_HEADERS | TCPL_TEXT_NOTES);
    assert_string_equal(s, "Thân một\nThân hai\n== word/header1.xml ==\nĐầu trang\n");
    free(s);
    tcpl_doc_free(doc);
}

/* styles.xml and numbering.xml of ~0.4 MB each (1.9 and 1.4 MB read): each fits in 2.5 MB
 * budget alone, together they do not — they count against the document's
 * one budget (TCPL_MAX_DOC_MEMORY in the reader), not each against its own. */
static void test_parts_share_budget(void **state)
{
    (void)state;
    tcpl_buf sty, num;
    tcpl_buf_init(&sty);
    tcpl_buf_init(&num);
    tcpl_buf_puts(&sty, "<w:styles " TU_W_NS ">");
    for (int i = 0; i < 4000; i++)
        tcpl_buf_printf(&sty,
                        "<w:style w:type=\"paragraph\" w:styleId=\"S%d\"><w:name w:val=\"s %d\"/>"
                        "<w:rPr><w:b/></w:rPr></w:style>",
                        i, i);
    tcpl_buf_puts(&sty, "</w:styles>");
    tcpl_buf_puts(&num, "<w:numbering " TU_W_NS ">");
    for (int i = 0; i < 1200; i++)
        tcpl_buf_printf(&num,
                        "<w:abstractNum w:abstractNumId=\"%d\"><w:lvl w:ilvl=\"0\"><w:start "
                        "w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%%1.\"/>"
                        "</w:lvl></w:abstractNum><w:num w:numId=\"%d\"><w:abstractNumId "
                        "w:val=\"%d\"/></w:num>",
                        i, i + 1, i);
    tcpl_buf_puts(&num, "</w:numbering>");
    assert_true(tcpl_buf_ok(&sty) && tcpl_buf_ok(&num));
    const char *body = DOC(P("<w:pPr><w:pStyle w:val=\"S7\"/><w:numPr><w:ilvl w:val=\"0\"/>"
                             "<w:numId w:val=\"3\"/></w:numPr></w:pPr>" R("Một")));
    size_t limit = (size_t)5 << 19; /* 2.5 MB */
    for (int which = 0; which < 3; which++) {
        tu_part parts[3] = {{"word/document.xml", body, 0}};
        size_t n = 1;
        if (which != 1)
            parts[n++] = (tu_part){"word/styles.xml", sty.data, sty.len};
        if (which != 0)
            parts[n++] = (tu_part){"word/numbering.xml", num.data, num.len};
        unsigned char *data;
        size_t len;
        assert_int_equal(tu_build_docx(parts, n, &data, &len), 0);
        tcpl_read_opts opts = {limit};
        tcpl_doc *doc = NULL;
        tcpl_error err;
        int rc = tcpl_docx_read_memory_opts(&doc, ctx, data, len, "t.docx", &opts, &err);
        free(data);
        if (which < 2) {
            assert_int_equal(rc, 0);
            assert_string_equal(para(doc, 0)->label, which == 1 ? "1." : "");
            tcpl_doc_free(doc);
        } else {
            assert_int_equal(rc, TCPL_ERR_LIMIT);
            assert_string_equal(err.id, "err.doc_memory");
        }
    }
    tcpl_buf_free(&sty);
    tcpl_buf_free(&num);
}

/* ---- the part cache and the reusable reader (issue 8) --------------------- */

typedef struct corpus_run {
    char **files;
    size_t n;
    char **want; /* JSON of each file read alone, or "error <id>" */
    tcpl_part_cache *cache;
    int failures;
} corpus_run;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *result_of(int rc, tcpl_doc *doc, const tcpl_error *err)
{
    char *s = NULL;
    size_t n;
    if (rc < 0) {
        s = malloc(300);
        if (s)
            snprintf(s, 300, "error %s %s", err->id ? err->id : "?", err->detail);
        return s;
    }
    tcpl_error e;
    if (tcpl_doc_json(&s, &n, doc, 0, &e) < 0)
        return NULL;
    return s;
}

/* Every file of the corpus, three times over, through one reader. */
static void *read_all(void *arg)
{
    corpus_run *cr = arg;
    tcpl_reader *r = NULL;
    tcpl_error err;
    if (tcpl_reader_new(&r, ctx, cr->cache, &err) < 0)
        return (void *)1;
    int bad = 0;
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < cr->n; i++) {
            tcpl_doc *doc = NULL;
            int rc = tcpl_reader_read(r, &doc, cr->files[i], &err);
            char *got = result_of(rc, doc, &err);
            if (!got || strcmp(got, cr->want[i]) != 0)
                bad++;
            free(got);
            tcpl_doc_free(doc);
        }
    tcpl_reader_free(r);
    return bad ? (void *)1 : NULL;
}

static void test_cache_corpus(void **state)
{
    (void)state;
    const char *dir = tu_corpus();
    if (!dir)
        skip();
    corpus_run cr = {0};
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    size_t cap = 0;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 5, ".docx") != 0)
            continue;
        if (cr.n == cap) {
            cap = cap ? cap * 2 : 16;
            cr.files = realloc(cr.files, cap * sizeof *cr.files);
            assert_non_null(cr.files);
        }
        cr.files[cr.n++] = tu_corpus_file(de->d_name);
    }
    closedir(d);
    assert_true(cr.n > 0);
    qsort(cr.files, cr.n, sizeof *cr.files, cmp_str);
    cr.want = calloc(cr.n, sizeof *cr.want);
    assert_non_null(cr.want);
    for (size_t i = 0; i < cr.n; i++) {
        tcpl_doc *doc = NULL;
        tcpl_error err;
        int rc = tcpl_docx_read(&doc, ctx, cr.files[i], &err);
        cr.want[i] = result_of(rc, doc, &err);
        assert_non_null(cr.want[i]);
        tcpl_doc_free(doc);
    }
    /* One reader without a cache, one with: the same results. */
    assert_null(read_all(&cr));
    tcpl_error err;
    assert_int_equal(tcpl_part_cache_new(&cr.cache, 0, &err), 0);
    assert_null(read_all(&cr));
    /* Parts seen twice were parsed for the cache and shared after. */
    assert_true(tcpl_cache_entries(cr.cache) > 0);
    tcpl_part_cache_free(cr.cache);
    /* Two threads, one reader each, one cache. */
    assert_int_equal(tcpl_part_cache_new(&cr.cache, 0, &err), 0);
    pthread_t th[2];
    for (int t = 0; t < 2; t++)
        assert_int_equal(pthread_create(&th[t], NULL, read_all, &cr), 0);
    for (int t = 0; t < 2; t++) {
        void *res;
        assert_int_equal(pthread_join(th[t], &res), 0);
        assert_null(res);
    }
    tcpl_part_cache_free(cr.cache);
    for (size_t i = 0; i < cr.n; i++) {
        free(cr.files[i]);
        free(cr.want[i]);
    }
    free(cr.files);
    free(cr.want);
}

/* A cache too small for any part: still the same results (read as usual). */
static void test_cache_bounded(void **state)
{
    (void)state;
    const char *styles =
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:rPr><w:b/>"
        "</w:rPr></w:style>";
    unsigned char *data;
    size_t len;
    assert_int_equal(hostile_docx(P(R("Một")), styles, NULL, &data, &len), 0);
    tcpl_part_cache *small = NULL, *big = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_part_cache_new(&small, 1, &err), 0);
    assert_int_equal(tcpl_part_cache_new(&big, 0, &err), 0);
    tcpl_reader *rs = NULL, *rb = NULL;
    assert_int_equal(tcpl_reader_new(&rs, ctx, small, &err), 0);
    assert_int_equal(tcpl_reader_new(&rb, ctx, big, &err), 0);
    for (int i = 0; i < 3; i++) {
        tcpl_doc *a = NULL, *b = NULL;
        assert_int_equal(tcpl_reader_read_memory(rs, &a, data, len, "t.docx", &err), 0);
        assert_int_equal(tcpl_reader_read_memory(rb, &b, data, len, "t.docx", &err), 0);
        assert_int_equal(para(a, 0)->runs[0].flags & TCPL_RUN_BOLD, TCPL_RUN_BOLD);
        assert_int_equal(para(b, 0)->runs[0].flags & TCPL_RUN_BOLD, TCPL_RUN_BOLD);
        tcpl_doc_free(a);
        tcpl_doc_free(b);
    }
    assert_int_equal(tcpl_cache_entries(small), 0);
    assert_int_equal(tcpl_cache_entries(big), 1);
    tcpl_reader_free(rs);
    tcpl_reader_free(rb);
    tcpl_part_cache_free(small);
    tcpl_part_cache_free(big);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_merge_rsid),
        cmocka_unit_test(test_run_formatting_separate),
        cmocka_unit_test(test_field_complex),
        cmocka_unit_test(test_field_nested),
        cmocka_unit_test(test_field_unterminated),
        cmocka_unit_test(test_field_no_separate),
        cmocka_unit_test(test_field_spanning),
        cmocka_unit_test(test_field_unbalanced),
        cmocka_unit_test(test_field_nesting_limit),
        cmocka_unit_test(test_fld_simple),
        cmocka_unit_test(test_tracked_ins_del),
        cmocka_unit_test(test_tracked_move),
        cmocka_unit_test(test_flags_on_tabs),
        cmocka_unit_test(test_tracked_deleted_mark),
        cmocka_unit_test(test_tracked_deleted_mark_last),
        cmocka_unit_test(test_tab_breaks),
        cmocka_unit_test(test_hyphens),
        cmocka_unit_test(test_sym),
        cmocka_unit_test(test_sdt_block_and_inline),
        cmocka_unit_test(test_inline_wrappers),
        cmocka_unit_test(test_textbox_once),
        cmocka_unit_test(test_textbox_nested_alternate),
        cmocka_unit_test(test_alternate_fallback_only),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_text_nested_boxes_and_empty_note),
        cmocka_unit_test(test_headers_footers),
        cmocka_unit_test(test_main_part_once),
        cmocka_unit_test(test_parts_share_budget),
        cmocka_unit_test(test_cache_corpus),
        cmocka_unit_test(test_cache_bounded),
        cmocka_unit_test(test_table_spans_merges),
        cmocka_unit_test(test_table_grid_before),
        cmocka_unit_test(test_table_nested),
        cmocka_unit_test(test_theme_fonts),
        cmocka_unit_test(test_table_deep_nesting),
        cmocka_unit_test(test_style_resolution),
        cmocka_unit_test(test_style_strings_outlive_read),
        cmocka_unit_test(test_outline_levels),
        cmocka_unit_test(test_numbering_labels),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_legacy_tcvn3),
        cmocka_unit_test(test_para_limit),
        cmocka_unit_test(test_hostile_all),
        cmocka_unit_test(test_json_model),
        cmocka_unit_test(test_json_non_utf8_name),
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_nfc_mark_run),
        cmocka_unit_test(test_carry_linear),
        cmocka_unit_test(test_dense_elements),
        cmocka_unit_test(test_wt_refused_while_reading),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_no_body),
        cmocka_unit_test(test_alternate_runs),
        cmocka_unit_test(test_long_label),
        cmocka_unit_test(test_page_ranges),
        cmocka_unit_test(test_drop_cap),
        cmocka_unit_test(test_xml_error_codes),
        cmocka_unit_test(test_keep_list_sorted),
        cmocka_unit_test(test_arena_reset_keeps_chunks),
        cmocka_unit_test(test_keep_asked_once_per_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
