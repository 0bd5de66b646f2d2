#ifndef TCPL_CONTEXT_H
#define TCPL_CONTEXT_H

#include <stddef.h>
#include "tcpl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A context holds everything loaded once and shared read-only by all
 * documents and threads: the message catalogue, the legacy encoding tables
 * and (in later stages) compiled patterns, aliases and rule packs.  Create it
 * once, before starting threads; it is never modified afterwards, except
 * that built-in data is parsed on first use (once, under a lock: any
 * thread may be the first).  The
 * library never reads the environment: TCPL_LANG and TCPL_DATA are the
 * CLI's. */
typedef struct tcpl_ctx tcpl_ctx;

typedef struct tcpl_ctx_options {
    const char *lang;     /* "vi" (default) or "en"; NULL: vi */
    const char *data_dir; /* overrides built-in data (checks/); NULL or "": none */
} tcpl_ctx_options;

TCPL_API int tcpl_ctx_new(tcpl_ctx **out, const tcpl_ctx_options *opts, tcpl_error *err);
TCPL_API void tcpl_ctx_free(tcpl_ctx *ctx);

/* "vi" or "en". */
TCPL_API const char *tcpl_ctx_lang(const tcpl_ctx *ctx);

/* The localized text of a catalogue message (checks/messages.yaml); the id
 * itself if unknown.  Borrowed: lives as long as ctx.  The built-in
 * catalogue is parsed on first use (a data dir's by tcpl_ctx_new); if that
 * fails (out of memory) the ids are given and tcpl_ctx_messages says why. */
TCPL_API const char *tcpl_msg(const tcpl_ctx *ctx, const char *id);

/* Loads the message catalogue now if it is not yet (thread-safe); 0, or the
 * error its load failed with (the same on every call). */
TCPL_API int tcpl_ctx_messages(const tcpl_ctx *ctx, tcpl_error *err);

/* Contents of a data file by name relative to checks/ ("units.yaml"):
 * from the data dir when it has the file, else the built-in copy.
 * Borrowed: lives as long as ctx.  TCPL_ERR_DATA if there is none. */
TCPL_API int tcpl_ctx_data(const char **out, size_t *len, const tcpl_ctx *ctx, const char *name,
                           tcpl_error *err);

TCPL_API const char *tcpl_version(void);

#ifdef __cplusplus
}
#endif
#endif
