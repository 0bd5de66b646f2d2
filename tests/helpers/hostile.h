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

typedef enum hostile_kind {
    HOSTILE_NOT_ZIP,         /* plain text */
    HOSTILE_EMPTY,           /* 0 bytes */
    HOSTILE_TRUNCATED,       /* a valid docx cut in half */
    HOSTILE_OLE,             /* an OLE2 (.doc) header renamed .docx */
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

#endif
