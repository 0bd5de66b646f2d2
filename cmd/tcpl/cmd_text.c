/* tcpl text FILE... — the text as a person reads it in Word. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_text(cli *c, int argc, char **argv)
{
    unsigned flags = TCPL_TEXT_BODY;
    const char *out = NULL;
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            cli_help(c, "help.text");
            return EXIT_OK;
        } else if (!strcmp(a, "--notes")) {
            flags |= TCPL_TEXT_NOTES;
        } else if (!strcmp(a, "--headers")) {
            flags |= TCPL_TEXT_HEADERS;
        } else if (!strcmp(a, "--all")) {
            flags |= TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc)
                return cli_usage(c, "cli.usage_error", a);
            out = argv[i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage(c, "cli.usage_error", a);
        } else {
            argv[++nfiles] = argv[i];
        }
    }
    if (nfiles == 0)
        return cli_usage(c, "cli.no_files", NULL);
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
            st = tcpl_doc_text(doc, flags, &text, &len, &err);
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
