#ifndef TCPL_EMBEDDED_H
#define TCPL_EMBEDDED_H
#include <stddef.h>

/* Data files compiled in from checks/ (see tools/embed.c). Names are
 * relative to checks/, e.g. "messages.yaml". */
typedef struct {
    const char *name;
    const char *data;
    size_t len;
} tcpl_embedded_file;

extern const tcpl_embedded_file tcpl_embedded_files[];

#endif
