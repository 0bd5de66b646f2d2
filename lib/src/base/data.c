#include "base/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

typedef struct {
    const char *key;
    size_t line, col;
} key_at;

static int key_cmp(const void *a, const void *b)
{
    const key_at *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* A key given twice in one mapping: libyaml keeps both and every lookup
 * takes the first, so the second is silently ignored (a stray "leads: ..."
 * comment line once hid a whole list this way).  Refused with both lines.
 * Sorting each mapping's keys keeps this O(n log n) in the file's size. */
static int no_duplicate_keys(tcpl_yaml *y, const char *name, tcpl_error *err)
{
    key_at *keys = NULL;
    size_t cap = 0;
    int rc = 0;
    for (yaml_node_t *n = y->doc.nodes.start; rc == 0 && n < y->doc.nodes.top; n++) {
        if (n->type != YAML_MAPPING_NODE)
            continue;
        size_t np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start), k = 0;
        if (np < 2)
            continue;
        if (np > cap) {
            key_at *grown = realloc(keys, np * sizeof *keys);
            if (!grown) {
                rc = TCPL_NOMEM(err, name);
                break;
            }
            keys = grown;
            cap = np;
        }
        for (size_t i = 0; i < np; i++) {
            yaml_node_t *kn = yaml_document_get_node(&y->doc, n->data.mapping.pairs.start[i].key);
            if (kn && kn->type == YAML_SCALAR_NODE)
                keys[k++] = (key_at){(const char *)kn->data.scalar.value, kn->start_mark.line + 1,
                                     kn->start_mark.column + 1};
        }
        qsort(keys, k, sizeof *keys, key_cmp);
        for (size_t i = 1; i < k; i++)
            if (!strcmp(keys[i - 1].key, keys[i].key)) {
                char where[48];
                snprintf(where, sizeof where, "%zu:%zu", keys[i].line, keys[i].col);
                rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_yaml", name, where,
                              "'%.80s' given twice (lines %zu and %zu)", keys[i].key,
                              keys[i - 1].line, keys[i].line);
                break;
            }
    }
    free(keys);
    return rc;
}

int tcpl_yaml_load_string(tcpl_yaml *y, const char *data, size_t len, const char *name,
                          tcpl_error *err)
{
    memset(y, 0, sizeof *y);
    y->name = name;
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return TCPL_NOMEM(err, name);
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    if (!yaml_parser_load(&p, &y->doc)) {
        int rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_yaml", name, NULL, "%s (%zu:%zu)",
                          p.problem ? p.problem : "?", p.problem_mark.line + 1,
                          p.problem_mark.column + 1);
        yaml_parser_delete(&p);
        return rc;
    }
    yaml_parser_delete(&p);
    y->loaded = 1;
    int rc = no_duplicate_keys(y, name, err);
    if (rc < 0)
        tcpl_yaml_free(y);
    return rc;
}

int tcpl_yaml_load(tcpl_yaml *y, const tcpl_ctx *ctx, const char *name, tcpl_error *err)
{
    const char *data;
    size_t len;
    memset(y, 0, sizeof *y);
    int rc = tcpl_ctx_data(&data, &len, ctx, name, err);
    if (rc < 0)
        return rc;
    return tcpl_yaml_load_string(y, data, len, name, err);
}

void tcpl_yaml_free(tcpl_yaml *y)
{
    if (y->loaded)
        yaml_document_delete(&y->doc);
    y->loaded = 0;
}

yaml_node_t *tcpl_yaml_root(tcpl_yaml *y)
{
    return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

const char *tcpl_yaml_str(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

size_t tcpl_yaml_len(yaml_node_t *n)
{
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return 0;
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *tcpl_yaml_item(tcpl_yaml *y, yaml_node_t *n, size_t i)
{
    if (i >= tcpl_yaml_len(n))
        return NULL;
    return yaml_document_get_node(&y->doc, n->data.sequence.items.start[i]);
}

size_t tcpl_yaml_map_len(yaml_node_t *n)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return 0;
    return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

yaml_node_t *tcpl_yaml_map_key(tcpl_yaml *y, yaml_node_t *n, size_t i)
{
    if (i >= tcpl_yaml_map_len(n))
        return NULL;
    return yaml_document_get_node(&y->doc, n->data.mapping.pairs.start[i].key);
}

yaml_node_t *tcpl_yaml_map_value(tcpl_yaml *y, yaml_node_t *n, size_t i)
{
    if (i >= tcpl_yaml_map_len(n))
        return NULL;
    return yaml_document_get_node(&y->doc, n->data.mapping.pairs.start[i].value);
}

yaml_node_t *tcpl_yaml_get(tcpl_yaml *y, yaml_node_t *map, const char *key)
{
    size_t n = tcpl_yaml_map_len(map);
    for (size_t i = 0; i < n; i++) {
        const char *k = tcpl_yaml_str(tcpl_yaml_map_key(y, map, i));
        if (k && !strcmp(k, key))
            return tcpl_yaml_map_value(y, map, i);
    }
    return NULL;
}

int tcpl_yaml_line(yaml_node_t *n)
{
    return n ? (int)n->start_mark.line + 1 : 0;
}
