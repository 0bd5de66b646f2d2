/* tcpl dossier DIR... [--pack P] [--out DIR] [--format text|json] — checks
 * communes' evaluation folders against a dossier pack (docs/batch.md,
 * docs/rules.md "Dossier packs"): which evidence is there, missing, or
 * there but failing its content rule.  The work is tcpl_dossier_run's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/dossier.h"

/* The pack used without --pack. */
#define DEFAULT_DOSSIER_PACK "ho-so-tcpl"

/* out/NAME from a file name: the text, JSON and HTML beside each other. */
static int write_out(cli *c, const char *dir, const char *base, const char *ext, const char *data,
                     size_t len, int several)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s%s", dir, several ? base : "dossier", ext);
    tcpl_error err;
    tcpl_error_clear(&err);
    if (tcpl_write_file(path, data, len, &err) < 0)
        return cli_report(c, &err);
    return EXIT_OK;
}

int cmd_dossier(cli *c, int argc, char **argv)
{
    const char *pack = NULL, *out = NULL, *format = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--pack", "-p", NULL, 0, &pack, "dossier.value_pack"},
                            {"--out", "-o", NULL, 0, &out, "batch.value_dir"},
                            {"--format", "-f", NULL, 0, &format, "cli.value_format"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.dossier", &nfiles);
    if (r >= 0)
        return r;
    int json = 0;
    if (format && !strcmp(format, "json"))
        json = 1;
    else if (format && strcmp(format, "text"))
        return cli_usage(c, "cli.bad_format", NULL, format);
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_dossier_pack *p = NULL;
    if (tcpl_dossier_pack_load(&p, c->ctx, pack ? pack : DEFAULT_DOSSIER_PACK, &err) < 0)
        return cli_report(c, &err);
    if (out) {
        struct stat st;
        if (mkdir(out, 0777) != 0 &&
            (errno != EEXIST || stat(out, &st) != 0 || !S_ISDIR(st.st_mode))) {
            tcpl_dossier_pack_free(p);
            return cli_usage(c, "dossier.bad_out", NULL, out);
        }
    }
    int rc = EXIT_OK;
    for (int i = 1; i <= nfiles; i++) {
        tcpl_dossier *d = NULL;
        tcpl_error_clear(&err);
        if (tcpl_dossier_run(&d, p, argv[i], NULL, &err) < 0) {
            int e = cli_report(c, &err);
            rc = e > rc ? e : rc;
            continue;
        }
        char *txt = NULL, *js = NULL, *html = NULL;
        size_t tl = 0, jl = 0, hl = 0;
        int st = tcpl_dossier_text(&txt, &tl, d, &err);
        if (st == 0)
            st = tcpl_dossier_json(&js, &jl, d, 0, &err);
        if (st == 0 && out)
            st = tcpl_dossier_html(&html, &hl, d, &err);
        if (st < 0) {
            int e = cli_report(c, &err);
            rc = e > rc ? e : rc;
        } else {
            if (json)
                fwrite(js, 1, jl, stdout);
            else
                fwrite(txt, 1, tl, stdout);
            if (out) {
                /* one dossier: OUT/dossier.*; several: OUT/<folder name>.* */
                const char *b = argv[i] + strlen(argv[i]);
                while (b > argv[i] && b[-1] == '/')
                    b--;
                const char *end = b;
                while (b > argv[i] && b[-1] != '/')
                    b--;
                char base[256];
                snprintf(base, sizeof base, "%.*s", (int)(end - b), b);
                int several = nfiles > 1;
                int e = write_out(c, out, base, ".json", js, jl, several);
                if (e == EXIT_OK)
                    e = write_out(c, out, base, ".txt", txt, tl, several);
                if (e == EXIT_OK)
                    e = write_out(c, out, base, ".html", html, hl, several);
                rc = e > rc ? e : rc;
            }
            if (tcpl_dossier_at(d, TCPL_DOSSIER_MISSING) ||
                tcpl_dossier_at(d, TCPL_DOSSIER_FAILING))
                rc = rc > EXIT_FINDINGS ? rc : EXIT_FINDINGS;
        }
        free(txt);
        free(js);
        free(html);
        tcpl_dossier_free(d);
    }
    if (fflush(stdout) != 0)
        rc = cli_output(c, NULL, "", 0);
    tcpl_dossier_pack_free(p);
    return rc;
}

/* tcpl batch --dossiers PARENT --out DIR [--pack P] [-q]: cmd_batch hands
 * the command line here when it holds --dossiers. */
int cli_batch_dossiers(cli *c, int argc, char **argv)
{
    const char *pack = NULL, *out = NULL, *parent = NULL, *jobs_s = NULL, *roster = NULL;
    unsigned flags = 0;
    int j = 1;
    /* --dossiers takes the place of the inputs cli_parse wants */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dossiers")) {
            if (i + 1 >= argc)
                return cli_usage(c, "cli.missing_value", tcpl_msg(c->ctx, "batch.value_dir"),
                                 argv[i]);
            parent = argv[++i];
            continue;
        }
        argv[j++] = argv[i];
    }
    argv[j++] = (char *)parent;
    argv[j] = NULL;
    argc = j;
    int nfiles;
    const cli_opt opts[] = {{"--pack", "-p", NULL, 0, &pack, "dossier.value_pack"},
                            {"--out", "-o", NULL, 0, &out, "batch.value_dir"},
                            {"--quiet", "-q", &flags, 1, NULL, NULL},
                            {"--jobs", "-j", NULL, 0, &jobs_s, "batch.value_jobs"},
                            {"--roster", NULL, NULL, 0, &roster, "batch.value_roster"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.batch", &nfiles);
    if (r >= 0)
        return r;
    if (nfiles != 1)
        return cli_usage(c, "dossier.batch_inputs", NULL, argv[1]);
    if (!out || !*out)
        return cli_usage(c, "batch.need_out", NULL, NULL);
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs_s) {
        char *end;
        jobs = strtol(jobs_s, &end, 10);
        if (*end || end == jobs_s || jobs < 1 || jobs > 256)
            return cli_usage(c, "batch.bad_jobs", NULL, jobs_s);
    }
    if (jobs < 1)
        jobs = 1;
    if (jobs > 256)
        jobs = 256;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_dossier_pack *p = NULL;
    if (tcpl_dossier_pack_load(&p, c->ctx, pack ? pack : DEFAULT_DOSSIER_PACK, &err) < 0)
        return cli_report(c, &err);
    /* a pack named by path: its bytes decide reuse too (an edited pack rechecks) */
    char *salt = NULL;
    size_t salt_len = 0;
    tcpl_error serr;
    if (pack && strchr(pack, '/') && cli_read_data(pack, &salt, &salt_len, &serr) < 0)
        salt = NULL; /* read by the pack loader already: no salt, the id decides */
    tcpl_dossier_batch_options bo = {parent, out, NULL, (unsigned)jobs, roster, salt};
    tcpl_dossier_batch_totals t;
    int st = tcpl_dossier_batch_run(&t, p, &bo, &err);
    free(salt);
    tcpl_dossier_pack_free(p);
    if (st < 0)
        return cli_report(c, &err);
    size_t n = t.communes, bad = t.incomplete;
    if (!(flags & 1)) {
        char *shown = cli_shown(out);
        fprintf(stderr, "tcpl: %zu %s: %zu %s, %zu %s (%zu %s)", n,
                tcpl_msg(c->ctx, "dossier.col_commune"), n - bad,
                tcpl_msg(c->ctx, "dossier.complete"), bad, tcpl_msg(c->ctx, "dossier.incomplete"),
                t.reused, tcpl_msg(c->ctx, "batch.reused"));
        if (roster)
            fprintf(stderr, "; %s: %zu", tcpl_msg(c->ctx, "dossier.roster_missing"),
                    t.roster_missing);
        fprintf(stderr, " — %s/report.html\n", shown);
        free(shown);
    }
    return bad ? EXIT_FINDINGS : EXIT_OK;
}
