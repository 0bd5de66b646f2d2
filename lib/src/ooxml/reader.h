#ifndef TCPL_READER_H
#define TCPL_READER_H
#include <stddef.h>

#include "tcpl/context.h"
#include "tcpl/model.h"

/* Knobs of the DOCX reader that the public API fixes at their defaults;
 * tests lower them to show a limit at work on a small input. */
typedef struct tcpl_read_opts {
    size_t mem_limit; /* bytes; 0: TCPL_MAX_DOC_MEMORY (ooxml/xml.h) */
} tcpl_read_opts;

int tcpl_docx_read_memory_opts(tcpl_doc **out, const tcpl_ctx *ctx, const void *data, size_t len,
                               const char *name, const tcpl_read_opts *opts, tcpl_error *err);

/* The same with the numbering part parsed up front rather than when a
 * paragraph first needs it (tests compare both readings). */
int tcpl_docx_read_memory_eager(tcpl_doc **out, const tcpl_ctx *ctx, const void *data, size_t len,
                                const char *name, tcpl_error *err);

#endif
