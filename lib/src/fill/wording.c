/* The words of the drafts, read from checks/ (wording.h). */
#include "fill/wording.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"

/* Nesting of a draft's data: the templates' data is three levels deep; a
 * deeper file is a mistake (or YAML aliases built to explode). */
#define FILL_WORDING_MAX_DEPTH 16
/* Values in one draft's data: a few dozen in the shipped files; the bound
 * keeps aliases that repeat a node from multiplying the work. */
#define FILL_WORDING_MAX_NODES 10000
/* Length of a dotted key ("ky.chuc_vu"): the keys are the code's own. */
#define FILL_WORDING_MAX_KEY 128

static int missing(fill_wording *w, const char *key, tcpl_error *err)
{
    return tcpl_err(err, TCPL_ERR_DATA, "err.wording_missing", w->file, NULL, "%s", key);
}

int fill_wording_load(fill_wording *w, const tcpl_ctx *ctx, const char *file, tcpl_error *err)
{
    memset(w, 0, sizeof *w);
    w->file = file;
    int rc = tcpl_yaml_load(&w->y, ctx, file, err);
    if (rc < 0)
        return rc;
    w->root = tcpl_yaml_root(&w->y);
    if (!w->root || w->root->type != YAML_MAPPING_NODE) {
        tcpl_yaml_free(&w->y);
        return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", file, NULL, "not a mapping");
    }
    return 0;
}

void fill_wording_free(fill_wording *w)
{
    tcpl_yaml_free(&w->y);
}

yaml_node_t *fill_wording_node(fill_wording *w, const char *key)
{
    yaml_node_t *n = w->root;
    char part[FILL_WORDING_MAX_KEY];
    while (n && *key) {
        size_t l = strcspn(key, ".");
        if (l >= sizeof part)
            return NULL;
        memcpy(part, key, l);
        part[l] = 0;
        n = tcpl_yaml_get(&w->y, n, part);
        key += l + (key[l] == '.');
    }
    return n;
}

int fill_wording_text(const char **out, fill_wording *w, const char *key, tcpl_error *err)
{
    *out = tcpl_yaml_str(fill_wording_node(w, key));
    return *out ? 0 : missing(w, key, err);
}

char *fill_subst(const char *t, const char *const *kv, size_t n)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    int r = tcpl_buf_reserve(&b, strlen(t) + 1);
    for (const char *p = t; r == 0 && *p;) {
        size_t i = 0;
        if (*p == '{')
            for (; i < n; i += 2) {
                size_t l = strlen(kv[i]);
                if (!strncmp(p + 1, kv[i], l) && p[1 + l] == '}')
                    break;
            }
        if (*p == '{' && i < n) {
            r = tcpl_buf_puts(&b, kv[i + 1]);
            p += strlen(kv[i]) + 2;
        } else {
            r = tcpl_buf_putc(&b, *p++);
        }
    }
    if (r < 0) {
        tcpl_buf_free(&b);
        return NULL;
    }
    return tcpl_buf_detach(&b, NULL);
}

int fill_wording_subst(char **out, fill_wording *w, const char *key, const char *const *kv,
                       size_t n, tcpl_error *err)
{
    const char *t;
    *out = NULL;
    int rc = fill_wording_text(&t, w, key, err);
    if (rc < 0)
        return rc;
    *out = fill_subst(t, kv, n);
    return *out ? 0 : TCPL_NOMEM(err, w->file);
}

/* A YAML node as JSON; NULL: too deep or too big (*budget), or no memory. */
static json_t *to_json(fill_wording *w, yaml_node_t *n, int depth, size_t *budget)
{
    if (depth > FILL_WORDING_MAX_DEPTH)
        *budget = 0; /* reported as the limit, not as memory */
    if (!n || !*budget)
        return NULL;
    --*budget;
    if (n->type == YAML_SCALAR_NODE)
        return json_stringn((const char *)n->data.scalar.value, n->data.scalar.length);
    json_t *o = n->type == YAML_SEQUENCE_NODE ? json_array() : json_object();
    for (size_t i = 0; o && n->type == YAML_SEQUENCE_NODE && i < tcpl_yaml_len(n); i++)
        if (json_array_append_new(o, to_json(w, tcpl_yaml_item(&w->y, n, i), depth + 1, budget)) <
            0) {
            json_decref(o);
            return NULL;
        }
    for (size_t i = 0; o && n->type == YAML_MAPPING_NODE && i < tcpl_yaml_map_len(n); i++) {
        const char *k = tcpl_yaml_str(tcpl_yaml_map_key(&w->y, n, i));
        json_t *v = to_json(w, tcpl_yaml_map_value(&w->y, n, i), depth + 1, budget);
        if (!k || json_object_set_new(o, k, v) < 0) {
            json_decref(v);
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

int fill_wording_draft(json_t **out, fill_wording *w, const char *key, const char *const *required,
                       tcpl_error *err)
{
    *out = NULL;
    yaml_node_t *n = fill_wording_node(w, key);
    if (!n || n->type != YAML_MAPPING_NODE)
        return missing(w, key, err);
    size_t budget = FILL_WORDING_MAX_NODES;
    json_t *o = to_json(w, n, 0, &budget);
    if (!o)
        return budget ? TCPL_NOMEM(err, w->file)
                      : tcpl_err(err, TCPL_ERR_LIMIT, "err.data_invalid", w->file, NULL,
                                 "%s: > %d values or > %d levels", key, FILL_WORDING_MAX_NODES,
                                 FILL_WORDING_MAX_DEPTH);
    for (size_t i = 0; required && required[i]; i++) {
        json_t *v = o;
        const char *p = required[i];
        char part[FILL_WORDING_MAX_KEY];
        while (v && *p) {
            size_t l = strcspn(p, ".");
            if (l >= sizeof part) {
                v = NULL;
                break;
            }
            memcpy(part, p, l);
            part[l] = 0;
            v = json_object_get(v, part);
            p += l + (p[l] == '.');
        }
        if (!v) {
            json_decref(o);
            char full[2 * FILL_WORDING_MAX_KEY];
            snprintf(full, sizeof full, "%s.%s", key, required[i]);
            return missing(w, full, err);
        }
    }
    *out = o;
    return 0;
}
