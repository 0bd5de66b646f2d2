/* End-to-end: every DOCX rendering of a seed in ../shared/corpus reads as
 * the same text as the plain rendering, and the plain rendering matches the
 * seed text.  MANIFEST.json says what each "nasty" rendering hides (tracked
 * changes, a footnote, a hyperlink, fields ...); those are asserted too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "helpers/testutil.h"

static tcpl_ctx *ctx;

static char *read_text(const char *name, unsigned flags)
{
    char *path = tu_corpus_file(name);
    assert_non_null(path);
    tcpl_doc *doc = NULL;
    tcpl_error err;
    int rc = tcpl_docx_read(&doc, ctx, path, &err);
    if (rc < 0) {
        char msg[1024];
        tcpl_error_format(ctx, &err, msg, sizeof msg);
        print_error("%s\n", msg);
    }
    assert_int_equal(rc, 0);
    char *text = NULL;
    size_t len;
    assert_int_equal(tcpl_doc_text(&text, &len, doc, flags, &err), 0);
    tcpl_doc_free(doc);
    free(path);
    return text;
}

/* Words of a text: letters and digits only, NFC, everything else a
 * separator.  Layout (tables vs bullet lines, tabs vs spaces, markdown
 * markers) disappears; the words and their order stay. */
typedef struct {
    char **w;
    size_t n, cap;
    char *store;
} words;

static void words_of(words *out, const char *text)
{
    memset(out, 0, sizeof *out);
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)text);
    assert_non_null(nfc);
    size_t len = strlen((char *)nfc);
    out->store = malloc(len + 1);
    assert_non_null(out->store);
    size_t o = 0, i = 0;
    int in_word = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(nfc + i, (utf8proc_ssize_t)(len - i), &cp);
        assert_true(k > 0);
        utf8proc_category_t c = utf8proc_category(cp);
        int alnum = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
                    (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
                    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
        if (alnum) {
            if (!in_word) {
                if (out->n == out->cap) {
                    out->cap = out->cap ? out->cap * 2 : 256;
                    out->w = realloc(out->w, out->cap * sizeof *out->w);
                    assert_non_null(out->w);
                }
                out->w[out->n++] = out->store + o;
                in_word = 1;
            }
            memcpy(out->store + o, nfc + i, (size_t)k);
            o += (size_t)k;
        } else if (in_word) {
            out->store[o++] = 0;
            in_word = 0;
        }
        i += (size_t)k;
    }
    out->store[o] = 0;
    free(nfc);
}

static void words_free(words *w)
{
    free(w->w);
    free(w->store);
}

static void assert_same_words(const char *what, const char *a_text, const char *b_text)
{
    words a, b;
    words_of(&a, a_text);
    words_of(&b, b_text);
    TU_ASSERT_NONEMPTY(a.n, what);
    size_t n = a.n < b.n ? a.n : b.n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a.w[i], b.w[i]) != 0) {
            print_error("%s: word %zu differs: \"%s\" vs \"%s\"\n  context:", what, i, a.w[i],
                        b.w[i]);
            for (size_t j = i > 6 ? i - 6 : 0; j < i + 6 && j < n; j++)
                print_error(" %s|%s", a.w[j], b.w[j]);
            print_error("\n");
            fail();
        }
    }
    if (a.n != b.n) {
        print_error("%s: %zu words vs %zu; next: %s\n", what, a.n, b.n,
                    a.n > b.n ? a.w[n] : b.w[n]);
        fail();
    }
    words_free(&a);
    words_free(&b);
}

/* Non-empty lines with whitespace runs collapsed: the paragraph-for-
 * paragraph comparison. */
static char *lines_of(const char *text)
{
    size_t len = strlen(text);
    char *out = malloc(len + 1);
    assert_non_null(out);
    size_t o = 0;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        if (!e)
            e = p + strlen(p);
        size_t start = o;
        int space = 0;
        for (const char *q = p; q < e; q++) {
            if (*q == ' ' || *q == '\t') {
                space = 1;
                continue;
            }
            if ((unsigned char)q[0] == 0xC2 && q + 1 < e && (unsigned char)q[1] == 0xA0) {
                space = 1; /* no-break space */
                q++;
                continue;
            }
            if (space && o > start)
                out[o++] = ' ';
            space = 0;
            out[o++] = *q;
        }
        if (o > start)
            out[o++] = '\n';
        p = *e ? e + 1 : e;
    }
    out[o] = 0;
    return out;
}

/* The body's paragraphs in reading order (table cells included), each as
 * "label text", one per line; a line break inside a paragraph counts as a
 * paragraph end, since renderings differ only there. */
static char *paragraphs_of(const char *name)
{
    char *path = tu_corpus_file(name);
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_docx_read(&doc, ctx, path, &err), 0);
    free(path);
    size_t cap = 1 << 16, o = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (size_t i = 0; i < tcpl_doc_block_count(doc); i++) {
        const tcpl_block *b = tcpl_doc_block(doc, i);
        if (b->kind != TCPL_BLOCK_PARAGRAPH || b->part != TCPL_PART_BODY)
            continue;
        size_t need = strlen(b->label) + b->text_len + 3;
        while (o + need >= cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        /* A bullet is a bullet whether typed ("- ") or automatic ("•"):
         * LibreOffice and pandoc turn typed dashes into list bullets. */
        const char *label = b->label, *text = b->text;
        size_t tlen = b->text_len;
        static const char *bullets[] = {"\xe2\x80\xa2", "-", "+", "*", "\xe2\x80\x93", "o",
                                        "\xe2\x97\xa6", "\xe2\x96\xaa"};
        for (size_t k = 0; k < sizeof bullets / sizeof bullets[0]; k++) {
            size_t bl = strlen(bullets[k]);
            if (!strcmp(label, bullets[k]))
                label = "-";
            else if (!label[0] && tlen > bl && !strncmp(text, bullets[k], bl) && text[bl] == ' ') {
                label = "-";
                text += bl + 1;
                tlen -= bl + 1;
            }
        }
        if (label[0])
            o += (size_t)sprintf(out + o, "%s ", label);
        memcpy(out + o, text, tlen);
        o += tlen;
        out[o++] = '\n';
    }
    out[o] = 0;
    tcpl_doc_free(doc);
    return out;
}

/* pandoc's and LibreOffice's smart typography: "..." becomes an ellipsis,
 * quotes become curly.  The words are the same; compare them so. */
static void untypeset(char *s)
{
    static const struct {
        const char *from, *to;
    } map[] = {{"\xe2\x80\xa6", "..."}, {"\xe2\x80\x9c", "\""}, {"\xe2\x80\x9d", "\""},
               {"\xe2\x80\x98", "'"},   {"\xe2\x80\x99", "'"}};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
        char *p;
        size_t fl = strlen(map[k].from), tl = strlen(map[k].to);
        while ((p = strstr(s, map[k].from)) != NULL) {
            memcpy(p, map[k].to, tl);
            memmove(p + tl, p + fl, strlen(p + fl) + 1);
        }
    }
}

static void assert_same_lines(const char *what, const char *a_text, const char *b_text)
{
    char *a = lines_of(a_text), *b = lines_of(b_text);
    TU_ASSERT_NONEMPTY(a[0], what);
    untypeset(a);
    untypeset(b);
    const char *pa = a, *pb = b;
    int line = 1;
    while (*pa && *pb) {
        const char *ea = strchr(pa, '\n'), *eb = strchr(pb, '\n');
        if (ea - pa != eb - pb || memcmp(pa, pb, (size_t)(ea - pa)) != 0) {
            print_error("%s: line %d differs:\n  %.*s\n  %.*s\n", what, line, (int)(ea - pa), pa,
                        (int)(eb - pb), pb);
            fail();
        }
        pa = ea + 1;
        pb = eb + 1;
        line++;
    }
    if (*pa || *pb) {
        print_error("%s: line counts differ at %d: %.60s | %.60s\n", what, line, pa, pb);
        fail();
    }
    free(a);
    free(b);
}

/* The seed is markdown-ish: drop #, *, list dashes, "  " line breaks. */
static char *seed_text(const char *seed)
{
    char *path = tu_corpus_file(seed);
    char *s = tu_read_file(path, NULL);
    assert_non_null(s);
    free(path);
    return s;
}

static const char *seeds[] = {"000", "001", "003"};
static const char *styles[] = {"word", "numbered", "nasty", "table", "libreoffice", "pandoc"};

static int have(const char *name)
{
    char *p = tu_corpus_file(name);
    FILE *f = p ? fopen(p, "rb") : NULL;
    free(p);
    if (f)
        fclose(f);
    return f != NULL;
}

/* Without the corpus every test here is skipped (tu_corpus logs why and,
 * under TCPL_REQUIRE_CORPUS=1, fails the binary instead). */
#define NEED_CORPUS()                                                                              \
    do {                                                                                           \
        if (!tu_corpus())                                                                          \
            skip();                                                                                \
    } while (0)

static void plain_matches_seed(void **state)
{
    (void)state;
    NEED_CORPUS();
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        char name[64], seed[64];
        snprintf(name, sizeof name, "%s-plain.docx", seeds[s]);
        snprintf(seed, sizeof seed, "seeds/%s.txt", seeds[s]);
        char *text = read_text(name, TCPL_TEXT_BODY);
        char *st = seed_text(seed);
        assert_same_words(name, text, st);
        free(text);
        free(st);
    }
}

static void renderings_match_plain(void **state)
{
    (void)state;
    NEED_CORPUS();
    size_t compared = 0;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        char plain_name[64];
        snprintf(plain_name, sizeof plain_name, "%s-plain.docx", seeds[s]);
        char *plain = read_text(plain_name, TCPL_TEXT_BODY);
        for (size_t k = 0; k < sizeof styles / sizeof styles[0]; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s-%s.docx", seeds[s], styles[k]);
            /* every seed has every rendering: a missing one is a corpus
             * fault, never a silent pass */
            if (!have(name))
                fail_msg("%s: missing from the corpus", name);
            char *text = read_text(name, TCPL_TEXT_BODY);
            compared++;
            assert_same_words(name, text, plain);
            /* The table rendering moves fields into label|value rows, and the
             * pandoc/LibreOffice builds of seeds 001 and 003 join their soft
             * line breaks into one paragraph (a space where plain has a new
             * paragraph): there only the words can match. */
            int words_only = !strcmp(styles[k], "table") ||
                             (strcmp(seeds[s], "000") != 0 && (!strcmp(styles[k], "pandoc") ||
                                                           !strcmp(styles[k], "libreoffice")));
            if (!words_only) {
                char *pa = paragraphs_of(name), *pb = paragraphs_of(plain_name);
                assert_same_lines(name, pa, pb);
                free(pa);
                free(pb);
            }
            free(text);
        }
        free(plain);
    }
    assert_int_equal(compared, sizeof seeds / sizeof seeds[0] * (sizeof styles / sizeof styles[0]));
}

static void tcvn3_matches_plain(void **state)
{
    (void)state;
    NEED_CORPUS();
    if (!have("000-tcvn3.docx"))
        fail_msg("000-tcvn3.docx: missing from the corpus");
    char *plain = read_text("000-plain.docx", TCPL_TEXT_BODY);
    char *text = read_text("000-tcvn3.docx", TCPL_TEXT_BODY);
    assert_same_words("000-tcvn3.docx", text, plain);
    free(plain);
    free(text);
}

/* What MANIFEST.json says each nasty rendering hides. */
static void nasty_features(void **state)
{
    (void)state;
    NEED_CORPUS();
    char *mpath = tu_corpus_file("MANIFEST.json");
    json_error_t je;
    json_t *m = json_load_file(mpath, 0, &je);
    free(mpath);
    assert_non_null(m);
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        char name[64];
        snprintf(name, sizeof name, "%s-nasty.docx", seeds[s]);
        json_t *e = json_object_get(m, name);
        assert_non_null(e);
        char *body = read_text(name, TCPL_TEXT_BODY);
        char *all = read_text(name, TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS);
        const char *ins = json_string_value(json_object_get(json_object_get(e, "inserted"), "text"));
        const char *del = json_string_value(json_object_get(json_object_get(e, "deleted"), "text"));
        const char *fn = json_string_value(json_object_get(json_object_get(e, "footnote"), "text"));
        const char *hl = json_string_value(json_object_get(json_object_get(e, "hyperlink"), "text"));
        const char *st = json_string_value(json_object_get(json_object_get(e, "smarttag"), "text"));
        const char *sdt = json_string_value(json_object_get(json_object_get(e, "sdt"), "text"));
        const char *br = json_string_value(json_object_get(json_object_get(e, "line_break"), "text"));
        /* each expected string non-empty: strstr(x, "") proves nothing */
        TU_ASSERT_CONTAINS(body, ins);
        TU_ASSERT_LACKS(all, del);
        TU_ASSERT_LACKS(body, fn);
        TU_ASSERT_CONTAINS(all, fn);
        TU_ASSERT_CONTAINS(body, hl);
        TU_ASSERT_CONTAINS(body, st);
        TU_ASSERT_CONTAINS(body, sdt);
        TU_ASSERT_CONTAINS(body, br); /* w:br is a newline inside the paragraph */
        /* Fields show their result, never the instruction. */
        TU_ASSERT_LACKS(all, "NUMPAGES");
        TU_ASSERT_LACKS(all, "PAGE ");
        TU_ASSERT_CONTAINS(all, "Trang ");
        free(body);
        free(all);
    }
    json_decref(m);
}

/* Model details on a real file: header table, auto-numbering labels,
 * inserted-run flag, page setup. */
static void model_details(void **state)
{
    (void)state;
    NEED_CORPUS();
    char *path = tu_corpus_file("000-nasty.docx");
    tcpl_doc *doc = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_docx_read(&doc, ctx, path, &err), 0);
    free(path);
    const tcpl_block *b0 = tcpl_doc_block(doc, 0);
    assert_int_equal(b0->kind, TCPL_BLOCK_TABLE);
    assert_int_equal(b0->rows, 2);
    assert_int_equal(b0->cols, 2);
    int saw_label_ii = 0, saw_inserted = 0, saw_note = 0;
    for (size_t i = 0; i < tcpl_doc_block_count(doc); i++) {
        const tcpl_block *b = tcpl_doc_block(doc, i);
        assert_int_equal(b->index, (int)i);
        if (b->parent >= 0)
            assert_true(b->parent < (int)i);
        if (b->kind == TCPL_BLOCK_NOTE)
            saw_note++;
        if (b->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        if (!strcmp(b->label, "II.") && strstr(b->text, "NỘI DUNG"))
            saw_label_ii = 1;
        for (size_t r = 0; r < b->run_count; r++) {
            assert_true(b->runs[r].offset + b->runs[r].length <= b->text_len);
            if (b->runs[r].flags & TCPL_RUN_INSERTED)
                saw_inserted = 1;
        }
    }
    assert_true(saw_label_ii);
    assert_true(saw_inserted);
    assert_int_equal(saw_note, 1);
    assert_true(tcpl_doc_section_count(doc) >= 1);
    const tcpl_section *sec = tcpl_doc_section(doc, 0);
    assert_int_equal(sec->page_width, 11906); /* A4 */
    tcpl_doc_free(doc);
}

int main(void)
{
    ctx = tu_ctx();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_matches_seed),   cmocka_unit_test(renderings_match_plain),
        cmocka_unit_test(tcvn3_matches_plain),  cmocka_unit_test(nasty_features),
        cmocka_unit_test(model_details),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tcpl_ctx_free(ctx);
    return rc;
}
