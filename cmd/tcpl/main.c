/* tcpl: options in, library call, output, free.  One file per verb; what
 * they share is in cli.c. */
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const command commands[] = {
    {"text", "help.text", cmd_text},
    {"dump", "help.dump", cmd_dump},
    {"extract", "help.extract", cmd_extract},
    {"check", "help.check", cmd_check},
    {"annotate", "help.annotate", cmd_annotate},
    {"batch", "help.batch", cmd_batch},
    {"merge", "help.merge", cmd_merge},
    {"dossier", "help.dossier", cmd_dossier},
    {"fill", "help.fill", cmd_fill},
    {"remediate", "help.remediate", cmd_remediate},
    {"conclude", "help.conclude", cmd_conclude},
    {"new", "help.new", cmd_new},
    {"template", "help.template", cmd_template},
};

/* Takes --lang and --data out of argv wherever they are.  *missing: an
 * option given last with no value. */
static void global_options(int *argc, char **argv, tcpl_ctx_options *o, const char **missing)
{
    int j = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--lang") || !strcmp(a, "--data")) {
            if (i + 1 >= *argc) {
                *missing = a;
                continue;
            }
            *(a[2] == 'l' ? &o->lang : &o->data_dir) = argv[++i];
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
}

/* "vi", "en", or NULL when s names neither ("en_US.UTF-8" is en). */
static const char *lang_of(const char *s)
{
    if (!strncmp(s, "en", 2))
        return "en";
    if (!*s || !strncmp(s, "vi", 2))
        return "vi";
    return NULL;
}

int main(int argc, char **argv)
{
    cli c = {NULL, "tcpl", NULL, NULL, NULL};
    tcpl_ctx_options o = {NULL, NULL};
    const char *missing = NULL, *bad_lang = NULL;
    global_options(&argc, argv, &o, &missing);
#ifdef __GLIBC__
    /* Freed memory is kept for the next document rather than handed back
     * to the kernel after each one and faulted in again (with threads, on
     * one lock): a batch spends 14x fewer page faults and 5-10 % less CPU,
     * peak RSS unchanged (docs/bench.md, "Batch"). */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    /* libzip turns every entry's DOS time into a time_t (mktime); with TZ
     * unset glibc stats /etc/localtime on each call, inside its time-zone
     * lock: ten system calls a document, and a batch's workers queue on
     * that lock (futex).  TZ naming the same file reads it once: the same
     * zone, the same dates (docs/bench.md, "Batch"). */
    if (!getenv("TZ") && access("/etc/localtime", R_OK) == 0)
        setenv("TZ", ":/etc/localtime", 0);
#endif
    /* The environment is the CLI's business, never the library's.  A
     * TCPL_LANG naming neither language is ignored (it may be a locale). */
    const char *env_lang = getenv("TCPL_LANG");
    env_lang = env_lang ? lang_of(env_lang) : NULL;
    if (o.lang && !lang_of(o.lang))
        bad_lang = o.lang;
    o.lang = o.lang && lang_of(o.lang) ? lang_of(o.lang) : env_lang;
    if (!o.data_dir)
        o.data_dir = getenv("TCPL_DATA");
    tcpl_error err;
    tcpl_error_clear(&err);
    if (tcpl_ctx_new(&c.ctx, &o, &err) < 0) {
        /* The data given was unusable: say so with the built-in messages. */
        tcpl_ctx_options builtin = {o.lang, ""};
        tcpl_error e2;
        if (tcpl_ctx_new(&c.ctx, &builtin, &e2) < 0)
            c.ctx = NULL;
        int rc = cli_report(&c, &err);
        tcpl_ctx_free(c.ctx);
        return rc;
    }
    int rc;
    if (missing) {
        rc = cli_usage(&c, "cli.missing_value",
                       tcpl_msg(c.ctx, missing[2] == 'l' ? "cli.value_lang" : "cli.value_data"),
                       missing);
        goto out;
    }
    if (bad_lang) {
        rc = cli_usage(&c, "cli.bad_lang", NULL, bad_lang);
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
            c.verb = commands[i].name;
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
        rc = cli_usage(&c, "cli.unknown_command", NULL, argv[1]);
out:
    tcpl_reader_free(c.reader);
    tcpl_part_cache_free(c.cache);
    tcpl_ctx_free(c.ctx);
    return rc;
}
