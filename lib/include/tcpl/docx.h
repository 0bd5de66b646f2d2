#ifndef TCPL_DOCX_H
#define TCPL_DOCX_H

#include <stddef.h>
#include "tcpl/context.h"
#include "tcpl/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a .docx/.docm into the document model.  Every hostile or corrupt
 * input gives a negative code and a filled err, never a crash; limits are in
 * docs/limits.md.  *out is the caller's: tcpl_doc_free(). */
TCPL_API int tcpl_docx_read(tcpl_doc **out, const tcpl_ctx *ctx, const char *path, tcpl_error *err);

/* The same from memory; name is used in messages.  data must outlive the call
 * only. */
TCPL_API int tcpl_docx_read_memory(tcpl_doc **out, const tcpl_ctx *ctx, const void *data,
                                   size_t len, const char *name, tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
