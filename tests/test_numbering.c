/* Numbering: label rendering and counters, on small numbering.xml strings
 * and on the corpus documents checked against their seed texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zip.h>

#include <dirent.h>
#include <unistd.h>

#include "helpers/fixtures.h"
#include "helpers/testutil.h"
#include "ooxml/numbering.h"
#include "ooxml/reader.h"
#include "ooxml/styles.h"
#include "ooxml/xml.h"

#define W_URI "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static tcpl_numbering *parse(const char *xml)
{
    tcpl_numbering *n = NULL;
    tcpl_error err = {0};
    int rc = tcpl_numbering_parse(&n, xml, xml ? strlen(xml) : 0, "t.docx", "word/numbering.xml",
                                  &err);
    assert_int_equal(rc, 0);
    assert_non_null(n);
    return n;
}

/* Labels are tcpl_bufs; the tests keep them in arrays this large. */
#define LABEL_MAX (TCPL_MAX_LABEL_BYTES + 1)

/* The next label into a plain array (always valid UTF-8, at most
 * TCPL_MAX_LABEL_BYTES). */
static void next_label(tcpl_numstate *st, int num, int ilvl, char *label, char *suff)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    assert_int_equal(tcpl_numstate_next(st, num, ilvl, &b, suff), 0);
    assert_true(b.len <= TCPL_MAX_LABEL_BYTES);
    snprintf(label, LABEL_MAX, "%s", b.data ? b.data : "");
    tcpl_buf_free(&b);
}

/* Renders the labels of a sequence of (numId, ilvl) pairs, joined by '|'. */
static void labels(const tcpl_numbering *n, const int *seq, size_t count, char *out, size_t size)
{
    tcpl_numstate *st = NULL;
    assert_int_equal(tcpl_numstate_new(&st, n), 0);
    out[0] = 0;
    for (size_t i = 0; i < count; i++) {
        char suff;
        tcpl_buf label;
        tcpl_buf_init(&label);
        assert_int_equal(tcpl_numstate_next(st, seq[2 * i], seq[2 * i + 1], &label, &suff), 0);
        if (i)
            strncat(out, "|", size - strlen(out) - 1);
        strncat(out, label.data ? label.data : "", size - strlen(out) - 1);
        tcpl_buf_free(&label);
    }
    tcpl_numstate_free(st);
}

#define LVL(i, start, fmt, text) \
    "<w:lvl w:ilvl=\"" #i "\"><w:start w:val=\"" #start "\"/><w:numFmt w:val=\"" fmt \
    "\"/><w:lvlText w:val=\"" text "\"/></w:lvl>"

/* The outline Vietnamese plans use: I. / 1. / 1.1. / a) */
static const char outline[] =
    "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"5\">" LVL(0, 1, "upperRoman", "%1.")
        LVL(1, 1, "decimal", "%2.") LVL(2, 1, "decimal", "%2.%3.") LVL(3, 1, "lowerLetter", "%4)")
            "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"5\"/></w:num>"
            "</w:numbering>";

static void test_multilevel(void **state)
{
    (void)state;
    tcpl_numbering *n = parse(outline);
    int seq[] = {1, 0, 1, 1, 1, 2, 1, 2, 1, 1, 1, 2, 1, 3, 1, 3, 1, 0, 1, 1, 1, 0, 1, 0};
    char out[512];
    labels(n, seq, sizeof seq / sizeof seq[0] / 2, out, sizeof out);
    assert_string_equal(out, "I.|1.|1.1.|1.2.|2.|2.1.|a)|b)|II.|1.|III.|IV.");
    tcpl_numbering_free(n);
}

static void test_roman_and_letters(void **state)
{
    (void)state;
    tcpl_numbering *n = parse(outline);
    tcpl_numstate *st = NULL;
    assert_int_equal(tcpl_numstate_new(&st, n), 0);
    char label[LABEL_MAX], suff;
    const char *roman[] = {"I.", "II.", "III.", "IV.", "V.", "VI.", "VII.", "VIII.", "IX.", "X."};
    for (int i = 0; i < 10; i++) {
        next_label(st, 1, 0, label, &suff);
        assert_string_equal(label, roman[i]);
        assert_int_equal(suff, '\t'); /* the default w:suff */
    }
    for (int i = 0; i < 14; i++)
        next_label(st, 1, 0, label, &suff);
    assert_string_equal(label, "XXIV.");
    /* lowerLetter: a..z, then aa, bb (Word repeats the letter). */
    char want[8];
    for (int i = 1; i <= 54; i++) {
        next_label(st, 1, 3, label, &suff);
        if (i <= 26)
            snprintf(want, sizeof want, "%c)", 'a' + i - 1);
        else if (i <= 52)
            snprintf(want, sizeof want, "%c%c)", 'a' + i - 27, 'a' + i - 27);
        else
            snprintf(want, sizeof want, "%c%c%c)", 'a' + i - 53, 'a' + i - 53, 'a' + i - 53);
        assert_string_equal(label, want);
    }
    tcpl_numstate_free(st);
    tcpl_numbering_free(n);
}

static void test_unknown_and_zero(void **state)
{
    (void)state;
    tcpl_numbering *n = parse(outline);
    tcpl_numstate *st = NULL;
    assert_int_equal(tcpl_numstate_new(&st, n), 0);
    char label[LABEL_MAX] = "x", suff = 'x';
    next_label(st, 0, 0, label, &suff); /* numId 0: numbering removed */
    assert_string_equal(label, "");
    assert_int_equal(suff, 0);
    next_label(st, 77, 0, label, &suff);
    assert_string_equal(label, "");
    next_label(st, 1, 0, label, &suff); /* counters untouched */
    assert_string_equal(label, "I.");
    tcpl_numstate_free(st);
    tcpl_numbering_free(n);

    n = parse(NULL); /* no numbering part */
    assert_int_equal(tcpl_numstate_new(&st, n), 0);
    next_label(st, 1, 0, label, &suff);
    assert_string_equal(label, "");
    tcpl_numstate_free(st);
    tcpl_numbering_free(n);
}

static void test_start_override(void **state)
{
    (void)state;
    /* numIds 1 and 2 share abstractNum 3; numId 2 restarts at 1 once,
     * numId 3 at 8; the shared counter then carries on (Word). */
    const char *xml =
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"3\">" LVL(0, 1, "decimal", "%1.")
            LVL(1, 1, "lowerLetter", "%2)") "</w:abstractNum>"
            "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"3\"/></w:num>"
            "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"3\"/><w:lvlOverride w:ilvl=\"0\">"
            "<w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>"
            "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"3\"/><w:lvlOverride w:ilvl=\"0\">"
            "<w:startOverride w:val=\"8\"/></w:lvlOverride></w:num></w:numbering>";
    tcpl_numbering *n = parse(xml);
    int seq[] = {1, 0, 1, 0, 1, 1, 2, 0, 2, 0, 2, 1, 1, 0, 3, 0, 1, 0, 3, 0};
    char out[256];
    labels(n, seq, sizeof seq / sizeof seq[0] / 2, out, sizeof out);
    assert_string_equal(out, "1.|2.|a)|1.|2.|a)|3.|8.|9.|10.");
    tcpl_numbering_free(n);
}

static void test_lvl_override(void **state)
{
    (void)state;
    const char *xml =
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"4\">" LVL(0, 1, "decimal", "%1.")
            "</w:abstractNum><w:num w:numId=\"5\"><w:abstractNumId w:val=\"4\"/></w:num>"
            "<w:num w:numId=\"6\"><w:abstractNumId w:val=\"4\"/><w:lvlOverride w:ilvl=\"0\">" LVL(
                0, 4, "upperLetter", "%1)") "</w:lvlOverride></w:num></w:numbering>";
    tcpl_numbering *n = parse(xml);
    int seq[] = {5, 0, 6, 0, 6, 0, 5, 0};
    char out[256];
    labels(n, seq, 4, out, sizeof out);
    assert_string_equal(out, "1.|D)|E)|6.");
    tcpl_numbering_free(n);
}

static void test_is_lgl_and_restart(void **state)
{
    (void)state;
    /* Level 1 isLgl: "%1.%2." shows level 0 (upperRoman) in digits.
     * Level 2 never restarts (lvlRestart 0); level 3 restarts only after
     * level 0 (lvlRestart 1). */
    const char *xml =
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"1\">" LVL(0, 1, "upperRoman", "%1.")
            "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:isLgl/>"
            "<w:lvlText w:val=\"%1.%2.\"/></w:lvl>"
            "<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>"
            "<w:lvlRestart w:val=\"0\"/><w:lvlText w:val=\"(%3)\"/></w:lvl>"
            "<w:lvl w:ilvl=\"3\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerRoman\"/>"
            "<w:lvlRestart w:val=\"1\"/><w:lvlText w:val=\"%4.\"/></w:lvl>"
            "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/></w:num>"
            "</w:numbering>";
    tcpl_numbering *n = parse(xml);
    int seq[] = {1, 0, 1, 1, 1, 2, 1, 3, 1, 1, 1, 2, 1, 3, 1, 0, 1, 1, 1, 2, 1, 3};
    char out[256];
    labels(n, seq, sizeof seq / sizeof seq[0] / 2, out, sizeof out);
    assert_string_equal(out, "I.|1.1.|(1)|i.|1.2.|(2)|ii.|II.|2.1.|(3)|i.");
    tcpl_numbering_free(n);
}

static void test_bullets_and_suffix(void **state)
{
    (void)state;
    const char *xml =
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"1\">"
        "<w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"-\"/>"
        "<w:suff w:val=\"space\"/></w:lvl>"
        "<w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xEF\x82\xB7\"/></w:lvl>"
        "<w:lvl w:ilvl=\"2\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"o\"/>"
        "<w:suff w:val=\"nothing\"/></w:lvl>"
        "<w:lvl w:ilvl=\"3\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xEF\x82\xA7\"/></w:lvl>"
        "<w:lvl w:ilvl=\"4\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xE2\x80\x93\"/></w:lvl>"
        "<w:lvl w:ilvl=\"5\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xC2\xA7\"/></w:lvl>"
        "<w:lvl w:ilvl=\"6\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xE2\x9C\x93\"/></w:lvl>"
        "<w:lvl w:ilvl=\"7\"><w:numFmt w:val=\"none\"/><w:lvlText w:val=\"%8\"/></w:lvl>"
        "<w:lvl w:ilvl=\"8\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimalZero\"/>"
        "<w:lvlText w:val=\"%9.\"/></w:lvl>"
        "</w:abstractNum><w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>";
    tcpl_numbering *n = parse(xml);
    tcpl_numstate *st = NULL;
    assert_int_equal(tcpl_numstate_new(&st, n), 0);
    char label[LABEL_MAX], suff;
    const char *want[] = {"-", "\xE2\x80\xA2", "\xE2\x80\xA2", "\xE2\x80\xA2", "\xE2\x80\x93",
                          "\xE2\x80\xA2", "\xE2\x9C\x93", "", "01."};
    const char suffs[] = {' ', '\t', 0, '\t', '\t', '\t', '\t', '\t', '\t'};
    for (int l = 0; l < 9; l++) {
        next_label(st, 2, l, label, &suff);
        assert_string_equal(label, want[l]);
        assert_int_equal(suff, suffs[l]);
    }
    for (int i = 0; i < 9; i++)
        next_label(st, 2, 8, label, &suff);
    assert_string_equal(label, "10.");
    tcpl_numstate_free(st);
    tcpl_numbering_free(n);
}

static void test_style_links(void **state)
{
    (void)state;
    /* numStyleLink: abstractNum 2 takes its levels from abstractNum 1, which
     * carries styleLink "Outline"; level pStyle links Heading2 to ilvl 1. */
    const char *xml =
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"1\"><w:styleLink w:val=\"Outline\"/>"
        "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"upperRoman\"/>"
        "<w:pStyle w:val=\"Heading1\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
        "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>"
        "<w:pStyle w:val=\"Heading2\"/><w:lvlText w:val=\"%1.%2\"/></w:lvl></w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"2\"><w:numStyleLink w:val=\"Outline\"/></w:abstractNum>"
        "<w:num w:numId=\"7\"><w:abstractNumId w:val=\"2\"/></w:num>"
        "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>";
    tcpl_numbering *n = parse(xml);
    int id = -1, l = -1;
    assert_int_equal(tcpl_numbering_style_link(n, "Heading2", &id, &l), 1);
    assert_int_equal(l, 1);
    assert_int_equal(id, 7); /* the first num in the file using it */
    assert_int_equal(tcpl_numbering_style_link(n, "Heading1", &id, &l), 1);
    assert_int_equal(l, 0);
    assert_int_equal(tcpl_numbering_style_link(n, "Normal", &id, &l), 0);
    /* numId 7 (via numStyleLink) and 3 share one list. */
    int seq[] = {7, 0, 7, 1, 3, 1, 3, 0, 7, 1};
    char out[128];
    labels(n, seq, 5, out, sizeof out);
    assert_string_equal(out, "I.|I.1|I.2|II.|II.1");
    tcpl_numbering_free(n);
}

static void test_hostile(void **state)
{
    (void)state;
    const char *xml =
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"1\">"
        LVL(0, 2147483647, "decimal", "%1.") LVL(1, 2147483647, "lowerLetter", "%2%2%2%2%2")
            LVL(2, -5, "upperRoman", "%3.") LVL(3, 99999999999999, "upperRoman", "%1%9%4")
                "<w:lvl w:ilvl=\"4\"><w:start w:val=\"1\"/><w:lvlText w:val=\"%0%%5%\"/></w:lvl>"
                "<w:lvl w:ilvl=\"99\"><w:start w:val=\"1\"/></w:lvl>"
                "<w:lvl w:ilvl=\"-1\"><w:start w:val=\"1\"/></w:lvl>"
                "</w:abstractNum>"
                "<w:abstractNum w:abstractNumId=\"2\"><w:numStyleLink w:val=\"L\"/>"
                "<w:styleLink w:val=\"L\"/></w:abstractNum>"
                "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/>"
                "<w:lvlOverride w:ilvl=\"42\"><w:startOverride w:val=\"3\"/></w:lvlOverride></w:num>"
                "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"2\"/></w:num>"
                "<w:num w:numId=\"-4\"><w:abstractNumId w:val=\"1\"/></w:num>"
                "<w:num w:numId=\"9\"><w:abstractNumId w:val=\"1234\"/></w:num></w:numbering>";
    tcpl_numbering *n = parse(xml);
    tcpl_numstate *st = NULL;
    assert_int_equal(tcpl_numstate_new(&st, n), 0);
    char label[LABEL_MAX], suff;
    next_label(st, 1, 0, label, &suff);
    assert_string_equal(label, "2147483646."); /* clamped, no overflow */
    next_label(st, 1, 0, label, &suff);
    assert_string_equal(label, "2147483646."); /* saturates */
    next_label(st, 1, 1, label, &suff); /* millions of letters: bounded */
    assert_int_equal(strlen(label), TCPL_MAX_LABEL_BYTES);
    next_label(st, 1, 2, label, &suff);
    assert_string_equal(label, "0."); /* negative start -> 0, no Roman zero */
    next_label(st, 1, 3, label, &suff);
    assert_true(strlen(label) <= TCPL_MAX_LABEL_BYTES);
    next_label(st, 1, 4, label, &suff);
    assert_string_equal(label, "%0%1%");
    next_label(st, 1, 99, label, &suff); /* clamped to level 8: not defined */
    assert_string_equal(label, "");
    next_label(st, 1, -3, label, &suff); /* level 0 */
    assert_string_equal(label, "2147483646.");
    next_label(st, 2, 0, label, &suff); /* self link, no levels */
    assert_string_equal(label, "");
    next_label(st, 9, 0, label, &suff); /* unknown abstractNum */
    assert_string_equal(label, "");
    next_label(st, -4, 0, label, &suff);
    assert_string_equal(label, "");
    tcpl_numstate_free(st);
    tcpl_numbering_free(n);

    /* Malformed XML is an error, not a crash. */
    tcpl_numbering *bad = NULL;
    tcpl_error err = {0};
    const char *broken = "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"1\"><w:lvl>";
    assert_true(tcpl_numbering_parse(&bad, broken, strlen(broken), "t", "p", &err) < 0);
    assert_null(bad);
    const char *dtd = "<!DOCTYPE x [<!ENTITY a \"b\">]><w:numbering " NS "/>";
    assert_true(tcpl_numbering_parse(&bad, dtd, strlen(dtd), "t", "p", &err) < 0);
    assert_null(bad);
}

/* ------------------------------------------------------------------ */
/* Real documents: every numbered paragraph's label + suffix + text must be
 * a line of the seed text the document was made from. */

typedef struct para {
    char label[LABEL_MAX];
    char suff;
    int num_id, ilvl;
    char text[4096];
} para;

/* Walks document.xml's paragraphs in order, resolving numbering as the
 * reader does: direct numPr, else the paragraph style's (basedOn chain),
 * else a numbering level that names the style in w:pStyle. */
static size_t walk(const char *docx, para *out, size_t max)
{
    size_t nlen = 0, slen = 0, dlen = 0;
    char *nxml = tu_corpus_zip_entry(docx, "word/numbering.xml", &nlen);
    char *sxml = tu_corpus_zip_entry(docx, "word/styles.xml", &slen);
    char *dxml = tu_corpus_zip_entry(docx, "word/document.xml", &dlen);
    assert_non_null(dxml);
    tcpl_error err = {0};
    tcpl_numbering *nb = NULL;
    tcpl_styles *sty = NULL;
    tcpl_numstate *ns = NULL;
    assert_int_equal(tcpl_numbering_parse(&nb, nxml, nlen, docx, "word/numbering.xml", &err), 0);
    assert_int_equal(tcpl_styles_parse(&sty, sxml, slen, docx, "word/styles.xml", &err), 0);
    assert_int_equal(tcpl_numstate_new(&ns, nb), 0);
    tcpl_arena arena;
    tcpl_arena_init(&arena);
    tcpl_xml x;
    assert_int_equal(tcpl_xml_open(&x, dxml, dlen, docx, "word/document.xml", &err), 0);
    size_t n = 0;
    int pdepth = -1, in_t = 0, r;
    tcpl_ppr ppr;
    para *p = NULL;
    while ((r = tcpl_xml_next(&x, &err)) > 0) {
        int t = tcpl_xml_type(&x);
        if (tcpl_xml_is_w(&x, "p") && pdepth < 0 && !tcpl_xml_empty(&x)) {
            assert_true(n < max);
            p = &out[n++];
            memset(p, 0, sizeof *p);
            tcpl_ppr_init(&ppr);
            pdepth = tcpl_xml_depth(&x);
        } else if (pdepth >= 0 && tcpl_xml_is_w(&x, "pPr") && tcpl_xml_depth(&x) == pdepth + 1) {
            assert_int_equal(tcpl_ppr_parse(&x, &arena, &ppr, &err), 0);
        } else if (pdepth >= 0 && tcpl_xml_is_w(&x, "t")) {
            in_t = !tcpl_xml_empty(&x);
        } else if (tcpl_xml_is_end(&x, TCPL_NS_W, "t")) {
            in_t = 0;
        } else if (in_t && (t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const char *v = tcpl_xml_value(&x);
            strncat(p->text, v, sizeof p->text - strlen(p->text) - 1);
        } else if (tcpl_xml_is_end(&x, TCPL_NS_W, "p") && tcpl_xml_depth(&x) == pdepth) {
            const tcpl_style *s =
                ppr.style ? tcpl_styles_get(sty, ppr.style) : tcpl_styles_default_para(sty);
            int num = ppr.num_id, lvl = ppr.ilvl;
            if (num < 0 && s && s->ppr.num_id >= 0) {
                num = s->ppr.num_id;
                if (lvl < 0)
                    lvl = s->ppr.ilvl;
            }
            if (num < 0 && s)
                tcpl_numbering_style_link(nb, s->id, &num, &lvl);
            p->num_id = num;
            p->ilvl = lvl < 0 ? 0 : lvl;
            next_label(ns, num, p->ilvl, p->label, &p->suff);
            pdepth = -1;
        }
    }
    assert_int_equal(r, 0);
    tcpl_xml_close(&x);
    tcpl_arena_free(&arena);
    tcpl_numstate_free(ns);
    tcpl_styles_free(sty);
    tcpl_numbering_free(nb);
    free(nxml);
    free(sxml);
    free(dxml);
    return n;
}

/* The seed's lines without Markdown marks (*, leading #), '\n'-split in place. */
static char **seed_lines(const char *name, size_t *count, char **store)
{
    char rel[64];
    snprintf(rel, sizeof rel, "seeds/%s", name);
    char *path = tu_corpus_file(rel);
    char *s = tu_read_file(path, NULL);
    free(path);
    assert_non_null(s);
    size_t cap = 16, n = 0;
    char **v = malloc(cap * sizeof *v);
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        char *w = line;
        for (char *q = line; *q; q++)
            if (*q != '*')
                *w++ = *q;
        *w = 0;
        while (line[0] == '#')
            line++;
        while (line[0] == ' ')
            line++;
        size_t l = strlen(line);
        while (l > 0 && line[l - 1] == ' ')
            line[--l] = 0;
        if (n == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        v[n++] = line;
    }
    *count = n;
    *store = s;
    return v;
}

/* pandoc's smart typography writes "..." as U+2026. */
static void unsmart(char *s)
{
    char *w = s;
    for (char *q = s; *q;) {
        if (!strncmp(q, "\xE2\x80\xA6", 3)) {
            memcpy(w, "...", 3);
            w += 3;
            q += 3;
        } else
            *w++ = *q++;
    }
    *w = 0;
}

static int has_alnum(const char *s)
{
    for (; *s; s++)
        if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
            return 1;
    return 0;
}

/* Checks every numbered paragraph, in order, against the seed; returns how
 * many paragraphs carried a non-empty label. */
static size_t check_doc(const char *docx, const char *seed, int bullet_as_dash)
{
    static para ps[1024];
    size_t np = walk(docx, ps, 1024), nl, labelled = 0, at = 0;
    char *store;
    char **lines = seed_lines(seed, &nl, &store);
    for (size_t i = 0; i < np; i++) {
        if (ps[i].num_id <= 0)
            continue;
        char want[4200];
        if (!ps[i].label[0])
            snprintf(want, sizeof want, "%.4095s", ps[i].text);
        else if (bullet_as_dash && !has_alnum(ps[i].label))
            snprintf(want, sizeof want, "- %.4095s", ps[i].text); /* Markdown list item */
        else
            snprintf(want, sizeof want, "%.63s %.4095s", ps[i].label, ps[i].text); /* the seed writes a space for the tab */
        unsmart(want);
        /* The seed is NFC (the nasty variant stores NFD). */
        char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)want);
        assert_non_null(nfc);
        labelled += ps[i].label[0] != 0;
        size_t k = at;
        while (k < nl && strcmp(lines[k], nfc) != 0 &&
               !(bullet_as_dash && lines[k][0] == '+' && !strcmp(lines[k] + 1, nfc + 1)))
            k++; /* Markdown writes nested items with "+"; pandoc flattens them */
        free(nfc);
        if (k == nl)
            fail_msg("%s: paragraph %zu (numId %d ilvl %d) \"%s\" not in %s after line %zu", docx,
                     i, ps[i].num_id, ps[i].ilvl, want, seed, at);
        at = k + 1;
    }
    free(lines);
    free(store);
    return labelled;
}

static para *find_text(para *ps, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++)
        if (!strncmp(ps[i].text, prefix, strlen(prefix)))
            return &ps[i];
    return NULL;
}

static void test_corpus_numbered(void **state)
{
    (void)state;
    if (!tu_corpus())
        skip();
    /* every numId-90 paragraph of document.xml (32) has a label */
    assert_int_equal(check_doc("000-numbered.docx", "000.txt", 0), 32);
    /* 22 labels: seeds/003.txt lines 13-119 */
    assert_int_equal(check_doc("003-numbered.docx", "003.txt", 0), 22);
    assert_int_equal(check_doc("003-nasty.docx", "003.txt", 0), 22);

    static para ps[1024];
    size_t n = walk("003-numbered.docx", ps, 1024);
    para *p = find_text(ps, n, "MỤC ĐÍCH, YÊU CẦU");
    assert_non_null(p);
    assert_string_equal(p->label, "I.");
    assert_int_equal(p->suff, ' ');
    p = find_text(ps, n, "Hợp đánh giá công nhận"); /* one-off list "2.%1." start 2 */
    assert_non_null(p);
    assert_int_equal(p->num_id, 91);
    assert_string_equal(p->label, "2.2.");
    p = find_text(ps, n, "TỔ CHỨC THỰC HIỆN");
    assert_non_null(p);
    assert_string_equal(p->label, "III.");
    p = find_text(ps, n, "Trách nhiệm của các bộ phận.");
    assert_non_null(p);
    assert_string_equal(p->label, "a)");
}

static void test_corpus_converters(void **state)
{
    (void)state;
    if (!tu_corpus())
        skip();
    /* pandoc: bullets as "•"/"–"; LibreOffice: headings numbered through the
     * style (numFmt none, the number is typed) and Symbol bullets. */
    /* 72 paragraphs carry a direct numPr in each */
    assert_int_equal(check_doc("000-pandoc.docx", "000.txt", 1), 72);
    assert_int_equal(check_doc("000-libreoffice.docx", "000.txt", 1), 72);
    static para ps[1024];
    size_t n = walk("000-libreoffice.docx", ps, 1024);
    para *p = find_text(ps, n, "I. MỤC ĐÍCH, YÊU CẦU");
    assert_non_null(p);
    assert_int_equal(p->num_id, 1); /* from the Heading2 style */
    assert_int_equal(p->ilvl, 1);
    assert_string_equal(p->label, "");
    p = find_text(ps, n, "Đơn vị chủ trì:");
    assert_non_null(p);
    assert_string_equal(p->label, "\xE2\x80\xA2"); /* U+F0B7 in Symbol */
    n = walk("000-pandoc.docx", ps, 1024);
    p = find_text(ps, n, "Đơn vị chủ trì:");
    assert_non_null(p);
    assert_string_equal(p->label, "\xE2\x80\xA2");
}

/* ---- the numbering part parsed on first need (docx.c) ---- */

/* JSON and full text of a reading, or NULL with *code set on failure. */
static char *reading(const tcpl_ctx *ctx, const char *data, size_t len, int eager, int *code)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    int rc = eager ? tcpl_docx_read_memory_eager(&doc, ctx, data, len, "t.docx", &err)
                   : tcpl_docx_read_memory(&doc, ctx, data, len, "t.docx", &err);
    *code = rc;
    if (rc < 0)
        return NULL;
    char *json = NULL, *text = NULL, *out = NULL;
    size_t jl, tl;
    assert_int_equal(tcpl_doc_json(&json, &jl, doc, 0, &err), 0);
    assert_int_equal(
        tcpl_doc_text(&text, &tl, doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS, &err),
        0);
    out = malloc(jl + tl + 1);
    assert_non_null(out);
    memcpy(out, json, jl);
    memcpy(out + jl, text, tl + 1);
    free(json);
    free(text);
    tcpl_doc_free(doc);
    return out;
}

/* Both readings of a file: the same document, or the same failure. */
static void same_readings(const tcpl_ctx *ctx, const char *data, size_t len)
{
    int c1, c2;
    char *a = reading(ctx, data, len, 0, &c1), *b = reading(ctx, data, len, 1, &c2);
    assert_int_equal(c1, c2);
    if (a || b) {
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
    }
    free(a);
    free(b);
}

static void test_lazy_corpus(void **state)
{
    (void)state;
    const char *dir = tu_corpus();
    if (!dir)
        TU_SKIP("no corpus");
    tcpl_ctx *ctx = tu_ctx();
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 5, ".docx") != 0)
            continue;
        char *path = tu_corpus_file(e->d_name);
        size_t len;
        char *data = tu_read_file(path, &len);
        assert_non_null(data);
        same_readings(ctx, data, len);
        files++;
        free(data);
        free(path);
    }
    closedir(d);
    TU_ASSERT_NONEMPTY(files, "corpus files");
    tcpl_ctx_free(ctx);
}

/* A minimal package: document.xml's body, numbering.xml (NULL: none),
 * styles.xml (NULL: none). */
static char *make_docx(const char *body, const char *numbering, const char *styles, size_t *len)
{
    char path[] = "/tmp/tcpl-num-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int ze;
    zip_t *z = zip_open(path, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    static char doc[8192], rels[2048];
    snprintf(doc, sizeof doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " NS
             "><w:body>%s</w:body></w:document>", body);
    snprintf(rels, sizeof rels,
             "<?xml version=\"1.0\"?><Relationships "
             "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">%s%s"
             "</Relationships>",
             numbering ? "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                         "officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>"
                       : "",
             styles ? "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
                      "officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                    : "");
    const char *ct =
        "<?xml version=\"1.0\"?><Types "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/word/document.xml\" "
        "ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    const char *root =
        "<?xml version=\"1.0\"?><Relationships "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"r1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    const struct {
        const char *name, *text;
    } parts[] = {{"[Content_Types].xml", ct},
                 {"_rels/.rels", root},
                 {"word/document.xml", doc},
                 {"word/_rels/document.xml.rels", rels},
                 {"word/numbering.xml", numbering},
                 {"word/styles.xml", styles}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].text)
            continue;
        zip_source_t *src = zip_source_buffer(z, parts[i].text, strlen(parts[i].text), 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, parts[i].name, src, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    char *data = tu_read_file(path, len);
    assert_non_null(data);
    unlink(path);
    return data;
}

#define P_NUM(id, lvl, text)                                                                       \
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"" #lvl "\"/><w:numId w:val=\"" #id                      \
    "\"/></w:numPr></w:pPr><w:r><w:t>" text "</w:t></w:r></w:p>"
#define P_STYLE(style, text)                                                                       \
    "<w:p><w:pPr><w:pStyle w:val=\"" style "\"/></w:pPr><w:r><w:t>" text "</w:t></w:r></w:p>"
#define P_PLAIN(text) "<w:p><w:r><w:t>" text "</w:t></w:r></w:p>"

static const char *NUMBERING_OK =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:numbering " NS ">"
    "<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
    "<w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/><w:pStyle w:val=\"H1\"/></w:lvl>"
    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>"
    "<w:lvlText w:val=\"%2)\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";
static const char *NUMBERING_NO_LINK =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:numbering " NS ">"
    "<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"3\"/>"
    "<w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";
/* well-formed up to a broken end tag */
static const char *NUMBERING_BAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:numbering " NS
                                   "><w:abstractNum w:abstractNumId=\"0\"></w:num></w:numbering>";
static const char *STYLES =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:styles " NS ">"
    "<w:style w:type=\"paragraph\" w:styleId=\"H1\"><w:name w:val=\"heading 1\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Plain\"><w:name w:val=\"Plain\"/></w:style>"
    "</w:styles>";

static char *label_of(const tcpl_ctx *ctx, const char *data, size_t len, int eager, size_t i)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    int rc = eager ? tcpl_docx_read_memory_eager(&doc, ctx, data, len, "t.docx", &err)
                   : tcpl_docx_read_memory(&doc, ctx, data, len, "t.docx", &err);
    assert_int_equal(rc, 0);
    assert_true(i < tcpl_doc_block_count(doc));
    char *l = strdup(tcpl_doc_block(doc, i)->label);
    tcpl_doc_free(doc);
    return l;
}

static void test_lazy_handmade(void **state)
{
    (void)state;
    tcpl_ctx *ctx = tu_ctx();
    const struct {
        const char *body, *numbering, *styles;
        size_t para;
        const char *label; /* of that paragraph, both readings */
    } cases[] = {
        /* direct numPr after unnumbered paragraphs: parsed at the first */
        {P_PLAIN("a") P_NUM(1, 0, "b") P_NUM(1, 1, "c") P_NUM(1, 0, "d"), NUMBERING_OK, STYLES,
         3, "II."},
        {P_PLAIN("a") P_NUM(1, 0, "b") P_NUM(1, 1, "c"), NUMBERING_OK, STYLES, 2, "1)"},
        /* a style linked from a numbering level (w:pStyle), no numPr */
        {P_STYLE("Plain", "a") P_STYLE("H1", "b") P_STYLE("H1", "c"), NUMBERING_OK, STYLES, 2,
         "II."},
        {P_STYLE("Plain", "a") P_STYLE("H1", "b"), NUMBERING_OK, STYLES, 0, ""},
        /* no pStyle in the part: the styles never make it parse */
        {P_STYLE("H1", "a") P_NUM(1, 0, "b"), NUMBERING_NO_LINK, STYLES, 1, "3."},
        {P_STYLE("H1", "a") P_NUM(1, 0, "b"), NUMBERING_NO_LINK, STYLES, 0, ""},
        /* numId 0, unknown numId */
        {P_NUM(0, 0, "a") P_NUM(7, 0, "b"), NUMBERING_OK, NULL, 1, ""},
        /* numbering without styles, styles without numbering */
        {P_NUM(1, 0, "a"), NUMBERING_OK, NULL, 0, "I."},
        {P_NUM(1, 0, "a"), NULL, STYLES, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *data = make_docx(cases[i].body, cases[i].numbering, cases[i].styles, &len);
        same_readings(ctx, data, len);
        char *a = label_of(ctx, data, len, 0, cases[i].para);
        char *b = label_of(ctx, data, len, 1, cases[i].para);
        assert_string_equal(a, cases[i].label);
        assert_string_equal(b, cases[i].label);
        free(a);
        free(b);
        free(data);
    }
    /* A damaged numbering part that a paragraph needs: the same error both
     * ways; one that no paragraph needs is never parsed (the full parse
     * refused the document for it). */
    size_t len;
    char *data = make_docx(P_PLAIN("a") P_NUM(1, 0, "b"), NUMBERING_BAD, STYLES, &len);
    same_readings(ctx, data, len);
    int c1;
    assert_null(reading(ctx, data, len, 0, &c1));
    assert_int_equal(c1, TCPL_ERR_FORMAT);
    free(data);
    data = make_docx(P_PLAIN("a") P_STYLE("Plain", "b"), NUMBERING_BAD, STYLES, &len);
    int c2;
    char *lazy = reading(ctx, data, len, 0, &c1);
    assert_int_equal(c1, 0);
    assert_null(reading(ctx, data, len, 1, &c2));
    assert_int_equal(c2, TCPL_ERR_FORMAT);
    free(lazy);
    free(data);
    /* the part's w:pStyle values are indexed: a damaged part linking only
     * a style no paragraph has is not parsed; one linking a style a
     * paragraph has is, and fails as before */
    static const char *bad_linked = "<?xml version=\"1.0\"?><w:numbering " NS
                                    "><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\">"
                                    "<w:pStyle w:val=\"H1\"/></w:lvl></w:num></w:numbering>";
    data = make_docx(P_STYLE("Plain", "a"), bad_linked, STYLES, &len);
    lazy = reading(ctx, data, len, 0, &c1);
    assert_int_equal(c1, 0);
    free(lazy);
    free(data);
    data = make_docx(P_STYLE("Plain", "a") P_STYLE("H1", "b"), bad_linked, STYLES, &len);
    same_readings(ctx, data, len);
    assert_null(reading(ctx, data, len, 0, &c1));
    assert_int_equal(c1, TCPL_ERR_FORMAT);
    free(data);
    /* values the scan cannot be sure of (an entity, a prefix other than w,
     * single quotes, a tab, the default namespace): parsed, same labels */
    static const char *odd[] = {
        "<w:pStyle w:val=\"H&#49;\"/>", "<x:pStyle xmlns:x=\"" W_URI "\" x:val=\"H1\"/>",
        "<w:pStyle w:val='H1'/>", "<w:pStyle w:val=\"H1\t\"/>", "<w:pStyle\n  w:val = \"H1\" />",
        "<pStyle xmlns=\"" W_URI "\" w:val=\"H1\"/>"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        char num[2048];
        snprintf(num, sizeof num,
                 "<?xml version=\"1.0\"?><w:numbering " NS
                 "><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"4\"/>"
                 "<w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%%1.\"/>%s</w:lvl>"
                 "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
                 "</w:numbering>",
                 odd[i]);
        data = make_docx(P_STYLE("Plain", "a") P_STYLE("H1", "b"), num, STYLES, &len);
        same_readings(ctx, data, len);
        free(data);
    }
    tcpl_ctx_free(ctx);
}

/* ---- per-definition reading (tcpl_numbering_open / _need) ---- */

/* Labels of seq through the lazy reading; *parsed the definitions its
 * small parses read; rc of the first failing call (0 all well) with err. */
static int lazy_labels(const char *xml, const int *seq, size_t count, char *out, size_t size,
                       size_t *parsed, tcpl_error *err)
{
    tcpl_numbering *n = NULL;
    size_t len = strlen(xml);
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, xml, len + 1);
    int rc = tcpl_numbering_open(&n, copy, len, "t.docx", "word/numbering.xml", NULL, err);
    out[0] = 0;
    if (rc < 0)
        return rc;
    tcpl_numstate *st = NULL;
    assert_int_equal(tcpl_numstate_new(&st, n), 0);
    for (size_t i = 0; i < count && rc == 0; i++) {
        rc = tcpl_numbering_need(n, seq[2 * i], err);
        if (rc < 0)
            break;
        char suff;
        tcpl_buf label;
        tcpl_buf_init(&label);
        assert_int_equal(tcpl_numstate_next(st, seq[2 * i], seq[2 * i + 1], &label, &suff), 0);
        if (i)
            strncat(out, "|", size - strlen(out) - 1);
        strncat(out, label.data ? label.data : "", size - strlen(out) - 1);
        tcpl_buf_free(&label);
    }
    if (parsed)
        *parsed = tcpl_numbering_parsed(n);
    tcpl_numstate_free(st);
    tcpl_numbering_free(n);
    return rc;
}

/* Both readings give the same labels; the lazy one's parse count. */
static size_t same_labels(const char *xml, const int *seq, size_t count)
{
    char full[4096], lazy[4096];
    size_t parsed = 0;
    tcpl_numbering *n = NULL;
    tcpl_error ferr = {0}, err = {0};
    int frc = tcpl_numbering_parse(&n, xml, strlen(xml), "t.docx", "word/numbering.xml", &ferr);
    if (frc < 0) { /* refused: the same error */
        assert_int_equal(lazy_labels(xml, seq, count, lazy, sizeof lazy, &parsed, &err), frc);
        assert_string_equal(err.id, ferr.id);
        assert_string_equal(err.where, ferr.where);
        assert_string_equal(err.detail, ferr.detail);
        return parsed;
    }
    labels(n, seq, count, full, sizeof full);
    tcpl_numbering_free(n);
    assert_int_equal(lazy_labels(xml, seq, count, lazy, sizeof lazy, &parsed, &err), 0);
    assert_string_equal(full, lazy);
    return parsed;
}

static char *big_part(size_t nabs, const char *extra)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:numbering " NS ">");
    char t[512];
    for (size_t i = 0; i < nabs; i++) {
        snprintf(t, sizeof t,
                 "<w:abstractNum w:abstractNumId=\"%zu\"><w:multiLevelType w:val=\"hybrid\"/>"
                 LVL(0, 1, "decimal", "%%1.") LVL(1, 1, "lowerLetter", "%%2)")
                 "<w:lvl w:ilvl=\"2\"><w:start w:val=\"%zu\"/><w:numFmt w:val=\"upperRoman\"/>"
                 "<w:lvlText w:val=\"%%3.\"/></w:lvl></w:abstractNum>\n",
                 i, i + 1);
        tcpl_buf_puts(&b, t);
    }
    for (size_t i = 0; i < nabs; i++) {
        snprintf(t, sizeof t, "<w:num w:numId=\"%zu\"><w:abstractNumId w:val=\"%zu\"/></w:num>",
                 i + 1, i);
        tcpl_buf_puts(&b, t);
    }
    tcpl_buf_puts(&b, extra ? extra : "");
    tcpl_buf_puts(&b, "</w:numbering>");
    assert_true(tcpl_buf_ok(&b));
    return b.data;
}

static void test_per_definition_large(void **state)
{
    (void)state;
    char *xml = big_part(2000, NULL);
    /* numIds 17 and 1500 (abstractNums 16 and 1499) */
    const int seq[] = {17, 0, 17, 1, 17, 1, 1500, 2, 1500, 2, 17, 0, 17, 2, 1500, 0, 3000, 0};
    assert_int_equal(same_labels(xml, seq, 9), 2);
    free(xml);
}

static const char LINKS_PART[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:numbering " NS ">"
        "<w:abstractNum w:abstractNumId=\"1\"><w:numStyleLink w:val=\"A\"/></w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"2\"><w:styleLink w:val=\"A\"/>"
        "<w:numStyleLink w:val=\"B\"/>" LVL(0, 5, "decimal", "x%1.") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"3\"><w:styleLink w:val=\"B\"/>"
        LVL(0, 7, "upperRoman", "%1/") LVL(1, 1, "lowerLetter", "%1.%2") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"4\"><w:numStyleLink w:val=\"C\"/>"
        "<w:styleLink w:val=\"C\"/>" LVL(0, 2, "decimal", "c%1") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"5\"><w:numStyleLink w:val=\"nope\"/>"
        LVL(0, 3, "decimal", "n%1") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"6\">" LVL(0, 1, "decimal", "first%1") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"6\">" LVL(0, 1, "decimal", "second%1") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"-3\">" LVL(0, 1, "decimal", "neg%1") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"4294967295\">" LVL(0, 1, "decimal", "w%1")
        "</w:abstractNum><w:abstractNum w:abstractNumId=\"4294967306\">"
        LVL(0, 1, "decimal", "ten%1") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\" 11x\">" LVL(0, 1, "decimal", "e%1") "</w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"8\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
        "<w:pStyle w:val=\"Heading1\"/><w:lvlText w:val=\"H%1\"/></w:lvl></w:abstractNum>"
        "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/></w:num>"
        "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"4\"/></w:num>"
        "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"5\"/></w:num>"
        "<w:num w:numId=\"4\"><w:abstractNumId w:val=\"6\"/></w:num>"
        "<w:num w:numId=\"4\"><w:abstractNumId w:val=\"5\"/></w:num>"
        "<w:num w:numId=\"5\"><w:abstractNumId w:val=\"6\"/>"
        "<w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"40\"/></w:lvlOverride></w:num>"
        "<w:num w:numId=\"6\"><w:abstractNumId w:val=\"3\"/><w:lvlOverride w:ilvl=\"1\">"
        LVL(1, 9, "decimal", "o%2") "</w:lvlOverride></w:num>"
        "<w:num w:numId=\"7\"><w:abstractNumId w:val=\"1\"/><w:abstractNumId w:val=\"6\"/></w:num>"
        "<w:num w:numId=\"8\"><w:abstractNumId w:val=\"-3\"/></w:num>"
        "<w:num w:numId=\"9\"><w:abstractNumId w:val=\"8\"/></w:num>"
        "<w:num w:numId=\"10\"><w:abstractNumId w:val=\"-1\"/></w:num>"
        "<w:num w:numId=\"11\"><w:abstractNumId w:val=\"10\"/></w:num>"
        "<w:num w:numId=\"12\"><w:abstractNumId w:val=\"11\"/></w:num>"
        "<w:num w:numId=\"4294967297\"><w:abstractNumId w:val=\"6\"/></w:num>"
        "</w:numbering>";

static void test_per_definition_links(void **state)
{
    (void)state;
    /* numStyleLink chains (two hops, a cycle, an unknown name), duplicate
     * ids (the first wins), level overrides and startOverride, a level
     * linked to a paragraph style, ids the full parse drops. */
    const char *xml = LINKS_PART;
    const int seq[] = {1, 0, 1, 1, 2, 0, 3, 0, 4, 0, 4, 0, 5, 0, 5, 0, 6, 0, 6, 1, 6, 1, 1, 1,
                       7, 0, 8, 0, 9, 0, 5, 0, 10, 0, 11, 0, 12, 0, 1, 0};
    same_labels(xml, seq, 20);
    tcpl_numbering *n = NULL;
    char *copy = strdup(xml);
    tcpl_error err = {0};
    assert_int_equal(tcpl_numbering_open(&n, copy, strlen(copy), "t", "p", NULL, &err), 0);
    int id = 0, l = -1;
    assert_true(tcpl_numbering_style_link(n, "Heading1", &id, &l));
    assert_int_equal(id, 9);
    assert_int_equal(l, 0);
    tcpl_numbering_free(n);
}

/* What the scan is not sure of: the full parse, same labels. */
static void test_per_definition_fallback(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "<!DOCTYPE w:numbering><w:numbering " NS ">%s</w:numbering>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><w:numbering " NS ">%s</w:numbering>",
        "<numbering xmlns=\"" W_URI "\" " NS ">%s</numbering>",
        "<w:numbering " NS " xmlns:v=\"" W_URI "\">%s</w:numbering>",
        "<w:numbering " NS "><w:x xmlns:q=\"urn:q\"/>%s</w:numbering>",
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"&#49;1\"/>%s</w:numbering>",
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"1\"><!-- </w:abstractNum> -->"
        "</w:abstractNum>%s</w:numbering>",
        "<w:numbering " NS "><w:abstractNum w:abstractNumId=\"1\"><w:abstractNum/>"
        "</w:abstractNum>%s</w:numbering>",
        "<w:numbering " NS ">%s<w:num w:numId=\"5\"><![CDATA[x]]><w:abstractNumId "
        "w:val=\"&#55;\"/></w:num></w:numbering>",
    };
    const char *body = "<w:abstractNum w:abstractNumId=\"7\">" LVL(0, 3, "decimal", "%1)")
        "</w:abstractNum><w:num w:numId=\"2\"><w:abstractNumId w:val=\"7\"/></w:num>";
    const int seq[] = {2, 0, 2, 0, 5, 0};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char xml[2048];
        snprintf(xml, sizeof xml, parts[i], body);
        assert_int_equal(same_labels(xml, seq, 3), 0);
    }
}

static void test_per_definition_damage(void **state)
{
    (void)state;
    char *xml = big_part(50, "<w:abstractNum w:abstractNumId=\"77\"><w:lvl w:ilvl=\"0\">"
                             "<w:start w:val=\"1\"></w:lvl></w:abstractNum>"
                             "<w:num w:numId=\"90\"><w:abstractNumId w:val=\"77\"/></w:num>");
    /* unused: not reported (the full parse refuses the part) */
    tcpl_numbering *n = NULL;
    tcpl_error full = {0}, lazy = {0};
    int frc = tcpl_numbering_parse(&n, xml, strlen(xml), "t.docx", "word/numbering.xml", &full);
    assert_true(frc < 0);
    assert_null(n);
    const int ok[] = {3, 0, 4, 1, 3, 0};
    char out[1024];
    size_t parsed = 0;
    assert_int_equal(lazy_labels(xml, ok, 3, out, sizeof out, &parsed, &lazy), 0);
    assert_string_equal(out, "1.|a)|2.");
    assert_int_equal(parsed, 2);
    /* used: the full parse's error */
    const int bad[] = {3, 0, 90, 0};
    int lrc = lazy_labels(xml, bad, 2, out, sizeof out, NULL, &lazy);
    assert_int_equal(lrc, frc);
    assert_int_equal(lazy.code, full.code);
    assert_string_equal(lazy.id ? lazy.id : "", full.id ? full.id : "");
    assert_string_equal(lazy.where, full.where);
    assert_string_equal(lazy.detail, full.detail);
    free(xml);
}

/* Whole documents over a large part: both readings the same, also when a
 * definition is damaged (unused: the lazy reading reads the document; used:
 * both refuse it with the same status). */
static void test_per_definition_docx(void **state)
{
    (void)state;
    tcpl_ctx *ctx = tu_ctx();
    const char *damaged = "<w:abstractNum w:abstractNumId=\"3000\"><w:lvl w:ilvl=\"0\">"
                          "<w:start w:val=\"1\"></w:lvl></w:abstractNum>"
                          "<w:num w:numId=\"3001\"><w:abstractNumId w:val=\"3000\"/></w:num>";
    char *big = big_part(600, NULL), *bad = big_part(600, damaged);
    const char *body = P_PLAIN("a") P_NUM(17, 0, "b") P_NUM(17, 1, "c") P_NUM(500, 2, "d")
        P_NUM(17, 0, "e");
    size_t len;
    char *docx = make_docx(body, big, NULL, &len);
    same_readings(ctx, docx, len);
    free(docx);
    docx = make_docx(body, bad, NULL, &len);
    int c1, c2;
    char *a = reading(ctx, docx, len, 0, &c1), *b = reading(ctx, docx, len, 1, &c2);
    assert_int_equal(c1, 0);
    assert_true(c2 < 0);
    assert_non_null(a);
    assert_null(b);
    free(a);
    free(docx);
    docx = make_docx(P_NUM(17, 0, "a") P_NUM(3001, 0, "b"), bad, NULL, &len);
    same_readings(ctx, docx, len);
    a = reading(ctx, docx, len, 0, &c1);
    assert_true(c1 < 0);
    free(docx);
    free(big);
    free(bad);
    tcpl_ctx_free(ctx);
}

/* Bytes of a part changed at random (a fixed seed): wherever the full parse
 * reads the part, the lazy reading gives the same labels for every num;
 * where both refuse it, the same error.  (The lazy one may read a part the
 * full parse refuses: damage in a definition no num shows.) */
static void mutations(const char *base, const int *seq, size_t count, size_t min_read)
{
    static const char pick[] = "<>/\"'&!?w: x-=1\t";
    size_t len = strlen(base);
    char *xml = malloc(len + 1);
    assert_non_null(xml);
    unsigned long r = 12345;
    size_t both_read = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(xml, base, len + 1);
        for (int k = 0; k < 1 + round % 3; k++) {
            r = r * 6364136223846793005ul + 1442695040888963407ul;
            size_t at = (size_t)(r >> 33) % len;
            r = r * 6364136223846793005ul + 1442695040888963407ul;
            xml[at] = pick[(r >> 33) % (sizeof pick - 1)];
        }
        tcpl_numbering *n = NULL;
        tcpl_error ferr = {0}, lerr = {0};
        char full[4096], lazy[4096];
        int frc = tcpl_numbering_parse(&n, xml, len, "t.docx", "word/numbering.xml", &ferr);
        int lrc = lazy_labels(xml, seq, count, lazy, sizeof lazy, NULL, &lerr);
        if (frc == 0) {
            labels(n, seq, count, full, sizeof full);
            tcpl_numbering_free(n);
            assert_int_equal(lrc, 0);
            assert_string_equal(full, lazy);
            both_read++;
        } else if (lrc < 0) {
            assert_int_equal(lrc, frc);
            assert_string_equal(lerr.where, ferr.where);
            assert_string_equal(lerr.detail, ferr.detail);
        }
    }
    assert_true(both_read > min_read);
    free(xml);
}

static void test_per_definition_mutations(void **state)
{
    (void)state;
    const int seq[] = {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 5, 1, 6, 0, 6, 1, 7, 0, 8, 0,
                       9, 0, 10, 0, 11, 0, 12, 0, 1, 1, 5, 0};
    mutations(LINKS_PART, seq, 16, 300);
    char *plain = big_part(6, "<w:num w:numId=\"7\"><w:abstractNumId w:val=\"2\"/>"
                              "<w:lvlOverride w:ilvl=\"1\"><w:startOverride w:val=\"4\"/>"
                              "</w:lvlOverride></w:num>");
    const int seq2[] = {1, 0, 1, 1, 2, 2, 3, 0, 7, 1, 4, 1, 5, 2, 6, 0, 3, 0, 7, 1, 2, 1};
    mutations(plain, seq2, 11, 300);
    free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multilevel),        cmocka_unit_test(test_roman_and_letters),
        cmocka_unit_test(test_unknown_and_zero),  cmocka_unit_test(test_start_override),
        cmocka_unit_test(test_lvl_override),      cmocka_unit_test(test_is_lgl_and_restart),
        cmocka_unit_test(test_bullets_and_suffix), cmocka_unit_test(test_style_links),
        cmocka_unit_test(test_hostile),           cmocka_unit_test(test_corpus_numbered),
        cmocka_unit_test(test_corpus_converters), cmocka_unit_test(test_lazy_corpus),
        cmocka_unit_test(test_lazy_handmade),     cmocka_unit_test(test_per_definition_large),
        cmocka_unit_test(test_per_definition_links),
        cmocka_unit_test(test_per_definition_fallback),
        cmocka_unit_test(test_per_definition_damage),
        cmocka_unit_test(test_per_definition_docx),
        cmocka_unit_test(test_per_definition_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
