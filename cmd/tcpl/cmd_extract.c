/* tcpl extract FILE... [--json] — metadata, sections, activities, citations. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Every input gives one result: its outline or JSON line, or (--json) its
 * error record, in the order given; a bad input never stops the run.  To
 * stdout each result goes as soon as it is made.  With -o everything is
 * gathered and written once at the end, atomically, and only when at least
 * one input was read: a run where every input failed leaves an existing
 * output file as it was (docs/user-guide.md). */
int cmd_extract(cli *c, int argc, char **argv)
{
    enum { JSON = 1, PRETTY = 2 };
    unsigned mode = 0;
    const char *out = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--json", NULL, &mode, JSON, NULL, NULL},
                            {"--pretty", NULL, &mode, JSON | PRETTY, NULL, NULL},
                            {"--output", "-o", NULL, 0, &out, "cli.value_file"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.extract", &nfiles);
    if (r >= 0)
        return r;
    if ((r = cli_check_output(c, out, argv + 1, nfiles)) >= 0)
        return r;
    int json = (mode & JSON) != 0, pretty = (mode & PRETTY) != 0;
    int to_file = out && strcmp(out, "-");
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    if (tcpl_extractor_new(&ex, c->ctx, &err) < 0)
        return cli_report(c, &err);
    char *all = NULL;
    size_t all_len = 0;
    FILE *dst = to_file ? open_memstream(&all, &all_len) : stdout;
    if (!dst) {
        tcpl_extractor_free(ex);
        return EXIT_INTERNAL;
    }
    cli_batch b = {(size_t)nfiles, 0, 0, EXIT_OK};
    for (int i = 1; i <= nfiles; i++) {
        tcpl_doc *doc = NULL;
        tcpl_extraction *x = NULL;
        char *s = NULL;
        size_t len = 0;
        tcpl_error_clear(&err);
        int st = cli_read(c, &doc, argv[i], json ? CLI_NAME_JSON : CLI_NAME_TEXT, &err);
        if (st == 0)
            st = tcpl_extract(&x, ex, doc, &err);
        if (st == 0)
            st = json ? tcpl_extraction_json(&s, &len, x,
                                             pretty && nfiles == 1 ? TCPL_JSON_PRETTY : 0, &err)
                      : tcpl_extraction_outline(&s, &len, x, c->ctx, &err);
        if (st < 0) {
            cli_batch_fail(c, &b, &err, argv[i], json ? dst : NULL);
        } else {
            if (!json && b.read > 0)
                fputc('\n', dst);
            fwrite(s, 1, len, dst);
            b.read++;
        }
        free(s);
        tcpl_extraction_free(x);
        tcpl_doc_free(doc);
    }
    cli_batch_finish(c, &b, to_file ? out : NULL, dst, &all, &all_len);
    tcpl_extractor_free(ex);
    return b.rc;
}
