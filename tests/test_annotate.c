/* tcpl annotate: findings as Word comments (docs/annotate.md).  On the
 * samples and the corpus renderings (Word, LibreOffice, pandoc ...): every
 * zip entry but the four touched is byte-identical (raw, still compressed),
 * the text reads the same, one comment per finding, each anchored on the
 * paragraph its excerpt shows, re-annotating does not duplicate, other
 * people's comments are kept; LibreOffice opens the result when installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zip.h>

#include "annotate/annotate_limits.h"
#include "base/buf.h"
#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

typedef struct run {
    char *src;
    size_t srclen;
    void *out;
    size_t outlen;
    tcpl_doc *doc;
    tcpl_extraction *x;
    tcpl_findings *f;
    tcpl_annotate_stats st;
} run;

static tcpl_ctx *ctx;
static tcpl_extractor *ex;
static tcpl_checker *ck;

static int setup(void **state)
{
    (void)state;
    tcpl_error err;
    ctx = tu_ctx();
    if (tcpl_extractor_new(&ex, ctx, &err) < 0 || tcpl_checker_new(&ck, ctx, &err) < 0 ||
        tcpl_checker_add_default_packs(ck, &err) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return 0;
}

static void run_free(run *r)
{
    free(r->src);
    free(r->out);
    tcpl_findings_free(r->f);
    tcpl_extraction_free(r->x);
    tcpl_doc_free(r->doc);
    memset(r, 0, sizeof *r);
}

/* Reads, extracts, checks and annotates data (taken over by r). */
static void annotate_mem(run *r, char *data, size_t len, const char *name)
{
    tcpl_error err;
    memset(r, 0, sizeof *r);
    r->src = data;
    r->srclen = len;
    if (tcpl_docx_read_memory(&r->doc, ctx, data, len, name, &err) < 0 ||
        tcpl_extract(&r->x, ex, r->doc, &err) < 0 || tcpl_check(&r->f, ck, r->doc, r->x, NULL, &err) < 0)
        fail_msg("%s: %s %s", name, err.id ? err.id : "?", err.detail);
    tcpl_annotate_options o = {"2026-11-30T08:00:00Z"};
    if (tcpl_annotate(&r->out, &r->outlen, ctx, data, len, name, r->doc, r->x, r->f, &o, &r->st,
                      &err) < 0)
        fail_msg("%s: annotate: %s %s %s", name, err.id ? err.id : "?", err.where, err.detail);
}

static void annotate_path(run *r, const char *path)
{
    size_t len = 0;
    char *data = tu_read_file(path, &len);
    if (!data)
        fail_msg("cannot read %s", path);
    annotate_mem(r, data, len, path);
}

/* ---- looking inside the result ------------------------------------------ */

static int touched(const char *name)
{
    return !strcmp(name, "word/document.xml") || !strcmp(name, "word/comments.xml") ||
           !strcmp(name, "word/_rels/document.xml.rels") || !strcmp(name, "[Content_Types].xml");
}

/* Every entry of the source but the four is in the copy, byte for byte as
 * stored (compressed) with the same method and CRC. */
static void assert_untouched_identical(const run *r)
{
    zip_t *a = tu_zip_open_memory(r->src, r->srclen), *b = tu_zip_open_memory(r->out, r->outlen);
    zip_int64_t n = zip_get_num_entries(a, 0);
    size_t compared = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(a, (zip_uint64_t)i, 0);
        assert_non_null(name);
        zip_int64_t j = zip_name_locate(b, name, 0);
        if (j < 0)
            fail_msg("%s missing from the annotated copy", name);
        if (touched(name))
            continue;
        zip_stat_t sa, sb;
        zip_stat_index(a, (zip_uint64_t)i, 0, &sa);
        zip_stat_index(b, (zip_uint64_t)j, 0, &sb);
        assert_int_equal(sa.comp_method, sb.comp_method);
        assert_int_equal(sa.crc, sb.crc);
        size_t la, lb;
        char *da = tu_zip_read(a, name, 1, &la), *db = tu_zip_read(b, name, 1, &lb);
        assert_int_equal(la, lb);
        if (memcmp(da, db, la))
            fail_msg("%s differs", name);
        free(da);
        free(db);
        compared++;
    }
    /* nothing but the comments part (and the relationships) may be new */
    zip_int64_t m = zip_get_num_entries(b, 0);
    for (zip_int64_t j = 0; j < m; j++) {
        const char *name = zip_get_name(b, (zip_uint64_t)j, 0);
        if (zip_name_locate(a, name, 0) < 0 && !touched(name))
            fail_msg("unexpected new entry %s", name);
    }
    TU_ASSERT_NONEMPTY(compared, "entries compared");
    zip_discard(a);
    zip_discard(b);
}

static void assert_same_text(const run *r)
{
    tcpl_error err;
    tcpl_doc *d2 = NULL;
    if (tcpl_docx_read_memory(&d2, ctx, r->out, r->outlen, "annotated", &err) < 0)
        fail_msg("annotated copy unreadable: %s %s", err.id ? err.id : "?", err.detail);
    unsigned all = TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS;
    char *t1 = NULL, *t2 = NULL;
    size_t l1, l2;
    assert_int_equal(tcpl_doc_text(&t1, &l1, r->doc, all, &err), 0);
    assert_int_equal(tcpl_doc_text(&t2, &l2, d2, all, &err), 0);
    assert_int_equal(l1, l2);
    assert_memory_equal(t1, t2, l1);
    free(t1);
    free(t2);
    tcpl_doc_free(d2);
}

static xmlDocPtr part_tree(const run *r, const char *name)
{
    zip_t *z = tu_zip_open_memory(r->out, r->outlen);
    size_t len;
    char *x = tu_zip_read(z, name, 0, &len);
    zip_discard(z);
    if (!x)
        return NULL;
    xmlDocPtr d = xmlReadMemory(x, (int)len, name, NULL, XML_PARSE_NONET);
    free(x);
    assert_non_null(d);
    return d;
}

static int is_w(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, W_NS) &&
           !strcmp((const char *)n->name, local);
}

static long id_of(xmlNodePtr n)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"id", (const xmlChar *)W_NS);
    long id = v ? strtol((const char *)v, NULL, 10) : -1;
    xmlFree(v);
    return id;
}

/* Comments by author: ids of "tcpl" ones into tcpl_ids (in order). */
static size_t comments(const run *r, long *tcpl_ids, size_t max, size_t *others)
{
    xmlDocPtr d = part_tree(r, "word/comments.xml");
    size_t n = 0;
    *others = 0;
    if (!d)
        return 0;
    for (xmlNodePtr k = xmlDocGetRootElement(d)->children; k; k = k->next) {
        if (!is_w(k, "comment"))
            continue;
        xmlChar *a = xmlGetNsProp(k, (const xmlChar *)"author", (const xmlChar *)W_NS);
        if (a && !strcmp((const char *)a, "tcpl")) {
            if (n < max)
                tcpl_ids[n] = id_of(k);
            n++;
        } else {
            (*others)++;
        }
        xmlFree(a);
    }
    xmlFreeDoc(d);
    return n;
}

/* Collects w:t text under n, spaces dropped. */
static void text_of(xmlNodePtr n, char *buf, size_t size, size_t *len)
{
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (is_w(k, "t")) {
            xmlChar *c = xmlNodeGetContent(k);
            for (const char *p = (const char *)c; p && *p; p++)
                if (!isspace((unsigned char)*p) && *len + 1 < size)
                    buf[(*len)++] = *p;
            xmlFree(c);
        } else if (k->type == XML_ELEMENT_NODE && !is_w(k, "txbxContent")) {
            text_of(k, buf, size, len);
        }
    }
    buf[*len] = 0;
}

static xmlNodePtr find_start(xmlNodePtr n, long id)
{
    for (xmlNodePtr k = n; k; k = k->next) {
        if (is_w(k, "commentRangeStart") && id_of(k) == id)
            return k;
        xmlNodePtr f = k->type == XML_ELEMENT_NODE ? find_start(k->children, id) : NULL;
        if (f)
            return f;
    }
    return NULL;
}

static size_t count_elems(xmlNodePtr n, const char *local)
{
    size_t c = 0;
    for (xmlNodePtr k = n; k; k = k->next) {
        if (is_w(k, local))
            c++;
        if (k->type == XML_ELEMENT_NODE)
            c += count_elems(k->children, local);
    }
    return c;
}

static int in_textbox_or_note(const tcpl_doc *doc, int block)
{
    const tcpl_block *b = tcpl_doc_block(doc, (size_t)block);
    if (b->part != TCPL_PART_BODY)
        return 1;
    for (int up = 0; b && up < 64; up++) {
        if (b->kind == TCPL_BLOCK_TEXTBOX)
            return 1;
        if (b->parent < 0)
            break;
        b = tcpl_doc_block(doc, (size_t)b->parent);
    }
    return 0;
}

static int has_legacy(const tcpl_block *b)
{
    for (size_t i = 0; i < b->run_count; i++)
        if (b->runs[i].flags & (TCPL_RUN_LEGACY | TCPL_RUN_FIELD))
            return 1;
    return 0;
}

/* One comment per finding, each anchored on a paragraph (range start,
 * end and reference), and for a finding on a body paragraph, the paragraph
 * whose text begins with the excerpt.  Returns how many anchors were
 * checked against their excerpt. */
static size_t assert_comments_anchored(const run *r)
{
    size_t nf = tcpl_findings_count(r->f), others;
    long *ids = calloc(nf + 1, sizeof *ids);
    assert_non_null(ids);
    size_t nc = comments(r, ids, nf, &others);
    assert_int_equal(nc, nf);
    assert_int_equal(r->st.added, nf);
    xmlDocPtr d = part_tree(r, "word/document.xml");
    xmlNodePtr root = xmlDocGetRootElement(d);
    size_t checked = 0;
    for (size_t i = 0; i < nf; i++) {
        const tcpl_finding *g = tcpl_findings_get(r->f, i);
        xmlNodePtr s = find_start(root, ids[i]);
        if (!s)
            fail_msg("comment %ld (%s) has no range start", ids[i], g->rule);
        xmlNodePtr p = s->parent;
        assert_true(is_w(p, "p"));
        if (g->block < 0 || !g->excerpt[0] || in_textbox_or_note(r->doc, g->block))
            continue;
        /* the paragraph the excerpt comes from: the block, or its first
         * paragraph with text */
        const tcpl_block *b = tcpl_doc_block(r->doc, (size_t)g->block);
        for (size_t k = (size_t)g->block; b->kind != TCPL_BLOCK_PARAGRAPH || !b->text_len;)
            b = tcpl_doc_block(r->doc, ++k);
        if (has_legacy(b))
            continue; /* the XML holds TCVN3 bytes or field codes, the excerpt Unicode */
        const char *e = g->excerpt;
        size_t ll = strlen(b->label);
        if (ll && !strncmp(e, b->label, ll))
            e += ll;
        char want[64];
        size_t w = 0;
        for (; *e && w < 24; e++)
            if (!isspace((unsigned char)*e))
                want[w++] = *e;
        while (w && ((unsigned char)want[w - 1] & 0xC0) == 0x80)
            w--; /* whole characters */
        if (w && (unsigned char)want[w - 1] >= 0xC0)
            w--;
        want[w] = 0;
        if (!w || strstr(want, "\xE2\x80\xA6"))
            continue;
        char have[4096];
        size_t hl = 0;
        text_of(p, have, sizeof have, &hl);
        /* the model's text is NFC; a rendering may store NFD */
        char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)have);
        assert_non_null(nfc);
        snprintf(have, sizeof have, "%s", nfc);
        free(nfc);
        if (strncmp(have, want, w))
            fail_msg("%s: comment %ld anchored on \"%.60s\", excerpt \"%s\"", g->rule, ids[i], have,
                     g->excerpt);
        checked++;
    }
    /* every range has its end and its reference */
    assert_int_equal(count_elems(root, "commentRangeStart"), nc + others);
    assert_int_equal(count_elems(root, "commentRangeEnd"), nc + others);
    assert_int_equal(count_elems(root, "commentReference"), nc + others);
    xmlFreeDoc(d);
    free(ids);
    return checked;
}

static void check_one(const char *path, size_t *findings, size_t *checked)
{
    run r;
    annotate_path(&r, path);
    if (!r.st.mapped)
        fail_msg("%s: the document's paragraphs do not match the model's", path);
    if (r.st.unverified)
        fail_msg("%s: %zu comments on a paragraph not matching the model's text", path,
                 r.st.unverified);
    assert_untouched_identical(&r);
    assert_same_text(&r);
    *checked += assert_comments_anchored(&r);
    *findings += tcpl_findings_count(r.f);
    /* annotating the annotated copy: the same comments, once */
    run r2;
    char *copy = malloc(r.outlen);
    assert_non_null(copy);
    memcpy(copy, r.out, r.outlen);
    annotate_mem(&r2, copy, r.outlen, path);
    assert_int_equal(r2.st.removed, tcpl_findings_count(r.f));
    assert_int_equal(r2.st.added, tcpl_findings_count(r2.f));
    assert_int_equal(tcpl_findings_count(r2.f), tcpl_findings_count(r.f));
    assert_comments_anchored(&r2);
    assert_same_text(&r2);
    run_free(&r2);
    run_free(&r);
}

static void test_samples(void **state)
{
    (void)state;
    static const char *const names[] = {"kh-xa-2025", "kh-tinh-2022", "kh-khac-phuc-2026",
                                        "kl-kiem-tra-2025"};
    size_t findings = 0, checked = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[256];
        snprintf(path, sizeof path, "build/samples/%s.docx", names[i]);
        check_one(path, &findings, &checked);
    }
    TU_ASSERT_NONEMPTY(findings, "findings on the samples");
    TU_ASSERT_NONEMPTY(checked, "anchors compared with excerpts");
}

static void test_corpus(void **state)
{
    (void)state;
    const char *dir = tu_corpus();
    if (!dir)
        TU_SKIP("no corpus");
    DIR *dd = opendir(dir);
    assert_non_null(dd);
    struct dirent *de;
    size_t files = 0, findings = 0, checked = 0;
    while ((de = readdir(dd))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".docx"))
            continue;
        char *p = tu_corpus_file(de->d_name);
        check_one(p, &findings, &checked);
        free(p);
        files++;
    }
    closedir(dd);
    TU_ASSERT_NONEMPTY(files, "corpus files");
    TU_ASSERT_NONEMPTY(checked, "corpus anchors compared with excerpts");
    print_message("annotate: %zu corpus files, %zu findings, %zu anchors checked\n", files,
                  findings, checked);
}

/* A copy of data with every "w:author=\"tcpl\"" of comments.xml renamed, as
 * if a person had written those comments. */
static char *rename_authors(const void *data, size_t len, size_t *outlen)
{
    zip_t *z = tu_zip_open_memory(data, len);
    size_t cl;
    char *c = tu_zip_read(z, "word/comments.xml", 0, &cl);
    zip_discard(z);
    assert_non_null(c);
    for (char *p = c; (p = strstr(p, "w:author=\"tcpl\"")); p += 15)
        memcpy(p + 10, "Hoa\"", 4), memset(p + 14, ' ', 1);
    /* rewrite the archive with the new part */
    zip_error_t ze;
    zip_error_init(&ze);
    char *copy = malloc(len);
    memcpy(copy, data, len);
    zip_source_t *src = zip_source_buffer_create(copy, len, 1, &ze);
    zip_source_keep(src);
    zip_t *w = zip_open_from_source(src, 0, &ze);
    assert_non_null(w);
    zip_source_t *ps = zip_source_buffer(w, c, cl, 0);
    zip_file_replace(w, (zip_uint64_t)zip_name_locate(w, "word/comments.xml", 0), ps, 0);
    assert_int_equal(zip_close(w), 0);
    zip_stat_t st;
    zip_source_stat(src, &st);
    char *out = malloc(st.size);
    zip_source_open(src);
    zip_source_read(src, out, st.size);
    zip_source_close(src);
    zip_source_free(src);
    free(c);
    *outlen = st.size;
    return out;
}

static void test_keeps_other_comments(void **state)
{
    (void)state;
    run r;
    annotate_path(&r, "build/samples/kh-xa-2025.docx");
    size_t nf = tcpl_findings_count(r.f);
    TU_ASSERT_NONEMPTY(nf, "findings");
    size_t len;
    char *theirs = rename_authors(r.out, r.outlen, &len);
    run r2;
    annotate_mem(&r2, theirs, len, "reviewed.docx");
    assert_int_equal(r2.st.kept, nf);
    assert_int_equal(r2.st.removed, 0);
    assert_int_equal(r2.st.added, nf);
    size_t others;
    long ids[512];
    assert_int_equal(comments(&r2, ids, 512, &others), nf);
    assert_int_equal(others, nf);
    /* new ids come after the person's */
    for (size_t i = 0; i < nf && i < 512; i++)
        assert_true(ids[i] > (long)nf);
    assert_comments_anchored(&r2);
    assert_same_text(&r2);
    /* and once more: the person's stay, ours are replaced */
    run r3;
    char *again = malloc(r2.outlen);
    memcpy(again, r2.out, r2.outlen);
    annotate_mem(&r3, again, r2.outlen, "reviewed2.docx");
    assert_int_equal(r3.st.kept, nf);
    assert_int_equal(r3.st.removed, nf);
    assert_int_equal(comments(&r3, ids, 512, &others), nf);
    assert_int_equal(others, nf);
    run_free(&r3);
    run_free(&r2);
    run_free(&r);
}

/* Hostile input: one clear error, never a crash. */
static void test_hostile(void **state)
{
    (void)state;
    run r;
    annotate_path(&r, "build/samples/kh-xa-2025.docx");
    tcpl_error err;
    void *out = NULL;
    size_t outlen = 0;
    /* not a zip */
    assert_true(tcpl_annotate(&out, &outlen, ctx, "hello", 5, "x.docx", r.doc, r.x, r.f, NULL,
                              NULL, &err) < 0);
    assert_int_equal(err.code, TCPL_ERR_FORMAT);
    assert_null(out);
    /* a document.xml with a DOCTYPE */
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(src);
    zip_t *w = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    static const char ct[] =
        "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "content-types\"><Override PartName=\"/word/document.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document."
        "main+xml\"/></Types>";
    static const char rels[] =
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
        "officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
        "</Relationships>";
    static const char doc[] = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]>"
                              "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p/></w:body></w:document>";
    zip_file_add(w, "[Content_Types].xml", zip_source_buffer(w, ct, strlen(ct), 0), 0);
    zip_file_add(w, "_rels/.rels", zip_source_buffer(w, rels, strlen(rels), 0), 0);
    zip_file_add(w, "word/document.xml", zip_source_buffer(w, doc, strlen(doc), 0), 0);
    assert_int_equal(zip_close(w), 0);
    zip_stat_t st;
    zip_source_stat(src, &st);
    char *bad = malloc(st.size);
    zip_source_open(src);
    zip_source_read(src, bad, st.size);
    zip_source_close(src);
    zip_source_free(src);
    int rc = tcpl_annotate(&out, &outlen, ctx, bad, st.size, "dtd.docx", r.doc, r.x, r.f, NULL,
                           NULL, &err);
    assert_true(rc < 0);
    assert_int_equal(err.code, TCPL_ERR_FORMAT);
    assert_null(out);
    free(bad);
    run_free(&r);
}

/* Paragraphs the reader joins, text boxes read through one branch of an
 * mc:AlternateContent, content controls, tables with a joined paragraph at
 * the end of a cell: the annotator numbers the paragraphs as the reader
 * does (the counts match), and the copy reads the same. */
static void test_structures(void **state)
{
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
        "<w:document " TU_W_NS " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""
        " xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\""
        " xmlns:v=\"urn:schemas-microsoft-com:vml\" mc:Ignorable=\"wps\"><w:body>"
        "<w:p><w:r><w:t>ỦY BAN NHÂN DÂN XÃ AN BÌNH</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:rPr><w:del w:id=\"1\" w:author=\"a\"/></w:rPr></w:pPr><w:r><w:t>Nối </w:t></w:r></w:p>"
        "<w:p><w:r><w:t>tiếp theo</w:t></w:r></w:p>"
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx>"
        "<w:txbxContent><w:p><w:r><w:t>Hộp chữ</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>"
        "<w:t>Hộp chữ</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r><w:r><w:t>Sau hộp</w:t></w:r></w:p>"
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Trong sdt</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:pPr><w:rPr><w:del w:id=\"2\" w:author=\"a\"/></w:rPr></w:pPr><w:r><w:t>Trước bảng</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Ô một</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:rPr><w:del w:id=\"3\" w:author=\"a\"/></w:rPr></w:pPr><w:r><w:t>Cuối ô</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p/></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:t>Nơi nhận:</w:t></w:r></w:p>"
        "<w:sectPr/></w:body></w:document>";
    unsigned char *data = NULL;
    size_t len = 0;
    assert_int_equal(hostile_docx(doc, NULL, NULL, &data, &len), 0);
    run r;
    annotate_mem(&r, (char *)data, len, "structures.docx");
    size_t model = 0;
    for (size_t i = 0; i < tcpl_doc_block_count(r.doc); i++) {
        const tcpl_block *b = tcpl_doc_block(r.doc, i);
        model += b->kind == TCPL_BLOCK_PARAGRAPH && b->part == TCPL_PART_BODY;
    }
    /* 13 w:p: the box is read once (12), "Nối " joins "tiếp theo" (11);
     * the joined paragraphs before the table and at the end of the cell
     * find nothing to join and stand alone */
    assert_int_equal(model, 11);
    assert_int_equal(r.st.mapped, 1);
    assert_untouched_identical(&r);
    assert_same_text(&r);
    assert_comments_anchored(&r);
    run_free(&r);
}

/* batch --annotate: beside each result, the annotated submission, named in
 * the result. */
static void test_batch_annotate(void **state)
{
    (void)state;
    char dir[] = "/tmp/tcpl-annotate-batch-XXXXXX";
    assert_non_null(mkdtemp(dir));
    /* the four sample plans (build/samples also holds the dossier samples'
     * folders, which are not submissions) */
    glob_t g;
    assert_int_equal(glob("build/samples/*.docx", 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 4);
    tcpl_batch_options o;
    memset(&o, 0, sizeof o);
    o.inputs = (const char *const *)g.gl_pathv;
    o.ninputs = g.gl_pathc;
    o.out_dir = dir;
    o.today = "2026-11-30";
    o.jobs = 2;
    o.annotate = 1;
    tcpl_batch_totals t;
    tcpl_error err;
    assert_int_equal(tcpl_batch_run(&t, ctx, ex, ck, &o, &err), 0);
    assert_int_equal(t.checked, 4);
    char rdir[256];
    snprintf(rdir, sizeof rdir, "%s/results", dir);
    DIR *dd = opendir(rdir);
    assert_non_null(dd);
    struct dirent *de;
    size_t seen = 0;
    while ((de = readdir(dd))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json"))
            continue;
        char p[512], a[512];
        snprintf(p, sizeof p, "%s/%s", rdir, de->d_name);
        size_t len;
        char *json = tu_read_file(p, &len);
        assert_non_null(json);
        snprintf(a, sizeof a, "\"annotated\":\"annotated/%.*s.docx\"", (int)(n - 5), de->d_name);
        TU_ASSERT_CONTAINS(json, a);
        free(json);
        snprintf(a, sizeof a, "%s/annotated/%.*s.docx", dir, (int)(n - 5), de->d_name);
        tcpl_doc *d = NULL;
        if (tcpl_docx_read(&d, ctx, a, &err) < 0)
            fail_msg("%s not readable", a);
        tcpl_doc_free(d);
        seen++;
    }
    closedir(dd);
    assert_int_equal(seen, 4);
    globfree(&g);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The command line, and LibreOffice opening what it wrote. */
static void test_cli_and_libreoffice(void **state)
{
    (void)state;
    const char *bin = getenv("TCPL_BIN");
    if (!bin)
        bin = "build/tcpl";
    char dir[] = "/tmp/tcpl-annotate-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[2048], out[256];
    snprintf(out, sizeof out, "%s/reviewed.docx", dir);
    snprintf(cmd, sizeof cmd, "%s annotate build/samples/kh-xa-2025.docx -o %s 2>/dev/null", bin,
             out);
    assert_int_equal(system(cmd), 0);
    struct stat sb;
    assert_int_equal(stat(out, &sb), 0);
    /* the output may not be the input */
    snprintf(cmd, sizeof cmd, "%s annotate %s -o %s 2>/dev/null", bin, out, out);
    assert_int_not_equal(system(cmd), 0);
    if (system("command -v soffice >/dev/null 2>&1") != 0) {
        tu_skipped(__func__, "soffice not installed: LibreOffice conversion not tested");
    } else {
        snprintf(cmd, sizeof cmd,
                 "cd %s && timeout 180 soffice -env:UserInstallation=file://%s/lo --headless "
                 "--convert-to pdf reviewed.docx >/dev/null 2>&1",
                 dir, dir);
        assert_int_equal(system(cmd), 0);
        char pdf[300];
        snprintf(pdf, sizeof pdf, "%s/reviewed.pdf", dir);
        assert_int_equal(stat(pdf, &sb), 0);
        assert_true(sb.st_size > 1000);
        /* LibreOffice read every comment: its ODT has one annotation each */
        snprintf(cmd, sizeof cmd,
                 "cd %s && timeout 180 soffice -env:UserInstallation=file://%s/lo --headless "
                 "--convert-to odt reviewed.docx >/dev/null 2>&1",
                 dir, dir);
        assert_int_equal(system(cmd), 0);
        char odt[300];
        snprintf(odt, sizeof odt, "%s/reviewed.odt", dir);
        size_t ol;
        char *od = tu_read_file(odt, &ol);
        assert_non_null(od);
        zip_t *z = tu_zip_open_memory(od, ol);
        size_t cl;
        char *content = tu_zip_read(z, "content.xml", 0, &cl);
        size_t n = 0;
        for (char *p = content; (p = strstr(p, "<office:annotation ")); p++)
            n++;
        run r;
        annotate_path(&r, "build/samples/kh-xa-2025.docx");
        assert_int_equal(n, tcpl_findings_count(r.f));
        TU_ASSERT_CONTAINS(content, "tcpl");
        run_free(&r);
        free(content);
        zip_discard(z);
        free(od);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* data with entries names[i] replaced by (or added as) contents[i]. */
static char *zip_with(const void *data, size_t len, const char *const *names,
                      char *const *contents, size_t n, size_t *outlen)
{
    zip_error_t ze;
    zip_error_init(&ze);
    char *copy = malloc(len);
    memcpy(copy, data, len);
    zip_source_t *src = zip_source_buffer_create(copy, len, 1, &ze);
    zip_source_keep(src);
    zip_t *w = zip_open_from_source(src, 0, &ze);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *ps = zip_source_buffer(w, contents[i], strlen(contents[i]), 0);
        assert_non_null(ps);
        zip_int64_t at = zip_name_locate(w, names[i], 0);
        if (at >= 0)
            assert_int_equal(zip_file_replace(w, (zip_uint64_t)at, ps, 0), 0);
        else
            assert_true(zip_file_add(w, names[i], ps, 0) >= 0);
    }
    assert_int_equal(zip_close(w), 0);
    zip_stat_t st;
    zip_source_stat(src, &st);
    char *out = malloc(st.size);
    zip_source_open(src);
    assert_int_equal(zip_source_read(src, out, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    *outlen = st.size;
    return out;
}

/* s with ins put before the first occurrence of at (malloc'd). */
static char *insert_before(const char *s, const char *at, const char *ins)
{
    const char *p = strstr(s, at);
    assert_non_null(p);
    size_t a = (size_t)(p - s), b = strlen(ins), c = strlen(p);
    char *o = malloc(a + b + c + 1);
    memcpy(o, s, a);
    memcpy(o + a, ins, b);
    memcpy(o + a + b, p, c + 1);
    return o;
}

/* Both limits give their own error, with nothing written; lowered through
 * annotate_limited so the test needs neither 64 MB nor 20,000 comments. */
static void test_limits(void **state)
{
    (void)state;
    run r;
    annotate_path(&r, "build/samples/kh-xa-2025.docx");
    size_t nf = tcpl_findings_count(r.f);
    TU_ASSERT_NONEMPTY(nf, "findings");
    tcpl_error err;
    void *out = NULL;
    size_t outlen = 0;
    /* exactly enough comments: fine; one fewer: refused */
    assert_int_equal(annotate_limited(&out, &outlen, ctx, r.src, r.srclen, "kh.docx", r.doc, r.x,
                                      r.f, NULL, NULL, nf, 0, &err),
                     0);
    free(out);
    out = NULL;
    assert_int_equal(annotate_limited(&out, &outlen, ctx, r.src, r.srclen, "kh.docx", r.doc, r.x,
                                      r.f, NULL, NULL, nf - 1, 0, &err),
                     TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.annotate_comments");
    assert_null(out);
    char msg[1024];
    tcpl_error_format(ctx, &err, msg, sizeof msg);
    TU_ASSERT_CONTAINS(msg, "quá nhiều nhận xét");
    /* document.xml larger than the part limit */
    assert_int_equal(annotate_limited(&out, &outlen, ctx, r.src, r.srclen, "kh.docx", r.doc, r.x,
                                      r.f, NULL, NULL, 0, 4096, &err),
                     TCPL_ERR_LIMIT);
    assert_string_equal(err.id, "err.annotate_too_big");
    assert_string_equal(err.where, "word/document.xml");
    assert_null(out);
    tcpl_error_format(ctx, &err, msg, sizeof msg);
    TU_ASSERT_CONTAINS(msg, "quá lớn");
    /* a limit cannot be raised: above the constant means the constant */
    assert_int_equal(annotate_limited(&out, &outlen, ctx, r.src, r.srclen, "kh.docx", r.doc, r.x,
                                      r.f, NULL, NULL, (size_t)1 << 40, (size_t)1 << 40, &err),
                     0);
    free(out);
    run_free(&r);
}

/* The model and the document disagree (a paragraph the model does not
 * have: here one inserted at the top, as a construct the count does not
 * know would do): the counts no longer match, every comment still lands on
 * the paragraph whose text its finding quotes (the nearest paragraph that
 * opens with the block's text), none unverified. */
static void test_nearest_paragraph(void **state)
{
    (void)state;
    run r;
    annotate_path(&r, "build/samples/kh-xa-2025.docx");
    zip_t *z = tu_zip_open_memory(r.src, r.srclen);
    size_t dl;
    char *doc = tu_zip_read(z, "word/document.xml", 0, &dl);
    zip_discard(z);
    assert_non_null(doc);
    char *body = strstr(doc, "<w:body>");
    assert_non_null(body);
    /* after <w:body>: a paragraph the model never saw */
    size_t head = (size_t)(body + 8 - doc);
    static const char extra[] = "<w:p><w:r><w:t>Đoạn thêm không có trong mô hình</w:t></w:r></w:p>";
    char *nd = malloc(dl + sizeof extra);
    memcpy(nd, doc, head);
    memcpy(nd + head, extra, sizeof extra - 1);
    memcpy(nd + head + sizeof extra - 1, doc + head, dl - head + 1);
    const char *names[] = {"word/document.xml"};
    char *contents[] = {nd};
    size_t blen;
    char *b = zip_with(r.src, r.srclen, names, contents, 1, &blen);
    run m = r; /* the model, extraction and findings of the original */
    m.out = NULL;
    tcpl_error err;
    tcpl_annotate_options o = {"2026-11-30T08:00:00Z"};
    assert_int_equal(tcpl_annotate(&m.out, &m.outlen, ctx, b, blen, "moved.docx", r.doc, r.x, r.f,
                                   &o, &m.st, &err),
                     0);
    assert_int_equal(m.st.mapped, 0);
    assert_int_equal(m.st.unverified, 0);
    assert_int_equal(m.st.added, tcpl_findings_count(r.f));
    /* checked against the excerpts: without the search, each would sit one
     * paragraph early */
    assert_true(assert_comments_anchored(&m) > 5);
    free(m.out);
    free(b);
    free(nd);
    free(doc);
    run_free(&r);
}

#define W14_NS "http://schemas.microsoft.com/office/word/2010/wordml"

/* Word's extension parts for the comments of an annotated file: a
 * re-annotation removes the entries of the tcpl comments it removes, keeps
 * the others, and a reply to a removed comment loses its parent. */
static void test_extension_parts(void **state)
{
    (void)state;
    run r;
    annotate_path(&r, "build/samples/kh-xa-2025.docx");
    size_t nf = tcpl_findings_count(r.f);
    TU_ASSERT_NONEMPTY(nf, "findings");
    /* what Word does on saving: a w14:paraId on every comment paragraph */
    xmlDocPtr cd = part_tree(&r, "word/comments.xml");
    xmlNodePtr root = xmlDocGetRootElement(cd);
    xmlNsPtr w14 = xmlNewNs(root, (const xmlChar *)W14_NS, (const xmlChar *)"w14");
    tcpl_buf ext, ids, cex;
    tcpl_buf_init(&ext);
    tcpl_buf_init(&ids);
    tcpl_buf_init(&cex);
    tcpl_buf_puts(&ext, "<?xml version=\"1.0\"?><w15:commentsEx xmlns:w15=\"http://schemas.microsoft."
                        "com/office/word/2012/wordml\">");
    tcpl_buf_puts(&ids, "<?xml version=\"1.0\"?><w16cid:commentsIds xmlns:w16cid=\"http://schemas."
                        "microsoft.com/office/word/2016/wordml/cid\">");
    tcpl_buf_puts(&cex, "<?xml version=\"1.0\"?><w16cex:commentsExtensible xmlns:w16cex=\"http://"
                        "schemas.microsoft.com/office/word/2018/wordml/cex\">");
    unsigned pid = 0x10000000, first = 0, ncomments = 0;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!is_w(c, "comment"))
            continue;
        unsigned last = 0;
        for (xmlNodePtr p = c->children; p; p = p->next)
            if (is_w(p, "p")) {
                char hex[16];
                snprintf(hex, sizeof hex, "%08X", ++pid);
                xmlSetNsProp(p, w14, (const xmlChar *)"paraId", (const xmlChar *)hex);
                last = pid;
            }
        assert_true(last != 0);
        if (!first)
            first = last;
        tcpl_buf_printf(&ext, "<w15:commentEx w15:paraId=\"%08X\" w15:done=\"0\"/>", last);
        tcpl_buf_printf(&ids, "<w16cid:commentId w16cid:paraId=\"%08X\" w16cid:durableId=\"%08X\"/>",
                        last, last + 0x10000000);
        tcpl_buf_printf(&cex,
                        "<w16cex:commentExtensible w16cex:durableId=\"%08X\" "
                        "w16cex:dateUtc=\"2026-11-30T08:00:00Z\"/>",
                        last + 0x10000000);
        ncomments++;
    }
    assert_int_equal(ncomments, nf);
    /* someone else's comment (kept), and a reply to the first tcpl one */
    tcpl_buf_printf(&ext, "<w15:commentEx w15:paraId=\"7FFFFFF0\" w15:done=\"1\"/>"
                          "<w15:commentEx w15:paraId=\"7FFFFFF1\" w15:paraIdParent=\"%08X\" "
                          "w15:done=\"0\"/></w15:commentsEx>",
                    first);
    tcpl_buf_puts(&ids, "<w16cid:commentId w16cid:paraId=\"7FFFFFF0\" w16cid:durableId=\"0ABCDEF0\"/>"
                        "</w16cid:commentsIds>");
    tcpl_buf_puts(&cex, "<w16cex:commentExtensible w16cex:durableId=\"0ABCDEF0\" "
                        "w16cex:dateUtc=\"2026-11-30T08:00:00Z\"/></w16cex:commentsExtensible>");
    xmlChar *cm = NULL;
    int cml = 0;
    xmlDocDumpMemoryEnc(cd, &cm, &cml, "UTF-8");
    xmlFreeDoc(cd);
    zip_t *z = tu_zip_open_memory(r.out, r.outlen);
    size_t l;
    char *rels = tu_zip_read(z, "word/_rels/document.xml.rels", 0, &l);
    char *ct = tu_zip_read(z, "[Content_Types].xml", 0, &l);
    zip_discard(z);
    char *rels2 = insert_before(
        rels, "</Relationships>",
        "<Relationship Id=\"rIdX1\" Type=\"http://schemas.microsoft.com/office/2011/relationships/"
        "commentsExtended\" Target=\"commentsExtended.xml\"/>"
        "<Relationship Id=\"rIdX2\" Type=\"http://schemas.microsoft.com/office/2016/09/"
        "relationships/commentsIds\" Target=\"commentsIds.xml\"/>"
        "<Relationship Id=\"rIdX3\" Type=\"http://schemas.microsoft.com/office/2018/08/"
        "relationships/commentsExtensible\" Target=\"commentsExtensible.xml\"/>");
    char *ct2 = insert_before(
        ct, "</Types>",
        "<Override PartName=\"/word/commentsExtended.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml\"/>"
        "<Override PartName=\"/word/commentsIds.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.commentsIds+xml\"/>"
        "<Override PartName=\"/word/commentsExtensible.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.commentsExtensible+xml\"/>");
    const char *names[] = {"word/comments.xml",        "word/commentsExtended.xml",
                           "word/commentsIds.xml",     "word/commentsExtensible.xml",
                           "word/_rels/document.xml.rels", "[Content_Types].xml"};
    char *contents[] = {(char *)cm, ext.data, ids.data, cex.data, rels2, ct2};
    size_t wl;
    char *word = zip_with(r.out, r.outlen, names, contents, 6, &wl);
    run r2;
    annotate_mem(&r2, word, wl, "word-saved.docx");
    assert_int_equal(r2.st.removed, nf);
    assert_int_equal(r2.st.added, nf);
    z = tu_zip_open_memory(r2.out, r2.outlen);
    char *e2 = tu_zip_read(z, "word/commentsExtended.xml", 0, &l);
    char *i2 = tu_zip_read(z, "word/commentsIds.xml", 0, &l);
    char *x2 = tu_zip_read(z, "word/commentsExtensible.xml", 0, &l);
    zip_discard(z);
    assert_non_null(e2);
    assert_non_null(i2);
    assert_non_null(x2);
    for (unsigned k = 0x10000001; k <= pid; k++) {
        char hex[16];
        snprintf(hex, sizeof hex, "\"%08X\"", k);
        if (strstr(e2, hex) || strstr(i2, hex))
            fail_msg("paraId %s of a removed comment is still there", hex);
        snprintf(hex, sizeof hex, "\"%08X\"", k + 0x10000000);
        if (strstr(i2, hex) || strstr(x2, hex))
            fail_msg("durableId %s of a removed comment is still there", hex);
    }
    TU_ASSERT_CONTAINS(e2, "7FFFFFF0");
    TU_ASSERT_CONTAINS(e2, "7FFFFFF1"); /* the reply stays, standing alone */
    assert_null(strstr(e2, "paraIdParent"));
    TU_ASSERT_CONTAINS(i2, "0ABCDEF0");
    TU_ASSERT_CONTAINS(x2, "0ABCDEF0");
    assert_same_text(&r2);
    free(e2);
    free(i2);
    free(x2);
    run_free(&r2);
    free(rels);
    free(ct);
    free(rels2);
    free(ct2);
    xmlFree(cm);
    tcpl_buf_free(&ext);
    tcpl_buf_free(&ids);
    tcpl_buf_free(&cex);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_keeps_other_comments),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_structures),
        cmocka_unit_test(test_batch_annotate),
        cmocka_unit_test(test_cli_and_libreoffice),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_nearest_paragraph),
        cmocka_unit_test(test_extension_parts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
