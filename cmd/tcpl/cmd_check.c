/* tcpl check FILE... [--pack P]... [--against F [--level xa|huyen]]
 * [--format text|json|csv] [--fail-on LEVEL] — applies rule packs and prints findings like a
 * compiler.  Like extract: every input gives one result, a bad input never
 * stops the run, -o writes once at the end (docs/rules.md). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Packs named on one command line. */
#define MAX_PACKS 32

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_rows(FILE *dst, const tcpl_findings *f, const tcpl_extraction *x)
{
    for (size_t n = 0; n < tcpl_findings_count(f); n++) {
        const tcpl_finding *g = tcpl_findings_get(f, n);
        const char *cols[] = {tcpl_extraction_meta(x)->file,
                              g->section,
                              tcpl_severity_name(g->severity),
                              tcpl_category_name(g->category),
                              g->rule,
                              g->message,
                              g->excerpt,
                              g->fix,
                              g->basis};
        for (size_t q = 0; q < sizeof cols / sizeof cols[0]; q++) {
            if (q)
                fputc(',', dst);
            csv_field(dst, cols[q]);
        }
        fputs("\r\n", dst);
    }
}

int cmd_check(cli *c, int argc, char **argv)
{
    const char *packs[MAX_PACKS];
    size_t npacks = 0;
    const char *format = "text", *fail_on = "loi", *out = NULL, *against = NULL, *level = NULL;
    int r0 = cli_take_packs(c, &argc, argv, packs, MAX_PACKS, &npacks);
    if (r0 >= 0)
        return r0;
    int nfiles;
    const cli_opt opts[] = {{"--format", "-f", NULL, 0, &format, "cli.value_format"},
                            {"--fail-on", NULL, NULL, 0, &fail_on, "cli.value_level"},
                            {"--against", "-a", NULL, 0, &against, "cli.value_against"},
                            {"--level", NULL, NULL, 0, &level, "cli.value_admin_level"},
                            {"--output", "-o", NULL, 0, &out, "cli.value_file"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.check", &nfiles);
    if (r >= 0)
        return r;
    int fmt = !strcmp(format, "text")   ? 0
              : !strcmp(format, "json") ? 1
              : !strcmp(format, "csv")  ? 2
                                        : -1;
    if (fmt < 0)
        return cli_usage(c, "cli.bad_format", NULL, format);
    tcpl_severity threshold = !strcmp(fail_on, "loi")        ? TCPL_SEV_LOI
                              : !strcmp(fail_on, "canh-bao") ? TCPL_SEV_CANH_BAO
                              : !strcmp(fail_on, "goi-y")    ? TCPL_SEV_GOI_Y
                                                             : (tcpl_severity)-1;
    if ((int)threshold < 0)
        return cli_usage(c, "cli.bad_level", NULL, fail_on);
    /* The level a superior plan (--against) assigns tasks to; written
     * with or without the Vietnamese marks. */
    if (level) {
        if (!strcmp(level, "xa") || !strcmp(level, "xã"))
            level = "xa";
        else if (!strcmp(level, "huyen") || !strcmp(level, "huyện"))
            level = "huyen";
        else
            return cli_usage(c, "cli.bad_admin_level", NULL, level);
    }
    if ((r = cli_check_output(c, out, argv + 1, nfiles)) >= 0)
        return r;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    tcpl_checker *ck = NULL;
    tcpl_doc *adoc = NULL;
    tcpl_extraction *ax = NULL;
    int rc = EXIT_OK;
    int setup = tcpl_extractor_new(&ex, c->ctx, &err);
    if (setup == 0)
        setup = tcpl_checker_new(&ck, c->ctx, &err);
    if (setup == 0)
        setup = tcpl_checker_add_default_packs(ck, &err);
    for (size_t i = 0; setup == 0 && i < npacks; i++)
        setup = tcpl_checker_add_pack(ck, packs[i], &err);
    /* The document these answer: read and extracted once. */
    if (setup == 0 && against) {
        setup = cli_read(c, &adoc, against, CLI_NAME_TEXT, &err);
        if (setup == 0)
            setup = tcpl_extract(&ax, ex, adoc, &err);
    }
    if (setup < 0) {
        rc = cli_report(c, &err);
        goto out;
    }
    const char *ids[MAX_PACKS];
    cli_pack_ids(ck, packs, npacks, ids);
    tcpl_check_options co = {ids, npacks, ax, level};
    int to_file = out && strcmp(out, "-");
    char *all = NULL;
    size_t all_len = 0;
    FILE *dst = to_file ? open_memstream(&all, &all_len) : stdout;
    if (!dst) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (fmt == 2) /* a byte-order mark: Excel then reads the file as UTF-8 */
        fputs("\xEF\xBB\xBF\"file\",\"section\",\"severity\",\"category\",\"rule\",\"message\","
              "\"excerpt\",\"fix\",\"basis\"\r\n",
              dst);
    cli_batch b = {(size_t)nfiles, 0, 0, EXIT_OK};
    for (int i = 1; i <= nfiles; i++) {
        tcpl_doc *doc = NULL;
        tcpl_extraction *x = NULL;
        tcpl_findings *f = NULL;
        char *s = NULL;
        size_t len = 0;
        tcpl_error_clear(&err);
        int st = cli_read(c, &doc, argv[i], fmt == 1 ? CLI_NAME_JSON : CLI_NAME_TEXT, &err);
        if (st == 0)
            st = tcpl_extract(&x, ex, doc, &err);
        if (st == 0)
            st = tcpl_check(&f, ck, doc, x, &co, &err);
        if (st == 0 && fmt == 0)
            st = tcpl_findings_text(&s, &len, f, x, c->ctx, &err);
        if (st == 0 && fmt == 1)
            st = tcpl_findings_json(&s, &len, f, x, 0, &err);
        if (st < 0) {
            cli_batch_fail(c, &b, &err, argv[i], fmt == 1 ? dst : NULL);
        } else {
            if (fmt == 2)
                csv_rows(dst, f, x);
            else
                fwrite(s, 1, len, dst);
            b.read++;
            size_t bad = 0;
            for (int sv = 0; sv <= (int)threshold; sv++)
                bad += tcpl_findings_at(f, (tcpl_severity)sv);
            if (bad)
                cli_batch_rc(&b, EXIT_FINDINGS);
        }
        free(s);
        tcpl_findings_free(f);
        tcpl_extraction_free(x);
        tcpl_doc_free(doc);
    }
    cli_batch_finish(c, &b, to_file ? out : NULL, dst, &all, &all_len);
    rc = b.rc;
out:
    tcpl_extraction_free(ax);
    tcpl_doc_free(adoc);
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    return rc;
}
