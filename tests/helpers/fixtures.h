#ifndef TCPL_TEST_FIXTURES_H
#define TCPL_TEST_FIXTURES_H
/* Setup shared by the tests that read, extract and fill documents through
 * the library (test_fill_plan, test_fill, ...).  Each fails the test (a
 * cmocka assertion) rather than return an error.  Include after
 * <setjmp.h>/<cmocka.h>. */
#include <stddef.h>

#include "tcpl/tcpl.h"

/* The body text (TCPL_TEXT_BODY) of a DOCX in memory (free()). */
char *tu_docx_text(const tcpl_ctx *ctx, const void *docx, size_t len);
/* One entry of a zip in memory, NUL-terminated (free()). */
char *tu_zip_entry(const void *zipdata, size_t len, const char *name);
/* Occurrences of needle in hay, not overlapping. */
size_t tu_count(const char *hay, const char *needle);
/* The document at path read (*doc, the caller frees it) and extracted;
 * a file that is not there says to run make samples. */
tcpl_extraction *tu_extract_file(const tcpl_ctx *ctx, const char *path, tcpl_doc **doc);

#endif
