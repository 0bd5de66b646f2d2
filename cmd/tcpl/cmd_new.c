/* tcpl new ke-hoach -o PLAN.docx [--meta DATA.json] [--from SUPERIOR.docx
 * --level xa|huyen] [--template T.docx] — a new plan from the unit's data;
 * with --from, the tasks the superior plan assigns to the level pre-filled
 * as its activities (docs/templates.md). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/fill.h"

#define TEMPLATE_NAME "ke-hoach.docx"
/* The pack whose coverage rule says which tasks a superior plan assigns. */
#define ASSIGN_PACK "ke-hoach-tcpl"

int cmd_new(cli *c, int argc, char **argv)
{
    cli_draft d;
    memset(&d, 0, sizeof d);
    const char *from = NULL, *level = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--output", "-o", NULL, 0, &d.out, "cli.value_file"},
                            {"--meta", "-m", NULL, 0, &d.meta, "cli.value_data_file"},
                            {"--template", "-t", NULL, 0, &d.tpl, "cli.value_template"},
                            {"--from", "-f", NULL, 0, &from, "cli.value_against"},
                            {"--level", NULL, NULL, 0, &level, "cli.value_admin_level"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.new", &nfiles);
    if (r >= 0)
        return r;
    if (nfiles != 1) {
        char n[16];
        snprintf(n, sizeof n, "%d", nfiles);
        return cli_usage(c, "cli.one_input", c->verb, n);
    }
    if (strcmp(argv[1], "ke-hoach") != 0)
        return cli_usage(c, "cli.new_kind", NULL, argv[1]);
    if (!d.out)
        return cli_usage(c, "cli.need_output", NULL, NULL);
    if (from && (!level || (strcmp(level, "xa") && strcmp(level, "huyen"))))
        return cli_usage(c, "cli.new_level", NULL, NULL);
    char *inputs[2];
    int ninputs = 0;
    if (from)
        inputs[ninputs++] = (char *)from;
    if (d.meta)
        inputs[ninputs++] = (char *)d.meta;
    if ((r = cli_check_output(c, d.out, inputs, ninputs)) >= 0)
        return r;
    if (!d.tpl) {
        if (cli_find_template(TEMPLATE_NAME, d.found, sizeof d.found) < 0)
            return cli_usage(c, "cli.no_template_kh", NULL, d.found);
        d.tpl = d.found;
    }
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_extractor *ex = NULL;
    tcpl_doc *doc = NULL;
    tcpl_extraction *x = NULL;
    tcpl_checker *ck = NULL;
    char *meta_json = NULL, *data = NULL;
    size_t meta_len = 0;
    int rc = 0;
    if (from) {
        rc = tcpl_extractor_new(&ex, c->ctx, &err);
        if (rc == 0)
            rc = cli_read(c, &doc, from, CLI_NAME_TEXT, &err);
        if (rc == 0)
            rc = tcpl_extract(&x, ex, doc, &err);
        if (rc == 0)
            rc = tcpl_checker_new(&ck, c->ctx, &err);
        if (rc == 0)
            rc = tcpl_checker_add_pack(ck, ASSIGN_PACK, &err);
    }
    if (rc == 0 && d.meta)
        rc = cli_read_data(d.meta, &meta_json, &meta_len, &err);
    if (rc == 0)
        rc = tcpl_plan_data(&data, x, ck, level, meta_json, c->ctx, &err);
    /* A draft: what neither the superior plan nor the data says stays empty. */
    if (rc == 0)
        rc = cli_draft_fill(c, &d, data, &err);
    int code = rc < 0 ? cli_report(c, &err) : EXIT_OK;
    free(data);
    free(meta_json);
    tcpl_checker_free(ck);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    tcpl_extractor_free(ex);
    return code;
}
