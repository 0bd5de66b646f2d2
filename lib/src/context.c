#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include <libxml/parser.h>

#include "base/buf.h"
#include "base/vec.h"
#include "context.h"
#include "base/embedded.h"
#include "base/error.h"
#include "ooxml/legacy.h"

/* A data file larger than this is refused: all of checks/ is a few hundred
 * KB, and the whole file is held in memory. */
#define TCPL_MAX_DATA_FILE (16u << 20)

typedef struct {
    const char *name;
    char *data; /* owned when read from the data dir, else NULL */
    const char *bytes;
    size_t len;
} data_file;

typedef struct {
    char *id;
    char *text;
} message;

struct tcpl_ctx {
    char lang[8];
    char *data_dir;
    data_file *files;
    size_t nfiles;
    message *msgs;
    size_t nmsgs;
    struct tcpl_legacy *legacy;
};

const char *tcpl_version(void)
{
    return TCPL_VERSION;
}

const char *tcpl_ctx_lang(const tcpl_ctx *ctx)
{
    return ctx ? ctx->lang : "vi";
}

const struct tcpl_legacy *tcpl_ctx_legacy(const tcpl_ctx *ctx)
{
    return ctx ? ctx->legacy : NULL;
}

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    tcpl_buf b;
    tcpl_buf_init(&b);
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b.len + n > TCPL_MAX_DATA_FILE || tcpl_buf_put(&b, tmp, n) < 0) {
            fclose(f);
            tcpl_buf_free(&b);
            return -2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        tcpl_buf_free(&b);
        return -1;
    }
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : -2;
}

int tcpl_ctx_data(const char **data, size_t *len, const tcpl_ctx *ctx, const char *name,
                  tcpl_error *err)
{
    for (size_t i = 0; ctx && i < ctx->nfiles; i++) {
        if (!strcmp(ctx->files[i].name, name)) {
            *data = ctx->files[i].bytes;
            *len = ctx->files[i].len;
            return 0;
        }
    }
    return tcpl_err(err, TCPL_ERR_DATA, "err.data_missing", name, NULL, NULL);
}

static int cmp_msg(const void *a, const void *b)
{
    return strcmp(((const message *)a)->id, ((const message *)b)->id);
}

/* messages.yaml: a mapping id -> mapping lang -> text. */
static int load_messages(tcpl_ctx *ctx, tcpl_error *err)
{
    const char *data;
    size_t len;
    int rc = tcpl_ctx_data(&data, &len, ctx, "messages.yaml", err);
    if (rc < 0)
        return rc;
    yaml_parser_t p;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&p))
        return TCPL_NOMEM(err, "messages.yaml");
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    int depth = 0, done = 0;
    char *id = NULL, *key = NULL;
    tcpl_vec msgs = TCPL_VEC_INIT(message);
    rc = 0;
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_yaml", "messages.yaml", NULL,
                          "%s (%zu:%zu)", p.problem ? p.problem : "?", p.problem_mark.line + 1,
                          p.problem_mark.column + 1);
            break;
        }
        switch (ev.type) {
        case YAML_MAPPING_START_EVENT:
            depth++;
            break;
        case YAML_MAPPING_END_EVENT:
            depth--;
            if (depth == 1) {
                free(id);
                id = NULL;
            }
            break;
        case YAML_SCALAR_EVENT: {
            const char *v = (const char *)ev.data.scalar.value;
            if (depth == 1) {
                free(id);
                if (!(id = strdup(v))) {
                    rc = TCPL_NOMEM(err, "messages.yaml");
                    done = 1;
                }
            } else if (depth == 2 && !key) {
                if (!(key = strdup(v))) {
                    rc = TCPL_NOMEM(err, "messages.yaml");
                    done = 1;
                }
            } else if (depth == 2) {
                if (id && key && !strcmp(key, ctx->lang)) {
                    message *m = tcpl_vec_push(&msgs);
                    if (m) {
                        m->id = strdup(id);
                        m->text = strdup(v);
                    }
                    if (!m || !m->id || !m->text) {
                        rc = TCPL_NOMEM(err, "messages.yaml");
                        done = 1;
                        break;
                    }
                }
                free(key);
                key = NULL;
            }
            break;
        }
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    free(id);
    free(key);
    yaml_parser_delete(&p);
    /* what was read is the context's either way: tcpl_ctx_free frees it */
    ctx->msgs = tcpl_vec_detach(&msgs, &ctx->nmsgs);
    if (rc == 0)
        qsort(ctx->msgs, ctx->nmsgs, sizeof *ctx->msgs, cmp_msg);
    return rc;
}

const char *tcpl_msg(const tcpl_ctx *ctx, const char *id)
{
    if (!ctx || !id)
        return id ? id : "";
    message key = {(char *)id, NULL};
    const message *m = bsearch(&key, ctx->msgs, ctx->nmsgs, sizeof *m, cmp_msg);
    return m ? m->text : id;
}

int tcpl_ctx_new(tcpl_ctx **out, const tcpl_ctx_options *opts, tcpl_error *err)
{
    int rc = 0;
    *out = NULL;
    /* libxml2's global init must happen before any thread parses. */
    xmlInitParser();
    tcpl_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return TCPL_NOMEM(err, NULL);
    const char *lang = opts ? opts->lang : NULL;
    if (lang && (!strncmp(lang, "en", 2) || !strncmp(lang, "EN", 2)))
        strcpy(ctx->lang, "en");
    else
        strcpy(ctx->lang, "vi");
    const char *dir = opts ? opts->data_dir : NULL;
    if (dir && *dir) {
        struct stat st;
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_dir", dir, NULL, NULL);
            goto out;
        }
        ctx->data_dir = strdup(dir);
        if (!ctx->data_dir) {
            rc = TCPL_NOMEM(err, NULL);
            goto out;
        }
    }
    size_t n = 0;
    while (tcpl_embedded_files[n].name)
        n++;
    ctx->files = calloc(n ? n : 1, sizeof *ctx->files);
    if (!ctx->files) {
        rc = TCPL_NOMEM(err, NULL);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        data_file *f = &ctx->files[ctx->nfiles++];
        f->name = tcpl_embedded_files[i].name;
        f->bytes = tcpl_embedded_files[i].data;
        f->len = tcpl_embedded_files[i].len;
        if (ctx->data_dir) {
            tcpl_buf path;
            tcpl_buf_init(&path);
            tcpl_buf_printf(&path, "%s/%s", ctx->data_dir, f->name);
            if (!tcpl_buf_ok(&path)) {
                rc = TCPL_NOMEM(err, NULL);
                goto out;
            }
            int r = read_file(path.data, &f->data, &f->len);
            if (r == 0) {
                f->bytes = f->data;
            } else if (r == -2 || errno != ENOENT) {
                rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_read", path.data, NULL, NULL);
                tcpl_buf_free(&path);
                goto out;
            } else {
                f->len = tcpl_embedded_files[i].len;
            }
            tcpl_buf_free(&path);
        }
    }
    TCPL_CHECK(load_messages(ctx, err));
    TCPL_CHECK(tcpl_legacy_load(&ctx->legacy, ctx, err));
out:
    if (rc < 0) {
        tcpl_ctx_free(ctx);
        return rc;
    }
    *out = ctx;
    return 0;
}

void tcpl_ctx_free(tcpl_ctx *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < ctx->nfiles; i++)
        free(ctx->files[i].data);
    free(ctx->files);
    for (size_t i = 0; i < ctx->nmsgs; i++) {
        free(ctx->msgs[i].id);
        free(ctx->msgs[i].text);
    }
    free(ctx->msgs);
    tcpl_legacy_free(ctx->legacy);
    free(ctx->data_dir);
    free(ctx);
}
