/* Placeholder: text and JSON renderers land with the reader. */
#include "err.h"
#include "tcpl/model.h"

int tcpl_doc_text(const tcpl_doc *doc, unsigned flags, char **out, size_t *len, tcpl_error *err)
{
    (void)doc; (void)flags; *out = NULL; *len = 0;
    return tcpl_err(err, TCPL_ERR_INTERNAL, "err.internal", NULL, NULL, "not implemented");
}

int tcpl_doc_json(const tcpl_doc *doc, int pretty, char **out, size_t *len, tcpl_error *err)
{
    (void)doc; (void)pretty; *out = NULL; *len = 0;
    return tcpl_err(err, TCPL_ERR_INTERNAL, "err.internal", NULL, NULL, "not implemented");
}
