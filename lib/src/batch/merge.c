/* tcpl_batch_merge: the outputs of several runs (the shards of one batch)
 * joined into one, as if one run had listed every input.  Each folder's
 * summary.jsonl gives the records; each result file is checked, hashed
 * and copied; then batch_finish writes the summaries and the report as a
 * run does.  Folders come from other machines: every line and every
 * result is untrusted (names are checked before a path is made of them,
 * sizes are bounded). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"
#include "batch/internal.h"

/* One line of summary.jsonl: a path (at most a few KB once escaped), a
 * unit, kind, number, date, a note.  A longer line is not a summary. */
#define MERGE_MAX_LINE (1u << 20)

static int status_of(const char *s)
{
    for (int i = 0; i < BREC_TODO; i++)
        if (s && !strcmp(s, brec_status_name(i)))
            return i;
    return -1;
}

static int bad(tcpl_error *err, const char *dir, const char *what)
{
    return tcpl_err(err, TCPL_ERR_IO, "merge.bad_input", dir, NULL, "%s", what);
}

static const char *jget(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A result's file name as a summary gives it ("results/NAME"): one plain
 * name, never a path out of the folder. */
static const char *result_name(const char *s)
{
    if (!s || strncmp(s, "results/", 8))
        return NULL;
    s += 8;
    size_t n = strlen(s);
    if (!n || n > BATCH_NAME_BYTES + 32 || s[0] == '.' || strchr(s, '/') || strchr(s, '\\'))
        return NULL;
    return s;
}

/* One summary line as a record; -1 when it is not one, -2 when memory is
 * out. */
static int rec_from_line(brec *r, const char *dir, const char *line, size_t len)
{
    memset(r, 0, sizeof *r);
    json_error_t je;
    json_t *j = json_loadb(line, len, 0, &je);
    const char *file = json_string_value(json_object_get(j, "file"));
    int st = status_of(json_string_value(json_object_get(j, "status")));
    json_t *res = json_object_get(j, "result"), *counts = json_object_get(j, "counts");
    const char *name = result_name(json_string_value(res));
    /* A checked or unreadable input has its result; a skipped one none. */
    if (!json_is_object(j) || !file || st < 0 || !json_is_object(counts) ||
        (st == BREC_SKIPPED ? !json_is_null(res) : !name)) {
        json_decref(j);
        return -1;
    }
    r->status = (uint8_t)st;
    static const char *const keys[] = {"loi", "canh-bao", "goi-y"};
    for (int s = 0; s < 3; s++) {
        json_int_t v = json_integer_value(json_object_get(counts, keys[s]));
        r->counts[s] = v <= 0 ? 0 : v >= (json_int_t)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    }
    const char *note = jget(j, "note");
    r->shown = strdup(file);
    r->note = note ? strdup(note) : NULL;
    int rc = r->shown && (!note || r->note) &&
                     brec_set_meta(r, jget(j, "unit"), jget(j, "kind"), jget(j, "number"),
                                   jget(j, "date")) == 0
                 ? 0
                 : -2;
    if (name) {
        r->result = strdup(name);
        tcpl_buf p;
        tcpl_buf_init(&p);
        tcpl_buf_printf(&p, "%s/results/%s", dir, name);
        r->path = tcpl_buf_ok(&p) ? tcpl_buf_detach(&p, NULL) : NULL;
        tcpl_buf_free(&p);
        if (!r->result || !r->path)
            rc = -2;
    } else {
        r->path = strdup(file);
        if (!r->path)
            rc = -2;
    }
    json_decref(j);
    return rc;
}

/* Reads one folder's summary.jsonl into recs. */
static int read_summary(tcpl_vec *recs, bspill *spill, const char *dir, tcpl_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return bad(err, dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return bad(err, dir, strerror(ENOTDIR));
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/summary.jsonl", dir);
    if (!tcpl_buf_ok(&p))
        return TCPL_NOMEM(err, dir);
    FILE *f = fopen(p.data, "rb");
    tcpl_buf_free(&p);
    if (!f)
        return bad(err, dir, "summary.jsonl");
    tcpl_buf line;
    tcpl_buf_init(&line);
    char chunk[8192];
    size_t lineno = 0;
    int rc = 0;
    for (;;) {
        tcpl_buf_reset(&line);
        int got = 0, nl = 0;
        while (fgets(chunk, sizeof chunk, f)) {
            size_t n = strlen(chunk);
            got = 1;
            nl = n && chunk[n - 1] == '\n';
            tcpl_buf_put(&line, chunk, n - (size_t)nl);
            if (nl || line.len > MERGE_MAX_LINE)
                break;
        }
        if (!got)
            break;
        lineno++;
        char what[64];
        snprintf(what, sizeof what, "summary.jsonl:%zu", lineno);
        if (!tcpl_buf_ok(&line)) {
            rc = TCPL_NOMEM(err, dir);
            break;
        }
        if (!nl || line.len > MERGE_MAX_LINE) { /* cut short, or not a summary */
            rc = bad(err, dir, what);
            break;
        }
        if (recs->len >= BATCH_MAX_INPUTS) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "batch.too_many", dir, NULL, "%d", BATCH_MAX_INPUTS);
            break;
        }
        brec r;
        int k = rec_from_line(&r, dir, line.data ? line.data : "", line.len);
        brec *slot = k == 0 ? tcpl_vec_push(recs) : NULL;
        if (slot)
            *slot = r;
        else if (k == 0)
            k = -2;
        if (k < 0) {
            brec_free(&r);
            rc = k == -1 ? bad(err, dir, what) : TCPL_NOMEM(err, dir);
            break;
        }
        /* its strings to the spill; the result's name stays: the merge
         * still checks and copies it */
        if ((rc = brec_settle(spill, slot, 1, err)) < 0)
            break;
    }
    if (rc == 0 && ferror(f))
        rc = bad(err, dir, "summary.jsonl");
    fclose(f);
    tcpl_buf_free(&line);
    return rc;
}

/* A result file's bytes (bounded), malloc'd into *out. */
static int read_result(const brec *r, char **out, size_t *len, tcpl_error *err)
{
    int fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    char *buf = NULL;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (unsigned long long)st.st_size <= BATCH_MAX_RESULT_BYTES) {
        buf = malloc((size_t)st.st_size);
        if (!buf) {
            close(fd);
            return TCPL_NOMEM(err, r->path);
        }
        if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)st.st_size;
    }
    int e = fd < 0 ? errno : EINVAL;
    if (fd >= 0)
        close(fd);
    *out = buf;
    return buf ? 0 : bad(err, r->path, strerror(e));
}

/* The result of r parses, names r's input, and gives its hash. */
static int check_result(brec *r, tcpl_error *err)
{
    size_t len = 0;
    char *buf = NULL;
    int rc = read_result(r, &buf, &len, err);
    if (rc < 0)
        return rc;
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    free(buf);
    json_t *b = json_object_get(root, "batch");
    const char *src = json_string_value(json_object_get(b, "source"));
    json_t *h = json_object_get(b, "hash");
    const char *hex = json_string_value(h);
    int ok =
        src && !strcmp(src, r->shown) &&
        status_of(json_string_value(json_object_get(b, "status"))) == r->status &&
        (json_is_null(h) || (hex && strlen(hex) == 16 && strspn(hex, "0123456789abcdef") == 16));
    if (ok && hex) {
        r->hash = (uint64_t)strtoull(hex, NULL, 16);
        r->has_hash = 1;
    }
    json_decref(root);
    return ok ? 0 : bad(err, r->path, "!= summary.jsonl");
}

static int copy_result(const brec *r, const char *results_dir, tcpl_error *err)
{
    size_t len = 0;
    char *buf = NULL;
    int rc = read_result(r, &buf, &len, err);
    if (rc < 0)
        return rc;
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/%s", results_dir, r->result);
    if (!tcpl_buf_ok(&p)) {
        rc = TCPL_NOMEM(err, r->path);
    } else {
        bout o;
        rc = bout_open(&o, p.data, err);
        if (rc == 0) {
            fwrite(buf, 1, len, o.f);
            rc = bout_commit(&o, 0, err);
        }
    }
    tcpl_buf_free(&p);
    free(buf);
    return rc;
}

/* As a run lists them (batch_rec_cmp: by the path as shown); one input met
 * twice has the same shown path and the same result name. */
static int by_input(const void *a, const void *b)
{
    const brec *x = a, *y = b;
    int c = strcmp(x->shown, y->shown);
    if (!c)
        c = strcmp(x->result ? x->result : "", y->result ? y->result : "");
    return c ? c : (x->status > y->status) - (x->status < y->status);
}

int tcpl_batch_merge(tcpl_batch_totals *out, const tcpl_ctx *ctx, const tcpl_batch_merge_options *o,
                     tcpl_error *err)
{
    memset(out, 0, sizeof *out);
    if (!ctx || !o || !o->out_dir || !*o->out_dir || !o->ninputs || !o->inputs)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "%s", "tcpl_batch_merge");
    tcpl_vec recs = TCPL_VEC_INIT(brec);
    roster ros;
    memset(&ros, 0, sizeof ros);
    int have_roster = 0, rc = 0, made = 0;
    tcpl_buf rdir;
    tcpl_buf_init(&rdir);
    bspill spill;
    bspill_init(&spill);
    if (o->roster) {
        TCPL_CHECK(roster_load(&ros, o->roster, err));
        have_roster = 1;
    }
    /* Everything read and checked before anything is written: the spill
     * is an unlinked file, and the output folder, when made for it, is
     * removed again if the inputs fail. */
    struct stat st;
    made = stat(o->out_dir, &st) != 0;
    TCPL_CHECK(batch_make_dir(o->out_dir, err));
    TCPL_CHECK(bspill_open(&spill, o->out_dir, err));
    for (size_t i = 0; i < o->ninputs; i++)
        TCPL_CHECK(read_summary(&recs, &spill, o->inputs[i], err));
    brec *a = TCPL_VEC_DATA(&recs, brec);
    if (recs.len > 1)
        qsort(a, recs.len, sizeof *a, by_input);
    size_t k = 0;
    for (size_t i = 0; i < recs.len; i++) {
        if (k && !by_input(&a[k - 1], &a[i]))
            brec_free(&a[i]); /* the same input in two folders */
        else
            a[k++] = a[i];
    }
    recs.len = k;
    for (size_t i = 0; i < recs.len; i++)
        if (a[i].result)
            TCPL_CHECK(check_result(&a[i], err));
    made = 0;
    tcpl_buf_printf(&rdir, "%s/results", o->out_dir);
    if (!tcpl_buf_ok(&rdir)) {
        rc = TCPL_NOMEM(err, o->out_dir);
        goto out;
    }
    TCPL_CHECK(batch_make_dir(o->out_dir, err));
    TCPL_CHECK(batch_make_dir(rdir.data, err));
    batch_sweep_temps(o->out_dir);
    batch_sweep_temps(rdir.data);
    for (size_t i = 0; i < recs.len; i++)
        if (a[i].result) {
            TCPL_CHECK(copy_result(&a[i], rdir.data, err));
            free(a[i].result); /* in the spill too */
            a[i].result = NULL;
        }
    TCPL_CHECK(batch_finish(out, ctx, a, recs.len, &spill, have_roster ? &ros : NULL, o->out_dir,
                            o->today, o->deadline, 1, err));
out:
    for (size_t i = 0; i < recs.len; i++)
        brec_free(&TCPL_VEC_AT(&recs, brec, i));
    tcpl_vec_free(&recs);
    bspill_close(&spill);
    if (rc < 0 && made)
        rmdir(o->out_dir);
    if (have_roster)
        roster_free(&ros);
    tcpl_buf_free(&rdir);
    return rc;
}
