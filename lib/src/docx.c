/* Placeholder: the reader lands in the next commit. */
#include "err.h"
#include "tcpl/docx.h"

int tcpl_docx_read(tcpl_doc **out, const tcpl_ctx *ctx, const char *path, tcpl_error *err)
{
    (void)ctx;
    *out = NULL;
    return tcpl_err(err, TCPL_ERR_INTERNAL, "err.internal", path, NULL, "not implemented");
}

int tcpl_docx_read_memory(tcpl_doc **out, const tcpl_ctx *ctx, const void *data, size_t len,
                          const char *name, tcpl_error *err)
{
    (void)ctx;
    (void)data;
    (void)len;
    *out = NULL;
    return tcpl_err(err, TCPL_ERR_INTERNAL, "err.internal", name, NULL, "not implemented");
}
