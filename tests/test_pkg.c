#include <dirent.h>
#include <errno.h>
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

#include "base/buf.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"
#include "ooxml/pkg.h"
#include "ooxml/xml.h"

enum stage { AT_OPEN, AT_READ, AT_XML };

static const struct {
    hostile_kind kind;
    enum stage stage;
    int code;
    const char *id;
    /* libxml2 2.9 fails inside some DOCTYPEs before the reader surfaces the
     * DOCTYPE node, so xml.c reports those as malformed; either id means
     * the document was refused unexpanded (the text check in run()). */
    const char *alt_id;
} EXPECT[] = {
    {HOSTILE_NOT_ZIP, AT_OPEN, TCPL_ERR_FORMAT, "err.not_zip", NULL},
    {HOSTILE_EMPTY, AT_OPEN, TCPL_ERR_FORMAT, "err.empty_file", NULL},
    {HOSTILE_TRUNCATED, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_corrupt", NULL},
    {HOSTILE_OLE, AT_OPEN, TCPL_ERR_FORMAT, "err.ole_doc", NULL},
    {HOSTILE_BOMB, AT_READ, TCPL_ERR_LIMIT, "err.zip_entry_size", NULL},
    {HOSTILE_BOMB_LYING, AT_READ, TCPL_ERR_LIMIT, "err.zip_ratio", NULL},
    {HOSTILE_RATIO, AT_READ, TCPL_ERR_LIMIT, "err.zip_ratio", NULL},
    {HOSTILE_BIG_LYING, AT_READ, TCPL_ERR_LIMIT, "err.zip_entry_size", NULL},
    {HOSTILE_PATH_DOTDOT, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_ABSOLUTE, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_BACKSLASH, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_NUL, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_PATH_DUP_CASE, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_path", NULL},
    {HOSTILE_ENCRYPTED_AES, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_encrypted", NULL},
    {HOSTILE_ENCRYPTED_FLAG, AT_OPEN, TCPL_ERR_FORMAT, "err.zip_encrypted", NULL},
    {HOSTILE_TOO_MANY, AT_OPEN, TCPL_ERR_LIMIT, "err.zip_entries", NULL},
    {HOSTILE_NO_RELS, AT_OPEN, TCPL_ERR_FORMAT, "err.no_main_part", NULL},
    {HOSTILE_MAIN_MISSING, AT_OPEN, TCPL_ERR_FORMAT, "err.no_main_part", NULL},
    {HOSTILE_XLSX, AT_OPEN, TCPL_ERR_FORMAT, "err.not_wordml", NULL},
    {HOSTILE_RELS_XXE, AT_OPEN, TCPL_ERR_FORMAT, "err.xml_dtd", "err.xml_malformed"},
    {HOSTILE_XML_MALFORMED, AT_XML, TCPL_ERR_FORMAT, "err.xml_malformed", NULL},
    {HOSTILE_XML_XXE, AT_XML, TCPL_ERR_FORMAT, "err.xml_dtd", NULL},
    {HOSTILE_XML_LAUGHS, AT_XML, TCPL_ERR_FORMAT, "err.xml_dtd", "err.xml_malformed"},
    {HOSTILE_XML_DEEP, AT_XML, TCPL_ERR_LIMIT, "err.xml_depth", NULL},
};

#define NAME "hostile.docx"

/* Opens, reads the main part, walks its XML: returns the first failure's
 * code and where it happened. */
static int run(const unsigned char *data, size_t len, enum stage *at, tcpl_error *err,
               size_t *inflated)
{
    tcpl_pkg *pkg = NULL;
    char *xml = NULL;
    size_t n = 0;
    tcpl_xml x = {0};
    int rc, r;
    tcpl_error_clear(err);
    *at = AT_OPEN;
    *inflated = 0;
    rc = tcpl_pkg_open_memory(&pkg, data, len, NAME, err);
    if (rc < 0)
        return rc;
    assert_string_equal(tcpl_pkg_name(pkg), NAME);
    *at = AT_READ;
    size_t before = tcpl_pkg_inflated(pkg); /* _rels/.rels and [Content_Types].xml */
    rc = tcpl_pkg_read(pkg, tcpl_pkg_main_part(pkg), &xml, &n, err);
    *inflated = tcpl_pkg_inflated(pkg) - before;
    if (rc < 0)
        goto out;
    *at = AT_XML;
    rc = tcpl_xml_open(&x, xml, n, tcpl_pkg_name(pkg), tcpl_pkg_main_part(pkg), err);
    while (rc == 0 && (r = tcpl_xml_next(&x, err)) != 0) {
        if (r < 0) {
            rc = r;
            break;
        }
        /* No entity may ever be expanded into text. */
        if (tcpl_xml_type(&x) == XML_READER_TYPE_TEXT) {
            const char *v = tcpl_xml_value(&x);
            assert_null(strstr(v, "root:"));
            assert_null(strstr(v, "lollol"));
        }
    }
out:
    tcpl_xml_close(&x);
    free(xml);
    tcpl_pkg_free(pkg);
    return rc;
}

static void check_kind(size_t i)
{
    unsigned char *data;
    size_t len, inflated;
    enum stage at;
    tcpl_error err;
    hostile_kind k = EXPECT[i].kind;
    assert_int_equal(hostile_make(k, &data, &len), 0);
    int rc = run(data, len, &at, &err, &inflated);
    print_message("%-16s %-8zu -> %s %s [%s] %s\n", hostile_name(k), len,
                  err.id ? err.id : "(ok)", err.file, err.where, err.detail);
    assert_int_equal(rc, EXPECT[i].code);
    assert_int_equal(err.code, EXPECT[i].code);
    assert_non_null(err.id);
    if (!EXPECT[i].alt_id || strcmp(err.id, EXPECT[i].alt_id) != 0)
        assert_string_equal(err.id, EXPECT[i].id);
    assert_int_equal(at, EXPECT[i].stage);
    assert_string_equal(err.file, NAME);
    /* The part, and for malformed XML the line in it ("word/document.xml:2"). */
    if (at != AT_OPEN)
        assert_int_equal(strncmp(err.where, "word/document.xml", 17), 0);
    switch (k) {
    case HOSTILE_BOMB:
        /* refused from the declared size, before inflating anything */
        assert_int_equal(inflated, 0);
        break;
    case HOSTILE_BOMB_LYING:
        /* the header claims 1000 bytes: caught while inflating, long before 300 MB */
        assert_true(inflated > (1u << 20));
        assert_true(inflated < (100u << 20));
        break;
    case HOSTILE_BIG_LYING:
        /* ratio below the limit and a lying header: the running count stops it */
        assert_true(inflated > TCPL_MAX_ENTRY_BYTES);
        assert_true(inflated < TCPL_MAX_ENTRY_BYTES + (1u << 20));
        break;
    case HOSTILE_PATH_DOTDOT:
        assert_string_equal(err.detail, "../evil.xml");
        break;
    case HOSTILE_PATH_ABSOLUTE:
        assert_string_equal(err.detail, "/etc/evil.xml");
        break;
    case HOSTILE_PATH_BACKSLASH:
        assert_string_equal(err.detail, "word\\evil.xml");
        break;
    case HOSTILE_PATH_NUL:
        assert_string_equal(err.detail, "word/evil\\0.xml");
        break;
    case HOSTILE_ENCRYPTED_AES: /* named, not "damaged" */
        assert_string_equal(err.detail, "AES-256");
        break;
    case HOSTILE_ENCRYPTED_FLAG:
        assert_string_equal(err.detail, "ZipCrypto (traditional PKWARE)");
        break;
    case HOSTILE_XLSX:
        assert_non_null(strstr(err.detail, "spreadsheetml.sheet.main+xml"));
        assert_string_equal(err.where, "xl/workbook.xml");
        break;
    case HOSTILE_RELS_XXE:
        assert_string_equal(err.where, "_rels/.rels");
        break;
    default:
        break;
    }
    free(data);
}

#define KIND_TEST(i)                                                                               \
    static void test_kind_##i(void **state)                                                        \
    {                                                                                              \
        (void)state;                                                                               \
        check_kind(i);                                                                             \
    }
KIND_TEST(0)
KIND_TEST(1)
KIND_TEST(2)
KIND_TEST(3)
KIND_TEST(4)
KIND_TEST(5)
KIND_TEST(6)
KIND_TEST(7)
KIND_TEST(8)
KIND_TEST(9)
KIND_TEST(10)
KIND_TEST(11)
KIND_TEST(12)
KIND_TEST(13)
KIND_TEST(14)
KIND_TEST(15)
KIND_TEST(16)
KIND_TEST(17)
KIND_TEST(18)
KIND_TEST(19)
KIND_TEST(20)
KIND_TEST(21)
KIND_TEST(22)
KIND_TEST(23)

static void test_kind_table_complete(void **state)
{
    (void)state;
    /* every kind except TOTAL (its own test) has an expectation */
    assert_int_equal(sizeof EXPECT / sizeof *EXPECT, HOSTILE_COUNT - 1);
    for (int k = 0; k < HOSTILE_COUNT; k++) {
        int found = k == HOSTILE_TOTAL;
        for (size_t i = 0; i < sizeof EXPECT / sizeof *EXPECT; i++)
            found |= EXPECT[i].kind == (hostile_kind)k;
        assert_true(found);
    }
}

/* 200 MB at a plausible ratio passes each time, but the sixth read of it
 * crosses the 1 GB budget of one file. */
static void test_total_budget(void **state)
{
    (void)state;
    unsigned char *data;
    size_t len, n;
    char *xml;
    tcpl_pkg *pkg;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(hostile_make(HOSTILE_TOTAL, &data, &len), 0);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), 0);
    free(data);
    size_t before = tcpl_pkg_inflated(pkg);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(tcpl_pkg_read(pkg, "word/document.xml", &xml, &n, &err), 0);
        assert_int_equal(n, 200u << 20);
        assert_int_equal(xml[255], '\n');
        assert_true(xml[0] >= 'a' && xml[0] <= 'z');
        free(xml);
    }
    assert_int_equal(tcpl_pkg_inflated(pkg) - before, 1000u << 20);
    assert_int_equal(tcpl_pkg_read(pkg, "word/document.xml", &xml, &n, &err), TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.zip_total");
    assert_string_equal(err.where, "word/document.xml");
    assert_null(xml);
    tcpl_pkg_free(pkg);
}

/* ---- valid packages built here ----------------------------------------- */

static tcpl_pkg *open_parts(const tu_part *parts, size_t n, tcpl_error *err)
{
    unsigned char *data;
    size_t len;
    tcpl_pkg *pkg = NULL;
    assert_int_equal(tu_build_docx(parts, n, &data, &len), 0);
    int rc = tcpl_pkg_open_memory(&pkg, data, len, "built.docx", err);
    free(data);
    return rc < 0 ? NULL : pkg;
}

static void test_hostile_docx_roundtrip(void **state)
{
    (void)state;
    unsigned char *data;
    size_t len, n;
    char *xml;
    tcpl_pkg *pkg;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(hostile_docx("<w:p><w:r><w:t>Điều 1</w:t></w:r></w:p>",
                                  "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"/>",
                                  "<w:abstractNum w:abstractNumId=\"0\"/>", &data, &len),
                     0);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, "mini.docx", &err), 0);
    free(data); /* the package keeps its own copy */
    assert_string_equal(tcpl_pkg_main_part(pkg), "word/document.xml");
    assert_int_equal(tcpl_pkg_read(pkg, tcpl_pkg_main_part(pkg), &xml, &n, &err), 0);
    assert_int_equal(n, strlen(xml));
    assert_non_null(strstr(xml, "<w:body><w:p><w:r><w:t>Điều 1</w:t></w:r></w:p></w:body>"));
    free(xml);
    const tcpl_rel *rels;
    size_t count;
    assert_int_equal(tcpl_pkg_rels(pkg, "word/document.xml", &rels, &count, &err), 0);
    assert_int_equal(count, 2);
    const tcpl_rel *st = tcpl_pkg_rel_by_type(rels, count, "/styles");
    const tcpl_rel *nu = tcpl_pkg_rel_by_type(rels, count, "/numbering");
    assert_non_null(st);
    assert_non_null(nu);
    assert_string_equal(st->target, "word/styles.xml");
    assert_string_equal(nu->target, "word/numbering.xml");
    assert_null(tcpl_pkg_rel_by_type(rels, count, "/footnotes"));
    assert_int_equal(tcpl_pkg_read(pkg, st->target, &xml, &n, &err), 0);
    assert_non_null(strstr(xml, "w:styleId=\"Heading1\""));
    free(xml);
    /* cached: the same array comes back, also under another spelling */
    const tcpl_rel *again;
    assert_int_equal(tcpl_pkg_rels(pkg, "/Word/Document.xml", &again, &count, &err), 0);
    assert_ptr_equal(again, rels);
    /* a part without .rels has none */
    assert_int_equal(tcpl_pkg_rels(pkg, "word/styles.xml", &again, &count, &err), 0);
    assert_int_equal(count, 0);
    tcpl_pkg_free(pkg);
}

static void test_case_insensitive_lookup(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_error_clear(&err);
    tu_part p[] = {{"word/document.xml", "<w:document " TU_W_NS "/>", 0},
                   {"word/Media/Image1.PNG", "png", 3},
                   {"word/media/a..b.png", "", 0}}; /* ".." inside a name is harmless */
    tcpl_pkg *pkg = open_parts(p, 3, &err);
    assert_non_null(pkg);
    assert_true(tcpl_pkg_has(pkg, "word/document.xml"));
    assert_true(tcpl_pkg_has(pkg, "/WORD/DOCUMENT.XML"));
    assert_true(tcpl_pkg_has(pkg, "word/media/image1.png"));
    assert_false(tcpl_pkg_has(pkg, "word/media/image2.png"));
    assert_false(tcpl_pkg_has(pkg, "word"));
    assert_true(tcpl_pkg_has(pkg, "word/media/A..B.png"));
    char *data;
    size_t n;
    assert_int_equal(tcpl_pkg_read(pkg, "/Word/Media/IMAGE1.png", &data, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(data, "png");
    free(data);
    assert_int_equal(tcpl_pkg_read(pkg, "word/nothere.xml", &data, &n, &err), TCPL_ERR_FORMAT);
    assert_null(data);
    assert_string_equal(err.id, "err.part_missing");
    assert_string_equal(err.where, "word/nothere.xml");
    assert_string_equal(err.file, "built.docx");
    tcpl_pkg_free(pkg);
}

#define RELS_HEAD                                                                                  \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static void test_target_resolution(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_error_clear(&err);
    tu_part p[] = {
        {"word/document.xml", "<w:document " TU_W_NS "/>", 0},
        {"word/_rels/document.xml.rels",
         RELS_HEAD "<Relationship Id=\"rId1\" Type=\"" RT "styles\" Target=\"./styles.xml\"/>"
                   "<Relationship Id=\"rId2\" Type=\"" RT "customXml\" "
                   "Target=\"../customXml/item1.xml\"/>"
                   "<Relationship Id=\"rId3\" Type=\"" RT "numbering\" "
                   "Target=\"/word/numbering.xml\"/>"
                   "<Relationship Id=\"rId4\" Type=\"" RT "image\" "
                   "Target=\"media/sub/../image1.png\"/>"
                   "<Relationship Id=\"rId5\" Type=\"" RT "hyperlink\" "
                   "Target=\"https://vbpl.vn/a/../b?x=1\" TargetMode=\"External\"/>"
                   "<Relationship Id=\"rId6\" Type=\"" RT "footer\" "
                   "Target=\"../../../word/footer1.xml\"/>"
                   "<Relationship Id=\"rId7\" Type=\"" RT "header\"/>"
                   "</Relationships>",
         0},
    };
    tcpl_pkg *pkg = open_parts(p, 2, &err);
    assert_non_null(pkg);
    const tcpl_rel *r;
    size_t n;
    assert_int_equal(tcpl_pkg_rels(pkg, "word/document.xml", &r, &n, &err), 0);
    assert_int_equal(n, 6); /* rId7 has no Target */
    assert_string_equal(r[0].id, "rId1");
    assert_string_equal(r[0].target, "word/styles.xml");
    assert_string_equal(r[1].target, "customXml/item1.xml");
    assert_string_equal(r[2].target, "word/numbering.xml");
    assert_string_equal(r[3].target, "word/media/image1.png");
    assert_string_equal(r[4].target, "https://vbpl.vn/a/../b?x=1");
    assert_int_equal(r[4].external, 1);
    assert_int_equal(r[3].external, 0);
    /* ".." above the root stays inside the package */
    assert_string_equal(r[5].target, "word/footer1.xml");
    assert_string_equal(r[0].type, RT "styles");
    tcpl_pkg_free(pkg);
}

/* The main part is wherever _rels/.rels says, with the content type from a
 * Default; macro-enabled documents are WordprocessingML too. */
static void test_main_part_elsewhere(void **state)
{
    (void)state;
    tcpl_error err;
    tcpl_error_clear(&err);
    tu_part p[] = {
        {"[Content_Types].xml",
         "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
         "<Default Extension=\"rels\" "
         "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
         "<Default Extension=\"XML\" "
         "ContentType=\"application/vnd.ms-word.document.macroEnabled.main+xml\"/></Types>",
         0},
        {"_rels/.rels",
         RELS_HEAD "<Relationship Id=\"a\" Type=\"" RT "extended-properties\" "
                   "Target=\"docProps/app.xml\"/>"
                   "<Relationship Id=\"b\" Type=\"" RT "officeDocument\" Target=\"/doc/Main.xml\"/>"
                   "</Relationships>",
         0},
        {"doc/main.xml", "<w:document " TU_W_NS "/>", 0},
    };
    tcpl_pkg *pkg = open_parts(p, 3, &err);
    assert_non_null(pkg);
    assert_string_equal(tcpl_pkg_main_part(pkg), "doc/main.xml");
    tcpl_pkg_free(pkg);

    /* the same with a plain application/xml type is refused, type named */
    p[0].content = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                   "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
    assert_null(open_parts(p, 3, &err));
    assert_string_equal(err.id, "err.not_wordml");
    assert_string_equal(err.detail, "application/xml");
    assert_string_equal(err.where, "doc/main.xml");
    assert_string_equal(err.file, "built.docx");

    /* the Override wins over the Default */
    p[0].content = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                   "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                   "<Override PartName=\"/DOC/main.xml\" ContentType=\"application/"
                   "vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml\"/>"
                   "</Types>";
    pkg = open_parts(p, 3, &err);
    assert_non_null(pkg);
    tcpl_pkg_free(pkg);
}

/* ---- zips as real office software writes them (issue 6) ---------------- */

#define CT_HEAD "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
#define CT_MAIN "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

/* A document whose main part is word/document2.xml, found through
 * _rels/.rels (as Word writes after some conversions), with styles. */
static const tu_part DOC2[] = {
    {"[Content_Types].xml",
     CT_HEAD "<Default Extension=\"rels\" "
             "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
             "<Override PartName=\"/word/document2.xml\" ContentType=\"" CT_MAIN "\"/></Types>",
     0},
    {"_rels/.rels",
     RELS_HEAD "<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" "
               "Target=\"/word/document2.xml\"/></Relationships>",
     0},
    {"word/_rels/document2.xml.rels",
     RELS_HEAD "<Relationship Id=\"rId1\" Type=\"" RT "styles\" Target=\"styles.xml\"/>"
               "</Relationships>",
     0},
    {"word/document2.xml",
     "<w:document " TU_W_NS "><w:body><w:p><w:r><w:t>Điều 2</w:t></w:r></w:p></w:body>"
     "</w:document>",
     0},
    {"word/styles.xml", "<w:styles " TU_W_NS "><w:style w:styleId=\"Heading1\"/></w:styles>", 0},
};

static void check_doc2(const unsigned char *data, size_t len, const char *what)
{
    tcpl_pkg *pkg = NULL;
    tcpl_error err;
    char *xml;
    size_t n;
    const tcpl_rel *rels;
    tcpl_error_clear(&err);
    int rc = tcpl_pkg_open_memory(&pkg, data, len, "odd.docx", &err);
    if (rc < 0)
        print_message("%s: %s %s\n", what, err.id, err.detail);
    assert_int_equal(rc, 0);
    assert_string_equal(tcpl_pkg_main_part(pkg), "word/document2.xml");
    assert_int_equal(tcpl_pkg_read(pkg, tcpl_pkg_main_part(pkg), &xml, &n, &err), 0);
    assert_non_null(strstr(xml, "<w:t>Điều 2</w:t>"));
    free(xml);
    assert_int_equal(tcpl_pkg_rels(pkg, tcpl_pkg_main_part(pkg), &rels, &n, &err), 0);
    const tcpl_rel *st = tcpl_pkg_rel_by_type(rels, n, "/styles");
    assert_non_null(st);
    assert_int_equal(tcpl_pkg_read(pkg, st->target, &xml, &n, &err), 0);
    assert_non_null(strstr(xml, "Heading1"));
    free(xml);
    tcpl_pkg_free(pkg);
}

static void test_odd_zips(void **state)
{
    (void)state;
    static const struct {
        unsigned flags;
        const char *what;
    } ODD[] = {
        {0, "as libzip writes it"},
        {REZIP_DESCRIPTOR, "data descriptors"},
        {REZIP_LOCAL_DIFFERS, "local header differs"},
        {REZIP_REVERSE, "entries in reverse order"},
        {REZIP_DIRS, "directory entries"},
        {REZIP_ZIP64, "zip64 end record"},
        {REZIP_PREFIX, "a 4 KB stub before"},
        {REZIP_TRAILING, "garbage after the end record"},
        {REZIP_ALL, "all of these at once"},
    };
    unsigned char *base, *data;
    size_t blen, len;
    assert_int_equal(tu_build_docx(DOC2, sizeof DOC2 / sizeof *DOC2, &base, &blen), 0);
    for (size_t i = 0; i < sizeof ODD / sizeof *ODD; i++) {
        assert_int_equal(hostile_rezip(base, blen, ODD[i].flags, &data, &len), 0);
        check_doc2(data, len, ODD[i].what);
        free(data);
    }
    /* and through a file */
    char tmp[] = "/tmp/tcpl-odd-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(hostile_rezip(base, blen, REZIP_ALL, &data, &len), 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    free(data);
    tcpl_pkg *pkg;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), 0);
    assert_string_equal(tcpl_pkg_main_part(pkg), "word/document2.xml");
    tcpl_pkg_free(pkg);
    unlink(tmp);
    free(base);
}

/* Without the strict check, the limits still hold on odd zips: a bomb with
 * data descriptors and a lying central size is stopped while inflating. */
static void test_odd_zip_limits(void **state)
{
    (void)state;
    unsigned char *bomb, *data;
    size_t blen, len, n;
    char *xml;
    tcpl_pkg *pkg;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(hostile_make(HOSTILE_BOMB_LYING, &bomb, &blen), 0);
    assert_int_equal(hostile_rezip(bomb, blen, REZIP_ALL, &data, &len), 0);
    free(bomb);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), 0);
    free(data);
    size_t before = tcpl_pkg_inflated(pkg);
    assert_int_equal(tcpl_pkg_read(pkg, "word/document.xml", &xml, &n, &err), TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.zip_ratio");
    assert_true(tcpl_pkg_inflated(pkg) - before < (100u << 20));
    tcpl_pkg_free(pkg);
}

/* ---- unsupported methods (issue 7) ------------------------------------- */

static void test_zip_method(void **state)
{
    (void)state;
    static const struct {
        unsigned method;
        const char *detail;
    } M[] = {{14, "LZMA (method 14)"}, {9, "Deflate64 (method 9)"}, {98, "PPMd (method 98)"},
             {77, "unknown (method 77)"}};
    for (size_t i = 0; i < sizeof M / sizeof *M; i++) {
        unsigned char *data;
        size_t len, n;
        char *xml;
        tcpl_pkg *pkg;
        tcpl_error err;
        tcpl_error_clear(&err);
        assert_int_equal(hostile_docx("<w:p/>", NULL, NULL, &data, &len), 0);
        assert_int_equal(hostile_set_method(data, len, "word/document.xml", M[i].method), 0);
        assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), 0);
        free(data);
        assert_int_equal(tcpl_pkg_read(pkg, "word/document.xml", &xml, &n, &err),
                         TCPL_ERR_FORMAT);
        assert_null(xml);
        assert_string_equal(err.id, "err.zip_method");
        assert_string_equal(err.detail, M[i].detail);
        assert_string_equal(err.where, "word/document.xml");
        tcpl_pkg_free(pkg);
    }
}

/* ---- inputs that are not regular files (issue 7) ------------------------ */

static void test_not_regular(void **state)
{
    (void)state;
    tcpl_pkg *pkg = NULL;
    tcpl_error err;
    tcpl_error_clear(&err);
    char dir[] = "/tmp/tcpl-fifo-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[64], link[64], doc[64];
    snprintf(fifo, sizeof fifo, "%s/in.docx", dir);
    snprintf(link, sizeof link, "%s/link.docx", dir);
    snprintf(doc, sizeof doc, "%s/doc.docx", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* No writer ever comes: an open() that waits for one would hang here
     * (the alarm ends the test as a failure instead). */
    alarm(60);
    assert_int_equal(tcpl_pkg_open_file(&pkg, fifo, &err), TCPL_ERR_IO);
    assert_null(pkg);
    assert_string_equal(err.id, "err.not_regular");
    assert_string_equal(err.detail, "named pipe (FIFO)");
    assert_string_equal(err.file, fifo);
    /* a link to the FIFO is the FIFO */
    assert_int_equal(symlink(fifo, link), 0);
    assert_int_equal(tcpl_pkg_open_file(&pkg, link, &err), TCPL_ERR_IO);
    assert_string_equal(err.id, "err.not_regular");
    alarm(0);
    assert_int_equal(tcpl_pkg_open_file(&pkg, "/dev/null", &err), TCPL_ERR_IO);
    assert_string_equal(err.id, "err.not_regular");
    assert_string_equal(err.detail, "character device");
    /* a link to a real .docx is read */
    unsigned char *data;
    size_t len;
    assert_int_equal(hostile_docx("<w:p/>", NULL, NULL, &data, &len), 0);
    FILE *f = fopen(doc, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
    unlink(link);
    assert_int_equal(symlink(doc, link), 0);
    assert_int_equal(tcpl_pkg_open_file(&pkg, link, &err), 0);
    tcpl_pkg_free(pkg);
    unlink(link);
    unlink(doc);
    unlink(fifo);
    rmdir(dir);
}

/* ---- relationships: a named limit, duplicates by part (issue 7) -------- */

/* n relationships in word/_rels/document.xml.rels: even ones point at
 * word/header1.xml spelled in one of its 512 letter cases, odd ones at
 * distinct absent parts. */
static unsigned char *many_rels(size_t n, size_t *len)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, RELS_HEAD);
    for (size_t i = 0; i < n; i++) {
        char t[32];
        if (i % 2 == 0) {
            const char *h = "header1.xml";
            size_t v = (i / 2) % 512, k = 0;
            for (size_t c = 0; h[c]; c++) {
                int letter = h[c] >= 'a' && h[c] <= 'z';
                t[c] = letter && (v >> k++ & 1) ? (char)(h[c] - 32) : h[c];
            }
            t[strlen(h)] = 0;
        } else {
            snprintf(t, sizeof t, "x%zu.xml", i);
        }
        tcpl_buf_printf(&b, "<Relationship Id=\"rId%zu\" Type=\"" RT "header\" Target=\"%s\"/>", i,
                        t);
    }
    tcpl_buf_puts(&b, "</Relationships>");
    assert_true(tcpl_buf_ok(&b));
    tu_part p[] = {{"word/document.xml", "<w:document " TU_W_NS "><w:body/></w:document>", 0},
                   {"word/header1.xml", "<w:hdr " TU_W_NS "/>", 0},
                   {"word/_rels/document.xml.rels", b.data, b.len}};
    unsigned char *data;
    assert_int_equal(tu_build_docx(p, 3, &data, len), 0);
    tcpl_buf_free(&b);
    return data;
}

static void test_rels_limit(void **state)
{
    (void)state;
    tcpl_pkg *pkg;
    tcpl_error err;
    const tcpl_rel *rels;
    size_t len, n;
    tcpl_error_clear(&err);

    unsigned char *data = many_rels(TCPL_MAX_RELS, &len);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), 0);
    free(data);
    assert_int_equal(tcpl_pkg_rels(pkg, "word/document.xml", &rels, &n, &err), 0);
    assert_int_equal(n, TCPL_MAX_RELS);
    /* every spelling of header1.xml resolves to the entry's own name, and
     * only the first is not a duplicate; the absent parts are all distinct */
    size_t first = 0, dups = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 2 == 0)
            assert_string_equal(rels[i].target, "word/header1.xml");
        if (!rels[i].dup)
            first++;
        else
            dups++;
        if (rels[i].dup)
            assert_true(i % 2 == 0 && i > 0);
    }
    assert_false(rels[0].dup);
    assert_int_equal(first, 1 + n / 2);
    assert_int_equal(dups, n / 2 - 1);
    tcpl_pkg_free(pkg);

    data = many_rels(TCPL_MAX_RELS + 1, &len);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), 0);
    free(data);
    assert_int_equal(tcpl_pkg_rels(pkg, "word/document.xml", &rels, &n, &err), TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.rels_limit");
    assert_string_equal(err.where, "word/_rels/document.xml.rels");
    assert_string_equal(err.file, NAME);
    assert_int_equal(n, 0);
    tcpl_pkg_free(pkg);
}

/* One header referenced in six spellings: the reader inflates it once (a
 * 7 KB file cost 922 MB when every spelling was read). */
static void test_case_variants_read_once(void **state)
{
    (void)state;
    static const char DOC[] = "<w:document " TU_W_NS "><w:body><w:p><w:r><w:t>Thân bài</w:t>"
                              "</w:r></w:p></w:body></w:document>";
    tcpl_buf hdr;
    tcpl_buf_init(&hdr);
    tcpl_buf_puts(&hdr, "<w:hdr " TU_W_NS ">");
    for (int i = 0; i < 2000; i++) /* 100 KB that compress to little */
        tcpl_buf_puts(&hdr, "<w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p>");
    tcpl_buf_puts(&hdr, "</w:hdr>");
    static const char *const SPELL[] = {"header1.xml",   "Header1.xml",       "HEADER1.XML",
                                        "./header1.xml", "/word/header1.xml", "../word/HEADER1.xml"};
    tcpl_buf rels;
    tcpl_buf_init(&rels);
    tcpl_buf_puts(&rels, RELS_HEAD);
    for (size_t i = 0; i < 6; i++)
        tcpl_buf_printf(&rels, "<Relationship Id=\"rId%zu\" Type=\"" RT "%s\" Target=\"%s\"/>", i,
                        i % 2 ? "footer" : "header", SPELL[i]);
    tcpl_buf_puts(&rels, "</Relationships>");
    assert_true(tcpl_buf_ok(&hdr) && tcpl_buf_ok(&rels));
    tu_part p[] = {{"word/document.xml", DOC, 0},
                   {"word/header1.xml", hdr.data, hdr.len},
                   {"word/_rels/document.xml.rels", rels.data, rels.len}};
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(p, 3, &data, &len), 0);

    /* the package layer: one relationship is not a duplicate */
    tcpl_pkg *pkg;
    tcpl_error err;
    const tcpl_rel *r;
    size_t n, firsts = 0;
    tcpl_error_clear(&err);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), 0);
    assert_int_equal(tcpl_pkg_rels(pkg, "word/document.xml", &r, &n, &err), 0);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(r[i].target, "word/header1.xml");
        if (!r[i].dup) {
            char *xml;
            size_t xl;
            assert_int_equal(tcpl_pkg_read(pkg, r[i].target, &xml, &xl, &err), 0);
            free(xml);
            firsts++;
        }
    }
    assert_int_equal(firsts, 1);
    assert_int_equal(tcpl_pkg_read_count(pkg, "WORD/header1.xml"), 1);
    assert_int_equal(tcpl_pkg_read_count(pkg, "word/_rels/document.xml.rels"), 1);
    tcpl_pkg_free(pkg);

    /* the reader: the main part and the header, each inflated once */
    tcpl_ctx *ctx = tu_ctx();
    tcpl_doc *doc = NULL;
    assert_int_equal(tcpl_docx_read_memory(&doc, ctx, data, len, NAME, &err), 0);
    assert_int_equal(tcpl_doc_xml_bytes(doc), strlen(DOC) + hdr.len);
    tcpl_doc_free(doc);
    tcpl_ctx_free(ctx);
    free(data);
    tcpl_buf_free(&hdr);
    tcpl_buf_free(&rels);
}

/* ---- OLE compound files (issue 7) -------------------------------------- */

static void check_ole(const unsigned char *data, size_t len, const char *id, const char *detail)
{
    tcpl_pkg *pkg = (tcpl_pkg *)1;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), TCPL_ERR_FORMAT);
    assert_null(pkg);
    print_message("%s %s\n", err.id, err.detail);
    assert_string_equal(err.id, id);
    assert_string_equal(err.detail, detail);
    assert_string_equal(err.file, NAME);
}

static void test_ole(void **state)
{
    (void)state;
    unsigned char *data;
    size_t len;
    /* Office's password protection: the whole package in EncryptedPackage */
    static const char *const enc[] = {"EncryptionInfo", "EncryptedPackage"};
    assert_int_equal(hostile_ole(enc, 2, &data, &len), 0);
    check_ole(data, len, "err.ole_encrypted", "");
    /* the message says how to remove the password, in both languages */
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_pkg *pkg;
    tcpl_pkg_open_memory(&pkg, data, len, NAME, &err);
    tcpl_ctx *ctx = tu_ctx();
    char buf[1024];
    tcpl_error_format(ctx, &err, buf, sizeof buf);
    assert_non_null(strstr(buf, "Encrypt with Password"));
    assert_non_null(strstr(buf, "mật khẩu"));
    tcpl_ctx_free(ctx);
    free(data);

    /* a Word 97-2003 file says so, and is not "renamed" */
    assert_int_equal(hostile_make(HOSTILE_OLE, &data, &len), 0);
    check_ole(data, len, "err.ole_doc", "");
    /* a directory chain that loops on itself: bounded, still found */
    assert_int_equal(data[512 + 4], 0xFE); /* FAT[1]: end of the directory chain */
    data[512 + 4] = 1;
    data[512 + 5] = data[512 + 6] = data[512 + 7] = 0;
    check_ole(data, len, "err.ole_doc", "");
    /* sibling ids that loop (entry 3's right sibling is entry 1) */
    data[1024 + 3 * 128 + 0x48] = 1;
    data[1024 + 3 * 128 + 0x49] = data[1024 + 3 * 128 + 0x4A] = data[1024 + 3 * 128 + 0x4B] = 0;
    check_ole(data, len, "err.ole_doc", "");
    free(data);

    static const char *const xls[] = {"Workbook", "\005SummaryInformation"};
    assert_int_equal(hostile_ole(xls, 2, &data, &len), 0);
    check_ole(data, len, "err.ole_other", "Excel 97-2003, .xls");
    /* the signature alone, the rest zeros (what the test used to build) */
    memset(data + 512, 0, len - 512);
    check_ole(data, len, "err.ole_corrupt", "directory");
    data[0x1E] = 7; /* no such sector size */
    check_ole(data, len, "err.ole_corrupt", "header");
    check_ole(data, 300, "err.ole_corrupt", "header cut short");
    free(data);

    static const char *const none[] = {"Contents"};
    assert_int_equal(hostile_ole(none, 1, &data, &len), 0);
    check_ole(data, len, "err.ole_other", "OLE compound file");
    free(data);
}

/* ---- Strict Open XML (issue 7) ---------------------------------------- */

#define RS "http://purl.oclc.org/ooxml/officeDocument/relationships/"
#define WS "xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\""

/* As Word saves "Strict Open XML Document": the same content types, Strict
 * relationship types and namespaces. */
static void test_strict(void **state)
{
    (void)state;
    tu_part p[] = {
        {"_rels/.rels",
         RELS_HEAD "<Relationship Id=\"rId1\" Type=\"" RS "officeDocument\" "
                   "Target=\"word/document.xml\"/></Relationships>",
         0},
        {"word/_rels/document.xml.rels",
         RELS_HEAD "<Relationship Id=\"rId1\" Type=\"" RS "styles\" Target=\"styles.xml\"/>"
                   "<Relationship Id=\"rId2\" Type=\"" RS "numbering\" Target=\"numbering.xml\"/>"
                   "<Relationship Id=\"rId3\" Type=\"" RS "footnotes\" Target=\"footnotes.xml\"/>"
                   "<Relationship Id=\"rId4\" Type=\"" RS "header\" Target=\"header1.xml\"/>"
                   "<Relationship Id=\"rId5\" Type=\"" RS "footer\" Target=\"footer1.xml\"/>"
                   "<Relationship Id=\"rId6\" Type=\"" RS "theme\" Target=\"theme/theme1.xml\"/>"
                   "</Relationships>",
         0},
        {"word/document.xml",
         "<w:document " WS " w:conformance=\"strict\"><w:body><w:p><w:r><w:t>Điều 1</w:t>"
         "</w:r></w:p></w:body></w:document>",
         0},
        {"word/styles.xml", "<w:styles " WS "/>", 0},
        {"word/numbering.xml", "<w:numbering " WS "/>", 0},
        {"word/footnotes.xml", "<w:footnotes " WS "/>", 0},
        {"word/header1.xml", "<w:hdr " WS "/>", 0},
        {"word/footer1.xml", "<w:ftr " WS "/>", 0},
        {"word/theme/theme1.xml", "<a:theme xmlns:a=\"http://purl.oclc.org/ooxml/drawingml/main\"/>",
         0},
    };
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_pkg *pkg = open_parts(p, sizeof p / sizeof *p, &err);
    assert_non_null(pkg);
    assert_string_equal(tcpl_pkg_main_part(pkg), "word/document.xml");
    assert_int_equal(tcpl_pkg_strict(pkg), 1);
    const tcpl_rel *rels;
    size_t n;
    assert_int_equal(tcpl_pkg_rels(pkg, "word/document.xml", &rels, &n, &err), 0);
    static const char *const want[][2] = {
        {"/styles", "word/styles.xml"},     {"/numbering", "word/numbering.xml"},
        {"/footnotes", "word/footnotes.xml"}, {"/header", "word/header1.xml"},
        {"/footer", "word/footer1.xml"},    {"/theme", "word/theme/theme1.xml"}};
    for (size_t i = 0; i < 6; i++) {
        const tcpl_rel *r = tcpl_pkg_rel_by_type(rels, n, want[i][0]);
        assert_non_null(r);
        assert_string_equal(r->target, want[i][1]);
        assert_true(tcpl_pkg_has(pkg, r->target));
    }
    tcpl_pkg_free(pkg);

    /* End to end: a package Strict in its relationships and its namespaces
     * reads as text, through the reader and the extraction. */
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(p, sizeof p / sizeof *p, &data, &len), 0);
    tcpl_ctx *ctx = tu_ctx();
    tcpl_doc *doc = NULL;
    assert_int_equal(tcpl_docx_read_memory(&doc, ctx, data, len, "strict.docx", &err), 0);
    free(data);
    char *text;
    assert_int_equal(tcpl_doc_text(&text, &len, doc, TCPL_TEXT_BODY, &err), 0);
    assert_string_equal(text, "Điều 1\n");
    free(text);
    tcpl_doc_free(doc);
    tcpl_ctx_free(ctx);

    /* Transitional is not strict */
    assert_int_equal(hostile_docx("<w:p/>", NULL, NULL, &data, &len), 0);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, data, len, NAME, &err), 0);
    assert_int_equal(tcpl_pkg_strict(pkg), 0);
    tcpl_pkg_free(pkg);
    free(data);
}

/* ---- the corpus -------------------------------------------------------- */

static int is_docx(const char *n)
{
    size_t l = strlen(n);
    return l > 5 && !strcmp(n + l - 5, ".docx");
}

static void check_corpus_pkg(tcpl_pkg *pkg, const char *name)
{
    tcpl_error err;
    tcpl_error_clear(&err);
    const tcpl_rel *rels;
    size_t n;
    /* every corpus file's _rels/.rels names word/document.xml (checked with unzip) */
    assert_string_equal(tcpl_pkg_main_part(pkg), "word/document.xml");
    assert_int_equal(tcpl_pkg_rels(pkg, tcpl_pkg_main_part(pkg), &rels, &n, &err), 0);
    const tcpl_rel *st = tcpl_pkg_rel_by_type(rels, n, "/styles");
    assert_non_null(st);
    assert_string_equal(st->target, "word/styles.xml");
    int internal = 0, headfoot = 0;
    for (size_t i = 0; i < n; i++) {
        if (rels[i].external) {
            assert_non_null(strstr(rels[i].target, "https://vbpl.vn/"));
            continue;
        }
        internal++;
        assert_true(tcpl_pkg_has(pkg, rels[i].target));
        if (strstr(rels[i].type, "/header") || strstr(rels[i].type, "/footer") ||
            strstr(rels[i].type, "/footnotes"))
            headfoot++;
    }
    assert_true(internal >= 4);
    /* nasty: 2 headers, 2 footers, footnotes; libreoffice: 1 footer; pandoc: footnotes */
    if (strstr(name, "nasty"))
        assert_int_equal(headfoot, 5);
    if (strstr(name, "libreoffice"))
        assert_int_equal(headfoot, 1);
    if (strstr(name, "pandoc"))
        assert_int_equal(headfoot, 1);
    if (strstr(name, "nasty") || strstr(name, "word") || strstr(name, "plain")) {
        const tcpl_rel *cx = tcpl_pkg_rel_by_type(rels, n, "/customXml");
        assert_non_null(cx);
        assert_string_equal(cx->target, "customXml/item1.xml");
    }
    /* the main part parses cleanly and has a body */
    char *xml;
    size_t len;
    assert_int_equal(tcpl_pkg_read(pkg, tcpl_pkg_main_part(pkg), &xml, &len, &err), 0);
    tcpl_xml x;
    int r, body = 0;
    assert_int_equal(tcpl_xml_open(&x, xml, len, name, "word/document.xml", &err), 0);
    while ((r = tcpl_xml_next(&x, &err)) > 0)
        body |= tcpl_xml_is_w(&x, "body");
    assert_int_equal(r, 0);
    assert_true(body);
    tcpl_xml_close(&x);
    free(xml);
    assert_true(tcpl_pkg_inflated(pkg) >= len);
}

static void test_corpus(void **state)
{
    (void)state;
    const char *dir = tu_corpus();
    if (!dir)
        skip();
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(d))) {
        if (!is_docx(e->d_name))
            continue;
        char *path = tu_corpus_file(e->d_name);
        tcpl_error err;
        tcpl_error_clear(&err);
        tcpl_pkg *pkg = NULL;
        int rc = tcpl_pkg_open_file(&pkg, path, &err);
        if (rc < 0)
            print_message("%s: %s %s\n", path, err.id, err.detail);
        assert_int_equal(rc, 0);
        assert_string_equal(tcpl_pkg_name(pkg), path);
        check_corpus_pkg(pkg, e->d_name);
        tcpl_pkg_free(pkg);

        size_t len;
        char *bytes = tu_read_file(path, &len);
        assert_non_null(bytes);
        assert_int_equal(tcpl_pkg_open_memory(&pkg, bytes, len, e->d_name, &err), 0);
        free(bytes);
        check_corpus_pkg(pkg, e->d_name);
        tcpl_pkg_free(pkg);
        free(path);
        seen++;
    }
    closedir(d);
    assert_true(seen >= 20);
}

/* The nasty rendering's header/footer targets resolve and hold WordprocessingML. */
static void test_corpus_nasty_parts(void **state)
{
    (void)state;
    char *path = tu_corpus_file("000-nasty.docx");
    if (!path)
        skip();
    tcpl_pkg *pkg;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(tcpl_pkg_open_file(&pkg, path, &err), 0);
    const tcpl_rel *rels;
    size_t n;
    assert_int_equal(tcpl_pkg_rels(pkg, "word/document.xml", &rels, &n, &err), 0);
    const char *want[] = {"word/footnotes.xml", "word/header1.xml", "word/header2.xml",
                          "word/footer1.xml", "word/footer2.xml"};
    for (size_t w = 0; w < 5; w++) {
        int found = 0;
        for (size_t i = 0; i < n; i++)
            found |= !strcmp(rels[i].target, want[w]);
        assert_true(found);
        char *xml;
        size_t len;
        assert_int_equal(tcpl_pkg_read(pkg, want[w], &xml, &len, &err), 0);
        assert_non_null(strstr(xml, TCPL_NS_W));
        free(xml);
    }
    const tcpl_rel *h = tcpl_pkg_rel_by_type(rels, n, "/hyperlink");
    assert_non_null(h);
    assert_int_equal(h->external, 1);
    assert_string_equal(h->target,
                        "https://vbpl.vn/TW/Pages/vbpq-timkiem.aspx?Keyword=25/2021/Q%C4%90-TTg");
    /* package-level rels: core properties and the main document */
    assert_int_equal(tcpl_pkg_rels(pkg, "", &rels, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(tcpl_pkg_rel_by_type(rels, n, "/officeDocument")->target,
                        "word/document.xml");
    assert_string_equal(tcpl_pkg_rel_by_type(rels, n, "/thumbnail")->target,
                        "docProps/thumbnail.jpeg");
    tcpl_pkg_free(pkg);
    free(path);
}

/* ---- files ------------------------------------------------------------- */

static void test_file_errors(void **state)
{
    (void)state;
    tcpl_pkg *pkg = (tcpl_pkg *)1;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(tcpl_pkg_open_file(&pkg, "tests", &err), TCPL_ERR_IO);
    assert_null(pkg);
    assert_string_equal(err.id, "err.is_directory");
    assert_string_equal(err.file, "tests");

    assert_int_equal(tcpl_pkg_open_file(&pkg, "tests/no-such-file.docx", &err), TCPL_ERR_IO);
    assert_string_equal(err.id, "err.io_open");
    assert_string_equal(err.file, "tests/no-such-file.docx");
    assert_string_equal(err.detail, strerror(ENOENT));

    char tmp[] = "/tmp/tcpl-pkg-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.empty_file");
    assert_string_equal(err.file, tmp);

    /* an OLE header, then a text file, then a valid docx, through the file path */
    unsigned char *data;
    size_t len;
    assert_int_equal(hostile_make(HOSTILE_OLE, &data, &len), 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    free(data);
    assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.ole_doc");

    assert_int_equal(hostile_make(HOSTILE_TRUNCATED, &data, &len), 0);
    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(pwrite(fd, data, len, 0), (ssize_t)len);
    free(data);
    assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.zip_corrupt");

    assert_int_equal(hostile_make(HOSTILE_NOT_ZIP, &data, &len), 0);
    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(pwrite(fd, data, len, 0), (ssize_t)len);
    free(data);
    assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.not_zip");

    assert_int_equal(hostile_docx("<w:p/>", NULL, NULL, &data, &len), 0);
    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(pwrite(fd, data, len, 0), (ssize_t)len);
    free(data);
    assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), 0);
    assert_string_equal(tcpl_pkg_main_part(pkg), "word/document.xml");
    tcpl_pkg_free(pkg);

    /* over TCPL_MAX_INPUT_BYTES: a sparse file, refused before reading */
    assert_int_equal(ftruncate(fd, (off_t)TCPL_MAX_INPUT_BYTES + 1), 0);
    assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.too_big");
    assert_string_equal(err.file, tmp);

    /* unreadable: only meaningful when not root */
    if (geteuid() != 0) {
        assert_int_equal(fchmod(fd, 0), 0);
        assert_int_equal(tcpl_pkg_open_file(&pkg, tmp, &err), TCPL_ERR_IO);
        assert_string_equal(err.id, "err.io_open");
        assert_string_equal(err.detail, strerror(EACCES));
    }
    close(fd);
    unlink(tmp);
    tcpl_pkg_free(NULL);
}

static void test_memory_errors(void **state)
{
    (void)state;
    tcpl_pkg *pkg;
    tcpl_error err;
    tcpl_error_clear(&err);
    assert_int_equal(tcpl_pkg_open_memory(&pkg, "", 0, "x.docx", &err), TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.empty_file");
    assert_string_equal(err.file, "x.docx");
    /* "PK" and nothing else: a cut-short download */
    assert_int_equal(tcpl_pkg_open_memory(&pkg, "PK\3\4", 4, "x.docx", &err), TCPL_ERR_FORMAT);
    assert_string_equal(err.id, "err.zip_corrupt");
    /* a message comes out through the catalogue with the file name */
    tcpl_ctx *ctx = tu_ctx();
    char buf[512];
    tcpl_error_format(ctx, &err, buf, sizeof buf);
    assert_non_null(strstr(buf, "x.docx: "));
    assert_non_null(strstr(buf, "DOCX"));
    tcpl_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_table_complete),
        cmocka_unit_test(test_kind_0),
        cmocka_unit_test(test_kind_1),
        cmocka_unit_test(test_kind_2),
        cmocka_unit_test(test_kind_3),
        cmocka_unit_test(test_kind_4),
        cmocka_unit_test(test_kind_5),
        cmocka_unit_test(test_kind_6),
        cmocka_unit_test(test_kind_7),
        cmocka_unit_test(test_kind_8),
        cmocka_unit_test(test_kind_9),
        cmocka_unit_test(test_kind_10),
        cmocka_unit_test(test_kind_11),
        cmocka_unit_test(test_kind_12),
        cmocka_unit_test(test_kind_13),
        cmocka_unit_test(test_kind_14),
        cmocka_unit_test(test_kind_15),
        cmocka_unit_test(test_kind_16),
        cmocka_unit_test(test_kind_17),
        cmocka_unit_test(test_kind_18),
        cmocka_unit_test(test_kind_19),
        cmocka_unit_test(test_kind_20),
        cmocka_unit_test(test_kind_21),
        cmocka_unit_test(test_kind_22),
        cmocka_unit_test(test_kind_23),
        cmocka_unit_test(test_total_budget),
        cmocka_unit_test(test_hostile_docx_roundtrip),
        cmocka_unit_test(test_case_insensitive_lookup),
        cmocka_unit_test(test_target_resolution),
        cmocka_unit_test(test_main_part_elsewhere),
        cmocka_unit_test(test_odd_zips),
        cmocka_unit_test(test_odd_zip_limits),
        cmocka_unit_test(test_zip_method),
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_rels_limit),
        cmocka_unit_test(test_case_variants_read_once),
        cmocka_unit_test(test_ole),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_corpus_nasty_parts),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_memory_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
