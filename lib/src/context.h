#ifndef TCPL_CTX_INTERNAL_H
#define TCPL_CTX_INTERNAL_H
#include "tcpl/context.h"

struct tcpl_legacy;
/* The legacy-font conversion tables, loaded on first use (thread-safe); a
 * load that failed gives its error to every caller. */
int tcpl_ctx_legacy_get(const struct tcpl_legacy **out, const tcpl_ctx *ctx, tcpl_error *err);
/* The same, NULL if the load failed (tests). */
const struct tcpl_legacy *tcpl_ctx_legacy(const tcpl_ctx *ctx);

/* Parses a YAML mapping of id -> {vi: text, en: text} from data; used for
 * the message catalogue. */

#endif
