/* tcpl check FILE... [--pack P]... [--format text|json|csv] [--fail-on LEVEL]
 * — applies rule packs and prints findings like a compiler. */
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

static void json_error(FILE *mem, const char *file, const char *code, const char *msg)
{
    /* jansson-free tiny record: file and message are escaped by hand. */
    const char *parts[] = {file, msg};
    fputs("{\"file\":\"", mem);
    for (int k = 0; k < 2; k++) {
        for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++) {
            if (*p == '"' || *p == '\\')
                fprintf(mem, "\\%c", *p);
            else if (*p < 0x20)
                fprintf(mem, "\\u%04x", *p);
            else
                fputc(*p, mem);
        }
        if (k == 0)
            fprintf(mem, "\",\"error\":{\"code\":\"%s\",\"message\":\"", code);
    }
    fputs("\"}}\n", mem);
}

static const char *code_name(int code)
{
    switch (code) {
    case TCPL_ERR_IO:
        return "io";
    case TCPL_ERR_FORMAT:
        return "format";
    case TCPL_ERR_LIMIT:
        return "limit";
    case TCPL_ERR_NOMEM:
        return "nomem";
    case TCPL_ERR_DATA:
        return "data";
    case TCPL_ERR_USAGE:
        return "usage";
    default:
        return "internal";
    }
}

int cmd_check(cli *c, int argc, char **argv)
{
    const char *packs[MAX_PACKS];
    size_t npacks = 0;
    const char *format = "text", *fail_on = "loi", *out = NULL, *against = NULL;
    /* --pack repeats: taken out before the common parser sees argv. */
    int k = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pack") || !strcmp(argv[i], "-p")) {
            if (i + 1 >= argc)
                return cli_usage(c, "cli.usage_error", argv[i]);
            if (npacks == MAX_PACKS)
                return cli_usage(c, "cli.usage_error", "--pack (at most 32)");
            packs[npacks++] = argv[++i];
        } else {
            argv[k++] = argv[i];
        }
    }
    argc = k;
    argv[argc] = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--format", "-f", NULL, 0, &format},
                            {"--fail-on", NULL, NULL, 0, &fail_on},
                            {"--output", "-o", NULL, 0, &out},
                            {"--against", "-a", NULL, 0, &against},
                            {NULL, NULL, NULL, 0, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.check", &nfiles);
    if (r >= 0)
        return r;
    int fmt = !strcmp(format, "text")   ? 0
              : !strcmp(format, "json") ? 1
              : !strcmp(format, "csv")  ? 2
                                        : -1;
    if (fmt < 0)
        return cli_usage(c, "cli.usage_error", format);
    tcpl_severity threshold = !strcmp(fail_on, "loi")        ? TCPL_SEV_LOI
                              : !strcmp(fail_on, "canh-bao") ? TCPL_SEV_CANH_BAO
                              : !strcmp(fail_on, "goi-y")    ? TCPL_SEV_GOI_Y
                                                             : (tcpl_severity)-1;
    if ((int)threshold < 0)
        return cli_usage(c, "cli.usage_error", fail_on);
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    tcpl_checker *ck = NULL;
    if (tcpl_extractor_new(&ex, c->ctx, &err) < 0 || tcpl_checker_new(&ck, c->ctx, &err) < 0 ||
        tcpl_checker_add_default_packs(ck, &err) < 0) {
        tcpl_extractor_free(ex);
        tcpl_checker_free(ck);
        return cli_report(c, &err);
    }
    for (size_t i = 0; i < npacks; i++)
        if (tcpl_checker_add_pack(ck, packs[i], &err) < 0) {
            tcpl_extractor_free(ex);
            tcpl_checker_free(ck);
            return cli_report(c, &err);
        }
    /* A pack given as a path is known by its file name. */
    const char *ids[MAX_PACKS];
    for (size_t i = 0; i < npacks; i++) {
        const char *b = strrchr(packs[i], '/') ? strrchr(packs[i], '/') + 1 : packs[i];
        size_t n = strlen(b);
        ids[i] = packs[i];
        for (size_t p = 0; p < tcpl_checker_pack_count(ck); p++) {
            const char *id = tcpl_checker_pack_id(ck, p);
            if (n > 5 && !strcmp(b + n - 5, ".yaml") && strlen(id) == n - 5 &&
                !strncmp(id, b, n - 5))
                ids[i] = id;
        }
    }
    /* The document this one answers: read and extracted once. */
    tcpl_doc *adoc = NULL;
    tcpl_extraction *ax = NULL;
    if (against && (tcpl_docx_read(&adoc, c->ctx, against, &err) < 0 ||
                    tcpl_extract(&ax, ex, adoc, &err) < 0)) {
        tcpl_doc_free(adoc);
        tcpl_extractor_free(ex);
        tcpl_checker_free(ck);
        return cli_report(c, &err);
    }
    tcpl_check_options co = {ids, npacks, ax};
    char *all = NULL;
    size_t all_len = 0;
    FILE *mem = open_memstream(&all, &all_len);
    if (!mem) {
        tcpl_extraction_free(ax);
        tcpl_doc_free(adoc);
        tcpl_extractor_free(ex);
        tcpl_checker_free(ck);
        return EXIT_INTERNAL;
    }
    if (fmt == 2)
        fputs("\xEF\xBB\xBF\"file\",\"section\",\"severity\",\"category\",\"rule\",\"message\","
              "\"excerpt\",\"fix\",\"basis\"\r\n",
              mem);
    int rc = EXIT_OK;
    for (int i = 1; i <= nfiles; i++) {
        tcpl_doc *doc = NULL;
        tcpl_extraction *x = NULL;
        tcpl_findings *f = NULL;
        char *s = NULL;
        size_t len = 0;
        tcpl_error_clear(&err);
        int st = tcpl_docx_read(&doc, c->ctx, argv[i], &err);
        if (st == 0)
            st = tcpl_extract(&x, ex, doc, &err);
        if (st == 0)
            st = tcpl_check(&f, ck, doc, x, &co, &err);
        if (st == 0 && fmt == 0)
            st = tcpl_findings_text(&s, &len, f, x, c->ctx, &err);
        if (st == 0 && fmt == 1)
            st = tcpl_findings_json(&s, &len, f, x, 0, &err);
        if (st < 0) {
            int e = cli_report(c, &err);
            if (e > rc)
                rc = e;
            if (fmt == 1) {
                char msg[1024];
                tcpl_error_format(c->ctx, &err, msg, sizeof msg);
                json_error(mem, argv[i], code_name(err.code), msg);
            }
        } else {
            if (fmt == 2) {
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
                            fputc(',', mem);
                        csv_field(mem, cols[q]);
                    }
                    fputs("\r\n", mem);
                }
            } else {
                fwrite(s, 1, len, mem);
            }
            size_t bad = 0;
            for (int sv = 0; sv <= (int)threshold; sv++)
                bad += tcpl_findings_at(f, (tcpl_severity)sv);
            if (bad && rc < EXIT_FINDINGS)
                rc = EXIT_FINDINGS;
        }
        free(s);
        tcpl_findings_free(f);
        tcpl_extraction_free(x);
        tcpl_doc_free(doc);
    }
    fclose(mem);
    int w = cli_output(c, out, all, all_len);
    if (w > rc)
        rc = w;
    free(all);
    tcpl_extraction_free(ax);
    tcpl_doc_free(adoc);
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    return rc;
}
