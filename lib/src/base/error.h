#ifndef TCPL_ERR_INTERNAL_H
#define TCPL_ERR_INTERNAL_H
#include "tcpl/error.h"

/* Fills err (may be NULL) and returns code, so callers can write
 *   return tcpl_err(err, TCPL_ERR_FORMAT, "err.not_zip", path, NULL, NULL);
 * id is a key of checks/messages.yaml; detail is a printf format or NULL. */
int tcpl_err(tcpl_error *err, int code, const char *id, const char *file, const char *where,
             const char *detail_fmt, ...) __attribute__((format(printf, 6, 7)));

/* Jump to the single clean-up label on failure (md4c style). */
#define TCPL_CHECK(expr)                                                                           \
    do {                                                                                           \
        rc = (expr);                                                                               \
        if (rc < 0)                                                                                \
            goto out;                                                                              \
    } while (0)

#define TCPL_NOMEM(err, file) tcpl_err((err), TCPL_ERR_NOMEM, "err.nomem", (file), NULL, NULL)

struct tcpl_buf;
/* Appends a catalogue text with its {detail} placeholder filled (named
 * placeholders only: a catalogue edited by a department is never a format
 * string). */
void tcpl_msg_subst(struct tcpl_buf *b, const char *tmpl, const char *detail);

#endif
