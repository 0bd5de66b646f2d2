/* Filling a compiled template from JSON data (tcpl/fill.h), and the
 * public entry points. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "fill/template.h"
#include "ooxml/pkg.h"
#include "ooxml/writer.h"
#include "tcpl/io.h"

typedef struct run {
    const tcpl_template *t;
    const tpl_part *part;
    tcpl_buf *out;
    const json_t *scope[TCPL_TPL_MAX_NESTING + 2];
    size_t depth;
    size_t steps;
    unsigned flags;
    tcpl_buf a, b; /* a value and its filtered forms */
    tcpl_error *err;
} run;

static const tpl_tag *tag_of(const run *r, size_t i)
{
    return &TCPL_VEC_AT(&r->t->tags, tpl_tag, i);
}

/* Mustache lookup: the first segment in the innermost scope that has it,
 * the rest below it; "." is the current item.  NULL: missing. */
static const json_t *lookup(const run *r, const tpl_tag *g)
{
    if (g->npath == 0)
        return r->scope[r->depth - 1];
    for (size_t d = r->depth; d-- > 0;) {
        const json_t *s = r->scope[d];
        if (!json_is_object(s))
            continue;
        json_t *v = json_object_get(s, g->path[0]);
        if (!v)
            continue;
        for (size_t i = 1; i < g->npath && v; i++)
            v = json_is_object(v) ? json_object_get(v, g->path[i]) : NULL;
        return v;
    }
    return NULL;
}

/* JavaScript's truth, as Mustache and docxtemplater use it. */
static int truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (json_is_real(v))
        return json_real_value(v) != 0.0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    return 1;
}

static int too_big(run *r)
{
    if (!tcpl_buf_ok(r->out))
        return TCPL_NOMEM(r->err, r->t->name);
    if (r->out->len > TCPL_FILL_MAX_PART_BYTES)
        return tcpl_err(r->err, TCPL_ERR_LIMIT, "err.fill_too_big", r->t->name, r->part->name,
                        "%zu MB", TCPL_FILL_MAX_PART_BYTES >> 20);
    return 0;
}

/* The value as Word text: XML-escaped, a line feed a line break, a tab a
 * tab; other control characters (not allowed in XML) dropped.  The bytes
 * kept as they are go out a run at a time. */
static void put_text(run *r, const tpl_tag *g, const char *s, size_t n)
{
    tcpl_buf *o = r->out;
    const char *px = g->wpfx && *g->wpfx ? g->wpfx : NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t from = 0; /* the first byte not written yet */
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = u[i];
        /* U+FFFE and U+FFFF are not XML characters either */
        int nonchar = ch == 0xEF && i + 2 < n && u[i + 1] == 0xBF && (u[i + 2] == 0xBE || u[i + 2] == 0xBF);
        if (ch >= 0x20 && ch != '&' && ch != '<' && ch != '>' && ch != '"' && !nonchar)
            continue;
        tcpl_buf_put(o, s + from, i - from);
        from = i + 1;
        switch (ch) {
        case '&':
            tcpl_buf_puts(o, "&amp;");
            break;
        case '<':
            tcpl_buf_puts(o, "&lt;");
            break;
        case '>':
            tcpl_buf_puts(o, "&gt;");
            break;
        case '"':
            tcpl_buf_puts(o, "&quot;");
            break;
        case '\r':
            if (i + 1 < n && s[i + 1] == '\n')
                break; /* the line feed makes the break */
            /* fall through */
        case '\n':
        case '\t':
            if (px)
                tcpl_buf_printf(o, "</%s:t><%s:%s/><%s:t xml:space=\"preserve\">", px, px,
                                ch == '\t' ? "tab" : "br", px);
            else
                tcpl_buf_printf(o, "</t><%s/><t xml:space=\"preserve\">",
                                ch == '\t' ? "tab" : "br");
            break;
        default:
            if (nonchar) {
                i += 2;
                from = i + 1;
            }
            break; /* other control characters: dropped */
        }
    }
    tcpl_buf_put(o, s + from, n - from);
}

static int put_var(run *r, const tpl_tag *g)
{
    const json_t *v = lookup(r, g);
    int has_default = 0;
    for (size_t i = 0; i < g->nfilters; i++)
        has_default |= g->filters[i].kind == FILTER_DEFAULT;
    tcpl_buf_reset(&r->a);
    tcpl_buf_puts(&r->a, ""); /* never NULL data */
    if (!v) {
        if (!has_default) {
            if (r->flags & TCPL_FILL_ALLOW_MISSING)
                return 0;
            return tcpl_err(r->err, TCPL_ERR_DATA, "err.fill_missing", r->t->name, g->where,
                            "%s — “%s”", g->raw, g->context);
        }
    } else if (json_is_string(v)) {
        if (json_string_length(v) > TCPL_FILL_MAX_VALUE_BYTES)
            return tcpl_err(r->err, TCPL_ERR_LIMIT, "err.fill_value_big", r->t->name, g->where,
                            "%s: %zu KB > %zu KB", g->raw, json_string_length(v) >> 10,
                            TCPL_FILL_MAX_VALUE_BYTES >> 10);
        tcpl_buf_put(&r->a, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        tcpl_buf_printf(&r->a, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_real(v)) {
        tcpl_buf_printf(&r->a, "%.15g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        tcpl_buf_puts(&r->a, json_is_true(v) ? "true" : "false");
    } else if (!json_is_null(v)) {
        return tcpl_err(r->err, TCPL_ERR_DATA, "err.fill_not_text", r->t->name, g->where,
                        "%s — “%s”", g->raw, g->context);
    }
    if (!tcpl_buf_ok(&r->a))
        return TCPL_NOMEM(r->err, r->t->name);
    tcpl_buf *cur = &r->a, *next = &r->b;
    for (size_t i = 0; i < g->nfilters; i++) {
        tcpl_buf_reset(next);
        tcpl_buf_puts(next, "");
        int rc = tpl_filter_apply(next, &g->filters[i], cur->data, g, r->t->name, r->err);
        if (rc < 0)
            return rc;
        tcpl_buf *x = cur;
        cur = next;
        next = x;
    }
    put_text(r, g, cur->data, cur->len);
    return too_big(r);
}

static int exec(run *r, size_t from, size_t to)
{
    const tpl_op *ops = r->part->ops.data;
    for (size_t i = from; i < to; i++) {
        if (++r->steps > TCPL_FILL_MAX_STEPS)
            return tcpl_err(r->err, TCPL_ERR_LIMIT, "err.fill_steps", r->t->name, r->part->name,
                            "%d", TCPL_FILL_MAX_STEPS);
        const tpl_op *op = &ops[i];
        int rc = 0;
        if (op->kind == OP_LIT) {
            tcpl_buf_put(r->out, r->part->blob.data + op->a, op->b);
            rc = too_big(r);
        } else if (op->kind == OP_VAR) {
            rc = put_var(r, tag_of(r, op->a));
        } else if (op->kind == OP_BEGIN) {
            const tpl_tag *g = tag_of(r, op->a);
            const json_t *v = lookup(r, g);
            size_t end = op->b;
            if (g->kind == TAG_INV) {
                if (!truthy(v))
                    rc = exec(r, i + 1, end);
            } else if (json_is_array(v)) {
                size_t n = json_array_size(v);
                if (n > TCPL_FILL_MAX_ITEMS)
                    return tcpl_err(r->err, TCPL_ERR_LIMIT, "err.fill_items", r->t->name, g->where,
                                    "%s: %zu > %d", g->raw, n, TCPL_FILL_MAX_ITEMS);
                for (size_t k = 0; k < n && rc == 0; k++) {
                    r->scope[r->depth++] = json_array_get(v, k);
                    rc = exec(r, i + 1, end);
                    r->depth--;
                }
            } else if (truthy(v)) {
                r->scope[r->depth++] = v;
                rc = exec(r, i + 1, end);
                r->depth--;
            }
            i = end; /* past the END */
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Nesting of the data beyond max: refused before any work. */
static int json_depth_ok(const json_t *v, int left)
{
    if (left < 0)
        return 0;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (!json_depth_ok(json_array_get(v, i), left - 1))
                return 0;
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!json_depth_ok(x, left - 1))
                return 0;
        }
    }
    return 1;
}

int tpl_fill_json(void **out, size_t *len, const tcpl_template *t, const json_t *data,
                  unsigned flags, tcpl_error *err)
{
    int rc = 0;
    *out = NULL;
    *len = 0;
    if (t->nproblems)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.tpl_has_errors", t->name, NULL, "%zu",
                        t->nproblems);
    if (!json_is_object(data))
        return tcpl_err(err, TCPL_ERR_DATA, "err.fill_json_top", NULL, NULL, NULL);
    if (!json_depth_ok(data, TCPL_FILL_MAX_JSON_DEPTH))
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.fill_json_depth", NULL, NULL, "%d",
                        TCPL_FILL_MAX_JSON_DEPTH);
    size_t np = t->parts.len;
    tcpl_writer *w = NULL;
    tcpl_buf *bufs = calloc(np + 1, sizeof *bufs);
    tcpl_part_data *pd = calloc(np + 1, sizeof *pd);
    run r;
    memset(&r, 0, sizeof r);
    tcpl_buf_init(&r.a);
    tcpl_buf_init(&r.b);
    if (!bufs || !pd) {
        rc = TCPL_NOMEM(err, t->name);
        goto out;
    }
    r.t = t;
    r.flags = flags;
    r.err = err;
    size_t n = 0;
    for (size_t i = 0; i < np; i++) {
        r.part = &TCPL_VEC_AT(&t->parts, tpl_part, i);
        r.out = &bufs[i];
        r.depth = 1;
        r.scope[0] = data;
        tcpl_buf_init(r.out);
        TCPL_CHECK(exec(&r, 0, r.part->ops.len));
        pd[n++] = (tcpl_part_data){r.part->name, r.out->data ? r.out->data : "", r.out->len};
    }
    /* The template is shared read-only; its writer slot is the one field a
     * fill changes, atomically (template.h). */
    _Atomic(tcpl_writer *) *slot = &((struct tcpl_template *)t)->writer;
    w = atomic_exchange(slot, NULL);
    if (!w)
        TCPL_CHECK(tcpl_writer_new(&w, TCPL_WRITE_LEVEL_FAST, err));
    rc = tcpl_pkg_rewrite_with(w, out, len, t->data, t->len, t->name, pd, n, NULL, err);
    tcpl_writer *none = NULL;
    if (atomic_compare_exchange_strong(slot, &none, w))
        w = NULL;
out:
    tcpl_writer_free(w);
    for (size_t i = 0; bufs && i < np; i++)
        tcpl_buf_free(&bufs[i]);
    free(bufs);
    free(pd);
    tcpl_buf_free(&r.a);
    tcpl_buf_free(&r.b);
    return rc;
}

/* ---- public API ------------------------------------------------------------------ */

static int parse_data(json_t **out, const char *json, size_t n, tcpl_error *err)
{
    *out = NULL;
    if (!json)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.internal", NULL, NULL, "json is NULL");
    if (n > TCPL_FILL_MAX_DATA_BYTES)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.fill_json_big", NULL, NULL, "%zu MB > %zu MB",
                        n >> 20, TCPL_FILL_MAX_DATA_BYTES >> 20);
    json_error_t je;
    *out = json_loadb(json, n, 0, &je);
    if (!*out) {
        char where[64];
        snprintf(where, sizeof where, "%d:%d", je.line, je.column);
        return tcpl_err(err, TCPL_ERR_DATA, "err.fill_json", NULL, where, "%s", je.text);
    }
    return 0;
}

int tcpl_template_fill(void **out, size_t *len, const tcpl_template *t, const char *json,
                       size_t json_len, const tcpl_fill_options *opts, tcpl_error *err)
{
    *out = NULL;
    *len = 0;
    json_t *data;
    int rc = parse_data(&data, json, json_len, err);
    if (rc < 0)
        return rc;
    rc = tpl_fill_json(out, len, t, data, opts ? opts->flags : 0, err);
    json_decref(data);
    return rc;
}

int tcpl_template_fill_file(const tcpl_template *t, const char *json, size_t json_len,
                            const char *path, const tcpl_fill_options *opts, tcpl_error *err)
{
    void *doc;
    size_t len;
    int rc = tcpl_template_fill(&doc, &len, t, json, json_len, opts, err);
    if (rc < 0)
        return rc;
    rc = tcpl_write_file(path, doc, len, err);
    free(doc);
    return rc;
}

static void template_init(tcpl_template *t)
{
    tcpl_arena_init(&t->arena);
    tcpl_vec_init(&t->tags, sizeof(tpl_tag));
    tcpl_vec_init(&t->parts, sizeof(tpl_part));
    tcpl_vec_init(&t->problems, sizeof(tpl_problem));
}

int tcpl_template_compile_memory(tcpl_template **out, const tcpl_ctx *ctx, const void *data,
                                 size_t len, const char *name, const tcpl_template_options *opts,
                                 tcpl_error *err)
{
    *out = NULL;
    if (!name)
        name = "";
    if (!data || len == 0)
        return tcpl_err(err, TCPL_ERR_FORMAT, "err.empty_file", name, NULL, NULL);
    if (len > TCPL_MAX_INPUT_BYTES)
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.too_big", name, NULL, "%zu MB > %u MB", len >> 20,
                        TCPL_MAX_INPUT_BYTES >> 20);
    tcpl_template *t = calloc(1, sizeof *t);
    if (!t)
        return TCPL_NOMEM(err, name);
    template_init(t);
    t->name = strdup(name);
    t->data = malloc(len);
    if (!t->name || !t->data) {
        tcpl_template_free(t);
        return TCPL_NOMEM(err, name);
    }
    memcpy(t->data, data, len);
    t->len = len;
    int rc = tpl_compile(t, ctx, opts, err);
    if (rc < 0) {
        tcpl_template_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* The whole file, refusing what is not a regular file or is too big. */
static int slurp(void **out, size_t *len, const char *path, tcpl_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", path, NULL, "%s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, "%s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return tcpl_err(err, TCPL_ERR_IO, "err.is_directory", path, NULL, NULL);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return tcpl_err(err, TCPL_ERR_IO, "err.not_regular", path, NULL, "%s", "special file");
    }
    if ((unsigned long long)st.st_size > TCPL_MAX_INPUT_BYTES) {
        close(fd);
        return tcpl_err(err, TCPL_ERR_LIMIT, "err.too_big", path, NULL, "%lld MB > %u MB",
                        (long long)(st.st_size >> 20), TCPL_MAX_INPUT_BYTES >> 20);
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *buf = malloc(n ? n : 1);
    if (!buf) {
        close(fd);
        return TCPL_NOMEM(err, path);
    }
    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    int e = errno;
    close(fd);
    if (got != n) {
        free(buf);
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, "%s",
                        got < n ? "file shrank while read" : strerror(e));
    }
    *out = buf;
    *len = n;
    return 0;
}

int tcpl_template_compile(tcpl_template **out, const tcpl_ctx *ctx, const char *path,
                          const tcpl_template_options *opts, tcpl_error *err)
{
    *out = NULL;
    if (!path)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.internal", NULL, NULL, "path is NULL");
    void *data;
    size_t len;
    int rc = slurp(&data, &len, path, err);
    if (rc < 0)
        return rc;
    rc = tcpl_template_compile_memory(out, ctx, data, len, path, opts, err);
    free(data);
    return rc;
}

void tcpl_template_free(tcpl_template *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->parts.len; i++) {
        tpl_part *p = &TCPL_VEC_AT(&t->parts, tpl_part, i);
        tcpl_vec_free(&p->ops);
        tcpl_buf_free(&p->blob);
    }
    tcpl_vec_free(&t->parts);
    tcpl_vec_free(&t->tags);
    tcpl_vec_free(&t->problems);
    tcpl_writer_free(atomic_load(&t->writer));
    tcpl_arena_free(&t->arena);
    free(t->keys);
    free(t->data);
    free(t->name);
    free(t);
}

size_t tcpl_template_problem_count(const tcpl_template *t)
{
    return t ? t->problems.len : 0;
}

const tcpl_error *tcpl_template_problem(const tcpl_template *t, size_t i)
{
    return t && i < t->problems.len ? &TCPL_VEC_AT(&t->problems, tpl_problem, i).e : NULL;
}

size_t tcpl_template_tag_count(const tcpl_template *t)
{
    return t ? t->tags.len : 0;
}

const char *tcpl_template_keys(const tcpl_template *t)
{
    return t && t->keys ? t->keys : "{}";
}
