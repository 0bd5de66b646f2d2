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

/* A part cache for batches: styles and numbering parts that are
 * byte-identical across files (a province's offices share a template) are
 * parsed once and shared read-only.  Recognised from the zip central
 * directory (CRC-32, sizes) and checked by the compressed bytes; a part
 * is parsed for the cache the second time it is seen.  max_bytes bounds
 * what it holds (0: 64 MB); when full it stops adding.  Thread-safe (one
 * cache for all threads); results are the same with or without it.  Free
 * it after every reader that uses it. */
typedef struct tcpl_part_cache tcpl_part_cache;
TCPL_API int tcpl_part_cache_new(tcpl_part_cache **out, size_t max_bytes, tcpl_error *err);
TCPL_API void tcpl_part_cache_free(tcpl_part_cache *cache);

/* A reader for many documents, one per thread: its scratch buffers keep
 * their capacity from one document to the next.  cache may be NULL. */
typedef struct tcpl_reader tcpl_reader;
TCPL_API int tcpl_reader_new(tcpl_reader **out, const tcpl_ctx *ctx, tcpl_part_cache *cache,
                             tcpl_error *err);
/* As tcpl_docx_read / tcpl_docx_read_memory. */
TCPL_API int tcpl_reader_read(tcpl_reader *r, tcpl_doc **out, const char *path, tcpl_error *err);
TCPL_API int tcpl_reader_read_memory(tcpl_reader *r, tcpl_doc **out, const void *data, size_t len,
                                     const char *name, tcpl_error *err);
TCPL_API void tcpl_reader_free(tcpl_reader *r);
/* Parts the reader's next documents do not read, for a caller that will not
 * print them: TCPL_TEXT_NOTES (footnotes, endnotes), TCPL_TEXT_HEADERS
 * (headers, footers); 0 (the default) reads everything.  A document read
 * so has no blocks of those parts (tcpl_doc_text with the same flags off
 * gives the same text) and no error from them. */
TCPL_API void tcpl_reader_skip(tcpl_reader *r, unsigned parts);

#ifdef __cplusplus
}
#endif
#endif
