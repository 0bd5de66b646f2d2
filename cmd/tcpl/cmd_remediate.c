/* tcpl remediate CONCLUSION.docx -o PLAN.docx [--data META.json]
 * [--template T.docx] — a draft remediation plan answering an inspection
 * conclusion: one item per shortcoming, a default lead, a concrete deadline,
 * the cause and the fix left as placeholders to write (docs/templates.md). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/fill.h"

#define TEMPLATE_NAME "ke-hoach-khac-phuc.docx"

int cmd_remediate(cli *c, int argc, char **argv)
{
    const char *out = NULL, *meta = NULL, *tpl = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--output", "-o", NULL, 0, &out, "cli.value_file"},
                            {"--meta", "-m", NULL, 0, &meta, "cli.value_data_file"},
                            {"--template", "-t", NULL, 0, &tpl, "cli.value_template"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.remediate", &nfiles);
    if (r >= 0)
        return r;
    if (nfiles != 1) {
        char n[16];
        snprintf(n, sizeof n, "%d", nfiles);
        return cli_usage(c, "cli.one_input", "remediate", n);
    }
    if (!out)
        return cli_usage(c, "cli.need_output", NULL, NULL);
    if ((r = cli_check_output(c, out, argv + 1, 1)) >= 0)
        return r;
    char found[PATH_MAX + 64];
    if (!tpl) {
        if (cli_find_template(TEMPLATE_NAME, found, sizeof found) < 0)
            return cli_usage(c, "cli.no_template", NULL, found);
        tpl = found;
    }
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    tcpl_doc *doc = NULL;
    tcpl_extraction *x = NULL;
    tcpl_template *t = NULL;
    char *meta_json = NULL, *data = NULL;
    size_t meta_len = 0;
    int rc = tcpl_extractor_new(&ex, c->ctx, &err);
    if (rc == 0)
        rc = cli_read(c, &doc, argv[1], CLI_NAME_TEXT, &err);
    if (rc == 0)
        rc = tcpl_extract(&x, ex, doc, &err);
    if (rc == 0 && meta)
        rc = cli_read_data(meta, &meta_json, &meta_len, &err);
    if (rc == 0)
        rc = tcpl_remediation_data(&data, x, meta_json, c->ctx, &err);
    if (rc == 0)
        rc = tcpl_template_compile(&t, c->ctx, tpl, NULL, &err);
    /* A draft: what neither the conclusion nor the data says stays empty. */
    tcpl_fill_options fo = {TCPL_FILL_ALLOW_MISSING};
    if (rc == 0)
        rc = tcpl_template_fill_file(t, data, strlen(data), out, &fo, &err);
    int code = rc < 0 ? cli_report(c, &err) : EXIT_OK;
    tcpl_template_free(t);
    free(data);
    free(meta_json);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    tcpl_extractor_free(ex);
    return code;
}
