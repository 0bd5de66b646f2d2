/* tcpl batch --dossiers PARENT: every subfolder of PARENT is one commune's
 * evidence dossier (docs/batch.md).  Each is checked with tcpl_dossier_run
 * on a pool of threads (a dossier is a few dozen files; a province a few
 * hundred communes) and gets results/NAME.json, results/NAME.html and
 * results/NAME.state (the fingerprint of its folder and pack, and its
 * summary line: a rerun reuses the three when the fingerprint is
 * unchanged); the run ends with summary.csv and report.html listing every
 * commune with its missing and failing items, in name order whatever the
 * threads did, and with a roster roster.csv.  Every file goes through a
 * temporary name (tcpl_write_file). */
#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/io.h"
#include "batch/internal.h"
#include "tcpl/dossier.h"
#include "tcpl/io.h"

typedef struct commune {
    char *name;   /* the folder's name (bytes) */
    char *shown;  /* as UTF-8 text (bytes that are not escaped) */
    char *result; /* results/ file stem */
    size_t items, found, missing, failing, unmatched;
    char *missing_ids, *failing_ids; /* "ID: description; ..." */
    char *error;                     /* the folder could not be checked */
    int reused;                      /* results kept from an earlier run */
    long roster;                     /* the roster unit its name matches, -1 */
} commune;

/* A state file larger than this was not written by tcpl: not reused. */
#define DOSSIER_MAX_STATE_BYTES (4u << 20)

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const commune *)a)->name, ((const commune *)b)->name);
}

static void csv_cell(tcpl_buf *b, const char *s)
{
    tcpl_buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"')
            tcpl_buf_putc(b, '"');
        tcpl_buf_putc(b, *s);
    }
    tcpl_buf_putc(b, '"');
}

/* A file stem safe in results/: the name's letters kept (UTF-8 is fine on
 * every file system we write to), '/', control characters and a leading
 * dot replaced, cut to BATCH_NAME_BYTES on a character boundary. */
static char *stem_of(const char *shown)
{
    size_t n = strlen(shown);
    if (n > BATCH_NAME_BYTES) {
        n = BATCH_NAME_BYTES;
        while (n && ((unsigned char)shown[n] & 0xC0) == 0x80)
            n--;
    }
    char *s = malloc(n + 2);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] =
            (unsigned char)shown[i] < 0x20 || shown[i] == '/' || shown[i] == '\\' ? '_' : shown[i];
    s[n] = 0;
    if (s[0] == '.' || !s[0]) {
        memmove(s + 1, s, n + 1);
        s[0] = '_';
    }
    return s;
}

static int write_buf(const char *dir, const char *name, const char *ext, const char *data,
                     size_t len, tcpl_error *err)
{
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/%s%s", dir, name, ext);
    int rc = tcpl_buf_ok(&p) ? tcpl_write_file(p.data, data, len, err) : TCPL_NOMEM(err, dir);
    tcpl_buf_free(&p);
    return rc;
}

/* The fingerprint of a commune's folder: every entry the dossier walk can
 * meet (its path below the folder, type, size, modification time), walked
 * within the dossier limits; entries are combined by addition, so the
 * order readdir gives does not matter. */
typedef struct fwalk {
    uint64_t sum;
    size_t entries, max;
    int depth_max;
} fwalk;

static void fp_walk(fwalk *w, tcpl_buf *path, size_t root_len, int depth)
{
    DIR *dir = opendir(path->data);
    if (!dir) {
        w->sum += 0x9e3779b97f4a7c15ull; /* unreadable: a state of its own */
        return;
    }
    struct dirent *e;
    size_t len = path->len;
    while ((e = readdir(dir)) && w->entries < w->max) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        path->len = len;
        tcpl_buf_printf(path, "/%s", e->d_name);
        struct stat st;
        if (!tcpl_buf_ok(path) || lstat(path->data, &st) != 0)
            continue;
        w->entries++;
        uint64_t h = batch_fnv(BATCH_FNV_INIT, path->data + root_len, path->len - root_len + 1);
        long long v[4] = {(long long)st.st_mode, (long long)st.st_size,
                          (long long)st.st_mtim.tv_sec, (long long)st.st_mtim.tv_nsec};
        w->sum += batch_fnv(h, v, sizeof v);
        if (S_ISDIR(st.st_mode) && depth + 1 < w->depth_max)
            fp_walk(w, path, root_len, depth + 1);
    }
    closedir(dir);
    path->len = len;
    if (path->data)
        path->data[len] = 0;
}

/* "pack fingerprint:folder fingerprint" in hex, into key (34 bytes). */
static int folder_key(char *key, size_t size, const char *pack_key, const char *dir,
                      const tcpl_dossier_options *opts)
{
    tcpl_buf path;
    tcpl_buf_init(&path);
    tcpl_buf_puts(&path, dir);
    if (!tcpl_buf_ok(&path))
        return -1;
    fwalk w = {0, 0, opts && opts->max_files ? opts->max_files : TCPL_DOSSIER_MAX_FILES,
               opts && opts->max_depth ? opts->max_depth : TCPL_DOSSIER_MAX_DEPTH};
    fp_walk(&w, &path, path.len, 0);
    int ok = tcpl_buf_ok(&path);
    tcpl_buf_free(&path);
    snprintf(key, size, "%s:%016llx.%zu", pack_key, (unsigned long long)w.sum, w.entries);
    return ok ? 0 : -1;
}

static char *jdup(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? strdup(s) : NULL;
}

/* The earlier results of c, when its state file holds key and the result
 * files are there: c filled from the state, 1; else 0. */
static int reuse(commune *c, const char *results, const char *key)
{
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/%s.state", results, c->result);
    size_t stem = p.len - 6;
    struct stat st;
    json_t *j = NULL;
    int ok = 0;
    if (tcpl_buf_ok(&p) && stat(p.data, &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_size <= DOSSIER_MAX_STATE_BYTES) {
        json_error_t je;
        j = json_load_file(p.data, 0, &je);
    }
    const char *k = json_string_value(json_object_get(j, "key"));
    if (k && !strcmp(k, key)) {
        ok = 1;
        static const char *const ext[] = {".json", ".html"};
        for (int i = 0; i < 2 && ok; i++) {
            p.len = stem;
            tcpl_buf_puts(&p, ext[i]);
            ok = tcpl_buf_ok(&p) && stat(p.data, &st) == 0 && S_ISREG(st.st_mode);
        }
    }
    if (ok) {
        static const char *const nums[] = {"items", "found", "missing", "failing", "unmatched"};
        size_t *dst[] = {&c->items, &c->found, &c->missing, &c->failing, &c->unmatched};
        for (int i = 0; i < 5; i++) {
            json_int_t v = json_integer_value(json_object_get(j, nums[i]));
            *dst[i] = v > 0 ? (size_t)v : 0;
        }
        c->missing_ids = jdup(j, "missing_items");
        c->failing_ids = jdup(j, "failing_items");
        ok = c->missing_ids && c->failing_ids;
        if (!ok) {
            free(c->missing_ids);
            free(c->failing_ids);
            c->missing_ids = c->failing_ids = NULL;
        }
    }
    json_decref(j);
    tcpl_buf_free(&p);
    return ok;
}

/* The state file, written last: a run killed before it checks again. */
static int write_state(const commune *c, const char *results, const char *key, tcpl_error *err)
{
    json_t *j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s}", "key", key, "items",
                          (json_int_t)c->items, "found", (json_int_t)c->found, "missing",
                          (json_int_t)c->missing, "failing", (json_int_t)c->failing, "unmatched",
                          (json_int_t)c->unmatched, "missing_items", c->missing_ids,
                          "failing_items", c->failing_ids);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        return TCPL_NOMEM(err, results);
    int rc = write_buf(results, c->result, ".state", text, strlen(text), err);
    free(text);
    return rc;
}

/* Checks one commune and writes its result files; with a pack key, reuses
 * or records them. */
static int one(commune *c, const tcpl_dossier_pack *p, const char *parent, const char *results,
               const tcpl_dossier_options *opts, const tcpl_ctx *ctx, const char *pack_key,
               tcpl_error *err)
{
    tcpl_buf path;
    tcpl_buf_init(&path);
    tcpl_buf_printf(&path, "%s/%s", parent, c->name);
    if (!tcpl_buf_ok(&path))
        return TCPL_NOMEM(err, parent);
    char key[96];
    int keyed = pack_key && folder_key(key, sizeof key, pack_key, path.data, opts) == 0;
    if (keyed && reuse(c, results, key)) {
        c->reused = 1;
        tcpl_buf_free(&path);
        return 0;
    }
    tcpl_dossier *d = NULL;
    tcpl_error e;
    tcpl_error_clear(&e);
    int rc = tcpl_dossier_run(&d, p, path.data, opts, &e);
    tcpl_buf_free(&path);
    if (rc == TCPL_ERR_NOMEM) {
        *err = e;
        return rc;
    }
    if (rc < 0) {
        char msg[1024];
        tcpl_error_format(ctx, &e, msg, sizeof msg);
        c->error = strdup(msg);
        return c->error ? 0 : TCPL_NOMEM(err, parent);
    }
    c->items = tcpl_dossier_item_count(d);
    c->found = tcpl_dossier_at(d, TCPL_DOSSIER_FOUND);
    c->missing = tcpl_dossier_at(d, TCPL_DOSSIER_MISSING);
    c->failing = tcpl_dossier_at(d, TCPL_DOSSIER_FAILING);
    c->unmatched = tcpl_dossier_unmatched_count(d);
    tcpl_buf mi, fi;
    tcpl_buf_init(&mi);
    tcpl_buf_init(&fi);
    for (size_t i = 0; i < c->items; i++) {
        const tcpl_dossier_item *it = tcpl_dossier_item_get(d, i);
        if (it->status == TCPL_DOSSIER_MISSING)
            tcpl_buf_printf(&mi, "%s%s: %s", mi.len ? "; " : "", it->id, it->description);
        else if (it->status == TCPL_DOSSIER_FAILING)
            tcpl_buf_printf(&fi, "%s%s: %s (%s)", fi.len ? "; " : "", it->id, it->reason, it->file);
    }
    tcpl_buf_putc(&mi, 0);
    tcpl_buf_putc(&fi, 0);
    c->missing_ids = tcpl_buf_detach(&mi, NULL);
    c->failing_ids = tcpl_buf_detach(&fi, NULL);
    char *js = NULL, *html = NULL;
    size_t jl = 0, hl = 0;
    rc = !c->missing_ids || !c->failing_ids ? TCPL_NOMEM(err, parent) : 0;
    if (rc == 0)
        rc = tcpl_dossier_json(&js, &jl, d, TCPL_JSON_PRETTY, err);
    if (rc == 0)
        rc = tcpl_dossier_html(&html, &hl, d, err);
    if (rc == 0)
        rc = write_buf(results, c->result, ".json", js, jl, err);
    if (rc == 0)
        rc = write_buf(results, c->result, ".html", html, hl, err);
    if (rc == 0 && keyed)
        rc = write_state(c, results, key, err);
    free(js);
    free(html);
    tcpl_dossier_free(d);
    return rc;
}

static int summary(const commune *cs, size_t n, const char *out_dir, const tcpl_ctx *ctx,
                   const char *title, const roster *ros, tcpl_error *err)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel reads UTF-8 */
    tcpl_buf_puts(&b, "commune,items,found,missing,failing,unmatched,status,missing_items,"
                      "failing_items,result\r\n");
    for (size_t i = 0; i < n; i++) {
        const commune *c = &cs[i];
        csv_cell(&b, c->shown);
        tcpl_buf_printf(&b, ",%zu,%zu,%zu,%zu,%zu,", c->items, c->found, c->missing, c->failing,
                        c->unmatched);
        csv_cell(&b, c->error ? "error" : c->missing || c->failing ? "incomplete" : "complete");
        tcpl_buf_putc(&b, ',');
        csv_cell(&b, c->error ? c->error : c->missing_ids);
        tcpl_buf_putc(&b, ',');
        csv_cell(&b, c->failing_ids);
        tcpl_buf_printf(&b, ",\"results/%s.json\"\r\n", c->result);
    }
    if (!tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, out_dir);
    }
    int rc = write_buf(out_dir, "summary", ".csv", b.data, b.len, err);
    tcpl_buf_reset(&b);
    if (rc < 0) {
        tcpl_buf_free(&b);
        return rc;
    }
    size_t incomplete = 0;
    for (size_t i = 0; i < n; i++)
        incomplete += cs[i].error || cs[i].missing || cs[i].failing;
    tcpl_buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
                    tcpl_ctx_lang(ctx));
    tcpl_buf_put_html(&b, tcpl_msg(ctx, "dossier.batch_title"));
    tcpl_buf_puts(&b,
                  "</title><style>body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}"
                  "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;"
                  "padding:.35em .5em;text-align:left;vertical-align:top}th{background:#f2f2f2}"
                  ".ok{background:#e6f4ea}.bad{background:#fde7e9}</style></head><body>\n<h1>");
    tcpl_buf_put_html(&b, tcpl_msg(ctx, "dossier.batch_title"));
    tcpl_buf_puts(&b, "</h1>\n<p>");
    tcpl_buf_put_html(&b, title);
    tcpl_buf_printf(&b, ": %zu, %s %zu, %s %zu</p>\n<table><thead><tr>", n,
                    tcpl_msg(ctx, "dossier.complete"), n - incomplete,
                    tcpl_msg(ctx, "dossier.incomplete"), incomplete);
    static const char *const cols[] = {"dossier.col_commune", "dossier.col_status",
                                       "dossier.col_missing_items", "dossier.col_failing_items"};
    for (size_t k = 0; k < 4; k++) {
        tcpl_buf_puts(&b, "<th>");
        tcpl_buf_put_html(&b, tcpl_msg(ctx, cols[k]));
        tcpl_buf_puts(&b, "</th>");
    }
    tcpl_buf_puts(&b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const commune *c = &cs[i];
        int bad = c->error || c->missing || c->failing;
        tcpl_buf_printf(&b, "<tr class=\"%s\"><td><a href=\"results/", bad ? "bad" : "ok");
        tcpl_buf_put_html(&b, c->result);
        tcpl_buf_puts(&b, ".html\">");
        tcpl_buf_put_html(&b, c->shown);
        tcpl_buf_puts(&b, "</a></td><td>");
        tcpl_buf_put_html(&b, tcpl_msg(ctx, bad ? "dossier.incomplete" : "dossier.complete"));
        tcpl_buf_printf(&b, " (%zu/%zu)</td><td>", c->found, c->items);
        tcpl_buf_put_html(&b, c->error ? c->error : c->missing_ids);
        tcpl_buf_puts(&b, "</td><td>");
        tcpl_buf_put_html(&b, c->failing_ids);
        tcpl_buf_puts(&b, "</td></tr>\n");
    }
    tcpl_buf_puts(&b, "</tbody></table>\n");
    if (ros) { /* who has no dossier folder, in the roster's order */
        tcpl_buf_puts(&b, "<h2>");
        tcpl_buf_put_html(&b, tcpl_msg(ctx, "dossier.roster_missing"));
        tcpl_buf_puts(&b, "</h2>\n<table><thead><tr><th>");
        tcpl_buf_put_html(&b, tcpl_msg(ctx, "batch.col.unit"));
        tcpl_buf_puts(&b, "</th><th>");
        tcpl_buf_put_html(&b, tcpl_msg(ctx, "batch.col.contact"));
        tcpl_buf_puts(&b, "</th></tr></thead><tbody>\n");
        for (size_t u = 0; u < ros->units.len; u++) {
            const roster_unit *ru = &TCPL_VEC_AT(&ros->units, roster_unit, u);
            if (ru->files || ru->dup)
                continue;
            tcpl_buf_puts(&b, "<tr class=\"bad\"><td>");
            tcpl_buf_put_html(&b, ru->name);
            tcpl_buf_puts(&b, "</td><td>");
            tcpl_buf_put_html(&b, ru->contact);
            tcpl_buf_puts(&b, "</td></tr>\n");
        }
        tcpl_buf_puts(&b, "</tbody></table>\n");
    }
    tcpl_buf_puts(&b, "</body></html>\n");
    rc = tcpl_buf_ok(&b) ? write_buf(out_dir, "report", ".html", b.data, b.len, err)
                         : TCPL_NOMEM(err, out_dir);
    tcpl_buf_free(&b);
    return rc;
}

/* roster.csv: every unit of the roster with the folder that stands for it
 * ("" when none). */
static int roster_csv(const commune *cs, size_t n, const roster *ros, const char *out_dir,
                      tcpl_error *err)
{
    /* the folders of each unit, in name order: a list through next[] */
    long *first = malloc((ros->units.len + 1) * sizeof *first),
         *next = malloc((n + 1) * sizeof *next);
    if (!first || !next) {
        free(first);
        free(next);
        return TCPL_NOMEM(err, out_dir);
    }
    for (size_t u = 0; u < ros->units.len; u++)
        first[u] = -1;
    for (size_t i = n; i-- > 0;) {
        next[i] = -1;
        if (cs[i].roster >= 0) {
            next[i] = first[cs[i].roster];
            first[cs[i].roster] = (long)i;
        }
    }
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "\xEF\xBB\xBF\"unit\",\"contact\",\"status\",\"folder\"\r\n");
    for (size_t u = 0; u < ros->units.len; u++) {
        const roster_unit *ru = &TCPL_VEC_AT(&ros->units, roster_unit, u);
        if (ru->dup)
            continue;
        csv_cell(&b, ru->name);
        tcpl_buf_putc(&b, ',');
        csv_cell(&b, ru->contact);
        tcpl_buf_puts(&b, ru->files ? ",\"found\"," : ",\"missing\",");
        tcpl_buf_putc(&b, '"');
        for (long i = first[u]; i >= 0; i = next[i]) {
            if (i != first[u])
                tcpl_buf_puts(&b, "; ");
            for (const char *q = cs[i].shown; *q; q++) {
                if (*q == '"')
                    tcpl_buf_putc(&b, '"');
                tcpl_buf_putc(&b, *q);
            }
        }
        tcpl_buf_puts(&b, "\"\r\n");
    }
    free(first);
    free(next);
    int rc = tcpl_buf_ok(&b) ? write_buf(out_dir, "roster", ".csv", b.data, b.len, err)
                             : TCPL_NOMEM(err, out_dir);
    tcpl_buf_free(&b);
    return rc;
}

typedef struct drun {
    commune *v;
    size_t n, next;
    const tcpl_dossier_pack *p;
    const tcpl_dossier_batch_options *o;
    const tcpl_ctx *ctx;
    const char *results, *pack_key;
    pthread_mutex_t mu;
    int fatal;
    tcpl_error fatal_err;
} drun;

static void *dworker(void *arg)
{
    drun *R = arg;
    for (;;) {
        pthread_mutex_lock(&R->mu);
        if (R->fatal || R->next >= R->n) {
            pthread_mutex_unlock(&R->mu);
            return NULL;
        }
        commune *c = &R->v[R->next++];
        pthread_mutex_unlock(&R->mu);
        tcpl_error e;
        tcpl_error_clear(&e);
        if (one(c, R->p, R->o->parent, R->results, R->o->dossier, R->ctx, R->pack_key, &e) < 0) {
            pthread_mutex_lock(&R->mu);
            if (!R->fatal) {
                R->fatal = 1;
                R->fatal_err = e;
            }
            pthread_mutex_unlock(&R->mu);
        }
    }
}

int tcpl_dossier_batch(size_t *communes, size_t *incomplete, const tcpl_dossier_pack *p,
                       const char *parent, const char *out_dir, const tcpl_dossier_options *opts,
                       tcpl_error *err)
{
    tcpl_dossier_batch_options o = {parent, out_dir, opts, 1, NULL, NULL};
    tcpl_dossier_batch_totals t;
    int rc = tcpl_dossier_batch_run(&t, p, &o, err);
    if (communes)
        *communes = t.communes;
    if (incomplete)
        *incomplete = t.incomplete;
    return rc;
}

int tcpl_dossier_batch_run(tcpl_dossier_batch_totals *out, const tcpl_dossier_pack *p,
                           const tcpl_dossier_batch_options *o, tcpl_error *err)
{
    memset(out, 0, sizeof *out);
    if (!p || !o || !o->parent || !o->out_dir || !*o->out_dir)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_dossier_batch");
    const char *parent = o->parent, *out_dir = o->out_dir;
    const tcpl_ctx *ctx = tcpl_dossier_pack_ctx(p);
    roster ros;
    int have_roster = 0;
    if (o->roster) {
        int r = roster_load(&ros, o->roster, err);
        if (r < 0)
            return r;
        have_roster = 1;
    }
    DIR *dir = opendir(parent);
    if (!dir) {
        if (have_roster)
            roster_free(&ros);
        return tcpl_err(err, TCPL_ERR_IO, "dossier.not_dir", parent, NULL, NULL);
    }
    tcpl_vec cs = TCPL_VEC_INIT(commune);
    int rc = 0;
    struct dirent *e;
    tcpl_buf path;
    tcpl_buf_init(&path);
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        tcpl_buf_reset(&path);
        tcpl_buf_printf(&path, "%s/%s", parent, e->d_name);
        struct stat st;
        /* a commune is a real folder: links are not followed here either */
        if (!tcpl_buf_ok(&path) || lstat(path.data, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (cs.len >= TCPL_DOSSIER_MAX_COMMUNES) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "dossier.too_many", parent, NULL, "%d",
                          TCPL_DOSSIER_MAX_COMMUNES);
            break;
        }
        commune *c = tcpl_vec_push(&cs);
        if (c)
            c->roster = -1;
        if (!c || !(c->name = strdup(e->d_name))) {
            rc = TCPL_NOMEM(err, parent);
            break;
        }
    }
    closedir(dir);
    tcpl_buf_free(&path);
    commune *v = cs.data;
    if (rc == 0 && cs.len)
        qsort(v, cs.len, sizeof *v, cmp_name);
    for (size_t i = 0; rc == 0 && i < cs.len; i++) {
        if (tcpl_escape_text(&v[i].shown, v[i].name, TCPL_ESCAPE_CONTROLS, err) < 0 ||
            !(v[i].result = stem_of(v[i].shown)))
            rc = TCPL_NOMEM(err, parent);
        /* two names that escape alike (a\x01 and a_) keep apart by position */
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (!strcmp(v[j].result, v[i].result)) {
                char *r = malloc(strlen(v[i].result) + 24);
                if (!r) {
                    rc = TCPL_NOMEM(err, parent);
                    break;
                }
                sprintf(r, "%s-%zu", v[i].result, i + 1);
                free(v[i].result);
                v[i].result = r;
            }
    }
    char *results = NULL;
    if (rc == 0 && (rc = batch_make_dir(out_dir, err)) == 0) {
        results = malloc(strlen(out_dir) + 10);
        if (!results)
            rc = TCPL_NOMEM(err, out_dir);
        else {
            sprintf(results, "%s/results", out_dir);
            rc = batch_make_dir(results, err);
        }
    }
    /* what besides the folder shapes a result: the version, the language,
     * the pack (its id, items and bytes) */
    char pack_key[17];
    uint64_t h = BATCH_FNV_INIT;
    const char *parts[] = {tcpl_version(), tcpl_ctx_lang(ctx), tcpl_dossier_pack_id(p),
                           o->pack_salt ? o->pack_salt : ""};
    for (size_t i = 0; i < 4; i++)
        h = batch_fnv(h, parts[i], strlen(parts[i]) + 1);
    size_t nitems = tcpl_dossier_pack_item_count(p);
    h = batch_fnv(h, &nitems, sizeof nitems);
    snprintf(pack_key, sizeof pack_key, "%016llx", (unsigned long long)h);
    if (rc == 0) {
        batch_sweep_temps(results);
        drun R = {v, cs.len, 0, p, o, ctx, results, pack_key, PTHREAD_MUTEX_INITIALIZER, 0, {0}};
        unsigned jobs = o->jobs ? o->jobs : 1;
        if (jobs > BATCH_MAX_JOBS)
            jobs = BATCH_MAX_JOBS;
        if ((size_t)jobs > cs.len)
            jobs = cs.len ? (unsigned)cs.len : 1;
        pthread_t threads[BATCH_MAX_JOBS];
        unsigned started = 0;
        for (unsigned i = 1; i < jobs; i++) {
            if (pthread_create(&threads[started], NULL, dworker, &R) != 0)
                break; /* fewer threads: slower, same results */
            started++;
        }
        dworker(&R);
        for (unsigned i = 0; i < started; i++)
            pthread_join(threads[i], NULL);
        pthread_mutex_destroy(&R.mu);
        if (R.fatal) {
            *err = R.fatal_err;
            rc = err->code;
        }
    }
    if (rc == 0 && have_roster) {
        for (size_t i = 0; i < cs.len; i++) {
            v[i].roster = roster_match(&ros, v[i].shown);
            if (v[i].roster >= 0)
                TCPL_VEC_AT(&ros.units, roster_unit, (size_t)v[i].roster).files++;
        }
        for (size_t u = 0; u < ros.units.len; u++) {
            const roster_unit *ru = &TCPL_VEC_AT(&ros.units, roster_unit, u);
            out->roster_missing += !ru->dup && !ru->files;
        }
        rc = roster_csv(v, cs.len, &ros, out_dir, err);
    }
    if (rc == 0)
        rc = summary(v, cs.len, out_dir, ctx, tcpl_dossier_pack_id(p), have_roster ? &ros : NULL,
                     err);
    size_t bad = 0;
    for (size_t i = 0; i < cs.len; i++) {
        bad += v[i].error || v[i].missing || v[i].failing;
        out->reused += v[i].reused;
        free(v[i].name);
        free(v[i].shown);
        free(v[i].result);
        free(v[i].missing_ids);
        free(v[i].failing_ids);
        free(v[i].error);
    }
    out->communes = cs.len;
    out->incomplete = bad;
    tcpl_vec_free(&cs);
    free(results);
    if (have_roster)
        roster_free(&ros);
    return rc;
}
