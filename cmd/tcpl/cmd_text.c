/* tcpl text FILE... — the text as a person reads it in Word. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_text(cli *c, int argc, char **argv)
{
    unsigned flags = TCPL_TEXT_BODY;
    const char *out = NULL;
    int nfiles;
    const cli_opt opts[] = {
        {"--notes", NULL, &flags, TCPL_TEXT_NOTES, NULL, NULL},
        {"--headers", NULL, &flags, TCPL_TEXT_HEADERS, NULL, NULL},
        {"--all", NULL, &flags, TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS, NULL, NULL},
        {"--output", "-o", NULL, 0, &out, "cli.value_file"},
        {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.text", &nfiles);
    if (r >= 0)
        return r;
    if (out && nfiles > 1) {
        char n[32];
        snprintf(n, sizeof n, "%d", nfiles);
        return cli_usage(c, "cli.one_input", "-o", n);
    }
    if ((r = cli_check_output(c, out, argv + 1, nfiles)) >= 0)
        return r;
    /* Parts it does not print are not read (their text is never assembled). */
    tcpl_error rerr;
    tcpl_error_clear(&rerr);
    if (!c->cache && tcpl_part_cache_new(&c->cache, 0, &rerr) < 0)
        return cli_report(c, &rerr);
    if (!c->reader && tcpl_reader_new(&c->reader, c->ctx, c->cache, &rerr) < 0)
        return cli_report(c, &rerr);
    tcpl_reader_skip(c->reader, ~flags);
    cli_batch b = {(size_t)nfiles, 0, 0, EXIT_OK};
    for (int i = 1; i <= nfiles; i++) {
        tcpl_error err;
        tcpl_error_clear(&err);
        tcpl_doc *doc = NULL;
        char *text = NULL;
        size_t len = 0;
        int st = cli_read(c, &doc, argv[i], CLI_NAME_ASIS, &err);
        if (st == 0)
            st = tcpl_doc_text(&text, &len, doc, flags, &err);
        if (st < 0) {
            cli_batch_fail(c, &b, &err, argv[i], NULL);
        } else {
            b.read++;
            if (nfiles > 1) {
                char *shown = cli_shown(argv[i]);
                printf("==> %s <==\n", shown);
                free(shown);
            }
            cli_batch_rc(&b, cli_output(c, out, text, len));
        }
        free(text);
        tcpl_doc_free(doc);
    }
    cli_batch_summary(c, &b);
    return b.rc;
}
