/* A tag scanner for the parts read lazily (styles.c, numbering.c): finds
 * elements and attributes without parsing, stepping over quoted values,
 * comments, PIs and CDATA; the callers fall back to libxml2's full parse
 * whenever the scan cannot be sure.  Every function is linear in the bytes
 * it looks at. */
#ifndef TCPL_OOXML_TAGSCAN_H
#define TCPL_OOXML_TAGSCAN_H

#include <stddef.h>

#include "base/arena.h"

/* A qualified name at p: its length (letters, digits, '_', '-', '.', ':'
 * and any byte >= 0x80). */
size_t tcpl_scan_name_len(const char *p, const char *end);
/* The end of the tag whose '<' is at p ('>' included), stepping over quoted
 * values; *xmlns set when a namespace is declared in it.  NULL when
 * unterminated. */
const char *tcpl_scan_tag_end(const char *p, const char *end, int *xmlns);
/* The first s in [p, end), or NULL. */
const char *tcpl_scan_find_str(const char *p, const char *end, const char *s);
/* Attribute qname's raw value in the start tag [p, e): 1 found (value in
 * *v, *vn), 0 absent, -1 a value the scan cannot take as it is (an entity
 * or a character attribute normalisation would change). */
int tcpl_scan_tag_attr(const char *p, const char *e, const char *qname, const char **v, size_t *vn);
/* Whether v (n bytes) is the WordprocessingML namespace URI. */
int tcpl_scan_is_w_uri(const char *v, size_t n);
/* The prefix bound to WordprocessingML by the root start tag [p, e), into
 * pre (NUL-terminated); -1 when there is none, more than one, or it is the
 * default namespace (its attributes would then be in no namespace). */
int tcpl_scan_w_prefix(const char *p, const char *e, char *pre, size_t size);
/* Whether name (n bytes) is at p followed by the end of a name. */
int tcpl_scan_name_at(const char *p, const char *end, const char *name, size_t n);
/* The end ('>' included) of the element named name (n bytes) whose start
 * tag ends at p, or NULL (see tagscan.c for what makes the scan give up). */
const char *tcpl_scan_skip_element(const char *p, const char *end, const char *name, size_t n);
/* At a '<' (*p): steps *p over a comment, CDATA section or processing
 * instruction and returns 1; returns 0 at an element's start or end tag;
 * -1 where the scan must give up (unterminated markup, an XML declaration
 * naming an encoding other than UTF-8, a DOCTYPE or other "<!" markup). */
int tcpl_scan_markup(const char **p, const char *end);

/* The root element of a lazily read part, as both readers keep it: its
 * qualified name (in an arena) and its start tag [start, end) in the part
 * whose bytes begin at base. */
typedef struct tcpl_scan_root {
    const char *name;
    size_t start, end;
} tcpl_scan_root;
/* Takes the start tag [p, e) as the part's root: pre gets the prefix bound
 * to WordprocessingML there (tcpl_scan_w_prefix).  1 taken; 0 where the
 * scan must give up (a second root, no name, an empty root, no single w
 * prefix); -1 out of memory. */
int tcpl_scan_take_root(tcpl_scan_root *r, tcpl_arena *a, const char *base, const char *p,
                        const char *e, char *pre, size_t size);

#endif
