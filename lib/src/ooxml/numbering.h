#ifndef TCPL_NUMBERING_H
#define TCPL_NUMBERING_H
#include <stddef.h>

#include "base/buf.h"
#include "ooxml/xml.h"
#include "tcpl/error.h"

/* numbering.xml: abstractNum definitions and num instances, and the
 * counters that render a paragraph's label as Word shows it. */
typedef struct tcpl_numbering tcpl_numbering;
typedef struct tcpl_numstate tcpl_numstate;

/* A rendered label is cut here, at a character boundary.  Real labels are
 * a few characters ("II.", "1.2.3.", "Điều 5."); a lowerLetter level at a
 * hostile start repeats its letter up to 82 million times ("zzz..."). */
#define TCPL_MAX_LABEL_BYTES 1024

/* xml may be NULL (no numbering part). */
int tcpl_numbering_parse(tcpl_numbering **out, const char *xml, size_t len, const char *file,
                         const char *part, tcpl_error *err);
/* The same, the parse counted against a document's budget (NULL: its own). */
int tcpl_numbering_parse_budget(tcpl_numbering **out, const char *xml, size_t len, const char *file,
                                const char *part, tcpl_xml_budget *budget, tcpl_error *err);
/* Parts smaller than this are parsed whole when first needed: a document
 * uses most of a small part (converters write only the lists it has), and
 * one parse of it costs less than a scan and a parse per definition (the
 * corpus: +1.6% instructions read per definition).  Word templates carry
 * hundreds of abstractNums, 300 KB and more, of which a document uses a
 * few. */
#define TCPL_NUM_LAZY_MIN_BYTES (128u * 1024)

/* The same, read lazily: takes xml (malloc'd, freed with the numbering or
 * on failure); a tag scan indexes the part and an abstractNum's levels are
 * parsed when tcpl_numbering_need first asks for them.  Results identical
 * to the full parse; damage in a definition no paragraph uses is not
 * reported.  budget (may be NULL) must outlive the numbering. */
int tcpl_numbering_open(tcpl_numbering **out, char *xml, size_t len, const char *file,
                        const char *part, tcpl_xml_budget *budget, tcpl_error *err);
/* Before tcpl_numstate_next(num_id): the definitions it shows parsed.  A
 * no-op on a numbering parsed in full (so safe on a shared one).  0, or the
 * full parse's error for a damaged definition. */
int tcpl_numbering_need(tcpl_numbering *num, int num_id, tcpl_error *err);
/* Definitions parsed by the lazy reading's small parses (a counter). */
size_t tcpl_numbering_parsed(const tcpl_numbering *num);
/* Memory the parsed numbering holds (a lazy one's part included). */
size_t tcpl_numbering_bytes(const tcpl_numbering *num);
void tcpl_numbering_free(tcpl_numbering *num);

/* The numId/ilvl that a numbering-linked paragraph style (w:lvl/w:pStyle)
 * gives, when the style itself carries no numPr. 0 when none. */
int tcpl_numbering_style_link(const tcpl_numbering *num, const char *style_id, int *num_id,
                              int *ilvl);

/* Counters for one pass over a document part. */
int tcpl_numstate_new(tcpl_numstate **out, const tcpl_numbering *num);
void tcpl_numstate_free(tcpl_numstate *st);

/* Counts a paragraph numbered (num_id, ilvl) and puts its rendered label
 * ("II.", "1.2.", "a)", "-", "•"; valid UTF-8, at most TCPL_MAX_LABEL_BYTES)
 * in label (reset first; may be NULL) and the suffix Word puts after it
 * ('\t', ' ' or 0) into *suffix.  Unknown or zero num_id: empty label,
 * counters untouched.  0, or TCPL_ERR_NOMEM (tcpl_buf_ok(label) false). */
int tcpl_numstate_next(tcpl_numstate *st, int num_id, int ilvl, tcpl_buf *label, char *suffix);

#endif
