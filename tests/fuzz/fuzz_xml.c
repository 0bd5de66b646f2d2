/* libFuzzer harness past the zip layer: the input is XML (or plain text)
 * that the harness packs into a valid DOCX, so mutations reach the XML
 * reader, styles, numbering, footnotes and the extractor instead of dying
 * on a zip CRC.
 *
 * Input: one mode byte, then up to 4 pieces separated by byte 0x01:
 *   body, styles, numbering, footnotes.
 * Mode byte with the low bit clear ('0'): each piece is XML, wrapped in its
 * root element (w:document/w:body, w:styles, w:numbering, w:footnotes).
 * Low bit set ('1'): the body piece is plain text, one paragraph a line
 * (a line with tabs becomes a table row, one cell per field, consecutive
 * such lines one table; a vertical tab is a line break), so the extractor's
 * text patterns are explored directly; the other pieces stay XML.
 * Replay a crash: build-fuzz/fuzz_xml CRASH-FILE */
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "fuzz_run.h"
#include "helpers/hostile.h"

enum { PIECES = 4 };

/* Every namespace a Word or LibreOffice document declares on its root, so
 * seeds cut from real parts keep their prefixes bound. */
#define FUZZ_NS                                                                                    \
    TU_W_NS                                                                                        \
    " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""                    \
    " xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\""         \
    " xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""                           \
    " xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\""                      \
    " xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\""             \
    " xmlns:wpg=\"http://schemas.microsoft.com/office/word/2010/wordprocessingGroup\""             \
    " xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\""                          \
    " xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\""                          \
    " xmlns:wp14=\"http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing\""          \
    " xmlns:m=\"http://schemas.openxmlformats.org/officeDocument/2006/math\""                      \
    " xmlns:v=\"urn:schemas-microsoft-com:vml\""                                                   \
    " xmlns:o=\"urn:schemas-microsoft-com:office:office\""                                         \
    " xmlns:w10=\"urn:schemas-microsoft-com:office:word\""

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static const char *const PART[PIECES] = {"word/document.xml", "word/styles.xml",
                                         "word/numbering.xml", "word/footnotes.xml"};
static const char *const ROOT[PIECES] = {"document", "styles", "numbering", "footnotes"};

/* Text as XML character data: & < > escaped, invalid UTF-8 replaced,
 * control characters (not allowed in XML 1.0) dropped.  Plain stretches go
 * out in one piece: this runs on every input. */
static void put_text(tcpl_buf *b, const uint8_t *p, size_t n)
{
    size_t i = 0, plain = 0;
    while (i < n) {
        if (p[i] >= 0x20 && p[i] < 0x80 && p[i] != '&' && p[i] != '<' && p[i] != '>') {
            i++;
            continue;
        }
        utf8proc_int32_t cp = -1;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k > 0 && cp >= 0x80 && cp != 0xFFFE && cp != 0xFFFF) {
            i += (size_t)k;
            continue;
        }
        tcpl_buf_put(b, p + plain, i - plain);
        if (k <= 0)
            tcpl_buf_puts(b, "\xEF\xBF\xBD");
        else if (cp == '&')
            tcpl_buf_puts(b, "&amp;");
        else if (cp == '<')
            tcpl_buf_puts(b, "&lt;");
        else if (cp == '>')
            tcpl_buf_puts(b, "&gt;");
        else if (cp == '\v')
            tcpl_buf_puts(b, "</w:t><w:br/><w:t xml:space=\"preserve\">");
        i += k > 0 ? (size_t)k : 1;
        plain = i;
    }
    tcpl_buf_put(b, p + plain, i - plain);
}

static void put_para(tcpl_buf *b, const uint8_t *p, size_t n)
{
    tcpl_buf_puts(b, "<w:p><w:r><w:t xml:space=\"preserve\">");
    put_text(b, p, n);
    tcpl_buf_puts(b, "</w:t></w:r></w:p>");
}

/* Plain text lines into body XML. */
static void text_body(tcpl_buf *b, const uint8_t *p, size_t n)
{
    int in_table = 0;
    size_t i = 0;
    while (i <= n) {
        const uint8_t *nl = i < n ? memchr(p + i, '\n', n - i) : NULL;
        size_t end = nl ? (size_t)(nl - p) : n;
        const uint8_t *line = p + i;
        size_t len = end - i;
        if (len && line[len - 1] == '\r')
            len--;
        if (memchr(line, '\t', len)) {
            if (!in_table)
                tcpl_buf_puts(b, "<w:tbl>");
            in_table = 1;
            tcpl_buf_puts(b, "<w:tr>");
            size_t c = 0;
            while (c <= len) {
                const uint8_t *tab = c < len ? memchr(line + c, '\t', len - c) : NULL;
                size_t ce = tab ? (size_t)(tab - line) : len;
                tcpl_buf_puts(b, "<w:tc>");
                put_para(b, line + c, ce - c);
                tcpl_buf_puts(b, "</w:tc>");
                c = ce + 1;
            }
            tcpl_buf_puts(b, "</w:tr>");
        } else {
            if (in_table)
                tcpl_buf_puts(b, "</w:tbl>");
            in_table = 0;
            put_para(b, line, len);
        }
        i = end + 1;
    }
    if (in_table)
        tcpl_buf_puts(b, "</w:tbl>");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int text = data[0] & 1;
    const uint8_t *p = data + 1;
    size_t n = size - 1;

    /* The pieces; the last keeps any further separators. */
    const uint8_t *piece[PIECES];
    size_t plen[PIECES], npieces = 0;
    while (npieces < PIECES) {
        const uint8_t *sep = npieces + 1 < PIECES ? memchr(p, 1, n) : NULL;
        size_t len = sep ? (size_t)(sep - p) : n;
        piece[npieces] = p;
        plen[npieces++] = len;
        if (!sep)
            break;
        p = sep + 1;
        n -= len + 1;
    }

    tcpl_buf xml[PIECES];
    tu_part parts[PIECES];
    for (size_t i = 0; i < npieces; i++) {
        tcpl_buf *b = &xml[i];
        tcpl_buf_init(b);
        tcpl_buf_printf(b, DECL "<w:%s " FUZZ_NS ">", ROOT[i]);
        if (i == 0) {
            tcpl_buf_puts(b, "<w:body>");
            if (text)
                text_body(b, piece[i], plen[i]);
            else
                tcpl_buf_put(b, piece[i], plen[i]);
            tcpl_buf_puts(b, "</w:body>");
        } else {
            tcpl_buf_put(b, piece[i], plen[i]);
        }
        tcpl_buf_printf(b, "</w:%s>", ROOT[i]);
        if (!tcpl_buf_ok(b))
            abort();
        /* A part's length: the builder takes strlen() of a 0 length, so
         * an empty part cannot happen here (the root is always there). */
        parts[i] = (tu_part){PART[i], b->data, b->len};
    }

    /* tu_build_docx adds [Content_Types].xml, _rels/.rels and the
     * document.xml.rels relationships to styles, numbering and footnotes. */
    unsigned char *docx = NULL;
    size_t docx_len = 0;
    if (tu_build_docx(parts, npieces, &docx, &docx_len) < 0)
        abort();
    for (size_t i = 0; i < npieces; i++)
        tcpl_buf_free(&xml[i]);
    fuzz_docx_bytes(docx, docx_len);
    free(docx);
    return 0;
}
