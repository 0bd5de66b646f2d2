/* Responsible units: field values copied from the seed plans (each one is
 * checked to occur in its seed) plus a few built cases for the rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/testutil.h"
#include "extract/units.h"

#define MAXU 12
/* a unit without and with a note */
#define U(p, c) {p, c, NULL}
#define N(p, c, n) {p, c, n}

typedef struct want {
    const char *printed, *canonical, *note; /* note NULL: none */
} want;

typedef struct ucase {
    const char *seed; /* seed file the value is copied from, NULL if built */
    const char *in;
    want out[MAXU];
} ucase;

static const ucase cases[] = {
    /* seeds/000.txt */
    {"000.txt", "Sở Tư pháp, Phòng Tư pháp cấp huyện.",
     {U("Sở Tư pháp", "Sở Tư pháp"), U("Phòng Tư pháp cấp huyện", "Phòng Tư pháp cấp huyện")}},
    {"000.txt",
     "Sở Tư pháp, UBND cấp huyện và các cơ quan, đơn vị có liên quan đến việc triển khai thực "
     "hiện các chỉ tiêu, tiêu chí thuộc phạm vi quản lý.",
     {U("Sở Tư pháp", "Sở Tư pháp"),
      U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện"),
      N("các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị có liên quan", "đến việc triển khai thực hiện các chỉ tiêu, tiêu chí thuộc phạm vi quản lý")}},
    {"000.txt", "Sở Tư pháp.", {U("Sở Tư pháp", "Sở Tư pháp")}},
    {"000.txt",
     "Sở Thông tin và Truyền thông; Báo Lai Châu; Đài Phát thanh - Truyền hình tỉnh; Cổng Thông "
     "tin điện tử tỉnh; các cơ quan, đơn vị liên quan.",
     {U("Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông"),
      U("Báo Lai Châu", "Báo Lai Châu"),
      U("Đài Phát thanh - Truyền hình tỉnh", "Đài Phát thanh - Truyền hình tỉnh"),
      U("Cổng Thông tin điện tử tỉnh", "Cổng Thông tin điện tử tỉnh"),
      U("các cơ quan, đơn vị liên quan", "Các cơ quan, đơn vị có liên quan")}},
    {"000.txt", "Sở Tư pháp, UBND cấp huyện.",
     {U("Sở Tư pháp", "Sở Tư pháp"), U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện")}},
    {"000.txt",
     "Sở Thông tin - Truyền thông; Báo Lai Châu; Đài Phát thanh - Truyền hình tỉnh; Cổng Thông "
     "tin điện tử tỉnh; các cơ quan, đơn vị có liên quan.",
     {U("Sở Thông tin - Truyền thông", "Sở Thông tin và Truyền thông"),
      U("Báo Lai Châu", "Báo Lai Châu"),
      U("Đài Phát thanh - Truyền hình tỉnh", "Đài Phát thanh - Truyền hình tỉnh"),
      U("Cổng Thông tin điện tử tỉnh", "Cổng Thông tin điện tử tỉnh"),
      U("các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị có liên quan")}},
    {"000.txt", "Các sở, ban, ngành, đoàn thể cấp tỉnh có liên quan; UBND cấp huyện; UBND cấp xã.",
     {U("Các sở, ban, ngành, đoàn thể cấp tỉnh có liên quan", "Các sở, ban, ngành, đoàn thể cấp tỉnh có liên quan"),
      U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện"),
      U("UBND cấp xã", "Ủy ban nhân dân cấp xã")}},
    {"000.txt", "Các cơ quan, đơn vị có liên quan.",
     {U("Các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị có liên quan")}},
    {"000.txt", "Sở Tư pháp; Phòng Tư pháp cấp huyện.",
     {U("Sở Tư pháp", "Sở Tư pháp"), U("Phòng Tư pháp cấp huyện", "Phòng Tư pháp cấp huyện")}},
    {"000.txt", "Sở Tư pháp; UBND cấp huyện.",
     {U("Sở Tư pháp", "Sở Tư pháp"), U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện")}},
    {"000.txt", "Sở Tư pháp; Phòng Tư pháp cấp huyện tham mưu.",
     {U("Sở Tư pháp", "Sở Tư pháp"),
      N("Phòng Tư pháp cấp huyện", "Phòng Tư pháp cấp huyện", "tham mưu")}},
    {"000.txt", "Các sở, ban, ngành, đoàn thể cấp tỉnh; UBND cấp xã.",
     {U("Các sở, ban, ngành, đoàn thể cấp tỉnh", "Các sở, ban, ngành, đoàn thể cấp tỉnh"),
      U("UBND cấp xã", "Ủy ban nhân dân cấp xã")}},
    {"000.txt", "Sở Tư pháp tham mưu.", {N("Sở Tư pháp", "Sở Tư pháp", "tham mưu")}},
    {"000.txt", "Các sở, ban, ngành, đoàn thể tỉnh; UBND cấp huyện.",
     {U("Các sở, ban, ngành, đoàn thể tỉnh", "Các sở, ban, ngành, đoàn thể cấp tỉnh"),
      U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện")}},
    {"000.txt", "UBND cấp huyện.", {U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện")}},
    /* recipient lines ("Nơi nhận") of 000 */
    {"000.txt", "- Báo Lai Châu; Đài PTTH tỉnh;",
     {U("Báo Lai Châu", "Báo Lai Châu"), U("Đài PTTH tỉnh", "Đài Phát thanh - Truyền hình tỉnh")}},
    {"000.txt", "- Công Thông tin điện tử tỉnh;",
     {U("Công Thông tin điện tử tỉnh", "Cổng Thông tin điện tử tỉnh")}},
    {"000.txt", "- UBND các huyện, thành phố;",
     {U("UBND các huyện, thành phố", "Ủy ban nhân dân các huyện, thành phố")}},
    {"000.txt", "VT, Th3.", {U("VT", "Văn thư"), U("Th3", "Th3")}},
    {"000.txt", "Hội đồng PHPBGDPL cấp tỉnh, cấp huyện",
     {U("Hội đồng PHPBGDPL cấp tỉnh", "Hội đồng phối hợp phổ biến, giáo dục pháp luật cấp tỉnh"),
      U("cấp huyện", "Hội đồng phối hợp phổ biến, giáo dục pháp luật cấp huyện")}},
    {"000.txt", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
     {U("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh")}},
    /* seeds/001.txt */
    {"001.txt", "Các sở, ban, ngành có liên quan, UBND cấp huyện.",
     {U("Các sở, ban, ngành có liên quan", "Các sở, ban, ngành có liên quan"),
      U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện")}},
    {"001.txt",
     "Sở Thông tin và Truyền thông, Báo Lạng Sơn, Đài Phát thanh-Truyền hình tỉnh, UBND cấp huyện.",
     {U("Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông"),
      U("Báo Lạng Sơn", "Báo Lạng Sơn"),
      U("Đài Phát thanh-Truyền hình tỉnh", "Đài Phát thanh - Truyền hình tỉnh"),
      U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện")}},
    {"001.txt", "Các sở, ban, ngành có liên quan, UBND cấp huyện, cấp xã.",
     {U("Các sở, ban, ngành có liên quan", "Các sở, ban, ngành có liên quan"),
      U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện"),
      U("cấp xã", "Ủy ban nhân dân cấp xã")}},
    {"001.txt",
     "Sở Tư pháp, Phòng Tư pháp tham mưu giúp UBND cùng cấp chỉ đạo, hướng dẫn thực hiện.",
     {U("Sở Tư pháp", "Sở Tư pháp"),
      N("Phòng Tư pháp", "Phòng Tư pháp", "tham mưu giúp UBND cùng cấp chỉ đạo, hướng dẫn thực hiện")}},
    {"001.txt",
     "UBND cấp xã tự đánh giá. Hội đồng đánh giá tiếp cận pháp luật của UBND cấp huyện tổ chức "
     "đánh giá. Chủ tịch UBND cấp huyện công nhận xã đạt chuẩn tiếp cận pháp luật.",
     {N("UBND cấp xã", "Ủy ban nhân dân cấp xã", "tự đánh giá"),
      N("Hội đồng đánh giá tiếp cận pháp luật của UBND cấp huyện", "Hội đồng đánh giá tiếp cận pháp luật của Ủy ban nhân dân cấp huyện", "tổ chức đánh giá"),
      N("Chủ tịch UBND cấp huyện", "Chủ tịch Ủy ban nhân dân cấp huyện", "công nhận xã đạt chuẩn tiếp cận pháp luật")}},
    {"001.txt",
     "Sở Tư pháp, phòng Tư pháp tham mưu, đề xuất UBND cùng cấp; UBND cấp xã tổ chức thực hiện "
     "theo sự chỉ đạo của UBND cấp trên.",
     {U("Sở Tư pháp", "Sở Tư pháp"),
      N("phòng Tư pháp", "Phòng Tư pháp", "tham mưu, đề xuất UBND cùng cấp"),
      N("UBND cấp xã", "Ủy ban nhân dân cấp xã", "tổ chức thực hiện theo sự chỉ đạo của UBND cấp trên")}},
    {"001.txt", "Các cơ quan, đơn vị có liên quan, UBND cấp huyện, cấp xã.",
     {U("Các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị có liên quan"),
      U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện"),
      U("cấp xã", "Ủy ban nhân dân cấp xã")}},
    {"001.txt", "Sở Tư pháp, UBND cấp huyện",
     {U("Sở Tư pháp", "Sở Tư pháp"), U("UBND cấp huyện", "Ủy ban nhân dân cấp huyện")}},
    {"001.txt", "Sở Tài chính.", {U("Sở Tài chính", "Sở Tài chính")}},
    {"001.txt", "- Thường trực HĐND tỉnh;",
     {U("Thường trực HĐND tỉnh", "Thường trực Hội đồng nhân dân tỉnh")}},
    {"001.txt", "các sở, ban, ngành, tổ chức đoàn thể tỉnh",
     {U("các sở, ban, ngành, tổ chức đoàn thể tỉnh", "Các sở, ban, ngành, tổ chức đoàn thể tỉnh")}},
    /* seeds/003.txt */
    {"003.txt", "Công chức Tư pháp - Hộ tịch",
     {U("Công chức Tư pháp - Hộ tịch", "Công chức Tư pháp - Hộ tịch")}},
    {"003.txt",
     "Công chức Văn phòng - Thống kê, Tài chính - Kế toán, Trưởng Công an xã, Văn hóa – Xã hội, "
     "Địa chính – Xây dựng, Chính sách – Xã hội, UBMTTQ xã và các tổ chức đoàn thể cấp xã có "
     "liên quan.",
     {U("Công chức Văn phòng - Thống kê", "Công chức Văn phòng - Thống kê"),
      U("Tài chính - Kế toán", "Công chức Tài chính - Kế toán"),
      U("Trưởng Công an xã", "Trưởng Công an xã"),
      U("Văn hóa – Xã hội", "Công chức Văn hóa - Xã hội"),
      U("Địa chính – Xây dựng", "Công chức Địa chính - Xây dựng"),
      /* the post head of the list's first unit, on every unit without a head */
      U("Chính sách – Xã hội", "Công chức Chính sách - Xã hội"),
      U("UBMTTQ xã", "Ủy ban Mặt trận Tổ quốc Việt Nam xã"),
      U("các tổ chức đoàn thể cấp xã có liên quan", "Các tổ chức đoàn thể cấp xã có liên quan")}},
    {"003.txt", "Văn hóa – Xã hội, Đài phát thanh của xã",
     {U("Văn hóa – Xã hội", "Công chức Văn hóa - Xã hội"),
      U("Đài phát thanh của xã", "Đài phát thanh của xã")}},
    {"003.txt", "Công chức Tư pháp – Hộ tịch",
     {U("Công chức Tư pháp – Hộ tịch", "Công chức Tư pháp - Hộ tịch")}},
    {"003.txt", "Công chức Văn phòng", {U("Công chức Văn phòng", "Công chức Văn phòng")}},
    {"003.txt", "MTTQ xã", {U("MTTQ xã", "Ủy ban Mặt trận Tổ quốc Việt Nam xã")}},
    {"003.txt", "UBNDTTQ xã và các tổ chức đoàn thể cấp xã",
     {U("UBNDTTQ xã", "Ủy ban Mặt trận Tổ quốc Việt Nam xã"),
      U("các tổ chức đoàn thể cấp xã", "Các tổ chức đoàn thể cấp xã")}},
    {"003.txt", "- Phòng Tư pháp huyện;", {U("Phòng Tư pháp huyện", "Phòng Tư pháp huyện")}},
    /* built: the rules one by one */
    {NULL, "Uỷ ban nhân dân tỉnh, Phòng Văn hoá và Thông tin, Công ty Thuỷ lợi, Quỹ hỗ trợ",
     {U("Uỷ ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh"),
      U("Phòng Văn hoá và Thông tin", "Phòng Văn hóa và Thông tin"),
      U("Công ty Thuỷ lợi", "Công ty Thủy lợi"),
      U("Quỹ hỗ trợ", "Quỹ hỗ trợ")}},
    {NULL, "Sở Văn hóa, Thể thao và Du lịch, Sở Tư pháp",
     {U("Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
      U("Sở Tư pháp", "Sở Tư pháp")}},
    {NULL, "Văn phòng HĐND và UBND xã",
     {U("Văn phòng HĐND và UBND xã", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã")}},
    {NULL, "Các cơ quan, đơn vị, tổ chức, cá nhân",
     {U("Các cơ quan, đơn vị, tổ chức, cá nhân", "Các cơ quan, đơn vị, tổ chức, cá nhân")}},
    {NULL, "các phòng, ban, đơn vị thuộc UBND huyện",
     {U("các phòng, ban, đơn vị thuộc UBND huyện", "Các phòng, ban, đơn vị thuộc Ủy ban nhân dân huyện")}},
    {NULL, "Bộ Tư pháp (B/c); UBND tỉnh (qua Sở Tư pháp, Sở Tài chính), Sở Tài chính",
     {N("Bộ Tư pháp", "Bộ Tư pháp", "(B/c)"),
      N("UBND tỉnh", "Ủy ban nhân dân tỉnh", "(qua Sở Tư pháp, Sở Tài chính)"),
      U("Sở Tài chính", "Sở Tài chính")}},
    {NULL, "TP. Hồ Chí Minh, Sở  Tư   pháp",
     {U("TP. Hồ Chí Minh", "TP. Hồ Chí Minh"), U("Sở  Tư   pháp", "Sở Tư pháp")}},
    {NULL, "Sở Thông tin — Truyền thông và Sở Tư pháp",
     {U("Sở Thông tin — Truyền thông", "Sở Thông tin và Truyền thông"), U("Sở Tư pháp", "Sở Tư pháp")}},
    {NULL, "Đài Phát thanh – Truyền hình tỉnh",
     {U("Đài Phát thanh – Truyền hình tỉnh", "Đài Phát thanh - Truyền hình tỉnh")}},
    {NULL, "Sở Lao động - Thương binh và Xã hội, Sở Tư pháp",
     {U("Sở Lao động - Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
      U("Sở Tư pháp", "Sở Tư pháp")}},
};

static tcpl_ctx *g_ctx;
static tcpl_units *g_units;

static int setup(void **state)
{
    tcpl_error err;
    g_ctx = tu_ctx();
    if (tcpl_units_new(&g_units, g_ctx, &err) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    tcpl_units_free(g_units);
    tcpl_ctx_free(g_ctx);
    return 0;
}

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Splitting never drops a printed word: every word of the value lies in a
 * unit's printed name or in its note, except the conjunction ("và") that
 * joined two units. */
static void assert_every_word_kept(const char *in, const tcpl_unit *out, size_t n)
{
    size_t len = strlen(in);
    for (size_t i = 0; i < len;) {
        if (!is_word_byte((unsigned char)in[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < len && is_word_byte((unsigned char)in[i]))
            i++;
        if (i - a == 3 && !memcmp(in + a, "và", 3))
            continue;
        int kept = 0;
        for (size_t k = 0; k < n && !kept; k++)
            kept = (a >= out[k].start && i <= out[k].end) ||
                   (a >= out[k].note_start && i <= out[k].note_end);
        if (!kept)
            print_error("\"%s\": the word \"%.*s\" is in no unit and no note\n", in,
                        (int)(i - a), in + a);
        assert_true(kept);
    }
}

static void check_case(const ucase *c, size_t idx)
{
    tcpl_unit out[MAXU];
    size_t n = 0, len = strlen(c->in);
    int rc = tcpl_units_split(g_units, c->in, len, out, MAXU, &n);
    size_t want_n = 0;
    while (want_n < MAXU && c->out[want_n].printed)
        want_n++;
    if (rc != 0 || n != want_n)
        print_error("case %zu: \"%s\": rc %d, %zu units, want %zu\n", idx, c->in, rc, n, want_n);
    assert_int_equal(rc, 0);
    assert_int_equal(n, want_n);
    for (size_t i = 0; i < n; i++) {
        const want *w = &c->out[i];
        char printed[512], note[512];
        snprintf(printed, sizeof printed, "%.*s", (int)(out[i].end - out[i].start),
                 c->in + out[i].start);
        snprintf(note, sizeof note, "%.*s", (int)(out[i].note_end - out[i].note_start),
                 c->in + out[i].note_start);
        if (strcmp(printed, w->printed) || strcmp(tcpl_unit_canonical(&out[i]), w->canonical) ||
            strcmp(note, w->note ? w->note : ""))
            print_error("case %zu unit %zu: [%s] -> [%s] note [%s]\n", idx, i, printed,
                        tcpl_unit_canonical(&out[i]), note);
        assert_string_equal(printed, w->printed);
        assert_string_equal(tcpl_unit_canonical(&out[i]), w->canonical);
        assert_string_equal(note, w->note ? w->note : "");
        assert_true(out[i].end <= len && out[i].note_end <= len);
        assert_false(out[i].truncated);
    }
    assert_every_word_kept(c->in, out, n);
}

/* Every case marked with a seed is really in that seed (a hyphen-bullet
 * recipient line counts without its "- "). */
static void test_cases_are_from_seeds(void **state)
{
    if (!tu_corpus())
        TU_SKIP("no corpus (set TCPL_CORPUS): the seeds are in it");
    size_t n = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (!cases[i].seed)
            continue;
        char name[64];
        snprintf(name, sizeof name, "seeds/%s", cases[i].seed);
        char *path = tu_corpus_file(name);
        assert_non_null(path);
        n++;
        char *text = tu_read_file(path, NULL);
        free(path);
        assert_non_null(text);
        const char *in = cases[i].in;
        if (!strncmp(in, "- ", 2))
            in += 2;
        if (!strstr(text, in))
            print_error("case %zu not found in %s: %s\n", i, cases[i].seed, in);
        assert_non_null(strstr(text, in));
        free(text);
    }
    /* as many as test_seed_cases checks: none was left unlooked-at */
    assert_true(n >= 30);
}

static void test_seed_cases(void **state)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (cases[i].seed) {
            check_case(&cases[i], i);
            n++;
        }
    assert_true(n >= 30);
}

static void test_built_cases(void **state)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (!cases[i].seed)
            check_case(&cases[i], i);
}

static void test_alias_pointer_and_norm(void **state)
{
    tcpl_unit out[4];
    size_t n;
    const char *s = "UBND tỉnh; sở tư pháp";
    assert_int_equal(tcpl_units_split(g_units, s, strlen(s), out, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_null(out[0].alias); /* not in the table: a normalized copy */
    assert_string_equal(out[0].norm, "Ủy ban nhân dân tỉnh");
    assert_non_null(out[1].alias); /* the table's own spelling */
    assert_string_equal(out[1].alias, "Sở Tư pháp");
    /* a copied unit still names itself: no pointer into its own buffer */
    tcpl_unit copy = out[0];
    assert_string_equal(tcpl_unit_canonical(&copy), "Ủy ban nhân dân tỉnh");
}

/* A name asked again is answered from the memo, with the same answer, the
 * same truncation and the same alias pointer; a fresh tcpl_units (nothing
 * remembered) gives the same for every case above; the memo stops adding at
 * TCPL_UNITS_MEMO_FILL and names past it are still right. */
static void test_memo_same_answers(void **state)
{
    tcpl_error err;
    tcpl_units *u;
    assert_int_equal(tcpl_units_new(&u, g_ctx, &err), 0);
    const char *name = "UBND  xã Phú Thịnh";
    char first[TCPL_UNIT_NAME_MAX], again[TCPL_UNIT_NAME_MAX];
    const char *a1, *a2;
    int t1, t2;
    assert_int_equal(tcpl_units_canonical(u, name, strlen(name), first, sizeof first, &a1, &t1), 0);
    size_t c0 = tcpl_units_computed(u);
    assert_int_equal(c0, 1);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(
            tcpl_units_canonical(u, name, strlen(name), again, sizeof again, &a2, &t2), 0);
        assert_string_equal(again, first);
        assert_ptr_equal(a2, a1);
        assert_int_equal(t2, t1);
    }
    assert_int_equal(tcpl_units_computed(u), 1); /* 50 answers from the memo */
    /* a smaller buffer cuts a remembered name the way it cuts a fresh one */
    char small[8];
    assert_int_equal(tcpl_units_canonical(u, name, strlen(name), small, sizeof small, &a2, &t2), 0);
    assert_int_equal(t2, 1);
    assert_memory_equal(small, first, strlen(small));
    /* an alias: the table's pointer, remembered */
    const char *sp = "sở tư pháp";
    assert_int_equal(tcpl_units_canonical(u, sp, strlen(sp), first, sizeof first, &a1, &t1), 0);
    assert_int_equal(tcpl_units_canonical(u, sp, strlen(sp), again, sizeof again, &a2, &t2), 0);
    assert_non_null(a1);
    assert_ptr_equal(a1, a2);
    assert_int_equal(tcpl_units_computed(u), 2);
    /* every case split twice through the memo equals the shared units' answer */
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int round = 0; round < 2; round++) {
            tcpl_unit x[MAXU], y[MAXU];
            size_t nx, ny;
            const char *in = cases[k].in;
            int rx = tcpl_units_split(u, in, strlen(in), x, MAXU, &nx);
            int ry = tcpl_units_split(g_units, in, strlen(in), y, MAXU, &ny);
            assert_int_equal(rx, ry);
            assert_int_equal(nx, ny);
            for (size_t i = 0; i < nx && i < MAXU; i++)
                assert_string_equal(tcpl_unit_canonical(&x[i]), tcpl_unit_canonical(&y[i]));
        }
    /* past the fill mark: still right, computed every time */
    char buf[64];
    for (int i = 0; i < TCPL_UNITS_MEMO_FILL + 10; i++) {
        char nm[48];
        int k = snprintf(nm, sizeof nm, "Tổ dân phố số %d", i);
        assert_int_equal(tcpl_units_canonical(u, nm, (size_t)k, buf, sizeof buf, &a1, &t1), 0);
        assert_string_equal(buf, nm);
    }
    size_t c1 = tcpl_units_computed(u);
    const char *last = "Tổ dân phố số 1540";
    assert_int_equal(tcpl_units_canonical(u, last, strlen(last), buf, sizeof buf, &a1, &t1), 0);
    assert_string_equal(buf, last);
    assert_int_equal(tcpl_units_computed(u), c1 + 1); /* not remembered: the memo was full */
    const char *early = "Tổ dân phố số 3";
    assert_int_equal(tcpl_units_canonical(u, early, strlen(early), buf, sizeof buf, &a1, &t1), 0);
    assert_int_equal(tcpl_units_computed(u), c1 + 1); /* remembered before it filled */
    tcpl_units_free(u);
}

/* Positions whose byte starts no phrase cost no comparison: a field of
 * digits and punctuation is passed without comparing any phrase (every
 * phrase list was compared at every word before). */
static void test_no_phrase_start_no_steps(void **state)
{
    (void)state;
    char s[2048];
    size_t len = 0;
    while (len + 6 < sizeof s) {
        memcpy(s + len, "12 34 ", 6);
        len += 6;
    }
    s[len] = 0;
    tcpl_unit out[4];
    size_t n = 0, steps = 99;
    assert_int_equal(tcpl_units_split_counted(g_units, s, len, out, 4, &n, &steps), 0);
    assert_int_equal(steps, 0);
    /* a real list still compares, and still finds its units */
    const char *r = "Sở Tư pháp, UBND cấp huyện.";
    assert_int_equal(tcpl_units_split_counted(g_units, r, strlen(r), out, 4, &n, &steps), 0);
    assert_int_equal(n, 2);
    assert_true(steps > 0);
}

static void test_empty_and_limits(void **state)
{
    tcpl_unit out[2];
    size_t n = 99;
    assert_int_equal(tcpl_units_split(g_units, "", 0, out, 2, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(tcpl_units_split(g_units, " ; , .", 6, out, 2, &n), 0);
    assert_int_equal(n, 0);
    const char *s = "Sở A; Sở B; Sở C";
    assert_int_equal(tcpl_units_split(g_units, s, strlen(s), out, 2, &n), TCPL_ERR_LIMIT);
    assert_int_equal(n, 2);
    assert_string_equal(tcpl_unit_canonical(&out[1]), "Sở B");
    assert_int_equal(tcpl_units_split(NULL, s, strlen(s), out, 2, &n), TCPL_ERR_USAGE);
    char *big = malloc(TCPL_UNITS_FIELD_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', TCPL_UNITS_FIELD_MAX + 1);
    big[TCPL_UNITS_FIELD_MAX + 1] = 0;
    assert_int_equal(tcpl_units_split(g_units, big, TCPL_UNITS_FIELD_MAX + 1, out, 2, &n),
                     TCPL_ERR_LIMIT);
    free(big);
}

/* Bad UTF-8 and a name longer than the buffer: no crash, cut at a
 * character boundary and flagged. */
static void test_hostile(void **state)
{
    tcpl_unit out[4];
    size_t n;
    const char bad[] = "S\xE1\xBB Tư pháp, \xFF\xFE; UBND";
    assert_int_equal(tcpl_units_split(g_units, bad, sizeof bad - 1, out, 4, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(tcpl_unit_canonical(&out[2]), "Ủy ban nhân dân");
    char longname[2 * TCPL_UNIT_NAME_MAX];
    size_t k = 0;
    while (k + 3 < sizeof longname) {
        memcpy(longname + k, "Ủ", 2); /* two bytes: the cut must not split it */
        k += 2;
        longname[k++] = 'x';
    }
    longname[k] = 0;
    assert_int_equal(tcpl_units_split(g_units, longname, k, out, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_true(out[0].truncated);
    assert_true(strlen(out[0].norm) < TCPL_UNIT_NAME_MAX);
    size_t l = strlen(out[0].norm);
    assert_true(((unsigned char)out[0].norm[l - 1] & 0xC0) != 0xC0);
}

/* A shared post head is applied to every member that has no head of its
 * own, or (without one) to none: the printed form stays beside it. */
static void test_post_head_on_every_member(void **state)
{
    tcpl_unit out[8];
    size_t n;
    const char *s = "Cán bộ Văn phòng, Chính sách – Xã hội, Trưởng thôn, Địa chính – Xây dựng";
    assert_int_equal(tcpl_units_split(g_units, s, strlen(s), out, 8, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(tcpl_unit_canonical(&out[0]), "Cán bộ Văn phòng");
    assert_string_equal(tcpl_unit_canonical(&out[1]), "Cán bộ Chính sách - Xã hội");
    assert_string_equal(tcpl_unit_canonical(&out[2]), "Trưởng thôn");
    assert_string_equal(tcpl_unit_canonical(&out[3]), "Cán bộ Địa chính - Xây dựng");
    char printed[64];
    snprintf(printed, sizeof printed, "%.*s", (int)(out[3].end - out[3].start), s + out[3].start);
    assert_string_equal(printed, "Địa chính – Xây dựng");
    /* no post head printed: none is invented for a post the table does not know */
    const char *t = "Chính sách – Xã hội, Quỹ hỗ trợ";
    assert_int_equal(tcpl_units_split(g_units, t, strlen(t), out, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(tcpl_unit_canonical(&out[0]), "Chính sách - Xã hội");
    assert_string_equal(tcpl_unit_canonical(&out[1]), "Quỹ hỗ trợ");
}

/* A group of thousands of nouns ("các sở, ban, ngành, ban, ngành, ...")
 * is one unit, found in work proportional to its length: the comma
 * handling no longer rescans the group from its start at every comma
 * (which made this input cost about len^2 / 2 comparisons). */
static void test_long_group_is_linear(void **state)
{
    size_t cap = TCPL_UNITS_FIELD_MAX;
    char *s = malloc(cap + 1);
    assert_non_null(s);
    size_t len = (size_t)sprintf(s, "các sở");
    int commas = 0;
    while (len + 16 < cap) {
        len += (size_t)sprintf(s + len, ", %s", commas % 2 ? "ban" : "ngành");
        commas++;
    }
    tcpl_unit out[2];
    size_t n, steps;
    assert_int_equal(tcpl_units_split_counted(g_units, s, len, out, 2, &n, &steps), 0);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].end, len);
    assert_true(commas > 2000);
    /* linear: a bounded number of phrase comparisons per byte; the old
     * rescan made over len * commas / 2 (more than 10^7 here) */
    if (steps > 64 * len)
        print_error("%zu comparisons for %zu bytes\n", steps, len);
    assert_true(steps <= 64 * len);
    /* the same list of real units, split at every comma, is linear too */
    len = 0;
    for (int i = 0; len + 24 < cap; i++)
        len += (size_t)sprintf(s + len, "%sSở số %d", i ? ", " : "", i);
    tcpl_unit many[64];
    assert_int_equal(tcpl_units_split_counted(g_units, s, len, many, 64, &n, &steps),
                     TCPL_ERR_LIMIT);
    assert_int_equal(n, 64);
    assert_true(steps <= 64 * len);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_are_from_seeds),
        cmocka_unit_test(test_seed_cases),
        cmocka_unit_test(test_built_cases),
        cmocka_unit_test(test_alias_pointer_and_norm),
        cmocka_unit_test(test_memo_same_answers),
        cmocka_unit_test(test_no_phrase_start_no_steps),
        cmocka_unit_test(test_empty_and_limits),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_post_head_on_every_member),
        cmocka_unit_test(test_long_group_is_linear),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
