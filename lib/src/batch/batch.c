/* tcpl_batch_run: inputs listed (walk.c), checked on a pool of threads,
 * one result file each, then the summaries and the report (report.c).
 * Only the public API reads and checks documents; the context, extractor
 * and checker are shared read-only by every thread. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/embedded.h"
#include "base/error.h"
#include "batch/annotated.h"
#include "batch/internal.h"
#include "tcpl/docx.h"
#include "tcpl/io.h"

typedef struct run {
    const tcpl_ctx *ctx;
    const tcpl_extractor *ex;
    const tcpl_checker *ck;
    const tcpl_batch_options *o;
    tcpl_check_options co;
    char *results_dir;
    int results_fd; /* results_dir, open: results are made relative to it */
    int results_empty; /* nothing in results_dir at the start: no result to reuse, none looked up */
    char rules[17]; /* fingerprint of everything besides the input that shapes a result */
    brec *recs;
    size_t n;
    pthread_mutex_t mu;
    size_t next;
    tcpl_batch_progress prog;
    int fatal; /* the first error that stops the run (disk full, no memory) */
    tcpl_error fatal_err;
    /* Styles and numbering parts byte-identical across submissions (one
     * province's template) parsed once and shared by every worker's reader;
     * NULL if it could not be made (then each part is parsed per file). */
    tcpl_part_cache *cache;
    bspill spill; /* the records' strings, until the outputs are written */
} run;

static int status_of(const char *s)
{
    for (int i = 0; i < BREC_TODO; i++)
        if (s && !strcmp(s, brec_status_name(i)))
            return i;
    return -1;
}

/* A JSON string of s, escaped first when it is not UTF-8 (jansson refuses
 * it).  NULL only when memory is out. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (j)
        return j;
    char *e = NULL;
    if (tcpl_escape_text(&e, s, 0, NULL) < 0)
        return NULL;
    j = json_string(e);
    free(e);
    return j;
}

static const char *jget(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The record's unit, kind, number and date from a result's "meta" (the
 * title is in the result, not in the summaries); -1 when memory is out. */
static int rec_meta(brec *r, json_t *meta)
{
    if (!meta) {
        free(r->meta);
        r->meta = NULL;
        return 0;
    }
    return brec_set_meta(r, jget(meta, "authority"), jget(meta, "kind"), jget(meta, "number"),
                         jget(meta, "date"));
}

/* A count as a record holds it: what a result says, bounded. */
static uint32_t count_of(json_t *counts, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(counts, key));
    return v <= 0 ? 0 : v >= (json_int_t)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Fills the record from its result (new or reused): one path for both, so
 * a reused result reports exactly what a fresh one would. */
static int rec_from_json(brec *r, json_t *root)
{
    json_t *b = json_object_get(root, "batch"), *meta = json_object_get(root, "meta");
    int st = status_of(jget(b, "status"));
    if (st < 0)
        return -1;
    r->status = (uint8_t)st;
    json_t *counts = json_object_get(root, "counts");
    r->counts[TCPL_SEV_LOI] = count_of(counts, "loi");
    r->counts[TCPL_SEV_CANH_BAO] = count_of(counts, "canh-bao");
    r->counts[TCPL_SEV_GOI_Y] = count_of(counts, "goi-y");
    if (rec_meta(r, meta) < 0)
        return -1;
    json_t *e = json_object_get(root, "error");
    const char *m = e ? jget(e, "message") : NULL;
    free(r->note);
    r->note = m ? strdup(m) : NULL;
    return m && !r->note ? -1 : 0;
}

static json_t *batch_obj(run *R, const brec *r, size_t size, int status)
{
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)r->hash);
    json_t *b = json_pack("{s:o, s:o, s:I, s:s, s:s}", "source", jstr(r->shown), "hash",
                          r->has_hash ? json_string(hex) : json_null(), "size", (json_int_t)size,
                          "rules", R->rules, "status", brec_status_name(status));
    /* a converted .doc: source is the .doc, the bytes checked the .docx's */
    if (b && r->converted && json_object_set_new(b, "converted", jstr(r->converted)) < 0) {
        json_decref(b);
        return NULL;
    }
    return b;
}

/* The record of an input that could not be read. */
static json_t *error_json(run *R, const brec *r, size_t size, const tcpl_error *err)
{
    tcpl_error e = *err;
    e.file[0] = 0;
    char msg[1024];
    tcpl_error_format(R->ctx, &e, msg, sizeof msg);
    char *m = NULL;
    if (tcpl_escape_text(&m, msg, 0, NULL) < 0)
        return NULL;
    json_t *j = json_pack("{s:o, s:{s:s, s:s, s:s}, s:o}", "file", jstr(r->shown), "error", "code",
                          tcpl_status_name(err->code), "id", err->id ? err->id : "", "message", m,
                          "batch", batch_obj(R, r, size, BREC_ERROR));
    free(m);
    return j;
}

/* What report.html shows of a document's findings (batch_fnd_add), made
 * from the findings themselves: the values its result's "findings" holds,
 * so the same as batch_fnd_json of the result read back (tcpl_findings_json
 * writes each finding's severity name, block, section, message, basis,
 * excerpt, and its fix when not empty; it fails rather than write a string
 * that is not UTF-8, so each reads back as the same bytes). */
static void findings_fnd(tcpl_buf *b, const tcpl_findings *f)
{
    batch_fnd_start(b, 1);
    for (size_t i = 0; i < tcpl_findings_count(f); i++) {
        const tcpl_finding *g = tcpl_findings_get(f, i);
        /* the result holds the fix only when jansson took it (not empty,
         * UTF-8): the same test */
        json_t *fix = g->fix[0] ? json_string(g->fix) : NULL;
        batch_fnd_add(b, (int)g->severity, g->block < 0, g->section, g->message,
                      fix ? g->fix : NULL, g->basis, g->excerpt);
        json_decref(fix);
    }
}

/* The check of one document, as its result line (no newline): the findings
 * JSON with "meta" and "batch" spliced in before its closing brace (the
 * bytes json_dumps would write for the whole object, without parsing the
 * findings back), and the record filled from the same values; fnd gets
 * what report.html shows of the findings.  With --annotate the object is
 * parsed once more: the annotated copy adds its key. */
static int process_doc(run *R, tcpl_reader *rd, brec *r, const void *data, size_t len, char **out,
                       tcpl_buf *fnd, tcpl_error *err)
{
    tcpl_doc *doc = NULL;
    tcpl_extraction *x = NULL;
    tcpl_findings *f = NULL;
    char *s = NULL;
    size_t slen = 0;
    *out = NULL;
    int rc = rd ? tcpl_reader_read_memory(rd, &doc, data, len, r->shown, err)
                : tcpl_docx_read_memory(&doc, R->ctx, data, len, r->shown, err);
    if (rc == 0)
        rc = tcpl_extract(&x, R->ex, doc, err);
    if (rc == 0)
        rc = tcpl_check(&f, R->ck, doc, x, &R->co, err);
    if (rc == 0)
        rc = tcpl_findings_json(&s, &slen, f, x, 0, err);
    if (rc == 0) {
        const tcpl_xmeta *m = tcpl_extraction_meta(x);
        const char *date = m->date.iso ? m->date.iso : m->date.text;
        int st = tcpl_findings_at(f, TCPL_SEV_LOI) ? BREC_LOI : BREC_OK;
        json_t *meta = json_pack("{s:o, s:o, s:o, s:o, s:o}", "authority", jstr(m->authority),
                                 "kind", jstr(m->kind), "number", jstr(m->number), "date",
                                 jstr(date), "title", jstr(m->title));
        json_t *bo = batch_obj(R, r, len, st);
        char *ms = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
        char *bs = bo ? json_dumps(bo, JSON_COMPACT) : NULL;
        /* the findings object's closing brace (a newline follows it) */
        while (slen && s[slen - 1] != '}')
            slen--;
        tcpl_buf b;
        tcpl_buf_init(&b);
        if (ms && bs && slen >= 2) {
            tcpl_buf_put(&b, s, slen - 1);
            tcpl_buf_printf(&b, "%s\"meta\":%s,\"batch\":%s}", s[slen - 2] == '{' ? "" : ",", ms,
                            bs);
        }
        char *text = ms && bs && slen >= 2 ? tcpl_buf_detach(&b, NULL) : NULL;
        tcpl_buf_free(&b);
        if (text) {
            r->status = st;
            for (int k = 0; k < 3; k++)
                r->counts[k] = tcpl_findings_at(f, (tcpl_severity)k);
            if (rec_meta(r, meta) < 0) {
                free(text);
                text = NULL;
            }
            findings_fnd(fnd, f);
        }
        if (text && R->o->annotate) {
            json_error_t je;
            json_t *root = json_loads(text, 0, &je);
            free(text);
            text = NULL;
            if (root && batch_annotate(root, R->ctx, R->o, r->result, data, len, r->shown, doc, x,
                                       f, err) == 0)
                text = json_dumps(root, JSON_COMPACT);
            else if (root)
                rc = err->code;
            json_decref(root);
        }
        free(ms);
        free(bs);
        json_decref(meta);
        json_decref(bo);
        if (text)
            *out = text;
        else if (rc == 0)
            rc = TCPL_NOMEM(err, r->path);
    }
    free(s);
    tcpl_findings_free(f);
    tcpl_extraction_free(x);
    tcpl_doc_free(doc);
    return rc;
}

/* An earlier result for the same bytes, rules and name, or NULL. */
static json_t *reusable(run *R, const brec *r)
{
    if (R->results_empty)
        return NULL;
    json_t *root = batch_load_json(R->results_fd, r->result, 1);
    json_t *b = json_object_get(root, "batch");
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)r->hash);
    const char *h = jget(b, "hash"), *rules = jget(b, "rules"), *src = jget(b, "source");
    if (!b || !h || strcmp(h, hex) || !rules || strcmp(rules, R->rules) || !src ||
        strcmp(src, r->shown) || status_of(jget(b, "status")) < 0) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static void set_fatal(run *R, const tcpl_error *err)
{
    pthread_mutex_lock(&R->mu);
    if (!R->fatal) {
        R->fatal = 1;
        R->fatal_err = *err;
    }
    pthread_mutex_unlock(&R->mu);
}

/* The result's name: the input's base name made safe (no control
 * characters, no bytes that are not UTF-8, no leading dot), cut, then a
 * hash of the input's full path so that two inputs with one name differ. */
static int result_name(brec *r, const char *real)
{
    const char *full = real ? real : r->path;
    uint32_t h = (uint32_t)(batch_fnv(BATCH_FNV_INIT, full, strlen(full)) >> 16);
    const char *b = strrchr(r->shown, '/') ? strrchr(r->shown, '/') + 1 : r->shown;
    size_t n = strlen(b);
    const char *dot = strrchr(b, '.');
    if (dot && dot != b)
        n = (size_t)(dot - b);
    tcpl_buf s;
    tcpl_buf_init(&s);
    for (size_t i = 0; i < n && s.len < BATCH_NAME_BYTES;) {
        unsigned char c = (unsigned char)b[i];
        size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + k > n || s.len + k > BATCH_NAME_BYTES)
            break;
        if (c < 0x20 || c == 0x7f || c == '\\' || (c == '.' && s.len == 0) || c == '"' ||
            c == '<' || c == '>' || c == ':' || c == '|' || c == '?' || c == '*')
            tcpl_buf_putc(&s, '_');
        else
            tcpl_buf_put(&s, b + i, k);
        i += k;
    }
    tcpl_buf_printf(&s, "-%08x.json", (unsigned)h);
    if (!tcpl_buf_ok(&s)) {
        tcpl_buf_free(&s);
        return -1;
    }
    r->result = tcpl_buf_detach(&s, NULL);
    return 0;
}

/* A converted .doc's note: "converted from .doc with LibreOffice", before
 * the error message when the converted file could not be read. */
static int converted_note(run *R, brec *r)
{
    if (!r->converted)
        return 0;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, tcpl_msg(R->ctx, "batch.converted"));
    if (r->note)
        tcpl_buf_printf(&b, "; %s", r->note);
    free(r->note);
    r->note = tcpl_buf_ok(&b) ? tcpl_buf_detach(&b, NULL) : NULL;
    tcpl_buf_free(&b);
    return r->note ? 0 : -1;
}

static int by_rec(const void *a, const void *b)
{
    return batch_rec_cmp(a, b);
}

typedef struct conv_key {
    const char *key; /* a converted .docx as given, or a .doc's real path */
    size_t idx;
} conv_key;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const conv_key *)a)->key, ((const conv_key *)b)->key);
}

static const conv_key *conv_find(const conv_key *v, size_t n, const char *key)
{
    conv_key k = {key, 0};
    return n ? bsearch(&k, v, n, sizeof *v, by_key) : NULL;
}

/* --convert-doc: each converted .docx takes its .doc's name, and the .doc
 * (found in a folder walked) is no longer listed as skipped.  The .doc is
 * known by its real path, so "dir/x.doc" and "dir//x.doc" are one file.
 * Sorted keys: a look-up per input, whatever the number converted. */
static int apply_converted(tcpl_vec *recs, const tcpl_batch_options *o, tcpl_error *err)
{
    size_t m = o->nconverted;
    if (!m)
        return 0;
    brec *a = TCPL_VEC_DATA(recs, brec);
    char **real = calloc(m, sizeof *real);
    conv_key *to = malloc(m * sizeof *to), *from = malloc(m * sizeof *from);
    int rc = 0;
    if (!real || !to || !from) {
        rc = TCPL_NOMEM(err, o->out_dir);
        goto out;
    }
    size_t nfrom = 0;
    for (size_t c = 0; c < m; c++) {
        to[c] = (conv_key){o->converted_to[c], c};
        if ((real[c] = realpath(o->converted_from[c], NULL)) != NULL)
            from[nfrom++] = (conv_key){real[c], c};
    }
    qsort(to, m, sizeof *to, by_key);
    qsort(from, nfrom, sizeof *from, by_key);
    size_t k = 0;
    for (size_t i = 0; i < recs->len; i++) {
        brec *r = &a[i];
        int drop = 0;
        const conv_key *hit;
        if (rc == 0 && r->status != BREC_SKIPPED && (hit = conv_find(to, m, r->path)) != NULL) {
            char *shown = NULL;
            if (tcpl_escape_text(&shown, o->converted_from[hit->idx], 0, err) < 0)
                rc = err->code;
            else if (r->shown == r->path && !(r->converted = strdup(r->path))) {
                free(shown);
                rc = TCPL_NOMEM(err, r->path);
            } else {
                if (!r->converted)
                    r->converted = r->shown;
                r->shown = shown;
            }
        } else if (rc == 0 && r->status == BREC_SKIPPED && r->skip &&
                   !strcmp(r->skip, "batch.skip_doc")) {
            char *rp = realpath(r->path, NULL);
            drop = rp && conv_find(from, nfrom, rp) != NULL;
            free(rp);
        }
        if (drop)
            brec_free(r);
        else
            a[k++] = *r;
    }
    recs->len = k;
    if (rc == 0)
        qsort(a, k, sizeof *a, by_rec);
out:
    for (size_t c = 0; real && c < m; c++)
        free(real[c]);
    free(real);
    free(to);
    free(from);
    return rc;
}

/* The result to the on_result callback: text as written, or root (reused)
 * as json_dumps writes it. */
static void emit(run *R, json_t *root, const char *text)
{
    if (!R->o->on_result || (!root && !text))
        return;
    char *line = text ? NULL : json_dumps(root, JSON_COMPACT);
    if (!text && !line)
        return;
    pthread_mutex_lock(&R->mu);
    R->o->on_result(R->o->user, text ? text : line, strlen(text ? text : line));
    pthread_mutex_unlock(&R->mu);
    free(line);
}

/* Inputs up to this size are read into the worker's buffer (kept from one
 * input to the next); larger ones (pictures in an evidence file) are
 * mapped, so a worker never keeps more than this.  Plans are 10-100 KB.
 * Reading instead of mapping spares the munmap per input, which with two
 * workers is a TLB shoot-down on the other core each time. */
#define BATCH_READ_BYTES (1u << 20)

/* What one worker keeps from one input to the next. */
typedef struct wstate {
    tcpl_reader *rd; /* NULL (no memory): each file read on its own */
    tcpl_buf in;     /* an input's bytes */
    char tmp[64];    /* this worker's temporary name in results/ */
    tcpl_buf fnd;    /* the input's findings for report.html (batch_fnd_start) */
    int fnd_ok;      /* fnd holds them */
    tcpl_buf dir;    /* the last input's folder, as walked */
    char *dir_real;  /* its real path, NULL: unknown */
    int have_dir;
    int dir_slash; /* the path had a slash ("/x" and "x": both an empty folder part) */
} wstate;

/* The real path of an input that is not a symbolic link (the result's
 * name hashes it): the folder's real path once per folder (inputs come
 * sorted, a folder's files together), then the name.  NULL when unknown:
 * then realpath() of the whole path decides, as for a link. */
static char *real_path(wstate *w, const char *path, int is_link)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dl = slash ? (size_t)(slash - path) : 0;
    if (is_link || !*base || !strcmp(base, ".") || !strcmp(base, ".."))
        return realpath(path, NULL);
    if (!w->have_dir || w->dir_slash != (slash != NULL) || w->dir.len != dl ||
        memcmp(w->dir.data ? w->dir.data : "", path, dl)) {
        free(w->dir_real);
        w->dir_real = NULL;
        tcpl_buf_reset(&w->dir);
        tcpl_buf_put(&w->dir, path, dl);
        tcpl_buf_putc(&w->dir, 0);
        w->dir.len = dl;
        w->dir_slash = slash != NULL;
        w->have_dir = tcpl_buf_ok(&w->dir);
        if (w->have_dir)
            w->dir_real = realpath(dl ? w->dir.data : slash ? "/" : ".", NULL);
    }
    if (!w->have_dir || !w->dir_real)
        return realpath(path, NULL);
    size_t rl = strlen(w->dir_real), bl = strlen(base);
    int sep = rl && w->dir_real[rl - 1] != '/';
    char *full = malloc(rl + (size_t)sep + bl + 1);
    if (!full)
        return realpath(path, NULL);
    memcpy(full, w->dir_real, rl);
    if (sep)
        full[rl] = '/';
    memcpy(full + rl + (size_t)sep, base, bl + 1);
    return full;
}

/* The input's bytes: read into w->in, or mapped when larger than
 * BATCH_READ_BYTES (*mapped set).  MAP_FAILED with err filled when they
 * cannot be had. */
static const void *input_bytes(wstate *w, brec *r, int fd, size_t *len, int *mapped,
                               tcpl_error *err)
{
    struct stat st;
    *len = 0;
    *mapped = 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        tcpl_err(err, TCPL_ERR_IO, "err.not_regular", r->shown, NULL, "%s", "fstat");
        return MAP_FAILED;
    }
    size_t want = (size_t)st.st_size;
    if (want > BATCH_READ_BYTES) {
        void *m = mmap(NULL, want, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
            tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", strerror(errno));
        else {
            *len = want;
            *mapped = 1;
        }
        return m;
    }
    tcpl_buf_reset(&w->in);
    if (tcpl_buf_reserve(&w->in, want + 1) < 0) {
        TCPL_NOMEM(err, r->path);
        return MAP_FAILED;
    }
    size_t got = 0;
    while (got < want) { /* a file cut short meanwhile: what is there */
        ssize_t n = read(fd, w->in.data + got, want - got);
        if (n > 0)
            got += (size_t)n;
        else if (n == 0)
            break;
        else if (errno != EINTR) {
            tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", strerror(errno));
            return MAP_FAILED;
        }
    }
    *len = got;
    return w->in.data ? (const void *)w->in.data : (const void *)"";
}

static void process(run *R, wstate *w, brec *r)
{
    tcpl_error err;
    tcpl_error_clear(&err);
    w->fnd_ok = 0;
    w->fnd.len = 0; /* (no findings of the last input left, even when the buffer failed) */
    if (r->status == BREC_SKIPPED) {
        tcpl_buf b;
        tcpl_buf_init(&b);
        tcpl_msg_subst(&b, tcpl_msg(R->ctx, r->skip), r->skip_detail);
        r->note = tcpl_buf_ok(&b) ? tcpl_buf_detach(&b, NULL) : NULL;
        tcpl_buf_free(&b);
        json_t *j = json_pack("{s:o, s:s, s:s, s:o}", "file", jstr(r->shown), "status", "skipped",
                              "reason", r->skip, "note", jstr(r->note));
        emit(R, j, NULL);
        json_decref(j);
        return;
    }
    /* The input opened without following a last symbolic link: a link
     * (ELOOP) is opened again through it, and its real path asked whole;
     * any other file's real path is its folder's and its name. */
    const int oflags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    int fd = open(r->path, oflags | O_NOFOLLOW), link = 0;
    if (fd < 0 && errno == ELOOP) {
        link = 1;
        fd = open(r->path, oflags);
    }
    int open_errno = errno;
    char *real = fd >= 0 ? real_path(w, r->path, link) : realpath(r->path, NULL);
    int named = result_name(r, real);
    free(real);
    tcpl_buf path;
    tcpl_buf_init(&path);
    if (named == 0)
        tcpl_buf_printf(&path, "%s/%s", R->results_dir, r->result);
    if (named < 0 || !tcpl_buf_ok(&path)) {
        if (fd >= 0)
            close(fd);
        tcpl_buf_free(&path);
        TCPL_NOMEM(&err, r->path);
        set_fatal(R, &err);
        return;
    }
    /* The bytes: hashed, then read from memory. */
    const void *data = MAP_FAILED;
    size_t len = 0;
    int mapped = 0;
    json_t *root = NULL; /* a reused result */
    char *text = NULL;   /* a result written now */
    if (fd < 0)
        tcpl_err(&err, TCPL_ERR_IO, open_errno == EISDIR ? "err.is_directory" : "err.io_open",
                 r->shown, NULL, "%s", strerror(open_errno));
    else {
        data = input_bytes(w, r, fd, &len, &mapped, &err);
        close(fd);
    }
    if (data != MAP_FAILED) {
        r->hash = batch_fnv(BATCH_FNV_INIT, data, len);
        r->has_hash = 1;
        if ((root = reusable(R, r)) != NULL) {
            r->reused = 1;
        } else {
            /* Any failure, out of memory included, is this file's result:
             * the run goes on with the others. */
            (void)process_doc(R, w->rd, r, data, len, &text, &w->fnd, &err);
        }
        if (mapped)
            munmap((void *)data, len);
    }
    if (!root && !text) {
        if (r->status != BREC_TODO) { /* filled before the failure: start again */
            for (int k = 0; k < 3; k++)
                r->counts[k] = 0;
            free(r->meta);
            r->meta = NULL;
        }
        root = error_json(R, r, len, &err);
        if (root && rec_from_json(r, root) == 0)
            text = json_dumps(root, JSON_COMPACT);
    } else if (root && rec_from_json(r, root) < 0) {
        json_decref(root);
        root = NULL;
    } else if (root) {
        batch_fnd_json(&w->fnd, root); /* a reused result's findings */
    } /* else a new result's, made by process_doc */
    w->fnd_ok = (root || text) && (r->status == BREC_OK || r->status == BREC_LOI) &&
                tcpl_buf_ok(&w->fnd) && w->fnd.len > 0;
    if ((!root && !text) || (!r->reused && !text) || converted_note(R, r) < 0) {
        TCPL_NOMEM(&err, r->path);
        set_fatal(R, &err);
    } else if (!r->reused) {
        tcpl_error werr;
        if (batch_put_line(R->results_fd, r->result, w->tmp, text, strlen(text), path.data,
                           &werr) < 0)
            set_fatal(R, &werr);
    }
    emit(R, root, text);
    json_decref(root);
    free(text);
    tcpl_buf_free(&path);
}

typedef struct wstart {
    run *R;
    unsigned id;
} wstart;

static void *worker(void *arg)
{
    wstart *ws = arg;
    run *R = ws->R;
    wstate w;
    memset(&w, 0, sizeof w);
    tcpl_buf_init(&w.in);
    tcpl_buf_init(&w.fnd);
    tcpl_buf_init(&w.dir);
    /* Its own temporary name: free again once renamed, so the workers never
     * ask for one name twice; the pid keeps runs apart. */
    snprintf(w.tmp, sizeof w.tmp, BATCH_TMP_PREFIX "%ld-%u", (long)getpid(), ws->id);
    /* One reader per worker: its buffers keep their capacity from one
     * document to the next.  Without one (no memory), each file is read on
     * its own: slower, the same results. */
    tcpl_error rerr;
    if (tcpl_reader_new(&w.rd, R->ctx, R->cache, &rerr) < 0)
        w.rd = NULL;
    for (;;) {
        pthread_mutex_lock(&R->mu);
        if (R->fatal || R->next >= R->n) {
            pthread_mutex_unlock(&R->mu);
            break;
        }
        brec *r = &R->recs[R->next++];
        pthread_mutex_unlock(&R->mu);
        process(R, &w, r);
        tcpl_error serr; /* its strings and findings to the spill (record API, internal.h) */
        if (brec_settle_fnd(&R->spill, r, 0, w.fnd_ok ? w.fnd.data : NULL, w.fnd.len, &serr) < 0)
            set_fatal(R, &serr);
        pthread_mutex_lock(&R->mu);
        R->prog.done++;
        if (r->reused)
            R->prog.reused++;
        else if (r->status == BREC_OK || r->status == BREC_LOI)
            R->prog.checked++;
        if (R->o->progress)
            R->o->progress(R->o->user, &R->prog);
        pthread_mutex_unlock(&R->mu);
    }
    tcpl_reader_free(w.rd);
    tcpl_buf_free(&w.in);
    tcpl_buf_free(&w.fnd);
    tcpl_buf_free(&w.dir);
    free(w.dir_real);
    return NULL;
}

/* Everything besides the input that shapes a result: the version, the
 * language, the packs asked for and loaded, every data file as this
 * context sees it (a data dir overrides the built-in copies). */
static void fingerprint(run *R)
{
    uint64_t h = BATCH_FNV_INIT;
    const char *v = tcpl_version();
    h = batch_fnv(h, v, strlen(v) + 1);
    const char *lang = tcpl_ctx_lang(R->ctx);
    h = batch_fnv(h, lang, strlen(lang) + 1);
    for (size_t i = 0; i < R->o->npacks; i++)
        h = batch_fnv(h, R->o->packs[i], strlen(R->o->packs[i]) + 1);
    h = batch_fnv(h, "|", 1);
    for (size_t i = 0; i < tcpl_checker_pack_count(R->ck); i++) {
        const char *id = tcpl_checker_pack_id(R->ck, i);
        h = batch_fnv(h, id, strlen(id) + 1);
    }
    if (R->o->rules_salt)
        h = batch_fnv(h, R->o->rules_salt, strlen(R->o->rules_salt) + 1);
    for (const tcpl_embedded_file *f = tcpl_embedded_files; f->name; f++) {
        const char *data;
        size_t len;
        h = batch_fnv(h, f->name, strlen(f->name) + 1);
        if (tcpl_ctx_data(&data, &len, R->ctx, f->name, NULL) == 0)
            h = batch_fnv(h, data, len);
    }
    snprintf(R->rules, sizeof R->rules, "%016llx", (unsigned long long)h);
}

int batch_make_dir(const char *path, tcpl_error *err)
{
    if (mkdir(path, 0777) == 0)
        return 0;
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return tcpl_err(err, TCPL_ERR_IO, "batch.out_dir", path, NULL, "%s",
                    errno == EEXIST ? strerror(ENOTDIR) : strerror(errno));
}

typedef struct hashidx {
    uint64_t hash;
    size_t idx;
} hashidx;

static int by_hash(const void *a, const void *b)
{
    const hashidx *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Inputs with the same bytes as an earlier one (in path order). */
static int mark_duplicates(brec *recs, size_t n)
{
    hashidx *a = malloc((n ? n : 1) * sizeof *a);
    if (!a)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (recs[i].has_hash && recs[i].status != BREC_SKIPPED)
            a[k++] = (hashidx){recs[i].hash, i};
    qsort(a, k, sizeof *a, by_hash);
    for (size_t i = 1; i < k; i++)
        if (a[i].hash == a[i - 1].hash)
            recs[a[i].idx].dup_of =
                recs[a[i - 1].idx].dup_of >= 0 ? recs[a[i - 1].idx].dup_of : (int32_t)a[i - 1].idx;
    free(a);
    return 0;
}

int batch_finish(tcpl_batch_totals *out, const tcpl_ctx *ctx, brec *recs, size_t n, bspill *spill,
                 roster *ros, const char *out_dir, const char *today, const char *deadline,
                 unsigned jobs, tcpl_error *err)
{
    for (size_t i = 0; i < n; i++) { /* (a run and a merge settled them all) */
        int rc = brec_settle(spill, &recs[i], 0, err);
        if (rc < 0)
            return rc;
    }
    if (mark_duplicates(recs, n) < 0)
        return TCPL_NOMEM(err, out_dir);
    out->files = n;
    for (size_t i = 0; i < n; i++) {
        brec *r = &recs[i];
        if (r->status == BREC_SKIPPED) {
            out->skipped++;
            continue;
        }
        if (r->status == BREC_ERROR) {
            out->failed++;
            continue;
        }
        if (r->reused)
            out->reused++;
        else
            out->checked++;
        out->with_loi += r->status == BREC_LOI;
        for (int s = 0; s < 3; s++)
            out->findings[s] += r->counts[s];
        if (ros) {
            bview v;
            int vrc = brec_view(&v, spill, r, err);
            if (vrc < 0)
                return vrc;
            r->roster = (int32_t)roster_match(ros, v.unit);
            if (r->roster >= 0)
                TCPL_VEC_AT(&ros->units, roster_unit, (size_t)r->roster).files++;
            else
                out->roster_unmatched++;
        }
    }
    if (ros) {
        const size_t *ord = TCPL_VEC_DATA(&ros->order, size_t);
        for (size_t i = 0; i < ros->order.len; i++) {
            size_t f = TCPL_VEC_AT(&ros->units, roster_unit, ord[i]).files;
            out->roster_missing += f == 0;
            out->roster_twice += f > 1;
        }
    }
    batch_report rep = {ctx, out_dir, recs, n, spill, ros, out, today, deadline, jobs};
    int rc = batch_write_summary(&rep, err);
    if (rc == 0 && ros)
        rc = batch_write_roster(&rep, err);
    if (rc == 0)
        rc = batch_write_html(&rep, err);
    return rc;
}

int tcpl_batch_run(tcpl_batch_totals *out, const tcpl_ctx *ctx, const tcpl_extractor *ex,
                   const tcpl_checker *ck, const tcpl_batch_options *o, tcpl_error *err)
{
    memset(out, 0, sizeof *out);
    if (!ctx || !ex || !ck || !o || !o->out_dir || !*o->out_dir || (o->ninputs && !o->inputs) ||
        (o->shard_n && (o->shard_k < 1 || o->shard_k > o->shard_n)))
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "%s", "tcpl_batch_run");
    run R;
    memset(&R, 0, sizeof R);
    R.ctx = ctx;
    R.ex = ex;
    R.ck = ck;
    R.o = o;
    R.results_fd = -1;
    R.co.packs = o->packs;
    R.co.npacks = o->npacks;
    bspill_init(&R.spill);
    tcpl_vec recs = TCPL_VEC_INIT(brec);
    roster ros;
    int have_roster = 0, rc = 0;
    memset(&ros, 0, sizeof ros);
    tcpl_buf rdir;
    tcpl_buf_init(&rdir);
    tcpl_buf_printf(&rdir, "%s/results", o->out_dir);
    if (!tcpl_buf_ok(&rdir)) {
        rc = TCPL_NOMEM(err, o->out_dir);
        goto out;
    }
    R.results_dir = rdir.data;
    if (o->roster) {
        TCPL_CHECK(roster_load(&ros, o->roster, err));
        have_roster = 1;
    }
    TCPL_CHECK(batch_make_dir(o->out_dir, err));
    TCPL_CHECK(batch_make_dir(R.results_dir, err));
    R.results_fd = open(R.results_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (R.results_fd < 0) {
        rc = tcpl_err(err, TCPL_ERR_IO, "batch.out_dir", R.results_dir, NULL, "%s",
                      strerror(errno));
        goto out;
    }
    batch_sweep_temps(o->out_dir);
    R.results_empty = batch_sweep_temps(R.results_dir) == 0;
    fingerprint(&R);
    TCPL_CHECK(bspill_open(&R.spill, o->out_dir, err));
    TCPL_CHECK(batch_walk(&recs, o->inputs, o->ninputs, o->out_dir, err));
    TCPL_CHECK(apply_converted(&recs, o, err));
    if (o->shard_n > 1) { /* the inputs whose path hash falls in this share */
        size_t k = 0;
        brec *a = TCPL_VEC_DATA(&recs, brec);
        for (size_t i = 0; i < recs.len; i++) {
            uint64_t h = batch_fnv(BATCH_FNV_INIT, a[i].path, strlen(a[i].path));
            if (h % o->shard_n == o->shard_k - 1)
                a[k++] = a[i];
            else
                brec_free(&a[i]);
        }
        recs.len = k;
    }
    R.recs = TCPL_VEC_DATA(&recs, brec);
    R.n = recs.len;
    R.prog.total = R.n;
    pthread_mutex_init(&R.mu, NULL);
    tcpl_error cerr;
    if (tcpl_part_cache_new(&R.cache, BATCH_PART_CACHE_BYTES, &cerr) < 0)
        R.cache = NULL;
    unsigned jobs = o->jobs ? o->jobs : 1;
    if (jobs > BATCH_MAX_JOBS)
        jobs = BATCH_MAX_JOBS;
    if ((size_t)jobs > R.n)
        jobs = R.n ? (unsigned)R.n : 1;
    pthread_t threads[BATCH_MAX_JOBS];
    wstart starts[BATCH_MAX_JOBS];
    unsigned started = 0;
    for (unsigned i = 1; i < jobs; i++) {
        starts[started] = (wstart){&R, started + 1};
        if (pthread_create(&threads[started], NULL, worker, &starts[started]) != 0)
            break; /* fewer threads: slower, same results */
        started++;
    }
    starts[started] = (wstart){&R, 0};
    worker(&starts[started]);
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&R.mu);
    tcpl_part_cache_free(R.cache);
    R.cache = NULL;
    if (R.fatal) {
        *err = R.fatal_err;
        rc = err->code;
        goto out;
    }
    TCPL_CHECK(batch_finish(out, ctx, R.recs, R.n, &R.spill, have_roster ? &ros : NULL, o->out_dir,
                            o->today, o->deadline, jobs, err));
out:
    for (size_t i = 0; i < recs.len; i++)
        brec_free(&TCPL_VEC_AT(&recs, brec, i));
    tcpl_vec_free(&recs);
    bspill_close(&R.spill);
    if (have_roster)
        roster_free(&ros);
    tcpl_buf_free(&rdir);
    if (R.results_fd >= 0)
        close(R.results_fd);
    return rc;
}
