#ifndef TCPL_BATCH_H
#define TCPL_BATCH_H

#include <stddef.h>
#include "tcpl/context.h"
#include "tcpl/extract.h"
#include "tcpl/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Batch checking (docs/batch.md): every .docx/.docm under the inputs is
 * read, extracted and checked on a pool of threads sharing one context, one
 * extractor and one checker; each gets DIR/results/NAME.json, and the run
 * ends with DIR/summary.csv, DIR/summary.jsonl, DIR/report.html (and
 * DIR/roster.csv with a roster).  Every file is written to a temporary name
 * and renamed, so an interrupted run leaves no half-written file; a rerun
 * reuses each result whose input bytes and rules are unchanged.  Memory is
 * one document per thread plus a small record per input. */

/* Where a run is; handed to the progress callback. */
typedef struct tcpl_batch_progress {
    size_t done;    /* inputs finished (checked, reused, failed or skipped) */
    size_t total;   /* inputs in this run */
    size_t reused;  /* of done: results kept from an earlier run */
    size_t checked; /* of done: read and checked now */
} tcpl_batch_progress;

typedef struct tcpl_batch_options {
    const char *const *inputs; /* files and folders (walked recursively) */
    size_t ninputs;
    const char *out_dir; /* created if missing */
    /* Pack ids given to tcpl_check (NULL/0: chosen per document). */
    const char *const *packs;
    size_t npacks;
    /* Extra text that changes the results (pack files named by path, their
     * contents): mixed into the rules fingerprint that decides reuse. */
    const char *rules_salt;
    const char *deadline; /* "YYYY-MM-DD" or NULL */
    const char *today;    /* "YYYY-MM-DD": the day days-left counts from; NULL: not shown */
    const char *roster;   /* path of a CSV of expected units, or NULL */
    unsigned jobs;        /* threads; 0 means 1 */
    /* Only the inputs whose path hash falls in share k of n (1 <= k <= n);
     * n 0: all inputs. */
    unsigned shard_k, shard_n;
    /* Called after each input, serialised (never two at once), from the
     * worker threads.  NULL: none. */
    void (*progress)(void *user, const tcpl_batch_progress *p);
    /* Called with each input's result as one JSON line (no newline),
     * serialised, in completion order.  NULL: none. */
    void (*on_result)(void *user, const char *json, size_t len);
    void *user;
    /* Beside each result, the submission with its findings as Word comments:
     * out_dir/annotated/NAME.docx (tcpl_annotate, docs/annotate.md). */
    int annotate;
    /* .doc files converted to .docx before the run (tcpl batch --convert-doc):
     * converted_to[i] (one of the inputs) was made from converted_from[i].
     * The converted file stands for the .doc: it is listed under the .doc's
     * path with the note "batch.converted", and the .doc itself, met in a
     * folder walked, is not listed as skipped. */
    const char *const *converted_from;
    const char *const *converted_to;
    size_t nconverted;
} tcpl_batch_options;

typedef struct tcpl_batch_totals {
    size_t files;       /* inputs listed (checked + reused + failed + skipped) */
    size_t checked;     /* read and checked in this run */
    size_t reused;      /* results kept from an earlier run */
    size_t failed;      /* could not be read: the result holds the error */
    size_t skipped;     /* not a .docx/.docm (listed with the reason) */
    size_t with_loi;    /* files with at least one Lỗi */
    size_t findings[3]; /* by tcpl_severity */
    size_t roster_missing, roster_twice, roster_unmatched;
} tcpl_batch_totals;

/* Runs the batch.  Returns 0 when every output was written (whatever the
 * inputs held: a bad input is a result, not a failure), or a negative
 * tcpl_status when the run itself could not go on (the output folder cannot
 * be written, the roster cannot be read, out of memory). */
TCPL_API int tcpl_batch_run(tcpl_batch_totals *out, const tcpl_ctx *ctx, const tcpl_extractor *ex,
                            const tcpl_checker *ck, const tcpl_batch_options *opts,
                            tcpl_error *err);

/* Merging the outputs of several runs (docs/batch.md, docs/scale-out.md):
 * typically the N shards of one batch (--shard K/N), each written to its own
 * folder, perhaps on its own machine. */
typedef struct tcpl_batch_merge_options {
    const char *const *inputs; /* folders written by tcpl_batch_run */
    size_t ninputs;
    const char *out_dir;  /* created if missing; may be one of the inputs */
    const char *roster;   /* path of a CSV of expected units, or NULL */
    const char *deadline; /* "YYYY-MM-DD" or NULL */
    const char *today;    /* "YYYY-MM-DD" or NULL */
} tcpl_batch_merge_options;

/* Joins the inputs' summary.jsonl into one list (in the order a single run
 * lists them; an input met in two folders is listed once), copies their
 * result files into out_dir/results/, and writes summary.csv,
 * summary.jsonl, report.html (and roster.csv with a roster) as
 * tcpl_batch_run does; the roster and the duplicates (same bytes) are
 * matched across all the inputs.  Everything is written through temporary
 * files.  A folder that is missing, is not a batch output, or holds a
 * summary or result that does not parse is TCPL_ERR_IO "merge.bad_input"
 * naming it, before anything is written. */
TCPL_API int tcpl_batch_merge(tcpl_batch_totals *out, const tcpl_ctx *ctx,
                              const tcpl_batch_merge_options *opts, tcpl_error *err);

/* The key two unit names are compared by: NFC, case folded, "UBND" read as
 * "Ủy ban nhân dân" (and HĐND, TP), the tone mark's place in a syllable
 * ignored ("Uỷ" = "Ủy", "Hoà" = "Hòa"), punctuation and spacing ignored.
 * *out is the caller's (free()). */
TCPL_API int tcpl_unit_key(char **out, const char *name, tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
