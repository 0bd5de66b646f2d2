#ifndef TCPL_TESTUTIL_H
#define TCPL_TESTUTIL_H
/* Shared by the cmocka tests. Include after <setjmp.h>/<cmocka.h>. */
#include <stddef.h>

#include "tcpl/tcpl.h"

/* The shared corpus: $TCPL_CORPUS or ../shared/corpus (NULL if absent). */
const char *tu_corpus(void);
/* corpus path + "/" + name into a static-free malloc'd string (free()). */
char *tu_corpus_file(const char *name);
/* Reads a whole file (NUL-terminated, free()); NULL on failure. */
char *tu_read_file(const char *path, size_t *len);
/* A context with the built-in data, Vietnamese messages. Aborts on failure. */
tcpl_ctx *tu_ctx(void);

#endif
