/* tcpl batch INPUT... --out DIR [--pack P]... [--deadline D] [--roster CSV]
 * [--jobs N] [--shard K/N] [--format jsonl] [-q] — checks folders of
 * submissions on several threads and writes per-file results, summaries
 * and an HTML report (docs/batch.md).  The work is tcpl_batch_run's; this
 * file reads options, shows progress and picks the exit code. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/batch.h"

/* Packs named on one command line (as for tcpl check). */
#define MAX_PACKS 32
/* A pack file named by path is read into the rules fingerprint: packs are
 * kilobytes; a bigger file is fingerprinted by its first bytes only. */
#define MAX_PACK_SALT (4u << 20)

typedef struct progress_state {
    cli *c;
    int on;
    double start, last;
    int printed;
} progress_state;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_progress(void *user, const tcpl_batch_progress *p)
{
    progress_state *s = user;
    if (!s->on)
        return;
    double t = now();
    if (p->done < p->total && t - s->last < 0.2)
        return;
    s->last = t;
    double el = t - s->start;
    size_t work = p->done - p->reused;
    double rate = el > 0 ? (double)work / el : 0;
    size_t left = p->total - p->done;
    double eta = rate > 0 ? (double)left / rate : 0;
    fprintf(stderr, "\rtcpl: %zu/%zu %s, %.1f/s, %s %d:%02d   ", p->done, p->total,
            tcpl_msg(s->c->ctx, "batch.progress"), rate, tcpl_msg(s->c->ctx, "batch.eta"),
            (int)(eta / 60), (int)eta % 60);
    s->printed = 1;
}

static void on_result(void *user, const char *json, size_t len)
{
    (void)user;
    fwrite(json, 1, len, stdout);
    fputc('\n', stdout);
}

int cmd_batch(cli *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--dossiers"))
            return cli_batch_dossiers(c, argc, argv);
    const char *packs[MAX_PACKS];
    size_t npacks = 0;
    int r0 = cli_take_packs(c, &argc, argv, packs, MAX_PACKS, &npacks);
    if (r0 >= 0)
        return r0;
    const char *out = NULL, *deadline = NULL, *roster = NULL, *jobs_s = NULL, *shard = NULL,
               *format = NULL;
    unsigned flags = 0;
    int nfiles;
    const cli_opt opts[] = {{"--out", "-o", NULL, 0, &out, "batch.value_dir"},
                            {"--deadline", NULL, NULL, 0, &deadline, "batch.value_date"},
                            {"--roster", NULL, NULL, 0, &roster, "batch.value_roster"},
                            {"--jobs", "-j", NULL, 0, &jobs_s, "batch.value_jobs"},
                            {"--shard", NULL, NULL, 0, &shard, "batch.value_shard"},
                            {"--format", "-f", NULL, 0, &format, "cli.value_format"},
                            {"--quiet", "-q", &flags, 1, NULL, NULL},
                            {"--convert-doc", NULL, &flags, 2, NULL, NULL},
                            {"--annotate", NULL, &flags, 4, NULL, NULL},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.batch", &nfiles);
    if (r >= 0)
        return r;
    if (!out || !*out)
        return cli_usage(c, "batch.need_out", NULL, NULL);
    if (deadline && !cli_valid_date(deadline))
        return cli_usage(c, "batch.bad_date", NULL, deadline);
    if (format && strcmp(format, "jsonl"))
        return cli_usage(c, "cli.bad_format", NULL, format);
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
    unsigned sk = 0, sn = 0;
    if (shard) {
        char tail;
        if (sscanf(shard, "%u/%u%c", &sk, &sn, &tail) != 2 || sn < 1 || sk < 1 || sk > sn)
            return cli_usage(c, "batch.bad_shard", NULL, shard);
    }
    /* --convert-doc: the .doc files converted into OUT/converted/ join the inputs */
    char **converted = NULL, **sources = NULL, **inputs = argv + 1;
    size_t nconverted = 0;
    if (flags & 2) {
        int cr = cli_convert_docs(c, argv + 1, nfiles, out, (unsigned)jobs, &converted, &sources,
                                  &nconverted);
        if (cr)
            return cr;
        if (nconverted && !(inputs = calloc((size_t)nfiles + nconverted, sizeof *inputs)))
            return EXIT_INTERNAL;
        if (nconverted) {
            memcpy(inputs, argv + 1, (size_t)nfiles * sizeof *inputs);
            memcpy(inputs + nfiles, converted, nconverted * sizeof *inputs);
        }
    }
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    tcpl_checker *ck = NULL;
    int rc;
    int setup = tcpl_extractor_new(&ex, c->ctx, &err);
    if (setup == 0)
        setup = tcpl_checker_new(&ck, c->ctx, &err);
    if (setup == 0)
        setup = tcpl_checker_add_default_packs(ck, &err);
    for (size_t i = 0; setup == 0 && i < npacks; i++)
        setup = tcpl_checker_add_pack(ck, packs[i], &err);
    if (setup < 0) {
        rc = cli_report(c, &err);
        goto out;
    }
    /* A pack given as a path is known by its file name; its bytes go into
     * the fingerprint, so an edited pack file rechecks everything. */
    const char *ids[MAX_PACKS];
    char *salt = NULL;
    size_t salt_len = 0;
    FILE *sf = open_memstream(&salt, &salt_len);
    if (!sf) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    cli_pack_ids(ck, packs, npacks, ids);
    for (size_t i = 0; i < npacks; i++) {
        const char *b = strrchr(packs[i], '/') ? strrchr(packs[i], '/') + 1 : packs[i];
        size_t n = strlen(b);
        FILE *pf = strchr(packs[i], '/') || (n > 5 && !strcmp(b + n - 5, ".yaml"))
                       ? fopen(packs[i], "rb")
                       : NULL;
        if (pf) {
            char chunk[8192];
            size_t got, total = 0;
            while (total < MAX_PACK_SALT && (got = fread(chunk, 1, sizeof chunk, pf)) > 0) {
                fwrite(chunk, 1, got, sf);
                total += got;
            }
            fclose(pf);
        }
    }
    if (flags & 4) /* results made without the annotated copies are not reused */
        fputs("\n--annotate", sf);
    fputc(0, sf);
    fclose(sf);
    char today[16];
    cli_today(today);
    progress_state ps = {c, !(flags & 1) && isatty(2), now(), 0, 0};
    tcpl_batch_options o = {(const char *const *)inputs,
                            (size_t)nfiles + nconverted,
                            out,
                            ids,
                            npacks,
                            salt,
                            deadline,
                            today[0] ? today : NULL,
                            roster,
                            (unsigned)jobs,
                            sk,
                            sn,
                            on_progress,
                            format ? on_result : NULL,
                            &ps,
                            (flags & 4) != 0,
                            (const char *const *)sources,
                            (const char *const *)converted,
                            nconverted};
    tcpl_batch_totals t;
    int st = tcpl_batch_run(&t, c->ctx, ex, ck, &o, &err);
    free(salt);
    if (ps.printed)
        fputc('\n', stderr);
    if (format && fflush(stdout) != 0) {
        rc = cli_output(c, NULL, "", 0);
        goto out;
    }
    if (st < 0) {
        rc = cli_report(c, &err);
        goto out;
    }
    if (!(flags & 1)) {
        char line[512];
        snprintf(line, sizeof line, "%zu %s: %zu %s (%zu %s), %zu %s, %zu %s, %zu %s", t.files,
                 tcpl_msg(c->ctx, "batch.progress"), t.checked + t.reused,
                 tcpl_msg(c->ctx, "batch.checked"), t.reused, tcpl_msg(c->ctx, "batch.reused"),
                 t.with_loi, tcpl_msg(c->ctx, "batch.with_loi"), t.failed,
                 tcpl_msg(c->ctx, "batch.failed"), t.skipped, tcpl_msg(c->ctx, "batch.skipped"));
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
    rc = t.failed || t.with_loi ? EXIT_FINDINGS : EXIT_OK;
out:
    for (size_t i = 0; i < nconverted; i++) {
        free(converted[i]);
        free(sources[i]);
    }
    free(converted);
    free(sources);
    if (inputs != argv + 1)
        free(inputs);
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    return rc;
}
