#ifndef TCPL_CACHE_H
#define TCPL_CACHE_H
#include <stddef.h>

#include "ooxml/pkg.h"
#include "tcpl/docx.h"

/* The part cache (tcpl_part_cache, tcpl/docx.h): parsed styles and
 * numbering parts shared read-only between the documents of a batch that
 * carry byte-identical copies.  A part is recognised by its central
 * directory entry (CRC-32, sizes, method) and checked by its compressed
 * bytes (identical compressed bytes inflate to identical parts).  It is
 * parsed for the cache the second time it is seen, so a batch of unique
 * parts pays nothing but a lookup.  All functions lock the cache's mutex. */

enum { TCPL_CACHE_STYLES = 1, TCPL_CACHE_NUMBERING = 2 };

/* How many times (kind, key) was seen before this call (and counts this
 * one); an entry in the cache counts as seen. */
unsigned tcpl_cache_seen(tcpl_part_cache *c, int kind, const tcpl_part_key *key);
/* The shared parsed part whose key and compressed bytes match, or NULL. */
const void *tcpl_cache_find(tcpl_part_cache *c, int kind, const tcpl_part_key *key,
                            const char *raw);
/* Offers obj (parsed, bytes big, from raw; both taken).  Returns the
 * shared object to use — obj, or an equal one another thread put first
 * (obj then freed) — or NULL when the cache is full: the caller keeps obj
 * and raw is freed. */
const void *tcpl_cache_put(tcpl_part_cache *c, int kind, const tcpl_part_key *key, char *raw,
                           void *obj, size_t bytes);

/* Parsed parts the cache holds (for tests). */
size_t tcpl_cache_entries(tcpl_part_cache *c);

#endif
