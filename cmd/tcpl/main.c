/* tcpl: options in, library call, output, free. One file per verb. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const command commands[] = {
    {"text", "help.text", cmd_text},
    {"dump", "help.dump", cmd_dump},
    {"extract", "help.extract", cmd_extract},
    {"check", "help.check", cmd_check},
};

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int cli_parse(cli *c, int argc, char **argv, const cli_opt *opts, const char *help_id, int *nfiles)
{
    *nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            cli_help(c, help_id);
            return EXIT_OK;
        }
        const cli_opt *o = opts;
        while (o->name && strcmp(a, o->name) && !(o->alias && !strcmp(a, o->alias)))
            o++;
        if (o->name) {
            if (o->value) {
                if (++i >= argc)
                    return cli_usage(c, "cli.usage_error", a);
                *o->value = argv[i];
            } else {
                *o->flags |= o->bit;
            }
        } else if (a[0] == '-' && a[1]) {
            return cli_usage(c, "cli.usage_error", a);
        } else {
            argv[++*nfiles] = argv[i];
        }
    }
    if (*nfiles == 0)
        return cli_usage(c, "cli.no_files", NULL);
    return -1;
}

int cli_exit_code(int status)
{
    switch (status) {
    case TCPL_OK:
        return EXIT_OK;
    case TCPL_ERR_USAGE:
        return EXIT_USAGE;
    case TCPL_ERR_IO:
    case TCPL_ERR_FORMAT:
    case TCPL_ERR_LIMIT:
    case TCPL_ERR_DATA:
        return EXIT_INPUT;
    default:
        return EXIT_INTERNAL;
    }
}

int cli_report(cli *c, const tcpl_error *err)
{
    char msg[2048];
    tcpl_error_format(c->ctx, err, msg, sizeof msg);
    fprintf(stderr, "tcpl: %s\n", msg);
    return cli_exit_code(err->code);
}

int cli_usage(cli *c, const char *id, const char *detail)
{
    tcpl_error e;
    tcpl_error_clear(&e);
    e.code = TCPL_ERR_USAGE;
    e.id = id;
    snprintf(e.detail, sizeof e.detail, "%s", detail ? detail : "");
    cli_report(c, &e);
    return EXIT_USAGE;
}

void cli_help(cli *c, const char *help_id)
{
    fputs(tcpl_msg(c->ctx, help_id), stdout);
}

int cli_output(cli *c, const char *path, const char *data, size_t len)
{
    if (!path || !strcmp(path, "-")) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            tcpl_error e;
            tcpl_error_clear(&e);
            e.code = TCPL_ERR_IO;
            e.id = "err.io_write";
            snprintf(e.file, sizeof e.file, "stdout");
            return cli_report(c, &e);
        }
        return EXIT_OK;
    }
    tcpl_error err;
    tcpl_error_clear(&err);
    if (tcpl_write_file(path, data, len, &err) < 0)
        return cli_report(c, &err);
    return EXIT_OK;
}

/* Takes --lang and --data out of argv wherever they are. */
static int global_options(int *argc, char **argv, tcpl_ctx_options *o, const char **bad)
{
    int j = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (!strcmp(a, "--lang") || !strcmp(a, "--data")) {
            slot = a[2] == 'l' ? &o->lang : &o->data_dir;
            if (i + 1 >= *argc) {
                *bad = a;
                return -1;
            }
            *slot = argv[++i];
            continue;
        }
        if (!strncmp(a, "--lang=", 7)) {
            o->lang = a + 7;
            continue;
        }
        if (!strncmp(a, "--data=", 7)) {
            o->data_dir = a + 7;
            continue;
        }
        if (!strcmp(a, "--")) {
            while (i < *argc)
                argv[j++] = argv[i++];
            break;
        }
        argv[j++] = argv[i];
    }
    *argc = j;
    argv[j] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    cli c = {NULL, "tcpl"};
    tcpl_ctx_options o = {NULL, NULL};
    const char *bad = NULL;
    int gerr = global_options(&argc, argv, &o, &bad);
    /* The environment is the CLI's business, never the library's. */
    if (!o.lang)
        o.lang = getenv("TCPL_LANG");
    if (!o.data_dir)
        o.data_dir = getenv("TCPL_DATA");
    if (o.lang && !strncmp(o.lang, "en", 2))
        o.lang = "en";
    else if (o.lang && (!*o.lang || !strncmp(o.lang, "vi", 2) || o.lang == getenv("TCPL_LANG")))
        o.lang = "vi";
    if (o.lang && strcmp(o.lang, "vi") && strcmp(o.lang, "en")) {
        fprintf(stderr, "tcpl: --lang: vi | en\n");
        return EXIT_USAGE;
    }
    tcpl_error err;
    tcpl_error_clear(&err);
    if (tcpl_ctx_new(&c.ctx, &o, &err) < 0) {
        /* The data given was unusable: say so with the built-in messages. */
        tcpl_ctx_options builtin = {o.lang, ""};
        tcpl_ctx *fallback = NULL;
        tcpl_error e2;
        tcpl_ctx_new(&fallback, &builtin, &e2);
        char msg[1024];
        tcpl_error_format(fallback, &err, msg, sizeof msg);
        fprintf(stderr, "tcpl: %s\n", msg);
        tcpl_ctx_free(fallback);
        return cli_exit_code(err.code);
    }
    int rc;
    if (gerr < 0) {
        rc = cli_usage(&c, "cli.usage_error", bad);
        goto out;
    }
    if (argc < 2 || cli_is_help(argv[1])) {
        cli_help(&c, "help.main");
        rc = argc < 2 ? EXIT_USAGE : EXIT_OK;
        goto out;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("tcpl %s\n", tcpl_version());
        rc = EXIT_OK;
        goto out;
    }
    rc = -1;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            if (argc > 2 && cli_is_help(argv[2])) {
                cli_help(&c, commands[i].help_id);
                rc = EXIT_OK;
            } else {
                rc = commands[i].run(&c, argc - 1, argv + 1);
            }
            break;
        }
    }
    if (rc < 0)
        rc = cli_usage(&c, "cli.unknown_command", argv[1]);
out:
    tcpl_ctx_free(c.ctx);
    return rc;
}
