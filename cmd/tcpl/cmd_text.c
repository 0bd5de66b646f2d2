/* tcpl text FILE... — the text as a person reads it in Word. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_text(cli *c, int argc, char **argv)
{
    unsigned flags = TCPL_TEXT_BODY;
    const char *out = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--notes", NULL, &flags, TCPL_TEXT_NOTES, NULL},
                            {"--headers", NULL, &flags, TCPL_TEXT_HEADERS, NULL},
                            {"--all", NULL, &flags, TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS, NULL},
                            {"--output", "-o", NULL, 0, &out},
                            {NULL, NULL, NULL, 0, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.text", &nfiles);
    if (r >= 0)
        return r;
    if (out && nfiles > 1)
        return cli_usage(c, "cli.usage_error", "-o");
    int rc = EXIT_OK;
    for (int i = 1; i <= nfiles; i++) {
        tcpl_error err;
        tcpl_error_clear(&err);
        tcpl_doc *doc = NULL;
        char *text = NULL;
        size_t len = 0;
        int st = tcpl_docx_read(&doc, c->ctx, argv[i], &err);
        if (st == 0)
            st = tcpl_doc_text(&text, &len, doc, flags, &err);
        if (st < 0) {
            int e = cli_report(c, &err);
            if (e > rc)
                rc = e;
        } else {
            if (nfiles > 1)
                printf("==> %s <==\n", argv[i]);
            int e = cli_output(c, out, text, len);
            if (e > rc)
                rc = e;
        }
        free(text);
        tcpl_doc_free(doc);
    }
    return rc;
}
