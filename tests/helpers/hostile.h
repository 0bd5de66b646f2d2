#ifndef TCPL_TEST_HOSTILE_H
#define TCPL_TEST_HOSTILE_H
/* Test inputs built in memory: small valid DOCX files for any test, and
 * hostile or corrupt ones for the container and XML layers.  Every result
 * is malloc'd (free()). */
#include <stddef.h>

/* One part of a package; len 0 means strlen(content). */
typedef struct tu_part {
    const char *name;
    const char *content;
    size_t len;
} tu_part;

/* Zips parts into a DOCX.  Adds [Content_Types].xml, _rels/.rels and
 * word/_rels/document.xml.rels (styles, numbering, footnotes, endnotes,
 * settings, headers, footers found among parts) when not given.  The main
 * part is word/document.xml.  0 or -1. */
int tu_build_docx(const tu_part *parts, size_t n, unsigned char **data, size_t *len);

/* A minimal valid DOCX.  document: the whole document.xml, or (when it has
 * no <w:document) the inside of <w:body>.  styles and numbering: whole
 * parts, or the inside of <w:styles>/<w:numbering>; NULL to leave out. */
int hostile_docx(const char *document, const char *styles, const char *numbering,
                 unsigned char **data, size_t *len);

/* The namespace declarations hostile_docx puts on a wrapped root. */
#define TU_W_NS                                                                                    \
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "                    \
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

/* TU_W_NS and the namespaces of drawings (wps, wp, a, v), Word 2010 (w14)
 * and markup compatibility, w14 ignorable: for whole documents. */
#define TU_ALL_NS                                                                                  \
    TU_W_NS " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "           \
            "xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" "     \
            "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" " \
            "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "                   \
            "xmlns:v=\"urn:schemas-microsoft-com:vml\" "                                           \
            "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" "                  \
            "mc:Ignorable=\"w14\""

typedef enum hostile_kind {
    HOSTILE_NOT_ZIP,         /* plain text */
    HOSTILE_EMPTY,           /* 0 bytes */
    HOSTILE_TRUNCATED,       /* a valid docx cut in half */
    HOSTILE_OLE,             /* a Word 97-2003 .doc (OLE2, a WordDocument stream) renamed .docx */
    HOSTILE_BOMB,            /* document.xml: 300 MB of zeros, honest sizes */
    HOSTILE_BOMB_LYING,      /* the same bomb claiming 1000 bytes inflated */
    HOSTILE_RATIO,           /* document.xml: 8 MB of spaces (ratio > 1000) */
    HOSTILE_BIG_LYING,       /* document.xml: 300 MB at ratio < 200, claiming 1000 bytes */
    HOSTILE_TOTAL,           /* document.xml: 200 MB at ratio < 200 (read it 6 times) */
    HOSTILE_PATH_DOTDOT,     /* an entry "../evil.xml" */
    HOSTILE_PATH_ABSOLUTE,   /* an entry "/etc/evil.xml" */
    HOSTILE_PATH_BACKSLASH,  /* an entry "word\evil.xml" */
    HOSTILE_PATH_NUL,        /* an entry "word/evil\0.xml" */
    HOSTILE_PATH_DUP_CASE,   /* "word/document.xml" and "WORD/Document.xml" */
    HOSTILE_ENCRYPTED_AES,   /* document.xml AES-256 encrypted */
    HOSTILE_ENCRYPTED_FLAG,  /* general-purpose bit 0 set on document.xml */
    HOSTILE_TOO_MANY,        /* 10,001 entries */
    HOSTILE_NO_RELS,         /* no _rels/.rels */
    HOSTILE_MAIN_MISSING,    /* officeDocument points to an absent part */
    HOSTILE_XLSX,            /* main part is a spreadsheet */
    HOSTILE_RELS_XXE,        /* _rels/.rels with a DOCTYPE */
    HOSTILE_XML_MALFORMED,   /* document.xml not well-formed */
    HOSTILE_XML_XXE,         /* document.xml: external entity to /etc/passwd */
    HOSTILE_XML_LAUGHS,      /* document.xml: billion laughs */
    HOSTILE_XML_DEEP,        /* document.xml: 100,000 nested <a> elements */
    HOSTILE_COUNT
} hostile_kind;

const char *hostile_name(hostile_kind kind);
int hostile_make(hostile_kind kind, unsigned char **data, size_t *len);

/* ---- zips written the odd ways real office software writes them -------- */

/* hostile_rezip rewrites a zip (as tu_build_docx makes it) byte by byte. */
enum {
    REZIP_DESCRIPTOR = 1 << 0, /* bit 3: CRC and sizes zero locally, in a data descriptor after */
    REZIP_LOCAL_DIFFERS = 1 << 1, /* local header: higher version needed, another time, its own
                                      extra field (the central one has a different one) */
    REZIP_REVERSE = 1 << 2,   /* local entries in the reverse of the central directory's order */
    REZIP_DIRS = 1 << 3,      /* directory entries "word/", "_rels/", "docProps/" */
    REZIP_ZIP64 = 1 << 4,     /* a zip64 end record and locator; the classic end record saturated */
    REZIP_PREFIX = 1 << 5,    /* 4 KB before the archive (a stub), offsets counted from the file */
    REZIP_TRAILING = 1 << 6,  /* 1000 bytes of garbage after the end record */
    REZIP_ALL = (1 << 7) - 1
};
int hostile_rezip(const unsigned char *in, size_t n, unsigned flags, unsigned char **data,
                  size_t *len);

/* Sets the compression method of entry name (central and local header) to
 * method, leaving the data as it is: an archive libzip cannot inflate. */
int hostile_set_method(unsigned char *z, size_t n, const char *name, unsigned method);

/* An OLE compound file (CFB v3, 512-byte sectors) whose root storage holds
 * the named streams (each a few bytes of filler), as Word 97-2003 files and
 * password-protected OOXML files are.  nstreams may be 0. */
int hostile_ole(const char *const *streams, size_t nstreams, unsigned char **data, size_t *len);

#endif
