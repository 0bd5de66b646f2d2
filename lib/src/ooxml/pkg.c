#include "ooxml/pkg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "ooxml/xml.h"

/* Small parts compress extremely well (runs of spaces, repeated markup), so
 * the ratio check only starts once a part is this big. */
#define PKG_RATIO_FLOOR (1u << 20)
/* Inflate in slices this size so every limit is checked while reading. */
#define PKG_CHUNK (64u * 1024)
/* The central directory is only scanned by hand (names with NUL, encryption
 * bit) up to this size; 10,000 entries with long names stay far below. */
#define PKG_MAX_CD_BYTES (64u << 20)

static const unsigned char OLE_MAGIC[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

/* The content types a WordprocessingML main part may have: document,
 * macro-enabled document and both template variants. */
static const char *const WORDML_TYPES[] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
};

/* The parsed relationships of one .rels part. */
typedef struct pkg_rels {
    tcpl_vec rels; /* tcpl_rel */
} pkg_rels;

typedef struct pkg_entry {
    const char *name;
    zip_uint64_t index;
    unsigned reads; /* times inflated (tcpl_pkg_read_count) */
    pkg_rels *rels; /* for a .rels part: its relationships once parsed */
} pkg_entry;

struct tcpl_pkg {
    zip_t *za;
    const char *name;
    const char *main;
    size_t inflated;
    zip_uint64_t archive_size;
    tcpl_vec entries; /* pkg_entry, sorted case-insensitively, for lookups */
    int strict;       /* Strict Open XML (tcpl_pkg_strict) */
    tcpl_arena arena;
};

/* ASCII case folding only: OPC part names compare case-insensitively, and
 * the locale must not change the answer. */
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int name_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
        if (x != y || !x)
            return x - y;
    }
}

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && name_cmp(s + n - m, suffix) == 0;
}

static int entry_cmp(const void *a, const void *b)
{
    return name_cmp(((const pkg_entry *)a)->name, ((const pkg_entry *)b)->name);
}

static const char *strip_slash(const char *part)
{
    return part[0] == '/' ? part + 1 : part;
}

static pkg_entry *find_entry(const tcpl_pkg *pkg, const char *part)
{
    pkg_entry key = {strip_slash(part), 0, 0, NULL};
    return bsearch(&key, pkg->entries.data, pkg->entries.len, sizeof key, entry_cmp);
}

/* Names that could escape an extraction folder or mean two things: absolute,
 * drive letters, backslashes, ".." segments. */
static int unsafe_name(const char *s)
{
    if (!s[0] || s[0] == '/' || strchr(s, '\\'))
        return 1;
    if (((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') && s[1] == ':')
        return 1;
    for (const char *seg = s; seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 2 && seg[0] == '.' && seg[1] == '.')
            return 1;
        seg = end ? end + 1 : NULL;
    }
    return 0;
}

/* ---- raw central directory scan --------------------------------------- */

typedef struct cd_findings {
    char nul_name[128]; /* first entry name holding a NUL, "\0" shown literally */
    int encrypted;      /* some entry has general-purpose bit 0 */
    zip_uint64_t size;  /* the archive's size */
} cd_findings;

static unsigned u16(const unsigned char *p)
{
    return p[0] | (unsigned)p[1] << 8;
}
static uint32_t u32(const unsigned char *p)
{
    return u16(p) | (uint32_t)u16(p + 2) << 16;
}
static uint64_t u64(const unsigned char *p)
{
    return u32(p) | (uint64_t)u32(p + 4) << 32;
}

static int src_read_at(zip_source_t *src, zip_uint64_t off, void *buf, size_t n)
{
    if (zip_source_seek(src, (zip_int64_t)off, SEEK_SET) < 0)
        return -1;
    return zip_source_read(src, buf, n) == (zip_int64_t)n ? 0 : -1;
}

/* libzip hands names out as C strings, so a NUL inside a name would be
 * invisible; walk the central directory ourselves to see the raw bytes.
 * Anything unparsable is left for libzip to report. */
static void scan_cd(zip_source_t *src, cd_findings *f)
{
    unsigned char *tail = NULL, *cd = NULL;
    memset(f, 0, sizeof *f);
    if (zip_source_open(src) < 0)
        return;
    if (zip_source_seek(src, 0, SEEK_END) < 0)
        goto out;
    zip_int64_t size = zip_source_tell(src);
    if (size < 22)
        goto out;
    f->size = (zip_uint64_t)size;
    size_t tn = size < 22 + 65535 ? (size_t)size : 22 + 65535;
    tail = malloc(tn);
    if (!tail || src_read_at(src, (zip_uint64_t)size - tn, tail, tn) < 0)
        goto out;
    size_t p = tn - 22;
    for (;; p--) {
        if (!memcmp(tail + p, "PK\5\6", 4))
            break;
        if (p == 0)
            goto out;
    }
    uint64_t cd_size = u32(tail + p + 12), cd_off = u32(tail + p + 16);
    if ((cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu || u16(tail + p + 10) == 0xFFFF) &&
        p >= 20 && !memcmp(tail + p - 20, "PK\6\7", 4)) {
        unsigned char z64[56];
        if (src_read_at(src, u64(tail + p - 20 + 8), z64, sizeof z64) < 0 ||
            memcmp(z64, "PK\6\6", 4))
            goto out;
        cd_size = u64(z64 + 40);
        cd_off = u64(z64 + 48);
    }
    if (cd_size > PKG_MAX_CD_BYTES || cd_off > (uint64_t)size || cd_size > (uint64_t)size - cd_off)
        goto out;
    cd = malloc(cd_size ? (size_t)cd_size : 1);
    if (!cd || src_read_at(src, cd_off, cd, (size_t)cd_size) < 0)
        goto out;
    for (size_t o = 0; o + 46 <= cd_size && !memcmp(cd + o, "PK\1\2", 4);) {
        size_t nlen = u16(cd + o + 28), next = o + 46 + nlen + u16(cd + o + 30) + u16(cd + o + 32);
        if (o + 46 + nlen > cd_size)
            break;
        if (u16(cd + o + 8) & 1)
            f->encrypted = 1;
        const unsigned char *name = cd + o + 46;
        if (!f->nul_name[0] && memchr(name, 0, nlen)) {
            tcpl_buf b;
            tcpl_buf_init(&b);
            for (size_t i = 0; i < nlen && i < 100; i++)
                name[i] ? tcpl_buf_putc(&b, name[i]) : tcpl_buf_puts(&b, "\\0");
            snprintf(f->nul_name, sizeof f->nul_name, "%s", b.data ? b.data : "\\0");
            tcpl_buf_free(&b);
        }
        o = next;
    }
out:
    free(tail);
    free(cd);
    zip_source_close(src);
}

/* "LZMA (method 14)": the zip compression methods of APPNOTE 4.4.5 by name,
 * so the user (or whoever made the file) knows what to change. */
static void method_name(char *out, size_t size, unsigned m)
{
    static const struct {
        unsigned id;
        const char *name;
    } M[] = {{0, "stored"},
             {1, "Shrink"},
             {6, "Implode"},
             {8, "Deflate"},
             {9, "Deflate64"},
             {10, "PKWARE DCL Implode"},
             {12, "BZIP2"},
             {14, "LZMA"},
             {16, "IBM z/OS CMPSC"},
             {18, "IBM TERSE"},
             {19, "IBM LZ77 z"},
             {20, "Zstandard (old id)"},
             {93, "Zstandard"},
             {94, "MP3"},
             {95, "XZ"},
             {96, "JPEG variant"},
             {97, "WavPack"},
             {98, "PPMd"},
             {99, "AE-x encryption marker"}};
    const char *name = m >= 2 && m <= 5 ? "Reduce" : NULL;
    for (size_t i = 0; !name && i < sizeof M / sizeof *M; i++)
        if (M[i].id == m)
            name = M[i].name;
    snprintf(out, size, "%s (method %u)", name ? name : "unknown", m);
}

static const char *encryption_name(unsigned em)
{
    switch (em) {
    case ZIP_EM_TRAD_PKWARE:
        return "ZipCrypto (traditional PKWARE)";
    case ZIP_EM_AES_128:
        return "AES-128";
    case ZIP_EM_AES_192:
        return "AES-192";
    case ZIP_EM_AES_256:
        return "AES-256";
    default:
        return "strong encryption";
    }
}

/* ---- OLE compound files --------------------------------------------------- */

/* An OLE compound file (CFB, [MS-CFB]) where a .docx was expected is one of
 * three things a user must be told apart: a Word 97-2003 .doc (a
 * "WordDocument" stream), a password-protected OOXML document (Office
 * encrypts the whole package into an "EncryptedPackage" stream), or
 * another old Office file.  Only the root storage's directory is read,
 * with bounded work; a file that does not parse is reported as damaged. */

#define CFB_MAXREG 0xFFFFFFFAu /* sector numbers above this are markers */
#define CFB_NOSTREAM 0xFFFFFFFFu
/* Directory entries read (128 bytes each): a .doc has tens, an encrypted
 * package about ten; more only makes the check slower, never wrong (the
 * root storage's streams come first in every file seen). */
#define CFB_MAX_DIR_ENTRIES 4096

typedef struct cfb {
    zip_source_t *src;
    zip_uint64_t size;
    unsigned shift; /* sector size is 1 << shift (512 or 4096) */
    tcpl_vec fat;   /* uint32_t: the FAT's own sector numbers, from the DIFAT */
} cfb;

static int cfb_read(cfb *c, uint32_t sector, size_t off, void *buf, size_t n)
{
    if (sector >= CFB_MAXREG)
        return -1;
    zip_uint64_t at = (((zip_uint64_t)sector + 1) << c->shift) + off;
    if (at > c->size || n > c->size - at)
        return -1;
    return src_read_at(c->src, at, buf, n);
}

/* The FAT sector list: 109 entries in the header, then the DIFAT chain;
 * never more than a file of this size can need. */
static int cfb_load_fat(cfb *c, const unsigned char *hdr)
{
    size_t per = ((size_t)1 << c->shift) / 4;
    size_t want = u32(hdr + 0x2C), most = (size_t)((c->size >> c->shift) / per) + 1;
    if (want > most)
        want = most;
    if (tcpl_vec_reserve(&c->fat, want) < 0)
        return -1;
    for (size_t i = 0; i < want && i < 109; i++)
        *(uint32_t *)tcpl_vec_push(&c->fat) = u32(hdr + 0x4C + 4 * i); /* reserved */
    uint32_t s = u32(hdr + 0x44);
    unsigned char *sec = malloc(per * 4);
    if (!sec)
        return -1;
    /* each DIFAT sector adds per - 1 entries, so this loop ends */
    while (c->fat.len < want && s < CFB_MAXREG && cfb_read(c, s, 0, sec, per * 4) == 0) {
        for (size_t i = 0; i + 1 < per && c->fat.len < want; i++)
            *(uint32_t *)tcpl_vec_push(&c->fat) = u32(sec + 4 * i); /* reserved */
        s = u32(sec + 4 * (per - 1));
    }
    free(sec);
    return c->fat.len ? 0 : -1;
}

static uint32_t cfb_next(cfb *c, uint32_t s)
{
    size_t per = ((size_t)1 << c->shift) / 4;
    unsigned char b[4];
    if (s / per >= c->fat.len ||
        cfb_read(c, TCPL_VEC_AT(&c->fat, uint32_t, s / per), (s % per) * 4, b, 4) < 0)
        return CFB_NOSTREAM;
    return u32(b);
}

/* An entry's UTF-16 name as ASCII ('?' for anything else). */
static void cfb_name(const unsigned char *d, char *out)
{
    unsigned n = u16(d + 0x40);
    size_t k = 0;
    if (n >= 2 && n <= 64 && n % 2 == 0)
        for (unsigned i = 0; i + 2 < n; i += 2) {
            unsigned ch = u16(d + i);
            out[k++] = ch > 0 && ch < 128 ? (char)ch : '?';
        }
    out[k] = 0;
}

static int ole_error(zip_source_t *src, const char *name, tcpl_error *err)
{
    cfb c = {src, 0, 0, TCPL_VEC_INIT(uint32_t)};
    tcpl_vec dir = TCPL_VEC_INIT(unsigned char), stack = TCPL_VEC_INIT(uint32_t);
    unsigned char hdr[512], *seen = NULL;
    const char *bad = NULL, *other = NULL;
    int encrypted = 0, word = 0, rc;
    if (zip_source_open(src) < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", name, NULL, "%s",
                        zip_error_strerror(zip_source_error(src)));
    zip_int64_t size = zip_source_seek(src, 0, SEEK_END) < 0 ? -1 : zip_source_tell(src);
    c.size = size > 0 ? (zip_uint64_t)size : 0;
    unsigned shift = 0;
    if (c.size < sizeof hdr || src_read_at(src, 0, hdr, sizeof hdr) < 0) {
        bad = "header cut short";
        goto done;
    }
    shift = u16(hdr + 0x1E);
    if (u16(hdr + 0x1C) != 0xFFFE || (shift != 9 && shift != 12)) {
        bad = "header";
        goto done;
    }
    c.shift = shift;
    if (cfb_load_fat(&c, hdr) < 0) {
        bad = "allocation table";
        goto done;
    }
    /* The directory chain, at most CFB_MAX_DIR_ENTRIES entries (this also
     * ends a chain that loops). */
    size_t ssz = (size_t)1 << shift;
    for (uint32_t s = u32(hdr + 0x30); s < CFB_MAXREG && dir.len / 128 < CFB_MAX_DIR_ENTRIES;
         s = cfb_next(&c, s)) {
        if (tcpl_vec_reserve(&dir, dir.len + ssz) < 0) {
            bad = "out of memory";
            goto done;
        }
        if (cfb_read(&c, s, 0, (unsigned char *)dir.data + dir.len, ssz) < 0)
            break;
        dir.len += ssz;
    }
    size_t nent = dir.len / 128;
    const unsigned char *d = dir.data;
    if (nent == 0 || d[0x42] != 5) {
        bad = "directory";
        goto done;
    }
    /* The root's children form a tree through left/right sibling ids; walk
     * it with an explicit stack, each entry at most once. */
    seen = calloc(nent, 1);
    if (!seen) {
        bad = "out of memory";
        goto done;
    }
    uint32_t *top = tcpl_vec_push(&stack);
    if (!top) {
        bad = "out of memory";
        goto done;
    }
    *top = u32(d + 0x4C);
    while (stack.len) {
        uint32_t id = TCPL_VEC_AT(&stack, uint32_t, --stack.len);
        if (id >= nent || seen[id])
            continue;
        seen[id] = 1;
        const unsigned char *e = d + 128 * (size_t)id;
        for (int side = 0; side < 2; side++) {
            uint32_t *p = tcpl_vec_push(&stack);
            if (!p) {
                bad = "out of memory";
                goto done;
            }
            *p = u32(e + 0x44 + 4 * side);
        }
        char n[32];
        cfb_name(e, n);
        if (e[0x42] != 2) /* streams only */
            continue;
        if (!name_cmp(n, "EncryptedPackage"))
            encrypted = 1;
        else if (!name_cmp(n, "WordDocument"))
            word = 1;
        else if (!name_cmp(n, "Workbook") || !name_cmp(n, "Book"))
            other = "Excel 97-2003, .xls";
        else if (!name_cmp(n, "PowerPoint Document"))
            other = "PowerPoint 97-2003, .ppt";
    }
done:
    zip_source_close(src);
    tcpl_vec_free(&c.fat);
    tcpl_vec_free(&dir);
    tcpl_vec_free(&stack);
    free(seen);
    if (encrypted)
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.ole_encrypted", name, NULL, NULL);
    else if (word)
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.ole_doc", name, NULL, NULL);
    else if (bad)
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.ole_corrupt", name, NULL, "%s", bad);
    else
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.ole_other", name, NULL, "%s",
                      other ? other : "OLE compound file");
    return rc;
}

/* ---- opening ------------------------------------------------------------ */

static int find_main(tcpl_pkg *pkg, tcpl_error *err);

static int zip_open_error(const zip_error_t *ze, int starts_pk, const char *name, tcpl_error *err)
{
    int code = zip_error_code_zip(ze);
    const char *msg = zip_error_strerror((zip_error_t *)ze);
    switch (code) {
    case ZIP_ER_MEMORY:
        return TCPL_NOMEM(err, name);
    case ZIP_ER_NOZIP:
        /* "PK" at the start but no central directory: cut short. */
        if (starts_pk)
            return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", name, NULL,
                            "end of archive missing");
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.not_zip", name, NULL, NULL);
    case ZIP_ER_OPEN:
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", name, NULL, "%s", msg);
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
        if (zip_error_code_system(ze) != 0)
            return tcpl_err(err, TCPL_ERR_IO, "err.io_read", name, NULL, "%s", msg);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", name, NULL, "%s", msg);
    default:
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", name, NULL, "%s", msg);
    }
}

/* Takes src (freed on failure). head: the first bytes of the input. */
static int pkg_open(tcpl_pkg **out, zip_source_t *src, const unsigned char *head, size_t hn,
                    const char *name, tcpl_error *err)
{
    int rc = 0;
    tcpl_pkg *pkg = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    *out = NULL;
    if (hn >= sizeof OLE_MAGIC && !memcmp(head, OLE_MAGIC, sizeof OLE_MAGIC)) {
        rc = ole_error(src, name ? name : "", err);
        goto out;
    }
    int starts_pk = hn >= 2 && head[0] == 'P' && head[1] == 'K';
    pkg = calloc(1, sizeof *pkg);
    if (!pkg) {
        rc = TCPL_NOMEM(err, name);
        goto out;
    }
    tcpl_arena_init(&pkg->arena);
    tcpl_vec_init(&pkg->entries, sizeof(pkg_entry));
    pkg->name = tcpl_arena_strdup(&pkg->arena, name ? name : "");
    if (!pkg->name) {
        rc = TCPL_NOMEM(err, name);
        goto out;
    }
    cd_findings cdf;
    scan_cd(src, &cdf);
    pkg->archive_size = cdf.size;
    /* No ZIP_CHECKCONS: Word, LibreOffice and 7-Zip open archives whose
     * local headers differ from the central directory in harmless fields
     * (version needed, time, extra fields, sizes left to a data descriptor)
     * or that carry bytes after the end record, and libzip's strict check
     * refuses those.  Nothing here trusts a local header: libzip reads the
     * method, sizes and encryption from the central directory (checked
     * below and by scan_cd), takes only the data offset from the local
     * header, and every limit is enforced on the bytes actually inflated
     * (tcpl_pkg_read), so a lying header can cost no more than an honest one. */
    pkg->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!pkg->za) {
        rc = zip_open_error(&ze, starts_pk, pkg->name, err);
        goto out;
    }
    src = NULL; /* owned by za now */

    zip_int64_t n = zip_get_num_entries(pkg->za, 0);
    if (n < 0) {
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", pkg->name, NULL, "entries");
        goto out;
    }
    if (n > TCPL_MAX_ZIP_ENTRIES) {
        rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.zip_entries", pkg->name, NULL, "%lld > %d",
                      (long long)n, TCPL_MAX_ZIP_ENTRIES);
        goto out;
    }
    if (cdf.nul_name[0]) {
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_path", pkg->name, NULL, "%s", cdf.nul_name);
        goto out;
    }
    if (tcpl_vec_reserve(&pkg->entries, (size_t)n) < 0) {
        rc = TCPL_NOMEM(err, pkg->name);
        goto out;
    }
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(pkg->za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME)) {
            rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", pkg->name, NULL, "entry %lld",
                          (long long)i);
            goto out;
        }
        if (unsafe_name(st.name)) {
            rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_path", pkg->name, NULL, "%s", st.name);
            goto out;
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_encrypted", pkg->name, st.name, "%s",
                          encryption_name(st.encryption_method));
            goto out;
        }
        pkg_entry *pe = tcpl_vec_push(&pkg->entries); /* reserved: never NULL */
        pe->name = st.name;                           /* valid while za is open */
        pe->index = (zip_uint64_t)i;
    }
    if (cdf.encrypted) { /* the raw general-purpose bit, whatever libzip made of it */
        rc = tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_encrypted", pkg->name, NULL, "%s",
                      "general-purpose bit 0");
        goto out;
    }
    pkg_entry *ents = TCPL_VEC_DATA(&pkg->entries, pkg_entry);
    if (pkg->entries.len)
        qsort(ents, pkg->entries.len, sizeof *ents, entry_cmp);
    /* Two entries differing only in case: which one a reader sees would
     * depend on the reader, a classic smuggling trick. */
    for (size_t i = 1; i < pkg->entries.len; i++)
        if (!name_cmp(ents[i - 1].name, ents[i].name)) {
            rc =
                tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_path", pkg->name, NULL, "%s", ents[i].name);
            goto out;
        }
    TCPL_CHECK(find_main(pkg, err));
    *out = pkg;
    pkg = NULL;
out:
    if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    tcpl_pkg_free(pkg);
    return rc;
}

int tcpl_pkg_open_memory(tcpl_pkg **out, const void *data, size_t len, const char *name,
                         tcpl_error *err)
{
    zip_error_t ze;
    *out = NULL;
    if (!name)
        name = "";
    if (len == 0)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.empty_file", name, NULL, NULL);
    if (!data)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.internal", name, NULL, "data is NULL");
    if (len > TCPL_MAX_INPUT_BYTES)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.too_big", name, NULL, "%zu MB > %u MB", len >> 20,
                        TCPL_MAX_INPUT_BYTES >> 20);
    /* A private copy: the caller may free data right after this call. */
    void *copy = malloc(len);
    if (!copy)
        return TCPL_NOMEM(err, name);
    memcpy(copy, data, len);
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(copy, len, 1, &ze);
    zip_error_fini(&ze);
    if (!src) {
        free(copy);
        return TCPL_NOMEM(err, name);
    }
    return pkg_open(out, src, data, len, name, err);
}

/* What a path names when it is not a regular file, for err.not_regular. */
static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m)   ? "named pipe (FIFO)"
           : S_ISCHR(m)  ? "character device"
           : S_ISBLK(m)  ? "block device"
           : S_ISSOCK(m) ? "socket"
                         : "special file";
}

static int not_regular(const char *path, mode_t m, tcpl_error *err)
{
    if (S_ISDIR(m))
        return tcpl_err(err, TCPL_ERR_IO, "err.is_directory", path, NULL, NULL);
    return tcpl_err(err, TCPL_ERR_IO, "err.not_regular", path, NULL, "%s", file_kind(m));
}

int tcpl_pkg_open_file(tcpl_pkg **out, const char *path, tcpl_error *err)
{
    struct stat st;
    unsigned char head[8];
    zip_error_t ze;
    *out = NULL;
    if (!path)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.internal", NULL, NULL, "path is NULL");
    /* A FIFO or a terminal would block open() or read() forever: look
     * first (following links: a link to a .docx is fine)... */
    if (stat(path, &st) < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", path, NULL, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return not_regular(path, st.st_mode, err);
    /* ...then open without blocking, in case the path was swapped for a
     * FIFO in between, and judge what was actually opened. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", path, NULL, "%s", strerror(errno));
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, "%s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return not_regular(path, st.st_mode, err);
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *fp = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "rb");
    if (!fp) {
        int e = errno;
        close(fd);
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", path, NULL, "%s", strerror(e));
    }
    if (st.st_size == 0) {
        fclose(fp);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.empty_file", path, NULL, NULL);
    }
    if ((unsigned long long)st.st_size > TCPL_MAX_INPUT_BYTES) {
        fclose(fp);
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.too_big", path, NULL, "%lld MB > %u MB",
                        (long long)(st.st_size >> 20), TCPL_MAX_INPUT_BYTES >> 20);
    }
    size_t hn = fread(head, 1, sizeof head, fp);
    if (ferror(fp) || fseek(fp, 0, SEEK_SET) != 0) {
        int e = errno;
        fclose(fp);
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, "%s", strerror(e));
    }
    zip_error_init(&ze);
    zip_source_t *src = zip_source_filep_create(fp, 0, st.st_size, &ze);
    zip_error_fini(&ze);
    if (!src) {
        fclose(fp);
        return TCPL_NOMEM(err, path);
    }
    return pkg_open(out, src, head, hn, path, err);
}

void tcpl_pkg_free(tcpl_pkg *pkg)
{
    if (!pkg)
        return;
    if (pkg->za)
        zip_discard(pkg->za);
    for (size_t i = 0; i < pkg->entries.len; i++) {
        pkg_rels *r = TCPL_VEC_AT(&pkg->entries, pkg_entry, i).rels;
        if (r) {
            tcpl_vec_free(&r->rels);
            free(r);
        }
    }
    tcpl_vec_free(&pkg->entries);
    tcpl_arena_free(&pkg->arena);
    free(pkg);
}

const char *tcpl_pkg_name(const tcpl_pkg *pkg)
{
    return pkg->name;
}
const char *tcpl_pkg_main_part(const tcpl_pkg *pkg)
{
    return pkg->main;
}
int tcpl_pkg_strict(const tcpl_pkg *pkg)
{
    return pkg->strict;
}
size_t tcpl_pkg_inflated(const tcpl_pkg *pkg)
{
    return pkg->inflated;
}
unsigned tcpl_pkg_read_count(const tcpl_pkg *pkg, const char *part)
{
    const pkg_entry *e = part ? find_entry(pkg, part) : NULL;
    return e ? e->reads : 0;
}

int tcpl_pkg_same_part(const char *a, const char *b)
{
    return a && b && name_cmp(a, b) == 0;
}

int tcpl_pkg_has(const tcpl_pkg *pkg, const char *part)
{
    return part && find_entry(pkg, part) != NULL;
}

/* ---- reading ------------------------------------------------------------ */

static int zip_read_error(zip_error_t *ze, const char *file, const char *part, tcpl_error *err)
{
    switch (zip_error_code_zip(ze)) {
    case ZIP_ER_MEMORY:
        return tcpl_err(err, TCPL_ERR_NOMEM, "err.nomem", file, part, NULL);
    case ZIP_ER_ENCRNOTSUPP:
    case ZIP_ER_NOPASSWD:
    case ZIP_ER_WRONGPASSWD:
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_encrypted", file, part, "%s",
                        zip_error_strerror(ze));
    case ZIP_ER_COMPNOTSUPP:
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_method", file, part, "%s",
                        zip_error_strerror(ze));
    default:
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", file, part, "%s",
                        zip_error_strerror(ze));
    }
}

int tcpl_pkg_read(tcpl_pkg *pkg, const char *part, char **data, size_t *len, tcpl_error *err)
{
    int rc = 0;
    tcpl_vec buf = TCPL_VEC_INIT(char);
    size_t n = 0;
    zip_file_t *zf = NULL;
    *data = NULL;
    if (len)
        *len = 0;
    pkg_entry *e = part ? find_entry(pkg, part) : NULL;
    if (!e)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.part_missing", pkg->name, part, "%s", part);
    zip_stat_t st;
    if (zip_stat_index(pkg->za, e->index, 0, &st) < 0)
        return zip_read_error(zip_get_error(pkg->za), pkg->name, e->name, err);
    /* The declared size is only an early, cheap refusal; the loop below
     * enforces the limits on the bytes actually inflated. */
    if ((st.valid & ZIP_STAT_SIZE) && st.size > TCPL_MAX_ENTRY_BYTES)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.zip_entry_size", pkg->name, e->name,
                        "%llu MB > %u MB", (unsigned long long)(st.size >> 20),
                        TCPL_MAX_ENTRY_BYTES >> 20);
    /* Word writes Deflate or stored; another method libzip cannot inflate
     * (LZMA, Deflate64, PPMd from an archiver) is named, not "damaged". */
    if ((st.valid & ZIP_STAT_COMP_METHOD) && !zip_compression_method_supported(st.comp_method, 0)) {
        char m[64];
        method_name(m, sizeof m, st.comp_method);
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_method", pkg->name, e->name, "%s", m);
    }
    /* A lying compressed size cannot exceed the archive itself. */
    zip_uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (pkg->archive_size && comp > pkg->archive_size)
        comp = pkg->archive_size;
    e->reads++;
    zf = zip_fopen_index(pkg->za, e->index, 0);
    if (!zf)
        return zip_read_error(zip_get_error(pkg->za), pkg->name, e->name, err);
    for (;;) {
        /* Room for one more slice and the NUL.  n never passes the entry
         * limit by more than a slice (checked below), so the buffer stays
         * under twice the limit. */
        if (tcpl_vec_reserve(&buf, n + PKG_CHUNK + 1) < 0) {
            rc = TCPL_NOMEM(err, pkg->name);
            goto out;
        }
        zip_int64_t r = zip_fread(zf, (char *)buf.data + n, PKG_CHUNK);
        if (r < 0) {
            rc = zip_read_error(zip_file_get_error(zf), pkg->name, e->name, err);
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > TCPL_MAX_ENTRY_BYTES) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.zip_entry_size", pkg->name, e->name, "> %u MB",
                          TCPL_MAX_ENTRY_BYTES >> 20);
            goto out;
        }
        if (pkg->inflated > TCPL_MAX_TOTAL_BYTES || n > TCPL_MAX_TOTAL_BYTES - pkg->inflated) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.zip_total", pkg->name, e->name, "> %u MB",
                          TCPL_MAX_TOTAL_BYTES >> 20);
            goto out;
        }
        if (n > PKG_RATIO_FLOOR && (comp == 0 || n / comp > TCPL_MAX_RATIO)) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.zip_ratio", pkg->name, e->name, "> %d:1",
                          TCPL_MAX_RATIO);
            goto out;
        }
    }
    ((char *)buf.data)[n] = 0;
    buf.len = n;
    *data = tcpl_vec_detach(&buf, NULL);
    if (len)
        *len = n;
out:
    pkg->inflated += n;
    if (zf)
        zip_fclose(zf);
    tcpl_vec_free(&buf);
    return rc;
}

/* ---- raw entries (the part cache) ----------------------------------------- */

int tcpl_pkg_part_key(tcpl_pkg *pkg, const char *part, tcpl_part_key *key)
{
    memset(key, 0, sizeof *key);
    pkg_entry *e = part ? find_entry(pkg, part) : NULL;
    zip_stat_t st;
    if (!e || zip_stat_index(pkg->za, e->index, 0, &st) < 0)
        return 0;
    zip_uint64_t need = ZIP_STAT_CRC | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD |
                        ZIP_STAT_ENCRYPTION_METHOD;
    if ((st.valid & need) != need || st.encryption_method != ZIP_EM_NONE ||
        st.comp_size > TCPL_MAX_ENTRY_BYTES || st.size > TCPL_MAX_ENTRY_BYTES)
        return 0;
    key->crc = st.crc;
    key->size = st.size;
    key->comp_size = st.comp_size;
    key->method = st.comp_method;
    return 1;
}

int tcpl_pkg_read_raw(tcpl_pkg *pkg, const char *part, const tcpl_part_key *key, char **data,
                      tcpl_error *err)
{
    *data = NULL;
    pkg_entry *e = part ? find_entry(pkg, part) : NULL;
    if (!e)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.part_missing", pkg->name, part, "%s", part);
    if (pkg->archive_size && key->comp_size > pkg->archive_size)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.zip_corrupt", pkg->name, e->name, "%s", "size");
    char *buf = malloc(key->comp_size ? (size_t)key->comp_size : 1);
    if (!buf)
        return TCPL_NOMEM(err, pkg->name);
    zip_file_t *zf = zip_fopen_index(pkg->za, e->index, ZIP_FL_COMPRESSED);
    zip_int64_t r = zf ? zip_fread(zf, buf, key->comp_size) : -1;
    int rc = 0;
    if (r < 0 || (zip_uint64_t)r != key->comp_size)
        rc = zip_read_error(zf ? zip_file_get_error(zf) : zip_get_error(pkg->za), pkg->name,
                            e->name, err);
    if (zf)
        zip_fclose(zf);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    return 0;
}

/* ---- relationships ------------------------------------------------------ */

/* Resolves target against the folder of source part base (OPC: relative
 * references resolve against the source part; "/x" is from the root), with
 * "." and ".." segments removed.  ".." above the root stays at the root:
 * lookups only ever happen inside the package. */
static char *resolve(tcpl_arena *a, const char *base, const char *target)
{
    tcpl_buf in, o;
    tcpl_buf_init(&in);
    tcpl_buf_init(&o);
    if (target[0] == '/') {
        tcpl_buf_puts(&in, target + 1);
    } else {
        const char *slash = strrchr(base, '/');
        if (slash)
            tcpl_buf_put(&in, base, (size_t)(slash - base) + 1);
        tcpl_buf_puts(&in, target);
    }
    tcpl_buf_puts(&o, "");
    char *res = NULL;
    if (!tcpl_buf_ok(&in) || !tcpl_buf_ok(&o))
        goto out;
    for (const char *seg = in.data; seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            char *last = strrchr(o.data, '/');
            o.len = last ? (size_t)(last - o.data) : 0;
            o.data[o.len] = 0;
        } else if (n > 0 && !(n == 1 && seg[0] == '.')) {
            if (o.len)
                tcpl_buf_putc(&o, '/');
            tcpl_buf_put(&o, seg, n);
        }
        seg = end ? end + 1 : NULL;
    }
    if (tcpl_buf_ok(&o))
        res = tcpl_arena_strdup(a, o.data);
out:
    tcpl_buf_free(&in);
    tcpl_buf_free(&o);
    return res;
}

/* The .rels part of a source part: "word/document.xml" ->
 * "word/_rels/document.xml.rels"; the package itself ("") -> "_rels/.rels". */
static int rels_name(tcpl_buf *b, const char *part)
{
    const char *slash = strrchr(part, '/');
    const char *file = slash ? slash + 1 : part;
    tcpl_buf_put(b, part, (size_t)(file - part));
    tcpl_buf_printf(b, "_rels/%s.rels", file);
    return tcpl_buf_ok(b) ? 0 : -1;
}

static char *attr_dup(tcpl_arena *a, const tcpl_xml *x, const char *name)
{
    const char *v = tcpl_xml_attr(x, NULL, name);
    return v ? tcpl_arena_strdup(a, v) : NULL;
}

typedef struct rel_key {
    const char *target;
    size_t i;
} rel_key;

static int rel_key_cmp(const void *a, const void *b)
{
    const rel_key *x = a, *y = b;
    int c = name_cmp(x->target, y->target);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Marks every internal relationship whose target an earlier one already
 * names (letter case aside, as part lookup ignores it), so each part is
 * read once however many relationships point at it.  Sorting, not a hash
 * table: O(n log n) whatever names an attacker picks. */
static int mark_dups(tcpl_vec *rels)
{
    tcpl_vec keys = TCPL_VEC_INIT(rel_key);
    if (tcpl_vec_reserve(&keys, rels->len) < 0)
        return -1;
    for (size_t i = 0; i < rels->len; i++) {
        const tcpl_rel *r = &TCPL_VEC_AT(rels, tcpl_rel, i);
        if (!r->external)
            *(rel_key *)tcpl_vec_push(&keys) = (rel_key){r->target, i};
    }
    rel_key *k = keys.data;
    if (keys.len)
        qsort(k, keys.len, sizeof *k, rel_key_cmp);
    for (size_t j = 1; j < keys.len; j++)
        if (!name_cmp(k[j - 1].target, k[j].target))
            TCPL_VEC_AT(rels, tcpl_rel, k[j].i).dup = 1;
    tcpl_vec_free(&keys);
    return 0;
}

static int parse_rels(tcpl_pkg *pkg, const char *part, const char *rpart, const char *xml,
                      size_t len, pkg_rels *out, tcpl_error *err)
{
    int rc = 0, r;
    tcpl_xml x;
    TCPL_CHECK(tcpl_xml_open(&x, xml, len, pkg->name, rpart, err));
    while ((r = tcpl_xml_next(&x, err)) > 0) {
        if (tcpl_xml_type(&x) != XML_READER_TYPE_ELEMENT ||
            strcmp(tcpl_xml_local(&x), "Relationship") != 0)
            continue;
        char *id = attr_dup(&pkg->arena, &x, "Id");
        char *type = attr_dup(&pkg->arena, &x, "Type");
        char *target = attr_dup(&pkg->arena, &x, "Target");
        char *mode = attr_dup(&pkg->arena, &x, "TargetMode");
        if (!type || !target)
            continue; /* unusable, as Word treats it */
        if (out->rels.len >= TCPL_MAX_RELS) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "err.rels_limit", pkg->name, rpart, "> %d",
                          TCPL_MAX_RELS);
            goto out;
        }
        tcpl_rel *rel = tcpl_vec_push(&out->rels);
        if (!rel) {
            rc = TCPL_NOMEM(err, pkg->name);
            goto out;
        }
        rel->id = id ? id : "";
        rel->type = type;
        rel->external = mode && name_cmp(mode, "External") == 0;
        rel->target = rel->external ? target : resolve(&pkg->arena, part, target);
        if (!rel->target) {
            out->rels.len--;
            rc = TCPL_NOMEM(err, pkg->name);
            goto out;
        }
        /* The part's own spelling when the package has it. */
        const pkg_entry *e = rel->external ? NULL : find_entry(pkg, rel->target);
        if (e)
            rel->target = e->name;
    }
    if (r < 0)
        rc = r;
    else if (mark_dups(&out->rels) < 0)
        rc = TCPL_NOMEM(err, pkg->name);
out:
    tcpl_xml_close(&x);
    return rc;
}

int tcpl_pkg_rels(tcpl_pkg *pkg, const char *part, const tcpl_rel **rels, size_t *count,
                  tcpl_error *err)
{
    int rc = 0;
    tcpl_buf rn;
    char *xml = NULL;
    size_t len = 0;
    pkg_rels *pr = NULL;
    tcpl_buf_init(&rn);
    *rels = NULL;
    *count = 0;
    part = strip_slash(part ? part : "");
    if (rels_name(&rn, part) < 0) {
        rc = TCPL_NOMEM(err, pkg->name);
        goto out;
    }
    /* Parsed once, cached on the .rels entry itself. */
    pkg_entry *e = find_entry(pkg, rn.data);
    if (!e)
        goto out; /* no .rels part: no relationships */
    if (!e->rels) {
        pr = calloc(1, sizeof *pr);
        if (!pr) {
            rc = TCPL_NOMEM(err, pkg->name);
            goto out;
        }
        tcpl_vec_init(&pr->rels, sizeof(tcpl_rel));
        TCPL_CHECK(tcpl_pkg_read(pkg, e->name, &xml, &len, err));
        TCPL_CHECK(parse_rels(pkg, part, e->name, xml, len, pr, err));
        e->rels = pr;
        pr = NULL;
    }
    *rels = e->rels->rels.data;
    *count = e->rels->rels.len;
out:
    if (pr) {
        tcpl_vec_free(&pr->rels);
        free(pr);
    }
    free(xml);
    tcpl_buf_free(&rn);
    return rc;
}

const tcpl_rel *tcpl_pkg_rel_by_type(const tcpl_rel *rels, size_t count, const char *type_suffix)
{
    for (size_t i = 0; i < count; i++)
        if (ends_with_ci(rels[i].type, type_suffix))
            return &rels[i];
    return NULL;
}

/* ---- the main part ------------------------------------------------------ */

/* The content type [Content_Types].xml gives part: its Override, else the
 * Default for its extension. "" when none. */
static int content_type(tcpl_pkg *pkg, const char *part, char *type, size_t size, tcpl_error *err)
{
    int rc = 0, r;
    char *xml = NULL;
    size_t len;
    tcpl_xml x = {0};
    char def[256] = "", v[512];
    const char *slash = strrchr(part, '/'), *dot = strrchr(slash ? slash : part, '.');
    const char *ext = dot ? dot + 1 : NULL;
    type[0] = 0;
    TCPL_CHECK(tcpl_pkg_read(pkg, "[Content_Types].xml", &xml, &len, err));
    TCPL_CHECK(tcpl_xml_open(&x, xml, len, pkg->name, "[Content_Types].xml", err));
    while ((r = tcpl_xml_next(&x, err)) > 0) {
        if (tcpl_xml_type(&x) != XML_READER_TYPE_ELEMENT)
            continue;
        if (!strcmp(tcpl_xml_local(&x), "Override") &&
            tcpl_xml_attr_copy(&x, NULL, "PartName", v, sizeof v) &&
            !name_cmp(strip_slash(v), part)) {
            tcpl_xml_attr_copy(&x, NULL, "ContentType", type, size);
        } else if (ext && !strcmp(tcpl_xml_local(&x), "Default") &&
                   tcpl_xml_attr_copy(&x, NULL, "Extension", v, sizeof v) && !name_cmp(v, ext)) {
            tcpl_xml_attr_copy(&x, NULL, "ContentType", def, sizeof def);
        }
    }
    if (r < 0)
        rc = r;
    else if (!type[0])
        snprintf(type, size, "%s", def);
out:
    tcpl_xml_close(&x);
    free(xml);
    return rc;
}

static int find_main(tcpl_pkg *pkg, tcpl_error *err)
{
    int rc = 0;
    const tcpl_rel *rels, *main = NULL;
    size_t n;
    char type[256];
    TCPL_CHECK(tcpl_pkg_rels(pkg, "", &rels, &n, err));
    for (size_t i = 0; i < n && !main; i++)
        if (!rels[i].external && ends_with_ci(rels[i].type, "/officeDocument"))
            main = &rels[i];
    const pkg_entry *e = main ? find_entry(pkg, main->target) : NULL;
    if (!e)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.no_main_part", pkg->name, "_rels/.rels", "%s",
                        main ? main->target : "");
    if (!tcpl_pkg_has(pkg, "[Content_Types].xml"))
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.not_wordml", pkg->name, e->name,
                        "no [Content_Types].xml");
    TCPL_CHECK(content_type(pkg, e->name, type, sizeof type, err));
    int ok = 0;
    for (size_t i = 0; i < sizeof WORDML_TYPES / sizeof *WORDML_TYPES; i++)
        ok |= !name_cmp(type, WORDML_TYPES[i]);
    if (!ok)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.not_wordml", pkg->name, e->name, "%s",
                        type[0] ? type : "no content type");
    pkg->main = e->name;
    pkg->strict = !name_cmp(main->type, TCPL_REL_STRICT "officeDocument");
out:
    return rc;
}
