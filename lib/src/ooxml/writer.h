#ifndef TCPL_WRITER_H
#define TCPL_WRITER_H
#include <stddef.h>

#include "tcpl/error.h"

/* Writing DOCX packages: a copy of an existing package (a template, a
 * document to annotate) with some parts replaced or added.  Every entry
 * that is not replaced is copied still compressed: its deflated bytes go
 * from the source archive to the new one untouched, never inflated and
 * deflated again (so a template with 5 MB of pictures costs a copy, not a
 * recompression, per document filled). */

/* The finished package is built in memory and must stay below this: it is
 * handed whole to tcpl_write_file (temp file + rename).  Far above any
 * administrative document (kilobytes to a few MB), below the reader's own
 * TCPL_MAX_INPUT_BYTES so whatever tcpl writes, tcpl can read back. */
#define TCPL_MAX_WRITE_BYTES ((size_t)512 << 20)

typedef struct tcpl_part_data {
    const char *name; /* zip entry name, no leading '/': "word/document.xml" */
    const void *data;
    size_t len;
} tcpl_part_data;

/* What a rewrite did (tests and benchmarks). */
typedef struct tcpl_write_stats {
    size_t copied;   /* entries copied compressed */
    size_t replaced; /* entries replaced by parts[] */
    size_t added;    /* parts[] that were not in the source */
} tcpl_write_stats;

/* The state a rewrite reuses from one call to the next: one zlib deflate
 * stream (about 256 KB that zlib would otherwise allocate, touch and free
 * for every part compressed, which costs more than compressing a filled
 * part) and the buffer the compressed parts are written into.  A writer is
 * used by one call at a time; tcpl_template keeps one for its fills. */
typedef struct tcpl_writer tcpl_writer;

/* Deflate level of a fill's output: zlib's fastest.  A filled document is
 * deflated once per fill and the deflate of its main part was about 40% of
 * a fill's instructions at level 6 (2.5 of 6.1 M per fill, docs/bench.md
 * "Filling"); level 1 takes 0.7 M of them for a part about 20% bigger
 * (document.xml of the 30-activity plan: 4.4 KB against 3.7 KB deflated,
 * the DOCX 8.8 KB against 8.1 KB).  Still plain deflate: any reader opens it. */
#define TCPL_WRITE_LEVEL_FAST 1

/* A writer deflating at level (1-9). */
int tcpl_writer_new(tcpl_writer **out, int level, tcpl_error *err);
void tcpl_writer_free(tcpl_writer *w);

/* *out (malloc'd, *outlen bytes) receives the package src with each part of
 * parts written instead of the entry of the same name, or added after the
 * others.  src must be a package tcpl_pkg_open_* accepted (the caller
 * checked its limits and names once); the entry limit is checked again.
 * name is for messages.  stats may be NULL.  Entry order is kept, so
 * [Content_Types].xml stays first. */
int tcpl_pkg_rewrite(void **out, size_t *outlen, const void *src, size_t srclen, const char *name,
                     const tcpl_part_data *parts, size_t nparts, tcpl_write_stats *stats,
                     tcpl_error *err);
/* The same with w's state (w not NULL): the parts are deflated by the
 * writer itself (raw deflate, at w's level) and handed to libzip already
 * compressed with their CRC-32 and sizes, so libzip copies them as it copies
 * the entries not replaced. */
int tcpl_pkg_rewrite_with(tcpl_writer *w, void **out, size_t *outlen, const void *src,
                          size_t srclen, const char *name, const tcpl_part_data *parts,
                          size_t nparts, tcpl_write_stats *stats, tcpl_error *err);

/* A libxml2 tree of one part, parsed the safe way (ooxml/xml.h): no
 * network, no DTD (a DOCTYPE or an entity declaration is refused), no entity
 * expansion, depth bounded by libxml2's own limit without XML_PARSE_HUGE.
 * *doc is an xmlDocPtr, the caller's (xmlFreeDoc).  file/part name the
 * source in messages. */
int tcpl_xml_dom_read(void **doc, const char *data, size_t len, const char *file, const char *part,
                      tcpl_error *err);

/* settings.xml with <w:updateFields w:val="true"/> set (added at its place
 * in the schema order, or its value changed), so Word refreshes fields
 * (tables of contents, page counts) when the document is opened.  *out is
 * malloc'd. */
int tcpl_settings_update_fields(char **out, size_t *outlen, const char *xml, size_t len,
                                const char *file, tcpl_error *err);

#endif
