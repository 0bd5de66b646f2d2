#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* Something the context loads on first use (the data is parsed by the first
 * thread that asks; the others wait on the mutex, then read it): the state
 * is published with release/acquire, so a reader that sees it done sees
 * what was loaded.  A load that failed keeps its error, given to every
 * later caller. */
enum { LAZY_TODO, LAZY_DONE, LAZY_FAILED };
typedef struct {
    atomic_int state;
    pthread_mutex_t lock;
    int rc;
    tcpl_error err;
} lazy;

struct tcpl_ctx {
    char lang[8];
    char *data_dir;
    data_file *files;
    size_t nfiles;
    message *msgs;
    size_t nmsgs;
    struct tcpl_legacy *legacy;
    lazy msgs_once, legacy_once;
};

typedef int (*lazy_fn)(tcpl_ctx *ctx, tcpl_error *err);

/* Runs fn once for ctx; its status, or the status it failed with the first
 * time (and that error), on every call. */
static int lazy_run(lazy *l, tcpl_ctx *ctx, lazy_fn fn, tcpl_error *err)
{
    int st = atomic_load_explicit(&l->state, memory_order_acquire);
    if (st == LAZY_TODO) {
        pthread_mutex_lock(&l->lock);
        st = atomic_load_explicit(&l->state, memory_order_relaxed);
        if (st == LAZY_TODO) {
            tcpl_error_clear(&l->err);
            l->rc = fn(ctx, &l->err);
            st = l->rc < 0 ? LAZY_FAILED : LAZY_DONE;
            atomic_store_explicit(&l->state, st, memory_order_release);
        }
        pthread_mutex_unlock(&l->lock);
    }
    if (st == LAZY_DONE)
        return 0;
    if (err)
        *err = l->err;
    return l->rc;
}

const char *tcpl_version(void)
{
    return TCPL_VERSION;
}

const char *tcpl_ctx_lang(const tcpl_ctx *ctx)
{
    return ctx ? ctx->lang : "vi";
}

static int load_legacy(tcpl_ctx *ctx, tcpl_error *err)
{
    return tcpl_legacy_load(&ctx->legacy, ctx, err);
}

int tcpl_ctx_legacy_get(const struct tcpl_legacy **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    *out = NULL;
    if (!ctx)
        return 0;
    /* the context is read-only to its users; the lazy slots are the one
     * part written, under their lock (ctx was allocated non-const) */
    tcpl_ctx *c = (tcpl_ctx *)ctx;
    int rc = lazy_run(&c->legacy_once, c, load_legacy, err);
    if (rc < 0)
        return rc;
    *out = ctx->legacy;
    return 0;
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

const struct tcpl_legacy *tcpl_ctx_legacy(const tcpl_ctx *ctx)
{
    const struct tcpl_legacy *lg;
    return tcpl_ctx_legacy_get(&lg, ctx, NULL) < 0 ? NULL : lg;
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

int tcpl_ctx_messages(const tcpl_ctx *ctx, tcpl_error *err)
{
    if (!ctx)
        return 0;
    tcpl_ctx *c = (tcpl_ctx *)ctx;
    return lazy_run(&c->msgs_once, c, load_messages, err);
}

const char *tcpl_msg(const tcpl_ctx *ctx, const char *id)
{
    if (!ctx || !id)
        return id ? id : "";
    /* a catalogue that failed to load (only out of memory for the built-in
     * one: a data dir's is loaded by tcpl_ctx_new) gives the ids; the error
     * stays with tcpl_ctx_messages */
    if (tcpl_ctx_messages(ctx, NULL) < 0)
        return id;
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
    atomic_init(&ctx->msgs_once.state, LAZY_TODO);
    atomic_init(&ctx->legacy_once.state, LAZY_TODO);
    pthread_mutex_init(&ctx->msgs_once.lock, NULL);
    pthread_mutex_init(&ctx->legacy_once.lock, NULL);
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
    /* The built-in data is parsed on first use (the message catalogue alone
     * is half the start-up of a process that needs none of it); a file from
     * the data dir is the user's and may be wrong, so it is parsed now and
     * its error returned here, as before. */
    for (size_t i = 0; i < ctx->nfiles; i++) {
        if (!ctx->files[i].data)
            continue;
        if (!strcmp(ctx->files[i].name, "messages.yaml"))
            TCPL_CHECK(tcpl_ctx_messages(ctx, err));
    }
    if (ctx->data_dir) {
        const struct tcpl_legacy *lg;
        TCPL_CHECK(tcpl_ctx_legacy_get(&lg, ctx, err));
    }
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
    pthread_mutex_destroy(&ctx->msgs_once.lock);
    pthread_mutex_destroy(&ctx->legacy_once.lock);
    free(ctx->data_dir);
    free(ctx);
}
