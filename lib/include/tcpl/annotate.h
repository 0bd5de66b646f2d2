#ifndef TCPL_ANNOTATE_H
#define TCPL_ANNOTATE_H

#include <stddef.h>
#include "tcpl/context.h"
#include "tcpl/extract.h"
#include "tcpl/model.h"
#include "tcpl/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Findings as Word comments (docs/annotate.md): a copy of the checked
 * document in which each finding is a comment in the margin (author "tcpl",
 * its message, "Căn cứ: basis", "Sửa: fix") anchored on the paragraph of its
 * block, document-level findings on the title.  Every zip entry but
 * word/document.xml, the comments part, the main part's relationships,
 * [Content_Types].xml and the comments' extension parts Word writes
 * (commentsExtended, commentsIds, commentsExtensible: rewritten only to drop
 * the entries of removed tcpl comments) is copied byte for byte (still
 * compressed).  Comments
 * already in the file are kept; comments of an earlier annotation (author
 * "tcpl") are removed with their anchors first, so annotating twice gives
 * the same comments once. */

/* The author every comment is written under, and how an annotated file's
 * own earlier comments are recognised. */
#define TCPL_ANNOTATE_AUTHOR "tcpl"

typedef struct tcpl_annotate_options {
    /* w:date of each comment, ISO 8601 ("2026-11-30T08:00:00Z"); NULL: no
     * date (the library reads no clock, so its output is reproducible). */
    const char *date;
} tcpl_annotate_options;

/* What an annotation did (tests, the CLI's summary). */
typedef struct tcpl_annotate_stats {
    size_t added;      /* comments written: one per finding */
    size_t removed;    /* comments of an earlier annotation removed */
    size_t kept;       /* other comments the file had, kept */
    size_t on_title;   /* findings anchored on the title (document-level, or their block is in a
                          header, footer or note with no reference) */
    int mapped;        /* 1 when the document's paragraphs matched the model's one for one */
    size_t unverified; /* comments on a paragraph whose opening words could not be matched with
                          the model's text (anchored where counting put them) */
} tcpl_annotate_stats;

/* *out (malloc'd, *outlen bytes) receives the annotated copy of the DOCX
 * package docx (len bytes; name for messages).  doc, x and findings must
 * come from reading, extracting and checking that same package (the
 * findings' block indexes address doc's blocks).  ctx gives the language of
 * the "Căn cứ" / "Sửa" labels.  opts and stats may be NULL.  Errors: the
 * package or its XML unreadable (TCPL_ERR_FORMAT), past a limit
 * (TCPL_ERR_LIMIT, docs/limits.md), out of memory. */
TCPL_API int tcpl_annotate(void **out, size_t *outlen, const tcpl_ctx *ctx, const void *docx,
                           size_t len, const char *name, const tcpl_doc *doc,
                           const tcpl_extraction *x, const tcpl_findings *findings,
                           const tcpl_annotate_options *opts, tcpl_annotate_stats *stats,
                           tcpl_error *err);

/* The same from the file in_path to the file out_path (written to a temp
 * file and renamed: tcpl_write_file).  The input may be up to
 * TCPL_MAX_WRITE_BYTES (512 MB, err.too_big beyond); out_path must not name
 * the input (check with tcpl_output_check first). */
TCPL_API int tcpl_annotate_file(const char *out_path, const tcpl_ctx *ctx, const char *in_path,
                                const tcpl_doc *doc, const tcpl_extraction *x,
                                const tcpl_findings *findings, const tcpl_annotate_options *opts,
                                tcpl_annotate_stats *stats, tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
