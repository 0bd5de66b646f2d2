/* libFuzzer harness for tcpl annotate (docs/annotate.md): findings as Word
 * comments written into a copy of the document.
 *
 * Input: the body XML (inside w:body), then optionally byte 0x01 and the
 * inside of word/comments.xml (w:comment elements: the file's own comments,
 * author "tcpl" for an earlier annotation's), then optionally 0x01 and the
 * inside of word/commentsExtended.xml (w15:commentEx entries).  The pieces
 * are packed into a valid DOCX whose main part names both parts; the
 * document is read, extracted, checked and annotated.  When annotate
 * succeeds, the copy must read back with the same text, and annotating the
 * copy again must remove exactly the comments the first run added: either
 * failing is a bug (abort() so libFuzzer keeps the input).  Annotate may
 * refuse a comments part it cannot read (TCPL_ERR_FORMAT) or a limit.
 * Replay a crash: build-fuzz/fuzz_annotate CRASH-FILE */
#include <string.h>

#include "base/buf.h"
#include "fuzz_run.h"
#include "helpers/hostile.h"
#include "tcpl/annotate.h"
#include "tcpl/rules.h"

enum { PIECES = 3 };

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define W15_NS "xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\""
/* The namespaces Word and LibreOffice declare on the root, so bodies cut
 * from real documents (the seeds) keep their prefixes bound. */
#define W14_NS                                                                                     \
    "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\""                           \
    " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""                    \
    " xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\""         \
    " xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""                           \
    " xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\""                      \
    " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""             \
    " xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\""             \
    " xmlns:v=\"urn:schemas-microsoft-com:vml\""                                                   \
    " xmlns:o=\"urn:schemas-microsoft-com:office:office\""

static const char RELS[] =
    DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "relationships/comments\" Target=\"comments.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"http://schemas.microsoft.com/office/2011/relationships/"
         "commentsExtended\" Target=\"commentsExtended.xml\"/></Relationships>";

static tcpl_checker *fuzz_ck;

/* Annotate may refuse what it cannot read; anything else is a bug. */
static void expect_honest(int rc, const tcpl_error *err, const char *what)
{
    if (rc >= 0 || rc == TCPL_ERR_NOMEM || rc == TCPL_ERR_LIMIT || rc == TCPL_ERR_FORMAT)
        return;
    fprintf(stderr, "fuzz_annotate: %s: code %d %s %s %s\n", what, rc, err->id ? err->id : "",
            err->where, err->detail);
    abort();
}

static char *text_of(const tcpl_doc *doc, size_t *n)
{
    tcpl_error err;
    char *s = NULL;
    int rc = tcpl_doc_text(&s, n, doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS, &err);
    fuzz_expect(rc, &err, "tcpl_doc_text");
    return rc == 0 ? s : NULL;
}

/* Reads, extracts, checks and annotates docx; 0 and *out, or <0. */
static int annotate_once(const void *docx, size_t len, void **out, size_t *outlen,
                         tcpl_annotate_stats *st, char **text, size_t *tlen, tcpl_doc **docp)
{
    tcpl_error err;
    tcpl_doc *doc = NULL;
    tcpl_extraction *x = NULL;
    tcpl_findings *f = NULL;
    *out = NULL;
    *docp = NULL;
    int rc = tcpl_docx_read_memory(&doc, fuzz_ctx, docx, len, "fuzz.docx", &err);
    if (rc < 0)
        return rc;
    rc = tcpl_extract(&x, fuzz_ex, doc, &err);
    fuzz_expect(rc, &err, "tcpl_extract");
    if (rc == 0) {
        rc = tcpl_check(&f, fuzz_ck, doc, x, NULL, &err);
        fuzz_expect(rc, &err, "tcpl_check");
    }
    if (rc == 0) {
        tcpl_annotate_options o = {"2026-11-30T08:00:00Z"};
        rc = tcpl_annotate(out, outlen, fuzz_ctx, docx, len, "fuzz.docx", doc, x, f, &o, st, &err);
        expect_honest(rc, &err, "tcpl_annotate");
        FUZZ_CHECK(rc < 0 || st->added == tcpl_findings_count(f));
    }
    if (rc == 0 && text)
        *text = text_of(doc, tlen);
    tcpl_findings_free(f);
    tcpl_extraction_free(x);
    *docp = doc;
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (!fuzz_ck) {
        tcpl_error err;
        if (tcpl_checker_new(&fuzz_ck, fuzz_ctx, &err) < 0 ||
            tcpl_checker_add_default_packs(fuzz_ck, &err) < 0)
            abort();
    }
    const uint8_t *piece[PIECES] = {data, (const uint8_t *)"", (const uint8_t *)""};
    size_t plen[PIECES] = {size, 0, 0};
    const uint8_t *p = data;
    size_t n = size;
    for (size_t i = 0; i + 1 < PIECES; i++) {
        const uint8_t *sep = memchr(p, 1, n);
        if (!sep)
            break;
        plen[i] = (size_t)(sep - p);
        n -= plen[i] + 1;
        p = sep + 1;
        piece[i + 1] = p;
        plen[i + 1] = n;
    }
    tcpl_buf doc, com, ext;
    tcpl_buf_init(&doc);
    tcpl_buf_init(&com);
    tcpl_buf_init(&ext);
    tcpl_buf_puts(&doc, DECL "<w:document " TU_W_NS " " W14_NS "><w:body>");
    tcpl_buf_put(&doc, piece[0], plen[0]);
    tcpl_buf_puts(&doc, "</w:body></w:document>");
    tcpl_buf_puts(&com, DECL "<w:comments " TU_W_NS " " W14_NS ">");
    tcpl_buf_put(&com, piece[1], plen[1]);
    tcpl_buf_puts(&com, "</w:comments>");
    tcpl_buf_puts(&ext, DECL "<w15:commentsEx " W15_NS ">");
    tcpl_buf_put(&ext, piece[2], plen[2]);
    tcpl_buf_puts(&ext, "</w15:commentsEx>");
    if (!tcpl_buf_ok(&doc) || !tcpl_buf_ok(&com) || !tcpl_buf_ok(&ext))
        abort();
    tu_part parts[] = {{"word/document.xml", doc.data, doc.len},
                       {"word/comments.xml", com.data, com.len},
                       {"word/commentsExtended.xml", ext.data, ext.len},
                       {"word/_rels/document.xml.rels", RELS, 0}};
    unsigned char *docx = NULL;
    size_t docx_len = 0;
    if (tu_build_docx(parts, 4, &docx, &docx_len) < 0)
        abort();
    tcpl_buf_free(&doc);
    tcpl_buf_free(&com);
    tcpl_buf_free(&ext);

    void *out = NULL, *out2 = NULL;
    size_t outlen = 0, outlen2 = 0, tl = 0, tl2 = 0;
    char *text = NULL, *text2 = NULL;
    tcpl_annotate_stats st, st2;
    tcpl_doc *d1 = NULL, *d2 = NULL;
    if (annotate_once(docx, docx_len, &out, &outlen, &st, &text, &tl, &d1) == 0) {
        /* the copy reads, reads the same, and re-annotates in place */
        int rc = annotate_once(out, outlen, &out2, &outlen2, &st2, &text2, &tl2, &d2);
        if (rc < 0 && rc != TCPL_ERR_NOMEM && rc != TCPL_ERR_LIMIT) {
            fprintf(stderr, "fuzz_annotate: the annotated copy does not annotate again (%d)\n", rc);
            abort();
        }
        if (rc == 0) {
            FUZZ_CHECK(text && text2 && tl == tl2 && !memcmp(text, text2, tl));
            FUZZ_CHECK(st2.removed == st.added);
            FUZZ_CHECK(st2.kept == st.kept);
        }
    }
    free(text);
    free(text2);
    free(out);
    free(out2);
    tcpl_doc_free(d1);
    tcpl_doc_free(d2);
    free(docx);
    return 0;
}
