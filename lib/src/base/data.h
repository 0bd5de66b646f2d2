#ifndef TCPL_DATA_H
#define TCPL_DATA_H
#include <stddef.h>
#include <yaml.h>

#include "tcpl/context.h"

/* Data files under checks/ are YAML, loaded with libyaml's document API and
 * walked with these helpers. */
typedef struct tcpl_yaml {
    yaml_document_t doc;
    int loaded;
    const char *name; /* data file name, for messages */
} tcpl_yaml;

/* Loads checks/NAME through the context (data dir or built-in copy).
 * Errors are TCPL_ERR_DATA with the YAML line. */
int tcpl_yaml_load(tcpl_yaml *y, const tcpl_ctx *ctx, const char *name, tcpl_error *err);
int tcpl_yaml_load_string(tcpl_yaml *y, const char *data, size_t len, const char *name,
                          tcpl_error *err);
void tcpl_yaml_free(tcpl_yaml *y);

yaml_node_t *tcpl_yaml_root(tcpl_yaml *y);
/* Value of key in a mapping node, NULL if absent or node not a mapping. */
yaml_node_t *tcpl_yaml_get(tcpl_yaml *y, yaml_node_t *map, const char *key);
/* Scalar text of a node, NULL if not a scalar. */
const char *tcpl_yaml_str(yaml_node_t *node);
/* Number of items of a sequence node (0 if not a sequence) and item i. */
size_t tcpl_yaml_len(yaml_node_t *seq);
yaml_node_t *tcpl_yaml_item(tcpl_yaml *y, yaml_node_t *seq, size_t i);
/* Pairs of a mapping node: count, key i, value i. */
size_t tcpl_yaml_map_len(yaml_node_t *map);
yaml_node_t *tcpl_yaml_map_key(tcpl_yaml *y, yaml_node_t *map, size_t i);
yaml_node_t *tcpl_yaml_map_value(tcpl_yaml *y, yaml_node_t *map, size_t i);
/* 1-based line of a node, for messages. */
int tcpl_yaml_line(yaml_node_t *node);

#endif
