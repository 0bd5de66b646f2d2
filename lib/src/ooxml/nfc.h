#ifndef TCPL_NFC_H
#define TCPL_NFC_H
#include <stddef.h>

#include "base/buf.h"

/* Combining marks (non-starters) allowed after one starter, as Unicode's
 * Stream-Safe Text Format (UAX #15, section 13) does: past 30, a U+034F
 * COMBINING GRAPHEME JOINER is put in before the next mark.  utf8proc's
 * canonical ordering sorts each run of marks in quadratic time, so 40,000
 * marks in descending class (1.4 KB compressed) took 30 s; with the CGJ no
 * run is longer than 30 and normalising is linear.  No real text comes near:
 * Vietnamese puts at most two marks on a letter. */
#define TCPL_MAX_COMBINING_MARKS 30

/* Appends the NFC form of s[0..n) to out: invalid UTF-8 becomes U+FFFD,
 * runs of marks are bounded as above.  0, or TCPL_ERR_NOMEM. */
int tcpl_nfc_append(tcpl_buf *out, const char *s, size_t n);

#endif
