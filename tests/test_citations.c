/* Legal citations: every citation of the three seed plans (found by grep
 * and read one by one), then the forms and edge cases one at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "extract/citations.h"
#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

#define MAXC 64

/* Allocation failure on demand (glibc, no sanitizer: those bring their own
 * allocator): while fail_at >= 0, allocation number fail_at (counted from
 * 0 in allocs) returns NULL.  The executable's malloc interposes the
 * library's and PCRE2's. */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define NO_FAIL_ALLOC 1
#endif
#endif
#else
#define NO_FAIL_ALLOC 1
#endif
#ifndef NO_FAIL_ALLOC
#define FAIL_ALLOC 1
static long fail_at = -1, allocs;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static int fail_now(void)
{
    return fail_at >= 0 && allocs++ == fail_at;
}
void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}
void *calloc(size_t k, size_t n)
{
    return fail_now() ? NULL : __libc_calloc(k, n);
}
void *realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __libc_realloc(p, n);
}
#endif

typedef struct want {
    const char *kind, *number, *date, *issuer;
} want;

static tcpl_ctx *g_ctx;
static tcpl_citer *g_cit;

static int setup(void **state)
{
    tcpl_error err;
    g_ctx = tu_ctx();
    return tcpl_citer_new(&g_cit, g_ctx, NULL, &err) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    tcpl_citer_free(g_cit);
    tcpl_ctx_free(g_ctx);
    return 0;
}

static void span(char *buf, size_t size, const char *s, size_t a, size_t b)
{
    snprintf(buf, size, "%.*s", (int)(b - a), s + a);
}

static void check(const tcpl_citation *c, const want *w, size_t i)
{
    char issuer[256];
    span(issuer, sizeof issuer, c->src, c->issuer_start, c->issuer_end);
    if (strcmp(c->kind, w->kind) || strcmp(c->number, w->number) || strcmp(c->date, w->date) ||
        strcmp(issuer, w->issuer))
        print_error("citation %zu: %s | %s | %s | %s\n", i, c->kind, c->number, c->date, issuer);
    assert_string_equal(c->kind, w->kind);
    assert_string_equal(c->number, w->number);
    assert_string_equal(c->date, w->date);
    assert_string_equal(issuer, w->issuer);
}

/* Reads a seed and finds citations paragraph by paragraph (blank-line
 * separated, as the seeds are written), block = paragraph index. */
static size_t seed_mentions(const char *name, char **text, tcpl_citation *out, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "seeds/%s", name);
    char *p = tu_corpus_file(path);
    if (!p)
        return (size_t)-1;
    *text = tu_read_file(p, NULL);
    free(p);
    assert_non_null(*text);
    size_t n = 0;
    int block = 0;
    for (char *s = *text; *s; block++) {
        char *e = strstr(s, "\n\n");
        size_t len = e ? (size_t)(e - s) : strlen(s);
        size_t k;
        assert_int_equal(tcpl_citations_find(g_cit, s, len, out + n, max - n, &k), 0);
        assert_true(k <= max - n);
        for (size_t i = 0; i < k; i++)
            out[n + i].block = block;
        n += k;
        s += len;
        while (*s == '\n')
            s++;
    }
    return n;
}

static void run_seed(const char *name, const want *w, size_t nw, const want *merged, size_t nm,
                     const unsigned *mentions)
{
    tcpl_citation c[MAXC];
    char *text = NULL;
    size_t n = seed_mentions(name, &text, c, MAXC);
    if (n == (size_t)-1) {
        skip();
        return;
    }
    if (n != nw)
        print_error("%s: %zu citations, want %zu\n", name, n, nw);
    assert_int_equal(n, nw);
    for (size_t i = 0; i < n; i++)
        check(&c[i], &w[i], i);
    size_t m;
    assert_int_equal(tcpl_citations_merge(c, n, &m), 0);
    assert_int_equal(m, nm);
    for (size_t i = 0; i < m; i++) {
        check(&c[i], &merged[i], i);
        assert_int_equal(c[i].mentions, mentions[i]);
        assert_false(c[i].date_conflict);
    }
    free(text);
}

#define TTCP "Thủ tướng Chính phủ"
#define BTP "Bộ Tư pháp"
#define QD "Quyết định"
#define TT "Thông tư"

static void test_seed_000(void **state)
{
    static const want w[] = {
        {QD, "25/2021/QĐ-TTg", "2021-07-22", TTCP}, /* the title */
        {QD, "25/2021/QĐ-TTg", "2021-07-22", TTCP}, /* "Thực hiện ..." */
        {QD, "1320/QĐ-BTP", "2021-08-18", BTP},     /* "ngày 18 tháng 8 năm 2021" */
        {QD, "25/2021/QĐ-TTg", "2021-07-22", TTCP},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {QD, "25/2021/QĐ-TTg", "", ""}, /* without "số" */
        {"Thông tư liên tịch", "14/2014/TTLT-BTC-BTP", "2014-01-27", "Bộ Tài chính, Bộ Tư pháp"},
        {QD, "25/2021/QĐ-TTg", "2021-07-22", TTCP}, /* "Trên đây là ..." */
    };
    static const want m[] = {
        {QD, "25/2021/QĐ-TTg", "2021-07-22", TTCP},
        {QD, "1320/QĐ-BTP", "2021-08-18", BTP},
        {"Thông tư liên tịch", "14/2014/TTLT-BTC-BTP", "2014-01-27", "Bộ Tài chính, Bộ Tư pháp"},
    };
    static const unsigned mentions[] = {11, 1, 1};
    run_seed("000.txt", w, sizeof w / sizeof *w, m, 3, mentions);
}

static void test_seed_001(void **state)
{
    static const want w[] = {
        {QD, "619/QĐ-TTg", "2017-05-08", TTCP},
        {QD, "1600/QĐ-TTg", "2016-08-16", TTCP}, /* NBSP after "số" */
        {QD, "619/QĐ-TTg", "2017-05-08", TTCP},
        {QD, "619/QĐ-TTg", "2017-05-08", TTCP}, /* printed "619/Q Đ-TTg" */
        {QD, "2288/QĐ-BTP", "2016-10-31", "Bộ trưởng Bộ Tư pháp"},
        {QD, "1600/QĐ-TTg", "2016-08-16", TTCP},
        {QD, "619/QĐ-TTg", "2017-05-08", TTCP},
    };
    static const want m[] = {
        {QD, "619/QĐ-TTg", "2017-05-08", TTCP},
        {QD, "1600/QĐ-TTg", "2016-08-16", TTCP},
        {QD, "2288/QĐ-BTP", "2016-10-31", "Bộ trưởng Bộ Tư pháp"},
    };
    static const unsigned mentions[] = {4, 2, 1};
    run_seed("001.txt", w, sizeof w / sizeof *w, m, 3, mentions);
}

static void test_seed_003(void **state)
{
    static const want w[] = {
        {"Công văn", "1870/UBND-TP", "2024-06-14", "UBND huyện Như Thanh"},
        {"Kết luận", "422/KL-STP", "2024-06-12", "Sở Tư pháp"}, /* "Kết luận kiểm tra số" */
        {QD, "25/2021/QĐ-TTg", "", TTCP},                       /* lower-case "quyết định" */
        {TT, "09/2021/TT-BTP", "", BTP},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {TT, "09/2021/TT-BTP", "", ""},
        {"Kế hoạch", "230/KH-UBND", "2021-10-29", "UBND tỉnh"},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {QD, "25/2021/QĐ-TTg", "", ""},
        {TT, "09/2021/TT-BTP", "", ""},
        {QD, "25/QĐ-TTG", "", ""},     /* year missing: a different number */
        {TT, "09/2021-TT-BTP", "", ""}, /* '-' for '/' */
        {QD, "25/2021/QĐ-TTg", "", TTCP},
        {TT, "09/2021/TT-BTP", "", BTP},
        {QD, "25/2021/QĐ-TTG", "", ""},
        {TT, "09/2021/TT-BTP", "", ""},
    };
    static const want m[] = {
        {"Công văn", "1870/UBND-TP", "2024-06-14", "UBND huyện Như Thanh"},
        {"Kết luận", "422/KL-STP", "2024-06-12", "Sở Tư pháp"},
        {QD, "25/2021/QĐ-TTg", "", TTCP},
        {TT, "09/2021/TT-BTP", "", BTP},
        {"Kế hoạch", "230/KH-UBND", "2021-10-29", "UBND tỉnh"},
        {QD, "25/QĐ-TTG", "", ""},
    };
    static const unsigned mentions[] = {1, 1, 6, 6, 1, 1};
    run_seed("003.txt", w, sizeof w / sizeof *w, m, 6, mentions);
}

static size_t find(const char *s, tcpl_citation *c, size_t max)
{
    size_t n;
    assert_int_equal(tcpl_citations_find(g_cit, s, strlen(s), c, max, &n), 0);
    return n;
}

/* The number forms of the brief and of the legal frame, each with its
 * issuer and date form. */
static void test_number_forms(void **state)
{
    const char *s =
        "Căn cứ Kết luận số 80-KL/TW ngày 20/6/2020 của Ban Chấp hành Trung ương; Nghị quyết số "
        "27-NQ/TW ngày 09/11/2022 của Ban Chấp hành Trung ương về tiếp tục xây dựng; Nghị quyết "
        "liên tịch số 01/2014/NQLT/CP-UBTƯMTTQVN ngày 18/12/2014 của Chính phủ và UBTƯMTTQVN; "
        "Văn bản 573/HĐPH-PBGDPL 31/01/2024 của Hội đồng phối hợp; Nghị định số 30/2020/NĐ-CP "
        "ngày 05 tháng 3 năm 2020 của Chính phủ quy định; Chỉ thị số 12/CT-UBND ngày 5-4-2023 "
        "của Chủ tịch UBND tỉnh; Hướng dẫn số: 7/HD-STP ngày 01.02.2024 của Sở Tư pháp.";
    tcpl_citation c[8];
    static const want w[] = {
        {"Kết luận", "80-KL/TW", "2020-06-20", "Ban Chấp hành Trung ương"},
        {"Nghị quyết", "27-NQ/TW", "2022-11-09", "Ban Chấp hành Trung ương"},
        {"Nghị quyết liên tịch", "01/2014/NQLT/CP-UBTƯMTTQVN", "2014-12-18",
         "Chính phủ và UBTƯMTTQVN"},
        {"Văn bản", "573/HĐPH-PBGDPL", "2024-01-31", "Hội đồng phối hợp"},
        {"Nghị định", "30/2020/NĐ-CP", "2020-03-05", "Chính phủ"},
        {"Chỉ thị", "12/CT-UBND", "2023-04-05", "Chủ tịch UBND tỉnh"},
        {"Hướng dẫn", "7/HD-STP", "2024-02-01", "Sở Tư pháp"},
    };
    size_t n = find(s, c, 8);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++)
        check(&c[i], &w[i], i);
    /* the printed text runs from the kind to the end of the issuer */
    char text[128];
    span(text, sizeof text, s, c[3].start, c[3].end);
    assert_string_equal(text, "Văn bản 573/HĐPH-PBGDPL 31/01/2024 của Hội đồng phối hợp");
    span(text, sizeof text, s, c[4].date_start, c[4].date_end);
    assert_string_equal(text, "ngày 05 tháng 3 năm 2020");
}

/* Joint documents: a symbol that joins several issuers with hyphens, and
 * stray punctuation a typist left in a symbol (a dot or a space next to a
 * hyphen, an en dash, a doubled separator).  The number is kept with the
 * stray marks taken out, so mentions with and without them merge. */
static void test_joint_and_stray_symbols(void **state)
{
    const char *s =
        "Căn cứ Chương trình phối hợp số 12/CTPH-BTP-VOV-TTXVN ngày 15/3/2021 của Bộ Tư pháp, "
        "Đài Tiếng nói Việt Nam và Thông tấn xã Việt Nam; Nghị quyết liên tịch số "
        "03/2019/NQLT/CP-UBTWMTTQVN ngày 12/4/2019 của Chính phủ và Ủy ban Trung ương Mặt trận "
        "Tổ quốc Việt Nam; Quyết định số 25/2021/QĐ.-TTg ngày 22/7/2021 của Thủ tướng Chính "
        "phủ; Kế hoạch số 230/KH- UBND ngày 29/10/2021 của UBND tỉnh; Công văn số 1870/UBND –TP "
        "ngày 14/6/2024 của UBND huyện; Thông tư liên tịch số 01/2014/TTLT--BTP-BTC ngày "
        "05/01/2014 của Bộ Tư pháp.";
    tcpl_citation c[8];
    static const want w[] = {
        {"Chương trình", "12/CTPH-BTP-VOV-TTXVN", "2021-03-15",
         "Bộ Tư pháp, Đài Tiếng nói Việt Nam và Thông tấn xã Việt Nam"},
        {"Nghị quyết liên tịch", "03/2019/NQLT/CP-UBTWMTTQVN", "2019-04-12",
         "Chính phủ và Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"},
        {"Quyết định", "25/2021/QĐ-TTg", "2021-07-22", "Thủ tướng Chính phủ"},
        {"Kế hoạch", "230/KH-UBND", "2021-10-29", "UBND tỉnh"},
        {"Công văn", "1870/UBND-TP", "2024-06-14", "UBND huyện"},
        {"Thông tư liên tịch", "01/2014/TTLT-BTP-BTC", "2014-01-05", "Bộ Tư pháp"},
    };
    size_t n = find(s, c, 8);
    if (n != 6)
        for (size_t i = 0; i < n; i++)
            print_error("%zu: %s %s\n", i, c[i].kind, c[i].number);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        check(&c[i], &w[i], i);
    /* the printed number keeps what the typist typed */
    char text[64];
    span(text, sizeof text, s, c[2].number_start, c[2].number_end);
    assert_string_equal(text, "25/2021/QĐ.-TTg");
}

static void test_line_breaks(void **state)
{
    const char *s = "Thực hiện Quyết định số\n25/2021/QĐ-TTg ngày\n22/7/2021 của Thủ tướng\n"
                    "Chính phủ quy định về xã, phường, thị trấn";
    tcpl_citation c[2];
    assert_int_equal(find(s, c, 2), 1);
    assert_string_equal(c[0].number, "25/2021/QĐ-TTg");
    assert_string_equal(c[0].date, "2021-07-22");
    char issuer[64];
    span(issuer, sizeof issuer, s, c[0].issuer_start, c[0].issuer_end);
    assert_string_equal(issuer, "Thủ tướng\nChính phủ");
}

static void test_law_by_name(void **state)
{
    const char *s = "Căn cứ Luật Phổ biến, giáo dục pháp luật năm 2012; Luật số 77/2015/QH13 của "
                    "Quốc hội; công tác phổ biến pháp luật năm 2024.";
    tcpl_citation c[4];
    assert_int_equal(find(s, c, 4), 2);
    assert_string_equal(c[0].kind, "Luật");
    assert_string_equal(c[0].number, "");
    assert_string_equal(c[0].date, "");
    assert_int_equal(c[0].year, 2012);
    char name[96];
    span(name, sizeof name, s, c[0].name_start, c[0].name_end);
    assert_string_equal(name, "Phổ biến, giáo dục pháp luật");
    span(name, sizeof name, s, c[0].start, c[0].end);
    assert_string_equal(name, "Luật Phổ biến, giáo dục pháp luật năm 2012");
    static const want w = {"Luật", "77/2015/QH13", "", "Quốc hội"};
    check(&c[1], &w, 1);
}

static void test_not_citations(void **state)
{
    const char *s = "Số: /KH-UBND. Lai Châu, ngày tháng năm 2021. Thời gian: Quý III/2017. "
                    "Theo Thông tư hướng dẫn của Bộ Tư pháp. Kế hoạch này, Quyết định công nhận, "
                    "Báo cáo 6 tháng, Kết luận kiểm tra công tác năm 2024 của Sở Tư pháp.";
    tcpl_citation c[4];
    assert_int_equal(find(s, c, 4), 0);
}

static const char *date_of(const char *s, char *buf)
{
    tcpl_citation c[1];
    if (find(s, c, 1) != 1)
        return "(none)";
    strcpy(buf, c[0].date_invalid ? "invalid" : c[0].date);
    return buf;
}

static void test_dates(void **state)
{
    char b[16];
    assert_string_equal(date_of("Quyết định số 1/QĐ-UBND ngày 22/7/2021", b), "2021-07-22");
    assert_string_equal(date_of("Quyết định số 1/QĐ-UBND ngày 18 tháng 8 năm 2021", b),
                        "2021-08-18");
    assert_string_equal(date_of("Quyết định số 1/QĐ-UBND ngày 29/2/2024", b), "2024-02-29");
    assert_string_equal(date_of("Quyết định số 1/QĐ-UBND ngày 29/2/2023", b), "invalid");
    assert_string_equal(date_of("Quyết định số 1/QĐ-UBND ngày 31/4/2024", b), "invalid");
    assert_string_equal(date_of("Quyết định số 1/QĐ-UBND ngày 1/13/2024", b), "invalid");
    /* a citation whose printed date is not a real day keeps the text */
    const char *s = "Quyết định số 12/QĐ-UBND ngày 31/02/2024 của UBND tỉnh";
    tcpl_citation c[1];
    assert_int_equal(find(s, c, 1), 1);
    assert_true(c[0].date_invalid);
    assert_string_equal(c[0].date, "");
    char text[32];
    span(text, sizeof text, s, c[0].date_start, c[0].date_end);
    assert_string_equal(text, "ngày 31/02/2024");
}

static void test_merge(void **state)
{
    const char *b0 = "Quyết định 25/2021/QĐ-TTg; Thông tư số 09/2021/TT-BTP";
    const char *b1 = "quyết định số 25/2021/qđ-ttg ngày 22/7/2021 của Thủ tướng Chính phủ";
    const char *b2 = "Quyết định số 25/2021/QĐ-TTg ngày 23/7/2021; Quyết định số 25/QĐ-TTg";
    tcpl_citation c[8];
    size_t n = find(b0, c, 8);
    n += find(b1, c + n, 8 - n);
    size_t n1 = n;
    n += find(b2, c + n, 8 - n);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        c[i].block = i < 2 ? 0 : i < n1 ? 1 : 2;
    size_t m;
    assert_int_equal(tcpl_citations_merge(c, n, &m), 0);
    assert_int_equal(m, 3);
    /* the fullest mention (block 1) gives the fields, the first the order */
    assert_string_equal(c[0].number, "25/2021/qđ-ttg");
    assert_string_equal(c[0].date, "2021-07-22");
    assert_ptr_equal(c[0].src, b1);
    assert_int_equal(c[0].block, 1);
    assert_int_equal(c[0].first_block, 0);
    assert_int_equal(c[0].mentions, 3);
    assert_true(c[0].date_conflict); /* 22/7 and 23/7 */
    assert_string_equal(c[1].number, "09/2021/TT-BTP");
    assert_int_equal(c[1].mentions, 1);
    assert_false(c[1].date_conflict);
    assert_string_equal(c[2].number, "25/QĐ-TTg");
    /* merging again changes nothing */
    assert_int_equal(tcpl_citations_merge(c, m, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(c[0].mentions, 3);
    assert_int_equal(c[0].first_block, 0);
}

static void test_limits(void **state)
{
    const char *s = "Quyết định số 1/QĐ-A; Quyết định số 2/QĐ-B; Quyết định số 3/QĐ-C";
    tcpl_citation c[2];
    size_t n;
    /* more than max is no error: *count says how many there were (it used
     * to be TCPL_ERR_LIMIT, the status of a pattern limit, so the
     * extractor reported a pattern limit instead of a cut) */
    assert_int_equal(tcpl_citations_find(g_cit, s, strlen(s), c, 2, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(c[1].number, "2/QĐ-B");
    assert_int_equal(tcpl_citations_find(NULL, s, strlen(s), c, 2, &n), TCPL_ERR_USAGE);
    assert_int_equal(tcpl_citations_find(g_cit, "", 0, c, 2, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(tcpl_citations_merge(c, 0, &n), 0);
    assert_int_equal(n, 0);
    /* bad UTF-8 around a citation */
    const char bad[] = "\xFF\xFEQuyết định số 4/QĐ-D \xC3";
    assert_int_equal(tcpl_citations_find(g_cit, bad, sizeof bad - 1, c, 2, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].number, "4/QĐ-D");
}

/* A citer whose citations.yaml has `key` replaced by pattern (a data dir
 * in a temporary folder; every other file stays built in). */
static tcpl_citer *citer_with(tcpl_ctx **ctx, char *dir, const char *key, const char *pattern)
{
    char path[512], line[4096];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/patterns", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/patterns/citations.yaml", dir);
    FILE *in = fopen("checks/patterns/citations.yaml", "r"), *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    int replaced = 0;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, in)) {
        if (!strncmp(line, key, kl) && line[kl] == ':') {
            fprintf(out, "%s: '%s'\n", key, pattern);
            replaced++;
        } else {
            fputs(line, out);
        }
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(replaced, 1);
    tcpl_ctx_options o = {"vi", dir};
    tcpl_error err;
    assert_int_equal(tcpl_ctx_new(ctx, &o, &err), 0);
    tcpl_citer *c = NULL;
    assert_int_equal(tcpl_citer_new(&c, *ctx, NULL, &err), 0);
    unlink(path);
    snprintf(path, sizeof path, "%s/patterns", dir);
    rmdir(path);
    rmdir(dir);
    return c;
}

/* A date search that reaches its PCRE2 limit leaves that mention without a
 * date (not an invalid one) and the search goes on; the status says a
 * pattern limit.  It used to end the whole search with TCPL_ERR_LIMIT and
 * nothing found, the mention at the limit included.  The date pattern here
 * backtracks exponentially over a run of digits on purpose. */
static void test_date_limit_keeps_mentions(void **state)
{
    (void)state;
    tcpl_ctx *ctx;
    char dir[] = "/tmp/tcpl-cite-XXXXXX";
    tcpl_citer *c = citer_with(&ctx, dir, "date", "\\G\\s*(?<date>(?:\\d|\\d)+[xy])");
    const char *s = "Quyết định số 1/QĐ-A 1111111111111111111111111111111111; "
                    "Quyết định số 2/QĐ-B ban hành.";
    tcpl_citation out[4];
    size_t n = 0;
    assert_int_equal(tcpl_citations_find(c, s, strlen(s), out, 4, &n), TCPL_ERR_LIMIT);
    assert_int_equal(n, 2);
    assert_string_equal(out[0].number, "1/QĐ-A");
    assert_string_equal(out[0].date, "");
    assert_false(out[0].date_invalid);
    assert_string_equal(out[1].number, "2/QĐ-B");
    /* the extractor turns the limit into a diagnostic and keeps both */
    tcpl_extractor *ex = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_extractor_new(&ex, ctx, &err), 0);
    char body[1024];
    snprintf(body, sizeof body,
             "<w:p><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p><w:p><w:r><w:t>Triển khai năm 2026</w:t>"
             "</w:r></w:p><w:p><w:r><w:t>I. MỤC ĐÍCH</w:t></w:r></w:p>"
             "<w:p><w:r><w:t>%s</w:t></w:r></w:p>",
             s);
    tcpl_doc *doc = tu_body_doc(ctx, body, "t.docx");
    tcpl_extraction *x = NULL;
    assert_int_equal(tcpl_extract(&x, ex, doc, &err), 0);
    assert_int_equal(tcpl_extraction_citation_count(x), 2);
    int limits = 0;
    for (size_t i = 0; i < tcpl_extraction_diag_count(x); i++)
        limits += !strcmp(tcpl_extraction_diag(x, i)->code, "pattern_limit");
    assert_int_equal(limits, 1);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    tcpl_extractor_free(ex);
    /* a number search at its limit: what came before is kept and counted */
    tcpl_citer_free(c);
    tcpl_ctx_free(ctx);
    char dir2[] = "/tmp/tcpl-cite-XXXXXX";
    c = citer_with(&ctx, dir2, "number_prefix", "(?i:số)\\s*+(?:(?:\\d|\\d)+[xy])?");
    s = "Quyết định số 3/QĐ-C; Quyết định số 1111111111111111111111111111111111";
    assert_int_equal(tcpl_citations_find(c, s, strlen(s), out, 4, &n), TCPL_ERR_LIMIT);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].number, "3/QĐ-C");
    tcpl_citer_free(c);
    tcpl_ctx_free(ctx);
}

/* Out of memory anywhere in a search is TCPL_ERR_NOMEM, never a limit and
 * never a quietly different result: each allocation in turn fails, and
 * the search either gives NOMEM or the full answer.  The date parser's
 * NOMEM used to mark the date invalid, the kind lookup's NOMEM to drop the
 * citation, and a NOMEM in the date search to become TCPL_ERR_LIMIT. */
static void test_nomem_propagates(void **state)
{
    (void)state;
#ifdef FAIL_ALLOC
    const char *s = "Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ "
                    "và Luật Phổ biến, giáo dục pháp luật năm 2012;";
    tcpl_citation c[4];
    size_t n;
    assert_int_equal(tcpl_citations_find(g_cit, s, strlen(s), c, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].date, "2021-07-22");
    int nomem = 0, done = 0;
    for (long k = 0; k < 10000 && !done; k++) {
        allocs = 0;
        fail_at = k;
        int rc = tcpl_citations_find(g_cit, s, strlen(s), c, 4, &n);
        done = allocs <= k; /* allocation k was never reached */
        fail_at = -1;
        if (rc == TCPL_ERR_NOMEM) {
            nomem++;
            continue;
        }
        if (rc != 0 || n != 2 || strcmp(c[0].date, "2021-07-22") || c[0].date_invalid ||
            strcmp(c[0].kind, "Quyết định") || strcmp(c[1].kind, "Luật"))
            fail_msg("allocation %ld failed: rc %d, %zu found, date \"%s\"", k, rc, n,
                     n ? c[0].date : "");
    }
    assert_true(done);
    TU_ASSERT_NONEMPTY(nomem, "searches that ran out of memory");
#else
    TU_SKIP("allocation failure needs glibc without a sanitizer");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_000),   cmocka_unit_test(test_seed_001),
        cmocka_unit_test(test_seed_003),   cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_line_breaks), cmocka_unit_test(test_law_by_name),
        cmocka_unit_test(test_not_citations), cmocka_unit_test(test_dates),
        cmocka_unit_test(test_merge),      cmocka_unit_test(test_limits),
        cmocka_unit_test(test_joint_and_stray_symbols),
        cmocka_unit_test(test_nomem_propagates),
        cmocka_unit_test(test_date_limit_keeps_mentions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
