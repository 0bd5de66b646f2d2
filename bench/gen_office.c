/* gen_office DIR N shared|unique: writes N Word-like DOCX files into DIR,
 * shaped like what offices send: a styles part of ~350 KB (hundreds of
 * w:style definitions and a large w:latentStyles, as python-docx's default
 * template and many Word installs carry) and 45-60 KB of text that uses a
 * handful of those styles and one numbering definition.  "shared": every
 * file has a byte-identical styles, numbering, theme and font-table part;
 * "unique": each styles part gets one more style of its own.  Run by
 * bench/run.sh; the files are generated, never committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void put(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap ? b->cap * 2 : 65536;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            exit(1);
    }
}

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define ROOT                                                                                       \
    "xmlns:w=\"" W_NS "\" "                                                                        \
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "             \
    "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "                    \
    "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" mc:Ignorable=\"w14\""

static void styles_part(sbuf *b, int unique_id)
{
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles " ROOT ">");
    put(b, "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme=\"minorHAnsi\" "
           "w:eastAsiaTheme=\"minorEastAsia\" w:hAnsiTheme=\"minorHAnsi\" "
           "w:cstheme=\"minorBidi\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang "
           "w:val=\"vi-VN\" w:eastAsia=\"en-US\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
           "<w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"276\" "
           "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>");
    put(b, "<w:latentStyles w:defLockedState=\"0\" w:defUIPriority=\"99\" "
           "w:defSemiHidden=\"0\" w:defUnhideWhenUsed=\"0\" w:defQFormat=\"0\" w:count=\"376\">");
    for (int i = 0; i < 376; i++)
        put(b,
            "<w:lsdException w:name=\"Latent Style Number %d\" w:semiHidden=\"1\" "
            "w:uiPriority=\"%d\" w:unhideWhenUsed=\"1\" w:qFormat=\"1\"/>",
            i, i % 99);
    put(b, "</w:latentStyles>");
    put(b, "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
           "w:val=\"Normal\"/><w:qFormat/><w:pPr><w:jc w:val=\"both\"/></w:pPr><w:rPr><w:rFonts "
           "w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/></w:rPr></w:style>");
    put(b, "<w:style w:type=\"character\" w:default=\"1\" "
           "w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph "
           "Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>");
    for (int h = 1; h <= 9; h++)
        put(b,
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading%d\"><w:name w:val=\"heading "
            "%d\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:link "
            "w:val=\"Heading%dChar\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/>"
            "<w:keepLines/><w:spacing w:before=\"480\" w:after=\"0\"/><w:outlineLvl "
            "w:val=\"%d\"/></w:pPr><w:rPr><w:rFonts w:asciiTheme=\"majorHAnsi\" "
            "w:eastAsiaTheme=\"majorEastAsia\" w:hAnsiTheme=\"majorHAnsi\" "
            "w:cstheme=\"majorBidi\"/><w:b/><w:bCs/><w:color w:val=\"365F91\" "
            "w:themeColor=\"accent1\" w:themeShade=\"BF\"/><w:sz w:val=\"%d\"/></w:rPr></w:style>"
            "<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"Heading%dChar\"><w:name "
            "w:val=\"Heading %d Char\"/><w:basedOn w:val=\"DefaultParagraphFont\"/><w:link "
            "w:val=\"Heading%d\"/><w:uiPriority w:val=\"9\"/><w:rPr><w:b/><w:sz "
            "w:val=\"%d\"/></w:rPr></w:style>",
            h, h, h, h - 1, 36 - 2 * h, h, h, h, 36 - 2 * h);
    put(b, "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List "
           "Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"34\"/><w:qFormat/>"
           "<w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr><w:ind w:left=\"720\"/>"
           "<w:contextualSpacing/></w:pPr></w:style>");
    /* The bulk: table, list and character styles a template carries and a
     * document never uses. */
    for (int i = 0; i < 470; i++)
        put(b,
            "<w:style w:type=\"%s\" w:styleId=\"Template%03d\"><w:name w:val=\"Template style "
            "%d\"/><w:basedOn w:val=\"%s\"/><w:uiPriority w:val=\"%d\"/><w:semiHidden/>"
            "<w:unhideWhenUsed/><w:rsid w:val=\"00A1%04X\"/><w:pPr><w:spacing w:before=\"%d\" "
            "w:after=\"%d\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:left=\"%d\" "
            "w:hanging=\"360\"/><w:jc w:val=\"%s\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"Arial\" "
            "w:hAnsi=\"Arial\" w:cs=\"Arial\"/><w:color w:val=\"%06X\"/><w:sz w:val=\"%d\"/>"
            "<w:szCs w:val=\"%d\"/><w:lang w:val=\"en-US\"/></w:rPr><w:tblPr><w:tblInd w:w=\"0\" "
            "w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" "
            "w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
            i % 3 ? "paragraph" : "table", i, i, i % 3 ? "Normal" : "TableNormal", 40 + i % 50, i,
            i, 2 * i, 360 * (i % 8), i % 2 ? "left" : "center", i * 977 & 0xFFFFFF, 18 + i % 10,
            18 + i % 10);
    if (unique_id >= 0)
        put(b,
            "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Office%d\"><w:name "
            "w:val=\"Office %d\"/><w:basedOn w:val=\"Normal\"/></w:style>",
            unique_id, unique_id);
    put(b, "</w:styles>");
}

static void numbering_part(sbuf *b)
{
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering " ROOT ">");
    for (int a = 0; a < 12; a++) {
        put(b,
            "<w:abstractNum w:abstractNumId=\"%d\"><w:nsid w:val=\"1A2B%04X\"/>"
            "<w:multiLevelType w:val=\"hybridMultilevel\"/>",
            a, a);
        for (int l = 0; l < 9; l++)
            put(b,
                "<w:lvl w:ilvl=\"%d\"><w:start w:val=\"1\"/><w:numFmt w:val=\"%s\"/><w:lvlText "
                "w:val=\"%%%d.\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"%d\" "
                "w:hanging=\"360\"/></w:pPr></w:lvl>",
                l,
                l % 3 == 0   ? "decimal"
                : l % 3 == 1 ? "lowerLetter"
                             : "lowerRoman",
                l + 1, 720 * (l + 1));
        put(b, "</w:abstractNum>");
    }
    for (int n = 1; n <= 12; n++)
        put(b, "<w:num w:numId=\"%d\"><w:abstractNumId w:val=\"%d\"/></w:num>", n, n - 1);
    put(b, "</w:numbering>");
}

static const char *const words[] = {"kế hoạch",  "triển khai",      "xây dựng",  "xã",
                                    "phường",    "đạt chuẩn",       "tiếp cận",  "pháp luật",
                                    "năm",       "Ủy ban nhân dân", "thực hiện", "các",
                                    "cơ quan",   "đơn vị",          "theo",      "Quyết định",
                                    "số",        "25/2021/QĐ-TTg",  "của",       "Thủ tướng",
                                    "Chính phủ", "tiêu chí",        "đánh giá",  "công nhận",
                                    "trên",      "địa bàn",         "huyện",     "tỉnh"};

static void document_part(sbuf *b, int file)
{
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document " ROOT
           "><w:body>");
    unsigned seed = 12345u + (unsigned)file * 7919u;
    size_t target = 45000 + (size_t)(file * 1237 % 15000);
    int para = 0;
    while (b->n < target) {
        const char *style = para % 12 == 0   ? "Heading1"
                            : para % 12 == 6 ? "Heading2"
                            : para % 3 == 1  ? "ListParagraph"
                                             : NULL;
        put(b, "<w:p w14:paraId=\"%08X\" w:rsidR=\"00A1B2C3\" w:rsidRDefault=\"00D4E5F6\">", seed);
        if (style)
            put(b, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
        for (int r = 0; r < 3; r++) {
            put(b,
                "<w:r w:rsidRPr=\"00112233\"><w:rPr>%s<w:sz w:val=\"28\"/></w:rPr><w:t "
                "xml:space=\"preserve\">",
                r == 1 ? "<w:b/>" : "");
            for (int k = 0; k < 6; k++) {
                seed = seed * 1103515245u + 12345u;
                put(b, "%s ", words[(seed >> 16) % (sizeof words / sizeof words[0])]);
            }
            put(b, "</w:t></w:r>");
        }
        put(b, "</w:p>");
        para++;
    }
    put(b, "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" "
           "w:right=\"1134\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"720\" w:footer=\"720\" "
           "w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
}

static void theme_part(sbuf *b)
{
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<a:theme "
           "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"Office "
           "Theme\"><a:themeElements><a:fontScheme name=\"Office\"><a:majorFont><a:latin "
           "typeface=\"Calibri Light\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:majorFont>"
           "<a:minorFont><a:latin typeface=\"Calibri\"/><a:ea typeface=\"\"/><a:cs "
           "typeface=\"\"/></a:minorFont></a:fontScheme></a:themeElements></a:theme>");
}

static void fonts_part(sbuf *b)
{
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts " ROOT ">");
    static const char *f[] = {"Times New Roman", "Calibri", "Calibri Light", "Arial"};
    for (int i = 0; i < 4; i++)
        put(b,
            "<w:font w:name=\"%s\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/>"
            "</w:font>",
            f[i]);
    put(b, "</w:fonts>");
}

static const char CT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default "
    "Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/><Override "
    "PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override "
    "PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/numbering.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override "
    "PartName=\"/word/theme/theme1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/><Override "
    "PartName=\"/word/fontTable.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/></Types>";

static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
    "Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

#define REL(id, t, target)                                                                         \
    "<Relationship Id=\"" id "\" "                                                                 \
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/" t "\" "          \
    "Target=\"" target "\"/>"

static const char DOC_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" REL("rId1", "styles",
                                                                                  "styles.xml")
        REL("rId2", "numbering", "numbering.xml") REL("rId3", "theme", "theme/theme1.xml")
            REL("rId4", "fontTable", "fontTable.xml") "</Relationships>";

static int add(zip_t *z, const char *name, const char *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    return s && zip_file_add(z, name, s, ZIP_FL_OVERWRITE) >= 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[3], "shared") && strcmp(argv[3], "unique"))) {
        fprintf(stderr, "usage: gen_office DIR N shared|unique\n");
        return 2;
    }
    int n = atoi(argv[2]), unique = !strcmp(argv[3], "unique");
    sbuf shared = {0}, num = {0}, theme = {0}, fonts = {0};
    styles_part(&shared, -1);
    numbering_part(&num);
    theme_part(&theme);
    fonts_part(&fonts);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%05d-%s.docx", argv[1], i, argv[3]);
        int e;
        zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
        if (!z) {
            fprintf(stderr, "gen_office: cannot create %s\n", path);
            return 1;
        }
        sbuf doc = {0}, st = {0};
        document_part(&doc, i);
        if (unique)
            styles_part(&st, i);
        if (add(z, "[Content_Types].xml", CT, sizeof CT - 1) < 0 ||
            add(z, "_rels/.rels", RELS, sizeof RELS - 1) < 0 ||
            add(z, "word/_rels/document.xml.rels", DOC_RELS, sizeof DOC_RELS - 1) < 0 ||
            add(z, "word/document.xml", doc.p, doc.n) < 0 ||
            add(z, "word/styles.xml", unique ? st.p : shared.p, unique ? st.n : shared.n) < 0 ||
            add(z, "word/numbering.xml", num.p, num.n) < 0 ||
            add(z, "word/theme/theme1.xml", theme.p, theme.n) < 0 ||
            add(z, "word/fontTable.xml", fonts.p, fonts.n) < 0 || zip_close(z) < 0) {
            fprintf(stderr, "gen_office: cannot write %s\n", path);
            return 1;
        }
        free(doc.p);
        free(st.p);
    }
    free(shared.p);
    free(num.p);
    free(theme.p);
    free(fonts.p);
    return 0;
}
