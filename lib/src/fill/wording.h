/* The words of the drafts (tcpl conclude, tcpl remediate, tcpl new): every
 * word that ends up in a drafted document comes from a data file of
 * checks/ (conclude.yaml, remediate.yaml, new-plan.yaml; docs/templates.md
 * lists their keys), never from C, so a department changes its wording with
 * `tcpl --data DIR` and no rebuild.  A key the code needs and the file lacks
 * is TCPL_ERR_DATA err.wording_missing naming the file and the key. */
#ifndef TCPL_FILL_WORDING_H
#define TCPL_FILL_WORDING_H
#include <jansson.h>
#include <stddef.h>

#include "base/data.h"

typedef struct fill_wording {
    tcpl_yaml y;
    yaml_node_t *root;
    const char *file; /* "remediate.yaml": for messages */
} fill_wording;

/* Loads checks/file through ctx (the data dir's copy first). */
int fill_wording_load(fill_wording *w, const tcpl_ctx *ctx, const char *file, tcpl_error *err);
void fill_wording_free(fill_wording *w);

/* The node at a dotted key ("ky.chuc_vu"), NULL when absent. */
yaml_node_t *fill_wording_node(fill_wording *w, const char *key);
/* *out: the text at key (a scalar); err.wording_missing when the file has
 * no text there. */
int fill_wording_text(const char **out, fill_wording *w, const char *key, tcpl_error *err);
/* *out (malloc'd): the text at key with its {name} placeholders filled from
 * kv (name, value pairs; n: the strings in kv). */
int fill_wording_subst(char **out, fill_wording *w, const char *key, const char *const *kv,
                       size_t n, tcpl_error *err);
/* t with its {name} placeholders filled (a name not in kv stays as it is);
 * NULL: out of memory.  Linear in t times the names. */
char *fill_subst(const char *t, const char *const *kv, size_t n);
/* *out: the mapping at key as a JSON object (scalars as strings, sequences
 * as arrays); every dotted path of required (NULL-terminated) must be in
 * it, else err.wording_missing naming "key.path". */
int fill_wording_draft(json_t **out, fill_wording *w, const char *key, const char *const *required,
                       tcpl_error *err);

#endif
