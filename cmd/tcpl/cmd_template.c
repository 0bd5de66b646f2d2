/* tcpl template lint TEMPLATE.docx [--keys] — every error of a template at
 * once, with its place; --keys: the JSON skeleton of the data it needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tcpl/fill.h"

enum { OPT_KEYS = 1 };

static void print_problem(cli *c, const tcpl_error *e, FILE *to)
{
    char small[1024];
    int want = tcpl_error_format(c->ctx, e, small, sizeof small);
    char *big = NULL, *text = small;
    if (want >= (int)sizeof small && (big = malloc((size_t)want + 1)) != NULL) {
        tcpl_error_format(c->ctx, e, big, (unsigned long)want + 1);
        text = big;
    }
    char *shown = cli_shown(text);
    fprintf(to, "%s\n", shown);
    free(shown);
    free(big);
}

int cmd_template(cli *c, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "lint")) {
        if (argc >= 2 && cli_is_help(argv[1])) {
            cli_help(c, "help.template");
            return EXIT_OK;
        }
        return cli_usage(c, "cli.template_sub", NULL, argc >= 2 ? argv[1] : "");
    }
    argc--;
    argv++;
    unsigned flags = 0;
    const char *delims = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--keys", NULL, &flags, OPT_KEYS, NULL, NULL},
                            {"--delimiters", NULL, NULL, 0, &delims, "cli.value_delimiters"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.template", &nfiles);
    if (r >= 0)
        return r;
    cli_batch b = {(size_t)nfiles, 0, 0, EXIT_OK};
    for (int i = 1; i <= nfiles; i++) {
        tcpl_error err;
        tcpl_error_clear(&err);
        tcpl_template *t = NULL;
        tcpl_template_options to = {delims, TCPL_TPL_LINT};
        if (tcpl_template_compile(&t, c->ctx, argv[i], &to, &err) < 0) {
            cli_batch_fail(c, &b, &err, argv[i], NULL);
            continue;
        }
        b.read++;
        /* with --keys the skeleton is the output; the errors go beside it */
        FILE *to_problems = flags & OPT_KEYS ? stderr : stdout;
        size_t n = tcpl_template_problem_count(t);
        for (size_t k = 0; k < n; k++)
            print_problem(c, tcpl_template_problem(t, k), to_problems);
        char count[32];
        snprintf(count, sizeof count, "%zu", n ? n : tcpl_template_tag_count(t));
        tcpl_error sum;
        tcpl_error_clear(&sum);
        sum.id = n ? "out.tpl_errors" : "out.tpl_ok";
        snprintf(sum.file, sizeof sum.file, "%s", argv[i]);
        snprintf(sum.detail, sizeof sum.detail, "%s", count);
        print_problem(c, &sum, stderr);
        if (flags & OPT_KEYS) {
            const char *keys = tcpl_template_keys(t);
            cli_batch_rc(&b, cli_output(c, NULL, keys, strlen(keys)));
            cli_batch_rc(&b, cli_output(c, NULL, "\n", 1));
        }
        if (n)
            cli_batch_rc(&b, EXIT_FINDINGS);
        tcpl_template_free(t);
    }
    cli_batch_summary(c, &b);
    return b.rc;
}
