/* Time expressions, header dates and deadlines (lib/src/extract/timeexpr.c).
 * Cases are the phrasing of the seed plans (corpus/seeds/000, 001, 003) and
 * variants of it; expected dates were worked out by hand from the calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "extract/timeexpr.h"

static tcpl_ctx *g_ctx;
static tcpl_timeparser *g_tp;

static int setup(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_error_clear(&err);
    g_ctx = tu_ctx();
    int rc = tcpl_timeparser_new(&g_tp, g_ctx, &err);
    if (rc < 0)
        fprintf(stderr, "timeparser: %s %s %s\n", err.id ? err.id : "", err.where, err.detail);
    return rc < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    tcpl_timeparser_free(g_tp);
    tcpl_ctx_free(g_ctx);
    return 0;
}

/* ---------- time fields ---------- */

enum { K_UNK = TCPL_TIME_UNKNOWN, K_DATE = TCPL_TIME_DATE, K_RANGE = TCPL_TIME_RANGE,
       K_Q = TCPL_TIME_QUARTER, K_MON = TCPL_TIME_MONTH, K_YEAR = TCPL_TIME_YEAR,
       K_REC = TCPL_TIME_RECURRING, K_DEF = TCPL_TIME_DEFERRED };

typedef struct tcase {
    const char *text;
    int kind;
    const char *start, *end; /* "" = null */
    int recurring;
    int invalid;
    const char *monthday; /* NULL: not checked, else expected ("" = none) */
} tcase;

static const tcase time_cases[] = {
    /* seed 000 (Lai Châu, 2021) */
    {"Quý IV năm 2021.", K_Q, "2021-10-01", "2021-12-31", 0, 0, ""},
    {"Hằng năm.", K_REC, "", "", 1, 0, ""},
    {"Từ quý III năm 2021.", K_Q, "2021-07-01", "", 0, 0, NULL},
    {"Theo hướng dẫn của Bộ Tư pháp.", K_DEF, "", "", 0, 0, NULL},
    {"Theo hướng dẫn của Bộ Tư pháp", K_DEF, "", "", 0, 0, NULL},
    {"Từ năm 2022.", K_YEAR, "2022-01-01", "", 0, 0, NULL},
    {"Năm 2022 - 2025.", K_RANGE, "2022-01-01", "2025-12-31", 0, 0, NULL},
    {"Hằng năm (định kỳ, đột xuất).", K_REC, "", "", 1, 0, NULL},
    {"Định kỳ hoặc đột xuất trong trường hợp cần thiết.", K_REC, "", "", 1, 0, NULL},
    {"Hằng năm", K_REC, "", "", 1, 0, NULL},
    {"Năm 2022: Theo hướng dẫn của Bộ Tư pháp.", K_YEAR, "2022-01-01", "2022-12-31", 0, 0, NULL},
    /* seed 001 (Lạng Sơn, 2017) */
    {"Thường xuyên hằng năm.", K_REC, "", "", 1, 0, NULL},
    {"Theo chỉ đạo của Bộ Tư pháp.", K_DEF, "", "", 0, 0, NULL},
    {"Thường xuyên, hằng năm.", K_REC, "", "", 1, 0, NULL},
    {"Quý III /2017.", K_Q, "2017-07-01", "2017-09-30", 0, 0, NULL},
    {"Quý III/2017.", K_Q, "2017-07-01", "2017-09-30", 0, 0, NULL},
    {"Theo quy định tại Điều 7 Quyết định 619/Q Đ-TTg ngày 08/5/2017 của Thủ tướng Chính phủ "
     "(tháng 12 năm trước và tháng 01 năm liền kề).",
     K_DEF, "", "", 0, 0, NULL},
    {"Hằng năm (định kỳ hoặc đột xuất).", K_REC, "", "", 1, 0, NULL},
    {"năm 2017-2020.", K_RANGE, "2017-01-01", "2020-12-31", 0, 0, NULL},
    {"Sơ kết năm 2018, tổng kết năm 2020.", K_RANGE, "2018-01-01", "2020-12-31", 0, 0, NULL},
    /* seed 003 (Xuân Phúc, 2024) */
    {"Năm 2024 và các năm tiếp theo.", K_REC, "2024-01-01", "", 1, 0, NULL},
    {"Trong năm 2024 và những năm tiếp theo", K_REC, "2024-01-01", "", 1, 0, NULL},
    /* forms named in docs/domain.md */
    {"ngày 22/7/2021", K_DATE, "2021-07-22", "2021-07-22", 0, 0, ""},
    {"trước ngày 20/3/2024", K_DATE, "", "2024-03-20", 0, 0, NULL},
    {"ngày 18 tháng 8 năm 2021", K_DATE, "2021-08-18", "2021-08-18", 0, 0, NULL},
    {"Quý III, IV/2024", K_Q, "2024-07-01", "2024-12-31", 0, 0, NULL},
    {"quý I và quý II năm 2022", K_Q, "2022-01-01", "2022-06-30", 0, 0, NULL},
    {"tháng 3/2024", K_MON, "2024-03-01", "2024-03-31", 0, 0, NULL},
    {"tháng 10 và tháng 11 năm 2024", K_MON, "2024-10-01", "2024-11-30", 0, 0, NULL},
    {"Tháng 12 năm 2021", K_MON, "2021-12-01", "2021-12-31", 0, 0, NULL},
    {"trong tháng 6/2022", K_MON, "2022-06-01", "2022-06-30", 0, 0, NULL},
    {"Giai đoạn 2021-2025", K_RANGE, "2021-01-01", "2025-12-31", 0, 0, NULL},
    {"2022", K_YEAR, "2022-01-01", "2022-12-31", 0, 0, NULL},
    {"Hàng năm", K_REC, "", "", 1, 0, NULL},
    {"Thường xuyên", K_REC, "", "", 1, 0, NULL},
    {"Hằng năm, trước ngày 15/12", K_REC, "", "", 1, 0, "--12-15"},
    {"Theo kế hoạch của UBND tỉnh", K_DEF, "", "", 0, 0, NULL},
    {"Khi có yêu cầu", K_DEF, "", "", 0, 0, NULL},
    /* case and punctuation */
    {"QUÝ IV NĂM 2021", K_Q, "2021-10-01", "2021-12-31", 0, 0, NULL},
    {"quý iv năm 2021;", K_Q, "2021-10-01", "2021-12-31", 0, 0, NULL},
    {"HẰNG NĂM", K_REC, "", "", 1, 0, NULL},
    {"  Quý\xc2\xa0IV\xc2\xa0năm 2021 ", K_Q, "2021-10-01", "2021-12-31", 0, 0, NULL},
    /* quarter variants */
    {"Quý 4/2021", K_Q, "2021-10-01", "2021-12-31", 0, 0, NULL},
    {"Qúy II/2023", K_Q, "2023-04-01", "2023-06-30", 0, 0, NULL},
    {"Quý I/2024", K_Q, "2024-01-01", "2024-03-31", 0, 0, NULL},
    {"Quý IV/2021 - Quý II/2022", K_Q, "2021-10-01", "2022-06-30", 0, 0, NULL},
    {"Quý III - IV/2024", K_Q, "2024-07-01", "2024-12-31", 0, 0, NULL},
    {"Quý III – IV năm 2024", K_Q, "2024-07-01", "2024-12-31", 0, 0, NULL},
    {"Quý IV", K_Q, "", "", 0, 0, NULL},
    {"Quý IV hằng năm", K_Q, "", "", 1, 0, NULL},
    /* year ranges: hyphen, en dash, em dash, words */
    {"Năm 2022 – 2025", K_RANGE, "2022-01-01", "2025-12-31", 0, 0, NULL},
    {"năm 2022 — 2025", K_RANGE, "2022-01-01", "2025-12-31", 0, 0, NULL},
    {"2022-2025", K_RANGE, "2022-01-01", "2025-12-31", 0, 0, NULL},
    {"Từ năm 2022 đến năm 2025", K_RANGE, "2022-01-01", "2025-12-31", 0, 0, NULL},
    {"Giai đoạn 2021 - 2025.", K_RANGE, "2021-01-01", "2025-12-31", 0, 0, NULL},
    {"Năm 2025 - 2022", K_RANGE, "2025-01-01", "2022-12-31", 0, 1, NULL},
    {"Từ năm 2022 trở đi", K_YEAR, "2022-01-01", "", 0, 0, NULL},
    {"Trong năm 2024", K_YEAR, "2024-01-01", "2024-12-31", 0, 0, NULL},
    {"năm 1899", K_YEAR, "", "", 0, 1, NULL},
    /* exact dates, validation, separators */
    {"ngày 31/2/2021", K_DATE, "", "", 0, 1, NULL},
    {"ngày 29/2/2023", K_DATE, "", "", 0, 1, NULL},
    {"ngày 29/2/2024", K_DATE, "2024-02-29", "2024-02-29", 0, 0, NULL},
    {"ngày 30/02/2024", K_DATE, "", "", 0, 1, NULL},
    {"ngày 29/02/2000", K_DATE, "2000-02-29", "2000-02-29", 0, 0, NULL},
    {"ngày 29/02/1900", K_DATE, "", "", 0, 1, NULL},
    {"ngày 31/4/2024", K_DATE, "", "", 0, 1, NULL},
    {"ngày 05/01/2024", K_DATE, "2024-01-05", "2024-01-05", 0, 0, NULL},
    {"22 / 7 / 2021", K_DATE, "2021-07-22", "2021-07-22", 0, 0, NULL},
    {"22-7-2021", K_DATE, "2021-07-22", "2021-07-22", 0, 0, NULL},
    {"22.07.2021", K_DATE, "2021-07-22", "2021-07-22", 0, 0, NULL},
    {"22 - 07 - 2021", K_DATE, "2021-07-22", "2021-07-22", 0, 0, NULL},
    {"Trước 31/12/2024.", K_DATE, "", "2024-12-31", 0, 0, NULL},
    {"Hoàn thành trước ngày 30/6/2022", K_DATE, "", "2022-06-30", 0, 0, NULL},
    {"Chậm nhất ngày 15/11/2021", K_DATE, "", "2021-11-15", 0, 0, NULL},
    {"chậm nhất là ngày 10 tháng 12 năm 2023", K_DATE, "", "2023-12-10", 0, 0, NULL},
    {"Từ ngày 01/3/2024 đến ngày 30/6/2024", K_RANGE, "2024-03-01", "2024-06-30", 0, 0, NULL},
    {"Từ 01/3 đến 30/6/2024", K_RANGE, "2024-03-01", "2024-06-30", 0, 0, NULL},
    {"Từ ngày 01/7/2024", K_DATE, "2024-07-01", "", 0, 0, NULL},
    {"ngày 15/12", K_DATE, "", "", 0, 0, "--12-15"},
    {"Trước ngày 31/12 hằng năm", K_REC, "", "", 1, 0, "--12-31"},
    {"Hằng năm, trước ngày 15/12/2024", K_REC, "", "2024-12-15", 1, 0, ""},
    {"Quý IV/2021 và các năm tiếp theo", K_REC, "2021-10-01", "", 1, 0, NULL},
    {"Quý IV năm 2021 và Quý I năm 2022", K_Q, "2021-10-01", "2022-03-31", 0, 0, NULL},
    {"Tháng 6 hằng năm", K_MON, "", "", 1, 0, NULL},
    {"Trong quý IV năm 2024", K_Q, "2024-10-01", "2024-12-31", 0, 0, NULL},
    {"Quí 2 năm 2024", K_Q, "2024-04-01", "2024-06-30", 0, 0, NULL},
    /* months */
    {"Tháng 12/2023 đến tháng 2/2024", K_MON, "2023-12-01", "2024-02-29", 0, 0, NULL},
    {"Từ tháng 3/2024", K_MON, "2024-03-01", "", 0, 0, NULL},
    {"tháng 3, 4/2024", K_MON, "2024-03-01", "2024-04-30", 0, 0, NULL},
    {"Tháng 2/2023", K_MON, "2023-02-01", "2023-02-28", 0, 0, NULL},
    {"Tháng 02 năm 2024", K_MON, "2024-02-01", "2024-02-29", 0, 0, NULL},
    {"tháng 13/2024", K_MON, "", "", 0, 1, NULL},
    {"6 tháng đầu năm 2024", K_MON, "2024-01-01", "2024-06-30", 0, 0, NULL},
    {"06 tháng cuối năm 2024", K_MON, "2024-07-01", "2024-12-31", 0, 0, NULL},
    /* recurring and deferred words */
    {"Hằng quý", K_REC, "", "", 1, 0, NULL},
    {"Năm 2024 và hằng năm", K_REC, "2024-01-01", "", 1, 0, NULL},
    {"Sau khi có hướng dẫn của Sở Tư pháp", K_DEF, "", "", 0, 0, NULL},
    {"2022–2025", K_RANGE, "2022-01-01", "2025-12-31", 0, 0, NULL},
    {"Đột xuất", K_DEF, "", "", 0, 0, NULL},
    {"Theo yêu cầu của cấp trên", K_DEF, "", "", 0, 0, NULL},
    {"Năm 2024 (hoàn thành trước 15/12/2024)", K_YEAR, "2024-01-01", "2024-12-31", 0, 0, NULL},
    /* not time expressions */
    {"Kịp thời", K_UNK, "", "", 0, 0, NULL},
    {"Sau đó", K_UNK, "", "", 0, 0, NULL},
    {"Quyết định số 25/2021/QĐ-TTg", K_UNK, "", "", 0, 0, NULL},
};

static void test_time_case(void **state)
{
    const tcase *c = *state;
    tcpl_time t;
    size_t len = strlen(c->text);
    int rc = tcpl_time_parse(g_tp, c->text, len, &t);
    if ((int)t.kind != c->kind || strcmp(t.start, c->start) || strcmp(t.end, c->end) ||
        t.recurring != c->recurring || t.invalid != c->invalid ||
        (c->monthday && strcmp(t.monthday, c->monthday)))
        print_error("'%s': got %s [%s .. %s] rec=%d inv=%d md=%s\n", c->text,
                    tcpl_time_kind_name(t.kind), t.start, t.end, t.recurring, t.invalid,
                    t.monthday);
    assert_int_equal(rc, c->kind == K_UNK ? 0 : 1);
    assert_string_equal(tcpl_time_kind_name(t.kind), tcpl_time_kind_name((tcpl_time_kind)c->kind));
    assert_string_equal(t.start, c->start);
    assert_string_equal(t.end, c->end);
    assert_int_equal(t.recurring, c->recurring);
    assert_int_equal(t.invalid, c->invalid);
    if (c->monthday)
        assert_string_equal(t.monthday, c->monthday);
    /* The text span is the trimmed expression. */
    assert_true(t.start_off <= t.end_off && t.end_off <= len);
}

static void test_time_span(void **state)
{
    (void)state;
    const char *s = "  Quý IV năm 2021.  ";
    tcpl_time t;
    assert_int_equal(tcpl_time_parse(g_tp, s, strlen(s), &t), 1);
    assert_int_equal(t.start_off, 2);
    assert_int_equal(t.end_off, 2 + strlen("Quý IV năm 2021"));
    assert_int_equal(tcpl_time_parse(g_tp, "", 0, &t), 0);
    assert_int_equal(t.kind, TCPL_TIME_UNKNOWN);
    assert_int_equal(tcpl_time_parse(g_tp, " .; ", 4, &t), 0);
    /* Only len bytes are read: the year after them is not seen. */
    assert_int_equal(tcpl_time_parse(g_tp, "Năm 20222", strlen("Năm 2022"), &t), 1);
    assert_string_equal(t.end, "2022-12-31");
}

/* Every time field of the three seed plans is recognised (not "unknown"). */
static void test_time_seed_fields(void **state)
{
    (void)state;
    static const char *const seeds[] = {"000.txt", "001.txt", "003.txt"};
    static const char *const labels[] = {"Thời gian thực hiện", "Thời gian khắc phục"};
    const char *corpus = tu_corpus();
    if (!corpus)
        skip();
    int fields = 0;
    for (size_t f = 0; f < 3; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/seeds/%s", corpus, seeds[f]);
        size_t n;
        char *text = tu_read_file(path, &n);
        assert_non_null(text);
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            for (size_t l = 0; l < 2; l++) {
                char *p = strstr(line, labels[l]);
                if (!p)
                    continue;
                p += strlen(labels[l]);
                /* The seeds are Markdown: drop the italics around the label. */
                while (*p == '*' || *p == ':' || *p == ' ')
                    p++;
                char value[600];
                size_t k = 0;
                for (; *p && k + 1 < sizeof value; p++)
                    if (*p != '*')
                        value[k++] = *p;
                value[k] = 0;
                if (!k)
                    continue; /* the value is in the bullets below */
                tcpl_time t;
                int rc = tcpl_time_parse(g_tp, value, k, &t);
                if (rc != 1)
                    print_error("%s: unrecognised time '%s'\n", seeds[f], value);
                assert_int_equal(rc, 1);
                assert_int_equal(t.invalid, 0);
                fields++;
            }
        }
        free(text);
    }
    /* 000 has 14 filled fields (one more is empty), 001 has 14, 003 has 4. */
    assert_int_equal(fields, 14 + 14 + 4);
}

/* ---------- header dates ---------- */

static void expect_span(const char *s, size_t a, size_t b, const char *want)
{
    assert_int_equal(b - a, strlen(want));
    assert_memory_equal(s + a, want, strlen(want));
}

static void test_header_full(void **state)
{
    (void)state;
    const char *s = "Điện Biên, ngày 02 tháng 02 năm 2024";
    tcpl_date d;
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2024-02-02");
    assert_true(d.complete);
    assert_false(d.invalid);
    assert_int_equal(d.day_digits, 2);
    assert_int_equal(d.month_digits, 2);
    expect_span(s, d.place_start, d.place_end, "Điện Biên");
    expect_span(s, d.start, d.end, "ngày 02 tháng 02 năm 2024");
}

static void test_header_blank(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "Lai Châu, ngày   tháng   năm 2021",
        "Lai Châu, ngày tháng năm 2021", /* as the seed 000 renders it */
        "Lai Châu, ngày ….. tháng ….. năm 2021",
        "Lai Châu, ngày ___ tháng ___ năm 2021",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        tcpl_date d;
        const char *s = forms[i];
        assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
        assert_string_equal(d.iso, "2021");
        assert_false(d.complete);
        assert_false(d.invalid);
        assert_int_equal(d.year, 2021);
        assert_int_equal(d.day, 0);
        assert_int_equal(d.month, 0);
        expect_span(s, d.place_start, d.place_end, "Lai Châu");
        assert_int_equal(d.end, strlen(s));
    }
    const char *s = "Hà Nội, ngày    tháng 3 năm 2021";
    tcpl_date d;
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2021-03");
    assert_false(d.complete);
    s = "Hà Nội, ngày 5 tháng 3 năm";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "");
    assert_false(d.complete);
    assert_false(d.invalid);
}

static void test_header_forms(void **state)
{
    (void)state;
    tcpl_date d;
    const char *s = "ngày 05 tháng 01 năm 2024";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2024-01-05");
    assert_int_equal(d.place_start, d.place_end);
    assert_int_equal(d.start, 0);

    s = "Xuân Phúc, ngày 24 tháng 6 năm 2024"; /* seed 003 */
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2024-06-24");
    assert_int_equal(d.month_digits, 1);
    expect_span(s, d.place_start, d.place_end, "Xuân Phúc");

    s = "Thành phố Hồ Chí Minh, ngày 5 tháng 3 năm 2024";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2024-03-05");
    assert_int_equal(d.day_digits, 1);
    expect_span(s, d.place_start, d.place_end, "Thành phố Hồ Chí Minh");

    s = "Số: 12/KH-UBND\tLai Châu, ngày 5 tháng 3 năm 2024";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    expect_span(s, d.place_start, d.place_end, "Lai Châu");

    s = "TP. Điện Biên Phủ, ngày 10 tháng 10 năm 2023";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2023-10-10");
    expect_span(s, d.place_start, d.place_end, "TP. Điện Biên Phủ");

    s = "LAI CHÂU, NGÀY 02 THÁNG 02 NĂM 2024";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2024-02-02");
    expect_span(s, d.place_start, d.place_end, "LAI CHÂU");

    static const char *const numeric[] = {"02/02/2024", "2/2/2024", "02-02-2024", "02.02.2024",
                                          "02 / 02 / 2024"};
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
        s = numeric[i];
        assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
        assert_string_equal(d.iso, "2024-02-02");
        assert_true(d.complete);
        assert_int_equal(d.end, strlen(s));
    }
    s = "Hà Nội, 02/02/2024";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    expect_span(s, d.place_start, d.place_end, "Hà Nội");
    expect_span(s, d.start, d.end, "02/02/2024");

    s = "KẾ HOẠCH";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 0);
    assert_string_equal(d.iso, "");
}

static void test_header_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Hà Nội, ngày 31 tháng 02 năm 2021", "Hà Nội, ngày 29 tháng 02 năm 2023",
        "Hà Nội, ngày 05 tháng 13 năm 2024", "Hà Nội, ngày 05 tháng 01 năm 2200",
        "31/2/2021",                          "30-02-2024",
        "Hà Nội, ngày 32 tháng 01 năm 2024",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tcpl_date d;
        assert_int_equal(tcpl_date_parse(g_tp, bad[i], strlen(bad[i]), &d), 1);
        if (!d.invalid)
            print_error("'%s' not flagged\n", bad[i]);
        assert_true(d.invalid);
        assert_false(d.complete);
        assert_string_equal(d.iso, "");
    }
    tcpl_date d;
    const char *s = "Hà Nội, ngày 29 tháng 02 năm 2024";
    assert_int_equal(tcpl_date_parse(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2024-02-29");
    assert_false(d.invalid);
}

static void test_date_from_text(void **state)
{
    (void)state;
    tcpl_date d;
    const char *s = "ngày 22/7/2021 của Thủ tướng Chính phủ";
    assert_int_equal(tcpl_date_from_text(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2021-07-22");
    expect_span(s, d.start, d.end, "ngày 22/7/2021");

    s = " 18 tháng 8 năm 2021 của Bộ Tư pháp";
    assert_int_equal(tcpl_date_from_text(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2021-08-18");
    expect_span(s, d.start, d.end, "18 tháng 8 năm 2021");

    s = "08/5/2017";
    assert_int_equal(tcpl_date_from_text(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2017-05-08");
    assert_int_equal(d.day_digits, 2);
    assert_int_equal(d.month_digits, 1);

    s = "ngày 31/01/2024";
    assert_int_equal(tcpl_date_from_text(g_tp, s, strlen(s), &d), 1);
    assert_string_equal(d.iso, "2024-01-31");

    s = "của Thủ tướng Chính phủ ngày 22/7/2021"; /* not at the start */
    assert_int_equal(tcpl_date_from_text(g_tp, s, strlen(s), &d), 0);
    s = "25/2021/QĐ-TTg"; /* a document number is not a date */
    assert_int_equal(tcpl_date_from_text(g_tp, s, strlen(s), &d), 0);
}

/* ---------- deadlines ---------- */

static void test_deadlines_basic(void **state)
{
    (void)state;
    tcpl_deadline dl[4];
    size_t n;
    const char *s = "Các xã gửi báo cáo về Phòng Tư pháp trước ngày 20/3/2024.";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), dl, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(dl[0].date, "2024-03-20");
    expect_span(s, dl[0].start, dl[0].end, "trước ngày 20/3/2024");

    s = "Báo cáo kết quả trước 31/12/2024 để tổng hợp.";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), dl, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(dl[0].date, "2024-12-31");
    expect_span(s, dl[0].start, dl[0].end, "trước 31/12/2024");

    s = "Thời hạn hoàn thành: 30/9/2024.";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), dl, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(dl[0].date, "2024-09-30");
}

static void test_deadlines_citation(void **state)
{
    (void)state;
    tcpl_deadline dl[4];
    size_t n;
    const char *s = "Thực hiện Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính "
                    "phủ, UBND các xã hoàn thành trước ngày 30/6/2022.";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), dl, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(dl[0].date, "2022-06-30");
    expect_span(s, dl[0].start, dl[0].end, "hoàn thành trước ngày 30/6/2022");

    /* The basis sentence of seed 000: citations only. */
    s = "Thực hiện Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ Quy "
        "định về xã, phường, thị trấn đạt chuẩn tiếp cận pháp luật, Quyết định số 1320/QĐ-BTP "
        "ngày 18 tháng 8 năm 2021 của Bộ Tư pháp về ban hành Kế hoạch thực hiện Quyết định số "
        "25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), dl, 4, &n), 0);
    assert_int_equal(n, 0);
}

static void test_deadlines_many(void **state)
{
    (void)state;
    tcpl_deadline dl[2];
    size_t n;
    const char *s = "Chậm nhất ngày 15/11/2021 các đơn vị gửi báo cáo; chậm nhất là ngày 10 tháng "
                    "12 năm 2023 tổng hợp; Sở Tư pháp trình trước ngày 31/2/2024.";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), dl, 2, &n), 0);
    assert_int_equal(n, 3); /* three found, two stored */
    assert_string_equal(dl[0].date, "2021-11-15");
    expect_span(s, dl[0].start, dl[0].end, "Chậm nhất ngày 15/11/2021");
    assert_string_equal(dl[1].date, "2023-12-10");
    expect_span(s, dl[1].start, dl[1].end, "chậm nhất là ngày 10 tháng 12 năm 2023");

    tcpl_deadline all[4];
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), all, 4, &n), 0);
    assert_int_equal(n, 3);
    assert_true(all[2].invalid); /* 31/2 does not exist */
    assert_string_equal(all[2].date, "");

    /* No year: not a calendar deadline. */
    s = "Hằng năm, báo cáo trước ngày 15/12.";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), all, 4, &n), 0);
    assert_int_equal(n, 0);
    /* count only */
    s = "trước ngày 01/02/2024";
    assert_int_equal(tcpl_deadlines_find(g_tp, s, strlen(s), NULL, 0, &n), 0);
    assert_int_equal(n, 1);
}

/* Long hostile paragraphs: every call ends quickly and without error. */
static void test_hostile(void **state)
{
    (void)state;
    static const char *const units[] = {"1/", "trước ngày 1/1/", "Quý I, ", "tháng 1 và ",
                                        "ngày  tháng ", "năm 2022 - "};
    enum { SIZE = 200000 };
    char *s = malloc(SIZE + 1);
    assert_non_null(s);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t n = 0, ul = strlen(units[u]);
        while (n + ul <= SIZE) {
            memcpy(s + n, units[u], ul);
            n += ul;
        }
        s[n] = 0;
        tcpl_time t;
        tcpl_date d;
        tcpl_deadline dl[8];
        size_t cnt;
        assert_true(tcpl_time_parse(g_tp, s, n, &t) >= 0);
        assert_true(tcpl_date_parse(g_tp, s, n, &d) >= 0);
        assert_true(tcpl_date_from_text(g_tp, s, n, &d) >= 0);
        assert_true(tcpl_deadlines_find(g_tp, s, n, dl, 8, &cnt) >= 0);
    }
    free(s);
}

/* Runs of dots and blanks in a header date line, and a place made of
 * "A.A.A...": the blank classes and the place used to backtrack over the
 * run from every position (quadratic; a 40,000-byte line took minutes).
 * Under 64 KB the line is searched whole and the date is found. */
static void test_hostile_runs(void **state)
{
    (void)state;
    enum { PIECES = 25000 };
    char *s = malloc(2 * PIECES + 64);
    assert_non_null(s);
    tcpl_date d;
    /* blanks for the day: ". . . " */
    size_t n = (size_t)sprintf(s, "Hà Nội, ngày ");
    for (int i = 0; i < PIECES; i++, n += 2)
        memcpy(s + n, ". ", 2);
    n += (size_t)sprintf(s + n, " tháng 5 năm 2026");
    assert_int_equal(tcpl_date_parse(g_tp, s, n, &d), 1);
    assert_string_equal(d.iso, "2026-05");
    assert_int_equal(d.place_end - d.place_start, strlen("Hà Nội"));
    /* no "tháng" after the blanks: not a date, and no limit either */
    n = (size_t)sprintf(s, "ngày");
    for (int i = 0; i < PIECES; i++, n += 2)
        memcpy(s + n, "._", 2);
    assert_int_equal(tcpl_date_parse(g_tp, s, n, &d), 0);
    /* "A.A.A..." then a date: the place starts only where its run starts */
    n = 0;
    for (int i = 0; i < PIECES; i++, n += 2)
        memcpy(s + n, "A.", 2);
    n += (size_t)sprintf(s + n, ", ngày 02/03/2026");
    assert_int_equal(tcpl_date_parse(g_tp, s, n, &d), 1);
    assert_string_equal(d.iso, "2026-03-02");
    assert_int_equal(d.place_start, 0);
    /* blanks between a deadline word and its date */
    n = (size_t)sprintf(s, "hoàn thành trước");
    memset(s + n, ' ', 2 * PIECES);
    n += 2 * PIECES;
    n += (size_t)sprintf(s + n, "ngày 1/2/2026");
    tcpl_deadline dl[2];
    size_t cnt;
    assert_int_equal(tcpl_deadlines_find(g_tp, s, n, dl, 2, &cnt), 0);
    assert_int_equal(cnt, 1);
    assert_string_equal(dl[0].date, "2026-02-01");
    free(s);
}

/* ---------- data file and threads ---------- */

static void test_bad_data(void **state)
{
    (void)state;
    char dir[] = "/tmp/tcpl-time-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[600], file[700];
    snprintf(sub, sizeof sub, "%s/patterns", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(file, sizeof file, "%s/time.yaml", sub);
    static const char *const bad[] = {
        "defs: {}\nheader: [{re: 'ngày {nosuch:1}'}]\ndate: [{re: x}]\ndeadline: [{re: x}]\n"
        "time: [{kind: date, re: x}]\n",
        "header: [{re: x}]\ndate: [{re: x}]\ndeadline: [{re: x}]\ntime: [{kind: soon, re: x}]\n",
        "header: [{re: '(x'}]\ndate: [{re: x}]\ndeadline: [{re: x}]\ntime: [{kind: date, re: x}]\n",
        "defs: {a: '{b}', b: '{a}'}\nheader: [{re: '{a}'}]\ndate: [{re: x}]\ndeadline: [{re: x}]\n"
        "time: [{kind: date, re: x}]\n",
        "header: [{re: x}]\ndate: [{re: x}]\ndeadline: [{re: x}]\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(file, "w");
        assert_non_null(f);
        fputs(bad[i], f);
        fclose(f);
        tcpl_ctx_options o = {"en", dir};
        tcpl_ctx *ctx = NULL;
        tcpl_error err;
        tcpl_error_clear(&err);
        assert_int_equal(tcpl_ctx_new(&ctx, &o, &err), 0);
        tcpl_timeparser *tp = (tcpl_timeparser *)1;
        assert_int_equal(tcpl_timeparser_new(&tp, ctx, &err), TCPL_ERR_DATA);
        assert_null(tp);
        assert_string_equal(err.id, "err.data_invalid");
        tcpl_ctx_free(ctx);
    }
    unlink(file);
    rmdir(sub);
    rmdir(dir);
    tcpl_timeparser_free(NULL);
}

static void *thread_main(void *arg)
{
    long bad = 0;
    (void)arg;
    for (int i = 0; i < 200; i++) {
        tcpl_time t;
        const tcase *c = &time_cases[i % (sizeof time_cases / sizeof time_cases[0])];
        tcpl_time_parse(g_tp, c->text, strlen(c->text), &t);
        if ((int)t.kind != c->kind || strcmp(t.end, c->end))
            bad++;
    }
    return (void *)bad;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_int_equal((long)r, 0);
    }
}

int main(void)
{
    enum { NCASES = sizeof time_cases / sizeof time_cases[0] };
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_time_span),        cmocka_unit_test(test_time_seed_fields),
        cmocka_unit_test(test_header_full),      cmocka_unit_test(test_header_blank),
        cmocka_unit_test(test_header_forms),     cmocka_unit_test(test_header_invalid),
        cmocka_unit_test(test_date_from_text),   cmocka_unit_test(test_deadlines_basic),
        cmocka_unit_test(test_deadlines_citation), cmocka_unit_test(test_deadlines_many),
        cmocka_unit_test(test_bad_data),         cmocka_unit_test(test_threads),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_hostile_runs),
    };
    enum { NFIXED = sizeof fixed / sizeof fixed[0] };
    struct CMUnitTest tests[NCASES + NFIXED];
    for (size_t i = 0; i < NCASES; i++) {
        struct CMUnitTest t = {time_cases[i].text, test_time_case, NULL, NULL,
                               (void *)&time_cases[i]};
        tests[i] = t;
    }
    for (size_t i = 0; i < NFIXED; i++)
        tests[NCASES + i] = fixed[i];
    return _cmocka_run_group_tests("time", tests, NCASES + NFIXED, setup, teardown);
}
