/* Shared by the libFuzzer harnesses: one context and one extractor per
 * process (built on first use, like a real caller), and the whole pipeline
 * after the reader.  A renderer or the extractor failing on a document that
 * read is a bug unless it ran out of memory or hit a named limit: abort()
 * so libFuzzer keeps the input. */
#ifndef TCPL_FUZZ_RUN_H
#define TCPL_FUZZ_RUN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tcpl/tcpl.h"
#include "tcpl/extract.h"

static tcpl_ctx *fuzz_ctx;
static tcpl_extractor *fuzz_ex;

static void fuzz_setup(void)
{
    tcpl_error err;
    if (!fuzz_ctx) {
        tcpl_ctx_options o = {"vi", NULL};
        if (tcpl_ctx_new(&fuzz_ctx, &o, &err) < 0)
            abort();
    }
    if (!fuzz_ex && tcpl_extractor_new(&fuzz_ex, fuzz_ctx, &err) < 0) {
        char msg[1024];
        tcpl_error_format(fuzz_ctx, &err, msg, sizeof msg);
        fprintf(stderr, "fuzz: extractor: %s\n", msg);
        abort();
    }
}

/* NOMEM and LIMIT are honest answers; anything else from a stage that has
 * a document in hand is a bug. */
static void fuzz_expect(int rc, const tcpl_error *err, const char *what)
{
    if (rc >= 0 || rc == TCPL_ERR_NOMEM || rc == TCPL_ERR_LIMIT)
        return;
    char msg[1024];
    tcpl_error_format(fuzz_ctx, err, msg, sizeof msg);
    fprintf(stderr, "fuzz: %s failed (%d): %s\n", what, rc, msg);
    abort();
}

/* Both document renderers, the extractor and both of its renderers. */
static void fuzz_pipeline(const tcpl_doc *doc)
{
    tcpl_error err;
    char *s = NULL;
    size_t n = 0;
    int rc = tcpl_doc_text(doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS, &s, &n, &err);
    fuzz_expect(rc, &err, "tcpl_doc_text");
    free(rc == 0 ? s : NULL);
    s = NULL;
    rc = tcpl_doc_json(doc, 0, &s, &n, &err);
    fuzz_expect(rc, &err, "tcpl_doc_json");
    free(rc == 0 ? s : NULL);
    s = NULL;

    tcpl_extract *x = NULL;
    rc = tcpl_extract_doc(&x, fuzz_ex, doc, &err);
    fuzz_expect(rc, &err, "tcpl_extract_doc");
    if (rc < 0)
        return;
    rc = tcpl_extract_json(x, 1, &s, &n, &err);
    fuzz_expect(rc, &err, "tcpl_extract_json");
    free(rc == 0 ? s : NULL);
    s = NULL;
    rc = tcpl_extract_outline(x, fuzz_ctx, &s, &n, &err);
    fuzz_expect(rc, &err, "tcpl_extract_outline");
    free(rc == 0 ? s : NULL);
    tcpl_extract_free(x);
}

/* Reads one package and runs everything on it. */
static void fuzz_docx_bytes(const uint8_t *data, size_t size)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    fuzz_setup();
    if (tcpl_docx_read_memory(&doc, fuzz_ctx, data, size, "fuzz.docx", &err) == 0) {
        fuzz_pipeline(doc);
        tcpl_doc_free(doc);
    } else {
        char msg[1024];
        tcpl_error_format(fuzz_ctx, &err, msg, sizeof msg);
        /* Replaying by hand: say why an input did not read. */
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz: not read: %s\n", msg);
    }
}

#endif
