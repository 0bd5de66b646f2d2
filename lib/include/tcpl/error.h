#ifndef TCPL_ERROR_H
#define TCPL_ERROR_H

#include "tcpl/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible function returns 0 or one of these negative codes and fills
 * a caller-owned tcpl_error.  The library never prints: the caller formats the
 * error with tcpl_error_format() in the language it wants. */
typedef enum {
    TCPL_OK = 0,
    TCPL_ERR_USAGE = -1,   /* the caller passed something invalid */
    TCPL_ERR_IO = -2,      /* a file could not be opened, read or written */
    TCPL_ERR_FORMAT = -3,  /* input is corrupt or not the expected kind */
    TCPL_ERR_LIMIT = -4,   /* input exceeds a named safety limit */
    TCPL_ERR_NOMEM = -5,   /* out of memory */
    TCPL_ERR_DATA = -6,    /* a data file (checks/) is invalid */
    TCPL_ERR_INTERNAL = -7 /* a bug in tcpl */
} tcpl_status;

typedef struct tcpl_error {
    int code;         /* tcpl_status */
    const char *id;   /* message catalogue key (static string), NULL if none */
    char file[512];   /* the file the error is about, "" if none */
    char where[160];  /* where inside it: part name, line, entry */
    char detail[256]; /* free detail, substituted for {detail} */
} tcpl_error;

struct tcpl_ctx;

TCPL_API void tcpl_error_clear(tcpl_error *err);
/* The status's name as the JSON outputs write it in "code": "usage", "io",
 * "format", "limit", "nomem", "data", "internal". */
TCPL_API const char *tcpl_status_name(int status);

/* Formats "FILE: message (where)" through the context's message catalogue
 * (ctx NULL: the message id is shown instead of its text).  Always
 * NUL-terminates buf; returns the length it wanted. */
TCPL_API int tcpl_error_format(const struct tcpl_ctx *ctx, const tcpl_error *err, char *buf,
                               unsigned long size);

#ifdef __cplusplus
}
#endif
#endif
