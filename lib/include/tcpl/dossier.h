#ifndef TCPL_DOSSIER_H
#define TCPL_DOSSIER_H

#include <stddef.h>
#include "tcpl/context.h"
#include "tcpl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Evidence dossiers (docs/rules.md "Dossier packs", docs/batch.md): a
 * commune's evaluation folder checked against a dossier pack
 * (checks/ho-so-tcpl.yaml) that lists the evidence items it must hold.
 * Each item is found (which files), missing, or found but failing its
 * content rule (the reason and the file). */

/* A loaded dossier pack, with the rule packs its table checks name.
 * Read-only after loading: threads may share it. */
typedef struct tcpl_dossier_pack tcpl_dossier_pack;

/* name: a pack of the data dir or built in ("ho-so-tcpl"), or a path to a
 * .yaml file.  An unknown key, a missing id or names, or a bad table pack
 * is TCPL_ERR_DATA naming the file and line. */
TCPL_API int tcpl_dossier_pack_load(tcpl_dossier_pack **out, const tcpl_ctx *ctx, const char *name,
                                    tcpl_error *err);
TCPL_API void tcpl_dossier_pack_free(tcpl_dossier_pack *p);
TCPL_API const char *tcpl_dossier_pack_id(const tcpl_dossier_pack *p);
TCPL_API size_t tcpl_dossier_pack_item_count(const tcpl_dossier_pack *p);
/* The context the pack was loaded with (its messages and language). */
TCPL_API const tcpl_ctx *tcpl_dossier_pack_ctx(const tcpl_dossier_pack *p);

typedef enum tcpl_dossier_status {
    TCPL_DOSSIER_FOUND = 0, /* a file proves the item */
    TCPL_DOSSIER_MISSING,   /* no file's name matches the item */
    TCPL_DOSSIER_FAILING    /* files match, none passes the item's content rules */
} tcpl_dossier_status;

/* "found", "missing", "failing". */
TCPL_API const char *tcpl_dossier_status_name(tcpl_dossier_status s);

typedef struct tcpl_dossier_item {
    const char *id;          /* "HS-BIEN-BAN-HOP" */
    const char *description; /* in the context's language */
    const char *proves;      /* the requirement it proves */
    tcpl_dossier_status status;
    const char *const *files; /* paths relative to the folder, sorted */
    size_t nfiles;
    /* found: the file that proves it; failing: the file the reason is about
     * (the one closest to passing); missing: "". */
    const char *file;
    const char *rule;   /* failing: the content rule's id ("HS-BB-TRUONG-THON"); else "" */
    const char *reason; /* failing: why, in the context's language; else "" */
    /* found: 0 when content rules exist but no matching file is a DOCX
     * (a scan): the content could not be checked; 1 otherwise. */
    int checked;
} tcpl_dossier_item;

/* The folder walk is bounded (docs/limits.md): at most max_files entries
 * and max_depth folder levels; symbolic links are never followed (each is
 * listed as a note).  0 means the default. */
typedef struct tcpl_dossier_options {
    size_t max_files; /* 0: TCPL_DOSSIER_MAX_FILES */
    int max_depth;    /* 0: TCPL_DOSSIER_MAX_DEPTH */
} tcpl_dossier_options;

/* Defaults: a commune's folder holds tens to a few hundred files, 3-5 levels. */
#define TCPL_DOSSIER_MAX_FILES 5000
#define TCPL_DOSSIER_MAX_DEPTH 16

/* The result on one folder.  Owns its strings. */
typedef struct tcpl_dossier tcpl_dossier;

/* Walks dir and checks it against p.  A folder that cannot be opened is
 * TCPL_ERR_IO; anything inside it (an unreadable or corrupt file, a link,
 * a limit reached) is a note or an item's reason, never an error. */
TCPL_API int tcpl_dossier_run(tcpl_dossier **out, const tcpl_dossier_pack *p, const char *dir,
                              const tcpl_dossier_options *opts, tcpl_error *err);
TCPL_API void tcpl_dossier_free(tcpl_dossier *d);
TCPL_API const char *tcpl_dossier_dir(const tcpl_dossier *d);
TCPL_API size_t tcpl_dossier_item_count(const tcpl_dossier *d);
TCPL_API const tcpl_dossier_item *tcpl_dossier_item_get(const tcpl_dossier *d, size_t i);
/* Items at each status. */
TCPL_API size_t tcpl_dossier_at(const tcpl_dossier *d, tcpl_dossier_status s);
/* Files (relative paths) that match no item. */
TCPL_API size_t tcpl_dossier_unmatched_count(const tcpl_dossier *d);
TCPL_API const char *tcpl_dossier_unmatched(const tcpl_dossier *d, size_t i);
/* What the walk could not look at, one line each ("a/b: symbolic link, not
 * followed"), in the context's language. */
TCPL_API size_t tcpl_dossier_note_count(const tcpl_dossier *d);
TCPL_API const char *tcpl_dossier_note(const tcpl_dossier *d, size_t i);
/* Files the walk looked at; 1 when a limit stopped it early. */
TCPL_API size_t tcpl_dossier_files_seen(const tcpl_dossier *d);
TCPL_API int tcpl_dossier_truncated(const tcpl_dossier *d);

/* Outputs (schema: docs/rules.md "Dossier packs").  The JSON has the
 * findings shape of `tcpl check --format json` (a finding per missing or
 * failing item, per table-sum finding, per note), so `tcpl conclude` takes
 * it.  options: TCPL_JSON_PRETTY.  *out is the caller's (free()). */
TCPL_API int tcpl_dossier_json(char **out, size_t *len, const tcpl_dossier *d, unsigned options,
                               tcpl_error *err);
/* One line per item: DIR: [status] ID description — file (reason). */
TCPL_API int tcpl_dossier_text(char **out, size_t *len, const tcpl_dossier *d, tcpl_error *err);
/* One self-contained HTML page (no network). */
TCPL_API int tcpl_dossier_html(char **out, size_t *len, const tcpl_dossier *d, tcpl_error *err);

/* Many dossiers (the batch stage, lib/src/batch/dossiers.c): every
 * subfolder of parent is one commune's dossier.  Writes out_dir/results/
 * NAME.json (the dossier JSON), out_dir/summary.csv (UTF-8 with BOM:
 * commune, items, found, missing, failing, status, the missing and failing
 * items) and out_dir/report.html, each through a temporary file.  Counts
 * go to *communes and *incomplete (a commune with a missing or failing
 * item); either may be NULL. */
#define TCPL_DOSSIER_MAX_COMMUNES 10000
TCPL_API int tcpl_dossier_batch(size_t *communes, size_t *incomplete, const tcpl_dossier_pack *p,
                                const char *parent, const char *out_dir,
                                const tcpl_dossier_options *opts, tcpl_error *err);

/* tcpl_dossier_batch with more: the communes on a pool of threads (the
 * outputs are the same whatever the number), a commune's earlier results
 * reused when its folder (names, sizes and modification times of every
 * entry walked) and the pack are unchanged, and a roster of the communes
 * expected (the batch roster's CSV and matching, tcpl_unit_key, against the
 * folder names): out_dir/roster.csv and a section of the report list who
 * has no dossier folder. */
typedef struct tcpl_dossier_batch_options {
    const char *parent, *out_dir;
    const tcpl_dossier_options *dossier; /* NULL: defaults */
    unsigned jobs;                       /* threads; 0 means 1 */
    const char *roster;                  /* path of a CSV of expected communes, or NULL */
    /* Extra text that changes the results (the pack file's bytes): mixed
     * into the fingerprint that decides reuse. */
    const char *pack_salt;
} tcpl_dossier_batch_options;

typedef struct tcpl_dossier_batch_totals {
    size_t communes, incomplete;
    size_t reused;         /* of communes: results kept from an earlier run */
    size_t roster_missing; /* roster units with no folder */
} tcpl_dossier_batch_totals;

TCPL_API int tcpl_dossier_batch_run(tcpl_dossier_batch_totals *out, const tcpl_dossier_pack *p,
                                    const tcpl_dossier_batch_options *o, tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
