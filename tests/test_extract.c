/* Extraction: golden JSON for every corpus rendering (tests/golden/extract,
 * written from the seed texts), block addresses, the samples' known
 * defects, and one small built document per recognition rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

static tcpl_ctx *ctx;
static tcpl_extractor *ex;

typedef struct {
    tcpl_doc *doc;
    tcpl_extraction *x;
    json_t *json;
} result;

static void run_doc(result *r, tcpl_doc *doc)
{
    tcpl_error err;
    r->doc = doc;
    assert_int_equal(tcpl_extract(&r->x, ex, doc, &err), 0);
    char *s = NULL;
    size_t len;
    assert_int_equal(tcpl_extraction_json(&s, &len, r->x, 0, &err), 0);
    json_error_t je;
    r->json = json_loads(s, 0, &je);
    assert_non_null(r->json);
    free(s);
}

static void run_file(result *r, const char *path)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    int rc = tcpl_docx_read(&doc, ctx, path, &err);
    if (rc < 0)
        print_error("%s: %s %s\n", path, err.id ? err.id : "", err.detail);
    assert_int_equal(rc, 0);
    run_doc(r, doc);
}

static void run_xml(result *r, const char *body)
{
    tcpl_doc *doc = tu_body_doc(ctx, body, "t.docx");
    run_doc(r, doc);
}

static void done(result *r)
{
    json_decref(r->json);
    tcpl_extraction_free(r->x);
    tcpl_doc_free(r->doc);
}

/* Drops "file", "block", the "..._block" keys (renderings differ in block
 * numbering) and "auto_label" (Word's numbering or typed text), and
 * undoes smart typography (pandoc and LibreOffice print … and curly
 * quotes where the seed has ... and straight ones). */
static json_t *normalize(json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            size_t kl = strlen(k);
            if (strcmp(k, "file") && strcmp(k, "block") && strcmp(k, "auto_label") &&
                !(kl >= 6 && !strcmp(k + kl - 6, "_block")))
                json_object_set_new(o, k, normalize(x));
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) json_array_append_new(a, normalize(x));
        return a;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *o = malloc(strlen(s) * 3 + 1);
        size_t n = 0;
        while (*s) {
            if (!strncmp(s, "\xe2\x80\xa6", 3)) {
                memcpy(o + n, "...", 3);
                n += 3;
                s += 3;
            } else if (!strncmp(s, "\xe2\x80\x9c", 3) || !strncmp(s, "\xe2\x80\x9d", 3)) {
                o[n++] = '"';
                s += 3;
            } else {
                o[n++] = *s++;
            }
        }
        o[n] = 0;
        json_t *r = json_string(o);
        free(o);
        return r;
    }
    return json_incref(v);
}

static void assert_json_equal(const char *what, const char *key, json_t *a, json_t *b)
{
    if (json_equal(a, b))
        return;
    char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT);
    size_t i = 0;
    while (sa[i] && sa[i] == sb[i])
        i++;
    size_t from = i > 100 ? i - 100 : 0;
    print_error("%s: \"%s\" differs at %zu:\n  expected …%.200s\n  got      …%.200s\n", what, key,
                i, sa + from, sb + from);
    free(sa);
    free(sb);
    fail();
}

/* Without the corpus every corpus test is skipped, each through TU_SKIP
 * so the run's summary counts it (tu_corpus also logs why and, under
 * TCPL_REQUIRE_CORPUS=1, fails the binary instead). */
#define NEED_CORPUS()                                                                              \
    do {                                                                                           \
        if (!tu_corpus())                                                                          \
            TU_SKIP("no corpus (set TCPL_CORPUS)");                                                \
    } while (0)

static const char *seeds[] = {"000", "001", "003"};
static const char *styles[] = {"plain", "word", "numbered", "nasty", "table",
                               "libreoffice", "pandoc", "tcvn3"};
/* Keys whose values must match for every rendering.  The pandoc and
 * LibreOffice renderings of seeds 001 and 003 join soft line breaks into
 * run-on paragraphs ("I. MỤC ĐÍCH, YÊU CẦU 1. Mục đích - Triển khai ..."),
 * so their section tree cannot match; everything else must. */
static const char *keys_all[] = {"kind",   "number",    "number_blank", "symbol",
                                 "authority", "national_header", "place", "date",
                                 "title",  "citations", "deadlines",  "recipients",
                                 "signer", "sections",  "activities"};
enum { KEYS_RUNON = 13 };

/* Extracts SEED-STYLE.docx from the corpus into r; 0 if that rendering
 * does not exist (only seed 000 has a TCVN3 one). */
static int run_rendering(result *r, const char *seed, const char *style, char *name, size_t size)
{
    snprintf(name, size, "%s-%s.docx", seed, style);
    char *path = tu_corpus_file(name);
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    if (f)
        run_file(r, path);
    free(path);
    return f != NULL;
}

static void golden_every_rendering(void **state)
{
    (void)state;
    NEED_CORPUS();
    int compared = 0;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        char gpath[128];
        snprintf(gpath, sizeof gpath, "tests/golden/extract/%s.json", seeds[s]);
        json_error_t je;
        json_t *golden = json_load_file(gpath, 0, &je);
        if (!golden)
            print_error("%s: %s\n", gpath, je.text);
        assert_non_null(golden);
        json_t *gn = normalize(golden);
        for (size_t k = 0; k < sizeof styles / sizeof styles[0]; k++) {
            char name[64];
            result r;
            if (!run_rendering(&r, seeds[s], styles[k], name, sizeof name))
                continue;
            /* The plain rendering must match exactly, blocks included. */
            if (!strcmp(styles[k], "plain")) {
                json_t *g2 = json_deep_copy(golden);
                json_object_set_new(g2, "file", json_string(json_string_value(
                                                    json_object_get(r.json, "file"))));
                assert_json_equal(name, "(all)", g2, r.json);
                json_decref(g2);
            }
            json_t *rn = normalize(r.json);
            int runon = strcmp(seeds[s], "000") != 0 &&
                        (!strcmp(styles[k], "pandoc") || !strcmp(styles[k], "libreoffice"));
            size_t nkeys = runon ? KEYS_RUNON : sizeof keys_all / sizeof keys_all[0];
            for (size_t i = 0; i < nkeys; i++)
                assert_json_equal(name, keys_all[i], json_object_get(gn, keys_all[i]),
                                  json_object_get(rn, keys_all[i]));
            json_decref(rn);
            done(&r);
            compared++;
        }
        json_decref(gn);
        json_decref(golden);
    }
    assert_true(compared >= 22);
}

/* Every item's block holds the text it was taken from. */
/* Block `block` holds needle[0..n); an empty needle is a test error (it
 * would be found anywhere). */
static int block_has(const tcpl_doc *doc, int block, const char *needle, size_t n)
{
    TU_ASSERT_NONEMPTY(n, "the text looked for");
    const tcpl_block *b = tcpl_doc_block(doc, (size_t)block);
    if (!b || b->kind != TCPL_BLOCK_PARAGRAPH)
        return 0;
    for (size_t i = 0; i + n <= b->text_len; i++)
        if (!memcmp(b->text + i, needle, n))
            return 1;
    return 0;
}

static void blocks_point_at_their_text(void **state)
{
    (void)state;
    NEED_CORPUS();
    int renderings = 0;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
        for (size_t k = 0; k < sizeof styles / sizeof styles[0]; k++) {
            char name[64];
            result r;
            if (!run_rendering(&r, seeds[s], styles[k], name, sizeof name))
                continue;
            renderings++;
            /* every rendering of a plan has sections and a kind line: the
             * loops and the kind check below never run empty */
            TU_ASSERT_NONEMPTY(tcpl_extraction_section_count(r.x), name);
            assert_true(tcpl_extraction_meta(r.x)->kind_block >= 0);
            for (size_t i = 0; i < tcpl_extraction_section_count(r.x); i++) {
                const tcpl_xsection *sec = tcpl_extraction_section(r.x, i);
                size_t n = strlen(sec->title);
                if (!block_has(r.doc, sec->block, sec->title, n > 20 ? 20 : n)) {
                    print_error("%s: section %s at block %d\n", name, sec->label, sec->block);
                    fail();
                }
            }
            for (size_t i = 0; i < tcpl_extraction_citation_count(r.x); i++) {
                const tcpl_xcitation *c = tcpl_extraction_citation(r.x, i);
                const char *slash = strchr(c->number, '/');
                size_t n = slash ? (size_t)(slash - c->number) : strlen(c->number);
                assert_true(block_has(r.doc, c->block, c->number, n));
            }
            for (size_t i = 0; i < tcpl_extraction_deadline_count(r.x); i++) {
                const tcpl_xdeadline *d = tcpl_extraction_deadline(r.x, i);
                assert_true(block_has(r.doc, d->block, d->text, strlen(d->text)));
            }
            const tcpl_xmeta *m = tcpl_extraction_meta(r.x);
            assert_true(block_has(r.doc, m->kind_block, m->kind, strlen(m->kind)));
            done(&r);
        }
    /* 3 seeds in 7 styles, and seed 000 in TCVN3 too */
    assert_true(renderings >= 22);
}

static const tcpl_xactivity *activity_titled(const tcpl_extraction *x, const char *prefix, int nth)
{
    for (size_t i = 0; i < tcpl_extraction_activity_count(x); i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(x, i);
        if (!strncmp(a->title, prefix, strlen(prefix)) && nth-- == 0)
            return a;
    }
    return NULL;
}

static const tcpl_xcitation *citation(const tcpl_extraction *x, const char *number)
{
    for (size_t i = 0; i < tcpl_extraction_citation_count(x); i++)
        if (!strcmp(tcpl_extraction_citation(x, i)->number, number))
            return tcpl_extraction_citation(x, i);
    return NULL;
}

/* samples/README.md lists each sample's defects; extraction must expose
 * every one of them for the checker. */
static void sample_commune_plan(void **state)
{
    (void)state;
    result r;
    run_file(&r, "build/samples/kh-xa-2025.docx");
    const tcpl_xmeta *m = tcpl_extraction_meta(r.x);
    assert_string_equal(m->kind, "KẾ HOẠCH");
    assert_true(m->number_blank);                 /* defect 1 */
    assert_string_equal(m->symbol, "KH-UBND");
    assert_false(m->date.complete);               /* defect 2 */
    assert_string_equal(m->date.iso, "2025");
    assert_string_equal(m->place, "Phú Thịnh");
    assert_true(m->national_header);
    const tcpl_xcitation *c = citation(r.x, "25/2021/QĐ-TTg");
    assert_non_null(c);
    assert_string_equal(c->date, "2021-08-22");   /* defect 3: as printed */
    assert_non_null(citation(r.x, "619/QĐ-TTg")); /* defect 4 */
    /* defect 5: the first "2.2." item's lead line has no label */
    const tcpl_xactivity *a = activity_titled(r.x, "Duy trì chuyên mục", 0);
    assert_non_null(a);
    assert_true(a->missing & TCPL_FIELD_LEAD);
    assert_true(a->unlabelled >= 1);
    /* defect 6: two sections labelled 2.2., both siblings under II.2 */
    int twotwo = 0, parent = -2;
    for (size_t i = 0; i < tcpl_extraction_section_count(r.x); i++) {
        const tcpl_xsection *s = tcpl_extraction_section(r.x, i);
        if (!strcmp(s->label, "2.2.")) {
            twotwo++;
            if (parent != -2)
                assert_int_equal(s->parent, parent);
            parent = s->parent;
        }
    }
    assert_int_equal(twotwo, 2);
    /* defect 7 and 9: the unit names as printed and normalised */
    a = activity_titled(r.x, "Củng cố, kiện toàn tổ hòa giải", 0);
    assert_non_null(a);
    int saw_variant = 0;
    for (size_t i = 0; i < a->nsupport; i++)
        if (strstr(a->support[i].printed, "Sở Tư Pháp"))
            saw_variant = 1;
    assert_true(saw_variant);
    assert_true(a->time.invalid || a->time.end == NULL); /* defect 8: 31/02/2026 */
    a = activity_titled(r.x, "Hưởng ứng Ngày Pháp luật", 0);
    assert_non_null(a);
    assert_int_equal(a->nlead, 1);
    assert_string_equal(a->lead[0].printed, "UBND xã");
    assert_string_equal(a->lead[0].canonical, "Ủy ban nhân dân xã");
    /* defect 10 */
    a = activity_titled(r.x, "Công khai thông tin", 0);
    assert_non_null(a);
    assert_true(a->missing & TCPL_FIELD_TIME);
    /* The table-built activity still has all its fields. */
    a = activity_titled(r.x, "Tổ chức hội nghị quán triệt", 0);
    assert_non_null(a);
    assert_string_equal(a->time.start, "2026-02-01");
    assert_int_equal(a->missing, 0);
    assert_string_equal(tcpl_extraction_signer(r.x)->capacity, "TM. ỦY BAN NHÂN DÂN");
    done(&r);
}

static void sample_conclusion_and_remediation(void **state)
{
    (void)state;
    result k, p;
    run_file(&k, "build/samples/kl-kiem-tra-2025.docx");
    run_file(&p, "build/samples/kh-khac-phuc-2026.docx");
    const tcpl_xmeta *km = tcpl_extraction_meta(k.x);
    assert_string_equal(km->kind, "KẾT LUẬN");
    assert_string_equal(km->number, "1126/KL-STP");
    assert_string_equal(km->symbol, "KL-STP");
    assert_string_equal(km->date.iso, "2025-12-19");
    int saw_plan_deadline = 0;
    for (size_t i = 0; i < tcpl_extraction_deadline_count(k.x); i++)
        if (!strcmp(tcpl_extraction_deadline(k.x, i)->date, "2026-01-15"))
            saw_plan_deadline = 1;
    assert_true(saw_plan_deadline);
    /* The remediation plan cites the conclusion by its number. */
    assert_non_null(citation(p.x, "1126/KL-STP"));
    const tcpl_xmeta *pm = tcpl_extraction_meta(p.x);
    assert_string_equal(pm->number, "07/KH-UBND");
    assert_int_equal(tcpl_extraction_activity_count(p.x), 4); /* 5 shortcomings, one unanswered */
    const tcpl_xactivity *a = tcpl_extraction_activity(p.x, 2);
    assert_true(a->missing & TCPL_FIELD_TIME); /* item II.3 has no deadline */
    assert_true(a->cause[0] && a->solution[0]);
    a = tcpl_extraction_activity(p.x, 0);
    assert_string_equal(a->time.end, "2026-05-31"); /* later than the conclusion allows */
    const tcpl_xsigner *s = tcpl_extraction_signer(p.x);
    assert_string_equal(s->capacity, "");
    assert_string_equal(s->deputy, "KT. CHỦ TỊCH");
    assert_string_equal(s->title, "PHÓ CHỦ TỊCH");
    done(&k);
    done(&p);
}

static void sample_old_provincial_plan(void **state)
{
    (void)state;
    result r;
    run_file(&r, "build/samples/kh-tinh-2022.docx");
    /* Heading numbers come only from the heading styles' numbering. */
    assert_true(tcpl_extraction_section_count(r.x) >= 10);
    assert_string_equal(tcpl_extraction_section(r.x, 0)->label, "I.");
    static const struct {
        const char *title, *kind, *start, *end;
        int recurring;
    } want[] = {
        {"Ban hành văn bản hướng dẫn", "quarter", "2022-10-01", "2022-12-31", 0},
        {"Kiện toàn Hội đồng", "quarter", "2022-04-01", "2022-06-30", 0},
        {"Thông tin, truyền thông", "recurring", NULL, NULL, 1},
        {"Tập huấn nghiệp vụ", "deferred", NULL, NULL, 0},
        {"Tổ chức đánh giá, công nhận", "range", "2022-01-01", "2025-12-31", 0},
        {"Sơ kết một năm", "month", "2023-03-01", "2023-03-31", 0},
        {"Kiểm tra, hướng dẫn", "recurring", NULL, NULL, 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const tcpl_xactivity *a = activity_titled(r.x, want[i].title, 0);
        if (!a)
            print_error("no activity %s\n", want[i].title);
        assert_non_null(a);
        assert_string_equal(tcpl_time_kind_name(a->time.kind), want[i].kind);
        if (want[i].start)
            assert_string_equal(a->time.start, want[i].start);
        if (want[i].end)
            assert_string_equal(a->time.end, want[i].end);
        assert_int_equal(a->time.recurring, want[i].recurring);
    }
    done(&r);
}

/* ---- rules on small built documents ------------------------------- */

#define P(t) "<w:p><w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r></w:p>"
#define PI(label, value)                                                                           \
    "<w:p><w:r><w:t xml:space=\"preserve\">- </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>" label   \
    "</w:t></w:r><w:r><w:t xml:space=\"preserve\">" value "</w:t></w:r></w:p>"
#define HEAD                                                                                       \
    P("ỦY BAN NHÂN DÂN") P("XÃ AN BÌNH") P("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")                \
    P("Độc lập - Tự do - Hạnh phúc") P("Số: 12/KH-UBND") P("An Bình, ngày 05 tháng 01 năm 2026")   \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>"           \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>Triển khai thực hiện năm 2026</w:t>"  \
    "</w:r></w:p>" P("Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ;")

static void rule_header_in_paragraphs(void **state)
{
    (void)state;
    result r;
    run_xml(&r, HEAD P("I. MỤC ĐÍCH"));
    const tcpl_xmeta *m = tcpl_extraction_meta(r.x);
    assert_string_equal(m->authority, "ỦY BAN NHÂN DÂN XÃ AN BÌNH");
    assert_true(m->national_header);
    assert_string_equal(m->number, "12/KH-UBND");
    assert_false(m->number_blank);
    assert_string_equal(m->date.iso, "2026-01-05");
    assert_true(m->date.complete);
    assert_int_equal(m->date.day_digits, 2);
    /* A centred summary that begins like a basis sentence is the title. */
    assert_string_equal(m->title, "Triển khai thực hiện năm 2026");
    assert_string_equal(tcpl_extraction_citation(r.x, 0)->date, "2021-07-22");
    done(&r);
}

static void rule_kind_and_title_on_one_line(void **state)
{
    (void)state;
    result r;
    run_xml(&r, P("KẾ HOẠCH TRIỂN KHAI CÔNG TÁC NĂM 2026") P("Thực hiện Kế hoạch số 3/KH-UBND "
                                                            "ngày 02/01/2026 của UBND huyện;"));
    assert_string_equal(tcpl_extraction_meta(r.x)->kind, "KẾ HOẠCH");
    assert_string_equal(tcpl_extraction_meta(r.x)->title, "TRIỂN KHAI CÔNG TÁC NĂM 2026");
    done(&r);
}

static void rule_field_label_forms(void **state)
{
    (void)state;
    result r;
    run_xml(&r, HEAD P("II. NỘI DUNG") P("1. Việc thứ nhất")
                /* colon inside the italics */
                PI("Đơn vị chủ trì:", " Văn phòng HĐND và UBND xã.")
                /* colon outside the italics */
                PI("Thời gian thực hiện", ": Quý I năm 2026.")
                /* colon missing */
                PI("Kết quả, sản phẩm", " Báo cáo kết quả.")
                P("2. Việc thứ hai")
                /* two fields in one paragraph */
                P("- Cơ quan chủ trì: Công an xã; thời gian hoàn thành trước ngày 31/3/2026.")
                /* an unlabelled line, then a label printed alone */
                P("- Trung tâm Dịch vụ sự nghiệp công xã.")
                /* a strict label without a colon is text, not a field */
                P("- Phối hợp chặt chẽ với các thôn.")
                P("- Kết quả, sản phẩm") P("- Báo cáo tổng kết."));
    assert_int_equal(tcpl_extraction_activity_count(r.x), 2);
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_string_equal(a->path, "II.1");
    assert_int_equal(a->nlead, 1);
    assert_string_equal(a->lead[0].canonical, "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã");
    assert_string_equal(a->time.text, "Quý I năm 2026");
    assert_string_equal(a->time.start, "2026-01-01");
    assert_string_equal(a->product, "Báo cáo kết quả");
    assert_int_equal(a->missing, 0);
    a = tcpl_extraction_activity(r.x, 1);
    assert_string_equal(a->lead[0].canonical, "Công an xã");
    assert_string_equal(a->time.end, "2026-03-31");
    assert_string_equal(a->product, "Báo cáo tổng kết");
    assert_int_equal(a->unlabelled, 2);
    assert_int_equal(a->nsupport, 0);
    done(&r);
}

static void rule_fields_in_table(void **state)
{
    (void)state;
    result r;
#define CELL(t) "<w:tc>" P(t) "</w:tc>"
    run_xml(&r, HEAD P("II. NỘI DUNG") P("1. Tập huấn")
                "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
                "<w:tr>" CELL("Đơn vị chủ trì") CELL("Công an xã") "</w:tr>"
                "<w:tr>" CELL("Thời gian") "<w:tc>" P("Tháng 3/2026;") P("Tháng 9/2026.") "</w:tc></w:tr>"
                "</w:tbl>");
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_non_null(a);
    assert_string_equal(a->lead[0].canonical, "Công an xã");
    /* A strict label fills a whole label cell; a value may take two paragraphs. */
    assert_string_equal(a->time.text, "Tháng 3/2026; Tháng 9/2026");
    done(&r);
}

static void rule_section_tree_despite_slips(void **state)
{
    (void)state;
    result r;
    run_xml(&r, HEAD P("I. MỤC ĐÍCH") P("II. NỘI DUNG") P("1. Một") P("2. Hai") P("2.1. Hai một")
                P("2.4. Hai bốn") P("2.2.3. Lạc số") P("a) Điểm a") P("đ) Điểm đ")
                P("Hoạt động1: Làm việc") P("III. TỔ CHỨC THỰC HIỆN"));
    /* I., II., 1., 2., 2.1., 2.4., 2.2.3., a), đ), HĐ1, III. */
    assert_int_equal(tcpl_extraction_section_count(r.x), 11);
    const tcpl_xsection *s = tcpl_extraction_section(r.x, 6);
    assert_string_equal(s->label, "2.2.3.");
    assert_int_equal(s->level, 4);
    /* the slip hangs under the item before it, whatever its number says */
    assert_string_equal(tcpl_extraction_section(r.x, (size_t)s->parent)->label, "2.4.");
    assert_string_equal(s->path, "II.2.2.3");
    assert_string_equal(tcpl_extraction_section(r.x, 7)->path, "II.2.2.3.a");
    assert_string_equal(tcpl_extraction_section(r.x, 8)->path, "II.2.2.3.đ");
    assert_int_equal(tcpl_extraction_section(r.x, 8)->parent, 6);
    assert_string_equal(tcpl_extraction_section(r.x, 9)->label, "Hoạt động1");
    assert_int_equal(tcpl_extraction_section(r.x, 10)->level, 1);
    done(&r);
}

static void rule_blank_number_and_date(void **state)
{
    (void)state;
    result r;
    run_xml(&r, P("Số:    /KH-UBND") P("Hà Nội, ngày    tháng    năm 2026") P("KẾ HOẠCH"));
    const tcpl_xmeta *m = tcpl_extraction_meta(r.x);
    assert_true(m->number_blank);
    assert_string_equal(m->number, "");
    assert_string_equal(m->symbol, "KH-UBND");
    assert_false(m->date.complete);
    assert_string_equal(m->date.iso, "2026");
    assert_string_equal(m->place, "Hà Nội");
    done(&r);
}

static void rule_remediation_requires_cause(void **state)
{
    (void)state;
    result r;
    run_xml(&r, P("KẾ HOẠCH") P("Khắc phục hạn chế sau kiểm tra") P("II. NỘI DUNG")
                P("1. Chưa niêm yết công khai") P("- Bộ phận chủ trì: Công chức Tư pháp - Hộ tịch")
                P("- Thời gian khắc phục: Tháng 2/2026"));
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_non_null(a);
    assert_true(a->missing & TCPL_FIELD_CAUSE);
    assert_true(a->missing & TCPL_FIELD_SOLUTION);
    assert_false(a->missing & TCPL_FIELD_TIME);
    done(&r);
}

static void rule_recipients_and_signer(void **state)
{
    (void)state;
    result r;
    run_xml(&r, P("KẾ HOẠCH") P("I. MỤC ĐÍCH") P("Nơi nhận:") P("- Sở Tư pháp (b/c);")
                P("- Các phòng chuyên môn,") P("các thôn, tổ dân phố;") P("- Lưu: VT.")
                "<w:p><w:r><w:t>TM. ỦY BAN NHÂN DÂN</w:t><w:br/><w:t>KT. CHỦ TỊCH</w:t></w:r></w:p>"
                P("PHÓ CHỦ TỊCH") P("(Đã ký)") P("Lê Văn An"));
    assert_int_equal(tcpl_extraction_recipient_count(r.x), 3);
    assert_string_equal(tcpl_extraction_recipient(r.x, 1), "Các phòng chuyên môn, các thôn, tổ dân phố");
    assert_string_equal(tcpl_extraction_recipient(r.x, 2), "Lưu: VT");
    const tcpl_xsigner *s = tcpl_extraction_signer(r.x);
    assert_string_equal(s->capacity, "TM. ỦY BAN NHÂN DÂN");
    assert_string_equal(s->deputy, "KT. CHỦ TỊCH");
    assert_string_equal(s->title, "PHÓ CHỦ TỊCH");
    assert_string_equal(s->name, "Lê Văn An");
    done(&r);
}

/* Converters that lose soft line breaks join the lines of the header and
 * of the signature block: the signer and the title still come out. */
static void runon_signer_and_title(void **state)
{
    (void)state;
    static const struct {
        const char *xml, *capacity, *deputy, *title, *name;
    } cases[] = {
        {P("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH") P("PHÓ CHỦ TỊCH") P("Lê Văn An"),
         "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn An"},
        {P("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH") P("(Đã ký)") P("Lê Văn An"),
         "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn An"},
        {P("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Lê Văn An"), "TM. ỦY BAN NHÂN DÂN", "", "CHỦ TỊCH",
         "Lê Văn An"},
        {P("- Lưu: VT. TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Văn An"),
         "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn An"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[2048];
        snprintf(body, sizeof body, "%s%s",
                 P("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc")
                     P("KẾ HOẠCH Khắc phục hạn chế năm 2026 Thực hiện Kết luận số 1126/KL-STP "
                       "ngày 19/12/2025 của Sở Tư pháp, UBND xã ban hành Kế hoạch như sau:")
                         P("I. MỤC ĐÍCH") P("Nơi nhận:") P("- Sở Tư pháp;"),
                 cases[i].xml);
        result r;
        run_xml(&r, body);
        const tcpl_xsigner *sg = tcpl_extraction_signer(r.x);
        if (strcmp(sg->capacity, cases[i].capacity) || strcmp(sg->deputy, cases[i].deputy) ||
            strcmp(sg->title, cases[i].title) || strcmp(sg->name, cases[i].name))
            print_error("case %zu: [%s] [%s] [%s] [%s]\n", i, sg->capacity, sg->deputy, sg->title,
                        sg->name);
        assert_string_equal(sg->capacity, cases[i].capacity);
        assert_string_equal(sg->deputy, cases[i].deputy);
        assert_string_equal(sg->title, cases[i].title);
        assert_string_equal(sg->name, cases[i].name);
        const tcpl_xmeta *m = tcpl_extraction_meta(r.x);
        assert_true(m->national_header);
        assert_string_equal(m->title, "Khắc phục hạn chế năm 2026");
        assert_non_null(citation(r.x, "1126/KL-STP"));
        done(&r);
    }
}

/* The pandoc and LibreOffice renderings of seeds 001 and 003 join soft
 * line breaks: their signer and title are those of the plain rendering. */
static void runon_renderings_signer_and_title(void **state)
{
    (void)state;
    NEED_CORPUS();
    static const char *seeds_runon[] = {"001", "003"};
    static const char *styles_runon[] = {"pandoc", "libreoffice"};
    int compared = 0;
    for (size_t s = 0; s < 2; s++) {
        char name[64];
        result plain;
        if (!run_rendering(&plain, seeds_runon[s], "plain", name, sizeof name))
            fail_msg("%s: missing from the corpus", name); /* the corpus is there */
        const tcpl_xsigner *ps = tcpl_extraction_signer(plain.x);
        assert_true(ps->title[0] && ps->name[0]);
        for (size_t k = 0; k < 2; k++) {
            result r;
            if (!run_rendering(&r, seeds_runon[s], styles_runon[k], name, sizeof name))
                continue;
            const tcpl_xsigner *sg = tcpl_extraction_signer(r.x);
            assert_string_equal(sg->capacity, ps->capacity);
            assert_string_equal(sg->deputy, ps->deputy);
            assert_string_equal(sg->title, ps->title);
            assert_string_equal(sg->name, ps->name);
            assert_string_equal(tcpl_extraction_meta(r.x)->title,
                                tcpl_extraction_meta(plain.x)->title);
            assert_string_equal(tcpl_extraction_meta(r.x)->kind,
                                tcpl_extraction_meta(plain.x)->kind);
            done(&r);
            compared++;
        }
        done(&plain);
    }
    assert_int_equal(compared, 4);
}

/* The readable outline of two samples, as reviewed line by line against
 * the documents (tests/golden/extract/NAME.txt). */
static void outline_golden(void **state)
{
    (void)state;
    static const char *names[] = {"kh-tinh-2022", "kh-khac-phuc-2026"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[128], gpath[128];
        snprintf(path, sizeof path, "build/samples/%s.docx", names[i]);
        snprintf(gpath, sizeof gpath, "tests/golden/extract/%s.txt", names[i]);
        result r;
        run_file(&r, path);
        char *got = NULL;
        size_t len;
        tcpl_error err;
        assert_int_equal(tcpl_extraction_outline(&got, &len, r.x, ctx, &err), 0);
        char *want = tu_read_file(gpath, NULL);
        assert_non_null(want);
        assert_string_equal(got, want);
        free(want);
        free(got);
        done(&r);
    }
}

/* Silent truncations are diagnostics that reach the JSON and the outline. */
static void diagnostics_for_cut_lists(void **state)
{
    (void)state;
    result r;
    /* 70 units in one lead field: 64 are kept, and the user is told. */
    char *units = malloc(70 * 40);
    assert_non_null(units);
    size_t n = 0;
    n += (size_t)sprintf(units + n, "Đơn vị chủ trì: ");
    for (int i = 0; i < 70; i++)
        n += (size_t)sprintf(units + n, "%sTổ dân phố số %d", i ? ", " : "", i + 1);
    char *body = malloc(n + 1024);
    assert_non_null(body);
    sprintf(body, HEAD P("II. NỘI DUNG") P("1. Tập huấn") "<w:p><w:r><w:t>%s</w:t></w:r></w:p>",
            units);
    run_xml(&r, body);
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_non_null(a);
    assert_int_equal(a->nlead, 64);
    assert_int_equal(tcpl_extraction_diag_count(r.x), 1);
    const tcpl_xdiag *d = tcpl_extraction_diag(r.x, 0);
    assert_string_equal(d->code, "units_cut");
    assert_string_equal(d->detail, "64");
    assert_true(d->block >= 0);
    json_t *dj = json_array_get(json_object_get(r.json, "diagnostics"), 0);
    assert_string_equal(json_string_value(json_object_get(dj, "code")), "units_cut");
    char *outline;
    size_t len;
    tcpl_error err;
    assert_int_equal(tcpl_extraction_outline(&outline, &len, r.x, ctx, &err), 0);
    assert_non_null(strstr(outline, "chỉ giữ 64 đơn vị đầu"));
    free(outline);
    done(&r);
    free(units);
    free(body);
}

/* A unit field longer than TCPL_UNITS_FIELD_MAX is not split at all; the
 * diagnostic says so.  It used to say "units_cut: only the first 64 are
 * kept" (the split's TCPL_ERR_LIMIT means either) while none was kept. */
static void diagnostics_for_long_unit_field(void **state)
{
    (void)state;
    result r;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, HEAD P("II. NỘI DUNG") P("1. Tập huấn")
                      "<w:p><w:r><w:t>Đơn vị chủ trì: Sở Tư pháp");
    while (b.len < 20000)
        tcpl_buf_puts(&b, " và các cơ quan có liên quan");
    tcpl_buf_puts(&b, "</w:t></w:r></w:p>");
    assert_true(tcpl_buf_ok(&b));
    run_xml(&r, b.data);
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_non_null(a);
    assert_int_equal(a->nlead, 0);
    assert_int_equal(tcpl_extraction_diag_count(r.x), 1);
    const tcpl_xdiag *d = tcpl_extraction_diag(r.x, 0);
    assert_string_equal(d->code, "units_field_long");
    assert_string_equal(d->detail, "16384");
    char *outline;
    size_t len;
    tcpl_error err;
    assert_int_equal(tcpl_extraction_outline(&outline, &len, r.x, ctx, &err), 0);
    TU_ASSERT_CONTAINS(outline, "không tách thành đơn vị");
    free(outline);
    done(&r);
    tcpl_buf_free(&b);
}

/* 70 citations in one paragraph: 64 are kept and the diagnostic says the
 * list was cut.  tcpl_citations_find used to give TCPL_ERR_LIMIT for "more
 * than max" (the status of a pattern limit), so the extractor warned
 * "pattern_limit" and never "citations_cut". */
static void diagnostics_for_cut_citations(void **state)
{
    (void)state;
    result r;
    tcpl_buf t;
    tcpl_buf_init(&t);
    for (int i = 0; i < 70; i++)
        tcpl_buf_printf(&t, "Quyết định số %d/QĐ-UBND; ", i + 1);
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_printf(&b, HEAD P("I. CĂN CỨ") "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", t.data);
    assert_true(tcpl_buf_ok(&b));
    run_xml(&r, b.data);
    assert_int_equal(tcpl_extraction_citation_count(r.x), 65); /* 64 and the one in HEAD */
    int cut = 0, limit = 0;
    for (size_t i = 0; i < tcpl_extraction_diag_count(r.x); i++) {
        const tcpl_xdiag *d = tcpl_extraction_diag(r.x, i);
        cut += !strcmp(d->code, "citations_cut");
        limit += !strcmp(d->code, "pattern_limit");
    }
    assert_int_equal(cut, 1);
    assert_int_equal(limit, 0);
    done(&r);
    tcpl_buf_free(&t);
    tcpl_buf_free(&b);
}

/* The file name is any bytes the system allows.  In JSON it is always
 * valid UTF-8 (a byte that is not becomes U+FFFD, as in the dump), in the
 * outline header control characters are escaped.  Both used to print the
 * raw name: the JSON failed ("out of memory") on a non-UTF-8 name, and a
 * newline or ESC in the name reached the outline as is. */
static void odd_file_names(void **state)
{
    (void)state;
    static const struct {
        const char *name, *json, *header;
    } cases[] = {
        {"a\nb.docx", "a\nb.docx", "== a\\nb.docx ==\n"},
        {"k\x1b[31mh.docx", "k\x1b[31mh.docx", "== k\\x1b[31mh.docx ==\n"},
        {"\xff\xfe\xc3.docx", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD.docx",
         "== \\xff\\xfe\\xc3.docx ==\n"},
        {"Kế hoạch\n\xc3(.docx", "Kế hoạch\n\xEF\xBF\xBD(.docx", "== Kế hoạch\\n\\xc3(.docx ==\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tcpl_doc *doc = tu_body_doc(ctx, HEAD P("I. CĂN CỨ"), cases[i].name);
        tcpl_error err;
        size_t len;
        tcpl_extraction *x = NULL;
        assert_int_equal(tcpl_extract(&x, ex, doc, &err), 0);
        char *s = NULL;
        assert_int_equal(tcpl_extraction_json(&s, &len, x, 0, &err), 0);
        json_error_t je;
        json_t *j = json_loads(s, 0, &je); /* jansson refuses invalid UTF-8 */
        assert_non_null(j);
        assert_string_equal(json_string_value(json_object_get(j, "file")), cases[i].json);
        json_decref(j);
        free(s);
        assert_int_equal(tcpl_extraction_outline(&s, &len, x, ctx, &err), 0);
        assert_memory_equal(s, cases[i].header, strlen(cases[i].header));
        /* the header is one line, and no byte of the name is a control */
        const char *nl = strchr(s, '\n');
        for (const char *p = s; p < nl; p++)
            assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
        free(s);
        tcpl_extraction_free(x);
        tcpl_doc_free(doc);
    }
}

/* The keys of a JSON object, exactly and in order. */
static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
    assert_true(json_is_object(o));
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, k, v)
    {
        (void)v;
        if (i >= n || strcmp(k, keys[i]))
            print_error("key %zu: got \"%s\", want \"%s\"\n", i, k, i < n ? keys[i] : "(end)");
        assert_true(i < n);
        assert_string_equal(k, keys[i]);
        i++;
    }
    assert_int_equal(i, n);
}
#define KEYS(o, ...)                                                                               \
    do {                                                                                           \
        static const char *const k_[] = {__VA_ARGS__};                                             \
        assert_keys(o, k_, sizeof k_ / sizeof k_[0]);                                              \
    } while (0)

/* docs/extract.md: every field the library has, under these keys. */
static void json_has_exactly_the_schema_keys(void **state)
{
    (void)state;
    result r;
    run_file(&r, "build/samples/kh-xa-2025.docx");
    KEYS(r.json, "file", "kind", "number", "number_blank", "symbol", "authority",
         "national_header", "place", "date", "title", "blocks", "citations", "sections",
         "activities", "deadlines", "recipients", "signer", "diagnostics");
    KEYS(json_object_get(r.json, "date"), "text", "iso", "complete", "invalid", "day_digits",
         "month_digits", "block");
    KEYS(json_object_get(r.json, "blocks"), "kind", "number", "authority", "title");
    KEYS(json_array_get(json_object_get(r.json, "citations"), 0), "kind", "number", "date",
         "date_invalid", "date_conflict", "issuer", "text", "mentions", "block");
    KEYS(json_array_get(json_object_get(r.json, "sections"), 0), "label", "title", "path",
         "level", "auto_label", "duplicate_of", "block", "children");
    json_t *a = json_array_get(json_object_get(r.json, "activities"), 0);
    KEYS(a, "path", "title", "lead", "support", "time", "product", "cause", "solution", "notes",
         "present", "missing", "unlabelled", "duplicate_of", "block", "lead_block");
    KEYS(json_object_get(a, "time"), "text", "kind", "start", "end", "recurring", "invalid",
         "block");
    KEYS(json_array_get(json_object_get(a, "lead"), 0), "canonical", "printed", "note");
    KEYS(json_array_get(json_object_get(r.json, "deadlines"), 0), "text", "date", "invalid",
         "block");
    KEYS(json_object_get(r.json, "signer"), "capacity", "deputy", "title", "name", "block");
    done(&r);
}

/* What the library view has, the JSON has: cause and solution of a
 * remediation item, the printed unit names and their notes, the present
 * fields, the blocks, the date's flags. */
static void json_gives_every_field(void **state)
{
    (void)state;
    result r;
    run_file(&r, "build/samples/kh-khac-phuc-2026.docx");
    json_t *acts = json_object_get(r.json, "activities");
    assert_int_equal(json_array_size(acts), tcpl_extraction_activity_count(r.x));
    for (size_t i = 0; i < tcpl_extraction_activity_count(r.x); i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(r.x, i);
        json_t *ja = json_array_get(acts, i);
        assert_string_equal(json_string_value(json_object_get(ja, "cause")), a->cause);
        assert_string_equal(json_string_value(json_object_get(ja, "solution")), a->solution);
        assert_int_equal(json_array_size(json_object_get(ja, "present")),
                         (size_t)__builtin_popcount(a->present));
        assert_int_equal(json_integer_value(json_object_get(ja, "unlabelled")), a->unlabelled);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(ja, "time"), "block")),
                         a->time_block);
        assert_int_equal(json_integer_value(json_object_get(ja, "lead_block")), a->lead_block);
        json_t *lead = json_object_get(ja, "lead");
        assert_int_equal(json_array_size(lead), a->nlead);
        for (size_t k = 0; k < a->nlead; k++) {
            json_t *u = json_array_get(lead, k);
            assert_string_equal(json_string_value(json_object_get(u, "printed")),
                                a->lead[k].printed);
            assert_string_equal(json_string_value(json_object_get(u, "canonical")),
                                a->lead[k].canonical);
        }
    }
    /* The sample's first item gives a cause and a remedy, both in the JSON. */
    json_t *a0 = json_array_get(acts, 0);
    assert_true(strlen(json_string_value(json_object_get(a0, "cause"))) > 10);
    assert_true(strlen(json_string_value(json_object_get(a0, "solution"))) > 10);
    const tcpl_xmeta *m = tcpl_extraction_meta(r.x);
    json_t *d = json_object_get(r.json, "date");
    assert_int_equal(json_is_true(json_object_get(d, "invalid")), m->date.invalid);
    assert_int_equal(json_integer_value(json_object_get(d, "day_digits")), m->date.day_digits);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "blocks"), "kind")),
                     m->kind_block);
    done(&r);
}

/* The outline cuts long titles between words, never inside a syllable,
 * and marks the cut with an ellipsis. */
static void outline_cuts_at_word_boundary(void **state)
{
    (void)state;
    result r;
    run_xml(&r, HEAD P("II. NỘI DUNG")
                P("1. Tổ chức tập huấn chuyên sâu về công tác phổ biến, giáo dục pháp luật cho "
                  "đội ngũ hòa giải viên ở cơ sở trên địa bàn xã năm 2026")
                P("- Đơn vị chủ trì: Công an xã.") P("- Thời gian thực hiện: Quý I năm 2026.")
                P("- Kết quả, sản phẩm: Báo cáo."));
    char *out = NULL;
    size_t len;
    tcpl_error err;
    assert_int_equal(tcpl_extraction_outline(&out, &len, r.x, ctx, &err), 0);
    int lines = 0;
    for (char *p = strstr(out, "Tổ chức tập huấn"); p; p = strstr(p + 1, "Tổ chức tập huấn")) {
        char *e = strchr(p, '\n');
        assert_non_null(e);
        char *ell = strstr(p, "…");
        assert_true(ell && ell < e);
        /* before the ellipsis: a whole word of the title, then one space */
        assert_true(ell[-1] == ' ');
        size_t kept = (size_t)(ell - 1 - p);
        const char *title = tcpl_extraction_section(r.x, 1)->title;
        assert_memory_equal(p, title, kept);
        assert_true(title[kept] == ' ' || title[kept] == ',');
        lines++;
    }
    assert_int_equal(lines, 2); /* the section and the activity */
    free(out);
    done(&r);
}

/* An unlabelled line under an activity is kept as its note; a product the
 * kind requires (required_plan) and the activity lacks is missing. */
static void unlabelled_line_kept_as_note(void **state)
{
    (void)state;
    result r;
    run_xml(&r, HEAD P("II. NỘI DUNG") P("1. Tổ chức sơ kết, tổng kết")
                P("- Cơ quan chủ trì: Sở Tư pháp.") P("- Thời gian thực hiện: Năm 2026.")
                P("- Báo cáo sơ kết, tổng kết.") P("2. Việc thứ hai")
                P("- Cơ quan chủ trì: Công an xã.") P("- Thời gian thực hiện: Năm 2026.")
                P("- Kết quả, sản phẩm: Báo cáo."));
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_non_null(a);
    assert_int_equal(a->nnotes, 1);
    assert_string_equal(a->notes[0], "Báo cáo sơ kết, tổng kết.");
    assert_true(a->missing & TCPL_FIELD_PRODUCT);
    json_t *ja = json_array_get(json_object_get(r.json, "activities"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ja, "notes"), 0)),
                        "Báo cáo sơ kết, tổng kết.");
    assert_string_equal(json_string_value(json_array_get(json_object_get(ja, "missing"), 0)),
                        "product");
    a = tcpl_extraction_activity(r.x, 1);
    assert_int_equal(a->nnotes, 0);
    assert_int_equal(a->missing, 0);
    done(&r);
}

/* A unit list keeps every printed word: the qualifying clause after a
 * unit is its note, in the library view and in the JSON. */
static void unit_clause_kept(void **state)
{
    (void)state;
    result r;
    run_xml(&r, HEAD P("II. NỘI DUNG") P("1. Tự đánh giá")
                P("- Cơ quan chủ trì: Sở Tư pháp, UBND cấp huyện và các cơ quan, đơn vị có liên "
                  "quan đến việc triển khai thực hiện các chỉ tiêu thuộc phạm vi quản lý.")
                P("- Thời gian thực hiện: Năm 2026.") P("- Kết quả, sản phẩm: Báo cáo."));
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_non_null(a);
    assert_int_equal(a->nlead, 3);
    assert_string_equal(a->lead[1].printed, "UBND cấp huyện");
    assert_string_equal(a->lead[1].canonical, "Ủy ban nhân dân cấp huyện");
    assert_string_equal(a->lead[1].note, "");
    assert_string_equal(a->lead[2].printed, "các cơ quan, đơn vị có liên quan");
    assert_string_equal(a->lead[2].note,
                        "đến việc triển khai thực hiện các chỉ tiêu thuộc phạm vi quản lý");
    json_t *u = json_array_get(
        json_object_get(json_array_get(json_object_get(r.json, "activities"), 0), "lead"), 2);
    assert_string_equal(json_string_value(json_object_get(u, "note")), a->lead[2].note);
    assert_string_equal(json_string_value(json_object_get(u, "printed")), a->lead[2].printed);
    done(&r);
}

/* Two items numbered alike: paths stay unique, and the slip is kept. */
static void duplicate_numbers_keep_unique_paths(void **state)
{
    (void)state;
    result r;
    run_xml(&r, HEAD P("II. NỘI DUNG") P("1. Một") P("- Cơ quan chủ trì: Công an xã.")
                P("2. Hai") P("- Cơ quan chủ trì: Sở Tư pháp.") P("2. Hai lần nữa")
                P("- Cơ quan chủ trì: Phòng Tư pháp.") P("a) Điểm a")
                P("- Cơ quan chủ trì: Công an xã.") P("2. Ba lần") P("- Thời gian: Năm 2026."));
    size_t n = tcpl_extraction_activity_count(r.x);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            assert_string_not_equal(tcpl_extraction_activity(r.x, i)->path,
                                    tcpl_extraction_activity(r.x, k)->path);
    const tcpl_xactivity *a1 = tcpl_extraction_activity(r.x, 1);
    const tcpl_xactivity *a2 = tcpl_extraction_activity(r.x, 2);
    assert_string_equal(a1->path, "II.2");
    assert_int_equal(a1->duplicate_of, -1);
    assert_string_equal(a2->path, "II.2#2");
    assert_int_equal(a2->duplicate_of, a1->section);
    assert_int_equal(tcpl_extraction_section(r.x, (size_t)a2->section)->duplicate_of,
                     a1->section);
    assert_string_equal(tcpl_extraction_activity(r.x, 3)->path, "II.2#2.a");
    assert_string_equal(tcpl_extraction_activity(r.x, 4)->path, "II.2#3");
    json_t *ja = json_array_get(json_object_get(r.json, "activities"), 2);
    assert_string_equal(json_string_value(json_object_get(ja, "duplicate_of")), "II.2");
    done(&r);
}

/* Field lines numbered like headings ("2.1.3. Thời gian khắc phục: ...")
 * and field groups ("a) Trách nhiệm của các bộ phận") are fields of their
 * activity: no sections, not in the outline. */
static void field_lines_are_not_headings(void **state)
{
    (void)state;
    result r;
    run_xml(&r, P("KẾ HOẠCH") P("Khắc phục hạn chế sau kiểm tra") P("II. NỘI DUNG")
                P("2. Những nội dung cần khắc phục") P("2.1. Chưa niêm yết công khai")
                P("2.1.1. Nguyên nhân") P("Chưa bố trí người phụ trách.")
                P("2.1.2. Kế hoạch khắc phục") P("a) Trách nhiệm của các bộ phận.")
                P("- Bộ phận chủ trì: Công chức Văn phòng - Thống kê")
                P("b) Nhiệm vụ, giải pháp khắc phục") P("Niêm yết tại trụ sở.")
                P("2.1.3. Thời gian khắc phục: Tháng 3/2026.")
                P("2.2. Chưa lập danh sách") P("- Bộ phận chủ trì: Công chức Tư pháp - Hộ tịch"));
    /* II., 2., 2.1., 2.2. */
    assert_int_equal(tcpl_extraction_section_count(r.x), 4);
    for (size_t i = 0; i < tcpl_extraction_section_count(r.x); i++) {
        const tcpl_xsection *s = tcpl_extraction_section(r.x, i);
        assert_null(strstr(s->title, "Thời gian"));
        assert_null(strstr(s->title, "Trách nhiệm"));
    }
    const tcpl_xactivity *a = tcpl_extraction_activity(r.x, 0);
    assert_string_equal(a->path, "II.2.1");
    assert_string_equal(a->cause, "Chưa bố trí người phụ trách");
    assert_string_equal(a->solution, "Niêm yết tại trụ sở");
    assert_string_equal(a->time.text, "Tháng 3/2026");
    assert_string_equal(a->lead[0].canonical, "Công chức Văn phòng - Thống kê");
    assert_int_equal(a->missing, 0);
    assert_string_equal(tcpl_extraction_activity(r.x, 1)->path, "II.2.2");
    char *out = NULL;
    size_t len;
    tcpl_error err;
    assert_int_equal(tcpl_extraction_outline(&out, &len, r.x, ctx, &err), 0);
    assert_null(strstr(out, "2.1.3."));
    assert_null(strstr(out, "2.1.1."));
    assert_null(strstr(out, "a) Trách nhiệm"));
    free(out);
    done(&r);
}

int main(void)
{
    ctx = tu_ctx();
    tcpl_error err;
    if (tcpl_extractor_new(&ex, ctx, &err) < 0) {
        fprintf(stderr, "extractor: %s %s %s\n", err.id, err.file, err.detail);
        return 1;
    }
    const struct CMUnitTest corpus[] = {
        cmocka_unit_test(golden_every_rendering),
        cmocka_unit_test(blocks_point_at_their_text),
        cmocka_unit_test(runon_renderings_signer_and_title),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_commune_plan),
        cmocka_unit_test(sample_conclusion_and_remediation),
        cmocka_unit_test(sample_old_provincial_plan),
        cmocka_unit_test(rule_header_in_paragraphs),
        cmocka_unit_test(rule_kind_and_title_on_one_line),
        cmocka_unit_test(rule_field_label_forms),
        cmocka_unit_test(rule_fields_in_table),
        cmocka_unit_test(rule_section_tree_despite_slips),
        cmocka_unit_test(rule_blank_number_and_date),
        cmocka_unit_test(rule_remediation_requires_cause),
        cmocka_unit_test(rule_recipients_and_signer),
        cmocka_unit_test(json_has_exactly_the_schema_keys),
        cmocka_unit_test(json_gives_every_field),
        cmocka_unit_test(outline_cuts_at_word_boundary),
        cmocka_unit_test(unlabelled_line_kept_as_note),
        cmocka_unit_test(duplicate_numbers_keep_unique_paths),
        cmocka_unit_test(unit_clause_kept),
        cmocka_unit_test(runon_signer_and_title),
        cmocka_unit_test(field_lines_are_not_headings),
        cmocka_unit_test(diagnostics_for_cut_lists),
        cmocka_unit_test(diagnostics_for_cut_citations),
        cmocka_unit_test(diagnostics_for_long_unit_field),
        cmocka_unit_test(odd_file_names),
        cmocka_unit_test(outline_golden),
    };
    int rc = cmocka_run_group_tests_name("samples and rules", tests, NULL, NULL);
    rc |= cmocka_run_group_tests_name("corpus", corpus, NULL, NULL);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return rc;
}
