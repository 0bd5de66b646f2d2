#ifndef TCPL_BATCH_INTERNAL_H
#define TCPL_BATCH_INTERNAL_H
/* What the batch files share (docs/batch.md): one record per input, the
 * input walk, the outputs written through temporary files, the roster. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/vec.h"
#include "tcpl/batch.h"

/* Inputs one run lists, files and skipped entries together: each costs a
 * record held until the summary is written (struct brec and its path, about
 * 100 bytes plus the path's length: the rest waits in the spill file), so
 * this bounds the run's memory (about 40 MB with paths of 100 bytes); a
 * department's deadline week is a few thousand submissions. */
#define BATCH_MAX_INPUTS 200000
/* Folder depth walked below an input: evidence folders are 3-5 deep; deeper
 * is a mistake or a trap, and each level holds an open path. */
#define BATCH_MAX_DEPTH 32
/* Bytes of the input's base name kept in its result's name (then a hash
 * makes it unique): file systems allow 255, and the hash needs room. */
#define BATCH_NAME_BYTES 96
/* A result file larger than this is not ours: it is not reused. */
#define BATCH_MAX_RESULT_BYTES (64u << 20)
/* Threads one run starts: far above any machine this runs on. */
#define BATCH_MAX_JOBS 256
/* The parts cache shared by a batch's workers (styles and numbering parts
 * byte-identical across submissions): a province's template is a few
 * hundred KB parsed; 16 MB holds dozens of templates and keeps the batch
 * well under its 50 MB memory target. */
#define BATCH_PART_CACHE_BYTES (16u << 20)

/* Temporary names start with this, so a rerun can clear what a killed run
 * left and nothing else. */
#define BATCH_TMP_PREFIX ".tcpl-tmp-"

typedef enum brec_status {
    BREC_OK = 0,  /* checked, no Lỗi */
    BREC_LOI,     /* checked, at least one Lỗi */
    BREC_ERROR,   /* could not be read */
    BREC_SKIPPED, /* not a document tcpl checks */
    BREC_TODO     /* to be checked */
} brec_status;

/* One input, held from the walk to the end of the run, so kept small: the
 * run's memory grows by a record and its path per input (docs/bench.md,
 * "Batch"; tests/test_batch_mem.c).  Strings are malloc'd, NULL when
 * absent.  Two lives: until brec_settle the record holds what checking the
 * input needs and finds (the first half of the union); brec_settle moves
 * the strings the outputs show to the run's spill file, frees them, and
 * the same bytes then hold where they went and what the end of the run
 * finds (the second half).  The outputs read the strings back with
 * brec_view. */
typedef struct brec {
    char *path;   /* as walked (bytes) */
    char *shown;  /* the path as valid UTF-8 (bytes that are not escaped \xNN):
                     path itself when the path is valid UTF-8 (not freed twice) */
    char *result; /* the result's file name in results/, or NULL (skipped) */
    union {
        struct { /* until settled */
            char *note;        /* why skipped, or the error message */
            char *meta;        /* unit, kind, number, date packed (brec_set_meta), or NULL */
            const char *skip;  /* message id of the skip reason (static) */
            char *skip_detail; /* its {detail} */
            char *converted;   /* a converted .doc: the .docx checked, as shown (path: the .docx) */
        };
        struct {            /* once settled */
            uint64_t spill; /* where its strings are in the spill file */
            int32_t roster; /* index of the roster unit it matches, -1 */
            int32_t dup_of; /* the first input with the same bytes, -1 */
        };
    };
    uint64_t hash;
    uint32_t counts[3]; /* findings by severity */
    uint8_t status;     /* brec_status */
    uint8_t has_hash;
    uint8_t reused;
    uint8_t settled; /* the second life: BREC_SETTLED, or BREC_SETTLED_FND when its findings
                        are in the spill too */
} brec;

void brec_free(brec *r);
/* Bytes r holds in memory (the record, its strings): what the run's memory
 * grows by per input (tests/test_batch_mem.c bounds it). */
size_t brec_held(const brec *r);
/* r->meta from four strings (NULL: absent); -1 when memory is out. */
int brec_set_meta(brec *r, const char *unit, const char *kind, const char *number,
                  const char *date);

/* The spill: the strings of every input the outputs need, written as each
 * input is settled, read back in path order at the end of the run through
 * one window, so the memory held per input is its record alone; and beside
 * them, in a second stream read once, what report.html shows of each
 * input's findings (batch_fnd_*), so the end of a run does not read the
 * results back.  Unlinked temporary files in the output folder (no name
 * left behind). */
typedef struct bstream {
    int fd;
    tcpl_buf out;  /* bytes not yet written */
    uint64_t size; /* bytes written and pending */
    tcpl_buf win;  /* the bytes read back, from win_off */
    uint64_t win_off;
} bstream;
typedef struct bspill {
    pthread_mutex_t mu; /* settled from the workers */
    bstream rec;        /* the records' strings (brec_view) */
    bstream fnd;        /* the findings (brec_findings) */
    int open;
    int failed; /* a write failed: errno */
} bspill;
/* Bytes gathered before a write, and read back at once (each stream). */
#define BSPILL_WINDOW (64u << 10)
/* An empty spill that bspill_close accepts; bspill_open makes the files. */
void bspill_init(bspill *s);
int bspill_open(bspill *s, const char *dir, tcpl_error *err);
void bspill_close(bspill *s);
/* Moves r's result, note and meta into the spill (keep_result: the result
 * stays in memory too, for a merge that still copies it) and frees what the
 * outputs no longer need.  Thread-safe. */
int brec_settle(bspill *s, brec *r, int keep_result, tcpl_error *err);
/* brec_settle, and fnd (len bytes, made by batch_fnd_start and the like;
 * NULL: none) into the findings stream: r->settled is then BREC_SETTLED_FND. */
int brec_settle_fnd(bspill *s, brec *r, int keep_result, const char *fnd, size_t len,
                    tcpl_error *err);
#define BREC_SETTLED 1
#define BREC_SETTLED_FND 2
/* What the outputs show of r besides its path and counts; the strings stay
 * valid until the next brec_view on s (s: NULL for records not settled). */
typedef struct bview {
    const char *result, *note, *unit, *kind, *number, *date;
} bview;
int brec_view(bview *v, bspill *s, const brec *r, tcpl_error *err);
/* The findings r was settled with (r->settled == BREC_SETTLED_FND), valid
 * until the next brec_findings on s. */
int brec_findings(const char **fnd, size_t *len, bspill *s, const brec *r, tcpl_error *err);

/* What report.html shows of one input's findings, in the order of its
 * result's "findings" (report.c): made by the worker that checked it, from
 * the findings themselves or a reused result, or at the end from a result
 * read back (a merge).  b is reset; list 0: the result has no findings
 * list (the report says it is missing). */
void batch_fnd_start(tcpl_buf *b, int list);
/* One finding: sev 0 Lỗi, 1 Cảnh báo, 2 Gợi ý; whole: its block is < 0
 * (the whole document); the strings as the result holds them (NULL: absent). */
void batch_fnd_add(tcpl_buf *b, int sev, int whole, const char *section, const char *message,
                   const char *fix, const char *basis, const char *excerpt);
/* The whole list from a result (root: NULL when it cannot be read). */
struct json_t;
void batch_fnd_json(tcpl_buf *b, struct json_t *root);

/* "ok", "loi", "error", "skipped": the status as the outputs spell it. */
const char *brec_status_name(int status);

/* 64-bit FNV-1a, continued from h (start with BATCH_FNV_INIT). */
#define BATCH_FNV_INIT 0xcbf29ce484222325ull
uint64_t batch_fnv(uint64_t h, const void *p, size_t n);

/* Lists the inputs (walk.c): every file under the folders, every file
 * named, as records sorted by path; out_dir itself is never entered.
 * Skipped entries get status BREC_SKIPPED and their reason. */
int batch_walk(tcpl_vec *recs, const char *const *inputs, size_t n, const char *out_dir,
               tcpl_error *err);

/* An output written to a temporary name beside path and renamed by
 * bout_commit (with sync: flushed to disk first, the folder too). */
typedef struct bout {
    FILE *f;
    char *tmp, *path;
} bout;
int bout_open(bout *o, const char *path, tcpl_error *err);
int bout_commit(bout *o, int sync, tcpl_error *err);
void bout_abort(bout *o);
/* One result: line and a newline written as dirfd/name through the
 * temporary name tmp in the same folder (BATCH_TMP_PREFIX..., one per
 * worker: free again once renamed), with one writev(2) and renameat, each
 * path one component long.  Not synced: the guarantee is against the
 * process dying (kill -9), which leaves the old file or the whole new one
 * (docs/batch.md, "Speed").  shown: the path errors name. */
int batch_put_line(int dirfd, const char *name, const char *tmp, const char *line, size_t len,
                   const char *shown, tcpl_error *err);
/* The JSON of dirfd/name (AT_FDCWD: a path) read with one read(2) and
 * parsed from memory; NULL when missing, not a regular file, empty, larger
 * than BATCH_MAX_RESULT_BYTES or not JSON.  nofollow: a symbolic link is
 * not followed. */
struct json_t;
struct json_t *batch_load_json(int dirfd, const char *name, int nofollow);
/* Removes what a killed run left in dir (names starting BATCH_TMP_PREFIX);
 * returns the number of other entries (0: nothing there to reuse),
 * SIZE_MAX when dir cannot be listed. */
size_t batch_sweep_temps(const char *dir);

/* Roster (roster.c). */
typedef struct roster_unit {
    char *name, *contact, *key;
    size_t files; /* submissions matched */
    int dup;      /* the same key as an earlier row: that row stands for both */
} roster_unit;
typedef struct roster {
    tcpl_vec units; /* roster_unit, in file order */
    tcpl_vec order; /* size_t: indexes sorted by key, for lookup */
} roster;
int roster_load(roster *r, const char *path, tcpl_error *err);
/* The unit an issuing body names: its key equals a unit's, or ends with
 * one on a word boundary (a superior body's line comes first); the longest
 * such unit.  -1 if none. */
long roster_match(const roster *r, const char *authority);
void roster_free(roster *r);

/* The report (report.c).  today, deadline: ISO dates or NULL. */
typedef struct batch_report {
    const tcpl_ctx *ctx;
    const char *out_dir;
    const brec *recs;
    size_t n;
    bspill *spill; /* the records' strings */
    const roster *roster; /* NULL: none */
    const tcpl_batch_totals *totals;
    const char *today, *deadline;
    unsigned jobs; /* threads reading the results back for report.html (0: 1) */
} batch_report;
int batch_write_summary(const batch_report *r, tcpl_error *err);
int batch_write_html(const batch_report *r, tcpl_error *err);
int batch_write_roster(const batch_report *r, tcpl_error *err);
/* Ends a run (batch.c), tcpl_batch_run's and tcpl_batch_merge's alike:
 * marks inputs with the same bytes as an earlier one, counts the totals,
 * matches the roster (NULL: none), writes the summaries, the roster and the
 * report into out_dir, jobs threads reading the results back for it. */
int batch_finish(tcpl_batch_totals *out, const tcpl_ctx *ctx, brec *recs, size_t n, bspill *spill,
                 roster *ros, const char *out_dir, const char *today, const char *deadline,
                 unsigned jobs, tcpl_error *err);
/* mkdir that accepts an existing folder; batch.out_dir when it cannot. */
int batch_make_dir(const char *path, tcpl_error *err);
/* The order every output lists inputs in: by the path as shown (the
 * outputs hold nothing else, so a merge of shards sorts the same way),
 * then by the bytes of the path. */
int batch_rec_cmp(const brec *x, const brec *y);

/* Days from a to b (ISO dates); 0 and *ok 0 when either is not a date. */
long batch_days_between(const char *a, const char *b, int *ok);

#endif
