#ifndef TCPL_ANNOTATE_LIMITS_H
#define TCPL_ANNOTATE_LIMITS_H
#include <stddef.h>

#include "tcpl/annotate.h"

/* tcpl_annotate with its two limits lowered (tests: the errors they give
 * without building 64 MB or 20,000 comments).  max_comments: comments the
 * file may end up with, 0 or above ANNOTATE_MAX_COMMENTS (20,000) means
 * that; max_part_bytes: the largest XML part read as a tree, 0 or above
 * ANNOTATE_MAX_PART_BYTES (64 MB) means that.  Neither can be raised. */
int annotate_limited(void **out, size_t *outlen, const tcpl_ctx *ctx, const void *docx, size_t len,
                     const char *name, const tcpl_doc *doc, const tcpl_extraction *x,
                     const tcpl_findings *findings, const tcpl_annotate_options *opts,
                     tcpl_annotate_stats *stats, size_t max_comments, size_t max_part_bytes,
                     tcpl_error *err);

#endif
