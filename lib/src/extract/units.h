#ifndef TCPL_UNITS_H
#define TCPL_UNITS_H
#include <stddef.h>

#include "tcpl/context.h"
#include "tcpl/error.h"

/* Responsible units: splits a "Đơn vị chủ trì / phối hợp" field value into
 * units and gives each its canonical name, through checks/units.yaml.
 * Rules: docs/units-and-citations.md. */

/* A canonical name longer than this is cut (at a character boundary) and
 * flagged: real unit names are under 150 bytes, so a longer one is a
 * sentence, not a name. */
#define TCPL_UNIT_NAME_MAX 320
/* Field values longer than this are not unit lists (a whole paragraph was
 * passed); they are refused rather than scanned. */
#define TCPL_UNITS_FIELD_MAX 16384

/* tcpl_units_canonical remembers the names it made canonical (a batch meets
 * the same unit names in every plan): at most TCPL_UNITS_MEMO_FILL names
 * (three quarters of TCPL_UNITS_MEMO_SLOTS, so probes stay short), each at
 * most TCPL_UNITS_MEMO_KEY_MAX bytes as asked and as normalized; at most
 * about 1.6 MB.  Past that, names are normalized every time. */
#define TCPL_UNITS_MEMO_SLOTS 2048
#define TCPL_UNITS_MEMO_FILL 1536
#define TCPL_UNITS_MEMO_KEY_MAX 512

typedef struct tcpl_units tcpl_units;

typedef struct tcpl_unit {
    size_t start, end;             /* the unit name as printed: byte offsets into s */
    size_t note_start, note_end;   /* role clause after the name ("tham mưu ..."); empty if none */
    const char *alias;             /* canonical name from the table (borrowed, lives as long as the
                                      tcpl_units), or NULL */
    char norm[TCPL_UNIT_NAME_MAX]; /* normalized printed name, used when alias is NULL */
    int truncated;                 /* norm was cut at TCPL_UNIT_NAME_MAX */
} tcpl_unit;

/* Loads checks/units.yaml through ctx.  Read-only afterwards but for the
 * memo of canonical names, which a mutex guards: one tcpl_units serves any
 * number of threads. */
int tcpl_units_new(tcpl_units **out, const tcpl_ctx *ctx, tcpl_error *err);
void tcpl_units_free(tcpl_units *u);

/* Splits s[0..len) into units.  Writes at most max units to out and their
 * number to *count.  Returns 0; TCPL_ERR_LIMIT if there were more than max
 * units (the first max are written) or len > TCPL_UNITS_FIELD_MAX;
 * TCPL_ERR_NOMEM; TCPL_ERR_USAGE for NULL arguments. */
int tcpl_units_split(const tcpl_units *u, const char *s, size_t len, tcpl_unit *out, size_t max,
                     size_t *count);

/* The same, and *steps (may be NULL) the phrase comparisons it made:
 * proportional to len (the tests hold it to that). */
int tcpl_units_split_counted(const tcpl_units *u, const char *s, size_t len, tcpl_unit *out,
                             size_t max, size_t *count, size_t *steps);

/* The canonical name of a unit (alias or norm). */
const char *tcpl_unit_canonical(const tcpl_unit *unit);

/* Normalizes a unit name (NFC, tone placement, dashes, spaces, abbreviations,
 * first letter capital) into buf (always NUL-terminated) and looks it up in
 * the alias table: *alias is the table's canonical name (borrowed) or NULL.
 * *truncated (may be NULL) is set when buf was too small.  0 or
 * TCPL_ERR_NOMEM. */
int tcpl_units_canonical(const tcpl_units *u, const char *s, size_t len, char *buf, size_t size,
                         const char **alias, int *truncated);
/* Names tcpl_units_canonical normalized in full (not answered from its
 * memo): for the tests. */
size_t tcpl_units_computed(const tcpl_units *u);

#endif
