#ifndef TCPL_IO_H
#define TCPL_IO_H

#include <stddef.h>
#include "tcpl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes data to path through a temporary file in the same folder that is
 * renamed into place, so a reader never sees a partial file and a failure
 * leaves no output at all. */
TCPL_API int tcpl_write_file(const char *path, const void *data, size_t len, tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
