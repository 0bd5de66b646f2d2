/* Styles: rPr/pPr parsing, basedOn resolution, docDefaults, on small
 * styles.xml strings and on the corpus documents' styles parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "helpers/fixtures.h"
#include "helpers/testutil.h"
#include "base/buf.h"
#include "ooxml/styles.h"
#include "tcpl/model.h"
#include "ooxml/xml.h"

#define NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static tcpl_styles *parse(const char *xml)
{
    tcpl_styles *st = NULL;
    tcpl_error err = {0};
    assert_int_equal(
        tcpl_styles_parse(&st, xml, xml ? strlen(xml) : 0, "t.docx", "word/styles.xml", &err), 0);
    assert_non_null(st);
    return st;
}

/* Parses the first element named local in a snippet with the given parser. */
static void parse_ppr(const char *xml, tcpl_arena *a, tcpl_ppr *out)
{
    tcpl_xml x;
    tcpl_error err = {0};
    assert_int_equal(tcpl_xml_open(&x, xml, strlen(xml), "t", "p", &err), 0);
    int r;
    tcpl_ppr_init(out);
    while ((r = tcpl_xml_next(&x, &err)) > 0)
        if (tcpl_xml_is_w(&x, "pPr")) {
            assert_int_equal(tcpl_ppr_parse(&x, a, out, &err), 0);
            /* The parser stops on the end of w:pPr: the next node is the sibling. */
            assert_int_equal(tcpl_xml_next(&x, &err), 1);
            assert_true(tcpl_xml_is_w(&x, "after"));
            break;
        }
    assert_true(r > 0);
    tcpl_xml_close(&x);
}

static void test_ppr(void **state)
{
    (void)state;
    tcpl_arena a;
    tcpl_arena_init(&a);
    tcpl_ppr p;
    parse_ppr("<w:p " NS "><w:pPr><w:pStyle w:val=\"Heading2\"/><w:keepNext/>"
              "<w:numPr><w:ilvl w:val=\"3\"/><w:numId w:val=\"90\"/></w:numPr>"
              "<w:outlineLvl w:val=\"2\"/><w:jc w:val=\"both\"/>"
              "<w:rPr><w:b/><w:i w:val=\"0\"/><w:rPrChange><w:rPr><w:i/><w:caps/></w:rPr>"
              "</w:rPrChange></w:rPr>"
              "<w:pPrChange><w:pPr><w:pStyle w:val=\"Old\"/><w:jc w:val=\"center\"/>"
              "<w:numPr><w:numId w:val=\"5\"/></w:numPr></w:pPr></w:pPrChange>"
              "</w:pPr><w:after/></w:p>",
              &a, &p);
    assert_string_equal(p.style, "Heading2");
    assert_int_equal(p.num_id, 90);
    assert_int_equal(p.ilvl, 3);
    assert_int_equal(p.outline_level, 2);
    assert_int_equal(p.align, TCPL_ALIGN_JUSTIFY);
    assert_int_equal(p.rpr.bold, 1);
    assert_int_equal(p.rpr.italic, 0); /* the old, tracked value must not win */
    assert_int_equal(p.rpr.caps, -1);

    const char *jc[][2] = {{"left", "0"},  {"start", "0"}, {"center", "1"},     {"right", "2"},
                           {"end", "2"},   {"both", "3"},  {"distribute", "4"}, {"bogus", "-1"}};
    for (size_t i = 0; i < sizeof jc / sizeof jc[0]; i++) {
        char xml[256];
        snprintf(xml, sizeof xml, "<w:p " NS "><w:pPr><w:jc w:val=\"%s\"/></w:pPr><w:after/></w:p>",
                 jc[i][0]);
        parse_ppr(xml, &a, &p);
        assert_int_equal(p.align, atoi(jc[i][1]));
    }
    /* numId 0 removes numbering; an empty pPr sets nothing. */
    parse_ppr("<w:p " NS "><w:pPr><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr><w:after/></w:p>",
              &a, &p);
    assert_int_equal(p.num_id, 0);
    assert_int_equal(p.ilvl, -1);
    parse_ppr("<w:p " NS "><w:pPr/><w:after/></w:p>", &a, &p);
    assert_null(p.style);
    assert_int_equal(p.num_id, -1);
    assert_int_equal(p.align, -1);
    tcpl_arena_free(&a);
}

static void test_rpr_toggles_fonts(void **state)
{
    (void)state;
    tcpl_styles *st = parse(
        "<w:styles " NS "><w:style w:type=\"character\" w:styleId=\"A\"><w:name w:val=\"a\"/><w:rPr>"
        "<w:b w:val=\"true\"/><w:i w:val=\"false\"/><w:u w:val=\"single\"/><w:caps w:val=\"1\"/>"
        "<w:dstrike/><w:vertAlign w:val=\"superscript\"/><w:sz w:val=\"26\"/>"
        "<w:rFonts w:asciiTheme=\"minorHAnsi\" w:hAnsi=\"Arial\" w:cs=\"Tahoma\"/>"
        "</w:rPr></w:style>"
        "<w:style w:type=\"character\" w:styleId=\"B\"><w:rPr><w:u w:val=\"none\"/>"
        "<w:strike w:val=\"off\"/><w:vertAlign w:val=\"subscript\"/><w:sz w:val=\"999999\"/>"
        "<w:rFonts w:asciiTheme=\"minorHAnsi\"/><w:rStyle w:val=\"X\"/></w:rPr></w:style>"
        "<w:style w:type=\"character\" w:styleId=\"C\"><w:rPr><w:rFonts w:cs=\"Tahoma\"/>"
        "<w:rFonts w:ascii=\"VNI-Times\" w:hAnsi=\"Arial\"/></w:rPr></w:style>"
        "</w:styles>");
    const tcpl_style *a = tcpl_styles_get(st, "A");
    assert_non_null(a);
    assert_int_equal(a->type, 'c');
    assert_int_equal(a->rpr.bold, 1);
    assert_int_equal(a->rpr.italic, 0);
    assert_int_equal(a->rpr.underline, 1);
    assert_int_equal(a->rpr.caps, 1);
    assert_int_equal(a->rpr.strike, 1);
    assert_int_equal(a->rpr.vert, 1);
    assert_int_equal(a->rpr.size, 26);
    /* the ascii slot's theme font wins; the reader resolves it */
    assert_null(a->rpr.font);
    assert_int_equal(a->rpr.theme, TCPL_THEME_MINOR);
    const tcpl_style *b = tcpl_styles_get(st, "B");
    assert_int_equal(b->rpr.underline, 0);
    assert_int_equal(b->rpr.strike, 0);
    assert_int_equal(b->rpr.vert, 2);
    /* Out of range ignored; a character style carries no docDefaults (they
     * would undo the paragraph's formatting it is layered over). */
    assert_int_equal(b->rpr.size, 0);
    assert_null(b->rpr.font); /* theme only: resolved by the reader from the theme part */
    assert_int_equal(b->rpr.theme, TCPL_THEME_MINOR);
    assert_string_equal(b->rpr.style, "X");
    assert_string_equal(tcpl_styles_get(st, "C")->rpr.font, "VNI-Times");
    tcpl_styles_free(st);
}

static const char chain[] =
    "<w:styles " NS "><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\"/>"
    "<w:sz w:val=\"28\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val=\"both\"/>"
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    "</w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Tieude\"><w:name w:val=\"Tieu de\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
    "<w:rPr><w:b/><w:sz w:val=\"30\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Con\"><w:name w:val=\"Con\"/>"
    "<w:basedOn w:val=\"Tieude\"/><w:rPr><w:i/><w:b w:val=\"0\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"HEADING 1\"/>"
    "<w:basedOn w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/>"
    "<w:pPr><w:outlineLvl w:val=\"5\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"MyHead\"><w:name w:val=\"My heading\"/>"
    "<w:basedOn w:val=\"Heading1\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading10\"><w:name w:val=\"heading 10\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"X\"><w:basedOn w:val=\"Y\"/><w:rPr><w:b/></w:rPr>"
    "</w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Y\"><w:basedOn w:val=\"X\"/><w:rPr><w:i/></w:rPr>"
    "</w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Self\"><w:basedOn w:val=\"Self\"/></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"Strong\"><w:basedOn w:val=\"Tieude\"/>"
    "<w:rPr><w:caps/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ListPara\"><w:basedOn w:val=\"Normal\"/>"
    "<w:pPr><w:numPr><w:numId w:val=\"7\"/></w:numPr></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ListPara2\"><w:basedOn w:val=\"ListPara\"/>"
    "<w:pPr><w:numPr><w:ilvl w:val=\"1\"/></w:numPr></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"NoList\"><w:basedOn w:val=\"ListPara2\"/>"
    "<w:pPr><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Normal\"><w:name w:val=\"duplicate\"/></w:style>"
    "</w:styles>";

static void test_chain(void **state)
{
    (void)state;
    tcpl_styles *st = parse(chain);
    assert_int_equal(tcpl_styles_defaults(st)->size, 28);
    assert_string_equal(tcpl_styles_defaults(st)->font, "Times New Roman");
    const tcpl_style *n = tcpl_styles_default_para(st);
    assert_non_null(n);
    assert_string_equal(n->id, "Normal");
    assert_string_equal(n->name, "Normal"); /* the first of equal ids wins */
    assert_int_equal(n->ppr.align, TCPL_ALIGN_JUSTIFY); /* pPrDefault */
    assert_int_equal(n->rpr.size, 28);

    const tcpl_style *c = tcpl_styles_get(st, "Con");
    assert_int_equal(c->rpr.bold, 0); /* own value beats the parent's */
    assert_int_equal(c->rpr.italic, 1);
    assert_int_equal(c->rpr.size, 30);
    assert_string_equal(c->rpr.font, "Times New Roman");
    assert_int_equal(c->ppr.align, TCPL_ALIGN_CENTER);
    assert_int_equal(c->ppr.outline_level, -1);
    assert_int_equal(tcpl_styles_get(st, "Tieude")->rpr.bold, 1);

    assert_int_equal(tcpl_styles_get(st, "Heading1")->ppr.outline_level, 0);
    assert_int_equal(tcpl_styles_get(st, "Heading3")->ppr.outline_level, 5); /* explicit wins */
    assert_int_equal(tcpl_styles_get(st, "MyHead")->ppr.outline_level, 0);  /* inherited */
    assert_int_equal(tcpl_styles_get(st, "Heading10")->ppr.outline_level, -1);

    /* A cycle ends without looping; each side keeps its own and the
     * other's properties. */
    const tcpl_style *x = tcpl_styles_get(st, "X"), *y = tcpl_styles_get(st, "Y");
    assert_int_equal(x->rpr.bold, 1);
    assert_int_equal(x->rpr.italic, 1);
    assert_int_equal(y->rpr.bold, 1);
    assert_int_equal(y->rpr.italic, 1);
    assert_non_null(tcpl_styles_get(st, "Self"));

    /* basedOn across types is ignored. */
    const tcpl_style *s = tcpl_styles_get(st, "Strong");
    assert_int_equal(s->type, 'c');
    assert_int_equal(s->rpr.caps, 1);
    assert_int_equal(s->rpr.bold, -1);
    assert_int_equal(s->rpr.size, 0); /* no docDefaults in character styles */

    /* Numbering through the chain: numId from the parent, ilvl from the child. */
    const tcpl_style *l2 = tcpl_styles_get(st, "ListPara2");
    assert_int_equal(l2->ppr.num_id, 7);
    assert_int_equal(l2->ppr.ilvl, 1);
    assert_int_equal(tcpl_styles_get(st, "NoList")->ppr.num_id, 0);
    assert_int_equal(tcpl_styles_get(st, "ListPara")->ppr.ilvl, -1);

    assert_null(tcpl_styles_get(st, "Missing"));
    assert_null(tcpl_styles_get(st, NULL));
    tcpl_styles_free(st);
}

static void test_long_chain_and_empty(void **state)
{
    (void)state;
    /* 500 styles, each based on the next: the chain limit bounds the work
     * and the nearest ancestors still apply. */
    size_t cap = 500 * 200 + 200;
    char *xml = malloc(cap);
    size_t n = (size_t)snprintf(xml, cap, "<w:styles " NS ">");
    for (int i = 0; i < 500; i++)
        n += (size_t)snprintf(xml + n, cap - n,
                              "<w:style w:styleId=\"s%d\"><w:basedOn w:val=\"s%d\"/>%s</w:style>",
                              i, i + 1, i == 1 ? "<w:rPr><w:b/></w:rPr>" : "");
    snprintf(xml + n, cap - n, "</w:styles>");
    tcpl_styles *st = parse(xml);
    assert_int_equal(tcpl_styles_get(st, "s0")->rpr.bold, 1);
    assert_int_equal(tcpl_styles_get(st, "s0")->type, 'p'); /* the schema default */
    assert_int_equal(tcpl_styles_get(st, "s2")->rpr.bold, -1);
    tcpl_styles_free(st);
    free(xml);

    st = parse(NULL); /* no styles part */
    assert_null(tcpl_styles_default_para(st));
    assert_null(tcpl_styles_get(st, "Normal"));
    assert_int_equal(tcpl_styles_defaults(st)->size, 20);
    assert_int_equal(tcpl_styles_defaults(st)->bold, -1);
    tcpl_styles_free(st);
    tcpl_styles_free(NULL);

    tcpl_error err = {0};
    const char *bad = "<w:styles " NS "><w:style w:styleId=\"a\"><w:rPr><w:b/>";
    assert_true(tcpl_styles_parse(&st, bad, strlen(bad), "t", "p", &err) < 0);
    assert_null(st);
}

static tcpl_styles *corpus_styles(const char *docx)
{
    size_t len;
    char *xml = tu_corpus_zip_entry(docx, "word/styles.xml", &len);
    assert_non_null(xml);
    tcpl_styles *st = NULL;
    tcpl_error err = {0};
    assert_int_equal(tcpl_styles_parse(&st, xml, len, docx, "word/styles.xml", &err), 0);
    free(xml);
    return st;
}

static void test_corpus(void **state)
{
    (void)state;
    if (!tu_corpus())
        skip();
    /* Word (003-numbered): docDefaults TNR 11 pt, Normal 14 pt, "heading 1"
     * with w:outlineLvl 0 based on Normal. */
    tcpl_styles *st = corpus_styles("003-numbered.docx");
    assert_int_equal(tcpl_styles_defaults(st)->size, 22);
    const tcpl_style *n = tcpl_styles_default_para(st);
    assert_non_null(n);
    assert_string_equal(n->id, "Normal");
    assert_int_equal(n->rpr.size, 28);
    assert_string_equal(n->rpr.font, "Times New Roman");
    const tcpl_style *h = tcpl_styles_get(st, "Heading1");
    assert_non_null(h);
    assert_string_equal(h->name, "heading 1");
    assert_int_equal(h->ppr.outline_level, 0);
    assert_string_equal(tcpl_styles_get(st, "Header")->rpr.font, "Times New Roman");
    assert_int_equal(tcpl_styles_get(st, "Header")->rpr.size, 28);
    tcpl_styles_free(st);

    /* LibreOffice: no w:default (Normal is used), Heading2 numbered by its
     * style: numId 1 ilvl 1, bold italic 14 pt, Arial from "Heading". */
    st = corpus_styles("000-libreoffice.docx");
    n = tcpl_styles_default_para(st);
    assert_non_null(n);
    assert_string_equal(n->id, "Normal");
    h = tcpl_styles_get(st, "Heading2");
    assert_non_null(h);
    assert_int_equal(h->ppr.num_id, 1);
    assert_int_equal(h->ppr.ilvl, 1);
    assert_int_equal(h->ppr.outline_level, 1);
    assert_int_equal(h->rpr.bold, 1);
    assert_int_equal(h->rpr.italic, 1);
    assert_int_equal(h->rpr.size, 28);
    assert_string_equal(h->rpr.font, "Arial");
    tcpl_styles_free(st);

    /* pandoc: Heading2's fonts are theme-only, so they are inherited. */
    st = corpus_styles("000-pandoc.docx");
    h = tcpl_styles_get(st, "Heading2");
    assert_non_null(h);
    assert_int_equal(h->ppr.outline_level, 1);
    assert_int_equal(h->type, 'p');
    tcpl_styles_free(st);
}

/* ---- lazy reading: tcpl_styles_open gives tcpl_styles_parse's results ---- */

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void same_rpr(const tcpl_rpr *a, const tcpl_rpr *b)
{
    assert_int_equal(a->bold, b->bold);
    assert_int_equal(a->italic, b->italic);
    assert_int_equal(a->underline, b->underline);
    assert_int_equal(a->caps, b->caps);
    assert_int_equal(a->strike, b->strike);
    assert_int_equal(a->vert, b->vert);
    assert_true(same_str(a->font, b->font));
    assert_int_equal(a->theme, b->theme);
    assert_int_equal(a->size, b->size);
    assert_true(same_str(a->style, b->style));
    assert_int_equal(a->deleted, b->deleted);
}

static void same_style(const tcpl_style *a, const tcpl_style *b)
{
    assert_true((a == NULL) == (b == NULL));
    if (!a)
        return;
    assert_string_equal(a->id, b->id);
    assert_true(same_str(a->name, b->name));
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->ppr.num_id, b->ppr.num_id);
    assert_int_equal(a->ppr.ilvl, b->ppr.ilvl);
    assert_int_equal(a->ppr.outline_level, b->ppr.outline_level);
    assert_int_equal(a->ppr.align, b->ppr.align);
    assert_int_equal(a->ppr.mark_deleted, b->ppr.mark_deleted);
    assert_true(same_str(a->ppr.style, b->ppr.style));
    same_rpr(&a->ppr.rpr, &b->ppr.rpr);
    same_rpr(&a->rpr, &b->rpr);
}

/* Opens xml both ways and compares every style named in it (the ids after
 * styleId=" and basedOn's w:val=", plus one that is not there); returns
 * how many styles the lazy reading parsed for the first id alone. */
static size_t compare_lazy(const char *xml, size_t len)
{
    tcpl_styles *eager = NULL, *lazy = NULL;
    tcpl_error e1 = {0}, e2 = {0};
    int r1 = tcpl_styles_parse(&eager, xml, len, "t.docx", "word/styles.xml", &e1);
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, xml, len);
    int r2 = tcpl_styles_open(&lazy, copy, len, "t.docx", "word/styles.xml", NULL, &e2);
    if (r1 < 0 && r2 == 0) {
        /* Damage inside a w:style shows when the style is used: the same
         * error then, from tcpl_styles_status. */
        const char *q = strstr(xml, "styleId=\"");
        assert_non_null(q);
        char id[64];
        assert_int_equal(sscanf(q, "styleId=\"%63[^\"]", id), 1);
        assert_null(tcpl_styles_get(lazy, id));
        assert_int_equal(tcpl_styles_status(lazy, &e2), r1);
        assert_string_equal(e1.id, e2.id);
        tcpl_styles_free(lazy);
        return 0;
    }
    assert_int_equal(r1, r2);
    if (r1 < 0) {
        assert_string_equal(e1.id, e2.id);
        return 0;
    }
    assert_int_equal(tcpl_styles_parsed(lazy) <= tcpl_styles_parsed(eager), 1);
    same_rpr(tcpl_styles_defaults(eager), tcpl_styles_defaults(lazy));
    size_t first = (size_t)-1;
    const char *p = xml, *end = xml + len;
    while (p < end && (p = strstr(p, "styleId=\"")) != NULL) {
        p += 9;
        const char *q = strchr(p, '"');
        char id[256];
        size_t n = (size_t)(q - p) < sizeof id - 1 ? (size_t)(q - p) : sizeof id - 1;
        memcpy(id, p, n);
        id[n] = 0;
        same_style(tcpl_styles_get(eager, id), tcpl_styles_get(lazy, id));
        if (first == (size_t)-1)
            first = tcpl_styles_parsed(lazy);
    }
    same_style(tcpl_styles_default_para(eager), tcpl_styles_default_para(lazy));
    assert_null(tcpl_styles_get(lazy, "NoSuchStyle"));
    assert_int_equal(tcpl_styles_status(lazy, &e2), 0);
    tcpl_styles_free(eager);
    tcpl_styles_free(lazy);
    return first;
}

/* A small styles part is parsed once, when opened, whatever the document
 * asks for; the styles are those of the full parse.  Damage in a style
 * nobody asks for still goes unreported (the one parse fails, and the
 * styles are then parsed one by one as before).  A part past
 * TCPL_STYLES_ONE_PARSE_BYTES stays lazy. */
static void test_small_part_one_parse(void **state)
{
    (void)state;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "<w:styles " NS "><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"26\"/>"
                      "</w:rPr></w:rPrDefault></w:docDefaults>");
    for (int i = 0; i < 6; i++)
        tcpl_buf_printf(&b, "<w:style w:type=\"paragraph\" w:styleId=\"S%d\"><w:basedOn "
                            "w:val=\"S%d\"/><w:rPr><w:b/></w:rPr></w:style>", i, i + 1);
    tcpl_buf_puts(&b, "</w:styles>");
    assert_true(tcpl_buf_ok(&b));
    assert_true(b.len < TCPL_STYLES_ONE_PARSE_BYTES);
    char *copy = strdup(b.data);
    tcpl_styles *st = NULL;
    tcpl_error e = {0};
    assert_int_equal(tcpl_styles_open(&st, copy, b.len, "t.docx", "word/styles.xml", NULL, &e), 0);
    for (int i = 0; i < 6; i++) {
        char id[16];
        snprintf(id, sizeof id, "S%d", i);
        const tcpl_style *s = tcpl_styles_get(st, id);
        assert_non_null(s);
        assert_int_equal(s->rpr.bold, 1);
        assert_int_equal(s->rpr.size, 26);
    }
    assert_int_equal(tcpl_styles_parses(st), 1); /* was 1 + 6: the defaults, then each style */
    tcpl_styles_free(st);
    compare_lazy(b.data, b.len);

    /* damage in Z, which is not asked for nor in any chain */
    tcpl_buf d;
    tcpl_buf_init(&d);
    tcpl_buf_put(&d, b.data, b.len - strlen("</w:styles>"));
    tcpl_buf_puts(&d, "<w:style w:styleId=\"Z\"><w:rPr><w:b></w:rPr></w:style></w:styles>");
    assert_true(tcpl_buf_ok(&d));
    copy = strdup(d.data);
    assert_int_equal(tcpl_styles_open(&st, copy, d.len, "t.docx", "word/styles.xml", NULL, &e), 0);
    assert_non_null(tcpl_styles_get(st, "S0"));
    assert_int_equal(tcpl_styles_get(st, "S0")->rpr.size, 26);
    assert_int_equal(tcpl_styles_status(st, &e), 0);
    assert_non_null(tcpl_styles_get(st, "S5"));
    assert_int_equal(tcpl_styles_status(st, &e), 0);
    assert_null(tcpl_styles_get(st, "Z")); /* asked for: its error, as before */
    assert_int_not_equal(tcpl_styles_status(st, &e), 0);
    tcpl_styles_free(st);
    tcpl_buf_free(&d);

    /* past the mark: lazy, one parse per style asked for */
    tcpl_buf_reset(&b);
    tcpl_buf_puts(&b, "<w:styles " NS ">");
    for (int i = 0; b.len <= TCPL_STYLES_ONE_PARSE_BYTES; i++)
        tcpl_buf_printf(&b, "<w:style w:type=\"paragraph\" w:styleId=\"T%d\"><w:rPr><w:i/>"
                            "</w:rPr></w:style>", i);
    tcpl_buf_puts(&b, "</w:styles>");
    copy = strdup(b.data);
    assert_int_equal(tcpl_styles_open(&st, copy, b.len, "t.docx", "word/styles.xml", NULL, &e), 0);
    assert_non_null(tcpl_styles_get(st, "T0"));
    assert_non_null(tcpl_styles_get(st, "T1"));
    assert_int_equal(tcpl_styles_parses(st), 2);
    tcpl_styles_free(st);
    tcpl_buf_free(&b);
}

static void test_lazy_same(void **state)
{
    (void)state;
    static const char *const cases[] = {
        /* docDefaults, a chain, a default, latent styles, duplicates */
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- <w:style w:styleId=Fake> <w:style> -->"
        "<w:styles " NS "><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"26\"/>"
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
        "</w:pPrDefault></w:docDefaults><w:latentStyles w:count=\"2\"><w:lsdException "
        "w:name=\"heading 1\"/></w:latentStyles>"
        "<w:style w:type=\"paragraph\" w:styleId=\"B\"><w:name w:val=\"heading 3\"/>"
        "<w:basedOn w:val=\"A\"/><w:rPr><w:i/></w:rPr></w:style>"
        "<w:style w:type=\"paragraph\" w:default=\"true\" w:styleId=\"A\"><w:name "
        "w:val=\"x &gt; y\"/><w:pPr><w:numPr><w:numId w:val=\"3\"/></w:numPr></w:pPr>"
        "<w:rPr><w:b/><w:rFonts w:ascii=\"Arial\"/></w:rPr></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"A\"><w:rPr><w:sz w:val=\"40\"/></w:rPr>"
        "</w:style><w:style w:type=\"character\" w:styleId=\"C\"><w:basedOn w:val=\"A\"/>"
        "<w:rPr><w:caps/></w:rPr></w:style><w:style w:type=\"paragraph\"/>"
        "<w:style w:type='paragraph' w:styleId='Q'><w:basedOn w:val='B'/></w:style></w:styles>",
        /* what the scan steps over by its end tag may not hide one (full parse) */
        "<w:styles " NS "><w:style w:styleId=\"Q\"><![CDATA[</w:style>]]><w:basedOn "
        "w:val=\"B\"/></w:style><w:style w:styleId=\"B\"><w:rPr><w:b/></w:rPr></w:style>"
        "</w:styles>",
        "<w:styles " NS "><w:style w:styleId=\"Q\"><w:style w:styleId=\"R\"></w:style><w:rPr>"
        "<w:b/></w:rPr></w:style></w:styles>",
        /* a cycle, a self reference, no w:default (Normal), CR LF between tags */
        "<w:styles " NS ">\r\n<w:style w:styleId=\"X\"><w:basedOn w:val=\"Y\"/></w:style>\r\n"
        "<w:style w:styleId=\"Y\"><w:basedOn w:val=\"X\"/><w:rPr><w:b/></w:rPr></w:style>"
        "<w:style w:styleId=\"Z\"><w:basedOn w:val=\"Z\"/></w:style>"
        "<w:style w:styleId=\"Normal\"><w:rPr><w:u/></w:rPr></w:style></w:styles>",
        /* another prefix; a namespace declared below the root (full parse) */
        "<x:styles xmlns:x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<x:style x:styleId=\"P\"><x:rPr><x:b/></x:rPr></x:style></x:styles>",
        "<w:styles " NS "><w:style w:styleId=\"P\" " NS "><w:rPr><w:b/></w:rPr></w:style>"
        "</w:styles>",
        /* an id with an entity, the Strict namespace, a self-closing root */
        "<w:styles " NS "><w:style w:styleId=\"a&amp;b\"><w:rPr><w:b/></w:rPr></w:style>"
        "</w:styles>",
        "<w:styles xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><w:style "
        "w:styleId=\"S\"><w:rPr><w:i/></w:rPr></w:style></w:styles>",
        "<w:styles " NS "/>",
        /* damage and a DOCTYPE: the same error both ways */
        "<!DOCTYPE x [<!ENTITY a \"b\">]><w:styles " NS "/>",
        "<w:styles " NS "><w:style w:styleId=\"A\"><w:rPr></w:style></w:styles>",
        "<w:styles " NS "><w:style w:styleId=\"A\">",
    };
    size_t first[sizeof cases / sizeof cases[0]];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        first[i] = compare_lazy(cases[i], strlen(cases[i]));
    /* Read lazily (one style resolved for the first asked), or in full
     * when the scan cannot be sure (a namespace below the root: 1 of 1). */
    assert_int_equal(first[0], 1);
    assert_int_equal(first[1], 2); /* CDATA: the full parse */
    assert_int_equal(first[3], 1);
    assert_int_equal(first[4], 1);
}

/* A long chain: the lazy reading parses a style's chain, cut at the limit
 * as the full parse cuts it. */
static void test_lazy_long_chain(void **state)
{
    (void)state;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "<w:styles " NS ">");
    for (int i = 0; i < 80; i++)
        tcpl_buf_printf(&b,
                        "<w:style w:styleId=\"S%d\"><w:basedOn w:val=\"S%d\"/><w:rPr>"
                        "<w:sz w:val=\"%d\"/>%s</w:rPr></w:style>",
                        i, i + 1, 10 + i, i % 7 == 0 ? "<w:b/>" : "<w:i w:val=\"0\"/>");
    tcpl_buf_puts(&b, "</w:styles>");
    compare_lazy(b.data, b.len);
    tcpl_buf_free(&b);
}

static void test_lazy_corpus(void **state)
{
    (void)state;
    if (!tu_corpus())
        skip();
    static const char *const files[] = {"003-numbered.docx", "000-libreoffice.docx",
                                        "000-pandoc.docx",   "000-word.docx",
                                        "000-nasty.docx",    "000-tcvn3.docx"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        char *xml = tu_corpus_zip_entry(files[i], "word/styles.xml", &len);
        assert_non_null(xml);
        size_t first = compare_lazy(xml, len);
        /* One style asked for: it and its chain, not the whole part. */
        assert_true(first >= 1 && first <= 4);
        free(xml);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ppr),   cmocka_unit_test(test_rpr_toggles_fonts),
        cmocka_unit_test(test_chain), cmocka_unit_test(test_long_chain_and_empty),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_lazy_same),
        cmocka_unit_test(test_small_part_one_parse), cmocka_unit_test(test_lazy_long_chain),
        cmocka_unit_test(test_lazy_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
