/* What every command shares: options, messages, inputs, outputs, batches. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/fill.h"

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int cli_parse(cli *c, int argc, char **argv, const cli_opt *opts, const char *help_id, int *nfiles)
{
    *nfiles = 0;
    int only_files = 0; /* after "--" */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files) {
            argv[++*nfiles] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
            only_files = 1;
            continue;
        }
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
                    return cli_usage(c, "cli.missing_value", tcpl_msg(c->ctx, o->value_id), a);
                *o->value = argv[i];
            } else {
                *o->flags |= o->bit;
            }
        } else if (a[0] == '-' && a[1]) {
            return cli_usage(c, "cli.unknown_option", c->verb, a);
        } else {
            argv[++*nfiles] = argv[i];
        }
    }
    if (*nfiles == 0)
        return cli_usage(c, "cli.no_files", c->verb, NULL);
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

char *cli_shown(const char *s)
{
    char *out = NULL;
    if (tcpl_escape_text(&out, s ? s : "", TCPL_ESCAPE_CONTROLS, NULL) < 0) {
        fputs("tcpl: out of memory\n", stderr);
        exit(EXIT_INTERNAL);
    }
    return out;
}

/* The message of err, "FILE: " in front unless with_file is 0, escaped. */
static char *message(cli *c, const tcpl_error *err, int with_file)
{
    tcpl_error e = *err;
    if (!with_file)
        e.file[0] = 0;
    char small[1024];
    int want = tcpl_error_format(c->ctx, &e, small, sizeof small);
    char *text = small, *big = NULL;
    if (want >= (int)sizeof small && (big = malloc((size_t)want + 1)) != NULL) {
        tcpl_error_format(c->ctx, &e, big, (unsigned long)want + 1);
        text = big;
    }
    char *shown = cli_shown(text);
    free(big);
    return shown;
}

int cli_report(cli *c, const tcpl_error *err)
{
    char *m = message(c, err, 1);
    fprintf(stderr, "tcpl: %s\n", m);
    free(m);
    return cli_exit_code(err->code);
}

int cli_usage(cli *c, const char *id, const char *where, const char *detail)
{
    tcpl_error e;
    tcpl_error_clear(&e);
    e.code = TCPL_ERR_USAGE;
    e.id = id;
    snprintf(e.where, sizeof e.where, "%s", where ? where : "");
    snprintf(e.detail, sizeof e.detail, "%.*s", (int)sizeof e.detail - 1, detail ? detail : "");
    cli_report(c, &e);
    return EXIT_USAGE;
}

void cli_help(cli *c, const char *help_id)
{
    fputs(tcpl_msg(c->ctx, help_id), stdout);
}

static int is_stdout(const char *path)
{
    return !path || !strcmp(path, "-");
}

int cli_output(cli *c, const char *path, const char *data, size_t len)
{
    tcpl_error e;
    tcpl_error_clear(&e);
    if (is_stdout(path)) {
        errno = EIO;
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0 || ferror(stdout)) {
            e.code = TCPL_ERR_IO;
            e.id = "err.io_write";
            snprintf(e.file, sizeof e.file, "stdout");
            snprintf(e.detail, sizeof e.detail, "%s", strerror(errno));
            return cli_report(c, &e);
        }
        return EXIT_OK;
    }
    if (tcpl_write_file(path, data, len, &e) < 0)
        return cli_report(c, &e);
    return EXIT_OK;
}

int cli_check_output(cli *c, const char *path, char **files, int nfiles)
{
    if (is_stdout(path))
        return -1;
    tcpl_error e;
    tcpl_error_clear(&e);
    if (tcpl_output_check(path, (const char *const *)files, (size_t)nfiles, &e) < 0)
        return cli_report(c, &e);
    return -1;
}

static int fail(tcpl_error *err, int code, const char *id, const char *file, const char *detail)
{
    tcpl_error_clear(err);
    err->code = code;
    err->id = id;
    snprintf(err->file, sizeof err->file, "%s", file);
    snprintf(err->detail, sizeof err->detail, "%s", detail ? detail : "");
    return code;
}

/* The reader and part cache of this run, made on the first read: files a
 * province sends share their styles parts, which are then parsed once. */
static int reader(cli *c, tcpl_error *err)
{
    if (c->reader)
        return 0;
    int rc = c->cache ? 0 : tcpl_part_cache_new(&c->cache, 0, err);
    if (rc == 0)
        rc = tcpl_reader_new(&c->reader, c->ctx, c->cache, err);
    return rc;
}

/* The memory path for a name the library may not print as it is: the same
 * checks as tcpl_docx_read (a folder, not a regular file), then the bytes,
 * mapped rather than read so that the library's size limit is checked before
 * any memory is spent on them.  O_NONBLOCK: a FIFO given by mistake must not
 * hang the run. */
static int read_named(cli *c, tcpl_doc **doc, const char *path, const char *name, tcpl_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, TCPL_ERR_IO, errno == EISDIR ? "err.is_directory" : "err.io_open", name,
                    strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return fail(err, TCPL_ERR_IO, "err.io_open", name, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return S_ISDIR(st.st_mode)
                   ? fail(err, TCPL_ERR_IO, "err.is_directory", name, NULL)
                   : fail(err, TCPL_ERR_IO, "err.io_open", name, "not a regular file");
    }
    size_t len = (size_t)st.st_size;
    void *data = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)"";
    int e = errno;
    close(fd);
    if (data == MAP_FAILED)
        return fail(err, TCPL_ERR_IO, "err.io_read", name, strerror(e));
    int rc = reader(c, err);
    if (rc == 0)
        rc = tcpl_reader_read_memory(c->reader, doc, data, len, name, err);
    if (len)
        munmap(data, len);
    return rc;
}

int cli_read(cli *c, tcpl_doc **doc, const char *path, int naming, tcpl_error *err)
{
    char *name = NULL;
    int rc = reader(c, err);
    if (rc < 0)
        return rc;
    if (naming == CLI_NAME_ASIS)
        return tcpl_reader_read(c->reader, doc, path, err);
    if (naming == CLI_NAME_TEXT)
        name = cli_shown(path);
    else if (tcpl_escape_text(&name, path, 0, err) < 0)
        return err->code;
    rc = strcmp(name, path) == 0 ? tcpl_reader_read(c->reader, doc, path, err)
                                 : read_named(c, doc, path, name, err);
    free(name);
    return rc;
}

void cli_batch_rc(cli_batch *b, int rc)
{
    if (rc > b->rc)
        b->rc = rc;
}

void cli_batch_fail(cli *c, cli_batch *b, const tcpl_error *err, const char *file, FILE *json)
{
    b->failed++;
    cli_batch_rc(b, cli_report(c, err));
    if (!json)
        return;
    /* Strings given to jansson are valid UTF-8 (it refuses others): the
     * message is escaped, the name too where it is not UTF-8. */
    char *m = message(c, err, 0), *name = NULL;
    if (tcpl_escape_text(&name, file, 0, NULL) < 0)
        name = NULL;
    json_t *rec =
        json_pack("{s:s, s:{s:s, s:s, s:s}}", "file", name ? name : "?", "error", "code",
                  tcpl_status_name(err->code), "id", err->id ? err->id : "", "message", m);
    char *line = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
    if (line) {
        fputs(line, json);
        fputc('\n', json);
    } else {
        fputs("tcpl: out of memory\n", stderr);
        cli_batch_rc(b, EXIT_INTERNAL);
    }
    free(line);
    json_decref(rec);
    free(name);
    free(m);
}

void cli_batch_finish(cli *c, cli_batch *b, const char *out, FILE *dst, char **all, size_t *all_len)
{
    if (out) {
        fclose(dst);
        if (b->read > 0)
            cli_batch_rc(b, cli_output(c, out, *all, *all_len));
        free(*all);
        *all = NULL;
    } else {
        cli_batch_rc(b, cli_output(c, NULL, "", 0)); /* flush, and say if stdout failed */
    }
    cli_batch_summary(c, b);
}

/* The summary's numbers go in by name ({total} {read} {failed}). */
void cli_batch_summary(cli *c, const cli_batch *b)
{
    if (b->total < 2)
        return;
    const char *t = tcpl_msg(c->ctx, "cli.summary");
    fputs("tcpl: ", stderr);
    for (const char *p = t; *p; p++) {
        size_t v = 0;
        int hit = 1;
        if (!strncmp(p, "{total}", 7))
            v = b->total;
        else if (!strncmp(p, "{read}", 6))
            v = b->read;
        else if (!strncmp(p, "{failed}", 8))
            v = b->failed;
        else
            hit = 0;
        if (hit) {
            fprintf(stderr, "%zu", v);
            p = strchr(p, '}');
        } else {
            fputc(*p, stderr);
        }
    }
    fputc('\n', stderr);
}

int cli_take_packs(cli *c, int *argc, char **argv, const char **packs, size_t max, size_t *npacks)
{
    int k = 1;
    *npacks = 0;
    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "--pack") || !strcmp(argv[i], "-p")) {
            if (i + 1 >= *argc)
                return cli_usage(c, "cli.missing_value", tcpl_msg(c->ctx, "cli.value_pack"),
                                 argv[i]);
            if (*npacks == max) {
                char n[24];
                snprintf(n, sizeof n, "%zu", max);
                return cli_usage(c, "cli.too_many_packs", NULL, n);
            }
            packs[(*npacks)++] = argv[++i];
        } else {
            argv[k++] = argv[i];
        }
    }
    *argc = k;
    argv[k] = NULL;
    return -1;
}

#ifndef TCPL_DATADIR
#define TCPL_DATADIR "/usr/local/share/tcpl"
#endif

int cli_find_template(const char *name, char *out, size_t size)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = 0;
            snprintf(out, size, "%s/templates/%s", self, name);
            if (access(out, R_OK) == 0)
                return 0;
        }
    }
    snprintf(out, size, "%s/templates/%s", TCPL_DATADIR, name);
    return access(out, R_OK) == 0 ? 0 : -1;
}

int cli_draft_args(cli *c, int argc, char **argv, const char *help_id, const char *template_name,
                   const char *no_template_id, cli_draft *d)
{
    memset(d, 0, sizeof *d);
    int nfiles;
    const cli_opt opts[] = {{"--output", "-o", NULL, 0, &d->out, "cli.value_file"},
                            {"--meta", "-m", NULL, 0, &d->meta, "cli.value_data_file"},
                            {"--template", "-t", NULL, 0, &d->tpl, "cli.value_template"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, help_id, &nfiles);
    if (r >= 0)
        return r;
    if (nfiles != 1) {
        char n[16];
        snprintf(n, sizeof n, "%d", nfiles);
        return cli_usage(c, "cli.one_input", c->verb, n);
    }
    d->input = argv[1];
    if (!d->out)
        return cli_usage(c, "cli.need_output", NULL, NULL);
    if ((r = cli_check_output(c, d->out, argv + 1, 1)) >= 0)
        return r;
    if (!d->tpl) {
        if (cli_find_template(template_name, d->found, sizeof d->found) < 0)
            return cli_usage(c, no_template_id, NULL, d->found);
        d->tpl = d->found;
    }
    return -1;
}

int cli_draft_fill(cli *c, const cli_draft *d, const char *data, tcpl_error *err)
{
    tcpl_template *t = NULL;
    int rc = tcpl_template_compile(&t, c->ctx, d->tpl, NULL, err);
    tcpl_fill_options fo = {TCPL_FILL_ALLOW_MISSING};
    if (rc == 0)
        rc = tcpl_template_fill_file(t, data, strlen(data), d->out, &fo, err);
    tcpl_template_free(t);
    return rc;
}

int cli_valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

void cli_today(char out[16])
{
    out[0] = 0;
    const char *fixed = getenv("TCPL_TODAY"); /* tests and reruns of an old report */
    if (cli_valid_date(fixed)) {
        snprintf(out, 16, "%s", fixed);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(out, 16, "%Y-%m-%d", &tm);
}

void cli_pack_ids(const tcpl_checker *ck, const char *const *packs, size_t n, const char **ids)
{
    for (size_t i = 0; i < n; i++) {
        const char *b = strrchr(packs[i], '/') ? strrchr(packs[i], '/') + 1 : packs[i];
        size_t len = strlen(b);
        ids[i] = packs[i];
        for (size_t p = 0; p < tcpl_checker_pack_count(ck); p++) {
            const char *id = tcpl_checker_pack_id(ck, p);
            if (len > 5 && !strcmp(b + len - 5, ".yaml") && strlen(id) == len - 5 &&
                !strncmp(id, b, len - 5))
                ids[i] = id;
        }
    }
}
