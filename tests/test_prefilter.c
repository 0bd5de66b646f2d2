/* The repeated-word prefilter of exists/absent rules (lib/src/rules/
 * prefilter.c): it may skip a paragraph only where the rule's pattern does
 * not match.  Its character sets are checked against PCRE2 itself, code
 * point by code point; then every pack rule that uses it is run with and
 * without it over the corpus and generated text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "rules/rules.h"

static size_t utf8(uint32_t u, char *o)
{
    if (u < 0x80) {
        o[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        o[0] = (char)(0xC0 | u >> 6);
        o[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        o[0] = (char)(0xE0 | u >> 12);
        o[1] = (char)(0x80 | (u >> 6 & 0x3F));
        o[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | u >> 18);
    o[1] = (char)(0x80 | (u >> 12 & 0x3F));
    o[2] = (char)(0x80 | (u >> 6 & 0x3F));
    o[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

static int matches(const tcpl_re *re, tcpl_match *m, uint32_t u)
{
    char b[4];
    size_t n = utf8(u, b);
    int rc = tcpl_re_find(re, m, b, n, 0);
    assert_true(rc >= 0);
    return rc;
}

#define FOR_EACH_CODE_POINT(u)                                                                     \
    for (uint32_t u = 0; u <= 0x10FFFF; u++)                                                       \
        if (u < 0xD800 || u > 0xDFFF)

/* Whitespace is exactly PCRE2's \s with UCP. */
static void test_space_is_pcre2_s(void **state)
{
    (void)state;
    tcpl_re re;
    tcpl_error err;
    tcpl_match m;
    assert_int_equal(tcpl_re_compile(&re, "^\\s$", 0, "t", 1, &err), 0);
    assert_int_equal(tcpl_match_init(&m, 2), 0);
    size_t spaces = 0;
    FOR_EACH_CODE_POINT(u)
    {
        int s = matches(&re, &m, u);
        if (s != rl_pf_space(u))
            fail_msg("U+%04X: PCRE2 \\s %d, prefilter %d", (unsigned)u, s, rl_pf_space(u));
        spaces += (size_t)s;
    }
    assert_int_equal(spaces, 26);
    tcpl_match_free(&m);
    tcpl_re_free(&re);
}

/* A known letter is a letter; two known letters PCRE2 matches ignoring case
 * have the same fold, unless one of them is wild; an ASCII letter other than
 * k and s has no non-ASCII caseless partner. */
static void test_fold_covers_pcre2_caseless(void **state)
{
    (void)state;
    tcpl_re letter, ascii;
    tcpl_error err;
    tcpl_match m;
    assert_int_equal(tcpl_re_compile(&letter, "^\\p{L}$", 0, "t", 1, &err), 0);
    assert_int_equal(tcpl_re_compile(&ascii, "(?i)^[a-jl-rt-z]$", 0, "t", 1, &err), 0);
    assert_int_equal(tcpl_match_init(&m, 2), 0);
    uint32_t known[1024];
    size_t nk = 0;
    FOR_EACH_CODE_POINT(u)
    {
        if (rl_pf_known_letter(u)) {
            if (!matches(&letter, &m, u))
                fail_msg("U+%04X is known as a letter but is not \\p{L}", (unsigned)u);
            assert_true(nk < sizeof known / sizeof known[0]);
            known[nk++] = u;
        }
        if (u >= 0x80 && matches(&ascii, &m, u))
            fail_msg("U+%04X matches an ASCII letter ignoring case", (unsigned)u);
    }
    assert_true(nk > 52 + 134); /* ASCII and the Vietnamese letters at least */
    size_t pairs = 0;
    for (size_t i = 0; i < nk; i++) {
        char pat[32], b[4];
        size_t n = utf8(known[i], b);
        snprintf(pat, sizeof pat, "(?i)^\\x{%x}$", (unsigned)known[i]);
        tcpl_re re;
        assert_int_equal(tcpl_re_compile_nojit(&re, pat, 0, "t", 1, &err), 0);
        (void)n;
        for (size_t k = 0; k < nk; k++) {
            if (!matches(&re, &m, known[k]))
                continue;
            uint32_t a = rl_pf_fold(known[i]), c = rl_pf_fold(known[k]);
            if (a != c && a != 0xFFFFFFFFu && c != 0xFFFFFFFFu)
                fail_msg("U+%04X and U+%04X match ignoring case, folds differ",
                         (unsigned)known[i], (unsigned)known[k]);
            pairs++;
        }
        tcpl_re_free(&re);
    }
    assert_true(pairs > nk); /* the case pairs were met, not only u with u */
    tcpl_match_free(&m);
    tcpl_re_free(&letter);
    tcpl_re_free(&ascii);
}

static void test_answers(void **state)
{
    (void)state;
#define PF(s) rl_pf_repeated_word(s, strlen(s))
    assert_int_equal(PF("các năm tiếp theo theo yêu cầu"), 1);
    assert_int_equal(PF("TRONG \t trong"), 1);
    assert_int_equal(PF("Đã\xc2\xa0đã làm"), 1);           /* NBSP between */
    assert_int_equal(PF("đó là \xe2\x84\xaahi khi"), 1);     /* KELVIN SIGN for K */
    assert_int_equal(PF("(do do)"), 1);
    assert_int_equal(PF("phân công công chức"), 1); /* yes: the pattern decides */
    /* no word twice in a row */
    assert_int_equal(PF("Kế hoạch này thực hiện trong năm 2025 theo Quyết định"), 0);
    assert_int_equal(PF("sót theo"), 0); /* "t" ends one word, starts the next */
    assert_int_equal(PF("do, do"), 0);   /* not whitespace only between */
    assert_int_equal(PF("Sở Tư pháp tỉnh Lâm Giang"), 0);
    assert_int_equal(PF(""), 0);
    assert_int_equal(PF("   "), 0);
    /* invalid UTF-8 around a word: maybe */
    assert_int_equal(PF("\xff" "do do"), 1);
#undef PF
}

/* ---- the rules that use it, with and without it ------------------------ */

typedef struct corpus {
    char **s;
    size_t *len;
    size_t n, cap;
} corpus;

static void add(corpus *c, const char *s, size_t len)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->s = realloc(c->s, c->cap * sizeof *c->s);
        c->len = realloc(c->len, c->cap * sizeof *c->len);
        assert_non_null(c->s);
        assert_non_null(c->len);
    }
    c->s[c->n] = malloc(len + 1);
    assert_non_null(c->s[c->n]);
    memcpy(c->s[c->n], s, len);
    c->s[c->n][len] = 0;
    c->len[c->n++] = len;
}

static void corpus_paragraphs(corpus *c, tcpl_ctx *ctx)
{
    const char *dir = tu_corpus();
    if (!dir)
        return;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".docx"))
            continue;
        char *path = tu_corpus_file(e->d_name);
        tcpl_doc *doc;
        tcpl_error err;
        if (tcpl_docx_read(&doc, ctx, path, &err) == 0) {
            for (size_t b = 0; b < tcpl_doc_block_count(doc); b++) {
                const tcpl_block *bl = tcpl_doc_block(doc, b);
                if (bl->kind == TCPL_BLOCK_PARAGRAPH && bl->text_len)
                    add(c, bl->text, bl->text_len);
            }
            tcpl_doc_free(doc);
        }
        free(path);
    }
    closedir(d);
}

/* Text made of the words such patterns look for, in both cases, doubled or
 * not, with every kind of separator and look-alike around them. */
static void generated(corpus *c)
{
    static const char *const words[] = {
        "theo", "THEO", "Theo", "tại", "TẠI", "bị", "BỊ", "do", "Do", "trong", "TRONG", "của",
        "CỦA", "và", "VÀ", "các", "những", "NHỮNG", "được", "ĐƯỢC", "cho", "với", "để", "ĐỂ",
        "đã", "Đã", "là", "này", "về", "trên", "một", "thì", "mà", "như", "khi", "\xe2\x84\xaahi",
        "KHI", "đến", "sẽ", "\xc5\xbf\xe1\xba\xbd", "SẼ", "đang", "cũng", "nhằm", "bằng", "hoặc",
        "tiếp", "làm", "noi", "hiện", "thiết", "trang", "chuẩn", "tự", "lý", "lí", "từ",
        "do\xcc\x81", "a", "x1", "\xff", "\xe1\xba", "“", "”", "(", ")", ",", "2025"};
    static const char *const seps[] = {" ", "  ", "\t", "\xc2\xa0", "\xe2\x80\x83", "\xe3\x80\x80",
                                       " \xe1\xa0\x8e ", "", "-", "\xe2\x80\x8b", "\n"};
    uint32_t x = 12345;
    char buf[512];
    for (int t = 0; t < 60000; t++) {
        size_t n = 0;
        int nw = 2 + (int)(x % 7);
        for (int w = 0; w < nw && n < sizeof buf - 64; w++) {
            x = x * 1103515245u + 12345u;
            const char *wd = words[(x >> 8) % (sizeof words / sizeof words[0])];
            x = x * 1103515245u + 12345u;
            if ((x >> 10) % 3 == 0 && w > 0) { /* the previous word again, maybe re-cased */
                wd = words[(x >> 12) % 3 == 0 ? 0 : (x >> 14) % (sizeof words / sizeof words[0])];
            }
            memcpy(buf + n, wd, strlen(wd));
            n += strlen(wd);
            x = x * 1103515245u + 12345u;
            const char *sp = seps[(x >> 9) % (sizeof seps / sizeof seps[0])];
            if ((x >> 20) % 2)
                sp = " ";
            memcpy(buf + n, sp, strlen(sp));
            n += strlen(sp);
        }
        add(c, buf, n);
    }
}

static void test_rules_same_with_prefilter(void **state)
{
    (void)state;
    tcpl_ctx *ctx = tu_ctx();
    tcpl_checker *ch;
    tcpl_error err;
    assert_int_equal(tcpl_checker_new(&ch, ctx, &err), 0);
    assert_int_equal(tcpl_checker_add_default_packs(ch, &err), 0);
    assert_int_equal(tcpl_checker_add_pack(ch, "the-thuc-nd30", &err), 0);
    corpus c = {0};
    corpus_paragraphs(&c, ctx);
    size_t from_corpus = c.n;
    generated(&c);
    tcpl_match m;
    assert_int_equal(tcpl_match_init(&m, 16), 0);
    size_t rules = 0, hits = 0, skipped = 0, corpus_skipped = 0;
    for (size_t p = 0; p < ch->packs.len; p++) {
        const pack *pk = &TCPL_VEC_AT(&ch->packs, pack, p);
        for (size_t r = 0; r < pk->nrules; r++) {
            const rule *ru = &pk->rules[r];
            if (ru->prefilter != PF_REPEATED_WORD)
                continue;
            rules++;
            for (size_t i = 0; i < c.n; i++) {
                int hit = tcpl_re_find(&ru->pattern, &m, c.s[i], c.len[i], 0);
                assert_true(hit >= 0);
                int pf = rl_pf_repeated_word(c.s[i], c.len[i]);
                if (hit && !pf)
                    fail_msg("rule %s matches \"%s\" but the prefilter skips it", ru->id, c.s[i]);
                hits += (size_t)hit;
                if (!pf) {
                    skipped++;
                    corpus_skipped += i < from_corpus;
                }
            }
        }
    }
    TU_ASSERT_NONEMPTY(rules, "rules with a prefilter");
    TU_ASSERT_NONEMPTY(hits, "texts the pattern matches");
    /* It does skip: most ordinary paragraphs have no word twice. */
    if (from_corpus)
        assert_true(corpus_skipped * 10 > from_corpus * 9 * rules);
    assert_true(skipped > 0);
    for (size_t i = 0; i < c.n; i++)
        free(c.s[i]);
    free(c.s);
    free(c.len);
    tcpl_match_free(&m);
    tcpl_checker_free(ch);
    tcpl_ctx_free(ctx);
}

/* A pack naming another prefilter does not load. */
static void test_unknown_prefilter(void **state)
{
    (void)state;
    tcpl_ctx *ctx = tu_ctx();
    tcpl_checker *ch;
    tcpl_error err;
    assert_int_equal(tcpl_checker_new(&ch, ctx, &err), 0);
    char path[64];
    snprintf(path, sizeof path, "/tmp/tcpl_pf_%ld.yaml", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("pack: pf-test\ntitle: t\nrules:\n  - id: X\n    type: absent\n    scope: document\n"
          "    pattern: 'a'\n    prefilter: bigrams\n    message: m\n",
          f);
    fclose(f);
    assert_true(tcpl_checker_add_pack(ch, path, &err) < 0);
    TU_ASSERT_CONTAINS(err.detail, "prefilter");
    remove(path);
    tcpl_checker_free(ch);
    tcpl_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_space_is_pcre2_s),
        cmocka_unit_test(test_fold_covers_pcre2_caseless),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_rules_same_with_prefilter),
        cmocka_unit_test(test_unknown_prefilter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
