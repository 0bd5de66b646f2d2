/* tcpl annotate FILE.docx [--pack P]... -o REVIEWED.docx — the document with
 * each finding of `tcpl check` as a Word comment in the margin
 * (docs/annotate.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Packs named on one command line (as tcpl check). */
#define MAX_PACKS 32

int cmd_annotate(cli *c, int argc, char **argv)
{
    const char *packs[MAX_PACKS];
    size_t npacks = 0;
    const char *out = NULL;
    int r = cli_take_packs(c, &argc, argv, packs, MAX_PACKS, &npacks);
    if (r >= 0)
        return r;
    int nfiles;
    const cli_opt opts[] = {{"--output", "-o", NULL, 0, &out, "cli.value_file"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    if ((r = cli_parse(c, argc, argv, opts, "help.annotate", &nfiles)) >= 0)
        return r;
    if (nfiles != 1) {
        char n[16];
        snprintf(n, sizeof n, "%d", nfiles);
        return cli_usage(c, "cli.one_input", "tcpl annotate", n);
    }
    if (!out || !strcmp(out, "-"))
        return cli_usage(c, "cli.need_output", NULL, NULL);
    if ((r = cli_check_output(c, out, argv + 1, nfiles)) >= 0)
        return r;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    tcpl_checker *ck = NULL;
    tcpl_doc *doc = NULL;
    tcpl_extraction *x = NULL;
    tcpl_findings *f = NULL;
    int st = tcpl_extractor_new(&ex, c->ctx, &err);
    if (st == 0)
        st = tcpl_checker_new(&ck, c->ctx, &err);
    if (st == 0)
        st = tcpl_checker_add_default_packs(ck, &err);
    for (size_t i = 0; st == 0 && i < npacks; i++)
        st = tcpl_checker_add_pack(ck, packs[i], &err);
    if (st == 0)
        st = cli_read(c, &doc, argv[1], CLI_NAME_TEXT, &err);
    if (st == 0)
        st = tcpl_extract(&x, ex, doc, &err);
    if (st == 0) {
        const char *ids[MAX_PACKS];
        cli_pack_ids(ck, packs, npacks, ids);
        tcpl_check_options co = {ids, npacks, NULL, NULL};
        st = tcpl_check(&f, ck, doc, x, &co, &err);
    }
    tcpl_annotate_stats as;
    memset(&as, 0, sizeof as);
    if (st == 0) {
        /* The comments' date: now, in UTC (the library reads no clock). */
        char date[32] = "";
        time_t now = time(NULL);
        struct tm tm;
        if (gmtime_r(&now, &tm))
            strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
        tcpl_annotate_options ao = {date[0] ? date : NULL};
        st = tcpl_annotate_file(out, c->ctx, argv[1], doc, x, f, &ao, &as, &err);
    }
    int rc = EXIT_OK;
    if (st < 0) {
        rc = cli_report(c, &err);
    } else {
        char n[32], k[32];
        snprintf(n, sizeof n, "%zu", as.added);
        snprintf(k, sizeof k, "%zu", as.removed);
        char *shown = cli_shown(out);
        fprintf(stderr, "%s: %s %s", shown, n, tcpl_msg(c->ctx, "annotate.comments"));
        if (as.removed)
            fprintf(stderr, " (%s %s)", k, tcpl_msg(c->ctx, "annotate.replaced"));
        fputc('\n', stderr);
        free(shown);
    }
    tcpl_findings_free(f);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    return rc;
}
