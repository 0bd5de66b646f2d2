/* Placeholder until the conversion tables land: recognises no font. */
#include <stdlib.h>

#include "legacy.h"

struct tcpl_legacy {
    int unused;
};

int tcpl_legacy_load(tcpl_legacy **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    (void)ctx;
    (void)err;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : TCPL_ERR_NOMEM;
}

void tcpl_legacy_free(tcpl_legacy *lg) { free(lg); }

tcpl_legacy_kind tcpl_legacy_font_kind(const tcpl_legacy *lg, const char *font)
{
    (void)lg;
    (void)font;
    return TCPL_LEGACY_NONE;
}

int tcpl_legacy_convert(const tcpl_legacy *lg, tcpl_legacy_kind kind, const char *in, size_t len,
                        tcpl_buf *out)
{
    (void)lg;
    (void)kind;
    return tcpl_buf_put(out, in, len);
}
