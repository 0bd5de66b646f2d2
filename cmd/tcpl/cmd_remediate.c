/* tcpl remediate CONCLUSION.docx|FINDINGS.json -o PLAN.docx [--meta META.json]
 * [--template T.docx] — a draft remediation plan answering an inspection
 * conclusion: one item per shortcoming, a default lead, a concrete deadline,
 * the cause and the fix left as placeholders to write (docs/templates.md). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/fill.h"

#define TEMPLATE_NAME "ke-hoach-khac-phuc.docx"

/* FINDINGS.json (by name, or a file that starts with '{' or '[') or a
 * conclusion .docx. */
static int is_json(const char *path)
{
    size_t n = strlen(path);
    if (n > 5 &&
        (!strcasecmp(path + n - 5, ".json") || (n > 6 && !strcasecmp(path + n - 6, ".jsonl"))))
        return 1;
    FILE *f = fopen(path, "rb");
    int ch = EOF;
    if (f) {
        do
            ch = fgetc(f);
        while (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t');
        fclose(f);
    }
    return ch == '{' || ch == '[';
}

int cmd_remediate(cli *c, int argc, char **argv)
{
    cli_draft d;
    int r = cli_draft_args(c, argc, argv, "help.remediate", TEMPLATE_NAME, "cli.no_template", &d);
    if (r >= 0)
        return r;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    tcpl_doc *doc = NULL;
    tcpl_extraction *x = NULL;
    char *meta_json = NULL, *data = NULL;
    size_t meta_len = 0;
    int rc = 0;
    if (d.meta)
        rc = cli_read_data(d.meta, &meta_json, &meta_len, &err);
    if (rc == 0 && is_json(d.input)) {
        /* findings (tcpl check / tcpl dossier --format json) instead of a
         * conclusion */
        char *findings = NULL, today[16];
        size_t flen = 0;
        cli_today(today);
        rc = cli_read_data(d.input, &findings, &flen, &err);
        if (rc == 0)
            rc = tcpl_remediation_data_findings(&data, findings, flen, meta_json, today, c->ctx,
                                                &err);
        if (rc < 0 && !err.file[0])
            snprintf(err.file, sizeof err.file, "%s", d.input);
        free(findings);
    } else if (rc == 0) {
        rc = tcpl_extractor_new(&ex, c->ctx, &err);
        if (rc == 0)
            rc = cli_read(c, &doc, d.input, CLI_NAME_TEXT, &err);
        if (rc == 0)
            rc = tcpl_extract(&x, ex, doc, &err);
        if (rc == 0)
            rc = tcpl_remediation_data(&data, x, meta_json, c->ctx, &err);
    }
    /* A draft: what neither the conclusion nor the data says stays empty. */
    if (rc == 0)
        rc = cli_draft_fill(c, &d, data, &err);
    int code = rc < 0 ? cli_report(c, &err) : EXIT_OK;
    free(data);
    free(meta_json);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    tcpl_extractor_free(ex);
    return code;
}
