/* The legal registry (checks/registry.yaml): documents the citation rules
 * know — number, kind, date, issuer, what replaced them and when. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/data.h"
#include "base/error.h"
#include "rules/rules.h"

#define REGISTRY_FILE "registry.yaml"
/* A registry holds national and provincial documents, a few hundred at
 * most; the bound keeps a broken data file from asking for more. */
#define TCPL_REGISTRY_MAX 5000

static const char *get(tcpl_checker *c, tcpl_yaml *y, yaml_node_t *n, const char *key)
{
    const char *s = tcpl_yaml_str(tcpl_yaml_get(y, n, key));
    return s ? tcpl_arena_strdup(&c->arena, s) : NULL;
}

int rl_registry_load(tcpl_checker *c, tcpl_error *err)
{
    tcpl_yaml y;
    int rc = tcpl_yaml_load(&y, c->ctx, REGISTRY_FILE, err);
    if (rc < 0)
        return rc;
    yaml_node_t *docs = tcpl_yaml_get(&y, tcpl_yaml_root(&y), "documents");
    size_t n = tcpl_yaml_len(docs);
    if (n > TCPL_REGISTRY_MAX) {
        rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", REGISTRY_FILE, NULL,
                      "over %d documents", TCPL_REGISTRY_MAX);
        goto out;
    }
    c->reg = tcpl_arena_alloc(&c->arena, (n ? n : 1) * sizeof *c->reg);
    if (!c->reg) {
        rc = TCPL_NOMEM(err, REGISTRY_FILE);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *d = tcpl_yaml_item(&y, docs, i);
        reg_doc *r = &c->reg[c->nreg];
        r->number = get(c, &y, d, "number");
        r->kind = get(c, &y, d, "kind");
        r->date = get(c, &y, d, "date");
        if (!r->number || !r->kind || !r->date || rl_days(r->date, NULL) < 0) {
            char where[32];
            snprintf(where, sizeof where, "line %d", tcpl_yaml_line(d));
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", REGISTRY_FILE, where,
                          "a document needs kind, number and an ISO date (YYYY-MM-DD)");
            goto out;
        }
        r->issuer = get(c, &y, d, "issuer");
        r->title = get(c, &y, d, "title");
        r->replaced_by = get(c, &y, d, "replaced_by");
        r->effective = get(c, &y, d, "effective");
        r->norm = rl_norm_number(&c->arena, r->number);
        if (!r->norm) {
            rc = TCPL_NOMEM(err, REGISTRY_FILE);
            goto out;
        }
        c->nreg++;
    }
out:
    tcpl_yaml_free(&y);
    return rc;
}

const reg_doc *rl_registry_find(const tcpl_checker *c, const char *norm)
{
    for (size_t i = 0; i < c->nreg; i++)
        if (!strcmp(c->reg[i].norm, norm))
            return &c->reg[i];
    return NULL;
}
