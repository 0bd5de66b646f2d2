#ifndef TCPL_TEST_FIXTURES_H
#define TCPL_TEST_FIXTURES_H
/* Setup shared by the tests that read, extract and fill documents through
 * the library (test_fill_plan, test_fill, ...).  Each fails the test (a
 * cmocka assertion) rather than return an error.  Include after
 * <setjmp.h>/<cmocka.h>. */
#include <stddef.h>
#include <zip.h>

#include "tcpl/tcpl.h"

/* The body text (TCPL_TEXT_BODY) of a DOCX in memory (free()). */
char *tu_docx_text(const tcpl_ctx *ctx, const void *docx, size_t len);
/* The same with the parts what (TCPL_TEXT_* flags). */
char *tu_docx_text_of(const tcpl_ctx *ctx, const void *docx, size_t len, unsigned what);

/* The document hostile_docx makes of body (the inside of <w:body>, or a
 * whole document.xml), read under the name name (tcpl_doc_free). */
tcpl_doc *tu_body_doc(const tcpl_ctx *ctx, const char *body, const char *name);

/* A zip in memory, opened read-only (zip_close or zip_discard). */
zip_t *tu_zip_open_memory(const void *zipdata, size_t len);
/* An entry of an open zip, inflated or, with raw, as stored (compressed),
 * NUL-terminated (free()), its size in *len (len may be NULL); NULL when
 * there is no such entry. */
char *tu_zip_read(zip_t *z, const char *name, int raw, size_t *len);
/* One entry of a zip in memory, NUL-terminated (free()); it must be there. */
char *tu_zip_entry(const void *zipdata, size_t len, const char *name);
/* One entry of the zip file at path, as tu_zip_read; the file must open. */
char *tu_zip_file_entry(const char *path, const char *name, size_t *len);
/* The same for the corpus document docx (tu_corpus_file). */
char *tu_corpus_zip_entry(const char *docx, const char *name, size_t *len);

/* Findings of severity sev on a DOCX in memory checked with pack and the
 * layout pack the-thuc-nd30, against a superior or conclusion (may be
 * NULL), of rule id rule only (NULL: any).  With all (may be NULL), *all
 * gets the count of every finding and every finding is printed; without,
 * each counted one is. */
size_t tu_findings_at(const tcpl_ctx *ctx, const void *docx, size_t len, const char *pack,
                      const tcpl_extraction *against, tcpl_severity sev, const char *rule,
                      size_t *all);
/* Occurrences of needle in hay, not overlapping. */
size_t tu_count(const char *hay, const char *needle);
/* The document at path read (*doc, the caller frees it) and extracted;
 * a file that is not there says to run make samples. */
tcpl_extraction *tu_extract_file(const tcpl_ctx *ctx, const char *path, tcpl_doc **doc);

#endif
