/* tcpl fill TEMPLATE.docx DATA.json -o OUT.docx — a document from a template
 * and JSON data (docs/templates.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tcpl/fill.h"

/* The JSON data file is read whole; the library refuses more than its own
 * limit (TCPL_FILL_MAX_DATA_BYTES, 64 MB), so reading stops just past it. */
#define CLI_MAX_DATA_BYTES ((size_t)64 << 20)

static int io_error(tcpl_error *e, const char *id, const char *path, const char *detail)
{
    tcpl_error_clear(e);
    e->code = TCPL_ERR_IO;
    e->id = id;
    snprintf(e->file, sizeof e->file, "%s", path);
    snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
    return e->code;
}

int cli_read_data(const char *path, char **out, size_t *len, tcpl_error *e)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return io_error(e, "err.io_open", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int dir = S_ISDIR(st.st_mode);
        close(fd);
        return io_error(e, dir ? "err.is_directory" : "err.not_regular", path, "special file");
    }
    size_t cap =
        (size_t)st.st_size < CLI_MAX_DATA_BYTES ? (size_t)st.st_size + 1 : CLI_MAX_DATA_BYTES + 1;
    char *buf = malloc(cap + 1);
    size_t n = 0;
    if (!buf) {
        close(fd);
        return io_error(e, "err.nomem", path, NULL);
    }
    for (;;) {
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int err = errno;
            free(buf);
            close(fd);
            return io_error(e, "err.io_read", path, strerror(err));
        }
        if (k == 0 || (n += (size_t)k) == cap)
            break;
    }
    close(fd);
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int cmd_fill(cli *c, int argc, char **argv)
{
    unsigned flags = 0;
    const char *out = NULL, *delims = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--allow-missing", NULL, &flags, TCPL_FILL_ALLOW_MISSING, NULL, NULL},
                            {"--delimiters", NULL, NULL, 0, &delims, "cli.value_delimiters"},
                            {"--output", "-o", NULL, 0, &out, "cli.value_file"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.fill", &nfiles);
    if (r >= 0)
        return r;
    if (nfiles != 2)
        return cli_usage(c, "cli.fill_args", NULL, NULL);
    if (!out)
        return cli_usage(c, "cli.need_output", NULL, NULL);
    if ((r = cli_check_output(c, out, argv + 1, nfiles)) >= 0)
        return r;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_template_options to = {delims, 0};
    tcpl_template *t = NULL;
    char *json = NULL;
    void *doc = NULL;
    size_t jlen = 0, dlen = 0;
    int st = tcpl_template_compile(&t, c->ctx, argv[1], &to, &err);
    if (st == 0)
        st = cli_read_data(argv[2], &json, &jlen, &err);
    if (st == 0) {
        tcpl_fill_options fo = {flags};
        st = tcpl_template_fill(&doc, &dlen, t, json, jlen, &fo, &err);
        /* errors of the data itself name the data file */
        if (st < 0 && !err.file[0])
            snprintf(err.file, sizeof err.file, "%s", argv[2]);
    }
    int rc = st < 0 ? cli_report(c, &err) : cli_output(c, out, doc, dlen);
    free(doc);
    free(json);
    tcpl_template_free(t);
    return rc;
}
