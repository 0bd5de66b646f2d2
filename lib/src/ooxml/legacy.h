#ifndef TCPL_LEGACY_H
#define TCPL_LEGACY_H
#include <stddef.h>

#include "base/buf.h"
#include "tcpl/context.h"

/* Pre-Unicode Vietnamese fonts: TCVN3 (ABC) ".VnTime", caps ".VnTimeH",
 * and VNI ("VNI-Times").  The text of their runs is 8-bit legacy code
 * stored as the Latin-1/cp1252 characters of those bytes; conversion
 * tables are data (checks/encodings/). */
typedef struct tcpl_legacy tcpl_legacy;

typedef enum {
    TCPL_LEGACY_NONE = 0,
    TCPL_LEGACY_TCVN3,      /* .VnTime, .VnArial, ... */
    TCPL_LEGACY_TCVN3_CAPS, /* .VnTimeH, .VnArialH, ...: every letter shown capital */
    TCPL_LEGACY_VNI,        /* VNI-Times, VNI-Helve, ... */
    TCPL_LEGACY_VNI_CAPS
} tcpl_legacy_kind;

int tcpl_legacy_load(tcpl_legacy **out, const tcpl_ctx *ctx, tcpl_error *err);
void tcpl_legacy_free(tcpl_legacy *lg);

/* Which legacy encoding a font name implies (NULL/unknown: NONE). */
tcpl_legacy_kind tcpl_legacy_font_kind(const tcpl_legacy *lg, const char *font);

/* Appends the Unicode (UTF-8, NFC) form of in[0..len) to out.  in is the
 * UTF-8 text as stored in the XML. */
int tcpl_legacy_convert(const tcpl_legacy *lg, tcpl_legacy_kind kind, const char *in, size_t len,
                        tcpl_buf *out);

#endif
