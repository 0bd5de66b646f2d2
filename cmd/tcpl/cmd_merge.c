/* tcpl merge DIR... --out DIR [--roster CSV] [--deadline D] [-q] — joins
 * the outputs of several tcpl batch runs (the shards of one batch) into one
 * summary and report (docs/batch.md, docs/scale-out.md).  The work is
 * tcpl_batch_merge's; this file reads options and picks the exit code. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "tcpl/batch.h"

int cmd_merge(cli *c, int argc, char **argv)
{
    const char *out = NULL, *deadline = NULL, *roster = NULL;
    unsigned flags = 0;
    int nfiles;
    const cli_opt opts[] = {{"--out", "-o", NULL, 0, &out, "batch.value_dir"},
                            {"--deadline", NULL, NULL, 0, &deadline, "batch.value_date"},
                            {"--roster", NULL, NULL, 0, &roster, "batch.value_roster"},
                            {"--quiet", "-q", &flags, 1, NULL, NULL},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.merge", &nfiles);
    if (r >= 0)
        return r;
    if (!out || !*out)
        return cli_usage(c, "merge.need_out", NULL, NULL);
    if (nfiles < 1)
        return cli_usage(c, "merge.need_input", NULL, NULL);
    if (deadline && !cli_valid_date(deadline))
        return cli_usage(c, "batch.bad_date", NULL, deadline);
    char today[16];
    cli_today(today);
    tcpl_batch_merge_options o = {
        (const char *const *)argv + 1, (size_t)nfiles, out, roster, deadline,
        today[0] ? today : NULL};
    tcpl_batch_totals t;
    tcpl_error err;
    tcpl_error_clear(&err);
    if (tcpl_batch_merge(&t, c->ctx, &o, &err) < 0)
        return cli_report(c, &err);
    if (!(flags & 1)) {
        char line[512];
        snprintf(line, sizeof line, "%zu %s: %zu %s, %zu %s, %zu %s, %zu %s", t.files,
                 tcpl_msg(c->ctx, "batch.progress"), t.checked + t.reused,
                 tcpl_msg(c->ctx, "batch.checked"), t.with_loi, tcpl_msg(c->ctx, "batch.with_loi"),
                 t.failed, tcpl_msg(c->ctx, "batch.failed"), t.skipped,
                 tcpl_msg(c->ctx, "batch.skipped"));
        const char *tmpl = tcpl_msg(c->ctx, "batch.done");
        const char *ph = strstr(tmpl, "{detail}");
        char *shown = cli_shown(out);
        if (ph)
            fprintf(stderr, "tcpl: %.*s%s%s %s/report.html\n", (int)(ph - tmpl), tmpl, line, ph + 8,
                    shown);
        else
            fprintf(stderr, "tcpl: %s %s/report.html\n", line, shown);
        free(shown);
    }
    return t.failed || t.with_loi ? EXIT_FINDINGS : EXIT_OK;
}
