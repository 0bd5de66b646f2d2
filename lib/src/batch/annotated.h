#ifndef TCPL_BATCH_ANNOTATED_H
#define TCPL_BATCH_ANNOTATED_H
#include <jansson.h>
#include <stddef.h>

#include "tcpl/tcpl.h"

/* batch --annotate (docs/annotate.md): the submission data (len bytes) with
 * its findings as Word comments, written to OUT_DIR/annotated/NAME.docx,
 * NAME being the result's file name without ".json".  Records what was
 * done in the result object root: "annotated": "annotated/NAME.docx", or
 * "annotated": {"error": message} when the copy could not be made (the
 * check result stands either way).  0, or a negative status only when root
 * cannot be updated (out of memory). */
int batch_annotate(json_t *root, const tcpl_ctx *ctx, const tcpl_batch_options *o,
                   const char *result, const void *data, size_t len, const char *shown,
                   const tcpl_doc *doc, const tcpl_extraction *x, const tcpl_findings *f,
                   tcpl_error *err);
#endif
