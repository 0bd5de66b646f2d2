/* --delimiters "{ }": templates written for docxtemplater
 * (docs/templates.md, "Templates from docxtemplater").  Each case is a
 * construct of docxtemplater's syntax with the data and the text that
 * docxtemplater's own test suite expects for it
 * (open-xml-templating/docxtemplater es6/tests/e2e/text.js, base.js,
 * table.js; read, not copied: templates here are WordprocessingML built by
 * the test).  docxtemplater itself is not installable here (npm), so the
 * expected text is the one its tests assert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/hostile.h"
#include "helpers/testutil.h"
#include "tcpl/fill.h"

static tcpl_ctx *ctx;

#define DOC(body) "<w:document " TU_W_NS "><w:body>" body "</w:body></w:document>"
#define P(x) "<w:p>" x "</w:p>"
#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define RB(t) "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define TBL(rows) "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>" rows "</w:tbl>"
#define TR(cells) "<w:tr>" cells "</w:tr>"
#define TC(x) "<w:tc><w:tcPr/>" x "</w:tc>"
#define SETTINGS "<w:settings " TU_W_NS "><w:compat/></w:settings>"

/* The body text of doc filled from json with docxtemplater's delimiters;
 * NULL with *err when the fill fails. */
static char *dt_fill(const char *doc, const char *json, tcpl_error *err)
{
    tu_part parts[] = {{"word/document.xml", doc, 0}, {"word/settings.xml", SETTINGS, 0}};
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(parts, 2, &data, &len), 0);
    tcpl_template *t = NULL;
    tcpl_template_options o = {"{ }", 0};
    tcpl_error_clear(err);
    int rc = tcpl_template_compile_memory(&t, ctx, data, len, "dt.docx", &o, err);
    free(data);
    if (rc < 0)
        fail_msg("compile: %s (%s) %s", err->id, err->where, err->detail);
    void *out = NULL;
    rc = tcpl_template_fill(&out, &len, t, json, strlen(json), NULL, err);
    tcpl_template_free(t);
    if (rc < 0)
        return NULL;
    tcpl_doc *d = NULL;
    assert_int_equal(tcpl_docx_read_memory(&d, ctx, out, len, "out.docx", err), 0);
    char *text = NULL;
    size_t n;
    assert_int_equal(tcpl_doc_text(&text, &n, d, TCPL_TEXT_BODY, err), 0);
    tcpl_doc_free(d);
    free(out);
    return text;
}

/* docxtemplater's getFullText joins the text of every w:t: tcpl's text
 * with its paragraph ends and cell tabs taken out compares with it. */
static void expect_full_text(const char *doc, const char *json, const char *want)
{
    tcpl_error err;
    char *got = dt_fill(doc, json, &err);
    if (!got)
        fail_msg("fill: %s (%s) %s", err.id, err.where, err.detail);
    size_t w = 0;
    for (size_t i = 0; got[i]; i++)
        if (got[i] != '\n' && got[i] != '\t')
            got[w++] = got[i];
    got[w] = 0;
    if (strcmp(got, want))
        fail_msg("got:\n%s\nwanted (docxtemplater):\n%s", got, want);
    free(got);
}

/* {name}: text.js "should be possible to template text files". */
static void simple_tag(void **state)
{
    (void)state;
    expect_full_text(DOC(P(R("Hello {user}, how are you ?"))), "{\"user\": \"John\"}",
                     "Hello John, how are you ?");
    /* special characters come out as text (text.js) */
    expect_full_text(DOC(P(R("Text {name}"))), "{\"name\": \"&& <n>Baz</n> &nbsp;\"}",
                     "Text && <n>Baz</n> &nbsp;");
}

/* {#loop}{/loop} inside a paragraph: text.js "should be possible to use
 * loops". */
static void inline_loop(void **state)
{
    (void)state;
    expect_full_text(DOC(P(R("Hello {#users}{name},{/users} how are you ?"))),
                     "{\"users\": [{\"name\": \"John\"}, {\"name\": \"Baz\"}]}",
                     "Hello John,Baz, how are you ?");
}

/* {^x}{/x} and {.}: base.js "should not have sideeffects with inverted
 * with array length 3" / "with empty array", "should provide inverted
 * loops". */
static void inverted_and_plain_values(void **state)
{
    (void)state;
    const char *doc = DOC(P(R("{^todos}No {/todos}Todos")) P(R("{#todos}{.}{/todos}")));
    expect_full_text(doc, "{\"todos\": [\"A\", \"B\", \"C\"]}", "TodosABC");
    expect_full_text(doc, "{\"todos\": []}", "No Todos");
    const char *inv = DOC(P(R("{^products}No products found{/products}")));
    static const char *const empty[] = {"{\"products\": []}", "{\"products\": false}", "{}"};
    for (size_t i = 0; i < 3; i++)
        expect_full_text(inv, empty[i], "No products found");
    static const char *const full[] = {"{\"products\": [{\"name\": \"Bread\"}]}",
                                       "{\"products\": true}", "{\"products\": \"Bread\"}",
                                       "{\"products\": {\"name\": \"Bread\"}}"};
    for (size_t i = 0; i < 4; i++)
        expect_full_text(inv, full[i], "");
}

/* A section over an object: base.js "should work with object value". */
static void object_section(void **state)
{
    (void)state;
    expect_full_text(DOC(P(R("{#todo}{todo}{/todo}"))), "{\"todo\": {\"todo\": \"abc\"}}", "abc");
    /* base.js "should work with string value" */
    expect_full_text(DOC(P(R("{#todo}{todo}{/todo}"))), "{\"todo\": \"abc\"}", "abc");
}

/* Loops in loops: base.js "should work with loops inside loops" (its
 * fixture tag-product-loop.docx, the same tags in one paragraph). */
static void nested_loops(void **state)
{
    (void)state;
    const char *doc = DOC(P(R("{#products}{title}Product name : {name}Product reference : "
                              "{reference}{#avantages}{title}Proof that it works nicely :"
                              "{#proof} It works because {reason}{/proof}{/avantages}{/products}")));
    const char *json =
        "{\"products\": ["
        "{\"title\": \"Microsoft\", \"name\": \"DOS\", \"reference\": \"Win7\", \"avantages\": "
        "[{\"title\": \"Everyone uses it\", \"proof\": [{\"reason\": \"it is quite cheap\"}, "
        "{\"reason\": \"it is quit simple\"}, {\"reason\": \"it works on a lot of different "
        "Hardware\"}]}]},"
        "{\"title\": \"Linux\", \"name\": \"Ubuntu\", \"reference\": \"Ubuntu10\", \"avantages\": "
        "[{\"title\": \"It's very powerful\", \"proof\": [{\"reason\": \"the terminal is your "
        "friend\"}, {\"reason\": \"Hello world\"}, {\"reason\": \"it's free\"}]}]},"
        "{\"title\": \"Apple\", \"name\": \"Mac\", \"reference\": \"OSX\", \"avantages\": "
        "[{\"title\": \"It's very easy\", \"proof\": [{\"reason\": \"you can do a lot just with "
        "the mouse\"}, {\"reason\": \"It's nicely designed\"}]}]}]}";
    expect_full_text(
        doc, json,
        "MicrosoftProduct name : DOSProduct reference : Win7Everyone uses itProof that it works "
        "nicely : It works because it is quite cheap It works because it is quit simple It works "
        "because it works on a lot of different HardwareLinuxProduct name : UbuntuProduct "
        "reference : Ubuntu10It's very powerfulProof that it works nicely : It works because the "
        "terminal is your friend It works because Hello world It works because it's freeApple"
        "Product name : MacProduct reference : OSXIt's very easyProof that it works nicely : It "
        "works because you can do a lot just with the mouse It works because It's nicely "
        "designed");
}

/* A loop opened in a row's first cell and closed in its last repeats the
 * row: table.js "should work with tables" (tag-intelligent-loop-table). */
static void table_row_loop(void **state)
{
    (void)state;
    const char *doc = DOC(TBL(TR(TC(P(R("{#clients}{first_name}"))) TC(P(R("{last_name}")))
                                     TC(P(R("{phone}{/clients}"))))));
    expect_full_text(doc,
                     "{\"clients\": [{\"first_name\": \"John\", \"last_name\": \"Doe\", \"phone\": "
                     "\"+33647874513\"}, {\"first_name\": \"Jane\", \"last_name\": \"Doe\", "
                     "\"phone\": \"+33454540124\"}, {\"first_name\": \"Phil\", \"last_name\": "
                     "\"Kiel\", \"phone\": \"+44578451245\"}, {\"first_name\": \"Dave\", "
                     "\"last_name\": \"Sto\", \"phone\": \"+44548787984\"}]}",
                     "JohnDoe+33647874513JaneDoe+33454540124PhilKiel+44578451245DaveSto+44548787984");
    /* and it is a row per client, as in docxtemplater's expected document */
    tcpl_error err;
    char *t = dt_fill(doc, "{\"clients\": [{\"first_name\": \"A\", \"last_name\": \"B\", \"phone\": "
                           "\"1\"}, {\"first_name\": \"C\", \"last_name\": \"D\", \"phone\": \"2\"}]}",
                      &err);
    assert_non_null(t);
    assert_string_equal(t, "A\tB\t1\nC\tD\t2\n");
    free(t);
}

/* Paragraph loops: tags alone in their paragraphs repeat the paragraphs
 * between them and leave no empty paragraph (docxtemplater with
 * paragraphLoop: true, the option its documentation recommends). */
static void paragraph_loop(void **state)
{
    (void)state;
    tcpl_error err;
    char *t = dt_fill(DOC(P(R("Danh sách:")) P(R("{#users}")) P(R("- {name}")) P(R("{/users}"))
                              P(R("Hết."))),
                      "{\"users\": [{\"name\": \"John\"}, {\"name\": \"Baz\"}]}", &err);
    assert_non_null(t);
    assert_string_equal(t, "Danh sách:\n- John\n- Baz\nHết.\n");
    free(t);
}

/* A tag Word split across runs (a bold run in the middle, a proofing mark
 * between): the value takes the first run's place. */
static void split_runs(void **state)
{
    (void)state;
    expect_full_text(DOC(P(R("Hello {us") "<w:proofErr w:type=\"spellStart\"/>" RB("e")
                           "<w:proofErr w:type=\"spellEnd\"/>" R("r}!"))),
                     "{\"user\": \"John\"}", "Hello John!");
    expect_full_text(DOC(P(R("{#us") R("ers}{na") R("me},{/") R("users}"))),
                     "{\"users\": [{\"name\": \"A\"}, {\"name\": \"B\"}]}", "A,B,");
}

/* docxtemplater constructs tcpl does not have: the short closing tag {/},
 * raw XML {@x}, and module loops {-w:p x}: each is a syntax error at
 * compile time, naming the paragraph and quoting it, never a silent
 * wrong output. */
static void unsupported_are_errors(void **state)
{
    (void)state;
    static const char *const docs[] = {DOC(P(R("{#users}{name}{/}"))), DOC(P(R("{@raw}"))),
                                       DOC(P(R("{-w:p loop}{.}{/loop}")))};
    static const char *const quoted[] = {"{#users}{name}{/}", "{@raw}", "{-w:p loop}"};
    for (size_t i = 0; i < 3; i++) {
        tu_part parts[] = {{"word/document.xml", docs[i], 0}, {"word/settings.xml", SETTINGS, 0}};
        unsigned char *data;
        size_t len;
        assert_int_equal(tu_build_docx(parts, 2, &data, &len), 0);
        tcpl_template *t = NULL;
        tcpl_template_options o = {"{ }", 0};
        tcpl_error err;
        assert_int_equal(tcpl_template_compile_memory(&t, ctx, data, len, "dt.docx", &o, &err),
                         TCPL_ERR_FORMAT);
        assert_string_equal(err.id, "err.tpl_syntax");
        TU_ASSERT_CONTAINS(err.where, "word/document.xml");
        TU_ASSERT_CONTAINS(err.detail, quoted[i]);
        assert_null(t);
        free(data);
    }
}

static int setup(void **state)
{
    (void)state;
    ctx = tu_ctx();
    return ctx ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tcpl_ctx_free(ctx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simple_tag),         cmocka_unit_test(inline_loop),
        cmocka_unit_test(inverted_and_plain_values), cmocka_unit_test(object_section),
        cmocka_unit_test(nested_loops),       cmocka_unit_test(table_row_loop),
        cmocka_unit_test(paragraph_loop),     cmocka_unit_test(split_runs),
        cmocka_unit_test(unsupported_are_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
