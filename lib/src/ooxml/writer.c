/* Writing DOCX packages (ooxml/writer.h). */
#include "ooxml/writer.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "ooxml/pkg.h"
#include "ooxml/xml.h"

/* ---- the package ---------------------------------------------------------- */

/* Deflate level of the parts written: zlib's own default.  libzip's default
 * (9) costs about twice the time for a part a few percent smaller, and a
 * filled document is written once per fill. */
#define WRITE_LEVEL 6

static int zip_fail(tcpl_error *err, const char *name, const char *what, zip_error_t *ze)
{
    if (zip_error_code_zip(ze) == ZIP_ER_MEMORY)
        return TCPL_NOMEM(err, name);
    return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", name, NULL, "%s: %s", what,
                    zip_error_strerror(ze));
}

/* The bytes of an in-memory archive once closed (libzip's in-memory
 * pattern: the source is kept past zip_close, then read back). */
static int take_buffer(void **out, size_t *outlen, zip_source_t *src, const char *name,
                       tcpl_error *err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
        return zip_fail(err, name, "stat", zip_source_error(src));
    if (st.size > TCPL_MAX_WRITE_BYTES)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.write_too_big", name, NULL, "%llu MB > %zu MB",
                        (unsigned long long)(st.size >> 20), TCPL_MAX_WRITE_BYTES >> 20);
    void *buf = malloc(st.size ? (size_t)st.size : 1);
    if (!buf)
        return TCPL_NOMEM(err, name);
    if (zip_source_open(src) < 0) {
        free(buf);
        return zip_fail(err, name, "open", zip_source_error(src));
    }
    zip_int64_t n = zip_source_read(src, buf, st.size);
    zip_source_close(src);
    if (n < 0 || (zip_uint64_t)n != st.size) {
        free(buf);
        return zip_fail(err, name, "read", zip_source_error(src));
    }
    *out = buf;
    *outlen = (size_t)st.size;
    return 0;
}

/* ---- parts deflated by the writer ------------------------------------------- */

/* One part, compressed, as libzip sees it through a source function: its
 * stat says "deflated, these sizes, this CRC", so zip_close writes the bytes
 * as they are (zip_close.c add_data: no recompression when the source's
 * method is the entry's, CRC taken from the stat). */
typedef struct wpart {
    size_t off;  /* in the writer's buffer */
    size_t clen; /* compressed bytes */
    size_t len;  /* uncompressed bytes */
    uint32_t crc;
    size_t pos; /* read position while libzip reads */
    time_t mtime;
    const unsigned char *base; /* the writer's buffer, once every part is in */
    zip_error_t error;
} wpart;

struct tcpl_writer {
    z_stream z;
    int level;
    int z_ready;
    unsigned char *buf; /* the compressed parts of one call, one after the other */
    size_t cap;
    tcpl_vec parts; /* wpart, one per part of the call */
};

int tcpl_writer_new(tcpl_writer **out, int level, tcpl_error *err)
{
    *out = NULL;
    if (level < 1 || level > 9)
        return tcpl_err(err, TCPL_ERR_INTERNAL, "err.internal", NULL, NULL, "deflate level %d",
                        level);
    tcpl_writer *w = calloc(1, sizeof *w);
    if (!w)
        return TCPL_NOMEM(err, NULL);
    tcpl_vec_init(&w->parts, sizeof(wpart));
    /* Raw deflate (windowBits -15): the zip entry holds the deflate stream
     * with no zlib header or trailer. */
    w->level = level;
    if (deflateInit2(&w->z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(w);
        return TCPL_NOMEM(err, NULL);
    }
    w->z_ready = 1;
    *out = w;
    return 0;
}

void tcpl_writer_free(tcpl_writer *w)
{
    if (!w)
        return;
    if (w->z_ready)
        deflateEnd(&w->z);
    free(w->buf);
    tcpl_vec_free(&w->parts);
    free(w);
}

/* zlib counts in uInt: a part below TCPL_MAX_WRITE_BYTES (checked by
 * deflate_parts) and its deflateBound fit in one call. */
_Static_assert(TCPL_MAX_WRITE_BYTES < ((size_t)1 << 31), "one deflate call per part");

/* Deflates p into w->buf at wp->off (room bytes reserved there by the
 * caller, at least deflateBound). */
static int deflate_part(tcpl_writer *w, wpart *wp, const tcpl_part_data *p, size_t room,
                        const char *name, tcpl_error *err)
{
    z_stream *z = &w->z;
    if (deflateReset(z) != Z_OK)
        return tcpl_err(err, TCPL_ERR_INTERNAL, "err.internal", name, p->name, "deflateReset");
    z->next_in = (Bytef *)(uintptr_t)p->data;
    z->avail_in = (uInt)p->len;
    z->next_out = w->buf + wp->off;
    z->avail_out = (uInt)room;
    int zr = deflate(z, Z_FINISH);
    if (zr != Z_STREAM_END) /* cannot happen with deflateBound's room */
        return tcpl_err(err, TCPL_ERR_INTERNAL, "err.internal", name, p->name, "deflate %d", zr);
    wp->clen = room - z->avail_out;
    wp->len = p->len;
    wp->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), p->len ? p->data : Z_NULL, (uInt)p->len);
    return 0;
}

static zip_int64_t wpart_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    wpart *wp = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        wp->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t n = wp->clen - wp->pos;
        if (n > len)
            n = (size_t)len;
        memcpy(data, wp->base + wp->off + wp->pos, n);
        wp->pos += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE: /* the writer owns wp */
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        if (len < sizeof *st)
            return -1;
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
                    ZIP_STAT_MTIME | ZIP_STAT_ENCRYPTION_METHOD;
        st->size = wp->len;
        st->comp_size = wp->clen;
        st->comp_method = ZIP_CM_DEFLATE;
        st->encryption_method = ZIP_EM_NONE;
        st->crc = wp->crc;
        st->mtime = wp->mtime;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&wp->error, data, len);
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        zip_error_set(&wp->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/* Deflates every part into w->buf and readies its wpart. */
static int deflate_parts(tcpl_writer *w, const tcpl_part_data *parts, size_t nparts,
                         const char *name, tcpl_error *err)
{
    tcpl_vec_clear(&w->parts);
    if (tcpl_vec_reserve(&w->parts, nparts ? nparts : 1) < 0)
        return TCPL_NOMEM(err, name);
    size_t total = 0;
    time_t now = time(NULL);
    for (size_t k = 0; k < nparts; k++) {
        if (parts[k].len > TCPL_MAX_WRITE_BYTES)
            return tcpl_err(err, TCPL_ERR_LIMIT, "err.write_too_big", name, parts[k].name,
                            "%zu MB > %zu MB", parts[k].len >> 20, TCPL_MAX_WRITE_BYTES >> 20);
        /* deflateBound for a raw stream; parts below TCPL_MAX_WRITE_BYTES,
         * so the sum of nparts (<= the entry limit) of them fits a size_t. */
        size_t b = (size_t)deflateBound(&w->z, (uLong)parts[k].len) + 64;
        wpart *wp = tcpl_vec_push(&w->parts);
        wp->off = total;
        wp->mtime = now;
        zip_error_init(&wp->error);
        total += b;
    }
    if (total > w->cap) {
        unsigned char *nb = realloc(w->buf, total);
        if (!nb)
            return TCPL_NOMEM(err, name);
        w->buf = nb;
        w->cap = total;
    }
    for (size_t k = 0; k < nparts; k++) {
        wpart *wp = &TCPL_VEC_AT(&w->parts, wpart, k);
        size_t room = (k + 1 < nparts ? TCPL_VEC_AT(&w->parts, wpart, k + 1).off : total) - wp->off;
        int rc = deflate_part(w, wp, &parts[k], room, name, err);
        if (rc < 0)
            return rc;
        wp->base = w->buf;
    }
    return 0;
}

/* Adds part k (deflated by deflate_parts) as a new entry. */
static int add_part(zip_t *dst, tcpl_writer *w, size_t k, const tcpl_part_data *p, const char *name,
                    tcpl_error *err)
{
    wpart *wp = &TCPL_VEC_AT(&w->parts, wpart, k);
    zip_source_t *s = zip_source_function(dst, wpart_cb, wp);
    if (!s)
        return zip_fail(err, name, p->name, zip_get_error(dst));
    zip_int64_t idx = zip_file_add(dst, p->name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        return zip_fail(err, name, p->name, zip_get_error(dst));
    }
    /* The entry's method is the source's: libzip copies, never recompresses. */
    if (zip_set_file_compression(dst, (zip_uint64_t)idx, ZIP_CM_DEFLATE, (zip_uint32_t)w->level) < 0)
        return zip_fail(err, name, p->name, zip_get_error(dst));
    return 0;
}

int tcpl_pkg_rewrite(void **out, size_t *outlen, const void *src, size_t srclen, const char *name,
                     const tcpl_part_data *parts, size_t nparts, tcpl_write_stats *stats,
                     tcpl_error *err)
{
    tcpl_writer *w;
    *out = NULL;
    *outlen = 0;
    int rc = tcpl_writer_new(&w, WRITE_LEVEL, err);
    if (rc < 0)
        return rc;
    rc = tcpl_pkg_rewrite_with(w, out, outlen, src, srclen, name, parts, nparts, stats, err);
    tcpl_writer_free(w);
    return rc;
}

int tcpl_pkg_rewrite_with(tcpl_writer *w, void **out, size_t *outlen, const void *src,
                          size_t srclen, const char *name, const tcpl_part_data *parts,
                          size_t nparts, tcpl_write_stats *stats, tcpl_error *err)
{
    int rc = 0;
    zip_error_t ze;
    zip_t *in = NULL, *dst = NULL;
    zip_source_t *obuf = NULL;
    unsigned char *used = NULL;
    tcpl_write_stats st = {0, 0, 0};
    *out = NULL;
    *outlen = 0;
    if (!name)
        name = "";
    zip_error_init(&ze);
    zip_source_t *isrc = zip_source_buffer_create(src, srclen, 0, &ze);
    if (!isrc) {
        rc = zip_fail(err, name, "source", &ze);
        goto out;
    }
    in = zip_open_from_source(isrc, ZIP_RDONLY, &ze);
    if (!in) {
        zip_source_free(isrc);
        rc = zip_fail(err, name, "open", &ze);
        goto out;
    }
    zip_int64_t n = zip_get_num_entries(in, 0);
    if (n < 0 || n > TCPL_MAX_ZIP_ENTRIES) {
        rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.zip_entries", name, NULL, "%lld > %d", (long long)n,
                      TCPL_MAX_ZIP_ENTRIES);
        goto out;
    }
    TCPL_CHECK(deflate_parts(w, parts, nparts, name, err));
    used = calloc(nparts ? nparts : 1, 1);
    obuf = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!used || !obuf) {
        rc = TCPL_NOMEM(err, name);
        goto out;
    }
    zip_source_keep(obuf); /* read back after zip_close */
    dst = zip_open_from_source(obuf, ZIP_TRUNCATE, &ze);
    if (!dst) {
        rc = zip_fail(err, name, "create", &ze);
        goto out;
    }
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t zs;
        if (zip_stat_index(in, (zip_uint64_t)i, 0, &zs) < 0 || !(zs.valid & ZIP_STAT_NAME)) {
            rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", name, NULL, "entry %lld",
                          (long long)i);
            goto out;
        }
        size_t rep = nparts;
        for (size_t k = 0; k < nparts && rep == nparts; k++)
            if (!used[k] && !strcmp(parts[k].name, zs.name)) {
                rep = k;
                used[k] = 1;
            }
        if (rep < nparts) {
            TCPL_CHECK(add_part(dst, w, rep, &parts[rep], name, err));
            st.replaced++;
            continue;
        }
        /* The deflated bytes as they are: libzip sees a source already
         * compressed with the method asked for and copies it raw. */
        zip_source_t *s = zip_source_zip(dst, in, (zip_uint64_t)i, ZIP_FL_COMPRESSED, 0, -1);
        if (!s) {
            rc = zip_fail(err, name, zs.name, zip_get_error(dst));
            goto out;
        }
        zip_int64_t idx = zip_file_add(dst, zs.name, s, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(s);
            rc = zip_fail(err, name, zs.name, zip_get_error(dst));
            goto out;
        }
        if (zs.valid & ZIP_STAT_COMP_METHOD)
            zip_set_file_compression(dst, (zip_uint64_t)idx, (zip_int32_t)zs.comp_method, 0);
        if (zs.valid & ZIP_STAT_MTIME)
            zip_file_set_mtime(dst, (zip_uint64_t)idx, zs.mtime, 0);
        st.copied++;
    }
    for (size_t k = 0; k < nparts; k++)
        if (!used[k]) {
            TCPL_CHECK(add_part(dst, w, k, &parts[k], name, err));
            st.added++;
        }
    if (zip_close(dst) < 0) {
        rc = zip_fail(err, name, "write", zip_get_error(dst));
        goto out;
    }
    dst = NULL;
    TCPL_CHECK(take_buffer(out, outlen, obuf, name, err));
    if (stats)
        *stats = st;
out:
    if (dst)
        zip_discard(dst);
    if (in)
        zip_discard(in);
    if (obuf)
        zip_source_free(obuf);
    free(used);
    zip_error_fini(&ze);
    return rc;
}

/* ---- a part as a tree ------------------------------------------------------- */

/* A DOCTYPE or an entity declaration stops the parser at once. */
static void dom_refuse(void *ctx)
{
    xmlParserCtxtPtr c = ctx;
    c->_private = (void *)1;
    xmlStopParser(c);
}
static void on_subset(void *ctx, const xmlChar *n, const xmlChar *e, const xmlChar *s)
{
    (void)n;
    (void)e;
    (void)s;
    dom_refuse(ctx);
}
static void on_entity_decl(void *ctx, const xmlChar *n, int t, const xmlChar *p, const xmlChar *s,
                           xmlChar *c)
{
    (void)n;
    (void)t;
    (void)p;
    (void)s;
    (void)c;
    dom_refuse(ctx);
}

int tcpl_xml_dom_read(void **doc, const char *data, size_t len, const char *file, const char *part,
                      tcpl_error *err)
{
    *doc = NULL;
    char where[160];
    snprintf(where, sizeof where, "%s", part ? part : "");
    if (len > (size_t)2147483647)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_too_big", file, where, NULL);
    if (len == 0)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", file, where, "empty part");
    xmlParserCtxtPtr c = xmlCreateMemoryParserCtxt(data, (int)len);
    if (!c)
        return TCPL_NOMEM(err, file);
    /* No NOENT, no DTDLOAD, no network, no HUGE (libxml2 keeps its depth
     * and text caps). */
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    c->sax->internalSubset = on_subset;
    c->sax->externalSubset = on_subset;
    c->sax->entityDecl = on_entity_decl;
    c->replaceEntities = 0;
    int prc = xmlParseDocument(c);
    xmlDocPtr d = c->myDoc;
    c->myDoc = NULL;
    int refused = c->_private != NULL;
    int well = c->wellFormed;
    const xmlError *e = xmlCtxtGetLastError(c);
    int code = e ? e->code : 0;
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "?");
    size_t m = strlen(msg);
    while (m > 0 && (msg[m - 1] == '\n' || msg[m - 1] == ' '))
        msg[--m] = 0;
    int line = c->input ? c->input->line : 0;
    xmlFreeParserCtxt(c);
    if (refused || (d && d->intSubset) || code == XML_ERR_UNDECLARED_ENTITY ||
        code == XML_WAR_UNDECLARED_ENTITY) {
        xmlFreeDoc(d);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_dtd", file, where, NULL);
    }
    if (code == XML_ERR_NO_MEMORY) {
        xmlFreeDoc(d);
        return TCPL_NOMEM(err, file);
    }
    if (prc != 0 || !well || !d || !xmlDocGetRootElement(d)) {
        xmlFreeDoc(d);
        snprintf(where, sizeof where, "%s:%d", part ? part : "", line);
        if (code == XML_ERR_INTERNAL_ERROR || code == XML_ERR_NAME_TOO_LONG)
            return tcpl_err(err, TCPL_ERR_LIMIT, "err.xml_limit", file, where, "%s", msg);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.xml_malformed", file, where, "%s", msg);
    }
    *doc = d;
    return 0;
}

/* ---- settings.xml ------------------------------------------------------------ */

/* CT_Settings children that come after w:updateFields in the schema's
 * sequence (ECMA-376 Part 1, 17.15.1.78): the new element goes before the
 * first of these, so Word's strict ordering holds. */
static const char *const AFTER_UPDATE_FIELDS[] = {"hdrShapeDefaults",
                                                  "footnotePr",
                                                  "endnotePr",
                                                  "compat",
                                                  "docVars",
                                                  "rsids",
                                                  "mathPr",
                                                  "attachedSchema",
                                                  "themeFontLang",
                                                  "clrSchemeMapping",
                                                  "doNotIncludeSubdocsInStats",
                                                  "doNotAutoCompressPictures",
                                                  "forceUpgrade",
                                                  "captions",
                                                  "readModeInkLockDown",
                                                  "smartTagType",
                                                  "schemaLibrary",
                                                  "shapeDefaults",
                                                  "doNotEmbedSmartTags",
                                                  "decimalSymbol",
                                                  "listSeparator"};

static int after_update_fields(const char *local)
{
    for (size_t i = 0; i < sizeof AFTER_UPDATE_FIELDS / sizeof *AFTER_UPDATE_FIELDS; i++)
        if (!strcmp(local, AFTER_UPDATE_FIELDS[i]))
            return 1;
    return 0;
}

int tcpl_settings_update_fields(char **out, size_t *outlen, const char *xml, size_t len,
                                const char *file, tcpl_error *err)
{
    void *dv;
    *out = NULL;
    *outlen = 0;
    int rc = tcpl_xml_dom_read(&dv, xml, len, file, "word/settings.xml", err);
    if (rc < 0)
        return rc;
    xmlDocPtr d = dv;
    xmlNodePtr root = xmlDocGetRootElement(d);
    xmlNsPtr ns = root->ns;
    xmlNodePtr found = NULL, before = NULL;
    for (xmlNodePtr k = root->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        const char *local = (const char *)k->name;
        if (!strcmp(local, "updateFields") && k->ns == ns)
            found = k;
        else if (!before && after_update_fields(local))
            before = k;
    }
    if (!found) {
        found = xmlNewDocNode(d, ns, (const xmlChar *)"updateFields", NULL);
        if (!found)
            goto nomem;
        if (before ? !xmlAddPrevSibling(before, found) : !xmlAddChild(root, found)) {
            xmlFreeNode(found);
            goto nomem;
        }
    }
    if (!xmlSetNsProp(found, ns, (const xmlChar *)"val", (const xmlChar *)"true"))
        goto nomem;
    xmlChar *mem = NULL;
    int n = 0;
    xmlDocDumpMemoryEnc(d, &mem, &n, "UTF-8");
    xmlFreeDoc(d);
    if (!mem)
        return TCPL_NOMEM(err, file);
    *out = malloc((size_t)n + 1);
    if (!*out) {
        xmlFree(mem);
        return TCPL_NOMEM(err, file);
    }
    memcpy(*out, mem, (size_t)n);
    (*out)[n] = 0;
    *outlen = (size_t)n;
    xmlFree(mem);
    return 0;
nomem:
    xmlFreeDoc(d);
    return TCPL_NOMEM(err, file);
}
