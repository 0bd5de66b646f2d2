#ifndef TCPL_CLI_H
#define TCPL_CLI_H
#include <stdio.h>

#include "tcpl/tcpl.h"

/* Exit codes (README, docs/user-guide.md).  With several inputs the run goes
 * on past a bad one and exits with the worst code met (the largest). */
enum {
    EXIT_OK = 0,
    EXIT_FINDINGS = 1, /* the check found problems */
    EXIT_USAGE = 2,    /* wrong command line, or an output that may not be written */
    EXIT_INPUT = 3,    /* an input file could not be read (or the output written) */
    EXIT_INTERNAL = 4  /* out of memory, a bug */
};

typedef struct cli {
    tcpl_ctx *ctx;
    const char *prog;
    const char *verb; /* the command running, for usage messages */
    /* One reader (its buffers kept from file to file) and a cache of the
     * styles and numbering parts files share: set up on the first read. */
    tcpl_part_cache *cache;
    tcpl_reader *reader;
} cli;

typedef struct command {
    const char *name;
    const char *help_id; /* messages.yaml key of its --help text */
    int (*run)(cli *c, int argc, char **argv);
} command;

/* Prints err to stderr (file names and details escaped: tcpl_escape_text)
 * and returns the exit code it maps to. */
int cli_report(cli *c, const tcpl_error *err);
/* Prints a usage error (catalogue id; where and detail fill its
 * placeholders) and returns EXIT_USAGE. */
int cli_usage(cli *c, const char *id, const char *where, const char *detail);
/* Prints the localized help text of a message id to stdout. */
void cli_help(cli *c, const char *help_id);
/* Maps a library status to an exit code. */
int cli_exit_code(int status);
/* Writes data to path (tcpl_write_file) or to stdout when path is NULL or "-". */
int cli_output(cli *c, const char *path, const char *data, size_t len);
/* Refuses an output path that names an input or is not a regular file,
 * before any work: returns -1 to go on, or the exit code. */
int cli_check_output(cli *c, const char *path, char **files, int nfiles);
/* Is arg "--help" or "-h"? */
int cli_is_help(const char *arg);
/* s as it may be printed on a terminal or in a text output: control
 * characters and bytes that are not UTF-8 escaped.  malloc'd, never NULL
 * (exits with EXIT_INTERNAL when memory is out). */
char *cli_shown(const char *s);

/* How a document names itself (in the outline header and the JSON "file"). */
enum {
    CLI_NAME_ASIS, /* the path itself (the output never shows it) */
    CLI_NAME_TEXT, /* escaped for a terminal (cli_shown) */
    CLI_NAME_JSON  /* the real name if UTF-8; jansson escapes the rest */
};
/* Reads a document; a name that cannot be shown as it is read through
 * memory under its escaped name. */
int cli_read(cli *c, tcpl_doc **doc, const char *path, int naming, tcpl_error *err);

/* One run over several inputs: counts, worst exit code, the summary. */
typedef struct cli_batch {
    size_t total, read, failed;
    int rc;
} cli_batch;
/* Reports a failed input on stderr; with json set, also writes its record
 * {"file": ..., "error": {"code": ..., "id": ..., "message": ...}} as one line. */
void cli_batch_fail(cli *c, cli_batch *b, const tcpl_error *err, const char *file, FILE *json);
/* Raises the batch's exit code to rc if worse. */
void cli_batch_rc(cli_batch *b, int rc);
/* Prints the one-line summary on stderr when there was more than one input. */
void cli_batch_summary(cli *c, const cli_batch *b);
/* Ends a run whose results went to dst: with out (an -o file), closes the
 * memory stream *all and writes it once, only if an input was read (so a
 * run where every input failed leaves an old file as it was); without,
 * flushes stdout.  Then the summary. */
void cli_batch_finish(cli *c, cli_batch *b, const char *out, FILE *dst, char **all,
                      size_t *all_len);

/* One option of a command: a flag (ORs bit into *flags) or, with value set,
 * an option taking the next argument (value_id: what that value is, for the
 * message when it is missing). */
typedef struct cli_opt {
    const char *name;  /* "--json" */
    const char *alias; /* "-o", or NULL */
    unsigned *flags;
    unsigned bit;
    const char **value;
    const char *value_id;
} cli_opt;

/* Parses a command's arguments: the options of opts (NULL-terminated by
 * name), --help (prints help_id), everything else a file, moved to
 * argv[1..*nfiles].  Returns -1 to go on, or the exit code to return. */
int cli_parse(cli *c, int argc, char **argv, const cli_opt *opts, const char *help_id, int *nfiles);
/* Takes every "--pack P" ("-p P") out of argv, before cli_parse sees it
 * (the option repeats): at most max into packs.  -1 to go on, or the exit
 * code of a usage error. */
int cli_take_packs(cli *c, int *argc, char **argv, const char **packs, size_t max, size_t *npacks);
/* The id each of packs[0..n) is applied under: a pack given as a path
 * ("x/tinh.yaml") is known by its file name once ck has loaded it. */
void cli_pack_ids(const tcpl_checker *ck, const char *const *packs, size_t n, const char **ids);

int cmd_text(cli *c, int argc, char **argv);
int cmd_dump(cli *c, int argc, char **argv);
int cmd_extract(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);
int cmd_batch(cli *c, int argc, char **argv);
/* A shipped template by file name: beside the program in a build tree
 * (build/templates/), else where make install puts it.  0 with its path in
 * out, or -1 with the last path tried. */
int cli_find_template(const char *name, char *out, size_t size);
/* The arguments of a draft command (remediate, conclude): one input,
 * -o OUT, --meta JSON, --template T (else the shipped template_name). */
typedef struct cli_draft {
    const char *input, *out, *meta, *tpl;
    char found[4200];
} cli_draft;
/* Parses them: -1 to go on, or the exit code of a usage error. */
int cli_draft_args(cli *c, int argc, char **argv, const char *help_id, const char *template_name,
                   const char *no_template_id, cli_draft *d);
/* Fills d->tpl from data (JSON) into d->out, missing keys left empty (a
 * draft); 0 or a negative status in err. */
int cli_draft_fill(cli *c, const cli_draft *d, const char *data, tcpl_error *err);
int cmd_merge(cli *c, int argc, char **argv);
int cmd_dossier(cli *c, int argc, char **argv);
/* tcpl batch --dossiers (cmd_dossier.c): every subfolder one commune's dossier. */
int cli_batch_dossiers(cli *c, int argc, char **argv);
/* tcpl batch --convert-doc (convert.c): converts the .doc files under the
 * inputs to .docx in OUT/converted/ with soffice, jobs at once, adding each
 * to *extra and the .doc it came from to *from (malloc'd paths; *nextra of
 * each).  0, or the exit code of a failure. */
int cli_convert_docs(cli *c, char **inputs, int ninputs, const char *out, unsigned jobs,
                     char ***extra, char ***from, size_t *nextra);
int cmd_fill(cli *c, int argc, char **argv);
int cmd_remediate(cli *c, int argc, char **argv);
int cmd_conclude(cli *c, int argc, char **argv);
int cmd_new(cli *c, int argc, char **argv);
int cmd_template(cli *c, int argc, char **argv);
int cmd_annotate(cli *c, int argc, char **argv);
/* Reads a JSON data file whole (cmd_fill.c); 0 or a negative status. */
int cli_read_data(const char *path, char **out, size_t *len, tcpl_error *e);
/* Today as YYYY-MM-DD: TCPL_TODAY when it is a date (tests), else the local date. */
void cli_today(char out[16]);
/* 1 if s is a real date written YYYY-MM-DD. */
int cli_valid_date(const char *s);

#endif
