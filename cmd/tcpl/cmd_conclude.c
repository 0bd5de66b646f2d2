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
    cli_draft d;
    int r = cli_draft_args(c, argc, argv, "help.conclude", TEMPLATE_NAME, "cli.no_template_kl", &d);
    if (r >= 0)
        return r;
    tcpl_error err;
    tcpl_error_clear(&err);
    char *findings = NULL, *meta_json = NULL, *data = NULL;
    size_t findings_len = 0, meta_len = 0;
    int rc = cli_read_data(d.input, &findings, &findings_len, &err);
    if (rc == 0 && d.meta)
        rc = cli_read_data(d.meta, &meta_json, &meta_len, &err);
    if (rc == 0)
        rc = tcpl_conclusion_data(&data, findings, findings_len, meta_json, c->ctx, &err);
    /* A draft: what neither the findings nor the data says stays empty. */
    if (rc == 0)
        rc = cli_draft_fill(c, &d, data, &err);
    int code = rc < 0 ? cli_report(c, &err) : EXIT_OK;
    free(data);
    free(meta_json);
    free(findings);
    return code;
}
