/* libFuzzer harness for templates: the compiler (tags across runs,
 * sections, filters) and the filler (data, limits, the package writer).
 *
 * Input: the document XML (a whole w:document, or the inside of w:body),
 * then optionally byte 0x01 and the JSON data.  The XML is packed into a
 * valid DOCX with a settings part; the template is compiled with lint (every
 * error collected) and without, and, when it has no error, filled.  A
 * filled document that tcpl cannot read back, when the template itself
 * reads, is a bug: abort() so libFuzzer keeps the input.
 * Replay a crash: build-fuzz/fuzz_template CRASH-FILE */
#include <string.h>

#include "fuzz_run.h"
#include "helpers/hostile.h"
#include "tcpl/fill.h"

#define FUZZ_SETTINGS                                                                              \
    "<w:settings " TU_W_NS "><w:zoom w:percent=\"100\"/><w:compat/></w:settings>"

static void expect_honest(int rc, const tcpl_error *err, const char *what)
{
    if (rc >= 0 || rc == TCPL_ERR_NOMEM || rc == TCPL_ERR_LIMIT || rc == TCPL_ERR_FORMAT ||
        rc == TCPL_ERR_DATA)
        return;
    fprintf(stderr, "fuzz_template: %s: code %d %s %s %s\n", what, rc, err->id ? err->id : "",
            err->where, err->detail);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    const uint8_t *sep = memchr(data, 1, size);
    size_t xlen = sep ? (size_t)(sep - data) : size;
    char *xml = malloc(xlen + 1);
    if (!xml)
        return 0;
    memcpy(xml, data, xlen);
    xml[xlen] = 0;
    const char *json = sep ? (const char *)sep + 1 : "{}";
    size_t jlen = sep ? size - xlen - 1 : 2;
    /* the document: whole, or the body's inside wrapped */
    char *doc = xml;
    if (!strstr(xml, "<w:document")) {
        size_t n = xlen + 400;
        doc = malloc(n);
        if (!doc) {
            free(xml);
            return 0;
        }
        snprintf(doc, n, "<w:document " TU_W_NS "><w:body>%s</w:body></w:document>", xml);
    }
    tu_part parts[] = {{"word/document.xml", doc, 0}, {"word/settings.xml", FUZZ_SETTINGS, 0}};
    unsigned char *docx = NULL;
    size_t dlen = 0;
    if (tu_build_docx(parts, 2, &docx, &dlen) < 0)
        goto out;
    tcpl_error err;
    tcpl_template *t = NULL;
    tcpl_template_options lint = {NULL, TCPL_TPL_LINT};
    int rc = tcpl_template_compile_memory(&t, fuzz_ctx, docx, dlen, "f.docx", &lint, &err);
    expect_honest(rc, &err, "compile (lint)");
    if (rc == 0) {
        for (size_t i = 0; i < tcpl_template_problem_count(t); i++)
            if (!tcpl_template_problem(t, i)->id)
                abort();
        if (!tcpl_template_keys(t))
            abort();
        tcpl_template_free(t);
        t = NULL;
    }
    rc = tcpl_template_compile_memory(&t, fuzz_ctx, docx, dlen, "f.docx", NULL, &err);
    expect_honest(rc, &err, "compile");
    if (rc == 0) {
        void *out = NULL;
        size_t olen = 0;
        tcpl_fill_options fo = {TCPL_FILL_ALLOW_MISSING};
        rc = tcpl_template_fill(&out, &olen, t, json, jlen, &fo, &err);
        expect_honest(rc, &err, "fill");
        if (rc == 0) {
            tcpl_doc *in = NULL, *res = NULL;
            int rin = tcpl_docx_read_memory(&in, fuzz_ctx, docx, dlen, "f.docx", &err);
            int rres = tcpl_docx_read_memory(&res, fuzz_ctx, out, olen, "out.docx", &err);
            if (rin == 0 && rres < 0 && rres != TCPL_ERR_LIMIT && rres != TCPL_ERR_NOMEM) {
                fprintf(stderr, "fuzz_template: filled document unreadable: %s %s %s\n",
                        err.id ? err.id : "", err.where, err.detail);
                abort();
            }
            tcpl_doc_free(in);
            tcpl_doc_free(res);
        }
        free(out);
        tcpl_template_free(t);
    }
out:
    free(docx);
    if (doc != xml)
        free(doc);
    free(xml);
    return 0;
}
