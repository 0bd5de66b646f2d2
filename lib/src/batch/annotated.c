/* batch --annotate (batch/annotated.h). */
#include "batch/annotated.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "batch/internal.h"

int batch_annotate(json_t *root, const tcpl_ctx *ctx, const tcpl_batch_options *o,
                   const char *result, const void *data, size_t len, const char *shown,
                   const tcpl_doc *doc, const tcpl_extraction *x, const tcpl_findings *f,
                   tcpl_error *err)
{
    size_t n = strlen(result);
    if (n > 5 && !strcmp(result + n - 5, ".json"))
        n -= 5;
    tcpl_buf dir, rel, path;
    tcpl_buf_init(&dir);
    tcpl_buf_init(&rel);
    tcpl_buf_init(&path);
    tcpl_buf_printf(&dir, "%s/annotated", o->out_dir);
    tcpl_buf_printf(&rel, "annotated/%.*s.docx", (int)n, result);
    tcpl_buf_printf(&path, "%s/%s", o->out_dir, rel.data ? rel.data : "");
    int rc = 0;
    if (!tcpl_buf_ok(&dir) || !tcpl_buf_ok(&rel) || !tcpl_buf_ok(&path)) {
        rc = TCPL_NOMEM(err, shown);
        goto out;
    }
    /* The comments' date: the run's day (no clock read here). */
    char date[40];
    snprintf(date, sizeof date, "%.10sT00:00:00Z", o->today ? o->today : "");
    tcpl_annotate_options ao = {o->today ? date : NULL};
    tcpl_error e;
    tcpl_error_clear(&e);
    void *out = NULL;
    size_t outlen = 0;
    int st = batch_make_dir(dir.data, &e);
    if (st == 0)
        st = tcpl_annotate(&out, &outlen, ctx, data, len, shown, doc, x, f, &ao, NULL, &e);
    if (st == 0)
        st = tcpl_write_file(path.data, out, outlen, &e);
    free(out);
    json_t *v;
    if (st == 0) {
        v = json_string(rel.data);
    } else if (st == TCPL_ERR_NOMEM) {
        rc = st;
        *err = e;
        goto out;
    } else {
        char msg[1024];
        e.file[0] = 0;
        tcpl_error_format(ctx, &e, msg, sizeof msg);
        v = json_pack("{s:s}", "error", msg);
    }
    if (!v || json_object_set_new(root, "annotated", v) < 0)
        rc = TCPL_NOMEM(err, shown);
out:
    tcpl_buf_free(&dir);
    tcpl_buf_free(&rel);
    tcpl_buf_free(&path);
    return rc;
}
