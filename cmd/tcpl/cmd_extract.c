/* tcpl extract FILE... [--json] — metadata, sections, activities, citations. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_extract(cli *c, int argc, char **argv)
{
    enum { JSON = 1, PRETTY = 2 };
    unsigned mode = 0;
    const char *out = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--json", NULL, &mode, JSON, NULL},
                            {"--pretty", NULL, &mode, JSON | PRETTY, NULL},
                            {"--output", "-o", NULL, 0, &out},
                            {NULL, NULL, NULL, 0, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.extract", &nfiles);
    if (r >= 0)
        return r;
    int json = (mode & JSON) != 0, pretty = (mode & PRETTY) != 0;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    if (tcpl_extractor_new(&ex, c->ctx, &err) < 0)
        return cli_report(c, &err);
    /* All output is gathered, then written once (atomically with -o). */
    char *all = NULL;
    size_t all_len = 0;
    FILE *mem = open_memstream(&all, &all_len);
    if (!mem) {
        tcpl_extractor_free(ex);
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    for (int i = 1; i <= nfiles; i++) {
        tcpl_doc *doc = NULL;
        tcpl_extraction *x = NULL;
        char *s = NULL;
        size_t len = 0;
        tcpl_error_clear(&err);
        int st = tcpl_docx_read(&doc, c->ctx, argv[i], &err);
        if (st == 0)
            st = tcpl_extract(&x, ex, doc, &err);
        if (st == 0)
            st = json ? tcpl_extraction_json(&s, &len, x,
                                             pretty && nfiles == 1 ? TCPL_JSON_PRETTY : 0, &err)
                      : tcpl_extraction_outline(&s, &len, x, c->ctx, &err);
        if (st < 0) {
            int e = cli_report(c, &err);
            if (e > rc)
                rc = e;
        } else {
            if (!json && i > 1)
                fputc('\n', mem);
            fwrite(s, 1, len, mem);
        }
        free(s);
        tcpl_extraction_free(x);
        tcpl_doc_free(doc);
    }
    fclose(mem);
    int w = cli_output(c, out, all, all_len);
    if (w > rc)
        rc = w;
    free(all);
    tcpl_extractor_free(ex);
    return rc;
}
