/* libFuzzer harness: any bytes through the whole reader and both renderers.
 * Built by `make fuzz` (tools/fuzz.sh) with clang -fsanitize=fuzzer,address.
 * Replay a crash: build/fuzz/fuzz_docx CRASH-FILE */
#include <stdint.h>
#include <stdlib.h>

#include "tcpl/tcpl.h"

static tcpl_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        tcpl_ctx_options o = {"vi", NULL};
        tcpl_error err;
        if (tcpl_ctx_new(&ctx, &o, &err) < 0)
            abort();
    }
    tcpl_doc *doc = NULL;
    tcpl_error err;
    if (tcpl_docx_read_memory(&doc, ctx, data, size, "fuzz.docx", &err) == 0) {
        char *s = NULL;
        size_t n;
        if (tcpl_doc_text(doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS, &s, &n, &err) == 0)
            free(s);
        if (tcpl_doc_json(doc, 0, &s, &n, &err) == 0)
            free(s);
        tcpl_doc_free(doc);
    } else {
        char msg[1024];
        tcpl_error_format(ctx, &err, msg, sizeof msg);
    }
    return 0;
}
