/* tcpl conclude FINDINGS.json --meta META.json -o KL.docx [--template T.docx]
 * — a draft inspection conclusion from the findings of tcpl check (--format
 * json, one object or JSON Lines): one shortcoming per category of Lỗi and
 * Cảnh báo, phrased from the findings with their basis; the inspection's
 * data from META.json (docs/templates.md). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/fill.h"

#define TEMPLATE_NAME "ket-luan-kiem-tra.docx"

int cmd_conclude(cli *c, int argc, char **argv)
{
    const char *out = NULL, *meta = NULL, *tpl = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--output", "-o", NULL, 0, &out, "cli.value_file"},
                            {"--meta", "-m", NULL, 0, &meta, "cli.value_data_file"},
                            {"--template", "-t", NULL, 0, &tpl, "cli.value_template"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.conclude", &nfiles);
    if (r >= 0)
        return r;
    if (nfiles != 1) {
        char n[16];
        snprintf(n, sizeof n, "%d", nfiles);
        return cli_usage(c, "cli.one_input", "conclude", n);
    }
    if (!out)
        return cli_usage(c, "cli.need_output", NULL, NULL);
    if ((r = cli_check_output(c, out, argv + 1, 1)) >= 0)
        return r;
    char found[PATH_MAX + 64];
    if (!tpl) {
        if (cli_find_template(TEMPLATE_NAME, found, sizeof found) < 0)
            return cli_usage(c, "cli.no_template_kl", NULL, found);
        tpl = found;
    }
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_template *t = NULL;
    char *findings = NULL, *meta_json = NULL, *data = NULL;
    size_t findings_len = 0, meta_len = 0;
    int rc = cli_read_data(argv[1], &findings, &findings_len, &err);
    if (rc == 0 && meta)
        rc = cli_read_data(meta, &meta_json, &meta_len, &err);
    if (rc == 0)
        rc = tcpl_conclusion_data(&data, findings, findings_len, meta_json, &err);
    if (rc == 0)
        rc = tcpl_template_compile(&t, c->ctx, tpl, NULL, &err);
    /* A draft: what neither the findings nor the data says stays empty. */
    tcpl_fill_options fo = {TCPL_FILL_ALLOW_MISSING};
    if (rc == 0)
        rc = tcpl_template_fill_file(t, data, strlen(data), out, &fo, &err);
    int code = rc < 0 ? cli_report(c, &err) : EXIT_OK;
    tcpl_template_free(t);
    free(data);
    free(meta_json);
    free(findings);
    return code;
}
