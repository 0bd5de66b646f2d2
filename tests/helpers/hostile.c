#include "helpers/hostile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/buf.h"

#define CT_MAIN "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

/* ---- a zip writer over an in-memory source ------------------------------ */

typedef struct zw {
    zip_source_t *src;
    zip_t *za;
} zw;

static int zw_begin(zw *w)
{
    zip_error_t ze;
    zip_error_init(&ze);
    w->za = NULL;
    w->src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (w->src)
        w->za = zip_open_from_source(w->src, ZIP_TRUNCATE, &ze);
    zip_error_fini(&ze);
    if (!w->za) {
        zip_source_free(w->src);
        return -1;
    }
    zip_source_keep(w->src); /* still ours after zip_close, to read back */
    return 0;
}

/* Adds a source (taken); level 0: store. Returns the entry index or -1. */
static zip_int64_t zw_add_source(zw *w, const char *name, zip_source_t *s, int level)
{
    if (!s)
        return -1;
    zip_int64_t i = zip_file_add(w->za, name, s, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(s);
        return -1;
    }
    if (zip_set_file_compression(w->za, (zip_uint64_t)i, level ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 (zip_uint32_t)level) < 0)
        return -1;
    return i;
}

static zip_int64_t zw_add(zw *w, const char *name, const void *data, size_t len)
{
    /* libzip reads the bytes only at zip_close: hand it a copy (it does
     * not take ownership of an empty buffer, so none then). */
    void *copy = len ? malloc(len) : NULL;
    if (len && !copy)
        return -1;
    if (len)
        memcpy(copy, data, len);
    zip_source_t *s = zip_source_buffer(w->za, copy, len, len > 0);
    if (!s) {
        free(copy);
        return -1;
    }
    return zw_add_source(w, name, s, 6);
}

static void zw_abort(zw *w)
{
    if (w->za)
        zip_discard(w->za);
    zip_source_free(w->src);
    w->za = NULL;
    w->src = NULL;
}

static int zw_end(zw *w, unsigned char **data, size_t *len)
{
    int rc = -1;
    *data = NULL;
    *len = 0;
    if (zip_close(w->za) < 0) {
        zip_discard(w->za);
        w->za = NULL;
        goto out;
    }
    w->za = NULL;
    if (zip_source_open(w->src) < 0)
        goto out;
    zip_source_seek(w->src, 0, SEEK_END);
    zip_int64_t n = zip_source_tell(w->src);
    zip_source_seek(w->src, 0, SEEK_SET);
    unsigned char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (p && zip_source_read(w->src, p, (zip_uint64_t)n) == n) {
        *data = p;
        *len = (size_t)n;
        rc = 0;
    } else {
        free(p);
    }
    zip_source_close(w->src);
out:
    zip_source_free(w->src);
    w->src = NULL;
    return rc;
}

/* ---- a streamed generator, so a 300 MB part never sits in memory -------- */

typedef enum { GEN_ZEROS, GEN_RUNS } gen_mode;

typedef struct gen {
    zip_uint64_t size, pos;
    gen_mode mode;
    uint32_t rng;
    zip_error_t error;
} gen;

/* GEN_RUNS: 256-byte lines of one pseudo-random letter; deflate turns each
 * into a literal and a long match, so the ratio stays near 80:1, below
 * TCPL_MAX_RATIO but far above anything real. */
static void gen_fill(gen *g, unsigned char *p, zip_uint64_t n)
{
    if (g->mode == GEN_ZEROS) {
        memset(p, 0, (size_t)n);
        return;
    }
    for (zip_uint64_t i = 0; i < n; i++) {
        zip_uint64_t at = g->pos + i;
        if (at % 256 == 0)
            g->rng = g->rng * 1103515245u + 12345u;
        p[i] = at % 256 == 255 ? '\n' : (unsigned char)('a' + ((g->rng >> 16) % 26));
    }
}

static zip_int64_t gen_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    gen *g = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        g->pos = 0;
        g->rng = 1;
        return 0;
    case ZIP_SOURCE_READ: {
        zip_uint64_t n = g->size - g->pos < len ? g->size - g->pos : len;
        gen_fill(g, data, n);
        g->pos += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->size = g->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&g->error, data, len);
    case ZIP_SOURCE_FREE:
        zip_error_fini(&g->error);
        free(g);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        zip_error_set(&g->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

static zip_source_t *gen_source(zip_t *za, zip_uint64_t size, gen_mode mode)
{
    gen *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->size = size;
    g->mode = mode;
    zip_error_init(&g->error);
    zip_source_t *s = zip_source_function(za, gen_cb, g);
    if (!s)
        free(g);
    return s;
}

/* ---- raw patching of a finished zip ------------------------------------- */

static unsigned u16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }
static uint32_t u32(const unsigned char *p) { return u16(p) | (uint32_t)u16(p + 2) << 16; }
static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

typedef enum { PATCH_SIZE, PATCH_FLAG_ENCRYPTED, PATCH_NUL, PATCH_METHOD } patch_kind;

/* Edits entry name in both the central directory and its local header, so
 * the archive stays self-consistent (libzip checks they agree). */
static int patch_entry(unsigned char *z, size_t n, const char *name, patch_kind what,
                       uint32_t arg)
{
    size_t nl = strlen(name);
    if (n < 22)
        return -1;
    size_t p = n - 22;
    while (memcmp(z + p, "PK\5\6", 4))
        if (p-- == 0)
            return -1;
    size_t o = u32(z + p + 16), end = o + u32(z + p + 12);
    for (; o + 46 <= end && !memcmp(z + o, "PK\1\2", 4);
         o += 46 + u16(z + o + 28) + u16(z + o + 30) + u16(z + o + 32)) {
        if (u16(z + o + 28) != nl || memcmp(z + o + 46, name, nl))
            continue;
        size_t l = u32(z + o + 42);
        if (l + 30 + nl > n || memcmp(z + l, "PK\3\4", 4))
            return -1;
        switch (what) {
        case PATCH_SIZE: /* uncompressed size */
            put32(z + o + 24, arg);
            put32(z + l + 22, arg);
            break;
        case PATCH_FLAG_ENCRYPTED:
            z[o + 8] |= 1;
            z[l + 6] |= 1;
            break;
        case PATCH_NUL:
            z[o + 46 + arg] = 0;
            z[l + 30 + arg] = 0;
            break;
        case PATCH_METHOD:
            z[o + 10] = z[l + 8] = (unsigned char)arg;
            z[o + 11] = z[l + 9] = (unsigned char)(arg >> 8);
            break;
        }
        return 0;
    }
    return -1;
}

/* ---- valid documents ---------------------------------------------------- */

static const tu_part *find_part(const tu_part *parts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(parts[i].name, name))
            return &parts[i];
    return NULL;
}

/* Content type and relationship type of the word/ parts the builder knows. */
static const struct {
    const char *prefix, *ct, *rel;
} KNOWN[] = {
    {"word/styles.xml", "styles", "styles"},
    {"word/numbering.xml", "numbering", "numbering"},
    {"word/footnotes.xml", "footnotes", "footnotes"},
    {"word/endnotes.xml", "endnotes", "endnotes"},
    {"word/settings.xml", "settings", "settings"},
    {"word/header", "header", "header"},
    {"word/footer", "footer", "footer"},
};

static int known(const char *name)
{
    for (size_t k = 0; k < sizeof KNOWN / sizeof *KNOWN; k++)
        if (!strncmp(name, KNOWN[k].prefix, strlen(KNOWN[k].prefix)))
            return (int)k;
    return -1;
}

/* Parts, then the generated ones, into w (not closed). */
static int add_docx(zw *w, const tu_part *parts, size_t n)
{
    tcpl_buf ct, rels, drels;
    int rc = -1;
    tcpl_buf_init(&ct);
    tcpl_buf_init(&rels);
    tcpl_buf_init(&drels);
    for (size_t i = 0; i < n; i++) {
        const char *c = parts[i].content ? parts[i].content : "";
        if (zw_add(w, parts[i].name, c, parts[i].len ? parts[i].len : strlen(c)) < 0)
            goto out;
    }
    if (!find_part(parts, n, "[Content_Types].xml")) {
        tcpl_buf_puts(&ct, XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/"
                                    "2006/content-types\"><Default Extension=\"rels\" "
                                    "ContentType=\"application/"
                                    "vnd.openxmlformats-package.relationships+xml\"/>"
                                    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                                    "<Override PartName=\"/word/document.xml\" ContentType=\"" CT_MAIN
                                    "\"/>");
        for (size_t i = 0; i < n; i++) {
            int k = known(parts[i].name);
            if (k >= 0)
                tcpl_buf_printf(&ct,
                                "<Override PartName=\"/%s\" ContentType=\"application/"
                                "vnd.openxmlformats-officedocument.wordprocessingml.%s+xml\"/>",
                                parts[i].name, KNOWN[k].ct);
        }
        tcpl_buf_puts(&ct, "</Types>");
        if (!tcpl_buf_ok(&ct) || zw_add(w, "[Content_Types].xml", ct.data, ct.len) < 0)
            goto out;
    }
    if (!find_part(parts, n, "_rels/.rels")) {
        tcpl_buf_puts(&rels, XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
                                      "package/2006/relationships\"><Relationship Id=\"rId1\" "
                                      "Type=\"" REL_NS "officeDocument\" "
                                      "Target=\"word/document.xml\"/></Relationships>");
        if (!tcpl_buf_ok(&rels) || zw_add(w, "_rels/.rels", rels.data, rels.len) < 0)
            goto out;
    }
    if (!find_part(parts, n, "word/_rels/document.xml.rels")) {
        int any = 0;
        tcpl_buf_puts(&drels, XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
                                       "package/2006/relationships\">");
        for (size_t i = 0; i < n; i++) {
            int k = known(parts[i].name);
            if (k >= 0) {
                tcpl_buf_printf(&drels,
                                "<Relationship Id=\"rId%zu\" Type=\"" REL_NS
                                "%s\" Target=\"%s\"/>",
                                i + 1, KNOWN[k].rel, parts[i].name + 5);
                any = 1;
            }
        }
        tcpl_buf_puts(&drels, "</Relationships>");
        if (!tcpl_buf_ok(&drels) ||
            (any && zw_add(w, "word/_rels/document.xml.rels", drels.data, drels.len) < 0))
            goto out;
    }
    rc = 0;
out:
    tcpl_buf_free(&ct);
    tcpl_buf_free(&rels);
    tcpl_buf_free(&drels);
    return rc;
}

int tu_build_docx(const tu_part *parts, size_t n, unsigned char **data, size_t *len)
{
    zw w;
    *data = NULL;
    *len = 0;
    if (zw_begin(&w) < 0)
        return -1;
    if (add_docx(&w, parts, n) < 0) {
        zw_abort(&w);
        return -1;
    }
    return zw_end(&w, data, len);
}

/* content whole when it already has its root element, else wrapped in it. */
static char *wrap(const char *content, const char *root, const char *inner)
{
    tcpl_buf b;
    char open[64];
    tcpl_buf_init(&b);
    snprintf(open, sizeof open, "<w:%s", root);
    if (strstr(content, open))
        tcpl_buf_puts(&b, content);
    else if (inner)
        tcpl_buf_printf(&b, XML_DECL "<w:%s " TU_W_NS "><w:%s>%s</w:%s></w:%s>", root, inner,
                        content, inner, root);
    else
        tcpl_buf_printf(&b, XML_DECL "<w:%s " TU_W_NS ">%s</w:%s>", root, content, root);
    return tcpl_buf_detach(&b, NULL);
}

int hostile_docx(const char *document, const char *styles, const char *numbering,
                 unsigned char **data, size_t *len)
{
    tu_part parts[3];
    char *doc = wrap(document ? document : "", "document", "body");
    char *sty = styles ? wrap(styles, "styles", NULL) : NULL;
    char *num = numbering ? wrap(numbering, "numbering", NULL) : NULL;
    size_t n = 0;
    int rc = -1;
    *data = NULL;
    *len = 0;
    if (!doc || (styles && !sty) || (numbering && !num))
        goto out;
    parts[n++] = (tu_part){"word/document.xml", doc, 0};
    if (sty)
        parts[n++] = (tu_part){"word/styles.xml", sty, 0};
    if (num)
        parts[n++] = (tu_part){"word/numbering.xml", num, 0};
    rc = tu_build_docx(parts, n, data, len);
out:
    free(doc);
    free(sty);
    free(num);
    return rc;
}

/* ---- hostile inputs ----------------------------------------------------- */

static const char *const NAMES[HOSTILE_COUNT] = {
    "not_zip",       "empty",          "truncated",      "ole",           "bomb",
    "bomb_lying",    "ratio",          "big_lying",      "total",         "path_dotdot",
    "path_absolute", "path_backslash", "path_nul",       "path_dup_case", "encrypted_aes",
    "encrypted_flag", "too_many",      "no_rels",        "main_missing",  "xlsx",
    "rels_xxe",      "xml_malformed",  "xml_xxe",        "xml_laughs",    "xml_deep",
};

const char *hostile_name(hostile_kind kind)
{
    return kind >= 0 && kind < HOSTILE_COUNT ? NAMES[kind] : "?";
}

static const char SIMPLE_BODY[] = "<w:p><w:r><w:t>Kế hoạch</w:t></w:r></w:p>";

static int simple(unsigned char **data, size_t *len)
{
    return hostile_docx(SIMPLE_BODY, NULL, NULL, data, len);
}

static int copy_out(const void *p, size_t n, unsigned char **data, size_t *len)
{
    *data = malloc(n ? n : 1);
    if (!*data)
        return -1;
    memcpy(*data, p, n);
    *len = n;
    return 0;
}

/* A docx whose document.xml comes from a generator, plus the usual parts. */
static int generated(zip_uint64_t size, gen_mode mode, int level, unsigned char **data,
                     size_t *len)
{
    zw w;
    if (zw_begin(&w) < 0)
        return -1;
    if (zw_add_source(&w, "word/document.xml", gen_source(w.za, size, mode), level) < 0 ||
        add_docx(&w, NULL, 0) < 0) {
        zw_abort(&w);
        return -1;
    }
    return zw_end(&w, data, len);
}

/* A simple docx plus extra entries (before the standard parts). */
static int with_extra(const tu_part *extra, size_t n_extra, unsigned char **data, size_t *len)
{
    tu_part parts[4];
    size_t n = 0;
    for (size_t i = 0; i < n_extra && n < 3; i++)
        parts[n++] = extra[i];
    char *doc = wrap(SIMPLE_BODY, "document", "body");
    if (!doc)
        return -1;
    parts[n++] = (tu_part){"word/document.xml", doc, 0};
    int rc = tu_build_docx(parts, n, data, len);
    free(doc);
    return rc;
}

static int doc_with(const char *document, unsigned char **data, size_t *len)
{
    tu_part p = {"word/document.xml", document, 0};
    return tu_build_docx(&p, 1, data, len);
}

static int too_many(unsigned char **data, size_t *len)
{
    zw w;
    char name[32];
    if (zw_begin(&w) < 0)
        return -1;
    char *doc = wrap(SIMPLE_BODY, "document", "body");
    tu_part p = {"word/document.xml", doc, 0};
    int bad = !doc || add_docx(&w, &p, 1) < 0;
    free(doc);
    for (int i = 0; !bad && i < 10001; i++) {
        snprintf(name, sizeof name, "customXml/item%d.xml", i);
        bad = zw_add(&w, name, "<a/>", 4) < 0;
    }
    if (bad) {
        zw_abort(&w);
        return -1;
    }
    return zw_end(&w, data, len);
}

static int encrypted_aes(unsigned char **data, size_t *len)
{
    zw w;
    if (zw_begin(&w) < 0)
        return -1;
    char *doc = wrap(SIMPLE_BODY, "document", "body");
    tu_part p = {"word/document.xml", doc, 0};
    int bad = !doc || add_docx(&w, &p, 1) < 0;
    free(doc);
    zip_int64_t i = bad ? -1 : zip_name_locate(w.za, "word/document.xml", 0);
    if (i < 0 || zip_file_set_encryption(w.za, (zip_uint64_t)i, ZIP_EM_AES_256, "secret") < 0) {
        zw_abort(&w);
        return -1;
    }
    return zw_end(&w, data, len);
}

static int deep(unsigned char **data, size_t *len)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, XML_DECL "<w:document " TU_W_NS "><w:body>");
    /* short names keep the part under 1 MB, below the ratio check */
    for (int i = 0; i < 100000; i++)
        tcpl_buf_puts(&b, "<a>");
    for (int i = 0; i < 100000; i++)
        tcpl_buf_puts(&b, "</a>");
    tcpl_buf_puts(&b, "</w:body></w:document>");
    int rc = tcpl_buf_ok(&b) ? doc_with(b.data, data, len) : -1;
    tcpl_buf_free(&b);
    return rc;
}

static int spaces(unsigned char **data, size_t *len)
{
    size_t n = 8u << 20;
    char *doc = malloc(n + 1);
    if (!doc)
        return -1;
    memset(doc, ' ', n);
    doc[n] = 0;
    tu_part p = {"word/document.xml", doc, n};
    int rc = tu_build_docx(&p, 1, data, len);
    free(doc);
    return rc;
}

static const char XLSX_CT[] =
    XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
             "<Default Extension=\"rels\" "
             "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
             "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
             "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>";
static const char XLSX_RELS[] =
    XML_DECL "<Relationships "
             "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
             "<Relationship Id=\"rId1\" Type=\"" REL_NS "officeDocument\" "
             "Target=\"xl/workbook.xml\"/></Relationships>";
static const char MISSING_RELS[] =
    XML_DECL "<Relationships "
             "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
             "<Relationship Id=\"rId1\" Type=\"" REL_NS "officeDocument\" "
             "Target=\"word/missing.xml\"/></Relationships>";
static const char XXE_RELS[] =
    XML_DECL "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
             "<Relationships "
             "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
             "<Relationship Id=\"&x;\" Type=\"" REL_NS "officeDocument\" "
             "Target=\"word/document.xml\"/></Relationships>";
static const char XXE_DOC[] =
    XML_DECL "<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
             "<w:document " TU_W_NS "><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
             "</w:body></w:document>";
static const char LAUGHS_DOC[] =
    XML_DECL "<!DOCTYPE w:document [<!ENTITY lol \"lol\">"
             "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
             "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
             "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
             "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
             "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
             "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
             "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
             "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
             "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
             "<w:document " TU_W_NS "><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
             "</w:body></w:document>";
static const char MALFORMED_DOC[] =
    XML_DECL "<w:document " TU_W_NS "><w:body><w:p><w:r><w:t>Kế hoạch</w:r></w:p>"
             "</w:body></w:document>";

int hostile_make(hostile_kind kind, unsigned char **data, size_t *len)
{
    int rc = -1;
    *data = NULL;
    *len = 0;
    switch (kind) {
    case HOSTILE_NOT_ZIP: {
        static const char text[] = "KẾ HOẠCH\nTriển khai công tác năm 2024\n";
        return copy_out(text, sizeof text - 1, data, len);
    }
    case HOSTILE_EMPTY:
        return copy_out("", 0, data, len);
    case HOSTILE_TRUNCATED:
        rc = simple(data, len);
        if (rc == 0)
            *len /= 2;
        return rc;
    case HOSTILE_OLE: { /* a Word 97-2003 file: its streams, as Word names them */
        static const char *const doc[] = {"WordDocument", "1Table", "\005SummaryInformation"};
        return hostile_ole(doc, 3, data, len);
    }
    case HOSTILE_BOMB:
        return generated(300u << 20, GEN_ZEROS, 9, data, len);
    case HOSTILE_BOMB_LYING:
        rc = generated(300u << 20, GEN_ZEROS, 9, data, len);
        if (rc == 0)
            rc = patch_entry(*data, *len, "word/document.xml", PATCH_SIZE, 1000);
        break;
    case HOSTILE_RATIO:
        return spaces(data, len);
    case HOSTILE_BIG_LYING:
        rc = generated(300u << 20, GEN_RUNS, 1, data, len);
        if (rc == 0)
            rc = patch_entry(*data, *len, "word/document.xml", PATCH_SIZE, 1000);
        break;
    case HOSTILE_TOTAL:
        return generated(200u << 20, GEN_RUNS, 1, data, len);
    case HOSTILE_PATH_DOTDOT:
        return with_extra(&(tu_part){"../evil.xml", "<a/>", 0}, 1, data, len);
    case HOSTILE_PATH_ABSOLUTE:
        return with_extra(&(tu_part){"/etc/evil.xml", "<a/>", 0}, 1, data, len);
    case HOSTILE_PATH_BACKSLASH:
        return with_extra(&(tu_part){"word\\evil.xml", "<a/>", 0}, 1, data, len);
    case HOSTILE_PATH_NUL:
        rc = with_extra(&(tu_part){"word/evilX.xml", "<a/>", 0}, 1, data, len);
        if (rc == 0)
            rc = patch_entry(*data, *len, "word/evilX.xml", PATCH_NUL, 9);
        break;
    case HOSTILE_PATH_DUP_CASE:
        return with_extra(&(tu_part){"WORD/Document.xml", "<a/>", 0}, 1, data, len);
    case HOSTILE_ENCRYPTED_AES:
        return encrypted_aes(data, len);
    case HOSTILE_ENCRYPTED_FLAG:
        rc = simple(data, len);
        if (rc == 0)
            rc = patch_entry(*data, *len, "word/document.xml", PATCH_FLAG_ENCRYPTED, 0);
        break;
    case HOSTILE_TOO_MANY:
        return too_many(data, len);
    case HOSTILE_NO_RELS: {
        /* build with a placeholder _rels/.rels (so none is generated), then drop it */
        zw w;
        char *doc = wrap(SIMPLE_BODY, "document", "body");
        if (!doc || zw_begin(&w) < 0) {
            free(doc);
            return -1;
        }
        tu_part p[2] = {{"_rels/.rels", "", 0}, {"word/document.xml", doc, 0}};
        rc = add_docx(&w, p, 2);
        free(doc);
        zip_int64_t i = rc == 0 ? zip_name_locate(w.za, "_rels/.rels", 0) : -1;
        if (i < 0 || zip_delete(w.za, (zip_uint64_t)i) < 0) {
            zw_abort(&w);
            return -1;
        }
        return zw_end(&w, data, len);
    }
    case HOSTILE_MAIN_MISSING:
        return with_extra(&(tu_part){"_rels/.rels", MISSING_RELS, 0}, 1, data, len);
    case HOSTILE_XLSX: {
        tu_part p[3] = {{"[Content_Types].xml", XLSX_CT, 0},
                        {"_rels/.rels", XLSX_RELS, 0},
                        {"xl/workbook.xml", "<workbook/>", 0}};
        return tu_build_docx(p, 3, data, len);
    }
    case HOSTILE_RELS_XXE:
        return with_extra(&(tu_part){"_rels/.rels", XXE_RELS, 0}, 1, data, len);
    case HOSTILE_XML_MALFORMED:
        return doc_with(MALFORMED_DOC, data, len);
    case HOSTILE_XML_XXE:
        return doc_with(XXE_DOC, data, len);
    case HOSTILE_XML_LAUGHS:
        return doc_with(LAUGHS_DOC, data, len);
    case HOSTILE_XML_DEEP:
        return deep(data, len);
    case HOSTILE_COUNT:
        break;
    }
    if (rc < 0) {
        free(*data);
        *data = NULL;
        *len = 0;
    }
    return rc;
}

/* ---- zips written the odd ways real office software writes them -------- */

static void b16(tcpl_buf *b, unsigned v)
{
    unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    tcpl_buf_put(b, p, 2);
}
static void b32(tcpl_buf *b, uint32_t v)
{
    unsigned char p[4];
    put32(p, v);
    tcpl_buf_put(b, p, 4);
}
static void b64(tcpl_buf *b, uint64_t v)
{
    b32(b, (uint32_t)v);
    b32(b, (uint32_t)(v >> 32));
}

typedef struct rz_entry {
    unsigned needed, flags, method, time, date;
    uint32_t crc, csize, usize, eattr, offset;
    const unsigned char *name, *data;
    size_t nlen;
} rz_entry;

int hostile_set_method(unsigned char *z, size_t n, const char *name, unsigned method)
{
    return patch_entry(z, n, name, PATCH_METHOD, method);
}

int hostile_rezip(const unsigned char *z, size_t n, unsigned flags, unsigned char **data,
                  size_t *len)
{
    static const char *const DIRS[] = {"word/", "_rels/", "docProps/"};
    rz_entry e[64];
    size_t ne = 0;
    tcpl_buf b;
    *data = NULL;
    *len = 0;
    if (n < 22)
        return -1;
    size_t p = n - 22;
    while (memcmp(z + p, "PK\5\6", 4))
        if (p-- == 0)
            return -1;
    if (flags & REZIP_DIRS)
        for (size_t i = 0; i < 3; i++)
            e[ne++] = (rz_entry){.needed = 20, .time = 0x6000, .date = 0x5821,
                                 .eattr = 0x10 | (040755u << 16),
                                 .name = (const unsigned char *)DIRS[i], .nlen = strlen(DIRS[i]),
                                 .data = z};
    size_t o = u32(z + p + 16), end = o + u32(z + p + 12);
    for (; o + 46 <= end && !memcmp(z + o, "PK\1\2", 4) && ne < 64;
         o += 46 + u16(z + o + 28) + u16(z + o + 30) + u16(z + o + 32)) {
        size_t l = u32(z + o + 42);
        if (l + 30 > n || memcmp(z + l, "PK\3\4", 4))
            return -1;
        rz_entry *x = &e[ne++];
        *x = (rz_entry){u16(z + o + 6), u16(z + o + 8), u16(z + o + 10), u16(z + o + 12),
                        u16(z + o + 14), u32(z + o + 16), u32(z + o + 20), u32(z + o + 24),
                        u32(z + o + 38), 0, z + o + 46, z + l + 30 + u16(z + l + 26) +
                        u16(z + l + 28), u16(z + o + 28)};
        if ((size_t)(x->data - z) + x->csize > n)
            return -1;
    }
    tcpl_buf_init(&b);
    if (flags & REZIP_PREFIX) {
        tcpl_buf_puts(&b, "MZ");
        for (int i = 2; i < 4096; i++)
            tcpl_buf_putc(&b, "stub "[i % 5]);
    }
    for (size_t k = 0; k < ne; k++) {
        rz_entry *x = &e[(flags & REZIP_REVERSE) ? ne - 1 - k : k];
        int dd = (flags & REZIP_DESCRIPTOR) && x->nlen && x->name[x->nlen - 1] != '/';
        int lx = (flags & REZIP_LOCAL_DIFFERS) != 0;
        if (dd)
            x->flags |= 8;
        x->offset = (uint32_t)b.len;
        b32(&b, 0x04034b50);
        b16(&b, lx ? 45 : x->needed);
        b16(&b, x->flags);
        b16(&b, x->method);
        b16(&b, lx ? x->time + 1 : x->time); /* two seconds later */
        b16(&b, x->date);
        b32(&b, dd ? 0 : x->crc);
        b32(&b, dd ? 0 : x->csize);
        b32(&b, dd ? 0 : x->usize);
        b16(&b, (unsigned)x->nlen);
        b16(&b, lx ? 9 : 0);
        tcpl_buf_put(&b, x->name, x->nlen);
        if (lx) { /* extended timestamp, local only */
            b16(&b, 0x5455);
            b16(&b, 5);
            tcpl_buf_putc(&b, 1);
            b32(&b, 1700000000u);
        }
        tcpl_buf_put(&b, x->data, x->csize);
        if (dd) {
            b32(&b, 0x08074b50);
            b32(&b, x->crc);
            b32(&b, x->csize);
            b32(&b, x->usize);
        }
    }
    size_t cd = b.len;
    for (size_t k = 0; k < ne; k++) {
        rz_entry *x = &e[k];
        int lx = (flags & REZIP_LOCAL_DIFFERS) != 0;
        b32(&b, 0x02014b50);
        b16(&b, 0x031E); /* made by: Unix, 3.0 */
        b16(&b, x->needed);
        b16(&b, x->flags);
        b16(&b, x->method);
        b16(&b, x->time);
        b16(&b, x->date);
        b32(&b, x->crc);
        b32(&b, x->csize);
        b32(&b, x->usize);
        b16(&b, (unsigned)x->nlen);
        b16(&b, lx ? 15 : 0);
        b16(&b, 0);
        b16(&b, 0);
        b16(&b, 0);
        b32(&b, x->eattr);
        b32(&b, x->offset);
        tcpl_buf_put(&b, x->name, x->nlen);
        if (lx) { /* Info-ZIP Unix uid/gid, central only */
            b16(&b, 0x7875);
            b16(&b, 11);
            tcpl_buf_putc(&b, 1);
            tcpl_buf_putc(&b, 4);
            b32(&b, 1000);
            tcpl_buf_putc(&b, 4);
            b32(&b, 1000);
        }
    }
    size_t cd_size = b.len - cd;
    int z64 = (flags & REZIP_ZIP64) != 0;
    if (z64) {
        size_t rec = b.len;
        b32(&b, 0x06064b50);
        b64(&b, 44);
        b16(&b, 45);
        b16(&b, 45);
        b32(&b, 0);
        b32(&b, 0);
        b64(&b, ne);
        b64(&b, ne);
        b64(&b, cd_size);
        b64(&b, cd);
        b32(&b, 0x07064b50);
        b32(&b, 0);
        b64(&b, rec);
        b32(&b, 1);
    }
    b32(&b, 0x06054b50);
    b16(&b, 0);
    b16(&b, 0);
    b16(&b, z64 ? 0xFFFF : (unsigned)ne);
    b16(&b, z64 ? 0xFFFF : (unsigned)ne);
    b32(&b, z64 ? 0xFFFFFFFFu : (uint32_t)cd_size);
    b32(&b, z64 ? 0xFFFFFFFFu : (uint32_t)cd);
    b16(&b, 0);
    if (flags & REZIP_TRAILING)
        for (int i = 0; i < 1000; i++)
            tcpl_buf_putc(&b, 'x');
    if (!tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return -1;
    }
    *data = (unsigned char *)tcpl_buf_detach(&b, len);
    return *data ? 0 : -1;
}

/* ---- OLE compound files ------------------------------------------------- */

#define CFB_END 0xFFFFFFFEu
#define CFB_FREE 0xFFFFFFFFu
#define CFB_FATSECT 0xFFFFFFFDu

static void cfb_dirent(unsigned char *d, const char *name, int type, uint32_t right,
                       uint32_t child)
{
    size_t n = strlen(name);
    memset(d, 0, 128);
    for (size_t i = 0; i < n && i < 31; i++)
        d[2 * i] = (unsigned char)name[i];
    d[0x40] = (unsigned char)(2 * (n + 1));
    d[0x42] = (unsigned char)type;
    d[0x43] = 1; /* black */
    put32(d + 0x44, CFB_FREE);
    put32(d + 0x48, right);
    put32(d + 0x4C, child);
    put32(d + 0x74, CFB_END);
}

int hostile_ole(const char *const *streams, size_t nstreams, unsigned char **data, size_t *len)
{
    size_t nent = 1 + nstreams, dsec = (nent + 3) / 4;
    size_t size = 512 + (1 + dsec) * 512;
    unsigned char *f = calloc(1, size);
    *data = NULL;
    *len = 0;
    if (!f || nstreams > 100) {
        free(f);
        return -1;
    }
    static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    memcpy(f, magic, 8);
    f[0x18] = 0x3E; /* minor version */
    f[0x1A] = 0x03; /* major version 3 */
    f[0x1C] = 0xFE; /* byte order */
    f[0x1D] = 0xFF;
    f[0x1E] = 0x09; /* 512-byte sectors */
    f[0x20] = 0x06; /* 64-byte mini sectors */
    put32(f + 0x2C, 1);          /* one FAT sector */
    put32(f + 0x30, 1);          /* directory from sector 1 */
    put32(f + 0x38, 4096);       /* mini stream cutoff */
    put32(f + 0x3C, CFB_END);    /* no mini FAT */
    put32(f + 0x44, CFB_END);    /* no DIFAT sectors */
    put32(f + 0x4C, 0);          /* the FAT is sector 0 */
    for (int i = 1; i < 109; i++)
        put32(f + 0x4C + 4 * i, CFB_FREE);
    unsigned char *fat = f + 512;
    for (size_t i = 0; i < 128; i++)
        put32(fat + 4 * i, CFB_FREE);
    put32(fat, CFB_FATSECT);
    for (size_t s = 1; s <= dsec; s++)
        put32(fat + 4 * s, s == dsec ? CFB_END : (uint32_t)s + 1);
    unsigned char *dir = f + 1024;
    cfb_dirent(dir, "Root Entry", 5, CFB_FREE, nstreams ? 1 : CFB_FREE);
    for (size_t i = 0; i < nstreams; i++) /* a chain of right siblings */
        cfb_dirent(dir + 128 * (i + 1), streams[i], 2,
                   i + 1 < nstreams ? (uint32_t)(i + 2) : CFB_FREE, CFB_FREE);
    for (size_t i = nent; i < 4 * dsec; i++) {
        put32(dir + 128 * i + 0x44, CFB_FREE);
        put32(dir + 128 * i + 0x48, CFB_FREE);
        put32(dir + 128 * i + 0x4C, CFB_FREE);
    }
    *data = f;
    *len = size;
    return 0;
}
