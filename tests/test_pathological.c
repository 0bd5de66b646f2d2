/* Pathological inputs (cmark's pathological tests): documents built in
 * memory at a size where quadratic work or memory per item would show, each
 * extracted in a forked child under a CPU-time limit (a hang guard, not a
 * measurement).  Bounded work is asserted through the extraction's own
 * counters (tcpl_xwork: lines, runs looked at, regex calls and bytes, hash
 * probes) and through its diagnostics and output sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/re.h"
#include "extract/extract.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

/* CPU seconds one case may take (ASan included); the quadratic versions
 * took from 30 s to hours on these inputs. */
#define CASE_CPU_SECONDS 10

static tcpl_ctx *ctx;
static tcpl_extractor *ex;

/* In the child: no cmocka (its jumps do not cross fork); print and exit. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            _exit(1);                                                                              \
        }                                                                                          \
    } while (0)

/* Runs fn in a child limited to CASE_CPU_SECONDS of CPU; the child's exit
 * status says whether its checks held. */
static void run_bounded(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {CASE_CPU_SECONDS, CASE_CPU_SECONDS + 1};
        setrlimit(RLIMIT_CPU, &rl);
        fn();
        fflush(NULL);
        _exit(0);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (WIFSIGNALED(st))
        fail_msg("killed by signal %d (SIGXCPU = %d: over %d CPU seconds)", WTERMSIG(st), SIGXCPU,
                 CASE_CPU_SECONDS);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- building documents ---- */

static void para(tcpl_buf *b, const char *text)
{
    tcpl_buf_puts(b, "<w:p><w:r><w:t xml:space=\"preserve\">");
    tcpl_buf_puts(b, text);
    tcpl_buf_puts(b, "</w:t></w:r></w:p>");
}

static void repeat(tcpl_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tcpl_buf_puts(b, s);
}

/* Pseudo-random choices, so that the zipped test document stays under the
 * reader's compression-ratio limit (TCPL_MAX_RATIO). */
static uint32_t rng = 12345;
static unsigned pick(unsigned n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) % n;
}

static char letter(void)
{
    return (char)('a' + pick(26));
}

#define HEAD                                                                                       \
    "<w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p>"                                         \
    "<w:p><w:r><w:t>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</w:t></w:r></w:p>"               \
    "<w:p><w:r><w:t>Độc lập - Tự do - Hạnh phúc</w:t></w:r></w:p>"                       \
    "<w:p><w:r><w:t>Số: 12/KH-UBND</w:t></w:r></w:p>"

#define KIND                                                                                       \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>"         \
    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>Thử giới hạn</w:t></w:r></w:p>"

/* Extracts the document whose body is b; the caller frees both. */
static tcpl_extraction *extract(tcpl_buf *b, tcpl_doc **doc)
{
    CHECK(tcpl_buf_ok(b));
    unsigned char *data;
    size_t len;
    CHECK(hostile_docx(b->data, NULL, NULL, &data, &len) == 0);
    tcpl_error err;
    int rc = tcpl_docx_read_memory(doc, ctx, data, len, "p.docx", &err);
    if (rc < 0)
        fprintf(stderr, "read: %s %s\n", err.id ? err.id : "", err.detail);
    CHECK(rc == 0);
    free(data);
    tcpl_extraction *x = NULL;
    rc = tcpl_extract(&x, ex, *doc, &err);
    if (rc < 0)
        fprintf(stderr, "extract: %s %s\n", err.id ? err.id : "", err.detail);
    CHECK(rc == 0);
    /* the JSON is built too: its size must follow the output's */
    char *json = NULL;
    size_t jl = 0;
    CHECK(tcpl_extraction_json(&json, &jl, x, 0, &err) == 0);
    free(json);
    return x;
}

static size_t diags(const tcpl_extraction *x, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < tcpl_extraction_diag_count(x); i++)
        if (!strcmp(tcpl_extraction_diag(x, i)->code, code))
            n++;
    return n;
}

static void done(tcpl_extraction *x, tcpl_doc *doc, tcpl_buf *b)
{
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    tcpl_buf_free(b);
}

/* ---- the cases ---- */

/* 200,000 line breaks in one paragraph: 100,000 runs alternating bold
 * (each a line), then one run of 100,000 more lines.  Telling bold lines
 * looked at every run of the paragraph for every line (2 * 10^10 visits). */
static void breaks_child(void)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, HEAD KIND "<w:p>");
    for (size_t i = 0; i < 50000; i++)
        tcpl_buf_printf(&b,
                        "<w:r><w:rPr><w:b/></w:rPr><w:t>%c%c</w:t><w:br/></w:r>"
                        "<w:r><w:t>%c%c</w:t><w:br/></w:r>",
                        letter(), letter(), letter(), letter());
    tcpl_buf_puts(&b, "<w:r>");
    for (size_t i = 0; i < 100000; i++)
        tcpl_buf_printf(&b, "<w:t>%c%c</w:t><w:br/>", letter(), letter());
    tcpl_buf_puts(&b, "</w:r></w:p>");
    tcpl_doc *doc;
    tcpl_extraction *x = extract(&b, &doc);
    /* lines are capped, with a word to the user */
    CHECK(x->work.lines <= 100000);
    CHECK(x->work.lines_dropped > 0);
    CHECK(diags(x, "lines_cut") == 1);
    /* each run is passed once, each line looks at the runs it overlaps */
    CHECK(x->work.run_visits <= 2 * (100001 + x->work.lines));
    done(x, doc, &b);
}

static void test_line_breaks(void **state)
{
    (void)state;
    run_bounded(breaks_child);
}

/* 100,000 citation mentions of 5,000 documents, 50 to a paragraph.  Every
 * mention used to be kept past the merge limit. */
static void citations_child(void)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, HEAD KIND "<w:p><w:r><w:t>I. CĂN CỨ</w:t></w:r></w:p>");
    tcpl_buf t;
    tcpl_buf_init(&t);
    for (size_t p = 0; p < 2000; p++) {
        tcpl_buf_reset(&t);
        for (size_t k = 0; k < 50; k++)
            tcpl_buf_printf(&t, "Quyết định số %zu/QĐ-UBND; ", (p * 50 + k) % 5000 + 1);
        para(&b, t.data);
    }
    tcpl_buf_free(&t);
    tcpl_doc *doc;
    tcpl_extraction *x = extract(&b, &doc);
    CHECK(x->work.mentions == 100000);
    CHECK(tcpl_extraction_citation_count(x) == TCPL_CITATIONS_MERGE_MAX);
    CHECK(x->work.citations_kept == TCPL_CITATIONS_MERGE_MAX);
    CHECK(diags(x, "citations_distinct_cut") == 1);
    /* the first document was cited 20 times: all merged */
    CHECK(tcpl_extraction_citation(x, 0)->mentions == 20);
    /* hashing: a few probes per mention, not one per kept citation */
    CHECK(x->work.merge_probes <= 4 * x->work.mentions);
    done(x, doc, &b);
}

static void test_citation_mentions(void **state)
{
    (void)state;
    run_bounded(citations_child);
}

/* A 4 MB field value: one paragraph just under TCPL_MAX_PARA_BYTES. */
static void big_field_child(void)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b,
                  HEAD KIND "<w:p><w:r><w:t>I. NỘI DUNG</w:t></w:r></w:p>"
                            "<w:p><w:r><w:t>1. Việc một</w:t></w:r></w:p>"
                            "<w:p><w:r><w:t xml:space=\"preserve\">Thời gian thực hiện: Quý I ");
    static const char *const words[] = {"năm 2026",  "trước ngày 30/6/2026",
                                        ".",         "và",
                                        "các",       "cơ sở",
                                        "thực hiện", "báo cáo",
                                        "kết quả",   "Quý II"};
    size_t start = b.len;
    while (b.len - start < 3950000) {
        tcpl_buf_puts(&b, words[pick(10)]);
        tcpl_buf_putc(&b, pick(4) ? ' ' : letter());
    }
    tcpl_buf_puts(&b, "</w:t></w:r></w:p>");
    tcpl_doc *doc;
    tcpl_extraction *x = extract(&b, &doc);
    CHECK(diags(x, "line_long") == 1);
    CHECK(diags(x, "pattern_limit") == 0);
    CHECK(tcpl_extraction_activity_count(x) == 1);
    /* the whole value is kept ... */
    CHECK(strlen(tcpl_extraction_activity(x, 0)->time.text) > 3900000);
    /* ... but the patterns searched at most TCPL_RE_SUBJECT_MAX of it per call */
    CHECK(x->work.re_bytes <= (unsigned long long)x->work.re_calls * TCPL_RE_SUBJECT_MAX);
    /* deadlines found only in the searched part: 16 at most per line */
    CHECK(tcpl_extraction_deadline_count(x) <= 16);
    done(x, doc, &b);
}

static void test_big_field(void **state)
{
    (void)state;
    run_bounded(big_field_child);
}

/* A label of 10,000 components ("1.1.1....1."): the decimal label pattern
 * used to backtrack through every component and hit its limit. */
static void label_child(void)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, HEAD KIND "<w:p><w:r><w:t>I. NỘI DUNG</w:t></w:r></w:p>");
    tcpl_buf t;
    tcpl_buf_init(&t);
    tcpl_buf_puts(&t, "1");
    repeat(&t, ".1", 9999);
    tcpl_buf_puts(&t, ". Việc sâu");
    for (int i = 0; i < 5; i++)
        para(&b, t.data);
    tcpl_buf_free(&t);
    tcpl_doc *doc;
    tcpl_extraction *x = extract(&b, &doc);
    CHECK(diags(x, "label_long") == 5); /* recognised as a label, too long to use */
    CHECK(diags(x, "pattern_limit") == 0);
    CHECK(tcpl_extraction_section_count(x) == 1);
    done(x, doc, &b);
}

static void test_long_label(void **state)
{
    (void)state;
    run_bounded(label_child);
}

/* 10,000 sections, levels 1 to 3 in turn, each with fields. */
static void sections_child(void)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, HEAD KIND);
    char t[128];
    for (int i = 1; i <= 2500; i++) {
        snprintf(t, sizeof t, "%d. Mục %d", i % 99 + 1, i);
        para(&b, t);
        snprintf(t, sizeof t, "%d.1. Việc %d", i % 99 + 1, i);
        para(&b, t);
        snprintf(t, sizeof t, "a) Hoạt động %d", i);
        para(&b, t);
        snprintf(t, sizeof t, "b) Hoạt động khác %d", i);
        para(&b, t);
        para(&b, "Đơn vị chủ trì: Sở Tư pháp; Thời gian: Quý I năm 2026");
    }
    tcpl_doc *doc;
    tcpl_extraction *x = extract(&b, &doc);
    CHECK(tcpl_extraction_section_count(x) == 10000);
    CHECK(tcpl_extraction_activity_count(x) == 2500);
    CHECK(diags(x, "pattern_limit") == 0);
    /* a handful of searches per line */
    CHECK(x->work.re_calls <= 40 * x->work.lines);
    done(x, doc, &b);
}

static void test_many_sections(void **state)
{
    (void)state;
    run_bounded(sections_child);
}

/* Header date lines with long runs of dots and blanks: adjacent optional
 * blank classes backtracked quadratically (cubically with three), and a
 * place made of "A.A.A..." was tried from every letter. */
static void header_dots_child(void)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, HEAD);
    tcpl_buf t;
    tcpl_buf_init(&t);
    /* a place of 30,000 "A." pieces, then blanks left for the day */
    repeat(&t, "A.", 30000);
    para(&b, t.data);
    tcpl_buf_reset(&t);
    tcpl_buf_puts(&t, "Hà Nội, ngày ");
    repeat(&t, ". ", 25000);
    tcpl_buf_puts(&t, " tháng 5 năm 2026");
    para(&b, t.data);
    /* 100,000 dots and blanks after "ngày": longer than the searched part */
    tcpl_buf_reset(&t);
    tcpl_buf_puts(&t, "ngày ");
    repeat(&t, ". ", 50000);
    para(&b, t.data);
    tcpl_buf_free(&t);
    tcpl_buf_puts(&b, KIND);
    tcpl_doc *doc;
    tcpl_extraction *x = extract(&b, &doc);
    const tcpl_xmeta *m = tcpl_extraction_meta(x);
    CHECK(m->date.iso && !strcmp(m->date.iso, "2026-05"));
    CHECK(!strcmp(m->place, "Hà Nội"));
    CHECK(diags(x, "pattern_limit") == 0);
    CHECK(diags(x, "line_long") == 1);
    done(x, doc, &b);
}

static void test_header_dots(void **state)
{
    (void)state;
    run_bounded(header_dots_child);
}

/* A unit list with thousands of commas. */
static void commas_child(void)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b,
                  HEAD KIND "<w:p><w:r><w:t>I. NỘI DUNG</w:t></w:r></w:p>"
                            "<w:p><w:r><w:t>1. Việc một</w:t></w:r></w:p>"
                            "<w:p><w:r><w:t xml:space=\"preserve\">Đơn vị phối hợp: Sở Tư pháp");
    /* 900 commas: the field stays under TCPL_UNITS_FIELD_MAX (16 KB), so it
     * is split (5,000 made it too long to split at all: "units_field_long") */
    repeat(&b, ", Phòng Tư pháp", 900);
    tcpl_buf_puts(&b, "</w:t></w:r></w:p>");
    tcpl_doc *doc;
    tcpl_extraction *x = extract(&b, &doc);
    CHECK(tcpl_extraction_activity_count(x) == 1);
    CHECK(tcpl_extraction_activity(x, 0)->nsupport <= TCPL_MAX_UNITS);
    CHECK(diags(x, "units_cut") == 1);
    done(x, doc, &b);
}

static void test_unit_commas(void **state)
{
    (void)state;
    run_bounded(commas_child);
}

/* A pattern that runs into its limit says TCPL_ERR_LIMIT (it was -1, which
 * is TCPL_ERR_USAGE), with and without JIT. */
static void test_re_limit_status(void **state)
{
    (void)state;
    char s[64];
    memset(s, 'a', 40);
    strcpy(s + 40, "b");
    for (int jit = 0; jit < 2; jit++) {
        tcpl_re re;
        tcpl_error err;
        assert_int_equal(
            (jit ? tcpl_re_compile : tcpl_re_compile_nojit)(&re, "(a+)+$", 0, "t", 1, &err), 0);
        tcpl_match m;
        assert_int_equal(tcpl_match_init(&m, 4), 0);
        assert_int_equal(tcpl_re_find(&re, &m, s, strlen(s), 0), TCPL_ERR_LIMIT);
        assert_int_equal(m.calls, 1);
        tcpl_match_free(&m);
        tcpl_re_free(&re);
    }
}

/* A subject longer than TCPL_RE_SUBJECT_MAX is searched in its first
 * part only, and a match that would need the text past the cut is not
 * taken (\z does not match at the cut). */
static void test_re_subject_cut(void **state)
{
    (void)state;
    size_t n = TCPL_RE_SUBJECT_MAX + 100;
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, 'a', n);
    s[n] = 0;
    memcpy(s + 10, "xy", 2);
    memcpy(s + n - 2, "zz", 2);
    /* a 2-byte character across the cut moves the cut back before it */
    memcpy(s + TCPL_RE_SUBJECT_MAX - 1, "\xC3\xA0", 2);
    assert_int_equal(tcpl_re_subject_len(s, n), TCPL_RE_SUBJECT_MAX - 1);
    assert_int_equal(tcpl_re_subject_len(s, 100), 100);
    tcpl_re end, early, late;
    tcpl_error err;
    assert_int_equal(tcpl_re_compile(&end, "a+\\z", 0, "t", 1, &err), 0);
    assert_int_equal(tcpl_re_compile(&early, "xy", 0, "t", 1, &err), 0);
    assert_int_equal(tcpl_re_compile(&late, "zz", 0, "t", 1, &err), 0);
    tcpl_match m;
    assert_int_equal(tcpl_match_init(&m, 4), 0);
    assert_int_equal(tcpl_re_find(&early, &m, s, n, 0), 1);
    assert_int_equal(tcpl_re_find(&late, &m, s, n, 0), 0);
    assert_int_equal(tcpl_re_find(&end, &m, s, n, 0), 0);
    assert_true(m.bytes <= 3ull * TCPL_RE_SUBJECT_MAX);
    /* short subjects are searched whole */
    assert_int_equal(tcpl_re_find(&end, &m, "aaa", 3, 0), 1);
    tcpl_match_free(&m);
    tcpl_re_free(&end);
    tcpl_re_free(&early);
    tcpl_re_free(&late);
    free(s);
}

static int setup(void **state)
{
    (void)state;
    ctx = tu_ctx();
    tcpl_error err;
    if (tcpl_extractor_new(&ex, ctx, &err) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_breaks),    cmocka_unit_test(test_citation_mentions),
        cmocka_unit_test(test_big_field),      cmocka_unit_test(test_long_label),
        cmocka_unit_test(test_many_sections),  cmocka_unit_test(test_header_dots),
        cmocka_unit_test(test_unit_commas),    cmocka_unit_test(test_re_limit_status),
        cmocka_unit_test(test_re_subject_cut),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
