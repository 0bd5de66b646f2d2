#ifndef TCPL_IO_H
#define TCPL_IO_H

#include <stddef.h>
#include "tcpl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Safe output (docs/user-guide.md, "Tệp ra / Output files").
 *
 * tcpl_write_file() writes data to path so that it never does harm:
 *  - a symbolic link is followed: its target is written, the link is kept;
 *  - an existing target that is not a regular file (folder, device, FIFO,
 *    socket) is refused (TCPL_ERR_USAGE, "err.output_not_regular");
 *  - the data goes to a temporary file in the target's folder, is synced
 *    and renamed into place: a reader never sees a partial file and a
 *    failure leaves the old file (or no file) as it was;
 *  - an existing file keeps its permission bits (and, when allowed, its
 *    owner); a new file gets 0666 less the umask, like any other program's. */
TCPL_API int tcpl_write_file(const char *path, const void *data, size_t len, tcpl_error *err);

/* Checks, before any work is done, that path may take an output made from
 * the n files inputs: refuses (TCPL_ERR_USAGE) an existing target that is not
 * a regular file ("err.output_not_regular") and a target that is one of the
 * inputs, through symbolic or hard links ("err.output_is_input": err->file
 * is path, err->detail the input).  A path that does not exist yet is fine. */
TCPL_API int tcpl_output_check(const char *path, const char *const *inputs, size_t n,
                               tcpl_error *err);

/* Options of tcpl_escape_text(). */
#define TCPL_ESCAPE_CONTROLS 1u /* also escape control characters */

/* Copies s into *out (malloc'd, the caller frees it) so that it can be shown
 * or put in JSON: bytes that are not UTF-8 become the text \xNN; with
 * TCPL_ESCAPE_CONTROLS, control characters become \n, \r, \t, \xNN (C0 and
 * DEL) or \u0080..\u009f (C1), so a file name can never move the cursor or
 * start a terminal escape sequence.  A backslash is kept as it is.  Returns 0
 * or TCPL_ERR_NOMEM. */
TCPL_API int tcpl_escape_text(char **out, const char *s, unsigned options, tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
