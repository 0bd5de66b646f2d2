#ifndef TCPL_FILL_JSON_H
#define TCPL_FILL_JSON_H
#include <jansson.h>
#include <stddef.h>

/* Nesting the fast reader follows before handing the text to jansson (which
 * then reads it, and the fill refuses it past TCPL_FILL_MAX_JSON_DEPTH):
 * bounds the reader's recursion.  Real data: 3-5. */
#define TPL_JSON_FAST_MAX_DEPTH 64

/* The JSON text s (n bytes) as jansson's json_loadb(s, n, 0, ...) reads it,
 * about 5x faster: one pass over the bytes, strings taken from the text
 * without a copy to a scratch buffer when they have no escape.  It reads
 * only what is plainly valid (RFC 8259 grammar, well-formed UTF-8, no
 * \u0000, an object or array at the top, integers in range, nesting up to
 * TPL_JSON_FAST_MAX_DEPTH) and builds the tree with jansson's own calls, so
 * what it returns is the tree jansson would return; anything else (an
 * error, a real number's rounding, a huge integer) gives NULL, and the
 * caller asks json_loadb, which says what is wrong and where.  NULL also
 * when out of memory. */
json_t *tpl_json_fast(const char *s, size_t n);

#endif
