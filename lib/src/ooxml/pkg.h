#ifndef TCPL_PKG_H
#define TCPL_PKG_H
#include <stddef.h>

#include "tcpl/error.h"

/* An OPC package (the zip inside a .docx) opened with libzip, with every
 * safety limit enforced while inflating.  Limits (docs/limits.md): */
#define TCPL_MAX_ZIP_ENTRIES 10000         /* Word files have ~20-200 entries */
#define TCPL_MAX_ENTRY_BYTES (256u << 20)  /* one inflated part */
#define TCPL_MAX_TOTAL_BYTES (1024u << 20) /* all parts read from one file */
#define TCPL_MAX_RATIO 200                 /* inflated/compressed, above 1 MB inflated */
#define TCPL_MAX_INPUT_BYTES (2048u << 20) /* the .docx file itself */
/* Relationships in one .rels part: a long plan has a few hundred (one per
 * hyperlink, image, header); each costs about 200 bytes kept until the
 * package is closed. */
#define TCPL_MAX_RELS 50000

typedef struct tcpl_pkg tcpl_pkg;

/* Relationship types are one of these followed by a name ("styles",
 * "officeDocument"): Transitional OOXML (what Word saves by default) and
 * Strict OOXML (Word's "Strict Open XML Document"). */
#define TCPL_REL_TRANSITIONAL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define TCPL_REL_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships/"

typedef struct tcpl_rel {
    const char *id;     /* "rId5" */
    const char *type;   /* full relationship type URI */
    const char *target; /* resolved part name without leading '/', e.g. "word/styles.xml";
                           the raw target when external */
    int external;       /* TargetMode="External" */
    int dup;            /* an earlier internal relationship of the same part names the same
                           target (letter case aside): read the part once, at the first */
} tcpl_rel;

/* Opens a package.  Errors: not a zip (with a hint when it is an OLE .doc),
 * truncated, encrypted entries, entry names escaping the package (../ or
 * absolute), too many entries, no main document part. */
int tcpl_pkg_open_file(tcpl_pkg **out, const char *path, tcpl_error *err);
/* open_memory copies data: the caller may free it once this returns. */
int tcpl_pkg_open_memory(tcpl_pkg **out, const void *data, size_t len, const char *name,
                         tcpl_error *err);
void tcpl_pkg_free(tcpl_pkg *pkg);

/* The file name given at open (for messages). */
const char *tcpl_pkg_name(const tcpl_pkg *pkg);

/* The main document part ("word/document.xml"), found through _rels/.rels
 * (officeDocument relationship) and checked against [Content_Types].xml. */
const char *tcpl_pkg_main_part(const tcpl_pkg *pkg);

/* 1 when the package is Strict Open XML (its officeDocument relationship
 * has a TCPL_REL_STRICT type): its parts then use the Strict namespaces
 * (http://purl.oclc.org/ooxml/wordprocessingml/main ...) instead of the
 * Transitional ones.  Relationship lookups by name (tcpl_pkg_rel_by_type)
 * work the same for both. */
int tcpl_pkg_strict(const tcpl_pkg *pkg);

/* What the zip central directory says of an entry: with the compressed
 * bytes it identifies a part across packages (the part cache). */
typedef struct tcpl_part_key {
    unsigned long long size, comp_size;
    unsigned crc;
    int method;
} tcpl_part_key;
/* 1 with *key filled, 0 when the part is missing, encrypted or its sizes
 * are not known (then it is not cached). */
int tcpl_pkg_part_key(tcpl_pkg *pkg, const char *part, tcpl_part_key *key);
/* The entry's compressed bytes (key->comp_size of them), malloc'd. */
int tcpl_pkg_read_raw(tcpl_pkg *pkg, const char *part, const tcpl_part_key *key, char **data,
                      tcpl_error *err);
/* Whether two part names name the same part (letter case aside, as
 * lookup ignores it). */
int tcpl_pkg_same_part(const char *a, const char *b);
/* Whether the package has a part of that name. */
int tcpl_pkg_has(const tcpl_pkg *pkg, const char *part);

/* Relationships of a part (from its _rels/NAME.rels), targets resolved
 * against the part's folder and, when the package has the part, spelled as
 * its zip entry is.  No .rels part: 0 relationships.  Parsed once per .rels
 * part (later calls return the same array); the array is owned by pkg.
 * Errors: more than TCPL_MAX_RELS (err.rels_limit), XML errors. */
int tcpl_pkg_rels(tcpl_pkg *pkg, const char *part, const tcpl_rel **rels, size_t *count,
                  tcpl_error *err);

/* The first relationship of part whose type ends with type_suffix
 * ("/styles", "/numbering", "/footnotes"), or NULL: a Transitional or a
 * Strict type alike. */
const tcpl_rel *tcpl_pkg_rel_by_type(const tcpl_rel *rels, size_t count, const char *type_suffix);

/* Inflates a part, enforcing the limits; *data is NUL-terminated and the
 * caller's (free()). */
int tcpl_pkg_read(tcpl_pkg *pkg, const char *part, char **data, size_t *len, tcpl_error *err);

/* Bytes inflated so far (all parts). */
size_t tcpl_pkg_inflated(const tcpl_pkg *pkg);

/* How many times part was inflated so far (0 if absent). */
unsigned tcpl_pkg_read_count(const tcpl_pkg *pkg, const char *part);

#endif
