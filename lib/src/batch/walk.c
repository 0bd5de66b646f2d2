/* The inputs of a batch: files named and everything under folders named.
 * Symbolic links are followed, but every folder and file is visited once
 * (by device and inode), so a link back up the tree ends there instead of
 * looping; depth is bounded (BATCH_MAX_DEPTH).  The list is sorted by path
 * so that every run, whatever the thread count or directory order, lists
 * the same inputs in the same order. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/error.h"
#include "batch/internal.h"
#include "tcpl/io.h"

/* (device, inode) pairs seen, open addressing; grown at three quarters
 * full.  A slot is 16 bytes (inode + 1: 0 marks it empty) and the set is
 * the walk's largest allocation after the records: it bounds the run's
 * peak memory (docs/bench.md, "Batch"). */
typedef struct idset {
    struct id {
        uint64_t dev;
        uint64_t ino1; /* inode + 1, 0: empty */
    } * slots;
    size_t cap, len;
} idset;

static size_t id_hash(uint64_t d, uint64_t i, size_t cap)
{
    uint64_t h = batch_fnv(BATCH_FNV_INIT, &d, sizeof d);
    h = batch_fnv(h, &i, sizeof i);
    return (size_t)h & (cap - 1);
}

/* 1 if newly added, 0 if already there, -1 out of memory. */
static int idset_add(idset *s, dev_t dev, ino_t ino)
{
    uint64_t d = (uint64_t)dev, i1 = (uint64_t)ino + 1;
    if (4 * (s->len + 1) > 3 * s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 256;
        struct id *n = calloc(ncap, sizeof *n);
        if (!n)
            return -1;
        for (size_t k = 0; k < s->cap; k++)
            if (s->slots[k].ino1) {
                size_t h = id_hash(s->slots[k].dev, s->slots[k].ino1, ncap);
                while (n[h].ino1)
                    h = (h + 1) & (ncap - 1);
                n[h] = s->slots[k];
            }
        free(s->slots);
        s->slots = n;
        s->cap = ncap;
    }
    size_t h = id_hash(d, i1, s->cap);
    while (s->slots[h].ino1) {
        if (s->slots[h].dev == d && s->slots[h].ino1 == i1)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->slots[h].dev = d;
    s->slots[h].ino1 = i1;
    s->len++;
    return 1;
}

typedef struct walker {
    tcpl_vec *recs;
    idset seen;
    int has_out; /* the output folder, never walked */
    dev_t out_dev;
    ino_t out_ino;
    tcpl_error *err;
} walker;

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && !strcasecmp(name + n - e, ext);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A new record for path; skip: its reason id (NULL: to be checked). */
static int add(walker *w, const char *path, const char *skip, const char *detail)
{
    if (w->recs->len >= BATCH_MAX_INPUTS)
        return tcpl_err(w->err, TCPL_ERR_LIMIT, "batch.too_many", path, NULL, "%d",
                        BATCH_MAX_INPUTS);
    brec *r = tcpl_vec_push(w->recs);
    if (!r)
        return TCPL_NOMEM(w->err, path);
    r->status = skip ? BREC_SKIPPED : BREC_TODO;
    r->skip = skip;
    r->path = strdup(path);
    if (tcpl_escape_text(&r->shown, path, 0, w->err) < 0)
        return w->err->code;
    if (r->path && !strcmp(r->shown, r->path)) { /* one copy (brec_free knows) */
        free(r->shown);
        r->shown = r->path;
    }
    if (detail)
        r->skip_detail = strdup(detail);
    if (!r->path || (detail && !r->skip_detail))
        return TCPL_NOMEM(w->err, path);
    return 0;
}

/* What to do with a regular file found (or named). */
static int add_file(walker *w, const char *path, const struct stat *st)
{
    int fresh = idset_add(&w->seen, st->st_dev, st->st_ino);
    if (fresh < 0)
        return TCPL_NOMEM(w->err, path);
    if (!fresh)
        return add(w, path, "batch.skip_same", NULL);
    const char *b = base_name(path);
    if (!strncmp(b, "~$", 2))
        return add(w, path, "batch.skip_lock", NULL);
    if (has_ext(b, ".docx") || has_ext(b, ".docm"))
        return add(w, path, NULL, NULL);
    if (has_ext(b, ".doc"))
        return add(w, path, "batch.skip_doc", NULL);
    return add(w, path, "batch.skip_not_docx", NULL);
}

static int walk(walker *w, const char *path, int depth, int named);

static int walk_dir(walker *w, const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d)
        return add(w, path, "batch.skip_unreadable", strerror(errno));
    /* Names first, folder closed before descending: one open folder at a
     * time whatever the depth. */
    tcpl_vec names = TCPL_VEC_INIT(char *);
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') /* ".", "..", hidden files, our temporaries */
            continue;
        char **slot = tcpl_vec_push(&names);
        if (!slot || !(*slot = strdup(e->d_name))) {
            rc = TCPL_NOMEM(w->err, path);
            break;
        }
    }
    closedir(d);
    size_t plen = strlen(path);
    int slash = plen && path[plen - 1] == '/';
    tcpl_buf child;
    tcpl_buf_init(&child);
    for (size_t i = 0; i < names.len; i++) {
        char *name = TCPL_VEC_AT(&names, char *, i);
        if (rc == 0) {
            tcpl_buf_reset(&child);
            tcpl_buf_printf(&child, "%s%s%s", path, slash ? "" : "/", name);
            rc = tcpl_buf_ok(&child) ? walk(w, child.data, depth + 1, 0) : TCPL_NOMEM(w->err, path);
        }
        free(name);
    }
    tcpl_buf_free(&child);
    tcpl_vec_free(&names);
    return rc;
}

static int walk(walker *w, const char *path, int depth, int named)
{
    struct stat st, lst;
    if (lstat(path, &lst) < 0) {
        if (named) /* a name given that does not exist: an error the user must see */
            return add(w, path, NULL, NULL);
        return add(w, path, "batch.skip_unreadable", strerror(errno));
    }
    int link = S_ISLNK(lst.st_mode);
    if (link && stat(path, &st) < 0)
        return add(w, path, "batch.skip_broken_link", strerror(errno));
    if (!link)
        st = lst;
    if (S_ISDIR(st.st_mode)) {
        if (w->has_out && st.st_dev == w->out_dev && st.st_ino == w->out_ino)
            return 0;
        int fresh = idset_add(&w->seen, st.st_dev, st.st_ino);
        if (fresh < 0)
            return TCPL_NOMEM(w->err, path);
        if (!fresh) /* a link back up the tree, or to a folder walked already */
            return add(w, path, "batch.skip_loop", NULL);
        if (depth >= BATCH_MAX_DEPTH) {
            char n[16];
            snprintf(n, sizeof n, "%d", BATCH_MAX_DEPTH);
            return add(w, path, "batch.skip_depth", n);
        }
        return walk_dir(w, path, depth);
    }
    if (S_ISREG(st.st_mode))
        return add_file(w, path, &st);
    return add(w, path, "batch.skip_special", NULL);
}

int batch_rec_cmp(const brec *x, const brec *y)
{
    int c = strcmp(x->shown, y->shown);
    if (!c)
        c = strcmp(x->path, y->path);
    return c ? c : (x->status > y->status) - (x->status < y->status);
}

static int by_path(const void *a, const void *b)
{
    return batch_rec_cmp(a, b);
}

int batch_walk(tcpl_vec *recs, const char *const *inputs, size_t n, const char *out_dir,
               tcpl_error *err)
{
    walker w = {recs, {NULL, 0, 0}, 0, 0, 0, err};
    int rc = 0;
    /* The output folder is never an input, even inside an input folder. */
    struct stat st;
    if (out_dir && stat(out_dir, &st) == 0) {
        w.has_out = 1;
        w.out_dev = st.st_dev;
        w.out_ino = st.st_ino;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = walk(&w, inputs[i], 0, 1);
    free(w.seen.slots);
    if (rc == 0 && recs->len > 1)
        qsort(recs->data, recs->len, sizeof(brec), by_path);
    return rc;
}
