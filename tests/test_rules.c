/* Checks (lib/src/rules): every rule type on small built documents, cases
 * that must fire and cases that must not; the shipped packs on the
 * samples' known defects (samples/README.md) and on the corpus; pack
 * validation with file, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

static tcpl_ctx *ctx;
static tcpl_extractor *ex;
static tcpl_checker *ck;

typedef struct {
    tcpl_doc *doc;
    tcpl_extraction *x;
    tcpl_findings *f;
} result;

/* The document checked documents answer (coverage rules), or NULL, and
 * the level they are written for ("xa", "huyen", or NULL). */
static const tcpl_extraction *against;
static const char *level;

static void check_doc(result *r, tcpl_doc *doc, const char *pack)
{
    tcpl_error err;
    r->doc = doc;
    assert_int_equal(tcpl_extract(&r->x, ex, doc, &err), 0);
    const char *packs[] = {pack};
    tcpl_check_options o = {packs, pack ? 1 : 0, against, level};
    int rc = tcpl_check(&r->f, ck, doc, r->x, &o, &err);
    if (rc < 0)
        print_error("check: %s %s %s\n", err.id ? err.id : "", err.file, err.detail);
    assert_int_equal(rc, 0);
}

static void check_file(result *r, const char *path, const char *pack)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_docx_read(&doc, ctx, path, &err), 0);
    check_doc(r, doc, pack);
}

static void check_xml(result *r, const char *body, const char *pack)
{
    tcpl_doc *doc = tu_body_doc(ctx, body, "t.docx");
    check_doc(r, doc, pack);
}

static void done(result *r)
{
    tcpl_findings_free(r->f);
    tcpl_extraction_free(r->x);
    tcpl_doc_free(r->doc);
}

/* The findings of one rule, in order. */
static size_t with_rule(const result *r, const char *rule, const tcpl_finding **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < tcpl_findings_count(r->f); i++) {
        const tcpl_finding *g = tcpl_findings_get(r->f, i);
        if (!strcmp(g->rule, rule)) {
            if (n < max)
                out[n] = g;
            n++;
        }
    }
    return n;
}

static const tcpl_finding *one(const result *r, const char *rule)
{
    const tcpl_finding *g[4];
    size_t n = with_rule(r, rule, g, 4);
    if (n != 1) {
        print_error("rule %s: %zu findings, expected 1\n", rule, n);
        for (size_t i = 0; i < tcpl_findings_count(r->f); i++)
            print_error("  %s: %s\n", tcpl_findings_get(r->f, i)->rule,
                        tcpl_findings_get(r->f, i)->message);
    }
    assert_int_equal(n, 1);
    return g[0];
}

static void none(const result *r, const char *rule)
{
    const tcpl_finding *g[1];
    size_t n = with_rule(r, rule, g, 1);
    if (n)
        print_error("rule %s fired: %s\n", rule, g[0]->message);
    assert_int_equal(n, 0);
}

#define P(t) "<w:p><w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r></w:p>"
#define HEADER(number, date)                                                                       \
    P("ỦY BAN NHÂN DÂN") P("XÃ AN BÌNH") P("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")                \
    P("Độc lập - Tự do - Hạnh phúc") P("Số: " number) P("An Bình, " date)                          \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>"           \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>Xây dựng xã đạt chuẩn tiếp cận "      \
    "pháp luật năm 2026</w:t></w:r></w:p>"
#define HEAD HEADER("12/KH-UBND", "ngày 05 tháng 01 năm 2026")
#define BASIS P("Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ;")
#define CLOSE                                                                                      \
    P("Nơi nhận:") P("- Sở Tư pháp;") P("- Lưu: VT.") P("TM. ỦY BAN NHÂN DÂN") P("CHỦ TỊCH")     \
    P("Nguyễn Văn An")
#define TASK(label, title)                                                                         \
    P(label " " title) P("- Đơn vị chủ trì: Công an xã.") P("- Thời gian thực hiện: Quý I năm 2026.")

/* ---- section -------------------------------------------------------- */

static void type_section(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH, YÊU CẦU") P("II. NỘI DUNG") TASK("1.", "Tập huấn")
                      P("III. TỔ CHỨC THỰC HIỆN") P("Kế hoạch thực hiện./.") CLOSE,
              "ke-hoach-tcpl");
    none(&r, "KH-MUC");
    done(&r);
    /* No organisation section, and content before purpose. */
    check_xml(&r, HEAD BASIS P("I. NỘI DUNG") TASK("1.", "Tập huấn") P("II. MỤC ĐÍCH, YÊU CẦU")
                      CLOSE,
              "ke-hoach-tcpl");
    const tcpl_finding *g[4];
    assert_int_equal(with_rule(&r, "KH-MUC", g, 4), 2);
    int missing = 0, order = 0;
    for (int i = 0; i < 2; i++) {
        missing += strstr(g[i]->message, "Tổ chức thực hiện") != NULL && g[i]->block < 0;
        order += strstr(g[i]->message, "Nội dung") != NULL && g[i]->block >= 0;
    }
    assert_int_equal(missing, 1);
    assert_int_equal(order, 1);
    done(&r);
}

/* ---- field ------------------------------------------------------------ */

static void type_field(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH") P("II. NỘI DUNG") TASK("1.", "Tập huấn")
                      P("2. Tuyên truyền") P("- Đơn vị chủ trì: Công an xã.") P("III. TỔ CHỨC THỰC HIỆN"),
              "ke-hoach-tcpl");
    const tcpl_finding *f = one(&r, "KH-TRUONG");
    assert_string_equal(f->section, "II.2");
    assert_non_null(strstr(f->message, "thời gian thực hiện"));
    assert_non_null(strstr(f->excerpt, "Tuyên truyền"));
    assert_int_equal(f->severity, TCPL_SEV_LOI);
    assert_int_equal(f->category, TCPL_CAT_FIELD);
    done(&r);
}

/* ---- exists / absent ------------------------------------------------------ */

static void type_exists_absent(void **state)
{
    (void)state;
    result r;
    /* Reporting duty in the organisation section of a remediation plan. */
    const char *good = HEAD BASIS P("I. MỤC ĐÍCH") P("II. NỘI DUNG") TASK("1.", "Tập huấn")
        P("III. TỔ CHỨC THỰC HIỆN") P("Công chức Tư pháp báo cáo kết quả về Sở Tư pháp.");
    const char *bad = HEAD BASIS P("I. MỤC ĐÍCH") P("II. NỘI DUNG") TASK("1.", "Tập huấn")
        P("III. TỔ CHỨC THỰC HIỆN") P("Các bộ phận thực hiện nghiêm túc.");
    check_xml(&r, good, "ke-hoach-khac-phuc");
    none(&r, "KP-BAO-CAO");
    done(&r);
    check_xml(&r, bad, "ke-hoach-khac-phuc");
    const tcpl_finding *f = one(&r, "KP-BAO-CAO");
    assert_string_equal(f->section, "III");
    done(&r);
    /* absent: a wrong-case symbol, each hit with what was found and the fix. */
    check_xml(&r, HEAD P("Căn cứ Quyết định số 25/2021/QĐ-TTG ngày 22/7/2021;") P("I. MỤC ĐÍCH"),
              "the-thuc-nd30");
    f = one(&r, "ND30-KY-HIEU-TTG");
    assert_non_null(strstr(f->message, "25/2021/QĐ-TTG"));
    assert_string_equal(f->fix, "QĐ-TTg");
    none(&r, "ND30-TU-LAP");
    done(&r);
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH") P("Thực hiện trong trong năm.") P("Hoạt động1: Họp"),
              "the-thuc-nd30");
    f = one(&r, "ND30-TU-LAP");
    assert_non_null(strstr(f->message, "trong trong"));
    f = one(&r, "ND30-NHAN-DINH-SO");
    assert_non_null(strstr(f->message, "Hoạt động1"));
    none(&r, "ND30-KY-HIEU-TTG");
    done(&r);
}

/* ---- citation ------------------------------------------------------------- */

static void type_citation(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD P("Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/8/2021 của Thủ tướng Chính phủ;")
                      P("Căn cứ Quyết định số 619/QĐ-TTg ngày 08/5/2017 của Thủ tướng Chính phủ;")
                      P("Căn cứ Quyết định số 99/2020/QĐ-TTg ngày 01/02/2020 của Thủ tướng Chính phủ;")
                      P("Căn cứ Kế hoạch số 7/KH-UBND ngày 02/01/2026 của UBND huyện;")
                      P("I. MỤC ĐÍCH"),
              "ke-hoach-tcpl");
    const tcpl_finding *f = one(&r, "KH-NGAY-VAN-BAN-DAN");
    assert_non_null(strstr(f->message, "22/08/2021"));
    assert_non_null(strstr(f->message, "22/07/2021"));
    assert_string_equal(f->fix, "ngày 22/07/2021");
    f = one(&r, "KH-VAN-BAN-HET-HIEU-LUC");
    assert_non_null(strstr(f->message, "619/QĐ-TTg"));
    assert_string_equal(f->fix, "25/2021/QĐ-TTg");
    /* unknown: only national issuers are looked up; a local plan is not */
    f = one(&r, "KH-VAN-BAN-LA");
    assert_non_null(strstr(f->message, "99/2020/QĐ-TTg"));
    none(&r, "KH-CAN-CU-25");
    done(&r);
    /* The right date, and 619 cited by a 2017 plan, are fine; a plan since
     * 25/2021 took effect must cite it. */
    check_xml(&r, HEADER("12/KH-UBND", "ngày 20 tháng 9 năm 2017")
                      P("Căn cứ Quyết định số 619/QĐ-TTg ngày 08/5/2017 của Thủ tướng Chính phủ;")
                      P("I. MỤC ĐÍCH"),
              "ke-hoach-tcpl");
    none(&r, "KH-VAN-BAN-HET-HIEU-LUC");
    none(&r, "KH-NGAY-VAN-BAN-DAN");
    none(&r, "KH-CAN-CU-25");
    done(&r);
    check_xml(&r, HEAD P("Căn cứ Quyết định số 1320/QĐ-BTP ngày 18/8/2021 của Bộ Tư pháp;")
                      P("I. MỤC ĐÍCH"),
              "ke-hoach-tcpl");
    none(&r, "KH-NGAY-VAN-BAN-DAN");
    one(&r, "KH-CAN-CU-25");
    done(&r);
}

/* ---- date ------------------------------------------------------------ */

static void type_date(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEADER("/KH-UBND", "ngày    tháng    năm 2026") BASIS P("I. MỤC ĐÍCH")
                      P("II. NỘI DUNG") P("1. Tập huấn") P("- Đơn vị chủ trì: Công an xã.")
                      P("- Thời gian thực hiện: Trước ngày 30/02/2026."),
              "ke-hoach-tcpl");
    const tcpl_finding *f = one(&r, "KH-NGAY-BAN-HANH");
    assert_string_equal(f->section, "");
    f = one(&r, "KH-NGAY-SAI");
    assert_non_null(strstr(f->message, "30/02/2026"));
    assert_string_equal(f->section, "II.1");
    done(&r);
    /* A deadline before the plan; a cited document dated after it. */
    check_xml(&r, HEADER("12/KH-UBND", "ngày 05 tháng 3 năm 2026") BASIS
                      P("Căn cứ Công văn số 88/UBND-VP ngày 10/3/2026 của UBND xã;")
                      P("I. MỤC ĐÍCH") P("Báo cáo trước ngày 15/02/2026.") P("II. NỘI DUNG")
                      TASK("1.", "Tập huấn"),
              "ke-hoach-tcpl");
    none(&r, "KH-NGAY-BAN-HANH");
    none(&r, "KH-NGAY-SAI");
    f = one(&r, "KH-HAN-TRUOC-NGAY");
    assert_non_null(strstr(f->message, "15/02/2026"));
    f = one(&r, "KH-DAN-SAU-NGAY");
    assert_non_null(strstr(f->message, "88/UBND-VP"));
    done(&r);
    /* vague deadlines in a remediation plan */
    check_xml(&r, HEAD P("Thực hiện Kết luận số 5/KL-STP ngày 02/12/2025 của Sở Tư pháp;")
                      P("I. MỤC ĐÍCH") P("II. KHẮC PHỤC") P("1. Chưa niêm yết")
                      P("- Nguyên nhân: chưa quan tâm.") P("- Bộ phận chủ trì: Công chức Tư pháp.")
                      P("- Nhiệm vụ, giải pháp: niêm yết.")
                      P("- Thời gian khắc phục: Năm 2026 và các năm tiếp theo.") P("2. Chưa họp")
                      P("- Nguyên nhân: chưa quan tâm.") P("- Bộ phận chủ trì: Công chức Tư pháp.")
                      P("- Nhiệm vụ, giải pháp: họp.") P("- Thời gian khắc phục: Trước ngày 20/3/2026."),
              "ke-hoach-khac-phuc");
    f = one(&r, "KP-THOI-HAN-CU-THE");
    assert_string_equal(f->section, "II.1");
    none(&r, "KP-TRUONG");
    none(&r, "KP-DAN-KET-LUAN");
    done(&r);
}

/* ---- numbering --------------------------------------------------------- */

static void type_numbering(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH") P("II. NỘI DUNG") P("1. Một") P("2. Hai") P("2.1. A")
                      P("2.2. B") P("2.2. C") P("2.4. D") P("2.2.3. E") P("a) x") P("b) y")
                      P("d) z") P("3. Ba") P("a) p") P("b) q") P("c) r") P("d) s") P("e) t")
                      P("III. TỔ CHỨC THỰC HIỆN"),
              "ke-hoach-tcpl");
    /* 2.2. twice: one duplicate, fixed by 2.3.; the 2.4. after it is no gap */
    const tcpl_finding *f = one(&r, "KH-SO-TRUNG");
    assert_non_null(strstr(f->excerpt, "2.2. C"));
    assert_string_equal(f->fix, "2.3.");
    /* "2.2.3." under "2.4." */
    f = one(&r, "KH-SO-CHA");
    assert_non_null(strstr(f->message, "2.2.3."));
    assert_non_null(strstr(f->message, "2.4."));
    /* c) missing between b) and d); e) after d) should be đ) */
    const tcpl_finding *g[4];
    assert_int_equal(with_rule(&r, "KH-CHU-CAI", g, 4), 2);
    assert_non_null(strstr(g[0]->message, "\"c)\""));
    assert_non_null(strstr(g[1]->message, "\"đ)\""));
    /* the first child 2.2.3. of 2.4. is out of sequence too */
    assert_int_equal(with_rule(&r, "KH-SO-THU-TU", g, 4), 1);
    assert_non_null(strstr(g[0]->message, "2.2.3."));
    done(&r);
    /* A clean tree raises nothing. */
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH") P("II. NỘI DUNG") P("1. Một") P("1.1. A") P("1.2. B")
                      P("a) x") P("b) y") P("c) z") P("d) w") P("đ) v") P("e) u") P("2. Hai")
                      P("III. TỔ CHỨC THỰC HIỆN"),
              "ke-hoach-tcpl");
    none(&r, "KH-SO-TRUNG");
    none(&r, "KH-SO-CHA");
    none(&r, "KH-CHU-CAI");
    none(&r, "KH-SO-THU-TU");
    done(&r);
}

/* ---- format ------------------------------------------------------------ */

static void type_format(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH") P("Kế hoạch thực hiện./.") CLOSE, "the-thuc-nd30");
    const char *quiet[] = {"ND30-QUOC-HIEU", "ND30-SO",   "ND30-SO-TRONG", "ND30-NGAY-SO-0",
                           "ND30-TEN-LOAI",  "ND30-NOI-NHAN", "ND30-LUU",  "ND30-CHU-KY",
                           "ND30-TM",        "ND30-KET-THUC"};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
        none(&r, quiet[i]);
    done(&r);
    check_xml(&r, P("ỦY BAN NHÂN DÂN XÃ AN BÌNH") P("Số: /KH-UBND") P("An Bình, ngày 5 tháng 1 năm 2026")
                      P("KẾ HOẠCH") P("Xây dựng xã") P("I. MỤC ĐÍCH") P("Nơi nhận:")
                      P("- Sở Tư pháp.") P("KT. CHỦ TỊCH") P("PHÓ CHỦ TỊCH") P("Trần Văn Bình"),
              "the-thuc-nd30");
    one(&r, "ND30-QUOC-HIEU");
    one(&r, "ND30-SO-TRONG");
    const tcpl_finding *f = one(&r, "ND30-NGAY-SO-0");
    assert_string_equal(f->fix, "ngày 05 tháng 01 năm 2026");
    one(&r, "ND30-LUU");
    f = one(&r, "ND30-TM");
    assert_string_equal(f->fix, "TM. ỦY BAN NHÂN DÂN");
    one(&r, "ND30-KET-THUC");
    none(&r, "ND30-CHU-KY");
    done(&r);
}

/* ---- the shipped packs on the samples (samples/README.md) --------------- */

static void sample_commune_plan_defects(void **state)
{
    (void)state;
    result r;
    check_file(&r, "build/samples/kh-xa-2025.docx", NULL);
    assert_string_equal(tcpl_findings_packs(r.f), "ke-hoach-tcpl, the-thuc-nd30");
    one(&r, "ND30-SO-TRONG");                            /* 1 blank number */
    one(&r, "KH-NGAY-BAN-HANH");                         /* 2 blank day and month */
    const tcpl_finding *f = one(&r, "KH-NGAY-VAN-BAN-DAN"); /* 3 wrong date of 25/2021 */
    assert_non_null(strstr(f->message, "25/2021/QĐ-TTg"));
    f = one(&r, "KH-VAN-BAN-HET-HIEU-LUC"); /* 4 replaced 619 cited */
    assert_string_equal(f->section, "II.1.2");
    const tcpl_finding *g[4];
    /* 5 unlabelled lead in the first 2.2.; 10 no time in II.3.1 */
    assert_int_equal(with_rule(&r, "KH-TRUONG", g, 4), 2);
    assert_non_null(strstr(g[0]->excerpt, "Duy trì chuyên mục"));
    assert_non_null(strstr(g[0]->message, "đơn vị chủ trì"));
    assert_string_equal(g[1]->section, "II.3.1");
    assert_non_null(strstr(g[1]->message, "thời gian"));
    f = one(&r, "KH-SO-TRUNG"); /* 6 2.2. twice, should be 2.3. */
    assert_non_null(strstr(f->excerpt, "Củng cố"));
    assert_string_equal(f->fix, "2.3.");
    f = one(&r, "KH-NGAY-SAI"); /* 8 31/02/2026 */
    assert_non_null(strstr(f->message, "31/02/2026"));
    f = one(&r, "CT-DON-VI"); /* 7 Sở Tư Pháp */
    assert_string_equal(f->fix, "Sở Tư pháp tỉnh Lâm Giang");
    f = one(&r, "CT-VIET-TAT"); /* 9 UBND xã, a note */
    assert_int_equal(f->severity, TCPL_SEV_GOI_Y);
    assert_string_equal(f->fix, "Ủy ban nhân dân xã");
    none(&r, "ND30-QUOC-HIEU");
    none(&r, "ND30-TM");
    done(&r);
}

static void sample_remediation_defects(void **state)
{
    (void)state;
    result r;
    check_file(&r, "build/samples/kh-khac-phuc-2026.docx", NULL);
    assert_string_equal(tcpl_findings_packs(r.f), "ke-hoach-khac-phuc, the-thuc-nd30");
    const tcpl_finding *f = one(&r, "KP-TRUONG"); /* 2 no deadline in II.3 */
    assert_string_equal(f->section, "II.3");
    f = one(&r, "ND30-TM"); /* 4 KT. without TM. */
    assert_string_equal(f->section, "");
    none(&r, "KP-DAN-KET-LUAN");
    none(&r, "KP-THOI-HAN-CU-THE");
    done(&r);
}

static void sample_clean_documents(void **state)
{
    (void)state;
    const char *clean[] = {"build/samples/kh-tinh-2022.docx", "build/samples/kl-kiem-tra-2025.docx"};
    for (size_t i = 0; i < 2; i++) {
        result r;
        check_file(&r, clean[i], NULL);
        assert_true(tcpl_findings_packs(r.f)[0]);
        /* Nothing at all, but for notes that a unit is named by its
         * abbreviation ("UBND cấp huyện": samples/README.md says this is
         * resolved by the alias table, a note, not a defect). */
        size_t unexpected = 0;
        for (size_t k = 0; k < tcpl_findings_count(r.f); k++) {
            const tcpl_finding *g = tcpl_findings_get(r.f, k);
            if (!strcmp(g->rule, "CT-VIET-TAT") && g->severity == TCPL_SEV_GOI_Y)
                continue;
            print_error("%s: unexpected %s: %s\n", clean[i], g->rule, g->message);
            unexpected++;
        }
        assert_int_equal(unexpected, 0);
        /* "UBND cấp huyện" is written in II.1.2 and II.3.2: one note */
        const tcpl_finding *g[4];
        assert_int_equal(with_rule(&r, "CT-VIET-TAT", g, 4), i == 0 ? 1 : 0);
        done(&r);
    }
}

/* ---- spelling ------------------------------------------------------------ */

static void type_spelling(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH") P("Tăng cường tuyên truyền, giáo dực pháp luật.")
                      P("Thực hiện trên cơ sở kết quả đánh giá; hòa giải và hoà giải ở cơ sở.")
                      P("Báo cáo Sở kết quả; tuyên chuyền đến người dân; Kế hoạck năm 2026.")
                      P("II. NỘI DUNG") P("1. Tập huấn") P("- Đơn vị chủ trì: Sở Tư Pháp.")
                      P("- Đơn vị phối hợp: UBND xã; Sở Tư pháp.")
                      P("- Thời gian thực hiện: Quý I năm 2026."),
              "the-thuc-nd30");
    const tcpl_finding *g[8];
    /* one mark from "giáo dục"; "cơ sở kết quả" and "Sở kết quả" are right */
    size_t n = with_rule(&r, "CT-TU-GHEP", g, 8);
    int giao = 0, chuyen = 0, so = 0;
    for (size_t i = 0; i < n && i < 8; i++) {
        giao += !strcmp(g[i]->fix, "giáo dục");
        chuyen += !strcmp(g[i]->fix, "tuyên truyền");
        so += strstr(g[i]->message, "ở kết") != NULL;
    }
    assert_int_equal(giao, 1);
    assert_int_equal(chuyen, 1); /* a known confusion */
    assert_int_equal(so, 0);
    assert_int_equal(n, 2);
    /* a unit name with a wrong capital; the right one and UBND are not that */
    const tcpl_finding *f = one(&r, "CT-DON-VI");
    assert_string_equal(f->fix, "Sở Tư pháp");
    f = one(&r, "CT-VIET-TAT");
    assert_non_null(strstr(f->message, "UBND xã"));
    /* a syllable that is not Vietnamese; both tone placements are */
    if (access("/usr/share/hunspell/vi_VN.dic", R_OK) == 0) {
        f = one(&r, "CT-TIENG");
        assert_non_null(strstr(f->message, "hoạck"));
    } else {
        f = one(&r, "CT-TIENG");
        assert_int_equal(f->severity, TCPL_SEV_GOI_Y);
        assert_non_null(strstr(f->message, "hunspell-vi"));
    }
    done(&r);
}

/* ---- coverage: the remediation plan against the conclusion ---------------- */

static tcpl_extraction *extract_file(const char *path, tcpl_doc **doc)
{
    tcpl_error err;
    tcpl_extraction *x = NULL;
    assert_int_equal(tcpl_docx_read(doc, ctx, path, &err), 0);
    assert_int_equal(tcpl_extract(&x, ex, *doc, &err), 0);
    return x;
}

static void type_coverage(void **state)
{
    (void)state;
    result r;
    /* Without --against the coverage rules say nothing. */
    check_file(&r, "build/samples/kh-khac-phuc-2026.docx", NULL);
    none(&r, "KP-DU-HAN-CHE");
    none(&r, "KP-HAN-KET-LUAN");
    done(&r);
    tcpl_doc *kl;
    tcpl_extraction *klx = extract_file("build/samples/kl-kiem-tra-2025.docx", &kl);
    against = klx;
    /* samples/README.md, kh-khac-phuc-2026 defects 1 and 3 */
    check_file(&r, "build/samples/kh-khac-phuc-2026.docx", NULL);
    const tcpl_finding *f = one(&r, "KP-DU-HAN-CHE");
    assert_non_null(strstr(f->message, "II.3"));
    assert_non_null(strstr(f->message, "danh sách các quyết định"));
    f = one(&r, "KP-HAN-KET-LUAN");
    assert_string_equal(f->section, "II.1");
    assert_non_null(strstr(f->message, "Tháng 5/2026"));
    assert_non_null(strstr(f->message, "31/03/2026"));
    done(&r);
    /* A plan answering all five, in time, raises neither. */
    check_xml(&r, HEAD P("Thực hiện Kết luận số 1126/KL-STP ngày 19/12/2025 của Sở Tư pháp;")
                      P("I. MỤC ĐÍCH") P("II. NHIỆM VỤ KHẮC PHỤC")
                      P("1. Ban hành quyết định phân công công chức phụ trách từng tiêu chí, chỉ tiêu")
                      P("- Thời gian khắc phục: Trước ngày 20/3/2026.")
                      P("2. Niêm yết công khai dự thảo báo cáo đánh giá và bảng tổng hợp điểm số")
                      P("- Thời gian khắc phục: Trước ngày 20/3/2026.")
                      P("3. Lập danh sách các quyết định có liên quan đến quyền, lợi ích hợp pháp của người dân")
                      P("- Thời gian khắc phục: Trước ngày 20/3/2026.")
                      P("4. Bổ sung tài liệu minh chứng về thực hiện dân chủ ở cơ sở")
                      P("- Thời gian khắc phục: Trước ngày 20/3/2026.")
                      P("5. Mời trưởng các thôn dự cuộc họp đánh giá, chấm điểm; lập danh sách người tham dự")
                      P("- Thời gian khắc phục: Trước ngày 31/3/2026."),
              "ke-hoach-khac-phuc");
    none(&r, "KP-DU-HAN-CHE");
    none(&r, "KP-HAN-KET-LUAN");
    done(&r);
    against = NULL;
    tcpl_extraction_free(klx);
    tcpl_doc_free(kl);
}

/* ---- table-sum -------------------------------------------------------------- */

#define TC(t) "<w:tc>" P(t) "</w:tc>"
#define TR4(a, b, c, d) "<w:tr>" TC(a) TC(b) TC(c) TC(d) "</w:tr>"
#define TABLE4(rows)                                                                               \
    "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>" rows      \
    "</w:tbl>"
#define REPORT_HEAD                                                                                \
    P("ỦY BAN NHÂN DÂN") P("XÃ AN BÌNH") P("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")                \
    P("Độc lập - Tự do - Hạnh phúc") P("Số: 30/BC-UBND") P("An Bình, ngày 05 tháng 12 năm 2025")  \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>BÁO CÁO</w:t></w:r></w:p>"           \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>Kết quả đánh giá, chấm điểm xã đạt " \
    "chuẩn tiếp cận pháp luật năm 2025</w:t></w:r></w:p>"                                          \
    P("I. KẾT QUẢ CHẤM ĐIỂM") P("Bảng tổng hợp điểm số các tiêu chí:")
/* A score table as TT 09/2021/TT-BTP lays it out: criteria holding the sum
 * of their indicators, a total row.  g2: criterion 2's score, tot: the
 * total's, max3: criterion 3's maximum. */
#define SCORES(g2, tot)                                                                            \
    TABLE4(TR4("STT", "Tiêu chí, chỉ tiêu", "Điểm tối đa", "Điểm đạt")                          \
               TR4("1", "Tiêu chí 1: Ban hành văn bản", "20", "18")                               \
                   TR4("1.1", "Chỉ tiêu 1", "10", "9") TR4("1.2", "Chỉ tiêu 2", "10", "9")         \
                       TR4("2", "Tiêu chí 2: Tiếp cận thông tin", "30", g2)                       \
                           TR4("2.1", "Chỉ tiêu 1", "15", "12")                                  \
                               TR4("2.2", "Chỉ tiêu 2", "15", "13")                              \
                                   TR4("3", "Tiêu chí 3: Hòa giải ở cơ sở", "1.050", "42,5")     \
                                       TR4("Tổng cộng", "", "1.100", tot))

static void type_table_sum(void **state)
{
    (void)state;
    result r;
    /* A right table: nothing, and the pack is chosen from the report. */
    check_xml(&r, REPORT_HEAD SCORES("25", "85,5") P("Báo cáo./.") CLOSE, NULL);
    assert_string_equal(tcpl_findings_packs(r.f), "bang-diem, the-thuc-nd30");
    none(&r, "BD-TONG");
    none(&r, "BD-DAT-CHUAN");
    done(&r);
    /* Criterion 2 says 26 for 12 + 13; the total 86 for 18 + 26 + 42,5. */
    check_xml(&r, REPORT_HEAD SCORES("26", "86") CLOSE, NULL);
    const tcpl_finding *g[4];
    assert_int_equal(with_rule(&r, "BD-TONG", g, 4), 2);
    /* at the row's first words, not the "2" before them */
    assert_string_equal(g[0]->excerpt, "Tiêu chí 2: Tiếp cận thông tin");
    assert_non_null(strstr(g[0]->message, "Bảng 1, dòng 5 (\"2\"), cột 4 (\"Điểm đạt\")"));
    assert_non_null(strstr(g[0]->message, "ghi 26, cộng các dòng được 25"));
    assert_string_equal(g[0]->fix, "25");
    assert_non_null(strstr(g[1]->message, "dòng 9 (\"Tổng cộng\")"));
    assert_non_null(strstr(g[1]->message, "ghi 86, cộng các dòng được 86,5"));
    assert_string_equal(g[1]->fix, "86,5");
    assert_true(g[1]->section[0] == 'I'); /* the cells "1.1", "2.2" are sections too */
    assert_non_null(strstr(g[1]->excerpt, "Tổng cộng"));
    assert_int_equal(g[1]->category, TCPL_CAT_ARITHMETIC);
    done(&r);
    /* threshold: a total under 80 points; "Điểm tối đa" is not the score */
    check_xml(&r, REPORT_HEAD SCORES("25", "75,5") CLOSE, NULL);
    const tcpl_finding *f = one(&r, "BD-DAT-CHUAN");
    assert_non_null(strstr(f->message, "75,5 điểm, dưới 80"));
    assert_non_null(strstr(f->message, "Điểm đạt"));
    f = one(&r, "BD-TONG"); /* 75,5 is not 85,5 either */
    assert_string_equal(f->fix, "85,5");
    done(&r);
    /* Not totals: a rate column, a "Tổng hợp" row, a table with no total
     * row; thousands written with dots add up. */
    check_xml(&r, REPORT_HEAD TABLE4(TR4("STT", "Xã", "Kinh phí (đồng)", "Tỷ lệ (%)")
                                         TR4("1", "An Bình", "1.500.000", "40")
                                             TR4("", "Trong đó: mua sách", "500.000", "")
                                                 TR4("2", "An Hòa", "2.250.500", "60")
                                                     TR4("Tổng số", "", "3.750.500", "50"))
                      TABLE4(TR4("STT", "Nội dung", "Số lượng", "Ghi chú") TR4("1", "Họp", "3", "")
                                 TR4("2", "Tập huấn", "2", "") TR4("Tổng hợp ý kiến", "", "1", "")),
              "bang-diem");
    none(&r, "BD-TONG");
    done(&r);
}

/* ---- coverage: a superior plan's tasks for this level ------------------------ */

#define UNIT_TASK(label, title, lead, support)                                                     \
    P(label " " title) P("- Đơn vị chủ trì: " lead ".") P("- Đơn vị phối hợp: " support ".")      \
        P("- Thời gian thực hiện: Quý I năm 2026.")

static void type_coverage_assigned(void **state)
{
    (void)state;
    /* The district's plan: tasks for communes (1, 2, 4), for the district (1, 3). */
    result sup;
    check_xml(&sup,
              P("ỦY BAN NHÂN DÂN") P("HUYỆN AN PHÚ") P("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
                  P("Độc lập - Tự do - Hạnh phúc") P("Số: 15/KH-UBND")
                      P("An Phú, ngày 02 tháng 01 năm 2026")
                          "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>"
                          "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>Xây dựng xã đạt chuẩn "
                          "tiếp cận pháp luật năm 2026</w:t></w:r></w:p>" BASIS P("I. MỤC ĐÍCH, YÊU CẦU")
                              P("II. NỘI DUNG")
                                  UNIT_TASK("1.", "Tuyên truyền, phổ biến Quyết định số 25/2021/QĐ-TTg đến cán bộ, công chức",
                                            "Phòng Tư pháp", "UBND các xã, thị trấn")
                                      UNIT_TASK("2.", "Rà soát, tự đánh giá, chấm điểm các tiêu chí tiếp cận pháp luật",
                                                "UBND các xã, thị trấn", "Phòng Tư pháp")
                                          UNIT_TASK("3.", "Kiện toàn Hội đồng phối hợp phổ biến, giáo dục pháp luật của huyện",
                                                    "Phòng Tư pháp", "Phòng Nội vụ")
                                              UNIT_TASK("4.", "Xây dựng tủ sách pháp luật điện tử, cập nhật văn bản mới",
                                                        "Ủy ban nhân dân xã", "Công an xã")
                                                  UNIT_TASK("5.", "Bảo đảm an ninh trật tự trong dịp Tết",
                                                            "Công an huyện", "Ban Chỉ huy quân sự huyện")
                                                      P("III. TỔ CHỨC THỰC HIỆN"),
              "ke-hoach-tcpl");
    /* The commune's plan takes up 1 and 2, not 4. */
    const char *commune = HEAD BASIS P("I. MỤC ĐÍCH, YÊU CẦU") P("II. NỘI DUNG")
        TASK("1.", "Tuyên truyền, phổ biến Quyết định số 25/2021/QĐ-TTg cho cán bộ, công chức xã")
            TASK("2.", "Tự đánh giá, chấm điểm các tiêu chí tiếp cận pháp luật của xã")
                TASK("3.", "Tổ chức Ngày Pháp luật") P("III. TỔ CHỨC THỰC HIỆN");
    result r;
    against = sup.x;
    level = "xa";
    check_xml(&r, commune, "ke-hoach-tcpl");
    const tcpl_finding *f = one(&r, "KH-NHIEM-VU-CAP-TREN");
    assert_non_null(strstr(f->message, "II.4"));
    assert_non_null(strstr(f->message, "tủ sách pháp luật"));
    assert_non_null(strstr(f->message, "cấp xã"));
    assert_int_equal(f->severity, TCPL_SEV_CANH_BAO);
    assert_int_equal(f->category, TCPL_CAT_COVERAGE);
    assert_int_equal(f->block, -1);
    done(&r);
    /* For a district: 3 is missing; 1 is there; 2 and 4 are the communes'. */
    level = "huyen";
    check_xml(&r, commune, "ke-hoach-tcpl");
    f = one(&r, "KH-NHIEM-VU-CAP-TREN");
    assert_non_null(strstr(f->message, "II.3"));
    assert_non_null(strstr(f->message, "cấp huyện"));
    done(&r);
    /* No level, or no superior plan: nothing. */
    level = NULL;
    check_xml(&r, commune, "ke-hoach-tcpl");
    none(&r, "KH-NHIEM-VU-CAP-TREN");
    done(&r);
    against = NULL;
    level = "xa";
    check_xml(&r, commune, "ke-hoach-tcpl");
    none(&r, "KH-NHIEM-VU-CAP-TREN");
    done(&r);
    level = NULL;
    /* A plan taking up all three commune tasks: nothing. */
    against = sup.x;
    level = "xa";
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH, YÊU CẦU") P("II. NỘI DUNG")
                      TASK("1.", "Tuyên truyền, phổ biến Quyết định số 25/2021/QĐ-TTg cho cán bộ, công chức xã")
                          TASK("2.", "Tự đánh giá, chấm điểm các tiêu chí tiếp cận pháp luật của xã")
                              TASK("3.", "Cập nhật văn bản mới vào tủ sách pháp luật điện tử của xã")
                                  P("III. TỔ CHỨC THỰC HIỆN"),
              "ke-hoach-tcpl");
    none(&r, "KH-NHIEM-VU-CAP-TREN");
    done(&r);
    against = NULL;
    level = NULL;
    done(&sup);
}

/* ---- false positives found on real text (../shared/corpus) ------------------ */

/* Renderings that lose paragraph breaks run a heading into the text before
 * it (pandoc and LibreOffice renderings of 001): "I. MỤC ĐÍCH, YÊU CẦU 1.
 * Mục đích - ..." then "2. Yêu cầu"; "2. Các nhiệm vụ ... Hoạt động 1: ..."
 * then "Hoạt động 2".  The item is there: no number is missing. */
static void numbering_run_on_headings(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH, YÊU CẦU 1. Mục đích - Triển khai có hiệu quả.")
                      P("2. Yêu cầu") P("II. NỘI DUNG") P("1. Ban hành văn bản")
                      P("2. Các nhiệm vụ phục vụ đánh giá Hoạt động 1: Chỉ đạo, hướng dẫn.")
                      P("Hoạt động 2: Thành lập Hội đồng đánh giá.")
                      P("3. Bảo đảm nguồn lực. Hoạt động1: Bố trí công chức.")
                      P("Hoạt động 2: Bảo đảm kinh phí.") P("III. TỔ CHỨC THỰC HIỆN"),
              "ke-hoach-tcpl");
    none(&r, "KH-SO-THU-TU");
    done(&r);
    /* A real gap is still one: "Hoạt động 2" first, nothing before it. */
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH, YÊU CẦU") P("1. Mục đích") P("II. NỘI DUNG")
                      P("1. Các nhiệm vụ phục vụ đánh giá.") P("Hoạt động 2: Thành lập Hội đồng.")
                      P("III. TỔ CHỨC THỰC HIỆN"),
              "ke-hoach-tcpl");
    const tcpl_finding *f = one(&r, "KH-SO-THU-TU");
    assert_non_null(strstr(f->message, "\"Hoạt động 1\""));
    done(&r);
}

/* "các năm tiếp theo theo yêu cầu" (003): a compound ending in the word
 * the next one starts with is no doubled word. */
static void doubled_word_across_compounds(void **state)
{
    (void)state;
    result r;
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH")
                      P("Hoàn thành trong năm 2024 và các năm tiếp theo theo yêu cầu tại Quyết định.")
                      P("Thiết bị bị hỏng; hiện tại tại xã chưa có; lý do do thiếu kinh phí; làm từ từ."),
              "the-thuc-nd30");
    none(&r, "ND30-TU-LAP");
    done(&r);
    check_xml(&r, HEAD BASIS P("I. MỤC ĐÍCH") P("Nhiệm vụ của UBND các cấp trong trong việc hướng dẫn."),
              "the-thuc-nd30");
    one(&r, "ND30-TU-LAP");
    done(&r);
}

/* --lang en: messages and the count line read as English (001 has no
 * date line: no quoted "(none)"). */
static void english_messages(void **state)
{
    (void)state;
    tcpl_ctx *en = NULL;
    tcpl_checker *c = NULL;
    tcpl_error err;
    tcpl_ctx_options o = {"en", NULL};
    assert_int_equal(tcpl_ctx_new(&en, &o, &err), 0);
    assert_int_equal(tcpl_checker_new(&c, en, &err), 0);
    assert_int_equal(tcpl_checker_add_default_packs(c, &err), 0);
    tcpl_doc *doc = tu_body_doc(en, P("KẾ HOẠCH") P("Xây dựng xã đạt chuẩn tiếp cận pháp luật") BASIS
                                    P("I. MỤC ĐÍCH") P("Thực hiện trong trong năm."),
                                "t.docx");
    tcpl_extraction *x = NULL;
    tcpl_findings *f = NULL;
    assert_int_equal(tcpl_extract(&x, ex, doc, &err), 0);
    assert_int_equal(tcpl_check(&f, c, doc, x, NULL, &err), 0);
    char *s;
    size_t len;
    assert_int_equal(tcpl_findings_text(&s, &len, f, x, en, &err), 0);
    assert_non_null(strstr(s, "Error [date] The date of issue is incomplete: there is no "
                              "place-and-date line"));
    assert_null(strstr(s, "(none)"));
    assert_non_null(strstr(s, "A doubled word: \"trong trong\""));
    assert_non_null(strstr(s, " errors, ") ? strstr(s, " errors, ") : strstr(s, " error, "));
    assert_non_null(strstr(s, " suggestions\n") ? strstr(s, " suggestions\n")
                                                : strstr(s, " suggestion\n"));
    free(s);
    tcpl_findings_free(f);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    tcpl_checker_free(c);
    tcpl_ctx_free(en);
}

/* ---- output ------------------------------------------------------------- */

static void json_and_text(void **state)
{
    (void)state;
    result r;
    check_file(&r, "build/samples/kh-khac-phuc-2026.docx", NULL);
    char *s;
    size_t len;
    tcpl_error err;
    assert_int_equal(tcpl_findings_json(&s, &len, r.f, r.x, 0, &err), 0);
    json_error_t je;
    json_t *o = json_loads(s, 0, &je);
    assert_non_null(o);
    const char *keys[] = {"file", "kind", "pack", "findings", "counts"};
    assert_int_equal(json_object_size(o), 5);
    for (size_t i = 0; i < 5; i++)
        assert_non_null(json_object_get(o, keys[i]));
    json_t *f0 = json_array_get(json_object_get(o, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(f0, "severity")), "loi");
    assert_string_equal(json_string_value(json_object_get(f0, "category")), "field");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "counts"), "loi")), 1);
    json_decref(o);
    free(s);
    assert_int_equal(tcpl_findings_text(&s, &len, r.f, r.x, ctx, &err), 0);
    assert_non_null(strstr(s, "kh-khac-phuc-2026.docx: II.3: Lỗi [field] Hạn chế II.3"));
    assert_non_null(strstr(s, "(phần cuối): Cảnh báo [format]"));
    free(s);
    done(&r);
}

/* A file name is any bytes: JSON stays valid UTF-8, text shows it escaped. */
static void odd_file_name(void **state)
{
    (void)state;
    size_t len;
    char *data = tu_read_file("build/samples/kh-khac-phuc-2026.docx", &len);
    assert_non_null(data);
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_docx_read_memory(&doc, ctx, data, len, "a\nb\x1b\xff.docx", &err), 0);
    free(data);
    result r;
    check_doc(&r, doc, NULL);
    char *s;
    assert_int_equal(tcpl_findings_json(&s, &len, r.f, r.x, 0, &err), 0);
    json_error_t je;
    json_t *o = json_loads(s, 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "file")), "a\nb\x1b\\xff.docx");
    json_decref(o);
    free(s);
    assert_int_equal(tcpl_findings_text(&s, &len, r.f, r.x, ctx, &err), 0);
    assert_null(strchr(s, '\x1b'));
    assert_non_null(strstr(s, "a\\nb\\x1b\\xff.docx: II.3:"));
    free(s);
    done(&r);
}

/* ---- pack validation ----------------------------------------------------- */

/* Writes yaml to a new folder as NAME.yaml; the pack is known as NAME. */
static char *write_pack(const char *yaml, const char *name)
{
    char dir[] = "/tmp/tcpl-pack-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = malloc(strlen(dir) + strlen(name) + 8);
    assert_non_null(path);
    sprintf(path, "%s/%s.yaml", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(yaml, 1, strlen(yaml), f), strlen(yaml));
    fclose(f);
    return path;
}

static void remove_pack(char *path)
{
    unlink(path);
    *strrchr(path, '/') = 0;
    rmdir(path);
    free(path);
}

static void pack_errors(void **state)
{
    (void)state;
    struct {
        const char *yaml, *where, *word;
    } cases[] = {
        {"pack: x\nrules:\n  - id: A\n    type: exists\n    pattren: 'a'\n    message: m\n", "5:5",
         "pattren"},
        {"pack: x\nrules:\n  - id: A\n    type: exists\n    pattern: '(a'\n    message: m\n", "5:14",
         "pattern"},
        {"pack: x\nrules:\n  - id: A\n    type: date\n    check: someday\n    message: m\n", "3:5",
         "someday"},
        {"pack: x\nrules:\n  - id: A\n    type: field\n    fields: [lead, boss]\n    message: m\n",
         "5:13", "boss"},
        {"pack: x\nrules:\n  - id: A\n    type: exists\n    pattern: a\n    severity: fatal\n    "
         "message: m\n",
         "6:15", "fatal"},
        {"pack: x\nrulez: []\n", "2:1", "rulez"},
        /* a key given twice: the second would be silently ignored */
        {"pack: x\nrules: []\nrules:\n  - id: A\n", "3:1", "twice"},
        {"pack: x\nrules:\n  - id: A\n    type: exists\n    pattern: a\n    pattern: b\n"
         "    message: m\n",
         "6:5", "pattern"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tcpl_checker *c;
        tcpl_error err;
        assert_int_equal(tcpl_checker_new(&c, ctx, &err), 0);
        char *path = write_pack(cases[i].yaml, "x");
        int rc = tcpl_checker_add_pack(c, path, &err);
        if (rc != TCPL_ERR_DATA || strcmp(err.where, cases[i].where) ||
            !strstr(err.detail, cases[i].word))
            print_error("case %zu: rc %d where '%s' detail '%s'\n", i, rc, err.where, err.detail);
        assert_int_equal(rc, TCPL_ERR_DATA);
        assert_string_equal(err.where, cases[i].where);
        assert_non_null(strstr(err.detail, cases[i].word));
        assert_string_equal(err.file, path);
        assert_int_equal(tcpl_checker_pack_count(c), 0);
        remove_pack(path);
        tcpl_checker_free(c);
    }
    /* every shipped pack loads */
    assert_int_equal(tcpl_checker_pack_count(ck), 5);
}

/* A pattern that runs out of steps is a finding, never a silent miss. */
static void pattern_limit_is_a_finding(void **state)
{
    (void)state;
    char *path = write_pack("pack: slow\nrules:\n  - id: SLOW\n    type: absent\n    scope: document\n"
                            "    pattern: '(a+)+$'\n    message: m\n",
                            "slow");
    tcpl_error err;
    assert_int_equal(tcpl_checker_add_pack(ck, path, &err), 0);
    result r;
    char body[8192];
    strcpy(body, "<w:p><w:r><w:t>");
    size_t n = strlen(body);
    for (int i = 0; i < 40; i++)
        body[n++] = 'a';
    strcpy(body + n, "b</w:t></w:r></w:p>");
    check_xml(&r, body, "slow");
    const tcpl_finding *f = one(&r, "SLOW");
    assert_int_equal(f->severity, TCPL_SEV_CANH_BAO);
    assert_non_null(strstr(f->message, "giới hạn"));
    done(&r);
    remove_pack(path);
}

/* ---- corpus: the real defects the domain guide names ---------------------- */

static void corpus_defects(void **state)
{
    (void)state;
    const char *styles[] = {"plain", "word", "numbered", "table", "nasty"};
    for (size_t s = 0; s < sizeof styles / sizeof styles[0]; s++) {
        char name[64];
        result r;
        /* 000: blank number and blank date */
        snprintf(name, sizeof name, "000-%s.docx", styles[s]);
        char *p = tu_corpus_file(name);
        check_file(&r, p, NULL);
        one(&r, "ND30-SO-TRONG");
        one(&r, "KH-NGAY-BAN-HANH");
        none(&r, "KH-SO-TRUNG");
        done(&r);
        free(p);
        /* 001: no national header, a doubled word ("trong trong") */
        snprintf(name, sizeof name, "001-%s.docx", styles[s]);
        p = tu_corpus_file(name);
        check_file(&r, p, NULL);
        one(&r, "ND30-QUOC-HIEU");
        const tcpl_finding *g[8];
        size_t n = with_rule(&r, "ND30-TU-LAP", g, 8);
        int trong = 0;
        for (size_t i = 0; i < n && i < 8; i++)
            trong += strstr(g[i]->message, "trong trong") != NULL;
        assert_true(trong >= 1);
        none(&r, "KH-CAN-CU-25"); /* a 2017 plan */
        /* "- Thời gian thực hiện Thường xuyên, hằng năm." twice: no colon */
        n = with_rule(&r, "CT-DAU-HAI-CHAM", g, 8);
        assert_int_equal(n, 2);
        assert_string_equal(g[0]->fix, "Thời gian thực hiện:");
        done(&r);
        free(p);
        /* 003: a second "2.2." after 2.4., missing labels */
        snprintf(name, sizeof name, "003-%s.docx", styles[s]);
        p = tu_corpus_file(name);
        check_file(&r, p, NULL);
        n = with_rule(&r, "KP-SO-THU-TU", g, 8);
        int after24 = 0;
        for (size_t i = 0; i < n && i < 8; i++)
            after24 += strstr(g[i]->message, "\"2.4.\"") != NULL;
        assert_int_equal(after24, 1);
        assert_true(with_rule(&r, "KP-TRUONG", g, 8) >= 1);
        done(&r);
        free(p);
    }
}

/* False positives once found on the corpus stay gone, in every rendering. */
static void corpus_false_positives(void **state)
{
    (void)state;
    const char *styles[] = {"plain", "word", "numbered", "table", "nasty", "pandoc", "libreoffice"};
    for (size_t s = 0; s < sizeof styles / sizeof styles[0]; s++) {
        char name[64];
        result r;
        snprintf(name, sizeof name, "001-%s.docx", styles[s]);
        char *p = tu_corpus_file(name);
        check_file(&r, p, NULL);
        none(&r, "KH-SO-THU-TU"); /* headings run into the paragraph before */
        done(&r);
        free(p);
        snprintf(name, sizeof name, "003-%s.docx", styles[s]);
        p = tu_corpus_file(name);
        check_file(&r, p, NULL);
        const tcpl_finding *g[8];
        size_t n = with_rule(&r, "ND30-TU-LAP", g, 8);
        for (size_t i = 0; i < n && i < 8; i++)
            assert_null(strstr(g[i]->message, "theo theo")); /* "tiếp theo theo yêu cầu" */
        done(&r);
        free(p);
    }
}

int main(void)
{
    ctx = tu_ctx();
    tcpl_error err;
    if (tcpl_extractor_new(&ex, ctx, &err) < 0 || tcpl_checker_new(&ck, ctx, &err) < 0 ||
        tcpl_checker_add_default_packs(ck, &err) < 0) {
        fprintf(stderr, "setup: %s %s %s %s\n", err.id, err.file, err.where, err.detail);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pack_errors),
        cmocka_unit_test(type_section),
        cmocka_unit_test(type_field),
        cmocka_unit_test(type_exists_absent),
        cmocka_unit_test(type_citation),
        cmocka_unit_test(type_date),
        cmocka_unit_test(type_numbering),
        cmocka_unit_test(type_format),
        cmocka_unit_test(sample_commune_plan_defects),
        cmocka_unit_test(sample_remediation_defects),
        cmocka_unit_test(sample_clean_documents),
        cmocka_unit_test(json_and_text),
        cmocka_unit_test(odd_file_name),
        cmocka_unit_test(type_coverage),
        cmocka_unit_test(type_coverage_assigned),
        cmocka_unit_test(type_table_sum),
        cmocka_unit_test(numbering_run_on_headings),
        cmocka_unit_test(doubled_word_across_compounds),
        cmocka_unit_test(english_messages),
        cmocka_unit_test(type_spelling),
        cmocka_unit_test(pattern_limit_is_a_finding),
    };
    const struct CMUnitTest corpus[] = {cmocka_unit_test(corpus_defects),
                                        cmocka_unit_test(corpus_false_positives)};
    int rc = cmocka_run_group_tests_name("rules", tests, NULL, NULL);
    if (tu_corpus())
        rc |= cmocka_run_group_tests_name("corpus", corpus, NULL, NULL);
    else
        fprintf(stderr, "test_rules: no corpus (set TCPL_CORPUS); corpus tests skipped\n");
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return rc;
}
