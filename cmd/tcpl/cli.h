#ifndef TCPL_CLI_H
#define TCPL_CLI_H
#include <stdio.h>

#include "tcpl/tcpl.h"

/* Exit codes (README, docs/user-guide.md). */
enum {
    EXIT_OK = 0,
    EXIT_FINDINGS = 1, /* the check found problems */
    EXIT_USAGE = 2,    /* wrong command line */
    EXIT_INPUT = 3,    /* an input file could not be read */
    EXIT_INTERNAL = 4  /* out of memory, a bug */
};

typedef struct cli {
    tcpl_ctx *ctx;
    const char *prog;
} cli;

typedef struct command {
    const char *name;
    const char *help_id; /* messages.yaml key of its --help text */
    int (*run)(cli *c, int argc, char **argv);
} command;

/* Prints err to stderr and returns the exit code it maps to. */
int cli_report(cli *c, const tcpl_error *err);
/* Prints a usage error (catalogue id with detail) and returns EXIT_USAGE. */
int cli_usage(cli *c, const char *id, const char *detail);
/* Prints the localized help text of a message id to stdout. */
void cli_help(cli *c, const char *help_id);
/* Maps a library status to an exit code. */
int cli_exit_code(int status);
/* Writes data to path (atomically) or to stdout when path is NULL or "-". */
int cli_output(cli *c, const char *path, const char *data, size_t len);
/* Is arg "--help" or "-h"? */
int cli_is_help(const char *arg);

/* One option of a command: a flag (ORs bit into *flags) or, with value set,
 * an option taking the next argument. */
typedef struct cli_opt {
    const char *name;  /* "--json" */
    const char *alias; /* "-o", or NULL */
    unsigned *flags;
    unsigned bit;
    const char **value;
} cli_opt;

/* Parses a command's arguments: the options of opts (NULL-terminated by
 * name), --help (prints help_id), everything else a file, moved to
 * argv[1..*nfiles].  Returns -1 to go on, or the exit code to return. */
int cli_parse(cli *c, int argc, char **argv, const cli_opt *opts, const char *help_id, int *nfiles);

int cmd_text(cli *c, int argc, char **argv);
int cmd_dump(cli *c, int argc, char **argv);
int cmd_extract(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);

#endif
