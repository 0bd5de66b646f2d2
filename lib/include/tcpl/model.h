#ifndef TCPL_MODEL_H
#define TCPL_MODEL_H

#include <stddef.h>
#include "tcpl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The document model: every block of a DOCX in reading order, in one array.
 * A block's index is its address for every later stage (extraction,
 * findings, reports).  Blocks, runs and strings are owned by the document and
 * live until tcpl_doc_free(). */
typedef struct tcpl_doc tcpl_doc;

typedef enum {
    TCPL_PART_BODY = 0, /* the main document part */
    TCPL_PART_FOOTNOTES,
    TCPL_PART_ENDNOTES,
    TCPL_PART_HEADER,
    TCPL_PART_FOOTER
} tcpl_part_kind;

typedef enum {
    TCPL_BLOCK_PARAGRAPH = 0,
    TCPL_BLOCK_TABLE,   /* children: rows */
    TCPL_BLOCK_ROW,     /* children: cells */
    TCPL_BLOCK_CELL,    /* children: paragraphs and nested tables */
    TCPL_BLOCK_TEXTBOX, /* w:txbxContent; follows the paragraph anchoring it */
    TCPL_BLOCK_NOTE     /* one footnote or endnote; children: paragraphs */
} tcpl_block_kind;

typedef enum {
    TCPL_ALIGN_START = 0, /* left, or unspecified */
    TCPL_ALIGN_CENTER,
    TCPL_ALIGN_END,
    TCPL_ALIGN_JUSTIFY,
    TCPL_ALIGN_DISTRIBUTE
} tcpl_align;

typedef enum { TCPL_VMERGE_NONE = 0, TCPL_VMERGE_RESTART, TCPL_VMERGE_CONTINUE } tcpl_vmerge;

/* Run flags. */
enum {
    TCPL_RUN_BOLD = 1 << 0,
    TCPL_RUN_ITALIC = 1 << 1,
    TCPL_RUN_UNDERLINE = 1 << 2,
    TCPL_RUN_CAPS = 1 << 3,     /* w:caps: shown in capitals (text kept as typed) */
    TCPL_RUN_INSERTED = 1 << 4, /* inside a tracked insertion or moveTo */
    TCPL_RUN_STRIKE = 1 << 5,
    TCPL_RUN_LEGACY = 1 << 6, /* converted from a TCVN3/VNI font */
    TCPL_RUN_FIELD = 1 << 7,  /* the result of a field */
    TCPL_RUN_SUPERSCRIPT = 1 << 8,
    TCPL_RUN_SUBSCRIPT = 1 << 9
};

/* A stretch of a paragraph's text with one effective formatting, resolved
 * docDefaults -> paragraph style -> character style -> direct formatting.
 * Adjacent runs with equal formatting are merged. */
typedef struct tcpl_run {
    size_t offset;    /* byte offset into the paragraph text */
    size_t length;    /* bytes */
    unsigned flags;   /* TCPL_RUN_* */
    const char *font; /* effective font (w:ascii / w:hAnsi), "" if none */
    int size;         /* half-points (26 = 13 pt), 0 if unknown */
} tcpl_run;

/* Where a paragraph refers to a footnote or endnote (w:footnoteReference,
 * w:endnoteReference).  The reference mark itself is not in the text. */
typedef struct tcpl_note_ref {
    size_t offset;       /* byte offset into the paragraph text */
    tcpl_part_kind part; /* TCPL_PART_FOOTNOTES or TCPL_PART_ENDNOTES */
    int note_id;         /* the w:id of the note block it names */
} tcpl_note_ref;

typedef struct tcpl_block {
    tcpl_block_kind kind;
    int index;  /* position in the block array */
    int parent; /* index of the enclosing table/row/cell/textbox/note, -1 at top */
    int depth;  /* 0 for top level blocks of a part */

    tcpl_part_kind part;
    const char *part_name; /* "word/document.xml", "word/header1.xml", ... */
    int para_index;        /* ordinal of the paragraph within its part, -1 if not a paragraph */
    /* Innermost table cell holding this block: table block index, row and
     * column (grid column, counting gridSpan), or -1 outside tables.  A row
     * or cell block gives its own coordinates (a row's col is -1). */
    int table, row, col;

    /* Paragraph (TCPL_BLOCK_PARAGRAPH). */
    const char *text; /* UTF-8, NFC, without the numbering label */
    size_t text_len;
    const char *label;      /* rendered numbering label ("II.", "1.2.", "a)", "-"), "" if none */
    char label_suffix;      /* what Word puts after the label: '\t', ' ' or 0 */
    const char *style_id;   /* "" if none */
    const char *style_name; /* "" if none */
    int outline_level;      /* 0-8 from the paragraph or its style, -1 body text */
    int num_id, ilvl;       /* numbering reference in effect, -1 when none */
    tcpl_align align;
    const tcpl_run *runs;
    size_t run_count;

    /* Table: size; row: row number; cell: span and vertical merge. */
    int rows, cols;
    int grid_span;
    tcpl_vmerge vmerge;

    /* Note: its w:id; textbox/note: number of paragraphs below. */
    int note_id;
    int child_count; /* direct children */

    /* Paragraph: notes referenced from it, in text order. */
    const tcpl_note_ref *note_refs;
    size_t note_ref_count;
} tcpl_block;

/* Page setup of one document section (w:sectPr), lengths in twips
 * (1/1440 inch; 1 mm = 56.7 twips).  0 when the document does not say. */
typedef struct tcpl_section {
    int page_width, page_height;
    int margin_top, margin_bottom, margin_left, margin_right;
    int header, footer;
    int landscape;
    int last_block; /* index of the last body block of this section */
} tcpl_section;

TCPL_API size_t tcpl_doc_block_count(const tcpl_doc *doc);
TCPL_API const tcpl_block *tcpl_doc_block(const tcpl_doc *doc, size_t index);
TCPL_API size_t tcpl_doc_section_count(const tcpl_doc *doc);
TCPL_API const tcpl_section *tcpl_doc_section(const tcpl_doc *doc, size_t index);
/* The path (or name) the document was read from. */
TCPL_API const char *tcpl_doc_path(const tcpl_doc *doc);
/* Total bytes of XML inflated while reading (for benchmarks). */
TCPL_API size_t tcpl_doc_xml_bytes(const tcpl_doc *doc);
TCPL_API void tcpl_doc_free(tcpl_doc *doc);

/* Plain text as a person reads it: one paragraph per line with its
 * numbering label in front, a table row as its cells joined by tabs. */
enum {
    TCPL_TEXT_BODY = 1 << 0,   /* the main document */
    TCPL_TEXT_NOTES = 1 << 1,  /* footnotes and endnotes, after the body, numbered [1], [2] ...
                                  in order of reference; the body shows the same [n] where
                                  each is referenced */
    TCPL_TEXT_HEADERS = 1 << 2 /* headers and footers, after everything */
};
/* *out is the caller's, free() it. */
TCPL_API int tcpl_doc_text(char **out, size_t *len, const tcpl_doc *doc, unsigned options,
                           tcpl_error *err);

/* Options of every JSON renderer (tcpl_doc_json, tcpl_extraction_json, and
 * the later stages' JSON). */
enum {
    TCPL_JSON_PRETTY = 1 << 0 /* indented, one key per line; default: one line */
};

/* The whole model as JSON (schema: docs/json-model.md).  *out is the
 * caller's, free() it. */
TCPL_API int tcpl_doc_json(char **out, size_t *len, const tcpl_doc *doc, unsigned options,
                           tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
