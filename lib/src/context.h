#ifndef TCPL_CTX_INTERNAL_H
#define TCPL_CTX_INTERNAL_H
#include "tcpl/context.h"

struct tcpl_legacy;
/* The legacy-font conversion tables loaded at context creation. */
const struct tcpl_legacy *tcpl_ctx_legacy(const tcpl_ctx *ctx);

/* Parses a YAML mapping of id -> {vi: text, en: text} from data; used for
 * the message catalogue. */

#endif
