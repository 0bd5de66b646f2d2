/* The records of a batch's inputs and the spill file their strings wait in
 * (docs/batch.md, "Memory"): a run holds one record per input until the
 * summary is written, so a record keeps only what cannot wait on disk (its
 * path, status, counts, hash, indexes); the strings every output shows
 * (result name, note, unit, kind, number, date) are appended to an unlinked
 * temporary file as each input is settled and read back at the end, in
 * path order, through one window of BSPILL_WINDOW bytes; what report.html
 * shows of its findings goes to a second such file, read once. */
#define _XOPEN_SOURCE 700 /* mkstemp, pread */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "batch/internal.h"

/* Frees the strings of the first life. */
static void free_unsettled(brec *r)
{
    free(r->note);
    free(r->meta);
    free(r->skip_detail);
    free(r->converted);
    r->note = r->meta = r->skip_detail = r->converted = NULL;
}

void brec_free(brec *r)
{
    if (r->shown != r->path)
        free(r->shown);
    free(r->path);
    free(r->result);
    r->path = r->shown = r->result = NULL;
    if (!r->settled)
        free_unsettled(r);
}

static size_t held_str(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* The packed strings: each a tag byte (0 absent, 1 present), then the
 * bytes and a NUL when present. */
static void pack(tcpl_buf *b, const char *s)
{
    tcpl_buf_putc(b, s ? 1 : 0);
    if (s)
        tcpl_buf_put(b, s, strlen(s) + 1);
}

/* The next packed string of [*p, end): *out (NULL when absent); -1 when
 * the bytes are not packed strings. */
static int unpack(const char **p, const char *end, const char **out)
{
    if (*p >= end || (**p != 0 && **p != 1))
        return -1;
    int present = **p;
    (*p)++;
    *out = NULL;
    if (!present)
        return 0;
    const char *nul = memchr(*p, 0, (size_t)(end - *p));
    if (!nul)
        return -1;
    *out = *p;
    *p = nul + 1;
    return 0;
}

/* The length of a packed block of k strings starting at p (well-formed:
 * made by pack). */
static size_t packed_len(const char *p, int k)
{
    const char *s = p;
    for (int i = 0; i < k; i++)
        s += *s ? strlen(s + 1) + 2 : 1;
    return (size_t)(s - p);
}

size_t brec_held(const brec *r)
{
    size_t n = sizeof *r + held_str(r->path) + held_str(r->result);
    if (r->shown != r->path)
        n += held_str(r->shown);
    if (!r->settled) {
        n += held_str(r->note) + held_str(r->skip_detail) + held_str(r->converted);
        if (r->meta)
            n += packed_len(r->meta, 4);
    }
    return n;
}

int brec_set_meta(brec *r, const char *unit, const char *kind, const char *number,
                  const char *date)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    pack(&b, unit);
    pack(&b, kind);
    pack(&b, number);
    pack(&b, date);
    free(r->meta);
    r->meta = tcpl_buf_ok(&b) ? tcpl_buf_detach(&b, NULL) : NULL;
    tcpl_buf_free(&b);
    return r->meta ? 0 : -1;
}

static void stream_init(bstream *t)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    tcpl_buf_init(&t->out);
    tcpl_buf_init(&t->win);
}

static void stream_close(bstream *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    tcpl_buf_free(&t->out);
    tcpl_buf_free(&t->win);
}

void bspill_init(bspill *s)
{
    memset(s, 0, sizeof *s);
    stream_init(&s->rec);
    stream_init(&s->fnd);
}

/* An unlinked temporary file in dir. */
static int stream_open(bstream *t, const char *dir, tcpl_error *err)
{
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/" BATCH_TMP_PREFIX "spill-XXXXXX", dir);
    if (!tcpl_buf_ok(&p)) {
        tcpl_buf_free(&p);
        return TCPL_NOMEM(err, dir);
    }
    t->fd = mkstemp(p.data);
    if (t->fd < 0) {
        int rc = tcpl_err(err, TCPL_ERR_IO, "err.io_write", p.data, NULL, "%s", strerror(errno));
        tcpl_buf_free(&p);
        return rc;
    }
    /* Unlinked at once: nothing is left behind, even by kill -9 (and a
     * killed run's leftover between the two calls is swept as a
     * temporary). */
    unlink(p.data);
    tcpl_buf_free(&p);
    return 0;
}

int bspill_open(bspill *s, const char *dir, tcpl_error *err)
{
    bspill_init(s);
    int rc = stream_open(&s->rec, dir, err);
    if (rc == 0 && (rc = stream_open(&s->fnd, dir, err)) < 0)
        stream_close(&s->rec);
    if (rc < 0)
        return rc;
    pthread_mutex_init(&s->mu, NULL);
    s->open = 1;
    return 0;
}

void bspill_close(bspill *s)
{
    if (s->open)
        pthread_mutex_destroy(&s->mu);
    s->open = 0;
    stream_close(&s->rec);
    stream_close(&s->fnd);
}

/* Writes what is pending; called with mu held (or from one thread). */
static int spill_flush(bspill *s, bstream *t)
{
    size_t done = 0;
    while (!s->failed && done < t->out.len) {
        ssize_t w = write(t->fd, t->out.data + done, t->out.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            s->failed = w < 0 ? errno : EIO;
        else
            done += (size_t)w;
    }
    tcpl_buf_reset(&t->out);
    return s->failed ? -1 : 0;
}

/* Appends a block to t: its length (4 bytes, little-endian), then the
 * bytes; *at: where it starts.  Called with mu held. */
static int stream_put(bspill *s, bstream *t, const char *p, size_t n, uint64_t *at)
{
    unsigned char h[4];
    for (int i = 0; i < 4; i++)
        h[i] = (unsigned char)((n >> (8 * i)) & 0xff);
    if (tcpl_buf_reserve(&t->out, 4 + n) < 0 || tcpl_buf_put(&t->out, h, 4) < 0 ||
        tcpl_buf_put(&t->out, p, n) < 0) { /* (reserved: both or neither) */
        errno = ENOMEM;
        return -1;
    }
    *at = t->size;
    t->size += 4 + n;
    if (t->out.len >= BSPILL_WINDOW && spill_flush(s, t) < 0) {
        errno = s->failed;
        return -1;
    }
    return 0;
}

int brec_settle(bspill *s, brec *r, int keep_result, tcpl_error *err)
{
    return brec_settle_fnd(s, r, keep_result, NULL, 0, err);
}

int brec_settle_fnd(bspill *s, brec *r, int keep_result, const char *fnd, size_t len,
                    tcpl_error *err)
{
    if (r->settled)
        return 0;
    /* The record: the strings, then (with findings) where they are in the
     * findings stream (8 bytes, little-endian). */
    tcpl_buf b;
    tcpl_buf_init(&b);
    pack(&b, r->result);
    pack(&b, r->note);
    if (r->meta)
        tcpl_buf_put(&b, r->meta, packed_len(r->meta, 4));
    else
        tcpl_buf_put(&b, "\0\0\0\0", 4);
    size_t strs = b.len;
    if (fnd)
        tcpl_buf_put(&b, "\0\0\0\0\0\0\0\0", 8);
    if (!tcpl_buf_ok(&b) || b.len > UINT32_MAX || len > UINT32_MAX) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, r->path);
    }
    pthread_mutex_lock(&s->mu);
    uint64_t at = 0, fat = 0;
    int rc = 0;
    if (fnd && stream_put(s, &s->fnd, fnd, len, &fat) < 0)
        rc = -1;
    if (rc == 0) {
        for (int i = 0; fnd && i < 8; i++)
            b.data[strs + (size_t)i] = (char)((fat >> (8 * i)) & 0xff);
        rc = stream_put(s, &s->rec, b.data, b.len, &at);
    }
    if (rc < 0)
        rc = errno == ENOMEM ? TCPL_NOMEM(err, r->path)
                             : tcpl_err(err, TCPL_ERR_IO, "err.io_write", r->path, NULL, "%s",
                                        strerror(errno));
    pthread_mutex_unlock(&s->mu);
    tcpl_buf_free(&b);
    if (rc < 0)
        return rc;
    if (!keep_result) {
        free(r->result);
        r->result = NULL;
    }
    free_unsettled(r); /* then the same bytes take the second life */
    r->settled = fnd ? BREC_SETTLED_FND : BREC_SETTLED;
    r->spill = at;
    r->roster = -1;
    r->dup_of = -1;
    return 0;
}

/* Makes [off, off + n) of t readable in t->win; its start, or NULL
 * (errno). */
static const char *spill_at(bspill *s, bstream *t, uint64_t off, size_t n)
{
    if (t->out.len && spill_flush(s, t) < 0) {
        errno = s->failed;
        return NULL;
    }
    if (off >= t->win_off && off + n <= t->win_off + t->win.len)
        return t->win.data + (off - t->win_off);
    size_t want = n > BSPILL_WINDOW ? n : BSPILL_WINDOW;
    tcpl_buf_reset(&t->win);
    t->win_off = off;
    if (tcpl_buf_reserve(&t->win, want) < 0) {
        errno = ENOMEM;
        return NULL;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t k = pread(t->fd, t->win.data + got, want - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    t->win.len = got;
    if (got < n) {
        t->win.len = 0;
        errno = EIO;
        return NULL;
    }
    return t->win.data;
}

/* The block at off in t: *p, *n; -1 (errno) when it cannot be read. */
static int stream_get(bspill *s, bstream *t, uint64_t off, const char **p, size_t *n)
{
    const unsigned char *h = (const unsigned char *)spill_at(s, t, off, 4);
    if (!h)
        return -1;
    uint32_t k = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    const char *q = spill_at(s, t, off, 4 + (size_t)k);
    if (!q)
        return -1;
    *p = q + 4;
    *n = k;
    return 0;
}

int brec_view(bview *v, bspill *s, const brec *r, tcpl_error *err)
{
    memset(v, 0, sizeof *v);
    v->result = r->result;
    if (!r->settled) {
        v->note = r->note;
        const char *p = r->meta;
        if (p) {
            const char *end = p + packed_len(p, 4);
            unpack(&p, end, &v->unit);
            unpack(&p, end, &v->kind);
            unpack(&p, end, &v->number);
            unpack(&p, end, &v->date);
        }
        return 0;
    }
    const char *p;
    size_t n;
    if (stream_get(s, &s->rec, r->spill, &p, &n) < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", strerror(errno));
    const char *end = p + n, *result = NULL;
    if (unpack(&p, end, &result) < 0 || unpack(&p, end, &v->note) < 0 ||
        unpack(&p, end, &v->unit) < 0 || unpack(&p, end, &v->kind) < 0 ||
        unpack(&p, end, &v->number) < 0 || unpack(&p, end, &v->date) < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", "spill");
    if (!v->result)
        v->result = result;
    return 0;
}

int brec_findings(const char **fnd, size_t *len, bspill *s, const brec *r, tcpl_error *err)
{
    const char *p;
    size_t n;
    *fnd = NULL;
    *len = 0;
    if (r->settled != BREC_SETTLED_FND)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", "spill");
    if (stream_get(s, &s->rec, r->spill, &p, &n) < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", strerror(errno));
    if (n < 8)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", "spill");
    const unsigned char *q = (const unsigned char *)p + n - 8;
    uint64_t at = 0;
    for (int i = 0; i < 8; i++)
        at |= (uint64_t)q[i] << (8 * i);
    if (stream_get(s, &s->fnd, at, fnd, len) < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", strerror(errno));
    return 0;
}
