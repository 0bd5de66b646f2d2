/* Reading small files whole (base/io.c); the public half is tcpl/io.h. */
#ifndef TCPL_BASE_IO_H
#define TCPL_BASE_IO_H

#include <stddef.h>

#include "base/buf.h"
#include "tcpl/error.h"

/* Reads path whole into *out (NUL-terminated, the caller's: free()), *len
 * bytes.  A file over max bytes is TCPL_ERR_LIMIT (err names the file and
 * the limit; callers that have a better message refill err); it is never
 * read past max + one chunk. */
int tcpl_read_small_file(char **out, size_t *len, const char *path, size_t max, tcpl_error *err);

/* Appends s (may be NULL) as HTML text: & < > " escaped, control characters
 * and invalid UTF-8 shown as tcpl_escape_text shows them (file names and
 * document text are untrusted).  Out of memory marks b failed. */
void tcpl_buf_put_html(tcpl_buf *b, const char *s);

#endif
